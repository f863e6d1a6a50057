/* lib/storage/sqlite/sq.h — what the files of the SQLite backend share.
 *
 * sqlite.c holds the connection, the transactions and the core tables; each
 * area of the engine (the librarian's desk, accounts, the shelf, the catalog)
 * keeps its tables' SQL and its methods in a file of its own, built on these
 * helpers, and wires its methods into the vtable with sq__<area>_methods().
 *
 * Statements: sq__prep() prepares a statement once and caches it under the
 * address of its SQL text, so pass a static const string. Every statement
 * must be finished with sq__done() (sq__run and sq__run_count call it
 * themselves) on every path, so no read is left pending.
 */
#ifndef LEND_STORAGE_SQLITE_SQ_H
#define LEND_STORAGE_SQLITE_SQ_H

#include <sqlite3.h>

#include "lend/sys/storage.h"

typedef struct sq sq;

sqlite3 *sq__db(sq *s);
/* A cached statement for sql (a static string); a temporary one when the
 * cached one is still stepping (a nested call from a callback). */
int sq__prep(sq *s, const char *sql, sqlite3_stmt **out, const char *what);
/* Reset (or finalize, if temporary) a statement after use. */
void sq__done(sq *s, sqlite3_stmt *st);
/* Record a failure: SQLite's message for rc, or msg with a status. Each
 * returns the lend status to pass on. */
int sq__fail(sq *s, const char *what, int rc);
int sq__fail_msg(sq *s, const char *what, const char *msg, int status);
int sq__not_found(sq *s, const char *what);
/* Run a bound write; need_change: ENOTFOUND when it matched no row. */
int sq__run(sq *s, sqlite3_stmt *st, const char *what, int need_change);
/* The outcome of binding (SQLITE_OK, or SQLite's code): LEND_OK, or the
 * failure recorded and the statement finished. */
int sq__bound(sq *s, sqlite3_stmt *st, const char *what, int rc);
/* Run a bound single-value query into *value. */
int sq__run_count(sq *s, sqlite3_stmt *st, const char *what, int64_t *value);
/* A column's text, "" for NULL (NULL only when out of memory). */
const char *sq__text(sqlite3_stmt *st, int col);

/* The areas: each defines its methods and its schema (one migration, applied
 * in this order after the core's; "" when the area has no tables yet). */
void sq__desk_methods(lend_storage *out);
extern const char sq__desk_schema[];
void sq__accounts_methods(lend_storage *out);
extern const char sq__accounts_schema[];
void sq__shelf_methods(lend_storage *out);
extern const char sq__shelf_schema[];
void sq__catalog_methods(lend_storage *out);
extern const char sq__catalog_schema[];
void sq__search_methods(lend_storage *out);
extern const char sq__search_schema[];
extern const char sq__search_prefix_migration[];

#endif
