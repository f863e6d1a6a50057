/* tests/helpers.c — the fixture shared by liblend's cmocka tests. */
#include "helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "lend/sys/postgres.h"
#ifdef TH_HAVE_PQ
#include <libpq-fe.h>
#endif

/* ---------------------------------------------------------------- clock */

int64_t th_now;

int64_t th_clock(void *ud)
{
	(void)ud;
	return th_now;
}

static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t th_utc(int y, int m, int d, int hh, int mi, int ss)
{
	return days_from_civil(y, m, d) * TH_DAY + hh * 3600 + mi * 60 + ss;
}

int th_ymd(int64_t t)
{
	int64_t days = t >= 0 ? t / TH_DAY : -((-t + TH_DAY - 1) / TH_DAY);
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	int y = (int)(yoe + era * 400 + (m <= 2));
	return y * 10000 + m * 100 + d;
}

/* ------------------------------------------------------------- notifier */

static int rec_deliver(void *ud, const lend_notification *n, const char **errmsg)
{
	th_recorder *r = ud;
	r->calls++;
	if (r->fail) {
		*errmsg = "the recording notifier was told to fail";
		return 1;
	}
	r->delivered++;
	int k = lend_notification_kind(n);
	if (k >= 0 && k < 16)
		r->by_kind[k]++;
	if (r->nseen < TH_MAX_SEEN)
		snprintf(r->seen[r->nseen++], sizeof r->seen[0], "%s", lend_notification_uuid(n));
	return 0;
}

void th_recorder_notifier(th_recorder *rec, lend_notifier *out)
{
	assert_int_equal(lend_notifier_init(out, LEND_NOTIFIER_VERSION), LEND_OK);
	out->userdata = rec;
	out->deliver = rec_deliver;
	out->free = NULL; /* the recorder belongs to the fixture */
}

/* -------------------------------------------------------------- backend */

static int on_pg;

int th_backend_pg(void)
{
	return on_pg;
}

/* Skip the whole program (exit 77: meson's SKIP) with the reason, or fail
 * when the server is required. */
static void pg_unavailable(const char *why)
{
	const char *req = getenv("LEND_TEST_PG_REQUIRED");
	int required = req != NULL && strcmp(req, "1") == 0;

	fprintf(stderr, "%s: PostgreSQL tests: %s\n", required ? "FAIL" : "SKIP", why);
	printf("%s: PostgreSQL tests: %s\n", required ? "FAIL" : "SKIP", why);
	fflush(NULL);
	_exit(required ? 1 : 77);
}

#ifdef TH_HAVE_PQ
static PGconn *pg_admin(void)
{
	PGconn *c = PQconnectdb(getenv("LEND_TEST_PG"));
	if (PQstatus(c) != CONNECTION_OK) {
		char why[512];
		snprintf(why, sizeof why, "no server at LEND_TEST_PG: %s", PQerrorMessage(c));
		PQfinish(c);
		pg_unavailable(why);
	}
	return c;
}

void th_pg_exec(const char *sql)
{
	PGconn *c = pg_admin();
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		print_message("%s: %s\n", sql, PQresultErrorMessage(r));
	assert_true(ok);
	PQclear(r);
	PQfinish(c);
}
#endif

/* Before main(): choose the backend, and leave at once if it cannot run. */
__attribute__((constructor)) static void th_backend_choose(void)
{
	const char *b = getenv("LEND_TEST_BACKEND");
	if (b == NULL || strcmp(b, "postgres") != 0)
		return;
	on_pg = 1;
#ifndef TH_HAVE_PQ
	pg_unavailable("liblend was built without libpq (Debian's libpq-dev)");
#else
	const char *uri = getenv("LEND_TEST_PG");
	if (uri == NULL || uri[0] == '\0')
		pg_unavailable("LEND_TEST_PG is not set (sh scripts/pg.sh start DIR prints a server's URI)");
	PQfinish(pg_admin());
#endif
}

void th_storage_open(th *t, lend_storage *s)
{
	char why[256] = "";
	int rc = t->pg_schema[0] ? lend_storage_postgres(s, t->path, why, sizeof why)
	                         : lend_storage_sqlite(s, t->path, 0, why, sizeof why);
	if (rc != LEND_OK)
		fail_msg("opening the fixture's store: %d %s", rc, why);
}

void th_pg_store_new(char *uri, size_t n, char *schema, size_t sn)
{
#ifdef TH_HAVE_PQ
	static unsigned seq;
	const char *base = getenv("LEND_TEST_PG");
	char sql[128];
	snprintf(schema, sn, "lt_%ld_%u", (long)getpid(), ++seq);
	snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", schema, schema);
	th_pg_exec(sql);
	int len = snprintf(uri, n, "%s%soptions=-csearch_path%%3D%s", base, strchr(base, '?') ? "&" : "?", schema);
	assert_true(len > 0 && (size_t)len < n);
#else
	(void)uri;
	(void)n;
	(void)schema;
	(void)sn;
	fail_msg("built without libpq");
#endif
}

#ifndef TH_HAVE_PQ
void th_pg_exec(const char *sql)
{
	(void)sql;
	fail_msg("built without libpq");
}
#endif

void th_pg_store_drop(const char *schema)
{
#ifdef TH_HAVE_PQ
	char sql[96];
	snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", schema);
	th_pg_exec(sql);
#else
	(void)schema;
#endif
}

/* -------------------------------------------------------------- fixture */

void th_temp_path(char *buf, size_t n)
{
	snprintf(buf, n, "/tmp/liblend-test-XXXXXX");
	int fd = mkstemp(buf);
	assert_true(fd >= 0);
	close(fd);
}

void th_remove_db(const char *path)
{
	char buf[160];
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
	if (!path || !path[0])
		return;
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		snprintf(buf, sizeof buf, "%s%s", path, sfx[i]);
		unlink(buf);
	}
}

void th_copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY);
	assert_true(in >= 0);
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(out >= 0);
	char buf[65536];
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		assert_true(n >= 0);
		if (n == 0)
			break;
		assert_int_equal(write(out, buf, (size_t)n), n);
	}
	close(in);
	close(out);
}

static void open_engine(th *t)
{
	lend_options *o = NULL;
	lend_notifier nt;
	assert_int_equal(lend_options_new(&o), LEND_OK);
	assert_int_equal(lend_options_set_clock(o, th_clock, NULL), LEND_OK);
	th_recorder_notifier(&t->rec, &nt);
	assert_int_equal(lend_options_set_notifier(o, &nt), LEND_OK);
	int rc = lend_engine_open(&t->e, t->path[0] ? t->path : ":memory:", o);
	lend_options_free(o);
	if (rc != LEND_OK)
		print_message("open: %s\n", lend_engine_errmsg(t->e));
	assert_int_equal(rc, LEND_OK);
	assert_int_equal(lend_actor_admin(t->e, &t->admin), LEND_OK);
}

th *th_new(int where)
{
	th *t = calloc(1, sizeof *t);
	assert_non_null(t);
	th_now = TH_START;
	if (on_pg)
		th_pg_store_new(t->path, sizeof t->path, t->pg_schema, sizeof t->pg_schema);
	else if (where == TH_FILE)
		th_temp_path(t->path, sizeof t->path);
	open_engine(t);
	return t;
}

static void close_engine(th *t)
{
	for (size_t i = 0; i < t->nactors; i++)
		lend_actor_free(t->actors[i]);
	t->nactors = 0;
	lend_actor_free(t->admin);
	t->admin = NULL;
	lend_engine_close(t->e);
	t->e = NULL;
}

void th_close_engine(th *t)
{
	close_engine(t);
}

void th_open_engine(th *t)
{
	assert_null(t->e);
	open_engine(t);
}

void th_reopen(th *t)
{
	assert_true(t->path[0] != '\0');
	close_engine(t);
	open_engine(t);
}

void th_free(th *t)
{
	if (!t)
		return;
	close_engine(t);
	if (t->pg_schema[0])
		th_pg_store_drop(t->pg_schema);
	else
		th_remove_db(t->path);
	free(t);
}

int th_setup_memory(void **state)
{
	*state = th_new(TH_MEMORY);
	return 0;
}

int th_setup_file(void **state)
{
	*state = th_new(TH_FILE);
	return 0;
}

int th_teardown(void **state)
{
	th_free(*state);
	*state = NULL;
	return 0;
}

/* --------------------------------------------------------------- makers */

int64_t th_library(th *t, const char *name, int64_t budget)
{
	lend_library *lib = NULL;
	int64_t id = 0;
	assert_int_equal(lend_library_new(&lib), LEND_OK);
	assert_int_equal(lend_library_set_name(lib, name), LEND_OK);
	TH_OK(t, lend_library_add(t->e, t->admin, lib, &id));
	lend_library_free(lib);
	assert_true(id > 0);
	if (budget > 0)
		TH_OK(t, lend_budget_add(t->e, t->admin, id, budget, "initial budget"));
	return id;
}

int64_t th_reader(th *t, const char *name, int y, int m, int d)
{
	lend_reader *r = NULL;
	int64_t id = 0;
	assert_int_equal(lend_reader_new(&r), LEND_OK);
	assert_int_equal(lend_reader_set_name(r, name), LEND_OK);
	if (y)
		assert_int_equal(lend_reader_set_birth_date(r, y, m, d), LEND_OK);
	TH_OK(t, lend_reader_add(t->e, t->admin, r, &id));
	lend_reader_free(r);
	assert_true(id > 0);
	return id;
}

int64_t th_ticket(th *t, int64_t library_id, int64_t reader_id)
{
	lend_ticket *tk = NULL;
	TH_OK(t, lend_ticket_issue(t->e, t->admin, library_id, reader_id, NULL, &tk));
	int64_t id = lend_ticket_id(tk);
	assert_int_equal(lend_ticket_library_id(tk), library_id);
	assert_int_equal(lend_ticket_reader_id(tk), reader_id);
	lend_ticket_free(tk);
	assert_true(id > 0);
	return id;
}

int64_t th_book_ex(th *t, const th_book_opts *o)
{
	lend_book *b = NULL;
	int64_t id = 0;
	assert_int_equal(lend_book_new(&b), LEND_OK);
	assert_int_equal(lend_book_set_title(b, o->title ? o->title : "Book"), LEND_OK);
	assert_int_equal(lend_book_add_author(b, "Author"), LEND_OK);
	assert_int_equal(lend_book_set_kind(b, o->kind ? o->kind : LEND_KIND_EBOOK), LEND_OK);
	assert_int_equal(lend_book_set_price(b, o->price, o->currency ? o->currency : "RUB"), LEND_OK);
	assert_int_equal(lend_book_set_age_rating(b, o->age), LEND_OK);
	assert_int_equal(lend_book_set_lendable(b, !o->not_lendable), LEND_OK);
	assert_int_equal(lend_book_set_release_at(b, o->release_at), LEND_OK);
	TH_OK(t, lend_book_add(t->e, t->admin, b, &id));
	lend_book_free(b);
	assert_true(id > 0);
	return id;
}

int64_t th_book(th *t, const char *title, int kind, int64_t price, int age)
{
	th_book_opts o = {title, kind, price, NULL, age, 0, 0};
	return th_book_ex(t, &o);
}

void th_copies(th *t, int64_t library_id, int64_t book_id, int n)
{
	TH_OK(t, lend_fund_add_copies(t->e, t->admin, library_id, book_id, n));
}

static lend_actor *keep(th *t, lend_actor *a)
{
	assert_true(t->nactors < TH_MAX_ACTORS);
	t->actors[t->nactors++] = a;
	return a;
}

lend_actor *th_as_reader(th *t, int64_t reader_id)
{
	lend_actor *a = NULL;
	TH_OK(t, lend_actor_reader(t->e, reader_id, &a));
	assert_int_equal(lend_actor_kind(a), LEND_ACTOR_READER);
	assert_int_equal(lend_actor_reader_id(a), reader_id);
	return keep(t, a);
}

lend_actor *th_as_librarian(th *t, int64_t reader_id)
{
	lend_actor *a = NULL;
	TH_OK(t, lend_actor_librarian(t->e, reader_id, &a));
	assert_int_equal(lend_actor_kind(a), LEND_ACTOR_LIBRARIAN);
	return keep(t, a);
}

/* ------------------------------------------------------------- readings */

void th_check_clean(th *t)
{
	lend_report *r = NULL;
	TH_OK(t, lend_engine_check(t->e, &r));
	size_t n = lend_report_count(r);
	for (size_t i = 0; i < n; i++)
		print_message("check: %s\n", lend_report_get(r, i));
	lend_report_free(r);
	assert_int_equal(n, 0);
}

int th_fund(th *t, int64_t library_id, int64_t book_id, int *copies, int *on_loan, int *waiting)
{
	lend_fund *f = NULL;
	int rc = lend_fund_get(t->e, t->admin, library_id, book_id, &f);
	if (rc != LEND_OK && rc != LEND_ENOTFOUND)
		print_message("fund_get: %s\n", lend_engine_errmsg(t->e));
	assert_true(rc == LEND_OK || rc == LEND_ENOTFOUND);
	if (copies)
		*copies = lend_fund_copies(f);
	if (on_loan)
		*on_loan = lend_fund_on_loan(f);
	if (waiting)
		*waiting = lend_fund_waiting(f);
	lend_fund_free(f);
	return rc;
}

int64_t th_budget(th *t, int64_t library_id)
{
	lend_library *lib = NULL;
	TH_OK(t, lend_library_get(t->e, t->admin, library_id, &lib));
	int64_t b = lend_library_budget(lib);
	lend_library_free(lib);
	return b;
}

size_t th_outbox_count(th *t, int pending_only)
{
	lend_notifications *l = NULL;
	TH_OK(t, lend_outbox_list(t->e, t->admin, pending_only, 10000, &l));
	size_t n = lend_notifications_count(l);
	lend_notifications_free(l);
	return n;
}

size_t th_outbox_count_of(th *t, int kind, int64_t loan_id)
{
	lend_notifications *l = NULL;
	TH_OK(t, lend_outbox_list(t->e, t->admin, 0, 10000, &l));
	size_t n = 0;
	for (size_t i = 0; i < lend_notifications_count(l); i++) {
		const lend_notification *x = lend_notifications_get(l, i);
		if ((!kind || lend_notification_kind(x) == kind) && (!loan_id || lend_notification_loan_id(x) == loan_id))
			n++;
	}
	lend_notifications_free(l);
	return n;
}

size_t th_loan_count(th *t, int64_t reader_id, int active_only)
{
	lend_loans *l = NULL;
	TH_OK(t, lend_loan_list(t->e, t->admin, reader_id, active_only, &l));
	size_t n = lend_loans_count(l);
	lend_loans_free(l);
	return n;
}

int64_t th_active_loan_of(th *t, int64_t reader_id, int64_t book_id)
{
	lend_loans *l = NULL;
	int64_t id = 0;
	TH_OK(t, lend_loan_list(t->e, t->admin, reader_id, 1, &l));
	for (size_t i = 0; i < lend_loans_count(l); i++)
		if (lend_loan_book_id(lend_loans_get(l, i)) == book_id)
			id = lend_loan_id(lend_loans_get(l, i));
	lend_loans_free(l);
	return id;
}

void th_hold(th *t, int64_t hold_id, int *state, int *position, int64_t *wait_until, int64_t *loan_id)
{
	lend_hold *h = NULL;
	TH_OK(t, lend_hold_get(t->e, t->admin, hold_id, &h));
	if (state)
		*state = lend_hold_state(h);
	if (position)
		*position = lend_hold_position(h);
	if (wait_until)
		*wait_until = lend_hold_wait_until(h);
	if (loan_id)
		*loan_id = lend_hold_loan_id(h);
	lend_hold_free(h);
}

/* ------------------------------------------------------------- database */

typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (b->len + n + 1 > cap)
			cap *= 2;
		char *p = realloc(b->p, cap);
		assert_non_null(p);
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void dump_rows(sqlite3 *db, const char *table, sbuf *b)
{
	char sql[512];
	sqlite3_stmt *st = NULL;
	/* A rowid table in rowid order; else every column in order (the whole
	 * primary key of a WITHOUT ROWID table is among them). */
	snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY rowid", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		st = NULL;
		sqlite3_stmt *cols = NULL;
		snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" LIMIT 0", table);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &cols, NULL), SQLITE_OK);
		int n = sqlite3_column_count(cols);
		sqlite3_finalize(cols);
		int len = snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY 1", table);
		for (int i = 2; i <= n && len < (int)sizeof sql - 8; i++)
			len += snprintf(sql + len, sizeof sql - (size_t)len, ",%d", i);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int n = sqlite3_column_count(st);
		for (int i = 0; i < n; i++) {
			char cell[64];
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_NULL:
				sb_str(b, "N");
				break;
			case SQLITE_INTEGER:
				snprintf(cell, sizeof cell, "i%lld", (long long)sqlite3_column_int64(st, i));
				sb_str(b, cell);
				break;
			case SQLITE_FLOAT:
				snprintf(cell, sizeof cell, "f%.17g", sqlite3_column_double(st, i));
				sb_str(b, cell);
				break;
			default: {
				const void *p = sqlite3_column_blob(st, i);
				int len = sqlite3_column_bytes(st, i);
				snprintf(cell, sizeof cell, "s%d:", len);
				sb_str(b, cell);
				if (len > 0)
					sb_add(b, p, (size_t)len);
				break;
			}
			}
			sb_str(b, i + 1 < n ? "|" : "\n");
		}
	}
	assert_int_equal(rc, SQLITE_DONE);
	sqlite3_finalize(st);
}

#ifdef TH_HAVE_PQ
/* PostgreSQL: every table of the store's schema by name, rows ordered by all
 * their columns, every value as text. Sequences are left out: PostgreSQL
 * does not roll them back (an undone insert may use up an id). */
static char *dump_pg(const char *uri)
{
	PGconn *c = PQconnectdb(uri);
	if (PQstatus(c) != CONNECTION_OK)
		print_message("dump: %s\n", PQerrorMessage(c));
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PQclear(PQexec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
	PGresult *tables = PQexec(c, "SELECT c.relname, c.relnatts FROM pg_class c WHERE c.relkind = 'r' AND "
	                             "c.relnamespace = current_schema()::regnamespace ORDER BY c.relname");
	assert_int_equal(PQresultStatus(tables), PGRES_TUPLES_OK);
	assert_true(PQntuples(tables) > 0);
	sbuf b = {NULL, 0, 0};
	sb_str(&b, "");
	for (int i = 0; i < PQntuples(tables); i++) {
		char sql[512];
		int len = snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY 1", PQgetvalue(tables, i, 0));
		for (int k = 2; k <= atoi(PQgetvalue(tables, i, 1)) && len < (int)sizeof sql - 8; k++)
			len += snprintf(sql + len, sizeof sql - (size_t)len, ",%d", k);
		PGresult *r = PQexec(c, sql);
		assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
		sb_str(&b, "== ");
		sb_str(&b, PQgetvalue(tables, i, 0));
		sb_str(&b, "\n");
		for (int row = 0; row < PQntuples(r); row++) {
			for (int col = 0; col < PQnfields(r); col++) {
				char cell[32];
				if (PQgetisnull(r, row, col)) {
					sb_str(&b, "N");
				} else {
					snprintf(cell, sizeof cell, "s%d:", PQgetlength(r, row, col));
					sb_str(&b, cell);
					sb_add(&b, PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
				}
				sb_str(&b, col + 1 < PQnfields(r) ? "|" : "\n");
			}
		}
		PQclear(r);
	}
	PQclear(tables);
	PQfinish(c);
	return b.p;
}
#endif

char *th_dump_db(const char *path)
{
#ifdef TH_HAVE_PQ
	if (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0)
		return dump_pg(path);
#endif
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK)
		print_message("dump: cannot open %s: %s\n", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	assert_int_equal(rc, SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	sbuf b = {NULL, 0, 0};
	sb_str(&b, "");
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", -1,
	                                    &st, NULL),
	                 SQLITE_OK);
	char names[64][64];
	int n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 64)
		snprintf(names[n++], sizeof names[0], "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		sb_str(&b, "== ");
		sb_str(&b, names[i]);
		sb_str(&b, "\n");
		dump_rows(db, names[i], &b);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	return b.p;
}

lend_engine *th_engine_on(const char *path, lend_clock_fn clock, int busy_timeout_ms)
{
	lend_options *o = NULL;
	lend_engine *e = NULL;
	if (lend_options_new(&o) != LEND_OK)
		return NULL;
	lend_options_set_clock(o, clock ? clock : th_clock, NULL);
	lend_options_set_busy_timeout(o, busy_timeout_ms);
	int rc = lend_engine_open(&e, path, o);
	lend_options_free(o);
	if (rc != LEND_OK) {
		lend_engine_close(e);
		return NULL;
	}
	return e;
}
