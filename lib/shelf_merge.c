/* shelf_merge.c — moving a reader's shelf to another account when two
 * accounts are merged. The rules (doc/shelf.md, "Merging accounts"):
 *  - balance entries all move, so the balances add up; a payment key the
 *    target already used moves as "<key>@<from id>";
 *  - purchases move; a book both bought stays with the target's purchase
 *    (the source's payment stays in the entries, so nothing is lost);
 *  - deferred books move; one on both lists keeps the target's entry;
 *  - reading state: per book, the newer device time wins; pages read are
 *    the larger of the two;
 *  - bookmarks all move;
 *  - offline grants move; one for the same device and book keeps the
 *    target's;
 *  - preferences: the target's if he set any, else the source's. */
#include <stdio.h>

#include "shelf_int.h"

struct wallet_copy {
	lend_sys_wallet w;
	char currency[4];
};

static int wallet_cb(void *ctx, const lend_sys_wallet *row)
{
	struct wallet_copy c;
	c.w = *row;
	snprintf(c.currency, sizeof c.currency, "%s", row->currency ? row->currency : "");
	return lend__strs_push(ctx, &c, row->key);
}

static int wallet_key_cb(void *ctx, const lend_sys_wallet *row)
{
	(void)row;
	*(int *)ctx = 1;
	return 0;
}

static int move_wallet(lend_engine *e, int64_t from, int64_t to)
{
	shelf_strs c = SHELF_STRS(struct wallet_copy);
	int rc = lend__rows_status(e, &c.rows, ST(e, wallet_list, from, wallet_cb, &c), "balance");
	for (size_t i = 0; rc == LEND_OK && i < c.rows.n; i++) {
		struct wallet_copy *wc = &LEND_ROW(c.rows, struct wallet_copy, i);
		lend_sys_wallet w = wc->w;
		w.currency = wc->currency;
		char key[256];
		snprintf(key, sizeof key, "%s", c.s[i]);
		int taken = 0;
		if (*key) {
			int frc = ST(e, wallet_find, to, key, wallet_key_cb, &taken);
			if (frc != LEND_OK && frc != LEND_ENOTFOUND)
				rc = lend__storage_fail(e, frc, "balance");
			if (taken)
				snprintf(key, sizeof key, "%s@%lld", c.s[i], (long long)from);
		}
		w.reader_id = to;
		w.key = key;
		if (rc == LEND_OK && (rc = ST(e, wallet_update, &w)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "balance");
	}
	lend__strs_free(&c);
	return rc;
}

static int purchase_cb(void *ctx, const lend_sys_purchase *row)
{
	return lend__strs_push(ctx, row, row->currency);
}

static int move_purchases(lend_engine *e, int64_t from, int64_t to)
{
	shelf_strs c = SHELF_STRS(lend_sys_purchase);
	int rc = lend__rows_status(e, &c.rows, ST(e, purchase_list, from, 0, 0, purchase_cb, &c), "purchase list");
	for (size_t i = 0; rc == LEND_OK && i < c.rows.n; i++) {
		lend_sys_purchase p = LEND_ROW(c.rows, lend_sys_purchase, i), have;
		p.currency = c.s[i];
		int found = 0;
		rc = lend__shelf_bought(e, to, p.book_id, &have, &found);
		p.reader_id = to;
		if (rc == LEND_OK && (rc = found ? ST(e, purchase_delete, p.id) : ST(e, purchase_update, &p)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "purchase");
	}
	lend__strs_free(&c);
	return rc;
}

static int deferred_cb(void *ctx, const lend_sys_deferred *row)
{
	return lend__rows_push(ctx, row);
}

static int move_deferred(lend_engine *e, int64_t from, int64_t to)
{
	lend__rows mine = LEND_ROWS(lend_sys_deferred), theirs = LEND_ROWS(lend_sys_deferred);
	int rc = lend__rows_status(e, &mine, ST(e, deferred_list, to, 0, 0, deferred_cb, &mine), "deferred list");
	if (rc == LEND_OK)
		rc = lend__rows_status(e, &theirs, ST(e, deferred_list, from, 0, 0, deferred_cb, &theirs), "deferred list");
	for (size_t i = 0; rc == LEND_OK && i < theirs.n; i++) {
		lend_sys_deferred d = LEND_ROW(theirs, lend_sys_deferred, i);
		int dup = 0;
		for (size_t k = 0; k < mine.n; k++)
			dup |= LEND_ROW(mine, lend_sys_deferred, k).book_id == d.book_id;
		d.reader_id = to;
		if ((rc = dup ? ST(e, deferred_delete, d.id) : ST(e, deferred_update, &d)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "deferred");
	}
	lend__rows_free(&mine);
	lend__rows_free(&theirs);
	return rc;
}

static int reading_cb(void *ctx, const lend_sys_reading *row)
{
	return lend__strs_push(ctx, row, row->device);
}

static int move_reading(lend_engine *e, int64_t from, int64_t to)
{
	shelf_strs mine = SHELF_STRS(lend_sys_reading), theirs = SHELF_STRS(lend_sys_reading);
	int rc = lend__rows_status(e, &mine.rows, ST(e, reading_list, to, reading_cb, &mine), "reading list");
	if (rc == LEND_OK)
		rc = lend__rows_status(e, &theirs.rows, ST(e, reading_list, from, reading_cb, &theirs), "reading list");
	for (size_t i = 0; rc == LEND_OK && i < theirs.rows.n; i++) {
		lend_sys_reading r = LEND_ROW(theirs.rows, lend_sys_reading, i);
		r.device = theirs.s[i];
		r.reader_id = to;
		for (size_t k = 0; k < mine.rows.n; k++) {
			const lend_sys_reading *m = &LEND_ROW(mine.rows, lend_sys_reading, k);
			if (m->book_id != r.book_id)
				continue;
			int64_t pages = m->pages_read > r.pages_read ? m->pages_read : r.pages_read;
			if (m->device_at >= r.device_at) {
				r = *m;
				r.device = mine.s[k];
			}
			r.pages_read = pages;
		}
		if ((rc = ST(e, reading_put, &r)) != LEND_OK || (rc = ST(e, reading_delete, from, r.book_id)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "reading state");
	}
	lend__strs_free(&mine);
	lend__strs_free(&theirs);
	return rc;
}

static int bookmark_cb(void *ctx, const lend_sys_bookmark *row)
{
	return lend__strs_push(ctx, row, row->note);
}

static int move_bookmarks(lend_engine *e, int64_t from, int64_t to)
{
	shelf_strs c = SHELF_STRS(lend_sys_bookmark);
	int rc = lend__rows_status(e, &c.rows, ST(e, bookmark_list, from, 0, bookmark_cb, &c), "bookmark list");
	for (size_t i = 0; rc == LEND_OK && i < c.rows.n; i++) {
		lend_sys_bookmark b = LEND_ROW(c.rows, lend_sys_bookmark, i);
		b.note = c.s[i];
		b.reader_id = to;
		if ((rc = ST(e, bookmark_update, &b)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "bookmark");
	}
	lend__strs_free(&c);
	return rc;
}

static int offline_cb(void *ctx, const lend_sys_offline *row)
{
	return lend__strs_push(ctx, row, row->device);
}

static int move_offline(lend_engine *e, int64_t from, int64_t to)
{
	shelf_strs mine = SHELF_STRS(lend_sys_offline), theirs = SHELF_STRS(lend_sys_offline);
	int rc = lend__rows_status(e, &mine.rows, ST(e, offline_list, to, NULL, offline_cb, &mine), "offline list");
	if (rc == LEND_OK)
		rc = lend__rows_status(e, &theirs.rows, ST(e, offline_list, from, NULL, offline_cb, &theirs),
		                       "offline list");
	for (size_t i = 0; rc == LEND_OK && i < theirs.rows.n; i++) {
		lend_sys_offline g = LEND_ROW(theirs.rows, lend_sys_offline, i);
		int dup = 0;
		for (size_t k = 0; k < mine.rows.n; k++)
			dup |= LEND_ROW(mine.rows, lend_sys_offline, k).book_id == g.book_id && strcmp(mine.s[k], theirs.s[i]) == 0;
		int64_t old = g.id;
		g.device = theirs.s[i];
		g.reader_id = to;
		if ((!dup && (rc = ST(e, offline_put, &g)) != LEND_OK) || (rc = ST(e, offline_delete, old)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "offline grant");
	}
	lend__strs_free(&mine);
	lend__strs_free(&theirs);
	return rc;
}

struct prefs_copy {
	lend_sys_prefs row;
	char lang[3], email[321], phone[33];
};

static int prefs_copy_cb(void *ctx, const lend_sys_prefs *row)
{
	struct prefs_copy *p = ctx;
	p->row = *row;
	snprintf(p->lang, sizeof p->lang, "%s", row->lang ? row->lang : "");
	snprintf(p->email, sizeof p->email, "%s", row->email ? row->email : "");
	snprintf(p->phone, sizeof p->phone, "%s", row->phone ? row->phone : "");
	p->row.lang = p->lang;
	p->row.email = p->email;
	p->row.phone = p->phone;
	return 0;
}

static int move_prefs(lend_engine *e, int64_t from, int64_t to)
{
	struct prefs_copy mine, theirs;
	int has_mine = ST(e, prefs_get, to, prefs_copy_cb, &mine);
	int has_theirs = ST(e, prefs_get, from, prefs_copy_cb, &theirs);
	if ((has_mine != LEND_OK && has_mine != LEND_ENOTFOUND))
		return lend__storage_fail(e, has_mine, "preferences");
	if (has_theirs == LEND_ENOTFOUND)
		return LEND_OK;
	TRY_ST(e, "preferences", has_theirs);
	theirs.row.reader_id = to;
	if (has_mine == LEND_ENOTFOUND)
		TRY_ST(e, "preferences", ST(e, prefs_put, &theirs.row));
	TRY_ST(e, "preferences", ST(e, prefs_delete, from));
	return LEND_OK;
}

int lend__shelf_merge_readers(lend_engine *e, int64_t from_reader, int64_t to_reader)
{
	if (from_reader == to_reader)
		return lend__fail(e, LEND_EINVAL, "a reader cannot be merged into himself");
	lend_sys_reader r;
	TRY(lend__load_reader(e, from_reader, &r));
	TRY(lend__load_reader(e, to_reader, &r));
	if (lend__shelf_lacks(e))
		return LEND_OK; /* no shelf rows to move */
	TRY(move_wallet(e, from_reader, to_reader));
	TRY(move_purchases(e, from_reader, to_reader));
	TRY(move_deferred(e, from_reader, to_reader));
	TRY(move_reading(e, from_reader, to_reader));
	TRY(move_bookmarks(e, from_reader, to_reader));
	TRY(move_offline(e, from_reader, to_reader));
	return move_prefs(e, from_reader, to_reader);
}
