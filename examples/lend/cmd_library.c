/* cmd_library.c — lend library ..., lend budget top-up. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void show_library(const lend_library *l)
{
	char m[MONEY_BUF];
	kv("id", "%lld", (long long)lend_library_id(l));
	kv("name", "%s", lend_library_name(l));
	kv("address", "%s", *lend_library_address(l) ? lend_library_address(l) : "-");
	kv("contacts", "%s", *lend_library_contacts(l) ? lend_library_contacts(l) : "-");
	kv("currency", "%s", lend_library_currency(l));
	kv("budget", "%s", fmt_money(m, lend_library_budget(l), lend_library_currency(l)));
}

static int library_add(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--currency", .takes_value = 1},
	                  {.name = "--address", .takes_value = 1},
	                  {.name = "--contacts", .takes_value = 1}};
	char **pos;
	int npos;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	CLI_OPEN(c);
	lend_library *l = NULL;
	int rc = lend_library_new(&l);
	if (rc == LEND_OK && (rc = lend_library_set_name(l, pos[0])) != LEND_OK)
		fprintf(stderr, "lend: the name must be 1 to 200 bytes of UTF-8\n");
	if (rc == LEND_OK && o[0].value && (rc = lend_library_set_currency(l, o[0].value)) != LEND_OK)
		fprintf(stderr, "lend: --currency '%s': expected an ISO 4217 code such as RUB\n", o[0].value);
	if (rc == LEND_OK && o[1].value && (rc = lend_library_set_address(l, o[1].value)) != LEND_OK)
		fprintf(stderr, "lend: --address: at most 500 bytes of UTF-8\n");
	if (rc == LEND_OK && o[2].value && (rc = lend_library_set_contacts(l, o[2].value)) != LEND_OK)
		fprintf(stderr, "lend: --contacts: invalid text\n");
	if (rc != LEND_OK) {
		lend_library_free(l);
		return EXIT_USAGE;
	}
	int64_t id = 0;
	rc = lend_library_add(c->e, c->a, l, &id);
	lend_library_free(l);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if ((rc = lend_library_get(c->e, c->a, id, &l)) != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_library(l));
	else
		printf("Added library %lld: %s\n", (long long)id, lend_library_name(l));
	lend_library_free(l);
	return EXIT_OK;
}

static int library_list(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	CLI_ARGS(c, argc, argv, o, pos, npos, 0, 0);
	CLI_OPEN(c);
	lend_libraries *ls = NULL;
	int rc = lend_library_list(c->e, c->a, &ls);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < lend_libraries_count(ls); i++)
			json_array_append_new(arr, json_library(lend_libraries_get(ls, i)));
		json_out(arr);
	} else if (lend_libraries_count(ls) == 0) {
		printf("No libraries yet. Connect one with 'lend library add NAME'.\n");
	} else {
		static const char *const heads[] = {">ID", "NAME", ">BUDGET", "ADDRESS"};
		struct table *t = table_new(4, heads);
		table_cap(t, 3, 40);
		for (size_t i = 0; i < lend_libraries_count(ls); i++) {
			const lend_library *l = lend_libraries_get(ls, i);
			char id[24], m[MONEY_BUF];
			snprintf(id, sizeof id, "%lld", (long long)lend_library_id(l));
			table_row(t, id, lend_library_name(l), fmt_money(m, lend_library_budget(l), lend_library_currency(l)),
			          lend_library_address(l));
		}
		table_print(t, stdout);
		table_free(t);
	}
	lend_libraries_free(ls);
	return EXIT_OK;
}

static int library_show(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t id;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "LIBRARY", pos[0], &id))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_library *l = NULL;
	int rc = lend_library_get(c->e, c->a, id, &l);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_library(l));
	else
		show_library(l);
	lend_library_free(l);
	return EXIT_OK;
}

static int library_policy(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--kind", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t id;
	int kind = LEND_KIND_ANY;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 3);
	if (npos == 2)
		return cli_usage_error(c, "a SETTING needs a VALUE");
	if (arg_id(c, "LIBRARY", pos[0], &id) || (o[0].value && arg_kind(c, o[0].value, &kind, 1)))
		return EXIT_USAGE;
	const struct setting_name *s = NULL;
	int64_t value = 0;
	int clear = 0;
	if (npos == 3) {
		if (!(s = setting_by_name(pos[1]))) {
			cli_usage_error(c, "unknown setting '%s'", pos[1]);
			fprintf(stderr, "settings:");
			for (int i = 0; i < setting_count; i++)
				fprintf(stderr, " %s", setting_names[i].name);
			fputc('\n', stderr);
			return EXIT_USAGE;
		}
		if (arg_setting_value(c, s, pos[2], &value, &clear))
			return EXIT_USAGE;
	}
	CLI_OPEN(c);
	lend_library *l = NULL;
	int rc = lend_library_get(c->e, c->a, id, &l);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	char currency[8];
	snprintf(currency, sizeof currency, "%s", lend_library_currency(l));
	lend_library_free(l);
	if (s) {
		rc = clear ? lend_policy_clear(c->e, c->a, id, kind, s->setting)
		           : lend_policy_set(c->e, c->a, id, kind, s->setting, value);
		if (rc != LEND_OK)
			return cli_fail(c, rc);
	}
	/* Show the effective values (after the change, if any). */
	json_t *obj = c->json ? json_object() : NULL;
	struct table *t = NULL;
	static const char *const heads[] = {"SETTING", ">VALUE", "MEANING"};
	if (!c->json)
		t = table_new(3, heads);
	for (int i = 0; i < setting_count; i++) {
		const struct setting_name *sn = &setting_names[i];
		if (s && sn != s)
			continue;
		int64_t v = 0;
		if ((rc = lend_policy_get(c->e, c->a, id, kind, sn->setting, &v)) != LEND_OK) {
			json_decref(obj);
			table_free(t);
			return cli_fail(c, rc);
		}
		if (c->json) {
			json_object_set_new(obj, sn->name, json_integer((json_int_t)v));
		} else {
			char buf[64];
			table_row(t, sn->name, fmt_setting(buf, sizeof buf, sn, v, currency), sn->about);
		}
	}
	if (c->json) {
		json_out(json_pack("{s:I, s:s, s:s, s:o}", "library_id", (json_int_t)id, "kind", kind_name(kind),
		                   "currency", currency, "settings", obj));
	} else {
		if (s)
			printf("%s %s for %s in library %lld.\n", clear ? "Cleared" : "Set", s->name,
			       kind == LEND_KIND_ANY ? "every kind of book" : kind == LEND_KIND_EBOOK ? "e-books" : "audiobooks",
			       (long long)id);
		table_print(t, stdout);
		table_free(t);
	}
	return EXIT_OK;
}

static int library_grant_revoke(struct cli *c, int argc, char **argv, int grant)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t lib, reader;
	CLI_ARGS(c, argc, argv, o, pos, npos, 2, 2);
	if (arg_id(c, "LIBRARY", pos[0], &lib) || arg_id(c, "READER", pos[1], &reader))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int rc = grant ? lend_library_grant(c->e, c->a, lib, reader) : lend_library_revoke(c->e, c->a, lib, reader);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:I, s:I, s:b}", "library_id", (json_int_t)lib, "reader_id", (json_int_t)reader,
		                   "librarian", grant));
	else if (grant)
		printf("Reader %lld is now a librarian of library %lld (act as him with --as librarian:%lld).\n",
		       (long long)reader, (long long)lib, (long long)reader);
	else
		printf("Reader %lld is no longer a librarian of library %lld.\n", (long long)reader, (long long)lib);
	return EXIT_OK;
}

static int library_grant(struct cli *c, int argc, char **argv)
{
	return library_grant_revoke(c, argc, argv, 1);
}

static int library_revoke(struct cli *c, int argc, char **argv)
{
	return library_grant_revoke(c, argc, argv, 0);
}

static int budget_top_up(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--note", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t lib, amount;
	CLI_ARGS(c, argc, argv, o, pos, npos, 2, 2);
	if (arg_id(c, "LIBRARY", pos[0], &lib) || arg_money(c, "AMOUNT", pos[1], &amount))
		return EXIT_USAGE;
	if (amount <= 0)
		return cli_usage_error(c, "AMOUNT must be more than zero");
	CLI_OPEN(c);
	int rc = lend_budget_add(c->e, c->a, lib, amount, o[0].value ? o[0].value : "");
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	lend_library *l = NULL;
	if ((rc = lend_library_get(c->e, c->a, lib, &l)) != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_out(json_library(l));
	} else {
		char m1[MONEY_BUF], m2[MONEY_BUF];
		printf("Topped up %s by %s: the budget is now %s.\n", lend_library_name(l),
		       fmt_money(m1, amount, lend_library_currency(l)),
		       fmt_money(m2, lend_library_budget(l), lend_library_currency(l)));
	}
	lend_library_free(l);
	return EXIT_OK;
}

const struct command cmds_library[] = {
	{"library", "add", "NAME [--currency CODE] [--address TEXT] [--contacts TEXT]", "connect a library (admin)",
	 "Connect a library to the service. It starts with an empty fund, a zero\n"
	 "budget and the default lending policy. The currency (default RUB) is the\n"
	 "one its budget and the prices it pays are counted in.\n"
	 "\n"
	 "Example:\n"
	 "  lend library add \"Хабаровская краевая библиотека\" --address \"Хабаровск\"\n",
	 1, library_add},
	{"library", "list", "", "list the connected libraries",
	 "List every connected library with its budget.\n\nExample:\n  lend library list\n", 1, library_list},
	{"library", "show", "LIBRARY", "show a library",
	 "Show a library: name, address, contacts, currency and budget.\n\nExample:\n  lend library show 1\n", 1,
	 library_show},
	{"library", "policy", "LIBRARY [--kind ebook|audiobook] [SETTING VALUE]", "show or set the lending policy",
	 "Without SETTING, show the library's effective policy (for --kind, if given).\n"
	 "With SETTING VALUE, set it for the library (or only for one kind of book).\n"
	 "VALUE is a number, 'unlimited', or 'default' to fall back to the less\n"
	 "specific value; max-self-price takes an amount such as 500.00.\n"
	 "\n"
	 "Settings:\n"
	 "  loan-days            days a loan lasts (default 14)\n"
	 "  self-service-limit   books a reader may take on his own at once (default 3)\n"
	 "  max-loans            books on loan at once, however obtained (default 10)\n"
	 "  max-self-price       the most the library pays on a reader's own take (unlimited)\n"
	 "  max-requests         requests open at once (default 5)\n"
	 "  monthly-quota        books per calendar month (unlimited)\n"
	 "  max-copies           copies of one title the library buys (unlimited)\n"
	 "  renewals             on or off (default off)\n"
	 "  reminder-days        days before a loan ends the reader is reminded (default 3)\n"
	 "\n"
	 "Examples:\n"
	 "  lend library policy 1\n"
	 "  lend library policy 1 max-self-price 500.00\n"
	 "  lend library policy 1 --kind audiobook loan-days 21\n",
	 1, library_policy},
	{"library", "grant", "LIBRARY READER", "make a reader a librarian of the library (admin)",
	 "Grant staff rights in a library to a reader's account. He then acts with\n"
	 "--as librarian:READER in that library only.\n\nExample:\n  lend library grant 1 7\n",
	 1, library_grant},
	{"library", "revoke", "LIBRARY READER", "take a librarian's rights away (admin)",
	 "Revoke a librarian's staff rights in a library; it takes effect at once.\n\nExample:\n  lend library revoke 1 7\n",
	 1, library_revoke},
	{"budget", "top-up", "LIBRARY AMOUNT [--note TEXT]", "add money to a library's acquisition budget",
	 "Top up the library's acquisition budget. AMOUNT is in major units (1500.00\n"
	 "is 1500 roubles); the budget pays for copies bought into the fund.\n"
	 "\n"
	 "Example:\n"
	 "  lend budget top-up 1 15000.00 --note \"краевой бюджет, март\"\n",
	 1, budget_top_up},
	{0},
};
