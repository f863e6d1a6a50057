"""Errors: every status other than OK is a subclass of :class:`LendError`."""
from __future__ import annotations

from typing import Any, Dict, Optional, Type, Union

from .enums import Reason, Status, to_enum


class LendError(Exception):
    """A liblend call failed.

    Attributes: ``status`` (a :class:`Status`), ``reason`` (a :class:`Reason`,
    ``Reason.NONE`` unless a lending rule refused) and ``message`` (the
    engine's sentence, meant for a person).
    """

    status: Union[Status, int] = Status.ERROR

    def __init__(self, message: str = "", status: Optional[int] = None, reason: int = 0) -> None:
        super().__init__(message)
        if status is not None:
            self.status = to_enum(Status, status)
        self.reason: Union[Reason, int] = to_enum(Reason, reason)
        self.message = message

    def __repr__(self) -> str:
        return "%s(%r, status=%r, reason=%r)" % (type(self).__name__, self.message, self.status, self.reason)


class NotFound(LendError):
    """An id or key that does not exist (LEND_ENOTFOUND)."""

    status = Status.ENOTFOUND


class InvalidInput(LendError, ValueError):
    """Bad input: empty, too long, invalid UTF-8, out of range (LEND_EINVAL)."""

    status = Status.EINVAL


class AlreadyExists(LendError):
    """Would duplicate something unique (LEND_EEXISTS)."""

    status = Status.EEXISTS


class Refused(LendError):
    """A lending rule refused; ``reason`` says which (LEND_EDENIED)."""

    status = Status.EDENIED


class AuthFailed(LendError):
    """Authentication failed (LEND_EAUTH)."""

    status = Status.EAUTH


class NotPermitted(LendError):
    """The actor may not do this (LEND_EPERM)."""

    status = Status.EPERM


class Busy(LendError):
    """The storage stayed locked past the busy timeout (LEND_EBUSY)."""

    status = Status.EBUSY


class StorageFailed(LendError):
    """The storage failed; nothing was changed (LEND_ESTORAGE)."""

    status = Status.ESTORAGE


class OutOfMemory(LendError, MemoryError):
    """Out of memory; nothing was changed (LEND_ENOMEM)."""

    status = Status.ENOMEM


class CallbackError(LendError):
    """A host callback (clock, notifier, import progress) failed (LEND_EUSER).

    When the callback raised, that exception is ``__cause__``. From
    :meth:`Engine.deliver`, ``delivered`` counts the notifications that did
    go out in the same batch; from :meth:`Engine.import_catalog`, ``report``
    is the import's report up to where it stopped.
    """

    status = Status.EUSER
    delivered: int = 0
    report: Any = None


class InvalidState(LendError):
    """The object is not in a state that allows this, or a callback called
    back into its engine (LEND_ESTATE)."""

    status = Status.ESTATE


ERRORS: Dict[int, Type[LendError]] = {
    Status.ERROR: LendError,
    Status.ENOTFOUND: NotFound,
    Status.EINVAL: InvalidInput,
    Status.EEXISTS: AlreadyExists,
    Status.EDENIED: Refused,
    Status.EAUTH: AuthFailed,
    Status.EPERM: NotPermitted,
    Status.EBUSY: Busy,
    Status.ESTORAGE: StorageFailed,
    Status.ENOMEM: OutOfMemory,
    Status.EUSER: CallbackError,
    Status.ESTATE: InvalidState,
}


def error_for(status: int, message: str, reason: int = 0) -> LendError:
    """The exception for a status (LendError itself for an unknown one)."""
    cls = ERRORS.get(status, LendError)
    return cls(message, status, reason)
