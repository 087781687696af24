"""No input a client can send makes the petitions API answer 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.petitions.factories import PetitionFactory

URL = "/api/v1/petitions/"
HUGE = 2**70

LIST_PARAMS = [
    {"page_size": "abc"},
    {"cursor": "garbage"},
    {"search": "%%%__"},
    {"search": "đ" * 500},
    {"unit": "abc"},
    {"unit": HUGE},
    {"field": "abc"},
    {"field": HUGE},
    {"status": "bogus"},
    {"deadline_state": "bogus"},
    {"received_from": "31/02/2026"},
    {"kind": "x"},
    {"assignee": HUGE},
    {"reception_session": HUGE},
]


@pytest.mark.parametrize("params", LIST_PARAMS)
def test_list_with_odd_parameters(api_as, cadre_a, params):
    response = api_as(cadre_a).get(URL, params)

    assert response.status_code in (200, 400, 404), response.content


@pytest.mark.parametrize(
    ("suffix", "payload"),
    [
        ("accept/", {"reason": "x", "accepted_on": "not a date"}),
        ("accept/", {"reason": "x", "accepted_on": "2999-01-01"}),
        ("accept/", {"reason": "x", "accepted_on": "1900-01-01"}),
        ("transfer/", {"reason": "x", "to_unit": HUGE}),
        ("transfer/", {"reason": "x", "to_unit": "abc"}),
        ("transfer/", {"reason": "x", "to_unit": 1, "due_on": "2000-01-01"}),
        ("assign/", {"assignee": HUGE}),
        ("file/", {"reason": "x", "duplicate_of": HUGE}),
        ("link/", {"target": HUGE}),
        ("identity/", {}),
        ("extend/", {"days": HUGE, "decision_number": "1", "reason": "x"}),
        (
            "resolve/",
            {
                "result": "right",
                "answer_number": "1",
                "answer_signer": "A",
                "answer_issued_on": "2026-13-01",
            },
        ),
    ],
)
def test_actions_with_odd_bodies(api_as, handler_a, tree, suffix, payload):
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1)

    response = api_as(handler_a).post(f"{URL}{petition.pk}/{suffix}", payload, format="json")

    assert 400 <= response.status_code < 500, response.content
    assert response.json()["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"location_unit": HUGE},
        {"received_on": "9999-12-31"},
        {"latitude": "1e400"},
        {"petitioners": "not a list"},
        {"petitioners": [{"full_name": ""}]},
        {"head_count": -1},
        [],
        "text",
    ],
)
def test_create_with_odd_bodies(api_as, cadre_a, body):
    response = api_as(cadre_a).post(URL, body, format="json")

    assert 400 <= response.status_code < 500, response.content


def test_odd_ids_in_the_path(api_as, cadre_a):
    client = api_as(cadre_a)

    for pk in ("abc", str(HUGE), "-1"):
        assert client.get(f"{URL}{pk}/").status_code == 404


def test_if_match_garbage_is_412(api_as, handler_a, tree):
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1)

    response = api_as(handler_a).post(
        f"{URL}{petition.pk}/accept/", {"reason": "x"}, HTTP_IF_MATCH="garbage"
    )

    assert response.status_code == 412


def test_upload_without_a_file_is_400(api_as, cadre_a, tree, handler_a):
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    client = api_as(cadre_a)

    missing = client.post(f"{URL}{petition.pk}/attachments/", {}, format="multipart")
    empty = client.post(
        f"{URL}{petition.pk}/attachments/",
        {"file": SimpleUploadedFile("x.pdf", b"")},
        format="multipart",
    )

    assert missing.status_code == 400
    assert empty.status_code == 400


# --- A head count no column can hold ---------------------------------------------------------
def _create_body(tree, head_count):
    return {
        "receiving_unit": tree.commune_a1.pk,
        "location_unit": tree.commune_a1.pk,
        "received_on": "2026-03-02",
        "channel": "post",
        "kind": "complaint",
        "summary": "Khiếu nại đông người về đền bù",
        "is_collective": True,
        "head_count": head_count,
        "petitioners": [{"full_name": "Nguyễn Văn An"}, {"full_name": "Lê Thị Bình"}],
    }


@pytest.mark.parametrize("head_count", [2**31, HUGE])
def test_api_create_with_a_huge_head_count_is_400_and_saves_nothing(
    api_as, cadre_a, tree, head_count
):
    from petitions.models import Petition, Petitioner

    response = api_as(cadre_a).post(URL, _create_body(tree, head_count), format="json")

    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == ["head_count"]
    assert response.json()["message"].startswith("Số người đứng đơn:")
    assert not Petition.objects.exists() and not Petitioner.objects.exists()


def test_api_update_with_a_huge_head_count_is_400_and_changes_nothing(api_as, handler_a, tree):
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1)

    response = api_as(handler_a).patch(f"{URL}{petition.pk}/", {"head_count": 2**31}, format="json")

    assert response.status_code == 400, response.content
    assert "head_count" in response.json()["fields"]
    petition.refresh_from_db()
    assert (petition.head_count, petition.version) == (1, 1)


def test_the_service_refuses_a_head_count_past_the_limit_naming_the_field(tree, handler_a):
    """Whatever the entry point (form, API, import), the service is the last guard."""
    from datetime import date

    from danvan.core.errors import ServiceError
    from petitions import services
    from petitions.models import Petition

    data = services.PetitionData(
        receiving_unit=tree.commune_a1,
        location_unit=tree.commune_a1,
        received_on=date(2026, 3, 2),
        channel="post",
        kind="complaint",
        summary="Khiếu nại đông người",
        is_collective=True,
        head_count=services.MAX_HEAD_COUNT + 1,
        petitioners=[services.PetitionerInput(full_name="Nguyễn Văn An")],
    )

    with pytest.raises(ServiceError) as refused:
        services.petition_create(actor=handler_a, data=data, today=date(2026, 3, 2))

    assert refused.value.field == "head_count"
    assert refused.value.message == "Số người đứng đơn tối đa là 1000000."
    assert not Petition.objects.exists()


def test_intake_form_with_a_huge_head_count_shows_the_field_error(client, tree, cadre_a):
    from petitions.models import Petition

    client.force_login(cadre_a)
    response = client.post(
        "/petitions/new/",
        {
            "client_id": "0b0c1d5e-7c1a-4e58-a3c2-5b7d4f1e9a02",
            "receiving_unit": tree.commune_a1.pk,
            "location_unit": tree.commune_a1.pk,
            "received_on": "02/03/2026",
            "channel": "post",
            "kind": "complaint",
            "summary": "Khiếu nại đông người",
            "full_name": "Nguyễn Văn An",
            "is_collective": "on",
            "head_count": "9" * 30,
        },
    )

    assert response.status_code in (200, 400)
    assert "1000000" in response.content.decode()
    assert not Petition.objects.exists()


# --- Each refusal names the field in Vietnamese, whichever serializer refused --------------
@pytest.mark.parametrize(
    ("suffix", "payload", "method", "expected"),
    [
        # The reason is a note on a transfer; the unit it goes to is what it needs.
        ("transfer/", {}, "post", "Đơn vị nhận: Trường này là bắt buộc."),
        ("file/", {}, "post", "Lý do: Trường này là bắt buộc."),
        ("resolve/", {"reason": "x"}, "post", "Kết quả: Trường này là bắt buộc."),
        ("link/", {}, "post", "Đơn liên quan: Trường này là bắt buộc."),
        ("dismiss-duplicate/", {}, "post", "Đơn được gợi ý: Trường này là bắt buộc."),
        ("report-transfer/", {}, "post", "Kết quả được báo cáo: Trường này là bắt buộc."),
        ("extend/", {"reason": "x", "decision_number": "1", "days": "x"}, "post", "Số ngày: "),
        ("attachments/", {}, "multipart", "Tệp: "),
        ("", {"head_count": "x"}, "patch", "Số người đứng đơn: "),
        ("", {"latitude": "x"}, "patch", "Vĩ độ: "),
        ("", {"complexity": "x"}, "patch", "Mức độ phức tạp: "),
    ],
)
def test_action_and_update_errors_name_the_field_in_vietnamese(
    api_as, handler_a, tree, suffix, payload, method, expected
):
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    client = api_as(handler_a)
    url = f"{URL}{petition.pk}/{suffix}"

    if method == "patch":
        response = client.patch(url, payload, format="json")
    else:
        response = client.post(
            url, payload, format="multipart" if method == "multipart" else "json"
        )

    assert response.status_code == 400, response.content
    assert response.json()["message"].startswith(expected), response.json()["message"]


def test_duplicate_query_errors_name_the_field_in_vietnamese(api_as, cadre_a):
    response = api_as(cadre_a).post(
        f"{URL}duplicate-candidates/", {"citizen_ids": "x"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith("Các số CCCD: ")
