/* tests/test_threads.c — what lend.h promises about threads, for
 * ThreadSanitizer to watch (meson setup -Db_sanitize=thread; see
 * doc/reliability.md):
 *  - separate engines on one database, one per thread, are independent and
 *    stay consistent (no copy on loan twice, check clean);
 *  - one engine and its handles may move between threads, used by one
 *    thread at a time;
 *  - handles outlive their engine and may be freed on another thread;
 *  - liblend has no global mutable state: engines opened and closed in many
 *    threads at once. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"

#define THREADS 6
#define BOOKS 4
#define ROUNDS 60

typedef struct shared {
	char path[96];
	int64_t lib, book[BOOKS];
	int64_t reader[THREADS], ticket[THREADS];
} shared;

static shared S;

/* A clock that every thread reads: fixed, so it needs no locking. */
static int64_t fixed_clock(void *ud)
{
	(void)ud;
	return TH_START;
}

static lend_engine *open_on(const char *path)
{
	return th_engine_on(path, fixed_clock, 30000);
}

typedef struct worker {
	int index;
	int ok, denied, other;
} worker;

static void *take_and_return(void *arg)
{
	worker *w = arg;
	lend_engine *e = open_on(S.path);
	lend_actor *a = NULL;
	if (!e || lend_actor_reader(e, S.reader[w->index], &a) != LEND_OK) {
		w->other++;
		lend_engine_close(e);
		return NULL;
	}
	for (int i = 0; i < ROUNDS; i++) {
		lend_loan *l = NULL;
		int rc = lend_take(e, a, S.ticket[w->index], S.book[(i + w->index) % BOOKS], &l);
		if (rc == LEND_OK) {
			w->ok++;
			if (lend_return(e, a, lend_loan_id(l)) != LEND_OK)
				w->other++;
		} else if (rc == LEND_EDENIED) {
			w->denied++;
		} else {
			w->other++;
		}
		lend_loan_free(l);
	}
	lend_actor_free(a);
	lend_engine_close(e);
	return NULL;
}

static void make_world(void)
{
	th_temp_path(S.path, sizeof S.path);
	lend_engine *e = open_on(S.path);
	assert_non_null(e);
	th t;
	memset(&t, 0, sizeof t);
	t.e = e;
	assert_int_equal(lend_actor_admin(e, &t.admin), LEND_OK);
	S.lib = th_library(&t, "Threads", 0);
	for (int i = 0; i < BOOKS; i++) {
		S.book[i] = th_book(&t, "Book", LEND_KIND_EBOOK, 0, 0);
		th_copies(&t, S.lib, S.book[i], 1);
	}
	for (int i = 0; i < THREADS; i++) {
		S.reader[i] = th_reader(&t, "Reader", 1990, 1, 1);
		S.ticket[i] = th_ticket(&t, S.lib, S.reader[i]);
	}
	lend_actor_free(t.admin);
	lend_engine_close(e);
}

static void test_engines_per_thread(void **state)
{
	(void)state;
	make_world();
	pthread_t tid[THREADS];
	worker w[THREADS];
	for (int i = 0; i < THREADS; i++) {
		memset(&w[i], 0, sizeof w[i]);
		w[i].index = i;
		assert_int_equal(pthread_create(&tid[i], NULL, take_and_return, &w[i]), 0);
	}
	int ok = 0;
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(tid[i], NULL), 0);
		assert_int_equal(w[i].other, 0);
		ok += w[i].ok;
	}
	assert_true(ok > 0);
	lend_engine *e = open_on(S.path);
	assert_non_null(e);
	lend_report *rep = NULL;
	assert_int_equal(lend_engine_check(e, &rep), LEND_OK);
	assert_int_equal(lend_report_count(rep), 0);
	lend_report_free(rep);
	lend_engine_close(e);
	th_remove_db(S.path);
}

/* One engine handed from thread to thread, one at a time. */
typedef struct relay {
	lend_engine *e;
	lend_actor *a;
	int64_t ticket, book;
	lend_loan *loan; /* made by one thread, read and freed by the next */
	int rc;
} relay;

static void *relay_take(void *arg)
{
	relay *r = arg;
	r->rc = lend_take(r->e, r->a, r->ticket, r->book, &r->loan);
	return NULL;
}

static void *relay_return(void *arg)
{
	relay *r = arg;
	r->rc = lend_return(r->e, r->a, lend_loan_id(r->loan));
	lend_loan_free(r->loan);
	r->loan = NULL;
	return NULL;
}

static void *free_loan(void *arg)
{
	lend_loan_free(arg);
	return NULL;
}

static void test_engine_moves_between_threads(void **state)
{
	(void)state;
	make_world();
	relay r;
	memset(&r, 0, sizeof r);
	r.e = open_on(S.path);
	assert_non_null(r.e);
	assert_int_equal(lend_actor_reader(r.e, S.reader[0], &r.a), LEND_OK);
	r.ticket = S.ticket[0];
	r.book = S.book[0];
	for (int i = 0; i < 20; i++) {
		pthread_t t;
		assert_int_equal(pthread_create(&t, NULL, i % 2 ? relay_return : relay_take, &r), 0);
		assert_int_equal(pthread_join(t, NULL), 0);
		assert_int_equal(r.rc, LEND_OK);
	}
	/* A handle outlives its engine and is freed on another thread. */
	assert_int_equal(lend_take(r.e, r.a, r.ticket, r.book, &r.loan), LEND_OK);
	lend_engine_close(r.e);
	r.e = NULL;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, free_loan, r.loan), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	lend_actor_free(r.a);
	th_remove_db(S.path);
}

static void *open_close_memory(void *arg)
{
	int *failures = arg;
	for (int i = 0; i < 10; i++) {
		lend_engine *e = open_on(":memory:");
		lend_actor *a = NULL;
		int64_t id = 0;
		lend_library *lib = NULL;
		if (!e || lend_actor_admin(e, &a) != LEND_OK || lend_library_new(&lib) != LEND_OK ||
		    lend_library_set_name(lib, "Branch") != LEND_OK || lend_library_set_currency(lib, "EUR") != LEND_OK ||
		    lend_library_add(e, a, lib, &id) != LEND_OK || id != 1)
			(*failures)++;
		lend_library_free(lib);
		lend_actor_free(a);
		lend_engine_close(e);
	}
	return NULL;
}

static void test_no_global_state(void **state)
{
	(void)state;
	pthread_t tid[THREADS];
	int failures[THREADS] = {0};
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&tid[i], NULL, open_close_memory, &failures[i]), 0);
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(tid[i], NULL), 0);
		assert_int_equal(failures[i], 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engines_per_thread),
		cmocka_unit_test(test_engine_moves_between_threads),
		cmocka_unit_test(test_no_global_state),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
