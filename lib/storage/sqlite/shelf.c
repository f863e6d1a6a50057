/* lib/storage/sqlite/shelf.c — the SQLite tables and methods of the reader's shelf. */
#include <stdarg.h>
#include <string.h>

#include "sq.h"

const char sq__shelf_schema[] =
	"CREATE TABLE shelf_wallet (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"reader_id INTEGER NOT NULL DEFAULT 0,\n"
	"at INTEGER NOT NULL DEFAULT 0,\n"
	"amount INTEGER NOT NULL DEFAULT 0,\n"
	"currency TEXT,\n"
	"kind INTEGER NOT NULL DEFAULT 0,\n"
	"book_id INTEGER NOT NULL DEFAULT 0,\n"
	"key TEXT\n"
	");\n"
	"CREATE INDEX shelf_wallet_reader ON shelf_wallet (reader_id, currency);\n"
	"CREATE UNIQUE INDEX shelf_wallet_key ON shelf_wallet (reader_id, key) WHERE key <> '';\n"

	"CREATE TABLE shelf_purchases (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"reader_id INTEGER NOT NULL DEFAULT 0,\n"
	"book_id INTEGER NOT NULL DEFAULT 0,\n"
	"bought_at INTEGER NOT NULL DEFAULT 0,\n"
	"price INTEGER NOT NULL DEFAULT 0,\n"
	"currency TEXT,\n"
	"wallet_id INTEGER NOT NULL DEFAULT 0,\n"
	"UNIQUE (reader_id, book_id)\n"
	");\n"

	"CREATE TABLE shelf_deferred (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"reader_id INTEGER NOT NULL DEFAULT 0,\n"
	"book_id INTEGER NOT NULL DEFAULT 0,\n"
	"added_at INTEGER NOT NULL DEFAULT 0,\n"
	"UNIQUE (reader_id, book_id)\n"
	");\n"

	"CREATE TABLE shelf_reading (\n"
	"reader_id INTEGER NOT NULL,\n"
	"book_id INTEGER NOT NULL,\n"
	"position INTEGER NOT NULL DEFAULT 0,\n"
	"percent INTEGER NOT NULL DEFAULT 0,\n"
	"pages_read INTEGER NOT NULL DEFAULT 0,\n"
	"opened_at INTEGER NOT NULL DEFAULT 0,\n"
	"device_at INTEGER NOT NULL DEFAULT 0,\n"
	"device TEXT,\n"
	"PRIMARY KEY (reader_id, book_id)\n"
	") WITHOUT ROWID;\n"

	"CREATE TABLE shelf_bookmarks (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"reader_id INTEGER NOT NULL DEFAULT 0,\n"
	"book_id INTEGER NOT NULL DEFAULT 0,\n"
	"position INTEGER NOT NULL DEFAULT 0,\n"
	"note TEXT,\n"
	"created_at INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE INDEX shelf_bookmarks_reader ON shelf_bookmarks (reader_id, book_id, position);\n"

	"CREATE TABLE shelf_offline (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"reader_id INTEGER NOT NULL DEFAULT 0,\n"
	"device TEXT NOT NULL DEFAULT '',\n"
	"book_id INTEGER NOT NULL DEFAULT 0,\n"
	"loan_id INTEGER NOT NULL DEFAULT 0,\n"
	"granted_at INTEGER NOT NULL DEFAULT 0,\n"
	"UNIQUE (reader_id, device, book_id)\n"
	");\n"

	"CREATE TABLE shelf_prefs (\n"
	"reader_id INTEGER PRIMARY KEY,\n"
	"lang TEXT,\n"
	"channel INTEGER NOT NULL DEFAULT 0,\n"
	"email TEXT,\n"
	"phone TEXT,\n"
	"muted INTEGER NOT NULL DEFAULT 0\n"
	");\n"

	"CREATE TABLE shelf_marks (\n"
	"kind INTEGER NOT NULL,\n"
	"subject_id INTEGER NOT NULL,\n"
	"value INTEGER NOT NULL DEFAULT 0,\n"
	"PRIMARY KEY (kind, subject_id)\n"
	") WITHOUT ROWID;\n";

/* ------------------------------------------------------------ helpers */

/* Prepare sql and bind the arguments fmt names in order: 'i' int64_t,
 * 'n' int32_t (as int), 's' text (NULL binds ""). */
static int prep_bind(sq *s, const char *sql, sqlite3_stmt **st, const char *what, const char *fmt, ...)
{
	int rc = sq__prep(s, sql, st, what);
	if (rc != LEND_OK)
		return rc;
	va_list ap;
	va_start(ap, fmt);
	int src = SQLITE_OK;
	for (int i = 0; fmt[i] && src == SQLITE_OK; i++) {
		if (fmt[i] == 'i') {
			src = sqlite3_bind_int64(*st, i + 1, va_arg(ap, int64_t));
		} else if (fmt[i] == 'n') {
			src = sqlite3_bind_int(*st, i + 1, va_arg(ap, int));
		} else {
			const char *t = va_arg(ap, const char *);
			src = sqlite3_bind_text(*st, i + 1, t ? t : "", -1, SQLITE_TRANSIENT);
		}
	}
	va_end(ap);
	if (src != SQLITE_OK) {
		rc = sq__fail(s, what, src);
		sq__done(s, *st);
	}
	return rc;
}

/* Step a bound query: read(st, cb, ctx) turns each row into a struct and
 * calls cb. single: ENOTFOUND when there is no row. */
typedef int (*row_reader)(sqlite3_stmt *st, void *cb, void *ctx);

static int each(sq *s, sqlite3_stmt *st, const char *what, row_reader read, void *cb, void *ctx, int single)
{
	int rc, n = 0, out = LEND_OK;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		int r = read(st, cb, ctx);
		if (r != 0) {
			out = r;
			break;
		}
	}
	if (out == LEND_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		out = sq__fail(s, what, rc);
	sq__done(s, st);
	if (out == LEND_OK && single && n == 0)
		return sq__not_found(s, what);
	return out;
}

#define I(c) sqlite3_column_int64(st, (c))
#define T(c) sq__text(st, (c))

/* ------------------------------------------------------------- wallet */

#define WALLET_COLS "id, reader_id, at, amount, currency, kind, book_id, key"

static int read_wallet(sqlite3_stmt *st, void *cb, void *ctx)
{
	lend_sys_wallet r = {I(0), I(1), I(2), I(3), T(4), (int32_t)I(5), I(6), T(7)};
	return ((lend_sys_wallet_cb)cb)(ctx, &r);
}

static int wallet_insert(void *ud, lend_sys_wallet *row)
{
	static const char sql[] = "INSERT INTO shelf_wallet (reader_id, at, amount, currency, kind, book_id, key) "
	                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "wallet insert", "iiisnis", row->reader_id, row->at, row->amount,
	                   row->currency, (int)row->kind, row->book_id, row->key);
	if (rc == LEND_OK && (rc = sq__run(ud, st, "wallet insert", 0)) == LEND_OK)
		row->id = sqlite3_last_insert_rowid(sq__db(ud));
	return rc;
}

static int wallet_update(void *ud, const lend_sys_wallet *row)
{
	static const char sql[] = "UPDATE shelf_wallet SET reader_id = ?2, at = ?3, amount = ?4, currency = ?5, "
	                          "kind = ?6, book_id = ?7, key = ?8 WHERE id = ?1";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "wallet update", "iiiisnis", row->id, row->reader_id, row->at, row->amount,
	                   row->currency, (int)row->kind, row->book_id, row->key);
	return rc == LEND_OK ? sq__run(ud, st, "wallet update", 1) : rc;
}

static int wallet_find(void *ud, int64_t reader_id, const char *key, lend_sys_wallet_cb cb, void *ctx)
{
	static const char sql[] = "SELECT " WALLET_COLS " FROM shelf_wallet WHERE reader_id = ?1 AND key = ?2 "
	                          "AND key <> ''";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "wallet find", "is", reader_id, key);
	return rc == LEND_OK ? each(ud, st, "wallet find", read_wallet, (void *)cb, ctx, 1) : rc;
}

static int wallet_list(void *ud, int64_t reader_id, lend_sys_wallet_cb cb, void *ctx)
{
	static const char sql[] = "SELECT " WALLET_COLS " FROM shelf_wallet WHERE reader_id = ?1 ORDER BY id";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "wallet list", "i", reader_id);
	return rc == LEND_OK ? each(ud, st, "wallet list", read_wallet, (void *)cb, ctx, 0) : rc;
}

static int wallet_sum(void *ud, int64_t reader_id, const char *currency, int64_t *sum)
{
	static const char sql[] = "SELECT COALESCE(SUM(amount), 0) FROM shelf_wallet WHERE reader_id = ?1 "
	                          "AND currency = ?2";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "wallet sum", "is", reader_id, currency);
	return rc == LEND_OK ? sq__run_count(ud, st, "wallet sum", sum) : rc;
}

static int wallet_readers(void *ud, int (*cb)(void *ctx, int64_t reader_id), void *ctx)
{
	static const char sql[] = "SELECT DISTINCT reader_id FROM shelf_wallet ORDER BY reader_id";
	sqlite3_stmt *st;
	int rc = sq__prep(ud, sql, &st, "wallet readers");
	if (rc != LEND_OK)
		return rc;
	int src, out = LEND_OK;
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		if ((out = cb(ctx, I(0))) != 0)
			break;
	if (out == LEND_OK && src != SQLITE_DONE && src != SQLITE_ROW)
		out = sq__fail(ud, "wallet readers", src);
	sq__done(ud, st);
	return out;
}

/* ---------------------------------------------------------- purchases */

#define PURCHASE_COLS "id, reader_id, book_id, bought_at, price, currency, wallet_id"

static int read_purchase(sqlite3_stmt *st, void *cb, void *ctx)
{
	lend_sys_purchase r = {I(0), I(1), I(2), I(3), I(4), T(5), I(6)};
	return ((lend_sys_purchase_cb)cb)(ctx, &r);
}

static int purchase_insert(void *ud, lend_sys_purchase *row)
{
	static const char sql[] = "INSERT INTO shelf_purchases (reader_id, book_id, bought_at, price, currency, "
	                          "wallet_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "purchase insert", "iiiisi", row->reader_id, row->book_id, row->bought_at,
	                   row->price, row->currency, row->wallet_id);
	if (rc == LEND_OK && (rc = sq__run(ud, st, "purchase insert", 0)) == LEND_OK)
		row->id = sqlite3_last_insert_rowid(sq__db(ud));
	return rc;
}

static int purchase_get(void *ud, int64_t reader_id, int64_t book_id, lend_sys_purchase_cb cb, void *ctx)
{
	static const char sql[] = "SELECT " PURCHASE_COLS " FROM shelf_purchases WHERE reader_id = ?1 AND book_id = ?2";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "purchase get", "ii", reader_id, book_id);
	return rc == LEND_OK ? each(ud, st, "purchase get", read_purchase, (void *)cb, ctx, 1) : rc;
}

static int purchase_list(void *ud, int64_t reader_id, int64_t after_id, int32_t limit, lend_sys_purchase_cb cb,
                         void *ctx)
{
	static const char sql[] = "SELECT " PURCHASE_COLS " FROM shelf_purchases WHERE reader_id = ?1 AND id > ?2 "
	                          "ORDER BY id LIMIT ?3";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "purchase list", "iii", reader_id, after_id, (int64_t)(limit > 0 ? limit : -1));
	return rc == LEND_OK ? each(ud, st, "purchase list", read_purchase, (void *)cb, ctx, 0) : rc;
}

static int purchase_update(void *ud, const lend_sys_purchase *row)
{
	static const char sql[] = "UPDATE shelf_purchases SET reader_id = ?2, book_id = ?3, bought_at = ?4, "
	                          "price = ?5, currency = ?6, wallet_id = ?7 WHERE id = ?1";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "purchase update", "iiiiisi", row->id, row->reader_id, row->book_id,
	                   row->bought_at, row->price, row->currency, row->wallet_id);
	return rc == LEND_OK ? sq__run(ud, st, "purchase update", 1) : rc;
}

/* DELETE by id of one table, named by a static statement. */
static int delete_by_id(sq *s, const char *sql, int64_t id, const char *what)
{
	sqlite3_stmt *st;
	int rc = prep_bind(s, sql, &st, what, "i", id);
	return rc == LEND_OK ? sq__run(s, st, what, 1) : rc;
}

static int purchase_delete(void *ud, int64_t id)
{
	static const char sql[] = "DELETE FROM shelf_purchases WHERE id = ?1";
	return delete_by_id(ud, sql, id, "purchase delete");
}

/* ----------------------------------------------------------- deferred */

static int read_deferred(sqlite3_stmt *st, void *cb, void *ctx)
{
	lend_sys_deferred r = {I(0), I(1), I(2), I(3)};
	return ((lend_sys_deferred_cb)cb)(ctx, &r);
}

static int deferred_insert(void *ud, lend_sys_deferred *row)
{
	static const char sql[] = "INSERT INTO shelf_deferred (reader_id, book_id, added_at) VALUES (?1, ?2, ?3)";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "deferred insert", "iii", row->reader_id, row->book_id, row->added_at);
	if (rc == LEND_OK && (rc = sq__run(ud, st, "deferred insert", 0)) == LEND_OK)
		row->id = sqlite3_last_insert_rowid(sq__db(ud));
	return rc;
}

static int deferred_list(void *ud, int64_t reader_id, int64_t after_id, int32_t limit, lend_sys_deferred_cb cb,
                         void *ctx)
{
	static const char sql[] = "SELECT id, reader_id, book_id, added_at FROM shelf_deferred WHERE reader_id = ?1 "
	                          "AND id > ?2 ORDER BY id LIMIT ?3";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "deferred list", "iii", reader_id, after_id, (int64_t)(limit > 0 ? limit : -1));
	return rc == LEND_OK ? each(ud, st, "deferred list", read_deferred, (void *)cb, ctx, 0) : rc;
}

static int deferred_update(void *ud, const lend_sys_deferred *row)
{
	static const char sql[] = "UPDATE shelf_deferred SET reader_id = ?2, book_id = ?3, added_at = ?4 WHERE id = ?1";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "deferred update", "iiii", row->id, row->reader_id, row->book_id,
	                   row->added_at);
	return rc == LEND_OK ? sq__run(ud, st, "deferred update", 1) : rc;
}

static int deferred_delete(void *ud, int64_t id)
{
	static const char sql[] = "DELETE FROM shelf_deferred WHERE id = ?1";
	return delete_by_id(ud, sql, id, "deferred delete");
}

/* ------------------------------------------------------------ reading */

#define READING_COLS "reader_id, book_id, position, percent, pages_read, opened_at, device_at, device"

static int read_reading(sqlite3_stmt *st, void *cb, void *ctx)
{
	lend_sys_reading r = {I(0), I(1), I(2), (int32_t)I(3), I(4), I(5), I(6), T(7)};
	return ((lend_sys_reading_cb)cb)(ctx, &r);
}

static int reading_get(void *ud, int64_t reader_id, int64_t book_id, lend_sys_reading_cb cb, void *ctx)
{
	static const char sql[] = "SELECT " READING_COLS " FROM shelf_reading WHERE reader_id = ?1 AND book_id = ?2";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "reading get", "ii", reader_id, book_id);
	return rc == LEND_OK ? each(ud, st, "reading get", read_reading, (void *)cb, ctx, 1) : rc;
}

static int reading_put(void *ud, const lend_sys_reading *row)
{
	static const char sql[] = "INSERT OR REPLACE INTO shelf_reading (" READING_COLS ") "
	                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "reading put", "iiiniiis", row->reader_id, row->book_id, row->position,
	                   (int)row->percent, row->pages_read, row->opened_at, row->device_at, row->device);
	return rc == LEND_OK ? sq__run(ud, st, "reading put", 0) : rc;
}

static int reading_list(void *ud, int64_t reader_id, lend_sys_reading_cb cb, void *ctx)
{
	static const char sql[] = "SELECT " READING_COLS " FROM shelf_reading WHERE reader_id = ?1 ORDER BY book_id";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "reading list", "i", reader_id);
	return rc == LEND_OK ? each(ud, st, "reading list", read_reading, (void *)cb, ctx, 0) : rc;
}

static int reading_delete(void *ud, int64_t reader_id, int64_t book_id)
{
	static const char sql[] = "DELETE FROM shelf_reading WHERE reader_id = ?1 AND book_id = ?2";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "reading delete", "ii", reader_id, book_id);
	return rc == LEND_OK ? sq__run(ud, st, "reading delete", 1) : rc;
}

/* ---------------------------------------------------------- bookmarks */

#define BOOKMARK_COLS "id, reader_id, book_id, position, note, created_at"

static int read_bookmark(sqlite3_stmt *st, void *cb, void *ctx)
{
	lend_sys_bookmark r = {I(0), I(1), I(2), I(3), T(4), I(5)};
	return ((lend_sys_bookmark_cb)cb)(ctx, &r);
}

static int bookmark_insert(void *ud, lend_sys_bookmark *row)
{
	static const char sql[] = "INSERT INTO shelf_bookmarks (reader_id, book_id, position, note, created_at) "
	                          "VALUES (?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "bookmark insert", "iiisi", row->reader_id, row->book_id, row->position,
	                   row->note, row->created_at);
	if (rc == LEND_OK && (rc = sq__run(ud, st, "bookmark insert", 0)) == LEND_OK)
		row->id = sqlite3_last_insert_rowid(sq__db(ud));
	return rc;
}

static int bookmark_get(void *ud, int64_t id, lend_sys_bookmark_cb cb, void *ctx)
{
	static const char sql[] = "SELECT " BOOKMARK_COLS " FROM shelf_bookmarks WHERE id = ?1";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "bookmark get", "i", id);
	return rc == LEND_OK ? each(ud, st, "bookmark get", read_bookmark, (void *)cb, ctx, 1) : rc;
}

static int bookmark_list(void *ud, int64_t reader_id, int64_t book_id, lend_sys_bookmark_cb cb, void *ctx)
{
	static const char sql[] = "SELECT " BOOKMARK_COLS " FROM shelf_bookmarks WHERE reader_id = ?1 "
	                          "AND (?2 = 0 OR book_id = ?2) ORDER BY book_id, position, id";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "bookmark list", "ii", reader_id, book_id);
	return rc == LEND_OK ? each(ud, st, "bookmark list", read_bookmark, (void *)cb, ctx, 0) : rc;
}

static int bookmark_update(void *ud, const lend_sys_bookmark *row)
{
	static const char sql[] = "UPDATE shelf_bookmarks SET reader_id = ?2, book_id = ?3, position = ?4, note = ?5, "
	                          "created_at = ?6 WHERE id = ?1";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "bookmark update", "iiiisi", row->id, row->reader_id, row->book_id,
	                   row->position, row->note, row->created_at);
	return rc == LEND_OK ? sq__run(ud, st, "bookmark update", 1) : rc;
}

static int bookmark_delete(void *ud, int64_t id)
{
	static const char sql[] = "DELETE FROM shelf_bookmarks WHERE id = ?1";
	return delete_by_id(ud, sql, id, "bookmark delete");
}

/* ------------------------------------------------------------ offline */

static int read_offline(sqlite3_stmt *st, void *cb, void *ctx)
{
	lend_sys_offline r = {I(0), I(1), T(2), I(3), I(4), I(5)};
	return ((lend_sys_offline_cb)cb)(ctx, &r);
}

static int offline_put(void *ud, lend_sys_offline *row)
{
	static const char sql[] = "INSERT INTO shelf_offline (reader_id, device, book_id, loan_id, granted_at) "
	                          "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (reader_id, device, book_id) DO UPDATE "
	                          "SET loan_id = excluded.loan_id, granted_at = excluded.granted_at RETURNING id";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "offline put", "isiii", row->reader_id, row->device, row->book_id,
	                   row->loan_id, row->granted_at);
	if (rc != LEND_OK)
		return rc;
	return sq__run_count(ud, st, "offline put", &row->id);
}

static int offline_list(void *ud, int64_t reader_id, const char *device, lend_sys_offline_cb cb, void *ctx)
{
	static const char sql[] = "SELECT id, reader_id, device, book_id, loan_id, granted_at FROM shelf_offline "
	                          "WHERE reader_id = ?1 AND (?3 = 0 OR device = ?2) ORDER BY id";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "offline list", "isn", reader_id, device, device ? 1 : 0);
	return rc == LEND_OK ? each(ud, st, "offline list", read_offline, (void *)cb, ctx, 0) : rc;
}

static int offline_delete(void *ud, int64_t id)
{
	static const char sql[] = "DELETE FROM shelf_offline WHERE id = ?1";
	return delete_by_id(ud, sql, id, "offline delete");
}

/* -------------------------------------------------------------- prefs */

static int read_prefs(sqlite3_stmt *st, void *cb, void *ctx)
{
	lend_sys_prefs r = {I(0), T(1), (int32_t)I(2), T(3), T(4), I(5)};
	return ((lend_sys_prefs_cb)cb)(ctx, &r);
}

static int prefs_get(void *ud, int64_t reader_id, lend_sys_prefs_cb cb, void *ctx)
{
	static const char sql[] = "SELECT reader_id, lang, channel, email, phone, muted FROM shelf_prefs "
	                          "WHERE reader_id = ?1";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "prefs get", "i", reader_id);
	return rc == LEND_OK ? each(ud, st, "prefs get", read_prefs, (void *)cb, ctx, 1) : rc;
}

static int prefs_put(void *ud, const lend_sys_prefs *row)
{
	static const char sql[] = "INSERT OR REPLACE INTO shelf_prefs (reader_id, lang, channel, email, phone, muted) "
	                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "prefs put", "isnssi", row->reader_id, row->lang, (int)row->channel,
	                   row->email, row->phone, row->muted);
	return rc == LEND_OK ? sq__run(ud, st, "prefs put", 0) : rc;
}

static int prefs_delete(void *ud, int64_t reader_id)
{
	static const char sql[] = "DELETE FROM shelf_prefs WHERE reader_id = ?1";
	return delete_by_id(ud, sql, reader_id, "prefs delete");
}

/* -------------------------------------------------------------- marks */

static int mark_get(void *ud, int32_t kind, int64_t subject_id, lend_sys_mark *out)
{
	static const char sql[] = "SELECT value FROM shelf_marks WHERE kind = ?1 AND subject_id = ?2";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "mark get", "ni", (int)kind, subject_id);
	if (rc != LEND_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->kind = kind;
		out->subject_id = subject_id;
		out->value = I(0);
		sq__done(ud, st);
		return LEND_OK;
	}
	int out_rc = rc == SQLITE_DONE ? sq__not_found(ud, "mark get") : sq__fail(ud, "mark get", rc);
	sq__done(ud, st);
	return out_rc;
}

static int mark_put(void *ud, const lend_sys_mark *row)
{
	static const char sql[] = "INSERT OR REPLACE INTO shelf_marks (kind, subject_id, value) VALUES (?1, ?2, ?3)";
	sqlite3_stmt *st;
	int rc = prep_bind(ud, sql, &st, "mark put", "nii", (int)row->kind, row->subject_id, row->value);
	return rc == LEND_OK ? sq__run(ud, st, "mark put", 0) : rc;
}

void sq__shelf_methods(lend_storage *out)
{
	out->wallet_insert = wallet_insert;
	out->wallet_update = wallet_update;
	out->wallet_find = wallet_find;
	out->wallet_list = wallet_list;
	out->wallet_sum = wallet_sum;
	out->wallet_readers = wallet_readers;
	out->purchase_insert = purchase_insert;
	out->purchase_get = purchase_get;
	out->purchase_list = purchase_list;
	out->purchase_update = purchase_update;
	out->purchase_delete = purchase_delete;
	out->deferred_insert = deferred_insert;
	out->deferred_list = deferred_list;
	out->deferred_update = deferred_update;
	out->deferred_delete = deferred_delete;
	out->reading_get = reading_get;
	out->reading_put = reading_put;
	out->reading_list = reading_list;
	out->reading_delete = reading_delete;
	out->bookmark_insert = bookmark_insert;
	out->bookmark_get = bookmark_get;
	out->bookmark_list = bookmark_list;
	out->bookmark_update = bookmark_update;
	out->bookmark_delete = bookmark_delete;
	out->offline_put = offline_put;
	out->offline_list = offline_list;
	out->offline_delete = offline_delete;
	out->prefs_get = prefs_get;
	out->prefs_put = prefs_put;
	out->prefs_delete = prefs_delete;
	out->mark_get = mark_get;
	out->mark_put = mark_put;
}
