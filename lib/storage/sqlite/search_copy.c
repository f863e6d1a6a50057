/* lib/storage/sqlite/search_copy.c — a connection's copy of every book's
 * search document, compact, so that the books of a query of several words
 * are scored in memory (doc/search.md, "What a connection keeps").
 *
 * Reading a document from search_doc costs a B-tree lookup (1 to 2 µs);
 * the first keystroke of a new word may need thousands of them. The copy
 * holds each book's filters and terms, its words interned as ids into one
 * vocabulary: 8 bytes a term, about 100 bytes a book. A query marks, once,
 * the ids of the vocabulary's words that its last word starts (a range of
 * the vocabulary sorted); scoring a book is then reading its record and
 * testing each of its term ids against the marks.
 *
 * A record, in 32-bit units: the book's lowest score (2 units), the count
 * of terms, kind | age rating << 16, the language's id + 1 (0: none), then
 * per term its word's id and its score above the lowest. A book that does
 * not fit these (a score range over 2^32, a kind or age over 16 bits, an id
 * far beyond the others) is not copied but marked UNFIT: it is read from
 * the table when it is needed.
 */
#include <stdlib.h>
#include <string.h>

#include "sq.h"

#define UNFIT UINT32_MAX
#define REC_HEAD 5
#define TAIL_MAX 4096 /* words added since the vocabulary was sorted, looked at one by one */

uint64_t sq__hash(const char *w, size_t n)
{
	uint64_t h = 1469598103934665603u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)w[i]) * 1099511628211u;
	return h;
}

void sq__copy_free(sq_copy *c)
{
	free(c->at);
	free(c->rec);
	free(c->pool);
	free(c->off);
	free(c->len);
	free(c->hash);
	free(c->sorted);
	free(c->mark);
	memset(c, 0, sizeof *c);
}

size_t sq__copy_bytes(const sq_copy *c)
{
	return c->nat * sizeof *c->at + c->cap * sizeof *c->rec + c->pool_cap + c->term_cap * 2 * sizeof *c->off +
	       c->hcap * sizeof *c->hash + c->nsorted * sizeof *c->sorted + c->mark_words * sizeof *c->mark;
}

static const char *word_of(const sq_copy *c, uint32_t id, size_t *n)
{
	*n = c->len[id];
	return c->pool + c->off[id];
}

/* The id of the word w (n bytes), UNFIT when the vocabulary has none. */
static uint32_t word_find(const sq_copy *c, const char *w, size_t n)
{
	if (!c->hcap)
		return UNFIT;
	for (size_t i = sq__hash(w, n) & (c->hcap - 1);; i = (i + 1) & (c->hcap - 1)) {
		uint32_t id = c->hash[i];
		if (!id)
			return UNFIT;
		if (c->len[id - 1] == n && memcmp(c->pool + c->off[id - 1], w, n) == 0)
			return id - 1;
	}
}

static int hash_grow(sq_copy *c)
{
	size_t cap = c->hcap ? 2 * c->hcap : 1024;
	uint32_t *h = calloc(cap, sizeof *h);
	if (!h)
		return -1;
	for (size_t id = 0; id < c->nterm; id++)
		for (size_t i = sq__hash(c->pool + c->off[id], c->len[id]) & (cap - 1);; i = (i + 1) & (cap - 1))
			if (!h[i]) {
				h[i] = (uint32_t)id + 1;
				break;
			}
	free(c->hash);
	c->hash = h;
	c->hcap = cap;
	return 0;
}

/* The id of w, added to the vocabulary if new; UNFIT when memory ran out. */
static uint32_t word_id(sq_copy *c, const char *w, size_t n)
{
	uint32_t id = word_find(c, w, n);
	if (id != UNFIT)
		return id;
	if (n > UINT32_MAX / 2 || c->nterm >= UNFIT - 1)
		return UNFIT;
	if ((c->nterm + 1) * 2 > c->hcap && hash_grow(c) != 0)
		return UNFIT;
	if (c->nterm == c->term_cap) {
		size_t cap = c->term_cap ? 2 * c->term_cap : 4096;
		uint32_t *off = realloc(c->off, cap * sizeof *off);
		if (off)
			c->off = off;
		uint32_t *len = off ? realloc(c->len, cap * sizeof *len) : NULL;
		if (!len)
			return UNFIT;
		c->len = len;
		c->term_cap = cap;
	}
	if (c->pool_used + n > c->pool_cap) {
		size_t cap = c->pool_cap ? 2 * c->pool_cap : 65536;
		while (cap < c->pool_used + n)
			cap *= 2;
		if (cap > UINT32_MAX)
			return UNFIT;
		char *p = realloc(c->pool, cap);
		if (!p)
			return UNFIT;
		c->pool = p;
		c->pool_cap = cap;
	}
	memcpy(c->pool + c->pool_used, w, n);
	id = (uint32_t)c->nterm++;
	c->off[id] = (uint32_t)c->pool_used;
	c->len[id] = (uint32_t)n;
	c->pool_used += n;
	for (size_t i = sq__hash(w, n) & (c->hcap - 1);; i = (i + 1) & (c->hcap - 1))
		if (!c->hash[i]) {
			c->hash[i] = id + 1;
			break;
		}
	return id;
}

typedef struct sort_word {
	const char *w;
	uint32_t n, id;
} sort_word;

static int by_word(const void *x, const void *y)
{
	const sort_word *a = x, *b = y;
	int r = memcmp(a->w, b->w, a->n < b->n ? a->n : b->n);
	return r ? r : (a->n > b->n) - (a->n < b->n);
}

/* Sort the whole vocabulary (its ids by word), so that the words a prefix
 * starts are one range. */
static int vocab_sort(sq_copy *c)
{
	uint32_t *s = realloc(c->sorted, (c->nterm ? c->nterm : 1) * sizeof *s);
	if (!s)
		return -1;
	c->sorted = s;
	sort_word *t = malloc((c->nterm ? c->nterm : 1) * sizeof *t);
	if (!t)
		return -1;
	for (size_t i = 0; i < c->nterm; i++) {
		t[i].w = c->pool + c->off[i];
		t[i].n = c->len[i];
		t[i].id = (uint32_t)i;
	}
	qsort(t, c->nterm, sizeof *t, by_word);
	for (size_t i = 0; i < c->nterm; i++)
		s[i] = t[i].id;
	free(t);
	c->nsorted = c->nterm;
	return 0;
}

/* The array p of n elements of `size` bytes grown to `want`, the new ones
 * zero; NULL (p unchanged) when memory ran out. */
static void *zero_grow(void *p, size_t n, size_t want, size_t size)
{
	char *x = realloc(p, want * size);
	if (x)
		memset(x + n * size, 0, (want - n) * size);
	return x;
}

static int at_grow(sq_copy *c, size_t need)
{
	size_t cap = c->nat ? c->nat : 1024;
	while (cap < need)
		cap *= 2;
	uint32_t *at = zero_grow(c->at, c->nat, cap, sizeof *at);
	if (!at)
		return -1;
	c->at = at;
	c->nat = cap;
	return 0;
}

/* Room for `units` more record units. */
static int rec_room(sq_copy *c, size_t units)
{
	if (c->used + units <= c->cap)
		return 0;
	/* A quarter more each time: the records are most of the copy. */
	size_t cap = c->cap ? c->cap + c->cap / 4 : 65536;
	while (cap < c->used + units)
		cap += cap / 4;
	if (cap > UNFIT - 1)
		return -1;
	uint32_t *r = realloc(c->rec, cap * sizeof *r);
	if (!r)
		return -1;
	c->rec = r;
	c->cap = cap;
	return 0;
}

/* Is the id of a book near enough to the others to have its slot? */
static int id_fits(const sq_copy *c, int64_t id)
{
	return id >= 0 && (uint64_t)id < 8 * (uint64_t)c->books + 65536 && (uint64_t)id < UNFIT;
}

static void rec_drop(sq_copy *c, int64_t id)
{
	if (id < 0 || (uint64_t)id >= c->nat)
		return;
	uint32_t at = c->at[id];
	if (at && at != UNFIT) {
		c->dead += REC_HEAD + 2 * (size_t)c->rec[at - 1 + 2];
		c->books--;
	}
	c->at[id] = 0;
}

/* Write the record of a book from its fields and terms; -1 when memory ran
 * out. A book that does not fit is marked UNFIT. */
static int rec_put(sq_copy *c, int64_t id, int kind, const char *lang, int age, const sq_term *t, size_t nt)
{
	rec_drop(c, id);
	if (!id_fits(c, id)) {
		if (id >= 0 && (uint64_t)id < c->nat)
			c->at[id] = UNFIT;
		else
			c->far = 1;
		return 0; /* read from the table when needed */
	}
	if ((uint64_t)id >= c->nat && at_grow(c, (size_t)id + 1) != 0)
		return -1;
	int64_t lo = nt ? t[0].score : 0, hi = lo;
	for (size_t i = 1; i < nt; i++) {
		lo = t[i].score < lo ? t[i].score : lo;
		hi = t[i].score > hi ? t[i].score : hi;
	}
	if (kind < 0 || kind > 0xffff || age < 0 || age > 0xffff || nt > 0xffff ||
	    (uint64_t)hi - (uint64_t)lo > UINT32_MAX) {
		c->at[id] = UNFIT;
		return 0;
	}
	uint32_t langid = 0;
	if (lang && *lang && (langid = word_id(c, lang, strlen(lang))) == UNFIT)
		return -1;
	if (rec_room(c, REC_HEAD + 2 * nt) != 0)
		return -1;
	uint32_t *r = c->rec + c->used;
	r[0] = (uint32_t)(uint64_t)lo;
	r[1] = (uint32_t)((uint64_t)lo >> 32);
	r[2] = (uint32_t)nt;
	r[3] = (uint32_t)kind | (uint32_t)age << 16;
	r[4] = lang && *lang ? langid + 1 : 0;
	for (size_t i = 0; i < nt; i++) {
		uint32_t w = word_id(c, t[i].w, t[i].n);
		if (w == UNFIT)
			return -1;
		r[REC_HEAD + 2 * i] = w;
		r[REC_HEAD + 2 * i + 1] = (uint32_t)((uint64_t)t[i].score - (uint64_t)lo);
	}
	c->at[id] = (uint32_t)c->used + 1;
	c->used += REC_HEAD + 2 * nt;
	c->books++;
	return 0;
}

/* Rewrite the records in book order without the dead ones. */
static int rec_compact(sq_copy *c)
{
	size_t cap = c->used - c->dead + 1;
	uint32_t *r = malloc(cap * sizeof *r);
	if (!r)
		return -1;
	size_t u = 0;
	for (size_t id = 0; id < c->nat; id++) {
		uint32_t at = c->at[id];
		if (!at || at == UNFIT)
			continue;
		size_t n = REC_HEAD + 2 * (size_t)c->rec[at - 1 + 2];
		memcpy(r + u, c->rec + at - 1, n * sizeof *r);
		c->at[id] = (uint32_t)u + 1;
		u += n;
	}
	free(c->rec);
	c->rec = r;
	c->used = u;
	c->cap = cap;
	c->dead = 0;
	return 0;
}

int sq__copy_set(sq_copy *c, int64_t id, const sq_doc *d)
{
	int rc = 0;
	if (d)
		rc = rec_put(c, id, d->kind, d->language, d->age_rating, d->term, d->nterms);
	else
		rec_drop(c, id);
	if (rc == 0 && c->dead > 65536 && c->dead > c->used / 2)
		rc = rec_compact(c);
	if (rc == 0 && c->nterm - c->nsorted > TAIL_MAX)
		rc = vocab_sort(c);
	return rc;
}

int sq__copy_words(const sq_copy *c, int64_t id, sq_term *t, size_t max, size_t *n)
{
	*n = 0;
	if (id < 0 || (uint64_t)id >= c->nat)
		return c->far ? -1 : 0;
	if (!c->at[id])
		return 0;
	if (c->at[id] == UNFIT)
		return -1;
	const uint32_t *r = c->rec + c->at[id] - 1;
	int64_t lo = (int64_t)((uint64_t)r[0] | (uint64_t)r[1] << 32);
	for (size_t i = 0; i < r[2] && i < max; i++) {
		t[i].w = word_of(c, r[REC_HEAD + 2 * i], &t[i].n);
		t[i].score = (int64_t)((uint64_t)lo + r[REC_HEAD + 2 * i + 1]);
		(*n)++;
	}
	return 0;
}

size_t sq__copy_nterms(const sq_copy *c, int64_t id)
{
	if (id < 0 || (uint64_t)id >= c->nat || !c->at[id] || c->at[id] == UNFIT)
		return 0;
	return c->rec[c->at[id] - 1 + 2];
}

int sq__copy_has(const sq_copy *c, int64_t id)
{
	return id >= 0 && (uint64_t)id < c->nat && c->at[id] && c->at[id] != UNFIT;
}

int sq__copy_fields(const sq_copy *c, int64_t id, int *kind, int *age, const char **lang, size_t *langn)
{
	if (!sq__copy_has(c, id))
		return -1;
	const uint32_t *r = c->rec + c->at[id] - 1;
	*kind = (int)(r[3] & 0xffff);
	*age = (int)(r[3] >> 16);
	*lang = r[4] ? word_of(c, r[4] - 1, langn) : NULL;
	if (!r[4])
		*langn = 0;
	return 0;
}

/* ----------------------------------------------------------- the load */

static const char sql_all[] = "SELECT book_id, kind, language, age_rating, terms FROM search_doc";

int sq__copy_load(sq *s, sq_copy *c, size_t max_bytes, int *fits)
{
	sq__copy_free(c);
	*fits = 0;
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql_all, &st, "search doc");
	if (rc != LEND_OK)
		return rc;
	size_t tcap = 64;
	sq_term *t = malloc(tcap * sizeof *t);
	int step, oom = !t;
	c->books = 0;
	while (!oom && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *terms = (const char *)sqlite3_column_text(st, 4);
		const char *lang = (const char *)sqlite3_column_text(st, 2);
		size_t nt = terms ? sq__count_lines(terms) : 0;
		if (nt > tcap) {
			sq_term *nt2 = realloc(t, nt * sizeof *t);
			if (!nt2) {
				oom = 1;
				break;
			}
			t = nt2;
			tcap = nt;
		}
		nt = terms ? sq__parse_terms(terms, t, nt) : 0;
		if (rec_put(c, sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1), lang, sqlite3_column_int(st, 3), t,
		            nt) != 0)
			oom = 1;
		if (sq__copy_bytes(c) > max_bytes)
			break;
	}
	sq__done(s, st);
	free(t);
	if (oom) {
		sq__copy_free(c);
		return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
	}
	if (step != SQLITE_DONE) {
		sq__copy_free(c);
		return step == SQLITE_ROW ? LEND_OK /* too big: not kept */ : sq__fail(s, "search doc", step);
	}
	if (vocab_sort(c) != 0) {
		sq__copy_free(c);
		return sq__fail_msg(s, "search", "out of memory", LEND_ENOMEM);
	}
	/* Give back what the growth left over (each book_id came once: no
	 * record is dead yet). */
	size_t cap = c->used + c->used / 16 + 1;
	uint32_t *r = realloc(c->rec, cap * sizeof *r);
	if (r) {
		c->rec = r;
		c->cap = cap;
	}
	c->on = 1;
	*fits = 1;
	return LEND_OK;
}

/* ---------------------------------------------------------- the query */

/* The first position of the sorted vocabulary whose word is not below w. */
static size_t sorted_at(const sq_copy *c, const char *w, size_t n)
{
	size_t lo = 0, hi = c->nsorted;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		size_t mn;
		const char *m = word_of(c, c->sorted[mid], &mn);
		int r = memcmp(m, w, mn < n ? mn : n);
		if (r < 0 || (r == 0 && mn < n))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void mark_set(sq_copy *c, uint32_t id)
{
	c->mark[id / 64] |= (uint64_t)1 << (id % 64);
}

/* Mark the words the query's last word w matches: the words it starts
 * with a prefix, else itself. */
static void marks(sq_copy *c, const char *w, int prefix)
{
	size_t n = strlen(w), mn;
	if (!prefix) {
		uint32_t id = word_find(c, w, n);
		if (id != UNFIT)
			mark_set(c, id);
		return;
	}
	for (size_t i = sorted_at(c, w, n); i < c->nsorted; i++) {
		const char *m = word_of(c, c->sorted[i], &mn);
		if (mn < n || memcmp(m, w, n) != 0)
			break;
		mark_set(c, c->sorted[i]);
	}
	for (size_t id = c->nsorted; id < c->nterm; id++) {
		const char *m = word_of(c, (uint32_t)id, &mn);
		if (mn >= n && memcmp(m, w, n) == 0)
			mark_set(c, (uint32_t)id);
	}
}

void sq__copy_end(sq_copy *c)
{
	if (c->q && c->mark)
		memset(c->mark, 0, c->mark_words * sizeof *c->mark);
	c->q = NULL;
}

static int copy_begin(sq_copy *c, const lend_sys_search_query *q)
{
	sq__copy_end(c);
	size_t words = c->nterm / 64 + 1;
	if (words > c->mark_words) {
		uint64_t *m = zero_grow(c->mark, c->mark_words, words, sizeof *m);
		if (!m)
			return -1;
		c->mark = m;
		c->mark_words = words;
	}
	c->q = q;
	c->none = 0;
	c->nothers = 0;
	for (int i = 0; i < q->nwords - 1; i++) {
		uint32_t id = word_find(c, q->words[i], strlen(q->words[i]));
		c->none |= id == UNFIT; /* a word no book holds */
		if (c->nothers < (int)(sizeof c->other / sizeof c->other[0]))
			c->other[c->nothers++] = id;
	}
	c->lang = 0;
	if (q->language && *q->language) {
		uint32_t id = word_find(c, q->language, strlen(q->language));
		c->lang = id == UNFIT ? UNFIT : id + 1;
	}
	marks(c, q->words[q->nwords - 1], q->prefix);
	return 0;
}

void sq__copy_prefetch(const sq_copy *c, int64_t id, int record)
{
	if (id < 0 || (uint64_t)id >= c->nat)
		return;
	if (!record) {
		__builtin_prefetch(&c->at[id]);
	} else if (c->at[id] && c->at[id] != UNFIT) {
		__builtin_prefetch(c->rec + c->at[id] - 1);
		__builtin_prefetch(c->rec + c->at[id] - 1 + 16);
	}
}

int sq__copy_score(sq_copy *c, const lend_sys_search_query *q, int64_t id, int64_t *score)
{
	*score = -1;
	if (!sq__copy_has(c, id))
		return 0;
	if (c->q != q && copy_begin(c, q) != 0)
		return 0; /* out of memory: the caller reads the book instead */
	const uint32_t *r = c->rec + c->at[id] - 1;
	if (c->none || (q->kind && (int)(r[3] & 0xffff) != q->kind) || (q->max_age >= 0 && (int)(r[3] >> 16) > q->max_age) ||
	    (c->lang && r[4] != c->lang))
		return 1;
	uint32_t best = 0;
	int found = 0;
	const uint32_t *t = r + REC_HEAD;
	for (uint32_t i = 0; i < r[2]; i++) {
		uint32_t w = t[2 * i];
		if ((c->mark[w / 64] >> (w % 64) & 1) && (!found || t[2 * i + 1] > best)) {
			best = t[2 * i + 1];
			found = 1;
		}
	}
	if (!found)
		return 1;
	for (int j = 0; j < c->nothers; j++) {
		uint32_t i = 0;
		while (i < r[2] && t[2 * i] != c->other[j])
			i++;
		if (i == r[2])
			return 1;
	}
	*score = (int64_t)(((uint64_t)r[0] | (uint64_t)r[1] << 32) + best);
	return 1;
}
