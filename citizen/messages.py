"""
Writing and delivering messages to citizens.

`send_to_citizen` is called inside the transaction that decides to tell the citizen (a notice
being issued): it writes one CitizenMessage per petitioner and channel (exactly once per key,
by a unique constraint) and asks the worker to deliver them once that transaction commits.
`deliver` sends each waiting message under its row lock, at most once; a failure is recorded
and retried with back-off (1, 2, 4 … minutes, at most 6 hours) until it gives up; a
`flush` every minute picks up whatever is due.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from citizen.models import CitizenChannel, CitizenMessage, CitizenMessageStatus
from citizen.providers import DeliveryError, text_provider
from danvan.core.jobs import enqueue
from petitions.models import Petition, Petitioner, PetitionPetitioner, normalise_phone

DELIVER_TASK = "citizen.jobs.deliver_citizen_messages"
MAX_ATTEMPTS = 10
OPT_OUT_SALT = "citizen.sms-opt-out"


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes (with a little jitter), at most 6 hours."""
    minutes = min(2 ** max(attempts - 1, 0), 360)
    return timedelta(minutes=minutes, seconds=random.randint(0, 30))  # nosec B311


def opt_out_token(petitioner: Petitioner) -> str:
    return signing.dumps(petitioner.pk, salt=OPT_OUT_SALT, compress=True)


def opt_out_url(petitioner: Petitioner) -> str:
    path = reverse("citizen:sms-opt-out", args=[opt_out_token(petitioner)])
    return f"{settings.SITE_URL}{path}"


def petitioner_from_token(token: str) -> Petitioner | None:
    try:
        pk = signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    return Petitioner.objects.filter(pk=pk).first() if isinstance(pk, int) else None


@transaction.atomic
def sms_opt_out(petitioner: Petitioner) -> int:
    """The citizen wants no more text messages: pending ones are skipped. Answers how many."""
    Petitioner.objects.filter(pk=petitioner.pk).update(sms_opt_out=True)
    return CitizenMessage.objects.filter(
        petitioner=petitioner,
        channel__in=[CitizenChannel.SMS, CitizenChannel.ZALO],
        status__in=[CitizenMessageStatus.PENDING, CitizenMessageStatus.FAILED],
    ).update(status=CitizenMessageStatus.SKIPPED, last_error="")


def _text_with_opt_out(text: str, petitioner: Petitioner) -> str:
    return f"{text} Tu choi nhan tin: {opt_out_url(petitioner)}"


def send_to_citizen(
    *,
    petition: Petition,
    key: str,
    subject: str,
    body: str,
    sms_text: str = "",
    attachment: tuple[str, bytes, str] | None = None,
) -> list[CitizenMessage]:
    """
    One message per petitioner and channel: e-mail when they gave one; a text message (SMS,
    and Zalo where a provider is set) when they gave a phone, `sms_text` is given and they
    did not opt out. The same `key` again writes nothing new. Delivered after the commit.
    """
    people = [
        party.petitioner
        for party in PetitionPetitioner.objects.filter(petition=petition).select_related(
            "petitioner"
        )
    ]
    rows: list[CitizenMessage] = []
    for person in people:
        wanted: list[tuple[str, str, str]] = []
        if person.email:
            wanted.append((CitizenChannel.EMAIL, person.email, body))
        phone = normalise_phone(person.phone)
        if sms_text and phone and not person.sms_opt_out:
            for texted in (CitizenChannel.SMS, CitizenChannel.ZALO):
                if text_provider(texted) is not None:
                    wanted.append((texted, phone, _text_with_opt_out(sms_text, person)))
        for channel, to, text in wanted:
            message = CitizenMessage(
                key=key,
                petition=petition,
                petitioner=person,
                channel=channel,
                to=to,
                subject=subject[:300],
                body=text,
            )
            if attachment is not None and channel == CitizenChannel.EMAIL:
                name, content, mime = attachment
                message.attachment_name, message.attachment_type = name[:150], mime
                message.attachment.save(name, ContentFile(content), save=False)
            try:
                with transaction.atomic():
                    message.save()
            except IntegrityError:  # already written for this key: exactly once
                continue
            rows.append(message)
    if rows:
        enqueue(DELIVER_TASK, [row.pk for row in rows])
    return rows


@dataclass
class DeliverResult:
    sent: int = 0
    failed: int = 0


def _locked(queryset: Any) -> Any:
    if settings.DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
        # Only the message's row: its petitioner is read along, not locked.
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset


def _waiting(now: datetime) -> Q:
    return Q(
        status__in=[CitizenMessageStatus.PENDING, CitizenMessageStatus.FAILED],
    ) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def _send(message: CitizenMessage) -> str:
    key = f"citizen-message:{message.pk}"
    if message.channel == CitizenChannel.EMAIL:
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.to],
            headers={"Message-ID": f"<{key}@{settings.SITE_URL.split('//')[-1]}>"},
        )
        if message.attachment:
            with message.attachment.open("rb") as handle:
                email.attach(message.attachment_name, handle.read(), message.attachment_type)
        email.send(fail_silently=False)
        return key
    provider = text_provider(message.channel)
    if provider is None:
        raise DeliveryError("no provider for this channel", permanent=True)
    return provider.send(message.to, message.body, key=key)


def deliver(ids: Sequence[int] | None = None, *, now: datetime | None = None) -> DeliverResult:
    """Send the waiting messages (these ids, or all that are due), each at most once."""
    now = now or timezone.now()
    result = DeliverResult()
    queryset = CitizenMessage.objects.filter(_waiting(now))
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    for pk in list(queryset.order_by("pk").values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            message = _locked(
                CitizenMessage.objects.filter(_waiting(now), pk=pk).select_related("petitioner")
            ).first()
            if message is None:
                continue  # another worker has it, or it was sent meanwhile
            if message.channel != CitizenChannel.EMAIL and message.petitioner.sms_opt_out:
                message.status = CitizenMessageStatus.SKIPPED
                message.save(update_fields=["status"])
                continue
            message.attempts += 1
            try:
                message.provider_id = _send(message)[:100]
            except Exception as exc:
                permanent = isinstance(exc, DeliveryError) and exc.permanent
                gave_up = permanent or message.attempts >= MAX_ATTEMPTS
                message.status = (
                    CitizenMessageStatus.GAVE_UP if gave_up else CitizenMessageStatus.FAILED
                )
                message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                message.next_attempt_at = None if gave_up else now + backoff(message.attempts)
                message.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
                result.failed += 1
                continue
            message.status = CitizenMessageStatus.SENT
            message.sent_at = now
            message.last_error = ""
            message.save(
                update_fields=["status", "attempts", "provider_id", "sent_at", "last_error"]
            )
            result.sent += 1
    return result


def retry_now(queryset: Any) -> int:
    """An administrator asks for another attempt of failing or given-up messages."""
    return queryset.filter(
        status__in=[CitizenMessageStatus.FAILED, CitizenMessageStatus.GAVE_UP]
    ).update(status=CitizenMessageStatus.FAILED, next_attempt_at=None)


# --- Reading -----------------------------------------------------------------------------------
def mask_address(channel: str, to: str) -> str:
    """ "n***@example.vn", "*******678": enough to recognise, not to copy."""
    if channel == CitizenChannel.EMAIL and "@" in to:
        name, _at, domain = to.partition("@")
        return f"{name[:1]}***@{domain}"
    return "*" * max(len(to) - 3, 0) + to[-3:]


def citizen_messages_for(petition: Petition, *, hidden: bool) -> list[dict[str, Any]]:
    """A petition's messages for its page; a denouncer's address is never shown."""
    rows = CitizenMessage.objects.filter(petition=petition).order_by("id")
    return [
        {
            "id": row.pk,
            "channel": row.get_channel_display(),
            "to": "" if hidden else mask_address(row.channel, row.to),
            "status": row.status,
            "status_display": row.get_status_display(),
            "attempts": row.attempts,
            "last_error": row.last_error,
            "sent_at": row.sent_at,
            "key": row.key,
        }
        for row in rows
    ]
