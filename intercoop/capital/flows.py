"""The capital-flow report of a network: money moving among co-ops against money leaving
the co-op economy, year by year, in one currency (rows in other currencies are left out,
never converted).

Within the co-op economy:
- fund loans: the principal of the network's funds' loans, in the year disbursed;
- investment ties: the annual value of the network's "investment" relationships between
  two of its current members (confirmed, or recorded from its survey), for every year
  the tie ran (from its start, or the year it was recorded, to its end or this year);
- joint purchasing from co-ops: what members spent through the network's awarded rounds
  whose supplier is a co-operative (purchasing's own measure, `member_purchases`: the
  bills where there are some, in the year each period ends; else the cost under the
  award with transport, in the year the contract starts);
- invoices between members: confirmed, undisputed invoices (clearing obligations)
  between two current members, in the year recorded; invoices of joint purchasing and
  of loan instalments are left out (they are counted above, or are a loan's repayment).

Leaving it: joint purchasing from suppliers that are not co-operatives, and confirmed
invoices of members to organisations that are neither members nor co-operatives.

Pure arithmetic below `capital_flows` (`flow_chart`) draws the page's chart.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intercoop.capital.models import Fund, Instalment, Loan
from intercoop.clearing.models import Obligation
from intercoop.directory.models import Network, NetworkMembership
from intercoop.network.models import Relationship
from intercoop.network.selectors import counting_in
from intercoop.purchasing.models import Round
from intercoop.purchasing.selectors import member_costs, round_facts

# The flows in the order the table, the CSV and the chart show them: key, label, colour
# (the chart's; the first four stack above its axis, the last two below).
WITHIN = ("fund_loans", "investment_ties", "purchasing_coop", "invoices_between_members")
LEAVING = ("purchasing_other", "invoices_other")
LABELS = {
    "fund_loans": _("Fund loans"),
    "investment_ties": _("Investment ties"),
    "purchasing_coop": _("Joint purchasing from co-ops"),
    "invoices_between_members": _("Invoices between members"),
    "purchasing_other": _("Joint purchasing from other suppliers"),
    "invoices_other": _("Invoices to other organisations"),
}
COLOURS = {
    "fund_loans": "#0f6b4f",
    "investment_ties": "#1a56c4",
    "purchasing_coop": "#7fbf8f",
    "invoices_between_members": "#6a51a3",
    "purchasing_other": "#b3261e",
    "invoices_other": "#edae49",
}


@dataclass
class YearFlows:
    """A year's flows in minor units of the report's currency."""

    year: int
    fund_loans: int = 0
    investment_ties: int = 0
    purchasing_coop: int = 0
    invoices_between_members: int = 0
    purchasing_other: int = 0
    invoices_other: int = 0

    @property
    def within_coop_economy(self) -> int:
        return sum(getattr(self, key) for key in WITHIN)

    @property
    def leaving_coop_economy(self) -> int:
        return sum(getattr(self, key) for key in LEAVING)

    @property
    def total(self) -> int:
        return self.within_coop_economy + self.leaving_coop_economy

    @property
    def within_percent(self) -> Decimal | None:
        """The share kept within the co-op economy, in per cent to one decimal rounded
        down (100.0 only when nothing left it; None when nothing moved)."""
        if not self.total:
            return None
        share = Decimal(100) * self.within_coop_economy / self.total
        return share.quantize(Decimal("0.1"), rounding=ROUND_DOWN)

    def add(self, key: str, amount: int) -> None:
        setattr(self, key, getattr(self, key) + amount)


def _members(network: Network) -> QuerySet[Any]:
    return NetworkMembership.objects.filter(
        network=network, status=NetworkMembership.Status.MEMBER
    ).values("organization_id")


def _by_year(rows: QuerySet[Any], date_field: str, amount_field: str) -> dict[int, int]:
    summed = (
        rows.annotate(flow_year=ExtractYear(date_field))
        .values("flow_year")
        .annotate(flow_total=Sum(amount_field))
        .values_list("flow_year", "flow_total")
    )
    return {int(year): int(total or 0) for year, total in summed}


def fund_loans(network: Network, currency: str) -> dict[int, int]:
    loans = Loan.objects.filter(
        fund__network=network, fund__currency=currency, disbursed_on__isnull=False
    )
    return _by_year(loans, "disbursed_on", "principal")


def investment_ties(network: Network, currency: str, this_year: int) -> dict[int, int]:
    members = _members(network)
    ties = Relationship.objects.filter(
        counting_in(network),
        kind=Relationship.Kind.INVESTMENT,
        currency=currency,
        annual_value__gt=0,
        source_id__in=members,
        target_id__in=members,
    ).values_list("started_on", "ended_on", "created_at", "annual_value")
    years: dict[int, int] = {}
    for started_on, ended_on, created_at, value in ties:
        first = started_on.year if started_on else timezone.localtime(created_at).year
        last = ended_on.year if ended_on else this_year
        for year in range(first, last + 1):
            years[year] = years.get(year, 0) + (value or 0)
    return years


def purchasing(network: Network, currency: str) -> dict[bool, dict[int, int]]:
    """What members spent through the network's awarded rounds, by whether the supplier
    is a co-operative, then by year."""
    spent: dict[bool, dict[int, int]] = {True: {}, False: {}}
    rounds = Round.objects.filter(
        network=network, currency=currency, contract__isnull=False
    ).select_related("contract__bid__supplier")
    for purchase in rounds.order_by("pk"):
        contract = purchase.contract
        years = spent[contract.bid.supplier.is_cooperative]
        facts = round_facts(round=purchase)
        for cost in member_costs(facts=facts):
            if cost.billed is None:
                amount, year = cost.cost + cost.transport, contract.starts_on.year
                years[year] = years.get(year, 0) + amount
                continue
            for bill in facts.bills:
                if bill.member.slug == cost.member:
                    year = bill.period_end.year
                    years[year] = years.get(year, 0) + bill.amount
    return spent


# invoices of joint purchasing (counted as purchasing) and of loan instalments (a loan's
# repayment, not new money moving)
LEFT_OUT_SOURCES = (Obligation.Source.PURCHASING, Obligation.Source.CAPITAL)


def invoices(network: Network, currency: str) -> tuple[dict[int, int], dict[int, int]]:
    """Confirmed invoices of members: to other members, and to organisations that are
    neither members nor co-operatives; by the year recorded."""
    members = _members(network)
    confirmed = (
        Obligation.objects.filter(
            currency=currency, debtor_id__in=members, confirmed_at__isnull=False
        )
        .exclude(status=Obligation.Status.DISPUTED)
        .exclude(source__in=LEFT_OUT_SOURCES)
        .exclude(pk__in=Instalment.objects.filter(obligation__isnull=False).values("obligation_id"))
    )
    between = confirmed.filter(creditor_id__in=members)
    other = confirmed.exclude(creditor_id__in=members).filter(creditor__is_cooperative=False)
    return _by_year(between, "recorded_at", "amount"), _by_year(other, "recorded_at", "amount")


def capital_flows(
    network: Network, *, currency: str, today: dt.date | None = None
) -> list[YearFlows]:
    """Every year from the first to the last with a flow in `currency` (years between
    with nothing are rows of zeros), oldest first."""
    this_year = (today or timezone.localdate()).year
    spent = purchasing(network, currency)
    between, other = invoices(network, currency)
    parts: dict[str, dict[int, int]] = {
        "fund_loans": fund_loans(network, currency),
        "investment_ties": investment_ties(network, currency, this_year),
        "purchasing_coop": spent[True],
        "invoices_between_members": between,
        "purchasing_other": spent[False],
        "invoices_other": other,
    }
    years = {year for part in parts.values() for year, amount in part.items() if amount}
    if not years:
        return []
    rows = {year: YearFlows(year) for year in range(min(years), max(years) + 1)}
    for key, part in parts.items():
        for year, amount in part.items():
            if year in rows:
                rows[year].add(key, amount)
    return list(rows.values())


def flow_totals(rows: Iterable[YearFlows]) -> YearFlows:
    """All years together (its `year` is 0)."""
    total = YearFlows(0)
    for row in rows:
        for f in fields(YearFlows):
            if f.name != "year":
                total.add(f.name, getattr(row, f.name))
    return total


def flow_currencies(network: Network) -> list[str]:
    """The currencies the network's flows are recorded in: its funds' first, then the
    others alphabetically."""
    members = _members(network)
    funds = list(
        Fund.objects.filter(network=network).order_by("pk").values_list("currency", flat=True)
    )
    others = (
        set(
            Round.objects.filter(network=network, contract__isnull=False).values_list(
                "currency", flat=True
            )
        )
        | set(
            Relationship.objects.filter(
                Q(source_id__in=members) & Q(target_id__in=members),
                counting_in(network),
                kind=Relationship.Kind.INVESTMENT,
                annual_value__gt=0,
            ).values_list("currency", flat=True)
        )
        | set(
            Obligation.objects.filter(debtor_id__in=members, confirmed_at__isnull=False)
            .values_list("currency", flat=True)
            .distinct()
        )
    )
    ordered = list(dict.fromkeys(funds))
    return ordered + sorted(c for c in others if c and c not in ordered)


# the chart ---------------------------------------------------------------------------------

CHART_WIDTH = 640
PLOT_LEFT = 8
PLOT_WIDTH = 624
PLOT_TOP = 8
PLOT_HEIGHT = 220
MAX_LABELS = 8


def flow_chart(rows: Sequence[YearFlows]) -> dict[str, Any]:
    """A bar a year: the flows within the co-op economy stacked above the axis, those
    leaving it below, on one scale; SVG coordinates for the template to draw."""
    top = max((r.within_coop_economy for r in rows), default=0)
    bottom = max((r.leaving_coop_economy for r in rows), default=0)
    scale = PLOT_HEIGHT / (top + bottom) if top + bottom else 0.0
    axis = PLOT_TOP + round(top * scale)
    step = PLOT_WIDTH / max(len(rows), 1)
    width = max(2, min(48, round(step * 0.7)))
    every = -(-len(rows) // MAX_LABELS) or 1  # a year label on every n-th bar
    bars = []
    for i, row in enumerate(rows):
        x = round(PLOT_LEFT + step * i + (step - width) / 2)
        segments, up, down = [], axis, axis
        for key in WITHIN + LEAVING:
            amount = getattr(row, key)
            if not amount:
                continue
            height = max(1, round(amount * scale))
            if key in WITHIN:
                up -= height
                y = up
            else:
                y, down = down, down + height
            segments.append(
                {"key": key, "label": LABELS[key], "colour": COLOURS[key], "amount": amount,
                 "y": y, "height": height}
            )  # fmt: skip
        bars.append(
            {"row": row, "x": x, "width": width, "segments": segments,
             "label": (len(rows) - 1 - i) % every == 0, "label_x": x + width // 2}
        )  # fmt: skip
    return {
        "width": CHART_WIDTH,
        "height": PLOT_TOP + PLOT_HEIGHT + 28,
        "axis": axis,
        "plot_right": PLOT_LEFT + PLOT_WIDTH,
        "labels_y": PLOT_TOP + PLOT_HEIGHT + 20,
        "top": top,
        "bottom": bottom,
        "bars": bars,
        "series": [
            {"key": key, "label": LABELS[key], "colour": COLOURS[key]} for key in WITHIN + LEAVING
        ],
    }
