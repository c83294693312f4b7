"""Reads of clearing: an organisation's invoices, what a run takes, a run's statements,
the history of runs and the mutual-credit accounts. (Who may see what: permissions.)"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from intercoop.clearing.models import (
    ClearingRun,
    CreditAccount,
    CreditEntry,
    CreditSystem,
    Obligation,
    RunLine,
)
from intercoop.core.bounds import CURRENCIES
from intercoop.directory import permissions
from intercoop.directory.models import Network, NetworkMembership, Organization
from intercoop.directory.permissions import AnyUser


def clearable(*, network: Network | int, currency: str) -> QuerySet[Obligation]:
    """The obligations a run for `network` in `currency` takes: confirmed, not disputed,
    still owed, between two organisations that are both members of it today."""
    members = NetworkMembership.objects.filter(
        network=network, status=NetworkMembership.Status.MEMBER
    ).values("organization_id")
    return Obligation.objects.filter(
        Q(status=Obligation.Status.OPEN) | Q(status=Obligation.Status.PARTLY),
        currency=currency, confirmed_at__isnull=False, remaining__gt=0,
        debtor__in=members, creditor__in=members,
    ).order_by("due_on", "pk")  # fmt: skip


@dataclass(frozen=True)
class ObligationFilters:
    """What an organisation's invoice list is narrowed to: a status ("unconfirmed" for
    those awaiting their debtor), a currency, and text in the reference or the other
    party's name."""

    status: str = ""
    currency: str = ""
    q: str = ""

    @classmethod
    def of(cls, params: Mapping[str, str]) -> "ObligationFilters":
        status = params.get("status", "")
        if status not in {*Obligation.Status.values, "unconfirmed"}:
            status = ""
        currency = params.get("currency", "").strip().upper()
        return cls(
            status=status,
            currency=currency if currency in CURRENCIES else "",
            q="".join(c for c in params.get("q", "") if c.isprintable()).strip()[:100],
        )

    def query(self) -> dict[str, str]:
        return {k: v for k, v in (("status", self.status), ("currency", self.currency),
                                  ("q", self.q)) if v}  # fmt: skip


def _filtered(rows: QuerySet[Obligation], filters: ObligationFilters, other: str) -> Any:
    if filters.status == "unconfirmed":
        rows = rows.filter(confirmed_at__isnull=True).exclude(status=Obligation.Status.DISPUTED)
    elif filters.status:
        rows = rows.filter(status=filters.status)
    if filters.currency:
        rows = rows.filter(currency=filters.currency)
    if filters.q:
        rows = rows.filter(Q(reference__icontains=filters.q)
                           | Q(**{f"{other}__name__icontains": filters.q}))  # fmt: skip
    return rows


def obligations_of(
    *, organization: Organization, filters: ObligationFilters | None = None
) -> dict[str, QuerySet[Obligation]]:
    """An organisation's payables and receivables, oldest due first."""
    filters = filters or ObligationFilters()
    base = Obligation.objects.select_related("debtor", "creditor").order_by("due_on", "pk")
    return {
        "payables": _filtered(base.filter(debtor=organization), filters, "creditor"),
        "receivables": _filtered(base.filter(creditor=organization), filters, "debtor"),
    }


def visible_obligations(*, user: AnyUser) -> QuerySet[Obligation]:
    """Every obligation of the organisations the user belongs to (staff: all)."""
    base = Obligation.objects.select_related("debtor", "creditor").order_by("-recorded_at", "-pk")
    if permissions.is_staff(user):
        return base
    mine = list(permissions.organization_roles(user))
    return base.filter(debtor_id__in=mine) | base.filter(creditor_id__in=mine)


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


HISTORY_RUNS = 24  # the chart's bars: the latest runs


def run_history(*, network: Network) -> list[dict[str, Any]]:
    """The latest committed runs, oldest first, with the share of debt each cleared, as the chart's
    bars: 160 px for 100%, standing on y = 170."""
    runs = list(
        ClearingRun.objects.filter(network=network, status=ClearingRun.Status.COMMITTED)
        .order_by("-committed_at", "-pk")[:HISTORY_RUNS]
    )[::-1]  # fmt: skip
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


def account_ledger(*, account: CreditAccount) -> QuerySet[CreditEntry]:
    return account.entries.select_related(
        "transfer__payer__organization", "transfer__payee__organization"
    ).order_by("-pk")


def invoices_cleared(*, run: ClearingRun) -> int:
    """How many invoices a run sets off or pays in mutual credit, wholly or in part."""
    return run.lines.filter(Q(setoff__gt=0) | Q(credit__gt=0)).count()
