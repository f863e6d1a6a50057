/* cmd_search.c — lend search, lend suggest */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static json_t *json_hit(const lend_search_hit *h)
{
	json_t *j = json_object();
	json_object_set_new(j, "book_id", json_integer(lend_search_hit_book_id(h)));
	json_object_set_new(j, "title", json_string(lend_search_hit_title(h)));
	json_object_set_new(j, "authors", json_string(lend_search_hit_authors(h)));
	json_object_set_new(j, "kind", json_string(kind_name(lend_search_hit_kind(h))));
	json_object_set_new(j, "age_rating", json_integer(lend_search_hit_age_rating(h)));
	json_object_set_new(j, "score", json_integer(lend_search_hit_score(h)));
	json_object_set_new(j, "too_young", json_boolean(lend_search_hit_too_young(h)));
	if (lend_search_hit_has_verdict(h)) {
		const char *why = reason_id(lend_search_hit_reason(h));
		json_object_set_new(j, "verdict", json_string(verdict_name(lend_search_hit_verdict(h))));
		json_object_set_new(j, "reason", why ? json_string(why) : json_null());
	} else {
		json_object_set_new(j, "verdict", json_null());
		json_object_set_new(j, "reason", json_null());
	}
	return j;
}

/* lend search / lend suggest: the same options, prefix says which. */
static int run(struct cli *c, int argc, char **argv, int prefix)
{
	struct opt o[] = {
		{.name = "--kind", .takes_value = 1},
		{.name = "--language", .takes_value = 1},
		{.name = "--library", .takes_value = 1},
		{.name = "--available"},
		{.name = "--age-appropriate"},
		{.name = "--limit", .takes_value = 1},
	};
	char **pos;
	int npos, kind = LEND_KIND_ANY;
	int64_t library = 0;
	long long limit = 0;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (o[0].value && arg_kind(c, o[0].value, &kind, 1))
		return EXIT_USAGE;
	if (o[2].value && arg_id(c, "--library", o[2].value, &library))
		return EXIT_USAGE;
	if (o[5].value && arg_int(c, "--limit", o[5].value, 1, 100, &limit))
		return EXIT_USAGE;
	if (o[3].seen && !library)
		return cli_usage_error(c, "--available needs --library");
	lend_search_query *q = NULL;
	if (lend_search_query_new(&q) != LEND_OK)
		return cli_error(EXIT_OTHER, "out of memory");
	int rc = LEND_OK;
	if (lend_search_query_set_text(q, pos[0]) != LEND_OK)
		rc = cli_usage_error(c, "the text must be UTF-8 without control characters, at most 1000 bytes");
	else if (o[1].value && lend_search_query_set_language(q, o[1].value) != LEND_OK)
		rc = cli_usage_error(c, "--language '%s': a code of lower-case letters such as ru or en", o[1].value);
	if (rc != LEND_OK) {
		lend_search_query_free(q);
		return EXIT_USAGE;
	}
	lend_search_query_set_kind(q, kind);
	lend_search_query_set_library(q, library);
	lend_search_query_set_available_only(q, o[3].seen ? 1 : 0);
	lend_search_query_set_age_appropriate(q, o[4].seen ? 1 : 0);
	if (limit)
		lend_search_query_set_limit(q, (int)limit);
	int open_rc = cli_open(c, NULL, 1);
	if (open_rc != CLI_GO) {
		lend_search_query_free(q);
		return open_rc;
	}
	lend_search_results *r = NULL;
	rc = prefix ? lend_suggest(c->e, c->a, q, &r) : lend_search(c->e, c->a, q, &r);
	lend_search_query_free(q);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	size_t n = lend_search_results_count(r);
	if (c->json) {
		json_t *j = json_object(), *hits = json_array();
		json_object_set_new(j, "query", json_string(pos[0]));
		for (size_t i = 0; i < n; i++)
			json_array_append_new(hits, json_hit(lend_search_results_get(r, i)));
		json_object_set_new(j, "hits", hits);
		json_out(j);
	} else if (n == 0) {
		printf("nothing found for \"%s\"\n", pos[0]);
	} else {
		static const char *const heads[] = {">ID", "TITLE", "AUTHORS", "KIND", "AGE", "FOR YOU"};
		struct table *t = table_new(6, heads);
		table_cap(t, 1, 44);
		table_cap(t, 2, 28);
		for (size_t i = 0; i < n; i++) {
			const lend_search_hit *h = lend_search_results_get(r, i);
			char id[24], age[24], you[64];
			snprintf(id, sizeof id, "%lld", (long long)lend_search_hit_book_id(h));
			snprintf(age, sizeof age, "%d+%s", lend_search_hit_age_rating(h),
			         lend_search_hit_too_young(h) ? " (too young)" : "");
			if (lend_search_hit_has_verdict(h)) {
				const char *why = reason_id(lend_search_hit_reason(h));
				snprintf(you, sizeof you, "%s%s%s%s", verdict_name(lend_search_hit_verdict(h)), why ? " (" : "",
				         why ? why : "", why ? ")" : "");
			} else {
				snprintf(you, sizeof you, "-");
			}
			table_row(t, id, lend_search_hit_title(h), lend_search_hit_authors(h),
			          kind_name(lend_search_hit_kind(h)), age, you);
		}
		table_print(t, stdout);
		table_free(t);
	}
	lend_search_results_free(r);
	return EXIT_OK;
}

static int search(struct cli *c, int argc, char **argv)
{
	return run(c, argc, argv, 0);
}

static int suggest(struct cli *c, int argc, char **argv)
{
	return run(c, argc, argv, 1);
}

#define SEARCH_OPTS "[--kind ebook|audiobook] [--language CODE] [--library ID [--available]] [--age-appropriate] [--limit N]"

const struct command cmds_search[] = {
	{NULL, "search", "TEXT " SEARCH_OPTS, "search the catalog: title, authors and their aliases, series",
	 "Search the catalog. Case, accents and ё/е do not matter; Russian may be\n"
	 "typed in Latin letters (bulgakov) or with the wrong keyboard layout on\n"
	 "(,ekufrjd), and a Latin name found in Cyrillic. Every word must match a\n"
	 "whole word. Best first: the whole title or name, then titles and names\n"
	 "starting with the text, then other matches; then authors before titles,\n"
	 "then popularity. With --library, a reader (--as reader:ID) with a card\n"
	 "there sees his verdict for each book; --available keeps only the books he\n"
	 "can take now. --age-appropriate leaves out books he is too young for.\n"
	 "\n"
	 "Example:\n"
	 "  lend --as reader:2 search \"мастер и маргарита\" --library 1\n",
	 9, search},
	{NULL, "suggest", "TEXT " SEARCH_OPTS, "suggestions while typing: the last word may be unfinished",
	 "As 'lend search', but the last word of the text may be the start of a\n"
	 "word: what a search box suggests at every keystroke (10 by default).\n"
	 "Books the reader is too young for are marked.\n"
	 "\n"
	 "Example:\n"
	 "  lend suggest \",ekuf\"\n",
	 9, suggest},
	{0},
};
