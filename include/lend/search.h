/* lend/search.h — search as you type: Unicode folding, keyboard layout and
 * transliteration, ranked full results and suggestions.
 *
 * Included by lend.h; do not include it alone. */
#ifndef LEND_SEARCH_H
#define LEND_SEARCH_H

#ifndef LEND_H
#error "include lend.h, not lend/search.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------- queries
 *
 * Matching is on the title, subtitle, series, authors (and narrators) and
 * the authors' aliases, through one folding (doc/search.md): case, accents
 * and compatibility forms do not matter, ё = е, Cyrillic and its Latin
 * transliteration match each other (Булгаков = bulgakov, Tolstoy = Толстой),
 * and a query typed with the wrong keyboard layout on (",ekufrjd", "ueuj")
 * finds what was meant. Every word of the query must match a word of the
 * book; in suggestions the last word may be the start of a word.
 *
 * Ranking, best first, stable:
 *  1. the whole query is a whole title or author name, then the title or an
 *     author name starts with the query (a name from any of its words:
 *     "bulgakov" starts "Михаил Булгаков"), then any other match;
 *  2. where the word the last query word matches stands: a word of an
 *     author's (or narrator's) name or alias, the first word of the title,
 *     another word of the title, a word of the subtitle or series;
 *  3. popularity (loans, ratings);
 *  4. book id, ascending.
 */
typedef struct lend_search_query lend_search_query;
typedef struct lend_search_hit lend_search_hit;
typedef struct lend_search_results lend_search_results;

LEND_EXTERN int lend_search_query_new(lend_search_query **out);
LEND_EXTERN void lend_search_query_free(lend_search_query *q);
/* The text typed: UTF-8 without control characters, <= 1000 bytes. */
LEND_EXTERN int lend_search_query_set_text(lend_search_query *q, const char *text);
/* Only books of a kind (LEND_KIND_ANY: every kind, the default). */
LEND_EXTERN int lend_search_query_set_kind(lend_search_query *q, int kind);
/* Only books in a language (ISO 639 code as the catalog stores it); NULL or
 * "" for any language. */
LEND_EXTERN int lend_search_query_set_language(lend_search_query *q, const char *code);
/* The library the verdicts are for (0: none). With a reader actor who holds
 * a ticket there, each hit carries his availability verdict. */
LEND_EXTERN int lend_search_query_set_library(lend_search_query *q, int64_t library_id);
/* 1: only books the library can hand out now (a verdict of TAKE, or YOURS);
 * needs a library. */
LEND_EXTERN int lend_search_query_set_available_only(lend_search_query *q, int on);
/* 1: leave out books the asking reader is too young for. */
LEND_EXTERN int lend_search_query_set_age_appropriate(lend_search_query *q, int on);
/* At most this many hits, 1..100 (default 20 for a search, 10 for
 * suggestions). */
LEND_EXTERN int lend_search_query_set_limit(lend_search_query *q, int limit);

/* Full search: every word of the text matches a whole word. Any actor. An
 * empty text (or one with no letters or digits) gives no hits, not an error. */
LEND_EXTERN int lend_search(lend_engine *e, const lend_actor *a, const lend_search_query *q,
                            lend_search_results **out);
/* Suggestions while typing: as lend_search, but the last word may be the
 * start of a word (every keystroke is a prefix query). */
LEND_EXTERN int lend_suggest(lend_engine *e, const lend_actor *a, const lend_search_query *q,
                             lend_search_results **out);

LEND_EXTERN size_t lend_search_results_count(const lend_search_results *r);
LEND_EXTERN const lend_search_hit *lend_search_results_get(const lend_search_results *r, size_t i);
LEND_EXTERN void lend_search_results_free(lend_search_results *r);

LEND_EXTERN int64_t lend_search_hit_book_id(const lend_search_hit *h);
LEND_EXTERN const char *lend_search_hit_title(const lend_search_hit *h);
/* The authors, in order, separated by ", ". */
LEND_EXTERN const char *lend_search_hit_authors(const lend_search_hit *h);
LEND_EXTERN int lend_search_hit_kind(const lend_search_hit *h);
LEND_EXTERN int lend_search_hit_age_rating(const lend_search_hit *h);
/* The ranking score: larger is better (see above). */
LEND_EXTERN int64_t lend_search_hit_score(const lend_search_hit *h);
/* 1 when the asking reader is younger than the book's age rating. */
LEND_EXTERN int lend_search_hit_too_young(const lend_search_hit *h);
/* 1 when the hit carries a verdict (a library was chosen and the asking
 * reader holds a ticket there); then the verdict (lend_verdict) and its
 * reason (lend_reason), as lend_availability_get() would give them. */
LEND_EXTERN int lend_search_hit_has_verdict(const lend_search_hit *h);
LEND_EXTERN int lend_search_hit_verdict(const lend_search_hit *h);
LEND_EXTERN int lend_search_hit_reason(const lend_search_hit *h);

#ifdef __cplusplus
}
#endif

#endif /* LEND_SEARCH_H */
