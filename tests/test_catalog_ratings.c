/* tests/test_catalog_ratings.c — ratings and their per-star counts, reviews,
 * and moving both when two accounts merge. */
#include <stdio.h>
#include <string.h>

#include "fault.h"
#include "internal.h"

static void expect_counts(th *t, int64_t book, int64_t c1, int64_t c2, int64_t c3, int64_t c4, int64_t c5)
{
	lend_rating_summary *s = NULL;
	TH_OK(t, lend_book_rating(t->e, t->admin, book, &s));
	int64_t want[5] = {c1, c2, c3, c4, c5}, total = 0, sum = 0;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(lend_rating_summary_count(s, i + 1), want[i]);
		total += want[i];
		sum += want[i] * (i + 1);
	}
	assert_int_equal(lend_rating_summary_total(s), total);
	double avg = total ? (double)sum / (double)total : 0.0;
	assert_true(lend_rating_summary_average(s) > avg - 1e-9 && lend_rating_summary_average(s) < avg + 1e-9);
	assert_int_equal(lend_rating_summary_count(s, 0), 0);
	assert_int_equal(lend_rating_summary_count(s, 6), 0);
	lend_rating_summary_free(s);
}

static void test_rating_statistics_under_changes(void **state)
{
	th *t = *state;
	int64_t book = th_book(t, "Rated", LEND_KIND_EBOOK, 0, 0), other = th_book(t, "Other", LEND_KIND_EBOOK, 0, 0);
	int64_t r[4];
	for (int i = 0; i < 4; i++)
		r[i] = th_reader(t, "R", 1990, 1, 1);
	expect_counts(t, book, 0, 0, 0, 0, 0);
	TH_OK(t, lend_rating_set(t->e, th_as_reader(t, r[0]), r[0], book, 5));
	TH_OK(t, lend_rating_set(t->e, th_as_reader(t, r[1]), r[1], book, 4));
	TH_OK(t, lend_rating_set(t->e, th_as_reader(t, r[2]), r[2], book, 4));
	TH_OK(t, lend_rating_set(t->e, th_as_reader(t, r[3]), r[3], other, 1));
	expect_counts(t, book, 0, 0, 0, 2, 1);
	/* changing a rating moves it between stars; the same value again is no change */
	TH_OK(t, lend_rating_set(t->e, th_as_reader(t, r[1]), r[1], book, 2));
	TH_OK(t, lend_rating_set(t->e, th_as_reader(t, r[1]), r[1], book, 2));
	expect_counts(t, book, 0, 1, 0, 1, 1);
	int stars = -1;
	TH_OK(t, lend_rating_get(t->e, th_as_reader(t, r[1]), r[1], book, &stars));
	assert_int_equal(stars, 2);
	/* removing */
	TH_OK(t, lend_rating_remove(t->e, th_as_reader(t, r[0]), r[0], book));
	TH_RC(t, LEND_ENOTFOUND, lend_rating_remove(t->e, th_as_reader(t, r[0]), r[0], book));
	TH_OK(t, lend_rating_get(t->e, th_as_reader(t, r[0]), r[0], book, &stars));
	assert_int_equal(stars, 0);
	expect_counts(t, book, 0, 1, 0, 1, 0);
	expect_counts(t, other, 1, 0, 0, 0, 0);
	/* the admin acts for a reader */
	TH_OK(t, lend_rating_set(t->e, t->admin, r[0], book, 3));
	expect_counts(t, book, 0, 1, 1, 1, 0);
	th_check_clean(t);
}

static void test_rating_refusals_change_nothing(void **state)
{
	th *t = *state;
	int64_t book = th_book(t, "Rated", LEND_KIND_EBOOK, 0, 0);
	int64_t r = th_reader(t, "R", 1990, 1, 1), r2 = th_reader(t, "R2", 1990, 1, 1);
	int64_t lib = th_library(t, "L", 0);
	TH_OK(t, lend_library_grant(t->e, t->admin, lib, r2));
	TH_OK(t, lend_rating_set(t->e, th_as_reader(t, r), r, book, 4));
	char *before = th_dump_db(t->path);
	TH_RC(t, LEND_EINVAL, lend_rating_set(t->e, th_as_reader(t, r), r, book, 0));
	TH_RC(t, LEND_EINVAL, lend_rating_set(t->e, th_as_reader(t, r), r, book, 6));
	TH_RC(t, LEND_EINVAL, lend_rating_set(t->e, th_as_reader(t, r), r, book, -1));
	TH_RC(t, LEND_EPERM, lend_rating_set(t->e, th_as_reader(t, r2), r, book, 1));
	TH_RC(t, LEND_EPERM, lend_rating_set(t->e, th_as_librarian(t, r2), r, book, 1));
	TH_RC(t, LEND_EPERM, lend_rating_remove(t->e, th_as_reader(t, r2), r, book));
	TH_RC(t, LEND_EINVAL, lend_rating_set(t->e, NULL, r, book, 1));
	TH_RC(t, LEND_ENOTFOUND, lend_rating_set(t->e, th_as_reader(t, r), r, 999, 1));
	TH_RC(t, LEND_ENOTFOUND, lend_rating_set(t->e, t->admin, 999, book, 1));
	int stars;
	TH_RC(t, LEND_EPERM, lend_rating_get(t->e, th_as_reader(t, r2), r, book, &stars));
	TH_RC(t, LEND_EINVAL, lend_rating_get(t->e, th_as_reader(t, r), r, book, NULL));
	lend_rating_summary *s = NULL;
	TH_RC(t, LEND_ENOTFOUND, lend_book_rating(t->e, t->admin, 999, &s));
	assert_null(s);
	char *after = th_dump_db(t->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	th_check_clean(t);
}

static void test_reviews(void **state)
{
	th *t = *state;
	int64_t book = th_book(t, "Reviewed", LEND_KIND_EBOOK, 0, 0);
	int64_t r = th_reader(t, "R", 1990, 1, 1), r2 = th_reader(t, "R2", 1990, 1, 1);
	int64_t ids[5];
	for (int i = 0; i < 5; i++) {
		char text[64];
		snprintf(text, sizeof text, "Review %d\nsecond line", i);
		th_now += 60;
		TH_OK(t, lend_review_add(t->e, th_as_reader(t, i % 2 ? r2 : r), i % 2 ? r2 : r, book, text, &ids[i]));
	}
	/* newest first, in pages that continue at the last id seen */
	lend_reviews *l = NULL;
	TH_OK(t, lend_review_list(t->e, t->admin, book, 0, 2, &l));
	assert_int_equal(lend_reviews_count(l), 2);
	assert_int_equal(lend_review_id(lend_reviews_get(l, 0)), ids[4]);
	assert_int_equal(lend_review_id(lend_reviews_get(l, 1)), ids[3]);
	int64_t last = lend_review_id(lend_reviews_get(l, 1));
	lend_reviews_free(l);
	/* a review written between pages does not disturb the next page */
	TH_OK(t, lend_review_add(t->e, th_as_reader(t, r), r, book, "Late", NULL));
	TH_OK(t, lend_review_list(t->e, th_as_reader(t, r2), book, last, 10, &l));
	assert_int_equal(lend_reviews_count(l), 3);
	assert_int_equal(lend_review_id(lend_reviews_get(l, 0)), ids[2]);
	assert_int_equal(lend_review_id(lend_reviews_get(l, 2)), ids[0]);
	assert_string_equal(lend_review_text(lend_reviews_get(l, 2)), "Review 0\nsecond line");
	assert_int_equal(lend_review_reader_id(lend_reviews_get(l, 2)), r);
	assert_int_equal(lend_review_book_id(lend_reviews_get(l, 2)), book);
	lend_reviews_free(l);

	/* edit own; not another's */
	th_now += 3600;
	TH_OK(t, lend_review_edit(t->e, th_as_reader(t, r), ids[0], "Changed my mind"));
	char *before = th_dump_db(t->path);
	TH_RC(t, LEND_EPERM, lend_review_edit(t->e, th_as_reader(t, r2), ids[0], "Vandal"));
	TH_RC(t, LEND_EPERM, lend_review_delete(t->e, th_as_reader(t, r2), ids[0]));
	TH_RC(t, LEND_EINVAL, lend_review_edit(t->e, th_as_reader(t, r), ids[0], ""));
	TH_RC(t, LEND_EINVAL, lend_review_edit(t->e, th_as_reader(t, r), ids[0], "bad \xff"));
	TH_RC(t, LEND_EINVAL, lend_review_add(t->e, th_as_reader(t, r), r, book, NULL, NULL));
	TH_RC(t, LEND_EPERM, lend_review_add(t->e, th_as_reader(t, r), r2, book, "as another", NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_review_add(t->e, th_as_reader(t, r), r, 999, "no book", NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_review_edit(t->e, th_as_reader(t, r), 999, "none"));
	TH_RC(t, LEND_ENOTFOUND, lend_review_delete(t->e, th_as_reader(t, r), 999));
	TH_RC(t, LEND_EINVAL, lend_review_list(t->e, t->admin, book, 0, 0, &l));
	TH_RC(t, LEND_EINVAL, lend_review_list(t->e, t->admin, book, -1, 10, &l));
	TH_RC(t, LEND_ENOTFOUND, lend_review_list(t->e, t->admin, 999, 0, 10, &l));
	char big[10002];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	TH_RC(t, LEND_EINVAL, lend_review_add(t->e, th_as_reader(t, r), r, book, big, NULL));
	char *after = th_dump_db(t->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	TH_OK(t, lend_review_list(t->e, t->admin, book, ids[0] + 1, 1, &l));
	assert_string_equal(lend_review_text(lend_reviews_get(l, 0)), "Changed my mind");
	assert_int_equal(lend_review_updated_at(lend_reviews_get(l, 0)), th_now);
	assert_true(lend_review_created_at(lend_reviews_get(l, 0)) < th_now);
	lend_reviews_free(l);
	/* delete own; the admin moderates */
	TH_OK(t, lend_review_delete(t->e, th_as_reader(t, r), ids[0]));
	TH_OK(t, lend_review_delete(t->e, t->admin, ids[1]));
	TH_OK(t, lend_review_list(t->e, t->admin, book, 0, 100, &l));
	assert_int_equal(lend_reviews_count(l), 4);
	lend_reviews_free(l);
	th_check_clean(t);
}

static void test_merge_moves_ratings_and_reviews(void **state)
{
	th *t = *state;
	int64_t b1 = th_book(t, "B1", LEND_KIND_EBOOK, 0, 0), b2 = th_book(t, "B2", LEND_KIND_EBOOK, 0, 0);
	int64_t b3 = th_book(t, "B3", LEND_KIND_EBOOK, 0, 0);
	int64_t from = th_reader(t, "Old account", 1990, 1, 1), to = th_reader(t, "Main account", 1990, 1, 1);
	/* both rated b1: "to" later, so his stays; both rated b2: "from"
	 * later, so his wins; only "from" rated b3 */
	TH_OK(t, lend_rating_set(t->e, t->admin, from, b1, 1));
	TH_OK(t, lend_rating_set(t->e, t->admin, to, b2, 2));
	th_now += 60;
	TH_OK(t, lend_rating_set(t->e, t->admin, to, b1, 5));
	TH_OK(t, lend_rating_set(t->e, t->admin, from, b2, 4));
	TH_OK(t, lend_rating_set(t->e, t->admin, from, b3, 3));
	int64_t rv1, rv2;
	TH_OK(t, lend_review_add(t->e, t->admin, from, b1, "old account's review", &rv1));
	TH_OK(t, lend_review_add(t->e, t->admin, to, b1, "main account's review", &rv2));

	TH_OK(t, lend__begin(t->e, 1));
	int rc = lend__catalog_merge_readers(t->e, from, to);
	assert_int_equal(lend__end(t->e, rc), LEND_OK);

	int stars;
	TH_OK(t, lend_rating_get(t->e, t->admin, to, b1, &stars));
	assert_int_equal(stars, 5);
	TH_OK(t, lend_rating_get(t->e, t->admin, to, b2, &stars));
	assert_int_equal(stars, 4);
	TH_OK(t, lend_rating_get(t->e, t->admin, to, b3, &stars));
	assert_int_equal(stars, 3);
	for (int64_t b = b1; b <= b3; b++) {
		TH_OK(t, lend_rating_get(t->e, t->admin, from, b, &stars));
		assert_int_equal(stars, 0);
	}
	expect_counts(t, b1, 0, 0, 0, 0, 1);
	expect_counts(t, b2, 0, 0, 0, 1, 0);
	expect_counts(t, b3, 0, 0, 1, 0, 0);
	/* both reviews kept, both now the main account's, text intact */
	lend_reviews *l = NULL;
	TH_OK(t, lend_review_list(t->e, t->admin, b1, 0, 10, &l));
	assert_int_equal(lend_reviews_count(l), 2);
	assert_int_equal(lend_review_reader_id(lend_reviews_get(l, 0)), to);
	assert_int_equal(lend_review_reader_id(lend_reviews_get(l, 1)), to);
	assert_string_equal(lend_review_text(lend_reviews_get(l, 1)), "old account's review");
	lend_reviews_free(l);
	/* the merged reader edits the moved review as his own */
	TH_OK(t, lend_review_edit(t->e, th_as_reader(t, to), rv1, "edited"));
	th_check_clean(t);
}

static void test_check_finds_wrong_counts(void **state)
{
	th *t = *state;
	int64_t book = th_book(t, "B", LEND_KIND_EBOOK, 0, 0), r = th_reader(t, "R", 1990, 1, 1);
	TH_OK(t, lend_rating_set(t->e, t->admin, r, book, 4));
	th_check_clean(t);
	/* corrupt the stored counts behind the engine's back */
	lend_storage *st = &t->e->st;
	lend_sys_rating_stats s;
	memset(&s, 0, sizeof s);
	s.book_id = book;
	s.count[2] = 1;
	TH_OK(t, lend__begin(t->e, 1));
	assert_int_equal(st->rating_stats_put(st->userdata, &s), LEND_OK);
	TH_OK(t, lend__end(t->e, LEND_OK));
	lend_report *rep = NULL;
	TH_OK(t, lend_engine_check(t->e, &rep));
	assert_int_equal(lend_report_count(rep), 2); /* 3 stars: 1 vs 0; 4 stars: 0 vs 1 */
	lend_report_free(rep);
}

/* ------------------------------------------------------ storage faults */

/* The pre-state: two readers, two books; reader 1 rated book 1 with 4 stars
 * and wrote review 1; reader 2 rated book 1 with 2 stars. */
static char template_db[96];
static int64_t F_R1, F_R2, F_B1, F_B2, F_REVIEW;

static void build_faults_template(void)
{
	th_temp_path(template_db, sizeof template_db);
	th_now = TH_START;
	fault *f;
	th t;
	memset(&t, 0, sizeof t);
	t.e = fault_open(template_db, &f);
	assert_int_equal(lend_actor_admin(t.e, &t.admin), LEND_OK);
	F_R1 = th_reader(&t, "R1", 1990, 1, 1);
	F_R2 = th_reader(&t, "R2", 1990, 1, 1);
	F_B1 = th_book(&t, "B1", LEND_KIND_EBOOK, 0, 0);
	F_B2 = th_book(&t, "B2", LEND_KIND_EBOOK, 0, 0);
	TH_OK(&t, lend_rating_set(t.e, t.admin, F_R1, F_B1, 4));
	TH_OK(&t, lend_rating_set(t.e, t.admin, F_R2, F_B1, 2));
	TH_OK(&t, lend_review_add(t.e, t.admin, F_R1, F_B1, "first", &F_REVIEW));
	lend_actor_free(t.admin);
	lend_engine_close(t.e);
}

typedef int (*fault_op)(lend_engine *e, lend_actor *admin);

static int op_rate_change(lend_engine *e, lend_actor *a) { return lend_rating_set(e, a, F_R1, F_B1, 5); }
static int op_rate_new(lend_engine *e, lend_actor *a) { return lend_rating_set(e, a, F_R2, F_B2, 3); }
static int op_rate_remove(lend_engine *e, lend_actor *a) { return lend_rating_remove(e, a, F_R2, F_B1); }
static int op_review_add(lend_engine *e, lend_actor *a) { return lend_review_add(e, a, F_R2, F_B1, "second", NULL); }
static int op_review_edit(lend_engine *e, lend_actor *a) { return lend_review_edit(e, a, F_REVIEW, "changed"); }
static int op_review_delete(lend_engine *e, lend_actor *a) { return lend_review_delete(e, a, F_REVIEW); }
static int op_merge(lend_engine *e, lend_actor *a)
{
	(void)a;
	int rc = lend__begin(e, 1);
	if (rc == LEND_OK)
		rc = lend__catalog_merge_readers(e, F_R2, F_R1);
	return lend__end(e, rc);
}

static void clean(lend_engine *e)
{
	lend_report *rep = NULL;
	assert_int_equal(lend_engine_check(e, &rep), LEND_OK);
	for (size_t i = 0; i < lend_report_count(rep); i++)
		print_message("check: %s\n", lend_report_get(rep, i));
	assert_int_equal(lend_report_count(rep), 0);
	lend_report_free(rep);
}

/* Fail each storage call of op in turn: nothing changes, the check stays
 * clean, and op then succeeds. */
static void every_call_fails(const char *name, fault_op op)
{
	char work[96];
	long n = -1;
	for (long k = 0; k <= n || n < 0; k++) {
		th_temp_path(work, sizeof work);
		th_remove_db(work);
		th_copy_file(template_db, work);
		th_now = TH_START + 60;
		fault *f;
		lend_engine *e = fault_open(work, &f);
		lend_actor *admin = NULL;
		assert_int_equal(lend_actor_admin(e, &admin), LEND_OK);
		char *before = th_dump_db(work);
		f->calls = 0;
		f->fail_at = k;
		int rc = op(e, admin);
		f->fail_at = 0;
		if (k == 0) {
			assert_int_equal(rc, LEND_OK);
			n = f->calls;
		} else {
			if (rc != LEND_ESTORAGE)
				print_message("%s: call %ld of %ld: %d %s\n", name, k, n, rc, lend_engine_errmsg(e));
			assert_int_equal(rc, LEND_ESTORAGE);
			char *after = th_dump_db(work);
			assert_string_equal(before, after);
			free(after);
			clean(e);
			assert_int_equal(op(e, admin), LEND_OK);
		}
		clean(e);
		free(before);
		lend_actor_free(admin);
		lend_engine_close(e);
		th_remove_db(work);
	}
	print_message("%s: %ld storage calls, each failed once\n", name, n);
}

static void test_faults(void **state)
{
	(void)state;
	build_faults_template();
	every_call_fails("rating change", op_rate_change);
	every_call_fails("rating new", op_rate_new);
	every_call_fails("rating remove", op_rate_remove);
	every_call_fails("review add", op_review_add);
	every_call_fails("review edit", op_review_edit);
	every_call_fails("review delete", op_review_delete);
	every_call_fails("merge", op_merge);
	th_remove_db(template_db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rating_statistics_under_changes, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_rating_refusals_change_nothing, th_setup_file, th_teardown),
		cmocka_unit_test_setup_teardown(test_reviews, th_setup_file, th_teardown),
		cmocka_unit_test_setup_teardown(test_merge_moves_ratings_and_reviews, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_check_finds_wrong_counts, th_setup_memory, th_teardown),
		cmocka_unit_test(test_faults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
