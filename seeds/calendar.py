"""
Announced calendar changes that holidays.VN (0.109) does not know yet, as reference data.

holidays.VN already has the 2026 swaps it cites (Quốc khánh: Monday 31/08/2026 off, Saturday
22/08/2026 worked) and the statutory Tết, Hùng Kings, 30/4, 1/5, 2/9 and 24/11 days. Missing
is the New Year swap of 2026. Each row names its source; a row the law (a newer holidays
release) already covers is skipped, so seeding stays idempotent across upgrades.
"""

from __future__ import annotations

from datetime import date

from danvan.calendar.index import statutory_is_working
from danvan.calendar.models import CalendarException, ExceptionKind
from danvan.calendar.services import calendar_exception_add

NEW_YEAR_2026 = (
    "Công văn 12729/VPCP-KGVX ngày 25/12/2025 (nghỉ Tết Dương lịch 2026 từ 01/01 đến 04/01)"
)

EXCEPTIONS: list[tuple[date, str, str]] = [
    (
        date(2026, 1, 2),
        ExceptionKind.DAY_OFF,
        f"Nghỉ hoán đổi Tết Dương lịch 2026 (làm bù thứ Bảy 10/01/2026) – {NEW_YEAR_2026}",
    ),
    (
        date(2026, 1, 10),
        ExceptionKind.WORKING_DAY,
        f"Làm bù cho ngày nghỉ thứ Sáu 02/01/2026 – {NEW_YEAR_2026}",
    ),
]


def seed_calendar() -> None:
    existing = set(CalendarException.objects.values_list("day", flat=True))
    for day, kind, name in EXCEPTIONS:
        already_by_law = statutory_is_working(day) == (kind == ExceptionKind.WORKING_DAY)
        if day in existing or already_by_law:
            continue
        calendar_exception_add(actor=None, day=day, kind=kind, name=name)
