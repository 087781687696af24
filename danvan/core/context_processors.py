"""What every page's header needs: the bell's count and the menu's entries."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from danvan.core.auth import header_context


def header(request: HttpRequest) -> dict[str, Any]:
    return header_context(getattr(request, "user", None))
