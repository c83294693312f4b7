"""Instalment plans for share subscriptions (pure: no Django).

A subscription paid by instalments is `instalments` monthly payments, the first due on
`first_due_on` and each next one the same day of a later month (or that month's last
day: Jan 31, Feb 28, Mar 31, …), each counted from the first so that a short month does
not pull the later ones earlier.

Rounding: every instalment is the amount divided by the number of instalments, rounded
down to the minor unit; the last one pays the rest. $5,000.00 in 24 is 23 × $208.33 and
a last one of $208.41. No instalment is ever negative and the plan sums to the amount.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from intercoop.core.months import add_months

MAX_INSTALMENTS = 120  # ten years of monthly payments


@dataclass(frozen=True)
class PlanRow:
    number: int  # 1, 2, …
    due_on: dt.date
    amount: int  # minor units


def instalment_plan(amount: int, instalments: int, first_due_on: dt.date) -> list[PlanRow]:
    """`amount` (minor units, ≥ 0) in `instalments` (≥ 1) monthly parts: equal parts
    rounded down to the minor unit, the last paying the rest."""
    if amount < 0:
        raise ValueError("the amount is not negative")
    if instalments < 1:
        raise ValueError("a plan has at least one instalment")
    part = amount // instalments
    rows = [
        PlanRow(number=n + 1, due_on=add_months(first_due_on, n), amount=part)
        for n in range(instalments - 1)
    ]
    rest = amount - part * (instalments - 1)
    rows.append(
        PlanRow(number=instalments, due_on=add_months(first_due_on, instalments - 1), amount=rest)
    )
    return rows


def due_by(plan: Iterable[PlanRow], on: dt.date) -> int:
    """What the plan asks to have been paid by `on` (its instalments due that day or
    before)."""
    return sum(row.amount for row in plan if row.due_on <= on)


def paid_in_full_on(amount_needed: int, payments: Iterable[tuple[dt.date, int]]) -> dt.date | None:
    """The date on which the payments, taken in date order, first add up to
    `amount_needed` (> 0); None while they do not."""
    if amount_needed <= 0:
        raise ValueError("the amount needed is more than zero")
    total = 0
    for on, amount in sorted(payments, key=lambda payment: payment[0]):
        total += amount
        if total >= amount_needed:
            return on
    return None
