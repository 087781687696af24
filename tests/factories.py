"""Factories for the org app and the standard unit tree the personas live in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import factory

from danvan.org.models import Unit, UnitKind, UnitLevel, User
from danvan.org.services import membership_add, unit_upsert


class UnitFactory(factory.django.DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    level = UnitLevel.COMMUNE
    kind = UnitKind.COMMUNE
    parent = None

    @classmethod
    def _create(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        # Through the service, so path, depth and the folded name are right.
        return unit_upsert(
            code=kwargs["code"],
            name=kwargs["name"],
            level=kwargs["level"],
            kind=kwargs["kind"],
            parent=kwargs.get("parent"),
        )


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def memberships(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for unit, role in extracted or []:
            membership_add(user=self, unit=unit, role=role)


@dataclass
class UnitTree:
    central: Unit
    province_a: Unit
    province_b: Unit
    commune_a1: Unit
    commune_a2: Unit
    commune_b1: Unit
    village_a1: Unit
    board_a: Unit


def build_unit_tree() -> UnitTree:
    central = UnitFactory(
        code="TW", name="Trung ương", level=UnitLevel.CENTRAL, kind=UnitKind.CENTRAL
    )
    province_a = UnitFactory(
        code="68", name="Lâm Đồng", level=UnitLevel.PROVINCE, kind=UnitKind.PROVINCE, parent=central
    )
    province_b = UnitFactory(
        code="12", name="Lai Châu", level=UnitLevel.PROVINCE, kind=UnitKind.PROVINCE, parent=central
    )
    commune_a1 = UnitFactory(code="25000", name="Xã Di Linh", parent=province_a)
    commune_a2 = UnitFactory(code="23089", name="Xã Hàm Thuận Bắc", parent=province_a)
    commune_b1 = UnitFactory(code="03549", name="Xã Phong Thổ", parent=province_b)
    village_a1 = UnitFactory(
        code="25000.T1",
        name="Thôn Đồng Lạc",
        level=UnitLevel.VILLAGE,
        kind=UnitKind.VILLAGE,
        parent=commune_a1,
    )
    board_a = UnitFactory(
        code="68.BDV",
        name="Ban Dân vận Tỉnh ủy Lâm Đồng",
        level=UnitLevel.ORGANISATION,
        kind=UnitKind.MASS_MOBILIZATION_BOARD,
        parent=province_a,
    )
    return UnitTree(
        central, province_a, province_b, commune_a1, commune_a2, commune_b1, village_a1, board_a
    )
