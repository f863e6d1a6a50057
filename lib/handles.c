/* handles.c — the opaque handles: drafts with setters, getters, lists. */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

#define NAME_MAX_BYTES 200
#define LONG_TEXT_BYTES 500
#define TITLE_MAX_BYTES 1000
#define AUTHOR_MAX_BYTES 300
#define AUTHORS_MAX 64

struct lend_library {
	int64_t id;
	char *name, *address, *contacts;
	char currency[4];
	int64_t budget;
	int64_t created_at;
};

struct lend_reader {
	int64_t id;
	char *name;
	int birth_date;
	int64_t created_at;
};

struct lend_book {
	int64_t id;
	int kind;
	char *title;
	char **authors;
	size_t nauthors;
	int age_rating;
	int64_t price;
	char currency[4];
	int lendable;
	int64_t release_at;
	int64_t created_at;
	lend__book_meta meta; /* the catalog's fields */
};

lend__book_meta *lend__book_meta_of(lend_book *b) { return &b->meta; }

struct lend_fund {
	lend_sys_fund row;
	int waiting;
};

struct lend_loan {
	lend_sys_loan row;
};

struct lend_hold {
	lend_sys_hold row;
	int position;
	int64_t wait_until;
};

struct lend_notification {
	lend_sys_note row;
	char *uuid, *detail;
	lend__note_extra *extra; /* fields and texts (shelf_notes.c) */
};

int lend__vec_push(lend__vec *v, void *item)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		void **items = realloc(v->items, cap * sizeof *items);
		if (!items)
			return LEND_ENOMEM;
		v->items = items;
		v->cap = cap;
	}
	v->items[v->n++] = item;
	return LEND_OK;
}

int lend__rows_push(lend__rows *r, const void *row)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		void *d = realloc(r->data, cap * r->size);
		if (!d) {
			r->oom = 1;
			return 1;
		}
		r->data = d;
		r->cap = cap;
	}
	memcpy((char *)r->data + r->n++ * r->size, row, r->size);
	return 0;
}

void lend__rows_free(lend__rows *r)
{
	free(r->data);
	r->data = NULL;
	r->n = r->cap = 0;
}

int lend__rows_loan_cb(void *ctx, const lend_sys_loan *row) { return lend__rows_push(ctx, row); }
int lend__rows_hold_cb(void *ctx, const lend_sys_hold *row) { return lend__rows_push(ctx, row); }
int lend__rows_fund_cb(void *ctx, const lend_sys_fund *row) { return lend__rows_push(ctx, row); }

int lend__rows_status(lend_engine *e, lend__rows *r, int rc, const char *what)
{
	if (r->oom) {
		lend__rows_free(r);
		return lend__nomem(e);
	}
	if (rc != LEND_OK) {
		lend__rows_free(r);
		return lend__storage_fail(e, rc, what);
	}
	return LEND_OK;
}

int lend__vec_keep_staffed(lend_engine *e, const lend_actor *a, lend__vec *v, int64_t (*library_of)(const void *),
                           void (*free_item)(void *))
{
	if (a->kind != LEND_ACTOR_LIBRARIAN)
		return LEND_OK;
	size_t kept = 0;
	for (size_t i = 0; i < v->n; i++) {
		int yes = 0;
		int rc = lend__staff_of(e, a, library_of(v->items[i]), &yes);
		if (rc != LEND_OK)
			return rc;
		if (yes)
			v->items[kept++] = v->items[i];
		else
			free_item(v->items[i]);
	}
	v->n = kept;
	return LEND_OK;
}

static void vec_free(lend__vec *v, void (*fn)(void *))
{
	for (size_t i = 0; i < v->n; i++)
		fn(v->items[i]);
	free(v->items);
}

/* Replace *slot with a validated copy of s. */
static int set_text(char **slot, const char *s, size_t max, int required)
{
	if (lend__text_ok(s, max, required) != LEND_OK)
		return LEND_EINVAL;
	char *d = lend__strdup(s);
	if (!d)
		return LEND_ENOMEM;
	free(*slot);
	*slot = d;
	return LEND_OK;
}

static const char *str(const char *s)
{
	return s ? s : "";
}

/* ------------------------------------------------------------- library */

LEND_EXTERN int lend_library_new(lend_library **out)
{
	if (!out)
		return LEND_EINVAL;
	*out = calloc(1, sizeof **out);
	if (!*out)
		return LEND_ENOMEM;
	memcpy((*out)->currency, "RUB", 4);
	return LEND_OK;
}

LEND_EXTERN void lend_library_free(lend_library *lib)
{
	if (!lib)
		return;
	free(lib->name);
	free(lib->address);
	free(lib->contacts);
	free(lib);
}

LEND_EXTERN int lend_library_set_name(lend_library *lib, const char *name)
{
	return lib ? set_text(&lib->name, name, NAME_MAX_BYTES, 1) : LEND_EINVAL;
}

LEND_EXTERN int lend_library_set_address(lend_library *lib, const char *address)
{
	return lib ? set_text(&lib->address, address, LONG_TEXT_BYTES, 0) : LEND_EINVAL;
}

LEND_EXTERN int lend_library_set_contacts(lend_library *lib, const char *contacts)
{
	return lib ? set_text(&lib->contacts, contacts, LONG_TEXT_BYTES, 0) : LEND_EINVAL;
}

LEND_EXTERN int lend_library_set_currency(lend_library *lib, const char *code)
{
	if (!lib || !lend__currency_ok(code))
		return LEND_EINVAL;
	memcpy(lib->currency, code, 4);
	return LEND_OK;
}

LEND_EXTERN int64_t lend_library_id(const lend_library *lib) { return lib ? lib->id : 0; }
LEND_EXTERN const char *lend_library_name(const lend_library *lib) { return lib ? str(lib->name) : ""; }
LEND_EXTERN const char *lend_library_address(const lend_library *lib) { return lib ? str(lib->address) : ""; }
LEND_EXTERN const char *lend_library_contacts(const lend_library *lib) { return lib ? str(lib->contacts) : ""; }
LEND_EXTERN const char *lend_library_currency(const lend_library *lib) { return lib ? lib->currency : ""; }
LEND_EXTERN int64_t lend_library_budget(const lend_library *lib) { return lib ? lib->budget : 0; }

lend_library *lend__library_from(const lend_sys_library *row)
{
	lend_library *lib = calloc(1, sizeof *lib);
	if (!lib)
		return NULL;
	lib->id = row->id;
	lib->budget = row->budget;
	lib->created_at = row->created_at;
	lib->name = lend__strdup(row->name);
	lib->address = lend__strdup(row->address);
	lib->contacts = lend__strdup(row->contacts);
	snprintf(lib->currency, sizeof lib->currency, "%s", str(row->currency));
	if (!lib->name || !lib->address || !lib->contacts) {
		lend_library_free(lib);
		return NULL;
	}
	return lib;
}

int lend__library_to_row(const lend_library *lib, lend_sys_library *row)
{
	if (!lib || lend__text_ok(lib->name, NAME_MAX_BYTES, 1) != LEND_OK)
		return LEND_EINVAL;
	memset(row, 0, sizeof *row);
	row->id = lib->id;
	row->name = lib->name;
	row->address = str(lib->address);
	row->contacts = str(lib->contacts);
	row->currency = lib->currency;
	row->budget = lib->budget;
	return LEND_OK;
}

/* -------------------------------------------------------------- reader */

LEND_EXTERN int lend_reader_new(lend_reader **out)
{
	if (!out)
		return LEND_EINVAL;
	*out = calloc(1, sizeof **out);
	return *out ? LEND_OK : LEND_ENOMEM;
}

LEND_EXTERN void lend_reader_free(lend_reader *r)
{
	if (!r)
		return;
	free(r->name);
	free(r);
}

LEND_EXTERN int lend_reader_set_name(lend_reader *r, const char *name)
{
	return r ? set_text(&r->name, name, NAME_MAX_BYTES, 1) : LEND_EINVAL;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

LEND_EXTERN int lend_reader_set_birth_date(lend_reader *r, int year, int month, int day)
{
	if (!r)
		return LEND_EINVAL;
	if (year == 0 && month == 0 && day == 0) {
		r->birth_date = 0;
		return LEND_OK;
	}
	if (year < 1850 || year > 9999 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))
		return LEND_EINVAL;
	r->birth_date = year * 10000 + month * 100 + day;
	return LEND_OK;
}

LEND_EXTERN int64_t lend_reader_id(const lend_reader *r) { return r ? r->id : 0; }
LEND_EXTERN const char *lend_reader_name(const lend_reader *r) { return r ? str(r->name) : ""; }
LEND_EXTERN int lend_reader_birth_date(const lend_reader *r) { return r ? r->birth_date : 0; }

lend_reader *lend__reader_from(const lend_sys_reader *row)
{
	lend_reader *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->id = row->id;
	r->birth_date = row->birth_date;
	r->created_at = row->created_at;
	r->name = lend__strdup(row->name);
	if (!r->name) {
		free(r);
		return NULL;
	}
	return r;
}

int lend__reader_to_row(const lend_reader *r, lend_sys_reader *row)
{
	if (!r || lend__text_ok(r->name, NAME_MAX_BYTES, 1) != LEND_OK)
		return LEND_EINVAL;
	memset(row, 0, sizeof *row);
	row->id = r->id;
	row->name = r->name;
	row->birth_date = r->birth_date;
	return LEND_OK;
}

/* -------------------------------------------------------------- ticket */

LEND_EXTERN void lend_ticket_free(lend_ticket *t)
{
	if (!t)
		return;
	free(t->number);
	free(t);
}

lend_ticket *lend__ticket_from(const lend_sys_ticket *row)
{
	lend_ticket *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->row = *row;
	t->number = lend__strdup(row->number);
	t->row.number = t->number;
	if (!t->number) {
		free(t);
		return NULL;
	}
	return t;
}

LEND_EXTERN int64_t lend_ticket_id(const lend_ticket *t) { return t ? t->row.id : 0; }
LEND_EXTERN int64_t lend_ticket_library_id(const lend_ticket *t) { return t ? t->row.library_id : 0; }
LEND_EXTERN int64_t lend_ticket_reader_id(const lend_ticket *t) { return t ? t->row.reader_id : 0; }
LEND_EXTERN const char *lend_ticket_number(const lend_ticket *t) { return t ? str(t->number) : ""; }
LEND_EXTERN int64_t lend_ticket_valid_from(const lend_ticket *t) { return t ? t->row.valid_from : 0; }
LEND_EXTERN int64_t lend_ticket_valid_until(const lend_ticket *t) { return t ? t->row.valid_until : 0; }
LEND_EXTERN int lend_ticket_blocked(const lend_ticket *t) { return t ? t->row.blocked : 0; }

/* ---------------------------------------------------------------- book */

LEND_EXTERN int lend_book_new(lend_book **out)
{
	if (!out)
		return LEND_EINVAL;
	*out = calloc(1, sizeof **out);
	if (!*out)
		return LEND_ENOMEM;
	(*out)->kind = LEND_KIND_EBOOK;
	(*out)->lendable = 1;
	memcpy((*out)->currency, "RUB", 4);
	return LEND_OK;
}

static void book_clear_authors(lend_book *b)
{
	for (size_t i = 0; i < b->nauthors; i++)
		free(b->authors[i]);
	free(b->authors);
	b->authors = NULL;
	b->nauthors = 0;
}

LEND_EXTERN void lend_book_free(lend_book *b)
{
	if (!b)
		return;
	free(b->title);
	book_clear_authors(b);
	lend__book_meta_free(&b->meta);
	free(b);
}

LEND_EXTERN int lend_book_set_title(lend_book *b, const char *title)
{
	return b ? set_text(&b->title, title, TITLE_MAX_BYTES, 1) : LEND_EINVAL;
}

LEND_EXTERN int lend_book_set_kind(lend_book *b, int kind)
{
	if (!b || (kind != LEND_KIND_EBOOK && kind != LEND_KIND_AUDIOBOOK))
		return LEND_EINVAL;
	b->kind = kind;
	return LEND_OK;
}

LEND_EXTERN int lend_book_add_author(lend_book *b, const char *name)
{
	if (!b || b->nauthors >= AUTHORS_MAX || lend__text_ok(name, AUTHOR_MAX_BYTES, 1) != LEND_OK)
		return LEND_EINVAL;
	char **a = realloc(b->authors, (b->nauthors + 1) * sizeof *a);
	if (!a)
		return LEND_ENOMEM;
	b->authors = a;
	if (!(a[b->nauthors] = lend__strdup(name)))
		return LEND_ENOMEM;
	b->nauthors++;
	return LEND_OK;
}

LEND_EXTERN int lend_book_set_age_rating(lend_book *b, int years)
{
	if (!b || (years != 0 && years != 6 && years != 12 && years != 16 && years != 18))
		return LEND_EINVAL;
	b->age_rating = years;
	return LEND_OK;
}

LEND_EXTERN int lend_book_set_price(lend_book *b, int64_t amount, const char *currency)
{
	if (!b || amount < 0 || amount > INT64_MAX / 4 || !lend__currency_ok(currency))
		return LEND_EINVAL;
	b->price = amount;
	memcpy(b->currency, currency, 4);
	return LEND_OK;
}

LEND_EXTERN int lend_book_set_lendable(lend_book *b, int lendable)
{
	if (!b)
		return LEND_EINVAL;
	b->lendable = lendable ? 1 : 0;
	return LEND_OK;
}

LEND_EXTERN int lend_book_set_release_at(lend_book *b, int64_t when)
{
	if (!b || when < 0)
		return LEND_EINVAL;
	b->release_at = when;
	return LEND_OK;
}

LEND_EXTERN int64_t lend_book_id(const lend_book *b) { return b ? b->id : 0; }
LEND_EXTERN const char *lend_book_title(const lend_book *b) { return b ? str(b->title) : ""; }
LEND_EXTERN int lend_book_kind(const lend_book *b) { return b ? b->kind : 0; }
LEND_EXTERN size_t lend_book_author_count(const lend_book *b) { return b ? b->nauthors : 0; }
LEND_EXTERN const char *lend_book_author(const lend_book *b, size_t i)
{
	return b && i < b->nauthors ? b->authors[i] : NULL;
}
LEND_EXTERN int lend_book_age_rating(const lend_book *b) { return b ? b->age_rating : 0; }
LEND_EXTERN int64_t lend_book_price(const lend_book *b) { return b ? b->price : 0; }
LEND_EXTERN const char *lend_book_currency(const lend_book *b) { return b ? b->currency : ""; }
LEND_EXTERN int lend_book_lendable(const lend_book *b) { return b ? b->lendable : 0; }
LEND_EXTERN int64_t lend_book_release_at(const lend_book *b) { return b ? b->release_at : 0; }
LEND_EXTERN int64_t lend_book_created_at(const lend_book *b) { return b ? b->created_at : 0; }

lend_book *lend__book_from(const lend_sys_book *row)
{
	lend_book *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->id = row->id;
	b->kind = row->kind;
	b->age_rating = row->age_rating;
	b->price = row->price;
	b->lendable = row->lendable;
	b->release_at = row->release_at;
	b->created_at = row->created_at;
	snprintf(b->currency, sizeof b->currency, "%s", str(row->currency));
	if (!(b->title = lend__strdup(row->title)))
		goto fail;
	for (const char *p = str(row->authors); *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char **a = realloc(b->authors, (b->nauthors + 1) * sizeof *a);
		if (!a)
			goto fail;
		b->authors = a;
		if (!(a[b->nauthors] = malloc(len + 1)))
			goto fail;
		memcpy(a[b->nauthors], p, len);
		a[b->nauthors++][len] = '\0';
		p += len + (nl ? 1 : 0);
	}
	if (lend__book_meta_from_row(&b->meta, row) != LEND_OK)
		goto fail;
	return b;
fail:
	lend_book_free(b);
	return NULL;
}

int lend__book_to_row(const lend_book *b, lend_sys_book *row, char **authors_joined)
{
	*authors_joined = NULL;
	if (!b || lend__text_ok(b->title, TITLE_MAX_BYTES, 1) != LEND_OK)
		return LEND_EINVAL;
	size_t len = 1;
	for (size_t i = 0; i < b->nauthors; i++)
		len += strlen(b->authors[i]) + 1;
	char *j = malloc(len), *p = j;
	if (!j)
		return LEND_ENOMEM;
	*p = '\0';
	for (size_t i = 0; i < b->nauthors; i++) {
		size_t n = strlen(b->authors[i]);
		if (i)
			*p++ = '\n';
		memcpy(p, b->authors[i], n + 1);
		p += n;
	}
	memset(row, 0, sizeof *row);
	row->id = b->id;
	row->kind = b->kind;
	row->title = b->title;
	row->authors = j;
	row->age_rating = b->age_rating;
	row->price = b->price;
	row->currency = b->currency;
	row->lendable = b->lendable;
	row->release_at = b->release_at;
	row->created_at = b->created_at;
	lend__book_meta_to_row(&b->meta, row);
	*authors_joined = j;
	return LEND_OK;
}

/* ---------------------------------------------------------------- fund */

lend_fund *lend__fund_from(const lend_sys_fund *row, int waiting)
{
	lend_fund *f = calloc(1, sizeof *f);
	if (f) {
		f->row = *row;
		f->waiting = waiting;
	}
	return f;
}

LEND_EXTERN int64_t lend_fund_library_id(const lend_fund *f) { return f ? f->row.library_id : 0; }
LEND_EXTERN int64_t lend_fund_book_id(const lend_fund *f) { return f ? f->row.book_id : 0; }
LEND_EXTERN int lend_fund_copies(const lend_fund *f) { return f ? f->row.copies : 0; }
LEND_EXTERN int lend_fund_on_loan(const lend_fund *f) { return f ? f->row.on_loan : 0; }
LEND_EXTERN int lend_fund_waiting(const lend_fund *f) { return f ? f->waiting : 0; }
LEND_EXTERN void lend_fund_free(lend_fund *f) { free(f); }

/* ---------------------------------------------------------------- loan */

lend_loan *lend__loan_from(const lend_sys_loan *row)
{
	lend_loan *l = calloc(1, sizeof *l);
	if (l)
		l->row = *row;
	return l;
}

LEND_EXTERN int64_t lend_loan_id(const lend_loan *l) { return l ? l->row.id : 0; }
LEND_EXTERN int64_t lend_loan_ticket_id(const lend_loan *l) { return l ? l->row.ticket_id : 0; }
LEND_EXTERN int64_t lend_loan_reader_id(const lend_loan *l) { return l ? l->row.reader_id : 0; }
LEND_EXTERN int64_t lend_loan_library_id(const lend_loan *l) { return l ? l->row.library_id : 0; }
LEND_EXTERN int64_t lend_loan_book_id(const lend_loan *l) { return l ? l->row.book_id : 0; }
LEND_EXTERN int lend_loan_origin(const lend_loan *l) { return l ? l->row.origin : 0; }
LEND_EXTERN int64_t lend_loan_issued_at(const lend_loan *l) { return l ? l->row.issued_at : 0; }
LEND_EXTERN int64_t lend_loan_due_at(const lend_loan *l) { return l ? l->row.due_at : 0; }
LEND_EXTERN int64_t lend_loan_ended_at(const lend_loan *l) { return l ? l->row.ended_at : 0; }
LEND_EXTERN int lend_loan_end_reason(const lend_loan *l) { return l ? l->row.end_reason : 0; }
LEND_EXTERN void lend_loan_free(lend_loan *l) { free(l); }

/* ---------------------------------------------------------------- hold */

lend_hold *lend__hold_from(const lend_sys_hold *row, int position, int64_t wait_until)
{
	lend_hold *h = calloc(1, sizeof *h);
	if (h) {
		h->row = *row;
		h->position = position;
		h->wait_until = wait_until;
	}
	return h;
}

LEND_EXTERN int64_t lend_hold_id(const lend_hold *h) { return h ? h->row.id : 0; }
LEND_EXTERN int64_t lend_hold_library_id(const lend_hold *h) { return h ? h->row.library_id : 0; }
LEND_EXTERN int64_t lend_hold_book_id(const lend_hold *h) { return h ? h->row.book_id : 0; }
LEND_EXTERN int64_t lend_hold_ticket_id(const lend_hold *h) { return h ? h->row.ticket_id : 0; }
LEND_EXTERN int64_t lend_hold_reader_id(const lend_hold *h) { return h ? h->row.reader_id : 0; }
LEND_EXTERN int64_t lend_hold_joined_at(const lend_hold *h) { return h ? h->row.joined_at : 0; }
LEND_EXTERN int lend_hold_state(const lend_hold *h) { return h ? h->row.state : 0; }
LEND_EXTERN int64_t lend_hold_suspended_until(const lend_hold *h) { return h ? h->row.suspended_until : 0; }
LEND_EXTERN int lend_hold_position(const lend_hold *h) { return h ? h->position : 0; }
LEND_EXTERN int64_t lend_hold_wait_until(const lend_hold *h) { return h ? h->wait_until : 0; }
LEND_EXTERN int64_t lend_hold_loan_id(const lend_hold *h) { return h ? h->row.loan_id : 0; }
LEND_EXTERN void lend_hold_free(lend_hold *h) { free(h); }

/* -------------------------------------------------------- notification */

lend_notification *lend__note_from(const lend_sys_note *row)
{
	lend_notification *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	n->row = *row;
	n->uuid = lend__strdup(row->uuid);
	n->detail = lend__strdup(row->detail);
	n->row.last_error = NULL;
	n->extra = lend__shelf_note_extra(row);
	if (!n->uuid || !n->detail || !n->extra) {
		lend__note_free(n);
		return NULL;
	}
	n->row.uuid = n->uuid;
	n->row.detail = n->detail;
	return n;
}

void lend__note_free(lend_notification *n)
{
	if (!n)
		return;
	free(n->uuid);
	free(n->detail);
	lend__shelf_note_extra_free(n->extra);
	free(n);
}

const lend__note_extra *lend__note_extra_of(const lend_notification *n)
{
	return n ? n->extra : NULL;
}

LEND_EXTERN int64_t lend_notification_id(const lend_notification *n) { return n ? n->row.id : 0; }
LEND_EXTERN const char *lend_notification_uuid(const lend_notification *n) { return n ? str(n->uuid) : ""; }
LEND_EXTERN int lend_notification_kind(const lend_notification *n) { return n ? n->row.kind : 0; }
LEND_EXTERN int64_t lend_notification_reader_id(const lend_notification *n) { return n ? n->row.reader_id : 0; }
LEND_EXTERN int64_t lend_notification_library_id(const lend_notification *n) { return n ? n->row.library_id : 0; }
LEND_EXTERN int64_t lend_notification_book_id(const lend_notification *n) { return n ? n->row.book_id : 0; }
LEND_EXTERN int64_t lend_notification_loan_id(const lend_notification *n) { return n ? n->row.loan_id : 0; }
LEND_EXTERN int64_t lend_notification_created_at(const lend_notification *n) { return n ? n->row.created_at : 0; }
LEND_EXTERN const char *lend_notification_detail(const lend_notification *n) { return n ? str(n->detail) : ""; }
LEND_EXTERN int lend_notification_attempts(const lend_notification *n) { return n ? n->row.attempts : 0; }
LEND_EXTERN int64_t lend_notification_delivered_at(const lend_notification *n)
{
	return n ? n->row.delivered_at : 0;
}

/* ---------------------------------------------------------------- lists */

#define LIST_API(type, item, freefn)                                                                                   \
	LEND_EXTERN size_t type##_count(const type *l) { return l ? l->v.n : 0; }                                       \
	LEND_EXTERN const item *type##_get(const type *l, size_t i)                                                    \
	{                                                                                                              \
		return l && i < l->v.n ? (const item *)l->v.items[i] : NULL;                                           \
	}                                                                                                              \
	static void type##_free_item(void *p) { freefn((item *)p); }                                                   \
	LEND_EXTERN void type##_free(type *l)                                                                          \
	{                                                                                                              \
		if (!l)                                                                                                \
			return;                                                                                        \
		vec_free(&l->v, type##_free_item);                                                                     \
		free(l);                                                                                               \
	}

LIST_API(lend_libraries, lend_library, lend_library_free)
LIST_API(lend_tickets, lend_ticket, lend_ticket_free)
LIST_API(lend_books, lend_book, lend_book_free)
LIST_API(lend_funds, lend_fund, lend_fund_free)
LIST_API(lend_loans, lend_loan, lend_loan_free)
LIST_API(lend_holds, lend_hold, lend_hold_free)
LIST_API(lend_notifications, lend_notification, lend__note_free)

LEND_EXTERN int64_t lend_queue_library_id(const lend_queue *q) { return q ? q->library_id : 0; }
LEND_EXTERN int64_t lend_queue_book_id(const lend_queue *q) { return q ? q->book_id : 0; }
LEND_EXTERN size_t lend_queue_length(const lend_queue *q) { return q ? q->v.n : 0; }
LEND_EXTERN const lend_hold *lend_queue_hold(const lend_queue *q, size_t i)
{
	return q && i < q->v.n ? (const lend_hold *)q->v.items[i] : NULL;
}
static void hold_free_item(void *p) { lend_hold_free(p); }
LEND_EXTERN void lend_queue_free(lend_queue *q)
{
	if (!q)
		return;
	vec_free(&q->v, hold_free_item);
	free(q);
}

LEND_EXTERN size_t lend_report_count(const lend_report *r) { return r ? r->v.n : 0; }
LEND_EXTERN const char *lend_report_get(const lend_report *r, size_t i)
{
	return r && i < r->v.n ? (const char *)r->v.items[i] : NULL;
}
LEND_EXTERN void lend_report_free(lend_report *r)
{
	if (!r)
		return;
	vec_free(&r->v, free);
	free(r);
}

int lend__report_add(lend_report *r, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	char *s = lend__strdup(buf);
	if (!s)
		return LEND_ENOMEM;
	if (lend__vec_push(&r->v, s) != LEND_OK) {
		free(s);
		return LEND_ENOMEM;
	}
	return LEND_OK;
}

/* --------------------------------------------------- availability, limits */

LEND_EXTERN int lend_availability_verdict(const lend_availability *v) { return v ? v->verdict : 0; }
LEND_EXTERN int lend_availability_reason(const lend_availability *v) { return v ? v->reason : 0; }
LEND_EXTERN const char *lend_availability_message(const lend_availability *v) { return v ? v->message : ""; }
LEND_EXTERN int lend_availability_buys(const lend_availability *v) { return v ? v->buys : 0; }
LEND_EXTERN int lend_availability_position(const lend_availability *v) { return v ? v->position : 0; }
LEND_EXTERN int64_t lend_availability_wait_until(const lend_availability *v) { return v ? v->wait_until : 0; }
LEND_EXTERN int lend_availability_queued(const lend_availability *v) { return v ? v->queued : 0; }
LEND_EXTERN int64_t lend_availability_loan_id(const lend_availability *v) { return v ? v->loan_id : 0; }
LEND_EXTERN void lend_availability_free(lend_availability *v) { free(v); }

LEND_EXTERN int64_t lend_limits_value(const lend_limits *l, int setting)
{
	return l && setting >= 1 && setting <= LEND_SETTING_COUNT ? l->value[setting] : 0;
}
LEND_EXTERN int64_t lend_limits_used(const lend_limits *l, int setting)
{
	return l && setting >= 1 && setting <= LEND_SETTING_COUNT ? l->used[setting] : 0;
}
LEND_EXTERN const char *lend_limits_summary(const lend_limits *l) { return l ? l->summary : ""; }
LEND_EXTERN void lend_limits_free(lend_limits *l) { free(l); }

/* --------------------------------------------------------------- actors */

LEND_EXTERN void lend_actor_free(lend_actor *a) { free(a); }
LEND_EXTERN int lend_actor_kind(const lend_actor *a) { return a ? a->kind : 0; }
LEND_EXTERN int64_t lend_actor_reader_id(const lend_actor *a) { return a ? a->reader_id : 0; }
