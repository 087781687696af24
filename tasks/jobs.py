"""Celery jobs of the tasks app. Each takes a date (ISO) or nothing and is safe to run twice."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from tasks import services


@shared_task(name="tasks.jobs.create_next_occurrences", acks_late=True, ignore_result=True)
def create_next_occurrences(today: str | None = None) -> int:
    """Beat runs this daily: repeating tasks get their next occurrence 30 days ahead."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    return services.tasks_create_due_occurrences(actor=services.SYSTEM, today=day)
