"""
A small world for the API proofs: one object of every resource in commune A1 (Xã Di Linh),
the same in commune B1 (Xã Phong Thổ, another province) as out-of-scope rows, and a
denunciation whose petitioner must never be named to anyone without the identity permission.

Every resource of the API has an entry in RESOURCES (path prefix -> how its object is made);
the authorization matrix refuses to run an operation whose resource is missing here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from danvan.notify.models import Notification, OutboxMessage
from danvan.org.models import Unit
from petitions import services as petition_services
from petitions.models import PetitionField, PetitionKind
from reports.models import ReportDocument
from seeds.movement import seed_indicators
from seeds.petitions import seed_petition_reference
from tests.factories import UnitTree
from tests.movement.factories import make_dialogue, make_model, make_report
from tests.petitions.factories import PetitionFactory, ReceptionSessionFactory
from tests.tasks.factories import DirectiveFactory, MeetingFactory, make_task

# The denouncer: a name, ID number and phone that occur nowhere else in the world.
SECRET_NAME = "Hoàng Thị Bímật"
SECRET_CITIZEN_ID = "079306004321"
SECRET_PHONE = "0987000321"
SECRET_STRINGS = (SECRET_NAME, "Bímật", "bimat", SECRET_CITIZEN_ID, SECRET_PHONE)


@dataclass
class World:
    tree: UnitTree
    users: dict[str, Any]
    # resource (first path segment after /api/v1/) -> object id in A1 / in B1
    inside: dict[str, int] = field(default_factory=dict)
    outside: dict[str, int] = field(default_factory=dict)


def _petition(actor: Any, unit: Unit, *, secret: bool) -> int:
    petitioner = (
        petition_services.PetitionerInput(
            full_name=SECRET_NAME, citizen_id=SECRET_CITIZEN_ID, phone=SECRET_PHONE
        )
        if secret
        else petition_services.PetitionerInput(full_name="Nguyễn Văn Nam")
    )
    petition = PetitionFactory(
        actor=actor,
        unit=unit,
        kind=PetitionKind.DENUNCIATION,
        summary="Tố cáo cán bộ địa chính thu tiền trái phép",
        petitioners=[petitioner],
        today=datetime.date(2026, 3, 2),
    )
    return petition.pk


def _task(unit: Unit, parent: Unit) -> int:
    return make_task(issuing_unit=parent, lead_unit=unit, due_on=datetime.date(2026, 12, 31)).pk


def _meeting(unit: Unit) -> int:
    return MeetingFactory(organising_unit=unit).pk


def _notification(user: Any) -> int:
    return Notification.objects.create(user=user, title="Sắp đến hạn", body="Đơn 1").pk


def _outbox(user: Any) -> int:
    return OutboxMessage.objects.create(user=user, title="Sắp đến hạn").pk


def _indicator() -> int:
    from movement.models import Indicator

    return Indicator.objects.get(code="workdays").pk


def _notice(world: World, unit: Unit) -> int:
    """A draft acceptance notice of the unit's denunciation, issued by the unit."""
    from petitions.models import Notice, NoticeKind

    petitions = world.inside if unit == world.tree.commune_a1 else world.outside
    return Notice.objects.create(
        petition_id=petitions["petitions"],
        kind=NoticeKind.ACCEPTANCE,
        unit=unit,
        title="Thông báo\nVề việc thụ lý tố cáo",
        form_reference="Mẫu số 03, Nghị định 31/2019/NĐ-CP",
        due_on=datetime.date(2026, 3, 9),
        body="Đã thụ lý tố cáo.",
    ).pk


def _report_document(unit: Unit) -> int:
    return ReportDocument.objects.create(
        unit=unit, kind="year", year=2025, as_of=datetime.date(2026, 3, 2)
    ).pk


# resource (path segment after /api/v1/, two for reports) -> its object, made for commune A1
# or B1; each maker gets (world, unit, its parent, the unit's user)
Maker = Callable[[World, Unit, Unit, Any], int]
RESOURCES: dict[str, Maker] = {
    "units": lambda w, unit, parent, user: unit.pk,
    "petitions": lambda w, unit, parent, user: _petition(user, unit, secret=unit.code == "25000"),
    "notices": lambda w, unit, parent, user: _notice(w, unit),
    "petition-fields": lambda w, unit, parent, user: PetitionField.objects.order_by("pk")[0].pk,
    "reception-sessions": lambda w, unit, parent, user: ReceptionSessionFactory(unit=unit).pk,
    "directives": lambda w, unit, parent, user: DirectiveFactory(issuing_unit=parent).pk,
    "meetings": lambda w, unit, parent, user: _meeting(unit),
    "tasks": lambda w, unit, parent, user: _task(unit, parent),
    "notifications": lambda w, unit, parent, user: _notification(user),
    "push-outbox": lambda w, unit, parent, user: _outbox(user),
    "reports/documents": lambda w, unit, parent, user: _report_document(unit),
    "movement-models": lambda w, unit, parent, user: make_model(unit).pk,
    "indicators": lambda w, unit, parent, user: _indicator(),
    "indicator-reports": lambda w, unit, parent, user: make_report(unit).pk,
    "dialogues": lambda w, unit, parent, user: make_dialogue(unit).pk,
}


def build_world(tree: UnitTree, users: dict[str, Any], outsider: Any) -> World:
    """Objects of every resource in A1 (made by/for cadre_a) and in B1 (for `outsider`)."""
    seed_petition_reference()
    seed_indicators()
    world = World(tree=tree, users=users)
    for resource, make in RESOURCES.items():
        world.inside[resource] = make(world, tree.commune_a1, tree.province_a, users["cadre_a"])
        world.outside[resource] = make(world, tree.commune_b1, tree.province_b, outsider)
    return world
