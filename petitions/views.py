"""Pages for cadres and handlers: the unit's petitions, intake, and a petition's own page."""

from __future__ import annotations

from datetime import date
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from citizen.messages import citizen_messages_for
from danvan.core.downloads import file_response
from danvan.core.errors import ServiceError
from danvan.core.saved_view_pages import saved_views_context
from danvan.org.models import User
from danvan.org.permissions import holds_anywhere
from petitions import roles as actions
from petitions import selectors, services
from petitions.forms import (
    TRANSITION_FORMS,
    AttachForm,
    DuplicateCheckForm,
    IdentityRevealForm,
    IntakeForm,
    NoteForm,
    TransitionForm,
    intake_duplicates,
)
from petitions.models import (
    OPEN_STATUSES,
    DeadlineState,
    NoticeStatus,
    Petition,
    PetitionEvent,
    Result,
)
from petitions.workflow import WORKFLOW

PAGE_SIZE = 100
# Service field names -> form field names, so a refusal shows next to the right input.
FORM_FIELDS = {
    "petitioners.0.full_name": "full_name",
    "petitioners.0.citizen_id": "citizen_id",
    "petitioners.0.phone": "phone",
    "petitioners.0.email": "email",
    "petitioners": "full_name",
    "file": "attachments",
}


@login_required
def petition_list(request: HttpRequest) -> HttpResponse:
    """The petitions of the user's units, newest first, with their deadline state."""
    queryset = selectors.petition_list(request.user).order_by("-received_on", "-id")
    state = request.GET.get("state", "")
    if state in DeadlineState.values:
        queryset = selectors.filter_deadline_state(queryset, state)
    term = request.GET.get("q", "").strip()
    if term:
        queryset = selectors.petitions_search(queryset, term)
    unassigned = request.GET.get("assigned") == "none"
    if unassigned:
        queryset = queryset.filter(selectors.UNASSIGNED_Q)
    context = selectors.DeadlineContext()
    rows = [
        {
            "petition": p,
            "deadline": context.info(p),
            "names": ", ".join(selectors.petitioner_names(p)),
        }
        for p in queryset[:PAGE_SIZE]
    ]
    return render(
        request,
        "petitions/list.html",
        {
            "rows": rows,
            "states": DeadlineState.choices,
            "state": state,
            "q": term,
            "unassigned": unassigned,
            "export_query": export_query(
                deadline_state=state, q=term, unassigned="true" if unassigned else ""
            ),
            **saved_views_context(request, "petitions"),
        },
    )


def export_query(**filters: str) -> str:
    """The export of the list as filtered (every date, no unit: exactly what the list holds)."""
    return urlencode({"all_dates": 1, **{k: v for k, v in filters.items() if v}})


@login_required
def petition_intake(request: HttpRequest) -> HttpResponse:
    """Record a petition; a double submit (same hidden client id) never makes two."""
    form = IntakeForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        people = (
            []
            if v["is_anonymous"]
            else [
                services.PetitionerInput(
                    full_name=v["full_name"],
                    citizen_id=v["citizen_id"],
                    phone=v["phone"],
                    address=v["petitioner_address"],
                    email=v["email"],
                )
            ]
        )
        # A double submit (the same hidden client id) is not its own duplicate.
        found = [
            (p, why)
            for p, why in intake_duplicates(request.user, v)
            if p.client_id != v["client_id"]
        ]
        choice = v["duplicate_choice"]
        unseen = {p.pk for p, _why in found} - form.shown_ids()
        if found and (not choice or unseen):
            # Not saved yet: the cadre sees the earlier petitions and links or goes on (the
            # files chosen are kept, as after a validation error).
            form.keep_files()
            return _render_intake(request, form, found, asked=True)
        try:
            petition, _created = services.petition_create_with_files(
                actor=cast(User, request.user),
                client_id=v["client_id"],
                uploads=form.files_for("attachments"),
                duplicate_of=int(choice) if choice.isdigit() else None,
                dismissed=sorted({p.pk for p, _why in found} | form.shown_ids()),
                data=services.PetitionData(
                    receiving_unit=v["receiving_unit"],
                    location_unit=v["location_unit"],
                    received_on=v["received_on"],
                    channel=v["channel"],
                    kind=v["kind"],
                    field=v["field"],
                    summary=v["summary"],
                    content=v["content"],
                    address=v["address"],
                    is_anonymous=v["is_anonymous"],
                    is_collective=v["is_collective"],
                    head_count=v["head_count"],
                    petitioners=people,
                ),
            )
        except ServiceError as error:
            field = FORM_FIELDS.get(error.field or "", error.field)
            form.add_error(field if field in form.fields else None, error.message)
        else:
            form.discard_kept()
            messages.success(
                request,
                _("Petition %(code)s recorded; deadline %(due)s.")
                % {
                    "code": petition.code,
                    "due": petition.due_date.strftime("%d/%m/%Y") if petition.due_date else "—",
                },
            )
            # The cadre goes on with the petition just recorded (its steps, files, notes).
            return redirect("petitions:detail", petition.pk)
    if form.is_bound:
        form.keep_files()  # shown again: the files chosen need not be chosen again
    return _render_intake(request, form, [])


def _render_intake(
    request: HttpRequest, form: IntakeForm, found: list[Any], *, asked: bool = False
) -> HttpResponse:
    rows = duplicate_rows(found)
    choice = form["duplicate_choice"].value() or ""
    context = {
        "form": form,
        "duplicates": rows,
        "duplicates_asked": asked,
        "duplicates_shown": ",".join(str(row["id"]) for row in rows),
        "duplicate_choice": choice if any(str(r["id"]) == choice for r in rows) else "",
    }
    return render(request, "petitions/intake.html", context)


def duplicate_rows(found: list[Any]) -> list[dict[str, Any]]:
    """What the intake shows of each earlier petition: no petitioner's identity."""
    return [
        {
            "id": petition.pk,
            "code": petition.code,
            "received_on": petition.received_on.strftime("%d/%m/%Y"),
            "kind": str(petition.get_kind_display()),
            "status": str(petition.get_status_display()),
            "summary": petition.summary[:200],
            "reason": str(selectors.DUPLICATE_REASONS.get(why, why)),
            "url": reverse("petitions:detail", args=[petition.pk]),
        }
        for petition, why in found
    ]


@login_required
@require_POST
def petition_intake_duplicates(request: HttpRequest) -> JsonResponse:
    """
    The intake form asks while the cadre types (danvan/duplicates.js): earlier petitions of
    the same CCCD or phone, or of a similar name and summary in the same commune, among those
    the person sees. POST, so that no CCCD or phone number lands in a URL or an access log.
    """
    if not holds_anywhere(request.user, actions.INTAKE):
        raise PermissionDenied
    form = DuplicateCheckForm(request.POST)
    found = intake_duplicates(request.user, form.cleaned_data) if form.is_valid() else []
    response = JsonResponse({"candidates": duplicate_rows(found)})
    response["Cache-Control"] = "no-store, private"
    return response


# --- A petition's own page --------------------------------------------------------------------
# What the timeline shows of an event's details; other keys (ids, sizes) stay in the data.
EVENT_DETAILS: dict[str, Any] = {
    "accepted_on": gettext_lazy("accepted on"),
    "due_date": gettext_lazy("deadline"),
    "competent_body": gettext_lazy("competent body"),
    "from_unit": gettext_lazy("from"),
    "to_unit": gettext_lazy("to"),
    "due_on": gettext_lazy("receiver's deadline"),
    "duplicate_of_code": gettext_lazy("duplicate of"),
    "result": gettext_lazy("result"),
    "answer_number": gettext_lazy("answer document number"),
    "answer_issued_on": gettext_lazy("answer issued on"),
    "received_on": gettext_lazy("received on"),
    "suspended_on": gettext_lazy("suspended on"),
    "resumed_on": gettext_lazy("resumed on"),
    "days": gettext_lazy("days"),
    "decision_number": gettext_lazy("decision number"),
    "from": gettext_lazy("previous deadline"),
    "to": gettext_lazy("new deadline"),
    "assignee_name": gettext_lazy("assignee"),
    "target_code": gettext_lazy("linked petition"),
    "candidate_code": gettext_lazy("suggested petition"),
    "merged_into_code": gettext_lazy("merged into"),
    "absorbed_code": gettext_lazy("merged petition"),
}


def _detail_value(key: str, value: Any) -> str:
    if key == "result" and value in Result.values:
        return str(Result(value).label)
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)


def event_details(event: PetitionEvent) -> list[tuple[str, str]]:
    data = event.data if isinstance(event.data, dict) else {}
    return [
        (str(label), _detail_value(key, data[key]))
        for key, label in EVENT_DETAILS.items()
        if data.get(key) not in (None, "")
    ]


def _render_detail(
    request: HttpRequest,
    petition: Petition,
    *,
    bound: TransitionForm | None = None,
    identity: list[dict[str, Any]] | None = None,
    identity_form: IdentityRevealForm | None = None,
    note_form: NoteForm | None = None,
    attach_form: AttachForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    available = WORKFLOW.available_to(user, petition)
    forms = [
        bound
        if bound is not None and bound.action == action
        else form_class(petition=petition, user=user)
        for action, form_class in TRANSITION_FORMS.items()
        if form_class.listed
        and (action in available or (bound is not None and bound.action == action))
    ]
    # One step offered first (a primary button, with why); the others stay folded below it.
    recommendation = services.recommended_action(petition, available)
    primary = next((f for f in forms if recommendation and f.action == recommendation.action), None)
    may_note = may_leave_note(user, petition)
    hidden = selectors.identity_hidden(petition)
    masked = identity is None and selectors.numbers_masked(petition, user)
    granted = selectors.granted_paths(user)  # read once for the history and the suggestions
    notices = selectors.notices_of(petition)
    merged = selectors.merged_into_ids(petition)
    events = [
        {"event": event, "details": event_details(event)}
        for event in selectors.petition_timeline(petition, merged=merged)
    ]
    context = {
        "petition": petition,
        "deadline": selectors.deadline_info(petition),
        "petitioners": (
            identity if identity is not None else selectors.petitioner_rows(petition, user)
        ),
        "identity_hidden": hidden and identity is None,
        "numbers_masked": masked,
        "identity_revealed": identity is not None,
        "can_reveal": masked
        or (
            hidden
            and identity is None
            and bool(petition.parties.all())
            and selectors.user_may_see_denouncer(user, petition)
        ),
        "identity_form": identity_form or IdentityRevealForm(),
        "forms": forms,
        "primary": primary,
        "recommendation": recommendation,
        "other_forms": [f for f in forms if f is not primary],
        "bound": bound,
        "notes": selectors.petition_notes(petition),
        "note_form": (note_form or NoteForm(initial={"version": petition.version}))
        if may_note
        else None,
        "events": events,
        # A denunciation's file names often name its writer: shown only beside a logged reveal.
        "attachments": [
            (a, selectors.attachment_name(a, hidden=hidden and identity is None))
            for a in petition.attachments.all()
        ],
        "may_attach": may_attach(user, petition),
        "attach_form": attach_form or AttachForm(),
        "links": petition.links.all(),
        "linked_from": selectors.links_to(user, petition),
        # The citizen's other petitions; a denouncer's only beside a logged reveal.
        "history": selectors.petitioner_history(
            user, petition, identity_shown=identity is not None, granted=granted
        ),
        # For those who settle them (link or dismiss), while the petition is open.
        "suggestions": (
            duplicate_rows(selectors.duplicate_suggestions(user, petition, granted=granted))
            if "dismiss_duplicate" in available and petition.status in OPEN_STATUSES
            else []
        ),
        "history_hidden": hidden and identity is None and bool(petition.parties.all()),
        "merged": [
            (
                other,
                [
                    (a, selectors.attachment_name(a, hidden=hidden and identity is None))
                    for a in other.attachments.all()
                ],
            )
            for other in selectors.petitions_merged_into(user, petition, merged=merged)
        ],
        "merged_into": selectors.merged_into(petition),
        "transfers": petition.transfers.all(),
        "notices": notices,
        "citizen_messages": (
            citizen_messages_for(petition, hidden=hidden)
            if any(n.status == NoticeStatus.ISSUED for n in notices)
            else []
        ),
        "today": services.today_local(),
    }
    response = render(request, "petitions/detail.html", context, status=status)
    if identity is not None:
        response["Cache-Control"] = "no-store, private"
    return response


@login_required
def petition_detail(request: HttpRequest, petition_id: int) -> HttpResponse:
    """Everything about one petition, its timeline, and the steps the user may take now."""
    return _render_detail(request, selectors.petition_detail(request.user, petition_id))


@login_required
@require_POST
def petition_transition(request: HttpRequest, petition_id: int, action: str) -> HttpResponse:
    """Run one workflow step through its service; a refusal re-renders the page with messages."""
    form_class = TRANSITION_FORMS.get(action)
    if form_class is None:
        raise Http404
    petition = selectors.petition_detail(request.user, petition_id)
    form = form_class(request.POST, petition=petition, user=request.user)
    status = 400
    if form.is_valid():
        try:
            changed = form.run()
        except ServiceError as error:
            form.add_service_error(error.field, error.message)
            status = error.status_code
        else:
            messages.success(
                request,
                _("%(step)s: done. The petition's status is now “%(status)s”.")
                % {"step": form.title, "status": changed.get_status_display()},
            )
            return redirect(reverse("petitions:detail", args=[petition.pk]) + "#timeline")
    return _render_detail(request, petition, bound=form, status=status)


def may_leave_note(user: Any, petition: Petition) -> bool:
    try:
        services.require_noter(user, petition)
    except services.Forbidden:
        return False
    return True


@login_required
@require_POST
def petition_note(request: HttpRequest, petition_id: int) -> HttpResponse:
    """Leave an internal note; back to the notes, or the page with the note's error."""
    petition = selectors.petition_detail(request.user, petition_id)
    if not may_leave_note(request.user, petition):
        raise PermissionDenied
    form = NoteForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.petition_note_add(
                actor=cast(User, request.user),
                petition=petition,
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["version"],
            )
        except ServiceError as error:
            form.add_error("text" if error.field == "text" else None, error.message)
            status = error.status_code
        else:
            messages.success(request, _("Your note was added; only the staff see it."))
            return redirect(reverse("petitions:detail", args=[petition.pk]) + "#notes")
    return _render_detail(request, petition, note_form=form, status=status)


@login_required
@require_POST
def petition_identity(request: HttpRequest, petition_id: int) -> HttpResponse:
    """
    Show what the page hides (a denouncer's identity to a grant holder, masked numbers to
    anyone who sees the petition) on this response only, for a typed reason; logged.
    """
    petition = selectors.petition_detail(request.user, petition_id)
    if not (
        selectors.user_may_see_denouncer(request.user, petition)
        if selectors.identity_hidden(petition)
        else selectors.numbers_masked(petition, request.user)
    ):
        raise PermissionDenied
    form = IdentityRevealForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, petition, identity_form=form, status=400)
    people = services.identity_reveal(
        actor=cast(User, request.user),
        petition=petition,
        reason=form.cleaned_data["reason"],
        channel="web",
    )
    return _render_detail(request, petition, identity=[selectors.identity_row(p) for p in people])


def may_attach(user: Any, petition: Petition) -> bool:
    """petition.attach at the receiving or handling unit: the one rule, as the service asks."""
    try:
        services.require_attacher(user, petition)
    except ServiceError:
        return False
    return True


@login_required
@require_POST
def petition_attach(request: HttpRequest, petition_id: int) -> HttpResponse:
    """Add scans or photos from the petition's page; all of them, or none with a message."""
    petition = selectors.petition_detail(request.user, petition_id)
    if not may_attach(request.user, petition):
        raise PermissionDenied(_("You may not add files to this petition."))
    form = AttachForm(request.POST, request.FILES, user=request.user)
    status = 400
    if form.is_valid():
        try:
            added = services.attachments_add(
                actor=cast(User, request.user),
                petition=petition,
                uploads=form.files_for("attachments"),
            )
        except ServiceError as error:
            field = FORM_FIELDS.get(error.field or "", error.field)
            form.add_error(field if field in form.fields else None, error.message)
            status = error.status_code
        else:
            form.discard_kept()
            messages.success(
                request,
                ngettext("%(count)d file attached.", "%(count)d files attached.", len(added))
                % {"count": len(added)},
            )
            return redirect(reverse("petitions:detail", args=[petition.pk]) + "#attachments")
    form.keep_files()
    petition = selectors.petition_detail(request.user, petition_id)
    return _render_detail(request, petition, attach_form=form, status=status)


@login_required
def attachment_download(
    request: HttpRequest, petition_id: int, attachment_id: int
) -> HttpResponseBase:
    """An attachment of a petition the user may see; never a public /media/ link."""
    attachment = selectors.attachment_get_for(request.user, petition_id, attachment_id)
    if selectors.identity_hidden(attachment.petition):
        # A denunciation's scanned letter shows handwriting: as in the API, no download.
        raise PermissionDenied(_("A denunciation's files are not downloaded here."))
    return file_response(
        attachment.file, name=attachment.original_name, content_type=attachment.content_type
    )
