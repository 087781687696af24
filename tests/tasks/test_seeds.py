"""The demo data from the articles: loaded on today's units, linked, and idempotent."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from danvan.org.models import Unit
from seeds.org import seed_units
from seeds.tasks import NATIONAL_PRIORITIES_2021, seed_tasks
from tasks.models import Directive, Meeting, ProgressReport, Task, TaskEvent, TaskStatus

D = datetime.date
ARTICLES = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Directive, Meeting, Task, ProgressReport, TaskEvent))


def test_seed_is_faithful_and_idempotent(db: Any, count_queries: Any) -> None:
    seed_units()
    seed_tasks()
    first = counts()
    with count_queries() as queries:
        seed_tasks()
    assert counts() == first
    # Running again only reads: no INSERT or UPDATE.
    writes = [q for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    assert writes == []

    # 66-CTr/TU of 29/10/2013 implements 25-NQ/TW, both ways.
    programme = Directive.objects.get(full_number="66-CTr/TU")
    assert programme.issued_on == D(2013, 10, 29)
    resolution = Directive.objects.get(full_number="25-NQ/TW")
    assert resolution in programme.implements.all()
    assert programme in resolution.implemented_by.all()
    assert Directive.objects.get(full_number="4-NQ/TW (khóa XII)").term == "XII"

    # The national online conference: Hà Nội + 63 bridge points, seven 2021 priorities.
    national = Meeting.objects.get(starts_on=D(2020, 12, 31))
    assert national.bridge_point_count == 63
    assert national.bridge_points.count() == 34
    priorities = Task.objects.filter(conclusion__meeting=national).order_by("number")
    assert [t.number for t in priorities] == [1, 2, 3, 4, 5, 6, 7]
    assert all(t.due_on == D(2021, 12, 31) and t.period_label == "năm 2021" for t in priorities)
    # Each priority whole, as concluded: nothing of (4), (5) or (6) cut off.
    assert [t.description for t in priorities] == NATIONAL_PRIORITIES_2021
    assert priorities[3].description.endswith("tham mưu cho Đảng có giải pháp phù hợp, hiệu quả")
    assert "chăm lo cho đời sống nhân dân" in priorities[4].description
    assert "nâng cao chất lượng của các phong trào thi đua yêu nước" in priorities[5].description
    ca_mau = Task.objects.get(parent=priorities[3], lead_unit__code="96")
    assert ca_mau.status_on(D(2022, 1, 1)) == TaskStatus.DONE_ON_TIME

    # Lâm Đồng, 27/06/2018, Di Linh: seven tasks, the seventh for the last six months of 2018.
    lam_dong = Meeting.objects.get(starts_on=D(2018, 6, 27))
    assert lam_dong.chair_name.startswith("Nguyễn Thị Lệ")
    assert lam_dong.directives_cited.count() == 8
    seven = list(Task.objects.filter(conclusion__meeting=lam_dong).order_by("number"))
    assert len(seven) == 7
    assert (seven[6].period_start, seven[6].due_on) == (D(2018, 7, 1), D(2018, 12, 31))
    assert seven[0].directive == programme
    anniversary = seven[6].children.get(due_on=D(2018, 10, 15))
    assert anniversary.next_occurrence.due_on == D(2019, 10, 15)
    assert "88 năm" in anniversary.title and "15/10/2018" in anniversary.title
    assert "89 năm" in anniversary.next_occurrence.title
    assert "15/10/1930 – 15/10/2019" in anniversary.next_occurrence.title
    communes_of_lam_dong = Unit.objects.filter(path__startswith="/TW/68/", level="commune")
    assert seven[2].children.count() == communes_of_lam_dong.count() > 100

    # Hà Nam (now Ninh Bình, code 37) keeps its name as text; Lai Châu's recommendations.
    ha_nam = Meeting.objects.get(starts_on=D(2022, 12, 20))
    assert ha_nam.organising_unit.code == "37.BDV" and "Hà Nam" in ha_nam.title
    assert Task.objects.filter(conclusion__meeting=ha_nam, due_on=D(2023, 12, 31)).count() == 5
    lai_chau = Meeting.objects.get(chair_name__startswith="Thào Xuân Sùng")
    assert Task.objects.filter(conclusion__meeting=lai_chau).count() == 5
    figures = ProgressReport.objects.get(unit__code="12.BDV").figures
    assert figures == {"land_donated_m2": 16505, "workdays": 6300, "meetings_held": 92}


@pytest.mark.skipif(not ARTICLES.is_dir(), reason="../shared/seeds/ is not beside the checkout")
def test_the_seven_priorities_are_the_conclusions_words() -> None:
    """Each of the seven 2021 priorities is the article's item (n), word for word."""
    article = (ARTICLES / "004_1e34eed72a591940.txt").read_text(encoding="utf-8")
    # The article's own typos and the "..." after (3), which the seed data leaves out.
    article = (
        article.replace("tình hình hình nhân dân", "tình hình nhân dân")
        .replace("phát ừiển", "phát triển")
        .replace("phối hợp...;", "phối hợp;")
    )
    for number, text in enumerate(NATIONAL_PRIORITIES_2021, 1):
        assert f"({number}) {text};" in article or f"({number}) {text}." in article, number
