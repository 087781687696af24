"""The petition list's filters: the API, the pages and the exports filter through these."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.org.selectors import unit_get_for
from petitions import selectors
from petitions.models import (
    DeadlineState,
    Notice,
    NoticeKind,
    NoticeStatus,
    Petition,
    PetitionKind,
    Status,
)


class PetitionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=PetitionKind.choices, label=_("kind"))
    field = django_filters.NumberFilter(method="filter_field", label=_("field id (and below)"))
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("status"))
    deadline_state = django_filters.ChoiceFilter(
        choices=DeadlineState.choices, method="filter_deadline_state", label=_("deadline state")
    )
    unit = django_filters.NumberFilter(
        method="filter_unit", label=_("unit id: petitions received or handled in its subtree")
    )
    received_from = django_filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label=_("received from")
    )
    received_to = django_filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label=_("received until")
    )
    assignee = django_filters.NumberFilter(method="filter_id", label=_("assignee id"))
    unassigned = django_filters.BooleanFilter(
        method="filter_unassigned", label=_("running, with nobody assigned")
    )
    reception_session = django_filters.NumberFilter(
        method="filter_id", label=_("reception session id")
    )
    search = django_filters.CharFilter(method="filter_search", label=_("search"))

    class Meta:
        model = Petition
        fields: list[str] = []

    def filter_field(
        self, queryset: QuerySet[Petition], name: str, value: Any
    ) -> QuerySet[Petition]:
        field_id = _database_id(value)
        return queryset.filter(models_q_field(field_id)) if field_id else queryset.none()

    def filter_id(self, queryset: QuerySet[Petition], name: str, value: Any) -> QuerySet[Petition]:
        row_id = _database_id(value)
        return queryset.filter(**{f"{name}_id": row_id}) if row_id else queryset.none()

    def filter_unassigned(
        self, queryset: QuerySet[Petition], name: str, value: bool | None
    ) -> QuerySet[Petition]:
        if value is None:
            return queryset
        condition = selectors.UNASSIGNED_Q
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_deadline_state(
        self, queryset: QuerySet[Petition], name: str, value: str
    ) -> QuerySet[Petition]:
        return selectors.filter_deadline_state(queryset, value)

    def filter_unit(
        self, queryset: QuerySet[Petition], name: str, value: Any
    ) -> QuerySet[Petition]:
        unit = unit_get_for(self.request.user, value)
        return queryset.filter(
            models_q_subtree("handling_unit", unit.path)
            | models_q_subtree("receiving_unit", unit.path)
        )

    def filter_search(
        self, queryset: QuerySet[Petition], name: str, value: str
    ) -> QuerySet[Petition]:
        return selectors.petitions_search(queryset, value)


def _database_id(value: Any) -> int | None:
    """An id a database column can hold (a 64-bit integer), else None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def models_q_field(field_id: int) -> Any:
    from django.db.models import Q

    return Q(field_id=field_id) | Q(field__parent_id=field_id)


def models_q_subtree(unit_field: str, path: str) -> Any:
    from django.db.models import Q

    return Q(**{f"{unit_field}__path__startswith": path})


class NoticeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=NoticeStatus.choices, label=_("status"))
    kind = django_filters.ChoiceFilter(choices=NoticeKind.choices, label=_("notice"))
    petition = django_filters.NumberFilter(field_name="petition_id", label=_("petition"))
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("overdue (drafts past their due date)")
    )

    class Meta:
        model = Notice
        fields = ["status", "kind", "petition", "overdue"]

    def filter_overdue(self, queryset: QuerySet[Notice], name: str, value: bool) -> Any:
        overdue = Q(status=NoticeStatus.DRAFT, due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
