"""
The people of a petition: petitioners (identities encrypted, recognised by keyed hashes) and
respondents.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from danvan.core.crypto import EncryptedCharField
from petitions.models.choices import (
    RespondentKind,
    citizen_id_hash,
    citizen_id_validator,
    name_hash,
    phone_hash,
)
from petitions.models.petition import Petition


class Petitioner(models.Model):
    """
    A person who petitions; recognised across petitions by CCCD, or by name + phone.

    The name, CCCD, phone and address are stored encrypted (danvan.core.crypto): a person may
    have denounced someone, and no column holds a denouncer's name in clear or folded. People
    are found by keyed hashes, which save() keeps in step with the clear values; searching by
    name goes through Petition.search_text, which holds the names of non-protected petitions.
    """

    full_name = EncryptedCharField(_("full name"), max_length=150)
    name_hash = models.CharField(max_length=64, editable=False, blank=True)
    citizen_id = EncryptedCharField(
        _("citizen ID number"),
        max_length=12,
        blank=True,
        validators=[citizen_id_validator],
    )
    citizen_id_hash = models.CharField(max_length=64, editable=False, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    phone_hash = models.CharField(max_length=64, editable=False, blank=True)
    address = EncryptedCharField(_("address"), max_length=255, blank=True)
    # Where the citizen hears back (notices, status): encrypted like the rest of the identity.
    email = EncryptedCharField(_("e-mail"), max_length=254, blank=True)
    sms_opt_out = models.BooleanField(
        _("no text messages"),
        default=False,
        help_text=_("The citizen asked not to receive SMS or Zalo messages."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("petitioner")
        verbose_name_plural = _("petitioners")
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id_hash"],
                condition=~models.Q(citizen_id_hash=""),
                name="petitions_petitioner_cccd_hash_unique",
            )
        ]
        indexes = [
            models.Index(fields=["name_hash", "phone_hash"], name="petitions_person_name_phone")
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_hash = name_hash(self.full_name)
        self.citizen_id_hash = citizen_id_hash(self.citizen_id)
        self.phone_hash = phone_hash(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            fields = set(update_fields)
            if "full_name" in fields:
                fields.add("name_hash")
            if "citizen_id" in fields:
                fields.add("citizen_id_hash")
            if "phone" in fields:
                fields.add("phone_hash")
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)


class PetitionPetitioner(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="parties")
    petitioner = models.ForeignKey(Petitioner, on_delete=models.PROTECT, related_name="parties")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("petitioner of a petition")
        verbose_name_plural = _("petitioners of a petition")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "petitioner"], name="petitions_party_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} – {self.petitioner_id}"


class Respondent(models.Model):
    """The person or body complained about or denounced."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="respondents")
    kind = models.CharField(_("kind"), max_length=10, choices=RespondentKind.choices)
    name = models.CharField(_("name"), max_length=255)
    position = models.CharField(_("position or address"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("person or body complained about")
        verbose_name_plural = _("people or bodies complained about")

    def __str__(self) -> str:
        return self.name
