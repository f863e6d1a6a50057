/* catalog/catalog.h — what the files of the catalog share (not installed). */
#ifndef LEND_CATALOG_PRIVATE_H
#define LEND_CATALOG_PRIVATE_H

#include "../internal.h"

/* book.c */
LEND_HIDDEN int lend__strlist_split(lend__strlist *l, const char *joined);
LEND_HIDDEN int lend__language_ok(const char *code);
/* UTF-8 text that may hold line breaks and tabs, at most max bytes. */
LEND_HIDDEN int lend__multiline_ok(const char *s, size_t max);

/* listings.c: a decimal int64 of exactly n bytes ('-' and digits); 1 if valid. */
LEND_HIDDEN int lend__parse_i64(const char *s, size_t n, int64_t *out);

/* authors.c */
/* The id of the author named name, created if new (with no aliases). */
LEND_HIDDEN int lend__author_ensure(lend_engine *e, const char *name, int64_t *id);
/* Add aliases to an author (those he has, or his name, change nothing);
 * *added = 1 if any was new. */
LEND_HIDDEN int lend__author_aliases_add(lend_engine *e, int64_t author_id, char *const *aliases, size_t n,
                                         int *added);
/* Tell search about every book of an author whose names changed. */
LEND_HIDDEN int lend__author_books_changed(lend_engine *e, int64_t author_id);
/* Tell search that a book's indexed text changed. */
LEND_HIDDEN int lend__catalog_changed(lend_engine *e, int64_t book_id);

#endif
