"""
The movement's facts from the seed articles (../shared/seeds/), as records: the Hà Nam 2022
review (001) and the Lai Châu figures of 2017 (002). Only what the articles say: models they
count without naming are described as such; nothing is invented. Safe to run again.
"""

from __future__ import annotations

import datetime
import importlib

from danvan.org.models import Unit
from movement.models import (
    Award,
    Indicator,
    IndicatorReport,
    ModelStatus,
    MovementEvent,
    MovementModel,
    RecognitionLevel,
    ReportSource,
)
from movement.services import report_create
from tasks.services import SYSTEM

D = datetime.date

# Quoted from the articles, word for word (tests/movement/test_seeds.py checks them).
HA_NAM_306 = (
    "Năm 2022, Ban Chỉ đạo phong trào thi đua “Dân vận khéo” các cấp đã xem xét công nhận 306 "
    "mô hình “Dân vận khéo” của các cơ quan, tổ chức, đơn vị."
)
HA_NAM_10 = 'Tại hội nghị có 10 mô hình “Dân vận khéo" cấp tỉnh được nhận Bằng khen của UBND tỉnh.'
LAI_CHAU_92_358 = (
    "tổ chức 92 hội nghị tuyên truyền xây dựng nông thôn mới và giảm nghèo bền vững cho cán bộ, "
    "đảng viên, hội viên các đoàn thể ở cơ sở. Thí điểm thành lập 358 tổ dân vận"
)
LAI_CHAU_2017 = (
    "Chỉ tính riêng 9 tháng năm 2017, Mặt trận Tổ quốc và các đoàn thể đã vận động Nhân dân "
    "tham gia hiến 16.505m2 đất, 6.300 ngày công làm đường giao thông nội bản, nội đồng."
)
HA_NAM_SOURCE = "Ban Dân vận Tỉnh ủy Hà Nam, hội nghị tổng kết ngày 20/12/2022 (tỉnh Hà Nam cũ)"
UNNAMED = (
    "Một trong 10 mô hình “Dân vận khéo” cấp tỉnh năm 2022 được nhận Bằng khen của UBND tỉnh "
    "Hà Nam tại hội nghị tổng kết ngày 20/12/2022. Bài báo nguồn không nêu tên mô hình, đơn vị "
    "thực hiện, lĩnh vực, số và ngày quyết định; các thông tin này để trống, không suy đoán."
)


def _source_report(
    unit: Unit, start: datetime.date, end: datetime.date, label: str, values: dict, note: str
) -> None:
    exists = IndicatorReport.objects.filter(
        unit=unit,
        period_start=start,
        period_end=end,
        source=ReportSource.SOURCE_DOCUMENT,
    ).exists()
    if not exists:
        report_create(
            actor=SYSTEM,
            unit=unit,
            period_start=start,
            period_end=end,
            period_label=label,
            values=values,
            note=note,
            source=ReportSource.SOURCE_DOCUMENT,
            check=False,
        )


def seed_indicators() -> None:
    """
    The seven indicators of migration 0002, where they are missing (a database flushed since
    it was migrated, as a live-server test leaves it); one query when they are there.
    """
    from django.apps import apps

    migration = importlib.import_module("movement.migrations.0002_indicators")
    codes = {row[0] for row in migration.INDICATORS}
    if set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True)) != codes:
        migration.create(apps, None)


def seed_movement() -> None:
    """The Hà Nam 2022 review and the Lai Châu 2017 figures (idempotent)."""
    seed_indicators()
    codes = ["37", "37.BDV", "12"]
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    missing = sorted(set(codes) - set(units))
    if missing:
        raise RuntimeError(f"seed units first (missing {', '.join(missing)})")
    board = units["37.BDV"]
    # Hà Nam 2022: 306 models recognised at every level, as a figure (the article names none).
    _source_report(
        board,
        D(2022, 1, 1),
        D(2022, 12, 31),
        "Năm 2022 (tỉnh Hà Nam cũ)",
        {"models_recognised": 306},
        f"{HA_NAM_306} Nguồn: {HA_NAM_SOURCE}.",
    )
    # …and the 10 province-level models with the provincial People's Committee's Bằng khen.
    for number in range(1, 11):
        name = (
            f"Mô hình “Dân vận khéo” cấp tỉnh năm 2022, Hà Nam — số {number} (nguồn không nêu tên)"
        )
        model, created = MovementModel.objects.get_or_create(
            unit=board,
            name=name,
            defaults={
                "name_known": False,
                "description": UNNAMED,
                "results": HA_NAM_10,
                "status": ModelStatus.RECOGNISED,
                "recognised_by": units["37"],
                "recognition_level": RecognitionLevel.PROVINCE,
                "recognised_year": 2022,
                "award": Award.BANG_KHEN,
                "award_by": "UBND tỉnh Hà Nam",
            },
        )
        if created:
            MovementEvent.objects.create(
                model=model,
                action="recognised",
                to_status=ModelStatus.RECOGNISED,
                data={"source": HA_NAM_SOURCE, "level": RecognitionLevel.PROVINCE},
            )
    # Lai Châu: the figures the province reported to the central delegation.
    lai_chau = units["12"]
    _source_report(
        lai_chau,
        D(2017, 1, 1),
        D(2017, 9, 30),
        "9 tháng năm 2017",
        {"land_donated_m2": 16505, "workdays": 6300},
        f"{LAI_CHAU_2017} Nguồn: làm việc của Đoàn công tác Ban Dân vận Trung ương với Tỉnh ủy "
        "Lai Châu về thực hiện Chỉ thị 49-CT/TW.",
    )
    _source_report(
        lai_chau,
        D(2015, 10, 20),
        D(2017, 9, 30),
        "Thực hiện Chỉ thị 49-CT/TW, đến 9 tháng năm 2017 (nguồn không nêu kỳ)",
        {"meetings_held": 92, "to_dan_van_founded": 358},
        f"Ban Dân vận Tỉnh ủy, Mặt trận Tổ quốc và các đoàn thể, Văn phòng điều phối nông thôn "
        f"mới đã phối hợp với các huyện, thành phố {LAI_CHAU_92_358}.",
    )
