"""
Notifications carry the record they point at (a client deep-links without parsing item_key),
and their links are built on the host the reader reached: the request's own host in the API,
SITE_URL in what the worker sends (which `make run` sets to the address it serves).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from danvan.notify import services
from danvan.notify.models import Notification, OutboxMessage, Reminder
from tasks.models import TaskAssignment
from tests.factories import UserFactory
from tests.notify.conftest import TUE, WED, make_petition, make_task

LIST = "/api/v1/notifications/"
ROOT = Path(settings.BASE_DIR)


def remind(today: date) -> None:
    services.sweep(today=today, stale_after=None)
    services.deliver(list(Reminder.objects.values_list("pk", flat=True)))


@pytest.fixture
def petition_reminded(tree: Any, handler_a: Any, stages: None, settings: Any) -> Any:
    """A petition due today, its reminder delivered to handler_a on every channel."""
    settings.SITE_URL = "https://danvan.example.vn"
    petition = make_petition(tree.commune_a1, WED, assignee=handler_a)
    remind(WED)
    return petition


def test_a_petition_reminder_carries_its_target_and_a_link_on_the_requests_host(
    api_as: Any, handler_a: Any, petition_reminded: Any
) -> None:
    page = reverse("petitions:detail", args=[petition_reminded.pk])
    (item,) = api_as(handler_a).get(LIST).json()["results"]
    assert item["target"] == {"type": "petition", "id": petition_reminded.pk}
    # The API answers on the host the app reached, not on SITE_URL.
    assert item["url"] == f"http://testserver{page}"
    assert item["item_key"] == f"petition:{petition_reminded.pk}"  # kept for old clients
    # What is stored is the path, whatever host the worker knew.
    assert Notification.objects.get().url == page
    # The detail and the "mark read" answers say the same.
    client = api_as(handler_a)
    assert client.get(f"{LIST}{item['id']}/").json()["target"] == item["target"]
    assert client.post(f"{LIST}{item['id']}/read/").json()["url"] == item["url"]


def test_the_push_outbox_and_the_e_mail_carry_the_same_target_and_page(
    api_as: Any, handler_a: Any, petition_reminded: Any
) -> None:
    page = reverse("petitions:detail", args=[petition_reminded.pk])
    push = OutboxMessage.objects.get(user=handler_a)
    assert push.data["target"] == {"type": "petition", "id": petition_reminded.pk}
    assert push.data["path"] == page
    # No request when the worker writes it: SITE_URL.
    assert push.data["url"] == f"https://danvan.example.vn{page}"
    (email,) = mail.outbox
    assert f"https://danvan.example.vn{page}" in email.body


def test_the_link_follows_the_host_and_port_the_client_used(
    api_as: Any, handler_a: Any, petition_reminded: Any
) -> None:
    page = reverse("petitions:detail", args=[petition_reminded.pk])
    client = api_as(handler_a)
    on_8101 = client.get(LIST, HTTP_HOST="127.0.0.1:8101").json()["results"][0]
    assert on_8101["url"] == f"http://127.0.0.1:8101{page}"
    on_localhost = client.get(LIST, HTTP_HOST="localhost:8102").json()["results"][0]
    assert on_localhost["url"] == f"http://localhost:8102{page}"


def test_behind_a_tls_proxy_the_link_is_https_on_the_public_host(
    api_as: Any, handler_a: Any, petition_reminded: Any, settings: Any
) -> None:
    """As in production: the proxy terminates TLS and passes Host and X-Forwarded-Proto."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "danvan.example.vn"]
    page = reverse("petitions:detail", args=[petition_reminded.pk])
    response = api_as(handler_a).get(
        LIST, HTTP_HOST="danvan.example.vn", HTTP_X_FORWARDED_PROTO="https"
    )
    assert response.json()["results"][0]["url"] == f"https://danvan.example.vn{page}"


def test_a_coordinating_units_reminder_points_at_the_task(
    api_as: Any, tree: Any, cadre_b: Any, stages: None
) -> None:
    task = make_task(tree.commune_a1, tree.province_a, date(2026, 3, 13))
    assignment = TaskAssignment.objects.create(
        task=task, unit=tree.commune_a2, role="coordinate", due_on=WED
    )
    remind(TUE)
    (item,) = api_as(cadre_b).get(LIST).json()["results"]
    assert item["item_key"] == f"task_assignment:{assignment.pk}"
    assert item["target"] == {"type": "task", "id": task.pk}
    assert item["url"] == "http://testserver" + reverse("tasks:detail", args=[task.pk])


def test_a_notification_without_a_record_has_a_null_target(api_as: Any, cadre_a: Any) -> None:
    Notification.objects.create(user=cadre_a, title="Thông báo chung")
    (item,) = api_as(cadre_a).get(LIST).json()["results"]
    assert item["target"] is None
    assert item["url"] == ""


def _component(schema: dict[str, Any], prop: dict[str, Any]) -> dict[str, Any]:
    """The component a property refers to, directly or through allOf/oneOf."""
    parts = [prop, *prop.get("allOf", []), *prop.get("oneOf", [])]
    ref = next(part["$ref"] for part in parts if "$ref" in part)
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_the_schema_declares_a_nullable_target_with_an_enum_of_types(api: Any) -> None:
    schema = api.get("/api/v1/schema/?format=json").json()
    target = schema["components"]["schemas"]["Notification"]["properties"]["target"]
    assert target.get("nullable") is True or {"type": "null"} in target.get("oneOf", [])
    component = _component(schema, target)
    assert sorted(component["required"]) == ["id", "type"]
    assert component["properties"]["id"]["type"] == "integer"
    types = _component(schema, component["properties"]["type"])
    assert types["enum"] == ["petition", "task", "directive", "meeting"]


def test_the_list_costs_the_same_number_of_queries(
    api_as: Any, handler_a: Any, petition_reminded: Any, count_queries: Any
) -> None:
    client = api_as(handler_a)
    with count_queries() as queries:
        response = client.get(LIST)
    assert response.json()["results"][0]["target"]["type"] == "petition"
    assert len(queries) == LIST_QUERIES, queries


# Measured on the list before targets existed (the same request, one notification): the
# token's revocation check and the page. The target and the link cost no query.
LIST_QUERIES = 2


# --- The data migration --------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_targets_from_item_keys_and_makes_links_paths(tree: Any) -> None:
    before = [("notify", "0003_notification_target")]
    after = [("notify", "0004_fill_notification_targets")]
    person = UserFactory(username="old_reader")
    task = make_task(tree.commune_a1, tree.province_a, WED)
    assignment = TaskAssignment.objects.create(task=task, unit=tree.commune_a2, role="coordinate")
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()  # every app, as before the test
    try:
        executor.migrate(before)
        old = MigrationExecutor(connection).loader.project_state(before).apps
        Old = old.get_model("notify", "Notification")
        rows = {
            key: Old.objects.create(user_id=person.pk, title=key, url=url, item_key=key)
            for key, url in [
                ("petition:42", "http://127.0.0.1:8000/petitions/42/"),
                (f"task:{task.pk}", f"https://danvan.example.vn/tasks/{task.pk}/?tab=2#x"),
                (f"task_assignment:{assignment.pk}", f"/tasks/{task.pk}/"),
                ("task_assignment:999999", "/tasks/1/"),  # its assignment is gone
                ("", ""),
            ]
        }
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        found = {
            n.item_key: (n.target, n.url)
            # Only the columns 0004 knows: later migrations add others (version, updated_at).
            for n in Notification.objects.only(
                "id", "item_key", "target_type", "target_id", "url"
            ).filter(pk__in=[r.pk for r in rows.values()])
        }
        assert found == {
            "petition:42": ({"type": "petition", "id": 42}, "/petitions/42/"),
            f"task:{task.pk}": ({"type": "task", "id": task.pk}, f"/tasks/{task.pk}/?tab=2#x"),
            f"task_assignment:{assignment.pk}": (
                {"type": "task", "id": task.pk},
                f"/tasks/{task.pk}/",
            ),
            "task_assignment:999999": (None, "/tasks/1/"),
            "": (None, ""),
        }
        # Backwards: the old code's absolute links on SITE_URL.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(before)
        assert Old.objects.get(pk=rows["petition:42"].pk).url == (
            f"{settings.SITE_URL}/petitions/42/"
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)


# --- make run: the worker's e-mails link to the port the web server listens on -------------
EMAIL_LINK = """
import datetime, django
django.setup()
from danvan.notify import messages
from danvan.notify.models import Reminder, ReminderStage
from danvan.org.models import User
reminder = Reminder(
    item_key="petition:42", url="/petitions/42/", title="DT-2026-000042",
    stage=ReminderStage(offset_days=0), deadline=datetime.date(2026, 3, 11),
    recipient=User(username="cadre"), target_type="petition", target_id=42,
)
print(messages.reminder_message(reminder).link)
print(messages.preferences_link())
"""


def make_run_as_the_worker(port: str, **variables: str) -> list[str]:
    """
    The command `make run PORT=…` ends with, run as honcho runs the worker: with the
    worker's own PORT (the web's + 100), printing the links of a reminder e-mail.
    """
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DANVAN_VAR_DIR": tempfile.mkdtemp(prefix="danvan-make-run-"),
        "DJANGO_SETTINGS_MODULE": "danvan.settings.base",
        **variables,
    }
    dry = subprocess.run(
        ["make", "-n", "--no-print-directory", "run", f"PORT={port}"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    line = dry.stdout.replace("\\\n", " ").splitlines()[-1]
    assert "honcho" in line and "Procfile.embedded" in line, dry.stdout
    prefix = line.split("exec ", 1)[0]
    worker = f"{prefix} PORT={int(port) + 100} exec {sys.executable} -c {shlex.quote(EMAIL_LINK)}"
    result = subprocess.run(
        ["bash", "-c", worker], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.split()


def test_under_make_run_e_mail_links_point_at_the_port_it_serves() -> None:
    link, preferences = make_run_as_the_worker("8101")
    assert link == "http://127.0.0.1:8101/petitions/42/"
    assert preferences.startswith("http://127.0.0.1:8101/")


def test_an_explicit_site_url_wins_over_make_runs_port() -> None:
    link, _preferences = make_run_as_the_worker("8101", SITE_URL="https://danvan.example.vn")
    assert link == "https://danvan.example.vn/petitions/42/"
