/* catalog/authors.c — authors as entities, linking a book's names to them,
 * withdrawing books, and what search indexes of a book. */
#include <stdio.h>

#include "catalog.h"

#define ALIAS_MAX 300
#define ALIASES_MAX 64

/* ------------------------------------------------------------- search */

/* Search is told of every change of what it indexes, in the same
 * transaction: the one place the catalog calls it. */
/* A host's backend written before the catalog lacks its methods. */
const char *lend__catalog_lacks(const lend_engine *e)
{
	LEND_LACKS(e, author_insert);
	LEND_LACKS(e, author_update);
	LEND_LACKS(e, author_get);
	LEND_LACKS(e, author_find);
	LEND_LACKS(e, book_authors_set);
	LEND_LACKS(e, book_authors_list);
	LEND_LACKS(e, book_find_external);
	LEND_LACKS(e, book_genres_set);
	LEND_LACKS(e, book_listing);
	LEND_LACKS(e, rating_get);
	LEND_LACKS(e, rating_put);
	LEND_LACKS(e, rating_delete);
	LEND_LACKS(e, rating_list);
	LEND_LACKS(e, rating_stats_get);
	LEND_LACKS(e, rating_stats_put);
	LEND_LACKS(e, rating_stats_list);
	LEND_LACKS(e, review_insert);
	LEND_LACKS(e, review_update);
	LEND_LACKS(e, review_delete);
	LEND_LACKS(e, review_get);
	LEND_LACKS(e, review_list);
	return NULL;
}

int lend__catalog_changed(lend_engine *e, int64_t book_id)
{
	return lend__search_book_changed(e, book_id);
}

/* ---------------------------------------------------------- book rows */

static int full_book_cb(void *ctx, const lend_sys_book *row)
{
	lend__full_book *f = ctx;
	f->b = lend__book_from(row);
	return f->b ? 0 : 1;
}

int lend__full_book_load(lend_engine *e, int64_t book_id, lend__full_book *f)
{
	memset(f, 0, sizeof *f);
	int rc = ST(e, book_get, book_id, full_book_cb, f);
	if (rc != LEND_OK)
		return rc == 1 ? lend__nomem(e) : lend__storage_fail(e, rc, "book");
	if (lend__book_to_row(f->b, &f->row, &f->authors) != LEND_OK) {
		lend__full_book_free(f);
		return lend__nomem(e);
	}
	return LEND_OK;
}

void lend__full_book_free(lend__full_book *f)
{
	lend_book_free(f->b);
	free(f->authors);
	memset(f, 0, sizeof *f);
}

/* ------------------------------------------------------------ authors */

static int author_id_cb(void *ctx, const lend_sys_author *row)
{
	*(int64_t *)ctx = row->id;
	return 0;
}

int lend__author_ensure(lend_engine *e, const char *name, int64_t *id)
{
	*id = 0;
	int rc = ST(e, author_find, name, author_id_cb, id);
	if (rc == LEND_ENOTFOUND) {
		lend_sys_author row = {0};
		row.name = name;
		row.created_at = e->now;
		rc = ST(e, author_insert, &row);
		*id = row.id;
	}
	return rc == LEND_OK ? LEND_OK : lend__storage_fail(e, rc, "author");
}

static int link_names(lend_engine *e, int64_t book_id, int role, const char *joined)
{
	lend__strlist names = {0};
	int64_t *ids = NULL;
	int rc = lend__strlist_split(&names, joined);
	if (rc == LEND_OK && names.n && !(ids = calloc(names.n, sizeof *ids)))
		rc = LEND_ENOMEM;
	if (rc != LEND_OK) {
		rc = lend__nomem(e);
		goto out;
	}
	for (size_t i = 0; i < names.n && rc == LEND_OK; i++)
		rc = lend__author_ensure(e, names.items[i], &ids[i]);
	if (rc == LEND_OK && (rc = ST(e, book_authors_set, book_id, role, ids, (int32_t)names.n)) != LEND_OK)
		rc = lend__storage_fail(e, rc, "book authors");
out:
	free(ids);
	for (size_t i = 0; i < names.n; i++)
		free(names.items[i]);
	free(names.items);
	free(names.joined);
	return rc;
}

int lend__catalog_book_saved(lend_engine *e, const lend_sys_book *row)
{
	if (lend__catalog_lacks(e))
		return LEND_OK; /* no catalog tables to keep in step */
	TRY(link_names(e, row->id, LEND_ROLE_AUTHOR, row->authors));
	TRY(link_names(e, row->id, LEND_ROLE_NARRATOR, row->narrators));
	TRY_ST(e, "book genres", ST(e, book_genres_set, row->id, row->genres ? row->genres : ""));
	return lend__catalog_changed(e, row->id);
}

/* The handle of an author. */
struct lend_author {
	int64_t id;
	char *name;
	lend__strlist aliases;
	int64_t created_at;
};
struct lend_authors {
	lend__vec v;
};

LEND_EXTERN void lend_author_free(lend_author *au)
{
	if (!au)
		return;
	free(au->name);
	for (size_t i = 0; i < au->aliases.n; i++)
		free(au->aliases.items[i]);
	free(au->aliases.items);
	free(au->aliases.joined);
	free(au);
}

static lend_author *author_from(const lend_sys_author *row)
{
	lend_author *au = calloc(1, sizeof *au);
	if (!au)
		return NULL;
	au->id = row->id;
	au->created_at = row->created_at;
	if (!(au->name = lend__strdup(row->name)) || lend__strlist_split(&au->aliases, row->aliases) != LEND_OK) {
		lend_author_free(au);
		return NULL;
	}
	return au;
}

LEND_EXTERN int64_t lend_author_id(const lend_author *au) { return au ? au->id : 0; }
LEND_EXTERN const char *lend_author_name(const lend_author *au) { return au && au->name ? au->name : ""; }
LEND_EXTERN size_t lend_author_alias_count(const lend_author *au) { return au ? au->aliases.n : 0; }
LEND_EXTERN const char *lend_author_alias(const lend_author *au, size_t i)
{
	return au && i < au->aliases.n ? au->aliases.items[i] : NULL;
}
LEND_EXTERN size_t lend_authors_count(const lend_authors *l) { return l ? l->v.n : 0; }
LEND_EXTERN const lend_author *lend_authors_get(const lend_authors *l, size_t i)
{
	return l && i < l->v.n ? l->v.items[i] : NULL;
}
LEND_EXTERN void lend_authors_free(lend_authors *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->v.n; i++)
		lend_author_free(l->v.items[i]);
	free(l->v.items);
	free(l);
}

static int author_push_cb(void *ctx, const lend_sys_author *row)
{
	lend_author *au = author_from(row);
	if (!au || lend__vec_push(ctx, au) != LEND_OK) {
		lend_author_free(au);
		return 1;
	}
	return 0;
}

/* Run one author lookup (by id, or by name when name is set) into *out. */
static int author_lookup(lend_engine *e, const lend_actor *a, int64_t id, const char *name, lend_author **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	if (name && lend__text_ok(name, ALIAS_MAX, 1) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "an author's name is valid UTF-8 of 1 to %d bytes", ALIAS_MAX);
	TRY(lend__need_actor(e, a));
	lend__vec v = {0};
	int rc = lend__begin(e, 0);
	if (rc == LEND_OK) {
		rc = name ? ST(e, author_find, name, author_push_cb, &v) : ST(e, author_get, id, author_push_cb, &v);
		if (rc == 1)
			rc = lend__nomem(e);
		else if (rc != LEND_OK)
			rc = lend__storage_fail(e, rc, "author");
	}
	rc = lend__end(e, rc);
	if (rc == LEND_OK)
		*out = v.items[0];
	else if (v.n)
		lend_author_free(v.items[0]);
	free(v.items);
	return rc;
}

LEND_EXTERN int lend_author_get(lend_engine *e, const lend_actor *a, int64_t author_id, lend_author **out)
{
	return author_lookup(e, a, author_id, NULL, out);
}

LEND_EXTERN int lend_author_find(lend_engine *e, const lend_actor *a, const char *name, lend_author **out)
{
	if (e && !name) {
		lend__clear(e);
		return lend__fail(e, LEND_EINVAL, "name is NULL");
	}
	return author_lookup(e, a, 0, name, out);
}

struct alias_ctx {
	lend_sys_author row;
	char *name, *aliases;
	int found;
};

static int alias_row_cb(void *ctx, const lend_sys_author *row)
{
	struct alias_ctx *c = ctx;
	c->row = *row;
	c->name = lend__strdup(row->name);
	c->aliases = lend__strdup(row->aliases);
	c->found = 1;
	return c->name && c->aliases ? 0 : 1;
}

static int book_of_author_cb(void *ctx, int64_t book_id, int64_t key)
{
	(void)key;
	return lend__rows_push(ctx, &book_id);
}

/* Tell search about every book of an author whose names changed. */
int lend__author_books_changed(lend_engine *e, int64_t author_id)
{
	lend__rows ids = LEND_ROWS(int64_t);
	lend_sys_listing q = {0};
	q.what = LEND_SYS_LISTING_AUTHOR;
	q.author_id = author_id;
	q.limit = INT32_MAX;
	int rc = lend__rows_status(e, &ids, ST(e, book_listing, &q, book_of_author_cb, &ids), "author's books");
	for (size_t i = 0; rc == LEND_OK && i < ids.n; i++)
		rc = lend__catalog_changed(e, LEND_ROW(ids, int64_t, i));
	lend__rows_free(&ids);
	return rc;
}

/* Add aliases to an author, keeping them unique and apart from his name:
 * one read and at most one write. */
int lend__author_aliases_add(lend_engine *e, int64_t author_id, char *const *aliases, size_t n, int *added)
{
	struct alias_ctx c = {0};
	lend__strlist l = {0};
	*added = 0;
	int rc = ST(e, author_get, author_id, alias_row_cb, &c);
	if (rc == 1)
		rc = lend__nomem(e);
	else if (rc != LEND_OK)
		rc = lend__storage_fail(e, rc, "author");
	if (rc == LEND_OK && lend__strlist_split(&l, c.aliases) != LEND_OK)
		rc = lend__nomem(e);
	size_t had = l.n;
	for (size_t k = 0; rc == LEND_OK && k < n; k++) {
		int dup = strcmp(aliases[k], c.name) == 0;
		for (size_t i = 0; i < l.n && !dup; i++)
			dup = strcmp(l.items[i], aliases[k]) == 0;
		if (dup)
			continue;
		if (l.n >= ALIASES_MAX)
			rc = lend__fail(e, LEND_EINVAL, "an author has at most %d aliases", ALIASES_MAX);
		else if (lend__strlist_split(&l, aliases[k]) != LEND_OK)
			rc = lend__nomem(e);
	}
	if (rc == LEND_OK && l.n > had) {
		c.row.name = c.name;
		c.row.aliases = l.joined;
		if ((rc = ST(e, author_update, &c.row)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "author update");
		*added = rc == LEND_OK;
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.items[i]);
	free(l.items);
	free(l.joined);
	free(c.name);
	free(c.aliases);
	return rc;
}

LEND_EXTERN int lend_author_add_alias(lend_engine *e, const lend_actor *a, int64_t author_id, const char *alias)
{
	LEND_ENTER(e);
	if (lend__text_ok(alias, ALIAS_MAX, 1) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "an alias is valid UTF-8 of 1 to %d bytes", ALIAS_MAX);
	TRY(lend__need_admin(e, a));
	int rc = lend__begin(e, 1), added = 0;
	if (rc == LEND_OK)
		rc = lend__author_aliases_add(e, author_id, (char *const *)&alias, 1, &added);
	if (rc == LEND_OK && added)
		rc = lend__author_books_changed(e, author_id);
	return lend__end(e, rc);
}

LEND_EXTERN int lend_book_authors(lend_engine *e, const lend_actor *a, int64_t book_id, int role,
                                  lend_authors **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	if (role != LEND_ROLE_AUTHOR && role != LEND_ROLE_NARRATOR)
		return lend__fail(e, LEND_EINVAL, "role is LEND_ROLE_AUTHOR or LEND_ROLE_NARRATOR");
	TRY(lend__need_actor(e, a));
	lend_authors *l = calloc(1, sizeof *l);
	if (!l)
		return lend__nomem(e);
	lend_sys_book b;
	char cur[4];
	int rc = lend__begin(e, 0);
	if (rc == LEND_OK)
		rc = lend__load_book(e, book_id, &b, cur);
	if (rc == LEND_OK) {
		rc = ST(e, book_authors_list, book_id, role, author_push_cb, &l->v);
		if (rc == 1)
			rc = lend__nomem(e);
		else if (rc != LEND_OK)
			rc = lend__storage_fail(e, rc, "book authors");
	}
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_authors_free(l);
		return rc;
	}
	*out = l;
	return LEND_OK;
}

/* ----------------------------------------------------------- withdraw */

LEND_EXTERN int lend_book_withdraw(lend_engine *e, const lend_actor *a, int64_t book_id)
{
	LEND_ENTER(e);
	TRY(lend__need_admin(e, a));
	lend__full_book f;
	int rc = lend__begin(e, 1);
	if (rc == LEND_OK && (rc = lend__full_book_load(e, book_id, &f)) == LEND_OK) {
		if (f.row.withdrawn_at) {
			rc = lend__fail(e, LEND_ESTATE, "the book was withdrawn already");
		} else {
			f.row.withdrawn_at = e->now;
			f.row.updated_at = e->now;
			f.row.lendable = 0;
			if ((rc = ST(e, book_update, &f.row)) != LEND_OK)
				rc = lend__storage_fail(e, rc, "book update");
			if (rc == LEND_OK)
				rc = lend__catalog_changed(e, book_id);
		}
		lend__full_book_free(&f);
	}
	return lend__end(e, rc);
}

/* ---------------------------------------------------------- the index */

static int alias_collect_cb(void *ctx, const lend_sys_author *row)
{
	lend__strlist *l = ctx;
	return lend__strlist_split(l, row->aliases) != LEND_OK;
}

static char *take_joined(lend__strlist *l)
{
	char *j = l->joined;
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	memset(l, 0, sizeof *l);
	return j;
}

static int stats_sum(lend_engine *e, int64_t book_id, int64_t *n, int64_t *sum)
{
	lend_sys_rating_stats s;
	memset(&s, 0, sizeof s);
	TRY_ST(e, "rating stats", ST(e, rating_stats_get, book_id, &s));
	*n = *sum = 0;
	for (int i = 0; i < 5; i++) {
		*n += s.count[i];
		*sum += s.count[i] * (i + 1);
	}
	return LEND_OK;
}

int lend__catalog_load_index_text(lend_engine *e, int64_t book_id, lend_catalog_text *out)
{
	memset(out, 0, sizeof *out);
	lend__full_book f;
	TRY(lend__full_book_load(e, book_id, &f));
	const lend_sys_book *r = &f.row;
	lend__strlist aliases = {0};
	out->book_id = r->id;
	out->kind = r->kind;
	out->age_rating = r->age_rating;
	out->withdrawn = r->withdrawn_at != 0;
	out->lendable = r->lendable;
	out->release_at = r->release_at;
	out->created_at = r->created_at;
	int rc = LEND_OK;
	if (!(out->title = lend__strdup(r->title)) || !(out->subtitle = lend__strdup(r->subtitle)) ||
	    !(out->series = lend__strdup(r->series)) || !(out->language = lend__strdup(r->language)) ||
	    !(out->authors = lend__strdup(r->authors)) || !(out->narrators = lend__strdup(r->narrators)) ||
	    !(out->genres = lend__strdup(r->genres)))
		rc = lend__nomem(e);
	for (int role = LEND_ROLE_AUTHOR; rc == LEND_OK && role <= LEND_ROLE_NARRATOR; role++) {
		rc = ST(e, book_authors_list, book_id, role, alias_collect_cb, &aliases);
		if (rc == 1)
			rc = lend__nomem(e);
		else if (rc != LEND_OK)
			rc = lend__storage_fail(e, rc, "book authors");
	}
	if (rc == LEND_OK && !aliases.joined && lend__strlist_split(&aliases, "") != LEND_OK)
		rc = lend__nomem(e);
	if (rc == LEND_OK)
		out->aliases = take_joined(&aliases);
	lend_sys_loan_filter lf = {0};
	lf.book_id = book_id;
	if (rc == LEND_OK && (rc = ST(e, loan_count, &lf, &out->loans)) != LEND_OK)
		rc = lend__storage_fail(e, rc, "loan count");
	lf.issued_since = e->now - 30 * (int64_t)86400;
	if (rc == LEND_OK && (rc = ST(e, loan_count, &lf, &out->loans_recent)) != LEND_OK)
		rc = lend__storage_fail(e, rc, "loan count");
	if (rc == LEND_OK)
		rc = stats_sum(e, book_id, &out->ratings, &out->rating_sum);
	free(take_joined(&aliases));
	lend__full_book_free(&f);
	if (rc != LEND_OK)
		lend__catalog_text_free(out);
	return rc;
}

void lend__catalog_text_free(lend_catalog_text *t)
{
	free(t->title);
	free(t->subtitle);
	free(t->series);
	free(t->language);
	free(t->authors);
	free(t->narrators);
	free(t->aliases);
	free(t->genres);
	memset(t, 0, sizeof *t);
}
