package lend

/*
#include <stdint.h>
#include <stdlib.h>
#include <lend.h>

extern int lendgoProgress(void *ud, int64_t done, int64_t total);

static int lendgo_import(lend_engine *e, const lend_actor *a, const char *path, int format, uintptr_t ud,
                         lend_import_report **out)
{
	return lend_catalog_import(e, a, path, format, ud ? lendgoProgress : NULL, (void *)ud, out);
}
*/
import "C"

import (
	"runtime/cgo"
	"time"
)

// WithdrawBook withdraws a book from the catalog (admin): no more loans,
// listings or search; running loans go on (ErrState if withdrawn already).
func (e *Engine) WithdrawBook(a *Actor, bookID int64) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int { return C.lend_book_withdraw(c, ca, C.int64_t(bookID)) })
}

// Author is an author (or narrator) with the other forms of the name.
type Author struct {
	ID      int64
	Name    string
	Aliases []string
}

func authorFrom(h *C.lend_author) Author {
	au := Author{ID: int64(C.lend_author_id(h)), Name: str(C.lend_author_name(h))}
	for i, n := C.size_t(0), C.lend_author_alias_count(h); i < n; i++ {
		au.Aliases = append(au.Aliases, str(C.lend_author_alias(h, i)))
	}
	return au
}

func takeAuthor(h *C.lend_author, err error) (Author, error) {
	if err != nil {
		return Author{}, err
	}
	defer C.lend_author_free(h)
	return authorFrom(h), nil
}

// Author returns an author.
func (e *Engine) Author(a *Actor, authorID int64) (Author, error) {
	var h *C.lend_author
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_author_get(c, ca, C.int64_t(authorID), &h)
	})
	return takeAuthor(h, err)
}

// FindAuthor returns the author of exactly this name (ErrNotFound if none).
func (e *Engine) FindAuthor(a *Actor, name string) (Author, error) {
	var cs cstrings
	defer cs.free()
	cname := cs.of(name)
	var h *C.lend_author
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int { return C.lend_author_find(c, ca, cname, &h) })
	return takeAuthor(h, err)
}

// AddAuthorAlias adds another form of an author's name, which search matches too (admin).
func (e *Engine) AddAuthorAlias(a *Actor, authorID int64, alias string) error {
	var cs cstrings
	defer cs.free()
	calias := cs.of(alias)
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_author_add_alias(c, ca, C.int64_t(authorID), calias)
	})
}

// BookAuthors returns a book's authors (RoleAuthor) or narrators, in order.
func (e *Engine) BookAuthors(a *Actor, bookID int64, role AuthorRole) ([]Author, error) {
	var l *C.lend_authors
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_book_authors(c, ca, C.int64_t(bookID), C.int(role), &l)
	})
	if err != nil {
		return nil, err
	}
	defer C.lend_authors_free(l)
	out := []Author{}
	for i, n := C.size_t(0), C.lend_authors_count(l); i < n; i++ {
		out = append(out, authorFrom(C.lend_authors_get(l, i)))
	}
	return out, nil
}

// ImportProblem is a bad row of an import: the line it starts on and why.
type ImportProblem struct {
	Line   int64
	Reason string
}

// ImportReport is what a catalog import did.
type ImportReport struct {
	Rows      int64 // data rows read
	Added     int64
	Updated   int64
	Unchanged int64
	Failed    int64
	BookIDs   []int64 // the books of the good rows, in file order
	Problems  []ImportProblem
}

// ImportProgress is called after every batch of an import with the rows
// done and the rows in the file; returning false stops the import after the
// batches written so far.
type ImportProgress func(done, total int64) bool

// ImportCatalog imports a CSV or JSON Lines catalog file (admin); bad rows
// are reported and skipped. progress may be nil. When progress stops it (or
// panics), the error is ErrUser and the report says what was written.
func (e *Engine) ImportCatalog(a *Actor, path string, format ImportFormat, progress ImportProgress) (ImportReport, error) {
	var cs cstrings
	defer cs.free()
	cpath := cs.of(path)
	var ud C.uintptr_t
	st := &progressState{fn: progress}
	if progress != nil {
		h := cgo.NewHandle(st)
		defer h.Delete()
		ud = C.uintptr_t(h)
	}
	var h *C.lend_import_report
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lendgo_import(c, ca, cpath, C.int(format), ud, &h)
	})
	if le, ok := err.(*Error); ok && st.err != nil {
		le.Cause = st.err
	}
	if h == nil {
		return ImportReport{}, err
	}
	defer C.lend_import_report_free(h)
	r := ImportReport{Rows: int64(C.lend_import_report_rows(h)), Added: int64(C.lend_import_report_added(h)),
		Updated: int64(C.lend_import_report_updated(h)), Unchanged: int64(C.lend_import_report_unchanged(h)),
		Failed: int64(C.lend_import_report_failed(h)), BookIDs: []int64{}, Problems: []ImportProblem{}}
	for i, n := C.size_t(0), C.lend_import_report_book_count(h); i < n; i++ {
		r.BookIDs = append(r.BookIDs, int64(C.lend_import_report_book_id(h, i)))
	}
	for i, n := C.size_t(0), C.lend_import_report_error_count(h); i < n; i++ {
		r.Problems = append(r.Problems, ImportProblem{Line: int64(C.lend_import_report_error_line(h, i)),
			Reason: str(C.lend_import_report_error_reason(h, i))})
	}
	return r, err
}

// ListQuery chooses a page of a listing. TicketID gives verdicts (and the
// library of ListFund and ListPopular, the reader of ListRecommended);
// Days is for ListPopular and ListRecommended (0: 30); Limit 0: 20; Cursor
// "" for the first page, then Listing.Next.
type ListQuery struct {
	List      ListKind
	TicketID  int64
	LibraryID int64
	ReaderID  int64
	AuthorID  int64
	Genre     string
	Kind      Kind
	Days      int
	Limit     int
	Cursor    string
}

// ListingEntry is a book of a listing with the ticket's verdict (nil
// without a ticket), the value the listing is ordered by, and whether the
// reader (the ticket's holder, else the query's reader, else the asking
// one) is old enough for it.
type ListingEntry struct {
	Book         Book
	Availability *Availability
	Key          int64
	AgeOK        bool
}

// Listing is one page of a listing; Next is the cursor of the next page ("": the last).
type Listing struct {
	Entries []ListingEntry
	Next    string
}

// ListBooks returns one page of a listing.
func (e *Engine) ListBooks(a *Actor, q ListQuery) (Listing, error) {
	var h *C.lend_list_query
	if rc := C.lend_list_query_new(&h, C.int(q.List)); rc != 0 {
		return Listing{}, check(rc, "the listing", q.List)
	}
	defer C.lend_list_query_free(h)
	var cs cstrings
	defer cs.free()
	var err error
	ids := []struct {
		what  string
		value int64
		set   func(*C.lend_list_query, C.int64_t) C.int
	}{
		{"the ticket", q.TicketID, func(h *C.lend_list_query, v C.int64_t) C.int { return C.lend_list_query_set_ticket(h, v) }},
		{"the library", q.LibraryID, func(h *C.lend_list_query, v C.int64_t) C.int { return C.lend_list_query_set_library(h, v) }},
		{"the reader", q.ReaderID, func(h *C.lend_list_query, v C.int64_t) C.int { return C.lend_list_query_set_reader(h, v) }},
		{"the author", q.AuthorID, func(h *C.lend_list_query, v C.int64_t) C.int { return C.lend_list_query_set_author(h, v) }},
	}
	for _, x := range ids {
		if err == nil && x.value != 0 {
			err = check(x.set(h, C.int64_t(x.value)), x.what, x.value)
		}
	}
	if err == nil && q.Genre != "" {
		err = check(C.lend_list_query_set_genre(h, cs.of(q.Genre)), "the genre", q.Genre)
	}
	if err == nil && q.Kind != KindAny {
		err = check(C.lend_list_query_set_kind(h, C.int(q.Kind)), "the kind", q.Kind)
	}
	if err == nil && q.Days != 0 {
		err = check(C.lend_list_query_set_days(h, C.int(q.Days)), "the days", q.Days)
	}
	if err == nil && q.Limit != 0 {
		err = check(C.lend_list_query_set_limit(h, C.int(q.Limit)), "the limit", q.Limit)
	}
	if err == nil && q.Cursor != "" {
		err = check(C.lend_list_query_set_cursor(h, cs.of(q.Cursor)), "the cursor", q.Cursor)
	}
	if err != nil {
		return Listing{}, err
	}
	var l *C.lend_listing
	if err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int { return C.lend_list_books(c, ca, h, &l) }); err != nil {
		return Listing{}, err
	}
	defer C.lend_listing_free(l)
	out := Listing{Entries: []ListingEntry{}, Next: str(C.lend_listing_next(l))}
	for i, n := C.size_t(0), C.lend_listing_count(l); i < n; i++ {
		x := ListingEntry{Book: bookFrom(C.lend_listing_book(l, i)), Key: int64(C.lend_listing_key(l, i)),
			AgeOK: C.lend_listing_age_ok(l, i) != 0}
		if v := C.lend_listing_availability(l, i); v != nil {
			av := availabilityFrom(v)
			x.Availability = &av
		}
		out.Entries = append(out.Entries, x)
	}
	return out, nil
}

// SetRating rates a book 1 to 5 stars (one rating per reader and book).
func (e *Engine) SetRating(a *Actor, readerID, bookID int64, stars int) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_rating_set(c, ca, C.int64_t(readerID), C.int64_t(bookID), C.int(stars))
	})
}

// RemoveRating removes the reader's rating (ErrNotFound if none).
func (e *Engine) RemoveRating(a *Actor, readerID, bookID int64) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_rating_remove(c, ca, C.int64_t(readerID), C.int64_t(bookID))
	})
}

// Rating returns the reader's own rating, 0 if none.
func (e *Engine) Rating(a *Actor, readerID, bookID int64) (int, error) {
	var stars C.int
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_rating_get(c, ca, C.int64_t(readerID), C.int64_t(bookID), &stars)
	})
	return int(stars), err
}

// RatingSummary is a book's ratings: Counts[s-1] readers gave s stars.
type RatingSummary struct {
	Total   int64
	Counts  [5]int64
	Average float64 // 0 when none
}

// BookRating returns how many readers gave a book each number of stars.
func (e *Engine) BookRating(a *Actor, bookID int64) (RatingSummary, error) {
	var h *C.lend_rating_summary
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_book_rating(c, ca, C.int64_t(bookID), &h)
	})
	if err != nil {
		return RatingSummary{}, err
	}
	defer C.lend_rating_summary_free(h)
	s := RatingSummary{Total: int64(C.lend_rating_summary_total(h)), Average: float64(C.lend_rating_summary_average(h))}
	for stars := 1; stars <= 5; stars++ {
		s.Counts[stars-1] = int64(C.lend_rating_summary_count(h, C.int(stars)))
	}
	return s, nil
}

// Review is a reader's review of a book.
type Review struct {
	ID        int64
	ReaderID  int64
	BookID    int64
	Text      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AddReview writes a review and returns its id.
func (e *Engine) AddReview(a *Actor, readerID, bookID int64, text string) (int64, error) {
	var cs cstrings
	defer cs.free()
	ctext := cs.of(text)
	var id C.int64_t
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_review_add(c, ca, C.int64_t(readerID), C.int64_t(bookID), ctext, &id)
	})
	return int64(id), err
}

// EditReview changes a review's text (its writer or admin).
func (e *Engine) EditReview(a *Actor, reviewID int64, text string) error {
	var cs cstrings
	defer cs.free()
	ctext := cs.of(text)
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_review_edit(c, ca, C.int64_t(reviewID), ctext)
	})
}

// DeleteReview deletes a review (its writer or admin).
func (e *Engine) DeleteReview(a *Actor, reviewID int64) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_review_delete(c, ca, C.int64_t(reviewID))
	})
}

// Reviews returns at most limit (1..1000) reviews of a book, newest first,
// before beforeID (0: from the newest).
func (e *Engine) Reviews(a *Actor, bookID, beforeID int64, limit int) ([]Review, error) {
	var l *C.lend_reviews
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_review_list(c, ca, C.int64_t(bookID), C.int64_t(beforeID), C.int(limit), &l)
	})
	if err != nil {
		return nil, err
	}
	defer C.lend_reviews_free(l)
	out := []Review{}
	for i, n := C.size_t(0), C.lend_reviews_count(l); i < n; i++ {
		out = append(out, reviewFrom(C.lend_reviews_get(l, i)))
	}
	return out, nil
}

func reviewFrom(r *C.lend_review) Review {
	return Review{ID: int64(C.lend_review_id(r)), ReaderID: int64(C.lend_review_reader_id(r)),
		BookID: int64(C.lend_review_book_id(r)), Text: str(C.lend_review_text(r)),
		CreatedAt: fromUnix(C.lend_review_created_at(r)), UpdatedAt: fromUnix(C.lend_review_updated_at(r))}
}

// takeReview reads and frees an owned review handle. No call of this
// version hands one out (reviews come in lists), but lend_review_free is
// part of the ABI and this is how a future getter would use it.
func takeReview(r *C.lend_review) Review {
	defer C.lend_review_free(r)
	return reviewFrom(r)
}

// NormalizeISBN returns the 13 digits of a valid ISBN-10 or ISBN-13, and
// whether it is valid.
func NormalizeISBN(isbn string) (string, bool) {
	var cs cstrings
	defer cs.free()
	var out [14]C.char
	if C.lend_isbn_normalize(cs.of(isbn), &out[0]) == 0 {
		return "", false
	}
	return C.GoString(&out[0]), true
}
