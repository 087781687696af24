"""
Existing reminders and notifications get the target a client deep-links to, read from their
item key ("petition:42" → petition 42, "task_assignment:9" → the task of assignment 9), and
notification links become paths (the API makes them absolute with the request's own host).
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import migrations

BATCH = 1000
RECORD_TYPES = {"petition", "task", "directive", "meeting"}


def _path(url):
    if not url.startswith(("http://", "https://")):
        return url
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))


def _fill(model, assignment_tasks, *, paths):
    changed = []
    fields = ["target_type", "target_id", *(["url"] if paths else [])]
    for row in model.objects.order_by("pk").iterator(chunk_size=BATCH):
        subject, _sep, pk = row.item_key.partition(":")
        target = None
        if pk.isdigit():
            if subject in RECORD_TYPES:
                target = (subject, int(pk))
            elif subject == "task_assignment" and int(pk) in assignment_tasks:
                target = ("task", assignment_tasks[int(pk)])
        url = _path(row.url) if paths else row.url
        if target is None and url == row.url:
            continue
        row.target_type, row.target_id = target or ("", None)
        row.url = url
        changed.append(row)
        if len(changed) >= BATCH:
            model.objects.bulk_update(changed, fields)
            changed = []
    if changed:
        model.objects.bulk_update(changed, fields)


def forwards(apps, schema_editor):
    Reminder = apps.get_model("notify", "Reminder")
    Notification = apps.get_model("notify", "Notification")
    TaskAssignment = apps.get_model("tasks", "TaskAssignment")
    assignment_ids = set()
    for model in (Reminder, Notification):
        for key in (
            model.objects.filter(item_key__startswith="task_assignment:")
            .values_list("item_key", flat=True)
            .distinct()
        ):
            pk = key.partition(":")[2]
            if pk.isdigit():
                assignment_ids.add(int(pk))
    assignment_tasks = dict(
        TaskAssignment.objects.filter(pk__in=assignment_ids).values_list("pk", "task_id")
    )
    _fill(Reminder, assignment_tasks, paths=False)
    _fill(Notification, assignment_tasks, paths=True)


def backwards(apps, schema_editor):
    """The old code stored absolute links on SITE_URL: give them back."""
    Notification = apps.get_model("notify", "Notification")
    changed = []
    for row in Notification.objects.filter(url__startswith="/").iterator(chunk_size=BATCH):
        row.url = f"{settings.SITE_URL}{row.url}"[:300]
        changed.append(row)
        if len(changed) >= BATCH:
            Notification.objects.bulk_update(changed, ["url"])
            changed = []
    if changed:
        Notification.objects.bulk_update(changed, ["url"])


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0003_notification_target"),
        ("tasks", "0003_uploads_random_names_checked"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
