/* tests/test_plans.c — the queries of the hot paths stay on their indexes
 * (SQLite). Speed is measured by the benchmarks, not by tests; what a test
 * can hold fixed is the query plan: the listings that every call, every
 * verdict or every tick runs must neither scan a whole table nor sort rows
 * into a temporary B-tree. Each row here is a shape the engine really asks
 * for (see the comment beside it); the plan is SQLite's EXPLAIN QUERY PLAN
 * on a store the engine created. (A reader's own shelf is sorted in memory:
 * it is bounded by one reader's history, so it is not listed.) */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "helpers.h"
#include "storage/filters.h"

#define LOANS(bits, order) ((uint32_t)DK_LOAN_LIST << 24 | (bits) | (uint32_t)(order) << LF_ORDER_SHIFT)
#define HOLDS(bits, state) ((uint32_t)DK_HOLD_LIST << 24 | (bits) | (uint32_t)(state) << HF_STATE_SHIFT)

static const struct shape {
	const char *why;
	uint32_t key;
} shapes[] = {
	/* the wait estimate samples a library's last ended loans (every queue
	 * verdict, and the tick for every place that moved up) */
	{"wait estimate sample", LOANS(LF_LIBRARY | LF_ENDED, LEND_SYS_LOAN_ORDER_SHELF)},
	/* every call settles the loans the clock made due */
	{"due loans", LOANS(LF_ACTIVE | LF_DUE, LEND_SYS_LOAN_ORDER_DUE)},
	/* a reader's active loans (every verdict counts them) */
	{"a ticket's active loans", LOANS(LF_TICKET | LF_ACTIVE, LEND_SYS_LOAN_ORDER_ID)},
	/* a book's queue, in order (every hand-off) */
	{"a queue's waiting places", HOLDS(HF_LIBRARY | HF_BOOK, LEND_HOLD_WAITING)},
	/* places whose suspension ends (every call settles them) */
	{"suspensions ending", HOLDS(HF_SUSPENDED, LEND_HOLD_WAITING)},
};

static int bad_plan(sqlite3 *db, const char *sql, char *why, size_t n)
{
	char q[2048];
	snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st = NULL;
	assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(db, q, -1, &st, NULL));
	int bad = 0;
	why[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(st, 3);
		int scan = strncmp(d, "SCAN ", 5) == 0 && !strstr(d, "USING");
		if (scan || strstr(d, "TEMP B-TREE")) {
			bad = 1;
			snprintf(why, n, "%s", d);
		}
	}
	sqlite3_finalize(st);
	return bad;
}

/* The store the engine made, opened alone (the engine closed). */
static sqlite3 *schema_alone(th *t)
{
	char path[sizeof t->path];
	snprintf(path, sizeof path, "%s", t->path);
	th_close_engine(t);
	sqlite3 *db = NULL;
	assert_int_equal(SQLITE_OK, sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL));
	return db;
}

static void test_hot_paths_use_indexes(void **state)
{
	sqlite3 *db = schema_alone(*state);
	int failed = 0;
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		char sql[1024], why[256];
		build_sql(sql, sizeof sql, shapes[i].key);
		if (bad_plan(db, sql, why, sizeof why)) {
			print_message("%s: %s\n  %s\n", shapes[i].why, why, sql);
			failed++;
		}
	}
	sqlite3_close(db);
	assert_int_equal(0, failed);
}

/* The backend's fixed statements, by name (lib/storage/sqlite/sqlite.c). */
const char *lend__sqlite_core_sql(const char *name);

/* How many times the program of `sql` has `opcode`. */
static int opcodes(sqlite3 *db, const char *sql, const char *opcode)
{
	char q[2048];
	snprintf(q, sizeof q, "EXPLAIN %s", sql);
	sqlite3_stmt *st = NULL;
	assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(db, q, -1, &st, NULL));
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW)
		n += strcmp((const char *)sqlite3_column_text(st, 1), opcode) == 0;
	sqlite3_finalize(st);
	return n;
}

/* The fixed statements every take and return runs: searches by key, no
 * temporary table built per run (a bound `IN (0, ?2)` list makes one), and a
 * loan's ending rewrites only the indexes that hold ended_at. */
static void test_take_and_return_statements(void **state)
{
	char why[256];
	sqlite3 *db = schema_alone(*state);
	static const char *const hot[] = {"policy_list", "fund_get", "loan_get", "loan_update_end"};
	for (size_t i = 0; i < sizeof hot / sizeof hot[0]; i++) {
		const char *sql = lend__sqlite_core_sql(hot[i]);
		assert_non_null(sql);
		if (bad_plan(db, sql, why, sizeof why))
			fail_msg("%s: %s\n  %s", hot[i], why, sql);
		assert_int_equal(0, opcodes(db, sql, "OpenEphemeral"));
	}
	/* The whole-row update touches every index of loans; the ending only
	 * those with ended_at in their columns or their WHERE (four of seven). */
	const char *full = lend__sqlite_core_sql("loan_update"), *end = lend__sqlite_core_sql("loan_update_end");
	assert_non_null(full);
	int full_ix = opcodes(db, full, "IdxInsert"), end_ix = opcodes(db, end, "IdxInsert");
	assert_true(end_ix > 0);
	assert_true(end_ix < full_ix);
	/* and the check itself sees an IN list's temporary table */
	assert_true(opcodes(db, "SELECT value FROM policy WHERE library_id = ?1 AND ticket_id IN (0, ?2)",
	                    "OpenEphemeral") > 0);
	sqlite3_close(db);
}

/* The test itself can fail: a query with no index to serve it is caught. */
static void test_a_scan_is_caught(void **state)
{
	char why[256];
	sqlite3 *db = schema_alone(*state);
	assert_true(bad_plan(db, "SELECT id FROM loans WHERE kind = 1 ORDER BY due_at", why, sizeof why));
	sqlite3_close(db);
}

static int setup(void **state)
{
	*state = th_new(TH_FILE);
	return 0;
}

int main(void)
{
	if (th_backend_pg())
		return 77; /* SQLite's query plans */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hot_paths_use_indexes, setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_a_scan_is_caught, setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_take_and_return_statements, setup, th_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
