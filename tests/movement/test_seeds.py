"""The movement's facts from the articles: word for word, nothing invented, idempotent."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from movement import selectors
from movement.models import IndicatorReport, IndicatorValue, MovementModel
from seeds import movement as seed
from seeds.org import seed_units

ARTICLES = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
HA_NAM = "001_27ba131a02d350d8.txt"
LAI_CHAU = "002_a135d89d03f9bc14.txt"


def _article(name: str) -> str:
    """The article's words (its no-break spaces and line breaks read as single spaces)."""
    return " ".join((ARTICLES / name).read_text(encoding="utf-8").split())


def test_the_quoted_sentences_are_in_the_articles_word_for_word() -> None:
    ha_nam, lai_chau = _article(HA_NAM), _article(LAI_CHAU)
    assert seed.HA_NAM_306 in ha_nam
    assert seed.HA_NAM_10 in ha_nam
    assert seed.LAI_CHAU_92_358 in lai_chau
    assert seed.LAI_CHAU_2017 in lai_chau


def _figures(unit_code: str) -> dict[str, Decimal]:
    return {
        v.indicator.code: v.value
        for v in IndicatorValue.objects.filter(
            report__unit__code=unit_code, current=True
        ).select_related("indicator")
    }


def test_seeded_figures_equal_the_articles_and_roll_up(db: Any) -> None:
    seed_units()
    seed.seed_movement()
    assert _figures("37.BDV") == {"models_recognised": Decimal("306")}
    assert _figures("12") == {
        "land_donated_m2": Decimal("16505"),
        "workdays": Decimal("6300"),
        "meetings_held": Decimal("92"),
        "to_dan_van_founded": Decimal("358"),
    }
    # Each figure is in its article as written there (Vietnamese thousands separator).
    lai_chau = _article(LAI_CHAU)
    for text in ("16.505m2 đất", "6.300 ngày công", "92 hội nghị", "358 tổ dân vận"):
        assert text in lai_chau
    assert "306 mô hình" in _article(HA_NAM)
    # Lai Châu's 2017 figures count in the country's roll-up for 2017.
    root = selectors.rollup_root_for(_superuser())
    rows = {
        r.indicator.code: r
        for r in selectors.rollup(root, datetime.date(2017, 1, 1), datetime.date(2017, 12, 31))
    }
    assert rows["land_donated_m2"].total == Decimal("16505")
    assert [u.code for u, _v in rows["workdays"].by_unit] == ["12"]


def _superuser() -> Any:
    from tests.factories import UserFactory

    return UserFactory(is_superuser=True)


def test_the_ten_province_models_are_described_not_invented(db: Any) -> None:
    seed_units()
    seed.seed_movement()
    models = MovementModel.objects.filter(unit__code="37.BDV").order_by("id")
    assert models.count() == 10
    for model in models:
        assert not model.name_known and "nguồn không nêu tên" in model.name
        assert (model.status, model.recognition_level, model.award) == (
            "recognised",
            "province",
            "bang_khen",
        )
        assert model.field == "" and model.year_started is None
        assert model.decision_number == "" and model.decision_date is None
        assert "không suy đoán" in model.description


def test_seeding_twice_adds_nothing(db: Any) -> None:
    seed_units()
    seed.seed_movement()
    before = (MovementModel.objects.count(), IndicatorReport.objects.count())
    seed.seed_movement()
    assert (MovementModel.objects.count(), IndicatorReport.objects.count()) == before == (10, 3)
