"""
Celery jobs of the reminders. Each takes ids or a date, is safe to run twice and is
acknowledged late, so a job cut off by a killed worker runs again rather than being lost.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from celery import shared_task
from django.conf import settings

from danvan.notify import services

RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (Exception,),
    "retry_backoff": 30,
    # A retry waits unacknowledged in the worker: below the visibility timeout, or Redis would
    # hand the waiting copy to another worker as well.
    "retry_backoff_max": max(settings.BROKER_VISIBILITY_TIMEOUT // 2, 1),
    "retry_jitter": True,
    "max_retries": 8,
    "ignore_result": True,
}


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@shared_task(name="danvan.notify.jobs.sweep_reminders", **RETRY)
def sweep_reminders(today: str | None = None) -> dict[str, Any]:
    """Beat runs this every 15 minutes: record what is due and enqueue its delivery."""
    result = services.sweep(today=_day(today))
    return {"items": result.items, "reminders": result.reminders, "requeued": result.requeued}


@shared_task(name="danvan.notify.jobs.deliver_reminders", **RETRY)
def deliver_reminders(reminder_ids: list[int]) -> dict[str, int]:
    result = services.deliver(reminder_ids)
    return {"sent": result.sent, "obsolete": result.obsolete, "deferred": result.deferred}


@shared_task(name="danvan.notify.jobs.send_digests", **RETRY)
def send_digests(today: str | None = None) -> int:
    """Beat runs this at 07:00 (Asia/Ho_Chi_Minh)."""
    return services.send_digests(today=_day(today))


@shared_task(name="danvan.notify.jobs.push_outbox_flush", **RETRY)
def push_outbox_flush() -> list[int]:
    """POST waiting push messages to PUSH_WEBHOOK_URL (if set); failures back off per row."""
    sent, failed = services.outbox_flush()
    return [sent, failed]
