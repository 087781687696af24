"""
Directive documents: recorded from their written number, linked to the documents they carry out,
replaced, with their files.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.core.errors import Conflict, ServiceError
from danvan.core.uploads import client_name, renamed, validate_upload
from danvan.core.versions import check_version
from danvan.org.models import Unit
from tasks import roles as actions
from tasks.models import (
    Directive,
    DirectiveFile,
    DirectiveStatus,
)
from tasks.numbering import ParseError, format_full_number, parse_document_number
from tasks.services.base import (
    _actor,
    _create_once,
    _event,
    _existing_by_client_id,
    _forbidden,
    _manages_somewhere,
    _require_directive_manager,
    _require_manager,
)


# --- Directives -----------------------------------------------------------------------------
@transaction.atomic
def directive_create(
    *,
    actor: Any,
    number_text: str,
    title: str,
    issuing_unit: Unit | None = None,
    signer: str = "",
    summary: str = "",
    issued_on: datetime.date | None = None,
    issuer: str | None = None,
    implements: Iterable[Directive] = (),
    client_id: str | None = None,
) -> Directive:
    """Record a directive from its number as written ("Chỉ thị số 49-CT/TW, ngày 20/10/2015")."""
    existing = _existing_by_client_id(Directive, client_id, actor)
    if existing is not None:
        return existing
    if issuing_unit is not None:
        _require_manager(
            actor,
            issuing_unit,
            _("Only the issuing unit's leaders record its documents."),
            actions.MANAGE_DIRECTIVE,
        )
    elif not _manages_somewhere(actor):
        raise _forbidden(_("Only supervisors and administrators record directive documents."))
    try:
        parsed = parse_document_number(number_text)
    except ParseError as exc:
        raise ServiceError(exc.message, field="number") from None
    if not title.strip():
        raise ServiceError(_("The title is required."), field="title")
    refuse_duplicate_directive(
        parsed.type,
        parsed.number,
        (issuer or parsed.issuer).strip().upper(),
        parsed.term,
        issuing_unit,
        issued_on or parsed.date,
    )
    directive, created = _create_once(
        Directive,
        client_id=client_id or None,
        actor=actor,
        doc_type=parsed.type,
        number=parsed.number,
        issuer=(issuer or parsed.issuer).strip().upper(),
        term=parsed.term,
        issued_on=issued_on or parsed.date,
        issuing_unit=issuing_unit,
        signer=signer,
        title=title.strip(),
        summary=summary,
        created_by=_actor(actor),
        full_number="",
    )
    if not created:
        return directive
    directive.full_number = _full_number(directive)
    directive.save(update_fields=["full_number"])
    higher = list(implements)
    if higher:
        directive.implements.add(*higher)
    _event(
        actor=actor,
        action="directive_created",
        directive=directive,
        full_number=directive.full_number,
        implements=[d.pk for d in higher],
    )
    return directive


def refuse_duplicate_directive(
    doc_type: str,
    number: str,
    issuer: str,
    term: str,
    issuing_unit: Unit | None,
    issued_on: datetime.date | None,
) -> None:
    """
    The same document recorded twice would split its links and tasks. Numbers restart with each
    term and every province's committee is "TU", so a duplicate is the same number from the same
    issuing unit in the same year (or with the date unknown on either side).
    """
    same = Directive.objects.filter(
        doc_type=doc_type, number=number, issuer=issuer, term=term, issuing_unit=issuing_unit
    )
    if issued_on is not None:
        same = same.filter(Q(issued_on__isnull=True) | Q(issued_on__year=issued_on.year))
    existing = same.order_by("id").first()
    if existing is not None:
        raise Conflict(
            _(
                "%(number)s is already recorded (no. %(id)s: %(title)s); open it instead of "
                "recording it again."
            )
            % {"number": existing.full_number, "id": existing.pk, "title": existing.title},
            field="number",
            code="already_exists",
        )


def _full_number(directive: Directive) -> str:
    return format_full_number(
        directive.number, directive.doc_type, directive.issuer, directive.term
    )


@transaction.atomic
def directive_link(
    *,
    actor: Any,
    directive: Directive,
    implements: Iterable[Directive],
    expected_version: int | None = None,
) -> None:
    """Record that `directive` carries out the higher documents `implements`."""
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    check_version(directive, expected_version)
    if directive.issuing_unit is not None:
        _require_manager(
            actor,
            directive.issuing_unit,
            _("Only the issuing unit's leaders link its documents."),
            actions.MANAGE_DIRECTIVE,
        )
    elif not _manages_somewhere(actor):
        raise _forbidden(_("Only supervisors and administrators link directive documents."))
    higher = [d for d in implements if d.pk != directive.pk]
    directive.implements.add(*higher)
    # updated_at too: a queryset update skips auto_now, and sync reads updated_at.
    Directive.objects.filter(pk=directive.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    _event(
        actor=actor,
        action="directive_linked",
        directive=directive,
        implements=[d.pk for d in higher],
    )


@transaction.atomic
def directive_replace(
    *,
    actor: Any,
    directive: Directive,
    replaced_by: Directive,
    expected_version: int | None = None,
) -> Directive:
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    check_version(directive, expected_version)
    if replaced_by.pk == directive.pk:
        raise ServiceError(_("A document cannot replace itself."), field="replaced_by")
    _require_directive_manager(actor, directive)
    directive.status = DirectiveStatus.REPLACED
    directive.replaced_by = replaced_by
    directive.version += 1
    directive.save(update_fields=["status", "replaced_by", "version", "updated_at"])
    _event(
        actor=actor, action="directive_replaced", directive=directive, replaced_by=replaced_by.pk
    )
    return directive


@transaction.atomic
def directive_attach_file(
    *,
    actor: Any,
    directive: Directive,
    file: UploadedFile,
    expected_version: int | None = None,
) -> DirectiveFile:
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    check_version(directive, expected_version)
    _require_directive_manager(actor, directive)
    content_type = validate_upload(file, field_name="file", label=_("file"))
    name = client_name(file, limit=255)
    attached = DirectiveFile.objects.create(
        directive=directive, file=renamed(file, content_type), name=name
    )
    Directive.objects.filter(pk=directive.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    _event(actor=actor, action="directive_file_attached", directive=directive, name=attached.name)
    return attached
