"""Writes of the reports app: the export log and report documents (requested, then generated)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from danvan.core.downloads import ascii_name
from danvan.core.errors import ServiceError
from danvan.org.models import Unit
from danvan.org.selectors import unit_get_for
from reports.models import DocumentKind, DocumentStatus, ExportRecord, ReportDocument
from reports.periods import Period, month_bounds

logger = logging.getLogger(__name__)


@transaction.atomic
def export_record_create(
    *, actor: Any, unit: Unit, subject: str, file_format: str, filters: dict[str, Any]
) -> ExportRecord:
    """Logged before the first byte leaves, so an interrupted download is still on record."""
    return ExportRecord.objects.create(
        user=actor, unit=unit, subject=subject, file_format=file_format, filters=filters
    )


def document_period(document: ReportDocument) -> Period:
    if document.kind == DocumentKind.HALF_YEAR:
        first = 1 if document.half == 1 else 7
        return Period(
            "half",
            month_bounds(document.year, first)[0],
            month_bounds(document.year, first + 5)[1],
        )
    return Period("year", date(document.year, 1, 1), date(document.year, 12, 31))


def document_title(document: ReportDocument) -> str:
    """What the files are called, in Vietnamese: "Báo cáo 6 tháng đầu năm 2026 - Xã Di Linh"."""
    with translation.override("vi"):
        return _("Report %(period)s - %(unit)s") % {
            "period": document_period(document).label,
            "unit": document.unit.name,
        }


@transaction.atomic
def report_document_request(
    *,
    actor: Any,
    unit: Unit | int,
    kind: str,
    year: int,
    half: int | None = None,
    number: str = "",
    place: str = "",
    today: date | None = None,
) -> ReportDocument:
    """Queue a six-month or annual report of a unit the actor sees; a worker generates it."""
    from danvan.core.jobs import enqueue

    unit = unit_get_for(actor, unit.pk if isinstance(unit, Unit) else unit)
    today = today or timezone.localdate()
    if kind not in DocumentKind.values:
        raise ServiceError(_("Choose a six-month (half) or annual (year) report."), field="kind")
    if not 1990 <= year <= today.year:
        raise ServiceError(
            _("Enter a year from 1990 to %(year)d.") % {"year": today.year}, field="year"
        )
    if kind == DocumentKind.HALF_YEAR:
        if half not in (1, 2):
            raise ServiceError(_("Choose the first (1) or the last (2) six months."), field="half")
    else:
        half = None
    document = ReportDocument.objects.create(
        unit=unit,
        kind=kind,
        year=year,
        half=half,
        number=number.strip()[:50],
        place=place.strip()[:100],
        as_of=today,
        requested_by=actor,
    )
    enqueue("reports.generate_report_document", document.pk)
    return document


def _progress(document: ReportDocument, percent: int, **fields: Any) -> None:
    ReportDocument.objects.filter(pk=document.pk).update(progress=percent, **fields)


def report_document_generate(*, document_id: int) -> ReportDocument | None:
    """Build the .docx and .xlsx; each step's progress is committed so the user sees it."""
    from reports import documents

    document = (
        ReportDocument.objects.select_related("unit", "unit__parent", "requested_by")
        .filter(pk=document_id)
        .first()
    )
    if document is None or document.status == DocumentStatus.DONE:
        return document  # deleted meanwhile, or a retry after success: nothing to do
    _progress(document, 5, status=DocumentStatus.RUNNING, started_at=timezone.now(), error="")
    try:
        period = document_period(document)
        # An administrative document is Vietnamese (Nghị định 30/2020), whatever language
        # the request that queued it spoke (an eager worker runs inside that request).
        with translation.override("vi"):
            content = documents.collect(
                document.requested_by, unit=document.unit, period=period, today=document.as_of
            )
            _progress(document, 50)
            docx_bytes = documents.build_docx(
                content, number=document.number, place=document.place, signed_on=document.as_of
            )
            _progress(document, 75)
            xlsx_bytes = documents.build_xlsx(content)
        _progress(document, 90)
        # "bao-cao-6-thang-dau-nam-2026-xa-di-linh-12": readable, and unique by the id.
        stem = f"{ascii_name(document_title(document))}-{document.pk}"
        with transaction.atomic():
            document.docx.save(f"{stem}.docx", ContentFile(docx_bytes), save=False)
            document.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx_bytes), save=False)
            document.status = DocumentStatus.DONE
            document.progress = 100
            document.finished_at = timezone.now()
            document.save(update_fields=["docx", "xlsx", "status", "progress", "finished_at"])
    except Http404:
        # The requester left the unit (or was removed) between the request and the job.
        _failed(document, OUT_OF_SCOPE)
        return document
    except Exception:
        logger.exception("Report document %s failed", document.pk)
        _failed(document, GENERATION_FAILED)
        raise
    return document


OUT_OF_SCOPE = gettext_noop(
    "The person who requested this report no longer sees this unit; request it again."
)
GENERATION_FAILED = gettext_noop(
    "The report could not be generated; request it again or tell the administrator."
)


def _failed(document: ReportDocument, message: str) -> None:
    """What the person reads on the page and in the API, in Vietnamese (the log keeps the rest)."""
    with translation.override("vi"):
        text = translation.gettext(message)
    _progress(document, 0, status=DocumentStatus.FAILED, error=text, finished_at=timezone.now())
