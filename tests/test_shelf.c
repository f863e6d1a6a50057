/* tests/test_shelf.c — the reader's shelf: My books across libraries, the
 * cabinet, balance and buying, deferred books, reading state and bookmarks,
 * offline grants, reminders, preferences, notification texts, and merging
 * accounts (spec sections 3, 4, 8, 9), with a driven clock. */
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "internal.h"
#include "lend/sys/postgres.h"

#define DAY TH_DAY

static int64_t take(th *t, int64_t reader, int64_t ticket, int64_t book)
{
	lend_loan *l = NULL;
	TH_OK(t, lend_take(t->e, th_as_reader(t, reader), ticket, book, &l));
	int64_t id = lend_loan_id(l);
	lend_loan_free(l);
	return id;
}

static void credit(th *t, int64_t reader, int64_t amount, const char *key)
{
	int credited = -1;
	TH_OK(t, lend_balance_credit(t->e, t->admin, reader, amount, "RUB", key, &credited));
	assert_int_equal(credited, 1);
}

static int64_t balance(th *t, int64_t reader)
{
	int64_t b = -1;
	TH_OK(t, lend_balance_get(t->e, t->admin, reader, "RUB", &b));
	return b;
}

/* Items of one section of the whole shelf. */
static size_t shelf_count(th *t, int64_t reader, int section)
{
	lend_shelf *s = NULL;
	TH_OK(t, lend_shelf_get(t->e, th_as_reader(t, reader), reader, section, 0, 0, 0, 1000, &s));
	size_t n = lend_shelf_count(s);
	lend_shelf_free(s);
	return n;
}

/* The newest outbox notification of a kind (NULL if none); free with the list. */
static const lend_notification *newest_of(th *t, int kind, lend_notifications **keep)
{
	TH_OK(t, lend_outbox_list(t->e, t->admin, 0, 10000, keep));
	const lend_notification *found = NULL;
	for (size_t i = 0; i < lend_notifications_count(*keep); i++)
		if (lend_notification_kind(lend_notifications_get(*keep, i)) == kind)
			found = lend_notifications_get(*keep, i);
	return found;
}

/* ------------------------------------------------------------ My books */

static void test_one_shelf_three_libraries(void **state)
{
	th *t = *state;
	int64_t lib[3], tk[3], b[4];
	int64_t r = th_reader(t, "Анна", 1990, 5, 1), other = th_reader(t, "Борис", 1990, 1, 1);
	const char *names[3] = {"Central", "Pushkin", "Children's"};
	for (int i = 0; i < 3; i++) {
		lib[i] = th_library(t, names[i], 100000);
		tk[i] = th_ticket(t, lib[i], r);
	}
	int64_t other_tk = th_ticket(t, lib[2], other);
	b[0] = th_book(t, "Мастер и Маргарита", LEND_KIND_EBOOK, 30000, 0);
	b[1] = th_book(t, "Война и мир", LEND_KIND_AUDIOBOOK, 40000, 0);
	b[2] = th_book(t, "Мёртвые души", LEND_KIND_EBOOK, 20000, 0);
	b[3] = th_book(t, "Нос", LEND_KIND_EBOOK, 10000, 0);
	th_copies(t, lib[0], b[0], 1);
	th_copies(t, lib[1], b[1], 1);
	th_copies(t, lib[2], b[2], 1);
	int64_t l0 = take(t, r, tk[0], b[0]);
	take(t, r, tk[1], b[1]);
	take(t, other, other_tk, b[2]);
	lend_hold *h = NULL;
	TH_OK(t, lend_queue_join(t->e, th_as_reader(t, r), tk[2], b[2], &h));
	lend_hold_free(h);
	credit(t, r, 50000, "pay-1");
	TH_OK(t, lend_buy(t->e, th_as_reader(t, r), r, b[3], NULL));
	TH_OK(t, lend_defer_add(t->e, th_as_reader(t, r), r, b[2]));
	th_now += 2 * DAY;
	TH_OK(t, lend_return(t->e, th_as_reader(t, r), l0));

	assert_int_equal(shelf_count(t, r, LEND_SHELF_LOANS), 1);
	assert_int_equal(shelf_count(t, r, LEND_SHELF_QUEUE), 1);
	assert_int_equal(shelf_count(t, r, LEND_SHELF_REQUESTS), 0);
	assert_int_equal(shelf_count(t, r, LEND_SHELF_BOUGHT), 1);
	assert_int_equal(shelf_count(t, r, LEND_SHELF_DEFERRED), 1);
	assert_int_equal(shelf_count(t, r, LEND_SHELF_HISTORY), 2);
	assert_int_equal(shelf_count(t, r, LEND_SHELF_ALL), 6);

	/* the whole shelf, in section order; details of each */
	lend_shelf *s = NULL;
	TH_OK(t, lend_shelf_get(t->e, th_as_reader(t, r), r, LEND_SHELF_ALL, 0, 0, 0, 1000, &s));
	const lend_shelf_item *it = lend_shelf_get_item(s, 0);
	assert_int_equal(lend_shelf_item_section(it), LEND_SHELF_LOANS);
	assert_int_equal(lend_shelf_item_book_id(it), b[1]);
	assert_int_equal(lend_shelf_item_library_id(it), lib[1]);
	assert_int_equal(lend_shelf_item_origin(it), LEND_ORIGIN_SELF);
	assert_int_equal(lend_shelf_item_days_left(it), 12);
	assert_int_equal(lend_shelf_item_due_at(it), TH_START + 14 * DAY);
	it = lend_shelf_get_item(s, 1);
	assert_int_equal(lend_shelf_item_section(it), LEND_SHELF_QUEUE);
	assert_int_equal(lend_shelf_item_position(it), 1);
	assert_true(lend_shelf_item_wait_until(it) > 0);
	assert_int_equal(lend_shelf_item_suspended_until(it), 0);
	it = lend_shelf_get_item(s, 2);
	assert_int_equal(lend_shelf_item_section(it), LEND_SHELF_BOUGHT);
	assert_int_equal(lend_shelf_item_price(it), 10000);
	assert_string_equal(lend_shelf_item_currency(it), "RUB");
	it = lend_shelf_get_item(s, 4);
	/* history: the current loan first, then the returned one */
	assert_int_equal(lend_shelf_item_section(it), LEND_SHELF_HISTORY);
	assert_int_equal(lend_shelf_item_ended_at(it), 0);
	it = lend_shelf_get_item(s, 5);
	assert_int_equal(lend_shelf_item_loan_id(it), l0);
	assert_int_equal(lend_shelf_item_end_reason(it), LEND_END_RETURNED);
	assert_int_equal(lend_shelf_next(s), 0);
	lend_shelf_free(s);

	/* filters: by kind, by library */
	TH_OK(t, lend_shelf_get(t->e, t->admin, r, LEND_SHELF_ALL, LEND_KIND_AUDIOBOOK, 0, 0, 1000, &s));
	assert_int_equal(lend_shelf_count(s), 2); /* the loan and its history line */
	lend_shelf_free(s);
	TH_OK(t, lend_shelf_get(t->e, t->admin, r, LEND_SHELF_ALL, 0, lib[0], 0, 1000, &s));
	assert_int_equal(lend_shelf_count(s), 1); /* the returned loan only */
	lend_shelf_free(s);

	/* pages: neither skip nor repeat, even when a purchase lands between */
	int64_t after = 0;
	size_t seen = 0;
	for (int page = 0; page < 10; page++) {
		TH_OK(t, lend_shelf_get(t->e, th_as_reader(t, r), r, LEND_SHELF_ALL, 0, 0, after, 2, &s));
		seen += lend_shelf_count(s);
		after = lend_shelf_next(s);
		lend_shelf_free(s);
		if (page == 0)
			TH_OK(t, lend_defer_add(t->e, th_as_reader(t, r), r, b[0])); /* lands in a later page */
		if (!after)
			break;
	}
	assert_int_equal(seen, 7);

	/* another reader may not look; bad input changes nothing */
	TH_RC(t, LEND_EPERM, lend_shelf_get(t->e, th_as_reader(t, other), r, 0, 0, 0, 0, 10, &s));
	assert_null(s);
	TH_RC(t, LEND_EINVAL, lend_shelf_get(t->e, t->admin, r, 9, 0, 0, 0, 10, &s));
	TH_RC(t, LEND_EINVAL, lend_shelf_get(t->e, t->admin, r, 0, 0, 0, 0, 0, &s));
	TH_RC(t, LEND_ENOTFOUND, lend_shelf_get(t->e, t->admin, 9999, 0, 0, 0, 0, 10, &s));
	th_check_clean(t);
}

/* Requests to the librarian on the shelf: pending ones, and denied ones
 * with their reason; an approved one shows as the loan it became. */
static void test_requests_on_shelf(void **state)
{
	th *t = *state;
	int64_t lib = th_library(t, "Library", 100000), r = th_reader(t, "Reader", 1990, 1, 1);
	int64_t tk = th_ticket(t, lib, r);
	int64_t staff = th_reader(t, "Librarian", 1980, 1, 1);
	TH_OK(t, lend_library_grant(t->e, t->admin, lib, staff));
	lend_actor *lb = th_as_librarian(t, staff);
	int64_t b[3];
	int64_t req[3];
	for (int i = 0; i < 3; i++) {
		b[i] = th_book(t, "Asked", LEND_KIND_EBOOK, 500, 0);
		lend_request *q = NULL;
		TH_OK(t, lend_request_create(t->e, th_as_reader(t, r), tk, b[i], &q));
		req[i] = lend_request_id(q);
		lend_request_free(q);
	}
	TH_OK(t, lend_request_deny(t->e, lb, req[1], LEND_REASON_BUDGET, NULL));
	TH_OK(t, lend_request_approve(t->e, lb, req[2], NULL));
	lend_shelf *s = NULL;
	TH_OK(t, lend_shelf_get(t->e, th_as_reader(t, r), r, LEND_SHELF_REQUESTS, 0, 0, 0, 1000, &s));
	assert_int_equal(lend_shelf_count(s), 2);
	int seen = 0;
	for (size_t i = 0; i < lend_shelf_count(s); i++) {
		const lend_shelf_item *it = lend_shelf_get_item(s, i);
		assert_int_equal(lend_shelf_item_section(it), LEND_SHELF_REQUESTS);
		assert_int_equal(lend_shelf_item_library_id(it), lib);
		assert_int_equal(lend_shelf_item_ticket_id(it), tk);
		if (lend_shelf_item_request_id(it) == req[0]) {
			assert_int_equal(lend_shelf_item_request_state(it), LEND_REQUEST_PENDING);
			assert_int_equal(lend_shelf_item_reason(it), 0);
			assert_int_equal(lend_shelf_item_book_id(it), b[0]);
			seen |= 1;
		} else {
			assert_int_equal(lend_shelf_item_request_id(it), req[1]);
			assert_int_equal(lend_shelf_item_request_state(it), LEND_REQUEST_DENIED);
			assert_int_equal(lend_shelf_item_reason(it), LEND_REASON_BUDGET);
			seen |= 2;
		}
	}
	assert_int_equal(seen, 3);
	lend_shelf_free(s);
	assert_int_equal(shelf_count(t, r, LEND_SHELF_LOANS), 1);
	assert_int_equal(shelf_count(t, r, LEND_SHELF_ALL), 2 + 1 + 1); /* two requests, the loan, its history */
	th_check_clean(t);
}

static void test_cabinet(void **state)
{
	th *t = *state;
	int64_t r = th_reader(t, "Анна", 1990, 5, 1);
	int64_t l1 = th_library(t, "Central", 0), l2 = th_library(t, "Pushkin", 0);
	int64_t t1 = th_ticket(t, l1, r), t2 = th_ticket(t, l2, r);
	int64_t b = th_book(t, "Book", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, l1, b, 1);
	take(t, r, t1, b);
	TH_OK(t, lend_ticket_set_blocked(t->e, t->admin, t2, 1));
	lend_cabinet *c = NULL;
	TH_OK(t, lend_cabinet_get(t->e, th_as_reader(t, r), r, &c));
	assert_int_equal(lend_cabinet_count(c), 2);
	assert_string_equal(lend_cabinet_library_name(c, 0), "Central");
	assert_int_equal(lend_cabinet_state(c, 0), LEND_TICKET_ACTIVE);
	assert_int_equal(lend_cabinet_state(c, 1), LEND_TICKET_BLOCKED);
	assert_int_equal(lend_ticket_id(lend_cabinet_ticket(c, 1)), t2);
	assert_int_equal(lend_limits_used(lend_cabinet_limits(c, 0), LEND_SETTING_MAX_LOANS), 1);
	assert_int_equal(lend_limits_value(lend_cabinet_limits(c, 0), LEND_SETTING_MAX_LOANS), 10);
	lend_cabinet_free(c);
	TH_OK(t, lend_ticket_set_validity(t->e, t->admin, t1, 0, th_now - 1));
	TH_OK(t, lend_cabinet_get(t->e, t->admin, r, &c));
	assert_int_equal(lend_cabinet_state(c, 0), LEND_TICKET_EXPIRED);
	lend_cabinet_free(c);
	int64_t other = th_reader(t, "Борис", 0, 0, 0);
	TH_RC(t, LEND_EPERM, lend_cabinet_get(t->e, th_as_reader(t, other), r, &c));
	assert_null(c);
}

/* A librarian sees the loans and places of his libraries only, and none of
 * the reader's purchases, deferred books or balance changes. */
static void test_librarian_view(void **state)
{
	th *t = *state;
	int64_t l1 = th_library(t, "Central", 0), l2 = th_library(t, "Pushkin", 0);
	int64_t r = th_reader(t, "Анна", 1990, 5, 1), staff = th_reader(t, "Librarian", 1980, 1, 1);
	int64_t t1 = th_ticket(t, l1, r), t2 = th_ticket(t, l2, r);
	int64_t b1 = th_book(t, "One", LEND_KIND_EBOOK, 100, 0), b2 = th_book(t, "Two", LEND_KIND_EBOOK, 100, 0);
	th_copies(t, l1, b1, 1);
	th_copies(t, l2, b2, 1);
	take(t, r, t1, b1);
	take(t, r, t2, b2);
	credit(t, r, 100, "p");
	TH_OK(t, lend_buy(t->e, th_as_reader(t, r), r, b1, NULL));
	TH_OK(t, lend_library_grant(t->e, t->admin, l1, staff));
	lend_actor *lib = th_as_librarian(t, staff);
	lend_shelf *s = NULL;
	TH_OK(t, lend_shelf_get(t->e, lib, r, LEND_SHELF_ALL, 0, 0, 0, 100, &s));
	assert_int_equal(lend_shelf_count(s), 2); /* the Central loan and its history line */
	for (size_t i = 0; i < lend_shelf_count(s); i++)
		assert_int_equal(lend_shelf_item_library_id(lend_shelf_get_item(s, i)), l1);
	lend_shelf_free(s);
	TH_RC(t, LEND_EPERM, lend_buy(t->e, lib, r, b2, NULL));
	TH_RC(t, LEND_EPERM, lend_balance_credit(t->e, lib, r, 100, "RUB", "q", NULL));
	TH_RC(t, LEND_EPERM, lend_defer_add(t->e, lib, r, b2));
	TH_RC(t, LEND_EPERM, lend_offline_grant(t->e, lib, r, "phone", b1, NULL));
	int64_t stranger = th_reader(t, "Stranger", 1990, 1, 1);
	TH_RC(t, LEND_EPERM, lend_shelf_get(t->e, lib, stranger, 0, 0, 0, 0, 10, &s));
	TH_RC(t, LEND_EINVAL, lend_shelf_get(t->e, NULL, r, 0, 0, 0, 0, 10, &s));
}

/* ------------------------------------------------------ balance, buying */

static void test_balance_idempotent(void **state)
{
	th *t = *state;
	int64_t r = th_reader(t, "Анна", 1990, 5, 1);
	credit(t, r, 30000, "payment-17");
	int credited = -1;
	/* the host retries the same payment: credited once */
	TH_OK(t, lend_balance_credit(t->e, t->admin, r, 30000, "RUB", "payment-17", &credited));
	assert_int_equal(credited, 0);
	assert_int_equal(balance(t, r), 30000);
	/* the same key for another amount is a conflict */
	TH_RC(t, LEND_EEXISTS, lend_balance_credit(t->e, t->admin, r, 100, "RUB", "payment-17", NULL));
	/* the same key for another reader is his own payment */
	int64_t r2 = th_reader(t, "Борис", 1990, 1, 1);
	credit(t, r2, 500, "payment-17");
	assert_int_equal(balance(t, r), 30000);
	/* bad input, wrong actors: nothing changes */
	TH_RC(t, LEND_EINVAL, lend_balance_credit(t->e, t->admin, r, -5, "RUB", "k", NULL));
	TH_RC(t, LEND_EINVAL, lend_balance_credit(t->e, t->admin, r, 0, "RUB", "k", NULL));
	TH_RC(t, LEND_EINVAL, lend_balance_credit(t->e, t->admin, r, 5, "rub", "k", NULL));
	TH_RC(t, LEND_EINVAL, lend_balance_credit(t->e, t->admin, r, 5, "RUB", "", NULL));
	TH_RC(t, LEND_EINVAL, lend_balance_credit(t->e, t->admin, r, 5, "RUB", "\xff\xfe", NULL));
	TH_RC(t, LEND_EPERM, lend_balance_credit(t->e, th_as_reader(t, r), r, 5, "RUB", "k", NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_balance_credit(t->e, t->admin, 9999, 5, "RUB", "k", NULL));
	int64_t b = 0;
	TH_RC(t, LEND_EPERM, lend_balance_get(t->e, th_as_reader(t, r2), r, "RUB", &b));
	assert_int_equal(balance(t, r), 30000);
	TH_OK(t, lend_balance_get(t->e, th_as_reader(t, r), r, "EUR", &b));
	assert_int_equal(b, 0);
	/* a credit tells the reader */
	lend_notifications *ns = NULL;
	const lend_notification *n = newest_of(t, LEND_NOTE_BALANCE_CREDITED, &ns);
	assert_non_null(n);
	assert_string_equal(lend_notification_field(n, "amount"), "500");
	assert_string_equal(lend_notification_text(n, "en"), "Your balance was credited with 5.00 RUB. It now holds 5.00 RUB.");
	assert_string_equal(lend_notification_text(n, "ru"), "Ваш баланс пополнен на 5,00 RUB. Теперь на нём 5,00 RUB.");
	lend_notifications_free(ns);
	th_check_clean(t);

	/* the check sees a balance below zero (written behind the engine's back) */
	TH_OK(t, lend__begin(t->e, 1));
	lend_storage *st = &t->e->st;
	lend_sys_wallet w = {0, r2, th_now, -900, "RUB", 2, 0, ""};
	TH_OK(t, lend__end(t->e, st->wallet_insert(st->userdata, &w)));
	lend_report *rep = NULL;
	TH_OK(t, lend_engine_check(t->e, &rep));
	assert_int_equal(lend_report_count(rep), 1);
	assert_non_null(strstr(lend_report_get(rep, 0), "below zero"));
	lend_report_free(rep);
}

static void test_buy_and_refusals(void **state)
{
	th *t = *state;
	int64_t lib = th_library(t, "Central", 100000);
	int64_t r = th_reader(t, "Анна", 2015, 5, 1);
	int64_t tk = th_ticket(t, lib, r);
	int64_t b = th_book(t, "Мастер и Маргарита", LEND_KIND_EBOOK, 39900, 0);
	int64_t adult = th_book(t, "Взрослая", LEND_KIND_EBOOK, 100, 18);
	int64_t free_book = th_book(t, "Бесплатная", LEND_KIND_EBOOK, 0, 0);
	th_book_opts soon = {.title = "Скоро", .price = 100, .release_at = th_now + 30 * DAY};
	int64_t later = th_book_ex(t, &soon);
	th_copies(t, lib, b, 1);
	int64_t loan = take(t, r, tk, b);

	credit(t, r, 10000, "p1");
	lend_purchase *p = (lend_purchase *)1;
	TH_DENIED(t, LEND_REASON_BALANCE, lend_buy(t->e, th_as_reader(t, r), r, b, &p));
	assert_null(p);
	assert_non_null(strstr(lend_engine_errmsg(t->e), "299.00 RUB")); /* the amount missing */
	TH_DENIED(t, LEND_REASON_AGE, lend_buy(t->e, th_as_reader(t, r), r, adult, NULL));
	TH_DENIED(t, LEND_REASON_NOT_FOR_SALE, lend_buy(t->e, th_as_reader(t, r), r, free_book, NULL));
	TH_DENIED(t, LEND_REASON_NOT_RELEASED, lend_buy(t->e, th_as_reader(t, r), r, later, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_buy(t->e, th_as_reader(t, r), r, 9999, NULL));
	int64_t other = th_reader(t, "Борис", 1990, 1, 1);
	TH_RC(t, LEND_EPERM, lend_buy(t->e, th_as_reader(t, other), r, b, NULL));
	assert_int_equal(balance(t, r), 10000);

	credit(t, r, 29900, "p2");
	TH_OK(t, lend_buy(t->e, th_as_reader(t, r), r, b, &p));
	assert_int_equal(lend_purchase_price(p), 39900);
	assert_string_equal(lend_purchase_currency(p), "RUB");
	assert_int_equal(lend_purchase_book_id(p), b);
	assert_int_equal(lend_purchase_bought_at(p), th_now);
	lend_purchase_free(p);
	assert_int_equal(balance(t, r), 0);
	TH_DENIED(t, LEND_REASON_ALREADY_BOUGHT, lend_buy(t->e, th_as_reader(t, r), r, b, NULL));

	/* the price changes later: the purchase keeps the price paid */
	lend_book *bk = NULL;
	TH_OK(t, lend_book_get(t->e, t->admin, b, &bk));
	TH_OK(t, lend_book_set_price(bk, 59900, "RUB"));
	TH_OK(t, lend_book_update(t->e, t->admin, bk));
	lend_book_free(bk);

	/* the loan ends; the bought book stays, readable and on the shelf */
	th_now += 15 * DAY;
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_int_equal(th_active_loan_of(t, r, b), 0);
	(void)loan;
	lend_shelf *s = NULL;
	TH_OK(t, lend_shelf_get(t->e, th_as_reader(t, r), r, LEND_SHELF_BOUGHT, 0, 0, 0, 10, &s));
	assert_int_equal(lend_shelf_count(s), 1);
	assert_int_equal(lend_shelf_item_price(lend_shelf_get_item(s, 0)), 39900);
	lend_shelf_free(s);
	int access = 0;
	TH_OK(t, lend_reading_access(t->e, th_as_reader(t, r), r, b, 100, &access));
	assert_int_equal(access, LEND_ACCESS_BOUGHT);
	th_check_clean(t);
}

/* ------------------------------------------------------------ deferred */

static void test_deferred(void **state)
{
	th *t = *state;
	int64_t lib = th_library(t, "Central", 0);
	int64_t r = th_reader(t, "Анна", 2015, 5, 1);
	int64_t tk = th_ticket(t, lib, r);
	int64_t b1 = th_book(t, "Есть", LEND_KIND_EBOOK, 0, 0), b2 = th_book(t, "Нет", LEND_KIND_EBOOK, 0, 18);
	th_copies(t, lib, b1, 1);
	TH_OK(t, lend_defer_add(t->e, th_as_reader(t, r), r, b1));
	TH_OK(t, lend_defer_add(t->e, th_as_reader(t, r), r, b2));
	TH_RC(t, LEND_EEXISTS, lend_defer_add(t->e, th_as_reader(t, r), r, b1));
	TH_RC(t, LEND_ENOTFOUND, lend_defer_add(t->e, th_as_reader(t, r), r, 9999));
	lend_deferreds *d = NULL;
	TH_OK(t, lend_defer_list(t->e, th_as_reader(t, r), r, tk, &d));
	assert_int_equal(lend_deferreds_count(d), 2);
	assert_int_equal(lend_deferreds_book_id(d, 0), b1);
	assert_int_equal(lend_deferreds_verdict(d, 0), LEND_VERDICT_TAKE);
	assert_int_equal(lend_deferreds_verdict(d, 1), LEND_VERDICT_REFUSED);
	assert_int_equal(lend_deferreds_reason(d, 1), LEND_REASON_AGE);
	assert_int_equal(lend_deferreds_added_at(d, 0), th_now);
	lend_deferreds_free(d);
	TH_OK(t, lend_defer_list(t->e, th_as_reader(t, r), r, 0, &d));
	assert_int_equal(lend_deferreds_verdict(d, 0), -1);
	lend_deferreds_free(d);
	TH_OK(t, lend_defer_remove(t->e, th_as_reader(t, r), r, b1));
	TH_RC(t, LEND_ENOTFOUND, lend_defer_remove(t->e, th_as_reader(t, r), r, b1));
	int64_t other = th_reader(t, "Борис", 1990, 1, 1);
	int64_t otk = th_ticket(t, lib, other);
	TH_RC(t, LEND_EPERM, lend_defer_add(t->e, th_as_reader(t, other), r, b1));
	TH_RC(t, LEND_EINVAL, lend_defer_list(t->e, t->admin, r, otk, &d));
	TH_OK(t, lend_defer_list(t->e, t->admin, r, 0, &d));
	assert_int_equal(lend_deferreds_count(d), 1);
	lend_deferreds_free(d);
}

/* ------------------------------------------------------- reading state */

/* A book's preview fragment (the catalog's) may be read without a loan;
 * past it, reading needs a loan or a purchase. */
static void test_reading_within_preview(void **state)
{
	th *t = *state;
	int64_t r = th_reader(t, "Анна", 1990, 5, 1);
	lend_book *bk = NULL;
	int64_t b = 0;
	TH_OK(t, lend_book_new(&bk));
	TH_OK(t, lend_book_set_title(bk, "With a preview"));
	TH_OK(t, lend_book_set_preview(bk, 20));
	TH_OK(t, lend_book_add(t->e, t->admin, bk, &b));
	lend_book_free(bk);
	lend_actor *me = th_as_reader(t, r);
	int access = -1;
	TH_OK(t, lend_reading_access(t->e, me, r, b, 19, &access));
	assert_int_equal(access, LEND_ACCESS_PREVIEW);
	TH_DENIED(t, LEND_REASON_NO_ACCESS, lend_reading_access(t->e, me, r, b, 20, &access));
	assert_int_equal(access, LEND_ACCESS_NONE);
	th_check_clean(t);
}

static void test_reading_two_devices(void **state)
{
	th *t = *state;
	int64_t lib = th_library(t, "Central", 0);
	int64_t r = th_reader(t, "Анна", 1990, 5, 1);
	int64_t tk = th_ticket(t, lib, r);
	int64_t b = th_book(t, "Book", LEND_KIND_EBOOK, 0, 0), nb = th_book(t, "Not mine", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, lib, b, 1);
	lend_actor *me = th_as_reader(t, r);
	/* no loan, no purchase, no preview: refused, and says so */
	int access = -1, applied = -1;
	TH_DENIED(t, LEND_REASON_NO_ACCESS, lend_reading_access(t->e, me, r, b, 0, &access));
	assert_int_equal(access, LEND_ACCESS_NONE);
	TH_DENIED(t, LEND_REASON_NO_ACCESS, lend_reading_set(t->e, me, r, b, 1, 1, 1, "phone", 1000, &applied));
	take(t, r, tk, b);
	TH_OK(t, lend_reading_access(t->e, me, r, b, 10, &access));
	assert_int_equal(access, LEND_ACCESS_LOAN);

	/* the phone reads to page 40 (its clock 2000), the tablet's older
	 * write of page 12 (its clock 1500) arrives later and is ignored */
	TH_OK(t, lend_reading_set(t->e, me, r, b, 40, 20, 40, "phone", 2000, &applied));
	assert_int_equal(applied, 1);
	TH_OK(t, lend_reading_set(t->e, me, r, b, 12, 6, 12, "tablet", 1500, &applied));
	assert_int_equal(applied, 0);
	lend_reading *st = NULL;
	TH_OK(t, lend_reading_get(t->e, me, r, b, &st));
	assert_int_equal(lend_reading_position(st), 40);
	assert_int_equal(lend_reading_percent(st), 20);
	assert_int_equal(lend_reading_pages_read(st), 40);
	assert_string_equal(lend_reading_device(st), "phone");
	assert_int_equal(lend_reading_device_at(st), 2000);
	assert_int_equal(lend_reading_opened_at(st), th_now);
	lend_reading_free(st);
	/* a newer write from the tablet wins, even going back a page */
	TH_OK(t, lend_reading_set(t->e, me, r, b, 38, 19, 38, "tablet", 2500, &applied));
	assert_int_equal(applied, 1);
	TH_OK(t, lend_reading_get(t->e, me, r, b, &st));
	assert_int_equal(lend_reading_position(st), 38);
	assert_int_equal(lend_reading_pages_read(st), 40); /* pages read never shrink */
	lend_reading_free(st);
	/* the same device time again: no change */
	TH_OK(t, lend_reading_set(t->e, me, r, b, 99, 50, 99, "phone", 2500, &applied));
	assert_int_equal(applied, 0);

	/* bookmarks */
	int64_t bm1 = 0, bm2 = 0;
	TH_OK(t, lend_bookmark_add(t->e, me, r, b, 30, "«Рукописи не горят»", &bm1));
	TH_OK(t, lend_bookmark_add(t->e, me, r, b, 5, NULL, &bm2));
	TH_DENIED(t, LEND_REASON_NO_ACCESS, lend_bookmark_add(t->e, me, r, nb, 5, NULL, NULL));
	TH_RC(t, LEND_EINVAL, lend_bookmark_add(t->e, me, r, b, -1, NULL, NULL));
	TH_RC(t, LEND_EINVAL, lend_bookmark_add(t->e, me, r, b, 1, "bad\x01note", NULL));
	lend_bookmarks *bl = NULL;
	TH_OK(t, lend_bookmark_list(t->e, me, r, b, &bl));
	assert_int_equal(lend_bookmarks_count(bl), 2);
	assert_int_equal(lend_bookmarks_id(bl, 0), bm2); /* by position */
	assert_string_equal(lend_bookmarks_note(bl, 0), "");
	assert_string_equal(lend_bookmarks_note(bl, 1), "«Рукописи не горят»");
	assert_int_equal(lend_bookmarks_position(bl, 1), 30);
	lend_bookmarks_free(bl);
	int64_t other = th_reader(t, "Борис", 1990, 1, 1);
	TH_RC(t, LEND_EPERM, lend_bookmark_delete(t->e, th_as_reader(t, other), bm1));
	TH_OK(t, lend_bookmark_delete(t->e, me, bm1));
	TH_RC(t, LEND_ENOTFOUND, lend_bookmark_delete(t->e, me, bm1));

	/* bad input */
	TH_RC(t, LEND_EINVAL, lend_reading_set(t->e, me, r, b, 1, 101, 1, "phone", 3000, NULL));
	TH_RC(t, LEND_EINVAL, lend_reading_set(t->e, me, r, b, -1, 1, 1, "phone", 3000, NULL));
	TH_RC(t, LEND_EINVAL, lend_reading_set(t->e, me, r, b, 1, 1, 1, "", 3000, NULL));
	TH_RC(t, LEND_EINVAL, lend_reading_set(t->e, me, r, b, 1, 1, 1, "\xc3\x28", 3000, NULL));
	TH_RC(t, LEND_EPERM, lend_reading_set(t->e, th_as_reader(t, other), r, b, 1, 1, 1, "x", 3000, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_reading_get(t->e, me, r, nb, &st));
	assert_null(st);
}

/* ------------------------------------------------------ offline grants */

static void test_offline_grants_end_with_loan(void **state)
{
	th *t = *state;
	int64_t lib = th_library(t, "Central", 0);
	int64_t r = th_reader(t, "Анна", 1990, 5, 1);
	int64_t tk = th_ticket(t, lib, r);
	int64_t b1 = th_book(t, "Expires", LEND_KIND_EBOOK, 0, 0), b2 = th_book(t, "Returned", LEND_KIND_EBOOK, 0, 0);
	int64_t b3 = th_book(t, "Revoked", LEND_KIND_AUDIOBOOK, 0, 0), b4 = th_book(t, "Bought", LEND_KIND_EBOOK, 100, 0);
	int64_t b5 = th_book(t, "Nothing", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, lib, b1, 1);
	th_copies(t, lib, b2, 1);
	th_copies(t, lib, b3, 1);
	lend_actor *me = th_as_reader(t, r);
	int64_t l1 = take(t, r, tk, b1);
	th_now += 5 * DAY;
	int64_t l2 = take(t, r, tk, b2), l3 = take(t, r, tk, b3);
	credit(t, r, 100, "p");
	TH_OK(t, lend_buy(t->e, me, r, b4, NULL));
	lend_offline *g = NULL;
	TH_OK(t, lend_offline_grant(t->e, me, r, "phone-1", b1, &g));
	assert_int_equal(lend_offline_loan_id(g), l1);
	assert_int_equal(lend_offline_valid_until(g), TH_START + 14 * DAY);
	assert_string_equal(lend_offline_device(g), "phone-1");
	lend_offline_free(g);
	TH_OK(t, lend_offline_grant(t->e, me, r, "phone-1", b2, NULL));
	TH_OK(t, lend_offline_grant(t->e, me, r, "phone-1", b3, NULL));
	TH_OK(t, lend_offline_grant(t->e, me, r, "phone-1", b4, &g));
	assert_int_equal(lend_offline_valid_until(g), 0);
	assert_int_equal(lend_offline_loan_id(g), 0);
	lend_offline_free(g);
	TH_OK(t, lend_offline_grant(t->e, me, r, "tablet", b1, NULL));
	TH_DENIED(t, LEND_REASON_NO_ACCESS, lend_offline_grant(t->e, me, r, "phone-1", b5, &g));
	assert_null(g);
	TH_RC(t, LEND_EINVAL, lend_offline_grant(t->e, me, r, "", b1, NULL));

	lend_offlines *gl = NULL;
	TH_OK(t, lend_offline_list(t->e, me, r, "phone-1", &gl));
	assert_int_equal(lend_offlines_count(gl), 4);
	lend_offlines_free(gl);
	TH_OK(t, lend_offline_list(t->e, me, r, NULL, &gl));
	assert_int_equal(lend_offlines_count(gl), 5);
	lend_offlines_free(gl);

	/* early return, revocation by the librarian, then expiry */
	TH_OK(t, lend_return(t->e, me, l2));
	TH_OK(t, lend_return(t->e, t->admin, l3));
	TH_OK(t, lend_offline_list(t->e, me, r, "phone-1", &gl));
	assert_int_equal(lend_offlines_count(gl), 2);
	lend_offlines_free(gl);
	th_now = TH_START + 14 * DAY;
	TH_OK(t, lend_offline_list(t->e, me, r, NULL, &gl));
	assert_int_equal(lend_offlines_count(gl), 1); /* only the bought book, with no end */
	assert_int_equal(lend_offline_book_id(lend_offlines_get(gl, 0)), b4);
	lend_offlines_free(gl);
	int64_t other = th_reader(t, "Борис", 1990, 1, 1);
	TH_RC(t, LEND_EPERM, lend_offline_list(t->e, th_as_reader(t, other), r, NULL, &gl));
	th_check_clean(t);
}

/* ---------------------------------------------------------- reminders */

static void test_reminder_once(void **state)
{
	th *t = *state;
	int64_t lib = th_library(t, "Central", 0);
	int64_t r = th_reader(t, "Анна", 1990, 5, 1);
	int64_t tk = th_ticket(t, lib, r);
	int64_t b = th_book(t, "Мастер и Маргарита", LEND_KIND_EBOOK, 0, 0);
	int64_t b2 = th_book(t, "Другая", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, lib, b, 1);
	th_copies(t, lib, b2, 1);
	int64_t loan = take(t, r, tk, b);
	TH_OK(t, lend_policy_set(t->e, t->admin, lib, LEND_KIND_ANY, LEND_SETTING_LOAN_DAYS, 20));
	int64_t loan2 = take(t, r, tk, b2); /* due in 20 days */
	int64_t due = TH_START + 14 * DAY;
	for (int i = 0; i < 5; i++)
		TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_LOAN_ENDING_SOON, 0), 0);
	th_now = due - 3 * DAY - 1;
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_LOAN_ENDING_SOON, loan), 0);
	th_now = due - 3 * DAY;
	for (int i = 0; i < 10; i++) {
		TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
		th_now += 3600;
	}
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_LOAN_ENDING_SOON, loan), 1);
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_LOAN_ENDING_SOON, loan2), 0);
	lend_notifications *ns = NULL;
	const lend_notification *n = newest_of(t, LEND_NOTE_LOAN_ENDING_SOON, &ns);
	char num[32];
	snprintf(num, sizeof num, "%lld", (long long)due);
	assert_string_equal(lend_notification_field(n, "due_at"), num);
	assert_string_equal(lend_notification_field(n, "title"), "Мастер и Маргарита");
	assert_string_equal(lend_notification_field(n, "library"), "Central");
	assert_string_equal(lend_notification_text(n, NULL),
	                    "Срок выдачи книги «Мастер и Маргарита» заканчивается 26 января 2026. После этого книга "
	                    "автоматически вернётся в библиотеку «Central».");
	assert_string_equal(lend_notification_text(n, "en"),
	                    "The loan of «Мастер и Маргарита» ends on 26 January 2026; then the book goes back to "
	                    "Central by itself.");
	assert_string_equal(lend_notification_text(n, "de"), "");
	lend_notifications_free(ns);
	/* a per-library setting: 7 days before for the second loan */
	TH_OK(t, lend_policy_set(t->e, t->admin, lib, LEND_KIND_ANY, LEND_SETTING_REMINDER_DAYS, 7));
	th_now = TH_START + 13 * DAY - 1;
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_LOAN_ENDING_SOON, loan2), 0);
	th_now = TH_START + 13 * DAY;
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_LOAN_ENDING_SOON, loan2), 1);
	/* 0 switches reminders off */
	int64_t b3 = th_book(t, "Третья", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, lib, b3, 1);
	TH_OK(t, lend_policy_set(t->e, t->admin, lib, LEND_KIND_ANY, LEND_SETTING_REMINDER_DAYS, 0));
	int64_t loan3 = take(t, r, tk, b3);
	th_now += 19 * DAY;
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_LOAN_ENDING_SOON, loan3), 0);
	th_check_clean(t);
}

static void test_queue_position_news(void **state)
{
	th *t = *state;
	int64_t lib = th_library(t, "Central", 0);
	int64_t r[4], tk[4];
	for (int i = 0; i < 4; i++) {
		r[i] = th_reader(t, "R", 1990, 1, 1);
		tk[i] = th_ticket(t, lib, r[i]);
	}
	int64_t b = th_book(t, "Popular", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, lib, b, 1);
	int64_t loan = take(t, r[0], tk[0], b);
	int64_t hold[4] = {0};
	for (int i = 1; i < 4; i++) {
		lend_hold *h = NULL;
		TH_OK(t, lend_queue_join(t->e, th_as_reader(t, r[i]), tk[i], b, &h));
		hold[i] = lend_hold_id(h);
		lend_hold_free(h);
	}
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL)); /* positions seen: 1, 2, 3 */
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_QUEUE_POSITION, 0), 0);
	TH_OK(t, lend_return(t->e, th_as_reader(t, r[0]), loan)); /* r1 gets it; r2, r3 move up */
	for (int i = 0; i < 3; i++)
		TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_QUEUE_POSITION, 0), 2);
	lend_notifications *ns = NULL;
	const lend_notification *n = newest_of(t, LEND_NOTE_QUEUE_POSITION, &ns);
	assert_int_equal(lend_notification_reader_id(n), r[3]);
	assert_string_equal(lend_notification_field(n, "position"), "2");
	assert_string_equal(lend_notification_field(n, "previous"), "3");
	assert_string_equal(lend_notification_text(n, "ru"),
	                    "Ваша очередь за книгой «Popular» в библиотеке «Central» продвинулась: теперь вы 2-й в очереди.");
	lend_notifications_free(ns);
	/* leaving moves the one behind up too */
	TH_OK(t, lend_queue_leave(t->e, th_as_reader(t, r[2]), hold[2]));
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_QUEUE_POSITION, 0), 3);
	th_check_clean(t);
}

/* --------------------------------------------------------- preferences */

static void test_prefs_opt_out_and_channel(void **state)
{
	th *t = *state;
	int64_t lib = th_library(t, "Central", 0);
	int64_t r = th_reader(t, "Анна", 1990, 5, 1);
	int64_t tk = th_ticket(t, lib, r);
	int64_t b = th_book(t, "Book", LEND_KIND_EBOOK, 0, 0), b2 = th_book(t, "Book 2", LEND_KIND_EBOOK, 0, 0);
	th_copies(t, lib, b, 1);
	th_copies(t, lib, b2, 1);
	lend_actor *me = th_as_reader(t, r);
	lend_prefs *p = NULL;
	TH_OK(t, lend_prefs_get(t->e, me, r, &p));
	assert_string_equal(lend_prefs_language(p), "ru");
	assert_int_equal(lend_prefs_channel(p), LEND_CHANNEL_NONE);
	assert_int_equal(lend_prefs_set_muted(p, LEND_NOTE_LOAN_ISSUED, 1), LEND_OK);
	assert_int_equal(lend_prefs_set_muted(p, LEND_NOTE_VERIFICATION_CODE, 1), LEND_EINVAL);
	assert_int_equal(lend_prefs_set_muted(p, LEND_NOTE_APP_ACTIVATION, 1), LEND_EINVAL);
	assert_int_equal(lend_prefs_set_muted(p, 0, 1), LEND_EINVAL);
	assert_int_equal(lend_prefs_set_channel(p, LEND_CHANNEL_SMS), LEND_OK);
	assert_int_equal(lend_prefs_set_channel(p, 7), LEND_EINVAL);
	assert_int_equal(lend_prefs_set_phone(p, "+7 900 000-00-00"), LEND_OK);
	assert_int_equal(lend_prefs_set_phone(p, "call me"), LEND_EINVAL);
	assert_int_equal(lend_prefs_set_email(p, "anna@example.org"), LEND_OK);
	assert_int_equal(lend_prefs_set_email(p, "no-at-sign"), LEND_EINVAL);
	assert_int_equal(lend_prefs_set_language(p, "en"), LEND_OK);
	assert_int_equal(lend_prefs_set_language(p, "fr"), LEND_EINVAL);
	int64_t other = th_reader(t, "Борис", 1990, 1, 1);
	TH_RC(t, LEND_EPERM, lend_prefs_save(t->e, th_as_reader(t, other), r, p));
	TH_OK(t, lend_prefs_save(t->e, me, r, p));
	lend_prefs_free(p);
	TH_OK(t, lend_prefs_get(t->e, t->admin, r, &p));
	assert_int_equal(lend_prefs_muted(p, LEND_NOTE_LOAN_ISSUED), 1);
	assert_int_equal(lend_prefs_muted(p, LEND_NOTE_LOAN_ENDED), 0);
	assert_string_equal(lend_prefs_phone(p), "+7 900 000-00-00");
	lend_prefs_free(p);

	/* the issue is not written; the end is, in English, by SMS */
	int64_t loan = take(t, r, tk, b);
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_LOAN_ISSUED, loan), 0);
	TH_OK(t, lend_return(t->e, me, loan));
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_LOAN_ENDED, loan), 1);
	lend_notifications *ns = NULL;
	const lend_notification *n = newest_of(t, LEND_NOTE_LOAN_ENDED, &ns);
	assert_int_equal(lend_notification_channel(n), LEND_CHANNEL_SMS);
	assert_string_equal(lend_notification_address(n), "+7 900 000-00-00");
	assert_string_equal(lend_notification_field(n, "lang"), "en");
	assert_string_equal(lend_notification_field(n, "end_reason"), "2");
	assert_string_equal(lend_notification_text(n, NULL), "You returned «Book» to Central. Thank you!");
	assert_null(lend_notification_field(n, "no such key"));
	lend_notifications_free(ns);

	/* security codes always go, whatever is switched off */
	TH_OK(t, lend_prefs_new(&p));
	for (int k = 1; k <= 63; k++)
		if (!lend_note_kind_security(k))
			assert_int_equal(lend_prefs_set_muted(p, k, 1), LEND_OK);
	TH_OK(t, lend_prefs_save(t->e, me, r, p));
	lend_prefs_free(p);
	TH_OK(t, lend__begin(t->e, 1));
	int rc = lend__notify(t->e, LEND_NOTE_VERIFICATION_CODE, r, 0, 0, 0, "code=123456");
	if (rc == LEND_OK)
		rc = lend__notify(t->e, LEND_NOTE_QUEUE_POSITION, r, lib, b, 0, "position=1");
	TH_OK(t, lend__end(t->e, rc));
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_VERIFICATION_CODE, 0), 1);
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_QUEUE_POSITION, 0), 0);
	n = newest_of(t, LEND_NOTE_VERIFICATION_CODE, &ns);
	assert_string_equal(lend_notification_text(n, "ru"), "Ваш код подтверждения: 123456. Никому не сообщайте его.");
	lend_notifications_free(ns);
	int64_t loan2 = take(t, r, tk, b2);
	assert_int_equal(th_outbox_count_of(t, 0, loan2), 0);
}

/* Every existing kind has a text in both languages; the core's details
 * are key=value. */
static void test_texts_for_every_kind(void **state)
{
	th *t = *state;
	int64_t lib = th_library(t, "Central", 0);
	int64_t r = th_reader(t, "Анна", 1990, 5, 1);
	int64_t b = th_book(t, "Книга", LEND_KIND_EBOOK, 0, 0);
	const char *details[] = {"", "due_at=1768219200", "end_reason=1\nended_at=1768219200", "due_at=1768219200",
	                         "due_at=1768219200", "due_at=1768219200", "reason=9", "position=2",
	                         "reserve_id=1\nexpires_at=1768219200", "code=1234", "token=abc", "code=987",
	                         "amount=100\nbalance=100\ncurrency=RUB", "amount=100\ncurrency=RUB",
	                         "due_at=1768219200", "reserve_id=1", "request_id=3\noutcome=queued\nposition=2"};
	int kinds[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 60, 61, 20, 21, 5};
	TH_OK(t, lend__begin(t->e, 1));
	int rc = LEND_OK;
	for (size_t i = 1; rc == LEND_OK && i < sizeof kinds / sizeof kinds[0]; i++)
		rc = lend__notify(t->e, kinds[i], r, lib, b, 0, details[i]);
	TH_OK(t, lend__end(t->e, rc));
	lend_notifications *ns = NULL;
	TH_OK(t, lend_outbox_list(t->e, t->admin, 0, 100, &ns));
	assert_int_equal(lend_notifications_count(ns), 16);
	for (size_t i = 0; i < lend_notifications_count(ns); i++) {
		const lend_notification *n = lend_notifications_get(ns, i);
		const char *ru = lend_notification_text(n, "ru"), *en = lend_notification_text(n, "en");
		if (!*ru || !*en || strchr(ru, '{') || strchr(en, '{'))
			print_message("kind %d: [%s] [%s]\n", lend_notification_kind(n), ru, en);
		assert_true(*ru && *en && !strchr(ru, '{') && !strchr(en, '{'));
	}
	assert_string_equal(lend_notification_text(lend_notifications_get(ns, 5), "en"),
	                    "The librarian declined your request for «Книга» at Central. Reason: the library's budget "
	                    "is exhausted.");
	assert_string_equal(lend_notification_text(lend_notifications_get(ns, 5), "ru"),
	                    "Библиотекарь отказал в выдаче книги «Книга» в библиотеке «Central». Причина: у библиотеки "
	                    "закончились средства на покупку книг.");
	/* A held copy's deadline; an approval that put the reader in the queue. */
	assert_non_null(strstr(lend_notification_text(lend_notifications_get(ns, 7), "en"), "by 12 January 2026"));
	assert_non_null(strstr(lend_notification_text(lend_notifications_get(ns, 15), "en"), "number 2 in the queue"));
	assert_non_null(strstr(lend_notification_text(lend_notifications_get(ns, 13), "ru"), "продлена до"));
	lend_notifications_free(ns);

	/* the core's loan notes: due time and end as fields */
	int64_t tk = th_ticket(t, lib, r);
	th_copies(t, lib, b, 1);
	int64_t loan = take(t, r, tk, b);
	TH_OK(t, lend_outbox_list(t->e, t->admin, 0, 100, &ns));
	const lend_notification *n = lend_notifications_get(ns, lend_notifications_count(ns) - 1);
	assert_int_equal(lend_notification_loan_id(n), loan);
	char num[32];
	snprintf(num, sizeof num, "%lld", (long long)(TH_START + 14 * DAY));
	assert_string_equal(lend_notification_field(n, "due_at"), num);
	assert_non_null(strstr(lend_notification_text(n, "ru"), "до 26 января 2026"));
	lend_notifications_free(ns);
}

/* ------------------------------------------------------------- merging */

static void test_merge_readers(void **state)
{
	th *t = *state;
	int64_t lib = th_library(t, "Central", 0);
	int64_t from = th_reader(t, "Old account", 1990, 5, 1), to = th_reader(t, "New account", 1990, 5, 1);
	int64_t tk = th_ticket(t, lib, from);
	int64_t b1 = th_book(t, "Both bought", LEND_KIND_EBOOK, 100, 0), b2 = th_book(t, "Only old", LEND_KIND_EBOOK, 200, 0);
	int64_t b3 = th_book(t, "Read on both", LEND_KIND_EBOOK, 300, 0);
	credit(t, from, 1000, "same-key");
	credit(t, to, 1000, "same-key");
	lend_actor *af = th_as_reader(t, from), *at = th_as_reader(t, to);
	TH_OK(t, lend_buy(t->e, af, from, b1, NULL));
	TH_OK(t, lend_buy(t->e, af, from, b2, NULL));
	TH_OK(t, lend_buy(t->e, af, from, b3, NULL));
	TH_OK(t, lend_buy(t->e, at, to, b1, NULL));
	TH_OK(t, lend_buy(t->e, at, to, b3, NULL));
	TH_OK(t, lend_defer_add(t->e, af, from, b1));
	TH_OK(t, lend_defer_add(t->e, at, to, b1));
	TH_OK(t, lend_reading_set(t->e, af, from, b3, 50, 50, 50, "old phone", 5000, NULL));
	TH_OK(t, lend_reading_set(t->e, at, to, b3, 10, 10, 10, "new phone", 4000, NULL));
	TH_OK(t, lend_bookmark_add(t->e, af, from, b2, 7, "old note", NULL));
	TH_OK(t, lend_offline_grant(t->e, af, from, "old phone", b2, NULL));
	lend_prefs *p = NULL;
	TH_OK(t, lend_prefs_new(&p));
	TH_OK(t, lend_prefs_set_language(p, "en"));
	TH_OK(t, lend_prefs_save(t->e, af, from, p));
	lend_prefs_free(p);
	(void)tk;

	TH_OK(t, lend__begin(t->e, 1));
	TH_OK(t, lend__end(t->e, lend__shelf_merge_readers(t->e, from, to)));

	assert_int_equal(balance(t, to), 2000 - 600 - 400);
	assert_int_equal(balance(t, from), 0);
	assert_int_equal(shelf_count(t, to, LEND_SHELF_BOUGHT), 3);
	assert_int_equal(shelf_count(t, from, LEND_SHELF_BOUGHT), 0);
	assert_int_equal(shelf_count(t, to, LEND_SHELF_DEFERRED), 1);
	lend_reading *rs = NULL;
	TH_OK(t, lend_reading_get(t->e, at, to, b3, &rs));
	assert_int_equal(lend_reading_position(rs), 50); /* the newer device time won */
	assert_string_equal(lend_reading_device(rs), "old phone");
	lend_reading_free(rs);
	TH_RC(t, LEND_ENOTFOUND, lend_reading_get(t->e, af, from, b3, &rs));
	lend_bookmarks *bl = NULL;
	TH_OK(t, lend_bookmark_list(t->e, at, to, 0, &bl));
	assert_int_equal(lend_bookmarks_count(bl), 1);
	assert_string_equal(lend_bookmarks_note(bl, 0), "old note");
	lend_bookmarks_free(bl);
	lend_offlines *gl = NULL;
	TH_OK(t, lend_offline_list(t->e, at, to, "old phone", &gl));
	assert_int_equal(lend_offlines_count(gl), 1);
	lend_offlines_free(gl);
	TH_OK(t, lend_prefs_get(t->e, at, to, &p));
	assert_string_equal(lend_prefs_language(p), "en");
	lend_prefs_free(p);
	/* the old payment key is kept, renamed: a retry on the new account is
	 * still recognised as the new account's own */
	int credited = -1;
	TH_OK(t, lend_balance_credit(t->e, t->admin, to, 1000, "RUB", "same-key", &credited));
	assert_int_equal(credited, 0);
	/* self-merge and unknown readers are refused */
	TH_OK(t, lend__begin(t->e, 1));
	assert_int_equal(lend__end(t->e, lend__shelf_merge_readers(t->e, to, to)), LEND_EINVAL);
	TH_OK(t, lend__begin(t->e, 1));
	assert_int_equal(lend__end(t->e, lend__shelf_merge_readers(t->e, 9999, to)), LEND_ENOTFOUND);
}

/* ------------------------------------------------ the storage contract */

/* Listing callbacks that count their rows. */
#define COUNT_CB(name, type)                                                                                   \
	static int name(void *ctx, type row)                                                                   \
	{                                                                                                      \
		(void)row;                                                                                     \
		(*(int *)ctx)++;                                                                               \
		return 0;                                                                                      \
	}
COUNT_CB(count_wallet, const lend_sys_wallet *)
COUNT_CB(count_reader, int64_t)
COUNT_CB(count_purchase, const lend_sys_purchase *)
COUNT_CB(count_reading, const lend_sys_reading *)
COUNT_CB(count_offline, const lend_sys_offline *)
COUNT_CB(count_prefs, const lend_sys_prefs *)
COUNT_CB(count_bookmark, const lend_sys_bookmark *)

/* Listing callbacks that collect the rows' ids (at most 16). */
typedef struct ids {
	int n;
	int64_t v[16];
} ids;

static int ids_add(ids *x, int64_t id)
{
	if (x->n < 16)
		x->v[x->n] = id;
	x->n++;
	return 0;
}

/* A listing callback that collects a field of its rows. */
#define IDS_CB(name, type, field)                                                                              \
	static int name(void *ctx, type row)                                                                   \
	{                                                                                                      \
		return ids_add(ctx, row->field);                                                               \
	}
IDS_CB(wallet_ids, const lend_sys_wallet *, id)
IDS_CB(purchase_ids, const lend_sys_purchase *, id)
IDS_CB(deferred_ids, const lend_sys_deferred *, id)
IDS_CB(reading_books, const lend_sys_reading *, book_id)
IDS_CB(bookmark_ids, const lend_sys_bookmark *, id)
IDS_CB(offline_ids, const lend_sys_offline *, id)

static int prefs_copy(void *ctx, const lend_sys_prefs *row)
{
	lend_sys_prefs *p = ctx;
	p->reader_id = row->reader_id;
	p->channel = row->channel;
	p->muted = row->muted;
	assert_string_equal(row->lang, "en");
	assert_string_equal(row->email, ""); /* NULL reads back as "" */
	return 0;
}

static void ids_are(const ids *x, int n, const int64_t *want)
{
	assert_int_equal(x->n, n);
	for (int i = 0; i < n; i++)
		assert_int_equal(x->v[i], want[i]);
}

/* A store of the run's backend: SQLite in memory, or (LEND_TEST_BACKEND=
 * postgres) a schema of its own on the test server. */
static void contract_open(lend_storage *s, char *schema, size_t sn)
{
	char why[256], uri[600];
	schema[0] = '\0';
	if (th_backend_pg()) {
		th_pg_store_new(uri, sizeof uri, schema, sn);
		assert_int_equal(lend_storage_postgres(s, uri, why, sizeof why), LEND_OK);
	} else {
		assert_int_equal(lend_storage_sqlite(s, ":memory:", 0, why, sizeof why), LEND_OK);
	}
}

/* The shelf's methods of the backend under test keep the contract
 * storage.h states: unique keys (EEXISTS, and the transaction goes on),
 * ENOTFOUND, the order of every listing, put keeping its id, exact sums. */
static void test_storage_contract(void **state)
{
	(void)state;
	lend_storage s;
	char schema[48];
	contract_open(&s, schema, sizeof schema);
	void *u = s.userdata;
	assert_int_equal(s.begin(u, 1), LEND_OK);
	lend_sys_wallet w = {0, 1, 10, 500, "RUB", 1, 0, "k1"};
	assert_int_equal(s.wallet_insert(u, &w), LEND_OK);
	assert_true(w.id > 0);
	lend_sys_wallet w2 = {0, 1, 11, 700, "RUB", 1, 0, "k1"};
	assert_int_equal(s.wallet_insert(u, &w2), LEND_EEXISTS);
	w2.reader_id = 2; /* keys are per reader */
	assert_int_equal(s.wallet_insert(u, &w2), LEND_OK);
	lend_sys_wallet w3 = {0, 1, 12, -200, "RUB", 2, 5, ""}, w4 = {0, 1, 13, -100, "RUB", 2, 6, NULL};
	assert_int_equal(s.wallet_insert(u, &w3), LEND_OK);
	assert_int_equal(s.wallet_insert(u, &w4), LEND_OK); /* empty keys never clash */
	int64_t sum = 0;
	assert_int_equal(s.wallet_sum(u, 1, "RUB", &sum), LEND_OK);
	assert_int_equal(sum, 200);
	assert_int_equal(s.wallet_sum(u, 1, "EUR", &sum), LEND_OK);
	assert_int_equal(sum, 0);
	int n = 0;
	assert_int_equal(s.wallet_find(u, 1, "nope", count_wallet, &n), LEND_ENOTFOUND);
	assert_int_equal(s.wallet_find(u, 1, "", count_wallet, &n), LEND_ENOTFOUND);
	assert_int_equal(s.wallet_find(u, 1, NULL, count_wallet, &n), LEND_ENOTFOUND);
	assert_int_equal(s.wallet_readers(u, count_reader, &n), LEND_OK);
	assert_int_equal(n, 2);
	/* update: a key another entry holds, an unknown id; then a real change */
	w3.key = "k1";
	assert_int_equal(s.wallet_update(u, &w3), LEND_EEXISTS);
	lend_sys_wallet nobody = w3;
	nobody.id = 9999;
	nobody.key = "k9";
	assert_int_equal(s.wallet_update(u, &nobody), LEND_ENOTFOUND);
	w3.key = "k3";
	w3.amount = -300;
	assert_int_equal(s.wallet_update(u, &w3), LEND_OK);
	w.amount = 600; /* its own key again is no clash */
	assert_int_equal(s.wallet_update(u, &w), LEND_OK);
	n = 0;
	assert_int_equal(s.wallet_find(u, 1, "k3", count_wallet, &n), LEND_OK);
	assert_int_equal(n, 1);
	assert_int_equal(s.wallet_sum(u, 1, "RUB", &sum), LEND_OK);
	assert_int_equal(sum, 200);
	ids wl = {0};
	assert_int_equal(s.wallet_list(u, 1, wallet_ids, &wl), LEND_OK);
	ids_are(&wl, 3, (int64_t[]){w.id, w3.id, w4.id});
	/* sums are exact over the whole range of the amounts */
	lend_sys_wallet big = {0, 3, 14, INT64_MAX, "RUB", 1, 0, NULL};
	assert_int_equal(s.wallet_insert(u, &big), LEND_OK);
	big.amount = -1;
	assert_int_equal(s.wallet_insert(u, &big), LEND_OK);
	big.amount = 1;
	assert_int_equal(s.wallet_insert(u, &big), LEND_OK);
	assert_int_equal(s.wallet_sum(u, 3, "RUB", &sum), LEND_OK);
	assert_true(sum == INT64_MAX);
	n = 0;
	assert_int_equal(s.wallet_readers(u, count_reader, &n), LEND_OK);
	assert_int_equal(n, 3);

	lend_sys_purchase p = {0, 1, 5, 12, 200, "RUB", w3.id};
	assert_int_equal(s.purchase_insert(u, &p), LEND_OK);
	assert_int_equal(s.purchase_insert(u, &p), LEND_EEXISTS);
	assert_int_equal(s.purchase_get(u, 1, 6, count_purchase, &n), LEND_ENOTFOUND);
	assert_int_equal(s.purchase_delete(u, 999), LEND_ENOTFOUND);
	lend_sys_purchase p2 = {0, 1, 7, 13, 100, "RUB", w4.id}, p3 = {0, 1, 6, 14, 100, "RUB", 0};
	assert_int_equal(s.purchase_insert(u, &p2), LEND_OK);
	assert_int_equal(s.purchase_insert(u, &p3), LEND_OK);
	ids pl = {0};
	assert_int_equal(s.purchase_list(u, 1, 0, 0, purchase_ids, &pl), LEND_OK);
	ids_are(&pl, 3, (int64_t[]){p.id, p2.id, p3.id});
	pl.n = 0;
	assert_int_equal(s.purchase_list(u, 1, p.id, 1, purchase_ids, &pl), LEND_OK);
	ids_are(&pl, 1, (int64_t[]){p2.id});
	p2.book_id = 5; /* bought already */
	assert_int_equal(s.purchase_update(u, &p2), LEND_EEXISTS);
	p2.book_id = 8;
	assert_int_equal(s.purchase_update(u, &p2), LEND_OK);
	n = 0;
	assert_int_equal(s.purchase_get(u, 1, 8, count_purchase, &n), LEND_OK);
	assert_int_equal(n, 1);
	assert_int_equal(s.purchase_delete(u, p3.id), LEND_OK);
	assert_int_equal(s.purchase_delete(u, p3.id), LEND_ENOTFOUND);

	lend_sys_deferred d = {0, 1, 5, 10};
	assert_int_equal(s.deferred_insert(u, &d), LEND_OK);
	assert_int_equal(s.deferred_insert(u, &d), LEND_EEXISTS);
	lend_sys_deferred d2 = {0, 1, 6, 11};
	assert_int_equal(s.deferred_insert(u, &d2), LEND_OK);
	ids dl = {0};
	assert_int_equal(s.deferred_list(u, 1, 0, 0, deferred_ids, &dl), LEND_OK);
	ids_are(&dl, 2, (int64_t[]){d.id, d2.id});
	d2.book_id = 5;
	assert_int_equal(s.deferred_update(u, &d2), LEND_EEXISTS);
	d2.reader_id = 2;
	assert_int_equal(s.deferred_update(u, &d2), LEND_OK);
	assert_int_equal(s.deferred_delete(u, d.id), LEND_OK);
	assert_int_equal(s.deferred_delete(u, d.id), LEND_ENOTFOUND);
	d.id = 9999;
	assert_int_equal(s.deferred_update(u, &d), LEND_ENOTFOUND);

	lend_sys_reading r = {1, 5, 10, 5, 10, 100, 90, "phone"};
	assert_int_equal(s.reading_put(u, &r), LEND_OK);
	r.position = 20;
	assert_int_equal(s.reading_put(u, &r), LEND_OK); /* replaces */
	n = 0;
	assert_int_equal(s.reading_list(u, 1, count_reading, &n), LEND_OK);
	assert_int_equal(n, 1);
	assert_int_equal(s.reading_delete(u, 1, 6), LEND_ENOTFOUND);
	lend_sys_reading r9 = {1, 9, 1, 1, 1, 100, 90, NULL}, r2 = {1, 2, 1, 1, 1, 100, 90, "tablet"};
	assert_int_equal(s.reading_put(u, &r9), LEND_OK);
	assert_int_equal(s.reading_put(u, &r2), LEND_OK);
	ids rl = {0};
	assert_int_equal(s.reading_list(u, 1, reading_books, &rl), LEND_OK);
	ids_are(&rl, 3, (int64_t[]){2, 5, 9});
	assert_int_equal(s.reading_delete(u, 1, 9), LEND_OK);

	lend_sys_bookmark b1 = {0, 1, 6, 30, "a", 1}, b2 = {0, 1, 5, 20, NULL, 2}, b3 = {0, 1, 5, 10, "c", 3},
	                  b4 = {0, 1, 5, 10, "d", 4};
	assert_int_equal(s.bookmark_insert(u, &b1), LEND_OK);
	assert_int_equal(s.bookmark_insert(u, &b2), LEND_OK);
	assert_int_equal(s.bookmark_insert(u, &b3), LEND_OK);
	assert_int_equal(s.bookmark_insert(u, &b4), LEND_OK);
	ids bl = {0};
	assert_int_equal(s.bookmark_list(u, 1, 0, bookmark_ids, &bl), LEND_OK);
	ids_are(&bl, 4, (int64_t[]){b3.id, b4.id, b2.id, b1.id});
	bl.n = 0;
	assert_int_equal(s.bookmark_list(u, 1, 6, bookmark_ids, &bl), LEND_OK);
	ids_are(&bl, 1, (int64_t[]){b1.id});
	b3.position = 40;
	assert_int_equal(s.bookmark_update(u, &b3), LEND_OK);
	bl.n = 0;
	assert_int_equal(s.bookmark_list(u, 1, 5, bookmark_ids, &bl), LEND_OK);
	ids_are(&bl, 3, (int64_t[]){b4.id, b2.id, b3.id});
	b3.id = 9999;
	assert_int_equal(s.bookmark_update(u, &b3), LEND_ENOTFOUND);
	n = 0;
	assert_int_equal(s.bookmark_get(u, b2.id, count_bookmark, &n), LEND_OK);
	assert_int_equal(n, 1);
	assert_int_equal(s.bookmark_delete(u, b2.id), LEND_OK);
	assert_int_equal(s.bookmark_get(u, b2.id, count_bookmark, &n), LEND_ENOTFOUND);

	lend_sys_offline g = {0, 1, "phone", 5, 7, 100};
	assert_int_equal(s.offline_put(u, &g), LEND_OK);
	int64_t first = g.id;
	g.loan_id = 8;
	g.id = 0;
	assert_int_equal(s.offline_put(u, &g), LEND_OK);
	assert_int_equal(g.id, first); /* the same key keeps its id */
	n = 0;
	assert_int_equal(s.offline_list(u, 1, "tablet", count_offline, &n), LEND_OK);
	assert_int_equal(n, 0);
	assert_int_equal(s.offline_list(u, 1, NULL, count_offline, &n), LEND_OK);
	assert_int_equal(n, 1);
	lend_sys_offline g2 = {0, 1, "tablet", 5, 0, 101}, g3 = {0, 1, "phone", 4, 0, 102};
	assert_int_equal(s.offline_put(u, &g2), LEND_OK);
	assert_int_equal(s.offline_put(u, &g3), LEND_OK);
	ids ol = {0};
	assert_int_equal(s.offline_list(u, 1, NULL, offline_ids, &ol), LEND_OK);
	ids_are(&ol, 3, (int64_t[]){first, g2.id, g3.id});
	ol.n = 0;
	assert_int_equal(s.offline_list(u, 1, "phone", offline_ids, &ol), LEND_OK);
	ids_are(&ol, 2, (int64_t[]){first, g3.id});
	assert_int_equal(s.offline_delete(u, g2.id), LEND_OK);
	assert_int_equal(s.offline_delete(u, g2.id), LEND_ENOTFOUND);

	lend_sys_mark m;
	assert_int_equal(s.mark_get(u, 4, 1, &m), LEND_ENOTFOUND);
	lend_sys_mark mk = {4, 1, 77};
	assert_int_equal(s.mark_put(u, &mk), LEND_OK);
	assert_int_equal(s.mark_get(u, 4, 1, &m), LEND_OK);
	assert_int_equal(m.value, 77);
	mk.value = 78; /* replaces */
	assert_int_equal(s.mark_put(u, &mk), LEND_OK);
	assert_int_equal(s.mark_get(u, 4, 1, &m), LEND_OK);
	assert_int_equal(m.kind, 4);
	assert_int_equal(m.subject_id, 1);
	assert_int_equal(m.value, 78);
	assert_int_equal(s.mark_get(u, 7, 1, &m), LEND_ENOTFOUND);
	assert_int_equal(s.prefs_get(u, 1, count_prefs, &n), LEND_ENOTFOUND);
	assert_int_equal(s.prefs_delete(u, 1), LEND_ENOTFOUND);
	lend_sys_prefs pf = {1, "ru", 1, "a@b.c", NULL, 4};
	assert_int_equal(s.prefs_put(u, &pf), LEND_OK);
	pf.lang = "en";
	pf.email = NULL;
	pf.channel = 2;
	pf.muted = 6;
	assert_int_equal(s.prefs_put(u, &pf), LEND_OK); /* replaces */
	lend_sys_prefs got = {0};
	assert_int_equal(s.prefs_get(u, 1, prefs_copy, &got), LEND_OK);
	assert_int_equal(got.reader_id, 1);
	assert_int_equal(got.channel, 2);
	assert_int_equal(got.muted, 6);
	assert_int_equal(s.prefs_delete(u, 1), LEND_OK);
	assert_int_equal(s.prefs_delete(u, 1), LEND_ENOTFOUND);
	assert_int_equal(s.bookmark_delete(u, 9999), LEND_ENOTFOUND);
	/* a sum beyond the range of the amounts fails rather than wraps */
	big.amount = 1;
	assert_int_equal(s.wallet_insert(u, &big), LEND_OK);
	assert_int_equal(s.wallet_sum(u, 3, "RUB", &sum), LEND_ESTORAGE);
	assert_int_equal(s.rollback(u), LEND_OK);
	s.free(u);
	if (schema[0])
		th_pg_store_drop(schema);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_one_shelf_three_libraries, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_requests_on_shelf, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_cabinet, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_librarian_view, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_balance_idempotent, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_buy_and_refusals, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_deferred, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_reading_within_preview, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_reading_two_devices, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_offline_grants_end_with_loan, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_reminder_once, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_queue_position_news, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_prefs_opt_out_and_channel, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_texts_for_every_kind, th_setup_memory, th_teardown),
		cmocka_unit_test_setup_teardown(test_merge_readers, th_setup_memory, th_teardown),
		cmocka_unit_test(test_storage_contract),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
