/* lib/storage/sqlite/shelf.c — the SQLite tables and methods of the reader's shelf. */
#include "sq.h"

const char sq__shelf_schema[] = "";

void sq__shelf_methods(lend_storage *out)
{
	(void)out;
}
