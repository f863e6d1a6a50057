/* import.c — `lend book import`: a catalog file into the shared catalog,
 * through the library's import (lend_catalog_import, doc/catalog.md): CSV
 * with a header row naming the columns (title, authors (';'-separated),
 * kind, age, price, currency and the others of doc/catalog.md; without a
 * header that order of the first six is assumed), or JSON Lines. Rows are
 * matched by external_id, so importing a file again updates instead of
 * duplicating. Here: the progress bar on a terminal, and the bad rows on
 * stderr. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

struct bar {
	int shown;
	int64_t done, total;
};

static void draw_bar(struct bar *b, int final)
{
	int pct = b->total > 0 ? (int)(b->done * 100 / b->total) : 100;
	if (final)
		pct = 100;
	if (pct == b->shown && !final)
		return;
	b->shown = pct;
	char line[41];
	int fill = pct * 40 / 100;
	for (int i = 0; i < 40; i++)
		line[i] = i < fill ? '#' : '.';
	line[40] = '\0';
	fprintf(stderr, "\rimporting [%s] %3d%%  %lld rows", line, pct, (long long)b->done);
	if (final)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

static int on_progress(void *ud, int64_t done, int64_t total)
{
	struct bar *b = ud;
	b->done = done;
	b->total = total;
	draw_bar(b, 0);
	return 0;
}

int import_csv(struct cli *c, const char *path, int progress, struct import_result *res)
{
	memset(res, 0, sizeof *res);
	if (access(path, R_OK) != 0)
		return cli_error(EXIT_OTHER, "cannot open %s", path);
	struct bar bar = {-1, 0, 0};
	int draw = progress && isatty(STDERR_FILENO);
	lend_import_report *rep = NULL;
	int rc = lend_catalog_import(c->e, c->a, path, LEND_IMPORT_AUTO, draw ? on_progress : NULL, &bar, &rep);
	if (draw)
		draw_bar(&bar, 1);
	for (size_t i = 0; i < lend_import_report_error_count(rep); i++)
		fprintf(stderr, "lend: %s: line %lld: %s\n", path, (long long)lend_import_report_error_line(rep, i),
		        lend_import_report_error_reason(rep, i));
	if (lend_import_report_failed(rep) > (int64_t)lend_import_report_error_count(rep))
		fprintf(stderr, "lend: %s: and %lld more bad rows\n", path,
		        (long long)(lend_import_report_failed(rep) - (int64_t)lend_import_report_error_count(rep)));
	res->rows = (int)lend_import_report_rows(rep);
	res->added = (int)lend_import_report_added(rep);
	res->updated = (int)lend_import_report_updated(rep);
	res->unchanged = (int)lend_import_report_unchanged(rep);
	res->skipped = (int)lend_import_report_failed(rep);
	size_t n = lend_import_report_book_count(rep);
	if (n && !(res->books = calloc(n, sizeof *res->books)))
		abort();
	/* the books in file order, with what the demo looks them up by */
	for (size_t i = 0; i < n && rc == LEND_OK; i++) {
		lend_book *b = NULL;
		struct imported *im = &res->books[res->nbooks];
		im->id = lend_import_report_book_id(rep, i);
		if ((rc = lend_book_get(c->e, c->a, im->id, &b)) != LEND_OK)
			break;
		im->kind = lend_book_kind(b);
		if (!(im->title = strdup(lend_book_title(b))))
			abort();
		res->nbooks++;
		lend_book_free(b);
	}
	lend_import_report_free(rep);
	if (rc != LEND_OK)
		return cli_fail(c, rc);
	return EXIT_OK;
}

void import_result_free(struct import_result *res)
{
	for (size_t i = 0; i < res->nbooks; i++)
		free(res->books[i].title);
	free(res->books);
	memset(res, 0, sizeof *res);
}
