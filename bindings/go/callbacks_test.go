package lend

import (
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"
)

type brokenClock struct{ panics bool }

func (c brokenClock) Now() time.Time {
	if c.panics {
		panic("the clock is broken")
	}
	return time.Unix(-5, 0)
}

func TestClockFailureChangesNothing(t *testing.T) {
	w := newWorld(t, 2, 0)
	b := w.book(1, Book{})
	l := w.take(0, b)
	_, err := w.e.JoinQueue(w.a[1], w.tk[1], b)
	w.must(err)
	w.clock.Set(l.DueAt) // the loan would end and be handed on
	good := w.e.cb.clock
	for _, broken := range []Clock{brokenClock{panics: true}, brokenClock{}} {
		w.e.cb.clock = broken
		for _, call := range []func() error{
			func() error { _, _, err := w.e.Tick(); return err },
			func() error { return w.e.Return(w.a[0], l.ID) },
			func() error { _, err := w.e.Now(); return err },
		} {
			err := call()
			var le *Error
			if !errors.As(err, &le) || le.Status != ErrUser || le.Cause == nil {
				t.Fatalf("want ErrUser with a cause, got %#v", err)
			}
		}
	}
	w.e.cb.clock = good
	got, _ := w.e.Loan(w.admin, l.ID)
	if got.EndReason != EndExpired {
		t.Fatalf("loan %+v", got)
	}
	w.clean()
}

func TestClockFailureSnapshot(t *testing.T) {
	w := newWorld(t, 1, 0)
	b := w.book(1, Book{})
	before := w.snapshot()
	w.e.cb.clock = brokenClock{panics: true}
	_, err := w.e.Take(w.a[0], w.tk[0], b)
	if !errors.Is(err, ErrUser) {
		t.Fatalf("take: %v", err)
	}
	w.e.cb.clock = w.clock
	if w.snapshot() != before {
		t.Fatal("a failed clock changed the state")
	}
}

func TestNotifierFailureIsReportedAndRetried(t *testing.T) {
	w := newWorld(t, 1, 0)
	l := w.take(0, w.book(1, Book{}))
	smtp := errors.New("smtp is down")
	w.rec.fail = smtp
	n, err := w.e.Deliver(0)
	if n != 0 || !errors.Is(err, ErrUser) || !errors.Is(err, smtp) {
		t.Fatalf("deliver %d %v", n, err)
	}
	pending, _ := w.e.Outbox(w.admin, true, 10)
	if len(pending) != 1 || !pending[0].DeliveredAt.IsZero() || pending[0].Attempts != 1 {
		t.Fatalf("pending %+v", pending)
	}
	w.rec.fail = nil
	if n, _ := w.e.Deliver(0); n != 0 { // backing off
		t.Fatalf("delivered %d during backoff", n)
	}
	w.clock.Advance(time.Minute)
	if n, err := w.e.Deliver(0); n != 1 || err != nil {
		t.Fatalf("deliver %d %v", n, err)
	}
	if len(w.rec.seen) != 1 || w.rec.seen[0].LoanID != l.ID {
		t.Fatalf("seen %+v", w.rec.seen)
	}
}

func TestNotifierPanicIsAnError(t *testing.T) {
	w := newWorld(t, 1, 0)
	w.take(0, w.book(1, Book{}))
	w.e.cb.notifier = NotifierFunc(func(Notification) error { panic("boom") })
	if _, err := w.e.Deliver(0); !errors.Is(err, ErrUser) {
		t.Fatalf("deliver: %v", err)
	}
}

func TestSeveralGoroutines(t *testing.T) {
	w := newWorld(t, 8, 0)
	b := w.book(3, Book{})
	var mu sync.Mutex
	taken, refused := 0, 0
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for k := 0; k < 20; k++ {
				if _, err := w.e.Availability(w.a[i], w.tk[i], b); err != nil {
					t.Error(err)
				}
			}
			_, err := w.e.Take(w.a[i], w.tk[i], b)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				taken++
			case errors.Is(err, ReasonNoFreeCopy):
				refused++
			default:
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	if taken != 3 || refused != 5 || w.fund(b).OnLoan != 3 {
		t.Fatalf("taken %d refused %d", taken, refused)
	}
	w.clean()
}

func TestFinalizersAndHandles(t *testing.T) {
	for i := 0; i < 50; i++ {
		e, err := Open(":memory:", &Options{Clock: ClockFunc(func() time.Time { return start }),
			Notifier: NotifierFunc(func(Notification) error { return nil })})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := e.Admin()
		if _, err := e.AddLibrary(a, LibraryDraft{Name: "L"}); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			e.Close()
		}
	}
	runtime.GC()
	runtime.GC()
	e, err := Open(":memory:", &Options{Clock: ClockFunc(func() time.Time { return start })})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if now, err := e.Now(); err != nil || !now.Equal(start) {
		t.Fatalf("now %v %v", now, err)
	}
}

func TestOneNotifierFailureAmongSeveral(t *testing.T) {
	w := newWorld(t, 3, 0)
	b := w.book(3, Book{})
	for i := 0; i < 3; i++ {
		w.take(i, b)
	}
	var calls []int64
	full := errors.New("one mailbox is full")
	w.e.cb.notifier = NotifierFunc(func(n Notification) error {
		calls = append(calls, n.ID)
		if len(calls) == 2 {
			return full
		}
		return nil
	})
	n, err := w.e.Deliver(0)
	if n != 2 || !errors.Is(err, full) {
		t.Fatalf("deliver %d %v", n, err)
	}
	pending, _ := w.e.Outbox(w.admin, true, 10)
	if len(pending) != 1 || pending[0].ID != calls[1] {
		t.Fatalf("pending %+v", pending)
	}
}
