"""Network API: relationships and their trust flow."""

import datetime as dt
import io
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from intercoop.core.api import WRITE_AUTH
from intercoop.core.api import ErrorOut as Error
from intercoop.core.pagination import paginate
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


class RelationshipPage(Schema):
    count: int
    count_exact: bool
    page: int
    pages: int
    results: list[RelationshipOut]


class RelationshipFilters(Schema):
    organization: str | None = None
    network: str | None = None
    kind: str | None = None
    status: str | None = None
    as_of: dt.date | None = None


class RelationshipIn(Schema):
    source: str
    target: str
    kind: str
    on_behalf_of: str | None = None
    survey_network: str | None = None
    formality: str | None = None
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    annual_value: int | None = None
    currency: str | None = None
    notes: str | None = None
    visibility: str | None = None


class Decision(Schema):
    by: str
    reason: str = ""


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
    paged = paginate(ties.order_by("pk"), page=page, page_size=max(1, min(page_size, 200)))
    return {
        "count": paged.count,
        "count_exact": paged.count_exact,
        "page": paged.page.number,
        "pages": paged.pages,
        "results": [_out(tie) for tie in paged.page.object_list],
    }


def _filtered(request: HttpRequest, filters: RelationshipFilters) -> QuerySet[Relationship]:
    ties = selectors.relationships_visible(user=request.user)
    if filters.organization:
        organization = _organization(request.user, filters.organization)
        ties = ties.filter(source=organization) | ties.filter(target=organization)
    if filters.network:
        network = permissions.access_network(request.user, slug=filters.network)
        as_of = filters.as_of or dt.date.today()
        members = selectors.network_member_ids(network=network, as_of=as_of)
        ties = ties.filter(source_id__in=members, target_id__in=members)
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
    response={201: RelationshipOut, 400: Error, 401: Error, 403: Error, 404: Error},
)
def record_relationship(request: HttpRequest, payload: RelationshipIn) -> tuple[int, Any]:
    user = permissions.authenticated_user(request)
    source = _organization(user, payload.source)
    target = _organization(user, payload.target)
    values = payload.dict(
        exclude_none=True, exclude={"source", "target", "on_behalf_of", "survey_network"}
    )
    if payload.survey_network:
        network = permissions.access_network(user, slug=payload.survey_network)
        if not permissions.can_record_survey(user, network):
            raise PermissionDenied(_("Only the network's coordinators record survey ties"))
        tie = services.relationship_record(
            actor=user, source=source, target=target, values=values, survey_network=network
        )
    else:
        side = permissions.access_organization(
            user, slug=payload.on_behalf_of or "", for_acting=True
        )
        tie = services.relationship_record(
            actor=user, source=source, target=target, values=values, on_behalf_of=side
        )
    return 201, _out(tie)


def _decide(request: HttpRequest, pk: int, payload: Decision, *, confirm: bool) -> Any:
    user = permissions.authenticated_user(request)
    tie = _visible_tie(request, pk)
    side = permissions.access_organization(user, slug=payload.by, for_acting=True)
    if confirm:
        return _out(services.relationship_confirm(relationship=tie, by=side))
    return _out(services.relationship_dispute(relationship=tie, by=side, reason=payload.reason))


@router.post(
    "/relationships/{pk}/confirm",
    auth=WRITE_AUTH,
    response={200: RelationshipOut, 400: Error, 401: Error, 403: Error, 404: Error},
)
def confirm_relationship(request: HttpRequest, pk: int, payload: Decision) -> Any:
    return _decide(request, pk, payload, confirm=True)


@router.post(
    "/relationships/{pk}/dispute",
    auth=WRITE_AUTH,
    response={200: RelationshipOut, 400: Error, 401: Error, 403: Error, 404: Error},
)
def dispute_relationship(request: HttpRequest, pk: int, payload: Decision) -> Any:
    return _decide(request, pk, payload, confirm=False)


@router.get("/networks/{slug}/graph", summary="A network's graph on a date, with metrics")
def network_graph(request: HttpRequest, slug: str, as_of: dt.date | None = None) -> Any:
    network = permissions.access_network(request.user, slug=slug)
    return selectors.network_graph(
        network=network, as_of=as_of or dt.date.today(), user=request.user
    )


@router.get(
    "/organizations/{slug}/graph",
    summary="The directory around one organisation, within `depth` ties, with metrics",
)
def organization_graph(
    request: HttpRequest, slug: str, as_of: dt.date | None = None, depth: int = 2
) -> Any:
    organization = _organization(request.user, slug)
    return selectors.organization_graph(
        organization=organization,
        as_of=as_of or dt.date.today(),
        user=request.user,
        depth=max(1, min(depth, 4)),
    )
