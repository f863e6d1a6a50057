/* tests/test_backend.c — the conformance suite of the storage backends: the
 * contract of lend/sys/storage.h tested directly through the vtable (no
 * engine). It runs on the built-in SQLite backend, and on the PostgreSQL
 * one with LEND_TEST_BACKEND=postgres (see tests/helpers.h), each fixture on
 * a store of its own; what only one backend has (SQLite files, PostgreSQL
 * connections) is tested in that backend's own group.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "helpers.h"
#include "lend/sys/postgres.h"
#include "lend/sys/storage.h"
#include "storage/sqlite/sq.h" /* sq__search_cache_limits */

/* ------------------------------------------------------------- helpers */

typedef struct fixture {
	lend_storage s;
	void *ud;
	char path[512]; /* "" for :memory:; PostgreSQL: the store's URI */
	char schema[48]; /* PostgreSQL: the store's schema */
} fixture;

static void remove_db(const char *path)
{
	char buf[96];

	if (path[0] == '\0')
		return;
	unlink(path);
	snprintf(buf, sizeof buf, "%s-wal", path);
	unlink(buf);
	snprintf(buf, sizeof buf, "%s-shm", path);
	unlink(buf);
	snprintf(buf, sizeof buf, "%s-journal", path);
	unlink(buf);
}

static void temp_path(char *out, size_t n)
{
	int fd;

	snprintf(out, n, "/tmp/lend-sqlite-test-XXXXXX");
	fd = mkstemp(out);
	assert_true(fd >= 0);
	close(fd); /* an empty file is an empty database */
}

static void open_or_fail(lend_storage *s, const char *path, int busy_ms)
{
	char err[256];
	int rc = lend_storage_sqlite(s, path, busy_ms, err, sizeof err);

	if (rc != LEND_OK)
		fail_msg("lend_storage_sqlite(%s): %d %s", path, rc, err);
}

/* A connection to the fixture's store (busy_ms > 0: that lock wait). */
static void open_store(lend_storage *s, const fixture *f, int busy_ms)
{
	char uri[600], err[256];
	int rc;

	if (!th_backend_pg()) {
		open_or_fail(s, f->path[0] ? f->path : ":memory:", busy_ms);
		return;
	}
	/* options=... is the URI's last parameter: add to it. */
	snprintf(uri, sizeof uri, "%s%%20-clock_timeout%%3D%d", f->path, busy_ms > 0 ? busy_ms : 5000);
	rc = lend_storage_postgres(s, uri, err, sizeof err);
	if (rc != LEND_OK)
		fail_msg("lend_storage_postgres(%s): %d %s", uri, rc, err);
}

static int setup(void **state, int file)
{
	fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	if (th_backend_pg())
		th_pg_store_new(f->path, sizeof f->path, f->schema, sizeof f->schema);
	else if (file)
		temp_path(f->path, sizeof f->path);
	open_store(&f->s, f, 0);
	f->ud = f->s.userdata;
	*state = f;
	return 0;
}

static int setup_mem(void **state)
{
	return setup(state, 0);
}

/* A file (SQLite), so that a second connection can look. */
static int setup_file(void **state)
{
	return setup(state, 1);
}

static int teardown(void **state)
{
	fixture *f = *state;

	if (f->s.free != NULL)
		f->s.free(f->ud);
	if (f->schema[0])
		th_pg_store_drop(f->schema);
	else
		remove_db(f->path);
	free(f);
	return 0;
}

/* A string as stored: NULL reads back as NULL or "". */
static void check_str(const char *want, const char *got)
{
	if (want == NULL || want[0] == '\0')
		assert_true(got == NULL || got[0] == '\0');
	else {
		assert_non_null(got);
		assert_string_equal(want, got);
	}
}

/* Collected ids, with an optional early stop. */
typedef struct ids {
	int64_t v[64];
	int n;
	int stop_after; /* return stop_value from the stop_after-th row */
	int stop_value;
} ids;

static int collect(ids *c, int64_t id)
{
	if (c->n < 64)
		c->v[c->n] = id;
	c->n++;
	if (c->stop_after > 0 && c->n >= c->stop_after)
		return c->stop_value;
	return 0;
}

static void expect_ids(const ids *c, const int64_t *want, int n)
{
	int i;

	if (c->n != n) {
		char buf[512];
		size_t len = 0;
		for (i = 0; i < c->n && i < 64 && len < sizeof buf - 24; i++)
			len += (size_t)snprintf(buf + len, sizeof buf - len, " %lld", (long long)c->v[i]);
		buf[len] = '\0';
		fail_msg("expected %d rows, got %d:%s", n, c->n, buf);
	}
	for (i = 0; i < n; i++)
		assert_int_equal(want[i], c->v[i]);
}

#define EXPECT_IDS(c, ...)                                                                                         \
	expect_ids((c), (const int64_t[]){__VA_ARGS__}, (int)(sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t)))
#define EXPECT_NONE(c) assert_int_equal(0, (c)->n)

static int library_cb(void *ctx, const lend_sys_library *r)
{
	return collect(ctx, r->id);
}
static int ticket_cb(void *ctx, const lend_sys_ticket *r)
{
	return collect(ctx, r->id);
}
static int book_cb(void *ctx, const lend_sys_book *r)
{
	return collect(ctx, r->id);
}
static int fund_cb(void *ctx, const lend_sys_fund *r)
{
	return collect(ctx, r->library_id * 100 + r->book_id);
}
static int loan_cb(void *ctx, const lend_sys_loan *r)
{
	return collect(ctx, r->id);
}
static int hold_cb(void *ctx, const lend_sys_hold *r)
{
	return collect(ctx, r->id);
}
static int note_cb(void *ctx, const lend_sys_note *r)
{
	return collect(ctx, r->id);
}
static int ledger_cb(void *ctx, const lend_sys_ledger *r)
{
	return collect(ctx, r->id);
}
static int grant_cb(void *ctx, int64_t library_id)
{
	return collect(ctx, library_id);
}

/* Callbacks that compare a row with the expected one in ctx. */
static int library_eq(void *ctx, const lend_sys_library *r)
{
	const lend_sys_library *w = ctx;

	assert_int_equal(w->id, r->id);
	check_str(w->name, r->name);
	check_str(w->address, r->address);
	check_str(w->contacts, r->contacts);
	check_str(w->currency, r->currency);
	assert_int_equal(w->budget, r->budget);
	assert_int_equal(w->created_at, r->created_at);
	return 0;
}

static int reader_eq(void *ctx, const lend_sys_reader *r)
{
	const lend_sys_reader *w = ctx;

	assert_int_equal(w->id, r->id);
	check_str(w->name, r->name);
	assert_int_equal(w->birth_date, r->birth_date);
	assert_int_equal(w->created_at, r->created_at);
	return 0;
}

static int ticket_eq(void *ctx, const lend_sys_ticket *r)
{
	const lend_sys_ticket *w = ctx;

	assert_int_equal(w->id, r->id);
	assert_int_equal(w->library_id, r->library_id);
	assert_int_equal(w->reader_id, r->reader_id);
	check_str(w->number, r->number);
	assert_int_equal(w->valid_from, r->valid_from);
	assert_int_equal(w->valid_until, r->valid_until);
	assert_int_equal(w->blocked, r->blocked);
	assert_int_equal(w->created_at, r->created_at);
	return 0;
}

static int book_eq(void *ctx, const lend_sys_book *r)
{
	const lend_sys_book *w = ctx;

	assert_int_equal(w->id, r->id);
	assert_int_equal(w->kind, r->kind);
	check_str(w->title, r->title);
	check_str(w->authors, r->authors);
	assert_int_equal(w->age_rating, r->age_rating);
	assert_int_equal(w->price, r->price);
	check_str(w->currency, r->currency);
	assert_int_equal(w->lendable, r->lendable);
	assert_int_equal(w->release_at, r->release_at);
	assert_int_equal(w->created_at, r->created_at);
	return 0;
}

static int loan_eq(void *ctx, const lend_sys_loan *r)
{
	const lend_sys_loan *w = ctx;

	assert_int_equal(w->id, r->id);
	assert_int_equal(w->ticket_id, r->ticket_id);
	assert_int_equal(w->reader_id, r->reader_id);
	assert_int_equal(w->library_id, r->library_id);
	assert_int_equal(w->book_id, r->book_id);
	assert_int_equal(w->origin, r->origin);
	assert_int_equal(w->issued_at, r->issued_at);
	assert_int_equal(w->due_at, r->due_at);
	assert_int_equal(w->ended_at, r->ended_at);
	assert_int_equal(w->end_reason, r->end_reason);
	assert_int_equal(w->kind, r->kind);
	return 0;
}

static int hold_eq(void *ctx, const lend_sys_hold *r)
{
	const lend_sys_hold *w = ctx;

	assert_int_equal(w->id, r->id);
	assert_int_equal(w->library_id, r->library_id);
	assert_int_equal(w->book_id, r->book_id);
	assert_int_equal(w->ticket_id, r->ticket_id);
	assert_int_equal(w->reader_id, r->reader_id);
	assert_int_equal(w->joined_at, r->joined_at);
	assert_int_equal(w->suspended_until, r->suspended_until);
	assert_int_equal(w->state, r->state);
	assert_int_equal(w->ended_at, r->ended_at);
	assert_int_equal(w->loan_id, r->loan_id);
	return 0;
}

static int note_eq(void *ctx, const lend_sys_note *r)
{
	const lend_sys_note *w = ctx;

	assert_int_equal(w->id, r->id);
	check_str(w->uuid, r->uuid);
	assert_int_equal(w->kind, r->kind);
	assert_int_equal(w->reader_id, r->reader_id);
	assert_int_equal(w->library_id, r->library_id);
	assert_int_equal(w->book_id, r->book_id);
	assert_int_equal(w->loan_id, r->loan_id);
	assert_int_equal(w->created_at, r->created_at);
	check_str(w->detail, r->detail);
	assert_int_equal(w->attempts, r->attempts);
	assert_int_equal(w->next_attempt_at, r->next_attempt_at);
	assert_int_equal(w->delivered_at, r->delivered_at);
	check_str(w->last_error, r->last_error);
	return 0;
}

static int ledger_eq(void *ctx, const lend_sys_ledger *r)
{
	const lend_sys_ledger *w = ctx;

	assert_int_equal(w->id, r->id);
	assert_int_equal(w->library_id, r->library_id);
	assert_int_equal(w->at, r->at);
	assert_int_equal(w->amount, r->amount);
	assert_int_equal(w->kind, r->kind);
	assert_int_equal(w->book_id, r->book_id);
	assert_int_equal(w->actor_id, r->actor_id);
	check_str(w->note, r->note);
	return 0;
}

static int never_cb(void *ctx, const lend_sys_loan *r)
{
	(void)ctx;
	(void)r;
	fail_msg("callback called for a missing row");
	return 0;
}

/* Read the stored schema_version directly. */
static int64_t raw_value(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	assert_int_equal(SQLITE_OK, sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL));
	assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(db, sql, -1, &st, NULL));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static int64_t raw_schema_version(const char *path)
{
	return raw_value(path, "SELECT value FROM meta WHERE key = 'schema_version'");
}

/* ---------------------------------------------------------------- open */

static void test_open_memory(void **state)
{
	lend_storage s;
	char err[128];
	(void)state;

	memset(&s, 0xAB, sizeof s);
	assert_int_equal(LEND_OK, lend_storage_sqlite(&s, ":memory:", 0, err, sizeof err));
	assert_int_equal(LEND_STORAGE_VERSION, s.version);
	assert_non_null(s.userdata);
	assert_non_null(s.free);
	assert_non_null(s.errmsg);
	assert_non_null(s.begin);
	assert_non_null(s.commit);
	assert_non_null(s.rollback);
	assert_non_null(s.library_insert);
	assert_non_null(s.library_update);
	assert_non_null(s.library_get);
	assert_non_null(s.library_list);
	assert_non_null(s.grant_insert);
	assert_non_null(s.grant_delete);
	assert_non_null(s.grant_list);
	assert_non_null(s.reader_insert);
	assert_non_null(s.reader_update);
	assert_non_null(s.reader_get);
	assert_non_null(s.ticket_insert);
	assert_non_null(s.ticket_update);
	assert_non_null(s.ticket_get);
	assert_non_null(s.ticket_find);
	assert_non_null(s.ticket_list);
	assert_non_null(s.book_insert);
	assert_non_null(s.book_update);
	assert_non_null(s.book_get);
	assert_non_null(s.book_list);
	assert_non_null(s.fund_get);
	assert_non_null(s.fund_put);
	assert_non_null(s.fund_list);
	assert_non_null(s.loan_insert);
	assert_non_null(s.loan_update);
	assert_non_null(s.loan_get);
	assert_non_null(s.loan_list);
	assert_non_null(s.loan_count);
	assert_non_null(s.hold_insert);
	assert_non_null(s.hold_update);
	assert_non_null(s.hold_get);
	assert_non_null(s.hold_list);
	assert_non_null(s.hold_count);
	assert_non_null(s.note_insert);
	assert_non_null(s.note_update);
	assert_non_null(s.note_list);
	assert_non_null(s.policy_list);
	assert_non_null(s.policy_put);
	assert_non_null(s.policy_delete);
	assert_non_null(s.ledger_insert);
	assert_non_null(s.ledger_list);
	assert_string_equal("", s.errmsg(s.userdata));
	assert_string_equal("", s.errmsg(NULL));
	s.free(s.userdata);
	s.free(NULL);
}

static void test_open_errors(void **state)
{
	lend_storage s;
	char err[128];
	unsigned char zero[sizeof(lend_storage)];
	(void)state;

	memset(zero, 0, sizeof zero);

	memset(&s, 0xAB, sizeof s);
	assert_int_equal(LEND_EINVAL, lend_storage_sqlite(&s, NULL, 0, err, sizeof err));
	assert_memory_equal(zero, &s, sizeof s);
	assert_true(err[0] != '\0');

	/* A directory is no database. */
	memset(&s, 0xAB, sizeof s);
	err[0] = '\0';
	assert_int_equal(LEND_ESTORAGE, lend_storage_sqlite(&s, "/", 0, err, sizeof err));
	assert_memory_equal(zero, &s, sizeof s);
	assert_true(err[0] != '\0');

	/* errbuf is optional, and errlen is respected. */
	assert_int_equal(LEND_ESTORAGE, lend_storage_sqlite(&s, "/nonexistent-dir/x/y.db", 0, NULL, 0));
	memset(err, 'x', sizeof err);
	assert_int_equal(LEND_ESTORAGE, lend_storage_sqlite(&s, "/nonexistent-dir/x/y.db", 0, err, 8));
	assert_true(strlen(err) <= 7);
	assert_int_equal('x', err[8]);
}

static void test_open_not_a_database(void **state)
{
	char path[64], err[256];
	lend_storage s;
	FILE *fp;
	(void)state;

	temp_path(path, sizeof path);
	fp = fopen(path, "w");
	assert_non_null(fp);
	for (int i = 0; i < 200; i++)
		fputs("this is not an SQLite database at all. ", fp);
	fclose(fp);
	assert_int_equal(LEND_ESTORAGE, lend_storage_sqlite(&s, path, 0, err, sizeof err));
	assert_true(err[0] != '\0');
	assert_null(s.userdata);
	remove_db(path);
}

static void test_reopen_keeps_data(void **state)
{
	char path[64];
	lend_storage s;
	lend_sys_library lib = {0, "Central", "Main st. 1", NULL, "RUB", 1000, 42};
	(void)state;

	temp_path(path, sizeof path);
	open_or_fail(&s, path, 0);
	assert_int_equal(LEND_OK, s.begin(s.userdata, 1));
	assert_int_equal(LEND_OK, s.library_insert(s.userdata, &lib));
	assert_int_equal(LEND_OK, s.commit(s.userdata));
	s.free(s.userdata);
	/* Every migration applied (the core's and one per area). */
	int64_t version = raw_schema_version(path);
	assert_true(version >= 5);

	/* Reopen twice: migrations do not run again (they would fail on the
	 * existing tables) and the row is still there. */
	for (int i = 0; i < 2; i++) {
		open_or_fail(&s, path, 0);
		assert_int_equal(LEND_OK, s.library_get(s.userdata, lib.id, library_eq, &lib));
		s.free(s.userdata);
		assert_int_equal(version, raw_schema_version(path));
	}
	remove_db(path);
}

static void test_newer_schema_refused(void **state)
{
	char path[64], err[256];
	lend_storage s;
	sqlite3 *db;
	(void)state;

	temp_path(path, sizeof path);
	open_or_fail(&s, path, 0);
	s.free(s.userdata);

	assert_int_equal(SQLITE_OK, sqlite3_open(path, &db));
	assert_int_equal(SQLITE_OK,
	                 sqlite3_exec(db, "UPDATE meta SET value = 99 WHERE key = 'schema_version'", NULL, NULL, NULL));
	sqlite3_close(db);

	assert_int_equal(LEND_ESTORAGE, lend_storage_sqlite(&s, path, 0, err, sizeof err));
	assert_non_null(strstr(err, "99"));
	assert_null(s.free);
	assert_int_equal(99, raw_schema_version(path));
	remove_db(path);
}

/* Every suggestion row, "prefix nscore book" lines, in key order. */
static char *prefix_rows(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t cap = 1 << 16, len = 0;
	char *out = calloc(cap, 1);
	assert_non_null(out);
	assert_int_equal(SQLITE_OK, sqlite3_open(path, &db));
	assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(db, "SELECT prefix, nscore, book_id FROM search_prefix", -1, &st,
	                                               NULL));
	while (sqlite3_step(st) == SQLITE_ROW) {
		len += (size_t)snprintf(out + len, cap - len, "%s %lld %lld\n", (const char *)sqlite3_column_text(st, 0),
		                        (long long)sqlite3_column_int64(st, 1), (long long)sqlite3_column_int64(st, 2));
		assert_true(len < cap);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

/* Schema version 8 made the suggestion rows of prefixes up to 8
 * characters from the stored terms: a version-7 database (rows of at most 3
 * characters) gets exactly the rows the indexing itself writes now. */
static void test_search_prefix_migration(void **state)
{
	char path[64];
	lend_storage s;
	sqlite3 *db;
	(void)state;
	/* Greek stays as folded: two bytes a character, so a byte count would
	 * cut it wrong. */
	lend_sys_search_term t1[] = {{"dostoevski", 7000120}, {"brati", 6000120}, {"karamazovi", 5000120},
	                             {"dostoevskaia", 4000120}, {"ab", 4000120}};
	lend_sys_search_term t2[] = {{"οδυσσεια", 6000007}, {"ομηρος", 7000007}, {"dostoevski", 4000007}};
	lend_sys_search_doc d1 = {1, 1, "ru", 16, 120, "A dostoevski\nT brati karamazovi", t1, 5};
	lend_sys_search_doc d2 = {2, 1, "el", 0, 7, "A ομηρος\nT οδυσσεια", t2, 3};

	temp_path(path, sizeof path);
	open_or_fail(&s, path, 0);
	assert_int_equal(LEND_OK, s.begin(s.userdata, 1));
	assert_int_equal(LEND_OK, s.search_put(s.userdata, &d1));
	assert_int_equal(LEND_OK, s.search_put(s.userdata, &d2));
	assert_int_equal(LEND_OK, s.commit(s.userdata));
	s.free(s.userdata);
	char *want = prefix_rows(path);
	/* The longest prefixes are there: 8 characters, not more. */
	assert_non_null(strstr(want, "dostoevs -7000120 1\n"));
	assert_non_null(strstr(want, "dostoevs -4000007 2\n"));
	assert_non_null(strstr(want, "οδυσσεια -6000007 2\n"));
	assert_null(strstr(want, "dostoevsk "));
	assert_non_null(strstr(want, "ab -4000120 1\n"));

	/* Back to version 7, then open: the migration rebuilds the long rows. */
	assert_int_equal(SQLITE_OK, sqlite3_open(path, &db));
	assert_int_equal(SQLITE_OK, sqlite3_exec(db,
	                                         "DELETE FROM search_prefix WHERE length(prefix) > 3;"
	                                         "DROP TABLE search_log;"
	                                         "UPDATE meta SET value = 7 WHERE key = 'schema_version'",
	                                         NULL, NULL, NULL));
	sqlite3_close(db);
	char *old = prefix_rows(path);
	assert_null(strstr(old, "dost "));
	open_or_fail(&s, path, 0);
	s.free(s.userdata);
	assert_true(raw_schema_version(path) >= 9);
	assert_true(raw_schema_version(path) >= 10);
	assert_int_equal(0, raw_value(path, "SELECT count(*) FROM sqlite_master WHERE name = 'search_state'"));
	assert_int_equal(0, raw_value(path, "SELECT count(*) FROM search_log")); /* version 10 */
	char *got = prefix_rows(path);
	assert_string_equal(want, got);
	free(want);
	free(old);
	free(got);
	remove_db(path);
}

/* search_vocab takes bytes: a word whose first characters are longer than
 * UTF-8 allows (a lead byte and a run of continuation bytes) is looked up
 * alone, never copied into the buffer of a group's first characters. */
static void test_search_vocab_bad_bytes(void **state)
{
	char path[64];
	lend_storage s;
	(void)state;
	/* "a", then "b" with 11 continuation bytes, then "c": 3 characters, 14
	 * bytes; 8 words share them, as the corrections of one typo would. */
	char w[8][24];
	const char *words[8];
	int32_t found[8];
	for (int i = 0; i < 8; i++) {
		snprintf(w[i], sizeof w[i], "ab%s%cd%d", "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80", 'c', i);
		words[i] = w[i];
	}
	temp_path(path, sizeof path);
	open_or_fail(&s, path, 0);
	assert_int_equal(LEND_OK, s.begin(s.userdata, 0));
	assert_int_equal(LEND_OK, s.search_vocab(s.userdata, words, 8, 1, found));
	for (int i = 0; i < 8; i++)
		assert_int_equal(0, found[i]);
	assert_int_equal(LEND_OK, s.commit(s.userdata));
	s.free(s.userdata);
	remove_db(path);
}

/* ---------------------------------------------------------------- rows */

static void test_library_crud(void **state)
{
	fixture *f = *state;
	lend_sys_library a = {0, "Central", "Main st. 1", "+7 000", "RUB", 0, 100};
	lend_sys_library b = {0, "Branch", NULL, NULL, "EUR", 5, 200};
	ids c = {0};

	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	assert_int_equal(LEND_OK, f->s.library_insert(f->ud, &a));
	assert_int_equal(LEND_OK, f->s.library_insert(f->ud, &b));
	assert_int_equal(1, a.id);
	assert_int_equal(2, b.id);
	assert_int_equal(LEND_OK, f->s.library_get(f->ud, a.id, library_eq, &a));
	assert_int_equal(LEND_OK, f->s.library_get(f->ud, b.id, library_eq, &b));

	a.name = "Central library";
	a.address = NULL;
	a.budget = 12345;
	a.currency = "USD";
	assert_int_equal(LEND_OK, f->s.library_update(f->ud, &a));
	assert_int_equal(LEND_OK, f->s.library_get(f->ud, a.id, library_eq, &a));

	lend_sys_library missing = a;
	missing.id = 99;
	assert_int_equal(LEND_ENOTFOUND, f->s.library_update(f->ud, &missing));
	assert_true(f->s.errmsg(f->ud)[0] != '\0');
	assert_int_equal(LEND_ENOTFOUND, f->s.library_get(f->ud, 99, library_eq, &a));

	assert_int_equal(LEND_OK, f->s.library_list(f->ud, library_cb, &c));
	EXPECT_IDS(&c, 1, 2);
	assert_int_equal(LEND_OK, f->s.commit(f->ud));
}

static void test_reader_crud(void **state)
{
	fixture *f = *state;
	lend_sys_reader r = {0, "Ivan Petrov", 19900131, 77};

	assert_int_equal(LEND_OK, f->s.reader_insert(f->ud, &r));
	assert_true(r.id > 0);
	assert_int_equal(LEND_OK, f->s.reader_get(f->ud, r.id, reader_eq, &r));
	r.name = "Ivan P. Petrov";
	r.birth_date = 0;
	assert_int_equal(LEND_OK, f->s.reader_update(f->ud, &r));
	assert_int_equal(LEND_OK, f->s.reader_get(f->ud, r.id, reader_eq, &r));
	r.id = 1000;
	assert_int_equal(LEND_ENOTFOUND, f->s.reader_update(f->ud, &r));
	assert_int_equal(LEND_ENOTFOUND, f->s.reader_get(f->ud, 1000, reader_eq, &r));
}

static void test_ticket(void **state)
{
	fixture *f = *state;
	lend_sys_ticket t1 = {0, 1, 10, "A-1", 0, 0, 0, 5};
	lend_sys_ticket t2 = {0, 1, 11, "A-2", 100, 200, 1, 6};
	lend_sys_ticket dup = {0, 1, 12, "A-1", 0, 0, 0, 7};
	lend_sys_ticket other = {0, 2, 10, "A-1", 0, 0, 0, 8}; /* same number, another library */
	ids c = {0};

	assert_int_equal(LEND_OK, f->s.ticket_insert(f->ud, &t1));
	assert_int_equal(LEND_OK, f->s.ticket_insert(f->ud, &t2));
	assert_int_equal(LEND_EEXISTS, f->s.ticket_insert(f->ud, &dup));
	assert_true(f->s.errmsg(f->ud)[0] != '\0');
	assert_int_equal(LEND_OK, f->s.ticket_insert(f->ud, &other));
	assert_true(other.id > t2.id); /* a refused insert may use up an id */

	assert_int_equal(LEND_OK, f->s.ticket_get(f->ud, t2.id, ticket_eq, &t2));
	assert_int_equal(LEND_ENOTFOUND, f->s.ticket_get(f->ud, 55, ticket_eq, &t2));
	assert_int_equal(LEND_OK, f->s.ticket_find(f->ud, 2, "A-1", ticket_eq, &other));
	assert_int_equal(LEND_OK, f->s.ticket_find(f->ud, 1, "A-1", ticket_eq, &t1));
	assert_int_equal(LEND_ENOTFOUND, f->s.ticket_find(f->ud, 3, "A-1", ticket_eq, &t1));
	assert_int_equal(LEND_ENOTFOUND, f->s.ticket_find(f->ud, 1, "A-3", ticket_eq, &t1));

	assert_int_equal(LEND_OK, f->s.ticket_list(f->ud, 10, 0, ticket_cb, &c));
	EXPECT_IDS(&c, 1, other.id);
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.ticket_list(f->ud, 0, 1, ticket_cb, &c));
	EXPECT_IDS(&c, 1, 2);
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.ticket_list(f->ud, 10, 2, ticket_cb, &c));
	EXPECT_IDS(&c, other.id);
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.ticket_list(f->ud, 0, 0, ticket_cb, &c));
	EXPECT_IDS(&c, 1, 2, other.id);
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.ticket_list(f->ud, 99, 0, ticket_cb, &c));
	EXPECT_NONE(&c);

	/* Update: every field; renumbering onto a taken number is EEXISTS. */
	t2.blocked = 0;
	t2.valid_until = 0;
	t2.number = "A-22";
	assert_int_equal(LEND_OK, f->s.ticket_update(f->ud, &t2));
	assert_int_equal(LEND_OK, f->s.ticket_find(f->ud, 1, "A-22", ticket_eq, &t2));
	t2.number = "A-1";
	assert_int_equal(LEND_EEXISTS, f->s.ticket_update(f->ud, &t2));
	t2.id = 77;
	t2.number = "Z";
	assert_int_equal(LEND_ENOTFOUND, f->s.ticket_update(f->ud, &t2));
}

static void test_book(void **state)
{
	fixture *f = *state;
	lend_sys_book b[5];
	ids c = {0};
	int i;

	for (i = 0; i < 5; i++) {
		lend_sys_book x = {.kind = 1 + i % 2, .title = "Title", .authors = "Author One\nAuthor Two", .age_rating = 12,
		                   .price = 1000 + i, .currency = "RUB", .lendable = 1, .created_at = 10};
		b[i] = x;
		assert_int_equal(LEND_OK, f->s.book_insert(f->ud, &b[i]));
		assert_int_equal(i + 1, b[i].id);
	}
	b[2].title = "Другое название";
	b[2].authors = NULL;
	b[2].lendable = 0;
	b[2].release_at = 999;
	assert_int_equal(LEND_OK, f->s.book_update(f->ud, &b[2]));
	assert_int_equal(LEND_OK, f->s.book_get(f->ud, 3, book_eq, &b[2]));
	assert_int_equal(LEND_OK, f->s.book_get(f->ud, 4, book_eq, &b[3]));
	assert_int_equal(LEND_ENOTFOUND, f->s.book_get(f->ud, 6, book_eq, &b[3]));
	b[0].id = 6;
	assert_int_equal(LEND_ENOTFOUND, f->s.book_update(f->ud, &b[0]));

	assert_int_equal(LEND_OK, f->s.book_list(f->ud, 0, 0, book_cb, &c));
	EXPECT_IDS(&c, 1, 2, 3, 4, 5);
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.book_list(f->ud, 2, 2, book_cb, &c));
	EXPECT_IDS(&c, 3, 4);
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.book_list(f->ud, 4, 10, book_cb, &c));
	EXPECT_IDS(&c, 5);
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.book_list(f->ud, 5, 0, book_cb, &c));
	EXPECT_NONE(&c);
}

static void test_grant(void **state)
{
	fixture *f = *state;
	ids c = {0};

	assert_int_equal(LEND_OK, f->s.grant_insert(f->ud, 7, 3));
	assert_int_equal(LEND_OK, f->s.grant_insert(f->ud, 7, 1));
	assert_int_equal(LEND_OK, f->s.grant_insert(f->ud, 7, 2));
	assert_int_equal(LEND_OK, f->s.grant_insert(f->ud, 8, 1));
	assert_int_equal(LEND_EEXISTS, f->s.grant_insert(f->ud, 7, 2));
	assert_int_equal(LEND_OK, f->s.grant_list(f->ud, 7, grant_cb, &c));
	EXPECT_IDS(&c, 1, 2, 3);
	assert_int_equal(LEND_OK, f->s.grant_delete(f->ud, 7, 2));
	assert_int_equal(LEND_ENOTFOUND, f->s.grant_delete(f->ud, 7, 2));
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.grant_list(f->ud, 7, grant_cb, &c));
	EXPECT_IDS(&c, 1, 3);
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.grant_list(f->ud, 9, grant_cb, &c));
	EXPECT_NONE(&c);
}

static void fund_check(const lend_sys_fund *w, const lend_sys_fund *r)
{
	assert_int_equal(w->library_id, r->library_id);
	assert_int_equal(w->book_id, r->book_id);
	assert_int_equal(w->copies, r->copies);
	assert_int_equal(w->on_loan, r->on_loan);
	assert_int_equal(w->updated_at, r->updated_at);
}

static void test_fund(void **state)
{
	fixture *f = *state;
	lend_sys_fund rows[] = {{1, 2, 1, 0, 10}, {1, 1, 3, 1, 11}, {1, 3, 2, 2, 12}, {2, 1, 4, 0, 13}};
	lend_sys_fund got;
	ids c = {0};
	size_t i;

	assert_int_equal(LEND_ENOTFOUND, f->s.fund_get(f->ud, 1, 1, &got));
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
		assert_int_equal(LEND_OK, f->s.fund_put(f->ud, &rows[i]));
	assert_int_equal(LEND_OK, f->s.fund_get(f->ud, 1, 1, &got));
	fund_check(&rows[1], &got);

	lend_sys_fund repl = {1, 1, 5, 2, 99};
	assert_int_equal(LEND_OK, f->s.fund_put(f->ud, &repl));
	assert_int_equal(LEND_OK, f->s.fund_get(f->ud, 1, 1, &got));
	fund_check(&repl, &got);

	assert_int_equal(LEND_OK, f->s.fund_list(f->ud, 1, 0, 0, fund_cb, &c));
	EXPECT_IDS(&c, 101, 102, 103);
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.fund_list(f->ud, 1, 1, 1, fund_cb, &c));
	EXPECT_IDS(&c, 102);
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.fund_list(f->ud, 0, 0, 0, fund_cb, &c));
	EXPECT_IDS(&c, 101, 102, 103, 201);
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.fund_list(f->ud, 0, 0, 2, fund_cb, &c));
	EXPECT_IDS(&c, 101, 102);
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.fund_list(f->ud, 3, 0, 0, fund_cb, &c));
	EXPECT_NONE(&c);
}

/* ---------------------------------------------------------------- loans */

static void add_loans(fixture *f)
{
	/* id ticket reader library book origin issued due ended reason */
	lend_sys_loan l[] = {
		{0, 1, 1, 1, 1, LEND_ORIGIN_SELF, 100, 500, 0, 0, LEND_KIND_EBOOK},
		{0, 1, 1, 1, 2, LEND_ORIGIN_LIBRARIAN, 200, 300, 250, LEND_END_RETURNED, LEND_KIND_AUDIOBOOK},
		{0, 2, 2, 1, 1, LEND_ORIGIN_QUEUE, 300, 400, 0, 0, LEND_KIND_EBOOK},
		{0, 3, 1, 2, 1, LEND_ORIGIN_SELF, 150, 300, 0, 0, LEND_KIND_EBOOK},
		{0, 1, 1, 1, 3, LEND_ORIGIN_SELF, 400, 800, 450, LEND_END_EXPIRED, LEND_KIND_EBOOK},
		{0, 2, 2, 1, 2, LEND_ORIGIN_SELF, 400, 600, 0, 0, LEND_KIND_AUDIOBOOK},
		{0, 3, 1, 2, 2, LEND_ORIGIN_SELF, 150, 900, 0, 0, LEND_KIND_AUDIOBOOK},
	};
	size_t i;

	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	for (i = 0; i < sizeof l / sizeof l[0]; i++) {
		assert_int_equal(LEND_OK, f->s.loan_insert(f->ud, &l[i]));
		assert_int_equal((int64_t)i + 1, l[i].id);
	}
	assert_int_equal(LEND_OK, f->s.commit(f->ud));
	assert_int_equal(LEND_OK, f->s.loan_get(f->ud, 2, loan_eq, &l[1]));
}

static ids list_loans(fixture *f, lend_sys_loan_filter flt)
{
	ids c = {0};
	int64_t n = -1;

	assert_int_equal(LEND_OK, f->s.loan_list(f->ud, &flt, loan_cb, &c));
	/* The count covers what the listing gives. */
	assert_int_equal(LEND_OK, f->s.loan_count(f->ud, &flt, &n));
	assert_int_equal(c.n, n);
	return c;
}

static void test_loan_filters(void **state)
{
	fixture *f = *state;
	ids c;

	add_loans(f);
	c = list_loans(f, (lend_sys_loan_filter){0});
	EXPECT_IDS(&c, 1, 2, 3, 4, 5, 6, 7);
	c = list_loans(f, (lend_sys_loan_filter){.reader_id = 1});
	EXPECT_IDS(&c, 1, 2, 4, 5, 7);
	c = list_loans(f, (lend_sys_loan_filter){.ticket_id = 1});
	EXPECT_IDS(&c, 1, 2, 5);
	c = list_loans(f, (lend_sys_loan_filter){.library_id = 1});
	EXPECT_IDS(&c, 1, 2, 3, 5, 6);
	c = list_loans(f, (lend_sys_loan_filter){.book_id = 1});
	EXPECT_IDS(&c, 1, 3, 4);
	c = list_loans(f, (lend_sys_loan_filter){.active = 1});
	EXPECT_IDS(&c, 1, 3, 4, 6, 7);
	c = list_loans(f, (lend_sys_loan_filter){.active = 2});
	EXPECT_IDS(&c, 2, 5);
	c = list_loans(f, (lend_sys_loan_filter){.origin = LEND_ORIGIN_SELF});
	EXPECT_IDS(&c, 1, 4, 5, 6, 7);
	c = list_loans(f, (lend_sys_loan_filter){.origin = LEND_ORIGIN_QUEUE});
	EXPECT_IDS(&c, 3);
	c = list_loans(f, (lend_sys_loan_filter){.due_before = 400});
	EXPECT_IDS(&c, 2, 3, 4);
	c = list_loans(f, (lend_sys_loan_filter){.issued_since = 300});
	EXPECT_IDS(&c, 3, 5, 6);
	c = list_loans(f, (lend_sys_loan_filter){.after_id = 4});
	EXPECT_IDS(&c, 5, 6, 7);
	c = list_loans(f, (lend_sys_loan_filter){.limit = 2});
	EXPECT_IDS(&c, 1, 2);
	c = list_loans(f, (lend_sys_loan_filter){.reader_id = 1, .limit = 10});
	EXPECT_IDS(&c, 1, 2, 4, 5, 7);
	c = list_loans(f, (lend_sys_loan_filter){.library_id = 1, .book_id = 1, .active = 1});
	EXPECT_IDS(&c, 1, 3);
	c = list_loans(f, (lend_sys_loan_filter){.ticket_id = 3, .issued_since = 150});
	EXPECT_IDS(&c, 4, 7);
	c = list_loans(f, (lend_sys_loan_filter){.ticket_id = 3, .active = 1});
	EXPECT_IDS(&c, 4, 7);
	c = list_loans(f, (lend_sys_loan_filter){.reader_id = 2, .active = 2});
	EXPECT_NONE(&c);
	c = list_loans(f, (lend_sys_loan_filter){.reader_id = 99});
	EXPECT_NONE(&c);

	/* Orders. */
	c = list_loans(f, (lend_sys_loan_filter){.order = LEND_SYS_LOAN_ORDER_DUE});
	EXPECT_IDS(&c, 2, 4, 3, 1, 6, 5, 7);
	c = list_loans(f, (lend_sys_loan_filter){.active = 1, .due_before = 600, .order = LEND_SYS_LOAN_ORDER_DUE});
	EXPECT_IDS(&c, 4, 3, 1, 6);
	c = list_loans(f, (lend_sys_loan_filter){.reader_id = 1, .order = LEND_SYS_LOAN_ORDER_SHELF});
	EXPECT_IDS(&c, 7, 4, 1, 5, 2);
	c = list_loans(f, (lend_sys_loan_filter){.reader_id = 1, .order = LEND_SYS_LOAN_ORDER_SHELF, .limit = 3});
	EXPECT_IDS(&c, 7, 4, 1);
	c = list_loans(f, (lend_sys_loan_filter){.order = LEND_SYS_LOAN_ORDER_SHELF});
	EXPECT_IDS(&c, 6, 3, 7, 4, 1, 5, 2);
	c = list_loans(f, (lend_sys_loan_filter){.order = LEND_SYS_LOAN_ORDER_ID, .after_id = 5, .limit = 1});
	EXPECT_IDS(&c, 6);

	/* The same filter shape again, with other values (cached statement). */
	c = list_loans(f, (lend_sys_loan_filter){.reader_id = 2});
	EXPECT_IDS(&c, 3, 6);
	c = list_loans(f, (lend_sys_loan_filter){.reader_id = 1, .order = LEND_SYS_LOAN_ORDER_SHELF, .limit = 1});
	EXPECT_IDS(&c, 7);

	/* An unknown order is refused. */
	c.n = 0;
	assert_int_equal(LEND_ESTORAGE, f->s.loan_list(f->ud, &(lend_sys_loan_filter){.order = 7}, loan_cb, &c));
	assert_true(f->s.errmsg(f->ud)[0] != '\0');
}

static void test_loan_update(void **state)
{
	fixture *f = *state;
	lend_sys_loan l = {1, 1, 1, 1, 1, LEND_ORIGIN_SELF, 100, 500, 480, LEND_END_RETURNED, LEND_KIND_AUDIOBOOK};
	ids c;

	add_loans(f);
	assert_int_equal(LEND_OK, f->s.loan_update(f->ud, &l));
	assert_int_equal(LEND_OK, f->s.loan_get(f->ud, 1, loan_eq, &l));
	c = list_loans(f, (lend_sys_loan_filter){.active = 1});
	EXPECT_IDS(&c, 3, 4, 6, 7);
	l.id = 8;
	assert_int_equal(LEND_ENOTFOUND, f->s.loan_update(f->ud, &l));
	assert_int_equal(LEND_ENOTFOUND, f->s.loan_get(f->ud, 8, never_cb, NULL));
	assert_non_null(strstr(f->s.errmsg(f->ud), "loan_get"));

	lend_sys_loan fresh = {0, 9, 9, 9, 9, LEND_ORIGIN_SELF, 1, 2, 0, 0, LEND_KIND_EBOOK};
	assert_int_equal(LEND_OK, f->s.loan_insert(f->ud, &fresh));
	assert_int_equal(8, fresh.id);
}

/* ---------------------------------------------------------------- holds */

static void add_holds(fixture *f)
{
	/* id library book ticket reader joined suspended state ended loan */
	lend_sys_hold h[] = {
		{0, 1, 1, 1, 1, 10, 0, LEND_HOLD_WAITING, 0, 0},
		{0, 1, 1, 2, 2, 20, 500, LEND_HOLD_WAITING, 0, 0},
		{0, 1, 1, 3, 3, 30, 0, LEND_HOLD_LEFT, 35, 0},
		{0, 1, 2, 1, 1, 40, 0, LEND_HOLD_WAITING, 0, 0},
		{0, 1, 1, 4, 4, 50, 300, LEND_HOLD_WAITING, 0, 0},
		{0, 2, 1, 5, 1, 60, 200, LEND_HOLD_SERVED, 70, 12},
	};
	size_t i;

	for (i = 0; i < sizeof h / sizeof h[0]; i++) {
		assert_int_equal(LEND_OK, f->s.hold_insert(f->ud, &h[i]));
		assert_int_equal((int64_t)i + 1, h[i].id);
	}
	assert_int_equal(LEND_OK, f->s.hold_get(f->ud, 6, hold_eq, &h[5]));
}

static ids list_holds(fixture *f, lend_sys_hold_filter flt)
{
	ids c = {0};
	int64_t n = -1;

	assert_int_equal(LEND_OK, f->s.hold_list(f->ud, &flt, hold_cb, &c));
	assert_int_equal(LEND_OK, f->s.hold_count(f->ud, &flt, &n));
	assert_int_equal(c.n, n);
	return c;
}

static void test_holds(void **state)
{
	fixture *f = *state;
	ids c;

	add_holds(f);
	c = list_holds(f, (lend_sys_hold_filter){0});
	EXPECT_IDS(&c, 1, 2, 3, 4, 5, 6);
	c = list_holds(f, (lend_sys_hold_filter){.library_id = 1, .book_id = 1, .state = LEND_HOLD_WAITING});
	EXPECT_IDS(&c, 1, 2, 5);
	c = list_holds(f, (lend_sys_hold_filter){.library_id = 1, .book_id = 1, .state = LEND_HOLD_WAITING,
	                                         .before_id = 5});
	EXPECT_IDS(&c, 1, 2);
	c = list_holds(f, (lend_sys_hold_filter){.library_id = 1, .book_id = 1, .state = LEND_HOLD_WAITING,
	                                         .before_id = 1});
	EXPECT_NONE(&c);
	c = list_holds(f, (lend_sys_hold_filter){.library_id = 1, .book_id = 1, .state = LEND_HOLD_WAITING,
	                                         .limit = 2});
	EXPECT_IDS(&c, 1, 2);
	c = list_holds(f, (lend_sys_hold_filter){.reader_id = 1});
	EXPECT_IDS(&c, 1, 4, 6);
	c = list_holds(f, (lend_sys_hold_filter){.reader_id = 1, .state = LEND_HOLD_WAITING});
	EXPECT_IDS(&c, 1, 4);
	c = list_holds(f, (lend_sys_hold_filter){.ticket_id = 1});
	EXPECT_IDS(&c, 1, 4);
	c = list_holds(f, (lend_sys_hold_filter){.library_id = 2});
	EXPECT_IDS(&c, 6);
	c = list_holds(f, (lend_sys_hold_filter){.book_id = 2});
	EXPECT_IDS(&c, 4);
	c = list_holds(f, (lend_sys_hold_filter){.state = LEND_HOLD_LEFT});
	EXPECT_IDS(&c, 3);
	c = list_holds(f, (lend_sys_hold_filter){.state = LEND_HOLD_SERVED});
	EXPECT_IDS(&c, 6);
	c = list_holds(f, (lend_sys_hold_filter){.state = 9});
	EXPECT_NONE(&c);
	c = list_holds(f, (lend_sys_hold_filter){.suspended_before = 400});
	EXPECT_IDS(&c, 5, 6);
	c = list_holds(f, (lend_sys_hold_filter){.suspended_before = 400, .state = LEND_HOLD_WAITING});
	EXPECT_IDS(&c, 5);
	c = list_holds(f, (lend_sys_hold_filter){.suspended_before = 1000, .state = LEND_HOLD_WAITING, .limit = 1});
	EXPECT_IDS(&c, 2);
	c = list_holds(f, (lend_sys_hold_filter){.before_id = 4});
	EXPECT_IDS(&c, 1, 2, 3);

	/* Resume the suspended place 2, leave 1: the queue follows. */
	lend_sys_hold h2 = {2, 1, 1, 2, 2, 20, 0, LEND_HOLD_WAITING, 0, 0};
	lend_sys_hold h1 = {1, 1, 1, 1, 1, 10, 0, LEND_HOLD_LEFT, 80, 0};
	assert_int_equal(LEND_OK, f->s.hold_update(f->ud, &h2));
	assert_int_equal(LEND_OK, f->s.hold_update(f->ud, &h1));
	assert_int_equal(LEND_OK, f->s.hold_get(f->ud, 1, hold_eq, &h1));
	c = list_holds(f, (lend_sys_hold_filter){.library_id = 1, .book_id = 1, .state = LEND_HOLD_WAITING});
	EXPECT_IDS(&c, 2, 5);
	c = list_holds(f, (lend_sys_hold_filter){.suspended_before = 1000, .state = LEND_HOLD_WAITING});
	EXPECT_IDS(&c, 5);
	h1.id = 50;
	assert_int_equal(LEND_ENOTFOUND, f->s.hold_update(f->ud, &h1));
	assert_int_equal(LEND_ENOTFOUND, f->s.hold_get(f->ud, 50, hold_eq, &h1));

	/* New places come last. */
	lend_sys_hold h7 = {0, 1, 1, 6, 6, 90, 0, LEND_HOLD_WAITING, 0, 0};
	assert_int_equal(LEND_OK, f->s.hold_insert(f->ud, &h7));
	assert_int_equal(7, h7.id);
	c = list_holds(f, (lend_sys_hold_filter){.library_id = 1, .book_id = 1, .state = LEND_HOLD_WAITING});
	EXPECT_IDS(&c, 2, 5, 7);
}

/* ---------------------------------------------------------------- notes */

static void test_notes(void **state)
{
	fixture *f = *state;
	lend_sys_note n[5];
	static const char *uuids[5] = {"u-1", "u-2", "u-3", "u-4", "u-5"};
	ids c = {0};
	int i;

	for (i = 0; i < 5; i++) {
		lend_sys_note x = {0, uuids[i], LEND_NOTE_LOAN_ISSUED, 1, 2, 3, 4, 10, i % 2 ? "due 2024-01-01" : NULL,
		                   0, 100 * (i + 1), 0, NULL};
		n[i] = x;
		assert_int_equal(LEND_OK, f->s.note_insert(f->ud, &n[i]));
		assert_int_equal(i + 1, n[i].id);
	}
	lend_sys_note dup = n[0];
	dup.id = 0;
	assert_int_equal(LEND_EEXISTS, f->s.note_insert(f->ud, &dup));

	/* Note 2 delivered, note 4 failed once. */
	n[1].delivered_at = 250;
	n[1].attempts = 1;
	assert_int_equal(LEND_OK, f->s.note_update(f->ud, &n[1]));
	n[3].attempts = 1;
	n[3].last_error = "connection refused";
	n[3].next_attempt_at = 460;
	assert_int_equal(LEND_OK, f->s.note_update(f->ud, &n[3]));
	n[4].id = 42;
	assert_int_equal(LEND_ENOTFOUND, f->s.note_update(f->ud, &n[4]));
	n[4].id = 5;

	assert_int_equal(LEND_OK, f->s.note_list(f->ud, &(lend_sys_note_filter){0}, note_cb, &c));
	EXPECT_IDS(&c, 1, 2, 3, 4, 5);
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.note_list(f->ud, &(lend_sys_note_filter){.limit = 3}, note_cb, &c));
	EXPECT_IDS(&c, 1, 2, 3);
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.note_list(f->ud, &(lend_sys_note_filter){.pending = 1}, note_cb, &c));
	EXPECT_IDS(&c, 1, 3, 4, 5);
	c.n = 0;
	assert_int_equal(LEND_OK,
	                 f->s.note_list(f->ud, &(lend_sys_note_filter){.pending = 1, .due_before = 300}, note_cb, &c));
	EXPECT_IDS(&c, 1, 3);
	c.n = 0;
	assert_int_equal(LEND_OK,
	                 f->s.note_list(f->ud, &(lend_sys_note_filter){.pending = 1, .due_before = 460}, note_cb, &c));
	EXPECT_IDS(&c, 1, 3, 4);
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.note_list(f->ud, &(lend_sys_note_filter){.pending = 1, .limit = 2}, note_cb, &c));
	EXPECT_IDS(&c, 1, 3);

	/* Rows come back whole. */
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.note_list(f->ud, &(lend_sys_note_filter){.pending = 1, .due_before = 460,
	                                                                          .limit = 3},
	                                          note_cb, &c));
	EXPECT_IDS(&c, 1, 3, 4);

	/* A stop at any row returns the callback's value. */
	for (i = 0; i < 5; i++) {
		lend_sys_note_filter flt = {0};
		ids one = {0};
		one.stop_after = i + 1;
		one.stop_value = 100 + i;
		assert_int_equal(100 + i, f->s.note_list(f->ud, &flt, note_cb, &one));
		assert_int_equal(i + 1, one.v[i]);
	}
}

static int note_check_all(void *ctx, const lend_sys_note *r)
{
	lend_sys_note *want = ctx;

	return note_eq(&want[r->id - 1], r);
}

static void test_note_rows(void **state)
{
	fixture *f = *state;
	lend_sys_note n[2] = {
		{0, "8e5f0e8a-0000-4000-8000-000000000001", LEND_NOTE_QUEUE_HANDOFF, 1, 2, 3, 4, 5, "detail", 2, 60, 0,
		 "timeout"},
		{0, "8e5f0e8a-0000-4000-8000-000000000002", LEND_NOTE_VERIFICATION_CODE, 6, 0, 0, 0, 7, NULL, 0, 0, 8,
		 NULL},
	};

	assert_int_equal(LEND_OK, f->s.note_insert(f->ud, &n[0]));
	assert_int_equal(LEND_OK, f->s.note_insert(f->ud, &n[1]));
	assert_int_equal(LEND_OK, f->s.note_list(f->ud, &(lend_sys_note_filter){0}, note_check_all, n));
}

/* --------------------------------------------------------------- policy */

typedef struct policy_set {
	lend_sys_policy v[16];
	int n;
} policy_set;

static int policy_collect(void *ctx, const lend_sys_policy *r)
{
	policy_set *p = ctx;

	assert_true(p->n < 16);
	p->v[p->n++] = *r;
	return 0;
}

static int64_t policy_value(const policy_set *p, int64_t ticket_id, int kind, int setting)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (p->v[i].ticket_id == ticket_id && p->v[i].kind == kind && p->v[i].setting == setting)
			return p->v[i].value;
	return -999;
}

static void test_policy(void **state)
{
	fixture *f = *state;
	lend_sys_policy rows[] = {
		{1, 0, 0, LEND_SETTING_MAX_LOANS, 10},
		{1, 0, LEND_KIND_EBOOK, LEND_SETTING_MAX_LOANS, 5},
		{1, 7, 0, LEND_SETTING_MAX_LOANS, 2},
		{1, 8, 0, LEND_SETTING_MAX_LOANS, 3},
		{2, 0, 0, LEND_SETTING_MAX_LOANS, 1},
	};
	policy_set p = {0};
	size_t i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
		assert_int_equal(LEND_OK, f->s.policy_put(f->ud, &rows[i]));

	assert_int_equal(LEND_OK, f->s.policy_list(f->ud, 1, 0, policy_collect, &p));
	assert_int_equal(2, p.n);
	assert_int_equal(10, policy_value(&p, 0, 0, LEND_SETTING_MAX_LOANS));
	assert_int_equal(5, policy_value(&p, 0, LEND_KIND_EBOOK, LEND_SETTING_MAX_LOANS));

	p.n = 0;
	assert_int_equal(LEND_OK, f->s.policy_list(f->ud, 1, 7, policy_collect, &p));
	assert_int_equal(3, p.n);
	assert_int_equal(2, policy_value(&p, 7, 0, LEND_SETTING_MAX_LOANS));
	assert_int_equal(-999, policy_value(&p, 8, 0, LEND_SETTING_MAX_LOANS));

	/* Replace by key. */
	lend_sys_policy repl = {1, 0, 0, LEND_SETTING_MAX_LOANS, 12};
	assert_int_equal(LEND_OK, f->s.policy_put(f->ud, &repl));
	p.n = 0;
	assert_int_equal(LEND_OK, f->s.policy_list(f->ud, 1, 0, policy_collect, &p));
	assert_int_equal(2, p.n);
	assert_int_equal(12, policy_value(&p, 0, 0, LEND_SETTING_MAX_LOANS));

	/* Delete by key; value is not part of the key. */
	lend_sys_policy key = {1, 7, 0, LEND_SETTING_MAX_LOANS, 0};
	assert_int_equal(LEND_OK, f->s.policy_delete(f->ud, &key));
	assert_int_equal(LEND_ENOTFOUND, f->s.policy_delete(f->ud, &key));
	p.n = 0;
	assert_int_equal(LEND_OK, f->s.policy_list(f->ud, 1, 7, policy_collect, &p));
	assert_int_equal(2, p.n);
	p.n = 0;
	assert_int_equal(LEND_OK, f->s.policy_list(f->ud, 3, 0, policy_collect, &p));
	assert_int_equal(0, p.n);
}

/* --------------------------------------------------------------- ledger */

static void test_ledger(void **state)
{
	fixture *f = *state;
	lend_sys_ledger e[] = {
		{0, 1, 300, 5000, 1, 0, 0, "top-up"},
		{0, 1, 100, -700, 2, 4, 9, NULL},
		{0, 1, 200, 100, 3, 0, 0, "fix"},
		{0, 2, 150, 999, 1, 0, 0, NULL},
	};
	ids c = {0};
	size_t i;

	for (i = 0; i < sizeof e / sizeof e[0]; i++) {
		assert_int_equal(LEND_OK, f->s.ledger_insert(f->ud, &e[i]));
		assert_int_equal((int64_t)i + 1, e[i].id);
	}
	assert_int_equal(LEND_OK, f->s.ledger_list(f->ud, 1, 0, 0, ledger_cb, &c));
	EXPECT_IDS(&c, 1, 2, 3); /* by id, not by time */
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.ledger_list(f->ud, 1, 150, 300, ledger_cb, &c));
	EXPECT_IDS(&c, 3); /* to is exclusive */
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.ledger_list(f->ud, 1, 200, 0, ledger_cb, &c));
	EXPECT_IDS(&c, 1, 3); /* from is inclusive; to 0: no end */
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.ledger_list(f->ud, 1, 100, 101, ledger_cb, &c));
	EXPECT_IDS(&c, 2);
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.ledger_list(f->ud, 2, 0, 0, ledger_cb, &c));
	EXPECT_IDS(&c, 4);
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.ledger_list(f->ud, 1, 301, 0, ledger_cb, &c));
	EXPECT_NONE(&c);

	c.n = 0;
	c.stop_after = 1;
	c.stop_value = -1;
	assert_int_equal(-1, f->s.ledger_list(f->ud, 1, 0, 0, ledger_cb, &c));
	assert_int_equal(1, c.n);

	/* Rows come back whole. */
	assert_int_equal(LEND_OK, f->s.ledger_list(f->ud, 1, 100, 101, ledger_eq, &e[1]));
	assert_int_equal(LEND_OK, f->s.ledger_list(f->ud, 1, 300, 301, ledger_eq, &e[0]));
}

/* ------------------------------------------------------- transactions */

static void test_rollback(void **state)
{
	fixture *f = *state;
	lend_sys_library lib = {0, "Gone", NULL, NULL, "RUB", 0, 0};
	lend_sys_reader r = {0, "Kept", 0, 0};
	ids c = {0};

	/* rollback with no transaction is fine. */
	assert_int_equal(LEND_OK, f->s.rollback(f->ud));

	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	assert_int_equal(LEND_OK, f->s.reader_insert(f->ud, &r));
	assert_int_equal(LEND_OK, f->s.commit(f->ud));

	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	assert_int_equal(LEND_OK, f->s.library_insert(f->ud, &lib));
	assert_int_equal(LEND_OK, f->s.grant_insert(f->ud, r.id, lib.id));
	r.name = "Changed";
	assert_int_equal(LEND_OK, f->s.reader_update(f->ud, &r));
	assert_int_equal(LEND_OK, f->s.rollback(f->ud));
	assert_int_equal(LEND_OK, f->s.rollback(f->ud)); /* again: no transaction */

	assert_int_equal(LEND_ENOTFOUND, f->s.library_get(f->ud, lib.id, library_cb, &c));
	assert_int_equal(LEND_OK, f->s.grant_list(f->ud, r.id, grant_cb, &c));
	EXPECT_NONE(&c);
	r.name = "Kept";
	assert_int_equal(LEND_OK, f->s.reader_get(f->ud, r.id, reader_eq, &r));

	/* A read transaction, then a failed statement inside a write one. */
	assert_int_equal(LEND_OK, f->s.begin(f->ud, 0));
	assert_int_equal(LEND_OK, f->s.reader_get(f->ud, r.id, reader_eq, &r));
	assert_int_equal(LEND_OK, f->s.commit(f->ud));

	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	assert_int_equal(LEND_OK, f->s.grant_insert(f->ud, 1, 1));
	assert_int_equal(LEND_EEXISTS, f->s.grant_insert(f->ud, 1, 1));
	assert_int_equal(LEND_OK, f->s.rollback(f->ud));
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.grant_list(f->ud, 1, grant_cb, &c));
	EXPECT_NONE(&c);

	/* begin inside a transaction fails; the engine then rolls back. */
	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	assert_int_equal(LEND_ESTORAGE, f->s.begin(f->ud, 1));
	assert_true(f->s.errmsg(f->ud)[0] != '\0');
	assert_int_equal(LEND_OK, f->s.rollback(f->ud));
	assert_int_equal(LEND_ESTORAGE, f->s.commit(f->ud)); /* nothing to commit */
}

static void test_callback_stop(void **state)
{
	fixture *f = *state; /* a file, so that a second connection can look */
	lend_storage other;
	ids c = {0};
	int64_t n = 0;

	add_loans(f);
	add_holds(f);

	/* A listing stopped by its callback returns the callback's value. */
	c.stop_after = 2;
	c.stop_value = 42;
	assert_int_equal(42, f->s.loan_list(f->ud, &(lend_sys_loan_filter){.reader_id = 1}, loan_cb, &c));
	assert_int_equal(2, c.n);
	c.n = 0;
	c.stop_value = -5;
	assert_int_equal(-5, f->s.hold_list(f->ud, &(lend_sys_hold_filter){0}, hold_cb, &c));
	c.n = 0;
	c.stop_after = 1;
	c.stop_value = 7;
	assert_int_equal(7, f->s.loan_get(f->ud, 3, loan_cb, &c));
	c.n = 0;
	assert_int_equal(LEND_OK, f->s.ticket_list(f->ud, 0, 0, ticket_cb, &c)); /* no rows: no call */
	assert_int_equal(0, c.n);
	c.n = 0;
	c.stop_value = LEND_EUSER;
	assert_int_equal(LEND_OK, f->s.grant_insert(f->ud, 1, 1));
	assert_int_equal(LEND_EUSER, f->s.grant_list(f->ud, 1, grant_cb, &c));

	/* No statement was left stepping: another connection's commit is seen
	 * at once (a pending read would pin the old snapshot). */
	open_store(&other, f, 100);
	lend_sys_loan l = {0, 5, 5, 5, 5, LEND_ORIGIN_SELF, 1, 2, 0, 0, LEND_KIND_EBOOK};
	assert_int_equal(LEND_OK, other.begin(other.userdata, 1));
	assert_int_equal(LEND_OK, other.loan_insert(other.userdata, &l));
	assert_int_equal(LEND_OK, other.commit(other.userdata));
	other.free(other.userdata);

	assert_int_equal(LEND_OK, f->s.loan_count(f->ud, &(lend_sys_loan_filter){0}, &n));
	assert_int_equal(8, n);

	/* ... and a write transaction starts and commits. */
	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	c.n = 0;
	c.stop_after = 1;
	c.stop_value = 3;
	assert_int_equal(3, f->s.loan_list(f->ud, &(lend_sys_loan_filter){.order = LEND_SYS_LOAN_ORDER_DUE}, loan_cb,
	                                   &c));
	assert_int_equal(LEND_OK, f->s.loan_insert(f->ud, &l));
	assert_int_equal(LEND_OK, f->s.commit(f->ud));
	assert_int_equal(LEND_OK, f->s.loan_count(f->ud, &(lend_sys_loan_filter){0}, &n));
	assert_int_equal(9, n);
}

/* A callback that calls back into the same method. */
typedef struct nest {
	lend_storage *s;
	int rows, inner_rows;
} nest;

static int nest_inner(void *ctx, const lend_sys_loan *r)
{
	nest *n = ctx;
	(void)r;
	n->inner_rows++;
	return 0;
}

static int nest_outer(void *ctx, const lend_sys_loan *r)
{
	nest *n = ctx;
	lend_sys_loan_filter flt = {.reader_id = 1};
	int64_t cnt = 0;

	n->rows++;
	assert_int_equal(LEND_OK, n->s->loan_list(n->s->userdata, &flt, nest_inner, n));
	assert_int_equal(LEND_OK, n->s->loan_get(n->s->userdata, r->id, nest_inner, n));
	assert_int_equal(LEND_OK, n->s->loan_count(n->s->userdata, &flt, &cnt));
	assert_int_equal(5, cnt);
	return 0;
}

static int nest_get(void *ctx, const lend_sys_loan *r)
{
	nest *n = ctx;

	return n->s->loan_get(n->s->userdata, r->id == 1 ? 2 : 1, nest_inner, n);
}

static void test_reentrant(void **state)
{
	fixture *f = *state;
	nest n = {&f->s, 0, 0};

	add_loans(f);
	assert_int_equal(LEND_OK, f->s.loan_list(f->ud, &(lend_sys_loan_filter){.reader_id = 1}, nest_outer, &n));
	assert_int_equal(5, n.rows);
	assert_int_equal(5 * 5 + 5, n.inner_rows);
	n.inner_rows = 0;
	assert_int_equal(LEND_OK, f->s.loan_get(f->ud, 1, nest_get, &n));
	assert_int_equal(1, n.inner_rows);
	/* Everything is reusable afterwards. */
	n.rows = n.inner_rows = 0;
	assert_int_equal(LEND_OK, f->s.loan_list(f->ud, &(lend_sys_loan_filter){.reader_id = 1}, nest_outer, &n));
	assert_int_equal(5, n.rows);
}

static void test_many_filter_shapes(void **state)
{
	fixture *f = *state;
	int64_t n;
	int mask;

	/* More shapes than the statement cache holds: every call still works. */
	add_loans(f);
	for (int round = 0; round < 2; round++) {
		for (mask = 0; mask < 256; mask++) {
			lend_sys_loan_filter flt = {0};
			ids c = {0};
			if (mask & 1)
				flt.reader_id = 1;
			if (mask & 2)
				flt.ticket_id = 1;
			if (mask & 4)
				flt.library_id = 1;
			if (mask & 8)
				flt.book_id = 1;
			if (mask & 16)
				flt.origin = LEND_ORIGIN_SELF;
			if (mask & 32)
				flt.due_before = 10000;
			if (mask & 64)
				flt.issued_since = 1;
			if (mask & 128)
				flt.after_id = -1;
			flt.order = mask % 3;
			assert_int_equal(LEND_OK, f->s.loan_list(f->ud, &flt, loan_cb, &c));
			assert_int_equal(LEND_OK, f->s.loan_count(f->ud, &flt, &n));
			assert_int_equal(c.n, n);
			if ((mask & 0x0f) == 0x0f) /* reader 1, ticket 1, library 1, book 1: loan 1 */
				assert_int_equal(1, n);
		}
	}
}

/* Two connections to one store: the write lock, and what a reader sees. */
static void test_busy(void **state)
{
	fixture *f = *state;
	lend_storage a, b;
	lend_sys_reader r = {0, "x", 0, 0};

	open_store(&a, f, 100);
	open_store(&b, f, 100);

	assert_int_equal(LEND_OK, a.begin(a.userdata, 1));
	assert_int_equal(LEND_OK, a.reader_insert(a.userdata, &r));
	assert_int_equal(LEND_EBUSY, b.begin(b.userdata, 1));
	assert_true(b.errmsg(b.userdata)[0] != '\0');
	assert_int_equal(LEND_OK, b.rollback(b.userdata));

	/* A reader is not blocked by the writer and sees the old state. */
	assert_int_equal(LEND_OK, b.begin(b.userdata, 0));
	assert_int_equal(LEND_ENOTFOUND, b.reader_get(b.userdata, r.id, reader_eq, &r));
	assert_int_equal(LEND_OK, b.commit(b.userdata));

	assert_int_equal(LEND_OK, a.commit(a.userdata));
	assert_int_equal(LEND_OK, b.begin(b.userdata, 1));
	assert_int_equal(LEND_OK, b.reader_get(b.userdata, r.id, reader_eq, &r));
	assert_int_equal(LEND_EBUSY, a.begin(a.userdata, 1));
	assert_int_equal(LEND_OK, a.rollback(a.userdata));
	assert_int_equal(LEND_OK, b.commit(b.userdata));
	assert_int_equal(LEND_OK, a.begin(a.userdata, 1));
	assert_int_equal(LEND_OK, a.commit(a.userdata));

	a.free(a.userdata);
	b.free(b.userdata);
}

static void test_strings(void **state)
{
	fixture *f = *state;
	lend_sys_library lib = {0, "", NULL, "line1\nline2", "RUB", -5, -1};
	char big[5000];

	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	lib.address = big;
	assert_int_equal(LEND_OK, f->s.library_insert(f->ud, &lib));
	assert_int_equal(LEND_OK, f->s.library_get(f->ud, lib.id, library_eq, &lib));
}

/* ---------------------------------------- concurrent engines, ordering */

/* A read transaction is one snapshot: no uncommitted or later-committed
 * write shows in it, and a rolled-back write is never seen. */
static void test_snapshot(void **state)
{
	fixture *f = *state;
	lend_storage b;
	lend_sys_reader r = {0, "first", 0, 0}, r2 = {0, "second", 0, 0};

	open_store(&b, f, 100);
	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	assert_int_equal(LEND_OK, f->s.reader_insert(f->ud, &r));
	assert_int_equal(LEND_OK, b.begin(b.userdata, 0));
	assert_int_equal(LEND_ENOTFOUND, b.reader_get(b.userdata, r.id, reader_eq, &r));
	assert_int_equal(LEND_OK, f->s.commit(f->ud));
	/* Committed now, but after the snapshot was taken. */
	assert_int_equal(LEND_ENOTFOUND, b.reader_get(b.userdata, r.id, reader_eq, &r));
	assert_int_equal(LEND_OK, b.commit(b.userdata));
	assert_int_equal(LEND_OK, b.begin(b.userdata, 0));
	assert_int_equal(LEND_OK, b.reader_get(b.userdata, r.id, reader_eq, &r));
	assert_int_equal(LEND_OK, b.commit(b.userdata));

	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	assert_int_equal(LEND_OK, f->s.reader_insert(f->ud, &r2));
	assert_int_equal(LEND_OK, f->s.rollback(f->ud));
	assert_int_equal(LEND_OK, b.begin(b.userdata, 1));
	assert_int_equal(LEND_ENOTFOUND, b.reader_get(b.userdata, r2.id, reader_eq, &r2));
	assert_int_equal(LEND_OK, b.commit(b.userdata));
	b.free(b.userdata);
}

/* A write transaction sees every commit made before it began, also one made
 * while it waited for the lock: the decision is never taken on stale state. */
static void test_writer_sees_last_commit(void **state)
{
	fixture *f = *state;
	lend_storage b;
	lend_sys_fund fd = {1, 1, 1, 0, 0}, got;

	open_store(&b, f, 100);
	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	assert_int_equal(LEND_OK, f->s.fund_put(f->ud, &fd));
	assert_int_equal(LEND_OK, f->s.commit(f->ud));
	/* b reads the fund in a read transaction first: its snapshot is old. */
	assert_int_equal(LEND_OK, b.begin(b.userdata, 0));
	assert_int_equal(LEND_OK, b.fund_get(b.userdata, 1, 1, &got));
	assert_int_equal(0, got.on_loan);
	assert_int_equal(LEND_OK, b.commit(b.userdata));
	/* a takes the last copy. */
	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	assert_int_equal(LEND_OK, f->s.fund_get(f->ud, 1, 1, &got));
	got.on_loan = 1;
	assert_int_equal(LEND_OK, f->s.fund_put(f->ud, &got));
	assert_int_equal(LEND_OK, f->s.commit(f->ud));
	/* b's next write transaction sees it. */
	assert_int_equal(LEND_OK, b.begin(b.userdata, 1));
	assert_int_equal(LEND_OK, b.fund_get(b.userdata, 1, 1, &got));
	assert_int_equal(1, got.on_loan);
	assert_int_equal(LEND_OK, b.commit(b.userdata));
	b.free(b.userdata);
}

/* Queue places inserted by two connections in turn: ids grow in the order
 * of the commits, and a book's queue lists in that order. */
static void test_queue_order_across_connections(void **state)
{
	fixture *f = *state;
	lend_storage b;
	lend_storage *who[2] = {&f->s, &b};
	int64_t want[10];
	ids c = {0};
	int i;

	open_store(&b, f, 100);
	for (i = 0; i < 10; i++) {
		lend_storage *s = who[i % 2 == 0 || i == 5 ? 0 : 1];
		lend_sys_hold h = {0, 1, 7, 100 + i, 200 + i, 1000 - i, 0, LEND_HOLD_WAITING, 0, 0};
		assert_int_equal(LEND_OK, s->begin(s->userdata, 1));
		assert_int_equal(LEND_OK, s->hold_insert(s->userdata, &h));
		assert_int_equal(LEND_OK, s->commit(s->userdata));
		want[i] = h.id;
		if (i > 0)
			assert_true(want[i] > want[i - 1]);
	}
	assert_int_equal(LEND_OK, b.hold_list(b.userdata, &(lend_sys_hold_filter){.library_id = 1, .book_id = 7},
	                                      hold_cb, &c));
	expect_ids(&c, want, 10);
	c.n = 0;
	assert_int_equal(LEND_OK,
	                 f->s.hold_list(f->ud, &(lend_sys_hold_filter){.book_id = 7, .before_id = want[4]}, hold_cb, &c));
	expect_ids(&c, want, 4);
	b.free(b.userdata);
}

/* ---------------------------------------------------- PostgreSQL only */

static void test_pg_open_errors(void **state)
{
	lend_storage s;
	char err[256];
	unsigned char zero[sizeof(lend_storage)];
	(void)state;

	memset(zero, 0, sizeof zero);
	assert_int_equal(LEND_EINVAL, lend_storage_postgres(NULL, "postgresql://x", err, sizeof err));
	memset(&s, 0xAB, sizeof s);
	assert_int_equal(LEND_EINVAL, lend_storage_postgres(&s, NULL, err, sizeof err));
	assert_memory_equal(zero, &s, sizeof s);
	assert_true(err[0] != '\0');
	/* No server there. */
	memset(&s, 0xAB, sizeof s);
	assert_int_equal(LEND_ESTORAGE, lend_storage_postgres(&s, "postgresql://lend@127.0.0.1:1/none", err, sizeof err));
	assert_memory_equal(zero, &s, sizeof s);
	assert_non_null(strstr(err, "connect"));
	memset(err, 'x', sizeof err);
	assert_int_equal(LEND_ESTORAGE, lend_storage_postgres(&s, "postgresql://lend@127.0.0.1:1/none", err, 8));
	assert_true(strlen(err) <= 7);
	assert_int_equal('x', err[8]);
	/* A search_path naming no schema: nowhere to put the tables. */
	char uri[256];
	snprintf(uri, sizeof uri, "%s%soptions=-csearch_path%%3Dno_such_schema", getenv("LEND_TEST_PG"),
	         strchr(getenv("LEND_TEST_PG"), '?') ? "&" : "?");
	assert_int_equal(LEND_ESTORAGE, lend_storage_postgres(&s, uri, err, sizeof err));
	assert_non_null(strstr(err, "schema"));
}

static void test_pg_reopen_and_newer_schema(void **state)
{
	fixture *f = *state;
	lend_storage s;
	lend_sys_library lib = {0, "Central", "Main st. 1", NULL, "RUB", 1000, 42};
	char sql[160], err[256];

	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	assert_int_equal(LEND_OK, f->s.library_insert(f->ud, &lib));
	assert_int_equal(LEND_OK, f->s.commit(f->ud));
	/* Reopen twice: the migrations do not run again, the row is there. */
	for (int i = 0; i < 2; i++) {
		open_store(&s, f, 0);
		assert_int_equal(LEND_OK, s.library_get(s.userdata, lib.id, library_eq, &lib));
		s.free(s.userdata);
	}
	/* A store of a newer liblend is refused. */
	snprintf(sql, sizeof sql, "UPDATE %s.meta SET value = 99 WHERE key = 'schema_version'", f->schema);
	th_pg_exec(sql);
	assert_int_equal(LEND_ESTORAGE, lend_storage_postgres(&s, f->path, err, sizeof err));
	assert_non_null(strstr(err, "99"));
	assert_null(s.free);
}

/* The server ends the session (a crash, a restart, a network cut): the open
 * transaction is undone, the call fails with LEND_ESTORAGE, and the next
 * begin() connects again. */
static void test_pg_connection_lost(void **state)
{
	fixture *f = *state;
	lend_storage s;
	lend_sys_library lib = {0, "Lost", NULL, NULL, "RUB", 5, 1};
	char uri[600], sql[200];

	snprintf(uri, sizeof uri, "%s&application_name=%s", f->path, f->schema);
	assert_int_equal(LEND_OK, lend_storage_postgres(&s, uri, NULL, 0));
	snprintf(sql, sizeof sql,
	         "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '%s'", f->schema);

	/* Mid-transaction: the commit fails and nothing was written. */
	assert_int_equal(LEND_OK, s.begin(s.userdata, 1));
	assert_int_equal(LEND_OK, s.library_insert(s.userdata, &lib));
	th_pg_exec(sql);
	usleep(100 * 1000);
	assert_int_equal(LEND_ESTORAGE, s.commit(s.userdata));
	assert_non_null(strstr(s.errmsg(s.userdata), "connection"));
	assert_int_equal(LEND_OK, s.rollback(s.userdata));
	assert_int_equal(LEND_OK, s.begin(s.userdata, 0));
	assert_int_equal(LEND_ENOTFOUND, s.library_get(s.userdata, lib.id, library_eq, &lib));
	assert_int_equal(LEND_OK, s.commit(s.userdata));

	/* A statement fails on the lost connection: ESTORAGE, then rollback. */
	assert_int_equal(LEND_OK, s.begin(s.userdata, 1));
	th_pg_exec(sql);
	usleep(100 * 1000);
	assert_int_equal(LEND_ESTORAGE, s.library_insert(s.userdata, &lib));
	assert_int_equal(LEND_OK, s.rollback(s.userdata));

	/* Dropped while idle: the next transaction just works. */
	th_pg_exec(sql);
	usleep(100 * 1000);
	assert_int_equal(LEND_OK, s.begin(s.userdata, 1));
	assert_int_equal(LEND_OK, s.library_insert(s.userdata, &lib));
	assert_int_equal(LEND_OK, s.commit(s.userdata));
	assert_int_equal(LEND_OK, f->s.library_get(f->ud, lib.id, library_eq, &lib));
	s.free(s.userdata);
}

/* The same through the engine: the session dies in the middle of a call.
 * The call fails with LEND_ESTORAGE, the store is as before, and the next
 * call works on a new connection. */
static lend_storage real_pg;
static char kill_sql[200];
static int kill_armed;

static int killing_library_insert(void *ud, lend_sys_library *row)
{
	if (kill_armed) {
		th_pg_exec(kill_sql);
		usleep(100 * 1000);
	}
	return real_pg.library_insert(ud, row);
}

static int64_t add_library(lend_engine *e, lend_actor *admin, const char *name, int want)
{
	lend_library *lib = NULL;
	int64_t id = 0;
	assert_int_equal(LEND_OK, lend_library_new(&lib));
	assert_int_equal(LEND_OK, lend_library_set_name(lib, name));
	int rc = lend_library_add(e, admin, lib, &id);
	if (rc != want)
		print_message("lend_library_add: %d %s\n", rc, lend_engine_errmsg(e));
	assert_int_equal(want, rc);
	lend_library_free(lib);
	return id;
}

static void test_pg_engine_connection_lost(void **state)
{
	fixture *f = *state;
	char uri[600];
	lend_storage s;
	lend_options *o = NULL;
	lend_engine *e = NULL;
	lend_actor *admin = NULL;
	lend_report *rep = NULL;

	snprintf(uri, sizeof uri, "%s&application_name=e%s", f->path, f->schema);
	snprintf(kill_sql, sizeof kill_sql,
	         "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'e%s'", f->schema);
	assert_int_equal(LEND_OK, lend_storage_postgres(&real_pg, uri, NULL, 0));
	s = real_pg;
	s.library_insert = killing_library_insert;
	assert_int_equal(LEND_OK, lend_options_new(&o));
	assert_int_equal(LEND_OK, lend_options_set_storage(o, &s));
	assert_int_equal(LEND_OK, lend_engine_open(&e, NULL, o));
	lend_options_free(o);
	assert_int_equal(LEND_OK, lend_actor_admin(e, &admin));

	kill_armed = 0;
	assert_true(add_library(e, admin, "Before", LEND_OK) > 0);
	char *before = th_dump_db(f->path);
	kill_armed = 1;
	add_library(e, admin, "Lost", LEND_ESTORAGE);
	assert_non_null(strstr(lend_engine_errmsg(e), "connection"));
	char *after = th_dump_db(f->path);
	assert_string_equal(before, after);
	kill_armed = 0;
	assert_true(add_library(e, admin, "After", LEND_OK) > 0);
	assert_int_equal(LEND_OK, lend_engine_check(e, &rep));
	assert_int_equal(0, lend_report_count(rep));
	lend_report_free(rep);
	free(before);
	free(after);
	lend_actor_free(admin);
	lend_engine_close(e);
}

/* A statement that fails inside a write transaction (a unique key) fails the
 * whole transaction on PostgreSQL: commit() then says so and keeps nothing. */
static void test_pg_failed_commit(void **state)
{
	fixture *f = *state;
	lend_sys_reader r = {0, "Kept?", 0, 0};
	lend_sys_ticket t1 = {0, 1, 1, "A-1", 0, 0, 0, 0}, t2 = {0, 1, 2, "A-2", 0, 0, 0, 0};

	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	assert_int_equal(LEND_OK, f->s.ticket_insert(f->ud, &t1));
	assert_int_equal(LEND_OK, f->s.ticket_insert(f->ud, &t2));
	assert_int_equal(LEND_OK, f->s.commit(f->ud));

	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	assert_int_equal(LEND_OK, f->s.reader_insert(f->ud, &r));
	t2.number = "A-1";
	assert_int_equal(LEND_EEXISTS, f->s.ticket_update(f->ud, &t2));
	assert_int_equal(LEND_ESTORAGE, f->s.commit(f->ud));
	assert_true(f->s.errmsg(f->ud)[0] != '\0');
	assert_int_equal(LEND_OK, f->s.rollback(f->ud));
	assert_int_equal(LEND_ENOTFOUND, f->s.reader_get(f->ud, r.id, reader_eq, &r));
	/* An insert that would repeat a key does not spoil the transaction. */
	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	assert_int_equal(LEND_EEXISTS, f->s.ticket_insert(f->ud, &t1));
	assert_int_equal(LEND_EEXISTS, f->s.grant_insert(f->ud, 1, 1) == LEND_OK ? f->s.grant_insert(f->ud, 1, 1)
	                                                                         : LEND_ERROR);
	r.id = 0;
	assert_int_equal(LEND_OK, f->s.reader_insert(f->ud, &r));
	assert_int_equal(LEND_OK, f->s.commit(f->ud));
	assert_int_equal(LEND_OK, f->s.reader_get(f->ud, r.id, reader_eq, &r));
}

/* Authors: a name is unique, and a repeated one (insert or rename) neither
 * changes anything nor spoils the transaction. */
static int author_name_cb(void *ctx, const lend_sys_author *r)
{
	snprintf(ctx, 96, "%s|%s", r->name, r->aliases ? r->aliases : "");
	return 0;
}

static void test_authors_unique(void **state)
{
	fixture *f = *state;
	lend_sys_author a = {0, "Толстой, Лев", "Tolstoy, Leo", 1}, b = {0, "Tolstoy, Leo", NULL, 2};
	char got[96];

	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	assert_int_equal(LEND_OK, f->s.author_insert(f->ud, &a));
	assert_int_equal(LEND_OK, f->s.author_insert(f->ud, &b));
	assert_true(b.id > a.id);
	b.id = 0;
	assert_int_equal(LEND_EEXISTS, f->s.author_insert(f->ud, &b));
	b.id = a.id + 1;
	b.name = "Толстой, Лев";
	b.aliases = "other";
	assert_int_equal(LEND_EEXISTS, f->s.author_update(f->ud, &b));
	b.id = a.id + 7;
	assert_int_equal(LEND_ENOTFOUND, f->s.author_update(f->ud, &b));
	a.aliases = "Tolstoy, Leo\nTolstoi, Lev";
	assert_int_equal(LEND_OK, f->s.author_update(f->ud, &a));
	assert_int_equal(LEND_OK, f->s.commit(f->ud));
	assert_int_equal(LEND_OK, f->s.author_find(f->ud, "Tolstoy, Leo", author_name_cb, got));
	assert_string_equal("Tolstoy, Leo|", got);
	assert_int_equal(LEND_OK, f->s.author_get(f->ud, a.id, author_name_cb, got));
	assert_string_equal("Толстой, Лев|Tolstoy, Leo\nTolstoi, Lev", got);
	assert_int_equal(LEND_ENOTFOUND, f->s.author_find(f->ud, "Tolstoy", author_name_cb, got));
}

/* The search index compares bytes: a prefix matches the words that start
 * with its bytes, whatever their length in bytes; the other words match
 * whole; a book's score is its best term the last word matches. */
typedef struct hit_ids {
	ids c;
	int64_t score[64];
} hit_ids;

static int hit_cb(void *ctx, int64_t book_id, int64_t score, const char *keys)
{
	hit_ids *h = ctx;

	assert_non_null(keys);
	assert_int_equal(book_id * 10, strtoll(keys + 2, NULL, 10)); /* "K <book_id * 10>" */
	if (h->c.n < 64)
		h->score[h->c.n] = score;
	return collect(&h->c, book_id);
}

static void put_doc(fixture *f, int64_t book_id, int32_t kind, const char *language, const char *w1, int64_t s1,
                    const char *w2, int64_t s2)
{
	lend_sys_search_term t[2] = {{w1, s1}, {w2, s2}};
	char keys[32];
	lend_sys_search_doc d = {0};

	snprintf(keys, sizeof keys, "K %lld", (long long)(book_id * 10));
	d.book_id = book_id;
	d.kind = kind;
	d.language = language;
	d.keys = keys;
	d.terms = t;
	d.nterms = w2 ? 2 : 1;
	assert_int_equal(LEND_OK, f->s.search_put(f->ud, &d));
}

static hit_ids *match(fixture *f, hit_ids *h, int prefix, int32_t kind, int32_t limit, int n, ...)
{
	const char *w[4];
	lend_sys_search_query q = {0};
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		w[i] = va_arg(ap, const char *);
	va_end(ap);
	memset(h, 0, sizeof *h);
	q.words = w;
	q.nwords = n;
	q.prefix = prefix;
	q.kind = kind;
	q.max_age = -1;
	q.limit = limit;
	assert_int_equal(LEND_OK, f->s.search_match(f->ud, &q, hit_cb, h));
	return h;
}

/* A model of the documents put: two words each, for the queries of two
 * words checked against what the backend answers. */
typedef struct mdoc {
	int on;
	const char *w[2];
	int64_t s[2];
} mdoc;

#define MODEL_N 720
static const char *const model_words[] = {"war", "peace", "peas", "pear", "wary", "art"};

static void model_put(fixture *f, mdoc *m, int64_t id, const char *w1, int64_t s1, const char *w2, int64_t s2)
{
	put_doc(f, id, 1, "en", w1, s1, w2, s2);
	m[id] = (mdoc){1, {w1, w2}, {s1, s2}};
}

static void model_delete(fixture *f, mdoc *m, int64_t id)
{
	assert_int_equal(m[id].on ? LEND_OK : LEND_ENOTFOUND, f->s.search_delete(f->ud, id));
	m[id].on = 0;
}

/* The backend's top 10 for "a b" (b a prefix when prefix) is the model's:
 * the documents with a whole and a word b matches, by the best score of
 * those words, then id. */
static void model_check(fixture *f, const mdoc *m, int prefix, const char *a, const char *b)
{
	int64_t want[MODEL_N], score[MODEL_N];
	int n = 0;
	for (int64_t id = 1; id < MODEL_N; id++) {
		if (!m[id].on || (strcmp(m[id].w[0], a) != 0 && strcmp(m[id].w[1], a) != 0))
			continue;
		int64_t best = -1;
		for (int i = 0; i < 2; i++) {
			int hit = prefix ? strncmp(m[id].w[i], b, strlen(b)) == 0 : strcmp(m[id].w[i], b) == 0;
			if (hit && m[id].s[i] > best)
				best = m[id].s[i];
		}
		if (best < 0)
			continue;
		int j = n++;
		for (; j > 0 && (score[j - 1] < best || (score[j - 1] == best && want[j - 1] > id)); j--) {
			want[j] = want[j - 1];
			score[j] = score[j - 1];
		}
		want[j] = id;
		score[j] = best;
	}
	hit_ids h;
	match(f, &h, prefix, 0, 10, 2, a, b);
	int k = n < 10 ? n : 10;
	if (h.c.n != k)
		fail_msg("\"%s %s\"%s: %d hits, the model %d", a, b, prefix ? " (prefix)" : "", h.c.n, k);
	for (int i = 0; i < k; i++) {
		if (h.c.v[i] != want[i] || h.score[i] != score[i])
			fail_msg("\"%s %s\" hit %d: book %lld score %lld, the model %lld score %lld", a, b, i,
			         (long long)h.c.v[i], (long long)h.score[i], (long long)want[i], (long long)score[i]);
	}
}

static void model_check_all(fixture *f, const mdoc *m)
{
	model_check(f, m, 1, "war", "pea");
	model_check(f, m, 1, "war", "p");
	model_check(f, m, 0, "war", "peace");
	model_check(f, m, 1, "art", "w");
	model_check(f, m, 1, "peas", "wa");
	model_check(f, m, 1, "war", "war");
}

/* Queries of several words are answered the same after writes of this
 * connection, of another one, and after a rollback (the SQLite backend
 * keeps the sets of books of common words between calls). */
static void test_search_words_writes(void **state)
{
	fixture *f = *state;
	static mdoc m[MODEL_N];
	memset(m, 0, sizeof m);

	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	for (int64_t id = 1; id <= 700; id++)
		model_put(f, m, id, id % 5 ? "war" : "art", (id * 7) % 1000, model_words[1 + id % 4],
		          (id * 13) % 997 * 1000 + id);
	assert_int_equal(LEND_OK, f->s.commit(f->ud));
	model_check_all(f, m);

	/* This connection: an insert, a replacement and a delete, each seen. */
	model_put(f, m, 701, "war", 5, "peace", 2000000000);
	model_check_all(f, m);
	model_put(f, m, 4, "art", 1, "peas", 3);
	model_check_all(f, m);
	model_delete(f, m, 5);
	model_check_all(f, m);

	/* A rollback takes back what the connection had seen in its transaction. */
	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	model_put(f, m, 702, "war", 5, "pear", 2100000000);
	model_put(f, m, 7, "wary", 5, "art", 3);
	model_check_all(f, m);
	assert_int_equal(LEND_OK, f->s.rollback(f->ud));
	m[702].on = 0;
	m[7] = (mdoc){1, {"war", model_words[1 + 7 % 4]}, {49, (7 * 13) % 997 * 1000 + 7}};
	model_check_all(f, m);

	/* Another connection's writes. */
	fixture g = *f;
	open_store(&g.s, f, 0);
	g.ud = g.s.userdata;
	model_put(&g, m, 703, "war", 5, "peace", 2200000000);
	model_put(&g, m, 8, "art", 1, "wary", 4);
	model_delete(&g, m, 10);
	model_check_all(f, m);
	model_check_all(&g, m);
	model_put(f, m, 11, "war", 9, "peach", 2300000000);
	model_check_all(&g, m);
	model_check_all(f, m);
	g.s.free(g.ud);
}

/* A book changed by another connection is seen by one word's lookup too,
 * after this connection read (and kept) its document for several words. */
static void test_search_doc_changed_elsewhere(void **state)
{
	fixture *f = *state;
	hit_ids h;

	/* 2,095 books with "interested", then 5 with "interestingly" below them
	 * in the rows of "interest": a search of "interestingly" walks 2,000
	 * rows in vain, then reads the books FTS5 finds for it. */
	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	for (int64_t id = 1; id <= 2100; id++)
		put_doc(f, id, 1, "en", "war", 1, id <= 5 ? "interestingly" : "interested", id <= 5 ? id : 1000 + id);
	assert_int_equal(LEND_OK, f->s.commit(f->ud));
	EXPECT_IDS(&match(f, &h, 0, 0, 10, 2, "war", "interestingly")->c, 5, 4, 3, 2, 1);
	EXPECT_IDS(&match(f, &h, 0, 0, 10, 1, "interestingly")->c, 5, 4, 3, 2, 1);

	fixture g = *f;
	open_store(&g.s, f, 0);
	g.ud = g.s.userdata;
	put_doc(&g, 3, 1, "en", "war", 1, "peace", 3);
	put_doc(&g, 4, 1, "en", "war", 1, "interestingly", 999999);
	EXPECT_IDS(&match(f, &h, 0, 0, 10, 1, "interestingly")->c, 4, 5, 2, 1);
	assert_int_equal(999999, h.score[0]);
	EXPECT_IDS(&match(f, &h, 0, 0, 10, 2, "war", "interestingly")->c, 4, 5, 2, 1);
	g.s.free(g.ud);
}

/* The same with the SQLite backend's kept sets a few bytes big (dropped and
 * read again all the time), one connection without its copy of the
 * documents (every book read from the table) writing with a log of 5 rows
 * (the other, left behind, loads its copy anew); then both keep all. */
static void test_search_words_small_cache(void **state)
{
	fixture *f = *state;
	static mdoc m[MODEL_N];
	memset(m, 0, sizeof m);
	fixture g = *f;
	open_store(&g.s, f, 0);
	g.ud = g.s.userdata;
	uint64_t r = 12345;
	for (int step = 0; step < 2000; step++) {
		if (step == 0) {
			assert_int_equal(LEND_OK, sq__search_cache_limits(f->ud, 300, 1 << 24, 1, 1 << 30));
			assert_int_equal(LEND_OK, sq__search_cache_limits(g.ud, 20000, 0, 1, 5));
		} else if (step == 1000) {
			assert_int_equal(LEND_OK, sq__search_cache_limits(f->ud, 1 << 20, 1 << 24, 1, 1 << 30));
			assert_int_equal(LEND_OK, sq__search_cache_limits(g.ud, 1 << 20, 1 << 24, 1, 1 << 30));
		}
		r = r * 6364136223846793005u + 1442695040888963407u;
		int64_t id = 1 + (int64_t)((r >> 33) % 500);
		fixture *w = (r >> 20) % 5 || step >= 1000 ? f : &g;
		if ((r >> 24) % 7 == 0)
			model_delete(w, m, id);
		else
			model_put(w, m, id, model_words[(r >> 40) % 6], (int64_t)((r >> 28) % 50),
			          model_words[(r >> 44) % 6], (int64_t)((r >> 36) % 50));
		if (step % 10 == 0) {
			model_check_all(step % 20 || step >= 1000 ? f : &g, m);
			assert_int_equal(0, sq__search_cache_selfcheck(f->ud));
			assert_int_equal(0, sq__search_cache_selfcheck(g.ud));
		}
	}
	model_check_all(f, m);
	model_check_all(&g, m);
	assert_int_equal(0, sq__search_cache_selfcheck(f->ud));
	assert_int_equal(0, sq__search_cache_selfcheck(g.ud));
	g.s.free(g.ud);
}

/* The SQLite backend's copy of the documents: words added after its
 * vocabulary was sorted, then sorted again; records rewritten until they
 * are compacted; a log too long to follow (the copy loaded anew); books it
 * does not hold (an id far beyond the others, scores more than 2^32 apart)
 * read from the table. Always what search_doc holds. */
static void test_search_copy(void **state)
{
	fixture *f = *state;
	hit_ids h;
	char word[32];
	int64_t last[301] = {0}; /* the step of each book's last write */

	assert_int_equal(LEND_OK, f->s.begin(f->ud, 1));
	for (int64_t id = 1; id <= 300; id++)
		put_doc(f, id, 1, "en", "common", id, NULL, 0);
	assert_int_equal(LEND_OK, f->s.commit(f->ud));
	EXPECT_IDS(&match(f, &h, 1, 0, 3, 2, "common", "c")->c, 300, 299, 298);
	uint64_t r = 7;
	for (int step = 1; step <= 12000; step++) {
		r = r * 6364136223846793005u + 1442695040888963407u;
		int64_t id = 1 + (int64_t)((r >> 33) % 300);
		snprintf(word, sizeof word, "v%d", step);
		put_doc(f, id, 1, "en", "common", id, word, 1000000 + step);
		last[id] = step;
		/* Every 100 writes the copy follows the log (its dead records pass
		 * 65,536 units near step 7,300: compacted, then written again); the
		 * last 3,000 are too many: loaded anew. */
		if ((step <= 9000 && step % 100 == 0) || step == 12000) {
			/* The ten books written last, best first. */
			int64_t want[10];
			for (int i = 0; i < 10; i++) {
				int64_t best = 0;
				for (int64_t b = 1; b <= 300; b++)
					if (last[b] > last[best] && (i == 0 || last[b] < last[want[i - 1]]))
						best = b;
				want[i] = best;
			}
			match(f, &h, 1, 0, 10, 2, "common", "v");
			assert_int_equal(10, h.c.n);
			for (int i = 0; i < 10; i++) {
				assert_int_equal(want[i], h.c.v[i]);
				assert_int_equal(1000000 + last[want[i]], h.score[i]);
			}
			snprintf(word, sizeof word, "v%d", step);
			EXPECT_IDS(&match(f, &h, 0, 0, 10, 2, "common", word)->c, id);
			assert_int_equal(0, sq__search_cache_selfcheck(f->ud));
			assert_int_equal(300, sq__search_cache_copied(f->ud)); /* followed, never dropped */
		}
	}

	put_doc(f, 1000000000, 1, "en", "common", 1, "faraway", 5);
	put_doc(f, 301, 1, "en", "common", 0, "wide", 5000000000);
	EXPECT_IDS(&match(f, &h, 1, 0, 10, 2, "common", "fa")->c, 1000000000);
	assert_int_equal(5, h.score[0]);
	EXPECT_IDS(&match(f, &h, 1, 0, 10, 2, "common", "wi")->c, 301);
	assert_int_equal(5000000000, h.score[0]);
	assert_int_equal(0, sq__search_cache_selfcheck(f->ud));
	put_doc(f, 301, 1, "en", "common", 0, "narrow", 5);
	assert_int_equal(LEND_OK, f->s.search_delete(f->ud, 1000000000));
	EXPECT_NONE(&match(f, &h, 1, 0, 10, 2, "common", "fa")->c);
	EXPECT_NONE(&match(f, &h, 1, 0, 10, 2, "common", "wi")->c);
	EXPECT_IDS(&match(f, &h, 1, 0, 10, 2, "common", "na")->c, 301);
	assert_int_equal(0, sq__search_cache_selfcheck(f->ud));
	assert_int_equal(301, sq__search_cache_copied(f->ud));
}

static void test_search_bytes(void **state)
{
	fixture *f = *state;
	hit_ids h;

	put_doc(f, 1, 1, "ru", "\xd0\xb0\xd1\x8f", 5, NULL, 0);       /* ая */
	put_doc(f, 2, 1, "ru", "\xd0\xb0\xd1\x8f\xd0\xb1", 7, NULL, 0); /* аяб */
	put_doc(f, 3, 1, "ru", "\xd0\xb0\xd1\x90", 9, NULL, 0);       /* аѐ: the character after я */
	put_doc(f, 4, 1, NULL, "abc\xf4\x8f\xbf\xbf", 3, NULL, 0);    /* abc U+10FFFF */
	put_doc(f, 5, 1, NULL, "abc\xf4\x8f\xbf\xbfz", 4, NULL, 0);
	put_doc(f, 6, 1, NULL, "abd", 8, NULL, 0);
	put_doc(f, 7, 1, NULL, "xxx\xdf\xbf", 2, NULL, 0);            /* xxx U+07FF */
	put_doc(f, 8, 1, NULL, "xxx\xe0\xa0\x80", 6, NULL, 0);        /* xxx U+0800 */
	put_doc(f, 9, 1, NULL, "xxx\xdf\xbfq", 1, NULL, 0);
	put_doc(f, 10, 1, "en", "war", 10, "peace", 20);
	put_doc(f, 11, 2, "en", "war", 5, "peas", 15);
	put_doc(f, 12, 1, "en", "peace", 30, NULL, 0);

	EXPECT_IDS(&match(f, &h, 1, 0, 10, 1, "\xd0\xb0\xd1\x8f")->c, 2, 1);
	assert_int_equal(7, h.score[0]);
	EXPECT_IDS(&match(f, &h, 1, 0, 10, 1, "\xd0\xb0")->c, 3, 2, 1);
	EXPECT_IDS(&match(f, &h, 0, 0, 10, 1, "\xd0\xb0\xd1\x8f")->c, 1);
	EXPECT_IDS(&match(f, &h, 1, 0, 10, 1, "abc")->c, 5, 4);
	EXPECT_IDS(&match(f, &h, 1, 0, 10, 1, "abc\xf4\x8f\xbf\xbf")->c, 5, 4);
	EXPECT_IDS(&match(f, &h, 1, 0, 10, 1, "xxx\xdf\xbf")->c, 7, 9);
	EXPECT_IDS(&match(f, &h, 1, 0, 10, 1, "xxx")->c, 8, 7, 9);
	EXPECT_IDS(&match(f, &h, 1, 0, 2, 1, "xxx")->c, 8, 7);

	/* several words: the others whole, the last a prefix or whole */
	EXPECT_IDS(&match(f, &h, 1, 0, 10, 2, "war", "pea")->c, 10, 11);
	assert_int_equal(20, h.score[0]);
	assert_int_equal(15, h.score[1]);
	EXPECT_NONE(&match(f, &h, 0, 0, 10, 2, "war", "pea")->c);
	EXPECT_IDS(&match(f, &h, 0, 0, 10, 2, "war", "peace")->c, 10);
	EXPECT_NONE(&match(f, &h, 1, 0, 10, 2, "wa", "peace")->c);
	EXPECT_IDS(&match(f, &h, 1, 0, 10, 3, "war", "war", "w")->c, 10, 11);
	EXPECT_IDS(&match(f, &h, 1, 0, 10, 1, "pea")->c, 12, 10, 11);
	EXPECT_IDS(&match(f, &h, 1, 2, 10, 1, "pea")->c, 11);

	/* replaced, then removed */
	put_doc(f, 10, 1, "en", "war", 10, NULL, 0);
	EXPECT_IDS(&match(f, &h, 1, 0, 10, 2, "war", "pea")->c, 11);
	EXPECT_IDS(&match(f, &h, 1, 0, 10, 1, "p")->c, 12, 11);
	assert_int_equal(LEND_OK, f->s.search_delete(f->ud, 11));
	assert_int_equal(LEND_ENOTFOUND, f->s.search_delete(f->ud, 11));
	EXPECT_IDS(&match(f, &h, 1, 0, 10, 1, "pea")->c, 12);
	EXPECT_IDS(&match(f, &h, 1, 0, 10, 1, "w")->c, 10);
}

/* Which words are indexed (the typo fallback's question): whole words, and
 * with prefix the start of one; the answer follows replacements and
 * removals. */
static void test_search_vocab(void **state)
{
	fixture *f = *state;
	int32_t found[6];
	if (!f->s.search_vocab)
		skip();
	put_doc(f, 10, 1, "en", "war", 10, "peace", 20);
	put_doc(f, 11, 2, "en", "peas", 5, NULL, 0);
	const char *exact[] = {"war", "pea", "peace", "zzz", "peas", "war"};
	assert_int_equal(LEND_OK, f->s.search_vocab(f->ud, exact, 6, 0, found));
	int want_exact[] = {1, 0, 1, 0, 1, 1};
	for (int i = 0; i < 6; i++)
		assert_int_equal(want_exact[i], found[i]);
	const char *starts[] = {"wa", "pe", "peac", "zz", "war", "peaz"};
	assert_int_equal(LEND_OK, f->s.search_vocab(f->ud, starts, 6, 1, found));
	int want_starts[] = {1, 1, 1, 0, 1, 0};
	for (int i = 0; i < 6; i++)
		assert_int_equal(want_starts[i], found[i]);
	assert_int_equal(LEND_OK, f->s.search_vocab(f->ud, exact, 0, 0, found));

	put_doc(f, 10, 1, "en", "war", 10, NULL, 0);
	assert_int_equal(LEND_OK, f->s.search_delete(f->ud, 11));
	assert_int_equal(LEND_OK, f->s.search_vocab(f->ud, exact, 6, 0, found));
	int want_after[] = {1, 0, 0, 0, 0, 1};
	for (int i = 0; i < 6; i++)
		assert_int_equal(want_after[i], found[i]);
	assert_int_equal(LEND_OK, f->s.search_vocab(f->ud, starts, 6, 1, found));
	int want_after_starts[] = {1, 0, 0, 0, 1, 0};
	for (int i = 0; i < 6; i++)
		assert_int_equal(want_after_starts[i], found[i]);
}

int main(void)
{
	/* Every backend. */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_library_crud, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_library_crud, setup_file, teardown),
		cmocka_unit_test_setup_teardown(test_reader_crud, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_ticket, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_ticket, setup_file, teardown),
		cmocka_unit_test_setup_teardown(test_book, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_grant, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_fund, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_loan_filters, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_loan_filters, setup_file, teardown),
		cmocka_unit_test_setup_teardown(test_loan_update, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_holds, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_holds, setup_file, teardown),
		cmocka_unit_test_setup_teardown(test_notes, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_note_rows, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_policy, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_ledger, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup_file, teardown),
		cmocka_unit_test_setup_teardown(test_callback_stop, setup_file, teardown),
		cmocka_unit_test_setup_teardown(test_reentrant, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_many_filter_shapes, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_strings, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_busy, setup_file, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot, setup_file, teardown),
		cmocka_unit_test_setup_teardown(test_writer_sees_last_commit, setup_file, teardown),
		cmocka_unit_test_setup_teardown(test_queue_order_across_connections, setup_file, teardown),
		cmocka_unit_test_setup_teardown(test_authors_unique, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_search_bytes, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_search_vocab, setup_mem, teardown),
		cmocka_unit_test_setup_teardown(test_search_words_writes, setup_file, teardown),
		cmocka_unit_test_setup_teardown(test_search_doc_changed_elsewhere, setup_file, teardown),
	};
	const struct CMUnitTest sqlite_tests[] = {
		cmocka_unit_test(test_open_memory),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_open_not_a_database),
		cmocka_unit_test(test_reopen_keeps_data),
		cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test(test_search_prefix_migration),
		cmocka_unit_test(test_search_vocab_bad_bytes),
		cmocka_unit_test_setup_teardown(test_search_words_small_cache, setup_file, teardown),
		cmocka_unit_test_setup_teardown(test_search_copy, setup_mem, teardown),
	};
	const struct CMUnitTest pg_tests[] = {
		cmocka_unit_test(test_pg_open_errors),
		cmocka_unit_test_setup_teardown(test_pg_reopen_and_newer_schema, setup_file, teardown),
		cmocka_unit_test_setup_teardown(test_pg_connection_lost, setup_file, teardown),
		cmocka_unit_test_setup_teardown(test_pg_failed_commit, setup_file, teardown),
		cmocka_unit_test_setup_teardown(test_pg_engine_connection_lost, setup_file, teardown),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	if (th_backend_pg())
		failed += cmocka_run_group_tests_name("postgres", pg_tests, NULL, NULL);
	else
		failed += cmocka_run_group_tests_name("sqlite", sqlite_tests, NULL, NULL);
	return failed;
}
