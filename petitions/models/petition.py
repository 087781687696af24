"""The petition itself (đơn thư): what was received, by whom, its status, and its legal clock."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from petitions.models.choices import (
    IDENTITY_PROTECTED_KINDS,
    Channel,
    Complexity,
    Instance,
    PetitionKind,
    Result,
    Stage,
    Status,
)
from petitions.models.reference import PetitionField, ReceptionSession


class Petition(models.Model):
    code = models.CharField(_("code"), max_length=30, editable=False)
    client_id = models.UUIDField(_("client id"), default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=PetitionKind.choices)
    field = models.ForeignKey(
        PetitionField,
        verbose_name=_("field"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    summary = models.CharField(_("summary"), max_length=500)
    content = models.TextField(_("content"), blank=True)

    location_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        related_name="petitions_located",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    is_eligible = models.BooleanField(_("eligible for processing"), default=True)
    ineligibility_reason = models.CharField(_("why not eligible"), max_length=255, blank=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    is_collective = models.BooleanField(_("collective petition"), default=False)
    head_count = models.PositiveIntegerField(_("number of petitioners"), default=1)
    is_remote_area = models.BooleanField(_("remote area"), default=False)
    several_places = models.BooleanField(_("several places to check"), default=False)
    complexity = models.CharField(
        _("complexity"), max_length=20, choices=Complexity.choices, default=Complexity.NORMAL
    )
    instance = models.PositiveSmallIntegerField(
        _("instance"), choices=Instance.choices, default=Instance.FIRST
    )

    receiving_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("receiving unit"),
        on_delete=models.PROTECT,
        related_name="petitions_received",
    )
    handling_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("handling unit"),
        on_delete=models.PROTECT,
        related_name="petitions_handled",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="petitions_assigned",
    )
    reception_session = models.ForeignKey(
        ReceptionSession,
        verbose_name=_("reception session"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    # Kept when suspended, so resuming returns to it.
    status_before_suspension = models.CharField(max_length=20, blank=True, editable=False)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)

    # The current clock, computed by services.deadline_recompute.
    clock_stage = models.CharField(
        _("current clock"), max_length=40, choices=Stage.choices, blank=True
    )
    clock_started_on = models.DateField(_("clock started on"), null=True, blank=True)
    due_date = models.DateField(_("current deadline"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    # When the last clock ended (resolution, guidance, filing…) and whether within its deadline.
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    finished_on_time = models.BooleanField(_("finished on time"), null=True, blank=True)

    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    # Tombstone: deleted petitions stay as rows so sync clients learn about the deletion.
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-received_on", "-id"]
        permissions = [
            ("extend_deadline", _("Can extend a petition's deadline by decision")),
            ("handle_petition", _("Can move petitions through the procedure")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["receiving_unit", "code"], name="petitions_code_unique_per_unit"
            ),
            models.CheckConstraint(condition=models.Q(head_count__gte=1), name="petitions_heads"),
        ]
        indexes = [
            models.Index(fields=["-received_on", "-id"], name="petitions_received_desc"),
            models.Index(
                fields=["handling_unit", "-received_on", "-id"], name="petitions_handling_recv"
            ),
            # The other side of a scope: a commune's list is then two short ordered ranges.
            models.Index(
                fields=["receiving_unit", "-received_on", "-id"], name="petitions_receiving_recv"
            ),
            models.Index(fields=["status", "due_date"], name="petitions_status_due"),
            models.Index(fields=["updated_at", "id"], name="petitions_sync"),
            # A sync's tombstones: the few deleted rows in the feed's order, not a walk of
            # every row's updated_at looking for them.
            models.Index(
                fields=["updated_at", "id"],
                name="petitions_tombstones_sync",
                condition=models.Q(deleted_at__isnull=False),
            ),
            # The citizen's look-up and Open311 find a petition by its code alone (a code is
            # unique per receiving unit only).
            models.Index(fields=["code"], name="petitions_code"),
            # The statistics (reports.figures.petition_report) read every figure of a unit
            # subtree's cohort from this index alone (index-only scan; on PostgreSQL, where
            # INCLUDE exists): no visit to the 1.7 GB of rows for 1,000,000 petitions.
            models.Index(
                fields=["handling_unit", "received_on"],
                include=[
                    "status",
                    "kind",
                    "channel",
                    "field",
                    "due_date",
                    "finished_on",
                    "finished_on_time",
                ],
                condition=models.Q(deleted_at__isnull=True),
                name="petitions_stats_cover",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def identity_protected(self) -> bool:
        """The petitioners' identity is a secret (IDENTITY_PROTECTED_KINDS)."""
        return self.kind in IDENTITY_PROTECTED_KINDS
