"""The movement's web forms: they collect what a service needs; the service decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from danvan.core.widgets import DateField
from danvan.org.models import Unit
from danvan.org.permissions import units_q
from movement import roles as actions
from movement.models import Award, DropReason, Indicator, ModelField

FILE_WIDGET = forms.ClearableFileInput(
    attrs={"accept": "image/*,application/pdf", "capture": "environment"}
)


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    # dd/mm/yyyy on every browser (danvan.core.widgets), not the browser's date input.
    return DateField(label=label, required=required)


def units_for(user: Any, action: str) -> QuerySet[Unit]:
    """The units where `user` may take `action` (its own posts and the units below them)."""
    return Unit.objects.filter(units_q(user, action, ""), is_active=True).order_by("path")


class FiguresMixin(forms.Form):
    """One number field per active indicator (figure_<code>), all optional."""

    def add_figure_fields(self, required_one: bool = False) -> None:
        self.indicators = list(Indicator.objects.filter(is_active=True))
        for indicator in self.indicators:
            self.fields[f"figure_{indicator.code}"] = forms.DecimalField(
                label=f"{indicator.name} ({indicator.measure})",
                required=False,
                min_value=0,
                max_digits=17,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            )

    @property
    def figure_fields(self) -> list[Any]:
        return [self[f"figure_{i.code}"] for i in self.indicators]

    def figures(self) -> dict[str, Any]:
        return {
            i.code: self.cleaned_data[f"figure_{i.code}"]
            for i in self.indicators
            if self.cleaned_data.get(f"figure_{i.code}") is not None
        }


class ModelForm(FiguresMixin):
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("name"), max_length=500)
    field = forms.ChoiceField(label=_("field"), choices=ModelField.choices)
    year_started = forms.IntegerField(label=_("year started"), min_value=1945, max_value=2100)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    participants = forms.CharField(
        label=_("people and organisations taking part"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    results = forms.CharField(
        label=_("results"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(
        label=_("photo or document (optional)"), required=False, widget=FILE_WIDGET
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["unit"]
        field.queryset = units_for(user, actions.RECORD)
        self.add_figure_fields()


class RecogniseForm(forms.Form):
    recognising_unit = forms.ModelChoiceField(
        label=_("recognising unit"), queryset=Unit.objects.none()
    )
    decision_number = forms.CharField(label=_("decision number"), max_length=100)
    decision_date = _date(_("decision date"))
    award = forms.ChoiceField(label=_("award"), choices=Award.choices, required=False)
    award_by = forms.CharField(label=_("award given by"), max_length=255, required=False)

    def __init__(self, *args: Any, user: Any, model: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The model's unit and the units above it where the person reviews.
        above = [p for p in _ancestor_paths(model.unit.path)]
        field: Any = self.fields["recognising_unit"]
        field.queryset = units_for(user, actions.REVIEW).filter(path__in=above).order_by("-depth")


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


class ReplicateForm(forms.Form):
    replicated_in = forms.CharField(
        label=_("replicated in"), widget=forms.Textarea(attrs={"rows": 2})
    )


class KeepForm(forms.Form):
    year = forms.IntegerField(label=_("year of the review"), min_value=1945, max_value=2100)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DropForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason dropped"), choices=DropReason.choices)
    note = forms.CharField(
        label=_("why dropped"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("file"), widget=FILE_WIDGET)
    caption = forms.CharField(label=_("caption"), required=False, max_length=255)


class SubmitForm(forms.Form):
    pass


STEP_FORMS: dict[str, type[forms.Form]] = {
    "submit": SubmitForm,
    "recognise": RecogniseForm,
    "replicate": ReplicateForm,
    "keep": KeepForm,
    "drop": DropForm,
    "evidence": EvidenceForm,
}


class ReviewForm(forms.Form):
    year = forms.IntegerField(label=_("year of the review"), min_value=1945, max_value=2100)
    outcome = forms.ChoiceField(
        label=_("outcome"),
        choices=[("keep", _("Keep: still effective")), ("drop", _("Drop"))],
    )
    reason = forms.ChoiceField(
        label=_("reason dropped"), choices=[("", "—"), *DropReason.choices], required=False
    )
    note = forms.CharField(label=_("note"), required=False, max_length=5000)


class FiguresForm(FiguresMixin):
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none())
    period_start = _date(_("period from"))
    period_end = _date(_("period to"))
    period_label = forms.CharField(
        label=_("period (as written in the report)"), max_length=100, required=False
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["unit"]
        field.queryset = units_for(user, actions.REPORT_FIGURES)
        self.add_figure_fields()


class DialogueForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none())
    held_on = _date(_("held on"))
    leader_name = forms.CharField(label=_("leader"), max_length=255)
    leader_title = forms.CharField(label=_("leader's post"), max_length=255, required=False)
    place = forms.CharField(label=_("place"), max_length=255, required=False)
    participants_count = forms.IntegerField(
        label=_("participants"), min_value=0, max_value=1_000_000, initial=0
    )
    topics = forms.CharField(
        label=_("topics"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    issues = forms.CharField(
        label=_("issues raised (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["unit"]
        field.queryset = units_for(user, actions.RECORD_DIALOGUE)


class IssueForm(forms.Form):
    text = forms.CharField(label=_("what was raised"), widget=forms.Textarea(attrs={"rows": 2}))
    raised_by = forms.CharField(label=_("raised by"), max_length=255, required=False)


class AnswerForm(forms.Form):
    number = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=32767)
    answer = forms.CharField(label=_("answer"), widget=forms.Textarea(attrs={"rows": 2}))
    resolved = forms.BooleanField(label=_("resolved"), required=False)


class ToPetitionForm(forms.Form):
    number = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=32767)
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[("recommendation", _("Recommendation")), ("feedback", _("Feedback"))],
    )


class ToTaskForm(forms.Form):
    number = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=32767)
    lead_unit = forms.ModelChoiceField(label=_("lead unit"), queryset=Unit.objects.none())
    due_on = _date(_("due on"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from danvan.org.selectors import units_visible_to

        field: Any = self.fields["lead_unit"]

        field.queryset = units_visible_to(user).order_by("path")
