/* tests/test_busy.c — the storage's own failure modes as the engine sees
 * them: a database locked past the busy timeout gives LEND_EBUSY, changes
 * nothing, and the engine works again once the lock is gone; a file that is
 * not a database is refused at open with a clear message. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "helpers.h"

static void test_locked_past_timeout(void **state)
{
	(void)state;
	char path[96];
	th_temp_path(path, sizeof path);
	th_now = TH_START;
	lend_engine *e = th_engine_on(path, NULL, 100);
	assert_non_null(e);
	th t;
	memset(&t, 0, sizeof t);
	t.e = e;
	assert_int_equal(lend_actor_admin(e, &t.admin), LEND_OK);
	int64_t lib = th_library(&t, "Library", 1000);
	int64_t reader = th_reader(&t, "Reader", 1990, 1, 1);
	int64_t ticket = th_ticket(&t, lib, reader);
	int64_t book = th_book(&t, "Book", LEND_KIND_EBOOK, 0, 0);
	th_copies(&t, lib, book, 1);
	lend_actor *a = NULL;
	assert_int_equal(lend_actor_reader(e, reader, &a), LEND_OK);

	/* Another process holds the write lock. */
	sqlite3 *other = NULL;
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	char *before = th_dump_db(path);
	lend_loan *l = (lend_loan *)1;
	assert_int_equal(lend_take(e, a, ticket, book, &l), LEND_EBUSY);
	assert_null(l);
	assert_non_null(strstr(lend_engine_errmsg(e), "lock"));
	assert_int_equal(lend_budget_add(e, t.admin, lib, 500, "top-up"), LEND_EBUSY);
	/* Reads see the last committed state meanwhile (WAL). */
	lend_availability *v = NULL;
	assert_int_equal(lend_availability_get(e, a, ticket, book, &v), LEND_OK);
	assert_int_equal(lend_availability_verdict(v), LEND_VERDICT_TAKE);
	lend_availability_free(v);
	char *during = th_dump_db(path);
	assert_string_equal(before, during);
	assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);

	/* The lock is gone: the same engine works. */
	assert_int_equal(lend_take(e, a, ticket, book, &l), LEND_OK);
	lend_loan_free(l);
	th_check_clean(&t);
	free(before);
	free(during);
	lend_actor_free(a);
	lend_actor_free(t.admin);
	lend_engine_close(e);
	th_remove_db(path);
}

static void test_not_a_database(void **state)
{
	(void)state;
	char path[96];
	th_temp_path(path, sizeof path);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fputs("this is not an SQLite database, just text\n", f);
	fclose(f);
	lend_engine *e = NULL;
	int rc = lend_engine_open(&e, path, NULL);
	assert_int_equal(rc, LEND_ESTORAGE);
	assert_non_null(strstr(lend_engine_errmsg(e), "not a database"));
	lend_engine_close(e);
	th_remove_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_locked_past_timeout),
		cmocka_unit_test(test_not_a_database),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
