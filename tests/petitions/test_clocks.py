"""The legal clocks: computed from the policies and the working-day calendar, never typed."""

from datetime import date

import pytest

from danvan.calendar import services as calendar_services
from danvan.calendar.models import DayUnit
from petitions import clock, selectors, services
from petitions.models import (
    Complexity,
    DeadlinePolicy,
    DeadlineState,
    PetitionKind,
    Stage,
)
from tests.petitions.factories import PetitionFactory


def accept(petition, actor, on):
    return services.petition_accept(
        actor=actor, petition=petition, reason="Đủ điều kiện", accepted_on=on, today=on
    )


def test_processing_clock_skips_tet_2026(tree, handler_a):
    # Friday 13/02/2026; Tết is Mon 16 – Fri 20/02, so ten working days end on 06/03.
    petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.RECOMMENDATION,
        received_on=date(2026, 2, 13),
    )

    assert petition.clock_stage == Stage.PROCESSING
    assert petition.due_date == date(2026, 3, 6)


def test_complaint_acceptance_clock_skips_tet_2027(tree, handler_a):
    # Wed 03/02/2027; Tết 2027 is Thu 04 – Wed 10/02: 10 working days end Wed 24/02.
    petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.COMPLAINT,
        received_on=date(2027, 2, 3),
        today=date(2027, 2, 3),
    )

    assert petition.clock_stage == Stage.ACCEPTANCE
    assert petition.due_date == date(2027, 2, 24)


def test_swapped_saturday_counts_as_a_working_day(tree, handler_a):
    # 2026: Saturday 22/08 is worked in exchange for Monday 31/08 off; 01–02/09 National Day.
    petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.FEEDBACK,
        received_on=date(2026, 8, 20),
    )

    # 21, Sat 22, 24–28 (7), 3, 4 and 7 September.
    assert petition.due_date == date(2026, 9, 7)


def test_first_complaint_calendar_days_end_on_holiday_move_to_next_working_day(tree, handler_a):
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1, received_on=date(2026, 3, 25))

    accept(petition, handler_a, date(2026, 4, 1))
    petition.refresh_from_db()

    # 01/04 + 30 days = Fri 01/05 (Labour Day), then the weekend: Monday 04/05.
    assert petition.clock_stage == Stage.RESOLVE
    assert petition.due_date == date(2026, 5, 4)


@pytest.mark.parametrize(
    ("complexity", "remote", "second", "days_to_due"),
    [
        (Complexity.NORMAL, False, False, 30),
        (Complexity.COMPLEX, False, False, 45),
        (Complexity.NORMAL, True, False, 45),
        (Complexity.ESPECIALLY_COMPLEX, True, False, 60),
    ],
)
def test_first_complaint_limits_follow_complexity_and_remoteness(
    tree, handler_a, complexity, remote, second, days_to_due
):
    petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        received_on=date(2026, 6, 1),
        complexity=complexity,
        is_remote_area=remote,
    )
    accept(petition, handler_a, date(2026, 6, 1))
    petition.refresh_from_db()

    expected = clock.deadline(date(2026, 6, 1), days_to_due, DayUnit.CALENDAR)
    assert petition.due_date == expected
    assert (petition.due_date - date(2026, 6, 1)).days >= days_to_due


def test_second_complaint_runs_on_the_second_instance_clock(tree, handler_a):
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1, received_on=date(2026, 3, 2))
    accept(petition, handler_a, date(2026, 3, 3))
    services.petition_resolve(
        actor=handler_a,
        petition=petition,
        result="wrong",
        answer=services.AnswerInput(number="12/QĐ-UBND", issued_on=date(2026, 3, 20), signer="A"),
        today=date(2026, 3, 20),
    )
    services.petition_reopen_second_complaint(
        actor=handler_a,
        petition=petition,
        reason="Công dân khiếu nại lần hai",
        received_on=date(2026, 4, 1),
        today=date(2026, 4, 1),
    )
    accept(petition, handler_a, date(2026, 4, 6))
    petition.refresh_from_db()

    assert petition.instance == 2
    assert petition.clock_stage == Stage.RESOLVE_SECOND
    # 06/04 + 45 days = Thu 21/05/2026.
    assert petition.due_date == date(2026, 5, 21)


def test_denunciation_check_clock_is_longer_with_several_places(tree, handler_a):
    one = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        received_on=date(2026, 3, 2),
    )
    several = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        received_on=date(2026, 3, 2),
        several_places=True,
    )

    assert one.due_date == date(2026, 3, 11)  # 7 working days
    assert several.due_date == date(2026, 3, 16)  # 10 working days


def test_suspension_stops_the_clock(tree, handler_a):
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1, received_on=date(2026, 3, 2))
    accept(petition, handler_a, date(2026, 3, 3))
    petition.refresh_from_db()
    assert petition.due_date == date(2026, 4, 2)

    services.petition_suspend(
        actor=handler_a, petition=petition, reason="Chờ giám định", suspended_on=date(2026, 3, 10)
    )
    petition.refresh_from_db()
    assert selectors.deadline_info(petition, today=date(2026, 4, 20)).state == DeadlineState.PAUSED

    services.petition_resume(
        actor=handler_a, petition=petition, reason="Đã có kết quả", resumed_on=date(2026, 3, 20)
    )
    petition.refresh_from_db()

    # Ten days (10–19/03) not counted: 12/04 is a Sunday, so Monday 13/04.
    assert petition.due_date == date(2026, 4, 13)
    assert petition.status == "accepted"


def test_especially_complex_denunciation_may_be_extended_twice(tree, handler_a, leader_a1):
    petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        complexity=Complexity.ESPECIALLY_COMPLEX,
        received_on=date(2026, 3, 2),
    )
    accept(petition, handler_a, date(2026, 3, 3))
    petition.refresh_from_db()
    assert petition.due_date == date(2026, 4, 2)

    services.petition_extend(
        actor=leader_a1, petition=petition, days=30, decision_number="1/QĐ-GH", reason="Phức tạp"
    )
    petition.refresh_from_db()
    # 03/03 + 60 = Sat 02/05, then Sunday: Monday 04/05.
    assert petition.due_date == date(2026, 5, 4)

    services.petition_extend(
        actor=leader_a1, petition=petition, days=30, decision_number="2/QĐ-GH", reason="Phức tạp"
    )
    petition.refresh_from_db()
    assert petition.due_date == date(2026, 6, 1)

    with pytest.raises(services.ServiceError) as refused:
        services.petition_extend(
            actor=leader_a1, petition=petition, days=10, decision_number="3/QĐ-GH", reason="x"
        )
    assert refused.value.status_code == 409
    assert refused.value.field == "days"
    petition.refresh_from_db()
    assert petition.due_date == date(2026, 6, 1)
    assert petition.extensions.count() == 2


def test_complex_denunciation_gets_one_extension_and_normal_none(tree, handler_a, leader_a1):
    complex_ = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        complexity=Complexity.COMPLEX,
    )
    normal = PetitionFactory(actor=handler_a, unit=tree.commune_a1, kind=PetitionKind.DENUNCIATION)
    for petition in (complex_, normal):
        accept(petition, handler_a, date(2026, 3, 3))

    services.petition_extend(
        actor=leader_a1, petition=complex_, days=30, decision_number="1/QĐ", reason="Phức tạp"
    )
    with pytest.raises(services.ServiceError) as second:
        services.petition_extend(
            actor=leader_a1, petition=complex_, days=30, decision_number="2/QĐ", reason="x"
        )
    with pytest.raises(services.ServiceError) as none:
        services.petition_extend(
            actor=leader_a1, petition=normal, days=30, decision_number="1/QĐ", reason="x"
        )
    with pytest.raises(services.ServiceError) as too_long:
        services.petition_extend(
            actor=leader_a1,
            petition=PetitionFactory(
                actor=handler_a,
                unit=tree.commune_a1,
                kind=PetitionKind.DENUNCIATION,
                complexity=Complexity.COMPLEX,
            ),
            days=31,
            decision_number="1/QĐ",
            reason="x",
        )

    assert second.value.status_code == 409
    assert none.value.status_code == 409
    assert too_long.value.status_code in (400, 409)


def test_extension_needs_the_leaders_permission(tree, handler_a):
    petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        complexity=Complexity.COMPLEX,
    )
    accept(petition, handler_a, date(2026, 3, 3))

    with pytest.raises(services.ServiceError) as refused:
        services.petition_extend(
            actor=handler_a, petition=petition, days=30, decision_number="1/QĐ", reason="x"
        )

    assert refused.value.status_code == 403


def test_a_new_day_off_recomputes_the_open_deadlines_it_touches(tree, handler_a, administrator):
    touched = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.RECOMMENDATION,
        received_on=date(2026, 3, 2),
    )
    untouched = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.RECOMMENDATION,
        received_on=date(2026, 3, 20),
    )
    assert touched.due_date == date(2026, 3, 16)
    before_untouched = untouched.due_date

    exception = calendar_services.calendar_exception_add(
        actor=administrator, day=date(2026, 3, 10), kind="day_off", name="Nghỉ bù (thử)"
    )
    touched.refresh_from_db()
    untouched.refresh_from_db()

    assert touched.due_date == date(2026, 3, 17)
    assert untouched.due_date == before_untouched
    assert exception.deadlines_changed == 1
    assert touched.events.filter(action="deadline_recomputed").exists()


def test_a_swapped_working_saturday_brings_a_deadline_forward(tree, handler_a, administrator):
    petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.RECOMMENDATION,
        received_on=date(2026, 3, 2),
    )

    calendar_services.calendar_exception_add(
        actor=administrator, day=date(2026, 3, 7), kind="working_day", name="Làm bù thứ Bảy"
    )
    petition.refresh_from_db()

    assert petition.due_date == date(2026, 3, 13)


def test_unit_policy_overrides_the_default_for_its_subtree(tree, handler_a, handler_a2):
    DeadlinePolicy.objects.create(
        kind=PetitionKind.FEEDBACK,
        stage=Stage.PROCESSING,
        unit=tree.commune_a1,
        amount=5,
        day_unit=DayUnit.WORKING,
    )
    mine = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.FEEDBACK,
        received_on=date(2026, 3, 2),
    )
    sibling = PetitionFactory(
        actor=handler_a2,
        unit=tree.commune_a2,
        kind=PetitionKind.FEEDBACK,
        received_on=date(2026, 3, 2),
    )

    assert mine.due_date == date(2026, 3, 9)
    assert sibling.due_date == date(2026, 3, 16)


@pytest.mark.parametrize(
    ("today", "state", "left"),
    [
        (date(2026, 3, 2), DeadlineState.ON_TIME, 10),
        (date(2026, 3, 11), DeadlineState.DUE_SOON, 3),
        (date(2026, 3, 16), DeadlineState.DUE_SOON, 0),
        (date(2026, 3, 17), DeadlineState.OVERDUE, -1),
    ],
)
def test_deadline_state_and_working_days_left(tree, handler_a, today, state, left):
    petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.RECOMMENDATION,
        received_on=date(2026, 3, 2),
    )

    info = selectors.deadline_info(petition, today=today)
    in_filter = selectors.filter_deadline_state(
        selectors.petitions_visible_to(handler_a), state, today=today
    )

    assert (info.state, info.working_days_left) == (state, left)
    assert list(in_filter) == [petition]


def test_calendar_day_deadline_falling_in_tet_2027_moves_after_tet(tree, handler_a):
    petition = PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, received_on=date(2027, 1, 4), today=date(2027, 1, 6)
    )
    services.petition_accept(
        actor=handler_a,
        petition=petition,
        reason="Thụ lý",
        accepted_on=date(2027, 1, 6),
        today=date(2027, 1, 6),
    )
    petition.refresh_from_db()

    # 06/01 + 30 days = Fri 05/02/2027, inside Tết (04–10/02): the next working day, Thu 11/02.
    assert petition.due_date == date(2027, 2, 11)
