"""
Names of downloaded files, in Vietnamese: "Báo cáo 6 tháng đầu năm 2026 - Xã Di Linh.docx"
as the browser saves it (RFC 6266/5987 `filename*`), an ASCII fallback beside it for old
clients ("bao-cao-6-thang-dau-nam-2026-xa-di-linh.docx"), and the same ASCII form for the
names files are stored under.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.http import HttpResponseBase

from danvan.core.text import fold


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
