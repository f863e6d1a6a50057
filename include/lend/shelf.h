/* lend/shelf.h — the reader's shelf: My books across libraries, balance and buying, reading
 * state, offline grants, reminders, preferences and notification texts.
 *
 * Included by lend.h; do not include it alone. */
#ifndef LEND_SHELF_H
#define LEND_SHELF_H

#ifndef LEND_H
#error "include lend.h, not lend/shelf.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* LEND_SHELF_H */
