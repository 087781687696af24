"""
From the stages (data) and a day to the deadline ranges each stage is due for.

An item's position on `today` is p = -working_days_left(today, deadline): -3 = three working
days to go, 0 = due today, 1 = one working day overdue. A one-off stage with offset o is due
while o <= p < o', o' being the next one-off stage's offset, or o + catch_up_days if sooner.
As p grows with the deadline going back in time, each window is one half-open range of
deadlines, found by a binary search over the working-day calendar (a handful of pure calls).

A repeating stage (every N calendar days after the deadline) has occurrence k due while
k*N <= today - deadline < k*N + catch_up_days, k = 1..max_repeats: one range per occurrence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from danvan.calendar.selectors import working_days_left
from danvan.notify.models import ReminderStage

DateRange = tuple[date, date]


@dataclass(frozen=True)
class Window:
    stage: ReminderStage
    occurrence: int
    first: date  # deadlines in [first, after)
    after: date

    def contains(self, deadline: date) -> bool:
        return self.first <= deadline < self.after


def first_deadline_beyond(today: date, position: int) -> date:
    """The earliest deadline whose position on `today` is below `position` (p < position)."""
    # p(d) = -working_days_left(today, d) is non-increasing in d: search the first d with
    # working_days_left(today, d) > -position.
    span = 7 * (abs(position) + 10)
    low, high = today - timedelta(days=span), today + timedelta(days=span)
    while low < high:
        middle = low + (high - low) // 2
        if working_days_left(today, middle) > -position:
            high = middle
        else:
            low = middle + timedelta(days=1)
    return low


def windows(stages: Sequence[ReminderStage], today: date) -> list[Window]:
    """The deadline ranges each active stage is due for on `today`."""
    found: list[Window] = []
    once = sorted(
        (s for s in stages if s.is_active and not s.repeat_every_days), key=lambda s: s.offset_days
    )
    for number, stage in enumerate(once):
        upper = stage.offset_days + max(stage.catch_up_days, 1)
        if number + 1 < len(once):
            upper = min(upper, once[number + 1].offset_days)
        if upper <= stage.offset_days:
            continue
        # o <= p < upper  <=>  beyond(upper) <= deadline < beyond(o)
        first = first_deadline_beyond(today, upper)
        after = first_deadline_beyond(today, stage.offset_days)
        if first < after:
            found.append(Window(stage, 0, first, after))
    for stage in stages:
        if not stage.is_active or not stage.repeat_every_days:
            continue
        every = stage.repeat_every_days
        grace = min(max(stage.catch_up_days, 1), every)
        for occurrence in range(1, stage.max_repeats + 1):
            # occurrence*every <= today - deadline < occurrence*every + grace
            after = today - timedelta(days=occurrence * every - 1)
            first = today - timedelta(days=occurrence * every + grace - 1)
            found.append(Window(stage, occurrence, first, after))
    return found


def merged_ranges(found: Sequence[Window]) -> list[DateRange]:
    """The windows' ranges merged, for one OR-of-ranges query on the deadline column."""
    spans = sorted((w.first, w.after) for w in found)
    merged: list[DateRange] = []
    for first, after in spans:
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], after))
        else:
            merged.append((first, after))
    return merged
