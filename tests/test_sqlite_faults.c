/* tests/test_sqlite_faults.c — SQLite's own failures, as the backend sees
 * them, never leave a half-done operation (spec section 10).
 *
 * The engine opens its file through "lendfault", a VFS that wraps the
 * default one (tests/vfs_fault.h), named in a "file:...?vfs=lendfault" URI.
 * For a representative writing operation of each area (a take that buys, a
 * return that hands the copy on, a tick, a desk approval, a sign-in, a
 * purchase from the shelf, a catalog import, a search index update) and for
 * each failure — the disk full (every write from the k-th on fails with
 * SQLITE_FULL), an I/O error on the k-th write, read or fsync, the file
 * turning read-only at the k-th write (SQLITE_READONLY from then on) — the
 * operation's I/O calls of that class are counted in a dry run, and then for
 * every k, on a fresh copy of one pre-state, the k-th fails: the call must
 * give LEND_ESTORAGE with a message naming the cause, the database must be
 * byte for byte what it was, lend_engine_check() clean, and once the fault
 * clears the same engine must do the operation.
 *
 * LEND_SQLITE_FAULTS_STRIDE=N (default 1) tries only every N-th k of the
 * read class (the class with the most calls), for quick local runs. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "helpers.h"
#include "vfs_fault.h"

#define T0 TH_START
#define PASSWORD "Plain-Secret-Pw1"

/* The pre-state:
 *  library L (budget 100000), librarian S; readers R0..R3 with tickets;
 *  R3 has a password; R0 has a balance of 50000 RUB.
 *  B1: 1 copy on loan to R0 (due T0+14d), R1 waiting;
 *  B2: 2 free copies;  B3: price 39900, not in the fund;
 *  B4: 1 copy on loan to R2 (due T0+14d), R3 waiting;
 *  B5: price 20000, not in the fund, R3's pending request P1 for it. */
static struct {
	int64_t lib, staff, r[4], tk[4], b1, b2, b3, b4, b5, loan_b1, p1;
	char number3[32];
} W;

static char template_path[96];
static char csv_path[96];

static lend_engine *open_engine(const char *path, int via_vfs, int readonly)
{
	char uri[256];
	if (via_vfs || readonly)
		snprintf(uri, sizeof uri, "file:%s?%s%s%s", path, via_vfs ? "vfs=lendfault" : "",
		         via_vfs && readonly ? "&" : "", readonly ? "mode=ro" : "");
	else
		snprintf(uri, sizeof uri, "%s", path);
	lend_options *o = NULL;
	assert_int_equal(lend_options_new(&o), LEND_OK);
	assert_int_equal(lend_options_set_clock(o, th_clock, NULL), LEND_OK);
	assert_int_equal(lend_options_set_password_cost(o, LEND_PASSWORD_COST_MIN), LEND_OK);
	lend_engine *e = NULL;
	int rc = lend_engine_open(&e, uri, o);
	lend_options_free(o);
	if (rc != LEND_OK)
		print_message("open %s: %s\n", uri, lend_engine_errmsg(e));
	assert_int_equal(rc, LEND_OK);
	return e;
}

static lend_actor *as_reader(lend_engine *e, int64_t id)
{
	lend_actor *a = NULL;
	assert_int_equal(lend_actor_reader(e, id, &a), LEND_OK);
	return a;
}

static void build_template(const char *path)
{
	th_now = T0;
	th t;
	memset(&t, 0, sizeof t);
	t.e = open_engine(path, 1, 0);
	assert_int_equal(lend_actor_admin(t.e, &t.admin), LEND_OK);
	W.lib = th_library(&t, "Library", 100000);
	W.staff = th_reader(&t, "Staff", 1980, 1, 1);
	TH_OK(&t, lend_library_grant(t.e, t.admin, W.lib, W.staff));
	lend_actor *ra[4];
	for (int i = 0; i < 4; i++) {
		W.r[i] = th_reader(&t, "Reader", 1990, 1, 1);
		W.tk[i] = th_ticket(&t, W.lib, W.r[i]);
		ra[i] = as_reader(t.e, W.r[i]);
	}
	lend_ticket *tk = NULL;
	TH_OK(&t, lend_ticket_get(t.e, t.admin, W.tk[3], &tk));
	snprintf(W.number3, sizeof W.number3, "%s", lend_ticket_number(tk));
	lend_ticket_free(tk);
	TH_OK(&t, lend_ticket_set_password(t.e, t.admin, W.tk[3], PASSWORD, NULL));
	TH_OK(&t, lend_balance_credit(t.e, t.admin, W.r[0], 50000, "RUB", "pay-1", NULL));
	W.b1 = th_book(&t, "B1", LEND_KIND_EBOOK, 100, 0);
	W.b2 = th_book(&t, "B2", LEND_KIND_EBOOK, 100, 0);
	W.b3 = th_book(&t, "B3", LEND_KIND_EBOOK, 39900, 0);
	W.b4 = th_book(&t, "B4", LEND_KIND_AUDIOBOOK, 100, 0);
	W.b5 = th_book(&t, "B5", LEND_KIND_EBOOK, 20000, 0);
	th_copies(&t, W.lib, W.b1, 1);
	th_copies(&t, W.lib, W.b2, 2);
	th_copies(&t, W.lib, W.b4, 1);
	lend_loan *l = NULL;
	TH_OK(&t, lend_take(t.e, ra[0], W.tk[0], W.b1, &l));
	W.loan_b1 = lend_loan_id(l);
	lend_loan_free(l);
	TH_OK(&t, lend_take(t.e, ra[2], W.tk[2], W.b4, NULL));
	TH_OK(&t, lend_queue_join(t.e, ra[1], W.tk[1], W.b1, NULL));
	TH_OK(&t, lend_queue_join(t.e, ra[3], W.tk[3], W.b4, NULL));
	lend_request *q = NULL;
	TH_OK(&t, lend_request_create(t.e, ra[3], W.tk[3], W.b5, &q));
	W.p1 = lend_request_id(q);
	lend_request_free(q);
	th_check_clean(&t);
	for (int i = 0; i < 4; i++)
		lend_actor_free(ra[i]);
	lend_actor_free(t.admin);
	lend_engine_close(t.e);
}

/* ------------------------------------------------------- the operations */

typedef struct run {
	lend_engine *e;
	lend_actor *admin, *staff, *reader[4];
} run;

typedef int (*op_fn)(run *r);
typedef void (*effect_fn)(run *r);

static int op_take_buys(run *r)
{
	lend_loan *l = (lend_loan *)1;
	int rc = lend_take(r->e, r->reader[3], W.tk[3], W.b3, &l);
	assert_true(rc == LEND_OK ? l != NULL : l == NULL);
	lend_loan_free(l);
	return rc;
}

static int op_return_handoff(run *r) { return lend_return(r->e, r->reader[0], W.loan_b1); }

static int op_tick(run *r) { return lend_engine_tick(r->e, NULL, NULL); }

static int op_approve(run *r) { return lend_request_approve(r->e, r->staff, W.p1, NULL); }

static int op_sign_in(run *r)
{
	lend_actor *a = (lend_actor *)1;
	int rc = lend_sign_in(r->e, LEND_LOGIN_TICKET, W.lib, W.number3, PASSWORD, "phone", &a);
	assert_true(rc == LEND_OK ? a != NULL : a == NULL);
	lend_actor_free(a);
	return rc;
}

static int op_buy(run *r)
{
	lend_purchase *p = (lend_purchase *)1;
	int rc = lend_buy(r->e, r->reader[0], W.r[0], W.b3, &p);
	assert_true(rc == LEND_OK ? p != NULL : p == NULL);
	lend_purchase_free(p);
	return rc;
}

static int op_import(run *r)
{
	return lend_catalog_import(r->e, r->admin, csv_path, LEND_IMPORT_CSV, NULL, NULL, NULL);
}

static int op_index_update(run *r)
{
	lend_book *b = NULL;
	int rc = lend_book_get(r->e, r->admin, W.b2, &b);
	if (rc != LEND_OK)
		return rc;
	assert_int_equal(lend_book_set_title(b, "Отцы и дети"), LEND_OK);
	rc = lend_book_update(r->e, r->admin, b);
	lend_book_free(b);
	return rc;
}

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

static int64_t budget(run *r)
{
	lend_library *lib = NULL;
	assert_int_equal(lend_library_get(r->e, r->admin, W.lib, &lib), LEND_OK);
	int64_t b = lend_library_budget(lib);
	lend_library_free(lib);
	return b;
}

static void eff_take_buys(run *r)
{
	assert_true(active_loan(r, W.r[3], W.b3) != 0);
	assert_int_equal(budget(r), 100000 - 39900);
}
static void eff_return_handoff(run *r)
{
	assert_int_equal(active_loan(r, W.r[0], W.b1), 0);
	assert_true(active_loan(r, W.r[1], W.b1) != 0);
}
static void eff_tick(run *r)
{
	assert_true(active_loan(r, W.r[1], W.b1) != 0);
	assert_true(active_loan(r, W.r[3], W.b4) != 0);
}
static void eff_approve(run *r)
{
	lend_request *q = NULL;
	assert_int_equal(lend_request_get(r->e, r->admin, W.p1, &q), LEND_OK);
	assert_int_equal(lend_request_state(q), LEND_REQUEST_APPROVED);
	lend_request_free(q);
	assert_int_equal(budget(r), 100000 - 20000);
}
static void eff_sign_in(run *r)
{
	lend_sessions *s = NULL;
	assert_int_equal(lend_session_list(r->e, r->admin, W.r[3], &s), LEND_OK);
	assert_int_equal(lend_sessions_count(s), 1);
	lend_sessions_free(s);
}
static void eff_buy(run *r)
{
	int64_t b = -1;
	assert_int_equal(lend_balance_get(r->e, r->admin, W.r[0], "RUB", &b), LEND_OK);
	assert_int_equal(b, 50000 - 39900);
}
static void eff_import(run *r)
{
	lend_books *l = NULL;
	assert_int_equal(lend_book_list(r->e, r->admin, 0, 100, &l), LEND_OK);
	assert_int_equal(lend_books_count(l), 8);
	lend_books_free(l);
}
static void eff_index_update(run *r)
{
	lend_search_query *q = NULL;
	assert_int_equal(lend_search_query_new(&q), LEND_OK);
	assert_int_equal(lend_search_query_set_text(q, "отцы"), LEND_OK);
	lend_search_results *res = NULL;
	assert_int_equal(lend_search(r->e, r->admin, q, &res), LEND_OK);
	assert_int_equal(lend_search_results_count(res), 1);
	assert_int_equal(lend_search_hit_book_id(lend_search_results_get(res, 0)), W.b2);
	lend_search_results_free(res);
	lend_search_query_free(q);
}

typedef struct scenario {
	const char *name;
	op_fn op;
	effect_fn effect;
	int64_t at; /* the clock when the operation runs, after T0 */
} scenario;

static const scenario scenarios[] = {
	{"take that buys", op_take_buys, eff_take_buys, 3600},
	{"return with a hand-off", op_return_handoff, eff_return_handoff, 3600},
	{"tick ending loans with queues", op_tick, eff_tick, 14 * 86400 + 1},
	{"desk approval that buys", op_approve, eff_approve, 3600},
	{"sign-in", op_sign_in, eff_sign_in, 3600},
	{"shelf purchase", op_buy, eff_buy, 3600},
	{"catalog import", op_import, eff_import, 3600},
	{"search index update", op_index_update, eff_index_update, 3600},
};
#define NSCENARIOS (sizeof scenarios / sizeof scenarios[0])

/* ------------------------------------------------------------ failures */

typedef struct failure {
	const char *name;
	int cls, code, sticky;
	const char *says; /* the engine's message names the cause */
} failure;

static const failure failures[] = {
	{"disk full", VF_WRITE, SQLITE_FULL, 1, "full"},
	{"I/O error on write", VF_WRITE, SQLITE_IOERR_WRITE, 0, "I/O error"},
	{"I/O error on fsync", VF_SYNC, SQLITE_IOERR_FSYNC, 0, "I/O error"},
	{"I/O error on read", VF_READ, SQLITE_IOERR_READ, 0, "I/O error"},
	{"read-only midway", VF_WRITE, SQLITE_READONLY, 1, "readonly"},
};

/* ------------------------------------------------------------ the loop */

static int group_setup(void **state)
{
	(void)state;
	assert_int_equal(vf_register(), 0);
	th_temp_path(template_path, sizeof template_path);
	build_template(template_path);
	th_temp_path(csv_path, sizeof csv_path);
	FILE *f = fopen(csv_path, "w");
	assert_non_null(f);
	fprintf(f, "external_id,title,authors,language\n");
	for (int k = 1; k <= 3; k++)
		fprintf(f, "vfs-%d,\"Повесть %d\",Vfs Author;Автор,ru\n", k, k);
	assert_int_equal(fclose(f), 0);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	th_remove_db(template_path);
	remove(csv_path);
	return 0;
}

static void check_clean(lend_engine *e)
{
	th t;
	memset(&t, 0, sizeof t);
	t.e = e;
	th_check_clean(&t);
}

static void start(run *r, const char *work, int readonly)
{
	th_remove_db(work);
	th_copy_file(template_path, work);
	th_now = T0;
	vf_reset();
	r->e = open_engine(work, 1, readonly);
	assert_int_equal(lend_actor_admin(r->e, &r->admin), LEND_OK);
	assert_int_equal(lend_actor_librarian(r->e, W.staff, &r->staff), LEND_OK);
	for (int i = 0; i < 4; i++)
		r->reader[i] = as_reader(r->e, W.r[i]);
}

static void finish(run *r, const char *work)
{
	vf_reset();
	for (int i = 0; i < 4; i++)
		lend_actor_free(r->reader[i]);
	lend_actor_free(r->staff);
	lend_actor_free(r->admin);
	lend_engine_close(r->e);
	th_remove_db(work);
}

static long stride_of(int cls)
{
	const char *s = getenv("LEND_SQLITE_FAULTS_STRIDE");
	long n = s ? atol(s) : 1;
	return cls == VF_READ && n > 1 ? n : 1;
}

/* Every k of one failure for one operation; returns the points tried. */
static long run_failure(const scenario *sc, const failure *fl)
{
	char work[96];
	th_temp_path(work, sizeof work);
	run r;

	/* the dry run: how many calls of the class the operation makes */
	start(&r, work, 0);
	th_now = T0 + sc->at;
	vf_arm(fl->cls, 0, 0, 0);
	int rc = sc->op(&r);
	long n = vf.calls[fl->cls];
	if (rc != LEND_OK)
		print_message("%s: dry run: %s\n", sc->name, lend_engine_errmsg(r.e));
	assert_int_equal(rc, LEND_OK);
	sc->effect(&r);
	check_clean(r.e);
	finish(&r, work);
	if (n == 0)
		print_message("%s, %s: the operation makes no such call\n", sc->name, fl->name);
	assert_true(n > 0);

	long tried = 0;
	for (long k = 1; k <= n; k += stride_of(fl->cls)) {
		start(&r, work, 0);
		char *before = th_dump_db(work);
		th_now = T0 + sc->at;
		vf_arm(fl->cls, k, fl->code, fl->sticky);
		rc = sc->op(&r);
		long injected = vf.injected;
		if (rc != LEND_ESTORAGE || strstr(lend_engine_errmsg(r.e), fl->says) == NULL)
			print_message("%s, %s at call %ld of %ld: returned %d (%s): %s\n", sc->name, fl->name, k, n, rc,
			              lend_strerror(rc), lend_engine_errmsg(r.e));
		assert_true(injected >= 1);
		assert_int_equal(rc, LEND_ESTORAGE);
		assert_int_equal(lend_engine_errcode(r.e), LEND_ESTORAGE);
		assert_non_null(strstr(lend_engine_errmsg(r.e), fl->says));
		char *after = th_dump_db(work);
		if (strcmp(before, after) != 0)
			print_message("%s, %s at call %ld of %ld: the database changed\n", sc->name, fl->name, k, n);
		assert_string_equal(before, after);
		free(before);
		free(after);
		/* the fault clears (space freed, the disk back): the same engine
		 * is clean and does the operation */
		vf_clear();
		check_clean(r.e);
		rc = sc->op(&r);
		if (rc != LEND_OK)
			print_message("%s, %s: retry after call %ld: %s\n", sc->name, fl->name, k,
			              lend_engine_errmsg(r.e));
		assert_int_equal(rc, LEND_OK);
		sc->effect(&r);
		check_clean(r.e);
		finish(&r, work);
		tried++;
	}
	print_message("%s, %s: %ld calls, %ld failed in turn\n", sc->name, fl->name, n, tried);
	return tried;
}

static long total_points;

static void run_scenario(size_t i)
{
	for (size_t j = 0; j < sizeof failures / sizeof failures[0]; j++)
		total_points += run_failure(&scenarios[i], &failures[j]);
}

#define SCENARIO_TEST(fn, i)                                                                                       \
	static void fn(void **state)                                                                               \
	{                                                                                                          \
		(void)state;                                                                                       \
		run_scenario(i);                                                                                   \
	}
SCENARIO_TEST(test_vfs_take_buys, 0)
SCENARIO_TEST(test_vfs_return_handoff, 1)
SCENARIO_TEST(test_vfs_tick, 2)
SCENARIO_TEST(test_vfs_desk_approve, 3)
SCENARIO_TEST(test_vfs_sign_in, 4)
SCENARIO_TEST(test_vfs_shelf_buy, 5)
SCENARIO_TEST(test_vfs_catalog_import, 6)
SCENARIO_TEST(test_vfs_search_index, 7)

/* A database opened read-only ("file:...?mode=ro", what SQLite does with a
 * file it may not write): reads work, every writing operation fails with
 * LEND_ESTORAGE naming the cause and changes nothing; opened for writing
 * again, the same operations succeed. */
static void test_readonly_file(void **state)
{
	(void)state;
	char work[96];
	th_temp_path(work, sizeof work);
	for (size_t i = 0; i < NSCENARIOS; i++) {
		const scenario *sc = &scenarios[i];
		run r;
		start(&r, work, 1);
		char *before = th_dump_db(work);
		/* reads are served (while nothing is due that a read would settle:
		 * settling writes, so on a read-only file a read past a due time
		 * fails like a write) */
		th_now = T0 + 3600;
		int64_t b = -1;
		int rrc = lend_balance_get(r.e, r.admin, W.r[0], "RUB", &b);
		if (rrc != LEND_OK)
			print_message("%s: read on a read-only file: %s\n", sc->name, lend_engine_errmsg(r.e));
		assert_int_equal(rrc, LEND_OK);
		assert_int_equal(b, 50000);
		th_now = T0 + sc->at;
		int rc = sc->op(&r);
		if (rc != LEND_ESTORAGE || strstr(lend_engine_errmsg(r.e), "readonly") == NULL)
			print_message("%s on a read-only file: %d (%s): %s\n", sc->name, rc, lend_strerror(rc),
			              lend_engine_errmsg(r.e));
		assert_int_equal(rc, LEND_ESTORAGE);
		assert_non_null(strstr(lend_engine_errmsg(r.e), "readonly"));
		char *after = th_dump_db(work);
		assert_string_equal(before, after);
		free(before);
		free(after);
		/* the engine stays usable for reads */
		th_now = T0 + 3600;
		assert_int_equal(lend_balance_get(r.e, r.admin, W.r[0], "RUB", &b), LEND_OK);
		for (int k = 0; k < 4; k++)
			lend_actor_free(r.reader[k]);
		lend_actor_free(r.staff);
		lend_actor_free(r.admin);
		lend_engine_close(r.e);
		/* writable again */
		r.e = open_engine(work, 1, 0);
		assert_int_equal(lend_actor_admin(r.e, &r.admin), LEND_OK);
		assert_int_equal(lend_actor_librarian(r.e, W.staff, &r.staff), LEND_OK);
		for (int k = 0; k < 4; k++)
			r.reader[k] = as_reader(r.e, W.r[k]);
		th_now = T0 + sc->at;
		assert_int_equal(sc->op(&r), LEND_OK);
		sc->effect(&r);
		check_clean(r.e);
		finish(&r, work);
	}
}

/* The shim itself: the counts move, a one-shot fault fails one call, a
 * sticky one every call from then on until cleared. */
static void test_shim_counts(void **state)
{
	(void)state;
	char work[96];
	th_temp_path(work, sizeof work);
	run r;
	start(&r, work, 0);
	th_now = T0 + 3600;
	vf_arm(VF_WRITE, 0, 0, 0);
	assert_int_equal(lend_budget_add(r.e, r.admin, W.lib, 100, "one"), LEND_OK);
	assert_true(vf.calls[VF_WRITE] > 0);
	assert_true(vf.calls[VF_SYNC] > 0);
	vf_arm(VF_WRITE, 1, SQLITE_FULL, 1);
	assert_int_equal(lend_budget_add(r.e, r.admin, W.lib, 100, "two"), LEND_ESTORAGE);
	assert_int_equal(lend_budget_add(r.e, r.admin, W.lib, 100, "three"), LEND_ESTORAGE);
	assert_true(vf.injected >= 2);
	vf_clear();
	assert_int_equal(lend_budget_add(r.e, r.admin, W.lib, 100, "four"), LEND_OK);
	assert_int_equal(budget(&r), 100200);
	finish(&r, work);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shim_counts),
		cmocka_unit_test(test_readonly_file),
		cmocka_unit_test(test_vfs_take_buys),
		cmocka_unit_test(test_vfs_return_handoff),
		cmocka_unit_test(test_vfs_tick),
		cmocka_unit_test(test_vfs_desk_approve),
		cmocka_unit_test(test_vfs_sign_in),
		cmocka_unit_test(test_vfs_shelf_buy),
		cmocka_unit_test(test_vfs_catalog_import),
		cmocka_unit_test(test_vfs_search_index),
	};
	int rc = cmocka_run_group_tests_name("sqlite-faults", tests, group_setup, group_teardown);
	print_message("fault points tried: %ld\n", total_points);
	return rc;
}
