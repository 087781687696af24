"""
Petitions under concurrent writers, on PostgreSQL (SQLite serialises writers, proving nothing):
one idempotency key -> one row; one ETag -> one winner and 412s; racing workflow steps ->
one consistent timeline.
"""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import pytest

from petitions.models import EventAction, Petition, PetitionEvent, PetitionKind, Status
from tests.concurrency.conftest import at_once, client_for
from tests.petitions.factories import PetitionFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _create_body(tree: Any) -> dict[str, Any]:
    return {
        "receiving_unit": tree.commune_a1.pk,
        "location_unit": tree.commune_a1.pk,
        "received_on": "2026-03-02",
        "channel": "post",
        "kind": "recommendation",
        "summary": "Kiến nghị sửa đường liên thôn",
        "petitioners": [{"full_name": "Phạm Văn Đức", "phone": "0912000111"}],
    }


def test_fifty_parallel_creates_with_one_idempotency_key_make_one_row(
    policies: Any, tree: Any, handler_a: Any
) -> None:
    key = str(uuid.uuid4())
    body = _create_body(tree)

    def create() -> Any:
        return client_for(handler_a).post(
            "/api/v1/petitions/", body, format="json", HTTP_IDEMPOTENCY_KEY=key
        )

    responses = at_once([create] * 50)

    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {200, 201}, [r.content[:300] for r in responses if r.status_code > 201]
    assert {r.json()["id"] for r in responses} == {Petition.objects.get().pk}
    assert Petition.objects.count() == 1
    assert PetitionEvent.objects.filter(action=EventAction.CREATED).count() == 1


def test_two_writers_with_one_etag_one_wins_the_other_gets_412(
    policies: Any, tree: Any, handler_a: Any, supervisor: Any
) -> None:
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    detail = client_for(handler_a).get(f"/api/v1/petitions/{petition.pk}/")
    etag = detail["ETag"]

    def patch(user: Any, summary: str) -> Any:
        return lambda: client_for(user).patch(
            f"/api/v1/petitions/{petition.pk}/",
            {"summary": summary},
            format="json",
            HTTP_IF_MATCH=etag,
        )

    first, second = at_once(
        [patch(handler_a, "Bản sửa của cán bộ xử lý"), patch(supervisor, "Bản sửa của lãnh đạo")]
    )

    assert sorted([first.status_code, second.status_code]) == [200, 412], (
        first.content[:300],
        second.content[:300],
    )
    winner = first if first.status_code == 200 else second
    petition.refresh_from_db()
    assert petition.summary == winner.json()["summary"]  # the accepted write is the one kept
    assert petition.version == detail.json()["version"] + 1
    # The loser retries with the fresh ETag and is not lost either.
    loser_summary = "Bản sửa thứ hai, sau khi tải lại"
    retry = client_for(supervisor).patch(
        f"/api/v1/petitions/{petition.pk}/",
        {"summary": loser_summary},
        format="json",
        HTTP_IF_MATCH=winner["ETag"],
    )
    assert retry.status_code == 200, retry.content
    petition.refresh_from_db()
    assert (petition.summary, petition.version) == (loser_summary, detail.json()["version"] + 2)


def test_racing_workflow_steps_keep_one_consistent_timeline(
    policies: Any, tree: Any, handler_a: Any, supervisor: Any
) -> None:
    petition = PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, kind=PetitionKind.RECOMMENDATION
    )
    url = f"/api/v1/petitions/{petition.pk}"

    def step(user: Any, action: str, body: dict[str, Any]) -> Any:
        return lambda: client_for(user).post(f"{url}/{action}/", body, format="json")

    calls = []
    for i in range(5):
        calls.append(step(handler_a, "accept", {"reason": f"Thụ lý {i}"}))
        calls.append(step(supervisor, "file", {"reason": f"Lưu đơn {i}"}))
        calls.append(step(supervisor, "guide", {"reason": "Hướng dẫn", "competent_body": "Tòa án"}))
    responses = at_once(calls)

    codes = [r.status_code for r in responses]
    assert codes.count(200) == 1, [(r.status_code, r.content[:200]) for r in responses]
    assert set(codes) <= {200, 409}, [r.content[:300] for r in responses if r.status_code >= 500]
    petition.refresh_from_db()
    events = list(
        PetitionEvent.objects.filter(petition=petition)
        .exclude(from_status="", to_status="")
        .order_by("at", "id")
    )
    # Each status change starts where the previous one ended, and ends at today's status.
    chain = [(e.from_status, e.to_status) for e in events if e.from_status != e.to_status]
    assert chain[0] == ("", Status.RECEIVED), chain  # recorded at intake
    assert len(chain) == 2, chain  # exactly one of the fifteen racing steps changed the status
    for (_a, to), (frm, _b) in itertools.pairwise(chain):
        assert frm == to, chain
    assert chain[-1][1] == petition.status != Status.RECEIVED
    assert petition.version == 2, petition.version  # one write after intake, none lost or doubled


def test_parallel_intake_numbers_every_petition_without_gaps_or_duplicates(
    policies: Any, tree: Any, handler_a: Any, supervisor: Any
) -> None:
    """
    Twenty intakes at once in a unit with no counter for the year yet (so the counter row
    itself is raced into existence), a few of them invalid: the valid ones get exactly
    DT-2026-000001..N, each once, and a refused intake leaves no hole in the sequence.
    """
    body = _create_body(tree)
    bad = {**body, "received_on": "2999-01-01"}  # in the future: refused, numbers nothing

    def create(user: Any, payload: dict[str, Any]) -> Any:
        return lambda: client_for(user).post(
            "/api/v1/petitions/", payload, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
        )

    calls = [create(handler_a if i % 2 else supervisor, body) for i in range(16)]
    calls += [create(handler_a, bad) for _ in range(4)]
    responses = at_once(calls)

    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * 16 + [400] * 4, [r.content[:300] for r in responses]
    codes_made = sorted(
        Petition.objects.filter(receiving_unit=tree.commune_a1).values_list("code", flat=True)
    )
    assert codes_made == [f"DT-2026-{n:06d}" for n in range(1, 17)]
    assert sorted(r.json()["code"] for r in responses if r.status_code == 201) == codes_made
    # The next intake continues the sequence.
    after = client_for(handler_a).post("/api/v1/petitions/", body, format="json")
    assert after.status_code == 201, after.content
    assert after.json()["code"] == "DT-2026-000017"
