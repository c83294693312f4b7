"""Each demo persona signs in, lands on their dashboard and finds what the demo leaves
waiting for them, at desktop and phone widths; Lucía, who prefers Spanish, gets the
pages in Spanish once she signs in."""

import pytest

from intercoop.config.demo import demo_region_build
from intercoop.core.browser import SCREENSHOTS, browser_page, live_url, log_in
from intercoop.directory.demo import DEMO_PASSWORD

__all__ = ["browser_page", "live_url"]  # fixtures

WAITING = {
    "coordinator": ["Applications to join Valley Purchasing Alliance", "New assessments of"],
    "manager": ["Introductions waiting for your answer", "Invoices to confirm for",
                "open for orders", "Urgent calls for help on", "Polls that need your vote"],
    "member": ["New assessments of", "Urgent calls for help on"],
}  # fmt: skip


@pytest.mark.browser
def test_each_persona_lands_on_what_needs_them(live_url, browser_page):
    page = browser_page
    demo_region_build()
    for username, expected in WAITING.items():
        page.set_viewport_size({"width": 1280, "height": 900})
        log_in(page, live_url, username, DEMO_PASSWORD)
        assert page.url == f"{live_url}/dashboard/"
        tasks = page.locator(".tasks li").all_inner_texts()
        for text in expected:
            assert any(text in task for task in tasks), (username, text, tasks)
        # every task is a link to its page, which opens
        first = page.locator(".tasks li a").first
        href = first.get_attribute("href")
        page.screenshot(path=str(SCREENSHOTS / f"dashboard-{username}-1280.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=str(SCREENSHOTS / f"dashboard-{username}-390.png"), full_page=True)
        response = page.goto(f"{live_url}{href}")
        assert response is not None and response.status == 200, (username, href)


@pytest.mark.browser
def test_the_preferred_language_applies_at_sign_in(live_url, browser_page):
    page = browser_page
    demo_region_build()
    log_in(page, live_url, "lucia", DEMO_PASSWORD)
    assert page.url == f"{live_url}/dashboard/"
    assert page.get_attribute("html", "lang") == "es"
    page.goto(f"{live_url}/accounts/profile/")
    assert page.input_value("#id_display_name") == "Lucía Fernández"
    page.screenshot(path=str(SCREENSHOTS / "profile-lucia-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(SCREENSHOTS / "profile-lucia-390.png"), full_page=True)
    # saving unchanged keeps everything, and says so
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_url}/accounts/profile/")
    assert page.input_value("#id_display_name") == "Lucía Fernández"
    assert page.get_attribute("html", "lang") == "es"
