"""
Duplicates caught at intake (issue #15, point 3): the intake form's suggestions while typing and
on save, linking as a repeat or going on, the citizen's history on the petition page, search by
CCCD or phone, and merging two petitions. Personas: two communes, a province supervisor, a
person with two posts, a denunciation seen without and with an identity grant.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.utils import timezone

from danvan.org.models import Role
from danvan.org.permissions import Forbidden
from petitions import selectors, services
from petitions.models import (
    EventAction,
    LinkKind,
    Petition,
    PetitionKind,
    PetitionLink,
    Status,
)
from petitions.services import Conflict, PetitionerInput, ServiceError
from tests.factories import UserFactory
from tests.petitions.factories import AttachmentFactory, PetitionFactory

CCCD = "068090001234"
PHONE = "0912345678"


def person(name: str = "Nguyễn Văn Nam", **numbers: str) -> list[PetitionerInput]:
    return [PetitionerInput(full_name=name, **numbers)]


def earlier(actor: Any, unit: Any, **fields: Any) -> Petition:
    fields.setdefault("petitioners", person(citizen_id=CCCD, phone=PHONE))
    fields.setdefault("summary", "Khiếu nại về việc cấp giấy chứng nhận quyền sử dụng đất")
    return PetitionFactory(actor=actor, unit=unit, **fields)  # type: ignore[return-value]


def form_data(tree: Any, **overrides: Any) -> dict[str, Any]:
    values = {
        "client_id": str(uuid.uuid4()),
        "receiving_unit": tree.commune_a1.pk,
        "location_unit": tree.commune_a1.pk,
        "received_on": timezone.localdate().isoformat(),
        "channel": "reception",
        "kind": "complaint",
        "summary": "Lại khiếu nại chưa được cấp giấy chứng nhận",
        "full_name": "Nguyễn Văn Nam",
        "citizen_id": CCCD,
        "phone": "",
        "head_count": 1,
    }
    values.update(overrides)
    return values


@pytest.fixture
def two_posts(tree: Any) -> Any:
    """A cadre in commune A2 who also handles petitions in commune B1 (another province)."""
    return UserFactory(
        username="two_posts",
        memberships=[
            (tree.commune_a2, Role.COMMUNE_CADRE),
            (tree.commune_b1, Role.PETITION_HANDLER),
        ],
    )


# --- Search by CCCD or phone ----------------------------------------------------------------------
def codes(user: Any, term: str) -> set[str]:
    return {p.code for p in selectors.petitions_search(selectors.petitions_visible_to(user), term)}


def test_search_finds_a_petition_by_cccd_or_phone_however_typed(tree, handler_a):
    mine = earlier(handler_a, tree.commune_a1)
    PetitionFactory(actor=handler_a, unit=tree.commune_a1, petitioners=person("Lê Thị Mai"))

    assert codes(handler_a, CCCD) == {mine.code}
    assert codes(handler_a, "068 090 001 234") == {mine.code}
    assert codes(handler_a, "0912.345.678") == {mine.code}
    assert codes(handler_a, "+84912345678") == {mine.code}
    assert codes(handler_a, "068090009999") == set()


def test_search_by_number_stays_in_scope_and_never_finds_a_denouncer(
    tree, handler_a, handler_a2, identity_officer
):
    earlier(handler_a2, tree.commune_a2)  # the same person, in the sibling commune
    earlier(handler_a, tree.commune_a1, kind=PetitionKind.DENUNCIATION)

    assert codes(handler_a, CCCD) == set()
    assert codes(handler_a, PHONE) == set()
    # Even a grant holder: a search is not a logged reveal.
    assert codes(identity_officer, CCCD) == set()


def test_list_page_and_api_search_accept_a_cccd(client, tree, handler_a, api_as):
    mine = earlier(handler_a, tree.commune_a1)
    client.force_login(handler_a)

    page = client.get("/petitions/", {"q": CCCD}).content.decode()
    answer = api_as(handler_a).get("/api/v1/petitions/", {"search": PHONE})

    assert mine.code in page
    assert [row["code"] for row in answer.json()["results"]] == [mine.code]


# --- The citizen's history ------------------------------------------------------------------------
def test_history_lists_the_same_citizens_other_petitions_in_scope(
    tree, handler_a, handler_a2, supervisor
):
    first = earlier(handler_a, tree.commune_a1)
    by_phone = PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, petitioners=person("Nguyễn V. Nam", phone=PHONE)
    )
    elsewhere = earlier(handler_a2, tree.commune_a2)
    stranger = PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, petitioners=person("Lò Văn Pó")
    )
    now = earlier(handler_a, tree.commune_a1)

    def history(user: Any) -> set[str]:
        petition = selectors.petition_detail(user, now.pk)
        return {p.code for p in selectors.petitioner_history(user, petition)}

    assert history(handler_a) == {first.code, by_phone.code}
    assert history(supervisor) == {first.code, by_phone.code, elsewhere.code}
    assert stranger.code not in history(supervisor)


def test_history_costs_two_queries_after_the_scope(tree, handler_a, django_assert_num_queries):
    for _ in range(5):
        earlier(handler_a, tree.commune_a1)
    petition = selectors.petition_detail(handler_a, earlier(handler_a, tree.commune_a1).pk)
    from danvan.org.selectors import scope_unit_ids

    scope_unit_ids(handler_a)  # the request has read the scope already (cached per user)
    # the user's identity grants, the petitions (the scope's unit ids are cached)
    with django_assert_num_queries(2):
        assert len(selectors.petitioner_history(handler_a, petition)) == 5


def test_a_denouncer_is_never_linked_to_their_other_petitions_without_a_grant(
    tree, handler_a, identity_officer
):
    complaint = earlier(handler_a, tree.commune_a1)
    denunciation = earlier(handler_a, tree.commune_a1, kind=PetitionKind.DENUNCIATION)

    def history(user: Any, petition: Petition, **kw: Any) -> set[str]:
        found = selectors.petition_detail(user, petition.pk)
        return {p.code for p in selectors.petitioner_history(user, found, **kw)}

    # On the denunciation's page: nothing, for anyone, until a (logged) reveal.
    assert history(handler_a, denunciation) == set()
    assert history(identity_officer, denunciation) == set()
    assert history(identity_officer, denunciation, identity_shown=True) == {complaint.code}
    # On the complaint's page: the denunciation only for a grant holder.
    assert history(handler_a, complaint) == set()
    assert history(identity_officer, complaint) == {denunciation.code}


def test_detail_page_shows_the_history_and_hides_it_on_a_denunciation(client, tree, handler_a):
    first = earlier(handler_a, tree.commune_a1)
    now = earlier(handler_a, tree.commune_a1)
    denunciation = earlier(handler_a, tree.commune_a1, kind=PetitionKind.DENUNCIATION)
    client.force_login(handler_a)

    page = section(client.get(f"/petitions/{now.pk}/"), "history")
    hidden = section(client.get(f"/petitions/{denunciation.pk}/"), "history")

    assert first.code in page and denunciation.code not in page
    assert first.code not in hidden and now.code not in hidden
    assert "bảo vệ người tố cáo" in hidden or "protect the denouncer" in hidden


def section(response: Any, name: str) -> str:
    """One <section id=…> of a page, so a code elsewhere on it (a suggestion) does not count."""
    page = response.content.decode()
    assert f'id="{name}"' in page, f"no section {name}"
    return page.split(f'id="{name}"', 1)[1].split("</section>", 1)[0]


# --- Suggestions at intake ------------------------------------------------------------------------
def suggested(client: Any, tree: Any, **values: Any) -> list[str]:
    data = {"location_unit": tree.commune_a1.pk, **values}
    response = client.post("/petitions/new/duplicates/", data)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store, private"
    return [row["code"] for row in response.json()["candidates"]]


def test_while_typing_a_cccd_or_phone_shows_the_earlier_petition(client, tree, cadre_a, handler_a):
    first = earlier(handler_a, tree.commune_a1)
    client.force_login(cadre_a)

    assert suggested(client, tree, citizen_id=CCCD) == [first.code]
    assert suggested(client, tree, full_name="Nguyễn Văn Nam", phone="0912 345 678") == [first.code]
    assert suggested(client, tree, citizen_id="0680900012") == []  # half typed: nothing asked
    # a similar name and summary in the same commune
    assert suggested(
        client, tree, full_name="Nguyễn Văn Nam", summary="cấp giấy chứng nhận quyền sử dụng đất"
    ) == [first.code]


def test_suggestions_are_scoped_and_never_a_denunciation_without_a_grant(
    client, tree, cadre_a, cadre_b, handler_a, two_posts, identity_officer
):
    earlier(handler_a, tree.commune_a1, kind=PetitionKind.DENUNCIATION)
    complaint = earlier(handler_a, tree.commune_a1)

    client.force_login(cadre_b)  # the sibling commune
    assert suggested(client, tree, citizen_id=CCCD) == []
    client.force_login(two_posts)  # two posts, neither over commune A1
    assert suggested(client, tree, citizen_id=CCCD) == []
    client.force_login(cadre_a)
    assert suggested(client, tree, citizen_id=CCCD) == [complaint.code]
    client.force_login(identity_officer)
    assert len(suggested(client, tree, citizen_id=CCCD)) == 2


def test_the_suggestion_endpoint_is_for_people_who_record_petitions(client, tree):
    client.force_login(UserFactory(memberships=[]))
    assert client.post("/petitions/new/duplicates/", {"citizen_id": CCCD}).status_code == 403
    assert client.get("/petitions/new/duplicates/").status_code == 405


def test_on_save_the_form_shows_the_earlier_petition_instead_of_saving(
    client, tree, cadre_a, handler_a
):
    first = earlier(handler_a, tree.commune_a1)
    client.force_login(cadre_a)

    response = client.post("/petitions/new/", form_data(tree))

    assert response.status_code == 200
    page = response.content.decode()
    assert first.code in page and 'name="duplicate_choice"' in page
    assert Petition.objects.count() == 1


def test_link_as_a_repeat_saves_it_linked_to_the_earlier_one(client, tree, cadre_a, handler_a):
    first = earlier(handler_a, tree.commune_a1)
    client.force_login(cadre_a)

    response = client.post(
        "/petitions/new/",
        form_data(tree, duplicate_choice=str(first.pk), duplicates_shown=str(first.pk)),
    )

    assert response.status_code == 302
    new = Petition.objects.exclude(pk=first.pk).get()
    assert PetitionLink.objects.filter(
        petition=new, target=first, kind=LinkKind.DUPLICATE_OF
    ).exists()
    event = new.events.get(action=EventAction.LINKED)
    assert event.actor == cadre_a and event.data["target_code"] == first.code
    page = client.get(f"/petitions/{first.pk}/").content.decode()
    assert new.code in page  # "linked from" and the citizen's history


def test_go_on_saves_it_and_remembers_the_dismissal(client, tree, cadre_a, handler_a, api_as):
    first = earlier(handler_a, tree.commune_a1)
    client.force_login(cadre_a)

    response = client.post(
        "/petitions/new/",
        form_data(tree, duplicate_choice="none", duplicates_shown=str(first.pk)),
    )

    assert response.status_code == 302
    new = Petition.objects.exclude(pk=first.pk).get()
    assert services.dismissed_duplicates(new) == {first.pk}
    assert not PetitionLink.objects.filter(petition=new).exists()
    # The petition's duplicate suggestions no longer nag about it.
    assert api_as(handler_a).get(f"/api/v1/petitions/{new.pk}/duplicates/").json() == []


def test_a_candidate_not_shown_before_is_shown_before_saving(client, tree, cadre_a, handler_a):
    first = earlier(handler_a, tree.commune_a1)
    second = earlier(handler_a, tree.commune_a1)
    client.force_login(cadre_a)

    response = client.post(
        "/petitions/new/",
        form_data(tree, duplicate_choice="none", duplicates_shown=str(first.pk)),
    )

    assert response.status_code == 200 and second.code in response.content.decode()
    assert Petition.objects.count() == 2


def test_a_tampered_choice_is_refused_without_saving(client, tree, cadre_a, handler_a2):
    theirs = earlier(handler_a2, tree.commune_a2)
    client.force_login(cadre_a)

    response = client.post(
        "/petitions/new/",
        form_data(tree, citizen_id="", duplicate_choice=str(theirs.pk)),
    )

    assert response.status_code == 200
    assert Petition.objects.count() == 1


# --- Merging --------------------------------------------------------------------------------------
def test_merge_files_the_absorbed_one_and_keeps_both_timelines(tree, handler_a):
    keep = earlier(handler_a, tree.commune_a1)
    gone = PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, petitioners=person("Lê Thị Mai", phone="0987654321")
    )
    AttachmentFactory(petition=gone)
    services.petition_assign(actor=handler_a, petition=gone, assignee=handler_a, reason="Giao")

    services.petition_merge(actor=handler_a, petition=keep, absorbed=gone, reason="Cùng vụ việc")

    gone.refresh_from_db()
    keep.refresh_from_db()
    assert gone.status == Status.FILED
    assert gone.events.filter(action=EventAction.MERGED, data__merged_into=keep.pk).exists()
    assert keep.events.filter(action=EventAction.ABSORBED, data__absorbed=gone.pk).exists()
    assert selectors.merged_into(selectors.petition_detail(handler_a, gone.pk)) == keep
    timeline = list(selectors.petition_timeline(keep))
    assert {e.action for e in timeline if e.petition_id == gone.pk} >= {
        EventAction.CREATED,
        EventAction.ASSIGNED,
        EventAction.MERGED,
    }
    assert {e.origin_code for e in timeline if e.petition_id == gone.pk} == {gone.code}
    assert {e.origin_code for e in timeline if e.petition_id == keep.pk} == {None}
    # Her petitions are now the kept one's history: she is one of its petitioners.
    assert codes(handler_a, "0987654321") == {keep.code, gone.code}


def test_merge_is_idempotent_and_refuses_what_it_must(tree, handler_a, handler_a2, supervisor):
    keep = earlier(handler_a, tree.commune_a1)
    gone = earlier(handler_a, tree.commune_a1)
    other_unit = earlier(handler_a2, tree.commune_a2)
    denunciation = earlier(handler_a, tree.commune_a1, kind=PetitionKind.DENUNCIATION)
    resolved_later = earlier(handler_a, tree.commune_a1)
    services.petition_file(actor=handler_a, petition=resolved_later, reason="Lưu")

    services.petition_merge(actor=handler_a, petition=keep, absorbed=gone)
    version = Petition.objects.get(pk=keep.pk).version
    services.petition_merge(actor=handler_a, petition=keep, absorbed=gone)  # a retry
    assert Petition.objects.get(pk=keep.pk).version == version
    assert keep.events.filter(action=EventAction.ABSORBED).count() == 1

    with pytest.raises(ServiceError) as error:
        services.petition_merge(actor=supervisor, petition=keep, absorbed=other_unit)
    assert error.value.field == "absorbed"
    with pytest.raises(ServiceError):
        services.petition_merge(actor=handler_a, petition=keep, absorbed=denunciation)
    with pytest.raises(Conflict):
        services.petition_merge(actor=handler_a, petition=keep, absorbed=resolved_later)
    with pytest.raises(Conflict):  # gone is already merged
        services.petition_merge(actor=handler_a, petition=denunciation, absorbed=gone)
    with pytest.raises(Forbidden):  # handler_a2 handles neither
        services.petition_merge(actor=handler_a2, petition=keep, absorbed=resolved_later)
    with pytest.raises(ServiceError):
        services.petition_merge(actor=handler_a, petition=keep, absorbed=keep)


def test_a_cadre_may_not_merge(tree, cadre_a, handler_a):
    keep, gone = earlier(handler_a, tree.commune_a1), earlier(handler_a, tree.commune_a1)
    with pytest.raises(Forbidden):
        services.petition_merge(actor=cadre_a, petition=keep, absorbed=gone)


def test_merge_from_the_petition_page(client, tree, handler_a):
    keep = earlier(handler_a, tree.commune_a1)
    gone = PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, summary="Nội dung đơn gộp", content="Chi tiết"
    )
    client.force_login(handler_a)

    page = client.get(f"/petitions/{keep.pk}/").content.decode()
    assert 'id="step-merge"' in page
    response = client.post(
        f"/petitions/{keep.pk}/actions/merge/",
        {"merge-absorbed": gone.code.lower(), "merge-reason": "Cùng vụ việc", "merge-version": 1},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(f"/petitions/{keep.pk}/").content.decode()
    assert 'id="merged"' in page and "Nội dung đơn gộp" in page
    assert gone.code in page
    gone_page = client.get(f"/petitions/{gone.pk}/").content.decode()
    assert "merged-into" in gone_page and keep.code in gone_page


def test_merge_through_the_api_with_if_match(tree, handler_a, supervisor, api_as):
    keep = earlier(handler_a, tree.commune_a1)
    gone = earlier(handler_a, tree.commune_a1)
    api = api_as(handler_a)
    etag = api.get(f"/api/v1/petitions/{keep.pk}/")["ETag"]

    answer = api.post(
        f"/api/v1/petitions/{keep.pk}/merge/",
        {"absorbed": gone.pk, "reason": "Cùng vụ việc"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    stale = api.post(
        f"/api/v1/petitions/{keep.pk}/merge/",
        {"absorbed": earlier(handler_a, tree.commune_a1).pk},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    timeline = api.get(f"/api/v1/petitions/{keep.pk}/timeline/").json()["results"]

    assert answer.status_code == 200, answer.content
    assert stale.status_code == 412
    origins = {(e["action"], (e["origin"] or {}).get("code")) for e in timeline}
    assert ("merged", gone.code) in origins and ("absorbed", None) in origins
    assert "merge" in answer.json()["available_actions"]
    unknown = api.post(f"/api/v1/petitions/{keep.pk}/merge/", {"absorbed": 999999}, format="json")
    assert unknown.status_code == 400 and "absorbed" in unknown.json()["fields"]


# --- Suggestions on the petition page -------------------------------------------------------------
def test_the_page_suggests_an_earlier_petition_until_it_is_settled(client, tree, handler_a):
    first = earlier(handler_a, tree.commune_a1)
    second = earlier(handler_a, tree.commune_a1)
    now = earlier(handler_a, tree.commune_a1)
    client.force_login(handler_a)
    url = f"/petitions/{now.pk}/"

    suggested = section(client.get(url), "suggestions")
    assert first.code in suggested and second.code in suggested

    dismissed = client.post(
        f"{url}actions/dismiss_duplicate/",
        {"dismiss_duplicate-candidate": first.pk, "dismiss_duplicate-version": 1},
    )
    linked = client.post(f"{url}actions/link/", {"link-target": second.pk, "link-version": 2})

    assert dismissed.status_code == linked.status_code == 302
    assert services.dismissed_duplicates(now) == {first.pk}
    assert PetitionLink.objects.filter(
        petition=now, target=second, kind=LinkKind.DUPLICATE_OF
    ).exists()
    page = client.get(url).content.decode()
    assert 'id="suggestions"' not in page
    assert second.code in section(client.get(url), "history")


def test_after_go_on_at_intake_the_page_does_not_nag(client, tree, cadre_a, handler_a):
    first = earlier(handler_a, tree.commune_a1)
    client.force_login(cadre_a)
    client.post(
        "/petitions/new/",
        form_data(tree, duplicate_choice="none", duplicates_shown=str(first.pk)),
    )
    new = Petition.objects.exclude(pk=first.pk).get()
    client.force_login(handler_a)

    page = client.get(f"/petitions/{new.pk}/").content.decode()

    assert 'id="suggestions"' not in page
    assert first.code in section(client.get(f"/petitions/{new.pk}/"), "history")


def test_suggestions_are_for_those_who_settle_them(client, tree, cadre_a, handler_a):
    earlier(handler_a, tree.commune_a1)
    now = earlier(handler_a, tree.commune_a1)
    client.force_login(cadre_a)

    page = client.get(f"/petitions/{now.pk}/").content.decode()

    assert 'id="suggestions"' not in page and 'id="history"' in page


def test_a_stale_suggestion_answer_is_refused_where_the_person_looks(client, tree, handler_a):
    first = earlier(handler_a, tree.commune_a1)
    now = earlier(handler_a, tree.commune_a1)
    client.force_login(handler_a)

    response = client.post(
        f"/petitions/{now.pk}/actions/link/", {"link-target": 2_000_000, "link-version": 1}
    )

    assert response.status_code == 400
    assert "errorlist" in section(response, "suggestions")
    assert first.code in section(response, "suggestions")


def test_the_suggestion_endpoint_costs_the_same_for_one_match_or_many(
    client, tree, cadre_a, handler_a, count_queries
):
    earlier(handler_a, tree.commune_a1)
    client.force_login(cadre_a)
    values = {
        "citizen_id": CCCD,
        "full_name": "Nguyễn Văn Nam",
        "location_unit": tree.commune_a1.pk,
        "summary": "cấp giấy chứng nhận quyền sử dụng đất",
    }
    client.post("/petitions/new/duplicates/", values)  # warm the session and permission caches

    with count_queries() as one:
        assert len(client.post("/petitions/new/duplicates/", values).json()["candidates"]) == 1
    for _ in range(6):
        earlier(handler_a, tree.commune_a1)
    with count_queries() as many:
        assert len(client.post("/petitions/new/duplicates/", values).json()["candidates"]) == 7

    # session, user, memberships, the scope's units, the identity grants, the same CCCD (and
    # its petitioners), the location, the same name in the commune (and its petitioners), the
    # commune's recent petitions (and their petitioners)
    assert len(many) == len(one), many
    assert len(one) == 12, one
