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
	// NoVerdict is a deferred book's verdict when no ticket was asked about.
	NoVerdict Verdict = -1
)

func (v Verdict) String() string {
	switch v {
	case VerdictRefused:
		return "refused"
	case VerdictTake:
		return "take"
	case VerdictQueue:
		return "queue"
	case VerdictRequest:
		return "request"
	case VerdictYours:
		return "yours"
	case NoVerdict:
		return "none"
	}
	return "verdict(" + strconv.Itoa(int(v)) + ")"
}

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
	NoteLoanRenewed   NoteKind = 20
	NoteReserveLapsed NoteKind = 21
	// -- accounts and sign-in: 40..59
	// -- the reader's shelf: 60..79
	NoteBalanceCredited NoteKind = 60
	NoteBookBought      NoteKind = 61
	// -- the catalog: 80..99
)

// String returns the library's name for the kind.
func (k NoteKind) String() string { return C.GoString(C.lend_note_kind_string(C.int(k))) }

// Security reports whether the kind is about security (always sent, never muted).
func (k NoteKind) Security() bool { return C.lend_note_kind_security(C.int(k)) != 0 }

// RequestState is the state of a request to the librarian.
type RequestState int

const (
	RequestPending   RequestState = 1
	RequestApproved  RequestState = 2
	RequestDenied    RequestState = 3
	RequestCancelled RequestState = 4 // by the reader
)

// RequestOrigin says how a request came about.
type RequestOrigin int

const (
	RequestByReader RequestOrigin = 1 // "ask the librarian"
	RequestDirect   RequestOrigin = 2 // the record of a librarian's direct issue
)

// ReserveState is the state of a copy reserved for a waiting reader.
type ReserveState int

const (
	ReserveActive    ReserveState = 1
	ReserveConfirmed ReserveState = 2
	ReserveLapsed    ReserveState = 3
	ReserveCancelled ReserveState = 4 // declined, or the reader left the queue
)

// LedgerKind is the kind of a budget ledger entry.
type LedgerKind int

const (
	LedgerTopup      LedgerKind = 1
	LedgerPurchase   LedgerKind = 2
	LedgerCorrection LedgerKind = 3
)

// LoginKind says what a login is.
type LoginKind int

const (
	LoginTicket LoginKind = 1 // a ticket number within its library
	LoginEmail  LoginKind = 2
	LoginPhone  LoginKind = 3
)

// MethodKind is the kind of a backup sign-in method.
type MethodKind int

const (
	MethodEmail    MethodKind = 1
	MethodPhone    MethodKind = 2
	MethodIdentity MethodKind = 3 // an external identity: provider + subject
)

// SessionOrigin says how a session began.
type SessionOrigin int

const (
	SessionPassword   SessionOrigin = 1
	SessionActivation SessionOrigin = 2
	SessionIdentity   SessionOrigin = 3
)

// AuditEvent is an event of the audit log.
type AuditEvent int

const (
	AuditSigninOK            AuditEvent = 1
	AuditSigninFailed        AuditEvent = 2
	AuditLockout             AuditEvent = 3
	AuditPasswordSet         AuditEvent = 4
	AuditPasswordChanged     AuditEvent = 5
	AuditMethodAdded         AuditEvent = 6
	AuditMethodConfirmed     AuditEvent = 7
	AuditMethodRemoved       AuditEvent = 8
	AuditCodeFailed          AuditEvent = 9
	AuditRecoveryRequested   AuditEvent = 10
	AuditRecoveryDone        AuditEvent = 11
	AuditActivationRequested AuditEvent = 12
	AuditActivated           AuditEvent = 13
	AuditSessionRevoked      AuditEvent = 14
	AuditMerged              AuditEvent = 15
)

// String returns the library's name for the event.
func (ev AuditEvent) String() string { return C.GoString(C.lend_audit_event_string(C.int(ev))) }

// PasswordCost is the Argon2id cost of new password hashes.
type PasswordCost int

const (
	PasswordCostInteractive PasswordCost = 0 // the default
	PasswordCostModerate    PasswordCost = 1
	PasswordCostSensitive   PasswordCost = 2
	PasswordCostMin         PasswordCost = 3 // tests only
)

// ShelfSection is a section of a reader's shelf.
type ShelfSection int

const (
	ShelfAll      ShelfSection = 0 // in a query: every section
	ShelfLoans    ShelfSection = 1
	ShelfQueue    ShelfSection = 2
	ShelfRequests ShelfSection = 3
	ShelfBought   ShelfSection = 4
	ShelfDeferred ShelfSection = 5
	ShelfHistory  ShelfSection = 6
)

// TicketState is a ticket's state in the reader's cabinet.
type TicketState int

const (
	TicketActive  TicketState = 1
	TicketBlocked TicketState = 2
	TicketNotYet  TicketState = 3 // before its validity starts
	TicketExpired TicketState = 4 // after its validity ended
)

// Access says how a reader may read a book.
type Access int

const (
	AccessNone    Access = 0
	AccessLoan    Access = 1
	AccessBought  Access = 2
	AccessPreview Access = 3 // within the preview fragment
)

// Channel is the channel a reader chose for notifications.
type Channel int

const (
	ChannelNone  Channel = 0 // the host decides
	ChannelEmail Channel = 1
	ChannelSMS   Channel = 2
)

// AuthorRole says how a name is linked to a book.
type AuthorRole int

const (
	RoleAuthor   AuthorRole = 1
	RoleNarrator AuthorRole = 2
)

// ImportFormat is the format of a catalog file.
type ImportFormat int

const (
	ImportAuto  ImportFormat = 0 // by the file name: .jsonl, .ndjson, .json are JSON Lines, else CSV
	ImportCSV   ImportFormat = 1
	ImportJSONL ImportFormat = 2
)

// ListKind is a listing of books.
type ListKind int

const (
	ListFund        ListKind = 1 // a library's fund, by book id
	ListAuthor      ListKind = 2 // an author's books, newest year first
	ListGenre       ListKind = 3 // a genre, newest added first
	ListNew         ListKind = 4 // new arrivals
	ListPopular     ListKind = 5 // most loans in the last days
	ListSoon        ListKind = 6 // coming soon
	ListRecommended ListKind = 7 // what the reader's fellow readers borrowed
)

// Version returns the loaded library's version number (MAJOR*10000 + MINOR*100 + PATCH).
func Version() int { return int(C.lend_version()) }

// VersionString returns the loaded library's version, e.g. "0.1.0".
func VersionString() string { return C.GoString(C.lend_version_string()) }
