package lend

/*
#include <stdlib.h>
#include <lend.h>
*/
import "C"

// SearchQuery is what is searched for: the text typed, and optional
// filters. With LibraryID, a reader holding a ticket there gets verdicts;
// AvailableOnly keeps the books the library can hand out now. Limit 0: the
// default (20 for a search, 10 for suggestions).
type SearchQuery struct {
	Text           string
	Kind           Kind
	Language       string
	LibraryID      int64
	AvailableOnly  bool
	AgeAppropriate bool
	Limit          int
}

// SearchHit is a search result. Verdict and Reason are the asking reader's
// availability on the query's library when HasVerdict.
type SearchHit struct {
	BookID     int64
	Title      string
	Authors    string // in order, separated by ", "
	Kind       Kind
	AgeRating  int
	Score      int64 // larger is better
	TooYoung   bool
	HasVerdict bool
	Verdict    Verdict
	Reason     Reason
}

func (e *Engine) find(a *Actor, q SearchQuery,
	fn func(*C.lend_engine, *C.lend_actor, *C.lend_search_query, **C.lend_search_results) C.int) ([]SearchHit, error) {
	var h *C.lend_search_query
	if rc := C.lend_search_query_new(&h); rc != 0 {
		return nil, errorf(Status(rc), "cannot make a search query")
	}
	defer C.lend_search_query_free(h)
	var cs cstrings
	defer cs.free()
	err := check(C.lend_search_query_set_text(h, cs.of(q.Text)), "the text", q.Text)
	if err == nil {
		err = check(C.lend_search_query_set_kind(h, C.int(q.Kind)), "the kind", q.Kind)
	}
	if err == nil {
		err = check(C.lend_search_query_set_language(h, cs.opt(q.Language)), "the language", q.Language)
	}
	if err == nil {
		err = check(C.lend_search_query_set_library(h, C.int64_t(q.LibraryID)), "the library", q.LibraryID)
	}
	if err == nil {
		err = check(C.lend_search_query_set_available_only(h, cbool(q.AvailableOnly)), "available only", q.AvailableOnly)
	}
	if err == nil {
		err = check(C.lend_search_query_set_age_appropriate(h, cbool(q.AgeAppropriate)), "age appropriate",
			q.AgeAppropriate)
	}
	if err == nil && q.Limit != 0 {
		err = check(C.lend_search_query_set_limit(h, C.int(q.Limit)), "the limit", q.Limit)
	}
	if err != nil {
		return nil, err
	}
	var r *C.lend_search_results
	if err := e.as(a, func(c *C.lend_engine, ca *C.lend_actor) C.int { return fn(c, ca, h, &r) }); err != nil {
		return nil, err
	}
	defer C.lend_search_results_free(r)
	out := []SearchHit{}
	for i, n := C.size_t(0), C.lend_search_results_count(r); i < n; i++ {
		x := C.lend_search_results_get(r, i)
		out = append(out, SearchHit{BookID: int64(C.lend_search_hit_book_id(x)), Title: str(C.lend_search_hit_title(x)),
			Authors: str(C.lend_search_hit_authors(x)), Kind: Kind(C.lend_search_hit_kind(x)),
			AgeRating: int(C.lend_search_hit_age_rating(x)), Score: int64(C.lend_search_hit_score(x)),
			TooYoung: C.lend_search_hit_too_young(x) != 0, HasVerdict: C.lend_search_hit_has_verdict(x) != 0,
			Verdict: Verdict(C.lend_search_hit_verdict(x)), Reason: Reason(C.lend_search_hit_reason(x))})
	}
	return out, nil
}

// Search runs a full search, best first: every word of the text matches a
// whole word (folding case, accents, transliteration and keyboard layout).
func (e *Engine) Search(a *Actor, q SearchQuery) ([]SearchHit, error) {
	return e.find(a, q, func(c *C.lend_engine, ca *C.lend_actor, h *C.lend_search_query, r **C.lend_search_results) C.int {
		return C.lend_search(c, ca, h, r)
	})
}

// Suggest returns suggestions while typing: as Search, but the last word may
// be the start of a word.
func (e *Engine) Suggest(a *Actor, q SearchQuery) ([]SearchHit, error) {
	return e.find(a, q, func(c *C.lend_engine, ca *C.lend_actor, h *C.lend_search_query, r **C.lend_search_results) C.int {
		return C.lend_suggest(c, ca, h, r)
	})
}
