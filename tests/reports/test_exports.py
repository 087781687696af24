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
    from django.contrib.auth.models import Permission

    from danvan.org.models import Role
    from tests.factories import UserFactory

    officer = UserFactory(
        username="officer", memberships=[(tree.commune_a1, Role.PETITION_HANDLER)]
    )
    officer.user_permissions.add(Permission.objects.get(codename="view_denouncer_identity"))
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

    def run() -> int:
        with count_queries() as queries:
            _body(client.get(url))
        return len(queries)

    before = run()
    for index in range(20):
        make_petition(supervisor, tree.commune_a2, date(2026, 2, 1 + index))
    assert run() == before
