/* tests/test_desk_race.c — two librarians of one library, in two processes
 * with engines of their own, approve at once with budget for one copy only:
 * one approval succeeds, the other is refused for the budget, and the ledger
 * stays consistent (spec sections 5 and 10). */
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#define ROUNDS 6

/* Exit status of a child: 0 approved, 1 refused for the budget, 2 else. */
static void child(const char *path, int go_fd, int64_t staff, int64_t request)
{
	lend_options *o = NULL;
	lend_engine *e = NULL;
	lend_actor *a = NULL;
	int status = 2;
	if (lend_options_new(&o) != LEND_OK)
		_exit(2);
	lend_options_set_clock(o, th_clock, NULL);
	lend_options_set_busy_timeout(o, 10000);
	if (lend_engine_open(&e, path, o) == LEND_OK && lend_actor_librarian(e, staff, &a) == LEND_OK) {
		char go;
		if (read(go_fd, &go, 1) == 1) {
			int rc = lend_request_approve(e, a, request, NULL);
			if (rc == LEND_OK)
				status = 0;
			else if (rc == LEND_EDENIED && lend_engine_reason(e) == LEND_REASON_BUDGET)
				status = 1;
		}
	}
	lend_actor_free(a);
	lend_engine_close(e);
	lend_options_free(o);
	_exit(status);
}

static void test_two_librarians_one_budget(void **state)
{
	th *t = *state;
	for (int round = 0; round < ROUNDS; round++) {
		int64_t lib = th_library(t, "Library", 50000);
		int64_t staff[2], req[2];
		for (int i = 0; i < 2; i++) {
			staff[i] = th_reader(t, "Librarian", 1980, 1, 1);
			TH_OK(t, lend_library_grant(t->e, t->admin, lib, staff[i]));
			int64_t reader = th_reader(t, "Reader", 1990, 1, 1);
			int64_t ticket = th_ticket(t, lib, reader);
			int64_t book = th_book(t, "Dear", LEND_KIND_EBOOK, 30000, 0);
			lend_request *r = NULL;
			TH_OK(t, lend_request_create(t->e, th_as_reader(t, reader), ticket, book, &r));
			req[i] = lend_request_id(r);
			lend_request_free(r);
		}
		int go[2];
		assert_int_equal(pipe(go), 0);
		pid_t pid[2];
		for (int i = 0; i < 2; i++) {
			fflush(NULL);
			pid[i] = fork();
			assert_true(pid[i] >= 0);
			if (pid[i] == 0) {
				close(go[1]);
				child(t->path, go[0], staff[i], req[i]);
			}
		}
		close(go[0]);
		assert_int_equal(write(go[1], "gg", 2), 2);
		close(go[1]);
		int approved = 0, refused = 0;
		for (int i = 0; i < 2; i++) {
			int status = 0;
			assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
			assert_true(WIFEXITED(status));
			approved += WEXITSTATUS(status) == 0;
			refused += WEXITSTATUS(status) == 1;
		}
		assert_int_equal(approved, 1);
		assert_int_equal(refused, 1);
		assert_int_equal(th_budget(t, lib), 20000);
		lend_ledger *lg = NULL;
		TH_OK(t, lend_ledger_list(t->e, t->admin, lib, 0, 0, &lg));
		assert_int_equal(lend_ledger_count(lg), 2);
		assert_int_equal(lend_ledger_entry_amount(lend_ledger_get(lg, 1)), -30000);
		assert_int_equal(lend_ledger_entry_balance(lend_ledger_get(lg, 1)), 20000);
		lend_ledger_free(lg);
		lend_requests *p = NULL;
		TH_OK(t, lend_request_pending(t->e, t->admin, lib, 10, &p));
		assert_int_equal(lend_requests_count(p), 1);
		lend_requests_free(p);
		th_check_clean(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_librarians_one_budget, th_setup_file, th_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
