/* shelf.c — "My books": a reader's whole shelf across his libraries and
 * tickets, paginated by a keyset cursor, and the reader's cabinet. */
#include <stdio.h>

#include "shelf_int.h"

/* ------------------------------------------------------------- shared */

/* A host's backend written before the shelf lacks its methods. */
const char *lend__shelf_lacks(const lend_engine *e)
{
	LEND_LACKS(e, wallet_insert);
	LEND_LACKS(e, wallet_update);
	LEND_LACKS(e, wallet_find);
	LEND_LACKS(e, wallet_list);
	LEND_LACKS(e, wallet_sum);
	LEND_LACKS(e, wallet_readers);
	LEND_LACKS(e, purchase_insert);
	LEND_LACKS(e, purchase_get);
	LEND_LACKS(e, purchase_list);
	LEND_LACKS(e, purchase_update);
	LEND_LACKS(e, purchase_delete);
	LEND_LACKS(e, deferred_insert);
	LEND_LACKS(e, deferred_list);
	LEND_LACKS(e, deferred_update);
	LEND_LACKS(e, deferred_delete);
	LEND_LACKS(e, reading_get);
	LEND_LACKS(e, reading_put);
	LEND_LACKS(e, reading_list);
	LEND_LACKS(e, reading_delete);
	LEND_LACKS(e, bookmark_insert);
	LEND_LACKS(e, bookmark_get);
	LEND_LACKS(e, bookmark_list);
	LEND_LACKS(e, bookmark_update);
	LEND_LACKS(e, bookmark_delete);
	LEND_LACKS(e, offline_put);
	LEND_LACKS(e, offline_list);
	LEND_LACKS(e, offline_delete);
	LEND_LACKS(e, prefs_get);
	LEND_LACKS(e, prefs_put);
	LEND_LACKS(e, prefs_delete);
	LEND_LACKS(e, mark_get);
	LEND_LACKS(e, mark_put);
	return NULL;
}

int lend__shelf_storage_ok(lend_engine *e)
{
	const char *m = lend__shelf_lacks(e);
	return m ? lend__missing(e, m) : LEND_OK;
}

int lend__shelf_owner(lend_engine *e, const lend_actor *a, int64_t reader_id, int read)
{
	lend_sys_reader r;
	TRY(lend__need_actor(e, a));
	TRY(lend__shelf_storage_ok(e));
	TRY(lend__load_reader(e, reader_id, &r));
	if (read)
		return lend__need_reader_access(e, a, reader_id);
	if (a->kind == LEND_ACTOR_ADMIN || (a->kind == LEND_ACTOR_READER && a->reader_id == reader_id))
		return LEND_OK;
	return lend__fail(e, LEND_EPERM, "only the reader himself may do this");
}

int lend__strs_push(shelf_strs *c, const void *row, const char *text)
{
	char *d = lend__strdup(text ? text : "");
	char **ss = d ? realloc(c->s, (c->rows.n + 1) * sizeof *ss) : NULL;
	if (ss)
		c->s = ss;
	if (!ss || lend__rows_push(&c->rows, row) != 0) {
		free(d);
		c->rows.oom = 1;
		return 1;
	}
	c->s[c->rows.n - 1] = d;
	return 0;
}

void lend__strs_free(shelf_strs *c)
{
	for (size_t i = 0; i < c->rows.n; i++)
		free(c->s[i]);
	free(c->s);
	lend__rows_free(&c->rows);
}

static int purchase_copy_cb(void *ctx, const lend_sys_purchase *row)
{
	lend_sys_purchase *p = ctx;
	*p = *row;
	p->currency = NULL; /* not kept past the callback */
	return 0;
}

int lend__shelf_bought(lend_engine *e, int64_t reader_id, int64_t book_id, lend_sys_purchase *row, int *found)
{
	*found = 0;
	memset(row, 0, sizeof *row);
	int rc = ST(e, purchase_get, reader_id, book_id, purchase_copy_cb, row);
	if (rc == LEND_ENOTFOUND)
		return LEND_OK;
	TRY_ST(e, "purchase", rc);
	*found = 1;
	return LEND_OK;
}

static int first_loan_cb(void *ctx, const lend_sys_loan *row)
{
	*(lend_sys_loan *)ctx = *row;
	return 1;
}

/* How much of a book may be read before borrowing: the catalog's preview
 * fragment (pages or seconds); nothing when the book cannot be read. */
static int preview_of(lend_engine *e, int64_t book_id, int64_t *preview)
{
	lend_sys_book b;
	char cur[4];
	TRY(lend__load_book(e, book_id, &b, cur));
	*preview = b.preview;
	return LEND_OK;
}

int lend__shelf_access(lend_engine *e, int64_t reader_id, int64_t book_id, int64_t position, int *access,
                       lend_sys_loan *loan)
{
	*access = LEND_ACCESS_NONE;
	lend_sys_loan l;
	memset(&l, 0, sizeof l);
	lend_sys_loan_filter lf;
	memset(&lf, 0, sizeof lf);
	lf.reader_id = reader_id;
	lf.book_id = book_id;
	lf.active = 1;
	lf.limit = 1;
	int rc = ST(e, loan_list, &lf, first_loan_cb, &l);
	if (rc != LEND_OK && rc != 1)
		return lend__storage_fail(e, rc, "loan list");
	if (loan)
		*loan = l;
	if (l.id) {
		*access = LEND_ACCESS_LOAN;
		return LEND_OK;
	}
	lend_sys_purchase p;
	int found = 0;
	TRY(lend__shelf_bought(e, reader_id, book_id, &p, &found));
	if (found)
		*access = LEND_ACCESS_BOUGHT;
	else if (position >= 0) {
		int64_t preview = 0;
		TRY(preview_of(e, book_id, &preview));
		if (position < preview)
			*access = LEND_ACCESS_PREVIEW;
	}
	return LEND_OK;
}

/* ----------------------------------------------------------- My books */

#define KEY_SHIFT 44
#define KEY_OF(section, k) (((int64_t)(section) << KEY_SHIFT) | (k))

struct lend_shelf_item {
	int section, kind, origin, end_reason, position, request_state, reason;
	int64_t key, now;
	int64_t book_id, library_id, ticket_id, loan_id, hold_id, request_id;
	int64_t since, due_at, ended_at, wait_until, suspended_until, price;
	char currency[4];
};

struct lend_shelf {
	lend_shelf_item *items;
	size_t n, cap;
	int64_t next;
};

struct query {
	lend_engine *e;
	const lend_actor *a;
	lend_shelf *s;
	int section, kind;
	int64_t library_id;
	int rc;
};

static int wanted(const struct query *q, int section)
{
	return q->section == LEND_SHELF_ALL || q->section == section;
}

static lend_shelf_item *push(struct query *q)
{
	lend_shelf *s = q->s;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		lend_shelf_item *p = realloc(s->items, cap * sizeof *p);
		if (!p) {
			q->rc = LEND_ENOMEM;
			return NULL;
		}
		s->items = p;
		s->cap = cap;
	}
	lend_shelf_item *it = &s->items[s->n++];
	memset(it, 0, sizeof *it);
	it->now = q->e->now;
	return it;
}

/* Loans go to LOANS (active) and to HISTORY (every one). */
static int shelf_loan_cb(void *ctx, const lend_sys_loan *l)
{
	struct query *q = ctx;
	if ((q->kind && l->kind != q->kind) || (q->library_id && l->library_id != q->library_id))
		return 0;
	for (int pass = 0; pass < 2; pass++) {
		int section = pass == 0 ? LEND_SHELF_LOANS : LEND_SHELF_HISTORY;
		if (!wanted(q, section) || (section == LEND_SHELF_LOANS && l->ended_at))
			continue;
		lend_shelf_item *it = push(q);
		if (!it)
			return 1;
		it->section = section;
		it->key = section == LEND_SHELF_LOANS ? KEY_OF(section, l->id)
		                                      : KEY_OF(section, (l->ended_at ? (int64_t)2 << 42 : (int64_t)1 << 42) - l->id);
		it->kind = l->kind;
		it->book_id = l->book_id;
		it->library_id = l->library_id;
		it->ticket_id = l->ticket_id;
		it->loan_id = l->id;
		it->origin = l->origin;
		it->since = l->issued_at;
		it->due_at = l->due_at;
		it->ended_at = l->ended_at;
		it->end_reason = l->end_reason;
	}
	return 0;
}

static int shelf_hold_cb(void *ctx, const lend_sys_hold *h)
{
	struct query *q = ctx;
	if (q->library_id && h->library_id != q->library_id)
		return 0;
	lend_shelf_item *it = push(q);
	if (!it)
		return 1;
	it->section = LEND_SHELF_QUEUE;
	it->key = KEY_OF(LEND_SHELF_QUEUE, h->id);
	it->book_id = h->book_id;
	it->library_id = h->library_id;
	it->ticket_id = h->ticket_id;
	it->hold_id = h->id;
	it->since = h->joined_at;
	it->suspended_until = h->suspended_until > q->e->now ? h->suspended_until : 0;
	return 0;
}

/* Pending requests, and denied ones with their reason. */
static int shelf_request_cb(void *ctx, const lend_sys_request *r)
{
	struct query *q = ctx;
	if ((q->library_id && r->library_id != q->library_id) || r->origin != LEND_REQUEST_BY_READER ||
	    (r->state != LEND_REQUEST_PENDING && r->state != LEND_REQUEST_DENIED))
		return 0;
	lend_shelf_item *it = push(q);
	if (!it)
		return 1;
	it->section = LEND_SHELF_REQUESTS;
	it->key = KEY_OF(LEND_SHELF_REQUESTS, r->id);
	it->book_id = r->book_id;
	it->library_id = r->library_id;
	it->ticket_id = r->ticket_id;
	it->request_id = r->id;
	it->request_state = r->state;
	it->reason = r->state == LEND_REQUEST_DENIED ? r->reason : 0;
	it->since = r->created_at;
	it->ended_at = r->decided_at;
	return 0;
}

static int shelf_purchase_cb(void *ctx, const lend_sys_purchase *p)
{
	struct query *q = ctx;
	lend_shelf_item *it = push(q);
	if (!it)
		return 1;
	it->section = LEND_SHELF_BOUGHT;
	it->key = KEY_OF(LEND_SHELF_BOUGHT, p->id);
	it->book_id = p->book_id;
	it->since = p->bought_at;
	it->price = p->price;
	snprintf(it->currency, sizeof it->currency, "%s", p->currency ? p->currency : "");
	return 0;
}

static int shelf_deferred_cb(void *ctx, const lend_sys_deferred *d)
{
	struct query *q = ctx;
	lend_shelf_item *it = push(q);
	if (!it)
		return 1;
	it->section = LEND_SHELF_DEFERRED;
	it->key = KEY_OF(LEND_SHELF_DEFERRED, d->id);
	it->book_id = d->book_id;
	it->since = d->added_at;
	return 0;
}

static int listing_status(struct query *q, int rc, const char *what)
{
	if (q->rc == LEND_ENOMEM)
		return lend__nomem(q->e);
	if (rc != LEND_OK)
		return lend__storage_fail(q->e, rc, what);
	return LEND_OK;
}

/* Every item of the query, unsorted, kinds filled in. */
static int collect(struct query *q, int64_t reader_id)
{
	lend_engine *e = q->e;
	if (wanted(q, LEND_SHELF_LOANS) || wanted(q, LEND_SHELF_HISTORY)) {
		lend_sys_loan_filter lf;
		memset(&lf, 0, sizeof lf);
		lf.reader_id = reader_id;
		lf.order = LEND_SYS_LOAN_ORDER_SHELF;
		TRY(listing_status(q, ST(e, loan_list, &lf, shelf_loan_cb, q), "loan list"));
	}
	if (wanted(q, LEND_SHELF_QUEUE)) {
		lend_sys_hold_filter hf;
		memset(&hf, 0, sizeof hf);
		hf.reader_id = reader_id;
		hf.state = LEND_HOLD_WAITING;
		TRY(listing_status(q, ST(e, hold_list, &hf, shelf_hold_cb, q), "queue list"));
	}
	if (wanted(q, LEND_SHELF_REQUESTS) && !lend__desk_lacks(e)) {
		lend_sys_request_filter rf;
		memset(&rf, 0, sizeof rf);
		rf.reader_id = reader_id;
		TRY(listing_status(q, ST(e, request_list, &rf, shelf_request_cb, q), "request list"));
	}
	int personal = q->library_id == 0 && q->a->kind != LEND_ACTOR_LIBRARIAN;
	if (personal && wanted(q, LEND_SHELF_BOUGHT))
		TRY(listing_status(q, ST(e, purchase_list, reader_id, 0, 0, shelf_purchase_cb, q), "purchase list"));
	if (personal && wanted(q, LEND_SHELF_DEFERRED))
		TRY(listing_status(q, ST(e, deferred_list, reader_id, 0, 0, shelf_deferred_cb, q), "deferred list"));
	/* The kind of what a loan row does not carry; a librarian's view. */
	size_t keep = 0;
	for (size_t i = 0; i < q->s->n; i++) {
		lend_shelf_item *it = &q->s->items[i];
		if (!it->kind) {
			lend_sys_book b;
			char cur[4];
			TRY(lend__load_book(e, it->book_id, &b, cur));
			it->kind = b.kind;
		}
		int yes = 1;
		if (it->library_id && q->a->kind == LEND_ACTOR_LIBRARIAN)
			TRY(lend__staff_of(e, q->a, it->library_id, &yes));
		if ((q->kind && it->kind != q->kind) || !yes)
			continue;
		q->s->items[keep++] = *it;
	}
	q->s->n = keep;
	return LEND_OK;
}

static int by_key(const void *a, const void *b)
{
	const lend_shelf_item *x = a, *y = b;
	return (x->key > y->key) - (x->key < y->key);
}

LEND_EXTERN int lend_shelf_get(lend_engine *e, const lend_actor *a, int64_t reader_id, int section, int kind,
                               int64_t library_id, int64_t after, int limit, lend_shelf **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	if (section < LEND_SHELF_ALL || section > LEND_SHELF_HISTORY)
		return lend__fail(e, LEND_EINVAL, "unknown shelf section %d", section);
	if (kind < LEND_KIND_ANY || kind > LEND_KIND_AUDIOBOOK)
		return lend__fail(e, LEND_EINVAL, "unknown kind of book %d", kind);
	if (limit < 1 || limit > 1000 || after < 0 || library_id < 0)
		return lend__fail(e, LEND_EINVAL, "limit is 1 to 1000; after and library are >= 0");
	TRY(lend__need_actor(e, a));
	lend_shelf *s = calloc(1, sizeof *s);
	if (!s)
		return lend__nomem(e);
	struct query q = {e, a, s, section, kind, library_id, LEND_OK};
	int rc = lend__begin(e, 0);
	if (rc == LEND_OK)
		rc = lend__shelf_owner(e, a, reader_id, 1);
	if (rc == LEND_OK)
		rc = collect(&q, reader_id);
	if (rc == LEND_OK && s->n) {
		qsort(s->items, s->n, sizeof *s->items, by_key);
		size_t from = 0;
		while (from < s->n && s->items[from].key <= after)
			from++;
		size_t n = s->n - from < (size_t)limit ? s->n - from : (size_t)limit;
		memmove(s->items, s->items + from, n * sizeof *s->items);
		s->next = from + n < s->n && n ? s->items[n - 1].key : 0;
		s->n = n;
		for (size_t i = 0; rc == LEND_OK && i < n; i++) {
			lend_shelf_item *it = &s->items[i];
			if (it->section != LEND_SHELF_QUEUE)
				continue;
			lend_sys_hold h;
			rc = lend__load_hold(e, it->hold_id, &h);
			if (rc == LEND_OK)
				rc = lend__queue_position(e, &h, &it->position, &it->wait_until);
		}
	}
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_shelf_free(s);
		return rc;
	}
	*out = s;
	return LEND_OK;
}

LEND_EXTERN size_t lend_shelf_count(const lend_shelf *s) { return s ? s->n : 0; }
LEND_EXTERN const lend_shelf_item *lend_shelf_get_item(const lend_shelf *s, size_t i)
{
	return s && i < s->n ? &s->items[i] : NULL;
}
LEND_EXTERN int64_t lend_shelf_next(const lend_shelf *s) { return s ? s->next : 0; }
LEND_EXTERN void lend_shelf_free(lend_shelf *s)
{
	if (!s)
		return;
	free(s->items);
	free(s);
}

#define ITEM_GETTER(type, name, expr)                                                                                  \
	LEND_EXTERN type lend_shelf_item_##name(const lend_shelf_item *it) { return it ? (expr) : 0; }
ITEM_GETTER(int, section, it->section)
ITEM_GETTER(int64_t, book_id, it->book_id)
ITEM_GETTER(int, kind, it->kind)
ITEM_GETTER(int64_t, library_id, it->library_id)
ITEM_GETTER(int64_t, ticket_id, it->ticket_id)
ITEM_GETTER(int64_t, loan_id, it->loan_id)
ITEM_GETTER(int, origin, it->origin)
ITEM_GETTER(int64_t, since, it->since)
ITEM_GETTER(int64_t, due_at, it->due_at)
ITEM_GETTER(int, days_left,
            (it->ended_at || it->due_at <= it->now) ? 0 : (int)((it->due_at - it->now + SHELF_DAY - 1) / SHELF_DAY))
ITEM_GETTER(int64_t, ended_at, it->ended_at)
ITEM_GETTER(int, end_reason, it->end_reason)
ITEM_GETTER(int64_t, hold_id, it->hold_id)
ITEM_GETTER(int, position, it->position)
ITEM_GETTER(int64_t, wait_until, it->wait_until)
ITEM_GETTER(int64_t, suspended_until, it->suspended_until)
ITEM_GETTER(int64_t, price, it->price)
ITEM_GETTER(int64_t, request_id, it->request_id)
ITEM_GETTER(int, request_state, it->request_state)
ITEM_GETTER(int, reason, it->reason)
LEND_EXTERN const char *lend_shelf_item_currency(const lend_shelf_item *it) { return it ? it->currency : ""; }

/* ------------------------------------------------------------ cabinet */

struct cabinet_entry {
	lend_ticket *ticket;
	char *library;
	int state;
	lend_limits *limits;
};

struct lend_cabinet {
	struct cabinet_entry *v;
	size_t n;
};

LEND_EXTERN int lend_cabinet_get(lend_engine *e, const lend_actor *a, int64_t reader_id, lend_cabinet **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	/* Built from the public calls, each in its own snapshot. */
	lend_tickets *ts = NULL;
	TRY(lend_ticket_list(e, a, reader_id, &ts));
	lend_cabinet *c = calloc(1, sizeof *c);
	size_t n = lend_tickets_count(ts);
	if (!c || (n && !(c->v = calloc(n, sizeof *c->v)))) {
		free(c);
		lend_tickets_free(ts);
		return lend__nomem(e);
	}
	int64_t now = lend_engine_now(e);
	int rc = LEND_OK;
	for (size_t i = 0; rc == LEND_OK && i < n; i++) {
		const lend_ticket *t = lend_tickets_get(ts, i);
		struct cabinet_entry *ce = &c->v[c->n++];
		lend_library *lib = NULL;
		rc = lend_ticket_get(e, a, lend_ticket_id(t), &ce->ticket);
		if (rc == LEND_OK)
			rc = lend_library_get(e, a, lend_ticket_library_id(t), &lib);
		if (rc == LEND_OK && !(ce->library = lend__strdup(lend_library_name(lib))))
			rc = lend__nomem(e);
		lend_library_free(lib);
		if (rc == LEND_OK)
			rc = lend_limits_get(e, a, lend_ticket_id(t), LEND_KIND_ANY, &ce->limits);
		ce->state = lend_ticket_blocked(t)                                                 ? LEND_TICKET_BLOCKED
		            : lend_ticket_valid_from(t) && now < lend_ticket_valid_from(t)         ? LEND_TICKET_NOT_YET
		            : lend_ticket_valid_until(t) && now >= lend_ticket_valid_until(t)      ? LEND_TICKET_EXPIRED
		                                                                                    : LEND_TICKET_ACTIVE;
	}
	lend_tickets_free(ts);
	if (rc != LEND_OK) {
		lend_cabinet_free(c);
		return rc;
	}
	*out = c;
	return LEND_OK;
}

LEND_EXTERN size_t lend_cabinet_count(const lend_cabinet *c) { return c ? c->n : 0; }
LEND_EXTERN const lend_ticket *lend_cabinet_ticket(const lend_cabinet *c, size_t i)
{
	return c && i < c->n ? c->v[i].ticket : NULL;
}
LEND_EXTERN const char *lend_cabinet_library_name(const lend_cabinet *c, size_t i)
{
	return c && i < c->n && c->v[i].library ? c->v[i].library : "";
}
LEND_EXTERN int lend_cabinet_state(const lend_cabinet *c, size_t i) { return c && i < c->n ? c->v[i].state : 0; }
LEND_EXTERN const lend_limits *lend_cabinet_limits(const lend_cabinet *c, size_t i)
{
	return c && i < c->n ? c->v[i].limits : NULL;
}
LEND_EXTERN void lend_cabinet_free(lend_cabinet *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		lend_ticket_free(c->v[i].ticket);
		free(c->v[i].library);
		lend_limits_free(c->v[i].limits);
	}
	free(c->v);
	free(c);
}
