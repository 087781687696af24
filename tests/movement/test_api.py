"""The movement's API beyond the shared contract: roll-up, review of many, query counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from rest_framework.test import APIClient

from movement.models import MovementModel
from tests.movement.factories import make_dialogue, make_model, make_report

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_rollup_of_the_province_for_its_supervisor(tree: Any, supervisor: Any) -> None:
    make_report(tree.commune_a1, values={"workdays": 100})
    make_report(tree.commune_a2, values={"workdays": 20, "money_vnd": 5_000_000})
    make_report(tree.commune_b1, values={"workdays": 999})
    response = client_for(supervisor).get("/api/v1/indicators/rollup/", {"year": 2025})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["unit"]["code"] == "68" and body["year"] == 2025
    rows = {r["indicator"]["code"]: r for r in body["indicators"]}
    assert rows["workdays"]["total"] == "120.00"
    assert [(u["unit"]["code"], u["value"]) for u in rows["workdays"]["by_unit"]] == [
        ("25000", "100.00"),
        ("23089", "20.00"),
    ]
    assert rows["meetings_held"]["total"] is None and rows["meetings_held"]["by_unit"] == []


def test_rollup_of_a_unit_outside_ones_scope_is_404_and_a_bad_year_400(
    tree: Any, cadre_a: Any
) -> None:
    client = client_for(cadre_a)
    assert (
        client.get(
            "/api/v1/indicators/rollup/", {"year": 2025, "unit": tree.commune_b1.pk}
        ).status_code
        == 404
    )
    refused = client.get("/api/v1/indicators/rollup/", {"year": "x"})
    assert refused.status_code == 400 and "year" in refused.json()["fields"]


def test_review_of_many_from_the_api(tree: Any, supervisor: Any) -> None:
    from movement import services

    models = [make_model(tree.commune_a1, name=f"Mô hình {i}") for i in range(2)]
    for model in models:
        services.model_recognise(
            actor=supervisor,
            model=model,
            recognising_unit=tree.commune_a1,
            decision_number="1/QĐ",
            decision_date=datetime.date(2021, 5, 5),
        )
    client = client_for(supervisor)
    listed = client.get("/api/v1/movement-models/", {"due_for_review": 2026})
    assert {r["id"] for r in listed.json()["results"]} == {m.pk for m in models}
    refused = client.post(
        "/api/v1/movement-models/review/",
        {"models": [m.pk for m in models], "year": 2026, "outcome": "drop"},
        format="json",
    )
    assert refused.status_code == 400 and "reason" in refused.json()["fields"]
    done = client.post(
        "/api/v1/movement-models/review/",
        {
            "models": [m.pk for m in models],
            "year": 2026,
            "outcome": "drop",
            "reason": "kem_hieu_qua",
        },
        format="json",
    )
    assert done.status_code == 200, done.content
    assert {r["status"] for r in done.json()} == {"dropped"}
    assert set(MovementModel.objects.values_list("status", flat=True)) == {"dropped"}


def test_a_missing_field_is_named_in_vietnamese(tree: Any, cadre_a: Any) -> None:
    response = client_for(cadre_a).post(
        "/api/v1/movement-models/",
        {"unit": tree.commune_a1.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) >= {"name", "field", "year_started"}
    message = response.json()["message"]
    assert "Trường này là bắt buộc" in message and message.split(":")[0] in {
        "Tên",
        "Lĩnh vực",
        "Năm bắt đầu",
    }, message


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/api/v1/movement-models/", lambda t: make_model(t.commune_a1)),
        ("/api/v1/indicator-reports/", lambda t: make_report(t.commune_a1)),
        ("/api/v1/dialogues/", lambda t: make_dialogue(t.commune_a1)),
    ],
)
def test_list_query_count_is_the_same_for_1_and_25_rows(
    tree: Any, supervisor: Any, count_queries: Any, url: str, make: Any
) -> None:
    client = client_for(supervisor)
    make(tree)
    client.get(url)
    with count_queries() as one:
        assert client.get(url).status_code == 200
    for _ in range(24):
        make(tree)
    with count_queries() as many:
        response = client.get(url)
    assert len(response.json()["results"]) == 25
    assert len(many) == len(one), many


def test_the_register_exports_to_csv_and_xlsx_scoped(
    tree: Any, supervisor: Any, cadre_b: Any
) -> None:
    import io

    from openpyxl import load_workbook

    make_model(tree.commune_a1, name="Mô hình “Dân vận khéo” hiến đất")
    response = client_for(supervisor).get("/api/v1/reports/exports/models.csv", {"all_dates": 1})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Mô hình “Dân vận khéo” hiến đất" in text and "Xã Di Linh" in text
    assert "Ngày công Nhân dân đóng góp (ngày công): 300" in text
    other = client_for(cadre_b).get("/api/v1/reports/exports/models.xlsx", {"all_dates": 1})
    assert other.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(other.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == []


def test_evidence_is_served_only_to_those_who_see_the_model(
    tree: Any, cadre_a: Any, cadre_b: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from movement import services

    model = make_model(tree.commune_a1)
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    evidence = services.model_attach_evidence(actor=cadre_a, model=model, files=[pdf])[0]
    url = f"/movement/{model.pk}/evidence/{evidence.pk}/"
    own, stranger, anonymous = Client(), Client(), Client()
    own.force_login(cadre_a)
    stranger.force_login(cadre_b)
    answer = own.get(url)
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store, private"
    assert stranger.get(url).status_code == 404
    assert anonymous.get(url).status_code == 302
    detail = client_for(cadre_a).get(f"/api/v1/movement-models/{model.pk}/").json()
    assert detail["evidence"][0]["url"].endswith(url)


def test_the_review_page_lists_due_models_with_their_figures_and_reviews_them(
    tree: Any, supervisor: Any, count_queries: Any
) -> None:
    from django.test import Client

    from movement import services

    model = make_model(tree.commune_a1, name="Mô hình đến hạn rà soát")
    services.model_recognise(
        actor=supervisor,
        model=model,
        recognising_unit=tree.commune_a1,
        decision_number="3/QĐ",
        decision_date=datetime.date(2021, 5, 5),
    )
    make_model(tree.commune_a1, name="Mô hình mới đăng ký")
    client = Client()
    client.force_login(supervisor)
    client.get("/movement/?review=1")
    with count_queries() as queries:
        page = client.get("/movement/?review=1")
    text = page.content.decode()
    assert "Mô hình đến hạn rà soát" in text and "Mô hình mới đăng ký" not in text
    assert "Diện tích đất Nhân dân hiến (m²): 1200" in text
    assert len(queries) <= 8, queries
    done = client.post(
        "/movement/review/",
        {"models": [model.pk], "year": 2026, "outcome": "drop", "reason": "hinh_thuc", "note": ""},
    )
    assert done.status_code == 302
    model.refresh_from_db()
    assert model.status == "dropped" and model.drop_reason == "hinh_thuc"


@pytest.mark.parametrize("year", ["0", "1944", "2101", "-5", "99999999999"])
def test_a_rollup_year_out_of_range_is_a_400_naming_it(supervisor: Any, year: str) -> None:
    response = client_for(supervisor).get("/api/v1/indicators/rollup/", {"year": year})
    assert response.status_code == 400 and "year" in response.json()["fields"]
