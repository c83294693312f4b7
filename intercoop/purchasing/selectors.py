"""Reads of joint purchasing: a round's allocation, its bids compared at the round's
volume, and what each member pays and saves."""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet, Sum
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from intercoop.directory.models import Network, Organization
from intercoop.directory.permissions import AnyUser, acting_organizations
from intercoop.directory.selectors import network_members, network_members_acting_for
from intercoop.purchasing import allocation, calendar, permissions, pricing
from intercoop.purchasing.models import (
    Article,
    Bid,
    Bill,
    Commitment,
    Contract,
    FeedToken,
    OrderRow,
    Patronage,
    PatronageAllocation,
    Round,
)

CRITERIA_LABELS = {
    "local": _("Local"),
    "cooperative": _("Co-op or worker-owned"),
    "environment": _("Environment"),
    "labour": _("Labour standards"),
}


def visible_bids(*, user: AnyUser, round: Round) -> QuerySet[Bid]:
    """Coordinators see every bid; a supplier's people only their own."""
    bids = round.bids.select_related("supplier")
    if permissions.can_coordinate(user, round):
        return bids
    return bids.filter(supplier_id__in=acting_organizations(user))


def article_allocations(
    *, round: Round, received: bool = True
) -> list[tuple[Article, allocation.Allocation]]:
    """Each article's cases and shares under the round's strategy; after delivery (unless
    `received` is false), what was received shared by the same rule. Coordinators'
    overrides replace a member's total."""
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
            amount=article.received if received else None,
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
    """A member's cost and saving in a round. Goods: on what it received once the delivery
    is recorded, else on its allocation of what was ordered. Service: on its committed
    annual volume, and what its bills show."""

    member: str  # slug
    volume: Decimal  # units bought (goods) or committed (service)
    baseline: int  # what it would pay at today's prices, minor units
    cost: int  # what it pays under the award
    transport: int = 0
    name: str = ""
    # the saving the award promised, (baseline − award price) × what was ordered (goods,
    # before transport) or committed (service)
    negotiated: int = 0
    realised: int | None = None  # the saving deliveries or bills show (None: none yet)
    billed: int | None = None  # service: what its bills charged in all

    @property
    def saving(self) -> int:
        return self.baseline - self.cost - self.transport

    @property
    def purchases(self) -> int:
        """What it spent through the round: its bills, else its cost under the award."""
        return self.billed if self.billed is not None else self.cost + self.transport


def commitments_of(*, round: Round) -> QuerySet[Commitment]:
    return round.commitments.select_related("member")


def round_member_ids(*, round: Round) -> list[int]:
    """The organisations taking part in a round: those with an order (goods) or a
    commitment of some volume (service), by id."""
    if round.is_goods:
        rows = OrderRow.objects.filter(article__round=round)
        return sorted(set(rows.values_list("member_id", flat=True)))
    committed = round.commitments.filter(volume__gt=0)
    return sorted(set(committed.values_list("member_id", flat=True)))


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
    # goods once delivered: the allocation of what was ordered, the negotiated basis
    ordered: list[tuple[Article, allocation.Allocation]] | None = None
    bills: list[Bill] = field(default_factory=list)

    @property
    def volume(self) -> Decimal:
        return sum((c.volume for c in self.commitments), Decimal(0))


def round_facts(*, round: Round) -> RoundFacts:
    if round.kind == Round.Kind.SERVICE:
        return RoundFacts(
            round=round,
            allocations=[],
            commitments=list(commitments_of(round=round)),
            bills=list(round.bills.select_related("member")),
        )
    allocations = article_allocations(round=round)
    delivered = any(article.received is not None for article, _c in allocations)
    return RoundFacts(
        round=round,
        allocations=allocations,
        commitments=[],
        ordered=article_allocations(round=round, received=False) if delivered else None,
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
    ranked = sorted(bids, key=lambda b: -scores[str(b.pk)])
    return [
        {
            "bid": b,
            "cost": costs[str(b.pk)],
            "bar": round(100 * costs[str(b.pk)] / dearest),
            "unit_price": _minor(Decimal(costs[str(b.pk)]) / volume) if volume else None,
            "score": scores[str(b.pk)],
            "social": [(c, label, b.scores.get(c, 0)) for c, label in CRITERIA_LABELS.items()],
            # the chart: 400 px for the dearest bid and for 100 points, a row every 34 px
            "y": 34 * i,
            "cost_bar": round(400 * costs[str(b.pk)] / dearest),
            "score_bar": round(4 * scores[str(b.pk)]),
        }
        for i, b in enumerate(ranked)
    ]


def _minor(value: Decimal) -> int:
    return int(value.quantize(Decimal(1)))


def member_costs(*, facts: RoundFacts) -> list[MemberCost]:
    """Per member: baseline, cost under the award and savings, negotiated and realised;
    with transport cost split as the coordinator chose (goods)."""
    if facts.round.kind == Round.Kind.SERVICE:
        return _service_costs(facts)
    costs = _goods_costs(facts.round, facts.allocations)
    promised = costs if facts.ordered is None else _goods_costs(facts.round, facts.ordered)
    for member, cost in costs.items():
        if member in promised:  # (baseline − award price) × what was allocated of the order
            cost.negotiated = promised[member].baseline - promised[member].cost
        if facts.ordered is not None:
            cost.realised = cost.saving
    return list(costs.values())


def _service_costs(facts: RoundFacts) -> list[MemberCost]:
    contract = getattr(facts.round, "contract", None)
    if contract is None or not facts.volume:
        return []
    unit = Decimal(bid_cost(facts=facts, bid=contract.bid)) / facts.volume
    bills: dict[int, list[Bill]] = {}
    for bill in facts.bills:
        bills.setdefault(bill.member_id, []).append(bill)
    costs = []
    for c in facts.commitments:
        cost = MemberCost(
            member=c.member.slug,
            volume=c.volume,
            baseline=_minor(c.current_price * c.volume),
            cost=_minor(unit * c.volume),
        )
        cost.negotiated = cost.saving
        if mine := bills.get(c.member_id):
            cost.billed = sum(b.amount for b in mine)
            cost.realised = sum(_minor(c.current_price * b.volume) - b.amount for b in mine)
        costs.append(cost)
    return costs


def _goods_costs(
    purchase: Round, allocations: list[tuple[Article, allocation.Allocation]]
) -> dict[str, MemberCost]:
    costs: dict[str, MemberCost] = {}
    for article, computed in allocations:
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
    return costs


def round_page(*, user: AnyUser, round: Round) -> dict[str, Any]:
    """What `user` sees of a round: coordinators everything and the network's total; the
    people of a member organisation its own orders, commitments, overrides and savings;
    suppliers their own bids."""
    coordinating = permissions.can_coordinate(user, round)
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
        "shown": shown,  # the members whose figures the user sees
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
        "total_negotiated": sum(c.negotiated for c in costs),
        "total_realised": (
            sum(c.realised or 0 for c in costs)
            if any(c.realised is not None for c in costs) else None
        ),
        "bills": [b for b in facts.bills if seen(b.member.slug)],
        "comparison": bid_comparison(facts=facts, bids=bids) if bids else [],
        "chart_height": 34 * len(bids) + 4,
        "network_members": network_members(network=round.network) if coordinating else [],
    }  # fmt: skip


def member_purchases(
    *, network: Network, currency: str, start: dt.date, end: dt.date
) -> dict[int, int]:
    """What each member (by id) spent through the network's rounds awarded in `currency`
    whose contract starts between `start` and `end`: bills where there are some, else its
    cost under the award (with transport)."""
    spent: dict[str, int] = {}  # by slug
    rounds = Round.objects.filter(
        network=network, currency=currency,
        contract__starts_on__gte=start, contract__starts_on__lte=end,
    ).select_related("contract__bid")  # fmt: skip
    for purchase in rounds:
        for cost in member_costs(facts=round_facts(round=purchase)):
            spent[cost.member] = spent.get(cost.member, 0) + cost.purchases
    ids = dict(Organization.objects.filter(slug__in=spent).values_list("slug", "pk"))
    return {ids[slug]: amount for slug, amount in spent.items() if amount > 0}


def capital_accounts(*, network: Network, members: Sequence[Organization]) -> list[dict[str, Any]]:
    """What each of `members` has had retained in its capital account, and paid in cash,
    by the network's patronage distributions (per currency)."""
    rows = (
        PatronageAllocation.objects.filter(patronage__network=network, member__in=members)
        .values("member__name", "patronage__currency")
        .annotate(retained=Sum("retained"), cash=Sum("cash"))
        .order_by("member__name", "patronage__currency")
    )
    return list(rows)


def patronage_lines(*, user: AnyUser, patronage: Patronage) -> list[PatronageAllocation]:
    """Coordinators see every member's line; a member's people only their own."""
    lines = patronage.lines.select_related("member")
    if permissions.sees_every_member(user, patronage.network):
        return list(lines)
    return list(lines.filter(member_id__in=acting_organizations(user)))


def patronage_report(*, lines: Sequence[PatronageAllocation]) -> dict[str, Any]:
    """The lines' totals and chart bars: cash then retained, 400 px for the largest
    share, a row every 28 px after 220 px of names."""
    widest = max((line.share for line in lines), default=0) or 1
    bars = [
        {"line": line, "y": 28 * i, "cash": round(400 * line.cash / widest, 1),
         "retained": round(400 * line.retained / widest, 1),
         "retained_x": round(220 + 400 * line.cash / widest, 1)}
        for i, line in enumerate(lines)
    ]  # fmt: skip
    totals = {key: sum(getattr(line, key) for line in lines)
              for key in ("purchases", "share", "cash", "retained")}  # fmt: skip
    return {"bars": bars, "chart_height": 28 * len(lines) + 4, "totals": totals}


def network_contracts(*, network: Network) -> QuerySet[Contract]:
    """The network's contracts, the next renewal decision first."""
    return (
        Contract.objects.filter(round__network=network)
        .select_related("round", "bid__supplier")
        .order_by("renewal_on", "pk")
    )


def contract_calendar(*, network: Network, today: dt.date) -> list[dict[str, Any]]:
    """The network's contract dates ahead (renewal decisions and ends), by month."""
    months: dict[dt.date, list[dict[str, Any]]] = {}
    for contract in network_contracts(network=network):
        for kind, day in (("renewal", contract.renewal_on), ("end", contract.ends_on)):
            if day >= today:
                months.setdefault(day.replace(day=1), []).append(
                    {"kind": kind, "day": day, "contract": contract, "in_days": (day - today).days}
                )
    return [
        {"month": month, "dates": sorted(dates, key=lambda d: (d["day"], d["kind"]))}
        for month, dates in sorted(months.items())
    ]


def contract_events(*, network: Network, url_of: Callable[[Round], str]) -> list[calendar.Event]:
    """Every contract's renewal decision and end, as calendar events; `url_of` gives a
    round's page address."""
    events = []
    for contract in network_contracts(network=network):
        purchase, supplier = contract.round, contract.bid.supplier.name
        url = url_of(purchase)
        events += [
            calendar.Event(
                uid=f"contract-{contract.pk}-renewal@intercoop",
                day=contract.renewal_on,
                summary=str(_("Renewal decision: %(round)s") % {"round": purchase.title}),
                description=str(
                    _("%(supplier)s; the contract ends on %(end)s.")
                    % {"supplier": supplier, "end": contract.ends_on.isoformat()}
                ),
                url=url,
            ),
            calendar.Event(
                uid=f"contract-{contract.pk}-end@intercoop",
                day=contract.ends_on,
                summary=str(_("Contract ends: %(round)s") % {"round": purchase.title}),
                description=supplier,
                url=url,
            ),
        ]
    return events


# Private calendar feed addresses: "<token id>-<MAC>", where the MAC covers the token's
# stored nonce and its user's password hash (so a new password ends every address, as it
# ends Django's password-reset links) and needs the SECRET_KEY. The MAC is never stored.
FEED_SALT = "intercoop.purchasing.contracts-feed"


def feed_token_of(*, user: AnyUser, network: Network) -> FeedToken | None:
    """The user's live feed address of the network's contracts, if there is one."""
    if not user.is_authenticated:
        return None
    return FeedToken.objects.filter(user=user, network=network, revoked_at__isnull=True).first()


def feed_key(token: FeedToken) -> str:
    """The address's secret: what the `token` query parameter carries."""
    message = f"{token.pk}:{token.user_id}:{token.network_id}:{token.nonce}:{token.user.password}"
    return f"{token.pk}-{salted_hmac(FEED_SALT, message, algorithm='sha256').hexdigest()}"


def feed_user(*, token: str, network: Network) -> User | None:
    """The user a feed address was made for, if it is genuine, live, for this network,
    made since the user's last password change, and the user may still see the
    network's contracts."""
    pk, _dash, _mac = token.partition("-")
    if not (pk.isascii() and pk.isdigit()) or len(pk) > 18 or len(token) > 100:
        return None
    made = (
        FeedToken.objects.select_related("user")
        .filter(pk=int(pk), network=network, revoked_at__isnull=True)
        .first()
    )
    if made is None or not constant_time_compare(feed_key(made), token):
        return None
    user = made.user
    if not user.is_active or not permissions.can_follow_contracts(user, network):
        return None
    return user


@dataclass
class OrderLine:
    """One article of a member's order form: what it orders now and what that costs at
    the award price (before the award: at the price paid today), in minor units."""

    article: Article
    quantity: Decimal
    tolerance: Decimal
    unit_price: Decimal
    estimate: int


def order_lines(*, round: Round, member: Organization) -> list[OrderLine]:
    """Every article of a goods round with `member`'s current quantity and tolerance (the
    sums of its rows of the order log) and the estimated cost of the quantity."""
    totals = {
        row["article_id"]: (row["quantity"], row["tolerance"])
        for row in OrderRow.objects.filter(article__round=round, member=member)
        .values("article_id")
        .annotate(quantity=Sum("quantity"), tolerance=Sum("tolerance"))
    }
    lines = []
    for article in round.articles.all():
        quantity, tolerance = (  # the same on every database: three decimals
            Decimal(n).quantize(Decimal("0.001"))
            for n in totals.get(article.pk, (Decimal(0), Decimal(0)))
        )
        price = article.price if article.price is not None else article.reference_price
        lines.append(OrderLine(article, quantity, tolerance, price, _minor(price * quantity)))
    return lines


@dataclass
class PickList:
    """What one supplier delivers to each member: per member, each article's allocated
    quantity; and each article's total."""

    supplier: Organization
    members: list[tuple[Organization, list[tuple[Article, Decimal]]]]
    totals: list[tuple[Article, Decimal]]


def pick_lists(*, round: Round) -> list[PickList]:
    """The pick list of each supplier of an awarded goods round (its allocation, of what
    was received once the delivery is recorded); none before the award."""
    contract = Contract.objects.filter(round=round).select_related("bid__supplier").first()
    if contract is None or round.kind != Round.Kind.GOODS:
        return []
    allocations = article_allocations(round=round)
    slugs = {m for _a, computed in allocations for m in computed.shares}
    found = {o.slug: o for o in Organization.objects.filter(slug__in=slugs)}
    # keyed by the member (its slug), never its name: two members may share a name
    members: dict[str, list[tuple[Article, Decimal]]] = {}
    totals = []
    for article, computed in allocations:
        total = Decimal(0)
        for slug, share in computed.shares.items():
            units = Decimal(share.total)
            if units > 0 and slug in found:
                members.setdefault(slug, []).append((article, units))
                total += units
        totals.append((article, total))
    rows = sorted(((found[slug], lines) for slug, lines in members.items()),
                  key=lambda row: (row[0].name, row[0].slug))  # fmt: skip
    return [PickList(contract.bid.supplier, rows, totals)]


def _inviting_offers() -> QuerySet[Any]:
    """The offers on the exchange that invite their organisation to bid when a round of
    their category takes bids: the active ones."""
    from intercoop.exchange.models import ExchangeItem

    return ExchangeItem.objects.filter(kind=ExchangeItem.Kind.OFFER, active=True)


def invited_suppliers(*, category: str) -> QuerySet[Organization]:
    """The organisations invited to bid when a round of `category` takes bids: those with
    an active offer in that category on the exchange."""
    return Organization.objects.filter(
        pk__in=_inviting_offers().filter(category=category).values("organization_id")
    )


def invited_categories(*, organization_ids: Any) -> QuerySet[Any]:
    """The categories whose rounds invite any of the organisations to bid (the other side
    of `invited_suppliers`; a subquery: `category__in=` it)."""
    return _inviting_offers().filter(organization_id__in=organization_ids).values("category")
