/* shelf_tick.c — what lend_engine_tick() sends for the shelf: "loan ends
 * soon" once per loan, and "your place in the queue changed". */
#include <stdio.h>

#include "shelf_int.h"

/* Loans whose reminder may fall due: REMINDER_DAYS counts up to this many days. */
#define REMIND_HORIZON_DAYS 60

static int remind_loans(lend_engine *e, int64_t *sent)
{
	lend_sys_loan_filter lf;
	memset(&lf, 0, sizeof lf);
	lf.active = 1;
	lf.due_before = e->now + REMIND_HORIZON_DAYS * SHELF_DAY;
	lf.order = LEND_SYS_LOAN_ORDER_DUE;
	lend__rows c = LEND_ROWS(lend_sys_loan);
	int rc = lend__rows_status(e, &c, ST(e, loan_list, &lf, lend__rows_loan_cb, &c), "loan list");
	for (size_t i = 0; rc == LEND_OK && i < c.n; i++) {
		const lend_sys_loan *l = &LEND_ROW(c, lend_sys_loan, i);
		lend_sys_mark m;
		int mrc = ST(e, mark_get, SHELF_MARK_REMINDED, l->id, &m);
		if (mrc == LEND_OK)
			continue;
		if (mrc != LEND_ENOTFOUND) {
			rc = lend__storage_fail(e, mrc, "reminder mark");
			break;
		}
		lend_policy_rows p;
		if ((rc = lend__load_policy(e, l->library_id, l->ticket_id, &p)) != LEND_OK)
			break;
		int64_t days = lend_rules_resolve(&p, l->ticket_id, l->kind, LEND_SETTING_REMINDER_DAYS, NULL);
		if (days <= 0 || l->due_at - days * SHELF_DAY > e->now)
			continue; /* 0 (or unlimited) switches reminders off */
		shelf_kv kv = {{0}, 0};
		lend__kv_int(&kv, "due_at", l->due_at);
		lend__kv_int(&kv, "days_left", (l->due_at - e->now + SHELF_DAY - 1) / SHELF_DAY);
		rc = lend__notify(e, LEND_NOTE_LOAN_ENDING_SOON, l->reader_id, l->library_id, l->book_id, l->id, kv.buf);
		m.kind = SHELF_MARK_REMINDED;
		m.subject_id = l->id;
		m.value = e->now;
		if (rc == LEND_OK && (rc = ST(e, mark_put, &m)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "reminder mark");
		if (rc == LEND_OK && sent)
			(*sent)++;
	}
	lend__rows_free(&c);
	return rc;
}

static int by_queue(const void *a, const void *b)
{
	const lend_sys_hold *x = a, *y = b;
	if (x->library_id != y->library_id)
		return x->library_id < y->library_id ? -1 : 1;
	if (x->book_id != y->book_id)
		return x->book_id < y->book_id ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Every waiting place's position against the last one seen: a place that
 * moved up is told so, once per move. */
static int queue_news(lend_engine *e, int64_t *sent)
{
	lend_sys_hold_filter hf;
	memset(&hf, 0, sizeof hf);
	hf.state = LEND_HOLD_WAITING;
	lend__rows c = LEND_ROWS(lend_sys_hold);
	int rc = lend__rows_status(e, &c, ST(e, hold_list, &hf, lend__rows_hold_cb, &c), "queue list");
	if (rc == LEND_OK && c.n > 1)
		qsort(c.data, c.n, sizeof(lend_sys_hold), by_queue);
	int position = 0;
	for (size_t i = 0; rc == LEND_OK && i < c.n; i++) {
		const lend_sys_hold *h = &LEND_ROW(c, lend_sys_hold, i);
		if (i == 0 || h->library_id != h[-1].library_id || h->book_id != h[-1].book_id)
			position = 0;
		position++;
		lend_sys_mark m;
		int mrc = ST(e, mark_get, SHELF_MARK_POSITION, h->id, &m);
		if (mrc != LEND_OK && mrc != LEND_ENOTFOUND) {
			rc = lend__storage_fail(e, mrc, "queue mark");
			break;
		}
		if (mrc == LEND_OK && m.value == position)
			continue;
		if (mrc == LEND_OK && position < m.value) {
			int pos = 0;
			int64_t wait = 0;
			rc = lend__queue_position(e, h, &pos, &wait);
			shelf_kv kv = {{0}, 0};
			lend__kv_int(&kv, "position", position);
			lend__kv_int(&kv, "previous", m.value);
			if (wait)
				lend__kv_int(&kv, "wait_until", wait);
			if (rc == LEND_OK)
				rc = lend__notify(e, LEND_NOTE_QUEUE_POSITION, h->reader_id, h->library_id, h->book_id, 0,
				                  kv.buf);
			if (rc == LEND_OK && sent)
				(*sent)++;
		}
		m.kind = SHELF_MARK_POSITION;
		m.subject_id = h->id;
		m.value = position;
		if (rc == LEND_OK && (rc = ST(e, mark_put, &m)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "queue mark");
	}
	lend__rows_free(&c);
	return rc;
}

int lend__shelf_tick(lend_engine *e, int64_t *sent)
{
	if (lend__shelf_lacks(e))
		return LEND_OK; /* nothing to remember what was told in */
	TRY(remind_loans(e, sent));
	return queue_news(e, sent);
}
