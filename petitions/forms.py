"""The intake form for cadres: field-level messages, the same rules as the API (the service)."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.org.models import Unit
from danvan.org.selectors import units_visible_to
from petitions.models import Channel, PetitionField, PetitionKind

CITIZEN_ID_MESSAGE = _("A citizen ID number (CCCD) has exactly 12 digits.")


class IntakeForm(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    # Querysets are the user's units, set in __init__.
    receiving_unit: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("receiving unit")
    )
    location_unit: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("location")
    )
    received_on = forms.DateField(
        label=_("received on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    channel = forms.ChoiceField(choices=Channel.choices, label=_("channel"))
    kind = forms.ChoiceField(choices=PetitionKind.choices, label=_("kind"))
    field = forms.ModelChoiceField(
        queryset=PetitionField.objects.filter(is_active=True).select_related("parent"),
        required=False,
        label=_("field"),
    )
    summary = forms.CharField(max_length=500, label=_("summary"))
    content = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label=_("content")
    )
    address = forms.CharField(max_length=255, required=False, label=_("address"))
    is_anonymous = forms.BooleanField(required=False, label=_("anonymous"))
    full_name = forms.CharField(max_length=150, required=False, label=_("full name"))
    citizen_id = forms.RegexField(
        r"^\d{12}$",
        required=False,
        label=_("citizen ID number"),
        error_messages={"invalid": CITIZEN_ID_MESSAGE},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        max_length=20,
        required=False,
        label=_("phone"),
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    petitioner_address = forms.CharField(
        max_length=255, required=False, label=_("petitioner's address")
    )
    is_collective = forms.BooleanField(required=False, label=_("collective petition"))
    head_count = forms.IntegerField(min_value=1, initial=1, label=_("number of petitioners"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = units_visible_to(user)
        receiving = cast(forms.ModelChoiceField, self.fields["receiving_unit"])
        location = cast(forms.ModelChoiceField, self.fields["location_unit"])
        receiving.queryset = units.filter(level__in=["province", "commune", "organisation"])
        location.queryset = units.filter(level__in=["commune", "village"])
        self.fields["received_on"].initial = timezone.localdate()
        first = units.order_by("depth", "path").first()
        if first is not None:
            receiving.initial = first.pk
            location.initial = first.pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("is_anonymous") and not (data.get("full_name") or "").strip():
            self.add_error("full_name", _("Enter the petitioner's full name, or tick anonymous."))
        return data
