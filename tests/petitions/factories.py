"""Factories for every petitions model. Petitions are made through the intake service."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import factory

from danvan.calendar.models import DayUnit
from petitions import services
from petitions.models import (
    Answer,
    Attachment,
    Channel,
    DeadlinePolicy,
    EventAction,
    Extension,
    IdentityAccessLog,
    IdentityGrant,
    LinkKind,
    Petition,
    PetitionCodeCounter,
    Petitioner,
    PetitionEvent,
    PetitionField,
    PetitionKind,
    PetitionLink,
    PetitionPetitioner,
    ReceptionSession,
    Respondent,
    RespondentKind,
    Stage,
    Suspension,
    Transfer,
)
from tests.factories import UnitFactory, UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32


class PetitionFieldFactory(factory.django.DjangoModelFactory[PetitionField]):
    class Meta:
        model = PetitionField
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"linh-vuc-{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class DeadlinePolicyFactory(factory.django.DjangoModelFactory[DeadlinePolicy]):
    class Meta:
        model = DeadlinePolicy

    kind = PetitionKind.RECOMMENDATION
    stage = Stage.RESOLVE
    unit = None
    amount = 15
    day_unit = DayUnit.WORKING


class PetitionCodeCounterFactory(factory.django.DjangoModelFactory[PetitionCodeCounter]):
    class Meta:
        model = PetitionCodeCounter

    unit = factory.SubFactory(UnitFactory)
    year = 2026


class PetitionerFactory(factory.django.DjangoModelFactory[Petitioner]):
    class Meta:
        model = Petitioner

    full_name = factory.Faker("name", locale="vi_VN")
    citizen_id = factory.Sequence(lambda n: f"{n:012d}")
    phone = factory.Sequence(lambda n: f"09{n:08d}")
    address = "Thôn 1"


class ReceptionSessionFactory(factory.django.DjangoModelFactory[ReceptionSession]):
    class Meta:
        model = ReceptionSession

    unit = factory.SubFactory(UnitFactory)
    held_on = date(2026, 3, 2)
    leader_name = "Chủ tịch UBND xã"
    citizens_count = 3


class PetitionFactory(factory.django.DjangoModelFactory[Petition]):
    """Through petition_create: code, clock and search text as in real life.

    Pass `actor` (a user allowed to record petitions at `unit`), `unit` (receiving,
    handling and location unit unless given), `today`, and any PetitionData field.
    """

    class Meta:
        model = Petition

    @classmethod
    def _create(cls, model_class: type[Petition], *args: Any, **kwargs: Any) -> Petition:
        actor = kwargs.pop("actor")
        unit = kwargs.pop("unit")
        today = kwargs.pop("today", None)
        client_id = kwargs.pop("client_id", None)
        petitioners = kwargs.pop("petitioners", None)
        if petitioners is None:
            petitioners = (
                []
                if kwargs.get("is_anonymous")
                else [services.PetitionerInput(full_name="Nguyễn Văn Nam", citizen_id="")]
            )
        data = services.PetitionData(
            receiving_unit=kwargs.pop("receiving_unit", unit),
            location_unit=kwargs.pop("location_unit", unit),
            received_on=kwargs.pop("received_on", today or date(2026, 3, 2)),
            channel=kwargs.pop("channel", Channel.POST),
            kind=kwargs.pop("kind", PetitionKind.COMPLAINT),
            summary=kwargs.pop("summary", "Khiếu nại về đất đai"),
            petitioners=petitioners,
            **kwargs,
        )
        petition, _created = services.petition_create(
            actor=actor, data=data, client_id=client_id, today=today or date(2026, 12, 31)
        )
        return petition


class PetitionPetitionerFactory(factory.django.DjangoModelFactory[PetitionPetitioner]):
    class Meta:
        model = PetitionPetitioner

    petitioner = factory.SubFactory(PetitionerFactory)


class RespondentFactory(factory.django.DjangoModelFactory[Respondent]):
    class Meta:
        model = Respondent

    kind = RespondentKind.BODY
    name = "Ủy ban nhân dân xã"


class AttachmentFactory(factory.django.DjangoModelFactory[Attachment]):
    class Meta:
        model = Attachment

    file = factory.django.FileField(filename="don.pdf", data=PDF_BYTES)
    original_name = "don.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)


class PetitionLinkFactory(factory.django.DjangoModelFactory[PetitionLink]):
    class Meta:
        model = PetitionLink

    kind = LinkKind.LINKED


class AnswerFactory(factory.django.DjangoModelFactory[Answer]):
    class Meta:
        model = Answer

    number = factory.Sequence(lambda n: f"{n}/QĐ-UBND")
    issued_on = date(2026, 4, 1)
    signer = "Chủ tịch UBND xã"


class SuspensionFactory(factory.django.DjangoModelFactory[Suspension]):
    class Meta:
        model = Suspension

    started_on = date(2026, 3, 10)
    reason = "Chờ kết quả giám định"


class ExtensionFactory(factory.django.DjangoModelFactory[Extension]):
    class Meta:
        model = Extension

    stage = Stage.RESOLVE_COMPLEX
    days = 30
    decision_number = factory.Sequence(lambda n: f"{n}/QĐ-GH")
    decided_on = date(2026, 4, 1)
    reason = "Vụ việc phức tạp"


class TransferFactory(factory.django.DjangoModelFactory[Transfer]):
    class Meta:
        model = Transfer

    from_unit = factory.SubFactory(UnitFactory)
    to_unit = factory.SubFactory(UnitFactory)
    sent_on = date(2026, 3, 2)
    due_on = date(2026, 3, 16)


class PetitionEventFactory(factory.django.DjangoModelFactory[PetitionEvent]):
    class Meta:
        model = PetitionEvent

    action = EventAction.UPDATED


class IdentityAccessLogFactory(factory.django.DjangoModelFactory[IdentityAccessLog]):
    class Meta:
        model = IdentityAccessLog

    user = factory.SubFactory(UserFactory)
    reason = "Xác minh"
    channel = "api"


def new_client_id() -> uuid.UUID:
    return uuid.uuid4()


class IdentityGrantFactory(factory.django.DjangoModelFactory[IdentityGrant]):
    """A current grant (a year long) written directly; the admin goes through the service."""

    class Meta:
        model = IdentityGrant

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    granted_by = factory.SubFactory(UserFactory)
    reason = "Xác minh nội dung tố cáo"
    valid_until = factory.LazyFunction(lambda: date.today() + timedelta(days=365))
