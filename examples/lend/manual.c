/* manual.c — the manual page and shell completion, both made from the same
 * command tables as `lend help`, so that a new command appears in them
 * without an edit here.
 *
 *   lend help --man          the roff source of doc/lend.1
 *   lend __complete WORDS... candidates for the last word (completions/lend)
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "cli.h"

#ifndef LEND_DEMO_CATALOG_INSTALLED
#define LEND_DEMO_CATALOG_INSTALLED "/usr/local/share/liblend/catalog.csv"
#endif

/* ------------------------------------------------------------ the tables */

static size_t ntables(void)
{
	size_t n = 0;
	cli_tables(&n);
	return n;
}

static const struct command *table(size_t i)
{
	size_t n = 0;
	return cli_tables(&n)[i];
}

#define EACH_COMMAND(cmd)                      \
	for (size_t t_ = 0; t_ < ntables(); t_++) \
		for (const struct command *cmd = table(t_); cmd->name; cmd++)

/* A global option of `lend help`: "  --db PATH        the database ...". */
struct gopt {
	char name[32], arg[32];
	const char *about; /* into the help text, up to the end of its line */
	size_t about_len;
};

/* The global options, parsed from the help text; returns how many. */
static int global_opts(struct gopt *v, int max)
{
	int n = 0;
	for (const char *p = cli_global_help(); *p && n < max;) {
		const char *end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		if (strncmp(p, "  --", 4) == 0) {
			struct gopt *g = &v[n++];
			int name_len = 0, arg_len = 0, skip = 0;
			sscanf(p, " %31s%n", g->name, &name_len);
			g->arg[0] = '\0';
			const char *q = p + name_len;
			while (*q == ' ' && q - p - name_len < 2)
				q++;
			if (q - p - name_len == 1 && isupper((unsigned char)*q)) {
				sscanf(q, "%31s%n", g->arg, &arg_len);
				q += arg_len;
			}
			while (*q == ' ')
				q++, skip++;
			g->about = q;
			g->about_len = (size_t)(end - q);
		}
		p = *end ? end + 1 : end;
	}
	return n;
}

/* ------------------------------------------------------------------ roff */

/* Text for roff, in ASCII: backslashes as \e, a '-' that starts a word is a
 * minus (so options copy and paste), other characters as \[uXXXX], and a
 * line never starts with '.' or '\''. */
static void roff(FILE *f, const char *s, size_t len, int line_start)
{
	for (size_t i = 0; i < len && s[i];) {
		char ch = s[i];
		if (line_start && (ch == '.' || ch == '\''))
			fputs("\\&", f);
		line_start = ch == '\n';
		if ((unsigned char)ch >= 0x80) {
			utf8proc_int32_t cp;
			utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
			if (n <= 0) {
				fputs("?", f);
				i++;
			} else {
				fprintf(f, "\\[u%04X]", (unsigned)cp);
				i += (size_t)n;
			}
			continue;
		}
		if (ch == '\\')
			fputs("\\e", f);
		else if (ch == '-' && (i == 0 || !isalnum((unsigned char)s[i - 1])))
			fputs("\\-", f);
		else
			fputc(ch, f);
		i++;
	}
}

static void roff_s(FILE *f, const char *s)
{
	roff(f, s, strlen(s), 1);
}

/* A command's help: paragraphs filled, indented lines (examples) kept. The
 * installed demo catalog's path depends on the build's prefix: the page
 * names it by its place under the prefix, so that it is the same for every
 * build. */
static void roff_help(FILE *f, const char *text, const char *para)
{
	const char *inst = LEND_DEMO_CATALOG_INSTALLED, *generic = "PREFIX/share/liblend/catalog.csv";
	const char *at = strstr(text, inst);
	size_t len = strlen(text) + strlen(generic) + 1;
	char *help = malloc(len);
	if (!help)
		abort();
	if (at)
		snprintf(help, len, "%.*s%s%s", (int)(at - text), text, generic, at + strlen(inst));
	else
		snprintf(help, len, "%s", text);
	int in_example = 0;
	for (const char *p = help; *p;) {
		const char *end = strchr(p, '\n');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		int indented = n >= 2 && p[0] == ' ' && p[1] == ' ';
		if (n == 0) {
			if (in_example)
				fputs(".EE\n", f), in_example = 0;
			fputs(para, f);
		} else {
			if (indented && !in_example)
				fputs(".EX\n", f), in_example = 1;
			else if (!indented && in_example)
				fputs(".EE\n", f), fputs(para, f), in_example = 0;
			roff(f, p, n, 1);
			fputc('\n', f);
		}
		p += n + (end != NULL);
	}
	if (in_example)
		fputs(".EE\n", f);
	free(help);
}

/* What ENVIRONMENT says of each variable; a $LEND_X named in a command's
 * help and missing here is listed after these, pointing at that command. */
static const struct {
	const char *name, *about;
} environment[] = {
	{"LEND_DB", "The database when --db is not given (default ./lend.db)."},
	{"LEND_NOW", "Drive the engine's clock, like --now: UTC seconds since the epoch."},
	{"TZ", "The time zone dates and times are shown in (the reader's; UTC when unset "
	       "and the system has none). JSON output always carries UTC seconds."},
	{"LEND_DEMO_CATALOG", "The catalog CSV that lend demo imports (default: the one installed "
	                      "with lend, or data/demo/catalog.csv of the source tree)."},
	{"LEND_SMTP_FROM", "The sender of notification e-mail when --from is not given."},
	{"LEND_SMTP_RCPT", "The recipient template of notification e-mail when --rcpt is not given; "
	                   "{reader} stands for the reader's id."},
	{"LEND_SMTP_USER", "The SMTP login (never taken from the command line)."},
	{"LEND_SMTP_PASSWORD", "The SMTP password (never taken from the command line)."},
	{"LEND_SMTP_STARTTLS", "1 to insist on STARTTLS on smtp:// URLs, like --starttls."},
	{"LEND_SMTP_CAINFO", "A CA bundle (PEM file) to trust for the SMTP server's certificate."},
};
#define NENV (sizeof environment / sizeof environment[0])

static int env_known(const char *name, size_t len)
{
	for (size_t i = 0; i < NENV; i++)
		if (strlen(environment[i].name) == len && strncmp(environment[i].name, name, len) == 0)
			return 1;
	return 0;
}

/* The $LEND_X variables the command help texts name and the table above
 * does not, each once with the first command naming it. */
static void env_from_help(FILE *f)
{
	char seen[4096] = " ";
	EACH_COMMAND(cmd)
	{
		for (const char *p = cmd->help; (p = strstr(p, "$LEND_")) != NULL;) {
			p++;
			size_t len = 0;
			while (isupper((unsigned char)p[len]) || isdigit((unsigned char)p[len]) || p[len] == '_')
				len++;
			char key[80];
			snprintf(key, sizeof key, " %.*s ", (int)len, p);
			if (!env_known(p, len) && !strstr(seen, key) && strlen(seen) + strlen(key) < sizeof seen) {
				strcat(seen, key + 1);
				char name[64];
				fprintf(f, ".TP\n.B %.*s\nSee\n.BR \"lend %s \\-\\-help\" .\n", (int)len, p,
				        cli_cmd_name(cmd, name, sizeof name));
			}
			p += len;
		}
	}
}

int cli_man(FILE *f)
{
	fputs(".\\\" Made by `lend help --man` from the command tables; do not edit.\n"
	      ".\\\" Remake with: ninja -C build man\n",
	      f);
	fprintf(f, ".TH LEND 1 \"\" \"liblend %s\" \"liblend manual\"\n", LEND_VERSION_STRING);
	fputs(".SH NAME\nlend \\- the liblend lending engine of an online library, from the command line\n", f);

	fputs(".SH SYNOPSIS\n.B lend\n", f);
	const char *u = cli_global_usage();
	if (strncmp(u, "usage: lend ", 12) == 0)
		u += 12;
	roff(f, u, strcspn(u, "\n"), 1);
	fputs("\n.br\n.B lend help\n.RI [ COMMAND ]\n.br\n.B lend\n.I COMMAND\n.B \\-\\-help\n", f);

	fputs(".SH DESCRIPTION\n"
	      ".B lend\n"
	      "runs the liblend lending engine of an online e\\-book and audiobook library on a\n"
	      "database file: libraries lend licensed copies to readers with library cards,\n"
	      "a loan ends by itself after its term, queues hand freed copies on\n"
	      "automatically, and every change is checked against the lending rules.\n"
	      "A refusal by a rule is printed on standard error with its reason in words,\n"
	      "for instance \"refused: self\\-service limit reached (3 of 3); ask the librarian\".\n"
	      ".PP\n"
	      "Tables are aligned by the display width of each character (Cyrillic and wide\n"
	      "characters line up), times are shown in the local time zone\n"
	      ".RB ( TZ ),\n"
	      "money with its currency (\"399.00 RUB\").\n"
	      "With\n"
	      ".B \\-\\-json\n"
	      "every command prints JSON instead, one stable schema per object: times as UTC\n"
	      "seconds, money as {\"minor\": 39900, \"currency\": \"RUB\"}.\n",
	      f);

	/* The global options and the rest of the help's text. */
	struct gopt g[16];
	int ng = global_opts(g, 16);
	fputs(".SH GLOBAL OPTIONS\nThey may stand anywhere on the line.\n", f);
	for (int i = 0; i < ng; i++) {
		fputs(".TP\n\\fB", f);
		roff_s(f, g[i].name);
		fputs("\\fR", f);
		if (g[i].arg[0]) {
			fputs(" \\fI", f);
			roff_s(f, g[i].arg);
			fputs("\\fR", f);
		}
		fputc('\n', f);
		roff(f, g[i].about, g[i].about_len, 1);
		fputs(".\n", f);
	}

	fputs(".SH COMMANDS\n", f);
	size_t nsec = 0;
	const char *const *secs = cli_sections(&nsec);
	for (size_t s = 0; s < nsec; s++) {
		int any = 0;
		EACH_COMMAND(cmd)
		{
			if (cmd->section != (int)s)
				continue;
			if (!any) {
				fputs(".SS ", f);
				roff_s(f, secs[s]);
				fputc('\n', f);
				any = 1;
			}
			char name[64];
			fputs(".TP\n\\fBlend ", f);
			roff_s(f, cli_cmd_name(cmd, name, sizeof name));
			fputs("\\fR", f);
			if (cmd->args[0]) {
				fputc(' ', f);
				roff(f, cmd->args, strlen(cmd->args), 0);
			}
			fputc('\n', f);
			roff_help(f, cmd->help, ".IP\n");
		}
	}

	/* "Exit codes: ..." paragraph of the help, as it stands there. */
	fputs(".SH EXIT STATUS\n", f);
	const char *x = strstr(cli_global_help(), "Exit codes:");
	if (x) {
		x += strlen("Exit codes:");
		while (*x == ' ')
			x++;
		const char *end = strstr(x, "\n\n");
		roff(f, x, end ? (size_t)(end - x) : strlen(x), 1);
		fputc('\n', f);
	}

	fputs(".SH ENVIRONMENT\n", f);
	for (size_t i = 0; i < NENV; i++) {
		fprintf(f, ".TP\n.B %s\n", environment[i].name);
		roff_s(f, environment[i].about);
		fputc('\n', f);
	}
	env_from_help(f);

	fputs(".SH FILES\n"
	      ".TP\n.I ./lend.db\n"
	      "The default database (an SQLite file), made by\n.BR \"lend init\" .\n"
	      ".TP\n.I ./lend\\-demo.db\n"
	      "The database\n.B lend demo\nmakes afresh on each run.\n"
	      ".TP\n.I share/liblend/catalog.csv\n"
	      "Under the installation prefix: the demo catalog, made from public\\-domain records.\n",
	      f);

	static const char examples[] =
		"A library, a reader with a card, a book with one copy, a loan, and the day\n"
		"it ends by itself:\n"
		"\n"
		"  lend init\n"
		"  lend library add \"Городская библиотека\"\n"
		"  lend budget top-up 1 1500.00\n"
		"  lend reader add \"Иван Петров\" --born 1987-04-12\n"
		"  lend ticket issue 1 1\n"
		"  lend book add \"Вишнёвый сад\" --author \"Антон Чехов\" --price 199.00\n"
		"  lend fund add 1 1 1\n"
		"  lend --as reader:1 take 1 1\n"
		"  lend --now $(date -d 2026-04-01 +%s) tick --to maildir:./mail\n"
		"  lend --json loans 1\n"
		"\n"
		"From cron, every ten minutes, with e-mail through a submission server:\n"
		"\n"
		"  LEND_SMTP_USER=lib LEND_SMTP_PASSWORD=secret LEND_DB=/var/lib/lend/lend.db \\\n"
		"    lend tick --smtp smtp://mail.example.org:587 --starttls --from library@example.org\n"
		"\n"
		"The story of the reader's manual, told on ./lend-demo.db:\n"
		"\n"
		"  lend demo\n";
	fputs(".SH EXAMPLES\n", f);
	roff_help(f, examples, ".PP\n");

	fputs(".SH SEE ALSO\n"
	      ".BR sqlite3 (1),\n"
	      "the guides in the\n.I doc/\nfolder of liblend (embedding, statuses and reasons, the\n"
	      "rules as implemented, the JSON output of the CLI).\n",
	      f);
	return EXIT_OK;
}

/* ------------------------------------------------------------ completion */

struct cands {
	FILE *f;
	const char *cur;
	char seen[8192];
};

/* Offer s (len bytes) when it starts with the current word, once. */
static void cand(struct cands *c, const char *s, size_t len)
{
	size_t cl = strlen(c->cur);
	char key[128];
	if (len == 0 || cl > len || strncmp(s, c->cur, cl) != 0 || len + 3 > sizeof key)
		return;
	/* seen is "\nword\nword\n...": a word is there when "\nword\n" is */
	snprintf(key, sizeof key, "\n%.*s\n", (int)len, s);
	if (strstr(c->seen, key) || strlen(c->seen) + len + 2 >= sizeof c->seen)
		return;
	strcat(c->seen, key + 1);
	fprintf(c->f, "%.*s\n", (int)len, s);
}

static void cand_s(struct cands *c, const char *s)
{
	cand(c, s, strlen(s));
}

/* The next token of an args string, brackets and "..." stripped; *closes
 * tells whether it ended an optional group (a flag: "[--active]"). */
static const char *next_token(const char *p, char *buf, size_t len, int *closes)
{
	while (*p == ' ')
		p++;
	if (!*p)
		return NULL;
	size_t n = strcspn(p, " ");
	const char *s = p, *e = p + n;
	while (s < e && *s == '[')
		s++;
	*closes = 0;
	while (e > s && (e[-1] == ']' || e[-1] == '.')) {
		*closes |= e[-1] == ']';
		e--;
	}
	snprintf(buf, len, "%.*s", (int)(e - s), s);
	return p + n;
}

/* The value an option of cmd takes ("ebook|audiobook", "FILE"), "" for a
 * flag, NULL when cmd has no such option. */
static const char *option_value(const struct command *cmd, const char *opt, char *buf, size_t len)
{
	char tok[128];
	int closes = 0;
	for (const char *p = cmd->args; (p = next_token(p, tok, sizeof tok, &closes)) != NULL;) {
		if (strcmp(tok, opt) != 0)
			continue;
		buf[0] = '\0';
		int c2 = 0;
		if (!closes && next_token(p, buf, len, &c2) && buf[0] == '-')
			buf[0] = '\0';
		return buf;
	}
	return NULL;
}

/* A value placeholder: its alternatives ("stdout|maildir:DIR|none" gives
 * stdout, maildir: and none), or @files for a file or folder. */
static void value_cands(struct cands *c, const char *value)
{
	if (strstr(value, "FILE") || strstr(value, "PATH") || strstr(value, "DIR") == value) {
		fputs("@files\n", c->f);
		return;
	}
	for (const char *p = value; *p;) {
		size_t n = strcspn(p, "|");
		size_t lower = 0;
		while (lower < n && !isupper((unsigned char)p[lower]))
			lower++;
		if (lower)
			cand(c, p, lower);
		p += n + (p[n] == '|');
	}
}

/* The placeholder of cmd's positional argument number k ("FILE.csv",
 * "SETTING"), or NULL (what is then "") past the last. */
static const char *positional(const struct command *cmd, int k, char *what, size_t len)
{
	char tok[128], next[128];
	int closes = 0, n = 0;
	what[0] = '\0';
	for (const char *p = cmd->args; (p = next_token(p, tok, sizeof tok, &closes)) != NULL;) {
		if (tok[0] == '-') {
			int c2 = 0;
			const char *q = closes ? NULL : next_token(p, next, sizeof next, &c2);
			if (q && next[0] != '-')
				p = q; /* the option's value */
			continue;
		}
		if (n++ == k) {
			snprintf(what, len, "%s", tok);
			return what;
		}
	}
	return NULL;
}

static void command_words(struct cands *c, const char *group)
{
	EACH_COMMAND(cmd)
	{
		if (group && (!cmd->group || strcmp(cmd->group, group) != 0))
			continue;
		cand_s(c, group || !cmd->group ? cmd->name : cmd->group);
	}
	if (!group)
		cand_s(c, "help");
}

int cli_complete(int nwords, char **words, FILE *f)
{
	struct cands c;
	c.f = f;
	c.cur = nwords > 0 ? words[nwords - 1] : "";
	strcpy(c.seen, "\n");
	struct gopt g[16];
	int ng = global_opts(g, 16);

	const char *group = NULL;
	const struct command *cmd = NULL;
	int help = 0, dashdash = 0, npos = 0;
	const char *pending = NULL; /* an option whose value is the current word */
	char value[128];
	for (int i = 0; i < nwords - 1; i++) {
		const char *w = words[i];
		pending = NULL;
		if (!dashdash && strcmp(w, "--") == 0) {
			dashdash = 1;
			continue;
		}
		if (!dashdash && w[0] == '-') {
			if (strchr(w, '='))
				continue;
			const char *takes = NULL;
			for (int k = 0; k < ng && !takes; k++)
				if (strcmp(w, g[k].name) == 0 && g[k].arg[0])
					takes = g[k].arg;
			if (!takes && cmd && option_value(cmd, w, value, sizeof value) && value[0])
				takes = value;
			if (takes && i + 1 == nwords - 1)
				pending = takes; /* the current word is its value */
			else if (takes)
				i++; /* skip its value */
			continue;
		}
		if (cmd) {
			npos++; /* a positional argument */
			continue;
		}
		if (help) {
			if (!group && cli_group_exists(w))
				group = w;
			continue;
		}
		if (group) {
			cmd = cli_find(group, w);
			if (!cmd)
				return EXIT_OK; /* not a command: nothing to offer */
		} else if (strcmp(w, "help") == 0) {
			help = 1;
		} else if (cli_group_exists(w)) {
			group = w;
		} else if (!(cmd = cli_find(NULL, w))) {
			return EXIT_OK;
		}
	}

	if (pending) {
		if (strcmp(pending, "WHO") == 0) {
			cand_s(&c, "admin");
			cand_s(&c, "reader:");
			cand_s(&c, "librarian:");
		} else {
			value_cands(&c, pending);
		}
	} else if (c.cur[0] == '-' && !dashdash) {
		for (int k = 0; k < ng; k++)
			if (strcmp(g[k].name, "--version") != 0 || (!cmd && !group))
				cand_s(&c, g[k].name);
		cand_s(&c, "--help");
		char tok[128];
		int closes = 0;
		for (const char *p = cmd ? cmd->args : ""; (p = next_token(p, tok, sizeof tok, &closes)) != NULL;)
			for (const char *alt = tok; *alt;) { /* "--lendable|--not-lendable", "STARS|--remove" */
				size_t n = strcspn(alt, "|");
				if (alt[0] == '-' && alt[1] == '-')
					cand(&c, alt, n);
				alt += n + (alt[n] == '|');
			}
	} else if (help) {
		command_words(&c, group);
	} else if (!cmd) {
		command_words(&c, group);
	} else {
		char what[128];
		if (positional(cmd, npos, what, sizeof what) && strcmp(what, "SETTING") == 0) {
			for (int i = 0; i < setting_count; i++)
				cand_s(&c, setting_names[i].name);
		} else if (what[0]) {
			value_cands(&c, what);
		}
	}
	return EXIT_OK;
}
