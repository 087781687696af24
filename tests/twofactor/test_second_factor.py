"""Administrators and superusers reach the admin with a second factor (ADMIN_REQUIRE_OTP)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import re
import struct
import time
from typing import Any

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from danvan.audit.models import AuditEvent, AuditKind
from tests.core.test_settings_env import PRODUCTION, manage
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory
ENROL = "/admin/second-factor/enrol/"
LOGIN = "/admin/login/"


def totp(secret: bytes, *, at: float | None = None, step: int = 30) -> str:
    """RFC 6238 written out here, independent of django-otp: HMAC-SHA1, 6 digits."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def sign_in(client: Any, user: Any, token: str = "") -> Any:
    data = {"username": user.username, "password": PASSWORD, "next": "/admin/"}
    if token:
        data["otp_token"] = token
    return client.post(LOGIN, data)


def admits(client: Any, url: str = "/admin/org/unit/") -> bool:
    response = client.get(url)
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def enrolled(user: Any) -> bytes:
    """An authenticator app already set up for `user`; returns its secret."""
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return bytes(device.bin_key)


@pytest.fixture
def otp_on(settings: Any) -> None:
    settings.ADMIN_REQUIRE_OTP = True  # as production.py sets it
    # django-otp makes the try after a wrong code wait (doubling); tested on its own below.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def superuser(tree: Any) -> Any:
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("persona", ["administrator", "superuser"])
def test_without_a_second_factor_the_powerful_reach_no_admin_page(client, request, otp_on, persona):
    user = request.getfixturevalue(persona)

    response = sign_in(client, user)  # the password is right

    assert response.status_code == 302
    assert not admits(client, "/admin/")
    assert not admits(client, "/admin/org/unit/")
    assert not admits(client, "/admin/org/user/")
    to_login = client.get("/admin/org/user/")
    assert to_login["Location"].startswith(LOGIN)
    to_enrol = client.get(to_login["Location"])
    assert to_enrol.status_code == 302
    assert to_enrol["Location"].startswith(ENROL)


def test_enrolment_with_the_apps_code_admits_and_a_wrong_code_is_refused(
    client, administrator, otp_on
):
    sign_in(client, administrator)
    page = client.get(ENROL)
    assert page.status_code == 200
    html = page.content.decode()
    shown = re.search(r'<code id="otp-secret">([A-Z2-7 ]+)</code>', html)
    assert shown, html
    letters = shown[1].replace(" ", "")
    secret = base64.b32decode(letters + "=" * (-len(letters) % 8))
    assert "otpauth://totp/" in html and "<svg" in html  # the QR code for the app
    code = totp(secret)

    refused = client.post(ENROL, {"token": wrong(code)})

    assert refused.status_code == 200
    assert 'class="errorlist' in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=administrator, confirmed=True).exists()
    assert not admits(client)

    accepted = client.post(ENROL, {"token": code, "next": "/admin/org/unit/"})

    assert accepted.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", accepted.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10  # backup codes, shown this once
    assert 'href="/admin/org/unit/"' in accepted.content.decode()
    assert admits(client, "/admin/org/unit/")
    assert admits(client, "/admin/org/user/")
    assert client.get(ENROL).status_code == 302  # enrolled: no second secret handed out

    # The next sign-in asks for the app's code (a later one: each code opens once).
    client.logout()
    assert sign_in(client, administrator).status_code == 200  # the password alone: refused
    assert not admits(client)
    response = sign_in(client, administrator, totp(secret, at=time.time() + 30))
    assert response.status_code == 302
    assert admits(client)


def test_the_sign_in_asks_the_enrolled_for_their_code(client, administrator, otp_on):
    secret = enrolled(administrator)

    without = sign_in(client, administrator)
    assert without.status_code == 200  # the form again, with the reason
    assert [e.code for e in without.context["form"].non_field_errors().as_data()] == [
        "otp_required"
    ]
    assert not admits(client)

    mistyped = sign_in(client, administrator, wrong(totp(secret)))
    assert [e.code for e in mistyped.context["form"].non_field_errors().as_data()] == [
        "otp_invalid"
    ]
    assert not admits(client)
    failed = AuditEvent.objects.get(kind=AuditKind.LOGIN_FAILED)
    assert (failed.username, failed.detail) == (administrator.username, {"reason": "second factor"})

    assert sign_in(client, administrator, totp(secret)).status_code == 302
    assert admits(client)


def test_after_wrong_codes_even_the_right_one_waits(client, administrator, otp_on, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1000  # seconds: the test cannot outlast it
    secret = enrolled(administrator)
    sign_in(client, administrator, wrong(totp(secret)))

    response = sign_in(client, administrator, totp(secret))

    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["otp_wait"]
    assert not admits(client)
    sign_in(client, administrator)
    enrolment = client.post(ENROL, {"token": "123456"})  # enrolled already: nothing to do here
    assert enrolment.status_code == 302


def test_a_backup_code_opens_once(client, administrator, otp_on):
    enrolled(administrator)
    backup = StaticDevice.objects.create(user=administrator, name="backup", confirmed=True)
    backup.token_set.create(token="abcd2345")

    assert sign_in(client, administrator, "abcd 2345").status_code == 302
    assert admits(client)

    client.logout()
    assert sign_in(client, administrator, "abcd2345").status_code == 200  # used up
    assert not admits(client)


def test_a_commune_cadre_is_unaffected(client, cadre_a, otp_on):
    assert sign_in(client, cadre_a).status_code == 302

    assert admits(client, "/admin/")
    assert admits(client, "/admin/org/unit/")
    assert client.get(ENROL)["Location"] == "/admin/"  # nothing to enrol


def test_embedded_mode_exempts_the_administrators_and_says_so(client, administrator, superuser):
    login_page = client.get(LOGIN).content.decode()
    assert 'id="second-factor-note"' in login_page
    assert "otp_token" not in login_page

    assert sign_in(client, administrator).status_code == 302
    assert admits(client, "/admin/org/user/")
    index = client.get("/admin/").content.decode()
    assert 'id="second-factor-note"' in index
    client.logout()
    assert sign_in(client, superuser).status_code == 302
    assert admits(client, "/admin/org/user/")


def test_production_turns_it_on_and_the_note_goes(client, otp_on):
    page = client.get(LOGIN).content.decode()

    assert 'name="otp_token"' in page
    assert 'id="second-factor-note"' not in page
    result = manage(
        "shell", "-v", "0", "-c", "from django.conf import settings as s; "
        "print(s.ADMIN_REQUIRE_OTP)", **PRODUCTION
    )  # fmt: skip
    assert result.stdout.strip() == "True", result.stderr[-2000:]


def test_recovery_removes_the_devices_and_asks_for_a_new_enrolment(client, administrator, otp_on):
    secret = enrolled(administrator)
    StaticDevice.objects.create(user=administrator, name="backup", confirmed=True)
    assert sign_in(client, administrator, totp(secret)).status_code == 302
    assert admits(client)
    out = io.StringIO()

    call_command("reset_second_factor", administrator.username, stdout=out)

    assert "2" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=administrator).exists()
    assert not StaticDevice.objects.filter(user=administrator).exists()
    assert not admits(client)  # the session verified by the removed app loses the admin
    client.logout()
    sign_in(client, administrator)  # the password alone, then enrol again
    assert client.get("/admin/")["Location"].startswith(LOGIN)
    assert client.get(LOGIN)["Location"].startswith(ENROL)


def test_the_api_token_sign_in_stays_a_password(client, administrator, otp_on):
    """Documented decision: the API grants no administration, so it keeps its password sign-in."""
    response = client.post(
        "/api/v1/auth/token/",
        {"username": administrator.username, "password": PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
