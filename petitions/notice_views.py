"""
Pages for the notices to citizens: the drafts the person's units must issue (due and overdue),
one notice to edit and issue, and the issued document's scoped download.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.core.errors import ServiceError
from danvan.org.models import User
from danvan.org.permissions import Forbidden
from petitions import selectors, services
from petitions.forms import NoticeForm, NoticeWithdrawForm
from petitions.models import Notice, NoticeStatus
from petitions.services.notices import NOTICE_MIME, notice_document_open
from petitions.workflow import NOTICE_WORKFLOW

PAGE_SIZE = 100


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """The drafts the person's units must issue, overdue first, then by due date."""
    today = services.today_local()
    show = request.GET.get("show", "")
    queryset = selectors.notices_due(request.user)
    if show == "overdue":
        queryset = queryset.filter(due_on__lt=today)
    elif show == "due":
        queryset = queryset.filter(due_on__gte=today)
    notices = list(queryset[:PAGE_SIZE])
    return render(
        request,
        "petitions/notice_list.html",
        {
            "notices": notices,
            "today": today,
            "show": show,
            "counts": selectors.notice_counts(request.user, today),
        },
    )


def _render(
    request: HttpRequest,
    notice: Notice,
    *,
    form: NoticeForm | None = None,
    withdraw: NoticeWithdrawForm | None = None,
    status: int = 200,
) -> HttpResponse:
    available = NOTICE_WORKFLOW.available_to(request.user, notice)
    initial = {name: getattr(notice, name) for name in services.notices.EDITABLE_FIELDS}
    return render(
        request,
        "petitions/notice_detail.html",
        {
            "notice": notice,
            "petition": notice.petition,
            "today": services.today_local(),
            "may_issue": "issue" in available,
            "form": form or NoticeForm(initial={**initial, "version": notice.version}),
            "withdraw_form": withdraw or NoticeWithdrawForm(initial={"version": notice.version}),
            "addressee_hidden": bool(notice.addressee)
            and selectors.identity_hidden(notice.petition)
            and not selectors.user_may_see_denouncer(request.user, notice.petition),
        },
        status=status,
    )


@login_required
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    """One notice; a handler of the issuing unit edits the draft, then issues it."""
    notice = selectors.notice_get_for(request.user, notice_id)
    if request.method != "POST":
        return _render(request, notice)
    form = NoticeForm(request.POST)
    if not form.is_valid():
        return _render(request, notice, form=form, status=400)
    actor = cast(User, request.user)
    version = form.cleaned_data.get("version")
    changes = form.changes()
    if selectors.identity_hidden(notice.petition) and not selectors.user_may_see_denouncer(
        request.user, notice.petition
    ):
        changes.pop("addressee", None)  # hidden from this person: kept as it is
    try:
        with transaction.atomic():  # a refused issue keeps nothing of the edit either
            notice = services.notice_update(
                actor=actor, notice=notice, changes=changes, expected_version=version
            )
            if "issue" in request.POST:
                notice = services.notice_issue(
                    actor=actor, notice=notice, expected_version=notice.version
                )
    except Forbidden:
        raise PermissionDenied from None
    except ServiceError as error:
        name = error.field if error.field in form.fields else None
        form.add_error(name, error.message)
        return _render(
            request,
            selectors.notice_get_for(request.user, notice_id),
            form=form,
            status=error.status_code,
        )
    if notice.status == NoticeStatus.ISSUED:
        messages.success(request, _("The notice was issued and is being sent to the citizen."))
    else:
        messages.success(request, _("The draft was saved."))
    return redirect(reverse("petitions:notice", args=[notice.pk]))


@login_required
@require_POST
def notice_withdraw(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = selectors.notice_get_for(request.user, notice_id)
    form = NoticeWithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.notice_withdraw(
                actor=cast(User, request.user),
                notice=notice,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data.get("version"),
            )
        except Forbidden:
            raise PermissionDenied from None
        except ServiceError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
            return _render(request, notice, withdraw=form, status=error.status_code)
        messages.success(request, _("The draft was withdrawn."))
        return redirect(reverse("petitions:detail", args=[notice.petition_id]) + "#notices")
    return _render(request, notice, withdraw=form, status=400)


@login_required
def notice_document(request: HttpRequest, notice_id: int) -> Any:
    """The issued .docx; a denunciation's only to those granted, logged."""
    notice = selectors.notice_get_for(request.user, notice_id)
    try:
        handle = notice_document_open(request.user, notice, channel="web")
    except Forbidden:
        raise PermissionDenied from None
    except ServiceError:
        return redirect(reverse("petitions:notice", args=[notice.pk]))
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{notice.petition.code}-{notice.kind}.docx",
        content_type=NOTICE_MIME,
    )
    response["Cache-Control"] = "no-store, private"
    return response
