"""What the engine returns: immutable snapshots of its handles.

Each class is filled from a C handle by a field table: one line per getter,
naming the C function and how its value converts. Binding a new getter is
one more line in the table and one more attribute in the class.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Callable, Dict, Generic, Iterator, List, NamedTuple, Optional, Sequence, Tuple, Type, TypeVar, Union

from . import _native as N
from .enums import HoldState, Kind, LoanEnd, NoteKind, Origin, Reason, Setting, Verdict, to_enum

UTC = _dt.timezone.utc


def from_epoch(v: int) -> Optional[_dt.datetime]:
    """UTC seconds as an aware datetime; 0 ("none") as None."""
    return _dt.datetime.fromtimestamp(v, UTC) if v else None


def to_epoch(when: Union[_dt.datetime, int, None]) -> int:
    """An aware datetime (or UTC seconds, or None for 0) as UTC seconds."""
    if when is None:
        return 0
    if isinstance(when, _dt.datetime):
        if when.tzinfo is None or when.utcoffset() is None:
            from .errors import InvalidInput

            raise InvalidInput("a naive datetime has no time zone; use an aware one (e.g. tzinfo=timezone.utc)")
        return int(when.timestamp())
    return int(when)


class Money(NamedTuple):
    """An amount in minor units (kopecks, cents) and its ISO 4217 currency."""

    amount: int
    currency: str


class _F:
    """How one getter's C value becomes a Python value."""

    def __init__(self, restype: Any, conv: Callable[[Any], Any]) -> None:
        self.restype = restype
        self.conv = conv


I64 = _F(N.c_int64, int)
INT = _F(N.c_int, int)
BOOL = _F(N.c_int, bool)
STR = _F(N.c_char_p, N.dec)
TIME = _F(N.c_int64, from_epoch)


def ENUM(cls: Any) -> _F:
    return _F(N.c_int, lambda v: to_enum(cls, v))


def _unlimited(v: int) -> Optional[int]:
    return None if v == -1 else int(v)


def _ymd(v: int) -> Optional[_dt.date]:
    return _dt.date(v // 10000, v // 100 % 100, v % 100) if v else None


_ReadFn = Callable[[Any], Dict[str, Any]]


def fields(prefix: str, *spec: Tuple[str, _F]) -> _ReadFn:
    """Declare the getters ``prefix + name`` and return a reader that turns a
    handle into a dict of converted values keyed by name."""
    getters = [(name, N.fn(prefix + name, f.restype, N.c_void_p), f.conv) for name, f in spec]

    def read(h: Any) -> Dict[str, Any]:
        return {name: conv(g(h)) for name, g, conv in getters}

    return read


T = TypeVar("T")


class Handle(Generic[T]):
    """How one kind of handle is read, freed and listed."""

    def __init__(self, cls: Type[T], prefix: str, read: _ReadFn, plural: Optional[str] = None,
                 extra: Optional[Callable[[Any], Dict[str, Any]]] = None, owned: bool = True) -> None:
        self.cls = cls
        self.read = read
        self.extra = extra
        if owned:
            self.free = N.fn(prefix + "free", None, N.c_void_p)
        if plural:
            self.count = N.fn(plural + "count", N.c_size_t, N.c_void_p)
            self.get = N.fn(plural + "get", N.c_void_p, N.c_void_p, N.c_size_t)
            self.free_list = N.fn(plural + "free", None, N.c_void_p)

    def snap(self, h: Any) -> T:
        """A snapshot of a borrowed handle."""
        d = self.read(h)
        if self.extra:
            d.update(self.extra(h))
        return self.cls(**d)

    def take(self, h: Any) -> T:
        """A snapshot of an owned handle, which is freed."""
        try:
            return self.snap(h)
        finally:
            self.free(h)

    def take_list(self, lst: Any) -> List[T]:
        """Snapshots of every item of an owned list handle, which is freed."""
        try:
            return [self.snap(self.get(lst, i)) for i in range(self.count(lst))]
        finally:
            self.free_list(lst)


@dataclass(frozen=True)
class Library:
    """A connected library."""

    id: int
    name: str
    address: str
    contacts: str
    currency: str
    budget: Money


_budget = N.fn("lend_library_budget", N.c_int64, N.c_void_p)
LIBRARY = Handle(Library, "lend_library_", fields("lend_library_", ("id", I64), ("name", STR), ("address", STR),
                                                 ("contacts", STR), ("currency", STR)), "lend_libraries_",
                 extra=lambda h: {"budget": Money(_budget(h), N.dec(N.BOUND["lend_library_currency"](h)))})


@dataclass(frozen=True)
class Reader:
    """A reader's account."""

    id: int
    name: str
    birth_date: Optional[_dt.date]


READER = Handle(Reader, "lend_reader_", fields("lend_reader_", ("id", I64), ("name", STR),
                                                ("birth_date", _F(N.c_int, _ymd))))


@dataclass(frozen=True)
class Ticket:
    """A library card: one per reader and library."""

    id: int
    library_id: int
    reader_id: int
    number: str
    valid_from: Optional[_dt.datetime]
    valid_until: Optional[_dt.datetime]
    blocked: bool


TICKET = Handle(Ticket, "lend_ticket_", fields("lend_ticket_", ("id", I64), ("library_id", I64), ("reader_id", I64),
                                              ("number", STR), ("valid_from", TIME), ("valid_until", TIME),
                                              ("blocked", BOOL)), "lend_tickets_")


@dataclass(frozen=True)
class Limits:
    """A ticket's effective limits for a kind of book, and what is used.

    ``values[s]`` is the setting's value (None: unlimited); ``used[s]`` how
    much of a counted limit is used (0 for settings that count nothing).
    """

    values: Dict[Setting, Optional[int]]
    used: Dict[Setting, int]
    summary: str


_limits_value = N.fn("lend_limits_value", N.c_int64, N.c_void_p, N.c_int)
_limits_used = N.fn("lend_limits_used", N.c_int64, N.c_void_p, N.c_int)
LIMITS = Handle(Limits, "lend_limits_", fields("lend_limits_", ("summary", STR)),
               extra=lambda h: {"values": {s: _unlimited(_limits_value(h, s)) for s in Setting},
                                "used": {s: int(_limits_used(h, s)) for s in Setting}})


@dataclass(frozen=True)
class Book:
    """A title in the shared catalog."""

    id: int
    title: str
    kind: Union[Kind, int]
    authors: Tuple[str, ...]
    age_rating: int
    price: Money
    lendable: bool
    release_at: Optional[_dt.datetime]


_author_count = N.fn("lend_book_author_count", N.c_size_t, N.c_void_p)
_author = N.fn("lend_book_author", N.c_char_p, N.c_void_p, N.c_size_t)
_book_price = N.fn("lend_book_price", N.c_int64, N.c_void_p)
_book_currency = N.fn("lend_book_currency", N.c_char_p, N.c_void_p)
BOOK = Handle(Book, "lend_book_", fields("lend_book_", ("id", I64), ("title", STR), ("kind", ENUM(Kind)),
                                        ("age_rating", INT), ("lendable", BOOL), ("release_at", TIME)), "lend_books_",
             extra=lambda h: {"authors": tuple(N.dec(_author(h, i)) for i in range(_author_count(h))),
                              "price": Money(_book_price(h), N.dec(_book_currency(h)))})


@dataclass(frozen=True)
class Fund:
    """A library's copies of a book."""

    library_id: int
    book_id: int
    copies: int
    on_loan: int
    waiting: int


FUND = Handle(Fund, "lend_fund_", fields("lend_fund_", ("library_id", I64), ("book_id", I64), ("copies", INT),
                                        ("on_loan", INT), ("waiting", INT)), "lend_funds_")


@dataclass(frozen=True)
class Availability:
    """The one verdict for a ticket and a book: which button to show, and why."""

    verdict: Union[Verdict, int]
    reason: Union[Reason, int]
    message: str
    buys: bool
    position: int
    wait_until: Optional[_dt.datetime]
    queued: bool
    loan_id: int


AVAILABILITY = Handle(Availability, "lend_availability_", fields(
    "lend_availability_", ("verdict", ENUM(Verdict)), ("reason", ENUM(Reason)), ("message", STR), ("buys", BOOL),
    ("position", INT), ("wait_until", TIME), ("queued", BOOL), ("loan_id", I64)))


@dataclass(frozen=True)
class Loan:
    """A loan: a copy lent on a ticket until its due time."""

    id: int
    ticket_id: int
    reader_id: int
    library_id: int
    book_id: int
    origin: Union[Origin, int]
    issued_at: _dt.datetime
    due_at: _dt.datetime
    ended_at: Optional[_dt.datetime]
    end_reason: Union[LoanEnd, int]

    @property
    def active(self) -> bool:
        return self.ended_at is None


LOAN = Handle(Loan, "lend_loan_", fields("lend_loan_", ("id", I64), ("ticket_id", I64), ("reader_id", I64),
                                        ("library_id", I64), ("book_id", I64), ("origin", ENUM(Origin)),
                                        ("issued_at", TIME), ("due_at", TIME), ("ended_at", TIME),
                                        ("end_reason", ENUM(LoanEnd))), "lend_loans_")


@dataclass(frozen=True)
class Hold:
    """A reader's place in a book's queue."""

    id: int
    library_id: int
    book_id: int
    ticket_id: int
    reader_id: int
    joined_at: _dt.datetime
    state: Union[HoldState, int]
    suspended_until: Optional[_dt.datetime]
    position: int
    wait_until: Optional[_dt.datetime]
    loan_id: int


HOLD = Handle(Hold, "lend_hold_", fields("lend_hold_", ("id", I64), ("library_id", I64), ("book_id", I64),
                                        ("ticket_id", I64), ("reader_id", I64), ("joined_at", TIME),
                                        ("state", ENUM(HoldState)), ("suspended_until", TIME), ("position", INT),
                                        ("wait_until", TIME), ("loan_id", I64)), "lend_holds_")


@dataclass(frozen=True)
class Queue(Sequence[Hold]):
    """The waiting queue of a book in a library, first first."""

    library_id: int
    book_id: int
    holds: Tuple[Hold, ...]

    def __len__(self) -> int:
        return len(self.holds)

    def __getitem__(self, i: Any) -> Any:
        return self.holds[i]

    def __iter__(self) -> Iterator[Hold]:
        return iter(self.holds)


_queue_length = N.fn("lend_queue_length", N.c_size_t, N.c_void_p)
_queue_hold = N.fn("lend_queue_hold", N.c_void_p, N.c_void_p, N.c_size_t)
QUEUE = Handle(Queue, "lend_queue_", fields("lend_queue_", ("library_id", I64), ("book_id", I64)),
              extra=lambda h: {"holds": tuple(HOLD.snap(_queue_hold(h, i)) for i in range(_queue_length(h)))})


@dataclass(frozen=True)
class Notification:
    """A notification, as the notifier receives it and the outbox lists it.

    ``detail`` is the engine's structured text (``key=value`` lines);
    :attr:`details` parses it into a dict.
    """

    id: int
    uuid: str
    kind: Union[NoteKind, int]
    reader_id: int
    library_id: int
    book_id: int
    loan_id: int
    created_at: _dt.datetime
    detail: str
    attempts: int
    delivered_at: Optional[_dt.datetime]

    @property
    def details(self) -> Dict[str, str]:
        return dict(line.split("=", 1) for line in self.detail.split("\n") if "=" in line)


NOTIFICATION = Handle(Notification, "lend_notification_", fields(
    "lend_notification_", ("id", I64), ("uuid", STR), ("kind", ENUM(NoteKind)), ("reader_id", I64),
    ("library_id", I64), ("book_id", I64), ("loan_id", I64), ("created_at", TIME), ("detail", STR),
    ("attempts", INT), ("delivered_at", TIME)), "lend_notifications_", owned=False)
