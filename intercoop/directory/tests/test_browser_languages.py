"""An organisation's admin opens its edit page in Spanish or French and saves it
unchanged: nothing changes (the founding date was once erased, the date box getting
"01/11/1972", which the browser rejects)."""

import datetime as dt

import pytest
from django.conf import settings
from django.forms.models import model_to_dict

from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.browser import SCREENSHOTS, browser_page, live_url, log_in
from intercoop.directory import services
from intercoop.directory.models import Organization, OrganizationRole

__all__ = ["browser_page", "live_url"]  # fixtures

SAVED = {"es": "Guardado.", "fr": "Enregistré."}


def stored(org: Organization) -> dict:
    org.refresh_from_db()
    values = model_to_dict(org)
    for field in ("updated_at", "updated_by", "search_text"):
        values.pop(field, None)
    return values


@pytest.mark.browser
@pytest.mark.parametrize("language", ["es", "fr"])
def test_saving_the_edit_form_unchanged_changes_nothing(live_url, browser_page, language):
    org = make_org(
        name="Riverside Bakery Co-op",
        description="Bread since 1972.",
        founded_on=dt.date(1972, 11, 1),
        number_of_members=1234,
        employees=56,
        turnover=123456789,
        turnover_currency="EUR",
        street="1 Canal Street",
        postcode="LS1 1AA",
        languages=["en", "es"],
        tags=["bread", "flour"],
        other_activities="ICA140",
        legal_form="Co-operative society",
    )
    admin = make_user("admin")
    services.organization_role_assign(
        actor=system_actor(), organization=org, user=admin, role=OrganizationRole.Role.ADMIN
    )
    before = stored(org)
    page = browser_page
    log_in(page, live_url, "admin", "pw-for-tests-1")
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_url}]
    )

    page.goto(f"{live_url}/orgs/{org.slug}/edit/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.input_value("#id_founded_on") == "1972-11-01"
    assert page.get_attribute("#id_founded_on", "value") == "1972-11-01"
    page.screenshot(path=str(SCREENSHOTS / f"organisation-edit-{language}.png"), full_page=True)
    page.click("main form button[type=submit]:not([formaction])")
    page.wait_for_url(f"{live_url}/orgs/{org.slug}/")

    assert SAVED[language] in page.locator(".messages").inner_text()
    assert stored(org) == before
    assert before["founded_on"] == dt.date(1972, 11, 1)


@pytest.mark.browser
def test_the_map_s_controls_and_counts_speak_french(live_url, browser_page):
    """Leaflet's buttons through leaflet_locale.js, the count through the JavaScript
    catalogue."""
    make_org(name="Riverside Bakery", latitude=53.80, longitude=-1.55)
    make_org(name="Canal Homes", latitude=53.79, longitude=-1.60)
    page = browser_page
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "fr", "url": live_url}]
    )
    page.goto(f"{live_url}/map/")
    page.wait_for_selector("#map-list li >> nth=1")
    assert page.get_attribute(".leaflet-control-zoom-in", "title") == "Zoom avant"
    assert page.get_attribute(".leaflet-control-zoom-out", "title") == "Zoom arrière"
    prefix = page.locator(".leaflet-control-attribution a").first
    assert (
        prefix.get_attribute("title") == "Une bibliothèque JavaScript pour les cartes interactives"
    )
    assert page.locator("#map-count").inner_text().startswith("Visibles : 2")
    page.screenshot(path=str(SCREENSHOTS / "map-fr.png"))
