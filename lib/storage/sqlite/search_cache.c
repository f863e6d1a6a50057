/* lib/storage/sqlite/search_cache.c — what a connection keeps of the search
 * index between calls, and how it stays true (doc/search.md).
 *
 * Which books hold a word: a query of several words walks the prefix rows
 * of its last word and needs to know, for each row, whether the book holds
 * the other words. A set of the books that hold a word, read once from
 * FTS5, answers in a few nanoseconds. The sets of common words are kept, up
 * to SETS_BYTES per connection, least recently used first out.
 *
 * Documents: when the books holding the other words are fewer than the
 * rows the walk would need, each of them is scored from its document. The
 * connection copies every document once, compact (search_copy.c), up to
 * COPY_BYTES; a bigger catalog's documents are read from search_doc.
 *
 * Keeping them true: every write of a book's index (search_put,
 * search_delete) appends a row (the book, a random tag) to search_log. A
 * search reads the log's last row; when it is not the one the connection
 * has seen, the books of the rows after that one are read again, the copy
 * and the sets changed for each. When the row seen is gone (a rollback took
 * it back, or the writers trimmed the log past it), everything is dropped
 * and the copy loaded again. Nothing else changes what is kept: a write
 * of this connection is seen the same way, at its next search.
 */
#include <stdlib.h>
#include <string.h>

#include "sq.h"

#define SETS_BYTES (32u << 20) /* per connection */
#define COPY_BYTES (256u << 20)
#define KEEP_MIN 512           /* books: a rarer word is read again at each query (tens of µs) */
#define LOG_KEEP 100000        /* rows of search_log kept: a connection further behind loads anew */
#define LOG_TRIM 1024          /* the log is trimmed at every LOG_TRIM-th row */

struct sq_word_books {
	char *word;
	uint64_t hash;
	uint64_t used; /* the clock at its last use */
	sq_books b;
};

struct sq_search_cache {
	sq_copy copy;
	int refused;               /* the copy did not fit: not tried again */
	size_t sets_max, copy_max, keep_min; /* SETS_BYTES, COPY_BYTES, KEEP_MIN unless a test says */
	int64_t log_keep;
	int64_t seq, tag;          /* the last row of search_log seen (0, 0: none) */
	int known;                 /* seq and tag were read */
	struct sq_word_books **e;  /* each on its own, so that a set handed out stays put */
	size_t n, cap, bytes;
	uint64_t clock;
	uint64_t pin; /* sets used since this clock serve the current query: kept */
};

static size_t books_bytes(const sq_books *b)
{
	return b->bits ? b->nbits * sizeof *b->bits : b->n * sizeof *b->ids;
}

void sq__books_free(sq_books *b)
{
	free(b->bits);
	free(b->ids);
	memset(b, 0, sizeof *b);
}

/* Where id is or would be in the sorted ids. */
static size_t ids_at(const sq_books *b, int64_t id)
{
	size_t lo = 0, hi = b->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int sq__books_has(const sq_books *b, int64_t id)
{
	if (id < 0)
		return 0;
	if (b->bits) {
		uint64_t i = (uint64_t)id;
		return i / 64 < b->nbits && (b->bits[i / 64] >> (i % 64) & 1);
	}
	size_t at = ids_at(b, id);
	return at < b->n && b->ids[at] == id;
}

static void entry_free(struct sq_word_books *e)
{
	free(e->word);
	sq__books_free(&e->b);
	free(e);
}

static void sets_clear(struct sq_search_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		entry_free(c->e[i]);
	c->n = 0;
	c->bytes = 0;
}

void sq__search_cache_free(struct sq_search_cache *c)
{
	if (!c)
		return;
	sets_clear(c);
	sq__copy_free(&c->copy);
	free(c->e);
	free(c);
}

static struct sq_search_cache *cache_of(sq *s)
{
	struct sq_search_cache **slot = sq__search_cache(s);
	if (!*slot && (*slot = calloc(1, sizeof **slot)) != NULL) {
		(*slot)->sets_max = SETS_BYTES;
		(*slot)->copy_max = COPY_BYTES;
		(*slot)->keep_min = KEEP_MIN;
		(*slot)->log_keep = LOG_KEEP;
	}
	return *slot;
}

static struct sq_word_books *find(struct sq_search_cache *c, const char *w, size_t n)
{
	uint64_t h = sq__hash(w, n);
	for (size_t i = 0; i < c->n; i++)
		if (c->e[i]->hash == h && strncmp(c->e[i]->word, w, n) == 0 && c->e[i]->word[n] == '\0')
			return c->e[i];
	return NULL;
}

/* Book id joins (on = 1) or leaves (on = 0) the kept set of the word w (n
 * bytes), if there is one. A set that cannot grow is dropped. */
static void books_note(struct sq_search_cache *c, const char *w, size_t n, int64_t id, int on)
{
	struct sq_word_books *e = c->n ? find(c, w, n) : NULL;
	if (!e || id < 0)
		return;
	sq_books *b = &e->b;
	if (sq__books_has(b, id) == on)
		return;
	size_t before = books_bytes(b);
	if (b->bits) {
		uint64_t i = (uint64_t)id;
		if (i / 64 >= b->nbits) {
			size_t nb = i / 64 + 1 + b->nbits / 8;
			uint64_t *bits = realloc(b->bits, nb * sizeof *bits);
			if (!bits)
				goto drop;
			memset(bits + b->nbits, 0, (nb - b->nbits) * sizeof *bits);
			b->bits = bits;
			b->nbits = nb;
		}
		if (on)
			b->bits[i / 64] |= (uint64_t)1 << (i % 64);
		else
			b->bits[i / 64] &= ~((uint64_t)1 << (i % 64));
		b->n += on ? 1 : -1;
	} else {
		size_t lo = ids_at(b, id);
		if (on) {
			int64_t *ids = realloc(b->ids, (b->n + 1) * sizeof *ids);
			if (!ids)
				goto drop;
			b->ids = ids;
			memmove(ids + lo + 1, ids + lo, (b->n - lo) * sizeof *ids);
			ids[lo] = id;
			b->n++;
		} else {
			memmove(b->ids + lo, b->ids + lo + 1, (b->n - lo - 1) * sizeof *b->ids);
			b->n--;
		}
	}
	c->bytes = c->bytes - before + books_bytes(b);
	return;
drop:
	c->bytes -= before;
	for (size_t i = 0; i < c->n; i++)
		if (c->e[i] == e) {
			c->e[i] = c->e[--c->n];
			break;
		}
	entry_free(e);
}

static int by_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static const char sql_word_ids[] = "SELECT rowid FROM search_fts WHERE search_fts MATCH ?1";

/* The books FTS5 finds holding the word w, as the smaller of a sorted
 * array and a bitmap. */
static int books_read(sq *s, const char *w, sq_books *out)
{
	memset(out, 0, sizeof *out);
	char *m = sq__fts_word(w, 0);
	if (!m)
		return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql_word_ids, &st, "search words");
	if (rc != LEND_OK) {
		free(m);
		return rc;
	}
	sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
	size_t cap = 0;
	int step, sorted = 1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			size_t nc = cap ? 2 * cap : 64;
			int64_t *ids = realloc(out->ids, nc * sizeof *ids);
			if (!ids) {
				step = SQLITE_NOMEM;
				break;
			}
			out->ids = ids;
			cap = nc;
		}
		int64_t id = sqlite3_column_int64(st, 0);
		sorted &= out->n == 0 || out->ids[out->n - 1] < id;
		out->ids[out->n++] = id;
	}
	rc = step == SQLITE_DONE    ? LEND_OK
	     : step == SQLITE_NOMEM ? sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM)
	                            : sq__fail(s, "search words", step);
	sq__done(s, st);
	free(m);
	if (rc != LEND_OK) {
		sq__books_free(out);
		return rc;
	}
	if (!sorted)
		qsort(out->ids, out->n, sizeof *out->ids, by_id);
	/* A bitmap when it is no bigger than the array. */
	int64_t max = out->n ? out->ids[out->n - 1] : -1;
	if (out->n && out->ids[0] >= 0 && (uint64_t)max / 64 + 1 <= out->n) {
		size_t nb = (size_t)((uint64_t)max / 64 + 1);
		uint64_t *bits = calloc(nb, sizeof *bits);
		if (!bits) {
			sq__books_free(out);
			return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
		}
		for (size_t i = 0; i < out->n; i++)
			bits[(uint64_t)out->ids[i] / 64] |= (uint64_t)1 << ((uint64_t)out->ids[i] % 64);
		free(out->ids);
		out->ids = NULL;
		out->bits = bits;
		out->nbits = nb;
	}
	return LEND_OK;
}

/* Make room for `need` more bytes, dropping the least recently used sets
 * but none the current query uses; 0 when there is no room. */
static int make_room(struct sq_search_cache *c, size_t need)
{
	while (c->bytes + need > c->sets_max) {
		size_t old = c->n;
		for (size_t i = 0; i < c->n; i++)
			if (c->e[i]->used < c->pin && (old == c->n || c->e[i]->used < c->e[old]->used))
				old = i;
		if (old == c->n)
			return 0;
		c->bytes -= books_bytes(&c->e[old]->b);
		entry_free(c->e[old]);
		c->e[old] = c->e[--c->n];
	}
	return 1;
}

int sq__books_of(sq *s, const char *word, const sq_books **out, sq_books *own)
{
	struct sq_search_cache *c = cache_of(s);
	memset(own, 0, sizeof *own);
	*out = NULL;
	if (!c)
		return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
	size_t wn = strlen(word);
	struct sq_word_books *e = find(c, word, wn);
	if (e) {
		e->used = ++c->clock;
		*out = &e->b;
		return LEND_OK;
	}
	int rc = books_read(s, word, own);
	if (rc != LEND_OK)
		return rc;
	*out = own;
	size_t bytes = books_bytes(own);
	if (own->n < c->keep_min || bytes > c->sets_max / 4)
		return LEND_OK; /* the caller's, for this query only */
	if (!make_room(c, bytes))
		return LEND_OK;
	if (c->n == c->cap) {
		size_t nc = c->cap ? 2 * c->cap : 64;
		struct sq_word_books **ne = realloc(c->e, nc * sizeof *ne);
		if (!ne)
			return LEND_OK;
		c->e = ne;
		c->cap = nc;
	}
	char *copy = malloc(wn + 1);
	e = copy ? malloc(sizeof *e) : NULL;
	if (!e) {
		free(copy);
		return LEND_OK;
	}
	memcpy(copy, word, wn + 1);
	c->e[c->n++] = e;
	e->word = copy;
	e->hash = sq__hash(copy, wn);
	e->used = ++c->clock;
	e->b = *own;
	memset(own, 0, sizeof *own);
	c->bytes += bytes;
	*out = &e->b;
	return LEND_OK;
}

/* ----------------------------------------------------------- documents */

static const char sql_doc_read[] = "SELECT kind, language, age_rating, keys, terms FROM search_doc WHERE book_id = ?1";

static char *put_str(char **p, const char *v, size_t n)
{
	char *at = *p;
	memcpy(at, v, n);
	at[n] = '\0';
	*p += n + 1;
	return at;
}

int sq__search_doc_read(sq *s, int64_t book_id, sq_doc **out)
{
	*out = NULL;
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql_doc_read, &st, "search doc");
	if (rc != LEND_OK)
		return rc;
	sqlite3_bind_int64(st, 1, book_id);
	int step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		rc = step == SQLITE_DONE ? LEND_OK : sq__fail(s, "search doc", step);
		sq__done(s, st);
		return rc;
	}
	const char *lang = (const char *)sqlite3_column_text(st, 1);
	const char *keys = sq__text(st, 3), *terms = sq__text(st, 4);
	if (!keys || !terms) {
		sq__done(s, st);
		return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
	}
	size_t ln = lang ? strlen(lang) : 0, kn = strlen(keys), tn = strlen(terms), nt = sq__count_lines(terms);
	/* One block: the document, its parsed terms, then its strings. */
	sq_doc *x = malloc(sizeof(sq_doc) + nt * sizeof(sq_term) + ln + kn + tn + 3);
	if (!x) {
		sq__done(s, st);
		return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
	}
	sq_term *t = (sq_term *)(x + 1);
	char *p = (char *)(t + nt);
	x->book_id = book_id;
	x->kind = sqlite3_column_int(st, 0);
	x->age_rating = sqlite3_column_int(st, 2);
	x->language = lang && *lang ? put_str(&p, lang, ln) : NULL;
	if (!x->language)
		p++;
	x->keys = put_str(&p, keys, kn);
	x->nterms = sq__parse_terms(put_str(&p, terms, tn), t, nt);
	x->term = t;
	sq__done(s, st);
	*out = x;
	return LEND_OK;
}

/* ------------------------------------------------------ keeping true */

static const char sql_log_last[] = "SELECT seq, tag FROM search_log ORDER BY seq DESC LIMIT 1";
static const char sql_log_tag[] = "SELECT tag FROM search_log WHERE seq = ?1";
static const char sql_log_first[] = "SELECT seq FROM search_log ORDER BY seq LIMIT 1";
static const char sql_log_after[] = "SELECT book_id FROM search_log WHERE seq > ?1 ORDER BY seq";
static const char sql_log_put[] = "INSERT INTO search_log (book_id, tag) VALUES (?1, ?2)";
static const char sql_log_trim[] = "DELETE FROM search_log WHERE seq <= ?1";

/* The value of a one-row query with an optional integer parameter; *found
 * = 0 when there is no row. */
static int log_value(sq *s, const char *sql, int64_t arg, int64_t *v, int *found)
{
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql, &st, "search log");
	if (rc != LEND_OK)
		return rc;
	if (sqlite3_bind_parameter_count(st))
		sqlite3_bind_int64(st, 1, arg);
	int step = sqlite3_step(st);
	*found = step == SQLITE_ROW;
	if (*found)
		*v = sqlite3_column_int64(st, 0);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = sq__fail(s, "search log", step);
	sq__done(s, st);
	return rc;
}

int sq__search_cache_write(sq *s, int64_t book_id)
{
	struct sq_search_cache *c = cache_of(s);
	if (!c)
		return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
	int64_t tag;
	sqlite3_randomness(sizeof tag, &tag);
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql_log_put, &st, "search log");
	if (rc != LEND_OK)
		return rc;
	sqlite3_bind_int64(st, 1, book_id);
	sqlite3_bind_int64(st, 2, tag);
	rc = sq__run(s, st, "search log", 1);
	int64_t seq = sqlite3_last_insert_rowid(sq__db(s));
	if (rc == LEND_OK && seq % (c->log_keep < LOG_TRIM ? 1 : LOG_TRIM) == 0 && seq > c->log_keep) {
		rc = sq__prep(s, sql_log_trim, &st, "search log");
		if (rc == LEND_OK) {
			sqlite3_bind_int64(st, 1, seq - c->log_keep);
			rc = sq__run(s, st, "search log", 0);
		}
	}
	return rc;
}

/* Is what the connection saw (the row seq, tag) still the log's past? */
static int log_base(sq *s, struct sq_search_cache *c, int *ok)
{
	int64_t v = 0;
	int found;
	*ok = 0;
	if (c->seq == 0) { /* the log was empty: its first row must be the first ever */
		int rc = log_value(s, sql_log_first, 0, &v, &found);
		*ok = rc == LEND_OK && (!found || v == 1);
		return rc;
	}
	int rc = log_value(s, sql_log_tag, c->seq, &v, &found);
	*ok = rc == LEND_OK && found && v == c->tag;
	return rc;
}

/* A book changed: its set memberships and its record follow its document. */
static int apply_book(sq *s, struct sq_search_cache *c, int64_t id)
{
	if (!c->copy.on)
		return LEND_OK; /* dropped by an earlier book of the same log */
	sq_doc *d;
	int rc = sq__search_doc_read(s, id, &d);
	if (rc != LEND_OK)
		return rc;
	if (c->n) {
		size_t nold = sq__copy_nterms(&c->copy, id), k = 0;
		sq_term *old = malloc((nold + 1) * sizeof *old);
		if (!old || sq__copy_words(&c->copy, id, old, nold, &k) != 0) {
			sets_clear(c); /* its words were not known */
		} else {
			size_t nnew = d ? d->nterms : 0;
			for (size_t i = 0; i < k; i++) {
				size_t j = 0;
				while (j < nnew && !(d->term[j].n == old[i].n && memcmp(d->term[j].w, old[i].w, old[i].n) == 0))
					j++;
				if (j == nnew)
					books_note(c, old[i].w, old[i].n, id, 0);
			}
			for (size_t j = 0; j < nnew; j++)
				books_note(c, d->term[j].w, d->term[j].n, id, 1);
		}
		free(old);
	}
	if (sq__copy_set(&c->copy, id, d) != 0 || sq__copy_bytes(&c->copy) > c->copy_max) {
		/* Out of memory, or grown past its bound: read from the table. */
		c->refused = sq__copy_bytes(&c->copy) > c->copy_max;
		sq__copy_free(&c->copy);
		sets_clear(c);
	}
	free(d);
	return LEND_OK;
}

/* Apply the rows after the one seen; *done = 0 when there are too many of
 * them (loading anew costs less). */
static int apply_log(sq *s, struct sq_search_cache *c, int64_t last, int *done)
{
	*done = 0;
	if ((uint64_t)(last - c->seq) > c->copy.books / 4 + 1024)
		return LEND_OK;
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql_log_after, &st, "search log");
	if (rc != LEND_OK)
		return rc;
	sqlite3_bind_int64(st, 1, c->seq);
	size_t n = 0, cap = 0;
	int64_t *ids = NULL;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			int64_t *x = realloc(ids, cap * sizeof *x);
			if (!x) {
				step = SQLITE_NOMEM;
				break;
			}
			ids = x;
		}
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sq__done(s, st);
	if (step != SQLITE_DONE) {
		free(ids);
		return step == SQLITE_NOMEM ? sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM)
		                            : sq__fail(s, "search log", step);
	}
	for (size_t i = 0; rc == LEND_OK && i < n; i++) {
		int again = 0; /* a book written more than once is read once */
		for (size_t j = i > 8 ? i - 8 : 0; j < i && !again; j++)
			again = ids[j] == ids[i];
		if (!again)
			rc = apply_book(s, c, ids[i]);
	}
	free(ids);
	*done = rc == LEND_OK;
	return rc;
}

int sq__search_cache_check(sq *s)
{
	struct sq_search_cache *c = cache_of(s);
	if (!c)
		return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
	sq__copy_end(&c->copy);
	int64_t seq = 0, tag = 0;
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql_log_last, &st, "search log");
	if (rc != LEND_OK)
		return rc;
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		seq = sqlite3_column_int64(st, 0);
		tag = sqlite3_column_int64(st, 1);
	} else if (step != SQLITE_DONE) {
		rc = sq__fail(s, "search log", step);
	}
	sq__done(s, st);
	if (rc != LEND_OK)
		return rc;
	if (c->known && seq == c->seq && tag == c->tag) {
		c->pin = c->clock + 1;
		return LEND_OK;
	}
	int ok = 0, done = 0;
	if (c->known && c->copy.on) {
		rc = log_base(s, c, &ok);
		if (rc == LEND_OK && ok)
			rc = apply_log(s, c, seq, &done);
		if (rc != LEND_OK)
			return rc;
	}
	if (!done) {
		/* Not known how: drop it all; the copy is loaded at its next use. */
		sets_clear(c);
		sq__copy_free(&c->copy);
	}
	c->seq = seq;
	c->tag = tag;
	c->known = 1;
	c->pin = c->clock + 1;
	return LEND_OK;
}

int sq__search_copy(sq *s, sq_copy **out)
{
	struct sq_search_cache *c = cache_of(s);
	*out = NULL;
	if (!c)
		return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
	if (!c->copy.on && !c->refused && c->known) {
		int fits;
		/* The kept sets are as of the log row the query's check saw, and
		 * so is this load (the same read transaction): they agree. */
		int rc = sq__copy_load(s, &c->copy, c->copy_max, &fits);
		if (rc != LEND_OK)
			return rc;
		c->refused = !fits;
	}
	if (c->copy.on)
		*out = &c->copy;
	return LEND_OK;
}

int sq__search_cache_limits(sq *s, size_t sets_bytes, size_t copy_bytes, size_t keep_min, int64_t log_keep)
{
	struct sq_search_cache *c = cache_of(s);
	if (!c)
		return LEND_ENOMEM;
	sets_clear(c);
	sq__copy_free(&c->copy);
	c->refused = 0;
	c->sets_max = sets_bytes;
	c->copy_max = copy_bytes;
	c->keep_min = keep_min;
	c->log_keep = log_keep;
	return LEND_OK;
}

/* ------------------------------------------------------ for the tests */

long sq__search_cache_copied(sq *s)
{
	struct sq_search_cache *c = *sq__search_cache(s);
	return c && c->copy.on ? (long)c->copy.books : -1;
}

static int same_terms(const sq_term *a, size_t na, const sq_term *b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++) {
		size_t j = 0;
		while (j < nb && !(a[i].n == b[j].n && a[i].score == b[j].score && memcmp(a[i].w, b[j].w, a[i].n) == 0))
			j++;
		if (j == nb)
			return 0;
	}
	return 1;
}

static const char sql_doc_ids[] = "SELECT book_id FROM search_doc";

int sq__search_cache_selfcheck(sq *s)
{
	struct sq_search_cache *c = *sq__search_cache(s);
	if (!c)
		return 0;
	if (sq__search_cache_check(s) != LEND_OK) /* caught up with the log first */
		return -1;
	size_t sets = 0;
	for (size_t i = 0; i < c->n; i++) {
		sq_books b;
		sets += books_bytes(&c->e[i]->b);
		if (books_read(s, c->e[i]->word, &b) != LEND_OK)
			return -1;
		int same = b.n == c->e[i]->b.n; /* and each of them kept: the same */
		for (size_t j = 0; same && !b.bits && j < b.n; j++)
			same = sq__books_has(&c->e[i]->b, b.ids[j]);
		for (size_t w = 0; same && w < b.nbits; w++)
			for (uint64_t x = b.bits[w]; same && x; x &= x - 1)
				same = sq__books_has(&c->e[i]->b, (int64_t)(w * 64 + (size_t)__builtin_ctzll(x)));
		sq__books_free(&b);
		if (!same)
			return -2; /* a kept set is not the books FTS5 finds */
	}
	if (sets != c->bytes || sets > c->sets_max)
		return -3;
	if (!c->copy.on)
		return 0;
	sqlite3_stmt *st;
	if (sq__prep(s, sql_doc_ids, &st, "search doc") != LEND_OK)
		return -1;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			int64_t *x = realloc(ids, cap * sizeof *x);
			if (!x)
				break;
			ids = x;
		}
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sq__done(s, st);
	int bad = 0;
	size_t copied = 0;
	for (size_t i = 0; i < n && !bad; i++) {
		sq_doc *d;
		if (sq__search_doc_read(s, ids[i], &d) != LEND_OK || !d)
			return -1;
		if (sq__copy_has(&c->copy, ids[i])) {
			copied++;
			int kind, age;
			const char *lang;
			size_t ln, k = 0;
			sq_term t[64];
			sq__copy_fields(&c->copy, ids[i], &kind, &age, &lang, &ln);
			sq__copy_words(&c->copy, ids[i], t, 64, &k);
			bad = kind != d->kind || age != d->age_rating || !lang != !d->language ||
			      (lang && (ln != strlen(d->language) || memcmp(lang, d->language, ln) != 0)) ||
			      !same_terms(t, k, d->term, d->nterms);
		}
		free(d);
	}
	free(ids);
	if (bad)
		return -4; /* a record is not its book's document */
	if (copied != c->copy.books)
		return -5; /* a book copied is no longer in the table */
	return 0;
}
