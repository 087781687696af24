"""
A whole year of days off and working days, read from a CSV file or from the `holidays`
package, and compared with the calendar before anything is saved (the admin's preview).

CSV: one day a line, `date; name; kind` (a comma works too), the date as dd/mm/yyyy or
yyyy-mm-dd, the kind "day_off" / "working_day" or in Vietnamese ("nghỉ", "làm việc"; empty:
a day off). A first line of column titles is skipped.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

from danvan.calendar import index
from danvan.calendar.models import CalendarException, ExceptionKind
from danvan.core.text import fold

MAX_FILE_BYTES = 256 * 1024  # a year is ~30 lines; this is generous and bounds the work
MAX_LINES = 1000

NEW, PRESENT, CONFLICT = "new", "present", "conflict"

_KINDS = {
    "day_off": ExceptionKind.DAY_OFF,
    "nghi": ExceptionKind.DAY_OFF,
    "ngay nghi": ExceptionKind.DAY_OFF,
    "working_day": ExceptionKind.WORKING_DAY,
    "lam viec": ExceptionKind.WORKING_DAY,
    "ngay lam viec": ExceptionKind.WORKING_DAY,
    "di lam": ExceptionKind.WORKING_DAY,
}


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (empty, too big, not text)."""


@dataclass
class Row:
    line: int
    day: date
    name: str
    kind: str
    status: str = NEW
    note: str = ""

    @property
    def kind_label(self) -> str:
        return str(ExceptionKind(self.kind).label)


@dataclass
class Preview:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def of(self, status: str) -> list[Row]:
        return [row for row in self.rows if row.status == status]

    @property
    def new(self) -> list[Row]:
        return self.of(NEW)

    @property
    def present(self) -> list[Row]:
        return self.of(PRESENT)

    @property
    def conflicts(self) -> list[Row]:
        return self.of(CONFLICT)


def _parse_date(text: str) -> date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _line_error(line: int, message: str) -> str:
    return _("Line %(line)d: %(message)s") % {"line": line, "message": message}


def rows_from_csv(data: bytes) -> tuple[list[Row], list[str]]:
    """The rows of a CSV file and, line by line, what could not be read."""
    if not data.strip():
        raise UnreadableFile(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(
            _("The file is too big (%(size)d KB at most).") % {"size": MAX_FILE_BYTES // 1024}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(_("The file is not UTF-8 text; save it as “CSV UTF-8”.")) from None
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise UnreadableFile(
            _("The file has too many lines (%(max)d at most).") % {"max": MAX_LINES}
        )
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    rows: list[Row] = []
    errors: list[str] = []
    seen: dict[date, int] = {}
    for number, cells in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        day = _parse_date(cells[0])
        if day is None:
            if number == 1 and not any(ch.isdigit() for ch in cells[0]):
                continue  # the column titles
            errors.append(
                _line_error(
                    number,
                    _("“%(value)s” is not a date; write it as dd/mm/yyyy.") % {"value": cells[0]},
                )
            )
            continue
        name = cells[1] if len(cells) > 1 else ""
        kind_text = fold(cells[2]) if len(cells) > 2 else ""
        kind = _KINDS.get(kind_text) if kind_text else ExceptionKind.DAY_OFF
        if kind is None:
            errors.append(
                _line_error(
                    number,
                    _("“%(value)s” is not a kind of day; write “nghỉ” or “làm việc”.")
                    % {"value": cells[2]},
                )
            )
            continue
        if not name:
            errors.append(_line_error(number, _("the day has no name.")))
            continue
        if len(name) > 255:
            errors.append(_line_error(number, _("the name is too long (255 characters at most).")))
            continue
        if not index.MIN_YEAR <= day.year <= index.MAX_YEAR:
            errors.append(
                _line_error(
                    number,
                    _("the calendar covers the years %(first)d to %(last)d only.")
                    % {"first": index.MIN_YEAR, "last": index.MAX_YEAR},
                )
            )
            continue
        if day in seen:
            errors.append(
                _line_error(
                    number,
                    _("%(day)s is already on line %(other)d.")
                    % {"day": f"{day:%d/%m/%Y}", "other": seen[day]},
                )
            )
            continue
        seen[day] = number
        rows.append(Row(line=number, day=day, name=name, kind=kind))
    if not rows and not errors:
        raise UnreadableFile(_("The file has no days."))
    return rows, errors


def rows_from_package(year: int) -> list[Row]:
    """The days off and swapped working days of `year` in the `holidays` package (Vietnam)."""
    index.check_year(year)
    _days_off, weekend_workdays = index.statutory_year(year)
    rows = [
        Row(line=0, day=day, name=name, kind=ExceptionKind.DAY_OFF)
        for day, name in index.statutory_names(year, "vi")
    ]
    for day in sorted(weekend_workdays):
        rows.append(
            Row(
                line=0,
                day=day,
                name=_("Working day (swapped with a day off)"),
                kind=ExceptionKind.WORKING_DAY,
            )
        )
    rows.sort(key=lambda row: row.day)
    for number, row in enumerate(rows, start=1):
        row.line = number
    return rows


def classify(rows: list[Row]) -> list[Row]:
    """
    Each row against the calendar in force: new (to be added), already present (the same
    kind of day, by law or as an exception), or conflicting (an exception of the other kind
    already stands for that day: change it by hand).
    """
    existing = dict(
        CalendarException.objects.filter(day__in=[row.day for row in rows]).values_list(
            "day", "kind"
        )
    )
    for row in rows:
        if row.day in existing:
            if existing[row.day] == row.kind:
                row.status, row.note = PRESENT, _("already an exception")
            else:
                row.status = CONFLICT
                row.note = _("an exception of the other kind stands for this day")
            continue
        working_by_law = index.statutory_is_working(row.day)
        if (row.kind == ExceptionKind.WORKING_DAY) == working_by_law:
            row.status, row.note = PRESENT, _("already so by law")
        else:
            row.status, row.note = NEW, ""
    return rows


def preview_csv(data: bytes) -> Preview:
    rows, errors = rows_from_csv(data)
    return Preview(rows=classify(rows), errors=errors)


def preview_package(year: int) -> Preview:
    return Preview(rows=classify(rows_from_package(year)))


def rows_to_payload(rows: list[Row]) -> list[list[str]]:
    return [[str(row.line), row.day.isoformat(), row.name, row.kind] for row in rows]


def rows_from_payload(payload: list[list[str]]) -> list[Row]:
    return [
        Row(line=int(line), day=date.fromisoformat(day), name=name, kind=kind)
        for line, day, name, kind in payload
    ]
