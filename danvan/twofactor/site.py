"""The admin site: administrators pass a second factor (ADMIN_REQUIRE_OTP) to reach it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from danvan.core.admin import OrderedAdminSite
from danvan.twofactor import rules
from danvan.twofactor.forms import SecondFactorLoginForm


class DanvanAdminSite(OrderedAdminSite):
    login_form = SecondFactorLoginForm
    login_template = "twofactor/login.html"
    index_template = "twofactor/index.html"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and rules.second_factor_satisfied(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        user = request.user
        if (
            request.method == "GET"
            and rules.second_factor_required(user)
            and not rules.has_authenticator(user)
        ):
            # Signed in with the password, no authenticator yet: enrol one first.
            next_url = request.GET.get("next", reverse("admin:index", current_app=self.name))
            query = urlencode({"next": next_url})
            return HttpResponseRedirect(f"{reverse('twofactor:enrol')}?{query}")
        context = {"second_factor_on": settings.ADMIN_REQUIRE_OTP, **(extra_context or {})}
        return super().login(request, context)

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        context["second_factor_on"] = settings.ADMIN_REQUIRE_OTP
        return context
