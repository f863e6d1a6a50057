/* catalog/listings.c — listings of books with keyset pagination and the
 * asking reader's availability verdict for each book. */
#include <inttypes.h>
#include <stdio.h>

#include "catalog.h"

#define GENRE_MAX 200
#define DEFAULT_LIMIT 20
#define DEFAULT_DAYS 30

struct lend_list_query {
	int list;
	int64_t ticket_id, library_id, reader_id, author_id;
	char *genre;
	int kind, days, limit;
	int64_t after_key, after_id;
};

typedef struct listed {
	lend_book *book;
	int64_t key;
	lend_availability v;
	int has_v;
	int age_ok;
} listed;

struct lend_listing {
	listed *items;
	size_t n;
	char next[48];
};

LEND_EXTERN int lend_list_query_new(lend_list_query **out, int list)
{
	if (!out)
		return LEND_EINVAL;
	*out = NULL;
	if (list < LEND_LIST_FUND || list > LEND_LIST_RECOMMENDED)
		return LEND_EINVAL;
	lend_list_query *q = calloc(1, sizeof *q);
	if (!q)
		return LEND_ENOMEM;
	q->list = list;
	q->days = DEFAULT_DAYS;
	q->limit = DEFAULT_LIMIT;
	*out = q;
	return LEND_OK;
}

LEND_EXTERN void lend_list_query_free(lend_list_query *q)
{
	if (q) {
		free(q->genre);
		free(q);
	}
}

#define ID_SETTER(name, field)                                                                                         \
	LEND_EXTERN int lend_list_query_set_##name(lend_list_query *q, int64_t id)                                     \
	{                                                                                                              \
		if (!q || id < 0)                                                                                      \
			return LEND_EINVAL;                                                                            \
		q->field = id;                                                                                         \
		return LEND_OK;                                                                                        \
	}
ID_SETTER(ticket, ticket_id)
ID_SETTER(library, library_id)
ID_SETTER(reader, reader_id)
ID_SETTER(author, author_id)

LEND_EXTERN int lend_list_query_set_genre(lend_list_query *q, const char *genre)
{
	if (!q || lend__text_ok(genre, GENRE_MAX, 1) != LEND_OK)
		return LEND_EINVAL;
	char *g = lend__strdup(genre);
	if (!g)
		return LEND_ENOMEM;
	free(q->genre);
	q->genre = g;
	return LEND_OK;
}

LEND_EXTERN int lend_list_query_set_kind(lend_list_query *q, int kind)
{
	if (!q || (kind != LEND_KIND_ANY && kind != LEND_KIND_EBOOK && kind != LEND_KIND_AUDIOBOOK))
		return LEND_EINVAL;
	q->kind = kind;
	return LEND_OK;
}

LEND_EXTERN int lend_list_query_set_days(lend_list_query *q, int days)
{
	if (!q || days < 1 || days > 3650)
		return LEND_EINVAL;
	q->days = days;
	return LEND_OK;
}

LEND_EXTERN int lend_list_query_set_limit(lend_list_query *q, int limit)
{
	if (!q || limit < 1 || limit > 1000)
		return LEND_EINVAL;
	q->limit = limit;
	return LEND_OK;
}

/* A decimal int64 of exactly n bytes: an optional '-' and digits, no overflow. */
int lend__parse_i64(const char *s, size_t n, int64_t *out)
{
	size_t i = s[0] == '-' && n > 1 ? 1 : 0;
	uint64_t v = 0, lim = i ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (n == 0 || n - i > 19)
		return 0;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (lim - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*out = s[0] == '-' ? (int64_t)(0 - v) : (int64_t)v;
	return 1;
}

/* A cursor is "<key>.<id>" in decimal: the last book of the page before. */
LEND_EXTERN int lend_list_query_set_cursor(lend_list_query *q, const char *cursor)
{
	if (!q)
		return LEND_EINVAL;
	if (!cursor || !*cursor) {
		q->after_key = q->after_id = 0;
		return LEND_OK;
	}
	int64_t key, id;
	const char *dot = strchr(cursor, '.');
	if (!dot || !lend__parse_i64(cursor, (size_t)(dot - cursor), &key) ||
	    !lend__parse_i64(dot + 1, strlen(dot + 1), &id) || id <= 0)
		return LEND_EINVAL;
	q->after_key = key;
	q->after_id = id;
	return LEND_OK;
}

LEND_EXTERN size_t lend_listing_count(const lend_listing *l) { return l ? l->n : 0; }
LEND_EXTERN const lend_book *lend_listing_book(const lend_listing *l, size_t i)
{
	return l && i < l->n ? l->items[i].book : NULL;
}
LEND_EXTERN const lend_availability *lend_listing_availability(const lend_listing *l, size_t i)
{
	return l && i < l->n && l->items[i].has_v ? &l->items[i].v : NULL;
}
LEND_EXTERN int lend_listing_age_ok(const lend_listing *l, size_t i)
{
	return l && i < l->n ? l->items[i].age_ok : 0;
}
LEND_EXTERN int64_t lend_listing_key(const lend_listing *l, size_t i) { return l && i < l->n ? l->items[i].key : 0; }
LEND_EXTERN const char *lend_listing_next(const lend_listing *l) { return l ? l->next : ""; }
LEND_EXTERN void lend_listing_free(lend_listing *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		lend_book_free(l->items[i].book);
	free(l->items);
	free(l);
}

struct page_ctx {
	lend__rows ids; /* pairs: book id, key */
};

static int listed_cb(void *ctx, int64_t book_id, int64_t key)
{
	int64_t pair[2] = {book_id, key};
	return lend__rows_push(ctx, pair);
}

static int book_handle_cb(void *ctx, const lend_sys_book *row)
{
	lend_book **out = ctx;
	*out = lend__book_from(row);
	return *out ? 0 : 1;
}

static int author_exists_cb(void *ctx, const lend_sys_author *row)
{
	(void)ctx;
	(void)row;
	return 0;
}

/* Who may see verdicts for the ticket, and whose recommendations. */
static int check_access(lend_engine *e, const lend_actor *a, lend_sys_listing *sq, const lend_list_query *q,
                        int64_t *ticket_library)
{
	*ticket_library = 0;
	if (q->ticket_id) {
		lend_sys_ticket t;
		TRY(lend__load_ticket(e, q->ticket_id, &t));
		TRY(lend__need_reader_or_staff(e, a, t.reader_id, t.library_id));
		*ticket_library = t.library_id;
		if (!sq->reader_id)
			sq->reader_id = t.reader_id;
	}
	/* A named reader's age marks every book, and his birth date is his:
	 * the reader himself, a librarian of one of his libraries, or admin. */
	if (q->reader_id)
		TRY(lend__need_reader_access(e, a, q->reader_id));
	if (!sq->library_id)
		sq->library_id = *ticket_library;
	if (q->list == LEND_LIST_FUND) {
		lend_sys_library lib;
		char cur[4];
		if (!sq->library_id)
			return lend__fail(e, LEND_EINVAL, "the fund of which library? set a ticket or a library");
		TRY(lend__load_library(e, sq->library_id, &lib, cur));
	}
	if (q->list == LEND_LIST_RECOMMENDED) {
		if (!sq->reader_id && a->kind == LEND_ACTOR_READER)
			sq->reader_id = a->reader_id;
		if (!sq->reader_id)
			return lend__fail(e, LEND_EINVAL, "recommendations for which reader? set a ticket or a reader");
		TRY(lend__need_reader_access(e, a, sq->reader_id));
	}
	if (q->list == LEND_LIST_AUTHOR) {
		if (!q->author_id)
			return lend__fail(e, LEND_EINVAL, "the books of which author? set an author");
		TRY_ST(e, "author", ST(e, author_get, q->author_id, author_exists_cb, NULL));
	}
	if (q->list == LEND_LIST_GENRE && !q->genre)
		return lend__fail(e, LEND_EINVAL, "which genre? set a genre");
	return LEND_OK;
}

/* The reader whose age marks the books: the ticket's, the one named, or
 * the asking reader; -1 when there is none (every book is then age-ok). */
static int marking_birth(lend_engine *e, const lend_actor *a, const lend_list_query *q, const lend_sys_listing *sq,
                         int *birth)
{
	int64_t reader = q->ticket_id || q->reader_id ? sq->reader_id : a->kind == LEND_ACTOR_READER ? a->reader_id : 0;
	*birth = -1;
	if (!reader)
		return LEND_OK;
	lend_sys_reader r;
	TRY(lend__load_reader(e, reader, &r));
	*birth = r.birth_date;
	return LEND_OK;
}

static int fill_page(lend_engine *e, const lend_list_query *q, lend_sys_listing *sq, lend_listing *l, int birth)
{
	struct page_ctx c = {LEND_ROWS(int64_t[2])};
	TRY(lend__rows_status(e, &c.ids, ST(e, book_listing, sq, listed_cb, &c.ids), "listing"));
	int rc = LEND_OK, today = lend__ymd(e->now);
	if (c.ids.n && !(l->items = calloc(c.ids.n, sizeof *l->items)))
		rc = lend__nomem(e);
	for (size_t i = 0; rc == LEND_OK && i < c.ids.n; i++) {
		const int64_t *pair = ((const int64_t(*)[2])c.ids.data)[i];
		listed *it = &l->items[l->n];
		rc = ST(e, book_get, pair[0], book_handle_cb, &it->book);
		if (rc == 1)
			rc = lend__nomem(e);
		else if (rc != LEND_OK)
			rc = lend__storage_fail(e, rc, "book");
		if (rc != LEND_OK)
			break;
		l->n++;
		it->key = pair[1];
		it->age_ok = birth < 0 || lend_rules_age_ok(birth, lend_book_age_rating(it->book), today);
		if (q->ticket_id) {
			rc = lend__availability(e, q->ticket_id, pair[0], &it->v);
			it->has_v = rc == LEND_OK;
		}
	}
	if (rc == LEND_OK && c.ids.n == (size_t)q->limit) {
		const int64_t *last = ((const int64_t(*)[2])c.ids.data)[c.ids.n - 1];
		snprintf(l->next, sizeof l->next, "%" PRId64 ".%" PRId64, last[1], last[0]);
	}
	lend__rows_free(&c.ids);
	return rc;
}

LEND_EXTERN int lend_list_books(lend_engine *e, const lend_actor *a, const lend_list_query *q, lend_listing **out)
{
	LEND_ENTER(e);
	if (!out || !q)
		return lend__fail(e, LEND_EINVAL, "out or the query is NULL");
	*out = NULL;
	TRY(lend__need_actor(e, a));
	lend_listing *l = calloc(1, sizeof *l);
	if (!l)
		return lend__nomem(e);
	lend_sys_listing sq;
	memset(&sq, 0, sizeof sq);
	sq.what = q->list;
	sq.library_id = q->library_id;
	sq.author_id = q->author_id;
	sq.genre = q->genre;
	sq.reader_id = q->reader_id;
	sq.kind = q->kind;
	sq.after_key = q->after_key;
	sq.after_id = q->after_id;
	sq.limit = q->limit;
	int64_t ticket_library;
	int rc = lend__begin(e, 0);
	sq.now = e->now;
	sq.since = e->now - (int64_t)q->days * 86400;
	if (q->list != LEND_LIST_POPULAR && q->list != LEND_LIST_FUND)
		sq.library_id = 0;
	if (rc == LEND_OK)
		rc = check_access(e, a, &sq, q, &ticket_library);
	int birth = -1;
	if (rc == LEND_OK)
		rc = marking_birth(e, a, q, &sq, &birth);
	if (rc == LEND_OK)
		rc = fill_page(e, q, &sq, l, birth);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_listing_free(l);
		return rc;
	}
	*out = l;
	return LEND_OK;
}
