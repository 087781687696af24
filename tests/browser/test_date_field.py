"""
A browser set to English (locale en-US, Accept-Language en-US): the pages stay Vietnamese and
dates are typed and picked as dd/mm/yyyy, not the browser's mm/dd/yyyy.
"""

from __future__ import annotations

import re
from typing import Any


def test_an_english_browser_gets_vietnamese_and_dd_mm_yyyy(
    open_page: Any, screenshot: Any, cadre_a: Any, tree: Any
) -> None:
    page = open_page(cadre_a, "/petitions/new/", language="en-US", phone=True)

    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").first.inner_text().strip() != ""
    field = page.locator('input[name="received_on"]')
    assert field.get_attribute("type") == "text"
    assert field.get_attribute("placeholder") == "dd/mm/yyyy"
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", field.input_value())

    # The calendar button beside it: open, go back a month, pick the 15th.
    page.locator(".datefield-open").first.click()
    popup = page.locator(".datefield-popup").first
    assert popup.is_visible()
    popup.locator(".datefield-nav").first.click()
    popup.locator(".datefield-day:not(.outside)", has_text=re.compile(r"^15$")).click()
    value = field.input_value()
    assert re.fullmatch(r"15/\d{2}/\d{4}", value), value
    assert popup.is_hidden()
    screenshot(page, "date-field-phone")

    # Typed digits on a phone get their slashes.
    field.fill("")
    field.type("31122026")
    assert field.input_value() == "31/12/2026"
