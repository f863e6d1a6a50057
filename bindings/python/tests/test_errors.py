"""Every status maps to its exception; bad input changes nothing."""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import tempfile
import unittest

from support import EngineTest

import liblend
from liblend import (AlreadyExists, AuthFailed, Busy, CallbackError, Engine, InvalidInput, InvalidState, LendError,
                     NotFound, NotPermitted, OutOfMemory, Reason, Refused, Status, StorageFailed, error_for)

EXPECTED = {
    Status.ERROR: LendError, Status.ENOTFOUND: NotFound, Status.EINVAL: InvalidInput,
    Status.EEXISTS: AlreadyExists, Status.EDENIED: Refused, Status.EAUTH: AuthFailed, Status.EPERM: NotPermitted,
    Status.EBUSY: Busy, Status.ESTORAGE: StorageFailed, Status.ENOMEM: OutOfMemory, Status.EUSER: CallbackError,
    Status.ESTATE: InvalidState,
}


class Mapping(unittest.TestCase):
    def test_every_status_has_its_class(self) -> None:
        self.assertEqual(set(EXPECTED), set(Status) - {Status.OK})
        for status, cls in EXPECTED.items():
            err = error_for(status, "why", Reason.AGE if status == Status.EDENIED else 0)
            self.assertIs(type(err), cls, status)
            self.assertIsInstance(err, LendError)
            self.assertEqual(err.status, status)
            self.assertEqual(err.message, "why")
            self.assertEqual(str(err), "why")
            self.assertTrue(liblend.strerror(status))
        self.assertEqual(error_for(Status.EDENIED, "x", 4).reason, Reason.AGE)
        self.assertIsInstance(error_for(Status.EINVAL, "x"), ValueError)
        unknown = error_for(99, "later", 999)
        self.assertEqual((type(unknown), unknown.status, unknown.reason), (LendError, 99, 999))

    def test_strings(self) -> None:
        self.assertTrue(liblend.strerror(0))
        for r in Reason:
            self.assertTrue(liblend.reason_string(r))
        for k in liblend.NoteKind:
            self.assertTrue(liblend.note_kind_string(k))

    def test_enums_match_the_library(self) -> None:
        """Every reason, notification kind and audit event the library names
        is in the enum, and nothing else."""
        values = range(0, 256)
        self.assertEqual({v for v in values if liblend.reason_string(v) != "unknown reason"}, {int(r) for r in Reason})
        self.assertEqual({v for v in values if liblend.note_kind_string(v) != "unknown"},
                         {int(k) for k in liblend.NoteKind})
        self.assertEqual({v for v in values if liblend.audit_event_string(v) != "unknown"},
                         {int(k) for k in liblend.AuditEvent})
        self.assertEqual(liblend.version_string(), "%d.%d.%d" % liblend.version())


class Raised(EngineTest):
    def setUp(self) -> None:
        super().setUp()
        self.world(2)
        self.b = self.book()

    def test_not_found(self) -> None:
        for call in (lambda: self.e.get_book(self.admin, 999), lambda: self.e.get_loan(self.admin, 999),
                     lambda: self.e.take(self.a[0], 999, self.b), lambda: self.e.reader(999)):
            with self.assertRaises(NotFound) as cm:
                call()
            self.assertEqual(cm.exception.status, Status.ENOTFOUND)
            self.assertEqual(cm.exception.reason, Reason.NONE)
            self.assertTrue(cm.exception.message)

    def test_invalid_input_changes_nothing(self) -> None:
        before = self.state()
        bad = [
            lambda: self.e.add_library(self.admin, "bad \udcff utf-8"),
            lambda: self.e.add_library(self.admin, "x" * 201),
            lambda: self.e.add_library(self.admin, "nul\0inside"),
            lambda: self.e.add_library(self.admin, "L", currency="rub"),
            lambda: self.e.add_reader(self.admin, ""),
            lambda: self.e.add_reader(self.admin, "R", dt.date(1700, 1, 1)),
            lambda: self.e.add_book(self.admin, "B", price=-1),
            lambda: self.e.add_book(self.admin, "B", age_rating=7),
            lambda: self.e.add_budget(self.admin, self.lib, -5),
            lambda: self.e.add_copies(self.admin, self.lib, self.b, -1),
            lambda: self.e.suspend_hold(self.a[0], 1, dt.datetime(2026, 2, 1)),  # naive
            lambda: self.e.issue_ticket(self.admin, self.lib, self.r[0], "bad\x01control"),
        ]
        for i, call in enumerate(bad):
            with self.assertRaises(InvalidInput, msg=str(i)):
                call()
        self.assertEqual(self.state(), before)

    def test_exists(self) -> None:
        r = self.e.add_reader(self.admin, "Z")
        with self.assertRaises(AlreadyExists):
            self.e.issue_ticket(self.admin, self.lib, r, self.e.get_ticket(self.admin, self.tk[0]).number)

    def test_refused_carries_reason(self) -> None:
        self.e.take(self.a[0], self.tk[0], self.b)
        with self.assertRaises(Refused) as cm:
            self.e.take(self.a[0], self.tk[0], self.b)
        self.assertEqual(cm.exception.reason, Reason.ALREADY_YOURS)
        self.assertEqual(cm.exception.status, Status.EDENIED)

    def test_not_permitted(self) -> None:
        before = self.state()
        with self.assertRaises(NotPermitted):
            self.e.take(self.a[1], self.tk[0], self.b)  # another reader's ticket
        with self.assertRaises(NotPermitted):
            self.e.loans(self.a[1], self.r[0])
        with self.assertRaises(NotPermitted):
            self.e.add_library(self.a[0], "Mine")
        with self.assertRaises(NotPermitted):
            self.e.librarian(self.r[0])  # granted nothing
        self.assertEqual(self.state(), before)

    def test_closed_engine_and_freed_actor(self) -> None:
        a = self.e.reader(self.r[0])
        a.free()
        a.free()
        with self.assertRaises(InvalidState):
            self.e.loans(a, self.r[0])
        with Engine(":memory:") as e2:
            self.assertFalse(e2.closed)
        self.assertTrue(e2.closed)
        with self.assertRaises(InvalidState):
            e2.admin()

    def test_invalid_state(self) -> None:
        loan = self.e.take(self.a[0], self.tk[0], self.b)
        self.e.return_loan(self.a[0], loan.id)
        before = self.state()
        with self.assertRaises(InvalidState):
            self.e.return_loan(self.a[0], loan.id)
        self.e.take(self.a[0], self.tk[0], self.b)
        h = self.e.join_queue(self.a[1], self.tk[1], self.b)
        self.e.leave_queue(self.a[1], h.id)
        with self.assertRaises(InvalidState):
            self.e.leave_queue(self.a[1], h.id)
        self.assertNotEqual(self.state(), before)


class Storage(unittest.TestCase):
    def test_busy(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "lend.db")
            with Engine(path, busy_timeout_ms=50) as e:
                admin = e.admin()
                lock = sqlite3.connect(path, isolation_level=None, timeout=0)
                lock.execute("BEGIN IMMEDIATE")
                try:
                    with self.assertRaises(Busy):
                        e.add_library(admin, "Locked out")
                finally:
                    lock.execute("ROLLBACK")
                    lock.close()
                e.add_library(admin, "Now it works")
                self.assertEqual(len(e.libraries(admin)), 1)

    def test_storage_failure_on_open(self) -> None:
        with self.assertRaises(LendError) as cm:
            Engine("/nonexistent-dir/sub/lend.db")
        self.assertIsInstance(cm.exception, StorageFailed)
        self.assertIn("/nonexistent-dir/sub/lend.db", cm.exception.message)


if __name__ == "__main__":
    unittest.main()
