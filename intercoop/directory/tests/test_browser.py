"""A person on the map: filter by a structure, click a result, land on its page."""

import pytest

from intercoop.conftest import make_org
from intercoop.core.browser import SCREENSHOTS, browser_page, live_url, wait_until

__all__ = ["browser_page", "live_url"]  # fixtures


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
    wait_until(page, "document.querySelectorAll('#map-list li').length === 1")
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
