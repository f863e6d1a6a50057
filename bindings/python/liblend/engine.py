"""The engine: one connection to a liblend store, and every operation on it."""
from __future__ import annotations

import ctypes
import datetime as _dt
import os
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator, List, Optional, Sequence, Tuple, Union

from . import _native as N
from .enums import ActorKind, Kind, Setting, to_enum
from .errors import CallbackError, InvalidInput, InvalidState, error_for
from .objects import (AVAILABILITY, BOOK, FUND, HOLD, LIBRARY, LIMITS, LOAN, NOTIFICATION, QUEUE, READER, TICKET,
                      Availability, Book, Fund, Hold, Library, Limits, Loan, Money, Notification, Queue, Reader, Ticket,
                      from_epoch, to_epoch)

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

# ------------------------------------------------------------ C prototypes

_strerror = fn("lend_strerror", S, I)
_reason_string = fn("lend_reason_string", S, I)
_note_kind_string = fn("lend_note_kind_string", S, I)
_version = fn("lend_version", I)
_version_string = fn("lend_version_string", S)

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

    An engine may be used from several threads: calls are serialised by a
    lock. Callbacks run on the calling thread, inside that lock, and must not
    call back into the same engine (the library refuses a call made inside
    another's transaction with :class:`InvalidState`).
    """

    def __init__(self, path: Union[str, "os.PathLike[str]"] = ":memory:", *, clock: Optional[Clock] = None,
                 notifier: Optional[Notifier] = None, busy_timeout_ms: Optional[int] = None) -> None:
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

    def add_book(self, a: Actor, title: str, *, authors: Sequence[str] = (), kind: Kind = Kind.EBOOK,
                 age_rating: int = 0, price: int = 0, currency: str = "RUB", lendable: bool = True,
                 release_at: When = None) -> int:
        """Add a title to the shared catalog (admin only); returns its id.
        ``price`` is in minor units of ``currency``."""
        with _draft(_book_new, BOOK.free) as d:
            self._book_fields(d, title, kind, authors, age_rating, price, currency, lendable, release_at)
            return self._id(_book_add, a._handle, d)

    def update_book(self, a: Actor, book_id: int, *, title: Optional[str] = None, kind: Optional[Kind] = None,
                    more_authors: Sequence[str] = (), age_rating: Optional[int] = None, price: Optional[int] = None,
                    currency: Optional[str] = None, lendable: Optional[bool] = None,
                    release_at: When = None) -> Book:
        """Change a stored title's metadata (admin only); what is not given
        stays. Authors can only be appended. Returns the updated book."""
        h = self._out(_book_get, a._handle, book_id)
        try:
            self._book_fields(h, title, kind, more_authors, age_rating, price, currency, lendable, release_at)
            self._do(_book_update, a._handle, h)
            return BOOK.snap(h)
        finally:
            BOOK.free(h)

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
