/* shelf_offline.c — offline grants: a device may keep a borrowed book until
 * the loan ends, a bought one for ever. Validity is derived from the loan's
 * state at read time, so a grant ends with its loan (expiry, early return,
 * revocation) without any write. */
#include <stdio.h>

#include "shelf_int.h"

struct lend_offline {
	lend_sys_offline row;
	char *device;
	int64_t valid_until;
};

struct lend_offlines {
	lend__vec v;
};

static lend_offline *offline_from(const lend_sys_offline *row, int64_t valid_until)
{
	lend_offline *g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	g->row = *row;
	g->device = lend__strdup(row->device ? row->device : "");
	if (!g->device) {
		free(g);
		return NULL;
	}
	g->row.device = g->device;
	g->valid_until = valid_until;
	return g;
}

/* *valid = 1 and *until (0: no end) when the grant holds now. */
static int grant_validity(lend_engine *e, const lend_sys_offline *g, int *valid, int64_t *until)
{
	*valid = 0;
	*until = 0;
	if (!g->loan_id) {
		lend_sys_purchase p;
		return lend__shelf_bought(e, g->reader_id, g->book_id, &p, valid);
	}
	lend_sys_loan l;
	TRY(lend__load_loan(e, g->loan_id, &l));
	*valid = l.ended_at == 0 && l.due_at > e->now;
	*until = l.due_at;
	return LEND_OK;
}

LEND_EXTERN int lend_offline_grant(lend_engine *e, const lend_actor *a, int64_t reader_id, const char *device,
                                   int64_t book_id, lend_offline **out)
{
	LEND_ENTER(e);
	if (out)
		*out = NULL;
	if (lend__text_ok(device, 200, 1) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "a device id of 1 to 200 bytes of text is required");
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	int rc = lend__shelf_owner(e, a, reader_id, 0);
	lend_sys_book b;
	char cur[4];
	if (rc == LEND_OK)
		rc = lend__load_book(e, book_id, &b, cur);
	int access = 0;
	lend_sys_loan loan;
	memset(&loan, 0, sizeof loan);
	if (rc == LEND_OK)
		rc = lend__shelf_access(e, reader_id, book_id, -1, &access, &loan);
	if (rc == LEND_OK && access != LEND_ACCESS_LOAN && access != LEND_ACCESS_BOUGHT)
		rc = lend__deny(e, LEND_REASON_NO_ACCESS,
		                "refused: only a book on loan to you or bought by you can be kept offline");
	/* A bought book's grant has no end, even while it is also on loan. */
	int bought = 0;
	lend_sys_purchase p;
	if (rc == LEND_OK)
		rc = lend__shelf_bought(e, reader_id, book_id, &p, &bought);
	lend_sys_offline g = {0, reader_id, device, book_id, bought ? 0 : loan.id, e->now};
	if (rc == LEND_OK && (rc = ST(e, offline_put, &g)) != LEND_OK)
		rc = lend__storage_fail(e, rc, "offline grant");
	lend_offline *h = NULL;
	if (rc == LEND_OK && out && !(h = offline_from(&g, bought ? 0 : loan.due_at)))
		rc = lend__nomem(e);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_offline_free(h);
		return rc;
	}
	if (out)
		*out = h;
	return LEND_OK;
}

static int grant_rows_cb(void *ctx, const lend_sys_offline *row)
{
	return lend__strs_push(ctx, row, row->device);
}

LEND_EXTERN int lend_offline_list(lend_engine *e, const lend_actor *a, int64_t reader_id, const char *device,
                                  lend_offlines **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	if (device && lend__text_ok(device, 200, 1) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "a device id is 1 to 200 bytes of text");
	TRY(lend__need_actor(e, a));
	lend_offlines *l = calloc(1, sizeof *l);
	if (!l)
		return lend__nomem(e);
	shelf_strs c = SHELF_STRS(lend_sys_offline);
	int rc = lend__begin(e, 0);
	if (rc == LEND_OK)
		rc = lend__shelf_owner(e, a, reader_id, 1);
	if (rc == LEND_OK)
		rc = lend__rows_status(e, &c.rows, ST(e, offline_list, reader_id, device, grant_rows_cb, &c),
		                       "offline list");
	for (size_t i = 0; rc == LEND_OK && i < c.rows.n; i++) {
		lend_sys_offline *g = &LEND_ROW(c.rows, lend_sys_offline, i);
		g->device = c.s[i];
		int valid = 0;
		int64_t until = 0;
		rc = grant_validity(e, g, &valid, &until);
		if (rc != LEND_OK || !valid)
			continue;
		lend_offline *h = offline_from(g, until);
		if (!h || lend__vec_push(&l->v, h) != LEND_OK) {
			lend_offline_free(h);
			rc = lend__nomem(e);
		}
	}
	lend__strs_free(&c);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_offlines_free(l);
		return rc;
	}
	*out = l;
	return LEND_OK;
}

LEND_EXTERN int64_t lend_offline_id(const lend_offline *g) { return g ? g->row.id : 0; }
LEND_EXTERN const char *lend_offline_device(const lend_offline *g) { return g && g->device ? g->device : ""; }
LEND_EXTERN int64_t lend_offline_book_id(const lend_offline *g) { return g ? g->row.book_id : 0; }
LEND_EXTERN int64_t lend_offline_loan_id(const lend_offline *g) { return g ? g->row.loan_id : 0; }
LEND_EXTERN int64_t lend_offline_granted_at(const lend_offline *g) { return g ? g->row.granted_at : 0; }
LEND_EXTERN int64_t lend_offline_valid_until(const lend_offline *g) { return g ? g->valid_until : 0; }
LEND_EXTERN void lend_offline_free(lend_offline *g)
{
	if (!g)
		return;
	free(g->device);
	free(g);
}
LEND_EXTERN size_t lend_offlines_count(const lend_offlines *l) { return l ? l->v.n : 0; }
LEND_EXTERN const lend_offline *lend_offlines_get(const lend_offlines *l, size_t i)
{
	return l && i < l->v.n ? l->v.items[i] : NULL;
}
LEND_EXTERN void lend_offlines_free(lend_offlines *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->v.n; i++)
		lend_offline_free(l->v.items[i]);
	free(l->v.items);
	free(l);
}
