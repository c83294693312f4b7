"""Instalment plans: the worked example ($5,000 in 24 months), month ends, the rounding
convention, paid-in-full dates, and (hypothesis) every plan summing to its amount."""

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intercoop.core.months import add_months
from intercoop.membership.plans import (
    MAX_INSTALMENTS,
    PlanRow,
    due_by,
    instalment_plan,
    paid_in_full_on,
)


def test_a_5000_dollar_buy_in_over_24_months():
    plan = instalment_plan(5_000_00, 24, dt.date(2025, 1, 31))
    assert [row.amount for row in plan] == [208_33] * 23 + [208_41]
    assert [row.number for row in plan] == list(range(1, 25))
    assert [row.due_on.isoformat() for row in plan[:4]] == [
        "2025-01-31",
        "2025-02-28",
        "2025-03-31",
        "2025-04-30",
    ]
    assert plan[-1] == PlanRow(number=24, due_on=dt.date(2026, 12, 31), amount=208_41)


def test_one_instalment_is_the_whole_amount_and_leap_februaries_keep_the_29th():
    assert instalment_plan(25_00, 1, dt.date(2025, 6, 1)) == [
        PlanRow(1, dt.date(2025, 6, 1), 25_00)
    ]
    assert [r.due_on for r in instalment_plan(300, 3, dt.date(2027, 12, 31))] == [
        dt.date(2027, 12, 31),
        dt.date(2028, 1, 31),
        dt.date(2028, 2, 29),
    ]


def test_fewer_minor_units_than_instalments_pays_all_in_the_last():
    assert [r.amount for r in instalment_plan(5, 12, dt.date(2025, 1, 1))] == [0] * 11 + [5]
    assert [r.amount for r in instalment_plan(0, 3, dt.date(2025, 1, 1))] == [0, 0, 0]


def test_bad_plans_are_refused():
    with pytest.raises(ValueError, match="not negative"):
        instalment_plan(-1, 3, dt.date(2025, 1, 1))
    with pytest.raises(ValueError, match="at least one instalment"):
        instalment_plan(100, 0, dt.date(2025, 1, 1))


def test_due_by_sums_the_instalments_due_that_day_or_before():
    plan = instalment_plan(1_000, 4, dt.date(2025, 1, 15))
    assert due_by(plan, dt.date(2025, 1, 14)) == 0
    assert due_by(plan, dt.date(2025, 2, 15)) == 500
    assert due_by(plan, dt.date(2030, 1, 1)) == 1_000


def test_paid_in_full_on_takes_payments_in_date_order():
    payments = [
        (dt.date(2025, 3, 1), 400),
        (dt.date(2025, 1, 1), 400),
        (dt.date(2025, 2, 1), 300),
    ]
    assert paid_in_full_on(700, payments) == dt.date(2025, 2, 1)
    assert paid_in_full_on(1_100, payments) == dt.date(2025, 3, 1)
    assert paid_in_full_on(1_101, payments) is None
    assert paid_in_full_on(1, []) is None
    with pytest.raises(ValueError, match="more than zero"):
        paid_in_full_on(0, payments)


@given(
    amount=st.integers(min_value=0, max_value=10**15),
    instalments=st.integers(min_value=1, max_value=MAX_INSTALMENTS),
    first=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2190, 1, 1)),
)
def test_every_plan_sums_to_its_amount_monthly_with_the_last_paying_the_rest(
    amount, instalments, first
):
    plan = instalment_plan(amount, instalments, first)
    assert len(plan) == instalments
    assert sum(row.amount for row in plan) == amount
    assert all(row.amount >= 0 for row in plan)
    part = amount // instalments
    assert all(row.amount == part for row in plan[:-1])
    assert plan[-1].amount == amount - part * (instalments - 1)
    assert plan[-1].amount >= part
    assert [row.due_on for row in plan] == [add_months(first, n) for n in range(instalments)]
    assert all(a.due_on < b.due_on for a, b in itertools.pairwise(plan))
    assert all(
        (b.due_on.year * 12 + b.due_on.month) - (a.due_on.year * 12 + a.due_on.month) == 1
        for a, b in itertools.pairwise(plan)
    )


@given(
    amounts=st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=30),
    needed=st.integers(min_value=1, max_value=100_000),
)
def test_paying_a_plan_in_full_on_its_due_dates_is_paid_on_the_last_date(amounts, needed):
    plan = instalment_plan(needed, len(amounts), dt.date(2025, 1, 31))
    payments = [(row.due_on, row.amount) for row in plan]
    found = paid_in_full_on(needed, payments)
    last_nonzero = max(row.due_on for row in plan if row.amount)
    assert found == last_nonzero
    # paying any payments: the date is the first whose running total reaches the need
    dated = [(dt.date(2025, 1, 1) + dt.timedelta(days=i), a) for i, a in enumerate(amounts)]
    running, expected = 0, None
    for on, amount in dated:
        running += amount
        if running >= needed:
            expected = on
            break
    assert paid_in_full_on(needed, reversed(dated)) == expected
