/* lend/sys/postgres.h — the built-in PostgreSQL storage backend.
 *
 * The same engine on a PostgreSQL server (version 12 or later), for
 * deployments that outgrow one SQLite file: several hosts on several
 * machines share one store. lend_engine_open() takes a connection URI
 * ("postgresql://..." or "postgres://...") as its path and uses this
 * backend; a host that wraps the backend (a cache, a logger, a fault
 * injector) gets it from lend_storage_postgres().
 *
 * The store is the connection's current schema (the first schema of
 * search_path that exists, e.g. "?options=-csearch_path%3Dlending" in the
 * URI): the backend creates and migrates its tables there at open. Writers
 * are serialized per store by a transaction-level advisory lock, taken
 * before anything is read; waiting for it is bounded by lock_timeout (the
 * engine's busy timeout, 5 s by default, unless the connection sets its own)
 * and then fails with LEND_EBUSY. A lost connection fails the call with
 * LEND_ESTORAGE, the operation undone; the next call reconnects.
 * See doc/scaling.md.
 */
#ifndef LEND_SYS_POSTGRES_H
#define LEND_SYS_POSTGRES_H

#include "storage.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Connect to the server of conninfo (a libpq connection string: URI or
 * "key=value" list), create or migrate the schema, and fill *out with the
 * backend (its free() closes the connection). On failure *out is zeroed
 * and, if errbuf is not NULL, the reason is written there (at most errlen
 * bytes, NUL-ended): LEND_EINVAL for bad arguments, LEND_ESTORAGE when the
 * server cannot be reached or the schema is of a newer liblend, LEND_EBUSY
 * when another host held the store past the timeout; and LEND_ESTORAGE
 * with the reason "built without PostgreSQL support" when this liblend was
 * built without libpq. */
LEND_EXTERN int lend_storage_postgres(lend_storage *out, const char *conninfo, char *errbuf, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* LEND_SYS_POSTGRES_H */
