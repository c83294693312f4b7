"""A loan from application to repayment, through the services, with the books checked."""

import datetime as dt

import pytest

from intercoop.capital import books, selectors, services
from intercoop.capital.models import LedgerEntry, Loan
from intercoop.capital.tests.conftest import CASH, START, approved_loan, give_cash
from intercoop.core.errors import DomainError


def test_apply_decide_disburse_repay(fund, org, people, committee_people):
    loan = approved_loan(fund, org, people, committee_people)
    # a loan is paid out of the fund's cash: none yet
    with pytest.raises(DomainError) as refused:
        services.loan_disburse(actor=people["coordinator"], loan=loan, on=START)
    assert refused.value.message == (
        "The fund has 0.00 USD in cash, 0.00 USD of it for other accepted loans: not enough "
        "to pay out 10,000.00 USD"
    )
    assert not LedgerEntry.objects.exists()
    give_cash(fund)
    services.loan_disburse(actor=people["coordinator"], loan=loan, on=START)
    loan.refresh_from_db()
    assert loan.status == Loan.Status.ACTIVE
    assert loan.principal_outstanding == 10_000_00
    assert loan.unpaid_since == dt.date(2026, 2, 28)
    services.repayment_record(
        actor=people["coordinator"], loan=loan, amount=888_49, paid_on=dt.date(2026, 2, 27)
    )
    loan.refresh_from_db()
    # 100.00 interest, 788.49 principal
    assert loan.principal_outstanding == 10_000_00 - 788_49
    assert loan.unpaid_since == dt.date(2026, 3, 31)
    balances = selectors.fund_balances(fund)
    assert balances["loans_receivable"] == 10_000_00 - 788_49
    # every instalment due by today is in the books; the first one's interest was paid
    due = loan.schedules.get().rows.filter(due_on__lte=services.today())
    accrued = sum(row.interest for row in due)
    assert all(row.interest_accrued for row in due)
    assert balances["interest_income"] == accrued
    assert balances["interest_receivable"] == accrued - 100_00
    assert balances["cash"] == CASH - 10_000_00 + 888_49
    assert balances["loss_reserve"] == 500_00
    rows = books.trial_balance(selectors.account_sums(fund))
    assert sum(r.debit for r in rows) == sum(r.credit for r in rows)
