/* names.c — titles and names for tables, looked up once each. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct entry {
	char type; /* 'b' book, 'l' library, 'r' reader */
	int64_t id;
	char *text;
};

struct names {
	lend_engine *e;
	const lend_actor *a;
	struct entry *v;
	size_t n, cap;
};

struct names *names_new(lend_engine *e, const lend_actor *a)
{
	struct names *n = calloc(1, sizeof *n);
	if (!n)
		abort();
	n->e = e;
	n->a = a;
	return n;
}

void names_free(struct names *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i].text);
	free(n->v);
	free(n);
}

static const char *remember(struct names *n, char type, int64_t id, const char *text)
{
	if (n->n == n->cap) {
		n->cap = n->cap ? n->cap * 2 : 32;
		n->v = realloc(n->v, n->cap * sizeof *n->v);
		if (!n->v)
			abort();
	}
	char *copy = strdup(text);
	if (!copy)
		abort();
	n->v[n->n].type = type;
	n->v[n->n].id = id;
	n->v[n->n].text = copy;
	return n->v[n->n++].text;
}

static const char *cached(struct names *n, char type, int64_t id)
{
	for (size_t i = 0; i < n->n; i++)
		if (n->v[i].type == type && n->v[i].id == id)
			return n->v[i].text;
	return NULL;
}

const char *names_book(struct names *n, int64_t id)
{
	const char *s = cached(n, 'b', id);
	if (s)
		return s;
	lend_book *b = NULL;
	char buf[1200];
	if (lend_book_get(n->e, n->a, id, &b) == LEND_OK)
		snprintf(buf, sizeof buf, "%s%s", lend_book_title(b),
		         lend_book_kind(b) == LEND_KIND_AUDIOBOOK ? " (audiobook)" : "");
	else
		snprintf(buf, sizeof buf, "#%lld", (long long)id);
	lend_book_free(b);
	return remember(n, 'b', id, buf);
}

const char *names_library(struct names *n, int64_t id)
{
	const char *s = cached(n, 'l', id);
	if (s)
		return s;
	lend_library *l = NULL;
	char buf[300];
	if (lend_library_get(n->e, n->a, id, &l) == LEND_OK)
		snprintf(buf, sizeof buf, "%s", lend_library_name(l));
	else
		snprintf(buf, sizeof buf, "#%lld", (long long)id);
	lend_library_free(l);
	return remember(n, 'l', id, buf);
}

const char *names_reader(struct names *n, int64_t id)
{
	const char *s = cached(n, 'r', id);
	if (s)
		return s;
	lend_reader *r = NULL;
	char buf[300];
	if (lend_reader_get(n->e, n->a, id, &r) == LEND_OK)
		snprintf(buf, sizeof buf, "%s", lend_reader_name(r));
	else
		snprintf(buf, sizeof buf, "#%lld", (long long)id);
	lend_reader_free(r);
	return remember(n, 'r', id, buf);
}
