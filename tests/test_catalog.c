/* tests/test_catalog.c — book metadata, ISBN, authors as entities, withdrawal
 * and what search indexes of a book. */
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "internal.h"

static lend_book *full_draft(void)
{
	lend_book *b = NULL;
	assert_int_equal(lend_book_new(&b), LEND_OK);
	assert_int_equal(lend_book_set_title(b, "Мастер и Маргарита"), LEND_OK);
	assert_int_equal(lend_book_set_kind(b, LEND_KIND_AUDIOBOOK), LEND_OK);
	assert_int_equal(lend_book_add_author(b, "Булгаков, Михаил Афанасьевич"), LEND_OK);
	assert_int_equal(lend_book_add_narrator(b, "Козий, Александр"), LEND_OK);
	assert_int_equal(lend_book_set_subtitle(b, "роман"), LEND_OK);
	assert_int_equal(lend_book_set_series(b, "Классика", 7), LEND_OK);
	assert_int_equal(lend_book_set_language(b, "ru"), LEND_OK);
	assert_int_equal(lend_book_set_publisher(b, "Эксмо"), LEND_OK);
	assert_int_equal(lend_book_set_year(b, 1967), LEND_OK);
	assert_int_equal(lend_book_set_isbn(b, "5-04-001234-9"), LEND_OK);
	assert_int_equal(lend_book_add_genre(b, "Классическая проза"), LEND_OK);
	assert_int_equal(lend_book_add_genre(b, "Мистика"), LEND_OK);
	assert_int_equal(lend_book_set_annotation(b, "Первый абзац.\nВторой абзац."), LEND_OK);
	assert_int_equal(lend_book_set_preview(b, 600), LEND_OK);
	assert_int_equal(lend_book_set_length(b, 61200), LEND_OK);
	assert_int_equal(lend_book_set_external_id(b, "litres:123"), LEND_OK);
	assert_int_equal(lend_book_set_age_rating(b, 16), LEND_OK);
	return b;
}

static void test_metadata_round_trip(void **state)
{
	th *t = *state;
	lend_book *b = full_draft();
	int64_t id = 0;
	TH_OK(t, lend_book_add(t->e, t->admin, b, &id));
	lend_book_free(b);
	b = NULL;
	TH_OK(t, lend_book_get(t->e, t->admin, id, &b));
	assert_string_equal(lend_book_title(b), "Мастер и Маргарита");
	assert_int_equal(lend_book_kind(b), LEND_KIND_AUDIOBOOK);
	assert_string_equal(lend_book_subtitle(b), "роман");
	assert_string_equal(lend_book_series(b), "Классика");
	assert_int_equal(lend_book_series_number(b), 7);
	assert_string_equal(lend_book_language(b), "ru");
	assert_int_equal(lend_book_narrator_count(b), 1);
	assert_string_equal(lend_book_narrator(b, 0), "Козий, Александр");
	assert_null(lend_book_narrator(b, 1));
	assert_string_equal(lend_book_publisher(b), "Эксмо");
	assert_int_equal(lend_book_year(b), 1967);
	assert_string_equal(lend_book_isbn(b), "9785040012343");
	assert_int_equal(lend_book_genre_count(b), 2);
	assert_string_equal(lend_book_genre(b, 1), "Мистика");
	assert_string_equal(lend_book_annotation(b), "Первый абзац.\nВторой абзац.");
	assert_int_equal(lend_book_preview(b), 600);
	assert_int_equal(lend_book_length(b), 61200);
	assert_string_equal(lend_book_external_id(b), "litres:123");
	assert_int_equal(lend_book_withdrawn_at(b), 0);
	assert_int_equal(lend_book_created_at(b), TH_START);
	assert_int_equal(lend_book_updated_at(b), TH_START);

	/* update: change a field, clear another; the external id stays when
	 * the draft has none */
	th_now += TH_DAY;
	/* the stored handle names the book by its id */
	assert_int_equal(lend_book_set_year(b, 1973), LEND_OK);
	assert_int_equal(lend_book_set_subtitle(b, NULL), LEND_OK);
	assert_int_equal(lend_book_set_external_id(b, NULL), LEND_OK);
	TH_OK(t, lend_book_update(t->e, t->admin, b));
	lend_book_free(b);
	TH_OK(t, lend_book_get(t->e, t->admin, id, &b));
	assert_int_equal(lend_book_year(b), 1973);
	assert_string_equal(lend_book_subtitle(b), "");
	assert_string_equal(lend_book_external_id(b), "litres:123");
	assert_int_equal(lend_book_created_at(b), TH_START);
	assert_int_equal(lend_book_updated_at(b), TH_START + TH_DAY);
	lend_book_free(b);
	th_check_clean(t);
}

static void test_isbn(void **state)
{
	(void)state;
	char d[14];
	assert_true(lend_isbn_normalize("0-306-40615-2", d));
	assert_string_equal(d, "9780306406157");
	assert_true(lend_isbn_normalize("978-0-306-40615-7", d));
	assert_string_equal(d, "9780306406157");
	assert_true(lend_isbn_normalize("080442957X", d));
	assert_string_equal(d, "9780804429573");
	assert_true(lend_isbn_normalize("0 8044 2957 x", NULL));
	assert_true(lend_isbn_normalize("979-10-90636-07-1", d));
	assert_false(lend_isbn_normalize("0-306-40615-3", d)); /* bad check digit */
	assert_false(lend_isbn_normalize("978-0-306-40615-8", d));
	assert_false(lend_isbn_normalize("977-0-306-40615-7", d)); /* not a book prefix */
	assert_false(lend_isbn_normalize("030640615", d));         /* too short */
	assert_false(lend_isbn_normalize("97803064061570", d));    /* too long */
	assert_false(lend_isbn_normalize("X306406152", d));        /* X only last */
	assert_false(lend_isbn_normalize("978030640615X", d));
	assert_false(lend_isbn_normalize("0-306-4O615-2", d));
	assert_false(lend_isbn_normalize("", d));
	assert_false(lend_isbn_normalize(NULL, d));

	lend_book *b = NULL;
	assert_int_equal(lend_book_new(&b), LEND_OK);
	assert_int_equal(lend_book_set_isbn(b, "0-306-40615-3"), LEND_EINVAL);
	assert_string_equal(lend_book_isbn(b), "");
	assert_int_equal(lend_book_set_isbn(b, "0306406152"), LEND_OK);
	assert_string_equal(lend_book_isbn(b), "9780306406157");
	assert_int_equal(lend_book_set_isbn(b, ""), LEND_OK);
	assert_string_equal(lend_book_isbn(b), "");
	lend_book_free(b);
}

static void test_setters_refuse_bad_input(void **state)
{
	(void)state;
	lend_book *b = NULL;
	assert_int_equal(lend_book_new(&b), LEND_OK);
	char big[25000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(lend_book_set_subtitle(b, "\xff\xfe"), LEND_EINVAL);
	assert_int_equal(lend_book_set_subtitle(b, big), LEND_EINVAL);
	assert_int_equal(lend_book_set_subtitle(b, "two\nlines"), LEND_EINVAL);
	assert_int_equal(lend_book_set_series(b, "S", -1), LEND_EINVAL);
	assert_int_equal(lend_book_set_language(b, "Russian"), LEND_EINVAL);
	assert_int_equal(lend_book_set_language(b, "r"), LEND_EINVAL);
	assert_int_equal(lend_book_add_narrator(b, ""), LEND_EINVAL);
	assert_int_equal(lend_book_add_genre(b, "\x01"), LEND_EINVAL);
	assert_int_equal(lend_book_set_year(b, -5), LEND_EINVAL);
	assert_int_equal(lend_book_set_year(b, 10000), LEND_EINVAL);
	assert_int_equal(lend_book_set_annotation(b, big), LEND_EINVAL);
	assert_int_equal(lend_book_set_annotation(b, "bad \xc3\x28"), LEND_EINVAL);
	assert_int_equal(lend_book_set_preview(b, -1), LEND_EINVAL);
	assert_int_equal(lend_book_set_length(b, -1), LEND_EINVAL);
	assert_int_equal(lend_book_set_external_id(b, big), LEND_EINVAL);
	assert_int_equal(lend_book_set_subtitle(NULL, "x"), LEND_EINVAL);
	for (int i = 0; i < 32; i++)
		assert_int_equal(lend_book_add_genre(b, "g"), LEND_OK);
	assert_int_equal(lend_book_add_genre(b, "g"), LEND_EINVAL);
	/* nothing of the refused values stuck */
	assert_string_equal(lend_book_subtitle(b), "");
	assert_string_equal(lend_book_language(b), "");
	assert_int_equal(lend_book_year(b), 0);
	assert_int_equal(lend_book_narrator_count(b), 0);
	lend_book_free(b);
	assert_string_equal(lend_book_subtitle(NULL), "");
	assert_null(lend_book_genre(NULL, 0));
}

static void test_external_id_unique(void **state)
{
	th *t = *state;
	lend_book *b = full_draft();
	TH_OK(t, lend_book_add(t->e, t->admin, b, NULL));
	char *before = th_dump_db(t->path);
	TH_RC(t, LEND_EEXISTS, lend_book_add(t->e, t->admin, b, NULL));
	char *after = th_dump_db(t->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	lend_book_free(b);
}

static void test_authors_are_entities(void **state)
{
	th *t = *state;
	lend_book *b = NULL;
	assert_int_equal(lend_book_new(&b), LEND_OK);
	assert_int_equal(lend_book_set_title(b, "War and Peace"), LEND_OK);
	assert_int_equal(lend_book_add_author(b, "Tolstoy, Leo"), LEND_OK);
	int64_t b1 = 0, b2 = 0;
	TH_OK(t, lend_book_add(t->e, t->admin, b, &b1));
	assert_int_equal(lend_book_set_title(b, "Anna Karenina"), LEND_OK);
	assert_int_equal(lend_book_add_narrator(b, "Reader, Some"), LEND_OK);
	TH_OK(t, lend_book_add(t->e, t->admin, b, &b2));
	lend_book_free(b);

	lend_author *au = NULL;
	TH_OK(t, lend_author_find(t->e, t->admin, "Tolstoy, Leo", &au));
	int64_t tolstoy = lend_author_id(au);
	assert_true(tolstoy > 0);
	assert_int_equal(lend_author_alias_count(au), 0);
	lend_author_free(au);
	TH_RC(t, LEND_ENOTFOUND, lend_author_find(t->e, t->admin, "Nobody", &au));
	assert_null(au);

	TH_OK(t, lend_author_add_alias(t->e, t->admin, tolstoy, "Толстой, Лев Николаевич"));
	TH_OK(t, lend_author_add_alias(t->e, t->admin, tolstoy, "Tolstoj, Lev"));
	TH_OK(t, lend_author_add_alias(t->e, t->admin, tolstoy, "Tolstoj, Lev")); /* twice: once */
	TH_OK(t, lend_author_add_alias(t->e, t->admin, tolstoy, "Tolstoy, Leo")); /* his name: nothing */
	TH_RC(t, LEND_EPERM, lend_author_add_alias(t->e, th_as_reader(t, th_reader(t, "R", 1990, 1, 1)), tolstoy, "X"));
	TH_RC(t, LEND_ENOTFOUND, lend_author_add_alias(t->e, t->admin, 999, "X"));
	TH_RC(t, LEND_EINVAL, lend_author_add_alias(t->e, t->admin, tolstoy, "bad\xff"));
	TH_OK(t, lend_author_get(t->e, t->admin, tolstoy, &au));
	assert_string_equal(lend_author_name(au), "Tolstoy, Leo");
	assert_int_equal(lend_author_alias_count(au), 2);
	assert_string_equal(lend_author_alias(au, 0), "Толстой, Лев Николаевич");
	assert_string_equal(lend_author_alias(au, 1), "Tolstoj, Lev");
	lend_author_free(au);

	lend_authors *l = NULL;
	TH_OK(t, lend_book_authors(t->e, t->admin, b2, LEND_ROLE_AUTHOR, &l));
	assert_int_equal(lend_authors_count(l), 1);
	assert_int_equal(lend_author_id(lend_authors_get(l, 0)), tolstoy);
	lend_authors_free(l);
	TH_OK(t, lend_book_authors(t->e, t->admin, b2, LEND_ROLE_NARRATOR, &l));
	assert_int_equal(lend_authors_count(l), 1);
	assert_string_equal(lend_author_name(lend_authors_get(l, 0)), "Reader, Some");
	lend_authors_free(l);
	TH_RC(t, LEND_ENOTFOUND, lend_book_authors(t->e, t->admin, 999, LEND_ROLE_AUTHOR, &l));
	TH_RC(t, LEND_EINVAL, lend_book_authors(t->e, t->admin, b2, 3, &l));

	/* what search indexes: names and every alias */
	lend_catalog_text x;
	TH_OK(t, lend__begin(t->e, 0));
	int rc = lend__catalog_load_index_text(t->e, b2, &x);
	lend__end(t->e, rc);
	assert_int_equal(rc, LEND_OK);
	assert_string_equal(x.title, "Anna Karenina");
	assert_string_equal(x.authors, "Tolstoy, Leo");
	assert_string_equal(x.narrators, "Reader, Some");
	assert_string_equal(x.aliases, "Толстой, Лев Николаевич\nTolstoj, Lev");
	assert_int_equal(x.withdrawn, 0);
	assert_int_equal(x.loans, 0);
	lend__catalog_text_free(&x);
	th_check_clean(t);
}

static void test_withdraw_keeps_history(void **state)
{
	th *t = *state;
	int64_t lib = th_library(t, "L", 0), r = th_reader(t, "R", 1990, 1, 1), tk = th_ticket(t, lib, r);
	int64_t book = th_book(t, "Gone", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, lib, book, 1);
	lend_loan *loan = NULL;
	TH_OK(t, lend_take(t->e, th_as_reader(t, r), tk, book, &loan));
	int64_t loan_id = lend_loan_id(loan);
	lend_loan_free(loan);
	TH_RC(t, LEND_EPERM, lend_book_withdraw(t->e, th_as_reader(t, r), book));
	TH_OK(t, lend_book_withdraw(t->e, t->admin, book));
	TH_RC(t, LEND_ESTATE, lend_book_withdraw(t->e, t->admin, book));
	TH_RC(t, LEND_ENOTFOUND, lend_book_withdraw(t->e, t->admin, 999));
	lend_book *b = NULL;
	TH_OK(t, lend_book_get(t->e, t->admin, book, &b));
	assert_int_equal(lend_book_withdrawn_at(b), TH_START);
	assert_int_equal(lend_book_lendable(b), 0);
	/* an update keeps it withdrawn */
	TH_OK(t, lend_book_set_lendable(b, 1));
	TH_OK(t, lend_book_update(t->e, t->admin, b));
	lend_book_free(b);
	TH_OK(t, lend_book_get(t->e, t->admin, book, &b));
	assert_int_equal(lend_book_lendable(b), 0);
	lend_book_free(b);
	/* the loan is still there and ends as usual */
	TH_OK(t, lend_loan_get(t->e, t->admin, loan_id, &loan));
	assert_int_equal(lend_loan_ended_at(loan), 0);
	lend_loan_free(loan);
	TH_OK(t, lend_return(t->e, th_as_reader(t, r), loan_id));
	assert_int_equal(th_loan_count(t, r, 0), 1);
	/* and nobody takes it again */
	TH_DENIED(t, LEND_REASON_NOT_LENDABLE, lend_take(t->e, th_as_reader(t, r), tk, book, NULL));
	lend_catalog_text x;
	TH_OK(t, lend__begin(t->e, 0));
	int rc = lend__catalog_load_index_text(t->e, book, &x);
	lend__end(t->e, rc);
	assert_int_equal(rc, LEND_OK);
	assert_int_equal(x.withdrawn, 1);
	assert_int_equal(x.loans, 1);
	lend__catalog_text_free(&x);
	th_check_clean(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_metadata_round_trip, th_setup_file, th_teardown),
		cmocka_unit_test(test_isbn),
		cmocka_unit_test(test_setters_refuse_bad_input),
		cmocka_unit_test_setup_teardown(test_external_id_unique, th_setup_file, th_teardown),
		cmocka_unit_test_setup_teardown(test_authors_are_entities, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_withdraw_keeps_history, th_setup_memory, th_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
