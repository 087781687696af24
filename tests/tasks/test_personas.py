"""
Every task endpoint as every persona, on a task province A (Lâm Đồng) gave commune A1 (Di Linh):
anonymous 401; the sibling commune's cadre 404 (no hint it exists); the commune's own cadre may
read and report but not manage; the province's supervisor and the central administrator manage.
"""

from __future__ import annotations

from typing import Any

import pytest

from tasks.models import Task

PERSONAS = ("anonymous", "cadre_a", "cadre_b", "supervisor", "administrator")
REPORT = {"text": "Đã triển khai", "percent": 50}
REASON = {"reason": "Chưa đủ minh chứng"}

# (method, path suffix, body) -> expected status per persona, in PERSONAS order.
MATRIX = [
    ("get", "", None, (401, 200, 404, 200, 200)),
    ("get", "timeline/", None, (401, 200, 404, 200, 200)),
    ("get", "progress/", None, (401, 200, 404, 200, 200)),
    ("post", "progress/", REPORT, (401, 201, 404, 201, 201)),
    ("patch", "", {"title": "Tên mới"}, (401, 403, 404, 200, 200)),
    ("post", "approve/", None, (401, 403, 404, 409, 409)),
    ("post", "return/", REASON, (401, 403, 404, 409, 409)),
    ("post", "cancel/", REASON, (401, 403, 404, 200, 200)),
    ("post", "cascade/", {"level": "village"}, (401, 403, 404, 201, 201)),
    ("post", "next-occurrence/", None, (401, 403, 404, 400, 400)),
    ("delete", "", None, (401, 403, 404, 204, 204)),
]


@pytest.mark.parametrize(
    ("method", "suffix", "body", "persona", "expected"),
    [
        pytest.param(m, s, b, p, codes[i], id=f"{m.upper()} {s or 'detail'} as {p}")
        for m, s, b, codes in MATRIX
        for i, p in enumerate(PERSONAS)
    ],
)
def test_task_endpoint_as_persona(
    request: pytest.FixtureRequest,
    api: Any,
    api_as: Any,
    task_a1: Task,
    method: str,
    suffix: str,
    body: Any,
    persona: str,
    expected: int,
) -> None:
    client = api if persona == "anonymous" else api_as(request.getfixturevalue(persona))
    url = f"/api/v1/tasks/{task_a1.pk}/{suffix}"
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert set(response.json()) == {"code", "message", "fields"}


@pytest.mark.parametrize(
    "url",
    ["/api/v1/tasks/", "/api/v1/directives/", "/api/v1/meetings/", "/api/v1/tasks/sync/"],
)
@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_as_persona(
    request: pytest.FixtureRequest, api: Any, api_as: Any, tree: Any, url: str, persona: str
) -> None:
    client = api if persona == "anonymous" else api_as(request.getfixturevalue(persona))
    response = client.get(url, {"updated_since": "2020-01-01T00:00:00+07:00"})
    assert response.status_code == (401 if persona == "anonymous" else 200)
