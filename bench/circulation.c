/* bench/circulation.c — the circulation benchmark of liblend.
 *
 * Prints figures, never a verdict. Four measurements (see bench/README.md):
 *
 *  1. take + early return cycles, on ":memory:" and on a WAL file
 *     (synchronous=FULL, the engine's default), beside the raw-SQLite floor:
 *     the fewest statements any engine must run for the same operation on the
 *     same schema and the same data.
 *  2. the ratio engine/floor for take, return and the whole cycle.
 *  3. queue hand-offs: returns that hand the copy to the next reader in line,
 *     beside their floor.
 *  4. one lend_engine_tick() that ends a mass of loans due at the same time
 *     and hands the freed copies to the queues, beside a floor.
 *  5. the backends side by side: take + return cycles by 1, 4 and 16
 *     concurrent processes (each its own engine on the same store), a queue
 *     hand-off and a tick, on an SQLite WAL file and on PostgreSQL.
 *
 * The engine is driven only through lend.h; the floor uses raw SQLite on a
 * database whose schema (and data) the engine created. Every database is set
 * up through the public API: the file databases are built once as a "seed"
 * (in /dev/shm when there is one, so that setup does not pay an fsync per
 * call), then copied into the temporary directory, where the timed runs
 * happen, one fresh copy for the engine and one for the floor. The floor's
 * in-memory database is a sqlite3_backup of the same seed.
 *
 * Usage: bench-circulation [--quick] [--backend sqlite|postgres|both]
 *                          [--clients N,N,...] [--pg URI] [--sides-only]
 *
 * --backend postgres runs only section 5, on PostgreSQL; --sides-only runs
 * only section 5, on the backends chosen. The server is the
 * one of --pg, else of $LEND_BENCH_PG, else of $LEND_TEST_PG (see
 * scripts/pg.sh); without one, PostgreSQL is reported as not measured. Each
 * run makes a schema of its own there and drops it at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/vfs.h>
#endif

#include <lend.h>
#include <sqlite3.h>
#ifdef BENCH_HAVE_PQ
#include <libpq-fe.h>
#endif

#define DAY 86400
#define T0 1780000000 /* 2026-05-28: the driven clock starts here */
#define MAX_LOANS 20  /* the policy every benchmark library sets */
#define ROUNDS 5      /* engine and floor alternate in rounds; the median round is reported */

/* ------------------------------------------------------------ helpers */

static int64_t g_now = T0;

static int64_t driven_clock(void *ud)
{
	(void)ud;
	return g_now;
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char g_tmpdir[512], g_seeddir[512];
static char g_files[64][600];
static int g_nfiles;

static void cleanup(void)
{
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
	char p[700];
	for (int i = 0; i < g_nfiles; i++)
		for (size_t k = 0; k < sizeof sfx / sizeof sfx[0]; k++) {
			snprintf(p, sizeof p, "%.600s%s", g_files[i], sfx[k]);
			unlink(p);
		}
	if (g_tmpdir[0])
		rmdir(g_tmpdir);
	if (g_seeddir[0] && strcmp(g_seeddir, g_tmpdir) != 0)
		rmdir(g_seeddir);
}

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "bench-circulation: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

#define CHECK(e, call)                                                                                             \
	do {                                                                                                       \
		int rc_ = (call);                                                                                  \
		if (rc_ != LEND_OK)                                                                                \
			die("line %d: %s -> %s (reason %d): %s", __LINE__, #call, lend_strerror(rc_),           \
			    lend_engine_reason(e), lend_engine_errmsg(e));                                         \
	} while (0)

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		die("out of memory");
	return p;
}

/* A path in dir, registered for removal at exit. */
static const char *db_path(const char *dir, const char *name)
{
	if (g_nfiles == (int)(sizeof g_files / sizeof g_files[0]))
		die("too many files");
	char *p = g_files[g_nfiles++];
	snprintf(p, sizeof g_files[0], "%s/%s", dir, name);
	return p;
}

static void copy_file(const char *src, const char *dst)
{
	char buf[1 << 16];
	int in = open(src, O_RDONLY);
	if (in < 0)
		die("open %s: %s", src, strerror(errno));
	int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (out < 0)
		die("create %s: %s", dst, strerror(errno));
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0)
			die("read %s: %s", src, strerror(errno));
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0)
				die("write %s: %s", dst, strerror(errno));
			off += w;
		}
	}
	if (fsync(out) != 0)
		die("fsync %s: %s", dst, strerror(errno));
	close(in);
	close(out);
}

/* A fresh copy of a closed seed database (its WAL checkpointed away). */
static const char *copy_seed(const char *seed, const char *name)
{
	char wal[700];
	snprintf(wal, sizeof wal, "%s-wal", seed);
	struct stat sb;
	if (stat(wal, &sb) == 0 && sb.st_size > 0)
		die("%s still has a WAL file after the engine closed", seed);
	const char *dst = db_path(g_tmpdir, name);
	copy_file(seed, dst);
	return dst;
}

static const char *fs_name(const char *dir)
{
#ifdef __linux__
	struct statfs s;
	if (statfs(dir, &s) != 0)
		return "?";
	switch ((unsigned long)s.f_type) {
	case 0x01021994UL: return "tmpfs: fsync costs nothing here, set TMPDIR to a disk";
	case 0xEF53UL: return "ext4";
	case 0x58465342UL: return "xfs";
	case 0x9123683EUL: return "btrfs";
	case 0x794c7630UL: return "overlayfs";
	case 0x2FC12FC1UL: return "zfs";
	default: return "other";
	}
#else
	(void)dir;
	return "?";
#endif
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* ------------------------------------------------------------ the table */

static void rule(void)
{
	printf("  -------------------------+----------+-----------------------+-----------------------+--------\n");
}

static void table_head(void)
{
	printf("  %-24s | %-8s | %-21s | %-21s | %s\n", "operation", "database", "engine", "floor (raw SQLite)",
	       "engine/floor");
	rule();
}

static void fmt_rate(char *buf, size_t len, double us)
{
	snprintf(buf, len, "%8.2f µs %8.0f/s", us, us > 0 ? 1e6 / us : 0.0);
}

/* One row: per-operation times in µs; the ratio is engine time / floor time. */
static void table_row(const char *op, const char *db, double eng_us, double floor_us)
{
	char a[64], b[64];
	fmt_rate(a, sizeof a, eng_us);
	fmt_rate(b, sizeof b, floor_us);
	/* "µs" is 2 bytes and 1 column: pad by one byte more. */
	printf("  %-24s | %-8s | %-22s | %-22s | %5.2f×\n", op, db, a, b, floor_us > 0 ? eng_us / floor_us : 0.0);
}

/* -------------------------------------------------------- engine side */

typedef struct world {
	lend_engine *e;
	lend_actor *admin;
	int64_t lib;
	int64_t *reader, *ticket;
	lend_actor **actor; /* reader actors, made on demand */
	int nreaders;
	int64_t *book;
	int nbooks;
} world;

static void world_open(world *w, const char *path)
{
	memset(w, 0, sizeof *w);
	lend_options *o;
	if (lend_options_new(&o) != LEND_OK)
		die("out of memory");
	lend_options_set_clock(o, driven_clock, NULL);
	lend_options_set_busy_timeout(o, 60000); /* 16 processes queue for the write lock */
	int rc = lend_engine_open(&w->e, path, o);
	lend_options_free(o);
	if (rc != LEND_OK)
		die("open %s: %s", path, w->e ? lend_engine_errmsg(w->e) : lend_strerror(rc));
	CHECK(w->e, lend_actor_admin(w->e, &w->admin));
}

static void world_close(world *w)
{
	for (int i = 0; w->actor && i < w->nreaders; i++)
		lend_actor_free(w->actor[i]);
	free(w->actor);
	free(w->reader);
	free(w->ticket);
	free(w->book);
	lend_actor_free(w->admin);
	lend_engine_close(w->e);
	memset(w, 0, sizeof *w);
}

static void world_library(world *w)
{
	lend_library *l;
	CHECK(w->e, lend_library_new(&l));
	CHECK(w->e, lend_library_set_name(l, "Benchmark library"));
	CHECK(w->e, lend_library_add(w->e, w->admin, l, &w->lib));
	lend_library_free(l);
	CHECK(w->e, lend_policy_set(w->e, w->admin, w->lib, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, MAX_LOANS));
	CHECK(w->e, lend_policy_set(w->e, w->admin, w->lib, LEND_KIND_ANY, LEND_SETTING_SELF_SERVICE_LIMIT,
	                            LEND_UNLIMITED));
}

static void world_readers(world *w, int n)
{
	w->nreaders = n;
	w->reader = xcalloc((size_t)n, sizeof *w->reader);
	w->ticket = xcalloc((size_t)n, sizeof *w->ticket);
	w->actor = xcalloc((size_t)n, sizeof *w->actor);
	char name[64];
	for (int i = 0; i < n; i++) {
		lend_reader *r;
		lend_ticket *t;
		CHECK(w->e, lend_reader_new(&r));
		snprintf(name, sizeof name, "Reader %d", i);
		CHECK(w->e, lend_reader_set_name(r, name));
		CHECK(w->e, lend_reader_set_birth_date(r, 1990, 1, 1));
		CHECK(w->e, lend_reader_add(w->e, w->admin, r, &w->reader[i]));
		lend_reader_free(r);
		CHECK(w->e, lend_ticket_issue(w->e, w->admin, w->lib, w->reader[i], NULL, &t));
		w->ticket[i] = lend_ticket_id(t);
		lend_ticket_free(t);
	}
}

/* Take on ids of another world on the same data (a copy of its database). */
static void world_copy_ids(world *dst, const world *src)
{
	dst->lib = src->lib;
	dst->nreaders = src->nreaders;
	dst->reader = xcalloc((size_t)src->nreaders, sizeof *dst->reader);
	dst->ticket = xcalloc((size_t)src->nreaders, sizeof *dst->ticket);
	dst->actor = xcalloc((size_t)src->nreaders, sizeof *dst->actor);
	memcpy(dst->reader, src->reader, (size_t)src->nreaders * sizeof *dst->reader);
	memcpy(dst->ticket, src->ticket, (size_t)src->nreaders * sizeof *dst->ticket);
	dst->nbooks = src->nbooks;
	dst->book = xcalloc((size_t)src->nbooks, sizeof *dst->book);
	memcpy(dst->book, src->book, (size_t)src->nbooks * sizeof *dst->book);
}

static lend_actor *world_actor(world *w, int i)
{
	if (!w->actor[i])
		CHECK(w->e, lend_actor_reader(w->e, w->reader[i], &w->actor[i]));
	return w->actor[i];
}

static void world_books(world *w, int n, int copies)
{
	w->nbooks = n;
	w->book = xcalloc((size_t)n, sizeof *w->book);
	char title[64];
	for (int i = 0; i < n; i++) {
		lend_book *b;
		CHECK(w->e, lend_book_new(&b));
		snprintf(title, sizeof title, "Book %d", i);
		CHECK(w->e, lend_book_set_title(b, title));
		CHECK(w->e, lend_book_add_author(b, "A. Author"));
		CHECK(w->e, lend_book_add(w->e, w->admin, b, &w->book[i]));
		lend_book_free(b);
		if (copies > 0)
			CHECK(w->e, lend_fund_add_copies(w->e, w->admin, w->lib, w->book[i], copies));
	}
}

static int64_t world_take(world *w, lend_actor *a, int reader, int64_t book)
{
	lend_loan *l;
	CHECK(w->e, lend_take(w->e, a, w->ticket[reader], book, &l));
	int64_t id = lend_loan_id(l);
	lend_loan_free(l);
	return id;
}

/* The one active loan of reader i (for following hand-offs). */
static int64_t world_active_loan(world *w, int i, int64_t book)
{
	lend_loans *ls;
	CHECK(w->e, lend_loan_list(w->e, world_actor(w, i), w->reader[i], 1, &ls));
	int64_t id = 0;
	for (size_t k = 0; k < lend_loans_count(ls); k++)
		if (lend_loan_book_id(lend_loans_get(ls, k)) == book)
			id = lend_loan_id(lend_loans_get(ls, k));
	lend_loans_free(ls);
	if (!id)
		die("reader %d has no active loan of book %lld: the hand-off did not happen", i, (long long)book);
	return id;
}

/* --------------------------------------------------------- floor side */

enum {
	F_BEGIN,
	F_COMMIT,
	F_FUND_GET,
	F_LOAN_COUNT,
	F_LOAN_INSERT,
	F_FUND_UPDATE,
	F_NOTE_INSERT,
	F_LOAN_GET,
	F_LOAN_END,
	F_HOLD_FIRST,
	F_HOLD_SERVE,
	F_DUE_LIST,
	F_COUNT
};

static const char *const floor_sql[F_COUNT] = {
	[F_BEGIN] = "BEGIN IMMEDIATE",
	[F_COMMIT] = "COMMIT",
	[F_FUND_GET] = "SELECT copies, on_loan FROM fund WHERE library_id = ?1 AND book_id = ?2",
	[F_LOAN_COUNT] = "SELECT count(*) FROM loans WHERE reader_id = ?1 AND ended_at = 0",
	[F_LOAN_INSERT] = "INSERT INTO loans (ticket_id, reader_id, library_id, book_id, origin, issued_at, due_at, "
	                  "ended_at, end_reason, kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 0, ?8)",
	[F_FUND_UPDATE] = "UPDATE fund SET on_loan = on_loan + ?3, updated_at = ?4 WHERE library_id = ?1 AND book_id = ?2",
	[F_NOTE_INSERT] = "INSERT INTO notes (uuid, kind, reader_id, library_id, book_id, loan_id, created_at, detail, "
	                  "attempts, next_attempt_at, delivered_at, last_error) "
	                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?7, 0, '')",
	[F_LOAN_GET] = "SELECT ticket_id, reader_id, library_id, book_id, ended_at FROM loans WHERE id = ?1",
	[F_LOAN_END] = "UPDATE loans SET ended_at = ?2, end_reason = ?3 WHERE id = ?1",
	[F_HOLD_FIRST] = "SELECT id, ticket_id, reader_id FROM holds WHERE library_id = ?1 AND book_id = ?2 "
	                 "AND state = 1 ORDER BY id LIMIT 1",
	[F_HOLD_SERVE] = "UPDATE holds SET state = 2, ended_at = ?2, loan_id = ?3 WHERE id = ?1",
	[F_DUE_LIST] = "SELECT id, ticket_id, reader_id, library_id, book_id, due_at FROM loans "
	               "WHERE ended_at = 0 AND due_at <= ?1 ORDER BY due_at, id",
};

typedef struct floor_db {
	sqlite3 *db;
	sqlite3_stmt *st[F_COUNT];
	uint64_t rng;
} floor_db;

static void fdie(floor_db *f, const char *what)
{
	die("floor: %s: %s", what, sqlite3_errmsg(f->db));
}

static void floor_exec(floor_db *f, const char *sql)
{
	if (sqlite3_exec(f->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fdie(f, sql);
}

static void floor_prepare(floor_db *f)
{
	for (int i = 0; i < F_COUNT; i++)
		if (sqlite3_prepare_v3(f->db, floor_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &f->st[i], NULL) != SQLITE_OK)
			fdie(f, floor_sql[i]);
	f->rng = 0x9E3779B97F4A7C15ULL;
}

/* The floor on a copy of a seed file, as the engine opens it: WAL, FULL. */
static void floor_open_file(floor_db *f, const char *path)
{
	memset(f, 0, sizeof *f);
	if (sqlite3_open_v2(path, &f->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		fdie(f, path);
	floor_exec(f, "PRAGMA journal_mode=WAL");
	floor_exec(f, "PRAGMA synchronous=FULL");
	floor_prepare(f);
}

/* The floor in memory, loaded from a seed file. */
static void floor_open_memory(floor_db *f, const char *seed)
{
	memset(f, 0, sizeof *f);
	sqlite3 *src;
	/* read-write, so that its close checkpoints and removes the WAL */
	if (sqlite3_open_v2(seed, &src, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		die("floor: open %s: %s", seed, sqlite3_errmsg(src));
	if (sqlite3_open_v2(":memory:", &f->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		fdie(f, ":memory:");
	sqlite3_backup *b = sqlite3_backup_init(f->db, "main", src, "main");
	if (!b || sqlite3_backup_step(b, -1) != SQLITE_DONE)
		fdie(f, "backup");
	sqlite3_backup_finish(b);
	sqlite3_close(src);
	floor_prepare(f);
}

static void floor_close(floor_db *f)
{
	for (int i = 0; i < F_COUNT; i++)
		sqlite3_finalize(f->st[i]);
	sqlite3_close(f->db);
	memset(f, 0, sizeof *f);
}

/* Step a write to its end. */
static void frun(floor_db *f, int id)
{
	sqlite3_stmt *st = f->st[id];
	if (sqlite3_step(st) != SQLITE_DONE)
		fdie(f, floor_sql[id]);
	sqlite3_reset(st);
}

/* Step a query that must give a row; the caller reads it and resets. */
static sqlite3_stmt *frow(floor_db *f, int id)
{
	sqlite3_stmt *st = f->st[id];
	if (sqlite3_step(st) != SQLITE_ROW)
		fdie(f, floor_sql[id]);
	return st;
}

/* A random UUID (v4), as the engine stores one per notification. */
static void floor_uuid(floor_db *f, char out[37])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t w[2];
	for (int i = 0; i < 2; i++) { /* xorshift64* */
		f->rng ^= f->rng >> 12;
		f->rng ^= f->rng << 25;
		f->rng ^= f->rng >> 27;
		w[i] = f->rng * 0x2545F4914F6CDD1DULL;
	}
	unsigned char b[16];
	memcpy(b, w, 16);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	int o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
}

static void floor_note(floor_db *f, int kind, int64_t reader, int64_t lib, int64_t book, int64_t loan,
                       const char *detail)
{
	char uuid[37];
	floor_uuid(f, uuid);
	sqlite3_stmt *st = f->st[F_NOTE_INSERT];
	sqlite3_bind_text(st, 1, uuid, 36, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, kind);
	sqlite3_bind_int64(st, 3, reader);
	sqlite3_bind_int64(st, 4, lib);
	sqlite3_bind_int64(st, 5, book);
	sqlite3_bind_int64(st, 6, loan);
	sqlite3_bind_int64(st, 7, g_now);
	sqlite3_bind_text(st, 8, detail, -1, SQLITE_TRANSIENT);
	frun(f, F_NOTE_INSERT);
}

static void floor_fund_add(floor_db *f, int64_t lib, int64_t book, int delta)
{
	sqlite3_stmt *st = f->st[F_FUND_UPDATE];
	sqlite3_bind_int64(st, 1, lib);
	sqlite3_bind_int64(st, 2, book);
	sqlite3_bind_int(st, 3, delta);
	sqlite3_bind_int64(st, 4, g_now);
	frun(f, F_FUND_UPDATE);
}

/* INSERT the loan, UPDATE the fund, INSERT the notification. */
static int64_t floor_issue(floor_db *f, int64_t ticket, int64_t reader, int64_t lib, int64_t book, int origin)
{
	int64_t due = g_now + 14 * (int64_t)DAY;
	sqlite3_stmt *st = f->st[F_LOAN_INSERT];
	sqlite3_bind_int64(st, 1, ticket);
	sqlite3_bind_int64(st, 2, reader);
	sqlite3_bind_int64(st, 3, lib);
	sqlite3_bind_int64(st, 4, book);
	sqlite3_bind_int(st, 5, origin);
	sqlite3_bind_int64(st, 6, g_now);
	sqlite3_bind_int64(st, 7, due);
	sqlite3_bind_int(st, 8, LEND_KIND_EBOOK); /* the book's kind: every benchmark book is an e-book */
	frun(f, F_LOAN_INSERT);
	int64_t id = sqlite3_last_insert_rowid(f->db);
	floor_fund_add(f, lib, book, +1);
	char detail[64];
	time_t t = (time_t)due;
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(detail, sizeof detail, "due %04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	floor_note(f, origin == LEND_ORIGIN_QUEUE ? LEND_NOTE_QUEUE_HANDOFF : LEND_NOTE_LOAN_ISSUED, reader, lib, book,
	           id, detail);
	return id;
}

/* take = BEGIN IMMEDIATE; SELECT fund; SELECT count of the reader's active
 * loans; INSERT loan; UPDATE fund; INSERT notification; COMMIT. */
static int64_t floor_take(floor_db *f, int64_t ticket, int64_t reader, int64_t lib, int64_t book)
{
	frun(f, F_BEGIN);
	sqlite3_stmt *st = f->st[F_FUND_GET];
	sqlite3_bind_int64(st, 1, lib);
	sqlite3_bind_int64(st, 2, book);
	frow(f, F_FUND_GET);
	int copies = sqlite3_column_int(st, 0), on_loan = sqlite3_column_int(st, 1);
	sqlite3_reset(st);
	st = f->st[F_LOAN_COUNT];
	sqlite3_bind_int64(st, 1, reader);
	frow(f, F_LOAN_COUNT);
	int64_t active = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (on_loan >= copies || active >= MAX_LOANS)
		die("floor: take of book %lld refused (%d of %d on loan, %lld loans)", (long long)book, on_loan, copies,
		    (long long)active);
	int64_t id = floor_issue(f, ticket, reader, lib, book, LEND_ORIGIN_SELF);
	frun(f, F_COMMIT);
	return id;
}

/* return = BEGIN IMMEDIATE; SELECT loan; UPDATE loan; UPDATE fund; INSERT
 * notification; [hand-off: SELECT first waiting hold; INSERT loan; UPDATE
 * hold; UPDATE fund; INSERT notification;] COMMIT. Returns the hand-off's
 * loan id, or 0. */
static int64_t floor_return(floor_db *f, int64_t loan, int handoff)
{
	frun(f, F_BEGIN);
	sqlite3_stmt *st = f->st[F_LOAN_GET];
	sqlite3_bind_int64(st, 1, loan);
	frow(f, F_LOAN_GET);
	int64_t reader = sqlite3_column_int64(st, 1), lib = sqlite3_column_int64(st, 2),
	        book = sqlite3_column_int64(st, 3), ended = sqlite3_column_int64(st, 4);
	sqlite3_reset(st);
	if (ended)
		die("floor: loan %lld has already ended", (long long)loan);
	st = f->st[F_LOAN_END];
	sqlite3_bind_int64(st, 1, loan);
	sqlite3_bind_int64(st, 2, g_now);
	sqlite3_bind_int(st, 3, LEND_END_RETURNED);
	frun(f, F_LOAN_END);
	floor_fund_add(f, lib, book, -1);
	floor_note(f, LEND_NOTE_LOAN_ENDED, reader, lib, book, loan, "returned");
	int64_t next = 0;
	if (handoff) {
		st = f->st[F_HOLD_FIRST];
		sqlite3_bind_int64(st, 1, lib);
		sqlite3_bind_int64(st, 2, book);
		if (sqlite3_step(st) == SQLITE_ROW) {
			int64_t hold = sqlite3_column_int64(st, 0), ht = sqlite3_column_int64(st, 1),
			        hr = sqlite3_column_int64(st, 2);
			sqlite3_reset(st);
			next = floor_issue(f, ht, hr, lib, book, LEND_ORIGIN_QUEUE);
			st = f->st[F_HOLD_SERVE];
			sqlite3_bind_int64(st, 1, hold);
			sqlite3_bind_int64(st, 2, g_now);
			sqlite3_bind_int64(st, 3, next);
			frun(f, F_HOLD_SERVE);
		} else {
			sqlite3_reset(st);
		}
	}
	frun(f, F_COMMIT);
	return next;
}

/* The tick's floor: one transaction; SELECT the due loans; per loan UPDATE
 * loan, UPDATE fund, INSERT notification; per freed book SELECT the first
 * waiting hold and, if any, INSERT loan, UPDATE hold, UPDATE fund, INSERT
 * notification. */
static void floor_tick(floor_db *f, int64_t *ended_out, int64_t *handoffs_out)
{
	typedef struct due_row {
		int64_t id, ticket, reader, lib, book, due;
	} due_row;
	size_t n = 0, cap = 1024;
	due_row *rows = xcalloc(cap, sizeof *rows);
	frun(f, F_BEGIN);
	sqlite3_stmt *st = f->st[F_DUE_LIST];
	sqlite3_bind_int64(st, 1, g_now);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap *= 2;
			rows = realloc(rows, cap * sizeof *rows);
			if (!rows)
				die("out of memory");
		}
		due_row *r = &rows[n++];
		r->id = sqlite3_column_int64(st, 0);
		r->ticket = sqlite3_column_int64(st, 1);
		r->reader = sqlite3_column_int64(st, 2);
		r->lib = sqlite3_column_int64(st, 3);
		r->book = sqlite3_column_int64(st, 4);
		r->due = sqlite3_column_int64(st, 5);
	}
	if (rc != SQLITE_DONE)
		fdie(f, floor_sql[F_DUE_LIST]);
	sqlite3_reset(st);
	for (size_t i = 0; i < n; i++) {
		st = f->st[F_LOAN_END];
		sqlite3_bind_int64(st, 1, rows[i].id);
		sqlite3_bind_int64(st, 2, rows[i].due);
		sqlite3_bind_int(st, 3, LEND_END_EXPIRED);
		frun(f, F_LOAN_END);
		floor_fund_add(f, rows[i].lib, rows[i].book, -1);
		floor_note(f, LEND_NOTE_LOAN_ENDED, rows[i].reader, rows[i].lib, rows[i].book, rows[i].id,
		           "ended automatically");
	}
	/* Each freed (library, book) once; one library here, so the book id. */
	int64_t *books = xcalloc(n, sizeof *books);
	for (size_t i = 0; i < n; i++)
		books[i] = rows[i].book;
	qsort(books, n, sizeof *books, cmp_i64);
	int64_t handoffs = 0, lib = n ? rows[0].lib : 0;
	for (size_t i = 0; i < n; i++) {
		if (i && books[i] == books[i - 1])
			continue;
		st = f->st[F_HOLD_FIRST];
		sqlite3_bind_int64(st, 1, lib);
		sqlite3_bind_int64(st, 2, books[i]);
		if (sqlite3_step(st) == SQLITE_ROW) {
			int64_t hold = sqlite3_column_int64(st, 0), ht = sqlite3_column_int64(st, 1),
			        hr = sqlite3_column_int64(st, 2);
			sqlite3_reset(st);
			int64_t loan = floor_issue(f, ht, hr, lib, books[i], LEND_ORIGIN_QUEUE);
			st = f->st[F_HOLD_SERVE];
			sqlite3_bind_int64(st, 1, hold);
			sqlite3_bind_int64(st, 2, g_now);
			sqlite3_bind_int64(st, 3, loan);
			frun(f, F_HOLD_SERVE);
			handoffs++;
		} else {
			sqlite3_reset(st);
		}
	}
	frun(f, F_COMMIT);
	free(books);
	free(rows);
	*ended_out = (int64_t)n;
	*handoffs_out = handoffs;
}

/* ------------------------------------------------------------- sizes */

typedef struct sizes {
	int quick;
	/* 1. cycles */
	int cyc_readers, cyc_books, cyc_standing; /* standing loans per reader */
	int cyc_mem, cyc_wal;                     /* cycles per run */
	/* 3. hand-offs */
	int q_mem, q_wal; /* queue length = hand-offs measured */
	/* 4. tick */
	int tick_readers, tick_loans_each, tick_books, tick_copies, tick_queued;
} sizes;

static const sizes FULL = {0, 1000, 1000, 3, 40000, 3000, 4000, 1000, 10000, 10, 20000, 5, 10000};
static const sizes QUICK = {1, 50, 50, 3, 1000, 60, 200, 40, 200, 10, 400, 5, 200};

/* ------------------------------------------------- 1. take + return */

/* Each reader holds `standing` loans of "shelf" books (5 copies each), so
 * the counts the take makes are not of an empty shelf; the cycle books
 * (2 copies each) come after them. */
static void setup_cycles(world *w, const sizes *z)
{
	g_now = T0;
	world_library(w);
	world_readers(w, z->cyc_readers);
	int nshelf = z->cyc_readers * z->cyc_standing / 5;
	if (nshelf < z->cyc_standing)
		nshelf = z->cyc_standing;
	world_books(w, nshelf + z->cyc_books, 0);
	for (int i = 0; i < w->nbooks; i++)
		CHECK(w->e, lend_fund_add_copies(w->e, w->admin, w->lib, w->book[i], i < nshelf ? 5 : 2));
	for (int r = 0; r < z->cyc_readers; r++)
		for (int j = 0; j < z->cyc_standing; j++)
			world_take(w, w->admin, r, w->book[(r * z->cyc_standing + j) % nshelf]);
	/* the cycle books: the last cyc_books of w->book */
	memmove(w->book, w->book + nshelf, (size_t)z->cyc_books * sizeof *w->book);
	w->nbooks = z->cyc_books;
}

typedef struct cyc_times {
	double take, ret; /* seconds */
} cyc_times;

/* Cycles [from, to) on the engine: take by the reader, then return. */
static cyc_times engine_cycles(world *w, int from, int to)
{
	cyc_times t = {0, 0};
	for (int i = from; i < to; i++) {
		int r = i % w->nreaders;
		int64_t book = w->book[(i / w->nreaders + i) % w->nbooks];
		lend_actor *a = world_actor(w, r);
		g_now++;
		double t0 = mono();
		lend_loan *l;
		CHECK(w->e, lend_take(w->e, a, w->ticket[r], book, &l));
		int64_t id = lend_loan_id(l);
		lend_loan_free(l);
		double t1 = mono();
		g_now++;
		double t2 = mono();
		CHECK(w->e, lend_return(w->e, a, id));
		double t3 = mono();
		t.take += t1 - t0;
		t.ret += t3 - t2;
	}
	return t;
}

/* The same cycles on the floor, with the seed's ids. */
static cyc_times floor_cycles(floor_db *f, const world *ids, int from, int to)
{
	cyc_times t = {0, 0};
	for (int i = from; i < to; i++) {
		int r = i % ids->nreaders;
		int64_t book = ids->book[(i / ids->nreaders + i) % ids->nbooks];
		g_now++;
		double t0 = mono();
		int64_t id = floor_take(f, ids->ticket[r], ids->reader[r], ids->lib, book);
		double t1 = mono();
		g_now++;
		double t2 = mono();
		floor_return(f, id, 0);
		double t3 = mono();
		t.take += t1 - t0;
		t.ret += t3 - t2;
	}
	return t;
}

/* Alternate engine and floor in ROUNDS rounds over n cycles; print the
 * median round. */
static void run_cycles(const char *dbname, world *w, floor_db *f, const world *ids, int n)
{
	double et[ROUNDS], er[ROUNDS], ec[ROUNDS], ft[ROUNDS], fr[ROUNDS], fc[ROUNDS];
	g_now = T0 + 60;
	int64_t start = g_now;
	for (int k = 0; k < ROUNDS; k++) {
		int from = n * k / ROUNDS, to = n * (k + 1) / ROUNDS, m = to - from;
		g_now = start + 2 * (int64_t)from;
		cyc_times a = engine_cycles(w, from, to);
		g_now = start + 2 * (int64_t)from;
		cyc_times b = floor_cycles(f, ids, from, to);
		et[k] = a.take * 1e6 / m;
		er[k] = a.ret * 1e6 / m;
		ec[k] = (a.take + a.ret) * 1e6 / m;
		ft[k] = b.take * 1e6 / m;
		fr[k] = b.ret * 1e6 / m;
		fc[k] = (b.take + b.ret) * 1e6 / m;
	}
	table_row("take", dbname, median(et, ROUNDS), median(ft, ROUNDS));
	table_row("return (early)", dbname, median(er, ROUNDS), median(fr, ROUNDS));
	table_row("take+return cycle", dbname, median(ec, ROUNDS), median(fc, ROUNDS));
}

/* -------------------------------------------------- 3. hand-offs */

/* One book, one copy: reader 0 holds it, readers 1..q wait in line. */
static void setup_queue(world *w, int q)
{
	g_now = T0;
	world_library(w);
	world_readers(w, q + 1);
	world_books(w, 1, 1);
	world_take(w, w->admin, 0, w->book[0]);
	for (int i = 1; i <= q; i++) {
		g_now++;
		CHECK(w->e, lend_queue_join(w->e, w->admin, w->ticket[i], w->book[0], NULL));
	}
}

/* Steps [from, to): the holder of step i is reader i; his return hands the
 * copy to reader i+1. Only the lend_return is timed. */
static double engine_handoffs(world *w, int from, int to, int64_t *loan)
{
	double t = 0;
	for (int i = from; i < to; i++) {
		lend_actor *a = world_actor(w, i);
		g_now++;
		double t0 = mono();
		CHECK(w->e, lend_return(w->e, a, *loan));
		t += mono() - t0;
		*loan = world_active_loan(w, i + 1, w->book[0]);
	}
	return t;
}

static double floor_handoffs(floor_db *f, int from, int to, int64_t *loan)
{
	double t = 0;
	for (int i = from; i < to; i++) {
		g_now++;
		double t0 = mono();
		*loan = floor_return(f, *loan, 1);
		t += mono() - t0;
		if (!*loan)
			die("floor: no hand-off at step %d", i);
	}
	return t;
}

static void run_handoffs(const char *dbname, world *w, floor_db *f, int64_t first_loan, int q,
                         double *first_round, double *last_round)
{
	double e[ROUNDS], fl[ROUNDS];
	int64_t el = first_loan, flo = first_loan;
	int64_t start = g_now + 60;
	for (int k = 0; k < ROUNDS; k++) {
		int from = q * k / ROUNDS, to = q * (k + 1) / ROUNDS, m = to - from;
		g_now = start + from;
		e[k] = engine_handoffs(w, from, to, &el) * 1e6 / m;
		g_now = start + from;
		fl[k] = floor_handoffs(f, from, to, &flo) * 1e6 / m;
	}
	*first_round = e[0];
	*last_round = e[ROUNDS - 1];
	table_row("return + queue hand-off", dbname, median(e, ROUNDS), median(fl, ROUNDS));
}

/* -------------------------------------------------------- 4. tick */

/* tick_readers readers with tick_loans_each loans each, all issued at T0 so
 * all due at the same second; tick_books books of tick_copies copies, every
 * copy on loan; tick_queued more readers each waiting for one book. */
static void setup_tick(world *w, const sizes *z)
{
	g_now = T0;
	world_library(w);
	world_readers(w, z->tick_readers + z->tick_queued);
	world_books(w, z->tick_books, z->tick_copies);
	int64_t total = (int64_t)z->tick_readers * z->tick_loans_each;
	if (total != (int64_t)z->tick_books * z->tick_copies)
		die("tick sizes: %lld loans for %d copies", (long long)total, z->tick_books * z->tick_copies);
	/* loan k: reader k / each, book k % books: a reader's books are distinct
	 * and every book goes to exactly `copies` readers. */
	for (int64_t k = 0; k < total; k++)
		world_take(w, w->admin, (int)(k / z->tick_loans_each), w->book[k % z->tick_books]);
	for (int i = 0; i < z->tick_queued; i++)
		CHECK(w->e, lend_queue_join(w->e, w->admin, w->ticket[z->tick_readers + i],
		                            w->book[i % z->tick_books], NULL));
}

#define TICK_AT (T0 + 15 * (int64_t)DAY)

static void run_tick(const char *dbname, lend_engine *e, floor_db *f, const sizes *z)
{
	int64_t ended = 0, handoffs = 0, fended = 0, fhandoffs = 0;
	g_now = TICK_AT;
	double t0 = mono();
	CHECK(e, lend_engine_tick(e, &ended, &handoffs));
	double te = mono() - t0;
	t0 = mono();
	floor_tick(f, &fended, &fhandoffs);
	double tf = mono() - t0;
	int64_t want = (int64_t)z->tick_readers * z->tick_loans_each;
	printf("  %-8s | %9lld | %9lld | %9.3f s | %9lld | %9lld | %9.3f s | %5.2f×\n", dbname, (long long)ended,
	       (long long)handoffs, te, (long long)fended, (long long)fhandoffs, tf, tf > 0 ? te / tf : 0.0);
	if (ended != want || handoffs != z->tick_queued)
		printf("  note: the engine reported %lld ended and %lld hand-offs; %lld and %d were set up\n",
		       (long long)ended, (long long)handoffs, (long long)want, z->tick_queued);
}

/* ------------------------------------------- 5. the backends side by side */

/* A store to measure: an SQLite WAL file, or a schema of its own on the
 * PostgreSQL server. */
typedef struct store {
	int pg;
	char path[900];
	char schema[64];
} store;

static char g_pg_uri[700];

#ifdef BENCH_HAVE_PQ
static void pg_admin(const char *sql)
{
	PGconn *c = PQconnectdb(g_pg_uri);
	if (PQstatus(c) != CONNECTION_OK)
		die("PostgreSQL: %s", PQerrorMessage(c));
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		die("PostgreSQL: %s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
}

/* The server's version, or NULL when there is no server to measure. */
static const char *pg_server(char *buf, size_t n)
{
	if (!g_pg_uri[0])
		return NULL;
	PGconn *c = PQconnectdb(g_pg_uri);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "bench-circulation: PostgreSQL not measured: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	int v = PQserverVersion(c);
	snprintf(buf, n, "PostgreSQL %d.%d on %s:%s", v / 10000, v % 10000, PQhost(c), PQport(c));
	PQfinish(c);
	return buf;
}
#else
static void pg_admin(const char *sql)
{
	die("built without libpq: %s", sql);
}

static const char *pg_server(char *buf, size_t n)
{
	(void)buf;
	(void)n;
	return NULL;
}
#endif

static void store_new(store *s, int pg, const char *tag)
{
	memset(s, 0, sizeof *s);
	s->pg = pg;
	if (!pg) {
		snprintf(s->path, sizeof s->path, "%s", db_path(g_tmpdir, tag));
		return;
	}
	char sql[200];
	snprintf(s->schema, sizeof s->schema, "lend_bench_%ld_%s", (long)getpid(), tag);
	snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", s->schema, s->schema);
	pg_admin(sql);
	snprintf(s->path, sizeof s->path, "%s%soptions=-csearch_path%%3D%s", g_pg_uri, strchr(g_pg_uri, '?') ? "&" : "?",
	         s->schema);
}

static void store_drop(store *s)
{
	if (s->pg) {
		char sql[120];
		snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", s->schema);
		pg_admin(sql);
	}
}

/* Client k of c: cycles [0, n) on its own readers (k, k + c, ...) and books. */
static double client_cycles(world *w, int k, int c, int n)
{
	int nr = w->nreaders / c, nb = w->nbooks / c;
	double t0 = mono();
	for (int i = 0; i < n; i++) {
		int r = k + c * (i % nr);
		int64_t book = w->book[k + c * ((i / nr + i) % nb)];
		lend_actor *a = world_actor(w, r);
		g_now++;
		lend_loan *l;
		CHECK(w->e, lend_take(w->e, a, w->ticket[r], book, &l));
		int64_t id = lend_loan_id(l);
		lend_loan_free(l);
		g_now++;
		CHECK(w->e, lend_return(w->e, a, id));
	}
	return mono() - t0;
}

/* c processes at once, n cycles each; *wall: from the start signal to the
 * last one done; returns the mean time of one cycle as a client sees it. */
static double run_clients(const char *path, const world *ids, int c, int n, double *wall)
{
	int go[2], res[2];
	pid_t pid[64];
	if (pipe(go) != 0 || pipe(res) != 0)
		die("pipe: %s", strerror(errno));
	fflush(NULL);
	for (int k = 0; k < c; k++) {
		pid[k] = fork();
		if (pid[k] < 0)
			die("fork: %s", strerror(errno));
		if (pid[k] == 0) {
			close(go[1]);
			close(res[0]);
			world w;
			world_open(&w, path);
			world_copy_ids(&w, ids);
			char b;
			if (read(go[0], &b, 1) != 1)
				_exit(1);
			g_now = T0 + 60 + (int64_t)k * 4 * n; /* each client's clock on its own stretch */
			double t = client_cycles(&w, k, c, n);
			world_close(&w);
			if (write(res[1], &t, sizeof t) != (ssize_t)sizeof t)
				_exit(1);
			_exit(0);
		}
	}
	close(go[0]);
	close(res[1]);
	usleep(200 * 1000); /* let every client connect */
	double t0 = mono();
	for (int k = 0; k < c; k++)
		if (write(go[1], "g", 1) != 1)
			die("write: %s", strerror(errno));
	double sum = 0, t;
	for (int k = 0; k < c; k++) {
		if (read(res[0], &t, sizeof t) != (ssize_t)sizeof t)
			die("a client failed (see above)");
		sum += t;
	}
	*wall = mono() - t0;
	for (int k = 0; k < c; k++) {
		int st;
		waitpid(pid[k], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			die("client %d failed", k);
	}
	close(go[1]);
	close(res[0]);
	return sum / ((double)c * n);
}

typedef struct side_sizes {
	int readers, books, cycles; /* per client */
	int queue;
	sizes tick;
} side_sizes;

/* What one backend measures: cycle µs and cycles/s per client count, a
 * hand-off's µs, the tick's seconds. */
typedef struct side {
	double cyc_us[8], cyc_rate[8];
	double handoff_us;
	double tick_s;
	int64_t tick_ended;
} side;

static void measure_side(int pg, const side_sizes *z, const int *clients, int nclients, side *out)
{
	store st;
	world w, ids;

	/* cycles */
	store_new(&st, pg, "cycles");
	world_open(&w, st.path);
	g_now = T0;
	world_library(&w);
	world_readers(&w, z->readers);
	world_books(&w, z->books, 2);
	memset(&ids, 0, sizeof ids);
	world_copy_ids(&ids, &w);
	world_close(&w);
	for (int i = 0; i < nclients; i++) {
		double wall;
		out->cyc_us[i] = run_clients(st.path, &ids, clients[i], z->cycles, &wall) * 1e6;
		out->cyc_rate[i] = (double)clients[i] * z->cycles / wall;
	}
	world_close(&ids);
	store_drop(&st);

	/* hand-offs */
	store_new(&st, pg, "queue");
	world_open(&w, st.path);
	setup_queue(&w, z->queue);
	int64_t loan = world_active_loan(&w, 0, w.book[0]);
	g_now += 60;
	out->handoff_us = engine_handoffs(&w, 0, z->queue, &loan) * 1e6 / z->queue;
	world_close(&w);
	store_drop(&st);

	/* tick */
	store_new(&st, pg, "tick");
	world_open(&w, st.path);
	setup_tick(&w, &z->tick);
	g_now = TICK_AT;
	int64_t handoffs = 0;
	double t0 = mono();
	CHECK(w.e, lend_engine_tick(w.e, &out->tick_ended, &handoffs));
	out->tick_s = mono() - t0;
	world_close(&w);
	store_drop(&st);
}

static void side_cell(char *buf, size_t n, int have, double us, double rate)
{
	if (!have)
		snprintf(buf, n, "%s", "not measured");
	else if (rate > 0)
		snprintf(buf, n, "%9.1f µs %7.0f/s", us, rate);
	else
		snprintf(buf, n, "%9.1f µs", us);
}

static void side_row(const char *op, int clients, int have_sq, double sq_us, double sq_rate, int have_pg,
                     double pg_us, double pg_rate)
{
	char a[64], b[64];
	side_cell(a, sizeof a, have_sq, sq_us, sq_rate);
	side_cell(b, sizeof b, have_pg, pg_us, pg_rate);
	printf("  %-24s | %7d | %-*s | %s\n", op, clients, 26 + (have_sq ? 1 : 0), a, b);
}

static void run_sides(int quick, int want_sqlite, int want_pg, const int *clients, int nclients)
{
	static const side_sizes FULL5 = {64, 64, 150, 300, {0, 0, 0, 0, 0, 0, 0, 0, 1000, 5, 1000, 5, 1000}};
	static const side_sizes QUICK5 = {32, 32, 10, 20, {1, 0, 0, 0, 0, 0, 0, 0, 40, 5, 40, 5, 40}};
	const side_sizes *z = quick ? &QUICK5 : &FULL5;
	char server[200];
	const char *srv = want_pg ? pg_server(server, sizeof server) : NULL;
	side sq, pg;
	memset(&sq, 0, sizeof sq);
	memset(&pg, 0, sizeof pg);

	printf("\n5. SQLite and PostgreSQL side by side — each client is a process with its own engine on the same\n"
	       "   store; take + return cycles (%d per client, own readers and books), a return + queue hand-off\n"
	       "   (queue of %d, one client), one tick over %d loans due at once\n",
	       z->cycles, z->queue, z->tick.tick_readers * z->tick.tick_loans_each);
	printf("   SQLite: %s; WAL file in %s (%s), synchronous=FULL\n", want_sqlite ? "measured" : "not measured",
	       g_tmpdir, fs_name(g_tmpdir));
	printf("   PostgreSQL: %s\n", srv ? srv
	                                  : want_pg ? "not measured (no server: --pg URI, LEND_BENCH_PG or LEND_TEST_PG)"
	                                            : "not measured");
	printf("   µs: one operation as a client sees it; /s: operations per second of all clients together\n\n");
	double t = mono();
	if (want_sqlite)
		measure_side(0, z, clients, nclients, &sq);
	if (srv)
		measure_side(1, z, clients, nclients, &pg);
	printf("  %-24s | %-7s | %-26s | %s\n", "operation", "clients", "SQLite WAL file", "PostgreSQL");
	printf("  -------------------------+---------+----------------------------+---------------------------\n");
	for (int i = 0; i < nclients; i++)
		side_row("take+return cycle", clients[i], want_sqlite, sq.cyc_us[i], sq.cyc_rate[i], srv != NULL,
		         pg.cyc_us[i], pg.cyc_rate[i]);
	side_row("return + queue hand-off", 1, want_sqlite, sq.handoff_us, 0, srv != NULL, pg.handoff_us, 0);
	side_row("tick, per loan ended", 1, want_sqlite,
	         sq.tick_ended ? sq.tick_s * 1e6 / (double)sq.tick_ended : 0, 0, srv != NULL,
	         pg.tick_ended ? pg.tick_s * 1e6 / (double)pg.tick_ended : 0, 0);
	printf("  -------------------------+---------+----------------------------+---------------------------\n");
	printf("  (section 5: %.1f s, setup through the API included)\n", mono() - t);
}

/* ------------------------------------------------------------- main */

static void make_dirs(void)
{
	const char *base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	snprintf(g_tmpdir, sizeof g_tmpdir, "%s/lend-bench-XXXXXX", base);
	if (!mkdtemp(g_tmpdir))
		die("mkdtemp in %s: %s", base, strerror(errno));
	struct stat sb;
	if (stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) && access("/dev/shm", W_OK) == 0) {
		snprintf(g_seeddir, sizeof g_seeddir, "/dev/shm/lend-bench-XXXXXX");
		if (!mkdtemp(g_seeddir))
			snprintf(g_seeddir, sizeof g_seeddir, "%s", g_tmpdir);
	} else {
		snprintf(g_seeddir, sizeof g_seeddir, "%s", g_tmpdir);
	}
	atexit(cleanup);
}

int main(int argc, char **argv)
{
	const sizes *z = &FULL;
	int want_sqlite = 1, want_pg = 1, sides_only = 0, clients[8] = {1, 4, 16}, nclients = 3;
	const char *uri = getenv("LEND_BENCH_PG");
	if (!uri || !*uri)
		uri = getenv("LEND_TEST_PG");
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			z = &QUICK;
		} else if (strcmp(argv[i], "--backend") == 0 && i + 1 < argc) {
			const char *b = argv[++i];
			want_sqlite = strcmp(b, "sqlite") == 0 || strcmp(b, "both") == 0;
			want_pg = strcmp(b, "postgres") == 0 || strcmp(b, "both") == 0;
			if (!want_sqlite && !want_pg)
				goto usage;
		} else if (strcmp(argv[i], "--clients") == 0 && i + 1 < argc) {
			char *p = argv[++i], *end;
			for (nclients = 0; *p && nclients < 8; nclients++, p = *end ? end + 1 : end) {
				long c = strtol(p, &end, 10);
				if (end == p || c < 1 || c > 32 || (*end && *end != ','))
					goto usage;
				clients[nclients] = (int)c;
			}
			if (nclients == 0 || *p)
				goto usage;
		} else if (strcmp(argv[i], "--sides-only") == 0) {
			sides_only = 1;
		} else if (strcmp(argv[i], "--pg") == 0 && i + 1 < argc) {
			uri = argv[++i];
		} else {
			goto usage;
		}
	}
	if (uri && strlen(uri) >= sizeof g_pg_uri)
		die("the PostgreSQL URI is too long");
	snprintf(g_pg_uri, sizeof g_pg_uri, "%s", uri ? uri : "");
	setvbuf(stdout, NULL, _IOLBF, 0);
	make_dirs();
	double t_start = mono();
	if (!want_sqlite || sides_only) {
		printf("liblend %s circulation benchmark%s — section 5 only\n", lend_version_string(),
		       z->quick ? " (--quick)" : "");
		run_sides(z->quick, want_sqlite, want_pg, clients, nclients);
		printf("\ntotal run time %.1f s\n", mono() - t_start);
		return 0;
	}
	printf("liblend %s circulation benchmark%s — SQLite %s\n", lend_version_string(), z->quick ? " (--quick)" : "",
	       sqlite3_libversion());
	printf("WAL files in %s (%s); seeds built in %s\n", g_tmpdir, fs_name(g_tmpdir), g_seeddir);
	printf("engine = the public API (lend.h); floor = the fewest raw SQLite statements for the same operation\n"
	       "on the same schema and data; engine/floor = engine time / floor time (target <= 1.5×).\n"
	       "Times are the median of %d alternating engine/floor rounds.\n\n",
	       ROUNDS);

	/* ---- 1 + 2 */
	printf("1. take + early return — 1 library, %d readers each holding %d loans, %d books × 2 copies\n",
	       z->cyc_readers, z->cyc_standing, z->cyc_books);
	printf("   %d cycles on :memory:, %d on the WAL file (synchronous=FULL)\n", z->cyc_mem, z->cyc_wal);
	double t = mono();
	world seed;
	const char *seed_path = db_path(g_seeddir, "cycles-seed.db");
	world_open(&seed, seed_path);
	setup_cycles(&seed, z);
	/* keep the seed's ids for the floor and the WAL copy; close its engine */
	world ids;
	memset(&ids, 0, sizeof ids);
	world_copy_ids(&ids, &seed);
	world_close(&seed);
	world mem;
	world_open(&mem, ":memory:");
	setup_cycles(&mem, z);
	printf("   (setup %.1f s)\n\n", mono() - t);
	table_head();
	floor_db f;
	floor_open_memory(&f, seed_path);
	run_cycles("memory", &mem, &f, &ids, z->cyc_mem);
	floor_close(&f);
	world_close(&mem);
	world wal;
	world_open(&wal, copy_seed(seed_path, "cycles-engine.db"));
	world_copy_ids(&wal, &ids);
	floor_open_file(&f, copy_seed(seed_path, "cycles-floor.db"));
	run_cycles("WAL file", &wal, &f, &ids, z->cyc_wal);
	floor_close(&f);
	world_close(&wal);
	world_close(&ids);
	rule();

	/* ---- 3 */
	printf("\n3. queue hand-offs — 1 book × 1 copy, a queue of %d readers (:memory:) / %d (WAL file);\n"
	       "   each step is the holder's lend_return, which issues the copy to the next in line\n\n",
	       z->q_mem, z->q_wal);
	table_head();
	double first_mem = 0, last_mem = 0, first_wal = 0, last_wal = 0;
	for (int pass = 0; pass < 2; pass++) {
		int q = pass == 0 ? z->q_mem : z->q_wal;
		const char *sp = db_path(g_seeddir, pass == 0 ? "queue-mem-seed.db" : "queue-wal-seed.db");
		world_open(&seed, sp);
		setup_queue(&seed, q);
		int64_t first_loan = world_active_loan(&seed, 0, seed.book[0]);
		int64_t end_setup = g_now;
		world qids;
		memset(&qids, 0, sizeof qids);
		world_copy_ids(&qids, &seed);
		world_close(&seed);
		world qe;
		if (pass == 0) {
			world_open(&qe, ":memory:");
			setup_queue(&qe, q);
			floor_open_memory(&f, sp);
		} else {
			world_open(&qe, copy_seed(sp, "queue-engine.db"));
			world_copy_ids(&qe, &qids);
			floor_open_file(&f, copy_seed(sp, "queue-floor.db"));
		}
		int64_t el = world_active_loan(&qe, 0, qe.book[0]);
		if (el != first_loan)
			die("the engine's queue database differs from its seed (loan %lld vs %lld)", (long long)el,
			    (long long)first_loan);
		g_now = end_setup;
		run_handoffs(pass == 0 ? "memory" : "WAL file", &qe, &f, first_loan, q,
		             pass == 0 ? &first_mem : &first_wal, pass == 0 ? &last_mem : &last_wal);
		floor_close(&f);
		world_close(&qe);
		world_close(&qids);
	}
	rule();
	printf("  engine return + hand-off by queue length (the floor's does not depend on it):\n"
	       "    memory:   %8.2f µs in the first fifth (%d..%d waiting), %8.2f µs in the last (%d..1 waiting)\n"
	       "    WAL file: %8.2f µs in the first fifth (%d..%d waiting), %8.2f µs in the last (%d..1 waiting)\n",
	       first_mem, z->q_mem, z->q_mem - z->q_mem / ROUNDS + 1, last_mem, z->q_mem / ROUNDS, first_wal, z->q_wal,
	       z->q_wal - z->q_wal / ROUNDS + 1, last_wal, z->q_wal / ROUNDS);

	/* ---- 4 */
	printf("\n4. tick — %lld loans due at the same second (%d readers × %d loans; %d books × %d copies),\n"
	       "   %d of the books with 1 waiting reader; the clock moves 15 days on; ONE lend_engine_tick()\n",
	       (long long)z->tick_readers * z->tick_loans_each, z->tick_readers, z->tick_loans_each, z->tick_books,
	       z->tick_copies, z->tick_queued);
	t = mono();
	const char *tick_seed = db_path(g_seeddir, "tick-seed.db");
	world_open(&seed, tick_seed);
	setup_tick(&seed, z);
	world_close(&seed);
	double t_seed = mono() - t;
	t = mono();
	world_open(&mem, ":memory:");
	setup_tick(&mem, z);
	printf("   (setup through the API: %.1f s for the seed file, %.1f s in :memory:)\n\n", t_seed, mono() - t);
	printf("  %-8s | %9s | %9s | %11s | %9s | %9s | %11s | %s\n", "database", "ended", "hand-offs", "engine",
	       "ended", "hand-offs", "floor", "engine/floor");
	printf("  ---------+-----------+-----------+-------------+-----------+-----------+-------------+--------\n");
	floor_open_memory(&f, tick_seed);
	run_tick("memory", mem.e, &f, z);
	floor_close(&f);
	world_close(&mem);
	world_open(&wal, copy_seed(tick_seed, "tick-engine.db"));
	floor_open_file(&f, copy_seed(tick_seed, "tick-floor.db"));
	run_tick("WAL file", wal.e, &f, z);
	floor_close(&f);
	world_close(&wal);
	printf("  ---------+-----------+-----------+-------------+-----------+-----------+-------------+--------\n");

	/* ---- 5 */
	run_sides(z->quick, 1, want_pg, clients, nclients);
	printf("\ntotal run time %.1f s\n", mono() - t_start);
	return 0;

usage:
	fprintf(stderr,
	        "usage: %s [--quick] [--backend sqlite|postgres|both] [--clients N,N,...] [--pg URI] [--sides-only]\n",
	        argv[0]);
	return 2;
}
