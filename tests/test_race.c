/* tests/test_race.c — separate processes, each with its own engine, racing
 * on one database file: no copy on loan twice, no more on loan than owned,
 * no budget below zero, no lost acknowledged take (spec section 10). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#define PROCS 8

/* What a child reports through its pipe. */
typedef struct result {
	int ok;         /* successful takes */
	int denied;     /* LEND_EDENIED */
	int other;      /* anything else: must stay 0 */
	int last_other; /* the last unexpected status */
	int reasons[32];
	char msg[200];
} result;

static lend_engine *child_engine(const char *path)
{
	return th_engine_on(path, th_clock, 10000);
}

static void record(result *res, lend_engine *e, int rc)
{
	if (rc == LEND_OK) {
		res->ok++;
	} else if (rc == LEND_EDENIED) {
		res->denied++;
		int why = lend_engine_reason(e);
		if (why >= 0 && why < 32)
			res->reasons[why]++;
	} else {
		res->other++;
		res->last_other = rc;
		snprintf(res->msg, sizeof res->msg, "%s", lend_engine_errmsg(e));
	}
}

/* Each child: wait for the start signal, then take (ticket, book) pairs. */
typedef struct job {
	int64_t reader[5];
	int64_t ticket[5];
	int nreaders;
	int64_t book[8];
	int nbooks;
} job;

static void child(const char *path, int go_fd, int out_fd, const job *j, int offset)
{
	/* cmocka's handlers would turn a crash here into a jump back into the
	 * child's copy of the test runner, which keeps the pipe open and the
	 * parent waiting for ever: a crash must end the child. */
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	signal(SIGILL, SIG_DFL);
	signal(SIGFPE, SIG_DFL);
	result res;
	memset(&res, 0, sizeof res);
	lend_engine *e = child_engine(path);
	lend_actor *a[5] = {NULL};
	if (!e) {
		res.other = 1000;
		goto out;
	}
	for (int i = 0; i < j->nreaders; i++)
		if (lend_actor_reader(e, j->reader[i], &a[i]) != LEND_OK) {
			res.other = 1000 + i;
			goto out;
		}
	char go;
	if (read(go_fd, &go, 1) != 1) {
		res.other = 2000;
		goto out;
	}
	for (int i = 0; i < j->nreaders; i++)
		for (int k = 0; k < j->nbooks; k++) {
			int b = (k + offset) % j->nbooks;
			record(&res, e, lend_take(e, a[i], j->ticket[i], j->book[b], NULL));
		}
out:
	for (int i = 0; i < 5; i++)
		lend_actor_free(a[i]);
	lend_engine_close(e);
	ssize_t w = write(out_fd, &res, sizeof res);
	_exit(w == (ssize_t)sizeof res ? 0 : 3);
}

/* Fork one child per job, start them together, collect their results. */
static void race(const char *path, const job *jobs, int n, result *results)
{
	int go[2], out[PROCS][2];
	pid_t pid[PROCS];
	assert_true(n <= PROCS);
	assert_int_equal(pipe(go), 0);
	for (int i = 0; i < n; i++) {
		assert_int_equal(pipe(out[i]), 0);
		fflush(NULL);
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			close(go[1]);
			close(out[i][0]);
			child(path, go[0], out[i][1], &jobs[i], i);
		}
		close(out[i][1]);
	}
	close(go[0]);
	char start[PROCS];
	memset(start, 'g', sizeof start);
	assert_int_equal(write(go[1], start, (size_t)n), n);
	close(go[1]);
	for (int i = 0; i < n; i++) {
		memset(&results[i], 0, sizeof results[i]);
		ssize_t got = read(out[i][0], &results[i], sizeof results[i]);
		close(out[i][0]);
		int status = 0;
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
		assert_int_equal(got, (ssize_t)sizeof results[i]);
		if (results[i].other)
			print_message("child %d: %d unexpected failures, last %d: %s\n", i, results[i].other,
			              results[i].last_other, results[i].msg);
		assert_int_equal(results[i].other, 0);
	}
}

/* ------------------------------------------------------ copies racing */

static void test_race_for_copies(void **state)
{
	th *t = *state;
	int64_t lib = th_library(t, "Library", 0);
	int64_t books[5];
	for (int i = 0; i < 5; i++) {
		books[i] = th_book(t, "Book", LEND_KIND_EBOOK, 100, 0);
		th_copies(t, lib, books[i], 2);
	}
	job jobs[PROCS];
	memset(jobs, 0, sizeof jobs);
	int64_t readers[40];
	for (int p = 0; p < PROCS; p++) {
		jobs[p].nreaders = 5;
		jobs[p].nbooks = 5;
		memcpy(jobs[p].book, books, sizeof books);
		for (int i = 0; i < 5; i++) {
			int64_t r = th_reader(t, "Reader", 1990, 1, 1);
			readers[p * 5 + i] = r;
			jobs[p].reader[i] = r;
			jobs[p].ticket[i] = th_ticket(t, lib, r);
		}
	}
	th_close_engine(t);

	result res[PROCS];
	race(t->path, jobs, PROCS, res);
	int ok = 0, denied = 0;
	for (int p = 0; p < PROCS; p++) {
		ok += res[p].ok;
		denied += res[p].denied;
		/* the only refusals: every copy out, or his own limit */
		for (int why = 0; why < 32; why++)
			if (why != LEND_REASON_NO_FREE_COPY && why != LEND_REASON_SELF_SERVICE_LIMIT)
				assert_int_equal(res[p].reasons[why], 0);
	}
	assert_int_equal(ok + denied, 40 * 5);

	th_open_engine(t);
	int per_book[5] = {0};
	int loans = 0;
	for (int i = 0; i < 40; i++) {
		lend_loans *ls = NULL;
		TH_OK(t, lend_loan_list(t->e, t->admin, readers[i], 1, &ls));
		int seen[5] = {0};
		for (size_t k = 0; k < lend_loans_count(ls); k++) {
			int64_t b = lend_loan_book_id(lend_loans_get(ls, k));
			for (int x = 0; x < 5; x++)
				if (b == books[x]) {
					per_book[x]++;
					seen[x]++;
				}
			loans++;
		}
		lend_loans_free(ls);
		for (int x = 0; x < 5; x++)
			assert_true(seen[x] <= 1); /* never two loans of one book */
	}
	for (int x = 0; x < 5; x++) {
		int copies, on_loan;
		th_fund(t, lib, books[x], &copies, &on_loan, NULL);
		assert_int_equal(copies, 2);
		assert_int_equal(on_loan, per_book[x]);
		assert_int_equal(per_book[x], 2); /* min(2, 40 takers) */
	}
	assert_int_equal(loans, ok);
	assert_int_equal(loans, 10);
	assert_int_equal(th_outbox_count(t, 0), (size_t)loans);
	th_check_clean(t);
}

/* ------------------------------------------------------- budget racing */

static void test_race_for_budget(void **state)
{
	th *t = *state;
	const int64_t P = 39900;
	int64_t lib = th_library(t, "Library", 3 * P);
	job jobs[PROCS];
	memset(jobs, 0, sizeof jobs);
	int64_t books[PROCS], readers[PROCS];
	for (int p = 0; p < PROCS; p++) {
		books[p] = th_book(t, "Book", LEND_KIND_EBOOK, P, 0);
		readers[p] = th_reader(t, "Reader", 1990, 1, 1);
		jobs[p].nreaders = 1;
		jobs[p].reader[0] = readers[p];
		jobs[p].ticket[0] = th_ticket(t, lib, readers[p]);
		jobs[p].nbooks = 1;
		jobs[p].book[0] = books[p];
	}
	th_close_engine(t);

	result res[PROCS];
	race(t->path, jobs, PROCS, res);
	int ok = 0, budget = 0;
	for (int p = 0; p < PROCS; p++) {
		ok += res[p].ok;
		budget += res[p].reasons[LEND_REASON_BUDGET];
		assert_int_equal(res[p].ok + res[p].denied, 1);
	}
	assert_int_equal(ok, 3);
	assert_int_equal(budget, PROCS - 3);

	th_open_engine(t);
	assert_int_equal(th_budget(t, lib), 0);
	int bought = 0;
	for (int p = 0; p < PROCS; p++) {
		int copies = 0, on_loan = 0;
		int rc = th_fund(t, lib, books[p], &copies, &on_loan, NULL);
		size_t n = th_loan_count(t, readers[p], 1);
		if (rc == LEND_OK) {
			bought++;
			assert_int_equal(copies, 1);
			assert_int_equal(on_loan, 1);
			assert_int_equal(n, 1);
		} else {
			assert_int_equal(n, 0);
		}
	}
	assert_int_equal(bought, 3);
	th_check_clean(t); /* the budget equals its ledger and is not negative */
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_race_for_copies, th_setup_file, th_teardown),
		cmocka_unit_test_setup_teardown(test_race_for_budget, th_setup_file, th_teardown),
	};
	return cmocka_run_group_tests_name("race", tests, NULL, NULL);
}
