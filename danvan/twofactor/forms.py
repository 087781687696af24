"""Sign-in with a code from the authenticator app, and confirming a new one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

from danvan.twofactor import rules


class SecondFactorLoginForm(AdminAuthenticationForm):
    """The admin's sign-in: an administrator with an authenticator also types its code."""

    otp_token = forms.CharField(
        label=_("Authentication code"),
        required=False,
        max_length=32,
        help_text=_(
            "Administrators: the 6 digits shown by the authenticator app, or one backup code."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "otp_required": _(
            "Your account needs a second factor: enter the code from your authenticator app."
        ),
        "otp_wait": _(
            "Several wrong codes were typed: wait a few seconds, then type the code now shown."
        ),
        "otp_invalid": _(
            "The authentication code is wrong or has expired. Wait for a new code and try again."
        ),
    }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user = self.get_user()
        if user is None or not rules.second_factor_required(user):
            return cleaned
        if not rules.has_authenticator(user):
            return cleaned  # signs in, then the admin sends them to enrol one
        token = cleaned.get("otp_token") or ""
        if not token.strip():
            raise forms.ValidationError(self.error_messages["otp_required"], code="otp_required")
        try:
            device = rules.verify(user, token)
        except rules.TooSoon:
            raise forms.ValidationError(self.error_messages["otp_wait"], code="otp_wait") from None
        if device is None:
            from danvan.audit.models import AuditKind
            from danvan.audit.services import record

            record(
                AuditKind.LOGIN_FAILED,
                username=user.get_username(),
                request=self.request,
                detail={"reason": "second factor"},
            )
            raise forms.ValidationError(self.error_messages["otp_invalid"], code="otp_invalid")
        # django-otp marks the session verified by this device when the sign-in completes.
        user.otp_device = device  # type: ignore[attr-defined]
        return cleaned


class ConfirmDeviceForm(forms.Form):
    wrong_code = _("This code does not match. Check the phone's clock and type the code now shown.")
    wait = SecondFactorLoginForm.error_messages["otp_wait"]

    token = forms.CharField(
        label=_("Code shown by the app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
