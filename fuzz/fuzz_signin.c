/* fuzz/fuzz_signin.c — outside text into sign-in, backup methods, recovery
 * and app activation.
 *
 * The world: one library, two readers with tickets "T-0001" and "T-0002"
 * and passwords, reader 0 with a confirmed e-mail and phone. The input is
 * two selector bytes (login kind, library, method kind) and then a login, a
 * password and a device label separated by '\n'.
 *
 * 1. The login is added as an e-mail or phone of reader 1: refused
 *    (LEND_EINVAL; LEND_EEXISTS, at the latest when confirming, for an
 *    address of reader 0) or accepted; then its code confirms it and
 *    the login, given again exactly as it was, signs reader 1 in.
 * 2. A sign-in with the login and password gives LEND_OK (only with the
 *    right password, and then an actor with a session), LEND_EAUTH,
 *    LEND_EINVAL or LEND_EDENIED: never anything else.
 * 3. Recovery and activation requests with the login give LEND_OK or
 *    LEND_EINVAL (or LEND_EDENIED when throttled).
 * lend_engine_check() is clean at the end. */
#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PASSWORD "correct horse 1"

static const char *newest_code(lend_engine *e, lend_actor *admin, char *buf, size_t n)
{
	lend_notifications *l = NULL;
	const char *found = NULL;
	buf[0] = '\0';
	FUZZ_ASSERT(lend_outbox_list(e, admin, 0, 10000, &l) == LEND_OK);
	for (size_t i = 0; i < lend_notifications_count(l); i++) {
		const lend_notification *note = lend_notifications_get(l, i);
		if (lend_notification_kind(note) != LEND_NOTE_VERIFICATION_CODE)
			continue;
		/* The line code=...: the address on another line may hold
		 * "code=" too. */
		const char *d = lend_notification_detail(note);
		while (d && strncmp(d, "code=", 5) != 0) {
			d = strchr(d, '\n');
			d = d ? d + 1 : NULL;
		}
		if (!d)
			continue;
		d += 5;
		size_t k = strcspn(d, "\n");
		if (k >= n)
			k = n - 1;
		memcpy(buf, d, k);
		buf[k] = '\0';
		found = buf;
	}
	lend_notifications_free(l);
	return found;
}

static int64_t add_method(lend_engine *e, lend_actor *admin, int64_t reader, int kind, const char *value)
{
	int64_t m = 0;
	char code[64];
	int rc = lend_method_add(e, admin, reader, kind, value, &m);
	if (rc != LEND_OK)
		return -rc;
	FUZZ_ASSERT(m > 0 && newest_code(e, admin, code, sizeof code) != NULL);
	/* The reader confirms, with the code sent to him. */
	lend_actor *ra = NULL;
	FUZZ_ASSERT(lend_actor_reader(e, reader, &ra) == LEND_OK);
	rc = lend_method_confirm(e, ra, m, code);
	lend_actor_free(ra);
	/* An address another account has confirmed is refused at the
	 * confirmation. */
	if (rc == LEND_EEXISTS)
		return -rc;
	if (rc != LEND_OK)
		fprintf(stderr, "confirm: %d %s\n", rc, lend_engine_errmsg(e));
	FUZZ_ASSERT(rc == LEND_OK);
	return m;
}

static int64_t add_reader(lend_engine *e, lend_actor *admin, int64_t lib, const char *number, int64_t *ticket)
{
	lend_reader *r = NULL;
	lend_ticket *t = NULL;
	int64_t id = 0;
	FUZZ_ASSERT(lend_reader_new(&r) == LEND_OK && lend_reader_set_name(r, "Reader") == LEND_OK);
	FUZZ_ASSERT(lend_reader_set_birth_date(r, 1990, 6, 1) == LEND_OK);
	FUZZ_ASSERT(lend_reader_add(e, admin, r, &id) == LEND_OK);
	lend_reader_free(r);
	FUZZ_ASSERT(lend_ticket_issue(e, admin, lib, id, number, &t) == LEND_OK);
	*ticket = lend_ticket_id(t);
	lend_ticket_free(t);
	FUZZ_ASSERT(lend_ticket_set_password(e, admin, *ticket, PASSWORD, NULL) == LEND_OK);
	return id;
}

/* The next '\n'-separated field of the input (malloc'd). */
static char *field(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
	const uint8_t *stop = nl ? nl : end;
	char *s = fuzz_string(*p, (size_t)(stop - *p));
	*p = nl ? nl + 1 : end;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	fuzz_now = 1768212000;
	lend_engine *e = fuzz_engine();
	lend_actor *admin = NULL;
	FUZZ_ASSERT(lend_actor_admin(e, &admin) == LEND_OK);
	lend_library *l = NULL;
	int64_t lib = 0, t0 = 0, t1 = 0;
	FUZZ_ASSERT(lend_library_new(&l) == LEND_OK && lend_library_set_name(l, "Library") == LEND_OK);
	FUZZ_ASSERT(lend_library_add(e, admin, l, &lib) == LEND_OK);
	lend_library_free(l);
	int64_t r0 = add_reader(e, admin, lib, "T-0001", &t0);
	int64_t r1 = add_reader(e, admin, lib, "T-0002", &t1);
	FUZZ_ASSERT(add_method(e, admin, r0, LEND_METHOD_EMAIL, "reader@example.org") > 0);
	FUZZ_ASSERT(add_method(e, admin, r0, LEND_METHOD_PHONE, "+79161234567") > 0);

	int kind = data[0] % 5; /* 0 and 4: not a login kind */
	int64_t lib_arg = data[1] % 3 == 0 ? lib : data[1] % 3 == 1 ? 0 : lib + 1;
	int method = data[0] & 0x80 ? LEND_METHOD_PHONE : LEND_METHOD_EMAIL;
	const uint8_t *p = data + 2, *end = data + size;
	char *login = field(&p, end), *password = field(&p, end), *label = field(&p, end);
	const char *label_arg = data[1] & 0x80 ? NULL : label;

	/* 1. The login as a backup method of reader 1. */
	int64_t m = add_method(e, admin, r1, method, login);
	FUZZ_ASSERT(m > 0 || m == -LEND_EINVAL || m == -LEND_EEXISTS);
	if (m > 0) {
		lend_actor *a = NULL;
		int login_kind = method == LEND_METHOD_PHONE ? LEND_LOGIN_PHONE : LEND_LOGIN_EMAIL;
		int rc = lend_sign_in(e, login_kind, 0, login, PASSWORD, "fuzz", &a);
		if (rc != LEND_OK)
			fprintf(stderr, "sign-in with a confirmed method: %d %s\n", rc, lend_engine_errmsg(e));
		FUZZ_ASSERT(rc == LEND_OK && a != NULL && lend_actor_session_id(a) > 0);
		lend_actor_free(a);
	}

	/* 2. Sign-in with the input. */
	lend_actor *a = NULL;
	int rc = lend_sign_in(e, kind, lib_arg, login, password, label_arg, &a);
	if (rc != LEND_OK && rc != LEND_EAUTH && rc != LEND_EINVAL && rc != LEND_EDENIED)
		fprintf(stderr, "sign-in: %d %s\n", rc, lend_engine_errmsg(e));
	FUZZ_ASSERT(rc == LEND_OK || rc == LEND_EAUTH || rc == LEND_EINVAL || rc == LEND_EDENIED);
	FUZZ_ASSERT((rc == LEND_OK) == (a != NULL));
	if (rc == LEND_OK) {
		FUZZ_ASSERT(strcmp(password, PASSWORD) == 0);
		FUZZ_ASSERT(lend_actor_session_id(a) > 0);
	}
	lend_actor_free(a);

	/* 3. Recovery and activation requests. */
	rc = lend_recovery_request(e, kind, lib_arg, login);
	FUZZ_ASSERT(rc == LEND_OK || rc == LEND_EINVAL || rc == LEND_EDENIED);
	rc = lend_activation_request(e, kind, login);
	FUZZ_ASSERT(rc == LEND_OK || rc == LEND_EINVAL || rc == LEND_EDENIED);

	fuzz_check_clean(e);
	free(login);
	free(password);
	free(label);
	lend_actor_free(admin);
	lend_engine_close(e);
	return 0;
}
