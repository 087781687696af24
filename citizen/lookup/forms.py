"""The look-up's input, for the page (forms) and the API (serializers): one set of rules."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from citizen.lookup.selectors import CODE_MAX_LENGTH
from petitions.models import PetitionKind, Result, Stage, Status

CODE_LABEL = _("petition code")
DIGITS_LABEL = _("last 4 digits of your phone number")
CODE_REQUIRED = _("Enter the petition code printed on your receipt.")
CODE_TOO_LONG = _("A petition code has at most 30 characters.")  # CODE_MAX_LENGTH
DIGITS_INVALID = _("Enter exactly 4 digits (0–9): the end of the phone number you gave.")
# Digits 0-9 only: Python's \d would also take other scripts' digits, which no phone has.
DIGITS = re.compile(r"[0-9]{4}")


class UnechoedTextInput(forms.TextInput):
    """A text input that never writes its value back into the page (the phone's digits)."""

    def format_value(self, value: Any) -> None:
        return None


class LookupForm(forms.Form):
    code = forms.CharField(
        label=CODE_LABEL,
        max_length=CODE_MAX_LENGTH,
        error_messages={"required": CODE_REQUIRED, "max_length": CODE_TOO_LONG},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "DT-2026-000123",
            }
        ),
    )
    phone_last4 = forms.CharField(
        label=DIGITS_LABEL,
        max_length=4,
        error_messages={"required": DIGITS_INVALID, "max_length": DIGITS_INVALID},
        widget=UnechoedTextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "pattern": "[0-9]{4}",
                "maxlength": "4",
            }
        ),
    )

    def clean_phone_last4(self) -> str:
        digits = str(self.cleaned_data["phone_last4"])
        if not DIGITS.fullmatch(digits):
            raise forms.ValidationError(DIGITS_INVALID, code="invalid")
        return digits


class PublicStatusLookupSerializer(serializers.Serializer):
    """The petition's code and the last 4 digits of the phone its petitioner gave."""

    code = serializers.CharField(
        label=CODE_LABEL,
        max_length=CODE_MAX_LENGTH,
        help_text=_("As printed on the receipt, e.g. DT-2026-000123 (the DT- may be left out)."),
        error_messages={
            "required": CODE_REQUIRED,
            "blank": CODE_REQUIRED,
            "max_length": CODE_TOO_LONG,
        },
    )
    phone_last4 = serializers.RegexField(
        r"^[0-9]{4}$",
        label=DIGITS_LABEL,
        max_length=4,
        error_messages={
            "required": DIGITS_INVALID,
            "blank": DIGITS_INVALID,
            "invalid": DIGITS_INVALID,
            "max_length": DIGITS_INVALID,
        },
    )


class PublicPetitionStatusSerializer(serializers.Serializer):
    """A petition as its petitioner may follow it: no name, no phone, no content."""

    code = serializers.CharField(read_only=True)
    receiving_unit = serializers.CharField(
        read_only=True, help_text=_("The body that received the petition.")
    )
    kind = serializers.ChoiceField(choices=PetitionKind.choices, read_only=True)
    kind_display = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    status_display = serializers.CharField(
        read_only=True, help_text=_("The status said plainly, for the citizen.")
    )
    received_on = serializers.DateField(read_only=True)
    accepted_on = serializers.DateField(read_only=True, allow_null=True)
    due_date = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text=_("The current legal deadline while the petition's clock runs."),
    )
    # "" when there is none, as in the petitions API.
    clock_stage = serializers.ChoiceField(choices=Stage.choices, read_only=True, allow_blank=True)
    clock_stage_display = serializers.CharField(
        read_only=True, help_text=_('What the deadline is for; "" when no clock runs.')
    )
    result = serializers.ChoiceField(choices=Result.choices, read_only=True, allow_blank=True)
    result_display = serializers.CharField(
        read_only=True, help_text=_('The resolution\'s result; "" until it is resolved.')
    )
    finished_on = serializers.DateField(read_only=True, allow_null=True)


class PublicPetitionStatusListSerializer(serializers.Serializer):
    petitions = PublicPetitionStatusSerializer(many=True, read_only=True)
