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

/* See doc/security.md for the threat model, the numbers and the merge rules.
 *
 * Logins. A ticket number is a login within its library; a verified e-mail
 * or phone is a login of its account. The password of an account is the
 * password of any of its tickets (each ticket has its own; a reader's
 * lend_password_change and a recovery set them all). */
enum lend_login_kind {
	LEND_LOGIN_TICKET = 1, /* library_id + ticket number */
	LEND_LOGIN_EMAIL = 2,
	LEND_LOGIN_PHONE = 3
};

/* Kinds of backup methods (lend_method_kind). */
enum lend_method_kind {
	LEND_METHOD_EMAIL = 1,
	LEND_METHOD_PHONE = 2,
	LEND_METHOD_IDENTITY = 3 /* an external identity: provider + subject */
};

/* How a session began. */
enum lend_session_origin {
	LEND_SESSION_PASSWORD = 1,
	LEND_SESSION_ACTIVATION = 2,
	LEND_SESSION_IDENTITY = 3
};

/* Audit events. Appended only. */
enum lend_audit_event {
	LEND_AUDIT_SIGNIN_OK = 1,
	LEND_AUDIT_SIGNIN_FAILED = 2,
	LEND_AUDIT_LOCKOUT = 3,
	LEND_AUDIT_PASSWORD_SET = 4,     /* by a librarian or the administrator */
	LEND_AUDIT_PASSWORD_CHANGED = 5, /* by the reader, or by a recovery */
	LEND_AUDIT_METHOD_ADDED = 6,
	LEND_AUDIT_METHOD_CONFIRMED = 7,
	LEND_AUDIT_METHOD_REMOVED = 8,
	LEND_AUDIT_CODE_FAILED = 9,
	LEND_AUDIT_RECOVERY_REQUESTED = 10,
	LEND_AUDIT_RECOVERY_DONE = 11,
	LEND_AUDIT_ACTIVATION_REQUESTED = 12,
	LEND_AUDIT_ACTIVATED = 13,
	LEND_AUDIT_SESSION_REVOKED = 14,
	LEND_AUDIT_MERGED = 15
};
LEND_EXTERN const char *lend_audit_event_string(int event);

/* Argon2id cost of new password hashes (libsodium crypto_pwhash presets).
 * A stored hash made with other parameters is re-hashed at the next
 * successful sign-in. LEND_PASSWORD_COST_MIN is for tests only. */
enum lend_password_cost {
	LEND_PASSWORD_COST_INTERACTIVE = 0, /* default: ops 2, 64 MiB */
	LEND_PASSWORD_COST_MODERATE = 1,    /* ops 3, 256 MiB */
	LEND_PASSWORD_COST_SENSITIVE = 2,   /* ops 4, 1 GiB */
	LEND_PASSWORD_COST_MIN = 3          /* ops 1, 8 KiB: tests only */
};
LEND_EXTERN int lend_options_set_password_cost(lend_options *opts, int cost);

/* How long an audit entry is kept: lend_engine_tick() deletes older ones (at
 * most 1000 a tick; default LEND_AUDIT_RETENTION_DEFAULT, 365 days; 0 keeps
 * them for ever). See doc/security.md. */
LEND_EXTERN int lend_options_set_audit_retention(lend_options *opts, int64_t seconds);
#define LEND_AUDIT_RETENTION_DEFAULT ((int64_t)365 * 86400)

/* Bounds: passwords 8..128 bytes of UTF-8; generated ones are 12
 * characters (a buffer of LEND_PASSWORD_GENERATED_SIZE holds one). */
#define LEND_PASSWORD_MIN 8
#define LEND_PASSWORD_MAX 128
#define LEND_PASSWORD_GENERATED_SIZE 16

typedef struct lend_methods lend_methods;
typedef struct lend_sessions lend_sessions;
typedef struct lend_audit lend_audit;

/* ---- credentials */

/* Set a ticket's password (admin or a librarian of the ticket's library).
 * password NULL: the engine generates one and writes it, once, into
 * generated (at least LEND_PASSWORD_GENERATED_SIZE bytes); otherwise
 * generated may be NULL. */
LEND_EXTERN int lend_ticket_set_password(lend_engine *e, const lend_actor *a, int64_t ticket_id, const char *password,
                                         char *generated);
/* The reader changes his password: old_password must be the password of one
 * of his tickets; every ticket of the account gets new_password. */
LEND_EXTERN int lend_password_change(lend_engine *e, const lend_actor *a, const char *old_password,
                                     const char *new_password);

/* ---- sign-in */

/* Sign in with a login and a password; *out is a reader actor bound to a
 * new session. library_id is required for LEND_LOGIN_TICKET, else 0.
 * Wrong login and wrong password both give LEND_EAUTH with one message.
 * Throttled logins give LEND_EDENIED (LEND_REASON_SIGNIN_DELAYED or
 * LEND_REASON_SIGNIN_LOCKED) whether the login exists or not; a blocked or
 * expired ticket gives LEND_EDENIED with that reason. */
LEND_EXTERN int lend_sign_in(lend_engine *e, int login_kind, int64_t library_id, const char *login,
                             const char *password, const char *device_label, lend_actor **out);
/* Sign in with an external identity the host has verified itself. */
LEND_EXTERN int lend_sign_in_identity(lend_engine *e, const char *provider, const char *subject,
                                      const char *device_label, lend_actor **out);
/* A signed-in reader who is a librarian acts as staff: *out is a librarian
 * actor bound to the same session (EPERM if he staffs no library). */
LEND_EXTERN int lend_actor_staff(lend_engine *e, const lend_actor *signed_in, lend_actor **out);
/* The session an actor is bound to (0 for actors made by the trusted
 * constructors). */
LEND_EXTERN int64_t lend_actor_session_id(const lend_actor *a);

/* ---- backup methods */

/* Add an e-mail or phone to the reader's account (the reader or admin):
 * sends a LEND_NOTE_VERIFICATION_CODE with code=... to it; usable for
 * sign-in once confirmed. Adding an unconfirmed address again sends a new
 * code (only the newest is valid). *method_id (optional) gets its id. */
LEND_EXTERN int lend_method_add(lend_engine *e, const lend_actor *a, int64_t reader_id, int kind, const char *value,
                                int64_t *method_id);
/* Confirm with the code: 5 tries, 10 minutes. */
LEND_EXTERN int lend_method_confirm(lend_engine *e, const lend_actor *a, int64_t method_id, const char *code);
LEND_EXTERN int lend_method_remove(lend_engine *e, const lend_actor *a, int64_t method_id);
/* Link an external identity the host verified (the reader or admin). */
LEND_EXTERN int lend_identity_link(lend_engine *e, const lend_actor *a, int64_t reader_id, const char *provider,
                                   const char *subject, int64_t *method_id);
LEND_EXTERN int lend_method_list(lend_engine *e, const lend_actor *a, int64_t reader_id, lend_methods **out);
LEND_EXTERN size_t lend_methods_count(const lend_methods *l);
LEND_EXTERN int64_t lend_methods_id(const lend_methods *l, size_t i);
LEND_EXTERN int lend_methods_kind(const lend_methods *l, size_t i);
/* The address; for an identity "provider:subject". */
LEND_EXTERN const char *lend_methods_value(const lend_methods *l, size_t i);
LEND_EXTERN int lend_methods_verified(const lend_methods *l, size_t i);
LEND_EXTERN void lend_methods_free(lend_methods *l);

/* ---- recovery and app activation (no actor: the reader is not signed in) */

/* Ask for a recovery token: it goes (LEND_NOTE_PASSWORD_RECOVERY, token=...)
 * to the verified e-mail, else phone, of the account. An unknown login, or
 * an account with no verified method, returns LEND_OK all the same. */
LEND_EXTERN int lend_recovery_request(lend_engine *e, int login_kind, int64_t library_id, const char *login);
/* Set a new password with the token (once, within 1 hour); ends every other
 * outstanding token of the account. Bad, used or expired: LEND_EAUTH. */
LEND_EXTERN int lend_recovery_finish(lend_engine *e, const char *token, const char *new_password);
/* Ask for the app link by e-mail or SMS: a LEND_NOTE_APP_ACTIVATION note
 * with code=... goes to that verified address (unknown: LEND_OK all the same). */
LEND_EXTERN int lend_activation_request(lend_engine *e, int login_kind, const char *login);
/* Exchange the code (once, within 24 hours) for a device session. */
LEND_EXTERN int lend_activate(lend_engine *e, const char *code, const char *device_label, lend_actor **out);

/* ---- sessions */

/* A session lasts until it is revoked, or until lend_options_set_session_lifetime()
 * seconds after it began (its created_at): then every actor bound to it gets
 * LEND_EPERM ("the session has expired: sign in again"). */
LEND_EXTERN int lend_session_list(lend_engine *e, const lend_actor *a, int64_t reader_id, lend_sessions **out);
LEND_EXTERN size_t lend_sessions_count(const lend_sessions *l);
LEND_EXTERN int64_t lend_sessions_id(const lend_sessions *l, size_t i);
LEND_EXTERN int lend_sessions_origin(const lend_sessions *l, size_t i);
LEND_EXTERN const char *lend_sessions_label(const lend_sessions *l, size_t i);
LEND_EXTERN int64_t lend_sessions_created_at(const lend_sessions *l, size_t i);
LEND_EXTERN int64_t lend_sessions_revoked_at(const lend_sessions *l, size_t i);
/* When the session ends by itself: created_at plus the engine's session
 * lifetime; 0 when sessions last until revoked (lifetime 0). */
LEND_EXTERN int64_t lend_sessions_expires_at(const lend_sessions *l, size_t i);
LEND_EXTERN void lend_sessions_free(lend_sessions *l);
/* Revoke a session (its reader or admin): every actor bound to it gets
 * LEND_EPERM from then on. */
LEND_EXTERN int lend_session_revoke(lend_engine *e, const lend_actor *a, int64_t session_id);

/* ---- merging */

/* The signed-in reader a proves he owns another account (its login and
 * password) and merges it into his own, in one transaction. */
LEND_EXTERN int lend_account_merge(lend_engine *e, const lend_actor *a, int login_kind, int64_t library_id,
                                   const char *login, const char *password);

/* ---- audit log */

/* Events of a reader (0: all) with from <= at < to (to 0: no end), oldest
 * first. The administrator; a reader may read his own. */
LEND_EXTERN int lend_audit_list(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t from, int64_t to,
                                lend_audit **out);
LEND_EXTERN size_t lend_audit_count(const lend_audit *l);
LEND_EXTERN int64_t lend_audit_id(const lend_audit *l, size_t i);
LEND_EXTERN int64_t lend_audit_at(const lend_audit *l, size_t i);
LEND_EXTERN int lend_audit_event(const lend_audit *l, size_t i);
LEND_EXTERN int64_t lend_audit_reader_id(const lend_audit *l, size_t i);
LEND_EXTERN int64_t lend_audit_actor_id(const lend_audit *l, size_t i);
/* key=value lines, never a secret. */
LEND_EXTERN const char *lend_audit_detail(const lend_audit *l, size_t i);
LEND_EXTERN void lend_audit_free(lend_audit *l);

#ifdef __cplusplus
}
#endif

#endif /* LEND_ACCOUNTS_H */
