/* shelf_wallet.c — a reader's money balance, credited by the host with an
 * idempotency key, and buying a book for ever from it. */
#include <stdio.h>

#include "shelf_int.h"

#define WALLET_CREDIT 1
#define WALLET_PURCHASE 2

struct lend_purchase {
	lend_sys_purchase row;
	char currency[4];
};

static int sum_of(lend_engine *e, int64_t reader_id, const char *currency, int64_t *sum)
{
	TRY_ST(e, "balance", ST(e, wallet_sum, reader_id, currency, sum));
	return LEND_OK;
}

/* An earlier credit under the same key. */
struct prev_credit {
	int64_t amount;
	int kind;
	char currency[4];
};

static int prev_credit_cb(void *ctx, const lend_sys_wallet *row)
{
	struct prev_credit *p = ctx;
	p->amount = row->amount;
	p->kind = row->kind;
	snprintf(p->currency, sizeof p->currency, "%s", row->currency ? row->currency : "");
	return 0;
}

LEND_EXTERN int lend_balance_credit(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t amount,
                                    const char *currency, const char *key, int *credited)
{
	LEND_ENTER(e);
	if (credited)
		*credited = 0;
	if (amount <= 0)
		return lend__fail(e, LEND_EINVAL, "a credit must be a positive amount");
	if (!lend__currency_ok(currency))
		return lend__fail(e, LEND_EINVAL, "currency must be 3 capital letters");
	if (lend__text_ok(key, 200, 1) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "an idempotency key of 1 to 200 bytes of text is required");
	TRY(lend__need_admin(e, a));
	TRY(lend__begin(e, 1));
	lend_sys_reader r;
	int rc = lend__load_reader(e, reader_id, &r);
	struct prev_credit prev;
	memset(&prev, 0, sizeof prev);
	int done_before = 0;
	if (rc == LEND_OK) {
		int frc = ST(e, wallet_find, reader_id, key, prev_credit_cb, &prev);
		if (frc == LEND_OK)
			done_before = 1;
		else if (frc != LEND_ENOTFOUND)
			rc = lend__storage_fail(e, frc, "balance");
	}
	if (rc == LEND_OK && done_before &&
	    (prev.kind != WALLET_CREDIT || prev.amount != amount || strcmp(prev.currency, currency) != 0))
		rc = lend__fail(e, LEND_EEXISTS, "payment key \"%s\" was already used for another amount", key);
	int64_t balance = 0;
	if (rc == LEND_OK && !done_before) {
		lend_sys_wallet w = {0, reader_id, e->now, amount, currency, WALLET_CREDIT, 0, key};
		if ((rc = ST(e, wallet_insert, &w)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "balance");
		if (rc == LEND_OK)
			rc = sum_of(e, reader_id, currency, &balance);
		shelf_kv kv = {{0}, 0};
		lend__kv_int(&kv, "amount", amount);
		lend__kv_int(&kv, "balance", balance);
		lend__kv_str(&kv, "currency", currency);
		if (rc == LEND_OK)
			rc = lend__notify(e, LEND_NOTE_BALANCE_CREDITED, reader_id, 0, 0, 0, kv.buf);
	}
	rc = lend__end(e, rc);
	if (rc == LEND_OK && credited)
		*credited = !done_before;
	return rc;
}

LEND_EXTERN int lend_balance_get(lend_engine *e, const lend_actor *a, int64_t reader_id, const char *currency,
                                 int64_t *balance)
{
	LEND_ENTER(e);
	if (!balance)
		return lend__fail(e, LEND_EINVAL, "balance is NULL");
	*balance = 0;
	if (!lend__currency_ok(currency))
		return lend__fail(e, LEND_EINVAL, "currency must be 3 capital letters");
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 0));
	int64_t sum = 0;
	int rc = lend__shelf_owner(e, a, reader_id, 1);
	if (rc == LEND_OK)
		rc = sum_of(e, reader_id, currency, &sum);
	rc = lend__end(e, rc);
	if (rc == LEND_OK)
		*balance = sum;
	return rc;
}

static void money_text(char *buf, size_t len, int64_t amount, const char *currency)
{
	snprintf(buf, len, "%lld.%02lld %s", (long long)(amount / 100), (long long)(amount % 100), currency);
}

LEND_EXTERN int lend_buy(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id,
                         lend_purchase **out)
{
	LEND_ENTER(e);
	if (out)
		*out = NULL;
	TRY(lend__need_actor(e, a));
	lend_purchase *p = calloc(1, sizeof *p);
	if (!p)
		return lend__nomem(e);
	int rc = lend__begin(e, 1);
	if (rc == LEND_OK)
		rc = lend__shelf_owner(e, a, reader_id, 0);
	lend_sys_book b;
	lend_sys_reader r;
	char cur[4] = "";
	if (rc == LEND_OK)
		rc = lend__load_book(e, book_id, &b, cur);
	if (rc == LEND_OK)
		rc = lend__load_reader(e, reader_id, &r);
	int found = 0;
	if (rc == LEND_OK)
		rc = lend__shelf_bought(e, reader_id, book_id, &p->row, &found);
	int64_t balance = 0;
	if (rc == LEND_OK)
		rc = sum_of(e, reader_id, cur, &balance);
	if (rc == LEND_OK) {
		char need[48], miss[48];
		if (found)
			rc = lend__deny(e, LEND_REASON_ALREADY_BOUGHT, "refused: you bought this book already");
		else if (b.price <= 0)
			rc = lend__deny(e, LEND_REASON_NOT_FOR_SALE, "refused: this book has no price and is not for sale");
		else if (b.release_at > e->now)
			rc = lend__deny(e, LEND_REASON_NOT_RELEASED, "refused: the book is coming soon");
		else if (!lend_rules_age_ok(r.birth_date, b.age_rating, lend__ymd(e->now)))
			rc = lend__deny(e, LEND_REASON_AGE, "refused: the book is rated %d+", b.age_rating);
		else if (balance < b.price) {
			money_text(need, sizeof need, b.price, cur);
			money_text(miss, sizeof miss, b.price - balance, cur);
			rc = lend__deny(e, LEND_REASON_BALANCE, "refused: the book costs %s and your balance lacks %s", need,
			                miss);
		}
	}
	if (rc == LEND_OK) {
		lend_sys_wallet w = {0, reader_id, e->now, -b.price, cur, WALLET_PURCHASE, book_id, ""};
		if ((rc = ST(e, wallet_insert, &w)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "balance");
		lend_sys_purchase pr = {0, reader_id, book_id, e->now, b.price, cur, w.id};
		if (rc == LEND_OK && (rc = ST(e, purchase_insert, &pr)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "purchase");
		p->row = pr;
		shelf_kv kv = {{0}, 0};
		lend__kv_int(&kv, "amount", b.price);
		lend__kv_str(&kv, "currency", cur);
		if (rc == LEND_OK)
			rc = lend__notify(e, LEND_NOTE_BOOK_BOUGHT, reader_id, 0, book_id, 0, kv.buf);
	}
	memcpy(p->currency, cur, sizeof p->currency);
	p->row.currency = p->currency;
	rc = lend__end(e, rc);
	if (rc != LEND_OK || !out) {
		free(p);
		return rc;
	}
	*out = p;
	return LEND_OK;
}

LEND_EXTERN int64_t lend_purchase_id(const lend_purchase *p) { return p ? p->row.id : 0; }
LEND_EXTERN int64_t lend_purchase_reader_id(const lend_purchase *p) { return p ? p->row.reader_id : 0; }
LEND_EXTERN int64_t lend_purchase_book_id(const lend_purchase *p) { return p ? p->row.book_id : 0; }
LEND_EXTERN int64_t lend_purchase_bought_at(const lend_purchase *p) { return p ? p->row.bought_at : 0; }
LEND_EXTERN int64_t lend_purchase_price(const lend_purchase *p) { return p ? p->row.price : 0; }
LEND_EXTERN const char *lend_purchase_currency(const lend_purchase *p) { return p ? p->currency : ""; }
LEND_EXTERN void lend_purchase_free(lend_purchase *p) { free(p); }

/* ------------------------------------------------------------- check */

static int reader_id_cb(void *ctx, int64_t reader_id)
{
	return lend__rows_push(ctx, &reader_id);
}

struct entry_ref {
	int64_t id, amount;
	int kind;
	char currency[4];
};

static int entry_ref_cb(void *ctx, const lend_sys_wallet *row)
{
	struct entry_ref r = {row->id, row->amount, row->kind, ""};
	snprintf(r.currency, sizeof r.currency, "%s", row->currency ? row->currency : "");
	return lend__rows_push(ctx, &r);
}

static int purchase_ref_cb(void *ctx, const lend_sys_purchase *row)
{
	struct entry_ref r = {row->wallet_id, -row->price, WALLET_PURCHASE, ""};
	snprintf(r.currency, sizeof r.currency, "%s", row->currency ? row->currency : "");
	return lend__rows_push(ctx, &r);
}

/* One reader: no currency below zero; each purchase paid by its entry. */
static int check_reader(lend_engine *e, lend_report *rep, int64_t reader_id)
{
	lend__rows es = LEND_ROWS(struct entry_ref), ps = LEND_ROWS(struct entry_ref);
	int rc = lend__rows_status(e, &es, ST(e, wallet_list, reader_id, entry_ref_cb, &es), "balance");
	if (rc == LEND_OK)
		rc = lend__rows_status(e, &ps, ST(e, purchase_list, reader_id, 0, 0, purchase_ref_cb, &ps), "purchase list");
	for (size_t i = 0; rc == LEND_OK && i < es.n; i++) {
		const struct entry_ref *x = &LEND_ROW(es, struct entry_ref, i);
		int64_t sum = 0;
		int first = 1;
		for (size_t k = 0; k < es.n; k++) {
			const struct entry_ref *y = &LEND_ROW(es, struct entry_ref, k);
			if (strcmp(y->currency, x->currency) == 0) {
				sum += y->amount;
				first &= k >= i;
			}
		}
		if (first && sum < 0)
			rc = lend__report_add(rep, "reader %lld: the balance in %s is below zero (%lld)", (long long)reader_id,
			                      x->currency, (long long)sum) == LEND_OK ? LEND_OK : lend__nomem(e);
	}
	for (size_t i = 0; rc == LEND_OK && i < ps.n; i++) {
		const struct entry_ref *p = &LEND_ROW(ps, struct entry_ref, i);
		int paid = 0;
		for (size_t k = 0; k < es.n; k++) {
			const struct entry_ref *x = &LEND_ROW(es, struct entry_ref, k);
			paid |= x->id == p->id && x->kind == WALLET_PURCHASE && x->amount == p->amount &&
			        strcmp(x->currency, p->currency) == 0;
		}
		if (!paid)
			rc = lend__report_add(rep, "reader %lld: a purchase is not paid by its balance entry %lld",
			                      (long long)reader_id, (long long)p->id) == LEND_OK ? LEND_OK : lend__nomem(e);
	}
	lend__rows_free(&es);
	lend__rows_free(&ps);
	return rc;
}

int lend__shelf_check(lend_engine *e, lend_report *rep)
{
	if (lend__shelf_lacks(e))
		return LEND_OK;
	lend__rows readers = LEND_ROWS(int64_t);
	int rc = lend__rows_status(e, &readers, ST(e, wallet_readers, reader_id_cb, &readers), "balance readers");
	for (size_t i = 0; rc == LEND_OK && i < readers.n; i++)
		rc = check_reader(e, rep, LEND_ROW(readers, int64_t, i));
	lend__rows_free(&readers);
	return rc;
}
