package lend

/*
#include <lend.h>
*/
import "C"

import "fmt"

// Status is what a liblend call returned (enum lend_status). Every non-OK
// Status is an error, so errors.Is(err, lend.ErrNotFound) works on any error
// this package returns.
type Status int

// The statuses, as in lend.h.
const (
	OK          Status = 0
	ErrGeneric  Status = 1  // an error with no more specific code
	ErrNotFound Status = 2  // an id or key that does not exist
	ErrInvalid  Status = 3  // bad input: empty, too long, invalid UTF-8, out of range
	ErrExists   Status = 4  // would duplicate something unique
	ErrDenied   Status = 5  // refused by a lending rule: see Error.Reason
	ErrAuth     Status = 6  // authentication failed
	ErrPerm     Status = 7  // the actor may not do this
	ErrBusy     Status = 8  // the storage stayed locked past the busy timeout
	ErrStorage  Status = 9  // the storage failed; nothing was changed
	ErrNoMem    Status = 10 // out of memory; nothing was changed
	ErrUser     Status = 11 // a host callback failed; nothing was changed
	ErrState    Status = 12 // the object is not in a state that allows this
)

// Error returns the library's English text for the status.
func (s Status) Error() string { return C.GoString(C.lend_strerror(C.int(s))) }

// String is the same text as Error.
func (s Status) String() string { return s.Error() }

// Reason says which lending rule refused (enum lend_reason). A Reason is an
// error too: errors.Is(err, lend.ReasonNoFreeCopy) tells a refusal apart.
type Reason int

// The refusal reasons, as in lend.h.
const (
	ReasonNone             Reason = 0
	ReasonTicketBlocked    Reason = 1
	ReasonTicketExpired    Reason = 2
	ReasonNotLendable      Reason = 3
	ReasonAge              Reason = 4
	ReasonNotReleased      Reason = 5
	ReasonSelfServiceLimit Reason = 6
	ReasonMaxLoans         Reason = 7
	ReasonTooExpensive     Reason = 8
	ReasonBudget           Reason = 9
	ReasonNoFreeCopy       Reason = 10
	ReasonAlreadyYours     Reason = 11
	ReasonAlreadyQueued    Reason = 12
	ReasonNotInFund        Reason = 13
	ReasonTooManyRequests  Reason = 14
	ReasonMonthlyQuota     Reason = 15
	ReasonCopyLimit        Reason = 16
	ReasonCopiesOnLoan     Reason = 17
	ReasonFreeCopy         Reason = 18
	ReasonSuspendTooLong   Reason = 19
	// -- the librarian's desk: 20..39
	ReasonAlreadyRequested Reason = 20 // a request for this book is pending
	ReasonRenewalsOff      Reason = 21 // the library does not renew loans
	ReasonAlreadyRenewed   Reason = 22 // a loan is renewed once at most
	ReasonSomeoneWaits     Reason = 23 // readers wait for the book: no renewal
	ReasonLibrarian        Reason = 24 // the librarian's own words
	// -- accounts and sign-in: 40..59
	ReasonSigninDelayed    Reason = 40 // failed sign-ins: wait before the next try
	ReasonSigninLocked     Reason = 41 // too many failed sign-ins: locked for a while
	ReasonCodeExpired      Reason = 42 // the one-time code expired or a newer one was sent
	ReasonCodeTries        Reason = 43 // the one-time code allows no more tries
	ReasonBirthDateDiffers Reason = 44 // accounts of different people cannot merge
	// -- the reader's shelf: 60..79
	ReasonBalance       Reason = 60 // the balance does not cover the price
	ReasonAlreadyBought Reason = 61 // the reader bought this book already
	ReasonNotForSale    Reason = 62 // the book has no price
	ReasonNoAccess      Reason = 63 // neither on loan, nor bought, nor within the preview
	// -- the catalog: 80..99
)

// Error returns the library's English text for the reason.
func (r Reason) Error() string { return C.GoString(C.lend_reason_string(C.int(r))) }

// String is the same text as Error.
func (r Reason) String() string { return r.Error() }

// Error is what every failing call returns: the status, the refusal reason
// (ReasonNone unless Status is ErrDenied) and the engine's message, meant
// for a person. errors.Is matches its Status and its Reason; Unwrap gives
// the error a Go callback returned (or the panic it raised), if any.
type Error struct {
	Status  Status
	Reason  Reason
	Message string
	Cause   error
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "lend: " + e.Status.Error()
	}
	return "lend: " + e.Message
}

// Unwrap returns the callback's error that caused this one, if any.
func (e *Error) Unwrap() error { return e.Cause }

// Is reports whether target is this error's Status or Reason.
func (e *Error) Is(target error) bool {
	switch t := target.(type) {
	case Status:
		return e.Status == t
	case Reason:
		return e.Reason == t && e.Reason != ReasonNone
	}
	return false
}

func errorf(s Status, format string, args ...interface{}) *Error {
	return &Error{Status: s, Message: fmt.Sprintf(format, args...)}
}

// check turns a draft setter's status into an error naming the field.
func check(rc C.int, what string, value interface{}) error {
	if rc == 0 {
		return nil
	}
	return errorf(Status(rc), "%s is not acceptable: %v", what, value)
}
