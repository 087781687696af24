"""
What a supervisor reads: one number format everywhere, Vietnamese month labels, only the
period fields that apply, units that need attention first (zeros folded away), report numbers
as typed, Vietnamese file names.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from docx import Document

from danvan.core.downloads import ascii_name, content_disposition
from danvan.core.numbers import decimal, percent
from reports import charts
from reports.services import report_document_generate, report_document_request
from tests.factories import UnitFactory
from tests.reports.conftest import TODAY


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- One number format ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "text"),
    [(50, "50,0 %"), (33.33, "33,3 %"), (0.0, "0,0 %"), (100, "100,0 %"), (None, "—")],
)
def test_a_rate_is_written_the_vietnamese_way(value: Any, text: str) -> None:
    assert percent(value) == text


def test_decimals_use_a_comma_and_dots_between_thousands() -> None:
    assert decimal(1234.5) == "1.234,5"
    assert decimal(27.5) == "27,5"
    assert decimal(None) == "—"


def test_the_rate_chart_says_what_the_cards_say() -> None:
    svg = str(charts.rate_bars([("Xã Di Linh", 50.0, 4), ("Xã Hàm Thuận Bắc", 0.0, 2)]))

    assert "Xã Di Linh: 50,0 %" in svg and ">50,0 % (4)<" in svg
    assert ">0,0 % (2)<" in svg
    assert "0.0%" not in svg and "50.0" not in svg


def test_the_trend_chart_names_months_in_vietnamese() -> None:
    months = [
        {"month": "2026-01", "received": 3, "resolved": 1, "resolved_on_time": 1},
        {"month": "2026-12", "received": 0, "resolved": 2, "resolved_on_time": 2},
    ]

    svg = str(charts.trend_chart(months, received="Tiếp nhận", resolved="Đã giải quyết"))

    assert ">Th1/2026</text>" in svg and ">Th12/2026</text>" in svg
    assert "Tiếp nhận Th1/2026: 3" in svg
    assert "2026-01" not in svg and "01/26" not in svg


def test_the_dashboard_uses_the_one_format(world: Any, supervisor: Any, tree: Any) -> None:
    page = client_for(supervisor).get(f"/reports/?unit={tree.province_a.pk}&year=2026")

    html = page.content.decode()
    card = re.search(r'data-figure="on_time_rate">([^<]*)<', html)
    assert card is not None and re.fullmatch(r"\d+,\d %", card.group(1))
    assert card.group(1) == percent(page.context["totals"]["on_time_rate"])
    a1 = next(row for row in page.context["by_unit"] if row["unit"]["name"] == "Xã Di Linh")
    assert f"Xã Di Linh: {percent(a1['on_time_rate'])}</title>" in html  # the chart's bar
    assert f"<td>{percent(a1['on_time_rate'])}</td>" in html  # the table's cell
    assert "50.0" not in html and "0.0%" not in html
    assert ">Th" in html and re.search(r">\d{4}-\d{2}<", html) is None


# --- The period fields ------------------------------------------------------------------------
def _shown_fields(html: str) -> set[str]:
    """Names of the period form's inputs that are neither hidden nor disabled."""
    form = html.split('aria-label="Kỳ báo cáo"', 1)[1].split("</form>", 1)[0]
    shown = {"period"}
    for attributes, body in re.findall(r"<fieldset([^>]*)>(.*?)</fieldset>", form, re.S):
        if "hidden" in attributes:
            assert "disabled" in attributes  # not sent either
            continue
        shown |= set(re.findall(r'name="(\w+)"', body))
    return shown


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("", {"period", "year"}),
        ("period=year&year=2026", {"period", "year"}),
        ("period=half&year=2026&half=2", {"period", "year", "half"}),
        ("period=quarter&year=2026&quarter=3", {"period", "year", "quarter"}),
        ("period=month&year=2026&month=5", {"period", "year", "month"}),
        ("period=custom&from=2026-01-01&to=2026-03-31", {"period", "from", "to"}),
    ],
)
def test_the_dashboard_shows_only_the_fields_of_the_period(
    world: Any, supervisor: Any, query: str, fields: set[str]
) -> None:
    html = client_for(supervisor).get(f"/reports/?{query}").content.decode()

    assert _shown_fields(html) == fields


def test_the_chosen_period_is_filled_in(world: Any, supervisor: Any) -> None:
    half = client_for(supervisor).get("/reports/?period=half&year=2026&half=2").content.decode()
    assert '<option value="2" selected>6 tháng cuối năm</option>' in half
    custom = client_for(supervisor).get("/reports/?period=custom&from=02/01/2026&to=2026-03-31")
    assert 'name="from" value="02/01/2026" inputmode="numeric" placeholder="dd/mm/yyyy"' in (
        custom.content.decode()
    )


def test_the_document_form_shows_the_six_months_only_for_a_six_month_report(
    world: Any, supervisor: Any
) -> None:
    html = client_for(supervisor).get("/reports/").content.decode()
    form = html.split('action="/reports/documents/"', 1)[1].split("</form>", 1)[0]

    assert 'data-for="kind" data-when="half"' in form
    assert '<script src="/static/reports/period-fields.js' in html


# --- Units: most overdue first, zeros folded -------------------------------------------------
def test_units_with_overdue_come_first_and_empty_ones_fold_away(
    world: Any, supervisor: Any, tree: Any
) -> None:
    for n in range(3):
        UnitFactory(code=f"2509{n}", name=f"Xã Không Số Liệu {n}", parent=tree.province_a)

    html = client_for(supervisor).get(f"/reports/?unit={tree.province_a.pk}&year=2026")
    page = html.content.decode()

    table = page.split("So sánh giữa các đơn vị", 1)[1].split("</table>", 1)[0]
    visible, folded = table.split("<details>", 1)
    order = re.findall(r"<tr><td>(?:<a [^>]*>)?([^<]+?)(?:</a>| <span)", visible)
    # A1 and A2 each have one overdue; A1 has more petitions. The province's own after.
    assert order == ["Xã Di Linh", "Xã Hàm Thuận Bắc", "Lâm Đồng"]
    assert "<summary>và 4 đơn vị không có số liệu</summary>" in folded
    assert "Ban Dân vận Tỉnh ủy Lâm Đồng" in folded and "Xã Không Số Liệu 2" in folded
    assert "Xã Không Số Liệu" not in visible
    chart = page.split("So sánh giữa các đơn vị", 1)[1].split("</svg>", 1)[0]
    assert "Xã Không Số Liệu" not in chart


def _generate(user: Any, unit: Any, **kwargs: Any) -> Any:
    document = report_document_request(actor=user, unit=unit, today=TODAY, **kwargs)
    report_document_generate(document_id=document.pk)
    document.refresh_from_db()
    return document


def _table(docx: Any, first_header: str, title: str) -> tuple[list[list[str]], str]:
    """The rows of the table after the paragraph `title`, and the paragraph after it."""
    blocks = list(docx.iter_inner_content())  # paragraphs and tables, in reading order
    for index, block in enumerate(blocks):
        if getattr(block, "text", None) == title:
            table, after = blocks[index + 1], blocks[index + 2]
            rows = [[cell.text for cell in row.cells] for row in table.rows]
            assert rows[0][1] == first_header
            return rows, after.text
    raise AssertionError(f"no table {title!r}")


def test_the_word_report_lists_units_with_figures_and_counts_the_rest(
    world: Any, task_world: Any, supervisor: Any, tree: Any
) -> None:
    for n in range(5):
        UnitFactory(code=f"2519{n}", name=f"Xã Trống {n}", parent=tree.province_a)

    document = _generate(supervisor, tree.province_a, kind="year", year=2026)
    docx = Document(document.docx.open("rb"))

    rows, note = _table(docx, "Tiếp nhận", "Đơn thư theo đơn vị")
    assert [row[0] for row in rows[1:]] == ["Xã Di Linh", "Xã Hàm Thuận Bắc", "Lâm Đồng"]
    assert rows[1][5] == "1" and rows[1][6] == "33,3 %"
    assert note == "và 6 đơn vị không có số liệu"  # the board and the five empty communes
    task_rows, task_note = _table(docx, "Được giao", "Nhiệm vụ theo đơn vị")
    names = [row[0] for row in task_rows[1:]]
    assert names[-1] == "Tổng cộng" and not any(name.startswith("Xã Trống") for name in names)
    overdue = [int(row[4]) for row in task_rows[1:-1]]
    assert overdue == sorted(overdue, reverse=True)
    assert task_note.startswith("và ") and task_note.endswith(" đơn vị không có số liệu")


def test_the_report_number_is_kept_as_typed(world: Any, supervisor: Any, tree: Any) -> None:
    document = _generate(supervisor, tree.board_a, kind="year", year=2026, number="45-BC/BDVTU")
    docx = Document(document.docx.open("rb"))
    left = [p.text for p in docx.tables[0].rows[0].cells[0].paragraphs]

    assert "Số: 45-BC/BDVTU" in left
    assert not any("45-BC/BDVTU/" in line for line in left)


# --- File names -------------------------------------------------------------------------------
def test_a_download_name_is_vietnamese_with_an_ascii_fallback() -> None:
    header = content_disposition("Báo cáo 6 tháng đầu năm 2026 - Xã Di Linh", "docx")

    assert header == (
        'attachment; filename="bao-cao-6-thang-dau-nam-2026-xa-di-linh.docx"; '
        "filename*=UTF-8''" + quote("Báo cáo 6 tháng đầu năm 2026 - Xã Di Linh.docx", safe="")
    )
    assert ascii_name('Đơn "xấu"/../tên') == "don-xau-ten"


def test_report_documents_download_under_vietnamese_names(
    world: Any, supervisor: Any, tree: Any, api_as: Any
) -> None:
    document = _generate(supervisor, tree.commune_a1, kind="half", year=2026, half=1)
    assert "half" not in document.docx.name and "half" not in document.xlsx.name
    assert document.docx.name.rsplit("/", 1)[-1].startswith("bao-cao-6-thang-dau-nam-2026-xa-di-")

    page = client_for(supervisor).get(f"/reports/documents/{document.pk}/docx/")
    api = api_as(supervisor).get(f"/api/v1/reports/documents/{document.pk}/download/?file=xlsx")

    name = quote("Báo cáo 6 tháng đầu năm 2026 - Xã Di Linh", safe="")
    assert page.status_code == 200
    assert f"filename*=UTF-8''{name}.docx" in page["Content-Disposition"]
    assert 'filename="bao-cao-6-thang-dau-nam-2026-xa-di-linh.docx"' in page["Content-Disposition"]
    assert api.status_code == 200
    assert f"filename*=UTF-8''{name}.xlsx" in api["Content-Disposition"]
    assert "half" not in page["Content-Disposition"] + api["Content-Disposition"]
