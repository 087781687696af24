"""Jobs of the shared kernel."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "celery:heartbeat"


@shared_task(name="danvan.core.heartbeat", ignore_result=True)
def heartbeat() -> str:
    """Beat schedules this every minute; /healthz shows when a worker last ran it."""
    stamp = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, stamp, timeout=24 * 3600)
    return stamp
