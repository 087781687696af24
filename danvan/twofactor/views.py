"""Enrolling an authenticator app: the secret as text and QR code, confirmed by one code."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from danvan.twofactor import rules
from danvan.twofactor.forms import ConfirmDeviceForm

BACKUP_CODES = 10


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _qr_svg(url: str) -> SafeString:
    """The QR code as inline SVG: squares only, no text of the URL (so nothing to escape)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=16)
    svg: str = image.to_string(encoding="unicode")
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703


@never_cache
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and request.POST.get("action") == "logout":
        auth.logout(request)
        return HttpResponseRedirect(reverse("admin:login"))
    user: Any = request.user
    if not rules.second_factor_required(user):
        return HttpResponseRedirect(reverse("admin:index"))
    if rules.has_authenticator(user):
        # Enrolled already: the code is asked at sign-in (or they are verified already).
        return HttpResponseRedirect(
            _next(request) if user.is_verified() else reverse("admin:login")
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = ConfirmDeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("token", ConfirmDeviceForm.wait)
        elif device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _new_backup_codes(user)
            otp_login(request, device)
            return render(
                request,
                "twofactor/backup_codes.html",
                {"codes": codes, "next": _next(request), **_context(request)},
            )
        else:
            form.add_error("token", ConfirmDeviceForm.wrong_code)
    return render(
        request,
        "twofactor/enrol.html",
        {
            "form": form,
            "secret": _grouped(device.bin_key),
            "otpauth_url": device.config_url,
            "qr_svg": _qr_svg(device.config_url),
            "next": _next(request),
            **_context(request),
        },
    )


def _grouped(key: bytes) -> str:
    """The secret as the apps ask for it when typed in: base32, in groups of four."""
    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _new_backup_codes(user: Any) -> list[str]:
    """Ten single-use codes for a lost phone, replacing any earlier ones; shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _context(request: HttpRequest) -> dict[str, Any]:
    from django.contrib import admin

    return {
        **admin.site.each_context(request),
        "title": _("Second factor for the administration"),
        "issuer": getattr(settings, "OTP_TOTP_ISSUER", "danvan"),
    }
