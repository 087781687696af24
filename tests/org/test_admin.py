"""The admin shows each person only what the selectors allow."""

from __future__ import annotations

from typing import Any

import pytest

from danvan.org.models import Membership, Role, Unit, UnitKind
from tests.factories import UserFactory

UNITS = "/admin/org/unit/"
USERS = "/admin/org/user/"


def page(client: Any, url: str, **params: Any) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def superuser(tree: Any) -> Any:
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.mark.parametrize(
    "persona", ["cadre_a", "cadre_b", "handler_a", "supervisor", "administrator"]
)
def test_admin_index_loads_for_every_persona(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert user.is_staff  # staff through membership


def test_anonymous_is_sent_to_the_login_page(client, tree):
    response = client.get(UNITS)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_cadre_sees_only_their_commune_and_below(client, tree, cadre_a):
    client.force_login(cadre_a)

    html = page(client, UNITS)

    assert "Xã Di Linh" in html
    assert "Thôn Đồng Lạc" in html
    assert "Xã Hàm Thuận Bắc" not in html
    assert "Lai Châu" not in html
    assert "Lâm Đồng" not in html  # not the province above either


def test_cadre_cannot_open_a_sibling_commune(client, tree, cadre_a):
    client.force_login(cadre_a)

    response = client.get(f"{UNITS}{tree.commune_a2.pk}/change/", follow=True)

    # Django's admin treats an object outside get_queryset() as missing: back to the index.
    assert response.redirect_chain == [("/admin/", 302)]
    assert "Xã Hàm Thuận Bắc" not in response.content.decode()


def test_cadre_can_view_but_not_edit_their_commune(client, tree, cadre_a):
    client.force_login(cadre_a)
    url = f"{UNITS}{tree.commune_a1.pk}/change/"

    assert client.get(url).status_code == 200  # read-only view
    response = client.post(
        url, {"code": "25000", "name": "Đổi tên", "level": "commune", "kind": UnitKind.COMMUNE}
    )

    assert response.status_code == 403
    tree.commune_a1.refresh_from_db()
    assert tree.commune_a1.name == "Xã Di Linh"
    assert client.get(f"{UNITS}add/").status_code == 403


def test_search_ignores_diacritics(client, tree, supervisor):
    client.force_login(supervisor)

    html = page(client, UNITS, q="di linh")

    assert "Xã Di Linh" in html
    assert "Xã Hàm Thuận Bắc" not in html


def test_search_by_code(client, tree, supervisor):
    client.force_login(supervisor)

    html = page(client, UNITS, q="23089")

    assert "Xã Hàm Thuận Bắc" in html
    assert "Xã Di Linh" not in html


def test_search_stays_in_scope(client, tree, cadre_a):
    client.force_login(cadre_a)

    html = page(client, UNITS, q="ham thuan")

    assert "Xã Hàm Thuận Bắc" not in html


def test_browse_children_by_parent(client, tree, supervisor):
    client.force_login(supervisor)

    html = page(client, UNITS, parent__id__exact=tree.province_a.pk)

    assert "Xã Di Linh" in html
    assert "Xã Hàm Thuận Bắc" in html
    assert "Ban Dân vận Tỉnh ủy Lâm Đồng" in html
    assert "Thôn Đồng Lạc" not in html  # a grandchild
    assert f"?parent__id__exact={tree.commune_a1.pk}" in html  # link one level down


def test_browse_a_parent_out_of_scope_shows_nothing(client, tree, cadre_a):
    client.force_login(cadre_a)

    html = page(client, UNITS, parent__id__exact=tree.province_b.pk)

    assert "Xã Phong Thổ" not in html


def test_filter_by_level(client, tree, supervisor):
    client.force_login(supervisor)

    html = page(client, UNITS, level="village")

    assert "Thôn Đồng Lạc" in html
    assert "Xã Di Linh" not in html


def test_superuser_sees_everything(client, tree, superuser):
    client.force_login(superuser)

    html = page(client, UNITS)

    for unit in Unit.objects.all():
        assert unit.name in html
    assert client.get(f"{UNITS}{tree.commune_b1.pk}/change/").status_code == 200


def test_administrator_can_edit_a_unit(client, tree, administrator):
    client.force_login(administrator)
    url = f"{UNITS}{tree.commune_a1.pk}/change/"

    response = client.post(
        url,
        {
            "code": "25000",
            "name": "Xã Di Linh Mới",
            "level": "commune",
            "kind": UnitKind.COMMUNE,
            "parent": tree.province_a.pk,
            "codename": "",
            "former_names": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    tree.commune_a1.refresh_from_db()
    assert tree.commune_a1.name == "Xã Di Linh Mới"
    assert tree.commune_a1.name_folded == "xa di linh moi"


def test_supervisor_sees_users_of_their_province_only(client, tree, supervisor, cadre_a, cadre_b):
    UserFactory(username="cadre_lai_chau", memberships=[(tree.commune_b1, Role.COMMUNE_CADRE)])
    client.force_login(supervisor)

    html = page(client, USERS)

    assert "cadre_a" in html
    assert "cadre_b" in html
    assert "supervisor" in html
    assert "cadre_lai_chau" not in html


def test_cadre_cannot_list_users(client, tree, cadre_a):
    client.force_login(cadre_a)

    assert client.get(USERS).status_code == 403


def test_supervisor_cannot_open_a_user_outside_the_province(client, tree, supervisor):
    outsider: Any = UserFactory(
        username="cadre_lai_chau", memberships=[(tree.commune_b1, Role.COMMUNE_CADRE)]
    )
    client.force_login(supervisor)

    response = client.get(f"{USERS}{outsider.pk}/change/", follow=True)

    assert "cadre_lai_chau" not in response.content.decode()


def test_memberships_are_inline_on_the_user_page(client, tree, supervisor, cadre_a):
    client.force_login(supervisor)

    response = client.get(f"{USERS}{cadre_a.pk}/change/")

    assert response.status_code == 200
    (inline,) = response.context["inline_admin_formsets"]
    assert inline.formset.model is Membership
    assert [f.instance.unit.name for f in inline.formset.initial_forms] == ["Xã Di Linh"]
    assert "Xã Di Linh" in response.content.decode()


def test_administrator_adds_a_membership_inline(client, tree, administrator, cadre_b):
    client.force_login(administrator)
    url = f"{USERS}{cadre_b.pk}/change/"
    prefix = client.get(url).context["inline_admin_formsets"][0].formset.prefix
    existing = Membership.objects.get(user=cadre_b)
    data = {
        "username": cadre_b.username,
        "full_name": cadre_b.full_name,
        "email": cadre_b.email,
        "phone": "",
        "is_active": "on",
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-id": existing.pk,
        f"{prefix}-0-user": cadre_b.pk,
        f"{prefix}-0-unit": tree.commune_a2.pk,
        f"{prefix}-0-role": Role.COMMUNE_CADRE,
        f"{prefix}-0-title": "",
        f"{prefix}-1-user": cadre_b.pk,
        f"{prefix}-1-unit": tree.commune_a2.pk,
        f"{prefix}-1-role": Role.PETITION_HANDLER,
        f"{prefix}-1-title": "Cán bộ tiếp dân",
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    roles = set(Membership.objects.filter(user=cadre_b).values_list("role", flat=True))
    assert roles == {Role.COMMUNE_CADRE, Role.PETITION_HANDLER}
    assert set(cadre_b.groups.values_list("name", flat=True)) == {
        "role:commune_cadre",
        "role:petition_handler",
    }


def test_unit_autocomplete_is_scoped_and_ignores_diacritics(client, tree, supervisor):
    client.force_login(supervisor)

    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "org", "model_name": "membership", "field_name": "unit", "term": "xa"},
    )

    assert response.status_code == 200
    names = {row["text"] for row in response.json()["results"]}
    assert names == {"Xã Di Linh", "Xã Hàm Thuận Bắc"}  # not Xã Phong Thổ in Lai Châu


# --- Third-party admins: login records and schedules ------------------------------------------
@pytest.fixture
def province_admin(tree: Any) -> Any:
    """System administrator of province A only."""
    return UserFactory(username="quantri_a", memberships=[(tree.province_a, Role.ADMINISTRATOR)])


def _fail_to_sign_in(api: Any, username: str) -> None:
    response = api.post(
        "/api/v1/auth/token/", {"username": username, "password": "wrong"}, format="json"
    )
    assert response.status_code == 401


def test_login_records_are_scoped_like_the_users(
    client, api, tree, province_admin, administrator, cadre_a
):
    outsider: Any = UserFactory(
        username="canbo_laichau", memberships=[(tree.commune_b1, Role.COMMUNE_CADRE)]
    )
    for username in (cadre_a.username, outsider.username, "khong_ai_ca"):
        _fail_to_sign_in(api, username)

    client.force_login(province_admin)
    html = page(client, "/admin/axes/accessattempt/")
    assert cadre_a.username in html
    assert outsider.username not in html
    assert "khong_ai_ca" not in html
    from axes.models import AccessAttempt

    hidden = AccessAttempt.objects.get(username=outsider.username)
    assert client.get(f"/admin/axes/accessattempt/{hidden.pk}/change/").status_code == 302

    client.force_login(administrator)  # central: every record
    html = page(client, "/admin/axes/accessattempt/")
    assert outsider.username in html
    assert "khong_ai_ca" in html


def test_only_a_superuser_sees_and_edits_the_schedules(
    client, tree, province_admin, administrator, superuser
):
    """The Celery schedules run the whole installation: no administrator's business."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    task = PeriodicTask.objects.create(name="sweep", task="x.sweep", interval=every)
    change = f"/admin/django_celery_beat/periodictask/{task.pk}/change/"
    beat_pages = [
        "/admin/django_celery_beat/",
        "/admin/django_celery_beat/periodictask/",
        change,
        "/admin/django_celery_beat/periodictask/add/",
        "/admin/django_celery_beat/intervalschedule/",
        "/admin/django_celery_beat/crontabschedule/",
        "/admin/django_celery_beat/clockedschedule/",
        "/admin/django_celery_beat/solarschedule/",
    ]

    for person in (province_admin, administrator):  # a province's, and the central one
        client.force_login(person)
        index = page(client, "/admin/")
        assert "django_celery_beat" not in index
        assert "Celery" not in index and "Tác vụ định kỳ" not in index
        for url in beat_pages:
            status = client.get(url).status_code
            assert status in (403, 404), (url, status)  # the app index: 404, as Django does
        response = client.post(change, {"name": "changed", "task": "x.sweep", "enabled": "on"})
        assert response.status_code == 403
        task.refresh_from_db()
        assert task.name == "sweep"

    client.force_login(superuser)
    assert "Tác vụ chạy theo lịch (Celery)" in page(client, "/admin/")
    html = page(client, change)
    assert 'name="_save"' in html


def test_login_records_and_schedules_read_in_vietnamese(
    client, tree, administrator, superuser, api, cadre_a
):
    """django-axes and django-celery-beat ship no Vietnamese: our vendor catalogue adds it."""
    _fail_to_sign_in(api, cadre_a.username)
    client.force_login(superuser)
    index = page(client, "/admin/")
    for label in ("Tác vụ định kỳ", "Các lần đăng nhập sai", "Nhật ký đăng nhập", "Lịch cron"):
        assert label in index, label
    for english in ("Periodic tasks", "Access attempts", "Crontabs", "Intervals"):
        assert english not in index, english
    attempts = page(client, "/admin/axes/accessattempt/")
    assert "Địa chỉ IP" in attempts
    assert "Số lần đăng nhập sai" in attempts
    assert "IP Address" not in attempts
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    task = PeriodicTask.objects.create(name="sweep", task="x.sweep", interval=every)
    form = page(client, f"/admin/django_celery_beat/periodictask/{task.pk}/change/")
    assert "Lịch theo chu kỳ" in form
    assert "Interval Schedule" not in form
