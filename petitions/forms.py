"""The intake form for cadres: field-level messages, the same rules as the API (the service)."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from danvan.core.upload_forms import CAMERA_LABEL, FilesField, FilesFormMixin
from danvan.core.widgets import DateField
from danvan.org.models import Unit, User
from danvan.org.permissions import units_q
from danvan.org.selectors import units_visible_to
from petitions import roles as actions
from petitions import selectors, services
from petitions.models import Channel, LinkKind, Petition, PetitionField, PetitionKind, Result

CITIZEN_ID_MESSAGE = _("A citizen ID number (CCCD) has exactly 12 digits.")


class IntakeForm(FilesFormMixin, forms.Form):
    file_fields = ("attachments",)
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    # Querysets are the user's units, set in __init__.
    receiving_unit: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("receiving unit")
    )
    location_unit: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("location")
    )
    received_on = DateField(label=_("received on"))
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
    email = forms.EmailField(
        max_length=254,
        required=False,
        label=_("e-mail"),
        help_text=_("Where the citizen receives the notices of the procedure."),
    )
    is_collective = forms.BooleanField(required=False, label=_("collective petition"))
    head_count = forms.IntegerField(
        min_value=1,
        max_value=services.MAX_HEAD_COUNT,
        initial=1,
        label=_("number of petitioners"),
    )
    # The scanned letter and photos, saved with the petition in one transaction.
    attachments = FilesField(label=_("attached files (scans, photos)"))
    attachments_camera = FilesField(camera=True, label=CAMERA_LABEL)

    def _set_units(self, user: Any) -> None:
        units = units_visible_to(user)
        receiving = cast(forms.ModelChoiceField, self.fields["receiving_unit"])
        location = cast(forms.ModelChoiceField, self.fields["location_unit"])
        # Receiving units: those where the person may record petitions (petition.intake).
        receiving.queryset = units.filter(
            units_q(user, actions.INTAKE, ""), level__in=["province", "commune", "organisation"]
        )
        location.queryset = units.filter(level__in=["commune", "village"])
        self.fields["received_on"].initial = timezone.localdate()
        first = units.order_by("depth", "path").first()
        if first is not None:
            receiving.initial = first.pk
            location.initial = first.pk

    # The cadre's answer to the earlier petitions shown (petitions/_duplicates.html): the id of
    # the one this repeats, or "none" to go on; and the ids shown, so a new one is shown too.
    duplicate_choice = forms.RegexField(
        r"^(none|\d{1,18})$", required=False, widget=forms.HiddenInput
    )
    duplicates_shown = forms.RegexField(r"^[\d,]{0,400}$", required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)  # the files mixin keeps files per person
        self._set_units(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("is_anonymous") and not (data.get("full_name") or "").strip():
            self.add_error("full_name", _("Enter the petitioner's full name, or tick anonymous."))
        return data

    def shown_ids(self) -> set[int]:
        return {int(x) for x in (self.cleaned_data.get("duplicates_shown") or "").split(",") if x}


class DuplicateCheckForm(forms.Form):
    """What the intake form sends while the cadre types (lenient: a half-typed value is ignored)."""

    is_anonymous = forms.BooleanField(required=False)
    full_name = forms.CharField(max_length=150, required=False)
    citizen_id = forms.CharField(max_length=20, required=False)
    phone = forms.CharField(max_length=20, required=False)
    location_unit = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    summary = forms.CharField(max_length=500, required=False)
    content = forms.CharField(max_length=20000, required=False)

    def clean_citizen_id(self) -> str:
        value = (self.cleaned_data.get("citizen_id") or "").replace(" ", "")
        return value if services.CITIZEN_ID_RE.match(value) else ""

    def clean_phone(self) -> str:
        from petitions.models import normalise_phone

        value = normalise_phone(self.cleaned_data.get("phone") or "")
        return value if services.PHONE_RE.match(value) else ""


def intake_duplicates(user: Any, values: dict[str, Any]) -> list[tuple[Petition, str]]:
    """Earlier petitions like the one being recorded (the same rule while typing and on save)."""
    anonymous = values.get("is_anonymous")
    name = "" if anonymous else " ".join((values.get("full_name") or "").split())
    citizen_id = "" if anonymous else (values.get("citizen_id") or "")
    phone = "" if anonymous else (values.get("phone") or "")
    location = values.get("location_unit")
    location_id = getattr(location, "pk", location)
    return selectors.duplicate_candidates(
        user,
        citizen_ids=[citizen_id] if citizen_id else [],
        names_and_phones=[(name, phone)] if name and phone else [],
        names=[name] if name else [],
        location_unit_id=location_id or None,
        text=f"{values.get('summary') or ''} {values.get('content') or ''}",
    )


# --- Workflow transitions on the detail page --------------------------------------------------
# Each form collects what its service needs and calls it; the service decides (status,
# permission, dates, policy), and its refusals come back as field-level messages.
def _date(label: Any, *, required: bool = False) -> forms.DateField:
    # dd/mm/yyyy on every browser (danvan.core.widgets), not the browser's date input.
    return DateField(label=label, required=required)


def _reason(action: str = "", *, label: Any = None) -> forms.CharField:
    """A step's reason: required (and marked) exactly where the service requires it."""
    required = action in services.REASON_REQUIRED
    return forms.CharField(
        label=label or _("reason"),
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": services.reason_required_message()} if required else None,
    )


class TransitionForm(forms.Form):
    """Base: `run()` calls the service for `action`; `version` guards against stale pages."""

    action: str = ""
    title: Any = ""
    # False: not one of the page's "next steps" (asked from the duplicate suggestions).
    listed: bool = True
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, petition: Petition, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.action)
        kwargs.setdefault("initial", {"version": petition.version})
        super().__init__(*args, **kwargs)
        self.petition = petition
        self.user = user

    def run(self) -> Petition:
        raise NotImplementedError

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        version = data.pop("version", None)
        return {"actor": self.user, "petition": self.petition, "expected_version": version, **data}

    def add_service_error(self, field: str | None, message: str) -> None:
        name = (field or "").replace(".", "_")
        self.add_error(name if name in self.fields else None, message)


class AcceptForm(TransitionForm):
    action = "accept"
    title = _("Accept (thụ lý)")
    reason = _reason("accept")
    accepted_on = _date(_("accepted on"))

    def run(self) -> Petition:
        return services.petition_accept(**self.service_kwargs())


class GuideForm(TransitionForm):
    action = "guide"
    title = _("Guide the petitioner to the competent body")
    competent_body = forms.CharField(
        max_length=255,
        label=_("competent body"),
        error_messages={"required": _("Name the competent body.")},
    )
    reason = _reason("guide")

    def run(self) -> Petition:
        return services.petition_guide(**self.service_kwargs())


class TransferForm(TransitionForm):
    action = "transfer"
    title = _("Transfer to another unit")
    to_unit: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("to unit")
    )
    due_on = _date(_("receiver's deadline"))
    reason = _reason("transfer")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["to_unit"])
        field.queryset = transfer_targets(self.petition)
        self.fields["due_on"].help_text = _("Empty: the time the policy gives the receiver.")

    def run(self) -> Petition:
        return services.petition_transfer(**self.service_kwargs())


def transfer_targets(petition: Petition) -> Any:
    """Central and the provinces, and the province's own units and communes (not villages)."""
    parts = [p for p in petition.handling_unit.path.split("/") if p]
    near = Q(depth__lte=1)
    if len(parts) >= 2:  # below central: the province's own units and communes too
        near |= Q(path__startswith="/" + "/".join(parts[:2]) + "/", depth__lte=2)
    return (
        Unit.objects.filter(near, is_active=True)
        .exclude(pk=petition.handling_unit_id)
        .order_by("path")
    )


class ReportTransferForm(TransitionForm):
    action = "report_transfer"
    title = _("Report the transfer result back")
    result = forms.CharField(
        label=_("result reported"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Describe the result.")},
    )

    def run(self) -> Petition:
        return services.petition_report_transfer(**self.service_kwargs())


class ReturnPapersForm(TransitionForm):
    action = "return_papers"
    title = _("Return the original papers")
    reason = _reason("return_papers")

    def run(self) -> Petition:
        return services.petition_return_papers(**self.service_kwargs())


class FileForm(TransitionForm):
    action = "file"
    title = _("File without action")
    duplicate_of = forms.CharField(
        max_length=30,
        required=False,
        label=_("duplicate of (code of the earlier petition)"),
        help_text=_("Optional: filed as a duplicate of this petition, and linked to it."),
    )
    reason = _reason("file")

    def clean_duplicate_of(self) -> Petition | None:
        return _visible_by_code(self.user, self.cleaned_data.get("duplicate_of"))

    def run(self) -> Petition:
        return services.petition_file(**self.service_kwargs())


def _visible_by_code(user: Any, value: str | None) -> Petition | None:
    """The petition of the user's units with this code; a form error if none or several."""
    code = (value or "").strip().upper()
    if not code:
        return None
    found = list(selectors.petitions_visible_to(user).filter(code=code)[:2])
    if len(found) != 1:
        raise forms.ValidationError(
            _("No petition of your units has this code.")
            if not found
            else _("Several petitions of your units have this code; ask an administrator.")
        )
    return found[0]


class MergeForm(TransitionForm):
    action = "merge"
    title = _("Merge another petition into this one")
    absorbed = forms.CharField(
        max_length=30,
        label=_("code of the petition to merge into this one"),
        help_text=_(
            "It is filed as merged; its timeline, contents and files are shown on this page."
        ),
    )
    reason = _reason()

    def clean_absorbed(self) -> Petition | None:
        return _visible_by_code(self.user, self.cleaned_data.get("absorbed"))

    def run(self) -> Petition:
        return services.petition_merge(**self.service_kwargs())


def _visible_by_id(user: Any, value: Any) -> Petition:
    found = selectors.petitions_visible_to(user).filter(pk=value).first()
    if found is None:
        raise forms.ValidationError(_("This petition does not exist or is outside your units."))
    return found


class LinkDuplicateForm(TransitionForm):
    """A suggested earlier petition is the same matter: this one is linked as its duplicate."""

    action = "link"
    title = _("Same matter: mark as its duplicate")
    listed = False
    target = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)

    def clean_target(self) -> Petition:
        return _visible_by_id(self.user, self.cleaned_data["target"])

    def run(self) -> Petition:
        services.petition_link(kind=LinkKind.DUPLICATE_OF, **self.service_kwargs())
        return self.petition


class DismissDuplicateForm(TransitionForm):
    """A suggested earlier petition is not the same matter: it is not suggested again."""

    action = "dismiss_duplicate"
    title = _("Not the same matter")
    listed = False
    candidate = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)

    def clean_candidate(self) -> Petition:
        return _visible_by_id(self.user, self.cleaned_data["candidate"])

    def run(self) -> Petition:
        services.petition_dismiss_duplicate(**self.service_kwargs())
        return self.petition


class StartResolutionForm(TransitionForm):
    action = "start_resolution"
    title = _("Start resolving")
    reason = _reason("start_resolution")

    def run(self) -> Petition:
        return services.petition_start_resolution(**self.service_kwargs())


class ResolveForm(TransitionForm):
    action = "resolve"
    title = _("Resolve")
    result = forms.ChoiceField(choices=[("", "—"), *Result.choices], label=_("result"))
    answer_number = forms.CharField(max_length=50, label=_("answer document number"))
    answer_issued_on = _date(_("answer issued on"), required=True)
    answer_signer = forms.CharField(max_length=150, label=_("signed by"))
    answer_summary = forms.CharField(
        required=False, label=_("answer summary"), widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = _reason(label=_("note"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer_issued_on"].initial = timezone.localdate()

    def run(self) -> Petition:
        values = self.service_kwargs()
        answer = services.AnswerInput(
            number=values.pop("answer_number"),
            issued_on=values.pop("answer_issued_on"),
            signer=values.pop("answer_signer"),
            summary=values.pop("answer_summary"),
        )
        return services.petition_resolve(answer=answer, **values)


class CloseForm(TransitionForm):
    action = "close"
    title = _("Close")
    reason = _reason("close")

    def run(self) -> Petition:
        return services.petition_close(**self.service_kwargs())


class ReopenForm(TransitionForm):
    action = "reopen"
    title = _("Reopen as a second complaint")
    received_on = _date(_("second complaint received on"))
    reason = _reason("reopen")

    def run(self) -> Petition:
        return services.petition_reopen_second_complaint(**self.service_kwargs())


class SuspendForm(TransitionForm):
    action = "suspend"
    title = _("Suspend (the clock stops)")
    suspended_on = _date(_("suspended on"))
    reason = _reason("suspend")

    def run(self) -> Petition:
        return services.petition_suspend(**self.service_kwargs())


class ResumeForm(TransitionForm):
    action = "resume"
    title = _("Resume (the clock runs again)")
    resumed_on = _date(_("resumed on"))
    reason = _reason("resume")

    def run(self) -> Petition:
        return services.petition_resume(**self.service_kwargs())


class ExtendForm(TransitionForm):
    action = "extend"
    title = _("Extend the deadline by decision")
    days = forms.IntegerField(min_value=1, label=_("days"))
    decision_number = forms.CharField(
        max_length=50,
        label=_("decision number"),
        error_messages={"required": _("Enter the extension decision's number.")},
    )
    decided_on = _date(_("decided on"))
    reason = _reason("extend")

    def run(self) -> Petition:
        return services.petition_extend(**self.service_kwargs())


class AssignForm(TransitionForm):
    action = "assign"
    title = _("Assign to a person of the handling unit")
    assignee: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("assignee")
    )
    reason = _reason("assign")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["assignee"])
        field.queryset = services.assignable_users(self.petition)

    def run(self) -> Petition:
        return services.petition_assign(**self.service_kwargs())


# The order the detail page offers them in.
TRANSITION_FORMS: dict[str, type[TransitionForm]] = {
    form.action: form
    for form in (
        AcceptForm,
        StartResolutionForm,
        ResolveForm,
        TransferForm,
        ReportTransferForm,
        GuideForm,
        ReturnPapersForm,
        FileForm,
        SuspendForm,
        ResumeForm,
        ExtendForm,
        AssignForm,
        CloseForm,
        ReopenForm,
        MergeForm,
        LinkDuplicateForm,
        DismissDuplicateForm,
    )
}


class NoteForm(forms.Form):
    """An internal note beside the timeline: staff only, never shown to the citizen."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label=_("internal note"),
        max_length=services.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the text of the note.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)


class AttachForm(FilesFormMixin, forms.Form):
    """More files on a petition's page (petition.attach at its receiving or handling unit)."""

    # No version: a file added never conflicts with a step someone took meanwhile.
    file_fields = ("attachments",)
    attachments = FilesField(label=_("files to attach (scans, photos)"))
    attachments_camera = FilesField(camera=True, label=CAMERA_LABEL)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not self.files_for("attachments"):
            label = capfirst(str(self.fields["attachments"].label))
            message = _("Choose at least one file, or take a photo.")
            self.add_error("attachments", f"{label}: {message}")
        return data


class IdentityRevealForm(forms.Form):
    reason = forms.CharField(
        label=_("why you need to see the identity"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give a reason.")},
    )


class NoticeForm(forms.Form):
    """A draft notice: its text and the details the handler fills in before issuing it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    addressee = forms.CharField(
        max_length=255,
        required=False,
        label=_("addressed to"),
        help_text=_("Empty: the petitioners by name (added when the document is made)."),
    )
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), label=_("text"))
    number = forms.CharField(max_length=50, required=False, label=_("document number"))
    signer = forms.CharField(max_length=150, required=False, label=_("signed by"))
    signer_title = forms.CharField(max_length=150, required=False, label=_("signer's position"))
    place = forms.CharField(
        max_length=100,
        required=False,
        label=_("place of issue"),
        help_text=_("Empty: the unit's place name."),
    )
    issued_on = _date(_("issued on"))

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class NoticeWithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give a reason.")},
    )
