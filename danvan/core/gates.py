"""
Who may change a record is asked before its input is read.

A write action fetches its record, then reads the body. Without a gate, a person without
the right to change the record got a 400 about the body (or, with a body the serializer
could not handle, a 500) instead of the 403 the service would have given: validation ran
before the permission check, and told a stranger what the input must look like.

A viewset lists, per action, the service's rule ("may this person change this record at
all"), and calls `gate_write(obj)` where it fetches the record; the service still checks
the full rule (state, version, the body's units) under its row lock.

A create has no record yet: the unit it is checked at is in the body. `gate_create` refuses,
before the body is read, a person who holds the action at no unit at all (a commune cadre
posting a directive); whoever holds it somewhere has the body read and the service checks it
at the unit the body names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS

from danvan.org.permissions import Forbidden, holds_anywhere

T = TypeVar("T")
Gate = Callable[[Any, Any], None]


class WriteGateMixin:
    """`write_gates`: action name -> rule(actor, record), raising the service's 403."""

    write_gates: ClassVar[dict[str, Gate]] = {}

    def gate_write(self, obj: T) -> T:
        request = self.request  # type: ignore[attr-defined]
        if request.method in SAFE_METHODS:
            return obj
        gate = self.write_gates.get(self.action)  # type: ignore[attr-defined]
        if gate is not None:
            gate(request.user, obj)
        return obj


def gate_create(user: Any, action: str, message: Any = None) -> None:
    """Forbidden (the service's 403) unless `user` holds `action` at some unit."""
    if not holds_anywhere(user, action):
        raise Forbidden(str(message or _("You do not have permission to do this.")))
