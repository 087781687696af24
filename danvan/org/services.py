"""Every write to units and memberships."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from danvan.core.errors import ServiceError
from danvan.core.language import supported
from danvan.core.text import fold
from danvan.org.models import PATH_SEPARATOR, Membership, Role, Unit, User
from danvan.org.roles import group_name
from danvan.org.selectors import forget_scope


def unit_path(*, code: str, parent: Unit | None) -> str:
    prefix = parent.path if parent else PATH_SEPARATOR
    return f"{prefix}{code}{PATH_SEPARATOR}"


@transaction.atomic
def unit_upsert(
    *,
    code: str,
    name: str,
    level: str,
    kind: str,
    parent: Unit | None,
    codename: str = "",
    former_names: str | None = None,
) -> Unit:
    """Create a unit, or update the one with this code; never two with one code."""
    if PATH_SEPARATOR in code:
        raise ServiceError(_("A unit code cannot contain '/'."), field="code")
    defaults = {
        "name": name,
        "level": level,
        "kind": kind,
        "parent": parent,
        "codename": codename,
        "name_folded": fold(name),
        "path": unit_path(code=code, parent=parent),
        "depth": (parent.depth + 1) if parent else 0,
        "is_active": True,
    }
    if former_names is not None:
        defaults["former_names"] = former_names
    unit, _created = Unit.objects.update_or_create(code=code, defaults=defaults)
    return unit


@transaction.atomic
def membership_add(*, user: User, unit: Unit, role: Role | str, title: str = "") -> Membership:
    membership, _created = Membership.objects.get_or_create(
        user=user, unit=unit, role=role, defaults={"title": title}
    )
    user_sync_groups(user=user)
    return membership


def user_sync_groups(*, user: User) -> None:
    """Groups follow memberships: one group per role held anywhere; staff if any role."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    groups = Group.objects.filter(name__in=[group_name(role) for role in roles])
    user.groups.set(groups)
    if not user.is_superuser:
        is_staff = bool(roles)
        if user.is_staff != is_staff:
            user.is_staff = is_staff
            user.save(update_fields=["is_staff"])
    forget_scope(user)


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """The person's own language for the pages and the API (a preference: no audit event)."""
    if supported(language) is None:
        raise ServiceError(_("Choose one of the languages offered."), field="language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
