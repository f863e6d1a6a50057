/* tests/test_crash.c — processes killed with SIGKILL at random moments
 * lose nothing they were told was done, and leave nothing half-done
 * (spec section 10).
 *
 * Each round, CRASH_PROCS children open their own engine on one WAL file
 * (the library's default, synchronous=FULL) and run a mixed load: takes,
 * returns, queue joins and leaves, new tickets, budget top-ups, ticks,
 * requests to the librarian and their approvals, sign-ins with a ticket
 * number and password, balance credits and purchases, catalog imports. After
 * every call that returned LEND_OK a child appends a record of it to its own
 * log (a write() reaches the kernel, so it survives the process). The parent
 * kills every child with SIGKILL after a random delay, opens the database,
 * and checks: lend_engine_check() is clean (which also proves that every
 * loan has its notifications), and every logged operation is there: the
 * request with its reader and book, the approval with its loan or queue
 * place and its LEND_NOTE_REQUEST_APPROVED note, the session of the
 * sign-in, the credit (its key credits nothing a second time), the purchase
 * (buying the book again is refused as already bought), the imported rows
 * (importing the same file again finds every row unchanged).
 *
 * The clock is shared: every process reads wall time scaled so that a day
 * passes in CRASH_MS_PER_DAY milliseconds, so loans end and queues hand
 * copies on while the load runs.
 *
 * Rounds: $LEND_CRASH_ROUNDS (default 12; CI runs the default). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "lend/sys/storage.h"

#define CRASH_PROCS 4
#define READERS 24
#define BOOKS 12
#define CRASH_MS_PER_DAY 400

enum { OP_TAKE = 1, OP_RETURN, OP_JOIN, OP_LEAVE, OP_TICKET, OP_BUDGET, OP_REQUEST, OP_APPROVE, OP_SIGNIN, OP_CREDIT, OP_BUY, OP_IMPORT };

#define IMPORT_ROWS 3

#define PASSWORD "crash test 1"

/* A round's seed and an operation number in one log id (seeds use all 32
 * bits: shift them unsigned). */
#define PACK(seed, n) ((int64_t)((uint64_t)(seed) << 32 | (uint64_t)(n)))

/* One acknowledged operation. */
typedef struct ack {
	int32_t op;
	int32_t pad;
	int64_t id;    /* the loan, hold, ticket, request, session or purchase */
	int64_t a, b;  /* reader and book, or library and amount, or reader and
	                  amount, or (approvals) loan and hold */
} ack;

typedef struct world {
	char path[96];
	int64_t lib;
	int64_t reader[READERS];
	int64_t ticket[READERS];
	int64_t book[BOOKS];
	int64_t start_ms; /* wall time of the shared clock's origin */
} world;

static world W;

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The shared clock: TH_START plus scaled wall time since the origin. */
static int64_t crash_clock(void *ud)
{
	(void)ud;
	return TH_START + (wall_ms() - W.start_ms) * TH_DAY / CRASH_MS_PER_DAY;
}

/* th_engine_on() with passwords hashed at the cheapest cost. */
static lend_engine *open_engine(void)
{
	lend_options *o = NULL;
	lend_engine *e = NULL;
	if (lend_options_new(&o) != LEND_OK)
		return NULL;
	lend_options_set_clock(o, crash_clock, NULL);
	lend_options_set_busy_timeout(o, 20000);
	lend_options_set_password_cost(o, LEND_PASSWORD_COST_MIN);
	int rc = lend_engine_open(&e, W.path, o);
	lend_options_free(o);
	if (rc != LEND_OK) {
		lend_engine_close(e);
		return NULL;
	}
	return e;
}

static void log_ack(int fd, int op, int64_t id, int64_t a, int64_t b)
{
	ack r = {op, 0, id, a, b};
	ssize_t n = write(fd, &r, sizeof r);
	(void)n;
}

/* A catalog file of IMPORT_ROWS books whose external ids name the child's
 * seed and step, written to path (the same bytes for the same seed and n). */
static void write_import(const char *path, unsigned seed, long n)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "external_id,title,authors,language\n");
	for (int k = 0; k < IMPORT_ROWS; k++)
		fprintf(f, "crash-%u-%ld-%d,\"Повесть %u/%ld, том %d\",Crash Author;Автор,ru\n", seed, n, k, seed, n, k);
	fclose(f);
}

/* A child's endless mixed load; it only ends by SIGKILL. */
static void child_load(int log_fd, unsigned seed)
{
	lend_engine *e = open_engine();
	if (!e)
		_exit(3);
	lend_actor *admin = NULL, *reader[READERS];
	if (lend_actor_admin(e, &admin) != LEND_OK)
		_exit(3);
	for (int i = 0; i < READERS; i++)
		if (lend_actor_reader(e, W.reader[i], &reader[i]) != LEND_OK)
			_exit(3);
	unsigned s = seed;
	for (long n = 0;; n++) {
		s = s * 1103515245u + 12345u;
		int r = (int)((s >> 8) % READERS), b = (int)((s >> 16) % BOOKS), pick = (int)((s >> 4) % 145);
		if (pick >= 140) {
			char path[128];
			lend_import_report *rep = NULL;
			snprintf(path, sizeof path, "%s.import-%d", W.path, log_fd);
			write_import(path, seed, n);
			if (lend_catalog_import(e, admin, path, LEND_IMPORT_CSV, NULL, NULL, &rep) == LEND_OK &&
			    lend_import_report_added(rep) == IMPORT_ROWS)
				log_ack(log_fd, OP_IMPORT, PACK(seed, n), 0, 0);
			lend_import_report_free(rep);
		} else if (pick >= 100) {
			/* The desk, sign-in and the shelf. */
			if (pick < 110) {
				lend_request *q = NULL;
				if (lend_request_create(e, reader[r], W.ticket[r], W.book[b], &q) == LEND_OK)
					log_ack(log_fd, OP_REQUEST, lend_request_id(q), W.reader[r], W.book[b]);
				lend_request_free(q);
			} else if (pick < 118) {
				lend_requests *ps = NULL;
				if (lend_request_pending(e, admin, W.lib, 1, &ps) == LEND_OK && lend_requests_count(ps) > 0) {
					lend_request *q = NULL;
					int64_t id = lend_request_id(lend_requests_get(ps, 0));
					if (lend_request_approve(e, admin, id, &q) == LEND_OK)
						log_ack(log_fd, OP_APPROVE, id, lend_request_loan_id(q), lend_request_hold_id(q));
					lend_request_free(q);
				}
				lend_requests_free(ps);
			} else if (pick < 124) {
				lend_actor *a = NULL;
				char number[32];
				snprintf(number, sizeof number, "C-%04d", r);
				if (lend_sign_in(e, LEND_LOGIN_TICKET, W.lib, number, PASSWORD, "crash", &a) == LEND_OK)
					log_ack(log_fd, OP_SIGNIN, lend_actor_session_id(a), W.reader[r], 0);
				lend_actor_free(a);
			} else if (pick < 132) {
				/* Credits and purchases go to the first four readers, so
				 * that balances cover the price of a book. */
				r %= 4;
				char key[64];
				int64_t amount = 500 + (int64_t)(s % 1000);
				int credited = 0;
				snprintf(key, sizeof key, "pay %u/%ld", seed, n);
				if (lend_balance_credit(e, admin, W.reader[r], amount, "RUB", key, &credited) == LEND_OK &&
				    credited == 1)
					log_ack(log_fd, OP_CREDIT, PACK(seed, n), W.reader[r], amount);
			} else {
				r %= 4;
				lend_purchase *pu = NULL;
				if (lend_buy(e, reader[r], W.reader[r], W.book[b], &pu) == LEND_OK)
					log_ack(log_fd, OP_BUY, lend_purchase_id(pu), W.reader[r], W.book[b]);
				lend_purchase_free(pu);
			}
		} else if (pick < 35) {
			lend_loan *l = NULL;
			if (lend_take(e, reader[r], W.ticket[r], W.book[b], &l) == LEND_OK)
				log_ack(log_fd, OP_TAKE, lend_loan_id(l), W.reader[r], W.book[b]);
			lend_loan_free(l);
		} else if (pick < 55) {
			lend_loans *ls = NULL;
			if (lend_loan_list(e, reader[r], W.reader[r], 1, &ls) == LEND_OK && lend_loans_count(ls) > 0) {
				int64_t id = lend_loan_id(lend_loans_get(ls, 0));
				if (lend_return(e, reader[r], id) == LEND_OK)
					log_ack(log_fd, OP_RETURN, id, W.reader[r], 0);
			}
			lend_loans_free(ls);
		} else if (pick < 75) {
			lend_hold *h = NULL;
			if (lend_queue_join(e, reader[r], W.ticket[r], W.book[b], &h) == LEND_OK)
				log_ack(log_fd, OP_JOIN, lend_hold_id(h), W.reader[r], W.book[b]);
			lend_hold_free(h);
		} else if (pick < 82) {
			lend_holds *hs = NULL;
			if (lend_hold_list(e, reader[r], W.reader[r], &hs) == LEND_OK) {
				for (size_t i = 0; i < lend_holds_count(hs); i++) {
					const lend_hold *h = lend_holds_get(hs, i);
					if (lend_hold_state(h) == LEND_HOLD_WAITING &&
					    lend_queue_leave(e, reader[r], lend_hold_id(h)) == LEND_OK) {
						log_ack(log_fd, OP_LEAVE, lend_hold_id(h), W.reader[r], 0);
						break;
					}
				}
			}
			lend_holds_free(hs);
		} else if (pick < 88) {
			lend_reader *rd = NULL;
			lend_ticket *t = NULL;
			int64_t rid = 0;
			if (lend_reader_new(&rd) == LEND_OK && lend_reader_set_name(rd, "Walk-in") == LEND_OK &&
			    lend_reader_add(e, admin, rd, &rid) == LEND_OK &&
			    lend_ticket_issue(e, admin, W.lib, rid, NULL, &t) == LEND_OK)
				log_ack(log_fd, OP_TICKET, lend_ticket_id(t), rid, W.lib);
			lend_ticket_free(t);
			lend_reader_free(rd);
		} else if (pick < 94) {
			int64_t amount = 100 + (int64_t)(s % 1000);
			char note[64];
			snprintf(note, sizeof note, "top-up %u/%ld", seed, n);
			if (lend_budget_add(e, admin, W.lib, amount, note) == LEND_OK)
				log_ack(log_fd, OP_BUDGET, PACK(seed, n), W.lib, amount);
		} else {
			lend_engine_tick(e, NULL, NULL);
		}
	}
}

static void build_world(void)
{
	th_temp_path(W.path, sizeof W.path);
	W.start_ms = wall_ms();
	th_now = TH_START;
	th *t = th_new(TH_MEMORY);
	/* The fixture's engine is on :memory:; build the world on the file. */
	lend_engine_close(t->e);
	t->e = open_engine();
	assert_non_null(t->e);
	lend_actor_free(t->admin);
	assert_int_equal(lend_actor_admin(t->e, &t->admin), LEND_OK);
	W.lib = th_library(t, "Crash library", 50000);
	for (int i = 0; i < READERS; i++) {
		W.reader[i] = th_reader(t, "Reader", 1990, 1, 1);
		char number[32];
		lend_ticket *tk = NULL;
		snprintf(number, sizeof number, "C-%04d", i);
		TH_OK(t, lend_ticket_issue(t->e, t->admin, W.lib, W.reader[i], number, &tk));
		W.ticket[i] = lend_ticket_id(tk);
		lend_ticket_free(tk);
		TH_OK(t, lend_ticket_set_password(t->e, t->admin, W.ticket[i], PASSWORD, NULL));
	}
	for (int i = 0; i < BOOKS; i++) {
		W.book[i] = th_book(t, "Book", i % 3 ? LEND_KIND_EBOOK : LEND_KIND_AUDIOBOOK, 500, 0);
		/* Some books only by buying, most with 1 or 2 copies. */
		if (i % 4)
			th_copies(t, W.lib, W.book[i], 1 + i % 2);
	}
	th_free(t);
}

/* The ledger, read through the storage vtable (a separate connection). */
struct ledger_find {
	const char *note;
	int64_t amount;
	int found;
};

static int ledger_find_cb(void *ctx, const lend_sys_ledger *row)
{
	struct ledger_find *f = ctx;
	if (row->amount == f->amount && row->note && strcmp(row->note, f->note) == 0)
		f->found = 1;
	return f->found;
}

static int ledger_has(const char *note, int64_t amount)
{
	lend_storage st;
	char why[200];
	struct ledger_find f = {note, amount, 0};
	assert_int_equal(lend_storage_sqlite(&st, W.path, 20000, why, sizeof why), LEND_OK);
	assert_int_equal(st.begin(st.userdata, 0), LEND_OK);
	int rc = st.ledger_list(st.userdata, W.lib, INT64_MIN, 0, ledger_find_cb, &f);
	assert_true(rc == LEND_OK || rc == 1);
	st.rollback(st.userdata);
	st.free(st.userdata);
	return f.found;
}

/* Is there a notification of kind for reader whose detail names the
 * request (request_id=ID)? In the outbox, pending or delivered. */
static int note_for(lend_engine *e, lend_actor *admin, int kind, int64_t reader, int64_t request)
{
	lend_notifications *l = NULL;
	char want[48];
	int found = 0;
	snprintf(want, sizeof want, "request_id=%lld", (long long)request);
	assert_int_equal(lend_outbox_list(e, admin, 0, 10000, &l), LEND_OK);
	assert_true(lend_notifications_count(l) < 10000); /* else the newest are not listed */
	for (size_t i = 0; i < lend_notifications_count(l) && !found; i++) {
		const lend_notification *n = lend_notifications_get(l, i);
		const char *d = lend_notification_detail(n);
		const char *at = d ? strstr(d, want) : NULL;
		found = lend_notification_kind(n) == kind && lend_notification_reader_id(n) == reader && at &&
		        (at == d || at[-1] == '\n') && (at[strlen(want)] == '\0' || at[strlen(want)] == '\n');
	}
	lend_notifications_free(l);
	return found;
}

static const char *const op_names[] = {"", "take", "return", "join", "leave", "ticket", "budget",
                                       "request", "approve", "sign-in", "credit", "buy", "import"};
#define OP_COUNT (int)(sizeof op_names / sizeof op_names[0])

/* Verify one round's acknowledged operations against the database; count
 * them by kind into by_op. */
static long verify(lend_engine *e, lend_actor *admin, int fd, long *by_op)
{
	long n = 0;
	ack r;
	lseek(fd, 0, SEEK_SET);
	while (read(fd, &r, sizeof r) == (ssize_t)sizeof r) {
		n++;
		if (r.op > 0 && r.op < OP_COUNT)
			by_op[r.op]++;
		switch (r.op) {
		case OP_TAKE: {
			lend_loan *l = NULL;
			assert_int_equal(lend_loan_get(e, admin, r.id, &l), LEND_OK);
			assert_int_equal(lend_loan_reader_id(l), r.a);
			assert_int_equal(lend_loan_book_id(l), r.b);
			lend_loan_free(l);
			break;
		}
		case OP_RETURN: {
			lend_loan *l = NULL;
			assert_int_equal(lend_loan_get(e, admin, r.id, &l), LEND_OK);
			assert_true(lend_loan_ended_at(l) != 0);
			assert_int_equal(lend_loan_end_reason(l), LEND_END_RETURNED);
			lend_loan_free(l);
			break;
		}
		case OP_JOIN:
		case OP_LEAVE: {
			lend_hold *h = NULL;
			assert_int_equal(lend_hold_get(e, admin, r.id, &h), LEND_OK);
			assert_int_equal(lend_hold_reader_id(h), r.a);
			if (r.op == OP_LEAVE)
				assert_int_equal(lend_hold_state(h), LEND_HOLD_LEFT);
			lend_hold_free(h);
			break;
		}
		case OP_TICKET: {
			lend_ticket *t = NULL;
			assert_int_equal(lend_ticket_get(e, admin, r.id, &t), LEND_OK);
			assert_int_equal(lend_ticket_reader_id(t), r.a);
			lend_ticket_free(t);
			break;
		}
		case OP_BUDGET: {
			char note[64];
			snprintf(note, sizeof note, "top-up %u/%ld", (unsigned)(r.id >> 32), (long)(r.id & 0xffffffff));
			assert_true(ledger_has(note, r.b));
			break;
		}
		case OP_REQUEST: {
			lend_request *q = NULL;
			assert_int_equal(lend_request_get(e, admin, r.id, &q), LEND_OK);
			assert_int_equal(lend_request_reader_id(q), r.a);
			assert_int_equal(lend_request_book_id(q), r.b);
			lend_request_free(q);
			break;
		}
		case OP_APPROVE: {
			lend_request *q = NULL;
			assert_int_equal(lend_request_get(e, admin, r.id, &q), LEND_OK);
			assert_int_equal(lend_request_state(q), LEND_REQUEST_APPROVED);
			assert_int_equal(lend_request_loan_id(q), r.a);
			assert_int_equal(lend_request_hold_id(q), r.b);
			assert_true(r.a != 0 || r.b != 0);
			assert_true(note_for(e, admin, LEND_NOTE_REQUEST_APPROVED, lend_request_reader_id(q), r.id));
			if (r.a) {
				lend_loan *l = NULL;
				assert_int_equal(lend_loan_get(e, admin, r.a, &l), LEND_OK);
				assert_int_equal(lend_loan_reader_id(l), lend_request_reader_id(q));
				lend_loan_free(l);
			}
			lend_request_free(q);
			break;
		}
		case OP_SIGNIN: {
			lend_sessions *ss = NULL;
			int found = 0;
			assert_int_equal(lend_session_list(e, admin, r.a, &ss), LEND_OK);
			for (size_t i = 0; i < lend_sessions_count(ss); i++)
				found |= lend_sessions_id(ss, i) == r.id;
			lend_sessions_free(ss);
			assert_true(found);
			break;
		}
		case OP_CREDIT: {
			char key[64];
			int credited = -1;
			snprintf(key, sizeof key, "pay %u/%ld", (unsigned)(r.id >> 32), (long)(r.id & 0xffffffff));
			/* Known: the same key and amount credits nothing again. */
			assert_int_equal(lend_balance_credit(e, admin, r.a, r.b, "RUB", key, &credited), LEND_OK);
			assert_int_equal(credited, 0);
			break;
		}
		case OP_BUY: {
			lend_purchase *pu = NULL;
			assert_int_equal(lend_buy(e, admin, r.a, r.b, &pu), LEND_EDENIED);
			assert_int_equal(lend_engine_reason(e), LEND_REASON_ALREADY_BOUGHT);
			assert_null(pu);
			int64_t balance = -1;
			assert_int_equal(lend_balance_get(e, admin, r.a, "RUB", &balance), LEND_OK);
			assert_true(balance >= 0);
			break;
		}
		case OP_IMPORT: {
			char path[128];
			lend_import_report *rep = NULL;
			snprintf(path, sizeof path, "%s.verify", W.path);
			write_import(path, (unsigned)(r.id >> 32), (long)(r.id & 0xffffffff));
			assert_int_equal(lend_catalog_import(e, admin, path, LEND_IMPORT_CSV, NULL, NULL, &rep), LEND_OK);
			assert_int_equal(lend_import_report_unchanged(rep), IMPORT_ROWS);
			assert_int_equal(lend_import_report_added(rep), 0);
			lend_import_report_free(rep);
			unlink(path);
			break;
		}
		default:
			fail_msg("unknown record %d", r.op);
		}
	}
	return n;
}


static void test_sigkill_rounds(void **state)
{
	(void)state;
	const char *env = getenv("LEND_CRASH_ROUNDS");
	int rounds = env && atoi(env) > 0 ? atoi(env) : 12;
	build_world();
	char logs[CRASH_PROCS][96];
	int fds[CRASH_PROCS];
	for (int c = 0; c < CRASH_PROCS; c++) {
		th_temp_path(logs[c], sizeof logs[c]);
		fds[c] = open(logs[c], O_RDWR | O_APPEND);
		assert_true(fds[c] >= 0);
	}
	unsigned seed = (unsigned)wall_ms();
	long acked = 0, kills = 0, by_op[OP_COUNT];
	for (int round = 0; round < rounds; round++) {
		pid_t pid[CRASH_PROCS];
		for (int c = 0; c < CRASH_PROCS; c++) {
			pid[c] = fork();
			assert_true(pid[c] >= 0);
			if (pid[c] == 0)
				child_load(fds[c], seed + (unsigned)(round * CRASH_PROCS + c) * 7919u);
		}
		seed = seed * 1664525u + 1013904223u;
		struct timespec d = {0, (long)(30 + seed % 400) * 1000000L};
		nanosleep(&d, NULL);
		for (int c = 0; c < CRASH_PROCS; c++) {
			int st = 0;
			kill(pid[c], SIGKILL);
			assert_int_equal(waitpid(pid[c], &st, 0), pid[c]);
			/* Killed, not exited on its own (3: it could not open). */
			assert_true(WIFSIGNALED(st));
			kills++;
		}
		lend_engine *e = open_engine();
		assert_non_null(e);
		lend_actor *admin = NULL;
		assert_int_equal(lend_actor_admin(e, &admin), LEND_OK);
		lend_report *rep = NULL;
		assert_int_equal(lend_engine_check(e, &rep), LEND_OK);
		for (size_t i = 0; i < lend_report_count(rep); i++)
			print_message("round %d: %s\n", round, lend_report_get(rep, i));
		assert_int_equal(lend_report_count(rep), 0);
		lend_report_free(rep);
		acked = 0;
		memset(by_op, 0, sizeof by_op);
		for (int c = 0; c < CRASH_PROCS; c++)
			acked += verify(e, admin, fds[c], by_op);
		lend_actor_free(admin);
		lend_engine_close(e);
	}
	print_message("crash: %d rounds, %ld processes killed, %ld acknowledged operations verified\n", rounds, kills,
	              acked);
	for (int i = 1; i < OP_COUNT; i++)
		print_message("  %-8s %ld\n", op_names[i], by_op[i]);
	assert_true(acked > 0);
	for (int c = 0; c < CRASH_PROCS; c++) {
		char path[128];
		snprintf(path, sizeof path, "%s.import-%d", W.path, fds[c]);
		unlink(path);
		close(fds[c]);
		unlink(logs[c]);
	}
	th_remove_db(W.path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sigkill_rounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
