/* embed.c — liblend in a host program: a library, a reader with a card, a
 * book with one copy, and a take. Build: cc embed.c $(pkg-config --cflags --libs liblend) */
#include <lend.h>
#include <stdio.h>
#include <time.h>

int main(void)
{
	lend_engine *e;
	lend_actor *admin;
	lend_library *lib;
	lend_reader *r;
	lend_ticket *t;
	lend_book *b;
	lend_loan *loan;
	int64_t lib_id, reader_id, book_id;

	lend_engine_open(&e, ":memory:", NULL);
	lend_actor_admin(e, &admin);
	lend_library_new(&lib);
	lend_library_set_name(lib, "Хабаровская краевая библиотека");
	lend_library_add(e, admin, lib, &lib_id);
	lend_reader_new(&r);
	lend_reader_set_name(r, "Иван Петров");
	lend_reader_set_birth_date(r, 1987, 4, 12);
	lend_reader_add(e, admin, r, &reader_id);
	lend_ticket_issue(e, admin, lib_id, reader_id, NULL, &t);
	lend_book_new(&b);
	lend_book_set_title(b, "Анна Каренина");
	lend_book_add_author(b, "Лев Толстой");
	lend_book_add(e, admin, b, &book_id);
	lend_fund_add_copies(e, admin, lib_id, book_id, 1);

	if (lend_take(e, admin, lend_ticket_id(t), book_id, &loan) != LEND_OK) {
		fprintf(stderr, "refused: %s\n", lend_engine_errmsg(e));
		return 1;
	}
	time_t due = (time_t)lend_loan_due_at(loan);
	char when[32];
	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", gmtime(&due));
	printf("«Анна Каренина» is lent on card %s until %s\n", lend_ticket_number(t), when);

	lend_loan_free(loan);
	lend_book_free(b);
	lend_ticket_free(t);
	lend_reader_free(r);
	lend_library_free(lib);
	lend_actor_free(admin);
	lend_engine_close(e);
	return 0;
}
