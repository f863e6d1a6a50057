/* lib/storage/filters.h — the SQL of the filtered listings, shared by the
 * built-in backends.
 *
 * A listing's SQL depends on which filter fields are set: loan_bits() and
 * hold_bits() turn a filter into a bitmask, build_sql() writes the query for
 * a key (DK_* << 24 | bits). Parameters are written ?N (SQLite); the
 * PostgreSQL backend turns them into $N. Lists always end with LIMIT ?N: the
 * backend binds "no limit" its own way (SQLite -1, PostgreSQL NULL).
 * Partial-index conditions are literals, never bound (see
 * sqlite/schema.h).
 */
#ifndef LEND_STORAGE_FILTERS_H
#define LEND_STORAGE_FILTERS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lend/sys/storage.h"
#include "rows.h"

enum { DK_LOAN_LIST = 1, DK_LOAN_COUNT, DK_HOLD_LIST, DK_HOLD_COUNT, DK_NOTE_LIST };

typedef struct sbuf {
	char *p;
	size_t cap, len;
} sbuf;

static inline void sb_add(sbuf *b, const char *t)
{
	size_t n = strlen(t);

	if (b->len + n >= b->cap) /* cannot happen: every query fits */
		n = b->cap - 1 - b->len;
	memcpy(b->p + b->len, t, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Loan filters: bit -> condition, parameter ?(index). */
enum {
	LF_READER = 1 << 0,  /* ?1 */
	LF_TICKET = 1 << 1,  /* ?2 */
	LF_LIBRARY = 1 << 2, /* ?3 */
	LF_BOOK = 1 << 3,    /* ?4 */
	LF_ACTIVE = 1 << 4,
	LF_ENDED = 1 << 5,
	LF_ORIGIN = 1 << 6,  /* ?5 */
	LF_DUE = 1 << 7,     /* ?6 */
	LF_ISSUED = 1 << 8,  /* ?7 */
	LF_AFTER = 1 << 9,   /* ?8 */
	LF_LIMIT = 1 << 10,  /* ?9; counts only (lists always have LIMIT ?9) */
	LF_ORDER_SHIFT = 11  /* 2 bits */
};

static const struct cond {
	uint32_t bit;
	const char *sql;
} loan_conds[] = {
	{LF_READER, "reader_id = ?1"}, {LF_TICKET, "ticket_id = ?2"},   {LF_LIBRARY, "library_id = ?3"},
	{LF_BOOK, "book_id = ?4"},     {LF_ACTIVE, "ended_at = 0"},     {LF_ENDED, "ended_at <> 0"},
	{LF_ORIGIN, "origin = ?5"},    {LF_DUE, "due_at <= ?6"},        {LF_ISSUED, "issued_at >= ?7"},
	{LF_AFTER, "id > ?8"},
};

/* Hold filters. The state is written as a literal (so a partial index on
 * state = 1 matches without a bound parameter); bits 8..9 hold it. */
enum {
	HF_LIBRARY = 1 << 0,     /* ?1 */
	HF_BOOK = 1 << 1,        /* ?2 */
	HF_TICKET = 1 << 2,      /* ?3 */
	HF_READER = 1 << 3,      /* ?4 */
	HF_STATE_OTHER = 1 << 4, /* ?5: a state outside 1..3 */
	HF_BEFORE = 1 << 5,      /* ?6 */
	HF_SUSPENDED = 1 << 6,   /* ?7 */
	HF_LIMIT = 1 << 7,       /* ?8; counts only */
	HF_STATE_SHIFT = 8       /* 2 bits: literal state 1..3 */
};

static const struct cond hold_conds[] = {
	{HF_LIBRARY, "library_id = ?1"},
	{HF_BOOK, "book_id = ?2"},
	{HF_TICKET, "ticket_id = ?3"},
	{HF_READER, "reader_id = ?4"},
	{HF_STATE_OTHER, "state = ?5"},
	{HF_BEFORE, "id < ?6"},
	{HF_SUSPENDED, "suspended_until > 0 AND suspended_until <= ?7"},
};

enum {
	NF_PENDING = 1 << 0,
	NF_DUE = 1 << 1, /* ?1 */
};

static const struct cond note_conds[] = {
	{NF_PENDING, "delivered_at = 0"},
	{NF_DUE, "next_attempt_at <= ?1"},
};

static inline void add_conds(sbuf *b, uint32_t bits, const struct cond *c, size_t n, const char *extra)
{
	const char *sep = " WHERE ";
	size_t i;

	for (i = 0; i < n; i++) {
		if (bits & c[i].bit) {
			sb_add(b, sep);
			sb_add(b, c[i].sql);
			sep = " AND ";
		}
	}
	if (extra != NULL) {
		sb_add(b, sep);
		sb_add(b, extra);
	}
}

static inline void build_sql(char *buf, size_t cap, uint32_t key)
{
	static const char *const state_sql[4] = {NULL, "state = 1", "state = 2", "state = 3"};
	static const char *const loan_order[3] = {
		" ORDER BY id",
		" ORDER BY due_at, id",
		" ORDER BY (ended_at = 0) DESC, issued_at DESC, id DESC",
	};
	uint32_t kind = key >> 24, bits = key & 0xffffff;
	sbuf b = {buf, cap, 0};
	size_t nloan = sizeof loan_conds / sizeof loan_conds[0];
	size_t nhold = sizeof hold_conds / sizeof hold_conds[0];

	buf[0] = '\0';
	switch (kind) {
	case DK_LOAN_LIST:
		sb_add(&b, "SELECT id, " LOAN_COLS " FROM loans");
		add_conds(&b, bits, loan_conds, nloan, NULL);
		/* With the state filtered, "active first" orders nothing, and
		 * without it (library_id, issued_at) serves the order. */
		if (((bits >> LF_ORDER_SHIFT) & 3) == 2 && (bits & (LF_ACTIVE | LF_ENDED)))
			sb_add(&b, " ORDER BY issued_at DESC, id DESC");
		else
			sb_add(&b, loan_order[(bits >> LF_ORDER_SHIFT) & 3]);
		sb_add(&b, " LIMIT ?9");
		break;
	case DK_LOAN_COUNT:
		sb_add(&b, bits & LF_LIMIT ? "SELECT count(*) FROM (SELECT 1 FROM loans" : "SELECT count(*) FROM loans");
		add_conds(&b, bits, loan_conds, nloan, NULL);
		if (bits & LF_LIMIT)
			sb_add(&b, " LIMIT ?9) AS limited");
		break;
	case DK_HOLD_LIST:
		sb_add(&b, "SELECT id, " HOLD_COLS " FROM holds");
		add_conds(&b, bits, hold_conds, nhold, state_sql[(bits >> HF_STATE_SHIFT) & 3]);
		sb_add(&b, " ORDER BY id LIMIT ?8");
		break;
	case DK_HOLD_COUNT:
		sb_add(&b, bits & HF_LIMIT ? "SELECT count(*) FROM (SELECT 1 FROM holds" : "SELECT count(*) FROM holds");
		add_conds(&b, bits, hold_conds, nhold, state_sql[(bits >> HF_STATE_SHIFT) & 3]);
		if (bits & HF_LIMIT)
			sb_add(&b, " LIMIT ?8) AS limited");
		break;
	default:
		sb_add(&b, "SELECT id, " NOTE_COLS " FROM notes");
		add_conds(&b, bits, note_conds, sizeof note_conds / sizeof note_conds[0], NULL);
		sb_add(&b, " ORDER BY id LIMIT ?2");
		break;
	}
}

static inline uint32_t loan_bits(const lend_sys_loan_filter *f)
{
	uint32_t bits = 0;

	if (f->reader_id)
		bits |= LF_READER;
	if (f->ticket_id)
		bits |= LF_TICKET;
	if (f->library_id)
		bits |= LF_LIBRARY;
	if (f->book_id)
		bits |= LF_BOOK;
	if (f->active == 1)
		bits |= LF_ACTIVE;
	else if (f->active == 2)
		bits |= LF_ENDED;
	if (f->origin)
		bits |= LF_ORIGIN;
	if (f->due_before)
		bits |= LF_DUE;
	if (f->issued_since)
		bits |= LF_ISSUED;
	if (f->after_id)
		bits |= LF_AFTER;
	return bits;
}

static inline uint32_t hold_bits(const lend_sys_hold_filter *f)
{
	uint32_t bits = 0;

	if (f->library_id)
		bits |= HF_LIBRARY;
	if (f->book_id)
		bits |= HF_BOOK;
	if (f->ticket_id)
		bits |= HF_TICKET;
	if (f->reader_id)
		bits |= HF_READER;
	if (f->state >= 1 && f->state <= 3)
		bits |= (uint32_t)f->state << HF_STATE_SHIFT;
	else if (f->state)
		bits |= HF_STATE_OTHER;
	if (f->before_id)
		bits |= HF_BEFORE;
	if (f->suspended_before)
		bits |= HF_SUSPENDED;
	return bits;
}

#endif /* LEND_STORAGE_FILTERS_H */
