"""A board election in the demo network, through the pages: the coordinator opens it, three
co-ops' managers vote (one of them by proxy), the coordinator closes it, and everyone —
Lucía in Spanish too — reads the stage sheet, at 1280 and 390 px."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from intercoop.config.demo import demo_region_build
from intercoop.core.audit import system_actor
from intercoop.core.browser import SCREENSHOTS, browser_page, live_url, log_in
from intercoop.directory import services as directory
from intercoop.directory.demo import DEMO_PASSWORD
from intercoop.directory.models import Network, Organization, OrganizationRole
from intercoop.governance.models import Delegate, Poll

__all__ = ["browser_page", "live_url"]  # fixtures

CANDIDATES = ["Ana Ruiz", "Ben Osei", "Cai Morgan", "Dee Patel"]


def _managers() -> tuple[Organization, Organization]:
    """Two more member co-ops of the demo network, each with a manager who signs in."""
    network = Network.objects.get(slug="valley-coop-network")
    taken = set(Delegate.objects.values_list("organization_id", flat=True))
    taken |= set(
        OrganizationRole.objects.filter(user__username="manager").values_list(
            "organization_id", flat=True
        )
    )
    free = (
        Organization.objects.filter(
            network_memberships__network=network, network_memberships__status="member"
        )
        .exclude(pk__in=taken)
        .order_by("pk")[:2]
    )
    made = []
    for username, organization in zip(("manager2", "manager3"), free, strict=True):
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD)
        directory.organization_role_assign(
            actor=system_actor(), organization=organization, user=user,
            role=OrganizationRole.Role.ADMIN,
        )  # fmt: skip
        made.append(organization)
    return made[0], made[1]


def _rank(page, order: list[str]) -> None:
    """Fill the first ballot form on the page: rank `order` 1, 2, …"""
    form = page.locator("form[action$='/vote/']").first
    for position, name in enumerate(order, start=1):
        form.get_by_label(name).select_option(str(position))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def _look(page, name: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    page.screenshot(path=str(SCREENSHOTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
    page.screenshot(path=str(SCREENSHOTS / f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.browser
def test_board_election_with_a_proxy(live_url, browser_page):
    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())
    demo_region_build()
    second, third = _managers()

    # the coordinator opens the election
    log_in(page, live_url, "coordinator", DEMO_PASSWORD)
    page.goto(f"{live_url}/decide/")
    page.get_by_role("link", name="Valley Co-operative Network").first.click()
    page.goto(page.url + "polls/new/?kind=election")
    page.fill("#id_title", "Board election 2027")
    page.fill("#id_options", "\n".join(CANDIDATES))
    page.fill("#id_seats", "2")
    closes = timezone.localtime(timezone.now() + timedelta(days=3))
    page.fill("#id_closes_at", closes.strftime("%Y-%m-%dT%H:%M"))
    page.click("button[name=open]")
    page.wait_for_url(lambda url: "/decide/polls/" in url)
    poll = Poll.objects.get(title="Board election 2027")
    assert poll.is_open and poll.seats == 2 and poll.method == "scottish-stv"
    poll_url = f"{live_url}/decide/polls/{poll.pk}/"
    assert "Droop quota" in page.inner_text("main")
    _look(page, "governance-election-open-coordinator")

    # manager3 gives the third co-op's vote to the second co-op, for this poll
    log_in(page, live_url, "manager3", DEMO_PASSWORD)
    page.goto(f"{live_url}/decide/networks/valley-coop-network/proxies/")
    page.select_option("#id_holder", label=second.name)
    page.select_option("#id_poll", label="Board election 2027")
    page.click("main form:not(.inline) button[type=submit]")
    page.wait_for_load_state()
    assert second.name in page.inner_text("main table")
    _look(page, "governance-proxies-manager3")

    # the demo manager votes for the bakery
    log_in(page, live_url, "manager", DEMO_PASSWORD)
    page.goto(poll_url)
    _rank(page, ["Ana Ruiz", "Cai Morgan"])
    _look(page, "governance-election-voted-manager")

    # manager2 votes for the second co-op, then for the third by proxy
    log_in(page, live_url, "manager2", DEMO_PASSWORD)
    page.goto(poll_url)
    assert f"Vote for {third.name} (you hold its proxy)" in page.inner_text("main")
    _rank(page, ["Ben Osei", "Ana Ruiz", "Dee Patel"])
    proxy_form = page.locator(f"#ballot-{poll.voters.get(organization=third).pk} form")
    for position, name in enumerate(["Ana Ruiz", "Ben Osei"], start=1):
        proxy_form.get_by_label(name).select_option(str(position))
    proxy_form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    _look(page, "governance-election-proxy-manager2")
    assert poll.ballots.filter(current=True).count() == 3
    assert poll.ballots.filter(current=True, by_proxy=True).get().voter.organization == third

    # the coordinator closes it
    log_in(page, live_url, "coordinator", DEMO_PASSWORD)
    page.goto(poll_url)
    page.get_by_role("button", name="Close early").click()
    page.wait_for_load_state()
    poll.refresh_from_db()
    assert poll.is_closed and poll.result["voters"] == 3
    elected = poll.result["winners"]
    assert elected == ["Ana Ruiz", "Ben Osei"]

    # everyone reads the stage sheet
    for username in ("coordinator", "manager", "manager2", "manager3", "lucia"):
        log_in(page, live_url, username, DEMO_PASSWORD)
        page.goto(f"{poll_url}stages/")
        text = page.inner_text("main")
        for name in elected:
            assert name in text, (username, name)
        assert page.locator("main table").count() >= 1
        _look(page, f"governance-stages-{username}")
    # Lucía prefers Spanish: the sheet is in Spanish
    assert page.get_attribute("html", "lang") == "es"
    assert "Cuota" in page.inner_text("main") or "cuota" in page.inner_text("main")
