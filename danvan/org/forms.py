"""The person's own account page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.org.models import LANGUAGE_CHOICES


class AccountForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the pages and messages"),
        choices=LANGUAGE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the languages offered.")},
    )
