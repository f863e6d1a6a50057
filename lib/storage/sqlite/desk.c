/* lib/storage/sqlite/desk.c — the SQLite tables and methods of the librarian's desk. */
#include "sq.h"

const char sq__desk_schema[] = "";

void sq__desk_methods(lend_storage *out)
{
	(void)out;
}
