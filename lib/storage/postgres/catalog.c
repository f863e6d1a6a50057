/* lib/storage/postgres/catalog.c — the PostgreSQL tables and methods of the catalog. */
#include "pg.h"

const char pg__catalog_schema[] = "";

void pg__catalog_methods(lend_storage *out)
{
	(void)out;
}
