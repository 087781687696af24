"""/tra-cuu/: the citizen's status look-up page (GET the form, POST the answer)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from citizen.lookup.forms import LookupForm
from citizen.lookup.selectors import petition_status_lookup
from citizen.lookup.texts import NOT_FOUND, retry_message
from citizen.lookup.throttling import CitizenLookupThrottle

TEMPLATE = "citizen/lookup.html"


@sensitive_post_parameters("phone_last4")
@require_http_methods(["GET", "HEAD", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """
    Public, no sign-in. The digits travel in the POST body only (never in a URL, never in a
    log line) and are never written back into the page.
    """
    if request.method != "POST":
        return render(request, TEMPLATE, {"form": LookupForm()})
    throttle = CitizenLookupThrottle()
    if not throttle.allow_request(request, None):
        wait = throttle.retry_after()
        response = render(
            request,
            TEMPLATE,
            {"form": LookupForm(), "throttled": retry_message(wait)},
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
    form = LookupForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    answers = petition_status_lookup(
        code=form.cleaned_data["code"], phone_last4=form.cleaned_data["phone_last4"]
    )
    if not answers:
        return render(request, TEMPLATE, {"form": form, "not_found": NOT_FOUND}, status=404)
    return render(request, TEMPLATE, {"form": form, "answers": answers})
