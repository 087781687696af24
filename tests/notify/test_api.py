"""The inbox API of the mobile app, and the push outbox API of the gateway."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission

from danvan.notify import services
from danvan.notify.models import (
    Delivery,
    Notification,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
    Reminder,
)
from tests.factories import UserFactory
from tests.notify.conftest import WED, make_petition

LIST = "/api/v1/notifications/"


def notify(user: Any, n: int = 1, **extra: Any) -> list[Notification]:
    return [
        Notification.objects.create(user=user, title=f"Nhắc hạn {i}", url="/x/", **extra)
        for i in range(n)
    ]


@pytest.mark.django_db
def test_anonymous_gets_401(api: Any) -> None:
    assert api.get(LIST).status_code == 401
    assert api.get(LIST + "unread-count/").status_code == 401
    assert api.post(LIST + "read-all/").status_code == 401


def test_a_person_sees_only_their_own(api_as: Any, cadre_a: Any, cadre_b: Any) -> None:
    mine = notify(cadre_a, 2)
    notify(cadre_b, 3)
    response = api_as(cadre_a).get(LIST)
    assert response.status_code == 200
    assert [n["id"] for n in response.json()["results"]] == [mine[1].pk, mine[0].pk]
    assert response.json()["results"][0]["is_read"] is False


def test_unread_count_and_mark_read(api_as: Any, cadre_a: Any, cadre_b: Any) -> None:
    first, _second = notify(cadre_a, 2)
    notify(cadre_b, 1)
    client = api_as(cadre_a)
    assert client.get(LIST + "unread-count/").json() == {"unread": 2}
    response = client.post(f"{LIST}{first.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    assert client.post(f"{LIST}{first.pk}/read/").status_code == 200  # again: no change
    assert client.get(LIST + "unread-count/").json() == {"unread": 1}
    assert client.post(LIST + "read-all/").json() == {"marked": 1}
    assert client.get(LIST + "unread-count/").json() == {"unread": 0}
    # cadre_b's notification is untouched.
    assert Notification.objects.filter(user=cadre_b, read_at=None).count() == 1


def test_another_persons_notification_is_404(api_as: Any, cadre_a: Any, cadre_b: Any) -> None:
    (theirs,) = notify(cadre_b)
    client = api_as(cadre_a)
    assert client.get(f"{LIST}{theirs.pk}/").status_code == 404
    response = client.post(f"{LIST}{theirs.pk}/read/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_list_query_count_does_not_grow(api_as: Any, cadre_a: Any, count_queries: Any) -> None:
    client = api_as(cadre_a)
    notify(cadre_a, 1)
    with count_queries() as one:
        assert client.get(LIST).status_code == 200
    notify(cadre_a, 60)
    with count_queries() as many:
        response = client.get(LIST + "?page_size=100")
    assert len(response.json()["results"]) == 61
    assert len(many) == len(one), many


def test_list_pages_with_a_cursor(api_as: Any, cadre_a: Any) -> None:
    notify(cadre_a, 30)
    client = api_as(cadre_a)
    first = client.get(LIST).json()
    assert len(first["results"]) == 25 and "cursor=" in first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 5
    ids = [n["id"] for n in first["results"] + second["results"]]
    assert len(set(ids)) == 30


# --- Push outbox ---------------------------------------------------------------------------
OUTBOX = "/api/v1/push-outbox/"


@pytest.fixture
def gateway(tree: Any) -> Any:
    user = UserFactory(username="push_gateway")
    user.user_permissions.add(Permission.objects.get(codename="consume_outbox"))
    return user


def test_the_gateway_reads_and_acknowledges_the_outbox(
    api_as: Any, gateway: Any, cadre_a: Any
) -> None:
    waiting = OutboxMessage.objects.create(user=cadre_a, title="Nhắc hạn", data={"url": "/x/"})
    OutboxMessage.objects.create(user=cadre_a, title="Đã gửi", status=OutboxStatus.SENT)
    client = api_as(gateway)
    response = client.get(OUTBOX)
    assert response.status_code == 200
    assert [m["id"] for m in response.json()["results"]] == [waiting.pk]
    assert client.post(OUTBOX + "ack/", {"ids": [waiting.pk]}).json() == {"acknowledged": 1}
    assert client.get(OUTBOX).json()["results"] == []


def test_the_outbox_is_closed_to_everyone_else(api: Any, api_as: Any, administrator: Any) -> None:
    assert api.get(OUTBOX).status_code == 401
    response = api_as(administrator).get(OUTBOX)
    assert response.status_code == 403
    assert response.json()["message"] == (
        "Chỉ cổng gửi thông báo đẩy mới được đọc hàng đợi thông báo đẩy."
    )


def test_ack_with_bad_ids_is_400_naming_the_field(api_as: Any, gateway: Any) -> None:
    response = api_as(gateway).post(OUTBOX + "ack/", {"ids": ["x"]}, format="json")
    assert response.status_code == 400
    assert "ids" in response.json()["fields"]


PREFS = LIST + "preferences/"


@pytest.mark.django_db
def test_preferences_need_a_signed_in_person(api: Any) -> None:
    assert api.get(PREFS).status_code == 401
    assert api.put(PREFS, {"daily_digest": True}).status_code == 401


def test_preferences_default_then_changed_by_their_owner_only(
    api_as: Any, cadre_a: Any, cadre_b: Any
) -> None:
    client = api_as(cadre_a)
    assert client.get(PREFS).json() == {
        "email": True,
        "in_app": True,
        "push": True,
        "daily_digest": False,
        "quiet_start": None,
        "quiet_end": None,
    }
    response = client.patch(
        PREFS, {"daily_digest": True, "quiet_start": "21:00", "quiet_end": "07:00"}
    )
    assert response.status_code == 200
    assert response.json()["daily_digest"] is True
    assert response.json()["quiet_start"] == "21:00:00"
    assert client.get(PREFS).json()["quiet_end"] == "07:00:00"
    # cadre_b's own preferences are untouched, and cadre_b cannot reach cadre_a's.
    assert api_as(cadre_b).get(PREFS).json()["daily_digest"] is False
    assert NotificationPreference.objects.get(user=cadre_a).daily_digest is True
    assert not NotificationPreference.objects.filter(user=cadre_b).exists()


def test_preferences_set_through_the_api_decide_the_next_reminders_channels(
    api_as: Any, tree: Any, handler_a: Any, stages: None
) -> None:
    response = api_as(handler_a).patch(PREFS, {"email": False, "push": False})
    assert response.status_code == 200
    make_petition(tree.commune_a1, WED, assignee=handler_a)
    services.sweep(today=WED, stale_after=None)
    services.deliver(list(Reminder.objects.values_list("pk", flat=True)))
    assert list(
        Delivery.objects.filter(reminder__recipient=handler_a).values_list("channel", flat=True)
    ) == ["in_app"]


def test_half_given_quiet_hours_are_a_400_naming_the_field(api_as: Any, cadre_a: Any) -> None:
    client = api_as(cadre_a)
    response = client.patch(PREFS, {"quiet_start": "21:00"})
    assert response.status_code == 400
    body = response.json()
    assert list(body["fields"]) == ["quiet_end"]
    assert "giờ" in body["fields"]["quiet_end"][0]  # Vietnamese, about the hours
    assert client.patch(PREFS, {"quiet_start": "9h tối"}).status_code == 400
    assert not NotificationPreference.objects.filter(user=cadre_a).exists()  # nothing written
