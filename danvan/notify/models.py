"""
Deadline reminders as data, and every message they produce.

ReminderStage   the policy (admin-editable): when, relative to an item's current deadline,
                whom to tell.
Reminder        one (item, stage, occurrence, recipient, deadline), recorded exactly once by
                a unique constraint; a moved deadline is a new deadline, hence new reminders,
                and the old ones become obsolete instead of being sent.
Delivery        one reminder on one channel; `sent_at` set once, in the transaction that
                sends it.
Notification    the in-app inbox of a person (the mobile app reads it through the API).
OutboxMessage   push messages a gateway consumes (API) or a job POSTs to a webhook.
Digest          the one daily e-mail per person and day.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Subject(models.TextChoices):
    PETITION = "petition", _("Petition")
    TASK = "task", _("Task")
    TASK_ASSIGNMENT = "task_assignment", _("Task (coordinating unit)")
    NOTICE = "notice", _("Notice to the citizen")


class TargetType(models.TextChoices):
    """
    What a notification points at, for a client's deep link: the record served at
    /api/v1/<type>s/<id>/ (a coordinating unit's reminder points at its task).
    """

    PETITION = "petition", _("Petition")
    TASK = "task", _("Task")
    DIRECTIVE = "directive", _("Directive")
    MEETING = "meeting", _("Meeting")


class Audience(models.TextChoices):
    RESPONSIBLE = "responsible", _("The people responsible")
    ESCALATION = "escalation", _("Leaders of the unit above")
    BOTH = "both", _("Both")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    IN_APP = "in_app", _("In the app")
    PUSH = "push", _("Push notification")


class ReminderStage(models.Model):
    """
    When to remind, relative to an item's current deadline, counted in working days:
    -3 = three working days before, 0 = due today, 1 = one working day overdue.
    The stage applies while the item is between its offset and the next stage's offset
    (at most `catch_up_days` working days), so a sweep that missed a day still sends it once.
    """

    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices)
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=150)
    offset_days = models.SmallIntegerField(
        _("offset (working days)"),
        help_text=_("Negative: before the deadline; 0: on the day; positive: overdue."),
    )
    audience = models.CharField(
        _("who is told"), max_length=20, choices=Audience.choices, default=Audience.RESPONSIBLE
    )
    repeat_every_days = models.PositiveSmallIntegerField(
        _("repeat every (calendar days)"),
        default=0,
        help_text=_("0: once. Otherwise the stage repeats every N days after the deadline."),
    )
    max_repeats = models.PositiveSmallIntegerField(
        _("maximum repeats"), default=26, help_text=_("For a repeating stage.")
    )
    catch_up_days = models.PositiveSmallIntegerField(
        _("catch-up window (days)"),
        default=3,
        help_text=_("How late a missed reminder may still be sent."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reminder stage")
        verbose_name_plural = _("reminder stages")
        ordering = ["subject", "offset_days", "repeat_every_days", "code"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "code"], name="notify_stage_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_display()}: {self.name}"


class NotificationPreference(models.Model):
    """How a person wants to be told. No row: every channel, one message each, no quiet hours."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.BooleanField(_("by e-mail"), default=True)
    in_app = models.BooleanField(_("in the app"), default=True)
    push = models.BooleanField(_("push notifications"), default=True)
    daily_digest = models.BooleanField(
        _("daily digest"),
        default=False,
        help_text=_("One e-mail each morning instead of one e-mail or push per reminder."),
    )
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Delivered")
    OBSOLETE = "obsolete", _("Obsolete (deadline moved or item closed)")


class Reminder(models.Model):
    item_key = models.CharField(_("item"), max_length=60)
    stage = models.ForeignKey(
        ReminderStage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+"
    )
    occurrence = models.PositiveSmallIntegerField(_("occurrence"), default=0)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    deadline = models.DateField(_("deadline"))
    is_escalation = models.BooleanField(_("escalation"), default=False)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=300)  # a path on the site: /petitions/42/
    target_type = models.CharField(
        _("target type"), max_length=20, choices=TargetType.choices, blank=True
    )
    target_id = models.PositiveBigIntegerField(_("target id"), null=True, blank=True)
    unit_name = models.CharField(_("responsible unit"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    # The sweep that inserted the row: lets a sweep enqueue exactly the rows it created.
    sweep = models.UUIDField(editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item_key", "stage", "occurrence", "recipient", "deadline"],
                name="notify_reminder_once",
            ),
        ]
        indexes = [
            models.Index(fields=["sweep"], name="notify_reminder_sweep"),
            models.Index(
                fields=["created_at"],
                name="notify_reminder_pending",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_key} {self.stage.code} → {self.recipient_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed (retrying)")


class Delivery(models.Model):
    reminder = models.ForeignKey(
        Reminder, verbose_name=_("reminder"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    not_before = models.DateTimeField(
        _("not before"), null=True, blank=True, help_text=_("Deferred by quiet hours.")
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["reminder", "channel"], name="notify_delivery_once"),
        ]
        indexes = [
            models.Index(
                fields=["not_before", "id"],
                name="notify_delivery_unsent",
                condition=Q(sent_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reminder_id} {self.channel}"


class Notification(models.Model):
    """A message in a person's in-app inbox."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    # A path on the site (/petitions/42/): the API and pages make it absolute with the
    # request's own host; e-mails and push messages with SITE_URL.
    url = models.CharField(_("link"), max_length=300, blank=True)
    item_key = models.CharField(_("item"), max_length=60, blank=True)
    target_type = models.CharField(
        _("target type"), max_length=20, choices=TargetType.choices, blank=True
    )
    target_id = models.PositiveBigIntegerField(_("target id"), null=True, blank=True)
    delivery = models.OneToOneField(
        Delivery,
        verbose_name=_("delivery"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notification",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The one record contract (danvan.core.versions, danvan.core.sync): marking it read is a
    # write that raises the version; a phone's sync sees it by updated_at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["user", "-id"], name="notify_notification_user"),
            models.Index(fields=["user", "updated_at", "id"], name="notify_notification_sync"),
            models.Index(
                fields=["user"], name="notify_notification_unread", condition=Q(read_at=None)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def target(self) -> dict[str, object] | None:
        """{"type": "petition", "id": 42}, or None when the notification points at nothing."""
        if not self.target_type or self.target_id is None:
            return None
        return {"type": self.target_type, "id": self.target_id}


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Delivered to the gateway")
    FAILED = "failed", _("Failing (will retry)")
    GAVE_UP = "gave_up", _("Gave up")


class OutboxMessage(models.Model):
    """A push message waiting for the gateway; its id is the gateway's idempotency key."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    delivery = models.OneToOneField(
        Delivery,
        verbose_name=_("delivery"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_message",
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("push message")
        verbose_name_plural = _("push outbox")
        ordering = ["id"]
        permissions = [("consume_outbox", _("Can consume the push outbox (gateway)"))]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                name="notify_outbox_waiting",
                condition=Q(status__in=["pending", "failed"]),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Digest(models.Model):
    """The daily digest e-mail of one person for one day: sent at most once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    due_soon = models.PositiveIntegerField(_("due soon"), default=0)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="notify_digest_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day:%d/%m/%Y}"
