"""Arrears: allocation (interest first, oldest first, overpayment kept), ageing at every
bucket boundary, PAR30 against the arrears rate on a portfolio worked by hand, and
(hypothesis) that every payment is accounted for."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intercoop.capital.arrears import (
    BUCKETS,
    LoanStatus,
    Payment,
    ageing,
    allocate,
    arrears_rate,
    bucket,
    first_unpaid,
    par,
    status,
    status_of_total,
    unpaid_after,
    unpaid_of,
    unpaid_parts,
)
from intercoop.capital.schedule import METHODS, Instalment, schedule

D = dt.date
# Three instalments by hand: 1,000 + 1,000 + 1,000 paid, 2,760 of principal.
LOAN = [
    Instalment(1, D(2027, 2, 15), 1000, 100, 900, 1860),
    Instalment(2, D(2027, 3, 15), 1000, 80, 920, 940),
    Instalment(3, D(2027, 4, 15), 1000, 60, 940, 0),
]


def paid(allocation):
    return [(s.interest_paid, s.principal_paid) for s in allocation.instalments]


def test_a_partial_payment_pays_interest_first():
    found = allocate(LOAN, [(D(2027, 2, 10), 50)])
    assert paid(found) == [(50, 0), (0, 0), (0, 0)] and found.unapplied == 0
    found = allocate(LOAN, [(D(2027, 2, 10), 50), (D(2027, 2, 12), 150)])
    assert paid(found) == [(100, 100), (0, 0), (0, 0)]
    assert found.instalments[0].interest_unpaid == 0
    assert found.instalments[0].principal_unpaid == 800
    assert found.instalments[0].settled_on is None and not found.instalments[0].paid


def test_a_payment_spanning_two_instalments():
    found = allocate(LOAN, [(D(2027, 2, 15), 1100)])
    assert paid(found) == [(100, 900), (80, 20), (0, 0)]
    assert [s.settled_on for s in found.instalments] == [D(2027, 2, 15), None, None]
    assert found.instalments[1].unpaid == 900


def test_an_overpayment_is_kept_as_unapplied():
    found = allocate(LOAN, [(D(2027, 2, 15), 2500), (D(2027, 3, 1), 750)])
    assert paid(found) == [(100, 900), (80, 920), (60, 940)] and found.unapplied == 250
    assert [s.settled_on for s in found.instalments] == [D(2027, 2, 15), D(2027, 2, 15),
                                                         D(2027, 3, 1)]  # fmt: skip
    loan = status(LOAN, [(D(2027, 2, 15), 2500), (D(2027, 3, 1), 750)], D(2027, 5, 1))
    assert (loan.unapplied, loan.principal_outstanding, loan.days_past_due) == (250, 0, 0)
    assert loan.next_due is None and loan.next_due_amount == 0


def test_payments_are_applied_in_date_order_whatever_their_order_in_the_file():
    found = allocate(LOAN, [(D(2027, 3, 20), 500), (D(2027, 2, 10), 700)])
    assert paid(found) == [(100, 900), (80, 120), (0, 0)]
    # the first instalment was settled by the later payment
    assert found.instalments[0].settled_on == D(2027, 3, 20)


def test_a_payment_must_be_more_than_zero():
    with pytest.raises(ValueError, match="more than zero"):
        allocate(LOAN, [(D(2027, 2, 10), 0)])
    with pytest.raises(ValueError, match="more than zero"):
        status(LOAN, [(D(2027, 2, 10), -5)], D(2027, 3, 1))


@pytest.mark.parametrize(
    ("days", "name"),
    [
        (0, "current"),
        (1, "1-30"),
        (30, "1-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "90+"),
    ],
)
def test_ageing_at_every_bucket_boundary(days, name):
    loan = status(LOAN, [], LOAN[0].due_on + dt.timedelta(days=days))
    assert (loan.days_past_due, loan.bucket, bucket(days)) == (days, name, name)
    assert (loan.par30, loan.par90) == (days > 30, days > 90)


def test_an_instalment_due_on_the_as_of_date_is_not_past_due():
    loan = status(LOAN, [], D(2027, 2, 15))
    assert (loan.days_past_due, loan.bucket, loan.overdue) == (0, "current", 0)
    assert (loan.next_due, loan.next_due_amount) == (D(2027, 2, 15), 1000)
    assert loan.principal_outstanding == 2760


def test_days_past_due_run_from_the_oldest_instalment_not_fully_paid():
    # 1,050 settles the first instalment and pays 50 of the second's interest.
    payments = [Payment(D(2027, 2, 15), 1050)]
    loan = status(LOAN, payments, D(2027, 4, 25))
    assert (loan.days_past_due, loan.bucket) == (41, "31-60")  # since 15 March
    assert (loan.overdue_interest, loan.overdue_principal) == (30 + 60, 920 + 940)
    assert (loan.interest_paid, loan.principal_paid) == (150, 900)
    assert loan.principal_outstanding == 1860 and loan.next_due is None
    # Paid to the last cent of the first instalment: nothing late before 15 March.
    assert status(LOAN, [(D(2027, 2, 20), 1000)], D(2027, 3, 15)).days_past_due == 0
    assert status(LOAN, [(D(2027, 2, 20), 999)], D(2027, 3, 15)).days_past_due == 28


def test_payments_after_the_as_of_date_are_not_counted():
    payments = [(D(2027, 2, 15), 1000), (D(2027, 3, 20), 1000)]
    loan = status(LOAN, payments, D(2027, 3, 19))
    assert (loan.days_past_due, loan.interest_paid, loan.principal_paid) == (4, 100, 900)
    assert loan == status(LOAN, payments[:1], D(2027, 3, 19))
    assert loan == status_of_total(LOAN, 1000, D(2027, 3, 19))


def test_instalments_with_nothing_due_are_never_late():
    free = schedule(principal=300, annual_rate=Decimal(0), months=3, method="interest-only",
                    start=D(2027, 1, 1))  # fmt: skip
    assert [r.payment for r in free] == [0, 0, 300]
    loan = status(free, [], D(2027, 3, 20))
    assert (loan.days_past_due, loan.overdue, loan.next_due) == (0, 0, D(2027, 4, 1))
    states = allocate(free, [(D(2027, 1, 5), 100)]).instalments
    assert [(s.paid, s.settled_on) for s in states] == [(True, None), (True, None), (False, None)]
    assert states[2].principal_paid == 100


def test_bucket_names_and_order():
    assert BUCKETS == ("current", "1-30", "31-60", "61-90", "90+")
    assert bucket(10_000) == "90+"
    with pytest.raises(ValueError, match="negative"):
        bucket(-1)


def test_par30_counts_the_whole_late_loan_the_arrears_rate_only_what_is_overdue():
    as_of = D(2027, 3, 1)
    # Loan A: 10,000 outstanding, an instalment of 800 principal (+100 interest) due on
    # 15 January unpaid: 45 days late. Loan B: 20,000, current. Loan C: repaid.
    a = [Instalment(1, D(2027, 1, 15), 900, 100, 800, 9200),
         Instalment(2, D(2027, 7, 15), 9300, 100, 9200, 0)]  # fmt: skip
    b = [Instalment(1, D(2027, 3, 15), 20_000, 0, 20_000, 0)]
    c = [Instalment(1, D(2027, 1, 15), 5000, 0, 5000, 0)]
    loans = [status(a, [], as_of), status(b, [], as_of), status(c, [(D(2027, 1, 10), 5000)], as_of)]
    assert [(s.days_past_due, s.principal_outstanding, s.overdue_principal) for s in loans] == [
        (45, 10_000, 800), (0, 20_000, 0), (0, 0, 0)]  # fmt: skip
    assert par(loans) == Fraction(10_000, 30_000) == Fraction(1, 3)
    assert arrears_rate(loans) == Fraction(800, 30_000)
    assert par(loans, days=90) == 0 and par(loans, days=44) == Fraction(1, 3)
    assert par(loans, days=45) == 0  # more than 45 days, not 45
    assert ageing(loans) == {"current": (2, 20_000), "1-30": (0, 0), "31-60": (1, 10_000),
                             "61-90": (0, 0), "90+": (0, 0)}  # fmt: skip
    assert par(iter(loans)) == Fraction(1, 3)  # one pass over any iterable
    assert par([]) == arrears_rate([]) == 0 and par(loans[2:]) == 0


@given(
    principal=st.integers(1, 10**9),
    rate=st.decimals(0, 40, places=2),
    months=st.integers(1, 72),
    method=st.sampled_from(METHODS),
    payments=st.lists(st.tuples(st.integers(-40, 2300), st.integers(1, 10**8)), max_size=40),
    as_of=st.integers(-40, 2300),
)
def test_every_payment_is_accounted_for(principal, rate, months, method, payments, as_of):
    start = D(2027, 1, 31)
    rows = schedule(principal=principal, annual_rate=rate, months=months, method=method,
                    start=start)  # fmt: skip
    day = start + dt.timedelta(days=as_of)
    made = [(start + dt.timedelta(days=d), amount) for d, amount in payments]
    counted = [(d, amount) for d, amount in made if d <= day]
    loan = status(rows, made, day)
    assert loan.interest_paid + loan.principal_paid + loan.unapplied == sum(a for _d, a in counted)
    assert loan.principal_outstanding + loan.principal_paid == principal == loan.principal
    assert 0 <= loan.overdue_principal <= loan.principal_outstanding
    assert loan.unapplied == 0 or loan.principal_outstanding == loan.overdue == 0
    assert loan.bucket == bucket(loan.days_past_due) and loan.days_past_due >= 0
    # The fast path agrees with replaying the payments one by one.
    replay = allocate(rows, counted)
    states = replay.instalments
    late = [s for s in states if s.due_on < day and not s.paid]
    assert replay.unapplied == loan.unapplied
    assert sum(s.interest_paid for s in states) == loan.interest_paid
    assert sum(s.principal_paid for s in states) == loan.principal_paid
    assert sum(s.interest_unpaid for s in late) == loan.overdue_interest
    assert sum(s.principal_unpaid for s in late) == loan.overdue_principal
    assert loan.days_past_due == ((day - late[0].due_on).days if late else 0)
    coming = [s for s in states if s.due_on >= day and not s.paid]
    assert loan.next_due == (coming[0].due_on if coming else None)
    # Oldest first: an instalment is paid into only once all before it are settled.
    touched = [n for n, s in enumerate(states) if s.interest_paid or s.principal_paid]
    assert all(states[n].paid for n in range(touched[-1])) if touched else True
    assert isinstance(loan, LoanStatus)


def _by_hand(rows, payments):
    """A reference: each payment in date order poured into the instalments one at a time,
    interest then principal; (interest paid, principal paid, settled on) of each."""
    state = [[0, 0, None] for _row in rows]
    for day, amount in sorted(payments, key=lambda p: p[0]):
        for row, paid in zip(rows, state, strict=True):
            for part, due in ((0, row.interest), (1, row.principal)):
                take = min(amount, due - paid[part])
                paid[part], amount = paid[part] + take, amount - take
            if paid[2] is None and row.payment and paid[0] + paid[1] == row.payment:
                paid[2] = day
    return [tuple(paid) for paid in state]


def test_the_oldest_first_helpers_by_hand():
    assert unpaid_of(1000, 0, 1050) == 0 and unpaid_of(1000, 1000, 1050) == 950
    assert unpaid_of(1000, 2000, 1050) == 1000  # not reached
    assert unpaid_of(2000, 1000, 1050) == 1950  # a run of instalments works the same
    assert [left for _row, left in unpaid_after(LOAN, 1050)] == [0, 950, 1000]
    assert first_unpaid(LOAN, 1050) is LOAN[1] and first_unpaid(LOAN, 3000) is None
    assert unpaid_parts(LOAN[1], 950) == (30, 920)  # the interest is paid first
    assert unpaid_parts(LOAN[1], 900) == (0, 900) and unpaid_parts(LOAN[1], 0) == (0, 0)


@given(
    principal=st.integers(1, 10**7),
    months=st.integers(1, 24),
    method=st.sampled_from(METHODS),
    grace=st.integers(0, 23),
    payments=st.lists(st.tuples(st.integers(0, 800), st.integers(1, 10**6)), max_size=12),
)
def test_the_helpers_and_allocate_agree_with_paying_by_hand(principal, months, method, grace,
                                                           payments):  # fmt: skip
    start = D(2027, 1, 31)
    rows = schedule(principal=principal, annual_rate=Decimal(9), months=months, method=method,
                    start=start, grace_months=min(grace, months - 1))  # fmt: skip
    made = [(start + dt.timedelta(days=d), amount) for d, amount in payments]
    total = sum(amount for _d, amount in made)
    expected = _by_hand(rows, made)
    lefts = unpaid_after(rows, total)
    assert [row for row, _left in lefts] == rows
    assert [row.payment - i - p for row, (i, p, _on) in zip(rows, expected, strict=True)] == [
        left for _row, left in lefts]  # fmt: skip
    assert [unpaid_parts(row, left) for row, left in lefts] == [
        (row.interest - i, row.principal - p) for row, (i, p, _on) in zip(rows, expected,
                                                                          strict=True)]  # fmt: skip
    oldest = next((row for row, (i, p, _on) in zip(rows, expected, strict=True)
                   if i + p < row.payment), None)  # fmt: skip
    assert first_unpaid(rows, total) is oldest
    replay = allocate(rows, made)
    assert [(s.interest_paid, s.principal_paid, s.settled_on) for s in replay.instalments] == (
        expected
    )
    assert replay.unapplied == max(0, total - sum(row.payment for row in rows))
