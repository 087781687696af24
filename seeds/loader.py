"""The seeders `manage.py seed` runs, in order: (name, function, is demo data)."""

from __future__ import annotations

from collections.abc import Callable

from seeds.calendar import seed_calendar
from seeds.citizen import seed_open311_services
from seeds.movement import seed_indicators, seed_movement
from seeds.notify import seed_notify
from seeds.office import seed_office
from seeds.org import seed_units
from seeds.petitions import seed_petition_demo, seed_petition_reference
from seeds.schedules import seed_schedules
from seeds.tasks import seed_task_schedules, seed_tasks

SEEDERS: list[tuple[str, Callable[[], None], bool]] = [
    ("units", seed_units, False),
    ("calendar", seed_calendar, False),
    ("petition reference data", seed_petition_reference, False),
    ("Open311 services", seed_open311_services, False),
    ("schedules", seed_schedules, False),
    ("reminders", seed_notify, False),
    ("task schedules", seed_task_schedules, False),
    ("movement indicators", seed_indicators, False),
    ("demo petitions", seed_petition_demo, True),
    ("tasks", seed_tasks, True),
    ("movement", seed_movement, True),
    ("demo office (this year, relative to today)", seed_office, True),
]
