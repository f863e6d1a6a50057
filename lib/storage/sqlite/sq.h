/* lib/storage/sqlite/sq.h — what the files of the SQLite backend share.
 *
 * sqlite.c holds the connection, the transactions and the core tables; each
 * area of the engine (the librarian's desk, accounts, the shelf, the catalog)
 * keeps its tables' SQL and its methods in a file of its own, built on these
 * helpers, and wires its methods into the vtable with sq__<area>_methods().
 *
 * Statements: sq__prep() prepares a statement once and caches it under the
 * address of its SQL text, so pass a static const string. Every statement
 * must be finished with sq__done() (sq__run and sq__run_count call it
 * themselves) on every path, so no read is left pending.
 */
#ifndef LEND_STORAGE_SQLITE_SQ_H
#define LEND_STORAGE_SQLITE_SQ_H

#include <sqlite3.h>

#include "lend/sys/storage.h"

typedef struct sq sq;

sqlite3 *sq__db(sq *s);
/* A cached statement for sql (a static string); a temporary one when the
 * cached one is still stepping (a nested call from a callback). */
int sq__prep(sq *s, const char *sql, sqlite3_stmt **out, const char *what);
/* Reset (or finalize, if temporary) a statement after use. */
void sq__done(sq *s, sqlite3_stmt *st);
/* Record a failure: SQLite's message for rc, or msg with a status. Each
 * returns the lend status to pass on. */
int sq__fail(sq *s, const char *what, int rc);
int sq__fail_msg(sq *s, const char *what, const char *msg, int status);
int sq__not_found(sq *s, const char *what);
/* Run a bound write; need_change: ENOTFOUND when it matched no row. */
int sq__run(sq *s, sqlite3_stmt *st, const char *what, int need_change);
/* The outcome of binding (SQLITE_OK, or SQLite's code): LEND_OK, or the
 * failure recorded and the statement finished. */
int sq__bound(sq *s, sqlite3_stmt *st, const char *what, int rc);
/* Run a bound single-value query into *value. */
int sq__run_count(sq *s, sqlite3_stmt *st, const char *what, int64_t *value);
/* A column's text, "" for NULL (NULL only when out of memory). */
const char *sq__text(sqlite3_stmt *st, int col);

/* The areas: each defines its methods and its schema (one migration, applied
 * in this order after the core's; "" when the area has no tables yet). */
void sq__desk_methods(lend_storage *out);
extern const char sq__desk_schema[];
void sq__accounts_methods(lend_storage *out);
extern const char sq__accounts_schema[];
void sq__shelf_methods(lend_storage *out);
extern const char sq__shelf_schema[];
void sq__catalog_methods(lend_storage *out);
extern const char sq__catalog_schema[];
void sq__search_methods(lend_storage *out);
extern const char sq__search_schema[];
extern const char sq__search_prefix_migration[];
extern const char sq__search_state_migration[];

/* The books that hold a word (search_cache.c): a bitmap of ids, or a
 * sorted array of them when that is smaller; n is their count. */
typedef struct sq_books {
	uint64_t *bits;
	size_t nbits; /* 64-bit words of bits */
	int64_t *ids;
	size_t n;
} sq_books;
struct sq_search_cache;
/* The connection's kept sets (sqlite.c owns the slot and frees it). */
struct sq_search_cache **sq__search_cache(sq *s);
void sq__search_cache_free(struct sq_search_cache *c);
/* At the start of a query: drop the kept sets unless the index is as they
 * were made, and keep those this query uses. */
int sq__search_cache_check(sq *s);
/* Before each write of the index: a new generation in search_state. */
int sq__search_cache_write(sq *s);
/* Book id joins (on = 1) or leaves (on = 0) the kept set of the word w (n
 * bytes), if there is one. */
void sq__books_note(sq *s, const char *w, size_t n, int64_t id, int on);
/* The FTS5 query of one word, quoted (a prefix gets its star); malloc'd,
 * NULL when memory ran out (search.c). */
char *sq__fts_word(const char *w, int prefix);
/* The books of `word`, from the kept sets or read from FTS5 (on a miss
 * only); *out points at a kept set or at *own, which the caller frees with
 * sq__books_free (it is empty when the set is kept). */
int sq__books_of(sq *s, const char *word, const sq_books **out, sq_books *own);
int sq__books_has(const sq_books *b, int64_t id);
/* A word of a book's terms ("score word" lines, search.c) and its score. */
typedef struct sq_term {
	const char *w;
	size_t n;
	int64_t score;
} sq_term;
/* Parse "score word" lines into t (at most max); returns the count. */
size_t sq__parse_terms(const char *s, sq_term *t, size_t max);
/* The lines of s: an upper bound of its terms. */
size_t sq__count_lines(const char *s);
/* A book's search document, as search_doc holds it, its terms parsed. */
typedef struct sq_doc {
	int64_t book_id;
	int kind, age_rating;
	const char *language; /* NULL when none */
	const char *keys;
	const sq_term *term;
	size_t nterms;
	size_t bytes;
	int ref;
} sq_doc;
/* The document of book_id read from search_doc, malloc'd, never kept
 * (*out NULL when there is none). */
int sq__search_doc_read(sq *s, int64_t book_id, sq_doc **out);
/* The document of book_id, kept or read (*out NULL when there is none);
 * *out is valid until the next call of this function. */
int sq__search_doc(sq *s, int64_t book_id, const sq_doc **out);
/* Whether the document of book_id is kept (reading it costs no lookup). */
int sq__search_doc_kept(sq *s, int64_t book_id);
/* A write of the index changes this book: its kept document is dropped. */
void sq__search_cache_forget(sq *s, int64_t book_id);
/* For the tests: other bounds (bytes of sets, bytes of documents, the
 * fewest books of a set that is kept); drops what is kept. */
int sq__search_cache_limits(sq *s, size_t sets_bytes, size_t docs_bytes, size_t keep_min);
/* For the tests: 0 when what is kept is consistent (every document found
 * from its id, the byte counts right and within their bounds). */
int sq__search_cache_selfcheck(sq *s);
void sq__books_free(sq_books *b);

#endif
