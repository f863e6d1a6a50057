/* lib/storage/sqlite/schema.h — the SQLite schema of liblend, as migrations.
 *
 * Included by sqlite.c only. The areas' tables are in their own files (see sq.h).
 *
 * The `meta` table holds `schema_version`: the number of migrations applied.
 * At open, the backend applies lend_sqlite_migrations[version ..] in order,
 * all inside one BEGIN IMMEDIATE transaction, setting schema_version after
 * each. A database whose schema_version is above the number of migrations
 * known here is refused.
 *
 * Rules for changing the schema:
 *  - Never edit a migration that has shipped: append a new one (ALTER TABLE
 *    ... ADD COLUMN, CREATE INDEX, ...) and add it to the array below.
 *  - Columns are named exactly as the fields of the row structs in
 *    lend/sys/storage.h. Integers are NOT NULL DEFAULT 0; strings may be NULL
 *    (read back as "").
 *  - Ids that the engine hands out (libraries, readers, tickets, books,
 *    loans, holds, notes, ledger) are INTEGER PRIMARY KEY AUTOINCREMENT, so
 *    an id is never reused (holds rely on this: id order is queue order).
 *  - No FOREIGN KEY constraints: the engine checks ids itself.
 *  - Partial indexes name their condition literally (ended_at = 0,
 *    delivered_at = 0, suspended_until > 0 AND state = 1) and the queries in
 *    sqlite.c spell it the same way, never with a bound parameter: a bound
 *    parameter compared against a partial index's constant makes SQLite
 *    re-prepare the statement at every bind.
 */
#ifndef LEND_STORAGE_SQLITE_SCHEMA_H
#define LEND_STORAGE_SQLITE_SCHEMA_H

/* Created before anything else; not a migration. */
static const char lend_sqlite_meta_sql[] =
	"CREATE TABLE IF NOT EXISTS meta (\n"
	"key TEXT PRIMARY KEY NOT NULL,\n"
	"value INTEGER NOT NULL\n"
	") WITHOUT ROWID;\n";

/* Version 1: the initial schema. */
static const char lend_sqlite_migration_1[] =
	"CREATE TABLE libraries (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"name TEXT,\n"
	"address TEXT,\n"
	"contacts TEXT,\n"
	"currency TEXT,\n"
	"budget INTEGER NOT NULL DEFAULT 0,\n"
	"created_at INTEGER NOT NULL DEFAULT 0\n"
	");\n"

	"CREATE TABLE grants (\n"
	"reader_id INTEGER NOT NULL,\n"
	"library_id INTEGER NOT NULL,\n"
	"PRIMARY KEY (reader_id, library_id)\n"
	") WITHOUT ROWID;\n"

	"CREATE TABLE readers (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"name TEXT,\n"
	"birth_date INTEGER NOT NULL DEFAULT 0,\n"
	"created_at INTEGER NOT NULL DEFAULT 0\n"
	");\n"

	"CREATE TABLE tickets (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"library_id INTEGER NOT NULL DEFAULT 0,\n"
	"reader_id INTEGER NOT NULL DEFAULT 0,\n"
	"number TEXT,\n"
	"valid_from INTEGER NOT NULL DEFAULT 0,\n"
	"valid_until INTEGER NOT NULL DEFAULT 0,\n"
	"blocked INTEGER NOT NULL DEFAULT 0,\n"
	"created_at INTEGER NOT NULL DEFAULT 0,\n"
	"UNIQUE (library_id, number)\n"
	");\n"
	"CREATE INDEX tickets_reader ON tickets (reader_id);\n"

	"CREATE TABLE books (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"kind INTEGER NOT NULL DEFAULT 0,\n"
	"title TEXT,\n"
	"authors TEXT,\n"
	"age_rating INTEGER NOT NULL DEFAULT 0,\n"
	"price INTEGER NOT NULL DEFAULT 0,\n"
	"currency TEXT,\n"
	"lendable INTEGER NOT NULL DEFAULT 0,\n"
	"release_at INTEGER NOT NULL DEFAULT 0,\n"
	"created_at INTEGER NOT NULL DEFAULT 0,\n"
	"subtitle TEXT,\n"
	"series TEXT,\n"
	"series_no INTEGER NOT NULL DEFAULT 0,\n"
	"language TEXT,\n"
	"narrators TEXT,\n"
	"publisher TEXT,\n"
	"year INTEGER NOT NULL DEFAULT 0,\n"
	"isbn TEXT,\n"
	"genres TEXT,\n"
	"annotation TEXT,\n"
	"preview INTEGER NOT NULL DEFAULT 0,\n"
	"length INTEGER NOT NULL DEFAULT 0,\n"
	"external_id TEXT UNIQUE,\n"
	"withdrawn_at INTEGER NOT NULL DEFAULT 0,\n"
	"updated_at INTEGER NOT NULL DEFAULT 0\n"
	");\n"

	"CREATE TABLE fund (\n"
	"library_id INTEGER NOT NULL,\n"
	"book_id INTEGER NOT NULL,\n"
	"copies INTEGER NOT NULL DEFAULT 0,\n"
	"on_loan INTEGER NOT NULL DEFAULT 0,\n"
	"updated_at INTEGER NOT NULL DEFAULT 0,\n"
	"PRIMARY KEY (library_id, book_id)\n"
	") WITHOUT ROWID;\n"

	"CREATE TABLE loans (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"ticket_id INTEGER NOT NULL DEFAULT 0,\n"
	"reader_id INTEGER NOT NULL DEFAULT 0,\n"
	"library_id INTEGER NOT NULL DEFAULT 0,\n"
	"book_id INTEGER NOT NULL DEFAULT 0,\n"
	"origin INTEGER NOT NULL DEFAULT 0,\n"
	"issued_at INTEGER NOT NULL DEFAULT 0,\n"
	"due_at INTEGER NOT NULL DEFAULT 0,\n"
	"ended_at INTEGER NOT NULL DEFAULT 0,\n"
	"end_reason INTEGER NOT NULL DEFAULT 0,\n"
	"kind INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	/* loans of a ticket over a period (monthly quota). Created before
	 * loans_ticket_active on purpose: without statistics SQLite rates the two
	 * alike for "ticket_id = ? AND ended_at = 0" and takes the index created
	 * last, which must be the partial one. */
	"CREATE INDEX loans_ticket_issued ON loans (ticket_id, issued_at);\n"
	/* active loans of a ticket (limits) */
	"CREATE INDEX loans_ticket_active ON loans (ticket_id) WHERE ended_at = 0;\n"
	/* a reader's shelf */
	"CREATE INDEX loans_reader ON loans (reader_id, ended_at);\n"
	/* active loans of a book in a library */
	"CREATE INDEX loans_book_active ON loans (library_id, book_id) WHERE ended_at = 0;\n"
	/* every loan of a book, ever: its popularity for search */
	"CREATE INDEX loans_book ON loans (book_id);\n"
	/* loans falling due (tick) */
	"CREATE INDEX loans_due_active ON loans (due_at) WHERE ended_at = 0;\n"

	"CREATE TABLE holds (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"library_id INTEGER NOT NULL DEFAULT 0,\n"
	"book_id INTEGER NOT NULL DEFAULT 0,\n"
	"ticket_id INTEGER NOT NULL DEFAULT 0,\n"
	"reader_id INTEGER NOT NULL DEFAULT 0,\n"
	"joined_at INTEGER NOT NULL DEFAULT 0,\n"
	"suspended_until INTEGER NOT NULL DEFAULT 0,\n"
	"state INTEGER NOT NULL DEFAULT 0,\n"
	"ended_at INTEGER NOT NULL DEFAULT 0,\n"
	"loan_id INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	/* a book's queue, in order */
	"CREATE INDEX holds_queue ON holds (library_id, book_id, state, id);\n"
	"CREATE INDEX holds_reader ON holds (reader_id, state);\n"
	"CREATE INDEX holds_ticket ON holds (ticket_id, state);\n"
	/* waiting places whose suspension runs out */
	"CREATE INDEX holds_suspended ON holds (id) WHERE suspended_until > 0 AND state = 1;\n"

	"CREATE TABLE notes (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"uuid TEXT UNIQUE,\n"
	"kind INTEGER NOT NULL DEFAULT 0,\n"
	"reader_id INTEGER NOT NULL DEFAULT 0,\n"
	"library_id INTEGER NOT NULL DEFAULT 0,\n"
	"book_id INTEGER NOT NULL DEFAULT 0,\n"
	"loan_id INTEGER NOT NULL DEFAULT 0,\n"
	"created_at INTEGER NOT NULL DEFAULT 0,\n"
	"detail TEXT,\n"
	"attempts INTEGER NOT NULL DEFAULT 0,\n"
	"next_attempt_at INTEGER NOT NULL DEFAULT 0,\n"
	"delivered_at INTEGER NOT NULL DEFAULT 0,\n"
	"last_error TEXT\n"
	");\n"
	/* the pending outbox, in id order (the listing's order: an index on
	 * next_attempt_at would leave SQLite scanning the whole table by id) */
	"CREATE INDEX notes_pending ON notes (id) WHERE delivered_at = 0;\n"

	"CREATE TABLE policy (\n"
	"library_id INTEGER NOT NULL,\n"
	"ticket_id INTEGER NOT NULL,\n"
	"kind INTEGER NOT NULL,\n"
	"setting INTEGER NOT NULL,\n"
	"value INTEGER NOT NULL DEFAULT 0,\n"
	"PRIMARY KEY (library_id, ticket_id, kind, setting)\n"
	") WITHOUT ROWID;\n"

	"CREATE TABLE ledger (\n"
	"id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"library_id INTEGER NOT NULL DEFAULT 0,\n"
	"at INTEGER NOT NULL DEFAULT 0,\n"
	"amount INTEGER NOT NULL DEFAULT 0,\n"
	"kind INTEGER NOT NULL DEFAULT 0,\n"
	"book_id INTEGER NOT NULL DEFAULT 0,\n"
	"actor_id INTEGER NOT NULL DEFAULT 0,\n"
	"note TEXT\n"
	");\n"
	"CREATE INDEX ledger_library_at ON ledger (library_id, at);\n";

/* Version 7: a library's loans newest first (the wait estimate samples the
 * last ended ones; without it every estimate read the library's history). */
static const char lend_sqlite_migration_7[] = "CREATE INDEX loans_library_issued ON loans (library_id, issued_at);\n";

/* Version 8 (search.c): suggestion rows for prefixes of up to 8
 * characters, not 3, so that a word typed past its third letter is one
 * B-tree range too (doc/search.md). */

/* Version 9 (search.c): search_state, the generation of the search index
 * that tells a connection whether the sets of books it keeps for queries
 * of several words are still true (search_cache.c). */

/* Version 10 (search.c): search_log, a row per write of a book's index,
 * replaces search_state: a connection reads again only the books written
 * since its last search, not all it keeps (search_cache.c). */

/* Every migration, in order; schema_version N means the first N are applied.
 * Append only. */
static const char *const lend_sqlite_migrations[] = {
	lend_sqlite_migration_1,
	sq__desk_schema,
	sq__accounts_schema,
	sq__shelf_schema,
	sq__catalog_schema,
	sq__search_schema,
	lend_sqlite_migration_7,
	sq__search_prefix_migration,
	sq__search_state_migration,
	sq__search_log_migration,
};

#define LEND_SQLITE_SCHEMA_VERSION ((int)(sizeof lend_sqlite_migrations / sizeof lend_sqlite_migrations[0]))

#endif /* LEND_STORAGE_SQLITE_SCHEMA_H */
