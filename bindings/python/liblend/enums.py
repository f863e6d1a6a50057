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
    # -- accounts and sign-in: 40..59
    # -- the reader's shelf: 60..79
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
    # -- accounts and sign-in: 40..59
    # -- the reader's shelf: 60..79
    # -- the catalog: 80..99


E = TypeVar("E", bound=enum.IntEnum)


def to_enum(cls: Type[E], value: int) -> Union[E, int]:
    """``cls(value)``, or the plain int for a value a newer library added."""
    try:
        return cls(value)
    except ValueError:
        return value
