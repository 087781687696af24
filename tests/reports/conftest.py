"""
A hand-counted world for the reports tests.

Province A (Lâm Đồng), year 2026, as of TODAY = 01/07/2026:

| # | handled by | kind           | channel    | received   | state on TODAY                     |
|---|------------|----------------|------------|------------|------------------------------------|
| 1 | commune A1 | complaint      | post       | 02/02/2026 | resolved 04/03 on time (30 days)   |
| 2 | commune A1 | complaint      | post       | 02/03/2026 | resolved 01/05 late (60 days)      |
| 3 | commune A1 | denunciation   | reception  | 01/04/2026 | accepted, due 15/05: OVERDUE       |
| 4 | commune A1 | recommendation | web_portal | 01/06/2026 | received, due 10/07: open, in time |
| 5 | commune A2 | feedback       | web_portal | 05/01/2026 | resolved 15/01 on time (10 days)   |
| 6 | commune A2 | complaint      | post       | 04/05/2026 | under resolution, due 01/06: OVERDUE |
| 7 | province A | recommendation | post       | 10/02/2026 | filed 20/02 on time (10 days)      |
| 8 | commune A1 | complaint      | post       | 01/12/2025 | resolved (outside the period)      |
| 9 | commune B1 | complaint      | post       | 01/03/2026 | overdue (another province)         |

Province A, 2026: received 7, processed 6, resolved 4 (on time 3, late 1), open 3, overdue 2,
on-time rate 3 / (4 + 2) = 50.0 % (not the 75 % a rate over resolved items would show),
average days to resolve (30 + 60 + 10 + 10) / 4 = 27.5.
Petition #1 is resolved through the real services; the others have their recorded clock
outcome written onto the row, which is what the services store when a clock ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from danvan.org.models import Role
from petitions import services
from petitions.models import Channel, Petition, PetitionKind, Result, Status
from seeds.petitions import seed_petition_reference
from tests.factories import UserFactory
from tests.petitions.factories import PetitionFactory

TODAY = date(2026, 7, 1)
DENOUNCER = "Trần Thị Tố Giác"


@pytest.fixture(autouse=True)
def policies(db: Any) -> None:
    seed_petition_reference()


@dataclass
class World:
    petitions: dict[int, Petition]


def _set(petition: Petition, **fields: Any) -> Petition:
    Petition.objects.filter(pk=petition.pk).update(**fields)
    petition.refresh_from_db()
    return petition


def make_petition(actor: Any, unit: Any, received_on: date, **kwargs: Any) -> Petition:
    petition: Petition = PetitionFactory(
        actor=actor, unit=unit, received_on=received_on, today=TODAY, **kwargs
    )
    return petition


@pytest.fixture
def world(tree: Any) -> World:
    a1 = UserFactory(username="clerk_a1", memberships=[(tree.commune_a1, Role.PETITION_HANDLER)])
    a2 = UserFactory(username="clerk_a2", memberships=[(tree.commune_a2, Role.PETITION_HANDLER)])
    prov = UserFactory(username="clerk_pa", memberships=[(tree.province_a, Role.SUPERVISOR)])
    b1 = UserFactory(username="clerk_b1", memberships=[(tree.commune_b1, Role.PETITION_HANDLER)])
    p: dict[int, Petition] = {}

    p[1] = make_petition(a1, tree.commune_a1, date(2026, 2, 2), kind=PetitionKind.COMPLAINT)
    services.petition_accept(
        actor=a1, petition=p[1], reason="Đủ điều kiện", accepted_on=date(2026, 2, 4), today=TODAY
    )
    services.petition_resolve(
        actor=a1,
        petition=Petition.objects.get(pk=p[1].pk),
        result=Result.RIGHT,
        answer=services.AnswerInput(
            number="12/QĐ-UBND", issued_on=date(2026, 3, 4), signer="Chủ tịch UBND xã"
        ),
        today=TODAY,
    )
    p[1].refresh_from_db()
    assert p[1].finished_on_time is True, "the real services must record a resolution on time"

    p[2] = _set(
        make_petition(a1, tree.commune_a1, date(2026, 3, 2), kind=PetitionKind.COMPLAINT),
        status=Status.RESOLVED,
        due_date=date(2026, 4, 15),
        finished_on=date(2026, 5, 1),
        finished_on_time=False,
    )
    p[3] = _set(
        make_petition(
            a1,
            tree.commune_a1,
            date(2026, 4, 1),
            kind=PetitionKind.DENUNCIATION,
            channel=Channel.RECEPTION,
            summary="Tố cáo cán bộ địa chính",
            petitioners=[services.PetitionerInput(full_name=DENOUNCER, citizen_id="")],
        ),
        status=Status.ACCEPTED,
        due_date=date(2026, 5, 15),
    )
    p[4] = _set(
        make_petition(
            a1,
            tree.commune_a1,
            date(2026, 6, 1),
            kind=PetitionKind.RECOMMENDATION,
            channel=Channel.WEB_PORTAL,
        ),
        due_date=date(2026, 7, 10),
    )
    p[5] = _set(
        make_petition(
            a2,
            tree.commune_a2,
            date(2026, 1, 5),
            kind=PetitionKind.FEEDBACK,
            channel=Channel.WEB_PORTAL,
        ),
        status=Status.RESOLVED,
        due_date=date(2026, 1, 20),
        finished_on=date(2026, 1, 15),
        finished_on_time=True,
    )
    p[6] = _set(
        make_petition(a2, tree.commune_a2, date(2026, 5, 4), kind=PetitionKind.COMPLAINT),
        status=Status.UNDER_RESOLUTION,
        due_date=date(2026, 6, 1),
    )
    p[7] = _set(
        make_petition(prov, tree.province_a, date(2026, 2, 10), kind=PetitionKind.RECOMMENDATION),
        status=Status.FILED,
        due_date=date(2026, 2, 24),
        finished_on=date(2026, 2, 20),
        finished_on_time=True,
    )
    p[8] = _set(
        make_petition(a1, tree.commune_a1, date(2025, 12, 1), kind=PetitionKind.COMPLAINT),
        status=Status.RESOLVED,
        due_date=date(2025, 12, 20),
        finished_on=date(2025, 12, 10),
        finished_on_time=True,
    )
    p[9] = _set(
        make_petition(b1, tree.commune_b1, date(2026, 3, 1), kind=PetitionKind.COMPLAINT),
        status=Status.ACCEPTED,
        due_date=date(2026, 4, 1),
    )
    return World(petitions=p)


@dataclass
class TaskWorld:
    tasks: dict[str, Any]


@pytest.fixture
def task_world(tree: Any, supervisor: Any) -> TaskWorld:
    """
    Tasks of province A due in 2026, as of TODAY (01/07/2026):
    A1: done on time, done late, cancelled, one cascaded sub-task (not started);
    A2: overdue, in progress (40 %), one cascaded sub-task (not started).
    The cascaded parent (led by the province) counts only through its sub-tasks.
    Outside: a B1 task (other province) and an A1 task due in 2025.
    Province A, 2026: assigned 6, on time 1, late 1, overdue 1, rate 1 / (2 + 1) = 33.3 %.
    """
    from tasks.services import task_cascade
    from tests.tasks.factories import make_task

    a, p = tree.province_a, {}
    p["on_time"] = make_task(
        issuing_unit=a,
        lead_unit=tree.commune_a1,
        title="Sơ kết Quy chế dân vận",
        due_on=date(2026, 3, 31),
        completed_on=date(2026, 3, 20),
    )
    p["late"] = make_task(
        issuing_unit=a,
        lead_unit=tree.commune_a1,
        title="Báo cáo 6 tháng",
        due_on=date(2026, 4, 30),
        completed_on=date(2026, 5, 10),
    )
    p["cancelled"] = make_task(
        issuing_unit=a,
        lead_unit=tree.commune_a1,
        title="Hội nghị hủy",
        due_on=date(2026, 5, 1),
        cancelled=True,
    )
    p["overdue"] = make_task(
        issuing_unit=a,
        lead_unit=tree.commune_a2,
        title="Xây dựng mô hình Dân vận khéo",
        due_on=date(2026, 6, 1),
    )
    p["in_progress"] = make_task(
        issuing_unit=a,
        lead_unit=tree.commune_a2,
        title="Vận động hiến đất làm đường",
        due_on=date(2026, 9, 30),
        progress_percent=40,
    )
    p["parent"] = make_task(
        issuing_unit=a,
        lead_unit=a,
        title="Kỷ niệm ngày truyền thống 15/10",
        due_on=date(2026, 10, 15),
    )
    p["children"] = task_cascade(actor=supervisor, task=p["parent"])
    p["other_province"] = make_task(
        issuing_unit=tree.province_b,
        lead_unit=tree.commune_b1,
        title="Nhiệm vụ Lai Châu",
        due_on=date(2026, 2, 1),
    )
    p["last_year"] = make_task(
        issuing_unit=a,
        lead_unit=tree.commune_a1,
        title="Nhiệm vụ 2025",
        due_on=date(2025, 12, 1),
    )
    return TaskWorld(tasks=p)
