/* The public headers must compile on their own as strict C11. */
#include <lend.h>
#include <lend/sys/notifier.h>
#include <lend/sys/postgres.h>
#include <lend/sys/storage.h>

int main(void)
{
	lend_storage s = LEND_STORAGE_INIT;
	lend_notifier n = LEND_NOTIFIER_INIT;
	return (int)(s.version + n.version) == 2 && lend_version() == LEND_VERSION_NUMBER ? 0 : 1;
}
