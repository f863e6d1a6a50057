/* tests/test_accounts_merge.c — merging accounts (spec section 7) with
 * every overlap, a merge during a queue hand-off, and fault injection over
 * sign-in and merge (state unchanged after any failing storage call). */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "accounts_fixture.h"
#include "fault.h"

#define PB "Password-Of-B-1"

/* Reader A (the one who stays) and reader B (merged into A):
 *  L1: A and B hold tickets; L2: B holds one and is its librarian.
 *  X (L1, 2 copies): both have it on loan, B's due later.
 *  Y (L1, 1 copy, with C): B queued first, then A.
 *  Z (L1, 1 copy, with C): A queued first, then B.
 *  W (L2, 1 copy, with D): B queued.
 *  B has a confirmed e-mail, a linked identity and a live session. */
typedef struct mw {
	th *t;
	int64_t l1, l2, A, B, C, D, tA, tB1, tB2, tC, tD, X, Y, Z, W;
	int64_t loanAX, loanBX, loanCY, loanCZ, holdBY, holdAY, holdAZ, holdBZ, holdBW;
	char nB1[32];
	lend_actor *a, *b_session;
} mw;

static int64_t take(th *t, int64_t reader, int64_t ticket, int64_t book)
{
	lend_loan *l = NULL;
	TH_OK(t, lend_take(t->e, th_as_reader(t, reader), ticket, book, &l));
	int64_t id = lend_loan_id(l);
	lend_loan_free(l);
	return id;
}

static int64_t queue(th *t, int64_t reader, int64_t ticket, int64_t book)
{
	lend_hold *h = NULL;
	TH_OK(t, lend_queue_join(t->e, th_as_reader(t, reader), ticket, book, &h));
	int64_t id = lend_hold_id(h);
	lend_hold_free(h);
	return id;
}

static void mw_init(mw *w, th *t)
{
	memset(w, 0, sizeof *w);
	w->t = t;
	w->l1 = th_library(t, "L1", 100000);
	w->l2 = th_library(t, "L2", 100000);
	w->A = th_reader(t, "Reader A", 1990, 5, 5);
	w->B = th_reader(t, "Reader B", 0, 0, 0);
	w->C = th_reader(t, "Reader C", 1980, 1, 1);
	w->D = th_reader(t, "Reader D", 1980, 1, 1);
	w->tA = th_ticket(t, w->l1, w->A);
	w->tB1 = th_ticket(t, w->l1, w->B);
	w->tB2 = th_ticket(t, w->l2, w->B);
	w->tC = th_ticket(t, w->l1, w->C);
	w->tD = th_ticket(t, w->l2, w->D);
	aw_number(t, w->tB1, w->nB1, sizeof w->nB1);
	TH_OK(t, lend_ticket_set_password(t->e, t->admin, w->tA, AW_PASSWORD, NULL));
	TH_OK(t, lend_ticket_set_password(t->e, t->admin, w->tB1, PB, NULL));
	TH_OK(t, lend_ticket_set_password(t->e, t->admin, w->tB2, PB, NULL));
	TH_OK(t, lend_library_grant(t->e, t->admin, w->l2, w->B));
	w->X = th_book(t, "X", LEND_KIND_EBOOK, 100, 0);
	w->Y = th_book(t, "Y", LEND_KIND_EBOOK, 100, 0);
	w->Z = th_book(t, "Z", LEND_KIND_EBOOK, 100, 0);
	w->W = th_book(t, "W", LEND_KIND_EBOOK, 100, 0);
	th_copies(t, w->l1, w->X, 2);
	th_copies(t, w->l1, w->Y, 1);
	th_copies(t, w->l1, w->Z, 1);
	th_copies(t, w->l2, w->W, 1);
	w->loanAX = take(t, w->A, w->tA, w->X);
	w->loanCY = take(t, w->C, w->tC, w->Y);
	w->loanCZ = take(t, w->C, w->tC, w->Z);
	take(t, w->D, w->tD, w->W);
	th_now += TH_DAY;
	w->loanBX = take(t, w->B, w->tB1, w->X);
	w->holdBY = queue(t, w->B, w->tB1, w->Y);
	w->holdAY = queue(t, w->A, w->tA, w->Y);
	w->holdAZ = queue(t, w->A, w->tA, w->Z);
	w->holdBZ = queue(t, w->B, w->tB1, w->Z);
	w->holdBW = queue(t, w->B, w->tB2, w->W);
	aw_confirmed_email(t, w->B, "b@example.org");
	TH_OK(t, lend_identity_link(t->e, t->admin, w->B, "vk", "b-subject", NULL));
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w->l1, w->nB1, PB, "B's phone", &w->b_session));
	char nA[32];
	aw_number(t, w->tA, nA, sizeof nA);
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w->l1, nA, AW_PASSWORD, "A's laptop", &w->a));
	th_check_clean(t);
}

static void mw_free(mw *w)
{
	lend_actor_free(w->a);
	lend_actor_free(w->b_session);
}

static int hold_state(th *t, int64_t hold)
{
	int state = 0, pos = 0;
	int64_t wait = 0, loan = 0;
	th_hold(t, hold, &state, &pos, &wait, &loan);
	return state;
}

/* Write a session's reader behind the engine's back, on another connection. */
static void set_session_reader(th *t, int64_t session_id, int64_t reader_id)
{
	char sql[160];
	if (th_backend_pg()) {
		snprintf(sql, sizeof sql, "UPDATE %s.sessions SET reader_id = %lld WHERE id = %lld", t->pg_schema,
		         (long long)reader_id, (long long)session_id);
		th_pg_exec(sql);
		return;
	}
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	snprintf(sql, sizeof sql, "UPDATE sessions SET reader_id = %lld WHERE id = %lld", (long long)reader_id,
	         (long long)session_id);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_merge_every_overlap(void **state)
{
	th *t = *state;
	mw w;
	mw_init(&w, t);
	TH_OK(t, lend_account_merge(t->e, w.a, LEND_LOGIN_TICKET, w.l1, w.nB1, PB));

	/* Tickets of every library are A's. */
	lend_tickets *tl = NULL;
	TH_OK(t, lend_ticket_list(t->e, t->admin, w.A, &tl));
	assert_int_equal(lend_tickets_count(tl), 3);
	lend_tickets_free(tl);
	TH_OK(t, lend_ticket_list(t->e, t->admin, w.B, &tl));
	assert_int_equal(lend_tickets_count(tl), 0);
	lend_tickets_free(tl);
	/* X twice: the loan due later (B's) stays, A's ended as returned. */
	assert_int_equal(th_active_loan_of(t, w.A, w.X), w.loanBX);
	lend_loan *l = NULL;
	TH_OK(t, lend_loan_get(t->e, t->admin, w.loanAX, &l));
	assert_int_equal(lend_loan_end_reason(l), LEND_END_RETURNED);
	lend_loan_free(l);
	/* Queues: the earlier place stays, the other is left. */
	assert_int_equal(hold_state(t, w.holdBY), LEND_HOLD_WAITING);
	assert_int_equal(hold_state(t, w.holdAY), LEND_HOLD_LEFT);
	assert_int_equal(hold_state(t, w.holdAZ), LEND_HOLD_WAITING);
	assert_int_equal(hold_state(t, w.holdBZ), LEND_HOLD_LEFT);
	assert_int_equal(hold_state(t, w.holdBW), LEND_HOLD_WAITING);
	lend_holds *hl = NULL;
	TH_OK(t, lend_hold_list(t->e, w.a, w.A, &hl));
	lend_holds_free(hl);
	/* Birth date: B had none, A's stays. Staff rights joined. */
	lend_reader *rd = NULL;
	TH_OK(t, lend_reader_get(t->e, t->admin, w.A, &rd));
	assert_int_equal(lend_reader_birth_date(rd), 19900505);
	lend_reader_free(rd);
	lend_actor *staff = NULL;
	TH_OK(t, lend_actor_librarian(t->e, w.A, &staff));
	lend_actor_free(staff);

	/* Every old login leads to A. */
	lend_actor *x = NULL;
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.l1, w.nB1, PB, NULL, &x));
	assert_int_equal(lend_actor_reader_id(x), w.A);
	lend_actor_free(x);
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_EMAIL, 0, "b@example.org", PB, NULL, &x));
	assert_int_equal(lend_actor_reader_id(x), w.A);
	lend_actor_free(x);
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_EMAIL, 0, "b@example.org", AW_PASSWORD, NULL, &x));
	lend_actor_free(x);
	TH_OK(t, lend_sign_in_identity(t->e, "vk", "b-subject", NULL, &x));
	assert_int_equal(lend_actor_reader_id(x), w.A);
	lend_actor_free(x);
	/* B's old session has ended. */
	TH_RC(t, LEND_EPERM, lend_ticket_list(t->e, w.b_session, w.B, &tl));
	lend_sessions *s = NULL;
	TH_OK(t, lend_session_list(t->e, w.a, w.A, &s));
	size_t live = 0;
	for (size_t i = 0; i < lend_sessions_count(s); i++)
		live += lend_sessions_revoked_at(s, i) == 0;
	assert_true(live >= 1);
	lend_sessions_free(s);
	/* The audit trail joined, with the merge on it. */
	assert_int_equal(aw_audit_count(t, w.A, LEND_AUDIT_MERGED), 1);
	assert_true(aw_audit_count(t, w.A, LEND_AUDIT_METHOD_CONFIRMED) >= 2);
	assert_int_equal(aw_audit_count(t, w.B, LEND_AUDIT_SIGNIN_OK), 0);
	th_check_clean(t);

	/* The check sees a row left behind on a merged-away reader. */
	set_session_reader(t, 1, w.B);
	lend_report *rep = NULL;
	TH_OK(t, lend_engine_check(t->e, &rep));
	assert_int_equal(lend_report_count(rep), 1);
	assert_non_null(strstr(lend_report_get(rep, 0), "merged away"));
	lend_report_free(rep);
	set_session_reader(t, 1, w.A);
	th_check_clean(t);

	/* The queues go on: C returns Y and the kept place gets it. */
	TH_OK(t, lend_return(t->e, th_as_reader(t, w.C), w.loanCY));
	assert_int_equal(hold_state(t, w.holdBY), LEND_HOLD_SERVED);
	assert_true(th_active_loan_of(t, w.A, w.Y) > 0);
	th_check_clean(t);
	mw_free(&w);
}

/* The other areas' rows move with the account: requests (both asked for
 * the same book: the earlier stays pending, the later is cancelled), the
 * balance and bought books. */
static void test_merge_moves_every_area(void **state)
{
	th *t = *state;
	mw w;
	mw_init(&w, t);
	int64_t V = th_book(t, "V", LEND_KIND_EBOOK, 900, 0), U = th_book(t, "U", LEND_KIND_EBOOK, 900, 0);
	lend_request *r = NULL;
	TH_OK(t, lend_request_create(t->e, th_as_reader(t, w.B), w.tB1, V, &r));
	int64_t reqB = lend_request_id(r);
	lend_request_free(r);
	TH_OK(t, lend_request_create(t->e, th_as_reader(t, w.A), w.tA, V, &r));
	int64_t reqA = lend_request_id(r);
	lend_request_free(r);
	TH_OK(t, lend_request_create(t->e, th_as_reader(t, w.B), w.tB1, U, &r));
	int64_t reqBU = lend_request_id(r);
	lend_request_free(r);
	TH_OK(t, lend_balance_credit(t->e, t->admin, w.B, 1500, "RUB", "payment-1", NULL));
	TH_OK(t, lend_buy(t->e, th_as_reader(t, w.B), w.B, U, NULL));
	TH_OK(t, lend_rating_set(t->e, th_as_reader(t, w.B), w.B, U, 4));

	TH_OK(t, lend_account_merge(t->e, w.a, LEND_LOGIN_TICKET, w.l1, w.nB1, PB));
	lend_requests *rl = NULL;
	TH_OK(t, lend_request_list(t->e, t->admin, w.A, 0, &rl));
	assert_int_equal(lend_requests_count(rl), 3);
	lend_requests_free(rl);
	TH_OK(t, lend_request_list(t->e, t->admin, w.B, 0, &rl));
	assert_int_equal(lend_requests_count(rl), 0);
	lend_requests_free(rl);
	TH_OK(t, lend_request_get(t->e, t->admin, reqB, &r));
	assert_int_equal(lend_request_state(r), LEND_REQUEST_PENDING);
	assert_int_equal(lend_request_reader_id(r), w.A);
	lend_request_free(r);
	TH_OK(t, lend_request_get(t->e, t->admin, reqA, &r));
	assert_int_equal(lend_request_state(r), LEND_REQUEST_CANCELLED);
	lend_request_free(r);
	TH_OK(t, lend_request_get(t->e, t->admin, reqBU, &r));
	assert_int_equal(lend_request_state(r), LEND_REQUEST_PENDING);
	lend_request_free(r);
	int64_t balance = -1;
	TH_OK(t, lend_balance_get(t->e, t->admin, w.A, "RUB", &balance));
	assert_int_equal(balance, 600);
	/* U is A's for ever now: buying it again is refused. */
	TH_OK(t, lend_balance_credit(t->e, t->admin, w.A, 900, "RUB", "payment-2", NULL));
	TH_DENIED(t, LEND_REASON_ALREADY_BOUGHT, lend_buy(t->e, w.a, w.A, U, NULL));
	/* B's rating is A's. */
	int stars = 0;
	TH_OK(t, lend_rating_get(t->e, t->admin, w.A, U, &stars));
	assert_int_equal(stars, 4);
	th_check_clean(t);
	mw_free(&w);
}

static void test_merge_refusals(void **state)
{
	th *t = *state;
	mw w;
	mw_init(&w, t);
	char *before = th_dump_db(t->path);
	TH_RC(t, LEND_EAUTH, lend_account_merge(t->e, w.a, LEND_LOGIN_TICKET, w.l1, w.nB1, "not B's password"));
	TH_RC(t, LEND_EPERM, lend_account_merge(t->e, t->admin, LEND_LOGIN_TICKET, w.l1, w.nB1, PB));
	lend_actor *staff = NULL;
	TH_OK(t, lend_actor_librarian(t->e, w.B, &staff));
	TH_RC(t, LEND_EPERM, lend_account_merge(t->e, staff, LEND_LOGIN_TICKET, w.l1, w.nB1, PB));
	lend_actor_free(staff);
	TH_RC(t, LEND_EINVAL, lend_account_merge(t->e, w.b_session, LEND_LOGIN_TICKET, w.l1, w.nB1, PB));
	TH_RC(t, LEND_EINVAL, lend_account_merge(t->e, w.a, LEND_LOGIN_TICKET, 0, w.nB1, PB));
	/* The failed try is counted (throttle, audit) and nothing else changed. */
	char *after = th_dump_db(t->path);
	assert_true(strcmp(before, after) != 0);
	free(after);
	free(before);
	assert_int_equal(aw_audit_count(t, w.B, LEND_AUDIT_SIGNIN_FAILED), 1);
	assert_int_equal(th_active_loan_of(t, w.A, w.X), w.loanAX);
	/* Two people (different birth dates) cannot become one account. */
	int64_t E = th_reader(t, "Reader E", 1991, 1, 1);
	int64_t tE = th_ticket(t, w.l2, E);
	TH_OK(t, lend_ticket_set_password(t->e, t->admin, tE, "Password-Of-E-1", NULL));
	char nE[32];
	aw_number(t, tE, nE, sizeof nE);
	TH_DENIED(t, LEND_REASON_BIRTH_DATE_DIFFERS,
	          lend_account_merge(t->e, w.a, LEND_LOGIN_TICKET, w.l2, nE, "Password-Of-E-1"));
	th_check_clean(t);
	mw_free(&w);
}

static void test_merge_during_handoff(void **state)
{
	th *t = *state;
	mw w;
	mw_init(&w, t);
	/* C returns Z: the copy goes to A (first in line); B still waits. */
	TH_OK(t, lend_return(t->e, th_as_reader(t, w.C), w.loanCZ));
	assert_int_equal(hold_state(t, w.holdAZ), LEND_HOLD_SERVED);
	assert_int_equal(hold_state(t, w.holdBZ), LEND_HOLD_WAITING);
	/* Merging: B's place for a book A now has is left. */
	TH_OK(t, lend_account_merge(t->e, w.a, LEND_LOGIN_EMAIL, 0, "b@example.org", PB));
	assert_int_equal(hold_state(t, w.holdBZ), LEND_HOLD_LEFT);
	assert_true(th_active_loan_of(t, w.A, w.Z) > 0);
	th_check_clean(t);
	/* A merges a third account: merged ones stay merged. */
	int64_t F = th_reader(t, "Reader F", 1990, 5, 5);
	int64_t tF = th_ticket(t, w.l2, F);
	TH_OK(t, lend_ticket_set_password(t->e, t->admin, tF, "Password-Of-F-1", NULL));
	char nF[32];
	aw_number(t, tF, nF, sizeof nF);
	TH_OK(t, lend_account_merge(t->e, w.a, LEND_LOGIN_TICKET, w.l2, nF, "Password-Of-F-1"));
	lend_actor *x = NULL;
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.l2, nF, "Password-Of-F-1", NULL, &x));
	assert_int_equal(lend_actor_reader_id(x), w.A);
	lend_actor_free(x);
	th_check_clean(t);
	mw_free(&w);
}

/* ------------------------------------------------------ fault injection */

static char template_path[96];
static mw TW;
static char token[40], act_code[40]; /* outstanding in the template */

static int group_setup(void **state)
{
	(void)state;
	th *t = th_new(TH_FILE);
	aw_fast(t);
	mw_init(&TW, t);
	lend_actor_free(TW.a);
	lend_actor_free(TW.b_session);
	TW.a = TW.b_session = NULL;
	TH_OK(t, lend_recovery_request(t->e, LEND_LOGIN_EMAIL, 0, "b@example.org"));
	aw_secret(t, LEND_NOTE_PASSWORD_RECOVERY, "token", token, sizeof token);
	TH_OK(t, lend_activation_request(t->e, LEND_LOGIN_EMAIL, "b@example.org"));
	aw_secret(t, LEND_NOTE_APP_ACTIVATION, "code", act_code, sizeof act_code);
	th_close_engine(t);
	th_temp_path(template_path, sizeof template_path);
	th_copy_file(t->path, template_path);
	th_free(t);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	th_remove_db(template_path);
	return 0;
}

typedef int (*fop)(lend_engine *e, lend_actor *a);

static int op_sign_in(lend_engine *e, lend_actor *a)
{
	(void)a;
	lend_actor *x = NULL;
	int rc = lend_sign_in(e, LEND_LOGIN_TICKET, TW.l1, TW.nB1, PB, NULL, &x);
	assert_true(rc == LEND_OK ? x != NULL : x == NULL);
	lend_actor_free(x);
	return rc;
}

static int op_sign_in_wrong(lend_engine *e, lend_actor *a)
{
	(void)a;
	lend_actor *x = NULL;
	int rc = lend_sign_in(e, LEND_LOGIN_EMAIL, 0, "b@example.org", "wrong password", NULL, &x);
	return rc == LEND_EAUTH ? LEND_OK : rc;
}

static int op_merge(lend_engine *e, lend_actor *a)
{
	return lend_account_merge(e, a, LEND_LOGIN_TICKET, TW.l1, TW.nB1, PB);
}

static int op_recovery(lend_engine *e, lend_actor *a)
{
	(void)a;
	return lend_recovery_request(e, LEND_LOGIN_EMAIL, 0, "b@example.org");
}

static int op_recovery_finish(lend_engine *e, lend_actor *a)
{
	(void)a;
	return lend_recovery_finish(e, token, "Recovered-Password-1");
}

static int op_activate(lend_engine *e, lend_actor *a)
{
	(void)a;
	lend_actor *x = NULL;
	int rc = lend_activate(e, act_code, "app", &x);
	lend_actor_free(x);
	return rc;
}

static int op_method_add(lend_engine *e, lend_actor *a)
{
	return lend_method_add(e, a, TW.A, LEND_METHOD_PHONE, "+7 900 000 00 00", NULL);
}

static void fault_check_clean(lend_engine *e)
{
	lend_report *rep = NULL;
	assert_int_equal(lend_engine_check(e, &rep), LEND_OK);
	for (size_t i = 0; i < lend_report_count(rep); i++)
		print_message("check: %s\n", lend_report_get(rep, i));
	assert_int_equal(lend_report_count(rep), 0);
	lend_report_free(rep);
}

static void run_faults(const char *name, fop op)
{
	char work[96];
	th_temp_path(work, sizeof work);
	long n = 0;
	char *before = NULL; /* the same pre-state for every run */
	for (long k = 0; k == 0 || k <= n; k++) {
		th_remove_db(work);
		th_copy_file(template_path, work);
		fault *f;
		lend_engine *e = fault_open(work, &f);
		lend_actor *a = NULL;
		assert_int_equal(lend_actor_reader(e, TW.A, &a), LEND_OK);
		if (!before)
			before = th_dump_db(work);
		f->calls = 0;
		f->fail_at = k;
		int rc = op(e, a);
		f->fail_at = 0;
		if (k == 0) {
			if (rc != LEND_OK)
				print_message("%s: dry run: %s\n", name, lend_engine_errmsg(e));
			assert_int_equal(rc, LEND_OK);
			n = f->calls;
		} else {
			if (rc != LEND_ESTORAGE)
				print_message("%s: call %ld of %ld: %d %s\n", name, k, n, rc, lend_engine_errmsg(e));
			assert_int_equal(rc, LEND_ESTORAGE);
			char *after = th_dump_db(work);
			assert_string_equal(before, after);
			free(after);
		}
		fault_check_clean(e);
		lend_actor_free(a);
		lend_engine_close(e);
	}
	free(before);
	th_remove_db(work);
	assert_true(n > 0);
	print_message("%s: %ld storage calls, each failed once\n", name, n);
}

static void test_faults_sign_in(void **state)
{
	(void)state;
	run_faults("sign-in", op_sign_in);
	run_faults("failed sign-in", op_sign_in_wrong);
	run_faults("recovery request", op_recovery);
	run_faults("recovery finish", op_recovery_finish);
	run_faults("app activation", op_activate);
	run_faults("method add", op_method_add);
}

static void test_faults_merge(void **state)
{
	(void)state;
	run_faults("merge", op_merge);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_merge_every_overlap, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_merge_moves_every_area, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_merge_refusals, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_merge_during_handoff, aw_setup, th_teardown),
	};
	const struct CMUnitTest fault_tests[] = {
		cmocka_unit_test(test_faults_sign_in),
		cmocka_unit_test(test_faults_merge),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	/* The fault injector wraps the SQLite backend on a copied file. */
	if (th_backend_pg())
		return rc;
	return rc | cmocka_run_group_tests(fault_tests, group_setup, group_teardown);
}
