"""The inbox page (/notifications/) and the header's bell, for the person and for others."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from danvan.notify.models import Notification

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _note(user: Any, title: str, *, read: bool = False, url: str = "/petitions/") -> Notification:
    return Notification.objects.create(
        user=user, title=title, url=url, read_at=timezone.now() if read else None
    )


def _bell(html: str) -> str:
    match = re.search(r'<a class="bell"[^>]*>.*?</a>', html, re.S)
    assert match, "no bell in the header"
    return match.group(0)


def test_the_bell_shows_the_unread_count_on_every_page(cadre_a: Any, cadre_b: Any) -> None:
    _note(cadre_a, "Một")
    _note(cadre_a, "Hai")
    _note(cadre_a, "Đã đọc", read=True)
    _note(cadre_b, "Của người khác")
    client = _client(cadre_a)

    for path in ("/", "/petitions/", "/tasks/", "/notifications/preferences/"):
        bell = _bell(client.get(path).content.decode())
        assert 'href="/notifications/"' in bell and 'class="bell-count">2<' in bell, path


def test_no_count_on_the_bell_when_everything_is_read(cadre_a: Any) -> None:
    _note(cadre_a, "Đã đọc", read=True)

    assert "bell-count" not in _bell(_client(cadre_a).get("/").content.decode())


def test_anonymous_visitors_have_no_bell(db: Any) -> None:
    assert 'class="bell"' not in Client().get("/").content.decode()


def test_the_inbox_lists_only_my_notifications_newest_first_unread_marked(
    cadre_a: Any, cadre_b: Any
) -> None:
    _note(cadre_a, "Cũ nhất", read=True)
    _note(cadre_a, "Giữa")
    _note(cadre_a, "Mới nhất")
    _note(cadre_b, "Của người khác")

    response = _client(cadre_a).get("/notifications/")

    assert response.status_code == 200
    html = response.content.decode()
    titles = re.findall(r'<button type="submit" class="link">([^<]+)</button>', html)
    assert titles[-3:] == ["Mới nhất", "Giữa", "Cũ nhất"]
    assert "Của người khác" not in html
    assert html.count('<li class="unread">') == 2 and html.count('<li class="read">') == 1


def test_the_inbox_costs_a_fixed_number_of_queries(cadre_a: Any, count_queries: Any) -> None:
    for i in range(30):
        _note(cadre_a, f"Nhắc việc {i}", read=i % 2 == 0)
    client = _client(cadre_a)
    with count_queries() as q:
        client.get("/notifications/")
    # session, the user with their unread count, the page of notifications, the memberships
    # (the menu asks the one rule); the same with 30 as with 1
    assert len(q) == 4, q


def test_opening_a_notification_marks_it_read_and_follows_its_link(cadre_a: Any) -> None:
    note = _note(cadre_a, "Đơn sắp đến hạn", url="/petitions/?state=due_soon")
    client = _client(cadre_a)

    response = client.post(f"/notifications/{note.pk}/open/")

    assert response.status_code == 302 and response["Location"] == "/petitions/?state=due_soon"
    note.refresh_from_db()
    assert note.read_at is not None
    assert "bell-count" not in _bell(client.get("/").content.decode())


def test_a_link_to_another_site_is_not_followed(cadre_a: Any) -> None:
    note = _note(cadre_a, "Lạ", url="https://example.com/")

    response = _client(cadre_a).post(f"/notifications/{note.pk}/open/")

    assert response["Location"] == "/notifications/"


def test_nobody_opens_someone_elses_notification(cadre_a: Any, cadre_b: Any) -> None:
    note = _note(cadre_b, "Của người khác")

    assert _client(cadre_a).post(f"/notifications/{note.pk}/open/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_marks_only_mine(cadre_a: Any, cadre_b: Any) -> None:
    _note(cadre_a, "Một")
    _note(cadre_a, "Hai")
    theirs = _note(cadre_b, "Của người khác")
    client = _client(cadre_a)

    response = client.post("/notifications/read-all/", follow=True)

    assert response.redirect_chain == [("/notifications/", 302)]
    assert not Notification.objects.filter(user=cadre_a, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "bell-count" not in _bell(response.content.decode())


def test_marking_is_a_post_only(cadre_a: Any) -> None:
    note = _note(cadre_a, "Một")
    client = _client(cadre_a)

    assert client.get("/notifications/read-all/").status_code == 405
    assert client.get(f"/notifications/{note.pk}/open/").status_code == 405


def test_the_inbox_asks_anonymous_visitors_to_sign_in(db: Any) -> None:
    response = Client().get("/notifications/")

    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/?next=/notifications/"
