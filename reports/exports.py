"""
Streamed exports of a filtered list of petitions or tasks, to CSV or xlsx.

Memory bound: rows are read `CHUNK_SIZE` (2,000) at a time (`.iterator(chunk_size=…)`, a
server-side cursor on PostgreSQL), so at most one chunk is alive at once.
- Petitions are read as plain values (`values_list`, the units' and field's names joined in),
  never as model instances; their petitioners in one statement per chunk, decrypted in a
  batch (`danvan.core.crypto.decrypt_many`), and only for the petitions that show them.
- CSV: rows are formatted as they are read and handed to the client in blocks of
  `CSV_BLOCK_ROWS` lines (StreamingHttpResponse); nothing accumulates.
- xlsx: an xlsx file is a zip, which cannot be streamed before it is finished, so rows go
  into an openpyxl *write-only* workbook (each row is serialised to the sheet's XML stream on
  append, not kept as cell objects), saved into an anonymous temporary file on disk, which
  FileResponse then sends in blocks. Peak memory is one chunk of rows plus zlib's buffers,
  whatever the row count; the disk holds the compressed file until the response closes.
Identities are redacted exactly as in API lists (`petitions.selectors.petitioner_names`,
`identity_hidden`); CCCDs and phones are masked to their last 3 digits for everyone
(`mask_number`), and the header row says so. tests/reports/test_export_rows.py holds the
rows to those helpers.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from itertools import chain, islice
from typing import IO, Any

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from rest_framework.exceptions import ValidationError

from danvan.core.crypto import decrypt_many
from danvan.core.errors import ServiceError
from danvan.core.text import folded_words_q
from danvan.org.models import Unit
from petitions.models import (
    FINISHED_STATUSES,
    REDACTED,
    Channel,
    DeadlineState,
    Petition,
    PetitionKind,
    PetitionPetitioner,
    Status,
)
from petitions.selectors import (
    DeadlineContext,
    filter_deadline_state,
    identity_hidden,
    mask_number,
    petitions_search,
    petitions_visible_to,
)
from reports.figures import petitions_in_scope, tasks_in_scope
from reports.models import ExportRecord
from reports.periods import Period
from tasks.models import TaskStatus
from tasks.selectors import tasks_visible_to

CHUNK_SIZE = 2000  # rows per database round trip; the memory bound of an export


def _choice(params: Mapping[str, str], name: str, values: list[str]) -> str | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    if value not in values:
        raise ServiceError(
            _("Choose one of: %(values)s.") % {"values": ", ".join(values)}, field=name
        )
    return str(value)


# --- Petitions --------------------------------------------------------------------------------
def _list_filters(
    filterset_class: Any, params: Mapping[str, str], queryset: Any, request: Any
) -> Any:
    """
    The filters of the API list (`/api/v1/petitions/`, `/api/v1/tasks/`), so any list a
    person filtered exports as it is; a bad value is a 400 naming the parameter.
    `unit` and `deadline_state` are left to the export, which reads them itself.
    """
    data = QueryDict(mutable=True)
    for key in params:
        if key in filterset_class.base_filters and key not in ("unit", "deadline_state"):
            data.setlist(key, _getlist(params, key))
    filterset = filterset_class(data=data, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def _getlist(params: Mapping[str, str], key: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    return list(getlist(key)) if getlist else [str(params[key])]


def petition_export_queryset(
    user: Any,
    *,
    unit: Unit | None,
    period: Period | None,
    params: Mapping[str, str],
    today: date,
    request: Any = None,
) -> Any:
    """
    With a `unit`: the petitions its statistics count (handled in its subtree). Without one:
    exactly what the user's petition list shows (received or handled in any of their units).
    Then the period (received in it) and every filter of the API list, plus `channel`, `q`
    (the web list's search) and `deadline_state` as of `today`.
    """
    from petitions.filters import PetitionFilter

    queryset = petitions_in_scope(user, unit) if unit is not None else petitions_visible_to(user)
    if period is not None:
        queryset = queryset.filter(received_on__range=(period.start, period.end))
    queryset = _list_filters(PetitionFilter, params, queryset, request)
    channel = _choice(params, "channel", list(Channel.values))
    if channel:
        queryset = queryset.filter(channel=channel)
    state = _choice(params, "deadline_state", list(DeadlineState.values))
    if state:
        queryset = filter_deadline_state(queryset, state, today=today)
    if params.get("q"):
        queryset = petitions_search(queryset, str(params["q"]))
    return queryset.order_by("-received_on", "-id")


def petition_header() -> list[str]:
    return [
        _("Code"),
        _("Received on"),
        _("Kind"),
        _("Field"),
        _("Channel"),
        _("Summary"),
        # The header says what is masked, so a sheet passed on still says it (who-sees-what.md).
        _("Petitioners (denouncers hidden)"),
        _("CCCD (masked: last 3 digits)"),
        _("Phone (masked: last 3 digits)"),
        _("Receiving unit"),
        _("Handling unit"),
        _("Location"),
        _("Status"),
        _("Deadline"),
        _("Deadline state"),
        _("Finished on"),
        _("Finished on time"),
    ]


# The columns a petition row is made of, read as plain values (no model instances): the
# units' and field's names come with them through joins, one statement per chunk of rows.
PETITION_COLUMNS = (
    "id",
    "code",
    "received_on",
    "kind",
    "field__name",
    "channel",
    "summary",
    "receiving_unit__name",
    "handling_unit__name",
    "location_unit__name",
    "status",
    "due_date",
    "finished_on",
    "finished_on_time",
)


def _stored(name: str) -> ExpressionWrapper:
    """An encrypted column as stored: decrypted here only for the petitions that show it."""
    return ExpressionWrapper(F(name), output_field=TextField())


def _of_petitions(queryset: QuerySet[Any], ids: list[int]) -> QuerySet[Any]:
    """
    The parties of the petitions `ids`. On PostgreSQL the ids go as one array parameter
    (`= ANY(%s)`): an `IN` of 2,000 placeholders costs more to build, send and parse than
    the statement takes to run.
    """
    if connection.vendor != "postgresql":
        return queryset.filter(petition_id__in=ids)
    # A table name from the model, the ids as a parameter: nothing from the request.
    in_chunk = RawSQL(  # noqa: S611  # nosec B611
        f"{PetitionPetitioner._meta.db_table}.petition_id = ANY(%s)",
        (ids,),
        output_field=BooleanField(),
    )
    return queryset.alias(in_chunk=in_chunk).filter(in_chunk=True)


def _petitioners(ids: list[int], hidden: set[int]) -> dict[int, list[tuple[str, str, str]]]:
    """
    (name, masked CCCD, masked phone) of each petitioner of the petitions `ids`, in the order
    of the petition's parties, in one statement. For the petitions in `hidden` (denunciations,
    `identity_hidden`) nothing is decrypted: each petitioner is the redaction mark, numbers
    empty, exactly what `petitioner_names` and the masking rule give for them.
    """
    parties = list(
        _of_petitions(PetitionPetitioner.objects.all(), ids)
        .order_by("petition_id", "position", "id")
        .values_list(
            "petition_id",
            _stored("petitioner__full_name"),
            _stored("petitioner__citizen_id"),
            _stored("petitioner__phone"),
        )
    )
    shown = [party for party in parties if party[0] not in hidden]
    clear = iter(decrypt_many([value for party in shown for value in party[1:]]))
    redacted = (str(REDACTED), "", "")
    people: dict[int, list[tuple[str, str, str]]] = {}
    for petition_id, *_stored_values in parties:
        if petition_id in hidden:
            person = redacted
        else:
            name, citizen_id, phone = next(clear), next(clear), next(clear)
            person = (name, mask_number(citizen_id) or "", mask_number(phone) or "")
        people.setdefault(petition_id, []).append(person)
    return people


def _hidden_kinds() -> set[str]:
    """The kinds whose petitioners `identity_hidden` hides (the one rule, asked once per kind)."""
    return {kind for kind in PetitionKind.values if identity_hidden(Petition(kind=kind))}


def petition_rows(queryset: Any, *, today: date) -> Iterator[list[Any]]:
    """
    The export's rows: petitioners redacted as in API lists (`petitioner_names`), CCCDs and
    phones masked to their last 3 digits (none of a denouncer). One statement for the
    petitions' columns, read `CHUNK_SIZE` rows at a time (a server-side cursor on
    PostgreSQL), and one per chunk for their petitioners.
    """
    context = DeadlineContext(today)
    kinds = {key: str(label) for key, label in PetitionKind.choices}
    channels = {key: str(label) for key, label in Channel.choices}
    statuses = {key: str(label) for key, label in Status.choices}
    states = {key: str(label) for key, label in DeadlineState.choices}
    on_time = {None: "", True: _("Yes"), False: _("No")}
    hidden_kinds = _hidden_kinds()
    finished, suspended = set(FINISHED_STATUSES), Status.SUSPENDED
    values = iter(queryset.values_list(*PETITION_COLUMNS).iterator(chunk_size=CHUNK_SIZE))
    while chunk := list(islice(values, CHUNK_SIZE)):
        hidden = {row[0] for row in chunk if row[3] in hidden_kinds}
        people = _petitioners([row[0] for row in chunk], hidden)
        for (
            pk,
            code,
            received_on,
            kind,
            field_name,
            channel,
            summary,
            receiving_unit,
            handling_unit,
            location_unit,
            status,
            due_date,
            finished_on,
            finished_on_time,
        ) in chunk:
            # DeadlineContext.info's rule, without the per-row working-day count.
            if status in finished:
                state = DeadlineState.DONE
            elif status == suspended:
                state = DeadlineState.PAUSED
            elif due_date is None or due_date > context.horizon:
                state = DeadlineState.ON_TIME
            elif due_date < context.today:
                state = DeadlineState.OVERDUE
            else:
                state = DeadlineState.DUE_SOON
            persons = people.get(pk, ())
            yield [
                code,
                received_on,
                kinds.get(kind, kind),
                field_name or "",
                channels.get(channel, channel),
                summary,
                "; ".join(person[0] for person in persons),
                "; ".join(person[1] for person in persons if person[1]),
                "; ".join(person[2] for person in persons if person[2]),
                receiving_unit,
                handling_unit,
                location_unit,
                statuses.get(status, status),
                due_date,
                states[state],
                finished_on,
                on_time[finished_on_time],
            ]


# --- Tasks ------------------------------------------------------------------------------------
def task_export_queryset(
    user: Any,
    *,
    unit: Unit | None,
    period: Period | None,
    params: Mapping[str, str],
    today: date,
    request: Any = None,
) -> Any:
    """
    With a `unit`: the tasks its statistics count (led in its subtree, a cascaded parent
    through its sub-tasks). Without one: what the user's task list shows. Then the period
    (due in it), every filter of the API list, and `q` (the web list's search).
    """
    from tasks.filters import TaskFilter

    if unit is not None:
        queryset = tasks_in_scope(user, unit).with_status(today=today)
    else:
        queryset = tasks_visible_to(user).with_status(today=today)
    if period is not None:
        queryset = queryset.filter(
            Q(due_on__range=(period.start, period.end))
            | Q(due_on__isnull=True, created_at__date__range=(period.start, period.end))
        )
    queryset = _list_filters(TaskFilter, params, queryset, request)
    if params.get("q"):
        queryset = queryset.filter(folded_words_q("search_text", str(params["q"])))
    return queryset.select_related("issuing_unit", "lead_unit").order_by("due_on", "id")


def task_header() -> list[str]:
    return [
        _("Number"),
        _("Title"),
        _("Issuing unit"),
        _("Lead unit"),
        _("Period"),
        _("Due on"),
        _("Status"),
        _("Progress (%)"),
        _("Completed on"),
    ]


def task_rows(queryset: Any, *, today: date) -> Iterator[list[Any]]:
    statuses = dict(TaskStatus.choices)
    for t in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [
            t.number or "",
            t.title,
            t.issuing_unit.name,
            t.lead_unit.name,
            t.period_label,
            t.due_on,
            str(statuses.get(t.status, t.status)),
            None if t.progress_percent is None else Percent(t.progress_percent),
            t.completed_on,
        ]


# --- Writers ----------------------------------------------------------------------------------
def model_export_queryset(
    user: Any, *, unit: Unit | None, params: Mapping[str, str]
) -> QuerySet[Any]:
    """The register of "Dân vận khéo" models as the person sees it (status and field filters)."""
    from movement.models import ModelField, ModelStatus
    from movement.selectors import models_visible_to

    queryset = models_visible_to(user).select_related("unit", "recognised_by")
    if unit is not None:
        queryset = queryset.filter(unit__path__startswith=unit.path)
    status = _choice(params, "status", list(ModelStatus.values))
    if status:
        queryset = queryset.filter(status=status)
    field = _choice(params, "field", list(ModelField.values))
    if field:
        queryset = queryset.filter(field=field)
    return queryset.order_by("unit__path", "id")


def model_header() -> list[str]:
    return [
        _("Name"),
        _("Unit"),
        _("Field"),
        _("Year started"),
        _("Status"),
        _("Recognition level"),
        _("Recognised by"),
        _("Decision number"),
        _("Decision date"),
        _("Award"),
        _("Last reviewed in"),
        _("Figures"),
    ]


def model_rows(queryset: Any) -> Iterator[list[Any]]:
    from movement.selectors import indicators

    names = {i.code: f"{i.name} ({i.measure})" for i in indicators()}
    for model in queryset.iterator(chunk_size=2000):
        yield [
            model.name,
            model.unit.name,
            model.get_field_display(),
            model.year_started,
            model.get_status_display(),
            model.get_recognition_level_display(),
            model.recognised_by.name if model.recognised_by else "",
            model.decision_number,
            model.decision_date,
            model.get_award_display(),
            model.last_reviewed_year,
            "; ".join(f"{names.get(k, k)}: {v}" for k, v in (model.figures or {}).items()),
        ]


# A cell starting with one of these is a formula to Excel and LibreOffice: text a citizen
# typed ("=HYPERLINK(…)") must never run on a supervisor's computer (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Percent):
        return f"{value:g}"
    if _is_formula_like(value):
        return "'" + value  # the usual escape: shown as text, the quote hidden by Excel
    return value


# Lines handed to the server at a time: one write per block instead of one per line.
CSV_BLOCK_ROWS = 500
_FORMULA_FIRST = frozenset(FORMULA_STARTS)  # each is one character: a test on the first


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_stream(
    header: list[str], rows: Iterable[list[Any]], on_done: Callable[[int], None]
) -> Iterator[str]:
    """
    Lines of CSV, a BOM first so Excel reads UTF-8 Vietnamese correctly, handed on in blocks
    of `CSV_BLOCK_ROWS` as the rows are read. Each value as `_csv_value` writes it; the
    common types (text, dates, numbers, none) are told apart by their exact type, dates
    formatted once each.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    yield _drain(buffer)
    count = 0
    dates: dict[date, str] = {}
    for row in rows:
        count += 1
        cells = []
        for value in row:
            kind = type(value)
            if kind is str:
                if value[:1] in _FORMULA_FIRST:
                    value = "'" + value  # as _csv_value: shown as text, not run
            elif kind is date:
                text = dates.get(value)
                if text is None:
                    text = dates[value] = _csv_value(value)
                value = text
            elif value is not None and kind is not int:
                value = _csv_value(value)
            cells.append(value)
        writer.writerow(cells)
        if count % CSV_BLOCK_ROWS == 0:
            yield _drain(buffer)
    rest = _drain(buffer)
    if rest:
        yield rest
    on_done(count)


# The widths are fitted to the first rows: a write-only sheet writes its columns before the
# first row, so they are measured on a bounded sample held back, never on the whole file.
WIDTH_SAMPLE_ROWS = 500
MIN_WIDTH, MAX_WIDTH = 8, 60
DATE_FORMAT, DATETIME_FORMAT, PERCENT_FORMAT = "DD/MM/YYYY", "DD/MM/YYYY HH:MM", "0%"


class Percent(float):
    """A rate in percent (50 for 50 %): a number with a % format in xlsx, as typed in CSV."""


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len("dd/mm/yyyy hh:mm")
    if isinstance(value, date):
        return len("dd/mm/yyyy")
    if isinstance(value, Percent):
        return len(f"{value:.0f} %")
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def column_widths(header: list[str], sample: list[list[Any]]) -> list[float]:
    """Width of each column: its longest value among the header and the sample, bounded."""
    widths = []
    for index, title in enumerate(header):
        longest = max(
            # a bold header is wider than its letters count; the filter button takes ~2
            [int(len(title) * 1.1) + 3]
            + [_display_width(row[index]) + 2 for row in sample if index < len(row)]
        )
        widths.append(float(min(MAX_WIDTH, max(MIN_WIDTH, longest))))
    return widths


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)  # Excel has no time zones: local wall time
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, Percent):
        cell = WriteOnlyCell(sheet, value=float(value) / 100)
        cell.number_format = PERCENT_FORMAT
        return cell
    if _is_formula_like(value):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl would store "=…" as a formula; keep it text
        return cell
    return value


def xlsx_file(header: list[str], rows: Iterable[list[Any]], *, title: str) -> tuple[IO[bytes], int]:
    """
    A write-only workbook in an anonymous temporary file (deleted when closed), ready to use
    when opened: columns fitted to their content, a bold header frozen above a filter, dates
    as dates (dd/mm/yyyy), rates as percentages.
    """
    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE_ROWS))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for index, width in enumerate(column_widths(header, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for title_text in header:
        cell = WriteOnlyCell(sheet, value=title_text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    # A write-only sheet writes a row out as it is appended, so a date cell, which carries
    # its number format, can be made once per column and given the next row's date.
    date_cells: dict[int, Any] = {}
    for row in chain(sample, rows):
        count += 1
        cells = []
        for index, value in enumerate(row):
            kind = type(value)
            if kind is str:
                if value[:1] in _FORMULA_FIRST:
                    value = _xlsx_cell(sheet, value)
            elif kind is date:
                cell = date_cells.get(index)
                if cell is None:
                    cell = date_cells[index] = _xlsx_cell(sheet, value)
                else:
                    cell.value = value
                value = cell
            elif value is not None and kind is not int and kind is not float:
                value = _xlsx_cell(sheet, value)
            cells.append(value)
        sheet.append(cells)
    # The filter's range is written after the rows (write_tail), so it can be set last.
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(header), 1))}{count + 1}"
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by FileResponse)
    workbook.save(handle)
    handle.seek(0)
    return handle, count


def export_finished(record: ExportRecord, count: int) -> None:
    ExportRecord.objects.filter(pk=record.pk).update(row_count=count, finished_at=timezone.now())
