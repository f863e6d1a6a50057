package lend

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// The fixture, as in tests/helpers.h: an engine on ":memory:" driven by a
// manual clock, with a recording notifier and a library of readers.

var start = time.Date(2026, 1, 12, 10, 0, 0, 0, time.UTC) // a Monday

const day = 24 * time.Hour

type recorder struct {
	mu   sync.Mutex
	seen []Notification
	fail error
}

func (r *recorder) Deliver(n Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.seen = append(r.seen, n)
	return nil
}

type world struct {
	t     *testing.T
	e     *Engine
	clock *ManualClock
	rec   *recorder
	admin *Actor
	lib   int64
	r     []int64
	tk    []int64
	a     []*Actor
}

func newWorld(t *testing.T, readers int, budget int64) *world {
	t.Helper()
	return newWorldWith(t, readers, budget, Options{})
}

// newWorldWith is newWorld with more options (the clock and the notifier are the world's).
func newWorldWith(t *testing.T, readers int, budget int64, opts Options) *world {
	t.Helper()
	w := &world{t: t, clock: NewManualClock(start), rec: &recorder{}}
	opts.Clock, opts.Notifier = w.clock, w.rec
	e, err := Open(":memory:", &opts)
	w.must(err)
	w.e = e
	t.Cleanup(func() { e.Close() })
	w.admin, err = e.Admin()
	w.must(err)
	w.lib, err = e.AddLibrary(w.admin, LibraryDraft{Name: "Central Library"})
	w.must(err)
	if budget > 0 {
		w.must(e.AddBudget(w.admin, w.lib, budget, "opening budget"))
	}
	for i := 0; i < readers; i++ {
		id, err := e.AddReader(w.admin, fmt.Sprintf("Reader %d", i), time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC))
		w.must(err)
		tk, err := e.IssueTicket(w.admin, w.lib, id, "")
		w.must(err)
		a, err := e.ReaderActor(id)
		w.must(err)
		w.r, w.tk, w.a = append(w.r, id), append(w.tk, tk.ID), append(w.a, a)
	}
	return w
}

func (w *world) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) book(copies int, b Book) int64 {
	w.t.Helper()
	if b.Title == "" {
		b.Title = "Book"
	}
	if b.Price.Amount == 0 {
		b.Price = Money{39900, "RUB"}
	}
	id, err := w.e.AddBook(w.admin, b)
	w.must(err)
	if copies > 0 {
		w.must(w.e.AddCopies(w.admin, w.lib, id, copies))
	}
	return id
}

func (w *world) take(i int, book int64) Loan {
	w.t.Helper()
	l, err := w.e.Take(w.a[i], w.tk[i], book)
	w.must(err)
	return l
}

// refused asserts a refusal with the reason, through errors.Is and errors.As.
func (w *world) refused(err error, reason Reason) *Error {
	w.t.Helper()
	var le *Error
	if !errors.As(err, &le) || !errors.Is(err, ErrDenied) || !errors.Is(err, reason) {
		w.t.Fatalf("want a refusal for %q, got %v", reason, err)
	}
	if le.Reason != reason || le.Status != ErrDenied || le.Message == "" {
		w.t.Fatalf("refusal %+v", le)
	}
	return le
}

func (w *world) clean() {
	w.t.Helper()
	rep, err := w.e.Check()
	w.must(err)
	if len(rep) != 0 {
		w.t.Fatalf("check: %v", rep)
	}
}

func (w *world) fund(book int64) Fund {
	w.t.Helper()
	f, err := w.e.Fund(w.admin, w.lib, book)
	w.must(err)
	return f
}

// snapshot is everything a call could change, to compare before and after.
func (w *world) snapshot() string {
	w.t.Helper()
	var out []interface{}
	libs, err := w.e.Libraries(w.admin)
	w.must(err)
	books, err := w.e.Books(w.admin, 0, 1000)
	w.must(err)
	funds, err := w.e.Funds(w.admin, w.lib, 0, 1000)
	w.must(err)
	out = append(out, libs, books, funds)
	for _, r := range w.r {
		l, err := w.e.Loans(w.admin, r, false)
		w.must(err)
		h, err := w.e.Holds(w.admin, r)
		w.must(err)
		t, err := w.e.Tickets(w.admin, r)
		w.must(err)
		out = append(out, l, h, t)
	}
	notes, err := w.e.Outbox(w.admin, false, 10000)
	w.must(err)
	return fmt.Sprintf("%+v %+v", out, notes)
}
