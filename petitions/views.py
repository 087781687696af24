"""Pages for cadres: "my unit's petitions" with deadline states, and the intake form."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from danvan.core.errors import ServiceError
from danvan.org.models import User
from petitions import selectors, services
from petitions.forms import IntakeForm
from petitions.models import DeadlineState

PAGE_SIZE = 100
# Service field names -> form field names, so a refusal shows next to the right input.
FORM_FIELDS = {
    "petitioners.0.full_name": "full_name",
    "petitioners.0.citizen_id": "citizen_id",
    "petitioners.0.phone": "phone",
    "petitioners": "full_name",
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
        {"rows": rows, "states": DeadlineState.choices, "state": state, "q": term},
    )


@login_required
def petition_intake(request: HttpRequest) -> HttpResponse:
    """Record a petition; a double submit (same hidden client id) never makes two."""
    form = IntakeForm(request.POST or None, user=request.user)
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
                )
            ]
        )
        try:
            petition, _created = services.petition_create(
                actor=cast(User, request.user),
                client_id=v["client_id"],
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
            messages.success(
                request,
                _("Petition %(code)s recorded; deadline %(due)s.")
                % {
                    "code": petition.code,
                    "due": petition.due_date.strftime("%d/%m/%Y") if petition.due_date else "—",
                },
            )
            return redirect("petitions:list")
    return render(request, "petitions/intake.html", {"form": form})
