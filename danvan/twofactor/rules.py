"""
Who needs a second factor for the admin, and checking one.

"The powerful" are superusers and everyone holding an administrator membership: they manage
accounts, roles and the whole configuration. Everyone else (commune cadres, handlers,
supervisors) signs in with a password as before. Nobody needs one unless ADMIN_REQUIRE_OTP
(on in production, off in embedded mode so the demo accounts work as printed).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from danvan.org.models import Role


class TooSoon(Exception):
    """Wrong codes were typed just before: django-otp's throttle makes the next try wait."""


def is_powerful(user: Any) -> bool:
    # Who must sign in with a second factor: a fact about a person's posts (an administrator
    # anywhere), not leave to act on a record, so not a question for danvan.org.permissions.
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_danvan_administrator", None)  # asked several times per page
    if cached is None:
        cached = user.memberships.filter(role=Role.ADMINISTRATOR).exists()
        user._danvan_administrator = cached
    return bool(cached)


def second_factor_required(user: Any) -> bool:
    return bool(settings.ADMIN_REQUIRE_OTP) and is_powerful(user)


def has_authenticator(user: Any) -> bool:
    """An enrolled (confirmed) authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_satisfied(request: Any) -> bool:
    """The admin lets this session in: no second factor needed, or one was given at sign-in."""
    user = request.user
    if not second_factor_required(user):
        return True
    return bool(getattr(user, "is_verified", lambda: False)())


def verify(user: Any, token: str) -> Device | None:
    """The device that accepts `token`: 6 digits for the app, anything else a backup code.

    Raises TooSoon while the throttle after wrong codes holds (the delay doubles each time).
    """
    token = "".join(token.split()).lower()
    if not token:
        return None
    devices: Any
    if token.isdigit() and len(token) == 6:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    waiting = False
    for device in devices:
        allowed, _extra = device.verify_is_allowed()
        if not allowed:
            waiting = True  # wrong codes just before: this device waits a little
        elif device.verify_token(token):
            return device
    if waiting:
        raise TooSoon
    return None


def forget_devices(user: Any) -> int:
    """Remove every authenticator and backup code of `user` (recovery); returns how many."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()  # a backup-code device takes its codes with it
    return removed
