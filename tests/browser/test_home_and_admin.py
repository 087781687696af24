"""The home page and the admin's unit tree, as a person sees them in a browser."""

import pytest

pytestmark = pytest.mark.browser


def test_home_in_vietnamese_for_anonymous_visitor(open_page, screenshot):
    page = open_page(None, "/")

    assert (
        page.locator("h1").inner_text() == "Công tác dân vận: đơn thư, văn bản chỉ đạo và nhiệm vụ"
    )
    assert page.get_by_role("link", name="Đăng nhập").first.is_visible()
    screenshot(page, "home-anonymous")


def test_home_lists_the_cadres_unit_on_a_phone(open_page, screenshot, cadre_a):
    page = open_page(cadre_a, "/", phone=True)

    assert "Xã Di Linh" in page.locator("table.list").inner_text()
    assert "Cán bộ cấp xã" in page.locator("table.list").inner_text()
    links = page.locator("ul.links a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        "/petitions/",
        "/tasks/",
        "/reports/",
        "/notifications/preferences/",
    ]
    screenshot(page, "home-cadre-phone")
    page.get_by_role("link", name="Cách bạn nhận nhắc việc").click()
    page.wait_for_load_state()
    assert page.url.endswith("/notifications/preferences/")


def test_admin_unit_search_without_diacritics(open_page, screenshot, supervisor):
    page = open_page(supervisor, "/admin/org/unit/")
    page.fill("#searchbar", "di linh")
    page.press("#searchbar", "Enter")
    page.wait_for_load_state()

    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "Xã Di Linh" in rows.first.inner_text()
    screenshot(page, "admin-unit-search")


def test_english_for_a_person_who_chose_it(open_page, cadre_a):
    cadre_a.language = "en"  # the profile decides, not the browser (which asks for vi here)
    cadre_a.save(update_fields=["language"])

    page = open_page(cadre_a, "/", language="vi")

    assert page.locator("h1").inner_text() == "My work"
