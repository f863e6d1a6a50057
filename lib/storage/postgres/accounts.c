/* lib/storage/postgres/accounts.c — the PostgreSQL tables and methods of accounts and sign-in. */
#include "pg.h"

const char pg__accounts_schema[] = "";

void pg__accounts_methods(lend_storage *out)
{
	(void)out;
}
