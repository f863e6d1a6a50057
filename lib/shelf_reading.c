/* shelf_reading.c — reading state shared by a reader's devices, bookmarks,
 * and the deferred ("put aside") list (spec section 8). */
#include <stdio.h>

#include "shelf_int.h"

/* Refuse unless the reader may read the book at position. */
static int need_access(lend_engine *e, int64_t reader_id, int64_t book_id, int64_t position, int *access)
{
	lend_sys_book b;
	char cur[4];
	TRY(lend__load_book(e, book_id, &b, cur));
	TRY(lend__shelf_access(e, reader_id, book_id, position, access, NULL));
	if (*access == LEND_ACCESS_NONE)
		return lend__deny(e, LEND_REASON_NO_ACCESS,
		                  "refused: take the book in a library or buy it to read it (the preview ends before "
		                  "position %lld)",
		                  (long long)position);
	return LEND_OK;
}

LEND_EXTERN int lend_reading_access(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id,
                                    int64_t position, int *access)
{
	LEND_ENTER(e);
	if (!access)
		return lend__fail(e, LEND_EINVAL, "access is NULL");
	*access = LEND_ACCESS_NONE;
	if (position < 0)
		return lend__fail(e, LEND_EINVAL, "a position is >= 0");
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 0));
	int how = 0;
	int rc = lend__shelf_owner(e, a, reader_id, 1);
	if (rc == LEND_OK)
		rc = need_access(e, reader_id, book_id, position, &how);
	rc = lend__end(e, rc);
	if (rc == LEND_OK)
		*access = how;
	return rc;
}

/* ------------------------------------------------------------ reading */

struct lend_reading {
	lend_sys_reading row;
	char *device;
};

static int reading_copy_cb(void *ctx, const lend_sys_reading *row)
{
	lend_reading *r = ctx;
	r->row = *row;
	r->device = lend__strdup(row->device ? row->device : "");
	r->row.device = r->device;
	return r->device ? 0 : LEND_ENOMEM;
}

/* The stored state into r (*found 0 when none). */
static int load_reading(lend_engine *e, int64_t reader_id, int64_t book_id, lend_reading *r, int *found)
{
	*found = 0;
	int rc = ST(e, reading_get, reader_id, book_id, reading_copy_cb, r);
	if (rc == LEND_ENOTFOUND)
		return LEND_OK;
	if (rc == LEND_ENOMEM)
		return lend__nomem(e);
	TRY_ST(e, "reading state", rc);
	*found = 1;
	return LEND_OK;
}

LEND_EXTERN int lend_reading_set(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id,
                                 int64_t position, int percent, int64_t pages_read, const char *device,
                                 int64_t device_at, int *applied)
{
	LEND_ENTER(e);
	if (applied)
		*applied = 0;
	if (position < 0 || percent < 0 || percent > 100 || pages_read < 0 || device_at <= 0)
		return lend__fail(e, LEND_EINVAL, "position and pages are >= 0, percent 0 to 100, device time > 0");
	if (lend__text_ok(device, 200, 1) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "a device id of 1 to 200 bytes of text is required");
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	int how = 0, found = 0, newer = 0;
	lend_reading cur;
	memset(&cur, 0, sizeof cur);
	int rc = lend__shelf_owner(e, a, reader_id, 0);
	if (rc == LEND_OK)
		rc = need_access(e, reader_id, book_id, position, &how);
	if (rc == LEND_OK)
		rc = load_reading(e, reader_id, book_id, &cur, &found);
	/* The newest reading by the device's clock wins; a stale write (an
	 * older or equal device time) changes nothing. */
	if (rc == LEND_OK && (!found || device_at > cur.row.device_at)) {
		newer = 1;
		lend_sys_reading w = {reader_id, book_id, position, percent, pages_read, e->now, device_at, device};
		if (found && cur.row.pages_read > w.pages_read)
			w.pages_read = cur.row.pages_read; /* pages read only grow */
		if ((rc = ST(e, reading_put, &w)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "reading state");
	}
	free(cur.device);
	rc = lend__end(e, rc);
	if (rc == LEND_OK && applied)
		*applied = newer;
	return rc;
}

LEND_EXTERN int lend_reading_get(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id,
                                 lend_reading **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(lend__need_actor(e, a));
	lend_reading *r = calloc(1, sizeof *r);
	if (!r)
		return lend__nomem(e);
	int found = 0;
	int rc = lend__begin(e, 0);
	if (rc == LEND_OK)
		rc = lend__shelf_owner(e, a, reader_id, 1);
	if (rc == LEND_OK)
		rc = load_reading(e, reader_id, book_id, r, &found);
	if (rc == LEND_OK && !found)
		rc = lend__fail(e, LEND_ENOTFOUND, "reader %lld never opened book %lld", (long long)reader_id,
		                (long long)book_id);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_reading_free(r);
		return rc;
	}
	*out = r;
	return LEND_OK;
}

LEND_EXTERN int64_t lend_reading_position(const lend_reading *r) { return r ? r->row.position : 0; }
LEND_EXTERN int lend_reading_percent(const lend_reading *r) { return r ? r->row.percent : 0; }
LEND_EXTERN int64_t lend_reading_pages_read(const lend_reading *r) { return r ? r->row.pages_read : 0; }
LEND_EXTERN int64_t lend_reading_opened_at(const lend_reading *r) { return r ? r->row.opened_at : 0; }
LEND_EXTERN int64_t lend_reading_device_at(const lend_reading *r) { return r ? r->row.device_at : 0; }
LEND_EXTERN const char *lend_reading_device(const lend_reading *r) { return r && r->device ? r->device : ""; }
LEND_EXTERN void lend_reading_free(lend_reading *r)
{
	if (!r)
		return;
	free(r->device);
	free(r);
}

/* ---------------------------------------------------------- bookmarks */

struct lend_bookmarks {
	shelf_strs c; /* lend_sys_bookmark rows, notes in c.s */
};

static int bookmark_copy_cb(void *ctx, const lend_sys_bookmark *row)
{
	lend_sys_bookmark *b = ctx;
	*b = *row;
	b->note = NULL;
	return 0;
}

LEND_EXTERN int lend_bookmark_add(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id,
                                  int64_t position, const char *note, int64_t *id_out)
{
	LEND_ENTER(e);
	if (id_out)
		*id_out = 0;
	if (position < 0)
		return lend__fail(e, LEND_EINVAL, "a position is >= 0");
	if (note && lend__text_ok(note, 2000, 0) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "a note is text of at most 2000 bytes");
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	int how = 0;
	int rc = lend__shelf_owner(e, a, reader_id, 0);
	if (rc == LEND_OK)
		rc = need_access(e, reader_id, book_id, position, &how);
	lend_sys_bookmark b = {0, reader_id, book_id, position, note ? note : "", e->now};
	if (rc == LEND_OK && (rc = ST(e, bookmark_insert, &b)) != LEND_OK)
		rc = lend__storage_fail(e, rc, "bookmark");
	rc = lend__end(e, rc);
	if (rc == LEND_OK && id_out)
		*id_out = b.id;
	return rc;
}

LEND_EXTERN int lend_bookmark_delete(lend_engine *e, const lend_actor *a, int64_t bookmark_id)
{
	LEND_ENTER(e);
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	lend_sys_bookmark b;
	int rc = ST(e, bookmark_get, bookmark_id, bookmark_copy_cb, &b);
	if (rc != LEND_OK)
		rc = lend__storage_fail(e, rc, "bookmark");
	if (rc == LEND_OK)
		rc = lend__shelf_owner(e, a, b.reader_id, 0);
	if (rc == LEND_OK && (rc = ST(e, bookmark_delete, bookmark_id)) != LEND_OK)
		rc = lend__storage_fail(e, rc, "bookmark");
	return lend__end(e, rc);
}

static int bookmark_list_cb(void *ctx, const lend_sys_bookmark *row)
{
	return lend__strs_push(ctx, row, row->note);
}

LEND_EXTERN int lend_bookmark_list(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id,
                                   lend_bookmarks **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	if (book_id < 0)
		return lend__fail(e, LEND_EINVAL, "book id is >= 0");
	TRY(lend__need_actor(e, a));
	lend_bookmarks *l = calloc(1, sizeof *l);
	if (!l)
		return lend__nomem(e);
	l->c = (shelf_strs)SHELF_STRS(lend_sys_bookmark);
	int rc = lend__begin(e, 0);
	if (rc == LEND_OK)
		rc = lend__shelf_owner(e, a, reader_id, 1);
	if (rc == LEND_OK)
		rc = lend__rows_status(e, &l->c.rows, ST(e, bookmark_list, reader_id, book_id, bookmark_list_cb, &l->c),
		                       "bookmark list");
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_bookmarks_free(l);
		return rc;
	}
	*out = l;
	return LEND_OK;
}

#define BM(l, i) LEND_ROW((l)->c.rows, lend_sys_bookmark, i)
LEND_EXTERN size_t lend_bookmarks_count(const lend_bookmarks *l) { return l ? l->c.rows.n : 0; }
LEND_EXTERN int64_t lend_bookmarks_id(const lend_bookmarks *l, size_t i) { return l && i < l->c.rows.n ? BM(l, i).id : 0; }
LEND_EXTERN int64_t lend_bookmarks_book_id(const lend_bookmarks *l, size_t i)
{
	return l && i < l->c.rows.n ? BM(l, i).book_id : 0;
}
LEND_EXTERN int64_t lend_bookmarks_position(const lend_bookmarks *l, size_t i)
{
	return l && i < l->c.rows.n ? BM(l, i).position : 0;
}
LEND_EXTERN const char *lend_bookmarks_note(const lend_bookmarks *l, size_t i)
{
	return l && i < l->c.rows.n ? l->c.s[i] : "";
}
LEND_EXTERN int64_t lend_bookmarks_created_at(const lend_bookmarks *l, size_t i)
{
	return l && i < l->c.rows.n ? BM(l, i).created_at : 0;
}
LEND_EXTERN void lend_bookmarks_free(lend_bookmarks *l)
{
	if (!l)
		return;
	lend__strs_free(&l->c);
	free(l);
}

/* ----------------------------------------------------------- deferred */

struct deferred_item {
	int64_t id, book_id, added_at;
	int verdict, reason;
};

struct lend_deferreds {
	lend__rows rows; /* struct deferred_item */
};

static int deferred_find_cb(void *ctx, const lend_sys_deferred *row)
{
	int64_t *want = ctx; /* [0] book in, [1] id out */
	if (row->book_id == want[0]) {
		want[1] = row->id;
		return 1;
	}
	return 0;
}

LEND_EXTERN int lend_defer_add(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id)
{
	LEND_ENTER(e);
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	lend_sys_book b;
	char cur[4];
	int rc = lend__shelf_owner(e, a, reader_id, 0);
	if (rc == LEND_OK)
		rc = lend__load_book(e, book_id, &b, cur);
	lend_sys_deferred d = {0, reader_id, book_id, e->now};
	if (rc == LEND_OK && (rc = ST(e, deferred_insert, &d)) != LEND_OK)
		rc = rc == LEND_EEXISTS ? lend__fail(e, rc, "the book is on your deferred list already")
		                        : lend__storage_fail(e, rc, "deferred");
	return lend__end(e, rc);
}

LEND_EXTERN int lend_defer_remove(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id)
{
	LEND_ENTER(e);
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	int64_t want[2] = {book_id, 0};
	int rc = lend__shelf_owner(e, a, reader_id, 0);
	if (rc == LEND_OK) {
		rc = ST(e, deferred_list, reader_id, 0, 0, deferred_find_cb, want);
		if (rc != LEND_OK && rc != 1)
			rc = lend__storage_fail(e, rc, "deferred list");
		else if (!want[1])
			rc = lend__fail(e, LEND_ENOTFOUND, "book %lld is not on the deferred list", (long long)book_id);
		else if ((rc = ST(e, deferred_delete, want[1])) != LEND_OK)
			rc = lend__storage_fail(e, rc, "deferred");
	}
	return lend__end(e, rc);
}

static int deferred_rows_cb(void *ctx, const lend_sys_deferred *row)
{
	struct deferred_item it = {row->id, row->book_id, row->added_at, -1, 0};
	return lend__rows_push(ctx, &it);
}

LEND_EXTERN int lend_defer_list(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t ticket_id,
                                lend_deferreds **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	if (ticket_id < 0)
		return lend__fail(e, LEND_EINVAL, "ticket id is >= 0");
	TRY(lend__need_actor(e, a));
	lend_deferreds *l = calloc(1, sizeof *l);
	if (!l)
		return lend__nomem(e);
	l->rows = (lend__rows)LEND_ROWS(struct deferred_item);
	int rc = lend__begin(e, 0);
	if (rc == LEND_OK)
		rc = lend__shelf_owner(e, a, reader_id, 1);
	lend_sys_ticket t;
	if (rc == LEND_OK && ticket_id && (rc = lend__load_ticket(e, ticket_id, &t)) == LEND_OK && t.reader_id != reader_id)
		rc = lend__fail(e, LEND_EINVAL, "ticket %lld is not the reader's", (long long)ticket_id);
	if (rc == LEND_OK)
		rc = lend__rows_status(e, &l->rows, ST(e, deferred_list, reader_id, 0, 0, deferred_rows_cb, &l->rows),
		                       "deferred list");
	for (size_t i = 0; rc == LEND_OK && ticket_id && i < l->rows.n; i++) {
		struct deferred_item *it = &LEND_ROW(l->rows, struct deferred_item, i);
		lend_gathered g;
		lend_rule_verdict rv;
		rc = lend__gather(e, ticket_id, it->book_id, &g);
		if (rc == LEND_OK) {
			lend_rules_verdict(&g.in, &rv);
			it->verdict = rv.verdict;
			it->reason = rv.reason;
		}
	}
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_deferreds_free(l);
		return rc;
	}
	*out = l;
	return LEND_OK;
}

#define DI(l, i) LEND_ROW((l)->rows, struct deferred_item, i)
LEND_EXTERN size_t lend_deferreds_count(const lend_deferreds *l) { return l ? l->rows.n : 0; }
LEND_EXTERN int64_t lend_deferreds_book_id(const lend_deferreds *l, size_t i)
{
	return l && i < l->rows.n ? DI(l, i).book_id : 0;
}
LEND_EXTERN int64_t lend_deferreds_added_at(const lend_deferreds *l, size_t i)
{
	return l && i < l->rows.n ? DI(l, i).added_at : 0;
}
LEND_EXTERN int lend_deferreds_verdict(const lend_deferreds *l, size_t i)
{
	return l && i < l->rows.n ? DI(l, i).verdict : 0;
}
LEND_EXTERN int lend_deferreds_reason(const lend_deferreds *l, size_t i)
{
	return l && i < l->rows.n ? DI(l, i).reason : 0;
}
LEND_EXTERN void lend_deferreds_free(lend_deferreds *l)
{
	if (!l)
		return;
	lend__rows_free(&l->rows);
	free(l);
}
