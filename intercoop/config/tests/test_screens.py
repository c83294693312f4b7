"""Every screen: the main pages of the demo region, for each of its personas, at a desk's
width (1280×900) and a phone's (390×844). No page scrolls sideways on the phone; axe-core
(from npm, node_modules/axe-core) finds no serious or critical violation at either width;
on the phone the menu button opens the navigation and Log out works. Screenshots of
every page at both widths go to var/screenshots/screens/."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import F

from intercoop.capital.models import Fund, Loan
from intercoop.clearing.models import ClearingRun
from intercoop.core.browser import SCREENSHOTS, browser_page, live_url, log_in
from intercoop.directory.demo import DEMO_PASSWORD
from intercoop.directory.models import OrganizationRole
from intercoop.governance.models import Poll
from intercoop.membership.models import Pathway, Subscription
from intercoop.purchasing.models import Round

__all__ = ["browser_page", "live_url"]  # fixtures

AXE = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
WIDTHS = [(1280, 900), (390, 844)]
NETWORK = "valley-coop-network"
ALLIANCE = "valley-purchasing-alliance"
# The violations axe reports with these impacts fail the test.
SEVERE = ["serious", "critical"]
FETCHES = re.compile(r"^/map/|/graph/|/notices/$")
AXE_RUN = """axe.run(document, {resultTypes: ["violations"]}).then(result =>
  result.violations.filter(v => %s.includes(v.impact)).map(v =>
    `${v.impact} ${v.id}: ${v.help} — ` + v.nodes.slice(0, 4).map(n => n.target.join(" ")).join(" | ")))"""


def main_pages(persona: str) -> list[str]:
    """The pages each persona uses most, from the demo's own data."""
    public = ["/", "/map/", "/orgs/", "/networks/", f"/networks/{NETWORK}/",
              f"/networks/{NETWORK}/graph/", "/catalogue/", "/deals/",
              f"/networks/{ALLIANCE}/rounds/", f"/networks/{NETWORK}/notices/"]  # fmt: skip
    role = OrganizationRole.objects.select_related("organization").first()
    assert role is not None
    slug = role.organization.slug  # the demo's manager and member belong to it
    if persona == "anonymous":
        return [*public, f"/orgs/{slug}/", "/accounts/login/", "/accounts/signup/"]
    rounds = [f"/rounds/{pk}/" for pk in Round.objects.order_by("pk").values_list("pk", flat=True)]
    pages = ["/dashboard/", "/accounts/inbox/", "/accounts/profile/", f"/orgs/{slug}/", *rounds]
    if persona == "coordinator":
        runs = [f"/clearing/runs/{pk}/" for pk in ClearingRun.objects.values_list("pk", flat=True)]
        return [*public, *pages, *runs, "/orgs/review/", f"/networks/{NETWORK}/clearing/",
                f"/networks/{NETWORK}/credit/", f"/networks/{NETWORK}/assessments/",
                f"/networks/{NETWORK}/economy/", f"/networks/{ALLIANCE}/contracts/",
                "/imports/", "/decide/", f"/decide/networks/{NETWORK}/settings/",
                *capital_pages(persona)]  # fmt: skip
    if persona == "manager":
        # the demo's decisions: a closed proposal and election, an open poll (governance's
        # own tests look at every other poll page at both widths)
        polls = [f"/decide/polls/{pk}/" for pk in Poll.objects.values_list("pk", flat=True)]
        election = Poll.objects.filter(kind=Poll.Kind.ELECTION).values_list("pk", flat=True)[0]
        decide = ["/decide/", f"/decide/networks/{NETWORK}/", *polls,
                  f"/decide/polls/{election}/stages/", f"/decide/networks/{NETWORK}/proxies/"]  # fmt: skip
        return [*pages, *decide, f"/orgs/{slug}/edit/", f"/orgs/{slug}/obligations/",
                f"/orgs/{slug}/exchange/", f"/orgs/{slug}/people/", "/introductions/",
                "/card/", f"/networks/{NETWORK}/notices/new/", *capital_pages(persona),
                *membership_pages(persona)]  # fmt: skip
    return [*pages, "/card/", "/deals/", "/catalogue/", *membership_pages(persona)]


def capital_pages(persona: str) -> list[str]:
    """The demo fund's pages: the coordinator's fund page, loans, books and the network's
    capital flows; the manager's (on the loan committee) fund page and the late loan."""
    fund = Fund.objects.get(network__slug=NETWORK)
    if persona == "coordinator":
        return [f"/capital/{fund.slug}/", f"/capital/{fund.slug}/loans/",
                f"/capital/{fund.slug}/books/", f"/capital/flows/{NETWORK}/"]  # fmt: skip
    late = (
        Loan.objects.filter(fund=fund, status=Loan.Status.ACTIVE)
        .order_by(F("unpaid_since").asc(nulls_last=True), "pk")
        .values_list("pk", flat=True)[0]
    )
    return [f"/capital/{fund.slug}/", f"/capital/loans/{late}/"]


def membership_pages(persona: str) -> list[str]:
    """The member's library, the course they completed and their mentoring (a request to
    answer); the bakery admin's pathway board, a candidate's application (the buy-in by
    payroll) and the register of members."""
    if persona == "member":
        return ["/membership/library/", "/membership/courses/co-operative-principles/",
                "/membership/mentoring/"]  # fmt: skip
    pathway = Pathway.objects.select_related("organization").get(name="Becoming a worker-owner")
    assert pathway.organization is not None
    buying = Subscription.objects.filter(application__pathway=pathway, instalments__gt=1)
    application = buying.values_list("application_id", flat=True)[0]
    return [f"/membership/pathways/{pathway.pk}/board/",
            f"/membership/applications/{application}/",
            f"/membership/{pathway.organization.slug}/register/"]  # fmt: skip


def inspect(page: Any, base: str, persona: str, width: int, failures: list[str]) -> int:
    """Visit the persona's pages at one width; return how many were checked."""
    axe = AXE.read_text()
    folder = SCREENSHOTS / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    paths = main_pages(persona)
    for path in paths:
        response = page.goto(base + path)
        if response is None or response.status >= 400:
            failures.append(f"{persona} {width} {path}: {response and response.status}")
            continue
        # Maps and the graph fetch their data after the page loads; other pages don't.
        page.wait_for_load_state("networkidle" if FETCHES.search(path) else "load")
        name = path.strip("/").replace("/", "_") or "home"
        page.screenshot(path=str(folder / f"{persona}-{width}-{name}.png"), full_page=True)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        if scroll > inner:
            failures.append(f"{persona} {width} {path}: scrolls sideways ({scroll} > {inner})")
        # Our Content Security Policy refuses inline scripts (add_script_tag): evaluate()
        # goes through the debugging protocol instead.
        page.evaluate(axe)
        for violation in page.evaluate(AXE_RUN % SEVERE):
            failures.append(f"{persona} {width} {path}: {violation}")
    return len(paths)


def check_screens(live_url: str, page: Any, persona: str) -> None:
    """The persona's main pages at both widths: no sideways scrolling, nothing serious for
    axe. (The personas are split over two test files so that both test workers share
    the work: pytest-xdist hands out whole files.)"""
    call_command("demo")
    failures: list[str] = []
    checked = 0
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        if persona != "anonymous":
            log_in(page, live_url, persona, DEMO_PASSWORD)
        checked += inspect(page, live_url, persona, width, failures)
    print("\n".join(failures))
    assert checked >= 20
    assert failures == []


@pytest.mark.browser
@pytest.mark.parametrize("persona", ["anonymous", "coordinator"])
def test_main_pages_fit_a_phone_and_axe_finds_nothing_serious(
    live_url: str, browser_page: Any, persona: str
) -> None:
    check_screens(live_url, browser_page, persona)


@pytest.mark.browser
def test_on_a_phone_the_menu_opens_and_log_out_works(live_url: str, browser_page: Any) -> None:
    call_command("demo")
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_url, "manager", DEMO_PASSWORD)
    page.goto(f"{live_url}/orgs/")
    # the first Tab reaches the skip link, which moves the focus past the header
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    button = page.get_by_role("button", name="Menu")
    assert button.get_attribute("aria-expanded") == "false"
    assert not page.get_by_role("button", name="Log out").is_visible()
    assert not page.get_by_role("link", name="Networks").is_visible()
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    for link in ("Networks", "Dashboard", "Inbox"):  # the inbox's name ends with its count
        assert page.get_by_role("link", name=re.compile(f"^{link}")).first.is_visible(), link
    assert page.locator("#language").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "menu-open-390.png"), full_page=True)
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    button.click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_url}/")
    button = page.get_by_role("button", name="Menu")
    button.click()
    assert page.get_by_role("link", name="Log in").is_visible()
    # At a desk's width there is no menu button: the navigation is always shown.
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert page.get_by_role("link", name="Networks").is_visible()
