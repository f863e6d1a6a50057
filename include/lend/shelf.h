/* lend/shelf.h — the reader's shelf: My books across libraries, balance and buying, reading
 * state, offline grants, reminders, preferences and notification texts.
 * See doc/shelf.md.
 *
 * Included by lend.h; do not include it alone. */
#ifndef LEND_SHELF_H
#define LEND_SHELF_H

#ifndef LEND_H
#error "include lend.h, not lend/shelf.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lend_shelf lend_shelf;
typedef struct lend_shelf_item lend_shelf_item;
typedef struct lend_cabinet lend_cabinet;
typedef struct lend_purchase lend_purchase;
typedef struct lend_deferreds lend_deferreds;
typedef struct lend_reading lend_reading;
typedef struct lend_bookmarks lend_bookmarks;
typedef struct lend_offline lend_offline;
typedef struct lend_offlines lend_offlines;
typedef struct lend_prefs lend_prefs;

/* ---------------------------------------------------------- My books */

/* Sections of the shelf, in the order a whole shelf lists them. */
enum lend_shelf_section {
	LEND_SHELF_ALL = 0,      /* in a query: every section */
	LEND_SHELF_LOANS = 1,    /* current loans, in the order they were issued */
	LEND_SHELF_QUEUE = 2,    /* waiting places, by joining */
	LEND_SHELF_REQUESTS = 3, /* requests to the librarian: pending, and denied with the reason, by asking */
	LEND_SHELF_BOUGHT = 4,   /* bought books, by purchase */
	LEND_SHELF_DEFERRED = 5, /* put aside, by adding */
	LEND_SHELF_HISTORY = 6   /* every loan ever: current first, then newest first */
};

/* One page of a reader's shelf across all his libraries and tickets (the
 * reader himself or admin; a librarian sees the items of his libraries).
 * section: a lend_shelf_section; kind: LEND_KIND_ANY or a kind; library_id 0:
 * every library (bought and deferred books belong to no library and are
 * left out when a library is named). after: 0 for the first page, then
 * lend_shelf_next() of the previous page (keyset: items added meanwhile
 * never shift a page). limit 1..1000. */
LEND_EXTERN int lend_shelf_get(lend_engine *e, const lend_actor *a, int64_t reader_id, int section, int kind,
                               int64_t library_id, int64_t after, int limit, lend_shelf **out);
LEND_EXTERN size_t lend_shelf_count(const lend_shelf *s);
LEND_EXTERN const lend_shelf_item *lend_shelf_get_item(const lend_shelf *s, size_t i);
/* The cursor for the next page; 0 when this page is the last. */
LEND_EXTERN int64_t lend_shelf_next(const lend_shelf *s);
LEND_EXTERN void lend_shelf_free(lend_shelf *s);

LEND_EXTERN int lend_shelf_item_section(const lend_shelf_item *it);
LEND_EXTERN int64_t lend_shelf_item_book_id(const lend_shelf_item *it);
LEND_EXTERN int lend_shelf_item_kind(const lend_shelf_item *it); /* the book's lend_kind */
LEND_EXTERN int64_t lend_shelf_item_library_id(const lend_shelf_item *it); /* 0 for bought and deferred */
LEND_EXTERN int64_t lend_shelf_item_ticket_id(const lend_shelf_item *it);
/* LOANS and HISTORY: the loan, its origin, times and end. */
LEND_EXTERN int64_t lend_shelf_item_loan_id(const lend_shelf_item *it);
LEND_EXTERN int lend_shelf_item_origin(const lend_shelf_item *it);
LEND_EXTERN int64_t lend_shelf_item_since(const lend_shelf_item *it); /* issued, joined, bought or added */
LEND_EXTERN int64_t lend_shelf_item_due_at(const lend_shelf_item *it);
/* Whole days left until the due time, rounded up; 0 once due. */
LEND_EXTERN int lend_shelf_item_days_left(const lend_shelf_item *it);
LEND_EXTERN int64_t lend_shelf_item_ended_at(const lend_shelf_item *it);
LEND_EXTERN int lend_shelf_item_end_reason(const lend_shelf_item *it);
/* QUEUE: the place, its position, the estimate and suspension. */
LEND_EXTERN int64_t lend_shelf_item_hold_id(const lend_shelf_item *it);
LEND_EXTERN int lend_shelf_item_position(const lend_shelf_item *it);
LEND_EXTERN int64_t lend_shelf_item_wait_until(const lend_shelf_item *it);
LEND_EXTERN int64_t lend_shelf_item_suspended_until(const lend_shelf_item *it); /* 0: not suspended */
/* BOUGHT: the price paid. */
LEND_EXTERN int64_t lend_shelf_item_price(const lend_shelf_item *it);
LEND_EXTERN const char *lend_shelf_item_currency(const lend_shelf_item *it); /* "" unless bought */
/* Requests: the request (lend_request_get() gives the librarian's words),
 * its lend_request_state, and a denial's lend_reason (else 0). */
LEND_EXTERN int64_t lend_shelf_item_request_id(const lend_shelf_item *it);
LEND_EXTERN int lend_shelf_item_request_state(const lend_shelf_item *it);
LEND_EXTERN int lend_shelf_item_reason(const lend_shelf_item *it);

/* ---------------------------------------------------------- cabinet */

enum lend_ticket_state {
	LEND_TICKET_ACTIVE = 1,
	LEND_TICKET_BLOCKED = 2,
	LEND_TICKET_NOT_YET = 3, /* before its validity starts */
	LEND_TICKET_EXPIRED = 4  /* after its validity ended */
};

/* The reader's cabinet: every ticket with its library and state, and the
 * effective limits of each (for every kind of book) with what is used. */
LEND_EXTERN int lend_cabinet_get(lend_engine *e, const lend_actor *a, int64_t reader_id, lend_cabinet **out);
LEND_EXTERN size_t lend_cabinet_count(const lend_cabinet *c);
LEND_EXTERN const lend_ticket *lend_cabinet_ticket(const lend_cabinet *c, size_t i);
LEND_EXTERN const char *lend_cabinet_library_name(const lend_cabinet *c, size_t i);
LEND_EXTERN int lend_cabinet_state(const lend_cabinet *c, size_t i); /* lend_ticket_state */
LEND_EXTERN const lend_limits *lend_cabinet_limits(const lend_cabinet *c, size_t i);
LEND_EXTERN void lend_cabinet_free(lend_cabinet *c);

/* ---------------------------------------------------- balance, buying */

/* Credit amount > 0 of currency to the reader's balance (admin: the host,
 * after a payment it processed). key (required, <= 200 bytes) is the
 * payment's idempotency key: a second credit with the same key and amount
 * credits nothing and returns LEND_OK with *credited = 0 (optional out);
 * the same key with another amount or currency is LEND_EEXISTS. */
LEND_EXTERN int lend_balance_credit(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t amount,
                                    const char *currency, const char *key, int *credited);
/* The reader's balance in a currency (the reader himself or admin). */
LEND_EXTERN int lend_balance_get(lend_engine *e, const lend_actor *a, int64_t reader_id, const char *currency,
                                 int64_t *balance);

/* Buy a book for ever at its price, from the balance in the book's currency
 * (the reader himself or admin). Refused with LEND_REASON_BALANCE (the
 * message names the amount missing), LEND_REASON_ALREADY_BOUGHT,
 * LEND_REASON_NOT_FOR_SALE (no price), LEND_REASON_NOT_RELEASED,
 * LEND_REASON_AGE. out is optional. */
LEND_EXTERN int lend_buy(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id,
                         lend_purchase **out);
LEND_EXTERN int64_t lend_purchase_id(const lend_purchase *p);
LEND_EXTERN int64_t lend_purchase_reader_id(const lend_purchase *p);
LEND_EXTERN int64_t lend_purchase_book_id(const lend_purchase *p);
LEND_EXTERN int64_t lend_purchase_bought_at(const lend_purchase *p);
LEND_EXTERN int64_t lend_purchase_price(const lend_purchase *p);
LEND_EXTERN const char *lend_purchase_currency(const lend_purchase *p);
LEND_EXTERN void lend_purchase_free(lend_purchase *p);

/* ------------------------------------------------------------ deferred */

/* Put a book aside, and take it off again (the reader himself or admin).
 * Adding twice is LEND_EEXISTS; removing one not there, LEND_ENOTFOUND. */
LEND_EXTERN int lend_defer_add(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id);
LEND_EXTERN int lend_defer_remove(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id);
/* The deferred books, in the order they were added, each with the
 * availability verdict on ticket_id (0: no verdicts). */
LEND_EXTERN int lend_defer_list(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t ticket_id,
                                lend_deferreds **out);
LEND_EXTERN size_t lend_deferreds_count(const lend_deferreds *l);
LEND_EXTERN int64_t lend_deferreds_book_id(const lend_deferreds *l, size_t i);
LEND_EXTERN int64_t lend_deferreds_added_at(const lend_deferreds *l, size_t i);
LEND_EXTERN int lend_deferreds_verdict(const lend_deferreds *l, size_t i); /* lend_verdict; -1 without a ticket */
LEND_EXTERN int lend_deferreds_reason(const lend_deferreds *l, size_t i);
LEND_EXTERN void lend_deferreds_free(lend_deferreds *l);

/* ------------------------------------------------------- reading state */

/* How a reader may read a book. */
enum lend_access {
	LEND_ACCESS_NONE = 0,
	LEND_ACCESS_LOAN = 1,     /* a current loan */
	LEND_ACCESS_BOUGHT = 2,   /* bought */
	LEND_ACCESS_PREVIEW = 3   /* within the preview fragment */
};

/* May the reader read the book at position? LEND_OK with *access set, or
 * LEND_EDENIED with LEND_REASON_NO_ACCESS. */
LEND_EXTERN int lend_reading_access(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id,
                                    int64_t position, int *access);
/* Record where a device is: position (page or second, >= 0), percent
 * (0..100), pages_read (>= 0), device (<= 200 bytes) and the device's own
 * timestamp of the reading. The newest device_at wins: an older write
 * changes nothing and sets *applied (optional) to 0. Needs access at
 * position. */
LEND_EXTERN int lend_reading_set(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id,
                                 int64_t position, int percent, int64_t pages_read, const char *device,
                                 int64_t device_at, int *applied);
/* ENOTFOUND when the reader never opened the book. */
LEND_EXTERN int lend_reading_get(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id,
                                 lend_reading **out);
LEND_EXTERN int64_t lend_reading_position(const lend_reading *r);
LEND_EXTERN int lend_reading_percent(const lend_reading *r);
LEND_EXTERN int64_t lend_reading_pages_read(const lend_reading *r);
LEND_EXTERN int64_t lend_reading_opened_at(const lend_reading *r);
LEND_EXTERN int64_t lend_reading_device_at(const lend_reading *r);
LEND_EXTERN const char *lend_reading_device(const lend_reading *r);
LEND_EXTERN void lend_reading_free(lend_reading *r);

/* Bookmarks: a position with an optional note (<= 2000 bytes; NULL: none).
 * Adding needs access at the position; listing and deleting do not. */
LEND_EXTERN int lend_bookmark_add(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id,
                                  int64_t position, const char *note, int64_t *id_out);
LEND_EXTERN int lend_bookmark_delete(lend_engine *e, const lend_actor *a, int64_t bookmark_id);
/* A reader's bookmarks in a book by position (book_id 0: every book). */
LEND_EXTERN int lend_bookmark_list(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id,
                                   lend_bookmarks **out);
LEND_EXTERN size_t lend_bookmarks_count(const lend_bookmarks *l);
LEND_EXTERN int64_t lend_bookmarks_id(const lend_bookmarks *l, size_t i);
LEND_EXTERN int64_t lend_bookmarks_book_id(const lend_bookmarks *l, size_t i);
LEND_EXTERN int64_t lend_bookmarks_position(const lend_bookmarks *l, size_t i);
LEND_EXTERN const char *lend_bookmarks_note(const lend_bookmarks *l, size_t i);
LEND_EXTERN int64_t lend_bookmarks_created_at(const lend_bookmarks *l, size_t i);
LEND_EXTERN void lend_bookmarks_free(lend_bookmarks *l);

/* ------------------------------------------------------ offline grants */

/* A device (id <= 200 bytes) asks to keep a book for offline reading (the
 * reader himself or admin): granted for a current loan (until its due time,
 * and no longer than the loan lasts) or for a bought book (no end); else
 * refused with LEND_REASON_NO_ACCESS. Asking again renews the grant. */
LEND_EXTERN int lend_offline_grant(lend_engine *e, const lend_actor *a, int64_t reader_id, const char *device,
                                   int64_t book_id, lend_offline **out);
/* The grants valid now, of one device (NULL: every device), by id. A grant
 * of a loan is valid while the loan is: it ends with the loan (expiry,
 * return or revocation) without anything being written. */
LEND_EXTERN int lend_offline_list(lend_engine *e, const lend_actor *a, int64_t reader_id, const char *device,
                                  lend_offlines **out);
LEND_EXTERN int64_t lend_offline_id(const lend_offline *g);
LEND_EXTERN const char *lend_offline_device(const lend_offline *g);
LEND_EXTERN int64_t lend_offline_book_id(const lend_offline *g);
LEND_EXTERN int64_t lend_offline_loan_id(const lend_offline *g); /* 0: a bought book */
LEND_EXTERN int64_t lend_offline_granted_at(const lend_offline *g);
LEND_EXTERN int64_t lend_offline_valid_until(const lend_offline *g); /* 0: no end */
LEND_EXTERN void lend_offline_free(lend_offline *g);
LEND_EXTERN size_t lend_offlines_count(const lend_offlines *l);
LEND_EXTERN const lend_offline *lend_offlines_get(const lend_offlines *l, size_t i);
LEND_EXTERN void lend_offlines_free(lend_offlines *l);

/* ---------------------------------------------------------- preferences */

enum lend_channel {
	LEND_CHANNEL_NONE = 0, /* the host decides */
	LEND_CHANNEL_EMAIL = 1,
	LEND_CHANNEL_SMS = 2
};

/* A reader's notification preferences: a draft to set, or the stored ones. */
LEND_EXTERN int lend_prefs_new(lend_prefs **out);
LEND_EXTERN void lend_prefs_free(lend_prefs *p);
LEND_EXTERN int lend_prefs_set_language(lend_prefs *p, const char *lang); /* "ru" (default) or "en" */
LEND_EXTERN int lend_prefs_set_channel(lend_prefs *p, int channel);      /* lend_channel */
LEND_EXTERN int lend_prefs_set_email(lend_prefs *p, const char *email);  /* <= 320 bytes, NULL: none */
LEND_EXTERN int lend_prefs_set_phone(lend_prefs *p, const char *phone);  /* <= 32 bytes, NULL: none */
/* Switch a kind of notification off (muted 1) or on. The kinds about
 * security (verification codes, password recovery, app activation) cannot
 * be switched off: LEND_EINVAL. */
LEND_EXTERN int lend_prefs_set_muted(lend_prefs *p, int kind, int muted);
LEND_EXTERN const char *lend_prefs_language(const lend_prefs *p);
LEND_EXTERN int lend_prefs_channel(const lend_prefs *p);
LEND_EXTERN const char *lend_prefs_email(const lend_prefs *p);
LEND_EXTERN const char *lend_prefs_phone(const lend_prefs *p);
LEND_EXTERN int lend_prefs_muted(const lend_prefs *p, int kind);
/* 1 for the kinds that are always sent. */
LEND_EXTERN int lend_note_kind_security(int kind);

/* Store a reader's preferences (the reader himself or admin), and read them
 * (defaults when never set). */
LEND_EXTERN int lend_prefs_save(lend_engine *e, const lend_actor *a, int64_t reader_id, const lend_prefs *p);
LEND_EXTERN int lend_prefs_get(lend_engine *e, const lend_actor *a, int64_t reader_id, lend_prefs **out);

/* ------------------------------------------------- notification texts */

/* A structured field of a notification's detail ("due_at", "reason",
 * "title", "library", "position", "amount", "currency", "channel",
 * "address", "lang", ...; see doc/shelf.md), or NULL when absent. */
LEND_EXTERN const char *lend_notification_field(const lend_notification *n, const char *key);
/* The channel the reader chose (lend_channel), and the address on it. */
LEND_EXTERN int lend_notification_channel(const lend_notification *n);
LEND_EXTERN const char *lend_notification_address(const lend_notification *n); /* "" if none */
/* The ready plain text in "ru" or "en"; NULL lang: the reader's language.
 * "" for another language. */
LEND_EXTERN const char *lend_notification_text(const lend_notification *n, const char *lang);

#ifdef __cplusplus
}
#endif

#endif /* LEND_SHELF_H */
