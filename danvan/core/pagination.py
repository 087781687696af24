"""Pagination for lists a phone scrolls: cursors, no COUNT(*) over big tables."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination


class CursorPagination(pagination.CursorPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    # The default when a view declares no `ordering`; the last key must be unique so pages
    # never skip or repeat.
    ordering = ("-id",)

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        """
        The view's own `ordering` (units by path, the push outbox oldest first…). DRF's
        cursor pagination reads only its own attribute, so without this every list came back
        newest id first whatever the view declared.
        """
        declared = getattr(view, "ordering", None)
        if declared:
            return (declared,) if isinstance(declared, str) else tuple(declared)
        return tuple(super().get_ordering(request, queryset, view))

    def get_page_size(self, request: Any) -> int:
        """
        `page_size` is 1 to 100; anything else is a 400 naming it (DRF silently fell back to
        25 rows, so a client asking for 0 or 500 never learnt it was ignored).
        """
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("Enter a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        return parameters

    def decode_cursor(self, request: Any) -> Any:
        """A cursor the server did not hand out is the client's input: a 400 naming it."""
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise exceptions.ValidationError(
                {
                    self.cursor_query_param: [
                        _("This cursor is not valid; start from the first page.")
                    ]
                }
            ) from None
