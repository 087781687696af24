"""
Reference data and reception: fields (lĩnh vực), deadline policies, code counters and citizen-
reception sessions.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from danvan.calendar.models import DayUnit
from petitions.models.choices import PetitionKind, Stage


class PetitionField(models.Model):
    """Lĩnh vực: the inspectorate's reporting split, editable by administrators."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent field"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("petition field")
        verbose_name_plural = _("petition fields")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return f"{self.parent.name} – {self.name}" if self.parent_id and self.parent else self.name


class DeadlinePolicy(models.Model):
    """A legal clock as data: how long a stage may take for a kind, optionally per unit."""

    kind = models.CharField(_("kind"), max_length=20, choices=PetitionKind.choices)
    stage = models.CharField(_("stage"), max_length=40, choices=Stage.choices)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty: the default everywhere. A unit's policy applies to its subtree."),
    )
    amount = models.PositiveSmallIntegerField(_("amount"), validators=[MinValueValidator(1)])
    day_unit = models.CharField(_("counted in"), max_length=10, choices=DayUnit.choices)
    max_extensions = models.PositiveSmallIntegerField(_("extensions allowed"), default=0)
    extension_amount = models.PositiveSmallIntegerField(_("maximum days per extension"), default=0)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        ordering = ["kind", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "stage"],
                condition=models.Q(unit__isnull=True),
                name="petitions_policy_default_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "stage", "unit"], name="petitions_policy_unit_unique"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} – {self.get_stage_display()}: "
            f"{self.amount} {self.get_day_unit_display()}"
        )


class PetitionCodeCounter(models.Model):
    """Last number handed out per receiving unit and year; locked while a code is allocated."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="petitions_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last_value}"


class ReceptionSession(models.Model):
    """A citizen-reception session (tiếp công dân); its entries become petitions."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("date"))
    leader_name = models.CharField(_("receiving leader"), max_length=150)
    citizens_count = models.PositiveIntegerField(_("citizens received"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("citizen-reception session")
        verbose_name_plural = _("citizen-reception sessions")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} {self.held_on:%d/%m/%Y}"
