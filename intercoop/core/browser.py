"""Fixtures for browser tests: a live server per test and Debian's Chromium driven by
Playwright (never a downloaded browser). Without Chromium the tests skip, except in CI,
where a missing browser is a failure."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test.testcases import LiveServerThread, _StaticFilesHandler

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def live_url(transactional_db: Any) -> Iterator[str]:
    """A live server for this test only. Its request threads close their database
    connections after each request (CONN_MAX_AGE is 0 in tests, see conftest). On
    PostgreSQL, a thread the browser kept alive may still hold one at the very end, and
    pytest-django then warns that it could not drop the test database; the next run
    recreates it."""
    thread = LiveServerThread("127.0.0.1", _StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


@pytest.fixture
def browser_page(monkeypatch: Any) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI (apt-get install chromium)")
        pytest.skip("Debian's Chromium is not installed: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; the test's own ORM calls are synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15000)
        yield page
        browser.close()


def log_in(page: Any, live_url: str, username: str, password: str) -> None:
    """Sign in through the log-in page, as a person would."""
    page.context.clear_cookies()
    page.goto(f"{live_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def wait_until(page: Any, expression: str, *, seconds: float = 15) -> None:
    """Wait until a JavaScript expression is true on the page. (Playwright's own
    wait_for_function evaluates strings in the page, which our Content Security Policy
    rightly forbids; evaluate() goes through the debugging protocol instead.)"""
    import time

    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {seconds} s: {expression}")
        page.wait_for_timeout(100)
