/* tests/test_accounts.c — accounts and sign-in (spec section 7): passwords,
 * sign-in and its throttling, backup methods and their codes, external
 * identities, recovery, app activation, sessions and the audit log, all with
 * the driven clock. Merging is in test_accounts_merge.c. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "accounts_fixture.h"
#include "lend/sys/postgres.h"

/* ------------------------------------------------------------ credentials */

static void test_sign_in_with_ticket(void **state)
{
	th *t = *state;
	acct_world w;
	aw_init(&w, t);
	lend_actor *a = NULL;
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, AW_PASSWORD, "phone", &a));
	assert_int_equal(lend_actor_kind(a), LEND_ACTOR_READER);
	assert_int_equal(lend_actor_reader_id(a), w.reader);
	assert_true(lend_actor_session_id(a) > 0);
	/* The actor works like any reader's. */
	lend_tickets *tl = NULL;
	TH_OK(t, lend_ticket_list(t->e, a, w.reader, &tl));
	assert_int_equal(lend_tickets_count(tl), 1);
	lend_tickets_free(tl);
	lend_actor_free(a);

	/* Wrong password and unknown login: one status, one message. */
	char m1[512], m2[512];
	a = (lend_actor *)1;
	TH_RC(t, LEND_EAUTH, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, "wrong password", NULL, &a));
	assert_null(a);
	snprintf(m1, sizeof m1, "%s", lend_engine_errmsg(t->e));
	TH_RC(t, LEND_EAUTH, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, "NO-SUCH-CARD", AW_PASSWORD, NULL, &a));
	snprintf(m2, sizeof m2, "%s", lend_engine_errmsg(t->e));
	assert_string_equal(m1, m2);
	TH_RC(t, LEND_EAUTH, lend_sign_in(t->e, LEND_LOGIN_EMAIL, 0, "nobody@example.org", AW_PASSWORD, NULL, &a));
	assert_string_equal(m1, lend_engine_errmsg(t->e));
	assert_null(strstr(m1, AW_PASSWORD));
	/* A ticket of another library is another login. */
	int64_t lib2 = th_library(t, "Other", 0);
	TH_RC(t, LEND_EAUTH, lend_sign_in(t->e, LEND_LOGIN_TICKET, lib2, w.number, AW_PASSWORD, NULL, &a));

	/* The audit log has the success and the failures, never the password. */
	lend_audit *log = NULL;
	TH_OK(t, lend_audit_list(t->e, t->admin, 0, 0, 0, &log));
	int ok = 0, failed = 0;
	for (size_t i = 0; i < lend_audit_count(log); i++) {
		ok += lend_audit_event(log, i) == LEND_AUDIT_SIGNIN_OK;
		failed += lend_audit_event(log, i) == LEND_AUDIT_SIGNIN_FAILED;
		assert_null(strstr(lend_audit_detail(log, i), AW_PASSWORD));
		assert_null(strstr(lend_audit_detail(log, i), "wrong password"));
	}
	assert_int_equal(ok, 1);
	assert_int_equal(failed, 4);
	lend_audit_free(log);
	/* By time: nothing from a second on, everything up to it. */
	TH_OK(t, lend_audit_list(t->e, t->admin, 0, th_now + 1, 0, &log));
	assert_int_equal(lend_audit_count(log), 0);
	lend_audit_free(log);
	TH_OK(t, lend_audit_list(t->e, t->admin, w.reader, 0, th_now + 1, &log));
	assert_int_equal(lend_audit_count(log), 3); /* password set, the success, the failure */
	assert_int_equal(lend_audit_reader_id(log, 0), w.reader);
	lend_audit_free(log);
	/* A reader reads his own log, not another's; a librarian none. */
	lend_actor *r = th_as_reader(t, w.reader);
	TH_OK(t, lend_audit_list(t->e, r, w.reader, 0, 0, &log));
	lend_audit_free(log);
	TH_RC(t, LEND_EPERM, lend_audit_list(t->e, r, 0, 0, 0, &log));
	TH_RC(t, LEND_EPERM, lend_audit_list(t->e, r, w.other, 0, 0, &log));
	th_check_clean(t);
}

static void test_generated_password(void **state)
{
	th *t = *state;
	acct_world w;
	aw_init(&w, t);
	char pw[LEND_PASSWORD_GENERATED_SIZE];
	memset(pw, 0, sizeof pw);
	lend_actor *staff = th_as_librarian(t, w.staff);
	TH_OK(t, lend_ticket_set_password(t->e, staff, w.ticket, NULL, pw));
	assert_int_equal(strlen(pw), 12);
	lend_actor *a = NULL;
	TH_RC(t, LEND_EAUTH, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, AW_PASSWORD, NULL, &a));
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, pw, NULL, &a));
	lend_actor_free(a);
	/* Two generated passwords differ. */
	char pw2[LEND_PASSWORD_GENERATED_SIZE];
	TH_OK(t, lend_ticket_set_password(t->e, staff, w.ticket, NULL, pw2));
	assert_string_not_equal(pw, pw2);
	/* Only staff of the ticket's library, or admin; bad passwords refused. */
	int64_t lib2 = th_library(t, "Other", 0);
	int64_t staff2 = th_reader(t, "Staff 2", 1980, 1, 1);
	TH_OK(t, lend_library_grant(t->e, t->admin, lib2, staff2));
	TH_RC(t, LEND_EPERM, lend_ticket_set_password(t->e, th_as_librarian(t, staff2), w.ticket, "other password", NULL));
	TH_RC(t, LEND_EPERM, lend_ticket_set_password(t->e, th_as_reader(t, w.reader), w.ticket, "other password", NULL));
	TH_RC(t, LEND_EINVAL, lend_ticket_set_password(t->e, t->admin, w.ticket, "short", NULL));
	TH_RC(t, LEND_EINVAL, lend_ticket_set_password(t->e, t->admin, w.ticket, "bad \xff utf-8 pw", NULL));
	TH_RC(t, LEND_EINVAL, lend_ticket_set_password(t->e, t->admin, w.ticket, NULL, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_ticket_set_password(t->e, t->admin, 9999, "long enough", NULL));
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, pw2, NULL, &a));
	lend_actor_free(a);
}

static void test_librarian_signs_in(void **state)
{
	th *t = *state;
	acct_world w;
	aw_init(&w, t);
	int64_t own = th_ticket(t, w.lib, w.staff);
	TH_OK(t, lend_ticket_set_password(t->e, t->admin, own, "Staff-Password-1", NULL));
	char num[32];
	aw_number(t, own, num, sizeof num);
	lend_actor *me = NULL, *staff = NULL, *no = NULL;
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, num, "Staff-Password-1", "desk", &me));
	TH_OK(t, lend_actor_staff(t->e, me, &staff));
	assert_int_equal(lend_actor_kind(staff), LEND_ACTOR_LIBRARIAN);
	assert_int_equal(lend_actor_session_id(staff), lend_actor_session_id(me));
	TH_OK(t, lend_ticket_set_blocked(t->e, staff, w.ticket, 1));
	/* A reader who staffs nothing, and actors not signed in, cannot. */
	lend_actor *r = NULL;
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.other_number, AW_PASSWORD, NULL, &r));
	TH_RC(t, LEND_EPERM, lend_actor_staff(t->e, r, &no));
	assert_null(no);
	TH_RC(t, LEND_EINVAL, lend_actor_staff(t->e, th_as_reader(t, w.staff), &no));
	TH_RC(t, LEND_EINVAL, lend_actor_staff(t->e, staff, &no));
	/* Revoking the session ends the staff actor too. */
	TH_OK(t, lend_session_revoke(t->e, me, lend_actor_session_id(me)));
	TH_RC(t, LEND_EPERM, lend_ticket_set_blocked(t->e, staff, w.ticket, 0));
	TH_RC(t, LEND_EPERM, lend_actor_staff(t->e, me, &no));
	lend_actor_free(me);
	lend_actor_free(staff);
	lend_actor_free(r);
}

static void test_password_change(void **state)
{
	th *t = *state;
	acct_world w;
	aw_init(&w, t);
	/* A second ticket, another password: the change sets both. */
	int64_t lib2 = th_library(t, "Second", 0);
	int64_t t2 = th_ticket(t, lib2, w.reader);
	TH_OK(t, lend_ticket_set_password(t->e, t->admin, t2, "second password", NULL));
	lend_actor *r = th_as_reader(t, w.reader);
	TH_RC(t, LEND_EAUTH, lend_password_change(t->e, r, "not my password", "brand new password"));
	TH_RC(t, LEND_EINVAL, lend_password_change(t->e, r, AW_PASSWORD, "short"));
	TH_RC(t, LEND_EPERM, lend_password_change(t->e, t->admin, AW_PASSWORD, "brand new password"));
	TH_OK(t, lend_password_change(t->e, r, "second password", "brand new password"));
	lend_actor *a = NULL;
	TH_RC(t, LEND_EAUTH, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, AW_PASSWORD, NULL, &a));
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, "brand new password", NULL, &a));
	lend_actor_free(a);
	lend_ticket *tk = NULL;
	TH_OK(t, lend_ticket_get(t->e, t->admin, t2, &tk));
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, lib2, lend_ticket_number(tk), "brand new password", NULL, &a));
	lend_ticket_free(tk);
	lend_actor_free(a);
	assert_true(aw_audit_count(t, w.reader, LEND_AUDIT_PASSWORD_CHANGED) == 1);
	/* A stolen session cannot guess the password either: throttled. */
	for (int i = 0; i < 5; i++)
		TH_RC(t, LEND_EAUTH, lend_password_change(t->e, r, "guessed password", "takeover password"));
	TH_DENIED(t, LEND_REASON_SIGNIN_DELAYED,
	          lend_password_change(t->e, r, "brand new password", "takeover password"));
	th_now += 30;
	TH_OK(t, lend_password_change(t->e, r, "brand new password", "final password!"));
}

static void test_blocked_or_expired_ticket(void **state)
{
	th *t = *state;
	acct_world w;
	aw_init(&w, t);
	lend_actor *a = NULL;
	TH_OK(t, lend_ticket_set_blocked(t->e, t->admin, w.ticket, 1));
	TH_DENIED(t, LEND_REASON_TICKET_BLOCKED,
	          lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, AW_PASSWORD, NULL, &a));
	assert_null(a);
	TH_OK(t, lend_ticket_set_blocked(t->e, t->admin, w.ticket, 0));
	TH_OK(t, lend_ticket_set_validity(t->e, t->admin, w.ticket, 0, th_now + TH_DAY));
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, AW_PASSWORD, NULL, &a));
	lend_actor_free(a);
	th_now += 2 * TH_DAY;
	TH_DENIED(t, LEND_REASON_TICKET_EXPIRED,
	          lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, AW_PASSWORD, NULL, &a));
	/* A wrong password on a blocked card is still only "wrong". */
	TH_RC(t, LEND_EAUTH, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, "wrong password", NULL, &a));
}

/* ------------------------------------------------------------- throttling */

static int try_sign_in(th *t, acct_world *w, const char *number, const char *pw)
{
	lend_actor *a = NULL;
	int rc = lend_sign_in(t->e, LEND_LOGIN_TICKET, w->lib, number, pw, NULL, &a);
	lend_actor_free(a);
	return rc;
}

static void throttle_walk(th *t, acct_world *w, const char *number)
{
	/* Five failures cost nothing more. */
	for (int i = 0; i < 5; i++)
		TH_RC(t, LEND_EAUTH, try_sign_in(t, w, number, "wrong password"));
	/* Then each failure sets a delay: 30 s, 60, 120, 240, 480; any attempt
	 * before it (the right password too) is refused unchecked. */
	int64_t delay = 30;
	for (int i = 5; i < 9; i++) {
		TH_DENIED(t, LEND_REASON_SIGNIN_DELAYED, try_sign_in(t, w, number, AW_PASSWORD));
		th_now += delay - 1;
		TH_DENIED(t, LEND_REASON_SIGNIN_DELAYED, try_sign_in(t, w, number, AW_PASSWORD));
		th_now += 1;
		TH_RC(t, LEND_EAUTH, try_sign_in(t, w, number, "wrong password"));
		delay *= 2;
	}
	th_now += delay;
	/* The tenth failure locks the login for an hour. */
	TH_RC(t, LEND_EAUTH, try_sign_in(t, w, number, "wrong password"));
	TH_DENIED(t, LEND_REASON_SIGNIN_LOCKED, try_sign_in(t, w, number, AW_PASSWORD));
	th_now += 59 * TH_MINUTE;
	TH_DENIED(t, LEND_REASON_SIGNIN_LOCKED, try_sign_in(t, w, number, AW_PASSWORD));
	th_now += TH_MINUTE;
}

static void test_throttle_and_lockout(void **state)
{
	th *t = *state;
	acct_world w;
	aw_init(&w, t);
	throttle_walk(t, &w, w.number);
	/* After the lock, the right password gets in, and resets the count. */
	TH_OK(t, try_sign_in(t, &w, w.number, AW_PASSWORD));
	for (int i = 0; i < 5; i++)
		TH_RC(t, LEND_EAUTH, try_sign_in(t, &w, w.number, "wrong password"));
	TH_DENIED(t, LEND_REASON_SIGNIN_DELAYED, try_sign_in(t, &w, w.number, AW_PASSWORD));
	assert_int_equal(aw_audit_count(t, w.reader, LEND_AUDIT_LOCKOUT), 1);
	/* Another login is not affected. */
	lend_actor *a = NULL;
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.other_number, AW_PASSWORD, NULL, &a));
	lend_actor_free(a);
}

static void test_throttle_unknown_login_looks_the_same(void **state)
{
	th *t = *state;
	acct_world w;
	aw_init(&w, t);
	throttle_walk(t, &w, "NO-SUCH-CARD");
	TH_RC(t, LEND_EAUTH, try_sign_in(t, &w, "NO-SUCH-CARD", AW_PASSWORD));
}

static void test_brute_force(void **state)
{
	th *t = *state;
	acct_world w;
	aw_init(&w, t);
	int refused = 0, checked = 0, locked = 0;
	char guess[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(guess, sizeof guess, "guess-%06d", i);
		int rc = try_sign_in(t, &w, w.number, guess);
		assert_true(rc == LEND_EAUTH || rc == LEND_EDENIED);
		checked += rc == LEND_EAUTH;
		refused += rc == LEND_EDENIED;
		locked += rc == LEND_EDENIED && lend_engine_reason(t->e) == LEND_REASON_SIGNIN_LOCKED;
		th_now += 7; /* a fast attacker: an attempt every 7 seconds */
	}
	assert_true(locked > 0);
	/* Of 1000 guesses in ~2 hours, only a handful were even checked. */
	assert_true(checked <= 20);
	assert_int_equal(checked + refused, 1000);
	assert_true(aw_audit_count(t, w.reader, LEND_AUDIT_LOCKOUT) >= 1);
	th_check_clean(t);
}

/* ------------------------------------------------------- backup methods */

static void test_email_method(void **state)
{
	th *t = *state;
	acct_world w;
	aw_init(&w, t);
	lend_actor *r = th_as_reader(t, w.reader);
	int64_t m = 0;
	TH_OK(t, lend_method_add(t->e, r, w.reader, LEND_METHOD_EMAIL, "Reader@Example.ORG", &m));
	char code[16];
	aw_secret(t, LEND_NOTE_VERIFICATION_CODE, "code", code, sizeof code);
	assert_int_equal(strlen(code), 6);
	/* Not a login before it is confirmed. */
	lend_actor *a = NULL;
	TH_RC(t, LEND_EAUTH, lend_sign_in(t->e, LEND_LOGIN_EMAIL, 0, "reader@example.org", AW_PASSWORD, NULL, &a));
	/* A wrong code costs a try; the right one confirms. */
	char wrong[16];
	snprintf(wrong, sizeof wrong, "%06d", (atoi(code) + 1) % 1000000);
	TH_RC(t, LEND_EAUTH, lend_method_confirm(t->e, r, m, wrong));
	/* Another reader cannot confirm it. */
	TH_RC(t, LEND_EPERM, lend_method_confirm(t->e, th_as_reader(t, w.other), m, code));
	TH_OK(t, lend_method_confirm(t->e, r, m, code));
	TH_RC(t, LEND_ESTATE, lend_method_confirm(t->e, r, m, code));
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_EMAIL, 0, "READER@example.org", AW_PASSWORD, NULL, &a));
	assert_int_equal(lend_actor_reader_id(a), w.reader);
	lend_actor_free(a);
	lend_methods *l = NULL;
	TH_OK(t, lend_method_list(t->e, r, w.reader, &l));
	assert_int_equal(lend_methods_count(l), 1);
	assert_string_equal(lend_methods_value(l, 0), "reader@example.org");
	assert_true(lend_methods_verified(l, 0));
	lend_methods_free(l);
	TH_RC(t, LEND_EPERM, lend_method_list(t->e, th_as_reader(t, w.other), w.reader, &l));

	/* One address, one account: the other reader can ask, not confirm. */
	lend_actor *o = th_as_reader(t, w.other);
	int64_t m2 = 0;
	TH_OK(t, lend_method_add(t->e, o, w.other, LEND_METHOD_EMAIL, "reader@example.org", &m2));
	aw_secret(t, LEND_NOTE_VERIFICATION_CODE, "code", code, sizeof code);
	TH_RC(t, LEND_EEXISTS, lend_method_confirm(t->e, o, m2, code));
	/* Adding a confirmed one again is refused. */
	TH_RC(t, LEND_EEXISTS, lend_method_add(t->e, r, w.reader, LEND_METHOD_EMAIL, "reader@example.org", NULL));
	/* Bad input and wrong actors. */
	TH_RC(t, LEND_EINVAL, lend_method_add(t->e, r, w.reader, LEND_METHOD_EMAIL, "not-an-address", NULL));
	TH_RC(t, LEND_EINVAL, lend_method_add(t->e, r, w.reader, LEND_METHOD_PHONE, "12ab", NULL));
	TH_RC(t, LEND_EINVAL, lend_method_add(t->e, r, w.reader, 99, "a@b.cd", NULL));
	TH_RC(t, LEND_EPERM, lend_method_add(t->e, o, w.reader, LEND_METHOD_EMAIL, "x@example.org", NULL));
	TH_RC(t, LEND_EPERM,
	      lend_method_add(t->e, th_as_librarian(t, w.staff), w.reader, LEND_METHOD_EMAIL, "x@example.org", NULL));
	/* Removed: no longer a login. */
	TH_OK(t, lend_method_remove(t->e, r, m));
	TH_RC(t, LEND_EAUTH, lend_sign_in(t->e, LEND_LOGIN_EMAIL, 0, "reader@example.org", AW_PASSWORD, NULL, &a));
	assert_int_equal(aw_audit_count(t, w.reader, LEND_AUDIT_METHOD_CONFIRMED), 1);
	th_check_clean(t);
}

static void test_codes_expire_tries_newest(void **state)
{
	th *t = *state;
	acct_world w;
	aw_init(&w, t);
	lend_actor *r = th_as_reader(t, w.reader);
	int64_t m = 0;
	char c1[16], c2[16];
	/* Expiry: 10 minutes. */
	TH_OK(t, lend_method_add(t->e, r, w.reader, LEND_METHOD_PHONE, "+7 (900) 123-45-67", &m));
	aw_secret(t, LEND_NOTE_VERIFICATION_CODE, "code", c1, sizeof c1);
	th_now += 10 * TH_MINUTE;
	TH_DENIED(t, LEND_REASON_CODE_EXPIRED, lend_method_confirm(t->e, r, m, c1));
	/* Newest only: a second code ends the first. */
	TH_OK(t, lend_method_add(t->e, r, w.reader, LEND_METHOD_PHONE, "+79001234567", NULL));
	aw_secret(t, LEND_NOTE_VERIFICATION_CODE, "code", c1, sizeof c1);
	TH_OK(t, lend_method_add(t->e, r, w.reader, LEND_METHOD_PHONE, "+79001234567", NULL));
	aw_secret(t, LEND_NOTE_VERIFICATION_CODE, "code", c2, sizeof c2);
	if (strcmp(c1, c2) != 0)
		TH_RC(t, LEND_EAUTH, lend_method_confirm(t->e, r, m, c1));
	/* Five tries, then none, even with the right code. */
	TH_OK(t, lend_method_add(t->e, r, w.reader, LEND_METHOD_PHONE, "+79001234567", NULL));
	aw_secret(t, LEND_NOTE_VERIFICATION_CODE, "code", c2, sizeof c2);
	for (int i = 0; i < 5; i++)
		TH_RC(t, LEND_EAUTH, lend_method_confirm(t->e, r, m, "not a code"));
	TH_DENIED(t, LEND_REASON_CODE_TRIES, lend_method_confirm(t->e, r, m, c2));
	/* A new code starts afresh; codes of two methods live side by side. */
	int64_t me = 0;
	TH_OK(t, lend_method_add(t->e, r, w.reader, LEND_METHOD_PHONE, "+79001234567", NULL));
	aw_secret(t, LEND_NOTE_VERIFICATION_CODE, "code", c2, sizeof c2);
	TH_OK(t, lend_method_add(t->e, r, w.reader, LEND_METHOD_EMAIL, "r@example.org", &me));
	aw_secret(t, LEND_NOTE_VERIFICATION_CODE, "code", c1, sizeof c1);
	TH_OK(t, lend_method_confirm(t->e, r, m, c2));
	TH_OK(t, lend_method_confirm(t->e, r, me, c1));
	lend_actor *a = NULL;
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_PHONE, 0, "+7 900 123 45 67", AW_PASSWORD, NULL, &a));
	assert_int_equal(lend_actor_reader_id(a), w.reader);
	lend_actor_free(a);
	assert_true(aw_audit_count(t, w.reader, LEND_AUDIT_CODE_FAILED) >= 5);
}

static void test_identity(void **state)
{
	th *t = *state;
	acct_world w;
	aw_init(&w, t);
	lend_actor *r = th_as_reader(t, w.reader), *a = NULL;
	TH_RC(t, LEND_EAUTH, lend_sign_in_identity(t->e, "vk", "12345", NULL, &a));
	int64_t m = 0;
	TH_OK(t, lend_identity_link(t->e, r, w.reader, "vk", "12345", &m));
	TH_RC(t, LEND_EEXISTS, lend_identity_link(t->e, t->admin, w.other, "vk", "12345", NULL));
	TH_RC(t, LEND_EPERM, lend_identity_link(t->e, th_as_reader(t, w.other), w.reader, "vk", "999", NULL));
	TH_RC(t, LEND_EINVAL, lend_identity_link(t->e, r, w.reader, "vk", "a\nb", NULL));
	TH_OK(t, lend_sign_in_identity(t->e, "vk", "12345", "tablet", &a));
	assert_int_equal(lend_actor_reader_id(a), w.reader);
	lend_actor_free(a);
	TH_RC(t, LEND_EAUTH, lend_sign_in_identity(t->e, "ok", "12345", NULL, &a));
	lend_methods *l = NULL;
	TH_OK(t, lend_method_list(t->e, r, w.reader, &l));
	assert_string_equal(lend_methods_value(l, 0), "vk:12345");
	lend_methods_free(l);
	TH_OK(t, lend_method_remove(t->e, r, m));
	TH_RC(t, LEND_EAUTH, lend_sign_in_identity(t->e, "vk", "12345", NULL, &a));
	/* Now free for the other account. */
	TH_OK(t, lend_identity_link(t->e, t->admin, w.other, "vk", "12345", NULL));
}

/* ------------------------------------------------------------- recovery */

static void test_recovery(void **state)
{
	th *t = *state;
	acct_world w;
	aw_init(&w, t);
	aw_confirmed_email(t, w.reader, "reader@example.org");
	size_t before = th_outbox_count_of(t, LEND_NOTE_PASSWORD_RECOVERY, 0);
	/* Unknown logins look the same and send nothing. */
	TH_OK(t, lend_recovery_request(t->e, LEND_LOGIN_TICKET, w.lib, "NO-SUCH-CARD"));
	TH_OK(t, lend_recovery_request(t->e, LEND_LOGIN_EMAIL, 0, "nobody@example.org"));
	/* An account with no confirmed address: nothing to send it to. */
	TH_OK(t, lend_recovery_request(t->e, LEND_LOGIN_TICKET, w.lib, w.other_number));
	assert_int_equal(th_outbox_count_of(t, LEND_NOTE_PASSWORD_RECOVERY, 0), before);
	lend_actor *before_reset = NULL;
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, AW_PASSWORD, "old device", &before_reset));
	/* By ticket number, then by e-mail: only the newest token works. */
	char t1[40], t2[40];
	TH_OK(t, lend_recovery_request(t->e, LEND_LOGIN_TICKET, w.lib, w.number));
	aw_secret(t, LEND_NOTE_PASSWORD_RECOVERY, "token", t1, sizeof t1);
	TH_OK(t, lend_recovery_request(t->e, LEND_LOGIN_EMAIL, 0, "Reader@example.org"));
	aw_secret(t, LEND_NOTE_PASSWORD_RECOVERY, "token", t2, sizeof t2);
	assert_string_not_equal(t1, t2);
	TH_RC(t, LEND_EAUTH, lend_recovery_finish(t->e, t1, "recovered password"));
	TH_RC(t, LEND_EINVAL, lend_recovery_finish(t->e, t2, "short"));
	TH_OK(t, lend_recovery_finish(t->e, t2, "recovered password"));
	TH_RC(t, LEND_EAUTH, lend_recovery_finish(t->e, t2, "another password"));
	/* The recovery signed every session out. */
	lend_tickets *tl = NULL;
	TH_RC(t, LEND_EPERM, lend_ticket_list(t->e, before_reset, w.reader, &tl));
	lend_actor_free(before_reset);
	lend_actor *a = NULL;
	TH_RC(t, LEND_EAUTH, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, AW_PASSWORD, NULL, &a));
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, "recovered password", NULL, &a));
	lend_actor_free(a);
	/* A token lives one hour. */
	TH_OK(t, lend_recovery_request(t->e, LEND_LOGIN_TICKET, w.lib, w.number));
	aw_secret(t, LEND_NOTE_PASSWORD_RECOVERY, "token", t1, sizeof t1);
	th_now += 60 * TH_MINUTE;
	TH_RC(t, LEND_EAUTH, lend_recovery_finish(t->e, t1, "late password!"));
	assert_int_equal(aw_audit_count(t, w.reader, LEND_AUDIT_RECOVERY_DONE), 1);
	th_check_clean(t);
}

/* ------------------------------------------------- activation, sessions */

static void test_activation_and_sessions(void **state)
{
	th *t = *state;
	acct_world w;
	aw_init(&w, t);
	aw_confirmed_email(t, w.reader, "reader@example.org");
	TH_RC(t, LEND_EINVAL, lend_activation_request(t->e, LEND_LOGIN_TICKET, w.number));
	TH_OK(t, lend_activation_request(t->e, LEND_LOGIN_EMAIL, "nobody@example.org"));
	TH_OK(t, lend_activation_request(t->e, LEND_LOGIN_EMAIL, "reader@example.org"));
	char code[40];
	aw_secret(t, LEND_NOTE_APP_ACTIVATION, "code", code, sizeof code);
	lend_actor *app = NULL, *again = NULL, *web = NULL;
	TH_OK(t, lend_activate(t->e, code, "reader app", &app));
	assert_int_equal(lend_actor_reader_id(app), w.reader);
	TH_RC(t, LEND_EAUTH, lend_activate(t->e, code, "thief", &again));
	assert_null(again);
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, AW_PASSWORD, "web", &web));

	lend_sessions *s = NULL;
	TH_OK(t, lend_session_list(t->e, web, w.reader, &s));
	assert_int_equal(lend_sessions_count(s), 2);
	assert_int_equal(lend_sessions_origin(s, 0), LEND_SESSION_ACTIVATION);
	assert_string_equal(lend_sessions_label(s, 0), "reader app");
	assert_int_equal(lend_sessions_id(s, 0), lend_actor_session_id(app));
	lend_sessions_free(s);
	TH_RC(t, LEND_EPERM, lend_session_list(t->e, th_as_reader(t, w.other), w.reader, &s));
	TH_RC(t, LEND_EPERM, lend_session_revoke(t->e, th_as_reader(t, w.other), lend_actor_session_id(app)));

	/* Revoked: the app's actor stops working at once, the web one goes on. */
	TH_OK(t, lend_session_revoke(t->e, web, lend_actor_session_id(app)));
	lend_tickets *tl = NULL;
	TH_RC(t, LEND_EPERM, lend_ticket_list(t->e, app, w.reader, &tl));
	lend_reader *rd = NULL;
	TH_RC(t, LEND_EPERM, lend_reader_get(t->e, app, w.reader, &rd));
	TH_OK(t, lend_ticket_list(t->e, web, w.reader, &tl));
	lend_tickets_free(tl);
	TH_OK(t, lend_session_revoke(t->e, t->admin, lend_actor_session_id(web)));
	TH_RC(t, LEND_EPERM, lend_ticket_list(t->e, web, w.reader, &tl));
	lend_actor_free(app);
	lend_actor_free(web);

	/* A code lives 24 hours. */
	TH_OK(t, lend_activation_request(t->e, LEND_LOGIN_EMAIL, "reader@example.org"));
	aw_secret(t, LEND_NOTE_APP_ACTIVATION, "code", code, sizeof code);
	th_now += TH_DAY;
	TH_RC(t, LEND_EAUTH, lend_activate(t->e, code, NULL, &app));
	assert_int_equal(aw_audit_count(t, w.reader, LEND_AUDIT_SESSION_REVOKED), 2);
	th_check_clean(t);
}


/* A session ends lifetime seconds after it began (default 90 days; 0:
 * never), counted from its created_at, so a new lifetime applies to the
 * sessions already open; a revoked one says so, expired or not. Ending by
 * time writes nothing (no audit row: it is found on a read). */
static void test_sessions_expire(void **state)
{
	th *t = *state;
	acct_world w;
	aw_init(&w, t);
	lend_options *o = NULL;
	TH_OK(t, lend_options_new(&o));
	assert_int_equal(lend_options_set_session_lifetime(o, -1), LEND_EINVAL);
	assert_int_equal(lend_options_set_session_lifetime(NULL, 60), LEND_EINVAL);
	lend_options_free(o);

	/* The default: 90 days. */
	int64_t began = th_now;
	lend_actor *a = NULL, *gone = NULL;
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, AW_PASSWORD, "phone", &a));
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, AW_PASSWORD, "lost phone", &gone));
	TH_OK(t, lend_session_revoke(t->e, a, lend_actor_session_id(gone)));
	lend_sessions *s = NULL;
	TH_OK(t, lend_session_list(t->e, a, w.reader, &s));
	assert_int_equal(lend_sessions_count(s), 2);
	assert_int_equal(lend_sessions_expires_at(s, 0), began + LEND_SESSION_LIFETIME_DEFAULT);
	assert_int_equal(LEND_SESSION_LIFETIME_DEFAULT, 90 * TH_DAY);
	assert_int_equal(lend_sessions_expires_at(s, 9), 0);
	assert_int_equal(lend_sessions_expires_at(NULL, 0), 0);
	lend_sessions_free(s);
	th_now = began + LEND_SESSION_LIFETIME_DEFAULT - 1;
	lend_tickets *tl = NULL;
	TH_OK(t, lend_ticket_list(t->e, a, w.reader, &tl));
	lend_tickets_free(tl);
	int revoked_rows = aw_audit_count(t, w.reader, LEND_AUDIT_SESSION_REVOKED);
	th_now = began + LEND_SESSION_LIFETIME_DEFAULT;
	TH_RC(t, LEND_EPERM, lend_ticket_list(t->e, a, w.reader, &tl));
	assert_string_equal(lend_engine_errmsg(t->e), "the session has expired: sign in again");
	/* In a call's transaction too, and for everything. */
	TH_RC(t, LEND_EPERM, lend_take(t->e, a, w.ticket, th_book(t, "B", LEND_KIND_EBOOK, 0, 0), NULL));
	TH_RC(t, LEND_EPERM, lend_session_list(t->e, a, w.reader, &s));
	lend_actor *staff = NULL;
	TH_RC(t, LEND_EPERM, lend_actor_staff(t->e, a, &staff));
	/* Revoked still wins over expired. */
	TH_RC(t, LEND_EPERM, lend_ticket_list(t->e, gone, w.reader, &tl));
	assert_string_equal(lend_engine_errmsg(t->e), "the session has ended: sign in again");
	/* The listing still shows it, with its end; nothing was written. */
	TH_OK(t, lend_session_list(t->e, t->admin, w.reader, &s));
	assert_int_equal(lend_sessions_revoked_at(s, 0), 0);
	assert_int_equal(lend_sessions_expires_at(s, 0), began + LEND_SESSION_LIFETIME_DEFAULT);
	lend_sessions_free(s);
	assert_int_equal(aw_audit_count(t, w.reader, LEND_AUDIT_SESSION_REVOKED), revoked_rows);
	/* Signing in again opens a new session. */
	lend_actor *fresh = NULL;
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, AW_PASSWORD, "phone", &fresh));
	TH_OK(t, lend_ticket_list(t->e, fresh, w.reader, &tl));
	lend_tickets_free(tl);

	/* 0: until revoked, ten years on. */
	aw_reopen_ex(t, LEND_PASSWORD_COST_MIN, 0);
	th_now += 3650 * TH_DAY;
	TH_OK(t, lend_ticket_list(t->e, a, w.reader, &tl));
	lend_tickets_free(tl);
	TH_RC(t, LEND_EPERM, lend_ticket_list(t->e, gone, w.reader, &tl));
	assert_string_equal(lend_engine_errmsg(t->e), "the session has ended: sign in again");
	TH_OK(t, lend_session_list(t->e, a, w.reader, &s));
	assert_int_equal(lend_sessions_count(s), 3);
	for (size_t i = 0; i < lend_sessions_count(s); i++)
		assert_int_equal(lend_sessions_expires_at(s, i), 0);
	lend_sessions_free(s);
	/* A lifetime past the end of time: never either. */
	aw_reopen_ex(t, LEND_PASSWORD_COST_MIN, INT64_MAX);
	TH_OK(t, lend_ticket_list(t->e, a, w.reader, &tl));
	lend_tickets_free(tl);
	TH_OK(t, lend_session_list(t->e, a, w.reader, &s));
	assert_int_equal(lend_sessions_expires_at(s, 0), 0);
	lend_sessions_free(s);

	/* An hour: counted from each session's start, so the old ones end now. */
	aw_reopen_ex(t, LEND_PASSWORD_COST_MIN, 3600);
	TH_RC(t, LEND_EPERM, lend_ticket_list(t->e, fresh, w.reader, &tl));
	assert_string_equal(lend_engine_errmsg(t->e), "the session has expired: sign in again");
	lend_actor *hour = NULL;
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, AW_PASSWORD, "tablet", &hour));
	th_now += 3599;
	TH_OK(t, lend_ticket_list(t->e, hour, w.reader, &tl));
	lend_tickets_free(tl);
	th_now += 1;
	TH_RC(t, LEND_EPERM, lend_ticket_list(t->e, hour, w.reader, &tl));
	assert_int_equal(aw_audit_count(t, w.reader, LEND_AUDIT_SESSION_REVOKED), revoked_rows);
	lend_actor_free(a);
	lend_actor_free(gone);
	lend_actor_free(fresh);
	lend_actor_free(hour);
	th_check_clean(t);
}

/* ------------------------------------------------ what is stored on disk */

static int file_has(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	static char buf[1 << 22];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(buf + i, needle, k) == 0)
			return 1;
	return 0;
}

static void test_no_plaintext_secret_is_stored(void **state)
{
	th *t = *state;
	acct_world w;
	aw_init(&w, t);
	char gen[LEND_PASSWORD_GENERATED_SIZE], code[16], token[40], act[40];
	TH_OK(t, lend_ticket_set_password(t->e, t->admin, w.other_ticket, NULL, gen));
	lend_actor *r = th_as_reader(t, w.reader);
	int64_t m = 0;
	TH_OK(t, lend_method_add(t->e, r, w.reader, LEND_METHOD_EMAIL, "reader@example.org", &m));
	aw_secret(t, LEND_NOTE_VERIFICATION_CODE, "code", code, sizeof code);
	TH_OK(t, lend_method_confirm(t->e, r, m, code));
	TH_OK(t, lend_recovery_request(t->e, LEND_LOGIN_EMAIL, 0, "reader@example.org"));
	aw_secret(t, LEND_NOTE_PASSWORD_RECOVERY, "token", token, sizeof token);
	TH_OK(t, lend_activation_request(t->e, LEND_LOGIN_EMAIL, "reader@example.org"));
	aw_secret(t, LEND_NOTE_APP_ACTIVATION, "code", act, sizeof act);
	TH_OK(t, lend_password_change(t->e, r, AW_PASSWORD, "Changed-Secret-Pw"));
	lend_actor *a = NULL;
	TH_RC(t, LEND_EAUTH, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, "Typo-Secret-Pw", NULL, &a));

	char *dump = th_dump_db(t->path);
	const char *secrets[] = {AW_PASSWORD, gen, "Changed-Secret-Pw", "Typo-Secret-Pw"};
	for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
		if (strstr(dump, secrets[i]))
			print_message("found %s in the dump\n", secrets[i]);
		assert_null(strstr(dump, secrets[i]));
	}
	/* Codes and tokens appear only in the outbox rows meant to carry them. */
	const char *once[] = {token, act};
	for (size_t i = 0; i < 2; i++) {
		char *hit = strstr(dump, once[i]);
		assert_non_null(hit);
		assert_null(strstr(hit + 1, once[i]));
	}
	free(dump);
	th_close_engine(t);
	char wal[sizeof t->path + 8];
	snprintf(wal, sizeof wal, "%s-wal", t->path);
	for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
		assert_false(file_has(t->path, secrets[i]));
		assert_false(file_has(wal, secrets[i]));
	}
}

/* ----------------------------------------------------------- rehashing */

static void test_rehash_on_sign_in(void **state)
{
	th *t = *state;
	acct_world w;
	aw_init(&w, t); /* hashed with the minimum cost */
	char *dump = th_dump_db(t->path);
	assert_non_null(strstr(dump, "$argon2id$v=19$m=8,t=1"));
	free(dump);
	/* The host raises the cost: the next sign-in re-hashes. */
	aw_reopen(t, LEND_PASSWORD_COST_INTERACTIVE);
	lend_actor *a = NULL;
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, AW_PASSWORD, NULL, &a));
	lend_actor_free(a);
	dump = th_dump_db(t->path);
	assert_non_null(strstr(dump, "$argon2id$v=19$m=65536,t=2"));
	free(dump);
	aw_reopen(t, LEND_PASSWORD_COST_MIN);
	TH_OK(t, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, AW_PASSWORD, NULL, &a));
	lend_actor_free(a);
	lend_options *o = NULL;
	assert_int_equal(lend_options_new(&o), LEND_OK);
	assert_int_equal(lend_options_set_password_cost(o, 99), LEND_EINVAL);
	assert_int_equal(lend_options_set_password_cost(NULL, 0), LEND_EINVAL);
	lend_options_free(o);
}

/* ------------------------------------------- unique keys, two connections */

/* A connection of its own to the fixture's store, through the vtable. */
static void aw_store(th *t, lend_storage *s)
{
	char err[256];
	int rc = th_backend_pg() ? lend_storage_postgres(s, t->path, err, sizeof err)
	                         : lend_storage_sqlite(s, t->path, 5000, err, sizeof err);
	if (rc != LEND_OK)
		fail_msg("opening the store %s: %d %s", t->path, rc, err);
}

typedef struct aw_ids {
	size_t n;
	int64_t id[8], reader[8];
} aw_ids;

static int aw_method_cb(void *ctx, const lend_sys_method *r)
{
	aw_ids *c = ctx;
	assert_true(c->n < 8);
	c->reader[c->n] = r->reader_id;
	c->id[c->n++] = r->id;
	return 0;
}

static int aw_secret_cb(void *ctx, const lend_sys_secret *r)
{
	aw_ids *c = ctx;
	assert_true(c->n < 8);
	c->reader[c->n] = r->reader_id;
	c->id[c->n++] = r->id;
	return 0;
}

static int aw_merged_cb(void *ctx, int64_t from, int64_t into)
{
	aw_ids *c = ctx;
	assert_true(c->n < 8);
	c->reader[c->n] = into;
	c->id[c->n++] = from;
	return 0;
}

/* A repeated verified method or secret hash is LEND_EEXISTS on any
 * connection, and the transaction goes on after it (the engine draws a new
 * secret in the same transaction). */
static void test_unique_keys_across_connections(void **state)
{
	th *t = *state;
	lend_storage a, b;
	aw_store(t, &a);
	aw_store(t, &b);
	void *ua = a.userdata, *ub = b.userdata;

	/* Methods: a verified (kind, value) belongs to one row. */
	lend_sys_method m1 = {0, 1001, LEND_METHOD_EMAIL, "x@example.org", 100, 100};
	assert_int_equal(a.begin(ua, 1), LEND_OK);
	assert_int_equal(a.method_insert(ua, &m1), LEND_OK);
	assert_int_equal(a.commit(ua), LEND_OK);
	lend_sys_method m2 = {0, 1002, LEND_METHOD_EMAIL, "x@example.org", 0, 200};
	lend_sys_method dup = {0, 1002, LEND_METHOD_EMAIL, "x@example.org", 200, 200};
	lend_sys_method m3 = {0, 1002, LEND_METHOD_PHONE, "x@example.org", 200, 200};
	assert_int_equal(b.begin(ub, 1), LEND_OK);
	assert_int_equal(b.method_insert(ub, &m2), LEND_OK); /* unverified rows may repeat */
	assert_int_equal(b.method_insert(ub, &dup), LEND_EEXISTS);
	assert_int_equal(b.method_insert(ub, &m3), LEND_OK);
	m2.verified_at = 300;
	assert_int_equal(b.method_update(ub, &m2), LEND_EEXISTS);
	m2.verified_at = 0;
	m2.created_at = 250;
	assert_int_equal(b.method_update(ub, &m2), LEND_OK);
	lend_sys_method none = {m3.id + 100, 1002, LEND_METHOD_EMAIL, "x@example.org", 300, 300};
	assert_int_equal(b.method_update(ub, &none), LEND_ENOTFOUND);
	m3.verified_at = 400; /* its own (kind, value) again */
	assert_int_equal(b.method_update(ub, &m3), LEND_OK);
	assert_int_equal(b.commit(ub), LEND_OK);
	aw_ids c = {0};
	assert_int_equal(a.method_find(ua, LEND_METHOD_EMAIL, "x@example.org", aw_method_cb, &c), LEND_OK);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.id[0], m1.id);
	memset(&c, 0, sizeof c);
	assert_int_equal(a.method_list(ua, 1002, aw_method_cb, &c), LEND_OK);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.id[0], m2.id);
	assert_int_equal(c.id[1], m3.id);
	/* Once the first is removed, the second may be verified. */
	assert_int_equal(a.begin(ua, 1), LEND_OK);
	assert_int_equal(a.method_delete(ua, m1.id), LEND_OK);
	assert_int_equal(a.method_delete(ua, m1.id), LEND_ENOTFOUND);
	assert_int_equal(a.commit(ua), LEND_OK);
	m2.verified_at = 500;
	assert_int_equal(b.begin(ub, 1), LEND_OK);
	assert_int_equal(b.method_update(ub, &m2), LEND_OK);
	assert_int_equal(b.commit(ub), LEND_OK);

	/* Secrets: a hash is unique. */
	lend_sys_secret s1 = {0, 1001, 1, m2.id, "hash-1", 100, 700, 5, 0};
	assert_int_equal(a.begin(ua, 1), LEND_OK);
	assert_int_equal(a.secret_insert(ua, &s1), LEND_OK);
	assert_int_equal(a.commit(ua), LEND_OK);
	lend_sys_secret s2 = {0, 1001, 2, 0, "hash-1", 110, 700, 5, 0};
	assert_int_equal(b.begin(ub, 1), LEND_OK);
	assert_int_equal(b.secret_insert(ub, &s2), LEND_EEXISTS);
	s2.hash = "hash-2"; /* a new draw in the same transaction */
	assert_int_equal(b.secret_insert(ub, &s2), LEND_OK);
	s2.hash = "hash-1";
	assert_int_equal(b.secret_update(ub, &s2), LEND_EEXISTS);
	s2.hash = "hash-2";
	s2.tries_left = 4;
	assert_int_equal(b.secret_update(ub, &s2), LEND_OK);
	lend_sys_secret gone = s2;
	gone.id = s2.id + 100;
	gone.hash = "hash-3";
	assert_int_equal(b.secret_update(ub, &gone), LEND_ENOTFOUND);
	assert_int_equal(b.commit(ub), LEND_OK);
	memset(&c, 0, sizeof c);
	assert_int_equal(a.secret_list(ua, 1001, 0, aw_secret_cb, &c), LEND_OK);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.id[0], s2.id); /* newest first */
	assert_int_equal(c.id[1], s1.id);
	memset(&c, 0, sizeof c);
	assert_int_equal(a.secret_list(ua, 1001, 2, aw_secret_cb, &c), LEND_OK);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.id[0], s2.id);

	/* A reader is merged away once. */
	assert_int_equal(a.begin(ua, 1), LEND_OK);
	assert_int_equal(a.accounts_move(ua, 1002, 1001, 800), LEND_OK);
	assert_int_equal(a.commit(ua), LEND_OK);
	assert_int_equal(b.begin(ub, 1), LEND_OK);
	assert_int_equal(b.accounts_move(ub, 1002, 1003, 900), LEND_EEXISTS);
	assert_int_equal(b.rollback(ub), LEND_OK);
	assert_int_equal(b.begin(ub, 1), LEND_OK);
	assert_int_equal(b.accounts_move(ub, 1001, 1003, 900), LEND_OK); /* 1002 follows into 1003 */
	assert_int_equal(b.commit(ub), LEND_OK);
	memset(&c, 0, sizeof c);
	assert_int_equal(a.merged_list(ua, aw_merged_cb, &c), LEND_OK);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.id[0], 1001);
	assert_int_equal(c.reader[0], 1003);
	assert_int_equal(c.id[1], 1002);
	assert_int_equal(c.reader[1], 1003);
	memset(&c, 0, sizeof c);
	assert_int_equal(a.method_list(ua, 1003, aw_method_cb, &c), LEND_OK);
	assert_int_equal(c.n, 2);
	a.free(ua);
	b.free(ub);
}

/* Two engines, each on its own connection and thread, claim the same
 * identity, or confirm the same address, at the same moment: one wins, the
 * other is told LEND_EEXISTS. */
#define AW_ROUNDS 12

typedef struct aw_racer {
	lend_engine *e;
	lend_actor *admin, *self;
	int64_t reader;
	int64_t method[AW_ROUNDS];
	char code[AW_ROUNDS][16];
	pthread_barrier_t *go;
	int ok, exists, other;
	char msg[200];
} aw_racer;

static void aw_count(aw_racer *r, int rc)
{
	if (rc == LEND_OK) {
		r->ok++;
	} else if (rc == LEND_EEXISTS) {
		r->exists++;
	} else {
		r->other++;
		snprintf(r->msg, sizeof r->msg, "%d: %s", rc, lend_engine_errmsg(r->e));
	}
}

static void *aw_race(void *arg)
{
	aw_racer *r = arg;
	for (int i = 0; i < AW_ROUNDS; i++) {
		char subject[32];
		snprintf(subject, sizeof subject, "race-%d", i);
		pthread_barrier_wait(r->go);
		aw_count(r, lend_identity_link(r->e, r->admin, r->reader, "vk", subject, NULL));
		pthread_barrier_wait(r->go);
		aw_count(r, lend_method_confirm(r->e, r->self, r->method[i], r->code[i]));
	}
	return NULL;
}

static void test_two_engines_at_once(void **state)
{
	th *t = *state;
	acct_world w;
	aw_init(&w, t);
	pthread_barrier_t go;
	assert_int_equal(pthread_barrier_init(&go, NULL, 2), 0);
	aw_racer r[2];
	memset(r, 0, sizeof r);
	r[0].reader = w.reader;
	r[1].reader = w.other;
	/* Both readers ask to add the same address in every round. */
	for (int i = 0; i < AW_ROUNDS; i++) {
		char email[40];
		snprintf(email, sizeof email, "race%d@example.org", i);
		for (int k = 0; k < 2; k++) {
			TH_OK(t, lend_method_add(t->e, t->admin, r[k].reader, LEND_METHOD_EMAIL, email, &r[k].method[i]));
			aw_secret(t, LEND_NOTE_VERIFICATION_CODE, "code", r[k].code[i], sizeof r[k].code[i]);
		}
	}
	for (int k = 0; k < 2; k++) {
		r[k].e = th_engine_on(t->path, th_clock, 10000);
		assert_non_null(r[k].e);
		assert_int_equal(lend_actor_admin(r[k].e, &r[k].admin), LEND_OK);
		assert_int_equal(lend_actor_reader(r[k].e, r[k].reader, &r[k].self), LEND_OK);
		r[k].go = &go;
	}
	pthread_t th2[2];
	for (int k = 0; k < 2; k++)
		assert_int_equal(pthread_create(&th2[k], NULL, aw_race, &r[k]), 0);
	for (int k = 0; k < 2; k++)
		assert_int_equal(pthread_join(th2[k], NULL), 0);
	pthread_barrier_destroy(&go);
	for (int k = 0; k < 2; k++) {
		if (r[k].other)
			print_message("engine %d: %d unexpected, the last %s\n", k, r[k].other, r[k].msg);
		assert_int_equal(r[k].other, 0);
		lend_actor_free(r[k].admin);
		lend_actor_free(r[k].self);
		lend_engine_close(r[k].e);
	}
	/* Every identity and every address went to exactly one reader. */
	assert_int_equal(r[0].ok + r[1].ok, 2 * AW_ROUNDS);
	assert_int_equal(r[0].exists + r[1].exists, 2 * AW_ROUNDS);
	size_t verified = 0;
	for (int k = 0; k < 2; k++) {
		lend_methods *l = NULL;
		TH_OK(t, lend_method_list(t->e, t->admin, r[k].reader, &l));
		for (size_t i = 0; i < lend_methods_count(l); i++)
			verified += lend_methods_verified(l, i) != 0;
		lend_methods_free(l);
	}
	assert_int_equal(verified, 2 * AW_ROUNDS);
	for (int i = 0; i < AW_ROUNDS; i++) {
		char subject[32];
		snprintf(subject, sizeof subject, "race-%d", i);
		lend_actor *a = NULL;
		TH_OK(t, lend_sign_in_identity(t->e, "vk", subject, NULL, &a));
		lend_actor_free(a);
	}
	th_check_clean(t);
}

/* ------------------------------------------------------------ bad input */

static void test_bad_input_changes_nothing(void **state)
{
	th *t = *state;
	acct_world w;
	aw_init(&w, t);
	lend_actor *r = th_as_reader(t, w.reader), *a = NULL;
	char *before = th_dump_db(t->path);
	char big[400];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	TH_RC(t, LEND_EINVAL, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, NULL, AW_PASSWORD, NULL, &a));
	TH_RC(t, LEND_EINVAL, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, "bad \xc3\x28 utf-8", AW_PASSWORD, NULL, &a));
	TH_RC(t, LEND_EINVAL, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, big, AW_PASSWORD, NULL, &a));
	TH_RC(t, LEND_EINVAL, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, NULL, NULL, &a));
	TH_RC(t, LEND_EINVAL, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, big, NULL, &a));
	TH_RC(t, LEND_EINVAL, lend_sign_in(t->e, LEND_LOGIN_TICKET, -1, w.number, AW_PASSWORD, NULL, &a));
	TH_RC(t, LEND_EINVAL, lend_sign_in(t->e, LEND_LOGIN_EMAIL, w.lib, "a@b.cd", AW_PASSWORD, NULL, &a));
	TH_RC(t, LEND_EINVAL, lend_sign_in(t->e, 0, 0, "a@b.cd", AW_PASSWORD, NULL, &a));
	TH_RC(t, LEND_EINVAL, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, AW_PASSWORD, "bad \x01 label", &a));
	TH_RC(t, LEND_EINVAL, lend_sign_in(t->e, LEND_LOGIN_TICKET, w.lib, w.number, AW_PASSWORD, NULL, NULL));
	TH_RC(t, LEND_EINVAL, lend_sign_in_identity(t->e, "vk", NULL, NULL, &a));
	TH_RC(t, LEND_EINVAL, lend_method_add(t->e, r, w.reader, LEND_METHOD_EMAIL, "bad\xff@example.org", NULL));
	TH_RC(t, LEND_EINVAL, lend_method_add(t->e, r, w.reader, LEND_METHOD_EMAIL, big, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_method_add(t->e, t->admin, 9999, LEND_METHOD_EMAIL, "a@example.org", NULL));
	TH_RC(t, LEND_EINVAL, lend_method_confirm(t->e, r, 1, NULL));
	TH_RC(t, LEND_ENOTFOUND, lend_method_confirm(t->e, r, 9999, "123456"));
	TH_RC(t, LEND_ENOTFOUND, lend_method_remove(t->e, r, 9999));
	TH_RC(t, LEND_EINVAL, lend_recovery_request(t->e, LEND_LOGIN_TICKET, 0, w.number));
	TH_RC(t, LEND_EINVAL, lend_recovery_finish(t->e, NULL, "long enough pw"));
	TH_RC(t, LEND_EINVAL, lend_activate(t->e, "code", NULL, NULL));
	TH_RC(t, LEND_EINVAL, lend_audit_list(t->e, t->admin, -1, 0, 0, NULL));
	lend_audit *log = NULL;
	TH_RC(t, LEND_EINVAL, lend_audit_list(t->e, t->admin, -1, 0, 0, &log));
	TH_RC(t, LEND_EINVAL, lend_audit_list(t->e, t->admin, 0, 100, 50, &log));
	TH_RC(t, LEND_ENOTFOUND, lend_session_revoke(t->e, t->admin, 9999));
	TH_RC(t, LEND_EINVAL, lend_account_merge(t->e, r, LEND_LOGIN_TICKET, w.lib, w.other_number, NULL));
	TH_RC(t, LEND_EINVAL, lend_password_change(t->e, NULL, AW_PASSWORD, "long enough pw"));
	char *after = th_dump_db(t->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* NULL handles are harmless. */
	lend_methods_free(NULL);
	lend_sessions_free(NULL);
	lend_audit_free(NULL);
	assert_int_equal(lend_methods_count(NULL), 0);
	assert_string_equal(lend_audit_detail(NULL, 0), "");
	assert_int_equal(lend_actor_session_id(NULL), 0);
	assert_string_equal(lend_audit_event_string(999), "unknown");
	assert_string_equal(lend_reason_string(LEND_REASON_SIGNIN_LOCKED),
	                    "too many failed sign-ins: sign-in is locked for a while");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sign_in_with_ticket, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_generated_password, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_librarian_signs_in, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_password_change, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_blocked_or_expired_ticket, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_throttle_and_lockout, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_throttle_unknown_login_looks_the_same, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_brute_force, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_email_method, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_codes_expire_tries_newest, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_identity, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_recovery, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_activation_and_sessions, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_sessions_expire, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_no_plaintext_secret_is_stored, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_rehash_on_sign_in, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_unique_keys_across_connections, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_two_engines_at_once, aw_setup, th_teardown),
		cmocka_unit_test_setup_teardown(test_bad_input_changes_nothing, aw_setup, th_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
