"""/reports/: the supervisor dashboard and the documents' web actions."""

from __future__ import annotations

from typing import Any

from django.test import Client


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_is_sent_to_log_in(db: Any) -> None:
    response = Client().get("/reports/")
    assert response.status_code == 302
    assert "/dang-nhap/" in response["Location"]


def test_supervisor_sees_province_figures_and_drill_down_links(
    world: Any, supervisor: Any, tree: Any
) -> None:
    response = client_for(supervisor).get(f"/reports/?unit={tree.province_a.pk}&year=2026")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bảng theo dõi" in page or "dashboard" in page.lower()
    assert f"unit={tree.commune_a1.pk}" in page  # drill-down to the commune
    assert "<svg" in page  # charts drawn on the server
    assert "cdn" not in page.lower() and "https://" not in page
    assert "/api/v1/reports/exports/petitions.xlsx" in page


def test_cadre_cannot_open_the_province(world: Any, cadre_a: Any, tree: Any) -> None:
    client = client_for(cadre_a)
    assert client.get(f"/reports/?unit={tree.province_a.pk}").status_code == 404
    assert client.get(f"/reports/?unit={tree.commune_a2.pk}").status_code == 404
    assert client.get(f"/reports/?unit={tree.commune_a1.pk}").status_code == 200


def test_bad_period_shows_a_message_not_an_error(world: Any, supervisor: Any) -> None:
    response = client_for(supervisor).get("/reports/?period=week", follow=True)
    assert response.status_code == 200


def test_dashboard_query_count_does_not_grow_with_data(
    world: Any, task_world: Any, supervisor: Any, tree: Any, count_queries: Any
) -> None:
    from datetime import date

    from tests.reports.conftest import make_petition

    client = client_for(supervisor)
    url = f"/reports/?unit={tree.province_a.pk}&year=2026"
    client.get(url)
    with count_queries() as before:
        assert client.get(url).status_code == 200
    for index in range(12):
        make_petition(supervisor, tree.commune_a2, date(2026, 1 + index % 6, 3))
    with count_queries() as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before), after


def test_requesting_a_report_from_the_page_shows_its_progress(
    world: Any, supervisor: Any, tree: Any
) -> None:
    from reports.models import ReportDocument

    client = client_for(supervisor)
    response = client.post(
        "/reports/documents/",
        {"unit": tree.province_a.pk, "kind": "half", "year": 2026, "half": 1},
        follow=True,
    )
    assert response.status_code == 200
    document = ReportDocument.objects.get()
    assert (document.unit, document.kind, document.half) == (tree.province_a, "half", 1)
    page = response.content.decode()
    assert f'data-document="{document.pk}"' in page
    assert "Đang chờ" in page
    # The row asks for its progress until the report is ready (no reload of the whole page).
    assert "data-pending" in page and "report-progress.js" in page


def test_a_bad_request_from_the_page_creates_nothing(
    world: Any, supervisor: Any, cadre_a: Any, tree: Any
) -> None:
    from reports.models import ReportDocument

    response = client_for(supervisor).post(
        "/reports/documents/",
        {"unit": tree.province_a.pk, "kind": "half", "year": 2026, "half": 5},
        follow=True,
    )
    assert "6 tháng cuối năm (2)" in response.content.decode()
    response = client_for(cadre_a).post(
        "/reports/documents/", {"unit": tree.province_a.pk, "kind": "year", "year": 2026}
    )
    assert response.status_code == 404
    assert ReportDocument.objects.count() == 0


def test_a_bad_period_names_the_field_as_the_form_does(world: Any, supervisor: Any) -> None:
    page = client_for(supervisor).get("/reports/?period=half&half=3").content.decode()
    assert "Sáu tháng: " in page
    assert "half:" not in page


def test_the_page_asks_for_the_place_of_the_report(world: Any, supervisor: Any, tree: Any) -> None:
    from reports.models import ReportDocument

    client = client_for(supervisor)
    page = client.get(f"/reports/?unit={tree.province_a.pk}").content.decode()
    assert 'name="place" placeholder="Lâm Đồng"' in page
    client.post(
        "/reports/documents/",
        {"unit": tree.province_a.pk, "kind": "year", "year": 2026, "place": "Đà Lạt"},
    )
    assert ReportDocument.objects.get().place == "Đà Lạt"


def test_a_bad_request_names_the_field_in_vietnamese(
    world: Any, supervisor: Any, tree: Any
) -> None:
    response = client_for(supervisor).post(
        "/reports/documents/",
        {"unit": tree.province_a.pk, "kind": "year", "year": 1800},
        follow=True,
    )
    assert "Năm: " in response.content.decode()
