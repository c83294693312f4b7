"""Loan repayment schedules (pure: no Django), amounts in integer minor units.

Conventions, exactly:
- the k-th instalment is due k months after the start date, on the start's day of the
  month (the month's last day when it is shorter);
- periodic rate r = annual rate / 12; a period's interest = balance × r (`flat`: the
  original principal × r);
- the first `grace_months` instalments pay interest only; the principal is repaid over
  the m = months − grace_months that follow: `annuity` in equal payments
  P·r / (1 − (1+r)^−m) (P/m at 0%), `equal-principal` and `flat` P/m each month,
  `interest-only` all at the end;
- every amount is rounded half-even to the currency's minor unit; the last instalment
  pays whatever principal remains, so the balance ends at exactly zero, and no
  instalment pays more principal than the balance left.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal

METHODS = ("annuity", "equal-principal", "interest-only", "flat")
MAX_MONTHS = 1200
MAX_RATE = Decimal(100)  # per cent a year
_CONTEXT = Context(prec=50)


@dataclass(frozen=True)
class Instalment:
    number: int
    due_on: dt.date
    payment: int
    interest: int
    principal: int
    balance: int  # outstanding after this instalment


def due_date(start: dt.date, months: int) -> dt.date:
    """`months` months after `start`, on its day of the month or the month's last day."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def annuity_payment(principal: int, rate: Decimal, months: int) -> int:
    """The equal payment that repays `principal` over `months` at periodic `rate`."""
    if rate == 0:
        return _round(Decimal(principal) / months)
    factor = _CONTEXT.power(1 + rate, -months)
    return _round(_CONTEXT.divide(Decimal(principal) * rate, 1 - factor))


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
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"the term must be from 1 to {MAX_MONTHS} months")
    if not 0 <= grace_months < months:
        raise ValueError("the grace months must be fewer than the months of the term")
    rate = Decimal(annual_rate) / 1200
    repaying = months - grace_months
    payment = annuity_payment(principal, rate, repaying)
    share = _round(Decimal(principal) / repaying)
    balance, rows = principal, []
    for number in range(1, months + 1):
        interest = _round((principal if method == "flat" else balance) * rate)
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
