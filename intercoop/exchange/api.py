"""Exchange API: offers, needs and challenges, matches, introductions, notice boards and
member deals."""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from intercoop.core.api import WRITE_AUTH
from intercoop.core.api import ErrorOut as Error
from intercoop.core.pagination import paginate
from intercoop.directory import permissions
from intercoop.exchange import selectors, services
from intercoop.exchange.models import ExchangeItem, Introduction

router = Router(tags=["exchange"])


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


class ItemIn(Schema):
    organization: str
    kind: Literal["offer", "need", "challenge"]
    category: str
    title: str
    description: str | None = None
    tags: list[str] | None = None
    unit: str | None = None
    price_hint: str | None = None
    service_radius_km: int | None = None
    service_regions: str | None = None
    coop_discount: int | None = None
    annual_spend: int | None = None
    currency: str | None = None
    supplier_is_cooperative: bool | None = None
    contact: str | None = None


class ItemFilters(Schema):
    kind: Literal["offer", "need", "challenge"] | None = None
    category: str | None = None
    organization: str | None = None
    q: str | None = None


class ItemPage(Schema):
    count: int
    count_exact: bool
    page: int
    pages: int
    results: list[ItemOut]


class MatchOut(Schema):
    rank: int
    organization: str
    score: float
    explanation: str


def _out(item: ExchangeItem) -> dict[str, Any]:
    fields = [name for name in ItemOut.model_fields if name not in {"organization"}]
    return {name: getattr(item, name) for name in fields} | {"organization": item.organization.slug}


@router.get("/exchange/items", response=ItemPage, summary="Offers, needs and challenges")
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
    paged = paginate(
        items.select_related("organization").order_by("-updated_at", "pk"),
        page=page,
        page_size=max(1, min(page_size, 200)),
    )
    return {
        "count": paged.count,
        "count_exact": paged.count_exact,
        "page": paged.page.number,
        "pages": paged.pages,
        "results": [_out(item) for item in paged.page.object_list],
    }


@router.post(
    "/exchange/items",
    auth=WRITE_AUTH,
    response={201: ItemOut, 400: Error, 401: Error, 403: Error, 404: Error},
)
def create_item(request: HttpRequest, payload: ItemIn) -> tuple[int, Any]:
    user = permissions.authenticated_user(request)
    organization = permissions.access_organization(user, slug=payload.organization, for_acting=True)
    item = services.exchange_item_create(
        organization=organization, values=payload.dict(exclude_none=True, exclude={"organization"})
    )
    return 201, _out(item)


@router.get(
    "/organizations/{slug}/matches",
    response={200: list[MatchOut], 404: Error},
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
    requester: str
    recipient: str
    message: str
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
    response={200: list[IntroductionOut], 401: Error},
    summary="Introductions sent and received by the organisations you speak for",
)
def list_introductions(request: HttpRequest) -> Any:
    mine = selectors.introductions_for(user=permissions.authenticated_user(request))
    return [_introduction_out(i) for i in (mine["received"] | mine["sent"]).distinct()[:500]]


@router.post(
    "/introductions",
    auth=WRITE_AUTH,
    response={201: IntroductionOut, 400: Error, 401: Error, 403: Error, 404: Error},
    summary="Ask an organisation for an introduction",
)
def request_introduction(request: HttpRequest, payload: IntroductionIn) -> tuple[int, Any]:
    user = permissions.authenticated_user(request)
    requester = permissions.access_organization(user, slug=payload.requester, for_acting=True)
    recipient = permissions.access_organization(user, slug=payload.recipient)
    item = ExchangeItem.objects.filter(pk=payload.item or 0, active=True).first()
    introduction = services.introduction_request(
        actor=user, requester=requester, recipient=recipient, message=payload.message, item=item
    )
    return 201, _introduction_out(introduction)


@router.post(
    "/introductions/{pk}/{action}",
    auth=WRITE_AUTH,
    response={200: IntroductionOut, 400: Error, 401: Error, 403: Error, 404: Error},
    summary="Accept or decline an introduction (the organisation asked)",
)
def answer_introduction(request: HttpRequest, pk: int, action: Literal["accept", "decline"]) -> Any:
    user = permissions.authenticated_user(request)
    introduction = Introduction.objects.select_related("requester", "recipient").filter(pk=pk)
    found = introduction.first()
    if found is None or not selectors.can_see_introduction(user, found):
        raise Http404
    if not permissions.can_act_for(user, found.recipient):
        raise PermissionDenied(_("Only the organisation asked answers"))
    services.introduction_answer(actor=user, introduction=found, accept=action == "accept")
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


@router.get(
    "/networks/{slug}/notices",
    response={200: list[NoticeOut], 404: Error},
    summary="A network's notice board: the notices not yet expired",
)
def list_notices(request: HttpRequest, slug: str, kind: str = "", q: str = "") -> Any:
    network = permissions.access_network(request.user, slug=slug)
    notices = selectors.notice_board(network_id=network.pk, kind=kind, q=q)[:500]
    fields = set(NoticeOut.model_fields) - {"network", "organization"}
    return [
        {name: getattr(n, name) for name in fields}
        | {"network": n.network.slug, "organization": n.organization.slug}
        for n in notices
    ]


class DealOut(Schema):
    id: int
    organization: str
    title: str
    description: str
    discount_percent: int
    audience: str
    network: str | None
    valid_until: dt.date | None
    redemptions: int


@router.get("/deals", response=list[DealOut], summary="Member deals on offer today")
def list_deals(request: HttpRequest, audience: str = "") -> Any:
    return [
        {
            "id": d.pk,
            "organization": d.organization.slug,
            "title": d.title,
            "description": d.description,
            "discount_percent": d.discount_percent,
            "audience": d.audience,
            "network": d.network.slug if d.network else None,
            "valid_until": d.valid_until,
            "redemptions": d.redemption_count,  # type: ignore[attr-defined]
        }
        for d in selectors.active_deals(audience=audience)[:500]
    ]
