"""The librarian's desk, accounts and sign-in, and the reader's shelf,
through the binding (as in tests/test_desk.c, test_accounts.c, test_shelf.c)."""
from __future__ import annotations

import unittest

from support import DAY, START, EngineTest

from liblend import (Access, AlreadyExists, AuditEvent, AuthFailed, Channel, Engine, InvalidInput, InvalidState,
                     LedgerKind, LoginKind, MethodKind, NotFound, NoteKind, NotPermitted, Origin, PasswordCost, Prefs,
                     Reason, Refused, RequestOrigin, RequestState, ReserveState, SessionOrigin, Setting, ShelfSection,
                     TicketState, Verdict, audit_event_string, note_kind_security, reason_string)


class Desk(EngineTest):
    def setUp(self) -> None:
        super().setUp()
        self.world(2, budget=100000)
        self.lib_admin = self.e.add_reader(self.admin, "Librarian")
        self.e.grant(self.admin, self.lib, self.lib_admin)
        self.staff = self.e.librarian(self.lib_admin)

    def test_request_approve(self) -> None:
        b = self.book("Война и мир", copies=0, price=39900)
        req = self.e.request(self.a[0], self.tk[0], b)
        self.assertEqual((req.state, req.origin, req.reader_id, req.library_id, req.book_id),
                         (RequestState.PENDING, RequestOrigin.BY_READER, self.r[0], self.lib, b))
        self.assertEqual(req.created_at, START)
        self.assertIsNone(req.decided_at)
        with self.assertRaises(Refused) as cm:
            self.e.request(self.a[0], self.tk[0], b)
        self.assertEqual(cm.exception.reason, Reason.ALREADY_REQUESTED)
        pending = self.e.pending_requests(self.staff, self.lib)
        self.assertEqual([p.id for p in pending], [req.id])
        ctx = pending[0]
        self.assertEqual((ctx.book_price, ctx.copies, ctx.on_loan, ctx.queue_length, ctx.budget),
                         (39900, 0, 0, 0, 100000))
        assert ctx.limits is not None
        self.assertEqual(ctx.limits.values[Setting.MAX_LOANS], 10)
        self.assertEqual(ctx.limits.left[Setting.MAX_LOANS], 10)
        self.assertIsNone(self.e.get_request(self.a[0], req.id).limits)  # the reader sees no context
        self.clock.advance(hours=1)
        done = self.e.approve(self.staff, req.id)
        self.assertEqual(done.state, RequestState.APPROVED)
        self.assertEqual(done.decided_by, self.lib_admin)
        self.assertEqual(done.decided_at, START + DAY / 24)
        loan = self.e.get_loan(self.a[0], done.loan_id)
        self.assertEqual((loan.origin, loan.book_id), (Origin.LIBRARIAN, b))
        self.assertEqual(self.e.get_library(self.admin, self.lib).budget.amount, 100000 - 39900)
        ledger = self.e.ledger(self.staff, self.lib)
        self.assertEqual([(x.kind, x.amount, x.balance) for x in ledger],
                         [(LedgerKind.TOPUP, 100000, 100000), (LedgerKind.PURCHASE, -39900, 60100)])
        self.assertEqual(ledger[1].book_id, b)
        self.assertEqual(ledger[1].actor_id, self.lib_admin)
        self.assertIn(str(req.id), ledger[1].note)
        with self.assertRaises(InvalidState):
            self.e.cancel_request(self.a[0], req.id)
        kinds = [n.kind for n in self.e.outbox(self.admin)]
        self.assertIn(NoteKind.REQUEST_APPROVED, kinds)
        self.assertClean()

    def test_deny_with_reason_and_text(self) -> None:
        b = self.book("Идиот", copies=1)
        req = self.e.request(self.a[0], self.tk[0], b)
        with self.assertRaises(InvalidInput):
            self.e.deny(self.staff, req.id, Reason.LIBRARIAN)  # the librarian's words are required
        self.e.deny(self.staff, req.id, Reason.LIBRARIAN, "Come to the desk, please")
        got = self.e.requests(self.a[0], self.r[0])
        self.assertEqual([(x.state, x.reason, x.text) for x in got],
                         [(RequestState.DENIED, Reason.LIBRARIAN, "Come to the desk, please")])
        self.assertEqual(self.e.requests(self.a[0], self.r[0], RequestState.PENDING), [])
        on_shelf = list(self.e.shelf(self.a[0], self.r[0], ShelfSection.REQUESTS))
        self.assertEqual([(i.section, i.request_id, i.request_state, i.reason, i.book_id) for i in on_shelf],
                         [(ShelfSection.REQUESTS, req.id, RequestState.DENIED, Reason.LIBRARIAN, b)])
        req2 = self.e.request(self.a[1], self.tk[1], b)
        self.e.deny(self.staff, req2.id, Reason.BUDGET)
        self.assertEqual(self.e.get_request(self.a[1], req2.id).reason, Reason.BUDGET)
        # the reader's notification, through a notifier written in Python
        self.e.deliver()
        denied = [n for n in self.rec.seen if n.kind == NoteKind.REQUEST_DENIED]
        self.assertEqual([n.reader_id for n in denied], [self.r[0], self.r[1]])
        first = denied[0]
        self.assertEqual(first.field("text"), "Come to the desk, please")
        self.assertEqual(first.fields["title"], "Идиот")
        self.assertEqual(first.fields["library"], "Central Library")
        self.assertIsNone(first.field("no-such-field"))
        self.assertIn("Come to the desk, please", first.texts["en"])
        self.assertIn("«Идиот»", first.texts["en"])
        self.assertIn("Библиотекарь отказал", first.texts["ru"])
        self.assertEqual(first.text, first.texts["ru"])  # the reader's language by default
        self.assertEqual(first.channel, Channel.NONE)
        self.assertIn(reason_string(Reason.BUDGET), denied[1].texts["en"])
        self.assertClean()

    def test_cancel_and_limits(self) -> None:
        self.e.set_policy(self.admin, self.lib, Setting.MAX_REQUESTS, 1)
        b1, b2 = self.book("One"), self.book("Two")
        req = self.e.request(self.a[0], self.tk[0], b1)
        with self.assertRaises(Refused) as cm:
            self.e.request(self.a[0], self.tk[0], b2)
        self.assertEqual(cm.exception.reason, Reason.TOO_MANY_REQUESTS)
        self.e.cancel_request(self.a[0], req.id)
        self.assertEqual(self.e.get_request(self.a[0], req.id).state, RequestState.CANCELLED)
        self.e.request(self.a[0], self.tk[0], b2)

    def test_direct_issue_with_override(self) -> None:
        self.e.set_ticket_limit(self.admin, self.tk[0], Setting.MAX_LOANS, 1)
        b1, b2 = self.book("One"), self.book("Two")
        self.e.issue(self.staff, self.tk[0], b1)
        with self.assertRaises(Refused) as cm:
            self.e.issue(self.staff, self.tk[0], b2)
        self.assertEqual(cm.exception.reason, Reason.MAX_LOANS)
        loan = self.e.issue(self.staff, self.tk[0], b2, override=True, note="a course book")
        self.assertEqual(loan.origin, Origin.LIBRARIAN)
        direct = [x for x in self.e.requests(self.admin, self.r[0]) if x.origin == RequestOrigin.DIRECT]
        self.assertEqual(len(direct), 2)
        self.assertTrue(direct[1].overridden)
        self.assertEqual(direct[1].reason, Reason.MAX_LOANS)
        self.assertEqual(direct[1].loan_id, loan.id)
        self.assertEqual(self.e.limits(self.a[0], self.tk[0]).left[Setting.MAX_LOANS], 0)

    def test_renewal(self) -> None:
        b = self.book()
        loan = self.e.take(self.a[0], self.tk[0], b)
        with self.assertRaises(Refused) as cm:
            self.e.renew(self.a[0], loan.id)
        self.assertEqual(cm.exception.reason, Reason.RENEWALS_OFF)
        self.e.set_policy(self.admin, self.lib, Setting.RENEWALS, 1)
        renewed = self.e.renew(self.a[0], loan.id)
        self.assertEqual(renewed.due_at, loan.due_at + 14 * DAY)
        with self.assertRaises(Refused) as cm:
            self.e.renew(self.a[0], loan.id)
        self.assertEqual(cm.exception.reason, Reason.ALREADY_RENEWED)
        self.assertIn(NoteKind.LOAN_RENEWED, [n.kind for n in self.e.outbox(self.admin)])

    def test_reserve_handoff(self) -> None:
        self.e.set_policy(self.admin, self.lib, Setting.HANDOFF_MODE, 1)
        b = self.book()
        loan = self.e.take(self.a[0], self.tk[0], b)
        self.e.join_queue(self.a[1], self.tk[1], b)
        self.e.return_loan(self.a[0], loan.id)
        res = self.e.reserves(self.a[1], self.r[1], active_only=True)
        self.assertEqual(len(res), 1)
        self.assertEqual((res[0].state, res[0].book_id, res[0].reader_id), (ReserveState.ACTIVE, b, self.r[1]))
        self.assertEqual(res[0].expires_at, START + 3 * DAY)
        got = self.e.confirm_reserve(self.a[1], res[0].id)
        self.assertEqual(got.origin, Origin.QUEUE)
        done = self.e.get_reserve(self.a[1], res[0].id)
        self.assertEqual((done.state, done.loan_id), (ReserveState.CONFIRMED, got.id))
        with self.assertRaises(InvalidState):
            self.e.decline_reserve(self.a[1], res[0].id)
        self.assertClean()

    def test_license_and_budget_correction(self) -> None:
        b = self.book(copies=0)
        lid = self.e.add_license(self.staff, self.lib, b, 1, expires_at=START + 30 * DAY, checkouts=2)
        self.e.take(self.a[0], self.tk[0], b)
        lic = self.e.licenses(self.staff, self.lib, b)
        self.assertEqual([(x.id, x.copies, x.checkouts_left, x.on_loan) for x in lic], [(lid, 1, 1, 1)])
        self.assertEqual(lic[0].expires_at, START + 30 * DAY)
        self.assertIsNone(lic[0].closed_at)
        open_ended = self.e.add_license(self.admin, self.lib, b, 2)
        self.assertIsNone(self.e.licenses(self.admin, self.lib, b)[1].checkouts_left)
        self.assertGreater(open_ended, lid)
        with self.assertRaises(Refused) as cm:
            self.e.correct_budget(self.staff, self.lib, -200000, "a mistake")
        self.assertEqual(cm.exception.reason, Reason.BUDGET)
        self.e.correct_budget(self.staff, self.lib, -1000, "a bank fee")
        last = self.e.ledger(self.admin, self.lib, since=START)[-1]
        self.assertEqual((last.kind, last.amount, last.note), (LedgerKind.CORRECTION, -1000, "a bank fee"))
        self.assertEqual(self.e.ledger(self.admin, self.lib, since=START + DAY), [])


class Accounts(EngineTest):
    options = {"password_cost": PasswordCost.MIN}

    def setUp(self) -> None:
        super().setUp()
        self.world(2)
        self.number = self.e.get_ticket(self.admin, self.tk[0]).number

    def test_sign_in_and_sessions(self) -> None:
        self.e.set_password(self.admin, self.tk[0], "correct horse")
        me = self.e.sign_in(LoginKind.TICKET, self.number, "correct horse", library_id=self.lib, device="phone")
        self.assertEqual(me.reader_id, self.r[0])
        self.assertGreater(me.session_id, 0)
        self.assertEqual(self.e.admin().session_id, 0)
        with self.assertRaises(AuthFailed) as cm:
            self.e.sign_in(LoginKind.TICKET, self.number, "wrong horse", library_id=self.lib)
        with self.assertRaises(AuthFailed) as cm2:
            self.e.sign_in(LoginKind.TICKET, "NO-SUCH", "wrong horse", library_id=self.lib)
        self.assertEqual(cm.exception.message, cm2.exception.message)  # one message for both
        other = self.e.sign_in(LoginKind.TICKET, self.number, "correct horse", library_id=self.lib, device="laptop")
        sessions = self.e.sessions(me, self.r[0])
        self.assertEqual([(s.id, s.origin, s.label) for s in sessions],
                         [(me.session_id, SessionOrigin.PASSWORD, "phone"),
                          (other.session_id, SessionOrigin.PASSWORD, "laptop")])
        self.assertTrue(all(s.revoked_at is None for s in sessions))
        self.assertTrue(all(s.expires_at == START + 90 * DAY for s in sessions))  # the default lifetime
        self.e.revoke_session(me, other.session_id)
        with self.assertRaises(NotPermitted):
            self.e.loans(other, self.r[0])
        self.e.loans(me, self.r[0])
        self.assertEqual(self.e.sessions(self.admin, self.r[0])[1].revoked_at, START)
        events = [x.event for x in self.e.audit(self.admin, self.r[0])]
        self.assertEqual(events[:2], [AuditEvent.PASSWORD_SET, AuditEvent.SIGNIN_OK])
        self.assertIn(AuditEvent.SIGNIN_FAILED, events)
        self.assertIn(AuditEvent.SESSION_REVOKED, events)
        self.assertTrue(audit_event_string(AuditEvent.MERGED))
        self.assertTrue(all("horse" not in x.detail for x in self.e.audit(me, self.r[0])))

    def test_generated_password_and_change(self) -> None:
        pw = self.e.set_password(self.admin, self.tk[0])
        assert pw is not None
        self.assertEqual(len(pw), 12)
        me = self.e.sign_in(LoginKind.TICKET, self.number, pw, library_id=self.lib)
        with self.assertRaises(InvalidInput):
            self.e.change_password(me, pw, "short")
        self.e.change_password(me, pw, "a new password")
        with self.assertRaises(AuthFailed):
            self.e.sign_in(LoginKind.TICKET, self.number, pw, library_id=self.lib)
        self.e.sign_in(LoginKind.TICKET, self.number, "a new password", library_id=self.lib)

    def test_method_code_and_recovery(self) -> None:
        self.e.set_password(self.admin, self.tk[0], "first password")
        mid = self.e.add_method(self.a[0], self.r[0], MethodKind.EMAIL, "reader@example.org")
        code = [n for n in self.e.outbox(self.admin) if n.kind == NoteKind.VERIFICATION_CODE][-1].fields["code"]
        self.assertEqual([(m.id, m.kind, m.verified) for m in self.e.methods(self.a[0], self.r[0])],
                         [(mid, MethodKind.EMAIL, False)])
        with self.assertRaises(AuthFailed):
            self.e.confirm_method(self.a[0], mid, "000000" if code != "000000" else "111111")
        self.e.confirm_method(self.a[0], mid, code)
        self.assertTrue(self.e.methods(self.a[0], self.r[0])[0].verified)
        me = self.e.sign_in(LoginKind.EMAIL, "reader@example.org", "first password")
        self.assertEqual(me.reader_id, self.r[0])
        self.e.request_recovery(LoginKind.EMAIL, "reader@example.org")
        self.e.request_recovery(LoginKind.EMAIL, "nobody@example.org")  # silent
        note = [n for n in self.e.outbox(self.admin) if n.kind == NoteKind.PASSWORD_RECOVERY][-1]
        self.assertEqual((note.channel, note.fields["to"]), (Channel.EMAIL, "reader@example.org"))
        self.e.finish_recovery(note.fields["token"], "second password")
        with self.assertRaises(AuthFailed):
            self.e.finish_recovery(note.fields["token"], "third password")
        self.e.sign_in(LoginKind.EMAIL, "reader@example.org", "second password")
        self.e.request_activation(LoginKind.EMAIL, "reader@example.org")
        act = [n for n in self.e.outbox(self.admin) if n.kind == NoteKind.APP_ACTIVATION][-1]
        dev = self.e.activate(act.fields["code"], "tablet")
        self.assertEqual(dev.reader_id, self.r[0])
        self.assertEqual(self.e.sessions(dev, self.r[0])[-1].origin, SessionOrigin.ACTIVATION)
        self.e.remove_method(self.a[0], mid)
        self.assertEqual(self.e.methods(self.a[0], self.r[0]), [])

    def test_identity_staff_and_merge(self) -> None:
        self.e.link_identity(self.admin, self.r[0], "example", "subject-1")
        me = self.e.sign_in_identity("example", "subject-1", "browser")
        self.assertEqual(me.reader_id, self.r[0])
        with self.assertRaises(NotPermitted):
            self.e.staff(me)
        self.e.grant(self.admin, self.lib, self.r[0])
        staff = self.e.staff(me)
        self.assertEqual((staff.reader_id, staff.session_id), (self.r[0], me.session_id))
        # the second reader's account, proven by its password, merges into the first's
        self.e.set_password(self.admin, self.tk[1], "other password")
        number1 = self.e.get_ticket(self.admin, self.tk[1]).number
        with self.assertRaises(AuthFailed):
            self.e.merge_account(me, LoginKind.TICKET, number1, "bad password", library_id=self.lib)
        self.e.merge_account(me, LoginKind.TICKET, number1, "other password", library_id=self.lib)
        self.assertIn(self.tk[1], [t.id for t in self.e.tickets(self.admin, self.r[0])])
        with self.assertRaises(AuthFailed):
            self.e.sign_in_identity("example", "nobody")


class Shelf(EngineTest):
    def setUp(self) -> None:
        super().setUp()
        self.world(1)

    def test_loan_and_purchase_on_the_shelf(self) -> None:
        lent = self.book("Lent", copies=1)
        sold = self.book("Sold", copies=0, price=30000)
        loan = self.e.take(self.a[0], self.tk[0], lent)
        with self.assertRaises(Refused) as cm:
            self.e.buy(self.a[0], self.r[0], sold)
        self.assertEqual(cm.exception.reason, Reason.BALANCE)
        self.assertTrue(self.e.credit_balance(self.admin, self.r[0], 50000, "RUB", "payment-1"))
        self.assertFalse(self.e.credit_balance(self.admin, self.r[0], 50000, "RUB", "payment-1"))
        with self.assertRaises(AlreadyExists):
            self.e.credit_balance(self.admin, self.r[0], 1, "RUB", "payment-1")
        self.clock.advance(hours=1)
        p = self.e.buy(self.a[0], self.r[0], sold)
        self.assertEqual((p.reader_id, p.book_id, p.price.amount, p.price.currency), (self.r[0], sold, 30000, "RUB"))
        self.assertEqual(self.e.balance(self.a[0], self.r[0], "RUB").amount, 20000)
        with self.assertRaises(Refused) as cm:
            self.e.buy(self.a[0], self.r[0], sold)
        self.assertEqual(cm.exception.reason, Reason.ALREADY_BOUGHT)
        items = list(self.e.shelf(self.a[0], self.r[0]))
        mine = [(i.section, i.book_id) for i in items if i.section != ShelfSection.HISTORY]
        self.assertEqual(mine, [(ShelfSection.LOANS, lent), (ShelfSection.BOUGHT, sold)])
        on_loan = items[0]
        self.assertEqual((on_loan.loan_id, on_loan.library_id, on_loan.due_at, on_loan.days_left),
                         (loan.id, self.lib, loan.due_at, 14))
        bought = self.e.shelf_page(self.a[0], self.r[0], ShelfSection.BOUGHT, limit=1)
        self.assertEqual((len(bought), bought.next), (1, 0))
        self.assertEqual((bought[0].price.amount, bought[0].since, bought[0].library_id),
                         (30000, START + DAY / 24, 0))
        cab = self.e.cabinet(self.a[0], self.r[0])
        self.assertEqual([(c.ticket.id, c.library_name, c.state) for c in cab],
                         [(self.tk[0], "Central Library", TicketState.ACTIVE)])
        assert cab[0].limits is not None
        self.assertEqual(cab[0].limits.used[Setting.MAX_LOANS], 1)
        self.e.deliver()
        kinds = [n.kind for n in self.rec.seen]
        self.assertIn(NoteKind.BALANCE_CREDITED, kinds)
        sale = [n for n in self.rec.seen if n.kind == NoteKind.BOOK_BOUGHT][0]
        self.assertEqual(sale.fields["title"], "Sold")
        self.assertIn("«Sold» is bought", sale.texts["en"])
        self.assertClean()

    def test_deferred(self) -> None:
        b = self.book("Later")
        self.e.defer(self.a[0], self.r[0], b)
        with self.assertRaises(AlreadyExists):
            self.e.defer(self.a[0], self.r[0], b)
        got = self.e.deferred(self.a[0], self.r[0], self.tk[0])
        self.assertEqual([(d.book_id, d.verdict, d.added_at) for d in got], [(b, Verdict.TAKE, START)])
        self.assertIsNone(self.e.deferred(self.a[0], self.r[0])[0].verdict)
        self.e.undefer(self.a[0], self.r[0], b)
        with self.assertRaises(NotFound):
            self.e.undefer(self.a[0], self.r[0], b)

    def test_reading_state(self) -> None:
        b = self.book("Read me")
        with self.assertRaises(Refused) as cm:
            self.e.reading_access(self.a[0], self.r[0], b, 10)
        self.assertEqual(cm.exception.reason, Reason.NO_ACCESS)
        self.e.take(self.a[0], self.tk[0], b)
        self.assertEqual(self.e.reading_access(self.a[0], self.r[0], b, 10), Access.LOAN)
        with self.assertRaises(NotFound):
            self.e.reading(self.a[0], self.r[0], b)
        t = START + DAY / 24
        self.assertTrue(self.e.set_reading(self.a[0], self.r[0], b, 42, percent=10, pages_read=40, device="phone",
                                           device_at=t))
        self.assertFalse(self.e.set_reading(self.a[0], self.r[0], b, 7, percent=2, pages_read=7, device="tablet",
                                            device_at=t - DAY / 24))
        r = self.e.reading(self.a[0], self.r[0], b)
        self.assertEqual((r.position, r.percent, r.pages_read, r.device, r.device_at), (42, 10, 40, "phone", t))
        bm = self.e.add_bookmark(self.a[0], self.r[0], b, 42, "a good line")
        self.e.add_bookmark(self.a[0], self.r[0], b, 5)
        marks = self.e.bookmarks(self.a[0], self.r[0], b)
        self.assertEqual([(m.position, m.note) for m in marks], [(5, ""), (42, "a good line")])
        self.e.delete_bookmark(self.a[0], bm)
        self.assertEqual(len(self.e.bookmarks(self.a[0], self.r[0])), 1)
        g = self.e.grant_offline(self.a[0], self.r[0], "phone", b)
        self.assertEqual((g.device, g.book_id, g.valid_until), ("phone", b, START + 14 * DAY))
        self.assertGreater(g.loan_id, 0)
        self.assertEqual([x.id for x in self.e.offline_grants(self.a[0], self.r[0], "phone")], [g.id])
        self.assertEqual(self.e.offline_grants(self.a[0], self.r[0], "tablet"), [])

    def test_prefs(self) -> None:
        self.assertEqual(self.e.prefs(self.a[0], self.r[0]), Prefs())
        want = Prefs(language="en", channel=Channel.SMS, phone="+10000000000",
                     muted=frozenset({NoteKind.QUEUE_POSITION}))
        self.e.save_prefs(self.a[0], self.r[0], want)
        self.assertEqual(self.e.prefs(self.a[0], self.r[0]), want)
        self.assertTrue(note_kind_security(NoteKind.VERIFICATION_CODE))
        self.assertFalse(note_kind_security(NoteKind.LOAN_ISSUED))
        with self.assertRaises(InvalidInput):
            self.e.save_prefs(self.a[0], self.r[0], Prefs(muted=frozenset({NoteKind.VERIFICATION_CODE})))
        b = self.book("English")
        self.e.take(self.a[0], self.tk[0], b)
        self.e.deliver()
        n = self.rec.seen[-1]
        self.assertEqual((n.kind, n.channel, n.address), (NoteKind.LOAN_ISSUED, Channel.SMS, "+10000000000"))
        self.assertEqual(n.text, n.texts["en"])
        self.assertIn("«English»", n.text)


class Options(EngineTest):
    options = {"outbox_retention": DAY}

    def test_outbox_retention(self) -> None:
        self.world(1)
        self.e.take(self.a[0], self.tk[0], self.book())
        self.assertEqual(self.e.deliver(), 1)
        self.assertEqual(len(self.e.outbox(self.admin)), 1)
        self.clock.advance(days=2)
        self.e.deliver()
        self.assertEqual(self.e.outbox(self.admin), [])


class SessionLifetime(EngineTest):
    options = {"password_cost": PasswordCost.MIN, "session_lifetime": DAY}

    def test_session_expires(self) -> None:
        self.world(1)
        self.e.set_password(self.admin, self.tk[0], "correct horse")
        number = self.e.get_ticket(self.admin, self.tk[0]).number
        me = self.e.sign_in(LoginKind.TICKET, number, "correct horse", library_id=self.lib)
        self.assertEqual(self.e.sessions(me, self.r[0])[0].expires_at, START + DAY)
        self.clock.advance(days=1)
        with self.assertRaises(NotPermitted) as cm:
            self.e.loans(me, self.r[0])
        self.assertEqual(cm.exception.message, "the session has expired: sign in again")
        again = self.e.sign_in(LoginKind.TICKET, number, "correct horse", library_id=self.lib)
        self.e.loans(again, self.r[0])

    def test_lifetime_must_not_be_negative(self) -> None:
        with self.assertRaises(InvalidInput):
            Engine(":memory:", session_lifetime=-1)
        forever = Engine(":memory:", session_lifetime=0)
        forever.close()


class AuditRetention(EngineTest):
    options = {"audit_retention": DAY, "password_cost": PasswordCost.MIN}

    def test_audit_retention(self) -> None:
        self.world(1)
        self.e.set_password(self.admin, self.tk[0], "Plain-Secret-Pw1")
        self.assertGreater(len(self.e.audit(self.admin)), 0)
        self.clock.advance(days=2)
        self.e.tick()
        self.assertEqual(self.e.audit(self.admin), [])


if __name__ == "__main__":
    unittest.main()
