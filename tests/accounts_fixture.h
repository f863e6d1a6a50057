/* tests/accounts_fixture.h — the fixture of the accounts tests: a file
 * fixture whose engine hashes passwords at the minimum cost, a small world
 * of two readers with passwords, and readers of the outbox and audit log. */
#ifndef LEND_TEST_ACCOUNTS_FIXTURE_H
#define LEND_TEST_ACCOUNTS_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "helpers.h"

#define AW_PASSWORD "Plain-Secret-Pw1"

/* Reopen the fixture's engine on its file with a password cost and a
 * session lifetime (-1: the default). */
static void aw_reopen_ex(th *t, int cost, int64_t session_lifetime)
{
	th_close_engine(t);
	lend_options *o = NULL;
	lend_notifier nt;
	assert_int_equal(lend_options_new(&o), LEND_OK);
	assert_int_equal(lend_options_set_clock(o, th_clock, NULL), LEND_OK);
	th_recorder_notifier(&t->rec, &nt);
	assert_int_equal(lend_options_set_notifier(o, &nt), LEND_OK);
	assert_int_equal(lend_options_set_password_cost(o, cost), LEND_OK);
	if (session_lifetime >= 0)
		assert_int_equal(lend_options_set_session_lifetime(o, session_lifetime), LEND_OK);
	int rc = lend_engine_open(&t->e, t->path, o);
	lend_options_free(o);
	assert_int_equal(rc, LEND_OK);
	assert_int_equal(lend_actor_admin(t->e, &t->admin), LEND_OK);
}

static inline void aw_reopen(th *t, int cost)
{
	aw_reopen_ex(t, cost, -1);
}

static inline void aw_fast(th *t)
{
	aw_reopen(t, LEND_PASSWORD_COST_MIN);
}

static inline int aw_setup(void **state)
{
	th *t = th_new(TH_FILE);
	aw_fast(t);
	*state = t;
	return 0;
}

typedef struct acct_world {
	int64_t lib, staff, reader, other, ticket, other_ticket;
	char number[32], other_number[32];
} acct_world;

static inline void aw_number(th *t, int64_t ticket, char *out, size_t n)
{
	lend_ticket *tk = NULL;
	TH_OK(t, lend_ticket_get(t->e, t->admin, ticket, &tk));
	snprintf(out, n, "%s", lend_ticket_number(tk));
	lend_ticket_free(tk);
}

/* A library with a librarian, and two readers with a ticket each, both
 * with the password AW_PASSWORD. */
static inline void aw_init(acct_world *w, th *t)
{
	memset(w, 0, sizeof *w);
	w->lib = th_library(t, "Library", 100000);
	w->staff = th_reader(t, "Librarian", 1970, 1, 1);
	TH_OK(t, lend_library_grant(t->e, t->admin, w->lib, w->staff));
	w->reader = th_reader(t, "Reader", 1990, 5, 5);
	w->other = th_reader(t, "Other", 1985, 3, 3);
	w->ticket = th_ticket(t, w->lib, w->reader);
	w->other_ticket = th_ticket(t, w->lib, w->other);
	aw_number(t, w->ticket, w->number, sizeof w->number);
	aw_number(t, w->other_ticket, w->other_number, sizeof w->other_number);
	TH_OK(t, lend_ticket_set_password(t->e, t->admin, w->ticket, AW_PASSWORD, NULL));
	TH_OK(t, lend_ticket_set_password(t->e, t->admin, w->other_ticket, AW_PASSWORD, NULL));
}

/* The value of key= in the newest outbox note of a kind. */
static inline void aw_secret(th *t, int kind, const char *key, char *out, size_t n)
{
	lend_notifications *l = NULL;
	TH_OK(t, lend_outbox_list(t->e, t->admin, 0, 10000, &l));
	const char *detail = NULL;
	for (size_t i = 0; i < lend_notifications_count(l); i++)
		if (lend_notification_kind(lend_notifications_get(l, i)) == kind)
			detail = lend_notification_detail(lend_notifications_get(l, i));
	assert_non_null(detail);
	char pat[40];
	snprintf(pat, sizeof pat, "%s=", key);
	const char *p = strstr(detail, pat);
	assert_non_null(p);
	p += strlen(pat);
	size_t k = strcspn(p, "\n");
	assert_true(k < n);
	memcpy(out, p, k);
	out[k] = '\0';
	lend_notifications_free(l);
}

static inline int aw_audit_count(th *t, int64_t reader, int event)
{
	lend_audit *log = NULL;
	TH_OK(t, lend_audit_list(t->e, t->admin, reader, 0, 0, &log));
	int n = 0;
	for (size_t i = 0; i < lend_audit_count(log); i++)
		n += lend_audit_event(log, i) == event;
	lend_audit_free(log);
	return n;
}

static inline int64_t aw_confirmed_email(th *t, int64_t reader, const char *email)
{
	int64_t m = 0;
	char code[16];
	TH_OK(t, lend_method_add(t->e, t->admin, reader, LEND_METHOD_EMAIL, email, &m));
	aw_secret(t, LEND_NOTE_VERIFICATION_CODE, "code", code, sizeof code);
	lend_actor *r = NULL;
	TH_OK(t, lend_actor_reader(t->e, reader, &r));
	TH_OK(t, lend_method_confirm(t->e, r, m, code));
	lend_actor_free(r);
	return m;
}

#endif
