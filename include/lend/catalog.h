/* lend/catalog.h — the catalog: book metadata, authors, import, listings, ratings and
 * reviews.
 *
 * Included by lend.h; do not include it alone. */
#ifndef LEND_CATALOG_H
#define LEND_CATALOG_H

#ifndef LEND_H
#error "include lend.h, not lend/catalog.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------ book metadata */

/* More of a book's metadata (spec section 1), beside the setters in lend.h.
 * Each setter validates and copies; NULL or "" clears a text field. Texts are
 * UTF-8 without control characters unless said otherwise. */
LEND_EXTERN int lend_book_set_subtitle(lend_book *b, const char *subtitle);     /* <= 1000 bytes */
LEND_EXTERN int lend_book_set_series(lend_book *b, const char *series, int number); /* <= 500 bytes; number >= 0 */
/* ISO 639 code: 2 to 16 bytes of lower-case ASCII letters, '-' or '/' ("ru", "en", "de/en"). */
LEND_EXTERN int lend_book_set_language(lend_book *b, const char *code);
/* Append a narrator (audiobooks), in order: <= 64 names of <= 300 bytes. */
LEND_EXTERN int lend_book_add_narrator(lend_book *b, const char *name);
LEND_EXTERN int lend_book_set_publisher(lend_book *b, const char *publisher); /* <= 300 bytes */
LEND_EXTERN int lend_book_set_year(lend_book *b, int year);                   /* 0 (unknown) or 1..9999 */
/* An ISBN-10 or ISBN-13, with or without hyphens and spaces; the check digit
 * must be right. Stored normalized as 13 digits ("978..."). NULL/"" clears. */
LEND_EXTERN int lend_book_set_isbn(lend_book *b, const char *isbn);
/* Append a genre: <= 32 genres of <= 200 bytes. */
LEND_EXTERN int lend_book_add_genre(lend_book *b, const char *genre);
/* The annotation: <= 20000 bytes; line breaks ('\n') are allowed. */
LEND_EXTERN int lend_book_set_annotation(lend_book *b, const char *text);
/* How much may be read or heard before borrowing: pages of an e-book or
 * seconds of an audiobook (>= 0). */
LEND_EXTERN int lend_book_set_preview(lend_book *b, int amount);
/* The length: pages of an e-book or seconds of an audiobook (>= 0, 0 unknown). */
LEND_EXTERN int lend_book_set_length(lend_book *b, int64_t amount);
/* The importer's key (<= 200 bytes): unique in the catalog. */
LEND_EXTERN int lend_book_set_external_id(lend_book *b, const char *id);

LEND_EXTERN const char *lend_book_subtitle(const lend_book *b);
LEND_EXTERN const char *lend_book_series(const lend_book *b);
LEND_EXTERN int lend_book_series_number(const lend_book *b);
LEND_EXTERN const char *lend_book_language(const lend_book *b);
LEND_EXTERN size_t lend_book_narrator_count(const lend_book *b);
LEND_EXTERN const char *lend_book_narrator(const lend_book *b, size_t i); /* NULL past the end */
LEND_EXTERN const char *lend_book_publisher(const lend_book *b);
LEND_EXTERN int lend_book_year(const lend_book *b);
LEND_EXTERN const char *lend_book_isbn(const lend_book *b); /* 13 digits or "" */
LEND_EXTERN size_t lend_book_genre_count(const lend_book *b);
LEND_EXTERN const char *lend_book_genre(const lend_book *b, size_t i); /* NULL past the end */
LEND_EXTERN const char *lend_book_annotation(const lend_book *b);
LEND_EXTERN int lend_book_preview(const lend_book *b);
LEND_EXTERN int64_t lend_book_length(const lend_book *b);
LEND_EXTERN const char *lend_book_external_id(const lend_book *b);
/* When the book was withdrawn from the catalog; 0 while it is in it. */
LEND_EXTERN int64_t lend_book_withdrawn_at(const lend_book *b);
LEND_EXTERN int64_t lend_book_created_at(const lend_book *b);
LEND_EXTERN int64_t lend_book_updated_at(const lend_book *b);

/* Withdraw a book from the catalog (admin): it is no longer lendable and
 * leaves every listing and search, while its loans, queue places, ratings
 * and reviews stay. Loans already running go on until they end.
 * LEND_ESTATE if it was withdrawn already. Update metadata with
 * lend_book_update() (lend.h), which keeps the external id when b has none. */
LEND_EXTERN int lend_book_withdraw(lend_engine *e, const lend_actor *a, int64_t book_id);

/* -------------------------------------------------------------- authors */

/* Authors are entities: every name given to lend_book_add_author() or
 * lend_book_add_narrator() is linked to the author of exactly that name
 * (created on first use). An author has other forms of the name (aliases:
 * other scripts, spellings) that search matches too. */
typedef struct lend_author lend_author;
typedef struct lend_authors lend_authors;

enum lend_author_role {
	LEND_ROLE_AUTHOR = 1,
	LEND_ROLE_NARRATOR = 2
};

LEND_EXTERN int lend_author_get(lend_engine *e, const lend_actor *a, int64_t author_id, lend_author **out);
/* The author of exactly this name (ENOTFOUND if none). */
LEND_EXTERN int lend_author_find(lend_engine *e, const lend_actor *a, const char *name, lend_author **out);
/* Add another form of the name (admin; <= 300 bytes, <= 64 aliases); adding
 * one it has already, or its own name, changes nothing. */
LEND_EXTERN int lend_author_add_alias(lend_engine *e, const lend_actor *a, int64_t author_id, const char *alias);
/* A book's authors (role LEND_ROLE_AUTHOR) or narrators, in order. */
LEND_EXTERN int lend_book_authors(lend_engine *e, const lend_actor *a, int64_t book_id, int role,
                                  lend_authors **out);
LEND_EXTERN int64_t lend_author_id(const lend_author *au);
LEND_EXTERN const char *lend_author_name(const lend_author *au);
LEND_EXTERN size_t lend_author_alias_count(const lend_author *au);
LEND_EXTERN const char *lend_author_alias(const lend_author *au, size_t i); /* NULL past the end */
LEND_EXTERN void lend_author_free(lend_author *au);
LEND_EXTERN size_t lend_authors_count(const lend_authors *l);
LEND_EXTERN const lend_author *lend_authors_get(const lend_authors *l, size_t i);
LEND_EXTERN void lend_authors_free(lend_authors *l);

/* -------------------------------------------------------------- import */

/* Import a catalog file (admin only): CSV with a header row, or JSON Lines
 * (one object per line); the columns and keys are in doc/catalog.md. The
 * file is read as a stream and written in transactions of 1000 rows, so a
 * failure of the storage keeps the batches written before it; re-running
 * the import then completes it. Rows are matched by external_id: a row
 * whose external_id exists updates that book (or leaves it unchanged), so a
 * re-import never duplicates; a row without one is always added. A bad row
 * (no title, a bad ISBN, invalid UTF-8, ...) is reported with its line and
 * reason and skipped; the import goes on. */
enum lend_import_format {
	LEND_IMPORT_AUTO = 0, /* by the file name: ".jsonl"/".ndjson"/".json" is JSON Lines, else CSV */
	LEND_IMPORT_CSV = 1,
	LEND_IMPORT_JSONL = 2
};
/* Called after every batch and at the end with the rows done (good and bad)
 * and the rows in the file; a non-zero return stops the import after the
 * batches written so far (the call then returns LEND_EUSER). */
typedef int (*lend_import_progress_fn)(void *userdata, int64_t rows_done, int64_t rows_total);
typedef struct lend_import_report lend_import_report;

/* *out (optional) gets the report, also when the import stops on an error. */
LEND_EXTERN int lend_catalog_import(lend_engine *e, const lend_actor *a, const char *path, int format,
                                    lend_import_progress_fn progress, void *userdata, lend_import_report **out);
LEND_EXTERN int64_t lend_import_report_rows(const lend_import_report *r);      /* data rows read */
LEND_EXTERN int64_t lend_import_report_added(const lend_import_report *r);
LEND_EXTERN int64_t lend_import_report_updated(const lend_import_report *r);
LEND_EXTERN int64_t lend_import_report_unchanged(const lend_import_report *r);
LEND_EXTERN int64_t lend_import_report_failed(const lend_import_report *r);    /* bad rows */
/* The ids of the books the good rows added, updated or left, in file order. */
LEND_EXTERN size_t lend_import_report_book_count(const lend_import_report *r);
LEND_EXTERN int64_t lend_import_report_book_id(const lend_import_report *r, size_t i);
/* The first 1000 bad rows: the line where each starts (1-based) and why. */
LEND_EXTERN size_t lend_import_report_error_count(const lend_import_report *r);
LEND_EXTERN int64_t lend_import_report_error_line(const lend_import_report *r, size_t i);
LEND_EXTERN const char *lend_import_report_error_reason(const lend_import_report *r, size_t i);
LEND_EXTERN void lend_import_report_free(lend_import_report *r);

/* ------------------------------------------------------------ listings */

/* Listings of books, each page with the asking reader's availability verdict
 * for every book when a ticket is given (section 3 of the spec: a book the
 * reader is too young for shows as REFUSED with LEND_REASON_AGE). Withdrawn
 * books never appear. Pages follow a cursor (keyset pagination): a page is
 * continued with lend_listing_next() of the previous one, so books added
 * between pages neither repeat nor push others out. */
enum lend_list {
	LEND_LIST_FUND = 1,       /* a library's fund, "in the library": by book id */
	LEND_LIST_AUTHOR = 2,     /* an author's books (any role): newest year first, then id descending */
	LEND_LIST_GENRE = 3,      /* a genre: newest added first (id descending) */
	LEND_LIST_NEW = 4,        /* new arrivals, released: by time added, newest first */
	LEND_LIST_POPULAR = 5,    /* most loans in the last N days (in the library if set), then by id */
	LEND_LIST_SOON = 6,       /* "coming soon": release date in the future, soonest first */
	LEND_LIST_RECOMMENDED = 7 /* "what to read": books most borrowed in the last N days by the
	                           * readers who borrowed the reader's books, his own left out */
};
typedef struct lend_list_query lend_list_query;
typedef struct lend_listing lend_listing;

LEND_EXTERN int lend_list_query_new(lend_list_query **out, int list); /* list: lend_list */
LEND_EXTERN void lend_list_query_free(lend_list_query *q);
/* The ticket whose reader gets verdicts (0: none). Its library is the
 * library of FUND and POPULAR unless one is set, and its reader is the
 * reader of RECOMMENDED unless one is set. */
LEND_EXTERN int lend_list_query_set_ticket(lend_list_query *q, int64_t ticket_id);
LEND_EXTERN int lend_list_query_set_library(lend_list_query *q, int64_t library_id);
LEND_EXTERN int lend_list_query_set_reader(lend_list_query *q, int64_t reader_id);
LEND_EXTERN int lend_list_query_set_author(lend_list_query *q, int64_t author_id);
LEND_EXTERN int lend_list_query_set_genre(lend_list_query *q, const char *genre);
LEND_EXTERN int lend_list_query_set_kind(lend_list_query *q, int kind); /* LEND_KIND_ANY (default) or one kind */
LEND_EXTERN int lend_list_query_set_days(lend_list_query *q, int days); /* POPULAR, RECOMMENDED: 1..3650, default 30 */
LEND_EXTERN int lend_list_query_set_limit(lend_list_query *q, int limit); /* 1..1000, default 20 */
/* Continue after a page: the cursor lend_listing_next() gave (NULL/"": the first page). */
LEND_EXTERN int lend_list_query_set_cursor(lend_list_query *q, const char *cursor);

/* One page. Any actor lists; verdicts need the ticket's holder, a librarian
 * of its library or admin; a reader set (any list: his age marks the books)
 * and RECOMMENDED's reader need access to him (EPERM otherwise). */
LEND_EXTERN int lend_list_books(lend_engine *e, const lend_actor *a, const lend_list_query *q, lend_listing **out);
LEND_EXTERN size_t lend_listing_count(const lend_listing *l);
LEND_EXTERN const lend_book *lend_listing_book(const lend_listing *l, size_t i);
/* The verdict for the query's ticket; NULL when the query has none. */
LEND_EXTERN const lend_availability *lend_listing_availability(const lend_listing *l, size_t i);
/* 1 if the reader is old enough for the book's age rating: the ticket's
 * holder, else the reader set, else the asking reader; 1 when the listing is
 * for no reader (spec 8: books a reader may not borrow are marked). */
LEND_EXTERN int lend_listing_age_ok(const lend_listing *l, size_t i);
/* The value the listing is ordered by (POPULAR: loans; RECOMMENDED: readers; ...). */
LEND_EXTERN int64_t lend_listing_key(const lend_listing *l, size_t i);
/* The cursor of the next page; "" when this page is the last. */
LEND_EXTERN const char *lend_listing_next(const lend_listing *l);
LEND_EXTERN void lend_listing_free(lend_listing *l);

/* ------------------------------------------------------------- ratings */

/* A reader rates a book 1 to 5 stars: one rating per reader and book,
 * changeable and removable (the reader himself, or admin). */
typedef struct lend_rating_summary lend_rating_summary;
LEND_EXTERN int lend_rating_set(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id, int stars);
/* ENOTFOUND if the reader has not rated the book. */
LEND_EXTERN int lend_rating_remove(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id);
/* The reader's own rating: *stars 1..5, or 0 if none. */
LEND_EXTERN int lend_rating_get(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id, int *stars);
/* A book's ratings: how many readers gave each number of stars (any actor). */
LEND_EXTERN int lend_book_rating(lend_engine *e, const lend_actor *a, int64_t book_id, lend_rating_summary **out);
LEND_EXTERN int64_t lend_rating_summary_total(const lend_rating_summary *s);
LEND_EXTERN int64_t lend_rating_summary_count(const lend_rating_summary *s, int stars); /* stars 1..5 */
LEND_EXTERN double lend_rating_summary_average(const lend_rating_summary *s);           /* 0 when none */
LEND_EXTERN void lend_rating_summary_free(lend_rating_summary *s);

/* ------------------------------------------------------------- reviews */

/* Reviews: text of 1 to 10000 bytes (line breaks allowed). A reader writes
 * them as himself; only the writer (or admin) edits or deletes one. Anyone
 * lists a book's reviews, newest first, before_id (0: from the newest)
 * continuing a listing at the last id seen. */
typedef struct lend_review lend_review;
typedef struct lend_reviews lend_reviews;
LEND_EXTERN int lend_review_add(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t book_id,
                                const char *text, int64_t *id_out);
LEND_EXTERN int lend_review_edit(lend_engine *e, const lend_actor *a, int64_t review_id, const char *text);
LEND_EXTERN int lend_review_delete(lend_engine *e, const lend_actor *a, int64_t review_id);
LEND_EXTERN int lend_review_list(lend_engine *e, const lend_actor *a, int64_t book_id, int64_t before_id, int limit,
                                 lend_reviews **out); /* limit 1..1000 */
LEND_EXTERN int64_t lend_review_id(const lend_review *r);
LEND_EXTERN int64_t lend_review_reader_id(const lend_review *r);
LEND_EXTERN int64_t lend_review_book_id(const lend_review *r);
LEND_EXTERN const char *lend_review_text(const lend_review *r);
LEND_EXTERN int64_t lend_review_created_at(const lend_review *r);
LEND_EXTERN int64_t lend_review_updated_at(const lend_review *r);
LEND_EXTERN void lend_review_free(lend_review *r);
LEND_EXTERN size_t lend_reviews_count(const lend_reviews *l);
LEND_EXTERN const lend_review *lend_reviews_get(const lend_reviews *l, size_t i);
LEND_EXTERN void lend_reviews_free(lend_reviews *l);

/* 1 if isbn is a valid ISBN-10 or ISBN-13; out13 (optional, 14 bytes) gets
 * its ISBN-13 digits. */
LEND_EXTERN int lend_isbn_normalize(const char *isbn, char out13[14]);

#ifdef __cplusplus
}
#endif

#endif /* LEND_CATALOG_H */
