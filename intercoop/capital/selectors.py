"""Reads of the funds: balances from the books, and (below) what pages and the API show."""

from django.db.models import Q, Sum

from intercoop.capital import books
from intercoop.capital.models import Fund, LedgerEntry


def account_sums(fund: Fund) -> dict[str, tuple[int, int]]:
    """Each account's (debits, credits), summed in the database."""
    sums: dict[str, tuple[int, int]] = {}
    for account, debit, credit in (
        LedgerEntry.objects.filter(fund=fund)
        .values("account")
        .annotate(
            debit=Sum("amount", filter=Q(amount__gt=0)),
            credit=Sum("amount", filter=Q(amount__lt=0)),
        )
        .values_list("account", "debit", "credit")
    ):
        sums[account] = (debit or 0, -(credit or 0))
    return sums


def fund_balances(fund: Fund) -> dict[str, int]:
    """Every account's balance on its normal side."""
    return {row.account: row.balance for row in books.trial_balance(account_sums(fund))}
