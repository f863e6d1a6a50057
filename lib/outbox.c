/* outbox.c — notifications written in the same transaction as their cause,
 * delivered afterwards, at least once, with retries and backoff. */
#include <stdio.h>
#include <sodium.h>
#include <uuid/uuid.h>

#include "internal.h"

#define LEASE_SECS 60       /* a claimed notification is not handed out again for this long */
#define BACKOFF_FIRST 60    /* the first retry after a failure */
#define BACKOFF_MAX 21600   /* six hours */
#define BATCH 64
#define PRUNE_BATCH 1000 /* delivered notifications deleted per deliver call */

/* 16 random bytes for a UUID without a system call each: the ChaCha20
 * stream of a key the system's generator gave this engine once, one nonce
 * (the engine's count of UUIDs) per UUID. Asking the system every time
 * (randombytes_buf: a getrandom call) cost more than the rest of the UUID. */
static void note_random(lend_engine *e, unsigned char u[16])
{
	unsigned char nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = {0};
	if (!e->note_keyed) {
		randombytes_buf(e->note_key, sizeof e->note_key);
		e->note_keyed = 1;
	}
	e->note_seq++;
	for (size_t i = 0; i < sizeof e->note_seq; i++)
		nonce[i] = (unsigned char)(e->note_seq >> (8 * i));
	crypto_stream_chacha20_ietf(u, 16, nonce, e->note_key);
}

int lend__notify(lend_engine *e, int kind, int64_t reader_id, int64_t library_id, int64_t book_id, int64_t loan_id,
                 const char *detail)
{
	return lend__notify_named(e, kind, reader_id, library_id, book_id, loan_id, detail, NULL, NULL);
}

int lend__notify_named(lend_engine *e, int kind, int64_t reader_id, int64_t library_id, int64_t book_id,
                       int64_t loan_id, const char *detail, const char *title, const char *library_name)
{
	/* The reader's preferences: a kind he switched off is not written; the
	 * rest carry his channel and language (shelf_notes.c). */
	int skip = 0;
	char *full = NULL;
	TRY(lend__shelf_note_prepare(e, kind, reader_id, library_id, book_id, detail, title, library_name, &skip,
	                             &full));
	if (skip)
		return LEND_OK;
	/* A random (version 4) UUID. */
	unsigned char u[16];
	char text[37];
	note_random(e, u);
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	uuid_unparse_lower(u, text);
	lend_sys_note n;
	memset(&n, 0, sizeof n);
	n.uuid = text;
	n.kind = kind;
	n.reader_id = reader_id;
	n.library_id = library_id;
	n.book_id = book_id;
	n.loan_id = loan_id;
	n.created_at = e->now;
	n.detail = full;
	n.next_attempt_at = e->now;
	n.last_error = "";
	int rc = ST(e, note_insert, &n);
	free(full);
	TRY_ST(e, "outbox insert", rc);
	return LEND_OK;
}

static int64_t backoff(int attempts)
{
	int64_t d = BACKOFF_FIRST;
	for (int i = 1; i < attempts && d < BACKOFF_MAX; i++)
		d *= 2;
	return d < BACKOFF_MAX ? d : BACKOFF_MAX;
}

struct note_batch {
	lend__vec v;
	int oom;
};

static int note_collect_cb(void *ctx, const lend_sys_note *row)
{
	struct note_batch *b = ctx;
	lend_notification *n = lend__note_from(row);
	if (!n || lend__vec_push(&b->v, n) != LEND_OK) {
		lend__note_free(n);
		b->oom = 1;
		return 1;
	}
	return 0;
}

static void batch_free(struct note_batch *b)
{
	for (size_t i = 0; i < b->v.n; i++)
		lend__note_free(b->v.items[i]);
	free(b->v.items);
	memset(b, 0, sizeof *b);
}

/* The notification's row, for writing back; strings point into n. */
static lend_sys_note row_of(const lend_notification *n)
{
	lend_sys_note r;
	memset(&r, 0, sizeof r);
	r.id = lend_notification_id(n);
	r.uuid = lend_notification_uuid(n);
	r.kind = lend_notification_kind(n);
	r.reader_id = lend_notification_reader_id(n);
	r.library_id = lend_notification_library_id(n);
	r.book_id = lend_notification_book_id(n);
	r.loan_id = lend_notification_loan_id(n);
	r.created_at = lend_notification_created_at(n);
	r.detail = lend_notification_detail(n);
	r.attempts = lend_notification_attempts(n);
	r.delivered_at = lend_notification_delivered_at(n);
	return r;
}

/* Claim up to `want` due notifications: push their next attempt past the
 * lease so that a second deliverer does not take them meanwhile. */
static int claim(lend_engine *e, int want, struct note_batch *b)
{
	TRY(lend__begin(e, 1));
	lend_sys_note_filter f;
	memset(&f, 0, sizeof f);
	f.pending = 1;
	f.due_before = e->now;
	f.limit = want;
	int rc = ST(e, note_list, &f, note_collect_cb, b);
	if (b->oom)
		rc = lend__nomem(e);
	else if (rc != LEND_OK)
		rc = lend__storage_fail(e, rc, "outbox list");
	for (size_t i = 0; rc == LEND_OK && i < b->v.n; i++) {
		lend_sys_note r = row_of(b->v.items[i]);
		r.next_attempt_at = e->now + LEASE_SECS;
		r.last_error = "";
		if ((rc = ST(e, note_update, &r)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "outbox update");
	}
	rc = lend__end(e, rc);
	if (rc != LEND_OK)
		batch_free(b);
	return rc;
}

/* Delete notifications delivered longer ago than the retention, a batch at
 * a time, so the outbox does not grow without bound. */
static int prune(lend_engine *e)
{
	if (e->outbox_retention <= 0 || !e->st.note_prune)
		return LEND_OK;
	TRY(lend__begin(e, 1));
	int64_t pruned = 0;
	int rc = ST(e, note_prune, e->now - e->outbox_retention, PRUNE_BATCH, &pruned);
	if (rc != LEND_OK)
		rc = lend__storage_fail(e, rc, "outbox prune");
	return lend__end(e, rc);
}

LEND_EXTERN int lend_engine_deliver(lend_engine *e, int max, int *delivered)
{
	LEND_ENTER(e);
	if (delivered)
		*delivered = 0;
	if (!e->has_notifier || !e->nt.deliver)
		return LEND_OK; /* nothing to deliver to: the outbox keeps them */
	int done = 0, handed = 0;
	for (;;) {
		int want = BATCH;
		if (max > 0 && max - handed < want)
			want = max - handed;
		if (want <= 0)
			break;
		struct note_batch b;
		memset(&b, 0, sizeof b);
		TRY(claim(e, want, &b));
		size_t got = b.v.n;
		int ok[BATCH];
		char why[BATCH][128];
		for (size_t i = 0; i < got; i++) {
			const char *msg = NULL;
			ok[i] = e->nt.deliver(e->nt.userdata, b.v.items[i], &msg) == 0;
			snprintf(why[i], sizeof why[i], "%s", msg ? msg : (ok[i] ? "" : "the notifier failed"));
		}
		handed += (int)got;
		int rc = lend__begin(e, 1);
		for (size_t i = 0; rc == LEND_OK && i < got; i++) {
			lend_sys_note r = row_of(b.v.items[i]);
			r.attempts++;
			if (ok[i]) {
				r.delivered_at = e->now;
				r.next_attempt_at = e->now;
				r.last_error = "";
			} else {
				r.next_attempt_at = e->now + backoff(r.attempts);
				r.last_error = why[i];
			}
			if ((rc = ST(e, note_update, &r)) != LEND_OK)
				rc = lend__storage_fail(e, rc, "outbox update");
		}
		rc = lend__end(e, rc);
		batch_free(&b);
		if (rc != LEND_OK)
			return rc; /* unrecorded deliveries are retried after the lease: at least once */
		for (size_t i = 0; i < got; i++)
			done += ok[i];
		if (got < (size_t)want)
			break;
	}
	if (delivered)
		*delivered = done;
	return prune(e);
}

LEND_EXTERN int lend_outbox_list(lend_engine *e, const lend_actor *a, int pending_only, int limit,
                                 lend_notifications **out)
{
	LEND_ENTER(e);
	if (!out)
		return lend__fail(e, LEND_EINVAL, "out is NULL");
	*out = NULL;
	if (limit < 1 || limit > 10000)
		return lend__fail(e, LEND_EINVAL, "limit is 1 to 10000");
	TRY(lend__need_admin(e, a));
	TRY(lend__begin(e, 0));
	lend_sys_note_filter f;
	memset(&f, 0, sizeof f);
	f.pending = pending_only ? 1 : 0;
	f.limit = limit;
	struct note_batch b;
	memset(&b, 0, sizeof b);
	int rc = ST(e, note_list, &f, note_collect_cb, &b);
	if (b.oom)
		rc = lend__nomem(e);
	else if (rc != LEND_OK)
		rc = lend__storage_fail(e, rc, "outbox list");
	rc = lend__end(e, rc);
	lend_notifications *l = NULL;
	if (rc == LEND_OK && !(l = calloc(1, sizeof *l)))
		rc = lend__nomem(e);
	if (rc != LEND_OK) {
		batch_free(&b);
		return rc;
	}
	l->v = b.v;
	*out = l;
	return LEND_OK;
}
