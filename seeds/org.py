"""Reference units and demo organisations, villages and people (from ../shared/seeds)."""

from __future__ import annotations

from danvan.org.loader import load_administrative_units
from danvan.org.models import Unit, UnitKind, UnitLevel
from danvan.org.services import unit_upsert

# Organisations that sit beside a territorial unit (code suffix, name prefix, kind).
ORGANISATIONS = [
    ("BDV", "Ban Dân vận", UnitKind.MASS_MOBILIZATION_BOARD),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam", UnitKind.FATHERLAND_FRONT),
    ("HPN", "Hội Liên hiệp Phụ nữ", UnitKind.WOMEN_UNION),
    ("DTN", "Đoàn Thanh niên Cộng sản Hồ Chí Minh", UnitKind.YOUTH_UNION),
    ("HND", "Hội Nông dân", UnitKind.FARMERS_UNION),
    ("CCB", "Hội Cựu chiến binh", UnitKind.VETERANS_ASSOCIATION),
    ("UBND", "Ủy ban nhân dân", UnitKind.PEOPLES_COMMITTEE),
]

# Demo territorial units below communes, from the seed articles, attached to current units;
# historical district names are kept as text.
DEMO_VILLAGES = [
    # (commune code, village code suffix, name, kind, former names)
    ("25000", "T1", "Thôn 1", UnitKind.VILLAGE, "Huyện Di Linh (cũ), tỉnh Lâm Đồng"),
    ("25000", "T2", "Thôn Đồng Lạc", UnitKind.VILLAGE, "Huyện Di Linh (cũ), tỉnh Lâm Đồng"),
    (
        "23089",
        "T1",
        "Thôn Lâm Hòa",
        UnitKind.VILLAGE,
        "Huyện Hàm Thuận Bắc (cũ), tỉnh Bình Thuận (cũ)",
    ),
    ("03549", "B1", "Bản Hợp 1", UnitKind.VILLAGE, "Huyện Phong Thổ (cũ), tỉnh Lai Châu"),
    (
        "13291",
        "TDP1",
        "Tổ dân phố số 1",
        UnitKind.RESIDENTIAL_GROUP,
        "Thành phố Phủ Lý (cũ), tỉnh Hà Nam (cũ)",
    ),
]
ORGANISATION_HOSTS = ["TW", "68", "12", "37", "96", "25000", "23089", "03549", "13291"]


def seed_units() -> None:
    load_administrative_units()
    units = {
        u.code: u
        for u in Unit.objects.filter(code__in=ORGANISATION_HOSTS + [v[0] for v in DEMO_VILLAGES])
    }
    for host_code in ORGANISATION_HOSTS:
        host = units[host_code]
        for suffix, prefix, kind in ORGANISATIONS:
            name = f"{prefix} Trung ương" if host_code == "TW" else f"{prefix} {host.name}"
            unit_upsert(
                code=f"{host_code}.{suffix}",
                name=name,
                level=UnitLevel.ORGANISATION,
                kind=kind,
                parent=host,
            )
    for commune_code, suffix, name, kind, former in DEMO_VILLAGES:
        commune = units[commune_code]
        village = unit_upsert(
            code=f"{commune_code}.{suffix}",
            name=name,
            level=UnitLevel.VILLAGE,
            kind=kind,
            parent=commune,
            former_names=former,
        )
        unit_upsert(
            code=f"{village.code}.TDV",
            name=f"Tổ dân vận {name}",
            level=UnitLevel.ORGANISATION,
            kind=UnitKind.MOBILIZATION_TEAM,
            parent=village,
        )
