"""A school's manager adds a need, sees a co-op bakery's matching offer and asks to be
introduced; the bakery accepts; the new tie appears on the graph."""

import pytest

from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.browser import SCREENSHOTS, browser_page, live_url, log_in, wait_until
from intercoop.directory import services as directory_services
from intercoop.exchange import services

__all__ = ["browser_page", "live_url"]  # fixtures

PASSWORD = "pw-for-tests-1"


@pytest.mark.browser
def test_need_match_introduction_accept_and_the_graph(live_url, browser_page):
    bakery = make_org(email="orders@riverside.example")
    school = make_org(name="Valley School", slug="valley-school", is_cooperative=False,
                      latitude=53.81, longitude=-1.56, email="office@school.example")  # fmt: skip
    for organization, username in [(bakery, "baker"), (school, "head")]:
        directory_services.organization_role_assign(
            actor=system_actor(), organization=organization, user=make_user(username), role="admin"
        )
    services.exchange_item_create(
        actor=system_actor(),
        organization=bakery,
        values={"kind": "offer", "category": "food", "title": "Sourdough bread and pastries",
                "description": "Baked daily and delivered in Leeds", "service_radius_km": 20,
                "coop_discount": 10},
    )  # fmt: skip
    page = browser_page

    # the school's manager adds a need and sees the bakery's offer among its matches
    log_in(page, live_url, "head", PASSWORD)
    page.goto(f"{live_url}/orgs/valley-school/exchange/")
    page.click("text=Add a need")
    page.select_option("#id_category", "food")
    page.fill("#id_title", "Bread for the school canteen")
    page.fill("#id_description", "Fresh bread every school day, about 300 pupils")
    page.fill("#id_annual_spend", "12000")
    page.fill("#id_currency", "GBP")
    page.click("main button[type=submit]")
    match = page.locator(".match").first
    assert "Riverside Bakery Co-op" in match.inner_text()
    assert "km apart" in match.locator(".why").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "exchange-dashboard.png"), full_page=True)

    # … and asks to be introduced
    match.locator("text=Request an introduction").click()
    page.fill("#id_message", "We would love your bread in our canteen. Can we talk?")
    page.screenshot(path=str(SCREENSHOTS / "exchange-introduction-request.png"))
    page.click("text=Send the request")
    assert "Waiting for an answer" in page.locator("main").inner_text()

    # the bakery sees it in its inbox, accepts, and both see each other's contacts
    log_in(page, live_url, "baker", PASSWORD)
    assert page.locator(".inbox-link .count").inner_text().split()[0] == "1"  # then "unread"
    page.click(".inbox-link")
    page.click("text=Valley School would like to meet you")
    assert "office@school.example" not in page.content()
    page.click("text=Accept and share contacts")
    assert "office@school.example" in page.locator(".contacts").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "exchange-introduction-accepted.png"), full_page=True)

    # the school's manager sees the tie on the graph
    log_in(page, live_url, "head", PASSWORD)
    page.goto(f"{live_url}/introductions/")
    page.click("text=Riverside Bakery Co-op")
    assert "orders@riverside.example" in page.locator(".contacts").inner_text()
    page.click("text=See it on the graph")
    wait_until(page, "window.intercoopGraph && window.intercoopGraph.edges().length > 0")
    edges = page.evaluate(
        "window.intercoopGraph.edges().map(e => [e.data('source'), e.data('target'),"
        " e.data('kind'), e.data('status')])"
    )
    assert edges == [["valley-school", bakery.slug, "informal", "confirmed"]]
    page.screenshot(path=str(SCREENSHOTS / "exchange-graph.png"))
