"""The movement lists' filters: the API and the pages filter through these."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from danvan.core.text import folded_words_q
from danvan.org.selectors import unit_get_for
from movement.models import (
    Dialogue,
    IndicatorReport,
    ModelField,
    ModelStatus,
    MovementModel,
    RecognitionLevel,
    ReportSource,
)


class _UnitSubtree(django_filters.FilterSet):
    unit = django_filters.NumberFilter(method="filter_unit", label=_("unit (with units below)"))

    def filter_unit(self, queryset: Any, name: str, value: Any) -> Any:
        unit = unit_get_for(self.request.user, int(value))
        return queryset.filter(unit__path__startswith=unit.path)


class MovementModelFilter(_UnitSubtree):
    status = django_filters.MultipleChoiceFilter(choices=ModelStatus.choices, label=_("status"))
    field = django_filters.ChoiceFilter(choices=ModelField.choices, label=_("field"))
    level = django_filters.ChoiceFilter(
        field_name="recognition_level",
        choices=RecognitionLevel.choices,
        label=_("recognition level"),
    )
    year = django_filters.NumberFilter(field_name="year_started", label=_("year started"))
    due_for_review = django_filters.NumberFilter(
        method="filter_due", label=_("due for the review of this year")
    )
    search = django_filters.CharFilter(
        method="filter_search", label=_("search (name, description; accents optional)")
    )

    class Meta:
        model = MovementModel
        fields = ["status", "field"]

    def filter_due(self, queryset: Any, name: str, value: Any) -> Any:
        year = int(value)
        return (
            queryset.filter(status__in=[ModelStatus.RECOGNISED, ModelStatus.REPLICATED])
            .exclude(last_reviewed_year__gte=year)
            .exclude(recognised_year__gte=year)
        )

    def filter_search(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(folded_words_q("search_text", value))


class IndicatorReportFilter(_UnitSubtree):
    source = django_filters.ChoiceFilter(choices=ReportSource.choices, label=_("source"))
    ends_from = django_filters.DateFilter(
        field_name="period_end", lookup_expr="gte", label=_("period ends from")
    )
    ends_to = django_filters.DateFilter(
        field_name="period_end", lookup_expr="lte", label=_("period ends until")
    )

    class Meta:
        model = IndicatorReport
        fields = ["source"]


class DialogueFilter(_UnitSubtree):
    held_from = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label=_("from"))
    held_to = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label=_("to"))
    search = django_filters.CharFilter(
        method="filter_search", label=_("search (leader, place, topics; accents optional)")
    )

    class Meta:
        model = Dialogue
        fields = ["held_from"]

    def filter_search(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(folded_words_q("search_text", value))
