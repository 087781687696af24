"""
Files that clients upload: checked by what they contain, not by what they are called.

Every upload (petition attachments, answer documents, directive files, progress evidence)
passes `validate_upload`: its first bytes must be those of a PDF, a JPEG or a PNG, and its
size at most UPLOAD_MAX_BYTES. Files are stored under a random name (`RandomName`), so no
client-chosen path or name reaches the disk; the original name is kept in a column.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from danvan.core.errors import ServiceError

# (first bytes, content type, extension stored)
ALLOWED = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
EXTENSIONS = {ext for _magic, _type, ext in ALLOWED} | {".jpeg"}


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def detect_content_type(head: bytes) -> str | None:
    """The type from the file's first bytes (what it is, not what it is called)."""
    for magic, content_type, _ext in ALLOWED:
        if head.startswith(magic):
            return content_type
    return None


def extension_for(content_type: str) -> str:
    return next(ext for _m, ct, ext in ALLOWED if ct == content_type)


def problem(upload: Any) -> str | None:
    """Why this file is refused (a translated sentence), or None if it is acceptable."""
    size = getattr(upload, "size", 0) or 0
    limit = max_upload_bytes()
    if size > limit:
        return _("The file is too large (%(size)s MB); the limit is %(max)s MB.") % {
            "size": f"{size / 1024 / 1024:.1f}",
            "max": f"{limit / 1024 / 1024:.1f}".removesuffix(".0"),
        }
    if size == 0:
        return _("The file is empty.")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if detect_content_type(head) is None:
        return _("Only PDF, JPEG and PNG files are accepted; this file is not one of them.")
    return None


def validate_upload(upload: UploadedFile, *, field_name: str = "file", label: Any = None) -> str:
    """The file's real content type; a 400 naming the field (`label`) if it is refused."""
    message = problem(upload)
    if message is not None:
        if label:
            message = f"{capfirst(str(label))}: {message}"
        raise ServiceError(message, field=field_name)
    upload.seek(0)
    content_type = detect_content_type(upload.read(16))
    upload.seek(0)
    assert content_type is not None  # nosec B101 - problem() returned None
    return content_type


def client_name(upload: Any, limit: int = 200) -> str:
    """The file name the client gave, without any folder part, for display only."""
    name = str(getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1]
    return name[:limit] or "file"


def validate_file_content(value: Any) -> None:
    """Model-field validator (admin forms): the same checks for a newly uploaded file."""
    if not value or getattr(value, "_committed", True):
        return  # nothing new: a stored file was checked when it came in
    message = problem(value)
    if message is not None:
        raise ValidationError(message, code="upload")


@deconstructible
class RandomName:
    """`upload_to` that stores a file as <folder>/<random hex><.pdf|.jpg|.png>."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: Any, filename: str) -> str:
        extension = os.path.splitext(filename or "")[1].lower()
        if extension not in EXTENSIONS:
            extension = ""
        folder = timezone.now().strftime(self.folder)
        return f"{folder.rstrip('/')}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def renamed(upload: UploadedFile, content_type: str) -> UploadedFile:
    """The upload, named after its real type (the stored name is random, see RandomName)."""
    upload.name = f"upload{extension_for(content_type)}"
    return upload
