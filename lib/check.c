/* check.c — verify against the stored state what must never happen
 * (spec section 10), and report every violation found. */
#include <stdio.h>

#include "internal.h"

#define GROW(arr, n, cap, oom)                                                                                         \
	do {                                                                                                           \
		if ((n) == (cap)) {                                                                                    \
			size_t c_ = (cap) ? (cap) * 2 : 64;                                                            \
			void *p_ = realloc((arr), c_ * sizeof *(arr));                                                 \
			if (!p_) {                                                                                     \
				(oom) = 1;                                                                             \
				return 1;                                                                              \
			}                                                                                              \
			(arr) = p_;                                                                                    \
			(cap) = c_;                                                                                    \
		}                                                                                                      \
	} while (0)

struct snapshot {
	lend_sys_loan *loans;
	size_t nloans, caploans;
	lend_sys_fund *funds;
	size_t nfunds, capfunds;
	lend_sys_hold *holds;
	size_t nholds, capholds;
	struct noteref {
		int64_t loan_id;
		int kind;
	} *notes;
	size_t nnotes, capnotes;
	int64_t *libs;
	size_t nlibs, caplibs;
	int oom;
};

static int snap_loan(void *ctx, const lend_sys_loan *r)
{
	struct snapshot *s = ctx;
	GROW(s->loans, s->nloans, s->caploans, s->oom);
	s->loans[s->nloans++] = *r;
	return 0;
}

static int snap_fund(void *ctx, const lend_sys_fund *r)
{
	struct snapshot *s = ctx;
	GROW(s->funds, s->nfunds, s->capfunds, s->oom);
	s->funds[s->nfunds++] = *r;
	return 0;
}

static int snap_hold(void *ctx, const lend_sys_hold *r)
{
	struct snapshot *s = ctx;
	GROW(s->holds, s->nholds, s->capholds, s->oom);
	s->holds[s->nholds++] = *r;
	return 0;
}

static int snap_note(void *ctx, const lend_sys_note *r)
{
	struct snapshot *s = ctx;
	GROW(s->notes, s->nnotes, s->capnotes, s->oom);
	s->notes[s->nnotes].loan_id = r->loan_id;
	s->notes[s->nnotes++].kind = r->kind;
	return 0;
}

static int snap_lib(void *ctx, const lend_sys_library *r)
{
	struct snapshot *s = ctx;
	GROW(s->libs, s->nlibs, s->caplibs, s->oom);
	s->libs[s->nlibs++] = r->id;
	return 0;
}

static void snap_free(struct snapshot *s)
{
	free(s->loans);
	free(s->funds);
	free(s->holds);
	free(s->notes);
	free(s->libs);
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
	return bsearch(&key, s->notes, s->nnotes, sizeof key, by_note_loan) != NULL;
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
	struct snapshot s;
	memset(&s, 0, sizeof s);
	lend_sys_loan_filter lf;
	memset(&lf, 0, sizeof lf);
	lend_sys_hold_filter hf;
	memset(&hf, 0, sizeof hf);
	lend_sys_note_filter nf;
	memset(&nf, 0, sizeof nf);
	int rc = ST(e, loan_list, &lf, snap_loan, &s);
	if (rc == LEND_OK)
		rc = ST(e, fund_list, 0, 0, 0, snap_fund, &s);
	if (rc == LEND_OK)
		rc = ST(e, hold_list, &hf, snap_hold, &s);
	if (rc == LEND_OK)
		rc = ST(e, note_list, &nf, snap_note, &s);
	if (rc == LEND_OK)
		rc = ST(e, library_list, snap_lib, &s);
	if (s.oom) {
		snap_free(&s);
		return lend__nomem(e);
	}
	if (rc != LEND_OK) {
		snap_free(&s);
		return lend__storage_fail(e, rc, "check");
	}
	int out = LEND_OK;
#define REPORT(...)                                                                                                    \
	do {                                                                                                           \
		if (out == LEND_OK && lend__report_add(rep, __VA_ARGS__) != LEND_OK)                                  \
			out = lend__nomem(e);                                                                          \
	} while (0)

	/* Copies: on loan == active loans <= owned. */
	qsort(s.loans, s.nloans, sizeof *s.loans, by_lib_book);
	size_t j = 0;
	for (size_t i = 0; i < s.nfunds; i++) {
		const lend_sys_fund *f = &s.funds[i];
		while (j < s.nloans && (s.loans[j].library_id < f->library_id ||
		                        (s.loans[j].library_id == f->library_id && s.loans[j].book_id < f->book_id))) {
			if (!s.loans[j].ended_at)
				REPORT("loan %lld of book %lld has no fund entry in library %lld", (long long)s.loans[j].id,
				       (long long)s.loans[j].book_id, (long long)s.loans[j].library_id);
			j++;
		}
		int active = 0;
		while (j < s.nloans && s.loans[j].library_id == f->library_id && s.loans[j].book_id == f->book_id)
			active += s.loans[j++].ended_at == 0;
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
	for (; j < s.nloans; j++)
		if (!s.loans[j].ended_at)
			REPORT("loan %lld of book %lld has no fund entry in library %lld", (long long)s.loans[j].id,
			       (long long)s.loans[j].book_id, (long long)s.loans[j].library_id);

	/* One active loan of a book per reader; none overdue; age; notifications. */
	qsort(s.notes, s.nnotes, sizeof *s.notes, by_note_loan);
	qsort(s.loans, s.nloans, sizeof *s.loans, by_reader_book);
	for (size_t i = 0; i < s.nloans; i++) {
		const lend_sys_loan *l = &s.loans[i];
		if (!l->ended_at && i + 1 < s.nloans && !s.loans[i + 1].ended_at && s.loans[i + 1].reader_id == l->reader_id &&
		    s.loans[i + 1].book_id == l->book_id)
			REPORT("reader %lld holds book %lld twice (loans %lld and %lld)", (long long)l->reader_id,
			       (long long)l->book_id, (long long)l->id, (long long)s.loans[i + 1].id);
		if (!l->ended_at && l->due_at <= e->now)
			REPORT("loan %lld is past its due time and still active", (long long)l->id);
		if (!has_note(&s, l->id, LEND_NOTE_LOAN_ISSUED) && !has_note(&s, l->id, LEND_NOTE_QUEUE_HANDOFF))
			REPORT("loan %lld has no issue notification", (long long)l->id);
		if (l->ended_at && !has_note(&s, l->id, LEND_NOTE_LOAN_ENDED))
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
	for (size_t i = 0; i < s.nlibs && out == LEND_OK; i++) {
		lend_sys_library lib;
		char cur[4];
		struct ledger_sum sum = {0};
		rc = lend__load_library(e, s.libs[i], &lib, cur);
		if (rc == LEND_OK && (rc = ST(e, ledger_list, s.libs[i], INT64_MIN, 0, ledger_cb, &sum)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "ledger");
		if (rc != LEND_OK) {
			out = rc;
			break;
		}
		if (lib.budget < 0)
			REPORT("library %lld has a negative budget (%lld)", (long long)s.libs[i], (long long)lib.budget);
		if (lib.budget != sum.sum)
			REPORT("library %lld: budget %lld differs from its ledger's sum %lld", (long long)s.libs[i],
			       (long long)lib.budget, (long long)sum.sum);
	}

	/* Queues: one waiting place per ticket and book; no idle copy while an
	 * eligible reader waits. */
	for (size_t i = 0; i < s.nholds && out == LEND_OK; i++) {
		const lend_sys_hold *h = &s.holds[i];
		if (h->state == LEND_HOLD_SERVED && !h->loan_id)
			REPORT("queue place %lld was served without a loan", (long long)h->id);
		if (h->state != LEND_HOLD_WAITING)
			continue;
		for (size_t k = i + 1; k < s.nholds; k++)
			if (s.holds[k].state == LEND_HOLD_WAITING && s.holds[k].ticket_id == h->ticket_id &&
			    s.holds[k].book_id == h->book_id)
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
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_report_free(rep);
		return rc;
	}
	*out = rep;
	return LEND_OK;
}
