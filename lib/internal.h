/* internal.h — the engine's private structures and helpers, shared by lib/. */
#ifndef LEND_INTERNAL_H
#define LEND_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lend.h"
#include "lend/sys/notifier.h"
#include "lend/sys/storage.h"
#include "rules.h"

#define LEND_HIDDEN __attribute__((visibility("hidden")))

struct lend_engine {
	lend_storage st;
	int has_storage;
	lend_notifier nt;
	int has_notifier;
	lend_clock_fn clock;
	void *clock_ud;
	int in_txn;
	int64_t now; /* the clock, read once per call */
	int64_t settled_loans; /* what the last settle ended and handed on */
	/* The share of their period a library's readers keep loans (the wait
	 * estimate's input), remembered for the rest of one call: a tick asks
	 * it for every place in every queue. */
	int64_t finish_library, finish_permille;
	int64_t settled_handoffs;
	/* The UTC day (YYYYMMDD) this engine last passed every idle copy to an
	 * eligible reader: day-driven eligibility (a new month's quota, a
	 * birthday) is settled by the first call of each day. */
	int swept_day;
	int sweeping_day; /* set by settle, kept on commit */
	int64_t outbox_retention; /* seconds a delivered notification is kept; 0: for ever */
	/* The notifications' UUIDs: a ChaCha20 key drawn from the system on the
	 * first one, and the count of those made since (outbox.c). */
	unsigned char note_key[32];
	uint64_t note_seq;
	int note_keyed;
	int errcode;
	int reason;
	char errmsg[512];
	/* State of each area, in the area's own block. */
	/* -- the librarian's desk */
	/* Every ticket whose validity began by this time has had its waiting
	 * places served (0: not yet; the first daily sweep covers all). */
	int64_t desk_started_seen;
	int64_t desk_started_seeing; /* set by settle, kept on commit */
	/* -- accounts and sign-in */
	unsigned long long pw_ops; /* Argon2id parameters of new hashes */
	size_t pw_mem;
	char *pw_dummy; /* a hash verified for unknown logins (made on first use) */
	int64_t session_lifetime; /* seconds a session lasts from its start; 0: until revoked */
	int64_t audit_retention; /* seconds an audit entry is kept; 0: for ever */
	/* -- the reader's shelf */
	/* -- the catalog */
	/* -- search */
};

struct lend_options {
	lend_clock_fn clock;
	void *clock_ud;
	lend_notifier nt;
	int has_notifier;
	lend_storage st;
	int has_storage;
	int busy_timeout_ms;
	int64_t outbox_retention;
	int password_cost; /* lend_password_cost (accounts) */
	int64_t session_lifetime; /* accounts */
	int64_t audit_retention; /* accounts: lend_options_set_audit_retention */
};

struct lend_actor {
	int kind;
	int64_t reader_id;
	int64_t session_id; /* accounts: 0 unless made by a sign-in */
};

/* ---- errors.c */
LEND_HIDDEN int lend__fail(lend_engine *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
LEND_HIDDEN int lend__deny(lend_engine *e, int reason, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
LEND_HIDDEN int lend__storage_fail(lend_engine *e, int rc, const char *what);
LEND_HIDDEN void lend__clear(lend_engine *e);
LEND_HIDDEN int lend__nomem(lend_engine *e);
/* In an area's lend__<area>_lacks(): return the method's name when the
 * backend leaves it NULL. */
#define LEND_LACKS(e, m)                                                                                               \
	do {                                                                                                           \
		if (!(e)->st.m)                                                                                        \
			return #m;                                                                                     \
	} while (0)
/* LEND_ESTATE: "the storage backend does not implement <method>". */
LEND_HIDDEN int lend__missing(lend_engine *e, const char *method);

/* ---- text.c */
/* LEND_OK if s is valid UTF-8 of at most maxlen bytes with no control
 * characters (and non-empty if required). */
LEND_HIDDEN int lend__text_ok(const char *s, size_t maxlen, int required);
LEND_HIDDEN char *lend__strdup(const char *s);
LEND_HIDDEN int lend__currency_ok(const char *code);
/* YYYYMMDD of a UTC time, and the UTC start of its calendar month. */
LEND_HIDDEN int lend__ymd(int64_t t);
LEND_HIDDEN int64_t lend__month_start(int64_t t);

/* ---- engine.c: transactions. Every public call that touches storage runs
 * lend__begin() ... lend__end(). begin settles what the clock made due. */
LEND_HIDDEN int lend__begin(lend_engine *e, int write);
LEND_HIDDEN int lend__end(lend_engine *e, int rc);
#define LEND_ENTER(e)                                                                                                  \
	do {                                                                                                           \
		if (!(e))                                                                                              \
			return LEND_EINVAL;                                                                            \
		lend__clear(e);                                                                                        \
	} while (0)
/* Call a storage method. A method the backend leaves NULL (a backend written
 * before an area) fails the call with LEND_ESTATE naming it. */
#define ST(e, method, ...)                                                                                             \
	((e)->st.method ? (e)->st.method((e)->st.userdata, __VA_ARGS__) : lend__missing((e), #method))
#define TRY(x)                                                                                                         \
	do {                                                                                                           \
		int try_rc_ = (x);                                                                                     \
		if (try_rc_ != LEND_OK)                                                                                \
			return try_rc_;                                                                                \
	} while (0)
#define TRY_ST(e, what, x)                                                                                             \
	do {                                                                                                           \
		int try_rc_ = (x);                                                                                     \
		if (try_rc_ != LEND_OK)                                                                                \
			return lend__storage_fail((e), try_rc_, (what));                                                \
	} while (0)

/* ---- loaders (directory.c): rows without their strings, for decisions. */
LEND_HIDDEN int lend__load_ticket(lend_engine *e, int64_t id, lend_sys_ticket *out);
LEND_HIDDEN int lend__load_reader(lend_engine *e, int64_t id, lend_sys_reader *out);
LEND_HIDDEN int lend__load_book(lend_engine *e, int64_t id, lend_sys_book *out, char currency[4]);
LEND_HIDDEN int lend__load_library(lend_engine *e, int64_t id, lend_sys_library *out, char currency[4]);
/* The same, keeping the title / name in a buffer of `size` bytes; *kept = 1
 * when it held the whole string (else the buffer is empty). */
LEND_HIDDEN int lend__load_book_titled(lend_engine *e, int64_t id, lend_sys_book *out, char currency[4], char *title,
                                       size_t size, int *kept);
LEND_HIDDEN int lend__load_library_named(lend_engine *e, int64_t id, lend_sys_library *out, char currency[4],
                                         char *name, size_t size, int *kept);
LEND_HIDDEN int lend__load_loan(lend_engine *e, int64_t id, lend_sys_loan *out);
LEND_HIDDEN int lend__load_hold(lend_engine *e, int64_t id, lend_sys_hold *out);
LEND_HIDDEN int lend__load_policy(lend_engine *e, int64_t library_id, int64_t ticket_id, lend_policy_rows *out);
LEND_HIDDEN int lend__budget_change(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t amount,
                                    int kind, int64_t book_id, const char *note);

/* ---- actor.c: permission checks; each returns LEND_OK or fails e. */
LEND_HIDDEN int lend__need_admin(lend_engine *e, const lend_actor *a);
LEND_HIDDEN int lend__need_staff(lend_engine *e, const lend_actor *a, int64_t library_id);
LEND_HIDDEN int lend__need_reader_or_staff(lend_engine *e, const lend_actor *a, int64_t reader_id,
                                           int64_t library_id);
LEND_HIDDEN int lend__need_reader_access(lend_engine *e, const lend_actor *a, int64_t reader_id);
LEND_HIDDEN int lend__need_actor(lend_engine *e, const lend_actor *a);
/* *yes = 1 when a may act as staff of library_id (admin always). */
LEND_HIDDEN int lend__staff_of(lend_engine *e, const lend_actor *a, int64_t library_id, int *yes);

/* ---- circulation.c */
/* Everything a decision about (ticket, book) needs, gathered in one place. */
typedef struct lend_gathered {
	lend_sys_ticket ticket;
	lend_sys_reader reader;
	lend_sys_book book;
	char book_currency[4];
	lend_sys_library library;
	char library_currency[4];
	lend_policy_rows policy;
	lend_sys_fund fund;
	int in_fund;
	lend_rule_input in;
	int64_t hold_id; /* the reader's waiting place for this book, 0 if none */
	lend_sys_hold hold; /* that place as lend__gather read it (id 0 if none) */
	int64_t yours_loan_id; /* the reader's active loan of this book, 0 if none */
	/* The book's title and the library's name as read, for the notification
	 * of an issue (no second read); title_kept / name_kept say they are whole. */
	char title[1024];
	char library_name[256];
	int title_kept, name_kept;
} lend_gathered;
LEND_HIDDEN int lend__gather(lend_engine *e, int64_t ticket_id, int64_t book_id, lend_gathered *g);
/* The same, given what the caller read in this transaction (a queue
 * hand-off): the ticket's waiting place for the book (NULL: read it) and
 * the count of the book's reserved copies (-1: count them). */
LEND_HIDDEN int lend__gather_held(lend_engine *e, int64_t ticket_id, int64_t book_id, const lend_sys_hold *held,
                                  int reserved_known, lend_gathered *g);
/* directory.c: g's ticket, reader, library, book and fund in one read when
 * the backend can (*loaded = 1), else nothing read (*loaded = 0). */
LEND_HIDDEN int lend__load_verdict_rows(lend_engine *e, int64_t ticket_id, int64_t book_id, lend_gathered *g,
                                        int *loaded);
LEND_HIDDEN int lend__issue(lend_engine *e, lend_gathered *g, int origin, lend_sys_loan *loan);
LEND_HIDDEN int lend__end_loan(lend_engine *e, lend_sys_loan *loan, int reason, int64_t when);
/* The same; *fund (if not NULL) gets the loan's fund row as written. */
LEND_HIDDEN int lend__end_loan_fund(lend_engine *e, lend_sys_loan *loan, int reason, int64_t when,
                                    lend_sys_fund *fund);
LEND_HIDDEN int lend__settle(lend_engine *e);
LEND_HIDDEN int lend__settle_needed(lend_engine *e, int *needed);
LEND_HIDDEN int lend__dispatch(lend_engine *e, int64_t library_id, int64_t book_id, int64_t *handoffs);
/* The same, given the fund row the caller has just read or written (not read again). */
LEND_HIDDEN int lend__dispatch_known(lend_engine *e, int64_t library_id, int64_t book_id, const lend_sys_fund *known,
                                     int64_t *handoffs);
LEND_HIDDEN int lend__dispatch_ticket(lend_engine *e, int64_t ticket_id, int64_t *handoffs);
LEND_HIDDEN int lend__dispatch_all(lend_engine *e, int64_t *handoffs);
LEND_HIDDEN int lend__queue_position(lend_engine *e, const lend_sys_hold *h, int *position, int64_t *wait_until);

/* ---- outbox.c */
LEND_HIDDEN int lend__notify(lend_engine *e, int kind, int64_t reader_id, int64_t library_id, int64_t book_id,
                             int64_t loan_id, const char *detail);
/* The same, given the book's title and the library's name the caller has
 * already read in this transaction (NULL: read them). */
LEND_HIDDEN int lend__notify_named(lend_engine *e, int kind, int64_t reader_id, int64_t library_id, int64_t book_id,
                                   int64_t loan_id, const char *detail, const char *title, const char *library_name);

/* ---- handles.c: building public handles from rows. */
LEND_HIDDEN lend_library *lend__library_from(const lend_sys_library *row);
LEND_HIDDEN lend_reader *lend__reader_from(const lend_sys_reader *row);
LEND_HIDDEN lend_ticket *lend__ticket_from(const lend_sys_ticket *row);
LEND_HIDDEN lend_book *lend__book_from(const lend_sys_book *row);
LEND_HIDDEN lend_loan *lend__loan_from(const lend_sys_loan *row);
LEND_HIDDEN lend_hold *lend__hold_from(const lend_sys_hold *row, int position, int64_t wait_until);
LEND_HIDDEN lend_fund *lend__fund_from(const lend_sys_fund *row, int waiting);
LEND_HIDDEN lend_notification *lend__note_from(const lend_sys_note *row);
LEND_HIDDEN void lend__note_free(lend_notification *n);
LEND_HIDDEN int lend__book_to_row(const lend_book *b, lend_sys_book *row, char **authors_joined);
LEND_HIDDEN int lend__library_to_row(const lend_library *lib, lend_sys_library *row);
LEND_HIDDEN int lend__reader_to_row(const lend_reader *r, lend_sys_reader *row);

/* Growable arrays of handles behind the public list types. */
typedef struct lend__vec {
	void **items;
	size_t n, cap;
} lend__vec;
LEND_HIDDEN int lend__vec_push(lend__vec *v, void *item);
/* Drop (and free) the items of v outside the libraries a librarian staffs. */
LEND_HIDDEN int lend__vec_keep_staffed(lend_engine *e, const lend_actor *a, lend__vec *v,
                                       int64_t (*library_of)(const void *item), void (*free_item)(void *item));

/* A growable array of rows copied out of storage callbacks. */
typedef struct lend__rows {
	void *data;
	size_t n, cap, size;
	int oom;
} lend__rows;
#define LEND_ROWS(type) {NULL, 0, 0, sizeof(type), 0}
#define LEND_ROW(rows, type, i) (((type *)(rows).data)[i])
/* Append a copy of row; returns 1 (stop the listing) when memory runs out. */
LEND_HIDDEN int lend__rows_push(lend__rows *r, const void *row);
LEND_HIDDEN void lend__rows_free(lend__rows *r);
/* Listing callbacks that collect into a lend__rows. */
LEND_HIDDEN int lend__rows_loan_cb(void *ctx, const lend_sys_loan *row);
LEND_HIDDEN int lend__rows_hold_cb(void *ctx, const lend_sys_hold *row);
LEND_HIDDEN int lend__rows_fund_cb(void *ctx, const lend_sys_fund *row);
/* Turn a listing's outcome into a status: out of memory or a storage failure. */
LEND_HIDDEN int lend__rows_status(lend_engine *e, lend__rows *r, int rc, const char *what);

struct lend_libraries { lend__vec v; };
struct lend_tickets { lend__vec v; };
struct lend_books { lend__vec v; };
struct lend_funds { lend__vec v; };
struct lend_loans { lend__vec v; };
struct lend_holds { lend__vec v; };
struct lend_notifications { lend__vec v; };
struct lend_queue {
	lend__vec v;
	int64_t library_id;
	int64_t book_id;
};
struct lend_report { lend__vec v; };
LEND_HIDDEN int lend__report_add(lend_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct lend_ticket {
	lend_sys_ticket row; /* row.number points to number */
	char *number;
};

struct lend_availability {
	int verdict;
	int reason;
	int buys;
	int position;
	int queued;
	int64_t wait_until;
	int64_t loan_id;
	char message[256];
};

struct lend_limits {
	int64_t value[LEND_SETTING_COUNT + 1];
	int64_t used[LEND_SETTING_COUNT + 1];
	char summary[512];
};

/* ---- the areas: each declares what other files call in its own block;
 * what only its own files share lives in a header of its own. */
/* -- the librarian's desk (desk.c) */
/* The first desk method the backend leaves NULL, or NULL when it has them
 * all; without them the core's hooks into the desk do nothing. */
LEND_HIDDEN const char *lend__desk_lacks(const lend_engine *e);
/* Pending requests of a ticket (its open requests). */
LEND_HIDDEN int lend__desk_open_requests(lend_engine *e, int64_t ticket_id, int64_t *n);
/* Settle: serve the places of tickets whose validity began since the last
 * settle (spec section 6: no idle copy while an eligible reader waits). */
LEND_HIDDEN int lend__desk_settle_needed(lend_engine *e, int *needed);
LEND_HIDDEN int lend__desk_settle(lend_engine *e);
LEND_HIDDEN void lend__desk_committed(lend_engine *e);
LEND_HIDDEN int lend__desk_check(lend_engine *e, lend_report *rep);
/* Copies of (library, book) reserved for a waiting reader: not free. */
LEND_HIDDEN int lend__desk_reserved(lend_engine *e, int64_t library_id, int64_t book_id, int *n);
/* Hand the copy freed for g's waiting place (g->hold_id) on as the library's
 * hand-off mode says: issue it, or reserve it for the reader to confirm.
 * *served = 0 when the place already holds a reservation (skip it). */
LEND_HIDDEN int lend__desk_handoff(lend_engine *e, lend_gathered *g, int *served);
/* Copies of (library, book) not withdrawable besides those on loan. */
LEND_HIDDEN int lend__desk_held(lend_engine *e, int64_t library_id, int64_t book_id, int *n);
/* A loan was issued (after the fund was written): run it on a license; a
 * loan ended: a closed license's copy leaves the fund. f is the fund row,
 * written back when it changes. */
LEND_HIDDEN int lend__desk_license_bind(lend_engine *e, const lend_sys_loan *loan, lend_sys_fund *f);
LEND_HIDDEN int lend__desk_license_release(lend_engine *e, const lend_sys_loan *loan, lend_sys_fund *f);
/* Close the licenses whose time has come (first thing in a settle). */
LEND_HIDDEN int lend__desk_license_settle(lend_engine *e);
/* A waiting place was left: its reservation, if any, passes on. */
LEND_HIDDEN int lend__desk_hold_left(lend_engine *e, const lend_sys_hold *h);
/* Merging accounts (accounts_merge.c): requests and reservations move. */
LEND_HIDDEN int lend__desk_merge_readers(lend_engine *e, int64_t from, int64_t to);
LEND_HIDDEN int lend__desk_reserves_merge(lend_engine *e, int64_t from, int64_t to);
/* How long readers of a library actually keep a loan, in permille of its
 * period, from its recent loan history (1000 while there is too little). */
LEND_HIDDEN int lend__desk_finish_permille(lend_engine *e, int64_t library_id, int64_t *permille);
/* Effective limits of a ticket for a kind with what is used (circulation.c). */
LEND_HIDDEN int lend__limits_fill(lend_engine *e, const lend_sys_ticket *t, int kind, lend_limits *l);

/* -- accounts and sign-in (accounts.c) */
/* The first accounts method the backend leaves NULL, or NULL. */
LEND_HIDDEN const char *lend__accounts_lacks(const lend_engine *e);
/* The password cost of an engine (lend_engine_open), and its release. */
LEND_HIDDEN void lend__accounts_open(lend_engine *e, int password_cost);
LEND_HIDDEN void lend__accounts_close(lend_engine *e);
/* The session check of the permission path (lend__need_actor): in the
 * call's transaction, or in a read of its own before it begins. */
LEND_HIDDEN int lend__accounts_actor(lend_engine *e, const lend_actor *a);
LEND_HIDDEN int lend__accounts_check(lend_engine *e, lend_report *rep);
/* The tick's part: delete audit entries older than the retention (a batch). */
LEND_HIDDEN int lend__accounts_prune(lend_engine *e);

/* -- the reader's shelf (shelf.c) */
/* The first shelf method the backend leaves NULL, or NULL. */
LEND_HIDDEN const char *lend__shelf_lacks(const lend_engine *e);
/* Move everything of the shelf from one reader to another, in the caller's
 * transaction (doc/shelf.md, "Merging accounts"). */
LEND_HIDDEN int lend__shelf_merge_readers(lend_engine *e, int64_t from_reader, int64_t to_reader);
/* The tick's reminders ("loan ends soon") and queue-position news. */
LEND_HIDDEN int lend__shelf_tick(lend_engine *e, int64_t *sent);
/* No balance below zero; every purchase paid by an entry of its price. */
LEND_HIDDEN int lend__shelf_check(lend_engine *e, lend_report *rep);
/* Called by lend__notify: *skip = 1 when the reader switched the kind off;
 * else *full (malloc'd) is detail with the reader's channel, address and
 * language and the book's title and library's name appended. */
LEND_HIDDEN int lend__shelf_note_prepare(lend_engine *e, int kind, int64_t reader_id, int64_t library_id,
                                         int64_t book_id, const char *detail, const char *title,
                                         const char *library_name, int *skip, char **full);
/* The parsed fields and rendered texts a notification handle carries. */
typedef struct lend__note_extra lend__note_extra;
LEND_HIDDEN lend__note_extra *lend__shelf_note_extra(const lend_sys_note *row);
LEND_HIDDEN void lend__shelf_note_extra_free(lend__note_extra *x);
LEND_HIDDEN const lend__note_extra *lend__note_extra_of(const lend_notification *n); /* handles.c */

/* -- the catalog (catalog/) */
/* The first catalog method the backend leaves NULL, or NULL; without them
 * the core's hooks into the catalog do nothing. */
LEND_HIDDEN const char *lend__catalog_lacks(const lend_engine *e);
/* A book handle's catalog metadata (owned by the handle; see catalog/book.c).
 * Lists are kept both split (for the getters) and '\n'-joined (for rows). */
typedef struct lend__strlist {
	char **items;
	size_t n;
	char *joined; /* "" when empty, never NULL after a successful change */
} lend__strlist;
typedef struct lend__book_meta {
	char *subtitle, *series, *language, *publisher, *isbn, *annotation, *external_id;
	lend__strlist narrators, genres;
	int32_t series_no, year, preview;
	int64_t length, withdrawn_at, updated_at;
} lend__book_meta;
LEND_HIDDEN lend__book_meta *lend__book_meta_of(lend_book *b); /* handles.c */
LEND_HIDDEN void lend__book_meta_free(lend__book_meta *m);
LEND_HIDDEN int lend__book_meta_from_row(lend__book_meta *m, const lend_sys_book *row);
LEND_HIDDEN void lend__book_meta_to_row(const lend__book_meta *m, lend_sys_book *row);
/* A book row with its strings (they live in b), for updates that write it back. */
typedef struct lend__full_book {
	lend_book *b;
	lend_sys_book row;
	char *authors;
} lend__full_book;
LEND_HIDDEN int lend__full_book_load(lend_engine *e, int64_t book_id, lend__full_book *f);
LEND_HIDDEN void lend__full_book_free(lend__full_book *f);
/* After a book row was inserted or updated in this transaction: link its
 * authors and narrators to author entities, index its genres, tell search. */
LEND_HIDDEN int lend__catalog_book_saved(lend_engine *e, const lend_sys_book *row);

/* Everything search indexes for one book (lend__catalog_load_index_text).
 * Strings are owned by the struct; free with lend__catalog_text_free. */
typedef struct lend_catalog_text {
	int64_t book_id;
	int kind;
	int age_rating;
	int withdrawn;     /* 1: withdrawn, never to be found */
	int lendable;
	int64_t release_at;
	int64_t created_at;
	char *title;
	char *subtitle;
	char *series;
	char *language;
	char *authors;     /* names in order, '\n'-separated */
	char *narrators;   /* names in order, '\n'-separated */
	char *aliases;     /* every alias of every author and narrator, '\n'-separated */
	char *genres;      /* '\n'-separated */
	int64_t loans;        /* every loan of the book, ever */
	int64_t loans_recent; /* loans issued in the last 30 days */
	int64_t ratings;      /* how many readers rated it */
	int64_t rating_sum;   /* the sum of their stars */
} lend_catalog_text;
LEND_HIDDEN int lend__catalog_load_index_text(lend_engine *e, int64_t book_id, lend_catalog_text *out);
LEND_HIDDEN void lend__catalog_text_free(lend_catalog_text *t);
/* Move ratings and reviews of from_reader to to_reader (account merge, in
 * the caller's transaction). Both rated a book: the newer rating wins (on a
 * tie, to_reader's). Reviews: all kept, moved to to_reader. */
LEND_HIDDEN int lend__catalog_merge_readers(lend_engine *e, int64_t from_reader, int64_t to_reader);
/* The availability verdict of (ticket, book) into *v, in the caller's
 * transaction (circulation.c; lend_availability_get() without its checks). */
LEND_HIDDEN int lend__availability(lend_engine *e, int64_t ticket_id, int64_t book_id, lend_availability *v);
/* lend_engine_check: the catalog's invariants. */
LEND_HIDDEN int lend__catalog_check(lend_engine *e, lend_report *rep);

/* -- search (search/) */
/* The first search method the backend leaves NULL, or NULL (search then
 * scans the books). */
LEND_HIDDEN const char *lend__search_lacks(const lend_engine *e);
/* Bring the search index in step with a book after its insert, update or
 * withdrawal (or a change of its authors), in the caller's transaction. A
 * book that is gone or withdrawn leaves the index. */
LEND_HIDDEN int lend__search_book_changed(lend_engine *e, int64_t book_id);
/* After a loan of the book was issued (circulation.c): its popularity grew.
 * With marks in the backend it does nothing: lend__search_tick() re-ranks. */
LEND_HIDDEN int lend__search_book_loaned(lend_engine *e, int64_t book_id);
/* In lend_engine_tick(): re-rank the books lent since the last tick. */
LEND_HIDDEN int lend__search_tick(lend_engine *e);

#endif
