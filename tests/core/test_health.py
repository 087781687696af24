"""
/healthz: database, broker and cache status for a load balancer or a person on call. The
database is required (503 without it); Redis as broker or cache only degrades (200).
"""

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


def test_live_answers_200_without_touching_any_service(client):
    # No django_db mark: a database query here would fail the test.
    response = client.get("/healthz/live")

    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


@pytest.mark.django_db
def test_ready_is_the_same_probe_as_healthz(client):
    response = client.get("/healthz/ready")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_unreachable_database_answers_503(client, monkeypatch):
    from django.db import OperationalError

    from danvan.core import health

    def database_down() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", database_down)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}


@pytest.mark.django_db
def test_unreachable_broker_answers_200_degraded_quickly(client):
    with override_settings(
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",
        CELERY_BROKER_TRANSPORT_OPTIONS={"visibility_timeout": 3600},
    ):
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started

    # The site still works (jobs wait in the outbox): not a reason to take the node out.
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["error"]
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is True
    assert elapsed < 2, f"/healthz took {elapsed:.1f}s with the broker down"


@pytest.mark.django_db
def test_broken_cache_answers_200_degraded(client):
    caches = {
        "default": {
            "BACKEND": "danvan.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=caches):  # Django resets its cache handlers on this
        response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
