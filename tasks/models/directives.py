"""Directive documents (văn bản chỉ đạo) and their files."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from danvan.core.text import FoldedTextField
from danvan.core.uploads import RandomName, validate_file_content
from danvan.org.models import Unit
from tasks.models.base import VersionedModel


# --- Directive documents ---------------------------------------------------------------------
class DirectiveType(models.TextChoices):
    """The type segment of an official number ("25-NQ/TW" -> NQ)."""

    RESOLUTION = "NQ", _("Resolution (nghị quyết)")
    DIRECTIVE = "CT", _("Directive (chỉ thị)")
    DECISION = "QĐ", _("Decision (quyết định)")
    CONCLUSION = "KL", _("Conclusion (kết luận)")
    ACTION_PROGRAMME = "CTr", _("Action programme (chương trình hành động)")
    PLAN = "KH", _("Plan (kế hoạch)")
    REGULATION = "QC", _("Regulation (quy chế)")
    RULE = "QĐi", _("Rule (quy định)")
    GUIDANCE = "HD", _("Guidance (hướng dẫn)")
    OFFICIAL_LETTER = "CV", _("Official letter (công văn)")
    NOTICE = "TB", _("Notice (thông báo)")
    REPORT = "BC", _("Report (báo cáo)")
    ORDINANCE = "PL", _("Ordinance (pháp lệnh)")


# Issuer codes seen in official numbers; any other upper-case code is accepted as written.
ISSUERS: dict[str, Any] = {
    "TW": _("Party Central Committee / Politburo / Secretariat"),
    "TU": _("Provincial Party committee"),
    "ĐU": _("Party committee (đảng ủy)"),
    "HU": _("District Party committee (former)"),
    "TƯ": _("Party Central Committee / Politburo / Secretariat"),
    "BDVTW": _("Central Mass Mobilization Commission"),
    "BDVTU": _("Provincial Mass Mobilization Board"),
    "UBND": _("People's Committee"),
    "BCĐ": _("Steering committee"),
    "BTGTW": _("Central Propaganda Commission"),
}


class DirectiveStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    REPLACED = "replaced", _("Replaced")
    EXPIRED = "expired", _("No longer in force")


class Directive(VersionedModel):
    """A directive document (văn bản chỉ đạo): 25-NQ/TW, 66-CTr/TU …"""

    doc_type = models.CharField(_("document type"), max_length=5, choices=DirectiveType.choices)
    number = models.CharField(_("number"), max_length=20)
    issuer = models.CharField(
        _("issuer code"), max_length=20, blank=True, help_text=_("TW, TU, ĐU, HU, UBND …")
    )
    full_number = models.CharField(_("full number"), max_length=80, db_index=True)
    term = models.CharField(
        _("term (khóa)"), max_length=10, blank=True, help_text=_("For plenum resolutions: XII …")
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issuing_unit = models.ForeignKey(
        Unit,
        verbose_name=_("issuing unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directives_issued",
    )
    signer = models.CharField(_("signer"), max_length=150, blank=True)
    title = models.CharField(_("title"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    search_text = FoldedTextField(sources=("full_number", "title", "summary", "signer"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DirectiveStatus.choices,
        default=DirectiveStatus.IN_FORCE,
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )
    implements = models.ManyToManyField(
        "self",
        verbose_name=_("implements"),
        symmetrical=False,
        blank=True,
        related_name="implemented_by",
        help_text=_("Higher documents this one carries out (66-CTr/TU implements 25-NQ/TW)."),
    )

    class Meta:
        verbose_name = _("directive document")
        verbose_name_plural = _("directive documents")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["doc_type", "number"], name="tasks_directive_type_no")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=DirectiveStatus.REPLACED) | Q(replaced_by__isnull=False),
                name="tasks_directive_replaced_has_successor",
            ),
            models.CheckConstraint(
                condition=~Q(replaced_by=F("id")), name="tasks_directive_not_replaced_by_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_number} – {self.title}" if self.title else self.full_number


class DirectiveFile(models.Model):
    directive = models.ForeignKey(
        Directive, verbose_name=_("directive"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(
        _("file"),
        upload_to=RandomName("directives/%Y/"),
        validators=[validate_file_content],
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("directive file")
        verbose_name_plural = _("directive files")

    def __str__(self) -> str:
        return self.name or self.file.name or ""
