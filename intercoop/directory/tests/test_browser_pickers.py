"""Picking, finding, placing in a real browser: an organisation chosen by keyboard only
through the autocomplete, a place found on the map, a location set by clicking a map."""

import re

import pytest

from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.browser import SCREENSHOTS, browser_page, live_url, log_in, wait_until
from intercoop.directory import services
from intercoop.directory.models import Organization, OrganizationRole
from intercoop.network.models import Relationship

__all__ = ["browser_page", "live_url"]  # fixtures


def _admin_of(organization, username):
    user = make_user(username)
    services.organization_role_assign(
        actor=system_actor(), organization=organization, user=user, role=OrganizationRole.Role.ADMIN
    )
    return user


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_autocomplete_picks_an_organisation_by_keyboard(live_url, browser_page, width, height):
    ours = make_org(name="Riverside Bakery")
    make_org(name="Canal Homes", locality="Bradford", latitude=53.79, longitude=-1.75)
    theirs = make_org(name="Canal Side Farm", locality="Skipton", latitude=53.96, longitude=-2.0)
    _admin_of(ours, "baker")
    page = browser_page
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_url, "baker", "pw-for-tests-1")
    page.goto(f"{live_url}/orgs/riverside-bakery/relationships/")

    box = page.locator("#id_other")
    assert box.get_attribute("role") == "combobox"
    box.focus()
    page.keyboard.type("canal")
    page.wait_for_selector("#id_other-listbox [role=option] >> nth=1")
    assert box.get_attribute("aria-expanded") == "true"
    assert page.locator("#id_other-listbox [role=option]").all_inner_texts() == [
        "Canal Homes — Bradford canal-homes",
        "Canal Side Farm — Skipton canal-side-farm",
    ]
    assert page.locator("#id_other-status").inner_text().startswith("2 results.")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "id_other-listbox-1"
    assert page.locator("#id_other-listbox-1").get_attribute("aria-selected") == "true"
    suffix = "phone" if width < 900 else "desktop"
    page.screenshot(path=str(SCREENSHOTS / f"autocomplete-open-{suffix}.png"))
    page.keyboard.press("Enter")  # chooses the option, does not submit
    assert box.input_value() == "Canal Side Farm — Skipton"
    assert page.locator("input[type=hidden][name=other]").input_value() == "canal-side-farm"
    assert box.get_attribute("aria-expanded") == "false"
    assert page.locator("#id_other-listbox").is_hidden()
    page.screenshot(path=str(SCREENSHOTS / f"autocomplete-chosen-{suffix}.png"))

    page.keyboard.press("Enter")  # the list is closed: Enter submits the form
    page.wait_for_selector(".messages")
    assert page.url == f"{live_url}/orgs/riverside-bakery/relationships/"
    tie = Relationship.objects.get()
    assert (tie.source_id, tie.target_id) == (ours.pk, theirs.pk)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.browser
def test_a_place_search_moves_the_map_and_the_address_keeps_the_view(live_url, browser_page):
    make_org(name="Riverside Bakery", latitude=53.80, longitude=-1.55)
    make_org(name="Canal Homes", locality="Bradford", latitude=53.79, longitude=-1.75)
    page = browser_page
    page.goto(f"{live_url}/map/?structure=OS60")
    page.wait_for_selector(".leaflet-marker-icon")
    wait_until(page, "location.search.indexOf('at=53.') >= 0")

    page.locator("#place-q").focus()
    page.keyboard.type("Paris")
    wait_until(
        page,
        "(document.querySelector('#place-q-listbox [role=option]') || {}).textContent"
        " === 'Paris, France'",
    )
    page.screenshot(path=str(SCREENSHOTS / "map-place-search.png"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    wait_until(page, "location.search.indexOf('at=48.85') >= 0")
    assert "structure=OS60" in page.url
    assert "place=Paris%2C+France" in page.url
    assert re.search(r"at=48\.85\d*%2C2\.3\d*%2C10", page.url)
    page.screenshot(path=str(SCREENSHOTS / "map-place-chosen.png"))

    # reloading the shared address restores the view, the filter and the place
    page.reload()
    page.wait_for_selector("#map")
    wait_until(page, "document.getElementById('place-q').value === 'Paris, France'")
    assert page.locator("select[name=structure]").input_value() == "OS60"
    assert re.search(r"at=48\.85\d*%2C2\.3\d*%2C10", page.url)

    # fit to results: back to the organisations in Yorkshire
    page.click("button:has-text('Fit to results')")
    wait_until(page, "location.search.indexOf('at=53.') >= 0")
    page.wait_for_selector(".leaflet-marker-icon")

    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#place-q").fill("")
    page.locator("#place-q").focus()
    page.keyboard.type("Leeds")
    page.wait_for_selector("#place-q-listbox [role=option]")
    assert page.locator("#place-q-listbox [role=option]").first.inner_text() == (
        "Leeds, United Kingdom 1 organisation"
    )
    page.screenshot(path=str(SCREENSHOTS / "map-place-search-phone.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_clicking_the_edit_form_map_fills_the_location(live_url, browser_page, width, height):
    organization = make_org(name="Riverside Bakery", latitude=None, longitude=None)
    _admin_of(organization, "baker")
    page = browser_page
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, live_url, "baker", "pw-for-tests-1")
    page.goto(f"{live_url}/orgs/riverside-bakery/edit/")
    page.wait_for_selector("#location-map.leaflet-container")
    assert page.locator("#location-map .leaflet-marker-icon").count() == 0

    page.locator("#location-map").scroll_into_view_if_needed()
    box = page.locator("#location-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 40, box["y"] + box["height"] / 2 - 30)
    page.wait_for_selector("#location-map .leaflet-marker-icon")
    lat, lon = float(page.input_value("#id_latitude")), float(page.input_value("#id_longitude"))
    assert 20 < lat < 60 and 0 < lon < 40  # a little north-east of (20, 0), zoomed out

    # typing a position moves the marker
    page.fill("#id_latitude", "53.8")
    page.fill("#id_longitude", "-1.55")
    page.wait_for_timeout(600)  # the map pans to the marker
    page.locator("#location-map").scroll_into_view_if_needed()
    page.screenshot(
        path=str(SCREENSHOTS / f"edit-location-{'phone' if width < 900 else 'desktop'}.png")
    )

    # dragging the marker updates the fields
    marker = page.locator("#location-map .leaflet-marker-icon").bounding_box()
    x, y = marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] - 4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 30, y + 20, steps=5)
    page.mouse.up()
    dragged = float(page.input_value("#id_latitude")), float(page.input_value("#id_longitude"))
    assert dragged[0] < 53.8 and dragged[1] > -1.55

    page.click("form.org-form button[type=submit]")
    page.wait_for_url(f"{live_url}/orgs/riverside-bakery/")
    organization = Organization.objects.get(pk=organization.pk)
    assert (organization.latitude, organization.longitude) == pytest.approx(dragged, abs=1e-6)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
