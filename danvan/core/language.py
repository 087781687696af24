"""
Which language a request is answered in: the person's choice, never the browser's.

Signed in (session or bearer token): the language of their profile (`User.language`).
Not signed in: the one picked with the header's selector (the language cookie), else
Vietnamese (LANGUAGE_CODE). Accept-Language is ignored everywhere: an office computer or a
phone set to English still shows the Vietnamese pages and messages a cadre expects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def supported(code: Any) -> str | None:
    """`code` if it is one of settings.LANGUAGES, else None."""
    codes = {language for language, _name in settings.LANGUAGES}
    return code if isinstance(code, str) and code in codes else None


def chosen_language(request: HttpRequest) -> str:
    """The language of a request not (yet) known to be signed in: the cookie, else vi."""
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return supported(cookie) or settings.LANGUAGE_CODE


def user_language(user: Any) -> str | None:
    """A signed-in person's profile language; None for anyone else."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return supported(getattr(user, "language", None))


def activate(request: Any, language: str) -> None:
    translation.activate(language)
    request.LANGUAGE_CODE = language


def activate_for_user(request: Any, user: Any) -> None:
    """After authentication (the pages' session, the API's bearer token): their language."""
    language = user_language(user)
    if language is not None:
        activate(request, language)
        # The API wraps Django's request; both carry the language.
        inner = getattr(request, "_request", None)
        if inner is not None:
            inner.LANGUAGE_CODE = language


class LanguageMiddleware:
    """
    In place of Django's LocaleMiddleware (which reads Accept-Language). Before the view
    runs, the cookie or Vietnamese; once authentication has run (process_view), the
    signed-in person's profile language. Bearer-token requests are authenticated by the
    API itself, which switches to the profile language then (danvan.org.authentication).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        activate(request, chosen_language(request))
        response = self.get_response(request)
        language = translation.get_language() or settings.LANGUAGE_CODE
        # The language depends on the cookie (session or language cookie), nothing else.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        activate_for_user(request, getattr(request, "user", None))


def remember_language(response: HttpResponse, language: str) -> None:
    """The language cookie, as Django's set_language writes it (kept after signing out)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
