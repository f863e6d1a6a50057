/* cmd_fund.c — lend fund ...: the copies (licenses) a library owns. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int print_fund(struct cli *c, int64_t lib, int64_t book, const char *done)
{
	lend_fund *f = NULL;
	int rc = lend_fund_get(c->e, c->a, lib, book, &f);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_out(json_fund(f));
	} else {
		struct names *nm = names_new(c->e, c->a);
		if (done)
			printf("%s\n", done);
		kv("library", "%s (%lld)", names_library(nm, lib), (long long)lib);
		kv("book", "«%s» (%lld)", names_book(nm, book), (long long)book);
		kv("copies", "%d", lend_fund_copies(f));
		kv("on loan", "%d", lend_fund_on_loan(f));
		int free_copies = lend_fund_copies(f) - lend_fund_on_loan(f);
		kv("free", "%d", free_copies > 0 ? free_copies : 0);
		kv("waiting", "%d in the queue", lend_fund_waiting(f));
		names_free(nm);
	}
	lend_fund_free(f);
	return EXIT_OK;
}

enum fund_op { OP_ADD, OP_BUY, OP_REMOVE };

static int fund_change(struct cli *c, int argc, char **argv, enum fund_op op)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t lib, book;
	long long n;
	CLI_ARGS(c, argc, argv, o, pos, npos, 3, 3);
	if (arg_id(c, "LIBRARY", pos[0], &lib) || arg_id(c, "BOOK", pos[1], &book) ||
	    arg_int(c, "N", pos[2], 1, 1000000, &n))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int64_t budget_before = 0;
	char currency[8] = "";
	if (op == OP_BUY) {
		lend_library *l = NULL;
		int rc = lend_library_get(c->e, c->a, lib, &l);
		if (rc != LEND_OK)
			return cli_fail(c, rc);
		budget_before = lend_library_budget(l);
		snprintf(currency, sizeof currency, "%s", lend_library_currency(l));
		lend_library_free(l);
	}
	int rc = op == OP_ADD   ? lend_fund_add_copies(c->e, c->a, lib, book, (int)n)
	         : op == OP_BUY ? lend_fund_buy_copies(c->e, c->a, lib, book, (int)n)
	                        : lend_fund_remove_copies(c->e, c->a, lib, book, (int)n);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	char done[200];
	const char *what = op == OP_ADD ? "Added" : op == OP_BUY ? "Bought" : "Withdrew";
	snprintf(done, sizeof done, "%s %lld cop%s.", what, n, n == 1 ? "y" : "ies");
	if (op == OP_BUY && !c->json) {
		lend_library *l = NULL;
		if (lend_library_get(c->e, c->a, lib, &l) == LEND_OK) {
			char m1[MONEY_BUF], m2[MONEY_BUF];
			snprintf(done, sizeof done, "Bought %lld cop%s for %s; the budget is now %s.", n, n == 1 ? "y" : "ies",
			         fmt_money(m1, budget_before - lend_library_budget(l), currency),
			         fmt_money(m2, lend_library_budget(l), currency));
		}
		lend_library_free(l);
	}
	return print_fund(c, lib, book, done);
}

static int fund_add(struct cli *c, int argc, char **argv)
{
	return fund_change(c, argc, argv, OP_ADD);
}

static int fund_buy(struct cli *c, int argc, char **argv)
{
	return fund_change(c, argc, argv, OP_BUY);
}

static int fund_remove(struct cli *c, int argc, char **argv)
{
	return fund_change(c, argc, argv, OP_REMOVE);
}

static int fund_show(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t lib, book;
	CLI_ARGS(c, argc, argv, o, pos, npos, 2, 2);
	if (arg_id(c, "LIBRARY", pos[0], &lib) || arg_id(c, "BOOK", pos[1], &book))
		return EXIT_USAGE;
	CLI_OPEN(c);
	return print_fund(c, lib, book, NULL);
}

static int fund_list(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--after", .takes_value = 1}, {.name = "--limit", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t lib, after = 0;
	long long limit = 1000;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "LIBRARY", pos[0], &lib) || (o[0].value && arg_id(c, "--after", o[0].value, &after)) ||
	    (o[1].value && arg_int(c, "--limit", o[1].value, 1, 1000, &limit)))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_funds *fs = NULL;
	int rc = lend_fund_list(c->e, c->a, lib, after, (int)limit, &fs);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	size_t n = lend_funds_count(fs);
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_fund(lend_funds_get(fs, i)));
		json_out(arr);
	} else if (n == 0) {
		printf("The fund of library %lld is empty.\n", (long long)lib);
	} else {
		static const char *const heads[] = {">BOOK", "TITLE", ">COPIES", ">ON LOAN", ">FREE", ">WAITING"};
		struct table *t = table_new(6, heads);
		table_cap(t, 1, 48);
		struct names *nm = names_new(c->e, c->a);
		for (size_t i = 0; i < n; i++) {
			const lend_fund *f = lend_funds_get(fs, i);
			char id[24], cp[16], ol[16], fr[16], wt[16];
			int free_copies = lend_fund_copies(f) - lend_fund_on_loan(f);
			snprintf(id, sizeof id, "%lld", (long long)lend_fund_book_id(f));
			snprintf(cp, sizeof cp, "%d", lend_fund_copies(f));
			snprintf(ol, sizeof ol, "%d", lend_fund_on_loan(f));
			snprintf(fr, sizeof fr, "%d", free_copies > 0 ? free_copies : 0);
			snprintf(wt, sizeof wt, "%d", lend_fund_waiting(f));
			table_row(t, id, names_book(nm, lend_fund_book_id(f)), cp, ol, fr, wt);
		}
		table_print(t, stdout);
		table_free(t);
		names_free(nm);
		if (n == (size_t)limit)
			printf("(more: lend fund list %lld --after %lld)\n", (long long)lib,
			       (long long)lend_fund_book_id(lend_funds_get(fs, n - 1)));
	}
	lend_funds_free(fs);
	return EXIT_OK;
}

const struct command cmds_fund[] = {
	{"fund", "add", "LIBRARY BOOK N", "add N copies to a library's fund (a donation: no budget spent)",
	 "Add copies (licenses) of a book to a library's fund without spending its\n"
	 "budget, e.g. a donation or a license bought elsewhere. A freed copy goes to\n"
	 "the first reader in the queue at once.\n\nExample:\n  lend fund add 1 42 2\n",
	 3, fund_add},
	{"fund", "buy", "LIBRARY BOOK N", "buy N copies from the library's budget",
	 "Buy copies from the library's budget at the book's price. Refused when the\n"
	 "budget does not cover them or the library holds as many copies of the\n"
	 "title as max-copies allows.\n\nExample:\n  lend fund buy 1 42 1\n",
	 3, fund_buy},
	{"fund", "remove", "LIBRARY BOOK N", "withdraw N copies",
	 "Withdraw copies from the fund; never below the number on loan.\n\nExample:\n  lend fund remove 1 42 1\n", 3,
	 fund_remove},
	{"fund", "show", "LIBRARY BOOK", "show the copies of a book in a library",
	 "Show a fund entry: copies owned, on loan, free, and readers waiting.\n\nExample:\n  lend fund show 1 42\n", 3,
	 fund_show},
	{"fund", "list", "LIBRARY [--after BOOK] [--limit N]", "list a library's fund",
	 "List the books a library holds, in book-id order.\n\nExample:\n  lend fund list 1\n", 3, fund_list},
	{0},
};
