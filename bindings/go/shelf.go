package lend

/*
#include <stdlib.h>
#include <lend.h>
*/
import "C"

import "time"

// ShelfItem is one item of a reader's shelf; which fields are set depends
// on its Section.
type ShelfItem struct {
	Section   ShelfSection
	BookID    int64
	Kind      Kind
	LibraryID int64 // 0 for bought and deferred books
	TicketID  int64
	// LOANS and HISTORY: the loan, its origin, times and end.
	LoanID    int64
	Origin    Origin
	Since     time.Time // issued, joined, bought or added
	DueAt     time.Time
	DaysLeft  int // whole days left until the due time, rounded up
	EndedAt   time.Time
	EndReason LoanEnd
	// QUEUE: the place, its position, the estimate and suspension.
	HoldID         int64
	Position       int
	WaitUntil      time.Time
	SuspendedUntil time.Time
	// BOUGHT: the price paid.
	Price Money
	// REQUESTS: the request (Engine.Request gives the librarian's words),
	// its state, and a denial's reason.
	RequestID    int64
	RequestState RequestState
	Reason       Reason
}

func shelfItemFrom(h *C.lend_shelf_item) ShelfItem {
	return ShelfItem{
		Section:        ShelfSection(C.lend_shelf_item_section(h)),
		BookID:         int64(C.lend_shelf_item_book_id(h)),
		Kind:           Kind(C.lend_shelf_item_kind(h)),
		LibraryID:      int64(C.lend_shelf_item_library_id(h)),
		TicketID:       int64(C.lend_shelf_item_ticket_id(h)),
		LoanID:         int64(C.lend_shelf_item_loan_id(h)),
		Origin:         Origin(C.lend_shelf_item_origin(h)),
		Since:          fromUnix(C.lend_shelf_item_since(h)),
		DueAt:          fromUnix(C.lend_shelf_item_due_at(h)),
		DaysLeft:       int(C.lend_shelf_item_days_left(h)),
		EndedAt:        fromUnix(C.lend_shelf_item_ended_at(h)),
		EndReason:      LoanEnd(C.lend_shelf_item_end_reason(h)),
		HoldID:         int64(C.lend_shelf_item_hold_id(h)),
		Position:       int(C.lend_shelf_item_position(h)),
		WaitUntil:      fromUnix(C.lend_shelf_item_wait_until(h)),
		SuspendedUntil: fromUnix(C.lend_shelf_item_suspended_until(h)),
		Price:          Money{int64(C.lend_shelf_item_price(h)), str(C.lend_shelf_item_currency(h))},
		RequestID:      int64(C.lend_shelf_item_request_id(h)),
		RequestState:   RequestState(C.lend_shelf_item_request_state(h)),
		Reason:         Reason(C.lend_shelf_item_reason(h)),
	}
}

// ShelfQuery chooses a page of a shelf: a section (ShelfAll: every one), a
// kind (KindAny: every kind), a library (0: every library), the cursor
// After (0: the first page, then ShelfPage.Next) and Limit (0: 100).
type ShelfQuery struct {
	Section   ShelfSection
	Kind      Kind
	LibraryID int64
	After     int64
	Limit     int
}

// ShelfPage is one page of a shelf; Next is the cursor of the next page (0: the last).
type ShelfPage struct {
	Items []ShelfItem
	Next  int64
}

// Shelf returns one page of a reader's shelf across all his libraries.
func (e *Engine) Shelf(a *Actor, readerID int64, q ShelfQuery) (ShelfPage, error) {
	if q.Limit == 0 {
		q.Limit = 100
	}
	var h *C.lend_shelf
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_shelf_get(c, ca, C.int64_t(readerID), C.int(q.Section), C.int(q.Kind), C.int64_t(q.LibraryID),
			C.int64_t(q.After), C.int(q.Limit), &h)
	})
	if err != nil {
		return ShelfPage{}, err
	}
	defer C.lend_shelf_free(h)
	p := ShelfPage{Items: []ShelfItem{}, Next: int64(C.lend_shelf_next(h))}
	for i, n := C.size_t(0), C.lend_shelf_count(h); i < n; i++ {
		p.Items = append(p.Items, shelfItemFrom(C.lend_shelf_get_item(h, i)))
	}
	return p, nil
}

// CabinetEntry is a ticket in the reader's cabinet with its library, state
// and effective limits.
type CabinetEntry struct {
	Ticket      Ticket
	LibraryName string
	State       TicketState
	Limits      *Limits
}

// Cabinet returns the reader's cabinet: every ticket with its library,
// state and limits.
func (e *Engine) Cabinet(a *Actor, readerID int64) ([]CabinetEntry, error) {
	var h *C.lend_cabinet
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_cabinet_get(c, ca, C.int64_t(readerID), &h)
	})
	if err != nil {
		return nil, err
	}
	defer C.lend_cabinet_free(h)
	out := []CabinetEntry{}
	for i, n := C.size_t(0), C.lend_cabinet_count(h); i < n; i++ {
		x := CabinetEntry{Ticket: ticketFrom(C.lend_cabinet_ticket(h, i)),
			LibraryName: str(C.lend_cabinet_library_name(h, i)), State: TicketState(C.lend_cabinet_state(h, i))}
		if l := C.lend_cabinet_limits(h, i); l != nil {
			lim := limitsFrom(l)
			x.Limits = &lim
		}
		out = append(out, x)
	}
	return out, nil
}

// CreditBalance credits a reader's balance after a payment the host
// processed; key is the payment's idempotency key. It reports false when
// that payment was credited already.
func (e *Engine) CreditBalance(a *Actor, readerID int64, amount Money, key string) (bool, error) {
	var cs cstrings
	defer cs.free()
	ccur, ckey := cs.of(amount.Currency), cs.of(key)
	var credited C.int
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_balance_credit(c, ca, C.int64_t(readerID), C.int64_t(amount.Amount), ccur, ckey, &credited)
	})
	return credited != 0, err
}

// Balance returns a reader's balance in a currency.
func (e *Engine) Balance(a *Actor, readerID int64, currency string) (Money, error) {
	var cs cstrings
	defer cs.free()
	ccur := cs.of(currency)
	var v C.int64_t
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_balance_get(c, ca, C.int64_t(readerID), ccur, &v)
	})
	return Money{int64(v), currency}, err
}

// Purchase is a book bought for ever.
type Purchase struct {
	ID       int64
	ReaderID int64
	BookID   int64
	BoughtAt time.Time
	Price    Money
}

// Buy buys a book for ever from the balance (ReasonBalance when short).
func (e *Engine) Buy(a *Actor, readerID, bookID int64) (Purchase, error) {
	var h *C.lend_purchase
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_buy(c, ca, C.int64_t(readerID), C.int64_t(bookID), &h)
	})
	if err != nil {
		return Purchase{}, err
	}
	defer C.lend_purchase_free(h)
	return Purchase{ID: int64(C.lend_purchase_id(h)), ReaderID: int64(C.lend_purchase_reader_id(h)),
		BookID: int64(C.lend_purchase_book_id(h)), BoughtAt: fromUnix(C.lend_purchase_bought_at(h)),
		Price: Money{int64(C.lend_purchase_price(h)), str(C.lend_purchase_currency(h))}}, nil
}

// Defer puts a book aside (ErrExists when it is there already).
func (e *Engine) Defer(a *Actor, readerID, bookID int64) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_defer_add(c, ca, C.int64_t(readerID), C.int64_t(bookID))
	})
}

// Undefer takes a book off the deferred list (ErrNotFound when not there).
func (e *Engine) Undefer(a *Actor, readerID, bookID int64) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_defer_remove(c, ca, C.int64_t(readerID), C.int64_t(bookID))
	})
}

// Deferred is a book put aside, with its verdict on the ticket asked about.
type Deferred struct {
	BookID  int64
	AddedAt time.Time
	Verdict Verdict // NoVerdict without a ticket
	Reason  Reason
}

// Deferred returns the deferred books in the order they were added, each
// with its availability verdict on ticketID (0: no verdicts, NoVerdict).
func (e *Engine) Deferred(a *Actor, readerID, ticketID int64) ([]Deferred, error) {
	var l *C.lend_deferreds
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_defer_list(c, ca, C.int64_t(readerID), C.int64_t(ticketID), &l)
	})
	if err != nil {
		return nil, err
	}
	defer C.lend_deferreds_free(l)
	out := []Deferred{}
	for i, n := C.size_t(0), C.lend_deferreds_count(l); i < n; i++ {
		out = append(out, Deferred{BookID: int64(C.lend_deferreds_book_id(l, i)),
			AddedAt: fromUnix(C.lend_deferreds_added_at(l, i)), Verdict: Verdict(C.lend_deferreds_verdict(l, i)),
			Reason: Reason(C.lend_deferreds_reason(l, i))})
	}
	return out, nil
}

// ReadingAccess says how the reader may read the book at position
// (ErrDenied with ReasonNoAccess if not at all).
func (e *Engine) ReadingAccess(a *Actor, readerID, bookID, position int64) (Access, error) {
	var acc C.int
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_reading_access(c, ca, C.int64_t(readerID), C.int64_t(bookID), C.int64_t(position), &acc)
	})
	return Access(acc), err
}

// Reading is where a reader is in a book (the newest device's write).
type Reading struct {
	Position  int64 // page or second
	Percent   int
	PagesRead int64
	OpenedAt  time.Time
	DeviceAt  time.Time
	Device    string
}

// SetReading records where a device is in a book; it reports false when a
// newer write (by DeviceAt) won. OpenedAt is ignored.
func (e *Engine) SetReading(a *Actor, readerID, bookID int64, r Reading) (bool, error) {
	var cs cstrings
	defer cs.free()
	cdev := cs.of(r.Device)
	var applied C.int
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_reading_set(c, ca, C.int64_t(readerID), C.int64_t(bookID), C.int64_t(r.Position),
			C.int(r.Percent), C.int64_t(r.PagesRead), cdev, toUnix(r.DeviceAt), &applied)
	})
	return applied != 0, err
}

// Reading returns where the reader is in a book (ErrNotFound if never opened).
func (e *Engine) Reading(a *Actor, readerID, bookID int64) (Reading, error) {
	var h *C.lend_reading
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_reading_get(c, ca, C.int64_t(readerID), C.int64_t(bookID), &h)
	})
	if err != nil {
		return Reading{}, err
	}
	defer C.lend_reading_free(h)
	return Reading{Position: int64(C.lend_reading_position(h)), Percent: int(C.lend_reading_percent(h)),
		PagesRead: int64(C.lend_reading_pages_read(h)), OpenedAt: fromUnix(C.lend_reading_opened_at(h)),
		DeviceAt: fromUnix(C.lend_reading_device_at(h)), Device: str(C.lend_reading_device(h))}, nil
}

// AddBookmark adds a bookmark at position with a note ("" for none) and returns its id.
func (e *Engine) AddBookmark(a *Actor, readerID, bookID, position int64, note string) (int64, error) {
	var cs cstrings
	defer cs.free()
	cnote := cs.opt(note)
	var id C.int64_t
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_bookmark_add(c, ca, C.int64_t(readerID), C.int64_t(bookID), C.int64_t(position), cnote, &id)
	})
	return int64(id), err
}

// DeleteBookmark deletes a bookmark.
func (e *Engine) DeleteBookmark(a *Actor, bookmarkID int64) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_bookmark_delete(c, ca, C.int64_t(bookmarkID))
	})
}

// Bookmark is a position in a book with an optional note.
type Bookmark struct {
	ID        int64
	BookID    int64
	Position  int64
	Note      string
	CreatedAt time.Time
}

// Bookmarks returns a reader's bookmarks in a book (0: every book) by position.
func (e *Engine) Bookmarks(a *Actor, readerID, bookID int64) ([]Bookmark, error) {
	var l *C.lend_bookmarks
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_bookmark_list(c, ca, C.int64_t(readerID), C.int64_t(bookID), &l)
	})
	if err != nil {
		return nil, err
	}
	defer C.lend_bookmarks_free(l)
	out := []Bookmark{}
	for i, n := C.size_t(0), C.lend_bookmarks_count(l); i < n; i++ {
		out = append(out, Bookmark{ID: int64(C.lend_bookmarks_id(l, i)), BookID: int64(C.lend_bookmarks_book_id(l, i)),
			Position: int64(C.lend_bookmarks_position(l, i)), Note: str(C.lend_bookmarks_note(l, i)),
			CreatedAt: fromUnix(C.lend_bookmarks_created_at(l, i))})
	}
	return out, nil
}

// OfflineGrant is a device's grant to keep a book for offline reading.
type OfflineGrant struct {
	ID         int64
	Device     string
	BookID     int64
	LoanID     int64 // 0: a bought book
	GrantedAt  time.Time
	ValidUntil time.Time // zero: no end
}

func offlineFrom(g *C.lend_offline) OfflineGrant {
	return OfflineGrant{ID: int64(C.lend_offline_id(g)), Device: str(C.lend_offline_device(g)),
		BookID: int64(C.lend_offline_book_id(g)), LoanID: int64(C.lend_offline_loan_id(g)),
		GrantedAt: fromUnix(C.lend_offline_granted_at(g)), ValidUntil: fromUnix(C.lend_offline_valid_until(g))}
}

// GrantOffline lets a device keep a book for offline reading, or renews its grant.
func (e *Engine) GrantOffline(a *Actor, readerID int64, device string, bookID int64) (OfflineGrant, error) {
	var cs cstrings
	defer cs.free()
	cdev := cs.of(device)
	var h *C.lend_offline
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_offline_grant(c, ca, C.int64_t(readerID), cdev, C.int64_t(bookID), &h)
	})
	if err != nil {
		return OfflineGrant{}, err
	}
	defer C.lend_offline_free(h)
	return offlineFrom(h), nil
}

// OfflineGrants returns the grants valid now, of one device ("": every device).
func (e *Engine) OfflineGrants(a *Actor, readerID int64, device string) ([]OfflineGrant, error) {
	var cs cstrings
	defer cs.free()
	cdev := cs.opt(device)
	var l *C.lend_offlines
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_offline_list(c, ca, C.int64_t(readerID), cdev, &l)
	})
	if err != nil {
		return nil, err
	}
	defer C.lend_offlines_free(l)
	out := []OfflineGrant{}
	for i, n := C.size_t(0), C.lend_offlines_count(l); i < n; i++ {
		out = append(out, offlineFrom(C.lend_offlines_get(l, i)))
	}
	return out, nil
}

// Prefs are a reader's notification preferences. Language "" means "ru";
// Email and Phone "" mean none; Muted lists the kinds switched off.
type Prefs struct {
	Language string
	Channel  Channel
	Email    string
	Phone    string
	Muted    []NoteKind
}

// noteKinds are the kinds a stored Prefs is asked about.
var noteKinds = []NoteKind{NoteLoanIssued, NoteLoanEnded, NoteQueueHandoff, NoteLoanEndingSoon, NoteRequestApproved,
	NoteRequestDenied, NoteQueuePosition, NoteReserveWaiting, NoteVerificationCode, NotePasswordRecovery,
	NoteAppActivation, NoteLoanRenewed, NoteReserveLapsed, NoteBalanceCredited, NoteBookBought}

// Prefs returns a reader's notification preferences (defaults when never set).
func (e *Engine) Prefs(a *Actor, readerID int64) (Prefs, error) {
	var h *C.lend_prefs
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_prefs_get(c, ca, C.int64_t(readerID), &h)
	})
	if err != nil {
		return Prefs{}, err
	}
	defer C.lend_prefs_free(h)
	p := Prefs{Language: str(C.lend_prefs_language(h)), Channel: Channel(C.lend_prefs_channel(h)),
		Email: str(C.lend_prefs_email(h)), Phone: str(C.lend_prefs_phone(h))}
	for _, k := range noteKinds {
		if C.lend_prefs_muted(h, C.int(k)) != 0 {
			p.Muted = append(p.Muted, k)
		}
	}
	return p, nil
}

// SavePrefs stores a reader's notification preferences; muting a security
// kind is ErrInvalid.
func (e *Engine) SavePrefs(a *Actor, readerID int64, p Prefs) error {
	var h *C.lend_prefs
	if rc := C.lend_prefs_new(&h); rc != 0 {
		return errorf(Status(rc), "cannot make preferences")
	}
	defer C.lend_prefs_free(h)
	var cs cstrings
	defer cs.free()
	var err error
	if p.Language != "" {
		err = check(C.lend_prefs_set_language(h, cs.of(p.Language)), "the language", p.Language)
	}
	if err == nil {
		err = check(C.lend_prefs_set_channel(h, C.int(p.Channel)), "the channel", p.Channel)
	}
	if err == nil {
		err = check(C.lend_prefs_set_email(h, cs.opt(p.Email)), "the e-mail", p.Email)
	}
	if err == nil {
		err = check(C.lend_prefs_set_phone(h, cs.opt(p.Phone)), "the phone", p.Phone)
	}
	for _, k := range p.Muted {
		if err == nil {
			err = check(C.lend_prefs_set_muted(h, C.int(k), 1), "muting", k)
		}
	}
	if err != nil {
		return err
	}
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_prefs_save(c, ca, C.int64_t(readerID), h)
	})
}
