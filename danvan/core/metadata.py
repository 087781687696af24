"""OPTIONS answers: DRF's metadata, without asking a list-level action for an object."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request, clone_request


class DanvanMetadata(SimpleMetadata):
    """
    DRF's SimpleMetadata calls `get_object()` for every view that allows PUT, including the
    list-level actions of a viewset (`notifications/preferences/`), which have no id in the
    address: that answered OPTIONS with a 500. Here the object is looked up only when the
    address names one.
    """

    def determine_actions(self, request: Request, view: Any) -> dict[str, Any]:
        actions: dict[str, Any] = {}
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")
        names_an_object = lookup in (getattr(view, "kwargs", None) or {})
        for method in sorted({"PUT", "POST"} & set(view.allowed_methods)):
            view.request = clone_request(request, method)
            try:
                if hasattr(view, "check_permissions"):
                    view.check_permissions(view.request)
                if method == "PUT" and names_an_object and hasattr(view, "get_object"):
                    view.get_object()
                serializer = view.get_serializer()
            except (exceptions.APIException, PermissionDenied, Http404):
                pass
            else:
                actions[method] = self.get_serializer_info(serializer)
            finally:
                view.request = request
        return actions
