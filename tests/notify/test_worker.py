"""
The reminders end to end with REAL Celery worker processes: the file-system broker in
`make test`, Redis in CI. Time is passed as `today`; nothing waits for a deadline.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings

from danvan.notify import services
from danvan.notify.models import Delivery, Notification, Reminder, ReminderStatus
from danvan.org.models import Role
from tests.conftest import _database_url_for_worker, wait_for
from tests.factories import UserFactory
from tests.notify.conftest import FRI, THU, WED, kill_9, make_petition, make_task

pytestmark = pytest.mark.usefixtures("stages")


def all_delivered() -> bool:
    return not Reminder.objects.filter(status=ReminderStatus.PENDING).exists()


def assert_exactly_once() -> None:
    """Every live reminder went out once on each of its channels, and nothing else did."""
    reminders = Reminder.objects.exclude(status=ReminderStatus.OBSOLETE)
    assert not reminders.filter(status=ReminderStatus.PENDING).exists()
    deliveries = Delivery.objects.filter(reminder__in=reminders)
    assert deliveries.count() == reminders.count() * 3  # e-mail, inbox, push
    assert not deliveries.filter(sent_at=None).exists()
    # One committed attempt each: no message was sent by two workers or twice by one.
    assert set(deliveries.values_list("attempts", flat=True)) == {1}
    assert Notification.objects.count() == reminders.count()
    assert Notification.objects.values("delivery").distinct().count() == reminders.count()


def test_items_due_produce_exactly_the_expected_messages(
    celery_worker_process: Any, tree: Any, people: dict[str, Any], cadre_a: Any
) -> None:
    due_tomorrow = make_petition(tree.commune_a1, THU, assignee=people["handler"])
    late = make_petition(tree.commune_a1, WED - timedelta(days=1), assignee=people["handler"])
    make_petition(tree.commune_a1, FRI + timedelta(days=30))  # not due
    task = make_task(tree.commune_a1, tree.province_a, THU)
    result = services.sweep(today=WED)
    assert result.reminders == 4
    wait_for(all_delivered)
    assert_exactly_once()
    got = set(Notification.objects.values_list("item_key", "user__username", "body").order_by("id"))
    assert got == {
        (f"petition:{due_tomorrow.pk}", "handler_a", "Còn 1 ngày làm việc đến hạn 12/03/2026."),
        (f"petition:{late.pk}", "handler_a", "Đã quá hạn: hạn là ngày 10/03/2026."),
        (
            f"petition:{late.pk}",
            "supervisor",
            "Quá hạn từ ngày 10/03/2026 tại Xã Di Linh; thông báo gửi đồng chí với tư cách "
            "lãnh đạo đơn vị cấp trên.",
        ),
        (f"task:{task.pk}", "cadre_a", "Còn 1 ngày làm việc đến hạn 12/03/2026."),
    }
    subjects = set(Delivery.objects.filter(channel="email").values_list("subject", flat=True))
    assert f"[Đơn thư] {due_tomorrow.code}: {due_tomorrow.summary}" in subjects


def _remind_process(
    day: str, *options: str, env_extra: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "danvan.settings.test",
        "DATABASE_URL": _database_url_for_worker(),
        "DANVAN_VAR_DIR": str(settings.VAR_DIR),
        **(env_extra or {}),
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "remind", f"--today={day}", *options],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_two_sweeps_at_the_same_time_still_remind_once(
    celery_worker_process: Any, tree: Any, people: dict[str, Any]
) -> None:
    for _ in range(150):
        make_petition(tree.commune_a1, THU)  # both handlers of A1: 300 reminders
    first, second = _remind_process("11/03/2026"), _remind_process("11/03/2026")
    outputs = [p.communicate(timeout=120)[0].decode() for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    assert Reminder.objects.count() == 300
    wait_for(all_delivered, timeout=180)
    assert_exactly_once()
    assert Delivery.objects.filter(channel="email").count() == 300


def test_a_killed_worker_loses_nothing_and_sends_nothing_twice(
    worker_factory: Any, tree: Any, people: dict[str, Any]
) -> None:
    for n in range(30):
        UserFactory(username=f"extra{n}", memberships=[(tree.commune_a1, Role.PETITION_HANDLER)])
    for _ in range(40):
        make_petition(tree.commune_a1, THU)  # 40 items x 32 handlers = 1280 reminders
    first = worker_factory("first")
    services.sweep(today=WED)
    total = Reminder.objects.count()
    assert total == 1280
    wait_for(lambda: Delivery.objects.filter(sent_at__isnull=False).count() >= 50, interval=0.05)
    kill_9(first)  # mid-batch: no chance to finish or acknowledge
    sent_when_killed = Delivery.objects.filter(sent_at__isnull=False).count()
    assert sent_when_killed < total * 3
    worker_factory("second")
    # The next sweep finds the reminders whose job died with the worker and enqueues them.
    services.sweep(today=WED, stale_after=timedelta(0))
    wait_for(all_delivered, timeout=300)
    assert_exactly_once()


def test_a_moved_deadline_fires_the_new_stage_and_not_the_obsolete_one(
    transactional_db: Any, request: pytest.FixtureRequest, tree: Any, people: dict[str, Any]
) -> None:
    petition = make_petition(tree.commune_a1, THU, assignee=people["handler"])
    services.sweep(today=WED)  # "1 day before" recorded and enqueued, no worker yet
    old = Reminder.objects.get()
    petition.due_date = FRI + timedelta(days=7)  # extended by decision
    petition.save(update_fields=["due_date"])
    request.getfixturevalue("celery_worker_process")
    services.requeue_stale(older_than=timedelta(0))  # in case the broker was purged
    wait_for(lambda: Reminder.objects.get(pk=old.pk).status != ReminderStatus.PENDING)
    assert Reminder.objects.get(pk=old.pk).status == ReminderStatus.OBSOLETE
    assert not Delivery.objects.exists() and not Notification.objects.exists()
    # Three working days before the new deadline, the new stage fires and is delivered.
    services.sweep(today=FRI + timedelta(days=4))  # Tuesday 17/03
    wait_for(all_delivered)
    new = Reminder.objects.exclude(pk=old.pk).get()
    assert (new.stage.code, new.deadline) == ("before_3", petition.due_date)
    assert Notification.objects.get().body == "Còn 3 ngày làm việc đến hạn 20/03/2026."


@pytest.mark.services
def test_lost_broker_connections_are_recovered(
    celery_worker_process: Any, tree: Any, people: dict[str, Any]
) -> None:
    """
    A Redis restart, simulated without touching other users of the server: every connection
    to our Redis database is killed while jobs are in flight; the worker reconnects and the
    next sweep re-enqueues whatever was lost. Everything is delivered exactly once.
    """
    import redis

    for _ in range(60):
        make_petition(tree.commune_a1, THU)
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    db = client.connection_pool.connection_kwargs.get("db", 0)
    services.sweep(today=WED)
    killed = 0
    for info in client.client_list():
        if int(info.get("db", -1)) == db and info.get("cmd") != "client|list":
            killed += client.client_kill_filter(_id=info["id"])
    assert killed >= 1
    services.sweep(today=WED, stale_after=timedelta(0))
    wait_for(all_delivered, timeout=180)
    assert_exactly_once()


@pytest.mark.services
def test_a_real_redis_crash_and_restart_loses_nothing_and_sends_nothing_twice(
    worker_factory: Any, private_redis: Any, tree: Any, people: dict[str, Any]
) -> None:
    """
    The broker is a redis-server of the test's own, killed with SIGKILL while jobs are queued
    and in flight, then started again empty on the same port. The worker reconnects by itself;
    the next sweep (`remind --requeue-after 0`, as an operator runs it after an outage)
    re-enqueues what was lost; every reminder goes out exactly once.
    """
    broker = {"CELERY_BROKER_URL": private_redis.url}
    for n in range(20):
        UserFactory(username=f"more{n}", memberships=[(tree.commune_a1, Role.PETITION_HANDLER)])
    for _ in range(40):
        make_petition(tree.commune_a1, THU)  # 40 items x 22 handlers = 880 reminders
    worker_factory("restart", broker)
    sweep = _remind_process("11/03/2026", env_extra=broker)
    output = sweep.communicate(timeout=180)[0].decode()
    assert sweep.returncode == 0, output
    assert Reminder.objects.count() == 880
    wait_for(lambda: Delivery.objects.filter(sent_at__isnull=False).count() >= 30, interval=0.05)
    private_redis.crash()
    sent_at_crash = Delivery.objects.filter(sent_at__isnull=False).count()
    private_redis.start()
    assert sent_at_crash < 880 * 3, "everything went out before the crash: nothing was tested"
    again = _remind_process("11/03/2026", "--requeue-after=0", env_extra=broker)
    output = again.communicate(timeout=180)[0].decode()
    assert again.returncode == 0, output
    assert Reminder.objects.count() == 880  # nothing recorded twice
    requeued = re.search(r"(\d+) (re-enqueued|thông báo đưa lại)", output)
    assert requeued and int(requeued.group(1)) > 0, output
    wait_for(all_delivered, timeout=300)
    assert_exactly_once()
