/* circulation.c — verdicts, taking, issuing, ending loans, and handing freed
 * copies on to the queue (spec sections 3, 4 and 6). */
#include <stdio.h>

#include "internal.h"

#define DAY 86400

/* ------------------------------------------------------------- gather */

struct loan_scan {
	int64_t library_id, book_id;
	int kind;
	int kind_loans, kind_self; /* count only loans of `kind` */
	int64_t loans, self_loans;
	int64_t book_loan_id;
};

static int loan_scan_cb(void *ctx, const lend_sys_loan *l)
{
	struct loan_scan *s = ctx;
	if (l->book_id == s->book_id && !s->book_loan_id)
		s->book_loan_id = l->id;
	if (l->library_id != s->library_id)
		return 0;
	if (!s->kind_loans || l->kind == s->kind)
		s->loans++;
	if (l->origin == LEND_ORIGIN_SELF && (!s->kind_self || l->kind == s->kind))
		s->self_loans++;
	return 0;
}

struct month_scan {
	int kind;
	int kind_only;
	int64_t n;
};

static int month_scan_cb(void *ctx, const lend_sys_loan *l)
{
	struct month_scan *m = ctx;
	if (!m->kind_only || l->kind == m->kind)
		m->n++;
	return 0;
}

static int first_hold_cb(void *ctx, const lend_sys_hold *h)
{
	*(lend_sys_hold *)ctx = *h;
	return 1;
}

int lend__gather(lend_engine *e, int64_t ticket_id, int64_t book_id, lend_gathered *g)
{
	return lend__gather_held(e, ticket_id, book_id, NULL, -1, g);
}

int lend__gather_held(lend_engine *e, int64_t ticket_id, int64_t book_id, const lend_sys_hold *held,
                      int reserved_known, lend_gathered *g)
{
	memset(g, 0, sizeof *g);
	int loaded = 0;
	TRY(lend__load_verdict_rows(e, ticket_id, book_id, g, &loaded));
	if (!loaded) {
		TRY(lend__load_ticket(e, ticket_id, &g->ticket));
		TRY(lend__load_book_titled(e, book_id, &g->book, g->book_currency, g->title, sizeof g->title,
		                           &g->title_kept));
		TRY(lend__load_reader(e, g->ticket.reader_id, &g->reader));
		TRY(lend__load_library_named(e, g->ticket.library_id, &g->library, g->library_currency,
		                             g->library_name, sizeof g->library_name, &g->name_kept));
	}
	TRY(lend__load_policy(e, g->ticket.library_id, ticket_id, &g->policy));
	int rc = loaded ? LEND_OK : ST(e, fund_get, g->ticket.library_id, book_id, &g->fund);
	if (loaded || rc == LEND_OK)
		g->in_fund = loaded ? g->in_fund : 1;
	else if (rc == LEND_ENOTFOUND)
		memset(&g->fund, 0, sizeof g->fund);
	else
		return lend__storage_fail(e, rc, "fund");

	lend_rule_input *in = &g->in;
	const lend_policy_rows *p = &g->policy;
	int kind = g->book.kind, ks_loans = 0, ks_self = 0, ks_month = 0;
	in->now = e->now;
	in->today = lend__ymd(e->now);
	in->blocked = g->ticket.blocked;
	in->valid_from = g->ticket.valid_from;
	in->valid_until = g->ticket.valid_until;
	in->birth_date = g->reader.birth_date;
	in->lendable = g->book.lendable;
	in->age_rating = g->book.age_rating;
	in->release_at = g->book.release_at;
	in->price = g->book.price;
	in->currency_matches = strcmp(g->book_currency, g->library_currency) == 0;
	in->max_loans = lend_rules_resolve(p, ticket_id, kind, LEND_SETTING_MAX_LOANS, &ks_loans);
	in->self_limit = lend_rules_resolve(p, ticket_id, kind, LEND_SETTING_SELF_SERVICE_LIMIT, &ks_self);
	in->max_self_price = lend_rules_resolve(p, ticket_id, kind, LEND_SETTING_MAX_SELF_PRICE, NULL);
	in->monthly_quota = lend_rules_resolve(p, ticket_id, kind, LEND_SETTING_MONTHLY_QUOTA, &ks_month);
	in->max_copies = lend_rules_resolve(p, ticket_id, kind, LEND_SETTING_MAX_COPIES, NULL);
	in->copies = g->fund.copies;
	int reserved = reserved_known > 0 ? reserved_known : 0;
	/* Only whether a copy is free counts (on_loan < copies): with none, the
	 * reserved ones change nothing. */
	if (g->fund.on_loan < g->fund.copies && reserved_known < 0)
		TRY(lend__desk_reserved(e, g->ticket.library_id, book_id, &reserved));
	in->on_loan = g->fund.on_loan + reserved; /* a reserved copy is not free */
	in->budget = g->library.budget;

	/* One pass over the reader's active loans gives every count. */
	struct loan_scan s = {g->ticket.library_id, book_id, kind, ks_loans, ks_self, 0, 0, 0};
	lend_sys_loan_filter lf;
	memset(&lf, 0, sizeof lf);
	lf.reader_id = g->ticket.reader_id;
	lf.active = 1;
	TRY_ST(e, "loan list", ST(e, loan_list, &lf, loan_scan_cb, &s));
	in->loans = s.loans;
	in->self_loans = s.self_loans;
	in->has_book = s.book_loan_id != 0;
	g->in.position = 0;
	if (in->monthly_quota != LEND_UNLIMITED) {
		struct month_scan m = {kind, ks_month, 0};
		memset(&lf, 0, sizeof lf);
		lf.ticket_id = ticket_id;
		lf.issued_since = lend__month_start(e->now);
		TRY_ST(e, "loan list", ST(e, loan_list, &lf, month_scan_cb, &m));
		in->month_loans = m.n;
	}
	/* The reader's own waiting place for this book, if any. */
	lend_sys_hold h;
	memset(&h, 0, sizeof h);
	if (held) {
		h = *held; /* the caller read it in this transaction */
	} else {
		lend_sys_hold_filter hf;
		memset(&hf, 0, sizeof hf);
		hf.book_id = book_id; /* the ticket implies the library */
		hf.ticket_id = ticket_id;
		hf.state = LEND_HOLD_WAITING;
		hf.limit = 1;
		int hrc = ST(e, hold_list, &hf, first_hold_cb, &h);
		if (hrc != LEND_OK && hrc != 1)
			return lend__storage_fail(e, hrc, "queue");
	}
	g->hold_id = h.id;
	g->hold = h;
	in->queued = h.id != 0;
	in->suspended = h.id && h.suspended_until > e->now;
	g->yours_loan_id = s.book_loan_id;
	return LEND_OK;
}

/* ------------------------------------------------------ issue and end */

static void due_text(char *buf, size_t len, int64_t t)
{
	snprintf(buf, len, "due_at=%lld", (long long)t);
}

int lend__issue(lend_engine *e, lend_gathered *g, int origin, lend_sys_loan *loan)
{
	int64_t days = lend_rules_resolve(&g->policy, g->ticket.id, g->book.kind, LEND_SETTING_LOAN_DAYS, NULL);
	memset(loan, 0, sizeof *loan);
	loan->ticket_id = g->ticket.id;
	loan->reader_id = g->ticket.reader_id;
	loan->library_id = g->ticket.library_id;
	loan->book_id = g->book.id;
	loan->origin = origin;
	loan->issued_at = e->now;
	loan->due_at = e->now + days * DAY;
	loan->kind = g->book.kind;
	if (g->fund.on_loan >= g->fund.copies)
		return lend__fail(e, LEND_ESTATE, "no free copy to issue"); /* guarded by the callers */
	TRY_ST(e, "loan insert", ST(e, loan_insert, loan));
	g->fund.on_loan++;
	g->fund.updated_at = e->now;
	TRY_ST(e, "fund update", ST(e, fund_put, &g->fund));
	TRY(lend__desk_license_bind(e, loan, &g->fund));
	if (g->hold_id) {
		/* The place as lend__gather read it in this transaction, else read. */
		lend_sys_hold h = g->hold;
		if (h.id != g->hold_id)
			TRY(lend__load_hold(e, g->hold_id, &h));
		h.state = LEND_HOLD_SERVED;
		h.ended_at = e->now;
		h.loan_id = loan->id;
		TRY_ST(e, "queue update", ST(e, hold_update, &h));
	}
	TRY(lend__search_book_loaned(e, loan->book_id)); /* popularity for search */
	char due[64];
	due_text(due, sizeof due, loan->due_at);
	/* The title and the library's name as lend__gather read them. */
	return lend__notify_named(e, origin == LEND_ORIGIN_QUEUE ? LEND_NOTE_QUEUE_HANDOFF : LEND_NOTE_LOAN_ISSUED,
	                          loan->reader_id, loan->library_id, loan->book_id, loan->id, due,
	                          g->title_kept && g->book.id == loan->book_id ? g->title : NULL,
	                          g->name_kept && g->library.id == loan->library_id ? g->library_name : NULL);
}

int lend__end_loan(lend_engine *e, lend_sys_loan *loan, int reason, int64_t when)
{
	return lend__end_loan_fund(e, loan, reason, when, NULL);
}

static int end_loan_named(lend_engine *e, lend_sys_loan *loan, int reason, int64_t when, lend_sys_fund *fund,
                          const lend_sys_fund *known, const char *title, const char *library_name);

int lend__end_loan_fund(lend_engine *e, lend_sys_loan *loan, int reason, int64_t when, lend_sys_fund *fund)
{
	return end_loan_named(e, loan, reason, when, fund, NULL, NULL, NULL);
}

/* The same, given the loan's fund row, the book's title and the library's
 * name as read in this transaction (NULL: read them). */
static int end_loan_named(lend_engine *e, lend_sys_loan *loan, int reason, int64_t when, lend_sys_fund *fund,
                          const lend_sys_fund *known, const char *title, const char *library_name)
{
	e->finish_library = 0; /* the sample of ended loans changes */
	lend_sys_fund f;
	if (known)
		f = *known;
	else
		TRY_ST(e, "fund", ST(e, fund_get, loan->library_id, loan->book_id, &f));
	if (f.on_loan <= 0)
		return lend__fail(e, LEND_ESTORAGE, "the fund of book %lld is out of step with its loans",
		                  (long long)loan->book_id);
	loan->ended_at = when;
	loan->end_reason = reason;
	TRY_ST(e, "loan update", ST(e, loan_update, loan));
	f.on_loan--;
	f.updated_at = e->now;
	TRY_ST(e, "fund update", ST(e, fund_put, &f));
	TRY(lend__desk_license_release(e, loan, &f));
	if (fund)
		*fund = f; /* as now stored */
	char detail[64];
	snprintf(detail, sizeof detail, "end_reason=%d\nended_at=%lld", reason, (long long)when);
	return lend__notify_named(e, LEND_NOTE_LOAN_ENDED, loan->reader_id, loan->library_id, loan->book_id, loan->id,
	                          detail, title, library_name);
}

/* --------------------------------------------------------- hand-off */

static int collect_holds(lend_engine *e, const lend_sys_hold_filter *f, lend__rows *c)
{
	*c = (lend__rows)LEND_ROWS(lend_sys_hold);
	return lend__rows_status(e, c, ST(e, hold_list, f, lend__rows_hold_cb, c), "queue list");
}

int lend__dispatch(lend_engine *e, int64_t library_id, int64_t book_id, int64_t *handoffs)
{
	return lend__dispatch_known(e, library_id, book_id, NULL, handoffs);
}

int lend__dispatch_known(lend_engine *e, int64_t library_id, int64_t book_id, const lend_sys_fund *known,
                         int64_t *handoffs)
{
	lend_sys_fund after; /* the fund row as the last hand-off left it */
	for (;;) {
		lend_sys_fund f;
		int rc = LEND_OK;
		if (known)
			f = *known; /* the row the caller (or the last hand-off) has just written or read */
		else
			rc = ST(e, fund_get, library_id, book_id, &f);
		known = NULL;
		if (rc == LEND_ENOTFOUND)
			return LEND_OK;
		TRY_ST(e, "fund", rc);
		if (f.on_loan >= f.copies)
			return LEND_OK;
		/* Most hand-offs go to one of the first few places: read a short
		 * page first, the whole queue only if nobody there may have it.
		 * Most freed copies have nobody waiting: the reserved copies are
		 * counted only when someone does. */
		int served = 0, reserved = -1;
		size_t from = 0;
		for (int32_t page = 2;; page = 0) {
			lend_sys_hold_filter hf;
			memset(&hf, 0, sizeof hf);
			hf.library_id = library_id;
			hf.book_id = book_id;
			hf.state = LEND_HOLD_WAITING;
			hf.limit = page;
			lend__rows c;
			TRY(collect_holds(e, &hf, &c));
			if (reserved < 0) {
				rc = c.n ? lend__desk_reserved(e, library_id, book_id, &reserved) : LEND_OK;
				if (rc != LEND_OK || !c.n || f.on_loan + reserved >= f.copies) {
					lend__rows_free(&c);
					return rc; /* nobody waits, or no free copy */
				}
			}
			for (size_t i = from; i < c.n && !served; i++) {
				const lend_sys_hold *h = &LEND_ROW(c, lend_sys_hold, i);
				if (h->suspended_until > e->now)
					continue; /* "let the next reader go first" */
				lend_gathered g;
				/* h is his waiting place for this book (one per ticket and book). */
				rc = lend__gather_held(e, h->ticket_id, book_id, h, reserved, &g);
				if (rc == LEND_OK && lend_rules_handoff(&g.in) == LEND_REASON_NONE) {
					rc = lend__desk_handoff(e, &g, &served);
					if (served) {
						if (handoffs)
							(*handoffs)++;
						after = g.fund; /* as lend__issue wrote it, or as read */
						known = &after;
					}
				}
				if (rc != LEND_OK)
					break;
			}
			size_t got = c.n;
			lend__rows_free(&c);
			if (rc != LEND_OK)
				return rc;
			if (served || page == 0 || got < (size_t)page)
				break;
			from = got;
		}
		if (!served)
			return LEND_OK; /* nobody eligible: the copy waits, places are kept */
	}
}

int lend__dispatch_ticket(lend_engine *e, int64_t ticket_id, int64_t *handoffs)
{
	lend_sys_hold_filter hf;
	memset(&hf, 0, sizeof hf);
	hf.ticket_id = ticket_id;
	hf.state = LEND_HOLD_WAITING;
	lend__rows c;
	TRY(collect_holds(e, &hf, &c));
	int rc = LEND_OK;
	for (size_t i = 0; i < c.n && rc == LEND_OK; i++)
		rc = lend__dispatch(e, LEND_ROW(c, lend_sys_hold, i).library_id, LEND_ROW(c, lend_sys_hold, i).book_id, handoffs);
	lend__rows_free(&c);
	return rc;
}

static int idle_fund_cb(void *ctx, const lend_sys_fund *row)
{
	return row->on_loan < row->copies ? lend__rows_push(ctx, row) : 0;
}

int lend__dispatch_all(lend_engine *e, int64_t *handoffs)
{
	lend__rows c = LEND_ROWS(lend_sys_fund);
	int rc = lend__rows_status(e, &c, ST(e, fund_list, 0, 0, 0, idle_fund_cb, &c), "fund list");
	for (size_t i = 0; rc == LEND_OK && i < c.n; i++) {
		lend_sys_hold_filter hf;
		memset(&hf, 0, sizeof hf);
		hf.library_id = LEND_ROW(c, lend_sys_fund, i).library_id;
		hf.book_id = LEND_ROW(c, lend_sys_fund, i).book_id;
		hf.state = LEND_HOLD_WAITING;
		int64_t waiting = 0;
		if ((rc = ST(e, hold_count, &hf, &waiting)) != LEND_OK) {
			rc = lend__storage_fail(e, rc, "queue count");
			break;
		}
		if (waiting)
			rc = lend__dispatch(e, LEND_ROW(c, lend_sys_fund, i).library_id, LEND_ROW(c, lend_sys_fund, i).book_id, handoffs);
	}
	lend__rows_free(&c);
	return rc;
}

/* ------------------------------------------------------------ settle */

static int loan_flag_cb(void *ctx, const lend_sys_loan *row)
{
	(void)row;
	*(int *)ctx = 1;
	return 1;
}

static int hold_flag_cb(void *ctx, const lend_sys_hold *row)
{
	(void)row;
	*(int *)ctx = 1;
	return 1;
}

/* One read asks the backend whether anything is due (settle_due); without
 * that method, the listings are asked one by one. *due = 1 when so. */
static int settle_due(lend_engine *e, int *due)
{
	int32_t d = 1;
	/* Tickets that started since the last settle matter only with the
	 * desk, and not before its first settle (the daily sweep covers them). */
	int64_t started_after = lend__desk_lacks(e) ? 0 : e->desk_started_seen;
	int rc = e->st.settle_due(e->st.userdata, e->now, started_after, &d);
	if (rc != LEND_OK)
		return lend__storage_fail(e, rc, "settle probe");
	*due = d != 0;
	return LEND_OK;
}

int lend__settle_needed(lend_engine *e, int *needed)
{
	*needed = 0;
	if (e->st.settle_due) {
		if (lend__ymd(e->now) != e->swept_day) {
			*needed = 1;
			return LEND_OK;
		}
		return settle_due(e, needed);
	}
	lend_sys_loan_filter lf;
	memset(&lf, 0, sizeof lf);
	lf.active = 1;
	lf.due_before = e->now;
	lf.order = LEND_SYS_LOAN_ORDER_DUE;
	lf.limit = 1;
	int rc = ST(e, loan_list, &lf, loan_flag_cb, needed);
	if (rc != LEND_OK && rc != 1)
		return lend__storage_fail(e, rc, "loan list");
	if (*needed || lend__ymd(e->now) != e->swept_day) {
		*needed = 1;
		return LEND_OK;
	}
	lend_sys_hold_filter hf;
	memset(&hf, 0, sizeof hf);
	hf.state = LEND_HOLD_WAITING;
	hf.suspended_before = e->now;
	hf.limit = 1;
	rc = ST(e, hold_list, &hf, hold_flag_cb, needed);
	if (rc != LEND_OK && rc != 1)
		return lend__storage_fail(e, rc, "queue list");
	return *needed ? LEND_OK : lend__desk_settle_needed(e, needed);
}

static int by_library_book(const void *a, const void *b)
{
	const lend_sys_loan *x = a, *y = b;
	if (x->library_id != y->library_id)
		return x->library_id < y->library_id ? -1 : 1;
	return (x->book_id > y->book_id) - (x->book_id < y->book_id);
}

static int by_ticket(const void *a, const void *b)
{
	const lend_sys_loan *x = a, *y = b;
	return (x->ticket_id > y->ticket_id) - (x->ticket_id < y->ticket_id);
}

/* End every loan the clock made due, then hand the freed copies on; wake
 * suspended places whose time has come. First all ends, then all hand-offs,
 * so that eligibility is judged on the state as of now. */
int lend__settle(lend_engine *e)
{
	if (e->st.settle_due && lend__ymd(e->now) == e->swept_day) {
		/* Nearly every call finds nothing due: one read says so. */
		int due = 1;
		TRY(settle_due(e, &due));
		if (!due) {
			e->desk_started_seeing = e->now; /* as lend__desk_settle: none started since */
			return LEND_OK;
		}
	}
	lend__rows all = LEND_ROWS(lend_sys_loan);
	int rc = lend__desk_license_settle(e); /* expired licenses lend no more */
	while (rc == LEND_OK) {
		lend_sys_loan_filter lf;
		memset(&lf, 0, sizeof lf);
		lf.active = 1;
		lf.due_before = e->now;
		lf.order = LEND_SYS_LOAN_ORDER_DUE;
		lf.limit = 512;
		lend__rows b = LEND_ROWS(lend_sys_loan);
		rc = lend__rows_status(e, &b, ST(e, loan_list, &lf, lend__rows_loan_cb, &b), "loan list");
		for (size_t i = 0; rc == LEND_OK && i < b.n; i++) {
			lend_sys_loan *l = &LEND_ROW(b, lend_sys_loan, i);
			rc = lend__end_loan(e, l, LEND_END_EXPIRED, l->due_at);
			if (rc == LEND_OK && lend__rows_push(&all, l) != 0)
				rc = lend__nomem(e);
		}
		size_t got = b.n;
		lend__rows_free(&b);
		if (rc != LEND_OK || got < 512)
			break;
	}
	e->settled_loans = (int64_t)all.n;
	lend_sys_loan *ended = all.data;
	if (all.n > 1)
		qsort(ended, all.n, sizeof *ended, by_library_book);
	for (size_t i = 0; rc == LEND_OK && i < all.n; i++)
		if (i == 0 || ended[i].library_id != ended[i - 1].library_id || ended[i].book_id != ended[i - 1].book_id)
			rc = lend__dispatch(e, ended[i].library_id, ended[i].book_id, &e->settled_handoffs);
	if (all.n > 1)
		qsort(ended, all.n, sizeof *ended, by_ticket);
	for (size_t i = 0; rc == LEND_OK && i < all.n; i++)
		if (i == 0 || ended[i].ticket_id != ended[i - 1].ticket_id)
			rc = lend__dispatch_ticket(e, ended[i].ticket_id, &e->settled_handoffs);
	lend__rows_free(&all);
	if (rc != LEND_OK)
		return rc;

	lend_sys_hold_filter hf;
	memset(&hf, 0, sizeof hf);
	hf.state = LEND_HOLD_WAITING;
	hf.suspended_before = e->now;
	lend__rows c;
	TRY(collect_holds(e, &hf, &c));
	for (size_t i = 0; rc == LEND_OK && i < c.n; i++) {
		LEND_ROW(c, lend_sys_hold, i).suspended_until = 0;
		if ((rc = ST(e, hold_update, &LEND_ROW(c, lend_sys_hold, i))) != LEND_OK)
			rc = lend__storage_fail(e, rc, "queue update");
		else
			rc = lend__dispatch(e, LEND_ROW(c, lend_sys_hold, i).library_id, LEND_ROW(c, lend_sys_hold, i).book_id, &e->settled_handoffs);
	}
	lend__rows_free(&c);
	int today = lend__ymd(e->now);
	if (rc == LEND_OK && today != e->swept_day) {
		rc = lend__dispatch_all(e, &e->settled_handoffs);
		e->sweeping_day = today;
	}
	return rc == LEND_OK ? lend__desk_settle(e) : rc;
}

/* ------------------------------------------------------ availability */

/* When a loan is expected to end: its due time, or earlier as readers of
 * the library actually finish (permille of the loan period, see desk.c). */
struct due_ctx {
	lend__rows d;
	int64_t permille;
};

static int due_cb(void *ctx, const lend_sys_loan *row)
{
	struct due_ctx *c = ctx;
	int64_t end = row->issued_at + (row->due_at - row->issued_at) * c->permille / 1000;
	return lend__rows_push(&c->d, &end);
}

/* Position of a place (or of a newcomer when h->id is 0) and the estimate. */
static int position_of(lend_engine *e, int64_t library_id, int64_t book_id, int64_t hold_id, int64_t ticket_id,
                       int kind, int *position, int64_t *wait_until)
{
	lend_sys_hold_filter hf;
	memset(&hf, 0, sizeof hf);
	hf.library_id = library_id;
	hf.book_id = book_id;
	hf.state = LEND_HOLD_WAITING;
	hf.before_id = hold_id; /* 0: everyone waiting is ahead of a newcomer */
	lend__rows c;
	TRY(collect_holds(e, &hf, &c));
	int ahead_active = 0;
	for (size_t i = 0; i < c.n; i++)
		if (LEND_ROW(c, lend_sys_hold, i).suspended_until <= e->now)
			ahead_active++;
	*position = (int)c.n + 1;
	lend__rows_free(&c);

	lend_sys_fund f;
	int rc = ST(e, fund_get, library_id, book_id, &f);
	if (rc == LEND_ENOTFOUND) {
		*wait_until = 0;
		return LEND_OK;
	}
	TRY_ST(e, "fund", rc);
	lend_sys_loan_filter lf;
	memset(&lf, 0, sizeof lf);
	lf.library_id = library_id;
	lf.book_id = book_id;
	lf.active = 1;
	struct due_ctx dc = {LEND_ROWS(int64_t), 1000};
	TRY(lend__desk_finish_permille(e, library_id, &dc.permille));
	int reserved = 0;
	TRY(lend__desk_reserved(e, library_id, book_id, &reserved));
	lend__rows *d = &dc.d;
	TRY(lend__rows_status(e, d, ST(e, loan_list, &lf, due_cb, &dc), "loan list"));
	lend_policy_rows p;
	rc = lend__load_policy(e, library_id, ticket_id, &p);
	if (rc == LEND_OK) {
		int64_t keep = lend_rules_resolve(&p, ticket_id, kind, LEND_SETTING_LOAN_DAYS, NULL) * DAY * dc.permille / 1000;
		/* A reserved copy counts as lent now to a reader ahead. */
		for (int i = 0; i < reserved && rc == LEND_OK; i++) {
			int64_t end = e->now + keep;
			if (lend__rows_push(d, &end) != 0)
				rc = lend__nomem(e);
		}
		ahead_active = ahead_active > reserved ? ahead_active - reserved : 0;
		if (rc == LEND_OK)
			*wait_until = lend_rules_wait_estimate(e->now, d->data, (int)d->n, f.copies - f.on_loan - reserved,
			                                       ahead_active, keep);
	}
	lend__rows_free(d);
	return rc;
}

int lend__queue_position(lend_engine *e, const lend_sys_hold *h, int *position, int64_t *wait_until)
{
	lend_sys_book b;
	char cur[4];
	TRY(lend__load_book(e, h->book_id, &b, cur));
	TRY(position_of(e, h->library_id, h->book_id, h->id, h->ticket_id, b.kind, position, wait_until));
	if (h->suspended_until > *wait_until)
		*wait_until = h->suspended_until;
	return LEND_OK;
}

static int need_ticket_user(lend_engine *e, const lend_actor *a, const lend_sys_ticket *t, int staff_ok)
{
	if (staff_ok)
		return lend__need_reader_or_staff(e, a, t->reader_id, t->library_id);
	if (a->kind == LEND_ACTOR_ADMIN || (a->kind == LEND_ACTOR_READER && a->reader_id == t->reader_id))
		return LEND_OK;
	return lend__fail(e, LEND_EPERM, "only the card's holder may do this");
}

int lend__availability(lend_engine *e, int64_t ticket_id, int64_t book_id, lend_availability *v)
{
	lend_gathered g;
	int rc = lend__gather(e, ticket_id, book_id, &g);
	if (rc == LEND_OK) {
		lend_rule_verdict rv;
		if (g.in.copies > 0 && g.in.on_loan >= g.in.copies) {
			rc = position_of(e, g.ticket.library_id, book_id, g.hold_id, ticket_id, g.book.kind,
			                 &g.in.position, &v->wait_until);
			v->position = g.in.position;
		}
		lend_rules_verdict(&g.in, &rv);
		v->verdict = rv.verdict;
		v->reason = rv.reason;
		v->buys = rv.buys;
		v->queued = g.in.queued;
		v->loan_id = rv.verdict == LEND_VERDICT_YOURS ? g.yours_loan_id : 0;
		if (rv.verdict != LEND_VERDICT_QUEUE) {
			v->position = 0;
			v->wait_until = 0;
		}
		memcpy(v->message, rv.message, sizeof v->message);
	}
	return rc;
}

LEND_EXTERN int lend_availability_get(lend_engine *e, const lend_actor *a, int64_t ticket_id, int64_t book_id,
                                      lend_availability **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(lend__need_actor(e, a));
	lend_availability *v = calloc(1, sizeof *v);
	if (!v)
		return lend__nomem(e);
	int rc = lend__begin(e, 0);
	lend_sys_ticket t;
	if (rc == LEND_OK)
		rc = lend__load_ticket(e, ticket_id, &t);
	if (rc == LEND_OK)
		rc = need_ticket_user(e, a, &t, 1);
	if (rc == LEND_OK)
		rc = lend__availability(e, ticket_id, book_id, v);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		free(v);
		return rc;
	}
	*out = v;
	return LEND_OK;
}

/* Turn a verdict that is not TAKE into the refusal of a take. */
static int refuse_take(lend_engine *e, const lend_rule_verdict *rv)
{
	switch (rv->verdict) {
	case LEND_VERDICT_YOURS:
		return lend__deny(e, LEND_REASON_ALREADY_YOURS, "refused: you already have this book");
	case LEND_VERDICT_QUEUE:
		return lend__deny(e, LEND_REASON_NO_FREE_COPY, "refused: every copy is on loan; join the queue");
	default:
		return lend__deny(e, rv->reason, "%s%s", rv->verdict == LEND_VERDICT_REFUSED ? "" : "refused: ",
		                  rv->message);
	}
}

LEND_EXTERN int lend_take(lend_engine *e, const lend_actor *a, int64_t ticket_id, int64_t book_id, lend_loan **out)
{
	LEND_ENTER(e);
	if (out)
		*out = NULL;
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	lend_gathered g;
	lend_sys_loan loan;
	int rc = lend__gather(e, ticket_id, book_id, &g);
	if (rc == LEND_OK)
		rc = need_ticket_user(e, a, &g.ticket, 0);
	if (rc == LEND_OK) {
		lend_rule_verdict rv;
		lend_rules_verdict(&g.in, &rv);
		if (rv.verdict != LEND_VERDICT_TAKE) {
			rc = refuse_take(e, &rv);
		} else if (rv.buys) {
			/* Buy one copy into the fund and issue it: one atomic step. */
			rc = lend__budget_change(e, a, g.ticket.library_id, -g.book.price, 2, book_id,
			                         "bought on a reader's self-service take");
			g.fund.library_id = g.ticket.library_id;
			g.fund.book_id = book_id;
			g.fund.copies++;
		}
	}
	if (rc == LEND_OK)
		rc = lend__issue(e, &g, LEND_ORIGIN_SELF, &loan);
	lend_loan *l = NULL;
	if (rc == LEND_OK && out && !(l = lend__loan_from(&loan)))
		rc = lend__nomem(e);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_loan_free(l);
		return rc;
	}
	if (out)
		*out = l;
	return LEND_OK;
}

/* The rows a return starts from: the loan, its book's title and its
 * library's name (each kept whole or not at all; has_* 0: the notification
 * reads it) and its fund row (has_fund 0: read apart). */
struct return_rows {
	lend_sys_loan loan;
	lend_sys_fund fund;
	char title[1024];
	char library_name[256];
	int has_title, has_name, has_fund;
};

static int keep_text(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;
	if (!src || n >= size)
		return 0;
	memcpy(dst, src, n + 1);
	return 1;
}

static int return_rows_cb(void *ctx, const lend_sys_loan *loan, const char *title, const char *library_name,
                          const lend_sys_fund *fund)
{
	struct return_rows *n = ctx;
	n->loan = *loan;
	n->has_title = keep_text(n->title, sizeof n->title, title);
	n->has_name = keep_text(n->library_name, sizeof n->library_name, library_name);
	if ((n->has_fund = fund != NULL))
		n->fund = *fund;
	return 0;
}

/* lend__load_loan, with the other rows in the same read when the backend can. */
static int load_return_rows(lend_engine *e, int64_t id, struct return_rows *n)
{
	n->has_title = n->has_name = n->has_fund = 0;
	if (!e->st.return_rows)
		return lend__load_loan(e, id, &n->loan);
	memset(&n->loan, 0, sizeof n->loan);
	TRY_ST(e, "loan", e->st.return_rows(e->st.userdata, id, return_rows_cb, n));
	return LEND_OK;
}

LEND_EXTERN int lend_return(lend_engine *e, const lend_actor *a, int64_t loan_id)
{
	LEND_ENTER(e);
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	struct return_rows nl;
	lend_sys_loan loan;
	lend_sys_fund f;
	int rc = load_return_rows(e, loan_id, &nl);
	loan = nl.loan;
	if (rc == LEND_OK)
		rc = lend__need_reader_or_staff(e, a, loan.reader_id, loan.library_id);
	if (rc == LEND_OK && loan.ended_at)
		rc = lend__fail(e, LEND_ESTATE, "loan %lld has already ended", (long long)loan_id);
	int end_reason = a->kind == LEND_ACTOR_READER ? LEND_END_RETURNED : LEND_END_REVOKED;
	if (rc == LEND_OK)
		rc = end_loan_named(e, &loan, end_reason, e->now, &f, nl.has_fund ? &nl.fund : NULL,
		                    nl.has_title ? nl.title : NULL, nl.has_name ? nl.library_name : NULL);
	int64_t n = 0;
	if (rc == LEND_OK) /* the fund row as lend__end_loan_fund left it: not read again */
		rc = lend__dispatch_known(e, loan.library_id, loan.book_id, &f, &n);
	if (rc == LEND_OK)
		rc = lend__dispatch_ticket(e, loan.ticket_id, &n);
	return lend__end(e, rc);
}

LEND_EXTERN int lend_loan_get(lend_engine *e, const lend_actor *a, int64_t loan_id, lend_loan **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 0));
	lend_sys_loan loan;
	int rc = lend__load_loan(e, loan_id, &loan);
	if (rc == LEND_OK)
		rc = lend__need_reader_or_staff(e, a, loan.reader_id, loan.library_id);
	rc = lend__end(e, rc);
	if (rc == LEND_OK && !(*out = lend__loan_from(&loan)))
		rc = lend__nomem(e);
	return rc;
}

static int64_t loan_library(const void *item)
{
	return lend_loan_library_id(item);
}

struct loans_ctx {
	lend__vec *v;
	int rc;
};

static int loans_cb(void *ctx, const lend_sys_loan *row)
{
	struct loans_ctx *c = ctx;
	lend_loan *l = lend__loan_from(row);
	if (!l || lend__vec_push(c->v, l) != LEND_OK) {
		free(l);
		c->rc = LEND_ENOMEM;
		return 1;
	}
	return 0;
}

LEND_EXTERN int lend_loan_list(lend_engine *e, const lend_actor *a, int64_t reader_id, int active_only,
                               lend_loans **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(lend__need_actor(e, a));
	lend_loans *l = calloc(1, sizeof *l);
	if (!l)
		return lend__nomem(e);
	int rc = lend__begin(e, 0);
	lend_sys_reader r;
	if (rc == LEND_OK)
		rc = lend__load_reader(e, reader_id, &r);
	if (rc == LEND_OK)
		rc = lend__need_reader_access(e, a, reader_id);
	lend_sys_loan_filter lf;
	memset(&lf, 0, sizeof lf);
	lf.reader_id = reader_id;
	lf.active = active_only ? 1 : 0;
	lf.order = LEND_SYS_LOAN_ORDER_SHELF;
	struct loans_ctx c = {&l->v, LEND_OK};
	if (rc == LEND_OK && (rc = ST(e, loan_list, &lf, loans_cb, &c)) != LEND_OK)
		rc = c.rc != LEND_OK ? lend__nomem(e) : lend__storage_fail(e, rc, "loan list");
	/* A librarian sees only his libraries' loans. */
	if (rc == LEND_OK)
		rc = lend__vec_keep_staffed(e, a, &l->v, loan_library, free);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_loans_free(l);
		return rc;
	}
	*out = l;
	return LEND_OK;
}

/* Fill l with the effective limits of ticket t for a kind and what is used
 * of each (inside a transaction). */
int lend__limits_fill(lend_engine *e, const lend_sys_ticket *t, int kind, lend_limits *l)
{
	lend_policy_rows p;
	int64_t ticket_id = t->id;
	TRY(lend__load_policy(e, t->library_id, ticket_id, &p));
	int ks[LEND_SETTING_COUNT + 1] = {0};
	for (int s = 1; s <= LEND_SETTING_COUNT; s++)
		l->value[s] = lend_rules_resolve(&p, ticket_id, kind, s, &ks[s]);
	struct loan_scan sc = {t->library_id, 0, kind, ks[LEND_SETTING_MAX_LOANS] && kind,
	                       ks[LEND_SETTING_SELF_SERVICE_LIMIT] && kind, 0, 0, 0};
	lend_sys_loan_filter lf;
	memset(&lf, 0, sizeof lf);
	lf.ticket_id = ticket_id;
	lf.active = 1;
	TRY_ST(e, "loan list", ST(e, loan_list, &lf, loan_scan_cb, &sc));
	l->used[LEND_SETTING_MAX_LOANS] = sc.loans;
	l->used[LEND_SETTING_SELF_SERVICE_LIMIT] = sc.self_loans;
	struct month_scan m = {kind, ks[LEND_SETTING_MONTHLY_QUOTA] && kind, 0};
	memset(&lf, 0, sizeof lf);
	lf.ticket_id = ticket_id;
	lf.issued_since = lend__month_start(e->now);
	TRY_ST(e, "loan list", ST(e, loan_list, &lf, month_scan_cb, &m));
	l->used[LEND_SETTING_MONTHLY_QUOTA] = m.n;
	TRY(lend__desk_open_requests(e, ticket_id, &l->used[LEND_SETTING_MAX_REQUESTS]));
	char lim[4][32];
	int sets[4] = {LEND_SETTING_SELF_SERVICE_LIMIT, LEND_SETTING_MAX_LOANS, LEND_SETTING_MAX_REQUESTS,
	               LEND_SETTING_MONTHLY_QUOTA};
	for (int i = 0; i < 4; i++) {
		if (l->value[sets[i]] == LEND_UNLIMITED)
			snprintf(lim[i], sizeof lim[i], "no limit");
		else
			snprintf(lim[i], sizeof lim[i], "%lld", (long long)l->value[sets[i]]);
	}
	snprintf(l->summary, sizeof l->summary,
	         "%lld of %s self-service books used, %lld of %s books on loan, %lld of %s requests open, "
	         "%lld of %s books this month",
	         (long long)l->used[LEND_SETTING_SELF_SERVICE_LIMIT], lim[0], (long long)l->used[LEND_SETTING_MAX_LOANS],
	         lim[1], (long long)l->used[LEND_SETTING_MAX_REQUESTS], lim[2],
	         (long long)l->used[LEND_SETTING_MONTHLY_QUOTA], lim[3]);
	return LEND_OK;
}

LEND_EXTERN int lend_limits_get(lend_engine *e, const lend_actor *a, int64_t ticket_id, int kind, lend_limits **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	if (kind < LEND_KIND_ANY || kind > LEND_KIND_AUDIOBOOK)
		return lend__fail(e, LEND_EINVAL, "unknown kind of book %d", kind);
	TRY(lend__need_actor(e, a));
	lend_limits *l = calloc(1, sizeof *l);
	if (!l)
		return lend__nomem(e);
	int rc = lend__begin(e, 0);
	lend_sys_ticket t;
	if (rc == LEND_OK)
		rc = lend__load_ticket(e, ticket_id, &t);
	if (rc == LEND_OK)
		rc = lend__need_reader_or_staff(e, a, t.reader_id, t.library_id);
	if (rc == LEND_OK)
		rc = lend__limits_fill(e, &t, kind, l);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		free(l);
		return rc;
	}
	*out = l;
	return LEND_OK;
}
