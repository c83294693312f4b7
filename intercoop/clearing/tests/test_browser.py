"""Three co-ops invoice each other in a ring; each debtor confirms; the coordinator runs
and commits a clearing; a co-op reads its statement."""

import pytest

from intercoop.clearing.models import ClearingRun, Obligation
from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.browser import SCREENSHOTS, browser_page, live_url, log_in
from intercoop.directory import services as directory_services
from intercoop.directory.models import NetworkRole

__all__ = ["browser_page", "live_url"]  # fixtures

PASSWORD = "pw-for-tests-1"


@pytest.mark.browser
def test_record_confirm_clear_and_read_a_statement(live_url, browser_page):
    page = browser_page
    network = directory_services.network_create(
        actor=system_actor(), slug="valley", name="Valley Network"
    )
    directory_services.network_role_assign(
        actor=system_actor(),
        network=network,
        user=make_user("coordinator"),
        role=NetworkRole.Role.COORDINATOR,
    )
    ring = []
    for name, person in (("Riverside Bakery", "baker"), ("Mill Co-op", "miller"),
                         ("Green Farm Co-op", "farmer")):  # fmt: skip
        organization = make_org(name=name)
        directory_services.network_member_join(
            actor=system_actor(), network=network, organization=organization
        )
        directory_services.organization_role_assign(
            actor=system_actor(), organization=organization, user=make_user(person), role="admin"
        )
        ring.append((organization, person))
    # each co-op invoices the next one round the ring: the farm sells to the bakery…
    page.on("dialog", lambda dialog: dialog.accept())  # recording, confirming, committing ask
    amounts = ["300.00", "450.00", "200.00"]
    for n, (creditor, person) in enumerate(ring):
        debtor = ring[(n + 1) % 3][0]
        log_in(page, live_url, person, PASSWORD)
        page.goto(f"{live_url}/orgs/{creditor.slug}/obligations/")
        page.select_option("#id_direction", "owed_to_us")
        page.fill("#id_other", debtor.slug)
        page.fill("#id_amount", amounts[n])
        page.fill("#id_reference", f"INV-{n + 1}")
        page.click("button[name=record]")
        page.wait_for_selector("text=Invoice recorded.")
        if n == 0:
            page.screenshot(path=str(SCREENSHOTS / "clearing-recorded.png"), full_page=True)
    # …and each debtor confirms what it owes
    for organization, person in ring:
        log_in(page, live_url, person, PASSWORD)
        page.goto(f"{live_url}/orgs/{organization.slug}/obligations/")
        page.click("table.obligations button:has-text('Confirm')")
        page.wait_for_selector("text=Confirmed: it can now be cleared.")
    assert Obligation.objects.filter(confirmed_at__isnull=False).count() == 3

    log_in(page, live_url, "coordinator", PASSWORD)
    page.goto(f"{live_url}/networks/valley/clearing/")
    page.fill("#id_currency", "USD")
    page.click("main form button:has-text('Propose')")
    page.wait_for_url("**/clearing/runs/*/")
    assert "600.00 USD" in page.locator(".figures-row").inner_text()  # 3 × 200 set off
    page.screenshot(path=str(SCREENSHOTS / "clearing-proposed.png"), full_page=True)
    page.click("button:has-text('Commit the run')")
    page.wait_for_selector("text=Committed: the set-offs are in every ledger.")
    assert ClearingRun.objects.get().status == "committed"
    assert sorted(Obligation.objects.values_list("remaining", flat=True)) == [0, 10000, 25000]

    bakery, baker = ring[0]
    log_in(page, live_url, baker, PASSWORD)
    run = ClearingRun.objects.get()
    page.goto(f"{live_url}/clearing/runs/{run.pk}/")
    page.click(f"a:has-text('{bakery.name}')")
    text = page.locator("main").inner_text()
    assert "200.00 USD we no longer need to pay in cash" in text
    page.screenshot(path=str(SCREENSHOTS / "clearing-statement.png"), full_page=True)
    page.goto(f"{live_url}/networks/valley/clearing/")
    page.screenshot(path=str(SCREENSHOTS / "clearing-runs.png"), full_page=True)
