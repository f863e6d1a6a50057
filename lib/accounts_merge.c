/* accounts_merge.c — merging a reader's other account into his own, in one
 * transaction. The rules are in doc/security.md ("Merging accounts"). */
#include <stdio.h>

#include "accounts.h"

/* Each area moves its own rows of reader `from` to reader `to`, resolving
 * overlaps by its written rule, with one line in its block:
 *     lend__<area>_merge_readers,
 * (int lend__<area>_merge_readers(lend_engine *e, int64_t from, int64_t to),
 * declared in the area's block of internal.h). Hooks run after the core's
 * tables moved and before the accounts' own rows do. */
typedef int (*merge_hook)(lend_engine *e, int64_t from_reader, int64_t to_reader);
static const merge_hook merge_hooks[] = {
	/* -- the librarian's desk */
	lend__desk_merge_readers,
	/* -- the reader's shelf */
	lend__shelf_merge_readers,
	/* -- the catalog */
	lend__catalog_merge_readers,
	/* -- search */
	NULL,
};

struct ticket_handles {
	lend__vec v;
	int oom;
};

static int ticket_handle_cb(void *ctx, const lend_sys_ticket *t)
{
	struct ticket_handles *h = ctx;
	lend_ticket *one = lend__ticket_from(t);
	if (!one || lend__vec_push(&h->v, one) != LEND_OK) {
		lend_ticket_free(one);
		h->oom = 1;
		return 1;
	}
	return 0;
}

/* Every ticket of from goes to to, with its number, limits and password. */
static int tickets_move(lend_engine *e, int64_t from, int64_t to)
{
	struct ticket_handles h = {{NULL, 0, 0}, 0};
	lend__vec v;
	int rc = ST(e, ticket_list, from, 0, ticket_handle_cb, &h);
	v = h.v;
	if (h.oom)
		rc = lend__nomem(e);
	else if (rc != LEND_OK)
		rc = lend__storage_fail(e, rc, "ticket list");
	for (size_t i = 0; rc == LEND_OK && i < v.n; i++) {
		lend_sys_ticket row = ((lend_ticket *)v.items[i])->row;
		row.reader_id = to;
		if ((rc = ST(e, ticket_update, &row)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "ticket");
	}
	for (size_t i = 0; i < v.n; i++)
		lend_ticket_free(v.items[i]);
	free(v.items);
	return rc;
}

static int loans_of(lend_engine *e, int64_t reader_id, int active, lend__rows *out)
{
	lend_sys_loan_filter f;
	memset(&f, 0, sizeof f);
	f.reader_id = reader_id;
	f.active = active;
	*out = (lend__rows)LEND_ROWS(lend_sys_loan);
	return lend__rows_status(e, out, ST(e, loan_list, &f, lend__rows_loan_cb, out), "loan list");
}

static int holds_of(lend_engine *e, int64_t reader_id, int state, lend__rows *out)
{
	lend_sys_hold_filter f;
	memset(&f, 0, sizeof f);
	f.reader_id = reader_id;
	f.state = state;
	*out = (lend__rows)LEND_ROWS(lend_sys_hold);
	return lend__rows_status(e, out, ST(e, hold_list, &f, lend__rows_hold_cb, out), "queue list");
}

/* Loans and queue places follow their tickets to the new reader. */
static int circulation_move(lend_engine *e, int64_t from, int64_t to)
{
	lend__rows l, h;
	TRY(loans_of(e, from, 0, &l));
	int rc = LEND_OK;
	for (size_t i = 0; rc == LEND_OK && i < l.n; i++) {
		lend_sys_loan *x = &LEND_ROW(l, lend_sys_loan, i);
		x->reader_id = to;
		if ((rc = ST(e, loan_update, x)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "loan");
	}
	lend__rows_free(&l);
	TRY(rc);
	TRY(holds_of(e, from, 0, &h));
	for (size_t i = 0; rc == LEND_OK && i < h.n; i++) {
		lend_sys_hold *x = &LEND_ROW(h, lend_sys_hold, i);
		x->reader_id = to;
		if ((rc = ST(e, hold_update, x)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "queue place");
	}
	lend__rows_free(&h);
	return rc;
}

/* Both held the same book: the loan due last stays (the lower id on a tie);
 * the other ends as returned and its copy goes to the queue. */
static int loans_dedupe(lend_engine *e, int64_t to)
{
	lend__rows l;
	TRY(loans_of(e, to, 1, &l));
	int rc = LEND_OK;
	for (size_t i = 0; rc == LEND_OK && i < l.n; i++) {
		lend_sys_loan *x = &LEND_ROW(l, lend_sys_loan, i);
		for (size_t j = 0; j < l.n; j++) {
			const lend_sys_loan *y = &LEND_ROW(l, lend_sys_loan, j);
			if (j == i || y->ended_at || y->book_id != x->book_id)
				continue;
			if (y->due_at > x->due_at || (y->due_at == x->due_at && y->id < x->id)) {
				rc = lend__end_loan(e, x, LEND_END_RETURNED, e->now);
				int64_t handed = 0;
				if (rc == LEND_OK)
					rc = lend__dispatch(e, x->library_id, x->book_id, &handed);
				break;
			}
		}
	}
	lend__rows_free(&l);
	return rc;
}

/* Both waited for the same book at the same library: the earlier place
 * (lower id) stays, the other is left. A place for a book the reader now
 * has on loan is left too. */
static int holds_dedupe(lend_engine *e, int64_t to)
{
	lend__rows h, l;
	TRY(holds_of(e, to, LEND_HOLD_WAITING, &h));
	int rc = loans_of(e, to, 1, &l);
	if (rc != LEND_OK) {
		lend__rows_free(&h);
		return rc;
	}
	for (size_t i = 0; rc == LEND_OK && i < h.n; i++) {
		lend_sys_hold *x = &LEND_ROW(h, lend_sys_hold, i);
		int drop = 0;
		for (size_t j = 0; j < i && !drop; j++) {
			const lend_sys_hold *y = &LEND_ROW(h, lend_sys_hold, j);
			drop = y->state == LEND_HOLD_WAITING && y->library_id == x->library_id && y->book_id == x->book_id;
		}
		for (size_t j = 0; j < l.n && !drop; j++)
			drop = LEND_ROW(l, lend_sys_loan, j).book_id == x->book_id;
		if (!drop)
			continue;
		x->state = LEND_HOLD_LEFT;
		x->ended_at = e->now;
		if ((rc = ST(e, hold_update, x)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "queue place");
		else
			rc = lend__desk_hold_left(e, x); /* a copy reserved for it passes on */
	}
	lend__rows_free(&h);
	lend__rows_free(&l);
	return rc;
}

static int grant_cb(void *ctx, int64_t library_id)
{
	return lend__rows_push(ctx, &library_id) ? 1 : 0;
}

/* Staff rights: the union. */
static int grants_move(lend_engine *e, int64_t from, int64_t to)
{
	lend__rows g = LEND_ROWS(int64_t);
	TRY(lend__rows_status(e, &g, ST(e, grant_list, from, grant_cb, &g), "grant list"));
	int rc = LEND_OK;
	for (size_t i = 0; rc == LEND_OK && i < g.n; i++) {
		int64_t lib = LEND_ROW(g, int64_t, i);
		rc = ST(e, grant_insert, to, lib);
		if (rc == LEND_EEXISTS)
			rc = LEND_OK;
		if (rc == LEND_OK)
			rc = ST(e, grant_delete, from, lib);
		if (rc != LEND_OK)
			rc = lend__storage_fail(e, rc, "grant");
	}
	lend__rows_free(&g);
	return rc;
}

struct reader_copy {
	lend_sys_reader row;
	char name[512];
};

static int reader_copy_cb(void *ctx, const lend_sys_reader *r)
{
	struct reader_copy *c = ctx;
	c->row = *r;
	snprintf(c->name, sizeof c->name, "%s", r->name ? r->name : "");
	c->row.name = c->name;
	return 0;
}

/* The same person has one birth date: a known one fills an unknown one;
 * two different ones refuse the merge. */
static int birth_dates(lend_engine *e, int64_t from, int64_t to)
{
	lend_sys_reader f, t;
	TRY(lend__load_reader(e, from, &f));
	TRY(lend__load_reader(e, to, &t));
	if (f.birth_date && t.birth_date && f.birth_date != t.birth_date)
		return lend__deny(e, LEND_REASON_BIRTH_DATE_DIFFERS,
		                  "the two accounts give different birth dates: they cannot be one person's");
	if (!f.birth_date || t.birth_date)
		return LEND_OK;
	struct reader_copy c;
	TRY_ST(e, "reader", ST(e, reader_get, to, reader_copy_cb, &c));
	c.row.birth_date = f.birth_date;
	TRY_ST(e, "reader", ST(e, reader_update, &c.row));
	return LEND_OK;
}

static int merge_readers(lend_engine *e, const lend_actor *a, int64_t from, int64_t to)
{
	TRY(birth_dates(e, from, to));
	TRY(tickets_move(e, from, to));
	TRY(circulation_move(e, from, to));
	TRY(loans_dedupe(e, to));
	TRY(holds_dedupe(e, to));
	TRY(grants_move(e, from, to));
	for (size_t i = 0; merge_hooks[i]; i++)
		TRY(merge_hooks[i](e, from, to));
	/* The merged-away account's sessions and outstanding secrets end;
	 * its methods and audit trail join the account. */
	int found = 0;
	TRY(acct__sessions_revoke(e, a, from, 0, &found));
	TRY(acct__secrets_end(e, from, 0));
	TRY_ST(e, "accounts", ST(e, accounts_move, from, to, e->now));
	return acct__audit(e, LEND_AUDIT_MERGED, to, a, "from_reader=%lld", (long long)from);
}

LEND_EXTERN int lend_account_merge(lend_engine *e, const lend_actor *a, int login_kind, int64_t library_id,
                                   const char *login, const char *password)
{
	LEND_ENTER(e);
	TRY(acct__ready(e));
	TRY(lend__need_actor(e, a));
	if (a->kind != LEND_ACTOR_READER)
		return lend__fail(e, LEND_EPERM, "only a signed-in reader merges an account into his own");
	TRY(lend__begin(e, 1));
	int64_t from = 0;
	int rc = acct__verify(e, login_kind, library_id, login, password, &from);
	if (rc == LEND_OK && from == a->reader_id)
		rc = lend__fail(e, LEND_EINVAL, "that login is of this same account");
	if (rc == LEND_OK)
		rc = merge_readers(e, a, from, a->reader_id);
	return acct__end_failed(e, rc);
}
