"""Reporting periods: a month, a quarter, six months, a year or a custom from–to range."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from danvan.core.errors import ServiceError


class PeriodKind:
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    CUSTOM = "custom"
    ALL = (MONTH, QUARTER, HALF, YEAR, CUSTOM)


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        """How Vietnamese reports name the period: "6 tháng đầu năm 2026", "năm 2026"…"""
        year = self.start.year
        if self.kind == PeriodKind.MONTH:
            return _("month %(month)d/%(year)d") % {"month": self.start.month, "year": year}
        if self.kind == PeriodKind.QUARTER:
            quarter = (self.start.month - 1) // 3 + 1
            return _("quarter %(quarter)d/%(year)d") % {"quarter": quarter, "year": year}
        if self.kind == PeriodKind.HALF:
            if self.start.month == 1:
                return _("first six months of %(year)d") % {"year": year}
            return _("last six months of %(year)d") % {"year": year}
        if self.kind == PeriodKind.YEAR:
            return _("year %(year)d") % {"year": year}
        return _("from %(start)s to %(end)s") % {
            "start": self.start.strftime("%d/%m/%Y"),
            "end": self.end.strftime("%d/%m/%Y"),
        }

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "label": self.label,
        }


def _int(params: Mapping[str, str], name: str, low: int, high: int, default: int | None) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        if default is None:
            raise ServiceError(_("This parameter is required."), field=name)
        return default
    try:
        value = int(str(raw))
    except ValueError:
        raise ServiceError(_("Enter a whole number."), field=name) from None
    if not low <= value <= high:
        raise ServiceError(
            _("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high}, field=name
        )
    return value


def _date(params: Mapping[str, str], name: str) -> date:
    raw = params.get(name)
    if not raw:
        raise ServiceError(_("This parameter is required."), field=name)
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        pass
    try:
        day, month, year = (int(p) for p in str(raw).split("/"))
        return date(year, month, day)
    except ValueError:
        raise ServiceError(_("Enter a date as YYYY-MM-DD or dd/mm/yyyy."), field=name) from None


def month_label(key: str) -> str:
    """ "2026-01" (a trend's month) -> "Th1/2026", as Vietnamese tables and charts name it."""
    year, month = int(key[:4]), int(key[5:7])
    return pgettext("short month and year", "%(month)d/%(year)d") % {"month": month, "year": year}


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def period_from_params(params: Mapping[str, str], *, today: date) -> Period:
    """Read `period` (+ `year`, `month`, `quarter`, `half`, or `from`/`to`); 400s name the field."""
    kind = params.get("period") or PeriodKind.YEAR
    if kind not in PeriodKind.ALL:
        raise ServiceError(_("Choose one of: month, quarter, half, year, custom."), field="period")
    if kind == PeriodKind.CUSTOM:
        start, end = _date(params, "from"), _date(params, "to")
        if end < start:
            raise ServiceError(_("The end date is before the start date."), field="to")
        if (end - start).days > 366 * 10:
            raise ServiceError(_("A period may cover at most ten years."), field="to")
        return Period(kind, start, end)
    year = _int(params, "year", 1990, 2100, today.year)
    if kind == PeriodKind.MONTH:
        month = _int(params, "month", 1, 12, today.month)
        return Period(kind, *month_bounds(year, month))
    if kind == PeriodKind.QUARTER:
        quarter = _int(params, "quarter", 1, 4, (today.month - 1) // 3 + 1)
        first = 3 * (quarter - 1) + 1
        return Period(kind, month_bounds(year, first)[0], month_bounds(year, first + 2)[1])
    if kind == PeriodKind.HALF:
        half = _int(params, "half", 1, 2, 1 if today.month <= 6 else 2)
        first = 1 if half == 1 else 7
        return Period(kind, month_bounds(year, first)[0], month_bounds(year, first + 5)[1])
    return Period(kind, date(year, 1, 1), date(year, 12, 31))


def today_from_params(params: Mapping[str, str], *, default: date) -> date:
    """`as_of=` lets a report be computed as of a past day (figures are as they stand now)."""
    if not params.get("as_of"):
        return default
    return _date(params, "as_of")
