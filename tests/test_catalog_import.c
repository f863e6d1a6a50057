/* tests/test_catalog_import.c — importing CSV and JSON Lines: bad rows,
 * embedded newlines, duplicates and re-import, progress, and storage faults
 * during a batch. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	fclose(f);
}

static void temp_named(char *buf, size_t n, const char *suffix)
{
	th_temp_path(buf, n - 8);
	unlink(buf);
	strcat(buf, suffix);
}

static lend_import_report *import_ok(th *t, const char *path)
{
	lend_import_report *rep = NULL;
	TH_OK(t, lend_catalog_import(t->e, t->admin, path, LEND_IMPORT_AUTO, NULL, NULL, &rep));
	return rep;
}

static lend_book *by_external(th *t, const lend_import_report *rep, size_t i)
{
	lend_book *b = NULL;
	TH_OK(t, lend_book_get(t->e, t->admin, lend_import_report_book_id(rep, i), &b));
	return b;
}

static const char CSV[] =
	"external_id,title,authors,author_aliases,kind,age,price,currency,isbn,genres,language,year,annotation\n"
	"g:1,\"Les Misérables\r\nTome I\",\"Hugo, Victor\",Гюго|Hugo V.,ebook,12,99.50,RUB,0-306-40615-2,Novel;Classics,fr,"
	"1862,\"First line.\r\nSecond, with a comma.\"\n"
	"g:2,,\"Nobody\",,ebook,0,0,RUB,,,,,\n" /* line 5: no title */
	"g:3,Bad ISBN,\"Somebody\",,ebook,0,0,RUB,0-306-40615-3,,,,\n" /* line 6 */
	"g:4,Bad kind,\"Somebody\",,paper,0,0,RUB,,,,,\n" /* line 7 */
	"g:5,Bad age,\"Somebody\",,ebook,7,0,RUB,,,,,\n" /* line 8 */
	"g:6,\"Bad \xff UTF-8\",\"Somebody\",,ebook,0,0,RUB,,,,,\n" /* line 9 */
	"g:7,Bad price,\"Somebody\",,ebook,0,12.345,RUB,,,,,\n" /* line 10 */
	"g:8,\"Two authors\",\"Tolstoy, Leo; Maude, Aylmer\",\"Толстой, Лев|Tolstoj;\",audio,16+,0,RUB,,,ru,,\n"
	"g:1,\"Les Misérables\r\nTome I\",\"Hugo, Victor\",Гюго|Hugo V.,ebook,12,99.50,RUB,0-306-40615-2,Novel;Classics,fr,"
	"1862,\"First line.\r\nSecond, with a comma.\"\n";

static void test_csv_rows_good_and_bad(void **state)
{
	th *t = *state;
	char path[128];
	temp_named(path, sizeof path, ".csv");
	write_file(path, CSV);
	lend_import_report *rep = import_ok(t, path);
	assert_int_equal(lend_import_report_rows(rep), 9);
	assert_int_equal(lend_import_report_added(rep), 2);
	assert_int_equal(lend_import_report_unchanged(rep), 1); /* g:1 again, the same */
	assert_int_equal(lend_import_report_failed(rep), 6);
	assert_int_equal(lend_import_report_error_count(rep), 6);
	int64_t lines[] = {5, 6, 7, 8, 9, 10}; /* the first row spans lines 2 to 4 */
	const char *words[] = {"no title", "ISBN", "kind", "age", "title", "price"};
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(lend_import_report_error_line(rep, i), lines[i]);
		const char *why = lend_import_report_error_reason(rep, i);
		if (!strstr(why, words[i]))
			print_message("line %lld: %s\n", (long long)lines[i], why);
		assert_non_null(strstr(why, words[i]));
	}
	assert_int_equal(lend_import_report_book_count(rep), 3);
	assert_int_equal(lend_import_report_book_id(rep, 0), lend_import_report_book_id(rep, 2));

	lend_book *b = by_external(t, rep, 0);
	assert_string_equal(lend_book_title(b), "Les Misérables");
	assert_string_equal(lend_book_subtitle(b), "Tome I");
	assert_string_equal(lend_book_author(b, 0), "Hugo, Victor");
	assert_string_equal(lend_book_isbn(b), "9780306406157");
	assert_int_equal(lend_book_price(b), 9950);
	assert_int_equal(lend_book_age_rating(b), 12);
	assert_int_equal(lend_book_year(b), 1862);
	assert_string_equal(lend_book_language(b), "fr");
	assert_int_equal(lend_book_genre_count(b), 2);
	assert_string_equal(lend_book_genre(b, 1), "Classics");
	assert_string_equal(lend_book_annotation(b), "First line.\nSecond, with a comma.");
	assert_string_equal(lend_book_external_id(b), "g:1");
	lend_book_free(b);
	b = by_external(t, rep, 1);
	assert_int_equal(lend_book_kind(b), LEND_KIND_AUDIOBOOK);
	assert_int_equal(lend_book_age_rating(b), 16);
	assert_int_equal(lend_book_author_count(b), 2);
	assert_string_equal(lend_book_author(b, 1), "Maude, Aylmer");
	lend_book_free(b);
	lend_import_report_free(rep);

	lend_author *au = NULL;
	TH_OK(t, lend_author_find(t->e, t->admin, "Hugo, Victor", &au));
	assert_int_equal(lend_author_alias_count(au), 2);
	assert_string_equal(lend_author_alias(au, 0), "Гюго");
	lend_author_free(au);
	TH_OK(t, lend_author_find(t->e, t->admin, "Tolstoy, Leo", &au));
	assert_int_equal(lend_author_alias_count(au), 2);
	assert_string_equal(lend_author_alias(au, 1), "Tolstoj");
	lend_author_free(au);
	TH_OK(t, lend_author_find(t->e, t->admin, "Maude, Aylmer", &au));
	assert_int_equal(lend_author_alias_count(au), 0);
	lend_author_free(au);
	th_check_clean(t);
	unlink(path);
}

static void test_reimport_updates_never_duplicates(void **state)
{
	th *t = *state;
	char path[128];
	temp_named(path, sizeof path, ".csv");
	write_file(path, CSV);
	lend_import_report_free(import_ok(t, path));
	lend_books *all = NULL;
	TH_OK(t, lend_book_list(t->e, t->admin, 0, 1000, &all));
	size_t n = lend_books_count(all);
	lend_books_free(all);
	char *before = th_dump_db(t->path);
	/* the same file again: nothing changes at all */
	th_now += TH_DAY;
	lend_import_report *rep = import_ok(t, path);
	assert_int_equal(lend_import_report_added(rep), 0);
	assert_int_equal(lend_import_report_unchanged(rep), 3);
	lend_import_report_free(rep);
	char *after = th_dump_db(t->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* a changed price updates the book in place */
	write_file(path, "external_id,title,authors,price\n"
	                 "g:8,Two authors,\"Tolstoy, Leo; Maude, Aylmer\",10\n"
	                 "new:1,Without a twin,Someone,1\n"
	                 ",No external id,Someone,1\n");
	rep = import_ok(t, path);
	assert_int_equal(lend_import_report_updated(rep), 1);
	assert_int_equal(lend_import_report_added(rep), 2);
	lend_book *b = by_external(t, rep, 0);
	assert_int_equal(lend_book_price(b), 1000);
	assert_int_equal(lend_book_updated_at(b), th_now);
	assert_true(lend_book_created_at(b) < th_now);
	lend_book_free(b);
	lend_import_report_free(rep);
	/* rows without an external id are added each time */
	rep = import_ok(t, path);
	assert_int_equal(lend_import_report_added(rep), 1);
	assert_int_equal(lend_import_report_unchanged(rep), 2);
	lend_import_report_free(rep);
	TH_OK(t, lend_book_list(t->e, t->admin, 0, 1000, &all));
	assert_int_equal(lend_books_count(all), n + 3);
	lend_books_free(all);
	th_check_clean(t);
	unlink(path);
}

static void test_jsonl(void **state)
{
	th *t = *state;
	char path[128];
	temp_named(path, sizeof path, ".jsonl");
	write_file(path,
	           "{\"external_id\": \"j:1\", \"title\": \"Мастер и Маргарита\", \"kind\": \"audiobook\", "
	           "\"authors\": [{\"name\": \"Булгаков, Михаил\", \"aliases\": [\"Bulgakov, Mikhail\"]}], "
	           "\"narrators\": [\"Козий, Александр\"], \"genres\": [\"Роман\"], \"price\": 399.5, "
	           "\"year\": 1967, \"series\": \"Классика\", \"series_no\": 3, \"length\": 61200, \"preview\": 600, "
	           "\"release\": \"2030-01-15\", \"lendable\": true, \"annotation\": \"a\\nb\", "
	           "\"isbn\": \"978-0-306-40615-7\", \"publisher\": \"Эксмо\", \"language\": \"RU\"}\n"
	           "\n"
	           "not json at all\n"
	           "[1, 2]\n"
	           "{\"external_id\": \"j:2\", \"title\": 5}\n"
	           "{\"external_id\": \"j:3\", \"title\": \"Second\", \"authors\": \"A; B\", \"price\": 10}\n"
	           "{\"external_id\": \"j:4\", \"title\": \"Nul\\u0000inside\"}\n"
	           "{\"external_id\": \"j:5\", \"title\": \"Bad date\", \"release\": \"2030-02-30\"}\n");
	lend_import_report *rep = import_ok(t, path);
	assert_int_equal(lend_import_report_rows(rep), 7);
	assert_int_equal(lend_import_report_added(rep), 2);
	assert_int_equal(lend_import_report_failed(rep), 5);
	int64_t lines[] = {3, 4, 5, 7, 8};
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(lend_import_report_error_line(rep, i), lines[i]);
	assert_non_null(strstr(lend_import_report_error_reason(rep, 2), "title"));
	lend_book *b = by_external(t, rep, 0);
	assert_string_equal(lend_book_title(b), "Мастер и Маргарита");
	assert_int_equal(lend_book_kind(b), LEND_KIND_AUDIOBOOK);
	assert_string_equal(lend_book_narrator(b, 0), "Козий, Александр");
	assert_int_equal(lend_book_price(b), 39950);
	assert_int_equal(lend_book_series_number(b), 3);
	assert_int_equal(lend_book_length(b), 61200);
	assert_int_equal(lend_book_preview(b), 600);
	assert_int_equal(lend_book_release_at(b), th_utc(2030, 1, 15, 0, 0, 0));
	assert_string_equal(lend_book_annotation(b), "a\nb");
	assert_string_equal(lend_book_language(b), "ru");
	lend_book_free(b);
	b = by_external(t, rep, 1);
	assert_int_equal(lend_book_author_count(b), 2);
	assert_int_equal(lend_book_price(b), 1000);
	lend_book_free(b);
	lend_import_report_free(rep);
	lend_author *au = NULL;
	TH_OK(t, lend_author_find(t->e, t->admin, "Булгаков, Михаил", &au));
	assert_string_equal(lend_author_alias(au, 0), "Bulgakov, Mikhail");
	lend_author_free(au);
	th_check_clean(t);
	unlink(path);
}

struct progress {
	int64_t calls, last_done, total, stop_after;
};

static int on_progress(void *ud, int64_t done, int64_t total)
{
	struct progress *p = ud;
	assert_true(done >= p->last_done);
	assert_true(done <= total);
	p->calls++;
	p->last_done = done;
	p->total = total;
	return p->stop_after && p->calls >= p->stop_after;
}

static void test_progress_and_stop(void **state)
{
	th *t = *state;
	char path[128];
	temp_named(path, sizeof path, ".csv");
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs("external_id,title,authors\n", f);
	for (int i = 0; i < 2500; i++)
		fprintf(f, "p:%d,\"Book %d\nwith a second line\",Author %d\n", i, i, i % 50);
	fclose(f);
	struct progress p = {0, 0, 0, 1};
	lend_import_report *rep = NULL;
	/* stopped after the first batch: that batch stays */
	TH_RC(t, LEND_EUSER, lend_catalog_import(t->e, t->admin, path, LEND_IMPORT_CSV, on_progress, &p, &rep));
	assert_int_equal(p.calls, 1);
	assert_int_equal(p.last_done, 1000);
	assert_int_equal(p.total, 2500);
	assert_int_equal(lend_import_report_added(rep), 1000);
	lend_import_report_free(rep);
	/* the rest on a second run */
	memset(&p, 0, sizeof p);
	TH_OK(t, lend_catalog_import(t->e, t->admin, path, LEND_IMPORT_CSV, on_progress, &p, &rep));
	assert_int_equal(p.calls, 3);
	assert_int_equal(p.last_done, 2500);
	assert_int_equal(p.total, 2500);
	assert_int_equal(lend_import_report_unchanged(rep), 1000);
	assert_int_equal(lend_import_report_added(rep), 1500);
	lend_import_report_free(rep);
	th_check_clean(t);
	unlink(path);
}

static void test_import_refusals(void **state)
{
	th *t = *state;
	char path[128];
	temp_named(path, sizeof path, ".csv");
	write_file(path, CSV);
	lend_import_report *rep = (lend_import_report *)1;
	int64_t r = th_reader(t, "R", 1990, 1, 1);
	TH_RC(t, LEND_EPERM, lend_catalog_import(t->e, th_as_reader(t, r), path, 0, NULL, NULL, &rep));
	assert_null(rep);
	TH_RC(t, LEND_ENOTFOUND, lend_catalog_import(t->e, t->admin, "/nonexistent/x.csv", 0, NULL, NULL, &rep));
	TH_RC(t, LEND_EINVAL, lend_catalog_import(t->e, t->admin, path, 3, NULL, NULL, &rep));
	TH_RC(t, LEND_EINVAL, lend_catalog_import(t->e, t->admin, NULL, 0, NULL, NULL, &rep));
	/* a CSV that is not CSV (a quote that never closes) imports nothing */
	write_file(path, "title,authors\n\"Open,quote\n");
	TH_OK(t, lend_catalog_import(t->e, t->admin, path, 0, NULL, NULL, &rep));
	assert_int_equal(lend_import_report_added(rep) + lend_import_report_failed(rep), 1);
	lend_import_report_free(rep);
	lend_import_report_free(NULL);
	assert_int_equal(lend_import_report_rows(NULL), 0);
	unlink(path);
}

/* A storage failure at any call of a batch leaves nothing of that batch. */
static void test_fault_in_a_batch(void **state)
{
	(void)state;
	char db[96], path[128];
	th_temp_path(db, sizeof db);
	temp_named(path, sizeof path, ".csv");
	write_file(path, CSV);
	th_now = TH_START;
	fault *f;
	lend_engine *e = fault_open(db, &f);
	lend_actor *admin = NULL;
	assert_int_equal(lend_actor_admin(e, &admin), LEND_OK);
	f->calls = 0;
	lend_import_report *rep = NULL;
	assert_int_equal(lend_catalog_import(e, admin, path, 0, NULL, NULL, &rep), LEND_OK);
	lend_import_report_free(rep);
	long n = f->calls;
	lend_actor_free(admin);
	lend_engine_close(e);
	th_remove_db(db);
	assert_true(n > 10);
	for (long k = 1; k <= n; k++) {
		th_temp_path(db, sizeof db);
		e = fault_open(db, &f);
		assert_int_equal(lend_actor_admin(e, &admin), LEND_OK);
		char *before = th_dump_db(db);
		f->calls = 0;
		f->fail_at = k;
		int rc = lend_catalog_import(e, admin, path, 0, NULL, NULL, &rep);
		f->fail_at = 0;
		assert_int_equal(rc, LEND_ESTORAGE);
		assert_int_equal(f->injected, 1);
		lend_import_report_free(rep);
		char *after = th_dump_db(db);
		assert_string_equal(before, after);
		free(before);
		free(after);
		lend_report *check = NULL;
		assert_int_equal(lend_engine_check(e, &check), LEND_OK);
		assert_int_equal(lend_report_count(check), 0);
		lend_report_free(check);
		/* and the import then works */
		assert_int_equal(lend_catalog_import(e, admin, path, 0, NULL, NULL, &rep), LEND_OK);
		assert_int_equal(lend_import_report_added(rep), 2);
		lend_import_report_free(rep);
		lend_actor_free(admin);
		lend_engine_close(e);
		th_remove_db(db);
	}
	print_message("import: %ld storage calls, each failed once\n", n);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_csv_rows_good_and_bad, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_reimport_updates_never_duplicates, th_setup_file, th_teardown),
		cmocka_unit_test_setup_teardown(test_jsonl, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_progress_and_stop, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_import_refusals, th_setup_memory, th_teardown),
		cmocka_unit_test(test_fault_in_a_batch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
