/* tests/helpers.h — the fixture shared by liblend's cmocka tests.
 *
 * A fixture (th) is an engine on ":memory:" or on a temporary file (or, when
 * the tests run against PostgreSQL, on a fresh schema of the test server:
 * see th_backend_pg), driven by
 * a clock the test sets by hand (th_now), with an administrator actor, a
 * recording notifier that can be told to fail, and short helpers that make
 * libraries, readers, tickets, books and copies and assert that they worked.
 */
#ifndef LEND_TEST_HELPERS_H
#define LEND_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "lend.h"
#include "lend/sys/notifier.h"
#include "lend/sys/storage.h"

#define TH_DAY ((int64_t)86400)
#define TH_MINUTE ((int64_t)60)

/* ---------------------------------------------------------------- clock */

/* The driven clock: every engine opened by the helpers reads this. */
extern int64_t th_now;
int64_t th_clock(void *ud);
/* UTC seconds of a calendar date and time, and YYYYMMDD of a UTC time. */
int64_t th_utc(int y, int m, int d, int hh, int mi, int ss);
int th_ymd(int64_t t);
/* The default start of every fixture: 2026-01-12 10:00:00 UTC (a Monday). */
#define TH_START th_utc(2026, 1, 12, 10, 0, 0)

/* ------------------------------------------------------------- notifier */

#define TH_MAX_SEEN 512
typedef struct th_recorder {
	int calls;     /* deliver() calls */
	int delivered; /* successful ones */
	int fail;      /* non-zero: deliver() fails */
	int by_kind[16];
	size_t nseen;
	char seen[TH_MAX_SEEN][40]; /* uuids of the successful deliveries */
} th_recorder;

/* A notifier that records into rec (which must outlive the engine). */
void th_recorder_notifier(th_recorder *rec, lend_notifier *out);

/* -------------------------------------------------------------- fixture */

enum { TH_MEMORY = 0, TH_FILE = 1 };

#define TH_MAX_ACTORS 128
typedef struct th {
	lend_engine *e;
	lend_actor *admin;
	char path[512]; /* "" for ":memory:"; a connection URI on PostgreSQL */
	char pg_schema[48]; /* PostgreSQL: the fixture's own schema, dropped by th_free */
	th_recorder rec;
	lend_actor *actors[TH_MAX_ACTORS];
	size_t nactors;
} th;

/* Open a fresh fixture (the clock is set to TH_START). th_free closes the
 * engine, frees the actors and removes the temporary database. */
th *th_new(int where);
void th_free(th *t);
/* Close and reopen the engine on the same file (TH_FILE only); or close it
 * alone (the actors too), keeping the file, and open it again later. */
void th_reopen(th *t);
void th_close_engine(th *t);
void th_open_engine(th *t);

/* cmocka setup/teardown that put a fixture in *state. */
int th_setup_memory(void **state);
int th_setup_file(void **state);
int th_teardown(void **state);

/* --------------------------------------------------------------- makers */

/* Each asserts success and returns the new id. */
int64_t th_library(th *t, const char *name, int64_t budget);
/* y == 0: no birth date. */
int64_t th_reader(th *t, const char *name, int y, int m, int d);
int64_t th_ticket(th *t, int64_t library_id, int64_t reader_id);

typedef struct th_book_opts {
	const char *title;    /* default "Book" */
	int kind;             /* default LEND_KIND_EBOOK */
	int64_t price;        /* default 0 */
	const char *currency; /* default "RUB" */
	int age;              /* default 0 */
	int not_lendable;     /* default lendable */
	int64_t release_at;   /* default 0 */
} th_book_opts;
int64_t th_book_ex(th *t, const th_book_opts *o);
int64_t th_book(th *t, const char *title, int kind, int64_t price, int age);
void th_copies(th *t, int64_t library_id, int64_t book_id, int n);

/* Actors owned by the fixture (freed by th_free). */
lend_actor *th_as_reader(th *t, int64_t reader_id);
lend_actor *th_as_librarian(th *t, int64_t reader_id);

/* ------------------------------------------------------------- readings */

/* lend_engine_check() reports nothing (prints what it reports otherwise). */
void th_check_clean(th *t);
/* The fund of (library, book); returns the status (LEND_ENOTFOUND if none)
 * and fills the outs that are not NULL (0 when absent). */
int th_fund(th *t, int64_t library_id, int64_t book_id, int *copies, int *on_loan, int *waiting);
int64_t th_budget(th *t, int64_t library_id);
size_t th_outbox_count(th *t, int pending_only);
/* Outbox rows of a kind (0: any) and, if loan_id != 0, of that loan. */
size_t th_outbox_count_of(th *t, int kind, int64_t loan_id);
size_t th_loan_count(th *t, int64_t reader_id, int active_only);
/* The reader's active loan of a book (0 if none). */
int64_t th_active_loan_of(th *t, int64_t reader_id, int64_t book_id);
/* A hold's state, position and wait estimate (asserts the read works). */
void th_hold(th *t, int64_t hold_id, int *state, int *position, int64_t *wait_until, int64_t *loan_id);

/* -------------------------------------------------------------- backend */

/* The backend every fixture opens: SQLite by default; PostgreSQL when the
 * environment has LEND_TEST_BACKEND=postgres, on the server of the URI in
 * LEND_TEST_PG (scripts/pg.sh starts one and prints it). Without a URI, a
 * reachable server or libpq, such a test program exits 77 (skipped) with the
 * reason before any test runs — or fails if LEND_TEST_PG_REQUIRED=1 (CI). */
int th_backend_pg(void);
/* PostgreSQL: make a fresh empty schema (a store of its own) and write its
 * name and a URI whose search_path selects it; drop it with everything in it. */
void th_pg_store_new(char *uri, size_t n, char *schema, size_t sn);
void th_pg_store_drop(const char *schema);
/* PostgreSQL: run sql on the test server (another connection); asserts. */
void th_pg_exec(const char *sql);
/* A storage backend of its own on the fixture's store (SQLite file or
 * PostgreSQL schema), for tests that write rows underneath the engine;
 * close the engine first on SQLite. Asserts. */
void th_storage_open(th *t, lend_storage *s);

/* ------------------------------------------------------------- database */

/* An engine of its own on path (":memory:" or a file) with the given clock
 * (th_clock if NULL) and busy timeout, for tests that run several engines
 * or processes; NULL if it cannot be opened. */
lend_engine *th_engine_on(const char *path, lend_clock_fn clock, int busy_timeout_ms);

/* A new empty temporary file name (the file is created by mkstemp and left
 * empty, which SQLite accepts as a new database). */
void th_temp_path(char *buf, size_t n);
/* Remove a database file and its -wal, -shm and -journal companions. */
void th_remove_db(const char *path);
/* Copy a file byte for byte (asserts). */
void th_copy_file(const char *from, const char *to);
/* Every row of every table (sqlite_sequence included), tables by name, rows
 * in rowid order (primary-key order for WITHOUT ROWID tables), read through
 * a separate read-only connection. malloc'd; free() it. A PostgreSQL URI
 * (the fixture's path on PostgreSQL) dumps that store's tables likewise,
 * rows in the order of all their columns, sequences left out. */
char *th_dump_db(const char *path);

/* --------------------------------------------------------------- checks */

/* Print the engine's message when a call does not give the expected code. */
#define TH_RC(t, code, call)                                                                                       \
	do {                                                                                                       \
		int th_rc_ = (call);                                                                               \
		if (th_rc_ != (code))                                                                              \
			print_message("%s:%d: %s -> %d (%s), expected %d; engine says: %s (reason %d)\n", __FILE__, \
			              __LINE__, #call, th_rc_, lend_strerror(th_rc_), (int)(code),                 \
			              lend_engine_errmsg((t)->e), lend_engine_reason((t)->e));                     \
		assert_int_equal(th_rc_, (code));                                                                  \
	} while (0)
#define TH_OK(t, call) TH_RC(t, LEND_OK, call)
/* A refusal by a lending rule with this reason, and a message. */
#define TH_DENIED(t, why, call)                                                                                    \
	do {                                                                                                       \
		TH_RC(t, LEND_EDENIED, call);                                                                      \
		if (lend_engine_reason((t)->e) != (why))                                                           \
			print_message("%s:%d: reason %d (%s), expected %d (%s); message: %s\n", __FILE__, __LINE__,  \
			              lend_engine_reason((t)->e), lend_reason_string(lend_engine_reason((t)->e)),  \
			              (int)(why), lend_reason_string(why), lend_engine_errmsg((t)->e));            \
		assert_int_equal(lend_engine_reason((t)->e), (why));                                               \
		assert_true(lend_engine_errmsg((t)->e)[0] != '\0');                                                \
	} while (0)

#endif
