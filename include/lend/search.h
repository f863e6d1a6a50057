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

#ifdef __cplusplus
}
#endif

#endif /* LEND_SEARCH_H */
