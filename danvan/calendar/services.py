"""
Every write to the calendar: adding, changing and removing exceptions.

A change moves open deadlines, so each service calls every registered deadline recomputer
(petitions, tasks, reminders register theirs in AppConfig.ready()) in the same transaction:
either the exception and all the deadlines it moves are saved, or nothing is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from danvan.calendar import index
from danvan.calendar.models import (
    CalendarEvent,
    CalendarException,
    EventAction,
    ExceptionKind,
)
from danvan.core.errors import Conflict, ServiceError
from danvan.org.models import User

DeadlineRecomputer = Callable[[date], int]

# A plain registry, not signals: the calendar calls these explicitly, in order, inside its
# transaction, and adds up what they report.
_recomputers: list[DeadlineRecomputer] = []


def register_deadline_recomputer(func: DeadlineRecomputer) -> None:
    """
    Register `func(changed_day) -> number of open deadlines it changed`, called after every
    calendar change. Registering the same function twice registers it once.
    """
    if func not in _recomputers:
        _recomputers.append(func)


def unregister_deadline_recomputer(func: DeadlineRecomputer) -> None:
    if func in _recomputers:
        _recomputers.remove(func)


def _calendar_changed(days: Iterable[date]) -> int:
    """Make the new calendar visible to this transaction, then recompute open deadlines."""
    index.forget_in_transaction()
    transaction.on_commit(index.publish_change)
    changed = 0
    for day in sorted(set(days)):
        for recompute in tuple(_recomputers):
            changed += int(recompute(day) or 0)
    return changed


def _actor(actor: User | None) -> User | None:
    # The admin passes request.user; only a saved user can be recorded.
    return actor if isinstance(actor, User) and actor.pk else None


def calendar_exception_validate(
    *, day: date, kind: str, name: str, exception: CalendarException | None = None
) -> str:
    """Check an exception before saving it; returns the cleaned name. Raises ServiceError."""
    if kind not in ExceptionKind.values:
        raise ServiceError(
            _('"%(kind)s" is not a kind of exception; use "day_off" or "working_day".')
            % {"kind": kind},
            field="kind",
        )
    if not index.MIN_YEAR <= day.year <= index.MAX_YEAR:
        raise ServiceError(
            _("The calendar covers the years %(first)d to %(last)d only.")
            % {"first": index.MIN_YEAR, "last": index.MAX_YEAR},
            field="day",
        )
    name = (name or "").strip()
    if not name:
        raise ServiceError(
            _("Give the exception a name, with the document that announced it."), field="name"
        )
    if len(name) > CalendarException._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ServiceError(_("The name is too long (255 characters at most)."), field="name")
    others = CalendarException.objects.filter(day=day)
    if exception is not None:
        others = others.exclude(pk=exception.pk)
    if others.exists():
        raise Conflict(
            _("There is already an exception for %(day)s; change that one instead.")
            % {"day": f"{day:%d/%m/%Y}"},
            field="day",
            code="already_exists",
        )
    working_by_law = index.statutory_is_working(day)
    if kind == ExceptionKind.WORKING_DAY and working_by_law:
        raise ServiceError(
            _(
                "%(day)s is already a working day by law; a working-day exception is for a "
                "weekend day or a holiday made a working day."
            )
            % {"day": f"{day:%d/%m/%Y}"},
            field="kind",
        )
    if kind == ExceptionKind.DAY_OFF and not working_by_law:
        raise ServiceError(
            _("%(day)s is already a day off by law (a weekend or a public holiday).")
            % {"day": f"{day:%d/%m/%Y}"},
            field="kind",
        )
    return name


@transaction.atomic
def calendar_exception_add(
    *, actor: User | None, day: date, kind: str, name: str
) -> CalendarException:
    """Add a day off or a working day; open deadlines are recomputed."""
    name = calendar_exception_validate(day=day, kind=kind, name=name)
    try:
        with transaction.atomic():
            exception = CalendarException.objects.create(
                day=day, kind=kind, name=name, created_by=_actor(actor)
            )
    except IntegrityError:  # a concurrent add of the same day won the race
        raise Conflict(
            _("There is already an exception for %(day)s; change that one instead.")
            % {"day": f"{day:%d/%m/%Y}"},
            field="day",
            code="already_exists",
        ) from None
    exception.deadlines_changed = _calendar_changed([day])
    CalendarEvent.objects.create(
        action=EventAction.ADDED,
        day=day,
        kind=kind,
        name=name,
        actor=_actor(actor),
        deadlines_changed=exception.deadlines_changed,
    )
    return exception


@transaction.atomic
def calendar_exception_change(
    *, actor: User | None, exception: CalendarException, day: date, kind: str, name: str
) -> CalendarException:
    """Change an exception (its day too); deadlines around the old and new day are recomputed."""
    exception = CalendarException.objects.select_for_update().get(pk=exception.pk)
    name = calendar_exception_validate(day=day, kind=kind, name=name, exception=exception)
    old_day = exception.day
    exception.day, exception.kind, exception.name = day, kind, name
    exception.save(update_fields=["day", "kind", "name", "updated_at"])
    exception.deadlines_changed = _calendar_changed([old_day, day])
    CalendarEvent.objects.create(
        action=EventAction.CHANGED,
        day=day,
        kind=kind,
        name=name,
        previous_day=old_day if old_day != day else None,
        actor=_actor(actor),
        deadlines_changed=exception.deadlines_changed,
    )
    return exception


@transaction.atomic
def calendar_exception_remove(*, actor: User | None, exception: CalendarException) -> None:
    """Remove an exception: the day follows the law again; open deadlines are recomputed."""
    day, kind, name = exception.day, exception.kind, exception.name
    deleted, _rows = CalendarException.objects.filter(pk=exception.pk).delete()
    if not deleted:
        return
    changed = _calendar_changed([day])
    CalendarEvent.objects.create(
        action=EventAction.REMOVED,
        day=day,
        kind=kind,
        name=name,
        actor=_actor(actor),
        deadlines_changed=changed,
    )


@transaction.atomic
def calendar_exceptions_import(
    *, actor: User | None, rows: Iterable[Any]
) -> list[CalendarException]:
    """
    Add the new days of a year's import (danvan.calendar.imports), all or none. Rows are
    classified again inside the transaction, so a day added meanwhile is skipped, never
    doubled: importing the same file twice adds nothing the second time.
    """
    from danvan.calendar import imports

    added = []
    for row in imports.classify(list(rows)):
        if row.status != imports.NEW:
            continue
        try:
            added.append(
                calendar_exception_add(actor=actor, day=row.day, kind=row.kind, name=row.name)
            )
        except ServiceError as error:
            raise ServiceError(
                _("Line %(line)d: %(message)s") % {"line": row.line, "message": error.message},
                field=error.field,
            ) from None
    return added
