"""Task figures against the hand-counted task world in conftest.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from reports.figures import most_overdue_tasks, task_report
from reports.periods import Period
from tests.reports.conftest import TODAY

YEAR_2026 = Period("year", date(2026, 1, 1), date(2026, 12, 31))


def test_province_task_totals(task_world: Any, supervisor: Any, tree: Any) -> None:
    assert len(task_world.tasks["children"]) == 2
    totals = task_report(supervisor, unit=tree.province_a, period=YEAR_2026, today=TODAY)["totals"]
    assert totals == {
        "assigned": 6,
        "done_on_time": 1,
        "done_late": 1,
        "overdue": 1,
        "in_progress": 1,
        "not_started": 2,
        "cancelled": 1,
        "on_time_rate": 33.3,
    }


def test_tasks_by_commune(task_world: Any, supervisor: Any, tree: Any) -> None:
    report = task_report(supervisor, unit=tree.province_a, period=YEAR_2026, today=TODAY)
    by_unit = {row["unit"]["code"]: row for row in report["by_unit"]}
    a1, a2 = by_unit[tree.commune_a1.code], by_unit[tree.commune_a2.code]
    assert (a1["assigned"], a1["done_on_time"], a1["done_late"], a1["overdue"]) == (3, 1, 1, 0)
    assert (a2["assigned"], a2["done_on_time"], a2["done_late"], a2["overdue"]) == (3, 0, 0, 1)
    assert a1["on_time_rate"] == 50.0
    assert a2["on_time_rate"] == 0.0
    assert tree.province_a.code not in by_unit  # the cascaded parent is not counted


def test_the_overdue_task_lowers_the_rate_until_done(
    task_world: Any, supervisor: Any, tree: Any
) -> None:
    from tasks.models import Task

    Task.objects.filter(pk=task_world.tasks["overdue"].pk).update(completed_on=date(2026, 6, 20))
    totals = task_report(supervisor, unit=tree.province_a, period=YEAR_2026, today=TODAY)["totals"]
    assert totals["overdue"] == 0
    assert totals["done_late"] == 2
    assert totals["on_time_rate"] == 33.3  # 1 / (3 + 0)


def test_most_overdue_tasks(task_world: Any, supervisor: Any, tree: Any) -> None:
    rows = most_overdue_tasks(supervisor, unit=tree.province_a, today=TODAY)
    assert [r["title"] for r in rows] == ["Nhiệm vụ 2025", "Xây dựng mô hình Dân vận khéo"]
    assert rows[1]["days_overdue"] == 30
