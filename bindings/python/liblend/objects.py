"""What the engine returns: immutable snapshots of its handles.

Each class is filled from a C handle by a field table: one line per getter,
naming the C function and how its value converts. Binding a new getter is
one more line in the table and one more attribute in the class.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import (Any, Callable, Dict, FrozenSet, Generic, Iterator, List, NamedTuple, Optional, Sequence, Tuple, Type,
                    TypeVar, Union)

from . import _native as N
from .enums import (AuditEvent, Channel, HoldState, Kind, LedgerKind, LoanEnd, MethodKind, NoteKind, Origin, Reason,
                    RequestOrigin, RequestState, ReserveState, SessionOrigin, Setting, ShelfSection, TicketState, Verdict,
                    to_enum)

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
    much of a counted limit is used (0 for settings that count nothing);
    ``left[s]`` what is left of it (never below 0; None: unlimited; 0 for
    settings that count nothing).
    """

    values: Dict[Setting, Optional[int]]
    used: Dict[Setting, int]
    left: Dict[Setting, Optional[int]]
    summary: str


_limits_value = N.fn("lend_limits_value", N.c_int64, N.c_void_p, N.c_int)
_limits_used = N.fn("lend_limits_used", N.c_int64, N.c_void_p, N.c_int)
_limits_left = N.fn("lend_limits_left", N.c_int64, N.c_void_p, N.c_int)
LIMITS = Handle(Limits, "lend_limits_", fields("lend_limits_", ("summary", STR)),
               extra=lambda h: {"values": {s: _unlimited(_limits_value(h, s)) for s in Setting},
                                "used": {s: int(_limits_used(h, s)) for s in Setting},
                                "left": {s: _unlimited(_limits_left(h, s)) for s in Setting}})


@dataclass(frozen=True)
class Book:
    """A title in the shared catalog, with its metadata ("" / 0 / None
    where unknown). ``isbn`` is 13 digits; ``preview`` and ``length`` are
    pages of an e-book or seconds of an audiobook; ``withdrawn_at`` is set
    once the book left the catalog."""

    id: int
    title: str
    kind: Union[Kind, int]
    authors: Tuple[str, ...]
    age_rating: int
    price: Money
    lendable: bool
    release_at: Optional[_dt.datetime]
    subtitle: str
    series: str
    series_number: int
    language: str
    narrators: Tuple[str, ...]
    publisher: str
    year: int
    isbn: str
    genres: Tuple[str, ...]
    annotation: str
    preview: int
    length: int
    external_id: str
    withdrawn_at: Optional[_dt.datetime]
    created_at: Optional[_dt.datetime]
    updated_at: Optional[_dt.datetime]


def _strings(count: Any, item: Any) -> Callable[[Any], Tuple[str, ...]]:
    """A handle's list of strings read by count and index."""
    return lambda h: tuple(N.dec(item(h, i)) for i in range(count(h)))


_authors = _strings(N.fn("lend_book_author_count", N.c_size_t, N.c_void_p),
                    N.fn("lend_book_author", N.c_char_p, N.c_void_p, N.c_size_t))
_narrators = _strings(N.fn("lend_book_narrator_count", N.c_size_t, N.c_void_p),
                      N.fn("lend_book_narrator", N.c_char_p, N.c_void_p, N.c_size_t))
_genres = _strings(N.fn("lend_book_genre_count", N.c_size_t, N.c_void_p),
                   N.fn("lend_book_genre", N.c_char_p, N.c_void_p, N.c_size_t))
_book_price = N.fn("lend_book_price", N.c_int64, N.c_void_p)
_book_currency = N.fn("lend_book_currency", N.c_char_p, N.c_void_p)
BOOK = Handle(Book, "lend_book_", fields(
    "lend_book_", ("id", I64), ("title", STR), ("kind", ENUM(Kind)), ("age_rating", INT), ("lendable", BOOL),
    ("release_at", TIME), ("subtitle", STR), ("series", STR), ("series_number", INT), ("language", STR),
    ("publisher", STR), ("year", INT), ("isbn", STR), ("annotation", STR), ("preview", INT), ("length", I64),
    ("external_id", STR), ("withdrawn_at", TIME), ("created_at", TIME), ("updated_at", TIME)), "lend_books_",
    extra=lambda h: {"authors": _authors(h), "narrators": _narrators(h), "genres": _genres(h),
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
    :attr:`details` parses it into a dict. ``fields`` are the structured
    fields the engine reads from it (``due_at``, ``reason``, ``title``,
    ``library``, ``amount``, ``channel``, ``address``, ``lang``, ...);
    ``channel`` and ``address`` say where the reader wants it; ``text`` is
    the ready plain text in the reader's language and ``texts`` has it in
    every language ("ru", "en").
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
    fields: Dict[str, str]
    channel: Union[Channel, int]
    address: str
    text: str
    texts: Dict[str, str]

    @property
    def details(self) -> Dict[str, str]:
        return dict(line.split("=", 1) for line in self.detail.split("\n") if "=" in line)

    def field(self, key: str) -> Optional[str]:
        """A structured field, or None when absent."""
        return self.fields.get(key)


_note_field = N.fn("lend_notification_field", N.c_char_p, N.c_void_p, N.c_char_p)
_note_text = N.fn("lend_notification_text", N.c_char_p, N.c_void_p, N.c_char_p)
LANGUAGES = ("ru", "en")


def _note_extra(h: Any) -> Dict[str, Any]:
    detail = N.dec(N.BOUND["lend_notification_detail"](h))
    keys = [line.split("=", 1)[0] for line in detail.split("\n") if "=" in line]
    got = {k: _note_field(h, N.enc(k)) for k in keys}
    return {"fields": {k: N.dec(v) for k, v in got.items() if v is not None},
            "text": N.dec(_note_text(h, None)),
            "texts": {lang: N.dec(_note_text(h, N.enc(lang))) for lang in LANGUAGES}}


NOTIFICATION = Handle(Notification, "lend_notification_", fields(
    "lend_notification_", ("id", I64), ("uuid", STR), ("kind", ENUM(NoteKind)), ("reader_id", I64),
    ("library_id", I64), ("book_id", I64), ("loan_id", I64), ("created_at", TIME), ("detail", STR),
    ("attempts", INT), ("delivered_at", TIME), ("channel", ENUM(Channel)), ("address", STR)),
    "lend_notifications_", owned=False, extra=_note_extra)


# ------------------------------------------------------ the librarian's desk


def _borrowed(handle: "Handle[Any]", getter: Any) -> Callable[[Any], Any]:
    """A borrowed sub-handle as a snapshot, or None for NULL."""
    def read(h: Any) -> Any:
        p = getter(h)
        return handle.snap(p) if p else None
    return read


@dataclass(frozen=True)
class Request:
    """A request to the librarian, or the record of a direct issue.

    ``limits``, ``book_price``, ``copies``, ``on_loan``, ``queue_length`` and
    ``budget`` are the decision context, given to staff (else None / 0).
    """

    id: int
    ticket_id: int
    reader_id: int
    library_id: int
    book_id: int
    state: Union[RequestState, int]
    origin: Union[RequestOrigin, int]
    created_at: _dt.datetime
    decided_at: Optional[_dt.datetime]
    decided_by: int
    reason: Union[Reason, int]
    text: str
    loan_id: int
    hold_id: int
    overridden: bool
    limits: Optional[Limits]
    book_price: int
    copies: int
    on_loan: int
    queue_length: int
    budget: int


_request_limits = _borrowed(LIMITS, N.fn("lend_request_limits", N.c_void_p, N.c_void_p))
REQUEST = Handle(Request, "lend_request_", fields(
    "lend_request_", ("id", I64), ("ticket_id", I64), ("reader_id", I64), ("library_id", I64), ("book_id", I64),
    ("state", ENUM(RequestState)), ("origin", ENUM(RequestOrigin)), ("created_at", TIME), ("decided_at", TIME),
    ("decided_by", I64), ("reason", ENUM(Reason)), ("text", STR), ("loan_id", I64), ("hold_id", I64),
    ("overridden", BOOL), ("book_price", I64), ("copies", INT), ("on_loan", INT), ("queue_length", INT),
    ("budget", I64)), "lend_requests_", extra=lambda h: {"limits": _request_limits(h)})


@dataclass(frozen=True)
class Reserve:
    """A freed copy reserved for a waiting reader until he confirms."""

    id: int
    library_id: int
    book_id: int
    hold_id: int
    ticket_id: int
    reader_id: int
    created_at: _dt.datetime
    expires_at: _dt.datetime
    state: Union[ReserveState, int]
    ended_at: Optional[_dt.datetime]
    loan_id: int


RESERVE = Handle(Reserve, "lend_reserve_", fields(
    "lend_reserve_", ("id", I64), ("library_id", I64), ("book_id", I64), ("hold_id", I64), ("ticket_id", I64),
    ("reader_id", I64), ("created_at", TIME), ("expires_at", TIME), ("state", ENUM(ReserveState)),
    ("ended_at", TIME), ("loan_id", I64)), "lend_reserves_")


@dataclass(frozen=True)
class License:
    """A license with terms in a library's fund. ``expires_at`` None: no
    end; ``checkouts_left`` None: no limit; ``closed_at`` None while it lends."""

    id: int
    library_id: int
    book_id: int
    copies: int
    expires_at: Optional[_dt.datetime]
    checkouts_left: Optional[int]
    created_at: _dt.datetime
    closed_at: Optional[_dt.datetime]
    on_loan: int


LICENSE = Handle(License, "lend_license_", fields(
    "lend_license_", ("id", I64), ("library_id", I64), ("book_id", I64), ("copies", INT), ("expires_at", TIME),
    ("checkouts_left", _F(N.c_int64, _unlimited)), ("created_at", TIME), ("closed_at", TIME), ("on_loan", INT)),
    "lend_licenses_", owned=False)


@dataclass(frozen=True)
class LedgerEntry:
    """An entry of a library's budget ledger (amount > 0 credits, < 0 spends)."""

    id: int
    at: _dt.datetime
    amount: int
    kind: Union[LedgerKind, int]
    book_id: int
    actor_id: int
    note: str
    balance: int


LEDGER = Handle(LedgerEntry, "lend_ledger_entry_", fields(
    "lend_ledger_entry_", ("id", I64), ("at", TIME), ("amount", I64), ("kind", ENUM(LedgerKind)),
    ("book_id", I64), ("actor_id", I64), ("note", STR), ("balance", I64)), "lend_ledger_", owned=False)


class Indexed(Generic[T]):
    """A list handle read by index (``prefix + name(list, i)``)."""

    def __init__(self, cls: Type[T], prefix: str, *spec: Tuple[str, _F]) -> None:
        self.cls = cls
        self.count = N.fn(prefix + "count", N.c_size_t, N.c_void_p)
        self.free = N.fn(prefix + "free", None, N.c_void_p)
        self.getters = [(name, N.fn(prefix + name, f.restype, N.c_void_p, N.c_size_t), f.conv) for name, f in spec]

    def take_list(self, lst: Any) -> List[T]:
        try:
            return [self.cls(**{name: conv(g(lst, i)) for name, g, conv in self.getters})
                    for i in range(self.count(lst))]
        finally:
            self.free(lst)


# ------------------------------------------------------ accounts and sign-in


@dataclass(frozen=True)
class Method:
    """A backup sign-in method; an identity's value is "provider:subject"."""

    id: int
    kind: Union[MethodKind, int]
    value: str
    verified: bool


METHODS = Indexed(Method, "lend_methods_", ("id", I64), ("kind", ENUM(MethodKind)), ("value", STR),
                  ("verified", BOOL))


@dataclass(frozen=True)
class Session:
    """A signed-in session of a reader (``revoked_at`` None unless revoked;
    ``expires_at`` when it ends by itself, None when sessions last until
    revoked)."""

    id: int
    origin: Union[SessionOrigin, int]
    label: str
    created_at: _dt.datetime
    revoked_at: Optional[_dt.datetime]
    expires_at: Optional[_dt.datetime]


SESSIONS = Indexed(Session, "lend_sessions_", ("id", I64), ("origin", ENUM(SessionOrigin)), ("label", STR),
                   ("created_at", TIME), ("revoked_at", TIME), ("expires_at", TIME))


@dataclass(frozen=True)
class AuditEntry:
    """An event of the audit log; ``detail`` is key=value lines, never a secret."""

    id: int
    at: _dt.datetime
    event: Union[AuditEvent, int]
    reader_id: int
    actor_id: int
    detail: str


AUDIT = Indexed(AuditEntry, "lend_audit_", ("id", I64), ("at", TIME), ("event", ENUM(AuditEvent)),
                ("reader_id", I64), ("actor_id", I64), ("detail", STR))


# --------------------------------------------------------- the reader's shelf


@dataclass(frozen=True)
class ShelfItem:
    """One item of a reader's shelf; which fields are set depends on its section."""

    section: Union[ShelfSection, int]
    book_id: int
    kind: Union[Kind, int]
    library_id: int
    ticket_id: int
    loan_id: int
    origin: Union[Origin, int]
    since: Optional[_dt.datetime]
    due_at: Optional[_dt.datetime]
    days_left: int
    ended_at: Optional[_dt.datetime]
    end_reason: Union[LoanEnd, int]
    hold_id: int
    position: int
    wait_until: Optional[_dt.datetime]
    suspended_until: Optional[_dt.datetime]
    price: Money
    request_id: int
    request_state: Union[RequestState, int]
    reason: Union[Reason, int]


_item_price = N.fn("lend_shelf_item_price", N.c_int64, N.c_void_p)
_item_currency = N.fn("lend_shelf_item_currency", N.c_char_p, N.c_void_p)
SHELF_ITEM = Handle(ShelfItem, "lend_shelf_item_", fields(
    "lend_shelf_item_", ("section", ENUM(ShelfSection)), ("book_id", I64), ("kind", ENUM(Kind)),
    ("library_id", I64), ("ticket_id", I64), ("loan_id", I64), ("origin", ENUM(Origin)),
    ("since", TIME), ("due_at", TIME), ("days_left", INT), ("ended_at", TIME), ("end_reason", ENUM(LoanEnd)),
    ("hold_id", I64), ("position", INT), ("wait_until", TIME), ("suspended_until", TIME), ("request_id", I64),
    ("request_state", ENUM(RequestState)), ("reason", ENUM(Reason))), owned=False,
    extra=lambda h: {"price": Money(_item_price(h), N.dec(_item_currency(h)))})


@dataclass(frozen=True)
class ShelfPage(Sequence[ShelfItem]):
    """One page of a shelf; ``next`` is the cursor of the next page (0: last)."""

    items: Tuple[ShelfItem, ...]
    next: int

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: Any) -> Any:
        return self.items[i]

    def __iter__(self) -> Iterator[ShelfItem]:
        return iter(self.items)


_shelf_count = N.fn("lend_shelf_count", N.c_size_t, N.c_void_p)
_shelf_item = N.fn("lend_shelf_get_item", N.c_void_p, N.c_void_p, N.c_size_t)
_shelf_next = N.fn("lend_shelf_next", N.c_int64, N.c_void_p)
_shelf_free = N.fn("lend_shelf_free", None, N.c_void_p)


def take_shelf(h: Any) -> ShelfPage:
    try:
        return ShelfPage(tuple(SHELF_ITEM.snap(_shelf_item(h, i)) for i in range(_shelf_count(h))), _shelf_next(h))
    finally:
        _shelf_free(h)


@dataclass(frozen=True)
class CabinetEntry:
    """A ticket in the reader's cabinet, with its library, state and limits
    (``limits[kind]`` for every kind of book)."""

    ticket: Ticket
    library_name: str
    state: Union[TicketState, int]
    limits: Optional[Limits]


_cabinet_count = N.fn("lend_cabinet_count", N.c_size_t, N.c_void_p)
_cabinet_ticket = N.fn("lend_cabinet_ticket", N.c_void_p, N.c_void_p, N.c_size_t)
_cabinet_library_name = N.fn("lend_cabinet_library_name", N.c_char_p, N.c_void_p, N.c_size_t)
_cabinet_state = N.fn("lend_cabinet_state", N.c_int, N.c_void_p, N.c_size_t)
_cabinet_limits = N.fn("lend_cabinet_limits", N.c_void_p, N.c_void_p, N.c_size_t)
_cabinet_free = N.fn("lend_cabinet_free", None, N.c_void_p)


def take_cabinet(h: Any) -> List[CabinetEntry]:
    try:
        out = []
        for i in range(_cabinet_count(h)):
            lim = _cabinet_limits(h, i)
            out.append(CabinetEntry(TICKET.snap(_cabinet_ticket(h, i)), N.dec(_cabinet_library_name(h, i)),
                                    to_enum(TicketState, _cabinet_state(h, i)), LIMITS.snap(lim) if lim else None))
        return out
    finally:
        _cabinet_free(h)


@dataclass(frozen=True)
class Purchase:
    """A book bought for ever."""

    id: int
    reader_id: int
    book_id: int
    bought_at: _dt.datetime
    price: Money


_purchase_price = N.fn("lend_purchase_price", N.c_int64, N.c_void_p)
_purchase_currency = N.fn("lend_purchase_currency", N.c_char_p, N.c_void_p)
PURCHASE = Handle(Purchase, "lend_purchase_", fields(
    "lend_purchase_", ("id", I64), ("reader_id", I64), ("book_id", I64), ("bought_at", TIME)),
    extra=lambda h: {"price": Money(_purchase_price(h), N.dec(_purchase_currency(h)))})


@dataclass(frozen=True)
class Deferred:
    """A book put aside, with its verdict on the ticket asked about (None
    without a ticket)."""

    book_id: int
    added_at: _dt.datetime
    verdict: Union[Verdict, int, None]
    reason: Union[Reason, int]


DEFERREDS = Indexed(Deferred, "lend_deferreds_", ("book_id", I64), ("added_at", TIME),
                    ("verdict", _F(N.c_int, lambda v: None if v < 0 else to_enum(Verdict, v))),
                    ("reason", ENUM(Reason)))


@dataclass(frozen=True)
class Reading:
    """Where a reader is in a book (the newest device's write)."""

    position: int
    percent: int
    pages_read: int
    opened_at: _dt.datetime
    device_at: Optional[_dt.datetime]
    device: str


READING = Handle(Reading, "lend_reading_", fields(
    "lend_reading_", ("position", I64), ("percent", INT), ("pages_read", I64), ("opened_at", TIME),
    ("device_at", TIME), ("device", STR)))


@dataclass(frozen=True)
class Bookmark:
    """A position in a book with an optional note."""

    id: int
    book_id: int
    position: int
    note: str
    created_at: _dt.datetime


BOOKMARKS = Indexed(Bookmark, "lend_bookmarks_", ("id", I64), ("book_id", I64), ("position", I64), ("note", STR),
                    ("created_at", TIME))


@dataclass(frozen=True)
class OfflineGrant:
    """A device's grant to keep a book for offline reading (``loan_id`` 0: a
    bought book; ``valid_until`` None: no end)."""

    id: int
    device: str
    book_id: int
    loan_id: int
    granted_at: _dt.datetime
    valid_until: Optional[_dt.datetime]


OFFLINE = Handle(OfflineGrant, "lend_offline_", fields(
    "lend_offline_", ("id", I64), ("device", STR), ("book_id", I64), ("loan_id", I64), ("granted_at", TIME),
    ("valid_until", TIME)), "lend_offlines_")


@dataclass(frozen=True)
class Prefs:
    """A reader's notification preferences: language ("ru" or "en"), the
    channel, the addresses ("" for none) and the kinds switched off."""

    language: str = "ru"
    channel: Union[Channel, int] = Channel.NONE
    email: str = ""
    phone: str = ""
    muted: FrozenSet[Union[NoteKind, int]] = frozenset()


_prefs_muted = N.fn("lend_prefs_muted", N.c_int, N.c_void_p, N.c_int)
PREFS = Handle(Prefs, "lend_prefs_", fields(
    "lend_prefs_", ("language", STR), ("channel", ENUM(Channel)), ("email", STR), ("phone", STR)),
    extra=lambda h: {"muted": frozenset(k for k in NoteKind if _prefs_muted(h, k))})


# ---------------------------------------------------------------- the catalog


@dataclass(frozen=True)
class Author:
    """An author (or narrator) with the other forms of the name."""

    id: int
    name: str
    aliases: Tuple[str, ...]


_aliases = _strings(N.fn("lend_author_alias_count", N.c_size_t, N.c_void_p),
                    N.fn("lend_author_alias", N.c_char_p, N.c_void_p, N.c_size_t))
AUTHOR = Handle(Author, "lend_author_", fields("lend_author_", ("id", I64), ("name", STR)), "lend_authors_",
                extra=lambda h: {"aliases": _aliases(h)})


@dataclass(frozen=True)
class ImportProblem:
    """A bad row of an import: the line it starts on and why."""

    line: int
    reason: str


@dataclass(frozen=True)
class ImportReport:
    """What a catalog import did: rows read, added, updated, unchanged and
    failed; the books of the good rows in file order; the first bad rows."""

    rows: int
    added: int
    updated: int
    unchanged: int
    failed: int
    book_ids: Tuple[int, ...]
    errors: Tuple[ImportProblem, ...]


_report_book_count = N.fn("lend_import_report_book_count", N.c_size_t, N.c_void_p)
_report_book_id = N.fn("lend_import_report_book_id", N.c_int64, N.c_void_p, N.c_size_t)
_report_error_count = N.fn("lend_import_report_error_count", N.c_size_t, N.c_void_p)
_report_error_line = N.fn("lend_import_report_error_line", N.c_int64, N.c_void_p, N.c_size_t)
_report_error_reason = N.fn("lend_import_report_error_reason", N.c_char_p, N.c_void_p, N.c_size_t)
IMPORT_REPORT = Handle(ImportReport, "lend_import_report_", fields(
    "lend_import_report_", ("rows", I64), ("added", I64), ("updated", I64), ("unchanged", I64), ("failed", I64)),
    extra=lambda h: {"book_ids": tuple(_report_book_id(h, i) for i in range(_report_book_count(h))),
                     "errors": tuple(ImportProblem(_report_error_line(h, i), N.dec(_report_error_reason(h, i)))
                                     for i in range(_report_error_count(h)))})


@dataclass(frozen=True)
class ListingEntry:
    """A book of a listing, with the ticket's verdict (None without a ticket),
    the value the listing is ordered by, and whether the reader (the
    ticket's holder, else the query's reader, else the asking one) is old
    enough for it."""

    book: Book
    availability: Optional[Availability]
    key: int
    age_ok: bool


@dataclass(frozen=True)
class Listing(Sequence[ListingEntry]):
    """One page of a listing; ``next`` is the cursor of the next page ("": the last)."""

    entries: Tuple[ListingEntry, ...]
    next: str

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, i: Any) -> Any:
        return self.entries[i]

    def __iter__(self) -> Iterator[ListingEntry]:
        return iter(self.entries)


_listing_count = N.fn("lend_listing_count", N.c_size_t, N.c_void_p)
_listing_book = N.fn("lend_listing_book", N.c_void_p, N.c_void_p, N.c_size_t)
_listing_availability = N.fn("lend_listing_availability", N.c_void_p, N.c_void_p, N.c_size_t)
_listing_key = N.fn("lend_listing_key", N.c_int64, N.c_void_p, N.c_size_t)
_listing_age_ok = N.fn("lend_listing_age_ok", N.c_int, N.c_void_p, N.c_size_t)
_listing_next = N.fn("lend_listing_next", N.c_char_p, N.c_void_p)
_listing_free = N.fn("lend_listing_free", None, N.c_void_p)


def take_listing(h: Any) -> Listing:
    try:
        out = []
        for i in range(_listing_count(h)):
            v = _listing_availability(h, i)
            out.append(ListingEntry(BOOK.snap(_listing_book(h, i)), AVAILABILITY.snap(v) if v else None,
                                    _listing_key(h, i), bool(_listing_age_ok(h, i))))
        return Listing(tuple(out), N.dec(_listing_next(h)))
    finally:
        _listing_free(h)


@dataclass(frozen=True)
class RatingSummary:
    """A book's ratings: ``counts[stars]`` readers gave each number of stars."""

    total: int
    counts: Dict[int, int]
    average: float


_summary_count = N.fn("lend_rating_summary_count", N.c_int64, N.c_void_p, N.c_int)
RATING_SUMMARY = Handle(RatingSummary, "lend_rating_summary_", fields(
    "lend_rating_summary_", ("total", I64), ("average", _F(N.c_double, float))),
    extra=lambda h: {"counts": {s: int(_summary_count(h, s)) for s in range(1, 6)}})


@dataclass(frozen=True)
class Review:
    """A reader's review of a book."""

    id: int
    reader_id: int
    book_id: int
    text: str
    created_at: _dt.datetime
    updated_at: Optional[_dt.datetime]


REVIEW = Handle(Review, "lend_review_", fields(
    "lend_review_", ("id", I64), ("reader_id", I64), ("book_id", I64), ("text", STR), ("created_at", TIME),
    ("updated_at", TIME)), "lend_reviews_")


# ---------------------------------------------------------------- search


@dataclass(frozen=True)
class SearchHit:
    """A search result, best first. ``verdict`` and ``reason`` are the
    asking reader's availability on the query's library (None without one)."""

    book_id: int
    title: str
    authors: str
    kind: Union[Kind, int]
    age_rating: int
    score: int
    too_young: bool
    verdict: Union[Verdict, int, None]
    reason: Union[Reason, int]


_hit_has_verdict = N.fn("lend_search_hit_has_verdict", N.c_int, N.c_void_p)
_hit_verdict = N.fn("lend_search_hit_verdict", N.c_int, N.c_void_p)
SEARCH_HIT = Handle(SearchHit, "lend_search_hit_", fields(
    "lend_search_hit_", ("book_id", I64), ("title", STR), ("authors", STR), ("kind", ENUM(Kind)),
    ("age_rating", INT), ("score", I64), ("too_young", BOOL), ("reason", ENUM(Reason))), "lend_search_results_",
    owned=False, extra=lambda h: {"verdict": to_enum(Verdict, _hit_verdict(h)) if _hit_has_verdict(h) else None})