"""The task list's filters: the API, the pages and the exports filter through these."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from danvan.core.text import folded_words_q
from danvan.org.selectors import unit_get_for
from tasks import selectors
from tasks.models import (
    Directive,
    DirectiveType,
    Meeting,
    MeetingKind,
    Priority,
    Task,
    TaskSource,
    TaskStatus,
)
from tasks.periods import parse_period


class TaskFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=TaskStatus.choices, label=_("status"))
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("priority"))
    source = django_filters.ChoiceFilter(
        field_name="source_kind", choices=TaskSource.choices, label=_("source")
    )
    unit = django_filters.NumberFilter(method="filter_unit", label=_("unit (with units below)"))
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("parent task"))
    top_level = django_filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", label=_("top-level tasks only")
    )
    meeting = django_filters.NumberFilter(field_name="conclusion__meeting_id", label=_("meeting"))
    directive = django_filters.NumberFilter(field_name="directive_id", label=_("directive"))
    due_from = django_filters.DateFilter(
        field_name="due_on", lookup_expr="gte", label=_("due from")
    )
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label=_("due until"))
    due_in = django_filters.CharFilter(method="filter_due_in", label=_("due within a period"))
    awaiting_approval = django_filters.BooleanFilter(label=_("awaiting approval"))
    awaiting_my_approval = django_filters.BooleanFilter(
        method="filter_awaiting_my_approval",
        label=_("awaiting my approval (reported done, and I may approve)"),
    )
    awaiting_my_report = django_filters.BooleanFilter(
        method="filter_awaiting_my_report",
        label=_("waiting for a report from one of my units"),
    )
    search = django_filters.CharFilter(
        method="filter_search", label=_("search (title, description; accents optional)")
    )

    class Meta:
        model = Task
        fields = ["status", "priority", "awaiting_approval"]

    def filter_search(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(folded_words_q("search_text", value))

    def filter_awaiting_my_approval(self, queryset: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        mine = selectors.awaiting_approval_by(queryset, self.request.user)
        return mine if value else queryset.exclude(pk__in=mine.values("pk"))

    def filter_awaiting_my_report(self, queryset: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        condition = selectors.awaiting_report_q(self.request.user)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_unit(self, queryset: Any, name: str, value: Any) -> Any:
        unit = unit_get_for(self.request.user, value)
        return selectors.tasks_of_unit_subtree(queryset, unit.path)

    def filter_due_in(self, queryset: Any, name: str, value: str) -> Any:
        from tasks.numbering import ParseError

        try:
            period = parse_period(value)
        except ParseError as exc:
            raise ValidationError({"due_in": [exc.message]}) from None
        return queryset.filter(due_on__gte=period.start, due_on__lte=period.end)


class DirectiveFilter(django_filters.FilterSet):
    doc_type = django_filters.ChoiceFilter(choices=DirectiveType.choices, label=_("type"))
    issuer = django_filters.CharFilter(field_name="issuer", label=_("issuer code"))
    number = django_filters.CharFilter(method="filter_number", label=_("document number"))
    search = django_filters.CharFilter(method="filter_search", label=_("search"))

    class Meta:
        model = Directive
        fields = ["doc_type", "issuer", "status"]

    def filter_number(self, queryset: QuerySet[Directive], name: str, value: str) -> Any:
        from tasks.numbering import ParseError, parse_document_number

        try:
            parsed = parse_document_number(value)
        except ParseError as exc:
            raise ValidationError({"number": [exc.message]}) from None
        queryset = queryset.filter(doc_type=parsed.type, number=parsed.number)
        if parsed.term:  # "Nghị quyết Trung ương 4 (khóa XII)" is not the one of khóa XI
            queryset = queryset.filter(term=parsed.term)
        return queryset.filter(issuer=parsed.issuer) if parsed.issuer else queryset

    def filter_search(self, queryset: QuerySet[Directive], name: str, value: str) -> Any:
        return queryset.filter(folded_words_q("search_text", value))


class MeetingFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=MeetingKind.choices, label=_("kind"))
    starts_from = django_filters.DateFilter(
        field_name="starts_on", lookup_expr="gte", label=_("from")
    )
    starts_to = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte", label=_("to"))
    search = django_filters.CharFilter(
        method="filter_search", label=_("search (title, place, chair; accents optional)")
    )

    class Meta:
        model = Meeting
        fields = ["kind"]

    def filter_search(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(folded_words_q("search_text", value))
