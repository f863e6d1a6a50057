/* tests/test_circulation.c — circulation as a library lives it, with a
 * driven clock: taking, limits, buying into the fund, refusals, loans ending
 * by themselves, queues and hand-off, suspension, notifications
 * (spec sections 2, 3, 4, 6, 9 and 10). */
#include <stdio.h>
#include <string.h>

#include "helpers.h"

#define MAXR 8

/* One library, n adult readers with a ticket each. */
typedef struct world {
	th *t;
	int64_t lib;
	int64_t r[MAXR];
	int64_t tk[MAXR];
	lend_actor *a[MAXR];
} world;

static void world_init(world *w, th *t, int n, int64_t budget)
{
	memset(w, 0, sizeof *w);
	w->t = t;
	w->lib = th_library(t, "Central Library", budget);
	for (int i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof name, "Reader %d", i);
		w->r[i] = th_reader(t, name, 1990, 1, 1);
		w->tk[i] = th_ticket(t, w->lib, w->r[i]);
		w->a[i] = th_as_reader(t, w->r[i]);
	}
}

/* Reader i takes a book; returns the loan id. */
static int64_t take(world *w, int i, int64_t book)
{
	lend_loan *l = NULL;
	TH_OK(w->t, lend_take(w->t->e, w->a[i], w->tk[i], book, &l));
	assert_non_null(l);
	int64_t id = lend_loan_id(l);
	assert_true(id > 0);
	lend_loan_free(l);
	return id;
}

static int64_t join(world *w, int i, int64_t book)
{
	lend_hold *h = NULL;
	TH_OK(w->t, lend_queue_join(w->t->e, w->a[i], w->tk[i], book, &h));
	assert_non_null(h);
	int64_t id = lend_hold_id(h);
	assert_int_equal(lend_hold_state(h), LEND_HOLD_WAITING);
	lend_hold_free(h);
	return id;
}

typedef struct verdict {
	int verdict, reason, buys, position, queued;
	int64_t wait_until, loan_id;
	char message[256];
} verdict;

static verdict avail(world *w, int i, int64_t book)
{
	lend_availability *v = NULL;
	verdict out;
	TH_OK(w->t, lend_availability_get(w->t->e, w->a[i], w->tk[i], book, &v));
	out.verdict = lend_availability_verdict(v);
	out.reason = lend_availability_reason(v);
	out.buys = lend_availability_buys(v);
	out.position = lend_availability_position(v);
	out.queued = lend_availability_queued(v);
	out.wait_until = lend_availability_wait_until(v);
	out.loan_id = lend_availability_loan_id(v);
	snprintf(out.message, sizeof out.message, "%s", lend_availability_message(v));
	lend_availability_free(v);
	assert_true(out.message[0] != '\0');
	return out;
}

static void expect_verdict(world *w, int i, int64_t book, int want, int reason)
{
	verdict v = avail(w, i, book);
	if (v.verdict != want || v.reason != reason)
		print_message("verdict %d reason %d (%s), expected %d reason %d\n", v.verdict, v.reason, v.message, want,
		              reason);
	assert_int_equal(v.verdict, want);
	assert_int_equal(v.reason, reason);
}

typedef struct loaninfo {
	int64_t ticket, reader, library, book, issued, due, ended;
	int origin, end;
} loaninfo;

static loaninfo loan(th *t, int64_t id)
{
	lend_loan *l = NULL;
	TH_OK(t, lend_loan_get(t->e, t->admin, id, &l));
	loaninfo i = {lend_loan_ticket_id(l), lend_loan_reader_id(l),   lend_loan_library_id(l),
	              lend_loan_book_id(l),   lend_loan_issued_at(l),   lend_loan_due_at(l),
	              lend_loan_ended_at(l),  lend_loan_origin(l),      lend_loan_end_reason(l)};
	assert_int_equal(lend_loan_id(l), id);
	lend_loan_free(l);
	return i;
}

static int64_t book1(th *t, const char *title, int copies, int64_t lib)
{
	int64_t b = th_book(t, title, LEND_KIND_EBOOK, 39900, 0);
	if (copies)
		th_copies(t, lib, b, copies);
	return b;
}

/* --------------------------------------------------------------- taking */

static void test_take_free_copy(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 1, 0);
	int64_t b = book1(t, "Мастер и Маргарита", 1, w.lib);
	expect_verdict(&w, 0, b, LEND_VERDICT_TAKE, LEND_REASON_NONE);
	assert_int_equal(avail(&w, 0, b).buys, 0);
	int64_t id = take(&w, 0, b);
	loaninfo l = loan(t, id);
	assert_int_equal(l.ticket, w.tk[0]);
	assert_int_equal(l.reader, w.r[0]);
	assert_int_equal(l.library, w.lib);
	assert_int_equal(l.book, b);
	assert_int_equal(l.origin, LEND_ORIGIN_SELF);
	assert_int_equal(l.issued, th_now);
	assert_int_equal(l.due, th_now + 14 * TH_DAY);
	assert_int_equal(l.ended, 0);
	assert_int_equal(l.end, LEND_END_NONE);
	int copies, on_loan;
	th_fund(t, w.lib, b, &copies, &on_loan, NULL);
	assert_int_equal(copies, 1);
	assert_int_equal(on_loan, 1);
	verdict v = avail(&w, 0, b);
	assert_int_equal(v.verdict, LEND_VERDICT_YOURS);
	assert_int_equal(v.loan_id, id);
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_LOAN_ISSUED, id), 1);
	assert_int_equal(th_outbox_count(t, 0), 1);
	/* the reader sees it on his shelf */
	lend_loans *ls = NULL;
	TH_OK(t, lend_loan_list(t->e, w.a[0], w.r[0], 1, &ls));
	assert_int_equal(lend_loans_count(ls), 1);
	assert_int_equal(lend_loan_id(lend_loans_get(ls, 0)), id);
	lend_loans_free(ls);
	th_check_clean(t);
}

static void test_self_service_limit(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 1, 0);
	int64_t b[4];
	for (int i = 0; i < 4; i++)
		b[i] = book1(t, "Book", 1, w.lib);
	for (int i = 0; i < 3; i++)
		take(&w, 0, b[i]);
	TH_DENIED(t, LEND_REASON_SELF_SERVICE_LIMIT, lend_take(t->e, w.a[0], w.tk[0], b[3], NULL));
	if (!strstr(lend_engine_errmsg(t->e), "3 of 3"))
		print_message("message: %s\n", lend_engine_errmsg(t->e));
	assert_non_null(strstr(lend_engine_errmsg(t->e), "3 of 3"));
	expect_verdict(&w, 0, b[3], LEND_VERDICT_REQUEST, LEND_REASON_SELF_SERVICE_LIMIT);
	assert_non_null(strstr(avail(&w, 0, b[3]).message, "3 of 3"));
	/* the reader reads his own limits */
	lend_limits *lim = NULL;
	TH_OK(t, lend_limits_get(t->e, w.a[0], w.tk[0], LEND_KIND_EBOOK, &lim));
	assert_int_equal(lend_limits_value(lim, LEND_SETTING_SELF_SERVICE_LIMIT), 3);
	assert_int_equal(lend_limits_used(lim, LEND_SETTING_SELF_SERVICE_LIMIT), 3);
	assert_int_equal(lend_limits_used(lim, LEND_SETTING_MAX_LOANS), 3);
	assert_int_equal(lend_limits_value(lim, LEND_SETTING_MAX_LOANS), 10);
	assert_non_null(strstr(lend_limits_summary(lim), "3 of 3 self-service"));
	lend_limits_free(lim);
	assert_int_equal(th_loan_count(t, w.r[0], 1), 3);
	int on_loan;
	th_fund(t, w.lib, b[3], NULL, &on_loan, NULL);
	assert_int_equal(on_loan, 0);
	th_check_clean(t);
}

static void test_max_loans(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 1, 0);
	TH_OK(t, lend_policy_set(t->e, t->admin, w.lib, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 2));
	int64_t b[3];
	for (int i = 0; i < 3; i++)
		b[i] = book1(t, "Book", 1, w.lib);
	take(&w, 0, b[0]);
	take(&w, 0, b[1]);
	TH_DENIED(t, LEND_REASON_MAX_LOANS, lend_take(t->e, w.a[0], w.tk[0], b[2], NULL));
	assert_non_null(strstr(lend_engine_errmsg(t->e), "2 of 2"));
	expect_verdict(&w, 0, b[2], LEND_VERDICT_REQUEST, LEND_REASON_MAX_LOANS);
	assert_int_equal(th_loan_count(t, w.r[0], 1), 2);
	/* the ticket's own override wins over the library's value */
	TH_OK(t, lend_ticket_set_limit(t->e, t->admin, w.tk[0], LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 3));
	take(&w, 0, b[2]);
	assert_int_equal(th_loan_count(t, w.r[0], 1), 3);
	/* and clearing it falls back to the library's */
	TH_OK(t, lend_ticket_clear_limit(t->e, t->admin, w.tk[0], LEND_KIND_ANY, LEND_SETTING_MAX_LOANS));
	lend_limits *lim = NULL;
	TH_OK(t, lend_limits_get(t->e, w.a[0], w.tk[0], LEND_KIND_EBOOK, &lim));
	assert_int_equal(lend_limits_value(lim, LEND_SETTING_MAX_LOANS), 2);
	lend_limits_free(lim);
	th_check_clean(t);
}

static void test_take_that_buys(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 2, 100000);
	int64_t b = th_book(t, "Война и мир", LEND_KIND_EBOOK, 39900, 0);
	assert_int_equal(th_fund(t, w.lib, b, NULL, NULL, NULL), LEND_ENOTFOUND);
	verdict v = avail(&w, 0, b);
	assert_int_equal(v.verdict, LEND_VERDICT_TAKE);
	assert_int_equal(v.buys, 1);
	int64_t id = take(&w, 0, b);
	assert_int_equal(th_budget(t, w.lib), 100000 - 39900);
	int copies, on_loan;
	assert_int_equal(th_fund(t, w.lib, b, &copies, &on_loan, NULL), LEND_OK);
	assert_int_equal(copies, 1);
	assert_int_equal(on_loan, 1);
	assert_int_equal(loan(t, id).origin, LEND_ORIGIN_SELF);
	/* the book is in the fund now: the next reader queues */
	v = avail(&w, 1, b);
	assert_int_equal(v.verdict, LEND_VERDICT_QUEUE);
	assert_int_equal(v.reason, LEND_REASON_NO_FREE_COPY);
	assert_int_equal(v.position, 1);
	TH_DENIED(t, LEND_REASON_NO_FREE_COPY, lend_take(t->e, w.a[1], w.tk[1], b, NULL));
	assert_int_equal(th_budget(t, w.lib), 100000 - 39900);
	th_check_clean(t); /* includes: budget == the ledger's sum, never negative */
}

static void test_too_expensive(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 1, 1000000);
	TH_OK(t, lend_policy_set(t->e, t->admin, w.lib, LEND_KIND_ANY, LEND_SETTING_MAX_SELF_PRICE, 30000));
	int64_t b = th_book(t, "Expensive", LEND_KIND_EBOOK, 39900, 0);
	int64_t cheap = th_book(t, "Cheap", LEND_KIND_EBOOK, 30000, 0);
	expect_verdict(&w, 0, b, LEND_VERDICT_REQUEST, LEND_REASON_TOO_EXPENSIVE);
	TH_DENIED(t, LEND_REASON_TOO_EXPENSIVE, lend_take(t->e, w.a[0], w.tk[0], b, NULL));
	assert_int_equal(th_budget(t, w.lib), 1000000);
	assert_int_equal(th_fund(t, w.lib, b, NULL, NULL, NULL), LEND_ENOTFOUND);
	assert_int_equal(th_loan_count(t, w.r[0], 0), 0);
	/* exactly the max price is fine */
	verdict v = avail(&w, 0, cheap);
	assert_int_equal(v.verdict, LEND_VERDICT_TAKE);
	assert_int_equal(v.buys, 1);
	take(&w, 0, cheap);
	assert_int_equal(th_budget(t, w.lib), 1000000 - 30000);
	th_check_clean(t);
}

static void test_budget_one_kopeck_short(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 1, 39899);
	int64_t b = th_book(t, "Book", LEND_KIND_EBOOK, 39900, 0);
	expect_verdict(&w, 0, b, LEND_VERDICT_REQUEST, LEND_REASON_BUDGET);
	size_t notes = th_outbox_count(t, 0);
	TH_DENIED(t, LEND_REASON_BUDGET, lend_take(t->e, w.a[0], w.tk[0], b, NULL));
	/* nothing changed */
	assert_int_equal(th_budget(t, w.lib), 39899);
	assert_int_equal(th_fund(t, w.lib, b, NULL, NULL, NULL), LEND_ENOTFOUND);
	assert_int_equal(th_loan_count(t, w.r[0], 0), 0);
	assert_int_equal(th_outbox_count(t, 0), notes);
	th_check_clean(t);
	/* one kopeck more and it works, down to zero */
	TH_OK(t, lend_budget_add(t->e, t->admin, w.lib, 1, "one kopeck"));
	take(&w, 0, b);
	assert_int_equal(th_budget(t, w.lib), 0);
	th_check_clean(t);
}

static void test_take_twice(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 1, 100000);
	int64_t b = book1(t, "Book", 2, w.lib);
	int64_t id = take(&w, 0, b);
	TH_DENIED(t, LEND_REASON_ALREADY_YOURS, lend_take(t->e, w.a[0], w.tk[0], b, NULL));
	assert_int_equal(th_loan_count(t, w.r[0], 0), 1);
	int on_loan;
	th_fund(t, w.lib, b, NULL, &on_loan, NULL);
	assert_int_equal(on_loan, 1);
	verdict v = avail(&w, 0, b);
	assert_int_equal(v.verdict, LEND_VERDICT_YOURS);
	assert_int_equal(v.reason, LEND_REASON_ALREADY_YOURS);
	assert_int_equal(v.loan_id, id);
	/* the same for a book the library would buy */
	int64_t nb = th_book(t, "To buy", LEND_KIND_EBOOK, 100, 0);
	take(&w, 0, nb);
	TH_DENIED(t, LEND_REASON_ALREADY_YOURS, lend_take(t->e, w.a[0], w.tk[0], nb, NULL));
	assert_int_equal(th_budget(t, w.lib), 100000 - 100);
	int copies;
	th_fund(t, w.lib, nb, &copies, &on_loan, NULL);
	assert_int_equal(copies, 1);
	assert_int_equal(on_loan, 1);
	th_check_clean(t);
}

/* ----------------------------------------------------------- refusals */

static void test_age_rating(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 0, 0);
	int64_t r = th_reader(t, "Teen", 2008, 1, 20);
	int64_t tk = th_ticket(t, w.lib, r);
	w.r[0] = r;
	w.tk[0] = tk;
	w.a[0] = th_as_reader(t, r);
	int64_t b = th_book(t, "Adults only", LEND_KIND_EBOOK, 0, 18);
	th_copies(t, w.lib, b, 1);
	th_now = th_utc(2026, 1, 19, 23, 59, 59); /* 17 for one more second */
	expect_verdict(&w, 0, b, LEND_VERDICT_REFUSED, LEND_REASON_AGE);
	TH_DENIED(t, LEND_REASON_AGE, lend_take(t->e, w.a[0], tk, b, NULL));
	TH_DENIED(t, LEND_REASON_AGE, lend_queue_join(t->e, w.a[0], tk, b, NULL));
	assert_int_equal(th_loan_count(t, r, 0), 0);
	th_now = th_utc(2026, 1, 20, 0, 0, 0); /* his 18th birthday */
	expect_verdict(&w, 0, b, LEND_VERDICT_TAKE, LEND_REASON_NONE);
	take(&w, 0, b);
	/* without a birth date: 0+ only */
	int64_t nob = th_reader(t, "No birth date", 0, 0, 0);
	w.r[1] = nob;
	w.tk[1] = th_ticket(t, w.lib, nob);
	w.a[1] = th_as_reader(t, nob);
	int64_t six = th_book(t, "6+", LEND_KIND_EBOOK, 0, 6);
	int64_t zero = th_book(t, "0+", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, w.lib, six, 1);
	th_copies(t, w.lib, zero, 1);
	expect_verdict(&w, 1, six, LEND_VERDICT_REFUSED, LEND_REASON_AGE);
	TH_DENIED(t, LEND_REASON_AGE, lend_take(t->e, w.a[1], w.tk[1], six, NULL));
	take(&w, 1, zero);
	th_check_clean(t);
}

static void test_blocked_ticket(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 1, 0);
	int64_t b = book1(t, "Book", 1, w.lib);
	TH_OK(t, lend_ticket_set_blocked(t->e, t->admin, w.tk[0], 1));
	lend_ticket *tk = NULL;
	TH_OK(t, lend_ticket_get(t->e, w.a[0], w.tk[0], &tk));
	assert_int_equal(lend_ticket_blocked(tk), 1);
	lend_ticket_free(tk);
	expect_verdict(&w, 0, b, LEND_VERDICT_REFUSED, LEND_REASON_TICKET_BLOCKED);
	TH_DENIED(t, LEND_REASON_TICKET_BLOCKED, lend_take(t->e, w.a[0], w.tk[0], b, NULL));
	assert_int_equal(th_loan_count(t, w.r[0], 0), 0);
	TH_OK(t, lend_ticket_set_blocked(t->e, t->admin, w.tk[0], 0));
	take(&w, 0, b);
	th_check_clean(t);
}

static void test_expired_ticket(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 1, 0);
	int64_t b = book1(t, "Book", 1, w.lib);
	TH_OK(t, lend_ticket_set_validity(t->e, t->admin, w.tk[0], th_now - 365 * TH_DAY, th_now - 1));
	lend_ticket *tk = NULL;
	TH_OK(t, lend_ticket_get(t->e, w.a[0], w.tk[0], &tk));
	assert_int_equal(lend_ticket_valid_until(tk), th_now - 1);
	lend_ticket_free(tk);
	expect_verdict(&w, 0, b, LEND_VERDICT_REFUSED, LEND_REASON_TICKET_EXPIRED);
	TH_DENIED(t, LEND_REASON_TICKET_EXPIRED, lend_take(t->e, w.a[0], w.tk[0], b, NULL));
	/* not valid yet */
	TH_OK(t, lend_ticket_set_validity(t->e, t->admin, w.tk[0], th_now + TH_DAY, 0));
	TH_DENIED(t, LEND_REASON_TICKET_EXPIRED, lend_take(t->e, w.a[0], w.tk[0], b, NULL));
	/* the day it starts */
	th_now += TH_DAY;
	take(&w, 0, b);
	th_check_clean(t);
}

static void test_not_lendable(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 1, 100000);
	th_book_opts o = {"Not for lending", LEND_KIND_EBOOK, 100, NULL, 0, 1, 0};
	int64_t b = th_book_ex(t, &o);
	int64_t b2 = th_book_ex(t, &o);
	th_copies(t, w.lib, b, 1);
	expect_verdict(&w, 0, b, LEND_VERDICT_REFUSED, LEND_REASON_NOT_LENDABLE);
	TH_DENIED(t, LEND_REASON_NOT_LENDABLE, lend_take(t->e, w.a[0], w.tk[0], b, NULL));
	/* not in the fund: the library does not buy it either */
	expect_verdict(&w, 0, b2, LEND_VERDICT_REFUSED, LEND_REASON_NOT_LENDABLE);
	TH_DENIED(t, LEND_REASON_NOT_LENDABLE, lend_take(t->e, w.a[0], w.tk[0], b2, NULL));
	assert_int_equal(th_budget(t, w.lib), 100000);
	assert_int_equal(th_loan_count(t, w.r[0], 0), 0);
	th_check_clean(t);
}

static void test_not_released(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 1, 0);
	th_book_opts o = {"Coming soon", LEND_KIND_EBOOK, 0, NULL, 0, 0, th_now + 2 * TH_DAY};
	int64_t b = th_book_ex(t, &o);
	th_copies(t, w.lib, b, 1);
	expect_verdict(&w, 0, b, LEND_VERDICT_REFUSED, LEND_REASON_NOT_RELEASED);
	TH_DENIED(t, LEND_REASON_NOT_RELEASED, lend_take(t->e, w.a[0], w.tk[0], b, NULL));
	th_now += 2 * TH_DAY;
	take(&w, 0, b);
	th_check_clean(t);
}

/* ----------------------------------------------------------- loan ends */

static void test_loan_ends_by_itself(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 1, 0);
	int64_t b1 = book1(t, "First", 1, w.lib);
	int64_t b2 = book1(t, "Second", 1, w.lib);

	/* The first read after the due time is lend_loan_get. */
	int64_t id = take(&w, 0, b1);
	int64_t due = loan(t, id).due;
	assert_int_equal(due, th_now + 14 * TH_DAY);
	th_now = due - 1;
	assert_int_equal(loan(t, id).ended, 0);
	th_now = due + 1;
	loaninfo l = loan(t, id);
	assert_int_equal(l.ended, due);
	assert_int_equal(l.end, LEND_END_EXPIRED);
	int on_loan;
	th_fund(t, w.lib, b1, NULL, &on_loan, NULL);
	assert_int_equal(on_loan, 0);
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_LOAN_ENDED, id), 1);

	/* The first read after the due time is lend_fund_get. */
	int64_t id2 = take(&w, 0, b2);
	due = loan(t, id2).due;
	th_now = due + 1;
	th_fund(t, w.lib, b2, NULL, &on_loan, NULL);
	assert_int_equal(on_loan, 0);
	l = loan(t, id2);
	assert_int_equal(l.ended, due);
	assert_int_equal(l.end, LEND_END_EXPIRED);
	assert_int_equal(th_loan_count(t, w.r[0], 1), 0);
	assert_int_equal(th_loan_count(t, w.r[0], 0), 2); /* never deleted */
	/* a late tick finds nothing left to do */
	int64_t ended = -1, handoffs = -1;
	TH_OK(t, lend_engine_tick(t->e, &ended, &handoffs));
	assert_int_equal(ended, 0);
	assert_int_equal(handoffs, 0);
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_LOAN_ENDED, id2), 1);
	/* the reader may take it again */
	take(&w, 0, b1);
	th_check_clean(t);
}

static void test_tick_ends_loans(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 2, 0);
	int64_t b1 = book1(t, "First", 1, w.lib);
	int64_t b2 = book1(t, "Second", 1, w.lib);
	take(&w, 0, b1);
	take(&w, 0, b2);
	join(&w, 1, b1);
	th_now += 14 * TH_DAY;
	int64_t ended = -1, handoffs = -1;
	TH_OK(t, lend_engine_tick(t->e, &ended, &handoffs));
	assert_int_equal(ended, 2);
	assert_int_equal(handoffs, 1);
	assert_true(th_active_loan_of(t, w.r[1], b1) != 0);
	th_check_clean(t);
}

static void test_early_return(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 1, 0);
	int64_t b = book1(t, "Book", 1, w.lib);
	int64_t b2 = book1(t, "Other", 1, w.lib);
	int64_t id = take(&w, 0, b);
	th_now += 3 * TH_DAY;
	TH_OK(t, lend_return(t->e, w.a[0], id));
	loaninfo l = loan(t, id);
	assert_int_equal(l.ended, th_now);
	assert_int_equal(l.end, LEND_END_RETURNED);
	int on_loan;
	th_fund(t, w.lib, b, NULL, &on_loan, NULL);
	assert_int_equal(on_loan, 0);
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_LOAN_ENDED, id), 1);
	/* returning twice */
	size_t notes = th_outbox_count(t, 0);
	TH_RC(t, LEND_ESTATE, lend_return(t->e, w.a[0], id));
	assert_true(lend_engine_errmsg(t->e)[0] != '\0');
	assert_int_equal(th_outbox_count(t, 0), notes);
	assert_int_equal(loan(t, id).ended, th_now - 0);
	/* a loan that ended by itself cannot be returned either */
	int64_t id2 = take(&w, 0, b2);
	th_now += 15 * TH_DAY;
	TH_RC(t, LEND_ESTATE, lend_return(t->e, w.a[0], id2));
	assert_int_equal(loan(t, id2).end, LEND_END_EXPIRED);
	/* the shelf: every loan, active first, then newest first */
	int64_t id3 = take(&w, 0, b);
	lend_loans *ls = NULL;
	TH_OK(t, lend_loan_list(t->e, w.a[0], w.r[0], 0, &ls));
	assert_int_equal(lend_loans_count(ls), 3);
	assert_int_equal(lend_loan_id(lend_loans_get(ls, 0)), id3);
	assert_int_equal(lend_loan_id(lend_loans_get(ls, 1)), id2);
	assert_int_equal(lend_loan_id(lend_loans_get(ls, 2)), id);
	lend_loans_free(ls);
	th_check_clean(t);
}

/* -------------------------------------------------------------- queues */

/* The issue's key scenario: the head of the queue is at max loans when the
 * copy comes back; it goes to the next reader, the head keeps his place and
 * gets the next freed copy once he is eligible again. */
static void test_queue_head_at_max_loans(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 4, 0);
	const int64_t T0 = th_now;
	int64_t B = book1(t, "Popular", 1, w.lib);
	int64_t C = book1(t, "Other", 1, w.lib);
	int64_t lb0 = take(&w, 0, B); /* due T0 + 14 d */
	th_now = T0 + TH_DAY;
	int64_t lc1 = take(&w, 1, C); /* due T0 + 15 d */
	int64_t h1 = join(&w, 1, B);
	int64_t h2 = join(&w, 2, B);
	int64_t h3 = join(&w, 3, B);
	int pos;
	th_hold(t, h1, NULL, &pos, NULL, NULL);
	assert_int_equal(pos, 1);
	th_hold(t, h2, NULL, &pos, NULL, NULL);
	assert_int_equal(pos, 2);
	th_hold(t, h3, NULL, &pos, NULL, NULL);
	assert_int_equal(pos, 3);
	/* the first in the queue is at his max loans: he holds 1 of 1 */
	TH_OK(t, lend_ticket_set_limit(t->e, t->admin, w.tk[1], LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 1));

	th_now = T0 + 14 * TH_DAY + 1; /* B's loan expires */
	int copies, on_loan, waiting;
	th_fund(t, w.lib, B, &copies, &on_loan, &waiting);
	assert_int_equal(on_loan, 1);
	assert_int_equal(waiting, 2);
	loaninfo l0 = loan(t, lb0);
	assert_int_equal(l0.end, LEND_END_EXPIRED);
	int64_t l2 = th_active_loan_of(t, w.r[2], B);
	assert_true(l2 != 0);
	assert_int_equal(loan(t, l2).origin, LEND_ORIGIN_QUEUE);
	assert_int_equal(th_active_loan_of(t, w.r[1], B), 0);
	int st;
	int64_t served_loan;
	th_hold(t, h2, &st, &pos, NULL, &served_loan);
	assert_int_equal(st, LEND_HOLD_SERVED);
	assert_int_equal(served_loan, l2);
	assert_int_equal(pos, 0);
	/* the first keeps his place */
	th_hold(t, h1, &st, &pos, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_WAITING);
	assert_int_equal(pos, 1);
	th_hold(t, h3, &st, &pos, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_WAITING);
	assert_int_equal(pos, 2);
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_QUEUE_HANDOFF, l2), 1);
	th_check_clean(t);

	/* his other loan ends: he is eligible again, but no copy is free */
	th_now = T0 + 15 * TH_DAY + 1;
	assert_int_equal(loan(t, lc1).end, LEND_END_EXPIRED);
	th_hold(t, h1, &st, &pos, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_WAITING);
	assert_int_equal(pos, 1);
	th_check_clean(t);

	/* the next freed copy is his, not the third reader's */
	th_now = T0 + 16 * TH_DAY;
	TH_OK(t, lend_return(t->e, w.a[2], l2));
	int64_t l1 = th_active_loan_of(t, w.r[1], B);
	assert_true(l1 != 0);
	assert_int_equal(loan(t, l1).origin, LEND_ORIGIN_QUEUE);
	assert_int_equal(th_active_loan_of(t, w.r[3], B), 0);
	th_hold(t, h1, &st, NULL, NULL, &served_loan);
	assert_int_equal(st, LEND_HOLD_SERVED);
	assert_int_equal(served_loan, l1);
	th_hold(t, h3, &st, &pos, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_WAITING);
	assert_int_equal(pos, 1);
	th_fund(t, w.lib, B, &copies, &on_loan, &waiting);
	assert_int_equal(copies, 1);
	assert_int_equal(on_loan, 1);
	assert_int_equal(waiting, 1);
	th_check_clean(t);
}

static void test_suspended_skipped_keeps_place(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 3, 0);
	int64_t B = book1(t, "Book", 1, w.lib);
	int64_t l0 = take(&w, 0, B);
	int64_t h1 = join(&w, 1, B);
	int64_t h2 = join(&w, 2, B);
	int64_t until = th_now + 30 * TH_DAY;
	const int64_t D = loan(t, l0).due;
	int64_t wait;
	th_hold(t, h2, NULL, NULL, &wait, NULL);
	assert_int_equal(wait, D + 14 * TH_DAY);
	TH_OK(t, lend_queue_suspend(t->e, w.a[1], h1, until));
	/* the place behind a suspended one keeps its number but not its wait */
	int p2;
	th_hold(t, h2, NULL, &p2, &wait, NULL);
	assert_int_equal(p2, 2);
	assert_int_equal(wait, D);
	lend_hold *h = NULL;
	TH_OK(t, lend_hold_get(t->e, w.a[1], h1, &h));
	assert_int_equal(lend_hold_suspended_until(h), until);
	assert_int_equal(lend_hold_position(h), 1);
	assert_true(lend_hold_wait_until(h) >= until);
	lend_hold_free(h);
	th_now += TH_DAY;
	TH_OK(t, lend_return(t->e, w.a[0], l0));
	/* the suspended reader is skipped */
	assert_int_equal(th_active_loan_of(t, w.r[1], B), 0);
	int64_t l2 = th_active_loan_of(t, w.r[2], B);
	assert_true(l2 != 0);
	assert_int_equal(loan(t, l2).origin, LEND_ORIGIN_QUEUE);
	/* and keeps his place */
	int st, pos;
	th_hold(t, h1, &st, &pos, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_WAITING);
	assert_int_equal(pos, 1);
	th_hold(t, h2, &st, NULL, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_SERVED);
	/* resuming with no free copy changes nothing but the suspension */
	TH_OK(t, lend_queue_resume(t->e, w.a[1], h1));
	TH_OK(t, lend_hold_get(t->e, w.a[1], h1, &h));
	assert_int_equal(lend_hold_suspended_until(h), 0);
	assert_int_equal(lend_hold_state(h), LEND_HOLD_WAITING);
	assert_int_equal(lend_hold_position(h), 1);
	lend_hold_free(h);
	th_check_clean(t);
}

static void test_resume_hands_off_idle_copy(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 2, 0);
	int64_t B = book1(t, "Book", 1, w.lib);
	int64_t l0 = take(&w, 0, B);
	int64_t h1 = join(&w, 1, B);
	TH_OK(t, lend_queue_suspend(t->e, w.a[1], h1, th_now + 60 * TH_DAY));
	th_now += TH_DAY;
	TH_OK(t, lend_return(t->e, w.a[0], l0));
	int on_loan, waiting;
	th_fund(t, w.lib, B, NULL, &on_loan, &waiting);
	assert_int_equal(on_loan, 0); /* idle: the only reader waiting let others go first */
	assert_int_equal(waiting, 1);
	th_check_clean(t);
	TH_OK(t, lend_queue_resume(t->e, w.a[1], h1));
	int64_t l1 = th_active_loan_of(t, w.r[1], B);
	assert_true(l1 != 0);
	assert_int_equal(loan(t, l1).origin, LEND_ORIGIN_QUEUE);
	int st;
	int64_t served;
	th_hold(t, h1, &st, NULL, NULL, &served);
	assert_int_equal(st, LEND_HOLD_SERVED);
	assert_int_equal(served, l1);
	th_fund(t, w.lib, B, NULL, &on_loan, &waiting);
	assert_int_equal(on_loan, 1);
	assert_int_equal(waiting, 0);
	th_check_clean(t);
}

static void test_suspend_too_long(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 2, 0);
	int64_t B = book1(t, "Book", 1, w.lib);
	take(&w, 0, B);
	int64_t h1 = join(&w, 1, B);
	TH_DENIED(t, LEND_REASON_SUSPEND_TOO_LONG, lend_queue_suspend(t->e, w.a[1], h1, th_now + 400 * TH_DAY));
	TH_DENIED(t, LEND_REASON_SUSPEND_TOO_LONG, lend_queue_suspend(t->e, w.a[1], h1, th_now + 2 * 366 * TH_DAY));
	lend_hold *h = NULL;
	TH_OK(t, lend_hold_get(t->e, w.a[1], h1, &h));
	assert_int_equal(lend_hold_suspended_until(h), 0);
	lend_hold_free(h);
	/* a suspension must end in the future */
	TH_RC(t, LEND_EINVAL, lend_queue_suspend(t->e, w.a[1], h1, th_now));
	/* a year is fine */
	TH_OK(t, lend_queue_suspend(t->e, w.a[1], h1, th_now + 365 * TH_DAY));
	th_check_clean(t);
}

static void test_suspension_expires_by_clock(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 2, 0);
	int64_t B = book1(t, "Book", 1, w.lib);
	const int64_t T0 = th_now;
	int64_t l0 = take(&w, 0, B);
	int64_t h1 = join(&w, 1, B);
	TH_OK(t, lend_queue_suspend(t->e, w.a[1], h1, T0 + 5 * TH_DAY));
	th_now = T0 + TH_DAY;
	TH_OK(t, lend_return(t->e, w.a[0], l0));
	assert_int_equal(th_active_loan_of(t, w.r[1], B), 0);
	th_now = T0 + 5 * TH_DAY - 1;
	int st;
	th_hold(t, h1, &st, NULL, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_WAITING);
	/* the suspension runs out: the next call, even a read, hands the copy */
	th_now = T0 + 5 * TH_DAY + 1;
	int64_t served;
	th_hold(t, h1, &st, NULL, NULL, &served);
	assert_int_equal(st, LEND_HOLD_SERVED);
	assert_true(served != 0);
	loaninfo l = loan(t, served);
	assert_int_equal(l.reader, w.r[1]);
	assert_int_equal(l.origin, LEND_ORIGIN_QUEUE);
	th_check_clean(t);
}

static size_t waiting_places(th *t, int64_t reader)
{
	lend_holds *hs = NULL;
	TH_OK(t, lend_hold_list(t->e, t->admin, reader, &hs));
	size_t n = lend_holds_count(hs);
	lend_holds_free(hs);
	return n;
}

static void test_queue_join_refusals(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 2, 100000);
	int64_t B = book1(t, "Book", 1, w.lib);
	int64_t N = th_book(t, "Not in fund", LEND_KIND_EBOOK, 100, 0);
	/* a copy is free: take it */
	TH_DENIED(t, LEND_REASON_FREE_COPY, lend_queue_join(t->e, w.a[0], w.tk[0], B, NULL));
	/* not in the fund */
	TH_DENIED(t, LEND_REASON_NOT_IN_FUND, lend_queue_join(t->e, w.a[0], w.tk[0], N, NULL));
	take(&w, 0, B);
	/* his own book */
	TH_DENIED(t, LEND_REASON_ALREADY_YOURS, lend_queue_join(t->e, w.a[0], w.tk[0], B, NULL));
	join(&w, 1, B);
	TH_DENIED(t, LEND_REASON_ALREADY_QUEUED, lend_queue_join(t->e, w.a[1], w.tk[1], B, NULL));
	assert_int_equal(waiting_places(t, w.r[0]), 0);
	assert_int_equal(waiting_places(t, w.r[1]), 1);
	verdict v = avail(&w, 1, B);
	assert_int_equal(v.verdict, LEND_VERDICT_QUEUE);
	assert_int_equal(v.queued, 1);
	assert_int_equal(v.position, 1);
	assert_int_equal(th_budget(t, w.lib), 100000);
	th_check_clean(t);
}

static void test_queue_leave(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 3, 0);
	int64_t B = book1(t, "Book", 1, w.lib);
	int64_t l0 = take(&w, 0, B);
	int64_t h1 = join(&w, 1, B);
	int64_t h2 = join(&w, 2, B);
	TH_OK(t, lend_queue_leave(t->e, w.a[1], h1));
	int st, pos;
	th_hold(t, h1, &st, &pos, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_LEFT);
	assert_int_equal(pos, 0);
	th_hold(t, h2, &st, &pos, NULL, NULL);
	assert_int_equal(pos, 1);
	TH_RC(t, LEND_ESTATE, lend_queue_leave(t->e, w.a[1], h1));
	assert_int_equal(waiting_places(t, w.r[1]), 0);
	TH_OK(t, lend_return(t->e, w.a[0], l0));
	assert_int_equal(th_active_loan_of(t, w.r[1], B), 0);
	assert_true(th_active_loan_of(t, w.r[2], B) != 0);
	/* he may join again, at the end */
	verdict v = avail(&w, 1, B);
	assert_int_equal(v.verdict, LEND_VERDICT_QUEUE);
	assert_int_equal(v.queued, 0);
	assert_int_equal(v.position, 1);
	th_check_clean(t);
}

static void test_add_copies_hands_to_queue(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 4, 0);
	int64_t B = book1(t, "Book", 1, w.lib);
	take(&w, 0, B);
	int64_t h1 = join(&w, 1, B);
	int64_t h2 = join(&w, 2, B);
	int64_t h3 = join(&w, 3, B);
	th_copies(t, w.lib, B, 2);
	int64_t l1 = th_active_loan_of(t, w.r[1], B), l2 = th_active_loan_of(t, w.r[2], B);
	assert_true(l1 != 0);
	assert_true(l2 != 0);
	assert_int_equal(loan(t, l1).origin, LEND_ORIGIN_QUEUE);
	assert_int_equal(loan(t, l2).origin, LEND_ORIGIN_QUEUE);
	assert_int_equal(th_active_loan_of(t, w.r[3], B), 0);
	int st, pos;
	th_hold(t, h1, &st, NULL, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_SERVED);
	th_hold(t, h2, &st, NULL, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_SERVED);
	th_hold(t, h3, &st, &pos, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_WAITING);
	assert_int_equal(pos, 1);
	int copies, on_loan, waiting;
	th_fund(t, w.lib, B, &copies, &on_loan, &waiting);
	assert_int_equal(copies, 3);
	assert_int_equal(on_loan, 3);
	assert_int_equal(waiting, 1);
	/* buying copies hands them on too */
	TH_OK(t, lend_budget_add(t->e, t->admin, w.lib, 39900, NULL));
	TH_OK(t, lend_fund_buy_copies(t->e, t->admin, w.lib, B, 1));
	assert_true(th_active_loan_of(t, w.r[3], B) != 0);
	assert_int_equal(th_budget(t, w.lib), 0);
	th_check_clean(t);
}

static void test_remove_copies_below_on_loan(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 2, 0);
	int64_t B = book1(t, "Book", 2, w.lib);
	take(&w, 0, B);
	take(&w, 1, B);
	TH_DENIED(t, LEND_REASON_COPIES_ON_LOAN, lend_fund_remove_copies(t->e, t->admin, w.lib, B, 1));
	int copies, on_loan;
	th_fund(t, w.lib, B, &copies, &on_loan, NULL);
	assert_int_equal(copies, 2);
	assert_int_equal(on_loan, 2);
	th_copies(t, w.lib, B, 1);
	TH_OK(t, lend_fund_remove_copies(t->e, t->admin, w.lib, B, 1));
	th_fund(t, w.lib, B, &copies, &on_loan, NULL);
	assert_int_equal(copies, 2);
	TH_DENIED(t, LEND_REASON_COPIES_ON_LOAN, lend_fund_remove_copies(t->e, t->admin, w.lib, B, 1));
	TH_DENIED(t, LEND_REASON_COPIES_ON_LOAN, lend_fund_remove_copies(t->e, t->admin, w.lib, B, 5));
	th_fund(t, w.lib, B, &copies, &on_loan, NULL);
	assert_int_equal(copies, 2);
	assert_int_equal(on_loan, 2);
	th_check_clean(t);
}

static void test_wait_estimate(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 4, 0);
	int64_t B = book1(t, "Book", 1, w.lib);
	int64_t l0 = take(&w, 0, B);
	const int64_t D = loan(t, l0).due;
	th_now += TH_DAY;
	int64_t h1 = join(&w, 1, B);
	int64_t h2 = join(&w, 2, B);
	int pos;
	int64_t wait;
	th_hold(t, h1, NULL, &pos, &wait, NULL);
	assert_int_equal(pos, 1);
	assert_int_equal(wait, D);
	th_hold(t, h2, NULL, &pos, &wait, NULL);
	assert_int_equal(pos, 2);
	assert_int_equal(wait, D + 14 * TH_DAY);
	/* a newcomer's would-be place */
	verdict v = avail(&w, 3, B);
	assert_int_equal(v.verdict, LEND_VERDICT_QUEUE);
	assert_int_equal(v.position, 3);
	assert_int_equal(v.wait_until, D + 28 * TH_DAY);
	/* the estimate does not drift with the clock */
	th_now += 2 * TH_DAY;
	th_hold(t, h2, NULL, &pos, &wait, NULL);
	assert_int_equal(wait, D + 14 * TH_DAY);
	/* the reader's own listing shows the same */
	lend_holds *hs = NULL;
	TH_OK(t, lend_hold_list(t->e, w.a[2], w.r[2], &hs));
	assert_int_equal(lend_holds_count(hs), 1);
	assert_int_equal(lend_hold_position(lend_holds_get(hs, 0)), 2);
	assert_int_equal(lend_hold_wait_until(lend_holds_get(hs, 0)), D + 14 * TH_DAY);
	lend_holds_free(hs);
	/* the librarian's view of the queue: first first */
	lend_queue *q = NULL;
	TH_OK(t, lend_queue_get(t->e, t->admin, w.lib, B, &q));
	assert_int_equal(lend_queue_length(q), 2);
	assert_int_equal(lend_hold_id(lend_queue_hold(q, 0)), h1);
	assert_int_equal(lend_hold_id(lend_queue_hold(q, 1)), h2);
	lend_queue_free(q);
	th_check_clean(t);
}

/* A freed copy must not sit idle while an eligible reader waits (spec 6):
 * whatever makes a passed-over reader eligible again hands him the copy. */
static void test_unblock_hands_off(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 2, 0);
	int64_t B = book1(t, "Book", 1, w.lib);
	int64_t l0 = take(&w, 0, B);
	int64_t h1 = join(&w, 1, B);
	TH_OK(t, lend_ticket_set_blocked(t->e, t->admin, w.tk[1], 1));
	TH_OK(t, lend_return(t->e, w.a[0], l0));
	assert_int_equal(th_active_loan_of(t, w.r[1], B), 0);
	int st, pos;
	th_hold(t, h1, &st, &pos, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_WAITING); /* keeps his place */
	assert_int_equal(pos, 1);
	th_check_clean(t);
	TH_OK(t, lend_ticket_set_blocked(t->e, t->admin, w.tk[1], 0));
	int64_t l1 = th_active_loan_of(t, w.r[1], B);
	assert_true(l1 != 0);
	assert_int_equal(loan(t, l1).origin, LEND_ORIGIN_QUEUE);
	th_check_clean(t);
}

static void test_loosened_limit_hands_off(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 3, 0);
	int64_t B = book1(t, "Book", 1, w.lib);
	int64_t C = book1(t, "Other", 1, w.lib);
	int64_t D = book1(t, "Third", 1, w.lib);
	int64_t l0 = take(&w, 0, B);
	take(&w, 1, C);
	take(&w, 2, D);
	join(&w, 1, B);
	join(&w, 2, B);
	/* both waiting readers are at their max loans */
	TH_OK(t, lend_policy_set(t->e, t->admin, w.lib, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 1));
	TH_OK(t, lend_return(t->e, w.a[0], l0));
	int on_loan;
	th_fund(t, w.lib, B, NULL, &on_loan, NULL);
	assert_int_equal(on_loan, 0);
	th_check_clean(t);
	/* a ticket's limit loosened: that reader gets it */
	TH_OK(t, lend_ticket_set_limit(t->e, t->admin, w.tk[2], LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 2));
	assert_true(th_active_loan_of(t, w.r[2], B) != 0);
	assert_int_equal(th_active_loan_of(t, w.r[1], B), 0);
	/* the library's limit loosened: the next copy goes to the first */
	th_copies(t, w.lib, B, 1);
	assert_int_equal(th_active_loan_of(t, w.r[1], B), 0);
	TH_OK(t, lend_policy_set(t->e, t->admin, w.lib, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 5));
	assert_true(th_active_loan_of(t, w.r[1], B) != 0);
	th_check_clean(t);
}

/* The passed-over reader becomes eligible by the clock alone: a new month
 * frees his monthly quota. The idle copy is his from then on, not only after
 * the next tick (lend.h: "a late tick never shows stale state"). */
static void test_new_month_hands_off_idle_copy(void **state)
{
	th *t = *state;
	th_now = th_utc(2026, 1, 20, 10, 0, 0);
	world w;
	world_init(&w, t, 2, 0);
	TH_OK(t, lend_policy_set(t->e, t->admin, w.lib, LEND_KIND_ANY, LEND_SETTING_MONTHLY_QUOTA, 1));
	int64_t B = book1(t, "Book", 1, w.lib);
	int64_t C = book1(t, "Other", 1, w.lib);
	int64_t l0 = take(&w, 0, B);
	take(&w, 1, C); /* his one book this month */
	int64_t h1 = join(&w, 1, B);
	th_now = th_utc(2026, 1, 25, 10, 0, 0);
	TH_OK(t, lend_return(t->e, w.a[0], l0));
	assert_int_equal(th_active_loan_of(t, w.r[1], B), 0); /* over his quota: passed over */
	th_check_clean(t);
	th_now = th_utc(2026, 2, 1, 0, 0, 1);
	/* the first call of February, a read, already shows the hand-off */
	int st;
	int64_t served;
	th_hold(t, h1, &st, NULL, NULL, &served);
	if (st != LEND_HOLD_SERVED)
		print_message("February: the copy still idles while reader %lld may have it\n", (long long)w.r[1]);
	th_check_clean(t);
	assert_int_equal(st, LEND_HOLD_SERVED);
	assert_true(served != 0);
	assert_int_equal(loan(t, served).origin, LEND_ORIGIN_QUEUE);
}

/* The same through a tick: the tick passes any idle copy on. */
static void test_new_month_tick_hands_off(void **state)
{
	th *t = *state;
	th_now = th_utc(2026, 1, 20, 10, 0, 0);
	world w;
	world_init(&w, t, 2, 0);
	TH_OK(t, lend_policy_set(t->e, t->admin, w.lib, LEND_KIND_ANY, LEND_SETTING_MONTHLY_QUOTA, 1));
	int64_t B = book1(t, "Book", 1, w.lib);
	int64_t C = book1(t, "Other", 1, w.lib);
	int64_t l0 = take(&w, 0, B);
	take(&w, 1, C);
	join(&w, 1, B);
	th_now = th_utc(2026, 1, 25, 10, 0, 0);
	TH_OK(t, lend_return(t->e, w.a[0], l0));
	th_now = th_utc(2026, 2, 1, 0, 0, 1);
	int64_t ended = -1, handoffs = -1;
	TH_OK(t, lend_engine_tick(t->e, &ended, &handoffs));
	assert_int_equal(ended, 0);
	assert_int_equal(handoffs, 1);
	assert_true(th_active_loan_of(t, w.r[1], B) != 0);
	th_check_clean(t);
}

/* Likewise when the card's validity begins. */
static void test_validity_start_hands_off_idle_copy(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 2, 0);
	const int64_t T0 = th_now;
	int64_t B = book1(t, "Book", 1, w.lib);
	int64_t l0 = take(&w, 0, B);
	int64_t h1 = join(&w, 1, B);
	/* the card is renewed from tomorrow on */
	TH_OK(t, lend_ticket_set_validity(t->e, t->admin, w.tk[1], T0 + TH_DAY, 0));
	TH_OK(t, lend_return(t->e, w.a[0], l0));
	assert_int_equal(th_active_loan_of(t, w.r[1], B), 0);
	th_check_clean(t);
	th_now = T0 + TH_DAY + 1;
	int st;
	th_hold(t, h1, &st, NULL, NULL, NULL);
	th_check_clean(t);
	assert_int_equal(st, LEND_HOLD_SERVED);
}

/* Delivery in small batches: max bounds the deliveries of one call. */
static void test_deliver_max(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 3, 0);
	for (int i = 0; i < 3; i++)
		take(&w, i, book1(t, "Book", 1, w.lib));
	int delivered = -1;
	TH_OK(t, lend_engine_deliver(t->e, 2, &delivered));
	assert_int_equal(delivered, 2);
	assert_int_equal(th_outbox_count(t, 1), 1);
	TH_OK(t, lend_engine_deliver(t->e, 2, &delivered));
	assert_int_equal(delivered, 1);
	assert_int_equal(th_outbox_count(t, 1), 0);
	assert_int_equal(t->rec.calls, 3);
	th_check_clean(t);
}

/* Delivered notifications leave the outbox after the retention (30 days by
 * default); pending ones stay however old; check stays clean. */
static void test_outbox_retention(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 2, 0);
	int64_t B = book1(t, "Book", 1, w.lib);
	take(&w, 0, B);
	int delivered = 0;
	TH_OK(t, lend_engine_deliver(t->e, 0, &delivered));
	assert_int_equal(delivered, 1);
	t->rec.fail = 1; /* the next ones stay pending */
	take(&w, 1, book1(t, "Other", 1, w.lib));
	TH_OK(t, lend_engine_deliver(t->e, 0, &delivered));
	assert_int_equal(th_outbox_count(t, 0), 2);
	th_now += 29 * TH_DAY;
	TH_OK(t, lend_engine_deliver(t->e, 0, &delivered));
	/* Both loans ended at day 14 (two more notes); nothing is 30 days old. */
	assert_int_equal(th_outbox_count(t, 0), 4);
	th_now += 2 * TH_DAY;
	TH_OK(t, lend_engine_deliver(t->e, 0, &delivered));
	/* The first issue notification went; the failing ones are all pending. */
	assert_int_equal(th_outbox_count(t, 0), 3);
	assert_int_equal(th_outbox_count(t, 1), 3);
	th_check_clean(t);
	t->rec.fail = 0;
	th_now += 40 * TH_DAY;
	TH_OK(t, lend_engine_deliver(t->e, 0, &delivered));
	assert_int_equal(delivered, 3);
	th_now += 31 * TH_DAY;
	TH_OK(t, lend_engine_deliver(t->e, 0, &delivered));
	assert_int_equal(th_outbox_count(t, 0), 0);
	th_check_clean(t);
}

static void test_buy_copies_limits(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 1, 100000);
	int64_t B = th_book(t, "Book", LEND_KIND_EBOOK, 30000, 0);
	TH_OK(t, lend_policy_set(t->e, t->admin, w.lib, LEND_KIND_ANY, LEND_SETTING_MAX_COPIES, 2));
	TH_OK(t, lend_fund_buy_copies(t->e, t->admin, w.lib, B, 2));
	assert_int_equal(th_budget(t, w.lib), 40000);
	TH_DENIED(t, LEND_REASON_COPY_LIMIT, lend_fund_buy_copies(t->e, t->admin, w.lib, B, 1));
	int64_t C = th_book(t, "Dear", LEND_KIND_EBOOK, 40001, 0);
	TH_DENIED(t, LEND_REASON_BUDGET, lend_fund_buy_copies(t->e, t->admin, w.lib, C, 1));
	assert_int_equal(th_fund(t, w.lib, C, NULL, NULL, NULL), LEND_ENOTFOUND);
	assert_int_equal(th_budget(t, w.lib), 40000);
	int copies;
	th_fund(t, w.lib, B, &copies, NULL, NULL);
	assert_int_equal(copies, 2);
	/* max copies 0: the reader's take does not buy */
	TH_OK(t, lend_policy_set(t->e, t->admin, w.lib, LEND_KIND_ANY, LEND_SETTING_MAX_COPIES, 0));
	int64_t E = th_book(t, "Cheap", LEND_KIND_EBOOK, 100, 0);
	expect_verdict(&w, 0, E, LEND_VERDICT_REQUEST, LEND_REASON_COPY_LIMIT);
	TH_DENIED(t, LEND_REASON_COPY_LIMIT, lend_take(t->e, w.a[0], w.tk[0], E, NULL));
	assert_int_equal(th_budget(t, w.lib), 40000);
	th_check_clean(t);
}

static void test_kind_loan_days(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 1, 0);
	TH_OK(t, lend_policy_set(t->e, t->admin, w.lib, LEND_KIND_AUDIOBOOK, LEND_SETTING_LOAN_DAYS, 7));
	TH_OK(t, lend_policy_set(t->e, t->admin, w.lib, LEND_KIND_ANY, LEND_SETTING_LOAN_DAYS, 21));
	int64_t a = th_book(t, "Audio", LEND_KIND_AUDIOBOOK, 0, 0);
	th_copies(t, w.lib, a, 1);
	int64_t e = book1(t, "Text", 1, w.lib);
	assert_int_equal(loan(t, take(&w, 0, a)).due, th_now + 7 * TH_DAY);
	assert_int_equal(loan(t, take(&w, 0, e)).due, th_now + 21 * TH_DAY);
	th_check_clean(t);
}

static void test_generated_ticket_numbers(void **state)
{
	th *t = *state;
	int64_t lib = th_library(t, "Library", 0);
	char seen[40][32];
	for (int i = 0; i < 40; i++) {
		int64_t r = th_reader(t, "Reader", 1990, 1, 1);
		lend_ticket *tk = NULL;
		TH_OK(t, lend_ticket_issue(t->e, t->admin, lib, r, NULL, &tk));
		const char *n = lend_ticket_number(tk);
		/* "LLLL-NNNN-NNNN" */
		assert_int_equal(strlen(n), 14);
		for (int k = 0; k < 14; k++) {
			if (k == 4 || k == 9)
				assert_int_equal(n[k], '-');
			else
				assert_true(n[k] >= '0' && n[k] <= '9');
		}
		snprintf(seen[i], sizeof seen[i], "%s", n);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(seen[i], seen[j]);
		lend_ticket_free(tk);
	}
	/* an explicit number is unique within its library */
	int64_t r = th_reader(t, "Reader", 1990, 1, 1);
	TH_RC(t, LEND_EEXISTS, lend_ticket_issue(t->e, t->admin, lib, r, seen[0], NULL));
	TH_OK(t, lend_ticket_issue(t->e, t->admin, lib, r, "MY-CARD", NULL));
}

/* A loan from the queue counts against max loans, not the self-service limit. */
static void test_queue_loans_not_self_service(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 2, 0);
	int64_t B = book1(t, "Queued", 1, w.lib);
	int64_t l0 = take(&w, 0, B);
	join(&w, 1, B);
	TH_OK(t, lend_return(t->e, w.a[0], l0));
	assert_true(th_active_loan_of(t, w.r[1], B) != 0);
	int64_t b[4];
	for (int i = 0; i < 4; i++)
		b[i] = book1(t, "Book", 1, w.lib);
	for (int i = 0; i < 3; i++)
		take(&w, 1, b[i]);
	TH_DENIED(t, LEND_REASON_SELF_SERVICE_LIMIT, lend_take(t->e, w.a[1], w.tk[1], b[3], NULL));
	lend_limits *lim = NULL;
	TH_OK(t, lend_limits_get(t->e, w.a[1], w.tk[1], LEND_KIND_ANY, &lim));
	assert_int_equal(lend_limits_used(lim, LEND_SETTING_SELF_SERVICE_LIMIT), 3);
	assert_int_equal(lend_limits_used(lim, LEND_SETTING_MAX_LOANS), 4);
	lend_limits_free(lim);
	th_check_clean(t);
}

/* A long queue whose head cannot have the copy: the walk goes on past the
 * first places until it finds an eligible reader, however far back. */
static void test_long_queue_head_ineligible(void **state)
{
	th *t = *state;
	enum { N = 40, BARRED = 33 };
	int64_t lib = th_library(t, "Library", 0);
	int64_t B = th_book(t, "Book", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, lib, B, 1);
	int64_t owner = th_reader(t, "Owner", 1990, 1, 1);
	int64_t otk = th_ticket(t, lib, owner);
	lend_loan *l = NULL;
	TH_OK(t, lend_take(t->e, th_as_reader(t, owner), otk, B, &l));
	int64_t l0 = lend_loan_id(l);
	lend_loan_free(l);
	int64_t r[N], hold[N];
	for (int i = 0; i < N; i++) {
		r[i] = th_reader(t, "Waiting", 1990, 1, 1);
		int64_t tk = th_ticket(t, lib, r[i]);
		lend_hold *h = NULL;
		TH_OK(t, lend_queue_join(t->e, th_as_reader(t, r[i]), tk, B, &h));
		hold[i] = lend_hold_id(h);
		assert_int_equal(lend_hold_position(h), i + 1);
		lend_hold_free(h);
		if (i < BARRED)
			TH_OK(t, lend_ticket_set_limit(t->e, t->admin, tk, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 0));
	}
	TH_OK(t, lend_return(t->e, t->admin, l0));
	for (int i = 0; i < N; i++)
		assert_int_equal(th_active_loan_of(t, r[i], B) != 0, i == BARRED);
	int st, pos;
	th_hold(t, hold[BARRED - 1], &st, &pos, NULL, NULL);
	assert_int_equal(st, LEND_HOLD_WAITING);
	assert_int_equal(pos, BARRED);
	th_hold(t, hold[BARRED + 1], &st, &pos, NULL, NULL);
	assert_int_equal(pos, BARRED + 1);
	th_check_clean(t);
}

/* ------------------------------------------------------- multi-library */

static void test_multi_library_reader(void **state)
{
	th *t = *state;
	int64_t L1 = th_library(t, "Library One", 0);
	int64_t L2 = th_library(t, "Library Two", 0);
	int64_t r = th_reader(t, "Reader", 1980, 5, 5);
	int64_t t1 = th_ticket(t, L1, r);
	int64_t t2 = th_ticket(t, L2, r);
	lend_actor *a = th_as_reader(t, r);
	int64_t b[5];
	for (int i = 0; i < 5; i++) {
		b[i] = th_book(t, "Book", LEND_KIND_EBOOK, 100, 0);
		th_copies(t, L1, b[i], 1);
		th_copies(t, L2, b[i], 1);
	}
	for (int i = 0; i < 3; i++)
		TH_OK(t, lend_take(t->e, a, t1, b[i], NULL));
	TH_DENIED(t, LEND_REASON_SELF_SERVICE_LIMIT, lend_take(t->e, a, t1, b[3], NULL));
	/* limits count per library */
	TH_OK(t, lend_take(t->e, a, t2, b[3], NULL));
	/* a book he holds from one library is his in the other too */
	TH_DENIED(t, LEND_REASON_ALREADY_YOURS, lend_take(t->e, a, t2, b[0], NULL));
	lend_loans *ls = NULL;
	TH_OK(t, lend_loan_list(t->e, a, r, 1, &ls));
	assert_int_equal(lend_loans_count(ls), 4);
	int in1 = 0, in2 = 0;
	for (size_t i = 0; i < lend_loans_count(ls); i++) {
		const lend_loan *l = lend_loans_get(ls, i);
		assert_int_equal(lend_loan_reader_id(l), r);
		if (lend_loan_library_id(l) == L1) {
			in1++;
			assert_int_equal(lend_loan_ticket_id(l), t1);
		} else {
			in2++;
			assert_int_equal(lend_loan_library_id(l), L2);
			assert_int_equal(lend_loan_ticket_id(l), t2);
		}
	}
	lend_loans_free(ls);
	assert_int_equal(in1, 3);
	assert_int_equal(in2, 1);
	lend_tickets *ts = NULL;
	TH_OK(t, lend_ticket_list(t->e, a, r, &ts));
	assert_int_equal(lend_tickets_count(ts), 2);
	lend_tickets_free(ts);
	lend_limits *lim = NULL;
	TH_OK(t, lend_limits_get(t->e, a, t2, LEND_KIND_EBOOK, &lim));
	assert_int_equal(lend_limits_used(lim, LEND_SETTING_SELF_SERVICE_LIMIT), 1);
	assert_int_equal(lend_limits_used(lim, LEND_SETTING_MAX_LOANS), 1);
	lend_limits_free(lim);
	TH_OK(t, lend_limits_get(t->e, a, t1, LEND_KIND_EBOOK, &lim));
	assert_int_equal(lend_limits_used(lim, LEND_SETTING_SELF_SERVICE_LIMIT), 3);
	lend_limits_free(lim);
	/* a second ticket of the same library is refused */
	TH_RC(t, LEND_EEXISTS, lend_ticket_issue(t->e, t->admin, L1, r, NULL, NULL));
	th_check_clean(t);
}

/* ------------------------------------------------- kind-specific limits */

static void set_kind_limits(th *t, int64_t lib)
{
	TH_OK(t, lend_policy_set(t->e, t->admin, lib, LEND_KIND_AUDIOBOOK, LEND_SETTING_SELF_SERVICE_LIMIT, 1));
	TH_OK(t, lend_policy_set(t->e, t->admin, lib, LEND_KIND_EBOOK, LEND_SETTING_SELF_SERVICE_LIMIT, 3));
	int64_t v = 0;
	TH_OK(t, lend_policy_get(t->e, t->admin, lib, LEND_KIND_AUDIOBOOK, LEND_SETTING_SELF_SERVICE_LIMIT, &v));
	assert_int_equal(v, 1);
	TH_OK(t, lend_policy_get(t->e, t->admin, lib, LEND_KIND_EBOOK, LEND_SETTING_SELF_SERVICE_LIMIT, &v));
	assert_int_equal(v, 3);
	TH_OK(t, lend_policy_get(t->e, t->admin, lib, LEND_KIND_ANY, LEND_SETTING_SELF_SERVICE_LIMIT, &v));
	assert_int_equal(v, 3);
}

static void test_kind_limit_audiobooks(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 1, 0);
	set_kind_limits(t, w.lib);
	int64_t a1 = th_book(t, "Audio 1", LEND_KIND_AUDIOBOOK, 0, 0);
	int64_t a2 = th_book(t, "Audio 2", LEND_KIND_AUDIOBOOK, 0, 0);
	th_copies(t, w.lib, a1, 1);
	th_copies(t, w.lib, a2, 1);
	take(&w, 0, a1);
	lend_limits *lim = NULL;
	TH_OK(t, lend_limits_get(t->e, w.a[0], w.tk[0], LEND_KIND_AUDIOBOOK, &lim));
	assert_int_equal(lend_limits_value(lim, LEND_SETTING_SELF_SERVICE_LIMIT), 1);
	assert_int_equal(lend_limits_used(lim, LEND_SETTING_SELF_SERVICE_LIMIT), 1);
	lend_limits_free(lim);
	expect_verdict(&w, 0, a2, LEND_VERDICT_REQUEST, LEND_REASON_SELF_SERVICE_LIMIT);
	TH_DENIED(t, LEND_REASON_SELF_SERVICE_LIMIT, lend_take(t->e, w.a[0], w.tk[0], a2, NULL));
	assert_int_equal(th_loan_count(t, w.r[0], 1), 1);
	th_check_clean(t);
}

static void test_kind_limit_ebooks(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 1, 0);
	set_kind_limits(t, w.lib);
	int64_t a1 = th_book(t, "Audio", LEND_KIND_AUDIOBOOK, 0, 0);
	th_copies(t, w.lib, a1, 1);
	int64_t e[4];
	for (int i = 0; i < 4; i++)
		e[i] = book1(t, "E-book", 1, w.lib);
	/* one audiobook does not use up the e-book allowance */
	take(&w, 0, a1);
	for (int i = 0; i < 3; i++)
		take(&w, 0, e[i]);
	lend_limits *lim = NULL;
	TH_OK(t, lend_limits_get(t->e, w.a[0], w.tk[0], LEND_KIND_EBOOK, &lim));
	assert_int_equal(lend_limits_value(lim, LEND_SETTING_SELF_SERVICE_LIMIT), 3);
	assert_int_equal(lend_limits_used(lim, LEND_SETTING_SELF_SERVICE_LIMIT), 3);
	lend_limits_free(lim);
	expect_verdict(&w, 0, e[3], LEND_VERDICT_REQUEST, LEND_REASON_SELF_SERVICE_LIMIT);
	TH_DENIED(t, LEND_REASON_SELF_SERVICE_LIMIT, lend_take(t->e, w.a[0], w.tk[0], e[3], NULL));
	assert_int_equal(th_loan_count(t, w.r[0], 1), 4);
	th_check_clean(t);
}

/* ------------------------------------------------------- monthly quota */

static void test_monthly_quota_month_boundary(void **state)
{
	th *t = *state;
	th_now = th_utc(2026, 1, 20, 10, 0, 0);
	world w;
	world_init(&w, t, 1, 0);
	TH_OK(t, lend_policy_set(t->e, t->admin, w.lib, LEND_KIND_ANY, LEND_SETTING_MONTHLY_QUOTA, 2));
	int64_t b[3];
	for (int i = 0; i < 3; i++)
		b[i] = book1(t, "Book", 1, w.lib);
	int64_t l0 = take(&w, 0, b[0]);
	take(&w, 0, b[1]);
	TH_DENIED(t, LEND_REASON_MONTHLY_QUOTA, lend_take(t->e, w.a[0], w.tk[0], b[2], NULL));
	assert_non_null(strstr(lend_engine_errmsg(t->e), "2 of 2"));
	expect_verdict(&w, 0, b[2], LEND_VERDICT_REQUEST, LEND_REASON_MONTHLY_QUOTA);
	/* returning a book does not give the month's quota back */
	TH_OK(t, lend_return(t->e, w.a[0], l0));
	TH_DENIED(t, LEND_REASON_MONTHLY_QUOTA, lend_take(t->e, w.a[0], w.tk[0], b[2], NULL));
	lend_limits *lim = NULL;
	TH_OK(t, lend_limits_get(t->e, w.a[0], w.tk[0], LEND_KIND_EBOOK, &lim));
	assert_int_equal(lend_limits_value(lim, LEND_SETTING_MONTHLY_QUOTA), 2);
	assert_int_equal(lend_limits_used(lim, LEND_SETTING_MONTHLY_QUOTA), 2);
	lend_limits_free(lim);
	th_now = th_utc(2026, 1, 31, 23, 59, 59);
	TH_DENIED(t, LEND_REASON_MONTHLY_QUOTA, lend_take(t->e, w.a[0], w.tk[0], b[2], NULL));
	/* a new calendar month */
	th_now = th_utc(2026, 2, 1, 0, 0, 0);
	take(&w, 0, b[2]);
	TH_OK(t, lend_limits_get(t->e, w.a[0], w.tk[0], LEND_KIND_EBOOK, &lim));
	assert_int_equal(lend_limits_used(lim, LEND_SETTING_MONTHLY_QUOTA), 1);
	lend_limits_free(lim);
	th_check_clean(t);
}

/* ------------------------------------------------------- notifications */

static const lend_notification *find_note(const lend_notifications *l, int kind, int64_t loan_id)
{
	for (size_t i = 0; i < lend_notifications_count(l); i++) {
		const lend_notification *n = lend_notifications_get(l, i);
		if (lend_notification_kind(n) == kind && lend_notification_loan_id(n) == loan_id)
			return n;
	}
	return NULL;
}

static void test_notifications(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 3, 0);
	int64_t B = book1(t, "Book", 1, w.lib);
	assert_int_equal(th_outbox_count(t, 0), 0);
	int64_t l0 = take(&w, 0, B);
	assert_int_equal(th_outbox_count(t, 0), 1);
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_LOAN_ISSUED, l0), 1);
	join(&w, 1, B);
	assert_int_equal(th_outbox_count(t, 0), 1);
	th_now += TH_DAY;
	TH_OK(t, lend_return(t->e, w.a[0], l0));
	int64_t l1 = th_active_loan_of(t, w.r[1], B);
	assert_true(l1 != 0);
	assert_int_equal(th_outbox_count(t, 0), 3);
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_LOAN_ENDED, l0), 1);
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_QUEUE_HANDOFF, l1), 1);
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_LOAN_ISSUED, l1), 0);
	th_now += 14 * TH_DAY + 1;
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_int_equal(th_outbox_count(t, 0), 4);
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_LOAN_ENDED, l1), 1);

	/* what each says */
	lend_notifications *ns = NULL;
	TH_OK(t, lend_outbox_list(t->e, t->admin, 0, 100, &ns));
	const lend_notification *n = find_note(ns, LEND_NOTE_QUEUE_HANDOFF, l1);
	assert_non_null(n);
	assert_int_equal(lend_notification_reader_id(n), w.r[1]);
	assert_int_equal(lend_notification_library_id(n), w.lib);
	assert_int_equal(lend_notification_book_id(n), B);
	assert_int_equal(lend_notification_delivered_at(n), 0);
	assert_int_equal(lend_notification_attempts(n), 0);
	n = find_note(ns, LEND_NOTE_LOAN_ENDED, l0);
	assert_non_null(n);
	assert_int_equal(lend_notification_reader_id(n), w.r[0]);
	lend_notifications_free(ns);

	/* delivery */
	int delivered = -1;
	TH_OK(t, lend_engine_deliver(t->e, 0, &delivered));
	assert_int_equal(delivered, 4);
	assert_int_equal(t->rec.delivered, 4);
	assert_int_equal(t->rec.by_kind[LEND_NOTE_LOAN_ISSUED], 1);
	assert_int_equal(t->rec.by_kind[LEND_NOTE_LOAN_ENDED], 2);
	assert_int_equal(t->rec.by_kind[LEND_NOTE_QUEUE_HANDOFF], 1);
	assert_int_equal(th_outbox_count(t, 1), 0);
	TH_OK(t, lend_outbox_list(t->e, t->admin, 0, 100, &ns));
	for (size_t i = 0; i < lend_notifications_count(ns); i++) {
		assert_true(lend_notification_delivered_at(lend_notifications_get(ns, i)) != 0);
		assert_int_equal(lend_notification_attempts(lend_notifications_get(ns, i)), 1);
	}
	lend_notifications_free(ns);
	TH_OK(t, lend_engine_deliver(t->e, 0, &delivered));
	assert_int_equal(delivered, 0);
	assert_int_equal(t->rec.calls, 4);

	/* a failing notifier: pending, one attempt, retried after the backoff */
	t->rec.fail = 1;
	int64_t l2 = take(&w, 2, B);
	TH_OK(t, lend_engine_deliver(t->e, 0, &delivered));
	assert_int_equal(delivered, 0);
	assert_int_equal(t->rec.calls, 5);
	TH_OK(t, lend_outbox_list(t->e, t->admin, 1, 100, &ns));
	assert_int_equal(lend_notifications_count(ns), 1);
	n = lend_notifications_get(ns, 0);
	assert_int_equal(lend_notification_loan_id(n), l2);
	assert_int_equal(lend_notification_attempts(n), 1);
	assert_int_equal(lend_notification_delivered_at(n), 0);
	lend_notifications_free(ns);
	t->rec.fail = 0;
	TH_OK(t, lend_engine_deliver(t->e, 0, &delivered));
	assert_int_equal(delivered, 0); /* not before the backoff */
	assert_int_equal(t->rec.calls, 5);
	th_now += 59;
	TH_OK(t, lend_engine_deliver(t->e, 0, &delivered));
	assert_int_equal(delivered, 0);
	assert_int_equal(t->rec.calls, 5);
	th_now += 1;
	TH_OK(t, lend_engine_deliver(t->e, 0, &delivered));
	assert_int_equal(delivered, 1);
	assert_int_equal(t->rec.calls, 6);
	assert_int_equal(th_outbox_count(t, 1), 0);
	TH_OK(t, lend_outbox_list(t->e, t->admin, 0, 100, &ns));
	n = find_note(ns, LEND_NOTE_LOAN_ISSUED, l2);
	assert_non_null(n);
	assert_int_equal(lend_notification_attempts(n), 2);
	assert_true(lend_notification_delivered_at(n) != 0);

	/* every notification has its own uuid, and the host saw exactly those */
	size_t count = lend_notifications_count(ns);
	assert_int_equal(count, 5);
	assert_int_equal(t->rec.nseen, 5);
	for (size_t i = 0; i < count; i++) {
		const char *u = lend_notification_uuid(lend_notifications_get(ns, i));
		assert_int_equal(strlen(u), 36);
		/* a random (version 4, RFC 4122 variant) UUID, lower case */
		assert_int_equal(u[8], '-');
		assert_int_equal(u[13], '-');
		assert_int_equal(u[14], '4');
		assert_int_equal(u[18], '-');
		assert_non_null(strchr("89ab", u[19]));
		assert_int_equal(u[23], '-');
		for (size_t k = 0; k < 36; k++)
			assert_non_null(strchr("0123456789abcdef-", u[k]));
		for (size_t j = i + 1; j < count; j++)
			assert_string_not_equal(u, lend_notification_uuid(lend_notifications_get(ns, j)));
		int seen = 0;
		for (size_t j = 0; j < t->rec.nseen; j++)
			seen += strcmp(u, t->rec.seen[j]) == 0;
		assert_int_equal(seen, 1);
	}
	lend_notifications_free(ns);
	th_check_clean(t);
}

/* The outbox survives a restart: a notification written but not yet
 * delivered is delivered by the next engine. */
static void test_outbox_survives_reopen(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t, 1, 0);
	int64_t B = book1(t, "Book", 1, w.lib);
	take(&w, 0, B);
	th_reopen(t);
	assert_int_equal(th_outbox_count(t, 1), 1);
	int delivered = 0;
	TH_OK(t, lend_engine_deliver(t->e, 0, &delivered));
	assert_int_equal(delivered, 1);
	assert_int_equal(th_outbox_count(t, 1), 0);
	th_check_clean(t);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, th_setup_memory, th_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_take_free_copy),
		T(test_self_service_limit),
		T(test_max_loans),
		T(test_take_that_buys),
		T(test_too_expensive),
		T(test_budget_one_kopeck_short),
		T(test_take_twice),
		T(test_age_rating),
		T(test_blocked_ticket),
		T(test_expired_ticket),
		T(test_not_lendable),
		T(test_not_released),
		T(test_loan_ends_by_itself),
		T(test_tick_ends_loans),
		T(test_early_return),
		T(test_queue_head_at_max_loans),
		T(test_suspended_skipped_keeps_place),
		T(test_resume_hands_off_idle_copy),
		T(test_suspend_too_long),
		T(test_suspension_expires_by_clock),
		T(test_queue_join_refusals),
		T(test_queue_leave),
		T(test_add_copies_hands_to_queue),
		T(test_remove_copies_below_on_loan),
		T(test_wait_estimate),
		T(test_unblock_hands_off),
		T(test_loosened_limit_hands_off),
		T(test_new_month_hands_off_idle_copy),
		T(test_new_month_tick_hands_off),
		T(test_validity_start_hands_off_idle_copy),
		T(test_deliver_max),
		T(test_outbox_retention),
		T(test_queue_loans_not_self_service),
		T(test_long_queue_head_ineligible),
		T(test_buy_copies_limits),
		T(test_kind_loan_days),
		T(test_generated_ticket_numbers),
		T(test_multi_library_reader),
		T(test_kind_limit_audiobooks),
		T(test_kind_limit_ebooks),
		T(test_monthly_quota_month_boundary),
		T(test_notifications),
		cmocka_unit_test_setup_teardown(test_outbox_survives_reopen, th_setup_file, th_teardown),
	};
	return cmocka_run_group_tests_name("circulation", tests, NULL, NULL);
}
