/* bench/import.c — how fast the catalog import is, on the real Project
 * Gutenberg catalog (shared/data/gutenberg, see its README).
 *
 * Prints figures, never a verdict:
 *  1. the Gutenberg catalog turned into liblend's CSV (one row per book:
 *     its authors in order with their aliases, language, bookshelves as
 *     genres), then lend_catalog_import() of that file into a fresh
 *     database file: rows per second;
 *  2. the same file imported again (every row unchanged): rows per second;
 *  3. beside them the raw-SQLite floor: the same rows (every column, the
 *     authors and aliases as text) inserted by one prepared statement into a
 *     plain table of a fresh database file, 1000 rows per transaction, with
 *     the CSV parsed the same way. The ratio engine/floor.
 *
 * The engine does more per row than the floor: it validates each value,
 * looks the external id up, links each author to an author entity (one
 * lookup each, an insert for a new one), indexes the genres and tells
 * search. The floor is what any importer must at least pay.
 *
 * Usage: bench-import [--quick] [--books N] [DATA_DIR]
 *        (--quick: the first 2000 books; --books N: the first N)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>
#include <lend.h>
#include <sqlite3.h>

#ifndef LEND_DATA_DIRS
#define LEND_DATA_DIRS "../shared/data",
#endif

static double clock_s(clockid_t which)
{
	struct timespec ts;
	clock_gettime(which, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* The CPU time of the process: on a loaded machine the wall clock says
 * more about the neighbours than about the code. */
static double cpu_s(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static void die(const char *what)
{
	fprintf(stderr, "bench-import: %s\n", what);
	exit(1);
}

/* ------------------------------------------------------ reading the data */

#define MAXF 16
typedef struct rec {
	char *f[MAXF];
	int n;
} rec;

typedef struct reader {
	rec cur;
	void (*row)(rec *r, void *ud);
	void *ud;
	int header;
} reader;

static void on_field(void *s, size_t len, void *data)
{
	reader *rd = data;
	if (rd->cur.n == MAXF)
		return;
	char *f = malloc(len + 1);
	if (!f)
		die("out of memory");
	memcpy(f, s ? s : "", len);
	f[len] = '\0';
	rd->cur.f[rd->cur.n++] = f;
}

static void on_row(int c, void *data)
{
	(void)c;
	reader *rd = data;
	if (rd->header)
		rd->row(&rd->cur, rd->ud);
	rd->header = 1;
	for (int i = 0; i < rd->cur.n; i++)
		free(rd->cur.f[i]);
	rd->cur.n = 0;
}

static void read_csv(const char *path, void (*row)(rec *, void *), void *ud)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "bench-import: cannot open %s\n", path);
		exit(1);
	}
	struct csv_parser p;
	if (csv_init(&p, CSV_APPEND_NULL) != 0)
		die("csv_init");
	reader rd = {{{0}, 0}, row, ud, 0};
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		if (csv_parse(&p, buf, n, on_field, on_row, &rd) != n)
			die("bad CSV in the data");
	csv_fini(&p, on_field, on_row, &rd);
	csv_free(&p);
	fclose(f);
}

/* Gutenberg's authors: id -> aliases ("/"-separated). */
typedef struct author {
	long id;
	char *aliases;
} author;
static author *authors;
static size_t nauthors, capauthors;

static void author_row(rec *r, void *ud)
{
	(void)ud;
	if (r->n < 7)
		return;
	if (nauthors == capauthors) {
		capauthors = capauthors ? capauthors * 2 : 4096;
		if (!(authors = realloc(authors, capauthors * sizeof *authors)))
			die("out of memory");
	}
	authors[nauthors].id = atol(r->f[0]);
	authors[nauthors++].aliases = strdup(r->f[6]);
}

static int by_id(const void *a, const void *b)
{
	long x = ((const author *)a)->id, y = ((const author *)b)->id;
	return (x > y) - (x < y);
}

static const char *aliases_of(long id)
{
	author key = {id, NULL};
	author *a = bsearch(&key, authors, nauthors, sizeof *authors, by_id);
	return a ? a->aliases : "";
}

/* One book being assembled from its metadata rows (one per author). */
typedef struct book {
	long id;
	char title[4096], authors[4096], aliases[8192], language[32], genres[4096];
} book;

typedef struct writer {
	FILE *out;
	book b;
	long books, limit;
} writer;

/* A CSV field: quoted, quotes doubled. */
static void put_field(FILE *f, const char *s, int last)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
	fputc(last ? '\n' : ',', f);
}

static void flush_book(writer *w)
{
	if (!w->b.id || (w->limit && w->books >= w->limit))
		return;
	char ext[32];
	snprintf(ext, sizeof ext, "gutenberg:%ld", w->b.id);
	put_field(w->out, ext, 0);
	put_field(w->out, w->b.title, 0);
	put_field(w->out, w->b.authors, 0);
	put_field(w->out, w->b.aliases, 0);
	put_field(w->out, w->b.language, 0);
	put_field(w->out, w->b.genres, 1);
	w->books++;
}

/* Append to dst (of size n) with a separator, the list separators of
 * liblend's CSV (';' and '|') in s replaced by ','. */
static void append(char *dst, size_t n, const char *sep, const char *s)
{
	size_t len = strlen(dst);
	if (len && sep)
		len += (size_t)snprintf(dst + len, n > len ? n - len : 0, "%s", sep);
	for (; *s && len + 1 < n; s++)
		dst[len++] = *s == ';' || *s == '|' ? ',' : *s;
	dst[len < n ? len : n - 1] = '\0';
}

static void metadata_row(rec *r, void *ud)
{
	writer *w = ud;
	if (r->n < 6)
		return;
	long id = atol(r->f[0]);
	if (id != w->b.id) {
		flush_book(w);
		memset(&w->b, 0, sizeof w->b);
		w->b.id = id;
		snprintf(w->b.title, sizeof w->b.title, "%s", r->f[1]);
		snprintf(w->b.language, sizeof w->b.language, "%s", r->f[4]);
		/* bookshelves as genres: "A/B/Category: C" */
		for (char *save = NULL, *g = strtok_r(r->f[5], "/", &save); g; g = strtok_r(NULL, "/", &save)) {
			if (strncmp(g, "Category: ", 10) == 0)
				g += 10;
			if (*g)
				append(w->b.genres, sizeof w->b.genres, ";", g);
		}
	}
	if (!*r->f[2])
		return;
	int first = !*w->b.authors;
	append(w->b.authors, sizeof w->b.authors, ";", r->f[2]);
	/* aliases: one group per author, ';' between groups, '|' inside */
	char group[4096] = "";
	const char *al = aliases_of(atol(r->f[3]));
	for (const char *p = al; *p;) {
		size_t len = strcspn(p, "/;"); /* a few aliases are lists themselves */
		char one[512];
		snprintf(one, sizeof one, "%.*s", (int)(len < 511 ? len : 511), p);
		char *o = one + strspn(one, " ");
		if (*o && strlen(o) <= 300)
			append(group, sizeof group, "|", o);
		p += len + (p[len] ? 1 : 0);
	}
	/* the group is built already: copy it as it is */
	size_t len = strlen(w->b.aliases);
	snprintf(w->b.aliases + len, sizeof w->b.aliases - len, "%s%s", first ? "" : ";", group);
}

/* ------------------------------------------------------------ the floor */

typedef struct floor_ctx {
	sqlite3 *db;
	sqlite3_stmt *ins;
	long rows;
} floor_ctx;

static void floor_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "bench-import: %s: %s\n", sql, err);
		exit(1);
	}
}

static void floor_row(rec *r, void *ud)
{
	floor_ctx *c = ud;
	for (int i = 0; i < 6; i++)
		sqlite3_bind_text(c->ins, i + 1, i < r->n ? r->f[i] : "", -1, SQLITE_STATIC);
	if (sqlite3_step(c->ins) != SQLITE_DONE)
		die(sqlite3_errmsg(c->db));
	sqlite3_reset(c->ins);
	if (++c->rows % 1000 == 0)
		floor_exec(c->db, "COMMIT; BEGIN");
}

static double run_floor(const char *csv, const char *db_path, long *rows, double *cpu)
{
	floor_ctx c = {0};
	unlink(db_path);
	if (sqlite3_open(db_path, &c.db) != SQLITE_OK)
		die("sqlite3_open");
	floor_exec(c.db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	                 "CREATE TABLE books (id INTEGER PRIMARY KEY, external_id TEXT UNIQUE, title TEXT,"
	                 " authors TEXT, aliases TEXT, language TEXT, genres TEXT)");
	if (sqlite3_prepare_v2(c.db,
	                       "INSERT INTO books (external_id, title, authors, aliases, language, genres) "
	                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	                       -1, &c.ins, NULL) != SQLITE_OK)
		die(sqlite3_errmsg(c.db));
	double t0 = now_s(), c0 = cpu_s();
	floor_exec(c.db, "BEGIN");
	read_csv(csv, floor_row, &c);
	floor_exec(c.db, "COMMIT");
	double dt = now_s() - t0;
	*cpu = cpu_s() - c0;
	sqlite3_finalize(c.ins);
	sqlite3_close(c.db);
	*rows = c.rows;
	return dt;
}

/* ------------------------------------------------------------- the engine */

static int progress_cb(void *ud, int64_t done, int64_t total)
{
	(void)ud;
	(void)done;
	(void)total;
	return 0;
}

static double run_engine(const char *csv, const char *db_path, int fresh, lend_import_report **rep, double *cpu)
{
	if (fresh) {
		char p[600];
		unlink(db_path);
		snprintf(p, sizeof p, "%s-wal", db_path);
		unlink(p);
		snprintf(p, sizeof p, "%s-shm", db_path);
		unlink(p);
	}
	lend_engine *e = NULL;
	lend_actor *a = NULL;
	if (lend_engine_open(&e, db_path, NULL) != LEND_OK || lend_actor_admin(e, &a) != LEND_OK)
		die(lend_engine_errmsg(e));
	double t0 = now_s(), c0 = cpu_s();
	int rc = lend_catalog_import(e, a, csv, LEND_IMPORT_CSV, progress_cb, NULL, rep);
	double dt = now_s() - t0;
	*cpu = cpu_s() - c0;
	if (rc != LEND_OK)
		die(lend_engine_errmsg(e));
	lend_actor_free(a);
	lend_engine_close(e);
	return dt;
}

int main(int argc, char **argv)
{
	int quick = 0;
	long limit = 0;
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			quick = 1, limit = 2000;
		else if (strcmp(argv[i], "--books") == 0 && i + 1 < argc)
			limit = atol(argv[++i]);
		else if (argv[i][0] != '-' && !dir)
			dir = argv[i];
		else {
			fprintf(stderr, "usage: %s [--quick] [--books N] [DATA_DIR]\n", argv[0]);
			return 2;
		}
	}
	static const char *const dirs[] = {LEND_DATA_DIRS NULL};
	char meta[600], auth[600];
	for (int i = 0; !dir && dirs[i]; i++) {
		snprintf(meta, sizeof meta, "%s/gutenberg/gutenberg_metadata.csv", dirs[i]);
		if (access(meta, R_OK) == 0)
			dir = dirs[i];
	}
	if (!dir) {
		printf("bench-import: the Gutenberg catalog is not here: SKIP\n");
		return 77;
	}
	snprintf(meta, sizeof meta, "%s/gutenberg/gutenberg_metadata.csv", dir);
	snprintf(auth, sizeof auth, "%s/gutenberg/gutenberg_authors.csv", dir);

	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char csv[600], db[600], floor_db[600];
	snprintf(csv, sizeof csv, "%s/lend-bench-import-%ld.csv", tmp, (long)getpid());
	snprintf(db, sizeof db, "%s/lend-bench-import-%ld.db", tmp, (long)getpid());
	snprintf(floor_db, sizeof floor_db, "%s/lend-bench-import-floor-%ld.db", tmp, (long)getpid());

	printf("liblend %s import benchmark%s — SQLite %s\n", lend_version_string(), quick ? " (--quick)" : "",
	       sqlite3_libversion());
	double t0 = now_s();
	read_csv(auth, author_row, NULL);
	qsort(authors, nauthors, sizeof *authors, by_id);
	writer w = {0};
	w.limit = limit;
	if (!(w.out = fopen(csv, "wb")))
		die("cannot write the CSV");
	fputs("external_id,title,authors,author_aliases,language,genres\n", w.out);
	read_csv(meta, metadata_row, &w);
	flush_book(&w);
	fclose(w.out);
	printf("  Gutenberg catalog -> liblend CSV: %ld books, %zu authors known (%.2f s)\n", w.books, nauthors,
	       now_s() - t0);

	lend_import_report *rep = NULL;
	double ce, cr, cf;
	double te = run_engine(csv, db, 1, &rep, &ce);
	long rows = (long)lend_import_report_rows(rep);
	printf("  %-34s %8s %9s %11s %9s %11s\n", "", "rows", "wall s", "rows/s", "CPU s", "rows/CPU s");
	printf("  %-34s %8ld %9.2f %11.0f %9.2f %11.0f  (added %lld, bad %lld)\n", "engine import (fresh file, WAL)",
	       rows, te, (double)rows / te, ce, (double)rows / ce, (long long)lend_import_report_added(rep),
	       (long long)lend_import_report_failed(rep));
	for (size_t i = 0; i < lend_import_report_error_count(rep) && i < 3; i++)
		printf("    bad row at line %lld: %s\n", (long long)lend_import_report_error_line(rep, i),
		       lend_import_report_error_reason(rep, i));
	lend_import_report_free(rep);
	double tr = run_engine(csv, db, 0, &rep, &cr);
	printf("  %-34s %8ld %9.2f %11.0f %9.2f %11.0f  (unchanged %lld)\n", "engine re-import (all unchanged)",
	       (long)lend_import_report_rows(rep), tr, (double)rows / tr, cr, (double)rows / cr,
	       (long long)lend_import_report_unchanged(rep));
	lend_import_report_free(rep);
	long frows = 0;
	double tf = run_floor(csv, floor_db, &frows, &cf);
	printf("  %-34s %8ld %9.2f %11.0f %9.2f %11.0f\n", "raw SQLite floor (plain table)", frows, tf,
	       (double)frows / tf, cf, (double)frows / cf);
	printf("  ratio engine/floor in CPU time: import %.1fx, re-import %.1fx (wall: %.1fx, %.1fx)\n", ce / cf,
	       cr / cf, te / tf, tr / tf);

	char p[700];
	unlink(csv);
	unlink(floor_db);
	unlink(db);
	snprintf(p, sizeof p, "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", db);
	unlink(p);
	for (size_t i = 0; i < nauthors; i++)
		free(authors[i].aliases);
	free(authors);
	return 0;
}
