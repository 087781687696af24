"""
Every main page works under the Content-Security-Policy: the browser reports no violation
(no inline script, style, event handler or eval was blocked) and the page's JavaScript runs.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from petitions.services import PetitionerInput
from seeds.petitions import seed_petition_reference
from tests.browser.conftest import csp_violations
from tests.petitions.factories import PetitionFactory
from tests.tasks.factories import make_task

pytestmark = pytest.mark.browser


def _policy(page: Any, path: str) -> str:
    response = page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + path)
    assert response.status == 200, path
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    page.wait_for_load_state("networkidle")
    return policy


def test_the_main_pages_work_under_the_policy(
    open_page: Any,
    handler_a: Any,
    cadre_a: Any,
    supervisor: Any,
    administrator: Any,
    tree: Any,
) -> None:
    seed_petition_reference()
    petition = PetitionFactory(
        actor=handler_a,
        unit=tree.commune_a1,
        petitioners=[PetitionerInput(full_name="Nguyễn Văn Hùng", citizen_id="060085001234")],
    )
    make_task(
        issuing_unit=tree.province_a,
        lead_unit=tree.commune_a1,
        title="Vận động hiến đất làm đường",
        due_on=timezone.localdate() + datetime.timedelta(days=30),
        progress_percent=40,
    )

    page = open_page(handler_a, "/")
    for path in ("/", "/petitions/", f"/petitions/{petition.pk}/", "/petitions/new/"):
        _policy(page, path)
        assert csp_violations(page) == [], path
    assert page.locator("form.intake").count() == 1

    # The language switch is a script (site.js): choosing English reloads the page in English.
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert csp_violations(page) == []

    page = open_page(cadre_a, "/")
    _policy(page, "/tasks/")
    # The progress bar is drawn by site.js (no style attribute in the page).
    bar = page.locator(".progress > span[data-bar]").first
    assert bar.get_attribute("style") is None or "40%" in (bar.get_attribute("style") or "")
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('.progress > span[data-bar]')).width"
        )
        != "0px"
    )
    assert csp_violations(page) == []

    page = open_page(supervisor, "/")
    _policy(page, f"/reports/?unit={tree.province_a.pk}")
    assert csp_violations(page) == []

    # The admin: its own script (nav_sidebar.js) folds the side menu away and back.
    _policy(page, "/admin/")
    _policy(page, "/admin/org/unit/")
    assert page.locator("#result_list tbody tr").count() > 1
    shifted = "document.querySelector('#main').classList.contains('shifted')"
    before = page.evaluate(shifted)
    page.locator("#toggle-nav-sidebar").click()
    assert page.evaluate(shifted) is not before
    assert csp_violations(page) == []
    # A change form with an autocomplete (select2) and the admin's form scripts.
    page = open_page(administrator, "/")
    _policy(page, f"/admin/org/unit/{tree.commune_a1.pk}/change/")
    page.locator(".select2-selection").first.click()
    page.wait_for_selector(".select2-results__option")
    assert page.locator(".select2-results__option").count() > 0
    _policy(page, "/admin/petitions/petition/")
    assert csp_violations(page) == []

    # The API docs: Swagger UI starts from its ?script file and draws every operation.
    _policy(page, "/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=20_000)
    # Swagger UI draws a long list as it scrolls into view (virtualized): scroll to the end,
    # collecting the operations drawn on the way.
    drawn: set[str] = set()
    for _ in range(200):
        drawn |= set(page.eval_on_selector_all(".opblock", "els => els.map(e => e.id)"))
        if page.locator("#operations-tag-units").count():
            break
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(50)
    assert len(drawn) > 20, drawn
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_selector(".opblock")
    page.locator(".opblock-summary").first.click()
    page.wait_for_selector(".opblock-body")
    assert csp_violations(page) == []


def test_a_blocked_inline_script_is_seen(open_page: Any, cadre_a: Any) -> None:
    """The check can fail: an inline script added to a page is refused and reported."""
    page = open_page(cadre_a, "/")
    page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.__ran = true";
          document.body.appendChild(s);
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran === true") is False
    found = csp_violations(page)
    assert found and any("script-src" in v for v in found)
    # Forget them so the fixture's own check at the end does not fail this test.
    page.context.csp_console.clear()
    page.evaluate("window.__cspViolations = []")
