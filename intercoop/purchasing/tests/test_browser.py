"""A member commits demand with tolerance, the coordinator closes the round, invites bids
and awards it, and the member reads its allocation and savings."""

from decimal import Decimal

import pytest

from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.browser import SCREENSHOTS, browser_page, live_url, log_in
from intercoop.directory import services as directory_services
from intercoop.directory.models import NetworkRole
from intercoop.purchasing import services
from intercoop.purchasing.models import Round

__all__ = ["browser_page", "live_url"]  # fixtures

PASSWORD = "pw-for-tests-1"


@pytest.mark.browser
def test_commit_close_award_and_read_the_savings(live_url, browser_page):
    network = directory_services.network_create(
        actor=system_actor(), slug="valley", name="Valley Network"
    )
    coordinator = make_user("coordinator")
    directory_services.network_role_assign(
        actor=system_actor(), network=network, user=coordinator, role=NetworkRole.Role.COORDINATOR
    )
    cafe, shop = make_org(name="Corner Café Co-op"), make_org(name="Bodega Co-op")
    for organization in (cafe, shop):
        directory_services.network_member_join(
            actor=system_actor(), network=network, organization=organization
        )
    directory_services.organization_role_assign(
        actor=system_actor(), organization=cafe, user=make_user("buyer"), role="admin"
    )
    round = services.round_create(
        actor=coordinator, network=network,
        values={"title": "Bread by the case", "kind": "goods", "category": "food",
                "currency": "USD"},
        articles=[{"name": "Sourdough", "unit": "loaf", "case_size": 5,
                   "reference_price": Decimal(400)}],
    )  # fmt: skip
    sourdough = round.articles.get()
    services.order_set(actor=system_actor(), article=sourdough, member=shop, quantity=Decimal(4),
                       tolerance=Decimal(0))  # fmt: skip
    page = browser_page

    # the café's buyer orders 3 loaves and would take 3 more to fill a case
    log_in(page, live_url, "buyer", PASSWORD)
    page.goto(f"{live_url}/rounds/{round.pk}/")
    form = page.locator(".order-form")
    form.locator("input[name=quantity]").fill("3")
    form.locator("input[name=tolerance]").fill("3")
    form.locator("button").click()
    assert "Order saved." in page.locator(".messages").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "purchasing-order.png"), full_page=True)

    # the coordinator closes the round, invites bids and awards the only one
    log_in(page, live_url, "coordinator", PASSWORD)
    page.goto(f"{live_url}/rounds/{round.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())  # closing, inviting, awarding ask first
    page.click("text=Close orders")
    page.click("text=Invite bids")
    services.bid_submit(actor=system_actor(), round=Round.objects.get(), supplier=make_org(name="Rye Bakers"),
                        values={"mode": "all_units", "article_prices": {sourdough.pk: 320}})  # fmt: skip
    page.reload()
    award = page.locator(".bids form.inline-form")
    award.locator("input[name=starts_on]").fill("2027-01-04")
    award.locator("input[name=ends_on]").fill("2027-12-31")
    award.locator("button").click()
    assert "Awarded to Rye Bakers" in page.locator(".verdict").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "purchasing-awarded.png"), full_page=True)
    page.click("text=Pick lists")
    assert "From Rye Bakers" in page.locator("main").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "purchasing-pick-list.png"), full_page=True)

    # the buyer sees its share (two cases: 3 ordered + 3 from tolerance) and its saving
    log_in(page, live_url, "buyer", PASSWORD)
    page.goto(f"{live_url}/rounds/{round.pk}/")
    allocation = page.locator("td.small").first.inner_text()
    assert f"{cafe.name}: 6" in allocation and "3 from tolerance" in allocation
    assert shop.name not in allocation  # members see their own line only
    savings = page.locator("table.costs tbody").inner_text()
    assert "24.00 USD" in savings and "19.20 USD" in savings and "4.80 USD" in savings
    page.screenshot(path=str(SCREENSHOTS / "purchasing-savings.png"), full_page=True)


@pytest.mark.browser
def test_the_order_form_saves_every_article_at_once_on_a_phone_too(live_url, browser_page):
    network = directory_services.network_create(
        actor=system_actor(), slug="valley", name="Valley Network"
    )
    cafe = make_org(name="Corner Café Co-op")
    directory_services.network_member_join(actor=system_actor(), network=network, organization=cafe)
    directory_services.organization_role_assign(
        actor=system_actor(), organization=cafe, user=make_user("buyer"), role="admin"
    )
    coordinator = make_user("coordinator")
    directory_services.network_role_assign(
        actor=system_actor(), network=network, user=coordinator, role=NetworkRole.Role.COORDINATOR
    )
    round = services.round_create(
        actor=system_actor(), network=network,
        values={"title": "Pantry by the case", "kind": "goods", "category": "food",
                "currency": "USD"},
        articles=[{"name": "Sourdough", "unit": "loaf", "case_size": 5,
                   "reference_price": Decimal(400)},
                  {"name": "Oat milk", "unit": "litre", "case_size": 6,
                   "reference_price": Decimal(150)}],
    )  # fmt: skip
    sourdough, milk = round.articles.order_by("pk")
    page = browser_page
    log_in(page, live_url, "buyer", PASSWORD)
    page.goto(f"{live_url}/rounds/{round.pk}/")
    page.click("text=Order form")
    page.fill(f"input[name=quantity-{sourdough.pk}]", "6")
    page.fill(f"input[name=tolerance-{sourdough.pk}]", "2")
    page.fill(f"input[name=quantity-{milk.pk}]", "12")
    page.click("text=Save the whole order")
    assert "The order of Corner Café Co-op is saved." in page.locator(".messages").inner_text()
    summary = page.locator("table.order-summary").inner_text()
    assert "24.00 USD" in summary and "18.00 USD" in summary and "42.00 USD" in summary
    page.screenshot(path=str(SCREENSHOTS / "purchasing-order-form.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "purchasing-order-form-phone.png"), full_page=True)
    log_in(page, live_url, "coordinator", PASSWORD)
    page.goto(f"{live_url}/rounds/{round.pk}/edit/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "purchasing-round-edit-phone.png"), full_page=True)
