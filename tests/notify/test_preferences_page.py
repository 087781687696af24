"""A person's own notification preferences page: what they choose decides how they are told."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from danvan.notify import services
from danvan.notify.models import Channel, Delivery, DeliveryStatus, NotificationPreference, Reminder
from tests.notify.conftest import WED, make_petition

URL = "/notifications/preferences/"


@pytest.mark.django_db
def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_page_shows_the_defaults_in_vietnamese(client: Client, cadre_a: Any) -> None:
    client.force_login(cadre_a)
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Thiết lập thông báo" in page
    inputs = dict(re.findall(r'<input type="checkbox" name="(\w+)"([^>]*)>', page))
    assert {name for name, attrs in inputs.items() if "checked" in attrs} == {
        "email",
        "in_app",
        "push",
    }
    assert "daily_digest" in inputs


def test_saving_turns_on_the_digest_for_that_person_only(
    client: Client, cadre_a: Any, cadre_b: Any
) -> None:
    client.force_login(cadre_a)
    response = client.post(
        URL,
        {"in_app": "on", "daily_digest": "on", "quiet_start": "21:00", "quiet_end": "07:00"},
        follow=True,
    )
    assert response.status_code == 200
    assert "đã được lưu" in response.content.decode()
    saved = NotificationPreference.objects.get(user=cadre_a)
    assert (saved.email, saved.in_app, saved.push, saved.daily_digest) == (
        False,
        True,
        False,
        True,
    )
    assert f"{saved.quiet_start:%H:%M}-{saved.quiet_end:%H:%M}" == "21:00-07:00"
    assert not NotificationPreference.objects.filter(user=cadre_b).exists()


def test_half_given_quiet_hours_show_a_field_error_and_save_nothing(
    client: Client, cadre_a: Any
) -> None:
    client.force_login(cadre_a)
    response = client.post(URL, {"email": "on", "quiet_start": "21:00"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-field="quiet_end"' in page and "invalid" in page
    assert "giờ bắt đầu và giờ kết thúc" in page
    assert not NotificationPreference.objects.exists()


def test_reminder_email_links_to_the_preferences_page(
    tree: Any, handler_a: Any, stages: None
) -> None:
    make_petition(tree.commune_a1, WED, assignee=handler_a)
    services.sweep(today=WED, stale_after=None)
    services.deliver(list(Reminder.objects.values_list("pk", flat=True)))
    (email,) = [m for m in mail.outbox if m.to == [handler_a.email]]
    assert "/notifications/preferences/" in email.body
    assert "/notifications/preferences/" in email.alternatives[0][0]


def test_an_email_sent_again_after_a_lost_commit_carries_the_same_message_id(
    tree: Any, handler_a: Any, stages: None
) -> None:
    """A worker killed after handing the e-mail over but before committing `sent_at` sends it
    again; mail servers and clients know the copy by its Message-ID."""
    make_petition(tree.commune_a1, WED, assignee=handler_a)
    services.sweep(today=WED, stale_after=None)
    ids = list(Reminder.objects.values_list("pk", flat=True))
    services.deliver(ids)
    assert len([m for m in mail.outbox if m.to == [handler_a.email]]) == 1
    # The commit that marked it sent is lost: the row is pending again.
    Delivery.objects.filter(channel=Channel.EMAIL).update(
        sent_at=None, status=DeliveryStatus.PENDING, attempts=0
    )
    Reminder.objects.update(status="pending")
    services.deliver(ids)
    copies = [m for m in mail.outbox if m.to == [handler_a.email]]
    assert len(copies) == 2
    first_id, second_id = (m.message()["Message-ID"] for m in copies)
    assert first_id == second_id
    assert re.fullmatch(r"<reminder-\d+@[\w.-]+>", first_id)
    # Another person's reminder has its own.
    others = {m.message()["Message-ID"] for m in mail.outbox if m.to != [handler_a.email]}
    assert first_id not in others
