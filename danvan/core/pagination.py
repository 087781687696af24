"""Pagination for lists a phone scrolls: cursors, no COUNT(*) over big tables."""

from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    # Each view sets `ordering`; the last key must be unique so pages never skip or repeat.
    ordering = ("-id",)
