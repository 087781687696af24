"""Writes through the API are limited per user (scope "create"); logins have their own limit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.api.schema import operations

TOKEN_PATHS = {"/api/v1/auth/token/", "/api/v1/auth/token/refresh/"}
# The push gateway (a machine, with its own permission) acknowledges batches unthrottled.
GATEWAY_PATHS = {"/api/v1/push-outbox/ack/"}
POSTS = [
    path
    for method, path in operations()
    if method == "POST" and path not in TOKEN_PATHS | GATEWAY_PATHS
]


def _url(path: str) -> str:
    import re

    return re.sub(r"\{[^}]+\}", "1", path)


def test_the_default_rate_is_a_real_limit(settings: Any) -> None:
    from danvan.settings import base

    assert base.CREATE_THROTTLE_RATE == "120/min"
    assert "danvan.core.throttling.CreateRateThrottle" in str(
        settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    )


# The citizen's look-up (public) is limited per client address, at its own rate.
@override_settings(CREATE_THROTTLE_RATE="2/min", CITIZEN_LOOKUP_RATE="2/min")
def test_every_post_of_the_api_is_limited_per_user(api_as: Any, administrator: Any) -> None:
    """Each POST operation of the schema: the third call within the minute is a 429."""
    assert len(POSTS) > 20
    # The administrator passes every permission check (which DRF makes before throttling).
    client = api_as(administrator)
    for path in POSTS:
        cache.clear()
        first = [client.post(_url(path), {}, format="json").status_code for _ in range(2)]
        third = client.post(_url(path), {}, format="json")

        assert 429 not in first, path
        assert third.status_code == 429, (path, third.status_code)
        body = third.json()
        assert body["code"] == "throttled" and body["fields"] == {}
        expected = (
            "Địa chỉ này đã tra cứu quá nhiều lần"
            if path == "/api/v1/public/petition-status/"
            else "Quá nhiều yêu cầu"
        )
        assert body["message"].startswith(expected), body["message"]
        assert int(third["Retry-After"]) > 0


@override_settings(CREATE_THROTTLE_RATE="2/min")
def test_reads_and_other_users_are_not_held_back(
    api_as: Any, cadre_a: Any, cadre_b: Any, tree: Any
) -> None:
    body = {"unit": tree.commune_a1.pk, "held_on": "2026-03-02", "leader_name": "Chủ tịch"}
    client = api_as(cadre_a)
    codes = [client.post("/api/v1/reception-sessions/", body).status_code for _ in range(3)]

    assert codes == [201, 201, 429]
    assert client.get("/api/v1/reception-sessions/").status_code == 200
    other = {**body, "unit": tree.commune_a2.pk}
    assert api_as(cadre_b).post("/api/v1/reception-sessions/", other).status_code == 201


@pytest.mark.parametrize("path", sorted(TOKEN_PATHS))
@override_settings(CREATE_THROTTLE_RATE="1/min")
def test_the_token_endpoints_use_the_login_scope_not_create(api: Any, path: str, db: Any) -> None:
    codes = {api.post(path, {}, format="json").status_code for _ in range(3)}

    assert 429 not in codes
