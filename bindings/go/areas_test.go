package lend

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The librarian's desk, accounts and sign-in, and the reader's shelf, as in
// tests/test_desk.c, test_accounts.c and test_shelf.c.

func is(t *testing.T, err error, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("want %v, got %v", target, err)
	}
}

func eq(t *testing.T, got, want interface{}) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func (w *world) librarian() (int64, *Actor) {
	w.t.Helper()
	id, err := w.e.AddReader(w.admin, "Librarian", time.Time{})
	w.must(err)
	w.must(w.e.Grant(w.admin, w.lib, id))
	a, err := w.e.Librarian(id)
	w.must(err)
	return id, a
}

func (w *world) notes(kind NoteKind) []Notification {
	w.t.Helper()
	all, err := w.e.Outbox(w.admin, false, 10000)
	w.must(err)
	var out []Notification
	for _, n := range all {
		if n.Kind == kind {
			out = append(out, n)
		}
	}
	return out
}

func TestRequestApprove(t *testing.T) {
	w := newWorld(t, 1, 100000)
	staffID, staff := w.librarian()
	b := w.book(0, Book{Title: "Война и мир", Price: Money{39900, "RUB"}})
	req, err := w.e.RequestBook(w.a[0], w.tk[0], b)
	w.must(err)
	eq(t, []interface{}{req.State, req.Origin, req.ReaderID, req.BookID, req.CreatedAt, req.DecidedAt.IsZero()},
		[]interface{}{RequestPending, RequestByReader, w.r[0], b, start, true})
	_, err = w.e.RequestBook(w.a[0], w.tk[0], b)
	w.refused(err, ReasonAlreadyRequested)
	pending, err := w.e.PendingRequests(staff, w.lib, 100)
	w.must(err)
	if len(pending) != 1 || pending[0].ID != req.ID || pending[0].Limits == nil {
		t.Fatalf("pending %+v", pending)
	}
	p := pending[0]
	eq(t, []interface{}{p.BookPrice, p.Copies, p.OnLoan, p.QueueLength, p.Budget, p.Limits.Left[SettingMaxLoans]},
		[]interface{}{int64(39900), 0, 0, 0, int64(100000), int64(10)})
	mine, err := w.e.Request(w.a[0], req.ID)
	w.must(err)
	if mine.Limits != nil {
		t.Fatal("a reader sees the decision context")
	}
	w.clock.Advance(time.Hour)
	done, err := w.e.Approve(staff, req.ID)
	w.must(err)
	eq(t, []interface{}{done.State, done.DecidedBy, done.DecidedAt}, []interface{}{RequestApproved, staffID, start.Add(time.Hour)})
	loan, err := w.e.Loan(w.a[0], done.LoanID)
	w.must(err)
	eq(t, []interface{}{loan.Origin, loan.BookID}, []interface{}{OriginLibrarian, b})
	ledger, err := w.e.Ledger(staff, w.lib, time.Time{}, time.Time{})
	w.must(err)
	if len(ledger) != 2 || ledger[1].Kind != LedgerPurchase || ledger[1].Amount != -39900 || ledger[1].Balance != 60100 ||
		ledger[1].ActorID != staffID || ledger[1].BookID != b {
		t.Fatalf("ledger %+v", ledger)
	}
	is(t, w.e.CancelRequest(w.a[0], req.ID), ErrState)
	if len(w.notes(NoteRequestApproved)) != 1 {
		t.Fatal("no approval notification")
	}
	w.clean()
}

func TestRequestDenyAndNotifierText(t *testing.T) {
	w := newWorld(t, 2, 0)
	_, staff := w.librarian()
	b := w.book(1, Book{Title: "Идиот"})
	req, err := w.e.RequestBook(w.a[0], w.tk[0], b)
	w.must(err)
	is(t, w.e.Deny(staff, req.ID, ReasonLibrarian, ""), ErrInvalid)
	w.must(w.e.Deny(staff, req.ID, ReasonLibrarian, "Come to the desk, please"))
	got, err := w.e.Requests(w.a[0], w.r[0], 0)
	w.must(err)
	eq(t, []interface{}{len(got), got[0].State, got[0].Reason, got[0].Text},
		[]interface{}{1, RequestDenied, ReasonLibrarian, "Come to the desk, please"})
	none, err := w.e.Requests(w.a[0], w.r[0], RequestPending)
	w.must(err)
	eq(t, len(none), 0)
	shelf, err := w.e.Shelf(w.a[0], w.r[0], ShelfQuery{Section: ShelfRequests})
	w.must(err)
	if len(shelf.Items) != 1 {
		t.Fatalf("requests on the shelf %+v", shelf)
	}
	it := shelf.Items[0]
	eq(t, []interface{}{it.Section, it.RequestID, it.RequestState, it.Reason, it.BookID},
		[]interface{}{ShelfRequests, req.ID, RequestDenied, ReasonLibrarian, b})
	req2, err := w.e.RequestBook(w.a[1], w.tk[1], b)
	w.must(err)
	w.must(w.e.Deny(staff, req2.ID, ReasonBudget, ""))
	// the reader's notification, through a notifier written in Go
	_, err = w.e.Deliver(0)
	w.must(err)
	var denied []Notification
	for _, n := range w.rec.seen {
		if n.Kind == NoteRequestDenied {
			denied = append(denied, n)
		}
	}
	if len(denied) != 2 || denied[0].ReaderID != w.r[0] || denied[1].ReaderID != w.r[1] {
		t.Fatalf("denied %+v", denied)
	}
	n := denied[0]
	if v, ok := n.Field("text"); !ok || v != "Come to the desk, please" {
		t.Fatalf("text field %q %v", v, ok)
	}
	if _, ok := n.Field("no-such-field"); ok {
		t.Fatal("a field that is not there")
	}
	eq(t, []interface{}{n.Fields["title"], n.Fields["library"], n.Channel}, []interface{}{"Идиот", "Central Library", ChannelNone})
	if !strings.Contains(n.Texts["en"], "Come to the desk, please") || !strings.Contains(n.Texts["en"], "«Идиот»") ||
		!strings.Contains(n.Texts["ru"], "Библиотекарь отказал") || n.Text != n.Texts["ru"] {
		t.Fatalf("texts %q / %q / %q", n.Text, n.Texts["ru"], n.Texts["en"])
	}
	if !strings.Contains(denied[1].Texts["en"], ReasonBudget.Error()) {
		t.Fatalf("the reason in words: %q", denied[1].Texts["en"])
	}
	w.clean()
}

func TestDirectIssueRenewalLicense(t *testing.T) {
	w := newWorld(t, 1, 100000)
	_, staff := w.librarian()
	w.must(w.e.SetTicketLimit(w.admin, w.tk[0], KindAny, SettingMaxLoans, 1))
	b1, b2 := w.book(1, Book{Title: "One"}), w.book(1, Book{Title: "Two"})
	l1, err := w.e.Issue(staff, w.tk[0], b1, false, "")
	w.must(err)
	_, err = w.e.Issue(staff, w.tk[0], b2, false, "")
	w.refused(err, ReasonMaxLoans)
	l2, err := w.e.Issue(staff, w.tk[0], b2, true, "a course book")
	w.must(err)
	all, err := w.e.Requests(w.admin, w.r[0], 0)
	w.must(err)
	if len(all) != 2 || all[1].Origin != RequestDirect || !all[1].Overridden || all[1].Reason != ReasonMaxLoans ||
		all[1].LoanID != l2.ID {
		t.Fatalf("direct records %+v", all)
	}
	_, err = w.e.Renew(w.a[0], l1.ID)
	w.refused(err, ReasonRenewalsOff)
	w.must(w.e.SetPolicy(w.admin, w.lib, KindAny, SettingRenewals, 1))
	r, err := w.e.Renew(w.a[0], l1.ID)
	w.must(err)
	eq(t, r.DueAt, l1.DueAt.Add(14*day))
	_, err = w.e.Renew(w.a[0], l1.ID)
	w.refused(err, ReasonAlreadyRenewed)

	b3 := w.book(0, Book{Title: "Licensed"})
	lid, err := w.e.AddLicense(staff, w.lib, b3, 1, start.Add(30*day), 2)
	w.must(err)
	_, err = w.e.AddLicense(staff, w.lib, b3, 1, time.Time{}, Unlimited)
	w.must(err)
	lic, err := w.e.Licenses(staff, w.lib, b3)
	w.must(err)
	if len(lic) != 2 || lic[0].ID != lid || lic[0].CheckoutsLeft != 2 || !lic[0].ExpiresAt.Equal(start.Add(30*day)) ||
		lic[1].CheckoutsLeft != Unlimited || !lic[1].ExpiresAt.IsZero() || !lic[0].ClosedAt.IsZero() {
		t.Fatalf("licenses %+v", lic)
	}
	w.refused(w.e.CorrectBudget(staff, w.lib, -200000, "a mistake"), ReasonBudget)
	w.must(w.e.CorrectBudget(staff, w.lib, -1000, "a bank fee"))
	ledger, err := w.e.Ledger(w.admin, w.lib, start, time.Time{})
	w.must(err)
	last := ledger[len(ledger)-1]
	eq(t, []interface{}{last.Kind, last.Amount, last.Note}, []interface{}{LedgerCorrection, int64(-1000), "a bank fee"})
	w.clean()
}

func TestReserveHandoff(t *testing.T) {
	w := newWorld(t, 2, 0)
	w.must(w.e.SetPolicy(w.admin, w.lib, KindAny, SettingHandoffMode, 1))
	b := w.book(1, Book{})
	loan := w.take(0, b)
	_, err := w.e.JoinQueue(w.a[1], w.tk[1], b)
	w.must(err)
	w.must(w.e.Return(w.a[0], loan.ID))
	res, err := w.e.Reserves(w.a[1], w.r[1], true)
	w.must(err)
	if len(res) != 1 || res[0].State != ReserveActive || !res[0].ExpiresAt.Equal(start.Add(3*day)) {
		t.Fatalf("reserves %+v", res)
	}
	got, err := w.e.ConfirmReserve(w.a[1], res[0].ID)
	w.must(err)
	eq(t, got.Origin, OriginQueue)
	done, err := w.e.Reserve(w.a[1], res[0].ID)
	w.must(err)
	eq(t, []interface{}{done.State, done.LoanID}, []interface{}{ReserveConfirmed, got.ID})
	is(t, w.e.DeclineReserve(w.a[1], res[0].ID), ErrState)
	w.clean()
}

// passwordWorld is newWorldWith whose first reader's ticket has the password
// "correct horse": it gives that ticket.
func passwordWorld(t *testing.T, readers int, opts Options) (*world, Ticket) {
	opts.PasswordCost = PasswordCostMin
	w := newWorldWith(t, readers, 0, opts)
	tk, err := w.e.Ticket(w.admin, w.tk[0])
	w.must(err)
	_, err = w.e.SetPassword(w.admin, w.tk[0], "correct horse")
	w.must(err)
	return w, tk
}

func TestSignInAndSessions(t *testing.T) {
	w, tk := passwordWorld(t, 2, Options{})
	me, err := w.e.SignIn(LoginTicket, w.lib, tk.Number, "correct horse", "phone")
	w.must(err)
	if me.ReaderID != w.r[0] || me.Kind != ActorReader || me.SessionID == 0 || w.admin.SessionID != 0 {
		t.Fatalf("signed in %+v", me)
	}
	_, err = w.e.SignIn(LoginTicket, w.lib, tk.Number, "wrong horse", "")
	is(t, err, ErrAuth)
	var le *Error
	if !errors.As(err, &le) || le.Message == "" {
		t.Fatalf("auth error %+v", err)
	}
	_, err2 := w.e.SignIn(LoginTicket, w.lib, "NO-SUCH", "wrong horse", "")
	is(t, err2, ErrAuth)
	eq(t, err2.Error(), err.Error()) // one message for both
	other, err := w.e.SignIn(LoginTicket, w.lib, tk.Number, "correct horse", "laptop")
	w.must(err)
	ss, err := w.e.Sessions(me, w.r[0])
	w.must(err)
	if len(ss) != 2 || ss[0].ID != me.SessionID || ss[0].Label != "phone" || ss[1].ID != other.SessionID ||
		ss[1].Origin != SessionPassword || !ss[1].RevokedAt.IsZero() || !ss[1].ExpiresAt.Equal(start.Add(90*24*time.Hour)) {
		t.Fatalf("sessions %+v", ss)
	}
	w.must(w.e.RevokeSession(me, other.SessionID))
	_, err = w.e.Loans(other, w.r[0], false)
	is(t, err, ErrPerm)
	_, err = w.e.Loans(me, w.r[0], false)
	w.must(err)
	ss, err = w.e.Sessions(w.admin, w.r[0])
	w.must(err)
	eq(t, ss[1].RevokedAt, start)
	events, err := w.e.Audit(w.admin, w.r[0], time.Time{}, time.Time{})
	w.must(err)
	seen := map[AuditEvent]bool{}
	for _, ev := range events {
		seen[ev.Event] = true
		if strings.Contains(ev.Detail, "horse") {
			t.Fatalf("a secret in the audit log: %q", ev.Detail)
		}
	}
	if events[0].Event != AuditPasswordSet || !seen[AuditSigninOK] || !seen[AuditSigninFailed] || !seen[AuditSessionRevoked] {
		t.Fatalf("audit %+v", events)
	}
	if AuditMerged.String() == "" {
		t.Fatal("no name for an audit event")
	}

	// a generated password, then the reader's own
	pw, err := w.e.SetPassword(w.admin, w.tk[1], "")
	w.must(err)
	eq(t, len(pw), 12)
	tk1, err := w.e.Ticket(w.admin, w.tk[1])
	w.must(err)
	him, err := w.e.SignIn(LoginTicket, w.lib, tk1.Number, pw, "")
	w.must(err)
	is(t, w.e.ChangePassword(him, pw, "short"), ErrInvalid)
	w.must(w.e.ChangePassword(him, pw, "a new password"))
	_, err = w.e.SignIn(LoginTicket, w.lib, tk1.Number, pw, "")
	is(t, err, ErrAuth)
}

func TestMethodsRecoveryActivationMerge(t *testing.T) {
	w := newWorldWith(t, 2, 0, Options{PasswordCost: PasswordCostMin})
	_, err := w.e.SetPassword(w.admin, w.tk[0], "first password")
	w.must(err)
	mid, err := w.e.AddMethod(w.a[0], w.r[0], MethodEmail, "reader@example.org")
	w.must(err)
	codes := w.notes(NoteVerificationCode)
	code := codes[len(codes)-1].Fields["code"]
	bad := "000000"
	if code == bad {
		bad = "111111"
	}
	is(t, w.e.ConfirmMethod(w.a[0], mid, bad), ErrAuth)
	w.must(w.e.ConfirmMethod(w.a[0], mid, code))
	ms, err := w.e.Methods(w.a[0], w.r[0])
	w.must(err)
	eq(t, ms, []Method{{ID: mid, Kind: MethodEmail, Value: "reader@example.org", Verified: true}})
	_, err = w.e.SignIn(LoginEmail, 0, "reader@example.org", "first password", "")
	w.must(err)
	w.must(w.e.RequestRecovery(LoginEmail, 0, "reader@example.org"))
	w.must(w.e.RequestRecovery(LoginEmail, 0, "nobody@example.org"))
	recs := w.notes(NotePasswordRecovery)
	if len(recs) != 1 || recs[0].Channel != ChannelEmail || recs[0].Fields["to"] != "reader@example.org" {
		t.Fatalf("recovery notes %+v", recs)
	}
	token := recs[0].Fields["token"]
	w.must(w.e.FinishRecovery(token, "second password"))
	is(t, w.e.FinishRecovery(token, "third password"), ErrAuth)
	_, err = w.e.SignIn(LoginEmail, 0, "reader@example.org", "second password", "")
	w.must(err)
	w.must(w.e.RequestActivation(LoginEmail, "reader@example.org"))
	acts := w.notes(NoteAppActivation)
	dev, err := w.e.Activate(acts[len(acts)-1].Fields["code"], "tablet")
	w.must(err)
	eq(t, dev.ReaderID, w.r[0])
	ss, err := w.e.Sessions(dev, w.r[0])
	w.must(err)
	eq(t, ss[len(ss)-1].Origin, SessionActivation)
	w.must(w.e.RemoveMethod(w.a[0], mid))

	_, err = w.e.LinkIdentity(w.admin, w.r[0], "example", "subject-1")
	w.must(err)
	me, err := w.e.SignInIdentity("example", "subject-1", "browser")
	w.must(err)
	_, err = w.e.Staff(me)
	is(t, err, ErrPerm)
	w.must(w.e.Grant(w.admin, w.lib, w.r[0]))
	staff, err := w.e.Staff(me)
	w.must(err)
	eq(t, []interface{}{staff.Kind, staff.SessionID}, []interface{}{ActorLibrarian, me.SessionID})
	_, err = w.e.SignInIdentity("example", "nobody", "")
	is(t, err, ErrAuth)
	_, err = w.e.SetPassword(w.admin, w.tk[1], "other password")
	w.must(err)
	tk1, err := w.e.Ticket(w.admin, w.tk[1])
	w.must(err)
	is(t, w.e.MergeAccount(me, LoginTicket, w.lib, tk1.Number, "bad password"), ErrAuth)
	w.must(w.e.MergeAccount(me, LoginTicket, w.lib, tk1.Number, "other password"))
	tks, err := w.e.Tickets(w.admin, w.r[0])
	w.must(err)
	eq(t, len(tks), 2)
}

func TestShelfLoanAndPurchase(t *testing.T) {
	w := newWorld(t, 1, 0)
	lent := w.book(1, Book{Title: "Lent"})
	sold := w.book(0, Book{Title: "Sold", Price: Money{30000, "RUB"}})
	loan := w.take(0, lent)
	_, err := w.e.Buy(w.a[0], w.r[0], sold)
	w.refused(err, ReasonBalance)
	ok, err := w.e.CreditBalance(w.admin, w.r[0], Money{50000, "RUB"}, "payment-1")
	w.must(err)
	again, err := w.e.CreditBalance(w.admin, w.r[0], Money{50000, "RUB"}, "payment-1")
	w.must(err)
	if !ok || again {
		t.Fatalf("credited %v then %v", ok, again)
	}
	_, err = w.e.CreditBalance(w.admin, w.r[0], Money{1, "RUB"}, "payment-1")
	is(t, err, ErrExists)
	w.clock.Advance(time.Hour)
	p, err := w.e.Buy(w.a[0], w.r[0], sold)
	w.must(err)
	eq(t, []interface{}{p.ReaderID, p.BookID, p.Price, p.BoughtAt}, []interface{}{w.r[0], sold, Money{30000, "RUB"}, start.Add(time.Hour)})
	bal, err := w.e.Balance(w.a[0], w.r[0], "RUB")
	w.must(err)
	eq(t, bal, Money{20000, "RUB"})
	_, err = w.e.Buy(w.a[0], w.r[0], sold)
	w.refused(err, ReasonAlreadyBought)
	page, err := w.e.Shelf(w.a[0], w.r[0], ShelfQuery{})
	w.must(err)
	var mine []ShelfItem
	for _, it := range page.Items {
		if it.Section != ShelfHistory {
			mine = append(mine, it)
		}
	}
	if len(mine) != 2 || mine[0].Section != ShelfLoans || mine[0].LoanID != loan.ID || mine[0].DaysLeft != 14 ||
		!mine[0].DueAt.Equal(loan.DueAt) || mine[1].Section != ShelfBought || mine[1].BookID != sold ||
		mine[1].Price.Amount != 30000 || mine[1].LibraryID != 0 || page.Next != 0 {
		t.Fatalf("shelf %+v", page)
	}
	bought, err := w.e.Shelf(w.a[0], w.r[0], ShelfQuery{Section: ShelfBought, Limit: 1})
	w.must(err)
	eq(t, []interface{}{len(bought.Items), bought.Next, bought.Items[0].Since}, []interface{}{1, int64(0), start.Add(time.Hour)})
	cab, err := w.e.Cabinet(w.a[0], w.r[0])
	w.must(err)
	if len(cab) != 1 || cab[0].Ticket.ID != w.tk[0] || cab[0].LibraryName != "Central Library" ||
		cab[0].State != TicketActive || cab[0].Limits == nil || cab[0].Limits.Used[SettingMaxLoans] != 1 {
		t.Fatalf("cabinet %+v", cab)
	}
	_, err = w.e.Deliver(0)
	w.must(err)
	var sale *Notification
	credited := false
	for i, n := range w.rec.seen {
		switch n.Kind {
		case NoteBookBought:
			sale = &w.rec.seen[i]
		case NoteBalanceCredited:
			credited = true
		}
	}
	if sale == nil || !credited || sale.Fields["title"] != "Sold" || !strings.Contains(sale.Texts["en"], "«Sold» is bought") {
		t.Fatalf("notes %+v", w.rec.seen)
	}

	later := w.book(1, Book{Title: "Later"})
	w.must(w.e.Defer(w.a[0], w.r[0], later))
	is(t, w.e.Defer(w.a[0], w.r[0], later), ErrExists)
	d, err := w.e.Deferred(w.a[0], w.r[0], w.tk[0])
	w.must(err)
	eq(t, d, []Deferred{{BookID: later, AddedAt: start.Add(time.Hour), Verdict: VerdictTake}})
	d, err = w.e.Deferred(w.a[0], w.r[0], 0)
	w.must(err)
	eq(t, d[0].Verdict, NoVerdict)
	w.must(w.e.Undefer(w.a[0], w.r[0], later))
	is(t, w.e.Undefer(w.a[0], w.r[0], later), ErrNotFound)
	w.clean()
}

func TestReadingState(t *testing.T) {
	w := newWorld(t, 1, 0)
	b := w.book(1, Book{Title: "Read me"})
	_, err := w.e.ReadingAccess(w.a[0], w.r[0], b, 10)
	w.refused(err, ReasonNoAccess)
	w.take(0, b)
	acc, err := w.e.ReadingAccess(w.a[0], w.r[0], b, 10)
	w.must(err)
	eq(t, acc, AccessLoan)
	_, err = w.e.Reading(w.a[0], w.r[0], b)
	is(t, err, ErrNotFound)
	at := start.Add(time.Hour)
	applied, err := w.e.SetReading(w.a[0], w.r[0], b, Reading{Position: 42, Percent: 10, PagesRead: 40, Device: "phone", DeviceAt: at})
	w.must(err)
	older, err := w.e.SetReading(w.a[0], w.r[0], b, Reading{Position: 7, Percent: 2, PagesRead: 7, Device: "tablet", DeviceAt: start})
	w.must(err)
	if !applied || older {
		t.Fatalf("applied %v, older %v", applied, older)
	}
	r, err := w.e.Reading(w.a[0], w.r[0], b)
	w.must(err)
	eq(t, []interface{}{r.Position, r.Percent, r.PagesRead, r.Device, r.DeviceAt}, []interface{}{int64(42), 10, int64(40), "phone", at})
	bm, err := w.e.AddBookmark(w.a[0], w.r[0], b, 42, "a good line")
	w.must(err)
	_, err = w.e.AddBookmark(w.a[0], w.r[0], b, 5, "")
	w.must(err)
	marks, err := w.e.Bookmarks(w.a[0], w.r[0], b)
	w.must(err)
	if len(marks) != 2 || marks[0].Position != 5 || marks[0].Note != "" || marks[1].ID != bm || marks[1].Note != "a good line" {
		t.Fatalf("bookmarks %+v", marks)
	}
	w.must(w.e.DeleteBookmark(w.a[0], bm))
	g, err := w.e.GrantOffline(w.a[0], w.r[0], "phone", b)
	w.must(err)
	if g.Device != "phone" || g.BookID != b || g.LoanID == 0 || !g.ValidUntil.Equal(start.Add(14*day)) {
		t.Fatalf("grant %+v", g)
	}
	gs, err := w.e.OfflineGrants(w.a[0], w.r[0], "")
	w.must(err)
	eq(t, len(gs), 1)
	gs, err = w.e.OfflineGrants(w.a[0], w.r[0], "tablet")
	w.must(err)
	eq(t, len(gs), 0)
}

func TestPrefsAndRetention(t *testing.T) {
	w := newWorldWith(t, 1, 0, Options{OutboxRetention: day})
	p, err := w.e.Prefs(w.a[0], w.r[0])
	w.must(err)
	eq(t, p, Prefs{Language: "ru"})
	want := Prefs{Language: "en", Channel: ChannelSMS, Phone: "+10000000000", Muted: []NoteKind{NoteQueuePosition}}
	w.must(w.e.SavePrefs(w.a[0], w.r[0], want))
	p, err = w.e.Prefs(w.a[0], w.r[0])
	w.must(err)
	eq(t, p, want)
	if !NoteVerificationCode.Security() || NoteLoanIssued.Security() {
		t.Fatal("security kinds")
	}
	is(t, w.e.SavePrefs(w.a[0], w.r[0], Prefs{Muted: []NoteKind{NoteVerificationCode}}), ErrInvalid)
	w.take(0, w.book(1, Book{Title: "English"}))
	n, err := w.e.Deliver(0)
	w.must(err)
	eq(t, n, 1)
	got := w.rec.seen[0]
	if got.Channel != ChannelSMS || got.Address != "+10000000000" || got.Text != got.Texts["en"] ||
		!strings.Contains(got.Text, "«English»") {
		t.Fatalf("notification %+v", got)
	}
	w.clock.Advance(2 * day)
	_, err = w.e.Deliver(0)
	w.must(err)
	out, err := w.e.Outbox(w.admin, false, 100)
	w.must(err)
	eq(t, len(out), 0)
}

func TestAuditRetention(t *testing.T) {
	w := newWorldWith(t, 1, 0, Options{AuditRetention: day, PasswordCost: PasswordCostMin})
	_, err := w.e.SetPassword(w.admin, w.tk[0], "Plain-Secret-Pw1")
	w.must(err)
	log, err := w.e.Audit(w.admin, 0, time.Time{}, time.Time{})
	w.must(err)
	if len(log) == 0 {
		t.Fatal("no audit entry for the password")
	}
	w.clock.Advance(2 * day)
	_, _, err = w.e.Tick()
	w.must(err)
	log, err = w.e.Audit(w.admin, 0, time.Time{}, time.Time{})
	w.must(err)
	eq(t, len(log), 0)
}

// TestNoteKindsMatchTheLibrary: the kinds Prefs asks about are every kind
// the library names.
func TestNoteKindsMatchTheLibrary(t *testing.T) {
	var named []NoteKind
	for k := NoteKind(0); k < 256; k++ {
		if k.String() != "unknown" {
			named = append(named, k)
		}
	}
	eq(t, named, noteKinds)
	for ev := AuditEvent(1); ev <= AuditMerged; ev++ {
		if ev.String() == "unknown" {
			t.Fatalf("audit event %d has no name", int(ev))
		}
	}
}

// A session ends its lifetime after the sign-in; SessionsNeverExpire keeps it.
func TestSessionLifetime(t *testing.T) {
	for _, c := range []struct {
		lifetime time.Duration
		expires  time.Time
		works    bool
	}{{time.Hour, start.Add(time.Hour), false}, {SessionsNeverExpire, time.Time{}, true}} {
		w, tk := passwordWorld(t, 1, Options{SessionLifetime: c.lifetime})
		me, err := w.e.SignIn(LoginTicket, w.lib, tk.Number, "correct horse", "phone")
		w.must(err)
		ss, err := w.e.Sessions(me, w.r[0])
		w.must(err)
		eq(t, ss[0].ExpiresAt, c.expires)
		w.clock.Advance(time.Hour)
		_, err = w.e.Loans(me, w.r[0], false)
		if c.works {
			w.must(err)
		} else {
			is(t, err, ErrPerm)
			var le *Error
			if !errors.As(err, &le) || le.Message != "the session has expired: sign in again" {
				t.Fatalf("expired session: %v", err)
			}
		}
	}
	_, err := Open(":memory:", &Options{SessionLifetime: -2 * time.Second})
	is(t, err, ErrInvalid)
}
