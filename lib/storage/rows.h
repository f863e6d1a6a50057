/* lib/storage/rows.h — the row layouts the built-in backends share.
 *
 * Each row struct of lend/sys/storage.h is described as a list of fields
 * (type and offset). Field i is column i of the SELECTs and parameter i+1 of
 * the writes; for rows with an id, field 0 is the id: inserts bind fields
 * 1.., updates all. The *_COLS macros list the columns (the id left out) in
 * the same order. Included by the SQLite and the PostgreSQL backends only.
 */
#ifndef LEND_STORAGE_ROWS_H
#define LEND_STORAGE_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "lend/sys/storage.h"


enum { F_I64, F_I32, F_STR };

typedef struct field {
	unsigned char type;
	unsigned short off;
} field;

#define I64(T, m) {F_I64, (unsigned short)offsetof(T, m)}
#define I32(T, m) {F_I32, (unsigned short)offsetof(T, m)}
#define STR(T, m) {F_STR, (unsigned short)offsetof(T, m)}

/* Field i is column i of the SELECTs and parameter ?(i+1) of the writes. For
 * rows with an id, field 0 is the id: inserts bind fields 1.., updates all. */
static const field library_fields[] = {
	I64(lend_sys_library, id),       STR(lend_sys_library, name),   STR(lend_sys_library, address),
	STR(lend_sys_library, contacts), STR(lend_sys_library, currency), I64(lend_sys_library, budget),
	I64(lend_sys_library, created_at),
};
#define LIBRARY_COLS "name, address, contacts, currency, budget, created_at"

static const field reader_fields[] = {
	I64(lend_sys_reader, id),
	STR(lend_sys_reader, name),
	I32(lend_sys_reader, birth_date),
	I64(lend_sys_reader, created_at),
};
#define READER_COLS "name, birth_date, created_at"

static const field ticket_fields[] = {
	I64(lend_sys_ticket, id),         I64(lend_sys_ticket, library_id),  I64(lend_sys_ticket, reader_id),
	STR(lend_sys_ticket, number),     I64(lend_sys_ticket, valid_from),  I64(lend_sys_ticket, valid_until),
	I32(lend_sys_ticket, blocked),    I64(lend_sys_ticket, created_at),
};
#define TICKET_COLS "library_id, reader_id, number, valid_from, valid_until, blocked, created_at"

static const field book_fields[] = {
	I64(lend_sys_book, id),       I32(lend_sys_book, kind),       STR(lend_sys_book, title),
	STR(lend_sys_book, authors),  I32(lend_sys_book, age_rating), I64(lend_sys_book, price),
	STR(lend_sys_book, currency), I32(lend_sys_book, lendable),   I64(lend_sys_book, release_at),
	I64(lend_sys_book, created_at),
	STR(lend_sys_book, subtitle),  STR(lend_sys_book, series),     I32(lend_sys_book, series_no),
	STR(lend_sys_book, language),  STR(lend_sys_book, narrators),  STR(lend_sys_book, publisher),
	I32(lend_sys_book, year),      STR(lend_sys_book, isbn),       STR(lend_sys_book, genres),
	STR(lend_sys_book, annotation), I32(lend_sys_book, preview),   I64(lend_sys_book, length),
	STR(lend_sys_book, external_id), I64(lend_sys_book, withdrawn_at), I64(lend_sys_book, updated_at),
};
#define BOOK_COLS                                                                                                      \
	"kind, title, authors, age_rating, price, currency, lendable, release_at, created_at, subtitle, series, "     \
	"series_no, language, narrators, publisher, year, isbn, genres, annotation, preview, length, external_id, "    \
	"withdrawn_at, updated_at"

static const field fund_fields[] = {
	I64(lend_sys_fund, library_id), I64(lend_sys_fund, book_id),    I32(lend_sys_fund, copies),
	I32(lend_sys_fund, on_loan),    I64(lend_sys_fund, updated_at),
};
#define FUND_COLS "library_id, book_id, copies, on_loan, updated_at"

static const field loan_fields[] = {
	I64(lend_sys_loan, id),         I64(lend_sys_loan, ticket_id), I64(lend_sys_loan, reader_id),
	I64(lend_sys_loan, library_id), I64(lend_sys_loan, book_id),   I32(lend_sys_loan, origin),
	I64(lend_sys_loan, issued_at),  I64(lend_sys_loan, due_at),    I64(lend_sys_loan, ended_at),
	I32(lend_sys_loan, end_reason), I32(lend_sys_loan, kind),
};
#define LOAN_COLS                                                                                                  \
	"ticket_id, reader_id, library_id, book_id, origin, issued_at, due_at, ended_at, end_reason, kind"

static const field hold_fields[] = {
	I64(lend_sys_hold, id),        I64(lend_sys_hold, library_id),      I64(lend_sys_hold, book_id),
	I64(lend_sys_hold, ticket_id), I64(lend_sys_hold, reader_id),       I64(lend_sys_hold, joined_at),
	I64(lend_sys_hold, suspended_until), I32(lend_sys_hold, state),     I64(lend_sys_hold, ended_at),
	I64(lend_sys_hold, loan_id),
};
#define HOLD_COLS "library_id, book_id, ticket_id, reader_id, joined_at, suspended_until, state, ended_at, loan_id"

static const field note_fields[] = {
	I64(lend_sys_note, id),           STR(lend_sys_note, uuid),       I32(lend_sys_note, kind),
	I64(lend_sys_note, reader_id),    I64(lend_sys_note, library_id), I64(lend_sys_note, book_id),
	I64(lend_sys_note, loan_id),      I64(lend_sys_note, created_at), STR(lend_sys_note, detail),
	I32(lend_sys_note, attempts),     I64(lend_sys_note, next_attempt_at), I64(lend_sys_note, delivered_at),
	STR(lend_sys_note, last_error),
};
#define NOTE_COLS                                                                                                  \
	"uuid, kind, reader_id, library_id, book_id, loan_id, created_at, detail, attempts, next_attempt_at, "     \
	"delivered_at, last_error"

static const field policy_fields[] = {
	I64(lend_sys_policy, library_id), I64(lend_sys_policy, ticket_id), I32(lend_sys_policy, kind),
	I32(lend_sys_policy, setting),    I64(lend_sys_policy, value),
};
#define POLICY_COLS "library_id, ticket_id, kind, setting, value"

static const field ledger_fields[] = {
	I64(lend_sys_ledger, id),      I64(lend_sys_ledger, library_id), I64(lend_sys_ledger, at),
	I64(lend_sys_ledger, amount),  I32(lend_sys_ledger, kind),       I64(lend_sys_ledger, book_id),
	I64(lend_sys_ledger, actor_id), STR(lend_sys_ledger, note),
};
#define LEDGER_COLS "library_id, at, amount, kind, book_id, actor_id, note"

typedef struct grant_row {
	int64_t library_id;
} grant_row;

static const field grant_fields[] = {
	I64(grant_row, library_id),
};

enum { T_LIBRARY, T_READER, T_TICKET, T_BOOK, T_FUND, T_LOAN, T_HOLD, T_NOTE, T_POLICY, T_LEDGER, T_GRANT };

#define NFIELDS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct rowdesc {
	const field *f;
	int n;
} rowdescs[] = {
	[T_LIBRARY] = {library_fields, NFIELDS(library_fields)}, [T_READER] = {reader_fields, NFIELDS(reader_fields)},
	[T_TICKET] = {ticket_fields, NFIELDS(ticket_fields)},    [T_BOOK] = {book_fields, NFIELDS(book_fields)},
	[T_FUND] = {fund_fields, NFIELDS(fund_fields)},          [T_LOAN] = {loan_fields, NFIELDS(loan_fields)},
	[T_HOLD] = {hold_fields, NFIELDS(hold_fields)},          [T_NOTE] = {note_fields, NFIELDS(note_fields)},
	[T_POLICY] = {policy_fields, NFIELDS(policy_fields)},    [T_LEDGER] = {ledger_fields, NFIELDS(ledger_fields)},
	[T_GRANT] = {grant_fields, NFIELDS(grant_fields)},
};

typedef union anyrow {
	lend_sys_library library;
	lend_sys_reader reader;
	lend_sys_ticket ticket;
	lend_sys_book book;
	lend_sys_fund fund;
	lend_sys_loan loan;
	lend_sys_hold hold;
	lend_sys_note note;
	lend_sys_policy policy;
	lend_sys_ledger ledger;
	grant_row grant;
} anyrow;

typedef union anycb {
	lend_sys_library_cb library;
	lend_sys_reader_cb reader;
	lend_sys_ticket_cb ticket;
	lend_sys_book_cb book;
	lend_sys_fund_cb fund;
	lend_sys_loan_cb loan;
	lend_sys_hold_cb hold;
	lend_sys_note_cb note;
	lend_sys_policy_cb policy;
	lend_sys_ledger_cb ledger;
	int (*grant)(void *ctx, int64_t library_id);
} anycb;

/* Hand a row to the callback of its type. */
static inline int call_cb(int type, anycb cb, void *ctx, const anyrow *row)
{
	switch (type) {
	case T_LIBRARY:
		return cb.library(ctx, &row->library);
	case T_READER:
		return cb.reader(ctx, &row->reader);
	case T_TICKET:
		return cb.ticket(ctx, &row->ticket);
	case T_BOOK:
		return cb.book(ctx, &row->book);
	case T_FUND:
		return cb.fund(ctx, &row->fund);
	case T_LOAN:
		return cb.loan(ctx, &row->loan);
	case T_HOLD:
		return cb.hold(ctx, &row->hold);
	case T_NOTE:
		return cb.note(ctx, &row->note);
	case T_POLICY:
		return cb.policy(ctx, &row->policy);
	case T_LEDGER:
		return cb.ledger(ctx, &row->ledger);
	default:
		return cb.grant(ctx, row->grant.library_id);
	}
}

/* Set every method of version 1 in *out to P_<method> (sq_begin, ...). */
#define WIRE_CORE_METHODS(out, P) \
	do { \
		(out)->free = P##_free; \
		(out)->errmsg = P##_errmsg; \
		(out)->begin = P##_begin; \
		(out)->commit = P##_commit; \
		(out)->rollback = P##_rollback; \
		(out)->library_insert = P##_library_insert; \
		(out)->library_update = P##_library_update; \
		(out)->library_get = P##_library_get; \
		(out)->library_list = P##_library_list; \
		(out)->grant_insert = P##_grant_insert; \
		(out)->grant_delete = P##_grant_delete; \
		(out)->grant_list = P##_grant_list; \
		(out)->reader_insert = P##_reader_insert; \
		(out)->reader_update = P##_reader_update; \
		(out)->reader_get = P##_reader_get; \
		(out)->ticket_insert = P##_ticket_insert; \
		(out)->ticket_update = P##_ticket_update; \
		(out)->ticket_get = P##_ticket_get; \
		(out)->ticket_find = P##_ticket_find; \
		(out)->ticket_list = P##_ticket_list; \
		(out)->book_insert = P##_book_insert; \
		(out)->book_update = P##_book_update; \
		(out)->book_get = P##_book_get; \
		(out)->book_list = P##_book_list; \
		(out)->fund_get = P##_fund_get; \
		(out)->fund_put = P##_fund_put; \
		(out)->fund_list = P##_fund_list; \
		(out)->loan_insert = P##_loan_insert; \
		(out)->loan_update = P##_loan_update; \
		(out)->loan_get = P##_loan_get; \
		(out)->loan_list = P##_loan_list; \
		(out)->loan_count = P##_loan_count; \
		(out)->hold_insert = P##_hold_insert; \
		(out)->hold_update = P##_hold_update; \
		(out)->hold_get = P##_hold_get; \
		(out)->hold_list = P##_hold_list; \
		(out)->hold_count = P##_hold_count; \
		(out)->note_insert = P##_note_insert; \
		(out)->note_update = P##_note_update; \
		(out)->note_list = P##_note_list; \
		(out)->policy_list = P##_policy_list; \
		(out)->policy_put = P##_policy_put; \
		(out)->policy_delete = P##_policy_delete; \
		(out)->ledger_insert = P##_ledger_insert; \
		(out)->ledger_list = P##_ledger_list; \
	} while (0)

#endif /* LEND_STORAGE_ROWS_H */
