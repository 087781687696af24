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
