/* bench/search_data.c — reading the real catalogs (see search_data.h).
 *
 * Sources (each folder's README.md tells where they come from):
 *  gutenberg/gutenberg_metadata.csv  one row per (book, author): grouped by
 *      gutenberg_id into one book with its authors in order; a title with an
 *      embedded line break is "title\r\nsubtitle";
 *  gutenberg/gutenberg_authors.csv   the "/"-separated aliases (and alias);
 *  goodbooks-10k/books.csv           title, authors (", "-separated),
 *      ratings_count as popularity;
 *  ru/ruslit_works.csv               Russian classics (title; the author in
 *      Latin, as the folder names him);
 *  ru/litres_search_bulgakov.csv     LitRes's results for «Булгаков»: authors
 *      ";"-separated, «аудиокнига» rows are audiobooks.
 *
 * Recombination (sd_grow), to reach the service's size from real material:
 * book k beyond the real ones takes the first half of the words of a real
 * title A, the second half of the words of a real title B, the authors of a
 * real book C and A's language, with A, B, C drawn by a fixed xorshift
 * generator; so words, their frequencies and the authors stay real.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "search_data.h"

uint64_t sd_rand(uint64_t *s)
{
	uint64_t x = *s ? *s : 88172645463325252ull;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

const char *sd_dir(void)
{
	static const char *cands[] = {
#ifdef LEND_DATA_DIRS
		LEND_DATA_DIRS
#endif
		"../shared/data", "../../shared/data", "../../../shared/data", NULL};
	const char *env = getenv("LEND_DATA_DIR");
	struct stat sb;
	if (env && *env)
		return env;
	for (int i = 0; cands[i]; i++) {
		char p[1024];
		snprintf(p, sizeof p, "%s/gutenberg/gutenberg_metadata.csv", cands[i]);
		if (stat(p, &sb) == 0)
			return cands[i];
	}
	return NULL;
}

/* ------------------------------------------------------------------ CSV */

typedef int (*row_cb)(void *ctx, char **f, int n);

/* RFC 4180: quoted fields may hold commas, quotes ("") and line breaks.
 * The fields of a row are kept one after the other in one buffer. */
static int csv(const char *path, row_cb cb, void *ctx)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return -1;
	size_t cap = 1 << 16, len = 0, offs[64];
	char *row = malloc(cap), *fields[64];
	int nf = 0, quoted = 0, header = 1, rc = 0;
	offs[0] = 0;
	while (row) {
		int c = fgetc(fp);
		if (quoted && c == '"') {
			int d = fgetc(fp);
			if (d != '"') {
				quoted = 0;
				if (d != EOF)
					ungetc(d, fp);
				continue;
			}
		} else if (!quoted && c == '"') {
			quoted = 1;
			continue;
		} else if (!quoted && c == '\r') {
			continue;
		} else if ((!quoted && (c == ',' || c == '\n')) || c == EOF) {
			if (len + 1 > cap && !(row = realloc(row, cap *= 2)))
				break;
			row[len++] = '\0';
			if (nf < 63)
				nf++;
			if (c == ',') {
				offs[nf] = len;
				continue;
			}
			for (int i = 0; i < nf; i++)
				fields[i] = row + offs[i];
			if (!(nf == 1 && fields[0][0] == '\0')) {
				if (header)
					header = 0;
				else if ((rc = cb(ctx, fields, nf)) != 0)
					break;
			}
			nf = 0;
			len = 0;
			if (c == EOF)
				break;
			continue;
		}
		if (len + 2 > cap && !(row = realloc(row, cap *= 2)))
			break;
		row[len++] = (char)c;
	}
	fclose(fp);
	if (!row)
		return -1;
	free(row);
	return rc;
}

/* ------------------------------------------------------------- catalog */

static char *dup(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

static sd_book *push(sd_catalog *c)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		sd_book *b = realloc(c->b, cap * sizeof *b);
		if (!b)
			return NULL;
		c->b = b;
		c->cap = cap;
	}
	sd_book *b = &c->b[c->n++];
	memset(b, 0, sizeof *b);
	b->kind = LEND_KIND_EBOOK;
	return b;
}

/* Append a name to a '\n'-separated list. */
static void append(char **list, const char *name)
{
	if (!name || !*name)
		return;
	size_t a = *list ? strlen(*list) : 0, n = strlen(name);
	char *s = realloc(*list, a + n + 2);
	if (!s)
		return;
	if (a)
		s[a++] = '\n';
	memcpy(s + a, name, n + 1);
	*list = s;
}

typedef struct gut {
	sd_catalog *c;
	long last_id;
	int *author_ids; /* gutenberg_author_id per book, for aliases */
} gut;

static int gut_row(void *ctx, char **f, int n)
{
	gut *g = ctx;
	if (n < 5)
		return 0;
	long id = atol(f[0]);
	if (id == g->last_id && g->c->n > 0) {
		append(&g->c->b[g->c->n - 1].authors, f[2]);
		return 0;
	}
	g->last_id = id;
	if (!*f[1])
		return 0;
	sd_book *b = push(g->c);
	if (!b)
		return 1;
	char *t = strdup(f[1]);
	char *nl = strpbrk(t, "\r\n");
	if (nl) {
		*nl = '\0';
		char *sub = nl + 1;
		while (*sub == '\r' || *sub == '\n')
			sub++;
		for (char *p = sub; *p; p++)
			if (*p == '\r' || *p == '\n')
				*p = ' ';
		b->subtitle = dup(sub);
	}
	b->title = t;
	append(&b->authors, f[2]);
	b->language = dup(f[4]);
	b->source = SD_GUTENBERG;
	return 0;
}

static int alias_row(void *ctx, char **f, int n)
{
	sd_catalog *c = ctx;
	if (n < 7 || (!*f[2] && !*f[6]))
		return 0;
	if (c->na == c->acap) {
		size_t cap = c->acap ? c->acap * 2 : 1024;
		sd_author *a = realloc(c->a, cap * sizeof *a);
		if (!a)
			return 1;
		c->a = a;
		c->acap = cap;
	}
	sd_author *a = &c->a[c->na++];
	a->name = strdup(f[1]);
	a->aliases = NULL;
	append(&a->aliases, f[2]);
	for (char *p = strtok(f[6], "/"); p; p = strtok(NULL, "/"))
		append(&a->aliases, p);
	return 0;
}

static int good_row(void *ctx, char **f, int n)
{
	sd_catalog *c = ctx;
	if (n < 14 || !*f[10])
		return 0;
	sd_book *b = push(c);
	if (!b)
		return 1;
	b->title = strdup(f[10]);
	for (char *p = strtok(f[7], ","); p; p = strtok(NULL, ",")) {
		while (*p == ' ')
			p++;
		append(&b->authors, p);
	}
	b->language = dup(strncmp(f[11], "en", 2) == 0 ? "en" : f[11]);
	b->ratings = atoll(f[13]);
	b->source = SD_GOODBOOKS;
	return 0;
}

static int ruslit_row(void *ctx, char **f, int n)
{
	sd_catalog *c = ctx;
	if (n < 3 || !*f[2])
		return 0;
	sd_book *b = push(c);
	if (!b)
		return 1;
	b->title = strdup(f[2]);
	append(&b->authors, f[0]);
	b->language = strdup("ru");
	b->source = SD_RUSLIT;
	return 0;
}

static int litres_row(void *ctx, char **f, int n)
{
	sd_catalog *c = ctx;
	if (n < 3 || !*f[1])
		return 0;
	sd_book *b = push(c);
	if (!b)
		return 1;
	b->title = strdup(f[1]);
	for (char *p = strtok(f[0], ";"); p; p = strtok(NULL, ";")) {
		while (*p == ' ')
			p++;
		append(&b->authors, p);
	}
	b->language = strdup("ru");
	b->kind = strstr(f[2], "аудио") ? LEND_KIND_AUDIOBOOK : LEND_KIND_EBOOK;
	b->source = SD_LITRES;
	return 0;
}

int sd_load(sd_catalog *c, const char *dir)
{
	char p[1024];
	memset(c, 0, sizeof *c);
	gut g = {c, -1, NULL};
	snprintf(p, sizeof p, "%s/gutenberg/gutenberg_metadata.csv", dir);
	if (csv(p, gut_row, &g) != 0)
		return -1;
	snprintf(p, sizeof p, "%s/gutenberg/gutenberg_authors.csv", dir);
	if (csv(p, alias_row, c) != 0)
		return -1;
	snprintf(p, sizeof p, "%s/goodbooks-10k/books.csv", dir);
	if (csv(p, good_row, c) != 0)
		return -1;
	snprintf(p, sizeof p, "%s/ru/ruslit_works.csv", dir);
	if (csv(p, ruslit_row, c) != 0)
		return -1;
	snprintf(p, sizeof p, "%s/ru/litres_search_bulgakov.csv", dir);
	if (csv(p, litres_row, c) != 0)
		return -1;
	return 0;
}

/* The words of s from word `from` (0-based) to word `to` (exclusive). */
static void words(const char *s, int from, int to, char *out, size_t cap)
{
	int w = 0;
	size_t o = 0;
	const char *p = s;
	while (*p && w < to) {
		while (*p == ' ')
			p++;
		const char *q = p;
		while (*q && *q != ' ')
			q++;
		if (w >= from && q > p && o + (size_t)(q - p) + 2 < cap) {
			if (o)
				out[o++] = ' ';
			memcpy(out + o, p, (size_t)(q - p));
			o += (size_t)(q - p);
		}
		w++;
		p = q;
	}
	out[o] = '\0';
}

static int nwords(const char *s)
{
	int n = 0, in = 0;
	for (; *s; s++) {
		if (*s != ' ' && !in)
			n++;
		in = *s != ' ';
	}
	return n;
}

int sd_grow(sd_catalog *c, size_t n)
{
	size_t real = c->n;
	uint64_t r = 12345;
	while (c->n < n && real > 0) {
		const sd_book *a = &c->b[sd_rand(&r) % real];
		const sd_book *b = &c->b[sd_rand(&r) % real];
		const sd_book *au = &c->b[sd_rand(&r) % real];
		char t1[512], t2[512], t[1024];
		int na = nwords(a->title), nb = nwords(b->title);
		words(a->title, 0, (na + 1) / 2, t1, sizeof t1);
		words(b->title, nb / 2, nb, t2, sizeof t2);
		snprintf(t, sizeof t, "%s%s%s", t1, *t2 ? " " : "", t2);
		if (!*t)
			continue;
		char *lang = dup(a->language), *authors = dup(au->authors);
		sd_book *x = push(c);
		if (!x)
			return -1;
		x->title = strdup(t);
		x->authors = authors;
		x->language = lang;
		x->source = SD_MIXED;
	}
	return 0;
}

void sd_truncate(sd_catalog *c, size_t n)
{
	for (size_t i = n; i < c->n; i++) {
		free(c->b[i].title);
		free(c->b[i].subtitle);
		free(c->b[i].authors);
		free(c->b[i].language);
	}
	if (n < c->n)
		c->n = n;
}

void sd_free(sd_catalog *c)
{
	sd_truncate(c, 0);
	for (size_t i = 0; i < c->na; i++) {
		free(c->a[i].name);
		free(c->a[i].aliases);
	}
	free(c->b);
	free(c->a);
	memset(c, 0, sizeof *c);
}

/* Cut a string to at most max bytes on a UTF-8 boundary (in place). */
static void cut(char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	s[max] = '\0';
}

int sd_add(lend_engine *e, const lend_actor *admin, const sd_book *src, int64_t *id_out)
{
	lend_book *b = NULL;
	int rc = lend_book_new(&b);
	char buf[1001];
	if (rc != LEND_OK)
		return rc;
	snprintf(buf, sizeof buf, "%s", src->title);
	cut(buf, 1000);
	rc = lend_book_set_title(b, buf);
	if (rc == LEND_OK && src->subtitle) {
		snprintf(buf, sizeof buf, "%s", src->subtitle);
		cut(buf, 1000);
		if (lend_book_set_subtitle(b, buf) != LEND_OK)
			(void)0; /* a subtitle the catalog refuses is left out */
	}
	if (rc == LEND_OK && src->language && lend_book_set_language(b, src->language) != LEND_OK)
		(void)0; /* codes such as "en-US" are left out */
	int na = 0;
	for (const char *p = src->authors; rc == LEND_OK && p && *p && na < 64;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char name[301];
		snprintf(name, sizeof name, "%.*s", (int)(n < 300 ? n : 300), p);
		cut(name, 300);
		if (*name && lend_book_add_author(b, name) == LEND_OK)
			na++;
		p = nl ? nl + 1 : p + n;
	}
	if (rc == LEND_OK)
		rc = lend_book_set_kind(b, src->kind);
	if (rc == LEND_OK)
		rc = lend_book_add(e, admin, b, id_out);
	lend_book_free(b);
	return rc;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sd_add_aliases(lend_engine *e, const lend_actor *admin, const sd_catalog *c)
{
	/* Only the authors of the books there are: a sorted list of names. */
	size_t n = 0, cap = 1024;
	char **names = malloc(cap * sizeof *names);
	for (size_t i = 0; names && i < c->n; i++) {
		for (const char *p = c->b[i].authors; p && *p;) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			if (n == cap) {
				char **g = realloc(names, (cap *= 2) * sizeof *names);
				if (!g)
					break;
				names = g;
			}
			names[n] = malloc(len + 1);
			if (names[n]) {
				memcpy(names[n], p, len);
				names[n++][len] = '\0';
			}
			p = nl ? nl + 1 : p + len;
		}
	}
	if (!names)
		return -1;
	qsort(names, n, sizeof *names, by_str);
	for (size_t i = 0; i < c->na; i++) {
		const char *key = c->a[i].name;
		if (!bsearch(&key, names, n, sizeof *names, by_str))
			continue;
		lend_author *au = NULL;
		if (lend_author_find(e, admin, c->a[i].name, &au) != LEND_OK)
			continue;
		int64_t id = lend_author_id(au);
		lend_author_free(au);
		int k = 0;
		for (const char *p = c->a[i].aliases; p && *p && k < 64;) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			char al[301];
			snprintf(al, sizeof al, "%.*s", (int)(len < 300 ? len : 300), p);
			cut(al, 300);
			if (*al && lend_author_add_alias(e, admin, id, al) == LEND_OK)
				k++;
			p = nl ? nl + 1 : p + len;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return 0;
}
