"""The citizen's own pages outside the look-up: stopping text messages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from citizen import messages


@require_http_methods(["GET", "POST"])
def sms_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """The link at the end of every text message: confirm (POST), then no more SMS or Zalo."""
    person = messages.petitioner_from_token(token)
    if person is None:
        return render(request, "citizen/sms_opt_out.html", {"invalid": True}, status=404)
    if request.method == "POST":
        messages.sms_opt_out(person)
        return render(request, "citizen/sms_opt_out.html", {"done": True})
    return render(
        request, "citizen/sms_opt_out.html", {"already": person.sms_opt_out, "token": token}
    )
