/* fuzz/fuzz_search.c — outside text as search and suggestion queries.
 *
 * One engine for the whole run (searching changes nothing): a catalog of
 * real titles and authors (Project Gutenberg, LitRes, Goodreads; Latin and
 * Cyrillic, aliases, audiobooks, age ratings), a library with copies of
 * some, and a 12-year-old reader with a ticket there. The input is three
 * option bytes (kind, language, library, only available, age-appropriate,
 * who asks, limit) and the text typed.
 *
 * The text is refused (LEND_EINVAL) or taken; lend_search and lend_suggest
 * then give LEND_OK or LEND_EINVAL and never anything else. Hits: at most
 * the limit, best first (scores never rise), books of the catalog with a
 * title, of the kind asked for, none too young for the reader when asked,
 * only books he can take now when asked; with room for every book, each hit
 * a full search found as typed is among the suggestions for the same text.
 * (Not a hit found through a typo correction, which scores below
 * AS_TYPED: a correction runs only for a query that found nothing, and a
 * full search may find nothing where the suggestion's prefix finds
 * something: "gran" suggests GrandPré, and its full search is Tolstoy's
 * "graf", doc/search.md, "Typos".) */
#include <unistd.h>

#include "common.h"

#define AS_TYPED 4000000 /* the lowest score of a hit found as typed */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Real rows of shared/data (gutenberg, ru, goodbooks-10k). */
static const char catalog[] =
	"external_id,title,authors,author_aliases,kind,age,price,language,isbn,year\n"
	"g1,The Declaration of Independence of the United States of America,\"Jefferson, Thomas\",,ebook,0,,en,,\n"
	"g2,\"The United States Bill of Rights\r\nThe Ten Original Amendments to the Constitution of the United "
	"States\",United States,U.S.A.,ebook,0,,en,,\n"
	"g3,John F. Kennedy's Inaugural Address,\"Kennedy, John F. (John Fitzgerald)\",,ebook,0,,en,,\n"
	"g4,Anna Karenina,\"Tolstoy, Leo, graf\",\"Толстой, Лев Николаевич|Tolstoi, Lyof N.\",ebook,12,,en,,\n"
	"g5,War and Peace,\"Tolstoy, Leo, graf\",,audiobook,12,,en,,\n"
	"g6,Crime and Punishment,\"Dostoyevsky, Fyodor\",Достоевский|Dostoevsky,ebook,16,,en,,\n"
	"r1,Мастер и Маргарита,Михаил Булгаков,,ebook,16,399,ru,,1967\n"
	"r2,Морфий и другие рассказы,Михаил Булгаков,,audiobook,16,159,ru,,\n"
	"r3,Собачье сердце,Михаил Булгаков,,ebook,12,199,ru,,1925\n"
	"r4,Соловьиный сад,Александр Блок,Blok,ebook,0,,ru,,1915\n"
	"r5,Двенадцать,Александр Блок,Blok,ebook,0,,ru,,1918\n"
	"r6,Ёлка у Ивановых,Александр Введенский,,ebook,18,,ru,,\n"
	"b1,\"The Hunger Games (The Hunger Games, #1)\",Suzanne Collins,,ebook,12,500,en,0439023483,2008\n"
	"b2,Harry Potter and the Sorcerer's Stone (Harry Potter #1),\"J.K. Rowling;Mary GrandPré\",,ebook,6,450,en,"
	"0439554934,1997\n"
	"b3,\"Twilight (Twilight, #1)\",Stephenie Meyer,,audiobook,12,600,en,0316015849,2005\n"
	"b4,To Kill a Mockingbird,Harper Lee,,ebook,12,300,en,0061120081,1960\n"
	"b5,The Great Gatsby,F. Scott Fitzgerald,,ebook,12,250,en,0743273567,1925\n"
	"b6,Les Misérables,Victor Hugo,,ebook,12,0,fr,,1862\n";

static lend_engine *E;
static lend_actor *admin, *reader;
static int64_t lib;
static int64_t ids[32];
static size_t nids;

static void build(void)
{
	char path[] = "/tmp/lend-fuzz-search-XXXXXX";
	int fd = mkstemp(path);
	FUZZ_ASSERT(fd >= 0);
	FUZZ_ASSERT(write(fd, catalog, sizeof catalog - 1) == (ssize_t)(sizeof catalog - 1));
	close(fd);
	E = fuzz_engine();
	FUZZ_ASSERT(lend_actor_admin(E, &admin) == LEND_OK);
	lend_import_report *rep = NULL;
	FUZZ_ASSERT(lend_catalog_import(E, admin, path, LEND_IMPORT_CSV, NULL, NULL, &rep) == LEND_OK);
	unlink(path);
	if (lend_import_report_failed(rep))
		fprintf(stderr, "catalog: %s\n", lend_import_report_error_reason(rep, 0));
	FUZZ_ASSERT(lend_import_report_failed(rep) == 0);
	nids = lend_import_report_book_count(rep);
	FUZZ_ASSERT(nids > 0 && nids <= 32);
	for (size_t i = 0; i < nids; i++)
		ids[i] = lend_import_report_book_id(rep, i);
	lend_import_report_free(rep);

	lend_library *l = NULL;
	FUZZ_ASSERT(lend_library_new(&l) == LEND_OK && lend_library_set_name(l, "Library") == LEND_OK);
	FUZZ_ASSERT(lend_library_add(E, admin, l, &lib) == LEND_OK);
	lend_library_free(l);
	for (size_t i = 0; i < nids; i += 2)
		FUZZ_ASSERT(lend_fund_add_copies(E, admin, lib, ids[i], 1) == LEND_OK);
	lend_reader *r = NULL;
	int64_t rid = 0;
	lend_ticket *t = NULL;
	FUZZ_ASSERT(lend_reader_new(&r) == LEND_OK && lend_reader_set_name(r, "Reader") == LEND_OK);
	FUZZ_ASSERT(lend_reader_set_birth_date(r, 2013, 6, 1) == LEND_OK);
	FUZZ_ASSERT(lend_reader_add(E, admin, r, &rid) == LEND_OK);
	lend_reader_free(r);
	FUZZ_ASSERT(lend_ticket_issue(E, admin, lib, rid, NULL, &t) == LEND_OK);
	lend_ticket_free(t);
	FUZZ_ASSERT(lend_actor_reader(E, rid, &reader) == LEND_OK);
	fuzz_check_clean(E);
}

static int in_catalog(int64_t id)
{
	for (size_t i = 0; i < nids; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

static void check_hits(const lend_search_results *res, int limit, int kind, int age_ok, int available,
                       const lend_actor *a)
{
	size_t n = lend_search_results_count(res);
	FUZZ_ASSERT(n <= (size_t)limit);
	for (size_t i = 0; i < n; i++) {
		const lend_search_hit *h = lend_search_results_get(res, i);
		FUZZ_ASSERT(h != NULL && in_catalog(lend_search_hit_book_id(h)));
		FUZZ_ASSERT(lend_search_hit_title(h) != NULL && lend_search_hit_title(h)[0] != '\0');
		FUZZ_ASSERT(lend_search_hit_authors(h) != NULL);
		if (kind)
			FUZZ_ASSERT(lend_search_hit_kind(h) == kind);
		if (i > 0)
			FUZZ_ASSERT(lend_search_hit_score(h) <=
			            lend_search_hit_score(lend_search_results_get(res, i - 1)));
		if (age_ok && a == reader)
			FUZZ_ASSERT(!lend_search_hit_too_young(h));
		if (available && a == reader) {
			FUZZ_ASSERT(lend_search_hit_has_verdict(h));
			FUZZ_ASSERT(lend_search_hit_verdict(h) == LEND_VERDICT_TAKE ||
			            lend_search_hit_verdict(h) == LEND_VERDICT_YOURS);
		}
	}
}

static int contains(const lend_search_results *res, int64_t id)
{
	for (size_t i = 0; i < lend_search_results_count(res); i++)
		if (lend_search_hit_book_id(lend_search_results_get(res, i)) == id)
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	if (!E)
		build();
	static const char *const langs[] = {NULL, "", "ru", "en", "fr", "xx"};
	int kind = data[0] % 3; /* 0: any, 1: e-book, 2: audiobook */
	int available = data[0] >> 2 & 1, age_ok = data[0] >> 3 & 1, with_lib = data[0] >> 4 & 1;
	const lend_actor *a = data[0] & 0x20 ? admin : reader;
	int limit = data[1] % 102; /* 0 and 101: refused */
	const char *lang = langs[data[2] % 6];
	char *text = fuzz_string(data + 3, size - 3);

	lend_search_query *q = NULL;
	FUZZ_ASSERT(lend_search_query_new(&q) == LEND_OK);
	int rc = lend_search_query_set_text(q, text);
	FUZZ_ASSERT(rc == LEND_OK || rc == LEND_EINVAL);
	FUZZ_ASSERT(lend_search_query_set_kind(q, kind) == LEND_OK);
	FUZZ_ASSERT(lend_search_query_set_language(q, lang) == LEND_OK || lang == langs[5]);
	if (with_lib)
		FUZZ_ASSERT(lend_search_query_set_library(q, lib) == LEND_OK);
	FUZZ_ASSERT(lend_search_query_set_available_only(q, available) == LEND_OK);
	FUZZ_ASSERT(lend_search_query_set_age_appropriate(q, age_ok) == LEND_OK);
	int limit_rc = lend_search_query_set_limit(q, limit);
	FUZZ_ASSERT((limit_rc == LEND_OK) == (limit >= 1 && limit <= 100));
	if (limit_rc != LEND_OK)
		limit = 0;

	lend_search_results *full = NULL, *sugg = NULL;
	int frc = lend_search(E, a, q, &full);
	int src = lend_suggest(E, a, q, &sugg);
	if ((frc != LEND_OK && frc != LEND_EINVAL) || (src != LEND_OK && src != LEND_EINVAL))
		fprintf(stderr, "search %d, suggest %d: %s\n", frc, src, lend_engine_errmsg(E));
	FUZZ_ASSERT(frc == LEND_OK || frc == LEND_EINVAL);
	FUZZ_ASSERT(src == LEND_OK || src == LEND_EINVAL);
	FUZZ_ASSERT((frc == LEND_OK) == (full != NULL) && (src == LEND_OK) == (sugg != NULL));
	int eff_limit = limit ? limit : 20;
	if (full)
		check_hits(full, eff_limit, kind, age_ok, available && with_lib, a);
	if (sugg)
		check_hits(sugg, limit ? limit : 10, kind, age_ok, available && with_lib, a);
	if (full && sugg && limit == 100)
		for (size_t i = 0; i < lend_search_results_count(full); i++) {
			const lend_search_hit *h = lend_search_results_get(full, i);
			FUZZ_ASSERT(lend_search_hit_score(h) < AS_TYPED || contains(sugg, lend_search_hit_book_id(h)));
		}
	lend_search_results_free(full);
	lend_search_results_free(sugg);
	lend_search_query_free(q);
	free(text);
	return 0;
}
