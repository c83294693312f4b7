"""Every row lock clearing takes, in one place and one global order.

A transaction locks, before it writes, everything it will change: first the run, then
obligations, then mutual-credit accounts, each kind in ascending pk. Two transactions
that follow this order wait for each other but never deadlock (a run commit against
payments in both directions, two payments between the same accounts in opposite
directions). On SQLite the locks are no-ops: its single writer serialises the writes.
"""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from intercoop.clearing.models import (
    ClearingRun,
    CreditAccount,
    CreditTransfer,
    Obligation,
    RunLine,
)


def run_for_update(pk: int) -> ClearingRun:
    return (
        ClearingRun.objects.filter(pk=pk)
        .select_related("network")
        .order_by("pk")
        .select_for_update(of=("self",))
        .get()
    )


def obligation_for_update(pk: int) -> Obligation:
    return (
        Obligation.objects.filter(pk=pk)
        .select_related("debtor", "creditor")
        .order_by("pk")
        .select_for_update(of=("self",))
        .get()
    )


def run_obligations_for_update(run_id: int, *, cleared_only: bool = False) -> dict[int, Obligation]:
    """The obligations of a run's lines (with `cleared_only`, those it clears some of),
    selected by a subquery: a run may hold more obligations than a query has parameters."""
    lines = RunLine.objects.filter(run_id=run_id)
    if cleared_only:
        lines = lines.filter(Q(setoff__gt=0) | Q(credit__gt=0))
    rows: QuerySet[Obligation] = (
        Obligation.objects.filter(pk__in=lines.values("obligation_id"))
        .order_by("pk")
        .select_for_update(of=("self",))
    )
    return {row.pk: row for row in rows}


def run_accounts_for_update(run_id: int, *, system_id: int) -> dict[int, CreditAccount]:
    """Every account a run's mutual-credit phase moves credit between (the debtor and the
    creditor of each line it pays in credit), locked at once, before anything is written."""
    paid = RunLine.objects.filter(run_id=run_id, credit__gt=0)
    rows: QuerySet[CreditAccount] = (
        CreditAccount.objects.filter(system_id=system_id)
        .filter(
            Q(organization_id__in=paid.values("obligation__debtor_id"))
            | Q(organization_id__in=paid.values("obligation__creditor_id"))
        )
        .order_by("pk")
        .select_for_update(of=("self",))
    )
    return {row.pk: row for row in rows}


def run_transfer_accounts_for_update(run_id: int) -> dict[int, CreditAccount]:
    """Every account a committed run's mutual-credit payments touched (to pay them back)."""
    transfers = CreditTransfer.objects.filter(run_id=run_id)
    rows: QuerySet[CreditAccount] = (
        CreditAccount.objects.filter(
            Q(pk__in=transfers.values("payer_id")) | Q(pk__in=transfers.values("payee_id"))
        )
        .order_by("pk")
        .select_for_update(of=("self",))
    )
    return {row.pk: row for row in rows}


def accounts_for_update(pks: Iterable[int]) -> dict[int, CreditAccount]:
    """The accounts, locked in ascending pk (a payment's two; a run's every one)."""
    rows: QuerySet[CreditAccount] = (
        CreditAccount.objects.filter(pk__in=sorted(set(pks)))
        .select_related("organization")
        .order_by("pk")
        .select_for_update(of=("self",))
    )
    return {row.pk: row for row in rows}
