"""
The petition statistics in one statement (GROUPING SETS on PostgreSQL, UNION ALL elsewhere)
against the five separate aggregates they replaced, kept here as the reference: on varied
data (every status, kind and channel, fields and none, deadlines and none, clock outcomes
true / false / unrecorded, deleted rows, rows outside the period, the unit's own rows, a
village under a commune) the reports must be equal, figure for figure and row for row.
Runs on SQLite and on PostgreSQL (`DATABASE_URL=postgres://...`).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from petitions.models import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    RUNNING_STATUSES,
    Channel,
    Petition,
    PetitionField,
    PetitionKind,
    Status,
)
from reports import figures
from reports.figures import PetitionReport, petition_report
from reports.periods import Period
from tests.reports.conftest import TODAY, make_petition

YEAR_2026 = Period("year", date(2026, 1, 1), date(2026, 12, 31))


# --- The five-pass implementation the one statement replaced (reports/figures.py before) ----
def _old_metrics(today: date) -> dict[str, Any]:
    finished = Q(status__in=FINISHED_STATUSES)
    return {
        "received": Count("id"),
        "processed": Count("id", filter=~Q(status=Status.RECEIVED)),
        "resolved": Count("id", filter=finished),
        "resolved_on_time": Count("id", filter=finished & Q(finished_on_time=True)),
        "resolved_late": Count("id", filter=finished & Q(finished_on_time=False)),
        "open": Count("id", filter=Q(status__in=OPEN_STATUSES)),
        "overdue": Count("id", filter=Q(status__in=RUNNING_STATUSES, due_date__lt=today)),
    }


def _old_days() -> Any:
    return Avg(
        ExpressionWrapper(F("finished_on") - F("received_on"), output_field=DurationField()),
        filter=Q(status__in=FINISHED_STATUSES, finished_on__isnull=False),
    )


def _old_as_days(duration: Any) -> float:
    if hasattr(duration, "total_seconds"):
        return float(duration.total_seconds()) / 86400
    return float(duration) / 86_400_000_000


def _old_with_rate(row: dict[str, Any]) -> dict[str, Any]:
    row["on_time_rate"] = figures.on_time_rate(
        row["resolved_on_time"], row["resolved"], row["overdue"]
    )
    duration = row.pop("avg_duration", None)
    row["avg_days_to_resolve"] = None if duration is None else round(_old_as_days(duration), 1)
    return row


def _old_grouped(queryset: QuerySet[Petition], today: date, *keys: str) -> list[dict[str, Any]]:
    rows = (
        queryset.order_by()
        .values(*keys)
        .annotate(**_old_metrics(today), avg_duration=_old_days())
        .order_by(*keys)
    )
    return [_old_with_rate(dict(row)) for row in rows]


def old_petition_report(user: Any, *, unit: Any, period: Period, today: date) -> PetitionReport:
    cohort = figures.petition_cohort(user, unit, period)
    kind_labels = dict(PetitionKind.choices)
    by_kind = [
        figures._label(row, "kind", kind_labels) for row in _old_grouped(cohort, today, "kind")
    ]
    channel_labels = dict(Channel.choices)
    by_channel = [
        figures._label(row, "channel", channel_labels)
        for row in _old_grouped(cohort, today, "channel")
    ]
    by_field = []
    for row in _old_grouped(cohort, today, "field_id", "field__name"):
        name = row.pop("field__name")
        by_field.append({"field": row.pop("field_id"), "label": name or "—", **row})
    children = figures._children(unit)
    unit_rows = _old_grouped(
        cohort.annotate(child=figures.child_prefix("handling_unit__path", unit)), today, "child"
    )
    totals = _old_with_rate(cohort.aggregate(**_old_metrics(today), avg_duration=_old_days()))
    return PetitionReport(
        unit=unit,
        period=period,
        today=today,
        totals=totals,
        by_kind=by_kind,
        by_field=by_field,
        by_channel=by_channel,
        by_unit=figures._by_child(unit_rows, unit, children, figures.PETITION_ZERO),
    )


# --- Varied data --------------------------------------------------------------------------------
@pytest.fixture
def varied(world: Any, supervisor: Any, tree: Any) -> None:
    """60 more petitions with random states over province A, B and the village (seeded)."""
    rng = random.Random(14)
    fields = [*PetitionField.objects.all(), None, None]
    units = [tree.commune_a1, tree.commune_a2, tree.village_a1, tree.province_a, tree.commune_b1]
    statuses = list(Status.values)
    for index in range(60):
        unit = units[index % len(units)]
        received = date(2025, 11, 1) + timedelta(days=rng.randrange(0, 400))
        petition = make_petition(
            supervisor if unit != tree.commune_b1 else _clerk_b1(),
            unit,
            date(2026, 1, 2),
            kind=rng.choice(PetitionKind.values),
            channel=rng.choice(Channel.values),
        )
        status = rng.choice(statuses)
        finished = status in FINISHED_STATUSES
        Petition.objects.filter(pk=petition.pk).update(
            received_on=received,
            status=status,
            field=rng.choice(fields),
            due_date=rng.choice([None, received + timedelta(days=rng.randrange(5, 120))]),
            finished_on=(
                rng.choice([None, received + timedelta(days=rng.randrange(0, 90))])
                if finished
                else None
            ),
            finished_on_time=rng.choice([True, False, None]) if finished else None,
            deleted_at=timezone.now() if index % 13 == 0 else None,
        )


def _clerk_b1() -> Any:
    from danvan.org.models import User

    return User.objects.get(username="clerk_b1")


CASES = [
    ("supervisor", "province_a", YEAR_2026, TODAY),
    ("supervisor", "province_a", YEAR_2026, date(2026, 12, 31)),
    ("supervisor", "province_a", Period("quarter", date(2026, 1, 1), date(2026, 3, 31)), TODAY),
    ("supervisor", "commune_a1", YEAR_2026, TODAY),
    ("supervisor", "village_a1", YEAR_2026, TODAY),
    ("administrator", "central", YEAR_2026, TODAY),
    ("administrator", "central", Period("year", date(2025, 1, 1), date(2025, 12, 31)), TODAY),
    ("administrator", "province_b", YEAR_2026, TODAY),
    ("administrator", "central", Period("year", date(2020, 1, 1), date(2020, 12, 31)), TODAY),
]


@pytest.mark.parametrize(("persona", "unit_name", "period", "today"), CASES)
def test_one_statement_equals_the_five_aggregates(
    varied: Any,
    tree: Any,
    supervisor: Any,
    administrator: Any,
    count_queries: Any,
    persona: str,
    unit_name: str,
    period: Period,
    today: date,
) -> None:
    user = {"supervisor": supervisor, "administrator": administrator}[persona]
    unit = getattr(tree, unit_name)
    expected = old_petition_report(user, unit=unit, period=period, today=today).as_dict()
    with count_queries() as queries:
        report = petition_report(user, unit=unit, period=period, today=today).as_dict()
    assert report == expected
    # Same keys in the same order (the JSON the API and the documents write).
    assert [list(row) for row in report["by_kind"]] == [list(row) for row in expected["by_kind"]]
    assert list(report["totals"]) == list(expected["totals"])
    # Every figure and the child units in one statement.
    assert len(queries) == 1, queries
    grouping = "GROUPING SETS" if connection.vendor == "postgresql" else "UNION ALL"
    assert grouping in queries.captured_queries[0]["sql"]


def test_the_varied_data_exercises_every_case(varied: Any, supervisor: Any, tree: Any) -> None:
    """Not a vacuous comparison: each figure and breakdown has rows of its own."""
    report = petition_report(supervisor, unit=tree.province_a, period=YEAR_2026, today=TODAY)
    totals = report.totals
    for metric in figures.PETITION_METRICS:
        assert totals[metric] > 0, metric
    assert totals["avg_days_to_resolve"] is not None
    assert any(row["field"] is None for row in report.by_field)
    assert len(report.by_field) >= 3
    assert len(report.by_kind) == len(PetitionKind.values)
    own = [row for row in report.by_unit if row["unit"]["code"] == tree.province_a.code]
    assert own and own[0]["received"] > 0


def test_an_empty_period_gives_zeros(tree: Any, administrator: Any, count_queries: Any) -> None:
    period = Period("year", date(2019, 1, 1), date(2019, 12, 31))
    petition_report(administrator, unit=tree.central, period=YEAR_2026, today=TODAY)  # scope
    with count_queries() as queries:
        report = petition_report(administrator, unit=tree.central, period=period, today=TODAY)
    assert report.totals == figures.PETITION_ZERO
    assert report.by_kind == report.by_field == report.by_channel == []
    assert [row["unit"]["code"] for row in report.by_unit] == sorted(
        [tree.province_a.code, tree.province_b.code]
    )
    assert all(row["received"] == 0 for row in report.by_unit)
    assert len(queries) == 1, queries
