/* errors.c — status and reason texts, and the per-engine last error. */
#include <stdio.h>

#include "internal.h"

LEND_EXTERN const char *lend_strerror(int status)
{
	switch (status) {
	case LEND_OK: return "ok";
	case LEND_ERROR: return "error";
	case LEND_ENOTFOUND: return "not found";
	case LEND_EINVAL: return "invalid argument";
	case LEND_EEXISTS: return "already exists";
	case LEND_EDENIED: return "refused by a lending rule";
	case LEND_EAUTH: return "authentication failed";
	case LEND_EPERM: return "not permitted for this actor";
	case LEND_EBUSY: return "storage busy";
	case LEND_ESTORAGE: return "storage failure";
	case LEND_ENOMEM: return "out of memory";
	case LEND_EUSER: return "host callback failed";
	case LEND_ESTATE: return "not allowed in the object's current state";
	default: return "unknown status";
	}
}

LEND_EXTERN const char *lend_reason_string(int reason)
{
	switch (reason) {
	case LEND_REASON_NONE: return "no reason";
	case LEND_REASON_TICKET_BLOCKED: return "the library card is blocked";
	case LEND_REASON_TICKET_EXPIRED: return "the library card is not valid now";
	case LEND_REASON_NOT_LENDABLE: return "libraries may not lend this book";
	case LEND_REASON_AGE: return "the reader is younger than the book's age rating";
	case LEND_REASON_NOT_RELEASED: return "the book is coming soon";
	case LEND_REASON_SELF_SERVICE_LIMIT: return "self-service limit reached";
	case LEND_REASON_MAX_LOANS: return "loan limit reached";
	case LEND_REASON_TOO_EXPENSIVE: return "the book is too expensive for self-service";
	case LEND_REASON_BUDGET: return "the library's budget is exhausted";
	case LEND_REASON_NO_FREE_COPY: return "every copy is on loan";
	case LEND_REASON_ALREADY_YOURS: return "the reader already has this book";
	case LEND_REASON_ALREADY_QUEUED: return "the reader is already in the queue";
	case LEND_REASON_NOT_IN_FUND: return "the library holds no copy of this book";
	case LEND_REASON_TOO_MANY_REQUESTS: return "too many requests at once";
	case LEND_REASON_MONTHLY_QUOTA: return "monthly quota reached";
	case LEND_REASON_COPY_LIMIT: return "the library holds as many copies of this title as it may";
	case LEND_REASON_COPIES_ON_LOAN: return "copies on loan cannot be withdrawn";
	case LEND_REASON_FREE_COPY: return "a copy is free: take it instead";
	case LEND_REASON_SUSPEND_TOO_LONG: return "a queue place can be suspended for a year at most";
	/* -- the librarian's desk */
	case LEND_REASON_ALREADY_REQUESTED: return "a request for this book is already pending";
	case LEND_REASON_RENEWALS_OFF: return "the library does not renew loans";
	case LEND_REASON_ALREADY_RENEWED: return "the loan was renewed once already";
	case LEND_REASON_SOMEONE_WAITS: return "other readers are waiting for this book";
	case LEND_REASON_LIBRARIAN: return "the librarian's decision";
	/* -- accounts and sign-in */
	case LEND_REASON_SIGNIN_DELAYED: return "too many failed sign-ins: wait before trying again";
	case LEND_REASON_SIGNIN_LOCKED: return "too many failed sign-ins: sign-in is locked for a while";
	case LEND_REASON_CODE_EXPIRED: return "the code expired or a newer one was sent";
	case LEND_REASON_CODE_TRIES: return "the code allows no more tries";
	case LEND_REASON_BIRTH_DATE_DIFFERS: return "the accounts name different birth dates";
	/* -- the reader's shelf */
	case LEND_REASON_BALANCE: return "the balance does not cover the price";
	case LEND_REASON_ALREADY_BOUGHT: return "the book is bought already";
	case LEND_REASON_NOT_FOR_SALE: return "the book is not for sale";
	case LEND_REASON_NO_ACCESS: return "the book is neither on loan to the reader nor bought";
	/* -- the catalog */
	default: return "unknown reason";
	}
}

LEND_EXTERN const char *lend_note_kind_string(int kind)
{
	switch (kind) {
	case LEND_NOTE_LOAN_ISSUED: return "loan_issued";
	case LEND_NOTE_LOAN_ENDED: return "loan_ended";
	case LEND_NOTE_QUEUE_HANDOFF: return "queue_handoff";
	case LEND_NOTE_LOAN_ENDING_SOON: return "loan_ending_soon";
	case LEND_NOTE_REQUEST_APPROVED: return "request_approved";
	case LEND_NOTE_REQUEST_DENIED: return "request_denied";
	case LEND_NOTE_QUEUE_POSITION: return "queue_position";
	case LEND_NOTE_RESERVE_WAITING: return "reserve_waiting";
	case LEND_NOTE_VERIFICATION_CODE: return "verification_code";
	case LEND_NOTE_PASSWORD_RECOVERY: return "password_recovery";
	case LEND_NOTE_APP_ACTIVATION: return "app_activation";
	/* -- the librarian's desk */
	case LEND_NOTE_LOAN_RENEWED: return "loan_renewed";
	case LEND_NOTE_RESERVE_LAPSED: return "reserve_lapsed";
	/* -- accounts and sign-in */
	/* -- the reader's shelf */
	case LEND_NOTE_BALANCE_CREDITED: return "balance_credited";
	case LEND_NOTE_BOOK_BOUGHT: return "book_bought";
	/* -- the catalog */
	default: return "unknown";
	}
}

LEND_EXTERN int lend_version(void)
{
	return LEND_VERSION_NUMBER;
}

LEND_EXTERN const char *lend_version_string(void)
{
	return LEND_VERSION_STRING;
}

void lend__clear(lend_engine *e)
{
	e->errcode = LEND_OK;
	e->reason = LEND_REASON_NONE;
	e->errmsg[0] = '\0';
}

static int vfail(lend_engine *e, int code, int reason, const char *fmt, va_list ap)
{
	if (!e)
		return code;
	e->errcode = code;
	e->reason = reason;
	vsnprintf(e->errmsg, sizeof e->errmsg, fmt, ap);
	return code;
}

int lend__fail(lend_engine *e, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(e, code, LEND_REASON_NONE, fmt, ap);
	va_end(ap);
	return code;
}

int lend__deny(lend_engine *e, int reason, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(e, LEND_EDENIED, reason, fmt, ap);
	va_end(ap);
	return LEND_EDENIED;
}

int lend__missing(lend_engine *e, const char *method)
{
	return lend__fail(e, LEND_ESTATE, "the storage backend does not implement %s", method);
}

int lend__storage_fail(lend_engine *e, int rc, const char *what)
{
	/* A rule failure already recorded on the engine passes through. */
	if (e->errcode == rc && rc != LEND_OK)
		return rc;
	const char *msg = e->st.errmsg ? e->st.errmsg(e->st.userdata) : NULL;
	if (rc == LEND_ENOTFOUND)
		return lend__fail(e, rc, "%s: not found", what);
	return lend__fail(e, rc, "%s: %s%s%s", what, lend_strerror(rc), msg && *msg ? ": " : "", msg ? msg : "");
}

int lend__nomem(lend_engine *e)
{
	return lend__fail(e, LEND_ENOMEM, "out of memory");
}

LEND_EXTERN int lend_engine_errcode(const lend_engine *e)
{
	return e ? e->errcode : LEND_EINVAL;
}

LEND_EXTERN const char *lend_engine_errmsg(const lend_engine *e)
{
	return e ? e->errmsg : "no engine";
}

LEND_EXTERN int lend_engine_reason(const lend_engine *e)
{
	return e ? e->reason : LEND_REASON_NONE;
}
