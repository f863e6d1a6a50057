package lend

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Core scenarios of tests/test_circulation.c, replayed in Go.

func TestTakeFreeCopy(t *testing.T) {
	w := newWorld(t, 1, 0)
	b := w.book(1, Book{Title: "Мастер и Маргарита", Authors: []string{"Михаил Булгаков"}})
	v, err := w.e.Availability(w.a[0], w.tk[0], b)
	w.must(err)
	if v.Verdict != VerdictTake || v.Reason != ReasonNone || v.Buys || v.Message == "" {
		t.Fatalf("verdict %+v", v)
	}
	l := w.take(0, b)
	if l.TicketID != w.tk[0] || l.ReaderID != w.r[0] || l.LibraryID != w.lib || l.BookID != b ||
		l.Origin != OriginSelf || !l.IssuedAt.Equal(start) || !l.DueAt.Equal(start.Add(14*day)) || !l.Active() ||
		l.EndReason != EndNone || l.DueAt.Location() != time.UTC {
		t.Fatalf("loan %+v", l)
	}
	if f := w.fund(b); f.Copies != 1 || f.OnLoan != 1 {
		t.Fatalf("fund %+v", f)
	}
	v, _ = w.e.Availability(w.a[0], w.tk[0], b)
	if v.Verdict != VerdictYours || v.LoanID != l.ID {
		t.Fatalf("verdict %+v", v)
	}
	notes, err := w.e.Outbox(w.admin, false, 100)
	w.must(err)
	if len(notes) != 1 || notes[0].Kind != NoteLoanIssued || notes[0].LoanID != l.ID {
		t.Fatalf("outbox %+v", notes)
	}
	mine, err := w.e.Loans(w.a[0], w.r[0], true)
	w.must(err)
	if len(mine) != 1 || mine[0].ID != l.ID {
		t.Fatalf("shelf %+v", mine)
	}
	w.clean()
}

func TestSelfServiceLimit(t *testing.T) {
	w := newWorld(t, 1, 0)
	var books []int64
	for i := 0; i < 4; i++ {
		books = append(books, w.book(1, Book{}))
	}
	for _, b := range books[:3] {
		w.take(0, b)
	}
	before := w.snapshot()
	_, err := w.e.Take(w.a[0], w.tk[0], books[3])
	le := w.refused(err, ReasonSelfServiceLimit)
	if !strings.Contains(le.Message, "3 of 3") {
		t.Fatalf("message %q", le.Message)
	}
	if w.snapshot() != before {
		t.Fatal("a refusal changed the state")
	}
	v, _ := w.e.Availability(w.a[0], w.tk[0], books[3])
	if v.Verdict != VerdictRequest || v.Reason != ReasonSelfServiceLimit {
		t.Fatalf("verdict %+v", v)
	}
	lim, err := w.e.Limits(w.a[0], w.tk[0], KindEbook)
	w.must(err)
	if lim.Value[SettingSelfServiceLimit] != 3 || lim.Used[SettingSelfServiceLimit] != 3 ||
		lim.Used[SettingMaxLoans] != 3 || lim.Value[SettingMaxLoans] != 10 ||
		lim.Value[SettingMonthlyQuota] != Unlimited || !strings.Contains(lim.Summary, "3 of 3 self-service") {
		t.Fatalf("limits %+v", lim)
	}
	w.clean()
}

func TestMaxLoansAndPolicy(t *testing.T) {
	w := newWorld(t, 1, 0)
	w.must(w.e.SetPolicy(w.admin, w.lib, KindAny, SettingMaxLoans, 2))
	if v, err := w.e.Policy(w.admin, w.lib, KindAny, SettingMaxLoans); err != nil || v != 2 {
		t.Fatalf("policy %d %v", v, err)
	}
	b := []int64{w.book(1, Book{}), w.book(1, Book{}), w.book(1, Book{})}
	w.take(0, b[0])
	w.take(0, b[1])
	_, err := w.e.Take(w.a[0], w.tk[0], b[2])
	w.refused(err, ReasonMaxLoans)
	w.must(w.e.ClearPolicy(w.admin, w.lib, KindAny, SettingMaxLoans))
	w.take(0, b[2])
}

func TestTakeThatBuysAndBudget(t *testing.T) {
	w := newWorld(t, 2, 100000)
	b := w.book(0, Book{Price: Money{39900, "RUB"}})
	v, _ := w.e.Availability(w.a[0], w.tk[0], b)
	if v.Verdict != VerdictTake || !v.Buys {
		t.Fatalf("verdict %+v", v)
	}
	w.take(0, b)
	lib, err := w.e.Library(w.admin, w.lib)
	w.must(err)
	if lib.Budget != (Money{100000 - 39900, "RUB"}) {
		t.Fatalf("budget %+v", lib.Budget)
	}
	dear := w.book(0, Book{Price: Money{60101, "RUB"}})
	_, err = w.e.Take(w.a[1], w.tk[1], dear)
	w.refused(err, ReasonBudget)
	w.must(w.e.SetPolicy(w.admin, w.lib, KindAny, SettingMaxSelfPrice, 30000))
	_, err = w.e.Take(w.a[1], w.tk[1], dear)
	w.refused(err, ReasonTooExpensive)
}

func TestRulesRefuse(t *testing.T) {
	w := newWorld(t, 1, 0)
	young, err := w.e.AddReader(w.admin, "Маша", time.Date(2016, 5, 1, 0, 0, 0, 0, time.UTC))
	w.must(err)
	tk, err := w.e.IssueTicket(w.admin, w.lib, young, "CARD-1")
	w.must(err)
	ya, err := w.e.ReaderActor(young)
	w.must(err)
	_, err = w.e.Take(ya, tk.ID, w.book(1, Book{AgeRating: 18}))
	w.refused(err, ReasonAge)
	_, err = w.e.Take(w.a[0], w.tk[0], w.book(1, Book{ReleaseAt: start.Add(30 * day)}))
	w.refused(err, ReasonNotReleased)
	_, err = w.e.Take(w.a[0], w.tk[0], w.book(1, Book{NotLendable: true}))
	w.refused(err, ReasonNotLendable)
	w.must(w.e.SetTicketBlocked(w.admin, w.tk[0], true))
	_, err = w.e.Take(w.a[0], w.tk[0], w.book(1, Book{}))
	w.refused(err, ReasonTicketBlocked)
	w.must(w.e.SetTicketBlocked(w.admin, w.tk[0], false))
	w.must(w.e.SetTicketValidity(w.admin, w.tk[0], time.Time{}, start.Add(-day)))
	got, _ := w.e.Ticket(w.admin, w.tk[0])
	if !got.ValidUntil.Equal(start.Add(-day)) || !got.ValidFrom.IsZero() {
		t.Fatalf("ticket %+v", got)
	}
	_, err = w.e.Take(w.a[0], w.tk[0], w.book(1, Book{}))
	w.refused(err, ReasonTicketExpired)
}

func TestTicketLimitPerKind(t *testing.T) {
	w := newWorld(t, 1, 0)
	w.must(w.e.SetTicketLimit(w.admin, w.tk[0], KindAudiobook, SettingLoanDays, 7))
	l := w.take(0, w.book(1, Book{Kind: KindAudiobook}))
	if !l.DueAt.Equal(start.Add(7 * day)) {
		t.Fatalf("due %v", l.DueAt)
	}
	w.must(w.e.ClearTicketLimit(w.admin, w.tk[0], KindAudiobook, SettingLoanDays))
	lim, _ := w.e.Limits(w.a[0], w.tk[0], KindAudiobook)
	if lim.Value[SettingLoanDays] != 14 {
		t.Fatalf("limits %+v", lim)
	}
}

func TestMultiLibraryReader(t *testing.T) {
	w := newWorld(t, 0, 0)
	e, adm := w.e, w.admin
	l1, _ := e.AddLibrary(adm, LibraryDraft{Name: "Library One"})
	l2, _ := e.AddLibrary(adm, LibraryDraft{Name: "Library Two"})
	r, err := e.AddReader(adm, "Reader", time.Date(1980, 5, 5, 0, 0, 0, 0, time.UTC))
	w.must(err)
	t1, _ := e.IssueTicket(adm, l1, r, "")
	t2, _ := e.IssueTicket(adm, l2, r, "")
	a, _ := e.ReaderActor(r)
	var books []int64
	for i := 0; i < 5; i++ {
		b, err := e.AddBook(adm, Book{Title: "Book", Price: Money{100, "RUB"}})
		w.must(err)
		w.must(e.AddCopies(adm, l1, b, 1))
		w.must(e.AddCopies(adm, l2, b, 1))
		books = append(books, b)
	}
	for _, b := range books[:3] {
		_, err := e.Take(a, t1.ID, b)
		w.must(err)
	}
	_, err = e.Take(a, t1.ID, books[3])
	w.refused(err, ReasonSelfServiceLimit)
	_, err = e.Take(a, t2.ID, books[3]) // limits count per library
	w.must(err)
	_, err = e.Take(a, t2.ID, books[0]) // his from the other library
	w.refused(err, ReasonAlreadyYours)
	loans, _ := e.Loans(a, r, true)
	in := map[int64]int{}
	for _, l := range loans {
		if (l.LibraryID == l1) != (l.TicketID == t1.ID) {
			t.Fatalf("loan %+v", l)
		}
		in[l.LibraryID]++
	}
	if in[l1] != 3 || in[l2] != 1 {
		t.Fatalf("loans by library %v", in)
	}
	if ts, _ := e.Tickets(a, r); len(ts) != 2 {
		t.Fatalf("tickets %+v", ts)
	}
	if lim, _ := e.Limits(a, t2.ID, KindEbook); lim.Used[SettingSelfServiceLimit] != 1 {
		t.Fatalf("limits %+v", lim)
	}
	if _, err := e.IssueTicket(adm, l1, r, ""); !errors.Is(err, ErrExists) {
		t.Fatalf("second ticket: %v", err)
	}
	w.clean()
}

func TestMonthlyQuotaMonthBoundary(t *testing.T) {
	w := newWorld(t, 1, 0)
	w.clock.Set(time.Date(2026, 1, 20, 10, 0, 0, 0, time.UTC))
	w.must(w.e.SetPolicy(w.admin, w.lib, KindAny, SettingMonthlyQuota, 2))
	b := []int64{w.book(1, Book{}), w.book(1, Book{}), w.book(1, Book{})}
	l0 := w.take(0, b[0])
	w.take(0, b[1])
	_, err := w.e.Take(w.a[0], w.tk[0], b[2])
	if le := w.refused(err, ReasonMonthlyQuota); !strings.Contains(le.Message, "2 of 2") {
		t.Fatalf("message %q", le.Message)
	}
	w.must(w.e.Return(w.a[0], l0.ID)) // a return does not give the quota back
	w.clock.Set(time.Date(2026, 1, 31, 23, 59, 59, 0, time.UTC))
	_, err = w.e.Take(w.a[0], w.tk[0], b[2])
	w.refused(err, ReasonMonthlyQuota)
	w.clock.Set(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	w.take(0, b[2])
	if lim, _ := w.e.Limits(w.a[0], w.tk[0], KindEbook); lim.Used[SettingMonthlyQuota] != 1 {
		t.Fatalf("limits %+v", lim)
	}
	w.clean()
}

func TestLoanEndsByItselfAndTick(t *testing.T) {
	w := newWorld(t, 2, 0)
	b := w.book(2, Book{})
	l := w.take(0, b)
	w.take(1, b)
	if n, h, err := w.e.Tick(); err != nil || n != 0 || h != 0 {
		t.Fatalf("tick %d %d %v", n, h, err)
	}
	w.clock.Set(l.DueAt)
	if n, _, err := w.e.Tick(); err != nil || n != 2 {
		t.Fatalf("tick ended %d %v", n, err)
	}
	now, err := w.e.Now()
	w.must(err)
	if !now.Equal(l.DueAt) {
		t.Fatalf("now %v", now)
	}
	got, err := w.e.Loan(w.admin, l.ID)
	w.must(err)
	if got.EndReason != EndExpired || !got.EndedAt.Equal(l.DueAt) {
		t.Fatalf("loan %+v", got)
	}
}

func TestEarlyReturn(t *testing.T) {
	w := newWorld(t, 1, 0)
	l := w.take(0, w.book(1, Book{}))
	w.clock.Advance(2 * day)
	w.must(w.e.Return(w.a[0], l.ID))
	got, _ := w.e.Loan(w.a[0], l.ID)
	if got.EndReason != EndReturned || !got.EndedAt.Equal(start.Add(2*day)) {
		t.Fatalf("loan %+v", got)
	}
}

func TestQueueAndHandoff(t *testing.T) {
	w := newWorld(t, 3, 0)
	b := w.book(1, Book{Title: "Popular"})
	_, err := w.e.JoinQueue(w.a[1], w.tk[1], b)
	w.refused(err, ReasonFreeCopy)
	l := w.take(0, b)
	_, err = w.e.Take(w.a[1], w.tk[1], b)
	w.refused(err, ReasonNoFreeCopy)
	v, _ := w.e.Availability(w.a[1], w.tk[1], b)
	if v.Verdict != VerdictQueue || v.Position != 1 || v.Queued || !v.WaitUntil.Equal(l.DueAt) {
		t.Fatalf("verdict %+v", v)
	}
	h1, err := w.e.JoinQueue(w.a[1], w.tk[1], b)
	w.must(err)
	h2, err := w.e.JoinQueue(w.a[2], w.tk[2], b)
	w.must(err)
	if h1.State != HoldWaiting || h1.Position != 1 || h2.Position != 2 {
		t.Fatalf("holds %+v %+v", h1, h2)
	}
	_, err = w.e.JoinQueue(w.a[1], w.tk[1], b)
	w.refused(err, ReasonAlreadyQueued)
	q, err := w.e.Queue(w.admin, w.lib, b)
	w.must(err)
	if len(q.Holds) != 2 || q.Holds[0].ID != h1.ID || q.Holds[1].ID != h2.ID || q.BookID != b {
		t.Fatalf("queue %+v", q)
	}
	if f := w.fund(b); f.Waiting != 2 {
		t.Fatalf("fund %+v", f)
	}

	w.clock.Set(l.DueAt)
	if n, h, err := w.e.Tick(); err != nil || n != 1 || h != 1 {
		t.Fatalf("tick %d %d %v", n, h, err)
	}
	served, err := w.e.Hold(w.a[1], h1.ID)
	w.must(err)
	if served.State != HoldServed || served.Position != 0 || served.LoanID == 0 {
		t.Fatalf("served %+v", served)
	}
	handed, err := w.e.Loan(w.a[1], served.LoanID)
	w.must(err)
	if handed.Origin != OriginQueue || handed.BookID != b {
		t.Fatalf("loan %+v", handed)
	}
	next, _ := w.e.Hold(w.a[2], h2.ID)
	if next.Position != 1 {
		t.Fatalf("next %+v", next)
	}
	w.clean()
}

func TestSuspendResumeLeave(t *testing.T) {
	w := newWorld(t, 3, 0)
	b := w.book(1, Book{})
	w.take(0, b)
	h1, _ := w.e.JoinQueue(w.a[1], w.tk[1], b)
	h2, _ := w.e.JoinQueue(w.a[2], w.tk[2], b)
	w.refused(w.e.SuspendHold(w.a[1], h1.ID, start.Add(400*day)), ReasonSuspendTooLong)
	w.must(w.e.SuspendHold(w.a[1], h1.ID, start.Add(30*day)))
	if h, _ := w.e.Hold(w.a[1], h1.ID); !h.SuspendedUntil.Equal(start.Add(30 * day)) {
		t.Fatalf("hold %+v", h)
	}
	w.must(w.e.ResumeHold(w.a[1], h1.ID))
	w.must(w.e.LeaveQueue(w.a[1], h1.ID))
	if h, _ := w.e.Hold(w.a[1], h1.ID); h.State != HoldLeft {
		t.Fatalf("hold %+v", h)
	}
	mine, _ := w.e.Holds(w.a[2], w.r[2])
	if len(mine) != 1 || mine[0].ID != h2.ID || mine[0].Position != 1 {
		t.Fatalf("holds %+v", mine)
	}
}

func TestCopies(t *testing.T) {
	w := newWorld(t, 2, 100000)
	b := w.book(1, Book{})
	w.take(0, b)
	h, _ := w.e.JoinQueue(w.a[1], w.tk[1], b)
	w.must(w.e.AddCopies(w.admin, w.lib, b, 1))
	if got, _ := w.e.Hold(w.a[1], h.ID); got.State != HoldServed {
		t.Fatalf("hold %+v", got)
	}
	w.refused(w.e.RemoveCopies(w.admin, w.lib, b, 1), ReasonCopiesOnLoan)
	w.must(w.e.BuyCopies(w.admin, w.lib, b, 2))
	w.must(w.e.RemoveCopies(w.admin, w.lib, b, 1))
	if f := w.fund(b); f.Copies != 3 {
		t.Fatalf("fund %+v", f)
	}
	w.must(w.e.SetPolicy(w.admin, w.lib, KindAny, SettingMaxCopies, 3))
	w.refused(w.e.BuyCopies(w.admin, w.lib, b, 1), ReasonCopyLimit)
}

func TestNotifierDelivers(t *testing.T) {
	w := newWorld(t, 2, 0)
	b := w.book(1, Book{})
	l0 := w.take(0, b)
	_, err := w.e.JoinQueue(w.a[1], w.tk[1], b)
	w.must(err)
	w.clock.Advance(day)
	w.must(w.e.Return(w.a[0], l0.ID))
	if n, err := w.e.Deliver(1); err != nil || n != 1 {
		t.Fatalf("deliver %d %v", n, err)
	}
	if n, err := w.e.Deliver(0); err != nil || n != 2 {
		t.Fatalf("deliver %d %v", n, err)
	}
	var kinds []NoteKind
	uuids := map[string]bool{}
	for _, n := range w.rec.seen {
		kinds = append(kinds, n.Kind)
		uuids[n.UUID] = true
	}
	if len(kinds) != 3 || kinds[0] != NoteLoanIssued || kinds[1] != NoteLoanEnded || kinds[2] != NoteQueueHandoff ||
		len(uuids) != 3 {
		t.Fatalf("seen %v", kinds)
	}
	h := w.rec.seen[2]
	if h.ReaderID != w.r[1] || h.LibraryID != w.lib || h.BookID != b || h.Kind.String() == "" {
		t.Fatalf("hand-off note %+v", h)
	}
	pending, _ := w.e.Outbox(w.admin, true, 100)
	all, _ := w.e.Outbox(w.admin, false, 100)
	if len(pending) != 0 || len(all) != 3 || !all[0].DeliveredAt.Equal(start.Add(day)) || all[0].Attempts != 1 {
		t.Fatalf("outbox %+v", all)
	}
}

func TestDirectory(t *testing.T) {
	w := newWorld(t, 0, 0)
	lib, err := w.e.AddLibrary(w.admin, LibraryDraft{Name: "Хабаровская краевая", Address: "Муравьёва-Амурского, 1",
		Contacts: "+7 4212", Currency: "EUR"})
	w.must(err)
	got, err := w.e.Library(w.admin, lib)
	w.must(err)
	if got.Name != "Хабаровская краевая" || got.Address != "Муравьёва-Амурского, 1" || got.Contacts != "+7 4212" ||
		got.Budget.Currency != "EUR" {
		t.Fatalf("library %+v", got)
	}
	r, err := w.e.AddReader(w.admin, "Иван Петров", time.Date(1987, 4, 12, 0, 0, 0, 0, time.UTC))
	w.must(err)
	ra, _ := w.e.ReaderActor(r)
	if rd, _ := w.e.Reader(ra, r); rd.Name != "Иван Петров" || rd.BirthDate.Format("2006-01-02") != "1987-04-12" {
		t.Fatalf("reader %+v", rd)
	}
	w.must(w.e.Grant(w.admin, lib, r))
	lb, err := w.e.Librarian(r)
	w.must(err)
	if lb.Kind != ActorLibrarian || lb.ReaderID != r {
		t.Fatalf("librarian %+v", lb)
	}
	w.must(w.e.AddBudget(lb, lib, 5000, ""))
	w.must(w.e.Revoke(w.admin, lib, r))
	if err := w.e.AddBudget(lb, lib, 5000, ""); !errors.Is(err, ErrPerm) {
		t.Fatalf("revoked librarian: %v", err)
	}
	tks, _ := w.e.Tickets(w.admin, r)
	if len(tks) != 0 {
		t.Fatalf("tickets %+v", tks)
	}
	b, err := w.e.AddBook(w.admin, Book{Title: "Книга", Authors: []string{"A", "B"}, Price: Money{100, "RUB"}})
	w.must(err)
	up, err := w.e.UpdateBook(w.admin, Book{ID: b, Title: "Новое", Authors: []string{"A", "B", "C"},
		Price: Money{250, "RUB"}, AgeRating: 12})
	w.must(err)
	stored, _ := w.e.Book(w.admin, b)
	if stored.Title != "Новое" || strings.Join(stored.Authors, ",") != "A,B,C" || stored.Price.Amount != 250 ||
		stored.AgeRating != 12 || !stored.Lendable || up.Title != stored.Title {
		t.Fatalf("book %+v", stored)
	}
	if _, err := w.e.UpdateBook(w.admin, Book{ID: b, Title: "X", Authors: []string{"Z"}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("authors replaced: %v", err)
	}
	w.must(w.e.AddCopies(w.admin, lib, b, 2))
	funds, _ := w.e.Funds(w.admin, lib, 0, 10)
	books, _ := w.e.Books(w.admin, 0, 10)
	libs, _ := w.e.Libraries(w.admin)
	if len(funds) != 1 || funds[0].Copies != 2 || len(books) != 1 || len(libs) != 2 {
		t.Fatalf("lists %v %v %v", funds, books, libs)
	}
	if Version() != 100 || VersionString() != "0.1.0" {
		t.Fatalf("version %d %s", Version(), VersionString())
	}
}
