package lend

/*
#include <stdlib.h>
#include <lend.h>
*/
import "C"

import "time"

// Request is a request to the librarian, or the record of a direct issue.
// Limits, BookPrice, Copies, OnLoan, QueueLength and Budget are the decision
// context, given to staff (else nil and zeros).
type Request struct {
	ID          int64
	TicketID    int64
	ReaderID    int64
	LibraryID   int64
	BookID      int64
	State       RequestState
	Origin      RequestOrigin
	CreatedAt   time.Time
	DecidedAt   time.Time // zero while pending
	DecidedBy   int64     // the deciding librarian's account; 0: the administrator or undecided
	Reason      Reason    // DENIED: the reason; DIRECT with an override: the limit passed over
	Text        string    // the librarian's words
	LoanID      int64     // APPROVED: the loan, if issued
	HoldID      int64     // APPROVED: the queue place, if queued
	Overridden  bool      // DIRECT: issued past the limits
	Limits      *Limits
	BookPrice   int64
	Copies      int
	OnLoan      int
	QueueLength int
	Budget      int64
}

func requestFrom(h *C.lend_request) Request {
	r := Request{
		ID:          int64(C.lend_request_id(h)),
		TicketID:    int64(C.lend_request_ticket_id(h)),
		ReaderID:    int64(C.lend_request_reader_id(h)),
		LibraryID:   int64(C.lend_request_library_id(h)),
		BookID:      int64(C.lend_request_book_id(h)),
		State:       RequestState(C.lend_request_state(h)),
		Origin:      RequestOrigin(C.lend_request_origin(h)),
		CreatedAt:   fromUnix(C.lend_request_created_at(h)),
		DecidedAt:   fromUnix(C.lend_request_decided_at(h)),
		DecidedBy:   int64(C.lend_request_decided_by(h)),
		Reason:      Reason(C.lend_request_reason(h)),
		Text:        str(C.lend_request_text(h)),
		LoanID:      int64(C.lend_request_loan_id(h)),
		HoldID:      int64(C.lend_request_hold_id(h)),
		Overridden:  C.lend_request_overridden(h) != 0,
		BookPrice:   int64(C.lend_request_book_price(h)),
		Copies:      int(C.lend_request_copies(h)),
		OnLoan:      int(C.lend_request_on_loan(h)),
		QueueLength: int(C.lend_request_queue_length(h)),
		Budget:      int64(C.lend_request_budget(h)),
	}
	if l := C.lend_request_limits(h); l != nil {
		lim := limitsFrom(l)
		r.Limits = &lim
	}
	return r
}

func takeRequest(h *C.lend_request, err error) (Request, error) {
	if err != nil {
		return Request{}, err
	}
	defer C.lend_request_free(h)
	return requestFrom(h), nil
}

func takeRequests(l *C.lend_requests, err error) ([]Request, error) {
	if err != nil {
		return nil, err
	}
	defer C.lend_requests_free(l)
	out := []Request{}
	for i, n := C.size_t(0), C.lend_requests_count(l); i < n; i++ {
		out = append(out, requestFrom(C.lend_requests_get(l, i)))
	}
	return out, nil
}

// RequestBook asks the librarian for a book through one of the reader's
// tickets; a refusal is ErrDenied with its Reason (ReasonAlreadyRequested, ...).
func (e *Engine) RequestBook(a *Actor, ticketID, bookID int64) (Request, error) {
	var h *C.lend_request
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_request_create(c, ca, C.int64_t(ticketID), C.int64_t(bookID), &h)
	})
	return takeRequest(h, err)
}

// CancelRequest withdraws a pending request (ErrState once decided).
func (e *Engine) CancelRequest(a *Actor, requestID int64) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_request_cancel(c, ca, C.int64_t(requestID))
	})
}

// Request returns a request; staff also get the decision context.
func (e *Engine) Request(a *Actor, requestID int64) (Request, error) {
	var h *C.lend_request
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_request_get(c, ca, C.int64_t(requestID), &h)
	})
	return takeRequest(h, err)
}

// Requests returns a reader's requests and direct issues, oldest first;
// state 0 for every state.
func (e *Engine) Requests(a *Actor, readerID int64, state RequestState) ([]Request, error) {
	var l *C.lend_requests
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_request_list(c, ca, C.int64_t(readerID), C.int(state), &l)
	})
	return takeRequests(l, err)
}

// PendingRequests returns at most limit (1..1000) pending requests of a
// library with their decision context, oldest first.
func (e *Engine) PendingRequests(a *Actor, libraryID int64, limit int) ([]Request, error) {
	var l *C.lend_requests
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_request_pending(c, ca, C.int64_t(libraryID), C.int(limit), &l)
	})
	return takeRequests(l, err)
}

// Approve approves a pending request: a copy is issued (bought if need be)
// or the reader joins the queue. It returns the decided request.
func (e *Engine) Approve(a *Actor, requestID int64) (Request, error) {
	var h *C.lend_request
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_request_approve(c, ca, C.int64_t(requestID), &h)
	})
	return takeRequest(h, err)
}

// Deny denies a pending request with a reason; ReasonLibrarian needs text,
// the librarian's words to the reader ("" for none otherwise).
func (e *Engine) Deny(a *Actor, requestID int64, reason Reason, text string) error {
	var cs cstrings
	defer cs.free()
	ctext := cs.opt(text)
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_request_deny(c, ca, C.int64_t(requestID), C.int(reason), ctext)
	})
}

// Issue issues a book to a reader directly (a librarian or admin); override
// passes over his limits, and is recorded with note ("" for none).
func (e *Engine) Issue(a *Actor, ticketID, bookID int64, override bool, note string) (Loan, error) {
	var cs cstrings
	defer cs.free()
	cnote := cs.opt(note)
	var h *C.lend_loan
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_issue(c, ca, C.int64_t(ticketID), C.int64_t(bookID), cbool(override), cnote, &h)
	})
	return takeLoan(h, err)
}

// Renew extends an active loan once by one loan period, where allowed.
func (e *Engine) Renew(a *Actor, loanID int64) (Loan, error) {
	var h *C.lend_loan
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_renew(c, ca, C.int64_t(loanID), &h)
	})
	return takeLoan(h, err)
}

// Reserve is a freed copy reserved for a waiting reader until he confirms.
type Reserve struct {
	ID        int64
	LibraryID int64
	BookID    int64
	HoldID    int64
	TicketID  int64
	ReaderID  int64
	CreatedAt time.Time
	ExpiresAt time.Time
	State     ReserveState
	EndedAt   time.Time
	LoanID    int64 // CONFIRMED: the loan
}

func reserveFrom(h *C.lend_reserve) Reserve {
	return Reserve{
		ID:        int64(C.lend_reserve_id(h)),
		LibraryID: int64(C.lend_reserve_library_id(h)),
		BookID:    int64(C.lend_reserve_book_id(h)),
		HoldID:    int64(C.lend_reserve_hold_id(h)),
		TicketID:  int64(C.lend_reserve_ticket_id(h)),
		ReaderID:  int64(C.lend_reserve_reader_id(h)),
		CreatedAt: fromUnix(C.lend_reserve_created_at(h)),
		ExpiresAt: fromUnix(C.lend_reserve_expires_at(h)),
		State:     ReserveState(C.lend_reserve_state(h)),
		EndedAt:   fromUnix(C.lend_reserve_ended_at(h)),
		LoanID:    int64(C.lend_reserve_loan_id(h)),
	}
}

// ConfirmReserve confirms a reservation: the loan starts now.
func (e *Engine) ConfirmReserve(a *Actor, reserveID int64) (Loan, error) {
	var h *C.lend_loan
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_reserve_confirm(c, ca, C.int64_t(reserveID), &h)
	})
	return takeLoan(h, err)
}

// DeclineReserve lets a reservation go: the reader leaves the queue.
func (e *Engine) DeclineReserve(a *Actor, reserveID int64) error {
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_reserve_decline(c, ca, C.int64_t(reserveID))
	})
}

// Reserve returns a reservation.
func (e *Engine) Reserve(a *Actor, reserveID int64) (Reserve, error) {
	var h *C.lend_reserve
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_reserve_get(c, ca, C.int64_t(reserveID), &h)
	})
	if err != nil {
		return Reserve{}, err
	}
	defer C.lend_reserve_free(h)
	return reserveFrom(h), nil
}

// Reserves returns a reader's reservations, oldest first; activeOnly keeps
// the ones waiting for his confirmation.
func (e *Engine) Reserves(a *Actor, readerID int64, activeOnly bool) ([]Reserve, error) {
	var l *C.lend_reserves
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_reserve_list(c, ca, C.int64_t(readerID), cbool(activeOnly), &l)
	})
	if err != nil {
		return nil, err
	}
	defer C.lend_reserves_free(l)
	out := []Reserve{}
	for i, n := C.size_t(0), C.lend_reserves_count(l); i < n; i++ {
		out = append(out, reserveFrom(C.lend_reserves_get(l, i)))
	}
	return out, nil
}

// License is a license with terms in a library's fund.
type License struct {
	ID            int64
	LibraryID     int64
	BookID        int64
	Copies        int
	ExpiresAt     time.Time // zero: no end
	CheckoutsLeft int64     // Unlimited: no limit
	CreatedAt     time.Time
	ClosedAt      time.Time // zero while it lends
	OnLoan        int
}

// AddLicense adds a license to a library's fund: copies lent at once, until
// expiresAt (zero: no end), for checkouts more loans (Unlimited: no limit).
// It returns the license's id.
func (e *Engine) AddLicense(a *Actor, libraryID, bookID int64, copies int, expiresAt time.Time,
	checkouts int64) (int64, error) {
	var id C.int64_t
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_license_add(c, ca, C.int64_t(libraryID), C.int64_t(bookID), C.int(copies), toUnix(expiresAt),
			C.int64_t(checkouts), &id)
	})
	return int64(id), err
}

// Licenses returns the licenses of a fund entry, oldest first, open and closed.
func (e *Engine) Licenses(a *Actor, libraryID, bookID int64) ([]License, error) {
	var l *C.lend_licenses
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_license_list(c, ca, C.int64_t(libraryID), C.int64_t(bookID), &l)
	})
	if err != nil {
		return nil, err
	}
	defer C.lend_licenses_free(l)
	out := []License{}
	for i, n := C.size_t(0), C.lend_licenses_count(l); i < n; i++ {
		h := C.lend_licenses_get(l, i)
		out = append(out, License{
			ID:            int64(C.lend_license_id(h)),
			LibraryID:     int64(C.lend_license_library_id(h)),
			BookID:        int64(C.lend_license_book_id(h)),
			Copies:        int(C.lend_license_copies(h)),
			ExpiresAt:     fromUnix(C.lend_license_expires_at(h)),
			CheckoutsLeft: int64(C.lend_license_checkouts_left(h)),
			CreatedAt:     fromUnix(C.lend_license_created_at(h)),
			ClosedAt:      fromUnix(C.lend_license_closed_at(h)),
			OnLoan:        int(C.lend_license_on_loan(h)),
		})
	}
	return out, nil
}

// CorrectBudget corrects a library's budget by amount (either sign) with a
// reason in note; never below zero (ReasonBudget).
func (e *Engine) CorrectBudget(a *Actor, libraryID, amount int64, note string) error {
	var cs cstrings
	defer cs.free()
	cnote := cs.of(note)
	return e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_budget_correct(c, ca, C.int64_t(libraryID), C.int64_t(amount), cnote)
	})
}

// LedgerEntry is an entry of a library's budget ledger.
type LedgerEntry struct {
	ID      int64
	At      time.Time
	Amount  int64 // > 0 credits, < 0 spends
	Kind    LedgerKind
	BookID  int64 // purchases: the book
	ActorID int64 // the account that caused it, 0 for the administrator
	Note    string
	Balance int64 // the budget right after this entry
}

// Ledger returns a library's ledger entries with from <= At < to (zero to:
// no end), oldest first.
func (e *Engine) Ledger(a *Actor, libraryID int64, from, to time.Time) ([]LedgerEntry, error) {
	var l *C.lend_ledger
	err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int {
		return C.lend_ledger_list(c, ca, C.int64_t(libraryID), toUnix(from), toUnix(to), &l)
	})
	if err != nil {
		return nil, err
	}
	defer C.lend_ledger_free(l)
	out := []LedgerEntry{}
	for i, n := C.size_t(0), C.lend_ledger_count(l); i < n; i++ {
		x := C.lend_ledger_get(l, i)
		out = append(out, LedgerEntry{
			ID:      int64(C.lend_ledger_entry_id(x)),
			At:      fromUnix(C.lend_ledger_entry_at(x)),
			Amount:  int64(C.lend_ledger_entry_amount(x)),
			Kind:    LedgerKind(C.lend_ledger_entry_kind(x)),
			BookID:  int64(C.lend_ledger_entry_book_id(x)),
			ActorID: int64(C.lend_ledger_entry_actor_id(x)),
			Note:    str(C.lend_ledger_entry_note(x)),
			Balance: int64(C.lend_ledger_entry_balance(x)),
		})
	}
	return out, nil
}
