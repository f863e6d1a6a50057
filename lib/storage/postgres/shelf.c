/* lib/storage/postgres/shelf.c — the PostgreSQL tables and methods of the reader's shelf. */
#include "pg.h"

const char pg__shelf_schema[] = "";

void pg__shelf_methods(lend_storage *out)
{
	(void)out;
}
