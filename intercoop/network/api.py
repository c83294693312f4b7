"""Network API: relationships and their trust flow."""

import datetime as dt
import io
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from intercoop.core.api import WRITE_AUTH
from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT, CurrencyIn, MoneyIn, Text
from intercoop.core.errors import DomainError
from intercoop.core.pagination import api_page, page_schema
from intercoop.directory import permissions
from intercoop.directory.models import Organization
from intercoop.network import selectors, services
from intercoop.network.exporters import FORMATS
from intercoop.network.models import Relationship

router = Router(tags=["network"])


class RelationshipOut(Schema):
    id: int
    source: str
    target: str
    kind: str
    formality: str
    status: str
    started_on: dt.date | None
    ended_on: dt.date | None
    annual_value: int | None
    currency: str
    visibility: str
    claimed_by: str | None
    network: str | None
    notes: str


RelationshipPage = page_schema(RelationshipOut)


Slug = Text(SHORT_TEXT)


class RelationshipFilters(Schema):
    organization: Slug | None = None  # type: ignore[valid-type]
    network: Slug | None = None  # type: ignore[valid-type]
    kind: Slug | None = None  # type: ignore[valid-type]
    status: Slug | None = None  # type: ignore[valid-type]
    as_of: dt.date | None = None


class RelationshipIn(Schema):
    """A tie claimed `on_behalf_of` one of its sides, or recorded from a survey for
    `survey_network` by its coordinators (between two of its members)."""

    source: Text(SHORT_TEXT)  # type: ignore[valid-type]
    target: Text(SHORT_TEXT)  # type: ignore[valid-type]
    kind: Text(SHORT_TEXT)  # type: ignore[valid-type]
    on_behalf_of: Text(SHORT_TEXT) | None = None  # type: ignore[valid-type]
    survey_network: Text(SHORT_TEXT) | None = None  # type: ignore[valid-type]
    formality: Text(SHORT_TEXT) | None = None  # type: ignore[valid-type]
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    annual_value: MoneyIn | None = None
    currency: CurrencyIn | None = None
    notes: Text(LONG_TEXT) | None = None  # type: ignore[valid-type]
    visibility: Text(SHORT_TEXT) | None = None  # type: ignore[valid-type]


class Decision(Schema):
    by: Text(SHORT_TEXT)  # type: ignore[valid-type]
    reason: Text(LONG_TEXT) = ""  # type: ignore[valid-type]


def _out(tie: Relationship) -> dict[str, Any]:
    return {
        "id": tie.pk,
        "source": tie.source.slug,
        "target": tie.target.slug,
        "kind": tie.kind,
        "formality": tie.formality,
        "status": tie.status,
        "started_on": tie.started_on,
        "ended_on": tie.ended_on,
        "annual_value": tie.annual_value,
        "currency": tie.currency,
        "visibility": tie.visibility,
        "claimed_by": tie.claimed_by.slug if tie.claimed_by else None,
        "network": tie.network.slug if tie.network else None,
        "notes": tie.notes,
    }


def _organization(user: Any, slug: str) -> Organization:
    return permissions.access_organization(user, slug=slug)


def _visible_tie(request: HttpRequest, pk: int) -> Relationship:
    tie = selectors.relationships_visible(user=request.user).filter(pk=pk).first()
    if tie is None:
        raise Http404(_("No such relationship"))
    return tie


@router.get("/relationships", response=RelationshipPage, summary="Relationships you may see")
def list_relationships(
    request: HttpRequest, filters: Query[RelationshipFilters], page: int = 1, page_size: int = 50
) -> dict[str, Any]:
    ties = _filtered(request, filters).select_related("claimed_by", "network")
    return api_page(ties.order_by("pk"), page=page, page_size=page_size, out=_out)


def _filtered(request: HttpRequest, filters: RelationshipFilters) -> QuerySet[Relationship]:
    ties = selectors.relationships_visible(user=request.user)
    if filters.organization:
        organization = _organization(request.user, filters.organization)
        ties = ties.filter(source=organization) | ties.filter(target=organization)
    if filters.network:
        network = permissions.access_network(request.user, slug=filters.network)
        as_of = filters.as_of or dt.date.today()
        ties = selectors.relationships_of_network(ties, network=network, as_of=as_of)
    if filters.kind:
        ties = ties.filter(kind=filters.kind)
    if filters.status:
        ties = ties.filter(status=filters.status)
    if filters.as_of:
        ties = ties.filter(selectors.current_on(filters.as_of))
    return ties


@router.get("/relationships/export", summary="Relationships as CSV, GraphML, GEXF or Kumu JSON")
def export_relationships(
    request: HttpRequest,
    filters: Query[RelationshipFilters],
    format: Literal["csv", "graphml", "gexf", "kumu"] = "csv",
) -> HttpResponse:
    writer, content_type, extension = FORMATS[format]
    buffer = io.StringIO()
    writer(_filtered(request, filters).order_by("pk"), buffer)
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="relationships.{extension}"'
    return response


@router.post(
    "/relationships",
    auth=WRITE_AUTH,
    response={201: RelationshipOut},
)
def record_relationship(request: HttpRequest, payload: RelationshipIn) -> tuple[int, Any]:
    source = _organization(request.user, payload.source)
    target = _organization(request.user, payload.target)
    values = payload.dict(
        exclude_none=True, exclude={"source", "target", "on_behalf_of", "survey_network"}
    )
    if payload.survey_network:
        network = permissions.access_network(request.user, slug=payload.survey_network)
        tie = services.relationship_survey_record(
            actor=request.user, network=network, source=source, target=target, values=values
        )
    elif payload.on_behalf_of:
        side = _organization(request.user, payload.on_behalf_of)
        tie = services.relationship_claim(
            actor=request.user, source=source, target=target, values=values, on_behalf_of=side
        )
    else:
        raise DomainError(
            _("Say which side claims the tie, or the network whose survey records it"),
            field="on_behalf_of",
        )
    return 201, _out(tie)


def _decide(request: HttpRequest, pk: int, payload: Decision, *, confirm: bool) -> Any:
    tie = _visible_tie(request, pk)
    side = _organization(request.user, payload.by)
    if confirm:
        return _out(services.relationship_confirm(actor=request.user, relationship=tie, by=side))
    return _out(
        services.relationship_dispute(
            actor=request.user, relationship=tie, by=side, reason=payload.reason
        )
    )


@router.post(
    "/relationships/{pk}/confirm",
    auth=WRITE_AUTH,
    response=RelationshipOut,
)
def confirm_relationship(request: HttpRequest, pk: int, payload: Decision) -> Any:
    return _decide(request, pk, payload, confirm=True)


@router.post(
    "/relationships/{pk}/dispute",
    auth=WRITE_AUTH,
    response=RelationshipOut,
)
def dispute_relationship(request: HttpRequest, pk: int, payload: Decision) -> Any:
    return _decide(request, pk, payload, confirm=False)


@router.post(
    "/relationships/{pk}/withdraw",
    auth=WRITE_AUTH,
    response={204: None},
    summary="Withdraw a claim not yet confirmed, or a survey tie",
)
def withdraw_relationship(request: HttpRequest, pk: int) -> tuple[int, None]:
    services.relationship_withdraw(actor=request.user, relationship=_visible_tie(request, pk))
    return 204, None


@router.get("/networks/{slug}/graph", summary="A network's graph on a date, with metrics")
def network_graph(
    request: HttpRequest,
    slug: Slug,  # type: ignore[valid-type]
    as_of: dt.date | None = None,
) -> Any:
    network = permissions.access_network(request.user, slug=slug)
    return selectors.network_graph(
        network=network, as_of=as_of or dt.date.today(), user=request.user
    )


@router.get(
    "/organizations/{slug}/graph",
    summary="The directory around one organisation, within `depth` ties, with metrics",
)
def organization_graph(
    request: HttpRequest,
    slug: Slug,  # type: ignore[valid-type]
    as_of: dt.date | None = None,
    depth: int = 2,
) -> Any:
    organization = _organization(request.user, slug)
    return selectors.organization_graph(
        organization=organization,
        as_of=as_of or dt.date.today(),
        user=request.user,
        depth=max(1, min(depth, 4)),
    )
