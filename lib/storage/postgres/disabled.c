/* lib/storage/postgres/disabled.c — the PostgreSQL backend of a liblend
 * built without libpq: the same functions, refusing with the reason, so
 * that the ABI does not depend on build options. */
#include <stdio.h>
#include <string.h>

#include "lend/sys/postgres.h"
#include "open.h"

int lend__storage_postgres_open(lend_storage *out, const char *conninfo, int busy_timeout_ms, char *errbuf,
                                size_t errlen)
{
	(void)conninfo;
	(void)busy_timeout_ms;
	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (errbuf != NULL && errlen > 0)
		snprintf(errbuf, errlen, "built without PostgreSQL support (libpq was not found at build time)");
	return out == NULL ? LEND_EINVAL : LEND_ESTORAGE;
}

LEND_EXTERN int lend_storage_postgres(lend_storage *out, const char *conninfo, char *errbuf, size_t errlen)
{
	return lend__storage_postgres_open(out, conninfo, 0, errbuf, errlen);
}
