"""Forms of the task pages: the web face of the services' rules, with messages per field."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.core.upload_forms import CAMERA_LABEL, FilesField, FilesFormMixin
from tasks.models import PROGRESS_FIGURES

# The service's own words, so the page and the API say the same thing.
PERCENT_MESSAGE = _("The progress must be a whole number from 0 to 100.")
TEXT_MESSAGE = _("Describe what was done.")


class ProgressReportForm(FilesFormMixin, forms.Form):
    file_fields = ("evidence",)
    # A double submit (a phone on a slow network) carries the same id: one report, not two.
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    text = forms.CharField(
        label=_("what was done"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": TEXT_MESSAGE},
    )
    percent = forms.IntegerField(
        label=_("progress (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "required": PERCENT_MESSAGE,
            "invalid": PERCENT_MESSAGE,
            "min_value": PERCENT_MESSAGE,
            "max_value": PERCENT_MESSAGE,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
    )
    # Photos and scans; kept across a validation error (danvan.core.upload_forms).
    evidence = FilesField(label=_("evidence files (photos, scans)"))
    evidence_camera = FilesField(camera=True, label=CAMERA_LABEL)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One optional number per figure the model knows (m² donated, workdays …).
        for key, label in PROGRESS_FIGURES.items():
            self.fields[f"figure_{key}"] = forms.DecimalField(
                label=label,
                required=False,
                min_value=0,
                max_digits=15,
                decimal_places=2,
                error_messages={
                    "invalid": _("Enter a number of zero or more."),
                    "min_value": _("Enter a number of zero or more."),
                },
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            )

    def figure_fields(self) -> list[forms.BoundField]:
        return [self[f"figure_{key}"] for key in PROGRESS_FIGURES]

    def figures(self) -> dict[str, int | float]:
        """The figures filled in, as numbers (whole numbers stay whole)."""
        values: dict[str, int | float] = {}
        for key in PROGRESS_FIGURES:
            value = self.cleaned_data.get(f"figure_{key}")
            if value is not None:
                values[key] = int(value) if value == value.to_integral_value() else float(value)
        return values


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for returning"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for returning the task.")},
    )
