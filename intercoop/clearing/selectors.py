"""Reads of clearing: who sees which obligation, a run's statements, the history of runs
and the mutual-credit accounts."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from intercoop.clearing.models import (
    ClearingRun,
    CreditAccount,
    CreditEntry,
    CreditSystem,
    Obligation,
    RunLine,
)
from intercoop.directory import permissions
from intercoop.directory.models import Network, Organization
from intercoop.directory.permissions import AnyUser


def can_view_obligation(user: AnyUser, obligation: Obligation) -> bool:
    """Only its parties' people (and staff) see an obligation."""
    roles = permissions.organization_roles(user)
    return permissions.is_staff(user) or bool(
        {obligation.debtor_id, obligation.creditor_id} & set(roles)
    )


def can_confirm(user: AnyUser, obligation: Obligation) -> bool:
    """Only the debtor's admins and editors confirm what it owes."""
    return permissions.can_act_for(user, obligation.debtor)


def can_dispute(user: AnyUser, obligation: Obligation) -> bool:
    return permissions.can_act_for(user, obligation.debtor) or permissions.can_act_for(
        user, obligation.creditor
    )


def obligations_of(*, organization: Organization) -> dict[str, QuerySet[Obligation]]:
    base = Obligation.objects.select_related("debtor", "creditor")
    return {
        "payables": base.filter(debtor=organization),
        "receivables": base.filter(creditor=organization),
    }


def visible_obligations(*, user: AnyUser) -> QuerySet[Obligation]:
    """Every obligation of the organisations the user belongs to (staff: all)."""
    base = Obligation.objects.select_related("debtor", "creditor").order_by("-recorded_at", "-pk")
    if permissions.is_staff(user):
        return base
    mine = list(permissions.organization_roles(user))
    return base.filter(debtor_id__in=mine) | base.filter(creditor_id__in=mine)


def can_view_run(user: AnyUser, run: ClearingRun) -> bool:
    """A run's totals are for the network's coordinators and its members' people."""
    return permissions.is_network_insider(user, run.network)


@dataclass
class Statement:
    """An organisation's position in a run: gross payable and receivable before and after,
    its net position (unchanged by clearing) and the cash it no longer needs."""

    organization: Organization
    payable_before: int = 0
    payable_after: int = 0
    receivable_before: int = 0
    receivable_after: int = 0
    setoff: int = 0
    credit_paid: int = 0
    credit_received: int = 0

    @property
    def net(self) -> int:
        return self.receivable_before - self.payable_before

    @property
    def net_after(self) -> int:
        """Receivable − payable after the run; with mutual credit, plus the credit balance
        change (so it equals `net`)."""
        return (self.receivable_after - self.payable_after
                + self.credit_received - self.credit_paid)  # fmt: skip

    @property
    def cash_saved(self) -> int:
        """What it no longer has to pay in money."""
        return self.payable_before - self.payable_after


def statements(*, run: ClearingRun) -> list[Statement]:
    """Every organisation in the run, the biggest payable cleared first."""
    by_org: dict[int, Statement] = {}
    lines = RunLine.objects.filter(run=run).select_related(
        "obligation__debtor", "obligation__creditor"
    )
    for line in lines:
        debtor, creditor = line.obligation.debtor, line.obligation.creditor
        pays = by_org.setdefault(debtor.pk, Statement(debtor))
        gets = by_org.setdefault(creditor.pk, Statement(creditor))
        cleared = line.setoff + line.credit
        pays.payable_before += line.owed
        pays.payable_after += line.owed - cleared
        pays.setoff += line.setoff
        pays.credit_paid += line.credit
        gets.receivable_before += line.owed
        gets.receivable_after += line.owed - cleared
        gets.credit_received += line.credit
    return sorted(by_org.values(), key=lambda s: (-s.cash_saved, s.organization.name))


def statements_for(*, user: AnyUser, run: ClearingRun) -> list[Statement]:
    """Coordinators see every statement; a member's people their own organisations'."""
    every = statements(run=run)
    if permissions.can_manage_network(user, run.network):
        return every
    mine = set(permissions.organization_roles(user))
    return [s for s in every if s.organization.pk in mine]


def run_history(*, network: Network) -> list[dict[str, Any]]:
    """Committed runs, oldest first, with the share of debt each cleared, as the chart's
    bars: 160 px for 100%, standing on y = 170."""
    runs = list(
        ClearingRun.objects.filter(network=network, status=ClearingRun.Status.COMMITTED)
        .order_by("committed_at")
    )  # fmt: skip
    step = 560 / max(len(runs), 1)
    points = []
    for i, run in enumerate(runs):
        setoff_share = run.setoff_total / run.total_debt if run.total_debt else 0.0
        points.append({
            "run": run, "percent": round(100 * run.share, 1),
            "setoff_percent": round(100 * setoff_share, 1),
            "x": round(40 + step * i), "width": min(60, round(step * 0.7)),
            "height": round(160 * run.share), "setoff_height": round(160 * setoff_share),
            "y": 170 - round(160 * run.share), "setoff_y": 170 - round(160 * setoff_share),
            "label_y": 164 - round(160 * run.share),
        })  # fmt: skip
    return points


def credit_accounts(*, user: AnyUser, system: CreditSystem) -> QuerySet[CreditAccount]:
    """Coordinators see every account; a member's people their own."""
    accounts = system.accounts.select_related("organization")
    if permissions.can_manage_network(user, system.network):
        return accounts
    return accounts.filter(organization_id__in=list(permissions.organization_roles(user)))


def can_view_account(user: AnyUser, account: CreditAccount) -> bool:
    return permissions.can_manage_network(user, account.system.network) or (
        account.organization_id in permissions.organization_roles(user)
    )


def account_ledger(*, account: CreditAccount) -> QuerySet[CreditEntry]:
    return account.entries.select_related(
        "transfer__payer__organization", "transfer__payee__organization"
    ).order_by("-pk")
