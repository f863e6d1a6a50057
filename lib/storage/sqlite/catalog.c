/* lib/storage/sqlite/catalog.c — the SQLite tables and methods of the catalog. */
#include "sq.h"

const char sq__catalog_schema[] = "";

void sq__catalog_methods(lend_storage *out)
{
	(void)out;
}
