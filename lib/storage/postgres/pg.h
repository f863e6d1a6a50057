/* lib/storage/postgres/pg.h — what the files of the PostgreSQL backend share.
 *
 * postgres.c holds the connection, the transactions and the core tables;
 * each area of the engine (the librarian's desk, accounts, the shelf, the
 * catalog, search) keeps its tables' SQL and its methods in a file of its
 * own, built on these helpers, and wires its methods into the vtable with
 * pg__<area>_methods().
 *
 * Statements: every query is a prepared statement. pg__exec() prepares its
 * SQL once per connection (named after the address of the text, so pass a
 * static const string) and runs it with text parameters. Results are read
 * whole before any callback runs, so a callback may call back into the
 * backend.
 */
#ifndef LEND_STORAGE_POSTGRES_PG_H
#define LEND_STORAGE_POSTGRES_PG_H

#include <stdint.h>

#include <libpq-fe.h>

#include "lend/sys/storage.h"

typedef struct pg pg;

/* Text parameters of one statement. */
#define PG_MAX_PARAMS 32
typedef struct pg_params {
	int n;
	const char *v[PG_MAX_PARAMS];
	char buf[PG_MAX_PARAMS][24];
} pg_params;

void pg__param_i64(pg_params *p, int64_t v);
void pg__param_str(pg_params *p, const char *s); /* NULL binds NULL */
void pg__param_null(pg_params *p);

/* Run the statement sql (a static string) with the parameters. On LEND_OK
 * *out holds the result (PQclear it). On failure the message is recorded
 * and the lend status returned. */
int pg__exec(pg *s, const char *sql, const pg_params *params, const char *what, PGresult **out);
/* Run a write; need_change: ENOTFOUND when it matched no row; if_none: the
 * status when it matched no row and need_change is 0 (LEND_OK or, for an
 * INSERT ... ON CONFLICT DO NOTHING, LEND_EEXISTS). */
int pg__run(pg *s, const char *sql, const pg_params *params, const char *what, int need_change);
/* Run a single-value query into *value. */
int pg__run_count(pg *s, const char *sql, const pg_params *params, const char *what, int64_t *value);
/* Run a query and hand row i of its result to read(r, i, cb, ctx) until one
 * returns non-zero (that value is returned); single: a get, the first row
 * only and ENOTFOUND without one. */
typedef int (*pg_row_fn)(const PGresult *r, int i, void *cb, void *ctx);
int pg__each(pg *s, const char *sql, const pg_params *params, const char *what, pg_row_fn read, void *cb, void *ctx,
             int single);
/* Run an INSERT ... [ON CONFLICT DO NOTHING] RETURNING id into *id; no row
 * back is LEND_EEXISTS (a unique key would repeat). */
int pg__insert_id(pg *s, const char *sql, const pg_params *params, const char *what, int64_t *id);
/* A string parameter, NULL written as "" (as the SQLite backend does). */
void pg__param_text(pg_params *p, const char *s);
/* A limit parameter: NULL (no limit) for 0 or less. */
void pg__param_limit(pg_params *p, int32_t limit);
int pg__fail_msg(pg *s, const char *what, const char *msg, int status);
int pg__not_found(pg *s, const char *what);
int64_t pg__i64(const PGresult *r, int row, int col);
/* A column's text, "" for NULL. */
const char *pg__text(const PGresult *r, int row, int col);

/* The areas: each defines its methods and its schema (one migration,
 * applied in this order after the core's; "" when the area has no tables
 * yet). */
void pg__desk_methods(lend_storage *out);
extern const char pg__desk_schema[];
void pg__accounts_methods(lend_storage *out);
extern const char pg__accounts_schema[];
void pg__shelf_methods(lend_storage *out);
extern const char pg__shelf_schema[];
void pg__catalog_methods(lend_storage *out);
extern const char pg__catalog_schema[];
void pg__search_methods(lend_storage *out);
extern const char pg__search_schema[];

#endif
