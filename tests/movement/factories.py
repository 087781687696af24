"""Makers of the movement's records for tests, through the services (events included)."""

from __future__ import annotations

import datetime
from typing import Any

from danvan.org.models import Unit
from movement import services
from movement.models import Dialogue, IndicatorReport, ModelField, MovementModel
from tasks.services import SYSTEM


def make_model(
    unit: Unit, *, name: str = "Mô hình “Dân vận khéo” hiến đất làm đường", **kwargs: Any
) -> MovementModel:
    values: dict[str, Any] = {
        "field": ModelField.ECONOMY,
        "year_started": 2025,
        "description": "Vận động Nhân dân hiến đất mở rộng đường thôn",
        "figures": {"land_donated_m2": 1200, "workdays": 300},
    }
    values.update(kwargs)
    return services.model_register(actor=SYSTEM, unit=unit, name=name, **values)


def make_report(
    unit: Unit,
    *,
    values: dict[str, Any] | None = None,
    start: datetime.date = datetime.date(2025, 1, 1),
    end: datetime.date = datetime.date(2025, 3, 31),
) -> IndicatorReport:
    return services.report_create(
        actor=SYSTEM,
        unit=unit,
        period_start=start,
        period_end=end,
        period_label="Quý I/2025",
        values=values or {"meetings_held": 3, "workdays": 120},
    )


def make_dialogue(unit: Unit, **kwargs: Any) -> Dialogue:
    values: dict[str, Any] = {
        "held_on": datetime.date(2026, 3, 2),
        "leader_name": "Nguyễn Văn Bình",
        "leader_title": "Bí thư Đảng ủy xã",
        "place": "Hội trường UBND xã",
        "participants_count": 120,
        "topics": "Giải phóng mặt bằng; nợ tiền sử dụng đất",
    }
    values.update(kwargs)
    dialogue = services.dialogue_create(actor=SYSTEM, unit=unit, **values)
    services.dialogue_add_issue(
        actor=SYSTEM,
        dialogue=dialogue,
        text="Đề nghị làm rõ tiến độ bồi thường",
        raised_by="Trần Văn An",
    )
    return dialogue
