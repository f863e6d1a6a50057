/* lib/search/query.c — lend_search() and lend_suggest(): fold the query (and
 * its wrong-layout twin), ask the backend's index or scan the books, rank,
 * and give each hit the asking reader's verdict. */
#include "search.h"

#define MAX_WORDS 16
#define MAX_TEXT 1000

struct lend_search_query {
	char *text;
	int kind;
	char *language;
	int64_t library_id;
	int available_only;
	int age_appropriate;
	int limit;
};

struct lend_search_hit {
	int64_t book_id;
	char *title;
	char *authors;
	int kind;
	int age_rating;
	int64_t score;
	int too_young;
	int has_verdict;
	int verdict;
	int reason;
};

struct lend_search_results {
	lend__vec v;
};

/* ------------------------------------------------------------ handles */

LEND_EXTERN int lend_search_query_new(lend_search_query **out)
{
	if (!out)
		return LEND_EINVAL;
	*out = calloc(1, sizeof **out);
	return *out ? LEND_OK : LEND_ENOMEM;
}

LEND_EXTERN void lend_search_query_free(lend_search_query *q)
{
	if (!q)
		return;
	free(q->text);
	free(q->language);
	free(q);
}

static int set_text(char **field, const char *text, size_t max, int required)
{
	if (lend__text_ok(text, max, required) != LEND_OK)
		return LEND_EINVAL;
	char *d = text && *text ? lend__strdup(text) : NULL;
	if (text && *text && !d)
		return LEND_ENOMEM;
	free(*field);
	*field = d;
	return LEND_OK;
}

LEND_EXTERN int lend_search_query_set_text(lend_search_query *q, const char *text)
{
	if (!q || !text)
		return LEND_EINVAL;
	return set_text(&q->text, text, MAX_TEXT, 0);
}

LEND_EXTERN int lend_search_query_set_kind(lend_search_query *q, int kind)
{
	if (!q || kind < LEND_KIND_ANY || kind > LEND_KIND_AUDIOBOOK)
		return LEND_EINVAL;
	q->kind = kind;
	return LEND_OK;
}

LEND_EXTERN int lend_search_query_set_language(lend_search_query *q, const char *code)
{
	if (!q)
		return LEND_EINVAL;
	for (const char *c = code; c && *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || *c == '-' || *c == '/'))
			return LEND_EINVAL;
	return set_text(&q->language, code, 16, 0);
}

LEND_EXTERN int lend_search_query_set_library(lend_search_query *q, int64_t library_id)
{
	if (!q || library_id < 0)
		return LEND_EINVAL;
	q->library_id = library_id;
	return LEND_OK;
}

LEND_EXTERN int lend_search_query_set_available_only(lend_search_query *q, int on)
{
	if (!q || (on != 0 && on != 1))
		return LEND_EINVAL;
	q->available_only = on;
	return LEND_OK;
}

LEND_EXTERN int lend_search_query_set_age_appropriate(lend_search_query *q, int on)
{
	if (!q || (on != 0 && on != 1))
		return LEND_EINVAL;
	q->age_appropriate = on;
	return LEND_OK;
}

LEND_EXTERN int lend_search_query_set_limit(lend_search_query *q, int limit)
{
	if (!q || limit < 1 || limit > 100)
		return LEND_EINVAL;
	q->limit = limit;
	return LEND_OK;
}

static void hit_free(void *p)
{
	lend_search_hit *h = p;
	if (!h)
		return;
	free(h->title);
	free(h->authors);
	free(h);
}

LEND_EXTERN size_t lend_search_results_count(const lend_search_results *r)
{
	return r ? r->v.n : 0;
}

LEND_EXTERN const lend_search_hit *lend_search_results_get(const lend_search_results *r, size_t i)
{
	return r && i < r->v.n ? r->v.items[i] : NULL;
}

LEND_EXTERN void lend_search_results_free(lend_search_results *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->v.n; i++)
		hit_free(r->v.items[i]);
	free(r->v.items);
	free(r);
}

LEND_EXTERN int64_t lend_search_hit_book_id(const lend_search_hit *h) { return h ? h->book_id : 0; }
LEND_EXTERN const char *lend_search_hit_title(const lend_search_hit *h) { return h && h->title ? h->title : ""; }
LEND_EXTERN const char *lend_search_hit_authors(const lend_search_hit *h) { return h && h->authors ? h->authors : ""; }
LEND_EXTERN int lend_search_hit_kind(const lend_search_hit *h) { return h ? h->kind : 0; }
LEND_EXTERN int lend_search_hit_age_rating(const lend_search_hit *h) { return h ? h->age_rating : 0; }
LEND_EXTERN int64_t lend_search_hit_score(const lend_search_hit *h) { return h ? h->score : 0; }
LEND_EXTERN int lend_search_hit_too_young(const lend_search_hit *h) { return h ? h->too_young : 0; }
LEND_EXTERN int lend_search_hit_has_verdict(const lend_search_hit *h) { return h ? h->has_verdict : 0; }
LEND_EXTERN int lend_search_hit_verdict(const lend_search_hit *h) { return h ? h->verdict : 0; }
LEND_EXTERN int lend_search_hit_reason(const lend_search_hit *h) { return h ? h->reason : 0; }

/* --------------------------------------------------------- candidates */

typedef struct cand {
	int64_t book_id;
	int64_t score;
} cand;

typedef struct words {
	char *folded; /* the words, NUL-separated in place */
	const char *w[MAX_WORDS];
	int n;
} words;

static int split(char *folded, words *ws)
{
	ws->folded = folded;
	ws->n = 0;
	char *p = folded;
	while (*p && ws->n < MAX_WORDS) {
		ws->w[ws->n++] = p;
		char *sp = strchr(p, ' ');
		if (!sp)
			break;
		*sp = '\0';
		p = sp + 1;
	}
	return ws->n;
}

typedef struct collect {
	lend__rows *rows;
	const words *ws;
	int prefix;
	int64_t got; /* rows the backend gave */
	int fuzzy;   /* the words hold a typo's correction */
} collect;

/* A book found through a corrected typo ranks below every book found as
 * typed: no tier, and its field weight lowered by 4 (doc/search.md). */
static int64_t fuzzed(const collect *c, int64_t s)
{
	if (!c->fuzzy || s < 0)
		return s;
	return s % LEND_SEARCH_TIER(1) - LEND_SEARCH_SCORE(LEND_SEARCH_CLASS_OTHER, 0);
}

static int match_cb(void *ctx, int64_t book_id, int64_t score, const char *keys)
{
	collect *c = ctx;
	c->got++;
	int64_t rank = score % 1000000;
	int64_t s = fuzzed(c, lend__search_score(keys ? keys : "", rank, c->ws->w, c->ws->n, c->prefix));
	if (s < 0)
		return 0;
	cand x = {book_id, s};
	return lend__rows_push(c->rows, &x);
}

/* The scan for a backend without an index: every book, folded on the fly,
 * one page of ids at a time. */
static int id_cb(void *ctx, const lend_sys_book *row)
{
	return lend__rows_push(ctx, &row->id);
}

static int scan_one(lend_engine *e, const lend_sys_search_query *q, collect *c, int64_t id)
{
	lend_catalog_text t;
	TRY(lend__catalog_load_index_text(e, id, &t));
	int skip = t.withdrawn || (q->kind && t.kind != q->kind) || (q->max_age >= 0 && t.age_rating > q->max_age) ||
	           (q->language && (!t.language || strcmp(t.language, q->language) != 0));
	lend__search_doc d;
	int rc = skip ? LEND_OK : lend__search_doc_build(&t, &d);
	lend__catalog_text_free(&t);
	if (rc != LEND_OK)
		return lend__nomem(e);
	if (skip)
		return LEND_OK;
	int64_t sc = fuzzed(c, lend__search_score(d.keys, d.doc.rank, c->ws->w, c->ws->n, c->prefix));
	lend__search_doc_free(&d);
	cand x = {id, sc};
	if (sc >= 0 && lend__rows_push(c->rows, &x) != 0)
		return lend__nomem(e);
	return LEND_OK;
}

static int scan_books(lend_engine *e, const lend_sys_search_query *q, collect *c)
{
	int64_t after = 0;
	for (;;) {
		lend__rows ids = LEND_ROWS(int64_t);
		int rc = lend__rows_status(e, &ids, ST(e, book_list, after, 1000, id_cb, &ids), "book list");
		for (size_t i = 0; rc == LEND_OK && i < ids.n; i++)
			rc = scan_one(e, q, c, LEND_ROW(ids, int64_t, i));
		size_t n = ids.n;
		if (n)
			after = LEND_ROW(ids, int64_t, n - 1);
		lend__rows_free(&ids);
		TRY(rc);
		if (n < 1000)
			return LEND_OK;
	}
}

static int by_book(const void *a, const void *b)
{
	const cand *x = a, *y = b;
	return x->book_id < y->book_id ? -1 : x->book_id > y->book_id;
}

static int by_score(const void *a, const void *b)
{
	const cand *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->book_id < y->book_id ? -1 : x->book_id > y->book_id;
}

/* One lookup of q: the backend's index, else the scan. */
static int lookup(lend_engine *e, const lend_sys_search_query *q, collect *c)
{
	if (lend__search_lacks(e))
		return scan_books(e, q, c);
	int rc = ST(e, search_match, q, match_cb, c);
	if (c->rows->oom)
		return lend__nomem(e);
	TRY_ST(e, "search", rc);
	return LEND_OK;
}

/* ------------------------------------------------------------- typos */

#define FUZZY_QUERIES 16 /* corrections of a typo looked up at most */

/* found[i]: whether w[i] is an indexed word (or, with prefix, starts one):
 * the backend's vocabulary in one call, else one lookup per word. */
static int known(lend_engine *e, const char *const *w, int n, int prefix, int32_t *found)
{
	if (e->st.search_vocab && !lend__search_lacks(e)) {
		TRY_ST(e, "search words", ST(e, search_vocab, w, n, prefix, found));
		return LEND_OK;
	}
	for (int i = 0; i < n; i++) {
		lend__rows rows = LEND_ROWS(cand);
		words one;
		memset(&one, 0, sizeof one);
		one.w[0] = w[i];
		one.n = 1;
		lend_sys_search_query q = {0};
		q.words = one.w;
		q.nwords = 1;
		q.prefix = prefix;
		q.max_age = -1;
		q.limit = 1;
		collect c = {&rows, &one, prefix, 0, 0};
		int rc = lookup(e, &q, &c);
		found[i] = rows.n > 0;
		lend__rows_free(&rows);
		TRY(rc);
	}
	return LEND_OK;
}

/* The query found nothing: if exactly one of its words (of 4 characters or
 * more) is no indexed word, look the query up again with each indexed word
 * one edit away from it in its place. */
static int fuzzy(lend_engine *e, const lend_sys_search_query *base, const words *ws, lend__rows *rows)
{
	int32_t found[MAX_WORDS];
	int n = ws->n, typo = -1;
	if (n > 1)
		TRY(known(e, ws->w, n - 1, 0, found));
	TRY(known(e, ws->w + n - 1, 1, base->prefix, found + n - 1));
	for (int i = 0; i < n; i++) {
		if (found[i] || strlen(ws->w[i]) < LEND_FUZZY_MIN_CHARS)
			continue;
		if (typo >= 0)
			return LEND_OK; /* two unknown words: not one typo */
		typo = i;
	}
	if (typo < 0)
		return LEND_OK;
	int last = typo == n - 1 && base->prefix;
	char **v = NULL;
	size_t nv = 0;
	if (lend__fuzzy_variants(ws->w[typo], &v, &nv) != LEND_OK)
		return lend__nomem(e);
	int32_t *vf = nv ? calloc(nv, sizeof *vf) : NULL;
	int rc = nv && !vf ? lend__nomem(e) : LEND_OK;
	if (rc == LEND_OK && nv)
		rc = known(e, (const char *const *)v, (int)nv, last, vf);
	int asked = 0;
	for (size_t k = 0; rc == LEND_OK && k < nv && asked < FUZZY_QUERIES; k++) {
		if (!vf[k])
			continue;
		asked++;
		words fixed = *ws;
		fixed.w[typo] = v[k];
		lend_sys_search_query q = *base;
		q.words = fixed.w;
		collect c = {rows, &fixed, base->prefix, 0, 1};
		rc = lookup(e, &q, &c);
	}
	free(vf);
	lend__fuzzy_free(v);
	return rc;
}

/* Candidates of both spellings of the query, best first, each book once. */
static int candidates(lend_engine *e, const lend_search_query *uq, words *ws, int nws, int prefix, int max_age,
                      int ask, int limit, lend__rows *rows, int *more)
{
	*more = 0;
	lend_sys_search_query q[3];
	for (int v = 0; v < nws; v++) {
		memset(&q[v], 0, sizeof q[v]);
		q[v].words = ws[v].w;
		q[v].nwords = ws[v].n;
		q[v].prefix = prefix;
		q[v].kind = uq->kind;
		q[v].language = uq->language;
		q[v].max_age = max_age;
		q[v].limit = ask;
	}
	for (int v = 0; v < nws; v++) {
		if (v > 0 && rows->n >= (size_t)limit)
			break; /* the text as typed filled the page: no need of its twin */
		collect c = {rows, &ws[v], prefix, 0, 0};
		TRY(lookup(e, &q[v], &c));
		if (!lend__search_lacks(e) && c.got >= ask)
			*more = 1;
	}
	int typo = rows->n == 0; /* nothing in either spelling: a typo? */
	for (int v = 0; v < nws && typo; v++)
		TRY(fuzzy(e, &q[v], &ws[v], rows));
	if (rows->n < 2)
		return LEND_OK;
	/* Each book once, with its better score of the two spellings. */
	cand *x = rows->data;
	qsort(x, rows->n, sizeof(cand), by_book);
	size_t o = 0;
	for (size_t i = 0; i < rows->n; i++) {
		if (o > 0 && x[o - 1].book_id == x[i].book_id) {
			if (x[i].score > x[o - 1].score)
				x[o - 1].score = x[i].score;
		} else {
			x[o++] = x[i];
		}
	}
	qsort(x, o, sizeof(cand), by_score);
	rows->n = o;
	return LEND_OK;
}

/* ---------------------------------------------------------------- hits */

typedef struct asker {
	int64_t reader_id;
	int birth_date;
	int64_t ticket_id; /* his ticket in the chosen library, 0 if none */
} asker;

static int first_ticket_cb(void *ctx, const lend_sys_ticket *row)
{
	int64_t *id = ctx;
	if (!*id)
		*id = row->id;
	return 0;
}

static char *join_authors(const char *names)
{
	size_t n = names ? strlen(names) : 0, extra = 0;
	for (size_t i = 0; i < n; i++)
		extra += names[i] == '\n';
	char *s = malloc(n + extra + 1);
	if (!s)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (names[i] == '\n') {
			s[o++] = ',';
			s[o++] = ' ';
		} else {
			s[o++] = names[i];
		}
	}
	s[o] = '\0';
	return s;
}

static int hit_book_cb(void *ctx, const lend_sys_book *row)
{
	lend_search_hit *h = ctx;
	h->kind = row->kind;
	h->age_rating = row->age_rating;
	h->title = lend__strdup(row->title);
	h->authors = join_authors(row->authors);
	return 0;
}

/* Build the hit of a candidate; *keep = 0 when a filter drops it. */
static int make_hit(lend_engine *e, const lend_search_query *uq, const asker *as, const cand *x,
                    lend_search_hit **out, int *keep)
{
	*keep = 0;
	lend_search_hit *h = calloc(1, sizeof *h);
	if (!h)
		return lend__nomem(e);
	h->book_id = x->book_id;
	h->score = x->score;
	int rc = ST(e, book_get, x->book_id, hit_book_cb, h);
	if (rc == LEND_ENOTFOUND) {
		hit_free(h);
		return LEND_OK; /* an index entry ahead of its book: skip it */
	}
	if (rc != LEND_OK) {
		hit_free(h);
		return lend__storage_fail(e, rc, "book");
	}
	if (!h->title || !h->authors) {
		hit_free(h);
		return lend__nomem(e);
	}
	if (as->reader_id)
		h->too_young = !lend_rules_age_ok(as->birth_date, h->age_rating, lend__ymd(e->now));
	if (as->ticket_id) {
		lend_gathered g;
		rc = lend__gather(e, as->ticket_id, x->book_id, &g);
		if (rc != LEND_OK) {
			hit_free(h);
			return rc;
		}
		lend_rule_verdict rv;
		lend_rules_verdict(&g.in, &rv);
		h->has_verdict = 1;
		h->verdict = rv.verdict;
		h->reason = rv.reason;
	}
	if (uq->available_only && !(h->has_verdict && (h->verdict == LEND_VERDICT_TAKE || h->verdict == LEND_VERDICT_YOURS))) {
		hit_free(h);
		return LEND_OK;
	}
	*out = h;
	*keep = 1;
	return LEND_OK;
}

/* The oldest age rating a reader may take today. */
static int max_age_for(int birth_date, int today)
{
	static const int ratings[] = {18, 16, 12, 6, 0};
	for (size_t i = 0; i < sizeof ratings / sizeof ratings[0]; i++)
		if (lend_rules_age_ok(birth_date, ratings[i], today))
			return ratings[i];
	return 0;
}

/* A c or a k typed last may be the start of "ch" or "kh", which the
 * skeleton spells "ch" and "h" (fold.c): as typed, "McCutc" is "mkutk" and
 * "Chek" is "chek", starting neither "mkutcheon" nor "chehov". Their
 * spelling as the start of the pair ("mkutc", "cheh") is looked up too;
 * *out is NULL when the text does not end so. */
static int unfinished_h(const char *text, const char *folded, char **out)
{
	*out = NULL;
	size_t tn = strlen(text), fn = folded ? strlen(folded) : 0;
	char c = tn ? text[tn - 1] : 0;
	if (c != 'c' && c != 'C' && c != 'k' && c != 'K')
		return LEND_OK;
	if (fn < 1 || folded[fn - 1] != 'k')
		return LEND_OK; /* not the skeleton's k */
	char *x = lend__strdup(folded);
	if (!x)
		return LEND_ENOMEM;
	x[fn - 1] = c == 'c' || c == 'C' ? 'c' /* "c" survives only in "ch" */ : 'h'; /* "kh" is "h" */
	*out = x;
	return LEND_OK;
}

static int run(lend_engine *e, const lend_actor *a, const lend_search_query *uq, int prefix,
               lend_search_results **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	if (!uq)
		return lend__fail(e, LEND_EINVAL, "no query");
	TRY(lend__need_actor(e, a));
	if (uq->available_only && !uq->library_id)
		return lend__fail(e, LEND_EINVAL, "\"available now\" needs a library");
	int limit = uq->limit ? uq->limit : prefix ? 10 : 20;
	lend_search_results *r = calloc(1, sizeof *r);
	if (!r)
		return lend__nomem(e);
	/* The query and its twin typed in the other keyboard layout. */
	const char *text = uq->text ? uq->text : "";
	words ws[3];
	int nws = 0, rc = LEND_OK;
	memset(ws, 0, sizeof ws);
	int scripts = lend__fold_scripts(text);
	int swap = scripts == LEND_FOLD_LATIN      ? LEND_FOLD_TO_CYRILLIC
	           : scripts == LEND_FOLD_CYRILLIC ? LEND_FOLD_TO_LATIN
	                                           : 0;
	char *f[3] = {lend__fold(text, 0), NULL, swap ? lend__fold(text, swap) : NULL};
	if (!f[0] || (swap && !f[2]))
		rc = lend__nomem(e);
	if (f[0] && f[2] && strcmp(f[0], f[2]) == 0) {
		free(f[2]);
		f[2] = NULL;
	}
	if (rc == LEND_OK && prefix && (rc = unfinished_h(text, f[0], &f[1])) != LEND_OK)
		rc = lend__nomem(e);
	for (int v = 0; v < 3; v++) {
		if (rc == LEND_OK && f[v] && *f[v] && split(f[v], &ws[nws]) > 0)
			nws++;
		else
			free(f[v]);
	}
	if (rc != LEND_OK) {
		for (int v = 0; v < nws; v++)
			free(ws[v].folded);
		lend_search_results_free(r);
		return rc;
	}
	asker as = {0, 0, 0};
	int max_age = -1;
	if (nws == 0) {
		*out = r; /* nothing to look for */
		return LEND_OK;
	}
	rc = lend__begin(e, 0);
	int began = rc == LEND_OK;
	if (rc == LEND_OK && a->kind == LEND_ACTOR_READER) {
		lend_sys_reader rd;
		rc = lend__load_reader(e, a->reader_id, &rd);
		as.reader_id = rd.id;
		as.birth_date = rd.birth_date;
		if (rc == LEND_OK && uq->age_appropriate)
			max_age = max_age_for(rd.birth_date, lend__ymd(e->now));
		if (rc == LEND_OK && uq->library_id) {
			rc = ST(e, ticket_list, a->reader_id, uq->library_id, first_ticket_cb, &as.ticket_id);
			if (rc != LEND_OK)
				rc = lend__storage_fail(e, rc, "ticket list");
		}
	}
	lend__rows rows = LEND_ROWS(cand);
	int ask = limit * 4 < 40 ? 40 : limit * 4;
	size_t done = 0; /* candidates already turned into hits or dropped */
	while (rc == LEND_OK) {
		int more = 0;
		rows.n = 0;
		rc = candidates(e, uq, ws, nws, prefix, max_age, ask, limit, &rows, &more);
		for (size_t i = done; rc == LEND_OK && i < rows.n && r->v.n < (size_t)limit; i++) {
			lend_search_hit *h = NULL;
			int keep = 0;
			rc = make_hit(e, uq, &as, &LEND_ROW(rows, cand, i), &h, &keep);
			if (rc == LEND_OK && keep && lend__vec_push(&r->v, h) != LEND_OK) {
				hit_free(h);
				rc = lend__nomem(e);
			}
			done = i + 1;
		}
		if (rc != LEND_OK || r->v.n >= (size_t)limit || !more || ask >= 1 << 20)
			break;
		ask *= 8; /* filters dropped too many: look further */
	}
	lend__rows_free(&rows);
	for (int v = 0; v < nws; v++)
		free(ws[v].folded);
	if (began)
		rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_search_results_free(r);
		return rc;
	}
	*out = r;
	return LEND_OK;
}

LEND_EXTERN int lend_search(lend_engine *e, const lend_actor *a, const lend_search_query *q,
                            lend_search_results **out)
{
	return run(e, a, q, 0, out);
}

LEND_EXTERN int lend_suggest(lend_engine *e, const lend_actor *a, const lend_search_query *q,
                             lend_search_results **out)
{
	return run(e, a, q, 1, out);
}
