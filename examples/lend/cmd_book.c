/* cmd_book.c — lend book ... */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The lines of `lend book show` the lending core gives (cli.h). */
void show_book(const lend_book *b)
{
	char a[2048], m[MONEY_BUF], t[TIME_BUF];
	kv("id", "%lld", (long long)lend_book_id(b));
	kv("title", "%s", lend_book_title(b));
	kv(lend_book_author_count(b) == 1 ? "author" : "authors", "%s", book_authors(b, a, sizeof a));
	kv("kind", "%s", kind_name(lend_book_kind(b)));
	kv("age rating", "%d+", lend_book_age_rating(b));
	kv("price", "%s", fmt_money(m, lend_book_price(b), lend_book_currency(b)));
	kv("lendable", "%s", lend_book_lendable(b) ? "yes" : "no (libraries may not lend it)");
	if (lend_book_release_at(b))
		kv("release", "%s", fmt_time(t, lend_book_release_at(b)));
}

/* The metadata options book add and book update share, first in their
 * option arrays. */
#define BOOK_OPTS                                                                                                 \
	{.name = "--kind", .takes_value = 1}, {.name = "--age", .takes_value = 1}, {.name = "--price", .takes_value = 1}, \
		{.name = "--currency", .takes_value = 1}, {.name = "--not-lendable"}, {.name = "--release", .takes_value = 1}
#define BOOK_NOPTS 6

struct book_opts {
	int kind;
	long long age;
	int64_t price, release;
};

/* Check the values of BOOK_OPTS; 0 or EXIT_USAGE. */
static int book_opts_parse(struct cli *c, const struct opt *o, struct book_opts *v)
{
	memset(v, 0, sizeof *v);
	v->kind = LEND_KIND_EBOOK;
	if (o[0].value && arg_kind(c, o[0].value, &v->kind, 0))
		return EXIT_USAGE;
	if (o[1].value && arg_int(c, "--age", o[1].value, 0, 18, &v->age))
		return EXIT_USAGE;
	if (v->age != 0 && v->age != 6 && v->age != 12 && v->age != 16 && v->age != 18)
		return cli_usage_error(c, "--age %lld: the ratings are 0, 6, 12, 16 and 18", v->age);
	if (o[2].value && arg_money(c, "--price", o[2].value, &v->price))
		return EXIT_USAGE;
	if (o[5].value && strcmp(o[5].value, "none") != 0 && arg_time(c, "--release", o[5].value, &v->release))
		return EXIT_USAGE;
	return 0;
}

/* Set on b what BOOK_OPTS gave (all of it when all, for a new book). */
static int book_opts_apply(const struct opt *o, const struct book_opts *v, lend_book *b, int all)
{
	int rc = LEND_OK;
	if (all || o[0].seen)
		rc = lend_book_set_kind(b, v->kind);
	if (rc == LEND_OK && (all || o[1].seen))
		rc = lend_book_set_age_rating(b, (int)v->age);
	if (rc == LEND_OK && (all || o[2].seen || o[3].seen)) {
		const char *cur = o[3].value ? o[3].value : all ? "RUB" : lend_book_currency(b);
		char keep[16];
		snprintf(keep, sizeof keep, "%s", cur);
		if ((rc = lend_book_set_price(b, o[2].seen || all ? v->price : lend_book_price(b), keep)) != LEND_OK)
			fprintf(stderr, "lend: --currency '%s': expected an ISO 4217 code such as RUB\n", keep);
	}
	if (rc == LEND_OK && o[4].seen)
		rc = lend_book_set_lendable(b, 0);
	if (rc == LEND_OK && (all || o[5].seen))
		rc = lend_book_set_release_at(b, v->release);
	return rc;
}

static int book_add(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {BOOK_OPTS, {.name = "--author", .takes_value = 1, .multi = 1}};
	const struct opt *authors = &o[BOOK_NOPTS];
	char **pos;
	int npos;
	struct book_opts v;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (!authors->seen)
		return cli_usage_error(c, "at least one --author is required");
	if (book_opts_parse(c, o, &v))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_book *b = NULL;
	int rc = lend_book_new(&b);
	if (rc == LEND_OK && (rc = lend_book_set_title(b, pos[0])) != LEND_OK)
		fprintf(stderr, "lend: the title must be 1 to 1000 bytes of UTF-8\n");
	for (int i = 0; rc == LEND_OK && i < authors->seen; i++)
		if ((rc = lend_book_add_author(b, authors->values[i])) != LEND_OK)
			fprintf(stderr, "lend: --author '%s': 1 to 300 bytes of UTF-8, at most 64 authors\n", authors->values[i]);
	if (rc == LEND_OK)
		rc = book_opts_apply(o, &v, b, 1);
	if (rc != LEND_OK) {
		lend_book_free(b);
		return EXIT_USAGE;
	}
	int64_t id = 0;
	rc = lend_book_add(c->e, c->a, b, &id);
	lend_book_free(b);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if ((rc = lend_book_get(c->e, c->a, id, &b)) != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_out(json_book(b));
	} else {
		char a[2048];
		printf("Added book %lld: «%s» (%s)\n", (long long)id, lend_book_title(b), book_authors(b, a, sizeof a));
	}
	lend_book_free(b);
	return EXIT_OK;
}

static int book_show(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t id;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "BOOK", pos[0], &id))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_book *b = NULL;
	int rc = lend_book_get(c->e, c->a, id, &b);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_t *j = json_book(b);
		catalog_json_book(c, j, b);
		json_out(j);
	} else {
		show_book(b);
		catalog_show_book(c, b);
	}
	lend_book_free(b);
	return EXIT_OK;
}

static int book_list(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--after", .takes_value = 1}, {.name = "--limit", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t after = 0;
	long long limit = 50;
	CLI_ARGS(c, argc, argv, o, pos, npos, 0, 0);
	if (o[0].value && arg_id(c, "--after", o[0].value, &after))
		return EXIT_USAGE;
	if (o[1].value && arg_int(c, "--limit", o[1].value, 1, 1000, &limit))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_books *bs = NULL;
	int rc = lend_book_list(c->e, c->a, after, (int)limit, &bs);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	size_t n = lend_books_count(bs);
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_book(lend_books_get(bs, i)));
		json_out(arr);
	} else if (n == 0) {
		printf(after ? "No more books.\n" : "The catalog is empty. Add books with 'lend book add' or 'lend book import'.\n");
	} else {
		static const char *const heads[] = {">ID", "TITLE", "AUTHORS", "KIND", ">AGE", ">PRICE"};
		struct table *t = table_new(6, heads);
		table_cap(t, 1, 44);
		table_cap(t, 2, 28);
		for (size_t i = 0; i < n; i++) {
			const lend_book *b = lend_books_get(bs, i);
			char id[24], a[2048], age[8], m[MONEY_BUF];
			snprintf(id, sizeof id, "%lld", (long long)lend_book_id(b));
			snprintf(age, sizeof age, "%d+", lend_book_age_rating(b));
			table_row(t, id, lend_book_title(b), book_authors(b, a, sizeof a), kind_name(lend_book_kind(b)), age,
			          fmt_money(m, lend_book_price(b), lend_book_currency(b)));
		}
		table_print(t, stdout);
		table_free(t);
		if (n == (size_t)limit)
			printf("(more: lend book list --after %lld)\n", (long long)lend_book_id(lend_books_get(bs, n - 1)));
	}
	lend_books_free(bs);
	return EXIT_OK;
}

static int book_import(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	CLI_OPEN(c);
	struct import_result res;
	int rc = import_csv(c, pos[0], 1, &res);
	if (rc == EXIT_OK) {
		if (c->json) {
			json_t *ids = json_array();
			for (size_t i = 0; i < res.nbooks; i++)
				json_array_append_new(ids, json_integer((json_int_t)res.books[i].id));
			json_out(json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:o}", "file", pos[0], "rows", res.rows, "added",
			                   res.added, "updated", res.updated, "unchanged", res.unchanged, "skipped",
			                   res.skipped, "book_ids", ids));
		} else {
			printf("Imported %d book%s from %s", res.added, res.added == 1 ? "" : "s", pos[0]);
			if (res.nbooks)
				printf(" (ids %lld..%lld)", (long long)res.books[0].id, (long long)res.books[res.nbooks - 1].id);
			if (res.updated || res.unchanged)
				printf("; %d updated, %d unchanged", res.updated, res.unchanged);
			if (res.skipped)
				printf("; %d row%s skipped", res.skipped, res.skipped == 1 ? "" : "s");
			printf(".\n");
		}
		if (res.skipped)
			rc = EXIT_OTHER;
	}
	import_result_free(&res);
	return rc;
}

const struct command cmds_book[] = {
	{"book", "add",
	 "TITLE --author NAME [--author NAME...] [--kind ebook|audiobook] [--age 0|6|12|16|18] [--price 399.00] "
	 "[--currency RUB] [--not-lendable] [--release YYYY-MM-DD]",
	 "add a title to the shared catalog (admin)",
	 "Add a title to the catalog that every library shares. Authors keep their\n"
	 "order (narrators of an audiobook follow the authors). The price is what a\n"
	 "library pays for one copy; --release in the future means \"coming soon\".\n"
	 "\n"
	 "Example:\n"
	 "  lend book add \"Анна Каренина\" --author \"Лев Толстой\" --age 16 --price 99.00\n",
	 3, book_add},
	{"book", "show", "BOOK", "show a title",
	 "Show a title of the catalog.\n\nExample:\n  lend book show 1\n", 3, book_show},
	{"book", "list", "[--after BOOK] [--limit N]", "list the catalog, a page at a time",
	 "List the catalog in id order, N books (default 50, at most 1000) after the\n"
	 "book --after.\n\nExample:\n  lend book list --after 50 --limit 20\n",
	 3, book_list},
	{"book", "import", "FILE.csv|FILE.jsonl", "add or update the titles of a CSV or JSON Lines file (admin)",
	 "Import a catalog CSV with a header row naming its columns: title, authors\n"
	 "(';'-separated), kind (ebook or audiobook), age, price (399.00), currency,\n"
	 "external_id and the others of doc/catalog.md; or JSON Lines (.jsonl) with\n"
	 "the same keys. A row whose external_id is in the catalog updates that title,\n"
	 "so importing again never duplicates. A title on two lines is a title and a\n"
	 "subtitle. Bad rows are reported with their line and skipped (the exit code\n"
	 "is then 1). A progress bar is drawn on stderr when it is a terminal.\n"
	 "\n"
	 "Example:\n"
	 "  lend book import data/demo/catalog.csv\n",
	 3, book_import},
	{0},
};
