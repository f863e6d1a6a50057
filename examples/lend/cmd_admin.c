/* cmd_admin.c — lend init, tick, outbox, deliver, check. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lend/sys/notifier.h>

#include "cli.h"

static int init(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	CLI_ARGS(c, argc, argv, o, pos, npos, 0, 0);
	int existed = access(c->db, F_OK) == 0;
	int rc = cli_open(c, NULL, 0);
	if (rc != CLI_GO)
		return rc;
	/* A first call makes sure the schema is there and writable. */
	lend_libraries *ls = NULL;
	if ((rc = lend_library_list(c->e, c->a, &ls)) != LEND_OK)
		return cli_fail(c, rc);
	size_t n = lend_libraries_count(ls);
	lend_libraries_free(ls);
	char abs[PATH_MAX];
	const char *shown = realpath(c->db, abs) ? abs : c->db;
	if (c->json)
		json_out(json_pack("{s:s, s:b, s:i}", "database", shown, "created", !existed, "libraries", (int)n));
	else if (existed)
		printf("The lending database %s is ready (it existed already, with %zu librar%s).\n", shown, n,
		       n == 1 ? "y" : "ies");
	else
		printf("Initialized an empty lending database in %s\n", shown);
	return EXIT_OK;
}

/* The notifier options of tick and deliver, first in their option arrays. */
#define NOTIFIER_OPTS                                                                                         \
	{.name = "--to", .takes_value = 1}, {.name = "--smtp", .takes_value = 1}, {.name = "--from", .takes_value = 1}, \
		{.name = "--rcpt", .takes_value = 1}, {.name = "--starttls"}
#define NOTIFIER_NOPTS 5
#define NOTIFIER_ARGS "[--to stdout|maildir:DIR|none] [--smtp URL [--from ADDR] [--rcpt TEMPLATE] [--starttls]]"

/* Open with the notifier named by --to or --smtp; returns CLI_GO or an exit code. */
static int open_with_notifier(struct cli *c, const struct opt *o, struct notify **out)
{
	if (o[0].value && o[1].value)
		return cli_usage_error(c, "--to and --smtp name two notifiers; give one");
	struct notify *n = NULL;
	int rc = notify_new(c, o[1].value ? o[1].value : o[0].value, c->json, &n);
	if (rc != EXIT_OK)
		return rc;
	lend_notifier nt;
	notify_bind(n, &nt);
	if ((rc = notify_smtp(c, n, o[2].value, o[3].value, o[4].seen > 0)) != EXIT_OK) {
		nt.free(nt.userdata);
		return rc;
	}
	rc = cli_open(c, &nt, 1);
	*out = rc == CLI_GO ? n : NULL;
	return rc;
}

static void report_failures(const struct notify *n)
{
	int f = notify_failures(n);
	if (f)
		fprintf(stderr, "lend: %d notification%s could not be delivered; %s retried later (see 'lend outbox --pending')\n",
		        f, f == 1 ? "" : "s", f == 1 ? "it stays in the outbox and is" : "they stay in the outbox and are");
}

static int tick(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {NOTIFIER_OPTS};
	char **pos;
	int npos;
	CLI_ARGS(c, argc, argv, o, pos, npos, 0, 0);
	struct notify *n = NULL;
	int rc = open_with_notifier(c, o, &n);
	if (rc != CLI_GO)
		return rc;
	int64_t ended = 0, handoffs = 0;
	if ((rc = lend_engine_tick(c->e, &ended, &handoffs)) != LEND_OK)
		return cli_fail(c, rc);
	char t[TIME_BUF];
	int64_t now = lend_engine_now(c->e);
	if (!c->json)
		printf("Tick at %s: %lld loan%s ended, %lld cop%s handed on from the queue.\n", fmt_time(t, now),
		       (long long)ended, ended == 1 ? "" : "s", (long long)handoffs, handoffs == 1 ? "y" : "ies");
	int delivered = 0;
	if ((rc = lend_engine_deliver(c->e, 0, &delivered)) != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_t *arr = notify_json(n);
		json_out(json_pack("{s:I, s:I, s:I, s:i, s:O}", "now", (json_int_t)now, "loans_ended", (json_int_t)ended,
		                   "handoffs", (json_int_t)handoffs, "delivered", delivered, "notifications", arr));
	} else if (o[0].value && strcmp(o[0].value, "none") == 0) {
		printf("Notifications stay in the outbox (--to none).\n");
	} else {
		printf("Delivered %d notification%s.\n", delivered, delivered == 1 ? "" : "s");
	}
	report_failures(n);
	return notify_failures(n) ? EXIT_OTHER : EXIT_OK;
}

static int deliver_cmd(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {NOTIFIER_OPTS, {.name = "--max", .takes_value = 1}};
	const struct opt *m = &o[NOTIFIER_NOPTS];
	char **pos;
	int npos;
	long long max = 0;
	CLI_ARGS(c, argc, argv, o, pos, npos, 0, 0);
	if (m->value && arg_int(c, "--max", m->value, 1, INT_MAX, &max))
		return EXIT_USAGE;
	struct notify *n = NULL;
	int rc = open_with_notifier(c, o, &n);
	if (rc != CLI_GO)
		return rc;
	int delivered = 0;
	if ((rc = lend_engine_deliver(c->e, (int)max, &delivered)) != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:i, s:O}", "delivered", delivered, "notifications", notify_json(n)));
	else if (delivered == 0 && !notify_failures(n))
		printf("Nothing to deliver.\n");
	else
		printf("Delivered %d notification%s.\n", delivered, delivered == 1 ? "" : "s");
	report_failures(n);
	return notify_failures(n) ? EXIT_OTHER : EXIT_OK;
}

static int outbox(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--pending"}, {.name = "--limit", .takes_value = 1}};
	char **pos;
	int npos;
	long long limit = 1000;
	CLI_ARGS(c, argc, argv, o, pos, npos, 0, 0);
	if (o[1].value && arg_int(c, "--limit", o[1].value, 1, 10000, &limit))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_notifications *ns = NULL;
	int rc = lend_outbox_list(c->e, c->a, o[0].seen > 0, (int)limit, &ns);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	size_t n = lend_notifications_count(ns);
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_notification(lend_notifications_get(ns, i)));
		json_out(arr);
	} else if (n == 0) {
		printf(o[0].seen ? "Nothing waits in the outbox.\n" : "The outbox is empty.\n");
	} else {
		static const char *const heads[] = {">ID", "CREATED", "KIND", "READER", "BOOK", "DETAIL", "DELIVERED"};
		struct table *t = table_new(7, heads);
		table_cap(t, 3, 24);
		table_cap(t, 4, 32);
		struct names *nm = names_new(c->e, c->a);
		for (size_t i = 0; i < n; i++) {
			const lend_notification *x = lend_notifications_get(ns, i);
			char id[24], cr[TIME_BUF], dl[TIME_BUF + 32];
			snprintf(id, sizeof id, "%lld", (long long)lend_notification_id(x));
			if (lend_notification_delivered_at(x))
				fmt_time(dl, lend_notification_delivered_at(x));
			else
				snprintf(dl, sizeof dl, "pending (%d attempt%s)", lend_notification_attempts(x),
				         lend_notification_attempts(x) == 1 ? "" : "s");
			table_row(t, id, fmt_time(cr, lend_notification_created_at(x)),
			          lend_note_kind_string(lend_notification_kind(x)),
			          names_reader(nm, lend_notification_reader_id(x)),
			          lend_notification_book_id(x) ? names_book(nm, lend_notification_book_id(x)) : "",
			          lend_notification_detail(x), dl);
		}
		table_print(t, stdout);
		table_free(t);
		names_free(nm);
	}
	lend_notifications_free(ns);
	return EXIT_OK;
}

/* The refusal reasons this program names: the number, the stable id of the
 * JSON "reason" field, and the library's words. No database needed. */
static int reasons(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	CLI_ARGS(c, argc, argv, o, pos, npos, 0, 0);
	static const char *const heads[] = {">NUMBER", "ID", "MEANING"};
	json_t *arr = c->json ? json_array() : NULL;
	struct table *t = arr ? NULL : table_new(3, heads);
	for (int r = 1; r < 1000; r++) {
		const char *id = reason_id(r);
		if (!id)
			continue;
		if (arr) {
			json_array_append_new(arr, json_pack("{s:i, s:s, s:s}", "reason", r, "id", id, "text",
			                                     lend_reason_string(r)));
		} else {
			char num[16];
			snprintf(num, sizeof num, "%d", r);
			table_row(t, num, id, lend_reason_string(r));
		}
	}
	if (arr)
		json_out(arr);
	else
		table_print(t, stdout);
	table_free(t);
	return EXIT_OK;
}

static int check(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	CLI_ARGS(c, argc, argv, o, pos, npos, 0, 0);
	CLI_OPEN(c);
	lend_report *r = NULL;
	int rc = lend_engine_check(c->e, &r);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	size_t n = lend_report_count(r);
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_string(lend_report_get(r, i)));
		json_out(json_pack("{s:b, s:o}", "ok", n == 0, "violations", arr));
	} else if (n == 0) {
		printf("No violations: every rule that must never break holds.\n");
	} else {
		for (size_t i = 0; i < n; i++)
			printf("violation: %s\n", lend_report_get(r, i));
		fprintf(stderr, "lend: %zu violation%s found\n", n, n == 1 ? "" : "s");
	}
	lend_report_free(r);
	return n ? EXIT_OTHER : EXIT_OK;
}

const struct command cmds_admin[] = {
	{NULL, "init", "", "create the lending database",
	 "Create the lending database (./lend.db, $LEND_DB or --db) with its schema.\n"
	 "On an existing database it only checks that the schema is current.\n"
	 "\n"
	 "Example:\n"
	 "  lend --db /var/lib/lend/lend.db init\n",
	 0, init},
	{NULL, "tick", NOTIFIER_ARGS, "end due loans, hand copies on, deliver notifications",
	 "The clock's work: end every loan that is due, hand the freed copies to the\n"
	 "first eligible readers in the queues, then deliver the outbox with the\n"
	 "chosen notifier (default stdout; see 'lend deliver --help' for SMTP).\n"
	 "Run it from cron; --now replays a date.\n"
	 "Exit 1 when a notification could not be delivered (it is retried later).\n"
	 "\n"
	 "Example:\n"
	 "  lend tick --to maildir:/var/mail/lend\n",
	 5, tick},
	{NULL, "outbox", "[--pending] [--limit N]", "list notifications, delivered or not (admin)",
	 "List the notifications the engine wrote, oldest first; --pending lists the\n"
	 "undelivered ones.\n\nExample:\n  lend outbox --pending\n",
	 5, outbox},
	{NULL, "deliver", NOTIFIER_ARGS " [--max N]", "deliver pending notifications",
	 "Hand pending notifications to a notifier: stdout prints one line each;\n"
	 "maildir:DIR writes one RFC 5322 message each into DIR/new (through\n"
	 "DIR/tmp), named after the notification's UUID.\n"
	 "\n"
	 "--smtp smtp://HOST[:PORT] or smtps://HOST[:PORT] (also --to URL) sends\n"
	 "one e-mail each, its Message-ID made of the notification's UUID, its\n"
	 "subject the first sentence of the engine's text in the reader's language\n"
	 "and its body the whole text. The sender is --from or $LEND_SMTP_FROM. The\n"
	 "recipient is the reader's own address when he chose e-mail ('lend prefs\n"
	 "set READER --channel email --email ADDRESS'); otherwise --rcpt or\n"
	 "$LEND_SMTP_RCPT, a template where {reader} stands for the reader's id\n"
	 "(default reader-{reader}@lend.invalid). --starttls (or\n"
	 "$LEND_SMTP_STARTTLS=1) insists on STARTTLS on smtp://. The login comes\n"
	 "from $LEND_SMTP_USER and $LEND_SMTP_PASSWORD, never from the command line;\n"
	 "$LEND_SMTP_CAINFO names a CA bundle to trust.\n"
	 "\n"
	 "A failed delivery (a server that is down or answers 4xx/5xx) stays in the\n"
	 "outbox and is retried with backoff: 1 minute, then doubling up to 6 hours.\n"
	 "Exit 1 when a notification could not be delivered.\n"
	 "\n"
	 "Examples:\n"
	 "  lend deliver --to maildir:./mail\n"
	 "  LEND_SMTP_USER=lib LEND_SMTP_PASSWORD=secret \\\n"
	 "    lend deliver --smtp smtp://mail.example.org:587 --starttls \\\n"
	 "    --from library@example.org --rcpt 'reader-{reader}@example.org'\n",
	 5, deliver_cmd},
	{NULL, "check", "", "verify what must never happen; exit 1 on a violation",
	 "Check the stored state against the rules that must never break: no copy on\n"
	 "loan twice, no budget below zero, no loan to a reader under the age rating,\n"
	 "and so on. Prints each violation; exit 1 if there is any.\n\nExample:\n  lend check\n",
	 5, check},
	{NULL, "reasons", "", "list the refusal reasons and their ids",
	 "List the reasons a lending rule gives for a refusal: the number of\n"
	 "lend_reason (lend.h), the stable id that --json output puts in \"reason\",\n"
	 "and the words. It needs no database.\n"
	 "\n"
	 "Example:\n"
	 "  lend --json reasons\n",
	 5, reasons},
	{0},
};
