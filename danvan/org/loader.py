"""Loads the official 34 provinces and 3,321 communes from the vietnam-provinces package."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from vietnam_provinces import Province, VietNamDivisionType, Ward

from danvan.core.text import fold
from danvan.org.models import PATH_SEPARATOR, Unit, UnitKind, UnitLevel

CENTRAL_CODE = "TW"
CENTRAL_NAME = "Trung ương"

_KINDS = {
    VietNamDivisionType.TINH: UnitKind.PROVINCE,
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: UnitKind.CITY,
    VietNamDivisionType.XA: UnitKind.COMMUNE,
    VietNamDivisionType.PHUONG: UnitKind.WARD,
    VietNamDivisionType.DAC_KHU: UnitKind.SPECIAL_ZONE,
}
_FIELDS = (
    "name",
    "level",
    "kind",
    "parent",
    "path",
    "depth",
    "name_folded",
    "codename",
    "is_active",
)


def province_code(code: int) -> str:
    return f"{int(code):02d}"


def commune_code(code: int) -> str:
    return f"{int(code):05d}"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _sync(rows: list[Unit], existing: dict[str, Unit], result: LoadResult) -> list[Unit]:
    """Create what is missing, update what changed; returns the saved units in order."""
    to_create, to_update, saved = [], [], []
    for row in rows:
        current = existing.get(row.code)
        if current is None:
            to_create.append(row)
            saved.append(row)
            continue
        changed = [
            f
            for f in _FIELDS
            if getattr(current, f if f != "parent" else "parent_id")
            != getattr(row, f if f != "parent" else "parent_id")
        ]
        if changed:
            for field in _FIELDS:
                setattr(current, field, getattr(row, field))
            to_update.append(current)
        else:
            result.unchanged += 1
        saved.append(current)
    # 500 rows a statement keeps each INSERT/UPDATE well under SQLite's variable limit.
    Unit.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Unit.objects.bulk_update(to_update, list(_FIELDS), batch_size=500)
    result.created += len(to_create)
    result.updated += len(to_update)
    return saved


@transaction.atomic
def load_administrative_units() -> LoadResult:
    """Idempotent: running it again updates names and codes in place, never duplicates."""
    result = LoadResult()
    existing = {
        u.code: u
        for u in Unit.objects.filter(
            level__in=[UnitLevel.CENTRAL, UnitLevel.PROVINCE, UnitLevel.COMMUNE]
        )
    }

    central_path = f"{PATH_SEPARATOR}{CENTRAL_CODE}{PATH_SEPARATOR}"
    (central,) = _sync(
        [
            Unit(
                code=CENTRAL_CODE,
                name=CENTRAL_NAME,
                level=UnitLevel.CENTRAL,
                kind=UnitKind.CENTRAL,
                parent=None,
                path=central_path,
                depth=0,
                name_folded=fold(CENTRAL_NAME),
                codename="trung_uong",
                is_active=True,
            )
        ],
        existing,
        result,
    )

    provinces = sorted(Province.iter_all(), key=lambda p: int(p.code))
    province_rows = []
    for province in provinces:
        code = province_code(province.code)
        province_rows.append(
            Unit(
                code=code,
                name=province.name,
                level=UnitLevel.PROVINCE,
                kind=_KINDS[province.division_type],
                parent=central,
                path=f"{central.path}{code}{PATH_SEPARATOR}",
                depth=1,
                name_folded=fold(province.name),
                codename=province.codename,
                is_active=True,
            )
        )
    by_province = {u.code: u for u in _sync(province_rows, existing, result)}

    commune_rows = []
    for ward in sorted(Ward.iter_all(), key=lambda w: int(w.code)):
        parent = by_province[province_code(ward.province_code)]
        code = commune_code(ward.code)
        commune_rows.append(
            Unit(
                code=code,
                name=ward.name,
                level=UnitLevel.COMMUNE,
                kind=_KINDS[ward.division_type],
                parent=parent,
                path=f"{parent.path}{code}{PATH_SEPARATOR}",
                depth=2,
                name_folded=fold(ward.name),
                codename=ward.codename,
                is_active=True,
            )
        )
    _sync(commune_rows, existing, result)
    return result
