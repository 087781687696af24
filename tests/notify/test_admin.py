"""The admin shows the policy (editable) and what was sent or failed (read-only)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from danvan.notify.models import OutboxMessage, OutboxStatus, ReminderStage
from tests.factories import UserFactory


@pytest.fixture
def admin_client_(tree: Any, stages: None) -> Client:
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "model",
    [
        "reminderstage",
        "notificationpreference",
        "reminder",
        "delivery",
        "outboxmessage",
        "notification",
        "digest",
    ],
)
def test_every_changelist_opens(admin_client_: Client, model: str) -> None:
    assert admin_client_.get(f"/admin/notify/{model}/").status_code == 200


def test_a_stage_can_be_edited(admin_client_: Client) -> None:
    stage = ReminderStage.objects.get(subject="petition", code="before_3")
    assert admin_client_.get(f"/admin/notify/reminderstage/{stage.pk}/change/").status_code == 200


def test_failed_push_messages_show_their_error_and_can_be_retried(
    admin_client_: Client, cadre_a: Any
) -> None:
    message = OutboxMessage.objects.create(
        user=cadre_a,
        title="Nhắc hạn",
        status=OutboxStatus.FAILED,
        attempts=3,
        last_error="HTTP 503",
    )
    page = admin_client_.get("/admin/notify/outboxmessage/?status=failed")
    assert "HTTP 503" in page.content.decode()
    response = admin_client_.post(
        "/admin/notify/outboxmessage/",
        {"action": "retry_now", "_selected_action": [message.pk]},
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.next_attempt_at) == (OutboxStatus.PENDING, None)
