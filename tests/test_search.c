/* tests/test_search.c — search and suggestions: folding, matching, ranking,
 * filters, verdicts, keeping the index in step, bad input, fault injection,
 * and a backend without an index of its own. */
#include <stdio.h>
#include <string.h>

#include "fault.h"
#include "search/search.h"

/* ------------------------------------------------------------- helpers */

static int64_t book(th *t, const char *title, const char *authors, int kind, int age)
{
	lend_book *b = NULL;
	int64_t id = 0;
	assert_int_equal(lend_book_new(&b), LEND_OK);
	assert_int_equal(lend_book_set_title(b, title), LEND_OK);
	if (authors) {
		char buf[512];
		snprintf(buf, sizeof buf, "%s", authors);
		for (char *p = strtok(buf, ";"); p; p = strtok(NULL, ";"))
			assert_int_equal(lend_book_add_author(b, p), LEND_OK);
	}
	assert_int_equal(lend_book_set_kind(b, kind ? kind : LEND_KIND_EBOOK), LEND_OK);
	assert_int_equal(lend_book_set_age_rating(b, age), LEND_OK);
	TH_OK(t, lend_book_add(t->e, t->admin, b, &id));
	lend_book_free(b);
	return id;
}

/* Run a search (prefix = 1: suggestions) and return the results. */
static lend_search_results *find(th *t, const lend_actor *a, const char *text, int prefix)
{
	lend_search_query *q = NULL;
	lend_search_results *r = NULL;
	assert_int_equal(lend_search_query_new(&q), LEND_OK);
	assert_int_equal(lend_search_query_set_text(q, text), LEND_OK);
	TH_OK(t, prefix ? lend_suggest(t->e, a ? a : t->admin, q, &r) : lend_search(t->e, a ? a : t->admin, q, &r));
	lend_search_query_free(q);
	return r;
}

/* The 1-based place of book in the results of text, 0 if absent. */
static size_t place(th *t, const char *text, int prefix, int64_t book_id)
{
	lend_search_results *r = find(t, NULL, text, prefix);
	size_t at = 0;
	for (size_t i = 0; i < lend_search_results_count(r); i++)
		if (lend_search_hit_book_id(lend_search_results_get(r, i)) == book_id) {
			at = i + 1;
			break;
		}
	lend_search_results_free(r);
	return at;
}

static size_t count(th *t, const char *text, int prefix)
{
	lend_search_results *r = find(t, NULL, text, prefix);
	size_t n = lend_search_results_count(r);
	lend_search_results_free(r);
	return n;
}

/* -------------------------------------------------------------- folding */

static void fold_is(const char *in, int swap, const char *want)
{
	char *f = lend__fold(in, swap);
	assert_non_null(f);
	if (strcmp(f, want) != 0)
		print_message("fold(%s, %d) = [%s], expected [%s]\n", in, swap, f, want);
	assert_string_equal(f, want);
	free(f);
}

static void test_fold(void **state)
{
	(void)state;
	fold_is("Les Misérables", 0, "les miserables");
	fold_is("LES MISERABLES", 0, "les miserables");
	fold_is("Ёжик в тумане", 0, "ezhik v tumane");
	fold_is("Ежик", 0, "ezhik");
	fold_is("ﬁnal", 0, "final"); /* NFKC: the ligature */
	fold_is("Ｔｏｌｓｔｏｙ", 0, "tolstoi"); /* NFKC: full width */
	fold_is("Толстой, Лев Николаевич", 0, "tolstoi lev nikolaevich");
	fold_is("Tolstoy", 0, "tolstoi");
	fold_is("Tolstoj", 0, "tolstoi");
	fold_is("Булгаков", 0, "bulgakov");
	fold_is("Чехов", 0, "chehov");
	fold_is("Chekhov", 0, "chehov");
	fold_is("Достоевский", 0, "dostoevski");
	fold_is("Dostoyevsky", 0, "dostoevski");
	fold_is("Łódź Ærø", 0, "lodz aero");
	fold_is(",ekufrjd", LEND_FOLD_TO_CYRILLIC, "bulgakov");
	fold_is("ujujkm", LEND_FOLD_TO_CYRILLIC, "gogol");
	fold_is("Ьфыеук", LEND_FOLD_TO_LATIN, "master");
	fold_is("\"*():^-", 0, "");
	fold_is("", 0, "");
	fold_is("a-b_c", 0, "a b c");
	assert_int_equal(lend__fold_scripts("abc"), LEND_FOLD_LATIN);
	assert_int_equal(lend__fold_scripts("абв"), LEND_FOLD_CYRILLIC);
	assert_int_equal(lend__fold_scripts("a б"), LEND_FOLD_LATIN | LEND_FOLD_CYRILLIC);
	assert_int_equal(lend__fold_scripts("123 ,."), 0);
}

/* ------------------------------------------------------------- matching */

static void test_match_small(void **state)
{
	th *t = *state;
	int64_t mis = book(t, "Les Misérables", "Hugo, Victor", 0, 0);
	int64_t mm = book(t, "Мастер и Маргарита", "Булгаков, Михаил Афанасьевич", 0, 0);
	int64_t war = book(t, "Война и мир", "Толстой, Лев Николаевич", 0, 0);
	int64_t gog = book(t, "Мёртвые души", "Гоголь, Николай Васильевич", 0, 0);
	int64_t hm = book(t, "The Master of Ballantrae", "Stevenson, Robert Louis", 0, 0);
	assert_int_equal(place(t, "Miserables", 0, mis), 1);
	assert_int_equal(place(t, "miser", 1, mis), 1);
	assert_int_equal(place(t, "hugo", 0, mis), 1);
	assert_int_equal(place(t, "bulgakov", 0, mm), 1);
	assert_int_equal(place(t, ",ekufrjd", 0, mm), 1);
	assert_int_equal(place(t, ",ekuf", 1, mm), 1);
	assert_int_equal(place(t, "tolstoy", 0, war), 1);
	assert_int_equal(place(t, "ujujkm", 1, gog), 1);
	assert_int_equal(place(t, "мертвые", 0, gog), 1);
	assert_int_equal(place(t, "gogol", 0, gog), 1);
	assert_int_equal(place(t, "мастер и м", 1, mm), 1);
	assert_int_equal(place(t, "master i margarita", 0, mm), 1);
	/* The title starting with the query comes before a later word. */
	assert_int_equal(place(t, "master", 0, mm), 1);
	assert_int_equal(place(t, "master", 0, hm), 2);
	/* Every word must match; a full search wants whole words. */
	assert_int_equal(count(t, "master zzz", 0), 0);
	assert_int_equal(count(t, "maste", 0), 0);
	assert_int_equal(count(t, "maste", 1), 2);
	th_check_clean(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold),
		cmocka_unit_test_setup_teardown(test_match_small, th_setup_memory, th_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
