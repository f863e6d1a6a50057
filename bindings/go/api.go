package lend

/*
#include <stdlib.h>
#include <lend.h>
*/
import "C"

import (
	"time"
	"unsafe"
)

// cstrings holds C copies of Go strings for one call.
type cstrings []unsafe.Pointer

func (cs *cstrings) of(s string) *C.char {
	p := C.CString(s)
	*cs = append(*cs, unsafe.Pointer(p))
	return p
}

// opt is of for a string that may be absent: "" is NULL.
func (cs *cstrings) opt(s string) *C.char {
	if s == "" {
		return nil
	}
	return cs.of(s)
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

func (cs *cstrings) free() {
	for _, p := range *cs {
		C.free(p)
	}
}

// --------------------------------------------------------------- engine

// Now returns the engine's clock now.
func (e *Engine) Now() (time.Time, error) {
	var v C.int64_t
	err := e.call(func(c *C.lend_engine) C.int {
		v = C.lend_engine_now(c)
		if v < 0 {
			return C.LEND_EUSER
		}
		return 0
	})
	if le, ok := err.(*Error); ok && le.Status == ErrUser {
		le.Message = "the host's clock failed"
	}
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(int64(v), 0).UTC(), nil
}

// Tick ends every loan due by now and hands freed copies to the queues.
func (e *Engine) Tick() (loansEnded, handoffs int64, err error) {
	var ended, handed C.int64_t
	err = e.call(func(c *C.lend_engine) C.int { return C.lend_engine_tick(c, &ended, &handed) })
	return int64(ended), int64(handed), err
}

// Deliver hands up to max (<= 0: all) due notifications to the notifier and
// returns how many went out. Failed ones stay pending and are retried with
// backoff; if the notifier failed, the error (ErrUser) wraps its error.
func (e *Engine) Deliver(max int) (int, error) {
	var n C.int
	err := e.call(func(c *C.lend_engine) C.int { return C.lend_engine_deliver(c, C.int(max), &n) })
	return int(n), err
}

// Check verifies what must never happen; it returns no problems when all is well.
func (e *Engine) Check() ([]string, error) {
	var r *C.lend_report
	if err := e.call(func(c *C.lend_engine) C.int { return C.lend_engine_check(c, &r) }); err != nil {
		return nil, err
	}
	defer C.lend_report_free(r)
	var out []string
	for i, n := C.size_t(0), C.lend_report_count(r); i < n; i++ {
		out = append(out, C.GoString(C.lend_report_get(r, i)))
	}
	return out, nil
}

// ------------------------------------------------------------ libraries

// LibraryDraft describes a library to connect. Currency "" means RUB.
type LibraryDraft struct {
	Name     string
	Address  string
	Contacts string
	Currency string
}

// AddLibrary connects a library (admin only) and returns its id.
func (e *Engine) AddLibrary(a *Actor, d LibraryDraft) (int64, error) {
	var h *C.lend_library
	if rc := C.lend_library_new(&h); rc != 0 {
		return 0, errorf(Status(rc), "cannot make a library")
	}
	defer C.lend_library_free(h)
	var cs cstrings
	defer cs.free()
	err := check(C.lend_library_set_name(h, cs.of(d.Name)), "the library's name", d.Name)
	if err == nil && d.Address != "" {
		err = check(C.lend_library_set_address(h, cs.of(d.Address)), "the address", d.Address)
	}
	if err == nil && d.Contacts != "" {
		err = check(C.lend_library_set_contacts(h, cs.of(d.Contacts)), "the contacts", d.Contacts)
	}
	if err == nil && d.Currency != "" {
		err = check(C.lend_library_set_currency(h, cs.of(d.Currency)), "the currency", d.Currency)
	}
	if err != nil {
		return 0, err
	}
	var id C.int64_t
	err = e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int { return C.lend_library_add(c, ca, h, &id) })
	return int64(id), err
}

// Library returns a library.
func (e *Engine) Library(a *Actor, libraryID int64) (Library, error) {
	var h *C.lend_library
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_library_get(c, ca, C.int64_t(libraryID), &h)
	})
	if err != nil {
		return Library{}, err
	}
	defer C.lend_library_free(h)
	return libraryFrom(h), nil
}

// Libraries returns every library the actor may see.
func (e *Engine) Libraries(a *Actor) ([]Library, error) {
	var l *C.lend_libraries
	if err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int { return C.lend_library_list(c, ca, &l) }); err != nil {
		return nil, err
	}
	defer C.lend_libraries_free(l)
	out := []Library{}
	for i, n := C.size_t(0), C.lend_libraries_count(l); i < n; i++ {
		out = append(out, libraryFrom(C.lend_libraries_get(l, i)))
	}
	return out, nil
}

// Grant makes an account a librarian of a library (admin only).
func (e *Engine) Grant(a *Actor, libraryID, readerID int64) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_library_grant(c, ca, C.int64_t(libraryID), C.int64_t(readerID))
	})
}

// Revoke takes a library's staff rights from an account (admin only).
func (e *Engine) Revoke(a *Actor, libraryID, readerID int64) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_library_revoke(c, ca, C.int64_t(libraryID), C.int64_t(readerID))
	})
}

// AddBudget tops up a library's budget by amount > 0 minor units.
func (e *Engine) AddBudget(a *Actor, libraryID, amount int64, note string) error {
	var cs cstrings
	defer cs.free()
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_budget_add(c, ca, C.int64_t(libraryID), C.int64_t(amount), cs.of(note))
	})
}

// SetPolicy sets a library's value of a setting for a kind (KindAny: all);
// value is Unlimited or >= 0.
func (e *Engine) SetPolicy(a *Actor, libraryID int64, kind Kind, s Setting, value int64) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_policy_set(c, ca, C.int64_t(libraryID), C.int(kind), C.int(s), C.int64_t(value))
	})
}

// ClearPolicy removes a library-level value, falling back to the less specific one.
func (e *Engine) ClearPolicy(a *Actor, libraryID int64, kind Kind, s Setting) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_policy_clear(c, ca, C.int64_t(libraryID), C.int(kind), C.int(s))
	})
}

// Policy returns a library's effective value of a setting for a kind.
func (e *Engine) Policy(a *Actor, libraryID int64, kind Kind, s Setting) (int64, error) {
	var v C.int64_t
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_policy_get(c, ca, C.int64_t(libraryID), C.int(kind), C.int(s), &v)
	})
	return int64(v), err
}

// -------------------------------------------------------------- readers

// AddReader registers a reader and returns his id; a zero birthDate means unknown.
func (e *Engine) AddReader(a *Actor, name string, birthDate time.Time) (int64, error) {
	var h *C.lend_reader
	if rc := C.lend_reader_new(&h); rc != 0 {
		return 0, errorf(Status(rc), "cannot make a reader")
	}
	defer C.lend_reader_free(h)
	var cs cstrings
	defer cs.free()
	err := check(C.lend_reader_set_name(h, cs.of(name)), "the reader's name", name)
	if err == nil && !birthDate.IsZero() {
		y, m, d := birthDate.Date()
		err = check(C.lend_reader_set_birth_date(h, C.int(y), C.int(m), C.int(d)), "the birth date",
			birthDate.Format("2006-01-02"))
	}
	if err != nil {
		return 0, err
	}
	var id C.int64_t
	err = e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int { return C.lend_reader_add(c, ca, h, &id) })
	return int64(id), err
}

// Reader returns a reader.
func (e *Engine) Reader(a *Actor, readerID int64) (Reader, error) {
	var h *C.lend_reader
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_reader_get(c, ca, C.int64_t(readerID), &h)
	})
	if err != nil {
		return Reader{}, err
	}
	defer C.lend_reader_free(h)
	return readerFrom(h), nil
}

// -------------------------------------------------------------- tickets

// IssueTicket issues a library card; number "" lets the engine make one.
func (e *Engine) IssueTicket(a *Actor, libraryID, readerID int64, number string) (Ticket, error) {
	var cs cstrings
	defer cs.free()
	var num *C.char
	if number != "" {
		num = cs.of(number)
	}
	var h *C.lend_ticket
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_ticket_issue(c, ca, C.int64_t(libraryID), C.int64_t(readerID), num, &h)
	})
	return takeTicket(h, err)
}

func takeTicket(h *C.lend_ticket, err error) (Ticket, error) {
	if err != nil {
		return Ticket{}, err
	}
	defer C.lend_ticket_free(h)
	return ticketFrom(h), nil
}

// Ticket returns a ticket.
func (e *Engine) Ticket(a *Actor, ticketID int64) (Ticket, error) {
	var h *C.lend_ticket
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_ticket_get(c, ca, C.int64_t(ticketID), &h)
	})
	return takeTicket(h, err)
}

// Tickets returns all tickets of a reader, across libraries.
func (e *Engine) Tickets(a *Actor, readerID int64) ([]Ticket, error) {
	var l *C.lend_tickets
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_ticket_list(c, ca, C.int64_t(readerID), &l)
	})
	if err != nil {
		return nil, err
	}
	defer C.lend_tickets_free(l)
	out := []Ticket{}
	for i, n := C.size_t(0), C.lend_tickets_count(l); i < n; i++ {
		out = append(out, ticketFrom(C.lend_tickets_get(l, i)))
	}
	return out, nil
}

// SetTicketBlocked blocks or unblocks a ticket.
func (e *Engine) SetTicketBlocked(a *Actor, ticketID int64, blocked bool) error {
	b := C.int(0)
	if blocked {
		b = 1
	}
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_ticket_set_blocked(c, ca, C.int64_t(ticketID), b)
	})
}

// SetTicketValidity sets a ticket's validity dates; a zero Time is open-ended.
func (e *Engine) SetTicketValidity(a *Actor, ticketID int64, from, until time.Time) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_ticket_set_validity(c, ca, C.int64_t(ticketID), toUnix(from), toUnix(until))
	})
}

// SetTicketLimit overrides a policy setting for one ticket.
func (e *Engine) SetTicketLimit(a *Actor, ticketID int64, kind Kind, s Setting, value int64) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_ticket_set_limit(c, ca, C.int64_t(ticketID), C.int(kind), C.int(s), C.int64_t(value))
	})
}

// ClearTicketLimit removes a ticket's override.
func (e *Engine) ClearTicketLimit(a *Actor, ticketID int64, kind Kind, s Setting) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_ticket_clear_limit(c, ca, C.int64_t(ticketID), C.int(kind), C.int(s))
	})
}

// Limits returns a ticket's effective limits for a kind of book, and what is used.
func (e *Engine) Limits(a *Actor, ticketID int64, kind Kind) (Limits, error) {
	var h *C.lend_limits
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_limits_get(c, ca, C.int64_t(ticketID), C.int(kind), &h)
	})
	if err != nil {
		return Limits{}, err
	}
	defer C.lend_limits_free(h)
	return limitsFrom(h), nil
}

// ---------------------------------------------------------------- books

// setBook writes a Book's fields into a handle; authors beyond the first
// `from` are appended.
func setBook(h *C.lend_book, b Book, old *Book) error {
	var cs cstrings
	defer cs.free()
	if old == nil {
		old = &Book{}
	}
	err := check(C.lend_book_set_title(h, cs.of(b.Title)), "the title", b.Title)
	if err == nil && b.Kind != 0 {
		err = check(C.lend_book_set_kind(h, C.int(b.Kind)), "the kind", b.Kind)
	}
	for _, name := range b.Authors[len(old.Authors):] {
		if err == nil {
			err = check(C.lend_book_add_author(h, cs.of(name)), "the author", name)
		}
	}
	if err == nil {
		err = check(C.lend_book_set_age_rating(h, C.int(b.AgeRating)), "the age rating", b.AgeRating)
	}
	if err == nil {
		cur := b.Price.Currency
		if cur == "" {
			cur = "RUB"
		}
		err = check(C.lend_book_set_price(h, C.int64_t(b.Price.Amount), cs.of(cur)), "the price", b.Price)
	}
	if err == nil {
		l := C.int(1)
		if b.NotLendable {
			l = 0
		}
		err = check(C.lend_book_set_lendable(h, l), "lendable", !b.NotLendable)
	}
	if err == nil {
		err = check(C.lend_book_set_release_at(h, toUnix(b.ReleaseAt)), "the release time", b.ReleaseAt)
	}
	if err == nil {
		err = setBookMeta(h, b, old, &cs)
	}
	return err
}

// setBookMeta sets the catalog's metadata; narrators and genres beyond
// old's are appended.
func setBookMeta(h *C.lend_book, b Book, old *Book, cs *cstrings) error {
	texts := []struct {
		what  string
		value string
		set   func(*C.lend_book, *C.char) C.int
	}{
		{"the subtitle", b.Subtitle, func(h *C.lend_book, s *C.char) C.int { return C.lend_book_set_subtitle(h, s) }},
		{"the language", b.Language, func(h *C.lend_book, s *C.char) C.int { return C.lend_book_set_language(h, s) }},
		{"the publisher", b.Publisher, func(h *C.lend_book, s *C.char) C.int { return C.lend_book_set_publisher(h, s) }},
		{"the ISBN", b.ISBN, func(h *C.lend_book, s *C.char) C.int { return C.lend_book_set_isbn(h, s) }},
		{"the annotation", b.Annotation, func(h *C.lend_book, s *C.char) C.int { return C.lend_book_set_annotation(h, s) }},
		{"the external id", b.ExternalID, func(h *C.lend_book, s *C.char) C.int { return C.lend_book_set_external_id(h, s) }},
	}
	var err error
	for _, t := range texts {
		if err == nil {
			err = check(t.set(h, cs.opt(t.value)), t.what, t.value)
		}
	}
	if err == nil {
		err = check(C.lend_book_set_series(h, cs.opt(b.Series), C.int(b.SeriesNumber)), "the series", b.Series)
	}
	if err == nil {
		err = check(C.lend_book_set_year(h, C.int(b.Year)), "the year", b.Year)
	}
	if err == nil {
		err = check(C.lend_book_set_preview(h, C.int(b.Preview)), "the preview", b.Preview)
	}
	if err == nil {
		err = check(C.lend_book_set_length(h, C.int64_t(b.Length)), "the length", b.Length)
	}
	for _, name := range b.Narrators[len(old.Narrators):] {
		if err == nil {
			err = check(C.lend_book_add_narrator(h, cs.of(name)), "the narrator", name)
		}
	}
	for _, g := range b.Genres[len(old.Genres):] {
		if err == nil {
			err = check(C.lend_book_add_genre(h, cs.of(g)), "the genre", g)
		}
	}
	return err
}

func hasPrefix(s, prefix []string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := range prefix {
		if s[i] != prefix[i] {
			return false
		}
	}
	return true
}

// AddBook adds a title to the shared catalog (admin only) and returns its id.
func (e *Engine) AddBook(a *Actor, b Book) (int64, error) {
	var h *C.lend_book
	if rc := C.lend_book_new(&h); rc != 0 {
		return 0, errorf(Status(rc), "cannot make a book")
	}
	defer C.lend_book_free(h)
	if err := setBook(h, b, nil); err != nil {
		return 0, err
	}
	var id C.int64_t
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int { return C.lend_book_add(c, ca, h, &id) })
	return int64(id), err
}

// UpdateBook replaces the metadata of the stored book b.ID with b's (admin
// only). Authors, narrators and genres can only be appended: each of b's
// lists must begin with the stored one. Returns the book as stored.
func (e *Engine) UpdateBook(a *Actor, b Book) (Book, error) {
	var h *C.lend_book
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_book_get(c, ca, C.int64_t(b.ID), &h)
	})
	if err != nil {
		return Book{}, err
	}
	defer C.lend_book_free(h)
	old := bookFrom(h)
	for _, names := range []struct {
		what     string
		old, new []string
	}{{"authors", old.Authors, b.Authors}, {"narrators", old.Narrators, b.Narrators}, {"genres", old.Genres, b.Genres}} {
		if !hasPrefix(names.new, names.old) {
			return Book{}, errorf(ErrInvalid, "%s can only be appended to %v", names.what, names.old)
		}
	}
	if err := setBook(h, b, &old); err != nil {
		return Book{}, err
	}
	if err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int { return C.lend_book_update(c, ca, h) }); err != nil {
		return Book{}, err
	}
	return e.Book(a, b.ID) // as stored, with its new update time
}

// Book returns a book.
func (e *Engine) Book(a *Actor, bookID int64) (Book, error) {
	var h *C.lend_book
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_book_get(c, ca, C.int64_t(bookID), &h)
	})
	if err != nil {
		return Book{}, err
	}
	defer C.lend_book_free(h)
	return bookFrom(h), nil
}

// Books returns at most limit (1..1000) books in id order after afterID.
func (e *Engine) Books(a *Actor, afterID int64, limit int) ([]Book, error) {
	var l *C.lend_books
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_book_list(c, ca, C.int64_t(afterID), C.int(limit), &l)
	})
	if err != nil {
		return nil, err
	}
	defer C.lend_books_free(l)
	out := []Book{}
	for i, n := C.size_t(0), C.lend_books_count(l); i < n; i++ {
		out = append(out, bookFrom(C.lend_books_get(l, i)))
	}
	return out, nil
}

// ----------------------------------------------------------------- fund

func (e *Engine) copies(a *Actor, libraryID, bookID int64, n int,
	fn func(*C.lend_engine, *C.lend_actor, C.int64_t, C.int64_t, C.int) C.int) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return fn(c, ca, C.int64_t(libraryID), C.int64_t(bookID), C.int(n))
	})
}

// AddCopies adds copies without spending the budget; freed copies go to the queue.
func (e *Engine) AddCopies(a *Actor, libraryID, bookID int64, n int) error {
	return e.copies(a, libraryID, bookID, n, func(c *C.lend_engine, ca *C.lend_actor, l, b C.int64_t, k C.int) C.int {
		return C.lend_fund_add_copies(c, ca, l, b, k)
	})
}

// BuyCopies buys copies from the library's budget at the book's price.
func (e *Engine) BuyCopies(a *Actor, libraryID, bookID int64, n int) error {
	return e.copies(a, libraryID, bookID, n, func(c *C.lend_engine, ca *C.lend_actor, l, b C.int64_t, k C.int) C.int {
		return C.lend_fund_buy_copies(c, ca, l, b, k)
	})
}

// RemoveCopies withdraws copies, never below the number on loan.
func (e *Engine) RemoveCopies(a *Actor, libraryID, bookID int64, n int) error {
	return e.copies(a, libraryID, bookID, n, func(c *C.lend_engine, ca *C.lend_actor, l, b C.int64_t, k C.int) C.int {
		return C.lend_fund_remove_copies(c, ca, l, b, k)
	})
}

// Fund returns a library's copies of a book.
func (e *Engine) Fund(a *Actor, libraryID, bookID int64) (Fund, error) {
	var h *C.lend_fund
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_fund_get(c, ca, C.int64_t(libraryID), C.int64_t(bookID), &h)
	})
	if err != nil {
		return Fund{}, err
	}
	defer C.lend_fund_free(h)
	return fundFrom(h), nil
}

// Funds returns at most limit (1..1000) of a library's funds in book-id order after afterBookID.
func (e *Engine) Funds(a *Actor, libraryID, afterBookID int64, limit int) ([]Fund, error) {
	var l *C.lend_funds
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_fund_list(c, ca, C.int64_t(libraryID), C.int64_t(afterBookID), C.int(limit), &l)
	})
	if err != nil {
		return nil, err
	}
	defer C.lend_funds_free(l)
	out := []Fund{}
	for i, n := C.size_t(0), C.lend_funds_count(l); i < n; i++ {
		out = append(out, fundFrom(C.lend_funds_get(l, i)))
	}
	return out, nil
}

// ---------------------------------------------------------- circulation

// Availability returns the one verdict for a ticket and a book.
func (e *Engine) Availability(a *Actor, ticketID, bookID int64) (Availability, error) {
	var h *C.lend_availability
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_availability_get(c, ca, C.int64_t(ticketID), C.int64_t(bookID), &h)
	})
	if err != nil {
		return Availability{}, err
	}
	defer C.lend_availability_free(h)
	return availabilityFrom(h), nil
}

func takeLoan(h *C.lend_loan, err error) (Loan, error) {
	if err != nil {
		return Loan{}, err
	}
	defer C.lend_loan_free(h)
	return loanFrom(h), nil
}

// Take lends a book on a ticket; a refusal is ErrDenied with its Reason
// (ReasonNoFreeCopy: join the queue).
func (e *Engine) Take(a *Actor, ticketID, bookID int64) (Loan, error) {
	var h *C.lend_loan
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_take(c, ca, C.int64_t(ticketID), C.int64_t(bookID), &h)
	})
	return takeLoan(h, err)
}

// Return returns a loan early.
func (e *Engine) Return(a *Actor, loanID int64) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int { return C.lend_return(c, ca, C.int64_t(loanID)) })
}

// Loan returns a loan.
func (e *Engine) Loan(a *Actor, loanID int64) (Loan, error) {
	var h *C.lend_loan
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_loan_get(c, ca, C.int64_t(loanID), &h)
	})
	return takeLoan(h, err)
}

// Loans returns a reader's loans, active first, then newest first.
func (e *Engine) Loans(a *Actor, readerID int64, activeOnly bool) ([]Loan, error) {
	act := C.int(0)
	if activeOnly {
		act = 1
	}
	var l *C.lend_loans
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_loan_list(c, ca, C.int64_t(readerID), act, &l)
	})
	if err != nil {
		return nil, err
	}
	defer C.lend_loans_free(l)
	out := []Loan{}
	for i, n := C.size_t(0), C.lend_loans_count(l); i < n; i++ {
		out = append(out, loanFrom(C.lend_loans_get(l, i)))
	}
	return out, nil
}

// ---------------------------------------------------------------- queue

func takeHold(h *C.lend_hold, err error) (Hold, error) {
	if err != nil {
		return Hold{}, err
	}
	defer C.lend_hold_free(h)
	return holdFrom(h), nil
}

// JoinQueue joins the queue for a book whose copies are all on loan.
func (e *Engine) JoinQueue(a *Actor, ticketID, bookID int64) (Hold, error) {
	var h *C.lend_hold
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_queue_join(c, ca, C.int64_t(ticketID), C.int64_t(bookID), &h)
	})
	return takeHold(h, err)
}

// LeaveQueue gives up a place in a queue.
func (e *Engine) LeaveQueue(a *Actor, holdID int64) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int { return C.lend_queue_leave(c, ca, C.int64_t(holdID)) })
}

// SuspendHold lets the next readers go first until `until` (at most a year).
func (e *Engine) SuspendHold(a *Actor, holdID int64, until time.Time) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_queue_suspend(c, ca, C.int64_t(holdID), toUnix(until))
	})
}

// ResumeHold ends a suspension.
func (e *Engine) ResumeHold(a *Actor, holdID int64) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int { return C.lend_queue_resume(c, ca, C.int64_t(holdID)) })
}

// Hold returns a place in a queue.
func (e *Engine) Hold(a *Actor, holdID int64) (Hold, error) {
	var h *C.lend_hold
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_hold_get(c, ca, C.int64_t(holdID), &h)
	})
	return takeHold(h, err)
}

// Holds returns a reader's places in queues, across libraries.
func (e *Engine) Holds(a *Actor, readerID int64) ([]Hold, error) {
	var l *C.lend_holds
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_hold_list(c, ca, C.int64_t(readerID), &l)
	})
	if err != nil {
		return nil, err
	}
	defer C.lend_holds_free(l)
	out := []Hold{}
	for i, n := C.size_t(0), C.lend_holds_count(l); i < n; i++ {
		out = append(out, holdFrom(C.lend_holds_get(l, i)))
	}
	return out, nil
}

// Queue returns the waiting queue of a book in a library, first first.
func (e *Engine) Queue(a *Actor, libraryID, bookID int64) (Queue, error) {
	var h *C.lend_queue
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_queue_get(c, ca, C.int64_t(libraryID), C.int64_t(bookID), &h)
	})
	if err != nil {
		return Queue{}, err
	}
	defer C.lend_queue_free(h)
	return queueFrom(h), nil
}

// -------------------------------------------------------- notifications

// Outbox returns at most limit (1..10000) notifications, oldest first
// (admin only); pendingOnly keeps the undelivered ones.
func (e *Engine) Outbox(a *Actor, pendingOnly bool, limit int) ([]Notification, error) {
	p := C.int(0)
	if pendingOnly {
		p = 1
	}
	var l *C.lend_notifications
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_outbox_list(c, ca, p, C.int(limit), &l)
	})
	if err != nil {
		return nil, err
	}
	defer C.lend_notifications_free(l)
	out := []Notification{}
	for i, n := C.size_t(0), C.lend_notifications_count(l); i < n; i++ {
		out = append(out, notificationFrom(C.lend_notifications_get(l, i)))
	}
	return out, nil
}
