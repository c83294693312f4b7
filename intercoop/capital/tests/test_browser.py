"""A loan through the pages (issue 14): a co-op's admin applies, the coordinator reviews
and puts it to the loan committee, the committee votes in its governance poll, the
borrower accepts the offer, the coordinator pays it out (three months ago) and records a
repayment, and the fund page shows the loan, late, in its ageing table and PAR. Every
page is looked at, at 1280 and 390 px; the fund page once in Spanish."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from intercoop.capital import services
from intercoop.capital.models import Fund, Loan, LoanApplication
from intercoop.capital.schedule import due_date
from intercoop.capital.writing import today
from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.browser import SCREENSHOTS, browser_page, live_url, log_in
from intercoop.core.models import Profile
from intercoop.core.money import format_money
from intercoop.directory import services as directory
from intercoop.directory.models import NetworkRole, OrganizationRole
from intercoop.governance.bodies import committee_create
from intercoop.governance.models import Poll
from intercoop.governance.services import poll_close

__all__ = ["browser_page", "live_url"]  # fixtures

PASSWORD = "pw-for-tests-1"  # make_user's
SHOTS = SCREENSHOTS / "capital"
LENDERS = ("lender1", "lender2", "lender3")
# what sticks out on the right, when a page scrolls sideways
WIDEST = """Array.from(document.querySelectorAll('main *'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 12).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _setup() -> dict[str, Any]:
    """A network with a fund (held by one member, decided by the committee's poll, with
    cash from a contribution and an investor note) and a bakery that will borrow."""
    system = system_actor()
    network = directory.network_create(actor=system, slug="valley", name="Valley Network")
    holder = make_org(name="Valley Credit Union", email="fund@valley.example")
    bakery = make_org(name="Riverside Bakery Co-op")
    for organization in (holder, bakery):
        directory.network_member_join(actor=system, network=network, organization=organization)
    baker = make_user("baker")
    directory.organization_role_assign(
        actor=system, organization=bakery, user=baker, role=OrganizationRole.Role.ADMIN
    )
    coordinator = make_user("coordinator")
    directory.network_role_assign(
        actor=system, network=network, user=coordinator, role=NetworkRole.Role.COORDINATOR
    )
    lenders = [make_user(name) for name in LENDERS]
    committee = committee_create(
        actor=system, name="Loan committee", network=network, users=lenders
    )
    fund = services.fund_create(
        actor=system, network=network, holder=holder, currency="USD",
        values={
            "name": "Valley Solidarity Fund", "max_loan": 50_000_00,
            "min_term_months": 6, "max_term_months": 60,
            "min_rate": Decimal(0), "max_rate": Decimal(8),
            "investor_min_rate": Decimal(0), "investor_max_rate": Decimal(2),
            "committee": committee, "decide_by_poll": True, "decision_days": 7,
            "reserve_percent": Decimal(5),
        },
    )  # fmt: skip
    on = today()
    services.contribution_record(
        actor=system, fund=fund, organization=holder, amount=40_000_00,
        received_on=on - dt.timedelta(days=200), surplus_year=on.year - 1,
    )  # fmt: skip
    services.note_record(
        actor=system, fund=fund, amount=20_000_00, rate=Decimal("1.5"), term_months=36,
        issued_on=on - dt.timedelta(days=150), organization=holder,
    )  # fmt: skip
    return {"network": network, "fund": fund, "bakery": bakery, "baker": baker}


def _look(page: Any, name: str) -> None:
    """Screenshots at both widths; at 390 px nothing scrolls sideways."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert fits, "\n".join([name, *page.evaluate(WIDEST)])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()


def _main(page: Any) -> str:
    return page.inner_text("main")


def _click(page: Any, name: str) -> None:
    """Press the button named `name` (confirming if it asks) and wait for the next page."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


@pytest.mark.browser
def test_apply_vote_disburse_repay_and_the_fund_page_shows_it(
    live_url: str, browser_page: Any
) -> None:
    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())
    SHOTS.mkdir(parents=True, exist_ok=True)
    made = _setup()
    fund: Fund = made["fund"]
    fund_url = f"{live_url}/capital/{fund.slug}/"
    on = today()
    # paid out three months and ten days ago: three instalments are due by today
    paid_out = due_date(on, -3) - dt.timedelta(days=10)
    first_due, second_due = due_date(paid_out, 1), due_date(paid_out, 2)
    days_late = (on - second_due).days
    assert 31 <= days_late <= 60

    # the bakery's admin applies
    log_in(page, live_url, "baker", PASSWORD)
    page.goto(fund_url)
    page.get_by_role("link", name="Apply for a loan").click()
    page.wait_for_url(f"{fund_url}apply/")
    assert "Apply for a loan from Valley Solidarity Fund" in _main(page)
    assert "50,000.00 USD" in _main(page)  # the policy beside the form
    assert "Amounts in USD." in _main(page)
    _look(page, "apply-baker")
    page.fill("#id_purpose", "A second oven, so that we can bake for the school canteens.")
    page.fill("#id_amount", "12,000.00")
    page.fill("#id_term_months", "12")
    page.fill("#id_requested_rate", "6")
    page.get_by_label("Equal instalments (annuity)").check()
    page.fill("#id_use_1", "Deck oven")
    page.fill("#id_use_1_amount", "10000")
    page.fill("#id_use_2", "Installation")
    page.fill("#id_use_2_amount", "2000")
    _click(page, "Save the draft")
    application = LoanApplication.objects.get(fund=fund)
    assert page.url == f"{live_url}/capital/applications/{application.pk}/"
    text = _main(page)
    assert "Your application is saved as a draft." in page.inner_text(".messages")
    assert "Loan application of Riverside Bakery Co-op" in text
    assert "12,000.00 USD" in text and "10,000.00 USD" in text and "2,000.00 USD" in text
    _click(page, "Submit the application")
    assert "Submitted: the fund's reviewers have been told." in page.inner_text(".messages")
    application.refresh_from_db()
    assert application.status == LoanApplication.Status.SUBMITTED
    _look(page, "application-submitted-baker")

    # the coordinator reviews it and puts it to the committee
    log_in(page, live_url, "coordinator", PASSWORD)
    page.goto(f"{fund_url}applications/")
    assert "1 application" in _main(page)
    page.get_by_role("link", name="Riverside Bakery Co-op").click()
    page.wait_for_url(f"{live_url}/capital/applications/{application.pk}/")
    assert "0 of 6 checks done." in _main(page)
    for label in ("A member in good standing", "Financial statements received (two years)",
                  "Business plan and uses of funds reviewed",
                  "Cash-flow forecast covers the repayments"):  # fmt: skip
        page.get_by_label(label).check()
    _click(page, "Save the checklist")
    assert "4 of 6 checks done." in _main(page)
    _click(page, "Put it to the committee")
    assert "The application is before the loan committee." in page.inner_text(".messages")
    application.refresh_from_db()
    assert application.status == LoanApplication.Status.IN_VOTE
    poll = Poll.objects.get(pk=application.poll_id or 0)
    assert poll.is_open and poll.title == "Lend 12,000.00 USD to Riverside Bakery Co-op?"
    assert "Before the loan committee" in _main(page)
    _look(page, "application-in-vote-coordinator")
    page.get_by_role("link", name="The committee's poll").click()
    page.wait_for_url(f"{live_url}/decide/polls/{poll.pk}/")
    # a poll the fund carries out is closed early by staff only, not on this page
    assert page.get_by_role("button", name="Close early").count() == 0

    # the committee agrees
    for username in LENDERS[:2]:
        log_in(page, live_url, username, PASSWORD)
        page.goto(f"{live_url}/decide/polls/{poll.pk}/")
        assert "Lend 12,000.00 USD to Riverside Bakery Co-op?" in _main(page)
        page.get_by_label("Agree", exact=True).check()
        _click(page, "Cast the vote")
        assert "Current ballot" in _main(page)
    _look(page, "poll-lender2")
    assert poll.ballots.filter(current=True).count() == 2
    poll_close(actor=system_actor(), poll=poll)  # the poll's deadline, brought forward
    application.refresh_from_db()
    assert application.status == LoanApplication.Status.APPROVED
    assert (application.votes_for, application.votes_against) == (2, 0)
    loan = Loan.objects.get(application=application)
    assert loan.status == Loan.Status.OFFERED

    # the bakery accepts the offer
    log_in(page, live_url, "baker", PASSWORD)
    page.goto(f"{live_url}/capital/applications/{application.pk}/")
    assert "Approved by the loan committee's vote" in _main(page)
    assert "Votes: 2 for, 0 against, 0 abstaining." in _main(page)
    page.get_by_role("link", name="See the loan").click()
    page.wait_for_url(f"{live_url}/capital/loans/{loan.pk}/")
    assert (
        "12,000.00 USD over 12 months at 6% a year. Repayment: Equal instalments (annuity)."
        in _main(page)
    )
    _look(page, "loan-offered-baker")
    _click(page, "Accept the offer")
    assert "You accepted the loan" in page.inner_text(".messages")
    assert "Accepted: waiting for the fund to pay it out." in _main(page)

    # the coordinator pays it out three months ago, and records the first payment
    log_in(page, live_url, "coordinator", PASSWORD)
    page.goto(f"{live_url}/capital/loans/{loan.pk}/")
    page.fill("#id_on", paid_out.isoformat())
    _click(page, "Pay out")
    assert "The loan is paid out" in page.inner_text(".messages")
    loan.refresh_from_db()
    assert loan.status == Loan.Status.ACTIVE and loan.disbursed_on == paid_out
    text = _main(page)
    assert first_due.isoformat() in text and "1,032.80 USD" in text  # the annuity
    page.fill("#id_paid_on", first_due.isoformat())
    page.fill("#id_amount", "1032.80")
    page.fill("#id_reference", "Transfer 0042")
    _click(page, "Record")
    assert "The repayment is recorded." in page.inner_text(".messages")
    loan.refresh_from_db()
    # 60.00 interest and 972.80 principal of the first instalment
    assert loan.principal_outstanding == 12_000_00 - 972_80
    facts = page.inner_text(".figures-row")
    assert "11,027.20 USD" in facts  # principal outstanding
    assert str(days_late) in facts and "31–60 days late" in facts
    assert "Transfer 0042" in _main(page)
    _look(page, "loan-active-coordinator")
    page.get_by_role("link", name="Statement", exact=True).click()
    page.wait_for_url(f"{live_url}/capital/loans/{loan.pk}/statement/")
    text = _main(page)
    assert "Loan statement: Riverside Bakery Co-op" in text
    assert "972.80 USD" in text and "11,027.20 USD" in text
    _look(page, "statement-coordinator")

    # the fund page: the loan active, late, in the ageing table and PAR
    page.goto(fund_url)
    text = _main(page)
    assert "Principal outstanding\n11,027.20 USD" in page.inner_text(".figures-row >> nth=1")
    status_table = page.locator("table", has_text="Loans by status")
    counts = dict(zip(status_table.locator("thead th").all_inner_texts(),
                      status_table.locator("tbody td").all_inner_texts(), strict=True))  # fmt: skip
    assert counts == {"Offered": "0", "Accepted": "0", "Disbursed": "1", "Repaid": "0",
                      "Written off": "0", "Offer declined": "0"}  # fmt: skip
    ageing = page.locator("table", has_text="Ageing of the active loans")
    late_row = ageing.locator("tr", has_text="31–60 days late").inner_text()
    assert "11,027.20 USD" in late_row and "100.00%" in late_row
    assert page.inner_text(".par30") == "100.00%" and page.inner_text(".par90") == "0.00%"
    # cash: 40,000.00 in + 20,000.00 of notes − 12,000.00 lent + 1,032.80 repaid
    assert "49,032.80 USD" in text
    assert page.locator("figure svg rect").count() >= 5  # the ageing chart
    _look(page, "fund-coordinator")
    for name, path, heading in (
        ("loans", "loans/", "Loans of Valley Solidarity Fund"),
        ("capital-in", "capital-in/", "Capital in: Valley Solidarity Fund"),
        ("notes", "notes/", "Investor notes: Valley Solidarity Fund"),
        ("books", "books/", "Books of Valley Solidarity Fund"),
    ):
        page.goto(f"{fund_url}{path}")
        assert heading in page.inner_text("h1"), name
        _look(page, f"{name}-coordinator")
    assert "Debits equal credits: the books balance." in _main(page)
    page.goto(f"{live_url}/capital/flows/valley/")
    assert "Capital flows of Valley Network" in page.inner_text("h1")
    assert "12,000.00 USD" in page.inner_text("table.flows")  # the fund's loan
    _look(page, "flows-coordinator")

    # the bakery's admin reads the fund page in Spanish
    Profile.objects.update_or_create(user=made["baker"], defaults={"language": "es"})
    log_in(page, live_url, "baker", PASSWORD)
    page.goto(fund_url)
    assert page.get_attribute("html", "lang") == "es"
    with translation.override("es"):
        headings = [translation.gettext(h) for h in ("Capital in", "Capital out")]
        outstanding = format_money(12_000_00 - 972_80, "USD")  # "11 027,20 USD"
    if headings != ["Capital in", "Capital out"]:  # translated by now
        for heading in headings:
            assert heading in page.locator("h2").all_inner_texts()
    assert outstanding in _main(page)
    _look(page, "fund-baker-es")
