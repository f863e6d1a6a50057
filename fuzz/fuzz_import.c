/* fuzz/fuzz_import.c — outside bytes as a catalog file to import.
 *
 * The first byte picks the format (by the file name, CSV or JSON Lines);
 * the rest is the file. The import reads it as a stream: it may refuse the
 * file (LEND_EINVAL) or import it row by row, reporting bad rows; it never
 * fails with a storage, memory or internal error. Its report adds up (every
 * row read is added, updated, unchanged or failed; one book id for each
 * good row, and every one of them exists), importing the same bytes a
 * second time adds only the rows without an external id, and
 * lend_engine_check() is clean after both. */
#include <unistd.h>

#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void write_file(const char *path, const uint8_t *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	FUZZ_ASSERT(f != NULL);
	FUZZ_ASSERT(fwrite(data, 1, n, f) == n || n == 0);
	FUZZ_ASSERT(fclose(f) == 0);
}

static int import(lend_engine *e, lend_actor *admin, const char *path, int format, lend_import_report **rep)
{
	int rc = lend_catalog_import(e, admin, path, format, NULL, NULL, rep);
	if (rc != LEND_OK && rc != LEND_EINVAL)
		fprintf(stderr, "import: %d %s\n", rc, lend_engine_errmsg(e));
	FUZZ_ASSERT(rc == LEND_OK || rc == LEND_EINVAL);
	if (rc != LEND_OK)
		return rc;
	const lend_import_report *r = *rep;
	FUZZ_ASSERT(r != NULL);
	int64_t rows = lend_import_report_rows(r), failed = lend_import_report_failed(r);
	FUZZ_ASSERT(rows >= 0 && failed >= 0 && failed <= rows);
	FUZZ_ASSERT(lend_import_report_added(r) + lend_import_report_updated(r) + lend_import_report_unchanged(r) +
	                    failed ==
	            rows);
	FUZZ_ASSERT((int64_t)lend_import_report_book_count(r) == rows - failed);
	FUZZ_ASSERT(lend_import_report_error_count(r) == (size_t)(failed < 1000 ? failed : 1000));
	for (size_t i = 0; i < lend_import_report_error_count(r); i++) {
		FUZZ_ASSERT(lend_import_report_error_line(r, i) >= 1);
		FUZZ_ASSERT(lend_import_report_error_reason(r, i) != NULL);
	}
	for (size_t i = 0; i < lend_import_report_book_count(r); i++) {
		lend_book *b = NULL;
		FUZZ_ASSERT(lend_book_get(e, admin, lend_import_report_book_id(r, i), &b) == LEND_OK);
		lend_book_free(b);
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/lend-fuzz-import-XXXXXX");
		FUZZ_ASSERT(mkdtemp(dir) != NULL);
	}
	static const char *const names[] = {"catalog.csv", "catalog.jsonl", "catalog.csv", "catalog.txt"};
	static const int formats[] = {LEND_IMPORT_AUTO, LEND_IMPORT_AUTO, LEND_IMPORT_CSV, LEND_IMPORT_JSONL};
	int pick = data[0] % 4;
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, names[pick]);
	write_file(path, data + 1, size - 1);

	lend_engine *e = fuzz_engine();
	lend_actor *admin = NULL;
	FUZZ_ASSERT(lend_actor_admin(e, &admin) == LEND_OK);
	lend_import_report *first = NULL, *second = NULL;
	int rc = import(e, admin, path, formats[pick], &first);
	fuzz_check_clean(e);
	if (rc == LEND_OK && lend_import_report_rows(first) <= 1000) {
		int64_t before = fuzz_count_books(e, admin);
		FUZZ_ASSERT(import(e, admin, path, formats[pick], &second) == LEND_OK);
		FUZZ_ASSERT(lend_import_report_rows(second) == lend_import_report_rows(first));
		FUZZ_ASSERT(lend_import_report_failed(second) == lend_import_report_failed(first));
		/* Rows with an external id are found again; only the others add. */
		FUZZ_ASSERT(fuzz_count_books(e, admin) == before + lend_import_report_added(second));
		fuzz_check_clean(e);
	}
	lend_import_report_free(first);
	lend_import_report_free(second);
	unlink(path);
	lend_actor_free(admin);
	lend_engine_close(e);
	return 0;
}
