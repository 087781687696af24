"""
Messages to citizens: the notices and news of their petitions, by e-mail and text message,
through an outbox like the reminders' (danvan.notify): written in the transaction that decides
to send them, delivered exactly once by the worker, retried with back-off, failures visible.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from danvan.core.crypto import EncryptedCharField
from danvan.core.uploads import RandomName


class CitizenChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message (SMS)")
    ZALO = "zalo", _("Zalo message")


class CitizenMessageStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failing (will retry)")
    GAVE_UP = "gave_up", _("Gave up")
    SKIPPED = "skipped", _("Not sent (the citizen opted out)")


class CitizenMessage(models.Model):
    """One message to one petitioner on one channel; `key` makes it exactly once."""

    key = models.CharField(_("key"), max_length=80)
    petition = models.ForeignKey(
        "petitions.Petition",
        verbose_name=_("petition"),
        on_delete=models.CASCADE,
        related_name="citizen_messages",
    )
    petitioner = models.ForeignKey(
        "petitions.Petitioner",
        verbose_name=_("petitioner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=CitizenChannel.choices)
    # The address as it was when the message was written: encrypted like the identity.
    to = EncryptedCharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    attachment = models.FileField(
        _("attachment"), upload_to=RandomName("citizen-messages/%Y/%m/"), blank=True
    )
    attachment_name = models.CharField(_("attachment's name"), max_length=150, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CitizenMessageStatus.choices,
        default=CitizenMessageStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    provider_id = models.CharField(_("provider's message id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message to a citizen")
        verbose_name_plural = _("messages to citizens")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "petitioner", "channel"], name="citizen_message_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                name="citizen_message_waiting",
                condition=Q(status__in=["pending", "failed"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} – {self.key}"


# --- Open311 GeoReport v2 (citizen.open311) --------------------------------------------------
class Open311Service(models.Model):
    """A kind of public report (a GeoReport "service"): a petition field open to the public."""

    service_code = models.SlugField(_("service code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    description = models.CharField(_("description"), max_length=500, blank=True)
    keywords = models.CharField(_("keywords"), max_length=255, blank=True)
    group = models.CharField(_("group"), max_length=100, blank=True)
    petition_field = models.ForeignKey(
        "petitions.PetitionField",
        verbose_name=_("petition field"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("open to public reports"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("Open311 service")
        verbose_name_plural = _("Open311 services")
        ordering = ["position", "service_code"]

    def __str__(self) -> str:
        return f"{self.service_code} – {self.name}"


class Open311App(models.Model):
    """An app allowed to file reports; its key is kept as a keyed hash, shown once."""

    name = models.CharField(_("name"), max_length=150)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    key_prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    rate = models.CharField(
        _("rate limit"),
        max_length=20,
        default="60/min",
        help_text=_("Reports per period: 60/min, 1000/h, 5000/d."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 app")
        verbose_name_plural = _("Open311 apps")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Open311Request(models.Model):
    """How a petition came in through Open311: only these petitions are public there."""

    petition = models.OneToOneField(
        "petitions.Petition",
        verbose_name=_("petition"),
        on_delete=models.CASCADE,
        related_name="open311",
    )
    app = models.ForeignKey(
        Open311App, verbose_name=_("app"), on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        Open311Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+"
    )
    token = models.CharField(_("token"), max_length=40, unique=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    device_id = models.CharField(_("device id"), max_length=100, blank=True)
    account_id = models.CharField(_("account id"), max_length=100, blank=True)
    # A hash of the app, device and body: the same report sent again within the hour is the
    # same request (a client that retries after a lost answer files nothing twice).
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.token
