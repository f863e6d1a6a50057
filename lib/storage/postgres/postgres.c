/* lib/storage/postgres/postgres.c — the PostgreSQL storage backend.
 *
 * Implements the lend_storage vtable of lend/sys/storage.h over one libpq
 * connection. The schema and its migrations live in schema.h; the row
 * layouts and the SQL of the filtered listings are shared with the SQLite
 * backend (../rows.h, ../filters.h).
 *
 * Concurrency. begin(write=1) opens a READ COMMITTED transaction and at once
 * takes a transaction-level advisory lock on the store (the key is derived
 * from the schema the tables live in), before anything is read. Writers of
 * one store are thus serialized across every connection and every host, as
 * SQLite's BEGIN IMMEDIATE serializes them on one machine: each statement of
 * a write transaction sees every earlier commit, and no other writer can
 * commit until this one ends, so two hosts can never both take the last copy
 * or both spend the last of a budget. The lock is released by COMMIT or
 * ROLLBACK, also when the connection drops (the server ends the session).
 * Waiting for it is bounded by lock_timeout (the busy timeout, 5 s unless
 * the connection sets its own); past it the call is LEND_EBUSY.
 * begin(write=0) opens a REPEATABLE READ, READ ONLY transaction: one
 * consistent snapshot, never blocked by the writer.
 *
 * Statements are prepared once per connection (PQprepare) and run with
 * PQexecPrepared; a result is read whole before any callback runs, so
 * callbacks may call back into the backend. Only the migrations, fixed DDL
 * text, run as simple queries.
 *
 * A lost connection fails the call with LEND_ESTORAGE; the server rolls the
 * open transaction back. The next begin() reconnects (and prepares the
 * statements again).
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "lend/sys/postgres.h"
#include "lend/sys/storage.h"
#include "open.h"
#include "pg.h"
#include "schema.h"
#include "../rows.h"
#include "../filters.h"

#define DEFAULT_BUSY_TIMEOUT_MS 5000
/* The first half of every advisory lock key liblend takes: "LEND". */
#define LOCK_CLASS "1279610436"
#define INT8OID 20

/* --------------------------------------------------------------- state */

struct pg {
	PGconn *conn;
	int busy_ms;
	int txn;             /* 0: none, 1: read, 2: write */
	char lock_key[16];   /* the store's advisory lock key (second half) */
	uint64_t *prepared;  /* keys of the statements prepared on conn (0: empty) */
	size_t nprepared, cap;
	const char *msg;      /* the last failure's message, or NULL */
	const char *notfound; /* set with msg NULL: "<what>: not found", formatted lazily */
	char buf[512];
};

/* ------------------------------------------------------------ failures */

static int fail_msg(pg *s, const char *what, const char *msg, int status)
{
	snprintf(s->buf, sizeof s->buf, "%s: %s", what, msg);
	s->msg = s->buf;
	s->notfound = NULL;
	return status;
}

static int not_found(pg *s, const char *what)
{
	s->msg = NULL;
	s->notfound = what;
	return LEND_ENOTFOUND;
}

static int status_of(const char *state)
{
	if (state == NULL)
		return LEND_ESTORAGE;
	if (strcmp(state, "23505") == 0) /* unique_violation */
		return LEND_EEXISTS;
	if (strcmp(state, "55P03") == 0 || strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "57014") == 0) /* lock_not_available, serialization, deadlock, statement timeout */
		return LEND_EBUSY;
	if (strcmp(state, "53200") == 0) /* out_of_memory */
		return LEND_ENOMEM;
	return LEND_ESTORAGE;
}

/* Record the failure of a statement (r may be NULL) and clear r. */
static int fail_res(pg *s, const char *what, PGresult *r)
{
	char msg[400];
	const char *m;
	int status;
	size_t n;

	if (PQstatus(s->conn) == CONNECTION_BAD) {
		/* The server ended the session and with it the transaction. */
		s->txn = 0;
		snprintf(msg, sizeof msg, "connection to the database lost (the operation was undone): %s",
		         PQerrorMessage(s->conn));
		status = LEND_ESTORAGE;
	} else {
		m = r != NULL ? PQresultErrorMessage(r) : PQerrorMessage(s->conn);
		snprintf(msg, sizeof msg, "%s", m != NULL && m[0] ? m : "out of memory");
		status = r != NULL ? status_of(PQresultErrorField(r, PG_DIAG_SQLSTATE)) : LEND_ENOMEM;
	}
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	PQclear(r);
	return fail_msg(s, what, msg, status);
}

/* ---------------------------------------------------------- statements */

static int is_prepared(const pg *s, uint64_t key)
{
	size_t i;

	if (s->cap == 0)
		return 0;
	for (i = (size_t)(key * 0x9E3779B97F4A7C15u >> 40) & (s->cap - 1); s->prepared[i]; i = (i + 1) & (s->cap - 1))
		if (s->prepared[i] == key)
			return 1;
	return 0;
}

static int remember(pg *s, uint64_t key)
{
	size_t i;

	if (2 * (s->nprepared + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256, j;
		uint64_t *old = s->prepared, *p = calloc(cap, sizeof *p);
		if (p == NULL)
			return LEND_ENOMEM;
		for (j = 0; j < s->cap; j++) {
			if (old[j]) {
				for (i = (size_t)(old[j] * 0x9E3779B97F4A7C15u >> 40) & (cap - 1); p[i]; i = (i + 1) & (cap - 1))
					;
				p[i] = old[j];
			}
		}
		free(old);
		s->prepared = p;
		s->cap = cap;
	}
	for (i = (size_t)(key * 0x9E3779B97F4A7C15u >> 40) & (s->cap - 1); s->prepared[i]; i = (i + 1) & (s->cap - 1))
		;
	s->prepared[i] = key;
	s->nprepared++;
	return LEND_OK;
}

static void forget_prepared(pg *s)
{
	if (s->cap)
		memset(s->prepared, 0, s->cap * sizeof *s->prepared);
	s->nprepared = 0;
}

/* Run the statement known by key (its SQL in sql, $N parameters; ntypes > 0:
 * that many parameters, all bigint), preparing it first if needed. */
static int exec_key(pg *s, uint64_t key, const char *sql, int ntypes, const pg_params *p, const char *what,
                    PGresult **out)
{
	static const Oid int8s[PG_MAX_PARAMS] = {
		INT8OID, INT8OID, INT8OID, INT8OID, INT8OID, INT8OID, INT8OID, INT8OID,
		INT8OID, INT8OID, INT8OID, INT8OID, INT8OID, INT8OID, INT8OID, INT8OID,
	};
	char name[24];
	PGresult *r;
	ExecStatusType st;

	*out = NULL;
	snprintf(name, sizeof name, "l%" PRIx64, key);
	if (!is_prepared(s, key)) {
		r = PQprepare(s->conn, name, sql, ntypes, ntypes ? int8s : NULL);
		if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK)
			return fail_res(s, what, r);
		PQclear(r);
		if (remember(s, key) != LEND_OK) {
			/* Unrecorded: drop it so that a later prepare does not clash. */
			char dealloc[48];
			snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", name);
			PQclear(PQexec(s->conn, dealloc));
			return fail_msg(s, what, "out of memory", LEND_ENOMEM);
		}
	}
	r = PQexecPrepared(s->conn, name, p ? p->n : 0, p ? p->v : NULL, NULL, NULL, 0);
	st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
		return fail_res(s, what, r);
	*out = r;
	return LEND_OK;
}

static int exec_static(pg *s, const char *sql, const pg_params *p, const char *what, PGresult **out)
{
	return exec_key(s, (uint64_t)(uintptr_t)sql, sql, 0, p, what, out);
}

/* A filtered listing: the shared SQL with ?N turned into $N. */
static int exec_dyn(pg *s, uint32_t key, int nparams, const pg_params *p, const char *what, PGresult **out)
{
	uint64_t k = (uint64_t)1 << 63 | key;
	char sql[768] = "";
	char *c;

	if (!is_prepared(s, k)) {
		build_sql(sql, sizeof sql, key);
		for (c = sql; *c; c++)
			if (*c == '?')
				*c = '$';
	}
	return exec_key(s, k, sql, nparams, p, what, out);
}

/* ------------------------------------------------------------ parameters */

void pg__param_i64(pg_params *p, int64_t v)
{
	snprintf(p->buf[p->n], sizeof p->buf[0], "%" PRId64, v);
	p->v[p->n] = p->buf[p->n];
	p->n++;
}

void pg__param_str(pg_params *p, const char *str)
{
	p->v[p->n++] = str;
}

void pg__param_null(pg_params *p)
{
	p->v[p->n++] = NULL;
}

/* Fields from.. of a row as parameters $1.. */
static void row_params(pg_params *p, int type, int from, const void *row)
{
	const field *f = rowdescs[type].f;
	int n = rowdescs[type].n, i;
	const char *base = row;

	for (i = from; i < n; i++) {
		const char *q = base + f[i].off;
		switch (f[i].type) {
		case F_I64:
			pg__param_i64(p, *(const int64_t *)(const void *)q);
			break;
		case F_I32:
			pg__param_i64(p, *(const int32_t *)(const void *)q);
			break;
		default:
			pg__param_str(p, *(const char *const *)(const void *)q);
			break;
		}
	}
}

int64_t pg__i64(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

const char *pg__text(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col);
}

/* Fields of a row type from column `first` on. */
static void read_fields_from(const PGresult *r, int rown, int first, int type, void *row)
{
	const field *f = rowdescs[type].f;
	int n = rowdescs[type].n, i;
	char *base = row;

	for (i = 0; i < n; i++) {
		char *q = base + f[i].off;
		switch (f[i].type) {
		case F_I64:
			*(int64_t *)(void *)q = pg__i64(r, rown, first + i);
			break;
		case F_I32:
			*(int32_t *)(void *)q = (int32_t)pg__i64(r, rown, first + i);
			break;
		default:
			*(const char **)(void *)q = pg__text(r, rown, first + i);
			break;
		}
	}
}

static void read_fields(const PGresult *r, int rown, int type, void *row)
{
	read_fields_from(r, rown, 0, type, row);
}

/* Hand each row of r to cb; single: a get (ENOTFOUND without a row). Clears r. */
static int iterate(pg *s, PGresult *r, const char *what, int type, anycb cb, void *ctx, int single)
{
	anyrow row;
	int i, n = PQntuples(r), rc = 0;

	memset(&row, 0, sizeof row);
	for (i = 0; i < n && rc == 0; i++) {
		read_fields(r, i, type, &row);
		rc = call_cb(type, cb, ctx, &row);
		if (single)
			break;
	}
	PQclear(r);
	if (single && n == 0)
		return not_found(s, what);
	return rc;
}

static int query(pg *s, const char *sql, const pg_params *p, const char *what, int type, anycb cb, void *ctx,
                 int single)
{
	PGresult *r;
	int rc = exec_static(s, sql, p, what, &r);

	return rc != LEND_OK ? rc : iterate(s, r, what, type, cb, ctx, single);
}

/* A write's outcome from its result (cleared). */
static int changed(pg *s, PGresult *r, const char *what, int need_change, int if_none)
{
	const char *t = PQcmdTuples(r);
	int none = t[0] == '0' && t[1] == '\0';

	PQclear(r);
	if (none && need_change)
		return not_found(s, what);
	if (none && if_none != LEND_OK)
		return fail_msg(s, what, "a unique key would repeat", if_none);
	return LEND_OK;
}

/* ------------------------------------------------ shared with the areas */

int pg__exec(pg *s, const char *sql, const pg_params *params, const char *what, PGresult **out)
{
	return exec_static(s, sql, params, what, out);
}

int pg__run(pg *s, const char *sql, const pg_params *params, const char *what, int need_change)
{
	PGresult *r;
	int rc = exec_static(s, sql, params, what, &r);

	return rc != LEND_OK ? rc : changed(s, r, what, need_change, LEND_OK);
}

static int count_of(pg *s, PGresult *r, const char *what, int64_t *value)
{
	if (PQntuples(r) != 1 || PQnfields(r) < 1) {
		PQclear(r);
		return fail_msg(s, what, "no value", LEND_ESTORAGE);
	}
	*value = pg__i64(r, 0, 0);
	PQclear(r);
	return LEND_OK;
}

int pg__each(pg *s, const char *sql, const pg_params *params, const char *what, pg_row_fn read, void *cb, void *ctx,
             int single)
{
	PGresult *r;
	int rc = pg__exec(s, sql, params, what, &r);
	if (rc != LEND_OK)
		return rc;
	int n = PQntuples(r);
	for (int i = 0; i < n && rc == 0; i++) {
		rc = read(r, i, cb, ctx);
		if (single)
			break;
	}
	PQclear(r);
	return single && n == 0 ? pg__not_found(s, what) : rc;
}

int pg__insert_id(pg *s, const char *sql, const pg_params *params, const char *what, int64_t *id)
{
	PGresult *r;
	int rc = pg__exec(s, sql, params, what, &r);
	if (rc != LEND_OK)
		return rc;
	int n = PQntuples(r);
	if (n > 0)
		*id = pg__i64(r, 0, 0);
	PQclear(r);
	return n > 0 ? LEND_OK : pg__fail_msg(s, what, "a unique key would repeat", LEND_EEXISTS);
}

void pg__param_text(pg_params *p, const char *s)
{
	pg__param_str(p, s ? s : "");
}

void pg__param_limit(pg_params *p, int32_t limit)
{
	if (limit > 0)
		pg__param_i64(p, limit);
	else
		pg__param_null(p);
}

int pg__run_count(pg *s, const char *sql, const pg_params *params, const char *what, int64_t *value)
{
	PGresult *r;
	int rc = exec_static(s, sql, params, what, &r);

	return rc != LEND_OK ? rc : count_of(s, r, what, value);
}

int pg__fail_msg(pg *s, const char *what, const char *msg, int status)
{
	return fail_msg(s, what, msg, status);
}

int pg__not_found(pg *s, const char *what)
{
	return not_found(s, what);
}

/* -------------------------------------------------------- generic calls */

/* Insert fields 1.. ($1..); the SQL ends RETURNING id. if_none: the status
 * when no row came back (ON CONFLICT DO NOTHING). */
static int do_insert(pg *s, const char *sql, const char *what, int type, const void *row, int64_t *id_out)
{
	pg_params p = {0};
	PGresult *r;
	int rc;

	row_params(&p, type, 1, row);
	rc = exec_static(s, sql, &p, what, &r);
	if (rc != LEND_OK)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return fail_msg(s, what, "a unique key would repeat", LEND_EEXISTS);
	}
	*id_out = pg__i64(r, 0, 0);
	PQclear(r);
	return LEND_OK;
}

/* Update by id ($1 the id), or a put (need_change 0). */
static int do_write(pg *s, const char *sql, const char *what, int type, const void *row, int need_change)
{
	pg_params p = {0};

	row_params(&p, type, 0, row);
	return pg__run(s, sql, &p, what, need_change);
}

static int do_get(pg *s, const char *sql, const char *what, int type, int64_t key, anycb cb, void *ctx)
{
	pg_params p = {0};

	pg__param_i64(&p, key);
	return query(s, sql, &p, what, type, cb, ctx, 1);
}

/* ---------------------------------------------------------------- SQL */

#define V2_4 "$2, $3, $4"
#define V2_7 V2_4 ", $5, $6, $7"
#define V2_8 V2_7 ", $8"
#define V2_10 V2_8 ", $9, $10"
#define V2_11 V2_10 ", $11"
#define V2_13 V2_11 ", $12, $13"
#define V2_22 V2_13 ", $14, $15, $16, $17, $18, $19, $20, $21, $22"

/* Inserts bind fields 1.. as $1.. (the id is left out). */
#define V1_3 "$1, $2, $3"
#define V1_6 V1_3 ", $4, $5, $6"
#define V1_7 V1_6 ", $7"
#define V1_9 V1_7 ", $8, $9"
#define V1_21 V1_9 ", $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21"
#define V1_10 V1_9 ", $10"
#define V1_12 V1_10 ", $11, $12"

#define UPDATE(table, COLS, VALS) "UPDATE " table " SET (" COLS ") = (" VALS ") WHERE id = $1"
#define INSERT(table, COLS, VALS) "INSERT INTO " table " (" COLS ") VALUES (" VALS ") RETURNING id"
#define SELECT_ID(table, COLS) "SELECT id, " COLS " FROM " table " WHERE id = $1"

static const char SQL_BEGIN_READ[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
static const char SQL_BEGIN_WRITE[] = "BEGIN ISOLATION LEVEL READ COMMITTED";
static const char SQL_WRITE_LOCK[] = "SELECT pg_advisory_xact_lock(" LOCK_CLASS ", $1::integer)";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";

static const char SQL_LIBRARY_INSERT[] = INSERT("libraries", LIBRARY_COLS, V1_6);
static const char SQL_LIBRARY_UPDATE[] = UPDATE("libraries", LIBRARY_COLS, V2_7);
static const char SQL_LIBRARY_GET[] = SELECT_ID("libraries", LIBRARY_COLS);
static const char SQL_LIBRARY_LIST[] = "SELECT id, " LIBRARY_COLS " FROM libraries ORDER BY id";

static const char SQL_GRANT_INSERT[] =
	"INSERT INTO grants (reader_id, library_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
static const char SQL_GRANT_DELETE[] = "DELETE FROM grants WHERE reader_id = $1 AND library_id = $2";
static const char SQL_GRANT_LIST[] = "SELECT library_id FROM grants WHERE reader_id = $1 ORDER BY library_id";

static const char SQL_READER_INSERT[] = INSERT("readers", READER_COLS, V1_3);
static const char SQL_READER_UPDATE[] = UPDATE("readers", READER_COLS, V2_4);
static const char SQL_READER_GET[] = SELECT_ID("readers", READER_COLS);

#define TICKET_SELECT "SELECT id, " TICKET_COLS " FROM tickets"
static const char SQL_TICKET_INSERT[] = "INSERT INTO tickets (" TICKET_COLS ") VALUES (" V1_7
                                        ") ON CONFLICT DO NOTHING RETURNING id";
static const char SQL_TICKET_UPDATE[] = UPDATE("tickets", TICKET_COLS, V2_8);
static const char SQL_TICKET_GET[] = SELECT_ID("tickets", TICKET_COLS);
static const char SQL_TICKET_FIND[] = TICKET_SELECT " WHERE library_id = $1 AND number = $2";
/* One statement per shape, so that each keeps a plan on its index. */
static const char SQL_TICKET_LIST_ALL[] = TICKET_SELECT " ORDER BY id";
static const char SQL_TICKET_LIST_READER[] = TICKET_SELECT " WHERE reader_id = $1 ORDER BY id";
static const char SQL_TICKET_LIST_LIBRARY[] = TICKET_SELECT " WHERE library_id = $1 ORDER BY id";
static const char SQL_TICKET_LIST_BOTH[] = TICKET_SELECT " WHERE reader_id = $1 AND library_id = $2 ORDER BY id";

static const char SQL_BOOK_INSERT[] = INSERT("books", BOOK_COLS, V1_21 ", NULLIF($22, ''), $23, $24");
static const char SQL_BOOK_UPDATE[] = UPDATE("books", BOOK_COLS, V2_22 ", NULLIF($23, ''), $24, $25");
static const char SQL_BOOK_GET[] = SELECT_ID("books", BOOK_COLS);
static const char SQL_BOOK_LIST[] = "SELECT id, " BOOK_COLS " FROM books WHERE id > $1 ORDER BY id LIMIT $2";

static const char SQL_FUND_GET[] = "SELECT " FUND_COLS " FROM fund WHERE library_id = $1 AND book_id = $2";
static const char SQL_FUND_PUT[] = "INSERT INTO fund (" FUND_COLS ") VALUES ($1, $2, $3, $4, $5) "
                                   "ON CONFLICT (library_id, book_id) DO UPDATE SET copies = EXCLUDED.copies, "
                                   "on_loan = EXCLUDED.on_loan, updated_at = EXCLUDED.updated_at";
static const char SQL_FUND_LIST[] = "SELECT " FUND_COLS " FROM fund WHERE library_id = $1 AND book_id > $2 "
                                    "ORDER BY book_id LIMIT $3";
static const char SQL_FUND_LIST_ALL[] = "SELECT " FUND_COLS " FROM fund WHERE book_id > $1 "
                                        "ORDER BY library_id, book_id LIMIT $2";

static const char SQL_LOAN_INSERT[] = INSERT("loans", LOAN_COLS, V1_10);
static const char SQL_LOAN_UPDATE[] = UPDATE("loans", LOAN_COLS, V2_11);
static const char SQL_LOAN_GET[] = SELECT_ID("loans", LOAN_COLS);
/* The rows a return starts from: the loan, its book's title and its
 * library's name (NULL: no such row), the fund row. */
static const char SQL_RETURN_ROWS[] =
	"SELECT l.*, CASE WHEN b.id IS NULL THEN NULL ELSE coalesce(b.title, '') END, "
	"CASE WHEN y.id IS NULL THEN NULL ELSE coalesce(y.name, '') END, f.* "
	"FROM (SELECT id, " LOAN_COLS " FROM loans WHERE id = $1) AS l "
	"LEFT JOIN books AS b ON b.id = l.book_id LEFT JOIN libraries AS y ON y.id = l.library_id "
	"LEFT JOIN (SELECT " FUND_COLS " FROM fund) AS f ON f.library_id = l.library_id AND f.book_id = l.book_id";
/* A verdict's rows, the columns it reads (pg_verdict_rows numbers them). */
static const char SQL_VERDICT_ROWS[] =
	"SELECT t.id, t.library_id, t.reader_id, t.number, t.valid_from, t.valid_until, t.blocked, t.created_at, "
	"r.id, r.birth_date, y.id, y.name, y.currency, y.budget, b.id, b.kind, b.title, b.age_rating, b.price, "
	"b.currency, b.lendable, b.release_at, f.library_id, f.copies, f.on_loan, f.updated_at FROM tickets AS t "
	"LEFT JOIN readers AS r ON r.id = t.reader_id LEFT JOIN libraries AS y ON y.id = t.library_id "
	"LEFT JOIN books AS b ON b.id = $2 LEFT JOIN fund AS f ON f.library_id = t.library_id AND f.book_id = $2 "
	"WHERE t.id = $1";
/* Anything to settle (see settle_due in lend/sys/storage.h); the desk's
 * tables are there in every database of this backend. */
static const char SQL_SETTLE_DUE[] =
	"SELECT (EXISTS (SELECT 1 FROM loans WHERE ended_at = 0 AND due_at <= $1::bigint) "
	"OR EXISTS (SELECT 1 FROM holds WHERE suspended_until > 0 AND state = 1 AND suspended_until <= $1::bigint) "
	"OR EXISTS (SELECT 1 FROM desk_licenses WHERE closed_at = 0 AND expires_at > 0 AND expires_at <= $1::bigint) "
	"OR EXISTS (SELECT 1 FROM desk_reserves WHERE state = 1 AND expires_at <= $1::bigint) "
	"OR ($2::bigint <> 0 AND EXISTS (SELECT 1 FROM tickets WHERE valid_from > $2::bigint "
	"AND valid_from <= $1::bigint)))::integer";

static const char SQL_HOLD_INSERT[] = INSERT("holds", HOLD_COLS, V1_9);
static const char SQL_HOLD_UPDATE[] = UPDATE("holds", HOLD_COLS, V2_10);
static const char SQL_HOLD_GET[] = SELECT_ID("holds", HOLD_COLS);

static const char SQL_NOTE_INSERT[] = "INSERT INTO notes (" NOTE_COLS ") VALUES (" V1_12
                                      ") ON CONFLICT DO NOTHING RETURNING id";
static const char SQL_NOTE_UPDATE[] = UPDATE("notes", NOTE_COLS, V2_13);

static const char SQL_POLICY_LIST[] = "SELECT " POLICY_COLS " FROM policy WHERE library_id = $1 AND "
                                      "ticket_id IN (0, $2)";
static const char SQL_POLICY_PUT[] = "INSERT INTO policy (" POLICY_COLS ") VALUES ($1, $2, $3, $4, $5) "
                                     "ON CONFLICT (library_id, ticket_id, kind, setting) DO UPDATE SET "
                                     "value = EXCLUDED.value";
static const char SQL_POLICY_DELETE[] = "DELETE FROM policy WHERE library_id = $1 AND ticket_id = $2 AND "
                                        "kind = $3 AND setting = $4";

static const char SQL_LEDGER_INSERT[] = INSERT("ledger", LEDGER_COLS, V1_7);
static const char SQL_LEDGER_LIST[] = "SELECT id, " LEDGER_COLS " FROM ledger WHERE library_id = $1 AND at >= $2 "
                                      "ORDER BY id";
static const char SQL_LEDGER_LIST_TO[] = "SELECT id, " LEDGER_COLS " FROM ledger WHERE library_id = $1 AND "
                                         "at >= $2 AND at < $3 ORDER BY id";

/* ------------------------------------------------------------- methods */

static void pg_free(void *ud)
{
	pg *s = ud;

	if (s == NULL)
		return;
	PQfinish(s->conn);
	free(s->prepared);
	free(s);
}

static const char *pg_errmsg(void *ud)
{
	pg *s = ud;

	if (s == NULL)
		return "";
	if (s->msg != NULL)
		return s->msg;
	if (s->notfound != NULL) {
		snprintf(s->buf, sizeof s->buf, "%s: not found", s->notfound);
		s->msg = s->buf;
		return s->msg;
	}
	return "";
}

static int simple(pg *s, const char *sql, const pg_params *p, const char *what)
{
	PGresult *r;
	int rc = exec_static(s, sql, p, what, &r);

	PQclear(r);
	return rc;
}

static int session_setup(pg *s, char *errbuf, size_t errlen);

/* After the connection dropped: connect again, as at open. */
static int reconnect(pg *s, const char *what)
{
	char why[256];

	PQreset(s->conn);
	forget_prepared(s);
	if (PQstatus(s->conn) != CONNECTION_OK)
		return fail_res(s, what, NULL);
	if (session_setup(s, why, sizeof why) != LEND_OK)
		return fail_msg(s, what, why, LEND_ESTORAGE);
	return LEND_OK;
}

static int pg_begin(void *ud, int write)
{
	pg *s = ud;
	const char *what = write ? "begin write" : "begin read";
	pg_params p = {0};
	int rc;

	if (s->txn)
		return fail_msg(s, what, "a transaction is already open", LEND_ESTORAGE);
	if (PQstatus(s->conn) != CONNECTION_OK && (rc = reconnect(s, what)) != LEND_OK)
		return rc;
	rc = simple(s, write ? SQL_BEGIN_WRITE : SQL_BEGIN_READ, NULL, what);
	if (rc != LEND_OK && PQstatus(s->conn) == CONNECTION_BAD) {
		/* Dropped while idle: nothing was done yet, so try once more. */
		if ((rc = reconnect(s, what)) != LEND_OK)
			return rc;
		rc = simple(s, write ? SQL_BEGIN_WRITE : SQL_BEGIN_READ, NULL, what);
	}
	if (rc != LEND_OK)
		return rc;
	s->txn = write ? 2 : 1;
	if (!write)
		return LEND_OK;
	pg__param_str(&p, s->lock_key);
	return simple(s, SQL_WRITE_LOCK, &p, "begin write (waiting for the store's write lock)");
}

static int pg_commit(void *ud)
{
	pg *s = ud;
	PGresult *r;
	int rc;

	if (!s->txn)
		return fail_msg(s, "commit", "no transaction is open", LEND_ESTORAGE);
	rc = exec_static(s, SQL_COMMIT, NULL, "commit", &r);
	s->txn = 0;
	if (rc != LEND_OK)
		return rc;
	/* COMMIT of a failed transaction rolls it back and says so. */
	rc = strcmp(PQcmdStatus(r), "COMMIT") == 0
	             ? LEND_OK
	             : fail_msg(s, "commit", "the transaction had failed and was rolled back", LEND_ESTORAGE);
	PQclear(r);
	return rc;
}

static int pg_rollback(void *ud)
{
	pg *s = ud;

	s->txn = 0;
	if (PQstatus(s->conn) != CONNECTION_OK || PQtransactionStatus(s->conn) == PQTRANS_IDLE)
		return LEND_OK; /* nothing open (a lost connection ended it) */
	return simple(s, SQL_ROLLBACK, NULL, "rollback");
}

/* Libraries */

static int pg_library_insert(void *ud, lend_sys_library *row)
{
	return do_insert(ud, SQL_LIBRARY_INSERT, "library_insert", T_LIBRARY, row, &row->id);
}

static int pg_library_update(void *ud, const lend_sys_library *row)
{
	return do_write(ud, SQL_LIBRARY_UPDATE, "library_update", T_LIBRARY, row, 1);
}

static int pg_library_get(void *ud, int64_t id, lend_sys_library_cb cb, void *ctx)
{
	anycb c;

	c.library = cb;
	return do_get(ud, SQL_LIBRARY_GET, "library_get", T_LIBRARY, id, c, ctx);
}

static int pg_library_list(void *ud, lend_sys_library_cb cb, void *ctx)
{
	anycb c;

	c.library = cb;
	return query(ud, SQL_LIBRARY_LIST, NULL, "library_list", T_LIBRARY, c, ctx, 0);
}

/* Grants */

static int pg_grant_insert(void *ud, int64_t reader_id, int64_t library_id)
{
	pg *s = ud;
	pg_params p = {0};
	PGresult *r;
	int rc;

	pg__param_i64(&p, reader_id);
	pg__param_i64(&p, library_id);
	rc = exec_static(s, SQL_GRANT_INSERT, &p, "grant_insert", &r);
	return rc != LEND_OK ? rc : changed(s, r, "grant_insert", 0, LEND_EEXISTS);
}

static int pg_grant_delete(void *ud, int64_t reader_id, int64_t library_id)
{
	pg_params p = {0};

	pg__param_i64(&p, reader_id);
	pg__param_i64(&p, library_id);
	return pg__run(ud, SQL_GRANT_DELETE, &p, "grant_delete", 1);
}

static int pg_grant_list(void *ud, int64_t reader_id, int (*cb)(void *ctx, int64_t library_id), void *ctx)
{
	pg_params p = {0};
	anycb c;

	pg__param_i64(&p, reader_id);
	c.grant = cb;
	return query(ud, SQL_GRANT_LIST, &p, "grant_list", T_GRANT, c, ctx, 0);
}

/* Readers */

static int pg_reader_insert(void *ud, lend_sys_reader *row)
{
	return do_insert(ud, SQL_READER_INSERT, "reader_insert", T_READER, row, &row->id);
}

static int pg_reader_update(void *ud, const lend_sys_reader *row)
{
	return do_write(ud, SQL_READER_UPDATE, "reader_update", T_READER, row, 1);
}

static int pg_reader_get(void *ud, int64_t id, lend_sys_reader_cb cb, void *ctx)
{
	anycb c;

	c.reader = cb;
	return do_get(ud, SQL_READER_GET, "reader_get", T_READER, id, c, ctx);
}

/* Tickets */

static int pg_ticket_insert(void *ud, lend_sys_ticket *row)
{
	return do_insert(ud, SQL_TICKET_INSERT, "ticket_insert", T_TICKET, row, &row->id);
}

static int pg_ticket_update(void *ud, const lend_sys_ticket *row)
{
	return do_write(ud, SQL_TICKET_UPDATE, "ticket_update", T_TICKET, row, 1);
}

static int pg_ticket_get(void *ud, int64_t id, lend_sys_ticket_cb cb, void *ctx)
{
	anycb c;

	c.ticket = cb;
	return do_get(ud, SQL_TICKET_GET, "ticket_get", T_TICKET, id, c, ctx);
}

static int pg_ticket_find(void *ud, int64_t library_id, const char *number, lend_sys_ticket_cb cb, void *ctx)
{
	pg_params p = {0};
	anycb c;

	pg__param_i64(&p, library_id);
	pg__param_str(&p, number);
	c.ticket = cb;
	return query(ud, SQL_TICKET_FIND, &p, "ticket_find", T_TICKET, c, ctx, 1);
}

static int pg_ticket_list(void *ud, int64_t reader_id, int64_t library_id, lend_sys_ticket_cb cb, void *ctx)
{
	pg_params p = {0};
	anycb c;

	if (reader_id)
		pg__param_i64(&p, reader_id);
	if (library_id)
		pg__param_i64(&p, library_id);
	c.ticket = cb;
	return query(ud,
	             reader_id ? (library_id ? SQL_TICKET_LIST_BOTH : SQL_TICKET_LIST_READER)
	                       : (library_id ? SQL_TICKET_LIST_LIBRARY : SQL_TICKET_LIST_ALL),
	             &p, "ticket_list", T_TICKET, c, ctx, 0);
}

/* Books */

static int pg_book_insert(void *ud, lend_sys_book *row)
{
	return do_insert(ud, SQL_BOOK_INSERT, "book_insert", T_BOOK, row, &row->id);
}

static int pg_book_update(void *ud, const lend_sys_book *row)
{
	return do_write(ud, SQL_BOOK_UPDATE, "book_update", T_BOOK, row, 1);
}

static int pg_book_get(void *ud, int64_t id, lend_sys_book_cb cb, void *ctx)
{
	anycb c;

	c.book = cb;
	return do_get(ud, SQL_BOOK_GET, "book_get", T_BOOK, id, c, ctx);
}

/* LIMIT NULL: no limit. */
static void param_limit(pg_params *p, int32_t limit)
{
	if (limit > 0)
		pg__param_i64(p, limit);
	else
		pg__param_null(p);
}

static int pg_book_list(void *ud, int64_t after_id, int32_t limit, lend_sys_book_cb cb, void *ctx)
{
	pg_params p = {0};
	anycb c;

	pg__param_i64(&p, after_id);
	param_limit(&p, limit);
	c.book = cb;
	return query(ud, SQL_BOOK_LIST, &p, "book_list", T_BOOK, c, ctx, 0);
}

/* Fund */

static int pg_fund_get(void *ud, int64_t library_id, int64_t book_id, lend_sys_fund *out)
{
	pg *s = ud;
	pg_params p = {0};
	PGresult *r;
	int rc;

	pg__param_i64(&p, library_id);
	pg__param_i64(&p, book_id);
	rc = exec_static(s, SQL_FUND_GET, &p, "fund_get", &r);
	if (rc != LEND_OK)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return not_found(s, "fund_get");
	}
	read_fields(r, 0, T_FUND, out); /* integers only */
	PQclear(r);
	return LEND_OK;
}

static int pg_fund_put(void *ud, const lend_sys_fund *row)
{
	return do_write(ud, SQL_FUND_PUT, "fund_put", T_FUND, row, 0);
}

static int pg_fund_list(void *ud, int64_t library_id, int64_t after_book_id, int32_t limit, lend_sys_fund_cb cb,
                        void *ctx)
{
	pg_params p = {0};
	anycb c;

	if (library_id)
		pg__param_i64(&p, library_id);
	pg__param_i64(&p, after_book_id);
	param_limit(&p, limit);
	c.fund = cb;
	return query(ud, library_id ? SQL_FUND_LIST : SQL_FUND_LIST_ALL, &p, "fund_list", T_FUND, c, ctx, 0);
}

/* The parameters of the shared filter SQL: v[i] as $i+1 where bits has
 * b[i], else NULL; then $n+1, the limit (NULL: none, or not used). */
static void filter_params(pg_params *p, const int64_t *v, const uint32_t *b, int n, uint32_t bits, int32_t limit)
{
	int i;

	for (i = 0; i < n; i++) {
		if (bits & b[i])
			pg__param_i64(p, v[i]);
		else
			pg__param_null(p);
	}
	param_limit(p, limit);
}

/* A filtered listing or count (count non-NULL) of the shared SQL. */
static int filtered(pg *s, uint32_t key, const pg_params *p, const char *what, int type, anycb cb, void *ctx,
                    int64_t *count)
{
	PGresult *r;
	int rc = exec_dyn(s, key, p->n, p, what, &r);

	if (rc != LEND_OK)
		return rc;
	return count ? count_of(s, r, what, count) : iterate(s, r, what, type, cb, ctx, 0);
}

/* Loans: $1..$8 by LF_* bit, $9 the limit. */
static void loan_params(pg_params *p, const lend_sys_loan_filter *f, uint32_t bits, int32_t limit)
{
	const int64_t v[8] = {f->reader_id, f->ticket_id, f->library_id,  f->book_id,
	                      f->origin,    f->due_before, f->issued_since, f->after_id};
	static const uint32_t b[8] = {LF_READER, LF_TICKET, LF_LIBRARY, LF_BOOK, LF_ORIGIN, LF_DUE, LF_ISSUED, LF_AFTER};

	filter_params(p, v, b, 8, bits, limit);
}

static int pg_loan_insert(void *ud, lend_sys_loan *row)
{
	return do_insert(ud, SQL_LOAN_INSERT, "loan_insert", T_LOAN, row, &row->id);
}

static int pg_loan_update(void *ud, const lend_sys_loan *row)
{
	return do_write(ud, SQL_LOAN_UPDATE, "loan_update", T_LOAN, row, 1);
}

static int pg_loan_get(void *ud, int64_t id, lend_sys_loan_cb cb, void *ctx)
{
	anycb c;

	c.loan = cb;
	return do_get(ud, SQL_LOAN_GET, "loan_get", T_LOAN, id, c, ctx);
}

static int pg_return_rows(void *ud, int64_t loan_id,
                          int (*cb)(void *ctx, const lend_sys_loan *loan, const char *title,
                                    const char *library_name, const lend_sys_fund *fund),
                          void *ctx)
{
	pg *s = ud;
	pg_params p = {0};
	PGresult *r;
	lend_sys_loan row;
	lend_sys_fund fund;
	int n = rowdescs[T_LOAN].n, has_fund, rc;

	pg__param_i64(&p, loan_id);
	rc = exec_static(s, SQL_RETURN_ROWS, &p, "loan_get", &r);
	if (rc != LEND_OK)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return not_found(s, "loan_get");
	}
	memset(&row, 0, sizeof row);
	memset(&fund, 0, sizeof fund);
	read_fields_from(r, 0, 0, T_LOAN, &row);
	has_fund = !PQgetisnull(r, 0, n + 2);
	if (has_fund)
		read_fields_from(r, 0, n + 2, T_FUND, &fund);
	rc = cb(ctx, &row, PQgetisnull(r, 0, n) ? NULL : PQgetvalue(r, 0, n),
	        PQgetisnull(r, 0, n + 1) ? NULL : PQgetvalue(r, 0, n + 1), has_fund ? &fund : NULL);
	PQclear(r);
	return rc;
}

static int pg_verdict_rows(void *ud, int64_t ticket_id, int64_t book_id,
                           int (*cb)(void *ctx, const lend_sys_ticket *ticket, const lend_sys_reader *reader,
                                     const lend_sys_library *library, const lend_sys_book *book,
                                     const lend_sys_fund *fund),
                           void *ctx)
{
	pg *s = ud;
	pg_params p = {0};
	PGresult *r;
	lend_sys_ticket t;
	lend_sys_reader rd;
	lend_sys_library l;
	lend_sys_book b;
	lend_sys_fund f;
	int rc;

	pg__param_i64(&p, ticket_id);
	pg__param_i64(&p, book_id);
	rc = exec_static(s, SQL_VERDICT_ROWS, &p, "verdict_rows", &r);
	if (rc != LEND_OK)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return not_found(s, "verdict_rows");
	}
	memset(&t, 0, sizeof t);
	memset(&rd, 0, sizeof rd);
	memset(&l, 0, sizeof l);
	memset(&b, 0, sizeof b);
	memset(&f, 0, sizeof f);
	t.id = pg__i64(r, 0, 0);
	t.library_id = pg__i64(r, 0, 1);
	t.reader_id = pg__i64(r, 0, 2);
	t.number = pg__text(r, 0, 3);
	t.valid_from = pg__i64(r, 0, 4);
	t.valid_until = pg__i64(r, 0, 5);
	t.blocked = (int32_t)pg__i64(r, 0, 6);
	t.created_at = pg__i64(r, 0, 7);
	rd.id = pg__i64(r, 0, 8);
	rd.birth_date = (int32_t)pg__i64(r, 0, 9);
	l.id = pg__i64(r, 0, 10);
	l.name = pg__text(r, 0, 11);
	l.currency = pg__text(r, 0, 12);
	l.budget = pg__i64(r, 0, 13);
	b.id = pg__i64(r, 0, 14);
	b.kind = (int32_t)pg__i64(r, 0, 15);
	b.title = pg__text(r, 0, 16);
	b.age_rating = (int32_t)pg__i64(r, 0, 17);
	b.price = pg__i64(r, 0, 18);
	b.currency = pg__text(r, 0, 19);
	b.lendable = (int32_t)pg__i64(r, 0, 20);
	b.release_at = pg__i64(r, 0, 21);
	f.library_id = pg__i64(r, 0, 22);
	f.book_id = book_id;
	f.copies = (int32_t)pg__i64(r, 0, 23);
	f.on_loan = (int32_t)pg__i64(r, 0, 24);
	f.updated_at = pg__i64(r, 0, 25);
	/* A row absent from the join reads as NULL in its key. */
	rc = cb(ctx, &t, PQgetisnull(r, 0, 8) ? NULL : &rd, PQgetisnull(r, 0, 10) ? NULL : &l,
	        PQgetisnull(r, 0, 14) ? NULL : &b, PQgetisnull(r, 0, 22) ? NULL : &f);
	PQclear(r);
	return rc;
}

static int pg_settle_due(void *ud, int64_t now, int64_t started_after, int32_t *due)
{
	pg_params p = {0};
	int64_t any = 0;
	int rc;

	pg__param_i64(&p, now);
	pg__param_i64(&p, started_after);
	rc = pg__run_count(ud, SQL_SETTLE_DUE, &p, "settle_due", &any);
	*due = any != 0;
	return rc;
}

static int pg_loan_list(void *ud, const lend_sys_loan_filter *f, lend_sys_loan_cb cb, void *ctx)
{
	pg *s = ud;
	pg_params p = {0};
	anycb c;
	uint32_t bits;

	if (f->order < LEND_SYS_LOAN_ORDER_ID || f->order > LEND_SYS_LOAN_ORDER_SHELF)
		return fail_msg(s, "loan_list", "unknown order", LEND_ESTORAGE);
	bits = loan_bits(f) | (uint32_t)f->order << LF_ORDER_SHIFT;
	loan_params(&p, f, bits, f->limit);
	c.loan = cb;
	return filtered(s, (uint32_t)DK_LOAN_LIST << 24 | bits, &p, "loan_list", T_LOAN, c, ctx, NULL);
}

static int pg_loan_count(void *ud, const lend_sys_loan_filter *f, int64_t *count)
{
	pg_params p = {0};
	anycb c = {0};
	uint32_t bits = loan_bits(f) | (f->limit > 0 ? LF_LIMIT : 0);

	loan_params(&p, f, bits, f->limit);
	return filtered(ud, (uint32_t)DK_LOAN_COUNT << 24 | bits, &p, "loan_count", T_LOAN, c, NULL, count);
}

/* Holds: $1..$7 by HF_* bit, $8 the limit. */
static void hold_params(pg_params *p, const lend_sys_hold_filter *f, uint32_t bits)
{
	const int64_t v[7] = {f->library_id, f->book_id,   f->ticket_id,       f->reader_id,
	                      f->state,      f->before_id, f->suspended_before};
	static const uint32_t b[7] = {HF_LIBRARY, HF_BOOK, HF_TICKET, HF_READER, HF_STATE_OTHER, HF_BEFORE, HF_SUSPENDED};

	filter_params(p, v, b, 7, bits, f->limit);
}

static int pg_hold_insert(void *ud, lend_sys_hold *row)
{
	return do_insert(ud, SQL_HOLD_INSERT, "hold_insert", T_HOLD, row, &row->id);
}

static int pg_hold_update(void *ud, const lend_sys_hold *row)
{
	return do_write(ud, SQL_HOLD_UPDATE, "hold_update", T_HOLD, row, 1);
}

static int pg_hold_get(void *ud, int64_t id, lend_sys_hold_cb cb, void *ctx)
{
	anycb c;

	c.hold = cb;
	return do_get(ud, SQL_HOLD_GET, "hold_get", T_HOLD, id, c, ctx);
}

static int pg_hold_list(void *ud, const lend_sys_hold_filter *f, lend_sys_hold_cb cb, void *ctx)
{
	pg_params p = {0};
	anycb c;
	uint32_t bits = hold_bits(f);

	hold_params(&p, f, bits);
	c.hold = cb;
	return filtered(ud, (uint32_t)DK_HOLD_LIST << 24 | bits, &p, "hold_list", T_HOLD, c, ctx, NULL);
}

static int pg_hold_count(void *ud, const lend_sys_hold_filter *f, int64_t *count)
{
	pg_params p = {0};
	anycb c = {0};
	uint32_t bits = hold_bits(f) | (f->limit > 0 ? HF_LIMIT : 0);

	hold_params(&p, f, bits);
	return filtered(ud, (uint32_t)DK_HOLD_COUNT << 24 | bits, &p, "hold_count", T_HOLD, c, NULL, count);
}

/* Outbox */

static int pg_note_insert(void *ud, lend_sys_note *row)
{
	return do_insert(ud, SQL_NOTE_INSERT, "note_insert", T_NOTE, row, &row->id);
}

static int pg_note_update(void *ud, const lend_sys_note *row)
{
	return do_write(ud, SQL_NOTE_UPDATE, "note_update", T_NOTE, row, 1);
}

static int pg_note_list(void *ud, const lend_sys_note_filter *f, lend_sys_note_cb cb, void *ctx)
{
	pg_params p = {0};
	anycb c;
	uint32_t bits = (f->pending ? NF_PENDING : 0) | (f->due_before ? NF_DUE : 0);
	static const uint32_t b[1] = {NF_DUE};

	filter_params(&p, &f->due_before, b, 1, bits, f->limit);
	c.note = cb;
	return filtered(ud, (uint32_t)DK_NOTE_LIST << 24 | bits, &p, "note_list", T_NOTE, c, ctx, NULL);
}

/* Delivered notifications older than the retention, a batch at a time. */
static const char SQL_NOTE_PRUNE[] = "DELETE FROM notes WHERE id IN (SELECT id FROM notes WHERE delivered_at > 0 "
                                     "AND delivered_at < $1 ORDER BY id LIMIT $2)";

static int pg_note_prune(void *ud, int64_t delivered_before, int32_t limit, int64_t *pruned)
{
	pg_params p = {0};
	PGresult *r;
	int rc;

	*pruned = 0;
	pg__param_i64(&p, delivered_before);
	pg__param_i64(&p, limit);
	rc = exec_static(ud, SQL_NOTE_PRUNE, &p, "note_prune", &r);
	if (rc != LEND_OK)
		return rc;
	*pruned = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return LEND_OK;
}

/* Policy */

static int pg_policy_list(void *ud, int64_t library_id, int64_t ticket_id, lend_sys_policy_cb cb, void *ctx)
{
	pg_params p = {0};
	anycb c;

	pg__param_i64(&p, library_id);
	pg__param_i64(&p, ticket_id);
	c.policy = cb;
	return query(ud, SQL_POLICY_LIST, &p, "policy_list", T_POLICY, c, ctx, 0);
}

static int pg_policy_put(void *ud, const lend_sys_policy *row)
{
	return do_write(ud, SQL_POLICY_PUT, "policy_put", T_POLICY, row, 0);
}

static int pg_policy_delete(void *ud, const lend_sys_policy *key)
{
	pg_params p = {0};

	pg__param_i64(&p, key->library_id);
	pg__param_i64(&p, key->ticket_id);
	pg__param_i64(&p, key->kind);
	pg__param_i64(&p, key->setting);
	return pg__run(ud, SQL_POLICY_DELETE, &p, "policy_delete", 1);
}

/* Ledger */

static int pg_ledger_insert(void *ud, lend_sys_ledger *row)
{
	return do_insert(ud, SQL_LEDGER_INSERT, "ledger_insert", T_LEDGER, row, &row->id);
}

static int pg_ledger_list(void *ud, int64_t library_id, int64_t from, int64_t to, lend_sys_ledger_cb cb, void *ctx)
{
	pg_params p = {0};
	anycb c;

	pg__param_i64(&p, library_id);
	pg__param_i64(&p, from);
	if (to)
		pg__param_i64(&p, to);
	c.ledger = cb;
	return query(ud, to ? SQL_LEDGER_LIST_TO : SQL_LEDGER_LIST, &p, "ledger_list", T_LEDGER, c, ctx, 0);
}

/* ---------------------------------------------------------------- open */

static void set_err(char *errbuf, size_t errlen, const char *what, const char *msg)
{
	size_t n;

	if (errbuf == NULL || errlen == 0)
		return;
	snprintf(errbuf, errlen, "%s%s%s", what, *what ? ": " : "", msg);
	n = strlen(errbuf);
	while (n > 0 && (errbuf[n - 1] == '\n' || errbuf[n - 1] == ' '))
		errbuf[--n] = '\0';
}

/* A one-off parameterized query at open; *out on success. */
static int setup_query(pg *s, const char *sql, int n, const char *const *v, PGresult **out, char *errbuf,
                       size_t errlen, const char *what)
{
	PGresult *r = PQexecParams(s->conn, sql, n, NULL, v, NULL, NULL, 0);
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;

	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && st != PGRES_EMPTY_QUERY) {
		int status = r ? status_of(PQresultErrorField(r, PG_DIAG_SQLSTATE)) : LEND_ESTORAGE;
		set_err(errbuf, errlen, what, r ? PQresultErrorMessage(r) : PQerrorMessage(s->conn));
		PQclear(r);
		return status;
	}
	if (out)
		*out = r;
	else
		PQclear(r);
	return LEND_OK;
}

/* The library never prints: the server's notices are dropped. */
static void no_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* The session's settings and the store's lock key (at open and after a
 * reconnection). */
static int session_setup(pg *s, char *errbuf, size_t errlen)
{
	PGresult *r;
	char ms[24];
	const char *v[1] = {ms};
	int rc;

	PQsetNoticeProcessor(s->conn, no_notices, NULL);
	if (PQsetClientEncoding(s->conn, "UTF8") != 0) {
		set_err(errbuf, errlen, "client encoding UTF8", PQerrorMessage(s->conn));
		return LEND_ESTORAGE;
	}
	/* The busy timeout, unless the connection set its own lock_timeout. */
	snprintf(ms, sizeof ms, "%d", s->busy_ms);
	rc = setup_query(s,
	                 "SELECT set_config('lock_timeout', CASE current_setting('lock_timeout') WHEN '0' THEN $1 "
	                 "ELSE current_setting('lock_timeout') END, false)",
	                 1, v, NULL, errbuf, errlen, "lock_timeout");
	if (rc != LEND_OK)
		return rc;
	rc = setup_query(s, "SELECT current_schema(), hashtext(current_schema())", 0, NULL, &r, errbuf, errlen,
	                 "current schema");
	if (rc != LEND_OK)
		return rc;
	if (PQntuples(r) != 1 || PQgetisnull(r, 0, 0)) {
		PQclear(r);
		set_err(errbuf, errlen, "current schema", "no schema of search_path exists to hold the tables");
		return LEND_ESTORAGE;
	}
	snprintf(s->lock_key, sizeof s->lock_key, "%s", PQgetvalue(r, 0, 1));
	PQclear(r);
	return LEND_OK;
}

static int migrate(pg *s, char *errbuf, size_t errlen)
{
	const char *v[2];
	char num[96];
	PGresult *r;
	int64_t version = 0;
	int i, rc;

	rc = setup_query(s, "BEGIN", 0, NULL, NULL, errbuf, errlen, "migrating");
	if (rc != LEND_OK)
		return rc;
	v[0] = s->lock_key;
	rc = setup_query(s, SQL_WRITE_LOCK, 1, v, NULL, errbuf, errlen, "waiting for the store's write lock");
	if (rc == LEND_OK)
		rc = setup_query(s, lend_pg_meta_sql, 0, NULL, NULL, errbuf, errlen, "creating the meta table");
	if (rc == LEND_OK)
		rc = setup_query(s, "SELECT value FROM meta WHERE key = 'schema_version'", 0, NULL, &r, errbuf, errlen,
		                 "reading the schema version");
	if (rc != LEND_OK)
		goto fail;
	if (PQntuples(r) == 1)
		version = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	if (version < 0 || version > LEND_PG_SCHEMA_VERSION) {
		snprintf(num, sizeof num, "%lld (this liblend knows up to %d)", (long long)version,
		         LEND_PG_SCHEMA_VERSION);
		set_err(errbuf, errlen, "unsupported database schema version", num);
		rc = LEND_ESTORAGE;
		goto fail;
	}
	for (i = (int)version; i < LEND_PG_SCHEMA_VERSION; i++) {
		r = PQexec(s->conn, lend_pg_migrations[i]); /* fixed DDL, several statements */
		if (r == NULL || (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_EMPTY_QUERY)) {
			snprintf(num, sizeof num, "schema migration %d", i + 1);
			set_err(errbuf, errlen, num, r ? PQresultErrorMessage(r) : PQerrorMessage(s->conn));
			PQclear(r);
			rc = LEND_ESTORAGE;
			goto fail;
		}
		PQclear(r);
		snprintf(num, sizeof num, "%d", i + 1);
		v[0] = num;
		rc = setup_query(s,
		                 "INSERT INTO meta (key, value) VALUES ('schema_version', $1) "
		                 "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
		                 1, v, NULL, errbuf, errlen, "recording the schema version");
		if (rc != LEND_OK)
			goto fail;
	}
	rc = setup_query(s, "COMMIT", 0, NULL, &r, errbuf, errlen, "committing the schema");
	if (rc != LEND_OK)
		goto fail;
	rc = strcmp(PQcmdStatus(r), "COMMIT") == 0 ? LEND_OK : LEND_ESTORAGE;
	PQclear(r);
	if (rc != LEND_OK)
		set_err(errbuf, errlen, "committing the schema", "rolled back");
	return rc;

fail:
	PQclear(PQexec(s->conn, "ROLLBACK"));
	return rc;
}

int lend__storage_postgres_open(lend_storage *out, const char *conninfo, int busy_timeout_ms, char *errbuf,
                                size_t errlen)
{
	/* Defaults first: what the connection string says wins (expanded from
	 * dbname, which comes after them). */
	static const char *const keys[] = {"connect_timeout", "application_name", "dbname", NULL};
	const char *vals[] = {"10", "liblend", conninfo, NULL};
	pg *s;
	int status;

	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (out == NULL) {
		set_err(errbuf, errlen, "lend_storage_postgres", "no storage to fill");
		return LEND_EINVAL;
	}
	memset(out, 0, sizeof *out);
	if (conninfo == NULL) {
		set_err(errbuf, errlen, "lend_storage_postgres", "no connection string");
		return LEND_EINVAL;
	}
	s = calloc(1, sizeof *s);
	if (s == NULL) {
		set_err(errbuf, errlen, "", "out of memory");
		return LEND_ENOMEM;
	}
	s->busy_ms = busy_timeout_ms > 0 ? busy_timeout_ms : DEFAULT_BUSY_TIMEOUT_MS;
	s->conn = PQconnectdbParams(keys, vals, 1);
	if (s->conn == NULL || PQstatus(s->conn) != CONNECTION_OK) {
		set_err(errbuf, errlen, "cannot connect", s->conn ? PQerrorMessage(s->conn) : "out of memory");
		status = s->conn ? LEND_ESTORAGE : LEND_ENOMEM;
		goto fail;
	}
	status = session_setup(s, errbuf, errlen);
	if (status == LEND_OK)
		status = migrate(s, errbuf, errlen);
	if (status != LEND_OK)
		goto fail;

	out->version = LEND_STORAGE_VERSION;
	out->userdata = s;
	WIRE_CORE_METHODS(out, pg);
	out->note_prune = pg_note_prune;
	out->return_rows = pg_return_rows;
	out->settle_due = pg_settle_due;
	out->verdict_rows = pg_verdict_rows;
	pg__desk_methods(out);
	pg__accounts_methods(out);
	pg__shelf_methods(out);
	pg__catalog_methods(out);
	pg__search_methods(out);
	return LEND_OK;

fail:
	PQfinish(s->conn);
	free(s);
	memset(out, 0, sizeof *out);
	return status;
}

LEND_EXTERN int lend_storage_postgres(lend_storage *out, const char *conninfo, char *errbuf, size_t errlen)
{
	return lend__storage_postgres_open(out, conninfo, 0, errbuf, errlen);
}
