/* cmd_demo.c — `lend demo`: the reader's manual, told on a fresh database.
 *
 * Two libraries connect, readers get cards (one at both libraries) and a
 * librarian her desk, a reader signs in with his password, a public-domain
 * catalog comes in and is searched as the reader types, and the story plays with the demo driving the clock:
 * takes, the self-service limit, requests to the librarian (one approved, one
 * denied with a reason), a take that buys a copy, an age refusal, a queue,
 * a reminder before a loan ends, fifteen days passing with the automatic
 * return and hand-off, the reader's shelf ("My books") across both
 * libraries, the engine's self-check and the notifications with their
 * words. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lend/sys/notifier.h>

#include "cli.h"

#ifndef LEND_DEMO_CATALOG_SOURCE
#define LEND_DEMO_CATALOG_SOURCE "data/demo/catalog.csv"
#endif
#ifndef LEND_DEMO_CATALOG_INSTALLED
#define LEND_DEMO_CATALOG_INSTALLED "/usr/local/share/liblend/catalog.csv"
#endif

#define DAY 86400
#define DEMO_START 1772442000 /* 2026-03-02 09:00 UTC */

struct demo {
	struct cli *c;
	lend_engine *e;
	lend_actor *admin;
	struct names *nm;
	struct import_result cat;
	int step;
	int64_t khab, nekr;          /* libraries */
	int64_t ivan, masha, anna;   /* readers */
	int64_t olga;                /* the Khabarovsk librarian */
	int64_t t_ivan_k, t_ivan_n;  /* Ivan's cards at both */
	int64_t t_masha, t_anna;
	lend_actor *r_ivan, *r_masha, *r_anna, *librarian;
};

static void step(struct demo *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void step(struct demo *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("\n== %d. ", ++d->step);
	vprintf(fmt, ap);
	printf(" ==\n");
	va_end(ap);
}

/* An engine call that must succeed: otherwise the demo stops with why. */
#define MUST(d, call)                                                   \
	do {                                                                \
		int must_rc_ = (call);                                          \
		if (must_rc_ != LEND_OK) {                                      \
			fprintf(stderr, "lend demo: %s failed\n", #call);           \
			return cli_fail((d)->c, must_rc_);                          \
		}                                                               \
	} while (0)

static int64_t book(struct demo *d, const char *title, int kind)
{
	for (size_t i = 0; i < d->cat.nbooks; i++)
		if (d->cat.books[i].kind == kind && strcmp(d->cat.books[i].title, title) == 0)
			return d->cat.books[i].id;
	return 0;
}

static const char *title(struct demo *d, int64_t id)
{
	return names_book(d->nm, id);
}

static const char *when(char *buf, int64_t t)
{
	return fmt_time(buf, t);
}

static int add_library(struct demo *d, const char *name, const char *address, int64_t *id)
{
	lend_library *l = NULL;
	MUST(d, lend_library_new(&l));
	lend_library_set_name(l, name);
	lend_library_set_address(l, address);
	lend_library_set_currency(l, "RUB");
	int rc = lend_library_add(d->e, d->admin, l, id);
	lend_library_free(l);
	MUST(d, rc);
	return EXIT_OK;
}

static int add_reader(struct demo *d, const char *name, int y, int m, int day, int64_t *id, lend_actor **actor)
{
	lend_reader *r = NULL;
	MUST(d, lend_reader_new(&r));
	lend_reader_set_name(r, name);
	lend_reader_set_birth_date(r, y, m, day);
	int rc = lend_reader_add(d->e, d->admin, r, id);
	lend_reader_free(r);
	MUST(d, rc);
	MUST(d, lend_actor_reader(d->e, *id, actor));
	return EXIT_OK;
}

static int issue(struct demo *d, int64_t lib, int64_t reader, int64_t *ticket, char *number, size_t len)
{
	lend_ticket *t = NULL;
	MUST(d, lend_ticket_issue(d->e, d->admin, lib, reader, NULL, &t));
	*ticket = lend_ticket_id(t);
	snprintf(number, len, "%s", lend_ticket_number(t));
	lend_ticket_free(t);
	return EXIT_OK;
}

static int64_t budget(struct demo *d, int64_t lib)
{
	lend_library *l = NULL;
	int64_t b = -1;
	if (lend_library_get(d->e, d->admin, lib, &l) == LEND_OK)
		b = lend_library_budget(l);
	lend_library_free(l);
	return b;
}

/* A take that must succeed; prints the loan. */
static int take(struct demo *d, const lend_actor *who, int64_t ticket, int64_t b, const char *lead, int64_t *loan_id)
{
	lend_loan *l = NULL;
	MUST(d, lend_take(d->e, who, ticket, b, &l));
	char t[TIME_BUF];
	printf("%sLoan %lld: «%s», due %s.\n", lead, (long long)lend_loan_id(l), title(d, b),
	       when(t, lend_loan_due_at(l)));
	if (loan_id)
		*loan_id = lend_loan_id(l);
	lend_loan_free(l);
	return EXIT_OK;
}

/* A take that the rules must refuse; prints the engine's refusal. */
static int refused_take(struct demo *d, const lend_actor *who, int64_t ticket, int64_t b, int want_reason)
{
	int rc = lend_take(d->e, who, ticket, b, NULL);
	if (rc == LEND_OK) {
		fprintf(stderr, "lend demo: the take of «%s» was expected to be refused\n", title(d, b));
		return EXIT_OTHER;
	}
	char text[1024];
	cli_error_text(d->c, rc, text, sizeof text);
	if (rc != LEND_EDENIED || lend_engine_reason(d->e) != want_reason) {
		fprintf(stderr, "lend demo: unexpected answer: %s\n", text);
		return cli_fail(d->c, rc);
	}
	printf("  lend: %s\n", text);
	return EXIT_OK;
}

static int show_verdict(struct demo *d, const lend_actor *who, int64_t ticket, int64_t b, int want)
{
	lend_availability *v = NULL;
	MUST(d, lend_availability_get(d->e, who, ticket, b, &v));
	int got = lend_availability_verdict(v);
	const char *msg = lend_availability_message(v);
	if (strncmp(msg, "refused: ", 9) == 0)
		msg += 9;
	printf("  verdict: %s — %s\n", verdict_name(got), msg);
	lend_availability_free(v);
	if (got != want) {
		fprintf(stderr, "lend demo: expected the verdict %s\n", verdict_name(want));
		return EXIT_OTHER;
	}
	return EXIT_OK;
}

static int join(struct demo *d, const lend_actor *who, const char *name, int64_t ticket, int64_t b)
{
	lend_hold *h = NULL;
	MUST(d, lend_queue_join(d->e, who, ticket, b, &h));
	char t[TIME_BUF];
	printf("%s joins the queue: number %d, expected to get the book by %s.\n", name, lend_hold_position(h),
	       when(t, lend_hold_wait_until(h)));
	lend_hold_free(h);
	return EXIT_OK;
}

/* One search box query as the reader: suggestions (prefix) or a full
 * search, with his verdicts in the library. Prints "  TEXT → «A» (authors),
 * «B» ..." (full: one line per hit, with the verdict). Sets *first to the
 * first hit's book (0: none). */
static int look_up(struct demo *d, const lend_actor *who, const char *text, int prefix, int limit, int64_t *first)
{
	lend_search_query *q = NULL;
	MUST(d, lend_search_query_new(&q));
	lend_search_query_set_text(q, text);
	lend_search_query_set_library(q, d->khab);
	lend_search_query_set_limit(q, limit);
	lend_search_results *r = NULL;
	int rc = prefix ? lend_suggest(d->e, who, q, &r) : lend_search(d->e, who, q, &r);
	lend_search_query_free(q);
	MUST(d, rc);
	size_t n = lend_search_results_count(r);
	*first = n ? lend_search_hit_book_id(lend_search_results_get(r, 0)) : 0;
	if (prefix) {
		int w = u8_width(text);
		printf("  %s%*s→", text, w < 14 ? 14 - w : 1, "");
		for (size_t i = 0; i < n; i++) {
			const lend_search_hit *h = lend_search_results_get(r, i);
			printf("%s «%s»%s", i ? "," : "", lend_search_hit_title(h),
			       lend_search_hit_kind(h) == LEND_KIND_AUDIOBOOK ? " (audio)" : "");
		}
		printf("%s\n", n ? "" : " (nothing)");
	} else {
		for (size_t i = 0; i < n; i++) {
			const lend_search_hit *h = lend_search_results_get(r, i);
			int v = lend_search_hit_has_verdict(h) ? lend_search_hit_verdict(h) : -1;
			printf("  «%s», %s, %s: %s\n", lend_search_hit_title(h), lend_search_hit_authors(h),
			       kind_name(lend_search_hit_kind(h)), v < 0 ? "-" : verdict_name(v));
		}
	}
	lend_search_results_free(r);
	return EXIT_OK;
}

/* A request to the librarian; prints it. */
static int ask(struct demo *d, const lend_actor *who, const char *name, int64_t ticket, int64_t b, int64_t *id)
{
	lend_request *r = NULL;
	MUST(d, lend_request_create(d->e, who, ticket, b, &r));
	*id = lend_request_id(r);
	printf("%s presses it: request %lld for «%s» goes to the librarian.\n", name, (long long)*id, title(d, b));
	lend_request_free(r);
	return EXIT_OK;
}

/* The notifications of one kind written since id after, with the reader's
 * words; returns how many, or -1 on failure. */
static int print_notes(struct demo *d, int kind, int64_t after)
{
	lend_notifications *ns = NULL;
	if (lend_outbox_list(d->e, d->admin, 1, 10000, &ns) != LEND_OK)
		return -1;
	int n = 0;
	for (size_t i = 0; i < lend_notifications_count(ns); i++) {
		const lend_notification *note = lend_notifications_get(ns, i);
		if (lend_notification_kind(note) != kind || lend_notification_id(note) <= after)
			continue;
		printf("  to %s: %s\n", names_reader(d->nm, lend_notification_reader_id(note)),
		       lend_notification_text(note, NULL));
		n++;
	}
	lend_notifications_free(ns);
	return n;
}

/* The newest notification's id (0: none). */
static int64_t last_note(struct demo *d)
{
	lend_notifications *ns = NULL;
	int64_t id = 0;
	if (lend_outbox_list(d->e, d->admin, 0, 10000, &ns) == LEND_OK)
		for (size_t i = 0; i < lend_notifications_count(ns); i++)
			if (lend_notification_id(lend_notifications_get(ns, i)) > id)
				id = lend_notification_id(lend_notifications_get(ns, i));
	lend_notifications_free(ns);
	return id;
}

/* "My books": the reader's shelf across his libraries, as he sees it. */
static int shelf_table(struct demo *d, const lend_actor *who, int64_t reader)
{
	lend_shelf *sh = NULL;
	MUST(d, lend_shelf_get(d->e, who, reader, LEND_SHELF_ALL, LEND_KIND_ANY, 0, 0, 100, &sh));
	static const char *const heads[] = {"SECTION", "BOOK", "LIBRARY", "STATE"};
	struct table *t = table_new(4, heads);
	table_cap(t, 1, 34);
	for (size_t i = 0; i < lend_shelf_count(sh); i++) {
		const lend_shelf_item *it = lend_shelf_get_item(sh, i);
		int sec = lend_shelf_item_section(it);
		char st[128], day[TIME_BUF];
		const char *section = "";
		switch (sec) {
		case LEND_SHELF_LOANS:
			section = "reading";
			snprintf(st, sizeof st, "until %s, %d day%s left", fmt_day(day, lend_shelf_item_due_at(it)),
			         lend_shelf_item_days_left(it), lend_shelf_item_days_left(it) == 1 ? "" : "s");
			break;
		case LEND_SHELF_QUEUE:
			section = "waiting";
			snprintf(st, sizeof st, "number %d, by %s", lend_shelf_item_position(it),
			         fmt_day(day, lend_shelf_item_wait_until(it)));
			break;
		case LEND_SHELF_REQUESTS:
			section = "asked";
			if (lend_shelf_item_request_state(it) == LEND_REQUEST_DENIED)
				snprintf(st, sizeof st, "denied: %s", lend_reason_string(lend_shelf_item_reason(it)));
			else
				snprintf(st, sizeof st, "with the librarian");
			break;
		case LEND_SHELF_BOUGHT:
			section = "bought";
			snprintf(st, sizeof st, "yours for ever");
			break;
		case LEND_SHELF_DEFERRED:
			section = "put aside";
			snprintf(st, sizeof st, "-");
			break;
		case LEND_SHELF_HISTORY:
			if (!lend_shelf_item_ended_at(it))
				continue; /* the current ones are listed above */
			section = "history";
			snprintf(st, sizeof st, "%s %s",
			         lend_shelf_item_end_reason(it) == LEND_END_EXPIRED ? "ended by itself" : "returned",
			         fmt_day(day, lend_shelf_item_ended_at(it)));
			break;
		default:
			continue;
		}
		int64_t lib = lend_shelf_item_library_id(it);
		table_row(t, section, title(d, lend_shelf_item_book_id(it)), lib ? names_library(d->nm, lib) : "", st);
	}
	printf("\n");
	table_print(t, stdout);
	table_free(t);
	lend_shelf_free(sh);
	return EXIT_OK;
}

static const char *find_catalog(const char *given)
{
	if (given)
		return given;
	const char *env = getenv("LEND_DEMO_CATALOG");
	if (env && *env)
		return env;
	if (access(LEND_DEMO_CATALOG_SOURCE, R_OK) == 0)
		return LEND_DEMO_CATALOG_SOURCE;
	if (access(LEND_DEMO_CATALOG_INSTALLED, R_OK) == 0)
		return LEND_DEMO_CATALOG_INSTALLED;
	return NULL;
}

static int remove_db(const char *path)
{
	const char *suffix[] = {"", "-wal", "-shm", "-journal"};
	for (int i = 0; i < 4; i++) {
		char p[4096];
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		if (unlink(p) != 0 && errno != ENOENT)
			return cli_error(EXIT_OTHER, "cannot remove %s: %s", p, strerror(errno));
	}
	return EXIT_OK;
}

/* ------------------------------------------------------------ the story */

static int story(struct demo *d, const char *catalog)
{
	struct cli *c = d->c;
	char t1[TIME_BUF], t2[TIME_BUF], m1[MONEY_BUF], m2[MONEY_BUF], num1[64], num2[64], ivan_card[64];

	step(d, "Two libraries connect to the service");
	int rc;
	if ((rc = add_library(d, "Хабаровская краевая библиотека", "Хабаровск", &d->khab)) != EXIT_OK ||
	    (rc = add_library(d, "Библиотека им. Некрасова", "Москва", &d->nekr)) != EXIT_OK)
		return rc;
	MUST(d, lend_budget_add(d->e, d->admin, d->khab, 500000, "краевой бюджет"));
	MUST(d, lend_budget_add(d->e, d->admin, d->nekr, 300000, "городской бюджет"));
	MUST(d, lend_policy_set(d->e, d->admin, d->khab, LEND_KIND_ANY, LEND_SETTING_MAX_SELF_PRICE, 50000));
	MUST(d, lend_policy_set(d->e, d->admin, d->nekr, LEND_KIND_ANY, LEND_SETTING_LOAN_DAYS, 21));
	printf("Library %lld: %s, budget %s.\n", (long long)d->khab, names_library(d->nm, d->khab),
	       fmt_money(m1, budget(d, d->khab), "RUB"));
	printf("Library %lld: %s, budget %s.\n", (long long)d->nekr, names_library(d->nm, d->nekr),
	       fmt_money(m1, budget(d, d->nekr), "RUB"));
	printf("The Khabarovsk library pays at most %s for a book a reader takes on his own;\n"
	       "the Nekrasov library lends for 21 days instead of the default 14.\n",
	       fmt_money(m1, 50000, "RUB"));

	step(d, "Readers get their library cards");
	if ((rc = add_reader(d, "Иван Петров", 1987, 4, 12, &d->ivan, &d->r_ivan)) != EXIT_OK ||
	    (rc = add_reader(d, "Маша Соколова", 2010, 9, 1, &d->masha, &d->r_masha)) != EXIT_OK ||
	    (rc = add_reader(d, "Анна Ким", 1992, 11, 23, &d->anna, &d->r_anna)) != EXIT_OK)
		return rc;
	if ((rc = issue(d, d->khab, d->ivan, &d->t_ivan_k, ivan_card, sizeof ivan_card)) != EXIT_OK ||
	    (rc = issue(d, d->nekr, d->ivan, &d->t_ivan_n, num2, sizeof num2)) != EXIT_OK)
		return rc;
	printf("Иван Петров (born 1987-04-12) holds cards of both libraries: %s and %s.\n", ivan_card, num2);
	if ((rc = issue(d, d->khab, d->masha, &d->t_masha, num1, sizeof num1)) != EXIT_OK)
		return rc;
	printf("Маша Соколова (born 2010-09-01, 15 years old): card %s in Khabarovsk.\n", num1);
	if ((rc = issue(d, d->khab, d->anna, &d->t_anna, num1, sizeof num1)) != EXIT_OK)
		return rc;
	printf("Анна Ким (born 1992-11-23): card %s in Khabarovsk.\n", num1);
	lend_prefs *pf = NULL;
	MUST(d, lend_prefs_new(&pf));
	lend_prefs_set_language(pf, "en");
	lend_prefs_set_channel(pf, LEND_CHANNEL_EMAIL);
	lend_prefs_set_email(pf, "anna.kim@example.org");
	rc = lend_prefs_save(d->e, d->r_anna, d->anna, pf);
	lend_prefs_free(pf);
	MUST(d, rc);
	printf("Anna reads in English and wants her news by e-mail (anna.kim@example.org).\n");
	lend_actor *olga_reader = NULL;
	if ((rc = add_reader(d, "Ольга Смирнова", 1979, 2, 5, &d->olga, &olga_reader)) != EXIT_OK)
		return rc;
	lend_actor_free(olga_reader);
	MUST(d, lend_library_grant(d->e, d->admin, d->khab, d->olga));
	MUST(d, lend_actor_librarian(d->e, d->olga, &d->librarian));
	printf("Ольга Смирнова is the Khabarovsk librarian: the desk is hers.\n");

	step(d, "Ivan signs in with his card and a password");
	MUST(d, lend_ticket_set_password(d->e, d->librarian, d->t_ivan_k, "Onegin-1833", NULL));
	printf("The librarian sets the password of card %s. A mistyped one:\n", ivan_card);
	lend_actor *signed_in = NULL;
	rc = lend_sign_in(d->e, LEND_LOGIN_TICKET, d->khab, ivan_card, "onegin-1833", "demo", &signed_in);
	if (rc != LEND_EAUTH) {
		lend_actor_free(signed_in);
		return cli_error(EXIT_OTHER, "demo: a wrong password was not refused");
	}
	printf("  lend: %s\n", lend_engine_errmsg(d->e));
	MUST(d, lend_sign_in(d->e, LEND_LOGIN_TICKET, d->khab, ivan_card, "Onegin-1833", "demo", &signed_in));
	lend_actor_free(d->r_ivan);
	d->r_ivan = signed_in;
	printf("The right one opens session %lld: Ivan acts as himself from here on.\n",
	       (long long)lend_actor_session_id(signed_in));
	step(d, "A shared catalog of public-domain books");
	if ((rc = import_csv(c, catalog, 1, &d->cat)) != EXIT_OK)
		return rc;
	if (d->cat.skipped)
		return cli_error(EXIT_OTHER, "demo: %d rows of %s were refused", d->cat.skipped, catalog);
	int audio = 0;
	for (size_t i = 0; i < d->cat.nbooks; i++)
		audio += d->cat.books[i].kind == LEND_KIND_AUDIOBOOK;
	printf("Imported %zu titles (%zu e-books, %d audiobooks) from %s.\n", d->cat.nbooks, d->cat.nbooks - (size_t)audio,
	       audio, catalog);

	struct {
		const char *title;
		int copies;
		int nekr;
	} fund[] = {
		{"Анна Каренина", 2, 0}, {"Отцы и дети", 1, 0},       {"Мёртвые души", 1, 0}, {"Герой нашего времени", 1, 0},
		{"Вишнёвый сад", 1, 0},  {"Крейцерова соната", 1, 0}, {"Ревизор", 1, 0},      {"Евгений Онегин", 2, 1},
		{"Les Misérables", 1, 1},
	};
	int64_t ids[sizeof fund / sizeof fund[0]];
	for (size_t i = 0; i < sizeof fund / sizeof fund[0]; i++) {
		if (!(ids[i] = book(d, fund[i].title, LEND_KIND_EBOOK)))
			return cli_error(EXIT_OTHER, "demo: «%s» is not in %s", fund[i].title, catalog);
		MUST(d, lend_fund_add_copies(d->e, d->admin, fund[i].nekr ? d->nekr : d->khab, ids[i], fund[i].copies));
	}
	for (int lib = 0; lib < 2; lib++) {
		printf(lib ? "The Nekrasov library:" : "The Khabarovsk library puts copies into its fund:");
		int col = 0;
		for (size_t i = 0; i < sizeof fund / sizeof fund[0]; i++) {
			if (fund[i].nekr != lib)
				continue;
			char item[128];
			snprintf(item, sizeof item, "«%s» ×%d", fund[i].title, fund[i].copies);
			if (col == 0 || col + u8_width(item) > 76) {
				printf("%s\n  ", col ? "," : "");
				col = 2;
			} else {
				printf(", ");
				col += 2;
			}
			printf("%s", item);
			col += u8_width(item);
		}
		printf("\n");
	}
	int64_t karenina = ids[0], otcy = ids[1], dushi = ids[2], geroy = ids[3], sad = ids[4], sonata = ids[5],
		revizor = ids[6], onegin = ids[7];
	int64_t miserables = book(d, "Les Misérables", LEND_KIND_EBOOK);
	int64_t pride = book(d, "Pride and Prejudice", LEND_KIND_EBOOK);
	if (!pride)
		return cli_error(EXIT_OTHER, "demo: «Pride and Prejudice» is not in %s", catalog);

	step(d, "Ivan looks for a book: suggestions while he types");
	printf("Each keystroke in the search box asks for suggestions (title, author, series):\n");
	const char *typed[] = {"а", "ан", "анна", "анна к", "анна кар"};
	int64_t found = 0;
	for (size_t i = 0; i < sizeof typed / sizeof typed[0]; i++)
		if ((rc = look_up(d, d->r_ivan, typed[i], 1, 3, &found)) != EXIT_OK)
			return rc;
	if (found != karenina)
		return cli_error(EXIT_OTHER, "demo: «анна кар» does not suggest «%s» first", title(d, karenina));
	printf("The wrong keyboard layout, Latin letters and an author's name find it too:\n");
	const char *other[] = {"fyyf rfh", "anna karen", "толстой анна"};
	for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
		if ((rc = look_up(d, d->r_ivan, other[i], 1, 1, &found)) != EXIT_OK)
			return rc;
		if (found != karenina)
			return cli_error(EXIT_OTHER, "demo: «%s» does not suggest «%s»", other[i], title(d, karenina));
	}
	printf("He presses Enter; the results carry his verdicts in Khabarovsk:\n");
	if ((rc = look_up(d, d->r_ivan, "анна каренина", 0, 3, &found)) != EXIT_OK)
		return rc;

	step(d, "Ivan takes «%s»", title(d, karenina));
	printf("He opens the book's page; the engine picks the button:\n");
	if ((rc = show_verdict(d, d->r_ivan, d->t_ivan_k, karenina, LEND_VERDICT_TAKE)) != EXIT_OK)
		return rc;
	if ((rc = take(d, d->r_ivan, d->t_ivan_k, karenina, "He presses it. ", NULL)) != EXIT_OK)
		return rc;
	printf("Nothing to bring back: the loan ends by itself on its due date.\n");

	step(d, "Two more books, and the fourth is refused");
	if ((rc = take(d, d->r_ivan, d->t_ivan_k, otcy, "", NULL)) != EXIT_OK ||
	    (rc = take(d, d->r_ivan, d->t_ivan_k, dushi, "", NULL)) != EXIT_OK)
		return rc;
	printf("The fourth, «%s»:\n", title(d, geroy));
	if ((rc = refused_take(d, d->r_ivan, d->t_ivan_k, geroy, LEND_REASON_SELF_SERVICE_LIMIT)) != EXIT_OK)
		return rc;
	printf("The button now reads \"Ask the librarian\":\n");
	int64_t req_ivan = 0, req_anna = 0;
	if ((rc = show_verdict(d, d->r_ivan, d->t_ivan_k, geroy, LEND_VERDICT_REQUEST)) != EXIT_OK ||
	    (rc = ask(d, d->r_ivan, "Ivan", d->t_ivan_k, geroy, &req_ivan)) != EXIT_OK)
		return rc;
	lend_limits *lim = NULL;
	MUST(d, lend_limits_get(d->e, d->r_ivan, d->t_ivan_k, LEND_KIND_ANY, &lim));
	printf("His cabinet shows: %s.\n", lend_limits_summary(lim));
	lend_limits_free(lim);
	printf("The limit is per library: on his Nekrasov card he still takes «%s».\n", title(d, onegin));
	if ((rc = take(d, d->r_ivan, d->t_ivan_n, onegin, "", NULL)) != EXIT_OK)
		return rc;

	step(d, "An expensive book: the verdict is \"request\"");
	lend_book *bk = NULL;
	MUST(d, lend_book_get(d->e, d->admin, miserables, &bk));
	printf("Anna looks at «%s» (%s), which the Khabarovsk library does not hold;\n"
	       "it pays at most %s on a reader's own take:\n",
	       lend_book_title(bk), fmt_money(m1, lend_book_price(bk), lend_book_currency(bk)),
	       fmt_money(m2, 50000, "RUB"));
	lend_book_free(bk);
	if ((rc = show_verdict(d, d->r_anna, d->t_anna, miserables, LEND_VERDICT_REQUEST)) != EXIT_OK ||
	    (rc = ask(d, d->r_anna, "Anna", d->t_anna, miserables, &req_anna)) != EXIT_OK)
		return rc;

	step(d, "At the librarian's desk");
	lend_requests *rq = NULL;
	MUST(d, lend_request_pending(d->e, d->librarian, d->khab, 100, &rq));
	printf("Olga sees %zu requests, each with what she needs to decide:\n", lend_requests_count(rq));
	for (size_t i = 0; i < lend_requests_count(rq); i++) {
		const lend_request *r = lend_requests_get(rq, i);
		printf("  request %lld: %s asks for «%s» (%s; %d cop%s held, budget left %s)\n",
		       (long long)lend_request_id(r), names_reader(d->nm, lend_request_reader_id(r)),
		       title(d, lend_request_book_id(r)), fmt_money(m1, lend_request_book_price(r), "RUB"),
		       lend_request_copies(r), lend_request_copies(r) == 1 ? "y" : "ies",
		       fmt_money(m2, lend_request_budget(r), "RUB"));
	}
	lend_requests_free(rq);
	int64_t mark = last_note(d);
	lend_request *dec = NULL;
	MUST(d, lend_request_approve(d->e, d->librarian, req_ivan, &dec));
	lend_loan *gl = NULL;
	MUST(d, lend_loan_get(d->e, d->admin, lend_request_loan_id(dec), &gl));
	printf("She approves Ivan's: loan %lld, «%s», due %s, issued by the librarian past his self-service limit.\n",
	       (long long)lend_loan_id(gl), title(d, geroy), when(t1, lend_loan_due_at(gl)));
	lend_loan_free(gl);
	lend_request_free(dec);
	const char *words = "the budget of this quarter is spent, please ask again in April";
	MUST(d, lend_request_deny(d->e, d->librarian, req_anna, LEND_REASON_TOO_EXPENSIVE, words));
	printf("She denies Anna's with a reason (%s) and her words: \"%s\"\n",
	       lend_reason_string(LEND_REASON_TOO_EXPENSIVE), words);
	printf("Both learn it at once, each in their language:\n");
	if (print_notes(d, LEND_NOTE_REQUEST_APPROVED, mark) != 1 || print_notes(d, LEND_NOTE_REQUEST_DENIED, mark) != 1)
		return cli_error(EXIT_OTHER, "demo: the decisions were not both notified");
	printf("Anna's shelf keeps the answer:\n");
	if ((rc = shelf_table(d, d->r_anna, d->anna)) != EXIT_OK)
		return rc;

	step(d, "A take that buys the book into the fund");
	int64_t before = budget(d, d->khab);
	MUST(d, lend_book_get(d->e, d->admin, pride, &bk));
	printf("«%s» costs %s and is not in the fund either; it is within the limit and the budget:\n",
	       lend_book_title(bk), fmt_money(m1, lend_book_price(bk), lend_book_currency(bk)));
	lend_book_free(bk);
	if ((rc = show_verdict(d, d->r_anna, d->t_anna, pride, LEND_VERDICT_TAKE)) != EXIT_OK ||
	    (rc = take(d, d->r_anna, d->t_anna, pride, "", NULL)) != EXIT_OK)
		return rc;
	lend_fund *f = NULL;
	MUST(d, lend_fund_get(d->e, d->admin, d->khab, pride, &f));
	printf("The library bought one copy in the same step: budget %s -> %s; the fund holds %d, %d on loan.\n",
	       fmt_money(m1, before, "RUB"), fmt_money(m2, budget(d, d->khab), "RUB"), lend_fund_copies(f),
	       lend_fund_on_loan(f));
	lend_fund_free(f);

	step(d, "Masha is 15: an 18+ book is refused");
	printf("«%s» is rated 18+.\n", title(d, sonata));
	if ((rc = show_verdict(d, d->r_masha, d->t_masha, sonata, LEND_VERDICT_REFUSED)) != EXIT_OK)
		return rc;
	printf("She tries anyway:\n");
	if ((rc = refused_take(d, d->r_masha, d->t_masha, sonata, LEND_REASON_AGE)) != EXIT_OK)
		return rc;

	step(d, "A queue for a book with one copy");
	if ((rc = take(d, d->r_anna, d->t_anna, sad, "Anna takes the only copy of «Вишнёвый сад». ", NULL)) != EXIT_OK)
		return rc;
	printf("Masha and Ivan find every copy on loan:\n");
	if ((rc = show_verdict(d, d->r_masha, d->t_masha, sad, LEND_VERDICT_QUEUE)) != EXIT_OK ||
	    (rc = join(d, d->r_masha, "Masha", d->t_masha, sad)) != EXIT_OK ||
	    (rc = join(d, d->r_ivan, "Ivan", d->t_ivan_k, sad)) != EXIT_OK)
		return rc;

	step(d, "Twelve days later: reminders");
	/* Marked before the clock moves: any call settles what is due. */
	mark = last_note(d);
	c->now += 12 * DAY;
	printf("The clock moves to %s; the service's tick runs. Loans that end within\n"
	       "three days get a reminder, once:\n",
	       when(t1, c->now));
	int64_t ended = 0, handoffs = 0;
	MUST(d, lend_engine_tick(d->e, &ended, &handoffs));
	int reminders = print_notes(d, LEND_NOTE_LOAN_ENDING_SOON, mark);
	if (reminders <= 0)
		return cli_error(EXIT_OTHER, "demo: no reminder went out");
	printf("%d reminders; nothing ended yet (%lld loans).\n", reminders, (long long)ended);

	step(d, "Fifteen days after the start");
	mark = last_note(d);
	c->now += 3 * DAY;
	printf("The clock moves to %s; the tick runs again:\n", when(t1, c->now));
	MUST(d, lend_engine_tick(d->e, &ended, &handoffs));
	printf("%lld loan%s ended by %s and went back to the funds; %lld cop%s handed on from the queue.\n",
	       (long long)ended, ended == 1 ? "" : "s", ended == 1 ? "itself" : "themselves", (long long)handoffs,
	       handoffs == 1 ? "y was" : "ies were");
	lend_loans *ls = NULL;
	MUST(d, lend_loan_list(d->e, d->r_masha, d->masha, 1, &ls));
	for (size_t i = 0; i < lend_loans_count(ls); i++) {
		const lend_loan *l = lend_loans_get(ls, i);
		if (lend_loan_book_id(l) == sad && lend_loan_origin(l) == LEND_ORIGIN_QUEUE)
			printf("Masha was first: «%s» is hers without asking (loan %lld, due %s).\n", title(d, sad),
			       (long long)lend_loan_id(l), when(t2, lend_loan_due_at(l)));
	}
	lend_loans_free(ls);
	lend_holds *hs = NULL;
	MUST(d, lend_hold_list(d->e, d->r_ivan, d->ivan, &hs));
	for (size_t i = 0; i < lend_holds_count(hs); i++) {
		const lend_hold *h = lend_holds_get(hs, i);
		if (lend_hold_state(h) == LEND_HOLD_WAITING)
			printf("Ivan moves up to number %d; his estimate is now %s.\n", lend_hold_position(h),
			       when(t2, lend_hold_wait_until(h)));
	}
	lend_holds_free(hs);
	printf("What the queue's readers were told:\n");
	if (print_notes(d, LEND_NOTE_QUEUE_HANDOFF, mark) != 1 || print_notes(d, LEND_NOTE_QUEUE_POSITION, mark) < 0)
		return cli_error(EXIT_OTHER, "demo: the hand-off was not notified");

	step(d, "Ivan's books in both libraries");
	printf("His Khabarovsk limit is free again; he takes «%s».\n", title(d, revizor));
	if ((rc = take(d, d->r_ivan, d->t_ivan_k, revizor, "", NULL)) != EXIT_OK)
		return rc;
	printf("\"My books\" shows, in his own session, what he reads, waits for and has read,\n"
	       "from both libraries at once:\n");
	if ((rc = shelf_table(d, d->r_ivan, d->ivan)) != EXIT_OK)
		return rc;

	step(d, "The engine checks itself");
	lend_report *rep = NULL;
	MUST(d, lend_engine_check(d->e, &rep));
	size_t bad = lend_report_count(rep);
	if (bad == 0)
		printf("lend_engine_check: no copy on loan twice, no budget below zero, no loan under age: clean.\n");
	for (size_t i = 0; i < bad; i++)
		printf("violation: %s\n", lend_report_get(rep, i));
	lend_report_free(rep);
	if (bad)
		return cli_error(EXIT_OTHER, "demo: the engine found %zu violation%s", bad, bad == 1 ? "" : "s");

	step(d, "The notifications that went out");
	printf("Each was written with the change that caused it, in its reader's language. The\n"
	       "stdout notifier prints the first sentence of each; lend tick --smtp URL would\n"
	       "e-mail the whole texts, Anna's to her own address:\n\n");
	int delivered = 0;
	MUST(d, lend_engine_deliver(d->e, 0, &delivered));
	printf("\n%d notifications delivered.\n", delivered);
	return EXIT_OK;
}

static int demo(struct cli *c, int argc, char **argv)
{
	struct opt o[] = {{.name = "--catalog", .takes_value = 1}};
	char **pos;
	int npos;
	CLI_ARGS(c, argc, argv, o, pos, npos, 0, 0);
	if (c->json)
		return cli_usage_error(c, "the demo tells a story: it has no --json output");
	if (c->as && strcmp(c->as, "admin") != 0)
		return cli_usage_error(c, "the demo plays every part itself: --as does not apply");
	const char *catalog = find_catalog(o[0].value);
	if (!catalog)
		return cli_error(EXIT_OTHER, "demo: no catalog found at %s or %s (give one with --catalog FILE)",
		                 LEND_DEMO_CATALOG_SOURCE, LEND_DEMO_CATALOG_INSTALLED);
	if (access(catalog, R_OK) != 0)
		return cli_error(EXIT_OTHER, "demo: cannot read the catalog %s: %s", catalog, strerror(errno));
	/* Only an explicit --db names the demo's database: never $LEND_DB. */
	if (!c->db_given)
		c->db = "./lend-demo.db";
	int rc = remove_db(c->db);
	if (rc != EXIT_OK)
		return rc;
	if (!c->has_now) {
		c->has_now = 1;
		c->now = DEMO_START;
	}

	struct notify *n = NULL;
	if ((rc = notify_new(c, "stdout", 0, &n)) != EXIT_OK)
		return rc;
	notify_set_style(n, "  ", 0, 1);
	lend_notifier nt;
	notify_bind(n, &nt);
	if ((rc = cli_open(c, &nt, 0)) != CLI_GO)
		return rc;

	struct demo d;
	memset(&d, 0, sizeof d);
	d.c = c;
	d.e = c->e;
	d.admin = c->a;
	d.nm = names_new(c->e, c->a);
	char t[TIME_BUF];
	printf("lend demo: the reader's manual of an online library, played on liblend %s\n", lend_version_string());
	printf("Database %s (made afresh); the demo drives the clock from %s.\n", c->db, fmt_time(t, c->now));
	rc = story(&d, catalog);
	if (rc == EXIT_OK)
		printf("\nDone. Look around: lend --db %s shelf %lld, or lend --db %s help.\n", c->db, (long long)d.ivan,
		       c->db);
	lend_actor_free(d.r_ivan);
	lend_actor_free(d.r_masha);
	lend_actor_free(d.r_anna);
	lend_actor_free(d.librarian);
	names_free(d.nm);
	import_result_free(&d.cat);
	return rc;
}

const struct command cmds_demo[] = {
	{NULL, "demo", "[--db PATH] [--catalog FILE]", "tell the reader's manual's story on a fresh database",
	 "Play the reader's manual of an online library on a fresh database\n"
	 "(./lend-demo.db unless --db names one: it is removed and made anew): two\n"
	 "libraries, readers with cards (one at both libraries), a librarian, a\n"
	 "sign-in with a password, a public-domain catalog, search with suggestions\n"
	 "while typing, takes, the self-service\n"
	 "limit, requests to the librarian (one approved, one denied with a reason),\n"
	 "a take that buys a copy, an age refusal, a queue, reminders before loans\n"
	 "end, fifteen days passing with the automatic return and hand-off, the\n"
	 "reader's shelf (\"My books\"), the engine's self-check and the notifications\n"
	 "in the readers' languages. The demo drives\n"
	 "the clock itself (from 2026-03-02 09:00 UTC, or --now).\n"
	 "\n"
	 "The catalog is --catalog FILE (or $LEND_DEMO_CATALOG), else the source\n"
	 "tree's data/demo/catalog.csv, else the installed copy:\n"
	 "  " LEND_DEMO_CATALOG_INSTALLED "\n"
	 "\n"
	 "Example:\n"
	 "  lend demo && lend --db lend-demo.db loans 1\n",
	 0, demo},
	{0},
};
