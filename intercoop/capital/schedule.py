"""Loan repayment schedules (pure: no Django), amounts in integer minor units.

Conventions, exactly:
- the k-th instalment is due k months after the start date, on the start's day of the
  month (the month's last day when it is shorter);
- the annual rate is from 0 to 100 % with at most 3 decimals; periodic rate r = annual
  rate / 12; a period's interest = balance × r (`flat`: the original principal × r);
- the first `grace_months` instalments pay interest only; the principal is repaid over
  the m = months − grace_months that follow: `annuity` in equal payments
  P·r / (1 − (1+r)^−m) (P/m at 0%), `equal-principal` and `flat` P/m each month,
  `interest-only` all at the end;
- every amount is rounded half-even to the currency's minor unit; the last instalment
  pays whatever principal remains, so the balance ends at exactly zero, and no
  instalment pays more principal than the balance left.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal

from intercoop.core.months import add_months

METHODS = ("annuity", "equal-principal", "interest-only", "flat")
MAX_MONTHS = 1200
MAX_RATE = Decimal(100)  # per cent a year
RATE_DECIMALS = 3
_CONTEXT = Context(prec=50)


@dataclass(frozen=True)
class Instalment:
    number: int
    due_on: dt.date
    payment: int
    interest: int
    principal: int
    balance: int  # outstanding after this instalment


# the k-th instalment is due k months after the start, on its day or the month's last day
due_date = add_months


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _divide(numerator: int, denominator: int) -> int:
    """numerator / denominator (> 0) rounded half-even, exactly, in integers."""
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2):
        quotient += 1
    return quotient


def annuity_payment(principal: int, rate: Decimal, months: int) -> int:
    """The equal payment that repays `principal` over `months` at periodic `rate`, in
    `_CONTEXT`'s 50 digits throughout (1 + a small rate is not rounded to 1)."""
    if rate == 0:
        return _round(_CONTEXT.divide(principal, months))
    factor = _CONTEXT.power(_CONTEXT.add(1, rate), -months)
    return _round(_CONTEXT.divide(_CONTEXT.multiply(principal, rate), _CONTEXT.subtract(1, factor)))


def schedule(
    *,
    principal: int,
    annual_rate: Decimal,
    months: int,
    method: str,
    start: dt.date,
    grace_months: int = 0,
) -> list[Instalment]:
    """The instalments of a loan of `principal` minor units at `annual_rate` per cent."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    if principal <= 0:
        raise ValueError("the principal must be more than zero")
    if not 0 <= annual_rate <= MAX_RATE:
        raise ValueError(f"the annual rate must be from 0 to {MAX_RATE}%")
    if Decimal(annual_rate).normalize().as_tuple().exponent < -RATE_DECIMALS:  # type: ignore[operator]
        raise ValueError(f"the annual rate has at most {RATE_DECIMALS} decimals")
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"the term must be from 1 to {MAX_MONTHS} months")
    if not 0 <= grace_months < months:
        raise ValueError("the grace months must be fewer than the months of the term")
    repaying = months - grace_months
    payment = 0
    if method == "annuity":
        payment = annuity_payment(principal, _CONTEXT.divide(annual_rate, 1200), repaying)
    share = _divide(principal, repaying)
    # a period's interest in exact integers: amount × n / (d × 1200) for the rate n/d %
    numerator, denominator = Decimal(annual_rate).as_integer_ratio()
    denominator *= 1200
    balance, rows = principal, []
    for number in range(1, months + 1):
        interest = _divide((principal if method == "flat" else balance) * numerator, denominator)
        if number <= grace_months or method == "interest-only":
            part = 0
        elif method == "annuity":
            part = payment - interest
        else:
            part = share
        part = balance if number == months else max(0, min(part, balance))
        balance -= part
        rows.append(
            Instalment(number, due_date(start, number), interest + part, interest, part, balance)
        )
    return rows
