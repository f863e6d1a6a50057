/* desk_reserve.c — hand-off mode "reserve" (spec sections 2 and 6): a freed
 * copy is held for the first eligible waiting reader for RESERVE_DAYS; he
 * confirms (the loan starts) or lets it lapse (he leaves the queue and the
 * copy passes on). */
#include <stdio.h>

#include "desk_int.h"

#define DAY 86400

struct lend_reserve {
	lend_sys_reserve row;
};

struct lend_reserves {
	lend__vec v;
};

LEND_EXTERN int64_t lend_reserve_id(const lend_reserve *r) { return r ? r->row.id : 0; }
LEND_EXTERN int64_t lend_reserve_library_id(const lend_reserve *r) { return r ? r->row.library_id : 0; }
LEND_EXTERN int64_t lend_reserve_book_id(const lend_reserve *r) { return r ? r->row.book_id : 0; }
LEND_EXTERN int64_t lend_reserve_hold_id(const lend_reserve *r) { return r ? r->row.hold_id : 0; }
LEND_EXTERN int64_t lend_reserve_ticket_id(const lend_reserve *r) { return r ? r->row.ticket_id : 0; }
LEND_EXTERN int64_t lend_reserve_reader_id(const lend_reserve *r) { return r ? r->row.reader_id : 0; }
LEND_EXTERN int64_t lend_reserve_created_at(const lend_reserve *r) { return r ? r->row.created_at : 0; }
LEND_EXTERN int64_t lend_reserve_expires_at(const lend_reserve *r) { return r ? r->row.expires_at : 0; }
LEND_EXTERN int lend_reserve_state(const lend_reserve *r) { return r ? r->row.state : 0; }
LEND_EXTERN int64_t lend_reserve_ended_at(const lend_reserve *r) { return r ? r->row.ended_at : 0; }
LEND_EXTERN int64_t lend_reserve_loan_id(const lend_reserve *r) { return r ? r->row.loan_id : 0; }
LEND_EXTERN void lend_reserve_free(lend_reserve *r) { free(r); }
LEND_EXTERN size_t lend_reserves_count(const lend_reserves *l) { return l ? l->v.n : 0; }
LEND_EXTERN const lend_reserve *lend_reserves_get(const lend_reserves *l, size_t i)
{
	return l && i < l->v.n ? l->v.items[i] : NULL;
}
LEND_EXTERN void lend_reserves_free(lend_reserves *l)
{
	if (l)
		lend__desk_vec_free(&l->v, free);
	free(l);
}

static int copy_reserve(void *ctx, const lend_sys_reserve *row)
{
	*(lend_sys_reserve *)ctx = *row;
	return 0;
}

static int load_reserve(lend_engine *e, int64_t id, lend_sys_reserve *r)
{
	memset(r, 0, sizeof *r);
	TRY_ST(e, "reservation", ST(e, reserve_get, id, copy_reserve, r));
	return LEND_OK;
}

static int write_reserve(lend_engine *e, lend_sys_reserve *r, int insert)
{
	int rc = insert ? ST(e, reserve_insert, r) : ST(e, reserve_update, r);
	return rc == LEND_OK ? LEND_OK : lend__storage_fail(e, rc, insert ? "reservation insert" : "reservation update");
}

static int push_reserve(void *ctx, const lend_sys_reserve *row)
{
	return lend__rows_push(ctx, row);
}

static int collect_reserves(lend_engine *e, const lend_sys_reserve_filter *f, lend__rows *c)
{
	*c = (lend__rows)LEND_ROWS(lend_sys_reserve);
	return lend__rows_status(e, c, ST(e, reserve_list, f, push_reserve, c), "reservation list");
}

int lend__desk_reserved(lend_engine *e, int64_t library_id, int64_t book_id, int *n)
{
	*n = 0;
	if (lend__desk_lacks(e))
		return LEND_OK;
	lend_sys_reserve_filter f;
	memset(&f, 0, sizeof f);
	f.library_id = library_id;
	f.book_id = book_id;
	f.state = LEND_RESERVE_ACTIVE;
	int64_t c = 0;
	TRY_ST(e, "reservation count", ST(e, reserve_count, &f, &c));
	*n = (int)c;
	return LEND_OK;
}

int lend__desk_handoff(lend_engine *e, lend_gathered *g, int *served)
{
	*served = 0;
	int64_t mode = lend_rules_resolve(&g->policy, g->ticket.id, g->book.kind, LEND_SETTING_HANDOFF_MODE, NULL);
	if (!lend__desk_lacks(e)) {
		lend_sys_reserve_filter f;
		memset(&f, 0, sizeof f);
		f.hold_id = g->hold_id;
		f.state = LEND_RESERVE_ACTIVE;
		int64_t held = 0;
		TRY_ST(e, "reservation count", ST(e, reserve_count, &f, &held));
		if (held)
			return LEND_OK; /* a copy waits for him already */
	}
	if (mode != 1 || lend__desk_lacks(e)) {
		lend_sys_loan loan;
		TRY(lend__issue(e, g, LEND_ORIGIN_QUEUE, &loan));
		*served = 1;
		return LEND_OK;
	}
	int64_t days = lend_rules_resolve(&g->policy, g->ticket.id, g->book.kind, LEND_SETTING_RESERVE_DAYS, NULL);
	lend_sys_reserve r;
	memset(&r, 0, sizeof r);
	r.library_id = g->ticket.library_id;
	r.book_id = g->book.id;
	r.hold_id = g->hold_id;
	r.ticket_id = g->ticket.id;
	r.reader_id = g->ticket.reader_id;
	r.created_at = e->now;
	r.expires_at = e->now + days * DAY;
	r.state = LEND_RESERVE_ACTIVE;
	TRY(write_reserve(e, &r, 1));
	char detail[96];
	snprintf(detail, sizeof detail, "reserve_id=%lld\nexpires_at=%lld", (long long)r.id, (long long)r.expires_at);
	TRY(lend__notify(e, LEND_NOTE_RESERVE_WAITING, r.reader_id, r.library_id, r.book_id, 0, detail));
	*served = 1;
	return LEND_OK;
}

/* End an active reservation: its place leaves the queue (unless it was
 * left already) and the copy passes on. */
static int end_reserve(lend_engine *e, lend_sys_reserve *r, int state, int64_t when)
{
	r->state = state;
	r->ended_at = when;
	TRY(write_reserve(e, r, 0));
	lend_sys_hold h;
	TRY(lend__load_hold(e, r->hold_id, &h));
	if (h.state == LEND_HOLD_WAITING) {
		h.state = LEND_HOLD_LEFT;
		h.ended_at = when;
		TRY_ST(e, "queue update", ST(e, hold_update, &h));
	}
	if (state == LEND_RESERVE_LAPSED) {
		char detail[64];
		snprintf(detail, sizeof detail, "reserve_id=%lld", (long long)r->id);
		TRY(lend__notify(e, LEND_NOTE_RESERVE_LAPSED, r->reader_id, r->library_id, r->book_id, 0, detail));
	}
	int64_t n = 0;
	return lend__dispatch(e, r->library_id, r->book_id, &n);
}

int lend__desk_reserve_trim(lend_engine *e, const lend_sys_fund *f)
{
	if (lend__desk_lacks(e))
		return LEND_OK;
	lend_sys_reserve_filter rf;
	memset(&rf, 0, sizeof rf);
	rf.library_id = f->library_id;
	rf.book_id = f->book_id;
	rf.state = LEND_RESERVE_ACTIVE;
	lend__rows c;
	TRY(collect_reserves(e, &rf, &c));
	int rc = LEND_OK;
	for (size_t i = c.n; rc == LEND_OK && i > 0 && f->on_loan + (int)i > f->copies; i--) {
		lend_sys_reserve *r = &LEND_ROW(c, lend_sys_reserve, i - 1);
		r->state = LEND_RESERVE_CANCELLED;
		r->ended_at = e->now;
		rc = write_reserve(e, r, 0);
	}
	lend__rows_free(&c);
	return rc;
}

int lend__desk_hold_left(lend_engine *e, const lend_sys_hold *h)
{
	if (lend__desk_lacks(e))
		return LEND_OK;
	lend_sys_reserve_filter f;
	memset(&f, 0, sizeof f);
	f.hold_id = h->id;
	f.state = LEND_RESERVE_ACTIVE;
	lend__rows c;
	TRY(collect_reserves(e, &f, &c));
	int rc = LEND_OK;
	for (size_t i = 0; rc == LEND_OK && i < c.n; i++)
		rc = end_reserve(e, &LEND_ROW(c, lend_sys_reserve, i), LEND_RESERVE_CANCELLED, e->now);
	lend__rows_free(&c);
	return rc;
}

static void expired_filter(lend_engine *e, lend_sys_reserve_filter *f, int limit)
{
	memset(f, 0, sizeof *f);
	f->state = LEND_RESERVE_ACTIVE;
	f->expires_before = e->now;
	f->limit = limit;
}

int lend__desk_reserve_settle_needed(lend_engine *e, int *needed)
{
	if (lend__desk_lacks(e))
		return LEND_OK;
	lend_sys_reserve_filter f;
	expired_filter(e, &f, 1);
	int64_t n = 0;
	TRY_ST(e, "reservation count", ST(e, reserve_count, &f, &n));
	*needed = n > 0;
	return LEND_OK;
}

int lend__desk_reserve_settle(lend_engine *e)
{
	if (lend__desk_lacks(e))
		return LEND_OK;
	lend_sys_reserve_filter f;
	expired_filter(e, &f, 0);
	lend__rows c;
	TRY(collect_reserves(e, &f, &c));
	int rc = LEND_OK;
	for (size_t i = 0; rc == LEND_OK && i < c.n; i++)
		rc = end_reserve(e, &LEND_ROW(c, lend_sys_reserve, i), LEND_RESERVE_LAPSED,
		                 LEND_ROW(c, lend_sys_reserve, i).expires_at);
	lend__rows_free(&c);
	return rc;
}

/* Load an active reservation that the actor (its reader or admin) may act on. */
static int load_active(lend_engine *e, const lend_actor *a, int64_t id, lend_sys_reserve *r)
{
	TRY(load_reserve(e, id, r));
	TRY(lend__desk_holder_only(e, a, r->reader_id));
	if (r->state != LEND_RESERVE_ACTIVE)
		return lend__fail(e, LEND_ESTATE, "reservation %lld is no longer active", (long long)id);
	return LEND_OK;
}

LEND_EXTERN int lend_reserve_confirm(lend_engine *e, const lend_actor *a, int64_t reserve_id, lend_loan **out)
{
	if (out)
		*out = NULL;
	DESK_ENTER(e, a);
	TRY(lend__begin(e, 1));
	lend_sys_reserve r;
	lend_gathered g;
	lend_sys_loan loan;
	int rc = load_active(e, a, reserve_id, &r);
	if (rc == LEND_OK) {
		r.state = LEND_RESERVE_CONFIRMED;
		r.ended_at = e->now;
		rc = write_reserve(e, &r, 0);
	}
	if (rc == LEND_OK)
		rc = lend__gather(e, r.ticket_id, r.book_id, &g);
	if (rc == LEND_OK) {
		int why = lend_rules_handoff(&g.in);
		if (why != LEND_REASON_NONE)
			rc = lend__deny(e, why, "refused: %s; the copy stays reserved until %lld", lend_reason_string(why),
			                (long long)r.expires_at);
	}
	if (rc == LEND_OK) {
		g.hold_id = r.hold_id;
		rc = lend__issue(e, &g, LEND_ORIGIN_QUEUE, &loan);
	}
	if (rc == LEND_OK) {
		r.loan_id = loan.id;
		rc = write_reserve(e, &r, 0);
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

LEND_EXTERN int lend_reserve_decline(lend_engine *e, const lend_actor *a, int64_t reserve_id)
{
	DESK_ENTER(e, a);
	TRY(lend__begin(e, 1));
	lend_sys_reserve r;
	int rc = load_active(e, a, reserve_id, &r);
	if (rc == LEND_OK)
		rc = end_reserve(e, &r, LEND_RESERVE_CANCELLED, e->now);
	return lend__end(e, rc);
}

static int push_handle(lend_engine *e, lend__vec *v, const lend_sys_reserve *row)
{
	lend_reserve *h = malloc(sizeof *h);
	if (!h || lend__vec_push(v, h) != LEND_OK) {
		free(h);
		return lend__nomem(e);
	}
	h->row = *row;
	return LEND_OK;
}

LEND_EXTERN int lend_reserve_get(lend_engine *e, const lend_actor *a, int64_t reserve_id, lend_reserve **out)
{
	if (out)
		*out = NULL;
	DESK_ENTER(e, a);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	TRY(lend__begin(e, 0));
	lend_sys_reserve r;
	int rc = load_reserve(e, reserve_id, &r);
	if (rc == LEND_OK)
		rc = lend__need_reader_or_staff(e, a, r.reader_id, r.library_id);
	rc = lend__end(e, rc);
	if (rc == LEND_OK && !(*out = malloc(sizeof **out)))
		rc = lend__nomem(e);
	if (rc == LEND_OK)
		(*out)->row = r;
	return rc;
}

static int64_t reserve_library(const void *item)
{
	return lend_reserve_library_id(item);
}

LEND_EXTERN int lend_reserve_list(lend_engine *e, const lend_actor *a, int64_t reader_id, int active_only,
                                  lend_reserves **out)
{
	if (out)
		*out = NULL;
	DESK_ENTER(e, a);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	lend_reserves *l = calloc(1, sizeof *l);
	if (!l)
		return lend__nomem(e);
	int rc = lend__begin(e, 0);
	lend_sys_reader rd;
	if (rc == LEND_OK)
		rc = lend__load_reader(e, reader_id, &rd);
	if (rc == LEND_OK)
		rc = lend__need_reader_access(e, a, reader_id);
	lend_sys_reserve_filter f;
	memset(&f, 0, sizeof f);
	f.reader_id = reader_id;
	f.state = active_only ? LEND_RESERVE_ACTIVE : 0;
	lend__rows c = LEND_ROWS(lend_sys_reserve);
	if (rc == LEND_OK)
		rc = collect_reserves(e, &f, &c);
	for (size_t i = 0; rc == LEND_OK && i < c.n; i++)
		rc = push_handle(e, &l->v, &LEND_ROW(c, lend_sys_reserve, i));
	lend__rows_free(&c);
	if (rc == LEND_OK)
		rc = lend__vec_keep_staffed(e, a, &l->v, reserve_library, free);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_reserves_free(l);
		return rc;
	}
	*out = l;
	return LEND_OK;
}

/* Reservations: an active one is of a waiting place, not past its time, and
 * with the loans it never holds more copies than the fund owns. */
int lend__desk_reserve_check(lend_engine *e, lend_report *rep)
{
	if (lend__desk_lacks(e))
		return LEND_OK;
	lend_sys_reserve_filter f;
	memset(&f, 0, sizeof f);
	f.state = LEND_RESERVE_ACTIVE;
	lend__rows c;
	TRY(collect_reserves(e, &f, &c));
	int rc = LEND_OK;
	for (size_t i = 0; rc == LEND_OK && i < c.n; i++) {
		const lend_sys_reserve *r = &LEND_ROW(c, lend_sys_reserve, i);
		lend_sys_hold h;
		lend_sys_fund fund;
		int reserved = 0;
		if (r->expires_at <= e->now)
			rc = lend__report_add(rep, "reservation %lld is past its time and still active", (long long)r->id);
		if (rc == LEND_OK && (rc = lend__load_hold(e, r->hold_id, &h)) == LEND_OK && h.state != LEND_HOLD_WAITING)
			rc = lend__report_add(rep, "reservation %lld is for queue place %lld, which no longer waits",
			                      (long long)r->id, (long long)r->hold_id);
		if (rc == LEND_OK && (rc = ST(e, fund_get, r->library_id, r->book_id, &fund)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "fund");
		if (rc == LEND_OK)
			rc = lend__desk_reserved(e, r->library_id, r->book_id, &reserved);
		if (rc == LEND_OK && fund.on_loan + reserved > fund.copies)
			rc = lend__report_add(rep, "library %lld, book %lld: %d on loan and %d reserved but %d owned",
			                      (long long)r->library_id, (long long)r->book_id, fund.on_loan, reserved,
			                      fund.copies);
		if (rc == LEND_ENOMEM)
			rc = lend__nomem(e);
	}
	lend__rows_free(&c);
	return rc;
}

/* Merging accounts: reader `from`'s reservations become `to`'s. One whose
 * queue place the merge left (both waited for the book) was cancelled by
 * lend__desk_hold_left already. */
int lend__desk_reserves_merge(lend_engine *e, int64_t from, int64_t to)
{
	if (lend__desk_lacks(e))
		return LEND_OK;
	lend_sys_reserve_filter f;
	memset(&f, 0, sizeof f);
	f.reader_id = from;
	lend__rows c;
	TRY(collect_reserves(e, &f, &c));
	int rc = LEND_OK;
	for (size_t i = 0; rc == LEND_OK && i < c.n; i++) {
		lend_sys_reserve *r = &LEND_ROW(c, lend_sys_reserve, i);
		r->reader_id = to;
		if ((rc = ST(e, reserve_update, r)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "reservation update");
	}
	lend__rows_free(&c);
	return rc;
}
