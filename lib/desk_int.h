/* desk_int.h — what the files of the librarian's desk share (lib/desk*.c). */
#ifndef LEND_DESK_INT_H
#define LEND_DESK_INT_H

#include "internal.h"

/* LEND_OK when the storage backend implements the desk's methods. */
LEND_HIDDEN int lend__desk_storage_ok(lend_engine *e);
/* Enter a desk call: validate the engine, the actor and the backend. */
#define DESK_ENTER(e, a)                                                                                               \
	do {                                                                                                           \
		LEND_ENTER(e);                                                                                         \
		TRY(lend__need_actor((e), (a)));                                                                       \
		TRY(lend__desk_storage_ok(e));                                                                         \
	} while (0)
/* The account an actor stands for in records (0 for the administrator). */
LEND_HIDDEN int64_t lend__desk_account(const lend_actor *a);
/* Free the items of a list's vector and its array. */
LEND_HIDDEN void lend__desk_vec_free(lend__vec *v, void (*free_item)(void *item));
/* Only the card's holder (or admin) may do this. */
LEND_HIDDEN int lend__desk_holder_only(lend_engine *e, const lend_actor *a, int64_t reader_id);

/* desk_reserve.c */
LEND_HIDDEN int lend__desk_reserve_settle_needed(lend_engine *e, int *needed);
LEND_HIDDEN int lend__desk_reserve_settle(lend_engine *e);
LEND_HIDDEN int lend__desk_reserve_check(lend_engine *e, lend_report *rep);
/* Cancel the newest reservations of f's book beyond its free copies (their
 * places keep waiting). */
LEND_HIDDEN int lend__desk_reserve_trim(lend_engine *e, const lend_sys_fund *f);

/* desk_license.c */
LEND_HIDDEN int lend__desk_license_settle_needed(lend_engine *e, int *needed);
LEND_HIDDEN int lend__desk_license_check(lend_engine *e, lend_report *rep);

#endif
