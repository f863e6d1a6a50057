/* cmd_shelf.c — the reader's shelf: lend shelf, cabinet, buy, balance ...,
 * defer ..., read ..., bookmark ..., grant ..., prefs ... */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const section_names[] = {"all", "loans", "queue", "requests", "bought", "deferred", "history"};

static int arg_section(const struct cli *c, const char *text, int *out)
{
	for (int i = 0; i < (int)(sizeof section_names / sizeof section_names[0]); i++)
		if (strcmp(text, section_names[i]) == 0) {
			*out = i;
			return 0;
		}
	return cli_usage_error(c, "--section '%s': one of all, loans, queue, requests, bought, deferred, history", text);
}

/* Parse exactly the positional ids named, with no options, and open the
 * engine: CLI_GO, or the exit code. */
static int ids_open(struct cli *c, int argc, char **argv, int n, const char *const *names, int64_t *ids)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	CLI_ARGS(c, argc, argv, o, pos, npos, n, n);
	for (int i = 0; i < n; i++)
		if (arg_id(c, names[i], pos[i], &ids[i]))
			return EXIT_USAGE;
	CLI_OPEN(c);
	return CLI_GO;
}

static const char *const reader_name[] = {"READER"}, *const reader_book_names[] = {"READER", "BOOK"},
		  *const bookmark_name[] = {"BOOKMARK"};
#define IDS_OPEN(c, argc, argv, names, ids)                                                                   \
	do {                                                                                                  \
		int ids_rc_ = ids_open((c), (argc), (argv), (int)(sizeof(names) / sizeof((names)[0])), (names), (ids)); \
		if (ids_rc_ != CLI_GO)                                                                        \
			return ids_rc_;                                                                       \
	} while (0)

static json_t *json_item(const lend_shelf_item *it)
{
	json_t *j = json_pack("{s:s, s:I, s:s, s:I, s:I, s:o}", "section", section_names[lend_shelf_item_section(it)],
	                      "book_id", (json_int_t)lend_shelf_item_book_id(it), "kind",
	                      kind_name(lend_shelf_item_kind(it)), "library_id", (json_int_t)lend_shelf_item_library_id(it),
	                      "ticket_id", (json_int_t)lend_shelf_item_ticket_id(it), "since",
	                      json_time(lend_shelf_item_since(it)));
	switch (lend_shelf_item_section(it)) {
	case LEND_SHELF_LOANS:
	case LEND_SHELF_HISTORY:
		json_object_set_new(j, "loan_id", json_integer(lend_shelf_item_loan_id(it)));
		json_object_set_new(j, "origin", json_string(origin_name(lend_shelf_item_origin(it))));
		json_object_set_new(j, "due_at", json_time(lend_shelf_item_due_at(it)));
		json_object_set_new(j, "days_left", json_integer(lend_shelf_item_days_left(it)));
		json_object_set_new(j, "ended_at", json_time(lend_shelf_item_ended_at(it)));
		json_object_set_new(j, "end", json_string(end_name(lend_shelf_item_end_reason(it))));
		break;
	case LEND_SHELF_QUEUE:
		json_object_set_new(j, "hold_id", json_integer(lend_shelf_item_hold_id(it)));
		json_object_set_new(j, "position", json_integer(lend_shelf_item_position(it)));
		json_object_set_new(j, "wait_until", json_time(lend_shelf_item_wait_until(it)));
		json_object_set_new(j, "suspended_until", json_time(lend_shelf_item_suspended_until(it)));
		break;
	case LEND_SHELF_BOUGHT:
		json_object_set_new(j, "price", json_money(lend_shelf_item_price(it), lend_shelf_item_currency(it)));
		break;
	case LEND_SHELF_REQUESTS: {
		int reason = lend_shelf_item_reason(it);
		json_object_set_new(j, "request_id", json_integer(lend_shelf_item_request_id(it)));
		json_object_set_new(j, "state", json_string(request_state_name(lend_shelf_item_request_state(it))));
		json_object_set_new(j, "reason", reason ? json_string(reason_name(reason)) : json_null());
		break;
	}
	default:
		break;
	}
	return j;
}

static void item_line(struct names *nm, const lend_shelf_item *it)
{
	char t[TIME_BUF], m[MONEY_BUF];
	printf("  «%s»", names_book(nm, lend_shelf_item_book_id(it)));
	if (lend_shelf_item_library_id(it))
		printf(" — %s", names_library(nm, lend_shelf_item_library_id(it)));
	switch (lend_shelf_item_section(it)) {
	case LEND_SHELF_LOANS:
		printf(", until %s (%d day%s left, %s)", fmt_day(t, lend_shelf_item_due_at(it)),
		       lend_shelf_item_days_left(it), lend_shelf_item_days_left(it) == 1 ? "" : "s",
		       origin_name(lend_shelf_item_origin(it)));
		break;
	case LEND_SHELF_QUEUE:
		printf(", place %d, expected %s%s", lend_shelf_item_position(it), fmt_day(t, lend_shelf_item_wait_until(it)),
		       lend_shelf_item_suspended_until(it) ? " (suspended)" : "");
		break;
	case LEND_SHELF_BOUGHT:
		printf(", bought %s for %s", fmt_day(t, lend_shelf_item_since(it)),
		       fmt_money(m, lend_shelf_item_price(it), lend_shelf_item_currency(it)));
		break;
	case LEND_SHELF_REQUESTS:
		printf(", asked %s: %s", fmt_day(t, lend_shelf_item_since(it)),
		       request_state_name(lend_shelf_item_request_state(it)));
		if (lend_shelf_item_reason(it))
			printf(" (%s)", lend_reason_string(lend_shelf_item_reason(it)));
		break;
	case LEND_SHELF_HISTORY:
		if (lend_shelf_item_ended_at(it))
			printf(", %s %s", end_name(lend_shelf_item_end_reason(it)), fmt_day(t, lend_shelf_item_ended_at(it)));
		else
			printf(", on loan until %s", fmt_day(t, lend_shelf_item_due_at(it)));
		break;
	default:
		printf(", since %s", fmt_day(t, lend_shelf_item_since(it)));
		break;
	}
	putchar('\n');
}

static int shelf(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--section", .takes_value = 1}, {.name = "--kind", .takes_value = 1},
	                  {.name = "--library", .takes_value = 1}, {.name = "--after", .takes_value = 1},
	                  {.name = "--limit", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t reader, library = 0, after = 0;
	int section = 0, kind = 0;
	long long limit = 100, a = 0;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "READER", pos[0], &reader) || (o[0].value && arg_section(c, o[0].value, &section)) ||
	    (o[1].value && arg_kind(c, o[1].value, &kind, 1)) || (o[2].value && arg_id(c, "--library", o[2].value, &library)) ||
	    (o[3].value && arg_int(c, "--after", o[3].value, 0, INT64_MAX, &a)) ||
	    (o[4].value && arg_int(c, "--limit", o[4].value, 1, 1000, &limit)))
		return EXIT_USAGE;
	after = a;
	CLI_OPEN(c);
	lend_shelf *s = NULL;
	int rc = lend_shelf_get(c->e, c->a, reader, section, kind, library, after, (int)limit, &s);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_t *items = json_array();
		for (size_t i = 0; i < lend_shelf_count(s); i++)
			json_array_append_new(items, json_item(lend_shelf_get_item(s, i)));
		json_out(json_pack("{s:o, s:I}", "items", items, "next", (json_int_t)lend_shelf_next(s)));
	} else {
		static const char *const titles[] = {"", "On loan", "In queues", "Requests", "Bought", "Put aside",
		                                     "History (everything borrowed)"};
		struct names *nm = names_new(c->e, c->a);
		int last = -1;
		for (size_t i = 0; i < lend_shelf_count(s); i++) {
			const lend_shelf_item *it = lend_shelf_get_item(s, i);
			if (lend_shelf_item_section(it) != last) {
				last = lend_shelf_item_section(it);
				printf("%s%s:\n", i ? "\n" : "", titles[last]);
			}
			item_line(nm, it);
		}
		if (!lend_shelf_count(s))
			printf("The shelf is empty.\n");
		if (lend_shelf_next(s))
			printf("\nMore: lend shelf %lld --after %lld\n", (long long)reader, (long long)lend_shelf_next(s));
		names_free(nm);
	}
	lend_shelf_free(s);
	return EXIT_OK;
}

static const char *state_name(int state)
{
	switch (state) {
	case LEND_TICKET_ACTIVE: return "active";
	case LEND_TICKET_BLOCKED: return "blocked";
	case LEND_TICKET_NOT_YET: return "not yet valid";
	case LEND_TICKET_EXPIRED: return "expired";
	default: return "?";
	}
}

static int cabinet(struct cli *c, int argc, char **argv)
{
	int64_t id[1];
	IDS_OPEN(c, argc, argv, reader_name, id);
	int64_t reader = id[0];
	lend_cabinet *cab = NULL;
	int rc = lend_cabinet_get(c->e, c->a, reader, &cab);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	json_t *arr = c->json ? json_array() : NULL;
	for (size_t i = 0; i < lend_cabinet_count(cab); i++) {
		const lend_ticket *t = lend_cabinet_ticket(cab, i);
		const lend_limits *l = lend_cabinet_limits(cab, i);
		if (arr) {
			json_t *j = json_ticket(t);
			json_object_set_new(j, "library", json_string(lend_cabinet_library_name(cab, i)));
			json_object_set_new(j, "state", json_string(state_name(lend_cabinet_state(cab, i))));
			json_object_set_new(j, "limits", json_string(lend_limits_summary(l)));
			json_object_set_new(j, "loans_left",
			                    json_integer(lend_limits_value(l, LEND_SETTING_MAX_LOANS) == LEND_UNLIMITED
			                                         ? -1
			                                         : lend_limits_value(l, LEND_SETTING_MAX_LOANS) -
			                                                   lend_limits_used(l, LEND_SETTING_MAX_LOANS)));
			json_array_append_new(arr, j);
		} else {
			printf("%s — card %s (%s)\n  %s\n", lend_cabinet_library_name(cab, i), lend_ticket_number(t),
			       state_name(lend_cabinet_state(cab, i)), lend_limits_summary(l));
		}
	}
	if (arr)
		json_out(arr);
	else if (!lend_cabinet_count(cab))
		printf("No library cards yet.\n");
	lend_cabinet_free(cab);
	return EXIT_OK;
}

static int buy(struct cli *c, int argc, char **argv)
{
	int64_t id[2];
	IDS_OPEN(c, argc, argv, reader_book_names, id);
	int64_t reader = id[0], book = id[1];
	lend_purchase *p = NULL;
	int rc = lend_buy(c->e, c->a, reader, book, &p);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	char m[MONEY_BUF];
	if (c->json) {
		json_out(json_pack("{s:I, s:I, s:I, s:o, s:o}", "id", (json_int_t)lend_purchase_id(p), "reader_id",
		                   (json_int_t)reader, "book_id", (json_int_t)book, "bought_at",
		                   json_time(lend_purchase_bought_at(p)), "price",
		                   json_money(lend_purchase_price(p), lend_purchase_currency(p))));
	} else {
		struct names *nm = names_new(c->e, c->a);
		printf("«%s» is yours for ever, bought for %s.\n", names_book(nm, book),
		       fmt_money(m, lend_purchase_price(p), lend_purchase_currency(p)));
		names_free(nm);
	}
	lend_purchase_free(p);
	return EXIT_OK;
}

static int balance_out(struct cli *c, int64_t reader, const char *currency, int credited)
{
	int64_t b = 0;
	int rc = lend_balance_get(c->e, c->a, reader, currency, &b);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	char m[MONEY_BUF];
	if (c->json) {
		json_t *j = json_pack("{s:I, s:o}", "reader_id", (json_int_t)reader, "balance", json_money(b, currency));
		if (credited >= 0)
			json_object_set_new(j, "credited", json_boolean(credited));
		json_out(j);
	} else {
		if (credited == 0)
			printf("That payment was credited before: nothing added.\n");
		printf("Balance: %s\n", fmt_money(m, b, currency));
	}
	return EXIT_OK;
}

static int balance_credit(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--key", .takes_value = 1}, {.name = "--currency", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t reader, amount;
	CLI_ARGS(c, argc, argv, o, pos, npos, 2, 2);
	if (arg_id(c, "READER", pos[0], &reader) || arg_money(c, "AMOUNT", pos[1], &amount))
		return EXIT_USAGE;
	if (!o[0].value)
		return cli_usage_error(c, "--key is required: the payment's id, so that a retry is not credited twice");
	const char *cur = o[1].value ? o[1].value : "RUB";
	CLI_OPEN(c);
	int credited = 0;
	int rc = lend_balance_credit(c->e, c->a, reader, amount, cur, o[0].value, &credited);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	return balance_out(c, reader, cur, credited);
}

static int balance_show(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--currency", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t reader;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "READER", pos[0], &reader))
		return EXIT_USAGE;
	CLI_OPEN(c);
	return balance_out(c, reader, o[0].value ? o[0].value : "RUB", -1);
}

/* READER BOOK positionals, shared by several commands. */
static int reader_book(struct cli *c, char **pos, int64_t *reader, int64_t *book)
{
	return arg_id(c, "READER", pos[0], reader) || arg_id(c, "BOOK", pos[1], book) ? EXIT_USAGE : 0;
}

static int done(struct cli *c, int rc, const char *text)
{
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:b}", "ok", 1));
	else
		printf("%s\n", text);
	return EXIT_OK;
}

static int defer_add(struct cli *c, int argc, char **argv)
{
	int64_t id[2];
	IDS_OPEN(c, argc, argv, reader_book_names, id);
	return done(c, lend_defer_add(c->e, c->a, id[0], id[1]), "Put aside.");
}

static int defer_remove(struct cli *c, int argc, char **argv)
{
	int64_t id[2];
	IDS_OPEN(c, argc, argv, reader_book_names, id);
	return done(c, lend_defer_remove(c->e, c->a, id[0], id[1]), "Taken off the deferred list.");
}

static int defer_list(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--ticket", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t reader, ticket = 0;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "READER", pos[0], &reader) || (o[0].value && arg_id(c, "--ticket", o[0].value, &ticket)))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_deferreds *d = NULL;
	int rc = lend_defer_list(c->e, c->a, reader, ticket, &d);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	json_t *arr = c->json ? json_array() : NULL;
	struct names *nm = arr ? NULL : names_new(c->e, c->a);
	for (size_t i = 0; i < lend_deferreds_count(d); i++) {
		int v = lend_deferreds_verdict(d, i);
		const char *reason = reason_name(lend_deferreds_reason(d, i));
		if (arr) {
			json_array_append_new(arr, json_pack("{s:I, s:o, s:o, s:o}", "book_id",
			                                     (json_int_t)lend_deferreds_book_id(d, i), "added_at",
			                                     json_time(lend_deferreds_added_at(d, i)), "verdict",
			                                     v < 0 ? json_null() : json_string(verdict_name(v)), "reason",
			                                     reason ? json_string(reason) : json_null()));
		} else {
			printf("  «%s»", names_book(nm, lend_deferreds_book_id(d, i)));
			if (v >= 0)
				printf(" — %s%s%s", verdict_name(v), reason ? ": " : "", reason ? reason : "");
			putchar('\n');
		}
	}
	if (arr)
		json_out(arr);
	else if (!lend_deferreds_count(d))
		printf("Nothing put aside.\n");
	names_free(nm);
	lend_deferreds_free(d);
	return EXIT_OK;
}

static const char *access_name(int access)
{
	switch (access) {
	case LEND_ACCESS_LOAN: return "loan";
	case LEND_ACCESS_BOUGHT: return "bought";
	case LEND_ACCESS_PREVIEW: return "preview";
	default: return "none";
	}
}

static int read_set(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--device", .takes_value = 1}, {.name = "--at", .takes_value = 1},
	                  {.name = "--percent", .takes_value = 1}, {.name = "--pages", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t reader, book, at = 0;
	long long position = 0, percent = 0, pages = 0;
	CLI_ARGS(c, argc, argv, o, pos, npos, 3, 3);
	if (reader_book(c, pos, &reader, &book) || arg_int(c, "POSITION", pos[2], 0, INT64_MAX / 4, &position) ||
	    (o[1].value && arg_time(c, "--at", o[1].value, &at)) ||
	    (o[2].value && arg_int(c, "--percent", o[2].value, 0, 100, &percent)) ||
	    (o[3].value && arg_int(c, "--pages", o[3].value, 0, INT64_MAX / 4, &pages)))
		return EXIT_USAGE;
	CLI_OPEN(c);
	if (!at)
		at = lend_engine_now(c->e);
	int applied = 0;
	int rc = lend_reading_set(c->e, c->a, reader, book, position, (int)percent, pages,
	                          o[0].value ? o[0].value : "cli", at, &applied);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:b}", "applied", applied));
	else
		printf(applied ? "Position saved.\n" : "A newer position from another device is kept.\n");
	return EXIT_OK;
}

static int read_show(struct cli *c, int argc, char **argv)
{
	int64_t id[2];
	IDS_OPEN(c, argc, argv, reader_book_names, id);
	int64_t reader = id[0], book = id[1];
	int access = 0;
	int arc = lend_reading_access(c->e, c->a, reader, book, 0, &access);
	if (arc != LEND_OK && arc != LEND_EDENIED)
		return cli_fail(c, arc);
	lend_reading *r = NULL;
	int rc = lend_reading_get(c->e, c->a, reader, book, &r);
	if (rc != LEND_OK && rc != LEND_ENOTFOUND)
		return cli_fail(c, rc);
	char t[TIME_BUF];
	if (c->json) {
		json_t *j = json_pack("{s:s}", "access", access_name(access));
		if (r) {
			json_object_set_new(j, "position", json_integer(lend_reading_position(r)));
			json_object_set_new(j, "percent", json_integer(lend_reading_percent(r)));
			json_object_set_new(j, "pages_read", json_integer(lend_reading_pages_read(r)));
			json_object_set_new(j, "opened_at", json_time(lend_reading_opened_at(r)));
			json_object_set_new(j, "device", json_string(lend_reading_device(r)));
		}
		json_out(j);
	} else {
		kv("access", "%s", access_name(access));
		if (r) {
			kv("position", "%lld (%d%%)", (long long)lend_reading_position(r), lend_reading_percent(r));
			kv("pages read", "%lld", (long long)lend_reading_pages_read(r));
			kv("last opened", "%s on %s", fmt_time(t, lend_reading_opened_at(r)), lend_reading_device(r));
		} else {
			kv("position", "never opened");
		}
	}
	lend_reading_free(r);
	return EXIT_OK;
}

static int bookmark_add(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--note", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t reader, book, id = 0;
	long long position = 0;
	CLI_ARGS(c, argc, argv, o, pos, npos, 3, 3);
	if (reader_book(c, pos, &reader, &book) || arg_int(c, "POSITION", pos[2], 0, INT64_MAX / 4, &position))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int rc = lend_bookmark_add(c->e, c->a, reader, book, position, o[0].value, &id);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:I}", "id", (json_int_t)id));
	else
		printf("Bookmark %lld at %lld.\n", (long long)id, position);
	return EXIT_OK;
}

static int bookmark_list(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t reader, book = 0;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 2);
	if (arg_id(c, "READER", pos[0], &reader) || (npos > 1 && arg_id(c, "BOOK", pos[1], &book)))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_bookmarks *l = NULL;
	int rc = lend_bookmark_list(c->e, c->a, reader, book, &l);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	json_t *arr = c->json ? json_array() : NULL;
	for (size_t i = 0; i < lend_bookmarks_count(l); i++) {
		if (arr)
			json_array_append_new(arr, json_pack("{s:I, s:I, s:I, s:s}", "id", (json_int_t)lend_bookmarks_id(l, i),
			                                     "book_id", (json_int_t)lend_bookmarks_book_id(l, i), "position",
			                                     (json_int_t)lend_bookmarks_position(l, i), "note",
			                                     lend_bookmarks_note(l, i)));
		else
			printf("  %lld: book %lld at %lld %s\n", (long long)lend_bookmarks_id(l, i),
			       (long long)lend_bookmarks_book_id(l, i), (long long)lend_bookmarks_position(l, i),
			       lend_bookmarks_note(l, i));
	}
	if (arr)
		json_out(arr);
	lend_bookmarks_free(l);
	return EXIT_OK;
}

static int bookmark_delete(struct cli *c, int argc, char **argv)
{
	int64_t id[1];
	IDS_OPEN(c, argc, argv, bookmark_name, id);
	return done(c, lend_bookmark_delete(c->e, c->a, id[0]), "Bookmark deleted.");
}

static json_t *json_grant(const lend_offline *g)
{
	return json_pack("{s:I, s:s, s:I, s:o, s:o, s:o}", "id", (json_int_t)lend_offline_id(g), "device",
	                 lend_offline_device(g), "book_id", (json_int_t)lend_offline_book_id(g), "loan_id",
	                 lend_offline_loan_id(g) ? json_integer(lend_offline_loan_id(g)) : json_null(), "granted_at",
	                 json_time(lend_offline_granted_at(g)), "valid_until", json_time(lend_offline_valid_until(g)));
}

static void grant_line(const lend_offline *g)
{
	char t[TIME_BUF];
	printf("  book %lld on %s: %s%s\n", (long long)lend_offline_book_id(g), lend_offline_device(g),
	       lend_offline_valid_until(g) ? "until " : "for ever (bought)",
	       lend_offline_valid_until(g) ? fmt_time(t, lend_offline_valid_until(g)) : "");
}

static int grant_add(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--device", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t reader, book;
	CLI_ARGS(c, argc, argv, o, pos, npos, 2, 2);
	if (reader_book(c, pos, &reader, &book))
		return EXIT_USAGE;
	if (!o[0].value)
		return cli_usage_error(c, "--device is required");
	CLI_OPEN(c);
	lend_offline *g = NULL;
	int rc = lend_offline_grant(c->e, c->a, reader, o[0].value, book, &g);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_grant(g));
	else
		grant_line(g);
	lend_offline_free(g);
	return EXIT_OK;
}

static int grant_list(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--device", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t reader;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "READER", pos[0], &reader))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_offlines *l = NULL;
	int rc = lend_offline_list(c->e, c->a, reader, o[0].value, &l);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	json_t *arr = c->json ? json_array() : NULL;
	for (size_t i = 0; i < lend_offlines_count(l); i++) {
		if (arr)
			json_array_append_new(arr, json_grant(lend_offlines_get(l, i)));
		else
			grant_line(lend_offlines_get(l, i));
	}
	if (arr)
		json_out(arr);
	else if (!lend_offlines_count(l))
		printf("No valid offline grants.\n");
	lend_offlines_free(l);
	return EXIT_OK;
}

static const char *const channel_names[] = {"none", "email", "sms"};

static int prefs_out(struct cli *c, int64_t reader)
{
	lend_prefs *p = NULL;
	int rc = lend_prefs_get(c->e, c->a, reader, &p);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	json_t *muted = json_array();
	for (int k = 1; k <= 63; k++)
		if (lend_prefs_muted(p, k))
			json_array_append_new(muted, json_string(lend_note_kind_string(k)));
	if (c->json) {
		json_out(json_pack("{s:s, s:s, s:s, s:s, s:o}", "language", lend_prefs_language(p), "channel",
		                   channel_names[lend_prefs_channel(p)], "email", lend_prefs_email(p), "phone",
		                   lend_prefs_phone(p), "muted", muted));
	} else {
		kv("language", "%s", lend_prefs_language(p));
		kv("channel", "%s", channel_names[lend_prefs_channel(p)]);
		kv("email", "%s", lend_prefs_email(p));
		kv("phone", "%s", lend_prefs_phone(p));
		char *m = json_dumps(muted, JSON_COMPACT);
		kv("switched off", "%s", m ? m : "");
		free(m);
		json_decref(muted);
	}
	lend_prefs_free(p);
	return EXIT_OK;
}

static int prefs_show(struct cli *c, int argc, char **argv)
{
	int64_t id[1];
	IDS_OPEN(c, argc, argv, reader_name, id);
	return prefs_out(c, id[0]);
}

static int kind_by_name(const char *name)
{
	for (int k = 1; k <= 63; k++)
		if (strcmp(lend_note_kind_string(k), name) == 0)
			return k;
	return 0;
}

static int prefs_set(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--lang", .takes_value = 1},  {.name = "--channel", .takes_value = 1},
	                  {.name = "--email", .takes_value = 1}, {.name = "--phone", .takes_value = 1},
	                  {.name = "--mute", .takes_value = 1, .multi = 1}, {.name = "--unmute", .takes_value = 1, .multi = 1}};
	char **pos;
	int npos;
	int64_t reader;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "READER", pos[0], &reader))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_prefs *p = NULL;
	int rc = lend_prefs_get(c->e, c->a, reader, &p);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	int bad = 0;
	if (o[0].value && lend_prefs_set_language(p, o[0].value) != LEND_OK)
		bad = cli_usage_error(c, "--lang: ru or en");
	int ch = -1;
	for (int i = 0; o[1].value && i < 3; i++)
		if (strcmp(o[1].value, channel_names[i]) == 0)
			ch = i;
	if (!bad && o[1].value && (ch < 0 || lend_prefs_set_channel(p, ch) != LEND_OK))
		bad = cli_usage_error(c, "--channel: none, email or sms");
	if (!bad && o[2].value && lend_prefs_set_email(p, o[2].value) != LEND_OK)
		bad = cli_usage_error(c, "--email: an address with '@'");
	if (!bad && o[3].value && lend_prefs_set_phone(p, o[3].value) != LEND_OK)
		bad = cli_usage_error(c, "--phone: digits, spaces, + - ( )");
	for (int w = 4; w <= 5 && !bad; w++)
		for (int i = 0; i < o[w].seen && !bad; i++)
			if (lend_prefs_set_muted(p, kind_by_name(o[w].values[i]), w == 4) != LEND_OK)
				bad = cli_usage_error(c, "%s %s: a notification kind that is not about security", o[w].name,
				                      o[w].values[i]);
	if (!bad)
		rc = lend_prefs_save(c->e, c->a, reader, p);
	lend_prefs_free(p);
	if (bad)
		return bad;
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	return prefs_out(c, reader);
}

const struct command cmds_shelf[] = {
	{NULL, "shelf", "READER [--section S] [--kind K] [--library ID] [--after CURSOR] [--limit N]",
	 "my books: loans, queues, bought, deferred, history",
	 "The reader's whole shelf across his libraries and cards: current loans,\n"
	 "places in queues, bought books, books put aside and the history of\n"
	 "everything borrowed (current first). --section is all, loans, queue,\n"
	 "requests, bought, deferred or history. Pages with --limit; the next page\n"
	 "starts --after the cursor printed at the end.\n\nExample:\n  lend --as reader:1 shelf 1\n",
	 8, shelf},
	{NULL, "cabinet", "READER", "the reader's cards, their state and limits",
	 "The reader's cabinet: every library card with its library, its state and\n"
	 "the limits with what is used.\n\nExample:\n  lend --as reader:1 cabinet 1\n",
	 8, cabinet},
	{NULL, "buy", "READER BOOK", "buy a book for ever from the balance",
	 "Buy a book at its price from the reader's balance: it is his for ever.\n\n"
	 "Example:\n  lend --as reader:1 buy 1 7\n",
	 8, buy},
	{"balance", "credit", "READER AMOUNT --key PAYMENT [--currency RUB]", "credit a payment to a reader's balance",
	 "Credit a payment the host processed (admin). --key is the payment's id: the\n"
	 "same key again credits nothing.\n\nExample:\n  lend balance credit 1 500.00 --key pay-2026-0001\n",
	 8, balance_credit},
	{"balance", "show", "READER [--currency RUB]", "show a reader's balance",
	 "Show the reader's balance.\n\nExample:\n  lend --as reader:1 balance show 1\n", 8, balance_show},
	{"defer", "add", "READER BOOK", "put a book aside",
	 "Put a book on the reader's deferred list.\n\nExample:\n  lend --as reader:1 defer add 1 7\n", 8, defer_add},
	{"defer", "remove", "READER BOOK", "take a book off the deferred list",
	 "Take a book off the deferred list.\n\nExample:\n  lend --as reader:1 defer remove 1 7\n", 8, defer_remove},
	{"defer", "list", "READER [--ticket TICKET]", "the deferred books, with verdicts on a card",
	 "The books put aside, with what the reader could do with each on a card.\n\n"
	 "Example:\n  lend --as reader:1 defer list 1 --ticket 1\n",
	 8, defer_list},
	{"read", "set", "READER BOOK POSITION [--device ID] [--at TIME] [--percent P] [--pages N]",
	 "save where a device is in a book",
	 "Save the reading position (page or second) from a device. The newest\n"
	 "position by the device's time (--at) wins; a stale one is ignored.\n\n"
	 "Example:\n  lend --as reader:1 read set 1 7 42 --device phone --percent 20\n",
	 8, read_set},
	{"read", "show", "READER BOOK", "where the reader is in a book, and his access",
	 "Show the reading state and how the reader may read the book (loan,\n"
	 "bought, preview or none).\n\nExample:\n  lend --as reader:1 read show 1 7\n",
	 8, read_show},
	{"bookmark", "add", "READER BOOK POSITION [--note TEXT]", "add a bookmark",
	 "Add a bookmark.\n\nExample:\n  lend --as reader:1 bookmark add 1 7 42 --note \"Рукописи не горят\"\n", 8,
	 bookmark_add},
	{"bookmark", "list", "READER [BOOK]", "list bookmarks",
	 "List the reader's bookmarks (of one book).\n\nExample:\n  lend --as reader:1 bookmark list 1 7\n", 8,
	 bookmark_list},
	{"bookmark", "delete", "BOOKMARK", "delete a bookmark",
	 "Delete a bookmark.\n\nExample:\n  lend --as reader:1 bookmark delete 3\n", 8, bookmark_delete},
	{"grant", "add", "READER BOOK --device ID", "let a device keep a book offline",
	 "Grant a device the right to keep a book offline: until the loan ends, or\n"
	 "for ever for a bought book.\n\nExample:\n  lend --as reader:1 grant add 1 7 --device phone\n",
	 8, grant_add},
	{"grant", "list", "READER [--device ID]", "a device's valid offline grants",
	 "List the offline grants valid now.\n\nExample:\n  lend --as reader:1 grant list 1 --device phone\n", 8,
	 grant_list},
	{"prefs", "show", "READER", "notification preferences",
	 "Show the reader's notification preferences.\n\nExample:\n  lend --as reader:1 prefs show 1\n", 8, prefs_show},
	{"prefs", "set", "READER [--lang ru|en] [--channel none|email|sms] [--email A] [--phone N] [--mute KIND]... [--unmute KIND]...",
	 "set notification preferences",
	 "Set the language and channel of notifications, the addresses, and switch\n"
	 "kinds off (security codes always go).\n\n"
	 "Example:\n  lend --as reader:1 prefs set 1 --lang en --channel sms --phone +79000000000 --mute queue_position\n",
	 8, prefs_set},
	{0},
};
