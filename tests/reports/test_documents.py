"""Six-month and annual report documents: format, figures, API, web, a real Celery worker."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from docx import Document
from openpyxl import load_workbook

from reports.models import DocumentStatus, ReportDocument
from reports.services import report_document_generate, report_document_request
from tests.conftest import wait_for
from tests.reports.conftest import DENOUNCER, TODAY

DOCUMENTS = "/api/v1/reports/documents/"


def _all_text(document: Any) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _runs(document: Any) -> list[Any]:
    runs = [r for p in document.paragraphs for r in p.runs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                runs.extend(r for p in cell.paragraphs for r in p.runs)
    return runs


def _generate(user: Any, unit: Any, **kwargs: Any) -> ReportDocument:
    document = report_document_request(actor=user, unit=unit, today=TODAY, **kwargs)
    report_document_generate(document_id=document.pk)  # what the worker runs
    document.refresh_from_db()
    return document


def test_six_month_report_follows_decree_30(world: Any, supervisor: Any, tree: Any) -> None:
    document = _generate(supervisor, tree.province_a, kind="half", year=2026, half=1, number="12")
    assert document.status == DocumentStatus.DONE
    assert document.progress == 100
    docx = Document(document.docx.open("rb"))
    text = _all_text(docx)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "BÁO CÁO" in text
    assert "TỈNH LÂM ĐỒNG" in text  # issuing unit in upper case, with its type
    assert "TRUNG ƯƠNG" not in text  # a province has no governing line above it
    assert "Số: 12/BC-TLĐ" in text  # the issuer's abbreviation, in capitals
    assert "Lâm Đồng, ngày 01 tháng 7 năm 2026" in text  # no 0 before month 7
    assert "6 tháng đầu năm 2026" in text
    runs = _runs(docx)
    motto = next(r for r in runs if r.text == "Độc lập - Tự do - Hạnh phúc")
    assert motto.bold and motto.underline
    assert next(r for r in runs if r.text.startswith("Lâm Đồng, ngày")).italic
    assert next(r for r in runs if r.text == "TỈNH LÂM ĐỒNG").bold
    assert next(r for r in runs if r.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold
    assert {r.font.name for r in runs} == {"Times New Roman"}, [
        r.text for r in runs if r.font.name is None
    ]
    assert all(13 <= r.font.size.pt <= 14 for r in runs if r.text in ("BÁO CÁO",))
    # Every petition of province A was received in the first half of 2026.
    kind_table = next(t for t in docx.tables if t.rows[0].cells[1].text == "Tiếp nhận")
    total = [c.text for c in kind_table.rows[-1].cells]
    assert total[:6] == ["Tổng cộng", "7", "6", "4", "3", "2"]
    assert total[6] == "50,0 %"
    assert DENOUNCER not in text


def test_annual_xlsx_has_the_same_tables(world: Any, supervisor: Any, tree: Any) -> None:
    document = _generate(supervisor, tree.commune_a1, kind="year", year=2026)
    workbook = load_workbook(io.BytesIO(document.xlsx.open("rb").read()))
    # Seven of petitions and tasks, and the movement's (dialogues, models; no indicator has a
    # figure here, so no indicator table).
    assert len(workbook.sheetnames) == 8
    sheet = workbook.worksheets[0]
    rows = list(sheet.values)
    assert rows[-1][:2] == ("Tổng cộng", 4)


def test_request_is_checked(world: Any, supervisor: Any, tree: Any, api_as: Any) -> None:
    client = api_as(supervisor)
    for payload, field in [
        ({"unit": tree.province_a.pk, "kind": "half", "year": 2026, "half": 3}, "half"),
        ({"unit": tree.province_a.pk, "kind": "year", "year": 1800}, "year"),
        ({"unit": tree.province_a.pk, "kind": "week", "year": 2026}, "kind"),
    ]:
        response = client.post(DOCUMENTS, payload, format="json")
        assert response.status_code == 400, response.content
        assert field in response.json()["fields"]
    assert ReportDocument.objects.count() == 0


def test_document_personas(
    world: Any,
    supervisor: Any,
    cadre_a: Any,
    cadre_b: Any,
    administrator: Any,
    tree: Any,
    api: Any,
    api_as: Any,
) -> None:
    a1_doc = _generate(cadre_a, tree.commune_a1, kind="year", year=2026)
    detail = f"{DOCUMENTS}{a1_doc.pk}/"
    download = f"{detail}download/?file=docx"
    assert api.get(DOCUMENTS).status_code == 401
    assert api.get(detail).status_code == 401
    assert api_as(cadre_b).get(detail).status_code == 404
    assert api_as(cadre_b).get(download).status_code == 404
    assert api_as(cadre_b).get(DOCUMENTS).json()["results"] == []
    for user in (cadre_a, supervisor, administrator):
        assert api_as(user).get(detail).json()["status"] == "done"
        response = api_as(user).get(download)
        assert response.status_code == 200
        Document(io.BytesIO(b"".join(response.streaming_content)))
    response = api_as(cadre_a).post(
        DOCUMENTS, {"unit": tree.province_a.pk, "kind": "year", "year": 2026}, format="json"
    )
    assert response.status_code == 404
    assert api_as(cadre_a).get(f"{detail}download/?file=pdf").status_code == 400


def test_web_download_is_scoped(world: Any, cadre_a: Any, cadre_b: Any, tree: Any) -> None:
    from django.test import Client

    document = _generate(cadre_a, tree.commune_a1, kind="year", year=2026)
    own, other = Client(), Client()
    own.force_login(cadre_a)
    other.force_login(cadre_b)
    url = f"/reports/documents/{document.pk}/xlsx/"
    assert own.get(url).status_code == 200
    assert other.get(url).status_code == 404


def test_list_query_count_is_flat(
    world: Any, supervisor: Any, tree: Any, api_as: Any, count_queries: Any
) -> None:
    client = api_as(supervisor)
    ReportDocument.objects.create(unit=tree.province_a, kind="year", year=2025, as_of=TODAY)
    with count_queries() as one:
        assert client.get(DOCUMENTS).status_code == 200
    for year in range(2000, 2020):
        ReportDocument.objects.create(unit=tree.commune_a1, kind="year", year=year, as_of=TODAY)
    with count_queries() as many:
        assert len(client.get(DOCUMENTS).json()["results"]) > 1
    assert len(one) == len(many), many


def test_a_real_worker_generates_the_document(
    celery_worker_process: Any, world: Any, supervisor: Any, tree: Any, api_as: Any
) -> None:
    client = api_as(supervisor)
    response = client.post(
        DOCUMENTS,
        {"unit": tree.province_a.pk, "kind": "year", "year": date.today().year},
        format="json",
    )
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"
    url = f"{DOCUMENTS}{response.json()['id']}/"
    body = wait_for(lambda: (b := client.get(url).json())["status"] == "done" and b, timeout=90)
    assert body["progress"] == 100
    download = client.get(body["docx_url"].replace("http://testserver", ""))
    assert download.status_code == 200
    docx = Document(io.BytesIO(b"".join(download.streaming_content)))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in _all_text(docx)


def test_the_document_is_vietnamese_whatever_language_the_requester_reads(
    world: Any, supervisor: Any, tree: Any
) -> None:
    """An administrative document is Vietnamese even when generated under an English request."""
    from django.utils import translation

    with translation.override("en"):
        document = _generate(supervisor, tree.province_a, kind="half", year=2026, half=1)
    text = _all_text(Document(document.docx.open("rb")))
    assert "6 tháng đầu năm 2026" in text
    assert "Tiếp nhận" in text
    assert "Received" not in text
    sheet = load_workbook(io.BytesIO(document.xlsx.open("rb").read())).worksheets[0]
    assert sheet.title == "Đơn thư theo loại"


def test_dates_are_written_as_decree_30_asks() -> None:
    """A 0 before a day under 10 and before months 1 and 2 only."""
    from danvan.core.docx import date_line

    assert date_line("Di Linh", date(2026, 1, 5)) == "Di Linh, ngày 05 tháng 01 năm 2026"
    assert date_line("Di Linh", date(2026, 2, 28)) == "Di Linh, ngày 28 tháng 02 năm 2026"
    assert date_line("Di Linh", date(2026, 3, 9)) == "Di Linh, ngày 09 tháng 3 năm 2026"
    assert date_line("Di Linh", date(2026, 12, 31)) == "Di Linh, ngày 31 tháng 12 năm 2026"


def _header(document: ReportDocument) -> tuple[list[str], list[str]]:
    docx = Document(document.docx.open("rb"))
    left, right = docx.tables[0].rows[0].cells
    return [p.text for p in left.paragraphs], [p.text for p in right.paragraphs]


def test_a_commune_report_names_its_province_above_it(world: Any, cadre_a: Any, tree: Any) -> None:
    document = _generate(cadre_a, tree.commune_a1, kind="year", year=2026, number="3")
    left, right = _header(document)
    assert left == ["TỈNH LÂM ĐỒNG", "XÃ DI LINH", "_______", "Số: 3/BC-XDL"]
    assert right[-1] == "Di Linh, ngày 01 tháng 7 năm 2026"


def test_an_organisation_report_is_dated_at_its_territory(
    world: Any, supervisor: Any, tree: Any
) -> None:
    """The Ban Dân vận of the province: its own abbreviation; the place is the province's."""
    document = _generate(supervisor, tree.board_a, kind="year", year=2026, number="7")
    left, right = _header(document)
    assert left == [
        "TỈNH LÂM ĐỒNG",
        "BAN DÂN VẬN TỈNH ỦY LÂM ĐỒNG",
        "_______",
        "Số: 7/BC-BDV",
    ]
    assert right[-1] == "Lâm Đồng, ngày 01 tháng 7 năm 2026"


def test_document_detail_and_download_query_counts(
    world: Any, supervisor: Any, tree: Any, api_as: Any, count_queries: Any
) -> None:
    """Auth, scope paths, the document with its unit and requester: three queries each."""
    document = _generate(supervisor, tree.province_a, kind="year", year=2026)
    client = api_as(supervisor)
    client.get(f"{DOCUMENTS}{document.pk}/")
    for url in (f"{DOCUMENTS}{document.pk}/", f"{DOCUMENTS}{document.pk}/download/?file=xlsx"):
        with count_queries() as queries:
            response = client.get(url)
            assert response.status_code == 200
        assert len(queries) == 3, queries


def test_a_formula_typed_by_a_citizen_stays_text_in_the_report_workbook(
    world: Any, supervisor: Any, tree: Any
) -> None:
    from petitions.models import Petition
    from tests.reports.conftest import make_petition

    trap = '=HYPERLINK("http://lua-dao.example/x","Bấm vào đây")'
    late = make_petition(supervisor, tree.commune_a1, date(2026, 3, 3), summary=trap)
    Petition.objects.filter(pk=late.pk).update(status="accepted", due_date=date(2026, 4, 1))
    document = _generate(supervisor, tree.province_a, kind="year", year=2026)
    workbook = load_workbook(io.BytesIO(document.xlsx.open("rb").read()))
    overdue = workbook["Các vụ việc quá hạn lâu nhất"]
    cells = [c for row in overdue.iter_rows() for c in row if c.value == trap]
    assert cells, "the overdue petition is listed"
    assert all(c.data_type == "s" for c in cells)


def test_the_document_carries_every_figure_of_the_statistics(
    world: Any, task_world: Any, supervisor: Any, tree: Any
) -> None:
    """Average days to resolve, the task figures and the most overdue tasks are in it too."""
    document = _generate(supervisor, tree.province_a, kind="year", year=2026)
    docx = Document(document.docx.open("rb"))
    text = _all_text(docx)
    assert "Thời gian giải quyết bình quân một đơn là 27,5 ngày." in text
    assert "Trong kỳ có 6 nhiệm vụ đến hạn: 1 hoàn thành đúng hạn, 1 hoàn thành trễ hạn" in text
    assert "Tỷ lệ đúng hạn: 33,3 %" in text
    kind_table = next(t for t in docx.tables if t.rows[0].cells[1].text == "Tiếp nhận")
    assert kind_table.rows[0].cells[7].text == "Số ngày giải quyết bình quân"
    assert kind_table.rows[-1].cells[7].text == "27,5"
    overdue_tasks = next(t for t in docx.tables if t.rows[0].cells[0].text == "Tên nhiệm vụ")
    assert "Xây dựng mô hình Dân vận khéo" in [row.cells[0].text for row in overdue_tasks.rows]
    workbook = load_workbook(io.BytesIO(document.xlsx.open("rb").read()))
    assert workbook.sheetnames[-2] == "Nhiệm vụ quá hạn lâu nhất"


def test_a_requester_who_left_the_unit_gets_a_failed_report_with_a_reason(
    world: Any, cadre_a: Any, supervisor: Any, tree: Any
) -> None:
    """Between the request and the job the cadre left the commune: a reason, not a traceback."""
    from django.test import Client

    from danvan.org.models import Membership

    document = report_document_request(actor=cadre_a, unit=tree.commune_a1, kind="year", year=2026)
    Membership.objects.filter(user=cadre_a).delete()
    report_document_generate(document_id=document.pk)  # what the worker runs; no exception
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert document.error == (
        "Người yêu cầu báo cáo này không còn quản lý đơn vị này; hãy yêu cầu lại."
    )
    browser = Client()
    browser.force_login(supervisor)
    page = browser.get(f"/reports/?unit={tree.commune_a1.pk}").content.decode()
    assert "không còn quản lý đơn vị này" in page
