"""Fixtures for the calendar tests: a fresh in-process calendar, and a real small recomputer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from danvan.calendar import index
from danvan.calendar.selectors import deadline
from danvan.calendar.services import register_deadline_recomputer, unregister_deadline_recomputer


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    """Each test starts from the database, not from an index another test left behind."""
    index.forget()
    yield
    index.forget()


@dataclass
class OpenDeadline:
    start: date
    amount: int
    unit: str
    due: date = field(init=False)

    def __post_init__(self) -> None:
        self.due = deadline(self.start, self.amount, self.unit)


@dataclass
class DeadlineBook:
    """A stand-in for another app's open deadlines, recomputed the way such an app would."""

    open: list[OpenDeadline] = field(default_factory=list)
    calls: list[date] = field(default_factory=list)

    def add(self, start: date, amount: int, unit: str = "working") -> OpenDeadline:
        item = OpenDeadline(start, amount, unit)
        self.open.append(item)
        return item

    def recompute(self, changed_day: date) -> int:
        self.calls.append(changed_day)
        changed = 0
        for item in self.open:
            # A day after the start can move the due date (earlier or later).
            if item.start < changed_day:
                due = deadline(item.start, item.amount, item.unit)
                if due != item.due:
                    item.due = due
                    changed += 1
        return changed


@pytest.fixture
def deadline_book(db: Any) -> Iterator[DeadlineBook]:
    book = DeadlineBook()
    register_deadline_recomputer(book.recompute)
    yield book
    unregister_deadline_recomputer(book.recompute)
