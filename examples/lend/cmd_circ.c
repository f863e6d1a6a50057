/* cmd_circ.c — lend verdict, take, return, loans, and lend queue ... */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *button(int verdict)
{
	switch (verdict) {
	case LEND_VERDICT_TAKE: return "Take from the library («Взять в библиотеке»)";
	case LEND_VERDICT_QUEUE: return "Join the queue («Встать в очередь»)";
	case LEND_VERDICT_REQUEST: return "Ask the librarian («Запросить у библиотекаря»)";
	case LEND_VERDICT_YOURS: return "Read («Читать»)";
	default: return "none: the book cannot be borrowed on this card";
	}
}

static int verdict(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t ticket, book;
	CLI_ARGS(c, argc, argv, o, pos, npos, 2, 2);
	if (arg_id(c, "TICKET", pos[0], &ticket) || arg_id(c, "BOOK", pos[1], &book))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_availability *v = NULL;
	int rc = lend_availability_get(c->e, c->a, ticket, book, &v);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_out(json_availability(v, ticket, book));
		lend_availability_free(v);
		return EXIT_OK;
	}
	int vd = lend_availability_verdict(v), reason = lend_availability_reason(v);
	struct names *nm = names_new(c->e, c->a);
	kv("book", "«%s» (%lld)", names_book(nm, book), (long long)book);
	kv("verdict", "%s", verdict_name(vd));
	kv("button", "%s", button(vd));
	kv("message", "%s", lend_availability_message(v));
	if (reason && vd != LEND_VERDICT_YOURS && !strstr(lend_availability_message(v), lend_reason_string(reason)))
		kv("reason", "%s", lend_reason_string(reason));
	if (vd == LEND_VERDICT_TAKE && lend_availability_buys(v))
		kv("fund", "not in the fund yet: the library buys a copy from its budget");
	if (vd == LEND_VERDICT_QUEUE) {
		char t[TIME_BUF];
		kv("position", "%d%s", lend_availability_position(v), lend_availability_queued(v) ? " (already waiting)" : "");
		kv("estimate", "%s", fmt_time(t, lend_availability_wait_until(v)));
	}
	if (vd == LEND_VERDICT_YOURS)
		kv("loan", "%lld", (long long)lend_availability_loan_id(v));
	if (vd == LEND_VERDICT_REQUEST)
		printf("(requests to the librarian come in a later version)\n");
	names_free(nm);
	lend_availability_free(v);
	return EXIT_OK;
}

static int take(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t ticket, book;
	CLI_ARGS(c, argc, argv, o, pos, npos, 2, 2);
	if (arg_id(c, "TICKET", pos[0], &ticket) || arg_id(c, "BOOK", pos[1], &book))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int buys = 0;
	lend_availability *v = NULL;
	if (lend_availability_get(c->e, c->a, ticket, book, &v) == LEND_OK)
		buys = lend_availability_verdict(v) == LEND_VERDICT_TAKE && lend_availability_buys(v);
	lend_availability_free(v);
	lend_loan *l = NULL;
	int rc = lend_take(c->e, c->a, ticket, book, &l);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_t *j = json_loan(l);
		json_object_set_new(j, "bought", json_boolean(buys));
		json_out(j);
	} else {
		struct names *nm = names_new(c->e, c->a);
		char t[TIME_BUF];
		printf("Loan %lld: «%s» is yours until %s (%s).\n", (long long)lend_loan_id(l),
		       names_book(nm, lend_loan_book_id(l)), fmt_time(t, lend_loan_due_at(l)),
		       names_library(nm, lend_loan_library_id(l)));
		if (buys)
			printf("The library bought the copy into its fund for you.\n");
		printf("It returns by itself when the loan ends: there is nothing to bring back.\n");
		names_free(nm);
	}
	lend_loan_free(l);
	return EXIT_OK;
}

static int do_return(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t id;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "LOAN", pos[0], &id))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int rc = lend_return(c->e, c->a, id);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	lend_loan *l = NULL;
	if ((rc = lend_loan_get(c->e, c->a, id, &l)) != LEND_OK)
		return cli_fail(c, rc);
	if (c->json) {
		json_out(json_loan(l));
	} else {
		struct names *nm = names_new(c->e, c->a);
		printf("Returned loan %lld: «%s» is back in %s.\n", (long long)id, names_book(nm, lend_loan_book_id(l)),
		       names_library(nm, lend_loan_library_id(l)));
		names_free(nm);
	}
	lend_loan_free(l);
	return EXIT_OK;
}

static const char *loan_state(char *buf, size_t len, const lend_loan *l)
{
	char t[TIME_BUF];
	switch (lend_loan_end_reason(l)) {
	case LEND_END_NONE: snprintf(buf, len, "active"); break;
	case LEND_END_EXPIRED: snprintf(buf, len, "ended %s", fmt_day(t, lend_loan_ended_at(l))); break;
	case LEND_END_RETURNED: snprintf(buf, len, "returned %s", fmt_day(t, lend_loan_ended_at(l))); break;
	case LEND_END_REVOKED: snprintf(buf, len, "revoked %s", fmt_day(t, lend_loan_ended_at(l))); break;
	default: snprintf(buf, len, "?"); break;
	}
	return buf;
}

static int loans(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--active"}};
	char **pos;
	int npos;
	int64_t reader;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "READER", pos[0], &reader))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_loans *ls = NULL;
	int rc = lend_loan_list(c->e, c->a, reader, o[0].seen > 0, &ls);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	size_t n = lend_loans_count(ls);
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_loan(lend_loans_get(ls, i)));
		json_out(arr);
	} else if (n == 0) {
		printf(o[0].seen ? "Reader %lld has no book on loan.\n" : "Reader %lld has never borrowed a book.\n",
		       (long long)reader);
	} else {
		static const char *const heads[] = {">LOAN", "BOOK", "LIBRARY", "HOW", "ISSUED", "DUE", "STATE"};
		struct table *t = table_new(7, heads);
		table_cap(t, 1, 40);
		table_cap(t, 2, 32);
		struct names *nm = names_new(c->e, c->a);
		for (size_t i = 0; i < n; i++) {
			const lend_loan *l = lend_loans_get(ls, i);
			char id[24], is[TIME_BUF], du[TIME_BUF], st[64];
			snprintf(id, sizeof id, "%lld", (long long)lend_loan_id(l));
			table_row(t, id, names_book(nm, lend_loan_book_id(l)), names_library(nm, lend_loan_library_id(l)),
			          origin_name(lend_loan_origin(l)), fmt_time(is, lend_loan_issued_at(l)),
			          fmt_time(du, lend_loan_due_at(l)), loan_state(st, sizeof st, l));
		}
		table_print(t, stdout);
		table_free(t);
		names_free(nm);
	}
	lend_loans_free(ls);
	return EXIT_OK;
}

/* ---------------------------------------------------------------- queue */

static void print_hold(struct cli *c, const lend_hold *h, const char *what)
{
	if (c->json) {
		json_out(json_hold(h));
		return;
	}
	struct names *nm = names_new(c->e, c->a);
	char t[TIME_BUF], s[TIME_BUF];
	printf("%s «%s» at %s (queue place %lld)", what, names_book(nm, lend_hold_book_id(h)),
	       names_library(nm, lend_hold_library_id(h)), (long long)lend_hold_id(h));
	if (lend_hold_state(h) == LEND_HOLD_WAITING) {
		printf(": number %d, estimated %s", lend_hold_position(h), fmt_time(t, lend_hold_wait_until(h)));
		if (lend_hold_suspended_until(h))
			printf("; others go first until %s", fmt_time(s, lend_hold_suspended_until(h)));
	} else {
		printf(": %s", hold_state_name(lend_hold_state(h)));
		if (lend_hold_loan_id(h))
			printf(" (loan %lld)", (long long)lend_hold_loan_id(h));
	}
	printf(".\n");
	names_free(nm);
}

static int queue_join(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t ticket, book;
	CLI_ARGS(c, argc, argv, o, pos, npos, 2, 2);
	if (arg_id(c, "TICKET", pos[0], &ticket) || arg_id(c, "BOOK", pos[1], &book))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_hold *h = NULL;
	int rc = lend_queue_join(c->e, c->a, ticket, book, &h);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	print_hold(c, h, "Joined the queue for");
	lend_hold_free(h);
	return EXIT_OK;
}

enum hold_op { HOLD_LEAVE, HOLD_SUSPEND, HOLD_RESUME };

static int hold_change(struct cli *c, int argc, char **argv, enum hold_op op)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t id, until = 0;
	int want = op == HOLD_SUSPEND ? 2 : 1;
	CLI_ARGS(c, argc, argv, o, pos, npos, want, want);
	if (arg_id(c, "HOLD", pos[0], &id) || (op == HOLD_SUSPEND && arg_time(c, "UNTIL", pos[1], &until)))
		return EXIT_USAGE;
	CLI_OPEN(c);
	int rc = op == HOLD_LEAVE     ? lend_queue_leave(c->e, c->a, id)
	         : op == HOLD_SUSPEND ? lend_queue_suspend(c->e, c->a, id, until)
	                              : lend_queue_resume(c->e, c->a, id);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	lend_hold *h = NULL;
	if ((rc = lend_hold_get(c->e, c->a, id, &h)) != LEND_OK)
		return cli_fail(c, rc);
	print_hold(c, h, op == HOLD_LEAVE ? "Left the queue for" : op == HOLD_SUSPEND ? "Suspended the place for" : "Resumed the place for");
	lend_hold_free(h);
	return EXIT_OK;
}

static int queue_leave(struct cli *c, int argc, char **argv)
{
	return hold_change(c, argc, argv, HOLD_LEAVE);
}

static int queue_suspend(struct cli *c, int argc, char **argv)
{
	return hold_change(c, argc, argv, HOLD_SUSPEND);
}

static int queue_resume(struct cli *c, int argc, char **argv)
{
	return hold_change(c, argc, argv, HOLD_RESUME);
}

static int queue_show(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t lib, book;
	CLI_ARGS(c, argc, argv, o, pos, npos, 2, 2);
	if (arg_id(c, "LIBRARY", pos[0], &lib) || arg_id(c, "BOOK", pos[1], &book))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_queue *q = NULL;
	int rc = lend_queue_get(c->e, c->a, lib, book, &q);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	size_t n = lend_queue_length(q);
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_hold(lend_queue_hold(q, i)));
		json_out(json_pack("{s:I, s:I, s:o}", "library_id", (json_int_t)lib, "book_id", (json_int_t)book, "holds",
		                   arr));
	} else {
		struct names *nm = names_new(c->e, c->a);
		if (n == 0) {
			printf("Nobody waits for «%s» at %s.\n", names_book(nm, book), names_library(nm, lib));
		} else {
			printf("Queue for «%s» at %s:\n\n", names_book(nm, book), names_library(nm, lib));
			static const char *const heads[] = {">POS", ">HOLD", "READER", ">TICKET", "JOINED", "ESTIMATE", "NOTE"};
			struct table *t = table_new(7, heads);
			for (size_t i = 0; i < n; i++) {
				const lend_hold *h = lend_queue_hold(q, i);
				char p[16], id[24], tk[24], j[TIME_BUF], w[TIME_BUF], s[TIME_BUF], note[64] = "";
				snprintf(p, sizeof p, "%d", lend_hold_position(h));
				snprintf(id, sizeof id, "%lld", (long long)lend_hold_id(h));
				snprintf(tk, sizeof tk, "%lld", (long long)lend_hold_ticket_id(h));
				if (lend_hold_suspended_until(h))
					snprintf(note, sizeof note, "others first until %s", fmt_day(s, lend_hold_suspended_until(h)));
				table_row(t, p, id, names_reader(nm, lend_hold_reader_id(h)), tk, fmt_time(j, lend_hold_joined_at(h)),
				          fmt_time(w, lend_hold_wait_until(h)), note);
			}
			table_print(t, stdout);
			table_free(t);
		}
		names_free(nm);
	}
	lend_queue_free(q);
	return EXIT_OK;
}

static int queue_mine(struct cli *c, int argc, char **argv)
{
	struct opt o[1] = {{0}};
	char **pos;
	int npos;
	int64_t reader;
	CLI_ARGS(c, argc, argv, o, pos, npos, 1, 1);
	if (arg_id(c, "READER", pos[0], &reader))
		return EXIT_USAGE;
	CLI_OPEN(c);
	lend_holds *hs = NULL;
	int rc = lend_hold_list(c->e, c->a, reader, &hs);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	size_t n = lend_holds_count(hs);
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_hold(lend_holds_get(hs, i)));
		json_out(arr);
	} else if (n == 0) {
		printf("Reader %lld waits in no queue.\n", (long long)reader);
	} else {
		static const char *const heads[] = {">HOLD", "BOOK", "LIBRARY", ">POS", "ESTIMATE", "NOTE"};
		struct table *t = table_new(6, heads);
		table_cap(t, 1, 40);
		struct names *nm = names_new(c->e, c->a);
		for (size_t i = 0; i < n; i++) {
			const lend_hold *h = lend_holds_get(hs, i);
			char id[24], p[16], w[TIME_BUF], s[TIME_BUF], note[64] = "";
			snprintf(id, sizeof id, "%lld", (long long)lend_hold_id(h));
			snprintf(p, sizeof p, "%d", lend_hold_position(h));
			if (lend_hold_suspended_until(h))
				snprintf(note, sizeof note, "others first until %s", fmt_day(s, lend_hold_suspended_until(h)));
			table_row(t, id, names_book(nm, lend_hold_book_id(h)), names_library(nm, lend_hold_library_id(h)), p,
			          fmt_time(w, lend_hold_wait_until(h)), note);
		}
		table_print(t, stdout);
		table_free(t);
		names_free(nm);
	}
	lend_holds_free(hs);
	return EXIT_OK;
}

const struct command cmds_circ[] = {
	{NULL, "verdict", "TICKET BOOK", "which button a reader sees for a book, and why",
	 "Ask the engine for the one availability verdict of a book on a library\n"
	 "card: take, queue (with the would-be position and an estimated date),\n"
	 "request, yours, or refused (with the reason).\n"
	 "\n"
	 "Example:\n"
	 "  lend --as reader:1 verdict 1 42\n",
	 4, verdict},
	{NULL, "take", "TICKET BOOK", "take a book on a library card (self-service)",
	 "Take a book on a library card: a free copy of the library's fund, or one\n"
	 "copy the library buys within its max-self-price and its budget, in one\n"
	 "atomic step. Refused with the rule that stops it.\n"
	 "\n"
	 "Example:\n"
	 "  lend --as reader:1 take 1 42\n",
	 4, take},
	{NULL, "return", "LOAN", "return a loan early",
	 "Return a loan before it ends by itself; the copy passes to the first reader\n"
	 "waiting for it.\n\nExample:\n  lend --as reader:1 return 5\n",
	 4, do_return},
	{NULL, "loans", "READER [--active]", "a reader's loans in all his libraries",
	 "List a reader's loans from all his libraries, current ones first (\"My books\n"
	 "-> Library\"). --active lists only the current ones.\n\nExample:\n  lend loans 1 --active\n",
	 4, loans},
	{"queue", "join", "TICKET BOOK", "wait for a book whose copies are all on loan",
	 "Join the queue for a book whose copies are all on loan. The first reader\n"
	 "waiting gets a freed copy automatically.\n\nExample:\n  lend --as reader:2 queue join 2 42\n",
	 4, queue_join},
	{"queue", "leave", "HOLD", "leave a queue",
	 "Leave a queue.\n\nExample:\n  lend queue leave 3\n", 4, queue_leave},
	{"queue", "suspend", "HOLD UNTIL", "let the next readers go first until a date",
	 "Keep the place but let the next readers go first until UNTIL (at most a\n"
	 "year): YYYY-MM-DD, \"YYYY-MM-DD HH:MM\" (local time; Z at the end for\n"
	 "UTC) or @UNIX_SECONDS.\n\nExample:\n  lend queue suspend 3 2026-07-01\n",
	 4, queue_suspend},
	{"queue", "resume", "HOLD", "take a suspended place up again",
	 "Resume a suspended queue place.\n\nExample:\n  lend queue resume 3\n", 4, queue_resume},
	{"queue", "show", "LIBRARY BOOK", "the queue for a book in a library (staff)",
	 "Show who waits for a book in a library, first first, with estimates.\n\nExample:\n  lend queue show 1 42\n",
	 4, queue_show},
	{"queue", "mine", "READER", "the queues a reader waits in",
	 "Show a reader's places in every queue of all his libraries.\n\nExample:\n  lend --as reader:2 queue mine 2\n",
	 4, queue_mine},
	{0},
};
