/* lib/search/search.h — what the files of lib/search share. */
#ifndef LEND_SEARCH_PRIVATE_H
#define LEND_SEARCH_PRIVATE_H

#include "internal.h"

/* ---- fold.c */
#define LEND_FOLD_LATIN 1
#define LEND_FOLD_CYRILLIC 2
#define LEND_FOLD_TO_CYRILLIC 1 /* a Latin-layout text typed for Russian */
#define LEND_FOLD_TO_LATIN 2    /* a Russian-layout text typed for English */
/* The folded words of text, separated by single spaces (malloc'd; "" when
 * there are none; NULL when memory ran out). swap: 0, or the keyboard layout
 * swap applied first. text must be valid UTF-8. */
LEND_HIDDEN char *lend__fold(const char *text, int swap);
/* Which scripts text has letters of: LEND_FOLD_LATIN | LEND_FOLD_CYRILLIC. */
LEND_HIDDEN int lend__fold_scripts(const char *text);

/* ---- index.c: the documents and their scores. */
/* Word classes: where a word stands in the book (doc/search.md). */
#define LEND_SEARCH_CLASS_AUTHOR 7
#define LEND_SEARCH_CLASS_TITLE_FIRST 6
#define LEND_SEARCH_CLASS_TITLE 5
#define LEND_SEARCH_CLASS_OTHER 4
#define LEND_SEARCH_RANK_MAX 999999
#define LEND_SEARCH_SCORE(cls, rank) ((int64_t)(cls) * 1000000 + (rank))
/* Tiers of the whole query against the whole field, above the scores. */
#define LEND_SEARCH_TIER_EXACT 2
#define LEND_SEARCH_TIER_START 1
#define LEND_SEARCH_TIER(t) ((int64_t)(t) * 100000000)

/* A book's document, built from its row (and the catalog's metadata). */
typedef struct lend__search_doc {
	lend_sys_search_doc doc;
	char *keys;
	char *language;
	lend_sys_search_term *terms;
	char *words; /* the storage of the terms' words */
} lend__search_doc;
LEND_HIDDEN int lend__search_doc_build(const lend_catalog_text *t, lend__search_doc *d);
LEND_HIDDEN void lend__search_doc_free(lend__search_doc *d);
/* The popularity part of the scores for a number of loans and ratings. */
LEND_HIDDEN int64_t lend__search_rank(int64_t loans, int64_t ratings, double average);

/* ---- match.c: checking a candidate against its keys. */
/* The score of keys for the query words (the best term the last word
 * matches, plus the tier), or -1 when some word does not match. */
LEND_HIDDEN int64_t lend__search_score(const char *keys, int64_t rank, const char *const *words, int nwords,
                                       int prefix);

/* ---- fuzzy.c: typo tolerance. */
#define LEND_FUZZY_MIN_CHARS 4  /* shorter words are never edited */
#define LEND_FUZZY_MAX_BYTES 32 /* nor longer ones */
/* The words one edit (deletion, transposition, substitution, insertion)
 * away from word that an index could hold (skeleton letters, no doubled
 * letter), each once; none when word is not a skeleton Latin word of
 * LEND_FUZZY_MIN_CHARS..LEND_FUZZY_MAX_BYTES characters. Free with
 * lend__fuzzy_free. */
LEND_HIDDEN int lend__fuzzy_variants(const char *word, char ***out, size_t *n);
LEND_HIDDEN void lend__fuzzy_free(char **v);

#endif
