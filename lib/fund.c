/* fund.c — the copies a library owns: add, buy from the budget, withdraw. */
#include "internal.h"

/* Load the fund row of (library, book), or a fresh one; check both exist. */
static int fund_load(lend_engine *e, int64_t library_id, int64_t book_id, lend_sys_fund *f, lend_sys_book *b,
                     char bcur[4], char lcur[4])
{
	lend_sys_library lib;
	TRY(lend__load_library(e, library_id, &lib, lcur));
	TRY(lend__load_book(e, book_id, b, bcur));
	int rc = ST(e, fund_get, library_id, book_id, f);
	if (rc == LEND_ENOTFOUND) {
		memset(f, 0, sizeof *f);
		f->library_id = library_id;
		f->book_id = book_id;
		return LEND_OK;
	}
	TRY_ST(e, "fund", rc);
	return LEND_OK;
}

static int fund_change(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t book_id, int copies,
                       int mode)
{
	LEND_ENTER(e);
	if (copies <= 0 || copies > 100000)
		return lend__fail(e, LEND_EINVAL, "copies must be 1 to 100000");
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	lend_sys_fund f;
	lend_sys_book b;
	char bcur[4], lcur[4];
	int rc = lend__need_staff(e, a, library_id);
	if (rc == LEND_OK)
		rc = fund_load(e, library_id, book_id, &f, &b, bcur, lcur);
	int held = 0; /* on loan, reserved for a waiting reader, or a license's */
	if (rc == LEND_OK && mode < 0 && (rc = lend__desk_held(e, library_id, book_id, &held)) == LEND_OK) {
		held += f.on_loan;
		if (f.copies - copies < held)
			rc = lend__deny(e, LEND_REASON_COPIES_ON_LOAN,
			                "refused: %d of %d copies are on loan, reserved or licensed with terms; at most %d can be withdrawn", held,
			                f.copies, f.copies - held);
		f.copies -= copies;
	} else if (rc == LEND_OK) {
		if (mode == 2) {
			lend_policy_rows p;
			rc = lend__load_policy(e, library_id, 0, &p);
			int64_t max = lend_rules_resolve(&p, 0, b.kind, LEND_SETTING_MAX_COPIES, NULL);
			if (rc == LEND_OK && max != LEND_UNLIMITED && f.copies + copies > max)
				rc = lend__deny(e, LEND_REASON_COPY_LIMIT,
				                "refused: the library may hold at most %lld copies of this title (it holds %d)",
				                (long long)max, f.copies);
			else if (rc == LEND_OK && strcmp(bcur, lcur) != 0)
				rc = lend__fail(e, LEND_EINVAL, "the book is priced in %s, the budget is in %s", bcur, lcur);
			else if (rc == LEND_OK && b.price > INT64_MAX / 4 / copies)
				rc = lend__fail(e, LEND_EINVAL, "the total price overflows");
			if (rc == LEND_OK)
				rc = lend__budget_change(e, a, library_id, -b.price * copies, 2, book_id,
				                         "copies bought by the library");
		}
		f.copies += copies;
	}
	f.updated_at = e->now;
	if (rc == LEND_OK && (rc = ST(e, fund_put, &f)) != LEND_OK)
		rc = lend__storage_fail(e, rc, "fund update");
	int64_t n = 0;
	if (rc == LEND_OK && mode > 0)
		rc = lend__dispatch(e, library_id, book_id, &n);
	return lend__end(e, rc);
}

LEND_EXTERN int lend_fund_add_copies(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t book_id,
                                     int copies)
{
	return fund_change(e, a, library_id, book_id, copies, 1);
}

LEND_EXTERN int lend_fund_buy_copies(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t book_id,
                                     int copies)
{
	return fund_change(e, a, library_id, book_id, copies, 2);
}

LEND_EXTERN int lend_fund_remove_copies(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t book_id,
                                        int copies)
{
	return fund_change(e, a, library_id, book_id, copies, -1);
}

static int waiting_count(lend_engine *e, int64_t library_id, int64_t book_id, int *waiting)
{
	lend_sys_hold_filter hf;
	memset(&hf, 0, sizeof hf);
	hf.library_id = library_id;
	hf.book_id = book_id;
	hf.state = LEND_HOLD_WAITING;
	int64_t n = 0;
	TRY_ST(e, "queue count", ST(e, hold_count, &hf, &n));
	*waiting = (int)n;
	return LEND_OK;
}

LEND_EXTERN int lend_fund_get(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t book_id,
                              lend_fund **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 0));
	lend_sys_fund f;
	int waiting = 0;
	int rc = ST(e, fund_get, library_id, book_id, &f);
	if (rc != LEND_OK)
		rc = lend__storage_fail(e, rc, "fund");
	else
		rc = waiting_count(e, library_id, book_id, &waiting);
	rc = lend__end(e, rc);
	if (rc == LEND_OK && !(*out = lend__fund_from(&f, waiting)))
		rc = lend__nomem(e);
	return rc;
}

LEND_EXTERN int lend_fund_list(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t after_book_id,
                               int limit, lend_funds **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	if (limit < 1 || limit > 1000 || library_id <= 0 || after_book_id < 0)
		return lend__fail(e, LEND_EINVAL, "a library id and a limit of 1 to 1000 are required");
	TRY(lend__need_actor(e, a));
	lend_funds *l = calloc(1, sizeof *l);
	if (!l)
		return lend__nomem(e);
	int rc = lend__begin(e, 0);
	lend__rows c = LEND_ROWS(lend_sys_fund);
	if (rc == LEND_OK)
		rc = lend__rows_status(e, &c, ST(e, fund_list, library_id, after_book_id, limit, lend__rows_fund_cb, &c),
		                       "fund list");
	for (size_t i = 0; rc == LEND_OK && i < c.n; i++) {
		int waiting = 0;
		rc = waiting_count(e, library_id, LEND_ROW(c, lend_sys_fund, i).book_id, &waiting);
		lend_fund *f = rc == LEND_OK ? lend__fund_from(&LEND_ROW(c, lend_sys_fund, i), waiting) : NULL;
		if (rc == LEND_OK && (!f || lend__vec_push(&l->v, f) != LEND_OK)) {
			free(f);
			rc = lend__nomem(e);
		}
	}
	lend__rows_free(&c);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_funds_free(l);
		return rc;
	}
	*out = l;
	return LEND_OK;
}
