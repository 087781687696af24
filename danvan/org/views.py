"""A person's own account: their language, units and roles."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n

from danvan.core.errors import ServiceError
from danvan.core.language import activate, remember_language, supported
from danvan.org import selectors, services
from danvan.org.forms import AccountForm
from danvan.org.models import User


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    form = AccountForm(request.POST or None, initial={"language": user.language})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        try:
            services.user_set_language(user=user, language=language)
        except ServiceError as error:
            form.add_error(error.field, error.message)
        else:
            activate(request, language)  # the confirmation in the language just chosen
            messages.success(request, _("Your account settings are saved."))
            response = redirect("account")
            remember_language(response, language)
            return response
    memberships = list(selectors.me_memberships(user))
    return render(request, "org/account.html", {"form": form, "memberships": memberships})


def set_language(request: HttpRequest) -> HttpResponse:
    """The header's selector: the cookie (Django's view) and, when signed in, the profile."""
    response = i18n.set_language(request)
    language = supported(request.POST.get("language"))
    if request.method == "POST" and language is not None and request.user.is_authenticated:
        services.user_set_language(user=cast(User, request.user), language=language)
    return response
