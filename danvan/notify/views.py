"""A person's inbox and notification preferences, on the web (the app uses the API)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.notify import selectors, services
from danvan.notify.forms import PreferenceForm


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST or None, instance=selectors.preference_of(request.user))
    if request.method == "POST" and form.is_valid():
        fields = PreferenceForm.Meta.fields
        services.preference_set(
            actor=request.user,
            user=request.user,
            **{name: form.cleaned_data[name] for name in fields},
        )
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notify:preferences")
    return render(request, "notify/preferences.html", {"form": form})


INBOX_PAGE = 50


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The person's notifications, newest first; the unread ones marked."""
    rows = list(selectors.notifications_for(request.user).order_by("-id")[: INBOX_PAGE + 1])
    return render(
        request,
        "notify/inbox.html",
        {"notifications": rows[:INBOX_PAGE], "more": len(rows) > INBOX_PAGE},
    )


@login_required
@require_POST
def inbox_mark_all_read(request: HttpRequest) -> HttpResponse:
    marked = services.notifications_mark_all_read(actor=request.user)
    if marked:
        messages.success(request, _("Every notification is marked read."))
    return redirect("notify:inbox")


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and go where it points (the inbox when it points nowhere)."""
    notification = selectors.notifications_for(request.user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404
    services.notification_mark_read(actor=request.user, notification=notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notify:inbox")
