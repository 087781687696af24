"""Intake and every workflow transition, through the services."""

import threading
import uuid
from datetime import date

import pytest
from django.db import connection

from petitions import services
from petitions.models import (
    Channel,
    IdentityAccessLog,
    LinkKind,
    Petition,
    Petitioner,
    PetitionEvent,
    PetitionKind,
    Status,
    citizen_id_hash,
)
from tests.petitions.factories import PetitionFactory

ANSWER = services.AnswerInput(number="15/QĐ-UBND", issued_on=date(2026, 3, 20), signer="Chủ tịch")


def data(unit, **overrides):
    values = {
        "receiving_unit": unit,
        "location_unit": unit,
        "received_on": date(2026, 3, 2),
        "channel": Channel.RECEPTION,
        "kind": PetitionKind.COMPLAINT,
        "summary": "Khiếu nại về đất đai",
        "petitioners": [services.PetitionerInput(full_name="Nguyễn Văn Nam")],
    }
    values.update(overrides)
    return services.PetitionData(**values)


# --- Intake ------------------------------------------------------------------------------------
def test_codes_run_per_receiving_unit_and_year(tree, handler_a, handler_a2):
    first = PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    second = PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    other_unit = PetitionFactory(actor=handler_a2, unit=tree.commune_a2)
    next_year = PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, received_on=date(2027, 1, 4), today=date(2027, 1, 4)
    )

    assert [first.code, second.code] == ["DT-2026-000001", "DT-2026-000002"]
    assert other_unit.code == "DT-2026-000001"
    assert next_year.code == "DT-2027-000001"


def test_a_refused_intake_uses_no_number(tree, handler_a):
    PetitionFactory(actor=handler_a, unit=tree.commune_a1)
    with pytest.raises(services.ServiceError):
        services.petition_create(
            actor=handler_a, data=data(tree.commune_a1, summary=""), today=date(2026, 3, 2)
        )
    after = PetitionFactory(actor=handler_a, unit=tree.commune_a1)

    assert after.code == "DT-2026-000002"


def test_same_client_id_twice_gives_one_petition(tree, handler_a):
    client_id = uuid.uuid4()
    first, created = services.petition_create(
        actor=handler_a, data=data(tree.commune_a1), client_id=client_id, today=date(2026, 3, 2)
    )
    again, created_again = services.petition_create(
        actor=handler_a, data=data(tree.commune_a1), client_id=client_id, today=date(2026, 3, 2)
    )

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Petition.objects.count() == 1


def test_someone_elses_client_id_is_a_conflict(tree, handler_a, handler_a2):
    client_id = uuid.uuid4()
    services.petition_create(
        actor=handler_a, data=data(tree.commune_a1), client_id=client_id, today=date(2026, 3, 2)
    )

    with pytest.raises(services.ServiceError) as refused:
        services.petition_create(
            actor=handler_a2,
            data=data(tree.commune_a2),
            client_id=client_id,
            today=date(2026, 3, 2),
        )

    assert refused.value.status_code == 409
    assert Petition.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"received_on": date(2026, 3, 3)}, "received_on"),
        ({"summary": "  "}, "summary"),
        (
            {"petitioners": [services.PetitionerInput(full_name="A", citizen_id="12345")]},
            "petitioners.0.citizen_id",
        ),
        (
            {"petitioners": [services.PetitionerInput(full_name="A", phone="12")]},
            "petitioners.0.phone",
        ),
        ({"petitioners": []}, "petitioners"),
        ({"is_eligible": False}, "ineligibility_reason"),
        ({"is_collective": True, "head_count": 1}, "head_count"),
        ({"kind": "nonsense"}, "kind"),
        ({"latitude": 11}, "latitude"),
    ],
)
def test_bad_intake_names_the_field_and_saves_nothing(tree, handler_a, overrides, field):
    with pytest.raises(services.ServiceError) as refused:
        services.petition_create(
            actor=handler_a, data=data(tree.commune_a1, **overrides), today=date(2026, 3, 2)
        )

    assert refused.value.field == field
    assert refused.value.status_code == 400
    assert not Petition.objects.exists()
    assert not Petitioner.objects.exists()


def test_out_of_scope_unit_is_refused(tree, handler_a):
    for field in ("receiving_unit", "location_unit", "handling_unit"):
        overrides = {field: tree.commune_a2}
        with pytest.raises(services.ServiceError) as refused:
            services.petition_create(
                actor=handler_a, data=data(tree.commune_a1, **overrides), today=date(2026, 3, 2)
            )
        assert refused.value.field == field
    assert not Petition.objects.exists()


def test_petitioners_are_recognised_by_cccd_or_name_and_phone(tree, handler_a):
    by_id = [services.PetitionerInput(full_name="Nguyễn Văn Nam", citizen_id="068090001234")]
    by_phone = [services.PetitionerInput(full_name="Trần Thị Lan", phone="0912 345 678")]
    PetitionFactory(actor=handler_a, unit=tree.commune_a1, petitioners=by_id)
    PetitionFactory(actor=handler_a, unit=tree.commune_a1, petitioners=by_phone)
    PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        petitioners=[
            services.PetitionerInput(full_name="NGUYEN VAN NAM", citizen_id="068090001234")
        ],
    )
    PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        petitioners=[services.PetitionerInput(full_name="tran thi lan", phone="+84912345678")],
    )

    assert Petitioner.objects.count() == 2
    assert (
        Petitioner.objects.get(citizen_id_hash=citizen_id_hash("068090001234")).parties.count() == 2
    )


def test_search_text_leaves_out_denouncers_names(tree, handler_a):
    complaint = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        petitioners=[services.PetitionerInput(full_name="Lê Thị Mai")],
    )
    denunciation = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        petitioners=[services.PetitionerInput(full_name="Lê Thị Mai")],
    )

    assert "le thi mai" in complaint.search_text
    assert "mai" not in denunciation.search_text


def test_reception_session_entries_become_petitions(tree, cadre_a):
    session = services.reception_session_create(
        actor=cadre_a,
        unit=tree.commune_a1,
        held_on=date(2026, 3, 2),
        leader_name="Phó Chủ tịch UBND xã",
        citizens_count=2,
        today=date(2026, 3, 2),
    )
    petition, _created = services.petition_create(
        actor=cadre_a,
        data=data(
            None, location_unit=tree.commune_a1, channel=Channel.POST, reception_session=session.pk
        ),
        today=date(2026, 3, 2),
    )

    assert petition.reception_session == session
    assert petition.receiving_unit == tree.commune_a1
    assert petition.channel == Channel.RECEPTION


@pytest.mark.django_db(transaction=True)
def test_concurrent_intake_gets_distinct_consecutive_codes(tree, handler_a):
    errors: list[BaseException] = []

    def intake():
        try:
            for _ in range(5):
                services.petition_create(
                    actor=handler_a, data=data(tree.commune_a1), today=date(2026, 3, 2)
                )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=intake) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    codes = sorted(Petition.objects.values_list("code", flat=True))
    assert not errors
    assert codes == [f"DT-2026-{n:06d}" for n in range(1, 21)]


# --- Transitions ------------------------------------------------------------------------------
@pytest.fixture
def petition(tree, handler_a):
    return PetitionFactory(actor=handler_a, unit=tree.commune_a1, received_on=date(2026, 3, 2))


def statuses(petition):
    return list(
        PetitionEvent.objects.filter(petition=petition).values_list("action", "to_status", "reason")
    )


def test_happy_path_received_to_closed(petition, handler_a):
    services.petition_accept(
        actor=handler_a,
        petition=petition,
        reason="Đủ điều kiện",
        accepted_on=date(2026, 3, 3),
        today=date(2026, 3, 3),
    )
    services.petition_start_resolution(actor=handler_a, petition=petition, reason="Xác minh")
    services.petition_resolve(
        actor=handler_a,
        petition=petition,
        result="partly_right",
        answer=ANSWER,
        today=date(2026, 3, 20),
    )
    services.petition_close(actor=handler_a, petition=petition, reason="Đã thi hành")
    petition.refresh_from_db()

    assert petition.status == Status.CLOSED
    assert petition.result == "partly_right"
    assert petition.finished_on == date(2026, 3, 20)
    assert petition.finished_on_time is True
    assert petition.answers.get().number == "15/QĐ-UBND"
    assert [a for a, _s, _r in statuses(petition)] == [
        "created",
        "accepted",
        "resolution_started",
        "resolved",
        "closed",
    ]
    assert petition.version == 5


def test_resolved_late_is_recorded_as_not_on_time(petition, handler_a):
    services.petition_accept(
        actor=handler_a,
        petition=petition,
        reason="ok",
        accepted_on=date(2026, 3, 3),
        today=date(2026, 3, 3),
    )
    late = services.AnswerInput(number="1/QĐ", issued_on=date(2026, 4, 10), signer="A")
    services.petition_resolve(
        actor=handler_a, petition=petition, result="right", answer=late, today=date(2026, 4, 10)
    )
    petition.refresh_from_db()

    assert petition.finished_on_time is False


@pytest.mark.parametrize(
    ("call", "to_status"),
    [
        (
            lambda p, a: services.petition_guide(
                actor=a,
                petition=p,
                reason="Không thuộc thẩm quyền",
                competent_body="Tòa án nhân dân khu vực",
            ),
            Status.GUIDED,
        ),
        (
            lambda p, a: services.petition_return_papers(
                actor=a, petition=p, reason="Trả bản gốc giấy tờ"
            ),
            Status.PAPERS_RETURNED,
        ),
        (
            lambda p, a: services.petition_file(
                actor=a, petition=p, reason="Đơn không đủ điều kiện"
            ),
            Status.FILED,
        ),
    ],
)
def test_processing_outcomes_end_the_clock(petition, handler_a, call, to_status):
    call(petition, handler_a)
    petition.refresh_from_db()

    assert petition.status == to_status
    assert petition.finished_on is not None
    assert statuses(petition)[-1][1] == to_status


def test_file_as_duplicate_links_in_one_step(tree, petition, handler_a):
    later = PetitionFactory(actor=handler_a, unit=tree.commune_a1)

    services.petition_file(
        actor=handler_a, petition=later, reason="Trùng đơn đã giải quyết", duplicate_of=petition.pk
    )
    later.refresh_from_db()

    assert later.status == Status.FILED
    assert later.links.get().target == petition
    assert later.links.get().kind == LinkKind.DUPLICATE_OF


def test_transfer_gives_the_receiver_a_deadline_and_the_result_comes_back(
    tree, petition, handler_a, handler_a2
):
    services.petition_transfer(
        actor=handler_a,
        petition=petition,
        to_unit=tree.commune_a2,
        reason="Thuộc thẩm quyền xã Hàm Thuận Bắc",
        due_on=date(2026, 3, 20),
        today=date(2026, 3, 3),
    )
    petition.refresh_from_db()
    assert petition.status == Status.TRANSFERRED
    assert petition.handling_unit == tree.commune_a2
    assert petition.due_date == date(2026, 3, 20)

    # The sender can no longer act on it; the receiver can.
    with pytest.raises(services.ServiceError) as refused:
        services.petition_accept(
            actor=handler_a, petition=petition, reason="x", today=date(2026, 3, 4)
        )
    assert refused.value.status_code == 403

    services.petition_report_transfer(
        actor=handler_a2,
        petition=petition,
        result="Đã giải quyết, trả lời công dân",
        today=date(2026, 3, 18),
    )
    petition.refresh_from_db()
    transfer = petition.transfers.get()
    assert transfer.reported_on == date(2026, 3, 18)
    assert transfer.result == "Đã giải quyết, trả lời công dân"
    assert petition.status == Status.CLOSED
    assert petition.finished_on_time is True


def test_transfer_without_a_date_takes_the_policy(tree, petition, handler_a):
    services.petition_transfer(
        actor=handler_a,
        petition=petition,
        to_unit=tree.commune_a2,
        reason="x",
        today=date(2026, 3, 2),
    )
    petition.refresh_from_db()

    assert petition.due_date == date(2026, 3, 16)


def test_transferred_and_accepted_then_resolved_reports_back_automatically(
    tree, petition, handler_a, handler_a2
):
    services.petition_transfer(
        actor=handler_a,
        petition=petition,
        to_unit=tree.commune_a2,
        reason="x",
        today=date(2026, 3, 2),
    )
    services.petition_accept(
        actor=handler_a2,
        petition=petition,
        reason="Thụ lý",
        accepted_on=date(2026, 3, 4),
        today=date(2026, 3, 4),
    )
    services.petition_resolve(
        actor=handler_a2, petition=petition, result="right", answer=ANSWER, today=date(2026, 3, 20)
    )

    transfer = petition.transfers.get()
    assert transfer.reported_on == date(2026, 3, 20)
    assert transfer.result


def test_assign_to_a_person_of_the_handling_unit_only(
    tree, petition, handler_a, handler_a2, cadre_a
):
    services.petition_assign(actor=handler_a, petition=petition, assignee=cadre_a.pk)
    petition.refresh_from_db()
    assert petition.assignee == cadre_a

    with pytest.raises(services.ServiceError) as refused:
        services.petition_assign(actor=handler_a, petition=petition, assignee=handler_a2.pk)
    assert refused.value.field == "assignee"


INVALID = [
    (
        "start_resolution",
        lambda p, a: services.petition_start_resolution(actor=a, petition=p, reason="x"),
    ),
    (
        "resolve",
        lambda p, a: services.petition_resolve(actor=a, petition=p, result="right", answer=ANSWER),
    ),
    ("close", lambda p, a: services.petition_close(actor=a, petition=p, reason="x")),
    (
        "reopen",
        lambda p, a: services.petition_reopen_second_complaint(actor=a, petition=p, reason="x"),
    ),
    ("resume", lambda p, a: services.petition_resume(actor=a, petition=p, reason="x")),
    ("suspend", lambda p, a: services.petition_suspend(actor=a, petition=p, reason="x")),
    (
        "report_transfer",
        lambda p, a: services.petition_report_transfer(actor=a, petition=p, result="x"),
    ),
]


@pytest.mark.parametrize(("name", "call"), INVALID, ids=[n for n, _c in INVALID])
def test_transitions_not_allowed_from_received_are_409_and_change_nothing(
    petition, handler_a, name, call
):
    with pytest.raises(services.ServiceError) as refused:
        call(petition, handler_a)
    petition.refresh_from_db()

    assert refused.value.status_code == 409
    assert "“Đã tiếp nhận”" in refused.value.message
    assert petition.status == Status.RECEIVED
    assert petition.version == 1
    assert PetitionEvent.objects.filter(petition=petition).count() == 1


def test_closed_petition_cannot_be_accepted_again(petition, handler_a):
    services.petition_file(actor=handler_a, petition=petition, reason="x")
    services.petition_close(actor=handler_a, petition=petition, reason="x")

    with pytest.raises(services.ServiceError) as refused:
        services.petition_accept(actor=handler_a, petition=petition, reason="x")

    assert refused.value.status_code == 409


def test_only_complaints_reopen_as_second_complaint(tree, handler_a):
    petition = PetitionFactory(actor=handler_a, unit=tree.commune_a1, kind=PetitionKind.FEEDBACK)
    services.petition_file(actor=handler_a, petition=petition, reason="x")

    with pytest.raises(services.ServiceError) as refused:
        services.petition_reopen_second_complaint(actor=handler_a, petition=petition, reason="x")

    assert refused.value.status_code == 409


def test_transition_needs_a_reason(petition, handler_a):
    with pytest.raises(services.ServiceError) as refused:
        services.petition_file(actor=handler_a, petition=petition, reason=" ")

    assert refused.value.field == "reason"


def test_commune_cadre_cannot_move_petitions(petition, cadre_a):
    with pytest.raises(services.ServiceError) as refused:
        services.petition_accept(actor=cadre_a, petition=petition, reason="x")

    assert refused.value.status_code == 403


def test_stale_version_is_refused_and_nothing_changes(petition, handler_a):
    services.petition_assign(
        actor=handler_a, petition=petition, assignee=handler_a.pk, expected_version=1
    )

    with pytest.raises(services.ServiceError) as refused:
        services.petition_accept(actor=handler_a, petition=petition, reason="x", expected_version=1)
    petition.refresh_from_db()

    assert refused.value.status_code == 412
    assert petition.status == Status.RECEIVED


def test_identity_reveal_is_logged_and_limited(tree, handler_a, identity_officer):
    petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        kind=PetitionKind.DENUNCIATION,
        petitioners=[services.PetitionerInput(full_name="Lê Thị Mai", citizen_id="068190004321")],
    )

    with pytest.raises(services.ServiceError) as refused:
        services.identity_reveal(actor=handler_a, petition=petition, reason="Xác minh")
    people = services.identity_reveal(actor=identity_officer, petition=petition, reason="Xác minh")

    assert refused.value.status_code == 403
    assert [p.full_name for p in people] == ["Lê Thị Mai"]
    log = IdentityAccessLog.objects.get()
    assert (log.user, log.petition, log.reason) == (identity_officer, petition, "Xác minh")


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_client_id_make_one_petition(tree, handler_a):
    client_id = uuid.uuid4()
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def intake():
        try:
            petition, created = services.petition_create(
                actor=handler_a,
                data=data(tree.commune_a1),
                client_id=client_id,
                today=date(2026, 3, 2),
            )
            results.append((petition.pk, created))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=intake) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert len({pk for pk, _created in results}) == 1
    assert [created for _pk, created in results].count(True) == 1
    assert Petition.objects.count() == 1


# --- What a user may do now ---------------------------------------------------------------------
def test_actions_available_follow_status_unit_and_permission(
    tree, petition, handler_a, handler_a2, cadre_a, supervisor
):
    assert services.actions_available_to(handler_a, petition) == [
        "accept",
        "guide",
        "transfer",
        "return_papers",
        "file",
        "assign",
        "update",
    ]
    assert services.actions_available_to(cadre_a, petition) == []  # no handle_petition
    assert services.actions_available_to(handler_a2, petition) == []  # a sibling's petition
    services.petition_accept(actor=handler_a, petition=petition, reason="Thụ lý")
    petition.refresh_from_db()
    # A complaint's resolution clock allows no extension: not offered, even to a supervisor.
    assert "extend" not in services.actions_available_to(supervisor, petition)
    assert "start_resolution" in services.actions_available_to(handler_a, petition)


def test_extension_offered_while_the_policy_allows_one_and_to_those_who_may(
    tree, handler_a, leader_a1
):
    denunciation = PetitionFactory(
        actor=handler_a, unit=tree.commune_a1, kind=PetitionKind.DENUNCIATION, complexity="complex"
    )
    services.petition_accept(actor=handler_a, petition=denunciation, reason="Thụ lý")
    denunciation.refresh_from_db()
    assert "extend" not in services.actions_available_to(handler_a, denunciation)
    assert "extend" in services.actions_available_to(leader_a1, denunciation)

    services.petition_extend(
        actor=leader_a1, petition=denunciation, days=30, decision_number="1/QĐ", reason="Phức tạp"
    )
    denunciation.refresh_from_db()

    assert "extend" not in services.actions_available_to(leader_a1, denunciation)


def test_reopen_offered_for_a_first_complaint_only(tree, petition, handler_a):
    answer = services.AnswerInput(number="1/TL", issued_on=date(2026, 3, 20), signer="Chủ tịch")
    services.petition_accept(
        actor=handler_a, petition=petition, reason="Thụ lý", today=date(2026, 3, 3)
    )
    services.petition_resolve(
        actor=handler_a, petition=petition, result="wrong", answer=answer, today=date(2026, 3, 20)
    )
    petition.refresh_from_db()
    assert "reopen" in services.actions_available_to(handler_a, petition)

    services.petition_reopen_second_complaint(
        actor=handler_a, petition=petition, reason="Lần hai", today=date(2026, 4, 1)
    )
    services.petition_accept(
        actor=handler_a, petition=petition, reason="Thụ lý", today=date(2026, 4, 2)
    )
    services.petition_resolve(
        actor=handler_a,
        petition=petition,
        result="wrong",
        answer=services.AnswerInput(number="2/TL", issued_on=date(2026, 4, 20), signer="CT"),
        today=date(2026, 4, 20),
    )
    petition.refresh_from_db()

    assert "reopen" not in services.actions_available_to(handler_a, petition)
