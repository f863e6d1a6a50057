/* tests/test_faults_walk.c — every public call that writes, under a failing
 * storage call at every point (spec section 10).
 *
 * Like tests/test_authz.c walks every call as wrong actors, this walks every
 * writing function of lend.h and the area headers (lend/desk.h, ...), one row each in `calls`: on a
 * fresh copy of one pre-state the call's N storage calls are counted (the
 * call must succeed), then for k = 1..N the k-th storage call fails (the
 * injector of tests/fault.h): the call must give LEND_ESTORAGE with a
 * message, the database must be byte for byte what it was and
 * lend_engine_check() clean, and the same call then succeeds on the same
 * engine (lend_engine_deliver() commits in steps, a claim and then each
 * outcome: there what a step committed stays, and the next delivery after
 * the lease delivers every notification). To cover a new writing function,
 * add one row.
 *
 * CI tries every k of every call when that stays short; LEND_FAULTS_WALK_STRIDE=S
 * tries k = 1, 1+S, 1+2S, ... and always N (the commit) instead, and
 * LEND_FAULTS_WALK_ONLY=name walks one call. The work files live in
 * /dev/shm when it exists (no fsync to wait for). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"

#define T0 TH_START
#define PASSWORD "Plain-Secret-Pw1"
#define AT 60 /* most calls run a minute after the pre-state */

/* The pre-state (at T0), built through the injector with nothing failing:
 *  libraries L (budget 100000) and L2; librarians S and S2 of L;
 *  readers R0..R5 with tickets of L, R6 without one; R0 and R1 with
 *  passwords, R0 with a confirmed e-mail and a linked identity, R3 with an
 *  unconfirmed e-mail (its code kept), R1 with a session; R0's balance 50000.
 *  B1: 1 copy on loan to R0, R1 waiting (hold H1);  B2: 2 free copies;
 *  B3: price 39900, not in the fund;  B4: 1 copy on loan to R2, R3's hold
 *  on it suspended;  B5: price 20000, R3's pending request P1 for it, deferred
 *  by R0;  B6 (audiobook, hand-off by reservation): reserved for R1 (RV1);
 *  B7: 1 copy on loan to R0 (renewals on, nobody waits), rated and reviewed
 *  by R0, a bookmark BM1 of R0 in it.  A recovery token and an app
 *  activation code of R0, both fresh. */
static struct {
	int64_t lib, lib2, s, s2, r[7], tk[6], b1, b2, b3, b4, b5, b6, b7;
	int64_t loan_b1, loan_b7, h1, h4, p1, rv1, bm1, review, method3, session1, author;
	char number0[32], number1[32], code3[16], token[64], activation[64];
} W;

static char template_path[96];
static char csv_path[96];

static void shm_path(char *buf, size_t n)
{
	if (access("/dev/shm", W_OK) == 0) {
		snprintf(buf, n, "/dev/shm/liblend-walk-XXXXXX");
		int fd = mkstemp(buf);
		assert_true(fd >= 0);
		close(fd);
	} else {
		th_temp_path(buf, n);
	}
}

static th_recorder rec;

static lend_engine *open_on(const char *path, fault **f)
{
	lend_notifier nt;
	memset(&rec, 0, sizeof rec);
	th_recorder_notifier(&rec, &nt);
	return fault_open_ex(path, f, &nt, LEND_PASSWORD_COST_MIN);
}

static void note_value(th *t, int kind, const char *key, char *out, size_t n)
{
	lend_notifications *l = NULL;
	TH_OK(t, lend_outbox_list(t->e, t->admin, 0, 10000, &l));
	const char *detail = NULL;
	for (size_t i = 0; i < lend_notifications_count(l); i++)
		if (lend_notification_kind(lend_notifications_get(l, i)) == kind)
			detail = lend_notification_detail(lend_notifications_get(l, i));
	assert_non_null(detail);
	char pat[40];
	snprintf(pat, sizeof pat, "%s=", key);
	const char *p = strstr(detail, pat);
	assert_non_null(p);
	p += strlen(pat);
	size_t k = strcspn(p, "\n");
	assert_true(k < n);
	memcpy(out, p, k);
	out[k] = '\0';
	lend_notifications_free(l);
}

static void number_of(th *t, int64_t ticket, char *out, size_t n)
{
	lend_ticket *tk = NULL;
	TH_OK(t, lend_ticket_get(t->e, t->admin, ticket, &tk));
	snprintf(out, n, "%s", lend_ticket_number(tk));
	lend_ticket_free(tk);
}

static void build_template(const char *path)
{
	th_now = T0;
	fault *f;
	th t;
	memset(&t, 0, sizeof t);
	t.e = open_on(path, &f);
	assert_int_equal(lend_actor_admin(t.e, &t.admin), LEND_OK);
	lend_engine *e = t.e;
	W.lib = th_library(&t, "Library", 100000);
	W.lib2 = th_library(&t, "Library 2", 1000);
	W.s = th_reader(&t, "Staff", 1980, 1, 1);
	W.s2 = th_reader(&t, "Staff 2", 1980, 1, 1);
	TH_OK(&t, lend_library_grant(e, t.admin, W.lib, W.s));
	TH_OK(&t, lend_library_grant(e, t.admin, W.lib, W.s2));
	lend_actor *ra[7];
	for (int i = 0; i < 7; i++) {
		W.r[i] = th_reader(&t, "Reader", 1990, 1, 1);
		if (i < 6)
			W.tk[i] = th_ticket(&t, W.lib, W.r[i]);
		assert_int_equal(lend_actor_reader(e, W.r[i], &ra[i]), LEND_OK);
	}
	number_of(&t, W.tk[0], W.number0, sizeof W.number0);
	number_of(&t, W.tk[1], W.number1, sizeof W.number1);
	TH_OK(&t, lend_ticket_set_password(e, t.admin, W.tk[0], PASSWORD, NULL));
	TH_OK(&t, lend_ticket_set_password(e, t.admin, W.tk[1], PASSWORD, NULL));
	TH_OK(&t, lend_ticket_set_limit(e, t.admin, W.tk[4], LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 4));
	int64_t m0 = 0;
	char code[16];
	TH_OK(&t, lend_method_add(e, t.admin, W.r[0], LEND_METHOD_EMAIL, "r0@example.org", &m0));
	note_value(&t, LEND_NOTE_VERIFICATION_CODE, "code", code, sizeof code);
	TH_OK(&t, lend_method_confirm(e, ra[0], m0, code));
	TH_OK(&t, lend_identity_link(e, t.admin, W.r[0], "vk", "r0", NULL));
	TH_OK(&t, lend_method_add(e, t.admin, W.r[3], LEND_METHOD_EMAIL, "r3@example.org", &W.method3));
	note_value(&t, LEND_NOTE_VERIFICATION_CODE, "code", W.code3, sizeof W.code3);
	lend_actor *s1 = NULL;
	TH_OK(&t, lend_sign_in(e, LEND_LOGIN_TICKET, W.lib, W.number1, PASSWORD, "phone", &s1));
	W.session1 = lend_actor_session_id(s1);
	lend_actor_free(s1);
	TH_OK(&t, lend_balance_credit(e, t.admin, W.r[0], 50000, "RUB", "pay-1", NULL));
	TH_OK(&t, lend_policy_set(e, t.admin, W.lib, LEND_KIND_ANY, LEND_SETTING_RENEWALS, 1));
	TH_OK(&t, lend_policy_set(e, t.admin, W.lib, LEND_KIND_EBOOK, LEND_SETTING_MAX_COPIES, 50));

	W.b1 = th_book(&t, "B1", LEND_KIND_EBOOK, 100, 0);
	W.b2 = th_book(&t, "B2", LEND_KIND_EBOOK, 100, 0);
	W.b3 = th_book(&t, "B3", LEND_KIND_EBOOK, 39900, 0);
	W.b4 = th_book(&t, "B4", LEND_KIND_EBOOK, 100, 0);
	W.b5 = th_book(&t, "B5", LEND_KIND_EBOOK, 20000, 0);
	W.b6 = th_book(&t, "B6", LEND_KIND_AUDIOBOOK, 100, 0);
	W.b7 = th_book(&t, "B7", LEND_KIND_EBOOK, 100, 0);
	th_copies(&t, W.lib, W.b1, 1);
	th_copies(&t, W.lib, W.b2, 2);
	th_copies(&t, W.lib, W.b4, 1);
	th_copies(&t, W.lib, W.b7, 1);
	lend_loan *l = NULL;
	TH_OK(&t, lend_take(e, ra[0], W.tk[0], W.b1, &l));
	W.loan_b1 = lend_loan_id(l);
	lend_loan_free(l);
	TH_OK(&t, lend_take(e, ra[0], W.tk[0], W.b7, &l));
	W.loan_b7 = lend_loan_id(l);
	lend_loan_free(l);
	TH_OK(&t, lend_take(e, ra[2], W.tk[2], W.b4, NULL));
	lend_hold *h = NULL;
	TH_OK(&t, lend_queue_join(e, ra[1], W.tk[1], W.b1, &h));
	W.h1 = lend_hold_id(h);
	lend_hold_free(h);
	TH_OK(&t, lend_queue_join(e, ra[3], W.tk[3], W.b4, &h));
	W.h4 = lend_hold_id(h);
	lend_hold_free(h);
	TH_OK(&t, lend_queue_suspend(e, ra[3], W.h4, T0 + 30 * TH_DAY));
	lend_request *q = NULL;
	TH_OK(&t, lend_request_create(e, ra[3], W.tk[3], W.b5, &q));
	W.p1 = lend_request_id(q);
	lend_request_free(q);
	TH_OK(&t, lend_defer_add(e, ra[0], W.r[0], W.b5));
	/* B6: reserved for R1 */
	TH_OK(&t, lend_policy_set(e, t.admin, W.lib, LEND_KIND_AUDIOBOOK, LEND_SETTING_HANDOFF_MODE, 1));
	th_copies(&t, W.lib, W.b6, 1);
	TH_OK(&t, lend_take(e, ra[0], W.tk[0], W.b6, &l));
	TH_OK(&t, lend_queue_join(e, ra[1], W.tk[1], W.b6, NULL));
	TH_OK(&t, lend_return(e, ra[0], lend_loan_id(l)));
	lend_loan_free(l);
	lend_reserves *rs = NULL;
	TH_OK(&t, lend_reserve_list(e, t.admin, W.r[1], 1, &rs));
	assert_int_equal(lend_reserves_count(rs), 1);
	W.rv1 = lend_reserve_id(lend_reserves_get(rs, 0));
	lend_reserves_free(rs);
	/* B7: R0's rating, review and bookmark */
	TH_OK(&t, lend_rating_set(e, ra[0], W.r[0], W.b7, 4));
	TH_OK(&t, lend_review_add(e, ra[0], W.r[0], W.b7, "A fine book.", &W.review));
	TH_OK(&t, lend_bookmark_add(e, ra[0], W.r[0], W.b7, 12, "here", &W.bm1));
	lend_author *au = NULL;
	TH_OK(&t, lend_author_find(e, t.admin, "Author", &au));
	W.author = lend_author_id(au);
	lend_author_free(au);
	/* fresh secrets: a recovery token and an activation code of R0 */
	TH_OK(&t, lend_recovery_request(e, LEND_LOGIN_EMAIL, 0, "r0@example.org"));
	note_value(&t, LEND_NOTE_PASSWORD_RECOVERY, "token", W.token, sizeof W.token);
	TH_OK(&t, lend_activation_request(e, LEND_LOGIN_EMAIL, "r0@example.org"));
	note_value(&t, LEND_NOTE_APP_ACTIVATION, "code", W.activation, sizeof W.activation);
	th_check_clean(&t);
	for (int i = 0; i < 7; i++)
		lend_actor_free(ra[i]);
	lend_actor_free(t.admin);
	lend_engine_close(e);
}

/* ------------------------------------------------------------ the calls */

typedef struct run {
	lend_engine *e;
	lend_actor *admin, *staff, *reader[7];
	lend_actor *signed_in; /* made by a call's prep, if any */
} run;

typedef int (*call_fn)(run *r);

#define HANDLE(type, free_fn, call)                                                                                \
	do {                                                                                                       \
		type *x = NULL;                                                                                    \
		int rc_ = (call);                                                                                  \
		assert_true(rc_ == LEND_OK || x == NULL);                                                          \
		free_fn(x);                                                                                        \
		return rc_;                                                                                        \
	} while (0)

/* ---- the engine */
static int c_tick(run *r) { return lend_engine_tick(r->e, NULL, NULL); }
static int c_deliver(run *r) { return lend_engine_deliver(r->e, 0, NULL); }
/* ---- libraries, readers, tickets, policy, budget */
static int c_library_add(run *r)
{
	lend_library *lib = NULL;
	assert_int_equal(lend_library_new(&lib), LEND_OK);
	assert_int_equal(lend_library_set_name(lib, "Branch"), LEND_OK);
	int rc = lend_library_add(r->e, r->admin, lib, NULL);
	lend_library_free(lib);
	return rc;
}
static int c_library_grant(run *r) { return lend_library_grant(r->e, r->admin, W.lib, W.r[5]); }
static int c_library_revoke(run *r) { return lend_library_revoke(r->e, r->admin, W.lib, W.s2); }
static int c_budget_add(run *r) { return lend_budget_add(r->e, r->staff, W.lib, 5000, "a top-up"); }
static int c_policy_set(run *r)
{
	return lend_policy_set(r->e, r->admin, W.lib, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 5);
}
static int c_policy_clear(run *r)
{
	return lend_policy_clear(r->e, r->admin, W.lib, LEND_KIND_EBOOK, LEND_SETTING_MAX_COPIES);
}
static int c_reader_add(run *r)
{
	lend_reader *x = NULL;
	assert_int_equal(lend_reader_new(&x), LEND_OK);
	assert_int_equal(lend_reader_set_name(x, "New reader"), LEND_OK);
	int rc = lend_reader_add(r->e, r->admin, x, NULL);
	lend_reader_free(x);
	return rc;
}
static int c_ticket_issue(run *r)
{
	HANDLE(lend_ticket, lend_ticket_free, lend_ticket_issue(r->e, r->staff, W.lib, W.r[6], "WALK-0006", &x));
}
static int c_ticket_block(run *r) { return lend_ticket_set_blocked(r->e, r->staff, W.tk[5], 1); }
static int c_ticket_validity(run *r) { return lend_ticket_set_validity(r->e, r->staff, W.tk[5], 0, T0 + 400 * TH_DAY); }
static int c_ticket_limit(run *r)
{
	return lend_ticket_set_limit(r->e, r->staff, W.tk[5], LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 2);
}
static int c_ticket_clear_limit(run *r)
{
	return lend_ticket_clear_limit(r->e, r->staff, W.tk[4], LEND_KIND_ANY, LEND_SETTING_MAX_LOANS);
}
/* ---- books and the fund */
static int c_book_add(run *r)
{
	lend_book *b = NULL;
	assert_int_equal(lend_book_new(&b), LEND_OK);
	assert_int_equal(lend_book_set_title(b, "A new book"), LEND_OK);
	assert_int_equal(lend_book_add_author(b, "New Author"), LEND_OK);
	int rc = lend_book_add(r->e, r->admin, b, NULL);
	lend_book_free(b);
	return rc;
}
static int c_book_update(run *r)
{
	lend_book *b = NULL;
	int rc = lend_book_get(r->e, r->admin, W.b2, &b);
	if (rc != LEND_OK)
		return rc;
	assert_int_equal(lend_book_set_title(b, "B2, second edition"), LEND_OK);
	rc = lend_book_update(r->e, r->admin, b);
	lend_book_free(b);
	return rc;
}
static int c_fund_add(run *r) { return lend_fund_add_copies(r->e, r->staff, W.lib, W.b1, 1); }
static int c_fund_buy(run *r) { return lend_fund_buy_copies(r->e, r->staff, W.lib, W.b1, 1); }
static int c_fund_remove(run *r) { return lend_fund_remove_copies(r->e, r->staff, W.lib, W.b2, 1); }
/* ---- circulation */
static int c_take(run *r) { HANDLE(lend_loan, lend_loan_free, lend_take(r->e, r->reader[3], W.tk[3], W.b3, &x)); }
static int c_return(run *r) { return lend_return(r->e, r->reader[0], W.loan_b1); }
static int c_queue_join(run *r)
{
	HANDLE(lend_hold, lend_hold_free, lend_queue_join(r->e, r->reader[4], W.tk[4], W.b1, &x));
}
static int c_queue_leave(run *r) { return lend_queue_leave(r->e, r->reader[1], W.h1); }
static int c_queue_suspend(run *r) { return lend_queue_suspend(r->e, r->reader[1], W.h1, T0 + 20 * TH_DAY); }
static int c_queue_resume(run *r) { return lend_queue_resume(r->e, r->reader[3], W.h4); }
/* ---- accounts and sign-in */
static int c_set_password(run *r) { return lend_ticket_set_password(r->e, r->staff, W.tk[2], PASSWORD, NULL); }
static int prep_sign_in(run *r)
{
	return lend_sign_in(r->e, LEND_LOGIN_TICKET, W.lib, W.number0, PASSWORD, "laptop", &r->signed_in);
}
static int c_password_change(run *r) { return lend_password_change(r->e, r->signed_in, PASSWORD, "Another-Secret-Pw2"); }
static int c_sign_in(run *r)
{
	HANDLE(lend_actor, lend_actor_free,
	       lend_sign_in(r->e, LEND_LOGIN_TICKET, W.lib, W.number0, PASSWORD, "tablet", &x));
}
static int c_sign_in_identity(run *r)
{
	HANDLE(lend_actor, lend_actor_free, lend_sign_in_identity(r->e, "vk", "r0", "tablet", &x));
}
static int c_method_add(run *r)
{
	return lend_method_add(r->e, r->reader[2], W.r[2], LEND_METHOD_EMAIL, "r2@example.org", NULL);
}
static int c_method_confirm(run *r) { return lend_method_confirm(r->e, r->reader[3], W.method3, W.code3); }
static int c_method_remove(run *r) { return lend_method_remove(r->e, r->reader[3], W.method3); }
static int c_identity_link(run *r) { return lend_identity_link(r->e, r->reader[2], W.r[2], "ok", "r2", NULL); }
static int c_recovery_request(run *r) { return lend_recovery_request(r->e, LEND_LOGIN_EMAIL, 0, "r0@example.org"); }
static int c_recovery_finish(run *r) { return lend_recovery_finish(r->e, W.token, "Recovered-Secret-3"); }
static int c_activation_request(run *r) { return lend_activation_request(r->e, LEND_LOGIN_EMAIL, "r0@example.org"); }
static int c_activate(run *r) { HANDLE(lend_actor, lend_actor_free, lend_activate(r->e, W.activation, "app", &x)); }
static int c_session_revoke(run *r) { return lend_session_revoke(r->e, r->admin, W.session1); }
static int c_account_merge(run *r)
{
	return lend_account_merge(r->e, r->signed_in, LEND_LOGIN_TICKET, W.lib, W.number1, PASSWORD);
}
/* ---- the catalog */
static int c_book_withdraw(run *r) { return lend_book_withdraw(r->e, r->admin, W.b5); }
static int c_author_alias(run *r) { return lend_author_add_alias(r->e, r->admin, W.author, "A. Uthor"); }
static int c_import(run *r) { return lend_catalog_import(r->e, r->admin, csv_path, LEND_IMPORT_CSV, NULL, NULL, NULL); }
static int c_rating_set(run *r) { return lend_rating_set(r->e, r->reader[0], W.r[0], W.b1, 5); }
static int c_rating_remove(run *r) { return lend_rating_remove(r->e, r->reader[0], W.r[0], W.b7); }
static int c_review_add(run *r) { return lend_review_add(r->e, r->reader[0], W.r[0], W.b1, "Gripping.", NULL); }
static int c_review_edit(run *r) { return lend_review_edit(r->e, r->reader[0], W.review, "A fine book, twice."); }
static int c_review_delete(run *r) { return lend_review_delete(r->e, r->reader[0], W.review); }
/* ---- the librarian's desk */
static int c_request_create(run *r)
{
	HANDLE(lend_request, lend_request_free, lend_request_create(r->e, r->reader[4], W.tk[4], W.b3, &x));
}
static int c_request_cancel(run *r) { return lend_request_cancel(r->e, r->reader[3], W.p1); }
static int c_request_approve(run *r) { return lend_request_approve(r->e, r->staff, W.p1, NULL); }
static int c_request_deny(run *r)
{
	return lend_request_deny(r->e, r->staff, W.p1, LEND_REASON_LIBRARIAN, "not this year");
}
static int c_issue(run *r) { HANDLE(lend_loan, lend_loan_free, lend_issue(r->e, r->staff, W.tk[5], W.b2, 0, "desk", &x)); }
static int c_renew(run *r) { HANDLE(lend_loan, lend_loan_free, lend_renew(r->e, r->reader[0], W.loan_b7, &x)); }
static int c_reserve_confirm(run *r)
{
	HANDLE(lend_loan, lend_loan_free, lend_reserve_confirm(r->e, r->reader[1], W.rv1, &x));
}
static int c_reserve_decline(run *r) { return lend_reserve_decline(r->e, r->reader[1], W.rv1); }
static int c_license_add(run *r)
{
	return lend_license_add(r->e, r->staff, W.lib, W.b2, 2, T0 + 60 * TH_DAY, 10, NULL);
}
static int c_budget_correct(run *r) { return lend_budget_correct(r->e, r->staff, W.lib, -1000, "bank fee"); }
/* ---- the reader's shelf */
static int c_balance_credit(run *r)
{
	return lend_balance_credit(r->e, r->admin, W.r[0], 700, "RUB", "pay-2", NULL);
}
static int c_buy(run *r) { HANDLE(lend_purchase, lend_purchase_free, lend_buy(r->e, r->reader[0], W.r[0], W.b3, &x)); }
static int c_defer_add(run *r) { return lend_defer_add(r->e, r->reader[0], W.r[0], W.b2); }
static int c_defer_remove(run *r) { return lend_defer_remove(r->e, r->reader[0], W.r[0], W.b5); }
static int c_reading_access(run *r)
{
	int access_ = -1;
	return lend_reading_access(r->e, r->reader[0], W.r[0], W.b1, 10, &access_);
}
static int c_reading_set(run *r)
{
	return lend_reading_set(r->e, r->reader[0], W.r[0], W.b1, 12, 5, 12, "phone", 1000, NULL);
}
static int c_bookmark_add(run *r) { return lend_bookmark_add(r->e, r->reader[0], W.r[0], W.b1, 40, NULL, NULL); }
static int c_bookmark_delete(run *r) { return lend_bookmark_delete(r->e, r->reader[0], W.bm1); }
static int c_offline_grant(run *r)
{
	HANDLE(lend_offline, lend_offline_free, lend_offline_grant(r->e, r->reader[0], W.r[0], "phone", W.b1, &x));
}
static int c_prefs_save(run *r)
{
	lend_prefs *p = NULL;
	assert_int_equal(lend_prefs_new(&p), LEND_OK);
	assert_int_equal(lend_prefs_set_language(p, "en"), LEND_OK);
	int rc = lend_prefs_save(r->e, r->reader[0], W.r[0], p);
	lend_prefs_free(p);
	return rc;
}

static const struct call {
	const char *name;
	call_fn fn;
	call_fn prep; /* run before the state is taken (a sign-in), or NULL */
	int64_t at;   /* the clock when the call runs, after T0 */
	int batches;  /* commits in steps (delivery): what a step committed stays */
} calls[] = {
	{"lend_engine_tick", c_tick, NULL, 14 * TH_DAY + 1, 0},
	{"lend_engine_tick", c_tick, NULL, 366 * TH_DAY, 0}, /* prunes the audit log */
	{"lend_engine_deliver", c_deliver, NULL, AT, 1},
	{"lend_library_add", c_library_add, NULL, AT, 0},
	{"lend_library_grant", c_library_grant, NULL, AT, 0},
	{"lend_library_revoke", c_library_revoke, NULL, AT, 0},
	{"lend_budget_add", c_budget_add, NULL, AT, 0},
	{"lend_policy_set", c_policy_set, NULL, AT, 0},
	{"lend_policy_clear", c_policy_clear, NULL, AT, 0},
	{"lend_reader_add", c_reader_add, NULL, AT, 0},
	{"lend_ticket_issue", c_ticket_issue, NULL, AT, 0},
	{"lend_ticket_set_blocked", c_ticket_block, NULL, AT, 0},
	{"lend_ticket_set_validity", c_ticket_validity, NULL, AT, 0},
	{"lend_ticket_set_limit", c_ticket_limit, NULL, AT, 0},
	{"lend_ticket_clear_limit", c_ticket_clear_limit, NULL, AT, 0},
	{"lend_book_add", c_book_add, NULL, AT, 0},
	{"lend_book_update", c_book_update, NULL, AT, 0},
	{"lend_fund_add_copies", c_fund_add, NULL, AT, 0},
	{"lend_fund_buy_copies", c_fund_buy, NULL, AT, 0},
	{"lend_fund_remove_copies", c_fund_remove, NULL, AT, 0},
	{"lend_take", c_take, NULL, AT, 0},
	{"lend_return", c_return, NULL, AT, 0},
	{"lend_queue_join", c_queue_join, NULL, AT, 0},
	{"lend_queue_leave", c_queue_leave, NULL, AT, 0},
	{"lend_queue_suspend", c_queue_suspend, NULL, AT, 0},
	{"lend_queue_resume", c_queue_resume, NULL, AT, 0},
	{"lend_ticket_set_password", c_set_password, NULL, AT, 0},
	{"lend_password_change", c_password_change, prep_sign_in, AT, 0},
	{"lend_sign_in", c_sign_in, NULL, AT, 0},
	{"lend_sign_in_identity", c_sign_in_identity, NULL, AT, 0},
	{"lend_method_add", c_method_add, NULL, AT, 0},
	{"lend_method_confirm", c_method_confirm, NULL, AT, 0},
	{"lend_method_remove", c_method_remove, NULL, AT, 0},
	{"lend_identity_link", c_identity_link, NULL, AT, 0},
	{"lend_recovery_request", c_recovery_request, NULL, AT, 0},
	{"lend_recovery_finish", c_recovery_finish, NULL, AT, 0},
	{"lend_activation_request", c_activation_request, NULL, AT, 0},
	{"lend_activate", c_activate, NULL, AT, 0},
	{"lend_session_revoke", c_session_revoke, NULL, AT, 0},
	{"lend_account_merge", c_account_merge, prep_sign_in, AT, 0},
	{"lend_book_withdraw", c_book_withdraw, NULL, AT, 0},
	{"lend_author_add_alias", c_author_alias, NULL, AT, 0},
	{"lend_catalog_import", c_import, NULL, AT, 0},
	{"lend_rating_set", c_rating_set, NULL, AT, 0},
	{"lend_rating_remove", c_rating_remove, NULL, AT, 0},
	{"lend_review_add", c_review_add, NULL, AT, 0},
	{"lend_review_edit", c_review_edit, NULL, AT, 0},
	{"lend_review_delete", c_review_delete, NULL, AT, 0},
	{"lend_request_create", c_request_create, NULL, AT, 0},
	{"lend_request_cancel", c_request_cancel, NULL, AT, 0},
	{"lend_request_approve", c_request_approve, NULL, AT, 0},
	{"lend_request_deny", c_request_deny, NULL, AT, 0},
	{"lend_issue", c_issue, NULL, AT, 0},
	{"lend_renew", c_renew, NULL, AT, 0},
	{"lend_reserve_confirm", c_reserve_confirm, NULL, AT, 0},
	{"lend_reserve_decline", c_reserve_decline, NULL, AT, 0},
	{"lend_license_add", c_license_add, NULL, AT, 0},
	{"lend_budget_correct", c_budget_correct, NULL, AT, 0},
	{"lend_balance_credit", c_balance_credit, NULL, AT, 0},
	{"lend_buy", c_buy, NULL, AT, 0},
	{"lend_defer_add", c_defer_add, NULL, AT, 0},
	{"lend_defer_remove", c_defer_remove, NULL, AT, 0},
	{"lend_reading_access", c_reading_access, NULL, AT, 0},
	{"lend_reading_set", c_reading_set, NULL, AT, 0},
	{"lend_bookmark_add", c_bookmark_add, NULL, AT, 0},
	{"lend_bookmark_delete", c_bookmark_delete, NULL, AT, 0},
	{"lend_offline_grant", c_offline_grant, NULL, AT, 0},
	{"lend_prefs_save", c_prefs_save, NULL, AT, 0},
};

/* ------------------------------------------------------------ the walk */

static fault *start(run *r, const char *work, const struct call *c)
{
	th_remove_db(work);
	th_copy_file(template_path, work);
	th_now = T0 + c->at;
	fault *f;
	r->e = open_on(work, &f);
	assert_int_equal(lend_actor_admin(r->e, &r->admin), LEND_OK);
	assert_int_equal(lend_actor_librarian(r->e, W.s, &r->staff), LEND_OK);
	for (int i = 0; i < 7; i++)
		assert_int_equal(lend_actor_reader(r->e, W.r[i], &r->reader[i]), LEND_OK);
	r->signed_in = NULL;
	if (c->prep) {
		int rc = c->prep(r);
		if (rc != LEND_OK)
			print_message("%s: prep: %s\n", c->name, lend_engine_errmsg(r->e));
		assert_int_equal(rc, LEND_OK);
	}
	return f;
}

static void finish(run *r, const char *work)
{
	for (int i = 0; i < 7; i++)
		lend_actor_free(r->reader[i]);
	lend_actor_free(r->signed_in);
	lend_actor_free(r->staff);
	lend_actor_free(r->admin);
	lend_engine_close(r->e);
	th_remove_db(work);
}

static void check_clean(lend_engine *e)
{
	th t;
	memset(&t, 0, sizeof t);
	t.e = e;
	th_check_clean(&t);
}

/* After a delivery that failed midway and one more: nothing is left behind. */
static void all_delivered(run *r)
{
	lend_notifications *ns = NULL;
	assert_int_equal(lend_outbox_list(r->e, r->admin, 0, 10000, &ns), LEND_OK);
	assert_true(lend_notifications_count(ns) > 0);
	for (size_t i = 0; i < lend_notifications_count(ns); i++)
		assert_true(lend_notification_delivered_at(lend_notifications_get(ns, i)) != 0);
	lend_notifications_free(ns);
}

static long env_long(const char *name, long dflt)
{
	const char *s = getenv(name);
	return s && *s ? atol(s) : dflt;
}

static long points_tried, calls_walked;

static void walk(const struct call *c, long stride)
{
	char work[96];
	shm_path(work, sizeof work);
	run r;

	fault *f = start(&r, work, c);
	f->calls = 0;
	int rc = c->fn(&r);
	if (rc != LEND_OK)
		print_message("%s: dry run: %d (%s): %s\n", c->name, rc, lend_strerror(rc), lend_engine_errmsg(r.e));
	assert_int_equal(rc, LEND_OK);
	long n = f->calls;
	check_clean(r.e);
	finish(&r, work);
	assert_true(n > 0);

	long tried = 0;
	for (long k = 1; k <= n; k = k + stride > n && k < n ? n : k + stride) {
		f = start(&r, work, c);
		char *before = th_dump_db(work);
		f->calls = 0;
		f->injected = 0;
		f->fail_at = k;
		rc = c->fn(&r);
		f->fail_at = 0;
		if (rc != LEND_ESTORAGE)
			print_message("%s: storage call %ld of %ld failed, the call returned %d (%s): %s\n", c->name, k, n,
			              rc, lend_strerror(rc), lend_engine_errmsg(r.e));
		assert_int_equal(f->injected, 1);
		assert_int_equal(rc, LEND_ESTORAGE);
		assert_int_equal(lend_engine_errcode(r.e), LEND_ESTORAGE);
		assert_true(lend_engine_errmsg(r.e)[0] != '\0');
		char *after = th_dump_db(work);
		if (!c->batches && strcmp(before, after) != 0)
			print_message("%s: storage call %ld of %ld failed and the database changed\n", c->name, k, n);
		if (!c->batches)
			assert_string_equal(before, after);
		free(before);
		free(after);
		check_clean(r.e);
		if (c->batches)
			th_now += 61; /* past the lease of what a step claimed */
		rc = c->fn(&r);
		if (rc != LEND_OK)
			print_message("%s: retry after failing call %ld: %s\n", c->name, k, lend_engine_errmsg(r.e));
		assert_int_equal(rc, LEND_OK);
		if (c->batches)
			all_delivered(&r);
		check_clean(r.e);
		finish(&r, work);
		tried++;
	}
	print_message("%-26s %3ld storage calls, %3ld failed in turn\n", c->name, n, tried);
	points_tried += tried;
	calls_walked++;
}

static void test_walk_every_writing_call(void **state)
{
	(void)state;
	long stride = env_long("LEND_FAULTS_WALK_STRIDE", 1);
	const char *only = getenv("LEND_FAULTS_WALK_ONLY");
	if (stride < 1)
		stride = 1;
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
		if (!only || !*only || strcmp(only, calls[i].name) == 0)
			walk(&calls[i], stride);
	print_message("%ld calls walked, %ld fault points tried (stride %ld)\n", calls_walked, points_tried, stride);
}

static int group_setup(void **state)
{
	(void)state;
	shm_path(template_path, sizeof template_path);
	shm_path(csv_path, sizeof csv_path);
	FILE *f = fopen(csv_path, "w");
	assert_non_null(f);
	fprintf(f, "external_id,title,authors,language\n");
	for (int k = 1; k <= 3; k++)
		fprintf(f, "walk-%d,\"Повесть %d\",Walk Author;Автор,ru\n", k, k);
	assert_int_equal(fclose(f), 0);
	build_template(template_path);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	th_remove_db(template_path);
	remove(csv_path);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_every_writing_call),
	};
	return cmocka_run_group_tests_name("faults-walk", tests, group_setup, group_teardown);
}
