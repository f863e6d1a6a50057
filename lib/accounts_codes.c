/* accounts_codes.c — backup sign-in methods and their one-time codes,
 * external identities, password recovery and app activation. */
#include <stdio.h>

#include "accounts.h"

/* ------------------------------------------------------- one-time secrets */

static const char token_alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789"; /* 32 symbols */

/* An outstanding secret copied out of a listing, its hash kept. */
ACCT_ROW_COPY(acct_secret, lend_sys_secret, s, hash, hash, ACCT_HEX)

/* The reader's outstanding secrets of a purpose, newest first; each row's
 * s.hash must be re-pointed at its hash before use (rows move as they grow). */
static int secrets_of(lend_engine *e, int64_t reader_id, int purpose, lend__rows *out)
{
	*out = (lend__rows)LEND_ROWS(acct_secret);
	TRY(lend__rows_status(e, out, ST(e, secret_list, reader_id, purpose, acct_secret_cb, out), "secret list"));
	for (size_t i = 0; i < out->n; i++)
		LEND_ROW(*out, acct_secret, i).s.hash = LEND_ROW(*out, acct_secret, i).hash;
	return LEND_OK;
}

static int secret_save(lend_engine *e, const lend_sys_secret *s)
{
	TRY_ST(e, "secret", ST(e, secret_update, s));
	return LEND_OK;
}

/* End the outstanding secrets of a purpose (0: any) and method (0: any). */
static int secrets_end_of(lend_engine *e, int64_t reader_id, int purpose, int64_t method_id)
{
	lend__rows r;
	TRY(secrets_of(e, reader_id, purpose, &r));
	int rc = LEND_OK;
	for (size_t i = 0; rc == LEND_OK && i < r.n; i++) {
		lend_sys_secret *s = &LEND_ROW(r, acct_secret, i).s;
		if (method_id && s->method_id != method_id)
			continue;
		s->used_at = e->now;
		rc = secret_save(e, s);
	}
	lend__rows_free(&r);
	return rc;
}

int acct__secrets_end(lend_engine *e, int64_t reader_id, int purpose)
{
	return secrets_end_of(e, reader_id, purpose, 0);
}

/* The stored hash of a secret. A short numeric code is hashed with its
 * method and time, so that equal codes of different methods (or times) do
 * not collide on the unique hash; a token is hashed alone (it is looked up
 * by its hash). */
static void secret_hash(int digits, int64_t method_id, int64_t created_at, const char *text, char out[ACCT_HEX])
{
	char buf[128];
	if (digits > 0) {
		snprintf(buf, sizeof buf, "%lld:%lld:%s", (long long)method_id, (long long)created_at, text);
		acct__hex_hash(buf, out);
		sodium_memzero(buf, sizeof buf);
	} else {
		acct__hex_hash(text, out);
	}
}

int acct__secret_new(lend_engine *e, int64_t reader_id, int purpose, int64_t method_id, int64_t lifetime,
                     int digits, char *text, size_t n)
{
	TRY(secrets_end_of(e, reader_id, purpose, method_id));
	size_t len = digits > 0 ? (size_t)digits : 26;
	if (n <= len)
		return lend__fail(e, LEND_EINVAL, "no room for the secret");
	int rc = LEND_EEXISTS;
	/* A repeat is (nearly) impossible; a few new draws settle it. */
	for (int attempt = 0; attempt < 8 && rc == LEND_EEXISTS; attempt++) {
		for (size_t i = 0; i < len; i++)
			text[i] = digits > 0 ? (char)('0' + randombytes_uniform(10)) : token_alphabet[randombytes_uniform(32)];
		text[len] = '\0';
		char hash[ACCT_HEX];
		secret_hash(digits, method_id, e->now, text, hash);
		lend_sys_secret s = {0,        reader_id, purpose, method_id, hash, e->now, e->now + lifetime,
		                     ACCT_CODE_TRIES, 0};
		rc = ST(e, secret_insert, &s);
	}
	TRY_ST(e, "secret", rc);
	return LEND_OK;
}

/* ----------------------------------------------------------- methods */

typedef struct acct_method {
	int64_t id;
	int64_t reader_id;
	int kind;
	int64_t verified_at;
	int64_t created_at;
	char value[ACCT_LOGIN_MAX * 2 + 8];
} acct_method;

static int method_cb(void *ctx, const lend_sys_method *r)
{
	acct_method m;
	memset(&m, 0, sizeof m);
	m.id = r->id;
	m.reader_id = r->reader_id;
	m.kind = r->kind;
	m.verified_at = r->verified_at;
	m.created_at = r->created_at;
	snprintf(m.value, sizeof m.value, "%s", r->value ? r->value : "");
	return lend__rows_push(ctx, &m) ? 1 : 0;
}

int acct__methods(lend_engine *e, int64_t reader_id, lend__rows *out)
{
	*out = (lend__rows)LEND_ROWS(acct_method);
	return lend__rows_status(e, out, ST(e, method_list, reader_id, method_cb, out), "method list");
}

void acct__methods_free(lend__rows *r)
{
	lend__rows_free(r);
}

/* A method by id; a reader actor reaches only his own (EPERM otherwise). */
static int find_method(lend_engine *e, const lend_actor *a, int64_t method_id, acct_method *out)
{
	lend__rows r = LEND_ROWS(acct_method);
	int rc = ST(e, method_get, method_id, method_cb, &r);
	if (r.oom)
		rc = lend__nomem(e);
	else if (rc == LEND_ENOTFOUND)
		rc = lend__fail(e, LEND_ENOTFOUND, "no sign-in method %lld", (long long)method_id);
	else if (rc != LEND_OK)
		rc = lend__storage_fail(e, rc, "method");
	if (rc == LEND_OK)
		*out = LEND_ROW(r, acct_method, 0);
	lend__rows_free(&r);
	if (rc == LEND_OK && a->kind == LEND_ACTOR_READER && out->reader_id != a->reader_id)
		rc = lend__fail(e, LEND_EPERM, "a reader manages only his own sign-in methods");
	return rc;
}

static int reader_self_or_admin(lend_engine *e, const lend_actor *a, int64_t reader_id)
{
	TRY(lend__need_actor(e, a));
	if (a->kind == LEND_ACTOR_ADMIN || (a->kind == LEND_ACTOR_READER && a->reader_id == reader_id))
		return LEND_OK;
	return lend__fail(e, LEND_EPERM, "only the reader himself manages his sign-in methods");
}

static const char *method_name(int kind)
{
	return kind == LEND_METHOD_EMAIL ? "email" : kind == LEND_METHOD_PHONE ? "phone" : "identity";
}

/* Send a confirmation code to a method (the newest only is valid). */
static int send_code(lend_engine *e, const acct_method *m)
{
	char code[8], detail[600];
	TRY(acct__secret_new(e, m->reader_id, ACCT_SECRET_METHOD, m->id, ACCT_CODE_LIFETIME, 6, code, sizeof code));
	snprintf(detail, sizeof detail, "method_id=%lld\nchannel=%s\nto=%s\ncode=%s\nexpires_at=%lld", (long long)m->id,
	         method_name(m->kind), m->value, code, (long long)(e->now + ACCT_CODE_LIFETIME));
	int rc = lend__notify(e, LEND_NOTE_VERIFICATION_CODE, m->reader_id, 0, 0, 0, detail);
	sodium_memzero(code, sizeof code);
	sodium_memzero(detail, sizeof detail);
	return rc;
}

LEND_EXTERN int lend_method_add(lend_engine *e, const lend_actor *a, int64_t reader_id, int kind, const char *value,
                                int64_t *method_id)
{
	LEND_ENTER(e);
	TRY(acct__ready(e));
	if (method_id)
		*method_id = 0;
	char norm[ACCT_LOGIN_MAX + 2];
	if ((kind != LEND_METHOD_EMAIL && kind != LEND_METHOD_PHONE) ||
	    acct__normalize(kind, value, norm, sizeof norm) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "an e-mail address or a phone number (7 to 15 digits) is required");
	TRY(reader_self_or_admin(e, a, reader_id));
	TRY(lend__begin(e, 1));
	lend_sys_reader r;
	int rc = lend__load_reader(e, reader_id, &r);
	lend__rows ms = LEND_ROWS(acct_method);
	if (rc == LEND_OK)
		rc = acct__methods(e, reader_id, &ms);
	acct_method m;
	memset(&m, 0, sizeof m);
	for (size_t i = 0; rc == LEND_OK && i < ms.n; i++) {
		const acct_method *x = &LEND_ROW(ms, acct_method, i);
		if (x->kind == kind && strcmp(x->value, norm) == 0)
			m = *x;
	}
	lend__rows_free(&ms);
	if (rc == LEND_OK && m.verified_at)
		rc = lend__fail(e, LEND_EEXISTS, "this %s is already confirmed on the account", method_name(kind));
	if (rc == LEND_OK && !m.id) {
		lend_sys_method row = {0, reader_id, kind, norm, 0, e->now};
		rc = ST(e, method_insert, &row);
		if (rc != LEND_OK)
			rc = lend__storage_fail(e, rc, "method");
		m.id = row.id;
		m.reader_id = reader_id;
		m.kind = kind;
		m.created_at = e->now;
		snprintf(m.value, sizeof m.value, "%s", norm);
		if (rc == LEND_OK)
			rc = acct__audit(e, LEND_AUDIT_METHOD_ADDED, reader_id, a, "method_id=%lld\nkind=%s",
			                 (long long)m.id, method_name(kind));
	}
	if (rc == LEND_OK)
		rc = send_code(e, &m);
	rc = lend__end(e, rc);
	if (rc == LEND_OK && method_id)
		*method_id = m.id;
	return rc;
}

LEND_EXTERN int lend_method_confirm(lend_engine *e, const lend_actor *a, int64_t method_id, const char *code)
{
	LEND_ENTER(e);
	TRY(acct__ready(e));
	if (lend__text_ok(code, 64, 1) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "the code is required");
	TRY(lend__need_actor(e, a));
	if (a->kind != LEND_ACTOR_READER)
		return lend__fail(e, LEND_EPERM, "only the reader himself confirms his sign-in methods");
	TRY(lend__begin(e, 1));
	acct_method m;
	int rc = find_method(e, a, method_id, &m);
	if (rc == LEND_OK && m.verified_at)
		rc = lend__fail(e, LEND_ESTATE, "the method is already confirmed");
	lend__rows r = LEND_ROWS(acct_secret);
	if (rc == LEND_OK)
		rc = secrets_of(e, m.reader_id, ACCT_SECRET_METHOD, &r);
	lend_sys_secret *s = NULL;
	for (size_t i = 0; rc == LEND_OK && i < r.n && !s; i++)
		if (LEND_ROW(r, acct_secret, i).s.method_id == method_id)
			s = &LEND_ROW(r, acct_secret, i).s;
	int failed = 0;
	if (rc == LEND_OK && (!s || s->expires_at <= e->now))
		rc = lend__deny(e, LEND_REASON_CODE_EXPIRED, "the code has expired: ask for a new one");
	else if (rc == LEND_OK && s->tries_left <= 0)
		rc = lend__deny(e, LEND_REASON_CODE_TRIES, "the code allows no more tries: ask for a new one");
	if (rc == LEND_OK) {
		char hash[ACCT_HEX];
		secret_hash(1, s->method_id, s->created_at, code, hash);
		failed = sodium_memcmp(hash, s->hash, ACCT_HEX - 1) != 0;
		if (failed)
			s->tries_left--;
		else
			s->used_at = e->now;
		rc = secret_save(e, s);
	}
	int tries = s ? s->tries_left : 0;
	lend__rows_free(&r);
	if (rc == LEND_OK && failed) {
		rc = acct__audit(e, LEND_AUDIT_CODE_FAILED, m.reader_id, a, "method_id=%lld\ntries_left=%d",
		                 (long long)method_id, tries);
		if (rc == LEND_OK)
			rc = lend__fail(e, LEND_EAUTH, "the code is wrong (%d tries left)", tries);
		return acct__end_failed(e, rc);
	}
	if (rc == LEND_OK) {
		lend_sys_method row = {m.id, m.reader_id, m.kind, m.value, e->now, m.created_at};
		rc = ST(e, method_update, &row);
		if (rc == LEND_EEXISTS)
			rc = lend__fail(e, LEND_EEXISTS, "this %s already belongs to another account", method_name(m.kind));
		else if (rc != LEND_OK)
			rc = lend__storage_fail(e, rc, "method");
	}
	if (rc == LEND_OK)
		rc = acct__audit(e, LEND_AUDIT_METHOD_CONFIRMED, m.reader_id, a, "method_id=%lld\nkind=%s",
		                 (long long)m.id, method_name(m.kind));
	return lend__end(e, rc);
}

LEND_EXTERN int lend_method_remove(lend_engine *e, const lend_actor *a, int64_t method_id)
{
	LEND_ENTER(e);
	TRY(acct__ready(e));
	TRY(lend__need_actor(e, a));
	if (a->kind != LEND_ACTOR_READER)
		return lend__fail(e, LEND_EPERM, "only the reader himself removes his sign-in methods");
	TRY(lend__begin(e, 1));
	acct_method m;
	int rc = find_method(e, a, method_id, &m);
	if (rc == LEND_OK)
		rc = secrets_end_of(e, m.reader_id, ACCT_SECRET_METHOD, m.id);
	if (rc == LEND_OK && (rc = ST(e, method_delete, m.id)) != LEND_OK)
		rc = lend__storage_fail(e, rc, "method");
	if (rc == LEND_OK)
		rc = acct__audit(e, LEND_AUDIT_METHOD_REMOVED, m.reader_id, a, "method_id=%lld\nkind=%s",
		                 (long long)m.id, method_name(m.kind));
	return lend__end(e, rc);
}

/* "provider\nsubject": neither part may hold a newline (text_ok refuses
 * control characters). */
static int identity_value(lend_engine *e, const char *provider, const char *subject, char *out, size_t n)
{
	if (lend__text_ok(provider, 64, 1) != LEND_OK || lend__text_ok(subject, 200, 1) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "an identity is a provider (<= 64 bytes) and a subject (<= 200 bytes)");
	snprintf(out, n, "%s\n%s", provider, subject);
	return LEND_OK;
}

LEND_EXTERN int lend_identity_link(lend_engine *e, const lend_actor *a, int64_t reader_id, const char *provider,
                                   const char *subject, int64_t *method_id)
{
	LEND_ENTER(e);
	TRY(acct__ready(e));
	if (method_id)
		*method_id = 0;
	char value[300];
	TRY(identity_value(e, provider, subject, value, sizeof value));
	TRY(reader_self_or_admin(e, a, reader_id));
	TRY(lend__begin(e, 1));
	lend_sys_reader r;
	int rc = lend__load_reader(e, reader_id, &r);
	lend_sys_method row = {0, reader_id, LEND_METHOD_IDENTITY, value, e->now, e->now};
	if (rc == LEND_OK) {
		rc = ST(e, method_insert, &row);
		if (rc == LEND_EEXISTS)
			rc = lend__fail(e, LEND_EEXISTS, "this identity is already linked to an account");
		else if (rc != LEND_OK)
			rc = lend__storage_fail(e, rc, "method");
	}
	if (rc == LEND_OK)
		rc = acct__audit(e, LEND_AUDIT_METHOD_CONFIRMED, reader_id, a, "method_id=%lld\nkind=identity",
		                 (long long)row.id);
	rc = lend__end(e, rc);
	if (rc == LEND_OK && method_id)
		*method_id = row.id;
	return rc;
}

struct found_method {
	int64_t reader_id;
};

static int found_cb(void *ctx, const lend_sys_method *r)
{
	((struct found_method *)ctx)->reader_id = r->reader_id;
	return 0;
}

LEND_EXTERN int lend_sign_in_identity(lend_engine *e, const char *provider, const char *subject,
                                      const char *device_label, lend_actor **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(acct__ready(e));
	char value[300];
	TRY(identity_value(e, provider, subject, value, sizeof value));
	if (lend__text_ok(device_label, 200, 0) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "the device label must be valid UTF-8 of at most 200 bytes");
	TRY(lend__begin(e, 1));
	struct found_method f = {0};
	int64_t session = 0;
	int rc = ST(e, method_find, LEND_METHOD_IDENTITY, value, found_cb, &f);
	if (rc == LEND_ENOTFOUND)
		rc = lend__fail(e, LEND_EAUTH, "no account is linked to this identity");
	else if (rc != LEND_OK)
		rc = lend__storage_fail(e, rc, "method");
	if (rc == LEND_OK)
		rc = acct__usable(e, f.reader_id, 0);
	if (rc == LEND_OK)
		rc = acct__session_new(e, f.reader_id, LEND_SESSION_IDENTITY, device_label, &session);
	if (rc == LEND_OK)
		rc = acct__audit(e, LEND_AUDIT_SIGNIN_OK, f.reader_id, NULL, "login=identity\nsession_id=%lld",
		                 (long long)session);
	rc = lend__end(e, rc);
	if (rc == LEND_OK && acct__actor(f.reader_id, session, out) != LEND_OK)
		rc = lend__nomem(e);
	return rc;
}

/* ------------------------------------------------------ method listing */

struct lend_methods {
	lend__rows rows; /* acct_method */
};

LEND_EXTERN int lend_method_list(lend_engine *e, const lend_actor *a, int64_t reader_id, lend_methods **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(acct__ready(e));
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 0));
	lend_methods *l = calloc(1, sizeof *l);
	int rc = l ? lend__need_reader_access(e, a, reader_id) : lend__nomem(e);
	if (rc == LEND_OK)
		rc = acct__methods(e, reader_id, &l->rows);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		free(l);
		return rc;
	}
	for (size_t i = 0; i < l->rows.n; i++) { /* "provider\nsubject" shows as "provider:subject" */
		char *nl = strchr(LEND_ROW(l->rows, acct_method, i).value, '\n');
		if (nl)
			*nl = ':';
	}
	*out = l;
	return LEND_OK;
}

static const acct_method *method_at(const lend_methods *l, size_t i)
{
	return l && i < l->rows.n ? &LEND_ROW(l->rows, acct_method, i) : NULL;
}

LEND_EXTERN size_t lend_methods_count(const lend_methods *l) { return l ? l->rows.n : 0; }
LEND_EXTERN int64_t lend_methods_id(const lend_methods *l, size_t i) { return method_at(l, i) ? method_at(l, i)->id : 0; }
LEND_EXTERN int lend_methods_kind(const lend_methods *l, size_t i) { return method_at(l, i) ? method_at(l, i)->kind : 0; }
LEND_EXTERN const char *lend_methods_value(const lend_methods *l, size_t i)
{
	return method_at(l, i) ? method_at(l, i)->value : "";
}
LEND_EXTERN int lend_methods_verified(const lend_methods *l, size_t i)
{
	return method_at(l, i) ? method_at(l, i)->verified_at != 0 : 0;
}
LEND_EXTERN void lend_methods_free(lend_methods *l)
{
	if (!l)
		return;
	lend__rows_free(&l->rows);
	free(l);
}

/* -------------------------------------------- recovery and activation */

/* Where a one-time secret for an account goes: the method named by the
 * login, else the newest verified e-mail, else phone. 0 if none. */
static int channel_of(lend_engine *e, int64_t reader_id, int login_kind, const char *login, acct_method *out)
{
	lend__rows r;
	TRY(acct__methods(e, reader_id, &r));
	char norm[ACCT_LOGIN_MAX + 2] = "";
	int want = login_kind == LEND_LOGIN_EMAIL ? LEND_METHOD_EMAIL : login_kind == LEND_LOGIN_PHONE ? LEND_METHOD_PHONE : 0;
	if (want && acct__normalize(want, login, norm, sizeof norm) != LEND_OK)
		norm[0] = '\0';
	memset(out, 0, sizeof *out);
	for (int pass = 0; pass < 3 && !out->id; pass++)
		for (size_t i = r.n; i-- > 0;) {
			const acct_method *m = &LEND_ROW(r, acct_method, i);
			if (!m->verified_at || m->kind == LEND_METHOD_IDENTITY)
				continue;
			if ((pass == 0 && want && m->kind == want && strcmp(m->value, norm) == 0) ||
			    (pass == 1 && !want && m->kind == LEND_METHOD_EMAIL) ||
			    (pass == 2 && !want && m->kind == LEND_METHOD_PHONE)) {
				*out = *m;
				break;
			}
		}
	lend__rows_free(&r);
	return LEND_OK;
}

/* Send a secret of a purpose to the account of a login, if there is one:
 * the caller sees the same either way. */
static int send_secret(lend_engine *e, int login_kind, int64_t library_id, const char *login, int purpose)
{
	int64_t reader = 0;
	TRY(acct__lookup(e, login_kind, library_id, login, &reader));
	if (!reader)
		return LEND_OK;
	acct_method m;
	TRY(channel_of(e, reader, login_kind, login, &m));
	int recovery = purpose == ACCT_SECRET_RECOVERY;
	TRY(acct__audit(e, recovery ? LEND_AUDIT_RECOVERY_REQUESTED : LEND_AUDIT_ACTIVATION_REQUESTED, reader, NULL,
	                "channel=%s", m.id ? method_name(m.kind) : "none"));
	if (!m.id)
		return LEND_OK;
	char secret[32], detail[640];
	int64_t life = recovery ? ACCT_RECOVERY_LIFETIME : ACCT_ACTIVATION_LIFETIME;
	TRY(acct__secret_new(e, reader, purpose, recovery ? 0 : m.id, life, 0, secret, sizeof secret));
	snprintf(detail, sizeof detail, "channel=%s\nto=%s\n%s=%s\nexpires_at=%lld", method_name(m.kind), m.value,
	         recovery ? "token" : "code", secret, (long long)(e->now + life));
	int rc = lend__notify(e, recovery ? LEND_NOTE_PASSWORD_RECOVERY : LEND_NOTE_APP_ACTIVATION, reader, 0, 0, 0,
	                      detail);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(detail, sizeof detail);
	return rc;
}

LEND_EXTERN int lend_recovery_request(lend_engine *e, int login_kind, int64_t library_id, const char *login)
{
	LEND_ENTER(e);
	TRY(acct__ready(e));
	TRY(lend__begin(e, 1));
	return lend__end(e, send_secret(e, login_kind, library_id, login, ACCT_SECRET_RECOVERY));
}

LEND_EXTERN int lend_activation_request(lend_engine *e, int login_kind, const char *login)
{
	LEND_ENTER(e);
	TRY(acct__ready(e));
	if (login_kind != LEND_LOGIN_EMAIL && login_kind != LEND_LOGIN_PHONE)
		return lend__fail(e, LEND_EINVAL, "the app link goes by e-mail or SMS");
	TRY(lend__begin(e, 1));
	return lend__end(e, send_secret(e, login_kind, 0, login, ACCT_SECRET_ACTIVATION));
}

/* Take an outstanding secret of a purpose by its text: *out filled, the
 * secret spent. LEND_EAUTH when there is none (bad, used, expired). */
static int take_secret(lend_engine *e, const char *text, int purpose, lend_sys_secret *out)
{
	char hash[ACCT_HEX];
	secret_hash(0, 0, 0, text, hash);
	lend__rows r = LEND_ROWS(acct_secret);
	int rc = ST(e, secret_find, hash, acct_secret_cb, &r);
	if (rc != LEND_OK && rc != LEND_ENOTFOUND && !r.oom) {
		lend__rows_free(&r);
		return lend__storage_fail(e, rc, "secret");
	}
	if (r.oom) {
		lend__rows_free(&r);
		return lend__nomem(e);
	}
	int ok = r.n == 1;
	acct_secret *s = ok ? &LEND_ROW(r, acct_secret, 0) : NULL;
	if (ok) {
		s->s.hash = s->hash;
		ok = s->s.purpose == purpose && s->s.used_at == 0 && s->s.expires_at > e->now &&
		     sodium_memcmp(s->hash, hash, ACCT_HEX - 1) == 0;
	}
	if (ok) {
		*out = s->s;
		out->hash = NULL;
		s->s.used_at = e->now;
		rc = secret_save(e, &s->s);
	}
	lend__rows_free(&r);
	if (!ok)
		return lend__fail(e, LEND_EAUTH, "the code is wrong, used or expired");
	return rc;
}

LEND_EXTERN int lend_recovery_finish(lend_engine *e, const char *token, const char *new_password)
{
	LEND_ENTER(e);
	TRY(acct__ready(e));
	if (lend__text_ok(token, 64, 1) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "the token is required");
	TRY(acct__password_ok(e, new_password));
	TRY(lend__begin(e, 1));
	lend_sys_secret s;
	int rc = take_secret(e, token, ACCT_SECRET_RECOVERY, &s);
	if (rc == LEND_OK)
		rc = acct__secrets_end(e, s.reader_id, ACCT_SECRET_RECOVERY);
	lend__rows t = LEND_ROWS(lend_sys_ticket);
	if (rc == LEND_OK)
		rc = acct__tickets(e, s.reader_id, &t);
	for (size_t i = 0; rc == LEND_OK && i < t.n; i++)
		rc = acct__set_password(e, LEND_ROW(t, lend_sys_ticket, i).id, new_password);
	lend__rows_free(&t);
	/* Whoever knew the old password is signed out everywhere. */
	int found = 0;
	if (rc == LEND_OK)
		rc = acct__sessions_revoke(e, NULL, s.reader_id, 0, &found);
	if (rc == LEND_OK)
		rc = acct__audit(e, LEND_AUDIT_RECOVERY_DONE, s.reader_id, NULL, "by=recovery");
	return lend__end(e, rc);
}

LEND_EXTERN int lend_activate(lend_engine *e, const char *code, const char *device_label, lend_actor **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(acct__ready(e));
	if (lend__text_ok(code, 64, 1) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "the code is required");
	if (lend__text_ok(device_label, 200, 0) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "the device label must be valid UTF-8 of at most 200 bytes");
	TRY(lend__begin(e, 1));
	lend_sys_secret s;
	int64_t session = 0;
	int rc = take_secret(e, code, ACCT_SECRET_ACTIVATION, &s);
	if (rc == LEND_OK)
		rc = acct__usable(e, s.reader_id, 0);
	if (rc == LEND_OK)
		rc = acct__session_new(e, s.reader_id, LEND_SESSION_ACTIVATION, device_label, &session);
	if (rc == LEND_OK)
		rc = acct__audit(e, LEND_AUDIT_ACTIVATED, s.reader_id, NULL, "session_id=%lld", (long long)session);
	rc = lend__end(e, rc);
	if (rc == LEND_OK && acct__actor(s.reader_id, session, out) != LEND_OK)
		rc = lend__nomem(e);
	return rc;
}
