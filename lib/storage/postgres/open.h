/* lib/storage/postgres/open.h — opening the PostgreSQL backend with the
 * engine's busy timeout (lend_engine_open); <= 0 means the default. */
#ifndef LEND_STORAGE_POSTGRES_OPEN_H
#define LEND_STORAGE_POSTGRES_OPEN_H

#include <stddef.h>

#include "lend/sys/storage.h"

int lend__storage_postgres_open(lend_storage *out, const char *conninfo, int busy_timeout_ms, char *errbuf,
                                size_t errlen);

#endif
