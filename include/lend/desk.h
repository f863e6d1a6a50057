/* lend/desk.h — the librarian's desk: requests to the librarian, approvals against the budget,
 * denials, direct issue, reserve hand-off, renewals, licenses with terms.
 *
 * Included by lend.h; do not include it alone. */
#ifndef LEND_DESK_H
#define LEND_DESK_H

#ifndef LEND_H
#error "include lend.h, not lend/desk.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ requests */

enum lend_request_state {
	LEND_REQUEST_PENDING = 1,
	LEND_REQUEST_APPROVED = 2,
	LEND_REQUEST_DENIED = 3,
	LEND_REQUEST_CANCELLED = 4 /* by the reader */
};

/* How a request came about. */
enum lend_request_origin {
	LEND_REQUEST_BY_READER = 1, /* "ask the librarian" */
	LEND_REQUEST_DIRECT = 2     /* the record of a librarian's direct issue */
};

typedef struct lend_request lend_request;
typedef struct lend_requests lend_requests;

/* Ask the librarian for a book through one of the reader's tickets (the
 * reader himself or admin). Refused (LEND_EDENIED) with the reason: the
 * card's refusals (blocked, expired, age, ...), LEND_REASON_ALREADY_YOURS,
 * LEND_REASON_ALREADY_QUEUED, LEND_REASON_ALREADY_REQUESTED (a pending
 * request for the book exists), LEND_REASON_TOO_MANY_REQUESTS (the ticket's
 * max open requests). out is optional. */
LEND_EXTERN int lend_request_create(lend_engine *e, const lend_actor *a, int64_t ticket_id, int64_t book_id,
                                    lend_request **out);
/* Withdraw a pending request (the reader himself or admin); LEND_ESTATE
 * once it was decided. */
LEND_EXTERN int lend_request_cancel(lend_engine *e, const lend_actor *a, int64_t request_id);
/* One request (the reader, a librarian of its library, or admin). A
 * librarian also gets the decision context (below). */
LEND_EXTERN int lend_request_get(lend_engine *e, const lend_actor *a, int64_t request_id, lend_request **out);
/* A reader's requests across his libraries, oldest first; state 0 for every
 * state (pending, approved, denied with reason and words, cancelled, and
 * the records of books issued to him directly by a librarian). The reader,
 * a librarian (his libraries' requests only), or admin. */
LEND_EXTERN int lend_request_list(lend_engine *e, const lend_actor *a, int64_t reader_id, int state,
                                  lend_requests **out);
/* A library's pending requests, oldest first, each with the decision
 * context: the reader's limits and what is used of them, the book's price,
 * the copies held and on loan, the queue length and the remaining budget.
 * At most limit (1..1000). A librarian of the library or admin. */
LEND_EXTERN int lend_request_pending(lend_engine *e, const lend_actor *a, int64_t library_id, int limit,
                                     lend_requests **out);
/* Approve a pending request in one atomic step: a free copy is issued now
 * (origin LEND_ORIGIN_LIBRARIAN); a book not in the fund is bought from the
 * budget and issued; with every copy on loan the reader joins the queue.
 * Refused (LEND_EDENIED), changing nothing, when it cannot be honoured:
 * LEND_REASON_BUDGET, LEND_REASON_COPY_LIMIT, LEND_REASON_MAX_LOANS,
 * LEND_REASON_MONTHLY_QUOTA, the card's refusals, ... The reader is notified
 * (LEND_NOTE_REQUEST_APPROVED). A librarian of the library or admin. out
 * (optional) gets the decided request (its loan or queue place). */
LEND_EXTERN int lend_request_approve(lend_engine *e, const lend_actor *a, int64_t request_id, lend_request **out);
/* Deny a pending request with reason LEND_REASON_BUDGET,
 * LEND_REASON_TOO_MANY_REQUESTS, LEND_REASON_TOO_EXPENSIVE or
 * LEND_REASON_LIBRARIAN (then text, the librarian's words, is required);
 * text (<= 1000 bytes, may be NULL otherwise) is passed to the reader. The
 * reader is notified (LEND_NOTE_REQUEST_DENIED, detail reason= and text=). */
LEND_EXTERN int lend_request_deny(lend_engine *e, const lend_actor *a, int64_t request_id, int reason,
                                  const char *text);

LEND_EXTERN int64_t lend_request_id(const lend_request *r);
LEND_EXTERN int64_t lend_request_ticket_id(const lend_request *r);
LEND_EXTERN int64_t lend_request_reader_id(const lend_request *r);
LEND_EXTERN int64_t lend_request_library_id(const lend_request *r);
LEND_EXTERN int64_t lend_request_book_id(const lend_request *r);
LEND_EXTERN int lend_request_state(const lend_request *r);  /* lend_request_state */
LEND_EXTERN int lend_request_origin(const lend_request *r); /* lend_request_origin */
LEND_EXTERN int64_t lend_request_created_at(const lend_request *r);
LEND_EXTERN int64_t lend_request_decided_at(const lend_request *r); /* 0 while pending */
/* The deciding librarian's account (0: the administrator or undecided). */
LEND_EXTERN int64_t lend_request_decided_by(const lend_request *r);
/* DENIED: the reason; DIRECT with an override: the limit passed over. */
LEND_EXTERN int lend_request_reason(const lend_request *r);
/* The librarian's words, "" if none. */
LEND_EXTERN const char *lend_request_text(const lend_request *r);
LEND_EXTERN int64_t lend_request_loan_id(const lend_request *r); /* APPROVED: the loan, if issued */
LEND_EXTERN int64_t lend_request_hold_id(const lend_request *r); /* APPROVED: the queue place, if queued */
LEND_EXTERN int lend_request_overridden(const lend_request *r);  /* DIRECT: 1 if past the limits */
/* The decision context, present in lend_request_pending() and for staff in
 * lend_request_get() (else NULL / 0): the reader's effective limits for the
 * book's kind with what is used of each (borrowed from r), the book's price,
 * the copies the library holds and has on loan, the readers waiting in its
 * queue, and the library's remaining budget. */
LEND_EXTERN const lend_limits *lend_request_limits(const lend_request *r);
LEND_EXTERN int64_t lend_request_book_price(const lend_request *r);
LEND_EXTERN int lend_request_copies(const lend_request *r);
LEND_EXTERN int lend_request_on_loan(const lend_request *r);
LEND_EXTERN int lend_request_queue_length(const lend_request *r);
LEND_EXTERN int64_t lend_request_budget(const lend_request *r);
LEND_EXTERN void lend_request_free(lend_request *r);
LEND_EXTERN size_t lend_requests_count(const lend_requests *l);
LEND_EXTERN const lend_request *lend_requests_get(const lend_requests *l, size_t i);
LEND_EXTERN void lend_requests_free(lend_requests *l);

/* What is left of a counted limit of lend_limits_get() (self-service,
 * loans, requests, monthly quota): value - used, never below 0;
 * LEND_UNLIMITED for a limit without a value; 0 for a setting that counts
 * nothing. */
LEND_EXTERN int64_t lend_limits_left(const lend_limits *l, int setting);

/* --------------------------------------------------------- direct issue */

/* Issue a book to a reader without a request (a librarian of the ticket's
 * library or admin), origin LEND_ORIGIN_LIBRARIAN; a book not in the fund is
 * bought from the budget. Under the reader's max loans, monthly quota and the
 * max copies per title unless override is 1; the override is recorded (a
 * LEND_REQUEST_DIRECT record with lend_request_overridden() and the limit
 * passed over). The card's refusals (blocked, expired, age, not lendable)
 * and the budget are never overridden; with every copy on loan it is refused
 * with LEND_REASON_NO_FREE_COPY. note (<= 1000 bytes, may be NULL) is kept
 * with the record. out (optional) gets the loan. */
LEND_EXTERN int lend_issue(lend_engine *e, const lend_actor *a, int64_t ticket_id, int64_t book_id, int override,
                           const char *note, lend_loan **out);

/* ------------------------------------------------------------- renewals */

/* Extend an active loan once by one loan period where the policy allows it
 * (LEND_SETTING_RENEWALS = 1) and nobody waits for the book (the reader, a
 * librarian of the loan's library, or admin). Refused with
 * LEND_REASON_RENEWALS_OFF, LEND_REASON_ALREADY_RENEWED,
 * LEND_REASON_SOMEONE_WAITS or the card's refusals. out is optional. */
LEND_EXTERN int lend_renew(lend_engine *e, const lend_actor *a, int64_t loan_id, lend_loan **out);

/* -------------------------------------------------- reserve hand-off */

/* With LEND_SETTING_HANDOFF_MODE = 1 a freed copy is not issued to the first
 * eligible waiting reader at once but reserved for him for
 * LEND_SETTING_RESERVE_DAYS (LEND_NOTE_RESERVE_WAITING, detail reserve_id=
 * and expires_at=). He confirms (the loan starts, origin LEND_ORIGIN_QUEUE)
 * or lets it lapse: at its time, or at once with lend_reserve_decline(), he
 * leaves the queue (LEND_NOTE_RESERVE_LAPSED when it lapsed) and the copy
 * passes on. A reserved copy is not free for anyone else. */
enum lend_reserve_state {
	LEND_RESERVE_ACTIVE = 1,
	LEND_RESERVE_CONFIRMED = 2,
	LEND_RESERVE_LAPSED = 3,
	LEND_RESERVE_CANCELLED = 4 /* declined, or the reader left the queue */
};

typedef struct lend_reserve lend_reserve;
typedef struct lend_reserves lend_reserves;

/* Confirm a reservation (its reader or admin): the loan starts now. Refused
 * (nothing changed) when the reader is not eligible now (blocked card, max
 * loans, ...); LEND_ESTATE once it is no longer active. out is optional. */
LEND_EXTERN int lend_reserve_confirm(lend_engine *e, const lend_actor *a, int64_t reserve_id, lend_loan **out);
/* Let it go now (its reader or admin): he leaves the queue, the copy passes on. */
LEND_EXTERN int lend_reserve_decline(lend_engine *e, const lend_actor *a, int64_t reserve_id);
LEND_EXTERN int lend_reserve_get(lend_engine *e, const lend_actor *a, int64_t reserve_id, lend_reserve **out);
/* A reader's reservations, oldest first; active_only: the ones waiting for
 * his confirmation. The reader, a librarian (his libraries'), or admin. */
LEND_EXTERN int lend_reserve_list(lend_engine *e, const lend_actor *a, int64_t reader_id, int active_only,
                                  lend_reserves **out);
LEND_EXTERN int64_t lend_reserve_id(const lend_reserve *r);
LEND_EXTERN int64_t lend_reserve_library_id(const lend_reserve *r);
LEND_EXTERN int64_t lend_reserve_book_id(const lend_reserve *r);
LEND_EXTERN int64_t lend_reserve_hold_id(const lend_reserve *r);
LEND_EXTERN int64_t lend_reserve_ticket_id(const lend_reserve *r);
LEND_EXTERN int64_t lend_reserve_reader_id(const lend_reserve *r);
LEND_EXTERN int64_t lend_reserve_created_at(const lend_reserve *r);
LEND_EXTERN int64_t lend_reserve_expires_at(const lend_reserve *r);
LEND_EXTERN int lend_reserve_state(const lend_reserve *r); /* lend_reserve_state */
LEND_EXTERN int64_t lend_reserve_ended_at(const lend_reserve *r);
LEND_EXTERN int64_t lend_reserve_loan_id(const lend_reserve *r); /* CONFIRMED: the loan */
LEND_EXTERN void lend_reserve_free(lend_reserve *r);
LEND_EXTERN size_t lend_reserves_count(const lend_reserves *l);
LEND_EXTERN const lend_reserve *lend_reserves_get(const lend_reserves *l, size_t i);
LEND_EXTERN void lend_reserves_free(lend_reserves *l);

/* ------------------------------------------------ licenses with terms */

/* A fund entry may hold licenses with terms, like those of the ODL
 * standard, beside perpetual copies (lend_fund_add_copies, purchases): each
 * lends `copies` at once, until expires_at (0: no end), for `checkouts`
 * more loans (LEND_UNLIMITED: no limit). An expired or used-up license
 * lends no more (its running loans run to their end); a new loan runs on
 * the open license with a free copy that expires soonest, and on a
 * perpetual copy only when no license has one free. lend_fund_copies()
 * counts the copies that may be on loan now; lend_fund_remove_copies()
 * withdraws only perpetual copies. */
typedef struct lend_license lend_license;
typedef struct lend_licenses lend_licenses;

/* Add a license to a library's fund (admin or a librarian of the library);
 * waiting readers get its copies at once. *id_out (optional) gets its id. */
LEND_EXTERN int lend_license_add(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t book_id,
                                 int copies, int64_t expires_at, int64_t checkouts, int64_t *id_out);
/* The licenses of a fund entry, oldest first, open and closed (staff). */
LEND_EXTERN int lend_license_list(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t book_id,
                                  lend_licenses **out);
LEND_EXTERN int64_t lend_license_id(const lend_license *l);
LEND_EXTERN int64_t lend_license_library_id(const lend_license *l);
LEND_EXTERN int64_t lend_license_book_id(const lend_license *l);
LEND_EXTERN int lend_license_copies(const lend_license *l);
LEND_EXTERN int64_t lend_license_expires_at(const lend_license *l);     /* 0: no end */
LEND_EXTERN int64_t lend_license_checkouts_left(const lend_license *l); /* LEND_UNLIMITED: no limit */
LEND_EXTERN int64_t lend_license_created_at(const lend_license *l);
/* When it stopped lending (expired or used up), 0 while it lends. */
LEND_EXTERN int64_t lend_license_closed_at(const lend_license *l);
LEND_EXTERN int lend_license_on_loan(const lend_license *l); /* its loans running now */
LEND_EXTERN size_t lend_licenses_count(const lend_licenses *l);
LEND_EXTERN const lend_license *lend_licenses_get(const lend_licenses *l, size_t i);
LEND_EXTERN void lend_licenses_free(lend_licenses *l);

/* ---------------------------------------------------------- the ledger */

enum lend_ledger_kind {
	LEND_LEDGER_TOPUP = 1,
	LEND_LEDGER_PURCHASE = 2,
	LEND_LEDGER_CORRECTION = 3
};

typedef struct lend_ledger_entry lend_ledger_entry;
typedef struct lend_ledger lend_ledger;

/* Correct the budget by amount (non-zero, either sign) with a reason in
 * note (required, <= 500 bytes); never below zero (LEND_REASON_BUDGET).
 * Admin or a librarian of the library. */
LEND_EXTERN int lend_budget_correct(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t amount,
                                    const char *note);
/* The library's ledger entries with from <= at < to (to 0: no end), oldest
 * first. Admin or a librarian of the library. */
LEND_EXTERN int lend_ledger_list(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t from, int64_t to,
                                 lend_ledger **out);
LEND_EXTERN size_t lend_ledger_count(const lend_ledger *l);
LEND_EXTERN const lend_ledger_entry *lend_ledger_get(const lend_ledger *l, size_t i);
LEND_EXTERN void lend_ledger_free(lend_ledger *l);
LEND_EXTERN int64_t lend_ledger_entry_id(const lend_ledger_entry *x);
LEND_EXTERN int64_t lend_ledger_entry_at(const lend_ledger_entry *x);
LEND_EXTERN int64_t lend_ledger_entry_amount(const lend_ledger_entry *x); /* > 0 credits, < 0 spends */
LEND_EXTERN int lend_ledger_entry_kind(const lend_ledger_entry *x);      /* lend_ledger_kind */
LEND_EXTERN int64_t lend_ledger_entry_book_id(const lend_ledger_entry *x); /* purchases: the book */
/* The account that caused it, 0 for the administrator. */
LEND_EXTERN int64_t lend_ledger_entry_actor_id(const lend_ledger_entry *x);
/* Why: the top-up's note, or for a purchase what it was for ("bought on a
 * reader's self-service take", "bought on approval of request 12", "bought
 * for a direct issue", "copies bought by the library"). */
LEND_EXTERN const char *lend_ledger_entry_note(const lend_ledger_entry *x);
/* The balance right after this entry (the sum of the ledger up to it). */
LEND_EXTERN int64_t lend_ledger_entry_balance(const lend_ledger_entry *x);

#ifdef __cplusplus
}
#endif

#endif /* LEND_DESK_H */
