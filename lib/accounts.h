/* lib/accounts.h — what the files of accounts and sign-in share (lib/accounts*.c). */
#ifndef LEND_ACCOUNTS_PRIVATE_H
#define LEND_ACCOUNTS_PRIVATE_H

#include <sodium.h>
#include <stdio.h>

#include "internal.h"

/* Hex of a BLAKE2b-256 hash, NUL-terminated. */
#define ACCT_HEX (2 * crypto_generichash_BYTES + 1)

/* Purposes of one-time secrets (lend_sys_secret.purpose). */
enum { ACCT_SECRET_METHOD = 1, ACCT_SECRET_RECOVERY = 2, ACCT_SECRET_ACTIVATION = 3 };

/* The numbers of doc/security.md. */
#define ACCT_CODE_LIFETIME (10 * 60)        /* a method confirmation code */
#define ACCT_CODE_TRIES 5
#define ACCT_RECOVERY_LIFETIME (60 * 60)    /* a recovery token */
#define ACCT_ACTIVATION_LIFETIME (24 * 60 * 60)
#define ACCT_FREE_FAILURES 5                /* failures before sign-in slows down */
#define ACCT_DELAY_BASE 30                  /* seconds after the 5th failure, doubling */
#define ACCT_LOCK_FAILURES 10               /* failures that lock sign-in */
#define ACCT_LOCK_TIME (60 * 60)
#define ACCT_MAX_TICKETS 16                 /* passwords tried for an e-mail or phone login */
#define ACCT_LOGIN_MAX 254
#define ACCT_FAIL_MSG "the login or the password is wrong"

/* A row copied out of a listing (rows live only during their callback),
 * with its one string kept beside it; ctx is a lend__rows of copy_t. The
 * copy's own pointer to the string must be re-aimed at text_member by its
 * reader (rows move as the array grows). */
#define ACCT_ROW_COPY(copy_t, row_t, row_member, field, text_member, size)                                            \
	typedef struct copy_t {                                                                                        \
		row_t row_member;                                                                                      \
		char text_member[size];                                                                                \
	} copy_t;                                                                                                      \
	static int copy_t##_cb(void *ctx, const row_t *r)                                                             \
	{                                                                                                              \
		copy_t c;                                                                                              \
		c.row_member = *r;                                                                                     \
		snprintf(c.text_member, sizeof c.text_member, "%s", r->field ? r->field : "");                        \
		return lend__rows_push(ctx, &c) ? 1 : 0;                                                               \
	}

/* libsodium ready and the storage has the accounts methods. */
int acct__ready(lend_engine *e);
void acct__hex_hash(const char *text, char out[ACCT_HEX]);
/* Normalize a login (an e-mail lowercased, a phone "+digits"); LEND_EINVAL
 * when it cannot be one. */
int acct__normalize(int method_kind, const char *in, char *out, size_t n);
/* Record an audit event; detail is printf-formatted key=value lines. */
int acct__audit(lend_engine *e, int event, int64_t reader_id, const lend_actor *a, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Store the Argon2id hash of password for a ticket. */
int acct__set_password(lend_engine *e, int64_t ticket_id, const char *password);
/* Validate a new password. */
int acct__password_ok(lend_engine *e, const char *password);
/* Inside a write transaction: find the account of a login and check the
 * password against its tickets, with throttling. LEND_EAUTH means the
 * failure was recorded and the caller must commit before failing. */
int acct__verify(lend_engine *e, int login_kind, int64_t library_id, const char *login, const char *password,
                 int64_t *reader_id);
/* Commit what a failed verification recorded and fail with its code. */
int acct__end_failed(lend_engine *e, int rc);
/* The account of a login without any password (0 when none). */
int acct__lookup(lend_engine *e, int login_kind, int64_t library_id, const char *login, int64_t *reader_id);
/* A new session and a reader actor bound to it. */
int acct__session_new(lend_engine *e, int64_t reader_id, int origin, const char *label, int64_t *session_id);
int acct__actor(int64_t reader_id, int64_t session_id, lend_actor **out);
/* A new one-time secret: digits > 0 makes a numeric code of that many
 * digits, else a 26-character token. Ends the reader's other outstanding
 * secrets of that purpose (and method, if given). text gets the secret. */
int acct__secret_new(lend_engine *e, int64_t reader_id, int purpose, int64_t method_id, int64_t lifetime,
                     int digits, char *text, size_t n);
/* End (used_at = now) the outstanding secrets of a reader with a purpose
 * (0: any). */
int acct__secrets_end(lend_engine *e, int64_t reader_id, int purpose);
/* Is any ticket of the reader usable (not blocked, valid now)? Fails e
 * with the ticket's refusal when none is. */
int acct__usable(lend_engine *e, int64_t reader_id, int64_t ticket_id);
/* The reader's tickets by id (numbers dropped). */
int acct__tickets(lend_engine *e, int64_t reader_id, lend__rows *out);
/* Revoke a reader's live sessions (session_id 0: all); *found: it existed. */
int acct__sessions_revoke(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t session_id, int *found);
/* Methods of a reader, copied. */
int acct__methods(lend_engine *e, int64_t reader_id, lend__rows *out);
void acct__methods_free(lend__rows *r);

#endif
