"""The admin as a province administrator opens it: daily work first, all in Vietnamese."""

from __future__ import annotations

from typing import Any

import pytest

from danvan.org.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def province_admin(tree: Any) -> Any:
    return UserFactory(username="quantri_a", memberships=[(tree.province_a, Role.ADMINISTRATOR)])


def test_the_admin_index_of_a_province_administrator(open_page, screenshot, province_admin):
    page = open_page(province_admin, "/admin/")

    # text_content: the names as written (the admin's CSS shows captions in capitals)
    captions = [
        c.strip() for c in page.locator("#content-main .module caption").all_text_contents()
    ]
    assert captions[0] == "Đơn thư"
    assert captions[1].startswith("Văn bản chỉ đạo")
    text = page.locator("#content-main").text_content() or ""
    assert "Celery" not in text and "Tác vụ định kỳ" not in text
    assert "Axes" not in text
    assert captions.index("Đăng nhập sai và khóa tài khoản") > captions.index("Lịch ngày làm việc")
    screenshot(page, "admin-index")


def test_the_whole_year_import_shows_a_preview(open_page, screenshot, administrator, tmp_path):
    csv_file = tmp_path / "ngay-nghi-2027.csv"
    csv_file.write_text(
        "Ngày; Tên; Loại\n"
        "04/01/2027; Nghỉ bù Tết Dương lịch; nghỉ\n"
        "09/01/2027; Làm bù cho ngày 04/01/2027; làm việc\n"
        "01/01/2027; Tết Dương lịch; nghỉ\n",
        encoding="utf-8",
    )
    page = open_page(administrator, "/admin/calendar/calendarexception/")
    page.get_by_role("link", name="Nhập ngày nghỉ cả năm").click()
    page.set_input_files("#id_file", str(csv_file))
    page.get_by_role("button", name="Xem trước").click()
    page.wait_for_load_state()

    assert "(2)" in page.locator("#import-new caption").inner_text()
    assert "(1)" in page.locator("#import-present caption").inner_text()
    screenshot(page, "admin-holiday-import")
    page.get_by_role("button", name="Lưu 2 ngày mới").click()
    page.wait_for_load_state()
    assert "Đã thêm 2 ngày vào lịch." in page.locator("ul.messagelist").inner_text()
