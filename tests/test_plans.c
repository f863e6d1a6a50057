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
#include "lend/desk.h"
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
		/* (SCAN CONSTANT ROW: a SELECT without a table, the one row of its
		 * WHERE; no table is read) */
		int scan = strncmp(d, "SCAN ", 5) == 0 && !strstr(d, "USING") && strcmp(d, "SCAN CONSTANT ROW") != 0;
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
	static const char *const hot[] = {"policy_list", "fund_get",   "loan_get",
	                                  "loan_update_end", "return_rows", "settle_due", "verdict_rows"};
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

/* The store the engine made, opened alone through the SQLite backend. */
static void backend_alone(th *t, lend_storage *s, char *path, size_t size)
{
	char err[256];
	snprintf(path, size, "%s", t->path);
	th_close_engine(t);
	if (lend_storage_sqlite(s, path, 0, err, sizeof err) != LEND_OK)
		fail_msg("%s: %s", path, err);
}

/* Each EXISTS of the settle probe (every call runs it) searches an index;
 * none scans its table. */
static void test_settle_probe_searches(void **state)
{
	sqlite3 *db = schema_alone(*state);
	const char *sql = lend__sqlite_core_sql("settle_due");
	assert_non_null(sql);
	char q[2048];
	snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st = NULL;
	assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(db, q, -1, &st, NULL));
	static const char *const tables[] = {"loans", "holds", "desk_licenses", "desk_reserves", "tickets"};
	int seen[5] = {0};
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(st, 3);
		for (size_t i = 0; i < 5; i++) {
			char name[64];
			snprintf(name, sizeof name, " %s USING ", tables[i]);
			seen[i] += strstr(d, name) != NULL;
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	for (size_t i = 0; i < 5; i++)
		if (seen[i] != 1)
			fail_msg("the settle probe reads %s %d times by an index\n  %s", tables[i], seen[i], sql);
}

/* The settle probe says yes for each cause alone, and no without any (the
 * engine skips the settle on its no). */
static void test_settle_probe_causes(void **state)
{
	th *t = *state;
	char path[sizeof t->path];
	lend_storage s;
	backend_alone(t, &s, path, sizeof path);
	assert_non_null(s.settle_due);
	const int64_t now = 1700000000;
	int32_t due = -1;
	for (int cause = 0; cause <= 6; cause++) {
		assert_int_equal(LEND_OK, s.begin(s.userdata, 1));
		int64_t started_after = 0;
		switch (cause) {
		case 1: { /* an active loan due now */
			lend_sys_loan l = {0};
			l.ticket_id = l.reader_id = l.library_id = l.book_id = 1;
			l.issued_at = now - 100;
			l.due_at = now;
			assert_int_equal(LEND_OK, s.loan_insert(s.userdata, &l));
			break;
		}
		case 2: { /* a waiting place whose suspension ran out */
			lend_sys_hold h = {0};
			h.library_id = h.book_id = h.ticket_id = h.reader_id = 1;
			h.state = LEND_HOLD_WAITING;
			h.suspended_until = now;
			assert_int_equal(LEND_OK, s.hold_insert(s.userdata, &h));
			break;
		}
		case 3: { /* an open license expired */
			lend_sys_license l = {0};
			l.library_id = l.book_id = 1;
			l.copies = 1;
			l.expires_at = now;
			assert_int_equal(LEND_OK, s.license_insert(s.userdata, &l));
			break;
		}
		case 4: { /* an active reservation expired */
			lend_sys_reserve r = {0};
			r.library_id = r.book_id = r.hold_id = r.ticket_id = r.reader_id = 1;
			r.state = LEND_RESERVE_ACTIVE;
			r.expires_at = now;
			assert_int_equal(LEND_OK, s.reserve_insert(s.userdata, &r));
			break;
		}
		case 5: /* a ticket whose validity began since */
		case 6: { /* the same, asked without a start: not a cause */
			lend_sys_ticket k = {0};
			k.library_id = k.reader_id = 1;
			k.number = "probe-1";
			k.valid_from = now;
			assert_int_equal(LEND_OK, s.ticket_insert(s.userdata, &k));
			started_after = cause == 5 ? now - 1 : 0;
			break;
		}
		default:
			break;
		}
		assert_int_equal(LEND_OK, s.settle_due(s.userdata, now, started_after, &due));
		assert_int_equal(cause >= 1 && cause <= 5, due);
		/* a moment earlier nothing is due yet */
		assert_int_equal(LEND_OK, s.settle_due(s.userdata, now - 1, started_after ? now - 2 : 0, &due));
		assert_int_equal(0, due);
		assert_int_equal(LEND_OK, s.rollback(s.userdata));
	}
	s.free(s.userdata);
}

/* return_rows: the loan with its book's title, its library's name and its
 * fund row; NULL for a row that is not there. */
struct named {
	int64_t id, book_id;
	char title[64], name[64];
	int has_title, has_name, has_fund, copies, on_loan;
};

static int named_cb(void *ctx, const lend_sys_loan *row, const char *title, const char *library_name,
                    const lend_sys_fund *fund)
{
	struct named *g = ctx;
	g->id = row->id;
	g->book_id = row->book_id;
	g->has_title = title != NULL;
	g->has_name = library_name != NULL;
	g->has_fund = fund != NULL;
	g->copies = fund ? fund->copies : -1;
	g->on_loan = fund ? fund->on_loan : -1;
	snprintf(g->title, sizeof g->title, "%s", title ? title : "");
	snprintf(g->name, sizeof g->name, "%s", library_name ? library_name : "");
	return 0;
}

static void test_return_rows(void **state)
{
	th *t = *state;
	int64_t lib = th_library(t, "Named library", 0);
	int64_t book = th_book(t, "Named title", LEND_KIND_EBOOK, 0, 0);
	int64_t tk = th_ticket(t, lib, th_reader(t, "Reader", 1990, 1, 1));
	th_copies(t, lib, book, 2);
	lend_loan *l = NULL;
	assert_int_equal(LEND_OK, lend_take(t->e, t->admin, tk, book, &l));
	int64_t loan = lend_loan_id(l);
	lend_loan_free(l);
	char path[sizeof t->path], err[256];
	lend_storage s;
	backend_alone(t, &s, path, sizeof path);
	assert_non_null(s.return_rows);
	assert_int_equal(LEND_OK, s.begin(s.userdata, 0));
	struct named g;
	memset(&g, 0, sizeof g);
	assert_int_equal(LEND_OK, s.return_rows(s.userdata, loan, named_cb, &g));
	assert_int_equal(loan, g.id);
	assert_int_equal(book, g.book_id);
	assert_true(g.has_title && g.has_name && g.has_fund);
	assert_string_equal("Named title", g.title);
	assert_string_equal("Named library", g.name);
	assert_int_equal(2, g.copies);
	assert_int_equal(1, g.on_loan);
	assert_int_equal(LEND_ENOTFOUND, s.return_rows(s.userdata, loan + 1000, named_cb, &g));
	assert_int_equal(LEND_OK, s.rollback(s.userdata));
	s.free(s.userdata);
	/* the book's row and the fund row gone: NULL, the name still there */
	sqlite3 *db = NULL;
	assert_int_equal(SQLITE_OK, sqlite3_open(path, &db));
	assert_int_equal(SQLITE_OK, sqlite3_exec(db, "DELETE FROM books; DELETE FROM fund", NULL, NULL, NULL));
	sqlite3_close(db);
	assert_int_equal(LEND_OK, lend_storage_sqlite(&s, path, 0, err, sizeof err));
	assert_int_equal(LEND_OK, s.begin(s.userdata, 0));
	memset(&g, 0, sizeof g);
	assert_int_equal(LEND_OK, s.return_rows(s.userdata, loan, named_cb, &g));
	assert_int_equal(loan, g.id);
	assert_false(g.has_title);
	assert_false(g.has_fund);
	assert_true(g.has_name);
	assert_int_equal(LEND_OK, s.rollback(s.userdata));
	s.free(s.userdata);
}

/* verdict_rows: the fields a verdict reads, NULL for a row not there. */
struct verdict {
	int calls, reader, library, book, fund;
	int64_t ticket_id, reader_id, birth_date, budget, price;
	int kind, age, lendable, copies;
	char number[32], name[64], title[64], lib_cur[8], book_cur[8];
};

static int verdict_cb(void *ctx, const lend_sys_ticket *t, const lend_sys_reader *r, const lend_sys_library *l,
                      const lend_sys_book *b, const lend_sys_fund *f)
{
	struct verdict *v = ctx;
	memset(v, 0, sizeof *v);
	v->calls = 1;
	v->ticket_id = t->id;
	snprintf(v->number, sizeof v->number, "%s", t->number);
	if ((v->reader = r != NULL)) {
		v->reader_id = r->id;
		v->birth_date = r->birth_date;
	}
	if ((v->library = l != NULL)) {
		v->budget = l->budget;
		snprintf(v->name, sizeof v->name, "%s", l->name);
		snprintf(v->lib_cur, sizeof v->lib_cur, "%s", l->currency);
	}
	if ((v->book = b != NULL)) {
		v->kind = b->kind;
		v->age = b->age_rating;
		v->lendable = b->lendable;
		v->price = b->price;
		snprintf(v->title, sizeof v->title, "%s", b->title);
		snprintf(v->book_cur, sizeof v->book_cur, "%s", b->currency);
	}
	if ((v->fund = f != NULL))
		v->copies = f->copies;
	return 0;
}

static void test_verdict_rows(void **state)
{
	th *t = *state;
	int64_t lib = th_library(t, "Verdict library", 5000);
	th_book_opts o = {"Verdict title", LEND_KIND_AUDIOBOOK, 300, "RUB", 16, 0, 0};
	int64_t book = th_book_ex(t, &o), other = th_book(t, "Not in the fund", LEND_KIND_EBOOK, 0, 0);
	int64_t rd = th_reader(t, "Reader", 1990, 5, 17);
	int64_t tk = th_ticket(t, lib, rd);
	th_copies(t, lib, book, 3);
	char path[sizeof t->path];
	lend_storage s;
	backend_alone(t, &s, path, sizeof path);
	assert_non_null(s.verdict_rows);
	assert_int_equal(LEND_OK, s.begin(s.userdata, 0));
	struct verdict v;
	assert_int_equal(LEND_OK, s.verdict_rows(s.userdata, tk, book, verdict_cb, &v));
	assert_true(v.calls && v.reader && v.library && v.book && v.fund);
	assert_int_equal(tk, v.ticket_id);
	assert_true(v.number[0] != '\0');
	assert_int_equal(rd, v.reader_id);
	assert_int_equal(19900517, v.birth_date);
	assert_int_equal(5000, v.budget);
	assert_string_equal("Verdict library", v.name);
	assert_string_equal("Verdict title", v.title);
	assert_int_equal(LEND_KIND_AUDIOBOOK, v.kind);
	assert_int_equal(16, v.age);
	assert_int_equal(1, v.lendable);
	assert_int_equal(300, v.price);
	assert_string_equal(v.lib_cur, v.book_cur);
	assert_int_equal(3, v.copies);
	/* a book without a fund row, a book that is not there, no ticket */
	assert_int_equal(LEND_OK, s.verdict_rows(s.userdata, tk, other, verdict_cb, &v));
	assert_true(v.book && !v.fund);
	assert_int_equal(LEND_OK, s.verdict_rows(s.userdata, tk, other + 1000, verdict_cb, &v));
	assert_true(v.calls && v.reader && v.library && !v.book && !v.fund);
	memset(&v, 0, sizeof v);
	assert_int_equal(LEND_ENOTFOUND, s.verdict_rows(s.userdata, tk + 1000, book, verdict_cb, &v));
	assert_int_equal(0, v.calls);
	assert_int_equal(LEND_OK, s.rollback(s.userdata));
	s.free(s.userdata);
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
		cmocka_unit_test_setup_teardown(test_settle_probe_searches, setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_settle_probe_causes, setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_return_rows, setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_verdict_rows, setup, th_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
