"""
Stored files handed to a signed-in person who may see their record: never a public /media/ link.

Every download (petition attachments, progress evidence, directive files) goes through a view
that first finds the record through its scoping selector, then answers with `file_response`:
the original name in Content-Disposition, no sniffing, no shared cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

from danvan.core.uploads import detect_content_type

# What a generated API client reads: bytes, whatever the file is (as the reports' downloads).
OCTET_STREAM = "application/octet-stream"


def file_response(stored: FieldFile, *, name: str, content_type: str | None = None) -> FileResponse:
    """The stored file as a download named `name`; 404 if it is gone from the disk."""
    try:
        handle: Any = stored.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    if content_type is None:
        content_type = detect_content_type(handle.read(16)) or OCTET_STREAM
        handle.seek(0)
    response = FileResponse(
        handle, as_attachment=True, filename=name or "file", content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


def api_link(context: Mapping[str, Any], name: str, *args: Any) -> str:
    """The API address of a download (`api:<name>`), on the host the request reached."""
    from django.urls import reverse

    path = reverse(f"api:{name}", args=args)
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path
