/* cmd_reader.c — lend reader ..., lend ticket ... */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static int age_on(int birth, int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	int today = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
	return (today - birth) / 10000;
}

static void ticket_table(struct cli *c, const lend_tickets *ts)
{
	static const char *const heads[] = {">ID", "NUMBER", "LIBRARY", "VALID", "STATE"};
	struct table *t = table_new(5, heads);
	struct names *nm = names_new(c->e, c->a);
	for (size_t i = 0; i < lend_tickets_count(ts); i++) {
		const lend_ticket *tk = lend_tickets_get(ts, i);
		char id[24], f[TIME_BUF], u[TIME_BUF], valid[80];
		snprintf(id, sizeof id, "%lld", (long long)lend_ticket_id(tk));
		if (!lend_ticket_valid_from(tk) && !lend_ticket_valid_until(tk))
			snprintf(valid, sizeof valid, "open-ended");
		else
			snprintf(valid, sizeof valid, "%s .. %s", fmt_day(f, lend_ticket_valid_from(tk)),
			         fmt_day(u, lend_ticket_valid_until(tk)));
		table_row(t, id, lend_ticket_number(tk), names_library(nm, lend_ticket_library_id(tk)), valid,
		          lend_ticket_blocked(tk) ? "blocked" : "active");
	}
	table_print(t, stdout);
	table_free(t);
	names_free(nm);
}

static int reader_add(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--born", .takes_value = 1}};
	char **pos;
	int npos;
	int y = 0, m = 0, d = 0;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (o[0].value && arg_date(c, "--born", o[0].value, &y, &m, &d))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_reader *r = NULL;
	int rc = lend_reader_new(&r);
	if (rc == LEND_OK && (rc = lend_reader_set_name(r, pos[0])) != LEND_OK)
		fprintf(stderr, "lend: the name must be 1 to 200 bytes of UTF-8\n");
	if (rc == LEND_OK && y && (rc = lend_reader_set_birth_date(r, y, m, d)) != LEND_OK)
		fprintf(stderr, "lend: --born %s: not a birth date the engine accepts\n", o[0].value);
	if (rc != LEND_OK) {
		lend_reader_free(r);
		return EXIT_USAGE;
	}
	int64_t id = 0;
	rc = lend_reader_add(c->e, c->a, r, &id);
	lend_reader_free(r);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if ((rc = lend_reader_get(c->e, c->a, id, &r)) != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_out(json_reader(r));
	} else {
		printf("Added reader %lld: %s\n", (long long)id, lend_reader_name(r));
		if (!y)
			printf("No birth date: he may borrow only books rated 0+ until one is set.\n");
	}
	lend_reader_free(r);
	return EXIT_OK;
}

static int reader_show(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t id;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "READER", pos[0], &id))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_reader *r = NULL;
	lend_tickets *ts = NULL;
	int rc = lend_reader_get(c->e, c->a, id, &r);
	if (rc == LEND_OK)
		rc = lend_ticket_list(c->e, c->a, id, &ts);
	if (rc != LEND_OK) {
		lend_reader_free(r);
		return cli_fail(c, rc);
	}
	if (c->json) {
		json_t *j = json_reader(r);
		json_t *arr = json_array();
		for (size_t i = 0; i < lend_tickets_count(ts); i++)
			json_array_append_new(arr, json_ticket(lend_tickets_get(ts, i)));
		json_object_set_new(j, "tickets", arr);
		json_out(j);
	} else {
		int bd = lend_reader_birth_date(r);
		kv("id", "%lld", (long long)lend_reader_id(r));
		kv("name", "%s", lend_reader_name(r));
		if (bd)
			kv("born", "%04d-%02d-%02d (%d years old)", bd / 10000, bd / 100 % 100, bd % 100,
			   age_on(bd, lend_engine_now(c->e)));
		else
			kv("born", "unknown (only books rated 0+)");
		kv("tickets", "%zu", lend_tickets_count(ts));
		if (lend_tickets_count(ts)) {
			putchar('\n');
			ticket_table(c, ts);
		}
	}
	lend_tickets_free(ts);
	lend_reader_free(r);
	return EXIT_OK;
}

static int ticket_issue(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--number", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t lib, reader;
	CLI_ARGS(c, argc, argv, o, pos, npos, 2, 2);
	if (arg_id(c, "LIBRARY", pos[0], &lib) || arg_id(c, "READER", pos[1], &reader))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_ticket *t = NULL;
	int rc = lend_ticket_issue(c->e, c->a, lib, reader, o[0].value, &t);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_out(json_ticket(t));
	} else {
		struct names *nm = names_new(c->e, c->a);
		printf("Issued ticket %lld, number %s, to %s at %s.\n", (long long)lend_ticket_id(t), lend_ticket_number(t),
		       names_reader(nm, reader), names_library(nm, lib));
		names_free(nm);
	}
	lend_ticket_free(t);
	return EXIT_OK;
}

static int ticket_list(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t reader;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "READER", pos[0], &reader))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_tickets *ts = NULL;
	int rc = lend_ticket_list(c->e, c->a, reader, &ts);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < lend_tickets_count(ts); i++)
			json_array_append_new(arr, json_ticket(lend_tickets_get(ts, i)));
		json_out(arr);
	} else if (lend_tickets_count(ts) == 0) {
		printf("Reader %lld holds no library card yet.\n", (long long)reader);
	} else {
		ticket_table(c, ts);
	}
	lend_tickets_free(ts);
	return EXIT_OK;
}

static int print_ticket_after(struct cli *c, int64_t id, const char *what)
{
	lend_ticket *t = NULL;
	int rc = lend_ticket_get(c->e, c->a, id, &t);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_ticket(t));
	else
		printf("Ticket %lld (%s) %s.\n", (long long)id, lend_ticket_number(t), what);
	lend_ticket_free(t);
	return EXIT_OK;
}

static int ticket_block_unblock(struct cli *c, int argc, char **argv, int block)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t id;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "TICKET", pos[0], &id))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int rc = lend_ticket_set_blocked(c->e, c->a, id, block);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	return print_ticket_after(c, id, block ? "is blocked" : "is unblocked");
}

static int ticket_block(struct cli *c, int argc, char **argv)
{
	return ticket_block_unblock(c, argc, argv, 1);
}

static int ticket_unblock(struct cli *c, int argc, char **argv)
{
	return ticket_block_unblock(c, argc, argv, 0);
}

static int ticket_validity(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t id, from = 0, until = 0;
	CLI_ARGS(c, argc, argv, o, pos, npos, 3, 3);
	if (arg_id(c, "TICKET", pos[0], &id))
		return EXIT_USAGE;
	if (strcmp(pos[1], "-") != 0 && arg_time(c, "FROM", pos[1], &from))
		return EXIT_USAGE;
	if (strcmp(pos[2], "-") != 0 && arg_time(c, "TO", pos[2], &until))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int rc = lend_ticket_set_validity(c->e, c->a, id, from, until);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	char f[TIME_BUF], u[TIME_BUF], what[96];
	snprintf(what, sizeof what, "is valid from %s until %s", from ? fmt_time(f, from) : "any time",
	         until ? fmt_time(u, until) : "further notice");
	return print_ticket_after(c, id, what);
}

static int ticket_limit(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--kind", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t id, value = 0;
	int kind = LEND_KIND_ANY, clear = 0;
	CLI_ARGS(c, argc, argv, o, pos, npos, 3, 3);
	if (arg_id(c, "TICKET", pos[0], &id) || (o[0].value && arg_kind(c, o[0].value, &kind, 1)))
		return EXIT_USAGE;
	const struct setting_name *s = setting_by_name(pos[1]);
	if (!s)
		return cli_usage_error(c, "unknown setting '%s' (see 'lend library policy --help')", pos[1]);
	if (arg_setting_value(c, s, pos[2], &value, &clear))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int rc = clear ? lend_ticket_clear_limit(c->e, c->a, id, kind, s->setting)
	               : lend_ticket_set_limit(c->e, c->a, id, kind, s->setting, value);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_out(json_pack("{s:I, s:s, s:s, s:o}", "ticket_id", (json_int_t)id, "kind", kind_name(kind), "setting",
		                   s->name, "value", clear ? json_null() : json_integer((json_int_t)value)));
	} else {
		char buf[64];
		if (clear)
			printf("Ticket %lld: %s follows the library's policy again.\n", (long long)id, s->name);
		else
			printf("Ticket %lld: %s is %s%s.\n", (long long)id, s->name, fmt_setting(buf, sizeof buf, s, value, ""),
			       kind == LEND_KIND_ANY ? "" : kind == LEND_KIND_EBOOK ? " for e-books" : " for audiobooks");
	}
	return EXIT_OK;
}

static int ticket_limits(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--kind", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t id;
	int kind = LEND_KIND_ANY;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "TICKET", pos[0], &id) || (o[0].value && arg_kind(c, o[0].value, &kind, 1)))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_ticket *t = NULL;
	lend_limits *l = NULL;
	lend_library *lib = NULL;
	int rc = lend_ticket_get(c->e, c->a, id, &t);
	if (rc == LEND_OK)
		rc = lend_limits_get(c->e, c->a, id, kind, &l);
	if (rc == LEND_OK)
		rc = lend_library_get(c->e, c->a, lend_ticket_library_id(t), &lib);
	if (rc != LEND_OK) {
		lend_ticket_free(t);
		lend_limits_free(l);
		return cli_fail(c, rc);
	}
	static const int counted[] = {LEND_SETTING_SELF_SERVICE_LIMIT, LEND_SETTING_MAX_LOANS, LEND_SETTING_MAX_REQUESTS,
	                              LEND_SETTING_MONTHLY_QUOTA};
	if (c->json) {
		json_t *settings = json_object();
		for (int i = 0; i < setting_count; i++) {
			const struct setting_name *s = &setting_names[i];
			int is_counted = 0;
			for (size_t k = 0; k < sizeof counted / sizeof counted[0]; k++)
				is_counted |= counted[k] == s->setting;
			json_object_set_new(settings, s->name,
			                    json_pack("{s:I, s:o}", "value", (json_int_t)lend_limits_value(l, s->setting), "used",
			                              is_counted ? json_integer((json_int_t)lend_limits_used(l, s->setting))
			                                         : json_null()));
		}
		json_out(json_pack("{s:I, s:s, s:o, s:s}", "ticket_id", (json_int_t)id, "kind", kind_name(kind), "settings",
		                   settings, "summary", lend_limits_summary(l)));
	} else {
		static const char *const heads[] = {"SETTING", ">VALUE", ">USED"};
		struct table *tb = table_new(3, heads);
		for (int i = 0; i < setting_count; i++) {
			const struct setting_name *s = &setting_names[i];
			char v[64], u[24] = "";
			for (size_t k = 0; k < sizeof counted / sizeof counted[0]; k++)
				if (counted[k] == s->setting)
					snprintf(u, sizeof u, "%lld", (long long)lend_limits_used(l, s->setting));
			table_row(tb, s->name,
			          fmt_setting(v, sizeof v, s, lend_limits_value(l, s->setting), lend_library_currency(lib)), u);
		}
		printf("Ticket %lld (%s) at %s%s%s:\n\n", (long long)id, lend_ticket_number(t), lend_library_name(lib),
		       kind == LEND_KIND_ANY ? "" : ", ", kind == LEND_KIND_ANY ? "" : kind_name(kind));
		table_print(tb, stdout);
		table_free(tb);
		printf("\n%s.\n", lend_limits_summary(l));
	}
	lend_library_free(lib);
	lend_limits_free(l);
	lend_ticket_free(t);
	return EXIT_OK;
}

const struct command cmds_reader[] = {
	{"reader", "add", "NAME [--born YYYY-MM-DD]", "register a reader",
	 "Register a reader's account. The birth date decides which age ratings he\n"
	 "may borrow; without one he may borrow only books rated 0+.\n"
	 "\n"
	 "Example:\n"
	 "  lend reader add \"Иван Петров\" --born 1987-04-12\n",
	 2, reader_add},
	{"reader", "show", "READER", "show a reader and his library cards",
	 "Show a reader: name, birth date, age and the library cards he holds in\n"
	 "every library (one account, several libraries).\n\nExample:\n  lend reader show 1\n",
	 2, reader_show},
	{"ticket", "issue", "LIBRARY READER [--number N]", "issue a library card",
	 "Issue a library card (ticket) of a library to a reader. Without --number\n"
	 "the engine makes a unique one such as 0001-0000-0001. A reader may hold\n"
	 "cards of several libraries.\n"
	 "\n"
	 "Example:\n"
	 "  lend ticket issue 1 1\n",
	 2, ticket_issue},
	{"ticket", "list", "READER", "list a reader's library cards",
	 "List every library card of a reader, across libraries.\n\nExample:\n  lend ticket list 1\n", 2, ticket_list},
	{"ticket", "block", "TICKET", "block a library card",
	 "Block a library card: the reader can take nothing on it until it is\nunblocked.\n\nExample:\n  lend ticket block 3\n",
	 2, ticket_block},
	{"ticket", "unblock", "TICKET", "unblock a library card",
	 "Unblock a blocked library card.\n\nExample:\n  lend ticket unblock 3\n", 2, ticket_unblock},
	{"ticket", "validity", "TICKET FROM TO", "set the dates a card is valid",
	 "Set the dates a library card is valid. FROM and TO are YYYY-MM-DD,\n"
	 "\"YYYY-MM-DD HH:MM\" (local time; Z at the end for UTC) or @UNIX_SECONDS;\n"
	 "'-' leaves that end open.\n"
	 "\n"
	 "Example:\n"
	 "  lend ticket validity 3 2026-01-01 2026-12-31\n",
	 2, ticket_validity},
	{"ticket", "limit", "TICKET SETTING VALUE [--kind ebook|audiobook]", "override a policy setting for one card",
	 "Override a policy setting for one library card (the most specific value\n"
	 "wins: card+kind, card, library+kind, library). VALUE 'default' removes the\n"
	 "override. Settings as in 'lend library policy --help'.\n"
	 "\n"
	 "Example:\n"
	 "  lend ticket limit 3 self-service-limit 5\n",
	 2, ticket_limit},
	{"ticket", "limits", "TICKET [--kind ebook|audiobook]", "show a card's effective limits and what is used",
	 "Show the effective limits of a library card and how much of each is used,\n"
	 "with the summary a reader sees in his cabinet.\n\nExample:\n  lend --as reader:1 ticket limits 1\n",
	 2, ticket_limits},
	{0},
};
