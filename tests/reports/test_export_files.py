"""Excel files that open ready to use: widths, a bold frozen header with a filter, real dates,
rates as percentages, and a Vietnamese file name with an ASCII fallback."""

from __future__ import annotations

import io
from datetime import date
from typing import Any
from urllib.parse import unquote

from django.utils import translation
from openpyxl import load_workbook

from danvan.core.downloads import attachment_disposition
from reports.exports import MAX_WIDTH, MIN_WIDTH, Percent, xlsx_file
from reports.models import ExportSubject
from reports.services import report_document_generate, report_document_request
from tests.reports.conftest import TODAY

AS_OF = f"as_of={TODAY.isoformat()}"


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _sheet(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data)).worksheets[0]  # full mode: widths and views


def _filenames(response: Any) -> tuple[str, str]:
    """(the ASCII `filename`, the decoded UTF-8 `filename*`) of a download."""
    header = response["Content-Disposition"]
    assert header.startswith("attachment;")
    ascii_part = header.split('filename="', 1)[1].split('"', 1)[0]
    utf8_part = header.split("filename*=UTF-8''", 1)[1]
    return ascii_part, unquote(utf8_part)


def test_the_petition_workbook_opens_ready_to_use(world: Any, supervisor: Any, api_as: Any) -> None:
    response = api_as(supervisor).get(f"/api/v1/reports/exports/petitions.xlsx?all_dates=1&{AS_OF}")
    sheet = _sheet(_body(response))
    rows = list(sheet.iter_rows())
    header, data = rows[0], rows[1:]

    assert sheet.freeze_panes == "A2"  # the header stays in view while scrolling
    assert sheet.auto_filter.ref == f"A1:Q{len(rows)}"  # every column, every row
    assert all(cell.font.bold for cell in header)
    assert not any(cell.font.bold for cell in data[0])
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKLMNOPQ"]
    assert all(MIN_WIDTH <= width <= MAX_WIDTH for width in widths)
    summary_width = sheet.column_dimensions["F"].width
    assert summary_width >= max(len(str(row[5].value)) for row in data)  # fitted, not default
    received = data[0][1]
    assert isinstance(received.value, date)  # a real date, which sorts and filters
    assert received.number_format == "DD/MM/YYYY"
    dates = [row[1].value.date() for row in data]
    assert date(2026, 2, 2) in dates and dates == sorted(dates, reverse=True)  # #1, newest first


def test_a_progress_rate_is_a_number_formatted_as_a_percentage(
    task_world: Any, supervisor: Any, tree: Any, api_as: Any
) -> None:
    response = api_as(supervisor).get(
        f"/api/v1/reports/exports/tasks.xlsx?unit={tree.province_a.pk}&year=2026&{AS_OF}"
    )
    sheet = _sheet(_body(response))
    progress = [row[7] for row in sheet.iter_rows(min_row=2)]
    assert progress
    assert all(isinstance(cell.value, (int, float)) for cell in progress)
    assert all(0 <= cell.value <= 1 and cell.number_format == "0%" for cell in progress)
    due = [row[5] for row in sheet.iter_rows(min_row=2) if row[5].value is not None]
    assert due and all(cell.number_format == "DD/MM/YYYY" for cell in due)


def test_the_csv_keeps_the_rate_and_dates_as_people_write_them(
    task_world: Any, supervisor: Any, tree: Any, api_as: Any
) -> None:
    response = api_as(supervisor).get(
        f"/api/v1/reports/exports/tasks.csv?unit={tree.province_a.pk}&year=2026&{AS_OF}"
    )
    lines = _body(response).decode("utf-8-sig").strip().splitlines()
    assert "0.0" not in lines[1].split(",")[7]  # 40, not 0.4 nor 40.0
    assert lines[1].split(",")[7].isdigit()


def test_datetimes_are_local_and_formatted_with_the_time() -> None:
    from datetime import UTC, datetime

    handle, count = xlsx_file(
        ["Lúc", "Tỉ lệ"], [[datetime(2026, 7, 1, 1, 30, tzinfo=UTC), Percent(50)]], title="T"
    )
    sheet = _sheet(handle.read())
    when, rate = sheet["A2"], sheet["B2"]
    assert when.value == datetime(2026, 7, 1, 8, 30)  # Asia/Ho_Chi_Minh wall time
    assert when.number_format == "DD/MM/YYYY HH:MM"
    assert rate.value == 0.5 and rate.number_format == "0%"
    assert count == 1


def test_widths_are_fitted_but_bounded() -> None:
    handle, _count = xlsx_file(["A", "B"], [["x" * 500, "ngắn"]], title="T")
    sheet = _sheet(handle.read())
    assert sheet.column_dimensions["A"].width == MAX_WIDTH
    assert sheet.column_dimensions["B"].width == MIN_WIDTH


def test_an_empty_export_still_has_its_header_and_filter(supervisor: Any, api_as: Any) -> None:
    response = api_as(supervisor).get(f"/api/v1/reports/exports/tasks.xlsx?all_dates=1&{AS_OF}")
    sheet = _sheet(_body(response))
    assert sheet.max_row == 1
    assert sheet.auto_filter.ref == "A1:I1"
    assert sheet["A1"].font.bold


def test_export_file_names_are_vietnamese_with_an_ascii_fallback(
    world: Any, supervisor: Any, tree: Any, api_as: Any
) -> None:
    for file_format in ("csv", "xlsx"):
        response = api_as(supervisor).get(
            f"/api/v1/reports/exports/petitions.{file_format}?unit={tree.commune_a1.pk}"
            f"&year=2026&{AS_OF}"
        )
        ascii_name, name = _filenames(response)
        with translation.override("vi"):
            label = str(ExportSubject.PETITIONS.label)
        assert name == f"{label} - Xã Di Linh - 01-07-2026.{file_format}"
        assert ascii_name.isascii()
        assert ascii_name.endswith(f"Xa Di Linh - 01-07-2026.{file_format}")


def test_the_disposition_is_safe_for_any_name() -> None:
    header = attachment_disposition('Báo cáo "quý" 1/2026; Đắk Lắk.xlsx')
    assert header == (
        'attachment; filename="Bao cao -quy- 1-2026- Dak Lak.xlsx"; '
        "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20-qu%C3%BD-%201-2026-%20%C4%90%E1%BA%AFk%20L%E1%BA%AFk.xlsx"
    )


def test_report_documents_download_under_a_vietnamese_name(
    world: Any, supervisor: Any, tree: Any, api_as: Any
) -> None:
    document = report_document_request(
        actor=supervisor, unit=tree.province_a, today=TODAY, kind="half", year=2026, half=1
    )
    report_document_generate(document_id=document.pk)
    client = api_as(supervisor)
    response = client.get(f"/api/v1/reports/documents/{document.pk}/download/?file=xlsx")
    ascii_name, name = _filenames(response)
    assert name == "Báo cáo 6 tháng đầu năm 2026 - Lâm Đồng.xlsx"
    assert "half" not in name and ascii_name == "bao-cao-6-thang-dau-nam-2026-lam-dong.xlsx"
    sheet = _sheet(b"".join(response.streaming_content))
    assert sheet.freeze_panes == "A3"
    assert all(cell.font.bold for cell in sheet[2])
    assert sheet.auto_filter.ref.startswith("A2:")
    rate = sheet["G2"].offset(row=1)  # the on-time rate of the first row
    assert isinstance(rate.value, float) and rate.number_format == "0.0%"
