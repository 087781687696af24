"""
Figures for a unit subtree and a period, computed in the database.

The petition figures (totals, and by kind, field, channel and child unit) are ONE statement,
one pass over the scoped rows: GROUPING SETS on PostgreSQL, a UNION ALL of the groupings on
SQLite (`petition_figures_statement`). The task figures are `Count(..., filter=Q(...))` over
one scoped queryset, totals and by child unit. Nothing loops over petitions in Python.
The cohort of a period is the petitions *received* in it (the tasks *due* in it), and their
state is read as it stands on `today`.

Definitions (DOMAIN.md, "Measuring on time"):
- processed: no longer waiting in "received" (accepted, guided, transferred, filed, resolved…);
- resolved: the petition's clock ended (resolved, guided, papers returned, filed, closed);
- overdue: still open with its clock running and its deadline before `today`;
- on-time rate = resolved on time ÷ (resolved + open and overdue): an overdue open petition
  lowers it, so the rate cannot show 100% while overdue items pile up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from django.db import connections
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import StrIndex, Substr, TruncMonth
from django.http import Http404

from danvan.org.models import Unit
from danvan.org.selectors import scope_paths
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
from petitions.selectors import petitioner_names
from reports.periods import Period, month_bounds
from tasks.models import Task, TaskStatus
from tasks.selectors import tasks_visible_to

PETITION_METRICS = (
    "received",
    "processed",
    "resolved",
    "resolved_on_time",
    "resolved_late",
    "open",
    "overdue",
)
TASK_METRICS = (
    "assigned",
    "done_on_time",
    "done_late",
    "overdue",
    "in_progress",
    "not_started",
    "cancelled",
)

PETITION_ZERO = {
    **dict.fromkeys(PETITION_METRICS, 0),
    "on_time_rate": None,
    "avg_days_to_resolve": None,
}
TASK_ZERO = {**dict.fromkeys(TASK_METRICS, 0), "on_time_rate": None}


# --- Shared pieces ----------------------------------------------------------------------------
def child_prefix(path_field: str, unit: Unit) -> Any:
    """
    The path of the child of `unit` that a row's unit lies under ("/TW/68/25000/T1/" under
    "/TW/68/" gives "/TW/68/25000/"); rows of `unit` itself give `unit.path`. Pure SQL
    (SUBSTR/INSTR on SQLite, SUBSTRING/STRPOS on PostgreSQL), so it can be grouped on.
    """
    length = len(unit.path)
    rest = Substr(path_field, length + 1)
    return Substr(path_field, 1, Value(length) + StrIndex(rest, Value("/")))


def on_time_rate(on_time: int, finished: int, open_overdue: int) -> float | None:
    """Resolved on time ÷ (resolved + open and overdue), in percent; None when nothing counts."""
    denominator = finished + open_overdue
    if not denominator:
        return None
    return round(100.0 * on_time / denominator, 1)


def _unit_ref(unit: Unit) -> dict[str, Any]:
    return {"id": unit.pk, "code": unit.code, "name": unit.name}


def _children(unit: Unit) -> list[Unit]:
    return list(Unit.objects.filter(parent=unit, is_active=True).order_by("code"))


def _by_child(
    rows: list[dict[str, Any]], unit: Unit, children: Sequence[Any], zero: dict[str, Any]
) -> list[dict[str, Any]]:
    """Join grouped rows to the child units (every child listed, zeros included)."""
    found = {row.pop("child"): row for row in rows}
    result = []
    for child in children:
        row = found.pop(child.path, None) or dict(zero)
        result.append({"unit": {"id": child.pk, "code": child.code, "name": child.name}, **row})
    own = found.pop(unit.path, None)
    if own:
        result.append({"unit": {"id": unit.pk, "code": unit.code, "name": unit.name}, **own})
    return result


def rank_units(
    rows: list[dict[str, Any]],
    *,
    overdue: Callable[[dict[str, Any]], int],
    total: Callable[[dict[str, Any]], int],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """
    The units with figures, most overdue first, then the most items, then by name; and apart,
    the units with none (of 132 communes most have nothing in a month: listing their zeros
    alphabetically hid the few that need attention).
    """
    shown = [row for row in rows if overdue(row) or total(row)]
    empty = [row for row in rows if not (overdue(row) or total(row))]
    shown.sort(key=lambda row: (-overdue(row), -total(row), row["unit"]["name"]))
    return shown, empty


# --- Petitions --------------------------------------------------------------------------------
def require_in_scope(user: Any, unit: Unit) -> None:
    """404 unless `unit` lies in one of the user's subtrees (no query: the paths are cached)."""
    paths = scope_paths(user)
    if paths is not None and not any(unit.path.startswith(path) for path in paths):
        raise Http404


def petitions_in_scope(user: Any, unit: Unit) -> QuerySet[Petition]:
    """
    Petitions handled in `unit`'s subtree (the responsible unit counts). The user sees every
    one of them (`petitions_visible_to` keeps rows handled *or* received in their subtrees,
    and the unit is in one), so the visibility OR, which costs a second join on the units
    and a worse plan over a million rows, is left out once the unit is checked.
    """
    require_in_scope(user, unit)
    return Petition.objects.filter(
        deleted_at__isnull=True, handling_unit__path__startswith=unit.path
    )


def petition_cohort(user: Any, unit: Unit, period: Period) -> QuerySet[Petition]:
    return petitions_in_scope(user, unit).filter(received_on__range=(period.start, period.end))


# The breakdowns of the one statement, in the order of its GROUPING(...) arguments: bit 8 is
# kind, 4 channel, 2 field, 1 child unit; a set's GROUPING value has the bits of the keys it
# does *not* group by (15 for the totals).
_GROUPING_SETS = {15: "totals", 7: "kind", 11: "channel", 13: "field", 14: "child"}
_CHILDREN = 99  # the rows that list the unit's active children
_FIGURE_COLUMNS = (
    "grp",
    "r_kind",
    "r_channel",
    "r_field",
    "r_child",
    *PETITION_METRICS,
    "days_sum",
    "days_count",
)


class _Child(NamedTuple):
    pk: int
    code: str
    name: str
    path: str


def _flags_sql(connection: Any, today: date) -> tuple[str, list[Any]]:
    """
    Each row of the cohort (`r`, columns `r_*`) with its keys and what it counts for, with the
    parameters. Same definitions as the module docstring: processed = not "received";
    finished (resolved) = a finished status; on time / late = the clock outcome recorded true
    / false (counted for finished rows only); open = an open status; overdue = a running
    status with its deadline before `today`; days = finished minus received, for a finished
    row with a finish date. Computed once per row, so the aggregates of every grouping set
    only test a flag.
    """
    finished = ", ".join(["%s"] * len(FINISHED_STATUSES))
    open_ = ", ".join(["%s"] * len(OPEN_STATUSES))
    running = ", ".join(["%s"] * len(RUNNING_STATUSES))
    if connection.vendor == "postgresql":
        days = "r.r_finished - r.r_received"  # date - date: whole days (integer)
    else:
        days = "julianday(r.r_finished) - julianday(r.r_received)"
    sql = f"""
        r.r_kind, r.r_channel, r.r_field, r.r_child,
        r.r_status <> %s AS processed,
        r.r_status IN ({finished}) AS finished,
        r.r_on_time AS on_time,
        r.r_status IN ({open_}) AS open,
        r.r_status IN ({running}) AND r.r_due < %s AS overdue,
        CASE WHEN r.r_status IN ({finished}) THEN {days} END AS days"""
    finished_values = [str(status) for status in FINISHED_STATUSES]
    params: list[Any] = [
        str(Status.RECEIVED),
        *finished_values,
        *(str(status) for status in OPEN_STATUSES),
        *(str(status) for status in RUNNING_STATUSES),
        connection.ops.adapt_datefield_value(today),
        *finished_values,
    ]
    return sql, params


# The figures of a group: flags tested, nothing else (NULL flags and days count for nothing).
_AGGREGATES = """
    COUNT(*) AS received,
    COUNT(*) FILTER (WHERE s.processed) AS processed,
    COUNT(*) FILTER (WHERE s.finished) AS resolved,
    COUNT(*) FILTER (WHERE s.finished AND s.on_time) AS resolved_on_time,
    COUNT(*) FILTER (WHERE s.finished AND NOT s.on_time) AS resolved_late,
    COUNT(*) FILTER (WHERE s.open) AS open,
    COUNT(*) FILTER (WHERE s.overdue) AS overdue,
    SUM(s.days) AS days_sum,
    COUNT(s.days) AS days_count"""


def petition_figures_statement(
    cohort: QuerySet[Petition], unit: Unit, today: date
) -> tuple[str, list[Any]]:
    """
    The one statement behind `petition_report`: every figure, totals and by kind, channel,
    field and child unit, in one pass over the cohort's rows.

    The rows are the cohort queryset itself, compiled by the ORM (same scope, same filters,
    same child-unit expression), each with its flags computed once (`s`). On PostgreSQL one
    `GROUP BY GROUPING SETS ((), (kind), (channel), (field), (child))` aggregates them in one
    scan (the planner flattens the subqueries; one hash table per set); other back ends
    (SQLite has no GROUPING SETS) get the same aggregates as a UNION ALL of the five
    groupings over a CTE. FILTER works on both (SQLite 3.30+). The field names are joined
    after the aggregation. Rows come ordered by set, then by key, as the five separate
    queries that this statement replaced ordered them.
    """
    connection = connections[cohort.db]
    rows = cohort.order_by().values(
        r_kind=F("kind"),
        r_channel=F("channel"),
        r_field=F("field_id"),
        r_child=child_prefix("handling_unit__path", unit),
        r_status=F("status"),
        r_due=F("due_date"),
        r_received=F("received_on"),
        r_finished=F("finished_on"),
        r_on_time=F("finished_on_time"),
    )
    rows_sql, rows_params = rows.query.sql_with_params()
    flags, flag_params = _flags_sql(connection, today)
    # Only constant SQL and the ORM's compiled rows go into the text; every value is a parameter.
    flagged = f"SELECT {flags} FROM ({rows_sql}) r"  # noqa: S608  # nosec B608
    params = [*flag_params, *rows_params]
    keys = "s.r_kind, s.r_channel, s.r_field, s.r_child"
    if connection.vendor == "postgresql":
        head = ""
        grouped = f"""
            SELECT GROUPING({keys}) AS grp, {keys}, {_AGGREGATES}
            FROM ({flagged}) s
            GROUP BY GROUPING SETS ((), (s.r_kind), (s.r_channel), (s.r_field), (s.r_child))"""  # noqa: S608  # nosec B608
    else:
        head = f"WITH s AS ({flagged}) "
        names = ("r_kind", "r_channel", "r_field", "r_child")
        branches = []
        for grp, name in _GROUPING_SETS.items():
            columns = ", ".join(
                f"s.{n} AS {n}" if n == f"r_{name}" else f"NULL AS {n}" for n in names
            )
            group_by = f"GROUP BY s.r_{name}" if name != "totals" else ""
            branches.append(f"SELECT {grp} AS grp, {columns}, {_AGGREGATES} FROM s {group_by}")  # noqa: S608  # nosec B608
        grouped = " UNION ALL ".join(branches)
    # The unit's active children ride along (every child is listed, zeros included), so the
    # report is this one round trip.
    children_sql, children_params = (
        Unit.objects.filter(parent=unit, is_active=True)
        .order_by()
        .values(u_path=F("path"), u_id=F("id"), u_code=F("code"), u_name=F("name"))
        .query.sql_with_params()
    )
    field_table = connection.ops.quote_name(PetitionField._meta.db_table)
    figure_columns = ", ".join(f"g.{column}" for column in _FIGURE_COLUMNS)
    no_figures = ", ".join(["NULL"] * (len(_FIGURE_COLUMNS) - 5))
    sql = f"""{head}
        SELECT {figure_columns}, f.name AS field_name,
               NULL AS unit_id, NULL AS unit_code, NULL AS unit_name
        FROM ({grouped}) g LEFT JOIN {field_table} f ON f.id = g.r_field
        UNION ALL
        SELECT {_CHILDREN}, NULL, NULL, NULL, c.u_path, {no_figures}, NULL,
               c.u_id, c.u_code, c.u_name
        FROM ({children_sql}) c
        ORDER BY grp, r_kind, r_channel, r_field, field_name, unit_code, r_child"""  # noqa: S608  # nosec B608
    return sql, [*params, *children_params]


def _figures(row: dict[str, Any]) -> dict[str, Any]:
    figures: dict[str, Any] = {metric: int(row[metric]) for metric in PETITION_METRICS}
    figures["on_time_rate"] = on_time_rate(
        figures["resolved_on_time"], figures["resolved"], figures["overdue"]
    )
    days, count = row["days_sum"], row["days_count"]
    figures["avg_days_to_resolve"] = round(float(days) / count, 1) if count else None
    return figures


def petition_figures(cohort: QuerySet[Petition], unit: Unit, today: date) -> dict[str, list[Any]]:
    """
    Run the one statement: its figures by set ("totals", "kind", "channel", "field", "child"),
    keys then figures, and the unit's active children ("children", ordered by code).
    """
    sql, params = petition_figures_statement(cohort, unit, today)
    result: dict[str, list[Any]] = {name: [] for name in (*_GROUPING_SETS.values(), "children")}
    with connections[cohort.db].cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(columns, values, strict=True))
            if row["grp"] == _CHILDREN:
                child = _Child(row["unit_id"], row["unit_code"], row["unit_name"], row["r_child"])
                result["children"].append(child)
                continue
            name = _GROUPING_SETS[row["grp"]]
            key = {
                "totals": {},
                "kind": {"kind": row["r_kind"]},
                "channel": {"channel": row["r_channel"]},
                "field": {"field": row["r_field"], "field_name": row["field_name"]},
                "child": {"child": row["r_child"]},
            }[name]
            result[name].append({**key, **_figures(row)})
    return result


@dataclass
class PetitionReport:
    unit: Unit
    period: Period
    today: date
    totals: dict[str, Any]
    by_kind: list[dict[str, Any]]
    by_field: list[dict[str, Any]]
    by_channel: list[dict[str, Any]]
    by_unit: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": {"id": self.unit.pk, "code": self.unit.code, "name": self.unit.name},
            "period": self.period.as_dict(),
            "as_of": self.today.isoformat(),
            "totals": self.totals,
            "by_kind": self.by_kind,
            "by_field": self.by_field,
            "by_channel": self.by_channel,
            "by_unit": self.by_unit,
        }


def petition_report(user: Any, *, unit: Unit, period: Period, today: date) -> PetitionReport:
    """One query whatever the number of petitions: every figure and the child units."""
    cohort = petition_cohort(user, unit, period)
    sets = petition_figures(cohort, unit, today)
    kind_labels = dict(PetitionKind.choices)
    channel_labels = dict(Channel.choices)
    by_field = []
    for row in sets["field"]:
        name = row.pop("field_name")
        by_field.append({"field": row.pop("field"), "label": name or "—", **row})
    totals = sets["totals"][0] if sets["totals"] else dict(PETITION_ZERO)
    return PetitionReport(
        unit=unit,
        period=period,
        today=today,
        totals=totals,
        by_kind=[_label(row, "kind", kind_labels) for row in sets["kind"]],
        by_field=by_field,
        by_channel=[_label(row, "channel", channel_labels) for row in sets["channel"]],
        by_unit=_by_child(sets["child"], unit, sets["children"], PETITION_ZERO),
    )


def _label(row: dict[str, Any], key: str, labels: dict[Any, Any]) -> dict[str, Any]:
    value = row.pop(key)
    return {key: value, "label": str(labels.get(value, value)), **row}


def petition_trend(user: Any, *, unit: Unit, months: int, today: date) -> list[dict[str, Any]]:
    """Per month, for the last `months` months up to today's: received, resolved, on time."""
    end_year, end_month = today.year, today.month
    index = end_year * 12 + end_month - 1 - (months - 1)
    start = date(index // 12, index % 12 + 1, 1)
    end = month_bounds(end_year, end_month)[1]
    scoped = petitions_in_scope(user, unit)
    received = (
        scoped.filter(received_on__range=(start, end))
        .order_by()
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(received=Count("id"))
    )
    finished = (
        scoped.filter(status__in=FINISHED_STATUSES, finished_on__range=(start, end))
        .order_by()
        .annotate(month=TruncMonth("finished_on"))
        .values("month")
        .annotate(
            resolved=Count("id"), resolved_on_time=Count("id", filter=Q(finished_on_time=True))
        )
    )
    by_month: dict[str, dict[str, Any]] = {}
    for i in range(months):
        month_index = start.year * 12 + start.month - 1 + i
        key = f"{month_index // 12:04d}-{month_index % 12 + 1:02d}"
        by_month[key] = {"month": key, "received": 0, "resolved": 0, "resolved_on_time": 0}
    for row in received:
        by_month[_month_key(row["month"])]["received"] = row["received"]
    for done in finished:
        entry = by_month[_month_key(done["month"])]
        entry["resolved"] = done["resolved"]
        entry["resolved_on_time"] = done["resolved_on_time"]
    return list(by_month.values())


def _month_key(value: Any) -> str:
    if isinstance(value, str):
        return value[:7]
    return f"{value.year:04d}-{value.month:02d}"


def most_overdue_petitions(
    user: Any, *, unit: Unit, today: date, limit: int = 10
) -> list[dict[str, Any]]:
    """The open petitions longest past their deadline; identities redacted as in API lists."""
    rows = (
        petitions_in_scope(user, unit)
        .filter(status__in=RUNNING_STATUSES, due_date__lt=today)
        .select_related("handling_unit")
        .prefetch_related("parties__petitioner")
        .order_by("due_date", "id")[:limit]
    )
    kinds = dict(PetitionKind.choices)
    statuses = dict(Status.choices)
    return [
        {
            "id": p.pk,
            "code": p.code,
            "summary": p.summary,
            "kind": p.kind,
            "kind_label": str(kinds.get(p.kind, p.kind)),
            "status": p.status,
            "status_label": str(statuses.get(p.status, p.status)),
            "handling_unit": _unit_ref(p.handling_unit),
            "received_on": p.received_on.isoformat(),
            "due_date": p.due_date.isoformat() if p.due_date else None,
            "days_overdue": (today - p.due_date).days if p.due_date else None,
            "petitioner_names": petitioner_names(p),
        }
        for p in rows
    ]


# --- Tasks ------------------------------------------------------------------------------------
def tasks_in_scope(user: Any, unit: Unit) -> Any:
    """
    Visible tasks led by a unit of the subtree. A cascaded parent is counted through its
    sub-tasks only, so a province-wide task given to 100 communes counts 100, not 101.
    """
    has_children = Task.objects.filter(parent=OuterRef("pk"), deleted_at__isnull=True)
    return (
        tasks_visible_to(user)
        .filter(lead_unit__path__startswith=unit.path)
        .exclude(Exists(has_children))
    )


def task_cohort(user: Any, unit: Unit, period: Period) -> Any:
    """Tasks due in the period; tasks without a due date count in the period they were given."""
    return tasks_in_scope(user, unit).filter(
        Q(due_on__range=(period.start, period.end))
        | Q(due_on__isnull=True, created_at__date__range=(period.start, period.end))
    )


def task_metrics() -> dict[str, Any]:
    def status(value: str) -> Any:
        return Count("id", filter=Q(status=value))

    return {
        "assigned": Count("id", filter=Q(cancelled=False)),
        "done_on_time": status(TaskStatus.DONE_ON_TIME),
        "done_late": status(TaskStatus.DONE_LATE),
        "overdue": status(TaskStatus.OVERDUE),
        "in_progress": status(TaskStatus.IN_PROGRESS),
        "not_started": status(TaskStatus.NOT_STARTED),
        "cancelled": status(TaskStatus.CANCELLED),
    }


def _task_rate(row: dict[str, Any]) -> dict[str, Any]:
    done = row["done_on_time"] + row["done_late"]
    row["on_time_rate"] = on_time_rate(row["done_on_time"], done, row["overdue"])
    return row


def task_report(user: Any, *, unit: Unit, period: Period, today: date) -> dict[str, Any]:
    """Three queries: totals, per child unit, the child units."""
    cohort = task_cohort(user, unit, period).with_status(today=today)
    totals = _task_rate(cohort.order_by().aggregate(**task_metrics()))
    children = _children(unit)
    rows = [
        _task_rate(dict(row))
        for row in cohort.annotate(child=child_prefix("lead_unit__path", unit))
        .order_by()
        .values("child")
        .annotate(**task_metrics())
        .order_by("child")
    ]
    return {
        "unit": {"id": unit.pk, "code": unit.code, "name": unit.name},
        "period": period.as_dict(),
        "as_of": today.isoformat(),
        "totals": totals,
        "by_unit": _by_child(rows, unit, children, TASK_ZERO),
    }


def most_overdue_tasks(
    user: Any, *, unit: Unit, today: date, limit: int = 10
) -> list[dict[str, Any]]:
    rows = (
        tasks_in_scope(user, unit)
        .filter(cancelled=False, completed_on__isnull=True, due_on__lt=today)
        .select_related("lead_unit")
        .order_by("due_on", "id")[:limit]
    )
    return [
        {
            "id": t.pk,
            "title": t.title,
            "lead_unit": _unit_ref(t.lead_unit),
            "due_on": t.due_on.isoformat() if t.due_on else None,
            "days_overdue": (today - t.due_on).days if t.due_on else None,
            "progress_percent": t.progress_percent,
        }
        for t in rows
    ]
