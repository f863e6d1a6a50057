package lend_test

import (
	"errors"
	"fmt"
	"time"

	"liblend.org/lend"
)

// A reader takes the only copy; a second reader is told to queue, joins the
// queue, and gets the book when the first loan ends two weeks later.
func Example() {
	clock := lend.NewManualClock(time.Date(2026, 1, 12, 10, 0, 0, 0, time.UTC))
	notes := lend.NotifierFunc(func(n lend.Notification) error {
		fmt.Println("notify reader", n.ReaderID, n.Kind)
		return nil
	})
	e, err := lend.Open(":memory:", &lend.Options{Clock: clock, Notifier: notes})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer e.Close()
	admin, _ := e.Admin()
	lib, _ := e.AddLibrary(admin, lend.LibraryDraft{Name: "City Library"})
	book, _ := e.AddBook(admin, lend.Book{Title: "Anna Karenina", Authors: []string{"Лев Толстой"}})
	_ = e.AddCopies(admin, lib, book, 1)
	born := time.Date(1990, 5, 1, 0, 0, 0, 0, time.UTC)
	ivan, _ := e.AddReader(admin, "Ivan", born)
	anna, _ := e.AddReader(admin, "Anna", born)
	tIvan, _ := e.IssueTicket(admin, lib, ivan, "")
	tAnna, _ := e.IssueTicket(admin, lib, anna, "")
	asIvan, _ := e.ReaderActor(ivan)
	asAnna, _ := e.ReaderActor(anna)

	loan, _ := e.Take(asIvan, tIvan.ID, book)
	fmt.Println("due", loan.DueAt.Format("2006-01-02"))
	if _, err := e.Take(asAnna, tAnna.ID, book); errors.Is(err, lend.ReasonNoFreeCopy) {
		hold, _ := e.JoinQueue(asAnna, tAnna.ID, book)
		fmt.Println("queued at place", hold.Position)
	}
	clock.Advance(14 * 24 * time.Hour)
	ended, handed, _ := e.Tick()
	fmt.Println("ended", ended, "handed on", handed)
	e.Deliver(0)
	// Output:
	// due 2026-01-26
	// queued at place 1
	// ended 1 handed on 1
	// notify reader 1 loan_issued
	// notify reader 1 loan_ended
	// notify reader 2 queue_handoff
}
