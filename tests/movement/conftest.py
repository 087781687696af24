from __future__ import annotations

from typing import Any

import pytest

from seeds.movement import seed_indicators


@pytest.fixture(autouse=True)
def _indicators(request: Any) -> None:
    """The indicators (migration 0002) even where a live-server test flushed the database."""
    if "transactional_db" in request.fixturenames:
        return
    request.getfixturevalue("db")
    seed_indicators()
