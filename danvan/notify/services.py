"""
Every write of the reminders: the sweep, delivery on each channel, the digest, the inbox.

Exactly once:
- a Reminder row per (item, stage, occurrence, recipient, deadline) — unique constraint;
  concurrent sweeps both insert with ON CONFLICT DO NOTHING and each enqueues only the rows
  it inserted itself (its `sweep` token);
- a Delivery row per (reminder, channel) — unique constraint; it is sent inside a
  transaction that locks the row (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite
  takes the write lock at BEGIN) and sets `sent_at`, so two workers never both send it. The
  in-app notification and the push outbox row are written in that same transaction.
- Lost work (a killed worker, a broker restart) is found again: the sweep re-enqueues
  reminders left pending for longer than `stale_after`; retrying is harmless.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from danvan.core.jobs import enqueue
from danvan.core.versions import check_version
from danvan.notify import messages
from danvan.notify.models import (
    Audience,
    Channel,
    Delivery,
    DeliveryStatus,
    Digest,
    Notification,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
    Reminder,
    ReminderStage,
    ReminderStatus,
)
from danvan.notify.policy import first_deadline_beyond, merged_ranges, windows
from danvan.notify.providers import DueItem, providers, split_key
from danvan.org.models import User

log = logging.getLogger(__name__)

ENQUEUE_BATCH = 1000
INSERT_BATCH = 1000
DELIVER_TASK = "danvan.notify.jobs.deliver_reminders"
# Reminders still pending this long are re-enqueued by the sweep: the backstop for a message
# lost inside the broker (a Redis restart without persistence). A killed worker's job comes
# back sooner, through the broker's visibility timeout (settings: BROKER_VISIBILITY_TIMEOUT).
STALE_AFTER = timedelta(seconds=settings.REMINDER_STALE_SECONDS)
DIGEST_HORIZON = 3  # working days counted as "due soon" in the digest
MAX_ATTEMPTS = 10  # per delivery, over job retries and sweeps; then it stays FAILED

Progress = Callable[[int, int], None]


@dataclass
class SweepResult:
    today: date
    items: int = 0
    reminders: int = 0  # new reminder rows (dry run: rows that would be new)
    enqueued: int = 0
    requeued: int = 0
    preview: list[tuple[str, str, int, int, date]] = field(default_factory=list)


# --- The sweep -----------------------------------------------------------------------------
def _rows_for(item: DueItem, found: Sequence[Any]) -> list[tuple[ReminderStage, int, int, bool]]:
    """(stage, occurrence, recipient id, is escalation) for one item and the due windows."""
    rows: list[tuple[ReminderStage, int, int, bool]] = []
    for window in found:
        if not window.contains(item.deadline):
            continue
        audience = window.stage.audience
        people: dict[int, bool] = {}
        if audience in (Audience.ESCALATION, Audience.BOTH):
            people.update(dict.fromkeys(item.escalation, True))
        if audience in (Audience.RESPONSIBLE, Audience.BOTH):
            # Told as responsible when both: the plainer message.
            people.update(dict.fromkeys(item.recipients, False))
        rows.extend((window.stage, window.occurrence, uid, esc) for uid, esc in people.items())
    return rows


def sweep(
    *,
    today: date | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    chunk: int = 5000,  # items per provider query: the due rows are read again per chunk
    stale_after: timedelta | None = STALE_AFTER,
) -> SweepResult:
    """Record the reminders due on `today` and enqueue their delivery (after commit)."""
    today = today or timezone.localdate()
    result = SweepResult(today=today)
    stages_by_subject: dict[str, list[ReminderStage]] = defaultdict(list)
    for stage in ReminderStage.objects.filter(is_active=True):
        stages_by_subject[stage.subject].append(stage)
    plans = []
    for subject, provider in providers().items():
        found = windows(stages_by_subject.get(subject, []), today)
        ranges = merged_ranges(found)
        if ranges:
            plans.append((provider, found, ranges))
    total = sum(provider.count(ranges) for provider, _found, ranges in plans) if progress else 0
    done = 0
    if progress:
        progress(0, total)
    for provider, found, ranges in plans:
        for batch in provider.items(ranges, chunk=chunk):
            rows = [(item, *row) for item in batch for row in _rows_for(item, found)]
            result.items += len(batch)
            if dry_run:
                new = _not_yet_recorded(rows)
                result.reminders += len(new)
                result.preview.extend(
                    (item.key, stage.code, occurrence, uid, item.deadline)
                    for item, stage, occurrence, uid, _esc in new
                )
            else:
                created, enqueued = _record(rows)
                result.reminders += created
                result.enqueued += enqueued
            done += len(batch)
            if progress:
                progress(done, max(total, done))
    if not dry_run and stale_after is not None:
        result.requeued = requeue_stale(older_than=stale_after)
    return result


def _not_yet_recorded(rows: list[tuple[DueItem, ReminderStage, int, int, bool]]) -> list[Any]:
    if not rows:
        return []
    keys = {item.key for item, *_rest in rows}
    existing = set(
        Reminder.objects.filter(item_key__in=keys).values_list(
            "item_key", "stage_id", "occurrence", "recipient_id", "deadline"
        )
    )
    return [
        row
        for row in rows
        if (row[0].key, row[1].pk, row[2], row[3], row[0].deadline) not in existing
    ]


def _record(rows: list[tuple[DueItem, ReminderStage, int, int, bool]]) -> tuple[int, int]:
    """Insert the rows (duplicates ignored) and enqueue the ones this call inserted."""
    if not rows:
        return 0, 0
    token = uuid.uuid4()
    targets: dict[str, tuple[str, int | None]] = {}
    for item, *_rest in rows:
        if item.key not in targets:
            targets[item.key] = item.target_of() or ("", None)
    if connection.vendor == "postgresql":
        return _record_copy(rows, targets, token)
    objects = [
        Reminder(
            item_key=item.key,
            target_type=targets[item.key][0],
            target_id=targets[item.key][1],
            stage=stage,
            occurrence=occurrence,
            recipient_id=uid,
            deadline=item.deadline,
            is_escalation=escalation,
            title=item.title,
            url=item.url,
            unit_name=item.unit_name,
            sweep=token,
        )
        for item, stage, occurrence, uid, escalation in rows
    ]
    with transaction.atomic():
        Reminder.objects.bulk_create(objects, batch_size=INSERT_BATCH, ignore_conflicts=True)
        ids = list(Reminder.objects.filter(sweep=token).order_by("pk").values_list("pk", flat=True))
        enqueue_delivery(ids)
    return len(ids), len(ids)


# COPY into a temporary table, then one INSERT … ON CONFLICT DO NOTHING RETURNING id: the ids
# returned are exactly the rows this statement inserted (a concurrent sweep's rows, or rows
# already there, are not returned), as the `sweep` token gives on other databases. Building
# the rows for COPY is a few ms of Python per thousand; bulk_create's model instances and
# per-field preparation were about 1 s for 20,000 rows.
_STAGING = """
CREATE TEMPORARY TABLE IF NOT EXISTS notify_reminder_staging (
    item_key varchar(60), stage_id bigint, occurrence smallint, recipient_id bigint,
    deadline date, is_escalation boolean, title varchar(300), url varchar(300),
    target_type varchar(20), target_id bigint, unit_name varchar(255)
) ON COMMIT DELETE ROWS
"""
_COLUMNS = (
    "item_key, stage_id, occurrence, recipient_id, deadline, is_escalation, title, url,"
    " target_type, target_id, unit_name"
)


def _record_copy(
    rows: list[tuple[DueItem, ReminderStage, int, int, bool]],
    targets: dict[str, tuple[str, int | None]],
    token: uuid.UUID,
) -> tuple[int, int]:
    """PostgreSQL: three statements per call, whatever the number of rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_STAGING)
        with cursor.cursor.copy(f"COPY notify_reminder_staging ({_COLUMNS}) FROM STDIN") as copy:
            for item, stage, occurrence, uid, escalation in rows:
                target_type, target_id = targets[item.key]
                copy.write_row(
                    (
                        item.key,
                        stage.pk,
                        occurrence,
                        uid,
                        item.deadline,
                        escalation,
                        item.title,
                        item.url,
                        target_type,
                        target_id,
                        item.unit_name,
                    )
                )
        cursor.execute(
            # Emptied by the same statement: the next call in this transaction starts clean.
            f"WITH moved AS (DELETE FROM notify_reminder_staging RETURNING {_COLUMNS})"  # noqa: S608  # nosec B608
            f" INSERT INTO notify_reminder ({_COLUMNS}, status, sweep, created_at)"
            f" SELECT {_COLUMNS}, %s, %s, %s FROM moved ON CONFLICT DO NOTHING RETURNING id",
            [ReminderStatus.PENDING, token, timezone.now()],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        enqueue_delivery(ids)
    return len(ids), len(ids)


def enqueue_delivery(reminder_ids: Sequence[int]) -> None:
    """
    Enqueue delivery jobs of up to ENQUEUE_BATCH ids each, once the transaction commits; kept
    in the job outbox (danvan.core.jobs) if the broker is away.
    """
    with transaction.atomic():
        for start in range(0, len(reminder_ids), ENQUEUE_BATCH):
            enqueue(DELIVER_TASK, list(reminder_ids[start : start + ENQUEUE_BATCH]))


def requeue_stale(*, older_than: timedelta = STALE_AFTER, now: datetime | None = None) -> int:
    """Re-enqueue reminders still pending after `older_than` (lost jobs); skip deferred ones."""
    now = now or timezone.now()
    deferred = Delivery.objects.filter(
        reminder=OuterRef("pk"), sent_at__isnull=True, not_before__gt=now
    )
    ids = list(
        Reminder.objects.filter(status=ReminderStatus.PENDING, created_at__lt=now - older_than)
        .exclude(Exists(deferred))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # Deferred deliveries whose quiet hours are over.
    ids += list(
        Delivery.objects.filter(sent_at__isnull=True, not_before__lte=now)
        .exclude(reminder_id__in=ids)
        .order_by("reminder_id")
        .values_list("reminder_id", flat=True)
        .distinct()
    )
    with transaction.atomic():
        enqueue_delivery(ids)
    return len(ids)


# --- Delivery ------------------------------------------------------------------------------
def quiet_until(preference: NotificationPreference | None, now: datetime) -> datetime | None:
    """The end of the person's quiet hours if `now` is inside them, else None."""
    if preference is None or preference.quiet_start is None or preference.quiet_end is None:
        return None
    start, end = preference.quiet_start, preference.quiet_end
    if start == end:
        return None
    local = timezone.localtime(now)
    moment = local.time()
    inside = start <= moment < end if start < end else (moment >= start or moment < end)
    if not inside:
        return None
    end_day = local.date() if moment < end else local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(end_day, end), timezone.get_current_timezone())


def _channels(preference: NotificationPreference | None, email: str) -> list[str]:
    if preference is None:
        wanted = [Channel.EMAIL, Channel.IN_APP, Channel.PUSH]
    else:
        wanted = [
            c for c in (Channel.EMAIL, Channel.IN_APP, Channel.PUSH) if getattr(preference, c)
        ]
        if preference.daily_digest:
            # The digest replaces single e-mails and pushes; the inbox still gets each one.
            wanted = [c for c in wanted if c == Channel.IN_APP]
    return [c for c in wanted if c != Channel.EMAIL or email]


@dataclass
class DeliverResult:
    sent: int = 0
    obsolete: int = 0
    deferred: int = 0
    failed: int = 0


def mark_obsolete(reminders: Iterable[Reminder]) -> set[int]:
    """Reminders whose item is closed or whose deadline moved: never sent."""
    by_subject: dict[str, dict[int, list[Reminder]]] = defaultdict(lambda: defaultdict(list))
    for reminder in reminders:
        subject, pk = split_key(reminder.item_key)
        by_subject[subject][pk].append(reminder)
    obsolete: set[int] = set()
    registry = providers()
    for subject, items in by_subject.items():
        provider = registry.get(subject)
        current = provider.current_deadlines(items.keys()) if provider else {}
        for pk, group in items.items():
            obsolete.update(r.pk for r in group if current.get(pk) != r.deadline)
    if obsolete:
        Reminder.objects.filter(pk__in=obsolete).update(status=ReminderStatus.OBSOLETE)
    return obsolete


def deliver(reminder_ids: Sequence[int], *, now: datetime | None = None) -> DeliverResult:
    """Create the deliveries of these reminders and send every one not sent yet."""
    now = now or timezone.now()
    result = DeliverResult()
    reminders = list(
        Reminder.objects.filter(pk__in=list(reminder_ids), status=ReminderStatus.PENDING)
        .select_related("stage", "recipient")
        .order_by("pk")
    )
    obsolete = mark_obsolete(reminders)
    result.obsolete = len(obsolete)
    reminders = [r for r in reminders if r.pk not in obsolete]
    if not reminders:
        return result
    preferences = {
        p.user_id: p
        for p in NotificationPreference.objects.filter(
            user_id__in={r.recipient_id for r in reminders}
        )
    }
    new = []
    for reminder in reminders:
        preference = preferences.get(reminder.recipient_id)
        quiet = quiet_until(preference, now)
        for channel in _channels(preference, reminder.recipient.email):
            not_before = quiet if channel != Channel.IN_APP else None
            new.append(Delivery(reminder=reminder, channel=channel, not_before=not_before))
    Delivery.objects.bulk_create(new, batch_size=INSERT_BATCH, ignore_conflicts=True)
    by_id = {r.pk: r for r in reminders}
    pending = Delivery.objects.filter(
        reminder_id__in=list(by_id), sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS
    ).order_by("pk")
    connection = None
    errors: list[Exception] = []
    rows_only: list[Delivery] = []  # in-app and push: database rows, written in one go
    for delivery in pending:
        if delivery.not_before and delivery.not_before > now:
            result.deferred += 1
            continue
        delivery.reminder = by_id[delivery.reminder_id]
        if delivery.channel != Channel.EMAIL:
            rows_only.append(delivery)
            continue
        if connection is None:
            connection = get_connection()
        try:
            if _send_one(delivery, now=now, connection=connection):
                result.sent += 1
        except Exception as error:  # recorded, then the job is retried
            log.warning("delivery %s failed: %r", delivery.pk, error)
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.FAILED,
                last_error=repr(error)[:2000],
                attempts=F("attempts") + 1,
            )
            result.failed += 1
            errors.append(error)
    result.sent += _write_rows(rows_only, now=now)
    # Done when every delivery is sent or has used up its attempts (left FAILED for the admin).
    # NOT IN a subquery over this batch's ids (hashed once), not NOT EXISTS per reminder: with
    # the table's statistics behind its growth, the planner ANDed the partial "unsent" index
    # (every delivery ever written unsent until vacuum) once per reminder: 2.6 s a batch.
    unsent = Delivery.objects.filter(
        reminder_id__in=list(by_id), sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS
    ).values("reminder_id")
    Reminder.objects.filter(pk__in=list(by_id), status=ReminderStatus.PENDING).exclude(
        pk__in=unsent
    ).update(status=ReminderStatus.DONE)
    if errors:
        raise errors[0]
    return result


def _locked(queryset: Any) -> Any:
    if settings.DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
        return queryset.select_for_update(skip_locked=True)
    return queryset  # SQLite: BEGIN IMMEDIATE already serialises writers


def _write_rows(deliveries: Sequence[Delivery], *, now: datetime) -> int:
    """
    In-app notifications and push outbox rows for many deliveries in one transaction: the
    deliveries still unsent are locked (skipping those another worker holds), their rows
    inserted and `sent_at` set together, so each is written exactly once.
    """
    if not deliveries:
        return 0
    by_id = {d.pk: d for d in deliveries}
    with transaction.atomic():
        free = list(
            _locked(Delivery.objects.filter(pk__in=list(by_id), sent_at__isnull=True)).values_list(
                "pk", flat=True
            )
        )
        notifications, pushes = [], []
        for pk in free:
            delivery = by_id[pk]
            reminder = delivery.reminder
            message = messages.reminder_message(reminder)
            if delivery.channel == Channel.IN_APP:
                notifications.append(
                    Notification(
                        user_id=reminder.recipient_id,
                        title=message.subject,
                        body=message.text,
                        url=message.path,
                        item_key=reminder.item_key,
                        target_type=reminder.target_type,
                        target_id=reminder.target_id,
                        delivery_id=pk,
                    )
                )
            else:
                pushes.append(
                    OutboxMessage(
                        user_id=reminder.recipient_id,
                        delivery_id=pk,
                        title=message.subject,
                        body=message.text,
                        data={
                            "url": message.link,
                            "path": message.path,
                            "item": reminder.item_key,
                            "target": message.target,
                        },
                    )
                )
        Notification.objects.bulk_create(notifications, batch_size=INSERT_BATCH)
        OutboxMessage.objects.bulk_create(pushes, batch_size=INSERT_BATCH)
        Delivery.objects.filter(pk__in=free).update(
            sent_at=now, status=DeliveryStatus.SENT, last_error="", attempts=F("attempts") + 1
        )
        if pushes:
            transaction.on_commit(_kick_push_webhook)
    return len(free)


def _send_one(delivery: Delivery, *, now: datetime, connection: Any) -> bool:
    """
    Send one e-mail unless another worker has or is doing it. True when sent here.

    One transaction per e-mail (lock the row, send, mark it sent), so a worker killed in the
    middle sends at most that one e-mail again. Two plain statements: the ORM's query building
    was most of the per-e-mail cost.
    """
    reminder = delivery.reminder
    db = transaction.get_connection()
    lock = " FOR UPDATE SKIP LOCKED" if db.vendor == "postgresql" else ""
    with transaction.atomic(), db.cursor() as cursor:
        cursor.execute(
            "SELECT attempts FROM notify_delivery WHERE id = %s AND sent_at IS NULL" + lock,  # noqa: S608  # nosec B608
            [delivery.pk],
        )
        row = cursor.fetchone()
        if row is None:
            return False
        email = messages.reminder_email(reminder, reminder.recipient.email)
        email.connection = connection
        email.send()
        cursor.execute(
            "UPDATE notify_delivery SET sent_at = %s, status = %s, subject = %s,"
            " last_error = '', attempts = %s WHERE id = %s",
            [
                db.ops.adapt_datetimefield_value(now),
                DeliveryStatus.SENT,
                email.subject,
                row[0] + 1,
                delivery.pk,
            ],
        )
    return True


def _kick_push_webhook() -> None:
    if push_webhook_url():
        enqueue("danvan.notify.jobs.push_outbox_flush")


# --- Push outbox ---------------------------------------------------------------------------
def push_webhook_url() -> str:
    """The gateway's http(s) URL from the settings, or "" when none (or another scheme) is set."""
    url: str = getattr(settings, "PUSH_WEBHOOK_URL", "") or ""
    return url if url.startswith(("http://", "https://")) else ""


def outbox_backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


OUTBOX_MAX_ATTEMPTS = 12


def outbox_record_failure(message: OutboxMessage, error: str, *, now: datetime) -> None:
    attempts = message.attempts + 1
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=attempts,
        last_error=error[:2000],
        status=OutboxStatus.GAVE_UP if attempts >= OUTBOX_MAX_ATTEMPTS else OutboxStatus.FAILED,
        next_attempt_at=now + outbox_backoff(attempts),
    )


def outbox_mark_sent(ids: Iterable[int], *, user: Any, now: datetime | None = None) -> int:
    """The gateway acknowledges messages it has taken over."""
    return OutboxMessage.objects.filter(
        pk__in=list(ids), status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED]
    ).update(status=OutboxStatus.SENT, sent_at=now or timezone.now())


def outbox_flush(*, now: datetime | None = None, limit: int = 200) -> tuple[int, int]:
    """POST waiting push messages to PUSH_WEBHOOK_URL; each one once (row lock + status)."""
    import json
    import urllib.request

    url = push_webhook_url()
    if not url:
        return 0, 0
    now = now or timezone.now()
    sent = failed = 0
    waiting = (
        OutboxMessage.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED])
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in list(waiting):
        with transaction.atomic():
            message = _locked(
                OutboxMessage.objects.filter(
                    pk=pk, status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED]
                )
            ).first()
            if message is None:
                continue
            body = json.dumps(
                {
                    "id": message.pk,
                    "user": message.user_id,
                    "title": message.title,
                    "body": message.body,
                    "data": message.data,
                }
            ).encode()
            # push_webhook_url() admits only http(s) URLs, so no file:// or custom scheme.
            request = urllib.request.Request(  # noqa: S310  # nosec B310
                url,
                data=body,
                headers={"Content-Type": "application/json", "Idempotency-Key": str(message.pk)},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310
                    ok = 200 <= response.status < 300
                    error = f"HTTP {response.status}"
            except Exception as exc:
                ok, error = False, repr(exc)
            if ok:
                OutboxMessage.objects.filter(pk=pk).update(
                    status=OutboxStatus.SENT, sent_at=now, attempts=message.attempts + 1
                )
                sent += 1
            else:
                outbox_record_failure(message, error, now=now)
                failed += 1
    return sent, failed


# --- Daily digest --------------------------------------------------------------------------
def send_digests(*, today: date | None = None, now: datetime | None = None) -> int:
    """One e-mail per person who chose the digest: overdue items and items due soon."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    users = {
        u.pk: u
        for u in User.objects.filter(
            is_active=True, notification_preference__daily_digest=True
        ).exclude(email="")
    }
    if not users:
        return 0
    soon_after = first_deadline_beyond(today, -DIGEST_HORIZON)
    overdue_before = first_deadline_beyond(today, 1)
    per_user: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: {"soon": [], "late": []}
    )
    for provider in providers().values():
        for batch in provider.items([(date(1900, 1, 1), soon_after)]):
            for item in batch:
                late = item.deadline < overdue_before
                entry = {
                    "title": item.title,
                    "deadline": item.deadline,
                    "link": messages.absolute(item.url),
                    "unit_name": item.unit_name,
                    "escalation": False,
                }
                for uid in item.recipients:
                    if uid in users:
                        per_user[uid]["late" if late else "soon"].append(entry)
                if late:
                    for uid in item.escalation:
                        if uid in users and uid not in item.recipients:
                            per_user[uid]["late"].append({**entry, "escalation": True})
    Digest.objects.bulk_create(
        [Digest(user_id=uid, day=today) for uid in users], ignore_conflicts=True
    )
    sent = 0
    connection = get_connection()
    for uid, user in users.items():
        lists = per_user.get(uid, {"soon": [], "late": []})
        with transaction.atomic():
            digest = _locked(Digest.objects.filter(user_id=uid, day=today, sent_at__isnull=True))
            row = digest.first()
            if row is None:
                continue
            if lists["soon"] or lists["late"]:
                email = messages.digest_email(user, today, lists["soon"], lists["late"])
                email.connection = connection
                email.send()
                sent += 1
            Digest.objects.filter(pk=row.pk).update(
                sent_at=now, due_soon=len(lists["soon"]), overdue=len(lists["late"])
            )
    return sent


# --- The inbox -----------------------------------------------------------------------------
@transaction.atomic
def notification_mark_read(
    *, actor: Any, notification: Notification, expected_version: int | None = None
) -> Notification:
    """Mark one of the person's notifications read (If-Match checked under the row lock)."""
    locked = Notification.objects.select_for_update().get(pk=notification.pk)
    check_version(locked, expected_version)
    if locked.read_at is None:
        locked.read_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["read_at", "version", "updated_at"])
    return locked


@transaction.atomic
def notifications_mark_all_read(*, actor: Any) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now(), version=F("version") + 1, updated_at=timezone.now()
    )


@transaction.atomic
def preference_set(*, actor: Any, user: Any, **values: Any) -> NotificationPreference:
    """Create or change a person's preferences (a person changes their own; admins anyone's)."""
    allowed = {"email", "in_app", "push", "daily_digest", "quiet_start", "quiet_end"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"unknown preference fields: {sorted(unknown)}")
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults=values
    )
    return preference
