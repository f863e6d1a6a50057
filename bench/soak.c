/* bench/soak.c — many simulated days of one library under mixed traffic.
 *
 * A library with thousands of readers and a fund of a few hundred titles,
 * on a WAL file with the engine's defaults, driven by the engine's clock:
 * every simulated day the readers take, return, queue and look at verdicts,
 * the host ticks and delivers the outbox (to a notifier that accepts all),
 * and some readers sign in with their ticket number and password (one in
 * four with a wrong one), which writes the audit log.
 * Every PERIOD days it prints throughput, latency percentiles per operation,
 * the size of the database (with its WAL) and the process's resident memory,
 * the rows of the audit log and of the sessions, so that growth over time
 * is visible: memory must stay flat, the outbox must stop growing once its
 * retention (30 days) prunes, and the audit log once its retention (365 days
 * by default, --audit-days) does. Each successful sign-in keeps its session
 * row (sessions are not pruned). Passwords are hashed at the minimum cost
 * (LEND_PASSWORD_COST_MIN): the soak measures the engine, not Argon2.
 *
 * Prints figures, never a verdict (see bench/README.md).
 * Usage: bench-soak [--quick] [--days N] [--readers N] [--ops-per-day N] [--audit-days N]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lend.h>
#include <lend/sys/notifier.h>

#define DAY 86400
#define T0 1780000000
#define PERIOD 30

enum { OP_TAKE, OP_RETURN, OP_JOIN, OP_VERDICT, OP_TICK, OP_DELIVER, OP_SIGNIN, OP_KINDS };

#define PASSWORD "Soak-Password-1"
#define SIGNERS 500 /* the readers with a password */

static int64_t g_now = T0;

static int64_t soak_clock(void *ud)
{
	(void)ud;
	return g_now;
}

static int accept_all(void *ud, const lend_notification *n, const char **errmsg)
{
	(void)ud;
	(void)n;
	(void)errmsg;
	return 0;
}

static double mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static long rss_kib(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = -1;
	fclose(f);
	return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static long long file_kib(const char *path)
{
	struct stat st;
	char wal[700];
	long long total = 0;
	if (stat(path, &st) == 0)
		total += st.st_size;
	snprintf(wal, sizeof wal, "%s-wal", path);
	if (stat(wal, &st) == 0)
		total += st.st_size;
	return total / 1024;
}

/* Latencies of one period, per operation. */
typedef struct lat {
	double *us;
	size_t n, cap;
} lat;

static void lat_add(lat *l, double us)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		double *p = realloc(l->us, l->cap * sizeof *p);
		if (!p) {
			fprintf(stderr, "out of memory\n");
			exit(1);
		}
		l->us = p;
	}
	l->us[l->n++] = us;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double pct(lat *l, double p)
{
	if (!l->n)
		return 0;
	size_t i = (size_t)(p * (double)(l->n - 1));
	return l->us[i];
}

static void die(lend_engine *e, const char *what, int rc)
{
	fprintf(stderr, "bench-soak: %s: %s (%s)\n", what, lend_strerror(rc), e ? lend_engine_errmsg(e) : "");
	exit(1);
}

/* Rows of the audit log, and sessions of the readers who sign in. */
static long audit_rows(lend_engine *e, const lend_actor *admin)
{
	lend_audit *log = NULL;
	int rc = lend_audit_list(e, admin, 0, 0, 0, &log);
	if (rc != LEND_OK)
		die(e, "audit list", rc);
	long n = (long)lend_audit_count(log);
	lend_audit_free(log);
	return n;
}

static long session_rows(lend_engine *e, const lend_actor *admin, const int64_t *reader, int n)
{
	long total = 0;
	for (int i = 0; i < n; i++) {
		lend_sessions *l = NULL;
		int rc = lend_session_list(e, admin, reader[i], &l);
		if (rc != LEND_OK)
			die(e, "session list", rc);
		total += (long)lend_sessions_count(l);
		lend_sessions_free(l);
	}
	return total;
}

#define OK(e, what, call)                                                                                          \
	do {                                                                                                       \
		int rc_ = (call);                                                                                  \
		if (rc_ != LEND_OK)                                                                                \
			die((e), (what), rc_);                                                                     \
	} while (0)

int main(int argc, char **argv)
{
	int days = 180, readers = 3000, books = 400, ops_per_day = 3000, audit_days = -1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			days = 60;
			readers = 200;
			books = 40;
			ops_per_day = 150;
		} else if (!strcmp(argv[i], "--days") && i + 1 < argc) {
			days = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--readers") && i + 1 < argc) {
			readers = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--ops-per-day") && i + 1 < argc) {
			ops_per_day = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--audit-days") && i + 1 < argc) {
			audit_days = atoi(argv[++i]);
		} else {
			fprintf(stderr, "usage: bench-soak [--quick] [--days N] [--readers N] [--ops-per-day N] "
			                "[--audit-days N]\n");
			return 2;
		}
	}
	if (days < 1 || readers < 2 || ops_per_day < 1)
		return 2;
	char dir[] = "/tmp/lend-soak-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char path[600];
	snprintf(path, sizeof path, "%s/soak.db", dir);

	lend_options *o = NULL;
	lend_notifier nt;
	lend_notifier_init(&nt, LEND_NOTIFIER_VERSION);
	nt.deliver = accept_all;
	lend_engine *e = NULL;
	OK(NULL, "options", lend_options_new(&o));
	lend_options_set_clock(o, soak_clock, NULL);
	lend_options_set_notifier(o, &nt);
	lend_options_set_password_cost(o, LEND_PASSWORD_COST_MIN);
	if (audit_days >= 0)
		OK(NULL, "audit retention", lend_options_set_audit_retention(o, (int64_t)audit_days * DAY));
	OK(e, "open", lend_engine_open(&e, path, o));
	lend_options_free(o);
	lend_actor *admin = NULL;
	OK(e, "admin", lend_actor_admin(e, &admin));

	/* The library, its readers and fund (one call each: setup is not timed). */
	lend_library *lib = NULL;
	int64_t lib_id = 0;
	OK(e, "library", lend_library_new(&lib));
	lend_library_set_name(lib, "Soak library");
	OK(e, "library add", lend_library_add(e, admin, lib, &lib_id));
	lend_library_free(lib);
	OK(e, "budget", lend_budget_add(e, admin, lib_id, (int64_t)1 << 40, "soak"));
	int64_t *reader = calloc((size_t)readers, sizeof *reader), *ticket = calloc((size_t)readers, sizeof *ticket);
	int64_t *book = calloc((size_t)books, sizeof *book);
	lend_actor **actor = calloc((size_t)readers, sizeof *actor);
	int signers = readers < SIGNERS ? readers : SIGNERS;
	char(*number)[64] = calloc((size_t)signers, sizeof *number);
	if (!reader || !ticket || !book || !actor || !number)
		return 1;
	double t_setup = mono_us();
	for (int i = 0; i < readers; i++) {
		lend_reader *r = NULL;
		lend_ticket *t = NULL;
		OK(e, "reader", lend_reader_new(&r));
		lend_reader_set_name(r, "Reader");
		OK(e, "reader add", lend_reader_add(e, admin, r, &reader[i]));
		lend_reader_free(r);
		OK(e, "ticket", lend_ticket_issue(e, admin, lib_id, reader[i], NULL, &t));
		ticket[i] = lend_ticket_id(t);
		if (i < SIGNERS) {
			snprintf(number[i], sizeof number[i], "%s", lend_ticket_number(t));
			OK(e, "password", lend_ticket_set_password(e, admin, ticket[i], PASSWORD, NULL));
		}
		lend_ticket_free(t);
		OK(e, "actor", lend_actor_reader(e, reader[i], &actor[i]));
	}
	for (int i = 0; i < books; i++) {
		lend_book *b = NULL;
		OK(e, "book", lend_book_new(&b));
		lend_book_set_title(b, "Soak title");
		lend_book_set_kind(b, i % 4 ? LEND_KIND_EBOOK : LEND_KIND_AUDIOBOOK);
		OK(e, "book add", lend_book_add(e, admin, b, &book[i]));
		lend_book_free(b);
		OK(e, "copies", lend_fund_add_copies(e, admin, lib_id, book[i], 1 + i % 3));
	}
	int signins_per_day = ops_per_day / 100 > 2 ? ops_per_day / 100 : 2;
	printf("liblend soak: %d days, %d readers, %d titles, %d reader operations and %d sign-ins a day "
	       "(setup %.1f s)\n",
	       days, readers, books, ops_per_day, signins_per_day, (mono_us() - t_setup) / 1e6);
	printf("%6s %9s %8s %8s %8s %8s %8s %8s %8s %9s %9s %8s %8s\n", "day", "ops/s", "take50", "take99", "ret50",
	       "ret99", "tick99", "verd99", "sign99", "db KiB", "rss KiB", "audit", "sessions");

	lat l[OP_KINDS];
	memset(l, 0, sizeof l);
	unsigned s = 12345;
	long ops = 0;
	double period_start = mono_us();
	long rss_first = -1;
	for (int day = 1; day <= days; day++) {
		for (int k = 0; k < ops_per_day; k++) {
			g_now += DAY / ops_per_day;
			s = s * 1103515245u + 12345u;
			int r = (int)((s >> 8) % (unsigned)readers);
			/* Popular titles: a skewed choice. */
			unsigned x = (s >> 4) % 1000;
			int b = (int)((x * x / 1000) * (unsigned)books / 1000);
			int pick = (int)((s >> 20) % 100);
			double t0 = mono_us();
			int op;
			if (pick < 30) {
				op = OP_VERDICT;
				lend_availability *v = NULL;
				lend_availability_get(e, actor[r], ticket[r], book[b], &v);
				lend_availability_free(v);
			} else if (pick < 60) {
				op = OP_TAKE;
				lend_loan *ln = NULL;
				lend_take(e, actor[r], ticket[r], book[b], &ln);
				lend_loan_free(ln);
			} else if (pick < 80) {
				op = OP_RETURN;
				lend_loans *ls = NULL;
				if (lend_loan_list(e, actor[r], reader[r], 1, &ls) == LEND_OK && lend_loans_count(ls))
					lend_return(e, actor[r], lend_loan_id(lend_loans_get(ls, 0)));
				lend_loans_free(ls);
			} else {
				op = OP_JOIN;
				lend_hold *h = NULL;
				lend_queue_join(e, actor[r], ticket[r], book[b], &h);
				lend_hold_free(h);
			}
			lat_add(&l[op], mono_us() - t0);
			ops++;
		}
		for (int k = 0; k < signins_per_day; k++) {
			s = s * 1103515245u + 12345u;
			int r = (int)((s >> 8) % (unsigned)signers);
			int wrong = (s >> 20) % 4 == 0;
			lend_actor *a = NULL;
			double t0 = mono_us();
			int rc = lend_sign_in(e, LEND_LOGIN_TICKET, lib_id, number[r], wrong ? "Not-The-Password" : PASSWORD,
			                      "soak", &a);
			lat_add(&l[OP_SIGNIN], mono_us() - t0);
			if (rc != LEND_OK && !(wrong && (rc == LEND_EAUTH || rc == LEND_EDENIED)))
				die(e, "sign-in", rc);
			lend_actor_free(a);
		}
		double t0 = mono_us();
		OK(e, "tick", lend_engine_tick(e, NULL, NULL));
		lat_add(&l[OP_TICK], mono_us() - t0);
		t0 = mono_us();
		OK(e, "deliver", lend_engine_deliver(e, 0, NULL));
		lat_add(&l[OP_DELIVER], mono_us() - t0);
		if (day % PERIOD == 0 || day == days) {
			double secs = (mono_us() - period_start) / 1e6;
			for (int i = 0; i < OP_KINDS; i++)
				qsort(l[i].us, l[i].n, sizeof(double), cmp_double);
			long rss = rss_kib();
			if (rss_first < 0)
				rss_first = rss;
			printf("%6d %9.0f %8.0f %8.0f %8.0f %8.0f %8.0f %8.0f %8.0f %9lld %9ld %8ld %8ld\n", day,
			       (double)ops / secs, pct(&l[OP_TAKE], .5), pct(&l[OP_TAKE], .99), pct(&l[OP_RETURN], .5),
			       pct(&l[OP_RETURN], .99), pct(&l[OP_TICK], .99), pct(&l[OP_VERDICT], .99),
			       pct(&l[OP_SIGNIN], .99), file_kib(path), rss, audit_rows(e, admin),
			       session_rows(e, admin, reader, signers));
			fflush(stdout);
			for (int i = 0; i < OP_KINDS; i++)
				l[i].n = 0;
			ops = 0;
			period_start = mono_us();
		}
	}
	printf("latencies in microseconds (p50/p99 of the period); outbox retention 30 days, audit retention %s\n",
	       audit_days < 0 ? "365 days (default)" : audit_days == 0 ? "for ever" : "as given");
	printf("resident memory: %ld KiB after the first period, %ld KiB at the end\n", rss_first, rss_kib());
	lend_report *rep = NULL;
	OK(e, "check", lend_engine_check(e, &rep));
	printf("lend_engine_check: %zu problems\n", lend_report_count(rep));
	int bad = lend_report_count(rep) != 0;
	lend_report_free(rep);
	for (int i = 0; i < readers; i++)
		lend_actor_free(actor[i]);
	for (int i = 0; i < OP_KINDS; i++)
		free(l[i].us);
	free(actor);
	free(number);
	free(reader);
	free(ticket);
	free(book);
	lend_actor_free(admin);
	lend_engine_close(e);
	char wal[700];
	unlink(path);
	snprintf(wal, sizeof wal, "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", path);
	unlink(wal);
	rmdir(dir);
	return bad;
}
