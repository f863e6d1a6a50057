/* tests/fault.c — a storage backend that fails on purpose (see fault.h). */
#include <stdio.h>
#include <string.h>

#include "fault.h"

/* ------------------------------------------------------------ injector */

static int hit(fault *f)
{
	f->calls++;
	f->last_injected = f->fail_at != 0 && f->calls == f->fail_at;
	if (f->last_injected)
		f->injected++;
	return f->last_injected;
}

#define RU (f->real.userdata)
#define FWD(name, params, args)                                                                                    \
	static int f_##name params                                                                                 \
	{                                                                                                          \
		fault *f = ud;                                                                                     \
		if (hit(f))                                                                                        \
			return LEND_ESTORAGE;                                                                      \
		return f->real.name args;                                                                          \
	}

FWD(begin, (void *ud, int write), (RU, write))
FWD(commit, (void *ud), (RU))
FWD(library_insert, (void *ud, lend_sys_library *row), (RU, row))
FWD(library_update, (void *ud, const lend_sys_library *row), (RU, row))
FWD(library_get, (void *ud, int64_t id, lend_sys_library_cb cb, void *ctx), (RU, id, cb, ctx))
FWD(library_list, (void *ud, lend_sys_library_cb cb, void *ctx), (RU, cb, ctx))
FWD(grant_insert, (void *ud, int64_t reader_id, int64_t library_id), (RU, reader_id, library_id))
FWD(grant_delete, (void *ud, int64_t reader_id, int64_t library_id), (RU, reader_id, library_id))
FWD(grant_list, (void *ud, int64_t reader_id, int (*cb)(void *ctx, int64_t library_id), void *ctx),
    (RU, reader_id, cb, ctx))
FWD(reader_insert, (void *ud, lend_sys_reader *row), (RU, row))
FWD(reader_update, (void *ud, const lend_sys_reader *row), (RU, row))
FWD(reader_get, (void *ud, int64_t id, lend_sys_reader_cb cb, void *ctx), (RU, id, cb, ctx))
FWD(ticket_insert, (void *ud, lend_sys_ticket *row), (RU, row))
FWD(ticket_update, (void *ud, const lend_sys_ticket *row), (RU, row))
FWD(ticket_get, (void *ud, int64_t id, lend_sys_ticket_cb cb, void *ctx), (RU, id, cb, ctx))
FWD(ticket_find, (void *ud, int64_t library_id, const char *number, lend_sys_ticket_cb cb, void *ctx),
    (RU, library_id, number, cb, ctx))
FWD(ticket_list, (void *ud, int64_t reader_id, int64_t library_id, lend_sys_ticket_cb cb, void *ctx),
    (RU, reader_id, library_id, cb, ctx))
FWD(book_insert, (void *ud, lend_sys_book *row), (RU, row))
FWD(book_update, (void *ud, const lend_sys_book *row), (RU, row))
FWD(book_get, (void *ud, int64_t id, lend_sys_book_cb cb, void *ctx), (RU, id, cb, ctx))
FWD(book_list, (void *ud, int64_t after_id, int32_t limit, lend_sys_book_cb cb, void *ctx),
    (RU, after_id, limit, cb, ctx))
FWD(fund_get, (void *ud, int64_t library_id, int64_t book_id, lend_sys_fund *out), (RU, library_id, book_id, out))
FWD(fund_put, (void *ud, const lend_sys_fund *row), (RU, row))
FWD(fund_list,
    (void *ud, int64_t library_id, int64_t after_book_id, int32_t limit, lend_sys_fund_cb cb, void *ctx),
    (RU, library_id, after_book_id, limit, cb, ctx))
FWD(loan_insert, (void *ud, lend_sys_loan *row), (RU, row))
FWD(loan_update, (void *ud, const lend_sys_loan *row), (RU, row))
FWD(loan_get, (void *ud, int64_t id, lend_sys_loan_cb cb, void *ctx), (RU, id, cb, ctx))
FWD(loan_list, (void *ud, const lend_sys_loan_filter *flt, lend_sys_loan_cb cb, void *ctx), (RU, flt, cb, ctx))
FWD(loan_count, (void *ud, const lend_sys_loan_filter *flt, int64_t *count), (RU, flt, count))
FWD(hold_insert, (void *ud, lend_sys_hold *row), (RU, row))
FWD(hold_update, (void *ud, const lend_sys_hold *row), (RU, row))
FWD(hold_get, (void *ud, int64_t id, lend_sys_hold_cb cb, void *ctx), (RU, id, cb, ctx))
FWD(hold_list, (void *ud, const lend_sys_hold_filter *flt, lend_sys_hold_cb cb, void *ctx), (RU, flt, cb, ctx))
FWD(hold_count, (void *ud, const lend_sys_hold_filter *flt, int64_t *count), (RU, flt, count))
FWD(note_insert, (void *ud, lend_sys_note *row), (RU, row))
FWD(note_update, (void *ud, const lend_sys_note *row), (RU, row))
FWD(note_list, (void *ud, const lend_sys_note_filter *flt, lend_sys_note_cb cb, void *ctx), (RU, flt, cb, ctx))
FWD(policy_list, (void *ud, int64_t library_id, int64_t ticket_id, lend_sys_policy_cb cb, void *ctx),
    (RU, library_id, ticket_id, cb, ctx))
FWD(policy_put, (void *ud, const lend_sys_policy *row), (RU, row))
FWD(policy_delete, (void *ud, const lend_sys_policy *key), (RU, key))
FWD(ledger_insert, (void *ud, lend_sys_ledger *row), (RU, row))
FWD(ledger_list, (void *ud, int64_t library_id, int64_t from, int64_t to, lend_sys_ledger_cb cb, void *ctx),
    (RU, library_id, from, to, cb, ctx))
/* Each area forwards its methods in its own block. */
/* -- the librarian's desk */

/* -- accounts and sign-in */

/* -- the reader's shelf */

/* -- the catalog */
FWD(author_insert, (void *ud, lend_sys_author *row), (RU, row))
FWD(author_update, (void *ud, const lend_sys_author *row), (RU, row))
FWD(author_get, (void *ud, int64_t id, lend_sys_author_cb cb, void *ctx), (RU, id, cb, ctx))
FWD(author_find, (void *ud, const char *name, lend_sys_author_cb cb, void *ctx), (RU, name, cb, ctx))
FWD(book_authors_set, (void *ud, int64_t book_id, int32_t role, const int64_t *ids, int32_t n),
    (RU, book_id, role, ids, n))
FWD(book_authors_list, (void *ud, int64_t book_id, int32_t role, lend_sys_author_cb cb, void *ctx),
    (RU, book_id, role, cb, ctx))
FWD(book_find_external, (void *ud, const char *external_id, int64_t *book_id), (RU, external_id, book_id))
FWD(book_genres_set, (void *ud, int64_t book_id, const char *genres), (RU, book_id, genres))
FWD(book_listing, (void *ud, const lend_sys_listing *q, lend_sys_listed_cb cb, void *ctx), (RU, q, cb, ctx))
FWD(rating_get, (void *ud, int64_t reader_id, int64_t book_id, lend_sys_rating *out), (RU, reader_id, book_id, out))
FWD(rating_put, (void *ud, const lend_sys_rating *row), (RU, row))
FWD(rating_delete, (void *ud, int64_t reader_id, int64_t book_id), (RU, reader_id, book_id))
FWD(rating_list, (void *ud, int64_t reader_id, int64_t book_id, lend_sys_rating_cb cb, void *ctx),
    (RU, reader_id, book_id, cb, ctx))
FWD(rating_stats_get, (void *ud, int64_t book_id, lend_sys_rating_stats *out), (RU, book_id, out))
FWD(rating_stats_put, (void *ud, const lend_sys_rating_stats *row), (RU, row))
FWD(rating_stats_list, (void *ud, int (*cb)(void *ctx, const lend_sys_rating_stats *row), void *ctx),
    (RU, cb, ctx))
FWD(review_insert, (void *ud, lend_sys_review *row), (RU, row))
FWD(review_update, (void *ud, const lend_sys_review *row), (RU, row))
FWD(review_delete, (void *ud, int64_t id), (RU, id))
FWD(review_get, (void *ud, int64_t id, lend_sys_review_cb cb, void *ctx), (RU, id, cb, ctx))
FWD(review_list,
    (void *ud, int64_t book_id, int64_t reader_id, int64_t before_id, int32_t limit, lend_sys_review_cb cb,
     void *ctx),
    (RU, book_id, reader_id, before_id, limit, cb, ctx))

/* -- search */
FWD(search_put, (void *ud, const lend_sys_search_doc *doc), (RU, doc))
FWD(search_delete, (void *ud, int64_t book_id), (RU, book_id))
FWD(search_match, (void *ud, const lend_sys_search_query *q, lend_sys_search_cb cb, void *ctx), (RU, q, cb, ctx))


static int f_rollback(void *ud)
{
	fault *f = ud;
	return f->real.rollback(RU);
}

static const char *f_errmsg(void *ud)
{
	fault *f = ud;
	if (f->last_injected)
		return "injected storage fault";
	return f->real.errmsg ? f->real.errmsg(RU) : "";
}

static void f_free(void *ud)
{
	fault *f = ud;
	if (f->real.free)
		f->real.free(RU);
	free(f);
}

lend_engine *fault_open(const char *path, fault **fout)
{
	return fault_open_with(path, fout, NULL);
}

lend_engine *fault_open_with(const char *path, fault **fout, const lend_notifier *nt)
{
	char why[256] = "";
	fault *f = calloc(1, sizeof *f);
	assert_non_null(f);
	int rc = lend_storage_sqlite(&f->real, path, 10000, why, sizeof why);
	if (rc != LEND_OK)
		print_message("lend_storage_sqlite: %s\n", why);
	assert_int_equal(rc, LEND_OK);
	lend_storage s;
	assert_int_equal(lend_storage_init(&s, LEND_STORAGE_VERSION), LEND_OK);
	s.userdata = f;
	s.free = f_free;
	s.errmsg = f_errmsg;
	s.rollback = f_rollback;
#define SET(m) s.m = f_##m
	SET(begin);
	SET(commit);
	SET(library_insert);
	SET(library_update);
	SET(library_get);
	SET(library_list);
	SET(grant_insert);
	SET(grant_delete);
	SET(grant_list);
	SET(reader_insert);
	SET(reader_update);
	SET(reader_get);
	SET(ticket_insert);
	SET(ticket_update);
	SET(ticket_get);
	SET(ticket_find);
	SET(ticket_list);
	SET(book_insert);
	SET(book_update);
	SET(book_get);
	SET(book_list);
	SET(fund_get);
	SET(fund_put);
	SET(fund_list);
	SET(loan_insert);
	SET(loan_update);
	SET(loan_get);
	SET(loan_list);
	SET(loan_count);
	SET(hold_insert);
	SET(hold_update);
	SET(hold_get);
	SET(hold_list);
	SET(hold_count);
	SET(note_insert);
	SET(note_update);
	SET(note_list);
	SET(policy_list);
	SET(policy_put);
	SET(policy_delete);
	SET(ledger_insert);
	SET(ledger_list);
	/* -- the librarian's desk */
	/* -- accounts and sign-in */
	/* -- the reader's shelf */
	/* -- the catalog */
	SET(author_insert);
	SET(author_update);
	SET(author_get);
	SET(author_find);
	SET(book_authors_set);
	SET(book_authors_list);
	SET(book_find_external);
	SET(book_genres_set);
	SET(book_listing);
	SET(rating_get);
	SET(rating_put);
	SET(rating_delete);
	SET(rating_list);
	SET(rating_stats_get);
	SET(rating_stats_put);
	SET(rating_stats_list);
	SET(review_insert);
	SET(review_update);
	SET(review_delete);
	SET(review_get);
	SET(review_list);
	/* -- search */
	SET(search_put);
	SET(search_delete);
	SET(search_match);
#undef SET
	lend_options *o = NULL;
	assert_int_equal(lend_options_new(&o), LEND_OK);
	assert_int_equal(lend_options_set_clock(o, th_clock, NULL), LEND_OK);
	assert_int_equal(lend_options_set_storage(o, &s), LEND_OK);
	if (nt)
		assert_int_equal(lend_options_set_notifier(o, nt), LEND_OK);
	lend_engine *e = NULL;
	rc = lend_engine_open(&e, NULL, o);
	lend_options_free(o);
	if (rc != LEND_OK)
		print_message("open: %s\n", lend_engine_errmsg(e));
	assert_int_equal(rc, LEND_OK);
	*fout = f;
	return e;
}
