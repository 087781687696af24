"""Read-only admin for the export log and the report documents, scoped like everything else."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from danvan.core.admin import ReadOnlyAdmin
from danvan.org.permissions import units_q
from danvan.org.roles import READ_LOGS
from reports import selectors
from reports.models import ExportRecord, ReportDocument


@admin.register(ExportRecord)
class ExportRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "unit", "subject", "file_format", "row_count"]
    list_filter = ["subject", "file_format"]
    date_hierarchy = "at"

    def get_queryset(self, request: HttpRequest) -> Any:
        # The role's group opens the page; the rows are those of units where the reader holds
        # org.read_logs (not those seen through another post).
        visible = selectors.exports_visible_to(request.user)
        return visible.filter(units_q(request.user, READ_LOGS, "unit"))


@admin.register(ReportDocument)
class ReportDocumentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "unit", "kind", "year", "half", "status", "progress"]
    list_filter = ["kind", "status"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return selectors.documents_visible_to(request.user)
