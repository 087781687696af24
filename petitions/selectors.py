"""
Every read of petitions, scoped: a person sees the petitions their units received or handle
(and those of every unit below). Denouncers' identities are decided here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from danvan.core.text import fold
from danvan.org.models import Membership
from danvan.org.selectors import scope_ids_q, scope_q
from petitions import clock
from petitions.models import (
    FINISHED_STATUSES,
    IDENTITY_PROTECTED_KINDS,
    REDACTED,
    RUNNING_STATUSES,
    Attachment,
    DeadlineState,
    Petition,
    Petitioner,
    PetitionEvent,
    PetitionPetitioner,
    ReceptionSession,
    Status,
)

_HANDLING_UNITS_ATTR = "_danvan_petitions_member_units"


def petitions_visible_to(user: Any) -> QuerySet[Petition]:
    """
    Petitions received or handled in the user's subtrees; tombstones excluded. The subtree's
    unit ids are read first (one query), so PostgreSQL can use the unit columns' indexes: a
    commune's list no longer walks the whole table newest-first testing joined unit paths.
    """
    return Petition.objects.filter(
        scope_ids_q(user, "handling_unit", "receiving_unit"),
        deleted_at__isnull=True,
    )


def petition_list(user: Any) -> QuerySet[Petition]:
    """Visible petitions with what a list shows, in a fixed number of queries."""
    return (
        petitions_visible_to(user)
        .select_related(
            "field", "field__parent", "location_unit", "receiving_unit", "handling_unit", "assignee"
        )
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=PetitionPetitioner.objects.select_related("petitioner").order_by(
                    "position", "id"
                ),
            )
        )
    )


def petition_get_for(user: Any, petition_id: Any) -> Petition:
    """The petition if the user may see it; 404 otherwise (no hint that it exists)."""
    try:
        return petition_list(user).get(pk=int(petition_id))
    except (Petition.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def petition_detail(user: Any, petition_id: Any) -> Petition:
    """The petition with everything its detail page shows, prefetched."""
    try:
        return (
            petition_list(user)
            .prefetch_related(
                "respondents",
                "attachments",
                "answers",
                "suspensions",
                "extensions",
                Prefetch("transfers", queryset=_transfers()),
                Prefetch("links", queryset=_links()),
            )
            .get(pk=int(petition_id))
        )
    except (Petition.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def _transfers() -> QuerySet[Any]:
    from petitions.models import Transfer

    return Transfer.objects.select_related("from_unit", "to_unit")


def _links() -> QuerySet[Any]:
    from petitions.models import PetitionLink

    return PetitionLink.objects.select_related("target")


def attachment_get_for(user: Any, petition_id: Any, attachment_id: Any) -> Attachment:
    """An attachment of a petition the user may see; 404 otherwise."""
    try:
        return (
            Attachment.objects.filter(petition__in=petitions_visible_to(user).values("pk"))
            .select_related("petition")
            .get(pk=int(attachment_id), petition_id=int(petition_id))
        )
    except (Attachment.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def links_to(user: Any, petition: Petition) -> QuerySet[Any]:
    """Links other visible petitions made to this one (e.g. a later one filed as its duplicate)."""
    from petitions.models import PetitionLink

    return (
        PetitionLink.objects.filter(target=petition, petition__in=petitions_visible_to(user))
        .select_related("petition")
        .order_by("id")
    )


def petition_timeline(petition: Petition) -> QuerySet[PetitionEvent]:
    return (
        PetitionEvent.objects.filter(petition=petition).select_related("actor").order_by("at", "id")
    )


# --- Search -------------------------------------------------------------------------------------
def petitions_search(queryset: QuerySet[Petition], term: str) -> QuerySet[Petition]:
    """
    Diacritic- and case-insensitive: every word must appear in the folded text (code,
    summary, content, address, respondents, and petitioner names except for denunciations).
    On PostgreSQL the trigram GIN index on search_text serves these LIKE '%word%' filters.
    """
    folded = fold(term)
    if not folded:
        return queryset
    condition = Q()
    for word in folded.split(" "):
        condition &= Q(search_text__contains=word)
    # The code is in search_text too ("DT-2026-000123" folds to "dt-2026-000123"), so one
    # indexable condition covers codes as well.
    return queryset.filter(condition)


# --- Deadlines ----------------------------------------------------------------------------------
def due_soon_working_days() -> int:
    return int(getattr(settings, "PETITIONS_DUE_SOON_WORKING_DAYS", 3))


@dataclass(frozen=True)
class DeadlineInfo:
    state: str
    working_days_left: int | None

    @property
    def state_label(self) -> str:
        return str(DeadlineState(self.state).label)

    @property
    def overdue_by(self) -> int:
        return (
            -self.working_days_left if self.working_days_left and self.working_days_left < 0 else 0
        )


class DeadlineContext:
    """Today and the due-soon horizon, computed once per request and reused for every row."""

    def __init__(self, today: date | None = None) -> None:
        self.today = today or timezone.localdate()
        self.horizon = clock.add_working_days(self.today, due_soon_working_days())

    def info(self, petition: Petition) -> DeadlineInfo:
        if petition.status in FINISHED_STATUSES:
            return DeadlineInfo(DeadlineState.DONE, None)
        if petition.status == Status.SUSPENDED:
            return DeadlineInfo(DeadlineState.PAUSED, None)
        due = petition.due_date
        if due is None:
            return DeadlineInfo(DeadlineState.ON_TIME, None)
        left = clock.working_days_left(self.today, due)
        if due < self.today:
            return DeadlineInfo(DeadlineState.OVERDUE, left)
        if due <= self.horizon:
            return DeadlineInfo(DeadlineState.DUE_SOON, left)
        return DeadlineInfo(DeadlineState.ON_TIME, left)


def deadline_info(petition: Petition, *, today: date | None = None) -> DeadlineInfo:
    """A petition's deadline state (on time / due soon / overdue…) and working days left."""
    return DeadlineContext(today).info(petition)


def filter_deadline_state(
    queryset: QuerySet[Petition], state: str, *, today: date | None = None
) -> QuerySet[Petition]:
    """The same rule as DeadlineContext.info, as a database filter."""
    context = DeadlineContext(today)
    running = Q(status__in=RUNNING_STATUSES)
    if state == DeadlineState.OVERDUE:
        return queryset.filter(running, due_date__lt=context.today)
    if state == DeadlineState.DUE_SOON:
        return queryset.filter(running, due_date__gte=context.today, due_date__lte=context.horizon)
    if state == DeadlineState.ON_TIME:
        return queryset.filter(running).filter(
            Q(due_date__gt=context.horizon) | Q(due_date__isnull=True)
        )
    if state == DeadlineState.PAUSED:
        return queryset.filter(status=Status.SUSPENDED)
    if state == DeadlineState.DONE:
        return queryset.filter(status__in=FINISHED_STATUSES)
    return queryset.none()


# --- Denouncer protection -----------------------------------------------------------------
def _member_unit_ids(user: Any) -> frozenset[int]:
    cached = getattr(user, _HANDLING_UNITS_ATTR, None)
    if cached is None:
        cached = frozenset(Membership.objects.filter(user=user).values_list("unit_id", flat=True))
        setattr(user, _HANDLING_UNITS_ATTR, cached)
    return cached


def user_may_see_denouncer(user: Any, petition: Petition) -> bool:
    """Holder of petitions.view_denouncer_identity who is a member of the handling unit."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not user.has_perm("petitions.view_denouncer_identity"):
        return False
    if user.is_superuser:
        return True
    return petition.handling_unit_id in _member_unit_ids(user)


def identity_hidden(petition: Petition) -> bool:
    """Lists, searches, timelines and exports never show a denouncer's identity."""
    return petition.identity_protected


def petitioner_names(petition: Petition) -> list[str]:
    """Names for lists (prefetched, no query): redacted for denunciations."""
    parties = list(petition.parties.all())
    if identity_hidden(petition):
        return [str(REDACTED)] * len(parties)
    return [party.petitioner.full_name for party in parties]


def petitioner_rows(petition: Petition) -> list[dict[str, str | None]]:
    """Petitioners for a detail view (prefetched, no query): a denouncer's data all hidden."""
    if identity_hidden(petition):
        return [
            {"full_name": str(REDACTED), "citizen_id": None, "phone": None, "address": None}
            for _party in petition.parties.all()
        ]
    return [identity_row(party.petitioner) for party in petition.parties.all()]


def attachment_name(attachment: Attachment, *, hidden: bool) -> str:
    """
    The file name to show: a denunciation's files keep theirs out of every output, since a
    scanned letter is often named after its writer ("don to cao - Nguyen Van A.pdf").
    """
    if not hidden:
        return attachment.original_name
    suffix = PurePosixPath(attachment.original_name).suffix.lower()
    if not (suffix[1:].isascii() and suffix[1:].isalnum() and len(suffix) <= 6):
        suffix = ""
    return gettext("attachment-%(number)s%(suffix)s") % {"number": attachment.pk, "suffix": suffix}


def identity_row(person: Petitioner) -> dict[str, str | None]:
    return {
        "full_name": person.full_name,
        "citizen_id": person.citizen_id,
        "phone": person.phone,
        "address": person.address,
    }


# --- Duplicates ----------------------------------------------------------------------------------
def _words(text: str) -> set[str]:
    return {w for w in fold(text).split(" ") if len(w) > 2}


def duplicate_candidates(
    user: Any,
    *,
    citizen_ids: list[str] | None = None,
    names_and_phones: list[tuple[str, str]] | None = None,
    location_unit_id: int | None = None,
    text: str = "",
    exclude_id: int | None = None,
    exclude_ids: set[int] | None = None,
    limit: int = 10,
) -> list[tuple[Petition, str]]:
    """
    Earlier petitions that may be the same matter: (petition, why). Matches by identity
    skip denunciations, so a suggestion never reveals that a person denounced someone.
    """
    from petitions.models import citizen_id_hash, phone_hash

    visible = petition_list(user)
    if exclude_id:
        visible = visible.exclude(pk=exclude_id)
    if exclude_ids:
        visible = visible.exclude(pk__in=exclude_ids)
    found: dict[int, tuple[Petition, str]] = {}
    identity = Q()
    for citizen_id in [c for c in citizen_ids or [] if c]:
        identity |= Q(parties__petitioner__citizen_id_hash=citizen_id_hash(citizen_id))
    for name, phone in names_and_phones or []:
        if name and phone:
            identity |= Q(
                parties__petitioner__name_folded=fold(name),
                parties__petitioner__phone_hash=phone_hash(phone),
            )
    if identity:
        for petition in (
            visible.filter(identity)
            .exclude(kind__in=IDENTITY_PROTECTED_KINDS)
            .distinct()
            .order_by("-received_on", "-id")[:limit]
        ):
            found[petition.pk] = (petition, "same_petitioner")
    words = _words(text)
    if location_unit_id and words:
        from danvan.org.models import Unit

        location = Unit.objects.filter(pk=location_unit_id).select_related("parent").first()
        if location is not None:
            # The commune the location lies in (a village's parent commune, or itself).
            commune = (
                location.parent if location.level == "village" and location.parent else location
            )
            commune_path = commune.path
            recent = visible.filter(location_unit__path__startswith=commune_path).order_by(
                "-received_on", "-id"
            )[:200]
            scored = []
            for petition in recent:
                other = _words(f"{petition.summary} {petition.content}")
                if not other:
                    continue
                score = len(words & other) / len(words | other)
                if score >= 0.3:
                    scored.append((score, petition))
            for _score, petition in sorted(scored, key=lambda s: -s[0]):
                found.setdefault(petition.pk, (petition, "similar_content"))
    return list(found.values())[:limit]


# --- Sync -----------------------------------------------------------------------------------------
def petitions_changed_since(
    user: Any, *, since: datetime | None, after_id: int = 0, limit: int = 100
) -> list[Petition]:
    """Rows (tombstones included) changed after (since, after_id), oldest first: a stable feed."""
    queryset = Petition.objects.filter(scope_ids_q(user, "handling_unit", "receiving_unit"))
    if since is not None:
        queryset = queryset.filter(Q(updated_at__gt=since) | Q(updated_at=since, id__gt=after_id))
    return list(
        queryset.select_related(
            "field", "field__parent", "location_unit", "receiving_unit", "handling_unit", "assignee"
        )
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=PetitionPetitioner.objects.select_related("petitioner").order_by(
                    "position", "id"
                ),
            )
        )
        .order_by("updated_at", "id")[:limit]
    )


def reception_sessions_visible_to(user: Any) -> QuerySet[ReceptionSession]:
    return ReceptionSession.objects.filter(scope_q(user, "unit")).select_related("unit")


def reception_session_get_for(user: Any, session_id: Any) -> ReceptionSession:
    try:
        return reception_sessions_visible_to(user).get(pk=int(session_id))
    except (ReceptionSession.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
