"""Core scenarios of tests/test_circulation.c, replayed through the binding."""
from __future__ import annotations

import datetime as dt
import unittest

from support import DAY, START, EngineTest

from liblend import (AlreadyExists, Engine, HoldState, Kind, LoanEnd, NoteKind, Origin, Reason, Refused, Setting, Verdict)


class Taking(EngineTest):
    def test_take_free_copy(self) -> None:
        self.world(1)
        b = self.book("Мастер и Маргарита")
        v = self.e.availability(self.a[0], self.tk[0], b)
        self.assertEqual(v.verdict, Verdict.TAKE)
        self.assertEqual(v.reason, Reason.NONE)
        self.assertFalse(v.buys)
        self.assertTrue(v.message)
        loan = self.e.take(self.a[0], self.tk[0], b)
        self.assertEqual((loan.ticket_id, loan.reader_id, loan.library_id, loan.book_id),
                         (self.tk[0], self.r[0], self.lib, b))
        self.assertEqual(loan.origin, Origin.SELF)
        self.assertEqual(loan.issued_at, START)
        self.assertEqual(loan.due_at, START + 14 * DAY)
        self.assertIsNone(loan.ended_at)
        self.assertTrue(loan.active)
        self.assertEqual(loan.end_reason, LoanEnd.NONE)
        self.assertEqual(loan.due_at.tzinfo, dt.timezone.utc)
        f = self.e.get_fund(self.admin, self.lib, b)
        self.assertEqual((f.copies, f.on_loan, f.waiting), (1, 1, 0))
        v = self.e.availability(self.a[0], self.tk[0], b)
        self.assertEqual((v.verdict, v.loan_id), (Verdict.YOURS, loan.id))
        notes = self.e.outbox(self.admin)
        self.assertEqual([(n.kind, n.loan_id) for n in notes], [(NoteKind.LOAN_ISSUED, loan.id)])
        self.assertTrue(notes[0].detail)
        self.assertEqual([x.id for x in self.e.loans(self.a[0], self.r[0], active_only=True)], [loan.id])
        self.assertClean()

    def test_self_service_limit(self) -> None:
        self.world(1)
        books = [self.book() for _ in range(4)]
        for b in books[:3]:
            self.e.take(self.a[0], self.tk[0], b)
        before = self.state()
        with self.assertRaises(Refused) as cm:
            self.e.take(self.a[0], self.tk[0], books[3])
        self.assertEqual(cm.exception.reason, Reason.SELF_SERVICE_LIMIT)
        self.assertIn("3 of 3", cm.exception.message)
        self.assertEqual(self.state(), before)
        v = self.e.availability(self.a[0], self.tk[0], books[3])
        self.assertEqual((v.verdict, v.reason), (Verdict.REQUEST, Reason.SELF_SERVICE_LIMIT))
        lim = self.e.limits(self.a[0], self.tk[0], Kind.EBOOK)
        self.assertEqual(lim.values[Setting.SELF_SERVICE_LIMIT], 3)
        self.assertEqual(lim.used[Setting.SELF_SERVICE_LIMIT], 3)
        self.assertEqual(lim.used[Setting.MAX_LOANS], 3)
        self.assertEqual(lim.values[Setting.MAX_LOANS], 10)
        self.assertIsNone(lim.values[Setting.MONTHLY_QUOTA])
        self.assertIn("3 of 3 self-service", lim.summary)
        self.assertClean()

    def test_max_loans(self) -> None:
        self.world(1)
        self.e.set_policy(self.admin, self.lib, Setting.MAX_LOANS, 2)
        self.assertEqual(self.e.policy(self.admin, self.lib, Setting.MAX_LOANS), 2)
        books = [self.book() for _ in range(3)]
        self.e.take(self.a[0], self.tk[0], books[0])
        self.e.take(self.a[0], self.tk[0], books[1])
        with self.assertRaises(Refused) as cm:
            self.e.take(self.a[0], self.tk[0], books[2])
        self.assertEqual(cm.exception.reason, Reason.MAX_LOANS)
        self.assertIn("2 of 2", str(cm.exception))
        self.e.clear_policy(self.admin, self.lib, Setting.MAX_LOANS)
        self.e.take(self.a[0], self.tk[0], books[2])

    def test_take_that_buys(self) -> None:
        self.world(1, budget=100000)
        b = self.book(copies=0, price=39900)
        v = self.e.availability(self.a[0], self.tk[0], b)
        self.assertEqual(v.verdict, Verdict.TAKE)
        self.assertTrue(v.buys)
        self.e.take(self.a[0], self.tk[0], b)
        lib = self.e.get_library(self.admin, self.lib)
        self.assertEqual(lib.budget.amount, 100000 - 39900)
        self.assertEqual(lib.budget.currency, "RUB")
        self.assertEqual(self.e.get_fund(self.admin, self.lib, b).copies, 1)

    def test_too_expensive_and_budget(self) -> None:
        self.world(1, budget=39899)
        self.e.set_policy(self.admin, self.lib, Setting.MAX_SELF_PRICE, 30000)
        b = self.book(copies=0, price=39900)
        with self.assertRaises(Refused) as cm:
            self.e.take(self.a[0], self.tk[0], b)
        self.assertEqual(cm.exception.reason, Reason.TOO_EXPENSIVE)
        self.e.set_policy(self.admin, self.lib, Setting.MAX_SELF_PRICE, None)
        with self.assertRaises(Refused) as cm:
            self.e.take(self.a[0], self.tk[0], b)
        self.assertEqual(cm.exception.reason, Reason.BUDGET)
        self.assertEqual(self.e.get_library(self.admin, self.lib).budget.amount, 39899)

    def test_age_blocked_not_lendable_not_released(self) -> None:
        self.world(1)
        young = self.e.add_reader(self.admin, "Маша", dt.date(2016, 5, 1))
        t = self.e.issue_ticket(self.admin, self.lib, young, "CARD-1")
        self.assertEqual(t.number, "CARD-1")
        adult = self.book(age_rating=18)
        with self.assertRaises(Refused) as cm:
            self.e.take(self.e.reader(young), t.id, adult)
        self.assertEqual(cm.exception.reason, Reason.AGE)
        later = self.book(release_at=START + 30 * DAY)
        self.assertEqual(self.e.get_book(self.admin, later).release_at, START + 30 * DAY)
        with self.assertRaises(Refused) as cm:
            self.e.take(self.a[0], self.tk[0], later)
        self.assertEqual(cm.exception.reason, Reason.NOT_RELEASED)
        closed = self.book(lendable=False)
        with self.assertRaises(Refused) as cm:
            self.e.take(self.a[0], self.tk[0], closed)
        self.assertEqual(cm.exception.reason, Reason.NOT_LENDABLE)
        self.e.block_ticket(self.admin, self.tk[0])
        self.assertTrue(self.e.get_ticket(self.admin, self.tk[0]).blocked)
        with self.assertRaises(Refused) as cm:
            self.e.take(self.a[0], self.tk[0], self.book())
        self.assertEqual(cm.exception.reason, Reason.TICKET_BLOCKED)
        self.e.block_ticket(self.admin, self.tk[0], False)
        self.e.set_ticket_validity(self.admin, self.tk[0], None, START - DAY)
        self.assertEqual(self.e.get_ticket(self.admin, self.tk[0]).valid_until, START - DAY)
        with self.assertRaises(Refused) as cm:
            self.e.take(self.a[0], self.tk[0], self.book())
        self.assertEqual(cm.exception.reason, Reason.TICKET_EXPIRED)

    def test_ticket_limit_per_kind(self) -> None:
        self.world(1)
        self.e.set_ticket_limit(self.admin, self.tk[0], Setting.LOAN_DAYS, 7, Kind.AUDIOBOOK)
        b = self.book(kind=Kind.AUDIOBOOK)
        self.assertEqual(self.e.take(self.a[0], self.tk[0], b).due_at, START + 7 * DAY)
        self.e.clear_ticket_limit(self.admin, self.tk[0], Setting.LOAN_DAYS, Kind.AUDIOBOOK)
        self.assertEqual(self.e.limits(self.a[0], self.tk[0], Kind.AUDIOBOOK).values[Setting.LOAN_DAYS], 14)


class Libraries(EngineTest):
    def test_multi_library_reader(self) -> None:
        e, adm = self.e, self.admin
        l1, l2 = e.add_library(adm, "Library One"), e.add_library(adm, "Library Two")
        r = e.add_reader(adm, "Reader", dt.date(1980, 5, 5))
        t1, t2 = e.issue_ticket(adm, l1, r).id, e.issue_ticket(adm, l2, r).id
        a = e.reader(r)
        books = [e.add_book(adm, "Book", price=100) for _ in range(5)]
        for b in books:
            e.add_copies(adm, l1, b, 1)
            e.add_copies(adm, l2, b, 1)
        for b in books[:3]:
            e.take(a, t1, b)
        with self.assertRaises(Refused) as cm:
            e.take(a, t1, books[3])
        self.assertEqual(cm.exception.reason, Reason.SELF_SERVICE_LIMIT)
        e.take(a, t2, books[3])  # limits count per library
        with self.assertRaises(Refused) as cm:
            e.take(a, t2, books[0])  # his from the other library
        self.assertEqual(cm.exception.reason, Reason.ALREADY_YOURS)
        loans = e.loans(a, r, active_only=True)
        self.assertEqual(sorted((x.library_id, x.ticket_id) for x in loans), [(l1, t1)] * 3 + [(l2, t2)])
        self.assertEqual(len(e.tickets(a, r)), 2)
        self.assertEqual(e.limits(a, t2).used[Setting.SELF_SERVICE_LIMIT], 1)
        self.assertEqual(e.limits(a, t1).used[Setting.SELF_SERVICE_LIMIT], 3)
        with self.assertRaises(AlreadyExists):
            e.issue_ticket(adm, l1, r)
        self.assertClean()

    def test_monthly_quota_month_boundary(self) -> None:
        self.clock.set(dt.datetime(2026, 1, 20, 10, tzinfo=dt.timezone.utc))
        self.world(1)
        self.e.set_policy(self.admin, self.lib, Setting.MONTHLY_QUOTA, 2)
        b = [self.book() for _ in range(3)]
        l0 = self.e.take(self.a[0], self.tk[0], b[0])
        self.e.take(self.a[0], self.tk[0], b[1])
        with self.assertRaises(Refused) as cm:
            self.e.take(self.a[0], self.tk[0], b[2])
        self.assertEqual(cm.exception.reason, Reason.MONTHLY_QUOTA)
        self.assertIn("2 of 2", cm.exception.message)
        self.e.return_loan(self.a[0], l0.id)  # a return does not give the quota back
        self.clock.set(dt.datetime(2026, 1, 31, 23, 59, 59, tzinfo=dt.timezone.utc))
        with self.assertRaises(Refused):
            self.e.take(self.a[0], self.tk[0], b[2])
        self.clock.set(dt.datetime(2026, 2, 1, tzinfo=dt.timezone.utc))
        self.e.take(self.a[0], self.tk[0], b[2])
        self.assertEqual(self.e.limits(self.a[0], self.tk[0]).used[Setting.MONTHLY_QUOTA], 1)
        self.assertClean()


class Time(EngineTest):
    def test_loan_ends_by_itself(self) -> None:
        self.world(1)
        b = self.book()
        loan = self.e.take(self.a[0], self.tk[0], b)
        self.clock.set(loan.due_at - dt.timedelta(seconds=1))
        self.assertTrue(self.e.get_loan(self.admin, loan.id).active)
        self.clock.set(loan.due_at)
        ended = self.e.get_loan(self.admin, loan.id)
        self.assertEqual(ended.end_reason, LoanEnd.EXPIRED)
        self.assertEqual(ended.ended_at, loan.due_at)
        self.assertEqual(self.e.get_fund(self.admin, self.lib, b).on_loan, 0)
        self.assertEqual(self.e.now(), loan.due_at)

    def test_tick_ends_loans(self) -> None:
        self.world(2)
        b = self.book(copies=2)
        self.e.take(self.a[0], self.tk[0], b)
        self.e.take(self.a[1], self.tk[1], b)
        self.assertEqual(self.e.tick(), (0, 0))
        self.clock.advance(days=15)
        self.assertEqual(self.e.tick(), (2, 0))
        self.assertEqual(self.e.loans(self.admin, self.r[0], active_only=True), [])

    def test_early_return(self) -> None:
        self.world(1)
        loan = self.e.take(self.a[0], self.tk[0], self.book())
        self.clock.advance(days=2)
        self.e.return_loan(self.a[0], loan.id)
        back = self.e.get_loan(self.a[0], loan.id)
        self.assertEqual(back.end_reason, LoanEnd.RETURNED)
        self.assertEqual(back.ended_at, START + 2 * DAY)


class Queues(EngineTest):
    def test_queue_and_handoff(self) -> None:
        self.world(3)
        b = self.book("Popular")
        v = self.e.availability(self.a[1], self.tk[1], b)
        self.assertEqual(v.verdict, Verdict.TAKE)
        with self.assertRaises(Refused) as cm:
            self.e.join_queue(self.a[1], self.tk[1], b)
        self.assertEqual(cm.exception.reason, Reason.FREE_COPY)
        loan = self.e.take(self.a[0], self.tk[0], b)
        with self.assertRaises(Refused) as cm:
            self.e.take(self.a[1], self.tk[1], b)
        self.assertEqual(cm.exception.reason, Reason.NO_FREE_COPY)
        v = self.e.availability(self.a[1], self.tk[1], b)
        self.assertEqual((v.verdict, v.position, v.queued), (Verdict.QUEUE, 1, False))
        self.assertEqual(v.wait_until, loan.due_at)
        h1 = self.e.join_queue(self.a[1], self.tk[1], b)
        h2 = self.e.join_queue(self.a[2], self.tk[2], b)
        self.assertEqual((h1.state, h1.position, h2.position), (HoldState.WAITING, 1, 2))
        with self.assertRaises(Refused) as cm:
            self.e.join_queue(self.a[1], self.tk[1], b)
        self.assertEqual(cm.exception.reason, Reason.ALREADY_QUEUED)
        q = self.e.queue(self.admin, self.lib, b)
        self.assertEqual([h.id for h in q], [h1.id, h2.id])
        self.assertEqual(len(q), 2)
        self.assertEqual(q[0].reader_id, self.r[1])
        self.assertEqual(self.e.get_fund(self.admin, self.lib, b).waiting, 2)

        # the loan expires: the first in the queue gets the book
        self.clock.set(loan.due_at)
        self.assertEqual(self.e.tick(), (1, 1))
        served = self.e.get_hold(self.a[1], h1.id)
        self.assertEqual((served.state, served.position), (HoldState.SERVED, 0))
        handed = self.e.get_loan(self.a[1], served.loan_id)
        self.assertEqual(handed.origin, Origin.QUEUE)
        self.assertEqual(handed.book_id, b)
        self.assertEqual(self.e.get_hold(self.a[2], h2.id).position, 1)
        kinds = [n.kind for n in self.e.outbox(self.admin, pending_only=True)]
        self.assertIn(NoteKind.QUEUE_HANDOFF, kinds)
        self.assertClean()

    def test_suspend_resume_leave(self) -> None:
        self.world(3)
        b = self.book()
        self.e.take(self.a[0], self.tk[0], b)
        h1 = self.e.join_queue(self.a[1], self.tk[1], b)
        h2 = self.e.join_queue(self.a[2], self.tk[2], b)
        with self.assertRaises(Refused) as cm:
            self.e.suspend_hold(self.a[1], h1.id, START + 400 * DAY)
        self.assertEqual(cm.exception.reason, Reason.SUSPEND_TOO_LONG)
        self.e.suspend_hold(self.a[1], h1.id, START + 30 * DAY)
        self.assertEqual(self.e.get_hold(self.a[1], h1.id).suspended_until, START + 30 * DAY)
        self.e.resume_hold(self.a[1], h1.id)
        self.assertIsNone(self.e.get_hold(self.a[1], h1.id).suspended_until)
        self.e.leave_queue(self.a[1], h1.id)
        self.assertEqual(self.e.get_hold(self.a[1], h1.id).state, HoldState.LEFT)
        self.assertEqual([h.id for h in self.e.holds(self.a[2], self.r[2])], [h2.id])
        self.assertEqual(self.e.get_hold(self.a[2], h2.id).position, 1)

    def test_add_copies_hands_to_queue(self) -> None:
        self.world(2)
        b = self.book()
        self.e.take(self.a[0], self.tk[0], b)
        h = self.e.join_queue(self.a[1], self.tk[1], b)
        self.e.add_copies(self.admin, self.lib, b, 1)
        self.assertEqual(self.e.get_hold(self.a[1], h.id).state, HoldState.SERVED)
        with self.assertRaises(Refused) as cm:
            self.e.remove_copies(self.admin, self.lib, b, 1)
        self.assertEqual(cm.exception.reason, Reason.COPIES_ON_LOAN)


class Notifications(EngineTest):
    def test_delivery_through_python_notifier(self) -> None:
        self.world(2)
        b = self.book()
        l0 = self.e.take(self.a[0], self.tk[0], b)
        self.e.join_queue(self.a[1], self.tk[1], b)
        self.clock.advance(days=1)
        self.e.return_loan(self.a[0], l0.id)
        self.assertEqual(len(self.e.outbox(self.admin, pending_only=True)), 3)
        self.assertEqual(self.e.deliver(max=1), 1)
        self.assertEqual(self.e.deliver(), 2)
        self.assertEqual(self.e.deliver(), 0)
        kinds = [n.kind for n in self.rec.seen]
        self.assertEqual(kinds, [NoteKind.LOAN_ISSUED, NoteKind.LOAN_ENDED, NoteKind.QUEUE_HANDOFF])
        self.assertEqual(len({n.uuid for n in self.rec.seen}), 3)
        handoff = self.rec.seen[2]
        self.assertEqual((handoff.reader_id, handoff.library_id, handoff.book_id), (self.r[1], self.lib, b))
        self.assertEqual(self.e.outbox(self.admin, pending_only=True), [])
        done = self.e.outbox(self.admin)
        self.assertTrue(all(n.delivered_at == START + DAY for n in done))
        self.assertTrue(all(n.attempts == 1 for n in done))

    def test_declined_delivery_is_retried(self) -> None:
        self.world(1)
        self.e.take(self.a[0], self.tk[0], self.book())
        self.rec.decline = True
        self.assertEqual(self.e.deliver(), 0)
        [n] = self.e.outbox(self.admin, pending_only=True)
        self.assertEqual((n.attempts, n.delivered_at), (1, None))
        self.rec.decline = False
        self.assertEqual(self.e.deliver(), 0)  # backing off
        self.clock.advance(minutes=1)
        self.assertEqual(self.e.deliver(), 1)


class FileStore(EngineTest):
    def test_outbox_and_loans_survive_reopen(self) -> None:
        import pathlib
        import tempfile

        with tempfile.TemporaryDirectory() as d:
            path = pathlib.Path(d) / "lend.db"
            with Engine(path, clock=self.clock) as e:
                admin = e.admin()
                lib = e.add_library(admin, "L")
                r = e.add_reader(admin, "R", dt.date(1990, 1, 1))
                t = e.issue_ticket(admin, lib, r)
                b = e.add_book(admin, "B")
                e.add_copies(admin, lib, b, 1)
                loan = e.take(e.reader(r), t.id, b)
            with Engine(str(path), clock=self.clock, notifier=self.rec) as e:
                admin = e.admin()
                self.assertEqual(e.get_loan(admin, loan.id), loan)
                self.assertEqual(e.deliver(), 1)
                self.assertEqual(self.rec.seen[0].loan_id, loan.id)


class Directory(EngineTest):
    def test_libraries_readers_books(self) -> None:
        lib = self.e.add_library(self.admin, "Хабаровская краевая", address="Муравьёва-Амурского, 1",
                                 contacts="+7 4212", currency="EUR")
        got = self.e.get_library(self.admin, lib)
        self.assertEqual((got.name, got.address, got.contacts, got.currency), ("Хабаровская краевая",
                         "Муравьёва-Амурского, 1", "+7 4212", "EUR"))
        self.assertEqual([x.id for x in self.e.libraries(self.admin)], [lib])
        r = self.e.add_reader(self.admin, "Иван Петров", dt.date(1987, 4, 12))
        self.assertEqual(self.e.get_reader(self.e.reader(r), r).birth_date, dt.date(1987, 4, 12))
        self.assertIsNone(self.e.get_reader(self.admin, self.e.add_reader(self.admin, "X")).birth_date)
        self.e.grant(self.admin, lib, r)
        lb = self.e.librarian(r)
        self.assertEqual(lb.reader_id, r)
        self.e.add_budget(lb, lib, 5000)
        self.e.revoke(self.admin, lib, r)
        ids = [self.e.add_book(self.admin, "Book %d" % i, authors=["A", "B"], price=100 + i) for i in range(7)]
        self.assertEqual([x.id for x in self.e.books(self.admin, page=3)], ids)
        self.assertEqual([x.id for x in self.e.books(self.admin, after_id=ids[4])], ids[5:])
        bk = self.e.get_book(self.admin, ids[0])
        self.assertEqual((bk.authors, bk.price.amount, bk.price.currency, bk.kind), (("A", "B"), 100, "RUB",
                                                                                     Kind.EBOOK))
        up = self.e.update_book(self.admin, ids[0], title="Новое", more_authors=["C"], price=250, age_rating=12)
        self.assertEqual(self.e.get_book(self.admin, ids[0]), up)
        self.assertEqual((up.title, up.authors, up.price.amount, up.age_rating), ("Новое", ("A", "B", "C"), 250, 12))
        for b in ids:
            self.e.add_copies(self.admin, lib, b, 2)
        self.assertEqual([f.book_id for f in self.e.fund(self.admin, lib, page=2)], ids)
        self.e.add_budget(self.admin, lib, 1000)
        self.assertEqual(self.e.get_library(self.admin, lib).budget.amount, 6000)


if __name__ == "__main__":
    unittest.main()
