/* actor.c — who is acting, and what each actor may see and do. */
#include "internal.h"

static int new_actor(lend_actor **out, int kind, int64_t reader_id)
{
	*out = calloc(1, sizeof **out);
	if (!*out)
		return LEND_ENOMEM;
	(*out)->kind = kind;
	(*out)->reader_id = reader_id;
	return LEND_OK;
}

LEND_EXTERN int lend_actor_admin(lend_engine *e, lend_actor **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	int rc = new_actor(out, LEND_ACTOR_ADMIN, 0);
	return rc == LEND_OK ? rc : lend__nomem(e);
}

struct grant_seek {
	int64_t library_id;
	int found;
	int count;
};

static int grant_cb(void *ctx, int64_t library_id)
{
	struct grant_seek *g = ctx;
	g->count++;
	if (library_id == g->library_id)
		g->found = 1;
	return 0;
}

/* Is reader_id staff of library_id (0: of any library)? */
static int is_staff(lend_engine *e, int64_t reader_id, int64_t library_id, int *yes)
{
	struct grant_seek g = {library_id, 0, 0};
	TRY_ST(e, "grant list", ST(e, grant_list, reader_id, grant_cb, &g));
	*yes = library_id ? g.found : g.count > 0;
	return LEND_OK;
}

static int actor_for(lend_engine *e, int64_t reader_id, int kind, lend_actor **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	TRY(lend__begin(e, 0));
	lend_sys_reader r;
	int rc = lend__load_reader(e, reader_id, &r);
	int staff = 0;
	if (rc == LEND_OK && kind == LEND_ACTOR_LIBRARIAN) {
		rc = is_staff(e, reader_id, 0, &staff);
		if (rc == LEND_OK && !staff)
			rc = lend__fail(e, LEND_EPERM, "account %lld is not a librarian of any library", (long long)reader_id);
	}
	rc = lend__end(e, rc);
	if (rc == LEND_OK && new_actor(out, kind, reader_id) != LEND_OK)
		rc = lend__nomem(e);
	return rc;
}

LEND_EXTERN int lend_actor_reader(lend_engine *e, int64_t reader_id, lend_actor **out)
{
	return actor_for(e, reader_id, LEND_ACTOR_READER, out);
}

LEND_EXTERN int lend_actor_librarian(lend_engine *e, int64_t reader_id, lend_actor **out)
{
	return actor_for(e, reader_id, LEND_ACTOR_LIBRARIAN, out);
}

int lend__need_actor(lend_engine *e, const lend_actor *a)
{
	if (!a || a->kind < LEND_ACTOR_ADMIN || a->kind > LEND_ACTOR_LIBRARIAN)
		return lend__fail(e, LEND_EINVAL, "an actor is required");
	return lend__accounts_actor(e, a);
}

int lend__need_admin(lend_engine *e, const lend_actor *a)
{
	TRY(lend__need_actor(e, a));
	if (a->kind != LEND_ACTOR_ADMIN)
		return lend__fail(e, LEND_EPERM, "only the administrator may do this");
	return LEND_OK;
}

int lend__need_staff(lend_engine *e, const lend_actor *a, int64_t library_id)
{
	TRY(lend__need_actor(e, a));
	if (a->kind == LEND_ACTOR_ADMIN)
		return LEND_OK;
	int yes = 0;
	if (a->kind == LEND_ACTOR_LIBRARIAN)
		TRY(is_staff(e, a->reader_id, library_id, &yes));
	if (!yes)
		return lend__fail(e, LEND_EPERM, "not a librarian of library %lld", (long long)library_id);
	return LEND_OK;
}

int lend__need_reader_or_staff(lend_engine *e, const lend_actor *a, int64_t reader_id, int64_t library_id)
{
	TRY(lend__need_actor(e, a));
	if (a->kind == LEND_ACTOR_READER && a->reader_id == reader_id)
		return LEND_OK;
	if (a->kind == LEND_ACTOR_READER)
		return lend__fail(e, LEND_EPERM, "a reader may act only on his own account");
	return lend__need_staff(e, a, library_id);
}

struct lib_ids {
	int64_t ids[256];
	int n;
};

static int ticket_lib_cb(void *ctx, const lend_sys_ticket *t)
{
	struct lib_ids *l = ctx;
	if (l->n < (int)(sizeof l->ids / sizeof l->ids[0]))
		l->ids[l->n++] = t->library_id;
	return 0;
}

int lend__need_reader_access(lend_engine *e, const lend_actor *a, int64_t reader_id)
{
	TRY(lend__need_actor(e, a));
	if (a->kind == LEND_ACTOR_ADMIN || (a->kind == LEND_ACTOR_READER && a->reader_id == reader_id))
		return LEND_OK;
	if (a->kind == LEND_ACTOR_LIBRARIAN) {
		/* A librarian sees readers who hold a ticket of one of his libraries.
		 * Collect first: no look-up runs inside a listing. */
		struct lib_ids l = {{0}, 0};
		TRY_ST(e, "ticket list", ST(e, ticket_list, reader_id, 0, ticket_lib_cb, &l));
		for (int i = 0; i < l.n; i++) {
			int yes = 0;
			TRY(is_staff(e, a->reader_id, l.ids[i], &yes));
			if (yes)
				return LEND_OK;
		}
	}
	return lend__fail(e, LEND_EPERM, "no access to reader %lld", (long long)reader_id);
}

int lend__staff_of(lend_engine *e, const lend_actor *a, int64_t library_id, int *yes)
{
	*yes = a->kind == LEND_ACTOR_ADMIN;
	if (a->kind == LEND_ACTOR_LIBRARIAN)
		TRY(is_staff(e, a->reader_id, library_id, yes));
	return LEND_OK;
}
