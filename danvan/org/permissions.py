"""
The one authorization rule: may this person do this action to a record of this unit?

    can(user, action, unit)  <=>  the user holds, at `unit` or at a unit above it,
                                  a role that grants `action`.

Each app declares its actions in its own `roles.py` with `grant(action, *roles)`; every
service, selector, page, admin form and `available_actions` asks `can` / `require` here, at
the unit that owns the record for that action (docs/architecture.md, "One authorization
rule"). A role held in one unit never grants anything in another: a petition handler of one
commune who is only a cadre in a second commune is a cadre there.

Superusers (and the seeders' and scheduled jobs' SystemActor) may take every action. They do
not thereby see denouncers' identities: that is not an action of this table.

Memberships are read once per request (one query, shared with the scope: `held_roles`).
Reading follows the same rule with every role granting it: `danvan.org.selectors.scope_q`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework import status

from danvan.core.errors import ServiceError
from danvan.org.models import PATH_SEPARATOR, Role, Unit
from danvan.org.selectors import held_roles

# action -> roles that grant it; filled by the apps' roles modules (`grant`).
ACTIONS: dict[str, frozenset[str]] = {}
_loaded = False


class Forbidden(ServiceError):
    """The actor holds no role granting the action at the record's unit: a 403."""

    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"


def grant(action: str, *roles: Role | str) -> None:
    """Declare (in an app's roles.py) that each of `roles` grants `action`."""
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ImproperlyConfigured(f"Unknown roles for {action!r}: {sorted(unknown)}")
    ACTIONS[action] = ACTIONS.get(action, frozenset()) | frozenset(str(r) for r in roles)


def _load() -> None:
    """Import every app's roles module once, so the table is complete before the first ask."""
    global _loaded
    if _loaded:
        return
    from django.apps import apps

    for config in apps.get_app_configs():
        try:
            __import__(f"{config.name}.roles")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.roles":
                raise
    _loaded = True


def roles_granting(action: str) -> frozenset[str]:
    """The roles that grant `action`; an unknown action is a programming error."""
    _load()
    try:
        return ACTIONS[action]
    except KeyError:
        raise ImproperlyConfigured(f"Unknown action {action!r}: declare it with grant().") from None


def table() -> dict[str, list[str]]:
    """The whole table, action -> role names, sorted (for the documentation and tests)."""
    _load()
    return {action: sorted(roles) for action, roles in sorted(ACTIONS.items())}


def _everything(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", True)
        and getattr(user, "is_superuser", False)
    )


def _granting_paths(user: Any, action: str) -> list[str]:
    """Paths of the units where the user holds a role granting `action`."""
    roles = roles_granting(action)
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return []
    return [path for role, path in held_roles(user) if role in roles]


def can(user: Any, action: str, unit: Unit | None) -> bool:
    """True when `user` holds, at `unit` or a unit above it, a role that grants `action`."""
    roles_granting(action)  # refuse unknown actions even for superusers
    if _everything(user):
        return True
    if unit is None:
        return False
    return any(unit.path.startswith(path) for path in _granting_paths(user, action))


def holds(user: Any, action: str, unit: Unit | None) -> bool:
    """
    `can` without the superuser's pass: the user holds, through a membership at `unit` or
    above, a role granting `action`. For facts about a person's post rather than leave to
    act (who works with a petition's citizens and sees their numbers in full).
    """
    roles_granting(action)
    if unit is None:
        return False
    return any(unit.path.startswith(path) for path in _granting_paths(user, action))


def can_at_any(user: Any, action: str, units: Iterable[Unit | None]) -> bool:
    """`can` at one of several units (an action a record allows from either of two units)."""
    return any(can(user, action, unit) for unit in units)


def holds_anywhere(user: Any, action: str) -> bool:
    """True when the user holds a role granting `action` at some unit (records of no unit)."""
    roles_granting(action)
    return _everything(user) or bool(_granting_paths(user, action))


def can_nationally(user: Any, action: str) -> bool:
    """
    `can` at the top of the tree: a national record or setting (no unit of its own: the
    working-day calendar, reminder stages, schedules, the country's logs).
    """
    roles_granting(action)
    if _everything(user):
        return True
    # A root's path has one segment ("/TW/"); held_roles reads active units only: no query.
    return any(path.count(PATH_SEPARATOR) == 2 for path in _granting_paths(user, action))


def require(user: Any, action: str, *units: Unit | None, message: str | None = None) -> None:
    """Raise Forbidden unless `can(user, action, unit)` holds for one of `units`."""
    if not can_at_any(user, action, units):
        raise Forbidden(message or _("You do not have permission to do this."))


def units_q(user: Any, action: str, unit_field: str) -> Q:
    """
    Rows whose unit (`unit_field`, a foreign key to Unit; "" for units themselves) lies at or
    below a unit where the user holds a role granting `action`: "the tasks I may report on".
    """
    roles_granting(action)
    if _everything(user):
        return Q()
    paths = _granting_paths(user, action)
    if not paths:
        return Q(pk__in=[])
    lookup = f"{unit_field}__path__startswith" if unit_field else "path__startswith"
    condition = Q()
    for path in sorted(set(paths)):
        condition |= Q(**{lookup: path})
    return condition
