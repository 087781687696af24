"""
Hostile input by hand, beside schemathesis: huge numbers, NUL bytes, wrong types, deeply
nested JSON, impossible dates (31/02/2026), page_size=10^9, negative ids and unicode in the
query string, sent to the API, the cadres' pages and the admin as the province supervisor.
Nothing may answer 5xx; NUL characters (which PostgreSQL cannot take) and overflowing admin
dates get a 400 naming the parameter, in Vietnamese.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.api.world import World
from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


def _exc(response: Any) -> str:
    """The exception behind a 5xx (the test client keeps it), for the failure message."""
    exc_info = getattr(response, "exc_info", None)
    return repr(exc_info[1])[:300] if exc_info else ""


ACTION_BODY = (
    b'{"days": 99999999999999999999, "to_unit": -1, "target": 99999999999999999999999, '
    b'"assignee": "x", "candidate": -1, "reason": "\\u0000", "result": ["x"], '
    b'"answer": {"issued_on": "2026-02-31"}}'
)

GETS = [
    "/api/v1/petitions/?page_size=1000000000",
    "/api/v1/petitions/?limit=1000000000&offset=-5",
    "/api/v1/petitions/?received_from=2026-02-31",
    "/api/v1/petitions/?received_from=31/02/2026",
    "/api/v1/petitions/?unit=-1",
    "/api/v1/petitions/?unit=99999999999999999999999",
    "/api/v1/petitions/?field=1e400",
    "/api/v1/petitions/?search=%00abc",
    "/api/v1/petitions/?search=" + "a" * 20000,
    "/api/v1/petitions/?search=Khi%E1%BA%BFu%20n%E1%BA%A1i%20%F0%9F%98%80",
    "/api/v1/petitions/?status=nope&kind=x",
    "/api/v1/petitions/?cursor=%00%ff",
    "/api/v1/petitions/?cursor=bz0xJnA9MjAyNi0xMy00MA==",
    "/api/v1/petitions/?deadline_state=%00",
    "/api/v1/petitions/?assignee=-3&reception_session=0",
    "/api/v1/petitions/-1/",
    "/api/v1/petitions/99999999999999999999999/",
    "/api/v1/petitions/%00/",
    "/api/v1/petitions/sync/?updated_since=2026-02-31T00:00:00Z",
    "/api/v1/petitions/sync/?updated_since=%00",
    "/api/v1/petitions/sync/?after_id=99999999999999999999999999&updated_since=2026-01-01T00:00:00Z",
    "/api/v1/petitions/sync/?limit=-1",
    "/api/v1/petitions/sync/?limit=1e9",
    "/api/v1/petitions/sync/?updated_since=9999-12-31T23:59:59Z",
    "/api/v1/petitions/sync/?updated_since=0001-01-01T00:00:00%2B14:00",
    "/api/v1/tasks/?page_size=1000000000",
    "/api/v1/tasks/?due_from=31/02/2026",
    "/api/v1/tasks/sync/?updated_since=2026-02-31",
    "/api/v1/tasks/sync/?updated_since=0001-01-01T00:00:00%2B14:00",
    "/api/v1/tasks/-1/",
    "/api/v1/units/?parent=-1",
    "/api/v1/units/?search=%00",
    "/api/v1/units/99999999999999999999/",
    "/api/v1/calendar/working-days/?start=2026-02-31&days=99999999999",
    "/api/v1/calendar/working-days/?from=2026-01-01&days=99999999999",
    "/api/v1/calendar/holidays/?year=99999999",
    "/api/v1/calendar/holidays/?year=-1",
    "/api/v1/calendar/holidays/?year=%00",
    "/api/v1/notifications/?page_size=1000000000",
    "/api/v1/notifications/-1/",
    "/api/v1/reception-sessions/?page_size=1000000000",
    "/api/v1/reports/statistics/?year=99999999",
    "/api/v1/reports/statistics/?year=-1&unit=-1",
    "/api/v1/reports/statistics/?from=2026-02-31",
    "/api/v1/reports/exports/petitions.csv?search=%00",
    "/petitions/?q=%00&page=99999999999999999999",
    "/petitions/?page=-1&unit=-1&received_from=31/02/2026",
    "/petitions/-1/",
    "/tasks/?page=99999999999999999999&q=%00",
    "/reports/?year=99999999999",
    "/admin/petitions/petition/?q=%00",
    "/admin/petitions/petition/?received_on__year=99999999999",
    "/admin/petitions/petition/?unit=99999999999999999999999",
    "/admin/petitions/petition/%00/change/",
    "/admin/petitions/petition/abc/change/",
    "/admin/petitions/petition/99999999999999999999999/change/",
    "/admin/petitions/petition/-1/change/",
    "/admin/tasks/meeting/?starts_on__year=99999999999",
    "/admin/audit/auditevent/?at__year=99999999999&at__month=99",
]

POSTS = [
    ("/api/v1/petitions/", b'{"summary": "\\u0000", "received_on": "2026-02-31"}'),
    ("/api/v1/petitions/", b"[1,2,3]"),
    ("/api/v1/petitions/", b'"str"'),
    ("/api/v1/petitions/", b"{" * 5000 + b"}" * 5000),
    (
        "/api/v1/petitions/",
        b'{"receiving_unit": 1e400, "location_unit": 99999999999999999999999999, '
        b'"latitude": 1e400}',
    ),
    (
        "/api/v1/petitions/",
        b'{"receiving_unit": -1, "location_unit": "x", "petitioners": {"a": 1}, '
        b'"respondents": "x", "kind": ["x"]}',
    ),
    (
        "/api/v1/petitions/",
        b'{"petitioners": [{"full_name": "\\u0000A", "citizen_id": "0123456789012345678"}]}',
    ),
    ("/api/v1/petitions/", b"\xff\xfe garbage"),
    (
        "/api/v1/petitions/duplicate-candidates/",
        b'{"citizen_ids": [1, null, {"a":1}], "location_unit": 99999999999999999999999}',
    ),
    ("/api/v1/petitions/duplicate-candidates/", b'{"text": "\\u0000", "location_unit": -5}'),
    (
        "/api/v1/reception-sessions/",
        b'{"unit": 99999999999999999999999, "held_on": "2026-02-31", "citizens_count": -1}',
    ),
    (
        "/api/v1/reception-sessions/",
        b'{"unit": 1, "held_on": "2026-01-01", "citizens_count": 99999999999999999999}',
    ),
    ("/api/v1/notifications/mark-read/", b'{"ids": [99999999999999999999999, -1, "x"]}'),
    ("/api/v1/notifications/mark-read/", b'{"ids": "all"}'),
    ("/api/v1/tasks/", b'{"due_on": "2026-02-31", "lead_unit": 99999999999999999999999}'),
    ("/api/v1/auth/token/", b'{"username": "\\u0000", "password": ["x"]}'),
    ("/api/v1/calendar/exceptions/", b'{"day": "2026-02-31"}'),
]


def test_no_hostile_request_gets_a_server_error(world: World, api_as: Any) -> None:
    out = []
    c = Client(raise_request_exception=False)
    c.force_login(world.users["supervisor"])
    api = api_as(world.users["supervisor"])
    api.raise_request_exception = False
    pid = world.inside["petitions"]
    posts = list(POSTS)
    for action in [
        "accept",
        "transfer",
        "extend",
        "suspend",
        "resolve",
        "link",
        "assign",
        "dismiss-duplicate",
        "identity",
        "report-transfer",
        "file",
        "reopen",
    ]:
        posts.append(
            (
                f"/api/v1/petitions/{pid}/{action}/",
                ACTION_BODY,
            )
        )
        posts.append((f"/api/v1/petitions/{pid}/{action}/", b"[]"))
    for url in GETS:
        for client in (c, api):
            r = client.get(url)
            if r.status_code >= 500:
                out.append(
                    (
                        "GET",
                        url,
                        r.status_code,
                        _exc(r),
                    )
                )
    for url, body in posts:
        r = api.generic("POST", url, body, content_type="application/json")
        if r.status_code >= 500:
            out.append(
                (
                    "POST",
                    url,
                    r.status_code,
                    _exc(r),
                )
            )
        r = api.generic("PATCH", f"/api/v1/petitions/{pid}/", body, content_type="application/json")
        if r.status_code >= 500:
            out.append(
                (
                    "PATCH",
                    url,
                    r.status_code,
                    _exc(r),
                )
            )
    assert not out


def test_no_hostile_form_or_action_gets_a_server_error(world: World, tree: Any) -> None:
    """The cadres' intake form, every workflow action and the preferences, by hand."""
    out = []
    c = Client(raise_request_exception=False)
    c.force_login(world.users["supervisor"])
    p = PetitionFactory(actor=world.users["handler_a"], unit=tree.commune_a1)
    base = {
        "client_id": "6f1c1d5e-1d2b-4c5e-9a57-1d7a6b6f0e11",
        "receiving_unit": tree.commune_a1.pk,
        "location_unit": tree.commune_a1.pk,
        "received_on": "02/03/2026",
        "channel": "post",
        "kind": "complaint",
        "summary": "Khiếu nại",
        "full_name": "Nguyễn Văn A",
        "head_count": "1",
    }
    variants = [
        {"head_count": HUGE, "is_collective": "on"},
        {"head_count": "2147483648", "is_collective": "on"},
        {"head_count": "-5"},
        {"received_on": "31/02/2026"},
        {"received_on": "01/01/99999"},
        {"receiving_unit": HUGE},
        {"location_unit": "-1"},
        {"field": HUGE},
        {"client_id": "\x00"},
        {"summary": "a\x00b"},
        {"citizen_id": "０１２３４５６７８９０１"},
        {"phone": "+84" + "9" * 100},
        {"latitude": "1e400", "longitude": "nan"},
        {"latitude": "91", "longitude": "200"},
    ]
    for v in variants:
        r = c.post("/petitions/new/", {**base, **v})
        if r.status_code >= 500:
            out.append(
                (
                    "intake",
                    v,
                    r.status_code,
                    _exc(r),
                )
            )
    for action in [
        "accept",
        "extend",
        "suspend",
        "resume",
        "transfer",
        "assign",
        "resolve",
        "file",
        "guide",
        "close",
        "reopen",
        "start-resolution",
        "report-transfer",
        "return-papers",
        "nonexistent",
    ]:
        for data in [
            {"reason": "x", "version": HUGE, "days": HUGE, "accepted_on": "31/02/2026"},
            {"reason": "x", "version": "-1", "days": "100000", "to_unit": HUGE, "assignee": HUGE},
            {"reason": "x", "days": "3000000", "decision_number": "1"},
            {"reason": "x", "duplicate_of": "\x00"},
            {"reason": "x", "suspended_on": "01/01/0001", "resumed_on": "31/12/9999"},
            {
                "reason": "x",
                "received_on": "31/12/9999",
                "answer_issued_on": "01/01/0001",
                "result": "right",
                "answer_number": "1",
                "answer_signer": "A",
            },
        ]:
            r = c.post(f"/petitions/{p.pk}/actions/{action}/", data)
            if r.status_code >= 500:
                out.append(
                    (
                        action,
                        data,
                        r.status_code,
                        _exc(r),
                    )
                )
    api = Client(raise_request_exception=False)
    api.force_login(world.users["supervisor"])
    for body in [
        '{"days": 3000000, "reason": "x", "decision_number": "1"}',
        '{"days": 2147483648, "reason": "x", "decision_number": "1"}',
    ]:
        r = api.post(f"/api/v1/petitions/{p.pk}/extend/", body, content_type="application/json")
        if r.status_code >= 500:
            out.append(
                (
                    "api extend",
                    body,
                    r.status_code,
                    _exc(r),
                )
            )
    created = {
        "receiving_unit": tree.commune_a1.pk,
        "location_unit": tree.commune_a1.pk,
        "received_on": "2026-03-02",
        "channel": "post",
        "kind": "complaint",
        "summary": "x",
        "is_collective": True,
        "head_count": 99999999999,
        "petitioners": [{"full_name": "A"}, {"full_name": "B"}],
    }
    for extra in ({}, {"head_count": 2}, {"latitude": 91, "longitude": 1}):
        r = api.post("/api/v1/petitions/", {**created, **extra}, content_type="application/json")
        if r.status_code >= 500:
            out.append(("api create", extra, r.status_code, _exc(r)))
    prefs = {"quiet_start": "25:99", "quiet_end": "\x00", "digest": "maybe"}
    r = c.post("/notifications/preferences/", prefs)
    if r.status_code >= 500:
        out.append(("preferences page", r.status_code, _exc(r)))
    for body in [
        '{"quiet_hours_start": "25:99", "channels": {"a": {"b": 1}}}',
        '{"quiet_hours_start": 1e400}',
        "[[[[[]]]]]",
    ]:
        for m in ("put", "patch"):
            r = getattr(api, m)(
                "/api/v1/notifications/preferences/", body, content_type="application/json"
            )
            if r.status_code >= 500:
                out.append(
                    (
                        "prefs",
                        body,
                        r.status_code,
                        _exc(r),
                    )
                )
    assert not out


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/petitions/?search=ab%00c",
        "/api/v1/reports/exports/petitions.csv?search=%00",
        "/api/v1/tasks/?q%00=1",
    ],
)
def test_nul_in_the_query_string_is_a_400_naming_the_parameter(
    world: World, api_as: Any, url: str
) -> None:
    response = api_as(world.users["supervisor"]).get(url)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    name = "q" if "q%00" in url else "search"
    assert body["fields"] == {name: ["Giá trị này chứa ký tự NUL."]}
    assert body["message"].startswith(f"{name}: ")


@pytest.mark.parametrize(
    "url", ["/petitions/?q=%00", "/tasks/?q=%00", "/admin/petitions/petition/?q=%00"]
)
def test_pages_refuse_nul_with_a_vietnamese_400_page(world: World, url: str) -> None:
    client = Client()
    client.force_login(world.users["supervisor"])

    response = client.get(url)

    assert response.status_code == 400
    assert "Giá trị này chứa ký tự NUL." in response.content.decode()


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("received_on__year=99999999999", "received_on__year"),
        ("received_on__year=2026&received_on__month=13", "received_on__month"),
        ("received_on__year=2026&received_on__month=2&received_on__day=%D9%A3", "received_on__day"),
    ],
)
def test_admin_date_drill_down_out_of_range_is_a_400(world: World, query: str, name: str) -> None:
    client = Client()
    client.force_login(world.users["administrator"])

    response = client.get(f"/admin/petitions/petition/?{query}")

    assert response.status_code == 400
    assert name in response.content.decode()


def test_admin_date_drill_down_in_range_still_works(world: World) -> None:
    client = Client()
    client.force_login(world.users["administrator"])

    response = client.get("/admin/petitions/petition/?received_on__year=2026&received_on__month=3")

    assert response.status_code == 200


@pytest.mark.parametrize("object_id", ["abc", "%00", "-1", "99999999999999999999999"])
def test_admin_change_page_of_a_garbled_id_is_not_a_500(world: World, object_id: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.users["administrator"])

    response = client.get(f"/admin/petitions/petition/{object_id}/change/")

    assert response.status_code in {302, 400, 404}


@pytest.mark.parametrize(
    ("extra", "name"),
    [
        ({"action": "transfer", "to_unit": "25\x00000", "reason": "Chuyển"}, "to_unit"),
        ({"action": "assign", "assignee": "handler_a\x00"}, "assignee"),
        (
            {"action": "extend", "days": "10", "reason": "x", "_selected_action": "\x00"},
            "_selected_action",
        ),
        ({"action": "extend", "days": "10", "_selected_action": "9" * 30}, "_selected_action"),
    ],
)
def test_admin_actions_refuse_nul_and_garbled_rows_with_a_400(
    world: World, extra: dict[str, str], name: str
) -> None:
    from petitions.models import Petition

    client = Client(raise_request_exception=False)
    client.force_login(world.users["administrator"])
    petition = Petition.objects.get(pk=world.inside["petitions"])
    data = {"_selected_action": str(petition.pk), **extra}

    response = client.post("/admin/petitions/petition/", data)

    assert response.status_code == 400
    assert name in response.content.decode()
    after = Petition.objects.get(pk=petition.pk)
    assert (after.version, after.handling_unit_id, after.assignee_id) == (
        petition.version,
        petition.handling_unit_id,
        petition.assignee_id,
    )


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/petitions/",
        "/api/v1/petitions/duplicate-candidates/",
        "/api/v1/reception-sessions/",
        "/api/v1/tasks/",
        "/api/v1/auth/token/",
    ],
)
@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000],
    ids=["arrays", "objects"],
)
def test_json_nested_too_deeply_is_a_400_not_a_500(
    world: World, api_as: Any, url: str, body: bytes
) -> None:
    from petitions.models import Petition

    before = Petition.objects.count()
    client = api_as(world.users["supervisor"])
    client.raise_request_exception = False

    response = client.generic("POST", url, body, content_type="application/json")

    assert response.status_code == 400, _exc(response)
    assert response.json() == {
        "code": "parse_error",
        "message": "Nội dung JSON lồng nhau quá sâu.",
        "fields": {"body": ["Nội dung JSON lồng nhau quá sâu."]},
    }
    assert Petition.objects.count() == before
