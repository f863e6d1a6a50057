/* lib/storage/postgres/desk.c — the PostgreSQL tables and methods of the librarian's desk. */
#include "pg.h"

const char pg__desk_schema[] = "";

void pg__desk_methods(lend_storage *out)
{
	(void)out;
}
