"""
Input that answered 500 (issue 11), each case a 4xx in the one error shape now, and the
write gate: a person without the right to change a record gets 403/404 before any of the
body is read, whatever the body (never a 400 about it, never a 500); likewise a create by a
person who holds its action at no unit.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from danvan.org.permissions import holds_anywhere
from petitions import services as petition_services
from tests.api.schema import openapi_schema
from tests.api.test_authorization_matrix import EXPECTED, OPERATIONS, call, client_for
from tests.api.world import World
from tests.petitions.factories import PDF_BYTES, PetitionFactory
from tests.tasks.factories import DirectiveFactory, MeetingFactory


def error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "fields"}, body
    if field is not None:
        assert field in body["fields"], body
    return body


# --- OPTIONS on a list-level action that allows PUT -------------------------------------------
def test_options_on_notification_preferences_describes_the_form(api_as, cadre_a):
    response = api_as(cadre_a).options("/api/v1/notifications/preferences/")

    assert response.status_code == 200, response.content
    assert "quiet_start" in response.json()["actions"]["PUT"]


# --- PATCH meetings: the serializer reads the person's directives -----------------------------
def test_a_meeting_cites_directives_through_patch(api_as, tree, supervisor):
    meeting = MeetingFactory(organising_unit=tree.commune_a1)
    directive = DirectiveFactory(issuing_unit=tree.province_a)

    response = api_as(supervisor).patch(
        f"/api/v1/meetings/{meeting.pk}/", {"directives_cited": [directive.pk]}, format="json"
    )

    assert response.status_code == 200, response.content
    assert [d["id"] for d in response.json()["directives_cited"]] == [directive.pk]


def test_citing_a_missing_directive_is_a_400_naming_the_field(api_as, tree, supervisor):
    meeting = MeetingFactory(organising_unit=tree.commune_a1)

    response = api_as(supervisor).patch(
        f"/api/v1/meetings/{meeting.pk}/", {"directives_cited": [2_000_000_000]}, format="json"
    )

    error(response, 400, "directives_cited")


def test_a_cadre_without_the_right_gets_403_whatever_the_body(api_as, tree, cadre_a):
    meeting = MeetingFactory(organising_unit=tree.commune_a1)

    for body in ({"directives_cited": [1]}, {"title": ["not", "a", "title"]}, {}):
        response = api_as(cadre_a).patch(f"/api/v1/meetings/{meeting.pk}/", body, format="json")
        error(response, 403)


def _garbage_body(method: str, path: str) -> dict[str, Any]:
    """Every documented input field given a value of the wrong type."""
    operation = openapi_schema()["paths"][path][method.lower()]
    content = operation.get("requestBody", {}).get("content", {})
    properties: dict[str, Any] = {}
    for media in content.values():
        schema = media["schema"]
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = openapi_schema()["components"]["schemas"][name]
        properties.update(schema.get("properties", {}))
    multipart = path.endswith(("/attachments/", "/files/", "/evidence/"))
    wrong = "không-phải-giá-trị" if multipart else {"wrong": ["type"]}
    return {name: wrong for name in properties} or {"unexpected": wrong}


WRITES = [
    param
    for param in OPERATIONS
    if param.values[0] in ("POST", "PATCH", "PUT", "DELETE") and "{id}" in param.values[1]
]


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_the_right_to_write_is_checked_before_the_body(method: str, path: str, world: World):
    """
    For every write to a record, every persona the authorization matrix refuses (403/404)
    is refused the same way with a body of wrong values: the body is not read first.
    """
    from tests.api.test_authorization_matrix import resource_of

    expected = EXPECTED[f"{method} {path}"]
    refused = [p for p, outcome in expected.items() if outcome in ("403", "404")]
    if not refused:
        pytest.skip("nobody is refused this operation")
    problems = []
    for persona in refused:
        response = call(
            client_for(world.users[persona]),
            method,
            path,
            world.inside[resource_of(path)],
            _garbage_body(method, path),
        )
        if str(response.status_code) != expected[persona]:
            problems.append(
                f"{persona}: expected {expected[persona]}, got {response.status_code} "
                f"{response.content[:200]!r}"
            )
    assert not problems, "\n".join(problems)


CREATES = [
    param
    for param in OPERATIONS
    if param.values[0] == "POST"
    and "{id}" not in param.values[1]
    and "403" in EXPECTED[f"POST {param.values[1]}"].values()
]


# The action each create asks at the unit its body names (None: a rule of its own).
CREATE_ACTIONS = {
    "/api/v1/petitions/": "petition.intake",
    "/api/v1/reception-sessions/": "petition.record_reception_session",
    "/api/v1/directives/": "directive.manage",
    "/api/v1/meetings/": "meeting.manage",
    "/api/v1/tasks/": "task.manage",
    "/api/v1/push-outbox/ack/": None,
    "/api/v1/movement-models/": "movement.record",
    "/api/v1/movement-models/review/": "movement.review",
    "/api/v1/indicator-reports/": "movement.report_figures",
    "/api/v1/dialogues/": "movement.record_dialogue",
}


@pytest.mark.parametrize(("method", "path"), CREATES)
def test_the_right_to_create_is_checked_before_the_body(method: str, path: str, world: World):
    """
    A create names its unit in the body, but a person who holds the action at no unit (a
    cadre posting a directive, an administrator recording a petition) is refused with 403
    whatever the body, wrong or empty: never a 400 listing what the input must be.
    """
    expected = EXPECTED[f"{method} {path}"]
    action = CREATE_ACTIONS.get(path)
    nowhere = [
        persona
        for persona, outcome in expected.items()
        if outcome == "403" and (action is None or not holds_anywhere(world.users[persona], action))
    ]
    assert nowhere, "nobody who holds the action nowhere: the test would test nothing"
    problems = []
    for persona in nowhere:
        for body in (_garbage_body(method, path), {}):
            response = call(client_for(world.users[persona]), method, path, None, body)
            if response.status_code != 403:
                problems.append(
                    f"{persona} {body}: got {response.status_code} {response.content[:200]!r}"
                )
            else:
                error(response, 403)
    assert not problems, "\n".join(problems)


# --- Dates outside what the working-day calendar covers ---------------------------------------
@pytest.fixture
def suspended(tree: Any, handler_a: Any) -> Any:
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1, received_on=date(2026, 3, 2))
    petition_services.petition_accept(
        actor=handler_a,
        petition=petition,
        reason="Đủ điều kiện",
        accepted_on=date(2026, 3, 3),
        today=date(2026, 3, 3),
    )
    petition_services.petition_suspend(
        actor=handler_a, petition=petition, reason="Chờ giám định", suspended_on=date(2026, 3, 10)
    )
    return petition


@pytest.mark.parametrize("resumed_on", ["2199-12-30", "2101-01-01", "1989-12-31", "9999-12-31"])
def test_resuming_on_a_date_the_calendar_cannot_reach_is_a_400(
    api_as, handler_a, suspended, resumed_on
):
    response = api_as(handler_a).post(
        f"/api/v1/petitions/{suspended.pk}/resume/",
        {"reason": "Đã có kết quả", "resumed_on": resumed_on},
        format="json",
    )

    body = error(response, 400, "resumed_on")
    assert "2100" in body["fields"]["resumed_on"][0]


def test_resuming_on_the_last_accepted_date_works(api_as, handler_a, suspended):
    response = api_as(handler_a).post(
        f"/api/v1/petitions/{suspended.pk}/resume/",
        {"reason": "Đã có kết quả", "resumed_on": "2100-12-31"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"


def test_a_model_serializer_date_is_bounded_too(api_as, tree, handler_a):
    """Dates of model serializers (here a reception session's day) get the same bounds."""
    response = api_as(handler_a).post(
        "/api/v1/reception-sessions/",
        {"unit_id": tree.commune_a1.pk, "held_on": "2199-12-30", "leader_name": "Chủ tịch"},
        format="json",
    )

    error(response, 400, "held_on")


def test_a_computed_date_past_the_calendar_is_a_400_not_a_500(api_as, handler_a, suspended):
    """The last line of defence: the calendar's own range error is the client's date."""
    from danvan.calendar import index
    from danvan.core.errors import api_exception_handler

    response = api_exception_handler(index.YearOutOfRange("2300"), {})

    assert response is not None and response.status_code == 400
    assert response.data["code"] == "date_out_of_range"


# --- parent_name is null at the top of the tree, and the schema says so -----------------------
def test_a_province_has_no_parent_name_and_the_schema_allows_null(api_as, tree, administrator):
    response = api_as(administrator).get(f"/api/v1/units/{tree.central.pk}/")

    assert response.status_code == 200, response.content
    assert response.json()["parent_name"] is None
    unit = openapi_schema()["components"]["schemas"]["Unit"]["properties"]["parent_name"]
    assert unit.get("nullable") is True, unit


# --- Quiet hours with an offset are refused, not silently shifted -----------------------------
@pytest.mark.parametrize("value", ["22:00+02:00", "22:00Z", "22:00:00-05:00"])
def test_quiet_hours_with_an_offset_are_a_400_naming_the_field(api_as, cadre_a, value):
    response = api_as(cadre_a).put(
        "/api/v1/notifications/preferences/",
        {"quiet_start": value, "quiet_end": "06:00"},
        format="json",
    )

    error(response, 400, "quiet_start")


def test_quiet_hours_in_local_time_are_kept(api_as, cadre_a):
    response = api_as(cadre_a).put(
        "/api/v1/notifications/preferences/",
        {"quiet_start": "22:00", "quiet_end": "06:00"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["quiet_start"] == "22:00:00"


# --- POST directives/{id}/files/ answers what the schema says ----------------------------------
def test_attaching_a_directive_file_answers_the_documented_201(api_as, tree, supervisor):
    directive = DirectiveFactory(issuing_unit=tree.province_a)

    response = api_as(supervisor).post(
        f"/api/v1/directives/{directive.pk}/files/",
        {"file": SimpleUploadedFile("chi-thi.pdf", PDF_BYTES, content_type="application/pdf")},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    responses = openapi_schema()["paths"]["/api/v1/directives/{id}/files/"]["post"]["responses"]
    assert "201" in responses and "200" not in responses


# --- Too many fields: a 400, logged as a warning without a traceback ---------------------------
def test_too_many_fields_is_a_400_and_a_warning(api_as, tree, supervisor, settings, caplog):
    # Bodies are JSON except uploads: the form fields come in a multipart upload.
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    directive = DirectiveFactory(issuing_unit=tree.province_a)
    fields = {f"f{i}": "x" for i in range(50)}

    with caplog.at_level(logging.DEBUG):
        response = api_as(supervisor).post(
            f"/api/v1/directives/{directive.pk}/files/", fields, format="multipart"
        )

    error(response, 400)
    security = [r for r in caplog.records if r.name.startswith("django.security.")]
    assert security, [r.name for r in caplog.records]
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in security)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --- List inputs that named nothing answered 404 from a list ----------------------------------
def test_a_garbage_cursor_is_a_400_naming_it(api_as, cadre_a):
    response = api_as(cadre_a).get("/api/v1/tasks/", {"cursor": "Ⱦ"})

    error(response, 400, "cursor")


def test_units_under_an_unknown_unit_is_a_400_naming_it(api_as, cadre_a):
    response = api_as(cadre_a).get("/api/v1/units/", {"under": 0})

    error(response, 400, "under")
