/* lib/storage/sqlite/catalog.c — the SQLite tables and methods of the catalog. */
#include <string.h>

#include "sq.h"

const char sq__catalog_schema[] =
	"CREATE TABLE authors (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"name TEXT NOT NULL UNIQUE,\n"
	"aliases TEXT,\n"
	"created_at INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	/* a book's authors (role 1) and narrators (role 2), in order */
	"CREATE TABLE book_authors (\n"
	"book_id INTEGER NOT NULL,\n"
	"role INTEGER NOT NULL,\n"
	"position INTEGER NOT NULL,\n"
	"author_id INTEGER NOT NULL,\n"
	"PRIMARY KEY (book_id, role, position)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX book_authors_author ON book_authors (author_id, book_id);\n"
	"CREATE TABLE book_genres (\n"
	"genre TEXT NOT NULL,\n"
	"book_id INTEGER NOT NULL,\n"
	"PRIMARY KEY (genre, book_id)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX book_genres_book ON book_genres (book_id);\n"
	"CREATE INDEX books_created ON books (created_at, id);\n"
	"CREATE INDEX books_release ON books (release_at, id);\n"
	"CREATE INDEX books_year ON books (year, id);\n"
	/* popularity: loans of a book, and loans over a period */
	"CREATE INDEX loans_book_issued ON loans (book_id, issued_at);\n"
	"CREATE INDEX loans_issued ON loans (issued_at, book_id);\n"
	"CREATE INDEX loans_reader_book ON loans (reader_id, book_id);\n"
	"CREATE TABLE ratings (\n"
	"reader_id INTEGER NOT NULL,\n"
	"book_id INTEGER NOT NULL,\n"
	"stars INTEGER NOT NULL DEFAULT 0,\n"
	"rated_at INTEGER NOT NULL DEFAULT 0,\n"
	"PRIMARY KEY (reader_id, book_id)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX ratings_book ON ratings (book_id, reader_id);\n"
	"CREATE TABLE rating_stats (\n"
	"book_id INTEGER PRIMARY KEY,\n"
	"c1 INTEGER NOT NULL DEFAULT 0,\n"
	"c2 INTEGER NOT NULL DEFAULT 0,\n"
	"c3 INTEGER NOT NULL DEFAULT 0,\n"
	"c4 INTEGER NOT NULL DEFAULT 0,\n"
	"c5 INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE TABLE reviews (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"reader_id INTEGER NOT NULL DEFAULT 0,\n"
	"book_id INTEGER NOT NULL DEFAULT 0,\n"
	"text TEXT,\n"
	"created_at INTEGER NOT NULL DEFAULT 0,\n"
	"updated_at INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE INDEX reviews_book ON reviews (book_id, id);\n"
	"CREATE INDEX reviews_reader ON reviews (reader_id, id);\n";

#define BIND_OK(x)                                                                                                     \
	do {                                                                                                           \
		if ((x) != SQLITE_OK) {                                                                                \
			int b_rc_ = sq__fail(s, what, sqlite3_errcode(sq__db(s)));                                     \
			sq__done(s, st);                                                                               \
			return b_rc_;                                                                                  \
		}                                                                                                      \
	} while (0)

static int bind_text(sqlite3_stmt *st, int i, const char *t)
{
	return t && *t ? sqlite3_bind_text(st, i, t, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* Step through rows, calling each(row) until done; finishes the statement. */
static int each_row(sq *s, sqlite3_stmt *st, const char *what, int (*each)(sqlite3_stmt *st, void *a, void *b),
                    void *a, void *b, int need_one)
{
	int rc, n = 0, out = LEND_OK;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		if ((out = each(st, a, b)) != 0)
			break;
	}
	if (out == LEND_OK && rc != SQLITE_DONE)
		out = sq__fail(s, what, rc);
	sq__done(s, st);
	if (out == LEND_OK && need_one && n == 0)
		return sq__not_found(s, what);
	return out;
}

/* ------------------------------------------------------------- authors */

static const char AUTHOR_INSERT[] = "INSERT INTO authors (name, aliases, created_at) VALUES (?1, ?2, ?3)";
static const char AUTHOR_UPDATE[] = "UPDATE authors SET name = ?2, aliases = ?3 WHERE id = ?1";
static const char AUTHOR_GET[] = "SELECT id, name, aliases, created_at FROM authors WHERE id = ?1";
static const char AUTHOR_FIND[] = "SELECT id, name, aliases, created_at FROM authors WHERE name = ?1";

static int author_each(sqlite3_stmt *st, void *cb, void *ctx)
{
	lend_sys_author row;
	row.id = sqlite3_column_int64(st, 0);
	row.name = sq__text(st, 1);
	row.aliases = sq__text(st, 2);
	row.created_at = sqlite3_column_int64(st, 3);
	if (!row.name || !row.aliases)
		return LEND_ENOMEM;
	return (*(lend_sys_author_cb *)cb)(ctx, &row);
}

static int sq_author_insert(void *ud, lend_sys_author *row)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "author_insert";
	int rc = sq__prep(s, AUTHOR_INSERT, &st, what);
	if (rc != LEND_OK)
		return rc;
	BIND_OK(bind_text(st, 1, row->name));
	BIND_OK(bind_text(st, 2, row->aliases));
	BIND_OK(sqlite3_bind_int64(st, 3, row->created_at));
	rc = sq__run(s, st, what, 0);
	if (rc == LEND_OK)
		row->id = sqlite3_last_insert_rowid(sq__db(s));
	return rc;
}

static int sq_author_update(void *ud, const lend_sys_author *row)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "author_update";
	int rc = sq__prep(s, AUTHOR_UPDATE, &st, what);
	if (rc != LEND_OK)
		return rc;
	BIND_OK(sqlite3_bind_int64(st, 1, row->id));
	BIND_OK(bind_text(st, 2, row->name));
	BIND_OK(bind_text(st, 3, row->aliases));
	return sq__run(s, st, what, 1);
}

static int sq_author_get(void *ud, int64_t id, lend_sys_author_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "author_get";
	int rc = sq__prep(s, AUTHOR_GET, &st, what);
	if (rc != LEND_OK)
		return rc;
	BIND_OK(sqlite3_bind_int64(st, 1, id));
	return each_row(s, st, what, author_each, &cb, ctx, 1);
}

static int sq_author_find(void *ud, const char *name, lend_sys_author_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "author_find";
	int rc = sq__prep(s, AUTHOR_FIND, &st, what);
	if (rc != LEND_OK)
		return rc;
	BIND_OK(sqlite3_bind_text(st, 1, name ? name : "", -1, SQLITE_STATIC));
	return each_row(s, st, what, author_each, &cb, ctx, 1);
}

static const char BA_DELETE[] = "DELETE FROM book_authors WHERE book_id = ?1 AND role = ?2";
static const char BA_INSERT[] = "INSERT INTO book_authors (book_id, role, position, author_id) VALUES (?1, ?2, ?3, ?4)";
static const char BA_LIST[] = "SELECT a.id, a.name, a.aliases, a.created_at FROM book_authors ba "
			      "JOIN authors a ON a.id = ba.author_id WHERE ba.book_id = ?1 AND ba.role = ?2 "
			      "ORDER BY ba.position";

static int sq_book_authors_set(void *ud, int64_t book_id, int32_t role, const int64_t *ids, int32_t n)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "book_authors_set";
	int rc = sq__prep(s, BA_DELETE, &st, what);
	if (rc != LEND_OK)
		return rc;
	BIND_OK(sqlite3_bind_int64(st, 1, book_id));
	BIND_OK(sqlite3_bind_int(st, 2, role));
	if ((rc = sq__run(s, st, what, 0)) != LEND_OK)
		return rc;
	for (int32_t i = 0; i < n; i++) {
		if ((rc = sq__prep(s, BA_INSERT, &st, what)) != LEND_OK)
			return rc;
		BIND_OK(sqlite3_bind_int64(st, 1, book_id));
		BIND_OK(sqlite3_bind_int(st, 2, role));
		BIND_OK(sqlite3_bind_int(st, 3, i));
		BIND_OK(sqlite3_bind_int64(st, 4, ids[i]));
		if ((rc = sq__run(s, st, what, 0)) != LEND_OK)
			return rc;
	}
	return LEND_OK;
}

static int sq_book_authors_list(void *ud, int64_t book_id, int32_t role, lend_sys_author_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "book_authors_list";
	int rc = sq__prep(s, BA_LIST, &st, what);
	if (rc != LEND_OK)
		return rc;
	BIND_OK(sqlite3_bind_int64(st, 1, book_id));
	BIND_OK(sqlite3_bind_int(st, 2, role));
	return each_row(s, st, what, author_each, &cb, ctx, 0);
}

static const char BOOK_EXTERNAL[] = "SELECT coalesce((SELECT id FROM books WHERE external_id = ?1), 0)";

static int sq_book_find_external(void *ud, const char *external_id, int64_t *book_id)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "book_find_external";
	int rc = sq__prep(s, BOOK_EXTERNAL, &st, what);
	if (rc != LEND_OK)
		return rc;
	BIND_OK(sqlite3_bind_text(st, 1, external_id ? external_id : "", -1, SQLITE_STATIC));
	*book_id = 0;
	rc = sq__run_count(s, st, what, book_id);
	if (rc == LEND_OK && *book_id == 0)
		return sq__not_found(s, what);
	return rc;
}

static const char GENRE_DELETE[] = "DELETE FROM book_genres WHERE book_id = ?1";
static const char GENRE_INSERT[] = "INSERT OR IGNORE INTO book_genres (genre, book_id) VALUES (?1, ?2)";

static int sq_book_genres_set(void *ud, int64_t book_id, const char *genres)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "book_genres_set";
	int rc = sq__prep(s, GENRE_DELETE, &st, what);
	if (rc != LEND_OK)
		return rc;
	BIND_OK(sqlite3_bind_int64(st, 1, book_id));
	if ((rc = sq__run(s, st, what, 0)) != LEND_OK)
		return rc;
	for (const char *p = genres ? genres : ""; *p;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		if (len > 0) {
			if ((rc = sq__prep(s, GENRE_INSERT, &st, what)) != LEND_OK)
				return rc;
			BIND_OK(sqlite3_bind_text(st, 1, p, len, SQLITE_STATIC));
			BIND_OK(sqlite3_bind_int64(st, 2, book_id));
			if ((rc = sq__run(s, st, what, 0)) != LEND_OK)
				return rc;
		}
		p += len + (nl ? 1 : 0);
	}
	return LEND_OK;
}

/* ------------------------------------------------------------ listings */

/* Parameters: ?1 the listing's subject (library, author, genre, reader),
 * ?2 kind (0 any), ?3 after_key, ?4 after_id (0: from the start), ?5 limit,
 * ?6 now or since. Columns: book id, key. */
#define LIVE "b.withdrawn_at = 0 AND (?2 = 0 OR b.kind = ?2)"
static const char LIST_FUND[] = "SELECT f.book_id, f.book_id FROM fund f JOIN books b ON b.id = f.book_id "
				"WHERE f.library_id = ?1 AND f.copies > 0 AND " LIVE " AND f.book_id > ?4 "
				"ORDER BY f.book_id LIMIT ?5";
static const char LIST_AUTHOR[] = "SELECT b.id, b.year FROM books b WHERE b.id IN "
				  "(SELECT book_id FROM book_authors WHERE author_id = ?1) AND " LIVE
				  " AND (?4 = 0 OR b.year < ?3 OR (b.year = ?3 AND b.id < ?4)) "
				  "ORDER BY b.year DESC, b.id DESC LIMIT ?5";
static const char LIST_GENRE[] = "SELECT g.book_id, g.book_id FROM book_genres g JOIN books b ON b.id = g.book_id "
				 "WHERE g.genre = ?1 AND " LIVE " AND (?4 = 0 OR g.book_id < ?4) "
				 "ORDER BY g.book_id DESC LIMIT ?5";
static const char LIST_NEW[] = "SELECT b.id, b.created_at FROM books b WHERE b.created_at <= ?6 "
			       "AND b.release_at <= ?6 AND " LIVE
			       " AND (?4 = 0 OR b.created_at < ?3 OR (b.created_at = ?3 AND b.id < ?4)) "
			       "ORDER BY b.created_at DESC, b.id DESC LIMIT ?5";
static const char LIST_SOON[] = "SELECT b.id, b.release_at FROM books b WHERE b.release_at > ?6 AND " LIVE
				" AND (?4 = 0 OR b.release_at > ?3 OR (b.release_at = ?3 AND b.id > ?4)) "
				"ORDER BY b.release_at, b.id LIMIT ?5";
static const char LIST_POPULAR[] = "SELECT b.id, p.c FROM (SELECT book_id, count(*) AS c FROM loans "
				   "WHERE issued_at >= ?6 AND (?1 = 0 OR library_id = ?1) GROUP BY book_id) p "
				   "JOIN books b ON b.id = p.book_id WHERE " LIVE
				   " AND (?4 = 0 OR p.c < ?3 OR (p.c = ?3 AND b.id > ?4)) "
				   "ORDER BY p.c DESC, b.id LIMIT ?5";
static const char LIST_RECOMMENDED[] =
	"WITH mine AS (SELECT DISTINCT book_id FROM loans WHERE reader_id = ?1), "
	"peers AS (SELECT DISTINCT reader_id FROM loans WHERE book_id IN mine AND reader_id <> ?1), "
	"p AS (SELECT book_id, count(DISTINCT reader_id) AS c FROM loans WHERE reader_id IN peers "
	"AND issued_at >= ?6 AND book_id NOT IN mine GROUP BY book_id) "
	"SELECT b.id, p.c FROM p JOIN books b ON b.id = p.book_id WHERE " LIVE
	" AND (?4 = 0 OR p.c < ?3 OR (p.c = ?3 AND b.id > ?4)) ORDER BY p.c DESC, b.id LIMIT ?5";

static int listed_each(sqlite3_stmt *st, void *cb, void *ctx)
{
	return (*(lend_sys_listed_cb *)cb)(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
}

static int sq_book_listing(void *ud, const lend_sys_listing *q, lend_sys_listed_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "book_listing", *sql;
	int64_t subject = 0, when = 0;
	switch (q->what) {
	case LEND_SYS_LISTING_FUND: sql = LIST_FUND, subject = q->library_id; break;
	case LEND_SYS_LISTING_AUTHOR: sql = LIST_AUTHOR, subject = q->author_id; break;
	case LEND_SYS_LISTING_GENRE: sql = LIST_GENRE; break;
	case LEND_SYS_LISTING_NEW: sql = LIST_NEW, when = q->now; break;
	case LEND_SYS_LISTING_SOON: sql = LIST_SOON, when = q->now; break;
	case LEND_SYS_LISTING_POPULAR: sql = LIST_POPULAR, subject = q->library_id, when = q->since; break;
	case LEND_SYS_LISTING_RECOMMENDED: sql = LIST_RECOMMENDED, subject = q->reader_id, when = q->since; break;
	default: return sq__fail_msg(s, what, "unknown listing", LEND_ESTORAGE);
	}
	int rc = sq__prep(s, sql, &st, what);
	if (rc != LEND_OK)
		return rc;
	/* not every listing uses every parameter */
	int np = sqlite3_bind_parameter_count(st);
	int64_t v[7] = {0, subject, q->kind, q->after_key, q->after_id, q->limit > 0 ? q->limit : -1, when};
	if (q->what == LEND_SYS_LISTING_GENRE)
		BIND_OK(sqlite3_bind_text(st, 1, q->genre ? q->genre : "", -1, SQLITE_STATIC));
	for (int i = q->what == LEND_SYS_LISTING_GENRE ? 2 : 1; i <= np && i <= 6; i++)
		BIND_OK(sqlite3_bind_int64(st, i, v[i]));
	return each_row(s, st, what, listed_each, &cb, ctx, 0);
}

/* ------------------------------------------------------------- ratings */

static const char RATING_GET[] = "SELECT reader_id, book_id, stars, rated_at FROM ratings "
				 "WHERE reader_id = ?1 AND book_id = ?2";
static const char RATING_PUT[] = "INSERT OR REPLACE INTO ratings (reader_id, book_id, stars, rated_at) "
				 "VALUES (?1, ?2, ?3, ?4)";
static const char RATING_DELETE[] = "DELETE FROM ratings WHERE reader_id = ?1 AND book_id = ?2";
static const char RATING_LIST[] = "SELECT reader_id, book_id, stars, rated_at FROM ratings "
				  "WHERE (?1 = 0 OR reader_id = ?1) AND (?2 = 0 OR book_id = ?2) "
				  "ORDER BY book_id, reader_id";
static const char RATING_LIST_BOOK[] = "SELECT reader_id, book_id, stars, rated_at FROM ratings "
				       "WHERE book_id = ?2 AND (?1 = 0 OR reader_id = ?1) ORDER BY book_id, reader_id";

static void rating_row(sqlite3_stmt *st, lend_sys_rating *r)
{
	r->reader_id = sqlite3_column_int64(st, 0);
	r->book_id = sqlite3_column_int64(st, 1);
	r->stars = sqlite3_column_int(st, 2);
	r->rated_at = sqlite3_column_int64(st, 3);
}

static int rating_copy_each(sqlite3_stmt *st, void *out, void *unused)
{
	(void)unused;
	rating_row(st, out);
	return 0;
}

static int rating_each(sqlite3_stmt *st, void *cb, void *ctx)
{
	lend_sys_rating r;
	rating_row(st, &r);
	return (*(lend_sys_rating_cb *)cb)(ctx, &r);
}

static int sq_rating_get(void *ud, int64_t reader_id, int64_t book_id, lend_sys_rating *out)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "rating_get";
	int rc = sq__prep(s, RATING_GET, &st, what);
	if (rc != LEND_OK)
		return rc;
	BIND_OK(sqlite3_bind_int64(st, 1, reader_id));
	BIND_OK(sqlite3_bind_int64(st, 2, book_id));
	return each_row(s, st, what, rating_copy_each, out, NULL, 1);
}

static int sq_rating_put(void *ud, const lend_sys_rating *row)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "rating_put";
	int rc = sq__prep(s, RATING_PUT, &st, what);
	if (rc != LEND_OK)
		return rc;
	BIND_OK(sqlite3_bind_int64(st, 1, row->reader_id));
	BIND_OK(sqlite3_bind_int64(st, 2, row->book_id));
	BIND_OK(sqlite3_bind_int(st, 3, row->stars));
	BIND_OK(sqlite3_bind_int64(st, 4, row->rated_at));
	return sq__run(s, st, what, 0);
}

static int sq_rating_delete(void *ud, int64_t reader_id, int64_t book_id)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "rating_delete";
	int rc = sq__prep(s, RATING_DELETE, &st, what);
	if (rc != LEND_OK)
		return rc;
	BIND_OK(sqlite3_bind_int64(st, 1, reader_id));
	BIND_OK(sqlite3_bind_int64(st, 2, book_id));
	return sq__run(s, st, what, 1);
}

static int sq_rating_list(void *ud, int64_t reader_id, int64_t book_id, lend_sys_rating_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "rating_list";
	int rc = sq__prep(s, book_id ? RATING_LIST_BOOK : RATING_LIST, &st, what);
	if (rc != LEND_OK)
		return rc;
	BIND_OK(sqlite3_bind_int64(st, 1, reader_id));
	BIND_OK(sqlite3_bind_int64(st, 2, book_id));
	return each_row(s, st, what, rating_each, &cb, ctx, 0);
}

static const char STATS_GET[] = "SELECT book_id, c1, c2, c3, c4, c5 FROM rating_stats WHERE book_id = ?1";
static const char STATS_PUT[] = "INSERT OR REPLACE INTO rating_stats (book_id, c1, c2, c3, c4, c5) "
				"VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char STATS_LIST[] = "SELECT book_id, c1, c2, c3, c4, c5 FROM rating_stats ORDER BY book_id";

typedef int (*stats_cb)(void *ctx, const lend_sys_rating_stats *row);

static void stats_row(sqlite3_stmt *st, lend_sys_rating_stats *r)
{
	r->book_id = sqlite3_column_int64(st, 0);
	for (int i = 0; i < 5; i++)
		r->count[i] = sqlite3_column_int64(st, i + 1);
}

static int stats_copy_each(sqlite3_stmt *st, void *out, void *unused)
{
	(void)unused;
	stats_row(st, out);
	return 0;
}

static int stats_each(sqlite3_stmt *st, void *cb, void *ctx)
{
	lend_sys_rating_stats r;
	stats_row(st, &r);
	return (*(stats_cb *)cb)(ctx, &r);
}

static int sq_rating_stats_get(void *ud, int64_t book_id, lend_sys_rating_stats *out)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "rating_stats_get";
	int rc = sq__prep(s, STATS_GET, &st, what);
	if (rc != LEND_OK)
		return rc;
	memset(out, 0, sizeof *out);
	out->book_id = book_id;
	BIND_OK(sqlite3_bind_int64(st, 1, book_id));
	return each_row(s, st, what, stats_copy_each, out, NULL, 0);
}

static int sq_rating_stats_put(void *ud, const lend_sys_rating_stats *row)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "rating_stats_put";
	int rc = sq__prep(s, STATS_PUT, &st, what);
	if (rc != LEND_OK)
		return rc;
	BIND_OK(sqlite3_bind_int64(st, 1, row->book_id));
	for (int i = 0; i < 5; i++)
		BIND_OK(sqlite3_bind_int64(st, i + 2, row->count[i]));
	return sq__run(s, st, what, 0);
}

static int sq_rating_stats_list(void *ud, stats_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "rating_stats_list";
	int rc = sq__prep(s, STATS_LIST, &st, what);
	if (rc != LEND_OK)
		return rc;
	return each_row(s, st, what, stats_each, &cb, ctx, 0);
}

/* ------------------------------------------------------------- reviews */

#define REVIEW_COLS "id, reader_id, book_id, text, created_at, updated_at"
static const char REVIEW_INSERT[] = "INSERT INTO reviews (reader_id, book_id, text, created_at, updated_at) "
				    "VALUES (?1, ?2, ?3, ?4, ?5)";
static const char REVIEW_UPDATE[] = "UPDATE reviews SET reader_id = ?2, text = ?3, updated_at = ?4 WHERE id = ?1";
static const char REVIEW_DELETE[] = "DELETE FROM reviews WHERE id = ?1";
static const char REVIEW_GET[] = "SELECT " REVIEW_COLS " FROM reviews WHERE id = ?1";
static const char REVIEW_LIST_BOOK[] = "SELECT " REVIEW_COLS " FROM reviews WHERE book_id = ?1 "
				       "AND (?2 = 0 OR reader_id = ?2) AND (?3 = 0 OR id < ?3) "
				       "ORDER BY id DESC LIMIT ?4";
static const char REVIEW_LIST_READER[] = "SELECT " REVIEW_COLS " FROM reviews WHERE reader_id = ?2 "
					 "AND (?1 = 0 OR book_id = ?1) AND (?3 = 0 OR id < ?3) "
					 "ORDER BY id DESC LIMIT ?4";
static const char REVIEW_LIST_ALL[] = "SELECT " REVIEW_COLS " FROM reviews WHERE (?1 = 0 OR book_id = ?1) "
				      "AND (?2 = 0 OR reader_id = ?2) AND (?3 = 0 OR id < ?3) "
				      "ORDER BY id DESC LIMIT ?4";

static int review_each(sqlite3_stmt *st, void *cb, void *ctx)
{
	lend_sys_review r;
	r.id = sqlite3_column_int64(st, 0);
	r.reader_id = sqlite3_column_int64(st, 1);
	r.book_id = sqlite3_column_int64(st, 2);
	r.text = sq__text(st, 3);
	r.created_at = sqlite3_column_int64(st, 4);
	r.updated_at = sqlite3_column_int64(st, 5);
	if (!r.text)
		return LEND_ENOMEM;
	return (*(lend_sys_review_cb *)cb)(ctx, &r);
}

static int sq_review_insert(void *ud, lend_sys_review *row)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "review_insert";
	int rc = sq__prep(s, REVIEW_INSERT, &st, what);
	if (rc != LEND_OK)
		return rc;
	BIND_OK(sqlite3_bind_int64(st, 1, row->reader_id));
	BIND_OK(sqlite3_bind_int64(st, 2, row->book_id));
	BIND_OK(bind_text(st, 3, row->text));
	BIND_OK(sqlite3_bind_int64(st, 4, row->created_at));
	BIND_OK(sqlite3_bind_int64(st, 5, row->updated_at));
	rc = sq__run(s, st, what, 0);
	if (rc == LEND_OK)
		row->id = sqlite3_last_insert_rowid(sq__db(s));
	return rc;
}

static int sq_review_update(void *ud, const lend_sys_review *row)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "review_update";
	int rc = sq__prep(s, REVIEW_UPDATE, &st, what);
	if (rc != LEND_OK)
		return rc;
	BIND_OK(sqlite3_bind_int64(st, 1, row->id));
	BIND_OK(sqlite3_bind_int64(st, 2, row->reader_id));
	BIND_OK(bind_text(st, 3, row->text));
	BIND_OK(sqlite3_bind_int64(st, 4, row->updated_at));
	return sq__run(s, st, what, 1);
}

static int sq_review_delete(void *ud, int64_t id)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "review_delete";
	int rc = sq__prep(s, REVIEW_DELETE, &st, what);
	if (rc != LEND_OK)
		return rc;
	BIND_OK(sqlite3_bind_int64(st, 1, id));
	return sq__run(s, st, what, 1);
}

static int sq_review_get(void *ud, int64_t id, lend_sys_review_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "review_get";
	int rc = sq__prep(s, REVIEW_GET, &st, what);
	if (rc != LEND_OK)
		return rc;
	BIND_OK(sqlite3_bind_int64(st, 1, id));
	return each_row(s, st, what, review_each, &cb, ctx, 1);
}

static int sq_review_list(void *ud, int64_t book_id, int64_t reader_id, int64_t before_id, int32_t limit,
                          lend_sys_review_cb cb, void *ctx)
{
	sq *s = ud;
	sqlite3_stmt *st;
	const char *what = "review_list";
	const char *sql = book_id ? REVIEW_LIST_BOOK : reader_id ? REVIEW_LIST_READER : REVIEW_LIST_ALL;
	int rc = sq__prep(s, sql, &st, what);
	if (rc != LEND_OK)
		return rc;
	BIND_OK(sqlite3_bind_int64(st, 1, book_id));
	BIND_OK(sqlite3_bind_int64(st, 2, reader_id));
	BIND_OK(sqlite3_bind_int64(st, 3, before_id));
	BIND_OK(sqlite3_bind_int64(st, 4, limit > 0 ? limit : -1));
	return each_row(s, st, what, review_each, &cb, ctx, 0);
}

void sq__catalog_methods(lend_storage *out)
{
	out->author_insert = sq_author_insert;
	out->author_update = sq_author_update;
	out->author_get = sq_author_get;
	out->author_find = sq_author_find;
	out->book_authors_set = sq_book_authors_set;
	out->book_authors_list = sq_book_authors_list;
	out->book_find_external = sq_book_find_external;
	out->book_genres_set = sq_book_genres_set;
	out->book_listing = sq_book_listing;
	out->rating_get = sq_rating_get;
	out->rating_put = sq_rating_put;
	out->rating_delete = sq_rating_delete;
	out->rating_list = sq_rating_list;
	out->rating_stats_get = sq_rating_stats_get;
	out->rating_stats_put = sq_rating_stats_put;
	out->rating_stats_list = sq_rating_stats_list;
	out->review_insert = sq_review_insert;
	out->review_update = sq_review_update;
	out->review_delete = sq_review_delete;
	out->review_get = sq_review_get;
	out->review_list = sq_review_list;
}
