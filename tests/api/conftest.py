"""Fixtures for the API proofs: the OpenAPI operations and a seeded world."""

from __future__ import annotations

from typing import Any

import pytest

from danvan.org.models import Role
from tests.api.world import World, build_world
from tests.factories import UserFactory

PERSONAS = (
    "anonymous",
    "cadre_a",
    "cadre_b",
    "handler_a",
    "supervisor",
    "administrator",
    # Two posts at once (kiêm nhiệm): a role held in one unit grants nothing in another.
    "handler_elsewhere",  # petition handler of commune A2 + only a cadre of commune A1
    "supervisor_elsewhere",  # supervisor of province B + only a cadre of commune A1 (province A)
    "administrator_a",  # administrator of province A and nothing elsewhere
)


@pytest.fixture
def outsider(tree: Any) -> Any:
    """Petition handler of commune B1 (Xã Phong Thổ, the other province)."""
    return UserFactory(username="outsider", memberships=[(tree.commune_b1, Role.PETITION_HANDLER)])


@pytest.fixture
def handler_elsewhere(tree: Any) -> Any:
    """Handler at Xã Hàm Thuận Bắc (A2) who is only a commune cadre at Xã Di Linh (A1)."""
    return UserFactory(
        username="handler_elsewhere",
        memberships=[
            (tree.commune_a2, Role.PETITION_HANDLER),
            (tree.commune_a1, Role.COMMUNE_CADRE),
        ],
    )


@pytest.fixture
def supervisor_elsewhere(tree: Any) -> Any:
    """Supervisor of province B (Lai Châu) who is only a commune cadre at Xã Di Linh (A1)."""
    return UserFactory(
        username="supervisor_elsewhere",
        memberships=[(tree.province_b, Role.SUPERVISOR), (tree.commune_a1, Role.COMMUNE_CADRE)],
    )


@pytest.fixture
def administrator_a(tree: Any) -> Any:
    """Administrator of province A (Lâm Đồng), with no membership anywhere else."""
    return UserFactory(
        username="administrator_a", memberships=[(tree.province_a, Role.ADMINISTRATOR)]
    )


@pytest.fixture
def world(
    tree: Any,
    cadre_a: Any,
    cadre_b: Any,
    handler_a: Any,
    supervisor: Any,
    administrator: Any,
    outsider: Any,
    handler_elsewhere: Any,
    supervisor_elsewhere: Any,
    administrator_a: Any,
) -> World:
    users = {
        "anonymous": None,
        "cadre_a": cadre_a,
        "cadre_b": cadre_b,
        "handler_a": handler_a,
        "supervisor": supervisor,
        "administrator": administrator,
        "handler_elsewhere": handler_elsewhere,
        "supervisor_elsewhere": supervisor_elsewhere,
        "administrator_a": administrator_a,
    }
    return build_world(tree, users, outsider)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Strict xfail for schemathesis cases of operations with a known failure."""
    for item in items:
        known = getattr(getattr(item, "module", None), "KNOWN_FAILURES", {})
        for operation, reason in known.items():
            if item.name.startswith("test_api") and item.name.endswith(f"[{operation}]"):
                item.add_marker(pytest.mark.xfail(strict=True, reason=reason))
