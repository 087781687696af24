"""
Saved views: a person's named filters of a list, kept as a querystring of that list's known
filter parameters only, and seen by their owner only. Reads and writes of SavedView.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

from danvan.core.errors import ServiceError
from danvan.core.models import SavedView

MAX_PER_LIST = 30
MAX_NAME = 80


def _choice(values: Callable[[], Any]) -> Callable[[str], bool]:
    return lambda value: value in values()


def _text(value: str) -> bool:
    return 0 < len(value) <= 200


def _deadline_states() -> Any:
    from petitions.models import DeadlineState

    return DeadlineState.values


def _task_statuses() -> Any:
    from tasks.models import TaskStatus

    return TaskStatus.values


# list name -> (the page's URL name, its filter parameters and what each accepts)
LIST_PARAMS: dict[str, tuple[str, dict[str, Callable[[str], bool]]]] = {
    "petitions": (
        "petitions:list",
        {"state": _choice(_deadline_states), "q": _text, "assigned": lambda value: value == "none"},
    ),
    "tasks": (
        "tasks:list",
        {
            "status": _choice(_task_statuses),
            "q": _text,
            "awaiting_my_approval": lambda value: value == "1",
            "awaiting_my_report": lambda value: value == "1",
        },
    ),
}


def clean_querystring(list_name: str, querystring: str) -> str:
    """The querystring with only the list's known filters and valid values, in a fixed order."""
    if list_name not in LIST_PARAMS:
        raise ServiceError(_("Unknown list."), field="list_name")
    known = LIST_PARAMS[list_name][1]
    given = QueryDict(querystring.lstrip("?")[:2000])
    kept = {
        key: given[key].strip()
        for key, accepts in known.items()
        if given.get(key, "").strip() and accepts(given[key].strip())
    }
    if not kept:
        raise ServiceError(
            _("Nothing to save: choose at least one filter of this list first."),
            field="querystring",
        )
    return urlencode(kept)


def saved_views_of(user: Any, list_name: str) -> QuerySet[SavedView]:
    """The person's own saved views of a list (nobody else's)."""
    if not getattr(user, "is_authenticated", False):
        return SavedView.objects.none()
    return SavedView.objects.filter(owner=user, list_name=list_name).order_by("name", "id")


def saved_view_get_for(user: Any, view_id: Any) -> SavedView:
    """The view if the user owns it; 404 otherwise (another person's views do not exist)."""
    try:
        return SavedView.objects.get(pk=int(view_id), owner=user)
    except (SavedView.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


@transaction.atomic
def saved_view_save(*, actor: Any, list_name: str, name: str, querystring: str) -> SavedView:
    """Save the list's current filters under a name; the same name again replaces them."""
    cleaned = clean_querystring(list_name, querystring)
    name = " ".join(name.split())
    if not name:
        raise ServiceError(_("Give the view a name."), field="name")
    if len(name) > MAX_NAME:
        raise ServiceError(
            _("A name has at most %(count)d characters.") % {"count": MAX_NAME}, field="name"
        )
    existing = (
        SavedView.objects.select_for_update()
        .filter(owner=actor, list_name=list_name, name=name)
        .first()
    )
    if existing is not None:
        existing.querystring = cleaned
        existing.save(update_fields=["querystring"])
        return existing
    if saved_views_of(actor, list_name).count() >= MAX_PER_LIST:
        raise ServiceError(
            _("At most %(count)d saved views per list: delete one first.")
            % {"count": MAX_PER_LIST},
            field="name",
        )
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                owner=actor, list_name=list_name, name=name, querystring=cleaned
            )
    except IntegrityError:  # the same name saved at the same moment in another tab
        raise ServiceError(_("A view with this name already exists."), field="name") from None


@transaction.atomic
def saved_view_delete(*, actor: Any, view: SavedView) -> None:
    if view.owner_id != actor.pk:
        raise Http404
    view.delete()
