"""
Issue #15, point 5: the obvious next step. Which steps need a reason, the one recommended step,
who the assign list offers, landing on a new petition, and the staff's internal notes.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from danvan.org.models import Role
from petitions import services
from petitions.forms import TRANSITION_FORMS, AssignForm, FileForm
from petitions.models import Petition, PetitionKind, PetitionNote, Status
from tests.factories import UserFactory
from tests.petitions.factories import PetitionFactory


@pytest.fixture
def petition(tree: Any, handler_a: Any) -> Petition:
    return PetitionFactory(actor=handler_a, unit=tree.commune_a1)  # type: ignore[return-value]


def page_of(response: Any) -> str:
    return response.content.decode()


# --- Reasons: required only where the law or the record needs one ----------------------------
def test_accepting_needs_no_reason(petition: Petition, handler_a: Any) -> None:
    accepted = services.petition_accept(actor=handler_a, petition=petition, reason="")

    assert accepted.status == Status.ACCEPTED
    assert accepted.events.order_by("-id").first().reason == ""


@pytest.mark.parametrize(
    "step",
    [
        lambda p, a: services.petition_guide(
            actor=a, petition=p, reason=" ", competent_body="Tòa án nhân dân huyện"
        ),
        lambda p, a: services.petition_return_papers(actor=a, petition=p, reason=""),
        lambda p, a: services.petition_file(actor=a, petition=p, reason=""),
    ],
    ids=["guide", "return_papers", "file"],
)
def test_a_refusal_without_a_reason_is_refused_naming_the_field(
    petition: Petition, handler_a: Any, step: Any
) -> None:
    with pytest.raises(services.ServiceError) as refused:
        step(petition, handler_a)

    assert refused.value.field == "reason"
    assert refused.value.message == ("Lý do là bắt buộc với bước này: hãy nhập vào ô “lý do”.")
    petition.refresh_from_db()
    assert petition.status == Status.RECEIVED


def test_suspending_needs_a_reason_resuming_does_not(petition: Petition, handler_a: Any) -> None:
    petition = services.petition_accept(actor=handler_a, petition=petition, reason="")
    with pytest.raises(services.ServiceError) as refused:
        services.petition_suspend(actor=handler_a, petition=petition, reason="")
    assert refused.value.field == "reason"

    petition = services.petition_suspend(
        actor=handler_a, petition=petition, reason="Chờ kết quả giám định"
    )
    resumed = services.petition_resume(
        actor=handler_a,
        petition=petition,
        reason="",
        resumed_on=timezone.localdate() + timedelta(days=1),
    )
    assert resumed.status == Status.ACCEPTED


def test_the_forms_require_and_mark_exactly_the_reasons_the_services_require(
    petition: Petition, handler_a: Any
) -> None:
    required = {
        action
        for action, form_class in TRANSITION_FORMS.items()
        if "reason" in form_class.base_fields and form_class.base_fields["reason"].required
    }
    assert required == {"guide", "return_papers", "file", "suspend", "extend", "reopen"}
    assert required == set(services.REASON_REQUIRED)

    form = FileForm({"file-reason": "  "}, petition=petition, user=handler_a)
    assert not form.is_valid()
    assert form.errors["reason"] == ["Lý do là bắt buộc với bước này: hãy nhập vào ô “lý do”."]


# --- The recommended step -----------------------------------------------------------------------
def test_a_received_petition_recommends_accepting_with_why_and_the_deadline(
    petition: Petition, handler_a: Any
) -> None:
    available = services.actions_available_to(handler_a, petition)
    recommendation = services.recommended_action(petition, available)

    assert recommendation is not None and recommendation.action == "accept"
    assert recommendation.why.startswith("Đơn đã tiếp nhận: phân loại và quyết định thụ lý.")
    assert petition.due_date.strftime("%d/%m/%Y") in recommendation.why


def test_the_recommendation_follows_the_state(petition: Petition, handler_a: Any) -> None:
    petition = services.petition_accept(actor=handler_a, petition=petition, reason="")
    available = services.actions_available_to(handler_a, petition)

    recommendation = services.recommended_action(petition, available)
    assert recommendation is not None and recommendation.action == "start_resolution"


def test_no_recommendation_for_someone_who_may_take_no_step(
    petition: Petition, cadre_a: Any
) -> None:
    available = services.actions_available_to(cadre_a, petition)

    assert services.recommended_action(petition, available) is None


def test_the_page_shows_one_primary_step_and_folds_the_others(
    client: Any, petition: Petition, handler_a: Any
) -> None:
    client.force_login(handler_a)

    page = page_of(client.get(f"/petitions/{petition.pk}/"))

    steps = page.split('id="actions"')[1].split("</section>")[0]
    primary = steps.split('class="step-primary" id="step-accept"')[1].split("</form>")[0]
    assert "Đơn đã tiếp nhận: phân loại và quyết định thụ lý." in primary
    assert 'class="button">Thụ lý' in primary
    folded = steps.split('<details class="more-steps">')[1]
    assert 'id="step-transfer"' in folded and 'id="step-file"' in folded
    assert 'id="step-accept"' not in folded


# --- The assign list ---------------------------------------------------------------------------
def test_the_assign_list_offers_the_handling_units_people_only(
    tree: Any, petition: Petition, handler_a: Any, handler_a2: Any, cadre_a: Any, supervisor: Any
) -> None:
    two_posts = UserFactory(
        username="two_posts",
        memberships=[
            (tree.commune_a2, Role.PETITION_HANDLER),
            (tree.province_a, Role.SUPERVISOR),
        ],
    )
    leader = UserFactory(username="leader_a1", memberships=[(tree.commune_a1, Role.SUPERVISOR)])

    choices = set(AssignForm(petition=petition, user=handler_a).fields["assignee"].queryset)

    assert choices == {handler_a, cadre_a}
    for outsider in (handler_a2, supervisor, two_posts, leader):
        with pytest.raises(services.ServiceError) as refused:
            services.petition_assign(actor=handler_a, petition=petition, assignee=outsider)
        assert refused.value.field == "assignee"
        assert "Xã Di Linh" in refused.value.message
    petition.refresh_from_db()
    assert petition.assignee is None


def test_after_a_transfer_the_list_is_the_new_units(
    tree: Any, petition: Petition, handler_a: Any, handler_a2: Any
) -> None:
    petition = services.petition_transfer(
        actor=handler_a, petition=petition, to_unit=tree.commune_a2
    )

    choices = set(AssignForm(petition=petition, user=handler_a2).fields["assignee"].queryset)

    assert choices == {handler_a2}


# --- Intake lands on the new petition ----------------------------------------------------------
def test_saving_a_new_petition_lands_on_it(client: Any, tree: Any, handler_a: Any) -> None:
    client.force_login(handler_a)

    response = client.post(
        "/petitions/new/",
        {
            "client_id": str(uuid.uuid4()),
            "receiving_unit": tree.commune_a1.pk,
            "location_unit": tree.commune_a1.pk,
            "received_on": timezone.localdate().isoformat(),
            "channel": "reception",
            "kind": PetitionKind.COMPLAINT,
            "summary": "Khiếu nại về việc cấp giấy chứng nhận",
            "full_name": "Trần Văn Bình",
            "head_count": 1,
        },
        follow=True,
    )

    created = Petition.objects.get()
    assert response.redirect_chain[-1][0] == f"/petitions/{created.pk}/"
    assert created.code in page_of(response)
    assert "đã được ghi" in page_of(response) or created.code in page_of(response)


# --- Internal notes ------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["handler_a", "cadre_a", "supervisor"])
def test_staff_who_see_the_petition_leave_and_read_notes(
    request: Any, petition: Petition, who: str
) -> None:
    person = request.getfixturevalue(who)
    version = petition.version

    note = services.petition_note_add(actor=person, petition=petition, text="  Đã gọi điện  ")

    assert (note.author, note.text) == (person, "Đã gọi điện")
    petition.refresh_from_db()
    assert petition.version == version + 1


def test_the_sibling_commune_may_not_leave_a_note(petition: Petition, cadre_b: Any) -> None:
    with pytest.raises(services.Forbidden):
        services.petition_note_add(actor=cadre_b, petition=petition, text="Không được")
    assert not PetitionNote.objects.exists()


def test_two_posts_do_not_add_up_for_notes(tree: Any, handler_a: Any) -> None:
    """Handler at A2 and cadre at A1: notes on A1's and A2's petitions, not on B's."""
    two_posts = UserFactory(
        memberships=[
            (tree.commune_a2, Role.PETITION_HANDLER),
            (tree.commune_a1, Role.COMMUNE_CADRE),
        ]
    )
    other_province = UserFactory(memberships=[(tree.commune_b1, Role.PETITION_HANDLER)])
    at_b = PetitionFactory(actor=other_province, unit=tree.commune_b1)
    at_a1 = PetitionFactory(actor=handler_a, unit=tree.commune_a1)

    services.petition_note_add(actor=two_posts, petition=at_a1, text="Cán bộ xã ghi")
    with pytest.raises(services.Forbidden):
        services.petition_note_add(actor=two_posts, petition=at_b, text="Không được")


def test_an_empty_note_is_refused_naming_the_field(petition: Petition, handler_a: Any) -> None:
    with pytest.raises(services.ServiceError) as refused:
        services.petition_note_add(actor=handler_a, petition=petition, text="   ")

    assert (refused.value.field, refused.value.message) == ("text", "Hãy viết nội dung ghi chú.")


def test_notes_on_the_page_and_through_the_api(
    client: Any, api_as: Any, petition: Petition, handler_a: Any, cadre_b: Any, supervisor: Any
) -> None:
    client.force_login(handler_a)
    petition.refresh_from_db()

    response = client.post(
        f"/petitions/{petition.pk}/notes/",
        {"note-version": petition.version, "note-text": "Hẹn công dân thứ Hai"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/petitions/{petition.pk}/#notes"
    notes = page_of(client.get(f"/petitions/{petition.pk}/")).split('id="notes"')[1]
    assert "Hẹn công dân thứ Hai" in notes

    empty = client.post(f"/petitions/{petition.pk}/notes/", {"note-text": " "})
    assert empty.status_code == 400
    assert "Hãy viết nội dung ghi chú." in page_of(empty).split('id="notes"')[1]

    url = f"/api/v1/petitions/{petition.pk}/notes/"
    listed = api_as(supervisor).get(url)
    assert listed.status_code == 200
    assert [n["text"] for n in listed.json()] == ["Hẹn công dân thứ Hai"]
    assert listed.json()[0]["author_name"] == str(handler_a)
    assert api_as(cadre_b).get(url).status_code == 404

    added = api_as(supervisor).post(url, {"text": "Tỉnh đã xem"}, format="json")
    assert added.status_code == 201, added.content
    blank = api_as(supervisor).post(url, {"text": ""}, format="json")
    assert blank.status_code == 400
    assert PetitionNote.objects.count() == 2


def test_notes_are_read_by_no_citizen_facing_code() -> None:
    """The citizen's lookup, Open311, the notices' documents and the exports never read notes."""
    root = Path(__file__).resolve().parents[2]
    places = [
        *(root / "citizen").rglob("*.py"),
        *(root / "reports").rglob("*.py"),
        root / "petitions" / "notice_documents.py",
        root / "petitions" / "services" / "notices.py",
        *(root / "templates" / "citizen").rglob("*.html"),
    ]
    readers = [
        str(p.relative_to(root))
        for p in places
        if any(word in p.read_text() for word in ("PetitionNote", "petition_notes", ".notes."))
    ]

    assert places and not readers, readers


def test_the_api_detail_recommends_the_same_step(
    api_as: Any, petition: Petition, handler_a: Any, cadre_a: Any
) -> None:
    url = f"/api/v1/petitions/{petition.pk}/"

    handler = api_as(handler_a).get(url, HTTP_ACCEPT_LANGUAGE="vi").json()
    cadre = api_as(cadre_a).get(url).json()

    assert handler["recommended_action"]["action"] == "accept"
    assert handler["recommended_action"]["action"] in handler["available_actions"]
    assert handler["recommended_action"]["why"].startswith("Đơn đã tiếp nhận")
    assert (cadre["available_actions"], cadre["recommended_action"]) == ([], None)
