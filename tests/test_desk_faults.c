/* tests/test_desk_faults.c — a failing storage call never leaves a desk
 * operation half-done (spec section 10): for each operation, every one of
 * its N storage calls is made to fail in turn, on a fresh copy of one
 * pre-state; the database must be byte for byte unchanged, the check clean,
 * and the operation must then succeed. */
#include <stdio.h>
#include <string.h>

#include "fault.h"

/* The pre-state: library L (budget 50000) with librarian S; readers
 * R0..R3 with tickets; renewals on.
 *  B1: 1 copy on loan to R0;  B2: 2 free copies;  B3: price 39900, not in
 *  the fund;  B4: 1 copy on loan to R0 (nobody waits).
 *  P1: R3's pending request for B3;  P2: R2's pending request for B1.
 *  B5 (audiobook, hand-off mode "reserve" for audiobooks): 1 copy, freed by
 *  R0 at T0 and reserved for R1 (RV1, until T0+3d); R2 waits behind him.
 *  R3 waits for B1.  B6: a license of 1 copy until T0+2d, lent to R1. */
static struct {
	int64_t lib, staff, r[4], tk[4], b1, b2, b3, b4, b5, b6, loan_b4, p1, p2, rv1, h1;
} W;
static char template_path[96];
#define T0 TH_START

static void build_template(const char *path)
{
	th_now = T0;
	fault *f;
	th t;
	memset(&t, 0, sizeof t);
	t.e = fault_open(path, &f);
	assert_int_equal(lend_actor_admin(t.e, &t.admin), LEND_OK);
	W.lib = th_library(&t, "Library", 50000);
	W.staff = th_reader(&t, "Staff", 1980, 1, 1);
	TH_OK(&t, lend_library_grant(t.e, t.admin, W.lib, W.staff));
	lend_actor *ra[4];
	for (int i = 0; i < 4; i++) {
		W.r[i] = th_reader(&t, "Reader", 1990, 1, 1);
		W.tk[i] = th_ticket(&t, W.lib, W.r[i]);
		assert_int_equal(lend_actor_reader(t.e, W.r[i], &ra[i]), LEND_OK);
	}
	TH_OK(&t, lend_policy_set(t.e, t.admin, W.lib, LEND_KIND_ANY, LEND_SETTING_RENEWALS, 1));
	W.b1 = th_book(&t, "B1", LEND_KIND_EBOOK, 100, 0);
	W.b2 = th_book(&t, "B2", LEND_KIND_EBOOK, 100, 0);
	W.b3 = th_book(&t, "B3", LEND_KIND_EBOOK, 39900, 0);
	W.b4 = th_book(&t, "B4", LEND_KIND_AUDIOBOOK, 100, 0);
	th_copies(&t, W.lib, W.b1, 1);
	th_copies(&t, W.lib, W.b2, 2);
	th_copies(&t, W.lib, W.b4, 1);
	TH_OK(&t, lend_take(t.e, ra[0], W.tk[0], W.b1, NULL));
	lend_loan *l = NULL;
	TH_OK(&t, lend_take(t.e, ra[0], W.tk[0], W.b4, &l));
	W.loan_b4 = lend_loan_id(l);
	lend_loan_free(l);
	TH_OK(&t, lend_policy_set(t.e, t.admin, W.lib, LEND_KIND_AUDIOBOOK, LEND_SETTING_HANDOFF_MODE, 1));
	W.b5 = th_book(&t, "B5", LEND_KIND_AUDIOBOOK, 100, 0);
	th_copies(&t, W.lib, W.b5, 1);
	TH_OK(&t, lend_take(t.e, ra[0], W.tk[0], W.b5, &l));
	lend_hold *h = NULL;
	TH_OK(&t, lend_queue_join(t.e, ra[1], W.tk[1], W.b5, &h));
	W.h1 = lend_hold_id(h);
	lend_hold_free(h);
	TH_OK(&t, lend_queue_join(t.e, ra[2], W.tk[2], W.b5, NULL));
	TH_OK(&t, lend_return(t.e, ra[0], lend_loan_id(l)));
	lend_loan_free(l);
	lend_reserves *rs = NULL;
	TH_OK(&t, lend_reserve_list(t.e, t.admin, W.r[1], 1, &rs));
	assert_int_equal(lend_reserves_count(rs), 1);
	W.rv1 = lend_reserve_id(lend_reserves_get(rs, 0));
	lend_reserves_free(rs);
	TH_OK(&t, lend_queue_join(t.e, ra[3], W.tk[3], W.b1, NULL));
	W.b6 = th_book(&t, "B6", LEND_KIND_EBOOK, 100, 0);
	TH_OK(&t, lend_license_add(t.e, t.admin, W.lib, W.b6, 1, T0 + 2 * TH_DAY, LEND_UNLIMITED, NULL));
	TH_OK(&t, lend_take(t.e, ra[1], W.tk[1], W.b6, NULL));
	lend_request *r = NULL;
	TH_OK(&t, lend_request_create(t.e, ra[3], W.tk[3], W.b3, &r));
	W.p1 = lend_request_id(r);
	lend_request_free(r);
	TH_OK(&t, lend_request_create(t.e, ra[2], W.tk[2], W.b1, &r));
	W.p2 = lend_request_id(r);
	lend_request_free(r);
	th_check_clean(&t);
	for (int i = 0; i < 4; i++)
		lend_actor_free(ra[i]);
	lend_actor_free(t.admin);
	lend_engine_close(t.e);
}

typedef struct run {
	lend_engine *e;
	lend_actor *admin, *staff, *reader[4];
} run;

static int op_request(run *r) { return lend_request_create(r->e, r->reader[1], W.tk[1], W.b2, NULL); }
static int op_approve_buys(run *r) { return lend_request_approve(r->e, r->staff, W.p1, NULL); }
static int op_approve_queues(run *r) { return lend_request_approve(r->e, r->staff, W.p2, NULL); }
static int op_deny(run *r) { return lend_request_deny(r->e, r->staff, W.p1, LEND_REASON_LIBRARIAN, "not this year"); }
static int op_cancel(run *r) { return lend_request_cancel(r->e, r->reader[3], W.p1); }
static int op_issue(run *r) { return lend_issue(r->e, r->staff, W.tk[1], W.b2, 1, "exam week", NULL); }
static int op_issue_buys(run *r) { return lend_issue(r->e, r->staff, W.tk[1], W.b3, 0, NULL, NULL); }
static int op_renew(run *r) { return lend_renew(r->e, r->reader[0], W.loan_b4, NULL); }
static int op_correct(run *r) { return lend_budget_correct(r->e, r->staff, W.lib, -1000, "bank fee"); }
static int op_confirm(run *r) { return lend_reserve_confirm(r->e, r->reader[1], W.rv1, NULL); }
static int op_decline(run *r) { return lend_reserve_decline(r->e, r->reader[1], W.rv1); }
static int op_license_add(run *r)
{
	return lend_license_add(r->e, r->staff, W.lib, W.b1, 1, T0 + 10 * TH_DAY, 3, NULL);
}
static int op_license_expiry(run *r)
{
	th_now = T0 + 2 * TH_DAY;
	return lend_engine_tick(r->e, NULL, NULL);
}
static int op_lapse(run *r)
{
	th_now = T0 + 3 * TH_DAY; /* the reservation's time */
	return lend_engine_tick(r->e, NULL, NULL);
}

static int request_state(run *r, int64_t id)
{
	lend_request *q = NULL;
	assert_int_equal(lend_request_get(r->e, r->admin, id, &q), LEND_OK);
	int s = lend_request_state(q);
	lend_request_free(q);
	return s;
}

static int64_t budget(run *r)
{
	lend_library *lib = NULL;
	assert_int_equal(lend_library_get(r->e, r->admin, W.lib, &lib), LEND_OK);
	int64_t b = lend_library_budget(lib);
	lend_library_free(lib);
	return b;
}

static void eff_request(run *r)
{
	lend_requests *l = NULL;
	assert_int_equal(lend_request_list(r->e, r->reader[1], W.r[1], LEND_REQUEST_PENDING, &l), LEND_OK);
	assert_int_equal(lend_requests_count(l), 1);
	lend_requests_free(l);
}
static void eff_approved_p1(run *r)
{
	assert_int_equal(request_state(r, W.p1), LEND_REQUEST_APPROVED);
	assert_int_equal(budget(r), 50000 - 39900);
}
static void eff_approved_p2(run *r) { assert_int_equal(request_state(r, W.p2), LEND_REQUEST_APPROVED); }
static void eff_denied(run *r) { assert_int_equal(request_state(r, W.p1), LEND_REQUEST_DENIED); }
static void eff_cancelled(run *r) { assert_int_equal(request_state(r, W.p1), LEND_REQUEST_CANCELLED); }
static void eff_issued(run *r)
{
	lend_loans *l = NULL;
	assert_int_equal(lend_loan_list(r->e, r->admin, W.r[1], 1, &l), LEND_OK);
	int by_librarian = 0;
	for (size_t i = 0; i < lend_loans_count(l); i++)
		by_librarian += lend_loan_origin(lend_loans_get(l, i)) == LEND_ORIGIN_LIBRARIAN;
	assert_int_equal(by_librarian, 1);
	lend_loans_free(l);
}
static void eff_renewed(run *r)
{
	lend_loan *l = NULL;
	assert_int_equal(lend_loan_get(r->e, r->admin, W.loan_b4, &l), LEND_OK);
	assert_int_equal(lend_loan_due_at(l), T0 + 28 * TH_DAY);
	lend_loan_free(l);
}
static void eff_corrected(run *r) { assert_int_equal(budget(r), 49000); }
static int hold_state(run *r, int64_t id)
{
	lend_hold *h = NULL;
	assert_int_equal(lend_hold_get(r->e, r->admin, id, &h), LEND_OK);
	int s = lend_hold_state(h);
	lend_hold_free(h);
	return s;
}
static void eff_r3_has_b1(run *r)
{
	lend_loans *l = NULL;
	assert_int_equal(lend_loan_list(r->e, r->admin, W.r[3], 1, &l), LEND_OK);
	assert_int_equal(lend_loans_count(l), 1);
	assert_int_equal(lend_loan_book_id(lend_loans_get(l, 0)), W.b1);
	lend_loans_free(l);
}
static void eff_license_closed(run *r)
{
	lend_licenses *l = NULL;
	assert_int_equal(lend_license_list(r->e, r->admin, W.lib, W.b6, &l), LEND_OK);
	assert_int_equal(lend_license_closed_at(lend_licenses_get(l, 0)), T0 + 2 * TH_DAY);
	lend_licenses_free(l);
}
static void eff_confirmed(run *r) { assert_int_equal(hold_state(r, W.h1), LEND_HOLD_SERVED); }
static void eff_passed_on(run *r)
{
	assert_int_equal(hold_state(r, W.h1), LEND_HOLD_LEFT);
	lend_reserves *rs = NULL;
	assert_int_equal(lend_reserve_list(r->e, r->admin, W.r[2], 1, &rs), LEND_OK);
	assert_int_equal(lend_reserves_count(rs), 1);
	lend_reserves_free(rs);
}

typedef struct scenario {
	const char *name;
	int (*op)(run *r);
	void (*effect)(run *r);
	int retry_ok; /* the same call succeeds again after the failure */
} scenario;

static const scenario scenarios[] = {
	{"request", op_request, eff_request, 1},
	{"approve that buys", op_approve_buys, eff_approved_p1, 1},
	{"approve that queues", op_approve_queues, eff_approved_p2, 1},
	{"deny with words", op_deny, eff_denied, 1},
	{"cancel", op_cancel, eff_cancelled, 1},
	{"direct issue with override", op_issue, eff_issued, 1},
	{"direct issue that buys", op_issue_buys, eff_issued, 1},
	{"renew", op_renew, eff_renewed, 1},
	{"budget correction", op_correct, eff_corrected, 1},
	{"reserve confirm", op_confirm, eff_confirmed, 1},
	{"reserve decline", op_decline, eff_passed_on, 1},
	{"reserve lapse", op_lapse, eff_passed_on, 1},
	{"license add with a queue", op_license_add, eff_r3_has_b1, 1},
	{"license expiry", op_license_expiry, eff_license_closed, 1},
};

static void check_clean(lend_engine *e)
{
	lend_report *rep = NULL;
	assert_int_equal(lend_engine_check(e, &rep), LEND_OK);
	for (size_t i = 0; i < lend_report_count(rep); i++)
		print_message("check: %s\n", lend_report_get(rep, i));
	assert_int_equal(lend_report_count(rep), 0);
	lend_report_free(rep);
}

static fault *start(run *r, const char *work)
{
	th_remove_db(work);
	th_copy_file(template_path, work);
	th_now = T0;
	fault *f;
	r->e = fault_open(work, &f);
	assert_int_equal(lend_actor_admin(r->e, &r->admin), LEND_OK);
	assert_int_equal(lend_actor_librarian(r->e, W.staff, &r->staff), LEND_OK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(lend_actor_reader(r->e, W.r[i], &r->reader[i]), LEND_OK);
	th_now = T0 + 3600;
	return f;
}

static void finish(run *r, const char *work)
{
	for (int i = 0; i < 4; i++)
		lend_actor_free(r->reader[i]);
	lend_actor_free(r->staff);
	lend_actor_free(r->admin);
	lend_engine_close(r->e);
	th_remove_db(work);
}

static void run_scenario(const scenario *sc)
{
	char work[96];
	th_temp_path(work, sizeof work);
	run r;
	fault *f = start(&r, work);
	f->calls = 0;
	int rc = sc->op(&r);
	if (rc != LEND_OK)
		print_message("%s: dry run: %s\n", sc->name, lend_engine_errmsg(r.e));
	assert_int_equal(rc, LEND_OK);
	long n = f->calls;
	sc->effect(&r);
	check_clean(r.e);
	finish(&r, work);
	assert_true(n > 0);
	for (long k = 1; k <= n; k++) {
		f = start(&r, work);
		char *before = th_dump_db(work);
		f->calls = 0;
		f->fail_at = k;
		rc = sc->op(&r);
		f->fail_at = 0;
		if (rc != LEND_ESTORAGE)
			print_message("%s: call %ld of %ld failed, the operation returned %d: %s\n", sc->name, k, n, rc,
			              lend_engine_errmsg(r.e));
		assert_int_equal(f->injected, 1);
		assert_int_equal(rc, LEND_ESTORAGE);
		char *after = th_dump_db(work);
		if (strcmp(before, after) != 0)
			print_message("%s: call %ld of %ld failed and the database changed\n", sc->name, k, n);
		assert_string_equal(before, after);
		free(before);
		free(after);
		check_clean(r.e);
		if (sc->retry_ok) {
			rc = sc->op(&r);
			if (rc != LEND_OK)
				print_message("%s: retry after failing call %ld: %s\n", sc->name, k, lend_engine_errmsg(r.e));
			assert_int_equal(rc, LEND_OK);
			sc->effect(&r);
			check_clean(r.e);
		}
		finish(&r, work);
	}
	print_message("%s: %ld storage calls, each failed once\n", sc->name, n);
}

static void test_desk_faults(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
		run_scenario(&scenarios[i]);
}

static int group_setup(void **state)
{
	(void)state;
	th_temp_path(template_path, sizeof template_path);
	build_template(template_path);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	th_remove_db(template_path);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_desk_faults),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
