"""`manage.py remind`, the seeded schedules, and the push webhook with backoff."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from danvan.notify import services
from danvan.notify.models import OutboxMessage, OutboxStatus, Reminder
from seeds.notify import seed_notify
from tests.notify.conftest import THU, make_petition

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.usefixtures("stages")
def test_dry_run_previews_without_writing(tree: Any, people: dict[str, Any]) -> None:
    petition = make_petition(tree.commune_a1, THU, assignee=people["handler"])
    out = StringIO()
    call_command("remind", "--dry-run", "--today=11/03/2026", stdout=out)
    text = out.getvalue()
    assert "\r[" in text and "1/1" in text  # the progress line
    assert "Chạy thử cho ngày 11/03/2026: 1 việc đến mốc nhắc, sẽ gửi 1 thông báo nhắc hạn." in text
    assert f"petition:{petition.pk}" in text and "before_1" in text
    assert not Reminder.objects.exists()


@pytest.mark.usefixtures("stages")
def test_remind_records_and_a_second_run_adds_nothing(tree: Any, people: dict[str, Any]) -> None:
    make_petition(tree.commune_a1, THU, assignee=people["handler"])
    out = StringIO()
    call_command("remind", "--today=11/03/2026", "--deliver-now", stdout=out)
    assert "1 thông báo nhắc hạn mới" in out.getvalue()
    assert Reminder.objects.get().status == "done"
    out = StringIO()
    call_command("remind", "--today=11/03/2026", stdout=out)
    assert "0 thông báo nhắc hạn mới" in out.getvalue()


@pytest.mark.django_db
def test_a_bad_date_is_refused_in_vietnamese() -> None:
    with pytest.raises(CommandError, match="không phải là ngày theo dạng dd/mm/yyyy"):
        call_command("remind", "--today=2026-03-11")


@pytest.mark.django_db
def test_seed_creates_the_policy_and_schedules_once() -> None:
    seed_notify()
    seed_notify()
    tasks = dict(PeriodicTask.objects.values_list("task", "name"))
    assert "danvan.notify.jobs.sweep_reminders" in tasks
    digest = PeriodicTask.objects.get(task="danvan.notify.jobs.send_digests")
    assert (digest.crontab.hour, digest.crontab.minute) == ("7", "0")
    assert str(digest.crontab.timezone) == "Asia/Ho_Chi_Minh"
    sweep = PeriodicTask.objects.get(task="danvan.notify.jobs.sweep_reminders")
    assert (sweep.interval.every, sweep.interval.period) == (15, "minutes")
    from danvan.notify.models import ReminderStage

    # 5 stages x petitions, tasks, coordination, notices to citizens
    assert ReminderStage.objects.count() == 20


# --- Push webhook --------------------------------------------------------------------------
class Gateway(BaseHTTPRequestHandler):
    status = 500
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        Gateway.received.append(
            {**json.loads(self.rfile.read(length)), "key": self.headers["Idempotency-Key"]}
        )
        self.send_response(Gateway.status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway_url(settings: Any) -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Gateway.received = []
    settings.PUSH_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/push"
    yield settings.PUSH_WEBHOOK_URL
    server.shutdown()


def test_webhook_failures_back_off_and_show_then_succeed(gateway_url: str, cadre_a: Any) -> None:
    message = OutboxMessage.objects.create(user=cadre_a, title="Nhắc hạn", data={"url": "/x/"})
    now = datetime(2026, 3, 11, 9, 0, tzinfo=HCM)
    Gateway.status = 503
    assert services.outbox_flush(now=now) == (0, 1)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 1)
    assert "503" in message.last_error
    assert message.next_attempt_at == now + timedelta(minutes=1)
    # Not retried before its time.
    assert services.outbox_flush(now=now + timedelta(seconds=30)) == (0, 0)
    assert services.outbox_flush(now=now + timedelta(minutes=1)) == (0, 1)
    message.refresh_from_db()
    assert message.next_attempt_at == now + timedelta(minutes=1) + timedelta(minutes=2)
    Gateway.status = 200
    assert services.outbox_flush(now=now + timedelta(minutes=10)) == (1, 0)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert services.outbox_flush(now=now + timedelta(minutes=20)) == (0, 0)  # sent once
    assert [r["key"] for r in Gateway.received] == [str(message.pk)] * 3
    assert Gateway.received[-1]["title"] == "Nhắc hạn"
