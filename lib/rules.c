/* rules.c — the lending rules as pure decisions (spec sections 2, 3 and 6). */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>

#define RULE_API __attribute__((visibility("hidden")))

RULE_API int64_t lend_rules_default(int setting)
{
	switch (setting) {
	case LEND_SETTING_LOAN_DAYS: return 14;
	case LEND_SETTING_SELF_SERVICE_LIMIT: return 3;
	case LEND_SETTING_MAX_LOANS: return 10;
	case LEND_SETTING_MAX_SELF_PRICE: return LEND_UNLIMITED;
	case LEND_SETTING_MAX_REQUESTS: return 5;
	case LEND_SETTING_MONTHLY_QUOTA: return LEND_UNLIMITED;
	case LEND_SETTING_MAX_COPIES: return LEND_UNLIMITED;
	case LEND_SETTING_HANDOFF_MODE: return 0;
	case LEND_SETTING_RESERVE_DAYS: return 3;
	case LEND_SETTING_RENEWALS: return 0;
	case LEND_SETTING_REMINDER_DAYS: return 3;
	default: return 0;
	}
}

RULE_API int lend_rules_value_ok(int setting, int64_t value)
{
	if (setting < 1 || setting > LEND_SETTING_COUNT)
		return 0;
	switch (setting) {
	case LEND_SETTING_LOAN_DAYS: return value >= 1 && value <= 366;
	case LEND_SETTING_HANDOFF_MODE: return value == 0 || value == 1;
	case LEND_SETTING_RENEWALS: return value == 0 || value == 1;
	case LEND_SETTING_RESERVE_DAYS: return value >= 1 && value <= 30;
	case LEND_SETTING_REMINDER_DAYS: return value >= 0 && value <= 30;
	default: return value == LEND_UNLIMITED || (value >= 0 && value <= INT64_MAX / 4);
	}
}

RULE_API int64_t lend_rules_resolve(const lend_policy_rows *p, int64_t ticket_id, int kind, int setting,
                                    int *kind_specific)
{
	/* rank: 4 ticket+kind, 3 ticket, 2 library+kind, 1 library */
	int best = 0;
	int64_t value = lend_rules_default(setting);
	for (int i = 0; p && i < p->n; i++) {
		const lend_policy_row *r = &p->rows[i];
		if (r->setting != setting)
			continue;
		if (r->kind != 0 && r->kind != kind)
			continue;
		if (r->ticket_id != 0 && r->ticket_id != ticket_id)
			continue;
		int rank = (r->ticket_id != 0 ? 3 : 1) + (r->kind != 0 ? 1 : 0);
		if (rank > best) {
			best = rank;
			value = r->value;
		}
	}
	if (kind_specific)
		*kind_specific = (best == 4 || best == 2);
	return value;
}

RULE_API int lend_rules_age_ok(int birth_date, int years, int today)
{
	if (years <= 0)
		return 1;
	if (birth_date <= 0)
		return 0;
	/* YYYYMMDD arithmetic: the birthday in year Y+years is birth+years*10000. */
	return birth_date + years * 10000 <= today;
}

RULE_API int lend_rules_refusal(const lend_rule_input *in)
{
	if (in->blocked)
		return LEND_REASON_TICKET_BLOCKED;
	if ((in->valid_from && in->now < in->valid_from) || (in->valid_until && in->now >= in->valid_until))
		return LEND_REASON_TICKET_EXPIRED;
	if (!in->lendable)
		return LEND_REASON_NOT_LENDABLE;
	if (!lend_rules_age_ok(in->birth_date, in->age_rating, in->today))
		return LEND_REASON_AGE;
	if (in->release_at > in->now)
		return LEND_REASON_NOT_RELEASED;
	return LEND_REASON_NONE;
}

static int over(int64_t used, int64_t limit)
{
	return limit != LEND_UNLIMITED && used >= limit;
}

/* The limits that stop the reader's own taking; the first one hit. */
static int take_limit(const lend_rule_input *in, char *msg, size_t len)
{
	if (over(in->loans, in->max_loans)) {
		snprintf(msg, len, "loan limit reached (%lld of %lld books on loan)", (long long)in->loans,
		         (long long)in->max_loans);
		return LEND_REASON_MAX_LOANS;
	}
	if (over(in->self_loans, in->self_limit)) {
		snprintf(msg, len, "self-service limit reached (%lld of %lld); ask the librarian",
		         (long long)in->self_loans, (long long)in->self_limit);
		return LEND_REASON_SELF_SERVICE_LIMIT;
	}
	if (over(in->month_loans, in->monthly_quota)) {
		snprintf(msg, len, "monthly quota reached (%lld of %lld books this month)", (long long)in->month_loans,
		         (long long)in->monthly_quota);
		return LEND_REASON_MONTHLY_QUOTA;
	}
	return LEND_REASON_NONE;
}

static void set(lend_rule_verdict *out, int verdict, int reason)
{
	out->verdict = verdict;
	out->reason = reason;
}

RULE_API void lend_rules_verdict(const lend_rule_input *in, lend_rule_verdict *out)
{
	out->buys = 0;
	out->message[0] = '\0';
	int refusal = lend_rules_refusal(in);
	if (refusal != LEND_REASON_NONE) {
		set(out, LEND_VERDICT_REFUSED, refusal);
		snprintf(out->message, sizeof out->message, "refused: %s", lend_reason_string(refusal));
		return;
	}
	if (in->has_book) {
		set(out, LEND_VERDICT_YOURS, LEND_REASON_ALREADY_YOURS);
		snprintf(out->message, sizeof out->message, "the book is yours: open it");
		return;
	}
	char why[200];
	if (in->copies > 0 && in->on_loan < in->copies) {
		int r = take_limit(in, why, sizeof why);
		if (r != LEND_REASON_NONE) {
			set(out, LEND_VERDICT_REQUEST, r);
			snprintf(out->message, sizeof out->message, "%s", why);
			return;
		}
		set(out, LEND_VERDICT_TAKE, LEND_REASON_NONE);
		snprintf(out->message, sizeof out->message, "a copy is free: take it");
		return;
	}
	if (in->copies > 0) {
		set(out, LEND_VERDICT_QUEUE, LEND_REASON_NO_FREE_COPY);
		if (in->queued)
			snprintf(out->message, sizeof out->message, "you are number %d in the queue", in->position);
		else
			snprintf(out->message, sizeof out->message,
			         "every copy is on loan: join the queue as number %d", in->position);
		return;
	}
	/* Not in the fund: the reader's take would buy a copy. */
	int r = take_limit(in, why, sizeof why);
	if (r == LEND_REASON_NONE && in->max_copies == 0) {
		r = LEND_REASON_COPY_LIMIT;
		snprintf(why, sizeof why, "the library buys no copies of this title; ask the librarian");
	}
	if (r == LEND_REASON_NONE &&
	    (!in->currency_matches || (in->max_self_price != LEND_UNLIMITED && in->price > in->max_self_price))) {
		r = LEND_REASON_TOO_EXPENSIVE;
		snprintf(why, sizeof why, "the book costs more than the library buys on a reader's own take (%lld > %lld); ask the librarian",
		         (long long)in->price, (long long)in->max_self_price);
	}
	if (r == LEND_REASON_NONE && in->budget < in->price) {
		r = LEND_REASON_BUDGET;
		snprintf(why, sizeof why, "the library's budget does not cover the book (%lld left, %lld needed); ask the librarian",
		         (long long)in->budget, (long long)in->price);
	}
	if (r != LEND_REASON_NONE) {
		set(out, LEND_VERDICT_REQUEST, r);
		snprintf(out->message, sizeof out->message, "%s", why);
		return;
	}
	set(out, LEND_VERDICT_TAKE, LEND_REASON_NONE);
	out->buys = 1;
	snprintf(out->message, sizeof out->message, "the library will buy a copy for you: take it");
}

RULE_API int lend_rules_handoff(const lend_rule_input *in)
{
	int refusal = lend_rules_refusal(in);
	if (refusal != LEND_REASON_NONE)
		return refusal;
	if (in->has_book)
		return LEND_REASON_ALREADY_YOURS;
	if (over(in->loans, in->max_loans))
		return LEND_REASON_MAX_LOANS;
	if (over(in->month_loans, in->monthly_quota))
		return LEND_REASON_MONTHLY_QUOTA;
	return LEND_REASON_NONE;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

RULE_API int64_t lend_rules_wait_estimate(int64_t now, const int64_t *due, int n, int free_copies, int ahead,
                                          int64_t loan_secs)
{
	int copies = n + (free_copies > 0 ? free_copies : 0);
	if (copies <= 0)
		return 0;
	int64_t *t = malloc(sizeof *t * (size_t)copies);
	if (!t)
		return 0;
	for (int i = 0; i < copies; i++)
		t[i] = i < n ? (due[i] > now ? due[i] : now) : now;
	qsort(t, (size_t)copies, sizeof *t, cmp_i64);
	/* Each reader ahead takes the copy that frees first and keeps it a full
	 * loan period; t stays sorted by re-inserting the new free time. */
	for (int k = 0; k < ahead; k++) {
		int64_t next = t[0] + loan_secs;
		int i = 1;
		while (i < copies && t[i] < next) {
			t[i - 1] = t[i];
			i++;
		}
		t[i - 1] = next;
	}
	int64_t when = t[0];
	free(t);
	return when;
}
