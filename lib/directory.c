/* directory.c — libraries, staff grants, readers, tickets, books, policy and
 * the budget ledger: the records circulation decides over. */
#include <sodium.h>
#include <stdio.h>

#include "internal.h"

/* ------------------------------------------------------------- loaders */

#define COPY_CB(name, type)                                                                                            \
	static int name(void *ctx, const type *row)                                                                    \
	{                                                                                                              \
		*(type *)ctx = *row;                                                                                   \
		return 0;                                                                                              \
	}
COPY_CB(copy_loan, lend_sys_loan)
COPY_CB(copy_hold, lend_sys_hold)

static int copy_ticket(void *ctx, const lend_sys_ticket *row)
{
	*(lend_sys_ticket *)ctx = *row;
	((lend_sys_ticket *)ctx)->number = NULL;
	return 0;
}

static int copy_reader(void *ctx, const lend_sys_reader *row)
{
	*(lend_sys_reader *)ctx = *row;
	((lend_sys_reader *)ctx)->name = NULL;
	return 0;
}

struct with_currency {
	void *row;
	char *currency;
	char *name; /* optional: the title or name kept, whole or not at all */
	size_t name_size;
	int *name_kept;
};

static void keep_currency(char *dst, const char *src)
{
	snprintf(dst, 4, "%s", src ? src : "");
}

static void keep_name(struct with_currency *w, const char *src)
{
	if (!w->name)
		return;
	size_t n = src ? strlen(src) : 0;
	*w->name_kept = n < w->name_size;
	if (*w->name_kept)
		memcpy(w->name, src ? src : "", n + 1);
	else
		w->name[0] = '\0';
}

static int copy_book(void *ctx, const lend_sys_book *row)
{
	struct with_currency *w = ctx;
	lend_sys_book *b = w->row;
	*b = *row;
	keep_currency(w->currency, row->currency);
	keep_name(w, row->title);
	b->title = b->authors = b->currency = NULL;
	b->subtitle = b->series = b->language = b->narrators = b->publisher = NULL;
	b->isbn = b->genres = b->annotation = b->external_id = NULL;
	return 0;
}

static int copy_library(void *ctx, const lend_sys_library *row)
{
	struct with_currency *w = ctx;
	lend_sys_library *l = w->row;
	*l = *row;
	keep_currency(w->currency, row->currency);
	keep_name(w, row->name);
	l->name = l->address = l->contacts = l->currency = NULL;
	return 0;
}

int lend__load_ticket(lend_engine *e, int64_t id, lend_sys_ticket *out)
{
	memset(out, 0, sizeof *out);
	TRY_ST(e, "ticket", ST(e, ticket_get, id, copy_ticket, out));
	return LEND_OK;
}

int lend__load_reader(lend_engine *e, int64_t id, lend_sys_reader *out)
{
	memset(out, 0, sizeof *out);
	TRY_ST(e, "reader", ST(e, reader_get, id, copy_reader, out));
	return LEND_OK;
}

int lend__load_book(lend_engine *e, int64_t id, lend_sys_book *out, char currency[4])
{
	return lend__load_book_titled(e, id, out, currency, NULL, 0, NULL);
}

int lend__load_book_titled(lend_engine *e, int64_t id, lend_sys_book *out, char currency[4], char *title,
                           size_t size, int *kept)
{
	memset(out, 0, sizeof *out);
	if (kept)
		*kept = 0;
	struct with_currency w = {out, currency, title, size, kept};
	TRY_ST(e, "book", ST(e, book_get, id, copy_book, &w));
	return LEND_OK;
}

int lend__load_library(lend_engine *e, int64_t id, lend_sys_library *out, char currency[4])
{
	return lend__load_library_named(e, id, out, currency, NULL, 0, NULL);
}

int lend__load_library_named(lend_engine *e, int64_t id, lend_sys_library *out, char currency[4], char *name,
                             size_t size, int *kept)
{
	memset(out, 0, sizeof *out);
	if (kept)
		*kept = 0;
	struct with_currency w = {out, currency, name, size, kept};
	TRY_ST(e, "library", ST(e, library_get, id, copy_library, &w));
	return LEND_OK;
}

struct verdict_load {
	lend_gathered *g;
	int reader, library, book; /* found */
};

static int verdict_rows_cb(void *ctx, const lend_sys_ticket *ticket, const lend_sys_reader *reader,
                           const lend_sys_library *library, const lend_sys_book *book, const lend_sys_fund *fund)
{
	struct verdict_load *v = ctx;
	lend_gathered *g = v->g;
	copy_ticket(&g->ticket, ticket);
	if ((v->reader = reader != NULL))
		copy_reader(&g->reader, reader);
	struct with_currency wb = {&g->book, g->book_currency, g->title, sizeof g->title, &g->title_kept};
	if ((v->book = book != NULL))
		copy_book(&wb, book);
	struct with_currency wl = {&g->library, g->library_currency, g->library_name, sizeof g->library_name,
	                           &g->name_kept};
	if ((v->library = library != NULL))
		copy_library(&wl, library);
	if ((g->in_fund = fund != NULL))
		g->fund = *fund;
	return 0;
}

int lend__load_verdict_rows(lend_engine *e, int64_t ticket_id, int64_t book_id, lend_gathered *g, int *loaded)
{
	*loaded = 0;
	if (!e->st.verdict_rows)
		return LEND_OK;
	struct verdict_load v = {g, 0, 0, 0};
	TRY_ST(e, "ticket", e->st.verdict_rows(e->st.userdata, ticket_id, book_id, verdict_rows_cb, &v));
	/* A row missing fails as its own read would, in the same order. */
	if (!v.book)
		return lend__storage_fail(e, LEND_ENOTFOUND, "book");
	if (!v.reader)
		return lend__storage_fail(e, LEND_ENOTFOUND, "reader");
	if (!v.library)
		return lend__storage_fail(e, LEND_ENOTFOUND, "library");
	*loaded = 1;
	return LEND_OK;
}

int lend__load_loan(lend_engine *e, int64_t id, lend_sys_loan *out)
{
	memset(out, 0, sizeof *out);
	TRY_ST(e, "loan", ST(e, loan_get, id, copy_loan, out));
	return LEND_OK;
}

int lend__load_hold(lend_engine *e, int64_t id, lend_sys_hold *out)
{
	memset(out, 0, sizeof *out);
	TRY_ST(e, "queue place", ST(e, hold_get, id, copy_hold, out));
	return LEND_OK;
}

static int policy_cb(void *ctx, const lend_sys_policy *row)
{
	lend_policy_rows *p = ctx;
	if (p->n >= LEND_POLICY_MAX)
		return 0;
	lend_policy_row *r = &p->rows[p->n++];
	r->ticket_id = row->ticket_id;
	r->kind = row->kind;
	r->setting = row->setting;
	r->value = row->value;
	return 0;
}

int lend__load_policy(lend_engine *e, int64_t library_id, int64_t ticket_id, lend_policy_rows *out)
{
	out->n = 0;
	TRY_ST(e, "policy", ST(e, policy_list, library_id, ticket_id, policy_cb, out));
	return LEND_OK;
}

/* A library row with its strings, for updates that must write them back. */
struct full_library {
	lend_sys_library row;
	char *name, *address, *contacts;
	char currency[4];
};

static int full_library_cb(void *ctx, const lend_sys_library *row)
{
	struct full_library *f = ctx;
	f->row = *row;
	f->name = lend__strdup(row->name);
	f->address = lend__strdup(row->address);
	f->contacts = lend__strdup(row->contacts);
	keep_currency(f->currency, row->currency);
	f->row.name = f->name;
	f->row.address = f->address;
	f->row.contacts = f->contacts;
	f->row.currency = f->currency;
	return 0;
}

static void full_library_free(struct full_library *f)
{
	free(f->name);
	free(f->address);
	free(f->contacts);
}

int lend__budget_change(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t amount, int kind,
                        int64_t book_id, const char *note)
{
	struct full_library f;
	memset(&f, 0, sizeof f);
	int rc = ST(e, library_get, library_id, full_library_cb, &f);
	if (rc != LEND_OK) {
		full_library_free(&f);
		return lend__storage_fail(e, rc, "library");
	}
	if (!f.name || !f.address || !f.contacts) {
		full_library_free(&f);
		return lend__nomem(e);
	}
	if (amount < 0 && f.row.budget + amount < 0) {
		full_library_free(&f);
		return lend__deny(e, LEND_REASON_BUDGET, "the library's budget does not cover it (%lld left, %lld needed)",
		                  (long long)f.row.budget, (long long)-amount);
	}
	if (amount > 0 && f.row.budget > INT64_MAX / 2 - amount) {
		full_library_free(&f);
		return lend__fail(e, LEND_EINVAL, "the budget would overflow");
	}
	f.row.budget += amount;
	rc = ST(e, library_update, &f.row);
	full_library_free(&f);
	TRY_ST(e, "library update", rc);
	lend_sys_ledger l;
	memset(&l, 0, sizeof l);
	l.library_id = library_id;
	l.at = e->now;
	l.amount = amount;
	l.kind = kind;
	l.book_id = book_id;
	l.actor_id = a && a->kind != LEND_ACTOR_ADMIN ? a->reader_id : 0;
	l.note = note ? note : "";
	TRY_ST(e, "ledger insert", ST(e, ledger_insert, &l));
	return LEND_OK;
}

/* ----------------------------------------------------------- libraries */

LEND_EXTERN int lend_library_add(lend_engine *e, const lend_actor *a, const lend_library *lib, int64_t *id_out)
{
	LEND_ENTER(e);
	if (id_out)
		*id_out = 0;
	lend_sys_library row;
	if (lend__library_to_row(lib, &row) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "a library needs a name (valid UTF-8, at most 200 bytes)");
	TRY(lend__need_admin(e, a));
	TRY(lend__begin(e, 1));
	row.id = 0;
	row.budget = 0;
	row.created_at = e->now;
	int rc = ST(e, library_insert, &row);
	if (rc != LEND_OK)
		rc = lend__storage_fail(e, rc, "library insert");
	rc = lend__end(e, rc);
	if (rc == LEND_OK && id_out)
		*id_out = row.id;
	return rc;
}

struct list_ctx {
	lend__vec *v;
	int rc;
};

static int library_list_cb(void *ctx, const lend_sys_library *row)
{
	struct list_ctx *c = ctx;
	lend_library *lib = lend__library_from(row);
	if (!lib || lend__vec_push(c->v, lib) != LEND_OK) {
		lend_library_free(lib);
		c->rc = LEND_ENOMEM;
		return 1;
	}
	return 0;
}

LEND_EXTERN int lend_library_get(lend_engine *e, const lend_actor *a, int64_t library_id, lend_library **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(lend__need_actor(e, a));
	lend_libraries *tmp = calloc(1, sizeof *tmp);
	if (!tmp)
		return lend__nomem(e);
	TRY(lend__begin(e, 0));
	struct list_ctx c = {&tmp->v, LEND_OK};
	int rc = ST(e, library_get, library_id, library_list_cb, &c);
	if (rc != LEND_OK)
		rc = c.rc != LEND_OK ? lend__nomem(e) : lend__storage_fail(e, rc, "library");
	rc = lend__end(e, rc);
	if (rc == LEND_OK) {
		*out = tmp->v.items[0];
		tmp->v.n = 0;
	}
	lend_libraries_free(tmp);
	return rc;
}

LEND_EXTERN int lend_library_list(lend_engine *e, const lend_actor *a, lend_libraries **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(lend__need_actor(e, a));
	lend_libraries *l = calloc(1, sizeof *l);
	if (!l)
		return lend__nomem(e);
	TRY(lend__begin(e, 0));
	struct list_ctx c = {&l->v, LEND_OK};
	int rc = ST(e, library_list, library_list_cb, &c);
	if (rc != LEND_OK)
		rc = c.rc != LEND_OK ? lend__nomem(e) : lend__storage_fail(e, rc, "library list");
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_libraries_free(l);
		return rc;
	}
	*out = l;
	return LEND_OK;
}

static int grant_change(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t reader_id, int add)
{
	LEND_ENTER(e);
	TRY(lend__need_admin(e, a));
	TRY(lend__begin(e, 1));
	lend_sys_library lib;
	lend_sys_reader r;
	char cur[4];
	int rc = lend__load_library(e, library_id, &lib, cur);
	if (rc == LEND_OK)
		rc = lend__load_reader(e, reader_id, &r);
	if (rc == LEND_OK) {
		rc = add ? ST(e, grant_insert, reader_id, library_id) : ST(e, grant_delete, reader_id, library_id);
		if (rc == LEND_EEXISTS)
			rc = lend__fail(e, rc, "account %lld is already a librarian of library %lld", (long long)reader_id,
			                (long long)library_id);
		else if (rc == LEND_ENOTFOUND)
			rc = lend__fail(e, rc, "account %lld is not a librarian of library %lld", (long long)reader_id,
			                (long long)library_id);
		else if (rc != LEND_OK)
			rc = lend__storage_fail(e, rc, "grant");
	}
	return lend__end(e, rc);
}

LEND_EXTERN int lend_library_grant(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t reader_id)
{
	return grant_change(e, a, library_id, reader_id, 1);
}

LEND_EXTERN int lend_library_revoke(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t reader_id)
{
	return grant_change(e, a, library_id, reader_id, 0);
}

LEND_EXTERN int lend_budget_add(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t amount,
                                const char *note)
{
	LEND_ENTER(e);
	if (amount <= 0)
		return lend__fail(e, LEND_EINVAL, "a top-up must be a positive amount");
	if (lend__text_ok(note, 500, 0) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "the note must be valid UTF-8 of at most 500 bytes");
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	int rc = lend__need_staff(e, a, library_id);
	if (rc == LEND_OK)
		rc = lend__budget_change(e, a, library_id, amount, 1, 0, note);
	return lend__end(e, rc);
}

/* -------------------------------------------------------------- policy */

static int check_setting(lend_engine *e, int kind, int setting)
{
	if (kind < LEND_KIND_ANY || kind > LEND_KIND_AUDIOBOOK)
		return lend__fail(e, LEND_EINVAL, "unknown kind of book %d", kind);
	if (setting < 1 || setting > LEND_SETTING_COUNT)
		return lend__fail(e, LEND_EINVAL, "unknown setting %d", setting);
	return LEND_OK;
}

static int policy_write(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t ticket_id, int kind,
                        int setting, int64_t value, int clear)
{
	LEND_ENTER(e);
	TRY(check_setting(e, kind, setting));
	if (!clear && !lend_rules_value_ok(setting, value))
		return lend__fail(e, LEND_EINVAL, "value %lld is out of range for setting %d", (long long)value, setting);
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	int rc = LEND_OK;
	if (ticket_id) {
		lend_sys_ticket t;
		rc = lend__load_ticket(e, ticket_id, &t);
		library_id = t.library_id;
	} else {
		lend_sys_library lib;
		char cur[4];
		rc = lend__load_library(e, library_id, &lib, cur);
	}
	if (rc == LEND_OK)
		rc = lend__need_staff(e, a, library_id);
	lend_sys_policy row = {library_id, ticket_id, kind, setting, value};
	if (rc == LEND_OK) {
		rc = clear ? ST(e, policy_delete, &row) : ST(e, policy_put, &row);
		if (rc == LEND_ENOTFOUND && clear)
			rc = LEND_OK; /* clearing what is not set leaves it unset */
		else if (rc != LEND_OK)
			rc = lend__storage_fail(e, rc, "policy");
	}
	/* A looser limit may let a waiting reader have an idle copy now. */
	int64_t n = 0;
	if (rc == LEND_OK)
		rc = ticket_id ? lend__dispatch_ticket(e, ticket_id, &n) : lend__dispatch_all(e, &n);
	return lend__end(e, rc);
}

LEND_EXTERN int lend_policy_set(lend_engine *e, const lend_actor *a, int64_t library_id, int kind, int setting,
                                int64_t value)
{
	return policy_write(e, a, library_id, 0, kind, setting, value, 0);
}

LEND_EXTERN int lend_policy_clear(lend_engine *e, const lend_actor *a, int64_t library_id, int kind, int setting)
{
	return policy_write(e, a, library_id, 0, kind, setting, 0, 1);
}

LEND_EXTERN int lend_ticket_set_limit(lend_engine *e, const lend_actor *a, int64_t ticket_id, int kind, int setting,
                                      int64_t value)
{
	if (ticket_id <= 0)
		return e ? lend__fail(e, LEND_EINVAL, "a ticket id is required") : LEND_EINVAL;
	return policy_write(e, a, 0, ticket_id, kind, setting, value, 0);
}

LEND_EXTERN int lend_ticket_clear_limit(lend_engine *e, const lend_actor *a, int64_t ticket_id, int kind,
                                        int setting)
{
	if (ticket_id <= 0)
		return e ? lend__fail(e, LEND_EINVAL, "a ticket id is required") : LEND_EINVAL;
	return policy_write(e, a, 0, ticket_id, kind, setting, 0, 1);
}

LEND_EXTERN int lend_policy_get(lend_engine *e, const lend_actor *a, int64_t library_id, int kind, int setting,
                                int64_t *value)
{
	LEND_ENTER(e);
	if (!value)
		return lend__fail(e, LEND_EINVAL, "value is NULL");
	TRY(check_setting(e, kind, setting));
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 0));
	lend_sys_library lib;
	char cur[4];
	lend_policy_rows p;
	int rc = lend__load_library(e, library_id, &lib, cur);
	if (rc == LEND_OK)
		rc = lend__load_policy(e, library_id, 0, &p);
	rc = lend__end(e, rc);
	if (rc == LEND_OK)
		*value = lend_rules_resolve(&p, 0, kind, setting, NULL);
	return rc;
}

/* ------------------------------------------------------------- readers */

LEND_EXTERN int lend_reader_add(lend_engine *e, const lend_actor *a, const lend_reader *r, int64_t *id_out)
{
	LEND_ENTER(e);
	if (id_out)
		*id_out = 0;
	lend_sys_reader row;
	if (lend__reader_to_row(r, &row) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "a reader needs a name (valid UTF-8, at most 200 bytes)");
	TRY(lend__need_actor(e, a));
	if (a->kind == LEND_ACTOR_READER)
		return lend__fail(e, LEND_EPERM, "only a librarian or the administrator registers readers");
	TRY(lend__begin(e, 1));
	int staff = 1;
	int rc = lend__staff_of(e, a, 0, &staff);
	if (rc == LEND_OK && !staff)
		rc = lend__fail(e, LEND_EPERM, "the account is no longer a librarian");
	row.id = 0;
	row.created_at = e->now;
	if (rc == LEND_OK && (rc = ST(e, reader_insert, &row)) != LEND_OK)
		rc = lend__storage_fail(e, rc, "reader insert");
	rc = lend__end(e, rc);
	if (rc == LEND_OK && id_out)
		*id_out = row.id;
	return rc;
}

static int reader_handle_cb(void *ctx, const lend_sys_reader *row)
{
	*(lend_reader **)ctx = lend__reader_from(row);
	return 0;
}

LEND_EXTERN int lend_reader_get(lend_engine *e, const lend_actor *a, int64_t reader_id, lend_reader **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 0));
	lend_reader *r = NULL;
	int rc = ST(e, reader_get, reader_id, reader_handle_cb, &r);
	if (rc != LEND_OK)
		rc = lend__storage_fail(e, rc, "reader");
	else if (!r)
		rc = lend__nomem(e);
	if (rc == LEND_OK)
		rc = lend__need_reader_access(e, a, reader_id);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_reader_free(r);
		return rc;
	}
	*out = r;
	return LEND_OK;
}

/* ------------------------------------------------------------- tickets */

static int ticket_handle_cb(void *ctx, const lend_sys_ticket *row)
{
	lend_ticket **t = ctx;
	lend_ticket_free(*t);
	*t = lend__ticket_from(row);
	return 0;
}

static int count_cb(void *ctx, const lend_sys_ticket *row)
{
	(void)row;
	(*(int *)ctx)++;
	return 0;
}

LEND_EXTERN int lend_ticket_issue(lend_engine *e, const lend_actor *a, int64_t library_id, int64_t reader_id,
                                  const char *number, lend_ticket **out)
{
	LEND_ENTER(e);
	if (out)
		*out = NULL;
	if (number && lend__text_ok(number, 64, 1) != LEND_OK)
		return lend__fail(e, LEND_EINVAL, "a ticket number is valid UTF-8 of 1 to 64 bytes");
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	lend_sys_library lib;
	lend_sys_reader r;
	char cur[4];
	int rc = lend__load_library(e, library_id, &lib, cur);
	if (rc == LEND_OK)
		rc = lend__load_reader(e, reader_id, &r);
	if (rc == LEND_OK)
		rc = lend__need_staff(e, a, library_id);
	int held = 0;
	if (rc == LEND_OK && (rc = ST(e, ticket_list, reader_id, library_id, count_cb, &held)) != LEND_OK)
		rc = lend__storage_fail(e, rc, "ticket list");
	if (rc == LEND_OK && held)
		rc = lend__fail(e, LEND_EEXISTS, "reader %lld already holds a ticket of library %lld", (long long)reader_id,
		                (long long)library_id);
	lend_sys_ticket row;
	memset(&row, 0, sizeof row);
	row.library_id = library_id;
	row.reader_id = reader_id;
	row.created_at = e->now;
	char gen[32];
	for (int attempt = 0; rc == LEND_OK; attempt++) {
		if (!number) {
			snprintf(gen, sizeof gen, "%04lld-%04u-%04u", (long long)(library_id % 10000),
			         (unsigned)randombytes_uniform(10000), (unsigned)randombytes_uniform(10000));
			row.number = gen;
		} else {
			row.number = number;
		}
		row.id = 0;
		rc = ST(e, ticket_insert, &row);
		if (rc == LEND_EEXISTS && !number && attempt < 8) {
			rc = LEND_OK;
			continue;
		}
		if (rc == LEND_EEXISTS)
			rc = lend__fail(e, rc, "ticket number %s is already issued in this library", row.number);
		else if (rc != LEND_OK)
			rc = lend__storage_fail(e, rc, "ticket insert");
		break;
	}
	lend_ticket *t = NULL;
	if (rc == LEND_OK && out && !(t = lend__ticket_from(&row)))
		rc = lend__nomem(e);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_ticket_free(t);
		return rc;
	}
	if (out)
		*out = t;
	return LEND_OK;
}

LEND_EXTERN int lend_ticket_get(lend_engine *e, const lend_actor *a, int64_t ticket_id, lend_ticket **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 0));
	lend_ticket *t = NULL;
	int rc = ST(e, ticket_get, ticket_id, ticket_handle_cb, &t);
	if (rc != LEND_OK)
		rc = lend__storage_fail(e, rc, "ticket");
	else if (!t)
		rc = lend__nomem(e);
	if (rc == LEND_OK)
		rc = lend__need_reader_or_staff(e, a, lend_ticket_reader_id(t), lend_ticket_library_id(t));
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_ticket_free(t);
		return rc;
	}
	*out = t;
	return LEND_OK;
}

static int ticket_list_cb(void *ctx, const lend_sys_ticket *row)
{
	struct list_ctx *c = ctx;
	lend_ticket *t = lend__ticket_from(row);
	if (!t || lend__vec_push(c->v, t) != LEND_OK) {
		lend_ticket_free(t);
		c->rc = LEND_ENOMEM;
		return 1;
	}
	return 0;
}

static int64_t ticket_library(const void *item)
{
	return lend_ticket_library_id(item);
}

static void ticket_free_item(void *item)
{
	lend_ticket_free(item);
}

LEND_EXTERN int lend_ticket_list(lend_engine *e, const lend_actor *a, int64_t reader_id, lend_tickets **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(lend__need_actor(e, a));
	lend_tickets *l = calloc(1, sizeof *l);
	if (!l)
		return lend__nomem(e);
	TRY(lend__begin(e, 0));
	lend_sys_reader r;
	int rc = lend__load_reader(e, reader_id, &r);
	if (rc == LEND_OK)
		rc = lend__need_reader_access(e, a, reader_id);
	struct list_ctx c = {&l->v, LEND_OK};
	if (rc == LEND_OK && (rc = ST(e, ticket_list, reader_id, 0, ticket_list_cb, &c)) != LEND_OK)
		rc = c.rc != LEND_OK ? lend__nomem(e) : lend__storage_fail(e, rc, "ticket list");
	/* A librarian sees only the tickets of his own libraries. */
	if (rc == LEND_OK)
		rc = lend__vec_keep_staffed(e, a, &l->v, ticket_library, ticket_free_item);
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_tickets_free(l);
		return rc;
	}
	*out = l;
	return LEND_OK;
}

/* Load a ticket with its number, let staff change it, write it back. */
static int ticket_change(lend_engine *e, const lend_actor *a, int64_t ticket_id, int blocked, int64_t from,
                         int64_t until, int validity)
{
	TRY(lend__need_actor(e, a));
	TRY(lend__begin(e, 1));
	lend_ticket *t = NULL;
	int rc = ST(e, ticket_get, ticket_id, ticket_handle_cb, &t);
	if (rc != LEND_OK)
		rc = lend__storage_fail(e, rc, "ticket");
	else if (!t)
		rc = lend__nomem(e);
	if (rc == LEND_OK)
		rc = lend__need_staff(e, a, lend_ticket_library_id(t));
	if (rc == LEND_OK) {
		lend_sys_ticket row = t->row;
		if (validity) {
			row.valid_from = from;
			row.valid_until = until;
		} else {
			row.blocked = blocked ? 1 : 0;
		}
		if ((rc = ST(e, ticket_update, &row)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "ticket update");
	}
	int64_t n = 0;
	if (rc == LEND_OK)
		rc = lend__dispatch_ticket(e, ticket_id, &n);
	lend_ticket_free(t);
	return lend__end(e, rc);
}

LEND_EXTERN int lend_ticket_set_blocked(lend_engine *e, const lend_actor *a, int64_t ticket_id, int blocked)
{
	LEND_ENTER(e);
	return ticket_change(e, a, ticket_id, blocked, 0, 0, 0);
}

LEND_EXTERN int lend_ticket_set_validity(lend_engine *e, const lend_actor *a, int64_t ticket_id, int64_t valid_from,
                                         int64_t valid_until)
{
	LEND_ENTER(e);
	if (valid_from < 0 || valid_until < 0 || (valid_until && valid_from && valid_until <= valid_from))
		return lend__fail(e, LEND_EINVAL, "validity must end after it starts");
	return ticket_change(e, a, ticket_id, 0, valid_from, valid_until, 1);
}

/* --------------------------------------------------------------- books */

LEND_EXTERN int lend_book_add(lend_engine *e, const lend_actor *a, const lend_book *b, int64_t *id_out)
{
	LEND_ENTER(e);
	if (id_out)
		*id_out = 0;
	lend_sys_book row;
	char *authors = NULL;
	int rc = lend__book_to_row(b, &row, &authors);
	if (rc != LEND_OK)
		return rc == LEND_ENOMEM ? lend__nomem(e)
		                         : lend__fail(e, LEND_EINVAL, "a book needs a title (valid UTF-8, at most 1000 bytes)");
	if ((rc = lend__need_admin(e, a)) != LEND_OK || (rc = lend__begin(e, 1)) != LEND_OK) {
		free(authors);
		return rc;
	}
	row.id = 0;
	row.created_at = row.updated_at = e->now;
	row.withdrawn_at = 0;
	if ((rc = ST(e, book_insert, &row)) != LEND_OK)
		rc = rc == LEND_EEXISTS ? lend__fail(e, rc, "a book with this external id exists")
		                        : lend__storage_fail(e, rc, "book insert");
	if (rc == LEND_OK)
		rc = lend__catalog_book_saved(e, &row);
	free(authors);
	rc = lend__end(e, rc);
	if (rc == LEND_OK && id_out)
		*id_out = row.id;
	return rc;
}

LEND_EXTERN int lend_book_update(lend_engine *e, const lend_actor *a, const lend_book *b)
{
	LEND_ENTER(e);
	lend_sys_book row;
	char *authors = NULL;
	int rc = lend__book_to_row(b, &row, &authors);
	if (rc != LEND_OK)
		return rc == LEND_ENOMEM ? lend__nomem(e)
		                         : lend__fail(e, LEND_EINVAL, "a book needs a title (valid UTF-8, at most 1000 bytes)");
	if ((rc = lend__need_admin(e, a)) != LEND_OK || (rc = lend__begin(e, 1)) != LEND_OK) {
		free(authors);
		return rc;
	}
	lend__full_book old;
	rc = lend__full_book_load(e, row.id, &old);
	if (rc == LEND_OK) {
		row.created_at = old.row.created_at;
		row.updated_at = e->now;
		row.withdrawn_at = old.row.withdrawn_at;
		if (old.row.withdrawn_at)
			row.lendable = 0;
		if (!row.external_id || !*row.external_id)
			row.external_id = old.row.external_id;
		if ((rc = ST(e, book_update, &row)) != LEND_OK)
			rc = rc == LEND_EEXISTS ? lend__fail(e, rc, "another book has this external id")
			                        : lend__storage_fail(e, rc, "book update");
		if (rc == LEND_OK)
			rc = lend__catalog_book_saved(e, &row);
		lend__full_book_free(&old);
	}
	free(authors);
	return lend__end(e, rc);
}

static int book_list_cb(void *ctx, const lend_sys_book *row)
{
	struct list_ctx *c = ctx;
	lend_book *b = lend__book_from(row);
	if (!b || lend__vec_push(c->v, b) != LEND_OK) {
		lend_book_free(b);
		c->rc = LEND_ENOMEM;
		return 1;
	}
	return 0;
}

LEND_EXTERN int lend_book_get(lend_engine *e, const lend_actor *a, int64_t book_id, lend_book **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(lend__need_actor(e, a));
	lend_books *tmp = calloc(1, sizeof *tmp);
	if (!tmp)
		return lend__nomem(e);
	int rc = lend__begin(e, 0);
	struct list_ctx c = {&tmp->v, LEND_OK};
	if (rc == LEND_OK && (rc = ST(e, book_get, book_id, book_list_cb, &c)) != LEND_OK)
		rc = c.rc != LEND_OK ? lend__nomem(e) : lend__storage_fail(e, rc, "book");
	rc = lend__end(e, rc);
	if (rc == LEND_OK) {
		*out = tmp->v.items[0];
		tmp->v.n = 0;
	}
	lend_books_free(tmp);
	return rc;
}

LEND_EXTERN int lend_book_list(lend_engine *e, const lend_actor *a, int64_t after_id, int limit, lend_books **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	if (limit < 1 || limit > 1000 || after_id < 0)
		return lend__fail(e, LEND_EINVAL, "limit is 1 to 1000");
	TRY(lend__need_actor(e, a));
	lend_books *l = calloc(1, sizeof *l);
	if (!l)
		return lend__nomem(e);
	int rc = lend__begin(e, 0);
	struct list_ctx c = {&l->v, LEND_OK};
	if (rc == LEND_OK && (rc = ST(e, book_list, after_id, limit, book_list_cb, &c)) != LEND_OK)
		rc = c.rc != LEND_OK ? lend__nomem(e) : lend__storage_fail(e, rc, "book list");
	rc = lend__end(e, rc);
	if (rc != LEND_OK) {
		lend_books_free(l);
		return rc;
	}
	*out = l;
	return LEND_OK;
}
