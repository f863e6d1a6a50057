/* lib/storage/sqlite/search_cache.c — what a connection keeps of the search
 * index between calls, for the queries of several words (doc/search.md).
 *
 * Which books hold a word: a query of several words walks the prefix rows
 * of its last word and needs to know, for each row, whether the book holds
 * the other words. Reading the book's document costs a B-tree lookup per
 * row (1 to 2 µs); a set of the books that hold a word, read once from
 * FTS5, answers in a few nanoseconds. The sets of common words are kept, up
 * to SETS_BYTES per connection, least recently used first out.
 *
 * Documents: when the books holding the other words are fewer than the rows
 * the walk would need, each of them is scored from its document; the
 * documents read are kept too, up to DOCS_BYTES, so that the next keystroke
 * of the same words (or any query naming the same books) scores them in
 * memory.
 *
 * Keeping them true: every write of the index (search_put, search_delete)
 * stores a new random generation in search_state and changes the kept sets
 * in place; a search compares the stored generation with the one the sets
 * were made or changed at and drops them all when they differ: another
 * connection wrote the index, or a transaction of this one that changed
 * them rolled back.
 */
#include <stdlib.h>
#include <string.h>

#include "sq.h"

#define SETS_BYTES (32u << 20) /* per connection */
#define DOCS_BYTES (16u << 20)
#define KEEP_MIN 512           /* books: a rarer word is read again at each query (tens of µs) */

struct sq_word_books {
	char *word;
	uint64_t hash;
	uint64_t used; /* the clock at its last use */
	sq_books b;
};

/* The documents: an open-addressing table of book ids, a clock for
 * eviction (each document's `ref` is set when it is used; the hand clears
 * it and evicts the documents it finds clear). */
typedef struct docs {
	sq_doc **slot;
	size_t cap, n, bytes, hand;
	size_t max; /* bytes */
} docs;

struct sq_search_cache {
	docs d;
	sq_doc *spare; /* the last document read and not kept */
	size_t sets_max, keep_min; /* SETS_BYTES, KEEP_MIN unless a test says */
	int64_t gen;
	int known; /* gen was read (or written) and the sets match it */
	struct sq_word_books **e; /* each on its own, so that a set handed out stays put */
	size_t n, cap, bytes;
	uint64_t clock;
	uint64_t pin; /* sets used since this clock serve the current query: kept */
};

static uint64_t hash_of(const char *w)
{
	uint64_t h = 1469598103934665603u;
	for (; *w; w++)
		h = (h ^ (unsigned char)*w) * 1099511628211u;
	return h;
}

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

static void docs_clear(docs *d)
{
	for (size_t i = 0; i < d->cap; i++) {
		free(d->slot[i]);
		d->slot[i] = NULL;
	}
	d->n = 0;
	d->bytes = 0;
}

static void cache_clear(struct sq_search_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		entry_free(c->e[i]);
	c->n = 0;
	c->bytes = 0;
	docs_clear(&c->d);
}

void sq__search_cache_free(struct sq_search_cache *c)
{
	if (!c)
		return;
	cache_clear(c);
	free(c->e);
	free(c->d.slot);
	free(c->spare);
	free(c);
}

static struct sq_search_cache *cache_of(sq *s)
{
	struct sq_search_cache **slot = sq__search_cache(s);
	if (!*slot && (*slot = calloc(1, sizeof **slot)) != NULL) {
		(*slot)->sets_max = SETS_BYTES;
		(*slot)->keep_min = KEEP_MIN;
		(*slot)->d.max = DOCS_BYTES;
	}
	return *slot;
}

static const char sql_gen_get[] = "SELECT gen FROM search_state WHERE id = 1";
static const char sql_gen_put[] = "UPDATE search_state SET gen = ?1 WHERE id = 1";

static int gen_read(sq *s, int64_t *gen)
{
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql_gen_get, &st, "search state");
	if (rc != LEND_OK)
		return rc;
	return sq__run_count(s, st, "search state", gen);
}

/* The connection's kept data, emptied unless it was made at the index's
 * current generation, which *gen receives. */
static int cache_now(sq *s, struct sq_search_cache **out, int64_t *gen)
{
	struct sq_search_cache *c = *out = cache_of(s);
	if (!c)
		return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
	int rc = gen_read(s, gen);
	if (rc != LEND_OK)
		return rc;
	if (!c->known || c->gen != *gen)
		cache_clear(c);
	c->gen = *gen;
	c->known = 1;
	return LEND_OK;
}

/* Drop the kept sets unless the index is as they were made. */
int sq__search_cache_check(sq *s)
{
	struct sq_search_cache *c;
	int64_t gen;
	int rc = cache_now(s, &c, &gen);
	if (rc == LEND_OK)
		c->pin = c->clock + 1;
	return rc;
}

/* Before a write of the index: a new generation, and the kept sets stay
 * only if they were true until now. */
int sq__search_cache_write(sq *s)
{
	struct sq_search_cache *c;
	int64_t gen, next;
	int rc = cache_now(s, &c, &gen);
	if (rc != LEND_OK)
		return rc;
	sqlite3_randomness(sizeof next, &next);
	sqlite3_stmt *st;
	rc = sq__prep(s, sql_gen_put, &st, "search state");
	if (rc != LEND_OK)
		return rc;
	sqlite3_bind_int64(st, 1, next);
	rc = sq__run(s, st, "search state", 1);
	if (rc == LEND_OK)
		c->gen = next;
	return rc;
}

static struct sq_word_books *find(struct sq_search_cache *c, const char *w, size_t n)
{
	uint64_t h = 0;
	char buf[256];
	if (n >= sizeof buf)
		return NULL; /* no word that long is kept */
	memcpy(buf, w, n);
	buf[n] = '\0';
	h = hash_of(buf);
	for (size_t i = 0; i < c->n; i++)
		if (c->e[i]->hash == h && strcmp(c->e[i]->word, buf) == 0)
			return c->e[i];
	return NULL;
}

/* Book id joins (on = 1) or leaves (on = 0) the kept set of the word w (n
 * bytes), if there is one. A set that cannot grow is dropped. */
void sq__books_note(sq *s, const char *w, size_t n, int64_t id, int on)
{
	struct sq_search_cache **slot = sq__search_cache(s);
	struct sq_search_cache *c = *slot;
	struct sq_word_books *e = c && c->n ? find(c, w, n) : NULL;
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
	if (own->n < c->keep_min || bytes > c->sets_max / 4 || wn >= 256)
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
	e->hash = hash_of(copy);
	e->used = ++c->clock;
	e->b = *own;
	memset(own, 0, sizeof *own);
	c->bytes += bytes;
	*out = &e->b;
	return LEND_OK;
}

/* ----------------------------------------------------------- documents */

static size_t slot_of(const docs *d, int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15u;
	return (size_t)(h >> 17) & (d->cap - 1);
}

static sq_doc **doc_find(docs *d, int64_t id)
{
	if (!d->cap)
		return NULL;
	for (size_t i = slot_of(d, id);; i = (i + 1) & (d->cap - 1)) {
		if (!d->slot[i])
			return NULL;
		if (d->slot[i]->book_id == id)
			return &d->slot[i];
	}
}

/* Remove the document in slot i, shifting back the ones after it that
 * probed past it (linear probing without tombstones). */
static void doc_remove(docs *d, size_t i)
{
	d->bytes -= d->slot[i]->bytes;
	free(d->slot[i]);
	d->slot[i] = NULL;
	d->n--;
	for (size_t j = (i + 1) & (d->cap - 1); d->slot[j]; j = (j + 1) & (d->cap - 1)) {
		size_t home = slot_of(d, d->slot[j]->book_id);
		/* j's document may move to i if i lies cyclically in [home, j). */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			d->slot[i] = d->slot[j];
			d->slot[j] = NULL;
			i = j;
		}
	}
}

static int doc_insert(docs *d, sq_doc *x)
{
	if ((d->n + 1) * 2 > d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 1024;
		sq_doc **slot = calloc(cap, sizeof *slot);
		if (!slot)
			return -1;
		docs old = *d;
		d->slot = slot;
		d->cap = cap;
		d->hand = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.slot[i]) {
				size_t j = slot_of(d, old.slot[i]->book_id);
				while (d->slot[j])
					j = (j + 1) & (d->cap - 1);
				d->slot[j] = old.slot[i];
			}
		free(old.slot);
	}
	size_t j = slot_of(d, x->book_id);
	while (d->slot[j])
		j = (j + 1) & (d->cap - 1);
	d->slot[j] = x;
	d->n++;
	d->bytes += x->bytes;
	return 0;
}

/* Evict by the clock until `need` more bytes fit. */
static void doc_room(docs *d, size_t need)
{
	size_t turns = 0;
	while (d->n && d->bytes + need > d->max && turns++ < 4 * d->cap) {
		size_t i = d->hand;
		sq_doc *x = d->slot[i];
		if (x && x->ref) {
			x->ref = 0;
			d->hand = (i + 1) & (d->cap - 1);
		} else if (x) {
			doc_remove(d, i); /* may shift a later document into slot i: look at it next */
		} else {
			d->hand = (i + 1) & (d->cap - 1);
		}
	}
}

void sq__search_cache_forget(sq *s, int64_t book_id)
{
	struct sq_search_cache *c = *sq__search_cache(s);
	sq_doc **x = c ? doc_find(&c->d, book_id) : NULL;
	if (x)
		doc_remove(&c->d, (size_t)(x - c->d.slot));
}

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
	size_t bytes = sizeof(sq_doc) + nt * sizeof(sq_term) + ln + kn + tn + 3;
	sq_doc *x = malloc(bytes);
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
	x->bytes = bytes;
	x->ref = 1;
	sq__done(s, st);
	*out = x;
	return LEND_OK;
}

int sq__search_doc(sq *s, int64_t book_id, const sq_doc **out)
{
	struct sq_search_cache *c = cache_of(s);
	*out = NULL;
	if (!c)
		return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
	sq_doc **hit = doc_find(&c->d, book_id);
	if (hit) {
		(*hit)->ref = 1;
		*out = *hit;
		return LEND_OK;
	}
	sq_doc *x;
	int rc = sq__search_doc_read(s, book_id, &x);
	if (rc != LEND_OK || !x)
		return rc;
	if (x->bytes > c->d.max / 64) {
		/* Too big to keep: the caller's until its next call. */
		free(c->spare);
		c->spare = x;
	} else {
		doc_room(&c->d, x->bytes);
		if (doc_insert(&c->d, x) != 0) {
			free(c->spare);
			c->spare = x;
		}
	}
	*out = x;
	return LEND_OK;
}

int sq__search_cache_limits(sq *s, size_t sets_bytes, size_t docs_bytes, size_t keep_min)
{
	struct sq_search_cache *c = cache_of(s);
	if (!c)
		return LEND_ENOMEM;
	cache_clear(c);
	c->sets_max = sets_bytes;
	c->d.max = docs_bytes;
	c->keep_min = keep_min;
	return LEND_OK;
}

int sq__search_cache_selfcheck(sq *s)
{
	struct sq_search_cache *c = *sq__search_cache(s);
	if (!c)
		return 0;
	size_t n = 0, bytes = 0, sets = 0;
	for (size_t i = 0; i < c->d.cap; i++) {
		sq_doc *x = c->d.slot[i];
		if (!x)
			continue;
		n++;
		bytes += x->bytes;
		sq_doc **at = doc_find(&c->d, x->book_id);
		if (!at || *at != x)
			return -1; /* not reachable from its home slot, or twice in the table */
	}
	for (size_t i = 0; i < c->n; i++)
		sets += books_bytes(&c->e[i]->b);
	if (n != c->d.n || bytes != c->d.bytes || bytes > c->d.max || sets != c->bytes || sets > c->sets_max)
		return -2;
	return 0;
}

int sq__search_doc_kept(sq *s, int64_t book_id)
{
	struct sq_search_cache *c = *sq__search_cache(s);
	return c && doc_find(&c->d, book_id) != NULL;
}
