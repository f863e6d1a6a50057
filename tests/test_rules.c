/* tests/test_rules.c — the pure lending rules of lib/rules.h (spec sections
 * 2, 3 and 6): verdicts, policy resolution, age, hand-off, wait estimates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rules.h"

#define DAY ((int64_t)86400)
/* 2026-03-10 12:00:00 UTC */
#define NOW ((int64_t)1773144000)
#define TODAY 20260310

/* An adult reader with a valid ticket, well under every limit, and a lendable
 * released 0+ book with one free copy in the fund. */
static lend_rule_input base(void)
{
	lend_rule_input in;
	memset(&in, 0, sizeof in);
	in.now = NOW;
	in.today = TODAY;
	in.birth_date = 19900101;
	in.lendable = 1;
	in.price = 10000;
	in.currency_matches = 1;
	in.max_loans = 10;
	in.self_limit = 3;
	in.max_self_price = LEND_UNLIMITED;
	in.monthly_quota = LEND_UNLIMITED;
	in.max_copies = LEND_UNLIMITED;
	in.copies = 1;
	in.budget = 1000000;
	return in;
}

static lend_rule_verdict verdict(const lend_rule_input *in)
{
	lend_rule_verdict v;
	memset(&v, 0x5a, sizeof v); /* the function must set every field it reports */
	lend_rules_verdict(in, &v);
	assert_true(memchr(v.message, '\0', sizeof v.message) != NULL);
	return v;
}

static void expect(const lend_rule_input *in, int want_verdict, int want_reason)
{
	lend_rule_verdict v = verdict(in);
	if (v.verdict != want_verdict || v.reason != want_reason)
		print_message("verdict %d reason %d (%s), expected %d reason %d\n", v.verdict, v.reason, v.message,
		              want_verdict, want_reason);
	assert_int_equal(v.verdict, want_verdict);
	assert_int_equal(v.reason, want_reason);
	assert_true(v.message[0] != '\0');
	if (want_verdict != LEND_VERDICT_TAKE)
		assert_int_equal(v.buys, 0);
}

/* ------------------------------------------------------------ refused */

static void test_refused_blocked(void **state)
{
	(void)state;
	lend_rule_input in = base();
	in.blocked = 1;
	expect(&in, LEND_VERDICT_REFUSED, LEND_REASON_TICKET_BLOCKED);
	assert_int_equal(lend_rules_refusal(&in), LEND_REASON_TICKET_BLOCKED);
}

static void test_refused_expired(void **state)
{
	(void)state;
	lend_rule_input in = base();
	in.valid_until = NOW; /* valid up to, not including, valid_until */
	expect(&in, LEND_VERDICT_REFUSED, LEND_REASON_TICKET_EXPIRED);
	in.valid_until = NOW - DAY;
	expect(&in, LEND_VERDICT_REFUSED, LEND_REASON_TICKET_EXPIRED);
	in.valid_until = NOW + 1;
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
	/* not yet valid */
	in = base();
	in.valid_from = NOW + 1;
	expect(&in, LEND_VERDICT_REFUSED, LEND_REASON_TICKET_EXPIRED);
	in.valid_from = NOW;
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
	/* 0 means open-ended on both sides */
	in.valid_from = 0;
	in.valid_until = 0;
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
}

static void test_refused_not_lendable(void **state)
{
	(void)state;
	lend_rule_input in = base();
	in.lendable = 0;
	expect(&in, LEND_VERDICT_REFUSED, LEND_REASON_NOT_LENDABLE);
	/* also when the library would otherwise buy it */
	in.copies = 0;
	expect(&in, LEND_VERDICT_REFUSED, LEND_REASON_NOT_LENDABLE);
}

static void test_refused_age(void **state)
{
	(void)state;
	lend_rule_input in = base();
	in.age_rating = 18;
	in.birth_date = 20080311; /* 18 tomorrow */
	expect(&in, LEND_VERDICT_REFUSED, LEND_REASON_AGE);
	in.birth_date = 20080310; /* 18 today */
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
	/* an unknown birth date borrows 0+ only */
	in.birth_date = 0;
	expect(&in, LEND_VERDICT_REFUSED, LEND_REASON_AGE);
	in.age_rating = 0;
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
	/* age holds whatever the fund: not in the fund, or every copy out */
	in = base();
	in.age_rating = 16;
	in.birth_date = 20100601;
	in.copies = 0;
	expect(&in, LEND_VERDICT_REFUSED, LEND_REASON_AGE);
	in.copies = 1;
	in.on_loan = 1;
	expect(&in, LEND_VERDICT_REFUSED, LEND_REASON_AGE);
}

static void test_refused_not_released(void **state)
{
	(void)state;
	lend_rule_input in = base();
	in.release_at = NOW + 1;
	expect(&in, LEND_VERDICT_REFUSED, LEND_REASON_NOT_RELEASED);
	in.release_at = NOW;
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
	in.release_at = 0;
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
}

/* ---------------------------------------------------------------- take */

static void test_take_from_fund(void **state)
{
	(void)state;
	lend_rule_input in = base();
	in.copies = 3;
	in.on_loan = 2;
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
	assert_int_equal(verdict(&in).buys, 0);
	/* a free copy is taken even when the library could not buy one */
	in.budget = 0;
	in.max_self_price = 0;
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
	assert_int_equal(verdict(&in).buys, 0);
	/* just under every limit */
	in = base();
	in.loans = 9;
	in.self_loans = 2;
	in.monthly_quota = 3;
	in.month_loans = 2;
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
	/* unlimited limits */
	in = base();
	in.self_limit = LEND_UNLIMITED;
	in.max_loans = LEND_UNLIMITED;
	in.self_loans = 500;
	in.loans = 500;
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
}

static void test_take_that_buys(void **state)
{
	(void)state;
	lend_rule_input in = base();
	in.copies = 0;
	in.price = 39900;
	in.budget = 39900; /* exactly enough */
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
	assert_int_equal(verdict(&in).buys, 1);
	in.max_self_price = 39900; /* at most the max price */
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
	assert_int_equal(verdict(&in).buys, 1);
	in.max_copies = 1; /* may hold one, holds none */
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
	assert_int_equal(verdict(&in).buys, 1);
	/* a free book costs the budget nothing */
	in = base();
	in.copies = 0;
	in.price = 0;
	in.budget = 0;
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
	assert_int_equal(verdict(&in).buys, 1);
}

/* --------------------------------------------------------------- queue */

static void test_queue_with_position(void **state)
{
	(void)state;
	lend_rule_input in = base();
	in.copies = 2;
	in.on_loan = 2;
	in.position = 3;
	expect(&in, LEND_VERDICT_QUEUE, LEND_REASON_NO_FREE_COPY);
	lend_rule_verdict v = verdict(&in);
	assert_non_null(strstr(v.message, "3"));
	/* already waiting */
	in.queued = 1;
	in.position = 2;
	expect(&in, LEND_VERDICT_QUEUE, LEND_REASON_NO_FREE_COPY);
	v = verdict(&in);
	assert_non_null(strstr(v.message, "2"));
	/* the queue hands off without the self-service limit: a reader past it
	 * still queues */
	in = base();
	in.on_loan = 1;
	in.self_loans = 3;
	in.position = 1;
	expect(&in, LEND_VERDICT_QUEUE, LEND_REASON_NO_FREE_COPY);
}

/* ------------------------------------------------------------- request */

static void test_request_max_loans(void **state)
{
	(void)state;
	lend_rule_input in = base();
	in.max_loans = 2;
	in.loans = 2;
	in.self_loans = 0;
	expect(&in, LEND_VERDICT_REQUEST, LEND_REASON_MAX_LOANS);
	assert_non_null(strstr(verdict(&in).message, "2 of 2"));
	in.copies = 0; /* also when the library would buy */
	expect(&in, LEND_VERDICT_REQUEST, LEND_REASON_MAX_LOANS);
	in.max_loans = 0;
	in.loans = 0;
	expect(&in, LEND_VERDICT_REQUEST, LEND_REASON_MAX_LOANS);
}

static void test_request_self_service_limit(void **state)
{
	(void)state;
	lend_rule_input in = base();
	in.self_loans = 3;
	in.loans = 3;
	expect(&in, LEND_VERDICT_REQUEST, LEND_REASON_SELF_SERVICE_LIMIT);
	assert_non_null(strstr(verdict(&in).message, "3 of 3"));
	in.copies = 0;
	expect(&in, LEND_VERDICT_REQUEST, LEND_REASON_SELF_SERVICE_LIMIT);
	/* loans from the queue or a librarian do not count as self-service */
	in = base();
	in.loans = 5;
	in.self_loans = 2;
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
}

static void test_request_monthly_quota(void **state)
{
	(void)state;
	lend_rule_input in = base();
	in.monthly_quota = 2;
	in.month_loans = 2;
	expect(&in, LEND_VERDICT_REQUEST, LEND_REASON_MONTHLY_QUOTA);
	assert_non_null(strstr(verdict(&in).message, "2 of 2"));
	in.copies = 0;
	expect(&in, LEND_VERDICT_REQUEST, LEND_REASON_MONTHLY_QUOTA);
	in.month_loans = 1;
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
}

static void test_request_copy_limit_zero(void **state)
{
	(void)state;
	lend_rule_input in = base();
	in.copies = 0;
	in.max_copies = 0;
	expect(&in, LEND_VERDICT_REQUEST, LEND_REASON_COPY_LIMIT);
}

static void test_request_too_expensive(void **state)
{
	(void)state;
	lend_rule_input in = base();
	in.copies = 0;
	in.price = 30001;
	in.max_self_price = 30000;
	expect(&in, LEND_VERDICT_REQUEST, LEND_REASON_TOO_EXPENSIVE);
	in.max_self_price = 0;
	expect(&in, LEND_VERDICT_REQUEST, LEND_REASON_TOO_EXPENSIVE);
	/* a price within the limit but over the budget asks for the budget */
	in.max_self_price = 30001;
	in.budget = 30000;
	expect(&in, LEND_VERDICT_REQUEST, LEND_REASON_BUDGET);
}

static void test_request_currency_mismatch(void **state)
{
	(void)state;
	lend_rule_input in = base();
	in.copies = 0;
	in.currency_matches = 0; /* the budget cannot pay a price in another currency */
	expect(&in, LEND_VERDICT_REQUEST, LEND_REASON_TOO_EXPENSIVE);
	/* a free copy in the fund does not care about the price's currency */
	in.copies = 1;
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
}

static void test_request_budget_short_by_one(void **state)
{
	(void)state;
	lend_rule_input in = base();
	in.copies = 0;
	in.price = 39900;
	in.budget = 39899;
	expect(&in, LEND_VERDICT_REQUEST, LEND_REASON_BUDGET);
	in.budget = 0;
	expect(&in, LEND_VERDICT_REQUEST, LEND_REASON_BUDGET);
	in.budget = 39900;
	expect(&in, LEND_VERDICT_TAKE, LEND_REASON_NONE);
}

/* --------------------------------------------------------------- yours */

static void test_already_yours(void **state)
{
	(void)state;
	lend_rule_input in = base();
	in.has_book = 1;
	expect(&in, LEND_VERDICT_YOURS, LEND_REASON_ALREADY_YOURS);
	/* whatever the fund and the limits */
	in.on_loan = 1;
	in.self_loans = 3;
	in.loans = 10;
	expect(&in, LEND_VERDICT_YOURS, LEND_REASON_ALREADY_YOURS);
	in.copies = 0;
	in.on_loan = 0;
	expect(&in, LEND_VERDICT_YOURS, LEND_REASON_ALREADY_YOURS);
}

/* -------------------------------------------------------------- policy */

static void add_row(lend_policy_rows *p, int64_t ticket, int kind, int setting, int64_t value)
{
	assert_true(p->n < LEND_POLICY_MAX);
	p->rows[p->n].ticket_id = ticket;
	p->rows[p->n].kind = kind;
	p->rows[p->n].setting = setting;
	p->rows[p->n].value = value;
	p->n++;
}

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(lend_rules_default(LEND_SETTING_LOAN_DAYS), 14);
	assert_int_equal(lend_rules_default(LEND_SETTING_SELF_SERVICE_LIMIT), 3);
	assert_int_equal(lend_rules_default(LEND_SETTING_MAX_LOANS), 10);
	assert_int_equal(lend_rules_default(LEND_SETTING_MAX_SELF_PRICE), LEND_UNLIMITED);
	assert_int_equal(lend_rules_default(LEND_SETTING_MAX_REQUESTS), 5);
	assert_int_equal(lend_rules_default(LEND_SETTING_MONTHLY_QUOTA), LEND_UNLIMITED);
	assert_int_equal(lend_rules_default(LEND_SETTING_MAX_COPIES), LEND_UNLIMITED);
	assert_int_equal(lend_rules_default(LEND_SETTING_HANDOFF_MODE), 0);
	assert_int_equal(lend_rules_default(LEND_SETTING_RESERVE_DAYS), 3);
	assert_int_equal(lend_rules_default(LEND_SETTING_RENEWALS), 0);
	assert_int_equal(lend_rules_default(LEND_SETTING_REMINDER_DAYS), 3);
	/* no rows: the defaults, not kind-specific */
	lend_policy_rows p;
	memset(&p, 0, sizeof p);
	int ks = 7;
	assert_int_equal(lend_rules_resolve(&p, 5, LEND_KIND_EBOOK, LEND_SETTING_SELF_SERVICE_LIMIT, &ks), 3);
	assert_int_equal(ks, 0);
	ks = 7;
	assert_int_equal(lend_rules_resolve(NULL, 5, LEND_KIND_AUDIOBOOK, LEND_SETTING_LOAN_DAYS, &ks), 14);
	assert_int_equal(ks, 0);
	assert_int_equal(lend_rules_resolve(&p, 0, LEND_KIND_EBOOK, LEND_SETTING_MAX_LOANS, NULL), 10);
}

static void test_resolve_precedence(void **state)
{
	(void)state;
	const int S = LEND_SETTING_SELF_SERVICE_LIMIT;
	const int64_t T = 5;
	/* every level present, listed least specific last, then first: order
	 * of the rows must not matter */
	for (int order = 0; order < 2; order++) {
		lend_policy_rows p;
		memset(&p, 0, sizeof p);
		/* noise: other settings, another ticket, another kind */
		add_row(&p, 0, 0, LEND_SETTING_MAX_LOANS, 99);
		add_row(&p, 6, 0, S, 60);
		add_row(&p, 6, LEND_KIND_EBOOK, S, 61);
		add_row(&p, T, LEND_KIND_AUDIOBOOK, S, 70);
		add_row(&p, 0, LEND_KIND_AUDIOBOOK, S, 71);
		if (order == 0) {
			add_row(&p, T, LEND_KIND_EBOOK, S, 4);
			add_row(&p, T, 0, S, 3);
			add_row(&p, 0, LEND_KIND_EBOOK, S, 2);
			add_row(&p, 0, 0, S, 1);
		} else {
			add_row(&p, 0, 0, S, 1);
			add_row(&p, 0, LEND_KIND_EBOOK, S, 2);
			add_row(&p, T, 0, S, 3);
			add_row(&p, T, LEND_KIND_EBOOK, S, 4);
		}
		int ks = -1;
		/* ticket+kind */
		assert_int_equal(lend_rules_resolve(&p, T, LEND_KIND_EBOOK, S, &ks), 4);
		assert_int_equal(ks, 1);
		/* the other kind: ticket+audiobook */
		assert_int_equal(lend_rules_resolve(&p, T, LEND_KIND_AUDIOBOOK, S, &ks), 70);
		assert_int_equal(ks, 1);
		/* the library's own view (ticket 0): library+kind */
		assert_int_equal(lend_rules_resolve(&p, 0, LEND_KIND_EBOOK, S, &ks), 2);
		assert_int_equal(ks, 1);
		/* kind ANY asks for the general value */
		assert_int_equal(lend_rules_resolve(&p, 0, LEND_KIND_ANY, S, &ks), 1);
		assert_int_equal(ks, 0);
		assert_int_equal(lend_rules_resolve(&p, T, LEND_KIND_ANY, S, &ks), 3);
		assert_int_equal(ks, 0);
		/* an unrelated ticket sees only the library's rows */
		assert_int_equal(lend_rules_resolve(&p, 7, LEND_KIND_EBOOK, S, &ks), 2);
		assert_int_equal(ks, 1);
	}

	/* peel the levels off one by one */
	lend_policy_rows p;
	memset(&p, 0, sizeof p);
	add_row(&p, 0, 0, S, 1);
	add_row(&p, 0, LEND_KIND_EBOOK, S, 2);
	add_row(&p, T, 0, S, 3);
	int ks = -1;
	/* ticket (general) beats library+kind */
	assert_int_equal(lend_rules_resolve(&p, T, LEND_KIND_EBOOK, S, &ks), 3);
	assert_int_equal(ks, 0);
	p.n = 2;
	assert_int_equal(lend_rules_resolve(&p, T, LEND_KIND_EBOOK, S, &ks), 2);
	assert_int_equal(ks, 1);
	p.n = 1;
	assert_int_equal(lend_rules_resolve(&p, T, LEND_KIND_EBOOK, S, &ks), 1);
	assert_int_equal(ks, 0);
	p.n = 0;
	assert_int_equal(lend_rules_resolve(&p, T, LEND_KIND_EBOOK, S, &ks), 3);
	assert_int_equal(ks, 0);
	/* unlimited is a value like any other */
	add_row(&p, T, LEND_KIND_EBOOK, S, LEND_UNLIMITED);
	assert_int_equal(lend_rules_resolve(&p, T, LEND_KIND_EBOOK, S, &ks), LEND_UNLIMITED);
	assert_int_equal(ks, 1);
}

static void test_value_ok(void **state)
{
	(void)state;
	assert_false(lend_rules_value_ok(0, 1));
	assert_false(lend_rules_value_ok(LEND_SETTING_COUNT + 1, 1));
	assert_false(lend_rules_value_ok(LEND_SETTING_LOAN_DAYS, 0));
	assert_false(lend_rules_value_ok(LEND_SETTING_LOAN_DAYS, LEND_UNLIMITED));
	assert_true(lend_rules_value_ok(LEND_SETTING_LOAN_DAYS, 1));
	assert_true(lend_rules_value_ok(LEND_SETTING_LOAN_DAYS, 14));
	assert_true(lend_rules_value_ok(LEND_SETTING_MAX_LOANS, LEND_UNLIMITED));
	assert_true(lend_rules_value_ok(LEND_SETTING_MAX_LOANS, 0));
	assert_false(lend_rules_value_ok(LEND_SETTING_MAX_LOANS, -2));
	assert_false(lend_rules_value_ok(LEND_SETTING_MAX_SELF_PRICE, INT64_MIN));
	assert_false(lend_rules_value_ok(LEND_SETTING_HANDOFF_MODE, 2));
	assert_false(lend_rules_value_ok(LEND_SETTING_RENEWALS, -1));
	assert_false(lend_rules_value_ok(LEND_SETTING_RESERVE_DAYS, 0));
}

/* ----------------------------------------------------------------- age */

static void test_age_boundaries(void **state)
{
	(void)state;
	/* the birthday exactly today */
	assert_true(lend_rules_age_ok(20080310, 18, 20260310));
	assert_false(lend_rules_age_ok(20080310, 18, 20260309));
	assert_true(lend_rules_age_ok(20080310, 18, 20260311));
	/* across a year end */
	assert_false(lend_rules_age_ok(20081231, 18, 20261230));
	assert_true(lend_rules_age_ok(20081231, 18, 20261231));
	assert_false(lend_rules_age_ok(20090101, 18, 20261231));
	/* 0+ for everyone, even without a birth date */
	assert_true(lend_rules_age_ok(0, 0, 20260310));
	assert_true(lend_rules_age_ok(20260310, 0, 20260310));
	assert_false(lend_rules_age_ok(0, 6, 20260310));
	assert_false(lend_rules_age_ok(0, 18, 20260310));
	/* every rating */
	int ratings[] = {6, 12, 16, 18};
	for (size_t i = 0; i < sizeof ratings / sizeof ratings[0]; i++) {
		int y = ratings[i];
		assert_true(lend_rules_age_ok((2026 - y) * 10000 + 310, y, 20260310));
		assert_false(lend_rules_age_ok((2026 - y) * 10000 + 311, y, 20260310));
	}
}

static void test_age_leap_day(void **state)
{
	(void)state;
	/* Born on 29 February 2008. In a leap year he comes of age on 29 Feb. */
	assert_false(lend_rules_age_ok(20080229, 16, 20240228));
	assert_true(lend_rules_age_ok(20080229, 16, 20240229));
	/* In a common year there is no 29 Feb: not yet on 28 Feb (a loan to a
	 * possibly younger reader must never happen, spec 10), of age on 1 Mar. */
	assert_false(lend_rules_age_ok(20080229, 18, 20260228));
	assert_true(lend_rules_age_ok(20080229, 18, 20260301));
	assert_true(lend_rules_age_ok(20080229, 18, 20260302));
	/* someone born on 28 Feb or 1 Mar is not affected */
	assert_true(lend_rules_age_ok(20080228, 18, 20260228));
	assert_false(lend_rules_age_ok(20080301, 18, 20260228));
	assert_true(lend_rules_age_ok(20080301, 18, 20260301));
}

/* ------------------------------------------------------------- hand-off */

static void test_handoff_eligibility(void **state)
{
	(void)state;
	lend_rule_input in = base();
	in.on_loan = 0; /* the freed copy */
	in.queued = 1;
	in.position = 1;
	assert_int_equal(lend_rules_handoff(&in), LEND_REASON_NONE);

	in.blocked = 1;
	assert_int_equal(lend_rules_handoff(&in), LEND_REASON_TICKET_BLOCKED);
	in = base();
	in.valid_until = NOW - 1;
	assert_int_equal(lend_rules_handoff(&in), LEND_REASON_TICKET_EXPIRED);
	in = base();
	in.age_rating = 18;
	in.birth_date = 20090101;
	assert_int_equal(lend_rules_handoff(&in), LEND_REASON_AGE);
	in = base();
	in.lendable = 0;
	assert_int_equal(lend_rules_handoff(&in), LEND_REASON_NOT_LENDABLE);
	in = base();
	in.loans = 10; /* at max loans */
	assert_int_equal(lend_rules_handoff(&in), LEND_REASON_MAX_LOANS);
	in.loans = 9;
	assert_int_equal(lend_rules_handoff(&in), LEND_REASON_NONE);
	in = base();
	in.monthly_quota = 1;
	in.month_loans = 1;
	assert_int_equal(lend_rules_handoff(&in), LEND_REASON_MONTHLY_QUOTA);
	in = base();
	in.has_book = 1;
	assert_int_equal(lend_rules_handoff(&in), LEND_REASON_ALREADY_YOURS);
	/* a queue hand-off is not self-service: the self-service limit and the
	 * price do not stop it */
	in = base();
	in.self_loans = 3;
	in.loans = 3;
	in.price = 1000000000;
	in.max_self_price = 0;
	in.budget = 0;
	assert_int_equal(lend_rules_handoff(&in), LEND_REASON_NONE);
}

/* -------------------------------------------------------- wait estimate */

static void test_wait_estimate(void **state)
{
	(void)state;
	const int64_t L = 14 * DAY;
	const int64_t D = NOW + 5 * DAY;
	int64_t one[] = {D};
	/* one copy due at D: the head gets it at D, each reader ahead keeps it
	 * a full loan period */
	assert_int_equal(lend_rules_wait_estimate(NOW, one, 1, 0, 0, L), D);
	assert_int_equal(lend_rules_wait_estimate(NOW, one, 1, 0, 1, L), D + L);
	assert_int_equal(lend_rules_wait_estimate(NOW, one, 1, 0, 2, L), D + 2 * L);

	/* two copies, in any order */
	const int64_t D1 = NOW + 3 * DAY, D2 = NOW + 10 * DAY;
	int64_t two[] = {D2, D1};
	assert_int_equal(lend_rules_wait_estimate(NOW, two, 2, 0, 0, L), D1);
	assert_int_equal(lend_rules_wait_estimate(NOW, two, 2, 0, 1, L), D2);
	assert_int_equal(lend_rules_wait_estimate(NOW, two, 2, 0, 2, L), D1 + L);
	assert_int_equal(lend_rules_wait_estimate(NOW, two, 2, 0, 3, L), D2 + L);
	assert_int_equal(lend_rules_wait_estimate(NOW, two, 2, 0, 4, L), D1 + 2 * L);

	/* a free copy now: now */
	assert_int_equal(lend_rules_wait_estimate(NOW, NULL, 0, 1, 0, L), NOW);
	assert_int_equal(lend_rules_wait_estimate(NOW, one, 1, 1, 0, L), NOW);
	assert_int_equal(lend_rules_wait_estimate(NOW, one, 1, 1, 1, L), D);
	assert_int_equal(lend_rules_wait_estimate(NOW, one, 1, 1, 2, L), NOW + L);

	/* a loan already past due (not yet ended) frees its copy now */
	int64_t late[] = {NOW - DAY};
	assert_int_equal(lend_rules_wait_estimate(NOW, late, 1, 0, 0, L), NOW);
	assert_int_equal(lend_rules_wait_estimate(NOW, late, 1, 0, 1, L), NOW + L);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_blocked),
		cmocka_unit_test(test_refused_expired),
		cmocka_unit_test(test_refused_not_lendable),
		cmocka_unit_test(test_refused_age),
		cmocka_unit_test(test_refused_not_released),
		cmocka_unit_test(test_take_from_fund),
		cmocka_unit_test(test_take_that_buys),
		cmocka_unit_test(test_queue_with_position),
		cmocka_unit_test(test_request_max_loans),
		cmocka_unit_test(test_request_self_service_limit),
		cmocka_unit_test(test_request_monthly_quota),
		cmocka_unit_test(test_request_copy_limit_zero),
		cmocka_unit_test(test_request_too_expensive),
		cmocka_unit_test(test_request_currency_mismatch),
		cmocka_unit_test(test_request_budget_short_by_one),
		cmocka_unit_test(test_already_yours),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_resolve_precedence),
		cmocka_unit_test(test_value_ok),
		cmocka_unit_test(test_age_boundaries),
		cmocka_unit_test(test_age_leap_day),
		cmocka_unit_test(test_handoff_eligibility),
		cmocka_unit_test(test_wait_estimate),
	};
	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
