/* tests/test_authz.c — authorization everywhere (spec sections 1, 7, 10):
 * every public call that takes an actor, called by a wrong actor, gives
 * LEND_EPERM and changes nothing.
 *
 * The wrong actors: another reader; a librarian of another library; and the
 * reader himself through a session that was revoked, or that expired. Who
 * may call what:
 *  - a reader's own data (his tickets, loans, queue places, requests,
 *    reservations, shelf, reading state, ratings, bookmarks, and the
 *    verdicts of his ticket in a listing): the reader, a librarian of the
 *    library concerned where the call says so, or the administrator;
 *  - a library's staff business: its librarians or the administrator;
 *  - provisioning and the shared catalog's changes: the administrator;
 *  - public reads (libraries, books, authors, a library's policy and fund, a
 *    book's rating counts and reviews, search and suggestions, whose verdicts
 *    are the asking reader's own): any actor, so the first two wrong actors
 *    get the answer (LEND_OK), and are not wrong for them.
 * A revoked or expired session is usable for nothing, public reads
 * included: those columns are LEND_EPERM for every row, without exception.
 *
 * To cover a new call, add one row to `calls` (and, if it only reads, mark
 * who may read it so that the right actor is checked to succeed).
 * test_every_actor_call_is_walked parses the public headers and fails on a
 * call that takes `const lend_actor *` and is neither here nor in
 * `not_walked`. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts_fixture.h"

#ifndef TH_INCLUDE_DIR
#error "TH_INCLUDE_DIR (the public headers' directory) comes from tests/meson.build"
#endif

/* Library A with librarian SA; library B with librarian SB. Reader R holds
 * a ticket of A, a loan of `book` and a place in the queue for `book2`, a
 * confirmed e-mail and a session; reader O holds a ticket of A. */
typedef struct az {
	th *t;
	int64_t libA, libB, SA, SB, R, O, N, tR, tO, book, book2, book3, loanR, holdR, methodR, sessionR;
	int64_t book4, book5, requestR, reserveR, bookmarkR, reviewR, author;
	lend_book *draft; /* book3 as stored, for lend_book_update */
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

/* ---- the reader's own data, further */
static int c_rating_get(az *z, lend_actor *a)
{
	int stars = 0;
	return lend_rating_get(z->t->e, a, z->R, z->book, &stars);
}
static int c_rating_remove(az *z, lend_actor *a) { return lend_rating_remove(z->t->e, a, z->R, z->book); }
static int c_review_edit(az *z, lend_actor *a) { return lend_review_edit(z->t->e, a, z->reviewR, "forged"); }
static int c_review_delete(az *z, lend_actor *a) { return lend_review_delete(z->t->e, a, z->reviewR); }
HANDLE_CALL(c_bookmark_list, lend_bookmarks, lend_bookmarks_free, lend_bookmark_list(z->t->e, a, z->R, 0, &x))
static int c_bookmark_delete(az *z, lend_actor *a) { return lend_bookmark_delete(z->t->e, a, z->bookmarkR); }
HANDLE_CALL(c_defer_list, lend_deferreds, lend_deferreds_free, lend_defer_list(z->t->e, a, z->R, z->tR, &x))
static int c_defer_remove(az *z, lend_actor *a) { return lend_defer_remove(z->t->e, a, z->R, z->book3); }
HANDLE_CALL(c_offline_list, lend_offlines, lend_offlines_free, lend_offline_list(z->t->e, a, z->R, NULL, &x))
static int c_reading_access(az *z, lend_actor *a)
{
	int access = 0;
	return lend_reading_access(z->t->e, a, z->R, z->book, 0, &access);
}
static int c_prefs_save(az *z, lend_actor *a)
{
	lend_prefs *p = NULL;
	if (lend_prefs_new(&p) != LEND_OK || lend_prefs_set_email(p, "attacker@example.org") != LEND_OK)
		return LEND_ENOMEM;
	int rc = lend_prefs_save(z->t->e, a, z->R, p);
	lend_prefs_free(p);
	return rc;
}
HANDLE_CALL(c_request_get, lend_request, lend_request_free, lend_request_get(z->t->e, a, z->requestR, &x))
static int c_request_cancel(az *z, lend_actor *a) { return lend_request_cancel(z->t->e, a, z->requestR); }
HANDLE_CALL(c_reserve_get, lend_reserve, lend_reserve_free, lend_reserve_get(z->t->e, a, z->reserveR, &x))
HANDLE_CALL(c_reserve_list, lend_reserves, lend_reserves_free, lend_reserve_list(z->t->e, a, z->R, 0, &x))
HANDLE_CALL(c_reserve_confirm, lend_loan, lend_loan_free, lend_reserve_confirm(z->t->e, a, z->reserveR, &x))
static int c_reserve_decline(az *z, lend_actor *a) { return lend_reserve_decline(z->t->e, a, z->reserveR); }
/* A listing with the verdicts of R's ticket, and R's recommendations. */
static int list_books(az *z, lend_actor *a, int list, int64_t ticket, int64_t reader)
{
	lend_list_query *q = NULL;
	lend_listing *x = NULL;
	if (lend_list_query_new(&q, list) != LEND_OK)
		return LEND_ENOMEM;
	int rc = lend_list_query_set_ticket(q, ticket);
	if (rc == LEND_OK && list == LEND_LIST_FUND && !ticket)
		rc = lend_list_query_set_library(q, z->libA);
	if (rc == LEND_OK && reader)
		rc = lend_list_query_set_reader(q, reader);
	if (rc == LEND_OK)
		rc = lend_list_books(z->t->e, a, q, &x);
	lend_listing_free(x);
	lend_list_query_free(q);
	return rc;
}
static int c_list_verdicts(az *z, lend_actor *a) { return list_books(z, a, LEND_LIST_FUND, z->tR, 0); }
static int c_list_recommended(az *z, lend_actor *a) { return list_books(z, a, LEND_LIST_RECOMMENDED, 0, z->R); }
/* Books marked by R's age: his birth date is his. */
static int c_list_marked(az *z, lend_actor *a) { return list_books(z, a, LEND_LIST_NEW, 0, z->R); }

/* ---- a library's staff business */
static int c_budget_correct(az *z, lend_actor *a) { return lend_budget_correct(z->t->e, a, z->libA, -100, "forged"); }
static int c_fund_buy(az *z, lend_actor *a) { return lend_fund_buy_copies(z->t->e, a, z->libA, z->book3, 1); }
static int c_fund_remove(az *z, lend_actor *a) { return lend_fund_remove_copies(z->t->e, a, z->libA, z->book3, 1); }
static int c_license_add(az *z, lend_actor *a)
{
	return lend_license_add(z->t->e, a, z->libA, z->book3, 1, 0, LEND_UNLIMITED, NULL);
}
HANDLE_CALL(c_license_list, lend_licenses, lend_licenses_free, lend_license_list(z->t->e, a, z->libA, z->book3, &x))
static int c_policy_clear(az *z, lend_actor *a)
{
	return lend_policy_clear(z->t->e, a, z->libA, LEND_KIND_ANY, LEND_SETTING_RESERVE_DAYS);
}
HANDLE_CALL(c_request_approve, lend_request, lend_request_free, lend_request_approve(z->t->e, a, z->requestR, &x))
static int c_request_deny(az *z, lend_actor *a)
{
	return lend_request_deny(z->t->e, a, z->requestR, LEND_REASON_LIBRARIAN, "forged");
}

/* ---- the administrator's: provisioning and the shared catalog */
static int c_library_add(az *z, lend_actor *a)
{
	lend_library *l = NULL;
	if (lend_library_new(&l) != LEND_OK || lend_library_set_name(l, "Forged") != LEND_OK)
		return LEND_ENOMEM;
	int rc = lend_library_add(z->t->e, a, l, NULL);
	lend_library_free(l);
	return rc;
}
static int c_library_revoke(az *z, lend_actor *a) { return lend_library_revoke(z->t->e, a, z->libA, z->SA); }
static int c_reader_add(az *z, lend_actor *a)
{
	lend_reader *r = NULL;
	if (lend_reader_new(&r) != LEND_OK || lend_reader_set_name(r, "Forged") != LEND_OK)
		return LEND_ENOMEM;
	int rc = lend_reader_add(z->t->e, a, r, NULL);
	lend_reader_free(r);
	return rc;
}
static int c_book_add(az *z, lend_actor *a)
{
	lend_book *b = NULL;
	if (lend_book_new(&b) != LEND_OK || lend_book_set_title(b, "Forged") != LEND_OK)
		return LEND_ENOMEM;
	int rc = lend_book_add(z->t->e, a, b, NULL);
	lend_book_free(b);
	return rc;
}
static int c_book_update(az *z, lend_actor *a) { return lend_book_update(z->t->e, a, z->draft); }
static int c_book_withdraw(az *z, lend_actor *a) { return lend_book_withdraw(z->t->e, a, z->book3); }
static int c_author_alias(az *z, lend_actor *a) { return lend_author_add_alias(z->t->e, a, z->author, "Forged"); }
static int c_catalog_import(az *z, lend_actor *a)
{
	lend_import_report *x = NULL;
	/* The permission comes before the file is opened. */
	int rc = lend_catalog_import(z->t->e, a, "/nonexistent/catalog.csv", LEND_IMPORT_CSV, NULL, NULL, &x);
	lend_import_report_free(x);
	return rc;
}

/* ---- the actor's own account */
static int c_password_change(az *z, lend_actor *a)
{
	return lend_password_change(z->t->e, a, AW_PASSWORD, "taken over!");
}
static int c_account_merge(az *z, lend_actor *a)
{
	char num[32];
	aw_number(z->t, z->tR, num, sizeof num);
	return lend_account_merge(z->t->e, a, LEND_LOGIN_TICKET, z->libA, num, AW_PASSWORD);
}
HANDLE_CALL(c_actor_staff, lend_actor, lend_actor_free, lend_actor_staff(z->t->e, a, &x))

/* ---- public reads */
HANDLE_CALL(c_library_get, lend_library, lend_library_free, lend_library_get(z->t->e, a, z->libA, &x))
HANDLE_CALL(c_library_list, lend_libraries, lend_libraries_free, lend_library_list(z->t->e, a, &x))
static int c_policy_get(az *z, lend_actor *a)
{
	int64_t v = 0;
	return lend_policy_get(z->t->e, a, z->libA, LEND_KIND_ANY, LEND_SETTING_LOAN_DAYS, &v);
}
HANDLE_CALL(c_book_get, lend_book, lend_book_free, lend_book_get(z->t->e, a, z->book, &x))
HANDLE_CALL(c_book_list, lend_books, lend_books_free, lend_book_list(z->t->e, a, 0, 10, &x))
HANDLE_CALL(c_book_authors, lend_authors, lend_authors_free,
            lend_book_authors(z->t->e, a, z->book5, LEND_ROLE_AUTHOR, &x))
HANDLE_CALL(c_author_get, lend_author, lend_author_free, lend_author_get(z->t->e, a, z->author, &x))
HANDLE_CALL(c_author_find, lend_author, lend_author_free, lend_author_find(z->t->e, a, "Author Of Five", &x))
HANDLE_CALL(c_fund_get, lend_fund, lend_fund_free, lend_fund_get(z->t->e, a, z->libA, z->book, &x))
HANDLE_CALL(c_fund_list, lend_funds, lend_funds_free, lend_fund_list(z->t->e, a, z->libA, 0, 10, &x))
HANDLE_CALL(c_book_rating, lend_rating_summary, lend_rating_summary_free, lend_book_rating(z->t->e, a, z->book, &x))
HANDLE_CALL(c_review_list, lend_reviews, lend_reviews_free, lend_review_list(z->t->e, a, z->book, 0, 10, &x))
static int c_list_public(az *z, lend_actor *a) { return list_books(z, a, LEND_LIST_FUND, 0, 0); }
static int search(az *z, lend_actor *a, int suggest)
{
	lend_search_query *q = NULL;
	lend_search_results *x = NULL;
	if (lend_search_query_new(&q) != LEND_OK)
		return LEND_ENOMEM;
	int rc = lend_search_query_set_text(q, suggest ? "Boo" : "Book");
	if (rc == LEND_OK)
		rc = lend_search_query_set_library(q, z->libA);
	if (rc == LEND_OK)
		rc = suggest ? lend_suggest(z->t->e, a, q, &x) : lend_search(z->t->e, a, q, &x);
	lend_search_results_free(x);
	lend_search_query_free(q);
	return rc;
}
static int c_search(az *z, lend_actor *a) { return search(z, a, 0); }
static int c_suggest(az *z, lend_actor *a) { return search(z, a, 1); }

enum { WHO_READER = 1, WHO_STAFF = 2, WHO_ADMIN = 3, WHO_ANY = 4 };
/* What a wrong actor gets, where it is not LEND_EPERM (want[] 0). */
#define SKIP (-1) /* not run: the actor is not wrong for it (see the row) */

static const struct call {
	const char *name;
	call_fn fn;
	int reads;   /* 0: changes; else who may read it (WHO_*; WHO_ANY: a public read) */
	int want[2]; /* what another reader and a librarian of another library get: 0 is
	              * LEND_EPERM (LEND_OK for public reads); SKIP; or a status */
} calls[] = {
	{"lend_reader_get", c_reader_get, WHO_READER, {0, 0}},
	{"lend_ticket_get", c_ticket_get, WHO_READER, {0, 0}},
	{"lend_ticket_list", c_ticket_list, WHO_READER, {0, 0}},
	{"lend_limits_get", c_limits_get, WHO_READER, {0, 0}},
	{"lend_availability_get", c_availability, WHO_READER, {0, 0}},
	{"lend_loan_get", c_loan_get, WHO_READER, {0, 0}},
	{"lend_loan_list", c_loan_list, WHO_READER, {0, 0}},
	{"lend_hold_get", c_hold_get, WHO_READER, {0, 0}},
	{"lend_hold_list", c_hold_list, WHO_READER, {0, 0}},
	{"lend_queue_get", c_queue_get, WHO_STAFF, {0, 0}},
	{"lend_method_list", c_method_list, WHO_READER, {0, 0}},
	{"lend_session_list", c_session_list, WHO_READER, {0, 0}},
	{"lend_audit_list", c_audit_list, WHO_READER, {0, 0}},
	{"lend_outbox_list", c_outbox, WHO_ADMIN, {0, 0}},
	{"lend_ticket_issue", c_ticket_issue, 0, {0, 0}},
	{"lend_ticket_set_blocked", c_ticket_block, 0, {0, 0}},
	{"lend_ticket_set_validity", c_ticket_validity, 0, {0, 0}},
	{"lend_ticket_set_limit", c_ticket_limit, 0, {0, 0}},
	{"lend_ticket_clear_limit", c_ticket_clear_limit, 0, {0, 0}},
	{"lend_take", c_take, 0, {0, 0}},
	{"lend_return", c_return, 0, {0, 0}},
	{"lend_queue_join", c_queue_join, 0, {0, 0}},
	{"lend_queue_leave", c_queue_leave, 0, {0, 0}},
	{"lend_queue_suspend", c_queue_suspend, 0, {0, 0}},
	{"lend_queue_resume", c_queue_resume, 0, {0, 0}},
	{"lend_policy_set", c_policy_set, 0, {0, 0}},
	{"lend_budget_add", c_budget_add, 0, {0, 0}},
	{"lend_fund_add_copies", c_fund_add, 0, {0, 0}},
	{"lend_library_grant", c_grant, 0, {0, 0}},
	{"lend_ticket_set_password", c_set_password, 0, {0, 0}},
	{"lend_method_add", c_method_add, 0, {0, 0}},
	{"lend_method_confirm", c_method_confirm, 0, {0, 0}},
	{"lend_method_remove", c_method_remove, 0, {0, 0}},
	{"lend_identity_link", c_identity_link, 0, {0, 0}},
	{"lend_session_revoke", c_session_revoke, 0, {0, 0}},
	{"lend_request_list", c_request_list, WHO_READER, {0, 0}},
	{"lend_request_pending", c_request_pending, WHO_STAFF, {0, 0}},
	{"lend_ledger_list", c_ledger_list, WHO_STAFF, {0, 0}},
	{"lend_shelf_get", c_shelf_get, WHO_READER, {0, 0}},
	{"lend_cabinet_get", c_cabinet_get, WHO_READER, {0, 0}},
	{"lend_reading_get", c_reading_get, WHO_READER, {0, 0}},
	{"lend_prefs_get", c_prefs_get, WHO_READER, {0, 0}},
	{"lend_balance_get", c_balance_get, WHO_READER, {0, 0}},
	{"lend_request_create", c_request_create, 0, {0, 0}},
	{"lend_issue", c_issue, 0, {0, 0}},
	{"lend_renew", c_renew, 0, {0, 0}},
	{"lend_buy", c_buy, 0, {0, 0}},
	{"lend_offline_grant", c_offline_grant, 0, {0, 0}},
	{"lend_balance_credit", c_balance_credit, 0, {0, 0}},
	{"lend_reading_set", c_reading_set, 0, {0, 0}},
	{"lend_bookmark_add", c_bookmark_add, 0, {0, 0}},
	{"lend_defer_add", c_defer_add, 0, {0, 0}},
	{"lend_rating_set", c_rating_set, 0, {0, 0}},
	{"lend_review_add", c_review_add, 0, {0, 0}},
	/* the reader's own data */
	{"lend_rating_get", c_rating_get, WHO_READER, {0, 0}},
	{"lend_rating_remove", c_rating_remove, 0, {0, 0}},
	{"lend_review_edit", c_review_edit, 0, {0, 0}},
	{"lend_review_delete", c_review_delete, 0, {0, 0}},
	{"lend_bookmark_list", c_bookmark_list, WHO_READER, {0, 0}},
	{"lend_bookmark_delete", c_bookmark_delete, 0, {0, 0}},
	{"lend_defer_list", c_defer_list, WHO_READER, {0, 0}},
	{"lend_defer_remove", c_defer_remove, 0, {0, 0}},
	{"lend_offline_list", c_offline_list, WHO_READER, {0, 0}},
	{"lend_reading_access", c_reading_access, WHO_READER, {0, 0}},
	{"lend_prefs_save", c_prefs_save, 0, {0, 0}},
	{"lend_request_get", c_request_get, WHO_READER, {0, 0}},
	{"lend_request_cancel", c_request_cancel, 0, {0, 0}},
	{"lend_reserve_get", c_reserve_get, WHO_READER, {0, 0}},
	{"lend_reserve_list", c_reserve_list, WHO_READER, {0, 0}},
	{"lend_reserve_confirm", c_reserve_confirm, 0, {0, 0}},
	{"lend_reserve_decline", c_reserve_decline, 0, {0, 0}},
	{"lend_list_books", c_list_verdicts, WHO_READER, {0, 0}},    /* the verdicts of R's ticket */
	{"lend_list_books", c_list_recommended, WHO_READER, {0, 0}}, /* R's recommendations */
	{"lend_list_books", c_list_marked, WHO_READER, {0, 0}},      /* marked for R's age */
	/* a library's staff business */
	{"lend_budget_correct", c_budget_correct, 0, {0, 0}},
	{"lend_fund_buy_copies", c_fund_buy, 0, {0, 0}},
	{"lend_fund_remove_copies", c_fund_remove, 0, {0, 0}},
	{"lend_license_add", c_license_add, 0, {0, 0}},
	{"lend_license_list", c_license_list, WHO_STAFF, {0, 0}},
	{"lend_policy_clear", c_policy_clear, 0, {0, 0}},
	{"lend_request_approve", c_request_approve, 0, {0, 0}},
	{"lend_request_deny", c_request_deny, 0, {0, 0}},
	/* the administrator's */
	{"lend_library_add", c_library_add, 0, {0, 0}},
	{"lend_library_revoke", c_library_revoke, 0, {0, 0}},
	{"lend_book_add", c_book_add, 0, {0, 0}},
	{"lend_book_update", c_book_update, 0, {0, 0}},
	{"lend_book_withdraw", c_book_withdraw, 0, {0, 0}},
	{"lend_author_add_alias", c_author_alias, 0, {0, 0}},
	{"lend_catalog_import", c_catalog_import, 0, {0, 0}},
	/* Any librarian registers a reader (lend.h): a reader belongs to no
	 * library until a ticket is issued, so the librarian of B is not wrong. */
	{"lend_reader_add", c_reader_add, 0, {0, SKIP}},
	/* The actor's own account: these name no other reader, so "another
	 * reader" would act on his own account, not on R's (what proves that
	 * he owns R's account in a merge is R's password). A trusted actor
	 * carries no session for lend_actor_staff to bind (EINVAL); a signed-in
	 * reader who staffs no library gets EPERM (test_accounts.c). */
	{"lend_password_change", c_password_change, 0, {SKIP, 0}},
	{"lend_account_merge", c_account_merge, 0, {SKIP, 0}},
	{"lend_actor_staff", c_actor_staff, 0, {LEND_EINVAL, LEND_EINVAL}},
	/* public reads */
	{"lend_library_get", c_library_get, WHO_ANY, {0, 0}},
	{"lend_library_list", c_library_list, WHO_ANY, {0, 0}},
	{"lend_policy_get", c_policy_get, WHO_ANY, {0, 0}},
	{"lend_book_get", c_book_get, WHO_ANY, {0, 0}},
	{"lend_book_list", c_book_list, WHO_ANY, {0, 0}},
	{"lend_book_authors", c_book_authors, WHO_ANY, {0, 0}},
	{"lend_author_get", c_author_get, WHO_ANY, {0, 0}},
	{"lend_author_find", c_author_find, WHO_ANY, {0, 0}},
	{"lend_fund_get", c_fund_get, WHO_ANY, {0, 0}},
	{"lend_fund_list", c_fund_list, WHO_ANY, {0, 0}},
	{"lend_book_rating", c_book_rating, WHO_ANY, {0, 0}},
	{"lend_review_list", c_review_list, WHO_ANY, {0, 0}},
	{"lend_list_books", c_list_public, WHO_ANY, {0, 0}}, /* a library's fund, no ticket */
	{"lend_search", c_search, WHO_ANY, {0, 0}},          /* verdicts: the asking reader's own */
	{"lend_suggest", c_suggest, WHO_ANY, {0, 0}},
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
	lend_actor *ra = th_as_reader(t, z->R);
	/* Book 5 has an author and is not in the fund: R asks the librarian for it. */
	lend_book *b = NULL;
	TH_OK(t, lend_book_new(&b));
	TH_OK(t, lend_book_set_title(b, "Book 5"));
	TH_OK(t, lend_book_add_author(b, "Author Of Five"));
	TH_OK(t, lend_book_add(t->e, t->admin, b, &z->book5));
	lend_book_free(b);
	lend_author *au = NULL;
	TH_OK(t, lend_author_find(t->e, t->admin, "Author Of Five", &au));
	z->author = lend_author_id(au);
	lend_author_free(au);
	TH_OK(t, lend_book_get(t->e, t->admin, z->book3, &z->draft));
	lend_request *rq = NULL;
	TH_OK(t, lend_request_create(t->e, ra, z->tR, z->book5, &rq));
	z->requestR = lend_request_id(rq);
	lend_request_free(rq);
	/* Book 4: O returns it and it is reserved for R, who was waiting. */
	TH_OK(t, lend_policy_set(t->e, t->admin, z->libA, LEND_KIND_ANY, LEND_SETTING_HANDOFF_MODE, 1));
	TH_OK(t, lend_policy_set(t->e, t->admin, z->libA, LEND_KIND_ANY, LEND_SETTING_RESERVE_DAYS, 3));
	z->book4 = th_book(t, "Book 4", LEND_KIND_EBOOK, 100, 0);
	th_copies(t, z->libA, z->book4, 1);
	TH_OK(t, lend_take(t->e, th_as_reader(t, z->O), z->tO, z->book4, &l));
	int64_t loanO = lend_loan_id(l);
	lend_loan_free(l);
	TH_OK(t, lend_queue_join(t->e, ra, z->tR, z->book4, NULL));
	TH_OK(t, lend_return(t->e, th_as_reader(t, z->O), loanO));
	lend_reserves *rs = NULL;
	TH_OK(t, lend_reserve_list(t->e, t->admin, z->R, 1, &rs));
	assert_int_equal(lend_reserves_count(rs), 1);
	z->reserveR = lend_reserve_id(lend_reserves_get(rs, 0));
	lend_reserves_free(rs);
	/* The shelf and the catalog: a bookmark, a deferred book, an offline
	 * grant, a rating and a review of R's. */
	TH_OK(t, lend_bookmark_add(t->e, ra, z->R, z->book, 2, "note", &z->bookmarkR));
	TH_OK(t, lend_defer_add(t->e, ra, z->R, z->book3));
	TH_OK(t, lend_offline_grant(t->e, ra, z->R, "phone", z->book, NULL));
	TH_OK(t, lend_rating_set(t->e, ra, z->R, z->book, 4));
	TH_OK(t, lend_review_add(t->e, ra, z->R, z->book, "A good book.", &z->reviewR));
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
	/* The expired session: a lifetime of one second, and the second passes. */
	lend_actor *expired = NULL;
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, Z.libA, num, AW_PASSWORD, "tablet", &expired));
	aw_reopen_ex(t, LEND_PASSWORD_COST_MIN, 1);
	th_now += 1;
	struct {
		const char *who;
		lend_actor *a;
	} wrong[] = {
		{"another reader", th_as_reader(t, Z.O)},
		{"a librarian of another library", th_as_librarian(t, Z.SB)},
		{"the reader through a revoked session", revoked},
		{"the reader through an expired session", expired},
	};
	char *before = th_dump_db(t->path);
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
		for (size_t k = 0; k < sizeof wrong / sizeof wrong[0]; k++) {
			/* The revoked and the expired session: LEND_EPERM for every call. */
			int want = LEND_EPERM;
			if (k < 2 && calls[i].want[k] == SKIP)
				continue;
			if (k < 2 && calls[i].want[k])
				want = calls[i].want[k];
			else if (k < 2 && calls[i].reads == WHO_ANY)
				want = LEND_OK;
			int rc = calls[i].fn(&Z, wrong[k].a);
			if (rc != want)
				print_message("%s by %s: %d (%s): %s\n", calls[i].name, wrong[k].who, rc, lend_strerror(rc),
				              lend_engine_errmsg(t->e));
			assert_int_equal(rc, want);
			if (k >= 2)
				assert_non_null(strstr(lend_engine_errmsg(t->e), k == 2 ? "has ended" : "has expired"));
		}
	/* Nothing changed. */
	char *after = th_dump_db(t->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	lend_actor_free(revoked);
	lend_actor_free(expired);

	/* The right actors read; public reads answer every live actor. */
	lend_actor *any[] = {th_as_reader(t, Z.R), th_as_reader(t, Z.O), th_as_librarian(t, Z.SA),
	                     th_as_librarian(t, Z.SB), t->admin};
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		if (!calls[i].reads)
			continue;
		lend_actor *a = calls[i].reads == WHO_READER ? any[0] : calls[i].reads == WHO_STAFF ? any[2] : t->admin;
		size_t n = calls[i].reads == WHO_ANY ? sizeof any / sizeof any[0] : 1;
		for (size_t k = 0; k < n; k++) {
			int rc = calls[i].fn(&Z, n > 1 ? any[k] : a);
			if (rc != LEND_OK)
				print_message("%s by its owner: %s\n", calls[i].name, lend_engine_errmsg(t->e));
			assert_int_equal(rc, LEND_OK);
		}
	}
	lend_book_free(Z.draft);
	th_check_clean(t);
}

/* ---------------------------------- a librarian's power ends at his libraries */

/* R holds a ticket of B as well, so he is SB's reader too: still, SB may
 * not touch what R has at A (its ticket, loans, queue places, requests,
 * reservations, verdicts), nor A's business; his listings of R's rows
 * show B's only. */
static const call_fn at_library_a[] = {
	c_ticket_get, c_limits_get, c_availability, c_loan_get, c_hold_get, c_queue_get, c_ticket_issue,
	c_ticket_block, c_ticket_validity, c_ticket_limit, c_ticket_clear_limit, c_take, c_return, c_queue_join,
	c_queue_leave, c_queue_suspend, c_queue_resume, c_policy_set, c_budget_add, c_fund_add, c_set_password,
	c_request_pending, c_ledger_list, c_request_create, c_issue, c_renew, c_request_get, c_request_cancel,
	c_reserve_get, c_reserve_confirm, c_reserve_decline, c_list_verdicts, c_budget_correct, c_fund_buy,
	c_fund_remove, c_license_add, c_license_list, c_policy_clear, c_request_approve, c_request_deny,
};

static const char *call_name(call_fn fn)
{
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
		if (calls[i].fn == fn)
			return calls[i].name;
	return "?";
}

static void test_librarian_of_the_readers_other_library(void **state)
{
	th *t = *state;
	az_init(&Z, t);
	int64_t tRB = th_ticket(t, Z.libB, Z.R);
	lend_actor *sb = th_as_librarian(t, Z.SB);
	char *before = th_dump_db(t->path);
	for (size_t i = 0; i < sizeof at_library_a / sizeof at_library_a[0]; i++) {
		int rc = at_library_a[i](&Z, sb);
		if (rc != LEND_EPERM)
			print_message("%s at A by the librarian of B: %d (%s): %s\n", call_name(at_library_a[i]), rc,
			              lend_strerror(rc), lend_engine_errmsg(t->e));
		assert_int_equal(rc, LEND_EPERM);
	}
	char *after = th_dump_db(t->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* R is his reader: his listings of R show B's rows only. */
	lend_tickets *tl = NULL;
	TH_OK(t, lend_ticket_list(t->e, sb, Z.R, &tl));
	assert_int_equal(lend_tickets_count(tl), 1);
	assert_int_equal(lend_ticket_id(lend_tickets_get(tl, 0)), tRB);
	lend_tickets_free(tl);
#define NONE_LISTED(type, count_fn, free_fn, call)                                                                     \
	do {                                                                                                           \
		type *x = NULL;                                                                                        \
		TH_OK(t, call);                                                                                        \
		assert_int_equal(count_fn(x), 0);                                                                      \
		free_fn(x);                                                                                            \
	} while (0)
	NONE_LISTED(lend_loans, lend_loans_count, lend_loans_free, lend_loan_list(t->e, sb, Z.R, 0, &x));
	NONE_LISTED(lend_holds, lend_holds_count, lend_holds_free, lend_hold_list(t->e, sb, Z.R, &x));
	NONE_LISTED(lend_requests, lend_requests_count, lend_requests_free, lend_request_list(t->e, sb, Z.R, 0, &x));
	NONE_LISTED(lend_reserves, lend_reserves_count, lend_reserves_free, lend_reserve_list(t->e, sb, Z.R, 0, &x));
	lend_book_free(Z.draft);
	th_check_clean(t);
}

/* ------------------------------------------------- the walk is complete */

/* Public calls that take an actor and are not walked, with the reason. */
static const char *const not_walked[] = {
	/* Getters of the actor handle itself: no engine, no stored data. */
	"lend_actor_kind",
	"lend_actor_reader_id",
	"lend_actor_session_id",
};

static int walked(const char *name)
{
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
		if (!strcmp(calls[i].name, name))
			return 1;
	for (size_t i = 0; i < sizeof not_walked / sizeof not_walked[0]; i++)
		if (!strcmp(not_walked[i], name))
			return 1;
	return 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	for (size_t got; buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0;) {
		n += got;
		if (n + 1 == cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	return buf;
}

/* The public functions of one header whose parameters include
 * `const lend_actor *`; the unwalked ones are printed and counted. */
static int unwalked_in(const char *path, int *found)
{
	char *s = slurp(path);
	assert_non_null(s);
	/* Comments out: blank them. */
	for (char *p = s; (p = strstr(p, "/*")) != NULL;) {
		char *end = strstr(p + 2, "*/");
		char *stop = end ? end + 2 : p + strlen(p);
		memset(p, ' ', (size_t)(stop - p));
		p = stop;
	}
	int missing = 0;
	for (char *p = s; (p = strstr(p, "LEND_EXTERN")) != NULL;) {
		p += strlen("LEND_EXTERN");
		char *semi = strchr(p, ';'), *open = strchr(p, '(');
		if (!semi || !open || open > semi)
			continue; /* the macro's own definition */
		char *close = semi;
		while (close > open && *close != ')')
			close--;
		char *name_end = open;
		while (name_end > p && name_end[-1] == ' ')
			name_end--;
		char *name = name_end;
		while (name > p && (isalnum((unsigned char)name[-1]) || name[-1] == '_'))
			name--;
		char fn[128], params[2048];
		snprintf(fn, sizeof fn, "%.*s", (int)(name_end - name), name);
		/* Parameters on one line with single spaces. */
		size_t k = 0;
		for (char *q = open + 1; q < close && k + 1 < sizeof params; q++) {
			char c = isspace((unsigned char)*q) ? ' ' : *q;
			if (c != ' ' || (k && params[k - 1] != ' '))
				params[k++] = c;
		}
		params[k] = '\0';
		if (!strstr(params, "const lend_actor *"))
			continue;
		(*found)++;
		if (!walked(fn)) {
			print_message("%s (%s) takes an actor and is not walked: add a row to calls[] in "
			              "tests/test_authz.c, or a commented entry to not_walked[]\n",
			              fn, path);
			missing++;
		}
	}
	free(s);
	return missing;
}

static void test_every_actor_call_is_walked(void **state)
{
	(void)state;
	char path[4096];
	int found = 0, missing = 0;
	snprintf(path, sizeof path, "%s/lend.h", TH_INCLUDE_DIR);
	missing += unwalked_in(path, &found);
	snprintf(path, sizeof path, "%s/lend", TH_INCLUDE_DIR);
	DIR *d = opendir(path);
	assert_non_null(d);
	int headers = 0;
	for (struct dirent *de; (de = readdir(d)) != NULL;) {
		size_t n = strlen(de->d_name);
		if (n < 3 || strcmp(de->d_name + n - 2, ".h"))
			continue;
		snprintf(path, sizeof path, "%s/lend/%s", TH_INCLUDE_DIR, de->d_name);
		missing += unwalked_in(path, &found);
		headers++;
	}
	closedir(d);
	/* The parse saw the headers: lend.h and the areas', and their calls. */
	assert_true(headers >= 5);
	assert_true(found >= (int)(sizeof calls / sizeof calls[0]) - 5);
	assert_int_equal(missing, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_wrong_actors_get_eperm, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_librarian_of_the_readers_other_library, aw_setup, th_teardown),
		cmocka_unit_test(test_every_actor_call_is_walked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
