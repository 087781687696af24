"""Internal notes of the staff on a petition: beside the timeline, never shown to the citizen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from petitions.models.petition import Petition


class PetitionNote(models.Model):
    """
    A note one of the staff leaves on a petition (a call made, a document awaited). Read by
    whoever may see the petition; never in the citizen's lookup, Open311, notices or exports.
    """

    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("text"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["petition", "created"], name="petitions_note_petition")]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.created:%d/%m/%Y %H:%M}"
