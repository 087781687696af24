"""
The duplicates of issue #15 through the API, per persona: search by CCCD or phone, the
suggestions before saving, and POST petitions/{id}/merge/ (two communes, the province
supervisor, a person with two posts, a denunciation seen without a grant).
"""

from __future__ import annotations

from typing import Any

import pytest

from danvan.org.models import Role
from petitions import services
from petitions.models import Petition, PetitionKind, Status
from petitions.services import PetitionerInput
from tests.factories import UserFactory
from tests.petitions.factories import PetitionFactory

CCCD = "068090001234"
PHONE = "0912345678"


def earlier(actor: Any, unit: Any, **fields: Any) -> Petition:
    fields.setdefault(
        "petitioners", [PetitionerInput(full_name="Nguyễn Văn Nam", citizen_id=CCCD, phone=PHONE)]
    )
    return PetitionFactory(actor=actor, unit=unit, **fields)  # type: ignore[return-value]


@pytest.fixture
def handler_elsewhere(tree: Any) -> Any:
    """Handles petitions in commune A2, and is only a commune cadre in A1: two posts."""
    return UserFactory(
        username="handler_elsewhere",
        memberships=[
            (tree.commune_a2, Role.PETITION_HANDLER),
            (tree.commune_a1, Role.COMMUNE_CADRE),
        ],
    )


def searched(api: Any, term: str) -> set[str]:
    response = api.get("/api/v1/petitions/", {"search": term})
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


def test_search_by_number_per_persona(
    tree, api_as, handler_a, handler_a2, cadre_a, cadre_b, supervisor, identity_officer
):
    a1 = earlier(handler_a, tree.commune_a1)
    a2 = earlier(handler_a2, tree.commune_a2)
    earlier(handler_a, tree.commune_a1, kind=PetitionKind.DENUNCIATION)

    assert searched(api_as(cadre_a), CCCD) == {a1.code}
    assert searched(api_as(cadre_b), PHONE) == {a2.code}
    assert searched(api_as(supervisor), CCCD) == {a1.code, a2.code}
    assert searched(api_as(identity_officer), CCCD) == {a1.code}  # no denunciation, even so
    assert searched(api_as(handler_a), "068090009999") == set()


def candidates(api: Any, tree: Any) -> list[tuple[str, str]]:
    response = api.post(
        "/api/v1/petitions/duplicate-candidates/",
        {"citizen_ids": [CCCD], "location_unit": tree.commune_a1.pk, "text": ""},
        format="json",
    )
    assert response.status_code == 200, response.content
    return [(row["petition"]["code"], row["reason"]) for row in response.json()]


def test_suggestions_before_saving_per_persona(
    tree, api_as, handler_a, cadre_a, cadre_b, handler_elsewhere, identity_officer
):
    complaint = earlier(handler_a, tree.commune_a1)
    denunciation = earlier(handler_a, tree.commune_a1, kind=PetitionKind.DENUNCIATION)

    assert candidates(api_as(cadre_a), tree) == [(complaint.code, "same_petitioner")]
    assert candidates(api_as(handler_elsewhere), tree) == [(complaint.code, "same_petitioner")]
    assert candidates(api_as(cadre_b), tree) == []
    assert {code for code, _ in candidates(api_as(identity_officer), tree)} == {
        complaint.code,
        denunciation.code,
    }


def merge(api: Any, keep: Petition, absorbed: Petition) -> Any:
    etag = api.get(f"/api/v1/petitions/{keep.pk}/")
    headers = {"HTTP_IF_MATCH": etag["ETag"]} if etag.status_code == 200 else {}
    return api.post(
        f"/api/v1/petitions/{keep.pk}/merge/",
        {"absorbed": absorbed.pk, "reason": "Cùng vụ việc"},
        format="json",
        **headers,
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("cadre_a", 403),  # records petitions, does not handle them
        ("cadre_b", 404),  # the sibling commune: the petition does not exist for them
        ("handler_elsewhere", 403),  # handles in A2; in A1 only a cadre
        ("handler_a2", 404),
        ("handler_a", 200),
        ("supervisor", 200),  # province A, above A1
    ],
)
def test_merge_per_persona(request, tree, api_as, handler_a, persona, status):
    keep, gone = earlier(handler_a, tree.commune_a1), earlier(handler_a, tree.commune_a1)
    user = request.getfixturevalue(persona)

    response = merge(api_as(user), keep, gone)

    assert response.status_code == status, response.content
    gone.refresh_from_db()
    assert (gone.status == Status.FILED) is (status == 200)


def test_merge_across_communes_and_of_a_denunciation_is_refused(
    tree, api_as, handler_a, handler_a2, supervisor
):
    keep = earlier(handler_a, tree.commune_a1)
    theirs = earlier(handler_a2, tree.commune_a2)
    denunciation = earlier(handler_a, tree.commune_a1, kind=PetitionKind.DENUNCIATION)

    across = merge(api_as(supervisor), keep, theirs)
    protected = merge(api_as(handler_a), keep, denunciation)
    unseen = merge(api_as(handler_a), keep, theirs)

    assert across.status_code == 400 and "absorbed" in across.json()["fields"]
    assert protected.status_code == 400 and "absorbed" in protected.json()["fields"]
    assert unseen.status_code == 400 and "absorbed" in unseen.json()["fields"]
    assert Petition.objects.filter(status=Status.FILED).count() == 0


def test_merge_again_is_a_no_op_and_the_reverse_a_conflict(tree, api_as, handler_a):
    keep, gone = earlier(handler_a, tree.commune_a1), earlier(handler_a, tree.commune_a1)
    api = api_as(handler_a)

    first = merge(api, keep, gone)
    again = merge(api, keep, gone)
    reverse = merge(api, gone, keep)

    assert first.status_code == again.status_code == 200
    assert first.json()["version"] == again.json()["version"]
    assert reverse.status_code == 409 and reverse.json()["code"] == "invalid_transition"


def create_body(tree: Any, **overrides: Any) -> dict[str, Any]:
    values = {
        "receiving_unit": tree.commune_a1.pk,
        "location_unit": tree.commune_a1.pk,
        "received_on": "2026-03-02",
        "channel": "reception",
        "kind": "complaint",
        "summary": "Lại khiếu nại về đất đai",
        "petitioners": [{"full_name": "Nguyễn Văn Nam", "citizen_id": CCCD}],
    }
    values.update(overrides)
    return values


def test_a_cadre_records_the_answer_to_the_suggestions_with_the_petition(
    tree, api_as, cadre_a, handler_a, handler_a2
):
    first, second = earlier(handler_a, tree.commune_a1), earlier(handler_a, tree.commune_a1)
    theirs = earlier(handler_a2, tree.commune_a2)
    api = api_as(cadre_a)

    created = api.post(
        "/api/v1/petitions/",
        create_body(tree, duplicate_of=first.pk, dismissed_duplicates=[second.pk]),
        format="json",
    )
    refused = api.post(
        "/api/v1/petitions/", create_body(tree, duplicate_of=theirs.pk), format="json"
    )

    assert created.status_code == 201, created.content
    new = Petition.objects.get(pk=created.json()["id"])
    assert [(link.kind, link.target_id) for link in new.links.all()] == [("duplicate_of", first.pk)]
    assert services.dismissed_duplicates(new) == {second.pk}
    assert refused.status_code == 400 and "duplicate_of" in refused.json()["fields"]
    assert Petition.objects.count() == 4
