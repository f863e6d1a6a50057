/* cmd_accounts.c — signing in (`--as ticket:LIB:NUMBER`, `--as email:ADDR`,
 * `--as phone:NUMBER`, `lend login`), passwords, sign-in methods, recovery,
 * app activation, sessions, merging accounts and the audit log.
 *
 * Passwords never come from the command line: from an environment variable
 * (LEND_PASSWORD, LEND_NEW_PASSWORD, LEND_OTHER_PASSWORD, for scripts) or
 * from the terminal without echo. */
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* ------------------------------------------------------------ secrets */

/* Read a secret from $env, else from the terminal without echo. */
static int read_secret(const char *env, const char *prompt, char *buf, size_t n)
{
	const char *v = getenv(env);
	if (v) {
		if (strlen(v) >= n)
			return cli_error(EXIT_USAGE, "$%s is too long", env);
		strcpy(buf, v);
		return CLI_GO;
	}
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return cli_error(EXIT_USAGE, "no terminal to read the password from: set $%s", env);
	struct termios old, quiet;
	int fd = fileno(tty), echo_off = tcgetattr(fd, &old) == 0;
	if (echo_off) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~ECHO;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	fprintf(tty, "%s", prompt);
	fflush(tty);
	char *got = fgets(buf, (int)n, tty);
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &old);
	fprintf(tty, "\n");
	fclose(tty);
	if (!got)
		return cli_error(EXIT_USAGE, "no password given");
	buf[strcspn(buf, "\r\n")] = '\0';
	return CLI_GO;
}

static void forget(char *buf, size_t n)
{
	volatile char *p = buf;
	while (n--)
		*p++ = 0;
}

/* A login: "ticket" with --library, "email" or "phone". */
static int arg_login(const struct cli *c, const char *kind, const char *library, int *login_kind, int64_t *lib)
{
	*lib = 0;
	if (strcmp(kind, "ticket") == 0) {
		*login_kind = LEND_LOGIN_TICKET;
		if (!library)
			return cli_usage_error(c, "a ticket login needs --library ID");
		return arg_id(c, "--library", library, lib);
	}
	*login_kind = strcmp(kind, "email") == 0 ? LEND_LOGIN_EMAIL : strcmp(kind, "phone") == 0 ? LEND_LOGIN_PHONE : 0;
	if (!*login_kind)
		return cli_usage_error(c, "'%s': the login is ticket, email or phone", kind);
	return 0;
}

/* "ticket|email|phone LOGIN [--library ID]" (and [--device LABEL]). */
struct login_args {
	char **pos;
	int kind;
	int64_t lib;
	const char *device;
};

static int login_args(struct cli *c, int argc, char **argv, int with_device, struct login_args *la)
{
	struct opt o[] = {{.name = "--library", .takes_value = 1}, {.name = "--device", .takes_value = 1}};
	int npos;
	int rc = args_parse(c, argc, argv, o, with_device ? 2 : 1, &la->pos, &npos, 2, 2);
	if (rc != CLI_GO)
		return rc;
	if (arg_login(c, la->pos[0], o[0].value, &la->kind, &la->lib))
		return EXIT_USAGE;
	la->device = o[1].value;
	return CLI_GO;
}

int cli_sign_in(struct cli *c, const char *as)
{
	char kind[16] = "", lib[32] = "";
	const char *login = strchr(as, ':') + 1;
	snprintf(kind, sizeof kind, "%.*s", (int)(strchr(as, ':') - as), as);
	if (strcmp(kind, "ticket") == 0) {
		const char *colon = strchr(login, ':');
		if (!colon)
			return cli_error(EXIT_USAGE, "--as %s: expected ticket:LIBRARY:NUMBER", as);
		snprintf(lib, sizeof lib, "%.*s", (int)(colon - login), login);
		login = colon + 1;
	}
	int login_kind;
	int64_t library;
	if (arg_login(c, kind, lib[0] ? lib : NULL, &login_kind, &library))
		return EXIT_USAGE;
	char pw[256];
	int rc = read_secret("LEND_PASSWORD", "Password: ", pw, sizeof pw);
	if (rc != CLI_GO)
		return rc;
	rc = lend_sign_in(c->e, login_kind, library, login, pw, "lend", &c->a);
	forget(pw, sizeof pw);
	return rc == LEND_OK ? CLI_GO : cli_fail(c, rc);
}

/* -------------------------------------------------------------- login */

static int login(struct cli *c, int argc, char **argv)
{
	struct login_args la;
	int rc = login_args(c, argc, argv, 1, &la);
	if (rc != CLI_GO)
		return rc;
	CLI_OPEN(c);
	char pw[256];
	if ((rc = read_secret("LEND_PASSWORD", "Password: ", pw, sizeof pw)) != CLI_GO)
		return rc;
	lend_actor *a = NULL;
	rc = lend_sign_in(c->e, la.kind, la.lib, la.pos[1], pw, la.device ? la.device : "lend", &a);
	forget(pw, sizeof pw);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_out(json_pack("{s:I, s:I}", "reader", (json_int_t)lend_actor_reader_id(a), "session",
		                   (json_int_t)lend_actor_session_id(a)));
	} else {
		printf("Signed in: reader %lld, session %lld.\n", (long long)lend_actor_reader_id(a),
		       (long long)lend_actor_session_id(a));
		if (la.lib)
			printf("Act as him with --as ticket:%lld:%s and $LEND_PASSWORD.\n", (long long)la.lib, la.pos[1]);
		else
			printf("Act as him with --as %s:%s and $LEND_PASSWORD.\n", la.pos[0], la.pos[1]);
	}
	lend_actor_free(a);
	return EXIT_OK;
}

/* ----------------------------------------------------------- password */

static int password_set(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--generate"}};
	char **pos;
	int npos;
	int64_t ticket;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "TICKET", pos[0], &ticket))
		return EXIT_USAGE;
	CLI_OPEN(c);
	char pw[256] = "", made[LEND_PASSWORD_GENERATED_SIZE] = "";
	if (!o[0].seen) {
		int rc = read_secret("LEND_NEW_PASSWORD", "New password: ", pw, sizeof pw);
		if (rc != CLI_GO)
			return rc;
	}
	int rc = lend_ticket_set_password(c->e, c->a, ticket, o[0].seen ? NULL : pw, made);
	forget(pw, sizeof pw);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(o[0].seen ? json_pack("{s:I, s:s}", "ticket", (json_int_t)ticket, "password", made)
		                   : json_pack("{s:I}", "ticket", (json_int_t)ticket));
	else if (o[0].seen)
		printf("The new password of ticket %lld (shown once): %s\n", (long long)ticket, made);
	else
		printf("The password of ticket %lld is set.\n", (long long)ticket);
	forget(made, sizeof made);
	return EXIT_OK;
}

static int password_change(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	CLI_ARGS(c, argc, argv, o, pos, npos, 0, 0);
	CLI_OPEN(c);
	char old[256], pw[256];
	int rc = read_secret("LEND_PASSWORD", "Current password: ", old, sizeof old);
	if (rc == CLI_GO)
		rc = read_secret("LEND_NEW_PASSWORD", "New password: ", pw, sizeof pw);
	if (rc != CLI_GO)
		return rc;
	rc = lend_password_change(c->e, c->a, old, pw);
	forget(old, sizeof old);
	forget(pw, sizeof pw);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:b}", "changed", 1));
	else
		printf("Password changed on every library card of the account.\n");
	return EXIT_OK;
}

/* ------------------------------------------------------------ methods */

/* COMMAND ID: one call on an id, then "Noun ID done." (or {"id":..., done:true}). */
static int on_id(struct cli *c, int argc, char **argv, const char *what, const char *noun, const char *done,
                 int (*call)(lend_engine *, const lend_actor *, int64_t))
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t id;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, what, pos[0], &id))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int rc = call(c->e, c->a, id);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:I, s:b}", "id", (json_int_t)id, done, 1));
	else
		printf("%s %lld %s.\n", noun, (long long)id, done);
	return EXIT_OK;
}

static int method_remove(struct cli *c, int argc, char **argv)
{
	return on_id(c, argc, argv, "METHOD", "Method", "removed", lend_method_remove);
}

static int sessions_revoke(struct cli *c, int argc, char **argv)
{
	return on_id(c, argc, argv, "SESSION", "Session", "revoked", lend_session_revoke);
}


static const char *method_kind_name(int kind)
{
	return kind == LEND_METHOD_EMAIL ? "email" : kind == LEND_METHOD_PHONE ? "phone" : "identity";
}

static int method_add(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t reader;
	CLI_ARGS(c, argc, argv, o, pos, npos, 3, 3);
	if (arg_id(c, "READER", pos[0], &reader))
		return EXIT_USAGE;
	int kind = strcmp(pos[1], "email") == 0 ? LEND_METHOD_EMAIL : strcmp(pos[1], "phone") == 0 ? LEND_METHOD_PHONE : 0;
	if (!kind)
		return cli_usage_error(c, "'%s': a method is email or phone", pos[1]);
	CLI_OPEN(c);
	int64_t id = 0;
	int rc = lend_method_add(c->e, c->a, reader, kind, pos[2], &id);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:I, s:s, s:b}", "id", (json_int_t)id, "kind", pos[1], "verified", 0));
	else
		printf("Method %lld added; a code went to %s (see 'lend deliver'). Confirm it with\n"
		       "  lend method confirm %lld CODE\n",
		       (long long)id, pos[2], (long long)id);
	return EXIT_OK;
}

static int method_confirm(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t id;
	CLI_ARGS(c, argc, argv, o, pos, npos, 2, 2);
	if (arg_id(c, "METHOD", pos[0], &id))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int rc = lend_method_confirm(c->e, c->a, id, pos[1]);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:I, s:b}", "id", (json_int_t)id, "verified", 1));
	else
		printf("Method %lld confirmed: it signs in from now on.\n", (long long)id);
	return EXIT_OK;
}

static int method_link(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t reader;
	CLI_ARGS(c, argc, argv, o, pos, npos, 3, 3);
	if (arg_id(c, "READER", pos[0], &reader))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int64_t id = 0;
	int rc = lend_identity_link(c->e, c->a, reader, pos[1], pos[2], &id);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:I, s:s, s:b}", "id", (json_int_t)id, "kind", "identity", "verified", 1));
	else
		printf("Identity %s:%s linked as method %lld.\n", pos[1], pos[2], (long long)id);
	return EXIT_OK;
}

static int method_list(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t reader;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "READER", pos[0], &reader))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_methods *l = NULL;
	int rc = lend_method_list(c->e, c->a, reader, &l);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < lend_methods_count(l); i++)
			json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)lend_methods_id(l, i),
			                                     "kind", method_kind_name(lend_methods_kind(l, i)), "value",
			                                     lend_methods_value(l, i), "verified", lend_methods_verified(l, i)));
		json_out(arr);
	} else {
		static const char *const heads[] = {">ID", "KIND", "VALUE", "STATE"};
		struct table *t = table_new(4, heads);
		for (size_t i = 0; i < lend_methods_count(l); i++) {
			char id[24];
			snprintf(id, sizeof id, "%lld", (long long)lend_methods_id(l, i));
			table_row(t, id, method_kind_name(lend_methods_kind(l, i)), lend_methods_value(l, i),
			          lend_methods_verified(l, i) ? "confirmed" : "waiting for its code");
		}
		table_print(t, stdout);
		table_free(t);
	}
	lend_methods_free(l);
	return EXIT_OK;
}

/* -------------------------------------------- recovery and activation */

static int recover_request(struct cli *c, int argc, char **argv)
{
	struct login_args la;
	int rc = login_args(c, argc, argv, 0, &la);
	if (rc != CLI_GO)
		return rc;
	CLI_OPEN(c);
	rc = lend_recovery_request(c->e, la.kind, la.lib, la.pos[1]);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:b}", "requested", 1));
	else
		printf("If the login exists and has a confirmed address, a recovery token is on its way.\n");
	return EXIT_OK;
}

static int recover_finish(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	CLI_OPEN(c);
	char pw[256];
	int rc = read_secret("LEND_NEW_PASSWORD", "New password: ", pw, sizeof pw);
	if (rc != CLI_GO)
		return rc;
	rc = lend_recovery_finish(c->e, pos[0], pw);
	forget(pw, sizeof pw);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:b}", "changed", 1));
	else
		printf("Password set. Sign in with it.\n");
	return EXIT_OK;
}

static int activate_request(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos, kind;
	int64_t lib;
	CLI_ARGS(c, argc, argv, o, pos, npos, 2, 2);
	if (arg_login(c, pos[0], NULL, &kind, &lib))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int rc = lend_activation_request(c->e, kind, pos[1]);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:b}", "requested", 1));
	else
		printf("If the address is confirmed on an account, the app link is on its way.\n");
	return EXIT_OK;
}

static int activate_code(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--device", .takes_value = 1}};
	char **pos;
	int npos;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	CLI_OPEN(c);
	lend_actor *a = NULL;
	int rc = lend_activate(c->e, pos[0], o[0].value ? o[0].value : "app", &a);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:I, s:I}", "reader", (json_int_t)lend_actor_reader_id(a), "session",
		                   (json_int_t)lend_actor_session_id(a)));
	else
		printf("Activated: reader %lld, session %lld.\n", (long long)lend_actor_reader_id(a),
		       (long long)lend_actor_session_id(a));
	lend_actor_free(a);
	return EXIT_OK;
}

/* ----------------------------------------------------------- sessions */

static const char *origin_word(int origin)
{
	return origin == LEND_SESSION_PASSWORD ? "password" : origin == LEND_SESSION_ACTIVATION ? "app" : "identity";
}

static int sessions_list(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t reader;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "READER", pos[0], &reader))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_sessions *l = NULL;
	int rc = lend_session_list(c->e, c->a, reader, &l);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < lend_sessions_count(l); i++)
			json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:o, s:o, s:o}", "id",
			                                     (json_int_t)lend_sessions_id(l, i), "origin",
			                                     origin_word(lend_sessions_origin(l, i)), "device",
			                                     lend_sessions_label(l, i), "created_at",
			                                     json_time(lend_sessions_created_at(l, i)), "revoked_at",
			                                     json_time(lend_sessions_revoked_at(l, i)), "expires_at",
			                                     json_time(lend_sessions_expires_at(l, i))));
		json_out(arr);
	} else {
		static const char *const heads[] = {">ID", "HOW", "DEVICE", "SINCE", "ENDS", "STATE"};
		struct table *t = table_new(6, heads);
		int64_t now = c->has_now ? c->now : (int64_t)time(NULL);
		for (size_t i = 0; i < lend_sessions_count(l); i++) {
			char id[24], since[TIME_BUF], ends[TIME_BUF], state[TIME_BUF + 16], at[TIME_BUF];
			int64_t expires = lend_sessions_expires_at(l, i);
			snprintf(id, sizeof id, "%lld", (long long)lend_sessions_id(l, i));
			if (expires)
				fmt_time(ends, expires);
			else
				snprintf(ends, sizeof ends, "when revoked");
			if (lend_sessions_revoked_at(l, i))
				snprintf(state, sizeof state, "revoked %s", fmt_time(at, lend_sessions_revoked_at(l, i)));
			else if (expires && now >= expires)
				snprintf(state, sizeof state, "expired");
			else
				snprintf(state, sizeof state, "live");
			table_row(t, id, origin_word(lend_sessions_origin(l, i)), lend_sessions_label(l, i),
			          fmt_time(since, lend_sessions_created_at(l, i)), ends, state);
		}
		table_print(t, stdout);
		table_free(t);
	}
	lend_sessions_free(l);
	return EXIT_OK;
}

/* -------------------------------------------------------------- merge */

static int merge(struct cli *c, int argc, char **argv)
{
	struct login_args la;
	int rc = login_args(c, argc, argv, 0, &la);
	if (rc != CLI_GO)
		return rc;
	CLI_OPEN(c);
	char pw[256];
	if ((rc = read_secret("LEND_OTHER_PASSWORD", "Password of the other account: ", pw, sizeof pw)) != CLI_GO)
		return rc;
	rc = lend_account_merge(c->e, c->a, la.kind, la.lib, la.pos[1], pw);
	forget(pw, sizeof pw);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:I, s:b}", "reader", (json_int_t)lend_actor_reader_id(c->a), "merged", 1));
	else
		printf("Merged into reader %lld: the other account's cards, loans, queue places and sign-in\n"
		       "methods are his now.\n",
		       (long long)lend_actor_reader_id(c->a));
	return EXIT_OK;
}

/* -------------------------------------------------------------- audit */

static int audit(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--reader", .takes_value = 1},
	                  {.name = "--from", .takes_value = 1},
	                  {.name = "--to", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t reader = 0, from = 0, to = 0;
	CLI_ARGS(c, argc, argv, o, pos, npos, 0, 0);
	if ((o[0].value && arg_id(c, "--reader", o[0].value, &reader)) ||
	    (o[1].value && arg_time(c, "--from", o[1].value, &from)) || (o[2].value && arg_time(c, "--to", o[2].value, &to)))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_audit *l = NULL;
	int rc = lend_audit_list(c->e, c->a, reader, from, to, &l);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < lend_audit_count(l); i++)
			json_array_append_new(arr, json_pack("{s:I, s:o, s:s, s:I, s:I, s:s}", "id",
			                                     (json_int_t)lend_audit_id(l, i), "at",
			                                     json_time(lend_audit_at(l, i)), "event",
			                                     lend_audit_event_string(lend_audit_event(l, i)), "reader",
			                                     (json_int_t)lend_audit_reader_id(l, i), "actor",
			                                     (json_int_t)lend_audit_actor_id(l, i), "detail",
			                                     lend_audit_detail(l, i)));
		json_out(arr);
	} else {
		static const char *const heads[] = {">ID", "AT", "EVENT", ">READER", "DETAIL"};
		struct table *t = table_new(5, heads);
		for (size_t i = 0; i < lend_audit_count(l); i++) {
			char id[24], at[TIME_BUF], who[24], detail[600];
			snprintf(id, sizeof id, "%lld", (long long)lend_audit_id(l, i));
			snprintf(who, sizeof who, "%lld", (long long)lend_audit_reader_id(l, i));
			snprintf(detail, sizeof detail, "%s", lend_audit_detail(l, i));
			for (char *p = detail; *p; p++)
				if (*p == '\n')
					*p = ' ';
			table_row(t, id, fmt_time(at, lend_audit_at(l, i)), lend_audit_event_string(lend_audit_event(l, i)),
			          who, detail);
		}
		table_print(t, stdout);
		table_free(t);
	}
	lend_audit_free(l);
	return EXIT_OK;
}

const struct command cmds_accounts[] = {
	{NULL, "login", "ticket|email|phone LOGIN [--library ID] [--device LABEL]", "check a login and password",
	 "Sign in as a reader with a library card number (and its library), a\n"
	 "confirmed e-mail or phone, and the password from $LEND_PASSWORD or the\n"
	 "terminal (never the command line). Any command acts as a signed-in\n"
	 "reader with --as ticket:LIBRARY:NUMBER, --as email:ADDRESS or\n"
	 "--as phone:NUMBER. Failed sign-ins slow down and then lock the login.\n"
	 "\n"
	 "Example:\n"
	 "  LEND_PASSWORD=... lend login ticket 0001-0000-0001 --library 1\n",
	 7, login},
	{"password", "set", "TICKET [--generate]", "set a library card's password (staff)",
	 "Set the password of a library card (a librarian of its library, or admin):\n"
	 "from $LEND_NEW_PASSWORD or the terminal, or --generate one, shown once.\n"
	 "\n"
	 "Example:\n"
	 "  lend password set 1 --generate\n",
	 7, password_set},
	{"password", "change", "", "change your password",
	 "Change the signed-in reader's password on every card of his account: the\n"
	 "current one from $LEND_PASSWORD, the new one from $LEND_NEW_PASSWORD (or\n"
	 "the terminal).\n"
	 "\n"
	 "Example:\n"
	 "  lend --as ticket:1:0001-0000-0001 password change\n",
	 7, password_change},
	{"method", "add", "READER email|phone ADDRESS", "add a sign-in e-mail or phone",
	 "Add an e-mail or phone to an account; a one-time code goes to it through\n"
	 "the outbox. It signs in once confirmed (10 minutes, 5 tries, newest code).\n"
	 "\n"
	 "Example:\n"
	 "  lend --as reader:1 method add 1 email reader@example.org\n",
	 7, method_add},
	{"method", "confirm", "METHOD CODE", "confirm a method with its code",
	 "Confirm an e-mail or phone with the code sent to it.\n\nExample:\n  lend --as reader:1 method confirm 1 123456\n",
	 7, method_confirm},
	{"method", "remove", "METHOD", "remove a sign-in method",
	 "Remove an e-mail, phone or linked identity.\n\nExample:\n  lend --as reader:1 method remove 1\n", 7,
	 method_remove},
	{"method", "link", "READER PROVIDER SUBJECT", "link an external identity",
	 "Link an external identity (a social network account) the host verified.\n"
	 "\n"
	 "Example:\n"
	 "  lend method link 1 vk 123456\n",
	 7, method_link},
	{"method", "list", "READER", "list an account's sign-in methods",
	 "List the e-mails, phones and identities of an account.\n\nExample:\n  lend --as reader:1 method list 1\n", 7,
	 method_list},
	{"recover", "request", "ticket|email|phone LOGIN [--library ID]", "ask for a password recovery token",
	 "Send a one-time recovery token (1 hour) to the confirmed e-mail or phone of\n"
	 "the account. An unknown login looks the same.\n"
	 "\n"
	 "Example:\n"
	 "  lend recover request email reader@example.org\n",
	 7, recover_request},
	{"recover", "finish", "TOKEN", "set a new password with a token",
	 "Set a new password (from $LEND_NEW_PASSWORD or the terminal) with a\n"
	 "recovery token, once.\n"
	 "\n"
	 "Example:\n"
	 "  lend recover finish abcdefghijkmnpqrstuvwxyz23\n",
	 7, recover_finish},
	{"activate", "request", "email|phone ADDRESS", "send the app link",
	 "Send the app activation link (a one-time code, 24 hours) by e-mail or SMS.\n"
	 "\n"
	 "Example:\n"
	 "  lend activate request email reader@example.org\n",
	 7, activate_request},
	{"activate", "code", "CODE [--device LABEL]", "exchange an activation code for a session",
	 "Exchange an activation code, once, for a device session.\n\nExample:\n  lend activate code abcdefghijkmnpqrstuvwxyz23\n",
	 7, activate_code},
	{"sessions", "list", "READER", "list an account's sessions",
	 "List the sessions (sign-ins, activated apps) of an account, with when each ends: a\n"
	 "session lasts 90 days from its sign-in unless it is revoked first.\n\nExample:\n  lend sessions list 1\n", 7,
	 sessions_list},
	{"sessions", "revoke", "SESSION", "end a session",
	 "Revoke a session: the device or app signed in with it must sign in again.\n"
	 "\n"
	 "Example:\n"
	 "  lend sessions revoke 3\n",
	 7, sessions_revoke},
	{NULL, "merge", "ticket|email|phone LOGIN [--library ID]", "merge another account into yours",
	 "Merge an account you own into the signed-in one: prove it with its login\n"
	 "and password ($LEND_OTHER_PASSWORD or the terminal). Cards, loans, queue\n"
	 "places, methods and sessions move; the rules are in doc/security.md.\n"
	 "\n"
	 "Example:\n"
	 "  lend --as ticket:1:0001-0000-0001 merge ticket 0002-0000-0001 --library 2\n",
	 7, merge},
	{NULL, "audit", "[--reader ID] [--from TIME] [--to TIME]", "read the security audit log",
	 "The security events (sign-ins, failures, lockouts, methods, passwords,\n"
	 "recovery, activation, sessions, merges), oldest first. Admin; a reader\n"
	 "reads his own.\n"
	 "\n"
	 "Example:\n"
	 "  lend audit --reader 1\n",
	 7, audit},
	{0},
};
