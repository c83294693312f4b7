"""Exchange API: offers, needs and challenges, matches, introductions, notice boards and
member deals. Handlers look objects up (404 for what the user may not see) and call the
services, which check who may write; every list is paged (`?page=&page_size=`)."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from intercoop.core.api import WRITE_AUTH
from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT, CurrencyIn, MoneyIn, Text
from intercoop.core.pagination import api_page, page_schema
from intercoop.directory import permissions
from intercoop.directory.models import Network
from intercoop.exchange import permissions as exchange_permissions
from intercoop.exchange import selectors, services
from intercoop.exchange.fields import MAX_RADIUS_KM, MAX_TAG, MAX_TAGS, TEXT_LENGTHS
from intercoop.exchange.models import Deal, ExchangeItem, Introduction, Notice

router = Router(tags=["exchange"])

Slug = Text(SHORT_TEXT)
Radius = Annotated[int, Field(ge=0, le=MAX_RADIUS_KM)]
Percent = Annotated[int, Field(ge=0, le=100)]
Tag = Text(MAX_TAG)
Tags = Annotated[list[Tag], Field(max_length=MAX_TAGS)]  # type: ignore[valid-type]


class ItemOut(Schema):
    id: int
    organization: str
    kind: str
    category: str
    title: str
    description: str
    tags: list[str]
    unit: str
    price_hint: str
    service_radius_km: int | None
    service_regions: str
    coop_discount: int
    annual_spend: int | None
    currency: str
    supplier_is_cooperative: bool | None
    contact: str
    active: bool


class ItemChange(Schema):
    """The fields of an offer, need or challenge that may be changed."""

    category: Text(30) | None = None  # type: ignore[valid-type]
    title: Text(SHORT_TEXT) | None = None  # type: ignore[valid-type]
    description: Text(LONG_TEXT) | None = None  # type: ignore[valid-type]
    tags: Tags | None = None
    unit: Text(TEXT_LENGTHS["unit"]) | None = None  # type: ignore[valid-type]
    price_hint: Text(TEXT_LENGTHS["price_hint"]) | None = None  # type: ignore[valid-type]
    service_radius_km: Radius | None = None
    service_regions: Text(TEXT_LENGTHS["service_regions"]) | None = None  # type: ignore[valid-type]
    coop_discount: Percent | None = None
    annual_spend: MoneyIn | None = Field(None, description="minor units of `currency`")
    currency: CurrencyIn | None = None
    supplier_is_cooperative: bool | None = None
    contact: Text(TEXT_LENGTHS["contact"]) | None = None  # type: ignore[valid-type]


class ItemIn(ItemChange):
    organization: Slug  # type: ignore[valid-type]
    kind: Literal["offer", "need", "challenge"]
    category: Text(30)  # type: ignore[valid-type]
    title: Text(SHORT_TEXT)  # type: ignore[valid-type]


class ItemFilters(Schema):
    kind: Literal["offer", "need", "challenge"] | None = None
    category: str | None = None
    organization: str | None = None
    q: str | None = None


class MatchOut(Schema):
    rank: int
    organization: str
    score: float
    explanation: str


def _out(item: ExchangeItem) -> dict[str, Any]:
    fields = [name for name in ItemOut.model_fields if name not in {"organization"}]
    return {name: getattr(item, name) for name in fields} | {"organization": item.organization.slug}


def _item(request: HttpRequest, pk: int) -> ExchangeItem:
    """An item of an organisation the user may see (else 404)."""
    item = get_object_or_404(ExchangeItem.objects.select_related("organization"), pk=pk)
    permissions.access_organization(request.user, slug=item.organization.slug)
    return item


@router.get(
    "/exchange/items", response=page_schema(ItemOut), summary="Offers, needs and challenges"
)
def list_items(
    request: HttpRequest, filters: Query[ItemFilters], page: int = 1, page_size: int = 50
) -> dict[str, Any]:
    items = ExchangeItem.objects.filter(active=True, organization__approval="approved")
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.category:
        items = items.filter(category=filters.category)
    if filters.organization:
        items = items.filter(organization__slug=filters.organization)
    for word in (filters.q or "").split()[:8]:
        items = items.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return api_page(
        items.select_related("organization").order_by("-updated_at", "pk"),
        page=page,
        page_size=page_size,
        out=_out,
    )


@router.post(
    "/exchange/items",
    auth=WRITE_AUTH,
    response={201: ItemOut},
    summary="Add an offer, a need or a challenge for an organisation you speak for",
)
def create_item(request: HttpRequest, payload: ItemIn) -> tuple[int, Any]:
    organization = permissions.access_organization(request.user, slug=payload.organization)
    item = services.exchange_item_create(
        actor=request.user,
        organization=organization,
        values=payload.dict(exclude_none=True, exclude={"organization"}),
    )
    return 201, _out(item)


@router.patch(
    "/exchange/items/{pk}",
    auth=WRITE_AUTH,
    response=ItemOut,
    summary="Change an offer, a need or a challenge (the fields sent)",
)
def update_item(request: HttpRequest, pk: int, payload: ItemChange) -> Any:
    item = services.exchange_item_update(
        actor=request.user, item=_item(request, pk), values=payload.dict(exclude_unset=True)
    )
    return _out(item)


@router.post(
    "/exchange/items/{pk}/withdraw",
    auth=WRITE_AUTH,
    response=ItemOut,
    summary="Withdraw an offer, a need or a challenge",
)
def withdraw_item(request: HttpRequest, pk: int) -> Any:
    return _out(services.exchange_item_withdraw(actor=request.user, item=_item(request, pk)))


@router.get(
    "/organizations/{slug}/matches",
    response=list[MatchOut],
    summary="An organisation's business or peer matches, ranked, with explanations",
)
def matches(
    request: HttpRequest, slug: str, kind: Literal["business", "peer"] = "business", limit: int = 10
) -> Any:
    organization = permissions.access_organization(request.user, slug=slug)
    find = selectors.business_matches_for if kind == "business" else selectors.peer_matches_for
    found = find(organization=organization, limit=max(1, min(limit, 50)))
    return [
        {
            "rank": rank,
            "organization": m.organization,
            "score": m.score,
            "explanation": m.explanation,
        }
        for rank, m in enumerate(found, start=1)
    ]


class IntroductionOut(Schema):
    id: int
    requester: str
    recipient: str
    item: int | None
    message: str
    status: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    contacts: dict[str, dict[str, str]]


class IntroductionIn(Schema):
    requester: Slug  # type: ignore[valid-type]
    recipient: Slug  # type: ignore[valid-type]
    message: Text(LONG_TEXT)  # type: ignore[valid-type]
    item: int | None = None


def _introduction_out(introduction: Introduction) -> dict[str, Any]:
    contacts = selectors.introduction_contacts(introduction=introduction)
    return {
        "id": introduction.pk,
        "requester": introduction.requester.slug,
        "recipient": introduction.recipient.slug,
        "item": introduction.item_id,
        "message": introduction.message,
        "status": introduction.status,
        "created_at": introduction.created_at,
        "decided_at": introduction.decided_at,
        "contacts": {
            side: {key: value if isinstance(value, str) else value.slug for key, value in c.items()}
            for side, c in contacts.items()
        },
    }


@router.get(
    "/introductions",
    auth=WRITE_AUTH,
    response=page_schema(IntroductionOut),
    summary="Introductions sent and received by the organisations you speak for",
)
def list_introductions(
    request: HttpRequest,
    status: Literal["pending", "accepted", "declined"] | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Any:
    mine = selectors.introductions_for(user=request.user)
    introductions = (mine["received"] | mine["sent"]).distinct()
    if status:
        introductions = introductions.filter(status=status)
    return api_page(introductions, page=page, page_size=page_size, out=_introduction_out)


@router.post(
    "/introductions",
    auth=WRITE_AUTH,
    response={201: IntroductionOut},
    summary="Ask an organisation for an introduction",
)
def request_introduction(request: HttpRequest, payload: IntroductionIn) -> tuple[int, Any]:
    requester = permissions.access_organization(request.user, slug=payload.requester)
    recipient = permissions.access_organization(request.user, slug=payload.recipient)
    item = ExchangeItem.objects.filter(pk=payload.item or 0, active=True).first()
    introduction = services.introduction_request(
        actor=request.user,
        requester=requester,
        recipient=recipient,
        message=payload.message,
        item=item,
    )
    return 201, _introduction_out(introduction)


@router.post(
    "/introductions/{pk}/{action}",
    auth=WRITE_AUTH,
    response=IntroductionOut,
    summary="Accept or decline an introduction, or block its sender (the organisation asked)",
)
def answer_introduction(
    request: HttpRequest, pk: int, action: Literal["accept", "decline", "block"]
) -> Any:
    introduction = Introduction.objects.select_related("requester", "recipient").filter(pk=pk)
    found = introduction.first()
    if found is None or not exchange_permissions.can_see_introduction(request.user, found):
        raise Http404
    if action == "block":
        services.introduction_block(
            actor=request.user, organization=found.recipient, blocked=found.requester
        )
    else:
        services.introduction_answer(
            actor=request.user, introduction=found, accept=action == "accept"
        )
    return _introduction_out(introduction.get())


class NoticeOut(Schema):
    id: int
    network: str
    organization: str
    kind: str
    title: str
    body: str
    place: str
    latitude: float | None
    longitude: float | None
    needed_by: dt.date | None
    starts_at: dt.datetime | None
    expires_on: dt.date
    contact: str
    urgent: bool


class NoticeIn(Schema):
    organization: Slug  # type: ignore[valid-type]
    kind: Literal[tuple(Notice.Kind.values)]  # type: ignore[valid-type]
    title: Text(SHORT_TEXT)  # type: ignore[valid-type]
    body: Text(LONG_TEXT)  # type: ignore[valid-type]
    place: Text(200) | None = None  # type: ignore[valid-type]
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    needed_by: dt.date | None = Field(None, description="calls for help: when")
    starts_at: dt.datetime | None = Field(None, description="events: when they start")
    expires_on: dt.date | None = Field(None, description="shown until (30 days if empty)")
    contact: Text(200) | None = None  # type: ignore[valid-type]
    urgent: bool = Field(False, description="calls for help: alert every member at once")


def _notice_out(notice: Notice) -> dict[str, Any]:
    fields = set(NoticeOut.model_fields) - {"network", "organization"}
    return {name: getattr(notice, name) for name in fields} | {
        "network": notice.network.slug,
        "organization": notice.organization.slug,
    }


@router.get(
    "/networks/{slug}/notices",
    response=page_schema(NoticeOut),
    summary="A network's notice board: the notices not yet expired",
)
def list_notices(
    request: HttpRequest,
    slug: str,
    kind: str = "",
    q: str = "",
    page: int = 1,
    page_size: int = 50,
) -> Any:
    network = permissions.access_network(request.user, slug=slug)
    notices = selectors.notice_board(network_id=network.pk, kind=kind, q=q)
    return api_page(notices, page=page, page_size=page_size, out=_notice_out)


@router.post(
    "/networks/{slug}/notices",
    auth=WRITE_AUTH,
    response={201: NoticeOut},
    summary="Post a notice on a network's board for a member organisation you speak for",
)
def post_notice(request: HttpRequest, slug: str, payload: NoticeIn) -> tuple[int, Any]:
    network = permissions.access_network(request.user, slug=slug)
    organization = permissions.access_organization(request.user, slug=payload.organization)
    notice = services.notice_post(
        actor=request.user,
        network=network,
        organization=organization,
        values=payload.dict(exclude_none=True, exclude={"organization"}),
    )
    return 201, _notice_out(notice)


class NoticeChangeIn(Schema):
    """The fields to change; those left out stay as they are."""

    kind: Literal[tuple(Notice.Kind.values)] | None = None  # type: ignore[valid-type]
    title: Text(SHORT_TEXT) | None = None  # type: ignore[valid-type]
    body: Text(LONG_TEXT) | None = None  # type: ignore[valid-type]
    place: Text(200) | None = None  # type: ignore[valid-type]
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    needed_by: dt.date | None = None
    starts_at: dt.datetime | None = None
    expires_on: dt.date | None = None
    contact: Text(200) | None = None  # type: ignore[valid-type]


@router.patch(
    "/notices/{pk}",
    auth=WRITE_AUTH,
    response=NoticeOut,
    summary="Change a notice (the people of the organisation that posted it)",
)
def change_notice(request: HttpRequest, pk: int, payload: NoticeChangeIn) -> Any:
    notice = get_object_or_404(Notice.objects.select_related("organization", "network"), pk=pk)
    values = payload.dict(exclude_unset=True)
    return _notice_out(services.notice_update(actor=request.user, notice=notice, values=values))


@router.post(
    "/notices/{pk}/withdraw",
    auth=WRITE_AUTH,
    response=NoticeOut,
    summary="Take a notice off the board (its poster or the network's coordinators)",
)
def withdraw_notice(request: HttpRequest, pk: int) -> Any:
    notice = get_object_or_404(Notice.objects.select_related("organization", "network"), pk=pk)
    return _notice_out(services.notice_withdraw(actor=request.user, notice=notice))


class DealOut(Schema):
    id: int
    organization: str
    title: str
    description: str
    discount_percent: int
    audience: str
    network: str | None
    valid_until: dt.date | None
    active: bool
    redemptions: int


class DealIn(Schema):
    organization: Slug  # type: ignore[valid-type]
    title: Text(SHORT_TEXT)  # type: ignore[valid-type]
    description: Text(LONG_TEXT) | None = None  # type: ignore[valid-type]
    discount_percent: Annotated[int, Field(ge=1, le=100)]
    audience: Literal[tuple(Deal.Audience.values)]  # type: ignore[valid-type]
    network: Slug | None = Field(None, description="a network's slug, for its members' deals")  # type: ignore[valid-type]
    valid_until: dt.date | None = None


def _deal_out(deal: Deal) -> dict[str, Any]:
    return {
        "id": deal.pk,
        "organization": deal.organization.slug,
        "title": deal.title,
        "description": deal.description,
        "discount_percent": deal.discount_percent,
        "audience": deal.audience,
        "network": deal.network.slug if deal.network else None,
        "valid_until": deal.valid_until,
        "active": deal.active,
        "redemptions": (
            deal.redemption_count if hasattr(deal, "redemption_count") else deal.redemptions.count()
        ),
    }


@router.get("/deals", response=page_schema(DealOut), summary="Member deals on offer today")
def list_deals(
    request: HttpRequest,
    audience: str = "",
    network: str = "",
    page: int = 1,
    page_size: int = 50,
) -> Any:
    network_id = None
    if network:
        network_id = permissions.access_network(request.user, slug=network).pk
    deals = selectors.active_deals(audience=audience, network_id=network_id)
    return api_page(deals, page=page, page_size=page_size, out=_deal_out)


@router.post(
    "/deals",
    auth=WRITE_AUTH,
    response={201: DealOut},
    summary="Offer a member deal for an organisation you speak for",
)
def create_deal(request: HttpRequest, payload: DealIn) -> tuple[int, Any]:
    organization = permissions.access_organization(request.user, slug=payload.organization)
    values = payload.dict(exclude_none=True, exclude={"organization"})
    if payload.network:
        values["network"] = get_object_or_404(Network, slug=payload.network)
    deal = services.deal_create(actor=request.user, organization=organization, values=values)
    return 201, _deal_out(deal)


@router.post(
    "/deals/{pk}/withdraw",
    auth=WRITE_AUTH,
    response=DealOut,
    summary="Withdraw a member deal",
)
def withdraw_deal(request: HttpRequest, pk: int) -> Any:
    deal = get_object_or_404(Deal.objects.select_related("organization", "network"), pk=pk)
    return _deal_out(services.deal_withdraw(actor=request.user, deal=deal))
