"""Units (one tree of territorial units and the organisations beside them), users, memberships."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

PATH_SEPARATOR = "/"


class UnitLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province / centrally-run city")
    COMMUNE = "commune", _("Commune / ward / special zone")
    VILLAGE = "village", _("Village / residential group")
    ORGANISATION = "organisation", _("Organisation")


class UnitKind(models.TextChoices):
    """What a unit is: the division type of a territorial unit, or the kind of organisation."""

    CENTRAL = "trung_uong", _("Central")
    PROVINCE = "tinh", _("Province")
    CITY = "thanh_pho", _("Centrally-run city")
    COMMUNE = "xa", _("Commune")
    WARD = "phuong", _("Ward")
    SPECIAL_ZONE = "dac_khu", _("Special zone")
    VILLAGE = "thon", _("Village (thôn, bản)")
    RESIDENTIAL_GROUP = "to_dan_pho", _("Residential group")
    MASS_MOBILIZATION_BOARD = "ban_dan_van", _("Mass Mobilization Board")
    FATHERLAND_FRONT = "mat_tran", _("Fatherland Front")
    WOMEN_UNION = "hoi_phu_nu", _("Women's Union")
    YOUTH_UNION = "doan_thanh_nien", _("Youth Union")
    FARMERS_UNION = "hoi_nong_dan", _("Farmers' Union")
    VETERANS_ASSOCIATION = "hoi_cuu_chien_binh", _("Veterans' Association")
    PEOPLES_COMMITTEE = "ubnd", _("People's Committee")
    PEOPLES_COMMITTEE_DEPARTMENT = "phong_ban_ubnd", _("People's Committee department")
    MOBILIZATION_TEAM = "to_dan_van", _("Village mobilization team")
    OTHER = "khac", _("Other organisation")


TERRITORIAL_LEVELS = (UnitLevel.CENTRAL, UnitLevel.PROVINCE, UnitLevel.COMMUNE, UnitLevel.VILLAGE)


class Unit(models.Model):
    """
    A node of the one tree: central -> province -> commune -> village, with organisations
    (Ban Dân vận, Mặt trận, đoàn thể, UBND departments, tổ dân vận) as children of the
    territorial unit they sit beside.

    `path` is the materialized path of codes ("/TW/68/24820/"), so "everything under
    Lâm Đồng" is one indexed prefix query.
    """

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Official code for provinces (2 digits) and communes (5 digits)."),
    )
    name = models.CharField(_("name"), max_length=255)
    level = models.CharField(_("level"), max_length=20, choices=UnitLevel.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=30, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    # Diacritic-free lower-case name, kept by the services, for "lam dong" -> "Lâm Đồng".
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    codename = models.CharField(_("code name"), max_length=100, blank=True)
    former_names = models.TextField(
        _("former names"),
        blank=True,
        help_text=_("Historical names (e.g. an abolished district) kept as text."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        indexes = [
            # Prefix searches on the path (LIKE 'x%') use this on PostgreSQL too.
            models.Index(
                fields=["path"],
                name="org_unit_path_like",
                opclasses=["varchar_pattern_ops"],
                condition=models.Q(is_active=True),
            ),
            models.Index(fields=["parent", "name"], name="org_unit_parent_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(code__contains=PATH_SEPARATOR), name="org_unit_code_no_slash"
            ),
        ]

    def __str__(self) -> str:
        return self.name


# The languages a person may choose: settings.LANGUAGES (also the API schema's `Language`).
LANGUAGE_CHOICES = settings.LANGUAGES


class User(AbstractUser):
    """A person who signs in. What they may see and do comes from their memberships."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The pages' and the API's language for this person: their choice, never the browser's.
    language = models.CharField(
        _("language"), max_length=10, choices=LANGUAGE_CHOICES, default="vi"
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Role(models.TextChoices):
    COMMUNE_CADRE = "commune_cadre", _("Commune cadre")
    PETITION_HANDLER = "petition_handler", _("Petition handler")
    SUPERVISOR = "supervisor", _("Unit leader / supervisor")
    ADMINISTRATOR = "administrator", _("System administrator")


class Membership(models.Model):
    """A person's role in a unit; the unit and everything below it is what they see."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    title = models.CharField(_("job title"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="org_membership_unique"),
        ]
        indexes = [models.Index(fields=["unit", "role"], name="org_membership_unit_role")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"
