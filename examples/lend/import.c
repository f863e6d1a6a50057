/* import.c — `lend book import`: a catalog CSV into the shared catalog.
 *
 * Columns: title, authors (';'-separated), kind, age, price, currency. A
 * header row names the columns (in any order); without one that order is
 * assumed. Parsed with libcsv, so quoted fields may hold commas and newlines. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "cli.h"

enum { COL_TITLE, COL_AUTHORS, COL_KIND, COL_AGE, COL_PRICE, COL_CURRENCY, NCOLS };
static const char *const col_names[NCOLS] = {"title", "authors", "kind", "age", "price", "currency"};

#define MAX_FIELDS 32

struct importer {
	struct cli *c;
	const char *path;
	struct import_result *res;
	char *field[MAX_FIELDS];
	int nfields;
	int map[NCOLS]; /* column index of each field we know, or -1 */
	int row;        /* 1-based record number in the file */
	int header_done;
	int fatal;      /* an exit code that stops the import */
	/* progress */
	int bar;
	long long size, done;
	int shown;
};

static void clear_fields(struct importer *im)
{
	for (int i = 0; i < im->nfields; i++)
		free(im->field[i]);
	im->nfields = 0;
}

static void on_field(void *s, size_t len, void *data)
{
	struct importer *im = data;
	if (im->nfields == MAX_FIELDS)
		return;
	char *f = malloc(len + 1);
	if (!f)
		abort();
	if (s && len)
		memcpy(f, s, len);
	f[len] = '\0';
	im->field[im->nfields++] = f;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* The engine keeps control characters out of names: a title and subtitle on
 * two lines (as in Project Gutenberg's catalog) become one line. */
static char *flatten(char *s)
{
	char *o = s;
	for (char *p = s; *p;) {
		if (*p == '\r' || *p == '\n' || *p == '\t') {
			while (o > s && o[-1] == ' ')
				o--;
			while (*p == '\r' || *p == '\n' || *p == '\t' || *p == ' ')
				p++;
			if (o > s && *p)
				*o++ = ' ';
			continue;
		}
		*o++ = *p++;
	}
	*o = '\0';
	return s;
}

static const char *col(struct importer *im, int which)
{
	int i = im->map[which];
	return i >= 0 && i < im->nfields ? flatten(trim(im->field[i])) : "";
}

static void row_error(struct importer *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void row_error(struct importer *im, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (im->bar)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "lend: %s: row %d: ", im->path, im->row);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	im->res->skipped++;
	im->shown = -1;
}

/* A price in major units: "399", "399.5", "399.00". */
static int parse_price(const char *s, int64_t *out)
{
	int64_t major = 0;
	int cents = 0, dec = 0, digits = 0;
	for (; isdigit((unsigned char)*s); s++, digits++) {
		if (major > INT64_MAX / 1000)
			return -1;
		major = major * 10 + (*s - '0');
	}
	if (*s == '.' || *s == ',')
		for (s++; isdigit((unsigned char)*s); s++) {
			if (++dec > 2)
				return -1;
			cents = cents * 10 + (*s - '0');
		}
	if (*s || !digits)
		return -1;
	if (dec == 1)
		cents *= 10;
	*out = major * 100 + cents;
	return 0;
}

static void add_row(struct importer *im)
{
	const char *title = col(im, COL_TITLE), *authors = col(im, COL_AUTHORS), *kind_s = col(im, COL_KIND);
	const char *age_s = col(im, COL_AGE), *price_s = col(im, COL_PRICE), *cur = col(im, COL_CURRENCY);
	if (!*title) {
		row_error(im, "no title");
		return;
	}
	int kind = LEND_KIND_EBOOK;
	if (*kind_s && strcmp(kind_s, "ebook") != 0) {
		if (strcmp(kind_s, "audiobook") == 0 || strcmp(kind_s, "audio") == 0) {
			kind = LEND_KIND_AUDIOBOOK;
		} else {
			row_error(im, "kind '%s': expected ebook or audiobook", kind_s);
			return;
		}
	}
	int age = 0;
	if (*age_s) {
		char *end = NULL;
		long v = strtol(age_s, &end, 10);
		if (end && *end == '+')
			end++;
		if (!end || *end || (v != 0 && v != 6 && v != 12 && v != 16 && v != 18)) {
			row_error(im, "age '%s': the ratings are 0, 6, 12, 16 and 18", age_s);
			return;
		}
		age = (int)v;
	}
	int64_t price = 0;
	if (*price_s && parse_price(price_s, &price) != 0) {
		row_error(im, "price '%s': expected an amount such as 399.00", price_s);
		return;
	}
	lend_book *b = NULL;
	int rc = lend_book_new(&b);
	if (rc == LEND_OK)
		rc = lend_book_set_title(b, title);
	if (rc != LEND_OK) {
		lend_book_free(b);
		row_error(im, "the title is not 1 to 1000 bytes of UTF-8");
		return;
	}
	char *list = strdup(authors);
	if (!list)
		abort();
	int n = 0;
	for (char *save = NULL, *a = strtok_r(list, ";", &save); a && rc == LEND_OK; a = strtok_r(NULL, ";", &save)) {
		a = trim(a);
		if (*a && (rc = lend_book_add_author(b, a)) == LEND_OK)
			n++;
	}
	free(list);
	if (rc == LEND_OK)
		rc = lend_book_set_kind(b, kind);
	if (rc == LEND_OK)
		rc = lend_book_set_age_rating(b, age);
	if (rc == LEND_OK)
		rc = lend_book_set_price(b, price, *cur ? cur : "RUB");
	if (rc != LEND_OK || n == 0) {
		lend_book_free(b);
		row_error(im, n == 0 && rc == LEND_OK ? "no author" : "an author or the currency '%s' is not valid", cur);
		return;
	}
	int64_t id = 0;
	rc = lend_book_add(im->c->e, im->c->a, b, &id);
	lend_book_free(b);
	if (rc != LEND_OK) {
		if (rc == LEND_EINVAL || rc == LEND_EEXISTS || rc == LEND_EDENIED) {
			row_error(im, "%s", lend_engine_errmsg(im->c->e));
			return;
		}
		if (im->bar)
			fputs("\r\033[K", stderr);
		fprintf(stderr, "lend: %s: row %d: ", im->path, im->row);
		im->fatal = cli_fail(im->c, rc);
		return;
	}
	struct import_result *res = im->res;
	if (res->nbooks % 64 == 0) {
		res->books = realloc(res->books, (res->nbooks + 64) * sizeof *res->books);
		if (!res->books)
			abort();
	}
	res->books[res->nbooks].id = id;
	res->books[res->nbooks].kind = kind;
	if (!(res->books[res->nbooks].title = strdup(title)))
		abort();
	res->nbooks++;
	res->added++;
}

static void on_row(int term, void *data)
{
	(void)term;
	struct importer *im = data;
	im->row++;
	if (im->fatal || im->nfields == 0 || (im->nfields == 1 && !*trim(im->field[0]))) {
		clear_fields(im);
		return;
	}
	if (!im->header_done) {
		im->header_done = 1;
		char *first = im->field[0];
		size_t len = strlen(first);
		if (len >= 3 && memcmp(first, "\xEF\xBB\xBF", 3) == 0) /* a UTF-8 byte order mark */
			memmove(first, first + 3, len - 2);
		if (strcasecmp(trim(first), "title") == 0) {
			for (int k = 0; k < NCOLS; k++)
				im->map[k] = -1;
			for (int i = 0; i < im->nfields; i++)
				for (int k = 0; k < NCOLS; k++)
					if (strcasecmp(trim(im->field[i]), col_names[k]) == 0)
						im->map[k] = i;
			if (im->map[COL_AUTHORS] < 0) {
				for (int i = 0; i < im->nfields; i++)
					if (strcasecmp(trim(im->field[i]), "author") == 0)
						im->map[COL_AUTHORS] = i;
			}
			clear_fields(im);
			return;
		}
	}
	im->res->rows++;
	add_row(im);
	clear_fields(im);
}

static void draw_bar(struct importer *im, int final)
{
	if (!im->bar)
		return;
	int pct = im->size > 0 ? (int)(im->done * 100 / im->size) : 100;
	if (final)
		pct = 100;
	if (pct == im->shown && !final)
		return;
	im->shown = pct;
	char bar[41];
	int fill = pct * 40 / 100;
	for (int i = 0; i < 40; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[40] = '\0';
	fprintf(stderr, "\rimporting [%s] %3d%%  %d books", bar, pct, im->res->added);
	if (final)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

int import_csv(struct cli *c, const char *path, int progress, struct import_result *res)
{
	memset(res, 0, sizeof *res);
	FILE *f = fopen(path, "rb");
	if (!f)
		return cli_error(EXIT_OTHER, "cannot open %s: %s", path, strerror(errno));
	struct importer im;
	memset(&im, 0, sizeof im);
	im.c = c;
	im.path = path;
	im.res = res;
	im.shown = -1;
	for (int k = 0; k < NCOLS; k++)
		im.map[k] = k;
	struct stat st;
	if (fstat(fileno(f), &st) == 0)
		im.size = (long long)st.st_size;
	im.bar = progress && isatty(STDERR_FILENO);

	struct csv_parser p;
	if (csv_init(&p, CSV_APPEND_NULL) != 0) {
		fclose(f);
		return cli_error(EXIT_OTHER, "out of memory");
	}
	char buf[65536];
	size_t n;
	int rc = EXIT_OK;
	while (rc == EXIT_OK && !im.fatal && (n = fread(buf, 1, sizeof buf, f)) > 0) {
		/* Small slices, so that the bar moves with the rows. */
		for (size_t off = 0; off < n && rc == EXIT_OK && !im.fatal; off += 512) {
			size_t len = n - off < 512 ? n - off : 512;
			if (csv_parse(&p, buf + off, len, on_field, on_row, &im) != len) {
				rc = cli_error(EXIT_OTHER, "%s: not valid CSV near row %d: %s", path, im.row + 1,
				               csv_strerror(csv_error(&p)));
				break;
			}
			im.done += (long long)len;
			draw_bar(&im, 0);
		}
	}
	if (rc == EXIT_OK && ferror(f))
		rc = cli_error(EXIT_OTHER, "cannot read %s: %s", path, strerror(errno));
	if (rc == EXIT_OK && !im.fatal)
		csv_fini(&p, on_field, on_row, &im);
	draw_bar(&im, 1);
	clear_fields(&im);
	csv_free(&p);
	fclose(f);
	if (im.fatal)
		return im.fatal;
	return rc;
}

void import_result_free(struct import_result *res)
{
	for (size_t i = 0; i < res->nbooks; i++)
		free(res->books[i].title);
	free(res->books);
	memset(res, 0, sizeof *res);
}
