/* lib/search/index.c — keeping the search index in step with the catalog.
 *
 * A book's document is its folded fields, one per line, each line opened by
 * a letter that says which field it is:
 *   A  an author, a narrator or an alias of one (class 7)
 *   T  the title        (its first word class 6, the others class 5)
 *   O  the subtitle or the series (class 4)
 * A word's score is class * 1,000,000 + rank, where rank (0..999,999) is the
 * book's popularity; a book's score for a query is its best score among the
 * words the query's last word matches (doc/search.md).
 */
#include "search.h"

int64_t lend__search_rank(int64_t loans, int64_t ratings, double average)
{
	double pop = (double)(loans > 0 ? loans : 0) + (double)(ratings > 0 ? ratings : 0);
	/* Buckets about 4.4% apart, so that one more loan seldom moves a book. */
	int64_t bucket = 0;
	for (double x = 1.0443; x <= 1.0 + pop && bucket < 900; x *= 1.0442737824274138) /* 2^(1/16) */
		bucket++;
	int64_t avg = (int64_t)(average * 100.0 + 0.5);
	if (avg < 0)
		avg = 0;
	if (avg > 500)
		avg = 500;
	int64_t r = bucket * 1000 + avg;
	return r > LEND_SEARCH_RANK_MAX ? LEND_SEARCH_RANK_MAX : r;
}

/* Append one field's folded line "<tag> words\n" to keys (if it has words). */
static int add_line(char **keys, size_t *len, char tag, const char *text)
{
	if (!text || !*text)
		return LEND_OK;
	char *f = lend__fold(text, 0);
	if (!f)
		return LEND_ENOMEM;
	size_t n = strlen(f);
	if (n > 0) {
		char *k = realloc(*keys, *len + n + 4);
		if (!k) {
			free(f);
			return LEND_ENOMEM;
		}
		*keys = k;
		k[(*len)++] = tag;
		k[(*len)++] = ' ';
		memcpy(k + *len, f, n);
		*len += n;
		k[(*len)++] = '\n';
		k[*len] = '\0';
	}
	free(f);
	return LEND_OK;
}

/* One line per name of a '\n'-separated list. */
static int add_lines(char **keys, size_t *len, char tag, const char *names)
{
	while (names && *names) {
		const char *nl = strchr(names, '\n');
		size_t n = nl ? (size_t)(nl - names) : strlen(names);
		char *one = malloc(n + 1);
		if (!one)
			return LEND_ENOMEM;
		memcpy(one, names, n);
		one[n] = '\0';
		int rc = add_line(keys, len, tag, one);
		free(one);
		if (rc != LEND_OK)
			return rc;
		names = nl ? nl + 1 : NULL;
	}
	return LEND_OK;
}

static int by_word(const void *a, const void *b)
{
	const lend_sys_search_term *x = a, *y = b;
	int c = strcmp(x->word, y->word);
	if (c)
		return c;
	return x->score < y->score ? 1 : x->score > y->score ? -1 : 0; /* best first */
}

/* Split keys into its distinct words, each with its best score. */
static int make_terms(lend__search_doc *d, int64_t rank)
{
	size_t n = strlen(d->keys);
	d->words = malloc(n + 1);
	d->terms = malloc((n / 2 + 1) * sizeof *d->terms);
	if (!d->words || !d->terms)
		return LEND_ENOMEM;
	memcpy(d->words, d->keys, n + 1);
	size_t nt = 0;
	char *p = d->words;
	while (*p) {
		char tag = *p;
		p += 2;
		int first = 1;
		for (;;) {
			char *w = p;
			while (*p && *p != ' ' && *p != '\n')
				p++;
			char end = *p;
			*p = '\0';
			int cls = tag == 'T' ? (first ? LEND_SEARCH_CLASS_TITLE_FIRST : LEND_SEARCH_CLASS_TITLE)
			          : tag == 'A' ? LEND_SEARCH_CLASS_AUTHOR
			                       : LEND_SEARCH_CLASS_OTHER;
			d->terms[nt].word = w;
			d->terms[nt].score = LEND_SEARCH_SCORE(cls, rank);
			nt++;
			first = 0;
			if (end == '\0')
				break;
			p++;
			if (end == '\n')
				break;
		}
	}
	qsort(d->terms, nt, sizeof *d->terms, by_word);
	size_t o = 0;
	for (size_t i = 0; i < nt; i++)
		if (o == 0 || strcmp(d->terms[o - 1].word, d->terms[i].word) != 0)
			d->terms[o++] = d->terms[i];
	d->doc.terms = d->terms;
	d->doc.nterms = (int32_t)o;
	return LEND_OK;
}

int lend__search_doc_build(const lend_catalog_text *t, lend__search_doc *d)
{
	memset(d, 0, sizeof *d);
	size_t len = 0;
	d->keys = lend__strdup("");
	if (!d->keys)
		return LEND_ENOMEM;
	int64_t rank = lend__search_rank(t->loans, t->ratings,
	                                 t->ratings > 0 ? (double)t->rating_sum / (double)t->ratings : 0.0);
	int rc = add_line(&d->keys, &len, 'T', t->title);
	if (rc == LEND_OK)
		rc = add_lines(&d->keys, &len, 'A', t->authors);
	if (rc == LEND_OK)
		rc = add_lines(&d->keys, &len, 'A', t->narrators);
	if (rc == LEND_OK)
		rc = add_lines(&d->keys, &len, 'A', t->aliases);
	if (rc == LEND_OK)
		rc = add_line(&d->keys, &len, 'O', t->subtitle);
	if (rc == LEND_OK)
		rc = add_line(&d->keys, &len, 'O', t->series);
	if (rc == LEND_OK && t->language && *t->language && !(d->language = lend__strdup(t->language)))
		rc = LEND_ENOMEM;
	if (rc == LEND_OK)
		rc = make_terms(d, rank);
	if (rc != LEND_OK) {
		lend__search_doc_free(d);
		return rc;
	}
	d->doc.book_id = t->book_id;
	d->doc.kind = t->kind;
	d->doc.language = d->language;
	d->doc.age_rating = t->age_rating;
	d->doc.rank = rank;
	d->doc.keys = d->keys;
	return LEND_OK;
}

void lend__search_doc_free(lend__search_doc *d)
{
	free(d->keys);
	free(d->language);
	free(d->terms);
	free(d->words);
	memset(d, 0, sizeof *d);
}

/* A host's backend written before the search index lacks its methods. */
const char *lend__search_lacks(const lend_engine *e)
{
	LEND_LACKS(e, search_put);
	LEND_LACKS(e, search_delete);
	LEND_LACKS(e, search_match);
	return NULL;
}

int lend__search_book_changed(lend_engine *e, int64_t book_id)
{
	if (lend__search_lacks(e))
		return LEND_OK; /* no index: searches scan the books */
	lend_catalog_text t;
	int rc = lend__catalog_load_index_text(e, book_id, &t);
	if (rc == LEND_ENOTFOUND || (rc == LEND_OK && t.withdrawn)) {
		if (rc == LEND_OK)
			lend__catalog_text_free(&t);
		lend__clear(e);
		rc = ST(e, search_delete, book_id);
		if (rc == LEND_ENOTFOUND)
			rc = LEND_OK;
		TRY_ST(e, "search index", rc);
		return LEND_OK;
	}
	TRY(rc);
	lend__search_doc d;
	rc = lend__search_doc_build(&t, &d);
	lend__catalog_text_free(&t);
	if (rc != LEND_OK)
		return lend__nomem(e);
	rc = ST(e, search_put, &d.doc);
	lend__search_doc_free(&d);
	TRY_ST(e, "search index", rc);
	return LEND_OK;
}

/* The tick's cursor over the loans: a mark (kind, subject 0) whose value is
 * the id of the last loan whose book has been re-ranked. */
#define SEARCH_MARK_LOANS 1001

/* Marks keep the cursor; a backend without them re-ranks at every take. */
static int has_marks(const lend_engine *e)
{
	return e->st.mark_get && e->st.mark_put;
}

/* Re-index the book if its `fresh` newest loans, which its indexed rank may
 * not count yet, move its rank to another step. The indexed rank counted at
 * least the loans before them and at most all of them; the rank grows with
 * the loans, so when the two ends agree, so does the indexed rank. */
static int rerank(lend_engine *e, int64_t book_id, int64_t fresh)
{
	lend_sys_loan_filter lf = {0};
	lf.book_id = book_id;
	int64_t loans = 0, ratings = 0, sum = 0;
	TRY_ST(e, "loan count", ST(e, loan_count, &lf, &loans));
	if (!lend__catalog_lacks(e)) {
		lend_sys_rating_stats s;
		memset(&s, 0, sizeof s);
		TRY_ST(e, "rating stats", ST(e, rating_stats_get, book_id, &s));
		for (int i = 0; i < 5; i++) {
			ratings += s.count[i];
			sum += s.count[i] * (i + 1);
		}
	}
	double avg = ratings > 0 ? (double)sum / (double)ratings : 0.0;
	if (lend__search_rank(loans - fresh, ratings, avg) == lend__search_rank(loans, ratings, avg))
		return LEND_OK;
	return lend__search_book_changed(e, book_id);
}

int lend__search_book_loaned(lend_engine *e, int64_t book_id)
{
	if (lend__search_lacks(e) || has_marks(e))
		return LEND_OK; /* lend_engine_tick() re-ranks the books lent since the last one */
	return rerank(e, book_id, 1);
}

static int by_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

#define TICK_PAGE 1000

int lend__search_tick(lend_engine *e)
{
	if (lend__search_lacks(e) || !has_marks(e))
		return LEND_OK;
	lend_sys_mark m;
	int rc = ST(e, mark_get, SEARCH_MARK_LOANS, 0, &m);
	if (rc == LEND_ENOTFOUND) {
		lend__clear(e);
		m.value = 0;
		rc = LEND_OK;
	}
	TRY_ST(e, "search mark", rc);
	int64_t cursor = m.value;
	/* The books of the loans issued since, once per loan. */
	lend__rows books = LEND_ROWS(int64_t);
	for (;;) {
		lend__rows page = LEND_ROWS(lend_sys_loan);
		lend_sys_loan_filter lf = {0};
		lf.after_id = cursor;
		lf.order = LEND_SYS_LOAN_ORDER_ID;
		lf.limit = TICK_PAGE;
		rc = lend__rows_status(e, &page, ST(e, loan_list, &lf, lend__rows_loan_cb, &page), "loan list");
		size_t n = page.n;
		for (size_t i = 0; rc == LEND_OK && i < n; i++) {
			const lend_sys_loan *l = &LEND_ROW(page, lend_sys_loan, i);
			if (l->id > cursor)
				cursor = l->id;
			if (lend__rows_push(&books, &l->book_id) != 0)
				rc = lend__nomem(e);
		}
		lend__rows_free(&page);
		if (rc != LEND_OK || n < TICK_PAGE)
			break;
	}
	if (rc == LEND_OK && books.n > 1)
		qsort(books.data, books.n, sizeof(int64_t), by_id);
	for (size_t i = 0; rc == LEND_OK && i < books.n;) {
		int64_t id = LEND_ROW(books, int64_t, i);
		size_t j = i;
		while (j < books.n && LEND_ROW(books, int64_t, j) == id)
			j++;
		rc = rerank(e, id, (int64_t)(j - i));
		i = j;
	}
	lend__rows_free(&books);
	if (rc == LEND_OK && cursor != m.value) {
		m.kind = SEARCH_MARK_LOANS;
		m.subject_id = 0;
		m.value = cursor;
		TRY_ST(e, "search mark", ST(e, mark_put, &m));
	}
	return rc;
}
