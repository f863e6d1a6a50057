/* lib/storage/sqlite/search.c — the SQLite index behind search (FTS5). */
#include "sq.h"

const char sq__search_schema[] = "";

void sq__search_methods(lend_storage *out)
{
	(void)out;
}
