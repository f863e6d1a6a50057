/* fuzz/common.h — what the libFuzzer targets share: an engine on :memory:
 * with a fixed clock, and a failure that libFuzzer reports. */
#ifndef LEND_FUZZ_COMMON_H
#define LEND_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lend.h"

/* A violated promise: print it and stop, so libFuzzer saves the input. */
#define FUZZ_ASSERT(cond)                                                                                          \
	do {                                                                                                       \
		if (!(cond)) {                                                                                     \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);                                 \
			abort();                                                                                   \
		}                                                                                                  \
	} while (0)

extern int64_t fuzz_now;

lend_engine *fuzz_engine(void);
/* lend_engine_check() reports nothing (aborts otherwise). */
void fuzz_check_clean(lend_engine *e);
/* How many books the catalog lists (at most 1000). */
int64_t fuzz_count_books(lend_engine *e, const lend_actor *a);
/* A NUL-terminated copy of data[0..n) (malloc'd). */
char *fuzz_string(const uint8_t *data, size_t n);

#endif
