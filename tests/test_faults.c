/* tests/test_faults.c — a failing storage call never leaves a half-done
 * operation (spec section 10).
 *
 * A fault-injecting backend wraps the built-in SQLite one on a temporary
 * file: it forwards every method and makes the k-th call (counting every
 * method but rollback, errmsg and free) fail with LEND_ESTORAGE. For each
 * operation we count its N calls in a dry run, then for every k in 1..N
 * start again from the same state, fail call k, and check that the call
 * failed, that the database is byte for byte what it was, that
 * lend_engine_check() is clean and that the operation then succeeds. */
#include <stdio.h>
#include <string.h>

#include "fault.h"

/* ----------------------------------------------------------- the world */

/* One pre-state serves every operation:
 *  library L (budget 100000), readers R0..R4, tickets for R0..R3;
 *  B1: 1 copy, on loan to R0 (due T0+14d), R1 and R2 waiting;
 *  B2: 2 free copies;  B3: price 39900, not in the fund;
 *  B4: 1 copy, on loan to R2 (due T0+14d), R3 waiting. */
typedef struct ids {
	int64_t lib, r[5], tk[4], b1, b2, b3, b4, loan_b1, loan_b4;
} ids;

static ids W;
#define T0 TH_START /* 2026-01-12 10:00:00 UTC */

static lend_actor *reader_actor(lend_engine *e, int64_t id)
{
	lend_actor *a = NULL;
	assert_int_equal(lend_actor_reader(e, id, &a), LEND_OK);
	return a;
}

static void build_template(const char *path)
{
	th_now = T0;
	fault *f;
	lend_engine *e = fault_open(path, &f);
	th t;
	memset(&t, 0, sizeof t);
	t.e = e;
	assert_int_equal(lend_actor_admin(e, &t.admin), LEND_OK);
	W.lib = th_library(&t, "Library", 100000);
	for (int i = 0; i < 5; i++)
		W.r[i] = th_reader(&t, "Reader", 1990, 1, 1);
	for (int i = 0; i < 4; i++)
		W.tk[i] = th_ticket(&t, W.lib, W.r[i]);
	W.b1 = th_book(&t, "B1", LEND_KIND_EBOOK, 100, 0);
	W.b2 = th_book(&t, "B2", LEND_KIND_EBOOK, 100, 0);
	W.b3 = th_book(&t, "B3", LEND_KIND_EBOOK, 39900, 0);
	W.b4 = th_book(&t, "B4", LEND_KIND_AUDIOBOOK, 100, 0);
	th_copies(&t, W.lib, W.b1, 1);
	th_copies(&t, W.lib, W.b2, 2);
	th_copies(&t, W.lib, W.b4, 1);
	lend_actor *a[4];
	for (int i = 0; i < 4; i++)
		a[i] = reader_actor(e, W.r[i]);
	lend_loan *l = NULL;
	TH_OK(&t, lend_take(e, a[0], W.tk[0], W.b1, &l));
	W.loan_b1 = lend_loan_id(l);
	lend_loan_free(l);
	TH_OK(&t, lend_take(e, a[2], W.tk[2], W.b4, &l));
	W.loan_b4 = lend_loan_id(l);
	lend_loan_free(l);
	TH_OK(&t, lend_queue_join(e, a[1], W.tk[1], W.b1, NULL));
	TH_OK(&t, lend_queue_join(e, a[2], W.tk[2], W.b1, NULL));
	TH_OK(&t, lend_queue_join(e, a[3], W.tk[3], W.b4, NULL));
	th_check_clean(&t);
	for (int i = 0; i < 4; i++)
		lend_actor_free(a[i]);
	lend_actor_free(t.admin);
	lend_engine_close(e);
}

/* ------------------------------------------------------- the operations */

typedef struct run {
	lend_engine *e;
	lend_actor *admin;
	lend_actor *reader[4];
} run;

typedef int (*op_fn)(run *r);

static int op_take_from_fund(run *r)
{
	lend_loan *l = (lend_loan *)1;
	int rc = lend_take(r->e, r->reader[3], W.tk[3], W.b2, &l);
	assert_true(rc == LEND_OK ? l != NULL : l == NULL);
	lend_loan_free(l);
	return rc;
}

static int op_take_that_buys(run *r)
{
	lend_loan *l = (lend_loan *)1;
	int rc = lend_take(r->e, r->reader[3], W.tk[3], W.b3, &l);
	assert_true(rc == LEND_OK ? l != NULL : l == NULL);
	lend_loan_free(l);
	return rc;
}

static int op_return_with_queue(run *r)
{
	return lend_return(r->e, r->reader[0], W.loan_b1);
}

static int op_queue_join(run *r)
{
	lend_hold *h = (lend_hold *)1;
	int rc = lend_queue_join(r->e, r->reader[3], W.tk[3], W.b1, &h);
	assert_true(rc == LEND_OK ? h != NULL : h == NULL);
	lend_hold_free(h);
	return rc;
}

static int64_t tick_ended, tick_handed;

static int op_tick(run *r)
{
	tick_ended = tick_handed = -1;
	return lend_engine_tick(r->e, &tick_ended, &tick_handed);
}

static int op_add_copies(run *r)
{
	return lend_fund_add_copies(r->e, r->admin, W.lib, W.b1, 1);
}

static int op_budget_topup(run *r)
{
	return lend_budget_add(r->e, r->admin, W.lib, 5000, "a top-up");
}

static int op_ticket_issue(run *r)
{
	lend_ticket *t = (lend_ticket *)1;
	int rc = lend_ticket_issue(r->e, r->admin, W.lib, W.r[4], "FAULT-0004", &t);
	assert_true(rc == LEND_OK ? t != NULL : t == NULL);
	lend_ticket_free(t);
	return rc;
}

static int op_policy_set(run *r)
{
	return lend_policy_set(r->e, r->admin, W.lib, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 5);
}

/* What the operation must have done, once it succeeded. */
typedef void (*effect_fn)(run *r);

static int64_t active_loan(run *r, int64_t reader, int64_t book)
{
	lend_loans *ls = NULL;
	assert_int_equal(lend_loan_list(r->e, r->admin, reader, 1, &ls), LEND_OK);
	int64_t id = 0;
	for (size_t i = 0; i < lend_loans_count(ls); i++)
		if (lend_loan_book_id(lend_loans_get(ls, i)) == book)
			id = lend_loan_id(lend_loans_get(ls, i));
	lend_loans_free(ls);
	return id;
}

static void eff_r3_has_b2(run *r) { assert_true(active_loan(r, W.r[3], W.b2) != 0); }
static void eff_r3_has_b3(run *r)
{
	assert_true(active_loan(r, W.r[3], W.b3) != 0);
	lend_library *lib = NULL;
	assert_int_equal(lend_library_get(r->e, r->admin, W.lib, &lib), LEND_OK);
	assert_int_equal(lend_library_budget(lib), 100000 - 39900);
	lend_library_free(lib);
}
static void eff_r1_has_b1(run *r) { assert_true(active_loan(r, W.r[1], W.b1) != 0); }
static void eff_r3_waits(run *r)
{
	lend_holds *hs = NULL;
	assert_int_equal(lend_hold_list(r->e, r->admin, W.r[3], &hs), LEND_OK);
	assert_int_equal(lend_holds_count(hs), 2);
	lend_holds_free(hs);
}
static void eff_tick(run *r)
{
	assert_true(active_loan(r, W.r[1], W.b1) != 0);
	assert_true(active_loan(r, W.r[3], W.b4) != 0);
}
static void eff_budget(run *r)
{
	lend_library *lib = NULL;
	assert_int_equal(lend_library_get(r->e, r->admin, W.lib, &lib), LEND_OK);
	assert_int_equal(lend_library_budget(lib), 105000);
	lend_library_free(lib);
}
static void eff_ticket(run *r)
{
	lend_tickets *ts = NULL;
	assert_int_equal(lend_ticket_list(r->e, r->admin, W.r[4], &ts), LEND_OK);
	assert_int_equal(lend_tickets_count(ts), 1);
	assert_string_equal(lend_ticket_number(lend_tickets_get(ts, 0)), "FAULT-0004");
	lend_tickets_free(ts);
}
static void eff_policy(run *r)
{
	int64_t v = 0;
	assert_int_equal(lend_policy_get(r->e, r->admin, W.lib, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, &v), LEND_OK);
	assert_int_equal(v, 5);
}

/* ------------------------------------------------------------ the loop */

typedef struct scenario {
	const char *name;
	op_fn op;
	effect_fn effect;
	int64_t at; /* the clock when the operation runs, after T0 */
} scenario;

static char template_path[96];

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

static void check_clean(lend_engine *e)
{
	lend_report *rep = NULL;
	int rc = lend_engine_check(e, &rep);
	if (rc != LEND_OK)
		print_message("check: %s\n", lend_engine_errmsg(e));
	assert_int_equal(rc, LEND_OK);
	for (size_t i = 0; i < lend_report_count(rep); i++)
		print_message("check: %s\n", lend_report_get(rep, i));
	assert_int_equal(lend_report_count(rep), 0);
	lend_report_free(rep);
}

/* Open an engine on a fresh copy of the pre-state, with its actors made
 * (at T0, so that nothing settles). */
static fault *start(run *r, const char *work)
{
	th_remove_db(work);
	th_copy_file(template_path, work);
	th_now = T0;
	fault *f;
	r->e = fault_open(work, &f);
	assert_int_equal(lend_actor_admin(r->e, &r->admin), LEND_OK);
	for (int i = 0; i < 4; i++)
		r->reader[i] = reader_actor(r->e, W.r[i]);
	return f;
}

static void finish(run *r, const char *work)
{
	for (int i = 0; i < 4; i++)
		lend_actor_free(r->reader[i]);
	lend_actor_free(r->admin);
	lend_engine_close(r->e);
	th_remove_db(work);
}

static void run_scenario(const scenario *sc)
{
	char work[96];
	th_temp_path(work, sizeof work);
	run r;

	/* the dry run: how many storage calls the operation makes */
	fault *f = start(&r, work);
	th_now = T0 + sc->at;
	f->calls = 0;
	int rc = sc->op(&r);
	if (rc != LEND_OK)
		print_message("%s: dry run: %s\n", sc->name, lend_engine_errmsg(r.e));
	assert_int_equal(rc, LEND_OK);
	long n = f->calls;
	if (sc->op == op_tick) {
		/* the tick did it all, not a settle before it */
		assert_int_equal(tick_ended, 2);
		assert_int_equal(tick_handed, 2);
	}
	sc->effect(&r);
	check_clean(r.e);
	finish(&r, work);
	assert_true(n > 0);

	long failures = 0;
	for (long k = 1; k <= n; k++) {
		f = start(&r, work);
		char *before = th_dump_db(work);
		th_now = T0 + sc->at;
		f->calls = 0;
		f->fail_at = k;
		rc = sc->op(&r);
		f->fail_at = 0;
		if (rc != LEND_ESTORAGE)
			print_message("%s: call %ld of %ld failed, the operation returned %d (%s): %s\n", sc->name, k, n,
			              rc, lend_strerror(rc), lend_engine_errmsg(r.e));
		assert_int_equal(f->injected, 1);
		assert_int_equal(rc, LEND_ESTORAGE);
		assert_int_equal(lend_engine_errcode(r.e), LEND_ESTORAGE);
		assert_true(lend_engine_errmsg(r.e)[0] != '\0');
		char *after = th_dump_db(work);
		if (strcmp(before, after) != 0)
			print_message("%s: call %ld of %ld failed and the database changed\n", sc->name, k, n);
		assert_string_equal(before, after);
		free(before);
		free(after);
		check_clean(r.e);
		/* the engine works afterwards: the same operation succeeds */
		rc = sc->op(&r);
		if (rc != LEND_OK)
			print_message("%s: retry after failing call %ld: %s\n", sc->name, k, lend_engine_errmsg(r.e));
		assert_int_equal(rc, LEND_OK);
		sc->effect(&r);
		check_clean(r.e);
		finish(&r, work);
		failures++;
	}
	assert_int_equal(failures, n);
	print_message("%s: %ld storage calls, each failed once\n", sc->name, n);
}

static const scenario scenarios[] = {
	{"take from the fund", op_take_from_fund, eff_r3_has_b2, 3600},
	{"take that buys", op_take_that_buys, eff_r3_has_b3, 3600},
	{"return with a queue behind it", op_return_with_queue, eff_r1_has_b1, 3600},
	{"queue join", op_queue_join, eff_r3_waits, 3600},
	{"tick ending loans with queues", op_tick, eff_tick, 14 * 86400 + 1},
	{"add copies with a queue", op_add_copies, eff_r1_has_b1, 3600},
	{"budget top-up", op_budget_topup, eff_budget, 3600},
	{"ticket issue", op_ticket_issue, eff_ticket, 3600},
	{"policy set", op_policy_set, eff_policy, 3600},
};

#define SCENARIO_TEST(fn, i)                                                                                       \
	static void fn(void **state)                                                                               \
	{                                                                                                          \
		(void)state;                                                                                       \
		run_scenario(&scenarios[i]);                                                                       \
	}
SCENARIO_TEST(test_fault_take_from_fund, 0)
SCENARIO_TEST(test_fault_take_that_buys, 1)
SCENARIO_TEST(test_fault_return_handoff, 2)
SCENARIO_TEST(test_fault_queue_join, 3)
SCENARIO_TEST(test_fault_tick_handoff, 4)
SCENARIO_TEST(test_fault_add_copies_queue, 5)
SCENARIO_TEST(test_fault_budget_topup, 6)
SCENARIO_TEST(test_fault_ticket_issue, 7)
SCENARIO_TEST(test_fault_policy_set, 8)

/* The injector itself: a failing begin or commit is a failing call too. */
static void test_injector_counts(void **state)
{
	(void)state;
	char work[96];
	th_temp_path(work, sizeof work);
	run r;
	fault *f = start(&r, work);
	f->calls = 0;
	assert_int_equal(op_budget_topup(&r), LEND_OK);
	long n = f->calls;
	assert_true(n >= 3); /* begin ... commit */
	f->calls = 0;
	f->fail_at = n; /* the commit */
	assert_int_equal(op_budget_topup(&r), LEND_ESTORAGE);
	f->fail_at = 0;
	eff_budget(&r); /* only the first top-up */
	finish(&r, work);
}

/* Delivery: a failing storage call loses no notification. Whichever call
 * fails, every notification of the outbox reaches the notifier (at least
 * once) by the next delivery after the lease. */
static void test_fault_deliver(void **state)
{
	(void)state;
	char work[96];
	th_temp_path(work, sizeof work);
	long n = 0;
	for (long k = 0; k <= n; k++) {
		th_remove_db(work);
		th_copy_file(template_path, work);
		th_now = T0 + 3600;
		th_recorder rec;
		memset(&rec, 0, sizeof rec);
		lend_notifier nt;
		th_recorder_notifier(&rec, &nt);
		fault *f;
		lend_engine *e = fault_open_with(work, &f, &nt);
		lend_actor *admin = NULL;
		assert_int_equal(lend_actor_admin(e, &admin), LEND_OK);
		f->calls = 0;
		f->fail_at = k; /* 0: the dry run */
		int delivered = -1;
		int rc = lend_engine_deliver(e, 0, &delivered);
		f->fail_at = 0;
		if (k == 0) {
			assert_int_equal(rc, LEND_OK);
			n = f->calls;
			assert_true(n > 0);
		} else {
			if (rc != LEND_ESTORAGE)
				print_message("deliver: call %ld of %ld failed, returned %d: %s\n", k, n, rc,
				              lend_engine_errmsg(e));
			assert_int_equal(rc, LEND_ESTORAGE);
			check_clean(e);
			th_now += 61; /* past the lease of a claimed notification */
			assert_int_equal(lend_engine_deliver(e, 0, &delivered), LEND_OK);
		}
		lend_notifications *ns = NULL;
		assert_int_equal(lend_outbox_list(e, admin, 0, 100, &ns), LEND_OK);
		assert_true(lend_notifications_count(ns) >= 2);
		for (size_t i = 0; i < lend_notifications_count(ns); i++) {
			const lend_notification *x = lend_notifications_get(ns, i);
			assert_true(lend_notification_delivered_at(x) != 0);
			int seen = 0;
			for (size_t j = 0; j < rec.nseen; j++)
				seen += strcmp(rec.seen[j], lend_notification_uuid(x)) == 0;
			assert_true(seen >= 1);
		}
		lend_notifications_free(ns);
		check_clean(e);
		lend_actor_free(admin);
		lend_engine_close(e);
	}
	th_remove_db(work);
	print_message("deliver: %ld storage calls, each failed once\n", n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_injector_counts),
		cmocka_unit_test(test_fault_take_from_fund),
		cmocka_unit_test(test_fault_take_that_buys),
		cmocka_unit_test(test_fault_return_handoff),
		cmocka_unit_test(test_fault_queue_join),
		cmocka_unit_test(test_fault_tick_handoff),
		cmocka_unit_test(test_fault_add_copies_queue),
		cmocka_unit_test(test_fault_budget_topup),
		cmocka_unit_test(test_fault_ticket_issue),
		cmocka_unit_test(test_fault_policy_set),
		cmocka_unit_test(test_fault_deliver),
	};
	return cmocka_run_group_tests_name("faults", tests, group_setup, group_teardown);
}
