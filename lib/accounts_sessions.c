/* accounts_sessions.c — sessions (listing, revoking, the check in the
 * permission path), the audit log's listing, and the accounts' invariants. */
#include <stdio.h>

#include "accounts.h"

/* ------------------------------------------------- the permission path */

struct session_seek {
	lend_sys_session s;
	int found;
};

static int session_cb(void *ctx, const lend_sys_session *r)
{
	struct session_seek *k = ctx;
	k->s = *r;
	k->s.label = NULL;
	k->found = 1;
	return 0;
}

/* When a session begun at created_at ends by itself: 0 never (a lifetime of
 * 0, or one that would end past the last representable time). */
static int64_t session_expiry(int64_t created_at, int64_t lifetime)
{
	return lifetime > 0 && created_at <= INT64_MAX - lifetime ? created_at + lifetime : 0;
}

/* Live: not revoked (that wins), still the reader's, and not expired at now. */
static int session_live(lend_engine *e, int64_t session_id, int64_t reader_id, int64_t now)
{
	struct session_seek k;
	memset(&k, 0, sizeof k);
	int rc = lend__accounts_lacks(e) ? LEND_ENOTFOUND : ST(e, session_get, session_id, session_cb, &k);
	if (rc != LEND_OK && rc != LEND_ENOTFOUND)
		return lend__storage_fail(e, rc, "session");
	if (!k.found || k.s.revoked_at || k.s.reader_id != reader_id)
		return lend__fail(e, LEND_EPERM, "the session has ended: sign in again");
	int64_t expires = session_expiry(k.s.created_at, e->session_lifetime);
	if (expires && now >= expires)
		return lend__fail(e, LEND_EPERM, "the session has expired: sign in again");
	return LEND_OK;
}

int lend__accounts_actor(lend_engine *e, const lend_actor *a)
{
	if (!a->session_id)
		return LEND_OK;
	if (e->in_txn)
		return session_live(e, a->session_id, a->reader_id, e->now);
	if (!e->has_storage)
		return lend__fail(e, LEND_ESTATE, "the engine did not open");
	/* Before the call's transaction: the clock is read here (again by it). */
	int64_t now = e->clock(e->clock_ud);
	if (now < 0)
		return lend__fail(e, LEND_EUSER, "the host's clock failed");
	int rc = e->st.begin(e->st.userdata, 0);
	if (rc != LEND_OK)
		return lend__storage_fail(e, rc, "begin read");
	e->in_txn = 1;
	rc = session_live(e, a->session_id, a->reader_id, now);
	e->st.rollback(e->st.userdata);
	e->in_txn = 0;
	return rc;
}

/* ------------------------------------------------------------ sessions */

ACCT_ROW_COPY(acct_session, lend_sys_session, s, label, label, 201)

static int sessions_of(lend_engine *e, int64_t reader_id, lend__rows *out)
{
	*out = (lend__rows)LEND_ROWS(acct_session);
	TRY(lend__rows_status(e, out, ST(e, session_list, reader_id, acct_session_cb, out), "session list"));
	for (size_t i = 0; i < out->n; i++)
		LEND_ROW(*out, acct_session, i).s.label = LEND_ROW(*out, acct_session, i).label;
	return LEND_OK;
}

struct lend_sessions {
	lend__rows rows;
	int64_t lifetime; /* the engine's when listed */
};

LEND_EXTERN int lend_session_list(lend_engine *e, const lend_actor *a, int64_t reader_id, lend_sessions **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(acct__ready(e));
	TRY(lend__need_actor(e, a));
	if (a->kind == LEND_ACTOR_LIBRARIAN || (a->kind == LEND_ACTOR_READER && a->reader_id != reader_id))
		return lend__fail(e, LEND_EPERM, "only the reader himself sees his sessions");
	lend_sessions *l = calloc(1, sizeof *l);
	if (!l)
		return lend__nomem(e);
	l->lifetime = e->session_lifetime;
	int rc = lend__begin(e, 0);
	if (rc == LEND_OK)
		rc = lend__end(e, sessions_of(e, reader_id, &l->rows));
	if (rc != LEND_OK) {
		free(l);
		return rc;
	}
	for (size_t i = 0; i < l->rows.n; i++)
		LEND_ROW(l->rows, acct_session, i).s.label = LEND_ROW(l->rows, acct_session, i).label;
	*out = l;
	return LEND_OK;
}

static const lend_sys_session *session_at(const lend_sessions *l, size_t i)
{
	return l && i < l->rows.n ? &LEND_ROW(l->rows, acct_session, i).s : NULL;
}

LEND_EXTERN size_t lend_sessions_count(const lend_sessions *l) { return l ? l->rows.n : 0; }
LEND_EXTERN int64_t lend_sessions_id(const lend_sessions *l, size_t i) { return session_at(l, i) ? session_at(l, i)->id : 0; }
LEND_EXTERN int lend_sessions_origin(const lend_sessions *l, size_t i)
{
	return session_at(l, i) ? session_at(l, i)->origin : 0;
}
LEND_EXTERN const char *lend_sessions_label(const lend_sessions *l, size_t i)
{
	return session_at(l, i) ? LEND_ROW(l->rows, acct_session, i).label : "";
}
LEND_EXTERN int64_t lend_sessions_created_at(const lend_sessions *l, size_t i)
{
	return session_at(l, i) ? session_at(l, i)->created_at : 0;
}
LEND_EXTERN int64_t lend_sessions_revoked_at(const lend_sessions *l, size_t i)
{
	return session_at(l, i) ? session_at(l, i)->revoked_at : 0;
}
LEND_EXTERN int64_t lend_sessions_expires_at(const lend_sessions *l, size_t i)
{
	return session_at(l, i) ? session_expiry(session_at(l, i)->created_at, l->lifetime) : 0;
}
LEND_EXTERN void lend_sessions_free(lend_sessions *l)
{
	if (!l)
		return;
	lend__rows_free(&l->rows);
	free(l);
}

/* Revoke the live sessions of a reader (id 0: every one). */
int acct__sessions_revoke(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t session_id, int *found)
{
	lend__rows r;
	TRY(sessions_of(e, reader_id, &r));
	int rc = LEND_OK;
	*found = 0;
	for (size_t i = 0; rc == LEND_OK && i < r.n; i++) {
		lend_sys_session *s = &LEND_ROW(r, acct_session, i).s;
		if (session_id && s->id != session_id)
			continue;
		*found = 1;
		if (s->revoked_at)
			continue;
		s->revoked_at = e->now;
		if ((rc = ST(e, session_update, s)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "session");
		else
			rc = acct__audit(e, LEND_AUDIT_SESSION_REVOKED, reader_id, a, "session_id=%lld", (long long)s->id);
	}
	lend__rows_free(&r);
	return rc;
}

LEND_EXTERN int lend_session_revoke(lend_engine *e, const lend_actor *a, int64_t session_id)
{
	LEND_ENTER(e);
	TRY(acct__ready(e));
	TRY(lend__need_actor(e, a));
	if (a->kind == LEND_ACTOR_LIBRARIAN)
		return lend__fail(e, LEND_EPERM, "only the reader himself ends his sessions");
	TRY(lend__begin(e, 1));
	struct session_seek k;
	memset(&k, 0, sizeof k);
	int rc = ST(e, session_get, session_id, session_cb, &k);
	if (rc == LEND_ENOTFOUND)
		rc = lend__fail(e, LEND_ENOTFOUND, "no session %lld", (long long)session_id);
	else if (rc != LEND_OK)
		rc = lend__storage_fail(e, rc, "session");
	if (rc == LEND_OK && a->kind == LEND_ACTOR_READER && k.s.reader_id != a->reader_id)
		rc = lend__fail(e, LEND_EPERM, "only the reader himself ends his sessions");
	int found = 0;
	if (rc == LEND_OK)
		rc = acct__sessions_revoke(e, a, k.s.reader_id, session_id, &found);
	return lend__end(e, rc);
}

/* ----------------------------------------------------------- audit log */

ACCT_ROW_COPY(acct_audit, lend_sys_audit, r, detail, detail, 512)

struct lend_audit {
	lend__rows rows;
};

LEND_EXTERN int lend_audit_list(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t from, int64_t to,
                                lend_audit **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	if (reader_id < 0 || (to && to < from))
		return lend__fail(e, LEND_EINVAL, "a reader id >= 0 and from <= to are required");
	TRY(acct__ready(e));
	TRY(lend__need_actor(e, a));
	if (a->kind != LEND_ACTOR_ADMIN && !(a->kind == LEND_ACTOR_READER && reader_id == a->reader_id))
		return lend__fail(e, LEND_EPERM, "the audit log is the administrator's (a reader sees his own)");
	lend_audit *l = calloc(1, sizeof *l);
	if (!l)
		return lend__nomem(e);
	l->rows = (lend__rows)LEND_ROWS(acct_audit);
	int rc = lend__begin(e, 0);
	if (rc == LEND_OK)
		rc = lend__end(e, lend__rows_status(e, &l->rows, ST(e, audit_list, reader_id, from, to, acct_audit_cb, &l->rows),
		                                    "audit list"));
	if (rc != LEND_OK) {
		free(l);
		return rc;
	}
	*out = l;
	return LEND_OK;
}

static const acct_audit *audit_at(const lend_audit *l, size_t i)
{
	return l && i < l->rows.n ? &LEND_ROW(l->rows, acct_audit, i) : NULL;
}

LEND_EXTERN size_t lend_audit_count(const lend_audit *l) { return l ? l->rows.n : 0; }
LEND_EXTERN int64_t lend_audit_id(const lend_audit *l, size_t i) { return audit_at(l, i) ? audit_at(l, i)->r.id : 0; }
LEND_EXTERN int64_t lend_audit_at(const lend_audit *l, size_t i) { return audit_at(l, i) ? audit_at(l, i)->r.at : 0; }
LEND_EXTERN int lend_audit_event(const lend_audit *l, size_t i) { return audit_at(l, i) ? audit_at(l, i)->r.event : 0; }
LEND_EXTERN int64_t lend_audit_reader_id(const lend_audit *l, size_t i)
{
	return audit_at(l, i) ? audit_at(l, i)->r.reader_id : 0;
}
LEND_EXTERN int64_t lend_audit_actor_id(const lend_audit *l, size_t i)
{
	return audit_at(l, i) ? audit_at(l, i)->r.actor_id : 0;
}
LEND_EXTERN const char *lend_audit_detail(const lend_audit *l, size_t i)
{
	return audit_at(l, i) ? audit_at(l, i)->detail : "";
}
LEND_EXTERN void lend_audit_free(lend_audit *l)
{
	if (!l)
		return;
	lend__rows_free(&l->rows);
	free(l);
}

LEND_EXTERN const char *lend_audit_event_string(int event)
{
	switch (event) {
	case LEND_AUDIT_SIGNIN_OK: return "signin_ok";
	case LEND_AUDIT_SIGNIN_FAILED: return "signin_failed";
	case LEND_AUDIT_LOCKOUT: return "lockout";
	case LEND_AUDIT_PASSWORD_SET: return "password_set";
	case LEND_AUDIT_PASSWORD_CHANGED: return "password_changed";
	case LEND_AUDIT_METHOD_ADDED: return "method_added";
	case LEND_AUDIT_METHOD_CONFIRMED: return "method_confirmed";
	case LEND_AUDIT_METHOD_REMOVED: return "method_removed";
	case LEND_AUDIT_CODE_FAILED: return "code_failed";
	case LEND_AUDIT_RECOVERY_REQUESTED: return "recovery_requested";
	case LEND_AUDIT_RECOVERY_DONE: return "recovery_done";
	case LEND_AUDIT_ACTIVATION_REQUESTED: return "activation_requested";
	case LEND_AUDIT_ACTIVATED: return "activated";
	case LEND_AUDIT_SESSION_REVOKED: return "session_revoked";
	case LEND_AUDIT_MERGED: return "merged";
	default: return "unknown";
	}
}

/* ---------------------------------------------------------- invariants */

static int merged_cb(void *ctx, int64_t from, int64_t into)
{
	(void)into;
	return lend__rows_push(ctx, &from) ? 1 : 0;
}

int lend__accounts_check(lend_engine *e, lend_report *rep)
{
	if (lend__accounts_lacks(e))
		return LEND_OK;
	lend__rows m = LEND_ROWS(int64_t);
	TRY(lend__rows_status(e, &m, ST(e, merged_list, merged_cb, &m), "merged list"));
	int rc = LEND_OK;
	for (size_t i = 0; rc == LEND_OK && i < m.n; i++) {
		int64_t from = LEND_ROW(m, int64_t, i);
		lend__rows t = LEND_ROWS(lend_sys_ticket), ms = LEND_ROWS(char), ss = LEND_ROWS(char);
		rc = acct__tickets(e, from, &t);
		if (rc == LEND_OK)
			rc = acct__methods(e, from, &ms);
		if (rc == LEND_OK)
			rc = sessions_of(e, from, &ss);
		if (rc == LEND_OK && (t.n || ms.n || ss.n) &&
		    lend__report_add(rep, "reader %lld was merged away but still has %zu tickets, %zu sign-in methods, "
		                          "%zu sessions", (long long)from, t.n, ms.n, ss.n) != LEND_OK)
			rc = lend__nomem(e);
		lend__rows_free(&t);
		lend__rows_free(&ms);
		lend__rows_free(&ss);
	}
	lend__rows_free(&m);
	return rc;
}
