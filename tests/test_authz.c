/* tests/test_authz.c — authorization everywhere (spec sections 1, 7, 10):
 * every public call that reads or changes a reader's or a library's data,
 * called by a wrong actor, gives LEND_EPERM and changes nothing.
 *
 * The wrong actors: another reader; a librarian of another library; and the
 * reader himself through a session that was revoked. To cover a new call,
 * add one row to `calls` (and, if it only reads, mark it so that the right
 * actor is checked to succeed). Public reads (libraries, books, a library's
 * policy and fund) are not a reader's data and are not listed. */
#include <stdio.h>
#include <string.h>

#include "accounts_fixture.h"

/* Library A with librarian SA; library B with librarian SB. Reader R holds
 * a ticket of A, a loan of `book` and a place in the queue for `book2`, a
 * confirmed e-mail and a session; reader O holds a ticket of A. */
typedef struct az {
	th *t;
	int64_t libA, libB, SA, SB, R, O, N, tR, tO, book, book2, book3, loanR, holdR, methodR, sessionR;
	lend_actor *r, *sa, *admin;
} az;

static az Z;

typedef int (*call_fn)(az *z, lend_actor *a);

/* Calls that hand back a handle: made into x and freed. */
/* ---- reads */
#define HANDLE_CALL(fname, type, free_fn, call)                                                                         \
	static int fname(az *z, lend_actor *a)                                                                         \
	{                                                                                                              \
		type *x = NULL;                                                                                        \
		int rc = call;                                                                                         \
		free_fn(x);                                                                                            \
		return rc;                                                                                             \
	}
HANDLE_CALL(c_reader_get, lend_reader, lend_reader_free, lend_reader_get(z->t->e, a, z->R, &x))
HANDLE_CALL(c_ticket_get, lend_ticket, lend_ticket_free, lend_ticket_get(z->t->e, a, z->tR, &x))
HANDLE_CALL(c_ticket_list, lend_tickets, lend_tickets_free, lend_ticket_list(z->t->e, a, z->R, &x))
HANDLE_CALL(c_limits_get, lend_limits, lend_limits_free, lend_limits_get(z->t->e, a, z->tR, LEND_KIND_ANY, &x))
HANDLE_CALL(c_availability, lend_availability, lend_availability_free, lend_availability_get(z->t->e, a, z->tR, z->book3, &x))
HANDLE_CALL(c_loan_get, lend_loan, lend_loan_free, lend_loan_get(z->t->e, a, z->loanR, &x))
HANDLE_CALL(c_loan_list, lend_loans, lend_loans_free, lend_loan_list(z->t->e, a, z->R, 0, &x))
HANDLE_CALL(c_hold_get, lend_hold, lend_hold_free, lend_hold_get(z->t->e, a, z->holdR, &x))
HANDLE_CALL(c_hold_list, lend_holds, lend_holds_free, lend_hold_list(z->t->e, a, z->R, &x))
HANDLE_CALL(c_queue_get, lend_queue, lend_queue_free, lend_queue_get(z->t->e, a, z->libA, z->book2, &x))
HANDLE_CALL(c_method_list, lend_methods, lend_methods_free, lend_method_list(z->t->e, a, z->R, &x))
HANDLE_CALL(c_session_list, lend_sessions, lend_sessions_free, lend_session_list(z->t->e, a, z->R, &x))
HANDLE_CALL(c_audit_list, lend_audit, lend_audit_free, lend_audit_list(z->t->e, a, z->R, 0, 0, &x))

/* ---- changes */
HANDLE_CALL(c_ticket_issue, lend_ticket, lend_ticket_free, lend_ticket_issue(z->t->e, a, z->libA, z->N, NULL, &x))
static int c_ticket_block(az *z, lend_actor *a) { return lend_ticket_set_blocked(z->t->e, a, z->tR, 1); }
static int c_ticket_validity(az *z, lend_actor *a) { return lend_ticket_set_validity(z->t->e, a, z->tR, 0, 1); }
static int c_ticket_limit(az *z, lend_actor *a)
{
	return lend_ticket_set_limit(z->t->e, a, z->tR, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 100);
}
static int c_ticket_clear_limit(az *z, lend_actor *a)
{
	return lend_ticket_clear_limit(z->t->e, a, z->tR, LEND_KIND_ANY, LEND_SETTING_LOAN_DAYS);
}
static int c_take(az *z, lend_actor *a) { return lend_take(z->t->e, a, z->tR, z->book3, NULL); }
static int c_return(az *z, lend_actor *a) { return lend_return(z->t->e, a, z->loanR); }
static int c_queue_join(az *z, lend_actor *a) { return lend_queue_join(z->t->e, a, z->tR, z->book, NULL); }
static int c_queue_leave(az *z, lend_actor *a) { return lend_queue_leave(z->t->e, a, z->holdR); }
static int c_queue_suspend(az *z, lend_actor *a)
{
	return lend_queue_suspend(z->t->e, a, z->holdR, th_now + TH_DAY);
}
static int c_queue_resume(az *z, lend_actor *a) { return lend_queue_resume(z->t->e, a, z->holdR); }
static int c_policy_set(az *z, lend_actor *a)
{
	return lend_policy_set(z->t->e, a, z->libA, LEND_KIND_ANY, LEND_SETTING_LOAN_DAYS, 7);
}
static int c_budget_add(az *z, lend_actor *a) { return lend_budget_add(z->t->e, a, z->libA, 100, NULL); }
static int c_fund_add(az *z, lend_actor *a) { return lend_fund_add_copies(z->t->e, a, z->libA, z->book3, 1); }
static int c_grant(az *z, lend_actor *a) { return lend_library_grant(z->t->e, a, z->libA, z->O); }
static int c_set_password(az *z, lend_actor *a)
{
	return lend_ticket_set_password(z->t->e, a, z->tR, "taken over!", NULL);
}
static int c_method_add(az *z, lend_actor *a)
{
	return lend_method_add(z->t->e, a, z->R, LEND_METHOD_EMAIL, "attacker@example.org", NULL);
}
static int c_method_confirm(az *z, lend_actor *a) { return lend_method_confirm(z->t->e, a, z->methodR, "000000"); }
static int c_method_remove(az *z, lend_actor *a) { return lend_method_remove(z->t->e, a, z->methodR); }
static int c_identity_link(az *z, lend_actor *a)
{
	return lend_identity_link(z->t->e, a, z->R, "vk", "attacker", NULL);
}
static int c_session_revoke(az *z, lend_actor *a) { return lend_session_revoke(z->t->e, a, z->sessionR); }
HANDLE_CALL(c_outbox, lend_notifications, lend_notifications_free, lend_outbox_list(z->t->e, a, 0, 10, &x))

/* ---- the librarian's desk, the shelf, the catalog */
HANDLE_CALL(c_request_list, lend_requests, lend_requests_free, lend_request_list(z->t->e, a, z->R, 0, &x))
HANDLE_CALL(c_request_pending, lend_requests, lend_requests_free, lend_request_pending(z->t->e, a, z->libA, 10, &x))
HANDLE_CALL(c_ledger_list, lend_ledger, lend_ledger_free, lend_ledger_list(z->t->e, a, z->libA, 0, 0, &x))
HANDLE_CALL(c_shelf_get, lend_shelf, lend_shelf_free,
            lend_shelf_get(z->t->e, a, z->R, LEND_SHELF_ALL, 0, 0, 0, 10, &x))
HANDLE_CALL(c_cabinet_get, lend_cabinet, lend_cabinet_free, lend_cabinet_get(z->t->e, a, z->R, &x))
HANDLE_CALL(c_reading_get, lend_reading, lend_reading_free, lend_reading_get(z->t->e, a, z->R, z->book, &x))
HANDLE_CALL(c_prefs_get, lend_prefs, lend_prefs_free, lend_prefs_get(z->t->e, a, z->R, &x))
HANDLE_CALL(c_request_create, lend_request, lend_request_free, lend_request_create(z->t->e, a, z->tR, z->book3, &x))
HANDLE_CALL(c_issue, lend_loan, lend_loan_free, lend_issue(z->t->e, a, z->tR, z->book3, 0, NULL, &x))
HANDLE_CALL(c_renew, lend_loan, lend_loan_free, lend_renew(z->t->e, a, z->loanR, &x))
HANDLE_CALL(c_buy, lend_purchase, lend_purchase_free, lend_buy(z->t->e, a, z->R, z->book3, &x))
HANDLE_CALL(c_offline_grant, lend_offline, lend_offline_free, lend_offline_grant(z->t->e, a, z->R, "phone", z->book, &x))
static int c_balance_get(az *z, lend_actor *a)
{
	int64_t balance = 0;
	return lend_balance_get(z->t->e, a, z->R, "RUB", &balance);
}
static int c_balance_credit(az *z, lend_actor *a)
{
	return lend_balance_credit(z->t->e, a, z->R, 100, "RUB", "forged-payment", NULL);
}
static int c_reading_set(az *z, lend_actor *a)
{
	return lend_reading_set(z->t->e, a, z->R, z->book, 5, 1, 5, "phone", 1000, NULL);
}
static int c_bookmark_add(az *z, lend_actor *a) { return lend_bookmark_add(z->t->e, a, z->R, z->book, 5, NULL, NULL); }
static int c_defer_add(az *z, lend_actor *a) { return lend_defer_add(z->t->e, a, z->R, z->book3); }
static int c_rating_set(az *z, lend_actor *a) { return lend_rating_set(z->t->e, a, z->R, z->book, 1); }
static int c_review_add(az *z, lend_actor *a) { return lend_review_add(z->t->e, a, z->R, z->book, "forged", NULL); }

enum { WHO_READER = 1, WHO_STAFF = 2, WHO_ADMIN = 3 };

static const struct call {
	const char *name;
	call_fn fn;
	int reads; /* 0: changes; else who may read it (WHO_*) */
} calls[] = {
	{"lend_reader_get", c_reader_get, WHO_READER},
	{"lend_ticket_get", c_ticket_get, WHO_READER},
	{"lend_ticket_list", c_ticket_list, WHO_READER},
	{"lend_limits_get", c_limits_get, WHO_READER},
	{"lend_availability_get", c_availability, WHO_READER},
	{"lend_loan_get", c_loan_get, WHO_READER},
	{"lend_loan_list", c_loan_list, WHO_READER},
	{"lend_hold_get", c_hold_get, WHO_READER},
	{"lend_hold_list", c_hold_list, WHO_READER},
	{"lend_queue_get", c_queue_get, WHO_STAFF},
	{"lend_method_list", c_method_list, WHO_READER},
	{"lend_session_list", c_session_list, WHO_READER},
	{"lend_audit_list", c_audit_list, WHO_READER},
	{"lend_outbox_list", c_outbox, WHO_ADMIN},
	{"lend_ticket_issue", c_ticket_issue, 0},
	{"lend_ticket_set_blocked", c_ticket_block, 0},
	{"lend_ticket_set_validity", c_ticket_validity, 0},
	{"lend_ticket_set_limit", c_ticket_limit, 0},
	{"lend_ticket_clear_limit", c_ticket_clear_limit, 0},
	{"lend_take", c_take, 0},
	{"lend_return", c_return, 0},
	{"lend_queue_join", c_queue_join, 0},
	{"lend_queue_leave", c_queue_leave, 0},
	{"lend_queue_suspend", c_queue_suspend, 0},
	{"lend_queue_resume", c_queue_resume, 0},
	{"lend_policy_set", c_policy_set, 0},
	{"lend_budget_add", c_budget_add, 0},
	{"lend_fund_add_copies", c_fund_add, 0},
	{"lend_library_grant", c_grant, 0},
	{"lend_ticket_set_password", c_set_password, 0},
	{"lend_method_add", c_method_add, 0},
	{"lend_method_confirm", c_method_confirm, 0},
	{"lend_method_remove", c_method_remove, 0},
	{"lend_identity_link", c_identity_link, 0},
	{"lend_session_revoke", c_session_revoke, 0},
	{"lend_request_list", c_request_list, WHO_READER},
	{"lend_request_pending", c_request_pending, WHO_STAFF},
	{"lend_ledger_list", c_ledger_list, WHO_STAFF},
	{"lend_shelf_get", c_shelf_get, WHO_READER},
	{"lend_cabinet_get", c_cabinet_get, WHO_READER},
	{"lend_reading_get", c_reading_get, WHO_READER},
	{"lend_prefs_get", c_prefs_get, WHO_READER},
	{"lend_balance_get", c_balance_get, WHO_READER},
	{"lend_request_create", c_request_create, 0},
	{"lend_issue", c_issue, 0},
	{"lend_renew", c_renew, 0},
	{"lend_buy", c_buy, 0},
	{"lend_offline_grant", c_offline_grant, 0},
	{"lend_balance_credit", c_balance_credit, 0},
	{"lend_reading_set", c_reading_set, 0},
	{"lend_bookmark_add", c_bookmark_add, 0},
	{"lend_defer_add", c_defer_add, 0},
	{"lend_rating_set", c_rating_set, 0},
	{"lend_review_add", c_review_add, 0},
};

/* Library-only calls are staff business: another reader is wrong for them
 * as for the rest, the reader himself too (covered by the permissions
 * suite); here the three wrong actors apply to every row. */
static void az_init(az *z, th *t)
{
	memset(z, 0, sizeof *z);
	z->t = t;
	z->libA = th_library(t, "A", 100000);
	z->libB = th_library(t, "B", 100000);
	z->SA = th_reader(t, "Staff A", 1970, 1, 1);
	z->SB = th_reader(t, "Staff B", 1970, 1, 1);
	TH_OK(t, lend_library_grant(t->e, t->admin, z->libA, z->SA));
	TH_OK(t, lend_library_grant(t->e, t->admin, z->libB, z->SB));
	z->R = th_reader(t, "R", 1990, 1, 1);
	z->O = th_reader(t, "O", 1990, 1, 1);
	z->N = th_reader(t, "N", 1990, 1, 1); /* no ticket yet */
	z->tR = th_ticket(t, z->libA, z->R);
	z->tO = th_ticket(t, z->libA, z->O);
	th_ticket(t, z->libB, z->O);
	TH_OK(t, lend_ticket_set_password(t->e, t->admin, z->tR, AW_PASSWORD, NULL));
	z->book = th_book(t, "Book", LEND_KIND_EBOOK, 100, 0);
	z->book2 = th_book(t, "Book 2", LEND_KIND_EBOOK, 100, 0);
	z->book3 = th_book(t, "Book 3", LEND_KIND_EBOOK, 100, 0);
	th_copies(t, z->libA, z->book, 1);
	th_copies(t, z->libA, z->book2, 1);
	th_copies(t, z->libA, z->book3, 1);
	lend_loan *l = NULL;
	TH_OK(t, lend_take(t->e, th_as_reader(t, z->R), z->tR, z->book, &l));
	z->loanR = lend_loan_id(l);
	lend_loan_free(l);
	TH_OK(t, lend_take(t->e, th_as_reader(t, z->O), z->tO, z->book2, NULL));
	lend_hold *h = NULL;
	TH_OK(t, lend_queue_join(t->e, th_as_reader(t, z->R), z->tR, z->book2, &h));
	z->holdR = lend_hold_id(h);
	lend_hold_free(h);
	z->methodR = aw_confirmed_email(t, z->R, "r@example.org");
	lend_actor *s = NULL;
	char num[32];
	aw_number(t, z->tR, num, sizeof num);
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, z->libA, num, AW_PASSWORD, "phone", &s));
	z->sessionR = lend_actor_session_id(s);
	lend_actor_free(s);
	TH_OK(t, lend_reading_set(t->e, th_as_reader(t, z->R), z->R, z->book, 3, 1, 3, "phone", 500, NULL));
}

static void test_wrong_actors_get_eperm(void **state)
{
	th *t = *state;
	az_init(&Z, t);
	/* The revoked session: R signs in again, then that session is revoked. */
	lend_actor *revoked = NULL;
	char num[32];
	aw_number(t, Z.tR, num, sizeof num);
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, Z.libA, num, AW_PASSWORD, "old phone", &revoked));
	TH_OK(t, lend_session_revoke(t->e, t->admin, lend_actor_session_id(revoked)));
	struct {
		const char *who;
		lend_actor *a;
	} wrong[] = {
		{"another reader", th_as_reader(t, Z.O)},
		{"a librarian of another library", th_as_librarian(t, Z.SB)},
		{"the reader through a revoked session", revoked},
	};
	char *before = th_dump_db(t->path);
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
		for (size_t k = 0; k < sizeof wrong / sizeof wrong[0]; k++) {
			int rc = calls[i].fn(&Z, wrong[k].a);
			if (rc != LEND_EPERM)
				print_message("%s by %s: %d (%s): %s\n", calls[i].name, wrong[k].who, rc, lend_strerror(rc),
				              lend_engine_errmsg(t->e));
			assert_int_equal(rc, LEND_EPERM);
		}
	/* Nothing changed. */
	char *after = th_dump_db(t->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	lend_actor_free(revoked);

	/* The right actors read. */
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		if (!calls[i].reads)
			continue;
		lend_actor *a = calls[i].reads == WHO_READER  ? th_as_reader(t, Z.R)
		                : calls[i].reads == WHO_STAFF ? th_as_librarian(t, Z.SA)
		                                              : t->admin;
		int rc = calls[i].fn(&Z, a);
		if (rc != LEND_OK)
			print_message("%s by its owner: %s\n", calls[i].name, lend_engine_errmsg(t->e));
		assert_int_equal(rc, LEND_OK);
	}
	th_check_clean(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_wrong_actors_get_eperm, aw_setup, th_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
