"""
One JSON error shape for the API, in the person's language; HTML pages for people.

The language is the signed-in person's profile setting, else the language cookie (the
header's selector), else Vietnamese; Accept-Language never changes it (danvan.core.language).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings

VI_UNAUTHENTICATED = "Chưa cung cấp thông tin xác thực."
EN_UNAUTHENTICATED = "Authentication credentials were not provided."
VI_NOT_FOUND = "Không tìm thấy."
EN_NOT_FOUND = "Not found."


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "fields"}, body
    assert body["code"] == code, body
    return body


def english(client: Any) -> Any:
    """The client chose English with the header's selector (the language cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- 401 -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "accept_language", [None, "vi", "vi-VN,vi;q=0.9,en;q=0.5", "en", "en-US,en;q=0.9", "fr"]
)
def test_401_is_vietnamese_whatever_the_browser_asks(api, db, accept_language):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}

    response = api.get("/api/v1/me/", **headers)

    body = error(response, 401, "not_authenticated")
    assert body["message"] == VI_UNAUTHENTICATED
    assert response["Content-Language"] == "vi"


@pytest.mark.parametrize(("cookie", "message"), [("en", EN_UNAUTHENTICATED), ("fr", None)])
def test_401_follows_the_language_chosen_in_the_header(api, db, cookie, message):
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie  # "fr" is not offered: Vietnamese

    response = api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="vi")

    assert error(response, 401, "not_authenticated")["message"] == (message or VI_UNAUTHENTICATED)
    assert response["Content-Language"] == (cookie if message else "vi")


def test_wrong_password_message_in_vietnamese_and_english(api, cadre_a):
    data = {"username": "cadre_a", "password": "wrong password here"}

    vi = error(
        api.post("/api/v1/auth/token/", data, format="json", HTTP_ACCEPT_LANGUAGE="en"),
        401,
        "no_active_account",
    )
    en = error(
        english(api).post("/api/v1/auth/token/", data, format="json"), 401, "no_active_account"
    )

    assert en["message"] == "No active account found with the given credentials"
    assert vi["message"] == (
        "Không tìm thấy tài khoản đang hoạt động khớp với thông tin đăng nhập đã cung cấp"
    )


def test_bad_bearer_token_in_vietnamese(api, db):
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    body = error(api.get("/api/v1/me/"), 401, "token_not_valid")

    assert body["message"] == "Mã truy cập không hợp lệ với bất kỳ loại mã nào"


# --- 404 -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("profile", "accept_language", "message"),
    [
        ("vi", None, VI_NOT_FOUND),
        ("vi", "en", VI_NOT_FOUND),  # the browser's language does not override the profile
        ("en", None, EN_NOT_FOUND),
        ("en", "vi", EN_NOT_FOUND),
    ],
)
def test_404_for_an_object_speaks_the_profile_language(
    api_as, tree, cadre_a, profile, accept_language, message
):
    cadre_a.language = profile
    cadre_a.save(update_fields=["language"])
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}

    # A sibling's commune: out of scope answers exactly like a missing one.
    out_of_scope = api_as(cadre_a).get(f"/api/v1/units/{tree.commune_a2.pk}/", **headers)
    missing = api_as(cadre_a).get("/api/v1/units/999999/", **headers)

    assert error(out_of_scope, 404, "not_found")["message"] == message
    assert error(missing, 404, "not_found")["message"] == message
    assert missing["Content-Language"] == profile


@pytest.mark.parametrize(
    ("cookie", "accept_language", "message"),
    [(None, None, VI_NOT_FOUND), (None, "en", VI_NOT_FOUND), ("en", "vi", EN_NOT_FOUND)],
)
def test_unknown_api_url_is_a_json_404(client, db, cookie, accept_language, message):
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}

    response = client.get("/api/v1/no-such-thing/", **headers)

    assert error(response, 404, "not_found")["message"] == message


def test_unknown_page_is_an_html_404(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "<html" in response.content.decode().lower()


def test_unknown_page_asking_for_json_gets_json(client, db):
    response = client.get("/no-such-page/", HTTP_ACCEPT="application/json")

    error(response, 404, "not_found")


# --- 400, 403, 405 ---------------------------------------------------------------------------
def test_validation_error_names_the_field_in_vietnamese(api, tree):
    body = error(api.post("/api/v1/auth/token/", {"password": "x"}, format="json"), 400, "invalid")

    assert body["fields"] == {"username": ["Trường này là bắt buộc."]}
    assert body["message"] == "Tên đăng nhập: Trường này là bắt buộc."


def test_validation_error_in_english(api, tree):
    response = english(api).post("/api/v1/auth/token/", {"password": "x"}, format="json")

    body = error(response, 400, "invalid")
    assert body["fields"] == {"username": ["This field is required."]}
    assert body["message"] == "Username: This field is required."


def test_method_not_allowed_is_in_the_error_shape(api_as, tree, cadre_a):
    response = api_as(cadre_a).delete(f"/api/v1/units/{tree.commune_a1.pk}/")

    error(response, 405, "method_not_allowed")


def test_lockout_message_is_translated(api, cadre_a, settings):
    data = {"username": "cadre_a", "password": "wrong password here"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api.post("/api/v1/auth/token/", data, format="json")

    vi = error(
        api.post("/api/v1/auth/token/", data, format="json", HTTP_ACCEPT_LANGUAGE="en"),
        429,
        "locked_out",
    )
    en = error(english(api).post("/api/v1/auth/token/", data, format="json"), 429, "locked_out")

    assert en["message"].startswith("Too many failed login attempts")
    assert vi["message"] != en["message"]


# --- 400 that Django refuses before any view -------------------------------------------------
@pytest.mark.parametrize(
    ("cookie", "message"),
    [(None, "Yêu cầu quá lớn."), ("en", "The request is too large.")],
)
def test_an_oversized_api_body_is_a_json_400(api, db, settings, cookie, message):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    if cookie:
        api.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    headers = {"HTTP_ACCEPT_LANGUAGE": "en"}  # ignored

    response = api.post(
        "/api/v1/auth/token/",
        {"username": "a" * 5000, "password": "x"},
        format="json",
        **headers,
    )

    assert error(response, 400, "request_too_large")["message"] == message


def test_a_host_not_allowed_gets_the_json_shape_on_the_api(client, db):
    response = client.get("/api/v1/units/", HTTP_HOST="evil.example")

    assert error(response, 400, "bad_request")["message"] == "Yêu cầu không hợp lệ."


def test_a_host_not_allowed_gets_a_vietnamese_page_on_the_web(client, db):
    response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Yêu cầu không hợp lệ" in page
    assert "Bad Request" not in page


def test_permission_denied_outside_drf_asks_json_gets_json(client, tree, cadre_a):
    """A web view refusing a person answers in the API's shape to a client asking for JSON."""
    from django.core.exceptions import PermissionDenied

    from danvan.core.views import permission_denied

    request = client.get("/").wsgi_request
    request.META["HTTP_ACCEPT"] = "application/json"
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    body = json.loads(response.content)
    assert body["code"] == "permission_denied"
    assert body["message"] == "Bạn không có quyền thực hiện thao tác này."
