"""The clock and the notifier written in Python: kept alive, and an exception
inside one is reported as an error that leaves the state unchanged."""
from __future__ import annotations

import datetime as dt
import gc
import threading
import unittest

from support import DAY, START, EngineTest

from liblend import CallbackError, Engine, Notification, NoteKind, Reason, Refused, Status


class Boom(Exception):
    pass


class Clock(EngineTest):
    def test_clock_exception_fails_the_call_and_changes_nothing(self) -> None:
        self.world(2)
        b = self.book()
        loan = self.e.take(self.a[0], self.tk[0], b)
        self.e.join_queue(self.a[1], self.tk[1], b)
        before = self.state()
        good = self.e._cb.clock

        def broken() -> dt.datetime:
            raise Boom("the clock is broken")

        self.e._cb.clock = broken
        for call in (lambda: self.e.tick(), lambda: self.e.return_loan(self.a[0], loan.id),
                     lambda: self.e.take(self.a[1], self.tk[1], b), lambda: self.e.now()):
            with self.assertRaises(CallbackError) as cm:
                call()
            self.assertEqual(cm.exception.status, Status.EUSER)
            self.assertIsInstance(cm.exception.__cause__, Boom)
        self.e._cb.clock = lambda: dt.datetime(2026, 1, 1)  # naive: refused too
        with self.assertRaises(CallbackError):
            self.e.tick()
        self.e._cb.clock = good
        self.assertEqual(self.state(), before)
        self.assertTrue(self.e.get_loan(self.admin, loan.id).active)
        self.assertClean()

    def test_clock_is_kept_alive(self) -> None:
        def make() -> Engine:
            t = [START]
            return Engine(":memory:", clock=lambda: t[0] + 3 * DAY, notifier=lambda n: None)

        e = make()
        gc.collect()
        self.assertEqual(e.now(), START + 3 * DAY)
        e.close()
        e.close()

    def test_seconds_clock(self) -> None:
        with Engine(":memory:", clock=lambda: 1768212000) as e:
            self.assertEqual(e.now(), dt.datetime(2026, 1, 12, 10, tzinfo=dt.timezone.utc))


class Notifier(EngineTest):
    def test_notifier_exception_is_reported_and_retried(self) -> None:
        self.world(1)
        loan = self.e.take(self.a[0], self.tk[0], self.book())
        before = self.state()
        self.rec.fail = Boom("smtp is down")
        with self.assertRaises(CallbackError) as cm:
            self.e.deliver()
        self.assertIsInstance(cm.exception.__cause__, Boom)
        [n] = self.e.outbox(self.admin, pending_only=True)
        self.assertIsNone(n.delivered_at)
        self.assertEqual(n.attempts, 1)
        # nothing but the attempt count changed
        after = self.state()
        self.assertEqual(after[:4], before[:4])
        self.assertEqual([(x.id, x.uuid, x.delivered_at) for x in after[4]],
                         [(x.id, x.uuid, x.delivered_at) for x in before[4]])
        self.rec.fail = None
        self.clock.advance(minutes=1)
        self.assertEqual(self.e.deliver(), 1)
        self.assertEqual([(x.kind, x.loan_id) for x in self.rec.seen], [(NoteKind.LOAN_ISSUED, loan.id)])

    def test_one_failure_among_several(self) -> None:
        self.world(3)
        b = self.book(copies=3)
        for i in range(3):
            self.e.take(self.a[i], self.tk[i], b)
        calls = []

        def flaky(n: Notification) -> None:
            calls.append(n.id)
            if len(calls) == 2:
                raise Boom("one mailbox is full")

        self.e._cb.notifier = flaky
        with self.assertRaises(CallbackError) as cm:
            self.e.deliver()
        self.assertEqual(cm.exception.delivered, 2)
        self.assertEqual([n.id for n in self.e.outbox(self.admin, pending_only=True)], [calls[1]])

    def test_base_exception_never_crosses_into_c(self) -> None:
        self.world(1)
        self.e.take(self.a[0], self.tk[0], self.book())
        self.rec.fail = KeyboardInterrupt()
        with self.assertRaises(CallbackError) as cm:
            self.e.deliver()
        self.assertIsInstance(cm.exception.__cause__, KeyboardInterrupt)


class Threads(EngineTest):
    def test_one_engine_from_several_threads(self) -> None:
        self.world(8)
        b = self.book(copies=3)
        results: list = []

        def run(i: int) -> None:
            try:
                for _ in range(20):
                    self.e.availability(self.a[i], self.tk[i], b)
                results.append(("loan", self.e.take(self.a[i], self.tk[i], b).id))
            except Refused as exc:
                results.append(("refused", exc.reason))

        threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(r[0] for r in results), ["loan"] * 3 + ["refused"] * 5)
        self.assertEqual({r[1] for r in results if r[0] == "refused"}, {Reason.NO_FREE_COPY})
        self.assertEqual(self.e.get_fund(self.admin, self.lib, b).on_loan, 3)
        self.assertClean()


if __name__ == "__main__":
    unittest.main()
