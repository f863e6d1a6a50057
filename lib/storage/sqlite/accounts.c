/* lib/storage/sqlite/accounts.c — the SQLite tables and methods of accounts and sign-in. */
#include <string.h>

#include "sq.h"

const char sq__accounts_schema[] =
	"CREATE TABLE credentials (\n"
	"ticket_id INTEGER PRIMARY KEY,\n"
	"hash TEXT,\n"
	"updated_at INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE TABLE methods (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"reader_id INTEGER NOT NULL DEFAULT 0,\n"
	"kind INTEGER NOT NULL DEFAULT 0,\n"
	"value TEXT,\n"
	"verified_at INTEGER NOT NULL DEFAULT 0,\n"
	"created_at INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE UNIQUE INDEX methods_verified ON methods (kind, value) WHERE verified_at > 0;\n"
	"CREATE INDEX methods_reader ON methods (reader_id);\n"
	"CREATE TABLE secrets (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"reader_id INTEGER NOT NULL DEFAULT 0,\n"
	"purpose INTEGER NOT NULL DEFAULT 0,\n"
	"method_id INTEGER NOT NULL DEFAULT 0,\n"
	"hash TEXT UNIQUE,\n"
	"created_at INTEGER NOT NULL DEFAULT 0,\n"
	"expires_at INTEGER NOT NULL DEFAULT 0,\n"
	"tries_left INTEGER NOT NULL DEFAULT 0,\n"
	"used_at INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE INDEX secrets_reader ON secrets (reader_id, purpose) WHERE used_at = 0;\n"
	"CREATE TABLE throttle (\n"
	"login_key TEXT PRIMARY KEY NOT NULL,\n"
	"failures INTEGER NOT NULL DEFAULT 0,\n"
	"next_at INTEGER NOT NULL DEFAULT 0,\n"
	"locked_until INTEGER NOT NULL DEFAULT 0,\n"
	"updated_at INTEGER NOT NULL DEFAULT 0\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE sessions (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"reader_id INTEGER NOT NULL DEFAULT 0,\n"
	"origin INTEGER NOT NULL DEFAULT 0,\n"
	"label TEXT,\n"
	"created_at INTEGER NOT NULL DEFAULT 0,\n"
	"revoked_at INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE INDEX sessions_reader ON sessions (reader_id);\n"
	"CREATE TABLE audit (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"at INTEGER NOT NULL DEFAULT 0,\n"
	"event INTEGER NOT NULL DEFAULT 0,\n"
	"reader_id INTEGER NOT NULL DEFAULT 0,\n"
	"actor_id INTEGER NOT NULL DEFAULT 0,\n"
	"detail TEXT\n"
	");\n"
	"CREATE INDEX audit_reader ON audit (reader_id, at);\n"
	"CREATE INDEX audit_at ON audit (at);\n"
	"CREATE TABLE merged (\n"
	"from_reader INTEGER PRIMARY KEY,\n"
	"into_reader INTEGER NOT NULL DEFAULT 0,\n"
	"at INTEGER NOT NULL DEFAULT 0\n"
	");\n";

#define BIND64(st, i, v) sqlite3_bind_int64((st), (i), (v))
#define BINDTXT(st, i, v) sqlite3_bind_text((st), (i), (v) ? (v) : "", -1, SQLITE_STATIC)


/* Walk the rows of a bound query, handing each to each(); single: stop after
 * the first row and give ENOTFOUND when there is none. */
typedef int (*row_fn)(sqlite3_stmt *st, void *cb, void *ctx);

static int walk(sq *s, sqlite3_stmt *st, const char *what, row_fn each, void *cb, void *ctx, int single)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int r = each(st, cb, ctx);
		if (r != 0 || single) {
			sq__done(s, st);
			return r;
		}
	}
	if (rc != SQLITE_DONE) {
		int r = sq__fail(s, what, rc);
		sq__done(s, st);
		return r;
	}
	sq__done(s, st);
	return single ? sq__not_found(s, what) : LEND_OK;
}

/* A write that may collide with a unique key: EEXISTS instead of ESTORAGE. */
static int run_unique(sq *s, sqlite3_stmt *st, const char *what, int need_change)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT) {
		sq__done(s, st);
		return sq__fail_msg(s, what, "a unique key would repeat", LEND_EEXISTS);
	}
	if (rc != SQLITE_DONE) {
		int r = sq__fail(s, what, rc);
		sq__done(s, st);
		return r;
	}
	int changed = sqlite3_changes(sq__db(s));
	sq__done(s, st);
	if (need_change && changed == 0)
		return sq__not_found(s, what);
	return LEND_OK;
}

/* ---------------------------------------------------------- credentials */

static const char CRED_GET[] = "SELECT ticket_id, hash, updated_at FROM credentials WHERE ticket_id = ?1";
static const char CRED_PUT[] = "INSERT OR REPLACE INTO credentials (ticket_id, hash, updated_at) VALUES (?1, ?2, ?3)";

static int sq_cred_get(void *ud, int64_t ticket_id, lend_sys_credential *out, char *hash, size_t hash_size)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, CRED_GET, &st, "cred_get");
	if (rc != LEND_OK)
		return rc;
	if ((rc = sq__bound(s, st, "cred_get", BIND64(st, 1, ticket_id))) != LEND_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		int r = rc == SQLITE_DONE ? sq__not_found(s, "cred_get") : sq__fail(s, "cred_get", rc);
		sq__done(s, st);
		return r;
	}
	const char *h = sq__text(st, 1);
	if (!h || strlen(h) >= hash_size) {
		sq__done(s, st);
		return sq__fail_msg(s, "cred_get", h ? "the stored hash is too long" : "out of memory",
		                    h ? LEND_ESTORAGE : LEND_ENOMEM);
	}
	memset(out, 0, sizeof *out);
	strcpy(hash, h);
	out->ticket_id = sqlite3_column_int64(st, 0);
	out->hash = hash;
	out->updated_at = sqlite3_column_int64(st, 2);
	sq__done(s, st);
	return LEND_OK;
}

static int sq_cred_put(void *ud, const lend_sys_credential *row)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, CRED_PUT, &st, "cred_put");
	if (rc != LEND_OK)
		return rc;
	if ((rc = sq__bound(s, st, "cred_put", BIND64(st, 1, row->ticket_id))) != LEND_OK ||
	    (rc = sq__bound(s, st, "cred_put", BINDTXT(st, 2, row->hash))) != LEND_OK ||
	    (rc = sq__bound(s, st, "cred_put", BIND64(st, 3, row->updated_at))) != LEND_OK)
		return rc;
	return sq__run(s, st, "cred_put", 0);
}

/* -------------------------------------------------------------- methods */

#define METHOD_COLS "reader_id, kind, value, verified_at, created_at"
static const char METHOD_INSERT[] = "INSERT INTO methods (" METHOD_COLS ") VALUES (?2, ?3, ?4, ?5, ?6)";
static const char METHOD_UPDATE[] = "UPDATE methods SET (" METHOD_COLS ") = (?2, ?3, ?4, ?5, ?6) WHERE id = ?1";
static const char METHOD_DELETE[] = "DELETE FROM methods WHERE id = ?1";
static const char METHOD_FIND[] =
	"SELECT id, " METHOD_COLS " FROM methods WHERE kind = ?1 AND value = ?2 AND verified_at > 0";
static const char METHOD_GET[] = "SELECT id, " METHOD_COLS " FROM methods WHERE id = ?1";
static const char METHOD_LIST[] = "SELECT id, " METHOD_COLS " FROM methods WHERE reader_id = ?1 ORDER BY id";

static int bind_method(sq *s, sqlite3_stmt *st, const char *what, const lend_sys_method *r, int with_id)
{
	int rc;
	if ((with_id && (rc = sq__bound(s, st, what, BIND64(st, 1, r->id))) != LEND_OK) ||
	    (rc = sq__bound(s, st, what, BIND64(st, 2, r->reader_id))) != LEND_OK ||
	    (rc = sq__bound(s, st, what, BIND64(st, 3, r->kind))) != LEND_OK ||
	    (rc = sq__bound(s, st, what, BINDTXT(st, 4, r->value))) != LEND_OK ||
	    (rc = sq__bound(s, st, what, BIND64(st, 5, r->verified_at))) != LEND_OK ||
	    (rc = sq__bound(s, st, what, BIND64(st, 6, r->created_at))) != LEND_OK)
		return rc;
	return LEND_OK;
}

static int method_row(sqlite3_stmt *st, void *cb, void *ctx)
{
	lend_sys_method r;
	memset(&r, 0, sizeof r);
	r.id = sqlite3_column_int64(st, 0);
	r.reader_id = sqlite3_column_int64(st, 1);
	r.kind = sqlite3_column_int(st, 2);
	r.value = sq__text(st, 3);
	r.verified_at = sqlite3_column_int64(st, 4);
	r.created_at = sqlite3_column_int64(st, 5);
	if (!r.value)
		return LEND_ENOMEM;
	return ((lend_sys_method_cb)cb)(ctx, &r);
}

static int sq_method_insert(void *ud, lend_sys_method *row)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, METHOD_INSERT, &st, "method_insert");
	if (rc == LEND_OK && (rc = bind_method(s, st, "method_insert", row, 0)) == LEND_OK &&
	    (rc = run_unique(s, st, "method_insert", 0)) == LEND_OK)
		row->id = sqlite3_last_insert_rowid(sq__db(s));
	return rc;
}

static int sq_method_update(void *ud, const lend_sys_method *row)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, METHOD_UPDATE, &st, "method_update");
	if (rc == LEND_OK && (rc = bind_method(s, st, "method_update", row, 1)) == LEND_OK)
		rc = run_unique(s, st, "method_update", 1);
	return rc;
}

/* A statement keyed by one integer: a delete, a get or a list. */
static int by_id(sq *s, const char *sql, const char *what, int64_t id, sqlite3_stmt **st)
{
	int rc = sq__prep(s, sql, st, what);
	if (rc == LEND_OK)
		rc = sq__bound(s, *st, what, BIND64(*st, 1, id));
	return rc;
}

static int sq_method_delete(void *ud, int64_t id)
{
	sqlite3_stmt *st;
	int rc = by_id(ud, METHOD_DELETE, "method_delete", id, &st);
	return rc == LEND_OK ? sq__run(ud, st, "method_delete", 1) : rc;
}

static int sq_method_find(void *ud, int32_t kind, const char *value, lend_sys_method_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = by_id(s, METHOD_FIND, "method_find", kind, &st);
	if (rc == LEND_OK && (rc = sq__bound(s, st, "method_find", BINDTXT(st, 2, value))) == LEND_OK)
		rc = walk(s, st, "method_find", method_row, (void *)cb, ctx, 1);
	return rc;
}

static int sq_method_list(void *ud, int64_t reader_id, lend_sys_method_cb cb, void *ctx)
{
	sqlite3_stmt *st;
	int rc = by_id(ud, METHOD_LIST, "method_list", reader_id, &st);
	return rc == LEND_OK ? walk(ud, st, "method_list", method_row, (void *)cb, ctx, 0) : rc;
}

static int sq_method_get(void *ud, int64_t id, lend_sys_method_cb cb, void *ctx)
{
	sqlite3_stmt *st;
	int rc = by_id(ud, METHOD_GET, "method_get", id, &st);
	return rc == LEND_OK ? walk(ud, st, "method_get", method_row, (void *)cb, ctx, 1) : rc;
}

/* -------------------------------------------------------------- secrets */

#define SECRET_COLS "reader_id, purpose, method_id, hash, created_at, expires_at, tries_left, used_at"
static const char SECRET_INSERT[] = "INSERT INTO secrets (" SECRET_COLS ") VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char SECRET_UPDATE[] =
	"UPDATE secrets SET (" SECRET_COLS ") = (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) WHERE id = ?1";
static const char SECRET_FIND[] = "SELECT id, " SECRET_COLS " FROM secrets WHERE hash = ?1";
static const char SECRET_LIST[] = "SELECT id, " SECRET_COLS " FROM secrets WHERE reader_id = ?1 AND used_at = 0 "
                                  "AND (?2 = 0 OR purpose = ?2) ORDER BY id DESC";

static int bind_secret(sq *s, sqlite3_stmt *st, const char *what, const lend_sys_secret *r, int with_id)
{
	int rc;
	if ((with_id && (rc = sq__bound(s, st, what, BIND64(st, 1, r->id))) != LEND_OK) ||
	    (rc = sq__bound(s, st, what, BIND64(st, 2, r->reader_id))) != LEND_OK ||
	    (rc = sq__bound(s, st, what, BIND64(st, 3, r->purpose))) != LEND_OK ||
	    (rc = sq__bound(s, st, what, BIND64(st, 4, r->method_id))) != LEND_OK ||
	    (rc = sq__bound(s, st, what, BINDTXT(st, 5, r->hash))) != LEND_OK ||
	    (rc = sq__bound(s, st, what, BIND64(st, 6, r->created_at))) != LEND_OK ||
	    (rc = sq__bound(s, st, what, BIND64(st, 7, r->expires_at))) != LEND_OK ||
	    (rc = sq__bound(s, st, what, BIND64(st, 8, r->tries_left))) != LEND_OK ||
	    (rc = sq__bound(s, st, what, BIND64(st, 9, r->used_at))) != LEND_OK)
		return rc;
	return LEND_OK;
}

static int secret_row(sqlite3_stmt *st, void *cb, void *ctx)
{
	lend_sys_secret r;
	memset(&r, 0, sizeof r);
	r.id = sqlite3_column_int64(st, 0);
	r.reader_id = sqlite3_column_int64(st, 1);
	r.purpose = sqlite3_column_int(st, 2);
	r.method_id = sqlite3_column_int64(st, 3);
	r.hash = sq__text(st, 4);
	r.created_at = sqlite3_column_int64(st, 5);
	r.expires_at = sqlite3_column_int64(st, 6);
	r.tries_left = sqlite3_column_int(st, 7);
	r.used_at = sqlite3_column_int64(st, 8);
	if (!r.hash)
		return LEND_ENOMEM;
	return ((lend_sys_secret_cb)cb)(ctx, &r);
}

static int sq_secret_insert(void *ud, lend_sys_secret *row)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, SECRET_INSERT, &st, "secret_insert");
	if (rc == LEND_OK && (rc = bind_secret(s, st, "secret_insert", row, 0)) == LEND_OK &&
	    (rc = run_unique(s, st, "secret_insert", 0)) == LEND_OK)
		row->id = sqlite3_last_insert_rowid(sq__db(s));
	return rc;
}

static int sq_secret_update(void *ud, const lend_sys_secret *row)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, SECRET_UPDATE, &st, "secret_update");
	if (rc == LEND_OK && (rc = bind_secret(s, st, "secret_update", row, 1)) == LEND_OK)
		rc = run_unique(s, st, "secret_update", 1);
	return rc;
}

static int sq_secret_find(void *ud, const char *hash, lend_sys_secret_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, SECRET_FIND, &st, "secret_find");
	if (rc == LEND_OK && (rc = sq__bound(s, st, "secret_find", BINDTXT(st, 1, hash))) == LEND_OK)
		rc = walk(s, st, "secret_find", secret_row, (void *)cb, ctx, 1);
	return rc;
}

static int sq_secret_list(void *ud, int64_t reader_id, int32_t purpose, lend_sys_secret_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = by_id(s, SECRET_LIST, "secret_list", reader_id, &st);
	if (rc == LEND_OK && (rc = sq__bound(s, st, "secret_list", BIND64(st, 2, purpose))) == LEND_OK)
		rc = walk(s, st, "secret_list", secret_row, (void *)cb, ctx, 0);
	return rc;
}

/* ------------------------------------------------------------- throttle */

static const char THROTTLE_GET[] =
	"SELECT failures, next_at, locked_until, updated_at FROM throttle WHERE login_key = ?1";
static const char THROTTLE_PUT[] = "INSERT OR REPLACE INTO throttle (login_key, failures, next_at, locked_until, "
                                   "updated_at) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char THROTTLE_DELETE[] = "DELETE FROM throttle WHERE login_key = ?1";

static int sq_throttle_get(void *ud, const char *login_key, lend_sys_throttle *out)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, THROTTLE_GET, &st, "throttle_get");
	if (rc != LEND_OK || (rc = sq__bound(s, st, "throttle_get", BINDTXT(st, 1, login_key))) != LEND_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		int r = rc == SQLITE_DONE ? sq__not_found(s, "throttle_get") : sq__fail(s, "throttle_get", rc);
		sq__done(s, st);
		return r;
	}
	memset(out, 0, sizeof *out);
	out->failures = sqlite3_column_int(st, 0);
	out->next_at = sqlite3_column_int64(st, 1);
	out->locked_until = sqlite3_column_int64(st, 2);
	out->updated_at = sqlite3_column_int64(st, 3);
	sq__done(s, st);
	return LEND_OK;
}

static int sq_throttle_put(void *ud, const lend_sys_throttle *row)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, THROTTLE_PUT, &st, "throttle_put");
	if (rc != LEND_OK)
		return rc;
	if ((rc = sq__bound(s, st, "throttle_put", BINDTXT(st, 1, row->login_key))) != LEND_OK ||
	    (rc = sq__bound(s, st, "throttle_put", BIND64(st, 2, row->failures))) != LEND_OK ||
	    (rc = sq__bound(s, st, "throttle_put", BIND64(st, 3, row->next_at))) != LEND_OK ||
	    (rc = sq__bound(s, st, "throttle_put", BIND64(st, 4, row->locked_until))) != LEND_OK ||
	    (rc = sq__bound(s, st, "throttle_put", BIND64(st, 5, row->updated_at))) != LEND_OK)
		return rc;
	return sq__run(s, st, "throttle_put", 0);
}

static int sq_throttle_delete(void *ud, const char *login_key)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, THROTTLE_DELETE, &st, "throttle_delete");
	if (rc == LEND_OK && (rc = sq__bound(s, st, "throttle_delete", BINDTXT(st, 1, login_key))) == LEND_OK)
		rc = sq__run(s, st, "throttle_delete", 0);
	return rc;
}

/* ------------------------------------------------------------- sessions */

#define SESSION_COLS "reader_id, origin, label, created_at, revoked_at"
static const char SESSION_INSERT[] = "INSERT INTO sessions (" SESSION_COLS ") VALUES (?2, ?3, ?4, ?5, ?6)";
static const char SESSION_UPDATE[] = "UPDATE sessions SET (" SESSION_COLS ") = (?2, ?3, ?4, ?5, ?6) WHERE id = ?1";
static const char SESSION_GET[] = "SELECT id, " SESSION_COLS " FROM sessions WHERE id = ?1";
static const char SESSION_LIST[] = "SELECT id, " SESSION_COLS " FROM sessions WHERE reader_id = ?1 ORDER BY id";

static int bind_session(sq *s, sqlite3_stmt *st, const char *what, const lend_sys_session *r, int with_id)
{
	int rc;
	if ((with_id && (rc = sq__bound(s, st, what, BIND64(st, 1, r->id))) != LEND_OK) ||
	    (rc = sq__bound(s, st, what, BIND64(st, 2, r->reader_id))) != LEND_OK ||
	    (rc = sq__bound(s, st, what, BIND64(st, 3, r->origin))) != LEND_OK ||
	    (rc = sq__bound(s, st, what, BINDTXT(st, 4, r->label))) != LEND_OK ||
	    (rc = sq__bound(s, st, what, BIND64(st, 5, r->created_at))) != LEND_OK ||
	    (rc = sq__bound(s, st, what, BIND64(st, 6, r->revoked_at))) != LEND_OK)
		return rc;
	return LEND_OK;
}

static int session_row(sqlite3_stmt *st, void *cb, void *ctx)
{
	lend_sys_session r;
	memset(&r, 0, sizeof r);
	r.id = sqlite3_column_int64(st, 0);
	r.reader_id = sqlite3_column_int64(st, 1);
	r.origin = sqlite3_column_int(st, 2);
	r.label = sq__text(st, 3);
	r.created_at = sqlite3_column_int64(st, 4);
	r.revoked_at = sqlite3_column_int64(st, 5);
	if (!r.label)
		return LEND_ENOMEM;
	return ((lend_sys_session_cb)cb)(ctx, &r);
}

static int sq_session_insert(void *ud, lend_sys_session *row)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, SESSION_INSERT, &st, "session_insert");
	if (rc == LEND_OK && (rc = bind_session(s, st, "session_insert", row, 0)) == LEND_OK &&
	    (rc = sq__run(s, st, "session_insert", 0)) == LEND_OK)
		row->id = sqlite3_last_insert_rowid(sq__db(s));
	return rc;
}

static int sq_session_update(void *ud, const lend_sys_session *row)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, SESSION_UPDATE, &st, "session_update");
	if (rc == LEND_OK && (rc = bind_session(s, st, "session_update", row, 1)) == LEND_OK)
		rc = sq__run(s, st, "session_update", 1);
	return rc;
}

static int sq_session_get(void *ud, int64_t id, lend_sys_session_cb cb, void *ctx)
{
	sqlite3_stmt *st;
	int rc = by_id(ud, SESSION_GET, "session_get", id, &st);
	return rc == LEND_OK ? walk(ud, st, "session_get", session_row, (void *)cb, ctx, 1) : rc;
}

static int sq_session_list(void *ud, int64_t reader_id, lend_sys_session_cb cb, void *ctx)
{
	sqlite3_stmt *st;
	int rc = by_id(ud, SESSION_LIST, "session_list", reader_id, &st);
	return rc == LEND_OK ? walk(ud, st, "session_list", session_row, (void *)cb, ctx, 0) : rc;
}

/* ---------------------------------------------------------------- audit */

static const char AUDIT_INSERT[] =
	"INSERT INTO audit (at, event, reader_id, actor_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char AUDIT_LIST[] = "SELECT id, at, event, reader_id, actor_id, detail FROM audit "
                                 "WHERE (?1 = 0 OR reader_id = ?1) AND at >= ?2 AND (?3 = 0 OR at < ?3) ORDER BY id";

static int audit_row(sqlite3_stmt *st, void *cb, void *ctx)
{
	lend_sys_audit r;
	memset(&r, 0, sizeof r);
	r.id = sqlite3_column_int64(st, 0);
	r.at = sqlite3_column_int64(st, 1);
	r.event = sqlite3_column_int(st, 2);
	r.reader_id = sqlite3_column_int64(st, 3);
	r.actor_id = sqlite3_column_int64(st, 4);
	r.detail = sq__text(st, 5);
	if (!r.detail)
		return LEND_ENOMEM;
	return ((lend_sys_audit_cb)cb)(ctx, &r);
}

static int sq_audit_insert(void *ud, lend_sys_audit *row)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, AUDIT_INSERT, &st, "audit_insert");
	if (rc != LEND_OK)
		return rc;
	if ((rc = sq__bound(s, st, "audit_insert", BIND64(st, 1, row->at))) != LEND_OK ||
	    (rc = sq__bound(s, st, "audit_insert", BIND64(st, 2, row->event))) != LEND_OK ||
	    (rc = sq__bound(s, st, "audit_insert", BIND64(st, 3, row->reader_id))) != LEND_OK ||
	    (rc = sq__bound(s, st, "audit_insert", BIND64(st, 4, row->actor_id))) != LEND_OK ||
	    (rc = sq__bound(s, st, "audit_insert", BINDTXT(st, 5, row->detail))) != LEND_OK)
		return rc;
	rc = sq__run(s, st, "audit_insert", 0);
	if (rc == LEND_OK)
		row->id = sqlite3_last_insert_rowid(sq__db(s));
	return rc;
}

static int sq_audit_list(void *ud, int64_t reader_id, int64_t from, int64_t to, lend_sys_audit_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = by_id(s, AUDIT_LIST, "audit_list", reader_id, &st);
	if (rc == LEND_OK && (rc = sq__bound(s, st, "audit_list", BIND64(st, 2, from))) == LEND_OK &&
	    (rc = sq__bound(s, st, "audit_list", BIND64(st, 3, to))) == LEND_OK)
		rc = walk(s, st, "audit_list", audit_row, (void *)cb, ctx, 0);
	return rc;
}

static const char AUDIT_PRUNE[] =
	"DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < ?1 ORDER BY id LIMIT ?2)";

static const char SESSION_PRUNE[] =
	"DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE (revoked_at > 0 AND revoked_at < ?1) OR "
	"created_at < ?2 ORDER BY id LIMIT ?3)";

/* Run a batch delete over int parameters v[0..n) and say how many went. */
static int prune(sq *s, const char *sql, const int64_t *v, int n, const char *what, int64_t *pruned)
{
	sqlite3_stmt *st;
	*pruned = 0;
	int rc = sq__prep(s, sql, &st, what);
	for (int i = 0; rc == LEND_OK && i < n; i++)
		rc = sq__bound(s, st, what, BIND64(st, i + 1, v[i]));
	if (rc == LEND_OK && (rc = sq__run(s, st, what, 0)) == LEND_OK)
		*pruned = sqlite3_changes(sq__db(s));
	return rc;
}

static int sq_audit_prune(void *ud, int64_t before, int32_t limit, int64_t *pruned)
{
	return prune(ud, AUDIT_PRUNE, (const int64_t[]){before, limit}, 2, "audit_prune", pruned);
}

static int sq_session_prune(void *ud, int64_t before, int64_t started_before, int32_t limit, int64_t *pruned)
{
	return prune(ud, SESSION_PRUNE, (const int64_t[]){before, started_before, limit}, 3, "session_prune", pruned);
}

/* ---------------------------------------------------------------- merge */

static const char *const MOVE_SQL[] = {
	"UPDATE methods SET reader_id = ?2 WHERE reader_id = ?1",
	"UPDATE secrets SET reader_id = ?2 WHERE reader_id = ?1",
	"UPDATE sessions SET reader_id = ?2 WHERE reader_id = ?1",
	"UPDATE audit SET reader_id = ?2 WHERE reader_id = ?1",
};
static const char MERGED_INSERT[] = "INSERT INTO merged (from_reader, into_reader, at) VALUES (?1, ?2, ?3)";
static const char MERGED_FOLLOW[] = "UPDATE merged SET into_reader = ?2 WHERE into_reader = ?1";
static const char MERGED_LIST[] = "SELECT from_reader, into_reader FROM merged ORDER BY from_reader";

static int sq_accounts_move(void *ud, int64_t from, int64_t to, int64_t at)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = LEND_OK;
	for (size_t i = 0; rc == LEND_OK && i < sizeof MOVE_SQL / sizeof MOVE_SQL[0]; i++)
		if ((rc = by_id(s, MOVE_SQL[i], "accounts_move", from, &st)) == LEND_OK &&
		    (rc = sq__bound(s, st, "accounts_move", BIND64(st, 2, to))) == LEND_OK)
			rc = sq__run(s, st, "accounts_move", 0);
	if (rc == LEND_OK && (rc = by_id(s, MERGED_FOLLOW, "accounts_move", from, &st)) == LEND_OK &&
	    (rc = sq__bound(s, st, "accounts_move", BIND64(st, 2, to))) == LEND_OK)
		rc = sq__run(s, st, "accounts_move", 0);
	if (rc == LEND_OK && (rc = by_id(s, MERGED_INSERT, "accounts_move", from, &st)) == LEND_OK &&
	    (rc = sq__bound(s, st, "accounts_move", BIND64(st, 2, to))) == LEND_OK &&
	    (rc = sq__bound(s, st, "accounts_move", BIND64(st, 3, at))) == LEND_OK)
		rc = run_unique(s, st, "accounts_move", 0);
	return rc;
}

typedef int (*merged_cb)(void *ctx, int64_t from, int64_t into);

static int merged_row(sqlite3_stmt *st, void *cb, void *ctx)
{
	return ((merged_cb)cb)(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
}

static int sq_merged_list(void *ud, merged_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	int rc = sq__prep(s, MERGED_LIST, &st, "merged_list");
	return rc == LEND_OK ? walk(s, st, "merged_list", merged_row, (void *)cb, ctx, 0) : rc;
}

void sq__accounts_methods(lend_storage *out)
{
	out->cred_get = sq_cred_get;
	out->cred_put = sq_cred_put;
	out->method_insert = sq_method_insert;
	out->method_update = sq_method_update;
	out->method_delete = sq_method_delete;
	out->method_find = sq_method_find;
	out->method_list = sq_method_list;
	out->method_get = sq_method_get;
	out->secret_insert = sq_secret_insert;
	out->secret_update = sq_secret_update;
	out->secret_find = sq_secret_find;
	out->secret_list = sq_secret_list;
	out->throttle_get = sq_throttle_get;
	out->throttle_put = sq_throttle_put;
	out->throttle_delete = sq_throttle_delete;
	out->session_insert = sq_session_insert;
	out->session_update = sq_session_update;
	out->session_get = sq_session_get;
	out->session_list = sq_session_list;
	out->audit_insert = sq_audit_insert;
	out->audit_list = sq_audit_list;
	out->accounts_move = sq_accounts_move;
	out->merged_list = sq_merged_list;
	out->audit_prune = sq_audit_prune; /* optional, not in every backend */
	out->session_prune = sq_session_prune;
}
