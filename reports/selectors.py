"""Reads for the reports app: which unit a report is about, the documents a user may see."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from danvan.core.errors import ServiceError
from danvan.org.models import Unit
from danvan.org.selectors import scope_q, unit_get_for, units_visible_to
from reports.models import ExportRecord, ReportDocument


def report_unit(user: Any, params: Mapping[str, str]) -> Unit:
    """`?unit=<id>` if the user sees it (404 otherwise); by default the user's highest unit."""
    raw = params.get("unit")
    if raw in (None, ""):
        unit = units_visible_to(user).order_by("depth", "code").first()
        if unit is None:
            raise Http404
        return unit
    try:
        unit_id = int(str(raw))
    except ValueError:
        raise ServiceError(_("Enter the id of a unit (a whole number)."), field="unit") from None
    return unit_get_for(user, unit_id)


def documents_visible_to(user: Any) -> QuerySet[ReportDocument]:
    return ReportDocument.objects.filter(scope_q(user, "unit")).select_related(
        "unit", "requested_by"
    )


def document_get_for(user: Any, document_id: Any) -> ReportDocument:
    try:
        return documents_visible_to(user).get(pk=int(document_id))
    except (ReportDocument.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def exports_visible_to(user: Any) -> QuerySet[ExportRecord]:
    """Administrators read the export log of their subtree."""
    return ExportRecord.objects.filter(scope_q(user, "unit")).select_related("unit", "user")
