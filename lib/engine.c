/* engine.c — opening and closing an engine, options, and the transaction
 * around every public call. */
#include <stdio.h>
#include <time.h>

#include "internal.h"
#include "storage/postgres/open.h"

static int64_t system_clock(void *ud)
{
	(void)ud;
	return (int64_t)time(NULL);
}

LEND_EXTERN int lend_storage_init(lend_storage *s, unsigned int version)
{
	if (!s || version < 1 || version > LEND_STORAGE_VERSION)
		return LEND_EINVAL;
	memset(s, 0, sizeof *s);
	s->version = version;
	return LEND_OK;
}

LEND_EXTERN int lend_notifier_init(lend_notifier *n, unsigned int version)
{
	if (!n || version < 1 || version > LEND_NOTIFIER_VERSION)
		return LEND_EINVAL;
	memset(n, 0, sizeof *n);
	n->version = version;
	return LEND_OK;
}

LEND_EXTERN int lend_options_new(lend_options **out)
{
	if (!out)
		return LEND_EINVAL;
	*out = calloc(1, sizeof **out);
	if (!*out)
		return LEND_ENOMEM;
	(*out)->outbox_retention = LEND_OUTBOX_RETENTION_DEFAULT;
	(*out)->session_lifetime = LEND_SESSION_LIFETIME_DEFAULT;
	(*out)->audit_retention = LEND_AUDIT_RETENTION_DEFAULT;
	return LEND_OK;
}

LEND_EXTERN void lend_options_free(lend_options *opts)
{
	free(opts);
}

LEND_EXTERN int lend_options_set_clock(lend_options *opts, lend_clock_fn fn, void *userdata)
{
	if (!opts)
		return LEND_EINVAL;
	opts->clock = fn;
	opts->clock_ud = userdata;
	return LEND_OK;
}

LEND_EXTERN int lend_options_set_notifier(lend_options *opts, const lend_notifier *notifier)
{
	if (!opts)
		return LEND_EINVAL;
	if (!notifier) {
		opts->has_notifier = 0;
		return LEND_OK;
	}
	if (notifier->version < 1 || notifier->version > LEND_NOTIFIER_VERSION)
		return LEND_EINVAL;
	/* Version 1 is the whole struct; later versions copy by size. */
	opts->nt = *notifier;
	opts->has_notifier = 1;
	return LEND_OK;
}

LEND_EXTERN int lend_options_set_storage(lend_options *opts, const lend_storage *storage)
{
	if (!opts)
		return LEND_EINVAL;
	if (!storage) {
		opts->has_storage = 0;
		return LEND_OK;
	}
	if (storage->version < 1 || storage->version > LEND_STORAGE_VERSION)
		return LEND_EINVAL;
	opts->st = *storage;
	opts->has_storage = 1;
	return LEND_OK;
}

LEND_EXTERN int lend_options_set_outbox_retention(lend_options *opts, int64_t seconds)
{
	if (!opts || seconds < 0)
		return LEND_EINVAL;
	opts->outbox_retention = seconds;
	return LEND_OK;
}

LEND_EXTERN int lend_options_set_session_lifetime(lend_options *opts, int64_t seconds)
{
	if (!opts || seconds < 0)
		return LEND_EINVAL;
	opts->session_lifetime = seconds;
	return LEND_OK;
}

LEND_EXTERN int lend_options_set_busy_timeout(lend_options *opts, int milliseconds)
{
	if (!opts || milliseconds < 0)
		return LEND_EINVAL;
	opts->busy_timeout_ms = milliseconds;
	return LEND_OK;
}

/* Every method of version 1 is required. */
static int storage_complete(const lend_storage *s)
{
	const void *need[] = {
		(const void *)s->begin, (const void *)s->commit, (const void *)s->rollback,
		(const void *)s->library_insert, (const void *)s->library_update, (const void *)s->library_get,
		(const void *)s->library_list, (const void *)s->grant_insert, (const void *)s->grant_delete,
		(const void *)s->grant_list, (const void *)s->reader_insert, (const void *)s->reader_update,
		(const void *)s->reader_get, (const void *)s->ticket_insert, (const void *)s->ticket_update,
		(const void *)s->ticket_get, (const void *)s->ticket_find, (const void *)s->ticket_list,
		(const void *)s->book_insert, (const void *)s->book_update, (const void *)s->book_get,
		(const void *)s->book_list, (const void *)s->fund_get, (const void *)s->fund_put,
		(const void *)s->fund_list, (const void *)s->loan_insert, (const void *)s->loan_update,
		(const void *)s->loan_get, (const void *)s->loan_list, (const void *)s->loan_count,
		(const void *)s->hold_insert, (const void *)s->hold_update, (const void *)s->hold_get,
		(const void *)s->hold_list, (const void *)s->hold_count, (const void *)s->note_insert,
		(const void *)s->note_update, (const void *)s->note_list, (const void *)s->policy_list,
		(const void *)s->policy_put, (const void *)s->policy_delete, (const void *)s->ledger_insert,
		(const void *)s->ledger_list,
	};
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
		if (!need[i])
			return 0;
	return 1;
}

LEND_EXTERN int lend_engine_open(lend_engine **out, const char *path, const lend_options *opts)
{
	if (!out)
		return LEND_EINVAL;
	lend_engine *e = calloc(1, sizeof *e);
	*out = e;
	if (!e)
		return LEND_ENOMEM;
	e->outbox_retention = opts ? opts->outbox_retention : LEND_OUTBOX_RETENTION_DEFAULT;
	e->session_lifetime = opts ? opts->session_lifetime : LEND_SESSION_LIFETIME_DEFAULT;
	lend__accounts_open(e, opts ? opts->password_cost : 0);
	e->audit_retention = opts ? opts->audit_retention : LEND_AUDIT_RETENTION_DEFAULT;
	e->clock = opts && opts->clock ? opts->clock : system_clock;
	e->clock_ud = opts && opts->clock ? opts->clock_ud : NULL;
	if (opts && opts->has_notifier) {
		e->nt = opts->nt;
		e->has_notifier = 1;
	}
	if (opts && opts->has_storage) {
		e->st = opts->st;
		e->has_storage = 1; /* owned from here on, even if refused below */
		if (path)
			return lend__fail(e, LEND_EINVAL, "a path cannot go with a host's storage backend");
		if (!storage_complete(&e->st))
			return lend__fail(e, LEND_EINVAL, "the storage backend lacks a required method");
		return LEND_OK;
	}
	if (!path || lend__text_ok(path, 4096, 1) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "a database path is required");
	char why[256] = "";
	int busy_ms = opts ? opts->busy_timeout_ms : 0, rc;
	/* A PostgreSQL connection URI opens the PostgreSQL backend. */
	if (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0) {
		rc = lend__storage_postgres_open(&e->st, path, busy_ms, why, sizeof why);
		if (rc != LEND_OK) /* the message leaves out the URI: it may hold a password */
			return lend__fail(e, rc, "cannot open the PostgreSQL store: %s", why);
		e->has_storage = 1;
		return LEND_OK;
	}
	rc = lend_storage_sqlite(&e->st, path, busy_ms, why, sizeof why);
	if (rc != LEND_OK)
		return lend__fail(e, rc, "cannot open %s: %s", path, why);
	e->has_storage = 1;
	return LEND_OK;
}

LEND_EXTERN void lend_engine_close(lend_engine *e)
{
	if (!e)
		return;
	if (e->has_storage && e->in_txn)
		e->st.rollback(e->st.userdata);
	if (e->has_storage && e->st.free)
		e->st.free(e->st.userdata);
	if (e->has_notifier && e->nt.free)
		e->nt.free(e->nt.userdata);
	lend__accounts_close(e);
	free(e);
}

LEND_EXTERN int64_t lend_engine_now(lend_engine *e)
{
	return e ? e->clock(e->clock_ud) : 0;
}

static int begin_raw(lend_engine *e, int write)
{
	int rc = e->st.begin(e->st.userdata, write);
	if (rc != LEND_OK)
		return lend__storage_fail(e, rc, write ? "begin write" : "begin read");
	e->in_txn = 1;
	return LEND_OK;
}

int lend__begin(lend_engine *e, int write)
{
	if (!e->has_storage)
		return lend__fail(e, LEND_ESTATE, "the engine did not open");
	if (e->in_txn)
		return lend__fail(e, LEND_ESTATE, "a call is already running on this engine (a callback may not call back)");
	e->now = e->clock(e->clock_ud);
	if (e->now < 0)
		return lend__fail(e, LEND_EUSER, "the host's clock failed");
	e->settled_loans = e->settled_handoffs = 0;
	e->finish_library = 0;
	e->sweeping_day = 0;
	if (!write) {
		/* A read settles nothing unless the clock made something due. */
		TRY(begin_raw(e, 0));
		int needed = 0;
		int rc = lend__settle_needed(e, &needed);
		if (rc != LEND_OK || !needed)
			return rc == LEND_OK ? LEND_OK : lend__end(e, rc);
		e->st.rollback(e->st.userdata);
		e->in_txn = 0;
	}
	TRY(begin_raw(e, 1));
	int rc = lend__settle(e);
	return rc == LEND_OK ? LEND_OK : lend__end(e, rc);
}

int lend__end(lend_engine *e, int rc)
{
	if (rc != LEND_OK && e->errcode == LEND_OK)
		lend__fail(e, rc, "%s", lend_strerror(rc));
	if (!e->in_txn)
		return rc;
	e->in_txn = 0;
	if (rc == LEND_OK) {
		int crc = e->st.commit(e->st.userdata);
		if (crc == LEND_OK) {
			if (e->sweeping_day)
				e->swept_day = e->sweeping_day;
			lend__desk_committed(e);
			return LEND_OK;
		}
		rc = lend__storage_fail(e, crc, "commit");
	}
	e->st.rollback(e->st.userdata);
	return rc;
}

LEND_EXTERN int lend_engine_tick(lend_engine *e, int64_t *loans_ended, int64_t *handoffs)
{
	LEND_ENTER(e);
	if (loans_ended)
		*loans_ended = 0;
	if (handoffs)
		*handoffs = 0;
	TRY(lend__begin(e, 1));
	int64_t more = 0;
	int rc = lend__dispatch_all(e, &more);
	if (rc == LEND_OK)
		rc = lend__shelf_tick(e, NULL); /* reminders and queue news */
	if (rc == LEND_OK)
		rc = lend__accounts_prune(e); /* audit entries past their retention */
	if (rc == LEND_OK)
		rc = lend__search_tick(e); /* popularity of the books lent since */
	int64_t ended = e->settled_loans, handed = e->settled_handoffs + more;
	rc = lend__end(e, rc);
	if (rc == LEND_OK) {
		if (loans_ended)
			*loans_ended = ended;
		if (handoffs)
			*handoffs = handed;
	}
	return rc;
}
