/* main.c — `lend`: global options, dispatch, help and error reporting. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lend/sys/notifier.h>

#include "cli.h"

static const struct command *const tables[] = {
	cmds_admin, cmds_demo, cmds_library, cmds_reader, cmds_book, cmds_fund, cmds_circ,
	/* -- the librarian's desk */
	cmds_desk,
	/* -- accounts and sign-in */
	cmds_accounts,
	/* -- the reader's shelf */
	cmds_shelf,
	/* -- the catalog */
	cmds_catalog,
	/* -- search */
	cmds_search,
};
#define NTABLES (sizeof tables / sizeof tables[0])

static const char *const sections[] = {
	"Start",
	"Libraries (admin, or a librarian of the library)",
	"Readers and library cards",
	"Catalog and fund",
	"Lending and queues",
	"Upkeep and notifications",
	/* Sections of the areas, numbered on: 6 the librarian's desk, 7 accounts
	 * and sign-in, 8 the reader's shelf, 9 search and the catalog. */
	"The librarian's desk",
	"Accounts and sign-in",
	"The reader's shelf",
	"Search and the catalog",
};
#define NSECTIONS (sizeof sections / sizeof sections[0])

static const char global_usage[] = "usage: lend [--db PATH] [--json] [--as WHO] [--now SECONDS] COMMAND [ARGS]\n";

static const char global_help[] =
	"Global options (anywhere on the line):\n"
	"  --db PATH        the database (default: $LEND_DB, else ./lend.db)\n"
	"  --json           print results as JSON, one stable schema per object\n"
	"  --as WHO         act as admin (default), reader:ID or librarian:ID\n"
	"  --now SECONDS    drive the clock: UTC seconds since the epoch (or $LEND_NOW)\n"
	"  --version        print the version and exit\n"
	"\n"
	"Exit codes: 0 ok, 1 other error, 2 usage error, 3 refused by a lending rule,\n"
	"4 not found, 5 not permitted, 6 storage failure or busy.\n"
	"\n"
	"Run 'lend COMMAND --help' for a command's usage and an example.\n";

/* The tables, for the manual and completion (manual.c). */
const struct command *const *cli_tables(size_t *n)
{
	*n = NTABLES;
	return tables;
}

const char *const *cli_sections(size_t *n)
{
	*n = NSECTIONS;
	return sections;
}

const char *cli_global_usage(void)
{
	return global_usage;
}

const char *cli_global_help(void)
{
	return global_help;
}

/* ------------------------------------------------------------ helpers */

const char *cli_cmd_name(const struct command *cmd, char *buf, size_t len)
{
	if (cmd->group)
		snprintf(buf, len, "%s %s", cmd->group, cmd->name);
	else
		snprintf(buf, len, "%s", cmd->name);
	return buf;
}

void cli_print_help(FILE *f, const struct command *cmd)
{
	char name[64];
	fprintf(f, "usage: lend %s%s%s\n\n%s", cli_cmd_name(cmd, name, sizeof name), cmd->args[0] ? " " : "",
	        cmd->args, cmd->help);
	if (cmd->help[0] && cmd->help[strlen(cmd->help) - 1] != '\n')
		fputc('\n', f);
}

int cli_error(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("lend: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return code;
}

int cli_usage_error(const struct cli *c, const char *fmt, ...)
{
	char name[80] = "lend";
	va_list ap;
	va_start(ap, fmt);
	if (c && c->cmd) {
		char n[64];
		snprintf(name, sizeof name, "lend %s", cli_cmd_name(c->cmd, n, sizeof n));
	}
	fprintf(stderr, "%s: ", name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	if (c && c->cmd) {
		char n[64];
		fprintf(stderr, "usage: lend %s%s%s\n", cli_cmd_name(c->cmd, n, sizeof n), c->cmd->args[0] ? " " : "",
		        c->cmd->args);
	}
	return EXIT_USAGE;
}

static int exit_code_of(int rc)
{
	switch (rc) {
	case LEND_OK: return EXIT_OK;
	case LEND_EDENIED: return EXIT_REFUSED;
	case LEND_ENOTFOUND: return EXIT_NOTFOUND;
	case LEND_EPERM:
	case LEND_EAUTH: return EXIT_PERM;
	case LEND_EBUSY:
	case LEND_ESTORAGE: return EXIT_STORAGE;
	case LEND_EINVAL: return EXIT_USAGE;
	default: return EXIT_OTHER;
	}
}

const char *cli_error_text(struct cli *c, int rc, char *buf, size_t len)
{
	const char *msg = c->e ? lend_engine_errmsg(c->e) : "";
	const char *what = lend_strerror(rc);
	if (!msg || !*msg)
		msg = what;
	if (rc == LEND_EDENIED) {
		int reason = c->e ? lend_engine_reason(c->e) : LEND_REASON_NONE;
		const char *words = lend_reason_string(reason);
		if (strncmp(msg, "refused: ", 9) == 0)
			msg += 9;
		if (reason == LEND_REASON_NONE || strncmp(msg, words, strlen(words)) == 0)
			snprintf(buf, len, "refused: %s", msg);
		else
			snprintf(buf, len, "refused: %s (%s)", msg, words);
	} else if (strstr(msg, what)) {
		snprintf(buf, len, "%s", msg);
	} else {
		snprintf(buf, len, "%s (%s)", msg, what);
	}
	return buf;
}

int cli_fail(struct cli *c, int rc)
{
	char buf[1024];
	fprintf(stderr, "lend: %s\n", cli_error_text(c, rc, buf, sizeof buf));
	return exit_code_of(rc);
}

int64_t cli_clock(void *userdata)
{
	const struct cli *c = userdata;
	return c->now;
}

static int open_actor(struct cli *c)
{
	const char *as = c->as ? c->as : "admin";
	int rc;
	int64_t id = 0;
	if (strcmp(as, "admin") == 0) {
		rc = lend_actor_admin(c->e, &c->a);
	} else if (strncmp(as, "reader:", 7) == 0 || strncmp(as, "librarian:", 10) == 0) {
		int reader = as[0] == 'r';
		const char *num = strchr(as, ':') + 1;
		char *end = NULL;
		errno = 0;
		long long v = strtoll(num, &end, 10);
		if (errno || end == num || *end || v <= 0)
			return cli_error(EXIT_USAGE, "--as %s: expected admin, reader:ID or librarian:ID", as);
		id = v;
		rc = reader ? lend_actor_reader(c->e, id, &c->a) : lend_actor_librarian(c->e, id, &c->a);
	} else if (strncmp(as, "ticket:", 7) == 0 || strncmp(as, "email:", 6) == 0 || strncmp(as, "phone:", 6) == 0) {
		return cli_sign_in(c, as); /* accounts and sign-in */
	} else {
		return cli_error(EXIT_USAGE, "--as %s: expected admin, reader:ID or librarian:ID", as);
	}
	if (rc != LEND_OK) {
		char buf[1024];
		fprintf(stderr, "lend: --as %s: %s\n", as, cli_error_text(c, rc, buf, sizeof buf));
		return exit_code_of(rc);
	}
	return CLI_GO;
}

int cli_open(struct cli *c, const lend_notifier *notifier, int must_exist)
{
	/* The engine owns the notifier's userdata once the open starts. */
	if (must_exist && access(c->db, F_OK) != 0) {
		if (notifier && notifier->free)
			notifier->free(notifier->userdata);
		return cli_error(EXIT_OTHER, "no database at '%s' (create one with 'lend init', or name one with --db)",
		                 c->db);
	}
	lend_options *o = NULL;
	if (lend_options_new(&o) != LEND_OK) {
		if (notifier && notifier->free)
			notifier->free(notifier->userdata);
		return cli_error(EXIT_OTHER, "out of memory");
	}
	if (c->has_now)
		lend_options_set_clock(o, cli_clock, c);
	if (notifier)
		lend_options_set_notifier(o, notifier);
	int rc = lend_engine_open(&c->e, c->db, o);
	lend_options_free(o);
	if (rc != LEND_OK) {
		if (!c->e)
			return cli_error(EXIT_OTHER, "out of memory");
		return cli_fail(c, rc);
	}
	return open_actor(c);
}

/* ---------------------------------------------------------------- help */

static void print_overview(FILE *f)
{
	fputs(global_usage, f);
	fputs("\nlend runs the liblend lending engine of an online e-book and audiobook library:\n"
	      "libraries lend licensed copies to readers with library cards, queues hand freed\n"
	      "copies on automatically, and every change is checked against the lending rules.\n",
	      f);
	for (size_t s = 0; s < NSECTIONS; s++) {
		int any = 0; /* a section without commands yet is left out */
		for (size_t t = 0; t < NTABLES; t++)
			for (const struct command *cmd = tables[t]; cmd->name; cmd++) {
				if (cmd->section != (int)s)
					continue;
				if (!any++)
					fprintf(f, "\n%s\n", sections[s]);
				char name[64];
				cli_cmd_name(cmd, name, sizeof name);
				int w = (int)strlen(name);
				fprintf(f, "   %s%*s%s\n", name, w < 18 ? 18 - w : 1, "", cmd->summary);
			}
	}
	fputc('\n', f);
	fputs(global_help, f);
}

int cli_group_exists(const char *group)
{
	for (size_t t = 0; t < NTABLES; t++)
		for (const struct command *cmd = tables[t]; cmd->name; cmd++)
			if (cmd->group && strcmp(cmd->group, group) == 0)
				return 1;
	return 0;
}

static void print_group(FILE *f, const char *group)
{
	fprintf(f, "usage: lend %s <command> [ARGS]\n\n", group);
	for (size_t t = 0; t < NTABLES; t++)
		for (const struct command *cmd = tables[t]; cmd->name; cmd++)
			if (cmd->group && strcmp(cmd->group, group) == 0) {
				char name[64];
				cli_cmd_name(cmd, name, sizeof name);
				fprintf(f, "   lend %s%s%s\n", name, cmd->args[0] ? " " : "", cmd->args);
				fprintf(f, "        %s\n", cmd->summary);
			}
	fprintf(f, "\nRun 'lend %s COMMAND --help' for details and an example.\n", group);
}

const struct command *cli_find(const char *group, const char *name)
{
	for (size_t t = 0; t < NTABLES; t++)
		for (const struct command *cmd = tables[t]; cmd->name; cmd++) {
			if ((group == NULL) != (cmd->group == NULL))
				continue;
			if (group && strcmp(cmd->group, group) != 0)
				continue;
			if (strcmp(cmd->name, name) == 0)
				return cmd;
		}
	return NULL;
}

/* `lend help [COMMAND...]` */
static int help(int argc, char **argv)
{
	if (argc < 1) {
		print_overview(stdout);
		return EXIT_OK;
	}
	if (cli_group_exists(argv[0])) {
		if (argc < 2) {
			print_group(stdout, argv[0]);
			return EXIT_OK;
		}
		const struct command *cmd = cli_find(argv[0], argv[1]);
		if (!cmd)
			return cli_error(EXIT_USAGE, "'%s %s' is not a lend command. See 'lend help %s'.", argv[0], argv[1],
			                 argv[0]);
		cli_print_help(stdout, cmd);
		return EXIT_OK;
	}
	const struct command *cmd = cli_find(NULL, argv[0]);
	if (!cmd)
		return cli_error(EXIT_USAGE, "'%s' is not a lend command. See 'lend help'.", argv[0]);
	cli_print_help(stdout, cmd);
	return EXIT_OK;
}

/* ---------------------------------------------------------------- main */

static int parse_now(struct cli *c, const char *text, const char *from)
{
	char *end = NULL;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno || end == text || *end || v < 0)
		return cli_error(EXIT_USAGE, "%s '%s': expected UTC seconds since the epoch", from, text);
	c->now = v;
	c->has_now = 1;
	return CLI_GO;
}

int main(int argc, char **argv)
{
	struct cli c;
	memset(&c, 0, sizeof c);
	/* Hidden: the words of a command line being completed (completions/lend). */
	if (argc >= 2 && strcmp(argv[1], "__complete") == 0)
		return cli_complete(argc - 2, argv + 2, stdout);
	c.db = getenv("LEND_DB");
	if (!c.db || !*c.db)
		c.db = "./lend.db";
	const char *env_now = getenv("LEND_NOW");
	if (env_now && *env_now && parse_now(&c, env_now, "LEND_NOW") != CLI_GO)
		return EXIT_USAGE;

	/* Take the global options out of argv, wherever they stand. */
	char **rest = calloc((size_t)argc + 1, sizeof *rest);
	if (!rest)
		return cli_error(EXIT_OTHER, "out of memory");
	int n = 0, dashdash = 0, rc = CLI_GO;
	for (int i = 1; i < argc && rc == CLI_GO; i++) {
		const char *a = argv[i];
		if (dashdash || strncmp(a, "--", 2) != 0) {
			rest[n++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			dashdash = 1;
			rest[n++] = argv[i];
			continue;
		}
		const char *names[] = {"--db", "--as", "--now"};
		int matched = 0;
		for (int k = 0; k < 3 && !matched; k++) {
			size_t len = strlen(names[k]);
			if (strncmp(a, names[k], len) != 0 || (a[len] != '\0' && a[len] != '='))
				continue;
			matched = 1;
			const char *v = a[len] == '=' ? a + len + 1 : NULL;
			if (!v) {
				if (i + 1 >= argc) {
					rc = cli_error(EXIT_USAGE, "option '%s' needs a value", names[k]);
					break;
				}
				v = argv[++i];
			}
			if (k == 0) {
				c.db = v;
				c.db_given = 1;
			} else if (k == 1) {
				c.as = v;
			} else {
				rc = parse_now(&c, v, "--now");
			}
		}
		if (matched)
			continue;
		if (strcmp(a, "--json") == 0)
			c.json = 1;
		else if (strcmp(a, "--version") == 0 && n == 0) {
			printf("lend %s (liblend %s)\n", LEND_VERSION_STRING, lend_version_string());
			rc = EXIT_OK;
		} else if (strcmp(a, "--help") == 0 && n == 0) {
			print_overview(stdout);
			rc = EXIT_OK;
		} else
			rest[n++] = argv[i];
	}
	if (rc == CLI_GO && !*c.db)
		rc = cli_error(EXIT_USAGE, "--db: the path is empty");
	if (rc != CLI_GO) {
		free(rest);
		return rc;
	}

	if (n == 0) {
		print_overview(stderr);
		free(rest);
		return EXIT_USAGE;
	}
	const char *word = rest[0];
	if (strcmp(word, "help") == 0 && n == 2 && strcmp(rest[1], "--man") == 0) {
		rc = cli_man(stdout); /* hidden: the manual page doc/lend.1 in roff */
	} else if (strcmp(word, "help") == 0) {
		rc = help(n - 1, rest + 1);
	} else if (strcmp(word, "version") == 0) {
		printf("lend %s (liblend %s)\n", LEND_VERSION_STRING, lend_version_string());
		rc = EXIT_OK;
	} else if (cli_group_exists(word)) {
		if (n < 2 || rest[1][0] == '-') {
			int asked = n >= 2 && (strcmp(rest[1], "--help") == 0 || strcmp(rest[1], "-h") == 0);
			print_group(asked ? stdout : stderr, word);
			rc = asked ? EXIT_OK : EXIT_USAGE;
		} else if (!(c.cmd = cli_find(word, rest[1]))) {
			rc = cli_error(EXIT_USAGE, "'%s %s' is not a lend command. See 'lend help %s'.", word, rest[1], word);
		} else {
			rc = c.cmd->fn(&c, n - 1, rest + 1);
		}
	} else if ((c.cmd = cli_find(NULL, word))) {
		rc = c.cmd->fn(&c, n, rest);
	} else {
		rc = cli_error(EXIT_USAGE, "'%s' is not a lend command. See 'lend help'.", word);
	}
	lend_actor_free(c.a);
	lend_engine_close(c.e);
	free(rest);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "lend: write error: %s\n", strerror(errno));
		return rc ? rc : EXIT_OTHER;
	}
	return rc;
}
