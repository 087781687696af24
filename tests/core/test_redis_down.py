"""
Redis away (cache and broker pointed at a port where nothing listens: a real refused
connection): the web and the API keep answering, revocation is read from the database,
throttles let requests through and say so once, and work for the worker waits in the job
outbox until the broker is back.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from danvan.core import cache as cache_module
from danvan.core import jobs
from danvan.core.cache import cache_breaker
from danvan.core.models import QueuedJob, RevokedToken
from danvan.org.authentication import COMPLETE_KEY
from petitions.models import Petition
from seeds.petitions import seed_petition_reference
from tests.conftest import wait_for
from tests.factories import UserFactory

NOWHERE = "redis://127.0.0.1:1/0"
PASSWORD = "correct horse battery staple"


def _reset_breakers() -> None:
    for breaker in (cache_breaker, jobs.broker_breaker):
        breaker._open_until = 0.0
        breaker._down_since = None
        breaker._last_warning = 0.0
    # The once-a-minute warnings too: another test's outage must not silence this one's.
    cache_module._warned.clear()


@pytest.fixture
def redis_away() -> Iterator[None]:
    caches = {"default": {"BACKEND": "danvan.core.cache.ResilientRedisCache", "LOCATION": NOWHERE}}
    with override_settings(
        CACHES=caches,
        CELERY_BROKER_URL=NOWHERE,
        CELERY_BROKER_TRANSPORT_OPTIONS={"visibility_timeout": 240},
        CREATE_THROTTLE_RATE="2/min",
    ):
        _reset_breakers()
        yield
    _reset_breakers()


def _intake(tree: Any, n: int = 0) -> dict[str, Any]:
    # A different citizen and matter each time: the same one again would be shown as a
    # possible duplicate before saving.
    matters = ["sửa đường liên thôn", "nạo vét kênh mương", "lắp đèn chiếu sáng"]
    names = ["Nguyễn Văn Nam", "Trần Thị Hoa", "Lê Văn Bình"]
    return {
        "client_id": str(uuid.uuid4()),
        "receiving_unit": tree.commune_a1.pk,
        "location_unit": tree.commune_a1.pk,
        "received_on": timezone.localdate().isoformat(),
        "channel": "reception",
        "kind": "recommendation",
        "summary": f"Kiến nghị {matters[n % 3]}",
        "full_name": names[n % 3],
        "head_count": 1,
    }


def _api_petition(tree: Any) -> dict[str, Any]:
    return {
        "receiving_unit": tree.commune_a1.pk,
        "location_unit": tree.village_a1.pk,
        "received_on": timezone.localdate().isoformat(),
        "channel": "mobile_app",
        "kind": "complaint",
        "summary": "Khiếu nại về đất đai",
        "content": "Chưa được giao đất ở",
        "petitioners": [{"full_name": "Nguyễn Văn Nam"}],
    }


def test_the_cache_answers_misses_and_warns_once(redis_away: None, caplog: Any) -> None:
    caplog.set_level(logging.WARNING, logger="danvan.cache")

    cache.set("a", 1)
    values = [cache.get("a"), cache.get("a", "default"), cache.add("b", 1), cache.get_many(["a"])]

    assert values == [None, "default", False, {}]
    with pytest.raises(ValueError):
        cache.incr("a")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "Redis cache unavailable" in warnings[0].getMessage()


def test_tokens_and_sessions_keep_working_and_throttles_fail_open(
    redis_away: None, tree: Any, cadre_a: Any, caplog: Any
) -> None:
    seed_petition_reference()
    caplog.set_level(logging.WARNING)
    api = APIClient()
    pair = api.post("/api/v1/auth/token/", {"username": "cadre_a", "password": "x"}, format="json")
    assert pair.status_code == 401  # a wrong password is still refused, not a 500
    cadre_a.set_password(PASSWORD)
    cadre_a.save()
    pair = api.post(
        "/api/v1/auth/token/", {"username": "cadre_a", "password": PASSWORD}, format="json"
    )
    assert pair.status_code == 200, pair.content
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.json()['access']}")

    # The limit is 2 writes a minute; without its counters it lets all through.
    created = [api.post("/api/v1/petitions/", _api_petition(tree), format="json") for _ in range(4)]
    reads = [api.get("/api/v1/me/"), api.get("/api/v1/petitions/")]
    web = Client()
    web.force_login(cadre_a)
    intake = [web.post("/petitions/new/", _intake(tree, n)).status_code for n in range(3)]
    page = web.get("/petitions/")

    assert [r.status_code for r in created] == [201] * 4, created[-1].content
    assert [r.status_code for r in reads] == [200, 200]
    assert intake == [302, 302, 302]
    assert page.status_code == 200
    assert Petition.objects.count() == 7
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert sum("rate limits are not enforced" in m for m in messages) == 1, messages
    assert sum("revocation is checked in the database" in m for m in messages) == 1, messages


def test_logout_while_redis_is_away_revokes_in_the_database(
    redis_away: None, tree: Any, cadre_a: Any
) -> None:
    cadre_a.set_password(PASSWORD)
    cadre_a.save()
    api = APIClient()
    pair = api.post(
        "/api/v1/auth/token/", {"username": "cadre_a", "password": PASSWORD}, format="json"
    ).json()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")

    assert api.post("/api/v1/auth/logout/", {"refresh": pair["refresh"]}).status_code == 204

    assert RevokedToken.objects.count() == 1
    assert api.get("/api/v1/me/").status_code == 401


def test_a_revocation_survives_the_loss_of_the_cache(api: APIClient, cadre_a: Any) -> None:
    cadre_a.set_password(PASSWORD)
    cadre_a.save()
    pair = api.post(
        "/api/v1/auth/token/", {"username": "cadre_a", "password": PASSWORD}, format="json"
    ).json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    other = UserFactory(username="other")
    other.set_password(PASSWORD)
    other.save()
    still = APIClient()
    still.credentials(
        HTTP_AUTHORIZATION="Bearer "
        + api.post(
            "/api/v1/auth/token/", {"username": "other", "password": PASSWORD}, format="json"
        ).json()["access"]
    )
    assert client.post("/api/v1/auth/logout/", {"refresh": pair["refresh"]}).status_code == 204

    cache.clear()  # Redis restarted empty, or evicted everything

    assert client.get("/api/v1/me/").status_code == 401
    assert still.get("/api/v1/me/").status_code == 200
    # The copy is complete again: the next checks need no database.
    assert cache.get(COMPLETE_KEY) is True


@pytest.mark.django_db
def test_a_job_asked_for_while_the_broker_is_away_waits_and_is_published_once(
    redis_away: None, django_capture_on_commit_callbacks: Any, caplog: Any, monkeypatch: Any
) -> None:
    caplog.set_level(logging.WARNING)
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enqueue("danvan.core.heartbeat")
    with django_capture_on_commit_callbacks(execute=True):
        second = jobs.enqueue("danvan.core.heartbeat")  # the breaker is open: no new attempt

    job.refresh_from_db()
    second.refresh_from_db()
    assert job.sent_at is None and job.attempts == 1 and "OperationalError" in job.last_error
    assert second.sent_at is None and second.attempts == 0
    assert sum("Celery broker unavailable" in r.getMessage() for r in caplog.records) == 1
    assert jobs.drain() == 0  # still away

    sent: list[tuple[str, list[Any]]] = []
    original = jobs._send

    def send_and_count(task: str, args: list[Any]) -> None:
        original(task, args)
        sent.append((task, args))

    monkeypatch.setattr(jobs, "_send", send_and_count)
    with override_settings(CELERY_BROKER_URL="memory://", CELERY_BROKER_TRANSPORT_OPTIONS={}):
        assert jobs.drain() == 2
        assert jobs.drain() == 0

    assert sent == [("danvan.core.heartbeat", []), ("danvan.core.heartbeat", [])]
    assert not QueuedJob.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.services
def test_a_logout_missed_by_a_paused_redis_is_not_forgotten_when_it_answers_again(
    api: APIClient, cadre_a: Any
) -> None:
    """
    Redis keeps its data but stops answering for a moment (CLIENT PAUSE: a stall, a failover):
    the logout's cache write times out while the cache's copy of the revocations stays marked
    complete. When Redis answers again the copy is dropped and reloaded from the database.
    """
    import redis as redis_lib

    from tests.notify.conftest import PrivateRedis

    server = PrivateRedis()
    server.start()
    try:
        caches = {
            "default": {
                "BACKEND": "danvan.core.cache.ResilientRedisCache",
                "LOCATION": server.url,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
        with override_settings(CACHES=caches, CACHE_RETRY_SECONDS=0):
            _reset_breakers()
            cadre_a.set_password(PASSWORD)
            cadre_a.save()
            pair = api.post(
                "/api/v1/auth/token/", {"username": "cadre_a", "password": PASSWORD}, format="json"
            ).json()
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
            assert client.get("/api/v1/me/").status_code == 200  # loads the copy, marks it
            assert cache.get(COMPLETE_KEY) is True
            admin = redis_lib.Redis.from_url(server.url)

            admin.execute_command("CLIENT", "PAUSE", 3000, "ALL")
            logout = client.post("/api/v1/auth/logout/", {"refresh": pair["refresh"]})

            assert logout.status_code == 204
            assert cache_breaker.degraded
            wait_for(lambda: admin.ping(), timeout=10)  # the pause is over, data intact
            assert admin.exists(":1:" + COMPLETE_KEY)
            assert client.get("/api/v1/me/").status_code == 401
            assert client.get("/api/v1/me/").status_code == 401  # from the reloaded copy
            assert not cache_breaker.degraded
    finally:
        _reset_breakers()
        server.stop()


@pytest.mark.django_db
def test_the_drain_removes_rows_sent_more_than_a_week_ago() -> None:
    now = timezone.now()
    old = QueuedJob.objects.create(task="x", sent_at=now - timedelta(days=8))
    recent = QueuedJob.objects.create(task="x", sent_at=now - timedelta(days=6))

    jobs.drain()

    assert set(QueuedJob.objects.values_list("pk", flat=True)) == {recent.pk}
    assert not QueuedJob.objects.filter(pk=old.pk).exists()
