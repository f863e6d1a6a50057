/* check.c — verify against the stored state what must never happen
 * (spec section 10), and report every violation found. */
#include <stdio.h>

#include "internal.h"

struct noteref {
	int64_t loan_id;
	int kind;
};

/* Everything the checks walk, copied out of storage. */
struct snapshot {
	lend__rows loans, funds, holds, notes, libs;
};

static int snap_note(void *ctx, const lend_sys_note *r)
{
	struct noteref ref = {r->loan_id, r->kind};
	return lend__rows_push(ctx, &ref);
}

static int snap_lib(void *ctx, const lend_sys_library *r)
{
	return lend__rows_push(ctx, &r->id);
}

static void snap_free(struct snapshot *s)
{
	lend__rows_free(&s->loans);
	lend__rows_free(&s->funds);
	lend__rows_free(&s->holds);
	lend__rows_free(&s->notes);
	lend__rows_free(&s->libs);
}

static int by_lib_book(const void *a, const void *b)
{
	const lend_sys_loan *x = a, *y = b;
	if (x->library_id != y->library_id)
		return x->library_id < y->library_id ? -1 : 1;
	if (x->book_id != y->book_id)
		return x->book_id < y->book_id ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static int by_reader_book(const void *a, const void *b)
{
	const lend_sys_loan *x = a, *y = b;
	if (x->reader_id != y->reader_id)
		return x->reader_id < y->reader_id ? -1 : 1;
	if (x->book_id != y->book_id)
		return x->book_id < y->book_id ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static int by_note_loan(const void *a, const void *b)
{
	const struct noteref *x = a, *y = b;
	if (x->loan_id != y->loan_id)
		return x->loan_id < y->loan_id ? -1 : 1;
	return x->kind - y->kind;
}

static int has_note(const struct snapshot *s, int64_t loan_id, int kind)
{
	struct noteref key = {loan_id, kind};
	if (s->notes.n == 0)
		return 0;
	return bsearch(&key, s->notes.data, s->notes.n, sizeof key, by_note_loan) != NULL;
}

struct ledger_sum {
	int64_t sum;
};

static int ledger_cb(void *ctx, const lend_sys_ledger *r)
{
	((struct ledger_sum *)ctx)->sum += r->amount;
	return 0;
}

static int run_checks(lend_engine *e, lend_report *rep)
{
	struct snapshot s = {LEND_ROWS(lend_sys_loan), LEND_ROWS(lend_sys_fund), LEND_ROWS(lend_sys_hold),
	                     LEND_ROWS(struct noteref), LEND_ROWS(int64_t)};
	lend_sys_loan_filter lf;
	memset(&lf, 0, sizeof lf);
	lend_sys_hold_filter hf;
	memset(&hf, 0, sizeof hf);
	lend_sys_note_filter nf;
	memset(&nf, 0, sizeof nf);
	int rc = ST(e, loan_list, &lf, lend__rows_loan_cb, &s.loans);
	if (rc == LEND_OK)
		rc = ST(e, fund_list, 0, 0, 0, lend__rows_fund_cb, &s.funds);
	if (rc == LEND_OK)
		rc = ST(e, hold_list, &hf, lend__rows_hold_cb, &s.holds);
	if (rc == LEND_OK)
		rc = ST(e, note_list, &nf, snap_note, &s.notes);
	if (rc == LEND_OK)
		rc = ST(e, library_list, snap_lib, &s.libs);
	int oom = s.loans.oom || s.funds.oom || s.holds.oom || s.notes.oom || s.libs.oom;
	if (oom || rc != LEND_OK) {
		snap_free(&s);
		return oom ? lend__nomem(e) : lend__storage_fail(e, rc, "check");
	}
	lend_sys_loan *loans = s.loans.data;
	lend_sys_fund *funds = s.funds.data;
	lend_sys_hold *holds = s.holds.data;
	int64_t *libs = s.libs.data;
	size_t nloans = s.loans.n, nfunds = s.funds.n, nholds = s.holds.n, nlibs = s.libs.n;
	int out = LEND_OK;
#define REPORT(...)                                                                                                    \
	do {                                                                                                           \
		if (out == LEND_OK && lend__report_add(rep, __VA_ARGS__) != LEND_OK)                                  \
			out = lend__nomem(e);                                                                          \
	} while (0)

	/* Copies: on loan == active loans <= owned. */
	if (nloans > 1)
		qsort(loans, nloans, sizeof *loans, by_lib_book);
	size_t j = 0;
	for (size_t i = 0; i < nfunds; i++) {
		const lend_sys_fund *f = &funds[i];
		while (j < nloans && (loans[j].library_id < f->library_id ||
		                        (loans[j].library_id == f->library_id && loans[j].book_id < f->book_id))) {
			if (!loans[j].ended_at)
				REPORT("loan %lld of book %lld has no fund entry in library %lld", (long long)loans[j].id,
				       (long long)loans[j].book_id, (long long)loans[j].library_id);
			j++;
		}
		int active = 0;
		while (j < nloans && loans[j].library_id == f->library_id && loans[j].book_id == f->book_id)
			active += loans[j++].ended_at == 0;
		if (f->copies < 0 || f->on_loan < 0)
			REPORT("library %lld, book %lld: negative copies (%d) or loans (%d)", (long long)f->library_id,
			       (long long)f->book_id, f->copies, f->on_loan);
		if (f->on_loan > f->copies)
			REPORT("library %lld, book %lld: %d copies on loan but only %d owned", (long long)f->library_id,
			       (long long)f->book_id, f->on_loan, f->copies);
		if (active != f->on_loan)
			REPORT("library %lld, book %lld: the fund counts %d on loan, the loans say %d",
			       (long long)f->library_id, (long long)f->book_id, f->on_loan, active);
	}
	for (; j < nloans; j++)
		if (!loans[j].ended_at)
			REPORT("loan %lld of book %lld has no fund entry in library %lld", (long long)loans[j].id,
			       (long long)loans[j].book_id, (long long)loans[j].library_id);

	/* One active loan of a book per reader; none overdue; age; notifications. */
	if (s.notes.n > 1)
		qsort(s.notes.data, s.notes.n, sizeof(struct noteref), by_note_loan);
	if (nloans > 1)
		qsort(loans, nloans, sizeof *loans, by_reader_book);
	for (size_t i = 0; i < nloans; i++) {
		const lend_sys_loan *l = &loans[i];
		if (!l->ended_at && i + 1 < nloans && !loans[i + 1].ended_at && loans[i + 1].reader_id == l->reader_id &&
		    loans[i + 1].book_id == l->book_id)
			REPORT("reader %lld holds book %lld twice (loans %lld and %lld)", (long long)l->reader_id,
			       (long long)l->book_id, (long long)l->id, (long long)loans[i + 1].id);
		if (!l->ended_at && l->due_at <= e->now)
			REPORT("loan %lld is past its due time and still active", (long long)l->id);
		/* A delivered notification may have been pruned after the
		 * retention; one younger than that must be there. */
		int kept = e->outbox_retention <= 0 || l->issued_at > e->now - e->outbox_retention;
		if (kept && !has_note(&s, l->id, LEND_NOTE_LOAN_ISSUED) && !has_note(&s, l->id, LEND_NOTE_QUEUE_HANDOFF))
			REPORT("loan %lld has no issue notification", (long long)l->id);
		kept = e->outbox_retention <= 0 || l->ended_at > e->now - e->outbox_retention;
		if (kept && l->ended_at && !has_note(&s, l->id, LEND_NOTE_LOAN_ENDED))
			REPORT("loan %lld ended without a notification", (long long)l->id);
		lend_sys_reader r;
		lend_sys_book b;
		char cur[4];
		int lrc = lend__load_reader(e, l->reader_id, &r);
		if (lrc == LEND_OK)
			lrc = lend__load_book(e, l->book_id, &b, cur);
		if (lrc != LEND_OK) {
			lend__clear(e);
			REPORT("loan %lld names a reader or book that does not exist", (long long)l->id);
		} else if (!lend_rules_age_ok(r.birth_date, b.age_rating, lend__ymd(l->issued_at))) {
			REPORT("loan %lld: reader %lld was younger than the %d+ rating of book %lld", (long long)l->id,
			       (long long)l->reader_id, b.age_rating, (long long)l->book_id);
		}
	}

	/* Budgets: never negative, always the sum of the ledger. */
	for (size_t i = 0; i < nlibs && out == LEND_OK; i++) {
		lend_sys_library lib;
		char cur[4];
		struct ledger_sum sum = {0};
		rc = lend__load_library(e, libs[i], &lib, cur);
		if (rc == LEND_OK && (rc = ST(e, ledger_list, libs[i], INT64_MIN, 0, ledger_cb, &sum)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "ledger");
		if (rc != LEND_OK) {
			out = rc;
			break;
		}
		if (lib.budget < 0)
			REPORT("library %lld has a negative budget (%lld)", (long long)libs[i], (long long)lib.budget);
		if (lib.budget != sum.sum)
			REPORT("library %lld: budget %lld differs from its ledger's sum %lld", (long long)libs[i],
			       (long long)lib.budget, (long long)sum.sum);
	}

	/* Queues: one waiting place per ticket and book; no idle copy while an
	 * eligible reader waits. */
	for (size_t i = 0; i < nholds && out == LEND_OK; i++) {
		const lend_sys_hold *h = &holds[i];
		if (h->state == LEND_HOLD_SERVED && !h->loan_id)
			REPORT("queue place %lld was served without a loan", (long long)h->id);
		if (h->state != LEND_HOLD_WAITING)
			continue;
		for (size_t k = i + 1; k < nholds; k++)
			if (holds[k].state == LEND_HOLD_WAITING && holds[k].ticket_id == h->ticket_id &&
			    holds[k].book_id == h->book_id)
				REPORT("ticket %lld waits twice for book %lld", (long long)h->ticket_id, (long long)h->book_id);
		if (h->suspended_until > e->now)
			continue;
		lend_sys_fund f;
		if (ST(e, fund_get, h->library_id, h->book_id, &f) != LEND_OK || f.on_loan >= f.copies)
			continue;
		lend_gathered g;
		if (lend__gather(e, h->ticket_id, h->book_id, &g) != LEND_OK) {
			lend__clear(e);
			continue;
		}
		if (g.in.on_loan >= g.in.copies)
			continue; /* the free copies are reserved for waiting readers */
		if (lend_rules_handoff(&g.in) == LEND_REASON_NONE)
			REPORT("library %lld, book %lld: a copy is idle while eligible reader %lld waits (place %lld)",
			       (long long)h->library_id, (long long)h->book_id, (long long)h->reader_id, (long long)h->id);
	}
#undef REPORT
	snap_free(&s);
	return out;
}

LEND_EXTERN int lend_engine_check(lend_engine *e, lend_report **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	lend_report *rep = calloc(1, sizeof *rep);
	if (!rep)
		return lend__nomem(e);
	int rc = lend__begin(e, 0);
	if (rc == LEND_OK)
		rc = run_checks(e, rep);
	/* Each area checks its own invariants: rc = lend__<area>_check(e, rep). */
	/* -- the librarian's desk */
	if (rc == LEND_OK)
		rc = lend__desk_check(e, rep);
	/* -- accounts and sign-in */
	if (rc == LEND_OK)
		rc = lend__accounts_check(e, rep);
	/* -- the reader's shelf */
	if (rc == LEND_OK)
		rc = lend__shelf_check(e, rep);
	/* -- the catalog */
	if (rc == LEND_OK)
		rc = lend__catalog_check(e, rep);
	/* -- search */
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_report_free(rep);
		return rc;
	}
	*out = rep;
	return LEND_OK;
}
