"""The Celery app. Jobs live in each app's `jobs.py`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings.base")

app = Celery("danvan")
app.config_from_object("django.conf:settings", namespace="CELERY")
# `tasks/tasks.py` would read badly next to the `tasks` app, so jobs live in jobs.py.
app.autodiscover_tasks(related_name="jobs")
