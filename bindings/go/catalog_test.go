package lend

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The catalog and search, as in tests/test_catalog.c and tests/test_search.c.

func TestCatalogMetadataAndAuthors(t *testing.T) {
	w := newWorld(t, 1, 0)
	b, err := w.e.AddBook(w.admin, Book{Title: "Мастер и Маргарита", Authors: []string{"Михаил Булгаков"}, Kind: KindAudiobook,
		Subtitle: "роман", Series: "Собрание сочинений", SeriesNumber: 5, Language: "ru",
		Narrators: []string{"Александр Филиппенко"}, Publisher: "Союз", Year: 2006, ISBN: "0-306-40615-2",
		Genres: []string{"классика", "роман"}, Annotation: "Первая строка\nвторая", Preview: 600, Length: 72000,
		ExternalID: "soyuz-42"})
	w.must(err)
	book, err := w.e.Book(w.admin, b)
	w.must(err)
	eq(t, []interface{}{book.Subtitle, book.Series, book.SeriesNumber, book.Language, book.Publisher, book.Year, book.ISBN,
		book.Narrators, book.Genres, book.Annotation, book.Preview, book.Length, book.ExternalID, book.CreatedAt,
		book.WithdrawnAt.IsZero()},
		[]interface{}{"роман", "Собрание сочинений", 5, "ru", "Союз", 2006, "9780306406157",
			[]string{"Александр Филиппенко"}, []string{"классика", "роман"}, "Первая строка\nвторая", 600, int64(72000),
			"soyuz-42", start, true})
	_, err = w.e.AddBook(w.admin, Book{Title: "Bad", ISBN: "978-0-306-40615-8"})
	is(t, err, ErrInvalid)
	w.clock.Advance(day)
	book.Subtitle, book.SeriesNumber, book.Genres = "", 6, append(book.Genres, "мистика")
	got, err := w.e.UpdateBook(w.admin, book)
	w.must(err)
	eq(t, []interface{}{got.Subtitle, got.SeriesNumber, got.Genres, got.UpdatedAt},
		[]interface{}{"", 6, []string{"классика", "роман", "мистика"}, start.Add(day)})
	book.Genres = nil
	_, err = w.e.UpdateBook(w.admin, book)
	is(t, err, ErrInvalid)
	au, err := w.e.FindAuthor(w.admin, "Михаил Булгаков")
	w.must(err)
	w.must(w.e.AddAuthorAlias(w.admin, au.ID, "Mikhail Bulgakov"))
	au, err = w.e.Author(w.admin, au.ID)
	w.must(err)
	eq(t, au.Aliases, []string{"Mikhail Bulgakov"})
	narr, err := w.e.BookAuthors(w.admin, b, RoleNarrator)
	w.must(err)
	eq(t, []interface{}{len(narr), narr[0].Name}, []interface{}{1, "Александр Филиппенко"})
	_, err = w.e.FindAuthor(w.admin, "Nobody")
	is(t, err, ErrNotFound)
	if n, ok := NormalizeISBN("0-306-40615-2"); !ok || n != "9780306406157" {
		t.Fatalf("isbn %q %v", n, ok)
	}
	if _, ok := NormalizeISBN("0-306-40615-3"); ok {
		t.Fatal("a bad check digit passed")
	}
	w.must(w.e.WithdrawBook(w.admin, b))
	is(t, w.e.WithdrawBook(w.admin, b), ErrState)
}

func TestCatalogImport(t *testing.T) {
	w := newWorld(t, 1, 0)
	path := filepath.Join(t.TempDir(), "catalog.csv")
	w.must(os.WriteFile(path, []byte("title,authors,kind,age,price,currency,external_id\n"+
		"Идиот,Фёдор Достоевский,ebook,16,120.00,RUB,x-1\n"+
		",Nobody,ebook,0,1.00,RUB,x-2\n"+
		"Бесы,Фёдор Достоевский,ebook,16,150.00,RUB,x-3\n"), 0o644))
	var last [2]int64
	rep, err := w.e.ImportCatalog(w.admin, path, ImportAuto, func(done, total int64) bool {
		last = [2]int64{done, total}
		return true
	})
	w.must(err)
	if rep.Rows != 3 || rep.Added != 2 || rep.Failed != 1 || len(rep.Problems) != 1 || rep.Problems[0].Line != 3 ||
		rep.Problems[0].Reason == "" || last != [2]int64{3, 3} {
		t.Fatalf("report %+v, progress %v", rep, last)
	}
	idiot, err := w.e.Book(w.admin, rep.BookIDs[0])
	w.must(err)
	eq(t, []interface{}{idiot.Title, idiot.AgeRating, idiot.Price.Amount, idiot.ExternalID},
		[]interface{}{"Идиот", 16, int64(12000), "x-1"})
	again, err := w.e.ImportCatalog(w.admin, path, ImportCSV, nil)
	w.must(err)
	eq(t, []interface{}{again.Added, again.Unchanged, again.BookIDs}, []interface{}{int64(0), int64(2), rep.BookIDs})
	stopped, err := w.e.ImportCatalog(w.admin, path, ImportCSV, func(done, total int64) bool { panic("boom") })
	is(t, err, ErrUser)
	if errors.Unwrap(err) == nil || stopped.Rows != 3 {
		t.Fatalf("stopped %+v %v", stopped, err)
	}
}

func TestListingsRatingsReviews(t *testing.T) {
	w := newWorld(t, 1, 0)
	old := w.book(1, Book{Title: "Old"})
	teen := w.book(1, Book{Title: "Teen", AgeRating: 18})
	w.clock.Advance(day)
	newer := w.book(1, Book{Title: "New", Genres: []string{"poetry"}})
	ob, err := w.e.Book(w.admin, old)
	w.must(err)
	ob.Genres = []string{"poetry"}
	_, err = w.e.UpdateBook(w.admin, ob)
	w.must(err)
	page, err := w.e.ListBooks(w.a[0], ListQuery{List: ListFund, TicketID: w.tk[0], Limit: 2})
	w.must(err)
	if len(page.Entries) != 2 || page.Entries[0].Book.ID != old || page.Entries[1].Book.ID != teen || page.Next == "" ||
		page.Entries[0].Availability == nil || page.Entries[0].Availability.Verdict != VerdictTake {
		t.Fatalf("page %+v", page)
	}
	rest, err := w.e.ListBooks(w.a[0], ListQuery{List: ListFund, TicketID: w.tk[0], Limit: 2, Cursor: page.Next})
	w.must(err)
	eq(t, []interface{}{len(rest.Entries), rest.Entries[0].Book.ID, rest.Next}, []interface{}{1, newer, ""})
	genre, err := w.e.ListBooks(w.a[0], ListQuery{List: ListGenre, Genre: "poetry"})
	w.must(err)
	if len(genre.Entries) != 2 || genre.Entries[0].Book.ID != newer || genre.Entries[1].Book.ID != old ||
		genre.Entries[0].Availability != nil {
		t.Fatalf("genre %+v", genre)
	}
	w.must(w.e.SetRating(w.a[0], w.r[0], newer, 4))
	stars, err := w.e.Rating(w.a[0], w.r[0], newer)
	w.must(err)
	eq(t, stars, 4)
	s, err := w.e.BookRating(w.a[0], newer)
	w.must(err)
	eq(t, s, RatingSummary{Total: 1, Counts: [5]int64{0, 0, 0, 1, 0}, Average: 4})
	w.must(w.e.RemoveRating(w.a[0], w.r[0], newer))
	is(t, w.e.RemoveRating(w.a[0], w.r[0], newer), ErrNotFound)
	rv, err := w.e.AddReview(w.a[0], w.r[0], newer, "Хорошо")
	w.must(err)
	w.clock.Advance(time.Hour)
	w.must(w.e.EditReview(w.a[0], rv, "Очень хорошо"))
	got, err := w.e.Reviews(w.admin, newer, 0, 10)
	w.must(err)
	eq(t, got, []Review{{ID: rv, ReaderID: w.r[0], BookID: newer, Text: "Очень хорошо", CreatedAt: start.Add(day),
		UpdatedAt: start.Add(day + time.Hour)}})
	w.must(w.e.DeleteReview(w.a[0], rv))
	got, err = w.e.Reviews(w.admin, newer, 0, 10)
	w.must(err)
	eq(t, len(got), 0)
}

func TestSearchAndSuggest(t *testing.T) {
	w := newWorld(t, 1, 0)
	master := w.book(1, Book{Title: "Мастер и Маргарита", Authors: []string{"Михаил Булгаков"}})
	heart := w.book(1, Book{Title: "Собачье сердце", Authors: []string{"Михаил Булгаков"}, AgeRating: 18})
	war := w.book(0, Book{Title: "Война и мир", Authors: []string{"Лев Толстой"}, Language: "ru"})
	kid, err := w.e.AddReader(w.admin, "Kid", time.Date(2015, 1, 12, 0, 0, 0, 0, time.UTC))
	w.must(err)
	_, err = w.e.IssueTicket(w.admin, w.lib, kid, "")
	w.must(err)
	asKid, err := w.e.ReaderActor(kid)
	w.must(err)
	ids := func(q SearchQuery, a *Actor, suggest bool) []int64 {
		t.Helper()
		var hits []SearchHit
		if suggest {
			hits, err = w.e.Suggest(a, q)
		} else {
			hits, err = w.e.Search(a, q)
		}
		w.must(err)
		out := []int64{}
		for _, h := range hits {
			out = append(out, h.BookID)
		}
		return out
	}
	both := ids(SearchQuery{Text: "булгаков"}, w.a[0], false)
	if len(both) != 2 {
		t.Fatalf("hits %v", both)
	}
	eq(t, ids(SearchQuery{Text: "bulgakov"}, w.a[0], false), both)
	eq(t, ids(SearchQuery{Text: ",ekufrjd"}, w.a[0], false), both)
	eq(t, ids(SearchQuery{Text: "Tolstoy"}, w.a[0], false), []int64{war})
	eq(t, ids(SearchQuery{Text: "маст"}, w.a[0], true), []int64{master})
	eq(t, ids(SearchQuery{Text: "маст"}, w.a[0], false), []int64{})
	eq(t, ids(SearchQuery{Text: ""}, w.a[0], false), []int64{})
	hits, err := w.e.Search(asKid, SearchQuery{Text: "булгаков", LibraryID: w.lib})
	w.must(err)
	for _, h := range hits {
		switch h.BookID {
		case master:
			if !h.HasVerdict || h.Verdict != VerdictTake || h.TooYoung || h.Authors != "Михаил Булгаков" || h.Score <= 0 {
				t.Fatalf("master %+v", h)
			}
		case heart:
			if !h.HasVerdict || h.Verdict != VerdictRefused || h.Reason != ReasonAge || !h.TooYoung {
				t.Fatalf("heart %+v", h)
			}
		}
	}
	eq(t, ids(SearchQuery{Text: "булгаков", LibraryID: w.lib, AvailableOnly: true}, asKid, false), []int64{master})
	eq(t, ids(SearchQuery{Text: "булгаков", AgeAppropriate: true}, asKid, false), []int64{master})
	eq(t, len(ids(SearchQuery{Text: "булгаков", Limit: 1}, w.a[0], false)), 1)
	fund, err := w.e.ListBooks(asKid, ListQuery{List: ListFund, LibraryID: w.lib})
	w.must(err)
	if len(fund.Entries) != 2 || fund.Entries[0].Book.ID != master || !fund.Entries[0].AgeOK ||
		fund.Entries[1].Book.ID != heart || fund.Entries[1].AgeOK {
		t.Fatalf("fund for a child %+v", fund)
	}
	eq(t, ids(SearchQuery{Text: "война", Language: "ru"}, w.a[0], false), []int64{war})
	eq(t, ids(SearchQuery{Text: "война", Language: "en"}, w.a[0], false), []int64{})
	eq(t, ids(SearchQuery{Text: "булгаков", Kind: KindAudiobook}, w.a[0], false), []int64{})
}
