"""
The schema is a contract a generated client can follow: one media type per body (JSON, or
multipart for uploads), stable ASCII enum names, integer ids, dates as dates, the ETag header
where it is sent, a maxLength on every text input; and bad input gets the one error shape in
the request's language.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from danvan.core.fields import TEXT_MAX_LENGTH
from tests.api.schema import openapi_schema
from tests.petitions.factories import JPEG_BYTES, PetitionFactory

UPLOADS = {
    ("post", "/api/v1/petitions/{id}/attachments/"),
    ("post", "/api/v1/directives/{id}/files/"),
    ("post", "/api/v1/tasks/{id}/evidence/"),
    ("post", "/api/v1/movement-models/{id}/evidence/"),
    # POST tasks/{id}/progress/ also takes multipart (evidence files): docs/api.md only.
}
ID_FILTERS = {
    "/api/v1/petitions/": {"assignee", "field", "reception_session", "unit"},
    "/api/v1/tasks/": {"directive", "meeting", "parent", "unit"},
    "/api/v1/units/": {"parent", "under"},
}


def _all_operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, operations in openapi_schema()["paths"].items()
        for method, operation in operations.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def _component(name: str) -> dict[str, Any]:
    return openapi_schema()["components"]["schemas"][name]


def _parameter(method: str, path: str, name: str) -> dict[str, Any]:
    operation = openapi_schema()["paths"][path][method]
    return next(p for p in operation.get("parameters", []) if p["name"] == name)


def test_request_bodies_are_json_only_except_uploads() -> None:
    seen_uploads = set()
    for method, path, operation in _all_operations():
        content = operation.get("requestBody", {}).get("content", {})
        if not content:
            continue
        assert "application/x-www-form-urlencoded" not in content, (method, path)
        if (method, path) in UPLOADS:
            assert "multipart/form-data" in content, (method, path)
            seen_uploads.add((method, path))
        else:
            assert set(content) == {"application/json"}, (method, path, set(content))
    assert seen_uploads == UPLOADS
    attachments = openapi_schema()["paths"]["/api/v1/petitions/{id}/attachments/"]["post"]
    assert set(attachments["requestBody"]["content"]) == {"multipart/form-data"}


def test_a_form_body_is_refused_where_the_schema_says_json(api_as, handler_a) -> None:
    response = api_as(handler_a).post(
        "/api/v1/petitions/duplicate-candidates/",
        "text=ngap+nuoc",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 415
    body = response.json()
    assert body["code"] == "unsupported_media_type"
    assert "không được hỗ trợ" in body["message"]


def test_enum_components_have_stable_ascii_names() -> None:
    schemas = openapi_schema()["components"]["schemas"]
    for name in schemas:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name), name
    assert _component("PetitionStatus")["enum"][0] == "received"
    assert "complaint" in _component("PetitionKind")["enum"]
    assert "in_progress" in _component("TaskStatus")["enum"]
    enums = [name for name, schema in schemas.items() if "enum" in schema]
    # Named after the choice set, not after a field ("StatusEnum", "SourceEnum", "KindEnum").
    assert [name for name in enums if name.endswith("Enum")] == ["BlankEnum"]


@pytest.mark.parametrize(
    ("path", "name", "component"),
    [
        ("/api/v1/petitions/", "status", "PetitionStatus"),
        ("/api/v1/petitions/", "kind", "PetitionKind"),
        ("/api/v1/tasks/", "status", "TaskStatus"),
        ("/api/v1/tasks/", "priority", "TaskPriority"),
        ("/api/v1/units/", "level", "UnitLevel"),
        ("/api/v1/reports/petitions/", "period", "ReportPeriodKind"),
    ],
)
def test_enum_filters_refer_to_the_named_component(path: str, name: str, component: str) -> None:
    schema = _parameter("get", path, name)["schema"]
    schema = schema.get("items", schema)
    assert schema == {"$ref": f"#/components/schemas/{component}"}


def test_no_schema_carries_a_title_a_generator_would_name_a_class_after() -> None:
    def titles(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["title"]] if isinstance(node.get("title"), str) else []
            return own + [t for value in node.values() for t in titles(value)]
        if isinstance(node, list):
            return [t for value in node for t in titles(value)]
        return []

    assert titles(openapi_schema()["paths"]) == []
    assert titles(openapi_schema()["components"]["schemas"]) == []


@pytest.mark.parametrize(("path", "names"), sorted(ID_FILTERS.items()))
def test_id_filters_are_integers(path: str, names: set[str]) -> None:
    for name in names:
        assert _parameter("get", path, name)["schema"] == {"type": "integer"}, name


def test_every_path_id_is_an_integer_and_every_parameter_is_typed() -> None:
    for method, path, operation in _all_operations():
        for parameter in operation.get("parameters", []):
            schema = parameter["schema"]
            assert schema, (method, path, parameter["name"])
            assert schema.get("type") != "number", (method, path, parameter["name"])
            if parameter["in"] == "path" and parameter["name"] == "id":
                assert schema["type"] == "integer", (method, path)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/petitions/", "received_from"),
        ("/api/v1/tasks/", "due_to"),
        ("/api/v1/meetings/", "starts_from"),
    ],
)
def test_date_filters_are_dates(path: str, name: str) -> None:
    assert _parameter("get", path, name)["schema"] == {"type": "string", "format": "date"}


def test_page_size_declares_its_range() -> None:
    schema = _parameter("get", "/api/v1/petitions/", "page_size")["schema"]
    assert schema["type"] == "integer"
    assert (schema["minimum"], schema["maximum"]) == (1, 100)


def test_task_progress_and_timelines_do_not_advertise_the_task_filters() -> None:
    for method, path in [
        ("get", "/api/v1/tasks/{id}/progress/"),
        ("post", "/api/v1/tasks/{id}/progress/"),
        ("get", "/api/v1/tasks/{id}/timeline/"),
        ("post", "/api/v1/meetings/{id}/conclusions-to-tasks/"),
    ]:
        operation = openapi_schema()["paths"][path][method]
        names = {p["name"] for p in operation.get("parameters", [])}
        # A timeline is a cursor page like every list: its own two parameters, no filters.
        pages = {"cursor", "page_size"} if path.endswith("/timeline/") else set()
        assert names <= {"id", "If-Match", "Idempotency-Key", *pages}, (method, path, names)


def test_listing_attachments_declares_no_if_match_and_no_201() -> None:
    listing = openapi_schema()["paths"]["/api/v1/petitions/{id}/attachments/"]["get"]
    upload = openapi_schema()["paths"]["/api/v1/petitions/{id}/attachments/"]["post"]

    assert "If-Match" not in {p["name"] for p in listing.get("parameters", [])}
    assert "201" not in listing["responses"] and "200" in listing["responses"]
    assert "If-Match" in {p["name"] for p in upload.get("parameters", [])}
    assert "201" in upload["responses"]


def test_etag_is_declared_on_details_and_writes_of_versioned_records() -> None:
    paths = openapi_schema()["paths"]
    for method, path, code in [
        ("get", "/api/v1/petitions/{id}/", "200"),
        ("patch", "/api/v1/petitions/{id}/", "200"),
        ("post", "/api/v1/petitions/", "201"),
        ("post", "/api/v1/petitions/{id}/accept/", "200"),
        ("get", "/api/v1/tasks/{id}/", "200"),
        ("post", "/api/v1/tasks/{id}/approve/", "200"),
        ("get", "/api/v1/directives/{id}/", "200"),
        ("post", "/api/v1/directives/{id}/files/", "201"),
        ("get", "/api/v1/meetings/{id}/", "200"),
    ]:
        headers = paths[path][method]["responses"][code].get("headers", {})
        assert headers.get("ETag", {}).get("schema") == {"type": "string"}, (method, path)
    assert "ETag" not in paths["/api/v1/petitions/"]["get"]["responses"]["200"].get("headers", {})


def test_declared_etags_are_sent(api_as, tree, handler_a) -> None:
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    client = api_as(handler_a)

    detail = client.get(f"/api/v1/petitions/{petition.pk}/")
    updated = client.patch(
        f"/api/v1/petitions/{petition.pk}/",
        {"summary": "Sửa tóm tắt"},
        HTTP_IF_MATCH=detail["ETag"],
    )

    assert detail.status_code == 200 and detail["ETag"]
    assert updated.status_code == 200, updated.content
    assert updated["ETag"] and updated["ETag"] != detail["ETag"]


def test_every_text_input_declares_a_max_length() -> None:
    missing = []
    for name, component in openapi_schema()["components"]["schemas"].items():
        if not name.endswith("Request"):
            continue
        for field, schema in component.get("properties", {}).items():
            for branch in [schema, schema.get("items", {}), *schema.get("oneOf", [])]:
                if (
                    branch.get("type") == "string"
                    and not {"enum", "format", "pattern"} & set(branch)
                    and "maxLength" not in branch
                ):
                    missing.append(f"{name}.{field}")
    assert missing == []
    content = _component("PetitionCreateRequest")["properties"]["content"]
    assert content["maxLength"] == TEXT_MAX_LENGTH == 20_000


def test_an_over_long_content_is_a_400_naming_it_in_vietnamese(api_as, tree, handler_a) -> None:
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    client = api_as(handler_a)
    etag = client.get(f"/api/v1/petitions/{petition.pk}/")["ETag"]

    response = client.patch(
        f"/api/v1/petitions/{petition.pk}/",
        {"content": "x" * (TEXT_MAX_LENGTH + 1)},
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == ["content"]
    assert "20000" in body["fields"]["content"][0]
    assert "không" in body["fields"]["content"][0]  # Vietnamese, not "Ensure this field…"
    petition.refresh_from_db()
    assert petition.content != "x" * (TEXT_MAX_LENGTH + 1)


# --- Bad input: the one error shape, in the request's language --------------------------------
def test_malformed_json_is_a_400_in_vietnamese_naming_the_body(api_as, handler_a) -> None:
    response = api_as(handler_a).generic(
        "POST",
        "/api/v1/petitions/duplicate-candidates/",
        '{"text": "ngập',
        content_type="application/json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error"
    assert body["message"].startswith("Nội dung (body) của yêu cầu không phải JSON hợp lệ")
    assert "dòng 1" in body["message"]
    assert list(body["fields"]) == ["body"]
    assert "JSON parse error" not in response.content.decode()


def test_malformed_json_speaks_english_to_a_person_who_chose_english(api_as, handler_a) -> None:
    handler_a.language = "en"  # their profile; the API follows it, not Accept-Language
    handler_a.save(update_fields=["language"])

    response = api_as(handler_a).generic(
        "POST",
        "/api/v1/petitions/duplicate-candidates/",
        "{",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith("The request body is not valid JSON")


@pytest.mark.parametrize("value", ["0", "-1", "101", "abc", "2.5"])
def test_page_size_out_of_range_or_not_a_number_is_a_400_naming_it(
    api_as, cadre_a, value: str
) -> None:
    response = api_as(cadre_a).get("/api/v1/petitions/", {"page_size": value})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == ["page_size"]
    assert body["fields"]["page_size"] == ["Nhập một số nguyên từ 1 đến 100."]


def test_page_size_in_range_is_honoured(api_as, tree, handler_a) -> None:
    PetitionFactory.create_batch(3, actor=handler_a, unit=tree.commune_a1)

    response = api_as(handler_a).get("/api/v1/petitions/", {"page_size": "2"})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


def test_a_garbage_cursor_is_a_400_in_the_error_shape(api_as, cadre_a) -> None:
    response = api_as(cadre_a).get("/api/v1/petitions/", {"cursor": "garbage"})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["cursor"]


def test_an_upload_still_takes_multipart(api_as, tree, handler_a) -> None:
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    client = api_as(handler_a)
    etag = client.get(f"/api/v1/petitions/{petition.pk}/")["ETag"]

    response = client.post(
        f"/api/v1/petitions/{petition.pk}/attachments/",
        {"file": SimpleUploadedFile("anh.jpg", JPEG_BYTES, "image/jpeg")},
        format="multipart",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 201, response.content


def test_every_sync_takes_one_parameter_set_and_answers_one_shape() -> None:
    paths = openapi_schema()["paths"]
    syncs = sorted(path for path in paths if path.endswith("/sync/"))
    assert syncs == [
        f"/api/v1/{name}/sync/"
        for name in (
            "dialogues",
            "directives",
            "indicator-reports",
            "meetings",
            "movement-models",
            "notices",
            "notifications",
            "petitions",
            "tasks",
        )
    ]
    schemas = openapi_schema()["components"]["schemas"]
    for path in syncs:
        operation = paths[path]["get"]
        assert {p["name"] for p in operation["parameters"]} == {
            "updated_since",
            "after_id",
            "limit",
        }, path
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        keys = set(schemas[ref.rsplit("/", 1)[-1]]["properties"])
        assert {"changed", "deleted", "until", "until_id", "has_more"} <= keys, path
