"""/healthz: database, broker and cache status for a load balancer or a person on call."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import override_settings

from danvan.core.jobs import HEARTBEAT_KEY, heartbeat


@pytest.mark.django_db
def test_healthy_in_embedded_mode(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "broker": True,
        "cache": True,
    }
    assert body["worker"] == {"last_heartbeat": None}


@pytest.mark.django_db
def test_shows_the_last_worker_heartbeat(client):
    stamp = heartbeat()

    body = client.get("/healthz").json()

    assert body["worker"]["last_heartbeat"] == stamp == cache.get(HEARTBEAT_KEY)


@pytest.mark.django_db
def test_unreachable_broker_answers_503_quickly(client):
    with override_settings(
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",
        CELERY_BROKER_TRANSPORT_OPTIONS={"visibility_timeout": 3600},
    ):
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["error"]
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is True
    assert elapsed < 2, f"/healthz took {elapsed:.1f}s with the broker down"


@pytest.mark.django_db
def test_broken_cache_answers_503(client):
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=caches):  # Django resets its cache handlers on this
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
