package lend

/*
#include <lend.h>
*/
import "C"

import "strconv"

// Kind is a kind of book; KindAny in policy settings means every kind.
type Kind int

const (
	KindAny       Kind = 0
	KindEbook     Kind = 1
	KindAudiobook Kind = 2
)

func (k Kind) String() string {
	switch k {
	case KindAny:
		return "any"
	case KindEbook:
		return "ebook"
	case KindAudiobook:
		return "audiobook"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Origin says how a loan came about.
type Origin int

const (
	OriginSelf      Origin = 1 // the reader's own take
	OriginLibrarian Origin = 2 // issued by a librarian
	OriginQueue     Origin = 3 // automatic hand-off from the queue
)

// LoanEnd says how a loan ended.
type LoanEnd int

const (
	EndNone     LoanEnd = 0 // still active
	EndExpired  LoanEnd = 1
	EndReturned LoanEnd = 2
	EndRevoked  LoanEnd = 3
)

// HoldState is the state of a place in a queue.
type HoldState int

const (
	HoldWaiting HoldState = 1
	HoldServed  HoldState = 2
	HoldLeft    HoldState = 3
)

// Verdict says which button to show for a ticket and a book.
type Verdict int

const (
	VerdictRefused Verdict = 0
	VerdictTake    Verdict = 1
	VerdictQueue   Verdict = 2
	VerdictRequest Verdict = 3
	VerdictYours   Verdict = 4
)

// Setting is a policy setting, per library, kind of book and ticket.
type Setting int

const (
	SettingLoanDays         Setting = 1
	SettingSelfServiceLimit Setting = 2
	SettingMaxLoans         Setting = 3
	SettingMaxSelfPrice     Setting = 4
	SettingMaxRequests      Setting = 5
	SettingMonthlyQuota     Setting = 6
	SettingMaxCopies        Setting = 7
	SettingHandoffMode      Setting = 8
	SettingReserveDays      Setting = 9
	SettingRenewals         Setting = 10
	SettingReminderDays     Setting = 11
)

// SettingCount is the number of settings; they run from 1 to SettingCount.
const SettingCount = int(C.LEND_SETTING_COUNT)

// Unlimited is the value of a setting without a limit.
const Unlimited int64 = C.LEND_UNLIMITED

// ActorKind says who acts.
type ActorKind int

const (
	ActorAdmin     ActorKind = 1
	ActorReader    ActorKind = 2
	ActorLibrarian ActorKind = 3
)

// NoteKind says what a notification is about.
type NoteKind int

const (
	NoteLoanIssued       NoteKind = 1
	NoteLoanEnded        NoteKind = 2
	NoteQueueHandoff     NoteKind = 3
	NoteLoanEndingSoon   NoteKind = 4
	NoteRequestApproved  NoteKind = 5
	NoteRequestDenied    NoteKind = 6
	NoteQueuePosition    NoteKind = 7
	NoteReserveWaiting   NoteKind = 8
	NoteVerificationCode NoteKind = 9
	NotePasswordRecovery NoteKind = 10
	NoteAppActivation    NoteKind = 11
	// -- the librarian's desk: 20..39
	// -- accounts and sign-in: 40..59
	// -- the reader's shelf: 60..79
	// -- the catalog: 80..99
)

// String returns the library's name for the kind.
func (k NoteKind) String() string { return C.GoString(C.lend_note_kind_string(C.int(k))) }

// Version returns the loaded library's version number (MAJOR*10000 + MINOR*100 + PATCH).
func Version() int { return int(C.lend_version()) }

// VersionString returns the loaded library's version, e.g. "0.1.0".
func VersionString() string { return C.GoString(C.lend_version_string()) }
