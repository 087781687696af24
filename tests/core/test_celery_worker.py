"""A real Celery worker process picks up jobs from the configured broker."""

from django.core.cache import cache
from django.test import Client

from danvan.core.jobs import HEARTBEAT_KEY, heartbeat
from tests.conftest import wait_for


def test_worker_process_runs_heartbeat_and_healthz_shows_it(celery_worker_process):
    cache.delete(HEARTBEAT_KEY)

    heartbeat.delay()

    stamp = wait_for(lambda: cache.get(HEARTBEAT_KEY))
    body = Client().get("/healthz").json()
    assert body["worker"]["last_heartbeat"] == stamp
