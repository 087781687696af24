"""
Petition deadlines for danvan.notify: open petitions whose clock runs, by current deadline.

Uses the (status, due_date) index: one range scan per chunk, then one query for the people
of the handling units and one for the supervisors of the units above.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from danvan.notify.providers import (
    DateRange,
    DueItem,
    item_url_template,
    people_of_units,
    ranges_q,
    supervisors_above,
)
from danvan.org.models import Role
from petitions.models import (
    IDENTITY_PROTECTED_KINDS,
    RUNNING_STATUSES,
    Notice,
    NoticeKind,
    NoticeStatus,
    Petition,
    PetitionKind,
)

URL_NAMES = ("petitions:detail", "petitions:petition-detail", "petition-detail")


class PetitionDeadlines:
    subject = "petition"

    def count(self, ranges: Sequence[DateRange]) -> int:
        if not ranges:
            return 0
        return (
            Petition.objects.filter(status__in=RUNNING_STATUSES, deleted_at__isnull=True)
            .filter(ranges_q("due_date", ranges))
            .count()
        )

    def items(self, ranges: Sequence[DateRange], *, chunk: int = 2000) -> Iterator[list[DueItem]]:
        if not ranges:
            return
        base = (
            Petition.objects.filter(status__in=RUNNING_STATUSES, deleted_at__isnull=True)
            .filter(ranges_q("due_date", ranges))
            .order_by("pk")
            .values_list(
                "pk",
                "code",
                "kind",
                "summary",
                "due_date",
                "handling_unit_id",
                "handling_unit__name",
                "handling_unit__parent_id",
                "assignee_id",
                "assignee__is_active",
            )
        )
        last = 0
        while True:
            rows = list(base.filter(pk__gt=last)[:chunk])
            if not rows:
                return
            last = rows[-1][0]
            url = item_url_template(URL_NAMES, "/admin/petitions/petition/{pk}/change/")
            people = people_of_units(
                {r[5] for r in rows}, [Role.PETITION_HANDLER, Role.COMMUNE_CADRE]
            )
            above = supervisors_above({r[7] for r in rows if r[7]})
            batch = []
            for (
                pk,
                code,
                kind,
                summary,
                due,
                unit_id,
                unit_name,
                parent_id,
                assignee,
                active,
            ) in rows:
                if assignee and active:
                    recipients = [assignee]
                else:
                    roles = people.get(unit_id, {})
                    recipients = list(
                        roles.get(Role.PETITION_HANDLER) or roles.get(Role.COMMUNE_CADRE) or []
                    )
                # A denunciation's summary may identify the denouncer: only its code travels.
                if kind in IDENTITY_PROTECTED_KINDS:
                    title = f"{code} ({PetitionKind(kind).label})"
                else:
                    title = f"{code}: {summary}"[:300]
                batch.append(
                    DueItem(
                        key=f"petition:{pk}",
                        deadline=due,  # type: ignore[arg-type]
                        unit_id=unit_id,
                        unit_name=unit_name,
                        title=title,
                        url=url.format(pk=pk),
                        recipients=recipients,
                        escalation=list(above.get(parent_id, [])) if parent_id else [],
                    )
                )
            yield batch

    def current_deadlines(self, ids: Iterable[int]) -> dict[int, date]:
        found: dict[int, date] = dict(
            Petition.objects.filter(
                pk__in=list(ids),
                status__in=RUNNING_STATUSES,
                deleted_at__isnull=True,
                due_date__isnull=False,
            ).values_list("pk", "due_date")  # type: ignore[arg-type]
        )
        return found


class NoticeDeadlines:
    """
    Notices to citizens not yet issued, by their due date: a missing notice is itself a breach.
    The issuing unit's handlers are reminded (its supervisors above once overdue); the link
    opens the notice, the app's deep link the petition.
    """

    subject = "notice"

    def _drafts(self, ranges: Sequence[DateRange]) -> Any:
        return Notice.objects.filter(
            status=NoticeStatus.DRAFT, petition__deleted_at__isnull=True
        ).filter(ranges_q("due_on", ranges))

    def count(self, ranges: Sequence[DateRange]) -> int:
        return self._drafts(ranges).count() if ranges else 0

    def items(self, ranges: Sequence[DateRange], *, chunk: int = 2000) -> Iterator[list[DueItem]]:
        if not ranges:
            return
        base = (
            self._drafts(ranges)
            .order_by("pk")
            .values_list(
                "pk",
                "kind",
                "due_on",
                "petition_id",
                "petition__code",
                "unit_id",
                "unit__name",
                "unit__parent_id",
            )
        )
        last = 0
        while True:
            rows = list(base.filter(pk__gt=last)[:chunk])
            if not rows:
                return
            last = rows[-1][0]
            url = item_url_template(("petitions:notice",), "/petitions/notices/{pk}/")
            people = people_of_units({r[5] for r in rows}, [Role.PETITION_HANDLER])
            above = supervisors_above({r[7] for r in rows if r[7]})
            yield [
                DueItem(
                    key=f"notice:{pk}",
                    deadline=due,
                    unit_id=unit_id,
                    unit_name=unit_name,
                    title=f"{code}: {NoticeKind(kind).label}"[:300],
                    url=url.format(pk=pk),
                    recipients=list(people.get(unit_id, {}).get(Role.PETITION_HANDLER, [])),
                    escalation=list(above.get(parent_id, [])) if parent_id else [],
                    target=("petition", petition_id),
                )
                for pk, kind, due, petition_id, code, unit_id, unit_name, parent_id in rows
            ]

    def current_deadlines(self, ids: Iterable[int]) -> dict[int, date]:
        found: dict[int, date] = dict(
            Notice.objects.filter(
                pk__in=list(ids), status=NoticeStatus.DRAFT, petition__deleted_at__isnull=True
            ).values_list("pk", "due_on")
        )
        return found
