/* fuzz/fuzz_api.c — a random sequence of public calls against one engine,
 * with lend_engine_check() clean after every step.
 *
 * The world: two libraries, four readers (reader 0 at both), a librarian of
 * the first library, five books (free, priced, 16+, audiobook, not in any
 * fund). Each step takes a few bytes: the operation, who acts, on what. A
 * call may succeed or be refused; it may never fail with a storage, memory
 * or internal error, and what it leaves must pass every check. */
#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define READERS 4
#define BOOKS 5

typedef struct world {
	lend_engine *e;
	lend_actor *admin, *librarian, *reader[READERS];
	int64_t lib[2], reader_id[READERS + 1], ticket[READERS + 1], book[BOOKS];
} world;

static int64_t add_reader(world *w, const char *name, int year)
{
	lend_reader *r = NULL;
	int64_t id = 0;
	FUZZ_ASSERT(lend_reader_new(&r) == LEND_OK && lend_reader_set_name(r, name) == LEND_OK);
	FUZZ_ASSERT(lend_reader_set_birth_date(r, year, 6, 1) == LEND_OK);
	FUZZ_ASSERT(lend_reader_add(w->e, w->admin, r, &id) == LEND_OK);
	lend_reader_free(r);
	return id;
}

static int64_t add_ticket(world *w, int64_t lib, int64_t reader)
{
	lend_ticket *t = NULL;
	FUZZ_ASSERT(lend_ticket_issue(w->e, w->admin, lib, reader, NULL, &t) == LEND_OK);
	int64_t id = lend_ticket_id(t);
	lend_ticket_free(t);
	return id;
}

static void build(world *w)
{
	memset(w, 0, sizeof *w);
	fuzz_now = 1768212000;
	w->e = fuzz_engine();
	FUZZ_ASSERT(lend_actor_admin(w->e, &w->admin) == LEND_OK);
	for (int i = 0; i < 2; i++) {
		lend_library *l = NULL;
		FUZZ_ASSERT(lend_library_new(&l) == LEND_OK && lend_library_set_name(l, i ? "East" : "West") == LEND_OK);
		FUZZ_ASSERT(lend_library_add(w->e, w->admin, l, &w->lib[i]) == LEND_OK);
		lend_library_free(l);
		FUZZ_ASSERT(lend_budget_add(w->e, w->admin, w->lib[i], 100000, "start") == LEND_OK);
	}
	for (int i = 0; i < READERS; i++) {
		w->reader_id[i] = add_reader(w, "Reader", i == 3 ? 2015 : 1990);
		w->ticket[i] = add_ticket(w, w->lib[i % 2], w->reader_id[i]);
		FUZZ_ASSERT(lend_actor_reader(w->e, w->reader_id[i], &w->reader[i]) == LEND_OK);
	}
	/* Reader 0 also at the second library. */
	w->reader_id[READERS] = w->reader_id[0];
	w->ticket[READERS] = add_ticket(w, w->lib[1], w->reader_id[0]);
	int64_t staff = add_reader(w, "Librarian", 1980);
	FUZZ_ASSERT(lend_library_grant(w->e, w->admin, w->lib[0], staff) == LEND_OK);
	FUZZ_ASSERT(lend_actor_librarian(w->e, staff, &w->librarian) == LEND_OK);
	static const struct {
		int kind;
		int64_t price;
		int age, copies;
	} books[BOOKS] = {{LEND_KIND_EBOOK, 0, 0, 1}, {LEND_KIND_EBOOK, 50000, 0, 2}, {LEND_KIND_EBOOK, 900, 16, 1},
	                  {LEND_KIND_AUDIOBOOK, 1200, 0, 1}, {LEND_KIND_EBOOK, 3000, 0, 0}};
	for (int i = 0; i < BOOKS; i++) {
		lend_book *b = NULL;
		FUZZ_ASSERT(lend_book_new(&b) == LEND_OK && lend_book_set_title(b, "Book") == LEND_OK);
		FUZZ_ASSERT(lend_book_set_kind(b, books[i].kind) == LEND_OK);
		FUZZ_ASSERT(lend_book_set_price(b, books[i].price, "RUB") == LEND_OK);
		FUZZ_ASSERT(lend_book_set_age_rating(b, books[i].age) == LEND_OK);
		FUZZ_ASSERT(lend_book_add(w->e, w->admin, b, &w->book[i]) == LEND_OK);
		lend_book_free(b);
		for (int l = 0; l < 2 && books[i].copies; l++)
			FUZZ_ASSERT(lend_fund_add_copies(w->e, w->admin, w->lib[l], w->book[i], books[i].copies) == LEND_OK);
	}
}

static void teardown(world *w)
{
	for (int i = 0; i < READERS; i++)
		lend_actor_free(w->reader[i]);
	lend_actor_free(w->librarian);
	lend_actor_free(w->admin);
	lend_engine_close(w->e);
}

/* A status any call may give for a well-formed request from the outside. */
static int acceptable(int rc)
{
	return rc == LEND_OK || rc == LEND_ENOTFOUND || rc == LEND_EINVAL || rc == LEND_EEXISTS ||
	       rc == LEND_EDENIED || rc == LEND_EPERM || rc == LEND_ESTATE;
}

/* The n-th loan or hold id of a reader (0 when he has none). */
static int64_t nth_loan(world *w, int r, unsigned n)
{
	lend_loans *l = NULL;
	int64_t id = 0;
	if (lend_loan_list(w->e, w->admin, w->reader_id[r], 0, &l) == LEND_OK && lend_loans_count(l) > 0)
		id = lend_loan_id(lend_loans_get(l, n % lend_loans_count(l)));
	lend_loans_free(l);
	return id;
}

static int64_t nth_hold(world *w, int r, unsigned n)
{
	lend_holds *l = NULL;
	int64_t id = 0;
	if (lend_hold_list(w->e, w->admin, w->reader_id[r], &l) == LEND_OK && lend_holds_count(l) > 0)
		id = lend_hold_id(lend_holds_get(l, n % lend_holds_count(l)));
	lend_holds_free(l);
	return id;
}

/* The n-th request of a reader, in any state (0 when he has none). */
static int64_t nth_request(world *w, int r, unsigned n)
{
	lend_requests *l = NULL;
	int64_t id = 0;
	if (lend_request_list(w->e, w->admin, w->reader_id[r], 0, &l) == LEND_OK && lend_requests_count(l) > 0)
		id = lend_request_id(lend_requests_get(l, n % lend_requests_count(l)));
	lend_requests_free(l);
	return id;
}

static void step(world *w, const uint8_t *p)
{
	unsigned op = p[0] % 26, who = p[1] % 6, t = p[2] % (READERS + 1), x = p[3];
	int r = t == READERS ? 0 : (int)t;
	/* Who acts: the ticket's reader (mostly), another reader, the
	 * librarian, or the administrator. */
	const lend_actor *a = who < 3 ? w->reader[r] : who == 3 ? w->reader[(r + 1) % READERS]
	                                       : who == 4 ? w->librarian : w->admin;
	int64_t book = w->book[x % BOOKS], lib = w->lib[x % 2];
	int rc = LEND_OK;
	switch (op) {
	case 0:
	case 1: {
		lend_loan *l = NULL;
		rc = lend_take(w->e, a, w->ticket[t], book, &l);
		FUZZ_ASSERT((rc == LEND_OK) == (l != NULL));
		lend_loan_free(l);
		break;
	}
	case 2:
		rc = lend_return(w->e, a, nth_loan(w, r, x));
		break;
	case 3: {
		lend_hold *h = NULL;
		rc = lend_queue_join(w->e, a, w->ticket[t], book, &h);
		lend_hold_free(h);
		break;
	}
	case 4:
		rc = lend_queue_leave(w->e, a, nth_hold(w, r, x));
		break;
	case 5:
		rc = lend_queue_suspend(w->e, a, nth_hold(w, r, x), fuzz_now + (int64_t)x * 86400 * 2);
		break;
	case 6:
		rc = lend_queue_resume(w->e, a, nth_hold(w, r, x));
		break;
	case 7:
		fuzz_now += (int64_t)(x + 1) * 3600;
		break;
	case 8:
		rc = lend_engine_tick(w->e, NULL, NULL);
		break;
	case 9:
		rc = lend_fund_add_copies(w->e, a, lib, book, (int)(x % 4) - 1);
		break;
	case 10:
		rc = lend_fund_remove_copies(w->e, a, lib, book, 1 + (int)(x % 2));
		break;
	case 11:
		rc = lend_fund_buy_copies(w->e, a, lib, book, 1 + (int)(x % 3));
		break;
	case 12:
		rc = lend_budget_add(w->e, a, lib, ((int64_t)x - 100) * 100, "fuzz");
		break;
	case 13:
		rc = lend_policy_set(w->e, a, lib, (int)(x % 3), 1 + (int)(p[1] % LEND_SETTING_COUNT), (int64_t)(x % 5) - 1);
		break;
	case 14:
		rc = lend_ticket_set_blocked(w->e, a, w->ticket[t], x & 1);
		break;
	case 16: {
		lend_request *q = NULL;
		rc = lend_request_create(w->e, a, w->ticket[t], book, &q);
		FUZZ_ASSERT((rc == LEND_OK) == (q != NULL));
		lend_request_free(q);
		break;
	}
	case 17: {
		lend_request *q = NULL;
		rc = lend_request_approve(w->e, a, nth_request(w, r, x), &q);
		FUZZ_ASSERT((rc == LEND_OK) == (q != NULL));
		if (q)
			FUZZ_ASSERT(lend_request_state(q) == LEND_REQUEST_APPROVED);
		lend_request_free(q);
		break;
	}
	case 18: {
		static const int reasons[] = {LEND_REASON_BUDGET, LEND_REASON_TOO_MANY_REQUESTS, LEND_REASON_TOO_EXPENSIVE,
		                              LEND_REASON_LIBRARIAN, 0};
		rc = lend_request_deny(w->e, a, nth_request(w, r, x), reasons[p[1] % 5], x & 1 ? "Not this month" : NULL);
		break;
	}
	case 19:
		rc = lend_request_cancel(w->e, a, nth_request(w, r, x));
		break;
	case 20: {
		lend_loan *l = NULL;
		rc = lend_renew(w->e, a, nth_loan(w, r, x), &l);
		FUZZ_ASSERT((rc == LEND_OK) == (l != NULL));
		lend_loan_free(l);
		break;
	}
	case 21: {
		lend_loan *l = NULL;
		rc = lend_issue(w->e, a, w->ticket[t], book, x & 1, x & 2 ? "at the desk" : NULL, &l);
		FUZZ_ASSERT((rc == LEND_OK) == (l != NULL));
		lend_loan_free(l);
		break;
	}
	case 22: {
		char key[16];
		int credited = -1;
		snprintf(key, sizeof key, "pay-%u", x % 8);
		rc = lend_balance_credit(w->e, a, w->reader_id[r], ((int64_t)(x % 64) - 4) * 1000, x & 64 ? "EUR" : "RUB",
		                         key, &credited);
		if (rc == LEND_OK)
			FUZZ_ASSERT(credited == 0 || credited == 1);
		break;
	}
	case 23: {
		lend_purchase *b = NULL;
		int64_t before = 0, after = 0;
		FUZZ_ASSERT(lend_balance_get(w->e, w->admin, w->reader_id[r], "RUB", &before) == LEND_OK);
		rc = lend_buy(w->e, a, w->reader_id[r], book, &b);
		FUZZ_ASSERT((rc == LEND_OK) == (b != NULL));
		FUZZ_ASSERT(lend_balance_get(w->e, w->admin, w->reader_id[r], "RUB", &after) == LEND_OK);
		FUZZ_ASSERT(after >= 0);
		FUZZ_ASSERT(after == before - (b ? lend_purchase_price(b) : 0));
		lend_purchase_free(b);
		break;
	}
	case 24:
		rc = x & 1 ? lend_defer_remove(w->e, a, w->reader_id[r], book) : lend_defer_add(w->e, a, w->reader_id[r], book);
		break;
	case 25:
		rc = lend_reading_set(w->e, a, w->reader_id[r], book, (int64_t)x * 10 - 20, (int)(x % 110), x % 7,
		                      x & 1 ? "phone" : "tablet", fuzz_now - (int64_t)(x % 16) * 60, NULL);
		break;
	default: {
		lend_availability *v = NULL;
		rc = lend_availability_get(w->e, a, w->ticket[t], book, &v);
		FUZZ_ASSERT((rc == LEND_OK) == (v != NULL));
		lend_availability_free(v);
		break;
	}
	}
	if (!acceptable(rc))
		fprintf(stderr, "op %u: status %d: %s\n", op, rc, lend_engine_errmsg(w->e));
	FUZZ_ASSERT(acceptable(rc));
	fuzz_check_clean(w->e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	world w;
	build(&w);
	for (size_t i = 0; i + 4 <= size && i < 4 * 64; i += 4)
		step(&w, data + i);
	teardown(&w);
	return 0;
}
