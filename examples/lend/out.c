/* out.c — what `lend` prints: aligned tables measured in display columns,
 * dates, money, and the JSON schema of every object. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#include "cli.h"

/* ---------------------------------------------------------- text width */

int u8_width(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
	int w = 0;
	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
		if (n <= 0) { /* invalid byte: shown as one replacement column */
			w++;
			p++;
			left--;
			continue;
		}
		int cw = utf8proc_charwidth(cp);
		w += cw > 0 ? cw : 0;
		p += n;
		left -= n;
	}
	return w;
}

/* Copy s with control characters turned into spaces, cut to at most width
 * display columns (width <= 0: no cut) with "…" at the cut. */
static char *cell_text(const char *s, int width)
{
	size_t len = strlen(s);
	char *out = malloc(len + 4);
	if (!out)
		abort();
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)len;
	size_t o = 0;
	int w = 0, full = width > 0 && u8_width(s) > width;
	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
		int bad = n <= 0;
		int cw = bad ? 1 : utf8proc_charwidth(cp);
		if (cw < 0)
			cw = 0;
		if (bad || cp < 0x20 || cp == 0x7f)
			cw = 1;
		if (full && w + cw > width - 1)
			break;
		if (bad) {
			out[o++] = '?';
			n = 1;
		} else if (cp < 0x20 || cp == 0x7f) {
			out[o++] = ' ';
		} else {
			memcpy(out + o, p, (size_t)n);
			o += (size_t)n;
		}
		w += cw;
		p += n;
		left -= n;
	}
	if (full)
		memcpy(out + o, "\xE2\x80\xA6", 3), o += 3; /* … */
	out[o] = '\0';
	return out;
}

/* -------------------------------------------------------------- formats */

/* Times are shown in the reader's time zone ($TZ, else the system's); the
 * zone's abbreviation follows the time ("2026-03-02 12:00 MSK"). */
static const char *fmt_local(char *buf, int64_t t, const char *format)
{
	if (t == 0)
		return strcpy(buf, "-");
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm))
		gmtime_r(&tt, &tm);
	if (strftime(buf, TIME_BUF, format, &tm) == 0)
		snprintf(buf, TIME_BUF, "@%lld", (long long)t);
	return buf;
}

const char *fmt_time(char *buf, int64_t t)
{
	return fmt_local(buf, t, "%Y-%m-%d %H:%M %Z");
}

const char *fmt_day(char *buf, int64_t t)
{
	return fmt_local(buf, t, "%Y-%m-%d");
}

const char *fmt_money(char *buf, int64_t amount, const char *currency)
{
	const char *sign = amount < 0 ? "-" : "";
	uint64_t v = amount < 0 ? (uint64_t)0 - (uint64_t)amount : (uint64_t)amount;
	snprintf(buf, MONEY_BUF, "%s%llu.%02llu %s", sign, (unsigned long long)(v / 100), (unsigned long long)(v % 100),
	         currency && *currency ? currency : "");
	size_t n = strlen(buf);
	if (n && buf[n - 1] == ' ')
		buf[n - 1] = '\0';
	return buf;
}

const char *fmt_setting(char *buf, size_t len, const struct setting_name *s, int64_t value, const char *currency)
{
	if (value == LEND_UNLIMITED)
		snprintf(buf, len, "unlimited");
	else if (s && s->money) {
		char m[MONEY_BUF];
		snprintf(buf, len, "%s", fmt_money(m, value, currency));
	} else if (s && s->setting == LEND_SETTING_RENEWALS)
		snprintf(buf, len, "%s", value ? "on" : "off");
	else
		snprintf(buf, len, "%lld", (long long)value);
	return buf;
}

const char *kind_name(int kind)
{
	switch (kind) {
	case LEND_KIND_EBOOK: return "ebook";
	case LEND_KIND_AUDIOBOOK: return "audiobook";
	case LEND_KIND_ANY: return "any";
	default: return "unknown";
	}
}

const char *verdict_name(int verdict)
{
	switch (verdict) {
	case LEND_VERDICT_REFUSED: return "refused";
	case LEND_VERDICT_TAKE: return "take";
	case LEND_VERDICT_QUEUE: return "queue";
	case LEND_VERDICT_REQUEST: return "request";
	case LEND_VERDICT_YOURS: return "yours";
	default: return "unknown";
	}
}

const char *origin_name(int origin)
{
	switch (origin) {
	case LEND_ORIGIN_SELF: return "self";
	case LEND_ORIGIN_LIBRARIAN: return "librarian";
	case LEND_ORIGIN_QUEUE: return "queue";
	default: return "unknown";
	}
}

const char *end_name(int end)
{
	switch (end) {
	case LEND_END_NONE: return "active";
	case LEND_END_EXPIRED: return "expired";
	case LEND_END_RETURNED: return "returned";
	case LEND_END_REVOKED: return "revoked";
	default: return "unknown";
	}
}

const char *hold_state_name(int state)
{
	switch (state) {
	case LEND_HOLD_WAITING: return "waiting";
	case LEND_HOLD_SERVED: return "served";
	case LEND_HOLD_LEFT: return "left";
	default: return "unknown";
	}
}

const char *request_state_name(int s)
{
	switch (s) {
	case LEND_REQUEST_PENDING: return "pending";
	case LEND_REQUEST_APPROVED: return "approved";
	case LEND_REQUEST_DENIED: return "denied";
	case LEND_REQUEST_CANCELLED: return "cancelled";
	default: return "unknown";
	}
}

/* The stable id of a refusal reason (the "reason" of --json), NULL for
 * LEND_REASON_NONE and for a value lend.h does not name. A switch, not an
 * array: the reasons are numbered in blocks per area, with gaps. The test
 * cli-reasons reads lend.h and asks `lend reasons` for every value. */
const char *reason_id(int reason)
{
	switch (reason) {
	case LEND_REASON_TICKET_BLOCKED: return "ticket_blocked";
	case LEND_REASON_TICKET_EXPIRED: return "ticket_expired";
	case LEND_REASON_NOT_LENDABLE: return "not_lendable";
	case LEND_REASON_AGE: return "age";
	case LEND_REASON_NOT_RELEASED: return "not_released";
	case LEND_REASON_SELF_SERVICE_LIMIT: return "self_service_limit";
	case LEND_REASON_MAX_LOANS: return "max_loans";
	case LEND_REASON_TOO_EXPENSIVE: return "too_expensive";
	case LEND_REASON_BUDGET: return "budget";
	case LEND_REASON_NO_FREE_COPY: return "no_free_copy";
	case LEND_REASON_ALREADY_YOURS: return "already_yours";
	case LEND_REASON_ALREADY_QUEUED: return "already_queued";
	case LEND_REASON_NOT_IN_FUND: return "not_in_fund";
	case LEND_REASON_TOO_MANY_REQUESTS: return "too_many_requests";
	case LEND_REASON_MONTHLY_QUOTA: return "monthly_quota";
	case LEND_REASON_COPY_LIMIT: return "copy_limit";
	case LEND_REASON_COPIES_ON_LOAN: return "copies_on_loan";
	case LEND_REASON_FREE_COPY: return "free_copy";
	case LEND_REASON_SUSPEND_TOO_LONG: return "suspend_too_long";
	/* the librarian's desk: 20..39 */
	case LEND_REASON_ALREADY_REQUESTED: return "already_requested";
	case LEND_REASON_RENEWALS_OFF: return "renewals_off";
	case LEND_REASON_ALREADY_RENEWED: return "already_renewed";
	case LEND_REASON_SOMEONE_WAITS: return "someone_waits";
	case LEND_REASON_LIBRARIAN: return "librarian";
	/* accounts and sign-in: 40..59 */
	case LEND_REASON_SIGNIN_DELAYED: return "signin_delayed";
	case LEND_REASON_SIGNIN_LOCKED: return "signin_locked";
	case LEND_REASON_CODE_EXPIRED: return "code_expired";
	case LEND_REASON_CODE_TRIES: return "code_tries";
	case LEND_REASON_BIRTH_DATE_DIFFERS: return "birth_date_differs";
	/* the reader's shelf: 60..79 */
	case LEND_REASON_BALANCE: return "balance";
	case LEND_REASON_ALREADY_BOUGHT: return "already_bought";
	case LEND_REASON_NOT_FOR_SALE: return "not_for_sale";
	case LEND_REASON_NO_ACCESS: return "no_access";
	/* the catalog: 80..99 */
	default: return NULL;
	}
}

/* reason_id, or "unknown" for a value this program does not know (a newer
 * library); NULL only for LEND_REASON_NONE. */
const char *reason_name(int reason)
{
	const char *id = reason_id(reason);
	return id ? id : reason == LEND_REASON_NONE ? NULL : "unknown";
}

const char *book_authors(const lend_book *b, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < lend_book_author_count(b) && o + 1 < len; i++) {
		int n = snprintf(buf + o, len - o, "%s%s", i ? ", " : "", lend_book_author(b, i));
		if (n < 0)
			break;
		o += (size_t)n;
	}
	return buf;
}

/* --------------------------------------------------------------- tables */

struct table {
	int ncols;
	const char *const *heads;
	int *cap;
	char **cells; /* rows * ncols */
	int rows, alloc;
};

struct table *table_new(int ncols, const char *const *heads)
{
	struct table *t = calloc(1, sizeof *t);
	if (!t || !(t->cap = calloc((size_t)ncols, sizeof *t->cap)))
		abort();
	t->ncols = ncols;
	t->heads = heads;
	return t;
}

void table_cap(struct table *t, int col, int width)
{
	if (col >= 0 && col < t->ncols)
		t->cap[col] = width;
}

void table_row(struct table *t, ...)
{
	if (t->rows == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 16;
		t->cells = realloc(t->cells, (size_t)t->alloc * (size_t)t->ncols * sizeof *t->cells);
		if (!t->cells)
			abort();
	}
	va_list ap;
	va_start(ap, t);
	for (int i = 0; i < t->ncols; i++) {
		const char *s = va_arg(ap, const char *);
		t->cells[t->rows * t->ncols + i] = cell_text(s ? s : "", t->cap[i]);
	}
	va_end(ap);
	t->rows++;
}

/* A growing line buffer, so that trailing blanks can be cut. */
struct line {
	char *s;
	size_t n, cap;
};

static void put(struct line *l, const char *s, size_t n)
{
	if (l->n + n + 1 > l->cap) {
		l->cap = (l->n + n + 1) * 2;
		l->s = realloc(l->s, l->cap);
		if (!l->s)
			abort();
	}
	memcpy(l->s + l->n, s, n);
	l->n += n;
	l->s[l->n] = '\0';
}

static void pad(struct line *l, int n)
{
	for (; n > 0; n--)
		put(l, " ", 1);
}

void table_print(struct table *t, FILE *f)
{
	int *w = calloc((size_t)t->ncols, sizeof *w);
	if (!w)
		abort();
	for (int i = 0; i < t->ncols; i++) {
		const char *h = t->heads[i][0] == '>' ? t->heads[i] + 1 : t->heads[i];
		w[i] = u8_width(h);
		for (int r = 0; r < t->rows; r++) {
			int cw = u8_width(t->cells[r * t->ncols + i]);
			if (cw > w[i])
				w[i] = cw;
		}
	}
	struct line l = {NULL, 0, 0};
	for (int r = -1; r < t->rows; r++) {
		l.n = 0;
		for (int i = 0; i < t->ncols; i++) {
			int right = t->heads[i][0] == '>';
			const char *s = r < 0 ? t->heads[i] + right : t->cells[r * t->ncols + i];
			int gap = w[i] - u8_width(s);
			if (i)
				pad(&l, 2);
			if (right)
				pad(&l, gap);
			put(&l, s, strlen(s));
			if (!right)
				pad(&l, gap);
		}
		while (l.n && l.s[l.n - 1] == ' ')
			l.n--;
		fwrite(l.s, 1, l.n, f);
		fputc('\n', f);
	}
	free(l.s);
	free(w);
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->rows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->cap);
	free(t);
}

void kv(const char *key, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	char *clean = cell_text(buf, 0);
	int w = u8_width(key) + 1;
	printf("%s:%*s%s\n", key, w < 16 ? 16 - w : 1, "", clean);
	free(clean);
}

/* ----------------------------------------------------------------- JSON */

json_t *json_time(int64_t t)
{
	return t ? json_integer((json_int_t)t) : json_null();
}

json_t *json_money(int64_t amount, const char *currency)
{
	return json_pack("{s:I, s:s}", "minor", (json_int_t)amount, "currency", currency ? currency : "");
}

static json_t *json_id(int64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

static json_t *json_str(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;
	return j ? j : json_null();
}

json_t *json_library(const lend_library *l)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:s, s:o}", "id", (json_int_t)lend_library_id(l), "name",
	                 json_str(lend_library_name(l)), "address", json_str(lend_library_address(l)), "contacts",
	                 json_str(lend_library_contacts(l)), "currency", lend_library_currency(l), "budget",
	                 json_money(lend_library_budget(l), lend_library_currency(l)));
}

json_t *json_reader(const lend_reader *r)
{
	int bd = lend_reader_birth_date(r);
	json_t *born = json_null();
	if (bd) {
		char d[16];
		snprintf(d, sizeof d, "%04d-%02d-%02d", bd / 10000, bd / 100 % 100, bd % 100);
		json_decref(born);
		born = json_string(d);
	}
	return json_pack("{s:I, s:o, s:o}", "id", (json_int_t)lend_reader_id(r), "name", json_str(lend_reader_name(r)),
	                 "birth_date", born);
}

json_t *json_ticket(const lend_ticket *t)
{
	return json_pack("{s:I, s:I, s:I, s:o, s:o, s:o, s:b}", "id", (json_int_t)lend_ticket_id(t), "library_id",
	                 (json_int_t)lend_ticket_library_id(t), "reader_id", (json_int_t)lend_ticket_reader_id(t),
	                 "number", json_str(lend_ticket_number(t)), "valid_from", json_time(lend_ticket_valid_from(t)),
	                 "valid_until", json_time(lend_ticket_valid_until(t)), "blocked", lend_ticket_blocked(t));
}

json_t *json_book(const lend_book *b)
{
	json_t *authors = json_array();
	for (size_t i = 0; i < lend_book_author_count(b); i++)
		json_array_append_new(authors, json_str(lend_book_author(b, i)));
	return json_pack("{s:I, s:o, s:o, s:s, s:i, s:o, s:b, s:o}", "id", (json_int_t)lend_book_id(b), "title",
	                 json_str(lend_book_title(b)), "authors", authors, "kind", kind_name(lend_book_kind(b)),
	                 "age_rating", lend_book_age_rating(b), "price",
	                 json_money(lend_book_price(b), lend_book_currency(b)), "lendable", lend_book_lendable(b),
	                 "release_at", json_time(lend_book_release_at(b)));
}

json_t *json_fund(const lend_fund *f)
{
	int free_copies = lend_fund_copies(f) - lend_fund_on_loan(f);
	return json_pack("{s:I, s:I, s:i, s:i, s:i, s:i}", "library_id", (json_int_t)lend_fund_library_id(f), "book_id",
	                 (json_int_t)lend_fund_book_id(f), "copies", lend_fund_copies(f), "on_loan", lend_fund_on_loan(f),
	                 "free", free_copies > 0 ? free_copies : 0, "waiting", lend_fund_waiting(f));
}

json_t *json_loan(const lend_loan *l)
{
	int end = lend_loan_end_reason(l);
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:s, s:o, s:o, s:o, s:b, s:o}", "id", (json_int_t)lend_loan_id(l),
	                 "ticket_id", (json_int_t)lend_loan_ticket_id(l), "reader_id", (json_int_t)lend_loan_reader_id(l),
	                 "library_id", (json_int_t)lend_loan_library_id(l), "book_id", (json_int_t)lend_loan_book_id(l),
	                 "origin", origin_name(lend_loan_origin(l)), "issued_at", json_time(lend_loan_issued_at(l)),
	                 "due_at", json_time(lend_loan_due_at(l)), "ended_at", json_time(lend_loan_ended_at(l)), "active",
	                 lend_loan_ended_at(l) == 0, "end_reason", end ? json_string(end_name(end)) : json_null());
}

json_t *json_hold(const lend_hold *h)
{
	int pos = lend_hold_position(h);
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)lend_hold_id(h),
	                 "library_id", (json_int_t)lend_hold_library_id(h), "book_id", (json_int_t)lend_hold_book_id(h),
	                 "ticket_id", (json_int_t)lend_hold_ticket_id(h), "reader_id", (json_int_t)lend_hold_reader_id(h),
	                 "state", hold_state_name(lend_hold_state(h)), "joined_at", json_time(lend_hold_joined_at(h)),
	                 "position", pos ? json_integer(pos) : json_null(), "wait_until",
	                 json_time(lend_hold_wait_until(h)), "suspended_until", json_time(lend_hold_suspended_until(h)),
	                 "loan_id", json_id(lend_hold_loan_id(h)));
}

json_t *json_availability(const lend_availability *v, int64_t ticket_id, int64_t book_id)
{
	int reason = lend_availability_reason(v);
	int pos = lend_availability_position(v);
	return json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:b, s:o, s:o, s:b, s:o}", "ticket_id", (json_int_t)ticket_id,
	                 "book_id", (json_int_t)book_id, "verdict", verdict_name(lend_availability_verdict(v)), "reason",
	                 json_str(reason_name(reason)), "reason_text",
	                 reason ? json_string(lend_reason_string(reason)) : json_null(), "message",
	                 json_str(lend_availability_message(v)), "buys", lend_availability_buys(v), "position",
	                 pos ? json_integer(pos) : json_null(), "wait_until", json_time(lend_availability_wait_until(v)),
	                 "queued", lend_availability_queued(v), "loan_id", json_id(lend_availability_loan_id(v)));
}

json_t *json_notification(const lend_notification *n)
{
	return json_pack("{s:I, s:o, s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:i, s:o}", "id",
	                 (json_int_t)lend_notification_id(n), "uuid", json_str(lend_notification_uuid(n)), "kind",
	                 lend_note_kind_string(lend_notification_kind(n)), "reader_id",
	                 (json_int_t)lend_notification_reader_id(n), "library_id",
	                 json_id(lend_notification_library_id(n)), "book_id", json_id(lend_notification_book_id(n)),
	                 "loan_id", json_id(lend_notification_loan_id(n)), "created_at",
	                 json_time(lend_notification_created_at(n)), "detail", json_str(lend_notification_detail(n)),
	                 "attempts", lend_notification_attempts(n), "delivered_at",
	                 json_time(lend_notification_delivered_at(n)));
}

void json_out(json_t *j)
{
	if (!j) {
		fputs("null\n", stdout);
		return;
	}
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_ENCODE_ANY);
	fputc('\n', stdout);
	json_decref(j);
}
