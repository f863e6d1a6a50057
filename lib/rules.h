/* rules.h — the lending rules as pure functions of plain data (no storage). */
#ifndef LEND_RULES_H
#define LEND_RULES_H

#include <stdint.h>

#include "lend.h"

/* Policy rows that apply to one ticket: the library's and the ticket's own. */
#define LEND_POLICY_MAX 96
typedef struct lend_policy_row {
	int64_t ticket_id; /* 0: the library's */
	int kind;          /* 0: every kind */
	int setting;
	int64_t value;
} lend_policy_row;
typedef struct lend_policy_rows {
	lend_policy_row rows[LEND_POLICY_MAX];
	int n;
} lend_policy_rows;

/* The built-in default of a setting. */
int64_t lend_rules_default(int setting);
/* The effective value for a ticket and a kind of book: ticket+kind, ticket,
 * library+kind, library, default. *kind_specific (optional) is set to 1 when
 * the winning value is specific to the kind, so that counting against it
 * counts only books of that kind. */
int64_t lend_rules_resolve(const lend_policy_rows *p, int64_t ticket_id, int kind, int setting, int *kind_specific);
/* Is value acceptable for setting? */
int lend_rules_value_ok(int setting, int64_t value);

/* What the verdict depends on. */
typedef struct lend_rule_input {
	int64_t now;
	int today; /* YYYYMMDD of now */
	/* ticket and reader */
	int blocked;
	int64_t valid_from, valid_until;
	int birth_date; /* YYYYMMDD, 0 unknown */
	/* book */
	int lendable;
	int age_rating;
	int64_t release_at;
	int64_t price;
	int currency_matches; /* the book's price is in the library's currency */
	/* effective limits for this ticket and the book's kind */
	int64_t max_loans, self_limit, max_self_price, monthly_quota, max_copies;
	/* usage, counted as the limits' scope says */
	int64_t loans, self_loans, month_loans;
	int has_book; /* an active loan of this book, in any library */
	/* fund and queue */
	int copies, on_loan;
	int64_t budget;
	int queued; /* the reader waits for this book here */
	int position; /* his place if queued, else the would-be place */
	int suspended; /* his place is suspended now */
} lend_rule_input;

typedef struct lend_rule_verdict {
	int verdict; /* lend_verdict */
	int reason;  /* lend_reason */
	int buys;
	char message[256];
} lend_rule_verdict;

/* Is the reader at least `years` old on `today`? Unknown birth: only 0+. */
int lend_rules_age_ok(int birth_date, int years, int today);
/* The refusals that hold whatever the fund: blocked, expired, not lendable,
 * age, not released. Returns the reason or LEND_REASON_NONE. */
int lend_rules_refusal(const lend_rule_input *in);
/* The one availability verdict (spec section 3). */
void lend_rules_verdict(const lend_rule_input *in, lend_rule_verdict *out);
/* May a waiting reader get a freed copy now (spec section 6)? Returns
 * LEND_REASON_NONE or the reason he is passed over. */
int lend_rules_handoff(const lend_rule_input *in);

/* The estimated time the reader `ahead` active places behind the head gets a
 * copy: due[] are the due times of the loans of the title (any order, n of
 * them), free_copies copies are free now, loan_secs is the loan period.
 * Each reader ahead is assumed to keep his copy a full loan period. */
int64_t lend_rules_wait_estimate(int64_t now, const int64_t *due, int n, int free_copies, int ahead,
                                 int64_t loan_secs);

#endif
