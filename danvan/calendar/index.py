"""
The working-day index behind the selectors: which days are working days, kept as arrays so
that deadline arithmetic is a couple of array look-ups, cached in each process and thread.

Freshness. The statutory calendar (holidays.VN) never changes while a process runs; only
the exceptions table does, and only through the services. The index remembers the version
token stored in the Django cache (shared by every process: Redis in production, a file
cache in embedded mode) and re-reads it at most every CALENDAR_CHECK_SECONDS (default 2),
so one process's change reaches the others within that time; the process that made the
change forgets its index at once. Between checks a computation touches neither the cache
nor the database: a million deadlines cost one query.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from array import array
from datetime import date
from functools import lru_cache
from typing import Any

import holidays
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext as _

# Years the arithmetic supports; a date outside them is a caller's mistake (a typo'd year),
# and refusing it keeps one bad input from building a calendar of eight thousand years.
MIN_YEAR = 1990
MAX_YEAR = 2199
VERSION_KEY = "danvan:calendar:version"
DEFAULT_CHECK_SECONDS = 2.0

WORKING = 1
DAY_OFF_KIND = "day_off"
WORKING_DAY_KIND = "working_day"


class OutOfRange(Exception):
    """The index does not reach far enough; `earlier` says in which direction."""

    def __init__(self, earlier: bool) -> None:
        super().__init__("earlier" if earlier else "later")
        self.earlier = earlier


class YearOutOfRange(ValueError):
    """A date the working-day calendar does not cover (the API answers 400, not 500)."""


def check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise YearOutOfRange(
            _("The calendar covers the years %(first)d to %(last)d only.")
            % {"first": MIN_YEAR, "last": MAX_YEAR}
        )


# --- The statutory calendar (no database) --------------------------------------------------
@lru_cache(maxsize=512)
def statutory_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off by law, weekend days made working by a government swap) of `year`."""
    calendar = holidays.VN(years=range(year - 1, year + 2))
    days_off = frozenset(day for day in calendar if day.year == year)
    weekend_workdays = frozenset(
        day for day in calendar.weekend_workdays if day.year == year and day.weekday() >= 5
    )
    return days_off, weekend_workdays


@lru_cache(maxsize=256)
def statutory_names(year: int, language: str) -> tuple[tuple[date, str], ...]:
    """The statutory days off of `year` with their names in `language` ("vi" or "en_US")."""
    calendar = holidays.VN(years=year, language=language)
    return tuple(sorted((day, name) for day, name in calendar.items() if day.year == year))


def statutory_is_working(day: date) -> bool:
    """Whether the law alone (without the exceptions table) makes `day` a working day."""
    days_off, weekend_workdays = statutory_year(day.year)
    if day.weekday() >= 5:
        return day in weekend_workdays
    return day not in days_off


# --- The index ------------------------------------------------------------------------------
class Index:
    """
    Working days of the whole years first_year..last_year.

    `rank[i]` is the number of working days before offset i (so it has one entry more than
    there are days), and `ordinals` lists the working days' ordinals in order: "the n-th
    working day after d" is `ordinals[count_upto(d) + n - 1]`.
    """

    __slots__ = ("first", "first_year", "last", "last_year", "ordinals", "rank", "working")

    def __init__(self, first_year: int, last_year: int, exceptions: dict[date, str]) -> None:
        self.first_year = first_year
        self.last_year = last_year
        self.first = date(first_year, 1, 1).toordinal()
        self.last = date(last_year, 12, 31).toordinal()
        size = self.last - self.first + 1
        first_weekday = date(first_year, 1, 1).weekday()
        working = bytearray((first_weekday + i) % 7 < 5 for i in range(size))
        for year in range(first_year, last_year + 1):
            days_off, weekend_workdays = statutory_year(year)
            for day in days_off:
                working[day.toordinal() - self.first] = 0
            for day in weekend_workdays:
                working[day.toordinal() - self.first] = 1
        for day, kind in exceptions.items():
            if first_year <= day.year <= last_year:
                working[day.toordinal() - self.first] = kind == WORKING_DAY_KIND
        rank = array("l", [0]) * (size + 1)
        running = 0
        for i, flag in enumerate(working):
            running += flag
            rank[i + 1] = running
        self.working = bytes(working)
        self.rank = rank
        self.ordinals = array("l", (self.first + i for i, flag in enumerate(working) if flag))

    def is_working(self, ordinal: int) -> bool:
        offset = ordinal - self.first
        if offset < 0:
            raise OutOfRange(earlier=True)
        if ordinal > self.last:
            raise OutOfRange(earlier=False)
        return self.working[offset] == WORKING

    def count_upto(self, ordinal: int) -> int:
        """Working days with an ordinal <= `ordinal` (from the start of the index)."""
        offset = ordinal - self.first + 1
        if offset < 0:
            raise OutOfRange(earlier=True)
        if ordinal > self.last:
            raise OutOfRange(earlier=False)
        return self.rank[offset]

    def nth(self, position: int) -> int:
        """The ordinal of the working day at `position` (0-based) in the index."""
        if position < 0:
            raise OutOfRange(earlier=True)
        if position >= len(self.ordinals):
            raise OutOfRange(earlier=False)
        return self.ordinals[position]


# --- The per-process (per-thread) cache ------------------------------------------------------
class _State(threading.local):
    index: Index | None = None
    exceptions: dict[date, str] | None = None
    token: str | None = None
    valid_until: float = 0.0
    generation: int = -1
    # The outermost atomic block of the transaction in which this thread changed the
    # calendar: until it ends, the index shows that transaction's own (uncommitted) view.
    provisional: Any = None


_state = _State()
# Bumped when a change commits in this process: every thread's index is then stale.
_generation = 0


def _check_seconds() -> float:
    return float(getattr(settings, "CALENDAR_CHECK_SECONDS", DEFAULT_CHECK_SECONDS))


def _read_token() -> str | None:
    try:
        token = cache.get(VERSION_KEY)
        if token is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            token = cache.get(VERSION_KEY)
    except Exception:
        # A cache outage must not stop deadline arithmetic: without a token the index
        # is re-read from the database at every check instead.
        return None
    return token


def _load_exceptions() -> dict[date, str]:
    from danvan.calendar.models import CalendarException

    return dict(CalendarException.objects.values_list("day", "kind"))


def _outermost_block() -> Any:
    blocks = connection.atomic_blocks
    return blocks[0] if blocks else None


def index_for(first_year: int, last_year: int) -> Index:
    """An index covering at least the years first_year..last_year, fresh enough."""
    state = _state
    index = state.index
    if (
        index is not None
        and state.provisional is None
        and state.generation == _generation
        and time.monotonic() < state.valid_until
        and index.first_year <= first_year
        and last_year <= index.last_year
    ):
        return index
    return _refresh(first_year, last_year)


def _refresh(first_year: int, last_year: int) -> Index:
    state = _state
    check_year(first_year)
    check_year(last_year)
    fresh = False
    if state.provisional is not None:
        if state.provisional is _outermost_block():
            fresh = state.exceptions is not None and state.generation == _generation
        else:
            state.provisional = None
            state.exceptions = None
    elif state.exceptions is not None and state.generation == _generation:
        if time.monotonic() < state.valid_until:
            fresh = True
        else:
            token = _read_token()
            fresh = token is not None and token == state.token
            if fresh:
                state.valid_until = time.monotonic() + _check_seconds()
    if not fresh:
        # Read the token before the rows: a change committed in between then shows up as
        # a new token at the next check instead of being missed.
        token = None if state.provisional is not None else _read_token()
        state.exceptions = _load_exceptions()
        state.token = token
        state.generation = _generation
        state.valid_until = time.monotonic() + _check_seconds()
        state.index = None
    index = state.index
    if index is not None and index.first_year <= first_year and last_year <= index.last_year:
        return index
    # Build (or widen) the index; a little margin saves rebuilding for next year's deadlines.
    if index is not None:
        first_year = min(first_year, index.first_year)
        last_year = max(last_year, index.last_year)
    else:
        first_year, last_year = first_year - 1, last_year + 2
    first_year, last_year = max(first_year, MIN_YEAR), min(last_year, MAX_YEAR)
    assert state.exceptions is not None
    state.index = Index(first_year, last_year, state.exceptions)
    return state.index


def widen(index: Index, error: OutOfRange) -> tuple[int, int]:
    """The year range to ask for after `error`: twice as wide in the missing direction."""
    span = index.last_year - index.first_year + 1
    if error.earlier:
        if index.first_year <= MIN_YEAR:
            check_year(MIN_YEAR - 1)
        return index.first_year - span, index.last_year
    if index.last_year >= MAX_YEAR:
        check_year(MAX_YEAR + 1)
    return index.first_year, index.last_year + span


def forget_in_transaction() -> None:
    """Called by the services after writing an exception, before recomputing deadlines."""
    state = _state
    state.index = None
    state.exceptions = None
    state.token = None
    state.provisional = _outermost_block()
    if state.provisional is None:
        publish_change()


def publish_change() -> None:
    """After a change commits: every process's index is stale (new shared token)."""
    global _generation
    _generation += 1
    state = _state
    state.index = None
    state.exceptions = None
    state.token = None
    # Run inside a transaction only when tests emulate on_commit; what this thread reads
    # there is not committed, so it is treated like the changing transaction's own view.
    state.provisional = _outermost_block()
    # If the cache is down, other processes fall back to their periodic re-read.
    with contextlib.suppress(Exception):
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def forget() -> None:
    """Drop this process's cached index (tests call it between tests)."""
    global _generation
    _generation += 1
    state = _state
    state.index = None
    state.exceptions = None
    state.token = None
    state.provisional = None
    state.valid_until = 0.0
