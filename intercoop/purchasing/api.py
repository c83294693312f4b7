"""Joint purchasing API: rounds with what the caller may see of their allocation, bids
and savings; orders, commitments, bids and bills; contracts and patronage. Amounts are
integer minor units; unit prices are minor units per unit (fractions kept, as text)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from intercoop.core.api import WRITE_AUTH
from intercoop.core.api import ErrorOut as Error
from intercoop.core.bounds import LONG_TEXT, MoneyIn, Text
from intercoop.core.pagination import api_page, page_schema
from intercoop.directory import permissions as roles
from intercoop.directory.models import Organization
from intercoop.directory.selectors import network_members
from intercoop.purchasing import permissions, selectors, services
from intercoop.purchasing.models import (
    MAX_ARTICLES,
    MAX_TIERS,
    MAX_UNIT_PRICE,
    MAX_UNITS,
    Contract,
    Patronage,
    Round,
)

# Quantities and volumes in units, prices in minor units per unit: finite, not negative,
# within their columns (at most three decimals).
UnitsIn = Annotated[Decimal, Field(ge=0, le=MAX_UNITS, decimal_places=3)]
UnitPriceIn = Annotated[Decimal, Field(ge=0, le=MAX_UNIT_PRICE, decimal_places=3)]
Slug = Text(100)

router = Router(tags=["purchasing"])


class RoundOut(Schema):
    id: int
    network: str
    title: str
    kind: str
    category: str
    status: str
    strategy: str
    currency: str
    volume_unit: str
    closes_on: dt.date | None


class ShareOut(Schema):
    member: str
    quantity: Decimal
    tolerance: Decimal
    total: Decimal


class ArticleOut(Schema):
    id: int
    name: str
    unit: str
    case_size: int
    minimum: Decimal
    by_weight: bool
    reference_price: Decimal
    price: Decimal | None
    received: Decimal | None
    ordered: Decimal
    cases: int
    shares: list[ShareOut]


class CommitmentOut(Schema):
    member: str
    volume: Decimal
    current_price: Decimal


class CostOut(Schema):
    member: str
    volume: Decimal
    baseline: int
    cost: int
    transport: int
    saving: int
    negotiated: int
    realised: int | None


class BidOut(Schema):
    id: int
    supplier: str
    mode: str
    tiers: list[list[str]]
    article_prices: dict[str, str]
    cost: int
    score: float
    scores: dict[str, int]


class ContractOut(Schema):
    round: int
    round_title: str
    supplier: str
    starts_on: dt.date
    ends_on: dt.date
    renewal_on: dt.date
    ratification: str  # "" (not needed), "pending" (awaits the members' vote), "ratified"


class RoundDetailOut(RoundOut):
    articles: list[ArticleOut]
    commitments: list[CommitmentOut]
    costs: list[CostOut]
    bids: list[BidOut]
    contract: ContractOut | None
    total_negotiated: int | None  # the network's totals, for coordinators
    total_realised: int | None


def _round_out(round: Round) -> dict[str, Any]:
    fields = [f for f in RoundOut.model_fields if f != "network"]
    return {f: getattr(round, f) for f in fields} | {"network": round.network.slug}


def _contract_out(contract: Contract) -> dict[str, Any]:
    return {
        "round": contract.round_id,
        "round_title": contract.round.title,
        "supplier": contract.bid.supplier.slug,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "renewal_on": contract.renewal_on,
        "ratification": contract.ratification,
    }


def _visible_round(request: HttpRequest, pk: int) -> Round:
    round = get_object_or_404(Round.objects.select_related("network"), pk=pk)
    if not permissions.can_view_round(request.user, round):
        raise Http404
    return round


@router.get(
    "/networks/{slug}/rounds",
    auth=WRITE_AUTH,
    response={200: page_schema(RoundOut), 401: Error, 403: Error, 404: Error},
    summary="A network's purchasing rounds (for its members and coordinators), paged",
)
def list_rounds(
    request: HttpRequest, slug: str, status: Round.Status | None = None, page: int = 1,
    page_size: int = 50,
) -> Any:  # fmt: skip
    network = roles.access_network(request.user, slug=slug, for_insiders=True)
    rounds = network.rounds.select_related("network")
    if status is not None:
        rounds = rounds.filter(status=status)
    return api_page(rounds, page=page, page_size=page_size, out=_round_out)


@router.get(
    "/rounds/{pk}",
    auth=WRITE_AUTH,
    response={200: RoundDetailOut, 401: Error, 404: Error},
    summary="A round as the caller sees it: its own shares, costs and bids only",
)
def round_detail(request: HttpRequest, pk: int) -> Any:
    round = _visible_round(request, pk)
    page = selectors.round_page(user=request.user, round=round)
    contract = Contract.objects.filter(round=round).select_related("bid__supplier").first()
    return _round_out(round) | {
        "articles": [
            {
                "id": article.pk, "name": article.name, "unit": article.unit,
                "case_size": article.case_size, "minimum": article.minimum,
                "by_weight": article.by_weight, "reference_price": article.reference_price,
                "price": article.price, "received": article.received,
                "ordered": computed.ordered, "cases": computed.cases,
                "shares": [
                    {"member": slug, "quantity": s.quantity, "tolerance": s.tolerance,
                     "total": s.total}
                    for slug, s in computed.shares.items() if slug in page["shown"]
                ],
            }
            for article, computed, _shares in page["allocations"]
        ],
        "commitments": [
            {"member": c.member.slug, "volume": c.volume, "current_price": c.current_price}
            for c in page["commitments"]
        ],
        "costs": [
            {"member": c.member, "volume": c.volume, "baseline": c.baseline, "cost": c.cost,
             "transport": c.transport, "saving": c.saving, "negotiated": c.negotiated,
             "realised": c.realised}
            for c in page["costs"]
        ],
        "bids": [
            {"id": row["bid"].pk, "supplier": row["bid"].supplier.slug, "mode": row["bid"].mode,
             "tiers": row["bid"].tiers, "article_prices": row["bid"].article_prices,
             "cost": row["cost"], "score": row["score"], "scores": row["bid"].scores}
            for row in page["comparison"]
        ],
        "contract": _contract_out(contract) if contract else None,
        "total_negotiated": page["total_negotiated"] if page["coordinating"] else None,
        "total_realised": page["total_realised"] if page["coordinating"] else None,
    }  # fmt: skip


class OrderIn(Schema):
    member: Slug  # type: ignore[valid-type]
    article: Annotated[int, Field(ge=1, le=2**63 - 1)]
    quantity: UnitsIn
    tolerance: UnitsIn = Decimal(0)


class OrderRowOut(Schema):
    quantity: Decimal
    tolerance: Decimal
    placed_at: dt.datetime


class OrderLineIn(Schema):
    article: Annotated[int, Field(ge=1, le=2**63 - 1)]
    quantity: UnitsIn
    tolerance: UnitsIn = Decimal(0)


class OrderSetIn(Schema):
    member: Slug  # type: ignore[valid-type]
    lines: Annotated[list[OrderLineIn], Field(max_length=MAX_ARTICLES)]


class OrderLineOut(Schema):
    article: int
    quantity: Decimal
    tolerance: Decimal


class CommitmentIn(Schema):
    member: Slug  # type: ignore[valid-type]
    volume: UnitsIn
    current_price: UnitPriceIn  # minor units per unit


class BidIn(Schema):
    supplier: Slug  # type: ignore[valid-type]
    mode: Literal["all_units", "incremental"]
    # [from volume, minor units per unit]
    tiers: Annotated[list[tuple[UnitsIn, UnitPriceIn]], Field(max_length=MAX_TIERS)] = []
    # article id → minor units per unit
    article_prices: Annotated[dict[int, UnitPriceIn], Field(max_length=MAX_ARTICLES)] = {}
    evidence: Text(LONG_TEXT) = ""  # type: ignore[valid-type]


class BillIn(Schema):
    member: Slug  # type: ignore[valid-type]
    period_end: dt.date
    volume: UnitsIn
    amount: MoneyIn  # minor units


class BillOut(Schema):
    id: int
    member: str
    period_end: dt.date
    volume: Decimal
    amount: int


def _member(round: Round, slug: str) -> Organization:
    """The member of the round's network named by `slug` (else 404)."""
    return get_object_or_404(network_members(network=round.network), slug=slug)


@router.post(
    "/rounds/{pk}/orders",
    auth=WRITE_AUTH,
    response={200: list[OrderRowOut], 400: Error, 401: Error, 403: Error, 404: Error},
    summary="Set a member's order of an article (quantity and tolerance)",
)
def set_order(request: HttpRequest, pk: int, payload: OrderIn) -> Any:
    round = _visible_round(request, pk)
    member = _member(round, payload.member)
    article = get_object_or_404(round.articles, pk=payload.article)
    return services.order_set(
        actor=request.user, article=article, member=member,
        quantity=payload.quantity, tolerance=payload.tolerance,
    )  # fmt: skip


@router.put(
    "/rounds/{pk}/order",
    auth=WRITE_AUTH,
    response={200: list[OrderLineOut], 400: Error, 401: Error, 403: Error, 404: Error},
    summary="Set a member's whole order of a goods round at once (all lines or none)",
)
def set_whole_order(request: HttpRequest, pk: int, payload: OrderSetIn) -> Any:
    round = _visible_round(request, pk)
    member = _member(round, payload.member)
    services.order_set_many(
        actor=request.user, round=round, member=member,
        lines={line.article: (line.quantity, line.tolerance) for line in payload.lines},
    )  # fmt: skip
    return [
        {"article": line.article.pk, "quantity": line.quantity, "tolerance": line.tolerance}
        for line in selectors.order_lines(round=round, member=member)
    ]


@router.post(
    "/rounds/{pk}/commitments",
    auth=WRITE_AUTH,
    response={200: CommitmentOut, 400: Error, 401: Error, 403: Error, 404: Error},
    summary="Set a member's annual volume in a service round and the price it pays today",
)
def set_commitment(request: HttpRequest, pk: int, payload: CommitmentIn) -> Any:
    round = _visible_round(request, pk)
    member = _member(round, payload.member)
    made = services.commitment_set(
        actor=request.user, round=round, member=member, volume=payload.volume,
        current_price=payload.current_price,
    )  # fmt: skip
    return {"member": member.slug, "volume": made.volume, "current_price": made.current_price}


@router.post(
    "/rounds/{pk}/bids",
    auth=WRITE_AUTH,
    response={201: BidOut, 400: Error, 401: Error, 403: Error, 404: Error},
    summary="Submit (or replace) a supplier's bid while the round takes bids",
)
def submit_bid(request: HttpRequest, pk: int, payload: BidIn) -> Any:
    round = _visible_round(request, pk)
    supplier = roles.access_organization(request.user, slug=payload.supplier)
    bid = services.bid_submit(
        actor=request.user, round=round, supplier=supplier,
        values={"mode": payload.mode, "tiers": payload.tiers,
                "article_prices": payload.article_prices, "evidence": payload.evidence},
    )  # fmt: skip
    cost = selectors.bid_cost(facts=selectors.round_facts(round=round), bid=bid)
    return 201, {
        "id": bid.pk, "supplier": supplier.slug, "mode": bid.mode, "tiers": bid.tiers,
        "article_prices": bid.article_prices, "cost": cost, "score": 0, "scores": bid.scores,
    }  # fmt: skip


@router.post(
    "/rounds/{pk}/bills",
    auth=WRITE_AUTH,
    response={201: BillOut, 400: Error, 401: Error, 403: Error, 404: Error},
    summary="Record a bill a member received under the round's service contract",
)
def record_bill(request: HttpRequest, pk: int, payload: BillIn) -> Any:
    round = _visible_round(request, pk)
    member = _member(round, payload.member)
    bill = services.bill_record(
        actor=request.user, round=round, member=member,
        period_end=payload.period_end, volume=payload.volume, amount=payload.amount,
    )  # fmt: skip
    return 201, {"id": bill.pk, "member": member.slug, "period_end": bill.period_end,
                 "volume": bill.volume, "amount": bill.amount}  # fmt: skip


@router.get(
    "/networks/{slug}/contracts",
    auth=WRITE_AUTH,
    response={200: page_schema(ContractOut), 401: Error, 403: Error, 404: Error},
    summary="A network's contracts, the next renewal decision first, paged",
)
def list_contracts(request: HttpRequest, slug: str, page: int = 1, page_size: int = 50) -> Any:
    network = roles.access_network(request.user, slug=slug, for_insiders=True)
    contracts = selectors.network_contracts(network=network)
    return api_page(contracts, page=page, page_size=page_size, out=_contract_out)


class PatronageLineOut(Schema):
    member: str
    purchases: int
    share: int
    cash: int
    retained: int


class PatronageOut(Schema):
    id: int
    network: str
    title: str
    currency: str
    surplus: int
    cash_percent: int
    period_start: dt.date
    period_end: dt.date
    lines: list[PatronageLineOut]


@router.get(
    "/patronage/{pk}",
    auth=WRITE_AUTH,
    response={200: PatronageOut, 401: Error, 404: Error},
    summary="A patronage distribution: every line for coordinators, a member its own",
)
def patronage_detail(request: HttpRequest, pk: int) -> Any:
    patronage = get_object_or_404(Patronage.objects.select_related("network"), pk=pk)
    if not permissions.can_view_patronage(request.user, patronage):
        raise Http404
    lines = selectors.patronage_lines(user=request.user, patronage=patronage)
    fields = ["id", "title", "currency", "surplus", "cash_percent", "period_start", "period_end"]
    return {f: getattr(patronage, f) for f in fields} | {
        "network": patronage.network.slug,
        "lines": [
            {"member": line.member.slug, "purchases": line.purchases, "share": line.share,
             "cash": line.cash, "retained": line.retained}
            for line in lines
        ],
    }  # fmt: skip
