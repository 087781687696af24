"""Saving and deleting a list's filters as a named view (/saved-views/…)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import path, resolve, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from danvan.core import saved_views
from danvan.core.errors import ServiceError

FIELD_LABELS = {
    "name": gettext_lazy("View name"),
    "querystring": gettext_lazy("Filters"),
    "list_name": gettext_lazy("List"),
}


def saved_views_context(request: HttpRequest, list_name: str) -> dict[str, Any]:
    """What a list page needs for its quick links and its "save this filter" form (1 query)."""
    try:
        current = saved_views.clean_querystring(list_name, request.GET.urlencode())
    except ServiceError:
        current = ""
    return {
        "saved_views": list(saved_views.saved_views_of(request.user, list_name)),
        "saved_list": list_name,
        "saved_query": current,
    }


def _list_url(list_name: str) -> str:
    return reverse(saved_views.LIST_PARAMS[list_name][0])


@login_required
@require_POST
def saved_view_save(request: HttpRequest) -> HttpResponse:
    list_name = request.POST.get("list_name", "")
    querystring = request.POST.get("querystring", "")
    try:
        view = saved_views.saved_view_save(
            actor=request.user,
            list_name=list_name,
            name=request.POST.get("name", ""),
            querystring=querystring,
        )
    except ServiceError as error:
        label = FIELD_LABELS.get(error.field or "")
        messages.error(request, f"{label}: {error.message}" if label else str(error.message))
        if list_name not in saved_views.LIST_PARAMS:
            return HttpResponse(str(error.message), status=400, content_type="text/plain")
        # The list again, as it was filtered, with the message, answering 400.
        url = _list_url(list_name)
        request.method = "GET"
        request.GET = QueryDict(querystring.lstrip("?"))
        response: HttpResponse = resolve(url).func(request)
        response.status_code = 400
        return response
    messages.success(request, _("Filters saved as “%(name)s”.") % {"name": view.name})
    return redirect(f"{_list_url(view.list_name)}?{view.querystring}")


@login_required
@require_POST
def saved_view_delete(request: HttpRequest, view_id: int) -> HttpResponse:
    view = saved_views.saved_view_get_for(request.user, view_id)
    saved_views.saved_view_delete(actor=request.user, view=view)
    messages.success(request, _("Saved view “%(name)s” deleted.") % {"name": view.name})
    return redirect(_list_url(view.list_name))


app_name = "saved_views"
urlpatterns = [
    path("", saved_view_save, name="save"),
    path("<int:view_id>/delete/", saved_view_delete, name="delete"),
]
