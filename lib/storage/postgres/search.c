/* lib/storage/postgres/search.c — the PostgreSQL index behind search.
 *
 * Three tables (see doc/search.md for what the engine puts in them):
 *  search_doc     one row per book: its filters, its rank and its keys
 *                 (handed back to the engine with each candidate);
 *  search_term    one row per distinct word of a book, with its score;
 *  search_prefix  the suggestion structure, as in the SQLite backend: for
 *                 every prefix of 1 to PREFIX_MAX characters of a book's
 *                 words, one row (prefix, -best score, book). Its primary
 *                 key is the answer's order, so the best books for a short
 *                 prefix are the first rows of one index range, however
 *                 many books share it.
 * Words are stored with the "C" collation: comparisons are byte
 * comparisons and the indexes are in byte order, so the words that start
 * with a prefix p are the range p <= word < p', where p' is p with its last
 * character replaced by the next one (UTF-8 keeps code point order in bytes).
 *
 * A lookup of one word of at most PREFIX_MAX characters as a prefix reads
 * the prefix rows. Any other takes the last word's range (or the word
 * itself) in search_term, keeps the books that have every other word (exact
 * matches on the same index), and orders them by the best score of the last
 * word's terms, then book id. The doc's filters are checked book by book in
 * that order until the page is full. The engine folds every word
 * (lib/search/fold.c); nothing here folds or compares other than by bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg.h"

#define QUERY_WORDS 16
#define PREFIX_MAX 3 /* characters */

const char pg__search_schema[] =
	"CREATE TABLE search_doc (\n"
	"book_id BIGINT PRIMARY KEY,\n"
	"kind INTEGER NOT NULL DEFAULT 0,\n"
	"language TEXT,\n"
	"age_rating INTEGER NOT NULL DEFAULT 0,\n"
	"rank BIGINT NOT NULL DEFAULT 0,\n"
	"keys TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE search_term (\n"
	"book_id BIGINT NOT NULL,\n"
	"word TEXT COLLATE \"C\" NOT NULL,\n"
	"score BIGINT NOT NULL DEFAULT 0,\n"
	"PRIMARY KEY (book_id, word)\n"
	");\n"
	/* the matches of a word or a prefix, in byte order */
	"CREATE INDEX search_term_word ON search_term (word, book_id) INCLUDE (score);\n"
	"CREATE TABLE search_prefix (\n"
	"prefix TEXT COLLATE \"C\" NOT NULL,\n"
	"nscore BIGINT NOT NULL,\n"
	"book_id BIGINT NOT NULL,\n"
	"PRIMARY KEY (prefix, nscore, book_id)\n"
	");\n"
	"CREATE INDEX search_prefix_book ON search_prefix (book_id);\n";

/* ---------------------------------------------------------- the writes */

/* A document in one statement: $1 the book, $2..$6 the doc's columns, $7
 * the words and $8 their scores, '\n'-separated, in the same order (a word
 * given twice keeps its best); the prefixes come from the terms inserted
 * (left() counts characters). The book's old terms and prefixes are gone
 * first (UNINDEX). */
#define STR_(x) #x
#define STR(x) STR_(x)
static const char DOC_PUT[] =
	"WITH d AS (INSERT INTO search_doc (book_id, kind, language, age_rating, rank, keys) "
	"VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (book_id) DO UPDATE SET kind = EXCLUDED.kind, "
	"language = EXCLUDED.language, age_rating = EXCLUDED.age_rating, rank = EXCLUDED.rank, keys = EXCLUDED.keys), "
	"t AS (INSERT INTO search_term (book_id, word, score) SELECT $1::bigint, w.w, max(w.s) "
	"FROM unnest(string_to_array($7::text, chr(10)), string_to_array($8::text, chr(10))::bigint[]) AS w(w, s) "
	"GROUP BY w.w RETURNING word, score) "
	"INSERT INTO search_prefix (prefix, nscore, book_id) SELECT left(t.word, k), -max(t.score), $1::bigint "
	"FROM t, generate_series(1, " STR(PREFIX_MAX) ") AS k GROUP BY left(t.word, k)";
static const char UNINDEX[] = "WITH p AS (DELETE FROM search_prefix WHERE book_id = $1) "
			      "DELETE FROM search_term WHERE book_id = $1";
static const char DOC_DELETE[] = "WITH t AS (DELETE FROM search_term WHERE book_id = $1), "
				 "p AS (DELETE FROM search_prefix WHERE book_id = $1) "
				 "DELETE FROM search_doc WHERE book_id = $1";

/* A word that can be indexed: not empty, no separator in it. */
static int is_word(const char *w)
{
	return w && *w && !strchr(w, '\n') && !strchr(w, ' ');
}

static int search_put(void *ud, const lend_sys_search_doc *doc)
{
	pg *s = ud;
	const char *what = "search doc";
	size_t nt = doc->nterms > 0 ? (size_t)doc->nterms : 0, wlen = 1, k = 0;
	for (size_t i = 0; i < nt; i++)
		if (is_word(doc->terms[i].word))
			wlen += strlen(doc->terms[i].word) + 1;
	char *words = malloc(wlen), *scores = malloc(nt * 22 + 1), *w = words, *sc = scores;
	if (!words || !scores) {
		free(words);
		free(scores);
		return pg__fail_msg(s, what, "out of memory", LEND_ENOMEM);
	}
	for (size_t i = 0; i < nt; i++) {
		const char *word = doc->terms[i].word;
		if (!is_word(word))
			continue;
		size_t n = strlen(word);
		if (k)
			*w++ = '\n';
		memcpy(w, word, n);
		w += n;
		sc += sprintf(sc, "%s%" PRId64, k ? "\n" : "", doc->terms[i].score);
		k++;
	}
	*w = '\0';
	*sc = '\0';
	pg_params p = {0};
	pg__param_i64(&p, doc->book_id);
	int rc = pg__run(s, UNINDEX, &p, "search terms", 0);
	if (rc == LEND_OK) {
		pg__param_i64(&p, doc->kind);
		pg__param_str(&p, doc->language && *doc->language ? doc->language : NULL);
		pg__param_i64(&p, doc->age_rating);
		pg__param_i64(&p, doc->rank);
		pg__param_str(&p, doc->keys ? doc->keys : "");
		pg__param_str(&p, words);
		pg__param_str(&p, scores);
		rc = pg__run(s, DOC_PUT, &p, what, 0);
	}
	free(words);
	free(scores);
	return rc;
}

static int search_delete(void *ud, int64_t book_id)
{
	pg_params p = {0};
	pg__param_i64(&p, book_id);
	return pg__run(ud, DOC_DELETE, &p, "search doc", 1);
}

/* ---------------------------------------------------------- the lookup */

/* Parameters: $1 the last word (or the start of its range), $2 the end of
 * the range (NULL when the statement has none), $3 the other words, distinct,
 * as an array (NULL for one word), $4 kind (0 any), $5 language (NULL any),
 * $6 max age (-1 any), $7 limit. Columns: book id, score, keys. */
#define LAST_EXACT "t.word = $1::text AND $2::text IS NULL"
#define LAST_RANGE "t.word >= $1::text AND t.word < $2::text"
/* a prefix with no next string (it ends in U+10FFFF) */
#define LAST_OPEN "t.word >= $1::text AND starts_with(t.word, $1::text) AND $2::text IS NULL"

/* The doc's filters and keys, read by book id as each candidate comes. */
#define DOC_OK(ID)                                                                                                     \
	"(SELECT ($4::integer = 0 OR d.kind = $4::integer) AND ($5::text IS NULL OR d.language = $5::text) "           \
	"AND ($6::integer < 0 OR d.age_rating <= $6::integer) FROM search_doc d WHERE d.book_id = " ID ")"
#define KEYS_OF(ID) "(SELECT d.keys FROM search_doc d WHERE d.book_id = " ID ")"

/* One word: the best score of each book among its terms in the range. */
#define ONE(LAST) "SELECT t.book_id, max(t.score) AS sc FROM search_term t WHERE " LAST " AND $3::text[] IS NULL " \
                  "GROUP BY t.book_id"
/* Several: the books having every other word, then their terms in the range. */
#define MANY(LAST)                                                                                                     \
	"SELECT t.book_id, max(t.score) AS sc FROM (SELECT o.book_id FROM search_term o "                             \
	"WHERE o.word = ANY ($3::text[]) GROUP BY o.book_id HAVING count(*) = cardinality($3::text[])) c "            \
	"JOIN search_term t ON t.book_id = c.book_id WHERE " LAST " GROUP BY t.book_id"
/* The candidates sorted, then filtered in that order until the page is full. */
#define MATCH(BEST)                                                                                                    \
	"SELECT m.book_id, m.sc, " KEYS_OF("m.book_id") " FROM (" BEST " ORDER BY sc DESC, book_id OFFSET 0) m "       \
	"WHERE " DOC_OK("m.book_id") " ORDER BY m.sc DESC, m.book_id LIMIT $7::bigint"

static const char *const MATCH_SQL[2][3] = {
	{MATCH(ONE(LAST_EXACT)), MATCH(ONE(LAST_RANGE)), MATCH(ONE(LAST_OPEN))},
	{MATCH(MANY(LAST_EXACT)), MATCH(MANY(LAST_RANGE)), MATCH(MANY(LAST_OPEN))},
};

/* One short prefix: its rows are the answer, in their key's order. */
static const char MATCH_PREFIX[] = "SELECT p.book_id, -p.nscore, " KEYS_OF("p.book_id") " FROM search_prefix p "
				   "WHERE p.prefix = $1::text AND $2::text IS NULL AND $3::text[] IS NULL AND "
				   DOC_OK("p.book_id") " ORDER BY p.nscore, p.book_id LIMIT $7::bigint";

/* The number of characters of w (UTF-8). */
static size_t chars_of(const char *w)
{
	size_t n = 0;
	for (; *w; w++)
		n += ((unsigned char)*w & 0xc0) != 0x80;
	return n;
}

/* The smallest string above every string that starts with p[0..n), written
 * to out (n + 4 bytes); 0 when there is none (p ends in U+10FFFF only, or is
 * not UTF-8). */
static int next_prefix(const char *p, size_t n, char *out)
{
	const unsigned char *u = (const unsigned char *)p;
	while (n > 0) {
		size_t start = n - 1;
		while (start > 0 && (u[start] & 0xc0) == 0x80)
			start--;
		size_t len = n - start;
		unsigned c = u[start];
		uint32_t cp;
		size_t want;
		if (c < 0x80)
			cp = c, want = 1;
		else if ((c & 0xe0) == 0xc0)
			cp = c & 0x1f, want = 2;
		else if ((c & 0xf0) == 0xe0)
			cp = c & 0x0f, want = 3;
		else if ((c & 0xf8) == 0xf0)
			cp = c & 0x07, want = 4;
		else
			return 0;
		if (want != len)
			return 0;
		for (size_t i = 1; i < len; i++)
			cp = cp << 6 | (u[start + i] & 0x3f);
		if (cp >= 0x10ffff) {
			n = start; /* no next character: carry into the one before */
			continue;
		}
		cp++;
		if (cp == 0xd800)
			cp = 0xe000;
		memcpy(out, p, start);
		char *o = out + start;
		if (cp < 0x80) {
			*o++ = (char)cp;
		} else if (cp < 0x800) {
			*o++ = (char)(0xc0 | cp >> 6);
			*o++ = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			*o++ = (char)(0xe0 | cp >> 12);
			*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
			*o++ = (char)(0x80 | (cp & 0x3f));
		} else {
			*o++ = (char)(0xf0 | cp >> 18);
			*o++ = (char)(0x80 | (cp >> 12 & 0x3f));
			*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
			*o++ = (char)(0x80 | (cp & 0x3f));
		}
		*o = '\0';
		return 1;
	}
	return 0;
}

/* The words of words[0..n) as an array literal (malloc'd); with distinct,
 * each word once. */
static char *array_of(const char *const *words, int n, int distinct)
{
	size_t len = 3;
	for (int i = 0; i < n; i++)
		len += 2 * strlen(words[i]) + 3;
	char *a = malloc(len), *c = a;
	if (!a)
		return NULL;
	*c++ = '{';
	for (int i = 0; i < n; i++) {
		int seen = 0;
		for (int j = 0; distinct && j < i && !seen; j++)
			seen = strcmp(words[j], words[i]) == 0;
		if (seen)
			continue;
		if (c > a + 1)
			*c++ = ',';
		*c++ = '"';
		for (const char *w = words[i]; *w; w++) {
			if (*w == '"' || *w == '\\')
				*c++ = '\\';
			*c++ = *w;
		}
		*c++ = '"';
	}
	*c++ = '}';
	*c = '\0';
	return a;
}

static int search_match(void *ud, const lend_sys_search_query *q, lend_sys_search_cb cb, void *ctx)
{
	pg *s = ud;
	const char *what = "search";
	if (!q || q->nwords < 1 || q->nwords > QUERY_WORDS || q->limit < 1)
		return pg__fail_msg(s, what, "bad query", LEND_ESTORAGE);
	for (int i = 0; i < q->nwords; i++)
		if (!q->words[i] || !*q->words[i])
			return pg__fail_msg(s, what, "empty word", LEND_ESTORAGE);
	const char *last = q->words[q->nwords - 1];
	size_t ln = strlen(last);
	char *upper = malloc(ln + 5), *others = NULL;
	if (!upper)
		return pg__fail_msg(s, what, "out of memory", LEND_ENOMEM);
	int shape = !q->prefix ? 0 : next_prefix(last, ln, upper) ? 1 : 2;
	int short_prefix = q->prefix && q->nwords == 1 && chars_of(last) <= PREFIX_MAX;
	if (q->nwords > 1 && !(others = array_of(q->words, q->nwords - 1, 1))) {
		free(upper);
		return pg__fail_msg(s, what, "out of memory", LEND_ENOMEM);
	}
	pg_params p = {0};
	pg__param_str(&p, last);
	pg__param_str(&p, shape == 1 && !short_prefix ? upper : NULL);
	pg__param_str(&p, others);
	pg__param_i64(&p, q->kind);
	pg__param_str(&p, q->language && *q->language ? q->language : NULL);
	pg__param_i64(&p, q->max_age);
	pg__param_i64(&p, q->limit);
	PGresult *r;
	int rc = pg__exec(s, short_prefix ? MATCH_PREFIX : MATCH_SQL[q->nwords > 1][shape], &p, what, &r);
	free(upper);
	free(others);
	if (rc != LEND_OK)
		return rc;
	int n = PQntuples(r);
	for (int i = 0; i < n && rc == 0; i++)
		rc = cb(ctx, pg__i64(r, i, 0), pg__i64(r, i, 1), pg__text(r, i, 2));
	PQclear(r);
	return rc;
}

/* Which words are indexed: the positions (1-based) of those that are a
 * term, or with prefix the start of one (the first term at or after the
 * word in byte order tells). */
static const char VOCAB_EXACT[] =
	"SELECT w.i FROM unnest($1::text[]) WITH ORDINALITY AS w(word, i) "
	"WHERE EXISTS (SELECT 1 FROM search_term t WHERE t.word = w.word COLLATE \"C\")";
static const char VOCAB_PREFIX[] =
	"SELECT w.i FROM unnest($1::text[]) WITH ORDINALITY AS w(word, i) "
	"WHERE EXISTS (SELECT 1 FROM (SELECT t.word FROM search_term t WHERE t.word >= w.word COLLATE \"C\" "
	"ORDER BY t.word LIMIT 1) f WHERE starts_with(f.word, w.word))";

static int search_vocab(void *ud, const char *const *words, int32_t nwords, int32_t prefix, int32_t *found)
{
	pg *s = ud;
	const char *what = "search vocabulary";
	if (nwords < 0 || (nwords > 0 && (!words || !found)))
		return pg__fail_msg(s, what, "bad words", LEND_ESTORAGE);
	for (int32_t i = 0; i < nwords; i++) {
		if (!words[i])
			return pg__fail_msg(s, what, "a word is missing", LEND_ESTORAGE);
		found[i] = 0;
	}
	if (nwords == 0)
		return LEND_OK;
	char *list = array_of(words, nwords, 0);
	if (!list)
		return pg__fail_msg(s, what, "out of memory", LEND_ENOMEM);
	pg_params p = {0};
	pg__param_str(&p, list);
	PGresult *r;
	int rc = pg__exec(s, prefix ? VOCAB_PREFIX : VOCAB_EXACT, &p, what, &r);
	free(list);
	if (rc != LEND_OK)
		return rc;
	for (int i = 0, n = PQntuples(r); i < n; i++) {
		int64_t at = pg__i64(r, i, 0);
		if (at >= 1 && at <= nwords)
			found[at - 1] = 1;
	}
	PQclear(r);
	return LEND_OK;
}

void pg__search_methods(lend_storage *out)
{
	out->search_vocab = search_vocab;
	out->search_put = search_put;
	out->search_delete = search_delete;
	out->search_match = search_match;
}
