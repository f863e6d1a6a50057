/* tests/test_catalog_listings.c — listings: order, keyset pagination under
 * inserts, and the asking reader's verdicts. */
#include <stdio.h>
#include <string.h>

#include "helpers.h"

static lend_listing *list_page(th *t, const lend_actor *a, lend_list_query *q)
{
	lend_listing *l = NULL;
	TH_OK(t, lend_list_books(t->e, a, q, &l));
	return l;
}

static int64_t book_with(th *t, const char *title, int year, const char *genre, const char *author)
{
	lend_book *b = NULL;
	assert_int_equal(lend_book_new(&b), LEND_OK);
	assert_int_equal(lend_book_set_title(b, title), LEND_OK);
	assert_int_equal(lend_book_set_year(b, year), LEND_OK);
	if (genre)
		assert_int_equal(lend_book_add_genre(b, genre), LEND_OK);
	if (author)
		assert_int_equal(lend_book_add_author(b, author), LEND_OK);
	int64_t id = 0;
	TH_OK(t, lend_book_add(t->e, t->admin, b, &id));
	lend_book_free(b);
	return id;
}

/* Walk a listing page by page (limit per page), calling between pages
 * insert(t, page) to add books; collect the ids seen. */
static size_t walk(th *t, lend_list_query *q, int limit, int64_t *seen, size_t max,
                   void (*insert)(th *t, int page))
{
	size_t n = 0;
	int page = 0;
	assert_int_equal(lend_list_query_set_limit(q, limit), LEND_OK);
	assert_int_equal(lend_list_query_set_cursor(q, NULL), LEND_OK);
	for (;;) {
		lend_listing *l = list_page(t, t->admin, q);
		assert_true(lend_listing_count(l) <= (size_t)limit);
		for (size_t i = 0; i < lend_listing_count(l); i++) {
			assert_true(n < max);
			seen[n++] = lend_book_id(lend_listing_book(l, i));
		}
		char next[64];
		snprintf(next, sizeof next, "%s", lend_listing_next(l));
		lend_listing_free(l);
		if (!next[0])
			break;
		if (insert)
			insert(t, page++);
		assert_int_equal(lend_list_query_set_cursor(q, next), LEND_OK);
	}
	return n;
}

static int64_t g_lib;

static void insert_two(th *t, int page)
{
	char title[32];
	for (int i = 0; i < 2; i++) {
		snprintf(title, sizeof title, "Inserted %d.%d", page, i);
		int64_t id = book_with(t, title, 2000 + page, "Prose", "Author A");
		th_copies(t, g_lib, id, 1);
	}
}

static void assert_exact(const int64_t *seen, size_t n, const int64_t *want, size_t m)
{
	assert_int_equal(n, m);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(seen[i], want[i]);
}

static void test_pagination_neither_skips_nor_repeats(void **state)
{
	th *t = *state;
	g_lib = th_library(t, "L", 0);
	int64_t ids[10];
	for (int i = 0; i < 10; i++) {
		char title[16];
		snprintf(title, sizeof title, "Book %d", i);
		th_now += 60;
		ids[i] = book_with(t, title, 1990 + i % 3, "Prose", "Author A");
		th_copies(t, g_lib, ids[i], 1);
	}
	int64_t seen[64], want[10];
	/* new arrivals: newest first; books added between pages come before the
	 * cursor and do not disturb the rest */
	lend_list_query *q = NULL;
	assert_int_equal(lend_list_query_new(&q, LEND_LIST_NEW), LEND_OK);
	for (int i = 0; i < 10; i++)
		want[i] = ids[9 - i];
	size_t n = walk(t, q, 3, seen, 64, insert_two);
	assert_exact(seen, n, want, 10);
	lend_list_query_free(q);

	/* the fund: by book id; inserted books come after, so a walk sees them
	 * all exactly once */
	assert_int_equal(lend_list_query_new(&q, LEND_LIST_FUND), LEND_OK);
	assert_int_equal(lend_list_query_set_library(q, g_lib), LEND_OK);
	n = walk(t, q, 4, seen, 64, insert_two);
	for (size_t i = 1; i < n; i++)
		assert_true(seen[i] > seen[i - 1]);
	int64_t fund_total = 0;
	lend_books *all = NULL;
	TH_OK(t, lend_book_list(t->e, t->admin, 0, 1000, &all));
	fund_total = (int64_t)lend_books_count(all);
	lend_books_free(all);
	/* every book is in the fund; those inserted during this walk too */
	assert_int_equal(n, fund_total);
	lend_list_query_free(q);

	/* a genre: newest first */
	assert_int_equal(lend_list_query_new(&q, LEND_LIST_GENRE), LEND_OK);
	assert_int_equal(lend_list_query_set_genre(q, "Prose"), LEND_OK);
	int64_t before_walk = seen[n - 1];
	n = walk(t, q, 5, seen, 64, insert_two);
	assert_int_equal(seen[0], before_walk);
	for (size_t i = 1; i < n; i++)
		assert_true(seen[i] < seen[i - 1]);
	assert_int_equal(n, fund_total);
	lend_list_query_free(q);

	/* an author's page: newest year first, then id descending */
	lend_author *au = NULL;
	TH_OK(t, lend_author_find(t->e, t->admin, "Author A", &au));
	assert_int_equal(lend_list_query_new(&q, LEND_LIST_AUTHOR), LEND_OK);
	assert_int_equal(lend_list_query_set_author(q, lend_author_id(au)), LEND_OK);
	lend_author_free(au);
	n = walk(t, q, 2, seen, 64, NULL);
	int prev_year = 10000;
	int64_t prev_id = INT64_MAX;
	for (size_t i = 0; i < n; i++) {
		lend_book *b = NULL;
		TH_OK(t, lend_book_get(t->e, t->admin, seen[i], &b));
		int y = lend_book_year(b);
		assert_true(y < prev_year || (y == prev_year && seen[i] < prev_id));
		prev_year = y;
		prev_id = seen[i];
		lend_book_free(b);
	}
	TH_OK(t, lend_book_list(t->e, t->admin, 0, 1000, &all));
	assert_int_equal(n, lend_books_count(all)); /* every book is Author A's */
	lend_books_free(all);
	lend_list_query_free(q);
	th_check_clean(t);
}

static void test_verdicts_and_withdrawn(void **state)
{
	th *t = *state;
	int64_t lib = th_library(t, "L", 0);
	int64_t kid = th_reader(t, "Kid", 2016, 1, 1), other = th_reader(t, "Other", 1980, 1, 1);
	int64_t tk = th_ticket(t, lib, kid), tk2 = th_ticket(t, lib, other);
	int64_t free_book = th_book(t, "Free", LEND_KIND_EBOOK, 0, 0);
	int64_t busy = th_book(t, "Busy", LEND_KIND_EBOOK, 0, 0);
	int64_t adult = th_book(t, "Adult", LEND_KIND_EBOOK, 0, 18);
	int64_t gone = th_book(t, "Gone", LEND_KIND_EBOOK, 0, 0);
	int64_t mine = th_book(t, "Mine", LEND_KIND_AUDIOBOOK, 0, 0);
	th_copies(t, lib, free_book, 1);
	th_copies(t, lib, busy, 1);
	th_copies(t, lib, adult, 1);
	th_copies(t, lib, gone, 1);
	th_copies(t, lib, mine, 1);
	TH_OK(t, lend_take(t->e, th_as_reader(t, other), tk2, busy, NULL));
	TH_OK(t, lend_take(t->e, th_as_reader(t, kid), tk, mine, NULL));
	TH_OK(t, lend_book_withdraw(t->e, t->admin, gone));

	lend_list_query *q = NULL;
	assert_int_equal(lend_list_query_new(&q, LEND_LIST_FUND), LEND_OK);
	assert_int_equal(lend_list_query_set_ticket(q, tk), LEND_OK);
	lend_listing *l = list_page(t, th_as_reader(t, kid), q);
	assert_int_equal(lend_listing_count(l), 4);
	int want_verdict[] = {LEND_VERDICT_TAKE, LEND_VERDICT_QUEUE, LEND_VERDICT_REFUSED, LEND_VERDICT_YOURS};
	int64_t want_id[] = {free_book, busy, adult, mine};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(lend_book_id(lend_listing_book(l, i)), want_id[i]);
		const lend_availability *v = lend_listing_availability(l, i);
		assert_non_null(v);
		assert_int_equal(lend_availability_verdict(v), want_verdict[i]);
	}
	assert_int_equal(lend_availability_reason(lend_listing_availability(l, 2)), LEND_REASON_AGE);
	assert_int_equal(lend_listing_age_ok(l, 2), 0);
	assert_int_equal(lend_listing_age_ok(l, 0), 1);
	assert_int_equal(lend_availability_position(lend_listing_availability(l, 1)), 1);
	assert_string_equal(lend_listing_next(l), "");
	lend_listing_free(l);

	/* the same verdicts as lend_availability_get */
	lend_availability *v = NULL;
	TH_OK(t, lend_availability_get(t->e, th_as_reader(t, kid), tk, adult, &v));
	assert_int_equal(lend_availability_verdict(v), LEND_VERDICT_REFUSED);
	lend_availability_free(v);

	/* kind filter, and no verdicts without a ticket */
	assert_int_equal(lend_list_query_set_kind(q, LEND_KIND_AUDIOBOOK), LEND_OK);
	assert_int_equal(lend_list_query_set_ticket(q, 0), LEND_OK);
	assert_int_equal(lend_list_query_set_library(q, lib), LEND_OK);
	l = list_page(t, th_as_reader(t, kid), q);
	assert_int_equal(lend_listing_count(l), 1);
	assert_null(lend_listing_availability(l, 0));
	lend_listing_free(l);
	/* without a ticket, the asking reader's age still marks the books */
	assert_int_equal(lend_list_query_set_kind(q, LEND_KIND_ANY), LEND_OK);
	l = list_page(t, th_as_reader(t, kid), q);
	assert_int_equal(lend_listing_count(l), 4);
	assert_int_equal(lend_book_id(lend_listing_book(l, 2)), adult);
	assert_int_equal(lend_listing_age_ok(l, 2), 0);
	assert_int_equal(lend_listing_age_ok(l, 1), 1);
	lend_listing_free(l);
	l = list_page(t, t->admin, q);
	assert_int_equal(lend_listing_age_ok(l, 2), 1); /* for nobody in particular */
	lend_listing_free(l);

	/* another reader's ticket: not for a reader to see */
	assert_int_equal(lend_list_query_set_ticket(q, tk2), LEND_OK);
	TH_RC(t, LEND_EPERM, lend_list_books(t->e, th_as_reader(t, kid), q, &l));
	assert_null(l);
	lend_list_query_free(q);
	th_check_clean(t);
}

static void test_popular_soon_recommended(void **state)
{
	th *t = *state;
	int64_t lib = th_library(t, "L", 0);
	int64_t r[4], tk[4];
	for (int i = 0; i < 4; i++) {
		r[i] = th_reader(t, "R", 1990, 1, 1);
		tk[i] = th_ticket(t, lib, r[i]);
	}
	int64_t x = th_book(t, "X", LEND_KIND_EBOOK, 0, 0), y = th_book(t, "Y", LEND_KIND_EBOOK, 0, 0);
	int64_t z = th_book(t, "Z", LEND_KIND_EBOOK, 0, 0), old = th_book(t, "Old", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, lib, x, 4);
	th_copies(t, lib, y, 4);
	th_copies(t, lib, z, 4);
	th_copies(t, lib, old, 4);
	/* long ago: 3 loans of Old */
	for (int i = 1; i < 4; i++)
		TH_OK(t, lend_take(t->e, th_as_reader(t, r[i]), tk[i], old, NULL));
	th_now += 60 * TH_DAY;
	/* lately: X by r0, r1, r2; Y by r1, r2; Z by r2 */
	TH_OK(t, lend_take(t->e, th_as_reader(t, r[0]), tk[0], x, NULL));
	TH_OK(t, lend_take(t->e, th_as_reader(t, r[1]), tk[1], x, NULL));
	TH_OK(t, lend_take(t->e, th_as_reader(t, r[2]), tk[2], x, NULL));
	TH_OK(t, lend_take(t->e, th_as_reader(t, r[1]), tk[1], y, NULL));
	TH_OK(t, lend_take(t->e, th_as_reader(t, r[2]), tk[2], y, NULL));
	TH_OK(t, lend_take(t->e, th_as_reader(t, r[2]), tk[2], z, NULL));

	lend_list_query *q = NULL;
	assert_int_equal(lend_list_query_new(&q, LEND_LIST_POPULAR), LEND_OK);
	assert_int_equal(lend_list_query_set_ticket(q, tk[3]), LEND_OK);
	lend_listing *l = list_page(t, th_as_reader(t, r[3]), q);
	assert_int_equal(lend_listing_count(l), 3); /* Old's loans are older than 30 days */
	assert_int_equal(lend_book_id(lend_listing_book(l, 0)), x);
	assert_int_equal(lend_listing_key(l, 0), 3);
	assert_int_equal(lend_book_id(lend_listing_book(l, 1)), y);
	assert_int_equal(lend_book_id(lend_listing_book(l, 2)), z);
	assert_int_equal(lend_availability_verdict(lend_listing_availability(l, 0)), LEND_VERDICT_TAKE);
	lend_listing_free(l);
	/* over 90 days Old counts too, and ties go by id */
	assert_int_equal(lend_list_query_set_days(q, 90), LEND_OK);
	assert_int_equal(lend_list_query_set_limit(q, 1), LEND_OK);
	int64_t order[4];
	for (int i = 0; i < 4; i++) {
		l = list_page(t, th_as_reader(t, r[3]), q);
		assert_int_equal(lend_listing_count(l), 1);
		order[i] = lend_book_id(lend_listing_book(l, 0));
		assert_int_equal(lend_list_query_set_cursor(q, lend_listing_next(l)), LEND_OK);
		lend_listing_free(l);
	}
	assert_int_equal(order[0], x);
	assert_int_equal(order[1], old);
	assert_int_equal(order[2], y);
	assert_int_equal(order[3], z);
	lend_list_query_free(q);

	/* what to read for r0 (read X): Y by 2 of X's readers, Z by 1, Old by
	 * 2 but long ago */
	assert_int_equal(lend_list_query_new(&q, LEND_LIST_RECOMMENDED), LEND_OK);
	assert_int_equal(lend_list_query_set_ticket(q, tk[0]), LEND_OK);
	l = list_page(t, th_as_reader(t, r[0]), q);
	assert_int_equal(lend_listing_count(l), 2);
	assert_int_equal(lend_book_id(lend_listing_book(l, 0)), y);
	assert_int_equal(lend_listing_key(l, 0), 2);
	assert_int_equal(lend_book_id(lend_listing_book(l, 1)), z);
	lend_listing_free(l);
	/* a reader asks for himself without a ticket; not for another */
	assert_int_equal(lend_list_query_set_ticket(q, 0), LEND_OK);
	l = list_page(t, th_as_reader(t, r[0]), q);
	assert_int_equal(lend_listing_count(l), 2);
	lend_listing_free(l);
	assert_int_equal(lend_list_query_set_reader(q, r[1]), LEND_OK);
	TH_RC(t, LEND_EPERM, lend_list_books(t->e, th_as_reader(t, r[0]), q, &l));
	lend_list_query_free(q);

	/* coming soon: future releases, soonest first; released, they are new */
	th_book_opts o = {0};
	o.title = "Later";
	o.release_at = th_now + 20 * TH_DAY;
	int64_t later = th_book_ex(t, &o);
	o.title = "Sooner";
	o.release_at = th_now + 10 * TH_DAY;
	int64_t sooner = th_book_ex(t, &o);
	assert_int_equal(lend_list_query_new(&q, LEND_LIST_SOON), LEND_OK);
	l = list_page(t, t->admin, q);
	assert_int_equal(lend_listing_count(l), 2);
	assert_int_equal(lend_book_id(lend_listing_book(l, 0)), sooner);
	assert_int_equal(lend_book_id(lend_listing_book(l, 1)), later);
	lend_listing_free(l);
	lend_list_query_free(q);
	assert_int_equal(lend_list_query_new(&q, LEND_LIST_NEW), LEND_OK);
	l = list_page(t, t->admin, q);
	for (size_t i = 0; i < lend_listing_count(l); i++)
		assert_true(lend_book_id(lend_listing_book(l, i)) != sooner);
	lend_listing_free(l);
	th_now += 15 * TH_DAY;
	l = list_page(t, t->admin, q);
	assert_int_equal(lend_book_id(lend_listing_book(l, 0)), sooner);
	lend_listing_free(l);
	lend_list_query_free(q);
}

static void test_listing_bad_input(void **state)
{
	th *t = *state;
	lend_list_query *q = NULL;
	assert_int_equal(lend_list_query_new(&q, 0), LEND_EINVAL);
	assert_int_equal(lend_list_query_new(&q, 8), LEND_EINVAL);
	assert_null(q);
	assert_int_equal(lend_list_query_new(&q, LEND_LIST_FUND), LEND_OK);
	assert_int_equal(lend_list_query_set_limit(q, 0), LEND_EINVAL);
	assert_int_equal(lend_list_query_set_limit(q, 1001), LEND_EINVAL);
	assert_int_equal(lend_list_query_set_days(q, 0), LEND_EINVAL);
	assert_int_equal(lend_list_query_set_kind(q, 3), LEND_EINVAL);
	assert_int_equal(lend_list_query_set_ticket(q, -1), LEND_EINVAL);
	assert_int_equal(lend_list_query_set_genre(q, ""), LEND_EINVAL);
	assert_int_equal(lend_list_query_set_genre(q, "\xff"), LEND_EINVAL);
	const char *bad[] = {"x", "1", "1.", ".1", "1.0", "1.-3", "1.2x", " 1.2", "+1.2", "1.2.3",
	                     "99999999999999999999.1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(lend_list_query_set_cursor(q, bad[i]), LEND_EINVAL);
	assert_int_equal(lend_list_query_set_cursor(q, "-5.7"), LEND_OK);
	assert_int_equal(lend_list_query_set_cursor(q, ""), LEND_OK);
	lend_listing *l = NULL;
	/* the fund of no library; of a library that does not exist */
	TH_RC(t, LEND_EINVAL, lend_list_books(t->e, t->admin, q, &l));
	assert_int_equal(lend_list_query_set_library(q, 999), LEND_OK);
	TH_RC(t, LEND_ENOTFOUND, lend_list_books(t->e, t->admin, q, &l));
	TH_RC(t, LEND_EINVAL, lend_list_books(t->e, NULL, q, &l));
	TH_RC(t, LEND_EINVAL, lend_list_books(t->e, t->admin, NULL, &l));
	assert_int_equal(lend_list_query_set_ticket(q, 999), LEND_OK);
	TH_RC(t, LEND_ENOTFOUND, lend_list_books(t->e, t->admin, q, &l));
	lend_list_query_free(q);
	assert_int_equal(lend_list_query_new(&q, LEND_LIST_AUTHOR), LEND_OK);
	TH_RC(t, LEND_EINVAL, lend_list_books(t->e, t->admin, q, &l));
	assert_int_equal(lend_list_query_set_author(q, 999), LEND_OK);
	TH_RC(t, LEND_ENOTFOUND, lend_list_books(t->e, t->admin, q, &l));
	lend_list_query_free(q);
	assert_int_equal(lend_list_query_new(&q, LEND_LIST_GENRE), LEND_OK);
	TH_RC(t, LEND_EINVAL, lend_list_books(t->e, t->admin, q, &l));
	assert_int_equal(lend_list_query_set_genre(q, "Nothing here"), LEND_OK);
	l = list_page(t, t->admin, q);
	assert_int_equal(lend_listing_count(l), 0);
	assert_string_equal(lend_listing_next(l), "");
	assert_null(lend_listing_book(l, 0));
	lend_listing_free(l);
	lend_list_query_free(q);
	assert_int_equal(lend_list_query_new(&q, LEND_LIST_RECOMMENDED), LEND_OK);
	TH_RC(t, LEND_EINVAL, lend_list_books(t->e, t->admin, q, &l));
	lend_list_query_free(q);
	lend_list_query_free(NULL);
	lend_listing_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pagination_neither_skips_nor_repeats, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_verdicts_and_withdrawn, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_popular_soon_recommended, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_listing_bad_input, th_setup_memory, th_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
