/* tests/test_fuzz_found.c — inputs the libFuzzer targets (fuzz/) found
 * crashing or breaking a promise, kept as regression tests. Each test names
 * the target that found it. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	fclose(f);
}

/* fuzz_import: a CSV row with more fields than its header row used the
 * column map of fields the header never named (uninitialized memory), and
 * wrote out of bounds. The extra fields are of no column. */
static void test_csv_row_longer_than_header(void **state)
{
	(void)state;
	th *t = th_new(TH_MEMORY);
	char path[96];
	th_temp_path(path, sizeof path);
	write_file(path, "title,author\r\n"
	                 "Морфий и другие рассказы,Михаил Булгаков,audiobook,16+,\"159,0\",RUB,x,y,z\r\n"
	                 "Собачье сердце,Михаил Булгаков\r\n");
	lend_import_report *rep = NULL;
	TH_OK(t, lend_catalog_import(t->e, t->admin, path, LEND_IMPORT_CSV, NULL, NULL, &rep));
	assert_int_equal(lend_import_report_rows(rep), 2);
	assert_int_equal(lend_import_report_added(rep), 2);
	assert_int_equal(lend_import_report_failed(rep), 0);
	lend_book *b = NULL;
	TH_OK(t, lend_book_get(t->e, t->admin, lend_import_report_book_id(rep, 0), &b));
	assert_string_equal(lend_book_title(b), "Морфий и другие рассказы");
	/* kind and age were not in the header: the defaults. */
	assert_int_equal(lend_book_kind(b), LEND_KIND_EBOOK);
	assert_int_equal(lend_book_age_rating(b), 0);
	lend_book_free(b);
	lend_import_report_free(rep);
	th_check_clean(t);
	unlink(path);
	th_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_row_longer_than_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
