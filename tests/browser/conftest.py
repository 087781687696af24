"""
Real-browser tests: Debian's chromium driven by Playwright, against Django's live server.

Skipped when chromium is not installed (a fresh laptop running `make test`); CI installs it
and sets DANVAN_REQUIRE_SERVICES=1, which turns a missing browser into a failure.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("DANVAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists() or os.environ.get("DANVAN_REQUIRE_SERVICES") == "1":
        return
    skip = pytest.mark.skip(reason=f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


# Every page records the Content-Security-Policy violations the browser reports, through the
# DOM event (blocked inline scripts, styles, event handlers, eval, connections) and the console.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def csp_violations(page: Any) -> list[str]:
    """What the page's browser refused under the Content-Security-Policy so far."""
    reported = list(page.context.csp_console)
    with contextlib.suppress(Exception):  # a page closing: the console list still holds
        reported += page.evaluate("window.__cspViolations || []")
    return reported


@pytest.fixture
def open_page(
    browser: Any, live_server: Any, transactional_db: Any
) -> Iterator[Callable[..., Any]]:
    """
    `open_page(user, "/path", phone=True)`: a Playwright page signed in as `user`.

    The pages run under the application's Content-Security-Policy: a test whose pages made
    the browser report a violation fails at the end (tests/browser/test_csp.py looks closer).
    """
    from django.test import Client

    contexts = []

    def make(
        user: Any = None, path: str = "/", *, phone: bool = False, language: str = "vi"
    ) -> Any:
        context = browser.new_context(
            viewport=PHONE if phone else DESKTOP,
            locale=language,
            extra_http_headers={"Accept-Language": language},
        )
        contexts.append(context)
        context.csp_console = []
        context.add_init_script(CSP_LISTENER)
        context.on(
            "console",
            lambda message: (
                context.csp_console.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": cookie.value,
                        "url": live_server.url,
                    }
                ]
            )
        page = context.new_page()
        page.goto(live_server.url + path)
        return page

    yield make
    violations = []
    for context in contexts:
        violations += list(context.csp_console)
        for page in context.pages:
            with contextlib.suppress(Exception):  # a closed page: its console was kept
                violations += page.evaluate("window.__cspViolations || []")
        context.close()
    if violations:
        pytest.fail(f"Content-Security-Policy violations: {violations}")


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    """Save a full-page screenshot under docs/screenshots/ (committed, shown in the docs)."""

    def take(page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
