/* bench/search.c — the search benchmark of liblend.
 *
 * Prints figures, never a verdict (bench/README.md says what each means):
 *  1. import: the catalog, made of the real catalogs of the shared data
 *     folder plus documented recombinations of real titles and authors
 *     (bench/search_data.c) up to 368,000 titles, added through the public
 *     API (one lend_book_add per title, the search index kept in step), then
 *     the authors' aliases;
 *  2. the index: rows of the suggestion table, bytes of each search table;
 *  3. suggestions: lend_suggest() for every keystroke of real titles and
 *     author names typed letter by letter: p50 / p99 / max, without and with
 *     a reader's verdicts for a library;
 *  4. full search: lend_search() of the first words of real titles;
 *  5. the raw FTS5 floor in the same run: a bare FTS5 prefix query (top 10,
 *     unranked) on the same rows with no folding, ranking or verdicts, for the
 *     same keystrokes; and for scale the same ranked by bm25 on a sample;
 *  6. update cost: re-indexing a book on lend_book_update().
 *
 * Usage: bench-search [--quick] [--titles N] [--typed N] [--db PATH [--reuse]] [--keys FILE]
 * --typed: how many titles and surnames are typed (600; --quick 60).
 * --keys writes every keystroke's time (us) and text to FILE, one per line.
 * --db keeps the database; --reuse measures on one a previous run with the
 * same --titles left there (built by the same import), skipping the import.
 * The data folder is $LEND_DATA_DIR or ../shared/data beside the sources;
 * without it the benchmark says so and exits 0.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lend.h>
#include <sqlite3.h>

#include "search_data.h"

static int64_t g_now = 1780000000;

static int64_t driven_clock(void *ud)
{
	(void)ud;
	return g_now;
}

/* The heap in use, in MiB (glibc), and what of it SQLite took. */
static double heap_mib(void)
{
	struct mallinfo2 m = mallinfo2();
	return (double)(m.uordblks + m.hblkhd) / 1048576.0;
}

static double sqlite_mib(void)
{
	sqlite3_int64 now = 0, high = 0;
	sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &now, &high, 0);
	return (double)now / 1048576.0;
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, lend_engine *e, int rc)
{
	fprintf(stderr, "bench-search: %s: %s (%s)\n", what, lend_strerror(rc), e ? lend_engine_errmsg(e) : "");
	exit(1);
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

typedef struct lat {
	double *v;
	size_t n, cap;
} lat;

static void lat_add(lat *l, double secs)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		if (!l->v)
			die("memory", NULL, LEND_ENOMEM);
	}
	l->v[l->n++] = secs;
}

static double pct(lat *l, double p)
{
	if (!l->n)
		return 0;
	qsort(l->v, l->n, sizeof *l->v, by_double);
	size_t i = (size_t)(p * (double)(l->n - 1) + 0.5);
	return l->v[i];
}

static void lat_print(const char *name, lat *l)
{
	size_t over = 0;
	for (size_t i = 0; i < l->n; i++)
		over += l->v[i] > 1e-3;
	printf("  %-44s n=%-6zu p50 %8.1f us   p90 %8.1f us   p99 %8.1f us   max %8.1f us   over 1 ms %.1f%%\n", name,
	       l->n, pct(l, 0.5) * 1e6, pct(l, 0.9) * 1e6, pct(l, 0.99) * 1e6, pct(l, 1.0) * 1e6,
	       100.0 * (double)over / (double)(l->n ? l->n : 1));
}

/* Each query runs REPEAT times in a row and its fastest run counts: on a
 * shared machine that keeps the scheduler's pauses out of the tail, for the
 * engine and the floor alike (bench/README.md). */
#define REPEAT 3

/* The slowest suggestions, to say where the tail comes from. */
#define SLOW_N 100 /* the top 1% of ~9,000 keystrokes */
static struct {
	char text[64];
	double secs;
} slow[SLOW_N];

static void slow_note(const char *text, double secs)
{
	int i = SLOW_N - 1;
	if (secs <= slow[i].secs)
		return;
	while (i > 0 && slow[i - 1].secs < secs) {
		slow[i] = slow[i - 1];
		i--;
	}
	snprintf(slow[i].text, sizeof slow[i].text, "%s", text);
	slow[i].secs = secs;
}

/* ------------------------------------------------------------ prefixes */

/* What a reader types for book b: its title's first words (up to 24
 * bytes, on a character boundary), or the surname of its first author. */
static void typed(const sd_book *b, int author, char *out, size_t cap)
{
	const char *s = b->title;
	char tmp[256];
	if (author && b->authors) {
		snprintf(tmp, sizeof tmp, "%s", b->authors);
		tmp[strcspn(tmp, ",\n")] = '\0';
		s = tmp;
	}
	size_t n = strlen(s), max = cap - 1 < 24 ? cap - 1 : 24;
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

/* The keystrokes of a typed string: every prefix ending on a character. */
static size_t keystrokes(const char *s, char out[][64], size_t max)
{
	size_t k = 0, n = strlen(s);
	for (size_t i = 1; i <= n && k < max; i++) {
		if (i < n && ((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (s[i - 1] == ' ')
			continue; /* the space alone changes nothing yet */
		snprintf(out[k], 64, "%.*s", (int)i, s);
		k++;
	}
	return k;
}

/* The FTS5 query of a raw prefix: each word quoted, the last with '*'. */
static void raw_query(const char *s, char *out, size_t cap)
{
	size_t o = 0;
	const char *p = s;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		const char *q = p;
		while (*q && *q != ' ')
			q++;
		if (o + 2 * (size_t)(q - p) + 6 >= cap)
			break;
		if (o)
			out[o++] = ' ';
		out[o++] = '"';
		for (const char *c = p; c < q; c++) {
			if (*c == '"')
				out[o++] = '"';
			out[o++] = *c;
		}
		out[o++] = '"';
		p = q;
	}
	if (o)
		out[o++] = '*';
	out[o] = '\0';
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv)
{
	int quick = 0, reuse = 0;
	const char *keep_db = NULL, *keys_out = NULL;
	size_t typed_arg = 0;
	size_t titles = 368000;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			quick = 1;
		else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			keep_db = argv[++i];
		else if (strcmp(argv[i], "--typed") == 0 && i + 1 < argc)
			typed_arg = (size_t)atol(argv[++i]);
		else if (strcmp(argv[i], "--keys") == 0 && i + 1 < argc)
			keys_out = argv[++i];
		else if (strcmp(argv[i], "--reuse") == 0)
			reuse = 1;
		else if (strcmp(argv[i], "--titles") == 0 && i + 1 < argc)
			titles = (size_t)atol(argv[++i]);
	}
	if (quick)
		titles = 5000;
	size_t typed_n = quick ? 60 : 600, full_n = quick ? 100 : 1000, bm25_n = quick ? 50 : 300;
	if (typed_arg)
		typed_n = typed_arg;
	const char *dir = sd_dir();
	if (!dir) {
		printf("bench-search: no data folder (set LEND_DATA_DIR): nothing measured\n");
		return 0;
	}
	sd_catalog c;
	if (sd_load(&c, dir) != 0) {
		fprintf(stderr, "bench-search: cannot read the catalogs in %s\n", dir);
		return 1;
	}
	size_t real = c.n;
	/* Quick: a sample of the real books, the Russian ones included. */
	if (quick && c.n > titles) {
		uint64_t r = 7;
		for (size_t i = 0; i < titles; i++) {
			size_t j = i + (size_t)(sd_rand(&r) % (c.n - i));
			if (i < 300)
				j = c.n - 1 - i; /* the Russian sets come last */
			sd_book t = c.b[i];
			c.b[i] = c.b[j];
			c.b[j] = t;
		}
		sd_truncate(&c, titles);
		real = titles;
	}
	if (sd_grow(&c, titles) != 0)
		die("memory", NULL, LEND_ENOMEM);

	char path[256];
	struct stat sb;
	snprintf(path, sizeof path, "%s/lend-bench-search-%d.db", stat("/dev/shm", &sb) == 0 ? "/dev/shm" : "/tmp",
	         (int)getpid());
	if (keep_db)
		snprintf(path, sizeof path, "%s", keep_db);
	reuse = reuse && keep_db && stat(path, &sb) == 0;
	if (!reuse)
		unlink(path);
	if (reuse) {
		/* The books the earlier run got to (it may have been stopped). */
		sqlite3 *d0;
		sqlite3_stmt *st;
		if (sqlite3_open(path, &d0) == SQLITE_OK &&
		    sqlite3_prepare_v2(d0, "SELECT COUNT(*) FROM books", -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				sd_truncate(&c, (size_t)sqlite3_column_int64(st, 0));
			sqlite3_finalize(st);
		}
		sqlite3_close(d0);
		if (real > c.n)
			real = c.n;
	}
	lend_options *o;
	lend_options_new(&o);
	lend_options_set_clock(o, driven_clock, NULL);
	lend_engine *e;
	int rc = lend_engine_open(&e, path, o);
	lend_options_free(o);
	if (rc != LEND_OK)
		die("open", e, rc);
	lend_actor *admin;
	lend_actor_admin(e, &admin);

	printf("bench-search: %zu titles (%zu real, %zu recombined), data %s\n", c.n, real, c.n - real, dir);
	/* 1. import: the real books, their authors' aliases, then the
	 * recombined books (whose authors then have their aliases already) */
	int64_t *ids = calloc(c.n, sizeof *ids);
	if (reuse) {
		for (size_t i = 0; i < c.n; i++)
			ids[i] = (int64_t)i + 1; /* a fresh database numbers them in this order */
		printf("import: reused %s (built by an earlier run of this import): %zu titles\n", path, c.n);
		goto imported;
	}
	double t0 = mono();
	for (size_t i = 0; i < real; i++)
		if ((rc = sd_add(e, admin, &c.b[i], &ids[i])) != LEND_OK)
			die("book add", e, rc);
	double t1 = mono();
	sd_add_aliases(e, admin, &c);
	double t2 = mono();
	for (size_t i = real; i < c.n; i++)
		if ((rc = sd_add(e, admin, &c.b[i], &ids[i])) != LEND_OK)
			die("book add", e, rc);
	double t3 = mono();
	printf("import: %zu titles in %.1f s (%.0f titles/s; one lend_book_add each, its own transaction, the index kept"
	       " in step): %zu real %.1f s, aliases %.1f s, %zu recombined %.1f s\n",
	       c.n, t3 - t0, (double)c.n / (t3 - t0), real, t1 - t0, t2 - t1, c.n - real, t3 - t2);

imported:;
	/* A library, a reader with a ticket there, and copies of some books. */
	int64_t lib = 0, reader = 0;
	{
		lend_library *l;
		lend_library_new(&l);
		lend_library_set_name(l, "Bench library");
		if ((rc = lend_library_add(e, admin, l, &lib)) != LEND_OK)
			die("library", e, rc);
		lend_library_free(l);
		lend_budget_add(e, admin, lib, 1000000000, "bench");
		lend_reader *r;
		lend_reader_new(&r);
		lend_reader_set_name(r, "Bench reader");
		lend_reader_set_birth_date(r, 1990, 1, 1);
		if ((rc = lend_reader_add(e, admin, r, &reader)) != LEND_OK)
			die("reader", e, rc);
		lend_reader_free(r);
		lend_ticket *tk;
		if ((rc = lend_ticket_issue(e, admin, lib, reader, NULL, &tk)) != LEND_OK)
			die("ticket", e, rc);
		lend_ticket_free(tk);
		for (size_t i = 0; i < c.n && i < 20000; i += 7)
			lend_fund_add_copies(e, admin, lib, ids[i], 1);
	}

	/* 2. the index */
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die("sqlite open", NULL, LEND_ESTORAGE);
	sqlite3_busy_timeout(db, 10000);
	{
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM search_prefix", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			printf("index: %lld suggestion rows (%.1f per title)\n", (long long)sqlite3_column_int64(st, 0),
			       (double)sqlite3_column_int64(st, 0) / (double)c.n);
		sqlite3_finalize(st);
		if (sqlite3_prepare_v2(db,
		                       "SELECT CASE WHEN name LIKE 'search_fts%' THEN 'search_fts (FTS5)' ELSE name END n,"
		                       " SUM(pgsize) FROM dbstat WHERE name LIKE 'search%' OR name = 'books' GROUP BY n"
		                       " ORDER BY n",
		                       -1, &st, NULL) == SQLITE_OK) {
			while (sqlite3_step(st) == SQLITE_ROW)
				printf("  %-24s %8.1f MB\n", (const char *)sqlite3_column_text(st, 0),
				       (double)sqlite3_column_int64(st, 1) / 1048576.0);
		} else {
			printf("  (no dbstat in this SQLite: table sizes not measured)\n");
		}
		sqlite3_finalize(st);
	}

	/* The keystrokes: real titles and author surnames typed letter by letter. */
	size_t kcap = typed_n * 24, kn = 0;
	char(*keys)[64] = malloc(kcap * sizeof *keys);
	uint64_t rs = 99;
	size_t khalf = 0; /* the first keystroke of the second half of the titles */
	for (size_t i = 0; i < typed_n; i++) {
		if (i == typed_n / 2)
			khalf = kn;
		const sd_book *b = &c.b[sd_rand(&rs) % real];
		char s[64];
		typed(b, i % 3 == 2, s, sizeof s);
		kn += keystrokes(s, keys + kn, kcap - kn);
	}

	/* 3. suggestions */
	lend_search_query *q;
	lend_search_query_new(&q);
	lat sug = {0}, sugv = {0}, full = {0}, raw = {0}, bm = {0};
	lat sug1 = {0}, full1 = {0}; /* the first of the runs: what the connection had not kept yet */
	lat once = {0};              /* each keystroke once, on a connection warmed by other titles */
	size_t hits = 0;
	FILE *kf = keys_out ? fopen(keys_out, "w") : NULL;
	if (keys_out && !kf)
		fprintf(stderr, "bench-search: cannot write %s: no keystroke times written\n", keys_out);
	for (size_t i = 0; i < kn; i++) {
		lend_search_query_set_text(q, keys[i]);
		double best = 1e9;
		for (int k = 0; k < REPEAT; k++) {
			lend_search_results *r;
			double a = mono();
			if ((rc = lend_suggest(e, admin, q, &r)) != LEND_OK)
				die("suggest", e, rc);
			double d = mono() - a;
			best = d < best ? d : best;
			if (k == 0) {
				hits += lend_search_results_count(r) > 0;
				lat_add(&sug1, d);
			}
			lend_search_results_free(r);
		}
		lat_add(&sug, best);
		slow_note(keys[i], best);
		if (kf)
			fprintf(kf, "%.0f\t%s\n", best * 1e6, keys[i]);
	}
	if (kf)
		fclose(kf);
	/* As a server meets a reader's typing: a new connection serves the
	 * keystrokes of the first half of the titles, then those of the other
	 * half are timed, each once. */
	lend_engine *e2;
	lend_actor *a2;
	double copy_secs, copy_mib, cache_mib;
	{
		lend_options *o2;
		lend_options_new(&o2);
		lend_options_set_clock(o2, driven_clock, NULL);
		rc = lend_engine_open(&e2, path, o2);
		lend_options_free(o2);
		if (rc != LEND_OK)
			die("open", e2, rc);
		lend_actor_admin(e2, &a2);
		/* Its first query of several words copies every document. */
		lend_search_results *r0;
		lend_search_query_set_text(q, "the a");
		double h0 = heap_mib(), s0 = sqlite_mib(), c0 = mono();
		if ((rc = lend_suggest(e2, a2, q, &r0)) != LEND_OK)
			die("suggest", e2, rc);
		copy_secs = mono() - c0;
		cache_mib = sqlite_mib() - s0;
		copy_mib = heap_mib() - h0 - cache_mib;
		lend_search_results_free(r0);
		for (size_t i = 0; i < kn; i++) {
			lend_search_results *r;
			lend_search_query_set_text(q, keys[i]);
			double a = mono();
			if ((rc = lend_suggest(e2, a2, q, &r)) != LEND_OK)
				die("suggest", e2, rc);
			if (i >= khalf)
				lat_add(&once, mono() - a);
			lend_search_results_free(r);
		}
	}
	lend_actor *ra;
	lend_actor_reader(e, reader, &ra);
	lend_search_query_set_library(q, lib);
	for (size_t i = 0; i < kn; i++) {
		lend_search_query_set_text(q, keys[i]);
		double best = 1e9;
		for (int k = 0; k < REPEAT; k++) {
			lend_search_results *r;
			double a = mono();
			if ((rc = lend_suggest(e, ra, q, &r)) != LEND_OK)
				die("suggest", e, rc);
			double d = mono() - a;
			best = d < best ? d : best;
			lend_search_results_free(r);
		}
		lat_add(&sugv, best);
	}
	lend_search_query_set_library(q, 0);

	/* 4. full search: the first two words of real titles */
	for (size_t i = 0; i < full_n; i++) {
		const sd_book *b = &c.b[sd_rand(&rs) % real];
		char s[128];
		snprintf(s, sizeof s, "%s", b->title);
		char *sp = strchr(s, ' ');
		if (sp && (sp = strchr(sp + 1, ' ')))
			*sp = '\0';
		for (size_t k = strlen(s); k > 0 && ((unsigned char)s[k - 1] & 0xc0) == 0x80; k--)
			s[k - 1] = '\0'; /* a cut character */
		if (lend_search_query_set_text(q, s) != LEND_OK)
			continue;
		double best = 1e9;
		for (int k = 0; k < REPEAT; k++) {
			lend_search_results *r;
			double a = mono();
			if ((rc = lend_search(e, admin, q, &r)) != LEND_OK)
				die("search", e, rc);
			double d = mono() - a;
			best = d < best ? d : best;
			if (k == 0)
				lat_add(&full1, d);
			lend_search_results_free(r);
		}
		lat_add(&full, best);
	}

	/* 5. the raw FTS5 floor on the same rows */
	double f0 = mono();
	sqlite3_exec(db, "PRAGMA synchronous=OFF; DROP TABLE IF EXISTS raw_fts; BEGIN;"
	             " CREATE VIRTUAL TABLE raw_fts USING fts5(title, authors)",
	             NULL, NULL, NULL);
	{
		sqlite3_stmt *st;
		sqlite3_prepare_v2(db, "INSERT INTO raw_fts (rowid, title, authors) VALUES (?1, ?2, ?3)", -1, &st, NULL);
		for (size_t i = 0; i < c.n; i++) {
			sqlite3_bind_int64(st, 1, ids[i]);
			sqlite3_bind_text(st, 2, c.b[i].title, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, c.b[i].authors ? c.b[i].authors : "", -1, SQLITE_STATIC);
			sqlite3_step(st);
			sqlite3_reset(st);
		}
		sqlite3_finalize(st);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	double f1 = mono();
	{
		sqlite3_stmt *st, *sb25;
		sqlite3_prepare_v2(db, "SELECT rowid FROM raw_fts WHERE raw_fts MATCH ?1 LIMIT 10", -1, &st, NULL);
		sqlite3_prepare_v2(db, "SELECT rowid FROM raw_fts WHERE raw_fts MATCH ?1 ORDER BY rank LIMIT 10", -1,
		                   &sb25, NULL);
		for (size_t i = 0; i < kn; i++) {
			char m[256];
			raw_query(keys[i], m, sizeof m);
			if (!*m)
				continue;
			for (int pass = 0; pass < 2; pass++) {
				if (pass == 1 && i % (kn / bm25_n + 1) != 0)
					break;
				sqlite3_stmt *x = pass ? sb25 : st;
				sqlite3_bind_text(x, 1, m, -1, SQLITE_STATIC);
				double best = 1e9;
				for (int k = 0; k < REPEAT; k++) {
					double a = mono();
					while (sqlite3_step(x) == SQLITE_ROW)
						;
					double d = mono() - a;
					best = d < best ? d : best;
					sqlite3_reset(x);
				}
				lat_add(pass ? &bm : &raw, best);
			}
		}
		sqlite3_finalize(st);
		sqlite3_finalize(sb25);
	}

	/* 6. update cost: a title changed, the book re-indexed; then another
	 * connection's next query of several words, which reads the book again
	 * into its copy. */
	lat upd = {0}, after = {0};
	for (size_t i = 0; i < (quick ? 50u : 500u); i++) {
		size_t k = (size_t)(sd_rand(&rs) % c.n);
		lend_book *b;
		if (lend_book_get(e, admin, ids[k], &b) != LEND_OK)
			continue;
		char t[1100];
		snprintf(t, sizeof t, "%s", lend_book_title(b));
		size_t tl = strlen(t);
		if (tl > 990)
			continue;
		strcat(t, " II");
		lend_book_set_title(b, t);
		double a = mono();
		if ((rc = lend_book_update(e, admin, b)) != LEND_OK)
			die("book update", e, rc);
		lat_add(&upd, mono() - a);
		lend_book_free(b);
		lend_search_results *r;
		lend_search_query_set_text(q, "the a");
		a = mono();
		if ((rc = lend_suggest(e2, a2, q, &r)) != LEND_OK)
			die("suggest", e2, rc);
		lat_add(&after, mono() - a);
		lend_search_results_free(r);
	}
	lend_actor_free(a2);
	lend_engine_close(e2);

	printf("suggestions (%zu keystrokes of %zu typed titles and surnames; %.0f%% had hits; best of %d runs each):\n",
	       kn, typed_n,
	       100.0 * (double)hits / (double)(kn ? kn : 1), REPEAT);
	lat_print("lend_suggest, top 10", &sug);
	lat_print("lend_suggest, top 10, first run only", &sug1);
	lat_print("lend_suggest, top 10, once, warmed by other titles", &once);
	printf("  a connection's first query of several words: %.0f ms (it copies every document: %.1f MiB of heap,"
	       " beside %.1f MiB of SQLite's page cache filled)\n",
	       copy_secs * 1e3, copy_mib, cache_mib);
	printf("  the slowest keystrokes (the top 1%%):\n");
	for (int i = 0; i < SLOW_N && slow[i].secs > 0; i++)
		printf("    %8.0f us  \"%s\"\n", slow[i].secs * 1e6, slow[i].text);
	lat_print("lend_suggest, top 10 with a reader's verdicts", &sugv);
	lat_print("raw FTS5 prefix floor, top 10 unranked", &raw);
	lat_print("raw FTS5 prefix, top 10 by bm25 (sample)", &bm);
	printf("  ratio lend_suggest / raw floor: p50 %.2f, p99 %.2f\n", pct(&sug, 0.5) / pct(&raw, 0.5),
	       pct(&sug, 0.99) / pct(&raw, 0.99));
	printf("full search (%zu queries, first two words of real titles):\n", full.n);
	lat_print("lend_search, top 20", &full);
	lat_print("lend_search, top 20, first run only", &full1);
	printf("raw FTS5 table built in %.1f s\n", f1 - f0);
	printf("update: lend_book_update with re-indexing:\n");
	lat_print("lend_book_update", &upd);
	lat_print("\"the a\" on another connection after each update", &after);

	lend_search_query_free(q);
	lend_actor_free(ra);
	lend_actor_free(admin);
	sqlite3_close(db);
	lend_engine_close(e);
	free(keys);
	free(ids);
	free(sug.v);
	free(sug1.v);
	free(once.v);
	free(full1.v);
	free(sugv.v);
	free(full.v);
	free(raw.v);
	free(bm.v);
	free(upd.v);
	free(after.v);
	sd_free(&c);
	if (keep_db)
		return 0;
	unlink(path);
	char side[300];
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	return 0;
}
