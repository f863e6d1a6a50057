/* catalog/import.c — importing a catalog from CSV (libcsv) or JSON Lines
 * (jansson): streaming, in transactions of BATCH rows, idempotent by
 * external id, with progress and a report of the bad rows.
 *
 * Both formats turn each record into an irow (text per column, lists for
 * authors, narrators, genres and aliases); one path validates it into a
 * book draft and one path writes it. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <strings.h>

#include <csv.h>
#include <jansson.h>

#include "catalog.h"

#define BATCH 1000
#define MAX_ERRORS 1000
#define MAX_FIELDS 64
#define ALIAS_MAX 300
#define ALIASES_MAX 64

enum {
	C_EXTERNAL_ID, C_TITLE, C_SUBTITLE, C_AUTHORS, C_AUTHOR_ALIASES, C_NARRATORS, C_KIND, C_AGE, C_PRICE,
	C_CURRENCY, C_LENDABLE, C_RELEASE, C_SERIES, C_SERIES_NO, C_LANGUAGE, C_PUBLISHER, C_YEAR, C_ISBN,
	C_GENRES, C_ANNOTATION, C_PREVIEW, C_LENGTH, NCOL
};
static const char *const col_names[NCOL] = {
	"external_id", "title", "subtitle", "authors", "author_aliases", "narrators", "kind", "age",
	"price", "currency", "lendable", "release", "series", "series_no", "language", "publisher",
	"year", "isbn", "genres", "annotation", "preview", "length",
};
/* Without a header, or for a header naming none of the above, the columns
 * are those of the lend CLI's first catalogs. */
static const int default_order[] = {C_TITLE, C_AUTHORS, C_KIND, C_AGE, C_PRICE, C_CURRENCY};

/* One record, whatever its format. */
typedef struct irow {
	char *text[NCOL];
	lend__strlist authors, narrators, genres;
	lend__strlist aliases[64]; /* aligned with authors */
	size_t naliases;
	int has_list[NCOL];        /* the list columns came as lists (JSON arrays) */
} irow;

static void list_clear(lend__strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	free(l->joined);
	memset(l, 0, sizeof *l);
}

static void irow_clear(irow *r)
{
	for (int i = 0; i < NCOL; i++)
		free(r->text[i]);
	list_clear(&r->authors);
	list_clear(&r->narrators);
	list_clear(&r->genres);
	for (size_t i = 0; i < r->naliases; i++)
		list_clear(&r->aliases[i]);
	memset(r, 0, sizeof *r);
}

struct lend_import_report {
	int64_t rows, added, updated, unchanged, failed;
	int64_t *books;
	size_t nbooks, cap;
	struct {
		int64_t line;
		char *reason;
	} err[MAX_ERRORS];
	size_t nerr;
};

LEND_EXTERN int64_t lend_import_report_rows(const lend_import_report *r) { return r ? r->rows : 0; }
LEND_EXTERN int64_t lend_import_report_added(const lend_import_report *r) { return r ? r->added : 0; }
LEND_EXTERN int64_t lend_import_report_updated(const lend_import_report *r) { return r ? r->updated : 0; }
LEND_EXTERN int64_t lend_import_report_unchanged(const lend_import_report *r) { return r ? r->unchanged : 0; }
LEND_EXTERN int64_t lend_import_report_failed(const lend_import_report *r) { return r ? r->failed : 0; }
LEND_EXTERN size_t lend_import_report_book_count(const lend_import_report *r) { return r ? r->nbooks : 0; }
LEND_EXTERN int64_t lend_import_report_book_id(const lend_import_report *r, size_t i)
{
	return r && i < r->nbooks ? r->books[i] : 0;
}
LEND_EXTERN size_t lend_import_report_error_count(const lend_import_report *r) { return r ? r->nerr : 0; }
LEND_EXTERN int64_t lend_import_report_error_line(const lend_import_report *r, size_t i)
{
	return r && i < r->nerr ? r->err[i].line : 0;
}
LEND_EXTERN const char *lend_import_report_error_reason(const lend_import_report *r, size_t i)
{
	return r && i < r->nerr ? r->err[i].reason : NULL;
}
LEND_EXTERN void lend_import_report_free(lend_import_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nerr; i++)
		free(r->err[i].reason);
	free(r->books);
	free(r);
}

/* The state of one import. */
typedef struct importer {
	lend_engine *e;
	lend_import_report *rep;
	lend_import_progress_fn progress;
	void *ud;
	int64_t total;
	int in_batch, batch_rows;
	int rc;      /* the first failure that stops the import */
	int counting; /* the first pass: count the records only */
	/* CSV */
	char *field[MAX_FIELDS];
	size_t flen[MAX_FIELDS];
	int nfields, too_many;
	int map[MAX_FIELDS]; /* column of each field, -1 unknown */
	int header_done;
	int64_t line, record_line;
} importer;

static void bad_row(importer *im, int64_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void bad_row(importer *im, int64_t line, const char *fmt, ...)
{
	im->rep->failed++;
	if (im->rep->nerr >= MAX_ERRORS)
		return;
	char buf[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	char *s = lend__strdup(buf);
	if (!s) {
		im->rc = lend__nomem(im->e);
		return;
	}
	im->rep->err[im->rep->nerr].line = line;
	im->rep->err[im->rep->nerr++].reason = s;
}

/* A record refused before it became a row: counted in the first pass,
 * reported in the second. */
#define REJECT(im, line, ...)                                                                                          \
	do {                                                                                                           \
		if ((im)->counting) {                                                                                  \
			(im)->total++;                                                                                 \
		} else {                                                                                               \
			(im)->rep->rows++;                                                                             \
			bad_row((im), (line), __VA_ARGS__);                                                            \
		}                                                                                                      \
	} while (0)

/* ------------------------------------------------------------- values */

/* Trim, and make one line of s: runs of line breaks and tabs become one space. */
static void one_line(char *s)
{
	char *o = s, *p = s;
	while (*p == ' ' || *p == '\r' || *p == '\n' || *p == '\t')
		p++;
	while (*p) {
		if (*p == '\r' || *p == '\n' || *p == '\t' || *p == ' ') {
			while (*p == '\r' || *p == '\n' || *p == '\t' || *p == ' ')
				p++;
			if (*p)
				*o++ = ' ';
			continue;
		}
		*o++ = *p++;
	}
	*o = '\0';
}

/* Keep the line breaks of a multi-line text as '\n'; trim the ends. */
static void unix_lines(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (*p == '\r') {
			*o++ = '\n';
			if (p[1] == '\n')
				p++;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	while (o > s && (o[-1] == '\n' || o[-1] == ' '))
		*--o = '\0';
	size_t lead = strspn(s, " \n");
	memmove(s, s + lead, strlen(s + lead) + 1);
}

static int parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	int64_t v;
	if (!lend__parse_i64(s, strlen(s), &v) || v < lo || v > hi)
		return 0;
	*out = v;
	return 1;
}

/* An amount in major units: "399", "399.5", "399.00", "399,00". */
static int parse_price(const char *s, int64_t *out)
{
	int64_t major = 0;
	int cents = 0, dec = 0, digits = 0;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (major > INT64_MAX / 1000)
			return 0;
		major = major * 10 + (*s - '0');
	}
	if (*s == '.' || *s == ',')
		for (s++; *s >= '0' && *s <= '9'; s++) {
			if (++dec > 2)
				return 0;
			cents = cents * 10 + (*s - '0');
		}
	if (*s || !digits)
		return 0;
	*out = major * 100 + (dec == 1 ? cents * 10 : cents);
	return 1;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DD" (UTC midnight) or seconds since the epoch. */
static int parse_when(const char *s, int64_t *out)
{
	int y, m, d, n = 0;
	if (strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10 && m >= 1 && m <= 12 &&
	    d >= 1 && d <= 31 && y >= 1970) {
		static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		if (d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
			return 0;
		*out = days_from_civil(y, m, d) * 86400;
		return 1;
	}
	return parse_int(s, 0, INT64_MAX / 4, out);
}

static int parse_flag(const char *s, int *out)
{
	static const char *const yes[] = {"1", "yes", "true", "y"}, *const no[] = {"0", "no", "false", "n"};
	for (int i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return *out = 1, 1;
		if (strcasecmp(s, no[i]) == 0)
			return *out = 0, 1;
	}
	return 0;
}

/* Split s at sep ('\0': do not split) into l, each part trimmed and made
 * one line, empty parts dropped. */
static int split_into(lend__strlist *l, const char *s, char sep)
{
	char *c = lend__strdup(s);
	if (!c)
		return LEND_ENOMEM;
	int rc = LEND_OK;
	for (char *p = c; rc == LEND_OK && p;) {
		char *q = sep ? strchr(p, sep) : NULL;
		if (q)
			*q = '\0';
		one_line(p);
		if (*p)
			rc = lend__strlist_split(l, p); /* one line: one item */
		p = q ? q + 1 : NULL;
	}
	free(c);
	return rc;
}

/* ------------------------------------------------------ row to a draft */

static const char *T(const irow *r, int c)
{
	return r->text[c] ? r->text[c] : "";
}

/* Validate a record into a draft; on a bad row, *why says why. */
static int build(const irow *r, lend_book **out, char *why, size_t wlen)
{
	lend_book *b = NULL;
	*out = NULL;
	if (lend_book_new(&b) != LEND_OK)
		return LEND_ENOMEM;
	int rc = LEND_OK;
#define BAD(...)                                                                                                       \
	do {                                                                                                           \
		snprintf(why, wlen, __VA_ARGS__);                                                                      \
		goto bad;                                                                                              \
	} while (0)
#define SET(call, ...)                                                                                                 \
	do {                                                                                                           \
		if ((rc = (call)) == LEND_ENOMEM)                                                                      \
			goto oom;                                                                                      \
		if (rc != LEND_OK)                                                                                     \
			BAD(__VA_ARGS__);                                                                              \
	} while (0)
	char title[1001], *subtitle = NULL;
	const char *t = T(r, C_TITLE);
	if (lend__multiline_ok(t, 4000) != LEND_OK)
		BAD("the title is not valid UTF-8 text");
	/* "Title\nSubtitle" (as in Project Gutenberg): the rest is the subtitle */
	size_t cut = strcspn(t, "\r\n");
	if (cut >= sizeof title)
		BAD("the title is longer than 1000 bytes");
	memcpy(title, t, cut);
	title[cut] = '\0';
	one_line(title);
	if (!*title)
		BAD("no title");
	SET(lend_book_set_title(b, title), "the title is not valid UTF-8 of at most 1000 bytes");
	if (t[cut] && !*T(r, C_SUBTITLE)) {
		if (!(subtitle = lend__strdup(t + cut)))
			goto oom;
		one_line(subtitle);
		rc = lend_book_set_subtitle(b, subtitle);
		free(subtitle);
		if (rc == LEND_ENOMEM)
			goto oom;
		if (rc != LEND_OK)
			BAD("the subtitle is not valid UTF-8 of at most 1000 bytes");
	} else {
		SET(lend_book_set_subtitle(b, T(r, C_SUBTITLE)), "the subtitle is not valid UTF-8 of at most 1000 bytes");
	}
	for (size_t i = 0; i < r->authors.n; i++)
		SET(lend_book_add_author(b, r->authors.items[i]), "author '%.60s' is not valid (at most 64 of 300 bytes)",
		    r->authors.items[i]);
	for (size_t i = 0; i < r->naliases; i++) {
		if (r->aliases[i].n > ALIASES_MAX)
			BAD("more than %d aliases for one author", ALIASES_MAX);
		for (size_t k = 0; k < r->aliases[i].n; k++)
			if (lend__text_ok(r->aliases[i].items[k], ALIAS_MAX, 1) != LEND_OK)
				BAD("alias '%.60s' is not valid UTF-8 of at most %d bytes", r->aliases[i].items[k], ALIAS_MAX);
	}
	for (size_t i = r->authors.n; i < r->naliases; i++)
		if (r->aliases[i].n)
			BAD("aliases for author %zu, but %zu authors", i + 1, r->authors.n);
	for (size_t i = 0; i < r->narrators.n; i++)
		SET(lend_book_add_narrator(b, r->narrators.items[i]), "narrator '%.60s' is not valid", r->narrators.items[i]);
	for (size_t i = 0; i < r->genres.n; i++)
		SET(lend_book_add_genre(b, r->genres.items[i]), "genre '%.60s' is not valid (at most 32 of 200 bytes)",
		    r->genres.items[i]);
	const char *s;
	if (*(s = T(r, C_KIND))) {
		int kind = strcasecmp(s, "ebook") == 0 || strcasecmp(s, "e-book") == 0 || strcmp(s, "1") == 0 ? LEND_KIND_EBOOK
		           : strcasecmp(s, "audiobook") == 0 || strcasecmp(s, "audio") == 0 || strcmp(s, "2") == 0
		               ? LEND_KIND_AUDIOBOOK
		               : 0;
		if (!kind)
			BAD("kind '%.40s': expected ebook or audiobook", s);
		SET(lend_book_set_kind(b, kind), "bad kind");
	}
	int64_t v;
	if (*(s = T(r, C_AGE))) {
		char age[8];
		snprintf(age, sizeof age, "%s", s);
		size_t n = strlen(age);
		if (n && age[n - 1] == '+')
			age[n - 1] = '\0';
		if (!parse_int(age, 0, 18, &v) || lend_book_set_age_rating(b, (int)v) != LEND_OK)
			BAD("age '%.20s': the ratings are 0, 6, 12, 16 and 18", s);
	}
	int64_t price = 0;
	if (*(s = T(r, C_PRICE)) && !parse_price(s, &price))
		BAD("price '%.40s': expected an amount such as 399.00", s);
	SET(lend_book_set_price(b, price, *T(r, C_CURRENCY) ? T(r, C_CURRENCY) : "RUB"),
	    "currency '%.20s': expected 3 capital letters such as RUB", T(r, C_CURRENCY));
	int flag;
	if (*(s = T(r, C_LENDABLE))) {
		if (!parse_flag(s, &flag))
			BAD("lendable '%.20s': expected 1 or 0", s);
		SET(lend_book_set_lendable(b, flag), "bad lendable");
	}
	if (*(s = T(r, C_RELEASE))) {
		if (!parse_when(s, &v))
			BAD("release '%.40s': expected YYYY-MM-DD or seconds since 1970", s);
		SET(lend_book_set_release_at(b, v), "bad release date");
	}
	int64_t series_no = 0;
	if (*(s = T(r, C_SERIES_NO)) && !parse_int(s, 0, INT32_MAX, &series_no))
		BAD("series_no '%.20s': expected a number", s);
	SET(lend_book_set_series(b, T(r, C_SERIES), (int)series_no), "the series is not valid UTF-8 of at most 500 bytes");
	if (*(s = T(r, C_LANGUAGE))) {
		char lang[20];
		snprintf(lang, sizeof lang, "%s", s);
		for (char *p = lang; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		SET(lend_book_set_language(b, strlen(s) < sizeof lang ? lang : s),
		    "language '%.20s': expected an ISO 639 code such as ru or en", s);
	}
	SET(lend_book_set_publisher(b, T(r, C_PUBLISHER)), "the publisher is not valid UTF-8 of at most 300 bytes");
	if (*(s = T(r, C_YEAR))) {
		if (!parse_int(s, 0, 9999, &v))
			BAD("year '%.20s': expected 0 to 9999", s);
		SET(lend_book_set_year(b, (int)v), "bad year");
	}
	SET(lend_book_set_isbn(b, T(r, C_ISBN)), "ISBN '%.30s' is not a valid ISBN-10 or ISBN-13", T(r, C_ISBN));
	SET(lend_book_set_annotation(b, T(r, C_ANNOTATION)), "the annotation is not valid UTF-8 of at most 20000 bytes");
	if (*(s = T(r, C_PREVIEW))) {
		if (!parse_int(s, 0, INT32_MAX, &v))
			BAD("preview '%.20s': expected pages or seconds", s);
		SET(lend_book_set_preview(b, (int)v), "bad preview");
	}
	if (*(s = T(r, C_LENGTH))) {
		if (!parse_int(s, 0, INT64_MAX / 4, &v))
			BAD("length '%.20s': expected pages or seconds", s);
		SET(lend_book_set_length(b, v), "bad length");
	}
	SET(lend_book_set_external_id(b, T(r, C_EXTERNAL_ID)), "external_id is not valid UTF-8 of at most 200 bytes");
#undef SET
#undef BAD
	*out = b;
	return LEND_OK;
bad:
	lend_book_free(b);
	return LEND_EINVAL;
oom:
	lend_book_free(b);
	return LEND_ENOMEM;
}

/* --------------------------------------------------------- the writing */

static int same_text(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Whether writing row over old would change anything. */
static int same_book(const lend_sys_book *a, const lend_sys_book *b)
{
	return a->kind == b->kind && a->age_rating == b->age_rating && a->price == b->price &&
	       a->lendable == b->lendable && a->release_at == b->release_at && a->series_no == b->series_no &&
	       a->year == b->year && a->preview == b->preview && a->length == b->length && same_text(a->title, b->title) &&
	       same_text(a->authors, b->authors) && same_text(a->currency, b->currency) &&
	       same_text(a->subtitle, b->subtitle) && same_text(a->series, b->series) &&
	       same_text(a->language, b->language) && same_text(a->narrators, b->narrators) &&
	       same_text(a->publisher, b->publisher) && same_text(a->isbn, b->isbn) &&
	       same_text(a->genres, b->genres) && same_text(a->annotation, b->annotation);
}

static int add_aliases(lend_engine *e, const irow *r)
{
	for (size_t i = 0; i < r->naliases && i < r->authors.n; i++) {
		if (!r->aliases[i].n)
			continue;
		int64_t id;
		int added;
		TRY(lend__author_ensure(e, r->authors.items[i], &id));
		TRY(lend__author_aliases_add(e, id, r->aliases[i].items, r->aliases[i].n, &added));
		if (added)
			TRY(lend__author_books_changed(e, id));
	}
	return LEND_OK;
}

static int push_book(importer *im, int64_t id)
{
	lend_import_report *rep = im->rep;
	if (rep->nbooks == rep->cap) {
		size_t cap = rep->cap ? rep->cap * 2 : 1024;
		int64_t *n = realloc(rep->books, cap * sizeof *n);
		if (!n)
			return lend__nomem(im->e);
		rep->books = n;
		rep->cap = cap;
	}
	rep->books[rep->nbooks++] = id;
	return LEND_OK;
}

/* Write one good row (inside the batch's transaction). */
static int write_row(importer *im, const irow *r, lend_book *b)
{
	lend_engine *e = im->e;
	lend_sys_book row;
	char *authors = NULL;
	int64_t id = 0;
	if (lend__book_to_row(b, &row, &authors) != LEND_OK)
		return lend__nomem(e);
	int rc = add_aliases(e, r);
	if (rc == LEND_OK && row.external_id && *row.external_id) {
		rc = ST(e, book_find_external, row.external_id, &id);
		if (rc == LEND_ENOTFOUND)
			rc = LEND_OK, id = 0;
		else if (rc != LEND_OK)
			rc = lend__storage_fail(e, rc, "book by external id");
	}
	if (rc == LEND_OK && id) {
		lend__full_book old;
		if ((rc = lend__full_book_load(e, id, &old)) == LEND_OK) {
			row.id = id;
			row.created_at = old.row.created_at;
			row.withdrawn_at = old.row.withdrawn_at;
			if (old.row.withdrawn_at)
				row.lendable = 0;
			if (same_book(&row, &old.row)) {
				im->rep->unchanged++;
			} else {
				row.updated_at = e->now;
				if ((rc = ST(e, book_update, &row)) != LEND_OK)
					rc = lend__storage_fail(e, rc, "book update");
				if (rc == LEND_OK)
					rc = lend__catalog_book_saved(e, &row);
				im->rep->updated++;
			}
			lend__full_book_free(&old);
		}
	} else if (rc == LEND_OK) {
		row.id = 0;
		row.created_at = row.updated_at = e->now;
		if ((rc = ST(e, book_insert, &row)) != LEND_OK)
			rc = lend__storage_fail(e, rc, "book insert");
		if (rc == LEND_OK)
			rc = lend__catalog_book_saved(e, &row);
		id = row.id;
		im->rep->added++;
	}
	free(authors);
	if (rc == LEND_OK)
		rc = push_book(im, id);
	return rc;
}

static int batch_end(importer *im, int rc)
{
	if (!im->in_batch)
		return rc;
	im->in_batch = 0;
	im->batch_rows = 0;
	return lend__end(im->e, rc);
}

static void report_progress(importer *im)
{
	if (im->progress && im->rc == LEND_OK &&
	    im->progress(im->ud, im->rep->rows, im->total > im->rep->rows ? im->total : im->rep->rows) != 0)
		im->rc = lend__fail(im->e, LEND_EUSER, "the import was stopped after %lld rows",
		                    (long long)im->rep->rows);
}

/* Take one record: count it, or validate and write it. */
static void take_row(importer *im, irow *r, int64_t line)
{
	if (im->rc != LEND_OK)
		return;
	if (im->counting) {
		im->total++;
		return;
	}
	im->rep->rows++;
	char why[256] = "";
	lend_book *b = NULL;
	int rc = build(r, &b, why, sizeof why);
	if (rc == LEND_ENOMEM) {
		im->rc = lend__nomem(im->e);
		return;
	}
	if (rc == LEND_EINVAL) {
		bad_row(im, line, "%s", why);
	} else {
		if (!im->in_batch) {
			if ((rc = lend__begin(im->e, 1)) != LEND_OK) {
				lend_book_free(b);
				im->rc = rc;
				return;
			}
			im->in_batch = 1;
		}
		rc = write_row(im, r, b);
		if (rc != LEND_OK) {
			im->rc = batch_end(im, rc);
			lend_book_free(b);
			return;
		}
	}
	lend_book_free(b);
	if (++im->batch_rows >= BATCH) {
		if ((rc = batch_end(im, LEND_OK)) != LEND_OK)
			im->rc = rc;
		report_progress(im);
	}
}

/* ------------------------------------------------------------------ CSV */

static void csv_field_cb(void *s, size_t len, void *data)
{
	importer *im = data;
	if (im->nfields == MAX_FIELDS) {
		im->too_many = 1;
		return;
	}
	if (im->nfields == 0) {
		/* the record starts on the line of its first field's first byte */
		int64_t breaks = 0;
		for (size_t i = 0; i < len; i++) {
			const char *c = (const char *)s + i;
			breaks += *c == '\n' || (*c == '\r' && (i + 1 == len || c[1] != '\n'));
		}
		im->record_line = im->line - breaks;
	}
	char *f = malloc(len + 1);
	if (!f) {
		im->rc = LEND_ENOMEM;
		return;
	}
	if (len)
		memcpy(f, s, len);
	f[len] = '\0';
	im->flen[im->nfields] = len;
	im->field[im->nfields++] = f;
}

static void csv_clear(importer *im)
{
	for (int i = 0; i < im->nfields; i++)
		free(im->field[i]);
	im->nfields = 0;
	im->too_many = 0;
}

static int header_column(const char *name)
{
	for (int k = 0; k < NCOL; k++)
		if (strcasecmp(name, col_names[k]) == 0)
			return k;
	if (strcasecmp(name, "author") == 0)
		return C_AUTHORS;
	return -1;
}

/* The first record: a header if it names a known column. */
static int csv_header(importer *im)
{
	int known = 0, map[MAX_FIELDS];
	/* Fields past the header's are of no column (rows may be longer). */
	for (int i = 0; i < MAX_FIELDS; i++)
		map[i] = -1;
	for (int i = 0; i < im->nfields; i++) {
		char *f = im->field[i];
		if (i == 0 && strncmp(f, "\xEF\xBB\xBF", 3) == 0) /* a UTF-8 byte order mark */
			f += 3;
		char name[64];
		snprintf(name, sizeof name, "%s", f);
		one_line(name);
		map[i] = header_column(name);
		known += map[i] >= 0;
	}
	if (!known)
		return 0;
	memcpy(im->map, map, sizeof map);
	return 1;
}

static int csv_list(lend__strlist *l, const char *s)
{
	return split_into(l, s, ';');
}

static void csv_row_cb(int term, void *data)
{
	(void)term;
	importer *im = data;
	int64_t line = im->record_line;
	if (im->rc != LEND_OK || im->nfields == 0 ||
	    (im->nfields == 1 && strspn(im->field[0], " \t\r\n") == im->flen[0])) {
		csv_clear(im);
		return;
	}
	if (!im->header_done) {
		im->header_done = 1;
		if (csv_header(im)) {
			csv_clear(im);
			return;
		}
	}
	if (im->too_many) {
		REJECT(im, line, "more than %d fields", MAX_FIELDS);
		csv_clear(im);
		return;
	}
	for (int i = 0; i < im->nfields; i++)
		if (im->map[i] >= 0 && strlen(im->field[i]) != im->flen[i]) {
			REJECT(im, line, "a NUL byte in column %s", col_names[im->map[i]]);
			csv_clear(im);
			return;
		}
	if (im->counting) {
		take_row(im, NULL, line);
		csv_clear(im);
		return;
	}
	irow r;
	memset(&r, 0, sizeof r);
	int rc = LEND_OK;
	for (int i = 0; i < im->nfields; i++) {
		int c = im->map[i];
		if (c < 0)
			continue;
		if (c == C_AUTHORS)
			rc = csv_list(&r.authors, im->field[i]);
		else if (c == C_NARRATORS)
			rc = csv_list(&r.narrators, im->field[i]);
		else if (c == C_GENRES)
			rc = csv_list(&r.genres, im->field[i]);
		else if (c == C_AUTHOR_ALIASES) {
			/* ';' between authors, '|' between one author's aliases */
			char *s = im->field[i];
			for (char *p = s; rc == LEND_OK && p && r.naliases < 64;) {
				char *q = strchr(p, ';');
				if (q)
					*q = '\0';
				rc = split_into(&r.aliases[r.naliases++], p, '|');
				p = q ? q + 1 : NULL;
			}
		} else {
			r.text[c] = im->field[i];
			im->field[i] = NULL;
			if (c != C_TITLE && c != C_ANNOTATION)
				one_line(r.text[c]);
			else if (c == C_ANNOTATION)
				unix_lines(r.text[c]);
		}
	}
	if (rc != LEND_OK)
		im->rc = lend__nomem(im->e);
	else
		take_row(im, &r, line);
	irow_clear(&r);
	csv_clear(im);
}

static int feed_csv(importer *im, FILE *f)
{
	struct csv_parser p;
	if (csv_init(&p, CSV_APPEND_NULL) != 0)
		return lend__nomem(im->e);
	for (int i = 0; i < MAX_FIELDS; i++)
		im->map[i] = i < (int)(sizeof default_order / sizeof default_order[0]) ? default_order[i] : -1;
	im->line = 0;
	im->record_line = 1;
	im->header_done = 0;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = LEND_OK;
	while (im->rc == LEND_OK && (n = getline(&buf, &cap, f)) > 0) {
		im->line++;
		if (csv_parse(&p, buf, (size_t)n, csv_field_cb, csv_row_cb, im) != (size_t)n) {
			rc = lend__fail(im->e, LEND_EINVAL, "line %lld: not valid CSV: %s", (long long)im->line,
			                csv_strerror(csv_error(&p)));
			break;
		}
	}
	if (rc == LEND_OK && im->rc == LEND_OK) {
		if (ferror(f))
			rc = lend__fail(im->e, LEND_ERROR, "cannot read the file: %s", strerror(errno));
		else
			csv_fini(&p, csv_field_cb, csv_row_cb, im);
	}
	csv_clear(im);
	csv_free(&p);
	free(buf);
	return rc;
}

/* ------------------------------------------------------------ JSON Lines */

/* A JSON scalar as text ("" for null; numbers in decimal). */
static int json_text(json_t *v, int col, char **out)
{
	char buf[64];
	*out = NULL;
	if (json_is_null(v))
		return LEND_OK;
	if (json_is_string(v)) {
		if (strlen(json_string_value(v)) != json_string_length(v))
			return LEND_EINVAL;
		*out = lend__strdup(json_string_value(v));
	} else if (json_is_integer(v) && (col == C_AGE || col == C_PRICE || col == C_YEAR || col == C_SERIES_NO ||
	                                  col == C_PREVIEW || col == C_LENGTH || col == C_RELEASE || col == C_KIND ||
	                                  col == C_LENDABLE)) {
		long long x = (long long)json_integer_value(v);
		if (col == C_PRICE)
			snprintf(buf, sizeof buf, "%lld.00", x);
		else
			snprintf(buf, sizeof buf, "%lld", x);
		*out = lend__strdup(buf);
	} else if (json_is_real(v) && col == C_PRICE) {
		double x = json_real_value(v);
		if (!(x >= 0 && x < 1e15))
			return LEND_EINVAL;
		snprintf(buf, sizeof buf, "%.2f", x);
		*out = lend__strdup(buf);
	} else if (json_is_boolean(v) && col == C_LENDABLE) {
		*out = lend__strdup(json_is_true(v) ? "1" : "0");
	} else {
		return LEND_EINVAL;
	}
	return *out ? LEND_OK : LEND_ENOMEM;
}

/* A list: an array of strings, or one string with ';' between items. */
static int json_list(json_t *v, lend__strlist *l)
{
	if (json_is_string(v))
		return csv_list(l, json_string_value(v));
	if (!json_is_array(v))
		return json_is_null(v) ? LEND_OK : LEND_EINVAL;
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x)
	{
		if (!json_is_string(x))
			return LEND_EINVAL;
		TRY(split_into(l, json_string_value(x), '\0'));
	}
	return LEND_OK;
}

/* "authors": ["Name", {"name": "Name", "aliases": ["...", ...]}, ...] */
static int json_authors(json_t *v, irow *r)
{
	if (!json_is_array(v))
		return json_list(v, &r->authors);
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x)
	{
		if (json_is_string(x)) {
			TRY(split_into(&r->authors, json_string_value(x), '\0'));
		} else if (json_is_object(x) && json_is_string(json_object_get(x, "name"))) {
			size_t before = r->authors.n;
			TRY(split_into(&r->authors, json_string_value(json_object_get(x, "name")), '\0'));
			if (r->authors.n == before)
				continue;
			if (r->authors.n > 64)
				return LEND_EINVAL;
			r->naliases = r->authors.n;
			TRY(json_list(json_object_get(x, "aliases"), &r->aliases[r->authors.n - 1]));
		} else {
			return LEND_EINVAL;
		}
	}
	return LEND_OK;
}

static void jsonl_line(importer *im, char *line, size_t len)
{
	if (strspn(line, " \t\r\n") == len)
		return;
	json_error_t err;
	json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK, &err);
	if (!o || !json_is_object(o)) {
		REJECT(im, im->line, "not a JSON object: %s", o ? "another JSON value" : err.text);
		json_decref(o);
		return;
	}
	irow r;
	memset(&r, 0, sizeof r);
	const char *key;
	json_t *v;
	int rc = LEND_OK, bad = -1;
	json_object_foreach(o, key, v)
	{
		int c = header_column(key);
		if (c < 0 || rc != LEND_OK)
			continue;
		if (c == C_AUTHORS)
			rc = json_authors(v, &r);
		else if (c == C_NARRATORS)
			rc = json_list(v, &r.narrators);
		else if (c == C_GENRES)
			rc = json_list(v, &r.genres);
		else if (c == C_AUTHOR_ALIASES)
			rc = LEND_EINVAL; /* in JSON, aliases go with each author */
		else if ((rc = json_text(v, c, &r.text[c])) == LEND_OK && r.text[c]) {
			if (c != C_TITLE && c != C_ANNOTATION)
				one_line(r.text[c]);
			else if (c == C_ANNOTATION)
				unix_lines(r.text[c]);
		}
		if (rc == LEND_EINVAL && bad < 0)
			bad = c;
	}
	json_decref(o);
	if (im->counting) {
		im->total++;
	} else if (rc == LEND_ENOMEM) {
		im->rc = lend__nomem(im->e);
	} else if (rc != LEND_OK) {
		im->rep->rows++;
		bad_row(im, im->line, "\"%s\" has a value of the wrong type", col_names[bad]);
	} else {
		take_row(im, &r, im->line);
	}
	irow_clear(&r);
}

static int feed_jsonl(importer *im, FILE *f)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	im->line = 0;
	while (im->rc == LEND_OK && (n = getline(&buf, &cap, f)) > 0) {
		im->line++;
		jsonl_line(im, buf, (size_t)n);
	}
	int rc = LEND_OK;
	if (im->rc == LEND_OK && ferror(f))
		rc = lend__fail(im->e, LEND_ERROR, "cannot read the file: %s", strerror(errno));
	free(buf);
	return rc;
}

/* --------------------------------------------------------------- import */

static int format_of(const char *path, int format)
{
	if (format != LEND_IMPORT_AUTO)
		return format;
	const char *dot = strrchr(path, '.');
	if (dot && (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".ndjson") == 0 || strcasecmp(dot, ".json") == 0))
		return LEND_IMPORT_JSONL;
	return LEND_IMPORT_CSV;
}

LEND_EXTERN int lend_catalog_import(lend_engine *e, const lend_actor *a, const char *path, int format,
                                    lend_import_progress_fn progress, void *userdata, lend_import_report **out)
{
	LEND_ENTER(e);
	if (out)
		*out = NULL;
	if (!path || !*path)
		return lend__fail(e, LEND_EINVAL, "no file to import");
	if (format < LEND_IMPORT_AUTO || format > LEND_IMPORT_JSONL)
		return lend__fail(e, LEND_EINVAL, "unknown import format %d", format);
	TRY(lend__need_admin(e, a));
	format = format_of(path, format);
	FILE *f = fopen(path, "rb");
	if (!f)
		return lend__fail(e, LEND_ENOTFOUND, "cannot open %s: %s", path, strerror(errno));
	importer *im = calloc(1, sizeof *im);
	lend_import_report *rep = calloc(1, sizeof *rep);
	if (!im || !rep) {
		free(im);
		free(rep);
		fclose(f);
		return lend__nomem(e);
	}
	im->e = e;
	im->rep = rep;
	im->progress = progress;
	im->ud = userdata;
	int (*feed)(importer *, FILE *) = format == LEND_IMPORT_JSONL ? feed_jsonl : feed_csv;
	/* the first pass counts the rows for the progress */
	int rc = LEND_OK;
	if (progress) {
		im->counting = 1;
		rc = feed(im, f);
		im->counting = 0;
		rewind(f);
		if (rc == LEND_OK && im->rc != LEND_OK)
			rc = im->rc;
		im->rc = LEND_OK;
		if (rc != LEND_OK)
			goto done;
	}
	lend__clear(e);
	rc = feed(im, f);
	if (rc == LEND_OK)
		rc = im->rc;
	rc = batch_end(im, rc);
	if (rc == LEND_OK) {
		report_progress(im);
		rc = im->rc;
	}
done:
	fclose(f);
	free(im);
	if (out)
		*out = rep;
	else
		lend_import_report_free(rep);
	if (rc == LEND_OK)
		lend__clear(e);
	return rc;
}
