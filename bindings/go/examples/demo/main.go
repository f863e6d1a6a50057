// Command demo shows liblend from Go: open an engine, import a few books of
// the demo catalog, search it, take one, queue for it, ask the librarian for another
// (approved for one reader, denied for the other), move the clock and watch
// the hand-off and the notifications with their texts.
//
//	cd bindings/go
//	PKG_CONFIG_PATH=../../build/meson-uninstalled LD_LIBRARY_PATH=../../build/lib \
//	    go run ./examples/demo ../../data/demo/catalog.csv
package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
	"time"

	"liblend.org/lend"
)

// printer is the notifier: a host would send an e-mail or a push here.
type printer struct{}

func (printer) Deliver(n lend.Notification) error {
	fmt.Printf("  notify reader %d: %s (loan %d)\n    %s\n", n.ReaderID, n.Kind, n.LoanID, n.Texts["en"])
	return nil
}

// minor turns "399.00" into 39900.
func minor(price string) int64 {
	whole, frac, _ := strings.Cut(price, ".")
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	return w*100 + f
}

func main() {
	log.SetFlags(0)
	path := "../../data/demo/catalog.csv"
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	clock := lend.NewManualClock(time.Date(2026, 1, 12, 10, 0, 0, 0, time.UTC))
	e, err := lend.Open(":memory:", &lend.Options{Clock: clock, Notifier: printer{}})
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	must := func(err error) {
		if err != nil {
			log.Fatal(err)
		}
	}
	admin, err := e.Admin()
	must(err)
	lib, err := e.AddLibrary(admin, lend.LibraryDraft{Name: "Хабаровская краевая библиотека"})
	must(err)
	must(e.AddBudget(admin, lib, 500000, "opening budget"))

	// a few books of the demo catalog, one copy each
	f, err := os.Open(path)
	must(err)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	must(err)
	titles := map[int64]string{}
	var ids []int64
	for _, row := range rows[1:6] { // title,authors,kind,age,price,currency
		kind := lend.KindEbook
		if row[2] == "audiobook" {
			kind = lend.KindAudiobook
		}
		age, _ := strconv.Atoi(row[3])
		id, err := e.AddBook(admin, lend.Book{Title: row[0], Authors: strings.Split(row[1], ";"), Kind: kind,
			AgeRating: age, Price: lend.Money{Amount: minor(row[4]), Currency: row[5]}})
		must(err)
		must(e.AddCopies(admin, lib, id, 1))
		titles[id] = row[0]
		ids = append(ids, id)
	}
	first := ids[0]
	books, err := e.Books(admin, 0, 100)
	must(err)
	fmt.Printf("catalog: %d books\n", len(books))
	for _, b := range books {
		fmt.Printf("  %3d  %-28s %s, %d.%02d %s\n", b.ID, b.Title, strings.Join(b.Authors, ", "),
			b.Price.Amount/100, b.Price.Amount%100, b.Price.Currency)
	}

	ivan, err := e.AddReader(admin, "Иван Петров", time.Date(1987, 4, 12, 0, 0, 0, 0, time.UTC))
	must(err)
	anna, err := e.AddReader(admin, "Анна Смирнова", time.Date(1992, 9, 3, 0, 0, 0, 0, time.UTC))
	must(err)
	tIvan, err := e.IssueTicket(admin, lib, ivan, "")
	must(err)
	tAnna, err := e.IssueTicket(admin, lib, anna, "")
	must(err)
	asIvan, err := e.ReaderActor(ivan)
	must(err)
	asAnna, err := e.ReaderActor(anna)
	must(err)
	fmt.Printf("cards: %s (Иван), %s (Анна)\n", tIvan.Number, tAnna.Number)

	// search as you type: a Latin transliteration finds the Cyrillic names
	for _, typed := range []string{"tolst", "tolstoy voina"} {
		hits, err := e.Suggest(asIvan, lend.SearchQuery{Text: typed, LibraryID: lib, Limit: 3})
		must(err)
		var shown []string
		for _, h := range hits {
			shown = append(shown, fmt.Sprintf("«%s» (%s, %v)", h.Title, h.Authors, h.Verdict))
		}
		fmt.Printf("suggest %q: %s\n", typed, strings.Join(shown, "; "))
	}

	loan, err := e.Take(asIvan, tIvan.ID, first)
	must(err)
	fmt.Printf("Иван takes «%s» until %s\n", titles[first], loan.DueAt.Format("2006-01-02 15:04 MST"))
	if _, err := e.Take(asAnna, tAnna.ID, first); errors.Is(err, lend.ReasonNoFreeCopy) {
		fmt.Printf("Анна cannot take it: %v\n", err)
	}
	hold, err := e.JoinQueue(asAnna, tAnna.ID, first)
	must(err)
	fmt.Printf("Анна joins the queue: place %d, expected by %s\n", hold.Position, hold.WaitUntil.Format("2006-01-02"))

	// asking the librarian
	olga, err := e.AddReader(admin, "Ольга Иванова (librarian)", time.Time{})
	must(err)
	must(e.Grant(admin, lib, olga))
	desk, err := e.Librarian(olga)
	must(err)
	other := ids[2]
	rIvan, err := e.RequestBook(asIvan, tIvan.ID, other)
	must(err)
	rAnna, err := e.RequestBook(asAnna, tAnna.ID, other)
	must(err)
	pending, err := e.PendingRequests(desk, lib, 100)
	must(err)
	for _, r := range pending {
		fmt.Printf("pending request %d: reader %d, «%s», %d of %d copies on loan, budget %d.%02d\n", r.ID, r.ReaderID,
			titles[r.BookID], r.OnLoan, r.Copies, r.Budget/100, r.Budget%100)
	}
	done, err := e.Approve(desk, rIvan.ID)
	must(err)
	fmt.Printf("Ольга approves Иван's request: loan %d\n", done.LoanID)
	must(e.Deny(desk, rAnna.ID, lend.ReasonLibrarian, "the only copy is out; please join the queue"))
	denied, err := e.Request(asAnna, rAnna.ID)
	must(err)
	fmt.Printf("Ольга denies Анна's request: %s\n", denied.Text)
	fmt.Println("delivering:")
	_, err = e.Deliver(0)
	must(err)

	clock.Advance(14 * 24 * time.Hour)
	ended, handed, err := e.Tick()
	must(err)
	now, err := e.Now()
	must(err)
	fmt.Printf("two weeks later (%s): %d loan ended, %d hand-off\n", now.Format("2006-01-02"), ended, handed)
	hold, err = e.Hold(asAnna, hold.ID)
	must(err)
	mine, err := e.Loan(asAnna, hold.LoanID)
	must(err)
	fmt.Printf("Анна now has «%s» (from the queue: %v) until %s\n", titles[mine.BookID],
		mine.Origin == lend.OriginQueue, mine.DueAt.Format("2006-01-02"))
	fmt.Println("delivering:")
	_, err = e.Deliver(0)
	must(err)
	if problems, err := e.Check(); err != nil || len(problems) > 0 {
		log.Fatal(problems, err)
	}
}
