#!/usr/bin/python3
"""liblend from Python: open an engine, import a few books of the demo
catalog, search it, take one, queue for it, ask the librarian for another (approved
for one reader, denied for the other), move the clock and watch the
hand-off and the notifications with their texts.

Run from the source tree after building (meson setup build && ninja -C build):

    /usr/bin/python3 bindings/python/examples/demo.py [data/demo/catalog.csv]

(LIBLEND_PATH=/path/to/liblend.so.1 picks another library.)
"""
from __future__ import annotations

import csv
import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the package beside this example

from liblend import Engine, Kind, ManualClock, Notification, Reason, Refused, RequestState, Verdict  # noqa: E402

CATALOG = Path(__file__).resolve().parents[3] / "data" / "demo" / "catalog.csv"


def show(n: Notification) -> None:
    """The notifier: a host would send an e-mail or a push here."""
    print("  notify reader %d: %s (loan %d)" % (n.reader_id, n.kind.name.lower().replace("_", " "), n.loan_id))
    print("    " + n.texts["en"])


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else CATALOG
    clock = ManualClock(dt.datetime(2026, 1, 12, 10, 0, tzinfo=dt.timezone.utc))
    with Engine(":memory:", clock=clock, notifier=show) as e:
        admin = e.admin()
        lib = e.add_library(admin, "Хабаровская краевая библиотека")
        e.add_budget(admin, lib, 500000, "opening budget")

        # a few books of the demo catalog, one copy each
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))[:5]
        books = {}
        for row in rows:
            b = e.add_book(admin, row["title"], authors=row["authors"].split(";"),
                           kind=Kind.AUDIOBOOK if row["kind"] == "audiobook" else Kind.EBOOK,
                           age_rating=int(row["age"]), price=int(Decimal(row["price"]) * 100),
                           currency=row["currency"])
            e.add_copies(admin, lib, b, 1)
            books[b] = row["title"]
        print("catalog: %d books" % len(books))
        for b in e.books(admin):
            print("  %3d  %-28s %s, %d.%02d %s" % (b.id, b.title, ", ".join(b.authors), b.price.amount // 100,
                                                    b.price.amount % 100, b.price.currency))

        ivan = e.add_reader(admin, "Иван Петров", dt.date(1987, 4, 12))
        anna = e.add_reader(admin, "Анна Смирнова", dt.date(1992, 9, 3))
        t_ivan = e.issue_ticket(admin, lib, ivan)
        t_anna = e.issue_ticket(admin, lib, anna)
        as_ivan, as_anna = e.reader(ivan), e.reader(anna)
        print("cards: %s (Иван), %s (Анна)" % (t_ivan.number, t_anna.number))

        # search as you type: a Latin transliteration finds the Cyrillic names
        for typed in ("tolst", "tolstoy voina"):
            hits = e.suggest(as_ivan, typed, library_id=lib, limit=3)
            print("suggest %r: %s" % (typed, "; ".join("«%s» (%s, %s)" % (
                h.title, h.authors, h.verdict.name.lower() if h.verdict is not None else "-") for h in hits)))

        book = next(iter(books))
        loan = e.take(as_ivan, t_ivan.id, book)
        print("Иван takes «%s» until %s" % (books[book], loan.due_at.strftime("%Y-%m-%d %H:%M UTC")))
        try:
            e.take(as_anna, t_anna.id, book)
        except Refused as exc:
            print("Анна cannot take it: %s (%s)" % (exc.message, exc.reason.name))
        v = e.availability(as_anna, t_anna.id, book)
        assert v.verdict == Verdict.QUEUE
        hold = e.join_queue(as_anna, t_anna.id, book)
        print("Анна joins the queue: place %d, expected by %s" % (hold.position, hold.wait_until.date()))

        # asking the librarian
        olga = e.add_reader(admin, "Ольга Иванова (librarian)")
        e.grant(admin, lib, olga)
        desk = e.librarian(olga)
        other = list(books)[2]
        r_ivan = e.request(as_ivan, t_ivan.id, other)
        r_anna = e.request(as_anna, t_anna.id, other)
        for r in e.pending_requests(desk, lib):
            print("pending request %d: reader %d, «%s», %d of %d copies on loan, budget %d.%02d" % (
                r.id, r.reader_id, books[r.book_id], r.on_loan, r.copies, r.budget // 100, r.budget % 100))
        done = e.approve(desk, r_ivan.id)
        assert done.state == RequestState.APPROVED
        print("Ольга approves Иван's request: loan %d" % done.loan_id)
        e.deny(desk, r_anna.id, Reason.LIBRARIAN, "the only copy is out; please join the queue")
        print("Ольга denies Анна's request: %s" % e.get_request(as_anna, r_anna.id).text)
        print("delivering:")
        e.deliver()

        clock.advance(days=14)
        ended, handed = e.tick()
        print("two weeks later (%s): %d loan ended, %d hand-off" % (e.now().date(), ended, handed))
        hold = e.get_hold(as_anna, hold.id)
        mine = e.get_loan(as_anna, hold.loan_id)
        print("Анна now has «%s» (origin %s) until %s" % (books[mine.book_id], mine.origin.name.lower(),
                                                         mine.due_at.date()))
        print("delivering:")
        e.deliver()
        assert e.check() == []
    return 0


if __name__ == "__main__":
    sys.exit(main())
