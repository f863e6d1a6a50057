/* lend/accounts.h — accounts and sign-in: credentials, sign-in, backup methods, recovery, app
 * activation, sessions, merging accounts and the audit log.
 *
 * Included by lend.h; do not include it alone. */
#ifndef LEND_ACCOUNTS_H
#define LEND_ACCOUNTS_H

#ifndef LEND_H
#error "include lend.h, not lend/accounts.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* LEND_ACCOUNTS_H */
