// The public headers must compile as C++ too.
#include <lend.h>
#include <lend/sys/notifier.h>
#include <lend/sys/postgres.h>
#include <lend/sys/storage.h>

int main()
{
	lend_storage s = LEND_STORAGE_INIT;
	return s.version == LEND_STORAGE_VERSION && lend_version() == LEND_VERSION_NUMBER ? 0 : 1;
}
