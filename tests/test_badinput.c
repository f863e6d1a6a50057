/* tests/test_badinput.c — bad input is refused with LEND_EINVAL, never
 * crashes, never stores anything, and says why (lend.h conventions). */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"

/* A small library that has lived a little: a budget, a fund, a loan, a
 * waiting reader, notifications. */
typedef struct world {
	th *t;
	int64_t lib, r, r2, tk, tk2, book, loan, hold;
	lend_actor *reader;
} world;

static void world_init(world *w, th *t)
{
	memset(w, 0, sizeof *w);
	w->t = t;
	w->lib = th_library(t, "Library", 100000);
	w->r = th_reader(t, "Reader", 1990, 1, 1);
	w->r2 = th_reader(t, "Reader 2", 1990, 1, 1);
	w->tk = th_ticket(t, w->lib, w->r);
	w->tk2 = th_ticket(t, w->lib, w->r2);
	w->book = th_book(t, "Book", LEND_KIND_EBOOK, 39900, 0);
	th_copies(t, w->lib, w->book, 1);
	w->reader = th_as_reader(t, w->r);
	lend_loan *l = NULL;
	TH_OK(t, lend_take(t->e, w->reader, w->tk, w->book, &l));
	w->loan = lend_loan_id(l);
	lend_loan_free(l);
	lend_hold *h = NULL;
	TH_OK(t, lend_queue_join(t->e, th_as_reader(t, w->r2), w->tk2, w->book, &h));
	w->hold = lend_hold_id(h);
	lend_hold_free(h);
}

/* What must not change: the whole database, and through the API the
 * budget, the fund, the loans and the outbox. */
typedef struct snapshot {
	char *dump;
	int64_t budget;
	int copies, on_loan, waiting;
	size_t loans, notes;
} snapshot;

static snapshot snap(world *w)
{
	snapshot s;
	s.dump = th_dump_db(w->t->path);
	s.budget = th_budget(w->t, w->lib);
	th_fund(w->t, w->lib, w->book, &s.copies, &s.on_loan, &s.waiting);
	s.loans = th_loan_count(w->t, w->r, 0) + th_loan_count(w->t, w->r2, 0);
	s.notes = th_outbox_count(w->t, 0);
	return s;
}

static void same(world *w, snapshot *before)
{
	snapshot now = snap(w);
	assert_int_equal(now.budget, before->budget);
	assert_int_equal(now.copies, before->copies);
	assert_int_equal(now.on_loan, before->on_loan);
	assert_int_equal(now.waiting, before->waiting);
	assert_int_equal(now.loans, before->loans);
	assert_int_equal(now.notes, before->notes);
	assert_string_equal(now.dump, before->dump);
	free(now.dump);
}

/* An engine call refused as bad input: EINVAL, a message, nothing changed. */
#define BAD(call)                                                                                                  \
	do {                                                                                                       \
		TH_RC(t, LEND_EINVAL, call);                                                                       \
		assert_int_equal(lend_engine_errcode(t->e), LEND_EINVAL);                                          \
		assert_true(lend_engine_errmsg(t->e)[0] != '\0');                                                  \
		assert_int_equal(lend_engine_reason(t->e), LEND_REASON_NONE);                                      \
		same(&w, &s);                                                                                      \
	} while (0)
/* A draft setter refusing a value. */
#define BADSET(call) assert_int_equal((call), LEND_EINVAL)

static const char *const bad_utf8[] = {
	"\xff",                 /* never valid */
	"\xc0\xaf",             /* overlong '/' */
	"\xe0\x80\xaf",         /* overlong, three bytes */
	"\xed\xa0\x80",         /* a lone UTF-16 surrogate */
	"\xed\xbf\xbf",         /* the last surrogate */
	"abc\xe2\x82",          /* cut short */
	"\xf4\x90\x80\x80",     /* above U+10FFFF */
	"\xf8\x88\x80\x80\x80", /* five bytes */
	"ok \x80 continuation", /* a stray continuation byte */
};
#define NBAD (sizeof bad_utf8 / sizeof bad_utf8[0])

/* ---------------------------------------------------------------- NULL */

static void count_free(void *ud)
{
	(*(int *)ud)++;
}

static void test_null_engine_actor_out(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t);
	snapshot s = snap(&w);
	lend_actor *a = NULL;
	lend_engine *e = NULL;

	/* no engine at all */
	assert_int_equal(lend_engine_open(NULL, ":memory:", NULL), LEND_EINVAL);
	assert_int_equal(lend_actor_admin(NULL, &a), LEND_EINVAL);
	assert_int_equal(lend_actor_reader(NULL, w.r, &a), LEND_EINVAL);
	assert_int_equal(lend_actor_librarian(NULL, w.r, &a), LEND_EINVAL);
	assert_null(a);
	assert_int_equal(lend_take(NULL, t->admin, w.tk2, w.book, NULL), LEND_EINVAL);
	assert_int_equal(lend_return(NULL, t->admin, w.loan), LEND_EINVAL);
	assert_int_equal(lend_engine_tick(NULL, NULL, NULL), LEND_EINVAL);
	assert_int_equal(lend_engine_deliver(NULL, 0, NULL), LEND_EINVAL);
	assert_int_equal(lend_engine_check(NULL, &(lend_report *){NULL}), LEND_EINVAL);
	assert_int_equal(lend_budget_add(NULL, t->admin, w.lib, 100, NULL), LEND_EINVAL);
	assert_int_equal(lend_policy_set(NULL, t->admin, w.lib, 0, LEND_SETTING_MAX_LOANS, 1), LEND_EINVAL);
	assert_int_equal(lend_ticket_set_limit(NULL, t->admin, w.tk, 0, LEND_SETTING_MAX_LOANS, 1), LEND_EINVAL);
	assert_int_equal(lend_ticket_set_blocked(NULL, t->admin, w.tk, 1), LEND_EINVAL);
	assert_int_equal(lend_fund_add_copies(NULL, t->admin, w.lib, w.book, 1), LEND_EINVAL);
	assert_int_equal(lend_queue_join(NULL, t->admin, w.tk2, w.book, NULL), LEND_EINVAL);
	assert_int_equal(lend_queue_leave(NULL, t->admin, w.hold), LEND_EINVAL);
	assert_int_equal(lend_library_list(NULL, t->admin, &(lend_libraries *){NULL}), LEND_EINVAL);
	assert_int_equal(lend_outbox_list(NULL, t->admin, 0, 10, &(lend_notifications *){NULL}), LEND_EINVAL);
	assert_int_equal(lend_engine_errcode(NULL), LEND_EINVAL);
	assert_non_null(lend_engine_errmsg(NULL));
	assert_int_equal(lend_engine_reason(NULL), LEND_REASON_NONE);
	assert_int_equal(lend_engine_now(NULL), 0);
	same(&w, &s);

	/* no actor */
	BAD(lend_take(t->e, NULL, w.tk2, w.book, NULL));
	BAD(lend_return(t->e, NULL, w.loan));
	BAD(lend_queue_join(t->e, NULL, w.tk2, w.book, NULL));
	BAD(lend_queue_leave(t->e, NULL, w.hold));
	BAD(lend_queue_suspend(t->e, NULL, w.hold, th_now + TH_DAY));
	BAD(lend_queue_resume(t->e, NULL, w.hold));
	BAD(lend_budget_add(t->e, NULL, w.lib, 100, NULL));
	BAD(lend_policy_set(t->e, NULL, w.lib, 0, LEND_SETTING_MAX_LOANS, 1));
	BAD(lend_ticket_set_limit(t->e, NULL, w.tk, 0, LEND_SETTING_MAX_LOANS, 1));
	BAD(lend_ticket_set_blocked(t->e, NULL, w.tk, 1));
	BAD(lend_ticket_issue(t->e, NULL, w.lib, w.r, NULL, NULL));
	BAD(lend_fund_add_copies(t->e, NULL, w.lib, w.book, 1));
	BAD(lend_fund_remove_copies(t->e, NULL, w.lib, w.book, 1));
	BAD(lend_library_grant(t->e, NULL, w.lib, w.r));
	lend_loan *l = NULL;
	BAD(lend_loan_get(t->e, NULL, w.loan, &l));
	assert_null(l);
	lend_loans *ls = NULL;
	BAD(lend_loan_list(t->e, NULL, w.r, 0, &ls));
	assert_null(ls);
	lend_availability *v = NULL;
	BAD(lend_availability_get(t->e, NULL, w.tk, w.book, &v));
	assert_null(v);
	lend_library *lib = NULL;
	BAD(lend_library_get(t->e, NULL, w.lib, &lib));
	assert_null(lib);
	lend_library *draft = NULL;
	assert_int_equal(lend_library_new(&draft), LEND_OK);
	assert_int_equal(lend_library_set_name(draft, "New"), LEND_OK);
	BAD(lend_library_add(t->e, NULL, draft, NULL));
	lend_library_free(draft);
	lend_notifications *ns = NULL;
	BAD(lend_outbox_list(t->e, NULL, 0, 10, &ns));
	assert_null(ns);

	/* no out where one is required */
	BAD(lend_actor_admin(t->e, NULL));
	BAD(lend_actor_reader(t->e, w.r, NULL));
	BAD(lend_library_get(t->e, t->admin, w.lib, NULL));
	BAD(lend_library_list(t->e, t->admin, NULL));
	BAD(lend_loan_get(t->e, t->admin, w.loan, NULL));
	BAD(lend_loan_list(t->e, t->admin, w.r, 0, NULL));
	BAD(lend_hold_get(t->e, t->admin, w.hold, NULL));
	BAD(lend_hold_list(t->e, t->admin, w.r2, NULL));
	BAD(lend_queue_get(t->e, t->admin, w.lib, w.book, NULL));
	BAD(lend_availability_get(t->e, t->admin, w.tk, w.book, NULL));
	BAD(lend_fund_get(t->e, t->admin, w.lib, w.book, NULL));
	BAD(lend_fund_list(t->e, t->admin, w.lib, 0, 10, NULL));
	BAD(lend_book_get(t->e, t->admin, w.book, NULL));
	BAD(lend_book_list(t->e, t->admin, 0, 10, NULL));
	BAD(lend_reader_get(t->e, t->admin, w.r, NULL));
	BAD(lend_ticket_get(t->e, t->admin, w.tk, NULL));
	BAD(lend_ticket_list(t->e, t->admin, w.r, NULL));
	BAD(lend_limits_get(t->e, t->admin, w.tk, 0, NULL));
	BAD(lend_policy_get(t->e, t->admin, w.lib, 0, LEND_SETTING_MAX_LOANS, NULL));
	BAD(lend_outbox_list(t->e, t->admin, 0, 10, NULL));
	BAD(lend_engine_check(t->e, NULL));
	/* no draft */
	BAD(lend_library_add(t->e, t->admin, NULL, NULL));
	BAD(lend_book_add(t->e, t->admin, NULL, NULL));
	BAD(lend_book_update(t->e, t->admin, NULL));
	BAD(lend_reader_add(t->e, t->admin, NULL, NULL));

	/* options and drafts */
	assert_int_equal(lend_options_new(NULL), LEND_EINVAL);
	assert_int_equal(lend_options_set_clock(NULL, th_clock, NULL), LEND_EINVAL);
	assert_int_equal(lend_options_set_notifier(NULL, NULL), LEND_EINVAL);
	assert_int_equal(lend_options_set_storage(NULL, NULL), LEND_EINVAL);
	assert_int_equal(lend_options_set_busy_timeout(NULL, 10), LEND_EINVAL);
	assert_int_equal(lend_library_new(NULL), LEND_EINVAL);
	assert_int_equal(lend_reader_new(NULL), LEND_EINVAL);
	assert_int_equal(lend_book_new(NULL), LEND_EINVAL);
	assert_int_equal(lend_library_set_name(NULL, "x"), LEND_EINVAL);
	assert_int_equal(lend_library_set_currency(NULL, "EUR"), LEND_EINVAL);
	assert_int_equal(lend_reader_set_name(NULL, "x"), LEND_EINVAL);
	assert_int_equal(lend_reader_set_birth_date(NULL, 2000, 1, 1), LEND_EINVAL);
	assert_int_equal(lend_book_set_title(NULL, "x"), LEND_EINVAL);
	assert_int_equal(lend_book_add_author(NULL, "x"), LEND_EINVAL);
	assert_int_equal(lend_book_set_kind(NULL, LEND_KIND_EBOOK), LEND_EINVAL);
	assert_int_equal(lend_book_set_price(NULL, 1, "RUB"), LEND_EINVAL);
	assert_int_equal(lend_book_set_age_rating(NULL, 0), LEND_EINVAL);
	assert_int_equal(lend_book_set_lendable(NULL, 1), LEND_EINVAL);
	assert_int_equal(lend_book_set_release_at(NULL, 0), LEND_EINVAL);
	assert_int_equal(lend_storage_init(NULL, LEND_STORAGE_VERSION), LEND_EINVAL);
	assert_int_equal(lend_notifier_init(NULL, LEND_NOTIFIER_VERSION), LEND_EINVAL);
	lend_storage st;
	assert_int_equal(lend_storage_init(&st, 0), LEND_EINVAL);
	assert_int_equal(lend_storage_init(&st, LEND_STORAGE_VERSION + 1), LEND_EINVAL);
	lend_notifier nt;
	assert_int_equal(lend_notifier_init(&nt, 0), LEND_EINVAL);
	assert_int_equal(lend_notifier_init(&nt, LEND_NOTIFIER_VERSION + 1), LEND_EINVAL);
	char why[128] = "x";
	assert_int_equal(lend_storage_sqlite(NULL, ":memory:", 0, why, sizeof why), LEND_EINVAL);
	assert_int_equal(lend_storage_sqlite(&st, NULL, 0, why, sizeof why), LEND_EINVAL);
	assert_true(why[0] != '\0');

	/* an engine that cannot open says why, and closes */
	assert_int_equal(lend_engine_open(&e, NULL, NULL), LEND_EINVAL);
	assert_non_null(e);
	assert_true(lend_engine_errmsg(e)[0] != '\0');
	lend_engine_close(e);
	e = NULL;
	assert_int_equal(lend_engine_open(&e, "", NULL), LEND_EINVAL);
	lend_engine_close(e);
	e = NULL;
	assert_int_equal(lend_engine_open(&e, "\xff.db", NULL), LEND_EINVAL);
	lend_engine_close(e);
	e = NULL;
	/* a host backend that lacks methods, or comes with a path */
	lend_options *o = NULL;
	assert_int_equal(lend_options_new(&o), LEND_OK);
	assert_int_equal(lend_options_set_busy_timeout(o, -1), LEND_EINVAL);
	assert_int_equal(lend_storage_init(&st, LEND_STORAGE_VERSION), LEND_OK);
	st.version = 0;
	assert_int_equal(lend_options_set_storage(o, &st), LEND_EINVAL);
	st.version = LEND_STORAGE_VERSION;
	assert_int_equal(lend_options_set_storage(o, &st), LEND_OK);
	assert_int_equal(lend_engine_open(&e, NULL, o), LEND_EINVAL);
	assert_true(lend_engine_errmsg(e)[0] != '\0');
	lend_engine_close(e);
	e = NULL;
	assert_int_equal(lend_notifier_init(&nt, LEND_NOTIFIER_VERSION), LEND_OK);
	nt.version = 99;
	assert_int_equal(lend_options_set_notifier(o, &nt), LEND_EINVAL);
	lend_options_free(o);
	/* the engine frees the notifier's userdata when it closes, also after a
	 * failed open */
	int freed = 0;
	assert_int_equal(lend_options_new(&o), LEND_OK);
	assert_int_equal(lend_notifier_init(&nt, LEND_NOTIFIER_VERSION), LEND_OK);
	nt.userdata = &freed;
	nt.free = count_free;
	assert_int_equal(lend_options_set_notifier(o, &nt), LEND_OK);
	assert_int_equal(lend_engine_open(&e, NULL, o), LEND_EINVAL);
	lend_engine_close(e);
	e = NULL;
	assert_int_equal(freed, 1);
	assert_int_equal(lend_engine_open(&e, ":memory:", o), LEND_OK);
	assert_int_equal(freed, 1);
	lend_engine_close(e);
	e = NULL;
	assert_int_equal(freed, 2);
	lend_options_free(o);
	same(&w, &s);
	free(s.dump);
	th_check_clean(t);
}

/* --------------------------------------------------------------- UTF-8 */

static void test_invalid_utf8(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t);
	int64_t someone = th_reader(t, "Someone", 1990, 1, 1);
	snapshot s = snap(&w);
	lend_library *lib = NULL;
	lend_reader *r = NULL;
	lend_book *b = NULL;
	assert_int_equal(lend_library_new(&lib), LEND_OK);
	assert_int_equal(lend_reader_new(&r), LEND_OK);
	assert_int_equal(lend_book_new(&b), LEND_OK);
	assert_int_equal(lend_library_set_name(lib, "Библиотека"), LEND_OK);
	assert_int_equal(lend_reader_set_name(r, "Читатель"), LEND_OK);
	assert_int_equal(lend_book_set_title(b, "Книга"), LEND_OK);
	assert_int_equal(lend_book_add_author(b, "Автор"), LEND_OK);
	for (size_t i = 0; i < NBAD; i++) {
		const char *x = bad_utf8[i];
		BADSET(lend_library_set_name(lib, x));
		BADSET(lend_library_set_address(lib, x));
		BADSET(lend_library_set_contacts(lib, x));
		BADSET(lend_reader_set_name(r, x));
		BADSET(lend_book_set_title(b, x));
		BADSET(lend_book_add_author(b, x));
		/* the drafts keep what they had */
		assert_string_equal(lend_library_name(lib), "Библиотека");
		assert_string_equal(lend_reader_name(r), "Читатель");
		assert_string_equal(lend_book_title(b), "Книга");
		assert_int_equal(lend_book_author_count(b), 1);
		/* text passed straight to a call */
		BAD(lend_ticket_issue(t->e, t->admin, w.lib, someone, x, NULL));
		BAD(lend_budget_add(t->e, t->admin, w.lib, 100, x));
		BADSET(lend_library_set_currency(lib, x));
		BADSET(lend_book_set_price(b, 100, x));
	}
	/* the valid drafts still go in, unharmed */
	int64_t id = 0;
	TH_OK(t, lend_library_add(t->e, t->admin, lib, &id));
	lend_library *got = NULL;
	TH_OK(t, lend_library_get(t->e, t->admin, id, &got));
	assert_string_equal(lend_library_name(got), "Библиотека");
	assert_string_equal(lend_library_address(got), "");
	lend_library_free(got);
	TH_OK(t, lend_book_add(t->e, t->admin, b, &id));
	lend_book *gb = NULL;
	TH_OK(t, lend_book_get(t->e, t->admin, id, &gb));
	assert_string_equal(lend_book_title(gb), "Книга");
	assert_int_equal(lend_book_author_count(gb), 1);
	assert_string_equal(lend_book_author(gb, 0), "Автор");
	assert_null(lend_book_author(gb, 1));
	/* an update with a broken title is refused and stores nothing */
	free(s.dump);
	s = snap(&w);
	lend_book *bad = NULL;
	TH_OK(t, lend_book_get(t->e, t->admin, id, &bad));
	BADSET(lend_book_set_title(bad, "\xc0\xaf"));
	assert_int_equal(lend_book_set_title(bad, "Другая"), LEND_OK);
	BADSET(lend_book_add_author(bad, "\xed\xa0\x80"));
	assert_int_equal(lend_book_author_count(bad), 1);
	lend_book_free(bad);
	lend_book_free(gb);
	lend_library_free(lib);
	lend_reader_free(r);
	lend_book_free(b);
	free(s.dump);
	th_check_clean(t);
}

/* ------------------------------------------------------- empty and long */

static char *repeat(const char *unit, size_t times, const char *tail)
{
	size_t u = strlen(unit), n = u * times + strlen(tail);
	char *s = malloc(n + 1);
	assert_non_null(s);
	for (size_t i = 0; i < times; i++)
		memcpy(s + i * u, unit, u);
	strcpy(s + u * times, tail);
	return s;
}

static void test_empty_and_long_strings(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t);
	snapshot s = snap(&w);
	lend_library *lib = NULL;
	lend_reader *r = NULL;
	lend_book *b = NULL;
	assert_int_equal(lend_library_new(&lib), LEND_OK);
	assert_int_equal(lend_reader_new(&r), LEND_OK);
	assert_int_equal(lend_book_new(&b), LEND_OK);

	/* nothing set: the required text is missing */
	BAD(lend_library_add(t->e, t->admin, lib, NULL));
	BAD(lend_reader_add(t->e, t->admin, r, NULL));
	BAD(lend_book_add(t->e, t->admin, b, NULL));

	char *s200 = repeat("x", 200, ""), *s201 = repeat("x", 201, "");
	char *cyr200 = repeat("я", 100, ""), *cyr201 = repeat("я", 100, "x");
	char *s500 = repeat("a", 500, ""), *s501 = repeat("a", 501, "");
	char *s1000 = repeat("т", 500, ""), *s1001 = repeat("т", 500, ".");
	char *s300 = repeat("b", 300, ""), *s301 = repeat("b", 301, "");
	char *s64 = repeat("7", 64, ""), *s65 = repeat("7", 65, "");

	BADSET(lend_library_set_name(lib, ""));
	BADSET(lend_library_set_name(lib, NULL));
	BADSET(lend_library_set_name(lib, s201));
	BADSET(lend_library_set_name(lib, cyr201));
	assert_string_equal(lend_library_name(lib), "");
	BAD(lend_library_add(t->e, t->admin, lib, NULL));
	assert_int_equal(lend_library_set_name(lib, cyr200), LEND_OK);
	assert_int_equal(lend_library_set_name(lib, s200), LEND_OK);
	BADSET(lend_library_set_address(lib, s501));
	assert_int_equal(lend_library_set_address(lib, s500), LEND_OK);
	assert_int_equal(lend_library_set_address(lib, NULL), LEND_OK); /* optional */
	BADSET(lend_library_set_contacts(lib, s501));

	BADSET(lend_reader_set_name(r, ""));
	BADSET(lend_reader_set_name(r, s201));
	assert_int_equal(lend_reader_set_name(r, s200), LEND_OK);

	BADSET(lend_book_set_title(b, ""));
	BADSET(lend_book_set_title(b, s1001));
	assert_int_equal(lend_book_set_title(b, s1000), LEND_OK);
	BADSET(lend_book_add_author(b, ""));
	BADSET(lend_book_add_author(b, NULL));
	BADSET(lend_book_add_author(b, s301));
	for (int i = 0; i < 64; i++)
		assert_int_equal(lend_book_add_author(b, s300), LEND_OK);
	BADSET(lend_book_add_author(b, "one too many"));
	assert_int_equal(lend_book_author_count(b), 64);

	/* ticket numbers: 1 to 64 bytes */
	int64_t someone = th_reader(t, "Someone", 1990, 1, 1);
	free(s.dump);
	s = snap(&w);
	BAD(lend_ticket_issue(t->e, t->admin, w.lib, someone, "", NULL));
	BAD(lend_ticket_issue(t->e, t->admin, w.lib, someone, s65, NULL));
	BAD(lend_budget_add(t->e, t->admin, w.lib, 100, s501));

	/* the long-but-valid values go in whole */
	int64_t lid = 0, bid = 0;
	TH_OK(t, lend_library_add(t->e, t->admin, lib, &lid));
	TH_OK(t, lend_book_add(t->e, t->admin, b, &bid));
	lend_ticket *tk = NULL;
	TH_OK(t, lend_ticket_issue(t->e, t->admin, w.lib, someone, s64, &tk));
	assert_string_equal(lend_ticket_number(tk), s64);
	lend_ticket_free(tk);
	/* unique within a library: the same number in another library is fine */
	TH_OK(t, lend_ticket_issue(t->e, t->admin, lid, someone, s64, NULL));
	TH_RC(t, LEND_EEXISTS, lend_ticket_issue(t->e, t->admin, lid, th_reader(t, "X", 1990, 1, 1), s64, NULL));
	lend_book *gb = NULL;
	TH_OK(t, lend_book_get(t->e, t->admin, bid, &gb));
	assert_string_equal(lend_book_title(gb), s1000);
	assert_int_equal(lend_book_author_count(gb), 64);
	assert_string_equal(lend_book_author(gb, 63), s300);
	lend_book_free(gb);

	free(s200);
	free(s201);
	free(cyr200);
	free(cyr201);
	free(s500);
	free(s501);
	free(s1000);
	free(s1001);
	free(s300);
	free(s301);
	free(s64);
	free(s65);
	lend_library_free(lib);
	lend_reader_free(r);
	lend_book_free(b);
	free(s.dump);
	th_check_clean(t);
}

/* -------------------------------------------------------------- values */

static void test_bad_money_and_enums(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t);
	snapshot s = snap(&w);
	lend_book *b = NULL;
	lend_library *lib = NULL;
	assert_int_equal(lend_book_new(&b), LEND_OK);
	assert_int_equal(lend_library_new(&lib), LEND_OK);
	assert_int_equal(lend_book_set_price(b, 500, "RUB"), LEND_OK);

	BADSET(lend_book_set_price(b, -1, "RUB"));
	BADSET(lend_book_set_price(b, INT64_MIN, "RUB"));
	const char *bad_cur[] = {"rub", "RU", "RUBL", "", "R1B", "Rub", "₽₽"};
	for (size_t i = 0; i < sizeof bad_cur / sizeof bad_cur[0]; i++) {
		BADSET(lend_book_set_price(b, 100, bad_cur[i]));
		BADSET(lend_library_set_currency(lib, bad_cur[i]));
	}
	BADSET(lend_book_set_price(b, 100, NULL));
	BADSET(lend_library_set_currency(lib, NULL));
	assert_int_equal(lend_book_price(b), 500);
	assert_string_equal(lend_book_currency(b), "RUB");
	assert_string_equal(lend_library_currency(lib), "RUB");
	assert_int_equal(lend_library_set_currency(lib, "EUR"), LEND_OK);
	assert_int_equal(lend_book_set_price(b, 0, "USD"), LEND_OK);

	int bad_age[] = {7, -1, 1, 5, 13, 17, 19, 21, 100};
	for (size_t i = 0; i < sizeof bad_age / sizeof bad_age[0]; i++)
		BADSET(lend_book_set_age_rating(b, bad_age[i]));
	assert_int_equal(lend_book_age_rating(b), 0);
	int good_age[] = {0, 6, 12, 16, 18};
	for (size_t i = 0; i < sizeof good_age / sizeof good_age[0]; i++)
		assert_int_equal(lend_book_set_age_rating(b, good_age[i]), LEND_OK);

	BADSET(lend_book_set_kind(b, 0));
	BADSET(lend_book_set_kind(b, 3));
	BADSET(lend_book_set_kind(b, -1));
	assert_int_equal(lend_book_kind(b), LEND_KIND_EBOOK);
	BADSET(lend_book_set_release_at(b, -1));

	/* top-ups */
	BAD(lend_budget_add(t->e, t->admin, w.lib, 0, NULL));
	BAD(lend_budget_add(t->e, t->admin, w.lib, -1, NULL));
	BAD(lend_budget_add(t->e, t->admin, w.lib, INT64_MIN, NULL));
	BAD(lend_budget_add(t->e, t->admin, w.lib, INT64_MAX, "overflow"));
	/* kinds in calls */
	lend_limits *lim = NULL;
	BAD(lend_limits_get(t->e, t->admin, w.tk, 3, &lim));
	BAD(lend_limits_get(t->e, t->admin, w.tk, -1, &lim));
	assert_null(lim);
	BAD(lend_policy_set(t->e, t->admin, w.lib, 3, LEND_SETTING_MAX_LOANS, 1));
	BAD(lend_policy_set(t->e, t->admin, w.lib, -1, LEND_SETTING_MAX_LOANS, 1));
	BAD(lend_ticket_set_limit(t->e, t->admin, w.tk, 7, LEND_SETTING_MAX_LOANS, 1));
	lend_book_free(b);
	lend_library_free(lib);
	free(s.dump);
	th_check_clean(t);
}

static void test_bad_birth_dates(void **state)
{
	(void)state;
	lend_reader *r = NULL;
	assert_int_equal(lend_reader_new(&r), LEND_OK);
	assert_int_equal(lend_reader_set_birth_date(r, 2000, 5, 17), LEND_OK);
	int bad[][3] = {
		{2001, 2, 30}, {2001, 2, 29}, {2023, 2, 29}, {1900, 2, 29}, {2001, 4, 31}, {2001, 6, 31},
		{2001, 9, 31}, {2001, 11, 31}, {2001, 1, 32}, {2001, 13, 1}, {2001, 0, 10},  {2001, 5, 0},
		{2001, -1, 1}, {2001, 1, -1},  {-5, 1, 1},    {0, 1, 1},     {2001, 0, 0},   {0, 0, 1},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (lend_reader_set_birth_date(r, bad[i][0], bad[i][1], bad[i][2]) != LEND_EINVAL)
			print_message("accepted %d-%d-%d\n", bad[i][0], bad[i][1], bad[i][2]);
		assert_int_equal(lend_reader_set_birth_date(r, bad[i][0], bad[i][1], bad[i][2]), LEND_EINVAL);
		assert_int_equal(lend_reader_birth_date(r), 20000517);
	}
	/* leap days that exist */
	assert_int_equal(lend_reader_set_birth_date(r, 2000, 2, 29), LEND_OK);
	assert_int_equal(lend_reader_birth_date(r), 20000229);
	assert_int_equal(lend_reader_set_birth_date(r, 2024, 2, 29), LEND_OK);
	assert_int_equal(lend_reader_set_birth_date(r, 2001, 12, 31), LEND_OK);
	/* 0-0-0 clears it */
	assert_int_equal(lend_reader_set_birth_date(r, 0, 0, 0), LEND_OK);
	assert_int_equal(lend_reader_birth_date(r), 0);
	lend_reader_free(r);
}

static void test_policy_out_of_range(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t);
	snapshot s = snap(&w);
	struct {
		int setting;
		int64_t value;
	} bad[] = {
		{LEND_SETTING_LOAN_DAYS, 0},
		{LEND_SETTING_LOAN_DAYS, -1},
		{LEND_SETTING_LOAN_DAYS, -14},
		{LEND_SETTING_SELF_SERVICE_LIMIT, -2},
		{LEND_SETTING_MAX_LOANS, -5},
		{LEND_SETTING_MAX_SELF_PRICE, -100},
		{LEND_SETTING_MAX_REQUESTS, INT64_MIN},
		{LEND_SETTING_MONTHLY_QUOTA, -3},
		{LEND_SETTING_MAX_COPIES, -2},
		{LEND_SETTING_HANDOFF_MODE, 2},
		{LEND_SETTING_HANDOFF_MODE, -1},
		{LEND_SETTING_RESERVE_DAYS, 0},
		{LEND_SETTING_RENEWALS, 2},
		{LEND_SETTING_REMINDER_DAYS, -1},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		BAD(lend_policy_set(t->e, t->admin, w.lib, LEND_KIND_ANY, bad[i].setting, bad[i].value));
		BAD(lend_policy_set(t->e, t->admin, w.lib, LEND_KIND_EBOOK, bad[i].setting, bad[i].value));
		BAD(lend_ticket_set_limit(t->e, t->admin, w.tk, LEND_KIND_ANY, bad[i].setting, bad[i].value));
	}
	/* unknown settings */
	int unknown[] = {0, -1, LEND_SETTING_COUNT + 1, 1000, INT_MIN};
	int64_t v = 0;
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		BAD(lend_policy_set(t->e, t->admin, w.lib, LEND_KIND_ANY, unknown[i], 1));
		BAD(lend_policy_clear(t->e, t->admin, w.lib, LEND_KIND_ANY, unknown[i]));
		BAD(lend_ticket_set_limit(t->e, t->admin, w.tk, LEND_KIND_ANY, unknown[i], 1));
		BAD(lend_ticket_clear_limit(t->e, t->admin, w.tk, LEND_KIND_ANY, unknown[i]));
		BAD(lend_policy_get(t->e, t->admin, w.lib, LEND_KIND_ANY, unknown[i], &v));
	}
	BAD(lend_ticket_set_limit(t->e, t->admin, 0, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 1));
	BAD(lend_ticket_set_limit(t->e, t->admin, -4, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 1));
	/* the effective values did not move */
	TH_OK(t, lend_policy_get(t->e, t->admin, w.lib, LEND_KIND_EBOOK, LEND_SETTING_LOAN_DAYS, &v));
	assert_int_equal(v, 14);
	TH_OK(t, lend_policy_get(t->e, t->admin, w.lib, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, &v));
	assert_int_equal(v, 10);
	/* and the edges that are allowed are */
	TH_OK(t, lend_policy_set(t->e, t->admin, w.lib, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, LEND_UNLIMITED));
	TH_OK(t, lend_policy_set(t->e, t->admin, w.lib, LEND_KIND_ANY, LEND_SETTING_MAX_LOANS, 0));
	TH_OK(t, lend_policy_set(t->e, t->admin, w.lib, LEND_KIND_ANY, LEND_SETTING_LOAN_DAYS, 1));
	free(s.dump);
	th_check_clean(t);
}

static void test_bad_copies(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t);
	snapshot s = snap(&w);
	int bad[] = {0, -1, -100, INT_MIN};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		BAD(lend_fund_add_copies(t->e, t->admin, w.lib, w.book, bad[i]));
		BAD(lend_fund_buy_copies(t->e, t->admin, w.lib, w.book, bad[i]));
		BAD(lend_fund_remove_copies(t->e, t->admin, w.lib, w.book, bad[i]));
	}
	free(s.dump);
	th_check_clean(t);
}

static void test_bad_list_limits(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t);
	snapshot s = snap(&w);
	lend_books *bs = NULL;
	lend_funds *fs = NULL;
	lend_notifications *ns = NULL;
	int bad[] = {0, -1, INT_MIN};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		BAD(lend_book_list(t->e, t->admin, 0, bad[i], &bs));
		BAD(lend_fund_list(t->e, t->admin, w.lib, 0, bad[i], &fs));
		BAD(lend_outbox_list(t->e, t->admin, 0, bad[i], &ns));
		BAD(lend_outbox_list(t->e, t->admin, 1, bad[i], &ns));
	}
	BAD(lend_book_list(t->e, t->admin, 0, 1001, &bs));
	BAD(lend_fund_list(t->e, t->admin, w.lib, 0, 1001, &fs));
	BAD(lend_outbox_list(t->e, t->admin, 0, 10001, &ns));
	BAD(lend_book_list(t->e, t->admin, -1, 10, &bs));
	BAD(lend_fund_list(t->e, t->admin, w.lib, -1, 10, &fs));
	assert_null(bs);
	assert_null(fs);
	assert_null(ns);
	/* the edges */
	TH_OK(t, lend_book_list(t->e, t->admin, 0, 1, &bs));
	assert_int_equal(lend_books_count(bs), 1);
	lend_books_free(bs);
	TH_OK(t, lend_book_list(t->e, t->admin, 0, 1000, &bs));
	lend_books_free(bs);
	TH_OK(t, lend_fund_list(t->e, t->admin, w.lib, 0, 1, &fs));
	assert_int_equal(lend_funds_count(fs), 1);
	lend_funds_free(fs);
	TH_OK(t, lend_outbox_list(t->e, t->admin, 0, 10000, &ns));
	lend_notifications_free(ns);
	free(s.dump);
	th_check_clean(t);
}

static void test_bad_validity_and_suspension(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t);
	snapshot s = snap(&w);
	BAD(lend_ticket_set_validity(t->e, t->admin, w.tk, th_now, th_now - 1));
	BAD(lend_ticket_set_validity(t->e, t->admin, w.tk, th_now, th_now));
	BAD(lend_ticket_set_validity(t->e, t->admin, w.tk, -1, 0));
	BAD(lend_ticket_set_validity(t->e, t->admin, w.tk, 0, -1));
	lend_actor *r2 = th_as_reader(t, w.r2);
	BAD(lend_queue_suspend(t->e, r2, w.hold, th_now));
	BAD(lend_queue_suspend(t->e, r2, w.hold, th_now - TH_DAY));
	BAD(lend_queue_suspend(t->e, r2, w.hold, INT64_MIN));
	free(s.dump);
	th_check_clean(t);
}

/* After a refusal, the next successful call clears the engine's error. */
static void test_error_state_resets(void **state)
{
	th *t = *state;
	world w;
	world_init(&w, t);
	TH_RC(t, LEND_EINVAL, lend_budget_add(t->e, t->admin, w.lib, -1, NULL));
	assert_int_equal(lend_engine_errcode(t->e), LEND_EINVAL);
	TH_DENIED(t, LEND_REASON_NO_FREE_COPY, lend_take(t->e, th_as_reader(t, w.r2), w.tk2, w.book, NULL));
	assert_int_equal(lend_engine_errcode(t->e), LEND_EDENIED);
	TH_OK(t, lend_budget_add(t->e, t->admin, w.lib, 1, NULL));
	assert_int_equal(lend_engine_errcode(t->e), LEND_OK);
	assert_int_equal(lend_engine_reason(t->e), LEND_REASON_NONE);
	assert_string_equal(lend_engine_errmsg(t->e), "");
	th_check_clean(t);
}

/* ---------------------------------------------------- texts, free(NULL) */

static void test_strings_never_null(void **state)
{
	(void)state;
	for (int i = -5; i <= 40; i++) {
		assert_non_null(lend_strerror(i));
		assert_true(lend_strerror(i)[0] != '\0');
		assert_non_null(lend_reason_string(i));
		assert_true(lend_reason_string(i)[0] != '\0');
		assert_non_null(lend_note_kind_string(i));
	}
	assert_int_equal(lend_version(), LEND_VERSION_NUMBER);
	assert_string_equal(lend_version_string(), LEND_VERSION_STRING);
	/* every named status and reason has its own text */
	for (int i = LEND_OK; i <= LEND_ESTATE; i++)
		for (int j = i + 1; j <= LEND_ESTATE; j++)
			assert_string_not_equal(lend_strerror(i), lend_strerror(j));
	for (int i = LEND_REASON_NONE; i <= LEND_REASON_SUSPEND_TOO_LONG; i++)
		for (int j = i + 1; j <= LEND_REASON_SUSPEND_TOO_LONG; j++)
			assert_string_not_equal(lend_reason_string(i), lend_reason_string(j));
}

static void test_free_null(void **state)
{
	(void)state;
	lend_options_free(NULL);
	lend_engine_close(NULL);
	lend_actor_free(NULL);
	lend_report_free(NULL);
	lend_library_free(NULL);
	lend_libraries_free(NULL);
	lend_reader_free(NULL);
	lend_ticket_free(NULL);
	lend_tickets_free(NULL);
	lend_book_free(NULL);
	lend_books_free(NULL);
	lend_fund_free(NULL);
	lend_funds_free(NULL);
	lend_loan_free(NULL);
	lend_loans_free(NULL);
	lend_hold_free(NULL);
	lend_holds_free(NULL);
	lend_queue_free(NULL);
	lend_availability_free(NULL);
	lend_limits_free(NULL);
	lend_notifications_free(NULL);
	/* list getters on NULL and past the end */
	assert_int_equal(lend_loans_count(NULL), 0);
	assert_null(lend_loans_get(NULL, 0));
	assert_int_equal(lend_report_count(NULL), 0);
	assert_int_equal(lend_queue_length(NULL), 0);
	assert_null(lend_queue_hold(NULL, 3));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, th_setup_file, th_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_null_engine_actor_out),
		T(test_invalid_utf8),
		T(test_empty_and_long_strings),
		T(test_bad_money_and_enums),
		cmocka_unit_test(test_bad_birth_dates),
		T(test_policy_out_of_range),
		T(test_bad_copies),
		T(test_bad_list_limits),
		T(test_bad_validity_and_suspension),
		T(test_error_state_resets),
		cmocka_unit_test(test_strings_never_null),
		cmocka_unit_test(test_free_null),
	};
	return cmocka_run_group_tests_name("badinput", tests, NULL, NULL);
}
