/* desk_license.c — licenses with terms, like those of the ODL standard
 * (spec sections 1 and 6): a fund entry may hold several licenses, each
 * lending `copies` at once, until an optional expiry, for an optional number
 * of checkouts. Copies added without terms are perpetual.
 *
 * The fund row's copies stay the one count circulation decides on: the
 * perpetual copies, plus each open license's copies, plus each closed
 * license's loans still running. A license closes when it expires (at the
 * settle after its time) or when its last checkout is issued; it then lends
 * no more, and each of its loans that ends takes its copy out of the fund.
 * A new loan runs on the open license with a free copy that expires
 * soonest (licenses without expiry after those with one, oldest first),
 * and on a perpetual copy only when no license has one free. */
#include <stdio.h>

#include "desk_int.h"

struct lend_license {
	lend_sys_license row;
	int on_loan;
};

struct lend_licenses {
	lend__vec v;
};

LEND_EXTERN int64_t lend_license_id(const lend_license *l) { return l ? l->row.id : 0; }
LEND_EXTERN int64_t lend_license_library_id(const lend_license *l) { return l ? l->row.library_id : 0; }
LEND_EXTERN int64_t lend_license_book_id(const lend_license *l) { return l ? l->row.book_id : 0; }
LEND_EXTERN int lend_license_copies(const lend_license *l) { return l ? l->row.copies : 0; }
LEND_EXTERN int64_t lend_license_expires_at(const lend_license *l) { return l ? l->row.expires_at : 0; }
LEND_EXTERN int64_t lend_license_checkouts_left(const lend_license *l) { return l ? l->row.checkouts_left : 0; }
LEND_EXTERN int64_t lend_license_created_at(const lend_license *l) { return l ? l->row.created_at : 0; }
LEND_EXTERN int64_t lend_license_closed_at(const lend_license *l) { return l ? l->row.closed_at : 0; }
LEND_EXTERN int lend_license_on_loan(const lend_license *l) { return l ? l->on_loan : 0; }
LEND_EXTERN size_t lend_licenses_count(const lend_licenses *l) { return l ? l->v.n : 0; }
LEND_EXTERN const lend_license *lend_licenses_get(const lend_licenses *l, size_t i)
{
	return l && i < l->v.n ? l->v.items[i] : NULL;
}
LEND_EXTERN void lend_licenses_free(lend_licenses *l)
{
	if (l)
		lend__desk_vec_free(&l->v, free);
	free(l);
}

static int push_license(void *ctx, const lend_sys_license *row)
{
	return lend__rows_push(ctx, row);
}

static int collect_licenses(lend_engine *e, const lend_sys_license_filter *f, lend__rows *c)
{
	*c = (lend__rows)LEND_ROWS(lend_sys_license);
	return lend__rows_status(e, c, ST(e, license_list, f, push_license, c), "license list");
}

static int licenses_of(lend_engine *e, int64_t library_id, int64_t book_id, int open, lend__rows *c)
{
	lend_sys_license_filter f;
	memset(&f, 0, sizeof f);
	f.library_id = library_id;
	f.book_id = book_id;
	f.open = open;
	return collect_licenses(e, &f, c);
}

static int active_loans(lend_engine *e, int64_t license_id, int64_t *n)
{
	TRY_ST(e, "license loans", ST(e, license_loans, license_id, n));
	return LEND_OK;
}

/* Spending order: soonest expiry first, no expiry last, then oldest. */
static int spend_order(const void *a, const void *b)
{
	const lend_sys_license *x = a, *y = b;
	int64_t ex = x->expires_at ? x->expires_at : INT64_MAX, ey = y->expires_at ? y->expires_at : INT64_MAX;
	if (ex != ey)
		return ex < ey ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Close an open license at `when`: its free copies leave the fund. */
static int close_license(lend_engine *e, lend_sys_license *l, int64_t active, int64_t when, lend_sys_fund *f)
{
	l->closed_at = when;
	TRY_ST(e, "license update", ST(e, license_update, l));
	f->copies -= (int)(l->copies - active);
	f->updated_at = e->now;
	TRY_ST(e, "fund update", ST(e, fund_put, f));
	/* Reservations beyond what is left wait for a copy again. */
	return lend__desk_reserve_trim(e, f);
}

int lend__desk_license_bind(lend_engine *e, const lend_sys_loan *loan, lend_sys_fund *f)
{
	if (lend__desk_lacks(e))
		return LEND_OK;
	lend__rows c;
	TRY(licenses_of(e, loan->library_id, loan->book_id, 1, &c));
	if (c.n > 1)
		qsort(c.data, c.n, sizeof(lend_sys_license), spend_order);
	int rc = LEND_OK;
	for (size_t i = 0; rc == LEND_OK && i < c.n; i++) {
		lend_sys_license *l = &LEND_ROW(c, lend_sys_license, i);
		int64_t active = 0;
		if ((rc = active_loans(e, l->id, &active)) != LEND_OK || active >= l->copies)
			continue;
		if ((rc = ST(e, license_bind, loan->id, l->id)) != LEND_OK) {
			rc = lend__storage_fail(e, rc, "license bind");
			break;
		}
		if (l->checkouts_left > 0 && --l->checkouts_left == 0)
			rc = close_license(e, l, active + 1, e->now, f); /* used up */
		else if (l->checkouts_left >= 0 && (rc = ST(e, license_update, l)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "license update");
		break;
	}
	lend__rows_free(&c);
	return rc;
}

int lend__desk_license_release(lend_engine *e, const lend_sys_loan *loan, lend_sys_fund *f)
{
	if (lend__desk_lacks(e))
		return LEND_OK;
	int64_t id = 0;
	int rc = ST(e, license_of_loan, loan->id, &id);
	if (rc == LEND_ENOTFOUND)
		return LEND_OK; /* a perpetual copy */
	TRY_ST(e, "license of loan", rc);
	lend__rows c;
	TRY(licenses_of(e, loan->library_id, loan->book_id, 0, &c));
	int closed = 0;
	for (size_t i = 0; i < c.n; i++)
		if (LEND_ROW(c, lend_sys_license, i).id == id)
			closed = LEND_ROW(c, lend_sys_license, i).closed_at != 0;
	lend__rows_free(&c);
	if (!closed)
		return LEND_OK;
	f->copies--; /* the copy of a closed license leaves the fund */
	f->updated_at = e->now;
	TRY_ST(e, "fund update", ST(e, fund_put, f));
	return LEND_OK;
}

static void expired_filter(lend_engine *e, lend_sys_license_filter *f, int limit)
{
	memset(f, 0, sizeof *f);
	f->open = 1;
	f->expires_before = e->now;
	f->limit = limit;
}

static int flag_cb(void *ctx, const lend_sys_license *row)
{
	(void)row;
	*(int *)ctx = 1;
	return 1;
}

int lend__desk_license_settle_needed(lend_engine *e, int *needed)
{
	if (lend__desk_lacks(e))
		return LEND_OK;
	lend_sys_license_filter f;
	expired_filter(e, &f, 1);
	int rc = ST(e, license_list, &f, flag_cb, needed);
	if (rc != LEND_OK && rc != 1)
		return lend__storage_fail(e, rc, "license list");
	return LEND_OK;
}

int lend__desk_license_settle(lend_engine *e)
{
	if (lend__desk_lacks(e))
		return LEND_OK;
	lend_sys_license_filter f;
	expired_filter(e, &f, 0);
	lend__rows c;
	TRY(collect_licenses(e, &f, &c));
	int rc = LEND_OK;
	for (size_t i = 0; rc == LEND_OK && i < c.n; i++) {
		lend_sys_license *l = &LEND_ROW(c, lend_sys_license, i);
		lend_sys_fund fund;
		int64_t active = 0;
		if ((rc = ST(e, fund_get, l->library_id, l->book_id, &fund)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "fund");
		else if ((rc = active_loans(e, l->id, &active)) == LEND_OK)
			rc = close_license(e, l, active, l->expires_at, &fund);
	}
	lend__rows_free(&c);
	return rc;
}

/* Copies that cannot be withdrawn as perpetual ones besides those on loan:
 * the reserved ones and the free copies of open licenses. */
int lend__desk_held(lend_engine *e, int64_t library_id, int64_t book_id, int *n)
{
	TRY(lend__desk_reserved(e, library_id, book_id, n));
	if (lend__desk_lacks(e))
		return LEND_OK;
	lend__rows c;
	TRY(licenses_of(e, library_id, book_id, 1, &c));
	int rc = LEND_OK;
	for (size_t i = 0; rc == LEND_OK && i < c.n; i++) {
		int64_t active = 0;
		rc = active_loans(e, LEND_ROW(c, lend_sys_license, i).id, &active);
		*n += LEND_ROW(c, lend_sys_license, i).copies - (int)active;
	}
	lend__rows_free(&c);
	return rc;
}

LEND_EXTERN int lend_license_add(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t book_id,
                                 int copies, int64_t expires_at, int64_t checkouts, int64_t *id_out)
{
	if (id_out)
		*id_out = 0;
	DESK_ENTER(e, a);
	if (copies <= 0 || copies > 100000)
		return lend__fail(e, LEND_EINVAL, "a license lends 1 to 100000 copies at once");
	if (expires_at < 0 || (checkouts != LEND_UNLIMITED && (checkouts < 1 || checkouts > INT32_MAX)))
		return lend__fail(e, LEND_EINVAL, "expiry is 0 (none) or a time; checkouts LEND_UNLIMITED or 1 or more");
	TRY(lend__begin(e, 1));
	int rc = lend__need_staff(e, a, library_id);
	lend_sys_library lib;
	lend_sys_book b;
	char lcur[4], bcur[4];
	if (rc == LEND_OK)
		rc = lend__load_library(e, library_id, &lib, lcur);
	if (rc == LEND_OK)
		rc = lend__load_book(e, book_id, &b, bcur);
	if (rc == LEND_OK && expires_at && expires_at <= e->now)
		rc = lend__fail(e, LEND_EINVAL, "the license has expired already");
	lend_sys_fund f;
	memset(&f, 0, sizeof f);
	if (rc == LEND_OK) {
		int frc = ST(e, fund_get, library_id, book_id, &f);
		if (frc == LEND_ENOTFOUND) {
			memset(&f, 0, sizeof f);
			f.library_id = library_id;
			f.book_id = book_id;
		} else if (frc != LEND_OK) {
			rc = lend__storage_fail(e, frc, "fund");
		}
	}
	lend_sys_license l;
	memset(&l, 0, sizeof l);
	l.library_id = library_id;
	l.book_id = book_id;
	l.copies = copies;
	l.expires_at = expires_at;
	l.checkouts_left = checkouts;
	l.created_at = e->now;
	if (rc == LEND_OK && (rc = ST(e, license_insert, &l)) != LEND_OK)
		rc = lend__storage_fail(e, rc, "license insert");
	if (rc == LEND_OK) {
		f.copies += copies;
		f.updated_at = e->now;
		if ((rc = ST(e, fund_put, &f)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "fund update");
	}
	int64_t n = 0;
	if (rc == LEND_OK)
		rc = lend__dispatch(e, library_id, book_id, &n);
	rc = lend__end(e, rc);
	if (rc == LEND_OK && id_out)
		*id_out = l.id;
	return rc;
}

LEND_EXTERN int lend_license_list(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t book_id,
                                  lend_licenses **out)
{
	if (out)
		*out = NULL;
	DESK_ENTER(e, a);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	lend_licenses *ls = calloc(1, sizeof *ls);
	if (!ls)
		return lend__nomem(e);
	int rc = lend__begin(e, 0);
	if (rc == LEND_OK)
		rc = lend__need_staff(e, a, library_id);
	lend_sys_book b;
	char cur[4];
	if (rc == LEND_OK)
		rc = lend__load_book(e, book_id, &b, cur);
	lend__rows c = LEND_ROWS(lend_sys_license);
	if (rc == LEND_OK)
		rc = licenses_of(e, library_id, book_id, 0, &c);
	for (size_t i = 0; rc == LEND_OK && i < c.n; i++) {
		int64_t active = 0;
		lend_license *h = NULL;
		if ((rc = active_loans(e, LEND_ROW(c, lend_sys_license, i).id, &active)) != LEND_OK)
			break;
		if (!(h = malloc(sizeof *h)) || lend__vec_push(&ls->v, h) != LEND_OK) {
			free(h);
			rc = lend__nomem(e);
			break;
		}
		h->row = LEND_ROW(c, lend_sys_license, i);
		h->on_loan = (int)active;
	}
	lend__rows_free(&c);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_licenses_free(ls);
		return rc;
	}
	*out = ls;
	return LEND_OK;
}

static int by_fund(const void *a, const void *b)
{
	const lend_sys_license *x = a, *y = b;
	if (x->library_id != y->library_id)
		return x->library_id < y->library_id ? -1 : 1;
	if (x->book_id != y->book_id)
		return x->book_id < y->book_id ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Licenses: never more loans than copies; an open license is neither past
 * its time nor used up; the fund holds at least what the licenses count. */
int lend__desk_license_check(lend_engine *e, lend_report *rep)
{
	if (lend__desk_lacks(e))
		return LEND_OK;
	lend_sys_license_filter f;
	memset(&f, 0, sizeof f);
	lend__rows c;
	TRY(collect_licenses(e, &f, &c));
	if (c.n > 1)
		qsort(c.data, c.n, sizeof(lend_sys_license), by_fund);
	int rc = LEND_OK;
	int64_t lib = 0, book = 0, counted = 0;
	for (size_t i = 0; rc == LEND_OK && i <= c.n; i++) {
		const lend_sys_license *l = i < c.n ? &LEND_ROW(c, lend_sys_license, i) : NULL;
		if (!l || l->library_id != lib || l->book_id != book) {
			lend_sys_fund fund;
			if (lib && (rc = ST(e, fund_get, lib, book, &fund)) != LEND_OK)
				rc = lend__storage_fail(e, rc, "fund");
			else if (lib && fund.copies < counted)
				rc = lend__report_add(rep, "library %lld, book %lld: %d copies but its licenses count %lld",
				                      (long long)lib, (long long)book, fund.copies, (long long)counted);
			if (!l)
				break;
			lib = l->library_id;
			book = l->book_id;
			counted = 0;
		}
		int64_t active = 0;
		if (rc == LEND_OK)
			rc = active_loans(e, l->id, &active);
		counted += l->closed_at ? active : l->copies;
		if (rc == LEND_OK && active > l->copies)
			rc = lend__report_add(rep, "license %lld lends %lld copies at once but allows %d", (long long)l->id,
			                      (long long)active, l->copies);
		if (rc == LEND_OK && !l->closed_at && l->expires_at && l->expires_at <= e->now)
			rc = lend__report_add(rep, "license %lld has expired and still lends", (long long)l->id);
		if (rc == LEND_OK && !l->closed_at && l->checkouts_left == 0)
			rc = lend__report_add(rep, "license %lld is used up and still lends", (long long)l->id);
		if (rc == LEND_ENOMEM)
			rc = lend__nomem(e);
	}
	lend__rows_free(&c);
	return rc;
}
