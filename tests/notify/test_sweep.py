"""The policy applied day by day, in one process (delivery called directly)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from danvan.calendar.selectors import working_days_left
from danvan.notify import services
from danvan.notify.models import (
    Channel,
    Delivery,
    Notification,
    OutboxMessage,
    Reminder,
    ReminderStage,
    ReminderStatus,
)
from danvan.notify.policy import windows
from danvan.notify.providers import providers
from danvan.org.models import Role
from petitions.models import Petition, Status
from tests.factories import UserFactory
from tests.notify.conftest import FRI, MON, THU, TUE, WED, make_petition, make_task

pytestmark = pytest.mark.usefixtures("stages")
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def fired(today: date) -> list[tuple[str, str, int, str]]:
    """Sweep on `today`; the reminders it created, as (item, stage, occurrence, username)."""
    before = set(Reminder.objects.values_list("pk", flat=True))
    services.sweep(today=today, stale_after=None)
    rows = (
        Reminder.objects.exclude(pk__in=before)
        .order_by("item_key", "stage__offset_days", "recipient__username")
        .values_list("item_key", "stage__code", "occurrence", "recipient__username")
    )
    return list(rows)


def test_a_petition_is_reminded_on_each_stage_once(tree: Any, people: dict[str, Any]) -> None:
    petition = make_petition(tree.commune_a1, THU, assignee=people["handler"])
    key = f"petition:{petition.pk}"
    timeline: dict[date, list[tuple[str, str, int, str]]] = {}
    day = MON - timedelta(days=7)
    while day <= date(2026, 4, 3):
        for _ in range(2):  # a second sweep on the same day adds nothing
            timeline.setdefault(day, []).extend(fired(day))
        day += timedelta(days=1)
    sent = {d: rows for d, rows in timeline.items() if rows}
    assert sent == {
        MON: [(key, "before_3", 0, "handler_a")],
        WED: [(key, "before_1", 0, "handler_a")],
        THU: [(key, "due_today", 0, "handler_a")],
        # One working day late: the assignee, and the leaders of the province above.
        FRI: [(key, "overdue_1", 0, "handler_a"), (key, "overdue_1", 0, "supervisor")],
        date(2026, 3, 19): [
            (key, "overdue_repeat", 1, "handler_a"),
            (key, "overdue_repeat", 1, "supervisor"),
        ],
        date(2026, 3, 26): [
            (key, "overdue_repeat", 2, "handler_a"),
            (key, "overdue_repeat", 2, "supervisor"),
        ],
        date(2026, 4, 2): [
            (key, "overdue_repeat", 3, "handler_a"),
            (key, "overdue_repeat", 3, "supervisor"),
        ],
    }


def test_a_missed_day_is_caught_up_but_not_twice(tree: Any, people: dict[str, Any]) -> None:
    make_petition(tree.commune_a1, THU, assignee=people["handler"])
    # Nobody swept on Monday: Tuesday still sends "3 days before" (2 left), once.
    assert [r[1] for r in fired(TUE)] == ["before_3"]
    assert fired(TUE) == []
    assert [r[1] for r in fired(WED)] == ["before_1"]


def test_without_assignee_the_units_handlers_are_told(tree: Any, people: dict[str, Any]) -> None:
    make_petition(tree.commune_a1, WED)
    assert [r[3] for r in fired(WED)] == ["handler_a", "handler_a2"]


def test_closed_suspended_and_other_units_are_not_reminded(
    tree: Any, people: dict[str, Any]
) -> None:
    make_petition(tree.commune_a1, THU, status="resolved")
    make_petition(tree.commune_a1, THU, status="suspended")
    make_petition(tree.commune_a2, THU)  # nobody in A2: no recipient, no row
    assert fired(THU) == []


def test_weekend_deadline_counts_as_the_next_working_day(tree: Any, people: dict[str, Any]) -> None:
    make_petition(tree.commune_a1, date(2026, 3, 14), assignee=people["handler"])  # Saturday
    assert [r[1] for r in fired(FRI)] == ["before_1"]
    assert [r[1] for r in fired(date(2026, 3, 16))] == ["due_today"]


def test_tasks_remind_the_lead_units_cadres_and_escalate_above(
    tree: Any, cadre_a: Any, supervisor: Any
) -> None:
    task = make_task(tree.commune_a1, tree.province_a, WED)
    make_task(tree.commune_a1, tree.province_a, WED, cancelled=True)
    make_task(tree.commune_a1, tree.province_a, WED, completed_on=TUE)
    key = f"task:{task.pk}"
    assert fired(TUE) == [(key, "before_1", 0, "cadre_a")]
    assert fired(THU) == [(key, "overdue_1", 0, "cadre_a"), (key, "overdue_1", 0, "supervisor")]


def test_an_inactive_stage_is_not_sent(tree: Any, people: dict[str, Any]) -> None:
    ReminderStage.objects.filter(code__in=["before_3", "before_1"]).update(is_active=False)
    make_petition(tree.commune_a1, THU, assignee=people["handler"])
    assert fired(MON) == fired(WED) == []
    assert [r[1] for r in fired(THU)] == ["due_today"]


def test_windows_follow_the_working_day_calendar_around_tet() -> None:
    """Across Tết 2026 each window holds exactly the deadlines with the right days left."""
    petition_stages = list(ReminderStage.objects.filter(subject="petition"))
    wanted = {"before_3": {3, 2}, "before_1": {1}, "due_today": {0}, "overdue_1": {-1, -2, -3}}
    for today in (date(2026, 2, 9) + timedelta(days=n) for n in range(21)):
        found = {w.stage.code: w for w in windows(petition_stages, today) if not w.occurrence}
        for offset in range(-40, 40):
            deadline = today + timedelta(days=offset)
            left = working_days_left(today, deadline)
            for code, lefts in wanted.items():
                window = found.get(code)  # e.g. nothing is "due today" on a Sunday
                inside = window is not None and window.contains(deadline)
                assert inside == (left in lefts), (today, deadline, code)


# --- Delivery ------------------------------------------------------------------------------
def test_delivery_sends_each_channel_once(tree: Any, people: dict[str, Any]) -> None:
    petition = make_petition(tree.commune_a1, THU, assignee=people["handler"])
    services.sweep(today=WED, stale_after=None)
    ids = list(Reminder.objects.values_list("pk", flat=True))
    now = datetime(2026, 3, 11, 9, 0, tzinfo=HCM)
    result = services.deliver(ids, now=now)
    assert result.sent == 3
    services.deliver(ids, now=now)  # a retried job
    assert sorted(Delivery.objects.values_list("channel", "status")) == [
        ("email", "sent"),
        ("in_app", "sent"),
        ("push", "sent"),
    ]
    assert Reminder.objects.get().status == ReminderStatus.DONE
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["handler_a@example.vn"]
    assert petition.code in email.subject
    assert "Còn 1 ngày làm việc đến hạn 12/03/2026" in email.body
    assert "http://testserver" not in email.body
    html = email.alternatives[0][0]
    assert 'href="http' in html and str(petition.pk) in html
    notification = Notification.objects.get()
    assert notification.user == people["handler"]
    assert notification.title.startswith("[Đơn thư]")
    push = OutboxMessage.objects.get()
    assert push.data["item"] == f"petition:{petition.pk}"


def test_denunciation_summary_never_leaves(tree: Any, people: dict[str, Any]) -> None:
    make_petition(tree.commune_a1, WED, assignee=people["handler"], kind="denunciation")
    services.sweep(today=WED, stale_after=None)
    services.deliver(list(Reminder.objects.values_list("pk", flat=True)))
    assert "Khiếu nại về đất đai" not in mail.outbox[0].body
    assert "Khiếu nại về đất đai" not in Notification.objects.get().title


def test_moved_deadline_makes_the_old_reminder_obsolete(tree: Any, people: dict[str, Any]) -> None:
    petition = make_petition(tree.commune_a1, WED, assignee=people["handler"])
    services.sweep(today=TUE, stale_after=None)  # "1 day before" for Wednesday
    old = Reminder.objects.get()
    # Extended before the job ran: the reminder is about a deadline that no longer exists.
    petition.due_date = date(2026, 3, 20)
    petition.save(update_fields=["due_date"])
    services.deliver([old.pk])
    old.refresh_from_db()
    assert old.status == ReminderStatus.OBSOLETE
    assert not Delivery.objects.exists() and mail.outbox == []
    # The new deadline has its own stages.
    assert [r[1] for r in fired(date(2026, 3, 17))] == ["before_3"]


def test_daily_digest_replaces_single_emails_and_pushes(tree: Any, people: dict[str, Any]) -> None:
    services.preference_set(actor=None, user=people["handler"], daily_digest=True)
    make_petition(tree.commune_a1, WED, assignee=people["handler"])
    make_petition(tree.commune_a1, MON - timedelta(days=7), assignee=people["handler"])
    services.sweep(today=WED, stale_after=None)
    services.deliver(list(Reminder.objects.values_list("pk", flat=True)))
    mine = Delivery.objects.filter(reminder__recipient=people["handler"])
    assert set(mine.values_list("channel", flat=True)) == {Channel.IN_APP}
    assert [m.to for m in mail.outbox] == [["supervisor@example.vn"]]  # not in digest mode
    mail.outbox.clear()
    assert services.send_digests(today=WED) == 1
    assert services.send_digests(today=WED) == 0  # once a day
    digest = mail.outbox[0]
    assert digest.to == ["handler_a@example.vn"]
    assert "1 sắp đến hạn, 1 quá hạn" in digest.subject
    assert "Quá hạn (1)" in digest.body


def test_digest_tells_leaders_above_about_overdue_items(tree: Any, people: dict[str, Any]) -> None:
    services.preference_set(actor=None, user=people["supervisor"], daily_digest=True)
    make_petition(tree.commune_a1, MON, assignee=people["handler"])
    make_petition(tree.commune_a1, FRI, assignee=people["handler"])  # not yet overdue
    assert services.send_digests(today=WED) == 1
    assert "0 sắp đến hạn, 1 quá hạn" in mail.outbox[0].subject
    assert "Xã Di Linh" in mail.outbox[0].body


def test_quiet_hours_defer_email_and_push_not_the_inbox(tree: Any, people: dict[str, Any]) -> None:
    services.preference_set(
        actor=None, user=people["handler"], quiet_start=time(21, 0), quiet_end=time(7, 0)
    )
    make_petition(tree.commune_a1, WED, assignee=people["handler"])
    services.sweep(today=WED, stale_after=None)
    ids = list(Reminder.objects.values_list("pk", flat=True))
    night = datetime(2026, 3, 10, 22, 30, tzinfo=HCM)
    result = services.deliver(ids, now=night)
    assert (result.sent, result.deferred) == (1, 2)
    assert mail.outbox == []
    morning = datetime(2026, 3, 11, 7, 0, tzinfo=HCM)
    assert set(Delivery.objects.filter(sent_at=None).values_list("not_before", flat=True)) == {
        morning
    }
    # The sweep after the quiet hours picks the deferred ones up again.
    assert services.requeue_stale(now=morning + timedelta(minutes=1)) == 1
    services.deliver(ids, now=morning + timedelta(minutes=1))
    assert len(mail.outbox) == 1
    assert not Delivery.objects.filter(sent_at=None).exists()


def test_channels_can_be_switched_off(tree: Any, people: dict[str, Any]) -> None:
    services.preference_set(actor=None, user=people["handler"], email=False, push=False)
    make_petition(tree.commune_a1, WED, assignee=people["handler"])
    services.sweep(today=WED, stale_after=None)
    services.deliver(list(Reminder.objects.values_list("pk", flat=True)))
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["in_app"]


def test_a_person_without_email_gets_no_email(tree: Any) -> None:
    UserFactory(
        username="noemail", email="", memberships=[(tree.commune_a1, Role.PETITION_HANDLER)]
    )
    make_petition(tree.commune_a1, WED)
    services.sweep(today=WED, stale_after=None)
    services.deliver(list(Reminder.objects.values_list("pk", flat=True)))
    assert sorted(Delivery.objects.values_list("channel", flat=True)) == ["in_app", "push"]


def test_sweep_queries_do_not_grow_with_items(
    tree: Any, people: dict[str, Any], count_queries: Any
) -> None:
    make_petition(tree.commune_a1, WED)
    services.sweep(today=WED, stale_after=None)  # warm the per-process caches (calendar, stages)
    Reminder.objects.all().delete()
    with count_queries() as one:
        services.sweep(today=WED, stale_after=None)
    Reminder.objects.all().delete()
    for _ in range(30):
        make_petition(tree.commune_a1, WED)
    with count_queries() as many:
        services.sweep(today=WED, stale_after=None)
    assert Reminder.objects.count() == 31 * 2
    # The calendar's freshness check reads its exceptions when another process (or a test's
    # petition) moved its version: a matter of timing, not of the number of items.
    assert len(_without_calendar(many)) == len(_without_calendar(one)), many


def _without_calendar(queries: Any) -> list[str]:
    return [
        q["sql"] for q in queries.captured_queries if "calendar_calendarexception" not in q["sql"]
    ]


def test_a_failing_mail_server_is_recorded_retried_and_bounded(
    tree: Any, people: dict[str, Any], settings: Any
) -> None:
    make_petition(tree.commune_a1, THU, assignee=people["handler"])
    services.sweep(today=WED, stale_after=None)
    ids = list(Reminder.objects.values_list("pk", flat=True))
    settings.EMAIL_BACKEND = "tests.notify.backends.DownBackend"
    with pytest.raises(ConnectionRefusedError):
        services.deliver(ids)  # the job fails, so Celery retries it with backoff
    email = Delivery.objects.get(channel="email")
    assert (email.status, email.attempts, email.sent_at) == ("failed", 1, None)
    assert "SMTP server unreachable" in email.last_error
    # The other channels did not wait for the mail server.
    assert Delivery.objects.filter(sent_at__isnull=False).count() == 2
    assert Reminder.objects.get().status == ReminderStatus.PENDING
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.deliver(ids)  # the retry
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 2, "")
    assert len(mail.outbox) == 1
    assert Reminder.objects.get().status == ReminderStatus.DONE


def test_a_delivery_that_always_fails_stops_after_its_attempts(
    tree: Any, people: dict[str, Any], settings: Any
) -> None:
    make_petition(tree.commune_a1, THU, assignee=people["handler"])
    services.sweep(today=WED, stale_after=None)
    ids = list(Reminder.objects.values_list("pk", flat=True))
    settings.EMAIL_BACKEND = "tests.notify.backends.DownBackend"
    for _ in range(services.MAX_ATTEMPTS):
        with pytest.raises(ConnectionRefusedError):
            services.deliver(ids)
    services.deliver(ids)  # nothing left to try: no error, the reminder is closed
    email = Delivery.objects.get(channel="email")
    assert (email.status, email.attempts) == ("failed", services.MAX_ATTEMPTS)
    assert Reminder.objects.get().status == ReminderStatus.DONE


def test_coordinating_units_are_reminded_on_their_own_date_until_they_report(
    tree: Any, cadre_a: Any, cadre_b: Any, supervisor: Any
) -> None:
    from tasks.models import TaskAssignment

    task = make_task(tree.commune_a1, tree.province_a, FRI)
    own = TaskAssignment.objects.create(
        task=task, unit=tree.commune_a2, role="coordinate", due_on=WED
    )
    board = TaskAssignment.objects.create(task=task, unit=tree.board_a, role="coordinate")
    board_cadre = UserFactory(username="board", memberships=[(tree.board_a, Role.COMMUNE_CADRE)])
    assert set(fired(TUE)) == {
        (f"task:{task.pk}", "before_3", 0, "cadre_a"),
        (f"task_assignment:{board.pk}", "before_3", 0, board_cadre.username),
        (f"task_assignment:{own.pk}", "before_1", 0, "cadre_b"),  # its own, earlier date
    }
    assert set(fired(THU)) == {
        (f"task:{task.pk}", "before_1", 0, "cadre_a"),
        (f"task_assignment:{board.pk}", "before_1", 0, board_cadre.username),
        (f"task_assignment:{own.pk}", "overdue_1", 0, "cadre_b"),
        (f"task_assignment:{own.pk}", "overdue_1", 0, "supervisor"),
    }
    # Once the board has reported its part, its pending reminder is obsolete.
    pending = Reminder.objects.get(item_key=f"task_assignment:{board.pk}", stage__code="before_1")
    board.reported_at = datetime(2026, 3, 12, 8, 0, tzinfo=HCM)
    board.report = "Đã phối hợp tuyên truyền"
    board.save()
    services.deliver([pending.pk])
    pending.refresh_from_db()
    assert pending.status == ReminderStatus.OBSOLETE
    assert fired(FRI) == [(f"task:{task.pk}", "due_today", 0, "cadre_a")]


def test_chunks_cover_every_due_item_once_in_id_order(tree: Any, people: dict[str, Any]) -> None:
    due = [make_petition(tree.commune_a1, WED) for _ in range(7)]
    later = make_petition(tree.commune_a1, WED + timedelta(days=30))
    ranges = [(WED, WED + timedelta(days=1))]
    provider = providers()["petition"]
    batches = [[item.key for item in batch] for batch in provider.items(ranges, chunk=3)]
    assert batches == [
        [f"petition:{p.pk}" for p in due[0:3]],
        [f"petition:{p.pk}" for p in due[3:6]],
        [f"petition:{p.pk}" for p in due[6:7]],
    ]
    assert f"petition:{later.pk}" not in [key for batch in batches for key in batch]
    # Through the sweep, with chunks smaller than the items: each one told once.
    result = services.sweep(today=WED, stale_after=None, chunk=2)
    assert result.items == 7
    assert Reminder.objects.count() == 7 * 2  # the unit's two handlers


def test_an_item_closed_between_chunks_is_left_out(tree: Any, people: dict[str, Any]) -> None:
    due = [make_petition(tree.commune_a1, WED) for _ in range(4)]
    ranges = [(WED, WED + timedelta(days=1))]
    batches = providers()["petition"].items(ranges, chunk=2)
    first = next(batches)
    Petition.objects.filter(pk=due[3].pk).update(status=Status.RESOLVED)
    rest = list(batches)
    assert [item.key for item in first] == [f"petition:{p.pk}" for p in due[:2]]
    assert [[item.key for item in batch] for batch in rest] == [[f"petition:{due[2].pk}"]]


def test_task_and_coordination_chunks_cover_every_item(tree: Any, people: dict[str, Any]) -> None:
    tasks = [make_task(tree.commune_a1, tree.province_a, WED) for _ in range(5)]
    ranges = [(WED, WED + timedelta(days=1))]
    batches = list(providers()["task"].items(ranges, chunk=2))
    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert [item.key for batch in batches for item in batch] == [f"task:{t.pk}" for t in tasks]


def test_coordination_chunks_merge_own_and_task_dates_in_id_order(
    tree: Any, people: dict[str, Any]
) -> None:
    from tasks.models import TaskAssignment

    # Alternately the coordination's own date and the task's: the two queries' rows interleave.
    coordinations = []
    for n in range(5):
        own = n % 2 == 0
        task = make_task(tree.commune_a1, tree.province_a, FRI if own else WED)
        coordinations.append(
            TaskAssignment.objects.create(
                task=task, unit=tree.commune_a2, role="coordinate", due_on=WED if own else None
            )
        )
    ranges = [(WED, WED + timedelta(days=1))]
    provider = providers()["task_assignment"]
    assert provider.count(ranges) == 5
    batches = list(provider.items(ranges, chunk=2))
    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert [item.key for batch in batches for item in batch] == [
        f"task_assignment:{c.pk}" for c in coordinations
    ]
    assert {item.deadline for batch in batches for item in batch} == {WED}


def test_delivery_queries_grow_only_by_each_emails_own_transaction(
    tree: Any, people: dict[str, Any], count_queries: Any
) -> None:
    now = datetime(2026, 3, 11, 9, 0, tzinfo=HCM)
    make_petition(tree.commune_a1, THU, assignee=people["handler"])
    services.sweep(today=WED, stale_after=None)
    one = list(Reminder.objects.values_list("pk", flat=True))
    for _ in range(5):
        make_petition(tree.commune_a1, THU, assignee=people["handler"])
    services.sweep(today=WED, stale_after=None)
    many = list(Reminder.objects.exclude(pk__in=one).values_list("pk", flat=True))
    assert len(many) == 5
    with count_queries() as for_one:
        services.deliver(one, now=now)
    with count_queries() as for_many:
        services.deliver(many, now=now)
    assert Delivery.objects.filter(sent_at__isnull=False).count() == 6 * 3
    # Each e-mail: its transaction (a savepoint inside the test's), the row lock, the mark.
    assert len(for_many) == len(for_one) + 4 * 4, for_many
