/* tests/test_search_relevance.c — relevance on the real catalogs.
 *
 * A sample of the shared data folder (bench/search_data.c reads it): every
 * book of a dozen authors the queries ask for, one Gutenberg book in 25 and
 * one goodbooks book in 10 as the crowd they must stand out of, and both
 * Russian sets whole; the authors get their Gutenberg aliases (other
 * scripts, other spellings). Then a query set built from that data: title
 * prefixes, surnames without their accents, aliases across scripts, Russian
 * typed with the wrong keyboard layout or in Latin letters, and the other
 * way round. The expected book must be among the first three.
 * Skipped when the data folder is not there. */
#include <stdio.h>
#include <string.h>

#include "helpers.h"

#include "../bench/search_data.c"

static const char *const wanted_authors[] = {
	"Hugo, Victor", "Austen, Jane", "Shelley, Mary", "Stoker, Bram", "Melville, Herman", "Brontë",
	"Nušić", "Tolstoy, Leo", "Dostoyevsky, Fyodor", "Gogol, Nikolai", "Chekhov, Anton", "Doyle, Arthur Conan",
	"Descartes",
};

typedef struct world {
	th *t;
	sd_catalog c;
	int ready;
} world;

static world W;

static int wanted(const sd_book *b, size_t i)
{
	if (b->source == SD_RUSLIT || b->source == SD_LITRES)
		return 1;
	if (b->source == SD_GOODBOOKS)
		return i % 10 == 0;
	for (size_t k = 0; k < sizeof wanted_authors / sizeof wanted_authors[0]; k++)
		if (b->authors && strstr(b->authors, wanted_authors[k]))
			return 1;
	return i % 25 == 0;
}

static int setup(void **state)
{
	const char *dir = sd_dir();
	memset(&W, 0, sizeof W);
	*state = &W;
	if (!dir || sd_load(&W.c, dir) != 0)
		return 0;
	W.t = th_new(TH_MEMORY);
	for (size_t i = 0; i < W.c.n; i++) {
		if (!wanted(&W.c.b[i], i))
			continue;
		int64_t id;
		int rc = sd_add(W.t->e, W.t->admin, &W.c.b[i], &id);
		if (rc != LEND_OK)
			print_message("book %zu (%s): %s\n", i, W.c.b[i].title, lend_engine_errmsg(W.t->e));
		assert_int_equal(rc, LEND_OK);
	}
	sd_add_aliases(W.t->e, W.t->admin, &W.c);
	W.ready = 1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (W.t)
		th_free(W.t);
	sd_free(&W.c);
	return 0;
}

/* Does the hit's title contain title_part and its authors author_part (each
 * may be NULL)? */
static int is_it(const lend_search_hit *h, const char *title_part, const char *author_part)
{
	return (!title_part || strstr(lend_search_hit_title(h), title_part)) &&
	       (!author_part || strstr(lend_search_hit_authors(h), author_part));
}

typedef struct gold {
	const char *query;
	int prefix;
	const char *title; /* a part of the expected title, or NULL */
	const char *author; /* a part of the expected author, or NULL */
	const char *author2; /* or this one */
} gold;

static const gold golds[] = {
	/* title prefixes */
	{"les miser", 1, "Misérables", "Hugo", NULL},
	{"pride and prej", 1, "Pride and Prejudice", "Austen", NULL},
	{"frankenst", 1, "Frankenstein", "Shelley", NULL},
	{"moby", 1, "Moby", "Melville", NULL},
	{"crime and pun", 1, "Crime and Punishment", NULL, NULL},
	{"sherlock hol", 1, "Sherlock Holmes", "Doyle", NULL},
	{"мастер и марг", 1, "Мастер и Маргарита", "Булгаков", NULL},
	/* accents left out */
	{"Miserables", 0, "Misérables", "Hugo", NULL},
	{"bronte", 0, NULL, "Brontë", NULL},
	{"nusic", 0, NULL, "Nušić", NULL},
	{"meditations descartes", 0, NULL, "Descartes", NULL},
	/* aliases across scripts */
	{"Толстой", 0, NULL, "Tolstoy", "Толстой"},
	{"Достоевский", 0, NULL, "Dostoyevsky", "Достоевский"},
	{"достоевск", 1, NULL, "Dostoyevsky", "Достоевский"},
	{"Чехов", 0, NULL, "Chekhov", "Чехов"},
	{"Гоголь", 1, NULL, "Gogol", "Гоголь"},
	{"dostoevsky", 0, NULL, "Dostoevsky", "Dostoyevsky"},
	{"tolstoy", 0, NULL, "Tolstoy", "Толстой"},
	{"chekhov", 1, NULL, "Chekhov", "Чехов"},
	/* Latin transliteration of Russian */
	{"bulgakov", 0, NULL, "Булгаков", NULL},
	{"bulgak", 1, NULL, "Булгаков", NULL},
	{"master i margarita", 0, "Мастер и Маргарита", NULL, NULL},
	{"voina i mir", 0, "Война и мир", NULL, NULL},
	{"sobachye serdtse", 0, "Собачье сердце", NULL, NULL},
	/* the wrong keyboard layout */
	{",ekufrjd", 0, NULL, "Булгаков", NULL},
	{",ekuf", 1, NULL, "Булгаков", NULL},
	{"ujujkm", 1, NULL, "Gogol", "Гоголь"},
	{"njkcnjq", 0, NULL, "Tolstoy", "Толстой"},
	{"vfcnth b vfhufhbnf", 0, "Мастер и Маргарита", NULL, NULL},
	/* typos: one letter off, as the last resort */
	{"ueuj", 1, NULL, "Gogol", "Гоголь"},
	{"tolsoy", 0, NULL, "Tolstoy", "Толстой"},
	{"dostoevky", 0, NULL, "Dostoyevsky", "Dostoevsky"},
	{"frankenstien", 0, "Frankenstein", "Shelley", NULL},
	{"sherlock hlomes", 0, "Sherlock Holmes", "Doyle", NULL},
	/* Cyrillic typed for a Latin title */
	{"дракула", 0, "Dra", "Stoker", NULL},
	{"шерлок", 1, "Sherlock", "Doyle", NULL},
};

static void test_relevance(void **state)
{
	(void)state;
	if (!W.ready)
		skip();
	int failed = 0;
	for (size_t i = 0; i < sizeof golds / sizeof golds[0]; i++) {
		const gold *g = &golds[i];
		lend_search_query *q = NULL;
		lend_search_results *r = NULL;
		assert_int_equal(lend_search_query_new(&q), LEND_OK);
		assert_int_equal(lend_search_query_set_text(q, g->query), LEND_OK);
		TH_OK(W.t, g->prefix ? lend_suggest(W.t->e, W.t->admin, q, &r) : lend_search(W.t->e, W.t->admin, q, &r));
		size_t at = 0;
		for (size_t k = 0; k < lend_search_results_count(r) && k < 3 && !at; k++) {
			const lend_search_hit *h = lend_search_results_get(r, k);
			if (is_it(h, g->title, g->author) || (g->author2 && is_it(h, g->title, g->author2)))
				at = k + 1;
		}
		if (!at) {
			failed++;
			print_message("query \"%s\": expected %s / %s in the top 3; got:\n", g->query,
			              g->title ? g->title : "*", g->author ? g->author : "*");
			for (size_t k = 0; k < lend_search_results_count(r) && k < 5; k++)
				print_message("  %zu. %s / %s\n", k + 1, lend_search_hit_title(lend_search_results_get(r, k)),
				              lend_search_hit_authors(lend_search_results_get(r, k)));
		}
		lend_search_results_free(r);
		lend_search_query_free(q);
	}
	assert_int_equal(failed, 0);
}

/* LitRes's own results for «Булгаков»: every book we rank for the query
 * names him (as an author or in the title), his own books come before the
 * books about him, and his best-known titles are near the top. */
static void test_litres_bulgakov(void **state)
{
	(void)state;
	if (!W.ready)
		skip();
	lend_search_query *q = NULL;
	lend_search_results *r = NULL;
	assert_int_equal(lend_search_query_new(&q), LEND_OK);
	assert_int_equal(lend_search_query_set_text(q, "Булгаков"), LEND_OK);
	assert_int_equal(lend_search_query_set_limit(q, 100), LEND_OK);
	TH_OK(W.t, lend_search(W.t->e, W.t->admin, q, &r));
	size_t n = lend_search_results_count(r);
	assert_int_equal(n, 100);
	int found_master = 0, found_heart = 0;
	for (size_t k = 0; k < n; k++) {
		const lend_search_hit *h = lend_search_results_get(r, k);
		int by = strstr(lend_search_hit_authors(h), "Булгаков") != NULL;
		int about = strstr(lend_search_hit_title(h), "Булгаков") != NULL;
		assert_true(by || about);
		if (k < 30 && by && strstr(lend_search_hit_title(h), "Мастер и Маргарита"))
			found_master = 1;
		if (k < 30 && by && strstr(lend_search_hit_title(h), "Собачье сердце"))
			found_heart = 1;
	}
	assert_true(found_master);
	assert_true(found_heart);
	lend_search_results_free(r);
	/* suggestions as he is typed, wrong layout included */
	static const char *const typed[] = {"Бу", "Булг", "Булгаков М", ",ekuf", "bulgakov m"};
	for (size_t i = 0; i < sizeof typed / sizeof typed[0]; i++) {
		assert_int_equal(lend_search_query_set_text(q, typed[i]), LEND_OK);
		assert_int_equal(lend_search_query_set_limit(q, 10), LEND_OK);
		TH_OK(W.t, lend_suggest(W.t->e, W.t->admin, q, &r));
		assert_true(lend_search_results_count(r) > 0);
		if (i >= 1) {
			const lend_search_hit *h = lend_search_results_get(r, 0);
			assert_true(strstr(lend_search_hit_authors(h), "Булгаков") || strstr(lend_search_hit_title(h), "Булгаков"));
		}
		lend_search_results_free(r);
	}
	lend_search_query_free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relevance),
		cmocka_unit_test(test_litres_bulgakov),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
