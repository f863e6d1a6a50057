package lend

import (
	"bufio"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestEveryStatusMaps(t *testing.T) {
	for s := ErrGeneric; s <= ErrState; s++ {
		var err error = &Error{Status: s, Message: "why"}
		if !errors.Is(err, s) {
			t.Errorf("errors.Is(%v, %d) is false", err, s)
		}
		for o := ErrGeneric; o <= ErrState; o++ {
			if o != s && errors.Is(err, o) {
				t.Errorf("status %d matches %d", s, o)
			}
		}
		var le *Error
		if !errors.As(err, &le) || le.Status != s {
			t.Errorf("errors.As for %d", s)
		}
		if s.Error() == "" || s.String() != s.Error() || !strings.Contains(err.Error(), "why") {
			t.Errorf("text of %d", s)
		}
	}
	denied := &Error{Status: ErrDenied, Reason: ReasonAge}
	if !errors.Is(denied, ReasonAge) || errors.Is(denied, ReasonBudget) || errors.Is(denied, ReasonNone) {
		t.Error("reason matching")
	}
	for r := ReasonNone; r <= ReasonSuspendTooLong; r++ {
		if r.Error() == "" {
			t.Errorf("reason %d has no text", r)
		}
	}
	cause := errors.New("smtp down")
	wrapped := &Error{Status: ErrUser, Cause: cause}
	if !errors.Is(wrapped, cause) || !errors.Is(wrapped, ErrUser) {
		t.Error("a callback's error is not reachable")
	}
}

func TestErrorsFromTheEngine(t *testing.T) {
	w := newWorld(t, 2, 0)
	b := w.book(1, Book{})
	expect := func(err error, s Status) {
		t.Helper()
		var le *Error
		if !errors.As(err, &le) || le.Status != s || le.Message == "" || le.Reason != ReasonNone {
			t.Fatalf("want status %d (%v), got %#v", s, s, err)
		}
	}
	_, err := w.e.Book(w.admin, 999)
	expect(err, ErrNotFound)
	_, err = w.e.ReaderActor(999)
	expect(err, ErrNotFound)
	ticket, _ := w.e.Ticket(w.admin, w.tk[0])
	r, _ := w.e.AddReader(w.admin, "Z", time.Time{})
	_, err = w.e.IssueTicket(w.admin, w.lib, r, ticket.Number)
	expect(err, ErrExists)
	_, err = w.e.Take(w.a[1], w.tk[0], b) // another reader's ticket
	expect(err, ErrPerm)
	_, err = w.e.Librarian(w.r[0])
	expect(err, ErrPerm)
	l := w.take(0, b)
	w.must(w.e.Return(w.a[0], l.ID))
	expect(w.e.Return(w.a[0], l.ID), ErrState)

	before := w.snapshot()
	for i, err := range []error{
		func() error { _, err := w.e.AddLibrary(w.admin, LibraryDraft{Name: "bad \xff utf-8"}); return err }(),
		func() error {
			_, err := w.e.AddLibrary(w.admin, LibraryDraft{Name: strings.Repeat("x", 201)})
			return err
		}(),
		func() error { _, err := w.e.AddLibrary(w.admin, LibraryDraft{Name: "L", Currency: "rub"}); return err }(),
		func() error { _, err := w.e.AddReader(w.admin, "", time.Time{}); return err }(),
		func() error {
			_, err := w.e.AddReader(w.admin, "R", time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC))
			return err
		}(),
		func() error { _, err := w.e.AddBook(w.admin, Book{Title: "B", Price: Money{-1, "RUB"}}); return err }(),
		func() error { _, err := w.e.AddBook(w.admin, Book{Title: "B", AgeRating: 7}); return err }(),
		w.e.AddBudget(w.admin, w.lib, -5, ""),
		w.e.AddCopies(w.admin, w.lib, b, -1),
		func() error { _, err := w.e.IssueTicket(w.admin, w.lib, r, "bad\x01control"); return err }(),
		func() error { _, err := w.e.Books(w.admin, 0, 0); return err }(),
	} {
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("bad input %d: %v", i, err)
		}
	}
	if w.snapshot() != before {
		t.Fatal("bad input changed the state")
	}

	a, _ := w.e.ReaderActor(w.r[0])
	a.Free()
	a.Free()
	_, err = w.e.Loans(a, w.r[0], false)
	expect(err, ErrInvalid)
	_, err = w.e.Loans(nil, w.r[0], false)
	expect(err, ErrInvalid)
	e2, err := Open(":memory:", nil)
	w.must(err)
	w.must(e2.Close())
	w.must(e2.Close())
	_, err = e2.Admin()
	expect(err, ErrState)
}

func TestStorageErrors(t *testing.T) {
	_, err := Open("/nonexistent-dir/sub/lend.db", nil)
	var le *Error
	if !errors.As(err, &le) || le.Status != ErrStorage || !strings.Contains(le.Message, "/nonexistent-dir/sub/lend.db") {
		t.Fatalf("open: %#v", err)
	}
	// Busy: the sqlite3 shell holds the write lock past the busy timeout.
	shell, lookErr := exec.LookPath("sqlite3")
	if lookErr != nil {
		t.Skip("no sqlite3 shell: the busy case is covered by the Python binding's tests")
	}
	path := filepath.Join(t.TempDir(), "lend.db")
	e, err := Open(path, &Options{BusyTimeoutMS: 50})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	admin, _ := e.Admin()
	cmd := exec.Command(shell, path)
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	io.WriteString(in, "BEGIN IMMEDIATE;\nSELECT 'locked';\n")
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "locked\n" {
		t.Fatalf("shell: %q %v", line, err)
	}
	_, err = e.AddLibrary(admin, LibraryDraft{Name: "Locked out"})
	io.WriteString(in, "ROLLBACK;\n.quit\n")
	in.Close()
	cmd.Wait()
	if !errors.As(err, &le) || le.Status != ErrBusy {
		t.Fatalf("want busy, got %#v", err)
	}
	if _, err := e.AddLibrary(admin, LibraryDraft{Name: "Now it works"}); err != nil {
		t.Fatal(err)
	}
}
