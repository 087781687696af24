"""
Periodic report documents in the administrative format of Nghị định 30/2020/NĐ-CP:
issuing unit top-left (upper case, bold) with the number "Số: …/BC-…", national title and
motto top-right (motto bold and underlined), the place and date line in italics, the title
"BÁO CÁO", Times New Roman 13–14 pt, then the tables of figures. An xlsx holds the same tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from danvan.core.docx import (
    _font,
    _paragraph,
    add_header,
    formal_name,
    new_document,
    number_line,
)
from danvan.core.numbers import decimal, percent
from danvan.org.models import Unit
from movement.selectors import MovementSummary, movement_summary
from reports.exports import FORMULA_STARTS, column_widths
from reports.figures import (
    PetitionReport,
    most_overdue_petitions,
    most_overdue_tasks,
    petition_report,
    rank_units,
    task_report,
)
from reports.periods import Period


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[Any]]
    note: str = ""  # under the table: "và 120 đơn vị không có số liệu"


@dataclass
class ReportContent:
    unit: Unit
    period: Period
    today: date
    petitions: PetitionReport
    tasks: dict[str, Any]
    overdue: list[dict[str, Any]]
    overdue_tasks: list[dict[str, Any]]
    movement: MovementSummary | None = None

    def tables(self) -> list[Table]:
        return figure_tables(self)


def collect(user: Any, *, unit: Unit, period: Period, today: date) -> ReportContent:
    return ReportContent(
        unit=unit,
        period=period,
        today=today,
        petitions=petition_report(user, unit=unit, period=period, today=today),
        tasks=task_report(user, unit=unit, period=period, today=today),
        overdue=most_overdue_petitions(user, unit=unit, today=today, limit=20),
        overdue_tasks=most_overdue_tasks(user, unit=unit, today=today, limit=20),
        movement=movement_summary(unit, period.start, period.end),
    )


def _folded(count: int) -> str:
    return (
        ngettext("and %(count)d unit with no figures", "and %(count)d units with no figures", count)
        % {"count": count}
        if count
        else ""
    )


def _dmy(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def _petition_row(label: str, row: dict[str, Any]) -> list[Any]:
    return [
        label,
        row["received"],
        row["processed"],
        row["resolved"],
        row["resolved_on_time"],
        row["overdue"],
        percent(row["on_time_rate"]),
        decimal(row["avg_days_to_resolve"]),
    ]


def figure_tables(content: ReportContent) -> list[Table]:
    header = [
        "",
        pgettext("report column", "Received"),
        pgettext("report column", "Processed"),
        pgettext("report column", "Resolved"),
        pgettext("report column", "On time"),
        pgettext("report column", "Overdue"),
        pgettext("report column", "On-time rate"),
        pgettext("report column", "Average days to resolve"),
    ]
    report = content.petitions
    totals = report.totals
    # The units with figures, most overdue first; the rest only counted (a province has ~130
    # communes, most with nothing in a period).
    petition_units, petition_empty = rank_units(
        report.by_unit, overdue=lambda r: r["overdue"], total=lambda r: r["received"]
    )
    tables = [
        Table(
            _("Petitions by kind"),
            header,
            [_petition_row(r["label"], r) for r in report.by_kind]
            + [_petition_row(pgettext("report column", "Total"), totals)],
        ),
        Table(
            _("Petitions by field"), header, [_petition_row(r["label"], r) for r in report.by_field]
        ),
        Table(
            _("Petitions by channel"),
            header,
            [_petition_row(r["label"], r) for r in report.by_channel],
        ),
        Table(
            _("Petitions by unit"),
            header,
            [_petition_row(r["unit"]["name"], r) for r in petition_units],
            note=_folded(len(petition_empty)),
        ),
    ]
    task_header = [
        "",
        pgettext("report column", "Assigned"),
        pgettext("report column", "Done on time"),
        pgettext("report column", "Done late"),
        pgettext("report column", "Overdue"),
        pgettext("report column", "On-time rate"),
    ]

    def task_row(label: str, row: dict[str, Any]) -> list[Any]:
        return [
            label,
            row["assigned"],
            row["done_on_time"],
            row["done_late"],
            row["overdue"],
            percent(row["on_time_rate"]),
        ]

    tasks = content.tasks
    task_units, task_empty = rank_units(
        tasks["by_unit"], overdue=lambda r: r["overdue"], total=lambda r: r["assigned"]
    )
    tables.append(
        Table(
            _("Tasks by unit"),
            task_header,
            [task_row(r["unit"]["name"], r) for r in task_units]
            + [task_row(pgettext("report column", "Total"), tasks["totals"])],
            note=_folded(len(task_empty)),
        )
    )
    tables.append(
        Table(
            _("Most overdue petitions"),
            [
                _("Code"),
                _("Kind"),
                _("Summary"),
                _("Handling unit"),
                _("Deadline"),
                _("Days overdue"),
            ],
            [
                [
                    o["code"],
                    o["kind_label"],
                    o["summary"],
                    o["handling_unit"]["name"],
                    _dmy(o["due_date"]),
                    o["days_overdue"],
                ]
                for o in content.overdue
            ],
        )
    )
    tables.append(
        Table(
            _("Most overdue tasks"),
            [_("Title"), _("Lead unit"), _("Due on"), _("Progress (%)"), _("Days overdue")],
            [
                [
                    t["title"],
                    t["lead_unit"]["name"],
                    _dmy(t["due_on"]),
                    t["progress_percent"],
                    t["days_overdue"],
                ]
                for t in content.overdue_tasks
            ],
        )
    )
    tables += movement_tables(content.movement)
    return tables


def _figure(value: Any) -> str:
    """A figure as Vietnamese reports write it: 16.505; 1.234,5."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def movement_tables(summary: MovementSummary | None) -> list[Table]:
    """The movement: dialogues held, then a table per indicator, units with figures only."""
    if summary is None:
        return []
    tables = [
        Table(
            _("Dialogues with citizens and “Dân vận khéo” models"),
            ["", pgettext("report column", "Number")],
            [
                [_("Dialogues held"), summary.dialogues_held],
                [_("Issues raised at dialogues"), summary.issues_raised],
                [_("of which resolved"), summary.issues_resolved],
                [_("Models recognised in the period"), summary.models_recognised],
            ],
        )
    ]
    for row in summary.indicators:
        tables.append(
            Table(
                f"{row.indicator.name} ({row.indicator.measure})",
                [_("Unit"), row.indicator.measure],
                [[unit.name, _figure(value)] for unit, value in row.by_unit]
                + [[pgettext("report column", "Total"), _figure(row.total)]],
            )
        )
    return tables


# --- .docx --------------------------------------------------------------------------------------
def build_docx(
    content: ReportContent, *, number: str = "", place: str = "", signed_on: date | None = None
) -> bytes:
    unit, period = content.unit, content.period
    signed_on = signed_on or content.today
    document = new_document()
    add_header(document, unit, number=number_line(unit, number), place=place, signed_on=signed_on)

    _paragraph(document, "")
    _paragraph(document, "BÁO CÁO", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(
        document,
        _("Results of petition handling and task implementation, %(period)s")
        % {"period": period.label},
        size=14,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _paragraph(document, "______", align=WD_ALIGN_PARAGRAPH.CENTER)

    totals = content.petitions.totals
    _paragraph(document, "I. " + _("Receiving and handling petitions"), bold=True)
    _paragraph(
        document,
        _(
            "From %(start)s to %(end)s the units received %(received)d petitions, processed "
            "%(processed)d and resolved %(resolved)d (%(on_time)d within the legal deadline); "
            "%(overdue)d open petitions are past their deadline. On-time rate: %(rate)s "
            "(resolved on time ÷ (resolved + open and overdue))."
        )
        % {
            "start": period.start.strftime("%d/%m/%Y"),
            "end": period.end.strftime("%d/%m/%Y"),
            "received": totals["received"],
            "processed": totals["processed"],
            "resolved": totals["resolved"],
            "on_time": totals["resolved_on_time"],
            "overdue": totals["overdue"],
            "rate": percent(totals["on_time_rate"]),
        },
    ).paragraph_format.first_line_indent = Cm(1)
    if totals["avg_days_to_resolve"] is not None:
        _paragraph(
            document,
            _("On average a petition was resolved in %(days)s days.")
            % {"days": decimal(totals["avg_days_to_resolve"])},
        ).paragraph_format.first_line_indent = Cm(1)
    task_totals = content.tasks["totals"]
    tables = content.tables()
    for index, table in enumerate(tables):
        if index == 4:
            _paragraph(document, "II. " + _("Implementing tasks"), bold=True)
            _paragraph(
                document,
                _(
                    "%(assigned)d tasks were due in the period: %(on_time)d done on time, "
                    "%(late)d done late, %(overdue)d overdue and not done. On-time rate: "
                    "%(rate)s."
                )
                % {
                    "assigned": task_totals["assigned"],
                    "on_time": task_totals["done_on_time"],
                    "late": task_totals["done_late"],
                    "overdue": task_totals["overdue"],
                    "rate": percent(task_totals["on_time_rate"]),
                },
            ).paragraph_format.first_line_indent = Cm(1)
        if index == 5:
            _paragraph(document, "III. " + _("Overdue cases needing attention"), bold=True)
        _paragraph(document, table.title, size=13, bold=True, italic=True)
        _docx_table(document, table)

    _paragraph(document, "")
    closing = document.add_table(rows=1, cols=2)
    recipients, signature = closing.rows[0].cells
    _font(recipients.paragraphs[0].add_run(_("Recipients:")), size=12, bold=True, italic=True)
    _paragraph(recipients, "- " + _("As above;"), size=11)
    _paragraph(recipients, "- " + _("Filed: office."), size=11)
    _font(signature.paragraphs[0].add_run(formal_name(unit).upper()), size=14, bold=True)
    signature.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(
        signature,
        _("(Signature, full name)"),
        size=14,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_table(document: Any, table: Table) -> None:
    grid = document.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        _font(cell.paragraphs[0].add_run(str(text)), size=12, bold=True)
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            _font(cell.paragraphs[0].add_run("" if value is None else str(value)), size=12)
    if not table.rows:
        cells = grid.add_row().cells
        _font(cells[0].paragraphs[0].add_run(_("None")), size=12, italic=True)
    if table.note:
        _paragraph(document, table.note, size=12, italic=True)


# --- .xlsx --------------------------------------------------------------------------------------
# The tables are written for the Word document (text: "50,0%", "05/12/2026", "12,5"); in the
# sheet they become numbers and dates again, so that they sort, filter and sum.
_DMY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_RATE = re.compile(r"^(\d+(?:,\d+)?)[\s\u00a0\u202f]?%$")
_DECIMAL = re.compile(r"^\d+,\d+$")


def _sheet_value(value: Any) -> tuple[Any, str | None]:
    """The value a cell holds and its number format (None: as it is)."""
    if not isinstance(value, str):
        return value, None
    if match := _DMY.match(value):
        day, month, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day), "DD/MM/YYYY"
        except ValueError:
            return value, None
    if match := _RATE.match(value):
        return float(match.group(1).replace(",", ".")) / 100, "0.0%"
    if _DECIMAL.match(value):
        return float(value.replace(",", ".")), "0.0"
    return value, None


def build_xlsx(content: ReportContent) -> bytes:
    workbook = Workbook()
    first = True
    for table in content.tables():
        if first:
            sheet = workbook.active
            sheet.title = table.title[:31]
            first = False
        else:
            sheet = workbook.create_sheet(table.title[:31])
        sheet.append([f"{content.unit.name} – {content.period.label}"])
        sheet["A1"].font = Font(bold=True)
        sheet.append(table.header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_sheet_value(value)[0] for value in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=False):
                number_format = _sheet_value(value)[1]
                if number_format:
                    cell.number_format = number_format
                elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"  # a citizen's "=…" stays text, never a formula
        if table.note:
            sheet.append([table.note])
            sheet.cell(row=sheet.max_row, column=1).font = Font(italic=True)
        # Ready to use when opened: the title and the bold header stay in view, with a filter.
        rows = [list(row) for row in table.rows]
        for index, width in enumerate(column_widths(list(table.header), rows), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A3"
        last = get_column_letter(max(len(table.header), 1))
        sheet.auto_filter.ref = f"A2:{last}{len(rows) + 2}"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ProgressCallback = Callable[[int], None]
