"""
Redis down, for real: a redis-server of the test's own is the cache and the broker of this
process and of a real Celery worker. It is killed and started again (empty) in the middle of
a loop of requests — bearer-token reads and petition creations, signed-in page loads and
intake-form posts — while the reminder sweep runs. Nothing answers 5xx, a logout during the
outage holds after it, and every due reminder goes out exactly once once Redis is back.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from danvan.core import jobs
from danvan.core.cache import cache_breaker
from danvan.core.models import QueuedJob, RevokedToken
from danvan.notify import services
from danvan.notify.models import Reminder
from danvan.org.models import Role
from petitions.models import Petition
from seeds.petitions import seed_petition_reference
from tests.conftest import wait_for
from tests.factories import UserFactory
from tests.notify.conftest import THU, WED, make_petition
from tests.notify.test_worker import all_delivered, assert_exactly_once

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("stages")]

PASSWORD = "correct horse battery staple"


def _reset_breakers() -> None:
    for breaker in (cache_breaker, jobs.broker_breaker):
        breaker._open_until = 0.0
        breaker._down_since = None
        breaker._last_warning = 0.0


@pytest.fixture
def redis_of_our_own(private_redis: Any) -> Iterator[Any]:
    """This process's cache and broker on the private redis-server."""
    caches = {
        "default": {
            "BACKEND": "danvan.core.cache.ResilientRedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
    with override_settings(
        CACHES=caches,
        CELERY_BROKER_URL=private_redis.url,
        CELERY_BROKER_TRANSPORT_OPTIONS={"visibility_timeout": 240},
    ):
        _reset_breakers()
        yield private_redis
    _reset_breakers()


class Traffic:
    """One round of what people do, counting every answer."""

    def __init__(self, tree: Any, user: Any, access: str) -> None:
        self.tree = tree
        self.api = APIClient()
        self.api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
        self.web = Client()
        self.web.force_login(user)
        self.statuses: list[tuple[str, int]] = []
        self.created = 0

    def _record(self, what: str, status: int) -> None:
        self.statuses.append((what, status))

    def round(self) -> None:
        self._record("GET /api/v1/me/", self.api.get("/api/v1/me/").status_code)
        self._record("GET /api/v1/petitions/", self.api.get("/api/v1/petitions/").status_code)
        created = self.api.post(
            "/api/v1/petitions/",
            {
                "client_id": str(uuid.uuid4()),
                "receiving_unit": self.tree.commune_a1.pk,
                "location_unit": self.tree.village_a1.pk,
                "received_on": timezone.localdate().isoformat(),
                "channel": "mobile_app",
                "kind": "complaint",
                "summary": "Khiếu nại về đất đai",
                "content": "Chưa được giao đất ở",
                "petitioners": [{"full_name": "Nguyễn Văn Nam"}],
            },
            format="json",
        )
        self._record("POST /api/v1/petitions/", created.status_code)
        self.created += created.status_code == 201
        self._record("GET /petitions/", self.web.get("/petitions/").status_code)
        # Another citizen and matter each round: the same one again would be shown to the
        # cadre as a possible duplicate before it is saved.
        token = uuid.uuid4().hex
        intake = self.web.post(
            "/petitions/new/",
            {
                "client_id": str(uuid.uuid4()),
                "receiving_unit": self.tree.commune_a1.pk,
                "location_unit": self.tree.commune_a1.pk,
                "received_on": timezone.localdate().isoformat(),
                "channel": "reception",
                "kind": "recommendation",
                "summary": f"Kiến nghị {token[:8]} {token[8:16]} {token[16:24]}",
                "full_name": f"Công dân {token[24:]}",
                "head_count": 1,
            },
        )
        self._record("POST /petitions/new/", intake.status_code)
        self.created += intake.status_code == 302


def _token_pair(username: str) -> dict[str, str]:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return dict(response.json())


def test_redis_killed_and_restarted_under_traffic_degrades_and_loses_nothing(
    redis_of_our_own: Any, worker_factory: Any, tree: Any, people: dict[str, Any], cadre_a: Any
) -> None:
    redis = redis_of_our_own
    seed_petition_reference()
    for n in range(8):
        UserFactory(username=f"more{n}", memberships=[(tree.commune_a1, Role.PETITION_HANDLER)])
    for n in range(20):  # 20 items x 10 handlers = 200 reminders due
        due = make_petition(tree.commune_a1, THU)
        # Codes of their own, clear of the ones intake numbers for the petitions created below.
        Petition.objects.filter(pk=due.pk).update(code=f"OUTAGE-{n:03d}")
    before = Petition.objects.count()
    for user in (cadre_a, people["handler"]):
        user.set_password(PASSWORD)
        user.save()
    worker_factory("outage", {"CELERY_BROKER_URL": redis.url, "REDIS_URL": redis.url})
    traffic = Traffic(tree, cadre_a, _token_pair("cadre_a")["access"])
    leaving = _token_pair(people["handler"].username)
    leaver = APIClient()
    leaver.credentials(HTTP_AUTHORIZATION=f"Bearer {leaving['access']}")

    for _ in range(2):
        traffic.round()
    redis.crash()
    for _ in range(3):
        traffic.round()
    # Beat's sweep runs during the outage: the reminders are recorded, their delivery jobs
    # are kept in the job outbox instead of being lost with the broker.
    result = services.sweep(today=WED)
    assert result.reminders == 200
    unsent = QueuedJob.objects.filter(sent_at__isnull=True)
    assert unsent.count() == 1  # 200 ids: one delivery job
    # A logout during the outage is kept in the database.
    logout = leaver.post("/api/v1/auth/logout/", {"refresh": leaving["refresh"]})
    assert logout.status_code == 204
    assert RevokedToken.objects.count() == 1
    assert leaver.get("/api/v1/me/").status_code == 401
    for _ in range(3):
        traffic.round()

    redis.start()  # empty, as after a restart without persistence
    for _ in range(3):
        traffic.round()
    assert leaver.get("/api/v1/me/").status_code == 401  # the revocation outlived the cache
    # What beat's "Publish queued jobs" does every minute (and each worker at start).
    assert jobs.drain() == 1
    assert jobs.drain() == 0  # published once
    wait_for(all_delivered, timeout=300)
    traffic.round()

    errors = [(what, status) for what, status in traffic.statuses if status >= 500]
    assert errors == []
    assert {status for _what, status in traffic.statuses} <= {200, 201, 302}
    assert traffic.created == 2 * 12  # every acknowledged create ...
    assert Petition.objects.count() == before + traffic.created  # ... is there, once
    assert Reminder.objects.count() == 200
    assert_exactly_once()
    assert not QueuedJob.objects.filter(sent_at__isnull=True).exists()
