/* catalog/book.c — a book handle's catalog metadata: setters, getters, ISBN
 * validation, and the conversion to and from storage rows. */
#include "catalog.h"

#define SUBTITLE_MAX 1000
#define SERIES_MAX 500
#define LANGUAGE_MAX 16
#define NARRATOR_MAX 300
#define NARRATORS_MAX 64
#define PUBLISHER_MAX 300
#define GENRE_MAX 200
#define GENRES_MAX 32
#define ANNOTATION_MAX 20000
#define EXTERNAL_ID_MAX 200

static const char *str(const char *s)
{
	return s ? s : "";
}

/* ------------------------------------------------------------ strlists */

static void strlist_free(lend__strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	free(l->joined);
	memset(l, 0, sizeof *l);
}

static int strlist_rejoin(lend__strlist *l)
{
	size_t len = 1;
	for (size_t i = 0; i < l->n; i++)
		len += strlen(l->items[i]) + 1;
	char *j = malloc(len), *p = j;
	if (!j)
		return LEND_ENOMEM;
	*p = '\0';
	for (size_t i = 0; i < l->n; i++) {
		size_t n = strlen(l->items[i]);
		if (i)
			*p++ = '\n';
		memcpy(p, l->items[i], n + 1);
		p += n;
	}
	free(l->joined);
	l->joined = j;
	return LEND_OK;
}

static int strlist_add_n(lend__strlist *l, const char *s, size_t len)
{
	char **a = realloc(l->items, (l->n + 1) * sizeof *a);
	if (!a)
		return LEND_ENOMEM;
	l->items = a;
	if (!(a[l->n] = malloc(len + 1)))
		return LEND_ENOMEM;
	memcpy(a[l->n], s, len);
	a[l->n][len] = '\0';
	l->n++;
	int rc = strlist_rejoin(l);
	if (rc != LEND_OK)
		free(a[--l->n]);
	return rc;
}

int lend__strlist_split(lend__strlist *l, const char *joined)
{
	for (const char *p = str(joined); *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len && strlist_add_n(l, p, len) != LEND_OK)
			return LEND_ENOMEM;
		p += len + (nl ? 1 : 0);
	}
	if (!l->joined)
		return strlist_rejoin(l);
	return LEND_OK;
}

static int strlist_add(lend__strlist *l, const char *s, size_t max_items, size_t max_len)
{
	if (l->n >= max_items || lend__text_ok(s, max_len, 1) != LEND_OK)
		return LEND_EINVAL;
	return strlist_add_n(l, s, strlen(s));
}

/* ----------------------------------------------------------- meta rows */

void lend__book_meta_free(lend__book_meta *m)
{
	free(m->subtitle);
	free(m->series);
	free(m->language);
	free(m->publisher);
	free(m->isbn);
	free(m->annotation);
	free(m->external_id);
	strlist_free(&m->narrators);
	strlist_free(&m->genres);
	memset(m, 0, sizeof *m);
}

static int dup_opt(char **slot, const char *s)
{
	*slot = NULL;
	if (!s || !*s)
		return LEND_OK;
	return (*slot = lend__strdup(s)) ? LEND_OK : LEND_ENOMEM;
}

int lend__book_meta_from_row(lend__book_meta *m, const lend_sys_book *row)
{
	memset(m, 0, sizeof *m);
	m->series_no = row->series_no;
	m->year = row->year;
	m->preview = row->preview;
	m->length = row->length;
	m->withdrawn_at = row->withdrawn_at;
	m->updated_at = row->updated_at;
	if (dup_opt(&m->subtitle, row->subtitle) || dup_opt(&m->series, row->series) ||
	    dup_opt(&m->language, row->language) || dup_opt(&m->publisher, row->publisher) ||
	    dup_opt(&m->isbn, row->isbn) || dup_opt(&m->annotation, row->annotation) ||
	    dup_opt(&m->external_id, row->external_id) || lend__strlist_split(&m->narrators, row->narrators) ||
	    lend__strlist_split(&m->genres, row->genres)) {
		lend__book_meta_free(m);
		return LEND_ENOMEM;
	}
	return LEND_OK;
}

void lend__book_meta_to_row(const lend__book_meta *m, lend_sys_book *row)
{
	row->subtitle = m->subtitle;
	row->series = m->series;
	row->series_no = m->series_no;
	row->language = m->language;
	row->narrators = m->narrators.joined;
	row->publisher = m->publisher;
	row->year = m->year;
	row->isbn = m->isbn;
	row->genres = m->genres.joined;
	row->annotation = m->annotation;
	row->preview = m->preview;
	row->length = m->length;
	row->external_id = m->external_id;
	row->withdrawn_at = m->withdrawn_at;
	row->updated_at = m->updated_at;
}

/* --------------------------------------------------------------- ISBN */

LEND_EXTERN int lend_isbn_normalize(const char *isbn, char out13[14])
{
	char d[14];
	int n = 0;
	if (!isbn)
		return 0;
	for (const char *p = isbn; *p; p++) {
		if (*p == '-' || *p == ' ')
			continue;
		if (n >= 13)
			return 0;
		if ((*p >= '0' && *p <= '9') || ((*p == 'X' || *p == 'x') && n == 9))
			d[n++] = (char)(*p == 'x' ? 'X' : *p);
		else
			return 0;
	}
	if (n == 10) {
		int sum = 0;
		for (int i = 0; i < 10; i++)
			sum += (10 - i) * (d[i] == 'X' ? 10 : d[i] - '0');
		if (sum % 11 != 0)
			return 0;
		memmove(d + 3, d, 9);
		memcpy(d, "978", 3);
	} else if (n == 13) {
		if (d[9] == 'X' || (memcmp(d, "978", 3) != 0 && memcmp(d, "979", 3) != 0))
			return 0;
	} else {
		return 0;
	}
	int sum = 0;
	for (int i = 0; i < 12; i++)
		sum += (d[i] - '0') * (i % 2 ? 3 : 1);
	char check = (char)('0' + (10 - sum % 10) % 10);
	if (n == 13 && d[12] != check)
		return 0;
	d[12] = check;
	d[13] = '\0';
	if (out13)
		memcpy(out13, d, 14);
	return 1;
}

/* ------------------------------------------------------------ setters */

#define META(b) lend__book_meta_of(b)

static int set_opt(char **slot, const char *s, size_t max)
{
	if (s && *s && lend__text_ok(s, max, 0) != LEND_OK)
		return LEND_EINVAL;
	char *d = NULL;
	if (s && *s && !(d = lend__strdup(s)))
		return LEND_ENOMEM;
	free(*slot);
	*slot = d;
	return LEND_OK;
}

LEND_EXTERN int lend_book_set_subtitle(lend_book *b, const char *subtitle)
{
	return b ? set_opt(&META(b)->subtitle, subtitle, SUBTITLE_MAX) : LEND_EINVAL;
}

LEND_EXTERN int lend_book_set_series(lend_book *b, const char *series, int number)
{
	if (!b || number < 0)
		return LEND_EINVAL;
	int rc = set_opt(&META(b)->series, series, SERIES_MAX);
	if (rc == LEND_OK)
		META(b)->series_no = number;
	return rc;
}

int lend__language_ok(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (n < 2 || n > LANGUAGE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((code[i] >= 'a' && code[i] <= 'z') || code[i] == '-' || code[i] == '/'))
			return 0;
	return 1;
}

LEND_EXTERN int lend_book_set_language(lend_book *b, const char *code)
{
	if (!b || (code && *code && !lend__language_ok(code)))
		return LEND_EINVAL;
	return set_opt(&META(b)->language, code, LANGUAGE_MAX);
}

LEND_EXTERN int lend_book_add_narrator(lend_book *b, const char *name)
{
	return b ? strlist_add(&META(b)->narrators, name, NARRATORS_MAX, NARRATOR_MAX) : LEND_EINVAL;
}

LEND_EXTERN int lend_book_set_publisher(lend_book *b, const char *publisher)
{
	return b ? set_opt(&META(b)->publisher, publisher, PUBLISHER_MAX) : LEND_EINVAL;
}

LEND_EXTERN int lend_book_set_year(lend_book *b, int year)
{
	if (!b || year < 0 || year > 9999)
		return LEND_EINVAL;
	META(b)->year = year;
	return LEND_OK;
}

LEND_EXTERN int lend_book_set_isbn(lend_book *b, const char *isbn)
{
	char d[14];
	if (!b)
		return LEND_EINVAL;
	if (isbn && *isbn && !lend_isbn_normalize(isbn, d))
		return LEND_EINVAL;
	return set_opt(&META(b)->isbn, isbn && *isbn ? d : NULL, 13);
}

LEND_EXTERN int lend_book_add_genre(lend_book *b, const char *genre)
{
	return b ? strlist_add(&META(b)->genres, genre, GENRES_MAX, GENRE_MAX) : LEND_EINVAL;
}

int lend__multiline_ok(const char *s, size_t max)
{
	if (!s)
		return LEND_OK;
	size_t n = strlen(s);
	if (n > max)
		return LEND_EINVAL;
	char *c = lend__strdup(s);
	if (!c)
		return LEND_ENOMEM;
	for (char *p = c; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	int rc = lend__text_ok(c, max, 0);
	free(c);
	return rc;
}

LEND_EXTERN int lend_book_set_annotation(lend_book *b, const char *text)
{
	if (!b)
		return LEND_EINVAL;
	TRY(lend__multiline_ok(text, ANNOTATION_MAX));
	char *d = NULL;
	if (text && *text && !(d = lend__strdup(text)))
		return LEND_ENOMEM;
	free(META(b)->annotation);
	META(b)->annotation = d;
	return LEND_OK;
}

LEND_EXTERN int lend_book_set_preview(lend_book *b, int amount)
{
	if (!b || amount < 0)
		return LEND_EINVAL;
	META(b)->preview = amount;
	return LEND_OK;
}

LEND_EXTERN int lend_book_set_length(lend_book *b, int64_t amount)
{
	if (!b || amount < 0)
		return LEND_EINVAL;
	META(b)->length = amount;
	return LEND_OK;
}

LEND_EXTERN int lend_book_set_external_id(lend_book *b, const char *id)
{
	return b ? set_opt(&META(b)->external_id, id, EXTERNAL_ID_MAX) : LEND_EINVAL;
}

/* ------------------------------------------------------------ getters */

#define CMETA(b) lend__book_meta_of((lend_book *)(b))

LEND_EXTERN const char *lend_book_subtitle(const lend_book *b) { return b ? str(CMETA(b)->subtitle) : ""; }
LEND_EXTERN const char *lend_book_series(const lend_book *b) { return b ? str(CMETA(b)->series) : ""; }
LEND_EXTERN int lend_book_series_number(const lend_book *b) { return b ? CMETA(b)->series_no : 0; }
LEND_EXTERN const char *lend_book_language(const lend_book *b) { return b ? str(CMETA(b)->language) : ""; }
LEND_EXTERN size_t lend_book_narrator_count(const lend_book *b) { return b ? CMETA(b)->narrators.n : 0; }
LEND_EXTERN const char *lend_book_narrator(const lend_book *b, size_t i)
{
	return b && i < CMETA(b)->narrators.n ? CMETA(b)->narrators.items[i] : NULL;
}
LEND_EXTERN const char *lend_book_publisher(const lend_book *b) { return b ? str(CMETA(b)->publisher) : ""; }
LEND_EXTERN int lend_book_year(const lend_book *b) { return b ? CMETA(b)->year : 0; }
LEND_EXTERN const char *lend_book_isbn(const lend_book *b) { return b ? str(CMETA(b)->isbn) : ""; }
LEND_EXTERN size_t lend_book_genre_count(const lend_book *b) { return b ? CMETA(b)->genres.n : 0; }
LEND_EXTERN const char *lend_book_genre(const lend_book *b, size_t i)
{
	return b && i < CMETA(b)->genres.n ? CMETA(b)->genres.items[i] : NULL;
}
LEND_EXTERN const char *lend_book_annotation(const lend_book *b) { return b ? str(CMETA(b)->annotation) : ""; }
LEND_EXTERN int lend_book_preview(const lend_book *b) { return b ? CMETA(b)->preview : 0; }
LEND_EXTERN int64_t lend_book_length(const lend_book *b) { return b ? CMETA(b)->length : 0; }
LEND_EXTERN const char *lend_book_external_id(const lend_book *b) { return b ? str(CMETA(b)->external_id) : ""; }
LEND_EXTERN int64_t lend_book_withdrawn_at(const lend_book *b) { return b ? CMETA(b)->withdrawn_at : 0; }
LEND_EXTERN int64_t lend_book_updated_at(const lend_book *b) { return b ? CMETA(b)->updated_at : 0; }
