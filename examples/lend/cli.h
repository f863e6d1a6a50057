/* cli.h — what the parts of the `lend` command-line program share.
 *
 * The program uses only the public API (lend.h and lend/sys/notifier.h). */
#ifndef LEND_CLI_H
#define LEND_CLI_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <lend.h>

/* Exit codes (documented in `lend help`). */
enum {
	EXIT_OK = 0,
	EXIT_OTHER = 1,
	EXIT_USAGE = 2,
	EXIT_REFUSED = 3,  /* LEND_EDENIED */
	EXIT_NOTFOUND = 4, /* LEND_ENOTFOUND */
	EXIT_PERM = 5,     /* LEND_EPERM, LEND_EAUTH */
	EXIT_STORAGE = 6   /* LEND_ESTORAGE, LEND_EBUSY */
};

/* "Keep going": returned by helpers that did not end the command. */
#define CLI_GO (-1)

struct command;

/* The state of one run: global options, the engine and the actor. */
struct cli {
	const char *db;       /* --db, $LEND_DB or ./lend.db */
	int db_given;         /* --db was on the command line */
	int json;             /* --json */
	const char *as;       /* --as admin|reader:ID|librarian:ID */
	int has_now;          /* --now or $LEND_NOW given */
	int64_t now;          /* the clock's value when has_now */
	const struct command *cmd;
	lend_engine *e;
	lend_actor *a;
};

typedef int (*command_fn)(struct cli *c, int argc, char **argv);

struct command {
	const char *group;   /* "library", or NULL for a top-level command */
	const char *name;    /* "add", or the top-level command's name */
	const char *args;    /* "NAME [--currency CODE] [--address TEXT]" */
	const char *summary; /* one line for `lend help` */
	const char *help;    /* the description and an example for --help */
	int section;         /* where `lend help` lists it */
	command_fn fn;
};

extern const struct command cmds_library[], cmds_reader[], cmds_book[], cmds_fund[], cmds_circ[], cmds_admin[],
	cmds_demo[];
/* -- the librarian's desk */
extern const struct command cmds_desk[];
/* -- accounts and sign-in */
extern const struct command cmds_accounts[];
/* --as ticket:LIBRARY:NUMBER, email:ADDRESS or phone:NUMBER: sign in (the
 * password from $LEND_PASSWORD or the terminal) and act as that reader.
 * Returns CLI_GO or an exit code. */
int cli_sign_in(struct cli *c, const char *as);
/* -- the reader's shelf */
extern const struct command cmds_shelf[];
/* -- the catalog */
extern const struct command cmds_catalog[];
/* What `lend book show` adds: the catalog's metadata and the rating. */
void catalog_show_book(struct cli *c, const lend_book *b);
/* cmd_book.c: what `lend book show` prints before the catalog's lines. */
void show_book(const lend_book *b);
void catalog_json_book(struct cli *c, json_t *j, const lend_book *b);
/* -- search */
extern const struct command cmds_search[];

/* ---------------------------------------------------------- main.c */

/* The engine's clock for --now / $LEND_NOW (userdata: struct cli *). */
int64_t cli_clock(void *userdata);
/* Open the engine on c->db (notifier may be NULL), then the actor. With
 * must_exist, a missing database file is an error. Returns CLI_GO or an exit
 * code (after printing why). */
int cli_open(struct cli *c, const lend_notifier *notifier, int must_exist);
#define CLI_OPEN(c)                                  \
	do {                                             \
		int open_rc_ = cli_open((c), NULL, 1);       \
		if (open_rc_ != CLI_GO)                      \
			return open_rc_;                         \
	} while (0)
/* Parse command arguments; return from the command unless it should go on. */
#define CLI_ARGS(c, argc, argv, opts, pos, npos, min, max)                                                \
	do {                                                                                              \
		int args_rc_ = args_parse((c), (argc), (argv), (opts), (int)(sizeof(opts) / sizeof((opts)[0])), \
		                          &(pos), &(npos), (min), (max));                                       \
		if (args_rc_ != CLI_GO)                                                                       \
			return args_rc_;                                                                          \
	} while (0)
/* The engine's last error (after status rc) in words, as cli_fail prints it
 * after "lend: ": "refused: <message> (<reason>)" for a refusal. */
const char *cli_error_text(struct cli *c, int rc, char *buf, size_t len);
/* Report the engine's last error (after status rc) on stderr; return the exit code. */
int cli_fail(struct cli *c, int rc);
/* "lend take: <message>" on stderr, and the exit code for a usage error. */
int cli_usage_error(const struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A plain error "lend: ..." on stderr; returns code. */
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The command's full name, e.g. "library add". */
const char *cli_cmd_name(const struct command *cmd, char *buf, size_t len);
/* Print the usage and help of a command. */
void cli_print_help(FILE *f, const struct command *cmd);
/* Every command table, the names of the help sections, and the text of the
 * global options, for the manual page and completion. */
const struct command *const *cli_tables(size_t *n);
const char *const *cli_sections(size_t *n);
const char *cli_global_usage(void);
const char *cli_global_help(void);
/* Whether a group ("library") has commands; a command by group (NULL for a
 * top-level one) and name, or NULL. */
int cli_group_exists(const char *group);
const struct command *cli_find(const char *group, const char *name);

/* -------------------------------------------------------- manual.c */

/* `lend help --man`: the manual page (doc/lend.1) in roff; returns 0. */
int cli_man(FILE *f);
/* `lend __complete WORD... CURRENT`: the candidates for CURRENT, one a line;
 * "@files" when a file name is expected. Returns 0. */
int cli_complete(int nwords, char **words, FILE *f);

/* ---------------------------------------------------------- args.c */

#define OPT_MAX_VALUES 64

struct opt {
	const char *name;  /* "--kind" */
	int takes_value;   /* 0: a flag */
	int multi;         /* may repeat (values collect) */
	int seen;          /* how many times given */
	const char *value; /* the last value */
	const char *values[OPT_MAX_VALUES];
};

/* Split argv (argv[0] is the command word) into options and positionals.
 * Handles --help, --name VALUE, --name=VALUE and "--". Returns CLI_GO, or an
 * exit code when it printed help (0) or a usage error (2). */
int args_parse(struct cli *c, int argc, char **argv, struct opt *opts, int nopts, char ***pos, int *npos,
               int min_pos, int max_pos);

/* Each returns 0, or prints a usage error and returns EXIT_USAGE. */
int arg_id(const struct cli *c, const char *what, const char *text, int64_t *out);
int arg_int(const struct cli *c, const char *what, const char *text, long long min, long long max, long long *out);
int arg_money(const struct cli *c, const char *what, const char *text, int64_t *out);
int arg_kind(const struct cli *c, const char *text, int *out, int allow_any);
/* YYYY-MM-DD or "YYYY-MM-DD HH:MM" in the local time zone ($TZ), the same
 * ending in Z or " UTC" for UTC, or @UNIX_SECONDS. */
int arg_time(const struct cli *c, const char *what, const char *text, int64_t *out);
int arg_date(const struct cli *c, const char *what, const char *text, int *y, int *m, int *d);

/* Policy settings by name. */
struct setting_name {
	const char *name;
	int setting;
	int money; /* the value is an amount of money */
	const char *about;
};
extern const struct setting_name setting_names[];
extern const int setting_count;
const struct setting_name *setting_by_name(const char *name);
const struct setting_name *setting_by_id(int setting);
/* Parse a policy value: a number, "unlimited" (-1), a price for money
 * settings, on/off for renewals. *clear is set for "default". */
int arg_setting_value(const struct cli *c, const struct setting_name *s, const char *text, int64_t *value,
                      int *clear);

/* ----------------------------------------------------------- out.c */

/* The display width of UTF-8 text (East Asian wide = 2, combining = 0). */
int u8_width(const char *s);

#define TIME_BUF 32
#define MONEY_BUF 48
/* In the local time zone ($TZ): "2026-03-02 13:00 MSK", or "-" for 0. */
const char *fmt_time(char *buf, int64_t t);
/* "2026-03-02", or "-" for 0. */
const char *fmt_day(char *buf, int64_t t);
/* "399.00 RUB". */
const char *fmt_money(char *buf, int64_t amount, const char *currency);
/* "unlimited" or the number; a price for money settings. */
const char *fmt_setting(char *buf, size_t len, const struct setting_name *s, int64_t value, const char *currency);
const char *kind_name(int kind);
const char *verdict_name(int verdict);
const char *origin_name(int origin);
const char *end_name(int end);
const char *hold_state_name(int state);
/* A reason's stable identifier ("self_service_limit"); NULL for none. */
const char *request_state_name(int state); /* lend_request_state */
const char *reason_id(int reason);   /* NULL: none, or not a reason of lend.h */
const char *reason_name(int reason); /* reason_id, else "unknown"; NULL for none */
/* "Лев Толстой, Иван Тургенев" into buf. */
const char *book_authors(const lend_book *b, char *buf, size_t len);

/* Tables aligned by display width. */
struct table;
/* heads: "ID", "TITLE", ... A head starting with '>' is right-aligned. */
struct table *table_new(int ncols, const char *const *heads);
/* Cap a column's width (display columns); longer text ends with "…". */
void table_cap(struct table *t, int col, int width);
void table_row(struct table *t, ...); /* ncols const char * */
void table_print(struct table *t, FILE *f);
void table_free(struct table *t);

/* "key:   value" lines with the keys aligned. */
void kv(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* JSON: one stable schema per object. */
json_t *json_time(int64_t t);
json_t *json_money(int64_t amount, const char *currency);
json_t *json_library(const lend_library *l);
json_t *json_reader(const lend_reader *r);
json_t *json_ticket(const lend_ticket *t);
json_t *json_book(const lend_book *b);
json_t *json_fund(const lend_fund *f);
json_t *json_loan(const lend_loan *l);
json_t *json_hold(const lend_hold *h);
json_t *json_availability(const lend_availability *v, int64_t ticket_id, int64_t book_id);
json_t *json_notification(const lend_notification *n);
/* Print to stdout (indented, UTF-8) and release. */
void json_out(json_t *j);

/* --------------------------------------------------------- names.c */

/* Names of things for tables and messages, looked up through the engine and
 * cached; "#ID" when the actor may not see them. */
struct names;
struct names *names_new(lend_engine *e, const lend_actor *a);
void names_free(struct names *n);
const char *names_book(struct names *n, int64_t id);
const char *names_library(struct names *n, int64_t id);
const char *names_reader(struct names *n, int64_t id);

/* -------------------------------------------------------- notify.c */

/* The notifiers `lend deliver` and `lend tick` hand the outbox to.
 * to: "stdout", "maildir:DIR", "smtp://HOST[:PORT]", "smtps://HOST[:PORT]" or
 * "none" (see notify_smtp). The notifier looks names up through
 * a second engine on db_path (a notifier must not call back into its own).
 * With json, the stdout notifier collects the notifications instead of
 * printing them; notify_json() takes that array. Returns 0, or EXIT_USAGE
 * after printing why for a bad `to`. */
struct notify;
int notify_new(struct cli *c, const char *to, int json, struct notify **out);
/* Fill a lend_notifier whose userdata is n; the engine frees n when it closes
 * (set n to NULL after opening). */
void notify_bind(struct notify *n, lend_notifier *nt);
/* Borrowed: the notifications delivered so far as a JSON array. */
json_t *notify_json(struct notify *n);
int notify_failures(const struct notify *n);
/* The demo's stdout notifier: no uuid, an indent; brief: the first sentence
 * of each text, without the library's name after it. */
void notify_set_style(struct notify *n, const char *indent, int show_uuid, int brief);
/* For an smtp:// or smtps:// `to`: the sender (else $LEND_SMTP_FROM), the
 * recipient template with {reader} for the reader's id (else
 * $LEND_SMTP_RCPT, else reader-{reader}@lend.invalid), STARTTLS (also
 * $LEND_SMTP_STARTTLS=1); login from $LEND_SMTP_USER / $LEND_SMTP_PASSWORD,
 * CA bundle from $LEND_SMTP_CAINFO. For another `to`, any of them is a usage
 * error. Returns 0 or EXIT_USAGE after printing why. */
int notify_smtp(struct cli *c, struct notify *n, const char *from, const char *rcpt, int starttls);

/* ---------------------------------------------------------- smtp.c */

struct smtp_conf {
	const char *url, *from, *user, *password, *cainfo;
	int starttls;
};
struct smtp;
/* Each returns 0, or -1 with a short reason in err. */
int smtp_new(const struct smtp_conf *conf, struct smtp **out, char *err, size_t errlen);
int smtp_send(struct smtp *s, const char *rcpt, const char *msg, size_t len, char *err, size_t errlen);
void smtp_free(struct smtp *s);

/* -------------------------------------------------------- import.c */

struct imported {
	int64_t id;
	char *title;
	int kind;
};
struct import_result {
	int rows, added, updated, unchanged, skipped;
	struct imported *books; /* the books of the good rows, in file order */
	size_t nbooks;
};
/* Import a catalog file, CSV or JSON Lines (doc/catalog.md), through
 * lend_catalog_import(). Bad rows are reported on stderr (line and reason)
 * and skipped. A progress bar goes to stderr when it is a terminal and
 * progress is set. Returns 0, or an exit code when the file could not be read
 * or the engine failed. */
int import_csv(struct cli *c, const char *path, int progress, struct import_result *res);
void import_result_free(struct import_result *res);

#endif
