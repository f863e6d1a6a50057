/* accounts.c — credentials and sign-in: password hashes, throttling, the
 * helpers every accounts file shares. See doc/security.md. */
#include <ctype.h>
#include <stdio.h>

#include "accounts.h"

/* ------------------------------------------------------------ set-up */

static const struct {
	unsigned long long ops;
	size_t mem;
} costs[] = {
	[LEND_PASSWORD_COST_INTERACTIVE] = {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE},
	[LEND_PASSWORD_COST_MODERATE] = {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE},
	[LEND_PASSWORD_COST_SENSITIVE] = {crypto_pwhash_OPSLIMIT_SENSITIVE, crypto_pwhash_MEMLIMIT_SENSITIVE},
	[LEND_PASSWORD_COST_MIN] = {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN},
};

LEND_EXTERN int lend_options_set_password_cost(lend_options *opts, int cost)
{
	if (!opts || cost < LEND_PASSWORD_COST_INTERACTIVE || cost > LEND_PASSWORD_COST_MIN)
		return LEND_EINVAL;
	opts->password_cost = cost;
	return LEND_OK;
}

LEND_EXTERN int lend_options_set_audit_retention(lend_options *opts, int64_t seconds)
{
	if (!opts || seconds < 0)
		return LEND_EINVAL;
	opts->audit_retention = seconds;
	return LEND_OK;
}

#define AUDIT_PRUNE_BATCH 1000 /* audit entries deleted per tick at most */

/* Sessions that ended (revoked, or past the lifetime) stay listed this long,
 * then the tick deletes them (doc/security.md). */
#define SESSION_KEEP_ENDED ((int64_t)30 * 86400)

static int sessions_prune(lend_engine *e)
{
	if (!e->st.session_prune || e->now <= SESSION_KEEP_ENDED)
		return LEND_OK;
	int64_t before = e->now - SESSION_KEEP_ENDED, started_before = 0, pruned = 0;
	if (e->session_lifetime > 0 && before > e->session_lifetime)
		started_before = before - e->session_lifetime;
	int rc = ST(e, session_prune, before, started_before, AUDIT_PRUNE_BATCH, &pruned);
	return rc == LEND_OK ? LEND_OK : lend__storage_fail(e, rc, "session prune");
}

int lend__accounts_prune(lend_engine *e)
{
	if (e->audit_retention <= 0 || !e->st.audit_prune || e->now < e->audit_retention)
		return sessions_prune(e);
	int64_t pruned = 0;
	int rc = ST(e, audit_prune, e->now - e->audit_retention, AUDIT_PRUNE_BATCH, &pruned);
	return rc == LEND_OK ? sessions_prune(e) : lend__storage_fail(e, rc, "audit prune");
}

void lend__accounts_open(lend_engine *e, int cost)
{
	e->pw_ops = costs[cost].ops;
	e->pw_mem = costs[cost].mem;
}

void lend__accounts_close(lend_engine *e)
{
	free(e->pw_dummy);
	e->pw_dummy = NULL;
}

const char *lend__accounts_lacks(const lend_engine *e)
{
	LEND_LACKS(e, cred_get);
	LEND_LACKS(e, cred_put);
	LEND_LACKS(e, method_insert);
	LEND_LACKS(e, method_update);
	LEND_LACKS(e, method_delete);
	LEND_LACKS(e, method_find);
	LEND_LACKS(e, method_list);
	LEND_LACKS(e, method_get);
	LEND_LACKS(e, secret_insert);
	LEND_LACKS(e, secret_update);
	LEND_LACKS(e, secret_find);
	LEND_LACKS(e, secret_list);
	LEND_LACKS(e, throttle_get);
	LEND_LACKS(e, throttle_put);
	LEND_LACKS(e, throttle_delete);
	LEND_LACKS(e, session_insert);
	LEND_LACKS(e, session_update);
	LEND_LACKS(e, session_get);
	LEND_LACKS(e, session_list);
	LEND_LACKS(e, audit_insert);
	LEND_LACKS(e, audit_list);
	LEND_LACKS(e, accounts_move);
	LEND_LACKS(e, merged_list);
	return NULL;
}

int acct__ready(lend_engine *e)
{
	if (sodium_init() < 0)
		return lend__fail(e, LEND_ERROR, "libsodium could not start");
	const char *m = lend__accounts_lacks(e);
	return m ? lend__missing(e, m) : LEND_OK;
}

void acct__hex_hash(const char *text, char out[ACCT_HEX])
{
	unsigned char h[crypto_generichash_BYTES];
	crypto_generichash(h, sizeof h, (const unsigned char *)text, strlen(text), NULL, 0);
	sodium_bin2hex(out, ACCT_HEX, h, sizeof h);
	sodium_memzero(h, sizeof h);
}

/* ------------------------------------------------------------ logins */

int acct__normalize(int kind, const char *in, char *out, size_t n)
{
	if (lend__text_ok(in, ACCT_LOGIN_MAX, 1) != LEND_OK || n < 2)
		return LEND_EINVAL;
	size_t k = 0;
	if (kind == LEND_METHOD_EMAIL) {
		const char *at = strchr(in, '@');
		if (!at || at == in || !at[1] || strchr(at + 1, '@') || !strchr(at + 1, '.'))
			return LEND_EINVAL;
		for (const char *p = in; *p; p++) {
			if (*p == ' ' || k + 1 >= n)
				return LEND_EINVAL;
			out[k++] = (char)tolower((unsigned char)*p);
		}
	} else if (kind == LEND_METHOD_PHONE) {
		int digits = 0;
		out[k++] = '+';
		for (const char *p = in; *p; p++) {
			if (isdigit((unsigned char)*p)) {
				if (k + 1 >= n)
					return LEND_EINVAL;
				out[k++] = *p;
				digits++;
			} else if (!strchr(" -().", *p) && !(*p == '+' && p == in)) {
				return LEND_EINVAL;
			}
		}
		if (digits < 7 || digits > 15)
			return LEND_EINVAL;
	} else {
		return LEND_EINVAL;
	}
	out[k] = '\0';
	return LEND_OK;
}

static int method_kind_of(int login_kind)
{
	return login_kind == LEND_LOGIN_EMAIL ? LEND_METHOD_EMAIL
	       : login_kind == LEND_LOGIN_PHONE ? LEND_METHOD_PHONE
	                                         : 0;
}

struct seek_id {
	int64_t id;
	int64_t reader_id;
};

static int method_seek_cb(void *ctx, const lend_sys_method *r)
{
	((struct seek_id *)ctx)->id = r->id;
	((struct seek_id *)ctx)->reader_id = r->reader_id;
	return 0;
}

static int ticket_seek_cb(void *ctx, const lend_sys_ticket *r)
{
	((struct seek_id *)ctx)->id = r->id;
	((struct seek_id *)ctx)->reader_id = r->reader_id;
	return 0;
}

/* The reader (and ticket, for a ticket login) of a login; zeros if none. */
static int resolve(lend_engine *e, int kind, int64_t library_id, const char *login, int64_t *reader_id,
                   int64_t *ticket_id)
{
	struct seek_id s = {0, 0};
	*reader_id = *ticket_id = 0;
	int rc;
	if (kind == LEND_LOGIN_TICKET) {
		rc = ST(e, ticket_find, library_id, login, ticket_seek_cb, &s);
		*ticket_id = s.id;
	} else {
		char norm[ACCT_LOGIN_MAX + 2];
		if (acct__normalize(method_kind_of(kind), login, norm, sizeof norm) != LEND_OK)
			return LEND_OK;
		rc = ST(e, method_find, method_kind_of(kind), norm, method_seek_cb, &s);
	}
	if (rc != LEND_OK && rc != LEND_ENOTFOUND)
		return lend__storage_fail(e, rc, "login");
	*reader_id = s.reader_id;
	return LEND_OK;
}

/* Bad input (not a login at all) is refused before anything is looked up. */
static int login_input_ok(lend_engine *e, int kind, int64_t library_id, const char *login)
{
	if (kind < LEND_LOGIN_TICKET || kind > LEND_LOGIN_PHONE)
		return lend__fail(e, LEND_EINVAL, "unknown kind of login");
	if ((kind == LEND_LOGIN_TICKET) != (library_id > 0))
		return lend__fail(e, LEND_EINVAL, "a ticket login needs its library, and only it");
	if (lend__text_ok(login, ACCT_LOGIN_MAX, 1) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "the login must be valid UTF-8 of 1 to %d bytes", ACCT_LOGIN_MAX);
	return LEND_OK;
}

int acct__lookup(lend_engine *e, int kind, int64_t library_id, const char *login, int64_t *reader_id)
{
	int64_t ticket_id;
	TRY(login_input_ok(e, kind, library_id, login));
	return resolve(e, kind, library_id, login, reader_id, &ticket_id);
}

/* --------------------------------------------------------- passwords */

int acct__password_ok(lend_engine *e, const char *password)
{
	if (lend__text_ok(password, LEND_PASSWORD_MAX, 1) != LEND_OK || strlen(password) < LEND_PASSWORD_MIN)
		return lend__fail(e, LEND_EINVAL, "a password is %d to %d bytes of UTF-8 text", LEND_PASSWORD_MIN,
		                  LEND_PASSWORD_MAX);
	return LEND_OK;
}

static int hash_password(lend_engine *e, const char *password, char out[crypto_pwhash_STRBYTES])
{
	if (crypto_pwhash_str(out, password, strlen(password), e->pw_ops, e->pw_mem) != 0)
		return lend__nomem(e);
	return LEND_OK;
}

int acct__set_password(lend_engine *e, int64_t ticket_id, const char *password)
{
	char hash[crypto_pwhash_STRBYTES];
	TRY(hash_password(e, password, hash));
	lend_sys_credential c = {ticket_id, hash, e->now};
	TRY_ST(e, "credential", ST(e, cred_put, &c));
	return LEND_OK;
}

/* A hash for unknown logins, so that they cost what a known one does. */
static int dummy_hash(lend_engine *e, const char **out)
{
	if (!e->pw_dummy) {
		char pw[24], hash[crypto_pwhash_STRBYTES];
		randombytes_buf(pw, sizeof pw - 1);
		for (size_t i = 0; i < sizeof pw - 1; i++)
			pw[i] = (char)('a' + (unsigned char)pw[i] % 26);
		pw[sizeof pw - 1] = '\0';
		TRY(hash_password(e, pw, hash));
		e->pw_dummy = lend__strdup(hash);
		if (!e->pw_dummy)
			return lend__nomem(e);
	}
	*out = e->pw_dummy;
	return LEND_OK;
}

static int tickets_cb(void *ctx, const lend_sys_ticket *t)
{
	return lend__rows_push(ctx, t) ? 1 : 0;
}

/* The reader's tickets (strings dropped), by id. */
int acct__tickets(lend_engine *e, int64_t reader_id, lend__rows *out)
{
	*out = (lend__rows)LEND_ROWS(lend_sys_ticket);
	TRY(lend__rows_status(e, out, ST(e, ticket_list, reader_id, 0, tickets_cb, out), "ticket list"));
	for (size_t i = 0; i < out->n; i++)
		LEND_ROW(*out, lend_sys_ticket, i).number = NULL;
	return LEND_OK;
}

static int ticket_usable(const lend_sys_ticket *t, int64_t now)
{
	if (t->blocked)
		return LEND_REASON_TICKET_BLOCKED;
	if ((t->valid_from && now < t->valid_from) || (t->valid_until && now >= t->valid_until))
		return LEND_REASON_TICKET_EXPIRED;
	return LEND_REASON_NONE;
}

int acct__usable(lend_engine *e, int64_t reader_id, int64_t ticket_id)
{
	lend__rows t;
	TRY(acct__tickets(e, reader_id, &t));
	int why = LEND_REASON_TICKET_BLOCKED;
	for (size_t i = 0; i < t.n; i++) {
		const lend_sys_ticket *r = &LEND_ROW(t, lend_sys_ticket, i);
		if (ticket_id && r->id != ticket_id)
			continue;
		why = ticket_usable(r, e->now);
		if (why == LEND_REASON_NONE)
			break;
	}
	lend__rows_free(&t);
	if (why == LEND_REASON_TICKET_EXPIRED)
		return lend__deny(e, why, "the library card is not valid now: it cannot sign in");
	if (why != LEND_REASON_NONE)
		return lend__deny(e, why, "the library card is blocked: it cannot sign in");
	return LEND_OK;
}

/* Check password against the tickets; *match gets the matching ticket id. */
static int check_tickets(lend_engine *e, int64_t reader_id, int64_t only_ticket, const char *password,
                         int64_t *match)
{
	*match = 0;
	lend__rows t = LEND_ROWS(lend_sys_ticket);
	if (reader_id)
		TRY(acct__tickets(e, reader_id, &t));
	int tried = 0, rc = LEND_OK;
	size_t plen = strlen(password);
	for (size_t i = 0; i < t.n && tried < ACCT_MAX_TICKETS && !*match; i++) {
		int64_t id = LEND_ROW(t, lend_sys_ticket, i).id;
		if (only_ticket && id != only_ticket)
			continue;
		char hash[crypto_pwhash_STRBYTES];
		lend_sys_credential c;
		rc = ST(e, cred_get, id, &c, hash, sizeof hash);
		if (rc == LEND_ENOTFOUND) {
			rc = LEND_OK;
			continue;
		}
		if (rc != LEND_OK) {
			rc = lend__storage_fail(e, rc, "credential");
			break;
		}
		tried++;
		if (crypto_pwhash_str_verify(hash, password, plen) == 0) {
			*match = id;
			if (crypto_pwhash_str_needs_rehash(hash, e->pw_ops, e->pw_mem) != 0)
				rc = acct__set_password(e, id, password);
		}
	}
	lend__rows_free(&t);
	if (rc == LEND_OK && !tried) {
		/* Unknown login, or no password yet: the same work, never a match. */
		const char *dummy = NULL;
		rc = dummy_hash(e, &dummy);
		if (rc == LEND_OK && crypto_pwhash_str_verify(dummy, password, plen) == 0)
			rc = lend__fail(e, LEND_ERROR, "an impossible match"); /* a random password, never typed */
	}
	return rc;
}

static void login_key(int kind, int64_t library_id, const char *login, char out[ACCT_HEX])
{
	char norm[ACCT_LOGIN_MAX + 2], buf[ACCT_LOGIN_MAX + 48];
	const char *key = login;
	if (kind != LEND_LOGIN_TICKET && acct__normalize(method_kind_of(kind), login, norm, sizeof norm) == LEND_OK)
		key = norm;
	snprintf(buf, sizeof buf, "%d:%lld:%s", kind, (long long)library_id, key);
	acct__hex_hash(buf, out);
}

static const char *login_kind_name(int kind)
{
	return kind == LEND_LOGIN_TICKET ? "ticket" : kind == LEND_LOGIN_EMAIL ? "email" : "phone";
}

/* Refuse an attempt on a throttled key; th gets the key's row (zeros if none). */
static int throttle_gate(lend_engine *e, const char *key, lend_sys_throttle *th)
{
	int rc = ST(e, throttle_get, key, th);
	if (rc == LEND_ENOTFOUND)
		memset(th, 0, sizeof *th);
	else if (rc != LEND_OK)
		return lend__storage_fail(e, rc, "throttle");
	if (th->locked_until > e->now)
		return lend__deny(e, LEND_REASON_SIGNIN_LOCKED,
		                  "too many failed sign-ins: this login is locked for %lld more minutes",
		                  (long long)((th->locked_until - e->now + 59) / 60));
	if (th->next_at > e->now)
		return lend__deny(e, LEND_REASON_SIGNIN_DELAYED, "too many failed sign-ins: try again in %lld seconds",
		                  (long long)(th->next_at - e->now));
	return LEND_OK;
}

/* Count a failure on a key: slow down after ACCT_FREE_FAILURES, lock at
 * ACCT_LOCK_FAILURES; audited. Returns LEND_EAUTH with msg (to commit). */
static int throttle_fail(lend_engine *e, const char *key, lend_sys_throttle *th, int64_t reader, const char *login,
                         const char *msg)
{
	th->login_key = key;
	th->failures++;
	th->updated_at = e->now;
	if (th->failures >= ACCT_LOCK_FAILURES) {
		th->locked_until = e->now + ACCT_LOCK_TIME;
		TRY(acct__audit(e, LEND_AUDIT_LOCKOUT, reader, NULL, "login=%s\nfailures=%d\nuntil=%lld", login,
		                th->failures, (long long)th->locked_until));
	} else if (th->failures >= ACCT_FREE_FAILURES) {
		th->next_at = e->now + ((int64_t)ACCT_DELAY_BASE << (th->failures - ACCT_FREE_FAILURES));
	}
	TRY_ST(e, "throttle", ST(e, throttle_put, th));
	TRY(acct__audit(e, LEND_AUDIT_SIGNIN_FAILED, reader, NULL, "login=%s\nfailures=%d", login, th->failures));
	return lend__fail(e, LEND_EAUTH, "%s", msg);
}

int acct__verify(lend_engine *e, int kind, int64_t library_id, const char *login, const char *password,
                 int64_t *reader_id)
{
	*reader_id = 0;
	TRY(login_input_ok(e, kind, library_id, login));
	if (lend__text_ok(password, LEND_PASSWORD_MAX, 1) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "the password must be valid UTF-8 of 1 to %d bytes", LEND_PASSWORD_MAX);
	char key[ACCT_HEX];
	login_key(kind, library_id, login, key);
	lend_sys_throttle th;
	TRY(throttle_gate(e, key, &th));
	int64_t reader = 0, ticket = 0, match = 0;
	TRY(resolve(e, kind, library_id, login, &reader, &ticket));
	TRY(check_tickets(e, reader, ticket, password, &match));
	if (!match)
		return throttle_fail(e, key, &th, reader, login_kind_name(kind), ACCT_FAIL_MSG);
	if (th.failures)
		TRY_ST(e, "throttle", ST(e, throttle_delete, key));
	TRY(acct__usable(e, reader, kind == LEND_LOGIN_TICKET ? ticket : 0));
	*reader_id = reader;
	return LEND_OK;
}

int acct__end_failed(lend_engine *e, int rc)
{
	if (rc != LEND_EAUTH)
		return lend__end(e, rc);
	/* Keep the count of failures; then fail as before. */
	char msg[sizeof e->errmsg];
	memcpy(msg, e->errmsg, sizeof msg);
	rc = lend__end(e, LEND_OK);
	if (rc != LEND_OK)
		return rc;
	return lend__fail(e, LEND_EAUTH, "%s", msg);
}

/* ------------------------------------------------------------ audit */

int acct__audit(lend_engine *e, int event, int64_t reader_id, const lend_actor *a, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	lend_sys_audit row = {0, e->now, event, reader_id, a ? a->reader_id : 0, detail};
	TRY_ST(e, "audit", ST(e, audit_insert, &row));
	return LEND_OK;
}

/* ------------------------------------------------------- public calls */

static const char pw_alphabet[] = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY3479";

LEND_EXTERN int lend_ticket_set_password(lend_engine *e, const lend_actor *a, int64_t ticket_id, const char *password,
                                         char *generated)
{
	LEND_ENTER(e);
	TRY(acct__ready(e));
	if (password)
		TRY(acct__password_ok(e, password));
	else if (!generated)
		return lend__fail(e, LEND_EINVAL, "a generated password needs a buffer to go to");
	TRY(lend__need_actor(e, a));
	char made[LEND_PASSWORD_GENERATED_SIZE];
	if (!password) {
		for (int i = 0; i < 12; i++)
			made[i] = pw_alphabet[randombytes_uniform(sizeof pw_alphabet - 1)];
		made[12] = '\0';
	}
	TRY(lend__begin(e, 1));
	lend_sys_ticket t;
	int rc = lend__load_ticket(e, ticket_id, &t);
	if (rc == LEND_OK)
		rc = lend__need_staff(e, a, t.library_id);
	if (rc == LEND_OK)
		rc = acct__set_password(e, ticket_id, password ? password : made);
	if (rc == LEND_OK)
		rc = acct__audit(e, LEND_AUDIT_PASSWORD_SET, t.reader_id, a, "ticket_id=%lld", (long long)ticket_id);
	rc = lend__end(e, rc);
	if (rc == LEND_OK && !password)
		memcpy(generated, made, 13);
	sodium_memzero(made, sizeof made);
	return rc;
}

LEND_EXTERN int lend_password_change(lend_engine *e, const lend_actor *a, const char *old_password,
                                     const char *new_password)
{
	LEND_ENTER(e);
	TRY(acct__ready(e));
	if (lend__text_ok(old_password, LEND_PASSWORD_MAX, 1) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "the old password is required");
	TRY(acct__password_ok(e, new_password));
	TRY(lend__need_actor(e, a));
	if (a->kind != LEND_ACTOR_READER)
		return lend__fail(e, LEND_EPERM, "only the reader himself changes his password");
	TRY(lend__begin(e, 1));
	/* The old password is throttled like a sign-in, per account. */
	char key[ACCT_HEX], name[48];
	snprintf(name, sizeof name, "change:%lld", (long long)a->reader_id);
	acct__hex_hash(name, key);
	lend_sys_throttle th;
	int64_t match = 0;
	int rc = throttle_gate(e, key, &th);
	if (rc == LEND_OK)
		rc = check_tickets(e, a->reader_id, 0, old_password, &match);
	if (rc == LEND_OK && !match)
		return acct__end_failed(e, throttle_fail(e, key, &th, a->reader_id, "password_change",
		                                         "the old password is wrong"));
	if (rc == LEND_OK && th.failures && (rc = ST(e, throttle_delete, key)) != LEND_OK)
		rc = lend__storage_fail(e, rc, "throttle");
	lend__rows t = LEND_ROWS(lend_sys_ticket);
	if (rc == LEND_OK)
		rc = acct__tickets(e, a->reader_id, &t);
	for (size_t i = 0; rc == LEND_OK && i < t.n; i++)
		rc = acct__set_password(e, LEND_ROW(t, lend_sys_ticket, i).id, new_password);
	lend__rows_free(&t);
	if (rc == LEND_OK)
		rc = acct__audit(e, LEND_AUDIT_PASSWORD_CHANGED, a->reader_id, a, "by=reader");
	return lend__end(e, rc);
}

int acct__actor(int64_t reader_id, int64_t session_id, lend_actor **out)
{
	*out = calloc(1, sizeof **out);
	if (!*out)
		return LEND_ENOMEM;
	(*out)->kind = LEND_ACTOR_READER;
	(*out)->reader_id = reader_id;
	(*out)->session_id = session_id;
	return LEND_OK;
}

int acct__session_new(lend_engine *e, int64_t reader_id, int origin, const char *label, int64_t *session_id)
{
	lend_sys_session s = {0, reader_id, origin, label, e->now, 0};
	TRY_ST(e, "session", ST(e, session_insert, &s));
	*session_id = s.id;
	return LEND_OK;
}

LEND_EXTERN int lend_sign_in(lend_engine *e, int login_kind, int64_t library_id, const char *login,
                             const char *password, const char *device_label, lend_actor **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(acct__ready(e));
	if (lend__text_ok(device_label, 200, 0) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "the device label must be valid UTF-8 of at most 200 bytes");
	TRY(lend__begin(e, 1));
	int64_t reader = 0, session = 0;
	int rc = acct__verify(e, login_kind, library_id, login, password, &reader);
	if (rc == LEND_OK)
		rc = acct__session_new(e, reader, LEND_SESSION_PASSWORD, device_label, &session);
	if (rc == LEND_OK)
		rc = acct__audit(e, LEND_AUDIT_SIGNIN_OK, reader, NULL, "login=%s\nsession_id=%lld",
		                 login_kind_name(login_kind), (long long)session);
	rc = acct__end_failed(e, rc);
	if (rc == LEND_OK && acct__actor(reader, session, out) != LEND_OK)
		rc = lend__nomem(e);
	return rc;
}

LEND_EXTERN int lend_actor_staff(lend_engine *e, const lend_actor *signed_in, lend_actor **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(lend__need_actor(e, signed_in));
	if (signed_in->kind != LEND_ACTOR_READER || !signed_in->session_id)
		return lend__fail(e, LEND_EINVAL, "a signed-in reader is required");
	TRY(lend_actor_librarian(e, signed_in->reader_id, out));
	(*out)->session_id = signed_in->session_id;
	return LEND_OK;
}

LEND_EXTERN int64_t lend_actor_session_id(const lend_actor *a)
{
	return a ? a->session_id : 0;
}
