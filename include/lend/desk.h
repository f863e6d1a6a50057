/* lend/desk.h — the librarian's desk: requests to the librarian, approvals against the budget,
 * denials, direct issue, reserve hand-off, renewals, licenses with terms.
 *
 * Included by lend.h; do not include it alone. */
#ifndef LEND_DESK_H
#define LEND_DESK_H

#ifndef LEND_H
#error "include lend.h, not lend/desk.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* LEND_DESK_H */
