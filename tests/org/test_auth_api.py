"""Token authentication for mobile clients, logout, lockout and password rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation
from rest_framework.test import APIClient

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
TOKEN_URL = "/api/v1/auth/token/"
REFRESH_URL = "/api/v1/auth/token/refresh/"
LOGOUT_URL = "/api/v1/auth/logout/"
LOCKOUT_MESSAGE = (
    "Too many failed login attempts. This account is locked for a while; "
    "try again later or ask an administrator."
)


def assert_error_shape(body: dict[str, Any], code: str | None = None) -> None:
    assert set(body) == {"code", "message", "fields"}, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["fields"], dict)
    if code is not None:
        assert body["code"] == code, body


def obtain(api: APIClient, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return api.post(TOKEN_URL, {"username": username, "password": password}, format="json", **extra)


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


# --- Obtain, use, refresh, logout --------------------------------------------------------
def test_obtain_pair_and_use_access_token(api, cadre_a):
    response = obtain(api, "cadre_a")

    assert response.status_code == 200, response.content
    pair = response.json()
    assert set(pair) == {"access", "refresh"}
    me = bearer(pair["access"]).get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "cadre_a"


def test_token_sign_in_updates_last_login(api, cadre_a):
    assert cadre_a.last_login is None

    obtain(api, "cadre_a")

    cadre_a.refresh_from_db()
    assert cadre_a.last_login is not None


def test_refresh_rotates_and_old_refresh_is_refused(api, cadre_a):
    pair = obtain(api, "cadre_a").json()

    first = api.post(REFRESH_URL, {"refresh": pair["refresh"]}, format="json")
    assert first.status_code == 200, first.content
    rotated = first.json()
    assert rotated["refresh"] != pair["refresh"]
    assert bearer(rotated["access"]).get("/api/v1/me/").status_code == 200

    again = api.post(REFRESH_URL, {"refresh": pair["refresh"]}, format="json")
    assert again.status_code == 401
    assert_error_shape(again.json(), "token_not_valid")
    assert again.json()["message"] == "Mã truy cập đã bị thu hồi"  # simplejwt: blacklisted

    # The new refresh token still works once.
    assert api.post(REFRESH_URL, {"refresh": rotated["refresh"]}, format="json").status_code == 200


def test_logout_revokes_refresh_and_access_token(api, cadre_a):
    pair = obtain(api, "cadre_a").json()
    client = bearer(pair["access"])

    response = client.post(LOGOUT_URL, {"refresh": pair["refresh"]}, format="json")

    assert response.status_code == 204, response.content
    refused = api.post(REFRESH_URL, {"refresh": pair["refresh"]}, format="json")
    assert refused.status_code == 401
    assert_error_shape(refused.json())
    me = client.get("/api/v1/me/")
    assert me.status_code == 401
    assert_error_shape(me.json(), "token_not_valid")
    assert me.json()["message"] == "Mã truy cập này đã bị thu hồi khi đăng xuất."


def test_logout_with_someone_elses_refresh_token_is_400(api, cadre_a, cadre_b):
    mine = obtain(api, "cadre_a").json()
    theirs = obtain(api, "cadre_b").json()

    response = bearer(mine["access"]).post(LOGOUT_URL, {"refresh": theirs["refresh"]})

    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body, "invalid")
    assert body["fields"] == {"refresh": ["Mã làm mới này thuộc về người dùng khác."]}
    # Their token was not revoked.
    assert api.post(REFRESH_URL, {"refresh": theirs["refresh"]}, format="json").status_code == 200


@pytest.mark.parametrize("payload", [{}, {"refresh": ""}, {"refresh": "not-a-token"}])
def test_logout_with_missing_or_bad_refresh_is_400(api, cadre_a, payload):
    pair = obtain(api, "cadre_a").json()

    response = bearer(pair["access"]).post(LOGOUT_URL, payload, format="json")

    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body, "invalid")
    assert "refresh" in body["fields"]


def test_logout_anonymous_is_401(api):
    response = api.post(LOGOUT_URL, {"refresh": "x"}, format="json")

    assert response.status_code == 401
    assert_error_shape(response.json())


# --- Bad input -------------------------------------------------------------------------------
def test_wrong_password_is_401_in_error_shape(api, cadre_a):
    response = obtain(api, "cadre_a", "wrong password here")

    assert response.status_code == 401
    assert_error_shape(response.json())


def test_unknown_user_is_401(api, tree):
    response = obtain(api, "nobody")

    assert response.status_code == 401
    assert_error_shape(response.json())


def test_inactive_user_cannot_obtain_token(api, tree):
    UserFactory(username="gone", is_active=False)

    response = obtain(api, "gone")

    assert response.status_code == 401
    assert_error_shape(response.json())


def test_missing_username_is_400_naming_the_field(api, tree):
    response = api.post(TOKEN_URL, {"password": PASSWORD}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body, "invalid")
    assert list(body["fields"]) == ["username"]


def test_non_json_body_is_400_not_500(api, tree):
    response = api.post(TOKEN_URL, data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert_error_shape(response.json(), "parse_error")


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        '"text"',
        '{"username": {"a": 1}, "password": "x"}',
        '{"username": null, "password": "x"}',
        '{"username": ["a"], "password": ["b"]}',
        '{"username": "a\\u0000b", "password": "x"}',
    ],
)
def test_odd_json_bodies_are_400_not_500(api, tree, body):
    response = api.post(TOKEN_URL, data=body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert_error_shape(response.json(), "invalid")


def test_null_json_body_is_400(api, tree):
    response = api.post(TOKEN_URL, data="null", content_type="application/json")

    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body, "invalid")
    assert list(body["fields"]) == ["non_field_errors"]


def test_null_json_body_message_is_vietnamese(api, tree):
    response = api.post(TOKEN_URL, data="null", content_type="application/json")

    assert response.json()["message"] != "No data provided."


def test_null_character_message_is_vietnamese(api, tree):
    body = '{"username": "a\\u0000b", "password": "x"}'

    response = api.post(TOKEN_URL, data=body, content_type="application/json")

    assert response.json()["fields"]["username"] != ["Null characters are not allowed."]


def test_overlong_username_is_400_not_500(api, tree):
    """django-axes would store it in a varchar(255): a 500 on PostgreSQL before the limit."""
    response = obtain(api, "a" * 5000)

    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body, "invalid")
    assert list(body["fields"]) == ["username"]


def test_long_user_agent_is_harmless(api, cadre_a):
    response = obtain(api, "cadre_a", "wrong password here", HTTP_USER_AGENT="x" * 3000)

    assert response.status_code == 401


def test_sign_in_takes_json_only_and_other_bodies_are_a_415_in_vietnamese(api, cadre_a):
    # Request bodies are JSON (only uploads take multipart): the schema declares one type.
    form = api.post(
        TOKEN_URL,
        data=f"username=cadre_a&password={PASSWORD.replace(' ', '+')}",
        content_type="application/x-www-form-urlencoded",
    )
    xml = api.post(TOKEN_URL, data="<x/>", content_type="text/xml")

    assert form.status_code == 415
    assert xml.status_code == 415
    assert_error_shape(xml.json(), "unsupported_media_type")
    assert form.json()["message"] == (
        "Kiểu dữ liệu “application/x-www-form-urlencoded” trong yêu cầu không được hỗ trợ."
    )
    assert obtain(api, "cadre_a").status_code == 200


def test_refresh_with_garbage_is_401_and_missing_is_400(api, tree):
    garbage = api.post(REFRESH_URL, {"refresh": "garbage"}, format="json")
    missing = api.post(REFRESH_URL, {}, format="json")

    assert garbage.status_code == 401
    assert_error_shape(garbage.json())
    assert missing.status_code == 400
    assert list(missing.json()["fields"]) == ["refresh"]


# --- Lockout (django-axes) ---------------------------------------------------------------
LIMIT = settings.AXES_FAILURE_LIMIT


def test_limit_is_five():
    assert LIMIT == 5


def test_token_endpoint_locks_out_after_repeated_failures(api, cadre_a, cadre_b):
    for _ in range(LIMIT - 1):
        assert obtain(api, "cadre_a", "wrong password here").status_code == 401
    # The attempt that reaches the limit is refused as a lockout.
    last = obtain(api, "cadre_a", "wrong password here")
    assert last.status_code == 429, last.content
    assert_error_shape(last.json(), "locked_out")

    # Locked: even the right password is refused, with no tokens handed out.
    right = obtain(api, "cadre_a", PASSWORD)
    assert right.status_code == 429
    body = right.json()
    assert_error_shape(body, "locked_out")
    assert "access" not in body

    # Another person from the same address is not locked.
    assert obtain(api, "cadre_b", PASSWORD).status_code == 200


def test_success_before_the_limit_resets_the_count(api, cadre_a):
    for _ in range(LIMIT - 1):
        assert obtain(api, "cadre_a", "wrong password here").status_code == 401
    assert obtain(api, "cadre_a").status_code == 200
    for _ in range(LIMIT - 1):
        assert obtain(api, "cadre_a", "wrong password here").status_code == 401

    assert obtain(api, "cadre_a").status_code == 200


def test_lockout_is_per_address(api, cadre_a):
    for _ in range(LIMIT):
        obtain(api, "cadre_a", "wrong password here")

    elsewhere = obtain(api, "cadre_a", REMOTE_ADDR="10.9.8.7")

    assert elsewhere.status_code == 200


def test_forwarded_for_is_ignored_without_proxies(api, cadre_a):
    """A client cannot escape its lockout by claiming another address."""
    for i in range(LIMIT):
        obtain(api, "cadre_a", "wrong password here", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")

    response = obtain(api, "cadre_a", HTTP_X_FORWARDED_FOR="198.51.100.77")

    assert settings.AXES_CLIENT_IP_CALLABLE == "danvan.org.authentication.client_ip_address"
    assert response.status_code == 429


def test_behind_a_proxy_the_lockout_follows_the_real_client(api, cadre_a, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_CLIENT_IP_CALLABLE = "danvan.org.authentication.client_ip_address"
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(LIMIT):
        obtain(api, "cadre_a", "wrong password here", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)

    locked = obtain(api, "cadre_a", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    # The proxy appends what it saw; what the client wrote before it is ignored.
    spoofed = obtain(api, "cadre_a", HTTP_X_FORWARDED_FOR="203.0.113.9, 203.0.113.5", **proxy)
    other_client = obtain(api, "cadre_a", HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)

    assert locked.status_code == 429
    assert spoofed.status_code == 429
    assert other_client.status_code == 200


def _admin_login(client: Any, username: str, password: str) -> Any:
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def test_admin_login_locks_out_after_repeated_failures(client, cadre_a, cadre_b):
    for _ in range(LIMIT - 1):
        response = _admin_login(client, "cadre_a", "wrong password here")
        assert response.status_code == 200  # the form again, with an error
    last = _admin_login(client, "cadre_a", "wrong password here")
    assert last.status_code == 429
    assert last["Content-Type"].startswith("text/html")
    with translation.override("vi"):
        message = translation.gettext(LOCKOUT_MESSAGE)
    assert message != LOCKOUT_MESSAGE  # Vietnamese by default
    assert message in last.content.decode()

    right = _admin_login(client, "cadre_a", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still not signed in

    # Another user from the same address signs in.
    other = _admin_login(client, "cadre_b", PASSWORD)
    assert other.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_failures_on_admin_and_token_endpoint_add_up(client, api, cadre_a):
    for _ in range(LIMIT - 1):
        _admin_login(client, "cadre_a", "wrong password here")

    response = obtain(api, "cadre_a", PASSWORD)

    # The fifth failure would lock; the right password still gets in before that.
    assert response.status_code == 200
    for _ in range(LIMIT):
        _admin_login(client, "cadre_a", "wrong password here")
    assert obtain(api, "cadre_a", PASSWORD).status_code == 429


# --- Throttle --------------------------------------------------------------------------------
def test_login_throttle_answers_429_in_error_shape(api, tree, settings):
    from rest_framework.throttling import ScopedRateThrottle

    rates = {**ScopedRateThrottle.THROTTLE_RATES, "login": "3/min"}
    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = rates
    try:
        # Different unknown names, so axes never locks anything here; a made-up
        # X-Forwarded-For does not give a fresh allowance.
        codes = [
            obtain(api, f"nobody{i}", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
            for i in range(4)
        ]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original

    assert codes == [401, 401, 401, 429]


# --- Password validators -------------------------------------------------------------------
@pytest.mark.parametrize("password", ["short1", "password123", "1234567890", "qwertyuiop"])
def test_weak_passwords_are_rejected(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_password_like_the_username_is_rejected(tree):
    user = UserFactory(username="nguyenvanan", full_name="Nguyễn Văn An")

    with pytest.raises(ValidationError):
        validate_password("nguyenvanan1", user=user)


def test_strong_password_is_accepted():
    validate_password("mây trắng bay qua đồi thông")
