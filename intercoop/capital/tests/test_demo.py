"""The demo's fund: pledges and their contributions, investor notes, three loans (current,
45 days late, repaid), an application before the committee's poll and a draft; books
that balance; and a capital-flow report with content."""

import datetime as dt
import time

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from intercoop.capital import arrears, books, flows, selectors, services
from intercoop.capital.demo import DAYS_LATE, FUND_NAME, capital_build, late_start
from intercoop.capital.models import Fund, InvestorNote, Loan, LoanApplication
from intercoop.capital.schedule import due_date
from intercoop.config.demo import demo_region_build
from intercoop.conftest import client_for
from intercoop.governance.models import Poll
from intercoop.governance.selectors import polls_needing_vote


def _standing(loan: Loan, on: dt.date) -> arrears.LoanStatus:
    schedule = services.current_schedule(loan)
    assert schedule is not None
    return arrears.status_of_total(list(schedule.rows.all()), loan.paid_total, on)


@pytest.mark.django_db
def test_demo_fund():
    demo_region_build()
    on = services.today()
    fund = Fund.objects.get(name=FUND_NAME)
    assert fund.currency == "USD" and fund.decide_by_poll
    assert fund.committee is not None
    assert set(fund.committee.seats.values_list("user__username", flat=True)) == {
        "coordinator", "manager", "treasurer-valley-fund"
    }  # fmt: skip
    assert fund.tiers.count() == 2
    assert fund.pledges.count() == 5
    assert fund.contributions.count() == 8
    assert all(p.contributions.exists() for p in fund.pledges.all())
    assert fund.equity.count() == 5

    notes = {(n.rate, n.first_loss, n.user_id is not None) for n in fund.notes.all()}
    assert len(notes) == 3 and fund.notes.filter(status=InvestorNote.Status.ACTIVE).count() == 3
    assert {(rate, first_loss, person) for rate, first_loss, person in notes} == {
        (2, False, False), (0, False, True), (0, True, False)
    }  # fmt: skip

    loans = list(fund.loans.order_by("disbursed_on"))
    assert len(loans) == 3 and all(loan.disbursed_on for loan in loans)
    repaid = [loan for loan in loans if loan.status == Loan.Status.REPAID]
    active = [loan for loan in loans if loan.is_active]
    assert len(repaid) == 1 and repaid[0].principal_outstanding == 0
    standings = {loan.organization.name: _standing(loan, on) for loan in active}
    assert sorted((s.bucket, s.days_past_due) for s in standings.values()) == [
        ("31-60", DAYS_LATE), ("current", 0)
    ]  # fmt: skip
    late = next(loan for loan in active if _standing(loan, on).days_past_due)
    assert late.unpaid_since == on - dt.timedelta(days=DAYS_LATE)
    assert late.repayments.count() >= 2  # the instalments before it were paid
    current = next(loan for loan in active if loan is not late)
    assert current.repayments.exists() and current.unpaid_since > on

    applications = fund.applications.exclude(loan__isnull=False)
    in_vote = applications.get(status=LoanApplication.Status.IN_VOTE)
    poll = Poll.objects.get(pk=in_vote.poll_id)
    assert poll.is_open and poll.purpose == Poll.Purpose.LOAN
    assert applications.filter(status=LoanApplication.Status.DRAFT).count() == 1
    # the demo's people have voted; the treasurer has not
    for username in ("coordinator", "manager"):
        assert poll not in polls_needing_vote(User.objects.get(username=username))
    assert poll in polls_needing_vote(User.objects.get(username="treasurer-valley-fund"))

    rows = books.trial_balance(selectors.account_sums(fund))
    assert sum(r.debit for r in rows) == sum(r.credit for r in rows)
    balances = selectors.fund_balances(fund)
    assert balances["loans_receivable"] == sum(loan.principal_outstanding for loan in active)
    # the loss reserve covers the loans outstanding: the repaid one's was released
    assert balances["loss_reserve"] == sum(loan.principal for loan in active) * 5 // 100
    assert selectors.fund_overview(fund, on=on).cash == balances["cash"] > 0

    network = fund.network
    report = flows.capital_flows(network, currency="USD")
    this_year = {r.year: r for r in report}[on.year]
    assert sum(r.fund_loans for r in report) == sum(loan.principal for loan in loans)
    assert sum(r.investment_ties for r in report) > 0
    assert this_year.purchasing_coop > 0 and this_year.invoices_between_members > 0
    assert this_year.invoices_other > 0 and this_year.leaving_coop_economy > 0
    page = client_for(User.objects.get(username="member")).get(
        reverse("capital:flows", args=[network.slug])
    )
    assert page.status_code == 200 and "<svg" in page.content.decode()

    # building it again adds nothing, and quickly
    started = time.perf_counter()
    assert capital_build() == 0
    assert time.perf_counter() - started < 1
    assert Fund.objects.count() == 1


def test_late_start_puts_an_instalment_exactly_so_many_days_back():
    for offset in range(800):  # every day of the month and every month length
        on = dt.date(2027, 1, 1) + dt.timedelta(days=offset)
        start, number = late_start(on)
        assert due_date(start, number) == on - dt.timedelta(days=DAYS_LATE)
        assert number >= 3
        assert all(due_date(start, n) < on - dt.timedelta(days=DAYS_LATE) for n in (1, 2))
