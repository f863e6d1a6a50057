"""The engine: one connection to a liblend store, and every operation on it."""
from __future__ import annotations

import ctypes
import datetime as _dt
import os
import threading
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from . import _native as N
from .enums import (Access, ActorKind, AuthorRole, ImportFormat, Kind, ListKind, LoginKind, MethodKind, PasswordCost,
                    Reason, RequestState, Setting, ShelfSection, to_enum)
from .errors import CallbackError, InvalidInput, InvalidState, error_for
from .objects import (AUTHOR, IMPORT_REPORT, RATING_SUMMARY, REVIEW, SEARCH_HIT, Author, ImportReport, Listing,
                      RatingSummary, Review, SearchHit, take_listing)
from .objects import (AUDIT, AVAILABILITY, BOOK, BOOKMARKS, DEFERREDS, FUND, HOLD, LEDGER, LIBRARY, LICENSE, LIMITS,
                      LOAN, METHODS, NOTIFICATION, OFFLINE, PREFS, PURCHASE, QUEUE, READER, READING, REQUEST, RESERVE,
                      SESSIONS, TICKET, AuditEntry, Availability, Book, Bookmark, CabinetEntry, Deferred, Fund, Hold,
                      LedgerEntry, Library, License, Limits, Loan, Method, Money, Notification, OfflineGrant, Prefs,
                      Purchase, Queue, Reader, Reading, Request, Reserve, Session, ShelfItem, ShelfPage, Ticket,
                      from_epoch, take_cabinet, take_shelf, to_epoch)

I, I64, S, V, P = N.c_int, N.c_int64, N.c_char_p, N.c_void_p, N.POINTER(N.c_void_p)
PI64 = N.POINTER(N.c_int64)
fn = N.fn

When = Union[_dt.datetime, int, None]
#: A clock: returns the time now, as an aware datetime or UTC seconds.
Clock = Callable[[], Union[_dt.datetime, int]]
#: A notifier: called with each due notification. Returning normally (or
#: True) means delivered; False means "not now, retry later"; an exception
#: also leaves it pending and is re-raised by :meth:`Engine.deliver`.
Notifier = Callable[[Notification], Optional[bool]]
#: A book's catalog metadata by field name, as add_book takes it.
BookMeta = Dict[str, Any]
#: An import's progress: called with (rows done, rows in the file); returning
#: False stops the import after the batches written so far.
Progress = Callable[[int, int], Optional[bool]]

# ------------------------------------------------------------ C prototypes

_strerror = fn("lend_strerror", S, I)
_reason_string = fn("lend_reason_string", S, I)
_note_kind_string = fn("lend_note_kind_string", S, I)
_version = fn("lend_version", I)
_version_string = fn("lend_version_string", S)

#: LEND_PASSWORD_GENERATED_SIZE: a buffer that holds a generated password.
_PASSWORD_GENERATED_SIZE = 16

_ClockFn = ctypes.CFUNCTYPE(N.c_int64, V)
_DeliverFn = ctypes.CFUNCTYPE(N.c_int, V, V, N.POINTER(N.c_char_p))
_FreeFn = ctypes.CFUNCTYPE(None, V)


class _NotifierStruct(ctypes.Structure):
    _fields_ = [("version", N.c_uint), ("userdata", V), ("deliver", _DeliverFn), ("free", _FreeFn)]


_NOTIFIER_VERSION = 1
_notifier_init = fn("lend_notifier_init", I, N.POINTER(_NotifierStruct), N.c_uint)
_options_new = fn("lend_options_new", I, P)
_options_free = fn("lend_options_free", None, V)
_options_set_clock = fn("lend_options_set_clock", I, V, _ClockFn, V)
_options_set_notifier = fn("lend_options_set_notifier", I, V, N.POINTER(_NotifierStruct))
_options_set_busy_timeout = fn("lend_options_set_busy_timeout", I, V, I)
_engine_open = fn("lend_engine_open", I, P, S, V)
_engine_close = fn("lend_engine_close", None, V)
_engine_errcode = fn("lend_engine_errcode", I, V)
_engine_errmsg = fn("lend_engine_errmsg", S, V)
_engine_reason = fn("lend_engine_reason", I, V)
_engine_now = fn("lend_engine_now", N.c_int64, V)
_engine_tick = fn("lend_engine_tick", I, V, PI64, PI64)
_engine_deliver = fn("lend_engine_deliver", I, V, I, N.POINTER(N.c_int))
_engine_check = fn("lend_engine_check", I, V, P)
_report_count = fn("lend_report_count", N.c_size_t, V)
_report_get = fn("lend_report_get", S, V, N.c_size_t)
_report_free = fn("lend_report_free", None, V)

_actor_admin = fn("lend_actor_admin", I, V, P)
_actor_reader = fn("lend_actor_reader", I, V, I64, P)
_actor_librarian = fn("lend_actor_librarian", I, V, I64, P)
_actor_free = fn("lend_actor_free", None, V)
_actor_kind = fn("lend_actor_kind", I, V)
_actor_reader_id = fn("lend_actor_reader_id", I64, V)

_library_new = fn("lend_library_new", I, P)
_library_set_name = fn("lend_library_set_name", I, V, S)
_library_set_address = fn("lend_library_set_address", I, V, S)
_library_set_contacts = fn("lend_library_set_contacts", I, V, S)
_library_set_currency = fn("lend_library_set_currency", I, V, S)
_library_add = fn("lend_library_add", I, V, V, V, PI64)
_library_get = fn("lend_library_get", I, V, V, I64, P)
_library_list = fn("lend_library_list", I, V, V, P)
_library_grant = fn("lend_library_grant", I, V, V, I64, I64)
_library_revoke = fn("lend_library_revoke", I, V, V, I64, I64)
_budget_add = fn("lend_budget_add", I, V, V, I64, I64, S)
_policy_set = fn("lend_policy_set", I, V, V, I64, I, I, I64)
_policy_clear = fn("lend_policy_clear", I, V, V, I64, I, I)
_policy_get = fn("lend_policy_get", I, V, V, I64, I, I, PI64)

_reader_new = fn("lend_reader_new", I, P)
_reader_set_name = fn("lend_reader_set_name", I, V, S)
_reader_set_birth_date = fn("lend_reader_set_birth_date", I, V, I, I, I)
_reader_add = fn("lend_reader_add", I, V, V, V, PI64)
_reader_get = fn("lend_reader_get", I, V, V, I64, P)

_ticket_issue = fn("lend_ticket_issue", I, V, V, I64, I64, S, P)
_ticket_get = fn("lend_ticket_get", I, V, V, I64, P)
_ticket_list = fn("lend_ticket_list", I, V, V, I64, P)
_ticket_set_blocked = fn("lend_ticket_set_blocked", I, V, V, I64, I)
_ticket_set_validity = fn("lend_ticket_set_validity", I, V, V, I64, I64, I64)
_ticket_set_limit = fn("lend_ticket_set_limit", I, V, V, I64, I, I, I64)
_ticket_clear_limit = fn("lend_ticket_clear_limit", I, V, V, I64, I, I)
_limits_get = fn("lend_limits_get", I, V, V, I64, I, P)

_book_new = fn("lend_book_new", I, P)
_book_set_title = fn("lend_book_set_title", I, V, S)
_book_set_kind = fn("lend_book_set_kind", I, V, I)
_book_add_author = fn("lend_book_add_author", I, V, S)
_book_set_age_rating = fn("lend_book_set_age_rating", I, V, I)
_book_set_price = fn("lend_book_set_price", I, V, I64, S)
_book_set_lendable = fn("lend_book_set_lendable", I, V, I)
_book_set_release_at = fn("lend_book_set_release_at", I, V, I64)
_book_add = fn("lend_book_add", I, V, V, V, PI64)
_book_update = fn("lend_book_update", I, V, V, V)
_book_get = fn("lend_book_get", I, V, V, I64, P)
_book_list = fn("lend_book_list", I, V, V, I64, I, P)

_fund_add_copies = fn("lend_fund_add_copies", I, V, V, I64, I64, I)
_fund_buy_copies = fn("lend_fund_buy_copies", I, V, V, I64, I64, I)
_fund_remove_copies = fn("lend_fund_remove_copies", I, V, V, I64, I64, I)
_fund_get = fn("lend_fund_get", I, V, V, I64, I64, P)
_fund_list = fn("lend_fund_list", I, V, V, I64, I64, I, P)

_availability_get = fn("lend_availability_get", I, V, V, I64, I64, P)
_take = fn("lend_take", I, V, V, I64, I64, P)
_return = fn("lend_return", I, V, V, I64)
_loan_get = fn("lend_loan_get", I, V, V, I64, P)
_loan_list = fn("lend_loan_list", I, V, V, I64, I, P)

_queue_join = fn("lend_queue_join", I, V, V, I64, I64, P)
_queue_leave = fn("lend_queue_leave", I, V, V, I64)
_queue_suspend = fn("lend_queue_suspend", I, V, V, I64, I64)
_queue_resume = fn("lend_queue_resume", I, V, V, I64)
_hold_get = fn("lend_hold_get", I, V, V, I64, P)
_hold_list = fn("lend_hold_list", I, V, V, I64, P)
_queue_get = fn("lend_queue_get", I, V, V, I64, I64, P)

_outbox_list = fn("lend_outbox_list", I, V, V, I, I, P)

_options_set_outbox_retention = fn("lend_options_set_outbox_retention", I, V, I64)
_options_set_session_lifetime = fn("lend_options_set_session_lifetime", I, V, I64)
_options_set_audit_retention = fn("lend_options_set_audit_retention", I, V, I64)

# the librarian's desk
_request_create = fn("lend_request_create", I, V, V, I64, I64, P)
_request_cancel = fn("lend_request_cancel", I, V, V, I64)
_request_get = fn("lend_request_get", I, V, V, I64, P)
_request_list = fn("lend_request_list", I, V, V, I64, I, P)
_request_pending = fn("lend_request_pending", I, V, V, I64, I, P)
_request_approve = fn("lend_request_approve", I, V, V, I64, P)
_request_deny = fn("lend_request_deny", I, V, V, I64, I, S)
_issue = fn("lend_issue", I, V, V, I64, I64, I, S, P)
_renew = fn("lend_renew", I, V, V, I64, P)
_reserve_confirm = fn("lend_reserve_confirm", I, V, V, I64, P)
_reserve_decline = fn("lend_reserve_decline", I, V, V, I64)
_reserve_get = fn("lend_reserve_get", I, V, V, I64, P)
_reserve_list = fn("lend_reserve_list", I, V, V, I64, I, P)
_license_add = fn("lend_license_add", I, V, V, I64, I64, I, I64, I64, PI64)
_license_list = fn("lend_license_list", I, V, V, I64, I64, P)
_budget_correct = fn("lend_budget_correct", I, V, V, I64, I64, S)
_ledger_list = fn("lend_ledger_list", I, V, V, I64, I64, I64, P)

# accounts and sign-in
_audit_event_string = fn("lend_audit_event_string", S, I)
_options_set_password_cost = fn("lend_options_set_password_cost", I, V, I)
_ticket_set_password = fn("lend_ticket_set_password", I, V, V, I64, S, N.c_char_p)
_password_change = fn("lend_password_change", I, V, V, S, S)
_sign_in = fn("lend_sign_in", I, V, I, I64, S, S, S, P)
_sign_in_identity = fn("lend_sign_in_identity", I, V, S, S, S, P)
_actor_staff = fn("lend_actor_staff", I, V, V, P)
_actor_session_id = fn("lend_actor_session_id", I64, V)
_method_add = fn("lend_method_add", I, V, V, I64, I, S, PI64)
_method_confirm = fn("lend_method_confirm", I, V, V, I64, S)
_method_remove = fn("lend_method_remove", I, V, V, I64)
_identity_link = fn("lend_identity_link", I, V, V, I64, S, S, PI64)
_method_list = fn("lend_method_list", I, V, V, I64, P)
_recovery_request = fn("lend_recovery_request", I, V, I, I64, S)
_recovery_finish = fn("lend_recovery_finish", I, V, S, S)
_activation_request = fn("lend_activation_request", I, V, I, S)
_activate = fn("lend_activate", I, V, S, S, P)
_session_list = fn("lend_session_list", I, V, V, I64, P)
_session_revoke = fn("lend_session_revoke", I, V, V, I64)
_account_merge = fn("lend_account_merge", I, V, V, I, I64, S, S)
_audit_list = fn("lend_audit_list", I, V, V, I64, I64, I64, P)

# the reader's shelf
_shelf_get = fn("lend_shelf_get", I, V, V, I64, I, I, I64, I64, I, P)
_cabinet_get = fn("lend_cabinet_get", I, V, V, I64, P)
_balance_credit = fn("lend_balance_credit", I, V, V, I64, I64, S, S, N.POINTER(N.c_int))
_balance_get = fn("lend_balance_get", I, V, V, I64, S, PI64)
_buy = fn("lend_buy", I, V, V, I64, I64, P)
_defer_add = fn("lend_defer_add", I, V, V, I64, I64)
_defer_remove = fn("lend_defer_remove", I, V, V, I64, I64)
_defer_list = fn("lend_defer_list", I, V, V, I64, I64, P)
_reading_access = fn("lend_reading_access", I, V, V, I64, I64, I64, N.POINTER(N.c_int))
_reading_set = fn("lend_reading_set", I, V, V, I64, I64, I64, I, I64, S, I64, N.POINTER(N.c_int))
_reading_get = fn("lend_reading_get", I, V, V, I64, I64, P)
_bookmark_add = fn("lend_bookmark_add", I, V, V, I64, I64, I64, S, PI64)
_bookmark_delete = fn("lend_bookmark_delete", I, V, V, I64)
_bookmark_list = fn("lend_bookmark_list", I, V, V, I64, I64, P)
_offline_grant = fn("lend_offline_grant", I, V, V, I64, S, I64, P)
_offline_list = fn("lend_offline_list", I, V, V, I64, S, P)
_prefs_new = fn("lend_prefs_new", I, P)
_prefs_set_language = fn("lend_prefs_set_language", I, V, S)
_prefs_set_channel = fn("lend_prefs_set_channel", I, V, I)
_prefs_set_email = fn("lend_prefs_set_email", I, V, S)
_prefs_set_phone = fn("lend_prefs_set_phone", I, V, S)
_prefs_set_muted = fn("lend_prefs_set_muted", I, V, I, I)
_note_kind_security = fn("lend_note_kind_security", I, I)
_prefs_save = fn("lend_prefs_save", I, V, V, I64, V)
_prefs_get = fn("lend_prefs_get", I, V, V, I64, P)

# the catalog
_book_set_subtitle = fn("lend_book_set_subtitle", I, V, S)
_book_set_series = fn("lend_book_set_series", I, V, S, I)
_book_set_language = fn("lend_book_set_language", I, V, S)
_book_add_narrator = fn("lend_book_add_narrator", I, V, S)
_book_set_publisher = fn("lend_book_set_publisher", I, V, S)
_book_set_year = fn("lend_book_set_year", I, V, I)
_book_set_isbn = fn("lend_book_set_isbn", I, V, S)
_book_add_genre = fn("lend_book_add_genre", I, V, S)
_book_set_annotation = fn("lend_book_set_annotation", I, V, S)
_book_set_preview = fn("lend_book_set_preview", I, V, I)
_book_set_length = fn("lend_book_set_length", I, V, I64)
_book_set_external_id = fn("lend_book_set_external_id", I, V, S)
_book_withdraw = fn("lend_book_withdraw", I, V, V, I64)
_author_get = fn("lend_author_get", I, V, V, I64, P)
_author_find = fn("lend_author_find", I, V, V, S, P)
_author_add_alias = fn("lend_author_add_alias", I, V, V, I64, S)
_book_authors = fn("lend_book_authors", I, V, V, I64, I, P)
_ProgressFn = ctypes.CFUNCTYPE(N.c_int, V, N.c_int64, N.c_int64)
_catalog_import = fn("lend_catalog_import", I, V, V, S, I, _ProgressFn, V, P)
_list_query_new = fn("lend_list_query_new", I, P, I)
_list_query_free = fn("lend_list_query_free", None, V)
_list_query_set_ticket = fn("lend_list_query_set_ticket", I, V, I64)
_list_query_set_library = fn("lend_list_query_set_library", I, V, I64)
_list_query_set_reader = fn("lend_list_query_set_reader", I, V, I64)
_list_query_set_author = fn("lend_list_query_set_author", I, V, I64)
_list_query_set_genre = fn("lend_list_query_set_genre", I, V, S)
_list_query_set_kind = fn("lend_list_query_set_kind", I, V, I)
_list_query_set_days = fn("lend_list_query_set_days", I, V, I)
_list_query_set_limit = fn("lend_list_query_set_limit", I, V, I)
_list_query_set_cursor = fn("lend_list_query_set_cursor", I, V, S)
_list_books = fn("lend_list_books", I, V, V, V, P)
_rating_set = fn("lend_rating_set", I, V, V, I64, I64, I)
_rating_remove = fn("lend_rating_remove", I, V, V, I64, I64)
_rating_get = fn("lend_rating_get", I, V, V, I64, I64, N.POINTER(N.c_int))
_book_rating = fn("lend_book_rating", I, V, V, I64, P)
_review_add = fn("lend_review_add", I, V, V, I64, I64, S, PI64)
_review_edit = fn("lend_review_edit", I, V, V, I64, S)
_review_delete = fn("lend_review_delete", I, V, V, I64)
_review_list = fn("lend_review_list", I, V, V, I64, I64, I, P)
_isbn_normalize = fn("lend_isbn_normalize", I, S, N.c_char_p)

# search
_search_query_new = fn("lend_search_query_new", I, P)
_search_query_free = fn("lend_search_query_free", None, V)
_search_query_set_text = fn("lend_search_query_set_text", I, V, S)
_search_query_set_kind = fn("lend_search_query_set_kind", I, V, I)
_search_query_set_language = fn("lend_search_query_set_language", I, V, S)
_search_query_set_library = fn("lend_search_query_set_library", I, V, I64)
_search_query_set_available_only = fn("lend_search_query_set_available_only", I, V, I)
_search_query_set_age_appropriate = fn("lend_search_query_set_age_appropriate", I, V, I)
_search_query_set_limit = fn("lend_search_query_set_limit", I, V, I)
_search = fn("lend_search", I, V, V, V, P)
_suggest = fn("lend_suggest", I, V, V, V, P)


# ---------------------------------------------------------- module level


def strerror(status: int) -> str:
    """The English text of a status."""
    return N.dec(_strerror(status))


def reason_string(reason: int) -> str:
    """The English text of a refusal reason."""
    return N.dec(_reason_string(reason))


def note_kind_string(kind: int) -> str:
    """The name of a notification kind."""
    return N.dec(_note_kind_string(kind))


def audit_event_string(event: int) -> str:
    """The name of an audit event."""
    return N.dec(_audit_event_string(event))


def note_kind_security(kind: int) -> bool:
    """Whether a kind of notification is about security (always sent, never muted)."""
    return bool(_note_kind_security(kind))


def isbn_normalize(isbn: str) -> Optional[str]:
    """The 13 digits of a valid ISBN-10 or ISBN-13, or None when it is not valid."""
    out = ctypes.create_string_buffer(14)
    return N.dec(out.value) if _isbn_normalize(_text(isbn, "isbn"), out) else None


def version() -> Tuple[int, int, int]:
    """The loaded library's version as (major, minor, patch)."""
    v = _version()
    return (v // 10000, v // 100 % 100, v % 100)


def version_string() -> str:
    """The loaded library's version, e.g. "0.1.0"."""
    return N.dec(_version_string())


def _text(s: Optional[str], what: str) -> Optional[bytes]:
    if s is not None and not isinstance(s, str):
        raise InvalidInput("%s must be a str, not %s" % (what, type(s).__name__))
    if s is not None and "\0" in s:
        raise InvalidInput("%s contains a NUL character" % what)
    return N.enc(s)


def _set(rc: int, what: str, value: Any) -> None:
    """Raise for a draft setter's failure, naming the field."""
    if rc:
        shown = repr(value)
        raise error_for(rc, "%s is not acceptable: %s" % (what, shown if len(shown) < 80 else shown[:77] + "..."))


@contextmanager
def _draft(new: Any, free: Any) -> Iterator[Any]:
    h = N.c_void_p()
    _set(new(N.byref(h)), "a new draft", None)
    try:
        yield h
    finally:
        free(h)


class ManualClock:
    """A clock the host moves by hand (tests, demos, simulations).

    >>> clock = ManualClock(datetime(2026, 1, 12, 10, tzinfo=timezone.utc))
    >>> clock.advance(days=14)
    """

    def __init__(self, start: _dt.datetime) -> None:
        to_epoch(start)  # refuses a naive datetime
        self.now = start

    def __call__(self) -> _dt.datetime:
        return self.now

    def advance(self, **delta: float) -> _dt.datetime:
        """Move the clock forward by a timedelta's keywords (days=, hours=...)."""
        self.now = self.now + _dt.timedelta(**delta)
        return self.now

    def set(self, when: _dt.datetime) -> None:
        """Move the clock to an aware datetime."""
        to_epoch(when)
        self.now = when


class Actor:
    """Who performs an operation: the administrator, a reader, a librarian.

    Actors are small values independent of the engine's lifetime. Make them
    with :meth:`Engine.admin`, :meth:`Engine.reader` or :meth:`Engine.librarian`.
    """

    def __init__(self, handle: N.c_void_p) -> None:
        self._h: Optional[N.c_void_p] = handle
        self.kind = to_enum(ActorKind, _actor_kind(handle))
        self.reader_id: int = _actor_reader_id(handle)
        #: The session a signed-in actor is bound to (0 for trusted actors).
        self.session_id: int = _actor_session_id(handle)

    @property
    def _handle(self) -> N.c_void_p:
        if self._h is None:
            raise InvalidState("this actor was freed")
        return self._h

    def free(self) -> None:
        """Release the actor now (otherwise when it is garbage collected)."""
        h, self._h = self._h, None
        if h is not None:
            _actor_free(h)

    def __del__(self) -> None:
        try:
            self.free()
        except Exception:  # interpreter shutdown
            pass

    def __repr__(self) -> str:
        return "Actor(%s, reader_id=%d)" % (getattr(self.kind, "name", self.kind), self.reader_id)


class _Callbacks:
    """What the C side calls back into; kept alive as long as the engine."""

    def __init__(self, clock: Optional[Clock], notifier: Optional[Notifier]) -> None:
        self.clock = clock
        self.notifier = notifier
        self.exc: Optional[BaseException] = None
        self.errmsg = b""
        self.c_clock = _ClockFn(self._clock)
        self.c_deliver = _DeliverFn(self._deliver)
        self.c_free = _FreeFn(self._free)
        self.freed = False

    def _clock(self, _ud: Any) -> int:
        try:
            v = to_epoch(self.clock())  # type: ignore[misc]
            if v < 0:
                raise ValueError("the clock returned a time before 1970")
            return v
        except BaseException as exc:  # never let it cross into C
            if self.exc is None:
                self.exc = exc
            return -1

    def _deliver(self, _ud: Any, n: Any, errmsg: Any) -> int:
        try:
            ok = self.notifier(NOTIFICATION.snap(n))  # type: ignore[misc]
            if ok is False:
                self.errmsg = b"the notifier will retry later"
                errmsg[0] = self.errmsg
                return 1
            return 0
        except BaseException as exc:
            if self.exc is None:
                self.exc = exc
            self.errmsg = N.enc(("%s: %s" % (type(exc).__name__, exc))[:200]) or b""
            errmsg[0] = self.errmsg
            return 1

    def _free(self, _ud: Any) -> None:
        self.freed = True


class Engine:
    """An engine on a SQLite database (``":memory:"`` for a private one).

    Use it as a context manager, or call :meth:`close`. Every method that
    reads or changes data takes the :class:`Actor` it runs as, runs as one
    transaction, and raises a :class:`LendError` subclass on failure, after
    which nothing has changed.

    ``clock`` replaces the system clock (e.g. a :class:`ManualClock`); an
    exception it raises fails the call with :class:`CallbackError`.
    ``notifier`` receives notifications from :meth:`deliver`.
    ``password_cost`` sets the cost of new password hashes
    (``PasswordCost.MIN`` in tests only); ``outbox_retention`` how long
    delivered notifications are kept (a timedelta or seconds; 0: for ever);
    ``session_lifetime`` how long a session lasts from its sign-in (a
    timedelta or seconds; default 90 days; 0: until revoked);
    ``audit_retention`` how long audit entries are kept (default 365 days;
    0: for ever).

    An engine may be used from several threads: calls are serialised by a
    lock. Callbacks run on the calling thread, inside that lock, and must not
    call back into the same engine (the library refuses a call made inside
    another's transaction with :class:`InvalidState`).
    """

    def __init__(self, path: Union[str, "os.PathLike[str]"] = ":memory:", *, clock: Optional[Clock] = None,
                 notifier: Optional[Notifier] = None, busy_timeout_ms: Optional[int] = None,
                 password_cost: Optional[PasswordCost] = None,
                 outbox_retention: Union[_dt.timedelta, int, None] = None,
                 session_lifetime: Union[_dt.timedelta, int, None] = None,
                 audit_retention: Union[_dt.timedelta, int, None] = None) -> None:
        self._h: Optional[N.c_void_p] = None
        self._lock = threading.RLock()
        self._cb = _Callbacks(clock, notifier)
        opts = N.c_void_p()
        _set(_options_new(N.byref(opts)), "the engine's options", None)
        try:
            if clock is not None:
                _set(_options_set_clock(opts, self._cb.c_clock, None), "clock", clock)
            if notifier is not None:
                nt = _NotifierStruct()
                _set(_notifier_init(N.byref(nt), _NOTIFIER_VERSION), "notifier", notifier)
                nt.deliver = self._cb.c_deliver
                nt.free = self._cb.c_free
                _set(_options_set_notifier(opts, N.byref(nt)), "notifier", notifier)
            if busy_timeout_ms is not None:
                _set(_options_set_busy_timeout(opts, busy_timeout_ms), "busy_timeout_ms", busy_timeout_ms)
            if password_cost is not None:
                _set(_options_set_password_cost(opts, password_cost), "password_cost", password_cost)
            if outbox_retention is not None:
                secs = (int(outbox_retention.total_seconds()) if isinstance(outbox_retention, _dt.timedelta)
                        else int(outbox_retention))
                _set(_options_set_outbox_retention(opts, secs), "outbox_retention", outbox_retention)
            if session_lifetime is not None:
                secs = (int(session_lifetime.total_seconds()) if isinstance(session_lifetime, _dt.timedelta)
                        else int(session_lifetime))
                _set(_options_set_session_lifetime(opts, secs), "session_lifetime", session_lifetime)
            if audit_retention is not None:
                secs = (int(audit_retention.total_seconds()) if isinstance(audit_retention, _dt.timedelta)
                        else int(audit_retention))
                _set(_options_set_audit_retention(opts, secs), "audit_retention", audit_retention)
            h = N.c_void_p()
            rc = _engine_open(N.byref(h), _text(os.fspath(path), "path"), opts)
        finally:
            _options_free(opts)
        if rc:
            err = error_for(rc, N.dec(_engine_errmsg(h)) if h else strerror(rc))
            _engine_close(h)
            raise err
        self._h = h

    # ----------------------------------------------------------- plumbing

    def close(self) -> None:
        """Close the engine (idempotent). Snapshots and actors stay usable."""
        with self._lock:
            h, self._h = self._h, None
            if h is not None:
                _engine_close(h)

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    @property
    def closed(self) -> bool:
        """Whether the engine was closed."""
        return self._h is None

    def _call(self, f: Any, *args: Any) -> None:
        """Run one C call on the engine; raise for a failure status, or for an
        exception a callback raised during it."""
        h = self._h
        if h is None:
            raise InvalidState("the engine is closed")
        self._cb.exc = None
        rc = f(h, *args)
        exc, self._cb.exc = self._cb.exc, None
        if rc:
            err = error_for(rc, N.dec(_engine_errmsg(h)), _engine_reason(h))
            if exc is not None:
                raise err from exc
            raise err
        if exc is not None:
            raise CallbackError("a callback raised %s: %s" % (type(exc).__name__, exc), 11) from exc

    def _do(self, f: Any, *args: Any) -> None:
        with self._lock:
            self._call(f, *args)

    def _out(self, f: Any, *args: Any) -> N.c_void_p:
        """A call whose last argument is a handle out-parameter."""
        out = N.c_void_p()
        self._do(f, *args, N.byref(out))
        return out

    def _id(self, f: Any, *args: Any) -> int:
        out = N.c_int64()
        self._do(f, *args, N.byref(out))
        return out.value

    @property
    def last_status(self) -> int:
        """The status of the engine's last call (0 after a success)."""
        with self._lock:
            return int(_engine_errcode(self._h)) if self._h else 0

    # ------------------------------------------------------------- engine

    def now(self) -> _dt.datetime:
        """The engine's clock now."""
        with self._lock:
            if self._h is None:
                raise InvalidState("the engine is closed")
            self._cb.exc = None
            v = _engine_now(self._h)
            exc, self._cb.exc = self._cb.exc, None
        if v < 0:
            raise CallbackError("the host's clock failed", 11) from exc
        return from_epoch(v) or _dt.datetime.fromtimestamp(0, _dt.timezone.utc)

    def tick(self) -> Tuple[int, int]:
        """End every loan due by now and hand copies on: (loans ended, hand-offs)."""
        ended, handed = N.c_int64(), N.c_int64()
        self._do(_engine_tick, N.byref(ended), N.byref(handed))
        return ended.value, handed.value

    def deliver(self, max: int = 0) -> int:
        """Hand due notifications to the notifier (max <= 0: all); returns how
        many were delivered. Failed ones stay pending and are retried with
        backoff; if the notifier raised, :class:`CallbackError` is raised
        after the batch (its ``__cause__`` is the notifier's exception, its
        ``delivered`` the count of the others that went out)."""
        n = N.c_int()
        try:
            self._do(_engine_deliver, max, N.byref(n))
        except CallbackError as exc:
            exc.delivered = n.value
            raise
        return n.value

    def check(self) -> List[str]:
        """Verify what must never happen; an empty list when all is well."""
        r = self._out(_engine_check)
        try:
            return [N.dec(_report_get(r, i)) for i in range(_report_count(r))]
        finally:
            _report_free(r)

    # ------------------------------------------------------------- actors

    def admin(self) -> Actor:
        """The host's administrator."""
        return Actor(self._out(_actor_admin))

    def reader(self, reader_id: int) -> Actor:
        """A reader acting on his own account."""
        return Actor(self._out(_actor_reader, reader_id))

    def librarian(self, reader_id: int) -> Actor:
        """A librarian: an account granted at least one library."""
        return Actor(self._out(_actor_librarian, reader_id))

    # ---------------------------------------------------------- libraries

    def add_library(self, a: Actor, name: str, *, address: Optional[str] = None, contacts: Optional[str] = None,
                    currency: Optional[str] = None) -> int:
        """Connect a library (admin only); returns its id."""
        with _draft(_library_new, LIBRARY.free) as d:
            _set(_library_set_name(d, _text(name, "name")), "the library's name", name)
            if address is not None:
                _set(_library_set_address(d, _text(address, "address")), "the address", address)
            if contacts is not None:
                _set(_library_set_contacts(d, _text(contacts, "contacts")), "the contacts", contacts)
            if currency is not None:
                _set(_library_set_currency(d, _text(currency, "currency")), "the currency", currency)
            return self._id(_library_add, a._handle, d)

    def get_library(self, a: Actor, library_id: int) -> Library:
        """A library by id."""
        return LIBRARY.take(self._out(_library_get, a._handle, library_id))

    def libraries(self, a: Actor) -> List[Library]:
        """Every library the actor may see."""
        return LIBRARY.take_list(self._out(_library_list, a._handle))

    def grant(self, a: Actor, library_id: int, reader_id: int) -> None:
        """Make an account a librarian of a library (admin only)."""
        self._do(_library_grant, a._handle, library_id, reader_id)

    def revoke(self, a: Actor, library_id: int, reader_id: int) -> None:
        """Take a library's staff rights from an account (admin only)."""
        self._do(_library_revoke, a._handle, library_id, reader_id)

    def add_budget(self, a: Actor, library_id: int, amount: int, note: Optional[str] = None) -> None:
        """Top up a library's budget by amount > 0 minor units."""
        self._do(_budget_add, a._handle, library_id, amount, _text(note, "note"))

    def set_policy(self, a: Actor, library_id: int, setting: Setting, value: Optional[int],
                   kind: Kind = Kind.ANY) -> None:
        """Set a library's policy value (None: unlimited)."""
        self._do(_policy_set, a._handle, library_id, kind, setting, -1 if value is None else value)

    def clear_policy(self, a: Actor, library_id: int, setting: Setting, kind: Kind = Kind.ANY) -> None:
        """Remove a library-level value, falling back to the less specific one."""
        self._do(_policy_clear, a._handle, library_id, kind, setting)

    def policy(self, a: Actor, library_id: int, setting: Setting, kind: Kind = Kind.ANY) -> Optional[int]:
        """The library's effective value (None: unlimited)."""
        v = self._id(_policy_get, a._handle, library_id, kind, setting)
        return None if v == -1 else v

    # ------------------------------------------------------------ readers

    def add_reader(self, a: Actor, name: str, birth_date: Optional[_dt.date] = None) -> int:
        """Register a reader; returns his id."""
        with _draft(_reader_new, READER.free) as d:
            _set(_reader_set_name(d, _text(name, "name")), "the reader's name", name)
            if birth_date is not None:
                _set(_reader_set_birth_date(d, birth_date.year, birth_date.month, birth_date.day), "the birth date",
                     birth_date)
            return self._id(_reader_add, a._handle, d)

    def get_reader(self, a: Actor, reader_id: int) -> Reader:
        """A reader by id (himself, a librarian of one of his libraries, or admin)."""
        return READER.take(self._out(_reader_get, a._handle, reader_id))

    # ------------------------------------------------------------ tickets

    def issue_ticket(self, a: Actor, library_id: int, reader_id: int, number: Optional[str] = None) -> Ticket:
        """Issue a library card; a number is generated when none is given."""
        return TICKET.take(self._out(_ticket_issue, a._handle, library_id, reader_id, _text(number, "number")))

    def get_ticket(self, a: Actor, ticket_id: int) -> Ticket:
        """A ticket by id."""
        return TICKET.take(self._out(_ticket_get, a._handle, ticket_id))

    def tickets(self, a: Actor, reader_id: int) -> List[Ticket]:
        """All tickets of a reader, across libraries."""
        return TICKET.take_list(self._out(_ticket_list, a._handle, reader_id))

    def block_ticket(self, a: Actor, ticket_id: int, blocked: bool = True) -> None:
        """Block (or, with blocked=False, unblock) a ticket."""
        self._do(_ticket_set_blocked, a._handle, ticket_id, int(blocked))

    def set_ticket_validity(self, a: Actor, ticket_id: int, valid_from: When, valid_until: When) -> None:
        """Validity dates; None means open-ended."""
        self._do(_ticket_set_validity, a._handle, ticket_id, to_epoch(valid_from), to_epoch(valid_until))

    def set_ticket_limit(self, a: Actor, ticket_id: int, setting: Setting, value: Optional[int],
                         kind: Kind = Kind.ANY) -> None:
        """Override a policy setting for one ticket (None: unlimited)."""
        self._do(_ticket_set_limit, a._handle, ticket_id, kind, setting, -1 if value is None else value)

    def clear_ticket_limit(self, a: Actor, ticket_id: int, setting: Setting, kind: Kind = Kind.ANY) -> None:
        """Remove a ticket's override of a setting."""
        self._do(_ticket_clear_limit, a._handle, ticket_id, kind, setting)

    def limits(self, a: Actor, ticket_id: int, kind: Kind = Kind.EBOOK) -> Limits:
        """A ticket's effective limits for a kind of book, and what is used."""
        return LIMITS.take(self._out(_limits_get, a._handle, ticket_id, kind))

    # -------------------------------------------------------------- books

    def _book_fields(self, d: Any, title: Optional[str], kind: Optional[Kind], authors: Sequence[str],
                     age_rating: Optional[int], price: Optional[int], currency: Optional[str],
                     lendable: Optional[bool], release_at: When) -> None:
        if title is not None:
            _set(_book_set_title(d, _text(title, "title")), "the title", title)
        if kind is not None:
            _set(_book_set_kind(d, kind), "the kind", kind)
        if isinstance(authors, str):
            authors = (authors,)
        for name in authors:
            _set(_book_add_author(d, _text(name, "author")), "the author", name)
        if age_rating is not None:
            _set(_book_set_age_rating(d, age_rating), "the age rating", age_rating)
        if price is not None or currency is not None:
            amount = price if price is not None else BOOK.snap(d).price.amount
            cur = currency if currency is not None else BOOK.snap(d).price.currency
            _set(_book_set_price(d, amount, _text(cur, "currency")), "the price", Money(amount, cur))
        if lendable is not None:
            _set(_book_set_lendable(d, int(lendable)), "lendable", lendable)
        if release_at is not None:
            _set(_book_set_release_at(d, to_epoch(release_at)), "the release time", release_at)

    def _book_meta(self, d: Any, m: "BookMeta") -> None:
        """The catalog's metadata of a draft or stored book; None leaves a
        field as it is, "" clears a text."""
        texts = (("subtitle", _book_set_subtitle), ("language", _book_set_language),
                 ("publisher", _book_set_publisher), ("isbn", _book_set_isbn), ("annotation", _book_set_annotation),
                 ("external_id", _book_set_external_id))
        for name, setter in texts:
            v = m.get(name)
            if v is not None:
                _set(setter(d, _text(v, name)), "the " + name.replace("_", " "), v)
        if m.get("series") is not None or m.get("series_number") is not None:
            cur = BOOK.snap(d)
            series = m.get("series")
            series = cur.series if series is None else series
            number = m.get("series_number")
            number = cur.series_number if number is None else number
            _set(_book_set_series(d, _text(series, "series"), number), "the series", (series, number))
        for name, setter in (("year", _book_set_year), ("preview", _book_set_preview), ("length", _book_set_length)):
            v = m.get(name)
            if v is not None:
                _set(setter(d, v), "the " + name, v)
        for name, adder in (("narrators", _book_add_narrator), ("genres", _book_add_genre)):
            for v in m.get(name) or ():
                _set(adder(d, _text(v, name)), "the " + name[:-1], v)

    def add_book(self, a: Actor, title: str, *, authors: Sequence[str] = (), kind: Kind = Kind.EBOOK,
                 age_rating: int = 0, price: int = 0, currency: str = "RUB", lendable: bool = True,
                 release_at: When = None, subtitle: Optional[str] = None, series: Optional[str] = None,
                 series_number: Optional[int] = None, language: Optional[str] = None,
                 narrators: Sequence[str] = (), publisher: Optional[str] = None, year: Optional[int] = None,
                 isbn: Optional[str] = None, genres: Sequence[str] = (), annotation: Optional[str] = None,
                 preview: Optional[int] = None, length: Optional[int] = None,
                 external_id: Optional[str] = None) -> int:
        """Add a title to the shared catalog (admin only); returns its id.
        ``price`` is in minor units of ``currency``; ``preview`` and
        ``length`` are pages of an e-book or seconds of an audiobook."""
        with _draft(_book_new, BOOK.free) as d:
            self._book_fields(d, title, kind, authors, age_rating, price, currency, lendable, release_at)
            self._book_meta(d, {"subtitle": subtitle, "series": series, "series_number": series_number,
                                "language": language, "narrators": narrators, "publisher": publisher, "year": year,
                                "isbn": isbn, "genres": genres, "annotation": annotation, "preview": preview,
                                "length": length, "external_id": external_id})
            return self._id(_book_add, a._handle, d)

    def update_book(self, a: Actor, book_id: int, *, title: Optional[str] = None, kind: Optional[Kind] = None,
                    more_authors: Sequence[str] = (), age_rating: Optional[int] = None, price: Optional[int] = None,
                    currency: Optional[str] = None, lendable: Optional[bool] = None,
                    release_at: When = None, subtitle: Optional[str] = None, series: Optional[str] = None,
                    series_number: Optional[int] = None, language: Optional[str] = None,
                    more_narrators: Sequence[str] = (), publisher: Optional[str] = None, year: Optional[int] = None,
                    isbn: Optional[str] = None, more_genres: Sequence[str] = (), annotation: Optional[str] = None,
                    preview: Optional[int] = None, length: Optional[int] = None,
                    external_id: Optional[str] = None) -> Book:
        """Change a stored title's metadata (admin only); what is not given
        stays ("" clears a text). Authors, narrators and genres can only be
        appended. Returns the updated book."""
        h = self._out(_book_get, a._handle, book_id)
        try:
            self._book_fields(h, title, kind, more_authors, age_rating, price, currency, lendable, release_at)
            self._book_meta(h, {"subtitle": subtitle, "series": series, "series_number": series_number,
                                "language": language, "narrators": more_narrators, "publisher": publisher,
                                "year": year, "isbn": isbn, "genres": more_genres, "annotation": annotation,
                                "preview": preview, "length": length, "external_id": external_id})
            self._do(_book_update, a._handle, h)
        finally:
            BOOK.free(h)
        return self.get_book(a, book_id)  # as stored, with its new update time

    def get_book(self, a: Actor, book_id: int) -> Book:
        """A book by id."""
        return BOOK.take(self._out(_book_get, a._handle, book_id))

    def books(self, a: Actor, after_id: int = 0, page: int = 100) -> Iterator[Book]:
        """Every book in id order after after_id, fetched page by page."""
        while True:
            got = BOOK.take_list(self._out(_book_list, a._handle, after_id, page))
            yield from got
            if len(got) < page:
                return
            after_id = got[-1].id

    # --------------------------------------------------------------- fund

    def add_copies(self, a: Actor, library_id: int, book_id: int, copies: int) -> None:
        """Add copies without spending the budget; freed copies go to the queue."""
        self._do(_fund_add_copies, a._handle, library_id, book_id, copies)

    def buy_copies(self, a: Actor, library_id: int, book_id: int, copies: int) -> None:
        """Buy copies from the library's budget at the book's price."""
        self._do(_fund_buy_copies, a._handle, library_id, book_id, copies)

    def remove_copies(self, a: Actor, library_id: int, book_id: int, copies: int) -> None:
        """Withdraw copies; never below the number on loan (Reason.COPIES_ON_LOAN)."""
        self._do(_fund_remove_copies, a._handle, library_id, book_id, copies)

    def get_fund(self, a: Actor, library_id: int, book_id: int) -> Fund:
        """A library's copies of a book."""
        return FUND.take(self._out(_fund_get, a._handle, library_id, book_id))

    def fund(self, a: Actor, library_id: int, after_book_id: int = 0, page: int = 100) -> Iterator[Fund]:
        """A library's fund in book-id order, fetched page by page."""
        while True:
            got = FUND.take_list(self._out(_fund_list, a._handle, library_id, after_book_id, page))
            yield from got
            if len(got) < page:
                return
            after_book_id = got[-1].book_id

    # -------------------------------------------------------- circulation

    def availability(self, a: Actor, ticket_id: int, book_id: int) -> Availability:
        """The one verdict for a ticket and a book."""
        return AVAILABILITY.take(self._out(_availability_get, a._handle, ticket_id, book_id))

    def take(self, a: Actor, ticket_id: int, book_id: int) -> Loan:
        """Take a book on a ticket; :class:`Refused` says why not
        (``Reason.NO_FREE_COPY``: join the queue)."""
        return LOAN.take(self._out(_take, a._handle, ticket_id, book_id))

    def return_loan(self, a: Actor, loan_id: int) -> None:
        """Return a loan early."""
        self._do(_return, a._handle, loan_id)

    def get_loan(self, a: Actor, loan_id: int) -> Loan:
        """A loan by id."""
        return LOAN.take(self._out(_loan_get, a._handle, loan_id))

    def loans(self, a: Actor, reader_id: int, active_only: bool = False) -> List[Loan]:
        """A reader's loans, active first, then newest first."""
        return LOAN.take_list(self._out(_loan_list, a._handle, reader_id, int(active_only)))

    # -------------------------------------------------------------- queue

    def join_queue(self, a: Actor, ticket_id: int, book_id: int) -> Hold:
        """Join the queue for a book whose copies are all on loan."""
        return HOLD.take(self._out(_queue_join, a._handle, ticket_id, book_id))

    def leave_queue(self, a: Actor, hold_id: int) -> None:
        """Give up a place in a queue."""
        self._do(_queue_leave, a._handle, hold_id)

    def suspend_hold(self, a: Actor, hold_id: int, until: When) -> None:
        """Let the next readers go first until ``until`` (at most a year)."""
        self._do(_queue_suspend, a._handle, hold_id, to_epoch(until))

    def resume_hold(self, a: Actor, hold_id: int) -> None:
        """End a suspension: the place takes part in hand-offs again."""
        self._do(_queue_resume, a._handle, hold_id)

    def get_hold(self, a: Actor, hold_id: int) -> Hold:
        """A place in a queue by id."""
        return HOLD.take(self._out(_hold_get, a._handle, hold_id))

    def holds(self, a: Actor, reader_id: int) -> List[Hold]:
        """A reader's places in queues, across libraries."""
        return HOLD.take_list(self._out(_hold_list, a._handle, reader_id))

    def queue(self, a: Actor, library_id: int, book_id: int) -> Queue:
        """The waiting queue of a book in a library, first first."""
        return QUEUE.take(self._out(_queue_get, a._handle, library_id, book_id))

    # ------------------------------------------------------ notifications

    def outbox(self, a: Actor, pending_only: bool = False, limit: int = 10000) -> List[Notification]:
        """The outbox, oldest first (admin only)."""
        return NOTIFICATION.take_list(self._out(_outbox_list, a._handle, int(pending_only), limit))

    # ------------------------------------------------ the librarian's desk

    def request(self, a: Actor, ticket_id: int, book_id: int) -> Request:
        """Ask the librarian for a book through a ticket; :class:`Refused`
        says why not (e.g. ``Reason.ALREADY_REQUESTED``)."""
        return REQUEST.take(self._out(_request_create, a._handle, ticket_id, book_id))

    def cancel_request(self, a: Actor, request_id: int) -> None:
        """Withdraw a pending request (:class:`InvalidState` once decided)."""
        self._do(_request_cancel, a._handle, request_id)

    def get_request(self, a: Actor, request_id: int) -> Request:
        """A request by id; staff also get the decision context."""
        return REQUEST.take(self._out(_request_get, a._handle, request_id))

    def requests(self, a: Actor, reader_id: int, state: Optional[RequestState] = None) -> List[Request]:
        """A reader's requests (and direct issues), oldest first; state None: every state."""
        return REQUEST.take_list(self._out(_request_list, a._handle, reader_id, state or 0))

    def pending_requests(self, a: Actor, library_id: int, limit: int = 1000) -> List[Request]:
        """A library's pending requests with their decision context, oldest first."""
        return REQUEST.take_list(self._out(_request_pending, a._handle, library_id, limit))

    def approve(self, a: Actor, request_id: int) -> Request:
        """Approve a pending request: a copy is issued (bought if need be) or
        the reader joins the queue; returns the decided request."""
        return REQUEST.take(self._out(_request_approve, a._handle, request_id))

    def deny(self, a: Actor, request_id: int, reason: Reason, text: Optional[str] = None) -> None:
        """Deny a pending request with a reason (``Reason.LIBRARIAN`` needs text)."""
        self._do(_request_deny, a._handle, request_id, reason, _text(text, "text"))

    def issue(self, a: Actor, ticket_id: int, book_id: int, override: bool = False,
              note: Optional[str] = None) -> Loan:
        """Issue a book directly (a librarian or admin); ``override`` passes
        over the reader's limits, and is recorded."""
        return LOAN.take(self._out(_issue, a._handle, ticket_id, book_id, int(override), _text(note, "note")))

    def renew(self, a: Actor, loan_id: int) -> Loan:
        """Extend an active loan once by one loan period, where allowed."""
        return LOAN.take(self._out(_renew, a._handle, loan_id))

    def confirm_reserve(self, a: Actor, reserve_id: int) -> Loan:
        """Confirm a reservation: the loan starts now."""
        return LOAN.take(self._out(_reserve_confirm, a._handle, reserve_id))

    def decline_reserve(self, a: Actor, reserve_id: int) -> None:
        """Let a reservation go: the reader leaves the queue."""
        self._do(_reserve_decline, a._handle, reserve_id)

    def get_reserve(self, a: Actor, reserve_id: int) -> Reserve:
        """A reservation by id."""
        return RESERVE.take(self._out(_reserve_get, a._handle, reserve_id))

    def reserves(self, a: Actor, reader_id: int, active_only: bool = False) -> List[Reserve]:
        """A reader's reservations, oldest first."""
        return RESERVE.take_list(self._out(_reserve_list, a._handle, reader_id, int(active_only)))

    def add_license(self, a: Actor, library_id: int, book_id: int, copies: int, expires_at: When = None,
                    checkouts: Optional[int] = None) -> int:
        """Add a license with terms to a library's fund (``expires_at`` None:
        no end; ``checkouts`` None: no limit); returns its id."""
        return self._id(_license_add, a._handle, library_id, book_id, copies, to_epoch(expires_at),
                        -1 if checkouts is None else checkouts)

    def licenses(self, a: Actor, library_id: int, book_id: int) -> List[License]:
        """The licenses of a fund entry, oldest first, open and closed."""
        return LICENSE.take_list(self._out(_license_list, a._handle, library_id, book_id))

    def correct_budget(self, a: Actor, library_id: int, amount: int, note: str) -> None:
        """Correct a library's budget by amount (either sign) with a reason."""
        self._do(_budget_correct, a._handle, library_id, amount, _text(note, "note"))

    def ledger(self, a: Actor, library_id: int, since: When = None, until: When = None) -> List[LedgerEntry]:
        """A library's ledger entries with since <= at < until, oldest first."""
        return LEDGER.take_list(self._out(_ledger_list, a._handle, library_id, to_epoch(since), to_epoch(until)))

    # ------------------------------------------------ accounts and sign-in

    def set_password(self, a: Actor, ticket_id: int, password: Optional[str] = None) -> Optional[str]:
        """Set a ticket's password; with None the engine generates one and
        returns it (once)."""
        buf = ctypes.create_string_buffer(_PASSWORD_GENERATED_SIZE) if password is None else None
        self._do(_ticket_set_password, a._handle, ticket_id, _text(password, "password"), buf)
        return N.dec(buf.value) if buf is not None else None

    def change_password(self, a: Actor, old_password: str, new_password: str) -> None:
        """The reader changes the password of every ticket of his account."""
        self._do(_password_change, a._handle, _text(old_password, "old_password"), _text(new_password, "new_password"))

    def sign_in(self, login_kind: LoginKind, login: str, password: str, *, library_id: int = 0,
                device: Optional[str] = None) -> Actor:
        """Sign in with a login and a password; returns a reader actor bound
        to a new session. A wrong login or password is :class:`AuthFailed`;
        throttling is :class:`Refused` (``Reason.SIGNIN_DELAYED`` / ``SIGNIN_LOCKED``)."""
        return Actor(self._out(_sign_in, login_kind, library_id, _text(login, "login"), _text(password, "password"),
                               _text(device, "device")))

    def sign_in_identity(self, provider: str, subject: str, device: Optional[str] = None) -> Actor:
        """Sign in with an external identity the host has verified."""
        return Actor(self._out(_sign_in_identity, _text(provider, "provider"), _text(subject, "subject"),
                               _text(device, "device")))

    def staff(self, signed_in: Actor) -> Actor:
        """A signed-in librarian acting as staff, bound to the same session."""
        return Actor(self._out(_actor_staff, signed_in._handle))

    def add_method(self, a: Actor, reader_id: int, kind: MethodKind, value: str) -> int:
        """Add an e-mail or phone (a verification code is sent); returns its id."""
        return self._id(_method_add, a._handle, reader_id, kind, _text(value, "value"))

    def confirm_method(self, a: Actor, method_id: int, code: str) -> None:
        """Confirm a method with the code it was sent."""
        self._do(_method_confirm, a._handle, method_id, _text(code, "code"))

    def remove_method(self, a: Actor, method_id: int) -> None:
        """Remove a backup method."""
        self._do(_method_remove, a._handle, method_id)

    def link_identity(self, a: Actor, reader_id: int, provider: str, subject: str) -> int:
        """Link an external identity the host verified; returns the method's id."""
        return self._id(_identity_link, a._handle, reader_id, _text(provider, "provider"), _text(subject, "subject"))

    def methods(self, a: Actor, reader_id: int) -> List[Method]:
        """A reader's backup methods."""
        return METHODS.take_list(self._out(_method_list, a._handle, reader_id))

    def request_recovery(self, login_kind: LoginKind, login: str, library_id: int = 0) -> None:
        """Send a recovery token to the account's verified method (silent for
        an unknown login)."""
        self._do(_recovery_request, login_kind, library_id, _text(login, "login"))

    def finish_recovery(self, token: str, new_password: str) -> None:
        """Set a new password with a recovery token (:class:`AuthFailed` if bad)."""
        self._do(_recovery_finish, _text(token, "token"), _text(new_password, "new_password"))

    def request_activation(self, login_kind: LoginKind, login: str) -> None:
        """Send an app activation code to a verified e-mail or phone."""
        self._do(_activation_request, login_kind, _text(login, "login"))

    def activate(self, code: str, device: Optional[str] = None) -> Actor:
        """Exchange an activation code for a device session."""
        return Actor(self._out(_activate, _text(code, "code"), _text(device, "device")))

    def sessions(self, a: Actor, reader_id: int) -> List[Session]:
        """A reader's sessions."""
        return SESSIONS.take_list(self._out(_session_list, a._handle, reader_id))

    def revoke_session(self, a: Actor, session_id: int) -> None:
        """Revoke a session: every actor bound to it is refused from then on."""
        self._do(_session_revoke, a._handle, session_id)

    def merge_account(self, a: Actor, login_kind: LoginKind, login: str, password: str, library_id: int = 0) -> None:
        """Merge another account, proven by its login and password, into the
        signed-in reader's own."""
        self._do(_account_merge, a._handle, login_kind, library_id, _text(login, "login"), _text(password, "password"))

    def audit(self, a: Actor, reader_id: int = 0, since: When = None, until: When = None) -> List[AuditEntry]:
        """Audit events of a reader (0: all) with since <= at < until, oldest first."""
        return AUDIT.take_list(self._out(_audit_list, a._handle, reader_id, to_epoch(since), to_epoch(until)))

    # --------------------------------------------------- the reader's shelf

    def shelf_page(self, a: Actor, reader_id: int, section: ShelfSection = ShelfSection.ALL, *,
                   kind: Kind = Kind.ANY, library_id: int = 0, after: int = 0, limit: int = 100) -> ShelfPage:
        """One page of a reader's shelf; pass ``page.next`` as ``after`` for the next."""
        return take_shelf(self._out(_shelf_get, a._handle, reader_id, section, kind, library_id, after, limit))

    def shelf(self, a: Actor, reader_id: int, section: ShelfSection = ShelfSection.ALL, *, kind: Kind = Kind.ANY,
              library_id: int = 0, page: int = 100) -> Iterator[ShelfItem]:
        """Every item of a reader's shelf, fetched page by page."""
        after = 0
        while True:
            got = self.shelf_page(a, reader_id, section, kind=kind, library_id=library_id, after=after, limit=page)
            yield from got
            if not got.next:
                return
            after = got.next

    def cabinet(self, a: Actor, reader_id: int) -> List[CabinetEntry]:
        """The reader's cabinet: every ticket with its library, state and limits."""
        return take_cabinet(self._out(_cabinet_get, a._handle, reader_id))

    def credit_balance(self, a: Actor, reader_id: int, amount: int, currency: str, key: str) -> bool:
        """Credit a reader's balance after a payment; ``key`` is its
        idempotency key. False when that payment was credited already."""
        credited = N.c_int()
        self._do(_balance_credit, a._handle, reader_id, amount, _text(currency, "currency"), _text(key, "key"),
                 N.byref(credited))
        return bool(credited.value)

    def balance(self, a: Actor, reader_id: int, currency: str = "RUB") -> Money:
        """A reader's balance in a currency."""
        return Money(self._id(_balance_get, a._handle, reader_id, _text(currency, "currency")), currency)

    def buy(self, a: Actor, reader_id: int, book_id: int) -> Purchase:
        """Buy a book for ever from the balance (``Reason.BALANCE`` if short)."""
        return PURCHASE.take(self._out(_buy, a._handle, reader_id, book_id))

    def defer(self, a: Actor, reader_id: int, book_id: int) -> None:
        """Put a book aside."""
        self._do(_defer_add, a._handle, reader_id, book_id)

    def undefer(self, a: Actor, reader_id: int, book_id: int) -> None:
        """Take a book off the deferred list."""
        self._do(_defer_remove, a._handle, reader_id, book_id)

    def deferred(self, a: Actor, reader_id: int, ticket_id: int = 0) -> List[Deferred]:
        """The deferred books, with their verdict on ticket_id (0: none)."""
        return DEFERREDS.take_list(self._out(_defer_list, a._handle, reader_id, ticket_id))

    def reading_access(self, a: Actor, reader_id: int, book_id: int, position: int = 0) -> Access:
        """How the reader may read the book at position (:class:`Refused`
        with ``Reason.NO_ACCESS`` if not at all)."""
        acc = N.c_int()
        self._do(_reading_access, a._handle, reader_id, book_id, position, N.byref(acc))
        return Access(acc.value)

    def set_reading(self, a: Actor, reader_id: int, book_id: int, position: int, *, percent: int = 0,
                    pages_read: int = 0, device: str, device_at: When) -> bool:
        """Record where a device is; False when a newer write won."""
        applied = N.c_int()
        self._do(_reading_set, a._handle, reader_id, book_id, position, percent, pages_read,
                 _text(device, "device"), to_epoch(device_at), N.byref(applied))
        return bool(applied.value)

    def reading(self, a: Actor, reader_id: int, book_id: int) -> Reading:
        """Where the reader is in a book (:class:`NotFound` if never opened)."""
        return READING.take(self._out(_reading_get, a._handle, reader_id, book_id))

    def add_bookmark(self, a: Actor, reader_id: int, book_id: int, position: int, note: Optional[str] = None) -> int:
        """Add a bookmark; returns its id."""
        return self._id(_bookmark_add, a._handle, reader_id, book_id, position, _text(note, "note"))

    def delete_bookmark(self, a: Actor, bookmark_id: int) -> None:
        """Delete a bookmark."""
        self._do(_bookmark_delete, a._handle, bookmark_id)

    def bookmarks(self, a: Actor, reader_id: int, book_id: int = 0) -> List[Bookmark]:
        """A reader's bookmarks in a book (0: every book) by position."""
        return BOOKMARKS.take_list(self._out(_bookmark_list, a._handle, reader_id, book_id))

    def grant_offline(self, a: Actor, reader_id: int, device: str, book_id: int) -> OfflineGrant:
        """Let a device keep a book for offline reading (or renew its grant)."""
        return OFFLINE.take(self._out(_offline_grant, a._handle, reader_id, _text(device, "device"), book_id))

    def offline_grants(self, a: Actor, reader_id: int, device: Optional[str] = None) -> List[OfflineGrant]:
        """The grants valid now, of one device (None: every device)."""
        return OFFLINE.take_list(self._out(_offline_list, a._handle, reader_id, _text(device, "device")))

    def prefs(self, a: Actor, reader_id: int) -> Prefs:
        """A reader's notification preferences (defaults when never set)."""
        return PREFS.take(self._out(_prefs_get, a._handle, reader_id))

    def save_prefs(self, a: Actor, reader_id: int, prefs: Prefs) -> None:
        """Store a reader's notification preferences. Muting a security kind
        is :class:`InvalidInput`."""
        with _draft(_prefs_new, PREFS.free) as d:
            _set(_prefs_set_language(d, _text(prefs.language, "language")), "the language", prefs.language)
            _set(_prefs_set_channel(d, prefs.channel), "the channel", prefs.channel)
            _set(_prefs_set_email(d, _text(prefs.email or None, "email")), "the e-mail", prefs.email)
            _set(_prefs_set_phone(d, _text(prefs.phone or None, "phone")), "the phone", prefs.phone)
            for k in prefs.muted:
                _set(_prefs_set_muted(d, k, 1), "muting", k)
            self._do(_prefs_save, a._handle, reader_id, d)

    # ---------------------------------------------------------- the catalog

    def withdraw_book(self, a: Actor, book_id: int) -> None:
        """Withdraw a book from the catalog (admin): no more loans, listings
        or search; running loans go on (:class:`InvalidState` if withdrawn already)."""
        self._do(_book_withdraw, a._handle, book_id)

    def get_author(self, a: Actor, author_id: int) -> Author:
        """An author by id."""
        return AUTHOR.take(self._out(_author_get, a._handle, author_id))

    def find_author(self, a: Actor, name: str) -> Author:
        """The author of exactly this name (:class:`NotFound` if none)."""
        return AUTHOR.take(self._out(_author_find, a._handle, _text(name, "name")))

    def add_author_alias(self, a: Actor, author_id: int, alias: str) -> None:
        """Add another form of an author's name, which search matches too (admin)."""
        self._do(_author_add_alias, a._handle, author_id, _text(alias, "alias"))

    def book_authors(self, a: Actor, book_id: int, role: AuthorRole = AuthorRole.AUTHOR) -> List[Author]:
        """A book's authors (or narrators), in order."""
        return AUTHOR.take_list(self._out(_book_authors, a._handle, book_id, role))

    def import_catalog(self, a: Actor, path: Union[str, "os.PathLike[str]"],
                       format: ImportFormat = ImportFormat.AUTO, progress: Optional[Progress] = None) -> ImportReport:
        """Import a CSV or JSON Lines catalog file (admin); bad rows are
        reported and skipped. ``progress`` is called after every batch; if
        it returns False or raises, the import stops after the batches
        written so far with :class:`CallbackError`."""
        raised: List[BaseException] = []

        def step(_ud: Any, done: int, total: int) -> int:
            try:
                return 0 if progress is None or progress(done, total) is not False else 1
            except BaseException as exc:  # never let it cross into C
                raised.append(exc)
                return 1

        c_step = _ProgressFn(step) if progress is not None else ctypes.cast(0, _ProgressFn)
        out = N.c_void_p()
        try:
            self._do(_catalog_import, a._handle, _text(os.fspath(path), "path"), format, c_step, None,
                     N.byref(out))
        except CallbackError as exc:
            if out:
                exc.report = IMPORT_REPORT.take(out)
            if raised:
                raise exc from raised[0]
            raise
        except BaseException:
            if out:
                IMPORT_REPORT.free(out)
            raise
        return IMPORT_REPORT.take(out)

    def list_books(self, a: Actor, which: ListKind, *, ticket_id: int = 0, library_id: int = 0, reader_id: int = 0,
                   author_id: int = 0, genre: Optional[str] = None, kind: Kind = Kind.ANY, days: Optional[int] = None,
                   limit: Optional[int] = None, cursor: str = "") -> Listing:
        """One page of a listing (with the ticket's verdicts when a ticket is
        given); pass ``page.next`` as ``cursor`` for the next page."""
        h = N.c_void_p()
        _set(_list_query_new(N.byref(h), which), "the listing", which)
        try:
            for what, setter, v in (("ticket", _list_query_set_ticket, ticket_id),
                                    ("library", _list_query_set_library, library_id),
                                    ("reader", _list_query_set_reader, reader_id),
                                    ("author", _list_query_set_author, author_id),
                                    ("kind", _list_query_set_kind, kind), ("days", _list_query_set_days, days),
                                    ("limit", _list_query_set_limit, limit)):
                if v:
                    _set(setter(h, v), "the " + what, v)
            if genre is not None:
                _set(_list_query_set_genre(h, _text(genre, "genre")), "the genre", genre)
            if cursor:
                _set(_list_query_set_cursor(h, _text(cursor, "cursor")), "the cursor", cursor)
            return take_listing(self._out(_list_books, a._handle, h))
        finally:
            _list_query_free(h)

    def set_rating(self, a: Actor, reader_id: int, book_id: int, stars: int) -> None:
        """Rate a book 1 to 5 stars (one rating per reader and book)."""
        self._do(_rating_set, a._handle, reader_id, book_id, stars)

    def remove_rating(self, a: Actor, reader_id: int, book_id: int) -> None:
        """Remove the reader's rating (:class:`NotFound` if none)."""
        self._do(_rating_remove, a._handle, reader_id, book_id)

    def rating(self, a: Actor, reader_id: int, book_id: int) -> Optional[int]:
        """The reader's own rating, or None."""
        stars = N.c_int()
        self._do(_rating_get, a._handle, reader_id, book_id, N.byref(stars))
        return stars.value or None

    def book_rating(self, a: Actor, book_id: int) -> RatingSummary:
        """How many readers gave a book each number of stars."""
        return RATING_SUMMARY.take(self._out(_book_rating, a._handle, book_id))

    def add_review(self, a: Actor, reader_id: int, book_id: int, text: str) -> int:
        """Write a review; returns its id."""
        return self._id(_review_add, a._handle, reader_id, book_id, _text(text, "text"))

    def edit_review(self, a: Actor, review_id: int, text: str) -> None:
        """Change a review's text (its writer or admin)."""
        self._do(_review_edit, a._handle, review_id, _text(text, "text"))

    def delete_review(self, a: Actor, review_id: int) -> None:
        """Delete a review (its writer or admin)."""
        self._do(_review_delete, a._handle, review_id)

    def reviews(self, a: Actor, book_id: int, before_id: int = 0, limit: int = 100) -> List[Review]:
        """A book's reviews, newest first, before before_id (0: from the newest)."""
        return REVIEW.take_list(self._out(_review_list, a._handle, book_id, before_id, limit))

    # --------------------------------------------------------------- search

    def _find(self, f: Any, a: Actor, text: str, kind: Kind, language: Optional[str], library_id: int,
              available_only: bool, age_appropriate: bool, limit: Optional[int]) -> List[SearchHit]:
        with _draft(_search_query_new, _search_query_free) as q:
            _set(_search_query_set_text(q, _text(text, "text")), "the text", text)
            _set(_search_query_set_kind(q, kind), "the kind", kind)
            _set(_search_query_set_language(q, _text(language, "language")), "the language", language)
            _set(_search_query_set_library(q, library_id), "the library", library_id)
            _set(_search_query_set_available_only(q, int(available_only)), "available_only", available_only)
            _set(_search_query_set_age_appropriate(q, int(age_appropriate)), "age_appropriate", age_appropriate)
            if limit is not None:
                _set(_search_query_set_limit(q, limit), "the limit", limit)
            return SEARCH_HIT.take_list(self._out(f, a._handle, q))

    def search(self, a: Actor, text: str, *, kind: Kind = Kind.ANY, language: Optional[str] = None,
               library_id: int = 0, available_only: bool = False, age_appropriate: bool = False,
               limit: Optional[int] = None) -> List[SearchHit]:
        """Full search, best first: every word of the text matches a whole
        word (folding case, accents, transliteration and keyboard layout).
        With a library, a reader holding a ticket there gets verdicts."""
        return self._find(_search, a, text, kind, language, library_id, available_only, age_appropriate, limit)

    def suggest(self, a: Actor, text: str, *, kind: Kind = Kind.ANY, language: Optional[str] = None,
                library_id: int = 0, available_only: bool = False, age_appropriate: bool = False,
                limit: Optional[int] = None) -> List[SearchHit]:
        """Suggestions while typing: as :meth:`search`, the last word may be
        the start of a word."""
        return self._find(_suggest, a, text, kind, language, library_id, available_only, age_appropriate, limit)
