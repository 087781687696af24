"""Derived status, cascade, roll-up, approval and return, recurrence, conclusions -> tasks."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from danvan.core.errors import ServiceError
from danvan.org.loader import load_administrative_units
from danvan.org.models import Role, Unit, UnitLevel
from tasks import selectors, services
from tasks.models import (
    AssignmentRole,
    MeetingConclusion,
    MeetingKind,
    Recurrence,
    ReportState,
    Task,
    TaskEvent,
    TaskStatus,
)
from tests.factories import UserFactory
from tests.tasks.factories import make_task

D = datetime.date
DUE = D(2018, 12, 31)


def status_of(task: Task, today: D) -> str:
    """The status both ways (Python and SQL); they must agree."""
    in_sql = Task.objects.with_status(today=today).get(pk=task.pk).status
    in_python = Task.objects.get(pk=task.pk).status_on(today)
    assert in_sql == in_python
    return in_sql


def report(actor: Any, task: Task, percent: int, on: D | None = None, **kw: Any) -> Any:
    return services.progress_report_submit(
        actor=actor,
        task=task,
        text=f"Đã thực hiện {percent}%",
        percent=percent,
        reported_on=on,
        **kw,
    )


# --- Derived status on boundary dates --------------------------------------------------------
def test_status_before_any_report_is_not_started_until_the_day_after_the_deadline(
    task_a1: Task,
) -> None:
    assert status_of(task_a1, DUE - datetime.timedelta(days=1)) == TaskStatus.NOT_STARTED
    assert status_of(task_a1, DUE) == TaskStatus.NOT_STARTED  # due today: not yet overdue
    assert status_of(task_a1, DUE + datetime.timedelta(days=1)) == TaskStatus.OVERDUE


def test_status_with_progress(task_a1: Task, cadre_a: Any) -> None:
    report(cadre_a, task_a1, 40, on=D(2018, 9, 1))
    assert status_of(task_a1, DUE) == TaskStatus.IN_PROGRESS
    assert status_of(task_a1, DUE + datetime.timedelta(days=1)) == TaskStatus.OVERDUE


@pytest.mark.parametrize(
    ("done_on", "expected"),
    [
        (DUE - datetime.timedelta(days=1), TaskStatus.DONE_ON_TIME),
        (DUE, TaskStatus.DONE_ON_TIME),
        (DUE + datetime.timedelta(days=1), TaskStatus.DONE_LATE),
    ],
)
def test_done_on_time_or_late_by_the_date_of_the_approved_report(
    task_a1: Task, cadre_a: Any, supervisor: Any, done_on: D, expected: str
) -> None:
    report(cadre_a, task_a1, 100, on=done_on)
    waiting = TaskStatus.IN_PROGRESS if done_on <= DUE else TaskStatus.OVERDUE
    assert status_of(task_a1, done_on) == waiting  # reported done, waiting for approval
    services.task_approve(actor=supervisor, task=task_a1)
    # Whenever one looks, later on, the verdict stays the same.
    assert status_of(task_a1, done_on + datetime.timedelta(days=400)) == expected


def test_cancelled_wins(task_a1: Task, supervisor: Any) -> None:
    services.task_cancel(actor=supervisor, task=task_a1, reason="Trùng với nhiệm vụ khác")
    assert status_of(task_a1, DUE + datetime.timedelta(days=10)) == TaskStatus.CANCELLED


def test_lists_filter_by_status_in_sql(tree: Any, cadre_a: Any, supervisor: Any) -> None:
    late = make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1, due_on=D(2018, 1, 1))
    fresh = make_task(issuing_unit=tree.province_a, lead_unit=tree.commune_a1, due_on=DUE)
    overdue = Task.objects.with_status(today=D(2018, 7, 1)).filter(status=TaskStatus.OVERDUE)
    assert list(overdue.values_list("pk", flat=True)) == [late.pk]
    assert fresh.pk not in overdue.values_list("pk", flat=True)


# --- Approval and return -----------------------------------------------------------------------
def test_return_sends_the_completion_back_with_a_reason(
    task_a1: Task, cadre_a: Any, supervisor: Any
) -> None:
    first = report(cadre_a, task_a1, 100, on=D(2018, 12, 20))
    services.task_return(actor=supervisor, task=task_a1, reason="Thiếu biên bản sơ kết")
    first.refresh_from_db()
    task_a1.refresh_from_db()
    assert first.state == ReportState.RETURNED
    assert first.return_reason == "Thiếu biên bản sơ kết"
    assert task_a1.awaiting_approval is False
    assert task_a1.completed_on is None
    with pytest.raises(ServiceError):  # nothing left to approve until the unit reports again
        services.task_approve(actor=supervisor, task=task_a1)

    report(cadre_a, task_a1, 100, on=D(2019, 1, 3))
    services.task_approve(actor=supervisor, task=task_a1)
    task_a1.refresh_from_db()
    assert task_a1.completed_on == D(2019, 1, 3)
    assert status_of(task_a1, D(2019, 2, 1)) == TaskStatus.DONE_LATE
    actions = list(TaskEvent.objects.filter(task=task_a1).values_list("action", flat=True))
    assert actions == [
        "progress_reported",
        "returned",
        "progress_reported",
        "approved",
    ]


def test_only_the_issuer_approves(task_a1: Task, cadre_a: Any) -> None:
    report(cadre_a, task_a1, 100)
    with pytest.raises(ServiceError) as caught:
        services.task_approve(actor=cadre_a, task=task_a1)
    assert caught.value.status_code == 403


def test_a_sibling_cannot_report(task_a1: Task, cadre_b: Any) -> None:
    with pytest.raises(ServiceError) as caught:
        report(cadre_b, task_a1, 10)
    assert caught.value.status_code == 403
    assert not task_a1.progress_reports.exists()


def test_figures_are_checked(task_a1: Task, cadre_a: Any) -> None:
    saved = report(cadre_a, task_a1, 50, figures={"land_donated_m2": 16505, "workdays": 6300})
    assert saved.figures == {"land_donated_m2": 16505, "workdays": 6300}
    for bad in ({"land": 1}, {"workdays": -1}, {"workdays": "nhiều"}, {"workdays": True}):
        with pytest.raises(ServiceError) as caught:
            report(cadre_a, task_a1, 60, figures=bad)
        assert caught.value.field == "figures"


# --- Cascade and roll-up -------------------------------------------------------------------------
def test_cascade_gives_one_sub_task_per_commune_and_is_repeatable(
    tree: Any, supervisor: Any
) -> None:
    task = make_task(issuing_unit=tree.central, lead_unit=tree.province_a, due_on=DUE)
    children = services.task_cascade(actor=supervisor, task=task, level=UnitLevel.COMMUNE)
    assert {c.lead_unit_id for c in children} == {tree.commune_a1.pk, tree.commune_a2.pk}
    assert all(c.issuing_unit_id == tree.province_a.pk and c.due_on == DUE for c in children)
    assert set(Task.objects.get(pk=children[0].pk).assignments.values_list("unit_id", "role")) == {
        (children[0].lead_unit_id, AssignmentRole.LEAD)
    }
    assert services.task_cascade(actor=supervisor, task=task) == []
    assert task.children.count() == 2


def test_cascade_needs_the_lead_units_leader(tree: Any, cadre_a: Any) -> None:
    task = make_task(issuing_unit=tree.central, lead_unit=tree.province_a)
    with pytest.raises(ServiceError) as caught:
        services.task_cascade(actor=cadre_a, task=task)
    assert caught.value.status_code == 403


def test_parent_progress_rolls_up_from_children(tree: Any, supervisor: Any) -> None:
    cadre_1 = UserFactory(memberships=[(tree.commune_a1, Role.COMMUNE_CADRE)])
    cadre_2 = UserFactory(memberships=[(tree.commune_a2, Role.COMMUNE_CADRE)])
    task = make_task(issuing_unit=tree.central, lead_unit=tree.province_a, due_on=DUE)
    first, second = sorted(services.task_cascade(actor=supervisor, task=task), key=lambda t: t.pk)
    one = first if first.lead_unit_id == tree.commune_a1.pk else second
    two = second if one is first else first
    report(cadre_1, one, 100)
    report(cadre_2, two, 30)
    task.refresh_from_db()
    assert task.progress_percent == 65
    assert selectors.rollup_percent(task) == 65.0
    annotated = selectors.with_rollup(Task.objects.filter(pk=task.pk)).get()
    assert annotated.rollup_percent == 65.0
    assert status_of(task, D(2018, 8, 1)) == TaskStatus.IN_PROGRESS


def test_cascade_to_all_3321_communes_in_a_constant_number_of_queries(
    db: Any, count_queries: Any
) -> None:
    load_administrative_units()
    central = Unit.objects.get(code="TW")
    admin = UserFactory(memberships=[(central, Role.ADMINISTRATOR)])
    task = make_task(issuing_unit=central, lead_unit=central, title="Nhiệm vụ toàn quốc")
    from django.db import connection

    with count_queries() as queries:
        children = services.task_cascade(actor=admin, task=task, level=UnitLevel.COMMUNE)
    assert len(children) == 3321
    assert Task.objects.filter(parent=task).count() == 3321
    # Fixed work: savepoint, the task under its row lock (1), the actor's memberships (1),
    # units without a sub-task (1),
    # parent version, release. The rest (and the one event row) are INSERT batches: one per table on
    # PostgreSQL, at most 999 parameters each on SQLite (~34 tasks) — never one per unit.
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    others = len(queries) - len(inserts)
    assert others == 6, queries
    if connection.vendor == "postgresql":
        assert len(inserts) == 4, queries
    else:
        assert len(inserts) < 3321 // 20, len(inserts)
    print(f"cascade to 3321 communes: {len(queries)} queries ({connection.vendor})")


# --- Meetings -> tasks -------------------------------------------------------------------------
def test_conclusions_become_numbered_tasks_in_one_step(tree: Any, supervisor: Any) -> None:
    meeting = services.meeting_create(
        actor=supervisor,
        kind=MeetingKind.MID_TERM_REVIEW,
        title="Sơ kết giữa nhiệm kỳ",
        organising_unit=tree.board_a,
        starts_on=D(2018, 6, 27),
        conclusions=["Tiếp tục triển khai 66-CTr/TU", "Tăng cường dân vận chính quyền", " "],
    )
    assert list(meeting.conclusions.values_list("number", flat=True)) == [1, 2]
    tasks = services.meeting_conclusions_to_tasks(
        actor=supervisor,
        meeting=meeting,
        lead_unit=tree.board_a,
        coordinating_units=[tree.commune_a1],
        deadline=services.Deadline(period="6 tháng cuối năm 2018"),
    )
    assert [(t.number, t.title) for t in tasks] == [
        (1, "Tiếp tục triển khai 66-CTr/TU"),
        (2, "Tăng cường dân vận chính quyền"),
    ]
    assert all(
        (t.period_start, t.due_on, t.period_label)
        == (D(2018, 7, 1), D(2018, 12, 31), "6 tháng cuối năm 2018")
        for t in tasks
    )
    assert set(tasks[0].assignments.values_list("unit_id", "role")) == {
        (tree.board_a.pk, AssignmentRole.LEAD),
        (tree.commune_a1.pk, AssignmentRole.COORDINATE),
    }
    # Again: nothing new. A later conclusion becomes task 3.
    assert (
        services.meeting_conclusions_to_tasks(
            actor=supervisor, meeting=meeting, lead_unit=tree.board_a
        )
        == []
    )
    services.meeting_add_conclusion(actor=supervisor, meeting=meeting, text="Kỷ niệm 15/10")
    (third,) = services.meeting_conclusions_to_tasks(
        actor=supervisor, meeting=meeting, lead_unit=tree.board_a
    )
    assert third.number == 3
    assert MeetingConclusion.objects.get(meeting=meeting, number=3).tasks.get() == third


def test_a_cadre_cannot_turn_conclusions_into_tasks(
    tree: Any, supervisor: Any, cadre_a: Any
) -> None:
    meeting = services.meeting_create(
        actor=supervisor,
        kind=MeetingKind.BRIEFING,
        title="Giao ban",
        organising_unit=tree.province_a,
        conclusions=["Một"],
    )
    with pytest.raises(ServiceError):
        services.meeting_conclusions_to_tasks(
            actor=cadre_a, meeting=meeting, lead_unit=tree.commune_a1
        )
    assert not Task.objects.exists()


# --- Recurrence ----------------------------------------------------------------------------------
def test_yearly_anniversary_creates_next_year_once(tree: Any, supervisor: Any) -> None:
    task = services.task_create(
        actor=supervisor,
        title="Kỷ niệm Ngày truyền thống công tác dân vận (15/10)",
        issuing_unit=tree.province_a,
        lead_unit=tree.board_a,
        deadline=services.Deadline(due_on=D(2018, 10, 15)),
        recurrence=Recurrence.YEARLY,
    )
    assert list(services.recurring_tasks_needing_next(today=D(2018, 10, 1))) == [task]
    following = services.task_create_next_occurrence(actor=supervisor, task=task)
    assert following.due_on == D(2019, 10, 15)
    assert following.lead_unit == tree.board_a
    assert services.task_create_next_occurrence(actor=supervisor, task=task) == following
    assert list(services.recurring_tasks_needing_next(today=D(2018, 10, 1))) == []


def test_the_next_anniversary_counts_one_more_year_in_its_title(tree: Any, supervisor: Any) -> None:
    task = services.task_create(
        actor=supervisor,
        title="Tổ chức kỷ niệm 88 năm Ngày truyền thống công tác dân vận của Đảng "
        "(15/10/1930 – 15/10/2018)",
        issuing_unit=tree.province_a,
        lead_unit=tree.board_a,
        deadline=services.Deadline(due_on=D(2018, 10, 15)),
        recurrence=Recurrence.YEARLY,
    )
    following = services.task_create_next_occurrence(actor=supervisor, task=task)
    assert following.title == (
        "Tổ chức kỷ niệm 89 năm Ngày truyền thống công tác dân vận của Đảng "
        "(15/10/1930 – 15/10/2019)"
    )
    assert services.task_create_next_occurrence(actor=supervisor, task=following).title == (
        "Tổ chức kỷ niệm 90 năm Ngày truyền thống công tác dân vận của Đảng "
        "(15/10/1930 – 15/10/2020)"
    )


def test_six_monthly_report_moves_to_the_next_half_year(tree: Any, supervisor: Any) -> None:
    task = services.task_create(
        actor=supervisor,
        title="Báo cáo công tác dân vận 6 tháng cuối năm 2018 của người đứng đầu",
        issuing_unit=tree.province_a,
        lead_unit=tree.commune_a1,
        deadline=services.Deadline(period="6 tháng cuối năm 2018"),
        recurrence=Recurrence.SIX_MONTHLY,
    )
    nxt = services.task_create_next_occurrence(actor=supervisor, task=task)
    assert (nxt.period_start, nxt.due_on, nxt.period_label) == (
        D(2019, 1, 1),
        D(2019, 6, 30),
        "6 tháng đầu năm 2019",
    )
    # The title names the half-year too; "người đứng đầu" (the head) stays as it is.
    assert nxt.title == "Báo cáo công tác dân vận 6 tháng đầu năm 2019 của người đứng đầu"
    after = services.task_create_next_occurrence(actor=supervisor, task=nxt)
    assert (after.due_on, after.period_label) == (D(2019, 12, 31), "6 tháng cuối năm 2019")
    assert after.title == "Báo cáo công tác dân vận 6 tháng cuối năm 2019 của người đứng đầu"


def test_deadline_and_period_errors_name_the_field(tree: Any, supervisor: Any) -> None:
    with pytest.raises(ServiceError) as caught:
        services.task_create(
            actor=supervisor,
            title="X",
            issuing_unit=tree.province_a,
            lead_unit=tree.commune_a1,
            deadline=services.Deadline(period="sớm"),
        )
    assert caught.value.field == "period"
    assert not Task.objects.exists()


def test_daily_job_creates_due_occurrences_once(tree: Any, supervisor: Any) -> None:
    from tasks.jobs import create_next_occurrences

    services.task_create(
        actor=supervisor,
        title="Kỷ niệm 15/10",
        issuing_unit=tree.province_a,
        lead_unit=tree.board_a,
        deadline=services.Deadline(due_on=D(2018, 10, 15)),
        recurrence=Recurrence.YEARLY,
    )
    assert create_next_occurrences("2018-09-01") == 0  # more than 30 days ahead
    assert create_next_occurrences("2018-09-20") == 1
    assert create_next_occurrences("2018-09-20") == 0
    assert Task.objects.filter(due_on=D(2019, 10, 15)).count() == 1


def test_daily_job_resumes_a_schedule_that_fell_behind_at_the_current_occurrence(
    tree: Any, supervisor: Any
) -> None:
    from tasks.jobs import create_next_occurrences

    anniversary = services.task_create(
        actor=supervisor,
        title="Tổ chức kỷ niệm 88 năm Ngày truyền thống công tác dân vận (15/10/1930 – 15/10/2018)",
        issuing_unit=tree.province_a,
        lead_unit=tree.board_a,
        deadline=services.Deadline(due_on=D(2018, 10, 15)),
        recurrence=Recurrence.YEARLY,
    )
    report = services.task_create(
        actor=supervisor,
        title="Báo cáo 6 tháng cuối năm 2018",
        issuing_unit=tree.province_a,
        lead_unit=tree.commune_a1,
        deadline=services.Deadline(period="6 tháng cuối năm 2018"),
        recurrence=Recurrence.SIX_MONTHLY,
    )

    # Years later the job runs for the first time: one occurrence each, the current one.
    assert create_next_occurrences("2026-12-01") == 2
    following = Task.objects.get(previous_occurrence=anniversary)
    assert following.due_on == D(2027, 10, 15)
    assert following.title == (
        "Tổ chức kỷ niệm 97 năm Ngày truyền thống công tác dân vận (15/10/1930 – 15/10/2027)"
    )
    half = Task.objects.get(previous_occurrence=report)
    assert (half.period_start, half.due_on, half.period_label, half.title) == (
        D(2026, 7, 1),
        D(2026, 12, 31),
        "6 tháng cuối năm 2026",
        "Báo cáo 6 tháng cuối năm 2026",
    )
    # The next day only the half-year ending within 30 days gets its successor, as usual.
    assert create_next_occurrences("2026-12-02") == 1
    assert Task.objects.get(previous_occurrence=half).period_label == "6 tháng đầu năm 2027"
    assert create_next_occurrences("2026-12-02") == 0
    event = anniversary.events.get(action="next_occurrence_created")
    assert event.data == {"next": following.pk, "skipped_occurrences": 8}
    # Asked by hand, the next occurrence is still the very next one.
    assert services.task_create_next_occurrence(actor=supervisor, task=following).due_on == D(
        2028, 10, 15
    )


def test_a_coordinating_unit_reports_its_part_without_moving_the_task(
    tree: Any, cadre_b: Any
) -> None:
    task = make_task(
        issuing_unit=tree.province_a, lead_unit=tree.commune_a1, coordinating=[tree.commune_a2]
    )
    saved = report(cadre_b, task, 100)
    task.refresh_from_db()
    assert saved.unit == tree.commune_a2
    assert (task.progress_percent, task.awaiting_approval) == (0, False)
    part = task.assignments.get(unit=tree.commune_a2)
    assert part.report == "Đã thực hiện 100%" and part.reported_at is not None
    assert status_of(task, D(2018, 8, 1)) == TaskStatus.IN_PROGRESS


def test_roll_up_ignores_cancelled_sub_tasks(tree: Any, supervisor: Any) -> None:
    cadre_1 = UserFactory(memberships=[(tree.commune_a1, Role.COMMUNE_CADRE)])
    task = make_task(issuing_unit=tree.central, lead_unit=tree.province_a, due_on=DUE)
    children = {c.lead_unit_id: c for c in services.task_cascade(actor=supervisor, task=task)}
    report(cadre_1, children[tree.commune_a1.pk], 80)
    services.task_cancel(
        actor=supervisor, task=children[tree.commune_a2.pk], reason="Xã đã sáp nhập"
    )
    task.refresh_from_db()
    assert task.progress_percent == 80
    assert selectors.rollup_percent(task) == 80.0


def test_roll_up_leaves_out_a_deleted_sub_task(tree: Any, supervisor: Any) -> None:
    cadre_1 = UserFactory(memberships=[(tree.commune_a1, Role.COMMUNE_CADRE)])
    task = make_task(issuing_unit=tree.central, lead_unit=tree.province_a, due_on=DUE)
    children = {c.lead_unit_id: c for c in services.task_cascade(actor=supervisor, task=task)}
    report(cadre_1, children[tree.commune_a1.pk], 80)
    task.refresh_from_db()
    assert task.progress_percent == 40
    version = task.version
    services.task_delete(actor=supervisor, task=children[tree.commune_a2.pk])
    task.refresh_from_db()
    assert task.progress_percent == 80 == selectors.rollup_percent(task)
    assert task.version == version + 1  # phones holding the parent learn of it
