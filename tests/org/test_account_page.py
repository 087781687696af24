"""/tai-khoan/ ("Tài khoản của tôi"): a person's language, units and roles."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from danvan.org.models import Role, User
from danvan.org.services import membership_add

URL = "/tai-khoan/"


@pytest.mark.django_db
def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert "/dang-nhap/" in response["Location"]


def test_page_shows_my_units_and_roles_in_vietnamese_only_mine(
    client: Client, tree: Any, cadre_a: Any, cadre_b: Any, count_queries: Any
) -> None:
    # Two posts: both are shown, and nothing of cadre_b's.
    membership_add(user=cadre_a, unit=tree.commune_a2, role=Role.PETITION_HANDLER)
    client.force_login(cadre_a)

    with count_queries() as queries:
        response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    # session, user, memberships with their units
    assert len(queries) == 4, queries  # session, user, memberships, the menu's roles

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Tài khoản của tôi</h1>" in html
    assert tree.commune_a1.name in html and tree.commune_a2.name in html
    assert "Cán bộ cấp xã" in html and "Cán bộ xử lý đơn" in html
    assert tree.commune_b1.name not in html
    assert 'name="language" value="vi" id="id_language_0" required checked' in html
    assert '<label for="id_language_0">Tiếng Việt</label>' in html


def test_header_links_to_my_account_next_to_my_name(client: Client, cadre_a: Any) -> None:
    client.force_login(cadre_a)

    html = client.get("/").content.decode()

    assert '<a href="/tai-khoan/" data-nav="account">Tài khoản của tôi</a>' in html
    assert '<a href="/tai-khoan/"' not in Client().get("/").content.decode()


def test_choosing_english_saves_the_profile_and_answers_in_english(
    client: Client, cadre_a: Any, cadre_b: Any
) -> None:
    client.force_login(cadre_a)

    response = client.post(URL, {"language": "en"}, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 302 and response["Location"] == URL
    assert User.objects.get(pk=cadre_a.pk).language == "en"
    assert User.objects.get(pk=cadre_b.pk).language == "vi"
    # Kept for the sign-in page too, after signing out.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "<h1>My account</h1>" in html
    assert "Your account settings are saved." in html


def test_a_language_not_offered_is_refused_in_vietnamese(client: Client, cadre_a: Any) -> None:
    client.force_login(cadre_a)

    response = client.post(URL, {"language": "fr"})

    assert response.status_code == 200
    assert "Hãy chọn một trong các ngôn ngữ được cung cấp." in response.content.decode()
    assert User.objects.get(pk=cadre_a.pk).language == "vi"
