/* tests/test_permissions.c — who may see and do what (spec sections 1 and 7,
 * and 10: "a reader or librarian reading or changing another reader's or
 * library's data" must never happen). */
#include <stdio.h>
#include <string.h>

#include "helpers.h"

/* Two libraries, a librarian of each, two readers with a ticket at A (and
 * reader B one at B too); reader A has a loan of `book` at A and waits for
 * `book2`; reader B has `book2` at A, `book3` at B, and waits for `book`. */
typedef struct world {
	th *t;
	int64_t libA, libB;
	int64_t staffA, staffB; /* accounts */
	int64_t rA, rB;         /* readers */
	int64_t tA, tB;         /* their tickets at library A */
	int64_t tB2;            /* reader B's ticket at library B */
	int64_t book, book2, book3;
	int64_t loanA, loanB, loanB2;
	int64_t holdA, holdB;
	lend_actor *readerA, *readerB, *libA_staff, *libB_staff;
} world;

static void world_init(world *w, th *t)
{
	memset(w, 0, sizeof *w);
	w->t = t;
	w->libA = th_library(t, "Library A", 100000);
	w->libB = th_library(t, "Library B", 100000);
	w->staffA = th_reader(t, "Librarian A", 1970, 1, 1);
	w->staffB = th_reader(t, "Librarian B", 1971, 1, 1);
	TH_OK(t, lend_library_grant(t->e, t->admin, w->libA, w->staffA));
	TH_OK(t, lend_library_grant(t->e, t->admin, w->libB, w->staffB));
	w->rA = th_reader(t, "Reader A", 1990, 1, 1);
	w->rB = th_reader(t, "Reader B", 1991, 2, 2);
	w->tA = th_ticket(t, w->libA, w->rA);
	w->tB = th_ticket(t, w->libA, w->rB);
	w->tB2 = th_ticket(t, w->libB, w->rB);
	w->book = th_book(t, "Book", LEND_KIND_EBOOK, 100, 0);
	w->book2 = th_book(t, "Book 2", LEND_KIND_EBOOK, 100, 0);
	w->book3 = th_book(t, "Book 3", LEND_KIND_EBOOK, 100, 0);
	th_copies(t, w->libA, w->book, 1);
	th_copies(t, w->libA, w->book2, 1);
	th_copies(t, w->libB, w->book3, 1);
	w->readerA = th_as_reader(t, w->rA);
	w->readerB = th_as_reader(t, w->rB);
	w->libA_staff = th_as_librarian(t, w->staffA);
	w->libB_staff = th_as_librarian(t, w->staffB);
	lend_loan *l = NULL;
	TH_OK(t, lend_take(t->e, w->readerA, w->tA, w->book, &l));
	w->loanA = lend_loan_id(l);
	lend_loan_free(l);
	TH_OK(t, lend_take(t->e, w->readerB, w->tB, w->book2, &l));
	w->loanB = lend_loan_id(l);
	lend_loan_free(l);
	TH_OK(t, lend_take(t->e, w->readerB, w->tB2, w->book3, &l));
	w->loanB2 = lend_loan_id(l);
	lend_loan_free(l);
	lend_hold *h = NULL;
	TH_OK(t, lend_queue_join(t->e, w->readerA, w->tA, w->book2, &h));
	w->holdA = lend_hold_id(h);
	lend_hold_free(h);
	TH_OK(t, lend_queue_join(t->e, w->readerB, w->tB, w->book, &h));
	w->holdB = lend_hold_id(h);
	lend_hold_free(h);
}

#define EPERM_(call) TH_RC(t, LEND_EPERM, call)

static void test_reader_cannot_touch_another_reader(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t);
	char *before = th_dump_db(t->path);
	lend_loan *l = NULL;
	lend_loans *ls = NULL;
	lend_holds *hs = NULL;
	lend_hold *h = NULL;
	lend_tickets *ts = NULL;
	lend_ticket *tk = NULL;
	lend_reader *r = NULL;
	lend_limits *lim = NULL;
	lend_availability *v = NULL;

	/* take, queue, return, leave, suspend on B's behalf */
	EPERM_(lend_take(t->e, w.readerA, w.tB, w.book3, &l));
	assert_null(l);
	EPERM_(lend_queue_join(t->e, w.readerA, w.tB, w.book2, NULL));
	EPERM_(lend_return(t->e, w.readerA, w.loanB));
	EPERM_(lend_queue_leave(t->e, w.readerA, w.holdB));
	EPERM_(lend_queue_suspend(t->e, w.readerA, w.holdB, th_now + TH_DAY));
	EPERM_(lend_queue_resume(t->e, w.readerA, w.holdB));
	/* read B's loans, places, tickets, account, limits, verdicts */
	EPERM_(lend_loan_get(t->e, w.readerA, w.loanB, &l));
	assert_null(l);
	EPERM_(lend_loan_list(t->e, w.readerA, w.rB, 0, &ls));
	assert_null(ls);
	EPERM_(lend_hold_list(t->e, w.readerA, w.rB, &hs));
	assert_null(hs);
	EPERM_(lend_hold_get(t->e, w.readerA, w.holdB, &h));
	assert_null(h);
	EPERM_(lend_ticket_list(t->e, w.readerA, w.rB, &ts));
	assert_null(ts);
	EPERM_(lend_ticket_get(t->e, w.readerA, w.tB, &tk));
	assert_null(tk);
	EPERM_(lend_reader_get(t->e, w.readerA, w.rB, &r));
	assert_null(r);
	EPERM_(lend_limits_get(t->e, w.readerA, w.tB, LEND_KIND_ANY, &lim));
	assert_null(lim);
	EPERM_(lend_availability_get(t->e, w.readerA, w.tB, w.book3, &v));
	assert_null(v);
	/* staff work */
	lend_queue *q = NULL;
	EPERM_(lend_queue_get(t->e, w.readerA, w.libA, w.book, &q));
	assert_null(q);
	EPERM_(lend_fund_add_copies(t->e, w.readerA, w.libA, w.book3, 1));
	EPERM_(lend_budget_add(t->e, w.readerA, w.libA, 100, NULL));
	EPERM_(lend_policy_set(t->e, w.readerA, w.libA, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 100));
	EPERM_(lend_ticket_set_limit(t->e, w.readerA, w.tA, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 100));
	EPERM_(lend_ticket_set_blocked(t->e, w.readerA, w.tB, 1));
	EPERM_(lend_ticket_issue(t->e, w.readerA, w.libB, w.rA, NULL, NULL));
	lend_reader *draft = NULL;
	assert_int_equal(lend_reader_new(&draft), LEND_OK);
	assert_int_equal(lend_reader_set_name(draft, "Someone"), LEND_OK);
	EPERM_(lend_reader_add(t->e, w.readerA, draft, NULL));
	lend_reader_free(draft);
	lend_notifications *ns = NULL;
	EPERM_(lend_outbox_list(t->e, w.readerA, 0, 10, &ns));
	assert_null(ns);

	/* nothing changed */
	char *after = th_dump_db(t->path);
	assert_string_equal(before, after);
	free(before);
	free(after);

	/* his own data he may see and change */
	TH_OK(t, lend_loan_get(t->e, w.readerA, w.loanA, &l));
	lend_loan_free(l);
	TH_OK(t, lend_loan_list(t->e, w.readerA, w.rA, 0, &ls));
	assert_int_equal(lend_loans_count(ls), 1);
	lend_loans_free(ls);
	TH_OK(t, lend_ticket_list(t->e, w.readerA, w.rA, &ts));
	assert_int_equal(lend_tickets_count(ts), 1);
	lend_tickets_free(ts);
	TH_OK(t, lend_hold_list(t->e, w.readerA, w.rA, &hs));
	assert_int_equal(lend_holds_count(hs), 1);
	lend_holds_free(hs);
	TH_OK(t, lend_limits_get(t->e, w.readerA, w.tA, LEND_KIND_ANY, &lim));
	lend_limits_free(lim);
	TH_OK(t, lend_reader_get(t->e, w.readerA, w.rA, &r));
	assert_string_equal(lend_reader_name(r), "Reader A");
	lend_reader_free(r);
	TH_OK(t, lend_queue_suspend(t->e, w.readerA, w.holdA, th_now + TH_DAY));
	TH_OK(t, lend_return(t->e, w.readerA, w.loanA));
	th_check_clean(t);
}

static void test_librarian_of_other_library(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t);
	lend_actor *a = w.libA_staff;
	char *before = th_dump_db(t->path);
	lend_queue *q = NULL;
	lend_loans *ls = NULL;
	lend_tickets *ts = NULL;
	lend_ticket *tk = NULL;
	lend_loan *l = NULL;
	lend_limits *lim = NULL;
	lend_availability *v = NULL;

	/* library B's staff work, as a librarian of A */
	EPERM_(lend_fund_add_copies(t->e, a, w.libB, w.book, 1));
	EPERM_(lend_fund_buy_copies(t->e, a, w.libB, w.book2, 1));
	EPERM_(lend_fund_remove_copies(t->e, a, w.libB, w.book, 1));
	EPERM_(lend_policy_set(t->e, a, w.libB, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 1));
	EPERM_(lend_policy_clear(t->e, a, w.libB, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS));
	EPERM_(lend_ticket_set_blocked(t->e, a, w.tB2, 1));
	EPERM_(lend_ticket_set_validity(t->e, a, w.tB2, 0, th_now + 1));
	EPERM_(lend_ticket_set_limit(t->e, a, w.tB2, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 1));
	EPERM_(lend_budget_add(t->e, a, w.libB, 100, "top-up"));
	EPERM_(lend_queue_get(t->e, a, w.libB, w.book, &q));
	assert_null(q);
	EPERM_(lend_ticket_issue(t->e, a, w.libB, w.rA, NULL, NULL));
	EPERM_(lend_return(t->e, a, w.loanB2));
	EPERM_(lend_loan_get(t->e, a, w.loanB2, &l));
	EPERM_(lend_ticket_get(t->e, a, w.tB2, &tk));
	EPERM_(lend_limits_get(t->e, a, w.tB2, LEND_KIND_ANY, &lim));
	EPERM_(lend_availability_get(t->e, a, w.tB2, w.book3, &v));
	lend_reader *rd = NULL;
	EPERM_(lend_reader_get(t->e, a, w.staffB, &rd)); /* holds no card of A */
	assert_null(rd);
	lend_holds *hs = NULL;
	EPERM_(lend_hold_list(t->e, w.libB_staff, w.rA, &hs)); /* reader A holds no card of B */
	assert_null(hs);
	/* provisioning is the administrator's */
	lend_library *lib = NULL;
	assert_int_equal(lend_library_new(&lib), LEND_OK);
	assert_int_equal(lend_library_set_name(lib, "Library C"), LEND_OK);
	EPERM_(lend_library_add(t->e, a, lib, NULL));
	EPERM_(lend_library_add(t->e, w.readerA, lib, NULL));
	lend_library_free(lib);
	lend_book *b = NULL;
	assert_int_equal(lend_book_new(&b), LEND_OK);
	assert_int_equal(lend_book_set_title(b, "A new book"), LEND_OK);
	EPERM_(lend_book_add(t->e, a, b, NULL));
	EPERM_(lend_book_add(t->e, w.readerA, b, NULL));
	lend_book_free(b);
	EPERM_(lend_library_grant(t->e, a, w.libA, w.rA));
	EPERM_(lend_library_grant(t->e, a, w.libB, w.staffA));
	EPERM_(lend_library_grant(t->e, w.readerA, w.libA, w.rA));
	EPERM_(lend_library_revoke(t->e, a, w.libB, w.staffB));
	lend_notifications *ns = NULL;
	EPERM_(lend_outbox_list(t->e, a, 0, 10, &ns));

	char *after = th_dump_db(t->path);
	assert_string_equal(before, after);
	free(before);
	free(after);

	/* a librarian of A sees only A's side of reader B */
	TH_OK(t, lend_loan_list(t->e, a, w.rB, 0, &ls));
	assert_int_equal(lend_loans_count(ls), 1);
	assert_int_equal(lend_loan_library_id(lend_loans_get(ls, 0)), w.libA);
	lend_loans_free(ls);
	TH_OK(t, lend_ticket_list(t->e, a, w.rB, &ts));
	assert_int_equal(lend_tickets_count(ts), 1);
	assert_int_equal(lend_ticket_library_id(lend_tickets_get(ts, 0)), w.libA);
	lend_tickets_free(ts);

	/* and does all of it in his own library */
	TH_OK(t, lend_fund_add_copies(t->e, a, w.libA, w.book3, 1));
	TH_OK(t, lend_policy_set(t->e, a, w.libA, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 7));
	TH_OK(t, lend_ticket_set_limit(t->e, a, w.tB, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 8));
	TH_OK(t, lend_budget_add(t->e, a, w.libA, 100, "top-up"));
	TH_OK(t, lend_queue_get(t->e, a, w.libA, w.book, &q));
	assert_int_equal(lend_queue_length(q), 1);
	lend_queue_free(q);
	TH_OK(t, lend_loan_get(t->e, a, w.loanB, &l));
	lend_loan_free(l);
	TH_OK(t, lend_ticket_set_blocked(t->e, a, w.tB, 1));
	TH_OK(t, lend_ticket_set_blocked(t->e, a, w.tB, 0));
	int64_t rC = th_reader(t, "Reader C", 2000, 1, 1);
	TH_OK(t, lend_ticket_issue(t->e, a, w.libA, rC, NULL, NULL));
	/* a librarian ending a loan revokes it */
	TH_OK(t, lend_return(t->e, a, w.loanB));
	lend_loan *lb = NULL;
	TH_OK(t, lend_loan_get(t->e, t->admin, w.loanB, &lb));
	assert_int_equal(lend_loan_end_reason(lb), LEND_END_REVOKED);
	lend_loan_free(lb);
	assert_int_equal(th_budget(t, w.libA), 100100);
	assert_int_equal(th_budget(t, w.libB), 100000);
	th_check_clean(t);
}

static void test_librarian_cannot_take_for_reader(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t);
	/* "take" is the reader's own act (or the administrator's) */
	EPERM_(lend_take(t->e, w.libA_staff, w.tB, w.book3, NULL));
	EPERM_(lend_queue_join(t->e, w.libA_staff, w.tB, w.book2, NULL));
	assert_int_equal(th_loan_count(t, w.rB, 1), 2);
	th_check_clean(t);
}

static void test_revoke_takes_effect_at_once(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t);
	lend_actor *a = w.libA_staff; /* made before the revocation */
	TH_OK(t, lend_fund_add_copies(t->e, a, w.libA, w.book3, 1));
	TH_OK(t, lend_library_revoke(t->e, t->admin, w.libA, w.staffA));
	EPERM_(lend_fund_add_copies(t->e, a, w.libA, w.book3, 1));
	EPERM_(lend_budget_add(t->e, a, w.libA, 100, NULL));
	EPERM_(lend_policy_set(t->e, a, w.libA, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 1));
	lend_queue *q = NULL;
	EPERM_(lend_queue_get(t->e, a, w.libA, w.book, &q));
	lend_reader *draft = NULL;
	assert_int_equal(lend_reader_new(&draft), LEND_OK);
	assert_int_equal(lend_reader_set_name(draft, "Someone"), LEND_OK);
	EPERM_(lend_reader_add(t->e, a, draft, NULL));
	lend_reader_free(draft);
	/* no longer a librarian at all */
	lend_actor *again = NULL;
	EPERM_(lend_actor_librarian(t->e, w.staffA, &again));
	assert_null(again);
	/* revoking twice: there is nothing to revoke */
	TH_RC(t, LEND_ENOTFOUND, lend_library_revoke(t->e, t->admin, w.libA, w.staffA));
	/* granted again: at once too */
	TH_OK(t, lend_library_grant(t->e, t->admin, w.libA, w.staffA));
	TH_OK(t, lend_fund_add_copies(t->e, a, w.libA, w.book3, 1));
	TH_RC(t, LEND_EEXISTS, lend_library_grant(t->e, t->admin, w.libA, w.staffA));
	int copies;
	th_fund(t, w.libA, w.book3, &copies, NULL, NULL);
	assert_int_equal(copies, 2);
	th_check_clean(t);
}

static void test_librarian_actor_needs_grant(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t);
	lend_actor *a = NULL;
	EPERM_(lend_actor_librarian(t->e, w.rA, &a));
	assert_null(a);
	TH_RC(t, LEND_ENOTFOUND, lend_actor_librarian(t->e, 999999, &a));
	assert_null(a);
	TH_RC(t, LEND_ENOTFOUND, lend_actor_reader(t->e, 999999, &a));
	assert_null(a);
	TH_OK(t, lend_actor_reader(t->e, w.staffA, &a)); /* a librarian is also a reader */
	assert_int_equal(lend_actor_kind(a), LEND_ACTOR_READER);
	assert_int_equal(lend_actor_reader_id(a), w.staffA);
	/* acting as a reader he has no staff rights */
	EPERM_(lend_fund_add_copies(t->e, a, w.libA, w.book3, 1));
	lend_actor_free(a);
	lend_actor *adm = NULL;
	TH_OK(t, lend_actor_admin(t->e, &adm));
	assert_int_equal(lend_actor_kind(adm), LEND_ACTOR_ADMIN);
	lend_actor_free(adm);
}

static void test_unknown_ids(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t);
	const int64_t X = 987654;
	lend_library *lib = NULL;
	lend_book *b = NULL;
	lend_loan *l = NULL;
	lend_hold *h = NULL;
	lend_ticket *tk = NULL;
	lend_reader *r = NULL;
	lend_fund *f = NULL;
	lend_loans *ls = NULL;
	lend_queue *q = NULL;
	lend_availability *v = NULL;
	TH_RC(t, LEND_ENOTFOUND, lend_library_get(t->e, t->admin, X, &lib));
	TH_RC(t, LEND_ENOTFOUND, lend_book_get(t->e, t->admin, X, &b));
	TH_RC(t, LEND_ENOTFOUND, lend_loan_get(t->e, t->admin, X, &l));
	TH_RC(t, LEND_ENOTFOUND, lend_hold_get(t->e, t->admin, X, &h));
	TH_RC(t, LEND_ENOTFOUND, lend_ticket_get(t->e, t->admin, X, &tk));
	TH_RC(t, LEND_ENOTFOUND, lend_reader_get(t->e, t->admin, X, &r));
	TH_RC(t, LEND_ENOTFOUND, lend_fund_get(t->e, t->admin, w.libA, X, &f));
	TH_RC(t, LEND_ENOTFOUND, lend_fund_get(t->e, t->admin, X, w.book, &f));
	TH_RC(t, LEND_ENOTFOUND, lend_loan_list(t->e, t->admin, X, 0, &ls));
	TH_RC(t, LEND_ENOTFOUND, lend_queue_get(t->e, t->admin, w.libA, X, &q));
	TH_RC(t, LEND_ENOTFOUND, lend_availability_get(t->e, t->admin, X, w.book, &v));
	TH_RC(t, LEND_ENOTFOUND, lend_availability_get(t->e, t->admin, w.tA, X, &v));
	assert_null(lib);
	assert_null(b);
	assert_null(l);
	assert_null(h);
	assert_null(tk);
	assert_null(r);
	assert_null(f);
	assert_null(ls);
	assert_null(q);
	assert_null(v);
	TH_RC(t, LEND_ENOTFOUND, lend_take(t->e, t->admin, X, w.book, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_take(t->e, w.readerA, w.tA, X, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_return(t->e, t->admin, X));
	TH_RC(t, LEND_ENOTFOUND, lend_queue_join(t->e, w.readerA, w.tA, X, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_queue_leave(t->e, t->admin, X));
	TH_RC(t, LEND_ENOTFOUND, lend_fund_add_copies(t->e, t->admin, X, w.book, 1));
	TH_RC(t, LEND_ENOTFOUND, lend_fund_add_copies(t->e, t->admin, w.libA, X, 1));
	TH_RC(t, LEND_ENOTFOUND, lend_budget_add(t->e, t->admin, X, 100, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_policy_set(t->e, t->admin, X, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 1));
	TH_RC(t, LEND_ENOTFOUND, lend_ticket_set_limit(t->e, t->admin, X, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 1));
	TH_RC(t, LEND_ENOTFOUND, lend_ticket_set_blocked(t->e, t->admin, X, 1));
	TH_RC(t, LEND_ENOTFOUND, lend_ticket_issue(t->e, t->admin, X, w.rA, NULL, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_ticket_issue(t->e, t->admin, w.libB, X, NULL, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_library_grant(t->e, t->admin, X, w.rA));
	TH_RC(t, LEND_ENOTFOUND, lend_library_grant(t->e, t->admin, w.libA, X));
	TH_RC(t, LEND_ENOTFOUND, lend_limits_get(t->e, t->admin, X, LEND_KIND_ANY, &(lend_limits *){NULL}));
	int64_t v64 = 0;
	TH_RC(t, LEND_ENOTFOUND, lend_policy_get(t->e, t->admin, X, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, &v64));
	/* a librarian asking about an unknown thing in his library */
	TH_RC(t, LEND_ENOTFOUND, lend_return(t->e, w.libA_staff, X));
	th_check_clean(t);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, th_setup_file, th_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_reader_cannot_touch_another_reader),
		T(test_librarian_of_other_library),
		T(test_librarian_cannot_take_for_reader),
		T(test_revoke_takes_effect_at_once),
		T(test_librarian_actor_needs_grant),
		T(test_unknown_ids),
	};
	return cmocka_run_group_tests_name("permissions", tests, NULL, NULL);
}
