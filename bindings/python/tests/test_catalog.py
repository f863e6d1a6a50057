"""The catalog and search through the binding (as in tests/test_catalog.c
and tests/test_search.c): metadata, authors, import, listings, ratings,
reviews, search and suggestions."""
from __future__ import annotations

import os
import tempfile
import unittest

from support import DAY, START, EngineTest

from liblend import (AuthorRole, CallbackError, ImportFormat, ImportProblem, InvalidInput, InvalidState, Kind, ListKind,
                     NotFound, Reason, Verdict, isbn_normalize)


class Catalog(EngineTest):
    def setUp(self) -> None:
        super().setUp()
        self.world(1)

    def test_metadata_and_authors(self) -> None:
        b = self.e.add_book(self.admin, "Мастер и Маргарита", authors=["Михаил Булгаков"], kind=Kind.AUDIOBOOK,
                            subtitle="роман", series="Собрание сочинений", series_number=5, language="ru",
                            narrators=["Александр Филиппенко"], publisher="Союз", year=2006, isbn="0-306-40615-2",
                            genres=["классика", "роман"], annotation="Первая строка\nвторая", preview=600,
                            length=72000, external_id="soyuz-42")
        book = self.e.get_book(self.admin, b)
        self.assertEqual((book.subtitle, book.series, book.series_number, book.language, book.publisher, book.year),
                         ("роман", "Собрание сочинений", 5, "ru", "Союз", 2006))
        self.assertEqual((book.narrators, book.genres), (("Александр Филиппенко",), ("классика", "роман")))
        self.assertEqual((book.isbn, book.annotation, book.preview, book.length, book.external_id),
                         ("9780306406157", "Первая строка\nвторая", 600, 72000, "soyuz-42"))
        self.assertEqual((book.created_at, book.updated_at, book.withdrawn_at), (START, START, None))
        with self.assertRaises(InvalidInput):
            self.e.add_book(self.admin, "Bad", isbn="978-0-306-40615-8")
        self.clock.advance(days=1)
        got = self.e.update_book(self.admin, b, subtitle="", more_genres=["мистика"], series_number=6)
        self.assertEqual((got.subtitle, got.series, got.series_number), ("", "Собрание сочинений", 6))
        self.assertEqual((got.genres, got.updated_at), (("классика", "роман", "мистика"), START + DAY))
        au = self.e.find_author(self.admin, "Михаил Булгаков")
        self.e.add_author_alias(self.admin, au.id, "Mikhail Bulgakov")
        self.assertEqual(self.e.get_author(self.admin, au.id).aliases, ("Mikhail Bulgakov",))
        self.assertEqual([x.id for x in self.e.book_authors(self.admin, b)], [au.id])
        self.assertEqual([x.name for x in self.e.book_authors(self.admin, b, AuthorRole.NARRATOR)],
                         ["Александр Филиппенко"])
        with self.assertRaises(NotFound):
            self.e.find_author(self.admin, "Nobody")
        self.assertEqual(isbn_normalize("0-306-40615-2"), "9780306406157")
        self.assertIsNone(isbn_normalize("0-306-40615-3"))
        self.e.withdraw_book(self.admin, b)
        self.assertEqual(self.e.get_book(self.admin, b).withdrawn_at, START + DAY)
        with self.assertRaises(InvalidState):
            self.e.withdraw_book(self.admin, b)

    def test_import(self) -> None:
        fd, path = tempfile.mkstemp(suffix=".csv")
        self.addCleanup(os.unlink, path)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("title,authors,kind,age,price,currency,external_id\n"
                    "Идиот,Фёдор Достоевский,ebook,16,120.00,RUB,x-1\n"
                    ",Nobody,ebook,0,1.00,RUB,x-2\n"
                    "Бесы,Фёдор Достоевский,ebook,16,150.00,RUB,x-3\n")
        seen = []
        rep = self.e.import_catalog(self.admin, path, progress=lambda done, total: seen.append((done, total)))
        self.assertEqual((rep.rows, rep.added, rep.updated, rep.unchanged, rep.failed), (3, 2, 0, 0, 1))
        self.assertEqual(rep.errors, (ImportProblem(3, rep.errors[0].reason),))
        self.assertTrue(rep.errors[0].reason)
        self.assertEqual(seen[-1], (3, 3))
        idiot = self.e.get_book(self.admin, rep.book_ids[0])
        self.assertEqual((idiot.title, idiot.age_rating, idiot.price.amount, idiot.external_id),
                         ("Идиот", 16, 12000, "x-1"))
        again = self.e.import_catalog(self.admin, path, ImportFormat.CSV)
        self.assertEqual((again.added, again.unchanged, again.book_ids), (0, 2, rep.book_ids))
        with self.assertRaises(CallbackError) as cm:
            self.e.import_catalog(self.admin, path, progress=lambda done, total: 1 // 0)
        self.assertIsInstance(cm.exception.__cause__, ZeroDivisionError)
        self.assertEqual(cm.exception.report.rows, 3)
        with self.assertRaises(CallbackError) as cm:
            self.e.import_catalog(self.admin, path, progress=lambda done, total: False)
        self.assertIsNone(cm.exception.__cause__)

    def test_listings_ratings_reviews(self) -> None:
        old = self.book("Old", copies=1)
        teen = self.book("Teen", copies=1, age_rating=18)
        self.clock.advance(days=1)
        new = self.book("New", copies=1, genres=["poetry"])
        self.e.update_book(self.admin, old, more_genres=["poetry"])
        page = self.e.list_books(self.a[0], ListKind.FUND, ticket_id=self.tk[0], limit=2)
        self.assertEqual([x.book.id for x in page], [old, teen])
        self.assertTrue(page.next)
        assert page[0].availability is not None
        self.assertEqual(page[0].availability.verdict, Verdict.TAKE)
        self.assertEqual((self.e.get_reader(self.admin, self.r[0]).birth_date.year), 1990)
        rest = self.e.list_books(self.a[0], ListKind.FUND, ticket_id=self.tk[0], limit=2, cursor=page.next)
        self.assertEqual(([x.book.id for x in rest], rest.next), ([new], ""))
        genre = self.e.list_books(self.a[0], ListKind.GENRE, genre="poetry")
        self.assertEqual([x.book.id for x in genre], [new, old])
        self.assertIsNone(genre[0].availability)
        self.e.set_rating(self.a[0], self.r[0], new, 4)
        self.assertEqual(self.e.rating(self.a[0], self.r[0], new), 4)
        self.assertIsNone(self.e.rating(self.a[0], self.r[0], old))
        s = self.e.book_rating(self.a[0], new)
        self.assertEqual((s.total, s.counts[4], s.counts[5], s.average), (1, 1, 0, 4.0))
        self.e.remove_rating(self.a[0], self.r[0], new)
        with self.assertRaises(NotFound):
            self.e.remove_rating(self.a[0], self.r[0], new)
        rv = self.e.add_review(self.a[0], self.r[0], new, "Хорошо")
        self.clock.advance(hours=1)
        self.e.edit_review(self.a[0], rv, "Очень хорошо")
        got = self.e.reviews(self.admin, new)
        self.assertEqual([(x.id, x.text, x.reader_id) for x in got], [(rv, "Очень хорошо", self.r[0])])
        self.assertEqual(got[0].updated_at, START + DAY + DAY / 24)
        self.e.delete_review(self.a[0], rv)
        self.assertEqual(self.e.reviews(self.admin, new), [])


class Search(EngineTest):
    def setUp(self) -> None:
        super().setUp()
        self.world(1)
        self.master = self.e.add_book(self.admin, "Мастер и Маргарита", authors=["Михаил Булгаков"])
        self.e.add_copies(self.admin, self.lib, self.master, 1)
        self.heart = self.e.add_book(self.admin, "Собачье сердце", authors=["Михаил Булгаков"], age_rating=18)
        self.e.add_copies(self.admin, self.lib, self.heart, 1)
        self.kid = self.e.add_reader(self.admin, "Kid", START.date().replace(year=2015))
        self.e.issue_ticket(self.admin, self.lib, self.kid)
        self.as_kid = self.e.reader(self.kid)
        self.war = self.e.add_book(self.admin, "Война и мир", authors=["Лев Толстой"], language="ru")

    def test_search_folds_and_ranks(self) -> None:
        hits = self.e.search(self.a[0], "булгаков")
        self.assertEqual({h.book_id for h in hits}, {self.master, self.heart})
        self.assertEqual([h.book_id for h in self.e.search(self.a[0], "bulgakov")], [h.book_id for h in hits])
        self.assertEqual([h.book_id for h in self.e.search(self.a[0], ",ekufrjd")], [h.book_id for h in hits])
        self.assertEqual([h.book_id for h in self.e.search(self.a[0], "Tolstoy")], [self.war])
        top = self.e.search(self.a[0], "мастер и маргарита")[0]
        self.assertEqual((top.book_id, top.title, top.authors), (self.master, "Мастер и Маргарита", "Михаил Булгаков"))
        self.assertGreater(top.score, 0)
        self.assertIsNone(top.verdict)
        self.assertEqual(self.e.search(self.a[0], ""), [])

    def test_suggest_and_filters(self) -> None:
        self.assertEqual([h.book_id for h in self.e.suggest(self.a[0], "маст")], [self.master])
        self.assertEqual(self.e.search(self.a[0], "маст"), [])
        by_id = {h.book_id: h for h in self.e.search(self.as_kid, "булгаков", library_id=self.lib)}
        self.assertEqual(by_id[self.master].verdict, Verdict.TAKE)
        self.assertEqual((by_id[self.heart].verdict, by_id[self.heart].reason), (Verdict.REFUSED, Reason.AGE))
        self.assertTrue(by_id[self.heart].too_young)
        self.assertFalse(self.e.search(self.a[0], "сердце", library_id=self.lib)[0].too_young)
        self.assertEqual([h.book_id for h in self.e.search(self.as_kid, "булгаков", library_id=self.lib,
                                                           available_only=True)], [self.master])
        self.assertEqual([h.book_id for h in self.e.search(self.as_kid, "булгаков", age_appropriate=True)],
                         [self.master])
        self.assertEqual(len(self.e.search(self.a[0], "булгаков", limit=1)), 1)
        fund = self.e.list_books(self.as_kid, ListKind.FUND, library_id=self.lib)
        self.assertEqual([(x.book.id, x.age_ok) for x in fund], [(self.master, True), (self.heart, False)])
        self.assertTrue(all(x.age_ok for x in self.e.list_books(self.a[0], ListKind.FUND, library_id=self.lib)))
        self.assertEqual([h.book_id for h in self.e.search(self.a[0], "война", language="ru")], [self.war])
        self.assertEqual(self.e.search(self.a[0], "война", language="en"), [])
        self.assertEqual(self.e.search(self.a[0], "булгаков", kind=Kind.AUDIOBOOK), [])


if __name__ == "__main__":
    unittest.main()
