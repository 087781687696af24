"""Petition figures against the hand-counted world in conftest.py."""

from __future__ import annotations

from typing import Any

from reports.figures import petition_report
from reports.periods import Period
from tests.reports.conftest import TODAY

YEAR_2026 = Period("year", TODAY.replace(month=1, day=1), TODAY.replace(month=12, day=31))


def test_province_totals_match_the_hand_count(world: Any, supervisor: Any, tree: Any) -> None:
    report = petition_report(supervisor, unit=tree.province_a, period=YEAR_2026, today=TODAY)
    totals = report.totals
    assert totals["received"] == 7
    assert totals["processed"] == 6
    assert totals["resolved"] == 4
    assert totals["resolved_on_time"] == 3
    assert totals["resolved_late"] == 1
    assert totals["open"] == 3
    assert totals["overdue"] == 2
    assert totals["on_time_rate"] == 50.0
    assert totals["avg_days_to_resolve"] == 27.5


def test_open_overdue_petitions_lower_the_on_time_rate(
    world: Any, supervisor: Any, tree: Any
) -> None:
    """The trap: a rate over resolved items alone would stay at 75 % here."""
    from datetime import date

    from petitions.models import Petition, Status
    from tests.reports.conftest import make_petition

    before = petition_report(supervisor, unit=tree.province_a, period=YEAR_2026, today=TODAY)
    assert before.totals["on_time_rate"] == 50.0  # 3 / (4 resolved + 2 overdue), not 3 / 4
    late = make_petition(supervisor, tree.commune_a1, date(2026, 3, 10))
    Petition.objects.filter(pk=late.pk).update(status=Status.ACCEPTED, due_date=date(2026, 4, 1))

    after = petition_report(supervisor, unit=tree.province_a, period=YEAR_2026, today=TODAY)
    assert after.totals["overdue"] == 3
    assert after.totals["on_time_rate"] == 42.9  # 3 / (4 + 3)


def test_breakdowns_by_kind_channel_and_child_unit(world: Any, supervisor: Any, tree: Any) -> None:
    report = petition_report(supervisor, unit=tree.province_a, period=YEAR_2026, today=TODAY)
    by_kind = {row["kind"]: row for row in report.by_kind}
    assert by_kind["complaint"]["received"] == 3
    assert by_kind["complaint"]["resolved_on_time"] == 1
    assert by_kind["complaint"]["resolved_late"] == 1
    assert by_kind["complaint"]["overdue"] == 1
    assert by_kind["denunciation"]["overdue"] == 1
    assert by_kind["feedback"]["on_time_rate"] == 100.0
    assert by_kind["denunciation"]["label"] == "Tố cáo"
    by_channel = {row["channel"]: row["received"] for row in report.by_channel}
    assert by_channel == {"post": 4, "reception": 1, "web_portal": 2}
    by_unit = {row["unit"]["code"]: row for row in report.by_unit}
    assert by_unit[tree.commune_a1.code]["received"] == 4
    assert by_unit[tree.commune_a1.code]["on_time_rate"] == 33.3  # 1 / (2 + 1)
    assert by_unit[tree.commune_a2.code]["received"] == 2
    assert by_unit[tree.commune_a2.code]["on_time_rate"] == 50.0  # 1 / (1 + 1)
    assert by_unit[tree.province_a.code]["received"] == 1  # handled by the province itself
    assert sum(row["received"] for row in report.by_field) == 7


def test_drill_down_to_a_commune_and_the_village_level(
    world: Any, supervisor: Any, tree: Any
) -> None:
    report = petition_report(supervisor, unit=tree.commune_a1, period=YEAR_2026, today=TODAY)
    assert report.totals["received"] == 4
    assert report.totals["avg_days_to_resolve"] == 45.0  # (30 + 60) / 2
    # The village lists with zeros; the commune's own petitions form the last row.
    assert [row["unit"]["code"] for row in report.by_unit] == [
        tree.village_a1.code,
        tree.commune_a1.code,
    ]
    assert report.by_unit[0]["received"] == 0


def test_periods_select_by_received_date(world: Any, supervisor: Any, tree: Any) -> None:
    from datetime import date

    first_quarter = Period("quarter", date(2026, 1, 1), date(2026, 3, 31))
    report = petition_report(supervisor, unit=tree.province_a, period=first_quarter, today=TODAY)
    assert report.totals["received"] == 4  # #1, #2, #5, #7
    year_2025 = Period("year", date(2025, 1, 1), date(2025, 12, 31))
    report = petition_report(supervisor, unit=tree.province_a, period=year_2025, today=TODAY)
    assert report.totals["received"] == 1
    assert report.totals["on_time_rate"] == 100.0


def test_a_commune_cadre_counts_only_what_they_see(world: Any, cadre_a: Any, tree: Any) -> None:
    report = petition_report(cadre_a, unit=tree.commune_a1, period=YEAR_2026, today=TODAY)
    assert report.totals["received"] == 4


def test_trend_by_month(world: Any, supervisor: Any, tree: Any) -> None:
    from reports.figures import petition_trend

    months = petition_trend(supervisor, unit=tree.province_a, months=6, today=TODAY)
    assert [m["month"] for m in months] == [
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
        "2026-06",
        "2026-07",
    ]
    by_month = {m["month"]: m for m in months}
    assert by_month["2026-02"]["received"] == 2  # #1, #7
    assert by_month["2026-02"]["resolved"] == 1  # #7 filed 20/02
    assert by_month["2026-03"]["resolved_on_time"] == 1  # #1 resolved 04/03
    assert by_month["2026-05"]["resolved"] == 1  # #2, late
    assert by_month["2026-05"]["resolved_on_time"] == 0


def test_most_overdue_is_ordered_scoped_and_redacted(
    world: Any, supervisor: Any, tree: Any
) -> None:
    from petitions.models import REDACTED
    from reports.figures import most_overdue_petitions
    from tests.reports.conftest import DENOUNCER

    rows = most_overdue_petitions(supervisor, unit=tree.province_a, today=TODAY, limit=10)
    assert [r["code"] for r in rows] == [world.petitions[3].code, world.petitions[6].code]
    assert rows[0]["days_overdue"] == 47  # 15/05 -> 01/07
    assert DENOUNCER not in str(rows)
    assert rows[0]["petitioner_names"] == [str(REDACTED)]


def test_figures_refuse_a_unit_outside_the_users_scope(world: Any, cadre_a: Any, tree: Any) -> None:
    import pytest
    from django.http import Http404

    with pytest.raises(Http404):
        petition_report(cadre_a, unit=tree.commune_a2, period=YEAR_2026, today=TODAY)
