/* bench/search_data.h — the real catalogs of the shared data folder, read
 * for the search benchmark and the relevance tests. */
#ifndef LEND_BENCH_SEARCH_DATA_H
#define LEND_BENCH_SEARCH_DATA_H

#include <stddef.h>
#include <stdint.h>

#include <lend.h>

typedef struct sd_book {
	char *title;
	char *subtitle; /* NULL: none */
	char *authors;  /* names in order, '\n'-separated; NULL: none */
	char *language; /* NULL: unknown */
	int kind;       /* LEND_KIND_* */
	int64_t ratings; /* popularity where the source has one (goodbooks), else 0 */
	int source;      /* SD_* */
} sd_book;

typedef struct sd_author {
	char *name;
	char *aliases; /* '\n'-separated */
} sd_author;

typedef struct sd_catalog {
	sd_book *b;
	size_t n, cap;
	sd_author *a;
	size_t na, acap;
} sd_catalog;

enum { SD_GUTENBERG = 1, SD_GOODBOOKS = 2, SD_RUSLIT = 3, SD_LITRES = 4, SD_MIXED = 5 };

/* The data folder: $LEND_DATA_DIR, or the first of the built-in candidates
 * that exists; NULL when there is none. */
const char *sd_dir(void);
/* Read every source (Gutenberg with its author aliases, goodbooks-10k, the
 * Russian sets). Returns 0 on success. */
int sd_load(sd_catalog *c, const char *dir);
/* Grow the catalog to n books by recombining real ones (see the .c file). */
int sd_grow(sd_catalog *c, size_t n);
/* Keep the first n books. */
void sd_truncate(sd_catalog *c, size_t n);
void sd_free(sd_catalog *c);

/* Add book i through the public API (admin); *id_out gets its id. */
int sd_add(lend_engine *e, const lend_actor *admin, const sd_book *b, int64_t *id_out);
/* Give the authors their aliases (admin) for the authors that exist. */
int sd_add_aliases(lend_engine *e, const lend_actor *admin, const sd_catalog *c);

/* A small deterministic random generator. */
uint64_t sd_rand(uint64_t *state);

#endif
