"""
Downloads: stored files handed to a signed-in person who may see their record (never a public
/media/ link), and the Vietnamese names files are downloaded under.

Every download of a stored file (petition attachments, progress evidence, directive files)
goes through a view that first finds the record through its scoping selector, then answers
with `file_response`: the original name in Content-Disposition, no sniffing, no shared cache.

Generated documents are named in Vietnamese: "Báo cáo 6 tháng đầu năm 2026 - Xã Di Linh.docx"
as the browser saves it (RFC 6266/5987 `filename*`), an ASCII fallback beside it for old
clients ("bao-cao-6-thang-dau-nam-2026-xa-di-linh.docx"), and the same ASCII form for the
names files are stored under.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponseBase
from unidecode import unidecode

from danvan.core.text import fold
from danvan.core.uploads import detect_content_type

# What a generated API client reads: bytes, whatever the file is (as the reports' downloads).
OCTET_STREAM = "application/octet-stream"


def ascii_name(text: str) -> str:
    """ "Báo cáo 6 tháng đầu năm 2026" -> "bao-cao-6-thang-dau-nam-2026" (đ as d, not dropped)."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "tep"


def content_disposition(name: str, extension: str, *, inline: bool = False) -> str:
    """The Content-Disposition of a download named `name` (Vietnamese) + "." + extension."""
    readable = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", name).strip()[:150] or "tep"
    return (
        f"{'inline' if inline else 'attachment'}; "
        f'filename="{ascii_name(readable)}.{extension}"; '
        f"filename*=UTF-8''{quote(readable + '.' + extension, safe='')}"
    )


def named_download(response: HttpResponseBase, name: str, extension: str) -> HttpResponseBase:
    """Give a response the Vietnamese file name `name`.`extension`."""
    response["Content-Disposition"] = content_disposition(name, extension)
    return response


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


# --- Names given as one string with their extension (the exports) ---------------------------
# Characters Windows, macOS or a header cannot hold in a file name.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f;]+')
_SPACES = re.compile(r"\s+")


def safe_filename(name: str) -> str:
    """The name with the characters no file system accepts replaced, spaces collapsed."""
    cleaned = _SPACES.sub(" ", _UNSAFE.sub("-", name)).strip(" .-")
    return cleaned or "download"


def ascii_filename(name: str) -> str:
    """'Đơn thư - Xã A.xlsx' -> 'Don thu - Xa A.xlsx', for clients that ignore `filename*`."""
    return safe_filename(unidecode(safe_filename(name)).replace("'", ""))


def attachment_disposition(name: str) -> str:
    """
    `Content-Disposition` of a download (RFC 6266): the Vietnamese name as `filename*`
    (RFC 5987, UTF-8, percent-encoded), which every current browser uses, and an ASCII
    `filename` for the clients that do not read it.
    """
    name = safe_filename(name)
    return (
        f"attachment; filename=\"{ascii_filename(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
    )


def name_download(response: Any, name: str) -> Any:
    """Set the response's `Content-Disposition` to an attachment called `name`."""
    response["Content-Disposition"] = attachment_disposition(name)
    return response
