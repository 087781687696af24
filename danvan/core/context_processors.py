"""What every page's header needs: the bell's count and the menu's entries."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from danvan.core.auth import Header


def header(request: HttpRequest) -> dict[str, Any]:
    """`page_header`: read lazily, when a template first asks (see danvan.core.auth.Header)."""
    return {"page_header": Header(getattr(request, "user", None))}
