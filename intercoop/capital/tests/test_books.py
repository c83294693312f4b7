"""The fund's books: any sequence of events keeps the trial balance balanced and every
balance the sum of its entries (pure, hypothesis); and the books the services keep agree
with the loans, notes and equity they record (Django)."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from intercoop.capital import books, selectors, services
from intercoop.capital.arrears import status_of_total
from intercoop.capital.models import (
    Contribution,
    EquityEntry,
    Instalment,
    InvestorNote,
    LedgerEntry,
    LedgerTransaction,
    Loan,
    Repayment,
)
from intercoop.capital.tests.conftest import approved_loan
from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.errors import DomainError
from intercoop.directory import services as directory_services
from intercoop.directory.models import OrganizationRole

# the pure books ----------------------------------------------------------------------------

amount = st.integers(min_value=0, max_value=10**12)


@st.composite
def events(draw: Any) -> tuple[str, list[books.Entry]]:
    kind = draw(
        st.sampled_from(
            [
                "contribution",
                "equity_purchase",
                "equity_redemption",
                "note_issue",
                "note_repayment",
                "disbursement",
                "interest_due",
                "repayment",
                "restructuring",
                "reserve",
                "reserve_release",
                "write_off",
            ]
        )
    )
    if kind == "note_repayment":
        return kind, books.note_repayment(draw(amount), draw(amount))
    if kind == "repayment":
        return kind, books.repayment(draw(amount), draw(amount), draw(amount))
    if kind == "restructuring":
        return kind, books.restructuring(draw(amount), draw(amount))
    if kind == "write_off":
        principal = draw(amount)
        reserve = draw(st.integers(0, principal))
        return kind, books.write_off(principal, draw(amount), reserve)
    function = {
        "contribution": books.contribution,
        "equity_purchase": books.equity_purchase,
        "equity_redemption": books.equity_redemption,
        "note_issue": books.note_issue,
        "disbursement": books.disbursement,
        "interest_due": books.interest_due,
        "reserve": books.reserve_set_aside,
        "reserve_release": books.reserve_release,
    }[kind]
    return kind, function(draw(amount))


@settings(max_examples=300)
@given(st.lists(events(), max_size=40))
def test_any_sequence_of_events_keeps_the_books_balanced(sequence):
    entries: list[books.Entry] = []
    for _kind, posted in sequence:
        # each transaction: known accounts, no zero entries, summing to zero
        assert sum(value for _account, value in posted) == 0
        assert all(value != 0 and account in books.ACCOUNTS for account, value in posted)
        entries.extend(posted)
    rows = books.trial_balance(entries)
    assert [row.account for row in rows] == list(books.ACCOUNTS)
    assert sum(row.debit for row in rows) == sum(row.credit for row in rows)
    balances = books.balances(entries)
    for row in rows:
        mine = [value for account, value in entries if account == row.account]
        assert row.debit == sum(v for v in mine if v > 0)
        assert row.credit == -sum(v for v in mine if v < 0)
        net = sum(mine)
        normal = net if books.ACCOUNTS[row.account] in books.DEBIT_NORMAL else -net
        assert balances[row.account] == row.balance == normal
    # the accounting equation: assets = liabilities + equity + income − expenses
    kind_total = dict.fromkeys(books.ACCOUNTS.values(), 0)
    for account, value in balances.items():
        kind_total[books.ACCOUNTS[account]] += value
    assert kind_total[books.ASSET] + kind_total[books.EXPENSE] == (
        kind_total[books.LIABILITY] + kind_total[books.EQUITY] + kind_total[books.INCOME]
    )
    # the database's sums per account give the same trial balance
    sums = {row.account: (row.debit, row.credit) for row in rows if row.debit or row.credit}
    assert books.trial_balance(sums) == rows


def test_each_event_posts_exactly():
    assert books.contribution(500) == [("cash", 500), ("contributions", -500)]
    assert books.equity_purchase(300) == [("cash", 300), ("member_equity", -300)]
    assert books.equity_redemption(100) == [("member_equity", 100), ("cash", -100)]
    assert books.note_issue(1000) == [("cash", 1000), ("investor_notes", -1000)]
    assert books.note_repayment(1000, 20) == [
        ("investor_notes", 1000),
        ("interest_expense", 20),
        ("cash", -1020),
    ]
    assert books.disbursement(800) == [("loans_receivable", 800), ("cash", -800)]
    assert books.interest_due(8) == [("interest_receivable", 8), ("interest_income", -8)]
    assert books.repayment(90, 10) == [
        ("cash", 100),
        ("interest_receivable", -10),
        ("loans_receivable", -90),
    ]
    assert books.restructuring(7, 3) == [
        ("loans_receivable", 7),
        ("interest_income", 3),
        ("interest_receivable", -10),
    ]
    assert books.restructuring(0, 3) == [("interest_income", 3), ("interest_receivable", -3)]
    assert books.reserve_set_aside(40) == [("contributions", 40), ("loss_reserve", -40)]
    assert books.reserve_release(40) == [("loss_reserve", 40), ("contributions", -40)]
    assert books.write_off(500, 12, 40) == [
        ("interest_income", 12),
        ("interest_receivable", -12),
        ("loss_reserve", 40),
        ("loan_losses", 460),
        ("loans_receivable", -500),
    ]
    # zero amounts are left out; nothing at all is an empty transaction
    assert books.write_off(500, 0, 500) == [("loss_reserve", 500), ("loans_receivable", -500)]
    assert books.disbursement(0) == []


def test_an_unknown_account_or_an_unbalanced_transaction_is_refused():
    with pytest.raises(books.Unbalanced, match="unknown account 'petty_cash'"):
        books.transaction(("cash", 5), ("petty_cash", -5))
    with pytest.raises(books.Unbalanced, match="do not balance"):
        books.transaction(("cash", 5), ("contributions", -4))
    with pytest.raises(books.Unbalanced):
        books.transaction(("cash", 1))
    assert issubclass(books.Unbalanced, ValueError)


def test_balances_are_on_each_accounts_normal_side():
    entries = books.contribution(1000) + books.disbursement(600) + books.interest_due(6)
    entries += books.repayment(100, 6)
    assert books.balances(entries) == {
        "cash": 1000 - 600 + 106,
        "loans_receivable": 500,
        "interest_receivable": 0,
        "investor_notes": 0,
        "member_equity": 0,
        "contributions": 1000,
        "loss_reserve": 0,
        "interest_income": 6,
        "interest_expense": 0,
        "loan_losses": 0,
    }


# the books the services keep ---------------------------------------------------------------

TODAY = services.today()
EARLY = dt.date(2026, 1, 15)


def _date(draw: Any, low: dt.date) -> dt.date:
    return draw(st.dates(min_value=min(low, TODAY), max_value=TODAY))


def _interest_receivable(loan: Loan) -> int:
    return sum(
        LedgerEntry.objects.filter(transaction__loan=loan, account="interest_receivable")
        .values_list("amount", flat=True)
    )  # fmt: skip


def check_books(fund: Any) -> None:
    """The database's trial balance balances, and each balance agrees with the records."""
    rows = books.trial_balance(selectors.account_sums(fund))
    assert sum(r.debit for r in rows) == sum(r.credit for r in rows)
    balance = {r.account: r.balance for r in rows}
    loans = list(Loan.objects.filter(fund=fund))
    active = [loan for loan in loans if loan.status == Loan.Status.ACTIVE]
    assert balance["loans_receivable"] == sum(loan.principal_outstanding for loan in active)
    for loan in loans:
        if loan.status == Loan.Status.REPAID:
            assert loan.principal_outstanding == 0
    notes = InvestorNote.objects.filter(fund=fund)
    assert balance["investor_notes"] == sum(n.amount for n in notes if n.is_open)
    assert balance["member_equity"] == sum(
        EquityEntry.objects.filter(fund=fund).values_list("amount", flat=True)
    )
    # every cent in or out of the fund
    disbursed = sum(loan.principal for loan in loans if loan.disbursed_on is not None)
    repaid_notes = sum(n.amount + n.interest_paid for n in notes if not n.is_open)
    assert balance["cash"] == (
        sum(Contribution.objects.filter(fund=fund).values_list("amount", flat=True))
        + balance["member_equity"]
        + sum(n.amount for n in notes)
        - repaid_notes
        - disbursed
        + sum(Repayment.objects.filter(loan__fund=fund).values_list("amount", flat=True))
    )
    assert balance["interest_expense"] == sum(n.interest_paid for n in notes)
    # interest receivable: what fell due (or was reached) on the current schedule and is
    # not paid yet; nothing for a loan repaid or written off (overdue interest was
    # capitalised by each restructuring)
    for loan in loans:
        receivable = _interest_receivable(loan)
        if loan.status != Loan.Status.ACTIVE:
            assert receivable == 0
            continue
        current = loan.schedules.get(current=True)
        rows_ = list(current.rows.all())
        accrued = sum(r.interest for r in rows_ if r.interest_accrued)
        paid = status_of_total(rows_, loan.paid_total, dt.date.max).interest_paid
        assert receivable == accrued - paid >= 0
        assert loan.paid_total == sum(
            Repayment.objects.filter(schedule=current).values_list("amount", flat=True)
        )
    assert balance["interest_receivable"] == sum(_interest_receivable(loan) for loan in loans)
    # the loss reserve covers the loans outstanding: never below zero, never more than was
    # set aside for them (a repaid loan's was released, a written-off one's used)
    set_aside = {
        loan.pk: -sum(
            LedgerEntry.objects.filter(transaction__loan=loan, transaction__kind="reserve",
                                       amount__lt=0, account="loss_reserve")
            .values_list("amount", flat=True)
        )
        for loan in active
    }  # fmt: skip
    assert 0 <= balance["loss_reserve"] <= sum(set_aside.values())
    for loan in loans:
        if loan.status == Loan.Status.WRITTEN_OFF:
            assert (loan.principal_outstanding, loan.unpaid_since) == (0, None)
    # the fund page's figures, read from the records that move cash, are the books'
    overview = selectors.fund_overview(fund, on=TODAY)
    assert overview.cash == balance["cash"]
    assert overview.loss_reserve == balance["loss_reserve"]
    assert overview.principal_outstanding == balance["loans_receivable"]


class _Rollback(Exception):
    pass


@pytest.fixture
def borrowers(fund, org, people, committee_people):
    """Two more member co-ops of the fund's network, each with its admin."""
    made = []
    for n in (2, 3):
        other = make_org(name=f"Borrower {n} Co-op")
        directory_services.network_member_join(
            actor=system_actor(), network=fund.network, organization=other
        )
        admin = make_user(f"admin{n}")
        directory_services.organization_role_assign(
            actor=system_actor(), organization=other, user=admin, role=OrganizationRole.Role.ADMIN
        )
        made.append((other, {"admin": admin, "coordinator": people["coordinator"]}))
    return [(org, people), *made]


@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_services_books_agree_with_the_loans_notes_and_equity(
    data, fund, borrowers, people, committee_people, holder
):
    coordinator = people["coordinator"]
    try:
        with transaction.atomic():
            _run(data, fund, borrowers, coordinator, committee_people, holder)
            raise _Rollback
    except _Rollback:
        pass


def _run(data, fund, borrowers, coordinator, committee_people, holder):
    draw = data.draw
    steps = [lend, *draw(st.lists(st.sampled_from(STEPS), min_size=2, max_size=12))]
    # money in first, so that most loans have cash to be paid out of (10,000.00 to
    # 1,000,000.00; a loan is 100.00 to 50,000.00)
    services.contribution_record(
        actor=coordinator, fund=fund, organization=holder,
        amount=draw(st.integers(10**6, 10**8)), received_on=EARLY,
    )  # fmt: skip
    for step in steps:
        entries_before = LedgerEntry.objects.count()
        try:
            step(draw, fund, borrowers, coordinator, committee_people, holder)
            event(step.__name__)
        except DomainError:
            # a refusal writes nothing
            event(f"{step.__name__} refused")
            assert LedgerEntry.objects.count() == entries_before
        check_books(fund)


def contribute(draw, fund, borrowers, coordinator, committee_people, holder):
    org, _people = draw(st.sampled_from(borrowers))
    services.contribution_record(
        actor=coordinator, fund=fund, organization=org, amount=draw(st.integers(1, 10**7)),
        received_on=_date(draw, EARLY),
    )  # fmt: skip


def equity(draw, fund, borrowers, coordinator, committee_people, holder):
    org, _people = draw(st.sampled_from(borrowers))
    value = draw(st.integers(1, 10**6)) * draw(st.sampled_from([1, 1, -1]))
    services.equity_record(actor=coordinator, fund=fund, organization=org, amount=value,
                           on=_date(draw, EARLY))  # fmt: skip


def note(draw, fund, borrowers, coordinator, committee_people, holder):
    org, _people = draw(st.sampled_from(borrowers))
    services.note_record(
        actor=coordinator, fund=fund, organization=org, amount=draw(st.integers(1, 10**7)),
        rate=draw(st.sampled_from(["0", "1.5", "2"])), term_months=draw(st.integers(1, 60)),
        issued_on=_date(draw, EARLY),
    )  # fmt: skip


def note_repay(draw, fund, borrowers, coordinator, committee_people, holder):
    open_notes = list(InvestorNote.objects.filter(fund=fund).exclude(status="repaid"))
    if open_notes:
        chosen = draw(st.sampled_from(open_notes))
        services.note_repay(actor=coordinator, note=chosen, on=_date(draw, chosen.issued_on))


def lend(draw, fund, borrowers, coordinator, committee_people, holder):
    org, people = draw(st.sampled_from(borrowers))
    loan = approved_loan(
        fund, org, people, committee_people,
        amount=draw(st.integers(100_00, 50_000_00)),
        months=draw(st.integers(6, 24)),
        rate=draw(st.sampled_from(["0", "4.5", "12"])),
    )  # fmt: skip
    services.loan_disburse(
        actor=coordinator, loan=loan, on=draw(st.dates(dt.date(2025, 6, 1), TODAY))
    )


def _active(draw):
    loans = list(Loan.objects.filter(status=Loan.Status.ACTIVE).order_by("pk"))
    return draw(st.sampled_from(loans)) if loans else None


def repay(draw, fund, borrowers, coordinator, committee_people, holder):
    loan = _active(draw)
    if loan is None:
        return
    stored = loan.schedules.get(current=True)
    left = sum(r.payment for r in stored.rows.all()) - loan.paid_total
    value = draw(st.one_of(st.integers(1, left), st.just(left), st.just(left + 1)))
    services.repayment_record(actor=coordinator, loan=loan, amount=value,
                              paid_on=_date(draw, stored.start))  # fmt: skip


def restructure(draw, fund, borrowers, coordinator, committee_people, holder):
    loan = _active(draw)
    if loan is None:
        return
    months = draw(st.integers(1, 36))
    capitalise = draw(st.booleans())
    services.loan_restructure(
        actor=coordinator, loan=loan, start=draw(st.dates(dt.date(2026, 1, 1), TODAY)),
        months=months, annual_rate=draw(st.sampled_from([Decimal(0), Decimal("6.25")])),
        method=draw(st.sampled_from(["annuity", "equal-principal", "interest-only", "flat"])),
        grace_months=draw(st.integers(0, months - 1)), reason="Hard winter",
        capitalise_interest=capitalise,
    )  # fmt: skip
    event(f"restructure capitalise={capitalise}")
    assert _interest_receivable(loan) == 0  # nothing of the old schedule stays receivable


def write_off(draw, fund, borrowers, coordinator, committee_people, holder):
    loan = _active(draw)
    if loan is not None:
        services.loan_write_off(actor=coordinator, loan=loan, reason="Closed down")


def fall_due(draw, fund, borrowers, coordinator, committee_people, holder):
    from intercoop.capital.decisions import instalments_fall_due

    instalments_fall_due(until=TODAY)


STEPS = [contribute, equity, note, note_repay, lend, lend, repay, repay, repay, restructure,
         write_off, fall_due]  # fmt: skip


def test_a_fixed_run_of_services_keeps_the_books(fund, org, people, committee_people, holder):
    """The same invariants after a fixed run: a loan repaid in full, one restructured then
    written off, one current; notes issued and repaid; equity bought and redeemed."""
    coordinator = people["coordinator"]
    services.contribution_record(actor=coordinator, fund=fund, organization=holder,
                                 amount=100_000_00, received_on=EARLY)  # fmt: skip
    services.equity_record(actor=coordinator, fund=fund, organization=org, amount=5_000_00,
                           on=EARLY)  # fmt: skip
    services.equity_record(actor=coordinator, fund=fund, organization=org, amount=-2_000_00,
                           on=EARLY)  # fmt: skip
    kept = services.note_record(actor=coordinator, fund=fund, organization=holder,
                                amount=20_000_00, rate="2", term_months=36, issued_on=EARLY)  # fmt: skip
    repaid = services.note_record(actor=coordinator, fund=fund, organization=holder,
                                  amount=10_000_00, rate="1", term_months=12, issued_on=EARLY)  # fmt: skip
    services.note_repay(actor=coordinator, note=repaid, on=dt.date(2026, 7, 15))
    check_books(fund)
    first = approved_loan(fund, org, people, committee_people, amount=1_200_00, months=6)
    services.loan_disburse(actor=coordinator, loan=first, on=dt.date(2026, 1, 31))
    left = sum(r.payment for r in first.schedules.get().rows.all())
    services.repayment_record(actor=coordinator, loan=first, amount=left - 100,
                              paid_on=dt.date(2026, 6, 1))  # fmt: skip
    check_books(fund)
    services.repayment_record(actor=coordinator, loan=first, amount=100,
                              paid_on=dt.date(2026, 8, 1))  # fmt: skip
    first.refresh_from_db()
    assert first.status == Loan.Status.REPAID
    check_books(fund)
    second = approved_loan(fund, org, people, committee_people, amount=6_000_00, months=12)
    services.loan_disburse(actor=coordinator, loan=second, on=dt.date(2026, 2, 10))
    services.repayment_record(actor=coordinator, loan=second, amount=300_00,
                              paid_on=dt.date(2026, 4, 1))  # fmt: skip
    services.loan_restructure(actor=coordinator, loan=second, start=dt.date(2026, 9, 1),
                              months=18, annual_rate="6", method="equal-principal",
                              grace_months=2, reason="Flood")  # fmt: skip
    check_books(fund)
    services.loan_write_off(actor=coordinator, loan=second, reason="Closed down")
    check_books(fund)
    third = approved_loan(fund, org, people, committee_people, amount=3_000_00, months=24)
    services.loan_disburse(actor=coordinator, loan=third, on=dt.date(2026, 6, 30))
    services.repayment_record(actor=coordinator, loan=third, amount=1_000_00,
                              paid_on=dt.date(2026, 9, 30))  # fmt: skip
    check_books(fund)
    assert kept.is_open
    assert Instalment.objects.filter(schedule__loan=third, interest_accrued=True).exists()
    assert LedgerTransaction.objects.filter(fund=fund, kind="write-off").count() == 1
    # restructured without capitalising its overdue interest, then repaid in full
    fourth = approved_loan(fund, org, people, committee_people, amount=1_200_00, months=6)
    services.loan_disburse(actor=coordinator, loan=fourth, on=dt.date(2026, 1, 31))
    assert _interest_receivable(fourth) > 0
    services.loan_restructure(actor=coordinator, loan=fourth, start=dt.date(2026, 10, 1),
                              months=2, annual_rate="0", method="annuity", reason="Relief",
                              capitalise_interest=False)  # fmt: skip
    check_books(fund)
    left = sum(r.payment for r in fourth.schedules.get(current=True).rows.all())
    services.repayment_record(actor=coordinator, loan=fourth, amount=left,
                              paid_on=dt.date(2026, 11, 2))  # fmt: skip
    fourth.refresh_from_db()
    assert fourth.status == Loan.Status.REPAID and _interest_receivable(fourth) == 0
    check_books(fund)
    # paid into an instalment not yet due, then restructured: nothing of it capitalised
    fifth = approved_loan(fund, org, people, committee_people, amount=10_000_00, months=12)
    services.loan_disburse(actor=coordinator, loan=fifth, on=TODAY)
    services.repayment_record(actor=coordinator, loan=fifth, amount=10_00, paid_on=TODAY)
    stored = services.loan_restructure(actor=coordinator, loan=fifth, start=TODAY, months=12,
                                       annual_rate="12", method="annuity", reason="x")  # fmt: skip
    assert stored.principal == 10_000_00
    check_books(fund)
    assert selectors.fund_balances(fund)["interest_receivable"] == (
        _interest_receivable(third) + _interest_receivable(fifth)
    )
