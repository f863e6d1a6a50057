/* desk.c — the librarian's desk: requests to the librarian, approvals against
 * the budget, denials with reasons, direct issue, renewals, the budget ledger
 * listing (spec sections 2, 3 and 5), and serving the queue places of tickets
 * whose validity began (section 6). */
#include <stdio.h>

#include "desk_int.h"

#define DAY 86400
#define TEXT_MAX 1000

struct lend_request {
	lend_sys_request row; /* row.text points to text */
	char *text;
	int has_context;
	lend_limits limits;
	int64_t price, budget;
	int copies, on_loan, queue;
};

struct lend_requests {
	lend__vec v;
};

struct lend_ledger_entry {
	lend_sys_ledger row; /* row.note points to note */
	char *note;
	int64_t balance;
};

struct lend_ledger {
	lend__vec v;
};

/* ------------------------------------------------------------ handles */

static lend_request *request_from(const lend_sys_request *row)
{
	lend_request *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->row = *row;
	if (!(r->text = lend__strdup(row->text ? row->text : ""))) {
		free(r);
		return NULL;
	}
	r->row.text = r->text;
	return r;
}

LEND_EXTERN void lend_request_free(lend_request *r)
{
	if (!r)
		return;
	free(r->text);
	free(r);
}

static void request_free_item(void *item)
{
	lend_request_free(item);
}

LEND_EXTERN int64_t lend_request_id(const lend_request *r) { return r ? r->row.id : 0; }
LEND_EXTERN int64_t lend_request_ticket_id(const lend_request *r) { return r ? r->row.ticket_id : 0; }
LEND_EXTERN int64_t lend_request_reader_id(const lend_request *r) { return r ? r->row.reader_id : 0; }
LEND_EXTERN int64_t lend_request_library_id(const lend_request *r) { return r ? r->row.library_id : 0; }
LEND_EXTERN int64_t lend_request_book_id(const lend_request *r) { return r ? r->row.book_id : 0; }
LEND_EXTERN int lend_request_state(const lend_request *r) { return r ? r->row.state : 0; }
LEND_EXTERN int lend_request_origin(const lend_request *r) { return r ? r->row.origin : 0; }
LEND_EXTERN int64_t lend_request_created_at(const lend_request *r) { return r ? r->row.created_at : 0; }
LEND_EXTERN int64_t lend_request_decided_at(const lend_request *r) { return r ? r->row.decided_at : 0; }
LEND_EXTERN int64_t lend_request_decided_by(const lend_request *r) { return r ? r->row.decided_by : 0; }
LEND_EXTERN int lend_request_reason(const lend_request *r) { return r ? r->row.reason : 0; }
LEND_EXTERN const char *lend_request_text(const lend_request *r) { return r ? r->text : ""; }
LEND_EXTERN int64_t lend_request_loan_id(const lend_request *r) { return r ? r->row.loan_id : 0; }
LEND_EXTERN int64_t lend_request_hold_id(const lend_request *r) { return r ? r->row.hold_id : 0; }
LEND_EXTERN int lend_request_overridden(const lend_request *r) { return r ? r->row.overridden : 0; }
LEND_EXTERN const lend_limits *lend_request_limits(const lend_request *r)
{
	return r && r->has_context ? &r->limits : NULL;
}
LEND_EXTERN int64_t lend_request_book_price(const lend_request *r) { return r ? r->price : 0; }
LEND_EXTERN int lend_request_copies(const lend_request *r) { return r ? r->copies : 0; }
LEND_EXTERN int lend_request_on_loan(const lend_request *r) { return r ? r->on_loan : 0; }
LEND_EXTERN int lend_request_queue_length(const lend_request *r) { return r ? r->queue : 0; }
LEND_EXTERN int64_t lend_request_budget(const lend_request *r) { return r ? r->budget : 0; }

LEND_EXTERN size_t lend_requests_count(const lend_requests *l) { return l ? l->v.n : 0; }
LEND_EXTERN const lend_request *lend_requests_get(const lend_requests *l, size_t i)
{
	return l && i < l->v.n ? l->v.items[i] : NULL;
}
void lend__desk_vec_free(lend__vec *v, void (*free_item)(void *item))
{
	for (size_t i = 0; i < v->n; i++)
		free_item(v->items[i]);
	free(v->items);
}

LEND_EXTERN void lend_requests_free(lend_requests *l)
{
	if (l)
		lend__desk_vec_free(&l->v, request_free_item);
	free(l);
}

LEND_EXTERN size_t lend_ledger_count(const lend_ledger *l) { return l ? l->v.n : 0; }
LEND_EXTERN const lend_ledger_entry *lend_ledger_get(const lend_ledger *l, size_t i)
{
	return l && i < l->v.n ? l->v.items[i] : NULL;
}
static void entry_free(void *item)
{
	lend_ledger_entry *x = item;
	if (x) {
		free(x->note);
		free(x);
	}
}
LEND_EXTERN void lend_ledger_free(lend_ledger *l)
{
	if (l)
		lend__desk_vec_free(&l->v, entry_free);
	free(l);
}
LEND_EXTERN int64_t lend_ledger_entry_id(const lend_ledger_entry *x) { return x ? x->row.id : 0; }
LEND_EXTERN int64_t lend_ledger_entry_at(const lend_ledger_entry *x) { return x ? x->row.at : 0; }
LEND_EXTERN int64_t lend_ledger_entry_amount(const lend_ledger_entry *x) { return x ? x->row.amount : 0; }
LEND_EXTERN int lend_ledger_entry_kind(const lend_ledger_entry *x) { return x ? x->row.kind : 0; }
LEND_EXTERN int64_t lend_ledger_entry_book_id(const lend_ledger_entry *x) { return x ? x->row.book_id : 0; }
LEND_EXTERN int64_t lend_ledger_entry_actor_id(const lend_ledger_entry *x) { return x ? x->row.actor_id : 0; }
LEND_EXTERN const char *lend_ledger_entry_note(const lend_ledger_entry *x) { return x ? x->note : ""; }
LEND_EXTERN int64_t lend_ledger_entry_balance(const lend_ledger_entry *x) { return x ? x->balance : 0; }

LEND_EXTERN int64_t lend_limits_left(const lend_limits *l, int setting)
{
	if (!l || (setting != LEND_SETTING_SELF_SERVICE_LIMIT && setting != LEND_SETTING_MAX_LOANS &&
	           setting != LEND_SETTING_MAX_REQUESTS && setting != LEND_SETTING_MONTHLY_QUOTA))
		return 0;
	if (l->value[setting] == LEND_UNLIMITED)
		return LEND_UNLIMITED;
	return l->value[setting] > l->used[setting] ? l->value[setting] - l->used[setting] : 0;
}

/* ------------------------------------------------------------ helpers */

/* A host's backend written before the desk lacks its methods. */
const char *lend__desk_lacks(const lend_engine *e)
{
	LEND_LACKS(e, request_insert);
	LEND_LACKS(e, request_update);
	LEND_LACKS(e, request_get);
	LEND_LACKS(e, request_list);
	LEND_LACKS(e, request_count);
	LEND_LACKS(e, renewal_insert);
	LEND_LACKS(e, renewal_get);
	LEND_LACKS(e, ticket_started);
	LEND_LACKS(e, reserve_insert);
	LEND_LACKS(e, reserve_update);
	LEND_LACKS(e, reserve_get);
	LEND_LACKS(e, reserve_list);
	LEND_LACKS(e, reserve_count);
	LEND_LACKS(e, license_insert);
	LEND_LACKS(e, license_update);
	LEND_LACKS(e, license_list);
	LEND_LACKS(e, license_bind);
	LEND_LACKS(e, license_of_loan);
	LEND_LACKS(e, license_loans);
	return NULL;
}

int lend__desk_storage_ok(lend_engine *e)
{
	const char *m = lend__desk_lacks(e);
	return m ? lend__missing(e, m) : LEND_OK;
}

static int request_cb(void *ctx, const lend_sys_request *row)
{
	lend_request **out = ctx;
	*out = request_from(row);
	return *out ? 0 : LEND_ENOMEM;
}

/* Load a request as a handle. */
static int load_request(lend_engine *e, int64_t id, lend_request **out)
{
	*out = NULL;
	int rc = ST(e, request_get, id, request_cb, out);
	if (rc == LEND_ENOTFOUND)
		return lend__fail(e, LEND_ENOTFOUND, "no request %lld", (long long)id);
	if (rc == LEND_ENOMEM || (rc == LEND_OK && !*out))
		return lend__nomem(e);
	TRY_ST(e, "request", rc);
	return LEND_OK;
}

static int write_request(lend_engine *e, lend_sys_request *row, int insert)
{
	int rc = insert ? ST(e, request_insert, row) : ST(e, request_update, row);
	return rc == LEND_OK ? LEND_OK : lend__storage_fail(e, rc, insert ? "request insert" : "request update");
}

static int count_requests(lend_engine *e, const lend_sys_request_filter *f, int64_t *n)
{
	TRY_ST(e, "request count", ST(e, request_count, f, n));
	return LEND_OK;
}

int lend__desk_open_requests(lend_engine *e, int64_t ticket_id, int64_t *n)
{
	*n = 0;
	if (lend__desk_lacks(e))
		return LEND_OK;
	lend_sys_request_filter f;
	memset(&f, 0, sizeof f);
	f.ticket_id = ticket_id;
	f.state = LEND_REQUEST_PENDING;
	return count_requests(e, &f, n);
}

int64_t lend__desk_account(const lend_actor *a)
{
	return a->kind == LEND_ACTOR_ADMIN ? 0 : a->reader_id;
}

int lend__desk_holder_only(lend_engine *e, const lend_actor *a, int64_t reader_id)
{
	if (a->kind == LEND_ACTOR_ADMIN || (a->kind == LEND_ACTOR_READER && a->reader_id == reader_id))
		return LEND_OK;
	return lend__fail(e, LEND_EPERM, "only the card's holder may do this");
}

static int text_arg(lend_engine *e, const char *text, int required)
{
	if (lend__text_ok(text, TEXT_MAX, required) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, required ? "the librarian's words are required: valid UTF-8 text of at "
		                                             "most 1000 bytes without control characters"
		                                           : "the text must be valid UTF-8 of at most 1000 bytes "
		                                             "without control characters");
	return LEND_OK;
}

static int waiting_count(lend_engine *e, int64_t library_id, int64_t book_id, int active_only, int64_t *n)
{
	lend_sys_hold_filter hf;
	memset(&hf, 0, sizeof hf);
	hf.library_id = library_id;
	hf.book_id = book_id;
	hf.state = LEND_HOLD_WAITING;
	*n = 0;
	if (!active_only) {
		TRY_ST(e, "queue count", ST(e, hold_count, &hf, n));
		return LEND_OK;
	}
	lend__rows c = LEND_ROWS(lend_sys_hold);
	TRY(lend__rows_status(e, &c, ST(e, hold_list, &hf, lend__rows_hold_cb, &c), "queue list"));
	for (size_t i = 0; i < c.n; i++)
		if (LEND_ROW(c, lend_sys_hold, i).suspended_until <= e->now)
			(*n)++;
	lend__rows_free(&c);
	return LEND_OK;
}

/* The decision context a librarian needs beside a request. */
static int fill_context(lend_engine *e, lend_request *r)
{
	lend_sys_ticket t;
	lend_sys_book b;
	lend_sys_library lib;
	char bcur[4], lcur[4];
	TRY(lend__load_ticket(e, r->row.ticket_id, &t));
	TRY(lend__load_book(e, r->row.book_id, &b, bcur));
	TRY(lend__load_library(e, r->row.library_id, &lib, lcur));
	TRY(lend__limits_fill(e, &t, b.kind, &r->limits));
	lend_sys_fund f;
	int rc = ST(e, fund_get, r->row.library_id, r->row.book_id, &f);
	if (rc == LEND_ENOTFOUND)
		memset(&f, 0, sizeof f);
	else
		TRY_ST(e, "fund", rc);
	int64_t q = 0;
	TRY(waiting_count(e, r->row.library_id, r->row.book_id, 0, &q));
	r->price = b.price;
	r->budget = lib.budget;
	r->copies = f.copies;
	r->on_loan = f.on_loan;
	r->queue = (int)q;
	r->has_context = 1;
	return LEND_OK;
}

static int64_t request_library(const void *item)
{
	return lend_request_library_id(item);
}

struct collect {
	lend_engine *e;
	lend__vec *v;
	int oom;
};

static int collect_cb(void *ctx, const lend_sys_request *row)
{
	struct collect *c = ctx;
	lend_request *r = request_from(row);
	if (!r || lend__vec_push(c->v, r) != LEND_OK) {
		lend_request_free(r);
		c->oom = 1;
		return 1;
	}
	return 0;
}

static int list_requests(lend_engine *e, const lend_sys_request_filter *f, lend__vec *v)
{
	struct collect c = {e, v, 0};
	int rc = ST(e, request_list, f, collect_cb, &c);
	if (c.oom)
		return lend__nomem(e);
	TRY_ST(e, "request list", rc);
	return LEND_OK;
}

/* ---------------------------------------------------------- requests */

LEND_EXTERN int lend_request_create(lend_engine *e, const lend_actor *a, int64_t ticket_id, int64_t book_id,
                                    lend_request **out)
{
	if (out)
		*out = NULL;
	DESK_ENTER(e, a);
	TRY(lend__begin(e, 1));
	lend_gathered g;
	int rc = lend__gather(e, ticket_id, book_id, &g);
	if (rc == LEND_OK)
		rc = lend__desk_holder_only(e, a, g.ticket.reader_id);
	int64_t dup = 0, open = 0;
	if (rc == LEND_OK) {
		lend_sys_request_filter f;
		memset(&f, 0, sizeof f);
		f.ticket_id = ticket_id;
		f.book_id = book_id;
		f.state = LEND_REQUEST_PENDING;
		rc = count_requests(e, &f, &dup);
		if (rc == LEND_OK)
			rc = lend__desk_open_requests(e, ticket_id, &open);
	}
	if (rc == LEND_OK) {
		int refusal = lend_rules_refusal(&g.in);
		int64_t max = lend_rules_resolve(&g.policy, ticket_id, g.book.kind, LEND_SETTING_MAX_REQUESTS, NULL);
		if (refusal != LEND_REASON_NONE)
			rc = lend__deny(e, refusal, "refused: %s", lend_reason_string(refusal));
		else if (g.in.has_book)
			rc = lend__deny(e, LEND_REASON_ALREADY_YOURS, "refused: you already have this book");
		else if (g.hold_id)
			rc = lend__deny(e, LEND_REASON_ALREADY_QUEUED,
			                "refused: you are in the queue for this book; it comes to you automatically");
		else if (dup)
			rc = lend__deny(e, LEND_REASON_ALREADY_REQUESTED,
			                "refused: your request for this book is already with the librarian");
		else if (max != LEND_UNLIMITED && open >= max)
			rc = lend__deny(e, LEND_REASON_TOO_MANY_REQUESTS,
			                "too many requests at once (%lld of %lld requests open); wait for the librarian's "
			                "answer or cancel one",
			                (long long)open, (long long)max);
	}
	lend_sys_request r;
	memset(&r, 0, sizeof r);
	r.ticket_id = ticket_id;
	r.reader_id = g.ticket.reader_id;
	r.library_id = g.ticket.library_id;
	r.book_id = book_id;
	r.state = LEND_REQUEST_PENDING;
	r.origin = LEND_REQUEST_BY_READER;
	r.created_at = e->now;
	r.text = "";
	if (rc == LEND_OK)
		rc = write_request(e, &r, 1);
	lend_request *h = NULL;
	if (rc == LEND_OK && out && !(h = request_from(&r)))
		rc = lend__nomem(e);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_request_free(h);
		return rc;
	}
	if (out)
		*out = h;
	return LEND_OK;
}

/* Load a pending request for a decision by its library's staff. */
static int load_pending(lend_engine *e, const lend_actor *a, int64_t request_id, lend_request **r)
{
	TRY(load_request(e, request_id, r));
	TRY(lend__need_staff(e, a, (*r)->row.library_id));
	if ((*r)->row.state != LEND_REQUEST_PENDING)
		return lend__fail(e, LEND_ESTATE, "request %lld is no longer pending", (long long)request_id);
	return LEND_OK;
}

LEND_EXTERN int lend_request_cancel(lend_engine *e, const lend_actor *a, int64_t request_id)
{
	DESK_ENTER(e, a);
	TRY(lend__begin(e, 1));
	lend_request *r = NULL;
	int rc = load_request(e, request_id, &r);
	if (rc == LEND_OK)
		rc = lend__desk_holder_only(e, a, r->row.reader_id);
	if (rc == LEND_OK && r->row.state != LEND_REQUEST_PENDING)
		rc = lend__fail(e, LEND_ESTATE, "request %lld is no longer pending", (long long)request_id);
	if (rc == LEND_OK) {
		r->row.state = LEND_REQUEST_CANCELLED;
		r->row.decided_at = e->now;
		rc = write_request(e, &r->row, 0);
	}
	lend_request_free(r);
	return lend__end(e, rc);
}

LEND_EXTERN int lend_request_get(lend_engine *e, const lend_actor *a, int64_t request_id, lend_request **out)
{
	if (out)
		*out = NULL;
	DESK_ENTER(e, a);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	TRY(lend__begin(e, 0));
	lend_request *r = NULL;
	int rc = load_request(e, request_id, &r);
	if (rc == LEND_OK)
		rc = lend__need_reader_or_staff(e, a, r->row.reader_id, r->row.library_id);
	if (rc == LEND_OK && a->kind != LEND_ACTOR_READER)
		rc = fill_context(e, r);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_request_free(r);
		return rc;
	}
	*out = r;
	return LEND_OK;
}

/* A listing of requests: a reader's (f->reader_id; the reader, his
 * libraries' librarians, admin) or a library's pending ones with their
 * decision context (f->library_id; its staff). */
static int request_listing(lend_engine *e, const lend_actor *a, const lend_sys_request_filter *f,
                           lend_requests **out)
{
	lend_requests *l = calloc(1, sizeof *l);
	if (!l)
		return lend__nomem(e);
	int rc = lend__begin(e, 0);
	lend_sys_reader rd;
	lend_sys_library lib;
	char cur[4];
	if (rc == LEND_OK && f->reader_id && (rc = lend__load_reader(e, f->reader_id, &rd)) == LEND_OK)
		rc = lend__need_reader_access(e, a, f->reader_id);
	if (rc == LEND_OK && f->library_id && (rc = lend__need_staff(e, a, f->library_id)) == LEND_OK)
		rc = lend__load_library(e, f->library_id, &lib, cur);
	if (rc == LEND_OK)
		rc = list_requests(e, f, &l->v);
	if (rc == LEND_OK && f->reader_id)
		rc = lend__vec_keep_staffed(e, a, &l->v, request_library, request_free_item);
	for (size_t i = 0; rc == LEND_OK && f->library_id && i < l->v.n; i++)
		rc = fill_context(e, l->v.items[i]);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_requests_free(l);
		return rc;
	}
	*out = l;
	return LEND_OK;
}

LEND_EXTERN int lend_request_list(lend_engine *e, const lend_actor *a, int64_t reader_id, int state,
                                  lend_requests **out)
{
	if (out)
		*out = NULL;
	DESK_ENTER(e, a);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	if (state < 0 || state > LEND_REQUEST_CANCELLED)
		return lend__fail(e, LEND_EINVAL, "unknown request state %d", state);
	if (reader_id <= 0)
		return lend__fail(e, LEND_ENOTFOUND, "no reader %lld", (long long)reader_id);
	lend_sys_request_filter f;
	memset(&f, 0, sizeof f);
	f.reader_id = reader_id;
	f.state = state;
	return request_listing(e, a, &f, out);
}

LEND_EXTERN int lend_request_pending(lend_engine *e, const lend_actor *a, int64_t library_id, int limit,
                                     lend_requests **out)
{
	if (out)
		*out = NULL;
	DESK_ENTER(e, a);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	if (limit < 1 || limit > 1000)
		return lend__fail(e, LEND_EINVAL, "limit must be 1 to 1000");
	if (library_id <= 0)
		return lend__fail(e, LEND_ENOTFOUND, "no library %lld", (long long)library_id);
	lend_sys_request_filter f;
	memset(&f, 0, sizeof f);
	f.library_id = library_id;
	f.state = LEND_REQUEST_PENDING;
	f.limit = limit;
	return request_listing(e, a, &f, out);
}

/* ------------------------------------------------ approve, issue, deny */

enum { FOR_APPROVAL, FOR_DIRECT };

struct provided {
	lend_sys_loan loan; /* loan.id != 0 when issued */
	int64_t hold_id;    /* the queue place when queued */
	int position;
	int overridden; /* the limit a direct issue passed over, 0 if none */
};

/* A limit the reader is at: refused with msg, or passed over and recorded. */
static int at_limit(lend_engine *e, int override, int reason, struct provided *p, const char *msg)
{
	if (override) {
		if (!p->overridden)
			p->overridden = reason;
		return LEND_OK;
	}
	return lend__deny(e, reason, "refused: %s", msg);
}

/* Give the book of g to its reader on a librarian's decision: a free copy,
 * a copy bought from the budget, or (approvals) a place in the queue. */
static int provide(lend_engine *e, const lend_actor *a, lend_gathered *g, int mode, int override, const char *why,
                   struct provided *p)
{
	memset(p, 0, sizeof *p);
	const lend_rule_input *in = &g->in;
	int refusal = lend_rules_refusal(in);
	if (refusal != LEND_REASON_NONE)
		return lend__deny(e, refusal, "refused: %s", lend_reason_string(refusal));
	if (in->has_book)
		return lend__deny(e, LEND_REASON_ALREADY_YOURS, "refused: the reader already has this book");
	int free_copy = in->copies > 0 && in->on_loan < in->copies; /* reserved copies are not free */
	int queue = in->copies > 0 && !free_copy;
	char msg[160];
	if (!queue || mode == FOR_DIRECT) {
		if (in->max_loans != LEND_UNLIMITED && in->loans >= in->max_loans) {
			snprintf(msg, sizeof msg, "loan limit reached (%lld of %lld books on loan)", (long long)in->loans,
			         (long long)in->max_loans);
			TRY(at_limit(e, override, LEND_REASON_MAX_LOANS, p, msg));
		}
		if (in->monthly_quota != LEND_UNLIMITED && in->month_loans >= in->monthly_quota) {
			snprintf(msg, sizeof msg, "monthly quota reached (%lld of %lld books this month)",
			         (long long)in->month_loans, (long long)in->monthly_quota);
			TRY(at_limit(e, override, LEND_REASON_MONTHLY_QUOTA, p, msg));
		}
	}
	if (free_copy)
		return lend__issue(e, g, LEND_ORIGIN_LIBRARIAN, &p->loan);
	if (queue) {
		if (mode == FOR_DIRECT)
			return lend__deny(e, LEND_REASON_NO_FREE_COPY,
			                  "refused: every copy (%d) is on loan; buy a copy or let the reader queue",
			                  g->fund.copies);
		if (g->hold_id) {
			p->hold_id = g->hold_id;
		} else {
			lend_sys_hold h;
			memset(&h, 0, sizeof h);
			h.library_id = g->ticket.library_id;
			h.book_id = g->book.id;
			h.ticket_id = g->ticket.id;
			h.reader_id = g->ticket.reader_id;
			h.joined_at = e->now;
			h.state = LEND_HOLD_WAITING;
			TRY_ST(e, "queue insert", ST(e, hold_insert, &h));
			p->hold_id = h.id;
		}
		lend_sys_hold h;
		TRY(lend__load_hold(e, p->hold_id, &h));
		int64_t wait = 0;
		return lend__queue_position(e, &h, &p->position, &wait);
	}
	/* Not in the fund: buy a copy from the budget and issue it. */
	if (in->max_copies != LEND_UNLIMITED && g->fund.copies >= in->max_copies) {
		snprintf(msg, sizeof msg, "copy limit reached (the library holds %d of at most %lld copies of this title)",
		         g->fund.copies, (long long)in->max_copies);
		TRY(at_limit(e, override, LEND_REASON_COPY_LIMIT, p, msg));
	}
	if (!in->currency_matches)
		return lend__fail(e, LEND_EINVAL, "the book is priced in %s, the budget is in %s", g->book_currency,
		                  g->library_currency);
	TRY(lend__budget_change(e, a, g->ticket.library_id, -g->book.price, LEND_LEDGER_PURCHASE, g->book.id, why));
	g->fund.library_id = g->ticket.library_id;
	g->fund.book_id = g->book.id;
	g->fund.copies++;
	return lend__issue(e, g, LEND_ORIGIN_LIBRARIAN, &p->loan);
}

LEND_EXTERN int lend_request_approve(lend_engine *e, const lend_actor *a, int64_t request_id, lend_request **out)
{
	if (out)
		*out = NULL;
	DESK_ENTER(e, a);
	TRY(lend__begin(e, 1));
	lend_request *r = NULL;
	lend_gathered g;
	struct provided p;
	int rc = load_pending(e, a, request_id, &r);
	if (rc == LEND_OK)
		rc = lend__gather(e, r->row.ticket_id, r->row.book_id, &g);
	if (rc == LEND_OK) {
		char why[80];
		snprintf(why, sizeof why, "bought on approval of request %lld", (long long)request_id);
		rc = provide(e, a, &g, FOR_APPROVAL, 0, why, &p);
	}
	if (rc == LEND_OK) {
		r->row.state = LEND_REQUEST_APPROVED;
		r->row.decided_at = e->now;
		r->row.decided_by = lend__desk_account(a);
		r->row.loan_id = p.loan.id;
		r->row.hold_id = p.hold_id;
		rc = write_request(e, &r->row, 0);
	}
	if (rc == LEND_OK) {
		char detail[160];
		if (p.loan.id)
			snprintf(detail, sizeof detail, "request_id=%lld\noutcome=issued\ndue_at=%lld", (long long)request_id,
			         (long long)p.loan.due_at);
		else
			snprintf(detail, sizeof detail, "request_id=%lld\noutcome=queued\nposition=%d", (long long)request_id,
			         p.position);
		rc = lend__notify(e, LEND_NOTE_REQUEST_APPROVED, r->row.reader_id, r->row.library_id, r->row.book_id,
		                  p.loan.id, detail);
	}
	rc = lend__end(e, rc);
	if (rc != LEND_OK || !out) {
		lend_request_free(r);
		return rc;
	}
	*out = r;
	return LEND_OK;
}

LEND_EXTERN int lend_request_deny(lend_engine *e, const lend_actor *a, int64_t request_id, int reason,
                                  const char *text)
{
	DESK_ENTER(e, a);
	if (reason != LEND_REASON_BUDGET && reason != LEND_REASON_TOO_MANY_REQUESTS &&
	    reason != LEND_REASON_TOO_EXPENSIVE && reason != LEND_REASON_LIBRARIAN)
		return lend__fail(e, LEND_EINVAL,
		                  "a denial's reason is the budget, too many requests, too expensive, or the librarian's words");
	TRY(text_arg(e, text, reason == LEND_REASON_LIBRARIAN));
	TRY(lend__begin(e, 1));
	lend_request *r = NULL;
	int rc = load_pending(e, a, request_id, &r);
	if (rc == LEND_OK) {
		r->row.state = LEND_REQUEST_DENIED;
		r->row.decided_at = e->now;
		r->row.decided_by = lend__desk_account(a);
		r->row.reason = reason;
		r->row.text = text ? text : "";
		rc = write_request(e, &r->row, 0);
	}
	if (rc == LEND_OK) {
		size_t n = 64 + (text ? strlen(text) : 0);
		char *detail = malloc(n);
		if (!detail)
			rc = lend__nomem(e);
		else {
			snprintf(detail, n, "request_id=%lld\nreason=%d%s%s", (long long)request_id, reason,
			         text && *text ? "\ntext=" : "", text && *text ? text : "");
			rc = lend__notify(e, LEND_NOTE_REQUEST_DENIED, r->row.reader_id, r->row.library_id, r->row.book_id,
			                  0, detail);
			free(detail);
		}
	}
	lend_request_free(r);
	return lend__end(e, rc);
}

LEND_EXTERN int lend_issue(lend_engine *e, const lend_actor *a, int64_t ticket_id, int64_t book_id, int override,
                           const char *note, lend_loan **out)
{
	if (out)
		*out = NULL;
	DESK_ENTER(e, a);
	if (override != 0 && override != 1)
		return lend__fail(e, LEND_EINVAL, "override is 0 or 1");
	TRY(text_arg(e, note, 0));
	TRY(lend__begin(e, 1));
	lend_gathered g;
	struct provided p;
	int rc = lend__gather(e, ticket_id, book_id, &g);
	if (rc == LEND_OK)
		rc = lend__need_staff(e, a, g.ticket.library_id);
	if (rc == LEND_OK)
		rc = provide(e, a, &g, FOR_DIRECT, override, "bought for a direct issue", &p);
	if (rc == LEND_OK) {
		lend_sys_request r;
		memset(&r, 0, sizeof r);
		r.ticket_id = ticket_id;
		r.reader_id = g.ticket.reader_id;
		r.library_id = g.ticket.library_id;
		r.book_id = book_id;
		r.state = LEND_REQUEST_APPROVED;
		r.origin = LEND_REQUEST_DIRECT;
		r.created_at = r.decided_at = e->now;
		r.decided_by = lend__desk_account(a);
		r.reason = p.overridden;
		r.overridden = p.overridden != 0;
		r.text = note ? note : "";
		r.loan_id = p.loan.id;
		rc = write_request(e, &r, 1);
	}
	lend_loan *l = NULL;
	if (rc == LEND_OK && out && !(l = lend__loan_from(&p.loan)))
		rc = lend__nomem(e);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_loan_free(l);
		return rc;
	}
	if (out)
		*out = l;
	return LEND_OK;
}

/* ------------------------------------------------------------ renewals */

LEND_EXTERN int lend_renew(lend_engine *e, const lend_actor *a, int64_t loan_id, lend_loan **out)
{
	if (out)
		*out = NULL;
	DESK_ENTER(e, a);
	TRY(lend__begin(e, 1));
	lend_sys_loan loan;
	lend_gathered g;
	int rc = lend__load_loan(e, loan_id, &loan);
	if (rc == LEND_OK)
		rc = lend__need_reader_or_staff(e, a, loan.reader_id, loan.library_id);
	if (rc == LEND_OK && loan.ended_at)
		rc = lend__fail(e, LEND_ESTATE, "loan %lld has already ended", (long long)loan_id);
	if (rc == LEND_OK)
		rc = lend__gather(e, loan.ticket_id, loan.book_id, &g);
	lend_sys_renewal ren;
	int64_t waiting = 0;
	if (rc == LEND_OK) {
		int renewed = ST(e, renewal_get, loan_id, &ren);
		if (renewed != LEND_OK && renewed != LEND_ENOTFOUND)
			rc = lend__storage_fail(e, renewed, "renewal");
		else
			rc = waiting_count(e, loan.library_id, loan.book_id, 1, &waiting);
		int refusal = lend_rules_refusal(&g.in);
		if (rc != LEND_OK)
			;
		else if (lend_rules_resolve(&g.policy, loan.ticket_id, g.book.kind, LEND_SETTING_RENEWALS, NULL) != 1)
			rc = lend__deny(e, LEND_REASON_RENEWALS_OFF, "refused: this library does not renew loans");
		else if (refusal != LEND_REASON_NONE && refusal != LEND_REASON_NOT_RELEASED)
			rc = lend__deny(e, refusal, "refused: %s", lend_reason_string(refusal));
		else if (renewed == LEND_OK)
			rc = lend__deny(e, LEND_REASON_ALREADY_RENEWED, "refused: a loan is renewed once at most (1 of 1 used)");
		else if (waiting > 0)
			rc = lend__deny(e, LEND_REASON_SOMEONE_WAITS, "refused: %lld reader%s waiting for this book",
			                (long long)waiting, waiting == 1 ? " is" : "s are");
	}
	if (rc == LEND_OK) {
		int64_t days = lend_rules_resolve(&g.policy, loan.ticket_id, g.book.kind, LEND_SETTING_LOAN_DAYS, NULL);
		memset(&ren, 0, sizeof ren);
		ren.loan_id = loan_id;
		ren.at = e->now;
		ren.old_due_at = loan.due_at;
		ren.new_due_at = loan.due_at + days * DAY;
		ren.actor_id = lend__desk_account(a);
		loan.due_at = ren.new_due_at;
		if ((rc = ST(e, renewal_insert, &ren)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "renewal insert");
		else if ((rc = ST(e, loan_update, &loan)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "loan update");
	}
	if (rc == LEND_OK) {
		char detail[64];
		snprintf(detail, sizeof detail, "due_at=%lld", (long long)loan.due_at);
		rc = lend__notify(e, LEND_NOTE_LOAN_RENEWED, loan.reader_id, loan.library_id, loan.book_id, loan.id,
		                  detail);
	}
	lend_loan *l = NULL;
	if (rc == LEND_OK && out && !(l = lend__loan_from(&loan)))
		rc = lend__nomem(e);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_loan_free(l);
		return rc;
	}
	if (out)
		*out = l;
	return LEND_OK;
}

/* ----------------------------------------------------------- the ledger */

LEND_EXTERN int lend_budget_correct(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t amount,
                                    const char *note)
{
	LEND_ENTER(e);
	if (amount == 0 || amount < -(INT64_MAX / 4) || amount > INT64_MAX / 4)
		return lend__fail(e, LEND_EINVAL, "a correction is a non-zero amount");
	if (lend__text_ok(note, 500, 1) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "a correction needs its reason: valid UTF-8 of at most 500 bytes");
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	int rc = lend__need_staff(e, a, library_id);
	lend_sys_library lib;
	char cur[4];
	if (rc == LEND_OK)
		rc = lend__load_library(e, library_id, &lib, cur);
	if (rc == LEND_OK)
		rc = lend__budget_change(e, a, library_id, amount, LEND_LEDGER_CORRECTION, 0, note);
	return lend__end(e, rc);
}

struct ledger_walk {
	lend__vec *v;
	int64_t from, balance;
	int oom;
};

static int ledger_cb(void *ctx, const lend_sys_ledger *row)
{
	struct ledger_walk *w = ctx;
	w->balance += row->amount;
	if (row->at < w->from)
		return 0;
	lend_ledger_entry *x = calloc(1, sizeof *x);
	if (x && !(x->note = lend__strdup(row->note ? row->note : ""))) {
		free(x);
		x = NULL;
	}
	if (!x || lend__vec_push(w->v, x) != LEND_OK) {
		entry_free(x);
		w->oom = 1;
		return 1;
	}
	x->row = *row;
	x->row.note = x->note;
	x->balance = w->balance;
	return 0;
}

LEND_EXTERN int lend_ledger_list(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t from, int64_t to,
                                 lend_ledger **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	if (from < 0 || to < 0 || (to && to <= from))
		return lend__fail(e, LEND_EINVAL, "a period ends after it starts");
	TRY(lend__need_actor(e, a));
	lend_ledger *l = calloc(1, sizeof *l);
	if (!l)
		return lend__nomem(e);
	int rc = lend__begin(e, 0);
	if (rc == LEND_OK)
		rc = lend__need_staff(e, a, library_id);
	lend_sys_library lib;
	char cur[4];
	if (rc == LEND_OK)
		rc = lend__load_library(e, library_id, &lib, cur);
	/* From the first entry, so that each carries the balance after it. */
	struct ledger_walk w = {&l->v, from, 0, 0};
	if (rc == LEND_OK) {
		rc = ST(e, ledger_list, library_id, INT64_MIN, to, ledger_cb, &w);
		if (w.oom)
			rc = lend__nomem(e);
		else if (rc != LEND_OK)
			rc = lend__storage_fail(e, rc, "ledger list");
	}
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_ledger_free(l);
		return rc;
	}
	*out = l;
	return LEND_OK;
}

/* ------------------------------------------------------- wait estimates */

/* The estimate of a queue place (circulation.c) assumes each loan ahead
 * runs to its due time unless the library's history says otherwise: over
 * its last FINISH_SAMPLE ended loans (newest first), readers kept a loan
 * sum(ended - issued) / sum(due - issued) of its period. With at least
 * FINISH_MIN of them, loans ahead are expected to end that share of their
 * period after issue (never before now), and each reader ahead to keep his
 * copy that share of a loan period; the share is kept within 10%..100%. */
#define FINISH_SAMPLE 200
#define FINISH_MIN 20

struct finish_sum {
	int64_t kept, period, n;
};

static int finish_cb(void *ctx, const lend_sys_loan *l)
{
	struct finish_sum *s = ctx;
	if (l->ended_at > l->issued_at && l->due_at > l->issued_at) {
		s->kept += (l->ended_at < l->due_at ? l->ended_at : l->due_at) - l->issued_at;
		s->period += l->due_at - l->issued_at;
		s->n++;
	}
	return 0;
}

int lend__desk_finish_permille(lend_engine *e, int64_t library_id, int64_t *permille)
{
	if (e->finish_library == library_id && library_id) {
		*permille = e->finish_permille;
		return LEND_OK;
	}
	*permille = 1000;
	lend_sys_loan_filter lf;
	memset(&lf, 0, sizeof lf);
	lf.library_id = library_id;
	lf.active = 2;
	lf.order = LEND_SYS_LOAN_ORDER_SHELF;
	lf.limit = FINISH_SAMPLE;
	struct finish_sum s = {0, 0, 0};
	TRY_ST(e, "loan list", ST(e, loan_list, &lf, finish_cb, &s));
	if (s.n >= FINISH_MIN && s.period > 0) {
		int64_t p = s.kept / (s.period / 1000 > 0 ? s.period / 1000 : 1);
		*permille = p < 100 ? 100 : p > 1000 ? 1000 : p;
	}
	e->finish_library = library_id;
	e->finish_permille = *permille;
	return LEND_OK;
}

/* ---------------------------------------------------- settle and check */

static int flag_cb(void *ctx, const lend_sys_ticket *row)
{
	(void)row;
	*(int *)ctx = 1;
	return 1;
}

static int started_cb(void *ctx, const lend_sys_ticket *row)
{
	return lend__rows_push(ctx, &row->id);
}

int lend__desk_settle_needed(lend_engine *e, int *needed)
{
	TRY(lend__desk_license_settle_needed(e, needed));
	if (!*needed)
		TRY(lend__desk_reserve_settle_needed(e, needed));
	if (*needed || lend__desk_lacks(e) || !e->desk_started_seen)
		return LEND_OK; /* the first call's daily sweep covers every ticket */
	int rc = ST(e, ticket_started, e->desk_started_seen, e->now, flag_cb, needed);
	if (rc != LEND_OK && rc != 1)
		return lend__storage_fail(e, rc, "ticket list");
	return LEND_OK;
}

int lend__desk_settle(lend_engine *e)
{
	TRY(lend__desk_reserve_settle(e));
	e->desk_started_seeing = e->now;
	if (lend__desk_lacks(e) || e->sweeping_day || !e->desk_started_seen)
		return LEND_OK; /* the daily sweep just served every idle copy */
	lend__rows c = LEND_ROWS(int64_t);
	int rc = lend__rows_status(e, &c, ST(e, ticket_started, e->desk_started_seen, e->now, started_cb, &c),
	                           "ticket list");
	for (size_t i = 0; rc == LEND_OK && i < c.n; i++)
		rc = lend__dispatch_ticket(e, LEND_ROW(c, int64_t, i), &e->settled_handoffs);
	lend__rows_free(&c);
	return rc;
}

void lend__desk_committed(lend_engine *e)
{
	if (e->desk_started_seeing > e->desk_started_seen)
		e->desk_started_seen = e->desk_started_seeing;
	e->desk_started_seeing = 0;
}

struct check_walk {
	lend_report *rep;
	lend__rows issued; /* approved requests with a loan, checked after the walk */
	int oom;
};

static int check_cb(void *ctx, const lend_sys_request *r)
{
	struct check_walk *w = ctx;
	int rc = LEND_OK;
	if (r->state < LEND_REQUEST_PENDING || r->state > LEND_REQUEST_CANCELLED)
		rc = lend__report_add(w->rep, "request %lld has an unknown state %d", (long long)r->id, r->state);
	else if (r->state == LEND_REQUEST_APPROVED && !r->loan_id && !r->hold_id)
		rc = lend__report_add(w->rep, "approved request %lld led to neither a loan nor a queue place",
		                      (long long)r->id);
	else if (r->state == LEND_REQUEST_DENIED && r->reason == LEND_REASON_NONE)
		rc = lend__report_add(w->rep, "denied request %lld has no reason", (long long)r->id);
	else if (r->state == LEND_REQUEST_APPROVED && r->loan_id) {
		lend_sys_request k = *r;
		k.text = NULL;
		return lend__rows_push(&w->issued, &k);
	}
	if (rc != LEND_OK)
		w->oom = 1;
	return rc != LEND_OK;
}

/* Every request's state is known; an approval led to a loan or a queue place;
 * a request's loan is of its ticket and book; a denial names its reason. */
int lend__desk_check(lend_engine *e, lend_report *rep)
{
	if (lend__desk_lacks(e))
		return LEND_OK;
	lend_sys_request_filter f;
	memset(&f, 0, sizeof f);
	struct check_walk w = {rep, LEND_ROWS(lend_sys_request), 0};
	int rc = ST(e, request_list, &f, check_cb, &w);
	if (w.oom || w.issued.oom)
		rc = lend__nomem(e);
	else if (rc != LEND_OK)
		rc = lend__storage_fail(e, rc, "request list");
	for (size_t i = 0; rc == LEND_OK && i < w.issued.n; i++) {
		const lend_sys_request *r = &LEND_ROW(w.issued, lend_sys_request, i);
		lend_sys_loan l;
		rc = lend__load_loan(e, r->loan_id, &l);
		if (rc == LEND_ENOTFOUND) {
			lend__clear(e);
			rc = lend__report_add(rep, "request %lld names loan %lld, which does not exist", (long long)r->id,
			                      (long long)r->loan_id);
		} else if (rc == LEND_OK && (l.ticket_id != r->ticket_id || l.book_id != r->book_id))
			rc = lend__report_add(rep, "request %lld names loan %lld of another ticket or book", (long long)r->id,
			                      (long long)r->loan_id);
		if (rc == LEND_ENOMEM)
			rc = lend__nomem(e);
	}
	lend__rows_free(&w.issued);
	if (rc == LEND_OK)
		rc = lend__desk_reserve_check(e, rep);
	return rc == LEND_OK ? lend__desk_license_check(e, rep) : rc;
}

/* ------------------------------------------------------ merging accounts */

static void requests_free(lend__vec *v)
{
	for (size_t i = 0; i < v->n; i++)
		lend_request_free(v->items[i]);
	free(v->items);
	memset(v, 0, sizeof *v);
}

/* Reader `from`'s requests become `to`'s. Both asked for the same book at
 * the same library: the earlier pending request stays, the later one ends
 * as cancelled. Reservations follow their reader (desk_reserve.c). */
int lend__desk_merge_readers(lend_engine *e, int64_t from, int64_t to)
{
	if (lend__desk_lacks(e))
		return LEND_OK;
	lend_sys_request_filter f;
	memset(&f, 0, sizeof f);
	f.reader_id = from;
	lend__vec v = {0};
	int rc = list_requests(e, &f, &v);
	for (size_t i = 0; rc == LEND_OK && i < v.n; i++) {
		lend_request *r = v.items[i];
		r->row.reader_id = to;
		if ((rc = ST(e, request_update, &r->row)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "request update");
	}
	requests_free(&v);
	if (rc != LEND_OK)
		return rc;
	f.reader_id = to;
	f.state = LEND_REQUEST_PENDING;
	TRY(list_requests(e, &f, &v));
	for (size_t i = 0; rc == LEND_OK && i < v.n; i++) {
		lend_request *x = v.items[i];
		int later = 0;
		for (size_t j = 0; j < i && !later; j++) {
			const lend_request *y = v.items[j];
			later = y->row.state == LEND_REQUEST_PENDING && y->row.library_id == x->row.library_id &&
			        y->row.book_id == x->row.book_id;
		}
		if (!later)
			continue;
		x->row.state = LEND_REQUEST_CANCELLED;
		x->row.decided_at = e->now;
		if ((rc = ST(e, request_update, &x->row)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "request update");
	}
	requests_free(&v);
	if (rc != LEND_OK)
		return rc;
	return lend__desk_reserves_merge(e, from, to);
}
