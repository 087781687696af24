"""Internal notes on a petition: the staff's, beside the timeline, never the citizen's."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from danvan.core.errors import ServiceError
from danvan.core.versions import check_version
from danvan.org.models import User
from danvan.org.permissions import require
from petitions import roles as actions
from petitions.models import Petition, PetitionNote
from petitions.services.base import _lock, _save

NOTE_MAX_LENGTH = 4000


def require_noter(actor: User, petition: Petition) -> None:
    """petition.note at the receiving or the handling unit."""
    require(actor, actions.NOTE, petition.receiving_unit, petition.handling_unit)


@transaction.atomic
def petition_note_add(
    *, actor: User, petition: Petition, text: str, expected_version: int | None = None
) -> PetitionNote:
    """
    Leave a note on the petition. The note row is its own record of who wrote what and when;
    the petition's version goes up, as for every write on it (If-Match holds for notes too).
    """
    petition = _lock(petition)
    check_version(petition, expected_version)
    require_noter(actor, petition)
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write the text of the note."), field="text")
    if len(text) > NOTE_MAX_LENGTH:
        raise ServiceError(
            _("A note has at most %(max)s characters.") % {"max": NOTE_MAX_LENGTH}, field="text"
        )
    note = PetitionNote.objects.create(petition=petition, author=actor, text=text)
    _save(petition)
    return note
