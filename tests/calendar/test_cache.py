"""The calendar is fast (no query per deadline) and never stale once an exception changes."""

import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
from django.conf import settings as django_settings

from danvan.calendar.selectors import deadline, is_working_day, working_days_left
from danvan.calendar.services import calendar_exception_add
from tests.conftest import _database_url_for_worker


def test_ten_thousand_deadlines_cost_at_most_one_query(db, django_assert_max_num_queries):
    starts = [date(2025, 1, 1) + timedelta(days=i % 1500) for i in range(10_000)]

    with django_assert_max_num_queries(1):
        dues = [
            deadline(start, 5 + i % 40, "working" if i % 2 else "calendar")
            for i, start in enumerate(starts)
        ]
        left = [working_days_left(date(2026, 11, 20), due) for due in dues]

    assert all(is_working_day(due) for due in dues)
    assert len(left) == 10_000
    # Once the years are in the index, not even that one query.
    with django_assert_max_num_queries(0):
        deadline(date(2026, 2, 10), 10, "working")


def test_a_change_in_another_process_is_noticed(transactional_db, settings):
    """Another process (a web worker, the Celery worker) adds a day off; this one sees it."""
    settings.CALENDAR_CHECK_SECONDS = 0  # re-read the shared version at every call
    wednesday = date(2026, 3, 4)
    assert is_working_day(wednesday)

    script = (
        "import django; django.setup()\n"
        "from datetime import date\n"
        "from danvan.calendar.services import calendar_exception_add\n"
        "calendar_exception_add(actor=None, day=date(2026, 3, 4), kind='day_off', name='X')\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "danvan.settings.test",
        "DATABASE_URL": _database_url_for_worker(),
        "DANVAN_VAR_DIR": str(django_settings.VAR_DIR),
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr

    assert not is_working_day(wednesday)


def test_a_committed_change_reaches_every_process_through_the_shared_version(
    transactional_db, administrator
):
    # This process computed with the old calendar ...
    assert deadline(date(2026, 3, 3), 1, "working") == date(2026, 3, 4)

    # ... a committed change (transactional_db: on_commit really runs) ...
    calendar_exception_add(
        actor=administrator, day=date(2026, 3, 4), kind="day_off", name="Nghỉ bù"
    )

    # ... is seen at once here, and the shared version changed for the others.
    assert deadline(date(2026, 3, 3), 1, "working") == date(2026, 3, 5)


@pytest.mark.parametrize("_run", range(2))
def test_a_rolled_back_change_does_not_leak_into_the_next_test(db, administrator, _run):
    """Run twice: the first run's exception (rolled back) must not be seen by the second."""
    assert is_working_day(date(2026, 3, 4))
    calendar_exception_add(actor=administrator, day=date(2026, 3, 4), kind="day_off", name="X")
    assert not is_working_day(date(2026, 3, 4))
