/* tests/test_audit_prune.c — the audit log does not grow without bound:
 * lend_engine_tick() deletes entries older than the audit retention (365
 * days by default, lend_options_set_audit_retention; 0 keeps them for ever),
 * at most 1000 a tick, in the tick's transaction. Nor do the sessions: one
 * that ended (revoked, or past its lifetime) is listed for 30 more days,
 * then the tick deletes it. */
#include <stdio.h>
#include <string.h>

#include "accounts_fixture.h"

#define T0 TH_START
#define YEAR (365 * TH_DAY)

/* Reopen the fixture's engine on its file with an audit retention (< 0:
 * leave the option alone). */
static void reopen_with(th *t, int64_t retention)
{
	th_close_engine(t);
	lend_options *o = NULL;
	assert_int_equal(lend_options_new(&o), LEND_OK);
	assert_int_equal(lend_options_set_clock(o, th_clock, NULL), LEND_OK);
	assert_int_equal(lend_options_set_password_cost(o, LEND_PASSWORD_COST_MIN), LEND_OK);
	if (retention >= 0)
		assert_int_equal(lend_options_set_audit_retention(o, retention), LEND_OK);
	int rc = lend_engine_open(&t->e, t->path, o);
	lend_options_free(o);
	assert_int_equal(rc, LEND_OK);
	assert_int_equal(lend_actor_admin(t->e, &t->admin), LEND_OK);
}

static size_t audit_rows(th *t, int64_t reader)
{
	lend_audit *log = NULL;
	TH_OK(t, lend_audit_list(t->e, t->admin, reader, 0, 0, &log));
	size_t n = lend_audit_count(log);
	lend_audit_free(log);
	return n;
}

static void sign_in(th *t, const acct_world *w)
{
	lend_actor *a = NULL;
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w->lib, w->number, AW_PASSWORD, "phone", &a));
	lend_actor_free(a);
}

static void test_option_bounds(void **state)
{
	(void)state;
	lend_options *o = NULL;
	assert_int_equal(lend_options_new(&o), LEND_OK);
	assert_int_equal(lend_options_set_audit_retention(o, -1), LEND_EINVAL);
	assert_int_equal(lend_options_set_audit_retention(NULL, 10), LEND_EINVAL);
	assert_int_equal(lend_options_set_audit_retention(o, 0), LEND_OK);
	lend_options_free(o);
}

/* The default: an entry lives 365 days, then the next tick deletes it;
 * younger ones stay. */
static void test_default_retention(void **state)
{
	th *t = *state;
	reopen_with(t, -1);
	acct_world w;
	aw_init(&w, t); /* passwords set at T0: audit entries of T0 */
	sign_in(t, &w);
	size_t old = audit_rows(t, w.reader);
	assert_true(old >= 2);
	th_now = T0 + 200 * TH_DAY;
	sign_in(t, &w);
	size_t all = audit_rows(t, w.reader);
	assert_true(all > old);

	th_now = T0 + YEAR - 1; /* not yet a year old */
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_int_equal(audit_rows(t, w.reader), all);
	th_now = T0 + YEAR + 1;
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_int_equal(audit_rows(t, w.reader), all - old);
	lend_audit *log = NULL;
	TH_OK(t, lend_audit_list(t->e, t->admin, 0, 0, 0, &log));
	for (size_t i = 0; i < lend_audit_count(log); i++)
		assert_true(lend_audit_at(log, i) >= T0 + 200 * TH_DAY);
	lend_audit_free(log);
	th_check_clean(t);
	/* the reader's account is whole: he signs in */
	sign_in(t, &w);
}

/* 0 keeps every entry for ever; a short retention prunes sooner. */
static void test_configured_retention(void **state)
{
	th *t = *state;
	reopen_with(t, 0);
	acct_world w;
	aw_init(&w, t);
	sign_in(t, &w);
	size_t n = audit_rows(t, w.reader);
	th_now = T0 + 10 * YEAR;
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_int_equal(audit_rows(t, w.reader), n);

	reopen_with(t, 30 * TH_DAY);
	th_now = T0 + 10 * YEAR; /* the clock stays; a fresh entry now */
	sign_in(t, &w);
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_int_equal(audit_rows(t, w.reader), 1); /* only the new sign-in */
	th_now += 31 * TH_DAY;
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_int_equal(audit_rows(t, w.reader), 0);
	th_check_clean(t);
}

/* At most 1000 entries a tick, oldest first: a large backlog goes over a
 * few ticks, the newest entries last. */
static void test_batches(void **state)
{
	th *t = *state;
	reopen_with(t, -1);
	acct_world w;
	aw_init(&w, t);
	size_t n0 = audit_rows(t, w.other); /* this year's entries */
	th_close_engine(t);
	/* 2500 old entries straight through the backend */
	lend_storage s;
	th_storage_open(t, &s);
	assert_non_null(s.audit_prune);
	assert_int_equal(s.begin(s.userdata, 1), LEND_OK);
	for (int i = 0; i < 2500; i++) {
		lend_sys_audit row;
		memset(&row, 0, sizeof row);
		row.at = T0 - 2 * YEAR + i;
		row.event = LEND_AUDIT_SIGNIN_OK;
		row.reader_id = w.other;
		row.detail = "old";
		assert_int_equal(s.audit_insert(s.userdata, &row), LEND_OK);
	}
	assert_int_equal(s.commit(s.userdata), LEND_OK);
	/* the method itself: a limit, lowest id first, nothing at or after before */
	assert_int_equal(s.begin(s.userdata, 1), LEND_OK);
	int64_t pruned = -1;
	assert_int_equal(s.audit_prune(s.userdata, T0 - 2 * YEAR + 10, 4, &pruned), LEND_OK);
	assert_int_equal(pruned, 4);
	assert_int_equal(s.audit_prune(s.userdata, T0 - 2 * YEAR + 10, 100, &pruned), LEND_OK);
	assert_int_equal(pruned, 6);
	assert_int_equal(s.audit_prune(s.userdata, T0 - 2 * YEAR + 10, 100, &pruned), LEND_OK);
	assert_int_equal(pruned, 0);
	s.rollback(s.userdata);
	s.free(s.userdata);

	th_open_engine(t);
	reopen_with(t, -1);
	assert_int_equal(audit_rows(t, w.other), n0 + 2500);
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_int_equal(audit_rows(t, w.other), n0 + 1500);
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_int_equal(audit_rows(t, w.other), n0 + 500);
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_int_equal(audit_rows(t, w.other), n0); /* this year's entries stay */
	th_check_clean(t);
}

static int64_t session_of(th *t, const acct_world *w)
{
	lend_actor *a = NULL;
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w->lib, w->number, AW_PASSWORD, "phone", &a));
	int64_t id = lend_actor_session_id(a);
	lend_actor_free(a);
	assert_true(id > 0);
	return id;
}

/* Whether the reader's session list holds id. */
static int listed(th *t, int64_t reader, int64_t id)
{
	lend_sessions *l = NULL;
	TH_OK(t, lend_session_list(t->e, t->admin, reader, &l));
	int found = 0;
	for (size_t i = 0; i < lend_sessions_count(l); i++)
		found |= lend_sessions_id(l, i) == id;
	lend_sessions_free(l);
	return found;
}

static void test_sessions_pruned(void **state)
{
	th *t = *state;
	th_now = T0;
	aw_reopen_ex(t, LEND_PASSWORD_COST_MIN, 90 * TH_DAY);
	acct_world w;
	aw_init(&w, t);
	int64_t revoked = session_of(t, &w), live = session_of(t, &w);
	th_now += TH_DAY;
	int64_t later = session_of(t, &w);
	TH_OK(t, lend_session_revoke(t->e, t->admin, revoked));

	/* Revoked: listed for 30 days, then gone; the live ones stay. */
	th_now += 29 * TH_DAY;
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_true(listed(t, w.reader, revoked));
	th_now += TH_DAY + 1;
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_false(listed(t, w.reader, revoked));
	assert_true(listed(t, w.reader, live));
	assert_true(listed(t, w.reader, later));

	/* Expired at T0 + 90 days: listed (as expired) for 30 more days. */
	th_now = T0 + 120 * TH_DAY - 1;
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_true(listed(t, w.reader, live));
	th_now = T0 + 120 * TH_DAY + 1;
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_false(listed(t, w.reader, live));
	assert_true(listed(t, w.reader, later)); /* began a day later */
	th_check_clean(t);
}

/* Sessions that never expire are kept until revoked. */
static void test_sessions_forever(void **state)
{
	th *t = *state;
	th_now = T0;
	aw_reopen_ex(t, LEND_PASSWORD_COST_MIN, 0);
	acct_world w;
	aw_init(&w, t);
	int64_t id = session_of(t, &w);
	th_now += 5 * YEAR;
	TH_OK(t, lend_engine_tick(t->e, NULL, NULL));
	assert_true(listed(t, w.reader, id));
	lend_actor *a = NULL;
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, AW_PASSWORD, "phone", &a));
	lend_actor_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_option_bounds),
		cmocka_unit_test_setup_teardown(test_default_retention, th_setup_file, th_teardown),
		cmocka_unit_test_setup_teardown(test_configured_retention, th_setup_file, th_teardown),
		cmocka_unit_test_setup_teardown(test_batches, th_setup_file, th_teardown),
		cmocka_unit_test_setup_teardown(test_sessions_pruned, th_setup_file, th_teardown),
		cmocka_unit_test_setup_teardown(test_sessions_forever, th_setup_file, th_teardown),
	};
	return cmocka_run_group_tests_name("audit-prune", tests, NULL, NULL);
}
