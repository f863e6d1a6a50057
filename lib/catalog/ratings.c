/* catalog/ratings.c — ratings 1 to 5 with per-star counts, reviews, moving
 * both when accounts merge, and the catalog's invariants. */
#include <stdio.h>

#include "catalog.h"

#define REVIEW_MAX 10000

/* The reader himself, or the administrator. */
static int need_self(lend_engine *e, const lend_actor *a, int64_t reader_id)
{
	TRY(lend__need_actor(e, a));
	if (a->kind == LEND_ACTOR_ADMIN || (a->kind == LEND_ACTOR_READER && a->reader_id == reader_id))
		return LEND_OK;
	return lend__fail(e, LEND_EPERM, "only the reader himself may rate or review as himself");
}

static int need_book(lend_engine *e, int64_t book_id)
{
	lend_sys_book b;
	char cur[4];
	return lend__load_book(e, book_id, &b, cur);
}

static int need_reader(lend_engine *e, int64_t reader_id)
{
	lend_sys_reader r;
	return lend__load_reader(e, reader_id, &r);
}

/* Add delta to the count of a book's stars (1..5). */
static int stats_add(lend_engine *e, int64_t book_id, int stars, int delta)
{
	lend_sys_rating_stats s;
	memset(&s, 0, sizeof s);
	TRY_ST(e, "rating stats", ST(e, rating_stats_get, book_id, &s));
	s.book_id = book_id;
	s.count[stars - 1] += delta;
	TRY_ST(e, "rating stats", ST(e, rating_stats_put, &s));
	return LEND_OK;
}

/* The reader's rating of a book, 0 stars if none. */
static int rating_of(lend_engine *e, int64_t reader_id, int64_t book_id, lend_sys_rating *r)
{
	memset(r, 0, sizeof *r);
	int rc = ST(e, rating_get, reader_id, book_id, r);
	if (rc == LEND_ENOTFOUND) {
		memset(r, 0, sizeof *r);
		return LEND_OK;
	}
	return rc == LEND_OK ? LEND_OK : lend__storage_fail(e, rc, "rating");
}

LEND_EXTERN int lend_rating_set(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id, int stars)
{
	LEND_ENTER(e);
	if (stars < 1 || stars > 5)
		return lend__fail(e, LEND_EINVAL, "a rating is 1 to 5 stars");
	TRY(need_self(e, a, reader_id));
	lend_sys_rating old;
	int rc = lend__begin(e, 1);
	if (rc == LEND_OK && (rc = need_reader(e, reader_id)) == LEND_OK && (rc = need_book(e, book_id)) == LEND_OK)
		rc = rating_of(e, reader_id, book_id, &old);
	if (rc == LEND_OK && old.stars != stars) {
		lend_sys_rating r = {reader_id, book_id, stars, e->now};
		if ((rc = ST(e, rating_put, &r)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "rating");
		if (rc == LEND_OK && old.stars)
			rc = stats_add(e, book_id, old.stars, -1);
		if (rc == LEND_OK)
			rc = stats_add(e, book_id, stars, +1);
		if (rc == LEND_OK)
			rc = lend__catalog_changed(e, book_id);
	}
	return lend__end(e, rc);
}

LEND_EXTERN int lend_rating_remove(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id)
{
	LEND_ENTER(e);
	TRY(need_self(e, a, reader_id));
	lend_sys_rating old;
	int rc = lend__begin(e, 1);
	if (rc == LEND_OK)
		rc = rating_of(e, reader_id, book_id, &old);
	if (rc == LEND_OK && !old.stars)
		rc = lend__fail(e, LEND_ENOTFOUND, "the reader has not rated this book");
	if (rc == LEND_OK && (rc = ST(e, rating_delete, reader_id, book_id)) != LEND_OK)
		rc = lend__storage_fail(e, rc, "rating");
	if (rc == LEND_OK)
		rc = stats_add(e, book_id, old.stars, -1);
	if (rc == LEND_OK)
		rc = lend__catalog_changed(e, book_id);
	return lend__end(e, rc);
}

LEND_EXTERN int lend_rating_get(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id, int *stars)
{
	LEND_ENTER(e);
	if (!stars)
		return lend__fail(e, LEND_EINVAL, "stars is NULL");
	*stars = 0;
	TRY(need_self(e, a, reader_id));
	lend_sys_rating r;
	int rc = lend__begin(e, 0);
	if (rc == LEND_OK)
		rc = rating_of(e, reader_id, book_id, &r);
	rc = lend__end(e, rc);
	if (rc == LEND_OK)
		*stars = r.stars;
	return rc;
}

struct lend_rating_summary {
	int64_t book_id;
	int64_t count[5];
	int64_t total;
	double average;
};

LEND_EXTERN int lend_book_rating(lend_engine *e, const lend_actor *a, int64_t book_id, lend_rating_summary **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(lend__need_actor(e, a));
	lend_rating_summary *s = calloc(1, sizeof *s);
	if (!s)
		return lend__nomem(e);
	lend_sys_rating_stats st;
	memset(&st, 0, sizeof st);
	int rc = lend__begin(e, 0);
	if (rc == LEND_OK && (rc = need_book(e, book_id)) == LEND_OK &&
	    (rc = ST(e, rating_stats_get, book_id, &st)) != LEND_OK)
		rc = lend__storage_fail(e, rc, "rating stats");
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		free(s);
		return rc;
	}
	int64_t sum = 0;
	s->book_id = book_id;
	for (int i = 0; i < 5; i++) {
		s->count[i] = st.count[i];
		s->total += st.count[i];
		sum += st.count[i] * (i + 1);
	}
	s->average = s->total ? (double)sum / (double)s->total : 0.0;
	*out = s;
	return LEND_OK;
}

LEND_EXTERN int64_t lend_rating_summary_total(const lend_rating_summary *s) { return s ? s->total : 0; }
LEND_EXTERN int64_t lend_rating_summary_count(const lend_rating_summary *s, int stars)
{
	return s && stars >= 1 && stars <= 5 ? s->count[stars - 1] : 0;
}
LEND_EXTERN double lend_rating_summary_average(const lend_rating_summary *s) { return s ? s->average : 0.0; }
LEND_EXTERN void lend_rating_summary_free(lend_rating_summary *s) { free(s); }

/* ------------------------------------------------------------- reviews */

struct lend_review {
	lend_sys_review row;
	char *text;
};
struct lend_reviews {
	lend__vec v;
};

LEND_EXTERN void lend_review_free(lend_review *r)
{
	if (r) {
		free(r->text);
		free(r);
	}
}

static lend_review *review_from(const lend_sys_review *row)
{
	lend_review *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->row = *row;
	if (!(r->text = lend__strdup(row->text))) {
		free(r);
		return NULL;
	}
	r->row.text = r->text;
	return r;
}

LEND_EXTERN int64_t lend_review_id(const lend_review *r) { return r ? r->row.id : 0; }
LEND_EXTERN int64_t lend_review_reader_id(const lend_review *r) { return r ? r->row.reader_id : 0; }
LEND_EXTERN int64_t lend_review_book_id(const lend_review *r) { return r ? r->row.book_id : 0; }
LEND_EXTERN const char *lend_review_text(const lend_review *r) { return r ? r->text : ""; }
LEND_EXTERN int64_t lend_review_created_at(const lend_review *r) { return r ? r->row.created_at : 0; }
LEND_EXTERN int64_t lend_review_updated_at(const lend_review *r) { return r ? r->row.updated_at : 0; }
LEND_EXTERN size_t lend_reviews_count(const lend_reviews *l) { return l ? l->v.n : 0; }
LEND_EXTERN const lend_review *lend_reviews_get(const lend_reviews *l, size_t i)
{
	return l && i < l->v.n ? l->v.items[i] : NULL;
}
LEND_EXTERN void lend_reviews_free(lend_reviews *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->v.n; i++)
		lend_review_free(l->v.items[i]);
	free(l->v.items);
	free(l);
}

static int review_text_ok(lend_engine *e, const char *text)
{
	int rc = text && *text ? lend__multiline_ok(text, REVIEW_MAX) : LEND_EINVAL;
	if (rc == LEND_ENOMEM)
		return lend__nomem(e);
	if (rc != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "a review is valid UTF-8 text of 1 to %d bytes", REVIEW_MAX);
	return LEND_OK;
}

LEND_EXTERN int lend_review_add(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id,
                                const char *text, int64_t *id_out)
{
	LEND_ENTER(e);
	if (id_out)
		*id_out = 0;
	TRY(review_text_ok(e, text));
	TRY(need_self(e, a, reader_id));
	lend_sys_review r = {0, reader_id, book_id, text, e->now, e->now};
	int rc = lend__begin(e, 1);
	r.created_at = r.updated_at = e->now;
	if (rc == LEND_OK && (rc = need_reader(e, reader_id)) == LEND_OK && (rc = need_book(e, book_id)) == LEND_OK &&
	    (rc = ST(e, review_insert, &r)) != LEND_OK)
		rc = lend__storage_fail(e, rc, "review");
	rc = lend__end(e, rc);
	if (rc == LEND_OK && id_out)
		*id_out = r.id;
	return rc;
}

static int review_copy_cb(void *ctx, const lend_sys_review *row)
{
	lend_review **out = ctx;
	*out = review_from(row);
	return *out ? 0 : 1;
}

/* Load a review the actor may change (its writer, or the administrator). */
static int review_own(lend_engine *e, const lend_actor *a, int64_t review_id, lend_review **out)
{
	*out = NULL;
	int rc = ST(e, review_get, review_id, review_copy_cb, out);
	if (rc == 1)
		return lend__nomem(e);
	if (rc != LEND_OK)
		return lend__storage_fail(e, rc, "review");
	if (a->kind != LEND_ACTOR_ADMIN && !(a->kind == LEND_ACTOR_READER && a->reader_id == (*out)->row.reader_id)) {
		lend_review_free(*out);
		*out = NULL;
		return lend__fail(e, LEND_EPERM, "only its writer may change a review");
	}
	return LEND_OK;
}

LEND_EXTERN int lend_review_edit(lend_engine *e, const lend_actor *a, int64_t review_id, const char *text)
{
	LEND_ENTER(e);
	TRY(review_text_ok(e, text));
	TRY(lend__need_actor(e, a));
	lend_review *r = NULL;
	int rc = lend__begin(e, 1);
	if (rc == LEND_OK && (rc = review_own(e, a, review_id, &r)) == LEND_OK) {
		r->row.text = text;
		r->row.updated_at = e->now;
		if ((rc = ST(e, review_update, &r->row)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "review");
	}
	lend_review_free(r);
	return lend__end(e, rc);
}

LEND_EXTERN int lend_review_delete(lend_engine *e, const lend_actor *a, int64_t review_id)
{
	LEND_ENTER(e);
	TRY(lend__need_actor(e, a));
	lend_review *r = NULL;
	int rc = lend__begin(e, 1);
	if (rc == LEND_OK && (rc = review_own(e, a, review_id, &r)) == LEND_OK &&
	    (rc = ST(e, review_delete, review_id)) != LEND_OK)
		rc = lend__storage_fail(e, rc, "review");
	lend_review_free(r);
	return lend__end(e, rc);
}

static int review_push_cb(void *ctx, const lend_sys_review *row)
{
	lend_review *r = review_from(row);
	if (!r || lend__vec_push(ctx, r) != LEND_OK) {
		lend_review_free(r);
		return 1;
	}
	return 0;
}

LEND_EXTERN int lend_review_list(lend_engine *e, const lend_actor *a, int64_t book_id, int64_t before_id, int limit,
                                 lend_reviews **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	if (limit < 1 || limit > 1000 || before_id < 0)
		return lend__fail(e, LEND_EINVAL, "limit is 1 to 1000");
	TRY(lend__need_actor(e, a));
	lend_reviews *l = calloc(1, sizeof *l);
	if (!l)
		return lend__nomem(e);
	int rc = lend__begin(e, 0);
	if (rc == LEND_OK && (rc = need_book(e, book_id)) == LEND_OK) {
		rc = ST(e, review_list, book_id, 0, before_id, limit, review_push_cb, &l->v);
		if (rc == 1)
			rc = lend__nomem(e);
		else if (rc != LEND_OK)
			rc = lend__storage_fail(e, rc, "reviews");
	}
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_reviews_free(l);
		return rc;
	}
	*out = l;
	return LEND_OK;
}

/* --------------------------------------------------------------- merge */

static int review_id_cb(void *ctx, const lend_sys_review *row)
{
	return lend__rows_push(ctx, row);
}

static int rating_row_cb(void *ctx, const lend_sys_rating *row)
{
	return lend__rows_push(ctx, row);
}

int lend__catalog_merge_readers(lend_engine *e, int64_t from_reader, int64_t to_reader)
{
	if (from_reader == to_reader || lend__catalog_lacks(e))
		return LEND_OK;
	lend__rows rs = LEND_ROWS(lend_sys_rating);
	TRY(lend__rows_status(e, &rs, ST(e, rating_list, from_reader, 0, rating_row_cb, &rs), "ratings"));
	int rc = LEND_OK;
	for (size_t i = 0; rc == LEND_OK && i < rs.n; i++) {
		lend_sys_rating from = LEND_ROW(rs, lend_sys_rating, i), to;
		if ((rc = rating_of(e, to_reader, from.book_id, &to)) != LEND_OK)
			break;
		if ((rc = ST(e, rating_delete, from_reader, from.book_id)) != LEND_OK) {
			rc = lend__storage_fail(e, rc, "rating");
			break;
		}
		if (to.stars && to.rated_at >= from.rated_at) {
			rc = stats_add(e, from.book_id, from.stars, -1); /* the newer (to's) stays */
		} else {
			if (to.stars)
				rc = stats_add(e, from.book_id, to.stars, -1);
			from.reader_id = to_reader;
			if (rc == LEND_OK && (rc = ST(e, rating_put, &from)) != LEND_OK)
				rc = lend__storage_fail(e, rc, "rating");
		}
		if (rc == LEND_OK)
			rc = lend__catalog_changed(e, from.book_id);
	}
	lend__rows_free(&rs);
	if (rc != LEND_OK)
		return rc;
	lend__rows rv = LEND_ROWS(lend_sys_review);
	TRY(lend__rows_status(e, &rv, ST(e, review_list, 0, from_reader, 0, 0, review_id_cb, &rv), "reviews"));
	for (size_t i = 0; rc == LEND_OK && i < rv.n; i++) {
		lend_sys_review r = LEND_ROW(rv, lend_sys_review, i);
		/* only the id and reader change: keep the text by reading it again */
		lend_review *full = NULL;
		rc = ST(e, review_get, r.id, review_copy_cb, &full);
		if (rc == 1)
			rc = lend__nomem(e);
		else if (rc != LEND_OK)
			rc = lend__storage_fail(e, rc, "review");
		if (rc == LEND_OK) {
			full->row.reader_id = to_reader;
			if ((rc = ST(e, review_update, &full->row)) != LEND_OK)
				rc = lend__storage_fail(e, rc, "review");
		}
		lend_review_free(full);
	}
	lend__rows_free(&rv);
	return rc;
}

static int stats_row_cb(void *ctx, const lend_sys_rating_stats *row)
{
	return lend__rows_push(ctx, row);
}

/* --------------------------------------------------------------- check */

/* Fold the ratings (ordered by book) into per-book counts. */
static int count_rating_cb(void *ctx, const lend_sys_rating *row)
{
	lend__rows *r = ctx;
	lend_sys_rating_stats *last = r->n ? &LEND_ROW(*r, lend_sys_rating_stats, r->n - 1) : NULL;
	if (!last || last->book_id != row->book_id) {
		lend_sys_rating_stats s;
		memset(&s, 0, sizeof s);
		s.book_id = row->book_id;
		if (lend__rows_push(r, &s))
			return 1;
		last = &LEND_ROW(*r, lend_sys_rating_stats, r->n - 1);
	}
	/* stars out of range count in no column, so they show as a mismatch */
	if (row->stars >= 1 && row->stars <= 5)
		last->count[row->stars - 1]++;
	else
		last->count[0] += 1000000;
	return 0;
}

int lend__catalog_check(lend_engine *e, lend_report *rep)
{
	if (lend__catalog_lacks(e))
		return LEND_OK;
	lend__rows stored = LEND_ROWS(lend_sys_rating_stats), counted = LEND_ROWS(lend_sys_rating_stats);
	TRY(lend__rows_status(e, &stored, ST(e, rating_stats_list, stats_row_cb, &stored), "rating stats"));
	int rc = lend__rows_status(e, &counted, ST(e, rating_list, 0, 0, count_rating_cb, &counted), "ratings");
	size_t i = 0, j = 0;
	static const lend_sys_rating_stats none;
	while (rc == LEND_OK && (i < stored.n || j < counted.n)) {
		const lend_sys_rating_stats *s = i < stored.n ? &LEND_ROW(stored, lend_sys_rating_stats, i) : NULL;
		const lend_sys_rating_stats *c = j < counted.n ? &LEND_ROW(counted, lend_sys_rating_stats, j) : NULL;
		int64_t book = !s ? c->book_id : !c ? s->book_id : s->book_id < c->book_id ? s->book_id : c->book_id;
		const lend_sys_rating_stats *x = s && s->book_id == book ? (i++, s) : &none;
		const lend_sys_rating_stats *y = c && c->book_id == book ? (j++, c) : &none;
		for (int k = 0; rc == LEND_OK && k < 5; k++)
			if (x->count[k] != y->count[k] &&
			    lend__report_add(rep, "book %lld: %lld ratings of %d stars stored, %lld rows", (long long)book,
			                     (long long)x->count[k], k + 1, (long long)y->count[k]) != LEND_OK)
				rc = lend__nomem(e);
	}
	lend__rows_free(&stored);
	lend__rows_free(&counted);
	return rc;
}
