"""Files attached to a petition (scans, photos), checked by content."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from danvan.core.uploads import client_name, renamed, validate_upload
from danvan.core.versions import check_version
from danvan.org.models import User
from petitions.models import (
    Attachment,
    EventAction,
    Petition,
)
from petitions.services.base import _event, _lock, _save, require_attacher
from petitions.services.intake import PetitionData, petition_create


@transaction.atomic
def attachment_add(
    *,
    actor: User,
    petition: Petition,
    upload: UploadedFile,
    expected_version: int | None = None,
) -> Attachment:
    petition = _lock(petition)
    check_version(petition, expected_version)
    require_attacher(actor, petition)
    content_type = validate_upload(upload, field_name="file", label=_("file"))
    name = client_name(upload)
    attachment = Attachment(
        petition=petition,
        original_name=name,
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor,
    )
    attachment.file.save(renamed(upload, content_type).name or "", upload, save=False)
    attachment.save()
    _save(petition)
    _event(
        petition,
        actor=actor,
        action=EventAction.ATTACHED,
        data={"attachment": attachment.pk, "content_type": content_type, "size": attachment.size},
    )
    return attachment


@transaction.atomic
def attachments_add(
    *,
    actor: User,
    petition: Petition,
    uploads: Sequence[Any],
    expected_version: int | None = None,
) -> list[Attachment]:
    """Several files at once (the petition page): all of them, or none if one is refused."""
    added = []
    for index, upload in enumerate(uploads):
        version = expected_version if index == 0 else None
        added.append(
            attachment_add(actor=actor, petition=petition, upload=upload, expected_version=version)
        )
    return added


@transaction.atomic
def petition_create_with_files(
    *,
    actor: User,
    data: PetitionData,
    uploads: Sequence[Any] = (),
    client_id: uuid.UUID | None = None,
    duplicate_of: Petition | int | None = None,
    dismissed: Sequence[Petition | int] = (),
) -> tuple[Petition, bool]:
    """
    The intake form: the petition and its files in one transaction, so a refused file leaves
    no petition behind. A retry (same client id) answers the first petition and adds nothing.
    The duplicates the form showed are settled with it (`petition_create`).
    """
    petition, created = petition_create(
        actor=actor,
        data=data,
        client_id=client_id,
        duplicate_of=duplicate_of,
        dismissed=dismissed,
    )
    if created:
        for upload in uploads:
            attachment_add(actor=actor, petition=petition, upload=upload)
        petition.refresh_from_db()
    return petition, created


def attachment_receive(
    *, petition: Petition, upload: UploadedFile, field: str = "media"
) -> Attachment:
    """
    A file the citizen sent with a report they filed themselves (Open311): checked by content
    like every attachment, recorded by nobody. Runs in the caller's transaction.
    """
    content_type = validate_upload(upload, field_name=field, label=_("file"))
    attachment = Attachment(
        petition=petition,
        original_name=client_name(upload),
        content_type=content_type,
        size=upload.size or 0,
    )
    attachment.file.save(renamed(upload, content_type).name or "", upload, save=False)
    attachment.save()
    _event(
        petition,
        actor=None,
        action=EventAction.ATTACHED,
        data={"attachment": attachment.pk, "content_type": content_type, "size": attachment.size},
    )
    return attachment
