"""`manage.py remind`: run the reminder sweep now, or preview it (--dry-run)."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from danvan.notify import services


def parse_day(value: str) -> date:
    try:
        return datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        raise CommandError(
            _("--today: “%(value)s” is not a date in the form dd/mm/yyyy.") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = "Find the deadline reminders due now, record them and enqueue their delivery."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be sent without writing anything.",
        )
        parser.add_argument("--today", help="Pretend today is this day (dd/mm/yyyy).")
        parser.add_argument(
            "--requeue-after",
            type=int,
            metavar="MINUTES",
            help=(
                "Re-enqueue reminders still unsent after this many minutes (default 10, "
                "REMINDER_STALE_MINUTES; 0 after "
                "a broker outage re-sends every pending one, still exactly once)."
            ),
        )
        parser.add_argument(
            "--deliver-now",
            action="store_true",
            help="Deliver in this process instead of enqueuing Celery jobs.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = parse_day(options["today"]) if options["today"] else None
        started = time.monotonic()
        requeue = options["requeue_after"]
        if requeue is not None and requeue < 0:
            raise CommandError(_("--requeue-after: give a number of minutes of 0 or more."))
        result = services.sweep(
            today=today,
            dry_run=options["dry_run"],
            progress=self._progress,
            stale_after=services.STALE_AFTER if requeue is None else timedelta(minutes=requeue),
        )
        if self._shown:
            self.stdout.write("")
        elapsed = time.monotonic() - started
        day = f"{result.today:%d/%m/%Y}"
        if options["dry_run"]:
            self.stdout.write(
                _("Dry run for %(day)s: %(items)d items due, %(new)d reminders would be sent.")
                % {"day": day, "items": result.items, "new": result.reminders}
            )
            per_stage = Counter((key.partition(":")[0], stage) for key, stage, *_ in result.preview)
            for (subject, stage), count in sorted(per_stage.items()):
                self.stdout.write(f"  {subject:<10} {stage:<20} {count}")
            for key, stage, occurrence, user_id, deadline in result.preview[:50]:
                self.stdout.write(
                    f"  {key:<20} {stage:<16} #{occurrence} → user {user_id} ({deadline:%d/%m/%Y})"
                )
            return
        if options["deliver_now"]:
            from danvan.notify.models import Reminder, ReminderStatus

            ids = list(
                Reminder.objects.filter(status=ReminderStatus.PENDING).values_list("pk", flat=True)
            )
            for start in range(0, len(ids), services.ENQUEUE_BATCH):
                services.deliver(ids[start : start + services.ENQUEUE_BATCH])
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(day)s: %(items)d items due, %(new)d new reminders, "
                    "%(requeued)d re-enqueued, in %(seconds).1f s."
                )
                % {
                    "day": day,
                    "items": result.items,
                    "new": result.reminders,
                    "requeued": result.requeued,
                    "seconds": elapsed,
                }
            )
        )

    _shown = False

    def _progress(self, done: int, total: int) -> None:
        if not total:
            return
        width = 30
        filled = int(width * done / total)
        bar = "#" * filled + "-" * (width - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total}", ending="")
        self.stdout.flush()
        self._shown = True
