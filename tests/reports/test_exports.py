"""Exports: streamed CSV and xlsx, redacted like the API, logged, scoped."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import load_workbook

from petitions.models import REDACTED
from reports.models import ExportRecord
from tests.reports.conftest import DENOUNCER, TODAY

AS_OF = f"as_of={TODAY.isoformat()}"


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _xlsx_rows(response: Any) -> list[tuple[Any, ...]]:
    workbook = load_workbook(io.BytesIO(_body(response)), read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_denouncer_name_never_appears_in_an_export(
    file_format: str, world: Any, supervisor: Any, tree: Any, api_as: Any
) -> None:
    response = api_as(supervisor).get(
        f"/api/v1/reports/exports/petitions.{file_format}?unit={tree.province_a.pk}&year=2026&{AS_OF}"
    )
    assert response.status_code == 200
    body = _body(response)
    if file_format == "csv":
        text = body.decode("utf-8-sig")
        assert DENOUNCER not in text
        assert "Nguyễn Văn Nam" in text  # a complainant's name is shown, as in the API list
        assert len(text.strip().splitlines()) == 1 + 7
    else:
        rows = list(load_workbook(io.BytesIO(body), read_only=True).worksheets[0].values)
        assert DENOUNCER not in str(rows)
        assert len(rows) == 1 + 7
        denunciation = next(r for r in rows if r[0] == world.petitions[3].code)
        assert denunciation[6] == str(REDACTED)


def test_even_the_identity_officer_gets_a_redacted_export(
    world: Any, tree: Any, api_as: Any
) -> None:
    """Exports are lists: the identity is never in them, whoever exports (as in API lists)."""
    from danvan.org.models import Role
    from tests.factories import UserFactory
    from tests.petitions.factories import IdentityGrantFactory

    officer = UserFactory(
        username="officer", memberships=[(tree.commune_a1, Role.PETITION_HANDLER)]
    )
    IdentityGrantFactory(user=officer, unit=tree.commune_a1)
    response = api_as(officer).get(f"/api/v1/reports/exports/petitions.csv?year=2026&{AS_OF}")
    assert DENOUNCER not in _body(response).decode("utf-8-sig")


def test_csv_is_streamed_and_the_export_is_logged(
    world: Any, supervisor: Any, tree: Any, api_as: Any
) -> None:
    response = api_as(supervisor).get(
        f"/api/v1/reports/exports/petitions.csv?unit={tree.commune_a1.pk}&year=2026&kind=complaint&{AS_OF}"
    )
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    record = ExportRecord.objects.get()
    assert record.user == supervisor
    assert record.unit == tree.commune_a1
    assert record.filters["kind"] == "complaint"
    assert record.row_count is None  # nothing sent yet
    lines = _body(response).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 2  # petitions #1 and #2
    record.refresh_from_db()
    assert record.row_count == 2
    assert record.finished_at is not None


def test_xlsx_is_a_file_response_with_dates(world: Any, supervisor: Any, api_as: Any) -> None:
    response = api_as(supervisor).get(
        f"/api/v1/reports/exports/petitions.xlsx?all_dates=1&deadline_state=overdue&{AS_OF}"
    )
    assert isinstance(response, FileResponse)
    rows = _xlsx_rows(response)
    header, data = rows[0], rows[1:]
    assert header[0] == "Mã đơn"
    assert sorted(r[0] for r in data) == sorted([world.petitions[3].code, world.petitions[6].code])
    assert ExportRecord.objects.get().row_count == 2


def test_task_export(task_world: Any, supervisor: Any, tree: Any, api_as: Any) -> None:
    response = api_as(supervisor).get(
        f"/api/v1/reports/exports/tasks.csv?unit={tree.province_a.pk}&year=2026&status=overdue&{AS_OF}"
    )
    lines = _body(response).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2
    assert "Xây dựng mô hình Dân vận khéo" in lines[1]
    assert "Quá hạn" in lines[1]


def test_export_filters_are_checked(world: Any, supervisor: Any, api_as: Any) -> None:
    response = api_as(supervisor).get("/api/v1/reports/exports/petitions.csv?kind=bogus")
    assert response.status_code == 400
    assert "kind" in response.json()["fields"]
    assert ExportRecord.objects.count() == 0
    assert api_as(supervisor).get("/api/v1/reports/exports/people.csv").status_code == 404


def test_export_query_count_is_flat(
    world: Any, supervisor: Any, tree: Any, api_as: Any, count_queries: Any
) -> None:
    from datetime import date

    from tests.reports.conftest import make_petition

    client = api_as(supervisor)
    url = f"/api/v1/reports/exports/petitions.csv?unit={tree.province_a.pk}&year=2026&{AS_OF}"

    def run() -> Any:
        with count_queries() as queries:
            _body(client.get(url))
        return queries

    run()  # warm the per-process caches (calendar exceptions, permissions) as in production
    first = run()
    before = len(first)
    for index in range(20):
        make_petition(supervisor, tree.commune_a2, date(2026, 2, 1 + index))
    second = run()
    assert len(second) == before, _query_difference(first, second)


def _query_difference(first: Any, second: Any) -> str:
    """The statements one run made and the other did not (values masked), for a short message."""
    import re

    def shapes(run: Any) -> list[str]:
        return [re.sub(r"'[^']*'|\b\d+\b", "?", q["sql"]) for q in run.captured_queries]

    one, two = shapes(first), shapes(second)
    only_first = [q for q in one if q not in two or one.count(q) > two.count(q)]
    only_second = [q for q in two if q not in one or two.count(q) > one.count(q)]
    return f"only in the first run: {only_first}\nonly in the second run: {only_second}"


# --- Any filtered list exports as it is ------------------------------------------------------
def _csv_column(response: Any, index: int = 0) -> list[str]:
    import csv

    assert response.status_code == 200, getattr(response, "content", b"")[:500]
    text = _body(response).decode("utf-8-sig")
    return sorted(row[index] for row in list(csv.reader(io.StringIO(text)))[1:])


def _api_list(client: Any, url: str, key: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next"] is None  # one page holds the whole list here
    return sorted(str(row[key]) for row in body["results"])


def test_without_a_unit_the_export_is_the_users_petition_list(
    world: Any, cadre_a: Any, tree: Any, api_as: Any
) -> None:
    """A petition received in commune A1 and handed to another province is in A1's list."""
    from petitions.models import Petition

    moved = world.petitions[4]
    Petition.objects.filter(pk=moved.pk).update(handling_unit=tree.commune_b1)
    client = api_as(cadre_a)
    listed = _api_list(client, "/api/v1/petitions/?page_size=100", "code")
    assert moved.code in listed

    exported = _csv_column(client.get("/api/v1/reports/exports/petitions.csv?all_dates=1"))
    assert exported == listed
    by_unit = _csv_column(
        client.get(f"/api/v1/reports/exports/petitions.csv?all_dates=1&unit={tree.commune_a1.pk}")
    )
    assert moved.code not in by_unit  # a unit's export counts what its statistics count
    record = ExportRecord.objects.order_by("at", "id").first()
    assert record is not None and record.unit == tree.commune_a1


@pytest.mark.parametrize(
    "filters",
    [
        "received_from=2026-03-01&received_to=2026-04-30",
        "status=resolved&status=filed",
        "kind=complaint&search=nguyen",
        "deadline_state=overdue",
    ],
)
def test_petition_exports_take_the_filters_of_the_api_list(
    filters: str, world: Any, supervisor: Any, api_as: Any
) -> None:
    client = api_as(supervisor)
    listed = _api_list(client, f"/api/v1/petitions/?page_size=100&{filters}", "code")
    assert listed  # each filter keeps some rows and drops others
    assert len(listed) < len(_api_list(client, "/api/v1/petitions/?page_size=100", "code"))

    for file_format in ("csv", "xlsx"):
        response = client.get(
            f"/api/v1/reports/exports/petitions.{file_format}?all_dates=1&{filters}"
        )
        if file_format == "csv":
            assert _csv_column(response) == listed
        else:
            assert sorted(row[0] for row in _xlsx_rows(response)[1:]) == listed


@pytest.mark.parametrize(
    "filters", ["status=overdue", "due_from=2026-05-01&due_to=2026-09-30", "search=dan van"]
)
def test_task_exports_take_the_filters_of_the_api_list(
    filters: str, task_world: Any, supervisor: Any, api_as: Any
) -> None:
    client = api_as(supervisor)
    listed = _api_list(client, f"/api/v1/tasks/?page_size=100&{filters}", "title")
    assert listed
    assert len(listed) < len(_api_list(client, "/api/v1/tasks/?page_size=100", "title"))
    exported = _csv_column(
        client.get(f"/api/v1/reports/exports/tasks.csv?all_dates=1&{filters}"), index=1
    )
    assert exported == listed


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("petitions.csv?all_dates=1&received_from=h%C3%B4m-qua", "received_from"),
        ("petitions.xlsx?all_dates=1&status=bogus", "status"),
        ("tasks.csv?all_dates=1&priority=bogus", "priority"),
        ("tasks.xlsx?all_dates=1&due_to=31/31/2026", "due_to"),
    ],
)
def test_a_bad_list_filter_is_a_400_naming_it_and_nothing_is_logged(
    url: str, field: str, world: Any, supervisor: Any, api_as: Any
) -> None:
    response = api_as(supervisor).get(f"/api/v1/reports/exports/{url}")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert not response.json()["message"].isascii()  # Vietnamese
    assert ExportRecord.objects.count() == 0


def test_the_petition_list_page_exports_what_it_shows(world: Any, supervisor: Any) -> None:
    import re

    from django.test import Client

    browser = Client()
    browser.force_login(supervisor)
    page = browser.get("/petitions/?state=overdue&q=dat").content.decode()
    shown = sorted(re.findall(r'data-code="([^"]+)"', page))
    assert shown
    assert "Xuất danh sách này" in page
    links = re.findall(r'href="(/api/v1/reports/exports/petitions\.(?:csv|xlsx)\?[^"]+)"', page)
    assert len(links) == 2
    csv_link = next(link for link in links if ".csv?" in link).replace("&amp;", "&")
    assert _csv_column(browser.get(csv_link)) == shown


def test_the_task_list_page_exports_what_it_shows(task_world: Any, supervisor: Any) -> None:
    import re

    from django.test import Client

    from tasks.models import Task

    browser = Client()
    browser.force_login(supervisor)
    page = browser.get("/tasks/?status=overdue&q=van").content.decode()
    shown = sorted(Task.objects.get(pk=pk).title for pk in re.findall(r'data-task="(\d+)"', page))
    assert shown
    link = re.search(r'href="(/api/v1/reports/exports/tasks\.csv\?[^"]+)"', page)
    assert link is not None
    assert _csv_column(browser.get(link.group(1).replace("&amp;", "&")), index=1) == shown


def test_list_export_query_count_is_flat(
    world: Any, supervisor: Any, tree: Any, api_as: Any, count_queries: Any
) -> None:
    from datetime import date

    from tests.reports.conftest import make_petition

    client = api_as(supervisor)
    url = "/api/v1/reports/exports/petitions.csv?all_dates=1&status=received&search=a"

    def run() -> int:
        with count_queries() as queries:
            _body(client.get(url))
        return len(queries)

    before = run()
    for index in range(20):
        make_petition(supervisor, tree.commune_a2, date(2026, 2, 1 + index))
    assert run() == before


@pytest.mark.parametrize(
    "path", ["petitions.xlsx", "tasks.csv", "tasks.xlsx", "petitions.csv?unit=0&"]
)
def test_every_export_query_count_is_flat(
    path: str,
    world: Any,
    task_world: Any,
    supervisor: Any,
    tree: Any,
    api_as: Any,
    count_queries: Any,
) -> None:
    """Each format and subject, by unit and as the user's list: more rows, same queries."""
    from datetime import date

    from tests.reports.conftest import make_petition
    from tests.tasks.factories import make_task

    client = api_as(supervisor)
    separator = "&" if "?" in path else "?"
    url = f"/api/v1/reports/exports/{path}{separator}year=2026&{AS_OF}".replace(
        "unit=0", f"unit={tree.province_a.pk}"
    )

    def run() -> Any:
        with count_queries() as queries:
            response = client.get(url)
            assert response.status_code == 200, response
            _body(response)
        return queries

    run()  # warm the per-process caches (calendar exceptions, permissions) as in production
    before = run()
    for index in range(12):
        make_petition(supervisor, tree.commune_a2, date(2026, 3, 1 + index))
        make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1, due_on=date(2026, 8, 1))
    after = run()
    assert len(after) == len(before), _query_difference(before, after)


def test_text_that_looks_like_a_formula_stays_text(
    world: Any, supervisor: Any, tree: Any, api_as: Any
) -> None:
    """A summary typed as "=HYPERLINK(…)" must not become a live formula in Excel."""
    import csv
    from datetime import date

    from tests.reports.conftest import make_petition

    trap = '=HYPERLINK("http://lua-dao.example/x","Bấm vào đây")'
    petition = make_petition(supervisor, tree.commune_a1, date(2026, 6, 2), summary=trap)
    client = api_as(supervisor)
    query = f"all_dates=1&search={petition.code}"

    response = client.get(f"/api/v1/reports/exports/petitions.xlsx?{query}")
    sheet = load_workbook(io.BytesIO(_body(response))).worksheets[0]
    cell = next(row[5] for row in sheet.iter_rows(min_row=2) if row[0].value == petition.code)
    assert cell.data_type == "s"
    assert cell.value == trap

    response = client.get(f"/api/v1/reports/exports/petitions.csv?{query}")
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    summary = next(row[5] for row in rows if row[0] == petition.code)
    assert summary == "'" + trap


def test_the_header_says_which_columns_are_masked_and_numbers_are(
    tree: Any, handler_a: Any, api_as: Any
) -> None:
    """Even the handler who sees them in full on the page gets an export with them masked."""
    from petitions.models import PetitionKind
    from petitions.services import PetitionerInput
    from tests.petitions.factories import PetitionFactory

    person = PetitionerInput(
        full_name="Trần Văn Bình", citizen_id="068190004321", phone="0977555666"
    )
    complaint = PetitionFactory(actor=handler_a, unit=tree.commune_a1, petitioners=[person])
    denunciation = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        petitioners=[PetitionerInput(full_name="Lê Thị Mai", citizen_id="068190009999")],
    )

    response = api_as(handler_a).get("/api/v1/reports/exports/petitions.xlsx?year=2026")
    rows = _xlsx_rows(response)
    header, by_code = rows[0], {r[0]: r for r in rows[1:]}

    assert header[6:9] == (
        "Người đứng đơn (ẩn người tố cáo)",
        "CCCD (che, chỉ hiện 3 số cuối)",
        "Điện thoại (che, chỉ hiện 3 số cuối)",
    )
    assert by_code[complaint.code][6:9] == ("Trần Văn Bình", "*********321", "*******666")
    assert by_code[denunciation.code][6] == str(REDACTED)
    assert by_code[denunciation.code][7:9] in ((None, None), ("", ""))
    assert "068190004321" not in str(rows) and "9999" not in str(rows)
