"""Fixtures for the petitions tests: the seeded legal clocks and a few handy people."""

from __future__ import annotations

from typing import Any

import pytest

from danvan.org.models import Role
from seeds.petitions import seed_petition_reference
from tests.factories import UserFactory
from tests.petitions.factories import IdentityGrantFactory


@pytest.fixture(autouse=True)
def policies(db: Any) -> None:
    """DOMAIN.md's deadline table and fields, as `manage.py seed` loads them."""
    seed_petition_reference()


@pytest.fixture
def handler_a2(tree: Any) -> Any:
    """Petition handler of commune A2 (sibling of A1)."""
    return UserFactory(
        username="handler_a2", memberships=[(tree.commune_a2, Role.PETITION_HANDLER)]
    )


@pytest.fixture
def identity_officer(tree: Any) -> Any:
    """Handler of commune A1 holding an identity grant for commune A1 (and below)."""
    user = UserFactory(
        username="identity_officer", memberships=[(tree.commune_a1, Role.PETITION_HANDLER)]
    )
    IdentityGrantFactory(user=user, unit=tree.commune_a1)
    return user


@pytest.fixture
def leader_a1(tree: Any) -> Any:
    """Supervisor at commune A1: may extend deadlines there."""
    return UserFactory(username="leader_a1", memberships=[(tree.commune_a1, Role.SUPERVISOR)])
