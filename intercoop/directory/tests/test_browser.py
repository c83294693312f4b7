"""A person on the map: filter by a structure, click a result, land on its page.

Drives Debian's Chromium through Playwright (never a downloaded browser). Without
Chromium the test skips, except in CI, where a missing browser is a failure."""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connection
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from intercoop.conftest import make_org

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


@pytest.fixture
def live_url(transactional_db):
    """A live server for this test only, stopped (and its database connection closed)
    before the test database is torn down."""
    thread = LiveServerThread("127.0.0.1", _StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
    if connection.vendor == "postgresql":
        # A request thread kept alive by the browser may still hold its connection; the
        # test database can only be dropped once it is gone.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture
def browser_page(monkeypatch):
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
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(15000)
        yield page
        browser.close()


@pytest.mark.browser
def test_map_filter_click_lands_on_detail(live_url, browser_page):
    make_org(name="Riverside Bakery", latitude=53.80, longitude=-1.55)
    make_org(name="Canal Homes", organisational_structure="OS70", latitude=53.79, longitude=-1.60)
    make_org(name="Dale Growers", organisational_structure="OS90", latitude=53.85, longitude=-1.50)
    page = browser_page

    page.goto(f"{live_url}/map/")
    page.wait_for_selector("#map-list li >> nth=2")
    page.wait_for_selector(".leaflet-marker-icon")  # drawn from its own request
    page.select_option("select[name=structure]", "OS70")
    page.wait_for_function("document.querySelectorAll('#map-list li').length === 1")
    assert page.locator("#map-list li").inner_text().startswith("Canal Homes")
    assert "structure=OS70" in page.locator("#map-downloads a[data-format=csv]").get_attribute(
        "href"
    )
    page.screenshot(path=str(SCREENSHOTS / "map-filtered.png"))

    page.click("#map-list a:has-text('Canal Homes')")
    page.wait_for_url(f"{live_url}/orgs/canal-homes/")
    assert page.locator("h1").inner_text() == "Canal Homes"
    page.wait_for_selector("#detail-map .leaflet-marker-icon")
    assert page.locator("#detail-map .leaflet-marker-icon").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "organisation-detail.png"))
