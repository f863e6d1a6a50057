/* tests/test_desk.c — the librarian's desk (spec sections 2, 3, 5 and 6):
 * requests, approvals against the budget, denials, direct issue, the budget
 * ledger, renewals, the librarians' rights, and a ticket whose validity
 * starts mid-day while a copy is free. */
#include <stdio.h>
#include <string.h>

#include "helpers.h"

#define T0 TH_START /* 2026-01-12 10:00:00 UTC */

/* A library with a librarian, two readers with tickets. */
typedef struct world {
	int64_t lib, staff, r[3], tk[3];
	lend_actor *lib_a, *ra[3];
} world;

static void make_world(th *t, world *w, int64_t budget)
{
	w->lib = th_library(t, "Central", budget);
	w->staff = th_reader(t, "Librarian", 1980, 1, 1);
	TH_OK(t, lend_library_grant(t->e, t->admin, w->lib, w->staff));
	w->lib_a = th_as_librarian(t, w->staff);
	for (int i = 0; i < 3; i++) {
		w->r[i] = th_reader(t, "Reader", 1990, 1, 1);
		w->tk[i] = th_ticket(t, w->lib, w->r[i]);
		w->ra[i] = th_as_reader(t, w->r[i]);
	}
}

static int64_t request(th *t, world *w, int i, int64_t book)
{
	lend_request *r = NULL;
	TH_OK(t, lend_request_create(t->e, w->ra[i], w->tk[i], book, &r));
	assert_int_equal(lend_request_state(r), LEND_REQUEST_PENDING);
	assert_int_equal(lend_request_origin(r), LEND_REQUEST_BY_READER);
	int64_t id = lend_request_id(r);
	lend_request_free(r);
	return id;
}

/* A request's state or reason, read as the administrator. */
static int request_field(th *t, int64_t id, int (*field)(const lend_request *))
{
	lend_request *r = NULL;
	TH_OK(t, lend_request_get(t->e, t->admin, id, &r));
	int v = field(r);
	lend_request_free(r);
	return v;
}

/* The database is byte for byte what it was (frees before). */
static void same_db(th *t, char *before)
{
	char *after = th_dump_db(t->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* The desk's own fields of the newest outbox note of a kind ("" if none),
 * copied: the fields every note carries for its texts (title, library,
 * language, channel, address: see lib/shelf_notes.c) follow them and are
 * cut off here. */
static void last_detail(th *t, int kind, char *buf, size_t n)
{
	lend_notifications *l = NULL;
	TH_OK(t, lend_outbox_list(t->e, t->admin, 0, 10000, &l));
	buf[0] = '\0';
	for (size_t i = 0; i < lend_notifications_count(l); i++)
		if (lend_notification_kind(lend_notifications_get(l, i)) == kind)
			snprintf(buf, n, "%s", lend_notification_detail(lend_notifications_get(l, i)));
	lend_notifications_free(l);
	static const char *const common[] = {"\ntitle=", "\nlibrary=", "\nlang=", "\nchannel=", "\naddress="};
	for (size_t k = 0; k < sizeof common / sizeof common[0]; k++) {
		char *cut = strstr(buf, common[k]);
		if (cut)
			*cut = '\0';
	}
}

/* Reader 0 takes the book's only free copy and reader 1 waits for it: the
 * loan's id in *loan, the waiting place's id returned. */
static int64_t lent_with_queue(th *t, world *w, int64_t book, int64_t *loan)
{
	lend_loan *l = NULL;
	TH_OK(t, lend_take(t->e, w->ra[0], w->tk[0], book, &l));
	*loan = lend_loan_id(l);
	lend_loan_free(l);
	lend_hold *h = NULL;
	TH_OK(t, lend_queue_join(t->e, w->ra[1], w->tk[1], book, &h));
	int64_t id = lend_hold_id(h);
	lend_hold_free(h);
	return id;
}

/* ------------------------------------------------------------ requests */

static void test_request_approve_free_copy(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t b = th_book(t, "Free", LEND_KIND_EBOOK, 100, 0);
	th_copies(t, w.lib, b, 1);
	int64_t q = request(t, &w, 0, b);
	th_now += 3600;
	lend_request *r = NULL;
	TH_OK(t, lend_request_approve(t->e, w.lib_a, q, &r));
	assert_int_equal(lend_request_state(r), LEND_REQUEST_APPROVED);
	assert_int_equal(lend_request_decided_by(r), w.staff);
	assert_int_equal(lend_request_decided_at(r), th_now);
	int64_t loan = lend_request_loan_id(r);
	assert_true(loan > 0);
	lend_request_free(r);
	lend_loan *l = NULL;
	TH_OK(t, lend_loan_get(t->e, w.ra[0], loan, &l));
	assert_int_equal(lend_loan_origin(l), LEND_ORIGIN_LIBRARIAN);
	assert_int_equal(lend_loan_due_at(l), th_now + 14 * TH_DAY);
	lend_loan_free(l);
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_REQUEST_APPROVED, loan), 1);
	char d[200];
	last_detail(t, LEND_NOTE_REQUEST_APPROVED, d, sizeof d);
	char want[200];
	snprintf(want, sizeof want, "request_id=%lld\noutcome=issued\ndue_at=%lld", (long long)q,
	         (long long)(th_now + 14 * TH_DAY));
	assert_string_equal(d, want);
	/* decided once */
	TH_RC(t, LEND_ESTATE, lend_request_approve(t->e, w.lib_a, q, NULL));
	TH_RC(t, LEND_ESTATE, lend_request_cancel(t->e, w.ra[0], q));
	/* the reader sees it among his requests */
	lend_requests *mine = NULL;
	TH_OK(t, lend_request_list(t->e, w.ra[0], w.r[0], 0, &mine));
	assert_int_equal(lend_requests_count(mine), 1);
	assert_int_equal(lend_request_state(lend_requests_get(mine, 0)), LEND_REQUEST_APPROVED);
	assert_null(lend_request_limits(lend_requests_get(mine, 0)));
	lend_requests_free(mine);
	th_check_clean(t);
}

/* Approve with exactly enough budget: the library buys and issues. */
static void test_request_approve_exact_budget(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 39900);
	int64_t b = th_book(t, "Dear", LEND_KIND_EBOOK, 39900, 0);
	int64_t q = request(t, &w, 0, b);
	lend_request *r = NULL;
	TH_OK(t, lend_request_approve(t->e, w.lib_a, q, &r));
	assert_true(lend_request_loan_id(r) > 0);
	lend_request_free(r);
	assert_int_equal(th_budget(t, w.lib), 0);
	int copies = -1, on_loan = -1;
	TH_OK(t, th_fund(t, w.lib, b, &copies, &on_loan, NULL));
	assert_int_equal(copies, 1);
	assert_int_equal(on_loan, 1);
	lend_ledger *lg = NULL;
	TH_OK(t, lend_ledger_list(t->e, w.lib_a, w.lib, 0, 0, &lg));
	assert_int_equal(lend_ledger_count(lg), 2);
	const lend_ledger_entry *x = lend_ledger_get(lg, 1);
	assert_int_equal(lend_ledger_entry_kind(x), LEND_LEDGER_PURCHASE);
	assert_int_equal(lend_ledger_entry_amount(x), -39900);
	assert_int_equal(lend_ledger_entry_book_id(x), b);
	assert_int_equal(lend_ledger_entry_actor_id(x), w.staff);
	assert_int_equal(lend_ledger_entry_balance(x), 0);
	char want[80];
	snprintf(want, sizeof want, "bought on approval of request %lld", (long long)q);
	assert_string_equal(lend_ledger_entry_note(x), want);
	lend_ledger_free(lg);
	th_check_clean(t);
}

/* One kopeck short: refused with the budget, nothing changed. */
static void test_request_approve_one_kopeck_short(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 39899);
	int64_t b = th_book(t, "Dear", LEND_KIND_EBOOK, 39900, 0);
	int64_t q = request(t, &w, 0, b);
	char *before = th_dump_db(t->path);
	TH_DENIED(t, LEND_REASON_BUDGET, lend_request_approve(t->e, w.lib_a, q, NULL));
	assert_non_null(strstr(lend_engine_errmsg(t->e), "39899"));
	same_db(t, before);
	assert_int_equal(request_field(t, q, lend_request_state), LEND_REQUEST_PENDING);
	th_check_clean(t);
}

/* Every copy out: the approval puts the reader in the queue, and the
 * hand-off gives him the book later. */
static void test_request_approve_queues(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t b = th_book(t, "Popular", LEND_KIND_EBOOK, 100, 0);
	th_copies(t, w.lib, b, 1);
	lend_loan *l0 = NULL;
	TH_OK(t, lend_take(t->e, w.ra[0], w.tk[0], b, &l0));
	int64_t q = request(t, &w, 1, b);
	lend_request *r = NULL;
	TH_OK(t, lend_request_approve(t->e, w.lib_a, q, &r));
	int64_t hold = lend_request_hold_id(r);
	assert_true(hold > 0);
	assert_int_equal(lend_request_loan_id(r), 0);
	lend_request_free(r);
	char d[200];
	last_detail(t, LEND_NOTE_REQUEST_APPROVED, d, sizeof d);
	assert_non_null(strstr(d, "outcome=queued\nposition=1"));
	int state_ = 0, pos = 0;
	th_hold(t, hold, &state_, &pos, NULL, NULL);
	assert_int_equal(state_, LEND_HOLD_WAITING);
	assert_int_equal(pos, 1);
	th_now += 3600;
	TH_OK(t, lend_return(t->e, w.ra[0], lend_loan_id(l0)));
	lend_loan_free(l0);
	int64_t loan = 0;
	th_hold(t, hold, &state_, NULL, NULL, &loan);
	assert_int_equal(state_, LEND_HOLD_SERVED);
	assert_true(loan > 0);
	th_check_clean(t);
}

/* The max copies per title forbids buying. */
static void test_request_approve_copy_limit(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 100000);
	int64_t b = th_book(t, "Limited", LEND_KIND_EBOOK, 100, 0);
	TH_OK(t, lend_policy_set(t->e, w.lib_a, w.lib, LEND_KIND_ANY, LEND_SETTING_MAX_COPIES, 0));
	int64_t q = request(t, &w, 0, b);
	TH_DENIED(t, LEND_REASON_COPY_LIMIT, lend_request_approve(t->e, w.lib_a, q, NULL));
	assert_non_null(strstr(lend_engine_errmsg(t->e), "0 of at most 0"));
	assert_int_equal(th_budget(t, w.lib), 100000);
	th_check_clean(t);
}

static void test_request_approve_max_loans(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t b1 = th_book(t, "One", LEND_KIND_EBOOK, 0, 0), b2 = th_book(t, "Two", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, w.lib, b1, 1);
	th_copies(t, w.lib, b2, 1);
	TH_OK(t, lend_ticket_set_limit(t->e, w.lib_a, w.tk[0], LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 1));
	TH_OK(t, lend_take(t->e, w.ra[0], w.tk[0], b1, NULL));
	int64_t q = request(t, &w, 0, b2);
	TH_DENIED(t, LEND_REASON_MAX_LOANS, lend_request_approve(t->e, w.lib_a, q, NULL));
	assert_non_null(strstr(lend_engine_errmsg(t->e), "1 of 1"));
	th_check_clean(t);
}

static void test_request_deny(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t b = th_book(t, "Dear", LEND_KIND_EBOOK, 99900, 0);
	int64_t q1 = request(t, &w, 0, b);
	int64_t q2 = request(t, &w, 1, b);
	/* bad reasons and words */
	TH_RC(t, LEND_EINVAL, lend_request_deny(t->e, w.lib_a, q1, LEND_REASON_AGE, NULL));
	TH_RC(t, LEND_EINVAL, lend_request_deny(t->e, w.lib_a, q1, LEND_REASON_LIBRARIAN, NULL));
	TH_RC(t, LEND_EINVAL, lend_request_deny(t->e, w.lib_a, q1, LEND_REASON_LIBRARIAN, "bad \xff"));
	TH_RC(t, LEND_EINVAL, lend_request_deny(t->e, w.lib_a, q1, LEND_REASON_LIBRARIAN, "two\nlines"));
	TH_RC(t, LEND_ENOTFOUND, lend_request_deny(t->e, w.lib_a, 9999, LEND_REASON_BUDGET, NULL));
	TH_RC(t, LEND_EPERM, lend_request_deny(t->e, w.ra[0], q1, LEND_REASON_BUDGET, NULL));
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_REQUEST_DENIED, 0), 0);

	TH_OK(t, lend_request_deny(t->e, w.lib_a, q1, LEND_REASON_BUDGET, NULL));
	char d[200], want[200];
	last_detail(t, LEND_NOTE_REQUEST_DENIED, d, sizeof d);
	snprintf(want, sizeof want, "request_id=%lld\nreason=%d", (long long)q1, LEND_REASON_BUDGET);
	assert_string_equal(d, want);
	TH_OK(t, lend_request_deny(t->e, w.lib_a, q2, LEND_REASON_LIBRARIAN, "Ждём новое издание"));
	last_detail(t, LEND_NOTE_REQUEST_DENIED, d, sizeof d);
	snprintf(want, sizeof want, "request_id=%lld\nreason=%d\ntext=Ждём новое издание", (long long)q2,
	         LEND_REASON_LIBRARIAN);
	assert_string_equal(d, want);
	TH_RC(t, LEND_ESTATE, lend_request_deny(t->e, w.lib_a, q2, LEND_REASON_BUDGET, NULL));

	/* each reader sees his denial with its reason and words */
	lend_requests *mine = NULL;
	TH_OK(t, lend_request_list(t->e, w.ra[1], w.r[1], LEND_REQUEST_DENIED, &mine));
	assert_int_equal(lend_requests_count(mine), 1);
	const lend_request *r = lend_requests_get(mine, 0);
	assert_int_equal(lend_request_reason(r), LEND_REASON_LIBRARIAN);
	assert_string_equal(lend_request_text(r), "Ждём новое издание");
	lend_requests_free(mine);
	TH_RC(t, LEND_EPERM, lend_request_list(t->e, w.ra[1], w.r[0], 0, &mine));
	/* deny for the other reasons too */
	int64_t q3 = request(t, &w, 2, b);
	TH_OK(t, lend_request_deny(t->e, w.lib_a, q3, LEND_REASON_TOO_EXPENSIVE, "too dear"));
	assert_int_equal(request_field(t, q3, lend_request_reason), LEND_REASON_TOO_EXPENSIVE);
	th_check_clean(t);
}

static void test_request_duplicates_and_max(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t b[4];
	for (int i = 0; i < 4; i++)
		b[i] = th_book(t, "Book", LEND_KIND_EBOOK, 100, 0);
	TH_OK(t, lend_policy_set(t->e, w.lib_a, w.lib, LEND_KIND_ANY, LEND_SETTING_MAX_REQUESTS, 2));
	int64_t q0 = request(t, &w, 0, b[0]);
	TH_DENIED(t, LEND_REASON_ALREADY_REQUESTED, lend_request_create(t->e, w.ra[0], w.tk[0], b[0], NULL));
	request(t, &w, 0, b[1]);
	lend_limits *lim = NULL;
	TH_OK(t, lend_limits_get(t->e, w.ra[0], w.tk[0], LEND_KIND_ANY, &lim));
	assert_int_equal(lend_limits_used(lim, LEND_SETTING_MAX_REQUESTS), 2);
	assert_non_null(strstr(lend_limits_summary(lim), "2 of 2 requests open"));
	assert_int_equal(lend_limits_left(lim, LEND_SETTING_MAX_REQUESTS), 0);
	assert_int_equal(lend_limits_left(lim, LEND_SETTING_SELF_SERVICE_LIMIT), 3);
	assert_int_equal(lend_limits_left(lim, LEND_SETTING_MONTHLY_QUOTA), LEND_UNLIMITED);
	assert_int_equal(lend_limits_left(lim, LEND_SETTING_LOAN_DAYS), 0);
	assert_int_equal(lend_limits_left(NULL, LEND_SETTING_MAX_LOANS), 0);
	lend_limits_free(lim);
	TH_DENIED(t, LEND_REASON_TOO_MANY_REQUESTS, lend_request_create(t->e, w.ra[0], w.tk[0], b[2], NULL));
	assert_non_null(strstr(lend_engine_errmsg(t->e), "2 of 2 requests open"));
	/* somebody else's card, and cancelling */
	TH_RC(t, LEND_EPERM, lend_request_create(t->e, w.ra[1], w.tk[0], b[2], NULL));
	TH_RC(t, LEND_EPERM, lend_request_cancel(t->e, w.ra[1], q0));
	TH_RC(t, LEND_EPERM, lend_request_create(t->e, w.lib_a, w.tk[0], b[2], NULL));
	TH_OK(t, lend_request_cancel(t->e, w.ra[0], q0));
	assert_int_equal(request_field(t, q0, lend_request_state), LEND_REQUEST_CANCELLED);
	request(t, &w, 0, b[2]);
	/* a per-ticket override wins over the library's value */
	TH_OK(t, lend_ticket_set_limit(t->e, w.lib_a, w.tk[0], LEND_KIND_ANY, LEND_SETTING_MAX_REQUESTS, 3));
	request(t, &w, 0, b[3]);
	/* the book he has, the queue he is in */
	int64_t own = th_book(t, "Own", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, w.lib, own, 1);
	TH_OK(t, lend_take(t->e, w.ra[1], w.tk[1], own, NULL));
	TH_DENIED(t, LEND_REASON_ALREADY_YOURS, lend_request_create(t->e, w.ra[1], w.tk[1], own, NULL));
	TH_OK(t, lend_queue_join(t->e, w.ra[2], w.tk[2], own, NULL));
	TH_DENIED(t, LEND_REASON_ALREADY_QUEUED, lend_request_create(t->e, w.ra[2], w.tk[2], own, NULL));
	TH_OK(t, lend_ticket_set_blocked(t->e, w.lib_a, w.tk[2], 1));
	TH_DENIED(t, LEND_REASON_TICKET_BLOCKED, lend_request_create(t->e, w.ra[2], w.tk[2], b[0], NULL));
	/* bad ids */
	TH_RC(t, LEND_ENOTFOUND, lend_request_create(t->e, w.ra[0], w.tk[0], 99999, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_request_create(t->e, w.ra[0], 99999, b[0], NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_request_cancel(t->e, w.ra[0], 99999));
	TH_RC(t, LEND_EINVAL, lend_request_create(t->e, NULL, w.tk[0], b[0], NULL));
	th_check_clean(t);
}

/* The librarian's pending list: oldest first, with what he needs. */
static void test_request_pending_context(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 50000);
	int64_t b1 = th_book(t, "Held", LEND_KIND_EBOOK, 1200, 0);
	int64_t b2 = th_book(t, "Absent", LEND_KIND_AUDIOBOOK, 39900, 0);
	th_copies(t, w.lib, b1, 1);
	TH_OK(t, lend_take(t->e, w.ra[0], w.tk[0], b1, NULL));
	TH_OK(t, lend_queue_join(t->e, w.ra[2], w.tk[2], b1, NULL));
	int64_t q1 = request(t, &w, 1, b1);
	th_now += 60;
	int64_t q2 = request(t, &w, 0, b2);
	lend_requests *p = NULL;
	TH_OK(t, lend_request_pending(t->e, w.lib_a, w.lib, 100, &p));
	assert_int_equal(lend_requests_count(p), 2);
	const lend_request *r = lend_requests_get(p, 0);
	assert_int_equal(lend_request_id(r), q1);
	assert_int_equal(lend_request_book_price(r), 1200);
	assert_int_equal(lend_request_copies(r), 1);
	assert_int_equal(lend_request_on_loan(r), 1);
	assert_int_equal(lend_request_queue_length(r), 1);
	assert_int_equal(lend_request_budget(r), 50000);
	r = lend_requests_get(p, 1);
	assert_int_equal(lend_request_id(r), q2);
	assert_int_equal(lend_request_copies(r), 0);
	const lend_limits *lim = lend_request_limits(r);
	assert_non_null(lim);
	assert_int_equal(lend_limits_used(lim, LEND_SETTING_MAX_LOANS), 1);
	assert_int_equal(lend_limits_used(lim, LEND_SETTING_MAX_REQUESTS), 1);
	assert_int_equal(lend_limits_value(lim, LEND_SETTING_SELF_SERVICE_LIMIT), 3);
	lend_requests_free(p);
	TH_OK(t, lend_request_pending(t->e, w.lib_a, w.lib, 1, &p));
	assert_int_equal(lend_requests_count(p), 1);
	lend_requests_free(p);
	TH_RC(t, LEND_EINVAL, lend_request_pending(t->e, w.lib_a, w.lib, 0, &p));
	TH_RC(t, LEND_EPERM, lend_request_pending(t->e, w.ra[0], w.lib, 10, &p));
	/* the librarian's get carries the context too */
	lend_request *g = NULL;
	TH_OK(t, lend_request_get(t->e, w.lib_a, q2, &g));
	assert_non_null(lend_request_limits(g));
	assert_int_equal(lend_request_book_price(g), 39900);
	lend_request_free(g);
	th_check_clean(t);
}

/* A librarian of library A may not act on library B. */
static void test_desk_other_library(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 1000);
	int64_t libb = th_library(t, "Branch", 1000);
	int64_t rb = th_reader(t, "Reader B", 1990, 1, 1);
	int64_t tkb = th_ticket(t, libb, rb);
	lend_actor *rba = th_as_reader(t, rb);
	int64_t b = th_book(t, "Book", LEND_KIND_EBOOK, 100, 0);
	th_copies(t, libb, b, 1);
	lend_request *r = NULL;
	TH_OK(t, lend_request_create(t->e, rba, tkb, b, &r));
	int64_t q = lend_request_id(r);
	lend_request_free(r);
	char *before = th_dump_db(t->path);
	TH_RC(t, LEND_EPERM, lend_request_approve(t->e, w.lib_a, q, NULL));
	TH_RC(t, LEND_EPERM, lend_request_deny(t->e, w.lib_a, q, LEND_REASON_BUDGET, NULL));
	TH_RC(t, LEND_EPERM, lend_budget_add(t->e, w.lib_a, libb, 100, "top-up"));
	TH_RC(t, LEND_EPERM, lend_budget_correct(t->e, w.lib_a, libb, -100, "fix"));
	lend_requests *p = NULL;
	TH_RC(t, LEND_EPERM, lend_request_pending(t->e, w.lib_a, libb, 10, &p));
	TH_RC(t, LEND_EPERM, lend_request_get(t->e, w.lib_a, q, &r));
	lend_ledger *lg = NULL;
	TH_RC(t, LEND_EPERM, lend_ledger_list(t->e, w.lib_a, libb, 0, 0, &lg));
	TH_RC(t, LEND_EPERM, lend_issue(t->e, w.lib_a, tkb, b, 0, NULL, NULL));
	TH_RC(t, LEND_EPERM, lend_ledger_list(t->e, w.ra[0], w.lib, 0, 0, &lg));
	same_db(t, before);
	/* a librarian lists a reader's requests only in his libraries */
	TH_OK(t, lend_library_grant(t->e, t->admin, w.lib, rb));
	lend_actor *rb_staff = th_as_librarian(t, rb);
	(void)rb_staff;
	th_check_clean(t);
}

/* Ticket administration by the librarian, in his library only. */
static void test_ticket_administration(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t libb = th_library(t, "Branch", 0);
	lend_reader *draft = NULL;
	assert_int_equal(lend_reader_new(&draft), LEND_OK);
	assert_int_equal(lend_reader_set_name(draft, "Новый читатель"), LEND_OK);
	int64_t rid = 0;
	TH_OK(t, lend_reader_add(t->e, w.lib_a, draft, &rid));
	lend_reader_free(draft);
	lend_ticket *tk = NULL;
	TH_OK(t, lend_ticket_issue(t->e, w.lib_a, w.lib, rid, NULL, &tk));
	assert_true(strlen(lend_ticket_number(tk)) >= 8);
	int64_t tid = lend_ticket_id(tk);
	lend_ticket_free(tk);
	TH_RC(t, LEND_EPERM, lend_ticket_issue(t->e, w.lib_a, libb, rid, NULL, &tk));
	TH_OK(t, lend_ticket_set_blocked(t->e, w.lib_a, tid, 1));
	TH_OK(t, lend_ticket_set_blocked(t->e, w.lib_a, tid, 0));
	TH_OK(t, lend_ticket_set_validity(t->e, w.lib_a, tid, th_now, th_now + 365 * TH_DAY));
	TH_OK(t, lend_ticket_set_limit(t->e, w.lib_a, tid, LEND_KIND_AUDIOBOOK, LEND_SETTING_MAX_LOANS, 2));
	lend_limits *lim = NULL;
	TH_OK(t, lend_limits_get(t->e, w.lib_a, tid, LEND_KIND_AUDIOBOOK, &lim));
	assert_int_equal(lend_limits_value(lim, LEND_SETTING_MAX_LOANS), 2);
	lend_limits_free(lim);
	/* a card of another library is out of his reach */
	int64_t tb = th_ticket(t, libb, rid);
	TH_RC(t, LEND_EPERM, lend_ticket_set_blocked(t->e, w.lib_a, tb, 1));
	TH_RC(t, LEND_EPERM, lend_ticket_set_validity(t->e, w.lib_a, tb, 0, 0));
	TH_RC(t, LEND_EPERM, lend_ticket_set_limit(t->e, w.lib_a, tb, 0, LEND_SETTING_MAX_LOANS, 1));
	TH_RC(t, LEND_EPERM, lend_limits_get(t->e, w.lib_a, tb, 0, &lim));
	th_check_clean(t);
}

/* Bad input leaves nothing changed. */
static void test_desk_bad_input(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 1000);
	int64_t b = th_book(t, "Book", LEND_KIND_EBOOK, 100, 0);
	th_copies(t, w.lib, b, 1);
	int64_t q = request(t, &w, 0, b);
	char longtext[1100];
	memset(longtext, 'x', sizeof longtext - 1);
	longtext[sizeof longtext - 1] = '\0';
	char *before = th_dump_db(t->path);
	TH_RC(t, LEND_EINVAL, lend_request_deny(t->e, w.lib_a, q, LEND_REASON_LIBRARIAN, longtext));
	TH_RC(t, LEND_EINVAL, lend_request_deny(t->e, w.lib_a, q, LEND_REASON_BUDGET, "\xed\xa0\x80"));
	TH_RC(t, LEND_EINVAL, lend_issue(t->e, w.lib_a, w.tk[1], b, 0, longtext, NULL));
	TH_RC(t, LEND_EINVAL, lend_issue(t->e, w.lib_a, w.tk[1], b, 0, "\xc0\xaf", NULL));
	TH_RC(t, LEND_EINVAL, lend_issue(t->e, w.lib_a, w.tk[1], b, -1, NULL, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_issue(t->e, w.lib_a, 99999, b, 0, NULL, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_issue(t->e, w.lib_a, w.tk[1], -3, 0, NULL, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_request_approve(t->e, w.lib_a, 0, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_renew(t->e, w.ra[0], -1, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_reserve_confirm(t->e, w.ra[0], 12345, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_reserve_decline(t->e, w.ra[0], 12345));
	TH_RC(t, LEND_EINVAL, lend_budget_correct(t->e, w.lib_a, w.lib, INT64_MIN, "overflow"));
	TH_RC(t, LEND_EINVAL, lend_budget_correct(t->e, w.lib_a, w.lib, 10, longtext));
	TH_RC(t, LEND_EINVAL, lend_license_add(t->e, w.lib_a, w.lib, b, -1, 0, LEND_UNLIMITED, NULL));
	TH_RC(t, LEND_EINVAL, lend_license_add(t->e, w.lib_a, w.lib, b, 1, 0, -7, NULL));
	lend_requests *l = NULL;
	TH_RC(t, LEND_EINVAL, lend_request_list(t->e, w.ra[0], w.r[0], 9, &l));
	TH_RC(t, LEND_EINVAL, lend_request_list(t->e, w.ra[0], w.r[0], 0, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_request_list(t->e, t->admin, 99999, 0, &l));
	TH_RC(t, LEND_EINVAL, lend_request_pending(t->e, w.lib_a, w.lib, 1001, &l));
	TH_RC(t, LEND_EINVAL, lend_request_create(t->e, NULL, w.tk[0], b, NULL));
	TH_RC(t, LEND_EINVAL, lend_request_approve(NULL, w.lib_a, q, NULL));
	lend_ledger *lg = NULL;
	TH_RC(t, LEND_EINVAL, lend_ledger_list(t->e, w.lib_a, w.lib, -1, 0, &lg));
	same_db(t, before);
	lend_request_free(NULL);
	lend_requests_free(NULL);
	lend_ledger_free(NULL);
	lend_reserve_free(NULL);
	lend_reserves_free(NULL);
	lend_licenses_free(NULL);
	assert_int_equal(lend_request_id(NULL), 0);
	assert_null(lend_requests_get(NULL, 0));
	assert_string_equal(lend_request_text(NULL), "");
	th_check_clean(t);
}

/* --------------------------------------------------------- direct issue */

static void test_direct_issue(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 500);
	int64_t b1 = th_book(t, "One", LEND_KIND_EBOOK, 0, 0);
	int64_t b2 = th_book(t, "Two", LEND_KIND_EBOOK, 0, 0);
	int64_t b3 = th_book(t, "Three", LEND_KIND_EBOOK, 300, 0);
	int64_t adult = th_book(t, "Adult", LEND_KIND_EBOOK, 0, 18);
	th_copies(t, w.lib, b1, 1);
	th_copies(t, w.lib, b2, 2);
	th_copies(t, w.lib, adult, 1);
	TH_OK(t, lend_ticket_set_limit(t->e, w.lib_a, w.tk[0], LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 1));
	lend_loan *l = NULL;
	TH_OK(t, lend_issue(t->e, w.lib_a, w.tk[0], b1, 0, "на выставку", &l));
	assert_int_equal(lend_loan_origin(l), LEND_ORIGIN_LIBRARIAN);
	lend_loan_free(l);
	TH_RC(t, LEND_EPERM, lend_issue(t->e, w.ra[0], w.tk[0], b2, 0, NULL, NULL));
	TH_RC(t, LEND_EINVAL, lend_issue(t->e, w.lib_a, w.tk[0], b2, 2, NULL, NULL));
	TH_DENIED(t, LEND_REASON_MAX_LOANS, lend_issue(t->e, w.lib_a, w.tk[0], b2, 0, NULL, NULL));
	assert_non_null(strstr(lend_engine_errmsg(t->e), "1 of 1 books on loan"));
	/* explicitly overridden: recorded */
	TH_OK(t, lend_issue(t->e, w.lib_a, w.tk[0], b2, 1, "exam week", &l));
	int64_t loan2 = lend_loan_id(l);
	lend_loan_free(l);
	lend_requests *mine = NULL;
	TH_OK(t, lend_request_list(t->e, w.ra[0], w.r[0], 0, &mine));
	assert_int_equal(lend_requests_count(mine), 2);
	const lend_request *r = lend_requests_get(mine, 0);
	assert_int_equal(lend_request_origin(r), LEND_REQUEST_DIRECT);
	assert_int_equal(lend_request_overridden(r), 0);
	assert_string_equal(lend_request_text(r), "на выставку");
	r = lend_requests_get(mine, 1);
	assert_int_equal(lend_request_state(r), LEND_REQUEST_APPROVED);
	assert_int_equal(lend_request_overridden(r), 1);
	assert_int_equal(lend_request_reason(r), LEND_REASON_MAX_LOANS);
	assert_int_equal(lend_request_loan_id(r), loan2);
	assert_int_equal(lend_request_decided_by(r), w.staff);
	lend_requests_free(mine);
	/* the already-held book, a full title, the age rating (never overridden) */
	TH_DENIED(t, LEND_REASON_ALREADY_YOURS, lend_issue(t->e, w.lib_a, w.tk[0], b1, 1, NULL, NULL));
	TH_DENIED(t, LEND_REASON_NO_FREE_COPY, lend_issue(t->e, w.lib_a, w.tk[1], b1, 0, NULL, NULL));
	lend_reader *kid = NULL;
	(void)kid;
	int64_t child = th_reader(t, "Child", 2015, 1, 1);
	int64_t tkc = th_ticket(t, w.lib, child);
	TH_DENIED(t, LEND_REASON_AGE, lend_issue(t->e, w.lib_a, tkc, adult, 1, NULL, NULL));
	/* not in the fund: bought for a direct issue */
	TH_OK(t, lend_issue(t->e, w.lib_a, w.tk[1], b3, 0, NULL, NULL));
	assert_int_equal(th_budget(t, w.lib), 200);
	lend_ledger *lg = NULL;
	TH_OK(t, lend_ledger_list(t->e, w.lib_a, w.lib, 0, 0, &lg));
	assert_string_equal(lend_ledger_entry_note(lend_ledger_get(lg, lend_ledger_count(lg) - 1)),
	                    "bought for a direct issue");
	lend_ledger_free(lg);
	/* the budget is never overridden */
	int64_t b4 = th_book(t, "Four", LEND_KIND_EBOOK, 300, 0);
	TH_DENIED(t, LEND_REASON_BUDGET, lend_issue(t->e, w.lib_a, w.tk[1], b4, 1, NULL, NULL));
	/* the copy limit is, with the override */
	TH_OK(t, lend_policy_set(t->e, w.lib_a, w.lib, LEND_KIND_ANY, LEND_SETTING_MAX_COPIES, 0));
	int64_t b5 = th_book(t, "Five", LEND_KIND_EBOOK, 100, 0);
	TH_DENIED(t, LEND_REASON_COPY_LIMIT, lend_issue(t->e, w.lib_a, w.tk[1], b5, 0, NULL, NULL));
	TH_OK(t, lend_issue(t->e, w.lib_a, w.tk[1], b5, 1, NULL, NULL));
	th_check_clean(t);
}

/* The monthly quota counts every book obtained in a calendar month. */
static void test_monthly_quota_month_boundary(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t b[3];
	for (int i = 0; i < 3; i++) {
		b[i] = th_book(t, "Book", LEND_KIND_EBOOK, 0, 0);
		th_copies(t, w.lib, b[i], 1);
	}
	TH_OK(t, lend_policy_set(t->e, w.lib_a, w.lib, LEND_KIND_ANY, LEND_SETTING_MONTHLY_QUOTA, 1));
	th_now = th_utc(2026, 1, 31, 23, 0, 0);
	TH_OK(t, lend_issue(t->e, w.lib_a, w.tk[0], b[0], 0, NULL, NULL));
	int64_t q = request(t, &w, 0, b[1]);
	TH_DENIED(t, LEND_REASON_MONTHLY_QUOTA, lend_request_approve(t->e, w.lib_a, q, NULL));
	assert_non_null(strstr(lend_engine_errmsg(t->e), "1 of 1 books this month"));
	TH_DENIED(t, LEND_REASON_MONTHLY_QUOTA, lend_issue(t->e, w.lib_a, w.tk[0], b[2], 0, NULL, NULL));
	th_now = th_utc(2026, 1, 31, 23, 59, 59);
	TH_DENIED(t, LEND_REASON_MONTHLY_QUOTA, lend_request_approve(t->e, w.lib_a, q, NULL));
	th_now = th_utc(2026, 2, 1, 0, 0, 0);
	TH_OK(t, lend_request_approve(t->e, w.lib_a, q, NULL));
	TH_DENIED(t, LEND_REASON_MONTHLY_QUOTA, lend_issue(t->e, w.lib_a, w.tk[0], b[2], 0, NULL, NULL));
	th_check_clean(t);
}

/* ------------------------------------------------------------ the ledger */

static void test_ledger(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t t1 = th_now;
	TH_OK(t, lend_budget_add(t->e, w.lib_a, w.lib, 10000, "grant from the city"));
	th_now += TH_DAY;
	int64_t t2 = th_now;
	int64_t b = th_book(t, "Take", LEND_KIND_EBOOK, 2500, 0);
	TH_OK(t, lend_take(t->e, w.ra[0], w.tk[0], b, NULL));
	th_now += TH_DAY;
	int64_t t3 = th_now;
	TH_OK(t, lend_budget_correct(t->e, w.lib_a, w.lib, -500, "bank fee"));
	TH_DENIED(t, LEND_REASON_BUDGET, lend_budget_correct(t->e, w.lib_a, w.lib, -7001, "too much"));
	TH_RC(t, LEND_EINVAL, lend_budget_correct(t->e, w.lib_a, w.lib, 0, "nothing"));
	TH_RC(t, LEND_EINVAL, lend_budget_correct(t->e, w.lib_a, w.lib, 100, NULL));
	TH_RC(t, LEND_EINVAL, lend_budget_correct(t->e, w.lib_a, w.lib, 100, "\xc3"));
	TH_RC(t, LEND_EINVAL, lend_budget_add(t->e, w.lib_a, w.lib, -5, "negative"));
	assert_int_equal(th_budget(t, w.lib), 7000);
	lend_ledger *lg = NULL;
	TH_OK(t, lend_ledger_list(t->e, w.lib_a, w.lib, 0, 0, &lg));
	assert_int_equal(lend_ledger_count(lg), 3);
	assert_int_equal(lend_ledger_entry_kind(lend_ledger_get(lg, 0)), LEND_LEDGER_TOPUP);
	assert_int_equal(lend_ledger_entry_at(lend_ledger_get(lg, 0)), t1);
	assert_string_equal(lend_ledger_entry_note(lend_ledger_get(lg, 0)), "grant from the city");
	assert_int_equal(lend_ledger_entry_kind(lend_ledger_get(lg, 1)), LEND_LEDGER_PURCHASE);
	assert_int_equal(lend_ledger_entry_actor_id(lend_ledger_get(lg, 1)), w.r[0]);
	assert_string_equal(lend_ledger_entry_note(lend_ledger_get(lg, 1)), "bought on a reader's self-service take");
	assert_int_equal(lend_ledger_entry_kind(lend_ledger_get(lg, 2)), LEND_LEDGER_CORRECTION);
	assert_int_equal(lend_ledger_entry_balance(lend_ledger_get(lg, 2)), 7000);
	lend_ledger_free(lg);
	/* a period: [t2, t3) holds the purchase alone, with its balance */
	TH_OK(t, lend_ledger_list(t->e, w.lib_a, w.lib, t2, t3, &lg));
	assert_int_equal(lend_ledger_count(lg), 1);
	assert_int_equal(lend_ledger_entry_amount(lend_ledger_get(lg, 0)), -2500);
	assert_int_equal(lend_ledger_entry_balance(lend_ledger_get(lg, 0)), 7500);
	assert_null(lend_ledger_get(lg, 1));
	lend_ledger_free(lg);
	TH_RC(t, LEND_EINVAL, lend_ledger_list(t->e, w.lib_a, w.lib, t3, t2, &lg));
	TH_RC(t, LEND_EINVAL, lend_ledger_list(t->e, w.lib_a, w.lib, 0, 0, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_ledger_list(t->e, t->admin, 9999, 0, 0, &lg));
	th_check_clean(t);
}

/* -------------------------------------------------------------- renewals */

static void test_renewals(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t b = th_book(t, "Long read", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, w.lib, b, 1);
	lend_loan *l = NULL;
	TH_OK(t, lend_take(t->e, w.ra[0], w.tk[0], b, &l));
	int64_t loan = lend_loan_id(l), due = lend_loan_due_at(l);
	lend_loan_free(l);
	TH_DENIED(t, LEND_REASON_RENEWALS_OFF, lend_renew(t->e, w.ra[0], loan, NULL));
	TH_OK(t, lend_policy_set(t->e, w.lib_a, w.lib, LEND_KIND_EBOOK, LEND_SETTING_RENEWALS, 1));
	TH_RC(t, LEND_EPERM, lend_renew(t->e, w.ra[1], loan, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_renew(t->e, w.ra[0], 9999, NULL));
	th_now += 10 * TH_DAY;
	TH_OK(t, lend_renew(t->e, w.ra[0], loan, &l));
	assert_int_equal(lend_loan_due_at(l), due + 14 * TH_DAY);
	lend_loan_free(l);
	char d[400], want[200];
	last_detail(t, LEND_NOTE_LOAN_RENEWED, d, sizeof d);
	snprintf(want, sizeof want, "due_at=%lld", (long long)(due + 14 * TH_DAY));
	assert_string_equal(d, want);
	TH_DENIED(t, LEND_REASON_ALREADY_RENEWED, lend_renew(t->e, w.ra[0], loan, NULL));
	/* the loan runs to its new due time */
	th_now = due + TH_DAY;
	TH_OK(t, lend_loan_get(t->e, w.ra[0], loan, &l));
	assert_int_equal(lend_loan_ended_at(l), 0);
	lend_loan_free(l);
	th_now = due + 14 * TH_DAY;
	TH_OK(t, lend_loan_get(t->e, w.ra[0], loan, &l));
	assert_int_equal(lend_loan_ended_at(l), due + 14 * TH_DAY);
	lend_loan_free(l);
	TH_RC(t, LEND_ESTATE, lend_renew(t->e, w.ra[0], loan, NULL));
	th_check_clean(t);
}

static void test_renewal_refused_someone_queued(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t b = th_book(t, "Wanted", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, w.lib, b, 1);
	TH_OK(t, lend_policy_set(t->e, w.lib_a, w.lib, LEND_KIND_ANY, LEND_SETTING_RENEWALS, 1));
	lend_loan *l = NULL;
	TH_OK(t, lend_take(t->e, w.ra[0], w.tk[0], b, &l));
	int64_t loan = lend_loan_id(l);
	lend_loan_free(l);
	lend_hold *h = NULL;
	TH_OK(t, lend_queue_join(t->e, w.ra[1], w.tk[1], b, &h));
	char *before = th_dump_db(t->path);
	TH_DENIED(t, LEND_REASON_SOMEONE_WAITS, lend_renew(t->e, w.ra[0], loan, NULL));
	assert_non_null(strstr(lend_engine_errmsg(t->e), "1 reader is waiting"));
	same_db(t, before);
	/* a reader who let the others go first does not stop a renewal */
	TH_OK(t, lend_queue_suspend(t->e, w.ra[1], lend_hold_id(h), th_now + 60 * TH_DAY));
	TH_OK(t, lend_renew(t->e, w.lib_a, loan, NULL));
	lend_hold_free(h);
	/* a per-ticket override switches renewals off for one card */
	TH_OK(t, lend_take(t->e, w.ra[2], w.tk[2], th_book(t, "x", LEND_KIND_EBOOK, 0, 0), &l));
	lend_loan_free(l);
	th_check_clean(t);
}

/* ------------------------------------------------------ reserve hand-off */

static int64_t only_reserve(th *t, int64_t reader, int active_only)
{
	lend_reserves *l = NULL;
	TH_OK(t, lend_reserve_list(t->e, t->admin, reader, active_only, &l));
	int64_t id = lend_reserves_count(l) == 1 ? lend_reserve_id(lend_reserves_get(l, 0)) : 0;
	lend_reserves_free(l);
	return id;
}

/* Reserve mode: the first waiting reader lets the copy lapse, the next one
 * confirms. */
static void test_reserve_lapse_and_confirm(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t b = th_book(t, "Reserved", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, w.lib, b, 1);
	TH_OK(t, lend_policy_set(t->e, w.lib_a, w.lib, LEND_KIND_ANY, LEND_SETTING_HANDOFF_MODE, 1));
	int64_t l0 = 0;
	int64_t h1 = lent_with_queue(t, &w, b, &l0);
	lend_hold *h = NULL;
	TH_OK(t, lend_queue_join(t->e, w.ra[2], w.tk[2], b, &h));
	int64_t h2 = lend_hold_id(h);
	lend_hold_free(h);
	th_now += 3600;
	int64_t freed = th_now;
	TH_OK(t, lend_return(t->e, w.ra[0], l0));
	/* reserved for R1 for 3 days: not issued, not free for anyone else */
	int64_t r1 = only_reserve(t, w.r[1], 1);
	assert_true(r1 > 0);
	lend_reserve *rv = NULL;
	TH_OK(t, lend_reserve_get(t->e, w.ra[1], r1, &rv));
	assert_int_equal(lend_reserve_expires_at(rv), freed + 3 * TH_DAY);
	assert_int_equal(lend_reserve_hold_id(rv), h1);
	assert_int_equal(lend_reserve_state(rv), LEND_RESERVE_ACTIVE);
	lend_reserve_free(rv);
	TH_RC(t, LEND_EPERM, lend_reserve_get(t->e, w.ra[2], r1, &rv));
	char d[400], want[200];
	last_detail(t, LEND_NOTE_RESERVE_WAITING, d, sizeof d);
	snprintf(want, sizeof want, "reserve_id=%lld\nexpires_at=%lld", (long long)r1, (long long)(freed + 3 * TH_DAY));
	assert_string_equal(d, want);
	int st = 0, on_loan = -1;
	th_hold(t, h1, &st, NULL, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_WAITING);
	TH_OK(t, th_fund(t, w.lib, b, NULL, &on_loan, NULL));
	assert_int_equal(on_loan, 0);
	int64_t r3 = th_reader(t, "Other", 1990, 1, 1);
	int64_t tk3 = th_ticket(t, w.lib, r3);
	lend_actor *a3 = th_as_reader(t, r3);
	TH_DENIED(t, LEND_REASON_NO_FREE_COPY, lend_take(t->e, a3, tk3, b, NULL));
	TH_OK(t, lend_queue_join(t->e, a3, tk3, b, &h)); /* behind R2, with a wait */
	assert_int_equal(lend_hold_position(h), 3);
	assert_int_equal(lend_hold_wait_until(h), th_now + 28 * TH_DAY); /* R1 keeps it, then R2 */
	lend_hold_free(h);
	TH_DENIED(t, LEND_REASON_COPIES_ON_LOAN, lend_fund_remove_copies(t->e, w.lib_a, w.lib, b, 1));
	TH_RC(t, LEND_EPERM, lend_reserve_confirm(t->e, w.ra[2], r1, NULL));
	th_check_clean(t);
	/* one second before its time it still waits; at its time it lapses */
	th_now = freed + 3 * TH_DAY - 1;
	th_hold(t, h1, &st, NULL, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_WAITING);
	th_now = freed + 3 * TH_DAY;
	th_hold(t, h1, &st, NULL, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_LEFT);
	TH_OK(t, lend_reserve_get(t->e, w.ra[1], r1, &rv));
	assert_int_equal(lend_reserve_state(rv), LEND_RESERVE_LAPSED);
	assert_int_equal(lend_reserve_ended_at(rv), freed + 3 * TH_DAY);
	lend_reserve_free(rv);
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_RESERVE_LAPSED, 0), 1);
	TH_RC(t, LEND_ESTATE, lend_reserve_confirm(t->e, w.ra[1], r1, NULL));
	/* the copy passed on to R2 */
	int64_t r2 = only_reserve(t, w.r[2], 1);
	assert_true(r2 > 0);
	th_check_clean(t);
	th_now += TH_DAY;
	lend_loan *l = NULL;
	TH_OK(t, lend_reserve_confirm(t->e, w.ra[2], r2, &l));
	assert_int_equal(lend_loan_origin(l), LEND_ORIGIN_QUEUE);
	assert_int_equal(lend_loan_issued_at(l), th_now);
	int64_t loan = lend_loan_id(l);
	lend_loan_free(l);
	int64_t served_loan = 0;
	th_hold(t, h2, &st, NULL, NULL, &served_loan);
	assert_int_equal(st, LEND_HOLD_SERVED);
	assert_int_equal(served_loan, loan);
	TH_OK(t, lend_reserve_get(t->e, w.ra[2], r2, &rv));
	assert_int_equal(lend_reserve_state(rv), LEND_RESERVE_CONFIRMED);
	assert_int_equal(lend_reserve_loan_id(rv), loan);
	lend_reserve_free(rv);
	TH_RC(t, LEND_ESTATE, lend_reserve_confirm(t->e, w.ra[2], r2, NULL));
	assert_int_equal(only_reserve(t, w.r[2], 1), 0);
	th_check_clean(t);
}

/* Declining, or leaving the queue, passes the reserved copy on at once; a
 * reader who may not have it now cannot confirm. */
static void test_reserve_decline_and_leave(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t b = th_book(t, "Reserved", LEND_KIND_AUDIOBOOK, 0, 0);
	th_copies(t, w.lib, b, 1);
	TH_OK(t, lend_policy_set(t->e, w.lib_a, w.lib, LEND_KIND_AUDIOBOOK, LEND_SETTING_HANDOFF_MODE, 1));
	TH_OK(t, lend_policy_set(t->e, w.lib_a, w.lib, LEND_KIND_ANY, LEND_SETTING_RESERVE_DAYS, 5));
	int64_t l0 = 0;
	int64_t h1 = lent_with_queue(t, &w, b, &l0);
	TH_OK(t, lend_queue_join(t->e, w.ra[2], w.tk[2], b, NULL));
	TH_OK(t, lend_return(t->e, w.ra[0], l0));
	int64_t r1 = only_reserve(t, w.r[1], 1);
	lend_reserve *rv = NULL;
	TH_OK(t, lend_reserve_get(t->e, w.lib_a, r1, &rv));
	assert_int_equal(lend_reserve_expires_at(rv), th_now + 5 * TH_DAY);
	lend_reserve_free(rv);
	/* blocked: cannot confirm, nothing changes */
	TH_OK(t, lend_ticket_set_blocked(t->e, w.lib_a, w.tk[1], 1));
	TH_DENIED(t, LEND_REASON_TICKET_BLOCKED, lend_reserve_confirm(t->e, w.ra[1], r1, NULL));
	TH_OK(t, lend_ticket_set_blocked(t->e, w.lib_a, w.tk[1], 0));
	/* leaving the queue ends the reservation: R2 gets one */
	TH_OK(t, lend_queue_leave(t->e, w.ra[1], h1));
	TH_OK(t, lend_reserve_get(t->e, w.ra[1], r1, &rv));
	assert_int_equal(lend_reserve_state(rv), LEND_RESERVE_CANCELLED);
	lend_reserve_free(rv);
	int64_t r2 = only_reserve(t, w.r[2], 1);
	assert_true(r2 > 0);
	th_check_clean(t);
	/* R2 declines: nobody else waits, the copy is free again */
	TH_RC(t, LEND_EPERM, lend_reserve_decline(t->e, w.ra[1], r2));
	TH_OK(t, lend_reserve_decline(t->e, w.ra[2], r2));
	int on_loan = -1, waiting = -1;
	TH_OK(t, th_fund(t, w.lib, b, NULL, &on_loan, &waiting));
	assert_int_equal(on_loan, 0);
	assert_int_equal(waiting, 0);
	TH_OK(t, lend_take(t->e, w.ra[0], w.tk[0], b, NULL));
	lend_reserves *all = NULL;
	TH_OK(t, lend_reserve_list(t->e, w.ra[2], w.r[2], 0, &all));
	assert_int_equal(lend_reserves_count(all), 1);
	assert_int_equal(lend_reserve_state(lend_reserves_get(all, 0)), LEND_RESERVE_CANCELLED);
	lend_reserves_free(all);
	TH_RC(t, LEND_EPERM, lend_reserve_list(t->e, w.ra[1], w.r[2], 0, &all));
	th_check_clean(t);
}

/* ------------------------------------------------------------- licenses */

static void license_state(th *t, int64_t lib, int64_t book, size_t i, int *on_loan, int64_t *closed_at,
                          int64_t *checkouts)
{
	lend_licenses *ls = NULL;
	TH_OK(t, lend_license_list(t->e, t->admin, lib, book, &ls));
	const lend_license *l = lend_licenses_get(ls, i);
	assert_non_null(l);
	if (on_loan)
		*on_loan = lend_license_on_loan(l);
	if (closed_at)
		*closed_at = lend_license_closed_at(l);
	if (checkouts)
		*checkouts = lend_license_checkouts_left(l);
	lend_licenses_free(ls);
}

/* The soonest-expiring license is spent first; an expired one lends no
 * more, and its copies leave the fund as their loans end. */
static void test_license_spending_and_expiry(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t b = th_book(t, "Licensed", LEND_KIND_EBOOK, 100000, 0);
	int64_t late = 0, soon = 0;
	TH_OK(t, lend_license_add(t->e, w.lib_a, w.lib, b, 1, T0 + 20 * TH_DAY, LEND_UNLIMITED, &late));
	TH_OK(t, lend_license_add(t->e, w.lib_a, w.lib, b, 1, T0 + 5 * TH_DAY, LEND_UNLIMITED, &soon));
	assert_true(late > 0 && soon > late);
	int copies = 0, on_loan = 0;
	TH_OK(t, th_fund(t, w.lib, b, &copies, NULL, NULL));
	assert_int_equal(copies, 2);
	TH_OK(t, lend_take(t->e, w.ra[0], w.tk[0], b, NULL)); /* on the one expiring at +5d */
	int n = -1;
	license_state(t, w.lib, b, 1, &n, NULL, NULL);
	assert_int_equal(n, 1);
	license_state(t, w.lib, b, 0, &n, NULL, NULL);
	assert_int_equal(n, 0);
	TH_OK(t, lend_take(t->e, w.ra[1], w.tk[1], b, NULL));
	lend_hold *h = NULL;
	TH_OK(t, lend_queue_join(t->e, w.ra[2], w.tk[2], b, &h));
	int64_t hold = lend_hold_id(h);
	lend_hold_free(h);
	/* the +5d license expires in the middle of the queue */
	th_now = T0 + 5 * TH_DAY;
	int64_t closed = 0;
	license_state(t, w.lib, b, 1, &n, &closed, NULL);
	assert_int_equal(closed, T0 + 5 * TH_DAY);
	assert_int_equal(n, 1);
	TH_OK(t, th_fund(t, w.lib, b, &copies, &on_loan, NULL));
	assert_int_equal(copies, 2); /* its loan still runs */
	th_check_clean(t);
	/* both loans end: the expired license's copy leaves, the other goes to R2 */
	th_now = T0 + 14 * TH_DAY;
	int st = 0;
	th_hold(t, hold, &st, NULL, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_SERVED);
	TH_OK(t, th_fund(t, w.lib, b, &copies, &on_loan, NULL));
	assert_int_equal(copies, 1);
	assert_int_equal(on_loan, 1);
	th_check_clean(t);
	/* the last license expires; once R2's loan ends the fund is empty */
	th_now = T0 + 28 * TH_DAY;
	TH_OK(t, th_fund(t, w.lib, b, &copies, &on_loan, NULL));
	assert_int_equal(copies, 0);
	assert_int_equal(on_loan, 0);
	lend_availability *v = NULL;
	TH_OK(t, lend_availability_get(t->e, w.ra[0], w.tk[0], b, &v));
	assert_int_equal(lend_availability_verdict(v), LEND_VERDICT_REQUEST);
	lend_availability_free(v);
	th_check_clean(t);
}

/* A queue waits on while the only license has expired; a new license
 * serves it at once. */
static void test_license_expiry_mid_queue(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t b = th_book(t, "Licensed", LEND_KIND_AUDIOBOOK, 0, 0);
	TH_OK(t, lend_license_add(t->e, w.lib_a, w.lib, b, 1, T0 + 10 * TH_DAY, LEND_UNLIMITED, NULL));
	TH_OK(t, lend_take(t->e, w.ra[0], w.tk[0], b, NULL));
	lend_hold *h = NULL;
	TH_OK(t, lend_queue_join(t->e, w.ra[1], w.tk[1], b, &h));
	int64_t hold = lend_hold_id(h);
	lend_hold_free(h);
	th_now = T0 + 14 * TH_DAY + 1;
	int st = 0;
	th_hold(t, hold, &st, NULL, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_WAITING);
	int copies = -1;
	TH_OK(t, th_fund(t, w.lib, b, &copies, NULL, NULL));
	assert_int_equal(copies, 0);
	th_check_clean(t);
	TH_OK(t, lend_license_add(t->e, w.lib_a, w.lib, b, 2, 0, 5, NULL));
	th_hold(t, hold, &st, NULL, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_SERVED);
	th_check_clean(t);
}

/* Checkouts: a used-up license lends no more; perpetual copies are spent
 * after licenses and are the only ones withdrawn. */
static void test_license_checkouts_and_perpetual(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t b = th_book(t, "Licensed", LEND_KIND_EBOOK, 100, 0);
	th_copies(t, w.lib, b, 1); /* perpetual */
	TH_OK(t, lend_license_add(t->e, w.lib_a, w.lib, b, 1, 0, 2, NULL));
	TH_DENIED(t, LEND_REASON_COPIES_ON_LOAN, lend_fund_remove_copies(t->e, w.lib_a, w.lib, b, 2));
	lend_loan *l = NULL;
	TH_OK(t, lend_take(t->e, w.ra[0], w.tk[0], b, &l)); /* on the license (1 checkout left) */
	int n = -1;
	int64_t left = 0, closed = 0;
	license_state(t, w.lib, b, 0, &n, &closed, &left);
	assert_int_equal(n, 1);
	assert_int_equal(left, 1);
	TH_OK(t, lend_return(t->e, w.ra[0], lend_loan_id(l)));
	lend_loan_free(l);
	TH_OK(t, lend_take(t->e, w.ra[1], w.tk[1], b, &l)); /* the last checkout: the license closes */
	license_state(t, w.lib, b, 0, &n, &closed, &left);
	assert_int_equal(left, 0);
	assert_int_equal(closed, th_now);
	TH_OK(t, lend_take(t->e, w.ra[2], w.tk[2], b, NULL)); /* the perpetual copy */
	int copies = -1;
	TH_OK(t, th_fund(t, w.lib, b, &copies, NULL, NULL));
	assert_int_equal(copies, 2);
	th_check_clean(t);
	TH_OK(t, lend_return(t->e, w.ra[1], lend_loan_id(l)));
	lend_loan_free(l);
	TH_OK(t, th_fund(t, w.lib, b, &copies, NULL, NULL));
	assert_int_equal(copies, 1);
	TH_DENIED(t, LEND_REASON_COPIES_ON_LOAN, lend_fund_remove_copies(t->e, w.lib_a, w.lib, b, 1));
	th_check_clean(t);
	/* bad input and rights */
	TH_RC(t, LEND_EINVAL, lend_license_add(t->e, w.lib_a, w.lib, b, 0, 0, LEND_UNLIMITED, NULL));
	TH_RC(t, LEND_EINVAL, lend_license_add(t->e, w.lib_a, w.lib, b, 1, 0, 0, NULL));
	TH_RC(t, LEND_EINVAL, lend_license_add(t->e, w.lib_a, w.lib, b, 1, -5, LEND_UNLIMITED, NULL));
	TH_RC(t, LEND_EINVAL, lend_license_add(t->e, w.lib_a, w.lib, b, 1, th_now, LEND_UNLIMITED, NULL));
	TH_RC(t, LEND_EPERM, lend_license_add(t->e, w.ra[0], w.lib, b, 1, 0, LEND_UNLIMITED, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_license_add(t->e, w.lib_a, w.lib, 99999, 1, 0, LEND_UNLIMITED, NULL));
	lend_licenses *ls = NULL;
	TH_RC(t, LEND_EPERM, lend_license_list(t->e, w.ra[0], w.lib, b, &ls));
	th_check_clean(t);
}

/* A license expiring under a reserved copy: the reservation is withdrawn,
 * the reader keeps his place. */
static void test_license_expiry_under_reservation(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t b = th_book(t, "Licensed", LEND_KIND_EBOOK, 0, 0);
	TH_OK(t, lend_policy_set(t->e, w.lib_a, w.lib, LEND_KIND_ANY, LEND_SETTING_HANDOFF_MODE, 1));
	TH_OK(t, lend_license_add(t->e, w.lib_a, w.lib, b, 1, T0 + 2 * TH_DAY, LEND_UNLIMITED, NULL));
	int64_t l0 = 0;
	int64_t hold = lent_with_queue(t, &w, b, &l0);
	TH_OK(t, lend_return(t->e, w.ra[0], l0));
	int64_t r1 = only_reserve(t, w.r[1], 1);
	assert_true(r1 > 0);
	th_now = T0 + 2 * TH_DAY;
	lend_reserve *rv = NULL;
	TH_OK(t, lend_reserve_get(t->e, w.ra[1], r1, &rv));
	assert_int_equal(lend_reserve_state(rv), LEND_RESERVE_CANCELLED);
	lend_reserve_free(rv);
	int st = 0;
	th_hold(t, hold, &st, NULL, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_WAITING);
	int copies = -1;
	TH_OK(t, th_fund(t, w.lib, b, &copies, NULL, NULL));
	assert_int_equal(copies, 0);
	th_check_clean(t);
	/* a new license: the copy is reserved for him again */
	TH_OK(t, lend_license_add(t->e, w.lib_a, w.lib, b, 1, 0, LEND_UNLIMITED, NULL));
	assert_true(only_reserve(t, w.r[1], 1) > r1);
	th_check_clean(t);
}

/* --------------------------------------------------------- wait estimates */

/* With fewer than 20 ended loans the estimate is the due dates; once the
 * library's readers are seen to finish in half the period, it halves. */
static void test_wait_estimate_from_history(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t hist = th_book(t, "History", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, w.lib, hist, 1);
	for (int i = 0; i < 20; i++) {
		lend_loan *l = NULL;
		TH_OK(t, lend_take(t->e, w.ra[i % 3], w.tk[i % 3], hist, &l));
		th_now += 7 * TH_DAY; /* returned after 7 of 14 days */
		TH_OK(t, lend_return(t->e, w.ra[i % 3], lend_loan_id(l)));
		lend_loan_free(l);
		if (i == 18) {
			/* 19 ended loans: not enough history yet */
			int64_t b = th_book(t, "Early", LEND_KIND_EBOOK, 0, 0);
			th_copies(t, w.lib, b, 1);
			TH_OK(t, lend_take(t->e, w.ra[0], w.tk[0], b, NULL));
			lend_hold *h = NULL;
			TH_OK(t, lend_queue_join(t->e, w.ra[1], w.tk[1], b, &h));
			assert_int_equal(lend_hold_wait_until(h), th_now + 14 * TH_DAY);
			lend_hold_free(h);
		}
	}
	int64_t b = th_book(t, "Wanted", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, w.lib, b, 1);
	TH_OK(t, lend_take(t->e, w.ra[2], w.tk[2], b, NULL));
	int64_t r3 = th_reader(t, "Fourth", 1990, 1, 1);
	int64_t tk3 = th_ticket(t, w.lib, r3);
	lend_hold *h = NULL;
	TH_OK(t, lend_queue_join(t->e, th_as_reader(t, r3), tk3, b, &h));
	assert_int_equal(lend_hold_position(h), 1);
	assert_int_equal(lend_hold_wait_until(h), th_now + 7 * TH_DAY);
	lend_hold_free(h);
	/* the second in line: one more (shortened) loan period after that */
	TH_OK(t, lend_queue_join(t->e, w.ra[1], w.tk[1], b, &h));
	assert_int_equal(lend_hold_position(h), 2);
	assert_int_equal(lend_hold_wait_until(h), th_now + 14 * TH_DAY);
	lend_hold_free(h);
	lend_availability *v = NULL;
	TH_OK(t, lend_availability_get(t->e, w.ra[0], w.tk[0], b, &v));
	assert_int_equal(lend_availability_verdict(v), LEND_VERDICT_QUEUE);
	assert_int_equal(lend_availability_wait_until(v), th_now + 21 * TH_DAY);
	lend_availability_free(v);
	th_check_clean(t);
}

/* ------------------------------------------- validity starting mid-day */

/* Spec section 6: a copy freed while its waiting reader's card is not yet
 * valid must go to him as soon as the card becomes valid, on any call. */
static void test_validity_starts_midday(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t b = th_book(t, "B", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, w.lib, b, 1);
	int64_t l0 = 0;
	int64_t hold = lent_with_queue(t, &w, b, &l0);
	th_now = th_utc(2026, 1, 12, 10, 0, 0);
	TH_OK(t, lend_ticket_set_validity(t->e, w.lib_a, w.tk[1], th_utc(2026, 1, 12, 14, 0, 0), 0));
	th_now = th_utc(2026, 1, 12, 11, 0, 0);
	TH_OK(t, lend_return(t->e, w.ra[0], l0));
	int st = 0;
	th_hold(t, hold, &st, NULL, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_WAITING);
	int on_loan = -1;
	TH_OK(t, th_fund(t, w.lib, b, NULL, &on_loan, NULL));
	assert_int_equal(on_loan, 0);
	th_now = th_utc(2026, 1, 12, 14, 0, 1);
	int64_t loan = 0;
	th_hold(t, hold, &st, NULL, NULL, &loan);
	assert_int_equal(st, LEND_HOLD_SERVED);
	assert_true(loan > 0);
	th_check_clean(t);
}

/* The same after the engine was reopened: the first call's sweep serves. */
static void test_validity_starts_after_reopen(void **state)
{
	th *t = *state;
	world w;
	make_world(t, &w, 0);
	int64_t b = th_book(t, "B", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, w.lib, b, 1);
	int64_t l0 = 0;
	int64_t hold = lent_with_queue(t, &w, b, &l0);
	TH_OK(t, lend_ticket_set_validity(t->e, w.lib_a, w.tk[1], th_utc(2026, 1, 12, 14, 0, 0), 0));
	th_now = th_utc(2026, 1, 12, 11, 0, 0);
	TH_OK(t, lend_return(t->e, w.ra[0], l0));
	/* a second engine on the same file, active since before 14:00 */
	th_now = th_utc(2026, 1, 12, 12, 0, 0);
	lend_options *o = NULL;
	assert_int_equal(lend_options_new(&o), LEND_OK);
	lend_options_set_clock(o, th_clock, NULL);
	lend_engine *e2 = NULL;
	assert_int_equal(lend_engine_open(&e2, t->path, o), LEND_OK);
	lend_options_free(o);
	lend_actor *adm = NULL;
	assert_int_equal(lend_actor_admin(e2, &adm), LEND_OK);
	lend_hold *h2 = NULL;
	assert_int_equal(lend_hold_get(e2, adm, hold, &h2), LEND_OK);
	assert_int_equal(lend_hold_state(h2), LEND_HOLD_WAITING);
	lend_hold_free(h2);
	th_now = th_utc(2026, 1, 12, 14, 0, 1);
	assert_int_equal(lend_hold_get(e2, adm, hold, &h2), LEND_OK);
	assert_int_equal(lend_hold_state(h2), LEND_HOLD_SERVED);
	lend_hold_free(h2);
	lend_actor_free(adm);
	lend_engine_close(e2);
	th_check_clean(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_request_approve_free_copy, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_request_approve_exact_budget, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_request_approve_one_kopeck_short, th_setup_file, th_teardown),
		cmocka_unit_test_setup_teardown(test_request_approve_queues, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_request_approve_copy_limit, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_request_approve_max_loans, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_request_deny, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_request_duplicates_and_max, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_request_pending_context, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_desk_other_library, th_setup_file, th_teardown),
		cmocka_unit_test_setup_teardown(test_desk_bad_input, th_setup_file, th_teardown),
		cmocka_unit_test_setup_teardown(test_ticket_administration, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_direct_issue, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_monthly_quota_month_boundary, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_ledger, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_renewals, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_renewal_refused_someone_queued, th_setup_file, th_teardown),
		cmocka_unit_test_setup_teardown(test_reserve_lapse_and_confirm, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_reserve_decline_and_leave, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_license_spending_and_expiry, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_license_expiry_mid_queue, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_license_checkouts_and_perpetual, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_license_expiry_under_reservation, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_wait_estimate_from_history, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_validity_starts_midday, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_validity_starts_after_reopen, th_setup_file, th_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
