"""Exchange API: offers, needs and challenges, and an organisation's matches."""

from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Schema

from intercoop.core import permissions
from intercoop.core.api import WRITE_AUTH
from intercoop.core.api import ErrorOut as Error
from intercoop.core.pagination import paginate
from intercoop.exchange import selectors, services
from intercoop.exchange.models import ExchangeItem

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
