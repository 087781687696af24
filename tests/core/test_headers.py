"""
Response headers (docs/operations.md, "Response headers"): a Content-Security-Policy on every
page, a Permissions-Policy on every response, `Cache-Control: no-store` on every API answer and
on every page for a signed-in person, `Retry-After` on every 429.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings

from danvan.core.headers import ResponseHeadersMiddleware
from tests.petitions.factories import PetitionFactory
from tests.tasks.factories import make_task

PASSWORD = "correct horse battery staple"


def _directives(response: Any) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    parts = [part.strip().split(" ", 1) for part in policy.split(";")]
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/admin/login/", "/api/v1/docs/", "/no-such-page/", "/healthz"]
)
def test_every_page_has_the_content_security_policy(client: Client, path: str) -> None:
    response = client.get(path)

    directives = _directives(response)
    assert directives["default-src"] == "'self'"
    # No inline script, event handler or style attribute is allowed, nor eval.
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_signed_in_persons_pages_have_it_too(client: Client, handler_a: Any, tree: Any) -> None:
    client.force_login(handler_a)
    for path in ("/", "/petitions/", "/petitions/new/", "/tasks/", "/admin/"):
        response = client.get(path)
        assert "script-src 'self'" in response["Content-Security-Policy"], path


def test_the_pages_have_no_inline_script_style_or_handler() -> None:
    """What the policy would block, found before a browser does (tests/browser/test_csp.py)."""
    import re
    from pathlib import Path

    root = Path(settings.BASE_DIR)
    templates = [
        p
        for p in root.glob("**/templates/**/*.html")
        if ".venv" not in p.parts and "notify" not in p.parts  # e-mails are not pages
    ]
    assert len(templates) > 20
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.I)
    found = [
        f"{p.relative_to(root)}: {m.group(0)}"
        for p in templates
        for m in inline.finditer(p.read_text())
    ]
    assert found == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/api/v1/me/", "/healthz", "/static/danvan/site.css"])
def test_every_response_denies_the_browser_features(client: Client, path: str) -> None:
    policy = client.get(path)["Permissions-Policy"]

    features = dict(part.split("=") for part in policy.split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature


@pytest.mark.django_db
def test_api_answers_with_personal_data_are_not_stored(
    api_as: Any, handler_a: Any, tree: Any
) -> None:
    api = api_as(handler_a)
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1)

    for path in ("/api/v1/me/", "/api/v1/petitions/", f"/api/v1/petitions/{petition.pk}/"):
        response = api.get(path)
        assert response.status_code == 200, path
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, path
        assert "public" not in cache_control and "max-age" not in cache_control


@pytest.mark.django_db
def test_the_etag_still_comes_with_no_store(api_as: Any, supervisor: Any, tree: Any) -> None:
    task = make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1)

    response = api_as(supervisor).get(f"/api/v1/tasks/{task.pk}/")

    assert response.status_code == 200
    assert response["ETag"] == f'"{task.pk}-1"'
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_even_a_refused_api_answer_is_not_stored(client: Client) -> None:
    response = client.get("/api/v1/me/")

    assert response.status_code == 401
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_pages_are_not_stored_for_a_signed_in_person_only(
    client: Client, cadre_a: Any, tree: Any
) -> None:
    assert "no-store" not in client.get("/").get("Cache-Control", "")
    assert "no-store" not in client.get("/static/danvan/site.css").get("Cache-Control", "")

    client.force_login(cadre_a)
    for path in ("/", "/tasks/", "/petitions/", "/notifications/preferences/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
    # Static files stay cacheable for everyone.
    assert "no-store" not in client.get("/static/danvan/site.css").get("Cache-Control", "")


def _lock_out(client: Client, path: str, data: dict[str, str], **extra: Any) -> Any:
    response = None
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(path, data, **extra)
    return response


@pytest.mark.django_db
def test_the_lockout_says_when_to_try_again(client: Client, cadre_a: Any) -> None:
    seconds = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    assert seconds == "900"

    api = _lock_out(
        client,
        "/api/v1/auth/token/",
        {"username": "cadre_a", "password": "wrong password here"},
        content_type="application/json",
    )
    assert api.status_code == 429 and api.json()["code"] == "locked_out"
    assert api["Retry-After"] == seconds

    page = _lock_out(
        Client(REMOTE_ADDR="10.1.2.3"),
        "/admin/login/?next=/admin/",
        {"username": "cadre_a", "password": "wrong password here"},
    )
    assert page.status_code == 429 and page["Content-Type"].startswith("text/html")
    assert page["Retry-After"] == seconds


@pytest.mark.django_db
@override_settings(CREATE_THROTTLE_RATE="1/min")
def test_the_api_throttle_and_the_page_throttle_say_when(
    api_as: Any, client: Client, cadre_a: Any
) -> None:
    cache.clear()
    api = api_as(cadre_a)
    answers = [api.post("/api/v1/auth/logout/", {}, format="json") for _ in range(2)]
    assert answers[-1].status_code == 429
    assert answers[-1].json()["code"] == "throttled"
    assert 0 < int(answers[-1]["Retry-After"]) <= 60

    cache.clear()
    client.force_login(cadre_a)
    pages = [client.post("/notifications/preferences/", {}) for _ in range(2)]
    assert pages[-1].status_code == 429
    assert 0 < int(pages[-1]["Retry-After"]) <= 60


def test_any_other_429_gets_a_retry_after() -> None:
    request = RequestFactory().get("/somewhere/")
    middleware = ResponseHeadersMiddleware(lambda request: HttpResponse(status=429))

    assert middleware(request)["Retry-After"] == "60"

    with_own = ResponseHeadersMiddleware(
        lambda request: HttpResponse(status=429, headers={"Retry-After": "7"})
    )
    assert with_own(request)["Retry-After"] == "7"
