/* lib/search/fuzzy.c — typo tolerance: the words one edit away from a
 * query word (doc/search.md, "Typos"). Pure: no storage. */
#include "search.h"

/* The letters an indexed word can hold: the skeleton merges j and y into i
 * and w into v (fold.c), so no indexed word has them. */
static const char alphabet[] = "abcdefghiklmnopqrstuvxz";

static int qualifies(const char *w, size_t n)
{
	if (n < LEND_FUZZY_MIN_CHARS || n > LEND_FUZZY_MAX_BYTES)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= '0' && w[i] <= '9')))
			return 0; /* the skeleton's Latin only: other scripts are not edited */
	return 1;
}

/* A doubled letter is one in the skeleton: no indexed word has one. */
static int skeleton_ok(const char *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (v[i] == v[i - 1] && v[i] >= 'a' && v[i] <= 'z')
			return 0;
	return n > 0;
}

typedef struct out {
	char *buf;
	size_t len, cap, n;
	const char *word;
	size_t wn;
} out;

static int add(out *o, const char *v, size_t n)
{
	if (!skeleton_ok(v, n) || (n == o->wn && memcmp(v, o->word, n) == 0))
		return 0;
	if (o->len + n + 1 > o->cap) {
		size_t cap = (o->cap ? o->cap * 2 : 1024) + n + 1;
		char *b = realloc(o->buf, cap);
		if (!b)
			return -1;
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, v, n);
	o->buf[o->len + n] = '\0';
	o->len += n + 1;
	o->n++;
	return 0;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int lend__fuzzy_variants(const char *word, char ***out_v, size_t *out_n)
{
	*out_v = NULL;
	*out_n = 0;
	size_t n = strlen(word);
	if (!qualifies(word, n))
		return LEND_OK;
	out o = {NULL, 0, 0, 0, word, n};
	char v[LEND_FUZZY_MAX_BYTES + 2];
	int bad = 0;
	for (size_t i = 0; i < n && !bad; i++) { /* deletion */
		memcpy(v, word, i);
		memcpy(v + i, word + i + 1, n - i - 1);
		bad = add(&o, v, n - 1);
	}
	for (size_t i = 0; i + 1 < n && !bad; i++) { /* transposition */
		memcpy(v, word, n);
		v[i] = word[i + 1];
		v[i + 1] = word[i];
		bad = add(&o, v, n);
	}
	for (size_t i = 0; i < n && !bad; i++) /* substitution */
		for (const char *c = alphabet; *c && !bad; c++) {
			memcpy(v, word, n);
			v[i] = *c;
			bad = add(&o, v, n);
		}
	for (size_t i = 0; i <= n && !bad; i++) /* insertion */
		for (const char *c = alphabet; *c && !bad; c++) {
			memcpy(v, word, i);
			v[i] = *c;
			memcpy(v + i + 1, word + i, n - i);
			bad = add(&o, v, n + 1);
		}
	if (!bad && o.n == 0) {
		free(o.buf);
		return LEND_OK;
	}
	char **list = bad ? NULL : malloc((o.n + 1) * sizeof *list);
	if (!list) {
		free(o.buf);
		return LEND_ENOMEM;
	}
	/* The list owns the buffer through its first entry (kept first). */
	size_t k = 0;
	for (size_t off = 0; off < o.len; off += strlen(o.buf + off) + 1)
		list[k++] = o.buf + off;
	if (k > 1)
		qsort(list + 1, k - 1, sizeof *list, by_str);
	/* Each variant once (the first entry stays where the buffer starts). */
	size_t u = k ? 1 : 0;
	for (size_t i = 1; i < k; i++)
		if (strcmp(list[i], list[0]) != 0 && strcmp(list[i], list[u - 1]) != 0)
			list[u++] = list[i];
	*out_v = list;
	*out_n = u;
	return LEND_OK;
}

void lend__fuzzy_free(char **v)
{
	if (v) {
		free(v[0]);
		free(v);
	}
}
