"""
The tasks scope by unit ids keeps exactly the rows the path-based scope (`scope_q` on the
issuing unit, the lead unit and the assignments' units) kept, for every persona: people with
two posts, a village, large scopes (past SCOPE_IDS_LIMIT) and both ways of writing it (ids
gathered first for a small scope, the newest walked first for a wide one).
"""

from typing import Any

import pytest
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from danvan.org import selectors as org_selectors
from danvan.org.models import Role
from danvan.org.selectors import scope_paths, scope_q
from tasks import selectors
from tasks.models import Task, TaskAssignment
from tests.factories import UserFactory
from tests.tasks.factories import make_task


def _by_paths(user: Any, queryset: Any = None) -> set[int]:
    """The scope as it was written before: joined unit paths."""
    rows = Task.objects.filter(deleted_at__isnull=True) if queryset is None else queryset
    if scope_paths(user) is not None:
        coordinating = TaskAssignment.objects.filter(scope_q(user, "unit"), task_id=OuterRef("pk"))
        rows = rows.filter(
            Q(scope_q(user, "issuing_unit"))
            | Q(scope_q(user, "lead_unit"))
            | Q(Exists(coordinating))
        )
    return set(rows.values_list("pk", flat=True))


@pytest.fixture
def spread(tree: Any) -> dict[str, Task]:
    """Tasks whose issuing, lead and coordinating units lie in different subtrees."""
    u = tree
    placed = {
        "central_to_a": (u.central, u.province_a, []),
        "central_to_b": (u.central, u.province_b, []),
        "a_to_a1": (u.province_a, u.commune_a1, []),
        "a_to_a2_with_a1": (u.province_a, u.commune_a2, [u.commune_a1]),
        "a_to_a2_with_b1": (u.province_a, u.commune_a2, [u.commune_b1]),
        "b_to_b1": (u.province_b, u.commune_b1, []),
        "b_to_b1_with_village": (u.province_b, u.commune_b1, [u.village_a1]),
        "a1_to_village": (u.commune_a1, u.village_a1, []),
        "board_to_central": (u.board_a, u.central, []),
        "b1_to_b1": (u.commune_b1, u.commune_b1, [u.province_b, u.central]),
    }
    found = {
        name: make_task(issuing_unit=i, lead_unit=lead, coordinating=c, title=name)
        for name, (i, lead, c) in placed.items()
    }
    gone = make_task(issuing_unit=u.province_a, lead_unit=u.commune_a1, title="deleted")
    Task.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    found["deleted"] = gone
    return found


@pytest.fixture
def two_posts(tree: Any) -> Any:
    """Cadre of commune A1 and supervisor of province B: two posts in two provinces."""
    return UserFactory(
        username="two_posts",
        memberships=[(tree.commune_a1, Role.COMMUNE_CADRE), (tree.province_b, Role.SUPERVISOR)],
    )


@pytest.fixture
def nested_posts(tree: Any) -> Any:
    """Posts at province A and at its commune A2 (the commune's is inside the province's)."""
    return UserFactory(
        username="nested_posts",
        memberships=[(tree.province_a, Role.SUPERVISOR), (tree.commune_a2, Role.COMMUNE_CADRE)],
    )


@pytest.fixture
def villager(tree: Any) -> Any:
    return UserFactory(username="villager", memberships=[(tree.village_a1, Role.COMMUNE_CADRE)])


@pytest.fixture
def superuser(tree: Any) -> Any:
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def memberless(tree: Any) -> Any:
    return UserFactory(username="nobody")


PERSONAS = [
    "cadre_a",
    "cadre_b",
    "handler_a",
    "supervisor",
    "administrator",
    "two_posts",
    "nested_posts",
    "villager",
    "superuser",
    "memberless",
]


def _fresh(user: Any) -> Any:
    """The same person without the per-request caches of scope paths and unit ids."""
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("small_scope_units", [0, 40, 10_000])
@pytest.mark.parametrize("scope_ids_limit", [1, 2000])
@pytest.mark.parametrize("persona", PERSONAS)
def test_unit_ids_keep_the_same_tasks_as_unit_paths(
    persona: str,
    scope_ids_limit: int,
    small_scope_units: int,
    request: Any,
    spread: dict[str, Task],
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr(org_selectors, "SCOPE_IDS_LIMIT", scope_ids_limit)
    monkeypatch.setattr(selectors, "SMALL_SCOPE_UNITS", small_scope_units)
    user = request.getfixturevalue(persona)
    expected = _by_paths(_fresh(user))
    visible = selectors.tasks_visible_to(_fresh(user))
    assert set(visible.values_list("pk", flat=True)) == expected
    today = timezone.localdate()
    listed = selectors.task_list_for(_fresh(user), today=today).order_by("-id")
    assert [t.pk for t in listed] == sorted(expected, reverse=True)
    rows = selectors.task_rows_for(_fresh(user), today=today).order_by("-id")
    assert [t.pk for t in rows] == sorted(expected, reverse=True)
    # As a subquery of another statement (evidence files, exports), and counted.
    assert set(Task.objects.filter(pk__in=visible.values("pk")).values_list("pk", flat=True)) == (
        expected
    )
    assert visible.count() == len(expected)
    # The sync feed's tombstones use the same scope.
    deleted = set(selectors.tasks_deleted_for(_fresh(user)).values_list("pk", flat=True))
    assert deleted == _by_paths(_fresh(user), Task.objects.filter(deleted_at__isnull=False))
    assert spread["deleted"].pk not in expected


def test_who_sees_what(
    tree: Any, spread: dict[str, Task], cadre_a: Any, cadre_b: Any, two_posts: Any
) -> None:
    def names(user: Any) -> set[str]:
        visible = set(selectors.tasks_visible_to(_fresh(user)).values_list("pk", flat=True))
        return {name for name, t in spread.items() if t.pk in visible}

    assert names(cadre_a) == {"a_to_a1", "a_to_a2_with_a1", "b_to_b1_with_village", "a1_to_village"}
    assert names(cadre_b) == {"a_to_a2_with_a1", "a_to_a2_with_b1"}
    assert names(two_posts) == names(cadre_a) | {
        "central_to_b",
        "a_to_a2_with_b1",
        "b_to_b1",
        "b1_to_b1",
    }
    assert not selectors.tasks_visible_to(UserFactory()).exists()
