/* tests/test_areas_absent.c — a storage backend written before the areas
 * (the SQLite backend with every method of the desk, accounts and the
 * shelf left NULL): the core calls work as before, the areas' own calls
 * give LEND_ESTATE naming the missing method, and nothing is written. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "lend/accounts.h"
#include "lend/desk.h"
#include "lend/search.h"
#include "lend/shelf.h"

/* The core methods alone: everything from the desk's first method to the
 * end of the table is cleared. */
static lend_engine *open_core_only(const char *path)
{
	lend_storage st;
	char err[256] = "";
	if (lend_storage_sqlite(&st, path, 0, err, sizeof err) != LEND_OK)
		return NULL;
	size_t from = offsetof(lend_storage, request_insert);
	memset((char *)&st + from, 0, sizeof st - from);
	lend_options *o = NULL;
	lend_engine *e = NULL;
	if (lend_options_new(&o) != LEND_OK)
		return NULL;
	lend_options_set_clock(o, th_clock, NULL);
	lend_options_set_storage(o, &st);
	if (lend_engine_open(&e, NULL, o) != LEND_OK)
		e = NULL;
	lend_options_free(o);
	return e;
}

static void assert_missing(lend_engine *e, int rc, const char *method)
{
	assert_int_equal(rc, LEND_ESTATE);
	char want[96];
	snprintf(want, sizeof want, "the storage backend does not implement %s", method);
	assert_string_equal(lend_engine_errmsg(e), want);
}

static void test_core_works_areas_refuse(void **state)
{
	(void)state;
	char path[96];
	th_temp_path(path, sizeof path);
	th_now = TH_START;
	lend_engine *e = open_core_only(path);
	assert_non_null(e);
	th t;
	memset(&t, 0, sizeof t);
	t.e = e;
	assert_int_equal(lend_actor_admin(e, &t.admin), LEND_OK);
	int64_t lib = th_library(&t, "Library", 1000);
	int64_t r1 = th_reader(&t, "First", 1990, 1, 1);
	int64_t r2 = th_reader(&t, "Second", 1991, 2, 2);
	int64_t t1 = th_ticket(&t, lib, r1);
	int64_t t2 = th_ticket(&t, lib, r2);
	int64_t book = th_book(&t, "Book", LEND_KIND_EBOOK, 100, 0);
	th_copies(&t, lib, book, 1);
	lend_actor *a1 = NULL, *a2 = NULL;
	assert_int_equal(lend_actor_reader(e, r1, &a1), LEND_OK);
	assert_int_equal(lend_actor_reader(e, r2, &a2), LEND_OK);

	/* Core: take, queue, return (the copy passes to the queue), tick,
	 * notifications, check. */
	lend_loan *l = NULL;
	assert_int_equal(lend_take(e, a1, t1, book, &l), LEND_OK);
	int64_t loan1 = lend_loan_id(l);
	lend_loan_free(l);
	lend_hold *h = NULL;
	assert_int_equal(lend_queue_join(e, a2, t2, book, &h), LEND_OK);
	lend_hold_free(h);
	assert_int_equal(lend_return(e, a1, loan1), LEND_OK);
	lend_loans *ls = NULL;
	assert_int_equal(lend_loan_list(e, a2, r2, 1, &ls), LEND_OK);
	assert_int_equal(lend_loans_count(ls), 1);
	lend_loans_free(ls);
	th_now += 40 * TH_DAY;
	int64_t ended = 0, handoffs = 0;
	assert_int_equal(lend_engine_tick(e, &ended, &handoffs), LEND_OK);
	assert_int_equal(ended, 1);
	lend_notifications *ns = NULL;
	assert_int_equal(lend_outbox_list(e, t.admin, 0, 100, &ns), LEND_OK);
	assert_true(lend_notifications_count(ns) > 0);
	lend_notifications_free(ns);
	th_check_clean(&t);

	/* The areas: LEND_ESTATE naming the first method missing, nothing
	 * written. */
	char *before = th_dump_db(path);
	lend_request *rq = NULL;
	assert_missing(e, lend_request_create(e, a1, t1, book, &rq), "request_insert");
	assert_null(rq);
	assert_missing(e, lend_ticket_set_password(e, t.admin, t1, "correct horse battery", NULL), "cred_get");
	int credited = 0;
	assert_missing(e, lend_balance_credit(e, t.admin, r1, 500, "RUB", "k1", &credited), "wallet_find");
	assert_missing(e, lend_defer_add(e, a1, r1, book), "wallet_insert");
	/* Search scans the books without an index, but reads the catalog. */
	lend_search_query *q = NULL;
	assert_int_equal(lend_search_query_new(&q), LEND_OK);
	assert_int_equal(lend_search_query_set_text(q, "Book"), LEND_OK);
	lend_search_results *res = NULL;
	assert_missing(e, lend_search(e, a1, q, &res), "book_authors_list");
	assert_null(res);
	lend_search_query_free(q);
	char *after = th_dump_db(path);
	assert_string_equal(before, after);
	free(before);
	free(after);

	/* And the core still works after them. */
	assert_int_equal(lend_take(e, a1, t1, book, &l), LEND_OK);
	lend_loan_free(l);
	th_check_clean(&t);

	lend_actor_free(a1);
	lend_actor_free(a2);
	lend_actor_free(t.admin);
	lend_engine_close(e);
	th_remove_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core_works_areas_refuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
