/* fuzz/fuzz_isbn.c — outside text as an ISBN.
 *
 * lend_isbn_normalize() says yes (1) or no (0) and nothing else; a yes gives
 * 13 digits with a valid ISBN-13 check digit, and normalizing those again
 * gives the same 13 digits. lend_book_set_isbn() takes exactly what
 * lend_isbn_normalize() accepts (and the empty text, which clears it), and
 * stores the ISBN-13. */
#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	char out[14], again[14];
	memset(out, 'x', sizeof out);
	int ok = lend_isbn_normalize(s, out);
	FUZZ_ASSERT(ok == 0 || ok == 1);
	FUZZ_ASSERT(lend_isbn_normalize(s, NULL) == ok);
	if (ok) {
		FUZZ_ASSERT(out[13] == '\0' && strlen(out) == 13);
		int sum = 0;
		for (int i = 0; i < 13; i++) {
			FUZZ_ASSERT(out[i] >= '0' && out[i] <= '9');
			sum += (out[i] - '0') * (i % 2 ? 3 : 1);
		}
		FUZZ_ASSERT(sum % 10 == 0);
		FUZZ_ASSERT(lend_isbn_normalize(out, again) == 1 && strcmp(out, again) == 0);
	}
	lend_book *b = NULL;
	FUZZ_ASSERT(lend_book_new(&b) == LEND_OK);
	int rc = lend_book_set_isbn(b, s);
	FUZZ_ASSERT(rc == LEND_OK || rc == LEND_EINVAL);
	if (s[0] != '\0')
		FUZZ_ASSERT((rc == LEND_OK) == (ok == 1));
	if (rc == LEND_OK && ok)
		FUZZ_ASSERT(strcmp(lend_book_isbn(b), out) == 0);
	lend_book_free(b);
	free(s);
	return 0;
}
