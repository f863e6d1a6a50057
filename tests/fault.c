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
FWD(note_prune, (void *ud, int64_t before, int32_t limit, int64_t *pruned), (RU, before, limit, pruned))
FWD(note_list, (void *ud, const lend_sys_note_filter *flt, lend_sys_note_cb cb, void *ctx), (RU, flt, cb, ctx))
FWD(policy_list, (void *ud, int64_t library_id, int64_t ticket_id, lend_sys_policy_cb cb, void *ctx),
    (RU, library_id, ticket_id, cb, ctx))
FWD(policy_put, (void *ud, const lend_sys_policy *row), (RU, row))
FWD(policy_delete, (void *ud, const lend_sys_policy *key), (RU, key))
FWD(ledger_insert, (void *ud, lend_sys_ledger *row), (RU, row))
FWD(ledger_list, (void *ud, int64_t library_id, int64_t from, int64_t to, lend_sys_ledger_cb cb, void *ctx),
    (RU, library_id, from, to, cb, ctx))
/* The core's optional shortcuts (set below only when the real backend has
 * them, so that a wrapped backend without them keeps the engine's own reads). */
FWD(return_rows,
    (void *ud, int64_t loan_id,
     int (*cb)(void *ctx, const lend_sys_loan *loan, const char *title, const char *library_name,
               const lend_sys_fund *fund),
     void *ctx),
    (RU, loan_id, cb, ctx))
FWD(settle_due, (void *ud, int64_t now, int64_t started_after, int32_t *due), (RU, now, started_after, due))
FWD(verdict_rows,
    (void *ud, int64_t ticket_id, int64_t book_id,
     int (*cb)(void *ctx, const lend_sys_ticket *ticket, const lend_sys_reader *reader, const lend_sys_library *library,
               const lend_sys_book *book, const lend_sys_fund *fund),
     void *ctx),
    (RU, ticket_id, book_id, cb, ctx))
/* Each area forwards its methods in its own block. */
/* -- the librarian's desk */
FWD(request_insert, (void *ud, lend_sys_request *row), (RU, row))
FWD(request_update, (void *ud, const lend_sys_request *row), (RU, row))
FWD(request_get, (void *ud, int64_t id, lend_sys_request_cb cb, void *ctx), (RU, id, cb, ctx))
FWD(request_list, (void *ud, const lend_sys_request_filter *flt, lend_sys_request_cb cb, void *ctx),
    (RU, flt, cb, ctx))
FWD(request_count, (void *ud, const lend_sys_request_filter *flt, int64_t *count), (RU, flt, count))
FWD(renewal_insert, (void *ud, const lend_sys_renewal *row), (RU, row))
FWD(renewal_get, (void *ud, int64_t loan_id, lend_sys_renewal *out), (RU, loan_id, out))
FWD(ticket_started, (void *ud, int64_t after, int64_t upto, lend_sys_ticket_cb cb, void *ctx),
    (RU, after, upto, cb, ctx))
FWD(reserve_insert, (void *ud, lend_sys_reserve *row), (RU, row))
FWD(reserve_update, (void *ud, const lend_sys_reserve *row), (RU, row))
FWD(reserve_get, (void *ud, int64_t id, lend_sys_reserve_cb cb, void *ctx), (RU, id, cb, ctx))
FWD(reserve_list, (void *ud, const lend_sys_reserve_filter *flt, lend_sys_reserve_cb cb, void *ctx),
    (RU, flt, cb, ctx))
FWD(reserve_count, (void *ud, const lend_sys_reserve_filter *flt, int64_t *count), (RU, flt, count))
FWD(license_insert, (void *ud, lend_sys_license *row), (RU, row))
FWD(license_update, (void *ud, const lend_sys_license *row), (RU, row))
FWD(license_list, (void *ud, const lend_sys_license_filter *flt, lend_sys_license_cb cb, void *ctx),
    (RU, flt, cb, ctx))
FWD(license_bind, (void *ud, int64_t loan_id, int64_t license_id), (RU, loan_id, license_id))
FWD(license_of_loan, (void *ud, int64_t loan_id, int64_t *license_id), (RU, loan_id, license_id))
FWD(license_loans, (void *ud, int64_t license_id, int64_t *active), (RU, license_id, active))

/* -- accounts and sign-in */
FWD(cred_get, (void *ud, int64_t ticket_id, lend_sys_credential *out, char *hash, size_t hash_size),
    (RU, ticket_id, out, hash, hash_size))
FWD(cred_put, (void *ud, const lend_sys_credential *row), (RU, row))
FWD(method_insert, (void *ud, lend_sys_method *row), (RU, row))
FWD(method_update, (void *ud, const lend_sys_method *row), (RU, row))
FWD(method_delete, (void *ud, int64_t id), (RU, id))
FWD(method_find, (void *ud, int32_t kind, const char *value, lend_sys_method_cb cb, void *ctx),
    (RU, kind, value, cb, ctx))
FWD(method_list, (void *ud, int64_t reader_id, lend_sys_method_cb cb, void *ctx), (RU, reader_id, cb, ctx))
FWD(method_get, (void *ud, int64_t id, lend_sys_method_cb cb, void *ctx), (RU, id, cb, ctx))
FWD(secret_insert, (void *ud, lend_sys_secret *row), (RU, row))
FWD(secret_update, (void *ud, const lend_sys_secret *row), (RU, row))
FWD(secret_find, (void *ud, const char *hash, lend_sys_secret_cb cb, void *ctx), (RU, hash, cb, ctx))
FWD(secret_list, (void *ud, int64_t reader_id, int32_t purpose, lend_sys_secret_cb cb, void *ctx),
    (RU, reader_id, purpose, cb, ctx))
FWD(throttle_get, (void *ud, const char *key, lend_sys_throttle *out), (RU, key, out))
FWD(throttle_put, (void *ud, const lend_sys_throttle *row), (RU, row))
FWD(throttle_delete, (void *ud, const char *key), (RU, key))
FWD(session_insert, (void *ud, lend_sys_session *row), (RU, row))
FWD(session_update, (void *ud, const lend_sys_session *row), (RU, row))
FWD(session_get, (void *ud, int64_t id, lend_sys_session_cb cb, void *ctx), (RU, id, cb, ctx))
FWD(session_list, (void *ud, int64_t reader_id, lend_sys_session_cb cb, void *ctx), (RU, reader_id, cb, ctx))
FWD(audit_insert, (void *ud, lend_sys_audit *row), (RU, row))
FWD(audit_list, (void *ud, int64_t reader_id, int64_t from, int64_t to, lend_sys_audit_cb cb, void *ctx),
    (RU, reader_id, from, to, cb, ctx))
FWD(accounts_move, (void *ud, int64_t from, int64_t to, int64_t at), (RU, from, to, at))
FWD(merged_list, (void *ud, int (*cb)(void *ctx, int64_t from, int64_t into), void *ctx), (RU, cb, ctx))
FWD(audit_prune, (void *ud, int64_t before, int32_t limit, int64_t *pruned), (RU, before, limit, pruned))
FWD(session_prune, (void *ud, int64_t before, int64_t started_before, int32_t limit, int64_t *pruned),
    (RU, before, started_before, limit, pruned))

/* -- the reader's shelf */
FWD(wallet_insert, (void *ud, lend_sys_wallet *row), (RU, row))
FWD(wallet_update, (void *ud, const lend_sys_wallet *row), (RU, row))
FWD(wallet_find, (void *ud, int64_t reader_id, const char *key, lend_sys_wallet_cb cb, void *ctx), (RU, reader_id, key, cb, ctx))
FWD(wallet_list, (void *ud, int64_t reader_id, lend_sys_wallet_cb cb, void *ctx), (RU, reader_id, cb, ctx))
FWD(wallet_sum, (void *ud, int64_t reader_id, const char *currency, int64_t *sum), (RU, reader_id, currency, sum))
FWD(wallet_readers, (void *ud, int (*cb)(void *ctx, int64_t reader_id), void *ctx), (RU, cb, ctx))
FWD(purchase_insert, (void *ud, lend_sys_purchase *row), (RU, row))
FWD(purchase_get, (void *ud, int64_t reader_id, int64_t book_id, lend_sys_purchase_cb cb, void *ctx), (RU, reader_id, book_id, cb, ctx))
FWD(purchase_list, (void *ud, int64_t reader_id, int64_t after_id, int32_t limit, lend_sys_purchase_cb cb, void *ctx), (RU, reader_id, after_id, limit, cb, ctx))
FWD(purchase_update, (void *ud, const lend_sys_purchase *row), (RU, row))
FWD(purchase_delete, (void *ud, int64_t id), (RU, id))
FWD(deferred_insert, (void *ud, lend_sys_deferred *row), (RU, row))
FWD(deferred_list, (void *ud, int64_t reader_id, int64_t after_id, int32_t limit, lend_sys_deferred_cb cb, void *ctx), (RU, reader_id, after_id, limit, cb, ctx))
FWD(deferred_update, (void *ud, const lend_sys_deferred *row), (RU, row))
FWD(deferred_delete, (void *ud, int64_t id), (RU, id))
FWD(reading_get, (void *ud, int64_t reader_id, int64_t book_id, lend_sys_reading_cb cb, void *ctx), (RU, reader_id, book_id, cb, ctx))
FWD(reading_put, (void *ud, const lend_sys_reading *row), (RU, row))
FWD(reading_list, (void *ud, int64_t reader_id, lend_sys_reading_cb cb, void *ctx), (RU, reader_id, cb, ctx))
FWD(reading_delete, (void *ud, int64_t reader_id, int64_t book_id), (RU, reader_id, book_id))
FWD(bookmark_insert, (void *ud, lend_sys_bookmark *row), (RU, row))
FWD(bookmark_get, (void *ud, int64_t id, lend_sys_bookmark_cb cb, void *ctx), (RU, id, cb, ctx))
FWD(bookmark_list, (void *ud, int64_t reader_id, int64_t book_id, lend_sys_bookmark_cb cb, void *ctx), (RU, reader_id, book_id, cb, ctx))
FWD(bookmark_update, (void *ud, const lend_sys_bookmark *row), (RU, row))
FWD(bookmark_delete, (void *ud, int64_t id), (RU, id))
FWD(offline_put, (void *ud, lend_sys_offline *row), (RU, row))
FWD(offline_list, (void *ud, int64_t reader_id, const char *device, lend_sys_offline_cb cb, void *ctx), (RU, reader_id, device, cb, ctx))
FWD(offline_delete, (void *ud, int64_t id), (RU, id))
FWD(prefs_get, (void *ud, int64_t reader_id, lend_sys_prefs_cb cb, void *ctx), (RU, reader_id, cb, ctx))
FWD(prefs_put, (void *ud, const lend_sys_prefs *row), (RU, row))
FWD(prefs_delete, (void *ud, int64_t reader_id), (RU, reader_id))
FWD(mark_get, (void *ud, int32_t kind, int64_t subject_id, lend_sys_mark *out), (RU, kind, subject_id, out))
FWD(mark_put, (void *ud, const lend_sys_mark *row), (RU, row))

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
	return fault_open_ex(path, fout, nt, 0);
}

lend_engine *fault_open_ex(const char *path, fault **fout, const lend_notifier *nt, int password_cost)
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
	SET(note_prune);
	SET(policy_list);
	SET(policy_put);
	SET(policy_delete);
	SET(ledger_insert);
	SET(ledger_list);
	if (f->real.return_rows)
		SET(return_rows);
	if (f->real.settle_due)
		SET(settle_due);
	if (f->real.verdict_rows)
		SET(verdict_rows);
	/* -- the librarian's desk */
	SET(request_insert);
	SET(request_update);
	SET(request_get);
	SET(request_list);
	SET(request_count);
	SET(renewal_insert);
	SET(renewal_get);
	SET(ticket_started);
	SET(reserve_insert);
	SET(reserve_update);
	SET(reserve_get);
	SET(reserve_list);
	SET(reserve_count);
	SET(license_insert);
	SET(license_update);
	SET(license_list);
	SET(license_bind);
	SET(license_of_loan);
	SET(license_loans);
	/* -- accounts and sign-in */
	SET(cred_get);
	SET(cred_put);
	SET(method_insert);
	SET(method_update);
	SET(method_delete);
	SET(method_find);
	SET(method_list);
	SET(method_get);
	SET(secret_insert);
	SET(secret_update);
	SET(secret_find);
	SET(secret_list);
	SET(throttle_get);
	SET(throttle_put);
	SET(throttle_delete);
	SET(session_insert);
	SET(session_update);
	SET(session_get);
	SET(session_list);
	SET(audit_insert);
	SET(audit_list);
	SET(accounts_move);
	SET(merged_list);
	SET(audit_prune);
	SET(session_prune);
	/* -- the reader's shelf */
	SET(wallet_insert);
	SET(wallet_update);
	SET(wallet_find);
	SET(wallet_list);
	SET(wallet_sum);
	SET(wallet_readers);
	SET(purchase_insert);
	SET(purchase_get);
	SET(purchase_list);
	SET(purchase_update);
	SET(purchase_delete);
	SET(deferred_insert);
	SET(deferred_list);
	SET(deferred_update);
	SET(deferred_delete);
	SET(reading_get);
	SET(reading_put);
	SET(reading_list);
	SET(reading_delete);
	SET(bookmark_insert);
	SET(bookmark_get);
	SET(bookmark_list);
	SET(bookmark_update);
	SET(bookmark_delete);
	SET(offline_put);
	SET(offline_list);
	SET(offline_delete);
	SET(prefs_get);
	SET(prefs_put);
	SET(prefs_delete);
	SET(mark_get);
	SET(mark_put);
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
	if (password_cost > 0)
		assert_int_equal(lend_options_set_password_cost(o, password_cost), LEND_OK);
	lend_engine *e = NULL;
	rc = lend_engine_open(&e, NULL, o);
	lend_options_free(o);
	if (rc != LEND_OK)
		print_message("open: %s\n", lend_engine_errmsg(e));
	assert_int_equal(rc, LEND_OK);
	*fout = f;
	return e;
}
