/* lib/storage/sqlite/search.c — the SQLite index behind search.
 *
 * Three tables (doc/search.md):
 *  search_doc     one row per book: its filters, its rank, its keys (handed
 *                 back to the engine) and its terms ("score word" lines);
 *  search_prefix  the suggestion structure: for every prefix of 1 to
 *                 PREFIX_MAX characters of a book's words, one row (prefix,
 *                 -best score, book). Its primary key is the order a
 *                 suggestion wants, so the best books for a short prefix are
 *                 the first rows of a B-tree range: no matter how many
 *                 books share the prefix, nothing is sorted;
 *  search_fts     FTS5 over the words: the books that hold a word (the sets
 *                 of queries of several words, search_cache.c) and one
 *                 word's books when its rows are not enough;
 *  search_log     a row per write of a book's index, which tells each
 *                 connection what to read again of what it keeps
 *                 (search_cache.c).
 * The engine folds every word (lib/search/fold.c); this file compares bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sq.h"

#define PREFIX_MAX 8   /* characters (schema version 8; 3 before) */
#define VOCAB_HEAD 3   /* characters the typo corrections are grouped by */
#define VOCAB_HEAD_BYTES (4 * VOCAB_HEAD) /* at most, in UTF-8 */
#define WALK_MAX 2000  /* prefix rows read for one word before FTS5 takes over */
#define QUERY_WORDS 16

const char sq__search_schema[] =
	"CREATE TABLE search_doc (book_id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, language TEXT,"
	" age_rating INTEGER NOT NULL, rank INTEGER NOT NULL, keys TEXT NOT NULL, terms TEXT NOT NULL);"
	"CREATE TABLE search_prefix (prefix TEXT NOT NULL, nscore INTEGER NOT NULL, book_id INTEGER NOT NULL,"
	" PRIMARY KEY (prefix, nscore, book_id)) WITHOUT ROWID;"
	"CREATE VIRTUAL TABLE search_fts USING fts5(words, content='', tokenize='unicode61 remove_diacritics 0');";

/* Schema version 8: prefixes of 4 to PREFIX_MAX characters too, made from
 * each book's terms ("score word" lines): per book and prefix the best
 * score, as prefixes() does. SQLite's substr and length count characters. */
const char sq__search_prefix_migration[] =
	"WITH RECURSIVE lines(book_id, rest, line) AS ("
	" SELECT book_id, terms || char(10), '' FROM search_doc"
	" UNION ALL SELECT book_id, substr(rest, instr(rest, char(10)) + 1), substr(rest, 1, instr(rest, char(10)) - 1)"
	" FROM lines WHERE rest <> ''),"
	" words(book_id, score, word) AS (SELECT book_id, CAST(substr(line, 1, instr(line, ' ') - 1) AS INTEGER),"
	" substr(line, instr(line, ' ') + 1) FROM lines WHERE line <> ''),"
	" lens(n) AS (VALUES (4), (5), (6), (7), (8))"
	" INSERT OR REPLACE INTO search_prefix (prefix, nscore, book_id)"
	" SELECT substr(word, 1, n), -max(score), book_id FROM words, lens WHERE length(word) >= n"
	" GROUP BY book_id, substr(word, 1, n);";

/* Schema version 9: the index's generation, which every write of it
 * changed (replaced by search_log in version 10). */
const char sq__search_state_migration[] =
	"CREATE TABLE IF NOT EXISTS search_state (id INTEGER PRIMARY KEY, gen INTEGER NOT NULL);"
	"INSERT OR IGNORE INTO search_state (id, gen) VALUES (1, 0);";

/* Schema version 10: the log of the index's writes (search_cache.c). */
const char sq__search_log_migration[] =
	"DROP TABLE IF EXISTS search_state;"
	"CREATE TABLE search_log (seq INTEGER PRIMARY KEY, book_id INTEGER NOT NULL, tag INTEGER NOT NULL);";

/* ---------------------------------------------------------------- terms */

size_t sq__parse_terms(const char *s, sq_term *t, size_t max)
{
	size_t k = 0;
	while (*s && k < max) {
		char *end;
		long long sc = strtoll(s, &end, 10);
		if (*end != ' ')
			break;
		const char *w = end + 1;
		const char *nl = strchr(w, '\n');
		size_t n = nl ? (size_t)(nl - w) : strlen(w);
		t[k].w = w;
		t[k].n = n;
		t[k].score = sc;
		k++;
		s = nl ? nl + 1 : w + n;
	}
	return k;
}

size_t sq__count_lines(const char *s)
{
	size_t n = 1;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The prefix length in bytes of the first `chars` characters of w. */
static size_t prefix_bytes(const char *w, size_t n, int chars)
{
	size_t i = 0;
	while (i < n && chars > 0) {
		i++;
		while (i < n && ((unsigned char)w[i] & 0xc0) == 0x80)
			i++;
		chars--;
	}
	return i;
}

typedef struct prow {
	const char *p;
	size_t n;
	int64_t score;
} prow;

static int by_prefix(const void *a, const void *b)
{
	const prow *x = a, *y = b;
	size_t m = x->n < y->n ? x->n : y->n;
	int c = memcmp(x->p, y->p, m);
	if (c)
		return c;
	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return x->score > y->score ? -1 : x->score < y->score;
}

/* The distinct prefixes of the terms, each with its best score; *out is
 * malloc'd. Returns the count or -1 when memory ran out. */
static long prefixes(const sq_term *t, size_t nt, prow **out)
{
	prow *r = malloc((nt * PREFIX_MAX + 1) * sizeof *r);
	if (!r)
		return -1;
	size_t k = 0;
	for (size_t i = 0; i < nt; i++) {
		size_t last = 0;
		for (int c = 1; c <= PREFIX_MAX; c++) {
			size_t b = prefix_bytes(t[i].w, t[i].n, c);
			if (b == last)
				break;
			r[k].p = t[i].w;
			r[k].n = b;
			r[k].score = t[i].score;
			k++;
			last = b;
		}
	}
	qsort(r, k, sizeof *r, by_prefix);
	size_t o = 0;
	for (size_t i = 0; i < k; i++)
		if (o == 0 || r[o - 1].n != r[i].n || memcmp(r[o - 1].p, r[i].p, r[i].n) != 0)
			r[o++] = r[i];
	*out = r;
	return (long)o;
}

/* ---------------------------------------------------------- the writes */

static const char sql_doc_put[] =
	"INSERT OR REPLACE INTO search_doc (book_id, kind, language, age_rating, rank, keys, terms)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_doc_del[] = "DELETE FROM search_doc WHERE book_id = ?1";
static const char sql_prefix_put[] = "INSERT OR REPLACE INTO search_prefix (prefix, nscore, book_id) VALUES (?1, ?2, ?3)";
static const char sql_prefix_del[] = "DELETE FROM search_prefix WHERE prefix = ?1 AND nscore = ?2 AND book_id = ?3";
static const char sql_fts_put[] = "INSERT INTO search_fts (rowid, words) VALUES (?1, ?2)";
static const char sql_fts_del[] = "INSERT INTO search_fts (search_fts, rowid, words) VALUES ('delete', ?1, ?2)";

/* The words of the terms, separated by spaces (malloc'd). */
static char *words_of(const sq_term *t, size_t nt)
{
	size_t len = 1;
	for (size_t i = 0; i < nt; i++)
		len += t[i].n + 1;
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	for (size_t i = 0; i < nt; i++) {
		if (i)
			*p++ = ' ';
		memcpy(p, t[i].w, t[i].n);
		p += t[i].n;
	}
	*p = '\0';
	return s;
}

/* Add (del = 0) or remove (del = 1) a book's prefix rows and FTS5 words. */
static int index_rows(sq *s, int64_t book_id, const sq_term *t, size_t nt, int del)
{
	prow *r = NULL;
	long n = prefixes(t, nt, &r);
	char *words = n >= 0 ? words_of(t, nt) : NULL;
	if (n < 0 || !words) {
		free(r);
		return sq__fail_msg(s, "search index", "out of memory", LEND_ENOMEM);
	}
	int rc = LEND_OK;
	for (long i = 0; i < n && rc == LEND_OK; i++) {
		sqlite3_stmt *st;
		rc = sq__prep(s, del ? sql_prefix_del : sql_prefix_put, &st, "search prefix");
		if (rc != LEND_OK)
			break;
		sqlite3_bind_text(st, 1, r[i].p, (int)r[i].n, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, -r[i].score);
		sqlite3_bind_int64(st, 3, book_id);
		rc = sq__run(s, st, "search prefix", 0);
	}
	if (rc == LEND_OK) {
		sqlite3_stmt *st;
		rc = sq__prep(s, del ? sql_fts_del : sql_fts_put, &st, "search words");
		if (rc == LEND_OK) {
			sqlite3_bind_int64(st, 1, book_id);
			sqlite3_bind_text(st, 2, words, -1, SQLITE_STATIC);
			rc = sq__run(s, st, "search words", 0);
		}
	}
	free(words);
	free(r);
	return rc;
}

/* Remove what is indexed for a book; *found = 0 when nothing was. */
static int unindex(sq *s, int64_t book_id, int *found)
{
	sqlite3_stmt *st;
	sq_doc *d;
	*found = 0;
	int rc = sq__search_doc_read(s, book_id, &d);
	if (rc != LEND_OK || !d)
		return rc;
	rc = index_rows(s, book_id, d->term, d->nterms, 1);
	free(d);
	if (rc == LEND_OK)
		rc = sq__prep(s, sql_doc_del, &st, "search doc");
	if (rc == LEND_OK) {
		sqlite3_bind_int64(st, 1, book_id);
		rc = sq__run(s, st, "search doc", 0);
	}
	*found = rc == LEND_OK;
	return rc;
}

static int search_put(void *ud, const lend_sys_search_doc *doc)
{
	sq *s = ud;
	int found;
	int rc = sq__search_cache_write(s, doc->book_id);
	if (rc == LEND_OK)
		rc = unindex(s, doc->book_id, &found);
	if (rc != LEND_OK)
		return rc;
	size_t nt = doc->nterms > 0 ? (size_t)doc->nterms : 0;
	sq_term *t = malloc((nt + 1) * sizeof *t);
	size_t len = 1;
	for (size_t i = 0; i < nt; i++)
		len += strlen(doc->terms[i].word) + 24;
	char *terms = malloc(len), *p = terms;
	if (!t || !terms) {
		free(t);
		free(terms);
		return sq__fail_msg(s, "search doc", "out of memory", LEND_ENOMEM);
	}
	*p = '\0';
	size_t k = 0;
	for (size_t i = 0; i < nt; i++) {
		const char *w = doc->terms[i].word ? doc->terms[i].word : "";
		if (!*w || strchr(w, '\n') || strchr(w, ' '))
			continue; /* not a word */
		p += sprintf(p, "%s%lld %s", k ? "\n" : "", (long long)doc->terms[i].score, w);
		t[k].w = w;
		t[k].n = strlen(w);
		t[k].score = doc->terms[i].score;
		k++;
	}
	sqlite3_stmt *st;
	rc = sq__prep(s, sql_doc_put, &st, "search doc");
	if (rc == LEND_OK) {
		sqlite3_bind_int64(st, 1, doc->book_id);
		sqlite3_bind_int(st, 2, doc->kind);
		if (doc->language && *doc->language)
			sqlite3_bind_text(st, 3, doc->language, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, doc->age_rating);
		sqlite3_bind_int64(st, 5, doc->rank);
		sqlite3_bind_text(st, 6, doc->keys ? doc->keys : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, terms, -1, SQLITE_STATIC);
		rc = sq__run(s, st, "search doc", 0);
	}
	if (rc == LEND_OK)
		rc = index_rows(s, doc->book_id, t, k, 0);
	free(t);
	free(terms);
	return rc;
}

static int search_delete(void *ud, int64_t book_id)
{
	sq *s = ud;
	int found;
	int rc = sq__search_cache_write(s, book_id);
	if (rc == LEND_OK)
		rc = unindex(s, book_id, &found);
	if (rc == LEND_OK && !found)
		return sq__not_found(s, "search doc");
	return rc;
}

/* ---------------------------------------------------------- the lookup */

/* The book's score for the query from its terms, or -1 if it does not match. */
/* Does the "score word" list hold word as a whole word? (a quick test
 * before the list is parsed) */
static int has_word(const char *terms, const char *w, size_t wn)
{
	for (const char *p = strstr(terms, w); p; p = strstr(p + 1, w))
		if (p > terms && p[-1] == ' ' && (p[wn] == '\n' || p[wn] == '\0'))
			return 1;
	return 0;
}

static int64_t score_terms(const char *terms, const lend_sys_search_query *q)
{
	if (!terms)
		return -1;
	for (int i = 0; i < q->nwords - 1; i++)
		if (!has_word(terms, q->words[i], strlen(q->words[i])))
			return -1;
	const char *last = q->words[q->nwords - 1];
	size_t ln = strlen(last);
	int64_t best = -1;
	/* Only the lines whose word the last word matches have their score read. */
	for (const char *p = terms; *p;) {
		const char *sp = strchr(p, ' ');
		if (!sp)
			break;
		const char *w = sp + 1, *nl = strchr(w, '\n');
		size_t wn = nl ? (size_t)(nl - w) : strlen(w);
		if ((wn == ln || (q->prefix && wn > ln)) && memcmp(w, last, ln) == 0) {
			int64_t sc = strtoll(p, NULL, 10);
			if (sc > best)
				best = sc;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return best;
}

/* The best `limit` found so far, best first. */
typedef struct top {
	int64_t book_id;
	int64_t score;
	char *keys;
} top;

typedef struct tops {
	top *t;
	int n, max;
} tops;

static int better(int64_t s1, int64_t b1, int64_t s2, int64_t b2)
{
	return s1 > s2 || (s1 == s2 && b1 < b2);
}

/* The same from a kept document's parsed terms: the last word's best score
 * first, and only if that could enter the top (beat `floor`, the k-th best
 * so far, with book id `id`; floor < 0: any), whether it holds the others. */
static int64_t score_parsed(const sq_doc *d, const lend_sys_search_query *q, int64_t floor, int64_t floor_id)
{
	int others = q->nwords - 1;
	const char *last = q->words[others];
	size_t ln = strlen(last);
	int64_t best = -1;
	for (size_t i = 0; i < d->nterms; i++) {
		const sq_term *t = &d->term[i];
		if ((t->n == ln || (q->prefix && t->n > ln)) && t->score > best && memcmp(t->w, last, ln) == 0)
			best = t->score;
	}
	if (best < 0 || (floor >= 0 && !better(best, d->book_id, floor, floor_id)))
		return -1;
	for (int j = 0; j < others; j++) {
		size_t n = strlen(q->words[j]);
		size_t i = 0;
		while (i < d->nterms && !(d->term[i].n == n && memcmp(d->term[i].w, q->words[j], n) == 0))
			i++;
		if (i == d->nterms)
			return -1;
	}
	return best;
}

/* Offer a candidate (keys NULL: read for the top at the end); returns -1
 * when memory ran out. */
static int offer(tops *k, int64_t book_id, int64_t score, const char *keys)
{
	for (int i = 0; i < k->n; i++)
		if (k->t[i].book_id == book_id)
			return 0;
	if (k->n == k->max && !better(score, book_id, k->t[k->n - 1].score, k->t[k->n - 1].book_id))
		return 0;
	char *copy = keys ? strdup(keys) : NULL;
	if (keys && !copy)
		return -1;
	if (k->n == k->max) {
		free(k->t[k->n - 1].keys);
		k->n--;
	}
	int i = k->n;
	while (i > 0 && better(score, book_id, k->t[i - 1].score, k->t[i - 1].book_id)) {
		k->t[i] = k->t[i - 1];
		i--;
	}
	k->t[i].book_id = book_id;
	k->t[i].score = score;
	k->t[i].keys = copy;
	k->n++;
	return 0;
}

static void tops_clear(tops *k)
{
	for (int i = 0; i < k->n; i++)
		free(k->t[i].keys);
	k->n = 0;
}

#define FILTERS                                                                                                        \
	" AND (?2 = 0 OR d.kind = ?2) AND (?3 IS NULL OR d.language = ?3) AND (?4 < 0 OR d.age_rating <= ?4)"
static const char sql_walk[] = "SELECT p.nscore, p.book_id, d.keys, d.terms FROM search_prefix p"
                               " JOIN search_doc d ON d.book_id = p.book_id WHERE p.prefix = ?1" FILTERS
                               " ORDER BY p.nscore, p.book_id";
static const char sql_fts[] = "SELECT d.book_id, d.keys, d.terms FROM search_fts f"
                              " JOIN search_doc d ON d.book_id = f.rowid WHERE search_fts MATCH ?1" FILTERS;

static void bind_filters(sqlite3_stmt *st, const lend_sys_search_query *q)
{
	sqlite3_bind_int(st, 2, q->kind);
	if (q->language && *q->language)
		sqlite3_bind_text(st, 3, q->language, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, q->max_age);
}

/* One word: walk its prefix rows best first, at most WALK_MAX of them;
 * *complete = 1 when the top is sure (the next row could not beat it, or
 * the rows ran out); *hits: the rows that matched. */
static int walk(sq *s, const lend_sys_search_query *q, tops *k, int *complete, int *hits)
{
	*hits = 0;
	const char *w = q->words[0];
	size_t ln = strlen(w);
	size_t kb = prefix_bytes(w, ln, PREFIX_MAX);
	/* A prefix no longer than the prefix rows': the rows are the answer. */
	int exact = q->prefix && kb == ln;
	sqlite3_stmt *st;
	*complete = 0;
	int rc = sq__prep(s, sql_walk, &st, "search prefix");
	if (rc != LEND_OK)
		return rc;
	sqlite3_bind_text(st, 1, w, (int)kb, SQLITE_STATIC);
	bind_filters(st, q);
	int rows = 0, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t bound = -sqlite3_column_int64(st, 0);
		int64_t book_id = sqlite3_column_int64(st, 1);
		/* Rows come by bound descending, then book id: once the k-th best
		 * beats this row's bound (or ties it with a smaller id), no later
		 * row can enter the top. */
		if (k->n == k->max && !better(bound, book_id, k->t[k->n - 1].score, k->t[k->n - 1].book_id)) {
			*complete = 1;
			break;
		}
		if (exact && k->n == k->max) {
			*complete = 1;
			break;
		}
		if (++rows > WALK_MAX)
			break;
		int64_t sc = exact ? bound : score_terms(sq__text(st, 3), q);
		*hits += sc >= 0;
		if (sc >= 0 && offer(k, book_id, sc, sq__text(st, 2)) < 0) {
			sq__done(s, st);
			return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
		}
	}
	if (step == SQLITE_DONE)
		*complete = 1;
	else if (step != SQLITE_ROW)
		rc = sq__fail(s, "search prefix", step);
	sq__done(s, st);
	return rc;
}

/* ------------------------------------------------------- the planning */

/* The books of the FTS5 query m, each scored: every match is read. */
static int score_fts(sq *s, const lend_sys_search_query *q, const char *m, tops *k)
{
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql_fts, &st, "search words");
	if (rc != LEND_OK)
		return rc;
	sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
	bind_filters(st, q);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t sc = score_terms(sq__text(st, 2), q);
		if (sc >= 0 && offer(k, sqlite3_column_int64(st, 0), sc, sq__text(st, 1)) < 0) {
			step = SQLITE_NOMEM;
			break;
		}
	}
	if (step != SQLITE_DONE)
		rc = step == SQLITE_NOMEM ? sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM)
		                          : sq__fail(s, "search words", step);
	sq__done(s, st);
	return rc;
}

/* When the walk of one word's rows is not enough: if few of them held it,
 * the books FTS5 finds for it, if they are at most RARE, are scored one by
 * one; else every book FTS5 finds is scored. */
#define RARE 2000
#define NARROW_FIRST 1500 /* rows the walk would likely need beyond which the FTS5 set is tried first */

static const char sql_fts_ids[] = "SELECT rowid FROM search_fts WHERE search_fts MATCH ?1 LIMIT 2001" /* RARE + 1 */;

char *sq__fts_word(const char *w, int prefix)
{
	char *m = malloc(2 * strlen(w) + 4), *p = m;
	if (!m)
		return NULL;
	*p++ = '"';
	for (const char *c = w; *c; c++) {
		if (*c == '"')
			*p++ = '"';
		*p++ = *c;
	}
	*p++ = '"';
	if (prefix)
		*p++ = '*';
	*p = '\0';
	return m;
}

/* Score one book from the connection's copy (cp, when there is one) or
 * its document read, and offer it if it passes the filters and holds the
 * words. */
static int score_doc(sq *s, sq_copy *cp, const lend_sys_search_query *q, int64_t id, tops *k)
{
	int64_t sc;
	if (cp && sq__copy_score(cp, q, id, &sc))
		return sc >= 0 && offer(k, id, sc, NULL) < 0 ? sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM)
		                                              : LEND_OK;
	sq_doc *d;
	int rc = sq__search_doc_read(s, id, &d);
	if (rc != LEND_OK || !d)
		return rc;
	if ((q->kind && d->kind != q->kind) || (q->max_age >= 0 && d->age_rating > q->max_age) ||
	    (q->language && *q->language && (!d->language || strcmp(d->language, q->language) != 0))) {
		free(d);
		return LEND_OK;
	}
	int full = k->n == k->max;
	sc = score_parsed(d, q, full ? k->t[k->n - 1].score : -1, full ? k->t[k->n - 1].book_id : 0);
	if (sc >= 0 && offer(k, id, sc, d->keys) < 0)
		rc = sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
	free(d);
	return rc;
}

/* Score the books FTS5 finds for m when they are at most RARE; *done = 0
 * (and nothing offered) when there are more. */
static int score_rare(sq *s, const lend_sys_search_query *q, const char *m, tops *k, int *done)
{
	int64_t *ids = malloc((RARE + 1) * sizeof *ids);
	int n = 0, step;
	sqlite3_stmt *st;
	*done = 0;
	if (!ids)
		return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
	int rc = sq__prep(s, sql_fts_ids, &st, "search words");
	if (rc != LEND_OK) {
		free(ids);
		return rc;
	}
	sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW && n <= RARE)
		ids[n++] = sqlite3_column_int64(st, 0);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = sq__fail(s, "search words", step);
	sq__done(s, st);
	sq_copy *cp = NULL;
	if (rc == LEND_OK && n <= RARE)
		rc = sq__search_copy(s, &cp);
	for (int i = 0; rc == LEND_OK && n <= RARE && i < n; i++)
		rc = score_doc(s, cp, q, ids[i], k);
	free(ids);
	*done = rc == LEND_OK && n <= RARE;
	return rc;
}

/* ------------------------------------------------- several words */

/* The cost of scoring a book, in prefix rows read alone (about 0.1 µs):
 * from the connection's copy, or from its document read from SQLite (1 to
 * 2 µs). */
#define DOC_COST 2
#define DOC_READ_COST 20

/* The books in every set: the smallest one's, each tested in the others. */
static int intersect(sq *s, const sq_books **set, int ns, sq_books *out)
{
	memset(out, 0, sizeof *out);
	const sq_books *a = set[0];
	if (a->bits) {
		out->bits = malloc(a->nbits * sizeof *out->bits);
		if (!out->bits)
			return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
		memcpy(out->bits, a->bits, a->nbits * sizeof *out->bits);
		out->nbits = a->nbits;
		for (int j = 1; j < ns; j++) {
			const sq_books *b = set[j];
			for (size_t w = 0; w < out->nbits; w++) {
				if (b->bits)
					out->bits[w] &= w < b->nbits ? b->bits[w] : 0;
				else
					for (uint64_t x = out->bits[w]; x; x &= x - 1) {
						int bit = __builtin_ctzll(x);
						if (!sq__books_has(b, (int64_t)(w * 64 + (size_t)bit)))
							out->bits[w] &= ~((uint64_t)1 << bit);
					}
			}
		}
		for (size_t w = 0; w < out->nbits; w++)
			out->n += (size_t)__builtin_popcountll(out->bits[w]);
		return LEND_OK;
	}
	out->ids = malloc((a->n ? a->n : 1) * sizeof *out->ids);
	if (!out->ids)
		return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
	for (size_t i = 0; i < a->n; i++) {
		int in = 1;
		for (int j = 1; j < ns && in; j++)
			in = sq__books_has(set[j], a->ids[i]);
		if (in)
			out->ids[out->n++] = a->ids[i];
	}
	return LEND_OK;
}

#define AHEAD 8 /* books: the record of the 8th next is asked for, the slot of the 16th */

/* Score every book of the set. */
static int score_set(sq *s, sq_copy *cp, const lend_sys_search_query *q, const sq_books *b, tops *k)
{
	int rc = LEND_OK;
	int64_t *ids = b->ids;
	if (b->bits) {
		if (!(ids = malloc((b->n ? b->n : 1) * sizeof *ids)))
			return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
		size_t n = 0;
		for (size_t w = 0; w < b->nbits; w++)
			for (uint64_t x = b->bits[w]; x; x &= x - 1)
				ids[n++] = (int64_t)(w * 64 + (size_t)__builtin_ctzll(x));
	}
	for (size_t i = 0; rc == LEND_OK && i < b->n; i++) {
		if (cp && i + 2 * AHEAD < b->n)
			sq__copy_prefetch(cp, ids[i + 2 * AHEAD], 0);
		if (cp && i + AHEAD < b->n)
			sq__copy_prefetch(cp, ids[i + AHEAD], 1);
		rc = score_doc(s, cp, q, ids[i], k);
	}
	if (ids != b->ids)
		free(ids);
	return rc;
}

static const char sql_rows[] = "SELECT nscore, book_id FROM search_prefix WHERE prefix = ?1 ORDER BY nscore, book_id";

/* Walk the last word's prefix rows best first, reading the document only of
 * the rows whose book is in the set; *complete = 0 when that has cost more
 * than reading the set's books would have (then nothing is offered). */
static int walk_set(sq *s, sq_copy *cp, const lend_sys_search_query *q, const sq_books *set, int64_t doc_cost,
                    tops *k, int *complete)
{
	const char *last = q->words[q->nwords - 1];
	size_t kb = prefix_bytes(last, strlen(last), PREFIX_MAX);
	int64_t cost = 0, most = (int64_t)set->n * doc_cost;
	sqlite3_stmt *st;
	*complete = 0;
	int rc = sq__prep(s, sql_rows, &st, "search prefix");
	if (rc != LEND_OK)
		return rc;
	sqlite3_bind_text(st, 1, last, (int)kb, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t bound = -sqlite3_column_int64(st, 0);
		int64_t book_id = sqlite3_column_int64(st, 1);
		if (k->n == k->max && !better(bound, book_id, k->t[k->n - 1].score, k->t[k->n - 1].book_id)) {
			*complete = 1;
			break;
		}
		int in = sq__books_has(set, book_id);
		if ((cost += in ? 1 + doc_cost : 1) > most)
			break;
		if (!in)
			continue;
		if ((rc = score_doc(s, cp, q, book_id, k)) != LEND_OK)
			break;
	}
	if (rc == LEND_OK && step == SQLITE_DONE)
		*complete = 1;
	else if (rc == LEND_OK && step != SQLITE_ROW)
		rc = sq__fail(s, "search prefix", step);
	sq__done(s, st);
	if (rc == LEND_OK && !*complete)
		tops_clear(k);
	return rc;
}

/* Several words: the books that hold each word wanted whole (every word
 * but a last prefix) are known as sets (search_cache.c); the last word's
 * prefix rows are walked best first and only the documents of the books in
 * every set are read; or, when the walk would cost more, the books of the
 * sets' intersection are read one by one. Exact either way. */
static int match_words(sq *s, const lend_sys_search_query *q, tops *k)
{
	sq_copy *cp;
	int rc = sq__search_copy(s, &cp);
	const sq_books *set[QUERY_WORDS];
	sq_books own[QUERY_WORDS];
	int ns = 0, whole = q->prefix ? q->nwords - 1 : q->nwords;
	for (int i = 0; rc == LEND_OK && i < whole; i++) {
		int again = 0;
		for (int j = 0; j < i && !again; j++)
			again = strcmp(q->words[i], q->words[j]) == 0;
		if (again)
			continue;
		rc = sq__books_of(s, q->words[i], &set[ns], &own[ns]);
		if (rc == LEND_OK)
			ns++;
	}
	/* The smallest set first. */
	for (int i = 1; i < ns; i++)
		for (int j = i; j > 0 && set[j]->n < set[j - 1]->n; j--) {
			const sq_books *x = set[j];
			set[j] = set[j - 1];
			set[j - 1] = x;
		}
	sq_books both = {0};
	if (rc == LEND_OK && ns > 0 && set[0]->n > 0)
		rc = intersect(s, set, ns, &both);
	if (rc == LEND_OK && both.n > 0) {
		/* Walk first unless scoring the intersection's books costs less
		 * than twice the rows the walk would read if they were spread
		 * evenly over the books (their ids span about all the books): they
		 * seldom are, the books of the same few words being much alike. */
		uint64_t span = 0;
		for (int i = 0; i < ns; i++) {
			const sq_books *b = set[i];
			uint64_t end = b->bits ? b->nbits * 64 : b->n ? (uint64_t)b->ids[b->n - 1] + 1 : 0;
			span = end > span ? end : span;
		}
		int complete = 0;
		int64_t dc = cp ? DOC_COST : DOC_READ_COST;
		if ((uint64_t)both.n * (uint64_t)dc > 2 * (uint64_t)k->max * span / both.n)
			rc = walk_set(s, cp, q, &both, dc, k, &complete);
		if (rc == LEND_OK && !complete)
			rc = score_set(s, cp, q, &both, k);
	}
	sq__books_free(&both);
	for (int i = 0; i < ns; i++)
		sq__books_free(&own[i]);
	return rc;
}

static const char sql_keys[] = "SELECT keys FROM search_doc WHERE book_id = ?1";

/* The keys of a book scored from the connection's copy, which has none;
 * they stay NULL when the book has left the index since (a search outside
 * a transaction, another connection's write in between): it is left out. */
static int keys_read(sq *s, top *t)
{
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql_keys, &st, "search doc");
	if (rc != LEND_OK)
		return rc;
	sqlite3_bind_int64(st, 1, t->book_id);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW && !(t->keys = strdup(sq__text(st, 0) ? sq__text(st, 0) : "")))
		rc = sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
	else if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = sq__fail(s, "search doc", step);
	sq__done(s, st);
	return rc;
}

static int search_match(void *ud, const lend_sys_search_query *q, lend_sys_search_cb cb, void *ctx)
{
	sq *s = ud;
	if (!q || q->nwords < 1 || q->nwords > QUERY_WORDS || q->limit < 1)
		return sq__fail_msg(s, "search", "bad query", LEND_ESTORAGE);
	for (int i = 0; i < q->nwords; i++)
		if (!q->words[i] || !*q->words[i])
			return sq__fail_msg(s, "search", "empty word", LEND_ESTORAGE);
	tops k = {calloc((size_t)q->limit, sizeof(top)), 0, q->limit};
	if (!k.t)
		return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
	int complete = 0, hits = 0;
	char *m = NULL;
	/* Whatever the connection keeps must be true before anything is read
	 * from it (score_doc, on every path but the first walk of one word). */
	int rc = sq__search_cache_check(s);
	if (rc != LEND_OK) {
		free(k.t);
		return rc;
	}
	if (q->nwords > 1) {
		rc = match_words(s, q, &k);
		complete = 1;
	} else {
		/* One word: the first rows of the walk are the answer, mostly. */
		rc = walk(s, q, &k, &complete, &hits);
	}
	if (rc == LEND_OK && !complete && !(m = sq__fts_word(q->words[0], q->prefix)))
		rc = sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
	if (rc == LEND_OK && !complete && (!hits || (int64_t)WALK_MAX * k.max * 2 / hits > NARROW_FIRST)) {
		/* Few of the rows read hold the word: the books that hold it (or
		 * start with it) may be fewer than the rows the walk would need. */
		tops_clear(&k);
		rc = score_rare(s, q, m, &k, &complete);
	}
	if (rc == LEND_OK && !complete) {
		tops_clear(&k);
		rc = score_fts(s, q, m, &k);
	}
	free(m);
	for (int i = 0; rc == LEND_OK && i < k.n; i++)
		if (!k.t[i].keys)
			rc = keys_read(s, &k.t[i]);
	for (int i = 0; rc == LEND_OK && i < k.n; i++) {
		if (!k.t[i].keys)
			continue;
		int r = cb(ctx, k.t[i].book_id, k.t[i].score, k.t[i].keys);
		if (r)
			rc = r;
	}
	tops_clear(&k);
	free(k.t);
	return rc;
}

/* ----------------------------------------------------------- the words */

static const char sql_has_word[] = "SELECT 1 FROM search_fts WHERE search_fts MATCH ?1 LIMIT 1";
static const char sql_has_prefix[] = "SELECT 1 FROM search_prefix WHERE prefix = ?1 LIMIT 1";

/* Is w an indexed word (or with prefix the start of one)? A prefix of at
 * most PREFIX_MAX characters: one prefix row; else FTS5's first match. */
static int has_word_indexed(sq *s, const char *w, int prefix, int *found)
{
	size_t n = strlen(w);
	size_t kb = prefix_bytes(w, n, PREFIX_MAX);
	if (kb < n) {
		/* No word starts with its first characters: no need to ask FTS5. */
		char head[4 * PREFIX_MAX + 1];
		if (kb < sizeof head) {
			memcpy(head, w, kb);
			head[kb] = '\0';
			int rc = has_word_indexed(s, head, 1, found);
			if (rc != LEND_OK || !*found)
				return rc;
		}
	}
	int short_prefix = prefix && kb == n;
	char *m = short_prefix ? NULL : sq__fts_word(w, prefix);
	*found = 0;
	if (!short_prefix && !m)
		return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
	sqlite3_stmt *st;
	int rc = sq__prep(s, short_prefix ? sql_has_prefix : sql_has_word, &st, "search words");
	if (rc == LEND_OK) {
		sqlite3_bind_text(st, 1, short_prefix ? w : m, -1, SQLITE_STATIC);
		int step = sqlite3_step(st);
		*found = step == SQLITE_ROW;
		if (step != SQLITE_ROW && step != SQLITE_DONE)
			rc = sq__fail(s, "search words", step);
		sq__done(s, st);
	}
	free(m);
	return rc;
}

/* The words FTS5 holds that start with h, sorted (FTS5's vocabulary, read
 * through a connection's temp fts5vocab table: nothing in the database
 * file). One range read instead of one FTS5 query per word. */
static const char sql_vocab_make[] =
	"CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab USING fts5vocab(main, search_fts, row)";
static const char sql_vocab_range[] = "SELECT term FROM temp.search_vocab WHERE term >= ?1 AND term < ?2";

typedef struct vocab {
	char **w;
	size_t n, cap;
} vocab;

static void vocab_free(vocab *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->w[i]);
	free(v->w);
	memset(v, 0, sizeof *v);
}

static int vocab_read(sq *s, const char *h, vocab *v)
{
	char *err = NULL;
	int rc = sqlite3_exec(sq__db(s), sql_vocab_make, NULL, NULL, &err);
	sqlite3_free(err);
	if (rc != SQLITE_OK)
		return sq__fail(s, "search words", rc);
	size_t n = strlen(h);
	char up[VOCAB_HEAD_BYTES + 2];
	memcpy(up, h, n);
	up[n] = (char)0xff;
	sqlite3_stmt *st;
	int lrc = sq__prep(s, sql_vocab_range, &st, "search words");
	if (lrc != LEND_OK)
		return lrc;
	sqlite3_bind_text(st, 1, h, (int)n, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, up, (int)n + 1, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (v->n == v->cap) {
			size_t cap = v->cap ? 2 * v->cap : 256;
			char **w = realloc(v->w, cap * sizeof *w);
			if (!w) {
				step = SQLITE_NOMEM;
				break;
			}
			v->w = w;
			v->cap = cap;
		}
		if (!(v->w[v->n] = strdup(sq__text(st, 0) ? sq__text(st, 0) : ""))) {
			step = SQLITE_NOMEM;
			break;
		}
		v->n++;
	}
	lrc = step == SQLITE_DONE ? LEND_OK
	      : step == SQLITE_NOMEM ? sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM)
	                             : sq__fail(s, "search words", step);
	sq__done(s, st);
	return lrc;
}

/* Is w in v (with prefix: does a word of v start with it)? v is sorted. */
static int vocab_has(const vocab *v, const char *w, int prefix)
{
	size_t lo = 0, hi = v->n, n = strlen(w);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(v->w[mid], w) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->n && (prefix ? strncmp(v->w[lo], w, n) == 0 : strcmp(v->w[lo], w) == 0);
}

#define VOCAB_GROUP 8 /* words sharing their first characters read the vocabulary at once */

static int search_vocab(void *ud, const char *const *words, int32_t nwords, int32_t prefix, int32_t *found)
{
	sq *s = ud;
	if (nwords < 0 || (nwords > 0 && (!words || !found)))
		return sq__fail_msg(s, "search words", "bad arguments", LEND_ESTORAGE);
	int rc = LEND_OK;
	for (int32_t i = 0; i < nwords; i++)
		found[i] = -1; /* not answered yet */
	for (int32_t i = 0; rc == LEND_OK && i < nwords; i++) {
		const char *w = words[i] ? words[i] : "";
		size_t n = strlen(w), kb = prefix_bytes(w, n, VOCAB_HEAD);
		if (found[i] >= 0)
			continue;
		if (!n) {
			found[i] = 0;
			continue;
		}
		/* The words that share this one's first characters. */
		int32_t same = 0;
		for (int32_t j = i; j < nwords && kb < n && kb <= VOCAB_HEAD_BYTES; j++)
			same += words[j] && found[j] < 0 && strlen(words[j]) > kb && strncmp(words[j], w, kb) == 0;
		if (same < VOCAB_GROUP) {
			int f = 0;
			rc = has_word_indexed(s, w, prefix, &f);
			found[i] = f;
			continue;
		}
		char h[VOCAB_HEAD_BYTES + 1];
		memcpy(h, w, kb);
		h[kb] = '\0';
		int f = 0;
		rc = has_word_indexed(s, h, 1, &f);
		vocab v = {0};
		if (rc == LEND_OK && f)
			rc = vocab_read(s, h, &v);
		for (int32_t j = i; rc == LEND_OK && j < nwords; j++)
			if (words[j] && found[j] < 0 && strlen(words[j]) > kb && strncmp(words[j], h, kb) == 0)
				found[j] = f && vocab_has(&v, words[j], prefix);
		vocab_free(&v);
	}
	return rc;
}

void sq__search_methods(lend_storage *out)
{
	out->search_vocab = search_vocab;
	out->search_put = search_put;
	out->search_delete = search_delete;
	out->search_match = search_match;
}
