"""Reading worker-owners' internal capital accounts: the patronage lines purchasing
networks retained for the co-op (allocated among its members or not yet), the members
who were members during a distribution's period with the hours they logged in it, and
each member's account (entries and balance per currency, sums of the append-only
`CapitalAccountEntry`).

Who may call these is the pages' business (permissions_registers: the organisation's
admins and staff; a member their own account)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from intercoop.core.money import format_money
from intercoop.directory.models import Organization
from intercoop.membership.models import (
    CapitalAccountEntry,
    CapitalAllocation,
    HoursEntry,
    Member,
)
from intercoop.purchasing.models import PatronageAllocation

Kind = CapitalAccountEntry.Kind
# an allocation's parts, with their members
_PARTS = Prefetch(
    "entries",
    queryset=CapitalAccountEntry.objects.filter(kind=Kind.ALLOCATION).select_related("member"),
)


@dataclass(frozen=True)
class PatronageLine:
    """What a network retained for the co-op from one patronage distribution, and its
    allocation among the members (None until it is allocated)."""

    line: PatronageAllocation
    allocation: CapitalAllocation | None

    @property
    def can_allocate(self) -> bool:
        return self.allocation is None and self.line.retained > 0


@dataclass(frozen=True)
class AccountRow:
    member: Member
    currency: str
    credited: int  # minor units
    paid_out: int  # minor units, ≥ 0

    @property
    def balance(self) -> int:
        return self.credited - self.paid_out

    @property
    def label(self) -> str:
        return f"{self.member.name} ({format_money(self.balance, self.currency)})"


def patronage_lines(organization: Organization) -> list[PatronageLine]:
    """Every patronage distribution line of a purchasing network for the organisation,
    newest period first, with its allocation in force and that allocation's parts: three
    queries."""
    lines = list(
        PatronageAllocation.objects.filter(member=organization)
        .select_related("patronage__network")
        .order_by("-patronage__period_end", "-patronage_id")
    )
    allocations = {
        a.source_id: a
        for a in CapitalAllocation.objects.filter(
            source__in=[x.pk for x in lines], reversed_at__isnull=True
        ).prefetch_related(_PARTS)
    }
    return [PatronageLine(line=x, allocation=allocations.get(x.pk)) for x in lines]


def patronage_line(organization: Organization, pk: int) -> PatronageLine | None:
    """One line, with its allocation in force (and its parts)."""
    line = (
        PatronageAllocation.objects.filter(member=organization, pk=pk)
        .select_related("patronage__network")
        .first()
    )
    if line is None:
        return None
    allocation = (
        CapitalAllocation.objects.filter(source=line, reversed_at__isnull=True)
        .prefetch_related(_PARTS)
        .first()
    )
    return PatronageLine(line=line, allocation=allocation)


def allocation_of(line: PatronageAllocation, pk: int) -> CapitalAllocation | None:
    """One allocation of the line, in force or reversed."""
    return CapitalAllocation.objects.filter(source=line, pk=pk).first()


def reversed_allocations(line: PatronageAllocation) -> list[CapitalAllocation]:
    return list(
        CapitalAllocation.objects.filter(source=line, reversed_at__isnull=False)
        .select_related("reversed_by")
        .order_by("-reversed_at")
    )


def parts_of(allocation: CapitalAllocation) -> list[CapitalAccountEntry]:
    """Each member's part, largest first (prefetched by `patronage_line(s)`)."""
    return sorted(allocation.entries.all(), key=lambda e: (-e.amount, e.member.name, e.member_id))


def members_in_period(organization: Organization, start: dt.date, end: dt.date) -> QuerySet[Member]:
    """The register's rows who were members at some time from `start` to `end`, by name."""
    return (
        Member.objects.filter(organization=organization, entered_on__lte=end)
        .filter(Q(ceased_on__isnull=True) | Q(ceased_on__gte=start))
        .order_by("name", "pk")
    )


def hours_in_period(members: list[Member], start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """member id → hours logged on their application's pathway from `start` to `end`
    (those whose way in was an application here): one query."""
    rows = (
        HoursEntry.objects.filter(
            application__member__in=[m.pk for m in members], on__gte=start, on__lte=end
        )
        .values("application__member")
        .annotate(total=Sum("hours"))
    )
    # (corrections are negative entries: a sum below zero counts as none)
    return {row["application__member"]: max(row["total"], Decimal(0)) for row in rows}


def accounts(organization: Organization) -> list[AccountRow]:
    """Each member's account per currency (members with an entry), by name: two queries."""
    rows = list(
        CapitalAccountEntry.objects.filter(organization=organization)
        .values("member", "currency")
        .annotate(
            credited=Coalesce(Sum("amount", filter=Q(kind=Kind.ALLOCATION)), 0),
            undone=Coalesce(Sum("amount", filter=Q(kind=Kind.REVERSAL)), 0),
            paid_out=Coalesce(Sum("amount", filter=Q(kind=Kind.PAYOUT)), 0),
        )
        .order_by()
    )
    members = Member.objects.in_bulk([row["member"] for row in rows])
    result = [
        AccountRow(
            member=members[row["member"]],
            currency=row["currency"],
            credited=int(row["credited"]) + int(row["undone"]),
            paid_out=-int(row["paid_out"]),
        )
        for row in rows
    ]
    return sorted(result, key=lambda r: (r.member.name, r.member.pk, r.currency))


def balances_of(member_ids: list[int], currency: str) -> dict[int, int]:
    """member id → balance in `currency` (members with an entry in it): one query."""
    rows = (
        CapitalAccountEntry.objects.filter(member__in=member_ids, currency=currency)
        .values("member")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["member"]: int(row["total"]) for row in rows}


def last_entry_on(member: Member, currency: str) -> dt.date | None:
    return (
        CapitalAccountEntry.objects.filter(member=member, currency=currency)
        .order_by("-on")
        .values_list("on", flat=True)
        .first()
    )


@dataclass(frozen=True)
class MemberAccount:
    entries: list[CapitalAccountEntry]
    balances: dict[str, int]  # currency → minor units


def account_of(member: Member) -> MemberAccount:
    """The member's entries in date order and their balance per currency: one query."""
    entries = list(member.capital_entries.select_related("allocation").order_by("on", "pk"))
    balances: dict[str, int] = {}
    for entry in entries:
        balances[entry.currency] = balances.get(entry.currency, 0) + entry.amount
    return MemberAccount(entries=entries, balances=balances)
