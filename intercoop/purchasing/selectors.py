"""Reads of joint purchasing: a round's allocation, its bids compared at the round's
volume, and what each member pays and saves."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from intercoop.core import permissions
from intercoop.core.permissions import AnyUser
from intercoop.directory.models import Organization
from intercoop.directory.selectors import network_members, network_members_acting_for
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
    member: str  # slug
    volume: Decimal  # units bought (goods) or committed (service)
    baseline: int  # what it would pay at today's prices, minor units
    cost: int  # what it pays under the award
    transport: int = 0
    name: str = ""

    @property
    def saving(self) -> int:
        return self.baseline - self.cost - self.transport


def commitments_of(*, round: Round) -> QuerySet[Commitment]:
    return round.commitments.select_related("member")


def round_volume(*, round: Round) -> Decimal:
    """A service round's total committed volume."""
    return sum((c.volume for c in round.commitments.all()), Decimal(0))


@dataclass
class RoundFacts:
    """What a round's figures are computed from, read once per page: the allocation of
    each article (goods) and the commitments (service)."""

    round: Round
    allocations: list[tuple[Article, allocation.Allocation]]
    commitments: list[Commitment]

    @property
    def volume(self) -> Decimal:
        return sum((c.volume for c in self.commitments), Decimal(0))


def round_facts(*, round: Round) -> RoundFacts:
    goods = round.kind == Round.Kind.GOODS
    return RoundFacts(
        round=round,
        allocations=article_allocations(round=round) if goods else [],
        commitments=[] if goods else list(commitments_of(round=round)),
    )


def bid_cost(*, facts: RoundFacts, bid: Bid) -> int:
    """What the whole round costs under `bid` at the round's actual volume."""
    if facts.round.kind == Round.Kind.SERVICE:
        tiers = [pricing.Tier(Decimal(a), Decimal(p)) for a, p in bid.tiers]
        return pricing.tier_cost(tiers, facts.volume, bid.mode)  # type: ignore[arg-type]
    total = Decimal(0)
    for article, computed in facts.allocations:
        total += Decimal(bid.article_prices.get(str(article.pk), 0)) * computed.allocated
    return _minor(total)


BID_WEIGHTS = {"price": 60, "local": 10, "cooperative": 15, "environment": 10, "labour": 5}


def bid_comparison(*, facts: RoundFacts, bids: QuerySet[Bid]) -> list[dict[str, Any]]:
    """Every bid at the round's volume: cost (and its percentage of the dearest, for the
    bar), effective unit price and score, best score first."""
    costs = {str(b.pk): bid_cost(facts=facts, bid=b) for b in bids}
    scores = pricing.bid_scores(costs, {str(b.pk): b.scores for b in bids}, BID_WEIGHTS)
    volume = facts.volume if facts.round.kind == Round.Kind.SERVICE else None
    dearest = max(costs.values(), default=0) or 1
    return sorted(
        (
            {
                "bid": b,
                "cost": costs[str(b.pk)],
                "bar": round(100 * costs[str(b.pk)] / dearest),
                "unit_price": _minor(Decimal(costs[str(b.pk)]) / volume) if volume else None,
                "score": scores[str(b.pk)],
                "social": [(c, label, b.scores.get(c, 0)) for c, label in CRITERIA_LABELS.items()],
            }
            for b in bids
        ),
        key=lambda row: -row["score"],
    )


def _minor(value: Decimal) -> int:
    return int(value.quantize(Decimal(1)))


def member_costs(*, facts: RoundFacts) -> list[MemberCost]:
    """Per member: baseline, cost under the award and savings; with transport cost split
    as the coordinator chose (goods)."""
    purchase = facts.round
    if purchase.kind == Round.Kind.SERVICE:
        contract = getattr(purchase, "contract", None)
        if contract is None or not facts.volume:
            return []
        unit = Decimal(bid_cost(facts=facts, bid=contract.bid)) / facts.volume
        return [
            MemberCost(
                member=c.member.slug,
                volume=c.volume,
                baseline=_minor(c.current_price * c.volume),
                cost=_minor(unit * c.volume),
            )
            for c in facts.commitments
        ]
    costs: dict[str, MemberCost] = {}
    for article, computed in facts.allocations:
        price = article.price if article.price is not None else article.reference_price
        for member, share in computed.shares.items():
            cost = costs.setdefault(member, MemberCost(member, Decimal(0), 0, 0))
            cost.volume += Decimal(share.total)
            cost.baseline += _minor(article.reference_price * Decimal(share.total))
            cost.cost += _minor(price * Decimal(share.total))
    weight: Callable[[MemberCost], allocation.Number] = {
        Round.Split.EQUAL: lambda c: 1 if c.volume else 0,
        Round.Split.VALUE: lambda c: c.cost,
        Round.Split.UNITS: lambda c: c.volume,
    }[Round.Split(purchase.transport_split)]
    weights = {member: weight(c) for member, c in costs.items()}
    for member, part in allocation.split(purchase.transport_cost, weights).items():
        costs[member].transport = part
    return list(costs.values())


def can_view_round(user: AnyUser, round: Round) -> bool:
    """A round is for its coordinators and the people of the network's members; once it
    stops taking orders, also for people who speak for any organisation (suppliers)."""
    return (
        can_coordinate(user, round)
        or permissions.can_view_assessments(user, round.network)
        or (round.status != Round.Status.OPEN and bool(permissions.acting_organizations(user)))
    )


def round_page(*, user: AnyUser, round: Round) -> dict[str, Any]:
    """What `user` sees of a round: coordinators everything and the network's total; the
    people of a member organisation its own orders, commitments, overrides and savings;
    suppliers their own bids."""
    coordinating = can_coordinate(user, round)
    mine = list(network_members_acting_for(user=user, network=round.network))
    own = {o.slug for o in mine}

    def seen(member: str) -> bool:
        return coordinating or member in own

    facts = round_facts(round=round)
    costs = [c for c in member_costs(facts=facts) if seen(c.member)]
    shown = {c.member for c in costs} | {
        m for _a, computed in facts.allocations for m in computed.shares if seen(m)
    }
    names = dict(Organization.objects.filter(slug__in=shown).values_list("slug", "name"))
    for cost in costs:
        cost.name = names.get(cost.member, cost.member)
    bids = visible_bids(user=user, round=round)
    return {
        "coordinating": coordinating,
        "mine": mine,
        "allocations": [
            (article, computed, [(names[m], s) for m, s in computed.shares.items() if seen(m)])
            for article, computed in facts.allocations
        ],
        "overrides": [
            o for article, _c in facts.allocations for o in article.overrides.all()
            if seen(o.member.slug)
        ],
        "commitments": [c for c in facts.commitments if seen(c.member.slug)],
        "volume": facts.volume,
        "costs": costs,
        "total_saving": sum(c.saving for c in costs),
        "comparison": bid_comparison(facts=facts, bids=bids) if bids else [],
        "network_members": network_members(network=round.network) if coordinating else [],
    }  # fmt: skip
