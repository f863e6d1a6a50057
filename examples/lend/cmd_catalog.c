/* cmd_catalog.c — the catalog: lend book update|withdraw, lend author ...,
 * lend list ..., lend rate, lend review ..., and the metadata `lend book
 * show` prints. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* -------------------------------------------------------- book show */

static void list_line(const char *key, size_t n, const char *(*get)(const lend_book *, size_t), const lend_book *b)
{
	char buf[2048];
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && len + 2 < sizeof buf; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? ", " : "", get(b, i));
	if (n)
		kv(key, "%s", buf);
}

void catalog_show_book(struct cli *c, const lend_book *b)
{
	char t[TIME_BUF];
	int audio = lend_book_kind(b) == LEND_KIND_AUDIOBOOK;
	if (*lend_book_subtitle(b))
		kv("subtitle", "%s", lend_book_subtitle(b));
	list_line("narrators", lend_book_narrator_count(b), lend_book_narrator, b);
	if (*lend_book_series(b))
		kv("series", "%s%s%.0d", lend_book_series(b), lend_book_series_number(b) ? " #" : "",
		   lend_book_series_number(b));
	list_line("genres", lend_book_genre_count(b), lend_book_genre, b);
	if (*lend_book_language(b))
		kv("language", "%s", lend_book_language(b));
	if (*lend_book_publisher(b))
		kv("publisher", "%s", lend_book_publisher(b));
	if (lend_book_year(b))
		kv("year", "%d", lend_book_year(b));
	if (*lend_book_isbn(b))
		kv("isbn", "%s", lend_book_isbn(b));
	if (lend_book_length(b))
		kv("length", audio ? "%lld s" : "%lld pages", (long long)lend_book_length(b));
	if (lend_book_preview(b))
		kv("preview", audio ? "%d s before borrowing" : "%d pages before borrowing", lend_book_preview(b));
	if (*lend_book_external_id(b))
		kv("external id", "%s", lend_book_external_id(b));
	if (lend_book_withdrawn_at(b))
		kv("withdrawn", "%s", fmt_time(t, lend_book_withdrawn_at(b)));
	lend_rating_summary *s = NULL;
	if (lend_book_rating(c->e, c->a, lend_book_id(b), &s) == LEND_OK && lend_rating_summary_total(s))
		kv("rating", "%.2f of 5 (%lld readers: %lld×5 %lld×4 %lld×3 %lld×2 %lld×1)", lend_rating_summary_average(s),
		   (long long)lend_rating_summary_total(s), (long long)lend_rating_summary_count(s, 5),
		   (long long)lend_rating_summary_count(s, 4), (long long)lend_rating_summary_count(s, 3),
		   (long long)lend_rating_summary_count(s, 2), (long long)lend_rating_summary_count(s, 1));
	lend_rating_summary_free(s);
	if (*lend_book_annotation(b))
		printf("\n%s\n", lend_book_annotation(b));
}

static json_t *json_list_of(size_t n, const char *(*get)(const lend_book *, size_t), const lend_book *b)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(get(b, i)));
	return a;
}

static json_t *json_opt_str(const char *s)
{
	return *s ? json_string(s) : json_null();
}

void catalog_json_book(struct cli *c, json_t *j, const lend_book *b)
{
	json_object_set_new(j, "subtitle", json_opt_str(lend_book_subtitle(b)));
	json_object_set_new(j, "narrators", json_list_of(lend_book_narrator_count(b), lend_book_narrator, b));
	json_object_set_new(j, "series", json_opt_str(lend_book_series(b)));
	json_object_set_new(j, "series_no", json_integer(lend_book_series_number(b)));
	json_object_set_new(j, "genres", json_list_of(lend_book_genre_count(b), lend_book_genre, b));
	json_object_set_new(j, "language", json_opt_str(lend_book_language(b)));
	json_object_set_new(j, "publisher", json_opt_str(lend_book_publisher(b)));
	json_object_set_new(j, "year", json_integer(lend_book_year(b)));
	json_object_set_new(j, "isbn", json_opt_str(lend_book_isbn(b)));
	json_object_set_new(j, "annotation", json_opt_str(lend_book_annotation(b)));
	json_object_set_new(j, "preview", json_integer(lend_book_preview(b)));
	json_object_set_new(j, "length", json_integer(lend_book_length(b)));
	json_object_set_new(j, "external_id", json_opt_str(lend_book_external_id(b)));
	json_object_set_new(j, "withdrawn_at", json_time(lend_book_withdrawn_at(b)));
	lend_rating_summary *s = NULL;
	if (lend_book_rating(c->e, c->a, lend_book_id(b), &s) == LEND_OK) {
		json_t *stars = json_array();
		for (int i = 1; i <= 5; i++)
			json_array_append_new(stars, json_integer(lend_rating_summary_count(s, i)));
		json_object_set_new(j, "rating", json_pack("{s:f, s:I, s:o}", "average", lend_rating_summary_average(s),
		                                           "count", (json_int_t)lend_rating_summary_total(s), "stars", stars));
	}
	lend_rating_summary_free(s);
}

/* ------------------------------------------------------- book update */

static int book_update(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {
		{.name = "--title", .takes_value = 1},     {.name = "--subtitle", .takes_value = 1},
		{.name = "--series", .takes_value = 1},    {.name = "--series-no", .takes_value = 1},
		{.name = "--language", .takes_value = 1},  {.name = "--publisher", .takes_value = 1},
		{.name = "--year", .takes_value = 1},      {.name = "--isbn", .takes_value = 1},
		{.name = "--genre", .takes_value = 1, .multi = 1},
		{.name = "--narrator", .takes_value = 1, .multi = 1},
		{.name = "--annotation", .takes_value = 1}, {.name = "--preview", .takes_value = 1},
		{.name = "--length", .takes_value = 1},    {.name = "--price", .takes_value = 1},
		{.name = "--age", .takes_value = 1},       {.name = "--external-id", .takes_value = 1},
		{.name = "--kind", .takes_value = 1},      {.name = "--currency", .takes_value = 1},
		{.name = "--lendable"},                    {.name = "--not-lendable"},
		{.name = "--release", .takes_value = 1},
	};
	char **pos;
	int npos;
	int64_t id;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "BOOK", pos[0], &id))
		return EXIT_USAGE;
	long long series_no = 0, year = 0, preview = 0, length = 0, age = 0;
	int64_t price = 0, release = 0;
	int kind = LEND_KIND_EBOOK;
	if (o[18].seen && o[19].seen)
		return cli_usage_error(c, "--lendable and --not-lendable contradict each other");
	if ((o[16].value && arg_kind(c, o[16].value, &kind, 0)) ||
	    (o[20].value && strcmp(o[20].value, "none") != 0 && arg_time(c, "--release", o[20].value, &release)))
		return EXIT_USAGE;
	if ((o[3].value && arg_int(c, "--series-no", o[3].value, 0, 1000000000, &series_no)) ||
	    (o[6].value && arg_int(c, "--year", o[6].value, 0, 9999, &year)) ||
	    (o[11].value && arg_int(c, "--preview", o[11].value, 0, 1000000000, &preview)) ||
	    (o[12].value && arg_int(c, "--length", o[12].value, 0, 1000000000000LL, &length)) ||
	    (o[13].value && arg_money(c, "--price", o[13].value, &price)) ||
	    (o[14].value && arg_int(c, "--age", o[14].value, 0, 18, &age)))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_book *b = NULL;
	int rc = lend_book_get(c->e, c->a, id, &b);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	const char *bad = NULL;
#define SET(i, call)                                                                                                   \
	if (!bad && o[i].seen && (call) != LEND_OK)                                                                    \
	bad = o[i].name
	SET(0, lend_book_set_title(b, o[0].value));
	SET(1, lend_book_set_subtitle(b, o[1].value));
	SET(2, lend_book_set_series(b, o[2].value, o[3].seen ? (int)series_no : lend_book_series_number(b)));
	SET(3, lend_book_set_series(b, o[2].seen ? o[2].value : lend_book_series(b), (int)series_no));
	SET(4, lend_book_set_language(b, o[4].value));
	SET(5, lend_book_set_publisher(b, o[5].value));
	SET(6, lend_book_set_year(b, (int)year));
	SET(7, lend_book_set_isbn(b, o[7].value));
	for (int i = 0; i < o[8].seen; i++)
		SET(8, lend_book_add_genre(b, o[8].values[i]));
	for (int i = 0; i < o[9].seen; i++)
		SET(9, lend_book_add_narrator(b, o[9].values[i]));
	SET(10, lend_book_set_annotation(b, o[10].value));
	SET(11, lend_book_set_preview(b, (int)preview));
	SET(12, lend_book_set_length(b, length));
	char currency[16];
	snprintf(currency, sizeof currency, "%s", o[17].value ? o[17].value : lend_book_currency(b));
	SET(13, lend_book_set_price(b, price, currency));
	SET(17, lend_book_set_price(b, o[13].seen ? price : lend_book_price(b), currency));
	SET(14, lend_book_set_age_rating(b, (int)age));
	SET(15, lend_book_set_external_id(b, o[15].value));
	SET(16, lend_book_set_kind(b, kind));
	SET(18, lend_book_set_lendable(b, 1));
	SET(19, lend_book_set_lendable(b, 0));
	SET(20, lend_book_set_release_at(b, release));
#undef SET
	if (bad) {
		lend_book_free(b);
		return cli_usage_error(c, "%s: not a valid value", bad);
	}
	rc = lend_book_update(c->e, c->a, b);
	lend_book_free(b);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if ((rc = lend_book_get(c->e, c->a, id, &b)) != LEND_OK)
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

static int book_withdraw(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t id;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "BOOK", pos[0], &id))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int rc = lend_book_withdraw(c->e, c->a, id);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:I, s:b}", "book_id", (json_int_t)id, "withdrawn", 1));
	else
		printf("Withdrew book %lld: it is no longer lent or listed; its loans stay on record.\n", (long long)id);
	return EXIT_OK;
}

/* ------------------------------------------------------------ authors */

static json_t *json_author(const lend_author *au)
{
	json_t *al = json_array();
	for (size_t i = 0; i < lend_author_alias_count(au); i++)
		json_array_append_new(al, json_string(lend_author_alias(au, i)));
	return json_pack("{s:I, s:s, s:o}", "id", (json_int_t)lend_author_id(au), "name", lend_author_name(au),
	                 "aliases", al);
}

/* AUTHOR: an id, or an exact name. */
static int author_lookup(struct cli *c, const char *text, lend_author **out)
{
	char *end = NULL;
	long long id = strtoll(text, &end, 10);
	int rc = end && !*end && id > 0 ? lend_author_get(c->e, c->a, id, out) : lend_author_find(c->e, c->a, text, out);
	return rc == LEND_OK ? CLI_GO : cli_fail(c, rc);
}

static void print_books(struct cli *c, const lend_listing *l, int64_t ticket);

static int author_show(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--limit", .takes_value = 1}};
	char **pos;
	int npos;
	long long limit = 20;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (o[0].value && arg_int(c, "--limit", o[0].value, 1, 1000, &limit))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_author *au = NULL;
	int rc = author_lookup(c, pos[0], &au);
	if (rc != CLI_GO)
		return rc;
	lend_list_query *q = NULL;
	lend_listing *l = NULL;
	if ((rc = lend_list_query_new(&q, LEND_LIST_AUTHOR)) == LEND_OK &&
	    (rc = lend_list_query_set_author(q, lend_author_id(au))) == LEND_OK)
		rc = lend_list_query_set_limit(q, (int)limit);
	if (rc == LEND_OK)
		rc = lend_list_books(c->e, c->a, q, &l);
	lend_list_query_free(q);
	if (rc != LEND_OK) {
		lend_author_free(au);
		return cli_fail(c, rc);
	}
	if (c->json) {
		json_t *j = json_author(au), *books = json_array();
		for (size_t i = 0; i < lend_listing_count(l); i++)
			json_array_append_new(books, json_book(lend_listing_book(l, i)));
		json_object_set_new(j, "books", books);
		json_object_set_new(j, "next", json_string(lend_listing_next(l)));
		json_out(j);
	} else {
		kv("id", "%lld", (long long)lend_author_id(au));
		kv("name", "%s", lend_author_name(au));
		for (size_t i = 0; i < lend_author_alias_count(au); i++)
			kv(i ? "" : "also", "%s", lend_author_alias(au, i));
		printf("\n");
		print_books(c, l, 0);
	}
	lend_listing_free(l);
	lend_author_free(au);
	return EXIT_OK;
}

static int author_alias(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	CLI_ARGS(c, argc, argv, o, pos, npos, 2, 2);
	CLI_OPEN(c);
	lend_author *au = NULL;
	int rc = author_lookup(c, pos[0], &au);
	if (rc != CLI_GO)
		return rc;
	int64_t id = lend_author_id(au);
	lend_author_free(au);
	if ((rc = lend_author_add_alias(c->e, c->a, id, pos[1])) != LEND_OK)
		return cli_fail(c, rc);
	if ((rc = lend_author_get(c->e, c->a, id, &au)) != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_author(au));
	else
		printf("%s is also known as «%s»\n", lend_author_name(au), pos[1]);
	lend_author_free(au);
	return EXIT_OK;
}

/* ------------------------------------------------------------ listings */

static void print_books(struct cli *c, const lend_listing *l, int64_t ticket)
{
	size_t n = lend_listing_count(l);
	if (n == 0) {
		printf("No books here.\n");
		return;
	}
	static const char *const heads[] = {">ID", "TITLE", "AUTHORS", "KIND", ">AGE", ">KEY", "VERDICT"};
	int marks = ticket != 0;
	for (size_t i = 0; i < n; i++)
		marks |= !lend_listing_age_ok(l, i);
	struct table *t = table_new(marks ? 7 : 6, heads);
	table_cap(t, 1, 40);
	table_cap(t, 2, 26);
	for (size_t i = 0; i < n; i++) {
		const lend_book *b = lend_listing_book(l, i);
		const lend_availability *v = lend_listing_availability(l, i);
		char id[24], a[2048], age[8], key[24], vd[64];
		snprintf(id, sizeof id, "%lld", (long long)lend_book_id(b));
		snprintf(age, sizeof age, "%d+", lend_book_age_rating(b));
		snprintf(key, sizeof key, "%lld", (long long)lend_listing_key(l, i));
		snprintf(vd, sizeof vd, "%s%s%s", v ? verdict_name(lend_availability_verdict(v)) : "",
		         v && reason_id(lend_availability_reason(v)) ? ": " : "",
		         v && reason_id(lend_availability_reason(v)) ? reason_id(lend_availability_reason(v))
		         : !v && !lend_listing_age_ok(l, i)                 ? "too young"
		                                                            : "");
		table_row(t, id, lend_book_title(b), book_authors(b, a, sizeof a), kind_name(lend_book_kind(b)), age, key, vd);
	}
	table_print(t, stdout);
	table_free(t);
	(void)c;
	if (*lend_listing_next(l))
		printf("(more: --cursor %s)\n", lend_listing_next(l));
}

static const struct {
	const char *name;
	int list;
} lists[] = {
	{"fund", LEND_LIST_FUND},     {"author", LEND_LIST_AUTHOR}, {"genre", LEND_LIST_GENRE},
	{"new", LEND_LIST_NEW},       {"popular", LEND_LIST_POPULAR}, {"soon", LEND_LIST_SOON},
	{"recommended", LEND_LIST_RECOMMENDED},
};

static int list_books(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {
		{.name = "--ticket", .takes_value = 1}, {.name = "--library", .takes_value = 1},
		{.name = "--reader", .takes_value = 1}, {.name = "--kind", .takes_value = 1},
		{.name = "--days", .takes_value = 1},   {.name = "--limit", .takes_value = 1},
		{.name = "--cursor", .takes_value = 1},
	};
	char **pos;
	int npos;
	const char *which = c->cmd->name;
	int list = 0;
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
		if (strcmp(which, lists[i].name) == 0)
			list = lists[i].list;
	int need = list == LEND_LIST_AUTHOR || list == LEND_LIST_GENRE;
	CLI_ARGS(c, argc, argv, o, pos, npos, need, need);
	int64_t ticket = 0, library = 0, reader = 0;
	long long days = 30, limit = 20;
	int kind = LEND_KIND_ANY;
	if ((o[0].value && arg_id(c, "--ticket", o[0].value, &ticket)) ||
	    (o[1].value && arg_id(c, "--library", o[1].value, &library)) ||
	    (o[2].value && arg_id(c, "--reader", o[2].value, &reader)) ||
	    (o[3].value && arg_kind(c, o[3].value, &kind, 1)) ||
	    (o[4].value && arg_int(c, "--days", o[4].value, 1, 3650, &days)) ||
	    (o[5].value && arg_int(c, "--limit", o[5].value, 1, 1000, &limit)))
		return EXIT_USAGE;
	lend_list_query *q = NULL;
	if (lend_list_query_new(&q, list) != LEND_OK)
		return cli_error(EXIT_OTHER, "out of memory");
	int rc = LEND_OK;
	if (o[6].value && lend_list_query_set_cursor(q, o[6].value) != LEND_OK) {
		lend_list_query_free(q);
		return cli_usage_error(c, "--cursor '%s' is not a cursor this listing gave", o[6].value);
	}
	lend_list_query_set_ticket(q, ticket);
	lend_list_query_set_library(q, library);
	lend_list_query_set_reader(q, reader);
	lend_list_query_set_kind(q, kind);
	lend_list_query_set_days(q, (int)days);
	lend_list_query_set_limit(q, (int)limit);
	if (list == LEND_LIST_GENRE && lend_list_query_set_genre(q, pos[0]) != LEND_OK) {
		lend_list_query_free(q);
		return cli_usage_error(c, "GENRE must be 1 to 200 bytes of UTF-8");
	}
	int orc = cli_open(c, NULL, 1);
	if (orc != CLI_GO) {
		lend_list_query_free(q);
		return orc;
	}
	if (list == LEND_LIST_AUTHOR) {
		lend_author *au = NULL;
		if ((orc = author_lookup(c, pos[0], &au)) != CLI_GO) {
			lend_list_query_free(q);
			return orc;
		}
		lend_list_query_set_author(q, lend_author_id(au));
		lend_author_free(au);
	}
	lend_listing *l = NULL;
	rc = lend_list_books(c->e, c->a, q, &l);
	lend_list_query_free(q);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_t *items = json_array();
		for (size_t i = 0; i < lend_listing_count(l); i++) {
			const lend_book *b = lend_listing_book(l, i);
			const lend_availability *v = lend_listing_availability(l, i);
			json_array_append_new(items, json_pack("{s:o, s:I, s:b, s:o}", "book", json_book(b), "key",
			                                       (json_int_t)lend_listing_key(l, i), "age_ok",
			                                       lend_listing_age_ok(l, i), "availability",
			                                       v ? json_availability(v, ticket, lend_book_id(b)) : json_null()));
		}
		json_out(json_pack("{s:s, s:o, s:s}", "list", which, "items", items, "next", lend_listing_next(l)));
	} else {
		print_books(c, l, ticket);
	}
	lend_listing_free(l);
	return EXIT_OK;
}

/* ------------------------------------------------- ratings and reviews */

/* The reader acted for: --reader, else the --as reader. */
static int acting_reader(struct cli *c, const struct opt *reader_opt, int64_t *out)
{
	if (reader_opt->value)
		return arg_id(c, "--reader", reader_opt->value, out) ? EXIT_USAGE : CLI_GO;
	*out = lend_actor_kind(c->a) == LEND_ACTOR_READER ? lend_actor_reader_id(c->a) : 0;
	if (!*out)
		return cli_usage_error(c, "whose? act as the reader (--as reader:ID) or name him with --reader");
	return CLI_GO;
}

static int rate(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--reader", .takes_value = 1}, {.name = "--remove"}};
	char **pos;
	int npos;
	int64_t book, reader;
	long long stars = 0;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 2);
	if (arg_id(c, "BOOK", pos[0], &book))
		return EXIT_USAGE;
	if (o[1].seen == (npos == 2))
		return cli_usage_error(c, "give STARS (1 to 5), or --remove");
	if (npos == 2 && arg_int(c, "STARS", pos[1], 1, 5, &stars))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int rc = acting_reader(c, &o[0], &reader);
	if (rc != CLI_GO)
		return rc;
	rc = o[1].seen ? lend_rating_remove(c->e, c->a, reader, book) : lend_rating_set(c->e, c->a, reader, book, (int)stars);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	lend_rating_summary *s = NULL;
	if ((rc = lend_book_rating(c->e, c->a, book, &s)) != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_t *st = json_array();
		for (int i = 1; i <= 5; i++)
			json_array_append_new(st, json_integer(lend_rating_summary_count(s, i)));
		json_out(json_pack("{s:I, s:I, s:i, s:{s:f, s:I, s:o}}", "book_id", (json_int_t)book, "reader_id",
		                   (json_int_t)reader, "stars", (int)stars, "rating", "average",
		                   lend_rating_summary_average(s), "count", (json_int_t)lend_rating_summary_total(s),
		                   "stars", st));
	} else {
		if (o[1].seen)
			printf("Removed the rating of book %lld.", (long long)book);
		else
			printf("Rated book %lld: %lld of 5.", (long long)book, stars);
		printf(" The book now has %.2f of 5 from %lld readers.\n", lend_rating_summary_average(s),
		       (long long)lend_rating_summary_total(s));
	}
	lend_rating_summary_free(s);
	return EXIT_OK;
}

static json_t *json_review(const lend_review *r)
{
	return json_pack("{s:I, s:I, s:I, s:s, s:o, s:o}", "id", (json_int_t)lend_review_id(r), "reader_id",
	                 (json_int_t)lend_review_reader_id(r), "book_id", (json_int_t)lend_review_book_id(r), "text",
	                 lend_review_text(r), "created_at", json_time(lend_review_created_at(r)), "updated_at",
	                 json_time(lend_review_updated_at(r)));
}

static int review_add(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--reader", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t book, reader, id = 0;
	CLI_ARGS(c, argc, argv, o, pos, npos, 2, 2);
	if (arg_id(c, "BOOK", pos[0], &book))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int rc = acting_reader(c, &o[0], &reader);
	if (rc != CLI_GO)
		return rc;
	if ((rc = lend_review_add(c->e, c->a, reader, book, pos[1], &id)) != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:I, s:I, s:I}", "id", (json_int_t)id, "reader_id", (json_int_t)reader, "book_id",
		                   (json_int_t)book));
	else
		printf("Review %lld written on book %lld.\n", (long long)id, (long long)book);
	return EXIT_OK;
}

static int review_edit(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t id;
	CLI_ARGS(c, argc, argv, o, pos, npos, 2, 2);
	if (arg_id(c, "REVIEW", pos[0], &id))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int rc = lend_review_edit(c->e, c->a, id, pos[1]);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:I, s:b}", "id", (json_int_t)id, "edited", 1));
	else
		printf("Review %lld edited.\n", (long long)id);
	return EXIT_OK;
}

static int review_delete(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t id;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "REVIEW", pos[0], &id))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int rc = lend_review_delete(c->e, c->a, id);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1));
	else
		printf("Review %lld deleted.\n", (long long)id);
	return EXIT_OK;
}

static int review_list(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--before", .takes_value = 1}, {.name = "--limit", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t book, before = 0;
	long long limit = 20;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "BOOK", pos[0], &book) || (o[0].value && arg_id(c, "--before", o[0].value, &before)) ||
	    (o[1].value && arg_int(c, "--limit", o[1].value, 1, 1000, &limit)))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_reviews *l = NULL;
	int rc = lend_review_list(c->e, c->a, book, before, (int)limit, &l);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	size_t n = lend_reviews_count(l);
	if (c->json) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_review(lend_reviews_get(l, i)));
		json_out(a);
	} else if (n == 0) {
		printf(before ? "No more reviews.\n" : "No reviews of book %lld yet.\n", (long long)book);
	} else {
		struct names *nm = names_new(c->e, c->a);
		for (size_t i = 0; i < n; i++) {
			const lend_review *r = lend_reviews_get(l, i);
			char t[TIME_BUF];
			printf("#%lld  %s  %s%s\n%s\n\n", (long long)lend_review_id(r), names_reader(nm, lend_review_reader_id(r)),
			       fmt_time(t, lend_review_created_at(r)),
			       lend_review_updated_at(r) != lend_review_created_at(r) ? " (edited)" : "", lend_review_text(r));
		}
		names_free(nm);
		if (n == (size_t)limit)
			printf("(more: lend review list %lld --before %lld)\n", (long long)book,
			       (long long)lend_review_id(lend_reviews_get(l, n - 1)));
	}
	lend_reviews_free(l);
	return EXIT_OK;
}

#define LIST_OPTS "[--ticket TICKET] [--library LIBRARY] [--kind ebook|audiobook] [--limit N] [--cursor C]"

const struct command cmds_catalog[] = {
	{"book", "update",
	 "BOOK [--title T] [--subtitle S] [--series NAME] [--series-no N] [--language CODE] [--publisher P] "
	 "[--year Y] [--isbn ISBN] [--genre G...] [--narrator NAME...] [--annotation TEXT] [--preview N] "
	 "[--length N] [--price 399.00] [--currency RUB] [--age 0|6|12|16|18] [--kind ebook|audiobook] "
	 "[--lendable|--not-lendable] [--release YYYY-MM-DD|none] [--external-id ID]",
	 "change a title's metadata (admin)",
	 "Change the metadata of a title; what is not given stays. Genres and\n"
	 "narrators given are added to the ones the book has. The ISBN may be an\n"
	 "ISBN-10 or ISBN-13 and is kept as ISBN-13. --preview and --length are pages\n"
	 "for an e-book, seconds for an audiobook. --not-lendable stops every\n"
	 "library lending it (takes and queues are refused as \"not lendable\", loans\n"
	 "run to their end) until --lendable; --release none marks it released.\n"
	 "\n"
	 "Example:\n"
	 "  lend book update 1 --series \"Классика\" --series-no 3 --isbn 5-04-001234-9\n",
	 9, book_update},
	{"book", "withdraw", "BOOK", "withdraw a title from the catalog (admin)",
	 "Withdraw a title: it is no longer lent, listed or found, and its loans and\n"
	 "queues stay on record. Loans running now go on until they end.\n\nExample:\n  lend book withdraw 7\n",
	 9, book_withdraw},
	{"author", "show", "AUTHOR [--limit N]", "an author's page: names and books",
	 "Show an author (by id or exact name): the other forms of the name and the\n"
	 "books, newest year first.\n\nExample:\n  lend author show \"Лев Толстой\"\n",
	 9, author_show},
	{"author", "alias", "AUTHOR ALIAS", "add another form of an author's name (admin)",
	 "Add a form of the name that search finds too: another script, spelling or\n"
	 "pen name.\n\nExample:\n  lend author alias \"Лев Толстой\" \"Tolstoy, Leo\"\n",
	 9, author_alias},
	{"list", "fund", LIST_OPTS, "the books in a library (\"in the library\")",
	 "The books a library holds, by id, with the card holder's verdict when\n"
	 "--ticket is given (its library is then the library).\n\nExample:\n  lend --as reader:2 list fund --ticket 3\n",
	 9, list_books},
	{"list", "author", "AUTHOR " LIST_OPTS, "an author's books",
	 "An author's books (by id or exact name), newest year first.\n\nExample:\n  lend list author 1 --ticket 3\n",
	 9, list_books},
	{"list", "genre", "GENRE " LIST_OPTS, "the books of a genre, newest first",
	 "The books of a genre, the latest added first.\n\nExample:\n  lend list genre \"Роман\"\n", 9, list_books},
	{"list", "new", LIST_OPTS, "new arrivals",
	 "Released books by the time they were added, newest first.\n\nExample:\n  lend list new --limit 10\n", 9,
	 list_books},
	{"list", "popular", LIST_OPTS " [--days N]", "most borrowed in the last N days",
	 "The books with the most loans issued in the last N days (default 30), in\n"
	 "--library or the ticket's library if given, else everywhere.\n\nExample:\n  lend list popular --days 7\n",
	 9, list_books},
	{"list", "soon", LIST_OPTS, "coming soon",
	 "Books whose release date is still ahead, the soonest first.\n\nExample:\n  lend list soon\n", 9, list_books},
	{"list", "recommended", LIST_OPTS " [--reader READER] [--days N]", "what to read next",
	 "The books most borrowed in the last N days (default 30) by readers who\n"
	 "borrowed this reader's books, his own left out.\n\nExample:\n  lend --as reader:2 list recommended\n",
	 9, list_books},
	{NULL, "rate", "BOOK STARS|--remove [--reader READER]", "rate a book 1 to 5 stars",
	 "Rate a book as the reader (--as reader:ID), or as admin for --reader. One\n"
	 "rating per reader and book: rating again changes it.\n\nExample:\n  lend --as reader:2 rate 5 4\n",
	 9, rate},
	{"review", "add", "BOOK TEXT [--reader READER]", "write a review",
	 "Write a review of a book as the reader.\n\nExample:\n  lend --as reader:2 review add 5 \"Не оторваться\"\n", 9,
	 review_add},
	{"review", "edit", "REVIEW TEXT", "change one's review",
	 "Change the text of a review (its writer, or admin).\n\nExample:\n  lend --as reader:2 review edit 1 \"Прочитал дважды\"\n",
	 9, review_edit},
	{"review", "delete", "REVIEW", "delete one's review",
	 "Delete a review (its writer, or admin).\n\nExample:\n  lend --as reader:2 review delete 1\n", 9, review_delete},
	{"review", "list", "BOOK [--before REVIEW] [--limit N]", "a book's reviews, newest first",
	 "List a book's reviews, newest first, N at a time.\n\nExample:\n  lend review list 5\n", 9, review_list},
	{0},
};
