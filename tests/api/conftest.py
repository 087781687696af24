"""Fixtures for the API proofs: the OpenAPI operations and a seeded world."""

from __future__ import annotations

from typing import Any

import pytest

from danvan.org.models import Role
from tests.api.world import World, build_world
from tests.factories import UserFactory

PERSONAS = ("anonymous", "cadre_a", "cadre_b", "handler_a", "supervisor", "administrator")


@pytest.fixture
def outsider(tree: Any) -> Any:
    """Petition handler of commune B1 (Xã Phong Thổ, the other province)."""
    return UserFactory(username="outsider", memberships=[(tree.commune_b1, Role.PETITION_HANDLER)])


@pytest.fixture
def world(
    tree: Any,
    cadre_a: Any,
    cadre_b: Any,
    handler_a: Any,
    supervisor: Any,
    administrator: Any,
    outsider: Any,
) -> World:
    users = {
        "anonymous": None,
        "cadre_a": cadre_a,
        "cadre_b": cadre_b,
        "handler_a": handler_a,
        "supervisor": supervisor,
        "administrator": administrator,
    }
    return build_world(tree, users, outsider)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Strict xfail for schemathesis cases of operations with a known failure."""
    for item in items:
        known = getattr(getattr(item, "module", None), "KNOWN_FAILURES", {})
        for operation, reason in known.items():
            if item.name.startswith("test_api") and item.name.endswith(f"[{operation}]"):
                item.add_marker(pytest.mark.xfail(strict=True, reason=reason))
