/* lib/storage/postgres/search.c — the PostgreSQL tables and methods of search. */
#include "pg.h"

const char pg__search_schema[] = "";

void pg__search_methods(lend_storage *out)
{
	(void)out;
}
