"""
The petitions scope by unit ids (`scope_ids_q`) keeps exactly the rows the path-based scope
(`scope_q` on the handling and receiving units) kept, for every persona, large scopes too.
"""

from typing import Any

import pytest
from django.utils import timezone

from danvan.org import selectors as org_selectors
from danvan.org.selectors import scope_q
from petitions import selectors
from petitions.models import Petition
from tests.factories import UserFactory
from tests.petitions.factories import PetitionFactory


def _by_paths(user: Any) -> set[int]:
    """The scope as it was written before: joined unit paths."""
    rows = Petition.objects.filter(
        scope_q(user, "handling_unit") | scope_q(user, "receiving_unit"), deleted_at__isnull=True
    )
    return set(rows.values_list("pk", flat=True))


@pytest.fixture
def spread(tree: Any, handler_a: Any) -> dict[str, Any]:
    """Petitions whose receiving and handling units lie in different subtrees."""
    u = tree
    placed = {
        "a1": (u.commune_a1, u.commune_a1),
        "a1_to_province_a": (u.commune_a1, u.province_a),
        "village_a1": (u.village_a1, u.village_a1),
        "a2": (u.commune_a2, u.commune_a2),
        "b1_to_a2": (u.commune_b1, u.commune_a2),
        "b1": (u.commune_b1, u.commune_b1),
        "province_b": (u.province_b, u.province_b),
        "board_a": (u.board_a, u.board_a),
        "central": (u.central, u.central),
    }
    found: dict[str, Any] = {}
    for name, (receiving, handling) in placed.items():
        petition = PetitionFactory(actor=handler_a, unit=u.commune_a1)
        Petition.objects.filter(pk=petition.pk).update(
            receiving_unit=receiving, handling_unit=handling
        )
        found[name] = petition
    gone = PetitionFactory(actor=handler_a, unit=u.commune_a1)
    Petition.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    found["deleted"] = gone
    return found


PERSONAS = ["cadre_a", "cadre_b", "handler_a", "supervisor", "administrator"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_unit_ids_keep_the_same_petitions_as_unit_paths(
    persona: str, request: Any, spread: dict[str, Petition]
) -> None:
    user = request.getfixturevalue(persona)
    expected = _by_paths(user)
    assert set(selectors.petitions_visible_to(user).values_list("pk", flat=True)) == expected
    assert set(selectors.petition_list(user).values_list("pk", flat=True)) == expected
    assert spread["deleted"].pk not in expected


def test_who_sees_what(tree: Any, spread: dict[str, Petition], cadre_a: Any, cadre_b: Any) -> None:
    def names(user: Any) -> set[str]:
        visible = set(selectors.petitions_visible_to(user).values_list("pk", flat=True))
        return {name for name, p in spread.items() if p.pk in visible}

    assert names(cadre_a) == {"a1", "a1_to_province_a", "village_a1"}
    assert names(cadre_b) == {"a2", "b1_to_a2"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_scope_past_the_limit_keeps_the_same_petitions(
    persona: str, request: Any, spread: dict[str, Petition], monkeypatch: Any
) -> None:
    user = request.getfixturevalue(persona)
    monkeypatch.setattr(org_selectors, "SCOPE_IDS_LIMIT", 1)
    assert set(selectors.petitions_visible_to(user).values_list("pk", flat=True)) == _by_paths(user)


def test_superuser_and_memberless(tree: Any, spread: dict[str, Petition]) -> None:
    root = UserFactory(is_superuser=True)
    assert selectors.petitions_visible_to(root).count() == len(spread) - 1  # not the deleted
    assert not selectors.petitions_visible_to(UserFactory()).exists()


def test_sync_feed_uses_the_same_scope(
    tree: Any, spread: dict[str, Petition], supervisor: Any
) -> None:
    live = set(selectors.petitions_visible_to(supervisor).values_list("pk", flat=True))
    tombstones = set(selectors.petitions_deleted_for(supervisor).values_list("pk", flat=True))
    # Tombstones travel in the feed.
    assert live | tombstones == _by_paths(supervisor) | {spread["deleted"].pk}
