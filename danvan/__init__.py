"""danvan: case management for Vietnam's mass-mobilization work."""

from danvan.celery import app as celery_app

__all__ = ("celery_app",)
