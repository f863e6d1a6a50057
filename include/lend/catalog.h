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

#ifdef __cplusplus
}
#endif

#endif /* LEND_CATALOG_H */
