"""
Jobs of the shared kernel, and the one way the web asks the worker for work: `enqueue`.

`enqueue(task_name, *args)` writes a QueuedJob row in the caller's transaction and, once it
commits, publishes the job to the broker and marks the row sent. If the broker is away the
row stays unsent (a WARNING says so, once per interval) and no exception reaches the
request; `drain_queued_jobs` — beat every minute, and at every worker start — publishes the
unsent rows when the broker is back. Each row is published under a row lock (SELECT … FOR
UPDATE SKIP LOCKED on PostgreSQL), so the request's own attempt and a drain never both send
it: exactly once per row.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from danvan.core.cache import Breaker
from danvan.core.models import QueuedJob

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "celery:heartbeat"
DRAIN_TASK = "danvan.core.drain_queued_jobs"
DRAIN_BATCH = 1000
KEEP_SENT = timedelta(days=7)

broker_breaker = Breaker("Celery broker")


@shared_task(name="danvan.core.heartbeat", ignore_result=True)
def heartbeat() -> str:
    """
    Beat schedules this every minute; /healthz shows when a worker last ran it. It also
    publishes jobs left waiting for the broker, so an installation whose schedules predate
    "Publish queued jobs" drains its outbox too.
    """
    stamp = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, stamp, timeout=24 * 3600)
    drain()
    return stamp


def enqueue(task_name: str, *args: Any) -> QueuedJob:
    """Ask the worker to run `task_name(*args)` once the current transaction commits."""
    job = QueuedJob.objects.create(task=task_name, args=list(args))
    transaction.on_commit(lambda: publish(job.pk))
    return job


def _locked(queryset: QuerySet[QueuedJob]) -> QuerySet[QueuedJob]:
    if settings.DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
        return queryset.select_for_update(skip_locked=True)
    return queryset  # SQLite: BEGIN IMMEDIATE already serialises writers


def _send(task_name: str, args: list[Any]) -> None:
    from danvan.celery import app

    task = app.tasks.get(task_name)
    if task is None:
        app.loader.import_default_modules()
        task = app.tasks.get(task_name)
    if app.conf.task_always_eager and task is not None:
        task.apply_async(args)
        return
    # The broker named by the settings now (not when the app was configured), connected with
    # one quick retry: a request must not wait on kombu's back-off.
    with app.connection_for_write(
        settings.CELERY_BROKER_URL,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        connect_timeout=2,
    ) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0.2, interval_step=0, timeout=2)
        if task is not None:
            task.apply_async(args, connection=connection, retry=False)
        else:
            app.send_task(task_name, args=args, connection=connection, retry=False)


def publish(job_id: int, *, force: bool = False) -> bool:
    """Publish one unsent job; False if another process holds it, it was sent, or it failed."""
    if broker_breaker.is_open and not force:
        return False
    try:
        with transaction.atomic():
            job = _locked(QueuedJob.objects.filter(pk=job_id, sent_at__isnull=True)).first()
            if job is None:
                return False
            try:
                _send(job.task, job.args)
            except Exception as exc:  # the broker is away: the row waits for the drain
                broker_breaker.trip(exc)
                QueuedJob.objects.filter(pk=job.pk).update(
                    attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:500]
                )
                return False
            QueuedJob.objects.filter(pk=job.pk).update(
                sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
            )
    except Exception:
        # Called after the request's own commit: whatever happens, the request has its answer
        # and the row (if it was written) is drained later.
        log.exception("Could not publish queued job %s; the drain will retry it", job_id)
        return False
    broker_breaker.recovered()
    return True


def drain(*, limit: int = DRAIN_BATCH) -> int:
    """Publish unsent jobs, oldest first; stop at the first broker failure. Returns how many."""
    ids = list(
        QueuedJob.objects.filter(sent_at__isnull=True)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for job_id in ids:
        if publish(job_id, force=True):
            sent += 1
        elif broker_breaker.is_open:
            break
    if sent:
        log.info("Published %d queued job(s) that had waited for the broker", sent)
    # Sent rows are kept a week for whoever investigates a late job, then removed.
    QueuedJob.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    return sent


@shared_task(name=DRAIN_TASK, ignore_result=True)
def drain_queued_jobs() -> int:
    """Beat runs this every minute, and each worker once it is ready."""
    return drain()


@worker_ready.connect
def _drain_when_a_worker_starts(sender: Any = None, **kwargs: Any) -> None:
    try:
        drain_queued_jobs.delay()
    except Exception:
        log.warning("Could not ask for a drain of queued jobs at worker start", exc_info=True)
