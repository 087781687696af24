"""
The "Dân vận khéo" movement (docs/architecture.md §14): the register of models (mô hình), the
indicators each level reports up the unit tree, and leaders' dialogues with citizens.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from danvan.core.text import FoldedTextField
from danvan.core.uploads import RandomName, validate_file_content
from danvan.org.models import Unit


class Versioned(models.Model):
    """A record the API serves with the one contract: a version for If-Match, who and when."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


# --- Models (mô hình "Dân vận khéo") ----------------------------------------------------------
class ModelField(models.TextChoices):
    """The fields the movement's guidance groups models by."""

    ECONOMY = "kinh_te", _("Economy")
    CULTURE_SOCIETY = "van_hoa_xa_hoi", _("Culture and society")
    DEFENCE_SECURITY = "quoc_phong_an_ninh", _("National defence and security")
    PARTY_BUILDING = "xay_dung_dang", _("Building the Party and the political system")


class ModelStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    UNDER_REVIEW = "under_review", _("Under review")
    RECOGNISED = "recognised", _("Recognised")
    REPLICATED = "replicated", _("Replicated")
    DROPPED = "dropped", _("Dropped")


class RecognitionLevel(models.TextChoices):
    COMMUNE = "commune", _("Commune level")
    PROVINCE = "province", _("Province level")
    CENTRAL = "central", _("Central level")


class Award(models.TextChoices):
    NONE = "", _("None")
    GIAY_KHEN = "giay_khen", _("Giấy khen (certificate of commendation)")
    BANG_KHEN = "bang_khen", _("Bằng khen (certificate of merit)")


class DropReason(models.TextChoices):
    FORMAL = "hinh_thuc", _("Formal (hình thức)")
    INEFFECTIVE = "kem_hieu_qua", _("Ineffective (kém hiệu quả)")
    FORMAL_AND_INEFFECTIVE = "hinh_thuc_kem_hieu_qua", _("Formal and ineffective")


class MovementModel(Versioned):
    """One "Dân vận khéo" model of an agency, organisation, commune or village."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="movement_models"
    )
    name = models.CharField(_("name"), max_length=500)
    name_known = models.BooleanField(
        _("name known"),
        default=True,
        help_text=_("False for a model a source counts but does not name (described as such)."),
    )
    # Blank, like the start year, only for a model a source counts without describing it.
    field = models.CharField(_("field"), max_length=30, choices=ModelField.choices, blank=True)
    year_started = models.PositiveSmallIntegerField(_("year started"), null=True, blank=True)
    year_ended = models.PositiveSmallIntegerField(_("year ended"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    participants = models.TextField(_("people and organisations taking part"), blank=True)
    results = models.TextField(_("results"), blank=True)
    # Figures of the model's results, by indicator code (movement.Indicator): {"workdays": 120}
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ModelStatus.choices, default=ModelStatus.REGISTERED
    )
    recognised_by = models.ForeignKey(
        Unit,
        verbose_name=_("recognised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movement_models_recognised",
    )
    recognition_level = models.CharField(
        _("recognition level"), max_length=20, choices=RecognitionLevel.choices, blank=True
    )
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    recognised_year = models.PositiveSmallIntegerField(_("year recognised"), null=True, blank=True)
    award = models.CharField(_("award"), max_length=20, choices=Award.choices, blank=True)
    award_by = models.CharField(_("award given by"), max_length=255, blank=True)
    replicated_in = models.TextField(_("replicated in"), blank=True)
    drop_reason = models.CharField(
        _("reason dropped"), max_length=30, choices=DropReason.choices, blank=True
    )
    drop_note = models.TextField(_("why dropped"), blank=True)
    last_reviewed_year = models.PositiveSmallIntegerField(
        _("last reviewed in"), null=True, blank=True
    )
    search_text = FoldedTextField(sources=("name", "description", "participants", "results"))

    class Meta:
        verbose_name = _("“Dân vận khéo” model")
        verbose_name_plural = _("“Dân vận khéo” models")
        ordering = ["-id"]
        indexes = [models.Index(fields=["unit", "status"], name="movement_model_unit_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_ended__isnull=True)
                | Q(year_started__isnull=True)
                | Q(year_ended__gte=F("year_started")),
                name="movement_model_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="recognised") | ~Q(recognition_level=""),
                name="movement_model_recognised_has_level",
            ),
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(drop_reason=""),
                name="movement_model_dropped_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ModelEvidence(models.Model):
    """A photo, scan or document showing a model's results."""

    model = models.ForeignKey(
        MovementModel,
        verbose_name=_("model"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(
        _("file"), upload_to=RandomName("movement/%Y/"), validators=[validate_file_content]
    )
    original_name = models.CharField(_("file name"), max_length=255)
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


# --- Indicators ----------------------------------------------------------------------------------
class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum over units and periods")
    MAX = "max", _("Largest value reported")


class Indicator(models.Model):
    """A figure units report upward (defined as data: name, measure, how it adds up)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=255)
    measure = models.CharField(_("unit of measure"), max_length=50)
    aggregation = models.CharField(
        _("aggregation"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    decimals = models.PositiveSmallIntegerField(_("decimal places"), default=0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.measure})"


class ReportSource(models.TextChoices):
    PERIODIC = "periodic", _("Periodic indicator report")
    PROGRESS = "progress", _("Task progress report")
    SOURCE_DOCUMENT = "source", _("Published source")


class IndicatorReport(Versioned):
    """What one unit reports for one period: a value per indicator (with its history)."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="indicator_reports",
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    period_label = models.CharField(_("period"), max_length=100, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=ReportSource.choices, default=ReportSource.PERIODIC
    )
    progress_report = models.OneToOneField(
        "tasks.ProgressReport",
        verbose_name=_("progress report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicator_report",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("indicator report")
        verbose_name_plural = _("indicator reports")
        ordering = ["-period_end", "-id"]
        indexes = [
            models.Index(fields=["unit", "period_end"], name="movement_report_unit_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="movement_report_period_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period_label or self.period_start}"


class IndicatorValue(models.Model):
    """
    One figure of a report. A correction adds a row and marks the old one superseded, so the
    history stays; exactly one current row per report and indicator.
    """

    report = models.ForeignKey(
        IndicatorReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    # Denormalised from the report so that a roll-up reads one table through one index.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", editable=False)
    period_end = models.DateField(editable=False)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)
    current = models.BooleanField(_("current"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["report", "indicator__position", "id"]
        indexes = [
            # A roll-up: the units of a subtree (ids) and a year, index only.
            models.Index(
                fields=["unit", "period_end"],
                include=["indicator", "value"],
                condition=Q(current=True),
                name="movement_value_rollup",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"],
                condition=Q(current=True),
                name="movement_value_one_current",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="movement_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"


# --- Dialogues (đối thoại) ------------------------------------------------------------------------
class Dialogue(Versioned):
    """A leader's direct dialogue with citizens."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="dialogues"
    )
    held_on = models.DateField(_("held on"))
    leader_name = models.CharField(_("leader"), max_length=255)
    leader_title = models.CharField(_("leader's post"), max_length=255, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    participants_count = models.PositiveIntegerField(_("participants"), default=0)
    topics = models.TextField(_("topics"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    search_text = FoldedTextField(sources=("leader_name", "place", "topics"))

    class Meta:
        verbose_name = _("dialogue with citizens")
        verbose_name_plural = _("dialogues with citizens")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.leader_name} · {self.held_on:%d/%m/%Y}"


class IssueOutcome(models.TextChoices):
    OPEN = "open", _("Open")
    PETITION = "petition", _("Became a petition")
    TASK = "task", _("Became a task")
    ANSWERED = "answered", _("Answered")


class DialogueIssue(models.Model):
    """One matter raised at a dialogue, numbered; it may become a petition or a task."""

    dialogue = models.ForeignKey(
        Dialogue, verbose_name=_("dialogue"), on_delete=models.CASCADE, related_name="issues"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("what was raised"))
    raised_by = models.CharField(_("raised by"), max_length=255, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    resolved = models.BooleanField(_("resolved"), default=False)
    petition = models.ForeignKey(
        "petitions.Petition",
        verbose_name=_("petition"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dialogue_issues",
    )
    task = models.ForeignKey(
        "tasks.Task",
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dialogue_issues",
    )

    class Meta:
        verbose_name = _("issue raised")
        verbose_name_plural = _("issues raised")
        ordering = ["dialogue", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["dialogue", "number"], name="movement_issue_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"

    @property
    def outcome(self) -> str:
        if self.petition_id:
            return IssueOutcome.PETITION
        if self.task_id:
            return IssueOutcome.TASK
        if self.answered_at:
            return IssueOutcome.ANSWERED
        return IssueOutcome.OPEN


# --- The timeline -------------------------------------------------------------------------------
class MovementEvent(models.Model):
    """One row per write, in the same transaction (who, when, what)."""

    model = models.ForeignKey(
        MovementModel, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    report = models.ForeignKey(
        IndicatorReport, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    dialogue = models.ForeignKey(
        Dialogue, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from status"), max_length=20, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.action
