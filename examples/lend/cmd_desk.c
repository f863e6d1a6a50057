/* cmd_desk.c — the librarian's desk: lend request, lend requests ..., lend
 * issue, lend renew, lend budget ledger|correct, lend reserve ..., lend
 * license ... */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define SECTION 6

static const char *reserve_state_name(int s)
{
	switch (s) {
	case LEND_RESERVE_ACTIVE: return "active";
	case LEND_RESERVE_CONFIRMED: return "confirmed";
	case LEND_RESERVE_LAPSED: return "lapsed";
	case LEND_RESERVE_CANCELLED: return "cancelled";
	default: return "unknown";
	}
}

static const char *ledger_kind_name(int k)
{
	return k == LEND_LEDGER_TOPUP ? "top-up" : k == LEND_LEDGER_PURCHASE ? "purchase" : "correction";
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

/* The library's currency ("RUB" when it cannot be read). */
static void currency_of(struct cli *c, int64_t lib, char cur[8])
{
	lend_library *l = NULL;
	snprintf(cur, 8, "RUB");
	if (lend_library_get(c->e, c->a, lib, &l) == LEND_OK)
		snprintf(cur, 8, "%s", lend_library_currency(l));
	lend_library_free(l);
}

static json_t *json_request(struct cli *c, const lend_request *r)
{
	int reason = lend_request_reason(r);
	json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:b}", "id",
	                      (json_int_t)lend_request_id(r), "ticket_id", (json_int_t)lend_request_ticket_id(r),
	                      "reader_id", (json_int_t)lend_request_reader_id(r), "library_id",
	                      (json_int_t)lend_request_library_id(r), "book_id", (json_int_t)lend_request_book_id(r),
	                      "state", request_state_name(lend_request_state(r)), "origin",
	                      lend_request_origin(r) == LEND_REQUEST_DIRECT ? "direct" : "reader", "created_at",
	                      json_time(lend_request_created_at(r)), "decided_at", json_time(lend_request_decided_at(r)),
	                      "decided_by", id_or_null(lend_request_decided_by(r)), "reason",
	                      reason ? json_string(reason_name(reason)) : json_null(), "reason_text",
	                      reason ? json_string(lend_reason_string(reason)) : json_null(), "text",
	                      lend_request_text(r), "loan_id", id_or_null(lend_request_loan_id(r)), "hold_id",
	                      id_or_null(lend_request_hold_id(r)), "overridden", lend_request_overridden(r));
	const lend_limits *lim = lend_request_limits(r);
	if (lim) {
		char cur[8];
		currency_of(c, lend_request_library_id(r), cur);
		json_object_set_new(
			j, "context",
			json_pack("{s:o, s:i, s:i, s:i, s:o, s:s, s:{s:{s:I, s:I}, s:{s:I, s:I}, s:{s:I, s:I}, s:{s:I, s:I}}}",
			          "book_price", json_money(lend_request_book_price(r), cur), "copies",
			          lend_request_copies(r), "on_loan", lend_request_on_loan(r), "queue_length",
			          lend_request_queue_length(r), "budget", json_money(lend_request_budget(r), cur), "summary",
			          lend_limits_summary(lim), "limits", "loans", "value",
			          (json_int_t)lend_limits_value(lim, LEND_SETTING_MAX_LOANS), "used",
			          (json_int_t)lend_limits_used(lim, LEND_SETTING_MAX_LOANS), "self_service", "value",
			          (json_int_t)lend_limits_value(lim, LEND_SETTING_SELF_SERVICE_LIMIT), "used",
			          (json_int_t)lend_limits_used(lim, LEND_SETTING_SELF_SERVICE_LIMIT), "requests", "value",
			          (json_int_t)lend_limits_value(lim, LEND_SETTING_MAX_REQUESTS), "used",
			          (json_int_t)lend_limits_used(lim, LEND_SETTING_MAX_REQUESTS), "monthly_quota", "value",
			          (json_int_t)lend_limits_value(lim, LEND_SETTING_MONTHLY_QUOTA), "used",
			          (json_int_t)lend_limits_used(lim, LEND_SETTING_MONTHLY_QUOTA)));
	}
	return j;
}

static void print_request(struct cli *c, struct names *nm, const lend_request *r)
{
	char t[TIME_BUF];
	printf("Request %lld: «%s» for %s (card %lld), %s since %s.\n", (long long)lend_request_id(r),
	       names_book(nm, lend_request_book_id(r)), names_reader(nm, lend_request_reader_id(r)),
	       (long long)lend_request_ticket_id(r), request_state_name(lend_request_state(r)),
	       fmt_time(t, lend_request_created_at(r)));
	if (lend_request_origin(r) == LEND_REQUEST_DIRECT)
		printf("  issued directly by the librarian%s\n",
		       lend_request_overridden(r) ? ", past the reader's limits" : "");
	if (lend_request_state(r) == LEND_REQUEST_DENIED)
		printf("  denied: %s\n", lend_reason_string(lend_request_reason(r)));
	else if (lend_request_overridden(r))
		printf("  overridden: %s\n", lend_reason_string(lend_request_reason(r)));
	if (lend_request_text(r)[0])
		printf("  the librarian's words: %s\n", lend_request_text(r));
	if (lend_request_loan_id(r))
		printf("  issued as loan %lld\n", (long long)lend_request_loan_id(r));
	if (lend_request_hold_id(r))
		printf("  in the queue: place %lld\n", (long long)lend_request_hold_id(r));
	const lend_limits *lim = lend_request_limits(r);
	if (lim) {
		char cur[8], m1[MONEY_BUF], m2[MONEY_BUF];
		currency_of(c, lend_request_library_id(r), cur);
		printf("  price %s; %d copies, %d on loan, %d waiting; budget left %s\n",
		       fmt_money(m1, lend_request_book_price(r), cur), lend_request_copies(r), lend_request_on_loan(r),
		       lend_request_queue_length(r), fmt_money(m2, lend_request_budget(r), cur));
		printf("  the reader: %s\n", lend_limits_summary(lim));
	}
}

static int show_request(struct cli *c, int64_t id, const char *done)
{
	lend_request *r = NULL;
	int rc = lend_request_get(c->e, c->a, id, &r);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_out(json_request(c, r));
	} else {
		struct names *nm = names_new(c->e, c->a);
		if (done)
			printf("%s\n", done);
		print_request(c, nm, r);
		names_free(nm);
	}
	lend_request_free(r);
	return EXIT_OK;
}

static int print_requests(struct cli *c, lend_requests *l, const char *none)
{
	size_t n = lend_requests_count(l);
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_request(c, lend_requests_get(l, i)));
		json_out(arr);
	} else if (n == 0) {
		printf("%s\n", none);
	} else {
		struct names *nm = names_new(c->e, c->a);
		for (size_t i = 0; i < n; i++)
			print_request(c, nm, lend_requests_get(l, i));
		names_free(nm);
	}
	lend_requests_free(l);
	return EXIT_OK;
}

/* Parse "ID ID" with options, then open the engine: CLI_GO or an exit code. */
static int two_ids(struct cli *c, int argc, char **argv, struct opt *o, int nopts, const char *w1, const char *w2,
                   int64_t *id1, int64_t *id2)
{
	char **pos;
	int npos;
	int rc = args_parse(c, argc, argv, o, nopts, &pos, &npos, 2, 2);
	if (rc != CLI_GO)
		return rc;
	if (arg_id(c, w1, pos[0], id1) || arg_id(c, w2, pos[1], id2))
		return EXIT_USAGE;
	return cli_open(c, NULL, 1);
}

/* ------------------------------------------------------------ requests */

static int request(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	int64_t ticket, book;
	int rc = two_ids(c, argc, argv, o, 0, "TICKET", "BOOK", &ticket, &book);
	if (rc != CLI_GO)
		return rc;
	lend_request *r = NULL;
	rc = lend_request_create(c->e, c->a, ticket, book, &r);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	int64_t id = lend_request_id(r);
	lend_request_free(r);
	return show_request(c, id, "Your request is with the librarian.");
}

static int requests_list(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--limit", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t lib;
	long long limit = 100;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "LIBRARY", pos[0], &lib) || (o[0].value && arg_int(c, "--limit", o[0].value, 1, 1000, &limit)))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_requests *l = NULL;
	int rc = lend_request_pending(c->e, c->a, lib, (int)limit, &l);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	return print_requests(c, l, "No pending requests.");
}

static int requests_mine(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--state", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t reader;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "READER", pos[0], &reader))
		return EXIT_USAGE;
	int state = 0;
	if (o[0].value) {
		for (int s = LEND_REQUEST_PENDING; s <= LEND_REQUEST_CANCELLED; s++)
			if (strcmp(o[0].value, request_state_name(s)) == 0)
				state = s;
		if (!state)
			return cli_usage_error(c, "--state is pending, approved, denied or cancelled");
	}
	CLI_OPEN(c);
	lend_requests *l = NULL;
	int rc = lend_request_list(c->e, c->a, reader, state, &l);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	return print_requests(c, l, "No requests.");
}

static int one_id(struct cli *c, int argc, char **argv, struct opt *o, int nopts, const char *what, int64_t *id)
{
	char **pos;
	int npos;
	int rc = args_parse(c, argc, argv, o, nopts, &pos, &npos, 1, 1);
	if (rc != CLI_GO)
		return rc;
	if (arg_id(c, what, pos[0], id))
		return EXIT_USAGE;
	return cli_open(c, NULL, 1);
}

static int requests_approve(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	int64_t id;
	int rc = one_id(c, argc, argv, o, 0, "REQUEST", &id);
	if (rc != CLI_GO)
		return rc;
	rc = lend_request_approve(c->e, c->a, id, NULL);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	return show_request(c, id, "Approved.");
}

static int requests_deny(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--reason", .takes_value = 1}, {.name = "--text", .takes_value = 1}};
	int64_t id;
	int rc = one_id(c, argc, argv, o, 2, "REQUEST", &id);
	if (rc != CLI_GO)
		return rc;
	const char *why = o[0].value ? o[0].value : "words";
	int reason = strcmp(why, "budget") == 0              ? LEND_REASON_BUDGET
	             : strcmp(why, "too-many-requests") == 0 ? LEND_REASON_TOO_MANY_REQUESTS
	             : strcmp(why, "too-expensive") == 0     ? LEND_REASON_TOO_EXPENSIVE
	             : strcmp(why, "words") == 0             ? LEND_REASON_LIBRARIAN
	                                                     : 0;
	if (!reason)
		return cli_usage_error(c, "--reason is budget, too-many-requests, too-expensive or words");
	rc = lend_request_deny(c->e, c->a, id, reason, o[1].value);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	return show_request(c, id, "Denied; the reader is told why.");
}

static int requests_cancel(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	int64_t id;
	int rc = one_id(c, argc, argv, o, 0, "REQUEST", &id);
	if (rc != CLI_GO)
		return rc;
	rc = lend_request_cancel(c->e, c->a, id);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	return show_request(c, id, "Cancelled.");
}

/* ----------------------------------------------------- issue and renew */

static int print_loan(struct cli *c, lend_loan *l, const char *done)
{
	if (c->json) {
		json_out(json_loan(l));
	} else {
		struct names *nm = names_new(c->e, c->a);
		char t[TIME_BUF];
		printf("%s Loan %lld: «%s» for %s until %s.\n", done, (long long)lend_loan_id(l),
		       names_book(nm, lend_loan_book_id(l)), names_reader(nm, lend_loan_reader_id(l)),
		       fmt_time(t, lend_loan_due_at(l)));
		names_free(nm);
	}
	lend_loan_free(l);
	return EXIT_OK;
}

static int issue(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--override"}, {.name = "--note", .takes_value = 1}};
	int64_t ticket, book;
	int rc = two_ids(c, argc, argv, o, 2, "TICKET", "BOOK", &ticket, &book);
	if (rc != CLI_GO)
		return rc;
	lend_loan *l = NULL;
	rc = lend_issue(c->e, c->a, ticket, book, o[0].seen ? 1 : 0, o[1].value, &l);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	return print_loan(c, l, "Issued by the librarian.");
}

static int renew(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	int64_t id;
	int rc = one_id(c, argc, argv, o, 0, "LOAN", &id);
	if (rc != CLI_GO)
		return rc;
	lend_loan *l = NULL;
	rc = lend_renew(c->e, c->a, id, &l);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	return print_loan(c, l, "Renewed.");
}

/* ----------------------------------------------------------- the ledger */

static int budget_ledger(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--from", .takes_value = 1}, {.name = "--to", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t lib, from = 0, to = 0;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "LIBRARY", pos[0], &lib) || (o[0].value && arg_time(c, "--from", o[0].value, &from)) ||
	    (o[1].value && arg_time(c, "--to", o[1].value, &to)))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_ledger *l = NULL;
	int rc = lend_ledger_list(c->e, c->a, lib, from, to, &l);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	char cur[8];
	currency_of(c, lib, cur);
	size_t n = lend_ledger_count(l);
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++) {
			const lend_ledger_entry *x = lend_ledger_get(l, i);
			json_array_append_new(
				arr, json_pack("{s:I, s:o, s:s, s:o, s:o, s:o, s:s, s:o}", "id",
				               (json_int_t)lend_ledger_entry_id(x), "at", json_time(lend_ledger_entry_at(x)),
				               "kind", ledger_kind_name(lend_ledger_entry_kind(x)), "amount",
				               json_money(lend_ledger_entry_amount(x), cur), "book_id",
				               id_or_null(lend_ledger_entry_book_id(x)), "actor_id",
				               id_or_null(lend_ledger_entry_actor_id(x)), "note", lend_ledger_entry_note(x),
				               "balance", json_money(lend_ledger_entry_balance(x), cur)));
		}
		json_out(arr);
	} else if (n == 0) {
		printf("No budget changes in this period.\n");
	} else {
		static const char *const heads[] = {"WHEN", "KIND", ">AMOUNT", ">BALANCE", "BOOK", "WHY"};
		struct table *t = table_new(6, heads);
		table_cap(t, 4, 32);
		table_cap(t, 5, 48);
		struct names *nm = names_new(c->e, c->a);
		for (size_t i = 0; i < n; i++) {
			const lend_ledger_entry *x = lend_ledger_get(l, i);
			char when[TIME_BUF], amt[MONEY_BUF], bal[MONEY_BUF];
			int64_t b = lend_ledger_entry_book_id(x);
			table_row(t, fmt_time(when, lend_ledger_entry_at(x)), ledger_kind_name(lend_ledger_entry_kind(x)),
			          fmt_money(amt, lend_ledger_entry_amount(x), cur),
			          fmt_money(bal, lend_ledger_entry_balance(x), cur), b ? names_book(nm, b) : "-",
			          lend_ledger_entry_note(x));
		}
		table_print(t, stdout);
		table_free(t);
		names_free(nm);
	}
	lend_ledger_free(l);
	return EXIT_OK;
}

static int budget_correct(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--note", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t lib, amount;
	CLI_ARGS(c, argc, argv, o, pos, npos, 2, 2);
	int neg = pos[1][0] == '-';
	if (arg_id(c, "LIBRARY", pos[0], &lib) || arg_money(c, "AMOUNT", pos[1] + neg, &amount))
		return EXIT_USAGE;
	if (!o[0].value)
		return cli_usage_error(c, "a correction needs --note with its reason");
	CLI_OPEN(c);
	int rc = lend_budget_correct(c->e, c->a, lib, neg ? -amount : amount, o[0].value);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	lend_library *l = NULL;
	if ((rc = lend_library_get(c->e, c->a, lib, &l)) != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_out(json_library(l));
	} else {
		char m[MONEY_BUF];
		printf("Corrected; the budget is now %s.\n", fmt_money(m, lend_library_budget(l), lend_library_currency(l)));
	}
	lend_library_free(l);
	return EXIT_OK;
}

/* ------------------------------------------------------------- reserves */

static json_t *json_reserve(const lend_reserve *r)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)lend_reserve_id(r),
	                 "library_id", (json_int_t)lend_reserve_library_id(r), "book_id",
	                 (json_int_t)lend_reserve_book_id(r), "hold_id", (json_int_t)lend_reserve_hold_id(r),
	                 "ticket_id", (json_int_t)lend_reserve_ticket_id(r), "reader_id",
	                 (json_int_t)lend_reserve_reader_id(r), "state", reserve_state_name(lend_reserve_state(r)),
	                 "created_at", json_time(lend_reserve_created_at(r)), "expires_at",
	                 json_time(lend_reserve_expires_at(r)), "ended_at", json_time(lend_reserve_ended_at(r)),
	                 "loan_id", id_or_null(lend_reserve_loan_id(r)));
}

static int reserve_list(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--all"}};
	int64_t reader;
	int rc = one_id(c, argc, argv, o, 1, "READER", &reader);
	if (rc != CLI_GO)
		return rc;
	lend_reserves *l = NULL;
	rc = lend_reserve_list(c->e, c->a, reader, o[0].seen ? 0 : 1, &l);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	size_t n = lend_reserves_count(l);
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_reserve(lend_reserves_get(l, i)));
		json_out(arr);
	} else if (n == 0) {
		printf("No copies reserved.\n");
	} else {
		struct names *nm = names_new(c->e, c->a);
		for (size_t i = 0; i < n; i++) {
			const lend_reserve *r = lend_reserves_get(l, i);
			char t[TIME_BUF];
			printf("Reservation %lld: «%s» (%s), %s until %s.\n", (long long)lend_reserve_id(r),
			       names_book(nm, lend_reserve_book_id(r)), names_library(nm, lend_reserve_library_id(r)),
			       reserve_state_name(lend_reserve_state(r)), fmt_time(t, lend_reserve_expires_at(r)));
		}
		names_free(nm);
	}
	lend_reserves_free(l);
	return EXIT_OK;
}

static int reserve_confirm(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	int64_t id;
	int rc = one_id(c, argc, argv, o, 0, "RESERVATION", &id);
	if (rc != CLI_GO)
		return rc;
	lend_loan *l = NULL;
	rc = lend_reserve_confirm(c->e, c->a, id, &l);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	return print_loan(c, l, "Confirmed.");
}

static int reserve_decline(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	int64_t id;
	int rc = one_id(c, argc, argv, o, 0, "RESERVATION", &id);
	if (rc != CLI_GO)
		return rc;
	rc = lend_reserve_decline(c->e, c->a, id);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json)
		json_out(json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", "cancelled"));
	else
		printf("Declined: the copy passes to the next reader.\n");
	return EXIT_OK;
}

/* ------------------------------------------------------------- licenses */

static int print_licenses(struct cli *c, int64_t lib, int64_t book);

static int license_list(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	int64_t lib, book;
	int rc = two_ids(c, argc, argv, o, 0, "LIBRARY", "BOOK", &lib, &book);
	if (rc != CLI_GO)
		return rc;
	return print_licenses(c, lib, book);
}

static int print_licenses(struct cli *c, int64_t lib, int64_t book)
{
	lend_licenses *l = NULL;
	int rc = lend_license_list(c->e, c->a, lib, book, &l);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	size_t n = lend_licenses_count(l);
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++) {
			const lend_license *x = lend_licenses_get(l, i);
			int64_t left = lend_license_checkouts_left(x);
			json_array_append_new(
				arr, json_pack("{s:I, s:I, s:I, s:i, s:o, s:o, s:i, s:o, s:b}", "id",
				               (json_int_t)lend_license_id(x), "library_id",
				               (json_int_t)lend_license_library_id(x), "book_id",
				               (json_int_t)lend_license_book_id(x), "copies", lend_license_copies(x),
				               "expires_at", json_time(lend_license_expires_at(x)), "checkouts_left",
				               left == LEND_UNLIMITED ? json_null() : json_integer((json_int_t)left), "on_loan",
				               lend_license_on_loan(x), "closed_at", json_time(lend_license_closed_at(x)), "open",
				               lend_license_closed_at(x) == 0));
		}
		json_out(arr);
	} else if (n == 0) {
		printf("No licenses with terms: every copy is perpetual.\n");
	} else {
		static const char *const heads[] = {">ID", ">COPIES", ">ON LOAN", "EXPIRES", ">CHECKOUTS", "STATE"};
		struct table *t = table_new(6, heads);
		for (size_t i = 0; i < n; i++) {
			const lend_license *x = lend_licenses_get(l, i);
			char id[24], cp[16], ol[16], ex[TIME_BUF], co[24];
			snprintf(id, sizeof id, "%lld", (long long)lend_license_id(x));
			snprintf(cp, sizeof cp, "%d", lend_license_copies(x));
			snprintf(ol, sizeof ol, "%d", lend_license_on_loan(x));
			if (lend_license_checkouts_left(x) == LEND_UNLIMITED)
				snprintf(co, sizeof co, "unlimited");
			else
				snprintf(co, sizeof co, "%lld", (long long)lend_license_checkouts_left(x));
			table_row(t, id, cp, ol, fmt_time(ex, lend_license_expires_at(x)), co,
			          lend_license_closed_at(x) ? "closed" : "open");
		}
		table_print(t, stdout);
		table_free(t);
	}
	lend_licenses_free(l);
	return EXIT_OK;
}

static int license_add(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--expires", .takes_value = 1}, {.name = "--checkouts", .takes_value = 1}};
	char **pos;
	int npos;
	int64_t lib, book, expires = 0;
	long long copies, checkouts = LEND_UNLIMITED;
	CLI_ARGS(c, argc, argv, o, pos, npos, 3, 3);
	if (arg_id(c, "LIBRARY", pos[0], &lib) || arg_id(c, "BOOK", pos[1], &book) ||
	    arg_int(c, "COPIES", pos[2], 1, 100000, &copies) ||
	    (o[0].value && arg_time(c, "--expires", o[0].value, &expires)) ||
	    (o[1].value && arg_int(c, "--checkouts", o[1].value, 1, 2147483647LL, &checkouts)))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int64_t id = 0;
	int rc = lend_license_add(c->e, c->a, lib, book, (int)copies, expires, checkouts, &id);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (!c->json)
		printf("License %lld added.\n", (long long)id);
	return print_licenses(c, lib, book);
}

const struct command cmds_desk[] = {
	{NULL, "request", "TICKET BOOK", "ask the librarian for a book",
	 "Ask the librarian for a book through one of your cards (run as the reader).\n"
	 "Refused for a book you have or wait for, a request already pending, or past\n"
	 "the library's max open requests.\n\nExample:\n  lend --as reader:1 request 1 42\n",
	 SECTION, request},
	{"requests", "list", "LIBRARY [--limit N]", "a library's pending requests, oldest first",
	 "The pending requests of a library, oldest first, each with what the\n"
	 "librarian needs to decide: the reader's limits and what is used of them,\n"
	 "the book's price, copies held and on loan, the queue, the budget left.\n\n"
	 "Example:\n  lend --as librarian:7 requests list 1\n",
	 SECTION, requests_list},
	{"requests", "mine", "READER [--state pending|approved|denied|cancelled]", "a reader's requests",
	 "A reader's requests across his libraries, with the librarian's answers,\n"
	 "and the books a librarian issued to him directly.\n\nExample:\n  lend --as reader:1 requests mine 1\n",
	 SECTION, requests_mine},
	{"requests", "approve", "REQUEST", "approve a request: issue, buy and issue, or queue",
	 "Approve in one step: a free copy is issued now; a book not in the fund is\n"
	 "bought from the budget and issued; with every copy on loan the reader joins\n"
	 "the queue. Refused, changing nothing, when the budget or a limit does not\n"
	 "allow it.\n\nExample:\n  lend --as librarian:7 requests approve 12\n",
	 SECTION, requests_approve},
	{"requests", "deny", "REQUEST [--reason budget|too-many-requests|too-expensive|words] [--text TEXT]",
	 "deny a request with a reason",
	 "Deny a request; the reader is told the reason and your words. --reason\n"
	 "words (the default) needs --text.\n\n"
	 "Example:\n  lend --as librarian:7 requests deny 12 --reason budget\n",
	 SECTION, requests_deny},
	{"requests", "cancel", "REQUEST", "withdraw your pending request",
	 "Withdraw a request the librarian has not answered yet.\n\nExample:\n  lend --as reader:1 requests cancel 12\n",
	 SECTION, requests_cancel},
	{NULL, "issue", "TICKET BOOK [--override] [--note TEXT]", "issue a book to a reader (librarian)",
	 "Issue a book directly, without a request, under the reader's limits unless\n"
	 "--override is given (the override is recorded). A book not in the fund is\n"
	 "bought from the budget.\n\nExample:\n  lend --as librarian:7 issue 3 42 --note \"для выставки\"\n",
	 SECTION, issue},
	{NULL, "renew", "LOAN", "extend a loan once by one loan period",
	 "Extend a loan by one loan period, once, where the library allows renewals\n"
	 "and nobody waits for the book.\n\nExample:\n  lend --as reader:1 renew 5\n",
	 SECTION, renew},
	{"budget", "ledger", "LIBRARY [--from TIME] [--to TIME]", "list the budget ledger for a period",
	 "Every change of a library's budget in [from, to): top-ups, purchases (the\n"
	 "book and why), corrections, with the balance after each.\n\n"
	 "Example:\n  lend budget ledger 1 --from 2026-03-01 --to 2026-04-01\n",
	 SECTION, budget_ledger},
	{"budget", "correct", "LIBRARY AMOUNT --note TEXT", "correct the budget (either sign)",
	 "Correct a library's budget by AMOUNT (negative to lower it), with the reason;\n"
	 "never below zero.\n\nExample:\n  lend budget correct 1 -12.50 --note \"bank fee\"\n",
	 SECTION, budget_correct},
	{"reserve", "list", "READER [--all]", "copies reserved for a reader to confirm",
	 "Copies held for a reader in a library whose hand-off mode is reserve, until\n"
	 "he confirms or they lapse (--all: past ones too).\n\nExample:\n  lend --as reader:1 reserve list 1\n",
	 SECTION, reserve_list},
	{"reserve", "confirm", "RESERVATION", "confirm a reserved copy: the loan starts",
	 "Confirm a copy reserved for you: the loan starts now.\n\nExample:\n  lend --as reader:1 reserve confirm 3\n",
	 SECTION, reserve_confirm},
	{"reserve", "decline", "RESERVATION", "let a reserved copy go to the next reader",
	 "Let a reserved copy go: you leave the queue and the copy passes on.\n\n"
	 "Example:\n  lend --as reader:1 reserve decline 3\n",
	 SECTION, reserve_decline},
	{"license", "add", "LIBRARY BOOK COPIES [--expires TIME] [--checkouts N]", "add a license with terms",
	 "Add a license (like ODL) to a library's fund: COPIES loans at once, until\n"
	 "--expires, for --checkouts loans. The license expiring soonest is spent\n"
	 "first.\n\nExample:\n  lend license add 1 42 2 --expires 2027-01-01 --checkouts 20\n",
	 SECTION, license_add},
	{"license", "list", "LIBRARY BOOK", "list a fund entry's licenses",
	 "The licenses of a book in a library, open and closed, with their loans.\n\n"
	 "Example:\n  lend license list 1 42\n",
	 SECTION, license_list},
	{0},
};
