"""/api/v1/reports/: personas, bad parameters, query counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.reports.conftest import TODAY, make_petition

STATS = "/api/v1/reports/petitions/"
AS_OF = f"as_of={TODAY.isoformat()}"
EXPECTED_STATS_QUERIES = 4


def test_supervisor_gets_province_figures(
    world: Any, supervisor: Any, tree: Any, api_as: Any
) -> None:
    response = api_as(supervisor).get(
        f"{STATS}?unit={tree.province_a.pk}&period=year&year=2026&{AS_OF}"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["period"]["start"] == "2026-01-01"
    assert body["period"]["label"] == "năm 2026"
    assert body["totals"]["received"] == 7
    assert body["totals"]["on_time_rate"] == 50.0
    assert {row["unit"]["code"] for row in body["by_unit"]} >= {
        tree.commune_a1.code,
        tree.commune_a2.code,
    }


def test_default_unit_is_the_users_highest(
    world: Any, cadre_a: Any, tree: Any, api_as: Any
) -> None:
    body = api_as(cadre_a).get(f"{STATS}?year=2026&{AS_OF}").json()
    assert body["unit"]["code"] == tree.commune_a1.code
    assert body["totals"]["received"] == 4


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/reports/petitions/",
        "/api/v1/reports/tasks/",
        "/api/v1/reports/trend/",
        "/api/v1/reports/overdue/",
        "/api/v1/reports/exports/petitions.csv",
        "/api/v1/reports/exports/tasks.xlsx",
    ],
)
def test_personas_on_every_endpoint(
    path: str,
    world: Any,
    tree: Any,
    cadre_a: Any,
    cadre_b: Any,
    supervisor: Any,
    administrator: Any,
    api: Any,
    api_as: Any,
) -> None:
    a1 = f"{path}?unit={tree.commune_a1.pk}&year=2026&{AS_OF}"
    province = f"{path}?unit={tree.province_a.pk}&year=2026&{AS_OF}"
    assert api.get(a1).status_code == 401
    assert api_as(cadre_a).get(a1).status_code == 200
    assert api_as(cadre_a).get(province).status_code == 404  # above them: out of scope
    assert api_as(cadre_b).get(a1).status_code == 404  # a sibling commune
    assert api_as(supervisor).get(a1).status_code == 200
    assert api_as(supervisor).get(province).status_code == 200
    other = f"{path}?unit={tree.province_b.pk}&year=2026"
    assert api_as(supervisor).get(other).status_code == 404
    assert api_as(administrator).get(other).status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("period=week", "period"),
        ("period=month&month=13", "month"),
        ("period=quarter&quarter=x", "quarter"),
        ("period=half&half=3", "half"),
        ("year=abc", "year"),
        ("period=custom&from=2026-02-01", "to"),
        ("period=custom&from=01/02/2026&to=2026-01-01", "to"),
        ("period=custom&from=hôm qua&to=2026-01-01", "from"),
        ("unit=abc", "unit"),
        ("as_of=2026-13-01", "as_of"),
    ],
)
def test_bad_parameters_are_400_naming_the_field(
    query: str, field: str, world: Any, supervisor: Any, api_as: Any
) -> None:
    response = api_as(supervisor).get(f"{STATS}?{query}")
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body["fields"]
    assert body["message"]
    assert not body["message"].isascii()  # Vietnamese


def test_trend_months_is_checked(world: Any, supervisor: Any, api_as: Any) -> None:
    response = api_as(supervisor).get("/api/v1/reports/trend/?months=0")
    assert response.status_code == 400
    assert "months" in response.json()["fields"]
    body = api_as(supervisor).get(f"/api/v1/reports/trend/?months=3&{AS_OF}").json()
    assert [m["month"] for m in body["months"]] == ["2026-05", "2026-06", "2026-07"]


def test_overdue_endpoint_redacts_the_denouncer(world: Any, supervisor: Any, api_as: Any) -> None:
    from tests.reports.conftest import DENOUNCER

    response = api_as(supervisor).get(f"/api/v1/reports/overdue/?{AS_OF}")
    assert response.status_code == 200
    assert DENOUNCER not in response.content.decode()
    assert len(response.json()["petitions"]) == 2


def _count(client: Any, url: str, count_queries: Any) -> int:
    with count_queries() as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/reports/petitions/",
        "/api/v1/reports/tasks/",
        "/api/v1/reports/trend/",
        "/api/v1/reports/overdue/",
    ],
)
def test_statistics_query_count_does_not_grow_with_data(
    path: str,
    world: Any,
    task_world: Any,
    supervisor: Any,
    tree: Any,
    api_as: Any,
    count_queries: Any,
) -> None:
    client = api_as(supervisor)
    url = f"{path}?unit={tree.province_a.pk}&year=2026&{AS_OF}"
    before = _count(client, url, count_queries)
    for index in range(15):
        make_petition(supervisor, tree.commune_a2, date(2026, 1 + index % 6, 5))
    from tests.tasks.factories import make_task

    for index in range(10):
        make_task(
            issuing_unit=tree.province_a,
            lead_unit=tree.commune_a1,
            due_on=date(2026, 1 + index, 1),
        )
    assert _count(client, url, count_queries) == before
    assert before <= 12
    if path == STATS:
        # Authentication, the scope paths, the unit, and ONE statement for every figure and
        # the child units (it was six: totals, four breakdowns and the child units apart).
        assert before == EXPECTED_STATS_QUERIES, before
