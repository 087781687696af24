"""Celery jobs of the messages to citizens: acknowledged late, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from citizen import messages
from danvan.notify.jobs import RETRY


@shared_task(name="citizen.jobs.deliver_citizen_messages", **RETRY)
def deliver_citizen_messages(ids: list[int] | None = None) -> list[int]:
    """Send these messages now; with no ids (beat, every minute) every message that is due."""
    result = messages.deliver(ids)
    return [result.sent, result.failed]
