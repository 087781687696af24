"""
`make run`'s living office (seeds/office.py): this year's petitions in every state and kind,
tasks waiting for the demo supervisor, reminders that reach var/mail/; idempotent, and
computed from the day the seed runs.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from danvan.calendar.selectors import add_working_days
from danvan.notify.models import Notification
from danvan.org.models import User
from petitions.models import (
    OPEN_STATUSES,
    Notice,
    NoticeStatus,
    Petition,
    PetitionKind,
    Status,
)
from seeds.accounts import DEMO_PEOPLE, ensure_demo_accounts
from seeds.loader import SEEDERS
from seeds.office import MARK, client_uuid, office_inbox, seed_office, week_batch
from tasks import selectors as task_selectors
from tasks.models import ProgressReport, Task

TODAY = datetime.date(2025, 10, 15)  # a Wednesday, a year before a day already past


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Petition, Task, ProgressReport))


@pytest.fixture
def office(db: Any, settings: Any, tmp_path: Path) -> Path:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.VAR_DIR = tmp_path
    for name, seeder, _is_demo in SEEDERS:
        if name.startswith("demo office"):
            continue
        seeder()
    return tmp_path / "mail"


def test_office_is_current_complete_and_idempotent(office: Path) -> None:
    seed_office(TODAY)
    first = counts()
    seed_office(TODAY)
    assert counts() == first

    mine = Petition.objects.filter(
        client_id__in=[client_uuid(week_batch(TODAY), k) for k in ("w-phan-anh-den-duong",)]
        + [client_uuid(str(TODAY.year), "y-khieu-nai-dung-han")]
    )
    assert mine.count() == 2
    # Every state and every kind occurs.
    statuses = set(Petition.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert set(Petition.objects.values_list("kind", flat=True)) == set(PetitionKind.values)
    # Relative to that day: overdue and due soon (within three working days), resolved on
    # time and late, all within the year before it.
    open_ = Petition.objects.filter(status__in=OPEN_STATUSES, due_date__isnull=False)
    assert open_.filter(due_date__lt=TODAY).exists()
    assert open_.filter(due_date__gte=TODAY, due_date__lte=add_working_days(TODAY, 3)).exists()
    finished = Petition.objects.filter(finished_on__isnull=False)
    assert finished.filter(finished_on_time=True).exists()
    assert finished.filter(finished_on_time=False).exists()
    office_rows = Petition.objects.filter(received_on__gte=TODAY - datetime.timedelta(days=366))
    assert office_rows.filter(received_on__lte=TODAY).count() >= 17
    # Notices: the finished petitions' were issued, the open ones' wait to be issued.
    assert Notice.objects.filter(status=NoticeStatus.ISSUED).exists()
    assert Notice.objects.filter(status=NoticeStatus.DRAFT, due_on__lt=TODAY).exists()
    # Deadlines follow the real calendar: no due date on a weekend.
    assert all(d.weekday() < 5 for d in open_.values_list("due_date", flat=True))

    # A later day in another week tops the office up with a new week's intake only.
    later = TODAY + datetime.timedelta(days=7)
    seed_office(later)
    assert counts()[0] == first[0] + 5
    seed_office(later)
    assert counts()[0] == first[0] + 5
    # A new year adds that year's spread and plan beside last year's.
    next_year = TODAY.replace(year=TODAY.year + 1)
    seed_office(next_year)
    assert counts()[0] == first[0] + 5 + 17
    plan = Task.objects.filter(
        client_id__startswith=f"{MARK}:{next_year.year}:task", parent__isnull=True
    )
    assert plan.count() == 3

    # Demo accounts, each with an e-mail address; tasks waiting for the supervisor.
    ensure_demo_accounts()
    for username, *_rest in DEMO_PEOPLE:
        assert User.objects.get(username=username).email.endswith("@danvan.local")
    supervisor = User.objects.get(username="bdv.lamdong")
    visible = task_selectors.tasks_visible_to(supervisor)
    waiting = task_selectors.awaiting_approval_by(visible, supervisor)
    assert waiting.filter(parent__client_id__startswith=MARK).count() >= 2
    assert ProgressReport.objects.filter(return_reason__gt="").exists()
    assert Task.objects.filter(
        completed_on__isnull=False, parent__client_id__startswith=MARK
    ).exists()

    # The reminder sweep, run as beat and the worker would, writes e-mails and inbox rows.
    result = office_inbox(TODAY + datetime.timedelta(days=7))
    assert result.reminders > 0 and result.delivered > 0
    mails = list(office.iterdir())
    assert mails, "no e-mail written to EMAIL_FILE_PATH"
    text = "\n".join(p.read_text() for p in mails)
    assert "xuly.dilinh@danvan.local" in text
    assert Notification.objects.filter(user__username="xuly.dilinh").exists()
    # The supervisor reads one digest instead of single e-mails.
    assert result.digests == 1
    assert "bdv.lamdong@danvan.local" in text
    # Again the same day: nothing new is sent.
    again = office_inbox(TODAY + datetime.timedelta(days=7))
    assert (again.reminders, again.delivered, again.digests) == (0, 0, 0)


def test_demo_accounts_are_made_when_the_mail_server_is_unreachable(
    office: Path, settings: Any
) -> None:
    """A production configuration whose SMTP server is not up yet: the inbox is written, the
    e-mails stay recorded for the worker to retry, and the command does not fail."""
    import socket

    from django.core.management import call_command

    from danvan.notify.models import Channel, Delivery

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed, 2
    seed_office(TODAY)

    call_command("demo_accounts", stdout=(out := __import__("io").StringIO()))

    assert "Connection refused" in out.getvalue() or "111" in out.getvalue()
    assert User.objects.filter(username="xuly.dilinh").exists()
    unsent = Delivery.objects.filter(channel=Channel.EMAIL, sent_at__isnull=True)
    assert unsent.exists() and unsent.exclude(last_error="").exists()
