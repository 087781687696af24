"""Periodic jobs, stored in django-celery-beat so administrators can edit them in the admin."""

from __future__ import annotations

from django_celery_beat.models import IntervalSchedule, PeriodicTask

# (name shown in the admin, task name, every N seconds)
INTERVAL_JOBS = [
    ("Worker heartbeat", "danvan.core.heartbeat", 60),
    # Jobs kept in PostgreSQL while the broker was away (danvan.core.jobs.enqueue).
    ("Publish queued jobs", "danvan.core.drain_queued_jobs", 60),
    # Messages to citizens whose first attempt failed (citizen.messages): retried when due.
    ("Deliver messages to citizens", "citizen.jobs.deliver_citizen_messages", 60),
]


def seed_schedules() -> None:
    for name, task, seconds in INTERVAL_JOBS:
        schedule, _ = IntervalSchedule.objects.get_or_create(
            every=seconds, period=IntervalSchedule.SECONDS
        )
        # Only created: an administrator's later edits (interval, enabled) are kept.
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": schedule})
