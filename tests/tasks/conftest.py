from __future__ import annotations

import datetime
from typing import Any

import pytest

from tasks.models import Task
from tests.tasks.factories import make_task

TODAY = datetime.date(2018, 7, 15)


@pytest.fixture
def task_a1(tree: Any) -> Task:
    """A task given by province A (Lâm Đồng) to commune A1 (Di Linh)."""
    return make_task(
        issuing_unit=tree.province_a,
        lead_unit=tree.commune_a1,
        title="Sơ kết 5 năm thực hiện Quyết định 217-QĐ/TW",
        due_on=datetime.date(2018, 12, 31),
    )
