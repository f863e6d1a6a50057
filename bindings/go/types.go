package lend

/*
#include <lend.h>
*/
import "C"

import (
	"strings"
	"time"
)

// fromUnix turns UTC seconds into a time.Time in UTC; 0 ("none") is the zero Time.
func fromUnix(v C.int64_t) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(int64(v), 0).UTC()
}

// toUnix turns a time into UTC seconds; the zero Time is 0 ("none").
func toUnix(t time.Time) C.int64_t {
	if t.IsZero() {
		return 0
	}
	return C.int64_t(t.Unix())
}

func str(p *C.char) string { return C.GoString(p) }

// Money is an amount in minor units (kopecks, cents) and its ISO 4217 currency.
type Money struct {
	Amount   int64
	Currency string
}

// Library is a connected library.
type Library struct {
	ID       int64
	Name     string
	Address  string
	Contacts string
	Budget   Money // Budget.Currency is the library's currency
}

func libraryFrom(h *C.lend_library) Library {
	return Library{
		ID:       int64(C.lend_library_id(h)),
		Name:     str(C.lend_library_name(h)),
		Address:  str(C.lend_library_address(h)),
		Contacts: str(C.lend_library_contacts(h)),
		Budget:   Money{int64(C.lend_library_budget(h)), str(C.lend_library_currency(h))},
	}
}

// Reader is a reader's account. BirthDate is the zero Time when unknown.
type Reader struct {
	ID        int64
	Name      string
	BirthDate time.Time
}

func readerFrom(h *C.lend_reader) Reader {
	r := Reader{ID: int64(C.lend_reader_id(h)), Name: str(C.lend_reader_name(h))}
	if d := int(C.lend_reader_birth_date(h)); d != 0 {
		r.BirthDate = time.Date(d/10000, time.Month(d/100%100), d%100, 0, 0, 0, 0, time.UTC)
	}
	return r
}

// Ticket is a library card: one per reader and library.
type Ticket struct {
	ID         int64
	LibraryID  int64
	ReaderID   int64
	Number     string
	ValidFrom  time.Time // zero: open-ended
	ValidUntil time.Time // zero: open-ended
	Blocked    bool
}

func ticketFrom(h *C.lend_ticket) Ticket {
	return Ticket{
		ID:         int64(C.lend_ticket_id(h)),
		LibraryID:  int64(C.lend_ticket_library_id(h)),
		ReaderID:   int64(C.lend_ticket_reader_id(h)),
		Number:     str(C.lend_ticket_number(h)),
		ValidFrom:  fromUnix(C.lend_ticket_valid_from(h)),
		ValidUntil: fromUnix(C.lend_ticket_valid_until(h)),
		Blocked:    C.lend_ticket_blocked(h) != 0,
	}
}

// Limits are a ticket's effective limits for a kind of book: Value[s] is the
// setting's value (Unlimited or >= 0), Used[s] how much of a counted limit
// is used, Left[s] what is left of it (never below 0; Unlimited without a
// value; 0 for a setting that counts nothing).
type Limits struct {
	Value   map[Setting]int64
	Used    map[Setting]int64
	Left    map[Setting]int64
	Summary string
}

func limitsFrom(h *C.lend_limits) Limits {
	l := Limits{Value: map[Setting]int64{}, Used: map[Setting]int64{}, Left: map[Setting]int64{},
		Summary: str(C.lend_limits_summary(h))}
	for s := Setting(1); int(s) <= SettingCount; s++ {
		l.Value[s] = int64(C.lend_limits_value(h, C.int(s)))
		l.Used[s] = int64(C.lend_limits_used(h, C.int(s)))
		l.Left[s] = int64(C.lend_limits_left(h, C.int(s)))
	}
	return l
}

// Book is a title in the shared catalog, or a draft for Engine.AddBook.
type Book struct {
	ID        int64
	Title     string
	Kind      Kind // KindEbook when left zero in a draft
	Authors   []string
	AgeRating int   // 0, 6, 12, 16 or 18
	Price     Money // Currency "" means RUB in a draft
	Lendable  bool  // drafts: see NotLendable
	ReleaseAt time.Time
	// NotLendable, in a draft, keeps libraries from lending the book (the
	// zero value of a draft is lendable).
	NotLendable bool
	// The catalog's metadata ("" and 0 where unknown).
	Subtitle     string
	Series       string
	SeriesNumber int
	Language     string // ISO 639 code
	Narrators    []string
	Publisher    string
	Year         int
	ISBN         string // 13 digits once stored
	Genres       []string
	Annotation   string
	Preview      int   // pages of an e-book or seconds of an audiobook readable before borrowing
	Length       int64 // pages or seconds
	ExternalID   string
	WithdrawnAt  time.Time // zero while in the catalog
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func bookFrom(h *C.lend_book) Book {
	b := Book{
		ID:        int64(C.lend_book_id(h)),
		Title:     str(C.lend_book_title(h)),
		Kind:      Kind(C.lend_book_kind(h)),
		AgeRating: int(C.lend_book_age_rating(h)),
		Price:     Money{int64(C.lend_book_price(h)), str(C.lend_book_currency(h))},
		Lendable:  C.lend_book_lendable(h) != 0,
		ReleaseAt: fromUnix(C.lend_book_release_at(h)),

		Subtitle:     str(C.lend_book_subtitle(h)),
		Series:       str(C.lend_book_series(h)),
		SeriesNumber: int(C.lend_book_series_number(h)),
		Language:     str(C.lend_book_language(h)),
		Publisher:    str(C.lend_book_publisher(h)),
		Year:         int(C.lend_book_year(h)),
		ISBN:         str(C.lend_book_isbn(h)),
		Annotation:   str(C.lend_book_annotation(h)),
		Preview:      int(C.lend_book_preview(h)),
		Length:       int64(C.lend_book_length(h)),
		ExternalID:   str(C.lend_book_external_id(h)),
		WithdrawnAt:  fromUnix(C.lend_book_withdrawn_at(h)),
		CreatedAt:    fromUnix(C.lend_book_created_at(h)),
		UpdatedAt:    fromUnix(C.lend_book_updated_at(h)),
	}
	b.NotLendable = !b.Lendable
	for i, n := C.size_t(0), C.lend_book_author_count(h); i < n; i++ {
		b.Authors = append(b.Authors, str(C.lend_book_author(h, i)))
	}
	for i, n := C.size_t(0), C.lend_book_narrator_count(h); i < n; i++ {
		b.Narrators = append(b.Narrators, str(C.lend_book_narrator(h, i)))
	}
	for i, n := C.size_t(0), C.lend_book_genre_count(h); i < n; i++ {
		b.Genres = append(b.Genres, str(C.lend_book_genre(h, i)))
	}
	return b
}

// Fund is a library's copies of a book.
type Fund struct {
	LibraryID int64
	BookID    int64
	Copies    int
	OnLoan    int
	Waiting   int // readers in the queue
}

func fundFrom(h *C.lend_fund) Fund {
	return Fund{
		LibraryID: int64(C.lend_fund_library_id(h)),
		BookID:    int64(C.lend_fund_book_id(h)),
		Copies:    int(C.lend_fund_copies(h)),
		OnLoan:    int(C.lend_fund_on_loan(h)),
		Waiting:   int(C.lend_fund_waiting(h)),
	}
}

// Availability is the one verdict for a ticket and a book.
type Availability struct {
	Verdict   Verdict
	Reason    Reason // why REFUSED, or what forces a REQUEST
	Message   string
	Buys      bool      // TAKE: the library would buy a copy first
	Position  int       // QUEUE: the (would-be) place, 1-based
	WaitUntil time.Time // QUEUE: when the book is expected
	Queued    bool      // already in the queue
	LoanID    int64     // YOURS: the active loan
}

func availabilityFrom(h *C.lend_availability) Availability {
	return Availability{
		Verdict:   Verdict(C.lend_availability_verdict(h)),
		Reason:    Reason(C.lend_availability_reason(h)),
		Message:   str(C.lend_availability_message(h)),
		Buys:      C.lend_availability_buys(h) != 0,
		Position:  int(C.lend_availability_position(h)),
		WaitUntil: fromUnix(C.lend_availability_wait_until(h)),
		Queued:    C.lend_availability_queued(h) != 0,
		LoanID:    int64(C.lend_availability_loan_id(h)),
	}
}

// Loan is a copy lent on a ticket until its due time.
type Loan struct {
	ID        int64
	TicketID  int64
	ReaderID  int64
	LibraryID int64
	BookID    int64
	Origin    Origin
	IssuedAt  time.Time
	DueAt     time.Time
	EndedAt   time.Time // zero while active
	EndReason LoanEnd
}

// Active reports whether the loan has not ended.
func (l Loan) Active() bool { return l.EndedAt.IsZero() }

func loanFrom(h *C.lend_loan) Loan {
	return Loan{
		ID:        int64(C.lend_loan_id(h)),
		TicketID:  int64(C.lend_loan_ticket_id(h)),
		ReaderID:  int64(C.lend_loan_reader_id(h)),
		LibraryID: int64(C.lend_loan_library_id(h)),
		BookID:    int64(C.lend_loan_book_id(h)),
		Origin:    Origin(C.lend_loan_origin(h)),
		IssuedAt:  fromUnix(C.lend_loan_issued_at(h)),
		DueAt:     fromUnix(C.lend_loan_due_at(h)),
		EndedAt:   fromUnix(C.lend_loan_ended_at(h)),
		EndReason: LoanEnd(C.lend_loan_end_reason(h)),
	}
}

// Hold is a reader's place in a book's queue.
type Hold struct {
	ID             int64
	LibraryID      int64
	BookID         int64
	TicketID       int64
	ReaderID       int64
	JoinedAt       time.Time
	State          HoldState
	SuspendedUntil time.Time // zero: not suspended
	Position       int       // 1-based while waiting, else 0
	WaitUntil      time.Time // estimate while waiting
	LoanID         int64     // the loan it turned into, if served
}

func holdFrom(h *C.lend_hold) Hold {
	return Hold{
		ID:             int64(C.lend_hold_id(h)),
		LibraryID:      int64(C.lend_hold_library_id(h)),
		BookID:         int64(C.lend_hold_book_id(h)),
		TicketID:       int64(C.lend_hold_ticket_id(h)),
		ReaderID:       int64(C.lend_hold_reader_id(h)),
		JoinedAt:       fromUnix(C.lend_hold_joined_at(h)),
		State:          HoldState(C.lend_hold_state(h)),
		SuspendedUntil: fromUnix(C.lend_hold_suspended_until(h)),
		Position:       int(C.lend_hold_position(h)),
		WaitUntil:      fromUnix(C.lend_hold_wait_until(h)),
		LoanID:         int64(C.lend_hold_loan_id(h)),
	}
}

// Queue is the waiting queue of a book in a library, first first.
type Queue struct {
	LibraryID int64
	BookID    int64
	Holds     []Hold
}

func queueFrom(h *C.lend_queue) Queue {
	q := Queue{LibraryID: int64(C.lend_queue_library_id(h)), BookID: int64(C.lend_queue_book_id(h))}
	n := C.lend_queue_length(h)
	for i := C.size_t(0); i < n; i++ {
		q.Holds = append(q.Holds, holdFrom(C.lend_queue_hold(h, i)))
	}
	return q
}

// Notification is what the notifier receives and the outbox lists. Detail
// is the engine's structured text ("key=value" lines); Details parses it.
// Fields are the structured fields the engine reads from it ("due_at",
// "reason", "title", "library", "amount", "channel", "lang", ...); Channel
// and Address say where the reader wants it; Text is the ready plain text
// in the reader's language, Texts has it in every language ("ru", "en").
type Notification struct {
	ID          int64
	UUID        string
	Kind        NoteKind
	ReaderID    int64
	LibraryID   int64
	BookID      int64
	LoanID      int64
	CreatedAt   time.Time
	Detail      string
	Attempts    int
	DeliveredAt time.Time // zero: pending
	Fields      map[string]string
	Channel     Channel
	Address     string // "" if none
	Text        string
	Texts       map[string]string
}

// Field returns a structured field and whether it is there.
func (n Notification) Field(key string) (string, bool) {
	v, ok := n.Fields[key]
	return v, ok
}

// languages are the languages notification texts are rendered in.
var languages = []string{"ru", "en"}

// Details parses Detail's "key=value" lines.
func (n Notification) Details() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(n.Detail, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			m[k] = v
		}
	}
	return m
}

func notificationFrom(h *C.lend_notification) Notification {
	n := Notification{
		ID:          int64(C.lend_notification_id(h)),
		UUID:        str(C.lend_notification_uuid(h)),
		Kind:        NoteKind(C.lend_notification_kind(h)),
		ReaderID:    int64(C.lend_notification_reader_id(h)),
		LibraryID:   int64(C.lend_notification_library_id(h)),
		BookID:      int64(C.lend_notification_book_id(h)),
		LoanID:      int64(C.lend_notification_loan_id(h)),
		CreatedAt:   fromUnix(C.lend_notification_created_at(h)),
		Detail:      str(C.lend_notification_detail(h)),
		Attempts:    int(C.lend_notification_attempts(h)),
		DeliveredAt: fromUnix(C.lend_notification_delivered_at(h)),
		Fields:      map[string]string{},
		Channel:     Channel(C.lend_notification_channel(h)),
		Address:     str(C.lend_notification_address(h)),
		Text:        str(C.lend_notification_text(h, nil)),
		Texts:       map[string]string{},
	}
	var cs cstrings
	defer cs.free()
	for k := range n.Details() {
		if v := C.lend_notification_field(h, cs.of(k)); v != nil {
			n.Fields[k] = str(v)
		}
	}
	for _, lang := range languages {
		n.Texts[lang] = str(C.lend_notification_text(h, cs.of(lang)))
	}
	return n
}
