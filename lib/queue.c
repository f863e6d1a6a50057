/* queue.c — queues per (library, book): join, leave, suspend, resume, and
 * positions with wait estimates (spec section 6). */
#include "internal.h"

#define YEAR (366 * 86400)

LEND_EXTERN int lend_queue_join(lend_engine *e, const lend_actor *a, int64_t ticket_id, int64_t book_id,
                                lend_hold **out)
{
	LEND_ENTER(e);
	if (out)
		*out = NULL;
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	lend_gathered g;
	int rc = lend__gather(e, ticket_id, book_id, &g);
	if (rc == LEND_OK && !(a->kind == LEND_ACTOR_ADMIN ||
	                       (a->kind == LEND_ACTOR_READER && a->reader_id == g.ticket.reader_id)))
		rc = lend__fail(e, LEND_EPERM, "only the card's holder may join a queue");
	if (rc == LEND_OK) {
		int refusal = lend_rules_refusal(&g.in);
		if (refusal != LEND_REASON_NONE)
			rc = lend__deny(e, refusal, "refused: %s", lend_reason_string(refusal));
		else if (g.in.has_book)
			rc = lend__deny(e, LEND_REASON_ALREADY_YOURS, "refused: you already have this book");
		else if (g.hold_id)
			rc = lend__deny(e, LEND_REASON_ALREADY_QUEUED, "refused: you are already in the queue for this book");
		else if (!g.in_fund || g.fund.copies <= 0)
			rc = lend__deny(e, LEND_REASON_NOT_IN_FUND,
			                "refused: the library holds no copy of this book; take it or ask the librarian");
		else if (g.in.on_loan < g.in.copies) /* reserved copies are not free */
			rc = lend__deny(e, LEND_REASON_FREE_COPY, "refused: a copy is free; take it instead");
	}
	lend_sys_hold h;
	memset(&h, 0, sizeof h);
	h.library_id = g.ticket.library_id;
	h.book_id = book_id;
	h.ticket_id = ticket_id;
	h.reader_id = g.ticket.reader_id;
	h.joined_at = e->now;
	h.state = LEND_HOLD_WAITING;
	if (rc == LEND_OK && (rc = ST(e, hold_insert, &h)) != LEND_OK)
		rc = lend__storage_fail(e, rc, "queue insert");
	int position = 0;
	int64_t wait = 0;
	if (rc == LEND_OK && out)
		rc = lend__queue_position(e, &h, &position, &wait);
	lend_hold *hh = NULL;
	if (rc == LEND_OK && out && !(hh = lend__hold_from(&h, position, wait)))
		rc = lend__nomem(e);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_hold_free(hh);
		return rc;
	}
	if (out)
		*out = hh;
	return LEND_OK;
}

/* Load a waiting place the actor may change. */
static int load_own_hold(lend_engine *e, const lend_actor *a, int64_t hold_id, lend_sys_hold *h)
{
	TRY(lend__load_hold(e, hold_id, h));
	TRY(lend__need_reader_or_staff(e, a, h->reader_id, h->library_id));
	if (h->state != LEND_HOLD_WAITING)
		return lend__fail(e, LEND_ESTATE, "queue place %lld is no longer waiting", (long long)hold_id);
	return LEND_OK;
}

static int hold_write(lend_engine *e, lend_sys_hold *h)
{
	int rc = ST(e, hold_update, h);
	return rc == LEND_OK ? rc : lend__storage_fail(e, rc, "queue update");
}

LEND_EXTERN int lend_queue_leave(lend_engine *e, const lend_actor *a, int64_t hold_id)
{
	LEND_ENTER(e);
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	lend_sys_hold h;
	int rc = load_own_hold(e, a, hold_id, &h);
	if (rc == LEND_OK) {
		h.state = LEND_HOLD_LEFT;
		h.ended_at = e->now;
		rc = hold_write(e, &h);
	}
	if (rc == LEND_OK)
		rc = lend__desk_hold_left(e, &h);
	return lend__end(e, rc);
}

LEND_EXTERN int lend_queue_suspend(lend_engine *e, const lend_actor *a, int64_t hold_id, int64_t until)
{
	LEND_ENTER(e);
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	lend_sys_hold h;
	int rc = load_own_hold(e, a, hold_id, &h);
	if (rc == LEND_OK && until <= e->now)
		rc = lend__fail(e, LEND_EINVAL, "a suspension must end in the future");
	else if (rc == LEND_OK && until > e->now + YEAR)
		rc = lend__deny(e, LEND_REASON_SUSPEND_TOO_LONG, "refused: %s",
		                lend_reason_string(LEND_REASON_SUSPEND_TOO_LONG));
	if (rc == LEND_OK) {
		h.suspended_until = until;
		rc = hold_write(e, &h);
	}
	return lend__end(e, rc);
}

LEND_EXTERN int lend_queue_resume(lend_engine *e, const lend_actor *a, int64_t hold_id)
{
	LEND_ENTER(e);
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	lend_sys_hold h;
	int rc = load_own_hold(e, a, hold_id, &h);
	if (rc == LEND_OK) {
		h.suspended_until = 0;
		rc = hold_write(e, &h);
	}
	int64_t n = 0;
	if (rc == LEND_OK)
		rc = lend__dispatch(e, h.library_id, h.book_id, &n);
	return lend__end(e, rc);
}

static int hold_handle(lend_engine *e, const lend_sys_hold *h, lend_hold **out)
{
	int position = 0;
	int64_t wait = 0;
	if (h->state == LEND_HOLD_WAITING)
		TRY(lend__queue_position(e, h, &position, &wait));
	if (!(*out = lend__hold_from(h, position, wait)))
		return lend__nomem(e);
	return LEND_OK;
}

LEND_EXTERN int lend_hold_get(lend_engine *e, const lend_actor *a, int64_t hold_id, lend_hold **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 0));
	lend_sys_hold h;
	lend_hold *hh = NULL;
	int rc = lend__load_hold(e, hold_id, &h);
	if (rc == LEND_OK)
		rc = lend__need_reader_or_staff(e, a, h.reader_id, h.library_id);
	if (rc == LEND_OK)
		rc = hold_handle(e, &h, &hh);
	rc = lend__end(e, rc);
	if (rc == LEND_OK)
		*out = hh;
	else
		lend_hold_free(hh);
	return rc;
}

/* List the places a filter selects into v, each with its position. */
static int list_holds(lend_engine *e, const lend_actor *a, const lend_sys_hold_filter *f, lend__vec *v)
{
	lend__rows c = LEND_ROWS(lend_sys_hold);
	int rc = lend__rows_status(e, &c, ST(e, hold_list, f, lend__rows_hold_cb, &c), "queue list");
	for (size_t i = 0; rc == LEND_OK && i < c.n; i++) {
		int yes = 1;
		if (a->kind == LEND_ACTOR_LIBRARIAN && (rc = lend__staff_of(e, a, LEND_ROW(c, lend_sys_hold, i).library_id, &yes)) != LEND_OK)
			break;
		if (!yes)
			continue;
		lend_hold *hh = NULL;
		rc = hold_handle(e, &LEND_ROW(c, lend_sys_hold, i), &hh);
		if (rc == LEND_OK && lend__vec_push(v, hh) != LEND_OK) {
			lend_hold_free(hh);
			rc = lend__nomem(e);
		}
	}
	lend__rows_free(&c);
	return rc;
}

LEND_EXTERN int lend_hold_list(lend_engine *e, const lend_actor *a, int64_t reader_id, lend_holds **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(lend__need_actor(e, a));
	lend_holds *l = calloc(1, sizeof *l);
	if (!l)
		return lend__nomem(e);
	int rc = lend__begin(e, 0);
	lend_sys_reader r;
	if (rc == LEND_OK)
		rc = lend__load_reader(e, reader_id, &r);
	if (rc == LEND_OK)
		rc = lend__need_reader_access(e, a, reader_id);
	lend_sys_hold_filter f;
	memset(&f, 0, sizeof f);
	f.reader_id = reader_id;
	f.state = LEND_HOLD_WAITING;
	if (rc == LEND_OK)
		rc = list_holds(e, a, &f, &l->v);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_holds_free(l);
		return rc;
	}
	*out = l;
	return LEND_OK;
}

LEND_EXTERN int lend_queue_get(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t book_id,
                               lend_queue **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(lend__need_actor(e, a));
	lend_queue *q = calloc(1, sizeof *q);
	if (!q)
		return lend__nomem(e);
	q->library_id = library_id;
	q->book_id = book_id;
	int rc = lend__begin(e, 0);
	if (rc == LEND_OK)
		rc = lend__need_staff(e, a, library_id);
	lend_sys_book b;
	char cur[4];
	if (rc == LEND_OK)
		rc = lend__load_book(e, book_id, &b, cur);
	lend_sys_hold_filter f;
	memset(&f, 0, sizeof f);
	f.library_id = library_id;
	f.book_id = book_id;
	f.state = LEND_HOLD_WAITING;
	if (rc == LEND_OK)
		rc = list_holds(e, a, &f, &q->v);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_queue_free(q);
		return rc;
	}
	*out = q;
	return LEND_OK;
}
