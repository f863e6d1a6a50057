/* lib/storage/sqlite/accounts.c — the SQLite tables and methods of accounts and sign-in. */
#include "sq.h"

const char sq__accounts_schema[] = "";

void sq__accounts_methods(lend_storage *out)
{
	(void)out;
}
