/* fuzz/common.c — see common.h. */
#include "common.h"

int64_t fuzz_now = 1768212000; /* 2026-01-12 10:00:00 UTC */

static int64_t fuzz_clock(void *ud)
{
	(void)ud;
	return fuzz_now;
}

lend_engine *fuzz_engine(void)
{
	lend_options *o = NULL;
	lend_engine *e = NULL;
	FUZZ_ASSERT(lend_options_new(&o) == LEND_OK);
	FUZZ_ASSERT(lend_options_set_clock(o, fuzz_clock, NULL) == LEND_OK);
	/* Passwords hashed at the cheapest cost: the targets test what is done
	 * with inputs, not Argon2. */
	FUZZ_ASSERT(lend_options_set_password_cost(o, LEND_PASSWORD_COST_MIN) == LEND_OK);
	FUZZ_ASSERT(lend_engine_open(&e, ":memory:", o) == LEND_OK);
	lend_options_free(o);
	return e;
}

void fuzz_check_clean(lend_engine *e)
{
	lend_report *r = NULL;
	FUZZ_ASSERT(lend_engine_check(e, &r) == LEND_OK);
	for (size_t i = 0; i < lend_report_count(r); i++)
		fprintf(stderr, "check: %s\n", lend_report_get(r, i));
	FUZZ_ASSERT(lend_report_count(r) == 0);
	lend_report_free(r);
}

char *fuzz_string(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);
	FUZZ_ASSERT(s != NULL);
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

int64_t fuzz_count_books(lend_engine *e, const lend_actor *a)
{
	lend_books *l = NULL;
	FUZZ_ASSERT(lend_book_list(e, a, 0, 1000, &l) == LEND_OK);
	int64_t n = (int64_t)lend_books_count(l);
	lend_books_free(l);
	return n;
}
