"""A person's own notification preferences, on the web (the app uses the API)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

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
