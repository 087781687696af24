"""Reminder stages (the policy) and the periodic jobs that apply it."""

from __future__ import annotations

from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from danvan.notify.models import Audience, ReminderStage, Subject

# (code, name, offset in working days, audience, repeat every N days)
STAGES = [
    ("before_3", "3 ngày làm việc trước hạn", -3, Audience.RESPONSIBLE, 0),
    ("before_1", "1 ngày làm việc trước hạn", -1, Audience.RESPONSIBLE, 0),
    ("due_today", "Đến hạn hôm nay", 0, Audience.RESPONSIBLE, 0),
    ("overdue_1", "Quá hạn 1 ngày làm việc: báo lãnh đạo cấp trên", 1, Audience.BOTH, 0),
    ("overdue_repeat", "Nhắc lại mỗi 7 ngày khi còn quá hạn", 1, Audience.BOTH, 7),
]


def seed_reminder_stages() -> None:
    for subject in Subject.values:
        for code, name, offset, audience, every in STAGES:
            # Only created: an administrator's later edits are kept.
            ReminderStage.objects.get_or_create(
                subject=subject,
                code=code,
                defaults={
                    "name": name,
                    "offset_days": offset,
                    "audience": audience,
                    "repeat_every_days": every,
                },
            )


def seed_reminder_schedules() -> None:
    every_15, _ = IntervalSchedule.objects.get_or_create(every=15, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.get_or_create(
        name="Nhắc hạn: quét hạn xử lý",
        defaults={"task": "danvan.notify.jobs.sweep_reminders", "interval": every_15},
    )
    every_minute, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.MINUTES
    )
    PeriodicTask.objects.get_or_create(
        name="Nhắc hạn: gửi thông báo đẩy (webhook)",
        defaults={"task": "danvan.notify.jobs.push_outbox_flush", "interval": every_minute},
    )
    seven_am, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="7",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Ho_Chi_Minh",
    )
    PeriodicTask.objects.get_or_create(
        name="Nhắc hạn: bản tin hằng ngày 07:00",
        defaults={"task": "danvan.notify.jobs.send_digests", "crontab": seven_am},
    )


def seed_notify() -> None:
    seed_reminder_stages()
    seed_reminder_schedules()
