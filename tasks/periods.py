"""
Periods written the way tasks are given: "6 tháng cuối năm 2018", "năm 2021", "quý 3 năm 2021",
"tháng 10/2018", "giai đoạn 2021 – 2026". Each becomes (start, end, label).
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from danvan.core.text import fold
from tasks.numbering import ParseError


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    label: str


_YEAR = r"(?P<year>(?:19|20)\d\d)"
_HALF = re.compile(rf"^6 thang (?P<half>dau|cuoi) nam {_YEAR}$")
_YEAR_ONLY = re.compile(rf"^nam {_YEAR}$")
_QUARTER = re.compile(rf"^quy (?P<q>[1-4]|i{{1,3}}|iv) nam {_YEAR}$")
_MONTH = re.compile(rf"^thang (?P<m>\d{{1,2}})\s*(?:/|nam)\s*{_YEAR}$")
_RANGE = re.compile(
    r"^(?:giai doan |nhiem ky )?(?P<a>(?:19|20)\d\d)\s*[-–—]\s*(?P<b>(?:19|20)\d\d)$"
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str) -> Period:
    """A period as written in Vietnamese; ParseError with a message for a person otherwise."""
    label = " ".join((text or "").split())
    folded = fold(label).replace("–", "-")
    if not folded:
        raise ParseError(_("The period is empty."))
    if match := _HALF.match(folded):
        year = int(match["year"])
        if match["half"] == "dau":
            return Period(datetime.date(year, 1, 1), datetime.date(year, 6, 30), label)
        return Period(datetime.date(year, 7, 1), datetime.date(year, 12, 31), label)
    if match := _YEAR_ONLY.match(folded):
        year = int(match["year"])
        return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), label)
    if match := _QUARTER.match(folded):
        year, quarter = int(match["year"]), _ROMAN.get(match["q"]) or int(match["q"])
        first = 3 * (quarter - 1) + 1
        return Period(datetime.date(year, first, 1), _month_end(year, first + 2), label)
    if match := _MONTH.match(folded):
        year, month = int(match["year"]), int(match["m"])
        if not 1 <= month <= 12:
            raise ParseError(_("There is no month %(month)s.") % {"month": month})
        return Period(datetime.date(year, month, 1), _month_end(year, month), label)
    if match := _RANGE.match(folded):
        first, last = int(match["a"]), int(match["b"])
        if last < first:
            raise ParseError(_("The period ends before it starts."))
        return Period(datetime.date(first, 1, 1), datetime.date(last, 12, 31), label)
    raise ParseError(
        _(
            "Cannot read the period “%(text)s”. Write for example “6 tháng cuối năm 2018”, "
            "“năm 2021”, “quý 3 năm 2021”, “tháng 10/2018” or “giai đoạn 2021 – 2026”."
        )
        % {"text": label}
    )
