"""A loan repaid through clearing: its instalments falling due become obligations from the
borrower to the fund's holder; a clearing run that sets one off repays the loan; a
repayment in cash discharges the obligation; nothing is ever paid twice."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from intercoop.capital import books, decisions, selectors, services
from intercoop.capital.models import Instalment, Loan, Repayment
from intercoop.capital.schedule import due_date
from intercoop.capital.tests.conftest import approved_loan, give_cash
from intercoop.clearing import services as clearing
from intercoop.clearing.models import ClearingRun, Obligation, ObligationEntry
from intercoop.conftest import make_org
from intercoop.core.audit import system_actor
from intercoop.core.errors import DomainError
from intercoop.directory import services as directory_services


def disbursed(fund, org, people, committee_people, *, settle_by_clearing=True) -> Loan:
    """10,000.00 at 12 % over 12 months (888.49 a month), disbursed 40 days ago: its
    first instalment is due, its second is not."""
    give_cash(fund)
    loan = approved_loan(fund, org, people, committee_people)
    on = services.today() - dt.timedelta(days=40)
    services.loan_disburse(
        actor=people["coordinator"], loan=loan, on=on, settle_by_clearing=settle_by_clearing
    )
    loan.refresh_from_db()
    return loan


def first(loan: Loan) -> Instalment:
    return loan.schedules.get(current=True).rows.get(number=1)


def third_member(network):
    third = make_org(name="Gamma Co-op")
    directory_services.network_member_join(
        actor=system_actor(), network=network, organization=third
    )
    return third


def owe(debtor, creditor, amount):
    return clearing.obligation_record(
        actor=system_actor(), debtor=debtor, creditor=creditor, recorded_for=debtor,
        values={"amount": amount, "currency": "USD", "reference": "goods"},
    )  # fmt: skip


def ring(fund, org, network, amount=500_00):
    """The fund's holder owes a third member, who owes the borrower: with the borrower's
    instalment, a ring that clearing sets off by `amount`."""
    third = third_member(network)
    owe(fund.holder, third, amount)
    owe(third, org, amount)
    return third


def clear(network, people) -> ClearingRun:
    run = clearing.clearing_run_propose(
        actor=people["coordinator"], network=network, currency="USD"
    )
    return clearing.clearing_run_commit(actor=people["coordinator"], run=run)


def balanced(fund) -> bool:
    rows = books.trial_balance(selectors.account_sums(fund))
    return sum(r.debit for r in rows) == sum(r.credit for r in rows)


def test_an_instalment_falling_due_becomes_an_obligation(fund, org, people, committee_people):
    loan = disbursed(fund, org, people, committee_people)
    row = first(loan)
    obligation = row.obligation
    assert obligation is not None
    assert (obligation.debtor, obligation.creditor) == (org, fund.holder)
    assert (obligation.amount, obligation.remaining, obligation.currency) == (888_49, 888_49, "USD")
    assert obligation.due_on == row.due_on == due_date(loan.disbursed_on, 1)
    assert obligation.reference == f"Loan #{loan.pk} instalment 1"
    assert obligation.source == Obligation.Source.CAPITAL
    assert obligation.confirmed_at is not None  # clearable at once
    # the next instalment is not due yet; falling due again makes nothing new
    assert loan.schedules.get().rows.filter(obligation__isnull=False).count() == 1
    decisions.instalments_fall_due(until=services.today())
    assert Obligation.objects.count() == 1
    # it falls due: its obligation asks for it
    second = loan.schedules.get().rows.get(number=2)
    decisions.instalments_fall_due(until=second.due_on, loan=loan)
    second.refresh_from_db()
    assert second.obligation.amount == second.payment
    assert second.obligation.reference == f"Loan #{loan.pk} instalment 2"


def test_only_loans_settled_by_clearing_make_obligations(fund, org, people, committee_people):
    disbursed(fund, org, people, committee_people, settle_by_clearing=False)
    decisions.instalments_fall_due(until=services.today() + dt.timedelta(days=400))
    assert Obligation.objects.count() == 0


def test_an_instalment_paid_in_part_asks_for_the_rest(fund, org, people, committee_people):
    give_cash(fund)
    loan = approved_loan(fund, org, people, committee_people)
    on = services.today() - dt.timedelta(days=40)
    services.loan_disburse(actor=people["coordinator"], loan=loan, on=on, settle_by_clearing=True)
    # the first instalment's obligation exists; pay it and part of the second in cash
    services.repayment_record(actor=people["coordinator"], loan=loan, amount=888_49 + 300_00,
                              paid_on=services.today())  # fmt: skip
    second = loan.schedules.get().rows.get(number=2)
    decisions.instalments_fall_due(until=second.due_on, loan=loan)
    second.refresh_from_db()
    assert second.obligation.amount == second.payment - 300_00


def test_a_clearing_run_repays_the_loan(fund, org, people, committee_people, network):
    loan = disbursed(fund, org, people, committee_people)
    obligation = first(loan).obligation
    ring(fund, org, network, 500_00)
    before = selectors.fund_balances(fund)
    run = clear(network, people)
    assert run.setoff_total == 3 * 500_00
    obligation.refresh_from_db()
    assert (obligation.remaining, obligation.status) == (388_49, Obligation.Status.PARTLY)
    repayment = Repayment.objects.get(loan=loan)
    assert (repayment.amount, repayment.source, repayment.obligation) == (
        500_00, Repayment.Source.CLEARING, obligation,
    )  # fmt: skip
    assert repayment.paid_on == run.committed_at.date() == services.today()
    loan.refresh_from_db()
    # 100.00 of interest first, then 400.00 of principal
    assert loan.paid_total == 500_00
    assert loan.principal_outstanding == 10_000_00 - 400_00
    after = selectors.fund_balances(fund)
    assert after["cash"] - before["cash"] == 500_00
    assert after["loans_receivable"] - before["loans_receivable"] == -400_00
    assert after["interest_receivable"] - before["interest_receivable"] == -100_00
    assert balanced(fund)
    # the run's set-off is the only entry: nothing was discharged besides
    assert list(obligation.entries.values_list("kind", "amount")) == [("setoff", 500_00)]


def test_a_run_settles_a_whole_instalment(fund, org, people, committee_people, network):
    loan = disbursed(fund, org, people, committee_people)
    ring(fund, org, network, 2_000_00)
    clear(network, people)
    loan.refresh_from_db()
    assert loan.paid_total == 888_49
    assert first(loan).obligation.status == Obligation.Status.SETTLED
    assert loan.unpaid_since == loan.schedules.get().rows.get(number=2).due_on


def test_a_cash_repayment_settles_the_obligation(fund, org, people, committee_people, network):
    loan = disbursed(fund, org, people, committee_people)
    obligation = first(loan).obligation
    services.repayment_record(actor=people["coordinator"], loan=loan, amount=300_00,
                              paid_on=services.today())  # fmt: skip
    obligation.refresh_from_db()
    assert obligation.remaining == 588_49
    services.repayment_record(actor=people["coordinator"], loan=loan, amount=588_49,
                              paid_on=services.today())  # fmt: skip
    obligation.refresh_from_db()
    assert (obligation.remaining, obligation.status) == (0, Obligation.Status.SETTLED)
    assert list(obligation.entries.values_list("kind", "amount")) == [
        (ObligationEntry.Kind.PAID, 300_00), (ObligationEntry.Kind.PAID, 588_49),
    ]  # fmt: skip
    # a later ring clears the other invoices, and nothing of the loan
    ring(fund, org, network, 500_00)
    assert clear(network, people).setoff_total == 0  # the ring is broken
    assert Repayment.objects.filter(loan=loan, source=Repayment.Source.CLEARING).count() == 0


def test_cash_then_clearing_pay_each_part_once(fund, org, people, committee_people, network):
    loan = disbursed(fund, org, people, committee_people)
    services.repayment_record(actor=people["coordinator"], loan=loan, amount=300_00,
                              paid_on=services.today())  # fmt: skip
    ring(fund, org, network, 2_000_00)
    clear(network, people)
    loan.refresh_from_db()
    obligation = first(loan).obligation
    assert loan.paid_total == 888_49  # 300.00 in cash, 588.49 set off
    assert (obligation.remaining, obligation.status) == (0, Obligation.Status.SETTLED)
    assert Repayment.objects.get(loan=loan, source=Repayment.Source.CLEARING).amount == 588_49


def test_a_run_proposed_before_a_cash_repayment_does_not_commit(
    fund, org, people, committee_people, network
):
    loan = disbursed(fund, org, people, committee_people)
    ring(fund, org, network, 500_00)
    run = clearing.clearing_run_propose(
        actor=people["coordinator"], network=network, currency="USD"
    )
    services.repayment_record(actor=people["coordinator"], loan=loan, amount=888_49,
                              paid_on=services.today())  # fmt: skip
    with pytest.raises(DomainError, match="changed"):
        clearing.clearing_run_commit(actor=people["coordinator"], run=run)
    loan.refresh_from_db()
    assert loan.paid_total == 888_49
    assert Repayment.objects.filter(loan=loan).count() == 1
    assert first(loan).obligation.remaining == 0


def test_a_loan_that_refuses_the_settlement_refuses_the_run(
    fund, org, people, committee_people, network
):
    loan = disbursed(fund, org, people, committee_people)
    ring(fund, org, network, 500_00)
    run = clearing.clearing_run_propose(
        actor=people["coordinator"], network=network, currency="USD"
    )
    # written off behind the obligation's back (as if its release had failed)
    Loan.objects.filter(pk=loan.pk).update(status=Loan.Status.WRITTEN_OFF)
    with pytest.raises(DomainError):
        clearing.clearing_run_commit(actor=people["coordinator"], run=run)
    run.refresh_from_db()
    assert run.status == ClearingRun.Status.PROPOSED
    assert not ObligationEntry.objects.exists()
    assert not Repayment.objects.exists()


def test_a_run_that_repaid_a_loan_is_not_reversed(fund, org, people, committee_people, network):
    loan = disbursed(fund, org, people, committee_people)
    ring(fund, org, network, 500_00)
    run = clear(network, people)
    with pytest.raises(DomainError, match="loan instalments"):
        clearing.clearing_run_reverse(actor=people["staff"], run=run)
    run.refresh_from_db()
    assert run.status == ClearingRun.Status.COMMITTED
    assert first(loan).obligation.remaining == 388_49
    assert ObligationEntry.objects.filter(kind=ObligationEntry.Kind.CORRECTION).count() == 0


def test_restructuring_cancels_the_old_obligations(fund, org, people, committee_people):
    loan = disbursed(fund, org, people, committee_people)
    old = first(loan).obligation
    services.loan_restructure(
        actor=people["coordinator"], loan=loan, start=services.today(), months=24,
        annual_rate="6", method="annuity", reason="Hard winter",
    )  # fmt: skip
    old.refresh_from_db()
    assert (old.remaining, old.status) == (0, Obligation.Status.SETTLED)
    assert list(old.entries.values_list("kind", "amount")) == [("cancelled", 888_49)]
    # the new schedule's instalments are asked for as they fall due
    row = loan.schedules.get(current=True).rows.get(number=1)
    decisions.instalments_fall_due(until=row.due_on, loan=loan)
    row.refresh_from_db()
    assert row.obligation.amount == row.payment


def test_writing_off_cancels_the_obligations(fund, org, people, committee_people):
    loan = disbursed(fund, org, people, committee_people)
    services.loan_write_off(actor=people["coordinator"], loan=loan, reason="Closed down")
    obligation = first(loan).obligation
    assert obligation.remaining == 0
    assert obligation.entries.get().kind == ObligationEntry.Kind.CANCELLED


def test_only_the_fund_discharges_an_instalment(fund, org, people, committee_people):
    loan = disbursed(fund, org, people, committee_people)
    obligation = first(loan).obligation
    with pytest.raises(PermissionDenied):  # the borrower does not decide it owes less
        clearing.obligation_discharge(actor=people["admin"], obligation=obligation,
                                      amount=100, kind="paid")  # fmt: skip
    obligation.refresh_from_db()
    assert obligation.remaining == 888_49
    assert not obligation.entries.exists()
