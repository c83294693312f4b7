"""Reads of joint purchasing: a round's allocation, its bids compared at the round's
volume, and what each member pays and saves."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from intercoop.core import permissions
from intercoop.core.permissions import AnyUser
from intercoop.directory.models import Organization
from intercoop.purchasing import allocation, pricing
from intercoop.purchasing.models import Article, Bid, Commitment, OrderRow, Round

CRITERIA_LABELS = {
    "local": _("Local"),
    "cooperative": _("Co-op or worker-owned"),
    "environment": _("Environment"),
    "labour": _("Labour standards"),
}


def can_coordinate(user: AnyUser, round: Round) -> bool:
    """The round's coordinator, the network's coordinators and staff run a round."""
    return bool(user.is_authenticated) and (
        user.pk == round.coordinator_id or permissions.can_manage_network(user, round.network)
    )


def visible_bids(*, user: AnyUser, round: Round) -> QuerySet[Bid]:
    """Coordinators see every bid; a supplier's people only their own."""
    bids = round.bids.select_related("supplier")
    if can_coordinate(user, round):
        return bids
    return bids.filter(supplier_id__in=permissions.acting_organizations(user))


def article_allocations(*, round: Round) -> list[tuple[Article, allocation.Allocation]]:
    """Each article's cases and shares under the round's strategy; after delivery, what was
    received shared by the same rule. Coordinators' overrides replace a member's total."""
    rows_by_article: dict[int, list[allocation.Row]] = {}
    names = dict(Organization.objects.filter(
        pk__in=OrderRow.objects.filter(article__round=round).values("member_id")
    ).values_list("pk", "slug"))  # fmt: skip
    for i, row in enumerate(
        OrderRow.objects.filter(article__round=round).order_by("placed_at", "pk")
    ):
        rows_by_article.setdefault(row.article_id, []).append(
            allocation.Row(
                names[row.member_id], row.quantity, row.tolerance, row.placed_at.isoformat(), i
            )
        )
    result = []
    for article in round.articles.prefetch_related("overrides__member", "overrides__made_by"):
        spec = allocation.Article(
            article.name, article.case_size, article.minimum, article.by_weight
        )
        computed = allocation.allocate(
            spec, rows_by_article.get(article.pk, []), strategy=round.strategy,  # type: ignore[arg-type]
            amount=article.received,
        )  # fmt: skip
        for override in article.overrides.all():
            share = computed.shares.setdefault(
                override.member.slug, allocation.Share(override.member.slug)
            )
            share.quantity, share.tolerance = override.total, 0
        result.append((article, computed))
    return result


@dataclass
class MemberCost:
    member: str
    volume: Decimal  # units bought (goods) or committed (service)
    baseline: int  # what it would pay at today's prices, minor units
    cost: int  # what it pays under the award
    transport: int = 0

    @property
    def saving(self) -> int:
        return self.baseline - self.cost - self.transport


def round_volume(*, round: Round) -> Decimal:
    """A service round's total committed volume."""
    return sum((c.volume for c in round.commitments.all()), Decimal(0))


def bid_cost(*, round: Round, bid: Bid) -> int:
    """What the whole round costs under `bid` at the round's actual volume."""
    if round.kind == Round.Kind.SERVICE:
        tiers = [pricing.Tier(Decimal(a), Decimal(p)) for a, p in bid.tiers]
        return pricing.tier_cost(tiers, round_volume(round=round), bid.mode)  # type: ignore[arg-type]
    total = Decimal(0)
    for article, computed in article_allocations(round=round):
        total += Decimal(bid.article_prices.get(str(article.pk), 0)) * computed.allocated
    return int(total.quantize(Decimal(1)))


def bid_comparison(*, round: Round, bids: QuerySet[Bid]) -> list[dict[str, Any]]:
    """Every bid at the round's volume: cost, effective unit price and score."""
    costs = {str(b.pk): bid_cost(round=round, bid=b) for b in bids}
    weights = {"price": 60, "local": 10, "cooperative": 15, "environment": 10, "labour": 5}
    scores = pricing.bid_scores(costs, {str(b.pk): b.scores for b in bids}, weights)
    volume = round_volume(round=round) if round.kind == Round.Kind.SERVICE else None
    return sorted(
        (
            {
                "bid": b,
                "cost": costs[str(b.pk)],
                "unit_price": (Decimal(costs[str(b.pk)]) / volume) if volume else None,
                "score": scores[str(b.pk)],
                "social": [(c, label, b.scores.get(c, 0)) for c, label in CRITERIA_LABELS.items()],
            }
            for b in bids
        ),
        key=lambda row: -row["score"],
    )


def member_costs(*, round: Round) -> list[MemberCost]:
    """Per member: baseline, cost under the award and savings; with transport cost split
    as the coordinator chose (goods)."""
    contract = getattr(round, "contract", None)
    if round.kind == Round.Kind.SERVICE:
        commitments = list(round.commitments.select_related("member"))
        volume = sum((c.volume for c in commitments), Decimal(0))
        if contract is None or not volume:
            return []
        total = bid_cost(round=round, bid=contract.bid)
        unit = Decimal(total) / volume
        return [
            MemberCost(
                member=c.member.slug,
                volume=c.volume,
                baseline=int((c.current_price * c.volume).quantize(Decimal(1))),
                cost=int((unit * c.volume).quantize(Decimal(1))),
            )
            for c in commitments
        ]
    costs: dict[str, MemberCost] = {}
    for article, computed in article_allocations(round=round):
        price = article.price if article.price is not None else article.reference_price
        for member, share in computed.shares.items():
            cost = costs.setdefault(member, MemberCost(member, Decimal(0), 0, 0))
            cost.volume += Decimal(share.total)
            cost.baseline += int(
                (article.reference_price * Decimal(share.total)).quantize(Decimal(1))
            )
            cost.cost += int((price * Decimal(share.total)).quantize(Decimal(1)))
    weights: dict[str, allocation.Number] = {
        member: 1 if round.transport_split == Round.Split.EQUAL and c.volume
        else c.cost if round.transport_split == Round.Split.VALUE
        else c.volume if round.transport_split == Round.Split.UNITS
        else 0
        for member, c in costs.items()
    }  # fmt: skip
    for member, part in allocation.split(round.transport_cost, weights).items():
        costs[member].transport = part
    return list(costs.values())


def commitments_of(*, round: Round) -> QuerySet[Commitment]:
    return round.commitments.select_related("member")
