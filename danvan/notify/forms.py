"""The form behind a person's own notification preferences page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.notify.models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email", "in_app", "push", "daily_digest", "quiet_start", "quiet_end"]
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("quiet_start"), cleaned.get("quiet_end")
        if "quiet_start" in self.errors or "quiet_end" in self.errors:
            return cleaned
        if (start is None) != (end is None):
            field = "quiet_end" if end is None else "quiet_start"
            self.add_error(
                field, _("Give both the start and the end of the quiet hours, or neither.")
            )
        elif start is not None and start == end:
            self.add_error(
                "quiet_end", _("The quiet hours must end at another time than they start.")
            )
        return cleaned
