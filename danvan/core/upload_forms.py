"""
File fields of the web forms (intake, a petition's attachments, a progress report).

Several files at once, a separate camera input for phones, and the files kept across a
validation error: a browser never sends a chosen file again, so the acceptable ones are put
aside on the server (`stash`) and the page carries a signed token per file (`<field>_kept`
checkboxes, ticked). The same content checks as the API (`danvan.core.uploads.problem`) run
here first so that the message names the form's field and the file; the services check again.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.core.uploads import client_name, max_upload_bytes, problem

# What the checks accept (by content); `accept` only helps the phone's file picker.
ACCEPT = "image/*,application/pdf,.pdf,.jpg,.jpeg,.png"
MAX_FILES = 20
STASH_FOLDER = "stash"
STASH_SALT = "danvan.core.upload_forms.stash"
# A form left open over lunch still has its files; older ones are swept away.
STASH_MAX_AGE = datetime.timedelta(hours=24)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Zero or more files from one input (`multiple`)."""

    def __init__(self, *, camera: bool = False, **kwargs: Any) -> None:
        attrs: dict[str, Any] = {"multiple": True, "accept": ACCEPT}
        if camera:
            # The phone opens its back camera directly (a photo of the letter or the site).
            attrs = {"accept": "image/*", "capture": "environment"}
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        errors = []
        for upload in files:  # Django's own checks per file (empty, name too long), named
            try:
                super().clean(upload, initial)
            except forms.ValidationError as error:
                errors += [f"{client_name(upload)}: {m}" for m in error.messages]
        if errors:
            raise forms.ValidationError(errors)
        return [f for f in files if f]


@dataclass
class KeptFile:
    token: str
    name: str
    size: int


def _sweep() -> None:
    """Delete stashed files older than STASH_MAX_AGE (cheap: the folder holds few)."""
    try:
        _dirs, names = default_storage.listdir(STASH_FOLDER)
    except (FileNotFoundError, NotImplementedError, OSError):
        return
    limit = timezone.now() - STASH_MAX_AGE
    for name in names:
        path = f"{STASH_FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError, OSError):
            continue


def stash(upload: Any, *, user: Any) -> KeptFile:
    """Put an acceptable upload aside; its token is valid for this user only."""
    _sweep()
    upload.seek(0)
    path = default_storage.save(f"{STASH_FOLDER}/{uuid.uuid4().hex}", upload)
    name = getattr(upload, "original_name", None) or client_name(upload, limit=255)
    size = int(upload.size or 0)
    token = signing.dumps({"p": path, "n": name, "u": user.pk, "s": size}, salt=STASH_SALT)
    return KeptFile(token=token, name=name, size=size)


def unstash(token: str, *, user: Any) -> tuple[KeptFile, File] | None:
    """The stashed file of this token, or None (forged, another person's, expired, gone)."""
    try:
        value = signing.loads(token, salt=STASH_SALT, max_age=STASH_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("u") != user.pk:
        return None
    path = str(value.get("p", ""))
    if not path.startswith(f"{STASH_FOLDER}/") or not default_storage.exists(path):
        return None
    handle = File(default_storage.open(path, "rb"), name=str(value.get("n") or "file"))
    return KeptFile(token=token, name=handle.name or "file", size=int(value.get("s") or 0)), handle


def discard(token: str) -> None:
    """Delete a stashed file once it is saved where it belongs."""
    try:
        value = signing.loads(token, salt=STASH_SALT)
    except signing.BadSignature:
        return
    path = str(value.get("p", "")) if isinstance(value, dict) else ""
    if path.startswith(f"{STASH_FOLDER}/"):
        default_storage.delete(path)


class FilesFormMixin(forms.Form):
    """
    A form with file fields (FilesField names in `file_fields`, each with an optional
    `<name>_camera` companion). After `is_valid()`, `files_for(name)` lists every file to
    save (kept ones first); when the page is shown again, `keep_files()` stashes the new ones.
    """

    file_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        limit = f"{max_upload_bytes() / 1024 / 1024:.1f}".removesuffix(".0")
        for name in self.file_fields:
            self.fields[name].help_text = _(
                "PDF, JPEG or PNG; several at once; up to %(max)s MB each."
            ) % {"max": limit}
        self.kept: dict[str, list[KeptFile]] = {name: [] for name in self.file_fields}
        self._kept_files: dict[str, list[File]] = {name: [] for name in self.file_fields}
        self._new: dict[str, list[Any]] = {name: [] for name in self.file_fields}
        self._lost = dict.fromkeys(self.file_fields, 0)
        if self.is_bound and user is not None:
            for name in self.file_fields:
                tokens = self.data.getlist(f"{name}_kept")  # type: ignore[attr-defined]
                for token in tokens[:MAX_FILES]:
                    found = unstash(token, user=user)
                    if found is None:
                        self._lost[name] += 1
                    else:
                        self.kept[name].append(found[0])
                        self._kept_files[name].append(found[1])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.file_fields:
            uploads = [*data.get(name, []), *data.get(f"{name}_camera", [])]
            label = capfirst(str(self.fields[name].label))
            if self._lost[name]:
                # Expired (a day old) or swept: the page says so rather than dropping them.
                self.add_error(
                    name,
                    _(
                        "%(field)s: files kept from your last try are no longer here; "
                        "please choose them again."
                    )
                    % {"field": label},
                )
            refused = []
            for upload in uploads:
                message = problem(upload)
                if message is None:
                    # Services rename what they store: the name shown if it is kept.
                    upload.original_name = client_name(upload, limit=255)
                    self._new[name].append(upload)
                else:
                    refused.append(f"{client_name(upload)}: {message}")
            for message in refused:
                self.add_error(name, f"{label}: {message}")
            if len(self._kept_files[name]) + len(self._new[name]) > MAX_FILES:
                self.add_error(
                    name,
                    _("%(field)s: at most %(count)d files at once.")
                    % {"field": label, "count": MAX_FILES},
                )
        return data

    def files_for(self, name: str) -> list[Any]:
        return [*self._kept_files[name], *self._new[name]]

    def keep_files(self) -> None:
        """The page is shown again: stash the acceptable new files so they need no re-choosing."""
        if self.user is None:
            return
        for name in self.file_fields:
            for upload in self._new[name]:
                self.kept[name].append(stash(upload, user=self.user))
            self._new[name] = []
            for handle in self._kept_files[name]:
                handle.close()  # still stashed; the next post opens them again

    def discard_kept(self) -> None:
        """The files are saved where they belong: drop the stashed copies."""
        for name in self.file_fields:
            for handle in self._kept_files[name]:
                handle.close()
            for kept in self.kept[name]:
                discard(kept.token)

    def kept_of(self, name: str) -> list[KeptFile]:
        return self.kept.get(name, [])


CAMERA_LABEL = gettext_lazy("Take a photo")


@dataclass
class _Linked:
    """What ClearableFileInput's template shows for a stored file: its name and a link."""

    name: str
    url: str

    def __str__(self) -> str:
        return self.name


class ScopedFileInput(forms.ClearableFileInput):
    """The admin's file input, linking a stored file to its scoped download, not to /media/."""

    def __init__(self, *, link: Callable[[Any], str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.link = link

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if self.is_initial(value) and getattr(value, "instance", None) is not None:
            context["widget"]["value"] = _Linked(str(value), self.link(value.instance))
        return context
