"""
Every read of petitions, scoped: a person sees the petitions their units received or handle
(and those of every unit below). Denouncers' identities are decided here too.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Case, CharField, Count, F, IntegerField, Prefetch, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from danvan.core.text import FullTextMatch, fold, tsquery_text
from danvan.org import permissions
from danvan.org.models import Unit
from danvan.org.selectors import scope_ids_q, scope_q, scope_rows_q
from petitions import clock
from petitions import roles as actions
from petitions.models import (
    FINISHED_STATUSES,
    IDENTITY_PROTECTED_KINDS,
    REDACTED,
    RUNNING_STATUSES,
    Attachment,
    DeadlineState,
    IdentityGrant,
    LinkKind,
    Notice,
    NoticeStatus,
    Petition,
    Petitioner,
    PetitionEvent,
    PetitionNote,
    PetitionPetitioner,
    ReceptionSession,
    Status,
    citizen_id_hash,
    normalise_phone,
    phone_hash,
)


def petitions_visible_to(user: Any) -> QuerySet[Petition]:
    """
    Petitions received or handled in the user's subtrees; tombstones excluded. The subtree's
    unit ids are read first (one query), so PostgreSQL can use the unit columns' indexes: a
    commune's list no longer walks the whole table newest-first testing joined unit paths.
    """
    return Petition.objects.filter(
        scope_rows_q(user, Petition, "handling_unit", "receiving_unit"),
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


def merged_into_ids(petition: Petition) -> list[int]:
    """
    The petitions merged into this one (services.petition_merge), and those merged into them:
    their timelines, contents and files are shown with this one's. One query per level.
    """
    from petitions.models import PetitionLink

    found: list[int] = []
    level = [petition.pk]
    while level:
        level = [
            pk
            for pk in PetitionLink.objects.filter(
                target_id__in=level, kind=LinkKind.MERGED_INTO
            ).values_list("petition_id", flat=True)
            if pk not in found and pk != petition.pk
        ]
        found.extend(level)
    return found


def petition_timeline(
    petition: Petition, *, merged: list[int] | None = None
) -> QuerySet[PetitionEvent]:
    """
    The petition's events, oldest first, with those of the petitions merged into it (`merged`,
    if the caller read merged_into_ids already): each of these carries `origin_id` and
    `origin_code` (the petition it happened on); the petition's own events carry None.
    """
    events = PetitionEvent.objects.select_related("actor").order_by("at", "id")
    merged = merged_into_ids(petition) if merged is None else merged
    if not merged:
        return events.filter(petition=petition)
    other = ~Q(petition_id=petition.pk)
    return events.filter(petition_id__in=[petition.pk, *merged]).annotate(
        origin_id=Case(When(other, then=F("petition_id")), output_field=IntegerField()),
        origin_code=Case(When(other, then=F("petition__code")), output_field=CharField()),
    )


def petition_notes(petition: Petition) -> QuerySet[PetitionNote]:
    """The staff's internal notes, oldest first: for a petition the reader may already see."""
    return PetitionNote.objects.filter(petition=petition).select_related("author")


def petitions_merged_into(
    user: Any, petition: Petition, *, merged: list[int] | None = None
) -> list[Petition]:
    """The petitions merged into this one that the user sees, with their files."""
    merged = merged_into_ids(petition) if merged is None else merged
    if not merged:
        return []
    return list(
        petitions_visible_to(user)
        .filter(pk__in=merged)
        .prefetch_related("attachments")
        .order_by("received_on", "id")
    )


def merged_into(petition: Petition) -> Petition | None:
    """The petition this one was merged into, if it was (prefetched links: no query)."""
    for link in petition.links.all():
        if link.kind == LinkKind.MERGED_INTO:
            return link.target
    return None


# --- Search -------------------------------------------------------------------------------------
def petitions_search(queryset: QuerySet[Petition], term: str) -> QuerySet[Petition]:
    """
    Diacritic- and case-insensitive: every typed word must appear in the folded text (code,
    summary, content, address, respondents, and petitioner names except for denunciations).

    On PostgreSQL a full-text match on the generated `search_vector` column (GIN index): each
    word as the start of a word ("khieu na" finds "khieu nai"), a code's parts in a row. Its
    statistics are per word, so common phrases get the ordered walk and rare words the index,
    by estimate rather than by luck. Elsewhere (SQLite, the embedded mode) every word as a
    substring of the folded text.
    """
    folded = fold(term)
    if not folded:
        return queryset
    query = tsquery_text(term) if connection.vendor == "postgresql" else ""
    if query:
        condition = Q(FullTextMatch("search_vector", query, indexed=not _all_common(query)))
    else:
        condition = Q()
        for word in folded.split(" "):
            condition &= Q(search_text__contains=word)
    # The code is in search_text too ("DT-2026-000123" folds to "dt-2026-000123"), so one
    # indexable condition covers codes as well.
    number = _number_condition(term)
    if number is not None:
        # A CCCD or phone is never stored in clear: matched exactly by its keyed hash. Never
        # a denouncer's (nor an anonymous petition's): nobody learns by a search that this
        # person denounced someone, as no search by a denouncer's name finds anything.
        people = Petition.objects.filter(number, is_anonymous=False).exclude(
            kind__in=IDENTITY_PROTECTED_KINDS
        )
        condition |= Q(pk__in=people.values("pk"))
    return queryset.filter(condition)


# A word in at least this share of petitions is common: a search made only of common words
# finds its newest rows soon in the date order, where the full-text index would first gather
# and intersect hundreds of thousands of entries.
COMMON_WORD_SHARE = 0.02
_WORD_SHARES: dict[str, Any] = {"at": -1e9, "shares": {}}
_WORD_SHARES_SECONDS = 900


def _word_shares() -> dict[str, float]:
    """The share of petitions holding each common word: PostgreSQL's own statistics of the
    search column (ANALYZE's most common elements), read at most every 15 minutes."""
    now = time.monotonic()
    if now - _WORD_SHARES["at"] > _WORD_SHARES_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                "WHERE tablename = 'petitions_petition' AND attname = 'search_vector'"
            )
            row = cursor.fetchone()
        words, shares = (row[0] or [], row[1] or []) if row else ([], [])
        _WORD_SHARES.update(at=now, shares=dict(zip(words, shares, strict=False)))
    return dict(_WORD_SHARES["shares"])


def _all_common(query: str) -> bool:
    """True when every word of the query (a prefix: its own word) is common."""
    words = re.findall(r"[a-z0-9]+", query)
    shares = _word_shares()
    return bool(words) and all(shares.get(word, 0.0) >= COMMON_WORD_SHARE for word in words)


_CCCD_TYPED = re.compile(r"^\d{12}$")
_PHONE_TYPED = re.compile(r"^\+?\d{9,12}$")
_PHONE_NORMAL = re.compile(r"^0\d{8,10}$")


def _number_condition(term: str) -> Q | None:
    """A term that is a CCCD or a phone number (spaces, dots, dashes allowed), as a condition."""
    compact = re.sub(r"[\s.\-]", "", term)
    if _CCCD_TYPED.match(compact):
        return Q(parties__petitioner__citizen_id_hash=citizen_id_hash(compact))
    if _PHONE_TYPED.match(compact):
        phone = normalise_phone(compact)
        if _PHONE_NORMAL.match(phone):
            return Q(parties__petitioner__phone_hash=phone_hash(phone))
    return None


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


def deadline_state_q(state: str, context: DeadlineContext) -> Q:
    """The same rule as DeadlineContext.info, as a condition (a filter or a Count's filter)."""
    running = Q(status__in=RUNNING_STATUSES)
    if state == DeadlineState.OVERDUE:
        return running & Q(due_date__lt=context.today)
    if state == DeadlineState.DUE_SOON:
        return running & Q(due_date__gte=context.today, due_date__lte=context.horizon)
    if state == DeadlineState.ON_TIME:
        return running & (Q(due_date__gt=context.horizon) | Q(due_date__isnull=True))
    if state == DeadlineState.PAUSED:
        return Q(status=Status.SUSPENDED)
    if state == DeadlineState.DONE:
        return Q(status__in=FINISHED_STATUSES)
    return Q(pk__in=[])


def filter_deadline_state(
    queryset: QuerySet[Petition], state: str, *, today: date | None = None
) -> QuerySet[Petition]:
    """The same rule as DeadlineContext.info, as a database filter."""
    return queryset.filter(deadline_state_q(state, DeadlineContext(today)))


# Running petitions nobody has been given yet (the list's `?assigned=none`).
UNASSIGNED_Q = Q(status__in=RUNNING_STATUSES, assignee__isnull=True)


def my_work_counts(user: Any, *, today: date | None = None) -> dict[str, int]:
    """
    The home page's petition counts in the user's scope, in one aggregate query: due soon,
    overdue, and running with nobody assigned; each counts what its filtered list shows.
    """
    context = DeadlineContext(today)
    counts = petitions_visible_to(user).aggregate(
        due_soon=Count("pk", filter=deadline_state_q(DeadlineState.DUE_SOON, context)),
        overdue=Count("pk", filter=deadline_state_q(DeadlineState.OVERDUE, context)),
        unassigned=Count("pk", filter=UNASSIGNED_Q),
    )
    return {key: value or 0 for key, value in counts.items()}


# --- Who sees a petitioner's identity and numbers ----------------------------------------------
def identity_grant_covers(user: Any, unit: Unit) -> bool:
    """
    The one rule for a denouncer's identity: the user holds an unexpired, unrevoked
    IdentityGrant at `unit` or at a unit above it. Superusers too: no role implies it.
    """
    return any(unit.path.startswith(path) for path in _granted_paths(user))


def granted_paths(user: Any) -> list[str]:
    """Paths of the units the user's current identity grants cover (one query)."""
    return _granted_paths(user)


def _granted_paths(user: Any) -> list[str]:
    """Paths of the units the user's current identity grants cover (with everything below)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return []
    return list(
        IdentityGrant.objects.filter(
            user=user, revoked_at__isnull=True, valid_until__gte=timezone.localdate()
        ).values_list("unit__path", flat=True)
    )


def user_may_see_denouncer(user: Any, petition: Petition) -> bool:
    """A grant covering the handling unit (identity_grant_covers): then a reveal, logged."""
    return identity_grant_covers(user, petition.handling_unit)


def numbers_in_full(user: Any, petition: Petition) -> bool:
    """
    Who works with the petitioners sees their CCCD and phone in full: a commune cadre of the
    receiving unit and the handling unit's handlers. Everyone else sees the last 3 digits.
    """
    cache: dict[int, bool] = petition.__dict__.setdefault("_danvan_numbers_in_full", {})
    key = getattr(user, "pk", None) or 0
    if key not in cache:  # a page asks several times (rows, reveal button): read once
        # A post, not a superuser's pass: seeing citizens' numbers is not administering.
        cache[key] = permissions.holds(
            user, actions.NUMBERS_AT_HANDLING_UNIT, petition.handling_unit
        ) or permissions.holds(user, actions.NUMBERS_AT_RECEIVING_UNIT, petition.receiving_unit)
    return cache[key]


def mask_number(value: str | None) -> str | None:
    """A CCCD or phone with all but its last 3 digits starred: "068190004321" -> "*********321"."""
    if not value:
        return value
    digits = re.sub(r"\D", "", value)
    if len(digits) <= 3:
        return "*" * len(digits)
    return "*" * (len(digits) - 3) + digits[-3:]


def identity_hidden(petition: Petition) -> bool:
    """Lists, searches, timelines and exports never show a denouncer's identity."""
    return petition.identity_protected


def petitioner_names(petition: Petition) -> list[str]:
    """Names for lists (prefetched, no query): redacted for denunciations."""
    parties = list(petition.parties.all())
    if identity_hidden(petition):
        return [str(REDACTED)] * len(parties)
    return [party.petitioner.full_name for party in parties]


def petitioner_rows(petition: Petition, user: Any = None) -> list[dict[str, str | None]]:
    """
    Petitioners for a detail view (prefetched): a denouncer's data all hidden; the CCCD and
    phone masked unless `user` works with the petition (numbers_in_full: one or two queries).
    """
    if identity_hidden(petition):
        return [
            {
                "full_name": str(REDACTED),
                "citizen_id": None,
                "phone": None,
                "address": None,
                "email": None,
            }
            for _party in petition.parties.all()
        ]
    parties = list(petition.parties.all())
    masked = bool(parties) and not (user is not None and numbers_in_full(user, petition))
    return [identity_row(party.petitioner, masked=masked) for party in parties]


def numbers_masked(petition: Petition, user: Any) -> bool:
    """The detail view of a non-protected petition shows masked numbers to this user."""
    if identity_hidden(petition):
        return False
    people = [party.petitioner for party in petition.parties.all()]
    return any(p.citizen_id or p.phone for p in people) and not numbers_in_full(user, petition)


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


def identity_row(person: Petitioner, *, masked: bool = False) -> dict[str, str | None]:
    return {
        "full_name": person.full_name,
        "citizen_id": mask_number(person.citizen_id) if masked else person.citizen_id,
        "phone": mask_number(person.phone) if masked else person.phone,
        "address": person.address,
        "email": person.email,
    }


# --- Duplicates and the citizen's history --------------------------------------------------------
def identity_matchable_q(user: Any, granted: list[str] | None = None) -> Q:
    """
    Petitions a person may be matched to by identity (CCCD, phone, name): not a denouncer's,
    unless the user's identity grant covers its handling unit. Matching a person to a
    denunciation tells that they denounced someone, which only a grant holder may learn.
    """
    covered = Q(kind__in=IDENTITY_PROTECTED_KINDS) & Q(pk__in=[])
    for path in _granted_paths(user) if granted is None else granted:
        covered |= Q(kind__in=IDENTITY_PROTECTED_KINDS, handling_unit__path__startswith=path)
    return ~Q(kind__in=IDENTITY_PROTECTED_KINDS) | covered


def petitioner_history(
    user: Any,
    petition: Petition,
    *,
    identity_shown: bool = False,
    limit: int = 20,
    granted: list[str] | None = None,
) -> list[Petition]:
    """
    The citizen's history: the other petitions the user sees of the same petitioners (the
    same person, or the same CCCD or phone by keyed hash), newest first. A denunciation's
    petitioners are linked to nothing unless their identity is shown (a logged reveal), and
    other people's denunciations appear only under a covering grant (identity_matchable_q).
    Three queries: the scope's units, the grants, the petitions.
    """
    if petition.is_anonymous or (identity_hidden(petition) and not identity_shown):
        return []
    people = [party.petitioner for party in petition.parties.all()]
    if not people:
        return []
    match = Q(parties__petitioner_id__in=[person.pk for person in people])
    for person in people:
        if person.citizen_id_hash:
            match |= Q(parties__petitioner__citizen_id_hash=person.citizen_id_hash)
        if person.phone_hash:
            match |= Q(parties__petitioner__phone_hash=person.phone_hash)
    return list(
        petitions_visible_to(user)
        .filter(match)
        .filter(identity_matchable_q(user, granted))
        .exclude(pk=petition.pk)
        .distinct()
        .order_by("-received_on", "-id")[:limit]
    )


def _words(text: str) -> set[str]:
    return {w for w in fold(text).split(" ") if len(w) > 2}


DUPLICATE_REASONS = {
    "same_petitioner": gettext_lazy("same CCCD, or same name and phone"),
    "same_name": gettext_lazy("same name, in the same commune"),
    "similar_content": gettext_lazy("similar summary, in the same commune"),
}


def duplicate_candidates(
    user: Any,
    *,
    citizen_ids: list[str] | None = None,
    names_and_phones: list[tuple[str, str]] | None = None,
    names: list[str] | None = None,
    petitioners: Sequence[Petitioner] = (),
    location_unit_id: int | None = None,
    text: str = "",
    exclude_id: int | None = None,
    exclude_ids: set[int] | None = None,
    limit: int = 10,
    granted: list[str] | None = None,
) -> list[tuple[Petition, str]]:
    """
    Earlier petitions that may be the same matter: (petition, why), why one of
    DUPLICATE_REASONS. People are matched by keyed hashes only (CCCD; folded name + phone),
    typed ones or `petitioners`' stored ones; a typed name alone (`names`) and the text match
    within the commune of `location_unit_id`.
    An identity-protected petition is matched by identity only for a user whose identity
    grant covers it, so a suggestion never tells anyone else that a person denounced someone.
    """
    from petitions.models import citizen_id_hash, name_hash, phone_hash

    paths = granted

    def matchable() -> Q:
        nonlocal paths
        if paths is None:
            paths = _granted_paths(user)  # read once, and only if a person is matched
        return identity_matchable_q(user, paths)

    visible = petition_list(user)
    if exclude_id:
        visible = visible.exclude(pk=exclude_id)
    if exclude_ids:
        visible = visible.exclude(pk__in=exclude_ids)
    found: dict[int, tuple[Petition, str]] = {}
    pairs = [(citizen_id_hash(c), "", "") for c in citizen_ids or [] if c] + [
        ("", name_hash(name), phone_hash(phone)) for name, phone in names_and_phones or []
    ]
    pairs += [(p.citizen_id_hash, p.name_hash, p.phone_hash) for p in petitioners]
    identity = Q()
    for cccd, name, phone in pairs:
        if cccd:
            identity |= Q(parties__petitioner__citizen_id_hash=cccd)
        if name and phone:
            identity |= Q(
                parties__petitioner__name_hash=name, parties__petitioner__phone_hash=phone
            )
    if identity:
        for petition in (
            visible.filter(identity)
            .filter(matchable())
            .distinct()
            .order_by("-received_on", "-id")[:limit]
        ):
            found[petition.pk] = (petition, "same_petitioner")
    words = _words(text)
    if location_unit_id and (words or names):
        from danvan.org.models import Unit

        location = Unit.objects.filter(pk=location_unit_id).select_related("parent").first()
        if location is not None:
            # The commune the location lies in (a village's parent commune, or itself).
            commune = (
                location.parent if location.level == "village" and location.parent else location
            )
            commune_path = commune.path
            name_hashes = [h for h in (name_hash(n) for n in names or []) if h]
            if name_hashes:
                for petition in (
                    visible.filter(
                        location_unit__path__startswith=commune_path,
                        parties__petitioner__name_hash__in=name_hashes,
                    )
                    .filter(matchable())
                    .distinct()
                    .order_by("-received_on", "-id")[:limit]
                ):
                    # A common name alone says little: with a summary typed, it must look alike.
                    other = _words(f"{petition.summary} {petition.content}")
                    if not words or len(words & other) / len(words | other) >= 0.15:
                        found.setdefault(petition.pk, (petition, "same_name"))
            recent = visible.filter(location_unit__path__startswith=commune_path).order_by(
                "-received_on", "-id"
            )[:200]
            scored = []
            for petition in recent if words else []:
                other = _words(f"{petition.summary} {petition.content}")
                if not other:
                    continue
                score = len(words & other) / len(words | other)
                if score >= 0.3:
                    scored.append((score, petition))
            for _score, petition in sorted(scored, key=lambda s: -s[0]):
                found.setdefault(petition.pk, (petition, "similar_content"))
    return list(found.values())[:limit]


def duplicate_suggestions(
    user: Any, petition: Petition, *, granted: list[str] | None = None
) -> list[tuple[Petition, str]]:
    """
    Earlier petitions that may be the same matter as a recorded one, not yet settled: those
    dismissed (at intake or later), linked either way or merged are not suggested again. The
    petitioners are matched by their stored hashes; a denouncer's only under a covering grant.
    """
    from petitions.models import PetitionLink
    from petitions.services.links import dismissed_duplicates

    people = [party.petitioner for party in petition.parties.all()]
    if identity_hidden(petition):
        paths = _granted_paths(user) if granted is None else granted
        if not any(petition.handling_unit.path.startswith(path) for path in paths):
            people = []
    settled = dismissed_duplicates(petition)
    for source, target in PetitionLink.objects.filter(
        Q(petition=petition) | Q(target=petition)
    ).values_list("petition_id", "target_id"):
        settled |= {source, target}
    return duplicate_candidates(
        user,
        petitioners=people,
        location_unit_id=petition.location_unit_id,
        text=f"{petition.summary} {petition.content}",
        exclude_id=petition.pk,
        exclude_ids=settled,
        granted=granted,
    )


# --- Sync -----------------------------------------------------------------------------------------
def petitions_deleted_for(user: Any) -> QuerySet[Petition]:
    """Tombstones of petitions the user could see: what a sync reports as deleted."""
    return Petition.objects.filter(
        scope_ids_q(user, "handling_unit", "receiving_unit"), deleted_at__isnull=False
    )


def reception_sessions_visible_to(user: Any) -> QuerySet[ReceptionSession]:
    return ReceptionSession.objects.filter(scope_q(user, "unit")).select_related("unit")


def reception_session_get_for(user: Any, session_id: Any) -> ReceptionSession:
    try:
        return reception_sessions_visible_to(user).get(pk=int(session_id))
    except (ReceptionSession.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


# --- Notices to citizens -------------------------------------------------------------------------
def notices_visible_to(user: Any) -> QuerySet[Notice]:
    """Notices of the petitions the user sees, and those their units issue."""
    return Notice.objects.filter(
        scope_ids_q(user, "unit", "petition__handling_unit", "petition__receiving_unit"),
        petition__deleted_at__isnull=True,
    )


def notice_list(user: Any) -> QuerySet[Notice]:
    return notices_visible_to(user).select_related("petition", "petition__handling_unit", "unit")


def notice_get_for(user: Any, notice_id: Any) -> Notice:
    """The notice if the user may see it; 404 otherwise."""
    try:
        return notice_list(user).select_related("event").get(pk=int(notice_id))
    except (Notice.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def notices_of(petition: Petition) -> list[Notice]:
    return list(
        Notice.objects.filter(petition=petition)
        .exclude(status=NoticeStatus.WITHDRAWN)
        .select_related("unit")
        .order_by("id")
    )


def notices_due(user: Any) -> QuerySet[Notice]:
    """Drafts the user's units must still issue, the most pressing first."""
    return (
        notice_list(user)
        .filter(scope_ids_q(user, "unit"), status=NoticeStatus.DRAFT)
        .order_by("due_on", "id")
    )


def notice_counts(user: Any, today: date) -> dict[str, int]:
    """How many drafts are due (not yet late) and how many are overdue: one query."""
    counts = notices_due(user).aggregate(
        due=Count("pk", filter=Q(due_on__gte=today)),
        overdue=Count("pk", filter=Q(due_on__lt=today)),
    )
    return {"due": counts["due"] or 0, "overdue": counts["overdue"] or 0}
