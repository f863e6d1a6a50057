/* lend.h — the host API of liblend, the lending engine of an online library.
 *
 * Conventions (see doc/embedding.md):
 *  - Every call returns a status (LEND_OK == 0); results come back through
 *    out-parameters, which are always last.
 *  - The last status, message and refusal reason of an engine live on the
 *    engine handle: lend_engine_errcode(), lend_engine_errmsg(),
 *    lend_engine_reason(). They are set by every call that takes an engine.
 *  - Every domain object is an opaque handle. Handles returned through an
 *    out-parameter are owned by the caller and freed with the matching
 *    lend_X_free(); lend_X_free(NULL) is a no-op. A const char * returned by
 *    a getter is borrowed: it lives as long as the handle it came from.
 *    A handle keeps what it needs alive, so handles may be freed in any order,
 *    before or after the engine.
 *  - Strings passed in are NUL-terminated UTF-8 and are copied; invalid UTF-8
 *    is refused with LEND_EINVAL and never stored.
 *  - Times are UTC seconds since the epoch (int64_t); money is int64_t minor
 *    units (kopecks, cents) beside an ISO 4217 currency code.
 *  - Ids are positive int64_t; 0 means "none".
 *
 * Threads: liblend has no global mutable state. An engine and every handle it
 * returned may be used by one thread at a time and may move between threads.
 * Separate engines on the same database are independent and may live in
 * separate threads or processes: the storage's locking keeps them consistent.
 * Callbacks (clock, notifier, storage) run synchronously on the calling thread.
 */
#ifndef LEND_H
#define LEND_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(LEND_BUILDING)
#define LEND_EXTERN __declspec(dllexport)
#elif defined(__GNUC__) && defined(LEND_BUILDING)
#define LEND_EXTERN __attribute__((visibility("default")))
#else
#define LEND_EXTERN
#endif

#define LEND_VERSION_MAJOR 0
#define LEND_VERSION_MINOR 1
#define LEND_VERSION_PATCH 0
#define LEND_VERSION_STRING "0.1.0"
/* MAJOR * 10000 + MINOR * 100 + PATCH */
#define LEND_VERSION_NUMBER 100

/* ---------------------------------------------------------------- status */

/* Status codes. Appended only: never renumbered or removed. */
enum lend_status {
	LEND_OK = 0,
	LEND_ERROR = 1,     /* an error with no more specific code */
	LEND_ENOTFOUND = 2, /* an id or key that does not exist */
	LEND_EINVAL = 3,    /* bad input: NULL, empty, too long, invalid UTF-8, out of range */
	LEND_EEXISTS = 4,   /* would duplicate something unique */
	LEND_EDENIED = 5,   /* refused by a lending rule: see lend_engine_reason() */
	LEND_EAUTH = 6,     /* authentication failed */
	LEND_EPERM = 7,     /* the actor may not do this */
	LEND_EBUSY = 8,     /* the storage stayed locked past the busy timeout */
	LEND_ESTORAGE = 9,  /* the storage failed; nothing was changed */
	LEND_ENOMEM = 10,   /* out of memory; nothing was changed */
	LEND_EUSER = 11,    /* a host callback failed; nothing was changed */
	LEND_ESTATE = 12    /* the object is not in a state that allows this */
};

/* Refusal reasons, set with LEND_EDENIED and in availability verdicts.
 * Appended only. */
enum lend_reason {
	LEND_REASON_NONE = 0,
	LEND_REASON_TICKET_BLOCKED = 1,
	LEND_REASON_TICKET_EXPIRED = 2,    /* outside the ticket's validity dates */
	LEND_REASON_NOT_LENDABLE = 3,      /* libraries may not lend this book */
	LEND_REASON_AGE = 4,               /* the reader is younger than the age rating */
	LEND_REASON_NOT_RELEASED = 5,      /* "coming soon": release date in the future */
	LEND_REASON_SELF_SERVICE_LIMIT = 6,
	LEND_REASON_MAX_LOANS = 7,
	LEND_REASON_TOO_EXPENSIVE = 8,     /* price above the max self-service price */
	LEND_REASON_BUDGET = 9,            /* the library's budget does not cover it */
	LEND_REASON_NO_FREE_COPY = 10,     /* every copy is on loan: join the queue */
	LEND_REASON_ALREADY_YOURS = 11,    /* the reader has this book already */
	LEND_REASON_ALREADY_QUEUED = 12,
	LEND_REASON_NOT_IN_FUND = 13,      /* the library holds no copy */
	LEND_REASON_TOO_MANY_REQUESTS = 14,
	LEND_REASON_MONTHLY_QUOTA = 15,
	LEND_REASON_COPY_LIMIT = 16,       /* max copies per title reached */
	LEND_REASON_COPIES_ON_LOAN = 17,   /* cannot own fewer copies than are on loan */
	LEND_REASON_FREE_COPY = 18,        /* a copy is free: take it instead of queueing */
	LEND_REASON_SUSPEND_TOO_LONG = 19, /* a queue place is suspended for a year at most */
	/* Values are grouped by area; each group appends within its block. */
	/* -- the librarian's desk: 20..39 */
	LEND_REASON_ALREADY_REQUESTED = 20, /* a request for this book is pending */
	LEND_REASON_RENEWALS_OFF = 21,      /* the library does not renew loans */
	LEND_REASON_ALREADY_RENEWED = 22,   /* a loan is renewed once at most */
	LEND_REASON_SOMEONE_WAITS = 23,     /* readers wait for the book: no renewal */
	LEND_REASON_LIBRARIAN = 24,         /* the librarian's own words */
	/* -- accounts and sign-in: 40..59 */
	LEND_REASON_SIGNIN_DELAYED = 40, /* failed sign-ins: wait before the next try */
	LEND_REASON_SIGNIN_LOCKED = 41,  /* too many failed sign-ins: locked for a while */
	LEND_REASON_CODE_EXPIRED = 42,   /* the one-time code expired or a newer one was sent */
	LEND_REASON_CODE_TRIES = 43,     /* the one-time code allows no more tries */
	LEND_REASON_BIRTH_DATE_DIFFERS = 44, /* accounts of different people cannot merge */
	/* -- the reader's shelf: 60..79 */
	LEND_REASON_BALANCE = 60,       /* the balance does not cover the price */
	LEND_REASON_ALREADY_BOUGHT = 61, /* the reader bought this book already */
	LEND_REASON_NOT_FOR_SALE = 62,  /* the book has no price */
	LEND_REASON_NO_ACCESS = 63,     /* neither on loan, nor bought, nor within the preview */
	/* -- the catalog: 80..99 */
};

/* Static English text of a status or a reason; never NULL. */
LEND_EXTERN const char *lend_strerror(int status);
LEND_EXTERN const char *lend_reason_string(int reason);

/* The library's version, at run time. */
LEND_EXTERN int lend_version(void);
LEND_EXTERN const char *lend_version_string(void);

/* ------------------------------------------------------------- constants */

enum lend_kind {
	LEND_KIND_ANY = 0, /* in policy settings: every kind of book */
	LEND_KIND_EBOOK = 1,
	LEND_KIND_AUDIOBOOK = 2
};

/* How a loan came about. */
enum lend_origin {
	LEND_ORIGIN_SELF = 1,      /* the reader's own "take" */
	LEND_ORIGIN_LIBRARIAN = 2, /* issued by a librarian */
	LEND_ORIGIN_QUEUE = 3      /* automatic hand-off from the queue */
};

/* How a loan ended. */
enum lend_end {
	LEND_END_NONE = 0,     /* still active */
	LEND_END_EXPIRED = 1,  /* ended by itself at its due time */
	LEND_END_RETURNED = 2, /* returned early by the reader */
	LEND_END_REVOKED = 3   /* ended by a librarian */
};

enum lend_hold_state {
	LEND_HOLD_WAITING = 1,
	LEND_HOLD_SERVED = 2, /* the reader got the book from the queue */
	LEND_HOLD_LEFT = 3    /* the reader left the queue */
};

/* The availability verdict for a (ticket, book): which button to show. */
enum lend_verdict {
	LEND_VERDICT_REFUSED = 0,
	LEND_VERDICT_TAKE = 1,
	LEND_VERDICT_QUEUE = 2,
	LEND_VERDICT_REQUEST = 3,
	LEND_VERDICT_YOURS = 4
};

/* Policy settings. Each is set per library (optionally per kind of book) and
 * may be overridden per ticket; the most specific value wins:
 * ticket+kind, ticket, library+kind, library, built-in default.
 * Appended only. */
enum lend_setting {
	LEND_SETTING_LOAN_DAYS = 1,          /* default 14 */
	LEND_SETTING_SELF_SERVICE_LIMIT = 2, /* default 3 */
	LEND_SETTING_MAX_LOANS = 3,          /* default 10 */
	LEND_SETTING_MAX_SELF_PRICE = 4,     /* minor units; default unlimited */
	LEND_SETTING_MAX_REQUESTS = 5,       /* default 5 */
	LEND_SETTING_MONTHLY_QUOTA = 6,      /* default unlimited */
	LEND_SETTING_MAX_COPIES = 7,         /* per title; default unlimited */
	LEND_SETTING_HANDOFF_MODE = 8,       /* 0 automatic issue (default) */
	LEND_SETTING_RESERVE_DAYS = 9,       /* default 3 */
	LEND_SETTING_RENEWALS = 10,          /* 0 off (default), 1 on */
	LEND_SETTING_REMINDER_DAYS = 11      /* default 3 */
};
#define LEND_SETTING_COUNT 11
#define LEND_UNLIMITED (-1)

enum lend_actor_kind {
	LEND_ACTOR_ADMIN = 1,     /* the host's administrator: provisioning */
	LEND_ACTOR_READER = 2,    /* a reader acting on his own account */
	LEND_ACTOR_LIBRARIAN = 3  /* staff of the libraries granted to him */
};

/* Notification kinds. Appended only. */
enum lend_note_kind {
	LEND_NOTE_LOAN_ISSUED = 1,
	LEND_NOTE_LOAN_ENDED = 2,
	LEND_NOTE_QUEUE_HANDOFF = 3,
	LEND_NOTE_LOAN_ENDING_SOON = 4,
	LEND_NOTE_REQUEST_APPROVED = 5,
	LEND_NOTE_REQUEST_DENIED = 6,
	LEND_NOTE_QUEUE_POSITION = 7,
	LEND_NOTE_RESERVE_WAITING = 8,
	LEND_NOTE_VERIFICATION_CODE = 9,
	LEND_NOTE_PASSWORD_RECOVERY = 10,
	LEND_NOTE_APP_ACTIVATION = 11,
	/* Values are grouped by area; each group appends within its block. */
	/* -- the librarian's desk: 20..39 */
	LEND_NOTE_LOAN_RENEWED = 20, /* detail: due_at=<new due time> */
	LEND_NOTE_RESERVE_LAPSED = 21, /* detail: reserve_id=<id>; the reader left the queue */
	/* -- accounts and sign-in: 40..59 */
	/* -- the reader's shelf: 60..79 */
	LEND_NOTE_BALANCE_CREDITED = 60,
	LEND_NOTE_BOOK_BOUGHT = 61,
	/* -- the catalog: 80..99 */
};
LEND_EXTERN const char *lend_note_kind_string(int kind);

/* --------------------------------------------------------------- handles */

typedef struct lend_engine lend_engine;
typedef struct lend_options lend_options;
typedef struct lend_actor lend_actor;
typedef struct lend_library lend_library;
typedef struct lend_reader lend_reader;
typedef struct lend_ticket lend_ticket;
typedef struct lend_book lend_book;
typedef struct lend_fund lend_fund;
typedef struct lend_loan lend_loan;
typedef struct lend_hold lend_hold;
typedef struct lend_queue lend_queue;
typedef struct lend_availability lend_availability;
typedef struct lend_limits lend_limits;
typedef struct lend_notification lend_notification;
typedef struct lend_report lend_report;
typedef struct lend_libraries lend_libraries;
typedef struct lend_tickets lend_tickets;
typedef struct lend_books lend_books;
typedef struct lend_funds lend_funds;
typedef struct lend_loans lend_loans;
typedef struct lend_holds lend_holds;
typedef struct lend_notifications lend_notifications;

/* Defined in lend/sys/storage.h and lend/sys/notifier.h. */
typedef struct lend_storage lend_storage;
typedef struct lend_notifier lend_notifier;

/* The host's clock: returns UTC seconds; a negative value means the clock
 * failed, and the call that read it returns LEND_EUSER having changed nothing. */
typedef int64_t (*lend_clock_fn)(void *userdata);

/* -------------------------------------------------------------- options */

/* Options for lend_engine_open(). The options are copied by the open call
 * and may be freed right after it. */
LEND_EXTERN int lend_options_new(lend_options **out);
LEND_EXTERN void lend_options_free(lend_options *opts);
/* Replace the clock (default: the system's UTC time). */
LEND_EXTERN int lend_options_set_clock(lend_options *opts, lend_clock_fn fn, void *userdata);
/* The notifier that lend_engine_deliver() hands notifications to. The struct
 * is copied; the engine calls notifier->free(userdata), if set, when it closes
 * (also when the open fails). */
LEND_EXTERN int lend_options_set_notifier(lend_options *opts, const lend_notifier *notifier);
/* Use a host's storage backend instead of SQLite; lend_engine_open() then
 * takes path == NULL. The struct is copied and the engine owns the userdata
 * from then on: it calls storage->free(userdata) when it closes. */
LEND_EXTERN int lend_options_set_storage(lend_options *opts, const lend_storage *storage);
/* How long to wait for a lock held by another engine (default 5000): SQLite's
 * busy timeout; PostgreSQL's lock_timeout, unless the connection sets one. */
LEND_EXTERN int lend_options_set_busy_timeout(lend_options *opts, int milliseconds);
/* How long a delivered notification stays in the outbox before
 * lend_engine_deliver() prunes it (default LEND_OUTBOX_RETENTION_DEFAULT,
 * 30 days; 0 keeps them for ever). Pending ones are never pruned. */
LEND_EXTERN int lend_options_set_outbox_retention(lend_options *opts, int64_t seconds);
#define LEND_OUTBOX_RETENTION_DEFAULT ((int64_t)30 * 86400)
/* How long a session lasts from its sign-in or activation (default
 * LEND_SESSION_LIFETIME_DEFAULT, 90 days; 0: until revoked). An actor bound
 * to an older session gets LEND_EPERM; see doc/security.md. */
LEND_EXTERN int lend_options_set_session_lifetime(lend_options *opts, int64_t seconds);
#define LEND_SESSION_LIFETIME_DEFAULT ((int64_t)90 * 86400)

/* --------------------------------------------------------------- engine */

/* Open an engine on the SQLite database at path (":memory:" for a private
 * in-memory one; a "file:" URI may name a VFS or mode=ro, see
 * doc/storage-backend.md), creating and migrating the schema as needed; on a
 * PostgreSQL server if path is a "postgresql://" or "postgres://" URI (see
 * lend/sys/postgres.h); or on the storage set in opts (then path must be
 * NULL). opts may be NULL.
 * *out is set even when the open fails (unless memory ran out), so that
 * lend_engine_errmsg() can say why; close it with lend_engine_close(). */
LEND_EXTERN int lend_engine_open(lend_engine **out, const char *path, const lend_options *opts);
/* Close the engine; NULL is a no-op. Handles it returned stay usable. */
LEND_EXTERN void lend_engine_close(lend_engine *e);

LEND_EXTERN int lend_engine_errcode(const lend_engine *e);
/* The last call's message; "" after a success. Lives until the next call on e. */
LEND_EXTERN const char *lend_engine_errmsg(const lend_engine *e);
/* The last call's refusal reason (lend_reason); LEND_REASON_NONE unless the
 * call returned LEND_EDENIED. */
LEND_EXTERN int lend_engine_reason(const lend_engine *e);
/* The engine's clock now. */
LEND_EXTERN int64_t lend_engine_now(lend_engine *e);

/* End every loan due by now, hand the freed copies to the queues, and pass
 * any idle copy to an eligible waiting reader. One transaction.
 * Counts are optional out-parameters. Every other call also ends the loans
 * that are due before it acts, so a late tick never shows stale state. */
LEND_EXTERN int lend_engine_tick(lend_engine *e, int64_t *loans_ended, int64_t *handoffs);

/* Deliver up to max (<= 0: all that are due) pending notifications to the
 * notifier, outside any transaction, and record the outcome. A notifier
 * failure never fails the call: the notification is retried later with
 * exponential backoff (1 minute doubling, at most 6 hours). *delivered
 * (optional) counts the successes. Then notifications delivered longer ago
 * than the outbox retention are pruned, up to 1,000 a call. */
LEND_EXTERN int lend_engine_deliver(lend_engine *e, int max, int *delivered);

/* Verify what must never happen (spec section 10) against the stored state.
 * Returns LEND_OK and a report; the report is empty when all is well. */
LEND_EXTERN int lend_engine_check(lend_engine *e, lend_report **out);
LEND_EXTERN size_t lend_report_count(const lend_report *r);
LEND_EXTERN const char *lend_report_get(const lend_report *r, size_t i);
LEND_EXTERN void lend_report_free(lend_report *r);

/* --------------------------------------------------------------- actors */

/* Every operation runs as an actor. Actors are small values independent of
 * the engine's lifetime. A librarian's rights are read from storage at each
 * call, so a revoked grant takes effect at once. */
LEND_EXTERN int lend_actor_admin(lend_engine *e, lend_actor **out);
/* A reader acting on his own account (ENOTFOUND if there is no such reader). */
LEND_EXTERN int lend_actor_reader(lend_engine *e, int64_t reader_id, lend_actor **out);
/* A librarian: an account granted at least one library (else EPERM). */
LEND_EXTERN int lend_actor_librarian(lend_engine *e, int64_t reader_id, lend_actor **out);
LEND_EXTERN void lend_actor_free(lend_actor *a);
LEND_EXTERN int lend_actor_kind(const lend_actor *a);
LEND_EXTERN int64_t lend_actor_reader_id(const lend_actor *a);

/* ------------------------------------------------------------ libraries */

/* A library draft for lend_library_add(), or a stored library. */
LEND_EXTERN int lend_library_new(lend_library **out);
LEND_EXTERN void lend_library_free(lend_library *lib);
LEND_EXTERN int lend_library_set_name(lend_library *lib, const char *name);       /* required, <= 200 bytes */
LEND_EXTERN int lend_library_set_address(lend_library *lib, const char *address); /* <= 500 bytes */
LEND_EXTERN int lend_library_set_contacts(lend_library *lib, const char *contacts);
LEND_EXTERN int lend_library_set_currency(lend_library *lib, const char *code); /* 3 capital letters; default "RUB" */
LEND_EXTERN int64_t lend_library_id(const lend_library *lib);
LEND_EXTERN const char *lend_library_name(const lend_library *lib);
LEND_EXTERN const char *lend_library_address(const lend_library *lib);
LEND_EXTERN const char *lend_library_contacts(const lend_library *lib);
LEND_EXTERN const char *lend_library_currency(const lend_library *lib);
LEND_EXTERN int64_t lend_library_budget(const lend_library *lib);

/* Connect a library (admin only). *id_out (optional) gets its id. */
LEND_EXTERN int lend_library_add(lend_engine *e, const lend_actor *a, const lend_library *lib, int64_t *id_out);
LEND_EXTERN int lend_library_get(lend_engine *e, const lend_actor *a, int64_t library_id, lend_library **out);
LEND_EXTERN int lend_library_list(lend_engine *e, const lend_actor *a, lend_libraries **out);
LEND_EXTERN size_t lend_libraries_count(const lend_libraries *l);
LEND_EXTERN const lend_library *lend_libraries_get(const lend_libraries *l, size_t i);
LEND_EXTERN void lend_libraries_free(lend_libraries *l);

/* Grant or revoke staff rights in a library to an account (admin only). */
LEND_EXTERN int lend_library_grant(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t reader_id);
LEND_EXTERN int lend_library_revoke(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t reader_id);

/* Top up the library's acquisition budget by amount > 0 minor units (admin or
 * a librarian of the library). Recorded in the budget ledger. */
LEND_EXTERN int lend_budget_add(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t amount, const char *note);

/* Library policy: kind is LEND_KIND_ANY or a specific kind; value is
 * LEND_UNLIMITED or >= 0 (admin or a librarian of the library). */
LEND_EXTERN int lend_policy_set(lend_engine *e, const lend_actor *a, int64_t library_id, int kind, int setting, int64_t value);
/* Remove a library-level value, falling back to the less specific one. */
LEND_EXTERN int lend_policy_clear(lend_engine *e, const lend_actor *a, int64_t library_id, int kind, int setting);
/* The library's effective value for a kind (no ticket overrides). */
LEND_EXTERN int lend_policy_get(lend_engine *e, const lend_actor *a, int64_t library_id, int kind, int setting, int64_t *value);

/* -------------------------------------------------------------- readers */

LEND_EXTERN int lend_reader_new(lend_reader **out);
LEND_EXTERN void lend_reader_free(lend_reader *r);
LEND_EXTERN int lend_reader_set_name(lend_reader *r, const char *name); /* required, <= 200 bytes */
/* Birth date (for age ratings). A reader with no birth date may borrow only
 * books rated 0+. */
LEND_EXTERN int lend_reader_set_birth_date(lend_reader *r, int year, int month, int day);
LEND_EXTERN int64_t lend_reader_id(const lend_reader *r);
LEND_EXTERN const char *lend_reader_name(const lend_reader *r);
/* YYYYMMDD, or 0 when unknown. */
LEND_EXTERN int lend_reader_birth_date(const lend_reader *r);

/* Register a reader (admin, or any librarian). */
LEND_EXTERN int lend_reader_add(lend_engine *e, const lend_actor *a, const lend_reader *r, int64_t *id_out);
/* The reader himself, a librarian of a library where he holds a ticket, or admin. */
LEND_EXTERN int lend_reader_get(lend_engine *e, const lend_actor *a, int64_t reader_id, lend_reader **out);

/* -------------------------------------------------------------- tickets */

/* Issue a library card (admin or a librarian of the library). number may be
 * NULL: the engine then generates a unique, human-friendly one
 * ("LLLL-NNNN-NNNN"). A number is unique within its library. */
LEND_EXTERN int lend_ticket_issue(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t reader_id,
                                  const char *number, lend_ticket **out);
LEND_EXTERN int lend_ticket_get(lend_engine *e, const lend_actor *a, int64_t ticket_id, lend_ticket **out);
/* All tickets of a reader, across libraries (a multi-library account). */
LEND_EXTERN int lend_ticket_list(lend_engine *e, const lend_actor *a, int64_t reader_id, lend_tickets **out);
LEND_EXTERN int lend_ticket_set_blocked(lend_engine *e, const lend_actor *a, int64_t ticket_id, int blocked);
/* Validity dates; 0 means open-ended. */
LEND_EXTERN int lend_ticket_set_validity(lend_engine *e, const lend_actor *a, int64_t ticket_id, int64_t valid_from,
                                         int64_t valid_until);
/* Per-ticket override of a policy setting (librarian of the library or admin). */
LEND_EXTERN int lend_ticket_set_limit(lend_engine *e, const lend_actor *a, int64_t ticket_id, int kind, int setting,
                                      int64_t value);
LEND_EXTERN int lend_ticket_clear_limit(lend_engine *e, const lend_actor *a, int64_t ticket_id, int kind, int setting);

LEND_EXTERN int64_t lend_ticket_id(const lend_ticket *t);
LEND_EXTERN int64_t lend_ticket_library_id(const lend_ticket *t);
LEND_EXTERN int64_t lend_ticket_reader_id(const lend_ticket *t);
LEND_EXTERN const char *lend_ticket_number(const lend_ticket *t);
LEND_EXTERN int64_t lend_ticket_valid_from(const lend_ticket *t);
LEND_EXTERN int64_t lend_ticket_valid_until(const lend_ticket *t);
LEND_EXTERN int lend_ticket_blocked(const lend_ticket *t);
LEND_EXTERN void lend_ticket_free(lend_ticket *t);
LEND_EXTERN size_t lend_tickets_count(const lend_tickets *l);
LEND_EXTERN const lend_ticket *lend_tickets_get(const lend_tickets *l, size_t i);
LEND_EXTERN void lend_tickets_free(lend_tickets *l);

/* Effective limits of a ticket for a kind of book, and what is used of each. */
LEND_EXTERN int lend_limits_get(lend_engine *e, const lend_actor *a, int64_t ticket_id, int kind, lend_limits **out);
/* The effective value of a setting (LEND_UNLIMITED or >= 0). */
LEND_EXTERN int64_t lend_limits_value(const lend_limits *l, int setting);
/* How much of a counted limit is used (self-service, loans, requests,
 * monthly quota); 0 for settings that count nothing. */
LEND_EXTERN int64_t lend_limits_used(const lend_limits *l, int setting);
/* A sentence such as "2 of 3 self-service books used, 2 of 10 loans, ...". */
LEND_EXTERN const char *lend_limits_summary(const lend_limits *l);
LEND_EXTERN void lend_limits_free(lend_limits *l);

/* ---------------------------------------------------------------- books */

/* A book draft for lend_book_add(), or a stored book. */
LEND_EXTERN int lend_book_new(lend_book **out);
LEND_EXTERN void lend_book_free(lend_book *b);
LEND_EXTERN int lend_book_set_title(lend_book *b, const char *title); /* required, <= 1000 bytes */
LEND_EXTERN int lend_book_set_kind(lend_book *b, int kind);           /* default LEND_KIND_EBOOK */
/* Append an author (in order; narrators of audiobooks follow). <= 64 authors of <= 300 bytes each. */
LEND_EXTERN int lend_book_add_author(lend_book *b, const char *name);
LEND_EXTERN int lend_book_set_age_rating(lend_book *b, int years); /* 0, 6, 12, 16 or 18 */
LEND_EXTERN int lend_book_set_price(lend_book *b, int64_t amount, const char *currency); /* amount >= 0 */
LEND_EXTERN int lend_book_set_lendable(lend_book *b, int lendable); /* default 1 */
LEND_EXTERN int lend_book_set_release_at(lend_book *b, int64_t when); /* 0: released */

LEND_EXTERN int64_t lend_book_id(const lend_book *b);
LEND_EXTERN const char *lend_book_title(const lend_book *b);
LEND_EXTERN int lend_book_kind(const lend_book *b);
LEND_EXTERN size_t lend_book_author_count(const lend_book *b);
LEND_EXTERN const char *lend_book_author(const lend_book *b, size_t i); /* NULL past the end */
LEND_EXTERN int lend_book_age_rating(const lend_book *b);
LEND_EXTERN int64_t lend_book_price(const lend_book *b);
LEND_EXTERN const char *lend_book_currency(const lend_book *b);
LEND_EXTERN int lend_book_lendable(const lend_book *b);
LEND_EXTERN int64_t lend_book_release_at(const lend_book *b);

/* Add a title to the shared catalog (admin only). */
LEND_EXTERN int lend_book_add(lend_engine *e, const lend_actor *a, const lend_book *b, int64_t *id_out);
/* Replace a stored title's metadata with b's (admin only; b's id names it). */
LEND_EXTERN int lend_book_update(lend_engine *e, const lend_actor *a, const lend_book *b);
LEND_EXTERN int lend_book_get(lend_engine *e, const lend_actor *a, int64_t book_id, lend_book **out);
/* Books in id order after after_id, at most limit (1..1000). */
LEND_EXTERN int lend_book_list(lend_engine *e, const lend_actor *a, int64_t after_id, int limit, lend_books **out);
LEND_EXTERN size_t lend_books_count(const lend_books *l);
LEND_EXTERN const lend_book *lend_books_get(const lend_books *l, size_t i);
LEND_EXTERN void lend_books_free(lend_books *l);

/* ----------------------------------------------------------------- fund */

/* Add copies (licenses) of a book to a library's fund without spending the
 * budget, e.g. a donation or a license bought elsewhere (admin or librarian).
 * Freed copies go to the queue at once. */
LEND_EXTERN int lend_fund_add_copies(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t book_id,
                                     int copies);
/* Buy copies from the library's budget at the book's price (admin or
 * librarian). Refused with LEND_REASON_BUDGET or LEND_REASON_COPY_LIMIT. */
LEND_EXTERN int lend_fund_buy_copies(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t book_id,
                                     int copies);
/* Withdraw copies; never below the number on loan (LEND_REASON_COPIES_ON_LOAN). */
LEND_EXTERN int lend_fund_remove_copies(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t book_id,
                                        int copies);
LEND_EXTERN int lend_fund_get(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t book_id,
                              lend_fund **out);
/* A library's fund in book-id order after after_book_id, at most limit (1..1000). */
LEND_EXTERN int lend_fund_list(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t after_book_id,
                               int limit, lend_funds **out);
LEND_EXTERN int64_t lend_fund_library_id(const lend_fund *f);
LEND_EXTERN int64_t lend_fund_book_id(const lend_fund *f);
LEND_EXTERN int lend_fund_copies(const lend_fund *f);
LEND_EXTERN int lend_fund_on_loan(const lend_fund *f);
LEND_EXTERN int lend_fund_waiting(const lend_fund *f); /* readers in the queue */
LEND_EXTERN void lend_fund_free(lend_fund *f);
LEND_EXTERN size_t lend_funds_count(const lend_funds *l);
LEND_EXTERN const lend_fund *lend_funds_get(const lend_funds *l, size_t i);
LEND_EXTERN void lend_funds_free(lend_funds *l);

/* ---------------------------------------------------------- circulation */

/* The one availability verdict for a ticket and a book (the reader himself,
 * a librarian of the ticket's library, or admin). */
LEND_EXTERN int lend_availability_get(lend_engine *e, const lend_actor *a, int64_t ticket_id, int64_t book_id,
                                      lend_availability **out);
LEND_EXTERN int lend_availability_verdict(const lend_availability *v); /* lend_verdict */
/* Why: the refusal reason for REFUSED, what forces a request for REQUEST. */
LEND_EXTERN int lend_availability_reason(const lend_availability *v);
LEND_EXTERN const char *lend_availability_message(const lend_availability *v);
/* TAKE: 1 when the library would buy a copy into its fund first. */
LEND_EXTERN int lend_availability_buys(const lend_availability *v);
/* QUEUE: the (would-be) position, 1-based, and the estimated date the book
 * comes to the reader; also set when the reader already waits. */
LEND_EXTERN int lend_availability_position(const lend_availability *v);
LEND_EXTERN int64_t lend_availability_wait_until(const lend_availability *v);
LEND_EXTERN int lend_availability_queued(const lend_availability *v); /* 1 if already in the queue */
/* YOURS: the active loan's id. */
LEND_EXTERN int64_t lend_availability_loan_id(const lend_availability *v);
LEND_EXTERN void lend_availability_free(lend_availability *v);

/* Take a book on a ticket: from a free copy, or buying one copy into the fund
 * within the max self-service price and the budget, in one atomic step.
 * The reader himself or admin. LEND_EDENIED with the reason otherwise
 * (LEND_REASON_NO_FREE_COPY means: join the queue). out is optional. */
LEND_EXTERN int lend_take(lend_engine *e, const lend_actor *a, int64_t ticket_id, int64_t book_id, lend_loan **out);
/* Return a loan early (the reader, a librarian of its library, or admin). */
LEND_EXTERN int lend_return(lend_engine *e, const lend_actor *a, int64_t loan_id);
LEND_EXTERN int lend_loan_get(lend_engine *e, const lend_actor *a, int64_t loan_id, lend_loan **out);
/* A reader's loans across all his libraries, active first, then newest first;
 * active_only limits to current loans. */
LEND_EXTERN int lend_loan_list(lend_engine *e, const lend_actor *a, int64_t reader_id, int active_only,
                               lend_loans **out);
LEND_EXTERN int64_t lend_loan_id(const lend_loan *l);
LEND_EXTERN int64_t lend_loan_ticket_id(const lend_loan *l);
LEND_EXTERN int64_t lend_loan_reader_id(const lend_loan *l);
LEND_EXTERN int64_t lend_loan_library_id(const lend_loan *l);
LEND_EXTERN int64_t lend_loan_book_id(const lend_loan *l);
LEND_EXTERN int lend_loan_origin(const lend_loan *l);
LEND_EXTERN int64_t lend_loan_issued_at(const lend_loan *l);
LEND_EXTERN int64_t lend_loan_due_at(const lend_loan *l);
LEND_EXTERN int64_t lend_loan_ended_at(const lend_loan *l); /* 0 while active */
LEND_EXTERN int lend_loan_end_reason(const lend_loan *l);
LEND_EXTERN void lend_loan_free(lend_loan *l);
LEND_EXTERN size_t lend_loans_count(const lend_loans *l);
LEND_EXTERN const lend_loan *lend_loans_get(const lend_loans *l, size_t i);
LEND_EXTERN void lend_loans_free(lend_loans *l);

/* ---------------------------------------------------------------- queue */

/* Join the queue for a book whose copies are all on loan (the reader or
 * admin). Refused with LEND_REASON_FREE_COPY when a copy is free,
 * LEND_REASON_NOT_IN_FUND, LEND_REASON_ALREADY_QUEUED, ... out is optional. */
LEND_EXTERN int lend_queue_join(lend_engine *e, const lend_actor *a, int64_t ticket_id, int64_t book_id,
                                lend_hold **out);
LEND_EXTERN int lend_queue_leave(lend_engine *e, const lend_actor *a, int64_t hold_id);
/* Let the next readers go first until `until` (at most a year from now): the
 * place keeps advancing but is skipped at hand-off. */
LEND_EXTERN int lend_queue_suspend(lend_engine *e, const lend_actor *a, int64_t hold_id, int64_t until);
LEND_EXTERN int lend_queue_resume(lend_engine *e, const lend_actor *a, int64_t hold_id);
LEND_EXTERN int lend_hold_get(lend_engine *e, const lend_actor *a, int64_t hold_id, lend_hold **out);
/* A reader's waiting places across all his libraries. */
LEND_EXTERN int lend_hold_list(lend_engine *e, const lend_actor *a, int64_t reader_id, lend_holds **out);
/* The waiting queue of a book in a library, first first (librarian or admin). */
LEND_EXTERN int lend_queue_get(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t book_id,
                               lend_queue **out);
LEND_EXTERN int64_t lend_queue_library_id(const lend_queue *q);
LEND_EXTERN int64_t lend_queue_book_id(const lend_queue *q);
LEND_EXTERN size_t lend_queue_length(const lend_queue *q);
LEND_EXTERN const lend_hold *lend_queue_hold(const lend_queue *q, size_t i);
LEND_EXTERN void lend_queue_free(lend_queue *q);

LEND_EXTERN int64_t lend_hold_id(const lend_hold *h);
LEND_EXTERN int64_t lend_hold_library_id(const lend_hold *h);
LEND_EXTERN int64_t lend_hold_book_id(const lend_hold *h);
LEND_EXTERN int64_t lend_hold_ticket_id(const lend_hold *h);
LEND_EXTERN int64_t lend_hold_reader_id(const lend_hold *h);
LEND_EXTERN int64_t lend_hold_joined_at(const lend_hold *h);
LEND_EXTERN int lend_hold_state(const lend_hold *h);
LEND_EXTERN int64_t lend_hold_suspended_until(const lend_hold *h); /* 0: not suspended */
LEND_EXTERN int lend_hold_position(const lend_hold *h);           /* 1-based while waiting, else 0 */
LEND_EXTERN int64_t lend_hold_wait_until(const lend_hold *h);     /* estimate while waiting, else 0 */
LEND_EXTERN int64_t lend_hold_loan_id(const lend_hold *h);        /* the loan it turned into, if served */
LEND_EXTERN void lend_hold_free(lend_hold *h);
LEND_EXTERN size_t lend_holds_count(const lend_holds *l);
LEND_EXTERN const lend_hold *lend_holds_get(const lend_holds *l, size_t i);
LEND_EXTERN void lend_holds_free(lend_holds *l);

/* -------------------------------------------------------- notifications */

/* A notification, as the notifier receives it and as the outbox lists it. */
LEND_EXTERN int64_t lend_notification_id(const lend_notification *n);
/* A stable unique id (UUID) for the host to deduplicate deliveries on. */
LEND_EXTERN const char *lend_notification_uuid(const lend_notification *n);
LEND_EXTERN int lend_notification_kind(const lend_notification *n);
LEND_EXTERN int64_t lend_notification_reader_id(const lend_notification *n);
LEND_EXTERN int64_t lend_notification_library_id(const lend_notification *n);
LEND_EXTERN int64_t lend_notification_book_id(const lend_notification *n);
LEND_EXTERN int64_t lend_notification_loan_id(const lend_notification *n);
LEND_EXTERN int64_t lend_notification_created_at(const lend_notification *n);
/* Extra detail (a due date, a reason), "" if none. */
LEND_EXTERN const char *lend_notification_detail(const lend_notification *n);
LEND_EXTERN int lend_notification_attempts(const lend_notification *n);
LEND_EXTERN int64_t lend_notification_delivered_at(const lend_notification *n); /* 0: pending */

/* The outbox (admin only): pending_only = 1 lists the undelivered ones.
 * At most limit (1..10000), oldest first. */
LEND_EXTERN int lend_outbox_list(lend_engine *e, const lend_actor *a, int pending_only, int limit,
                                 lend_notifications **out);
LEND_EXTERN size_t lend_notifications_count(const lend_notifications *l);
LEND_EXTERN const lend_notification *lend_notifications_get(const lend_notifications *l, size_t i);
LEND_EXTERN void lend_notifications_free(lend_notifications *l);

#ifdef __cplusplus
}
#endif

/* Each area of the API in a header of its own. */
#include "lend/desk.h"     /* the librarian's desk: requests, approvals, licenses */
#include "lend/accounts.h" /* accounts and sign-in */
#include "lend/catalog.h"  /* the catalog: metadata, import, listings, ratings */
#include "lend/search.h"   /* search as you type */
#include "lend/shelf.h"    /* the reader's shelf */

#endif /* LEND_H */
