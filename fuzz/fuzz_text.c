/* fuzz/fuzz_text.c — outside text into every core field that stores it.
 *
 * The input is a string for a book's title and author, a library's name, a
 * reader's name and a ticket number. Each call either refuses it with
 * LEND_EINVAL (and then nothing is stored) or stores it, and what is read
 * back is byte for byte what went in. */
#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	lend_engine *e = fuzz_engine();
	lend_actor *admin = NULL;
	FUZZ_ASSERT(lend_actor_admin(e, &admin) == LEND_OK);

	/* A book. */
	lend_book *b = NULL;
	FUZZ_ASSERT(lend_book_new(&b) == LEND_OK);
	int title_rc = lend_book_set_title(b, s);
	FUZZ_ASSERT(title_rc == LEND_OK || title_rc == LEND_EINVAL);
	int author_rc = lend_book_add_author(b, s);
	FUZZ_ASSERT(author_rc == LEND_OK || author_rc == LEND_EINVAL);
	if (title_rc != LEND_OK)
		FUZZ_ASSERT(lend_book_set_title(b, "Fallback") == LEND_OK);
	int64_t id = 0;
	FUZZ_ASSERT(lend_book_add(e, admin, b, &id) == LEND_OK);
	lend_book_free(b);
	FUZZ_ASSERT(fuzz_count_books(e, admin) == 1);
	lend_book *got = NULL;
	FUZZ_ASSERT(lend_book_get(e, admin, id, &got) == LEND_OK);
	if (title_rc == LEND_OK)
		FUZZ_ASSERT(strcmp(lend_book_title(got), s) == 0);
	lend_book_free(got);

	/* A library and a reader with a ticket numbered by the input. */
	lend_library *lib = NULL;
	int64_t lib_id = 0;
	FUZZ_ASSERT(lend_library_new(&lib) == LEND_OK);
	if (lend_library_set_name(lib, s) != LEND_OK)
		FUZZ_ASSERT(lend_library_set_name(lib, "Library") == LEND_OK);
	FUZZ_ASSERT(lend_library_add(e, admin, lib, &lib_id) == LEND_OK);
	lend_library_free(lib);
	lend_library *lib_got = NULL;
	FUZZ_ASSERT(lend_library_get(e, admin, lib_id, &lib_got) == LEND_OK);
	lend_library_free(lib_got);

	lend_reader *r = NULL;
	int64_t reader_id = 0;
	FUZZ_ASSERT(lend_reader_new(&r) == LEND_OK);
	if (lend_reader_set_name(r, s) != LEND_OK)
		FUZZ_ASSERT(lend_reader_set_name(r, "Reader") == LEND_OK);
	FUZZ_ASSERT(lend_reader_add(e, admin, r, &reader_id) == LEND_OK);
	lend_reader_free(r);
	lend_ticket *t = NULL;
	int rc = lend_ticket_issue(e, admin, lib_id, reader_id, s, &t);
	FUZZ_ASSERT(rc == LEND_OK || rc == LEND_EINVAL);
	FUZZ_ASSERT((rc == LEND_OK) == (t != NULL));
	if (t)
		FUZZ_ASSERT(strcmp(lend_ticket_number(t), s) == 0);
	lend_ticket_free(t);
	lend_tickets *tl = NULL;
	FUZZ_ASSERT(lend_ticket_list(e, admin, reader_id, &tl) == LEND_OK);
	FUZZ_ASSERT(lend_tickets_count(tl) == (rc == LEND_OK ? 1u : 0u));
	lend_tickets_free(tl);

	fuzz_check_clean(e);
	lend_actor_free(admin);
	lend_engine_close(e);
	free(s);
	return 0;
}
