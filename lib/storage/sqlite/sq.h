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
extern const char sq__search_log_migration[];

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
/* At the start of a query: bring what is kept up to the index's writes
 * (search_log), and keep the sets this query uses. */
int sq__search_cache_check(sq *s);
/* Before each write of a book's index: a row of search_log. */
int sq__search_cache_write(sq *s, int64_t book_id);
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
} sq_doc;
/* The document of book_id read from search_doc, malloc'd (*out NULL when
 * there is none). */
int sq__search_doc_read(sq *s, int64_t book_id, sq_doc **out);

/* FNV-1a of n bytes: the kept sets' and the copy's hash of a word. */
uint64_t sq__hash(const char *w, size_t n);

/* A connection's copy of every book's document (search_copy.c). */
typedef struct sq_copy {
	int on;                /* loaded, and true at the row of search_log the cache saw */
	int far;               /* a book's id was beyond the slots: its terms are unknown */
	uint32_t *at;          /* per book id: 0 none, UINT32_MAX not copied, else its record + 1 */
	size_t nat;
	uint32_t *rec;         /* the records */
	size_t used, cap, dead; /* units */
	size_t books;
	char *pool;            /* the vocabulary's words, one after another */
	size_t pool_used, pool_cap;
	uint32_t *off, *len;   /* per word id */
	size_t nterm, term_cap;
	uint32_t *hash;        /* word id + 1 by the word's hash, open addressing */
	size_t hcap;
	uint32_t *sorted;      /* the first nsorted word ids, by word */
	size_t nsorted;
	uint64_t *mark;        /* the word ids the current query's last word matches */
	size_t mark_words;
	const lend_sys_search_query *q; /* the query marked */
	int none;              /* one of its other words is no book's */
	uint32_t lang;         /* its language's id + 1; 0: any */
	uint32_t other[16];    /* its other words' ids */
	int nothers;
} sq_copy;
void sq__copy_free(sq_copy *c);
/* Load every book of search_doc; *fits = 0 (and nothing kept) when the copy
 * would take more than max_bytes. */
int sq__copy_load(sq *s, sq_copy *c, size_t max_bytes, int *fits);
size_t sq__copy_bytes(const sq_copy *c);
/* The book's record made from d, or removed (d NULL); -1 when memory ran out. */
int sq__copy_set(sq_copy *c, int64_t id, const sq_doc *d);
/* The book's terms as copied (pointing into the copy until its next change);
 * -1 when they are not known (a book not copied). */
int sq__copy_words(const sq_copy *c, int64_t id, sq_term *t, size_t max, size_t *n);
size_t sq__copy_nterms(const sq_copy *c, int64_t id);
int sq__copy_has(const sq_copy *c, int64_t id);
int sq__copy_fields(const sq_copy *c, int64_t id, int *kind, int *age, const char **lang, size_t *langn);
/* Score a copied book for q: 1 and *score (-1: it does not match or pass
 * the filters), or 0 when the book is not copied (read it). */
int sq__copy_score(sq_copy *c, const lend_sys_search_query *q, int64_t id, int64_t *score);
/* Ask the memory for a book's slot (record = 0) or, its slot read, its
 * record: scoring many books, the next ones' wait overlaps. */
void sq__copy_prefetch(const sq_copy *c, int64_t id, int record);
/* Forget the last query's marks (before the next query, and before the
 * copy changes). */
void sq__copy_end(sq_copy *c);
/* The connection's copy when it is loaded (loading it if it was not), else
 * NULL: the books are read from the table. */
int sq__search_copy(sq *s, sq_copy **out);
/* For the tests: other bounds (bytes of sets, bytes of the copy, the fewest
 * books of a set that is kept, rows of the log a writer keeps); drops what
 * is kept. */
int sq__search_cache_limits(sq *s, size_t sets_bytes, size_t copy_bytes, size_t keep_min, int64_t log_keep);
/* For the tests: the books in the connection's copy, -1 when it has none. */
long sq__search_cache_copied(sq *s);
/* For the tests: 0 when what is kept, brought up to the log, equals what
 * the database holds (the copy every document of search_doc, each kept set
 * the books FTS5 finds). */
int sq__search_cache_selfcheck(sq *s);
void sq__books_free(sq_books *b);

#endif
