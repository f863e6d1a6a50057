/* shelf_int.h — what the files of the reader's shelf (lib/shelf*.c) share. */
#ifndef LEND_SHELF_INT_H
#define LEND_SHELF_INT_H

#include "internal.h"

#define SHELF_DAY 86400

/* Mark kinds of the shelf's tick (lend_sys_mark.kind). */
#define SHELF_MARK_REMINDED LEND_NOTE_LOAN_ENDING_SOON /* subject: loan; value 1 */
#define SHELF_MARK_POSITION LEND_NOTE_QUEUE_POSITION   /* subject: hold; value: last position seen */

/* A notification's detail being built: "key=value" lines. */
typedef struct shelf_kv {
	char buf[2048];
	size_t len;
} shelf_kv;
LEND_HIDDEN void lend__kv_int(shelf_kv *kv, const char *key, int64_t value);
/* Newlines in value become spaces. */
LEND_HIDDEN void lend__kv_str(shelf_kv *kv, const char *key, const char *value);

/* A reader's preferences (a draft, or read from storage). */
struct lend_prefs {
	char lang[3];
	int channel;
	char *email, *phone;
	int64_t muted;
};

/* The reader's stored preferences into p (zeroed, lang "ru"), defaults
 * when none are stored. */
LEND_HIDDEN int lend__shelf_prefs_load(lend_engine *e, int64_t reader_id, lend_prefs *p);

/* Rows copied out of a listing, each with its one string field copied. */
typedef struct shelf_strs {
	lend__rows rows;
	char **s; /* s[i]: row i's string */
} shelf_strs;
#define SHELF_STRS(type) {LEND_ROWS(type), NULL}
/* Append row and a copy of text; returns 1 (stop the listing) when out of memory. */
LEND_HIDDEN int lend__strs_push(shelf_strs *c, const void *row, const char *text);
LEND_HIDDEN void lend__strs_free(shelf_strs *c);

/* LEND_OK when the backend implements the shelf (else LEND_ESTATE). */
LEND_HIDDEN int lend__shelf_storage_ok(lend_engine *e);
/* The reader must exist, and the actor be the reader himself or admin
 * (read: a librarian of a library where he holds a ticket may read too). */
LEND_HIDDEN int lend__shelf_owner(lend_engine *e, const lend_actor *a, int64_t reader_id, int read);

/* How the reader may read the book at position (lend_access), 0 when he may
 * not; *loan (optional) gets the active loan, if any. */
LEND_HIDDEN int lend__shelf_access(lend_engine *e, int64_t reader_id, int64_t book_id, int64_t position,
                                   int *access, lend_sys_loan *loan);
/* *found = 1 and *row filled when the reader bought the book. */
LEND_HIDDEN int lend__shelf_bought(lend_engine *e, int64_t reader_id, int64_t book_id, lend_sys_purchase *row,
                                   int *found);

#endif
