"""Arrears of loans (pure: no Django), amounts in integer minor units.

Rules, exactly:
- a payment pays the oldest instalment with anything unpaid, interest before principal,
  then the next; what is left after the last instalment is kept as `unapplied` (a
  credit of the borrower), never lost;
- days past due = the as-of date − the due date of the oldest instalment due before the
  as-of date (strictly: an instalment due on the as-of date is not yet late) and not
  fully paid; 0 when there is none;
- buckets, named exactly: `current` (0 days), `1-30`, `31-60`, `61-90`, `90+`;
- PAR30 of a portfolio = the whole outstanding principal of the loans more than 30 days
  past due ÷ the outstanding principal of all loans (the microfinance definition; PAR90
  likewise); the arrears rate = the overdue principal alone ÷ the same.

Every payment fills the same queue (interest 1, principal 1, interest 2, …), so where a
loan stands on a date depends only on the total paid up to that date. That rule is
written once, here: `unpaid_of` (what is left of an instalment, or of a run of them, once
a total was paid), `unpaid_after` / `first_unpaid` (each instalment's share, walking the
schedule once) and `unpaid_parts` (interest before principal). `status` adds the
payments up and walks the instalments once, with integers only; `allocate` also says
when each instalment was settled, for statements. The fund's services, its clearing link
and the fund page's aggregates (which sum instalments in the database) use the same
helpers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple, Protocol, TypeVar

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


class Due(Protocol):
    """An instalment as the engine needs it: `schedule.Instalment` or a stored one."""

    @property
    def number(self) -> int: ...
    @property
    def due_on(self) -> dt.date: ...
    @property
    def interest(self) -> int: ...
    @property
    def principal(self) -> int: ...


class Payment(NamedTuple):
    paid_on: dt.date
    amount: int  # minor units, more than zero


D = TypeVar("D", bound=Due)


def unpaid_of(payment: int, before: int, paid: int) -> int:
    """What is unpaid of an instalment of `payment` (or of a run of consecutive ones adding
    up to it) that comes after instalments of `before` in all, once `paid` was paid in
    all: the payments fill the oldest instalment first."""
    return min(payment, max(0, before + payment - paid))


def _unpaid(instalments: Iterable[D], paid: int) -> Iterator[tuple[D, int]]:
    before = 0
    for row in instalments:
        payment = row.interest + row.principal
        yield row, unpaid_of(payment, before, paid)
        before += payment


def unpaid_after(instalments: Iterable[D], paid: int) -> list[tuple[D, int]]:
    """Each instalment, in order, with what is unpaid of it once `paid` was paid in all."""
    return list(_unpaid(instalments, paid))


def first_unpaid(instalments: Iterable[D], paid: int) -> D | None:
    """The oldest instalment not fully paid once `paid` was paid in all (None: none is)."""
    return next((row for row, left in _unpaid(instalments, paid) if left), None)


def unpaid_parts(instalment: Due, unpaid: int) -> tuple[int, int]:
    """What is unpaid of the instalment's interest and of its principal when `unpaid` of it
    is: a payment pays its interest before its principal."""
    interest = max(0, unpaid - instalment.principal)
    return interest, unpaid - interest


@dataclass(frozen=True, slots=True)
class InstalmentState:
    """An instalment and what the payments have paid of it."""

    number: int
    due_on: dt.date
    interest: int
    principal: int
    interest_paid: int
    principal_paid: int
    settled_on: dt.date | None  # the date of the payment that completed it, if one did

    @property
    def interest_unpaid(self) -> int:
        return self.interest - self.interest_paid

    @property
    def principal_unpaid(self) -> int:
        return self.principal - self.principal_paid

    @property
    def unpaid(self) -> int:
        return self.interest + self.principal - self.interest_paid - self.principal_paid

    @property
    def paid(self) -> bool:
        return self.unpaid == 0


@dataclass(frozen=True, slots=True)
class Allocation:
    instalments: list[InstalmentState]
    unapplied: int  # paid beyond the whole schedule: the borrower's credit


@dataclass(frozen=True, slots=True)
class LoanStatus:
    """Where a loan stands on `as_of`, counting the payments made up to that day."""

    as_of: dt.date
    days_past_due: int
    principal: int  # the schedule's principal
    principal_outstanding: int
    overdue_interest: int  # unpaid, of the instalments due before `as_of`
    overdue_principal: int
    interest_paid: int
    principal_paid: int
    unapplied: int
    next_due: dt.date | None  # the first instalment due on or after `as_of` left unpaid
    next_due_amount: int  # what is left to pay of it

    @property
    def bucket(self) -> str:
        return bucket(self.days_past_due)

    @property
    def par30(self) -> bool:
        return self.days_past_due > 30

    @property
    def par90(self) -> bool:
        return self.days_past_due > 90

    @property
    def overdue(self) -> int:
        return self.overdue_interest + self.overdue_principal


def bucket(days: int) -> str:
    """The ageing bucket of `days` past due."""
    if days < 0:
        raise ValueError("days past due cannot be negative")
    if days == 0:
        return "current"
    if days <= 30:
        return "1-30"
    if days <= 60:
        return "31-60"
    return "61-90" if days <= 90 else "90+"


def allocate(instalments: Sequence[Due], payments: Iterable[tuple[dt.date, int]]) -> Allocation:
    """Each payment, in date order (the order given among payments of one day), applied
    to the oldest instalment with anything unpaid, interest before principal; an
    instalment is settled on the day of the payment that completed it."""
    running: list[tuple[dt.date, int]] = []  # each payment's day and the total paid by it
    paid = 0
    for day, amount in sorted(payments, key=lambda p: p[0]):
        if amount <= 0:
            raise ValueError("a payment must be more than zero")
        paid += amount
        running.append((day, paid))
    states, due, at = [], 0, 0
    for row, left in _unpaid(instalments, paid):
        payment = row.interest + row.principal
        due += payment
        settled = None
        if payment and not left:  # one with nothing due is settled by no one
            while running[at][1] < due:
                at += 1
            settled = running[at][0]
        interest, principal = unpaid_parts(row, left)
        states.append(
            InstalmentState(
                row.number,
                row.due_on,
                row.interest,
                row.principal,
                row.interest - interest,
                row.principal - principal,
                settled,
            )
        )
    return Allocation(states, max(0, paid - due))


def status(
    instalments: Iterable[Due], payments: Iterable[tuple[dt.date, int]], as_of: dt.date
) -> LoanStatus:
    """The loan's arrears on `as_of`; payments dated after it are not counted."""
    paid = 0
    for day, amount in payments:
        if amount <= 0:
            raise ValueError("a payment must be more than zero")
        if day <= as_of:
            paid += amount
    return status_of_total(instalments, paid, as_of)


def status_of_total(instalments: Iterable[Due], paid: int, as_of: dt.date) -> LoanStatus:
    """`status` from the total paid up to `as_of` (one sum in the database)."""
    if paid < 0:
        raise ValueError("the total paid cannot be negative")
    principal = interest_paid = principal_paid = overdue_interest = overdue_principal = 0
    late_since: dt.date | None = None
    next_due: dt.date | None = None
    next_due_amount = 0
    before = 0  # the payments of the instalments before this one
    for row in instalments:
        payment = row.interest + row.principal
        principal += row.principal
        if before + payment <= paid:  # settled (or nothing due): the common case, no call
            before += payment
            interest_paid += row.interest
            principal_paid += row.principal
            continue
        left = unpaid_of(payment, before, paid)
        before += payment
        interest, part = unpaid_parts(row, left)
        interest_paid += row.interest - interest
        principal_paid += row.principal - part
        if row.due_on < as_of:
            overdue_interest += interest
            overdue_principal += part
            if late_since is None:
                late_since = row.due_on
        elif next_due is None:
            next_due, next_due_amount = row.due_on, left
    return LoanStatus(
        as_of=as_of,
        days_past_due=0 if late_since is None else (as_of - late_since).days,
        principal=principal,
        principal_outstanding=principal - principal_paid,
        overdue_interest=overdue_interest,
        overdue_principal=overdue_principal,
        interest_paid=interest_paid,
        principal_paid=principal_paid,
        unapplied=paid - interest_paid - principal_paid,
        next_due=next_due,
        next_due_amount=next_due_amount,
    )


def par(statuses: Iterable[LoanStatus], days: int = 30) -> Fraction:
    """Portfolio at risk: the outstanding principal of the loans more than `days` past
    due ÷ the outstanding principal of all of them (0 for an empty portfolio)."""
    at_risk = portfolio = 0
    for loan in statuses:
        portfolio += loan.principal_outstanding
        if loan.days_past_due > days:
            at_risk += loan.principal_outstanding
    return Fraction(at_risk, portfolio) if portfolio else Fraction(0)


def arrears_rate(statuses: Iterable[LoanStatus]) -> Fraction:
    """The overdue principal alone ÷ the outstanding principal (0 for an empty portfolio):
    lower than PAR, which counts the whole of a late loan as at risk."""
    overdue = portfolio = 0
    for loan in statuses:
        portfolio += loan.principal_outstanding
        overdue += loan.overdue_principal
    return Fraction(overdue, portfolio) if portfolio else Fraction(0)


def ageing(statuses: Iterable[LoanStatus]) -> dict[str, tuple[int, int]]:
    """Bucket → (loans, outstanding principal), every bucket in order, for the ageing table."""
    table = dict.fromkeys(BUCKETS, (0, 0))
    for loan in statuses:
        name = bucket(loan.days_past_due)
        loans, outstanding = table[name]
        table[name] = (loans + 1, outstanding + loan.principal_outstanding)
    return table
