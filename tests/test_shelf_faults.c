/* tests/test_shelf_faults.c — a failing storage call in the shelf's writes
 * (buying, crediting, the reminder tick, reading state, offline grants,
 * merging) leaves the database byte for byte as it was (see fault.h). */
#include <stdio.h>
#include <string.h>

#include "fault.h"
#include "internal.h"

#define T0 TH_START

/* The pre-state: library L; reader A with a ticket, a balance of 50000 RUB,
 * a loan of B1 (due T0 + 14 d) and a place in the queue for B2 behind B;
 * reader C holding B2, then B waiting for B2; B3 priced 39900 not bought. */
static struct {
	int64_t lib, a, b, c, tk_a, tk_b, tk_c, b1, b2, b3, loan_b1, loan_b2;
} W;

static char template_path[96];

static lend_actor *as_reader(lend_engine *e, int64_t id)
{
	lend_actor *a = NULL;
	assert_int_equal(lend_actor_reader(e, id, &a), LEND_OK);
	return a;
}

static int64_t take(th *t, int64_t reader, int64_t ticket, int64_t book)
{
	lend_actor *a = as_reader(t->e, reader);
	lend_loan *l = NULL;
	TH_OK(t, lend_take(t->e, a, ticket, book, &l));
	int64_t id = lend_loan_id(l);
	lend_loan_free(l);
	lend_actor_free(a);
	return id;
}

static void join(th *t, int64_t reader, int64_t ticket, int64_t book)
{
	lend_actor *a = as_reader(t->e, reader);
	TH_OK(t, lend_queue_join(t->e, a, ticket, book, NULL));
	lend_actor_free(a);
}

static int group_setup(void **state)
{
	(void)state;
	th_temp_path(template_path, sizeof template_path);
	th_now = T0;
	fault *f;
	th t;
	memset(&t, 0, sizeof t);
	t.e = fault_open(template_path, &f);
	assert_int_equal(lend_actor_admin(t.e, &t.admin), LEND_OK);
	W.lib = th_library(&t, "Library", 100000);
	W.a = th_reader(&t, "A", 1990, 1, 1);
	W.b = th_reader(&t, "B", 1990, 1, 1);
	W.c = th_reader(&t, "C", 1990, 1, 1);
	W.tk_a = th_ticket(&t, W.lib, W.a);
	W.tk_b = th_ticket(&t, W.lib, W.b);
	W.tk_c = th_ticket(&t, W.lib, W.c);
	W.b1 = th_book(&t, "B1", LEND_KIND_EBOOK, 100, 0);
	W.b2 = th_book(&t, "B2", LEND_KIND_EBOOK, 100, 0);
	W.b3 = th_book(&t, "B3", LEND_KIND_EBOOK, 39900, 0);
	th_copies(&t, W.lib, W.b1, 1);
	th_copies(&t, W.lib, W.b2, 1);
	TH_OK(&t, lend_balance_credit(t.e, t.admin, W.a, 50000, "RUB", "pay-1", NULL));
	W.loan_b1 = take(&t, W.a, W.tk_a, W.b1);
	W.loan_b2 = take(&t, W.c, W.tk_c, W.b2);
	join(&t, W.a, W.tk_a, W.b2);
	join(&t, W.b, W.tk_b, W.b2);
	TH_OK(&t, lend_engine_tick(t.e, NULL, NULL)); /* positions seen */
	lend_actor *c = as_reader(t.e, W.c);
	TH_OK(&t, lend_return(t.e, c, W.loan_b2)); /* A gets B2; B moves up (told at the next tick) */
	lend_actor_free(c);
	th_check_clean(&t);
	lend_actor_free(t.admin);
	lend_engine_close(t.e);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	th_remove_db(template_path);
	return 0;
}

typedef struct run {
	lend_engine *e;
	lend_actor *admin, *reader_a;
} run;

typedef int (*op_fn)(run *r);

static int op_buy(run *r)
{
	lend_purchase *p = (lend_purchase *)1;
	int rc = lend_buy(r->e, r->reader_a, W.a, W.b3, &p);
	assert_true(rc == LEND_OK ? p != NULL : p == NULL);
	lend_purchase_free(p);
	return rc;
}

static int op_credit(run *r)
{
	return lend_balance_credit(r->e, r->admin, W.a, 700, "RUB", "pay-2", NULL);
}

static int op_tick(run *r)
{
	return lend_engine_tick(r->e, NULL, NULL);
}

static int op_reading(run *r)
{
	return lend_reading_set(r->e, r->reader_a, W.a, W.b1, 12, 5, 12, "phone", 1000, NULL);
}

static int op_grant(run *r)
{
	return lend_offline_grant(r->e, r->reader_a, W.a, "phone", W.b1, NULL);
}

static int op_merge(run *r)
{
	int rc = lend__begin(r->e, 1);
	if (rc == LEND_OK)
		rc = lend__shelf_merge_readers(r->e, W.a, W.b);
	return lend__end(r->e, rc);
}

typedef void (*effect_fn)(run *r);

static int64_t bal(run *r, int64_t reader)
{
	int64_t b = -1;
	assert_int_equal(lend_balance_get(r->e, r->admin, reader, "RUB", &b), LEND_OK);
	return b;
}

static void eff_buy(run *r) { assert_int_equal(bal(r, W.a), 50000 - 39900); }
static void eff_credit(run *r) { assert_int_equal(bal(r, W.a), 50700); }
static void eff_tick(run *r)
{
	lend_notifications *ns = NULL;
	assert_int_equal(lend_outbox_list(r->e, r->admin, 0, 1000, &ns), LEND_OK);
	int soon = 0, moved = 0;
	for (size_t i = 0; i < lend_notifications_count(ns); i++) {
		int k = lend_notification_kind(lend_notifications_get(ns, i));
		soon += k == LEND_NOTE_LOAN_ENDING_SOON;
		moved += k == LEND_NOTE_QUEUE_POSITION;
	}
	lend_notifications_free(ns);
	assert_int_equal(soon, 2); /* B1 and B2 of reader A */
	assert_int_equal(moved, 1);
}
static void eff_reading(run *r)
{
	lend_reading *x = NULL;
	assert_int_equal(lend_reading_get(r->e, r->reader_a, W.a, W.b1, &x), LEND_OK);
	assert_int_equal(lend_reading_position(x), 12);
	lend_reading_free(x);
}
static void eff_grant(run *r)
{
	lend_offlines *l = NULL;
	assert_int_equal(lend_offline_list(r->e, r->reader_a, W.a, "phone", &l), LEND_OK);
	assert_int_equal(lend_offlines_count(l), 1);
	lend_offlines_free(l);
}
static void eff_merge(run *r) { assert_int_equal(bal(r, W.b), 50000); }

typedef struct scenario {
	const char *name;
	op_fn op;
	effect_fn effect;
	int64_t at;
} scenario;

static fault *start(run *r, const char *work)
{
	th_remove_db(work);
	th_copy_file(template_path, work);
	th_now = T0;
	fault *f;
	r->e = fault_open(work, &f);
	assert_int_equal(lend_actor_admin(r->e, &r->admin), LEND_OK);
	r->reader_a = as_reader(r->e, W.a);
	return f;
}

static void finish(run *r, const char *work)
{
	lend_actor_free(r->reader_a);
	lend_actor_free(r->admin);
	lend_engine_close(r->e);
	th_remove_db(work);
}

static void check_clean(lend_engine *e)
{
	lend_report *rep = NULL;
	assert_int_equal(lend_engine_check(e, &rep), LEND_OK);
	for (size_t i = 0; i < lend_report_count(rep); i++)
		print_message("check: %s\n", lend_report_get(rep, i));
	assert_int_equal(lend_report_count(rep), 0);
	lend_report_free(rep);
}

static void run_scenario(const scenario *sc)
{
	char work[96];
	th_temp_path(work, sizeof work);
	run r;
	fault *f = start(&r, work);
	th_now = T0 + sc->at;
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
		th_now = T0 + sc->at;
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
		rc = sc->op(&r);
		if (rc != LEND_OK)
			print_message("%s: retry after failing call %ld: %s\n", sc->name, k, lend_engine_errmsg(r.e));
		assert_int_equal(rc, LEND_OK);
		sc->effect(&r);
		finish(&r, work);
	}
}

#define SCENARIO(name, at)                                                                                             \
	static void test_##name(void **state)                                                                          \
	{                                                                                                              \
		(void)state;                                                                                           \
		scenario sc = {#name, op_##name, eff_##name, (at)};                                                    \
		run_scenario(&sc);                                                                                     \
	}

SCENARIO(buy, 0)
SCENARIO(credit, 0)
SCENARIO(tick, 12 * TH_DAY)
SCENARIO(reading, 0)
SCENARIO(grant, 0)
SCENARIO(merge, 0)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buy),     cmocka_unit_test(test_credit), cmocka_unit_test(test_tick),
		cmocka_unit_test(test_reading), cmocka_unit_test(test_grant),  cmocka_unit_test(test_merge),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
