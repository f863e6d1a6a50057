/* lend/sys/notifier.h — what a host implements to tell people things.
 *
 * The engine writes every notification into its outbox in the same
 * transaction as the change that caused it. lend_engine_deliver() later hands
 * each pending one to deliver(), outside any transaction. deliver() returns
 * 0 when the notification went out; anything else (or a missing deliver)
 * leaves it pending, to be retried with backoff. A notification can reach
 * deliver() more than once (at least once): deduplicate on
 * lend_notification_uuid(). deliver() runs on the thread that called
 * lend_engine_deliver() and must not call back into the same engine.
 */
#ifndef LEND_SYS_NOTIFIER_H
#define LEND_SYS_NOTIFIER_H

#include "../../lend.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LEND_NOTIFIER_VERSION 1

struct lend_notifier {
	unsigned int version; /* LEND_NOTIFIER_VERSION the host was written for */
	void *userdata;
	/* 0: delivered. Non-zero: failed, retry later; errmsg (optional) may
	 * point to a short reason that stays valid until the call returns. */
	int (*deliver)(void *userdata, const lend_notification *n, const char **errmsg);
	/* Called once when the engine closes (optional). */
	void (*free)(void *userdata);
};

/* Fill *n with zeros and set its version (like LEND_NOTIFIER_INIT). */
LEND_EXTERN int lend_notifier_init(lend_notifier *n, unsigned int version);
#define LEND_NOTIFIER_INIT {LEND_NOTIFIER_VERSION}

#ifdef __cplusplus
}
#endif

#endif /* LEND_SYS_NOTIFIER_H */
