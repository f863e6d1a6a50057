/* lib/storage/sqlite/desk.c — the SQLite tables and methods of the librarian's desk:
 * requests to the librarian (and records of direct issues), renewals, and the
 * tickets whose validity began. */
#include <string.h>

#include "sq.h"

const char sq__desk_schema[] =
	"CREATE TABLE desk_requests (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"ticket_id INTEGER NOT NULL DEFAULT 0,\n"
	"reader_id INTEGER NOT NULL DEFAULT 0,\n"
	"library_id INTEGER NOT NULL DEFAULT 0,\n"
	"book_id INTEGER NOT NULL DEFAULT 0,\n"
	"state INTEGER NOT NULL DEFAULT 0,\n"
	"origin INTEGER NOT NULL DEFAULT 0,\n"
	"created_at INTEGER NOT NULL DEFAULT 0,\n"
	"decided_at INTEGER NOT NULL DEFAULT 0,\n"
	"decided_by INTEGER NOT NULL DEFAULT 0,\n"
	"reason INTEGER NOT NULL DEFAULT 0,\n"
	"overridden INTEGER NOT NULL DEFAULT 0,\n"
	"text TEXT,\n"
	"loan_id INTEGER NOT NULL DEFAULT 0,\n"
	"hold_id INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE INDEX desk_requests_library ON desk_requests (library_id, state, id);\n"
	"CREATE INDEX desk_requests_ticket ON desk_requests (ticket_id, state, id);\n"
	"CREATE INDEX desk_requests_reader ON desk_requests (reader_id, id);\n"
	"CREATE TABLE desk_renewals (\n"
	"loan_id INTEGER PRIMARY KEY,\n"
	"at INTEGER NOT NULL DEFAULT 0,\n"
	"old_due_at INTEGER NOT NULL DEFAULT 0,\n"
	"new_due_at INTEGER NOT NULL DEFAULT 0,\n"
	"actor_id INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE INDEX desk_tickets_valid_from ON tickets (valid_from);\n"
	"CREATE TABLE desk_reserves (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"library_id INTEGER NOT NULL DEFAULT 0,\n"
	"book_id INTEGER NOT NULL DEFAULT 0,\n"
	"hold_id INTEGER NOT NULL DEFAULT 0,\n"
	"ticket_id INTEGER NOT NULL DEFAULT 0,\n"
	"reader_id INTEGER NOT NULL DEFAULT 0,\n"
	"created_at INTEGER NOT NULL DEFAULT 0,\n"
	"expires_at INTEGER NOT NULL DEFAULT 0,\n"
	"state INTEGER NOT NULL DEFAULT 0,\n"
	"ended_at INTEGER NOT NULL DEFAULT 0,\n"
	"loan_id INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE INDEX desk_reserves_book ON desk_reserves (library_id, book_id, state);\n"
	"CREATE INDEX desk_reserves_state ON desk_reserves (state, expires_at);\n"
	"CREATE INDEX desk_reserves_hold ON desk_reserves (hold_id);\n"
	"CREATE INDEX desk_reserves_reader ON desk_reserves (reader_id);\n"
	"CREATE TABLE desk_licenses (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"library_id INTEGER NOT NULL DEFAULT 0,\n"
	"book_id INTEGER NOT NULL DEFAULT 0,\n"
	"copies INTEGER NOT NULL DEFAULT 0,\n"
	"expires_at INTEGER NOT NULL DEFAULT 0,\n"
	"checkouts_left INTEGER NOT NULL DEFAULT 0,\n"
	"created_at INTEGER NOT NULL DEFAULT 0,\n"
	"closed_at INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE INDEX desk_licenses_book ON desk_licenses (library_id, book_id);\n"
	"CREATE INDEX desk_licenses_open ON desk_licenses (closed_at, expires_at);\n"
	"CREATE TABLE desk_license_loans (\n"
	"loan_id INTEGER PRIMARY KEY,\n"
	"license_id INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE INDEX desk_license_loans_license ON desk_license_loans (license_id);\n";

#define REQ_COLS                                                                                                       \
	"ticket_id, reader_id, library_id, book_id, state, origin, created_at, decided_at, decided_by, reason, "      \
	"overridden, text, loan_id, hold_id"
#define REQ_VALS "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15"

static const char sql_req_insert[] = "INSERT INTO desk_requests (" REQ_COLS ") VALUES (" REQ_VALS ")";
static const char sql_req_update[] =
	"UPDATE desk_requests SET (" REQ_COLS ") = (" REQ_VALS ") WHERE id = ?1";
static const char sql_req_get[] = "SELECT id, " REQ_COLS " FROM desk_requests WHERE id = ?1";

/* The filter's fields are ?1 reader, ?2 ticket, ?3 library, ?4 book, ?5 state,
 * ?6 origin, ?7 limit; the leading field picks the index. */
#define REQ_WHERE                                                                                                      \
	"(?1 = 0 OR reader_id = ?1) AND (?2 = 0 OR ticket_id = ?2) AND (?3 = 0 OR library_id = ?3) AND "             \
	"(?4 = 0 OR book_id = ?4) AND (?5 = 0 OR state = ?5) AND (?6 = 0 OR origin = ?6)"
static const char sql_req_list_lib[] =
	"SELECT id, " REQ_COLS " FROM desk_requests WHERE library_id = ?3 AND " REQ_WHERE " ORDER BY id LIMIT ?7";
static const char sql_req_list_ticket[] =
	"SELECT id, " REQ_COLS " FROM desk_requests WHERE ticket_id = ?2 AND " REQ_WHERE " ORDER BY id LIMIT ?7";
static const char sql_req_list_reader[] =
	"SELECT id, " REQ_COLS " FROM desk_requests WHERE reader_id = ?1 AND " REQ_WHERE " ORDER BY id LIMIT ?7";
static const char sql_req_list_all[] = "SELECT id, " REQ_COLS " FROM desk_requests WHERE " REQ_WHERE
				       " ORDER BY id LIMIT ?7";
static const char sql_req_count_lib[] = "SELECT count(*) FROM desk_requests WHERE library_id = ?3 AND " REQ_WHERE;
static const char sql_req_count_ticket[] = "SELECT count(*) FROM desk_requests WHERE ticket_id = ?2 AND " REQ_WHERE;
static const char sql_req_count_reader[] = "SELECT count(*) FROM desk_requests WHERE reader_id = ?1 AND " REQ_WHERE;
static const char sql_req_count_all[] = "SELECT count(*) FROM desk_requests WHERE " REQ_WHERE;

static const char sql_ren_insert[] =
	"INSERT INTO desk_renewals (loan_id, at, old_due_at, new_due_at, actor_id) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char sql_ren_get[] =
	"SELECT loan_id, at, old_due_at, new_due_at, actor_id FROM desk_renewals WHERE loan_id = ?1";

static const char sql_ticket_started[] =
	"SELECT id, library_id, reader_id, number, valid_from, valid_until, blocked, created_at FROM tickets "
	"WHERE valid_from > ?1 AND valid_from <= ?2 ORDER BY id";
/* The settles below run on every write call and nearly always find nothing;
 * their ORDER BY id needs a sorter that SQLite sets up even for no rows, so
 * an index-only probe goes first. */
static const char sql_ticket_started_any[] =
	"SELECT EXISTS (SELECT 1 FROM tickets WHERE valid_from > ?1 AND valid_from <= ?2)";

static int bind_request(sqlite3_stmt *st, const lend_sys_request *r, int with_id)
{
	int rc = SQLITE_OK;
	if (with_id)
		rc = sqlite3_bind_int64(st, 1, r->id);
	const int64_t v[] = {r->ticket_id, r->reader_id, r->library_id, r->book_id, r->state, r->origin,
	                     r->created_at, r->decided_at, r->decided_by, r->reason, r->overridden};
	for (int i = 0; rc == SQLITE_OK && i < 11; i++)
		rc = sqlite3_bind_int64(st, 2 + i, v[i]);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 13, r->text ? r->text : "", -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 14, r->loan_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 15, r->hold_id);
	return rc;
}


/* Write a row of integers: v[i] binds parameter i + 1, from v[1] for an
 * insert (which sets *id_out) or v[0] (the id) for an update. */
static int write_ints(void *ud, const char *sql, const char *what, const int64_t *v, int n, int64_t *id_out)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql, &st, what);
	if (rc != LEND_OK)
		return rc;
	int brc = SQLITE_OK;
	for (int i = id_out ? 1 : 0; brc == SQLITE_OK && i < n; i++)
		brc = sqlite3_bind_int64(st, i + 1, v[i]);
	if ((rc = sq__bound(s, st, what, brc)) != LEND_OK || (rc = sq__run(s, st, what, !id_out)) != LEND_OK)
		return rc;
	if (id_out)
		*id_out = sqlite3_last_insert_rowid(sq__db(s));
	return LEND_OK;
}

static int req_insert(void *ud, lend_sys_request *row)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql_req_insert, &st, "request_insert");
	if (rc != LEND_OK)
		return rc;
	if ((rc = sq__bound(s, st, "request_insert", bind_request(st, row, 0))) != LEND_OK)
		return rc;
	if ((rc = sq__run(s, st, "request_insert", 0)) != LEND_OK)
		return rc;
	row->id = sqlite3_last_insert_rowid(sq__db(s));
	return LEND_OK;
}

static int req_update(void *ud, const lend_sys_request *row)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql_req_update, &st, "request_update");
	if (rc != LEND_OK)
		return rc;
	if ((rc = sq__bound(s, st, "request_update", bind_request(st, row, 1))) != LEND_OK)
		return rc;
	return sq__run(s, st, "request_update", 1);
}

/* Step a bound query: read_row turns each row into its struct and hands it
 * to the caller's callback (returning its stop value; *oom on no memory).
 * single: a get, which hands at most one row and is ENOTFOUND without one. */
typedef int (*row_fn)(sqlite3_stmt *st, void *p, int *oom);

static int step_rows(sq *s, sqlite3_stmt *st, const char *what, row_fn read_row, void *p, int single)
{
	int rc, oom = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int stop = read_row(st, p, &oom);
		if (oom) {
			sq__done(s, st);
			return sq__fail_msg(s, what, "out of memory", LEND_ENOMEM);
		}
		if (stop || single) {
			sq__done(s, st);
			return stop;
		}
	}
	int r = rc == SQLITE_DONE ? (single ? sq__not_found(s, what) : LEND_OK) : sq__fail(s, what, rc);
	sq__done(s, st);
	return r;
}

struct req_p {
	lend_sys_request_cb cb;
	void *ctx;
};

static int req_row(sqlite3_stmt *st, void *p, int *oom)
{
	struct req_p *c = p;
	lend_sys_request r;
	memset(&r, 0, sizeof r);
	int64_t *v[] = {&r.id, &r.ticket_id, &r.reader_id, &r.library_id, &r.book_id};
	for (int i = 0; i < 5; i++)
		*v[i] = sqlite3_column_int64(st, i);
	r.state = sqlite3_column_int(st, 5);
	r.origin = sqlite3_column_int(st, 6);
	r.created_at = sqlite3_column_int64(st, 7);
	r.decided_at = sqlite3_column_int64(st, 8);
	r.decided_by = sqlite3_column_int64(st, 9);
	r.reason = sqlite3_column_int(st, 10);
	r.overridden = sqlite3_column_int(st, 11);
	r.text = sq__text(st, 12);
	r.loan_id = sqlite3_column_int64(st, 13);
	r.hold_id = sqlite3_column_int64(st, 14);
	if (!r.text) {
		*oom = 1;
		return 0;
	}
	return c->cb(c->ctx, &r);
}

static int req_iterate(sq *s, sqlite3_stmt *st, const char *what, lend_sys_request_cb cb, void *ctx, int single)
{
	struct req_p p = {cb, ctx};
	return step_rows(s, st, what, req_row, &p, single);
}

static int req_get(void *ud, int64_t id, lend_sys_request_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql_req_get, &st, "request_get");
	if (rc != LEND_OK)
		return rc;
	if ((rc = sq__bound(s, st, "request_get", sqlite3_bind_int64(st, 1, id))) != LEND_OK)
		return rc;
	return req_iterate(s, st, "request_get", cb, ctx, 1);
}

static int req_filter(sq *s, const lend_sys_request_filter *f, int count, sqlite3_stmt **st, const char *what)
{
	const char *sql = f->library_id ? (count ? sql_req_count_lib : sql_req_list_lib)
	                  : f->ticket_id ? (count ? sql_req_count_ticket : sql_req_list_ticket)
	                  : f->reader_id ? (count ? sql_req_count_reader : sql_req_list_reader)
	                                 : (count ? sql_req_count_all : sql_req_list_all);
	int rc = sq__prep(s, sql, st, what);
	if (rc != LEND_OK)
		return rc;
	const int64_t v[] = {f->reader_id, f->ticket_id, f->library_id, f->book_id, f->state, f->origin};
	int brc = SQLITE_OK;
	for (int i = 0; brc == SQLITE_OK && i < 6; i++)
		brc = sqlite3_bind_int64(*st, i + 1, v[i]);
	if (brc == SQLITE_OK && !count)
		brc = sqlite3_bind_int64(*st, 7, f->limit > 0 ? f->limit : -1);
	return sq__bound(s, *st, what, brc);
}

static int req_list(void *ud, const lend_sys_request_filter *f, lend_sys_request_cb cb, void *ctx)
{
	sqlite3_stmt *st;
	int rc = req_filter(ud, f, 0, &st, "request_list");
	return rc != LEND_OK ? rc : req_iterate(ud, st, "request_list", cb, ctx, 0);
}

static int req_count(void *ud, const lend_sys_request_filter *f, int64_t *count)
{
	sqlite3_stmt *st;
	int rc = req_filter(ud, f, 1, &st, "request_count");
	return rc != LEND_OK ? rc : sq__run_count(ud, st, "request_count", count);
}

static int ren_insert(void *ud, const lend_sys_renewal *row)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql_ren_insert, &st, "renewal_insert");
	if (rc != LEND_OK)
		return rc;
	const int64_t v[] = {row->loan_id, row->at, row->old_due_at, row->new_due_at, row->actor_id};
	int brc = SQLITE_OK;
	for (int i = 0; brc == SQLITE_OK && i < 5; i++)
		brc = sqlite3_bind_int64(st, i + 1, v[i]);
	if ((rc = sq__bound(s, st, "renewal_insert", brc)) != LEND_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT) {
		sq__done(s, st);
		return sq__fail_msg(s, "renewal_insert", "the loan was renewed already", LEND_EEXISTS);
	}
	if (rc != SQLITE_DONE) {
		int r = sq__fail(s, "renewal_insert", rc);
		sq__done(s, st);
		return r;
	}
	sq__done(s, st);
	return LEND_OK;
}

static int ren_get(void *ud, int64_t loan_id, lend_sys_renewal *out)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql_ren_get, &st, "renewal_get");
	if (rc != LEND_OK)
		return rc;
	if ((rc = sq__bound(s, st, "renewal_get", sqlite3_bind_int64(st, 1, loan_id))) != LEND_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		out->loan_id = sqlite3_column_int64(st, 0);
		out->at = sqlite3_column_int64(st, 1);
		out->old_due_at = sqlite3_column_int64(st, 2);
		out->new_due_at = sqlite3_column_int64(st, 3);
		out->actor_id = sqlite3_column_int64(st, 4);
		sq__done(s, st);
		return LEND_OK;
	}
	int r = rc == SQLITE_DONE ? sq__not_found(s, "renewal_get") : sq__fail(s, "renewal_get", rc);
	sq__done(s, st);
	return r;
}

struct ticket_p {
	lend_sys_ticket_cb cb;
	void *ctx;
};

static int ticket_row(sqlite3_stmt *st, void *p, int *oom)
{
	struct ticket_p *c = p;
	lend_sys_ticket t;
	memset(&t, 0, sizeof t);
	t.id = sqlite3_column_int64(st, 0);
	t.library_id = sqlite3_column_int64(st, 1);
	t.reader_id = sqlite3_column_int64(st, 2);
	t.number = sq__text(st, 3);
	t.valid_from = sqlite3_column_int64(st, 4);
	t.valid_until = sqlite3_column_int64(st, 5);
	t.blocked = sqlite3_column_int(st, 6);
	t.created_at = sqlite3_column_int64(st, 7);
	if (!t.number) {
		*oom = 1;
		return 0;
	}
	return c->cb(c->ctx, &t);
}

/* Whether sql (a SELECT EXISTS over ?1..?n) finds a row. */
static int probe(sq *s, const char *sql, const int64_t *v, int n, const char *what, int64_t *found)
{
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql, &st, what);
	if (rc != LEND_OK)
		return rc;
	int brc = SQLITE_OK;
	for (int i = 0; brc == SQLITE_OK && i < n; i++)
		brc = sqlite3_bind_int64(st, i + 1, v[i]);
	if ((rc = sq__bound(s, st, what, brc)) != LEND_OK)
		return rc;
	return sq__run_count(s, st, what, found);
}

static int ticket_started(void *ud, int64_t after, int64_t upto, lend_sys_ticket_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int64_t any = 0;
	int rc = probe(s, sql_ticket_started_any, (const int64_t[]){after, upto}, 2, "ticket_started", &any);
	if (rc != LEND_OK || !any)
		return rc;
	rc = sq__prep(s, sql_ticket_started, &st, "ticket_started");
	if (rc != LEND_OK)
		return rc;
	int brc = sqlite3_bind_int64(st, 1, after);
	if (brc == SQLITE_OK)
		brc = sqlite3_bind_int64(st, 2, upto);
	if ((rc = sq__bound(s, st, "ticket_started", brc)) != LEND_OK)
		return rc;
	struct ticket_p p = {cb, ctx};
	return step_rows(s, st, "ticket_started", ticket_row, &p, 0);
}

/* ------------------------------------------------------------ reserves */

#define RES_COLS "library_id, book_id, hold_id, ticket_id, reader_id, created_at, expires_at, state, ended_at, loan_id"
#define RES_NCOLS 10
static const char sql_res_insert[] =
	"INSERT INTO desk_reserves (" RES_COLS ") VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const char sql_res_update[] =
	"UPDATE desk_reserves SET (" RES_COLS ") = (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) WHERE id = ?1";
static const char sql_res_get[] = "SELECT id, " RES_COLS " FROM desk_reserves WHERE id = ?1";
/* ?1 library, ?2 book, ?3 hold, ?4 reader, ?5 state, ?6 expires_before, ?7 limit */
#define RES_WHERE                                                                                                      \
	"(?1 = 0 OR library_id = ?1) AND (?2 = 0 OR book_id = ?2) AND (?3 = 0 OR hold_id = ?3) AND "                  \
	"(?4 = 0 OR reader_id = ?4) AND (?5 = 0 OR state = ?5) AND (?6 = 0 OR expires_at <= ?6)"
static const char sql_res_list_book[] =
	"SELECT id, " RES_COLS " FROM desk_reserves WHERE library_id = ?1 AND book_id = ?2 AND " RES_WHERE
	" ORDER BY id LIMIT ?7";
static const char sql_res_list_hold[] =
	"SELECT id, " RES_COLS " FROM desk_reserves WHERE hold_id = ?3 AND " RES_WHERE " ORDER BY id LIMIT ?7";
static const char sql_res_list_reader[] =
	"SELECT id, " RES_COLS " FROM desk_reserves WHERE reader_id = ?4 AND " RES_WHERE " ORDER BY id LIMIT ?7";
static const char sql_res_list_state[] =
	"SELECT id, " RES_COLS " FROM desk_reserves WHERE state = ?5 AND " RES_WHERE " ORDER BY id LIMIT ?7";
static const char sql_res_list_all[] = "SELECT id, " RES_COLS " FROM desk_reserves WHERE " RES_WHERE
				       " ORDER BY id LIMIT ?7";
static const char sql_res_count_book[] =
	"SELECT count(*) FROM desk_reserves WHERE library_id = ?1 AND book_id = ?2 AND " RES_WHERE;
static const char sql_res_count_hold[] = "SELECT count(*) FROM desk_reserves WHERE hold_id = ?3 AND " RES_WHERE;
static const char sql_res_count_state[] =
	"SELECT count(*) FROM desk_reserves WHERE state = ?5 AND " RES_WHERE;
static const char sql_res_expired_any[] =
	"SELECT EXISTS (SELECT 1 FROM desk_reserves WHERE state = ?1 AND expires_at <= ?2)";
static const char sql_res_count_all[] = "SELECT count(*) FROM desk_reserves WHERE " RES_WHERE;

static void res_fields(lend_sys_reserve *r, int64_t *v[RES_NCOLS + 1])
{
	int64_t *f[RES_NCOLS + 1] = {&r->id,         &r->library_id, &r->book_id,    &r->hold_id,
	                             &r->ticket_id,  &r->reader_id,  &r->created_at, &r->expires_at,
	                             NULL /* state */, &r->ended_at, &r->loan_id};
	memcpy(v, f, sizeof f);
}

static int res_write(void *ud, const char *sql, const lend_sys_reserve *row, int64_t *id_out, const char *what)
{
	lend_sys_reserve r = *row;
	int64_t *f[RES_NCOLS + 1], v[RES_NCOLS + 1];
	res_fields(&r, f);
	for (int i = 0; i <= RES_NCOLS; i++)
		v[i] = f[i] ? *f[i] : r.state;
	return write_ints(ud, sql, what, v, RES_NCOLS + 1, id_out);
}

static int res_insert(void *ud, lend_sys_reserve *row)
{
	return res_write(ud, sql_res_insert, row, &row->id, "reserve_insert");
}

static int res_update(void *ud, const lend_sys_reserve *row)
{
	return res_write(ud, sql_res_update, row, NULL, "reserve_update");
}

struct res_p {
	lend_sys_reserve_cb cb;
	void *ctx;
};

static int res_row(sqlite3_stmt *st, void *p, int *oom)
{
	(void)oom;
	struct res_p *c = p;
	lend_sys_reserve r;
	memset(&r, 0, sizeof r);
	int64_t *v[RES_NCOLS + 1];
	res_fields(&r, v);
	for (int i = 0; i <= RES_NCOLS; i++) {
		if (v[i])
			*v[i] = sqlite3_column_int64(st, i);
		else
			r.state = sqlite3_column_int(st, i);
	}
	return c->cb(c->ctx, &r);
}

static int res_iterate(sq *s, sqlite3_stmt *st, const char *what, lend_sys_reserve_cb cb, void *ctx, int single)
{
	struct res_p p = {cb, ctx};
	return step_rows(s, st, what, res_row, &p, single);
}

static int res_get(void *ud, int64_t id, lend_sys_reserve_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql_res_get, &st, "reserve_get");
	if (rc != LEND_OK)
		return rc;
	if ((rc = sq__bound(s, st, "reserve_get", sqlite3_bind_int64(st, 1, id))) != LEND_OK)
		return rc;
	return res_iterate(s, st, "reserve_get", cb, ctx, 1);
}

static int res_filter(sq *s, const lend_sys_reserve_filter *f, int count, sqlite3_stmt **st, const char *what)
{
	const char *sql;
	if (f->library_id && f->book_id)
		sql = count ? sql_res_count_book : sql_res_list_book;
	else if (f->hold_id)
		sql = count ? sql_res_count_hold : sql_res_list_hold;
	else if (f->reader_id && !count)
		sql = sql_res_list_reader;
	else if (f->state)
		sql = count ? sql_res_count_state : sql_res_list_state;
	else
		sql = count ? sql_res_count_all : sql_res_list_all;
	int rc = sq__prep(s, sql, st, what);
	if (rc != LEND_OK)
		return rc;
	const int64_t v[] = {f->library_id, f->book_id, f->hold_id, f->reader_id, f->state, f->expires_before};
	int brc = SQLITE_OK;
	for (int i = 0; brc == SQLITE_OK && i < 6; i++)
		brc = sqlite3_bind_int64(*st, i + 1, v[i]);
	if (brc == SQLITE_OK && !count)
		brc = sqlite3_bind_int64(*st, 7, f->limit > 0 ? f->limit : -1);
	return sq__bound(s, *st, what, brc);
}

static int res_list(void *ud, const lend_sys_reserve_filter *f, lend_sys_reserve_cb cb, void *ctx)
{
	sqlite3_stmt *st;
	int64_t any = 1;
	int rc = LEND_OK;
	if (f->state && f->expires_before && !f->library_id && !f->hold_id && !f->reader_id)
		rc = probe(ud, sql_res_expired_any, (const int64_t[]){f->state, f->expires_before}, 2, "reserve_list", &any);
	if (rc != LEND_OK || !any)
		return rc;
	rc = res_filter(ud, f, 0, &st, "reserve_list");
	return rc != LEND_OK ? rc : res_iterate(ud, st, "reserve_list", cb, ctx, 0);
}

static int res_count(void *ud, const lend_sys_reserve_filter *f, int64_t *count)
{
	sqlite3_stmt *st;
	int rc = res_filter(ud, f, 1, &st, "reserve_count");
	return rc != LEND_OK ? rc : sq__run_count(ud, st, "reserve_count", count);
}

/* ------------------------------------------------------------ licenses */

#define LIC_COLS "library_id, book_id, copies, expires_at, checkouts_left, created_at, closed_at"
static const char sql_lic_insert[] = "INSERT INTO desk_licenses (" LIC_COLS ") VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char sql_lic_update[] =
	"UPDATE desk_licenses SET (" LIC_COLS ") = (?2, ?3, ?4, ?5, ?6, ?7, ?8) WHERE id = ?1";
/* ?1 library, ?2 book, ?3 open, ?4 expires_before, ?5 limit */
#define LIC_WHERE                                                                                                      \
	"(?1 = 0 OR library_id = ?1) AND (?2 = 0 OR book_id = ?2) AND (?3 = 0 OR closed_at = 0) AND "                 \
	"(?4 = 0 OR (expires_at > 0 AND expires_at <= ?4))"
static const char sql_lic_list_book[] = "SELECT id, " LIC_COLS " FROM desk_licenses WHERE library_id = ?1 AND "
					"book_id = ?2 AND " LIC_WHERE " ORDER BY id LIMIT ?5";
static const char sql_lic_list_open[] = "SELECT id, " LIC_COLS " FROM desk_licenses WHERE closed_at = 0 AND "
					LIC_WHERE " ORDER BY id LIMIT ?5";
static const char sql_lic_list_all[] = "SELECT id, " LIC_COLS " FROM desk_licenses WHERE " LIC_WHERE
				       " ORDER BY id LIMIT ?5";
static const char sql_lic_expired_any[] =
	"SELECT EXISTS (SELECT 1 FROM desk_licenses WHERE closed_at = 0 AND expires_at > 0 AND expires_at <= ?1)";
static const char sql_lic_bind[] = "INSERT INTO desk_license_loans (loan_id, license_id) VALUES (?1, ?2)";
static const char sql_lic_of_loan[] = "SELECT license_id FROM desk_license_loans WHERE loan_id = ?1";
static const char sql_lic_loans[] = "SELECT count(*) FROM desk_license_loans b JOIN loans l ON l.id = b.loan_id "
				    "WHERE b.license_id = ?1 AND l.ended_at = 0";

static int lic_write(void *ud, const char *sql, const lend_sys_license *r, int64_t *id_out, const char *what)
{
	const int64_t v[] = {r->id,         r->library_id,     r->book_id,    r->copies,
	                     r->expires_at, r->checkouts_left, r->created_at, r->closed_at};
	return write_ints(ud, sql, what, v, 8, id_out);
}

static int lic_insert(void *ud, lend_sys_license *row)
{
	return lic_write(ud, sql_lic_insert, row, &row->id, "license_insert");
}

static int lic_update(void *ud, const lend_sys_license *row)
{
	return lic_write(ud, sql_lic_update, row, NULL, "license_update");
}

struct lic_p {
	lend_sys_license_cb cb;
	void *ctx;
};

static int lic_row(sqlite3_stmt *st, void *p, int *oom)
{
	(void)oom;
	struct lic_p *c = p;
	lend_sys_license r;
	memset(&r, 0, sizeof r);
	r.id = sqlite3_column_int64(st, 0);
	r.library_id = sqlite3_column_int64(st, 1);
	r.book_id = sqlite3_column_int64(st, 2);
	r.copies = sqlite3_column_int(st, 3);
	r.expires_at = sqlite3_column_int64(st, 4);
	r.checkouts_left = sqlite3_column_int64(st, 5);
	r.created_at = sqlite3_column_int64(st, 6);
	r.closed_at = sqlite3_column_int64(st, 7);
	return c->cb(c->ctx, &r);
}

static int lic_list(void *ud, const lend_sys_license_filter *f, lend_sys_license_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *sql = f->library_id && f->book_id ? sql_lic_list_book : f->open ? sql_lic_list_open : sql_lic_list_all;
	int64_t any = 1;
	int rc = LEND_OK;
	if (sql == sql_lic_list_open && f->expires_before && !f->library_id && !f->book_id)
		rc = probe(s, sql_lic_expired_any, &f->expires_before, 1, "license_list", &any);
	if (rc != LEND_OK || !any)
		return rc;
	rc = sq__prep(s, sql, &st, "license_list");
	if (rc != LEND_OK)
		return rc;
	const int64_t v[] = {f->library_id, f->book_id, f->open, f->expires_before, f->limit > 0 ? f->limit : -1};
	int brc = SQLITE_OK;
	for (int i = 0; brc == SQLITE_OK && i < 5; i++)
		brc = sqlite3_bind_int64(st, i + 1, v[i]);
	if ((rc = sq__bound(s, st, "license_list", brc)) != LEND_OK)
		return rc;
	struct lic_p p = {cb, ctx};
	return step_rows(s, st, "license_list", lic_row, &p, 0);
}

static int lic_bind(void *ud, int64_t loan_id, int64_t license_id)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql_lic_bind, &st, "license_bind");
	if (rc != LEND_OK)
		return rc;
	int brc = sqlite3_bind_int64(st, 1, loan_id);
	if (brc == SQLITE_OK)
		brc = sqlite3_bind_int64(st, 2, license_id);
	if ((rc = sq__bound(s, st, "license_bind", brc)) != LEND_OK)
		return rc;
	rc = sqlite3_step(st);
	int r = rc == SQLITE_DONE         ? LEND_OK
	        : rc == SQLITE_CONSTRAINT ? sq__fail_msg(s, "license_bind", "the loan has a license", LEND_EEXISTS)
	                                  : sq__fail(s, "license_bind", rc);
	sq__done(s, st);
	return r;
}

static int lic_scalar(void *ud, const char *sql, int64_t key, int64_t *out, int none_is_zero, const char *what)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, sql, &st, what);
	if (rc != LEND_OK)
		return rc;
	if ((rc = sq__bound(s, st, what, sqlite3_bind_int64(st, 1, key))) != LEND_OK)
		return rc;
	rc = sqlite3_step(st);
	int r = LEND_OK;
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE && none_is_zero)
		*out = 0;
	else
		r = rc == SQLITE_DONE ? sq__not_found(s, what) : sq__fail(s, what, rc);
	sq__done(s, st);
	return r;
}

static int lic_of_loan(void *ud, int64_t loan_id, int64_t *license_id)
{
	return lic_scalar(ud, sql_lic_of_loan, loan_id, license_id, 0, "license_of_loan");
}

static int lic_loans(void *ud, int64_t license_id, int64_t *active)
{
	return lic_scalar(ud, sql_lic_loans, license_id, active, 1, "license_loans");
}

void sq__desk_methods(lend_storage *out)
{
	out->license_insert = lic_insert;
	out->license_update = lic_update;
	out->license_list = lic_list;
	out->license_bind = lic_bind;
	out->license_of_loan = lic_of_loan;
	out->license_loans = lic_loans;
	out->reserve_insert = res_insert;
	out->reserve_update = res_update;
	out->reserve_get = res_get;
	out->reserve_list = res_list;
	out->reserve_count = res_count;
	out->request_insert = req_insert;
	out->request_update = req_update;
	out->request_get = req_get;
	out->request_list = req_list;
	out->request_count = req_count;
	out->renewal_insert = ren_insert;
	out->renewal_get = ren_get;
	out->ticket_started = ticket_started;
}
