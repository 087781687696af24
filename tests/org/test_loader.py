"""Loading the official units from the vietnam-provinces package."""

from danvan.org.loader import load_administrative_units
from danvan.org.models import Unit, UnitLevel
from danvan.org.selectors import subtree


def test_loads_34_provinces_and_3321_communes_under_central(db):
    result = load_administrative_units()

    assert result.created == 1 + 34 + 3321
    assert Unit.objects.filter(level=UnitLevel.PROVINCE).count() == 34
    assert Unit.objects.filter(level=UnitLevel.COMMUNE).count() == 3321
    lam_dong = Unit.objects.get(code="68")
    assert lam_dong.name == "Lâm Đồng"
    assert lam_dong.path == "/TW/68/"
    di_linh = Unit.objects.get(code="25000")
    assert di_linh.name == "Xã Di Linh"
    assert di_linh.parent == lam_dong
    assert di_linh.path == "/TW/68/25000/"


def test_running_again_duplicates_nothing_and_restores_names(db):
    load_administrative_units()
    Unit.objects.filter(code="68").update(name="Lâm Đồng (sửa tay)")

    again = load_administrative_units()

    assert again.created == 0
    assert again.updated == 1
    assert Unit.objects.count() == 1 + 34 + 3321
    assert Unit.objects.get(code="68").name == "Lâm Đồng"


def test_every_commune_under_lam_dong_is_one_query(db, django_assert_num_queries):
    load_administrative_units()
    lam_dong = Unit.objects.get(code="68")

    with django_assert_num_queries(1):
        communes = list(subtree(lam_dong).filter(level=UnitLevel.COMMUNE))

    assert len(communes) > 100
    assert all(c.path.startswith("/TW/68/") for c in communes)
