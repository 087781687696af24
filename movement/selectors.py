"""
Every read of the movement's records, scoped by the person's units (danvan.org.selectors), and
the roll-up of indicator figures up the unit tree.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max, QuerySet, Sum
from django.http import Http404

from danvan.core.text import folded_words_q
from danvan.org.models import Unit
from danvan.org.selectors import scope_ids_q, scope_paths
from movement.models import (
    Aggregation,
    Dialogue,
    Indicator,
    IndicatorReport,
    IndicatorValue,
    ModelStatus,
    MovementEvent,
    MovementModel,
)


def _pk(value: Any) -> int:
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return int(value)
    raise Http404


# --- Models ---------------------------------------------------------------------------------
def models_visible_to(user: Any) -> QuerySet[MovementModel]:
    return MovementModel.objects.filter(scope_ids_q(user, "unit"))


def model_get_for(user: Any, model_id: Any) -> MovementModel:
    try:
        return models_visible_to(user).select_related("unit", "recognised_by").get(pk=_pk(model_id))
    except MovementModel.DoesNotExist:
        raise Http404 from None


def models_search(queryset: QuerySet[MovementModel], term: str) -> QuerySet[MovementModel]:
    return queryset.filter(folded_words_q("search_text", term))


def models_due_for_review(user: Any, year: int) -> QuerySet[MovementModel]:
    """Models still counted (recognised or replicated) and not yet reviewed in `year`."""
    return (
        models_visible_to(user)
        .filter(status__in=[ModelStatus.RECOGNISED, ModelStatus.REPLICATED])
        .exclude(last_reviewed_year__gte=year)
        .exclude(recognised_year__gte=year)
    )


def model_timeline(model: MovementModel) -> QuerySet[MovementEvent]:
    return MovementEvent.objects.filter(model=model).order_by("id")


# --- Indicator reports ------------------------------------------------------------------------
def indicators() -> QuerySet[Indicator]:
    return Indicator.objects.filter(is_active=True)


def reports_visible_to(user: Any) -> QuerySet[IndicatorReport]:
    return IndicatorReport.objects.filter(scope_ids_q(user, "unit"))


def report_get_for(user: Any, report_id: Any) -> IndicatorReport:
    try:
        return reports_visible_to(user).select_related("unit").get(pk=_pk(report_id))
    except IndicatorReport.DoesNotExist:
        raise Http404 from None


def report_timeline(report: IndicatorReport) -> QuerySet[MovementEvent]:
    return MovementEvent.objects.filter(report=report).order_by("id")


def current_values(report: IndicatorReport) -> QuerySet[IndicatorValue]:
    return report.values.filter(current=True).select_related("indicator")


# --- Dialogues --------------------------------------------------------------------------------
def dialogues_visible_to(user: Any) -> QuerySet[Dialogue]:
    return Dialogue.objects.filter(scope_ids_q(user, "unit"))


def dialogue_get_for(user: Any, dialogue_id: Any) -> Dialogue:
    try:
        return dialogues_visible_to(user).select_related("unit").get(pk=_pk(dialogue_id))
    except Dialogue.DoesNotExist:
        raise Http404 from None


def dialogue_timeline(dialogue: Dialogue) -> QuerySet[MovementEvent]:
    return MovementEvent.objects.filter(dialogue=dialogue).order_by("id")


# --- The roll-up ------------------------------------------------------------------------------
@dataclass
class RollupRow:
    """One indicator's total under a unit, and how it splits over the units one level down."""

    indicator: Indicator
    total: Decimal | None
    by_unit: list[tuple[Unit, Decimal]] = field(default_factory=list)


def _combine(aggregation: str, values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return max(values) if aggregation == Aggregation.MAX else sum(values, Decimal(0))


def rollup(
    unit: Unit, start: datetime.date, end: datetime.date, *, by_unit: bool = True
) -> list[RollupRow]:
    """
    Every active indicator's figure for `unit` and all units below it, over the reports whose
    period ends between `start` and `end`, each split by the units one level down (the
    unit's own reports as its own row), units with figures only. Three queries: the
    indicators, the subtree's units, the values grouped by unit and indicator (the partial
    index `movement_value_rollup`, index only).
    """
    defined = list(indicators())
    values = IndicatorValue.objects.filter(current=True, period_end__range=(start, end))
    units: dict[int, Unit] = {}
    if unit.parent_id is not None or by_unit:
        subtree = Unit.objects.filter(path__startswith=unit.path).only(
            "id", "path", "name", "code", "depth", "level"
        )
        units = {u.pk: u for u in subtree}
        if unit.parent_id is not None:
            values = values.filter(unit_id__in=list(units))
    grouped = (
        values.order_by()
        .values("unit_id", "indicator_id")
        .annotate(total=Sum("value"), largest=Max("value"))
    )
    per_indicator: dict[int, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    by_aggregation = {i.pk: i.aggregation for i in defined}
    depth = unit.path.count("/")
    path_index = {u.path: u.pk for u in units.values()}
    for row in grouped:
        aggregation = by_aggregation.get(row["indicator_id"])
        if aggregation is None:
            continue
        figure = row["largest"] if aggregation == Aggregation.MAX else row["total"]
        child_id = unit.pk
        if by_unit:
            member = units.get(row["unit_id"])
            if member is None:
                continue
            if member.pk != unit.pk:
                # The unit one level below `unit` on the way to `member`.
                child_path = "/".join(member.path.split("/")[: depth + 1]) + "/"
                child_id = path_index[child_path]
        per_indicator[row["indicator_id"]][child_id].append(figure)
    result = []
    for indicator in defined:
        children = per_indicator.get(indicator.pk, {})
        split: list[tuple[Unit, Decimal]] = []
        for child_id, figures in children.items():
            combined = _combine(indicator.aggregation, figures)
            if combined is not None:
                split.append((units.get(child_id, unit), combined))
        split.sort(key=lambda pair: (-pair[1], pair[0].name))
        total = _combine(indicator.aggregation, [v for _u, v in split])
        result.append(RollupRow(indicator=indicator, total=total, by_unit=split))
    return result


def rollup_root_for(user: Any) -> Unit | None:
    """The highest unit the person's scope covers (the first, for people of several units)."""
    paths = scope_paths(user)
    if paths is None:
        return Unit.objects.filter(parent__isnull=True).order_by("id").first()
    if not paths:
        return None
    return Unit.objects.filter(path=sorted(paths, key=len)[0]).first()


@dataclass
class MovementSummary:
    """What the dashboard and the periodic report show of the movement for a unit and period."""

    indicators: list[RollupRow]
    dialogues_held: int
    issues_raised: int
    issues_resolved: int
    models_recognised: int


def movement_summary(unit: Unit, start: datetime.date, end: datetime.date) -> MovementSummary:
    """
    The roll-up, the dialogues held under `unit` in the period with their issues (resolved: the
    answer settled it, or the petition it became is resolved or closed, or its task is done),
    and the models recognised in the period.
    """
    from django.db.models import Count, Q

    from petitions.models import Status

    in_tree = Q(unit__path__startswith=unit.path)
    dialogues = Dialogue.objects.filter(in_tree, held_on__range=(start, end))
    settled = (
        Q(issues__resolved=True)
        | Q(issues__petition__status__in=[Status.RESOLVED, Status.CLOSED])
        | Q(issues__task__completed_on__isnull=False)
    )
    counts = dialogues.aggregate(
        n_issues=Count("issues", distinct=True),
        n_resolved=Count("issues", filter=settled, distinct=True),
    )
    return MovementSummary(
        indicators=[row for row in rollup(unit, start, end) if row.total is not None],
        dialogues_held=dialogues.count(),
        issues_raised=counts["n_issues"] or 0,
        issues_resolved=counts["n_resolved"] or 0,
        models_recognised=MovementModel.objects.filter(
            in_tree,
            status__in=[ModelStatus.RECOGNISED, ModelStatus.REPLICATED],
            decision_date__range=(start, end),
        ).count(),
    )
