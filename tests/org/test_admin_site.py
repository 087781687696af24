"""The admin a province administrator would want: daily use first, Vietnamese everywhere,
no internal fields, and the installation's machinery left to superusers."""

from __future__ import annotations

from typing import Any

import pytest

from danvan.org.models import Role, User
from tests.factories import UserFactory

# English Django puts on the user forms; none of it may show in Vietnamese.
ENGLISH_ON_USER_FORMS = [
    "Required. 150 characters",
    "Password-based authentication",
    "Whether the user will be able",
    "Enabled",
    "Disabled",
    "Raw passwords are not stored",
    "Reset password",
    "Set password",
    "Personal info",
    "Password confirmation",
    "Enter the same password",
    "Letters, digits and",
    "Username",
    "Email address",
]


@pytest.fixture
def superuser(tree: Any) -> Any:
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def province_admin(tree: Any) -> Any:
    """System administrator of province A (Lâm Đồng): staff, not a superuser."""
    return UserFactory(username="quantri_a", memberships=[(tree.province_a, Role.ADMINISTRATOR)])


def _app_labels(client: Any) -> list[str]:
    response = client.get("/admin/")
    assert response.status_code == 200
    return [app["app_label"] for app in response.context["app_list"]]


def test_a_province_administrator_finds_daily_work_first(client, province_admin):
    client.force_login(province_admin)

    labels = _app_labels(client)

    assert labels[:2] == ["petitions", "tasks"]
    daily = ["petitions", "tasks", "movement", "citizen", "reports", "org", "notify", "calendar"]
    shown = [label for label in labels if label in daily]
    assert shown == [label for label in daily if label in labels]  # in that order
    assert "django_celery_beat" not in labels
    assert labels.index("axes") > labels.index("calendar")
    assert labels[-1] == "axes" or labels.index("axes") > labels.index("org")


def test_the_superuser_sees_the_machinery_last_in_a_fixed_order(client, superuser):
    client.force_login(superuser)

    labels = _app_labels(client)

    assert labels[:8] == [
        "petitions",
        "tasks",
        "movement",
        "citizen",
        "reports",
        "org",
        "notify",
        "calendar",
    ]
    assert labels[-6:] == [
        "token_blacklist",
        "axes",
        "otp_totp",
        "otp_static",
        "django_celery_beat",
        "auth",
    ]


def test_models_are_in_the_order_of_daily_use(client, superuser):
    client.force_login(superuser)
    apps = {app["app_label"]: app for app in client.get("/admin/").context["app_list"]}

    def names(label: str) -> list[str]:
        return [m["object_name"] for m in apps[label]["models"]]

    assert names("petitions")[:2] == ["Petition", "ReceptionSession"]
    assert names("tasks")[0] == "Task"
    assert names("org") == ["User", "Unit"]
    assert names("django_celery_beat")[0] == "PeriodicTask"


def test_every_app_and_model_has_a_vietnamese_name(client, superuser):
    client.force_login(superuser)
    response = client.get("/admin/")
    html = response.content.decode()

    for name in (
        "Đăng nhập sai và khóa tài khoản",
        "Xác thực hai lớp: ứng dụng xác thực",
        "Ứng dụng xác thực (TOTP)",
        "Xác thực hai lớp: mã dự phòng",
        "Bộ mã dự phòng",
        "Tác vụ chạy theo lịch (Celery)",
    ):
        assert name in html, name
    for english in ("Axes", "AXES", "Otp_Totp", "Otp_Static", "TOTP devices", "static devices"):
        assert f">{english}<" not in html and f"{english}</" not in html, english
    # The breadcrumbs and titles of the third-party pages too.
    attempts = client.get("/admin/axes/accessattempt/").content.decode()
    assert "Đăng nhập sai và khóa tài khoản" in attempts


def test_the_add_user_page_is_vietnamese(client, province_admin):
    client.force_login(province_admin)

    response = client.get("/admin/org/user/add/")

    assert response.status_code == 200
    html = response.content.decode()
    for english in ENGLISH_ON_USER_FORMS:
        assert english not in html, english
    for vietnamese in (
        "Tên đăng nhập",
        "Đăng nhập bằng mật khẩu",
        "Cho phép",
        "Thông tin cá nhân",
        "Họ và tên",
        "Điện thoại",
    ):
        assert vietnamese in html, vietnamese


def test_the_change_user_and_password_pages_are_vietnamese(client, superuser, cadre_a):
    client.force_login(superuser)

    change = client.get(f"/admin/org/user/{cadre_a.pk}/change/").content.decode()
    password = client.get(f"/admin/org/user/{cadre_a.pk}/password/").content.decode()

    for html in (change, password):
        for english in ENGLISH_ON_USER_FORMS:
            assert english not in html, english
    assert "Đặt mật khẩu mới" in change
    assert "không ai xem được mật khẩu" in change
    assert "Đăng nhập bằng mật khẩu" in password


def test_a_person_is_added_with_name_and_contacts_in_one_step(client, superuser):
    client.force_login(superuser)

    response = client.post(
        "/admin/org/user/add/",
        {
            "username": "canbo_moi",
            "usable_password": "true",
            "password1": "mat-khau-rat-dai-2026",
            "password2": "mat-khau-rat-dai-2026",
            "full_name": "Nguyễn Thị Hoa",
            "email": "hoa@example.vn",
            "phone": "0912345678",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    person = User.objects.get(username="canbo_moi")
    assert (person.full_name, person.email) == ("Nguyễn Thị Hoa", "hoa@example.vn")
    assert person.check_password("mat-khau-rat-dai-2026")


def test_the_unit_form_hides_the_trees_bookkeeping(client, tree, superuser):
    client.force_login(superuser)

    html = client.get(f"/admin/org/unit/{tree.commune_a1.pk}/change/").content.decode()

    for internal in ('name="path"', 'name="depth"', 'name="codename"', "/TW/68/", "Độ sâu"):
        assert internal not in html, internal
    assert 'name="parent"' in html
    assert "Lâm Đồng" in html  # the parent, chosen by name


def test_a_province_administrator_edits_a_unit_without_internal_fields(
    client, tree, province_admin
):
    client.force_login(province_admin)
    url = f"/admin/org/unit/{tree.commune_a1.pk}/change/"

    response = client.post(
        url,
        {
            "code": tree.commune_a1.code,
            "name": "Xã Di Linh mới",
            "level": tree.commune_a1.level,
            "kind": tree.commune_a1.kind,
            "parent": tree.province_a.pk,
            "former_names": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    tree.commune_a1.refresh_from_db()
    assert tree.commune_a1.name == "Xã Di Linh mới"
    assert tree.commune_a1.path.endswith(f"/{tree.commune_a1.code}/")
