"""The engine's constants as :class:`enum.IntEnum` (values as in lend.h)."""
from __future__ import annotations

import enum
from typing import Type, TypeVar, Union


class Status(enum.IntEnum):
    """What a call returned (enum lend_status)."""

    OK = 0
    ERROR = 1
    ENOTFOUND = 2
    EINVAL = 3
    EEXISTS = 4
    EDENIED = 5
    EAUTH = 6
    EPERM = 7
    EBUSY = 8
    ESTORAGE = 9
    ENOMEM = 10
    EUSER = 11
    ESTATE = 12


class Reason(enum.IntEnum):
    """Why a lending rule refused (enum lend_reason)."""

    NONE = 0
    TICKET_BLOCKED = 1
    TICKET_EXPIRED = 2
    NOT_LENDABLE = 3
    AGE = 4
    NOT_RELEASED = 5
    SELF_SERVICE_LIMIT = 6
    MAX_LOANS = 7
    TOO_EXPENSIVE = 8
    BUDGET = 9
    NO_FREE_COPY = 10
    ALREADY_YOURS = 11
    ALREADY_QUEUED = 12
    NOT_IN_FUND = 13
    TOO_MANY_REQUESTS = 14
    MONTHLY_QUOTA = 15
    COPY_LIMIT = 16
    COPIES_ON_LOAN = 17
    FREE_COPY = 18
    SUSPEND_TOO_LONG = 19
    # -- the librarian's desk: 20..39
    ALREADY_REQUESTED = 20
    RENEWALS_OFF = 21
    ALREADY_RENEWED = 22
    SOMEONE_WAITS = 23
    LIBRARIAN = 24
    # -- accounts and sign-in: 40..59
    SIGNIN_DELAYED = 40
    SIGNIN_LOCKED = 41
    CODE_EXPIRED = 42
    CODE_TRIES = 43
    BIRTH_DATE_DIFFERS = 44
    # -- the reader's shelf: 60..79
    BALANCE = 60
    ALREADY_BOUGHT = 61
    NOT_FOR_SALE = 62
    NO_ACCESS = 63
    # -- the catalog: 80..99


class Kind(enum.IntEnum):
    """A kind of book; ANY in policy settings means every kind."""

    ANY = 0
    EBOOK = 1
    AUDIOBOOK = 2


class Origin(enum.IntEnum):
    """How a loan came about."""

    SELF = 1
    LIBRARIAN = 2
    QUEUE = 3


class LoanEnd(enum.IntEnum):
    """How a loan ended (NONE while active)."""

    NONE = 0
    EXPIRED = 1
    RETURNED = 2
    REVOKED = 3


class HoldState(enum.IntEnum):
    """A place in a queue."""

    WAITING = 1
    SERVED = 2
    LEFT = 3


class Verdict(enum.IntEnum):
    """Which button to show for a ticket and a book."""

    REFUSED = 0
    TAKE = 1
    QUEUE = 2
    REQUEST = 3
    YOURS = 4


class Setting(enum.IntEnum):
    """A policy setting (per library, kind of book and ticket)."""

    LOAN_DAYS = 1
    SELF_SERVICE_LIMIT = 2
    MAX_LOANS = 3
    MAX_SELF_PRICE = 4
    MAX_REQUESTS = 5
    MONTHLY_QUOTA = 6
    MAX_COPIES = 7
    HANDOFF_MODE = 8
    RESERVE_DAYS = 9
    RENEWALS = 10
    REMINDER_DAYS = 11


class ActorKind(enum.IntEnum):
    """Who acts."""

    ADMIN = 1
    READER = 2
    LIBRARIAN = 3


class NoteKind(enum.IntEnum):
    """What a notification is about."""

    LOAN_ISSUED = 1
    LOAN_ENDED = 2
    QUEUE_HANDOFF = 3
    LOAN_ENDING_SOON = 4
    REQUEST_APPROVED = 5
    REQUEST_DENIED = 6
    QUEUE_POSITION = 7
    RESERVE_WAITING = 8
    VERIFICATION_CODE = 9
    PASSWORD_RECOVERY = 10
    APP_ACTIVATION = 11
    # -- the librarian's desk: 20..39
    LOAN_RENEWED = 20
    RESERVE_LAPSED = 21
    # -- accounts and sign-in: 40..59
    # -- the reader's shelf: 60..79
    BALANCE_CREDITED = 60
    BOOK_BOUGHT = 61
    # -- the catalog: 80..99


# ------------------------------------------------------ the librarian's desk


class RequestState(enum.IntEnum):
    """A request to the librarian."""

    PENDING = 1
    APPROVED = 2
    DENIED = 3
    CANCELLED = 4


class RequestOrigin(enum.IntEnum):
    """How a request came about."""

    BY_READER = 1
    DIRECT = 2


class ReserveState(enum.IntEnum):
    """A copy reserved for a waiting reader."""

    ACTIVE = 1
    CONFIRMED = 2
    LAPSED = 3
    CANCELLED = 4


class LedgerKind(enum.IntEnum):
    """An entry of a library's budget ledger."""

    TOPUP = 1
    PURCHASE = 2
    CORRECTION = 3


# ------------------------------------------------------ accounts and sign-in


class LoginKind(enum.IntEnum):
    """What a login is: a ticket number (with its library), an e-mail, a phone."""

    TICKET = 1
    EMAIL = 2
    PHONE = 3


class MethodKind(enum.IntEnum):
    """A backup sign-in method."""

    EMAIL = 1
    PHONE = 2
    IDENTITY = 3


class SessionOrigin(enum.IntEnum):
    """How a session began."""

    PASSWORD = 1
    ACTIVATION = 2
    IDENTITY = 3


class AuditEvent(enum.IntEnum):
    """An event of the audit log."""

    SIGNIN_OK = 1
    SIGNIN_FAILED = 2
    LOCKOUT = 3
    PASSWORD_SET = 4
    PASSWORD_CHANGED = 5
    METHOD_ADDED = 6
    METHOD_CONFIRMED = 7
    METHOD_REMOVED = 8
    CODE_FAILED = 9
    RECOVERY_REQUESTED = 10
    RECOVERY_DONE = 11
    ACTIVATION_REQUESTED = 12
    ACTIVATED = 13
    SESSION_REVOKED = 14
    MERGED = 15


class PasswordCost(enum.IntEnum):
    """The Argon2id cost of new password hashes (MIN is for tests only)."""

    INTERACTIVE = 0
    MODERATE = 1
    SENSITIVE = 2
    MIN = 3


# --------------------------------------------------------- the reader's shelf


class ShelfSection(enum.IntEnum):
    """A section of a reader's shelf (ALL in a query: every section)."""

    ALL = 0
    LOANS = 1
    QUEUE = 2
    REQUESTS = 3
    BOUGHT = 4
    DEFERRED = 5
    HISTORY = 6


class TicketState(enum.IntEnum):
    """A ticket's state in the reader's cabinet."""

    ACTIVE = 1
    BLOCKED = 2
    NOT_YET = 3
    EXPIRED = 4


class Access(enum.IntEnum):
    """How a reader may read a book."""

    NONE = 0
    LOAN = 1
    BOUGHT = 2
    PREVIEW = 3


class Channel(enum.IntEnum):
    """The channel a reader chose for notifications (NONE: the host decides)."""

    NONE = 0
    EMAIL = 1
    SMS = 2


# ---------------------------------------------------------------- the catalog


class AuthorRole(enum.IntEnum):
    """How a name is linked to a book."""

    AUTHOR = 1
    NARRATOR = 2


class ImportFormat(enum.IntEnum):
    """The format of a catalog file (AUTO: by its name)."""

    AUTO = 0
    CSV = 1
    JSONL = 2


class ListKind(enum.IntEnum):
    """A listing of books."""

    FUND = 1
    AUTHOR = 2
    GENRE = 3
    NEW = 4
    POPULAR = 5
    SOON = 6
    RECOMMENDED = 7


E = TypeVar("E", bound=enum.IntEnum)


def to_enum(cls: Type[E], value: int) -> Union[E, int]:
    """``cls(value)``, or the plain int for a value a newer library added."""
    try:
        return cls(value)
    except ValueError:
        return value
