/* lib/storage/sqlite/sqlite.c — the built-in SQLite storage backend.
 *
 * Implements the lend_storage vtable of lend/sys/storage.h over one SQLite
 * connection. The schema and its migrations live in schema.h.
 *
 * Performance notes: every statement is prepared once (lazily, with
 * SQLITE_PREPARE_PERSISTENT) and cached in the state; the filter-based
 * listings build their SQL from which filter fields are set and cache the
 * statement under that bitmask. A call does no allocation and no
 * sqlite3_exec. Statements are always reset (and their bindings cleared)
 * before a method returns, on every path, so no read is left pending.
 *
 * Re-entrancy: a callback may call back into the backend, even the same
 * method; a cached statement that is still stepping is then not reused, a
 * temporary one is prepared for the nested call and finalized after it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "lend/sys/storage.h"
#include "sq.h"
#include "schema.h"
#include "../rows.h"
#include "../filters.h"

#define DEFAULT_BUSY_TIMEOUT_MS 5000
#define DYN_SLOTS 64 /* a power of two */
#define NESTED_MAX 16
#define AREA_SLOTS 256 /* statements of the areas' files, a power of two */

/* Row layouts: see ../rows.h. The parameters of the inserts and updates
 * (?1 is the id): */
#define LIBRARY_VALS "?2, ?3, ?4, ?5, ?6, ?7"
#define READER_VALS "?2, ?3, ?4"
#define TICKET_VALS "?2, ?3, ?4, ?5, ?6, ?7, ?8"
/* external_id: "" is stored as NULL, so that the UNIQUE key ignores it. */
#define BOOK_VALS                                                                                                      \
	"?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, NULLIF(?23, ''), " \
	"?24, ?25"
#define LOAN_VALS "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11"
#define HOLD_VALS "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10"
#define NOTE_VALS "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13"
#define LEDGER_VALS "?2, ?3, ?4, ?5, ?6, ?7, ?8"


/* ---------------------------------------------------------- statements */

enum {
	ST_BEGIN_READ,
	ST_BEGIN_WRITE,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_LIBRARY_INSERT,
	ST_LIBRARY_UPDATE,
	ST_LIBRARY_GET,
	ST_LIBRARY_LIST,
	ST_GRANT_INSERT,
	ST_GRANT_DELETE,
	ST_GRANT_LIST,
	ST_READER_INSERT,
	ST_READER_UPDATE,
	ST_READER_GET,
	ST_TICKET_INSERT,
	ST_TICKET_UPDATE,
	ST_TICKET_GET,
	ST_TICKET_FIND,
	ST_TICKET_LIST_ALL,
	ST_TICKET_LIST_READER,
	ST_TICKET_LIST_LIBRARY,
	ST_TICKET_LIST_BOTH,
	ST_BOOK_INSERT,
	ST_BOOK_UPDATE,
	ST_BOOK_GET,
	ST_BOOK_LIST,
	ST_FUND_GET,
	ST_FUND_PUT,
	ST_FUND_LIST,
	ST_FUND_LIST_ALL,
	ST_LOAN_INSERT,
	ST_LOAN_UPDATE,
	ST_LOAN_UPDATE_END,
	ST_LOAN_GET,
	ST_RETURN_ROWS,
	ST_SETTLE_DUE,
	ST_VERDICT_ROWS,
	ST_HOLD_INSERT,
	ST_HOLD_UPDATE,
	ST_HOLD_GET,
	ST_NOTE_INSERT,
	ST_NOTE_UPDATE,
	ST_NOTE_PRUNE,
	ST_POLICY_LIST,
	ST_POLICY_PUT,
	ST_POLICY_DELETE,
	ST_LEDGER_INSERT,
	ST_LEDGER_LIST,
	ST_LEDGER_LIST_TO,
	ST_COUNT
};

#define TICKET_SELECT "SELECT id, " TICKET_COLS " FROM tickets"

static const char *const sql_text[ST_COUNT] = {
	[ST_BEGIN_READ] = "BEGIN",
	[ST_BEGIN_WRITE] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",

	[ST_LIBRARY_INSERT] = "INSERT INTO libraries (" LIBRARY_COLS ") VALUES (" LIBRARY_VALS ")",
	[ST_LIBRARY_UPDATE] = "UPDATE libraries SET (" LIBRARY_COLS ") = (" LIBRARY_VALS ") WHERE id = ?1",
	[ST_LIBRARY_GET] = "SELECT id, " LIBRARY_COLS " FROM libraries WHERE id = ?1",
	[ST_LIBRARY_LIST] = "SELECT id, " LIBRARY_COLS " FROM libraries ORDER BY id",

	[ST_GRANT_INSERT] = "INSERT INTO grants (reader_id, library_id) VALUES (?1, ?2)",
	[ST_GRANT_DELETE] = "DELETE FROM grants WHERE reader_id = ?1 AND library_id = ?2",
	[ST_GRANT_LIST] = "SELECT library_id FROM grants WHERE reader_id = ?1 ORDER BY library_id",

	[ST_READER_INSERT] = "INSERT INTO readers (" READER_COLS ") VALUES (" READER_VALS ")",
	[ST_READER_UPDATE] = "UPDATE readers SET (" READER_COLS ") = (" READER_VALS ") WHERE id = ?1",
	[ST_READER_GET] = "SELECT id, " READER_COLS " FROM readers WHERE id = ?1",

	[ST_TICKET_INSERT] = "INSERT INTO tickets (" TICKET_COLS ") VALUES (" TICKET_VALS ")",
	[ST_TICKET_UPDATE] = "UPDATE tickets SET (" TICKET_COLS ") = (" TICKET_VALS ") WHERE id = ?1",
	[ST_TICKET_GET] = TICKET_SELECT " WHERE id = ?1",
	[ST_TICKET_FIND] = TICKET_SELECT " WHERE library_id = ?1 AND number = ?2",
	[ST_TICKET_LIST_ALL] = TICKET_SELECT " ORDER BY id",
	[ST_TICKET_LIST_READER] = TICKET_SELECT " WHERE reader_id = ?1 ORDER BY id",
	[ST_TICKET_LIST_LIBRARY] = TICKET_SELECT " WHERE library_id = ?2 ORDER BY id",
	[ST_TICKET_LIST_BOTH] = TICKET_SELECT " WHERE reader_id = ?1 AND library_id = ?2 ORDER BY id",

	[ST_BOOK_INSERT] = "INSERT INTO books (" BOOK_COLS ") VALUES (" BOOK_VALS ")",
	[ST_BOOK_UPDATE] = "UPDATE books SET (" BOOK_COLS ") = (" BOOK_VALS ") WHERE id = ?1",
	[ST_BOOK_GET] = "SELECT id, " BOOK_COLS " FROM books WHERE id = ?1",
	[ST_BOOK_LIST] = "SELECT id, " BOOK_COLS " FROM books WHERE id > ?1 ORDER BY id LIMIT ?2",

	[ST_FUND_GET] = "SELECT " FUND_COLS " FROM fund WHERE library_id = ?1 AND book_id = ?2",
	[ST_FUND_PUT] = "INSERT OR REPLACE INTO fund (" FUND_COLS ") VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_FUND_LIST] = "SELECT " FUND_COLS " FROM fund WHERE library_id = ?1 AND book_id > ?2 ORDER BY book_id "
	                 "LIMIT ?3",
	[ST_FUND_LIST_ALL] = "SELECT " FUND_COLS " FROM fund WHERE book_id > ?2 ORDER BY library_id, book_id "
	                     "LIMIT ?3",

	[ST_LOAN_INSERT] = "INSERT INTO loans (" LOAN_COLS ") VALUES (" LOAN_VALS ")",
	[ST_LOAN_UPDATE] = "UPDATE loans SET (" LOAN_COLS ") = (" LOAN_VALS ") WHERE id = ?1",
	/* The same row written when only ended_at and the unindexed columns
	 * change (a loan ending): SQLite rewrites every index holding a column
	 * an UPDATE sets, whether its value changes or not. */
	[ST_LOAN_UPDATE_END] = "UPDATE loans SET origin = ?6, ended_at = ?9, end_reason = ?10, kind = ?11 WHERE id = ?1 "
	                       "AND ticket_id = ?2 AND reader_id = ?3 AND library_id = ?4 AND book_id = ?5 "
	                       "AND issued_at = ?7 AND due_at = ?8",
	[ST_LOAN_GET] = "SELECT id, " LOAN_COLS " FROM loans WHERE id = ?1",
	/* The rows a return starts from: the loan, its book's title and its
	 * library's name (NULL: no such row), the fund row. Key searches. */
	[ST_RETURN_ROWS] = "SELECT l.*, CASE WHEN b.id IS NULL THEN NULL ELSE coalesce(b.title, '') END, "
	                   "CASE WHEN y.id IS NULL THEN NULL ELSE coalesce(y.name, '') END, f.* "
	                   "FROM (SELECT id, " LOAN_COLS " FROM loans WHERE id = ?1) AS l "
	                   "LEFT JOIN books AS b ON b.id = l.book_id LEFT JOIN libraries AS y ON y.id = l.library_id "
	                   "LEFT JOIN (SELECT " FUND_COLS " FROM fund) AS f ON f.library_id = l.library_id "
	                   "AND f.book_id = l.book_id",
	/* Anything to settle: a row when so. Each arm is one index probe
	 * (test_plans.c); LIMIT 1 stops at the first that finds a row. The
	 * desk's tables are there in every database of this backend. */
	[ST_SETTLE_DUE] = "SELECT 1 FROM loans WHERE ended_at = 0 AND due_at <= ?1 "
	                  "UNION ALL SELECT 1 FROM holds WHERE suspended_until > 0 AND state = 1 "
	                  "AND suspended_until <= ?1 "
	                  "UNION ALL SELECT 1 FROM desk_licenses WHERE closed_at = 0 AND expires_at > 0 "
	                  "AND expires_at <= ?1 "
	                  "UNION ALL SELECT 1 FROM desk_reserves WHERE state = 1 AND expires_at <= ?1 "
	                  "UNION ALL SELECT 1 FROM tickets WHERE ?2 <> 0 AND valid_from > ?2 AND valid_from <= ?1 "
	                  "LIMIT 1",

	/* A verdict's rows, the columns it reads (sq_verdict_rows numbers them):
	 * key searches, one join. */
	[ST_VERDICT_ROWS] = "SELECT t.id, t.library_id, t.reader_id, t.number, t.valid_from, t.valid_until, t.blocked, "
	                    "t.created_at, r.id, r.birth_date, y.id, y.name, y.currency, y.budget, b.id, b.kind, "
	                    "b.title, b.age_rating, b.price, b.currency, b.lendable, b.release_at, f.library_id, "
	                    "f.copies, f.on_loan, f.updated_at FROM tickets AS t "
	                    "LEFT JOIN readers AS r ON r.id = t.reader_id LEFT JOIN libraries AS y ON y.id = t.library_id "
	                    "LEFT JOIN books AS b ON b.id = ?2 "
	                    "LEFT JOIN fund AS f ON f.library_id = t.library_id AND f.book_id = ?2 WHERE t.id = ?1",

	[ST_HOLD_INSERT] = "INSERT INTO holds (" HOLD_COLS ") VALUES (" HOLD_VALS ")",
	[ST_HOLD_UPDATE] = "UPDATE holds SET (" HOLD_COLS ") = (" HOLD_VALS ") WHERE id = ?1",
	[ST_HOLD_GET] = "SELECT id, " HOLD_COLS " FROM holds WHERE id = ?1",

	[ST_NOTE_INSERT] = "INSERT INTO notes (" NOTE_COLS ") VALUES (" NOTE_VALS ")",
	[ST_NOTE_UPDATE] = "UPDATE notes SET (" NOTE_COLS ") = (" NOTE_VALS ") WHERE id = ?1",
	[ST_NOTE_PRUNE] = "DELETE FROM notes WHERE id IN (SELECT id FROM notes WHERE delivered_at > 0 "
	                  "AND delivered_at < ?1 ORDER BY id LIMIT ?2)",

	/* Two primary-key searches, not `ticket_id IN (0, ?2)`: SQLite builds an
	 * ephemeral table for a bound IN list on every run, several times the
	 * cost of the searches themselves (and this runs on every take). */
	[ST_POLICY_LIST] = "SELECT " POLICY_COLS " FROM policy WHERE library_id = ?1 AND ticket_id = 0 "
	                   "UNION ALL SELECT " POLICY_COLS " FROM policy WHERE library_id = ?1 AND ticket_id = ?2 "
	                   "AND ?2 <> 0",
	[ST_POLICY_PUT] = "INSERT OR REPLACE INTO policy (" POLICY_COLS ") VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_POLICY_DELETE] = "DELETE FROM policy WHERE library_id = ?1 AND ticket_id = ?2 AND kind = ?3 "
	                     "AND setting = ?4",

	[ST_LEDGER_INSERT] = "INSERT INTO ledger (" LEDGER_COLS ") VALUES (" LEDGER_VALS ")",
	[ST_LEDGER_LIST] = "SELECT id, " LEDGER_COLS " FROM ledger WHERE library_id = ?1 AND at >= ?2 ORDER BY id",
	[ST_LEDGER_LIST_TO] = "SELECT id, " LEDGER_COLS " FROM ledger WHERE library_id = ?1 AND at >= ?2 "
	                      "AND at < ?3 ORDER BY id",
};

/* For tests/test_plans.c, which holds the plans of the hot statements fixed:
 * the text of one by its name, NULL for a name not listed here. */
const char *lend__sqlite_core_sql(const char *name);
const char *lend__sqlite_core_sql(const char *name)
{
	static const struct {
		const char *name;
		int id;
	} named[] = {
		{"policy_list", ST_POLICY_LIST},
		{"loan_update", ST_LOAN_UPDATE},
		{"loan_update_end", ST_LOAN_UPDATE_END},
		{"fund_get", ST_FUND_GET},
		{"loan_get", ST_LOAN_GET},
		{"return_rows", ST_RETURN_ROWS},
		{"settle_due", ST_SETTLE_DUE},
		{"verdict_rows", ST_VERDICT_ROWS},
	};
	size_t i;

	for (i = 0; i < sizeof named / sizeof named[0]; i++)
		if (strcmp(named[i].name, name) == 0)
			return sql_text[named[i].id];
	return NULL;
}

/* --------------------------------------------------------------- state */

typedef struct dyn_slot {
	uint32_t key; /* 0: empty */
	sqlite3_stmt *st;
} dyn_slot;

typedef struct area_slot {
	const char *sql; /* NULL: empty */
	sqlite3_stmt *st;
} area_slot;

struct sq {
	sqlite3 *db;
	const char *msg;      /* the last failure's message, or NULL */
	const char *notfound; /* set with msg NULL: "<what>: not found", formatted lazily */
	sqlite3_stmt *st[ST_COUNT];
	dyn_slot dyn[DYN_SLOTS];
	sqlite3_stmt *tmp[NESTED_MAX]; /* statements of nested calls, finalized after use */
	int ntmp;
	area_slot area[AREA_SLOTS];
	struct sq_search_cache *search_cache; /* search_cache.c */
	char buf[512];
};

static int status_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		return rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY ? LEND_EEXISTS
		                                                                            : LEND_ESTORAGE;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return LEND_EBUSY;
	case SQLITE_NOMEM:
		return LEND_ENOMEM;
	default:
		return LEND_ESTORAGE;
	}
}

/* Record SQLite's current message for a failure with code rc. */
static int fail(sq *s, const char *what, int rc)
{
	const char *msg = sqlite3_errmsg(s->db);
	const char *cause = "";

	/* A failure of the file underneath (disk full, I/O error, read-only)
	 * may surface with another message ("vtable constructor failed: ..."
	 * when it hit the search index's tables): name the cause too. */
	switch (rc & 0xff) {
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_CORRUPT:
	case SQLITE_CANTOPEN:
	case SQLITE_NOTADB:
		if (strstr(msg, sqlite3_errstr(rc)) == NULL)
			cause = sqlite3_errstr(rc);
		break;
	default:
		break;
	}
	if (*cause)
		snprintf(s->buf, sizeof s->buf, "%s: %s (%s)", what, msg, cause);
	else
		snprintf(s->buf, sizeof s->buf, "%s: %s", what, msg);
	s->msg = s->buf;
	s->notfound = NULL;
	return status_of(rc);
}

static int fail_msg(sq *s, const char *what, const char *msg, int status)
{
	snprintf(s->buf, sizeof s->buf, "%s: %s", what, msg);
	s->msg = s->buf;
	s->notfound = NULL;
	return status;
}

static int not_found(sq *s, const char *what)
{
	s->msg = NULL;
	s->notfound = what;
	return LEND_ENOTFOUND;
}

/* Reset a statement after use, on every path; finalize it if temporary. */
static void done(sq *s, sqlite3_stmt *st)
{
	int i;

	if (s->ntmp > 0) {
		for (i = 0; i < s->ntmp; i++) {
			if (s->tmp[i] == st) {
				sqlite3_finalize(st);
				s->tmp[i] = s->tmp[--s->ntmp];
				return;
			}
		}
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* A one-use statement for a call nested in a callback of the same query. */
static int prepare_tmp(sq *s, const char *sql, sqlite3_stmt **out, const char *what)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (s->ntmp == NESTED_MAX)
		return fail_msg(s, what, "calls nested too deep", LEND_ESTORAGE);
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return fail(s, what, rc);
	}
	s->tmp[s->ntmp++] = st;
	*out = st;
	return LEND_OK;
}

static int prep(sq *s, int id, sqlite3_stmt **out, const char *what)
{
	sqlite3_stmt *st = s->st[id];
	int rc;

	if (st != NULL) {
		if (!sqlite3_stmt_busy(st)) {
			*out = st;
			return LEND_OK;
		}
		return prepare_tmp(s, sql_text[id], out, what);
	}
	rc = sqlite3_prepare_v3(s->db, sql_text[id], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return fail(s, what, rc);
	}
	s->st[id] = st;
	*out = st;
	return LEND_OK;
}

/* ------------------------------------------------------ binding, reading */

static int bind_fields(sqlite3_stmt *st, int type, int from, const void *row)
{
	const field *f = rowdescs[type].f;
	int n = rowdescs[type].n;
	const char *base = row;
	int i, rc = SQLITE_OK;

	for (i = from; i < n && rc == SQLITE_OK; i++) {
		const char *p = base + f[i].off;
		switch (f[i].type) {
		case F_I64:
			rc = sqlite3_bind_int64(st, i + 1, *(const int64_t *)(const void *)p);
			break;
		case F_I32:
			rc = sqlite3_bind_int(st, i + 1, *(const int32_t *)(const void *)p);
			break;
		default:
			/* A NULL pointer binds NULL. */
			rc = sqlite3_bind_text(st, i + 1, *(const char *const *)(const void *)p, -1, SQLITE_STATIC);
			break;
		}
	}
	return rc;
}

/* Fill row from the current result row; 0, or SQLITE_NOMEM. NULL text reads
 * back as "". */
static int read_fields_from(sqlite3_stmt *st, int first, int type, void *row)
{
	const field *f = rowdescs[type].f;
	int n = rowdescs[type].n;
	char *base = row;
	int i;

	for (i = 0; i < n; i++) {
		char *p = base + f[i].off;
		switch (f[i].type) {
		case F_I64:
			*(int64_t *)(void *)p = sqlite3_column_int64(st, first + i);
			break;
		case F_I32:
			*(int32_t *)(void *)p = sqlite3_column_int(st, first + i);
			break;
		default: {
			const char *t = (const char *)sqlite3_column_text(st, first + i);
			if (t == NULL) {
				if (sqlite3_column_type(st, first + i) != SQLITE_NULL)
					return SQLITE_NOMEM;
				t = "";
			}
			*(const char **)(void *)p = t;
			break;
		}
		}
	}
	return 0;
}

static int read_fields(sqlite3_stmt *st, int type, void *row)
{
	return read_fields_from(st, 0, type, row);
}

/* Step a bound query, handing each row to cb. single: a get, which hands at
 * most one row and is ENOTFOUND without one. */
static int iterate(sq *s, sqlite3_stmt *st, const char *what, int type, anycb cb, void *ctx, int single)
{
	anyrow row;
	int rc, r;

	memset(&row, 0, sizeof row);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (read_fields(st, type, &row) != 0) {
			done(s, st);
			return fail_msg(s, what, "out of memory", LEND_ENOMEM);
		}
		r = call_cb(type, cb, ctx, &row);
		if (r != 0 || single) {
			done(s, st);
			return r;
		}
	}
	if (rc != SQLITE_DONE) {
		r = fail(s, what, rc);
		done(s, st);
		return r;
	}
	done(s, st);
	return single ? not_found(s, what) : LEND_OK;
}

static int bind_failed(sq *s, sqlite3_stmt *st, const char *what, int rc)
{
	int r = fail(s, what, rc);
	done(s, st);
	return r;
}

/* Run a bound write. need_change: ENOTFOUND when it matched no row. */
static int run(sq *s, sqlite3_stmt *st, const char *what, int need_change)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE) {
		int r = fail(s, what, rc);
		done(s, st);
		return r;
	}
	done(s, st);
	if (need_change && sqlite3_changes(s->db) == 0)
		return not_found(s, what);
	return LEND_OK;
}

/* Run a bound single-value query into *count. */
static int run_count(sq *s, sqlite3_stmt *st, const char *what, int64_t *count)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_ROW) {
		int r = fail(s, what, rc == SQLITE_DONE ? SQLITE_ERROR : rc);
		done(s, st);
		return r;
	}
	*count = sqlite3_column_int64(st, 0);
	done(s, st);
	return LEND_OK;
}

/* ------------------------------------------------ shared with the areas */

sqlite3 *sq__db(sq *s) { return s->db; }
struct sq_search_cache **sq__search_cache(sq *s) { return &s->search_cache; }
void sq__done(sq *s, sqlite3_stmt *st) { done(s, st); }
int sq__fail(sq *s, const char *what, int rc) { return fail(s, what, rc); }
int sq__fail_msg(sq *s, const char *what, const char *msg, int status) { return fail_msg(s, what, msg, status); }
int sq__not_found(sq *s, const char *what) { return not_found(s, what); }
int sq__run(sq *s, sqlite3_stmt *st, const char *what, int need_change) { return run(s, st, what, need_change); }
int sq__bound(sq *s, sqlite3_stmt *st, const char *what, int rc)
{
	return rc == SQLITE_OK ? LEND_OK : bind_failed(s, st, what, rc);
}
int sq__run_count(sq *s, sqlite3_stmt *st, const char *what, int64_t *value)
{
	return run_count(s, st, what, value);
}

const char *sq__text(sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	if (t == NULL && sqlite3_column_type(st, col) == SQLITE_NULL)
		return "";
	return t;
}

int sq__prep(sq *s, const char *sql, sqlite3_stmt **out, const char *what)
{
	uintptr_t h = (uintptr_t)sql;
	size_t i = (size_t)((h >> 3) ^ (h >> 11)) & (AREA_SLOTS - 1);
	size_t n;
	int rc;

	for (n = 0; n < AREA_SLOTS; n++, i = (i + 1) & (AREA_SLOTS - 1)) {
		area_slot *a = &s->area[i];
		if (a->sql == sql) {
			if (!sqlite3_stmt_busy(a->st)) {
				*out = a->st;
				return LEND_OK;
			}
			return prepare_tmp(s, sql, out, what);
		}
		if (a->sql == NULL) {
			rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &a->st, NULL);
			if (rc != SQLITE_OK) {
				sqlite3_finalize(a->st);
				a->st = NULL;
				return fail(s, what, rc);
			}
			a->sql = sql;
			*out = a->st;
			return LEND_OK;
		}
	}
	/* Every slot taken: serve it uncached. */
	return prepare_tmp(s, sql, out, what);
}

/* -------------------------------------------------------- generic calls */

static int do_insert(sq *s, int id, const char *what, int type, void *row, int64_t *id_out)
{
	sqlite3_stmt *st;
	int rc = prep(s, id, &st, what);

	if (rc != LEND_OK)
		return rc;
	rc = bind_fields(st, type, 1, row);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, what, rc);
	rc = run(s, st, what, 0);
	if (rc == LEND_OK)
		*id_out = sqlite3_last_insert_rowid(s->db);
	return rc;
}

/* Update by id, or a put (from 0, need_change 0). */
static int do_write(sq *s, int id, const char *what, int type, const void *row, int need_change)
{
	sqlite3_stmt *st;
	int rc = prep(s, id, &st, what);

	if (rc != LEND_OK)
		return rc;
	rc = bind_fields(st, type, 0, row);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, what, rc);
	return run(s, st, what, need_change);
}

static int do_get(sq *s, int id, const char *what, int type, int64_t key, anycb cb, void *ctx)
{
	sqlite3_stmt *st;
	int rc = prep(s, id, &st, what);

	if (rc != LEND_OK)
		return rc;
	rc = sqlite3_bind_int64(st, 1, key);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, what, rc);
	return iterate(s, st, what, type, cb, ctx, 1);
}

/* ---------------------------------------------------------- dynamic SQL */

/* The queries themselves: see ../filters.h. */

/* The cached statement for a dynamic query key. */
static int dyn_prep(sq *s, uint32_t key, sqlite3_stmt **out, const char *what)
{
	char sql[768];
	unsigned h = (unsigned)((key * 2654435761u) >> 16) & (DYN_SLOTS - 1);
	unsigned i, k, slot = DYN_SLOTS;
	sqlite3_stmt *st = NULL;
	int rc;

	for (k = 0; k < DYN_SLOTS; k++) {
		i = (h + k) & (DYN_SLOTS - 1);
		if (s->dyn[i].key == key) {
			if (!sqlite3_stmt_busy(s->dyn[i].st)) {
				*out = s->dyn[i].st;
				return LEND_OK;
			}
			build_sql(sql, sizeof sql, key);
			return prepare_tmp(s, sql, out, what);
		}
		if (s->dyn[i].key == 0) {
			slot = i;
			break;
		}
	}
	build_sql(sql, sizeof sql, key);
	rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return fail(s, what, rc);
	}
	if (slot == DYN_SLOTS) {
		/* Full: replace an idle statement on the probe path (keeping the
		 * slot occupied keeps every probe path intact). */
		for (k = 0; k < DYN_SLOTS; k++) {
			i = (h + k) & (DYN_SLOTS - 1);
			if (!sqlite3_stmt_busy(s->dyn[i].st)) {
				slot = i;
				break;
			}
		}
		if (slot == DYN_SLOTS) {
			if (s->ntmp == NESTED_MAX) {
				sqlite3_finalize(st);
				return fail_msg(s, what, "calls nested too deep", LEND_ESTORAGE);
			}
			s->tmp[s->ntmp++] = st;
			*out = st;
			return LEND_OK;
		}
		sqlite3_finalize(s->dyn[slot].st);
	}
	s->dyn[slot].key = key;
	s->dyn[slot].st = st;
	*out = st;
	return LEND_OK;
}

#define BIND64(n, v)                                                                                               \
	do {                                                                                                       \
		if (rc == SQLITE_OK)                                                                               \
			rc = sqlite3_bind_int64(st, (n), (v));                                                     \
	} while (0)


static int loan_bind(sqlite3_stmt *st, const lend_sys_loan_filter *f, uint32_t bits)
{
	int rc = SQLITE_OK;

	if (bits & LF_READER)
		BIND64(1, f->reader_id);
	if (bits & LF_TICKET)
		BIND64(2, f->ticket_id);
	if (bits & LF_LIBRARY)
		BIND64(3, f->library_id);
	if (bits & LF_BOOK)
		BIND64(4, f->book_id);
	if (bits & LF_ORIGIN)
		BIND64(5, f->origin);
	if (bits & LF_DUE)
		BIND64(6, f->due_before);
	if (bits & LF_ISSUED)
		BIND64(7, f->issued_since);
	if (bits & LF_AFTER)
		BIND64(8, f->after_id);
	return rc;
}


static int hold_bind(sqlite3_stmt *st, const lend_sys_hold_filter *f, uint32_t bits)
{
	int rc = SQLITE_OK;

	if (bits & HF_LIBRARY)
		BIND64(1, f->library_id);
	if (bits & HF_BOOK)
		BIND64(2, f->book_id);
	if (bits & HF_TICKET)
		BIND64(3, f->ticket_id);
	if (bits & HF_READER)
		BIND64(4, f->reader_id);
	if (bits & HF_STATE_OTHER)
		BIND64(5, f->state);
	if (bits & HF_BEFORE)
		BIND64(6, f->before_id);
	if (bits & HF_SUSPENDED)
		BIND64(7, f->suspended_before);
	return rc;
}

/* ------------------------------------------------------------- methods */

static void sq_free(void *ud)
{
	sq *s = ud;
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	for (i = 0; i < DYN_SLOTS; i++)
		sqlite3_finalize(s->dyn[i].st);
	for (i = 0; i < s->ntmp; i++)
		sqlite3_finalize(s->tmp[i]);
	for (i = 0; i < AREA_SLOTS; i++)
		sqlite3_finalize(s->area[i].st);
	sq__search_cache_free(s->search_cache);
	sqlite3_close_v2(s->db);
	free(s);
}

static const char *sq_errmsg(void *ud)
{
	sq *s = ud;

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

static int exec_simple(sq *s, int id, const char *what)
{
	sqlite3_stmt *st;
	int rc = prep(s, id, &st, what);

	if (rc != LEND_OK)
		return rc;
	return run(s, st, what, 0);
}

static int sq_begin(void *ud, int write)
{
	sq *s = ud;

	return exec_simple(s, write ? ST_BEGIN_WRITE : ST_BEGIN_READ, write ? "begin write" : "begin read");
}

static int sq_commit(void *ud)
{
	return exec_simple(ud, ST_COMMIT, "commit");
}

static int sq_rollback(void *ud)
{
	sq *s = ud;

	if (sqlite3_get_autocommit(s->db))
		return LEND_OK; /* no transaction (never begun, or SQLite ended it) */
	return exec_simple(s, ST_ROLLBACK, "rollback");
}

/* Libraries */

static int sq_library_insert(void *ud, lend_sys_library *row)
{
	return do_insert(ud, ST_LIBRARY_INSERT, "library_insert", T_LIBRARY, row, &row->id);
}

static int sq_library_update(void *ud, const lend_sys_library *row)
{
	return do_write(ud, ST_LIBRARY_UPDATE, "library_update", T_LIBRARY, row, 1);
}

static int sq_library_get(void *ud, int64_t id, lend_sys_library_cb cb, void *ctx)
{
	anycb c;

	c.library = cb;
	return do_get(ud, ST_LIBRARY_GET, "library_get", T_LIBRARY, id, c, ctx);
}

static int sq_library_list(void *ud, lend_sys_library_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	anycb c;
	int rc = prep(s, ST_LIBRARY_LIST, &st, "library_list");

	if (rc != LEND_OK)
		return rc;
	c.library = cb;
	return iterate(s, st, "library_list", T_LIBRARY, c, ctx, 0);
}

/* Grants */

static int grant_write(sq *s, int id, const char *what, int64_t reader_id, int64_t library_id, int need_change)
{
	sqlite3_stmt *st;
	int rc = prep(s, id, &st, what);

	if (rc != LEND_OK)
		return rc;
	BIND64(1, reader_id);
	BIND64(2, library_id);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, what, rc);
	return run(s, st, what, need_change);
}

static int sq_grant_insert(void *ud, int64_t reader_id, int64_t library_id)
{
	return grant_write(ud, ST_GRANT_INSERT, "grant_insert", reader_id, library_id, 0);
}

static int sq_grant_delete(void *ud, int64_t reader_id, int64_t library_id)
{
	return grant_write(ud, ST_GRANT_DELETE, "grant_delete", reader_id, library_id, 1);
}

static int sq_grant_list(void *ud, int64_t reader_id, int (*cb)(void *ctx, int64_t library_id), void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	anycb c;
	int rc = prep(s, ST_GRANT_LIST, &st, "grant_list");

	if (rc != LEND_OK)
		return rc;
	BIND64(1, reader_id);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, "grant_list", rc);
	c.grant = cb;
	return iterate(s, st, "grant_list", T_GRANT, c, ctx, 0);
}

/* Readers */

static int sq_reader_insert(void *ud, lend_sys_reader *row)
{
	return do_insert(ud, ST_READER_INSERT, "reader_insert", T_READER, row, &row->id);
}

static int sq_reader_update(void *ud, const lend_sys_reader *row)
{
	return do_write(ud, ST_READER_UPDATE, "reader_update", T_READER, row, 1);
}

static int sq_reader_get(void *ud, int64_t id, lend_sys_reader_cb cb, void *ctx)
{
	anycb c;

	c.reader = cb;
	return do_get(ud, ST_READER_GET, "reader_get", T_READER, id, c, ctx);
}

/* Tickets */

static int sq_ticket_insert(void *ud, lend_sys_ticket *row)
{
	return do_insert(ud, ST_TICKET_INSERT, "ticket_insert", T_TICKET, row, &row->id);
}

static int sq_ticket_update(void *ud, const lend_sys_ticket *row)
{
	return do_write(ud, ST_TICKET_UPDATE, "ticket_update", T_TICKET, row, 1);
}

static int sq_ticket_get(void *ud, int64_t id, lend_sys_ticket_cb cb, void *ctx)
{
	anycb c;

	c.ticket = cb;
	return do_get(ud, ST_TICKET_GET, "ticket_get", T_TICKET, id, c, ctx);
}

static int sq_ticket_find(void *ud, int64_t library_id, const char *number, lend_sys_ticket_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	anycb c;
	int rc = prep(s, ST_TICKET_FIND, &st, "ticket_find");

	if (rc != LEND_OK)
		return rc;
	BIND64(1, library_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, number, -1, SQLITE_STATIC);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, "ticket_find", rc);
	c.ticket = cb;
	return iterate(s, st, "ticket_find", T_TICKET, c, ctx, 1);
}

static int sq_ticket_list(void *ud, int64_t reader_id, int64_t library_id, lend_sys_ticket_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	anycb c;
	int id = reader_id ? (library_id ? ST_TICKET_LIST_BOTH : ST_TICKET_LIST_READER)
	                   : (library_id ? ST_TICKET_LIST_LIBRARY : ST_TICKET_LIST_ALL);
	int rc = prep(s, id, &st, "ticket_list");

	if (rc != LEND_OK)
		return rc;
	if (reader_id)
		BIND64(1, reader_id);
	if (library_id)
		BIND64(2, library_id);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, "ticket_list", rc);
	c.ticket = cb;
	return iterate(s, st, "ticket_list", T_TICKET, c, ctx, 0);
}

/* Books */

static int sq_book_insert(void *ud, lend_sys_book *row)
{
	return do_insert(ud, ST_BOOK_INSERT, "book_insert", T_BOOK, row, &row->id);
}

static int sq_book_update(void *ud, const lend_sys_book *row)
{
	return do_write(ud, ST_BOOK_UPDATE, "book_update", T_BOOK, row, 1);
}

static int sq_book_get(void *ud, int64_t id, lend_sys_book_cb cb, void *ctx)
{
	anycb c;

	c.book = cb;
	return do_get(ud, ST_BOOK_GET, "book_get", T_BOOK, id, c, ctx);
}

static int sq_book_list(void *ud, int64_t after_id, int32_t limit, lend_sys_book_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	anycb c;
	int rc = prep(s, ST_BOOK_LIST, &st, "book_list");

	if (rc != LEND_OK)
		return rc;
	BIND64(1, after_id);
	BIND64(2, limit > 0 ? limit : -1);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, "book_list", rc);
	c.book = cb;
	return iterate(s, st, "book_list", T_BOOK, c, ctx, 0);
}

/* Fund */

static int sq_fund_get(void *ud, int64_t library_id, int64_t book_id, lend_sys_fund *out)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = prep(s, ST_FUND_GET, &st, "fund_get");

	if (rc != LEND_OK)
		return rc;
	BIND64(1, library_id);
	BIND64(2, book_id);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, "fund_get", rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_fields(st, T_FUND, out); /* integers only: cannot fail */
		done(s, st);
		return LEND_OK;
	}
	if (rc == SQLITE_DONE) {
		done(s, st);
		return not_found(s, "fund_get");
	}
	rc = fail(s, "fund_get", rc);
	done(s, st);
	return rc;
}

static int sq_fund_put(void *ud, const lend_sys_fund *row)
{
	return do_write(ud, ST_FUND_PUT, "fund_put", T_FUND, row, 0);
}

static int sq_fund_list(void *ud, int64_t library_id, int64_t after_book_id, int32_t limit, lend_sys_fund_cb cb,
                        void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	anycb c;
	int rc = prep(s, library_id ? ST_FUND_LIST : ST_FUND_LIST_ALL, &st, "fund_list");

	if (rc != LEND_OK)
		return rc;
	if (library_id)
		BIND64(1, library_id);
	BIND64(2, after_book_id);
	BIND64(3, limit > 0 ? limit : -1);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, "fund_list", rc);
	c.fund = cb;
	return iterate(s, st, "fund_list", T_FUND, c, ctx, 0);
}

/* Loans */

static int sq_loan_insert(void *ud, lend_sys_loan *row)
{
	return do_insert(ud, ST_LOAN_INSERT, "loan_insert", T_LOAN, row, &row->id);
}

static int sq_loan_update(void *ud, const lend_sys_loan *row)
{
	/* No row matched with the indexed columns as given: they change (or the
	 * loan does not exist), so the whole row is written. */
	int rc = do_write(ud, ST_LOAN_UPDATE_END, "loan_update", T_LOAN, row, 1);

	return rc == LEND_ENOTFOUND ? do_write(ud, ST_LOAN_UPDATE, "loan_update", T_LOAN, row, 1) : rc;
}

static int sq_loan_get(void *ud, int64_t id, lend_sys_loan_cb cb, void *ctx)
{
	anycb c;

	c.loan = cb;
	return do_get(ud, ST_LOAN_GET, "loan_get", T_LOAN, id, c, ctx);
}

/* A text column that may be NULL: *out NULL for NULL; 0, or SQLITE_NOMEM. */
static int nullable_text(sqlite3_stmt *st, int col, const char **out)
{
	*out = NULL;
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return 0;
	*out = (const char *)sqlite3_column_text(st, col);
	return *out == NULL ? SQLITE_NOMEM : 0;
}

static int sq_return_rows(void *ud, int64_t loan_id,
                          int (*cb)(void *ctx, const lend_sys_loan *loan, const char *title,
                                    const char *library_name, const lend_sys_fund *fund),
                          void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	lend_sys_loan row;
	lend_sys_fund fund;
	const char *title, *name;
	int n = rowdescs[T_LOAN].n, has_fund;
	int rc = prep(s, ST_RETURN_ROWS, &st, "loan_get");

	if (rc != LEND_OK)
		return rc;
	rc = sqlite3_bind_int64(st, 1, loan_id);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, "loan_get", rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(&row, 0, sizeof row);
		memset(&fund, 0, sizeof fund);
		read_fields(st, T_LOAN, &row); /* integers only: cannot fail */
		has_fund = sqlite3_column_type(st, n + 2) != SQLITE_NULL;
		if (has_fund)
			read_fields_from(st, n + 2, T_FUND, &fund); /* integers only */
		if (nullable_text(st, n, &title) != 0 || nullable_text(st, n + 1, &name) != 0) {
			done(s, st);
			return fail_msg(s, "loan_get", "out of memory", LEND_ENOMEM);
		}
		rc = cb(ctx, &row, title, name, has_fund ? &fund : NULL);
		done(s, st);
		return rc;
	}
	if (rc == SQLITE_DONE) {
		done(s, st);
		return not_found(s, "loan_get");
	}
	rc = fail(s, "loan_get", rc);
	done(s, st);
	return rc;
}

typedef int (*verdict_cb)(void *ctx, const lend_sys_ticket *ticket, const lend_sys_reader *reader,
                          const lend_sys_library *library, const lend_sys_book *book, const lend_sys_fund *fund);

/* The columns of ST_VERDICT_ROWS into the rows; 0, or SQLITE_NOMEM. */
static int verdict_read(sqlite3_stmt *st, lend_sys_ticket *t, lend_sys_reader *r, lend_sys_library *l,
                        lend_sys_book *b, lend_sys_fund *f)
{
	const char *text[5];
	int cols[5] = {3, 11, 12, 16, 19}, c;

	for (c = 0; c < 5; c++) {
		text[c] = (const char *)sqlite3_column_text(st, cols[c]);
		if (text[c] == NULL) {
			if (sqlite3_column_type(st, cols[c]) != SQLITE_NULL)
				return SQLITE_NOMEM;
			text[c] = "";
		}
	}
	t->id = sqlite3_column_int64(st, 0);
	t->library_id = sqlite3_column_int64(st, 1);
	t->reader_id = sqlite3_column_int64(st, 2);
	t->number = text[0];
	t->valid_from = sqlite3_column_int64(st, 4);
	t->valid_until = sqlite3_column_int64(st, 5);
	t->blocked = sqlite3_column_int(st, 6);
	t->created_at = sqlite3_column_int64(st, 7);
	r->id = sqlite3_column_int64(st, 8);
	r->birth_date = sqlite3_column_int(st, 9);
	l->id = sqlite3_column_int64(st, 10);
	l->name = text[1];
	l->currency = text[2];
	l->budget = sqlite3_column_int64(st, 13);
	b->id = sqlite3_column_int64(st, 14);
	b->kind = sqlite3_column_int(st, 15);
	b->title = text[3];
	b->age_rating = sqlite3_column_int(st, 17);
	b->price = sqlite3_column_int64(st, 18);
	b->currency = text[4];
	b->lendable = sqlite3_column_int(st, 20);
	b->release_at = sqlite3_column_int64(st, 21);
	f->library_id = sqlite3_column_int64(st, 22);
	f->copies = sqlite3_column_int(st, 23);
	f->on_loan = sqlite3_column_int(st, 24);
	f->updated_at = sqlite3_column_int64(st, 25);
	return 0;
}

static int sq_verdict_rows(void *ud, int64_t ticket_id, int64_t book_id, verdict_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	lend_sys_ticket t;
	lend_sys_reader r;
	lend_sys_library l;
	lend_sys_book b;
	lend_sys_fund f;
	int has_r, has_l, has_b, has_f;
	int rc = prep(s, ST_VERDICT_ROWS, &st, "verdict_rows");

	if (rc != LEND_OK)
		return rc;
	BIND64(1, ticket_id);
	BIND64(2, book_id);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, "verdict_rows", rc);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? not_found(s, "verdict_rows") : fail(s, "verdict_rows", rc);
		done(s, st);
		return rc;
	}
	/* A row absent from the join reads as NULL in its key. */
	has_r = sqlite3_column_type(st, 8) != SQLITE_NULL;
	has_l = sqlite3_column_type(st, 10) != SQLITE_NULL;
	has_b = sqlite3_column_type(st, 14) != SQLITE_NULL;
	has_f = sqlite3_column_type(st, 22) != SQLITE_NULL;
	memset(&t, 0, sizeof t);
	memset(&r, 0, sizeof r);
	memset(&l, 0, sizeof l);
	memset(&b, 0, sizeof b);
	memset(&f, 0, sizeof f);
	if (verdict_read(st, &t, &r, &l, &b, &f) != 0) {
		done(s, st);
		return fail_msg(s, "verdict_rows", "out of memory", LEND_ENOMEM);
	}
	f.book_id = book_id;
	rc = cb(ctx, &t, has_r ? &r : NULL, has_l ? &l : NULL, has_b ? &b : NULL, has_f ? &f : NULL);
	done(s, st);
	return rc;
}

static int sq_settle_due(void *ud, int64_t now, int64_t started_after, int32_t *due)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = prep(s, ST_SETTLE_DUE, &st, "settle_due");

	if (rc != LEND_OK)
		return rc;
	BIND64(1, now);
	BIND64(2, started_after);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, "settle_due", rc);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = fail(s, "settle_due", rc);
		done(s, st);
		return rc;
	}
	*due = rc == SQLITE_ROW;
	done(s, st);
	return LEND_OK;
}

static int sq_loan_list(void *ud, const lend_sys_loan_filter *f, lend_sys_loan_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	anycb c;
	uint32_t bits;
	int rc;

	if (f->order < LEND_SYS_LOAN_ORDER_ID || f->order > LEND_SYS_LOAN_ORDER_SHELF)
		return fail_msg(s, "loan_list", "unknown order", LEND_ESTORAGE);
	bits = loan_bits(f) | (uint32_t)f->order << LF_ORDER_SHIFT;
	rc = dyn_prep(s, (uint32_t)DK_LOAN_LIST << 24 | bits, &st, "loan_list");
	if (rc != LEND_OK)
		return rc;
	rc = loan_bind(st, f, bits);
	BIND64(9, f->limit > 0 ? f->limit : -1);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, "loan_list", rc);
	c.loan = cb;
	return iterate(s, st, "loan_list", T_LOAN, c, ctx, 0);
}

static int sq_loan_count(void *ud, const lend_sys_loan_filter *f, int64_t *count)
{
	sq *s = ud;
	sqlite3_stmt *st;
	uint32_t bits = loan_bits(f);
	int rc;

	if (f->limit > 0)
		bits |= LF_LIMIT;
	rc = dyn_prep(s, (uint32_t)DK_LOAN_COUNT << 24 | bits, &st, "loan_count");
	if (rc != LEND_OK)
		return rc;
	rc = loan_bind(st, f, bits);
	if (bits & LF_LIMIT)
		BIND64(9, f->limit);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, "loan_count", rc);
	return run_count(s, st, "loan_count", count);
}

/* Holds */

static int sq_hold_insert(void *ud, lend_sys_hold *row)
{
	return do_insert(ud, ST_HOLD_INSERT, "hold_insert", T_HOLD, row, &row->id);
}

static int sq_hold_update(void *ud, const lend_sys_hold *row)
{
	return do_write(ud, ST_HOLD_UPDATE, "hold_update", T_HOLD, row, 1);
}

static int sq_hold_get(void *ud, int64_t id, lend_sys_hold_cb cb, void *ctx)
{
	anycb c;

	c.hold = cb;
	return do_get(ud, ST_HOLD_GET, "hold_get", T_HOLD, id, c, ctx);
}

static int sq_hold_list(void *ud, const lend_sys_hold_filter *f, lend_sys_hold_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	anycb c;
	uint32_t bits = hold_bits(f);
	int rc = dyn_prep(s, (uint32_t)DK_HOLD_LIST << 24 | bits, &st, "hold_list");

	if (rc != LEND_OK)
		return rc;
	rc = hold_bind(st, f, bits);
	BIND64(8, f->limit > 0 ? f->limit : -1);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, "hold_list", rc);
	c.hold = cb;
	return iterate(s, st, "hold_list", T_HOLD, c, ctx, 0);
}

static int sq_hold_count(void *ud, const lend_sys_hold_filter *f, int64_t *count)
{
	sq *s = ud;
	sqlite3_stmt *st;
	uint32_t bits = hold_bits(f);
	int rc;

	if (f->limit > 0)
		bits |= HF_LIMIT;
	rc = dyn_prep(s, (uint32_t)DK_HOLD_COUNT << 24 | bits, &st, "hold_count");
	if (rc != LEND_OK)
		return rc;
	rc = hold_bind(st, f, bits);
	if (bits & HF_LIMIT)
		BIND64(8, f->limit);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, "hold_count", rc);
	return run_count(s, st, "hold_count", count);
}

/* Outbox */

static int sq_note_insert(void *ud, lend_sys_note *row)
{
	return do_insert(ud, ST_NOTE_INSERT, "note_insert", T_NOTE, row, &row->id);
}

static int sq_note_update(void *ud, const lend_sys_note *row)
{
	return do_write(ud, ST_NOTE_UPDATE, "note_update", T_NOTE, row, 1);
}

static int sq_note_prune(void *ud, int64_t delivered_before, int32_t limit, int64_t *pruned)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = prep(s, ST_NOTE_PRUNE, &st, "note_prune");

	if (rc != LEND_OK)
		return rc;
	rc = sqlite3_bind_int64(st, 1, delivered_before);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 2, limit);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, "note_prune", rc);
	rc = run(s, st, "note_prune", 0);
	if (rc == LEND_OK)
		*pruned = sqlite3_changes(s->db);
	return rc;
}

static int sq_note_list(void *ud, const lend_sys_note_filter *f, lend_sys_note_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	anycb c;
	uint32_t bits = (f->pending ? NF_PENDING : 0) | (f->due_before ? NF_DUE : 0);
	int rc = dyn_prep(s, (uint32_t)DK_NOTE_LIST << 24 | bits, &st, "note_list");

	if (rc != LEND_OK)
		return rc;
	if (bits & NF_DUE)
		BIND64(1, f->due_before);
	BIND64(2, f->limit > 0 ? f->limit : -1);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, "note_list", rc);
	c.note = cb;
	return iterate(s, st, "note_list", T_NOTE, c, ctx, 0);
}

/* Policy */

static int sq_policy_list(void *ud, int64_t library_id, int64_t ticket_id, lend_sys_policy_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	anycb c;
	int rc = prep(s, ST_POLICY_LIST, &st, "policy_list");

	if (rc != LEND_OK)
		return rc;
	BIND64(1, library_id);
	BIND64(2, ticket_id);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, "policy_list", rc);
	c.policy = cb;
	return iterate(s, st, "policy_list", T_POLICY, c, ctx, 0);
}

static int sq_policy_put(void *ud, const lend_sys_policy *row)
{
	return do_write(ud, ST_POLICY_PUT, "policy_put", T_POLICY, row, 0);
}

static int sq_policy_delete(void *ud, const lend_sys_policy *key)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = prep(s, ST_POLICY_DELETE, &st, "policy_delete");

	if (rc != LEND_OK)
		return rc;
	BIND64(1, key->library_id);
	BIND64(2, key->ticket_id);
	BIND64(3, key->kind);
	BIND64(4, key->setting);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, "policy_delete", rc);
	return run(s, st, "policy_delete", 1);
}

/* Ledger */

static int sq_ledger_insert(void *ud, lend_sys_ledger *row)
{
	return do_insert(ud, ST_LEDGER_INSERT, "ledger_insert", T_LEDGER, row, &row->id);
}

static int sq_ledger_list(void *ud, int64_t library_id, int64_t from, int64_t to, lend_sys_ledger_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	anycb c;
	int rc = prep(s, to ? ST_LEDGER_LIST_TO : ST_LEDGER_LIST, &st, "ledger_list");

	if (rc != LEND_OK)
		return rc;
	BIND64(1, library_id);
	BIND64(2, from);
	if (to)
		BIND64(3, to);
	if (rc != SQLITE_OK)
		return bind_failed(s, st, "ledger_list", rc);
	c.ledger = cb;
	return iterate(s, st, "ledger_list", T_LEDGER, c, ctx, 0);
}

/* ---------------------------------------------------------------- open */

static void set_err(char *errbuf, size_t errlen, const char *what, const char *msg)
{
	if (errbuf != NULL && errlen > 0)
		snprintf(errbuf, errlen, "%s%s%s", what, *what ? ": " : "", msg);
}

/* The applied schema version: 0 on a database without the meta table. */
static int read_version(sqlite3 *db, int64_t *version)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*version = 0;
	rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'", -1, &st,
	                        NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE) {
			sqlite3_finalize(st);
			return SQLITE_OK;
		}
		if (rc == SQLITE_ROW)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*version = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

static int migrate(sqlite3 *db, char *errbuf, size_t errlen)
{
	char num[64];
	char sql[128];
	int64_t v;
	int i, rc;

	rc = read_version(db, &v);
	if (rc == SQLITE_OK && v == LEND_SQLITE_SCHEMA_VERSION)
		return LEND_OK;
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		set_err(errbuf, errlen, "reading the schema version", sqlite3_errmsg(db));
		return status_of(rc);
	}
	/* Again under the write lock: another engine may have migrated. */
	rc = sqlite3_exec(db, lend_sqlite_meta_sql, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = read_version(db, &v);
	if (rc != SQLITE_OK) {
		set_err(errbuf, errlen, "reading the schema version", sqlite3_errmsg(db));
		goto fail;
	}
	if (v < 0 || v > LEND_SQLITE_SCHEMA_VERSION) {
		snprintf(num, sizeof num, "%lld (this liblend knows up to %d)", (long long)v,
		         LEND_SQLITE_SCHEMA_VERSION);
		set_err(errbuf, errlen, "unsupported database schema version", num);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return LEND_ESTORAGE;
	}
	for (i = (int)v; i < LEND_SQLITE_SCHEMA_VERSION; i++) {
		rc = sqlite3_exec(db, lend_sqlite_migrations[i], NULL, NULL, NULL);
		if (rc == SQLITE_OK) {
			snprintf(sql, sizeof sql,
			         "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', %d)", i + 1);
			rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
		}
		if (rc != SQLITE_OK) {
			snprintf(num, sizeof num, "schema migration %d", i + 1);
			set_err(errbuf, errlen, num, sqlite3_errmsg(db));
			goto fail;
		}
	}
	rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		set_err(errbuf, errlen, "committing the schema", sqlite3_errmsg(db));
		goto fail;
	}
	return LEND_OK;

fail:
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return status_of(rc);
}

LEND_EXTERN int lend_storage_sqlite(lend_storage *out, const char *path, int busy_timeout_ms, char *errbuf,
                                    size_t errlen)
{
	sq *s;
	int rc, status;

	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (out == NULL) {
		set_err(errbuf, errlen, "lend_storage_sqlite", "no storage to fill");
		return LEND_EINVAL;
	}
	memset(out, 0, sizeof *out);
	if (path == NULL) {
		set_err(errbuf, errlen, "lend_storage_sqlite", "no database path");
		return LEND_EINVAL;
	}
	s = calloc(1, sizeof *s);
	if (s == NULL) {
		set_err(errbuf, errlen, "", "out of memory");
		return LEND_ENOMEM;
	}
	/* SQLITE_OPEN_URI: a host may name a "file:" URI, e.g. to choose a VFS
	 * ("file:lend.db?vfs=NAME") or to open read-only ("?mode=ro"). */
	rc = sqlite3_open_v2(path, &s->db,
	                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL);
	if (rc != SQLITE_OK) {
		set_err(errbuf, errlen, path, s->db != NULL ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		status = status_of(rc);
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, busy_timeout_ms > 0 ? busy_timeout_ms : DEFAULT_BUSY_TIMEOUT_MS);
	/* WAL: readers never block the writer. For ":memory:" SQLite keeps its
	 * own mode and answers "memory". synchronous=FULL: an acknowledged
	 * commit survives a power loss. */
	rc = sqlite3_exec(s->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	/* A page cache of up to 64 MiB (SQLite's default is 2 MiB): the search
	 * index's random inserts miss a small one at every row (doc/search.md). */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "PRAGMA cache_size=-65536", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		set_err(errbuf, errlen, path, sqlite3_errmsg(s->db));
		status = status_of(rc);
		goto fail;
	}
	status = migrate(s->db, errbuf, errlen);
	if (status != LEND_OK)
		goto fail;

	out->version = LEND_STORAGE_VERSION;
	out->userdata = s;
	WIRE_CORE_METHODS(out, sq);
	out->note_prune = sq_note_prune; /* optional, not in every backend */
	out->return_rows = sq_return_rows; /* optional too */
	out->settle_due = sq_settle_due;
	out->verdict_rows = sq_verdict_rows;
	sq__desk_methods(out);
	sq__accounts_methods(out);
	sq__shelf_methods(out);
	sq__catalog_methods(out);
	sq__search_methods(out);
	return LEND_OK;

fail:
	sqlite3_close_v2(s->db);
	free(s);
	memset(out, 0, sizeof *out);
	return status;
}
