"""The petitions API as a mobile client uses it: personas, idempotency, ETags, errors."""

import uuid
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from petitions import services
from petitions.models import IdentityAccessLog, Petition, Petitioner, PetitionKind
from tests.petitions.factories import JPEG_BYTES, PDF_BYTES, PetitionFactory

URL = "/api/v1/petitions/"


def body(tree, **overrides):
    values = {
        "receiving_unit": tree.commune_a1.pk,
        "location_unit": tree.village_a1.pk,
        "received_on": timezone.localdate().isoformat(),
        "channel": "mobile_app",
        "kind": "complaint",
        "summary": "Khiếu nại về đất đai",
        "content": "Chưa được giao đất ở",
        "petitioners": [
            {"full_name": "Nguyễn Văn Nam", "citizen_id": "068090001234", "phone": "0912345678"}
        ],
    }
    values.update(overrides)
    return values


@pytest.fixture
def petition(tree, handler_a):
    return PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        received_on=date(2026, 3, 2),
        summary="Khiếu nại về đất đai ở thôn Đồng Lạc",
    )


# A petition of several contents may hold a denunciation: it is protected the same way.
@pytest.fixture(params=[PetitionKind.DENUNCIATION, PetitionKind.MIXED])
def denunciation(request, tree, handler_a):
    return PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=request.param,
        received_on=date(2026, 3, 2),
        summary="Tố cáo cán bộ thu tiền sai quy định",
        petitioners=[
            services.PetitionerInput(
                full_name="Lê Thị Mai", citizen_id="068190004321", phone="0977555666"
            )
        ],
    )


# --- Personas --------------------------------------------------------------------------------
def test_cadre_of_the_unit_sees_list_and_detail(api_as, cadre_a, petition):
    client = api_as(cadre_a)

    listing = client.get(URL)
    detail = client.get(f"{URL}{petition.pk}/")

    assert [row["code"] for row in listing.json()["results"]] == [petition.code]
    assert detail.status_code == 200
    assert detail.json()["summary"] == petition.summary


def test_sibling_commune_gets_nothing_and_404(api_as, cadre_b, petition):
    client = api_as(cadre_b)

    assert client.get(URL).json()["results"] == []
    assert client.get(f"{URL}{petition.pk}/").status_code == 404
    assert client.get(f"{URL}{petition.pk}/timeline/").status_code == 404
    assert client.post(f"{URL}{petition.pk}/accept/", {"reason": "x"}).status_code == 404


def test_province_supervisor_sees_the_communes_petitions(api_as, supervisor, petition):
    assert api_as(supervisor).get(f"{URL}{petition.pk}/").status_code == 200


def test_anonymous_gets_401(api, petition):
    assert api.get(URL).status_code == 401
    assert api.get(f"{URL}{petition.pk}/").status_code == 401
    assert api.post(URL, {}).status_code == 401


# --- Create ------------------------------------------------------------------------------------
def test_create_returns_201_with_code_deadline_and_etag(api_as, cadre_a, tree):
    response = api_as(cadre_a).post(URL, body(tree))

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["code"].startswith(f"DT-{timezone.localdate().year}-")
    assert data["status"] == "received"
    assert data["due_date"]
    assert data["deadline_state"] == "on_time"
    assert response["ETag"] == f'"{data["id"]}-1"'


def test_retry_with_same_client_id_returns_the_same_petition(api_as, cadre_a, tree):
    client = api_as(cadre_a)
    client_id = str(uuid.uuid4())

    first = client.post(URL, body(tree, client_id=client_id))
    again = client.post(URL, body(tree, client_id=client_id))

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Petition.objects.count() == 1


def test_retry_with_same_idempotency_key_returns_the_same_petition(api_as, cadre_a, tree):
    client = api_as(cadre_a)

    first = client.post(URL, body(tree), HTTP_IDEMPOTENCY_KEY="intake-42")
    again = client.post(URL, body(tree), HTTP_IDEMPOTENCY_KEY="intake-42")

    assert (first.status_code, again.status_code) == (201, 200)
    assert Petition.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"received_on": "2099-01-01"}, 400, "received_on"),
        ({"petitioners": [{"full_name": "A", "citizen_id": "12345"}]}, 400, "petitioners"),
        ({"receiving_unit": 999999}, 400, "receiving_unit"),
        ({"location_unit": "abc"}, 400, "location_unit"),
        ({"kind": "gossip"}, 400, "kind"),
        ({"summary": ""}, 400, "summary"),
        ({"client_id": "not-a-uuid"}, 400, "client_id"),
    ],
)
def test_bad_input_names_the_field_in_vietnamese_and_saves_nothing(
    api_as, cadre_a, tree, overrides, status, field
):
    response = api_as(cadre_a).post(URL, body(tree, **overrides))

    assert response.status_code == status, response.json()
    assert field in response.json()["fields"]
    assert response.json()["message"]
    assert not Petition.objects.exists()
    assert not Petitioner.objects.exists()


def test_out_of_scope_unit_is_400_naming_the_field(api_as, cadre_a, tree):
    response = api_as(cadre_a).post(URL, body(tree, receiving_unit=tree.commune_a2.pk))

    assert response.status_code == 400
    assert "receiving_unit" in response.json()["fields"]
    assert "phạm vi" in response.json()["message"] or "outside" in response.json()["message"]
    assert not Petition.objects.exists()


def test_malformed_json_is_400_not_500(api_as, cadre_a):
    response = api_as(cadre_a).post(URL, "{not json", content_type="application/json")

    assert response.status_code == 400


# --- Transitions, ETag, If-Match -------------------------------------------------------------
def test_accept_then_stale_if_match_gets_412_and_no_update_is_lost(api_as, handler_a, petition):
    client = api_as(handler_a)
    etag = client.get(f"{URL}{petition.pk}/")["ETag"]

    accepted = client.post(
        f"{URL}{petition.pk}/accept/",
        {"reason": "Đủ điều kiện thụ lý", "accepted_on": "2026-03-03"},
        HTTP_IF_MATCH=etag,
    )
    stale = client.patch(f"{URL}{petition.pk}/", {"summary": "Sửa"}, HTTP_IF_MATCH=etag)

    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "accepted"
    assert accepted["ETag"] != etag
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    petition.refresh_from_db()
    assert petition.summary != "Sửa"


def test_patch_with_current_etag_updates_details(api_as, handler_a, petition):
    client = api_as(handler_a)
    etag = client.get(f"{URL}{petition.pk}/")["ETag"]

    response = client.patch(f"{URL}{petition.pk}/", {"complexity": "complex"}, HTTP_IF_MATCH=etag)

    assert response.status_code == 200, response.json()
    assert response.json()["complexity"] == "complex"


def test_invalid_transition_is_409_with_a_message(api_as, handler_a, petition):
    response = api_as(handler_a).post(f"{URL}{petition.pk}/close/", {"reason": "x"})

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["message"]


def test_detail_tells_each_person_the_steps_they_may_take(api_as, cadre_a, handler_a, petition):
    as_cadre = api_as(cadre_a).get(f"{URL}{petition.pk}/").json()
    as_handler = api_as(handler_a).get(f"{URL}{petition.pk}/").json()

    # The status admits accepting for anyone; only the handler may actually do it.
    assert "accept" in as_cadre["allowed_actions"]
    assert as_cadre["available_actions"] == []
    assert "accept" in as_handler["available_actions"]
    assert "close" not in as_handler["available_actions"]

    accepted = api_as(handler_a).post(
        f"{URL}{petition.pk}/accept/", {"reason": "Đủ điều kiện thụ lý"}
    )
    assert accepted.status_code == 200, accepted.json()
    assert "accept" not in accepted.json()["available_actions"]
    assert "start_resolution" in accepted.json()["available_actions"]


def test_cadre_cannot_accept(api_as, cadre_a, petition):
    response = api_as(cadre_a).post(f"{URL}{petition.pk}/accept/", {"reason": "x"})

    assert response.status_code == 403


def test_full_workflow_through_the_api(api_as, handler_a, tree, petition):
    client = api_as(handler_a)
    base = f"{URL}{petition.pk}"

    steps = [
        ("accept", {"reason": "Thụ lý", "accepted_on": "2026-03-03"}),
        ("assign", {"assignee": handler_a.pk}),
        ("start-resolution", {"reason": "Xác minh"}),
        ("suspend", {"reason": "Chờ giám định", "suspended_on": "2026-03-05"}),
        ("resume", {"reason": "Có kết quả", "resumed_on": "2026-03-10"}),
        (
            "resolve",
            {
                "result": "partly_right",
                "answer_number": "15/QĐ-UBND",
                "answer_issued_on": "2026-03-20",
                "answer_signer": "Chủ tịch UBND xã",
            },
        ),
        ("close", {"reason": "Xong"}),
        ("reopen", {"reason": "Khiếu nại lần hai"}),
    ]
    for name, payload in steps:
        response = client.post(f"{base}/{name}/", payload)
        assert response.status_code == 200, (name, response.json())

    timeline = client.get(f"{base}/timeline/?page_size=100").json()["results"]
    assert [e["action"] for e in timeline] == [
        "created",
        "accepted",
        "assigned",
        "resolution_started",
        "suspended",
        "resumed",
        "resolved",
        "closed",
        "reopened",
    ]
    assert client.get(f"{base}/").json()["instance"] == 2


def test_transfer_and_file_as_duplicate(api_as, handler_a, tree, petition):
    client = api_as(handler_a)
    other = PetitionFactory(actor=handler_a, unit=tree.commune_a1)

    filed = client.post(
        f"{URL}{other.pk}/file/", {"reason": "Trùng đơn", "duplicate_of": petition.pk}
    )
    transferred = client.post(
        f"{URL}{petition.pk}/transfer/",
        {"reason": "Không thuộc thẩm quyền", "to_unit": tree.commune_a2.pk},
    )

    assert filed.status_code == 200
    assert filed.json()["links"][0]["kind"] == "duplicate_of"
    assert transferred.status_code == 200
    assert transferred.json()["handling_unit"]["code"] == tree.commune_a2.code
    assert transferred.json()["transfers"][0]["due_on"]


# --- Attachments ---------------------------------------------------------------------------
def test_upload_pdf_and_jpeg_checked_by_content(api_as, cadre_a, petition):
    client = api_as(cadre_a)
    url = f"{URL}{petition.pk}/attachments/"

    pdf = client.post(
        url, {"file": SimpleUploadedFile("scan.jpg", PDF_BYTES, "image/jpeg")}, format="multipart"
    )
    jpeg = client.post(url, {"file": SimpleUploadedFile("anh.jpg", JPEG_BYTES)}, format="multipart")

    assert pdf.status_code == 201, pdf.json()
    assert pdf.json()["content_type"] == "application/pdf"
    assert jpeg.json()["content_type"] == "image/jpeg"
    assert len(client.get(url).json()) == 2


def test_upload_of_a_wrong_type_is_400_naming_the_field(api_as, cadre_a, petition):
    upload = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")

    response = api_as(cadre_a).post(
        f"{URL}{petition.pk}/attachments/", {"file": upload}, format="multipart"
    )

    assert response.status_code == 400
    assert "file" in response.json()["fields"]
    assert not petition.attachments.exists()


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_oversized_upload_is_400(api_as, cadre_a, petition):
    upload = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 2048)

    response = api_as(cadre_a).post(
        f"{URL}{petition.pk}/attachments/", {"file": upload}, format="multipart"
    )

    assert response.status_code == 400
    assert "file" in response.json()["fields"]
    assert not petition.attachments.exists()


# --- Denouncer protection ------------------------------------------------------------------
def test_denouncer_is_redacted_in_list_detail_search_and_timeline(
    api_as, identity_officer, denunciation
):
    client = api_as(identity_officer)

    listing = client.get(URL).json()["results"][0]
    detail = client.get(f"{URL}{denunciation.pk}/").json()
    by_name = client.get(URL, {"search": "le thi mai"}).json()["results"]
    timeline = client.get(f"{URL}{denunciation.pk}/timeline/").content.decode()

    assert listing["petitioner_names"] == ["[đã ẩn]"]
    assert listing["identity_hidden"] is True
    assert detail["petitioners"] == [
        {
            "full_name": "[đã ẩn]",
            "citizen_id": None,
            "phone": None,
            "address": None,
            "email": None,
        }
    ]
    assert by_name == []
    for secret in ("Lê Thị Mai", "068190004321", "0977555666"):
        assert secret not in str(listing) + str(detail) + timeline
    assert not IdentityAccessLog.objects.exists()


def test_permitted_officer_sees_identity_on_request_and_it_is_logged(
    api_as, identity_officer, denunciation
):
    response = api_as(identity_officer).post(
        f"{URL}{denunciation.pk}/identity/", {"reason": "Xác minh nội dung tố cáo"}
    )

    assert response.status_code == 200
    assert response.json()["petitioners"][0]["citizen_id"] == "068190004321"
    log = IdentityAccessLog.objects.get()
    assert (log.user, log.petition, log.channel) == (identity_officer, denunciation, "api")


@pytest.mark.parametrize("persona", ["handler_a", "supervisor"])
def test_others_cannot_see_the_denouncer(api_as, request, persona, denunciation):
    user = request.getfixturevalue(persona)

    response = api_as(user).post(f"{URL}{denunciation.pk}/identity/", {"reason": "x"})

    assert response.status_code == 403
    assert not IdentityAccessLog.objects.exists()


def test_complainant_identity_is_visible_to_the_unit(api_as, cadre_a, petition):
    detail = api_as(cadre_a).get(f"{URL}{petition.pk}/").json()

    assert detail["petitioners"][0]["full_name"] == "Nguyễn Văn Nam"


# --- Search and filters ------------------------------------------------------------------
def test_search_ignores_diacritics_and_case(api_as, cadre_a, petition, tree, handler_a):
    PetitionFactory(actor=handler_a, unit=tree.commune_a1, summary="Phản ánh ô nhiễm")
    client = api_as(cadre_a)

    for term in ("khieu nai dat dai", "KHIẾU NẠI Đất", "dong lac", petition.code):
        codes = [r["code"] for r in client.get(URL, {"search": term}).json()["results"]]
        assert codes == [petition.code], term


def test_filters_by_kind_status_deadline_state_unit_and_period(
    api_as, supervisor, tree, handler_a, handler_a2, petition
):
    other = PetitionFactory(
        actor=handler_a2, unit=tree.commune_a2, kind="feedback", received_on=date(2026, 5, 4)
    )
    client = api_as(supervisor)

    def codes(**params):
        return {r["id"] for r in client.get(URL, params).json()["results"]}

    assert codes(kind="feedback") == {other.pk}
    assert codes(status="received") == {petition.pk, other.pk}
    assert codes(unit=tree.commune_a1.pk) == {petition.pk}
    assert codes(received_from="2026-04-01") == {other.pk}
    assert codes(deadline_state="overdue") == {petition.pk, other.pk}
    assert client.get(URL, {"unit": tree.commune_b1.pk}).status_code == 404


def test_cursor_pages_do_not_skip_or_repeat(api_as, cadre_a, tree, handler_a):
    made = {PetitionFactory(actor=handler_a, unit=tree.commune_a1).pk for _ in range(7)}
    client = api_as(cadre_a)

    seen: list[int] = []
    url = f"{URL}?page_size=3"
    while url:
        page = client.get(url).json()
        seen.extend(r["id"] for r in page["results"])
        url = page["next"]

    assert sorted(seen) == sorted(made)
    assert len(seen) == len(set(seen))


# --- Query counts ------------------------------------------------------------------------
def _ours(queries):
    """
    The queries a request makes, leaving out the calendar's freshness check: it re-reads its
    exceptions at most every CALENDAR_CHECK_SECONDS whatever the number of rows, so whether it
    falls inside a measured request depends on the clock, not on the code under test.
    """
    return [q for q in queries.captured_queries if "calendar_calendarexception" not in q["sql"]]


def _list_queries(api_as, user, count_queries):
    client = api_as(user)
    client.get(URL)
    with count_queries() as queries:
        response = client.get(URL, {"page_size": 100})
    assert response.status_code == 200
    return len(_ours(queries)), len(response.json()["results"]), queries


def test_list_query_count_is_the_same_for_1_and_50_rows(
    api_as, cadre_a, tree, handler_a, count_queries
):
    PetitionFactory(actor=handler_a, unit=tree.commune_a1, kind=PetitionKind.DENUNCIATION)
    one, rows, _q = _list_queries(api_as, cadre_a, count_queries)
    for i in range(49):
        PetitionFactory(
            actor=handler_a,
            unit=tree.commune_a1,
            kind=PetitionKind.DENUNCIATION if i % 2 else PetitionKind.COMPLAINT,
        )
    fifty, rows50, queries = _list_queries(api_as, cadre_a, count_queries)

    assert (rows, rows50) == (1, 50)
    # user (token), scope memberships, the scope's unit ids, page, petitioners (prefetch)
    assert one == fifty == 5, queries


def test_detail_query_count_does_not_grow_with_related_rows(
    api_as, handler_a, tree, count_queries, petition
):
    client = api_as(handler_a)
    client.get(f"{URL}{petition.pk}/")
    with count_queries() as before:
        client.get(f"{URL}{petition.pk}/")
    for _ in range(3):
        client.post(
            f"{URL}{petition.pk}/attachments/",
            {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)},
            format="multipart",
        )
    with count_queries() as after:
        response = client.get(f"{URL}{petition.pk}/")

    assert len(response.json()["attachments"]) == 3
    assert len(_ours(before)) == len(_ours(after)), after


# --- Sync -----------------------------------------------------------------------------------
def test_sync_returns_changes_and_deletions_in_a_stable_order(
    api_as, cadre_a, tree, handler_a, administrator
):
    client = api_as(cadre_a)
    first = PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    second = PetitionFactory(actor=handler_a, unit=tree.commune_a1)

    start = client.get(f"{URL}sync/").json()
    assert [r["id"] for r in start["results"]] == [first.pk, second.pk]
    assert start["has_more"] is False

    services.petition_delete(actor=administrator, petition=first, reason="Nhập nhầm")
    services.petition_assign(actor=handler_a, petition=second, assignee=handler_a.pk)
    later = client.get(
        f"{URL}sync/",
        {"updated_since": start["next_updated_since"], "after_id": start["next_after_id"]},
    ).json()

    assert later["deleted"] == [first.pk]
    assert [r["id"] for r in later["results"]] == [second.pk]
    assert client.get(f"{URL}{first.pk}/").status_code == 404


def test_sync_pages_with_limit(api_as, cadre_a, tree, handler_a):
    made = [PetitionFactory(actor=handler_a, unit=tree.commune_a1).pk for _ in range(5)]
    client = api_as(cadre_a)

    seen: list[int] = []
    params: dict[str, object] = {"limit": 2}
    while True:
        page = client.get(f"{URL}sync/", params).json()
        seen.extend(r["id"] for r in page["results"])
        if not page["has_more"]:
            break
        params = {
            "limit": 2,
            "updated_since": page["next_updated_since"],
            "after_id": page["next_after_id"],
        }

    assert seen == made


def test_sync_bad_timestamp_is_400(api_as, cadre_a):
    response = api_as(cadre_a).get(f"{URL}sync/", {"updated_since": "yesterday"})

    assert response.status_code == 400
    assert "updated_since" in response.json()["fields"]


# --- Duplicates ------------------------------------------------------------------------------
def test_duplicate_candidates_at_intake(api_as, cadre_a, tree, petition, denunciation):
    response = api_as(cadre_a).post(
        f"{URL}duplicate-candidates/",
        {
            "petitioners": [{"full_name": "Lê Thị Mai", "citizen_id": "068190004321"}],
            "location_unit": tree.commune_a1.pk,
            "text": "khiếu nại đất đai thôn Đồng Lạc",
        },
    )

    found = {(d["petition"]["id"], d["reason"]) for d in response.json()}
    # The denouncer's CCCD does not reveal her denunciation; the land complaint is similar.
    assert found == {(petition.pk, "similar_content")}


def test_duplicates_by_same_citizen_id(api_as, cadre_a, tree, handler_a):
    person = [services.PetitionerInput(full_name="Trần Văn Lộc", citizen_id="060072009876")]
    earlier = PetitionFactory(actor=handler_a, unit=tree.commune_a1, petitioners=person)
    later = PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, petitioners=person, summary="Việc khác hẳn"
    )

    response = api_as(cadre_a).get(f"{URL}{later.pk}/duplicates/")

    assert [(d["petition"]["id"], d["reason"]) for d in response.json()] == [
        (earlier.pk, "same_petitioner")
    ]


# --- Reception sessions -----------------------------------------------------------------------
def test_reception_sessions_create_list_and_scope(api_as, cadre_a, cadre_b, tree):
    client = api_as(cadre_a)
    created = client.post(
        "/api/v1/reception-sessions/",
        {
            "unit": tree.commune_a1.pk,
            "held_on": "2026-03-02",
            "leader_name": "Chủ tịch UBND xã",
            "citizens_count": 4,
        },
    )
    session_id = created.json()["id"]
    entry = client.post(
        URL,
        body(tree, reception_session=session_id, receiving_unit=None, received_on="2026-03-02"),
        format="json",
    )

    assert created.status_code == 201
    assert entry.status_code == 201, entry.json()
    assert client.get(f"/api/v1/reception-sessions/{session_id}/").json()["petition_count"] == 1
    assert api_as(cadre_b).get(f"/api/v1/reception-sessions/{session_id}/").status_code == 404
    refused = api_as(cadre_b).post(
        "/api/v1/reception-sessions/",
        {
            "unit": tree.commune_a1.pk,
            "held_on": "2026-03-02",
            "leader_name": "X",
            "citizens_count": 1,
        },
    )
    assert refused.status_code == 400
    assert "unit" in refused.json()["fields"]


def test_schema_describes_the_petition_endpoints():
    from django.urls import include, path
    from drf_spectacular.generators import SchemaGenerator
    from rest_framework.routers import DefaultRouter

    from petitions import api as petitions_api

    router = DefaultRouter()
    router.register("petitions", petitions_api.PetitionViewSet, basename="petition")
    router.register("reception-sessions", petitions_api.ReceptionSessionViewSet, basename="rs")
    patterns = [path("api/v1/", include(router.urls))]

    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)

    for route in (
        "/api/v1/petitions/",
        "/api/v1/petitions/{id}/accept/",
        "/api/v1/petitions/{id}/attachments/",
        "/api/v1/petitions/sync/",
        "/api/v1/reception-sessions/",
    ):
        assert route in schema["paths"], route
    assert "If-Match" in str(schema["paths"]["/api/v1/petitions/{id}/accept/"])


def test_dismissed_duplicate_is_no_longer_suggested(api_as, handler_a, tree):
    person = [services.PetitionerInput(full_name="Trần Văn Lộc", citizen_id="060072009876")]
    earlier = PetitionFactory(actor=handler_a, unit=tree.commune_a1, petitioners=person)
    later = PetitionFactory(actor=handler_a, unit=tree.commune_a1, petitioners=person)
    client = api_as(handler_a)

    dismissed = client.post(
        f"{URL}{later.pk}/dismiss-duplicate/", {"candidate": earlier.pk, "reason": "Việc khác"}
    )

    assert dismissed.status_code == 200, dismissed.json()
    assert client.get(f"{URL}{later.pk}/duplicates/").json() == []
    assert later.events.filter(action="duplicate_dismissed").exists()


def test_link_two_petitions_and_refuse_an_invisible_target(api_as, handler_a, tree, petition):
    other = PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    foreign = PetitionFactory(
        actor=services_user(tree), unit=tree.commune_b1, summary="Việc ở tỉnh khác"
    )
    client = api_as(handler_a)

    linked = client.post(f"{URL}{petition.pk}/link/", {"target": other.pk, "reason": "Cùng vụ"})
    refused = client.post(f"{URL}{petition.pk}/link/", {"target": foreign.pk})

    assert linked.status_code == 200
    assert linked.json()["links"] == [
        {"kind": "linked", "target": other.pk, "target_code": other.code}
    ]
    assert refused.status_code == 400
    assert "target" in refused.json()["fields"]


def services_user(tree):
    from danvan.org.models import Role
    from tests.factories import UserFactory

    return UserFactory(memberships=[(tree.commune_b1, Role.PETITION_HANDLER)])
