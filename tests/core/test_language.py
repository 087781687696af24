"""
Vietnamese unless the person chose otherwise: the profile's language when signed in, the
header selector's (cookie) otherwise, never the browser's Accept-Language.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from danvan.org.models import User

VI_LOG_IN = "Đăng nhập"
# In every page's title, signed in or not.
EN_HOME = "· Mass mobilization work</title>"
VI_HOME = "· Công tác dân vận</title>"


def page(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def choose(user: Any, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


@pytest.mark.django_db
@pytest.mark.parametrize("accept_language", ["en", "en-US,en;q=0.9", "fr", ""])
def test_anonymous_visitor_gets_vietnamese_whatever_the_browser_asks(
    client: Client, accept_language: str
) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)

    html = page(response)
    assert '<html lang="vi">' in html
    assert VI_HOME in html and VI_LOG_IN in html
    assert response["Content-Language"] == "vi"
    assert "Accept-Language" not in response.get("Vary", "")


@pytest.mark.django_db
def test_anonymous_visitor_who_picked_english_in_the_header_gets_english(client: Client) -> None:
    switched = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_ACCEPT_LANGUAGE="vi"
    )

    assert switched.status_code == 302
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = page(client.get("/", HTTP_ACCEPT_LANGUAGE="vi"))
    assert '<html lang="en">' in html and EN_HOME in html


def test_signed_in_person_gets_their_profile_language_not_the_browsers(
    client: Client, cadre_a: Any
) -> None:
    choose(cadre_a, "en")
    client.force_login(cadre_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"  # an old choice on this computer

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="vi-VN,vi;q=0.9")

    html = page(response)
    assert '<html lang="en">' in html and EN_HOME in html
    assert response["Content-Language"] == "en"


def test_default_profile_is_vietnamese_even_on_an_english_browser(
    client: Client, cadre_a: Any
) -> None:
    assert User.objects.get(pk=cadre_a.pk).language == "vi"
    client.force_login(cadre_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # picked before signing in

    html = page(client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))

    assert '<html lang="vi">' in html and VI_HOME in html


def test_switching_in_the_header_while_signed_in_saves_the_profile(
    client: Client, cadre_a: Any, cadre_b: Any
) -> None:
    client.force_login(cadre_a)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/petitions/"})

    assert response.status_code == 302 and response["Location"] == "/petitions/"
    assert User.objects.get(pk=cadre_a.pk).language == "en"
    assert User.objects.get(pk=cadre_b.pk).language == "vi"  # nobody else's
    # Another computer, no cookie: still English, because it is the profile's.
    elsewhere = Client()
    elsewhere.force_login(cadre_a)
    assert EN_HOME in page(elsewhere.get("/", HTTP_ACCEPT_LANGUAGE="vi"))

    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert User.objects.get(pk=cadre_a.pk).language == "vi"
    assert VI_HOME in page(elsewhere.get("/"))


@pytest.mark.parametrize("language", ["fr", "", "en-US"])
def test_a_language_not_offered_changes_nothing(
    client: Client, cadre_a: Any, language: str
) -> None:
    client.force_login(cadre_a)

    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})

    assert response.status_code == 302
    assert User.objects.get(pk=cadre_a.pk).language == "vi"
    assert VI_HOME in page(client.get("/"))


def test_a_get_to_the_selector_changes_nothing(client: Client, cadre_a: Any) -> None:
    client.force_login(cadre_a)

    response = client.get("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert User.objects.get(pk=cadre_a.pk).language == "vi"


def test_api_with_a_bearer_token_speaks_the_profile_language(api_as: Any, cadre_a: Any) -> None:
    choose(cadre_a, "en")

    response = api_as(cadre_a).get("/api/v1/units/999999/", HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 404
    assert response.json()["message"] == "Not found."
    assert response["Content-Language"] == "en"


def test_api_with_the_session_speaks_the_profile_language(client: Client, cadre_a: Any) -> None:
    choose(cadre_a, "en")
    client.force_login(cadre_a)

    response = client.get("/api/v1/units/999999/", HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 404
    assert response.json()["message"] == "Not found."


def test_api_ignores_accept_language_for_a_vietnamese_profile(api_as: Any, cadre_a: Any) -> None:
    response = api_as(cadre_a).get("/api/v1/units/999999/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["message"] == "Không tìm thấy."
    assert response["Content-Language"] == "vi"


def test_me_tells_the_app_the_profile_language(api_as: Any, cadre_a: Any) -> None:
    choose(cadre_a, "en")

    assert api_as(cadre_a).get("/api/v1/me/").json()["language"] == "en"
