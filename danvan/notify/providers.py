"""
Deadline providers: each app that has deadlines says which of its open items fall in given
deadline ranges, who is responsible for them and who is above them.

A provider is a class named by import path in settings.DANVAN_REMINDER_PROVIDERS (or the
default list below). It must answer with a few set-based queries whatever the number of
items: the sweep hands it date ranges, never item by item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Protocol

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from danvan.notify.models import TargetType
from danvan.org.models import Membership, Role

DEFAULT_PROVIDERS = [
    "petitions.reminders.PetitionDeadlines",
    "tasks.reminders.TaskDeadlines",
    "tasks.reminders.CoordinationDeadlines",
    "petitions.reminders.NoticeDeadlines",
]

# Ranges are half-open: [first, after).
DateRange = tuple[date, date]


@dataclass
class DueItem:
    key: str  # "petition:123"
    deadline: date
    unit_id: int
    title: str
    url: str  # path on the site, e.g. /petitions/123/
    unit_name: str = ""
    recipients: list[int] = field(default_factory=list)
    escalation: list[int] = field(default_factory=list)
    # What a client deep-links to, ("task", 7); None: the item itself (its key's subject).
    target: tuple[str, int] | None = None

    def target_of(self) -> tuple[str, int] | None:
        if self.target is not None:
            return self.target
        return key_target(self.key)


class DeadlineProvider(Protocol):
    subject: str

    def count(self, ranges: Sequence[DateRange]) -> int:
        """How many open items have their current deadline in one of `ranges`."""
        ...

    def items(self, ranges: Sequence[DateRange], *, chunk: int = 2000) -> Iterator[list[DueItem]]:
        """Those items, with their recipients, in chunks (a few queries per chunk)."""
        ...

    def current_deadlines(self, ids: Iterable[int]) -> dict[int, date]:
        """Current deadline of the items that are still open (closed ones are missing)."""
        ...


@cache
def providers() -> dict[str, DeadlineProvider]:
    paths = getattr(settings, "DANVAN_REMINDER_PROVIDERS", DEFAULT_PROVIDERS)
    found: dict[str, DeadlineProvider] = {}
    for path in paths:
        provider = import_string(path)()
        found[provider.subject] = provider
    return found


def ranges_q(field_name: str, ranges: Sequence[DateRange]) -> Q:
    """OR of half-open date ranges on one indexed column."""
    condition = Q(pk__in=[])
    for first, after in ranges:
        condition |= Q(**{f"{field_name}__gte": first, f"{field_name}__lt": after})
    return condition


def split_key(key: str) -> tuple[str, int]:
    subject, _sep, pk = key.partition(":")
    return subject, int(pk)


_TARGET_TYPES = frozenset(TargetType.values)  # the enum's `values` is rebuilt on every access


def key_target(key: str) -> tuple[str, int] | None:
    """("petition", 42) for "petition:42"; None for a key that is not itself a record type."""
    subject, _sep, pk = key.partition(":")
    if subject in _TARGET_TYPES and pk.isdigit():
        return subject, int(pk)
    return None


_SENTINEL = 987654321


def item_url_template(names: Sequence[str], fallback: str) -> str:
    """
    A format string with `{pk}` for the item's page: the first URL name that resolves,
    else `fallback` (e.g. "/admin/petitions/petition/{pk}/change/"). Resolved once per
    batch, not per item.
    """
    for name in names:
        try:
            return reverse(name, args=[_SENTINEL]).replace(str(_SENTINEL), "{pk}")
        except NoReverseMatch:
            continue
    return fallback


def people_of_units(
    unit_ids: Iterable[int], roles: Sequence[str]
) -> dict[int, dict[str, list[int]]]:
    """{unit id: {role: [user ids]}} for active users: one query."""
    found: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    ids = set(unit_ids)
    if not ids:
        return found
    rows = Membership.objects.filter(
        unit_id__in=ids, role__in=roles, user__is_active=True, unit__is_active=True
    ).values_list("unit_id", "role", "user_id")
    for unit_id, role, user_id in rows.order_by("unit_id", "user_id"):
        found[unit_id][role].append(user_id)
    return found


def supervisors_above(parent_ids: Iterable[int]) -> dict[int, list[int]]:
    """{unit id: [supervisors of that unit]}; the caller passes the parents of the units."""
    people = people_of_units(parent_ids, [Role.SUPERVISOR])
    return {unit_id: roles[Role.SUPERVISOR] for unit_id, roles in people.items()}
