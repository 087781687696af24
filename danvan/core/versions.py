"""
Versioned records: one entity-tag rule for every record the API changes (docs/api.md, "One
contract").

A versioned record (petition, task, directive, meeting, notification) has a `version` that
every write raises by one; its entity tag is `"<id>-<version>"`. A client sends the tag back:

- in `If-Match` on a write: the view parses it here (`expected_version`) and hands the number
  to the service, which compares it **under the row lock** (`check_version`), so two writers
  holding one tag get one success and one 412;
- in `If-None-Match` on a read: `not_modified` answers 304 when the tag is current.

Both headers take the forms RFC 9110 allows: a strong tag `"12-3"`, a weak one `W/"12-3"`,
`*`, or a comma-separated list; a bare `12-3` is accepted too (clients that drop the quotes).
Weak and strong compare alike: the tag is the record's version, not its bytes.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from danvan.core.errors import ServiceError

TAG_RE = re.compile(r'^(?:W/)?"?(\d+)-(\d+)"?$')


class Versioned(Protocol):
    pk: Any
    version: int


class PreconditionFailed(ServiceError):
    """A write made on a stale copy: If-Match names another version (412)."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    code = "precondition_failed"


def etag(record: Versioned) -> str:
    return f'"{record.pk}-{record.version}"'


def _tags(header: str) -> list[tuple[str, int] | None]:
    """The header's tags as (id, version); None for `*`, dropped when garbled."""
    found: list[tuple[str, int] | None] = []
    for part in header.split(","):
        part = part.strip()
        if part == "*":
            found.append(None)
            continue
        match = TAG_RE.match(part)
        if match:
            found.append((match.group(1), int(match.group(2))))
    return found


def expected_version(request: Request, record: Versioned) -> int | None:
    """
    The version `If-Match` expects, None without the header (or with `*`): no check. A tag
    that names another record, or a header without one valid tag, is a 412 at once.
    """
    header = (request.headers.get("If-Match") or "").strip()
    if not header:
        return None
    tags = _tags(header)
    if None in tags:
        return None
    own = [version for record_id, version in tags if record_id == str(record.pk)]  # type: ignore[misc]
    if not own:
        raise PreconditionFailed(
            str(_("If-Match does not name this record's current version; reload it."))
        )
    # Of several tags for this record, the current one if it is there.
    return record.version if record.version in own else own[0]


def check_version(record: Versioned, expected: int | None) -> None:
    """
    For services, on the row they hold locked: refuse a write made on a stale copy. Call it
    after `select_for_update()`, never on a copy read before the lock.
    """
    if expected is not None and record.version != expected:
        raise PreconditionFailed(
            str(
                _(
                    "This record was changed by someone else (version %(current)s, you sent "
                    "%(sent)s). Reload it and try again."
                )
            )
            % {"current": record.version, "sent": expected}
        )


def not_modified(request: Request, record: Versioned) -> Response | None:
    """A 304 when `If-None-Match` names the record's current version (or is `*`)."""
    header = (request.headers.get("If-None-Match") or "").strip()
    if not header:
        return None
    current = (str(record.pk), record.version)
    for tag in _tags(header):
        if tag is None or tag == current:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag(record)})
    return None
