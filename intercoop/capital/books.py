"""The fund's double-entry books (pure: no Django), amounts in integer minor units.

Each business event is a transaction of entries that sum to zero: a positive amount is a
debit, a negative one a credit. An account's balance is the sum of its entries, shown on
its normal side (assets and expenses: debits minus credits; the rest: credits minus
debits). The books are append-only: a mistake or a write-off is a correcting transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ASSET, LIABILITY, EQUITY, INCOME, EXPENSE = "asset", "liability", "equity", "income", "expense"

# code → kind; the order is the order of the trial balance
ACCOUNTS: dict[str, str] = {
    "cash": ASSET,
    "loans_receivable": ASSET,
    "interest_receivable": ASSET,
    "investor_notes": LIABILITY,
    "member_equity": EQUITY,
    "contributions": EQUITY,
    "loss_reserve": EQUITY,
    "interest_income": INCOME,
    "interest_expense": EXPENSE,
    "loan_losses": EXPENSE,
}
DEBIT_NORMAL = {ASSET, EXPENSE}


class Unbalanced(ValueError):
    """A transaction whose entries do not sum to zero, or names an unknown account."""


Entry = tuple[str, int]  # (account, signed amount: + debit, − credit)


def transaction(*entries: Entry) -> list[Entry]:
    """The entries of one balanced transaction, zero amounts dropped."""
    kept = [(account, amount) for account, amount in entries if amount]
    for account, _amount in kept:
        if account not in ACCOUNTS:
            raise Unbalanced(f"unknown account {account!r}")
    if sum(amount for _account, amount in kept) != 0:
        raise Unbalanced(f"entries do not balance: {kept}")
    return kept


# The postings of each event (Dr = +, Cr = −).


def contribution(amount: int) -> list[Entry]:
    """A member co-op's contribution of surplus (fulfilling a pledge)."""
    return transaction(("cash", amount), ("contributions", -amount))


def equity_purchase(amount: int) -> list[Entry]:
    return transaction(("cash", amount), ("member_equity", -amount))


def equity_redemption(amount: int) -> list[Entry]:
    return transaction(("member_equity", amount), ("cash", -amount))


def note_issue(amount: int) -> list[Entry]:
    """An investor lends the fund `amount`."""
    return transaction(("cash", amount), ("investor_notes", -amount))


def note_repayment(principal: int, interest: int) -> list[Entry]:
    """The fund repays an investor's note and the interest it earned."""
    return transaction(
        ("investor_notes", principal),
        ("interest_expense", interest),
        ("cash", -principal - interest),
    )


def disbursement(amount: int) -> list[Entry]:
    return transaction(("loans_receivable", amount), ("cash", -amount))


def interest_due(amount: int) -> list[Entry]:
    """An instalment's interest falls due (or is paid before it does)."""
    return transaction(("interest_receivable", amount), ("interest_income", -amount))


def repayment(principal: int, interest: int, unapplied: int = 0) -> list[Entry]:
    """A borrower's payment: interest receivable and principal paid off; anything beyond
    the schedule reduces the loan (a credit balance the fund owes back)."""
    return transaction(
        ("cash", principal + interest + unapplied),
        ("interest_receivable", -interest),
        ("loans_receivable", -principal - unapplied),
    )


def restructuring(capitalised: int, reversed_interest: int) -> list[Entry]:
    """A loan restructured: the overdue interest receivable added to its principal
    (`capitalised`), and the rest of its interest receivable (of instalments not yet due,
    or not capitalised) reversed; nothing of the old schedule stays receivable."""
    return transaction(
        ("loans_receivable", capitalised),
        ("interest_income", reversed_interest),
        ("interest_receivable", -capitalised - reversed_interest),
    )


# The loss reserve covers the loans outstanding: each disbursement sets a share of its
# principal aside, a loan repaid in full releases it, a write-off uses the loan's own
# reserve first, then the rest of it (lending.py).


def reserve_set_aside(amount: int) -> list[Entry]:
    """Contributed capital set aside as the loss reserve (a loan disbursed)."""
    return transaction(("contributions", amount), ("loss_reserve", -amount))


def reserve_release(amount: int) -> list[Entry]:
    """The loss reserve of a loan no longer outstanding given back to contributed capital."""
    return transaction(("loss_reserve", amount), ("contributions", -amount))


def write_off(principal: int, interest: int, reserve: int) -> list[Entry]:
    """A loan's outstanding principal and accrued interest written off: the accrued interest
    is reversed, the principal charged to the loss reserve as far as it goes (`reserve`)
    and the rest is a loss."""
    return transaction(
        ("interest_income", interest),
        ("interest_receivable", -interest),
        ("loss_reserve", reserve),
        ("loan_losses", principal - reserve),
        ("loans_receivable", -principal),
    )


@dataclass(frozen=True)
class Balance:
    account: str
    kind: str
    debit: int
    credit: int

    @property
    def balance(self) -> int:
        """On the account's normal side."""
        net = self.debit - self.credit
        return net if self.kind in DEBIT_NORMAL else -net


def balances(entries: Iterable[Entry]) -> dict[str, int]:
    """Each account's balance on its normal side (every account, zero included)."""
    return {row.account: row.balance for row in trial_balance(entries)}


def trial_balance(entries: Iterable[Entry] | Mapping[str, tuple[int, int]]) -> list[Balance]:
    """Each account's debits and credits; their totals are equal when the books balance.
    Takes entries, or each account's (debits, credits) already summed (the database's)."""
    if isinstance(entries, Mapping):
        sums = {account: entries.get(account, (0, 0)) for account in ACCOUNTS}
    else:
        totals = {account: [0, 0] for account in ACCOUNTS}
        for account, amount in entries:
            totals[account][0 if amount > 0 else 1] += abs(amount)
        sums = {account: (debit, credit) for account, (debit, credit) in totals.items()}
    return [Balance(a, ACCOUNTS[a], sums[a][0], sums[a][1]) for a in ACCOUNTS]
