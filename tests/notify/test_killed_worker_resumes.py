"""
A worker killed (SIGKILL to its whole process group) in the middle of a delivery batch: the
job it held is handed to the next worker by the broker's visibility timeout — no sweep, no
operator — and every reminder goes out exactly once within 5 minutes of the new worker's
start. Production waits at most BROKER_VISIBILITY_TIMEOUT (240 s) plus a 20 s restore scan;
this test shortens the timeout through the environment (20 s) so it runs in about a minute.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from danvan.core import jobs
from danvan.notify import services
from danvan.notify.models import Delivery, Reminder
from danvan.org.models import Role
from tests.conftest import wait_for
from tests.factories import UserFactory
from tests.notify.conftest import THU, WED, kill_9, make_petition
from tests.notify.test_worker import all_delivered, assert_exactly_once

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("stages")]


def test_a_worker_killed_mid_batch_has_its_job_resumed_by_the_next_worker(
    private_redis: Any, worker_factory: Any, tree: Any, people: dict[str, Any]
) -> None:
    mail_log = Path(tempfile.mkdtemp(prefix="danvan-mail-")) / "sent.jsonl"
    worker_env = {
        "CELERY_BROKER_URL": private_redis.url,
        "REDIS_URL": private_redis.url,
        "BROKER_VISIBILITY_TIMEOUT": "20",
        "CELERY_TASK_TIME_LIMIT": "15",
        "DANVAN_TEST_EMAIL_BACKEND": "tests.notify.backends.SlowFileBackend",
        "DANVAN_TEST_MAIL_LOG": str(mail_log),
    }
    for n in range(8):
        UserFactory(username=f"more{n}", memberships=[(tree.commune_a1, Role.PETITION_HANDLER)])
    for _ in range(12):
        make_petition(tree.commune_a1, THU)  # 12 items x 10 handlers = 120 reminders
    first = worker_factory("doomed", worker_env)
    with override_settings(
        CELERY_BROKER_URL=private_redis.url,
        CELERY_BROKER_TRANSPORT_OPTIONS={"visibility_timeout": 20},
    ):
        jobs.broker_breaker._open_until = 0.0
        result = services.sweep(today=WED)
    assert result.reminders == 120 and result.enqueued == 120  # one job of 120 ids
    emailed = Delivery.objects.filter(channel="email", sent_at__isnull=False)
    wait_for(lambda: emailed.count() >= 20, interval=0.05)

    kill_9(first)  # the main process and its pool, in the middle of the batch

    sent_when_killed = emailed.count()
    assert sent_when_killed < 120, "the batch was over before the kill: nothing was tested"
    worker_factory("next", worker_env)
    # No sweep and no requeue: the broker hands the unacknowledged job to the new worker.
    wait_for(all_delivered, timeout=300, interval=0.5)  # the promise: within 5 minutes
    assert Reminder.objects.count() == 120
    assert_exactly_once()
    written = [json.loads(line) for line in mail_log.read_text().splitlines()]
    # Every e-mail reached the mail server. (One whose sending finished in the instant before
    # the kill, before its row was committed, could go twice: at-least-once at that edge.)
    assert len({json.dumps(m) for m in written}) == emailed.count() == 120
