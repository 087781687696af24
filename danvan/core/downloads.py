"""File names of downloads: Vietnamese for the person, ASCII for the old clients."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from unidecode import unidecode

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
