"""The fixture the Python tests share: a driven clock, a recording notifier,
a library with readers and tickets (like tests/helpers.h in C)."""
from __future__ import annotations

import datetime as dt
import os
import sys
import unittest

# the package beside the tests, unless an installed one is asked for
if not os.environ.get("LIBLEND_INSTALLED"):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from typing import Any, Dict, List, Optional

from liblend import Engine, Kind, ManualClock, Notification

UTC = dt.timezone.utc
START = dt.datetime(2026, 1, 12, 10, 0, 0, tzinfo=UTC)  # a Monday, as in the C suite
DAY = dt.timedelta(days=1)


class Recorder:
    """A notifier that records what it receives; ``fail`` makes it raise."""

    def __init__(self) -> None:
        self.seen: List[Notification] = []
        self.fail: Optional[BaseException] = None
        self.decline = False

    def __call__(self, n: Notification) -> Optional[bool]:
        if self.fail is not None:
            raise self.fail
        if self.decline:
            return False
        self.seen.append(n)
        return None


class EngineTest(unittest.TestCase):
    """An engine on ":memory:" with a driven clock and a recorder."""

    path = ":memory:"
    options: Dict[str, Any] = {}  # more keywords for Engine()

    def setUp(self) -> None:
        self.clock = ManualClock(START)
        self.rec = Recorder()
        self.e = Engine(self.path, clock=self.clock, notifier=self.rec, **self.options)
        self.addCleanup(self.e.close)
        self.admin = self.e.admin()

    def world(self, n: int, budget: int = 0) -> None:
        """A library, n readers born 1990-01-01 with a ticket each, and their actors."""
        self.lib = self.e.add_library(self.admin, "Central Library")
        if budget:
            self.e.add_budget(self.admin, self.lib, budget, "opening budget")
        self.r = [self.e.add_reader(self.admin, "Reader %d" % i, dt.date(1990, 1, 1)) for i in range(n)]
        self.tk = [self.e.issue_ticket(self.admin, self.lib, r).id for r in self.r]
        self.a = [self.e.reader(r) for r in self.r]

    def book(self, title: str = "Book", copies: int = 1, price: int = 39900, kind: Kind = Kind.EBOOK,
             **kw: object) -> int:
        b = self.e.add_book(self.admin, title, authors=["Автор"], kind=kind, price=price, **kw)  # type: ignore[arg-type]
        if copies:
            self.e.add_copies(self.admin, self.lib, b, copies)
        return b

    def state(self) -> tuple:
        """Everything a call could change, to compare before and after."""
        e, adm = self.e, self.admin
        return (e.libraries(adm), list(e.books(adm)), [list(e.fund(adm, x.id)) for x in e.libraries(adm)],
                [(e.loans(adm, r), e.holds(adm, r), e.tickets(adm, r)) for r in getattr(self, "r", [])],
                e.outbox(adm))

    def assertClean(self) -> None:
        self.assertEqual(self.e.check(), [])
