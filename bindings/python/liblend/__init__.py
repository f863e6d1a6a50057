"""liblend: the lending engine of an online e-book and audiobook library.

A thin, typed binding of ``liblend.so.1`` through :mod:`ctypes`::

    from liblend import Engine
    with Engine(":memory:") as e:
        admin = e.admin()
        lib = e.add_library(admin, "Central Library")

Times are aware :class:`datetime.datetime` in UTC (None where the engine
says "none"); money is an ``int`` of minor units beside its ISO 4217 currency
(:class:`Money`); kinds, verdicts and reasons are :class:`enum.IntEnum`.
Every failure is a :class:`LendError` subclass carrying ``status``, ``reason``
and ``message``.
"""
from .engine import (Actor, Clock, Engine, ManualClock, Notifier, Progress, audit_event_string, isbn_normalize,
                     note_kind_security, note_kind_string, reason_string, strerror, version, version_string)
from .enums import (Access, ActorKind, AuditEvent, AuthorRole, Channel, HoldState, ImportFormat, Kind, LedgerKind,
                    ListKind, LoanEnd, LoginKind, MethodKind, NoteKind, Origin, PasswordCost, Reason, RequestOrigin, RequestState, ReserveState, SessionOrigin,
                    Setting, ShelfSection, Status, TicketState, Verdict)
from .errors import (AlreadyExists, AuthFailed, Busy, CallbackError, InvalidInput, InvalidState, LendError, NotFound,
                     NotPermitted, OutOfMemory, Refused, StorageFailed, error_for)
from .objects import (Author, ImportProblem, ImportReport, Listing, ListingEntry, RatingSummary, Review, SearchHit)
from .objects import (AuditEntry, Availability, Book, Bookmark, CabinetEntry, Deferred, Fund, Hold, LedgerEntry, Library,
                      License, Limits, Loan, Method, Money, Notification, OfflineGrant, Prefs, Purchase, Queue, Reader,
                      Reading, Request, Reserve, Session, ShelfItem, ShelfPage, Ticket)

__all__ = [
    "Actor", "Clock", "Engine", "ManualClock", "Notifier", "Progress", "audit_event_string", "isbn_normalize",
    "note_kind_security",
    "note_kind_string", "reason_string", "strerror", "version", "version_string",
    "AuthorRole", "ImportFormat", "ListKind", "Author", "ImportProblem", "ImportReport", "Listing", "ListingEntry",
    "RatingSummary", "Review", "SearchHit",
    "Access", "ActorKind", "AuditEvent", "Channel", "HoldState", "Kind", "LedgerKind", "LoanEnd", "LoginKind",
    "MethodKind", "NoteKind", "Origin", "PasswordCost", "Reason", "RequestOrigin", "RequestState", "ReserveState",
    "SessionOrigin", "Setting", "ShelfSection", "Status", "TicketState", "Verdict",
    "AlreadyExists", "AuthFailed", "Busy", "CallbackError", "InvalidInput", "InvalidState", "LendError", "NotFound",
    "NotPermitted", "OutOfMemory", "Refused", "StorageFailed", "error_for",
    "AuditEntry", "Availability", "Book", "Bookmark", "CabinetEntry", "Deferred", "Fund", "Hold", "LedgerEntry",
    "Library", "License", "Limits", "Loan", "Method", "Money", "Notification", "OfflineGrant", "Prefs", "Purchase",
    "Queue", "Reader", "Reading", "Request", "Reserve", "Session", "ShelfItem", "ShelfPage", "Ticket",
]
__version__ = "0.1.0"
