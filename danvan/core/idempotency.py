"""
One idempotency rule for every create (docs/api.md, "One contract").

A client that may retry a create (a phone on a bad connection) sends a key it chose: the
header `Idempotency-Key` or, as an alias, the body's `client_id`. The first request creates
(201); a retry with the same key and the same body answers the same record (200); the same key
with a different body is refused (422, naming the key) and creates nothing. Keys are 1 to 64
visible ASCII characters, and belong to the person who sent them: two people's keys never
collide.

The key is claimed in the create's own transaction (`core.IdempotencyKey`, unique per person,
kind of record and key): a second request with the key waits for the first to commit, then
answers its record, so two concurrent retries still make one row.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, connections, models, router, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.request import Request

from danvan.core.errors import ServiceError
from danvan.core.models import IdempotencyKey
from danvan.core.upsert import insert_or_nothing

HEADER = "Idempotency-Key"
MAX_LENGTH = 64
KEY_RE = re.compile(r"^[\x21-\x7e]{1," + str(MAX_LENGTH) + "}$")

M = TypeVar("M", bound=models.Model)


class KeyReused(ServiceError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    code = "idempotency_key_reused"


def _checked(value: str, field: str) -> str:
    if not KEY_RE.match(value):
        raise ServiceError(
            str(
                _("A key is 1 to %(max)d visible ASCII characters (letters, digits, - _ …).")
                % {"max": MAX_LENGTH}
            ),
            field=field,
        )
    return value


def request_key(request: Request, body_value: Any = None) -> tuple[str | None, str]:
    """
    The key of this create and where it came from (`Idempotency-Key` or `client_id`); a
    header and a body that name two different keys are a 400.
    """
    header = request.headers.get(HEADER)
    body = str(body_value) if body_value not in (None, "") else None
    if header is not None:
        header = _checked(header.strip(), HEADER)
        if body is not None and body != header:
            raise ServiceError(
                str(_("The Idempotency-Key header and the body's client_id differ.")),
                field=HEADER,
            )
        return header, HEADER
    if body is not None:
        return _checked(body, "client_id"), "client_id"
    return None, HEADER


def key_as_uuid(user_id: Any, key: str) -> uuid.UUID:
    """For records whose client id is a UUID: the key itself, or one derived per person."""
    try:
        return uuid.UUID(key)
    except ValueError:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"danvan:{user_id}:{key}")


def _plain(value: Any) -> Any:
    """A body as JSON-able data; an uploaded file by its name, size and type."""
    if hasattr(value, "lists"):  # a QueryDict (multipart): every value of every field
        return {k: [_plain(v) for v in vs] for k, vs in value.lists()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "read") and hasattr(value, "size"):
        return {"file": getattr(value, "name", ""), "size": value.size}
    return value


def fingerprint(request: Request) -> str:
    body = json.dumps(_plain(request.data), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def _claim(user: Any, scope: str, key: str, print_: str) -> tuple[IdempotencyKey, bool]:
    """
    The key's row, inserted now (True) or by an earlier request (False). The insert comes
    first: a new key (the usual case) costs one statement (`ON CONFLICT DO NOTHING`, no
    savepoint); a concurrent request with the same key waits on the unique index until the
    first commits, then reads its row.
    """
    connection = connections[router.db_for_write(IdempotencyKey)]
    if connection.features.can_return_columns_from_insert:
        claim = IdempotencyKey(user_id=user.pk, scope=scope, key=key, fingerprint=print_)
        if insert_or_nothing(claim, connection):
            return claim, True
        return IdempotencyKey.objects.select_for_update().get(
            user_id=user.pk, scope=scope, key=key
        ), False
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                user_id=user.pk, scope=scope, key=key, fingerprint=print_
            ), True
    except IntegrityError:
        return IdempotencyKey.objects.select_for_update().get(
            user_id=user.pk, scope=scope, key=key
        ), False


def create_once(
    request: Request,
    model: type[M],
    create: Callable[..., tuple[M, bool]],
    *,
    body_key: Any = None,
    keyed: bool = False,
) -> tuple[M, bool]:
    """
    Run `create(key)` once per key: (record, created). `create` gets the key (None without
    one) to store as the record's client id where the record keeps one; a retry never calls
    it again once the first has committed.

    `keyed=True`: the record keeps the key as its own unique client id, so `create` itself
    finds the first record again on a retry. It is then called as `create(key, claimed)`,
    `claimed` telling whether this request has just claimed the key (no earlier request of
    this person holds it: the create need not look first; True without a key), and the claim
    does not store the record's id (one statement fewer). The call runs in an atomic block
    of its own, which holds nothing else: the create may skip its savepoints.
    """
    key, field = request_key(request, body_key)
    if key is None:
        if not keyed:
            return create(None)
        with transaction.atomic():  # the create's own block: a failure rolls back only it
            return create(None, True)
    scope = model._meta.label_lower
    print_ = fingerprint(request)
    with transaction.atomic():
        claim, claimed_now = _claim(request.user, scope, key, print_)
        if not claimed_now:
            if claim.fingerprint != print_:
                raise KeyReused(
                    str(
                        _(
                            "This key was already used for a different request; send a new "
                            "key for new data."
                        )
                    ),
                    field=field,
                )
            if claim.record_id is not None:
                earlier = model._default_manager.filter(pk=claim.record_id).first()
                if earlier is not None:
                    return earlier, False
        if keyed:
            return create(key, claimed_now)
        record, created = create(key)
        if claim.record_id != record.pk:
            claim.record_id = record.pk
            claim.save(update_fields=["record_id"])
    return record, created
