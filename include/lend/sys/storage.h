/* lend/sys/storage.h — what a storage backend implements for liblend.
 *
 * A backend is a versioned table of functions over plain rows. The engine does
 * every read and write through it, always inside a transaction it opened with
 * begin(); it never assumes SQL. A host can write a backend from this header
 * alone (see doc/storage-backend.md); lib/storage/sqlite is the reference.
 *
 * Contract, for every method:
 *  - Returns LEND_OK, or: LEND_ENOTFOUND (a get found nothing; an update or
 *    delete matched no row), LEND_EEXISTS (a unique key would repeat),
 *    LEND_EBUSY (locked past the timeout), LEND_ESTORAGE (anything else),
 *    LEND_ENOMEM, or LEND_EUSER (the host's own failure). After any failure
 *    the engine calls rollback(); errmsg() says what went wrong.
 *  - Row structs passed in are read only during the call; strings in them
 *    are NUL-terminated UTF-8 and must be copied if kept.
 *  - Rows handed to a callback (and their strings) are valid only during
 *    that callback. A callback returning non-zero stops the listing; the
 *    method then returns that value.
 *  - Integer fields not set are 0; a string field may be NULL for "empty".
 *  - Lists come in the order each method names: the engine relies on it.
 *  - The engine zero-fills every struct it passes, so fields appended in a
 *    later version read as 0 for an older backend; the engine only relies on
 *    a newer field when the backend's version says it knows it.
 *
 * Transactions: begin(write=1) must take the write lock before anything is
 * read (SQLite: BEGIN IMMEDIATE), so that two engines can never decide on
 * the same stale state; begin(write=0) gives a consistent read snapshot.
 * rollback() must leave the store exactly as before begin() and should not
 * fail; commit() either makes every change durable or none.
 *
 * Threads: one engine calls its backend from one thread at a time.
 */
#ifndef LEND_SYS_STORAGE_H
#define LEND_SYS_STORAGE_H

#include "../../lend.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LEND_STORAGE_VERSION 1

/* ---------------------------------------------------------------- rows */

typedef struct lend_sys_library {
	int64_t id;
	const char *name;
	const char *address;
	const char *contacts;
	const char *currency;
	int64_t budget; /* the balance: always the sum of the ledger */
	int64_t created_at;
} lend_sys_library;

typedef struct lend_sys_reader {
	int64_t id;
	const char *name;
	int32_t birth_date; /* YYYYMMDD or 0 */
	int64_t created_at;
} lend_sys_reader;

typedef struct lend_sys_ticket {
	int64_t id;
	int64_t library_id;
	int64_t reader_id;
	const char *number; /* unique within library_id */
	int64_t valid_from; /* 0: open */
	int64_t valid_until; /* 0: open */
	int32_t blocked;
	int64_t created_at;
} lend_sys_ticket;

typedef struct lend_sys_book {
	int64_t id;
	int32_t kind;
	const char *title;
	const char *authors; /* names in order, separated by '\n' */
	int32_t age_rating;
	int64_t price;
	const char *currency;
	int32_t lendable;
	int64_t release_at;
	int64_t created_at;
	/* The catalog's metadata (every field may be 0/NULL). */
	const char *subtitle;
	const char *series;
	int32_t series_no;       /* the number in the series, 0: none */
	const char *language;    /* ISO 639 code in lower case, e.g. "ru", "en" */
	const char *narrators;   /* names in order, separated by '\n' */
	const char *publisher;
	int32_t year;            /* year of publication, 0: unknown */
	const char *isbn;        /* 13 digits (normalized ISBN-13) or NULL */
	const char *genres;      /* separated by '\n' */
	const char *annotation;
	int32_t preview;         /* readable before borrowing: pages (e-book) or seconds (audio) */
	int64_t length;          /* pages (e-book) or seconds (audio), 0: unknown */
	const char *external_id; /* the importer's key: unique when not NULL/"" */
	int64_t withdrawn_at;    /* 0: in the catalog; else withdrawn then */
	int64_t updated_at;
} lend_sys_book;

/* The copies one library owns of one book; key (library_id, book_id). */
typedef struct lend_sys_fund {
	int64_t library_id;
	int64_t book_id;
	int32_t copies;
	int32_t on_loan; /* kept equal to the number of active loans */
	int64_t updated_at;
} lend_sys_fund;

typedef struct lend_sys_loan {
	int64_t id;
	int64_t ticket_id;
	int64_t reader_id;
	int64_t library_id;
	int64_t book_id;
	int32_t origin;   /* lend_origin */
	int64_t issued_at;
	int64_t due_at;
	int64_t ended_at; /* 0 while active */
	int32_t end_reason; /* lend_end */
	int32_t kind;     /* the book's kind at issue (lend_kind) */
} lend_sys_loan;

/* A place in a queue. Ids grow in insertion order and that is queue order. */
typedef struct lend_sys_hold {
	int64_t id;
	int64_t library_id;
	int64_t book_id;
	int64_t ticket_id;
	int64_t reader_id;
	int64_t joined_at;
	int64_t suspended_until; /* 0: not suspended */
	int32_t state; /* lend_hold_state */
	int64_t ended_at;
	int64_t loan_id;
} lend_sys_hold;

/* A notification in the outbox. */
typedef struct lend_sys_note {
	int64_t id;
	const char *uuid; /* unique */
	int32_t kind;
	int64_t reader_id;
	int64_t library_id;
	int64_t book_id;
	int64_t loan_id;
	int64_t created_at;
	const char *detail;
	int32_t attempts;
	int64_t next_attempt_at;
	int64_t delivered_at; /* 0: pending */
	const char *last_error;
} lend_sys_note;

/* A policy value. ticket_id 0: the library's own; kind 0: every kind.
 * Key (library_id, ticket_id, kind, setting). */
typedef struct lend_sys_policy {
	int64_t library_id;
	int64_t ticket_id;
	int32_t kind;
	int32_t setting;
	int64_t value;
} lend_sys_policy;

/* A budget ledger entry: amount > 0 credits, < 0 spends. */
typedef struct lend_sys_ledger {
	int64_t id;
	int64_t library_id;
	int64_t at;
	int64_t amount;
	int32_t kind; /* 1 top-up, 2 purchase, 3 correction */
	int64_t book_id;
	int64_t actor_id; /* the account that caused it, 0 for the administrator */
	const char *note;
} lend_sys_ledger;

/* Rows of each area, in the area's own block. */
/* -- the librarian's desk */
/* A request to the librarian, or the record of a direct issue (origin 2).
 * state: lend_request_state; origin: lend_request_origin. */
typedef struct lend_sys_request {
	int64_t id;
	int64_t ticket_id;
	int64_t reader_id;
	int64_t library_id;
	int64_t book_id;
	int32_t state;
	int32_t origin;
	int64_t created_at;
	int64_t decided_at; /* 0 while pending */
	int64_t decided_by; /* the librarian's account, 0 for the administrator */
	int32_t reason;     /* a denial's lend_reason, or the limit a direct issue overrode */
	int32_t overridden; /* a direct issue past the limits */
	const char *text;   /* the librarian's words */
	int64_t loan_id;    /* the loan it turned into */
	int64_t hold_id;    /* the queue place it turned into */
} lend_sys_request;

/* Which requests a listing or count covers. A field left 0 does not filter. */
typedef struct lend_sys_request_filter {
	int64_t reader_id;
	int64_t ticket_id;
	int64_t library_id;
	int64_t book_id;
	int32_t state;
	int32_t origin;
	int32_t limit; /* 0: no limit; order is always id ascending (oldest first) */
} lend_sys_request_filter;

/* A loan's renewal; key loan_id (a loan is renewed at most once). */
typedef struct lend_sys_renewal {
	int64_t loan_id;
	int64_t at;
	int64_t old_due_at;
	int64_t new_due_at;
	int64_t actor_id; /* the account that renewed, 0 for the administrator */
} lend_sys_renewal;

/* A freed copy reserved for a waiting reader (hand-off mode "reserve").
 * state: lend_reserve_state. */
typedef struct lend_sys_reserve {
	int64_t id;
	int64_t library_id;
	int64_t book_id;
	int64_t hold_id; /* the queue place it was reserved for */
	int64_t ticket_id;
	int64_t reader_id;
	int64_t created_at;
	int64_t expires_at;
	int32_t state;
	int64_t ended_at; /* 0 while active */
	int64_t loan_id;  /* CONFIRMED: the loan */
} lend_sys_reserve;

typedef struct lend_sys_reserve_filter {
	int64_t library_id;
	int64_t book_id;
	int64_t hold_id;
	int64_t reader_id;
	int32_t state;
	int64_t expires_before; /* expires_at <= expires_before */
	int32_t limit;          /* 0: no limit; order is always id ascending */
} lend_sys_reserve_filter;

/* A license with terms (like ODL) in a library's fund: `copies` loans at
 * once, until expires_at (0: no end), for checkouts_left more loans (-1: no
 * limit). closed_at: when it stopped lending (expired or used up), 0 while
 * open. The fund's copies count, besides perpetual copies, each open
 * license's `copies` and each closed one's loans still running. */
typedef struct lend_sys_license {
	int64_t id;
	int64_t library_id;
	int64_t book_id;
	int32_t copies;
	int64_t expires_at;
	int64_t checkouts_left;
	int64_t created_at;
	int64_t closed_at;
} lend_sys_license;

typedef struct lend_sys_license_filter {
	int64_t library_id;
	int64_t book_id;
	int32_t open;           /* 1: closed_at = 0 only */
	int64_t expires_before; /* 0 < expires_at <= expires_before */
	int32_t limit;          /* 0: no limit; order is always id ascending */
} lend_sys_license_filter;

typedef int (*lend_sys_request_cb)(void *ctx, const lend_sys_request *row);
typedef int (*lend_sys_license_cb)(void *ctx, const lend_sys_license *row);
typedef int (*lend_sys_reserve_cb)(void *ctx, const lend_sys_reserve *row);

/* -- accounts and sign-in */
/* A ticket's password: only its Argon2id hash string (crypto_pwhash_str
 * format, which names its own parameters). Key ticket_id. */
typedef struct lend_sys_credential {
	int64_t ticket_id;
	const char *hash;
	int64_t updated_at;
} lend_sys_credential;

/* A backup sign-in method. kind: 1 e-mail, 2 phone, 3 external identity;
 * value: the normalized address, or "provider\nsubject" for an identity.
 * A verified (kind, value) belongs to one row only; unverified rows may
 * repeat across readers. */
typedef struct lend_sys_method {
	int64_t id;
	int64_t reader_id;
	int32_t kind;
	const char *value;
	int64_t verified_at; /* 0: waiting for its code */
	int64_t created_at;
} lend_sys_method;

/* A one-time secret, stored only as the hex BLAKE2b-256 hash of its text.
 * purpose: 1 method confirmation code, 2 recovery token, 3 activation code. */
typedef struct lend_sys_secret {
	int64_t id;
	int64_t reader_id;
	int32_t purpose;
	int64_t method_id; /* the method it confirms or was sent to */
	const char *hash;  /* unique */
	int64_t created_at;
	int64_t expires_at;
	int32_t tries_left;
	int64_t used_at; /* 0: outstanding; set when used, spent or superseded */
} lend_sys_secret;

/* Failed sign-ins of one login; key: the hex hash of the login. */
typedef struct lend_sys_throttle {
	const char *login_key;
	int32_t failures;
	int64_t next_at;      /* no attempt before this time */
	int64_t locked_until; /* locked until this time */
	int64_t updated_at;
} lend_sys_throttle;

/* A signed-in device or app. origin: 1 password, 2 app activation,
 * 3 external identity. */
typedef struct lend_sys_session {
	int64_t id;
	int64_t reader_id;
	int32_t origin;
	const char *label;
	int64_t created_at;
	int64_t revoked_at; /* 0: live */
} lend_sys_session;

/* A security event (lend_audit_event); reader_id 0 for an unknown login.
 * detail holds key=value lines, never a secret. */
typedef struct lend_sys_audit {
	int64_t id;
	int64_t at;
	int32_t event;
	int64_t reader_id;
	int64_t actor_id; /* the account that acted (0: the administrator or nobody) */
	const char *detail;
} lend_sys_audit;

typedef int (*lend_sys_method_cb)(void *ctx, const lend_sys_method *row);
typedef int (*lend_sys_secret_cb)(void *ctx, const lend_sys_secret *row);
typedef int (*lend_sys_session_cb)(void *ctx, const lend_sys_session *row);
typedef int (*lend_sys_audit_cb)(void *ctx, const lend_sys_audit *row);

/* -- the reader's shelf */
/* A money movement on a reader's balance: amount > 0 credits, < 0 spends.
 * The balance in a currency is the sum of the reader's entries in it.
 * key: the host's idempotency key of a credit ("" or NULL for none); unique
 * per reader when not empty. kind: 1 credit, 2 purchase. */
typedef struct lend_sys_wallet {
	int64_t id;
	int64_t reader_id;
	int64_t at;
	int64_t amount;
	const char *currency;
	int32_t kind;
	int64_t book_id;
	const char *key;
} lend_sys_wallet;

/* A book bought for ever; key (reader_id, book_id). */
typedef struct lend_sys_purchase {
	int64_t id;
	int64_t reader_id;
	int64_t book_id;
	int64_t bought_at;
	int64_t price; /* the price at that moment */
	const char *currency;
	int64_t wallet_id; /* the spending entry */
} lend_sys_purchase;

/* A deferred ("put aside") book; key (reader_id, book_id). */
typedef struct lend_sys_deferred {
	int64_t id;
	int64_t reader_id;
	int64_t book_id;
	int64_t added_at;
} lend_sys_deferred;

/* Reading state of a reader in a book; key (reader_id, book_id). */
typedef struct lend_sys_reading {
	int64_t reader_id;
	int64_t book_id;
	int64_t position;    /* page, or second of audio */
	int32_t percent;     /* 0..100 */
	int64_t pages_read;
	int64_t opened_at;   /* the engine's clock at the last write */
	int64_t device_at;   /* the device's timestamp of the position kept */
	const char *device;
} lend_sys_reading;

typedef struct lend_sys_bookmark {
	int64_t id;
	int64_t reader_id;
	int64_t book_id;
	int64_t position;
	const char *note;
	int64_t created_at;
} lend_sys_bookmark;

/* An offline grant: a device may keep a book's file. loan_id 0: a bought
 * book. Validity is derived by the engine from the loan or the purchase.
 * Key (reader_id, device, book_id). */
typedef struct lend_sys_offline {
	int64_t id;
	int64_t reader_id;
	const char *device;
	int64_t book_id;
	int64_t loan_id;
	int64_t granted_at;
} lend_sys_offline;

/* A reader's notification preferences; key reader_id. muted: bit k set
 * switches notification kind k (1..63) off. channel: 0 none chosen,
 * 1 e-mail, 2 SMS. */
typedef struct lend_sys_prefs {
	int64_t reader_id;
	const char *lang; /* "ru" or "en" */
	int32_t channel;
	const char *email;
	const char *phone;
	int64_t muted;
} lend_sys_prefs;

/* What the shelf's tick already told: key (kind, subject_id), e.g. (4, loan
 * id) for a reminder sent, (7, hold id) with the last position told. */
typedef struct lend_sys_mark {
	int32_t kind;
	int64_t subject_id;
	int64_t value;
} lend_sys_mark;

typedef int (*lend_sys_wallet_cb)(void *ctx, const lend_sys_wallet *row);
typedef int (*lend_sys_purchase_cb)(void *ctx, const lend_sys_purchase *row);
typedef int (*lend_sys_deferred_cb)(void *ctx, const lend_sys_deferred *row);
typedef int (*lend_sys_reading_cb)(void *ctx, const lend_sys_reading *row);
typedef int (*lend_sys_bookmark_cb)(void *ctx, const lend_sys_bookmark *row);
typedef int (*lend_sys_offline_cb)(void *ctx, const lend_sys_offline *row);
typedef int (*lend_sys_prefs_cb)(void *ctx, const lend_sys_prefs *row);

/* -- the catalog */

/* An author: an entity with its own page. name is unique (exact bytes);
 * aliases are the other forms of the name (other scripts, spellings),
 * separated by '\n'. */
typedef struct lend_sys_author {
	int64_t id;
	const char *name;
	const char *aliases;
	int64_t created_at;
} lend_sys_author;

/* A reader's rating of a book; key (reader_id, book_id). */
typedef struct lend_sys_rating {
	int64_t reader_id;
	int64_t book_id;
	int32_t stars; /* 1..5 */
	int64_t rated_at;
} lend_sys_rating;

/* The stored rating counts of a book: count[i] readers gave i+1 stars. */
typedef struct lend_sys_rating_stats {
	int64_t book_id;
	int64_t count[5];
} lend_sys_rating_stats;

/* A review; ids grow (never reused). */
typedef struct lend_sys_review {
	int64_t id;
	int64_t reader_id;
	int64_t book_id;
	const char *text;
	int64_t created_at;
	int64_t updated_at;
} lend_sys_review;

/* Which listing book_listing gives; see LEND_SYS_LISTING_*. Keyset
 * pagination: the listing continues after (after_key, after_id) in its own
 * order; after_id 0 starts at the beginning. Withdrawn books never appear. */
typedef struct lend_sys_listing {
	int32_t what;       /* LEND_SYS_LISTING_* */
	int64_t library_id; /* FUND: the library */
	int64_t author_id;  /* AUTHOR */
	const char *genre;  /* GENRE: exact genre */
	int64_t reader_id;  /* RECOMMENDED: for whom */
	int64_t since;      /* POPULAR, RECOMMENDED: loans issued_at >= since */
	int64_t now;        /* NEW: created_at <= now; SOON: release_at > now */
	int32_t kind;       /* 0: any kind of book */
	int64_t after_key;
	int64_t after_id;
	int32_t limit;      /* 1.. */
} lend_sys_listing;

/* The listings and their orders (key, then book id, as named):
 * FUND        books with copies > 0 in library_id; key = book id, ascending.
 * AUTHOR      books linked to author_id; key = year, descending, then id descending.
 * GENRE       books with that genre; key = book id, descending (newest first).
 * NEW         books with created_at <= now; key = created_at, descending, then id descending.
 * POPULAR     books with loans issued since; key = that count, descending, then id ascending.
 * SOON        books with release_at > now; key = release_at, ascending, then id ascending.
 * RECOMMENDED books other readers of reader_id's books borrowed since, minus
 *             his own; key = how many such readers, descending, then id ascending. */
#define LEND_SYS_LISTING_FUND 1
#define LEND_SYS_LISTING_AUTHOR 2
#define LEND_SYS_LISTING_GENRE 3
#define LEND_SYS_LISTING_NEW 4
#define LEND_SYS_LISTING_POPULAR 5
#define LEND_SYS_LISTING_SOON 6
#define LEND_SYS_LISTING_RECOMMENDED 7

typedef int (*lend_sys_author_cb)(void *ctx, const lend_sys_author *row);
typedef int (*lend_sys_rating_cb)(void *ctx, const lend_sys_rating *row);
typedef int (*lend_sys_review_cb)(void *ctx, const lend_sys_review *row);
typedef int (*lend_sys_listed_cb)(void *ctx, int64_t book_id, int64_t key);

/* -- search */

/* The search index (see doc/search.md). Words come folded by the engine:
 * the backend compares bytes and never folds anything itself. */
typedef struct lend_sys_search_term {
	const char *word; /* a folded word */
	int64_t score;    /* how a match on this word ranks: larger is better */
} lend_sys_search_term;

/* What is indexed for one book. */
typedef struct lend_sys_search_doc {
	int64_t book_id;
	int32_t kind;
	const char *language; /* NULL: unknown */
	int32_t age_rating;
	int64_t rank; /* the popularity part of the scores, 0..999999 */
	/* The folded fields, one per line: "<class> word word ...". The
	 * backend stores it and hands it back with each candidate. */
	const char *keys;
	const lend_sys_search_term *terms; /* every distinct word once, best score */
	int32_t nterms;
} lend_sys_search_doc;

/* A lookup: every word must equal a term of the book, except that with
 * prefix = 1 the last word may also be the start of a term (bytes). */
typedef struct lend_sys_search_query {
	const char *const *words; /* folded, 1..16 of them */
	int32_t nwords;
	int32_t prefix;
	int32_t kind;         /* 0: any */
	const char *language; /* NULL: any */
	int32_t max_age;      /* age_rating <= max_age; -1: any */
	int32_t limit;        /* 1.. */
} lend_sys_search_query;

/* A candidate book, its score for the query, its keys. */
typedef int (*lend_sys_search_cb)(void *ctx, int64_t book_id, int64_t score, const char *keys);

/* ------------------------------------------------------------- filters */

/* Which loans a listing or count covers. A field left 0 does not filter. */
typedef struct lend_sys_loan_filter {
	int64_t reader_id;
	int64_t ticket_id;
	int64_t library_id;
	int64_t book_id;
	int32_t active;       /* 1: ended_at = 0 only; 2: ended_at != 0 only */
	int32_t origin;       /* lend_origin */
	int64_t due_before;   /* due_at <= due_before */
	int64_t issued_since; /* issued_at >= issued_since */
	int64_t after_id;     /* id > after_id */
	int32_t order;        /* see LEND_SYS_LOAN_ORDER_* */
	int32_t limit;        /* 0: no limit */
} lend_sys_loan_filter;

#define LEND_SYS_LOAN_ORDER_ID 0    /* id ascending */
#define LEND_SYS_LOAN_ORDER_DUE 1   /* due_at ascending, then id */
#define LEND_SYS_LOAN_ORDER_SHELF 2 /* active first, then issued_at descending, then id descending */

typedef struct lend_sys_hold_filter {
	int64_t library_id;
	int64_t book_id;
	int64_t ticket_id;
	int64_t reader_id;
	int32_t state;          /* lend_hold_state */
	int64_t before_id;      /* id < before_id (places ahead of a hold) */
	int64_t suspended_before; /* 0 < suspended_until <= suspended_before */
	int32_t limit;          /* 0: no limit; order is always id ascending */
} lend_sys_hold_filter;

typedef struct lend_sys_note_filter {
	int32_t pending;       /* 1: delivered_at = 0 only */
	int64_t due_before;    /* with pending: next_attempt_at <= due_before */
	int32_t limit;         /* 0: no limit; order is always id ascending */
} lend_sys_note_filter;

typedef int (*lend_sys_library_cb)(void *ctx, const lend_sys_library *row);
typedef int (*lend_sys_reader_cb)(void *ctx, const lend_sys_reader *row);
typedef int (*lend_sys_ticket_cb)(void *ctx, const lend_sys_ticket *row);
typedef int (*lend_sys_book_cb)(void *ctx, const lend_sys_book *row);
typedef int (*lend_sys_fund_cb)(void *ctx, const lend_sys_fund *row);
typedef int (*lend_sys_loan_cb)(void *ctx, const lend_sys_loan *row);
typedef int (*lend_sys_hold_cb)(void *ctx, const lend_sys_hold *row);
typedef int (*lend_sys_note_cb)(void *ctx, const lend_sys_note *row);
typedef int (*lend_sys_policy_cb)(void *ctx, const lend_sys_policy *row);
typedef int (*lend_sys_ledger_cb)(void *ctx, const lend_sys_ledger *row);

/* -------------------------------------------------------------- vtable */

struct lend_storage {
	unsigned int version; /* LEND_STORAGE_VERSION the backend was written for */
	void *userdata;

	/* Release the backend (optional). Called once, by lend_engine_close(). */
	void (*free)(void *ud);
	/* The last failure's message (optional); the engine copies it at once. */
	const char *(*errmsg)(void *ud);

	int (*begin)(void *ud, int write);
	int (*commit)(void *ud);
	int (*rollback)(void *ud);

	/* Libraries. insert sets row->id; update writes every field of the row
	 * with that id; list orders by id. */
	int (*library_insert)(void *ud, lend_sys_library *row);
	int (*library_update)(void *ud, const lend_sys_library *row);
	int (*library_get)(void *ud, int64_t id, lend_sys_library_cb cb, void *ctx);
	int (*library_list)(void *ud, lend_sys_library_cb cb, void *ctx);

	/* Staff grants: (reader_id, library_id) pairs. grant_insert of an
	 * existing pair is LEND_EEXISTS; grant_list orders by library_id. */
	int (*grant_insert)(void *ud, int64_t reader_id, int64_t library_id);
	int (*grant_delete)(void *ud, int64_t reader_id, int64_t library_id);
	int (*grant_list)(void *ud, int64_t reader_id, int (*cb)(void *ctx, int64_t library_id), void *ctx);

	int (*reader_insert)(void *ud, lend_sys_reader *row);
	int (*reader_update)(void *ud, const lend_sys_reader *row);
	int (*reader_get)(void *ud, int64_t id, lend_sys_reader_cb cb, void *ctx);

	/* Tickets. ticket_find looks up (library_id, number); ticket_list gives
	 * the tickets of reader_id (if non-zero) and/or library_id (if
	 * non-zero), by id. */
	int (*ticket_insert)(void *ud, lend_sys_ticket *row);
	int (*ticket_update)(void *ud, const lend_sys_ticket *row);
	int (*ticket_get)(void *ud, int64_t id, lend_sys_ticket_cb cb, void *ctx);
	int (*ticket_find)(void *ud, int64_t library_id, const char *number, lend_sys_ticket_cb cb, void *ctx);
	int (*ticket_list)(void *ud, int64_t reader_id, int64_t library_id, lend_sys_ticket_cb cb, void *ctx);

	/* Books. book_list: id > after_id, by id, at most limit (0: all). */
	int (*book_insert)(void *ud, lend_sys_book *row);
	int (*book_update)(void *ud, const lend_sys_book *row);
	int (*book_get)(void *ud, int64_t id, lend_sys_book_cb cb, void *ctx);
	int (*book_list)(void *ud, int64_t after_id, int32_t limit, lend_sys_book_cb cb, void *ctx);

	/* Fund. fund_get fills *out (ENOTFOUND if absent); fund_put inserts or
	 * replaces the row of (library_id, book_id). fund_list: the library's
	 * rows with book_id > after_book_id, by book_id, at most limit (0: all);
	 * library_id 0 lists every library's rows by (library_id, book_id). */
	int (*fund_get)(void *ud, int64_t library_id, int64_t book_id, lend_sys_fund *out);
	int (*fund_put)(void *ud, const lend_sys_fund *row);
	int (*fund_list)(void *ud, int64_t library_id, int64_t after_book_id, int32_t limit, lend_sys_fund_cb cb,
	                 void *ctx);

	/* Loans. loan_update writes every field of the row with that id. */
	int (*loan_insert)(void *ud, lend_sys_loan *row);
	int (*loan_update)(void *ud, const lend_sys_loan *row);
	int (*loan_get)(void *ud, int64_t id, lend_sys_loan_cb cb, void *ctx);
	int (*loan_list)(void *ud, const lend_sys_loan_filter *f, lend_sys_loan_cb cb, void *ctx);
	int (*loan_count)(void *ud, const lend_sys_loan_filter *f, int64_t *count);

	/* Queue places. hold_insert must give ids that grow (never reused). */
	int (*hold_insert)(void *ud, lend_sys_hold *row);
	int (*hold_update)(void *ud, const lend_sys_hold *row);
	int (*hold_get)(void *ud, int64_t id, lend_sys_hold_cb cb, void *ctx);
	int (*hold_list)(void *ud, const lend_sys_hold_filter *f, lend_sys_hold_cb cb, void *ctx);
	int (*hold_count)(void *ud, const lend_sys_hold_filter *f, int64_t *count);

	/* Outbox. */
	int (*note_insert)(void *ud, lend_sys_note *row);
	int (*note_update)(void *ud, const lend_sys_note *row);
	int (*note_list)(void *ud, const lend_sys_note_filter *f, lend_sys_note_cb cb, void *ctx);
	/* Optional (NULL: delivered notifications are kept for ever). Delete at
	 * most limit notifications with 0 < delivered_at < delivered_before,
	 * lowest id first; *pruned says how many went. */
	int (*note_prune)(void *ud, int64_t delivered_before, int32_t limit, int64_t *pruned);

	/* Policy. policy_list gives the library's own rows (ticket_id 0) and, if
	 * ticket_id is non-zero, that ticket's rows; in no particular order.
	 * policy_put inserts or replaces by key; policy_delete of a missing key
	 * is LEND_ENOTFOUND. */
	int (*policy_list)(void *ud, int64_t library_id, int64_t ticket_id, lend_sys_policy_cb cb, void *ctx);
	int (*policy_put)(void *ud, const lend_sys_policy *row);
	int (*policy_delete)(void *ud, const lend_sys_policy *key);

	/* Budget ledger. ledger_list: the library's entries with from <= at < to
	 * (to 0: no end), by id. */
	int (*ledger_insert)(void *ud, lend_sys_ledger *row);
	int (*ledger_list)(void *ud, int64_t library_id, int64_t from, int64_t to, lend_sys_ledger_cb cb, void *ctx);

	/* Optional (NULL: the engine reads each row apart). The rows a return
	 * starts from, in one read: the loan of that id (ENOTFOUND if none),
	 * the title of its book, the name of its library and the library's
	 * fund row of the book, each NULL when that row does not exist. */
	int (*return_rows)(void *ud, int64_t loan_id,
	                   int (*cb)(void *ctx, const lend_sys_loan *loan, const char *title, const char *library_name,
	                             const lend_sys_fund *fund),
	                   void *ctx);
	/* Optional (NULL: the engine asks the listings one by one). Whether
	 * there is anything for the engine to settle at `now`, in one read:
	 * *due = 1 when an active loan is due (ended_at = 0, due_at <= now), a
	 * waiting place's suspension ran out (state 1, 0 < suspended_until <=
	 * now), or, in a backend with the desk's methods, an open license
	 * expired (closed_at = 0, 0 < expires_at <= now), an active reservation
	 * expired (state 1, expires_at <= now) or, with started_after non-zero,
	 * a ticket's validity began (started_after < valid_from <= now); else
	 * *due = 0. */
	int (*settle_due)(void *ud, int64_t now, int64_t started_after, int32_t *due);
	/* Optional (NULL: the engine reads each row apart). The rows a verdict
	 * about (ticket_id, book_id) starts from, in one read: the ticket, its
	 * reader, its library, the book and the library's fund row of the book,
	 * each but the ticket NULL when that row does not exist (ENOTFOUND, cb
	 * not called, without the ticket). Only what a verdict reads is filled,
	 * the rest is 0 or NULL: the ticket and the fund row whole; the reader's
	 * id and birth_date; the library's id, name, currency and budget; the
	 * book's id, kind, title, age_rating, price, currency, lendable and
	 * release_at. */
	int (*verdict_rows)(void *ud, int64_t ticket_id, int64_t book_id,
	                    int (*cb)(void *ctx, const lend_sys_ticket *ticket, const lend_sys_reader *reader,
	                              const lend_sys_library *library, const lend_sys_book *book,
	                              const lend_sys_fund *fund),
	                    void *ctx);

	/* Methods of each area, in the area's own block. */
	/* -- the librarian's desk */
	/* Requests. request_insert sets row->id (ids grow); request_update
	 * writes every field of the row with that id (ENOTFOUND if none);
	 * request_list orders by id ascending. */
	int (*request_insert)(void *ud, lend_sys_request *row);
	int (*request_update)(void *ud, const lend_sys_request *row);
	int (*request_get)(void *ud, int64_t id, lend_sys_request_cb cb, void *ctx);
	int (*request_list)(void *ud, const lend_sys_request_filter *f, lend_sys_request_cb cb, void *ctx);
	int (*request_count)(void *ud, const lend_sys_request_filter *f, int64_t *count);
	/* Renewals: renewal_insert of a loan already renewed is LEND_EEXISTS;
	 * renewal_get fills *out or is LEND_ENOTFOUND. */
	int (*renewal_insert)(void *ud, const lend_sys_renewal *row);
	int (*renewal_get)(void *ud, int64_t loan_id, lend_sys_renewal *out);
	/* Tickets whose validity began in (after, upto]: after < valid_from <=
	 * upto, by id. */
	int (*ticket_started)(void *ud, int64_t after, int64_t upto, lend_sys_ticket_cb cb, void *ctx);
	/* Reservations. reserve_insert sets row->id (ids grow); reserve_update
	 * writes every field of the row with that id (ENOTFOUND if none);
	 * reserve_list orders by id ascending. */
	int (*reserve_insert)(void *ud, lend_sys_reserve *row);
	int (*reserve_update)(void *ud, const lend_sys_reserve *row);
	int (*reserve_get)(void *ud, int64_t id, lend_sys_reserve_cb cb, void *ctx);
	int (*reserve_list)(void *ud, const lend_sys_reserve_filter *f, lend_sys_reserve_cb cb, void *ctx);
	int (*reserve_count)(void *ud, const lend_sys_reserve_filter *f, int64_t *count);
	/* Licenses. license_insert sets row->id (ids grow); license_update
	 * writes every field of the row with that id; license_list orders by id.
	 * license_bind records which license a loan runs on (EEXISTS if the
	 * loan has one); license_of_loan gives it (ENOTFOUND: a perpetual
	 * copy); license_loans counts the license's loans still active
	 * (ended_at = 0). */
	int (*license_insert)(void *ud, lend_sys_license *row);
	int (*license_update)(void *ud, const lend_sys_license *row);
	int (*license_list)(void *ud, const lend_sys_license_filter *f, lend_sys_license_cb cb, void *ctx);
	int (*license_bind)(void *ud, int64_t loan_id, int64_t license_id);
	int (*license_of_loan)(void *ud, int64_t loan_id, int64_t *license_id);
	int (*license_loans)(void *ud, int64_t license_id, int64_t *active);

	/* -- accounts and sign-in */
	/* Credentials. cred_get fills *out (ENOTFOUND if the ticket has none),
	 * copying the hash into hash[hash_size] (LEND_ESTORAGE if it does not
	 * fit) and pointing out->hash at it; cred_put inserts
	 * or replaces the row of row->ticket_id. */
	int (*cred_get)(void *ud, int64_t ticket_id, lend_sys_credential *out, char *hash, size_t hash_size);
	int (*cred_put)(void *ud, const lend_sys_credential *row);
	/* Methods. method_insert sets row->id; it and method_update give
	 * LEND_EEXISTS when a verified (kind, value) would repeat. method_find
	 * gives the verified row of (kind, value) (ENOTFOUND if none);
	 * method_get the row of an id (ENOTFOUND if none); method_list the
	 * rows of reader_id by id; method_delete by id. */
	int (*method_insert)(void *ud, lend_sys_method *row);
	int (*method_update)(void *ud, const lend_sys_method *row);
	int (*method_delete)(void *ud, int64_t id);
	int (*method_find)(void *ud, int32_t kind, const char *value, lend_sys_method_cb cb, void *ctx);
	int (*method_list)(void *ud, int64_t reader_id, lend_sys_method_cb cb, void *ctx);
	int (*method_get)(void *ud, int64_t id, lend_sys_method_cb cb, void *ctx);
	/* One-time secrets. secret_insert sets row->id (LEND_EEXISTS on a
	 * repeated hash); secret_update writes every field by id; secret_find
	 * looks up the hash (ENOTFOUND if none); secret_list gives the
	 * outstanding (used_at = 0) rows of reader_id with that purpose (0: any),
	 * newest (highest id) first. */
	int (*secret_insert)(void *ud, lend_sys_secret *row);
	int (*secret_update)(void *ud, const lend_sys_secret *row);
	int (*secret_find)(void *ud, const char *hash, lend_sys_secret_cb cb, void *ctx);
	int (*secret_list)(void *ud, int64_t reader_id, int32_t purpose, lend_sys_secret_cb cb, void *ctx);
	/* Throttling. throttle_get fills *out (ENOTFOUND if the login has no
	 * row; out->login_key is NULL); throttle_put inserts or replaces by key;
	 * throttle_delete of a missing key is LEND_OK. */
	int (*throttle_get)(void *ud, const char *login_key, lend_sys_throttle *out);
	int (*throttle_put)(void *ud, const lend_sys_throttle *row);
	int (*throttle_delete)(void *ud, const char *login_key);
	/* Sessions. insert sets row->id (never reused); update writes every
	 * field by id; list gives the rows of reader_id by id. */
	int (*session_insert)(void *ud, lend_sys_session *row);
	int (*session_update)(void *ud, const lend_sys_session *row);
	int (*session_get)(void *ud, int64_t id, lend_sys_session_cb cb, void *ctx);
	int (*session_list)(void *ud, int64_t reader_id, lend_sys_session_cb cb, void *ctx);
	/* Audit log, append only. audit_list: rows of reader_id (0: every
	 * reader) with from <= at < to (to 0: no end), by id. */
	int (*audit_insert)(void *ud, lend_sys_audit *row);
	int (*audit_list)(void *ud, int64_t reader_id, int64_t from, int64_t to, lend_sys_audit_cb cb, void *ctx);
	/* Merging: give every credential-free row of the accounts tables
	 * (methods, secrets, sessions, audit) of reader `from` to reader `to`,
	 * and record that `from` was merged into `to`. merged_list gives the
	 * recorded (from, into) pairs by from. */
	int (*accounts_move)(void *ud, int64_t from, int64_t to, int64_t at);
	int (*merged_list)(void *ud, int (*cb)(void *ctx, int64_t from, int64_t into), void *ctx);
	/* Optional (NULL: audit entries are kept for ever). Delete at most
	 * limit audit rows with at < before, lowest id first; *pruned says how
	 * many went. */
	int (*audit_prune)(void *ud, int64_t before, int32_t limit, int64_t *pruned);
	/* Optional (NULL: ended sessions are kept for ever). Delete at most
	 * limit sessions, lowest id first, that were revoked before `before`
	 * (0 < revoked_at < before) or began before started_before (created_at
	 * < started_before; 0: none); *pruned says how many went. */
	int (*session_prune)(void *ud, int64_t before, int64_t started_before, int32_t limit, int64_t *pruned);

	/* -- the reader's shelf */
	/* Balance entries. wallet_insert sets row->id; EEXISTS when the reader
	 * already has an entry with the same non-empty key. wallet_update
	 * writes every field of the row with that id (EEXISTS as insert).
	 * wallet_find: the reader's entry with key (ENOTFOUND if none).
	 * wallet_list: the reader's entries by id. wallet_sum: the sum of the
	 * reader's amounts in currency (0 when none). */
	int (*wallet_insert)(void *ud, lend_sys_wallet *row);
	int (*wallet_update)(void *ud, const lend_sys_wallet *row);
	int (*wallet_find)(void *ud, int64_t reader_id, const char *key, lend_sys_wallet_cb cb, void *ctx);
	int (*wallet_list)(void *ud, int64_t reader_id, lend_sys_wallet_cb cb, void *ctx);
	int (*wallet_sum)(void *ud, int64_t reader_id, const char *currency, int64_t *sum);
	/* Every reader with at least one entry, by reader id (for checks). */
	int (*wallet_readers)(void *ud, int (*cb)(void *ctx, int64_t reader_id), void *ctx);
	/* Purchases. insert sets row->id, EEXISTS for a (reader_id, book_id)
	 * already bought; get by (reader_id, book_id), ENOTFOUND if none;
	 * list: the reader's purchases with id > after_id by id, at most limit
	 * (0: all); update writes every field by id; delete by id. */
	int (*purchase_insert)(void *ud, lend_sys_purchase *row);
	int (*purchase_get)(void *ud, int64_t reader_id, int64_t book_id, lend_sys_purchase_cb cb, void *ctx);
	int (*purchase_list)(void *ud, int64_t reader_id, int64_t after_id, int32_t limit, lend_sys_purchase_cb cb,
	                     void *ctx);
	int (*purchase_update)(void *ud, const lend_sys_purchase *row);
	int (*purchase_delete)(void *ud, int64_t id);
	/* Deferred books, like purchases: insert (EEXISTS for the same reader
	 * and book), list by id, update by id, delete by id (ENOTFOUND). */
	int (*deferred_insert)(void *ud, lend_sys_deferred *row);
	int (*deferred_list)(void *ud, int64_t reader_id, int64_t after_id, int32_t limit, lend_sys_deferred_cb cb,
	                     void *ctx);
	int (*deferred_update)(void *ud, const lend_sys_deferred *row);
	int (*deferred_delete)(void *ud, int64_t id);
	/* Reading state: get by key (ENOTFOUND), put inserts or replaces by key,
	 * list the reader's rows by book_id, delete by key (ENOTFOUND). */
	int (*reading_get)(void *ud, int64_t reader_id, int64_t book_id, lend_sys_reading_cb cb, void *ctx);
	int (*reading_put)(void *ud, const lend_sys_reading *row);
	int (*reading_list)(void *ud, int64_t reader_id, lend_sys_reading_cb cb, void *ctx);
	int (*reading_delete)(void *ud, int64_t reader_id, int64_t book_id);
	/* Bookmarks: insert sets row->id; get by id; list the reader's bookmarks
	 * of book_id (0: of every book) by (book_id, position, id); update
	 * writes every field by id; delete by id (ENOTFOUND). */
	int (*bookmark_insert)(void *ud, lend_sys_bookmark *row);
	int (*bookmark_get)(void *ud, int64_t id, lend_sys_bookmark_cb cb, void *ctx);
	int (*bookmark_list)(void *ud, int64_t reader_id, int64_t book_id, lend_sys_bookmark_cb cb, void *ctx);
	int (*bookmark_update)(void *ud, const lend_sys_bookmark *row);
	int (*bookmark_delete)(void *ud, int64_t id);
	/* Offline grants: put inserts, or replaces the row of the same
	 * (reader_id, device, book_id) keeping its id, and sets row->id; list
	 * the reader's grants of device (NULL: every device) by id; delete by
	 * id (ENOTFOUND). */
	int (*offline_put)(void *ud, lend_sys_offline *row);
	int (*offline_list)(void *ud, int64_t reader_id, const char *device, lend_sys_offline_cb cb, void *ctx);
	int (*offline_delete)(void *ud, int64_t id);
	/* Preferences: get (ENOTFOUND when never set), put inserts or replaces,
	 * delete (ENOTFOUND). */
	int (*prefs_get)(void *ud, int64_t reader_id, lend_sys_prefs_cb cb, void *ctx);
	int (*prefs_put)(void *ud, const lend_sys_prefs *row);
	int (*prefs_delete)(void *ud, int64_t reader_id);
	/* Marks: get fills *out (ENOTFOUND if absent); put inserts or replaces
	 * by (kind, subject_id). Marks are never deleted. */
	int (*mark_get)(void *ud, int32_t kind, int64_t subject_id, lend_sys_mark *out);
	int (*mark_put)(void *ud, const lend_sys_mark *row);

	/* -- the catalog */
	/* Authors. author_insert sets row->id (EEXISTS: the name exists);
	 * author_update writes name and aliases of the row with that id;
	 * author_find looks the exact name up (ENOTFOUND if none). */
	int (*author_insert)(void *ud, lend_sys_author *row);
	int (*author_update)(void *ud, const lend_sys_author *row);
	int (*author_get)(void *ud, int64_t id, lend_sys_author_cb cb, void *ctx);
	int (*author_find)(void *ud, const char *name, lend_sys_author_cb cb, void *ctx);
	/* A book's links: book_authors_set replaces them with ids[0..n) in that
	 * order (role 1: authors, 2: narrators); book_authors_list gives the
	 * author rows of a role in that order. */
	int (*book_authors_set)(void *ud, int64_t book_id, int32_t role, const int64_t *ids, int32_t n);
	int (*book_authors_list)(void *ud, int64_t book_id, int32_t role, lend_sys_author_cb cb, void *ctx);
	/* The id of the book with that external_id (ENOTFOUND if none). */
	int (*book_find_external)(void *ud, const char *external_id, int64_t *book_id);
	/* Replace the book's genres (for GENRE listings) with genres ('\n'-separated). */
	int (*book_genres_set)(void *ud, int64_t book_id, const char *genres);
	/* A listing page: book ids with their keys in the order documented at
	 * LEND_SYS_LISTING_*, at most q->limit. */
	int (*book_listing)(void *ud, const lend_sys_listing *q, lend_sys_listed_cb cb, void *ctx);
	/* Ratings. rating_get fills *out (ENOTFOUND if none); rating_put inserts
	 * or replaces by key; rating_delete of a missing key is ENOTFOUND.
	 * rating_list: the rows of reader_id (if non-zero) and/or book_id (if
	 * non-zero), by (book_id, reader_id). */
	int (*rating_get)(void *ud, int64_t reader_id, int64_t book_id, lend_sys_rating *out);
	int (*rating_put)(void *ud, const lend_sys_rating *row);
	int (*rating_delete)(void *ud, int64_t reader_id, int64_t book_id);
	int (*rating_list)(void *ud, int64_t reader_id, int64_t book_id, lend_sys_rating_cb cb, void *ctx);
	/* Stored counts per star: stats_get gives zeros for a book never rated;
	 * stats_put inserts or replaces; stats_list gives every row by book_id. */
	int (*rating_stats_get)(void *ud, int64_t book_id, lend_sys_rating_stats *out);
	int (*rating_stats_put)(void *ud, const lend_sys_rating_stats *row);
	int (*rating_stats_list)(void *ud, int (*cb)(void *ctx, const lend_sys_rating_stats *row), void *ctx);
	/* Reviews. review_insert sets row->id; review_update writes text and
	 * updated_at (and reader_id) of the row with that id; review_delete of a
	 * missing id is ENOTFOUND. review_list: the reviews of book_id (if
	 * non-zero) and/or reader_id (if non-zero) with id < before_id (0: no
	 * bound), by id descending (newest first), at most limit (0: all). */
	int (*review_insert)(void *ud, lend_sys_review *row);
	int (*review_update)(void *ud, const lend_sys_review *row);
	int (*review_delete)(void *ud, int64_t id);
	int (*review_get)(void *ud, int64_t id, lend_sys_review_cb cb, void *ctx);
	int (*review_list)(void *ud, int64_t book_id, int64_t reader_id, int64_t before_id, int32_t limit,
	                   lend_sys_review_cb cb, void *ctx);

	/* -- search */
	/* The search index. Optional: when search_match is NULL the engine
	 * scans the books itself (slowly); a backend sets all three or none.
	 * search_put inserts or replaces the document of doc->book_id;
	 * search_delete removes it (ENOTFOUND if there is none).
	 * search_match gives the books that match q and pass its filters, each
	 * with its score: the highest score among its terms that the last word
	 * matches; by score descending, then book_id ascending; at most
	 * q->limit. */
	int (*search_put)(void *ud, const lend_sys_search_doc *doc);
	int (*search_delete)(void *ud, int64_t book_id);
	int (*search_match)(void *ud, const lend_sys_search_query *q, lend_sys_search_cb cb, void *ctx);
	/* Which words are in the index: found[i] = 1 when some indexed book has
	 * a term equal to words[i] (with prefix = 1: a term starting with it),
	 * else 0. Optional even with the three above (NULL: the engine asks
	 * search_match for each word); the typo fallback asks it about a few
	 * hundred words at once (doc/search.md). */
	int (*search_vocab)(void *ud, const char *const *words, int32_t nwords, int32_t prefix, int32_t *found);
};

/* Fill *s with zeros and set its version (like LEND_STORAGE_INIT). */
LEND_EXTERN int lend_storage_init(lend_storage *s, unsigned int version);
#define LEND_STORAGE_INIT {LEND_STORAGE_VERSION}

/* The built-in SQLite backend, for hosts that wrap it (a cache, a logger, a
 * fault injector). path as for lend_engine_open(); busy_timeout_ms <= 0 means
 * the default (5000). On success *out is filled and owns its userdata (its
 * free() closes the database). On failure *out is zeroed and, if errbuf is
 * not NULL, the reason is written there (at most errlen bytes, NUL-ended). */
LEND_EXTERN int lend_storage_sqlite(lend_storage *out, const char *path, int busy_timeout_ms, char *errbuf,
                                    size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* LEND_SYS_STORAGE_H */
