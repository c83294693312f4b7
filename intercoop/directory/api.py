"""Directory API: handlers parse, check access, call a service or selector, shape output."""

import datetime as dt
import io
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from intercoop.core.api import WRITE_AUTH
from intercoop.core.api import ErrorOut as Error
from intercoop.core.pagination import paginate
from intercoop.directory import permissions, services, vocab
from intercoop.directory.exporters import FORMATS
from intercoop.directory.exporters.values import absolute_url, organization_values
from intercoop.directory.models import Organization
from intercoop.directory.selectors import (
    network_list,
    organization_map,
    organization_search,
    parse_filters,
)

router = Router(tags=["directory"])
MAX_PAGE_SIZE = 100


class FilterParams(Schema):
    q: str | None = None
    structure: str | None = None
    activity: str | None = None
    membership_type: str | None = None
    country: str | None = None
    network: str | None = None
    is_cooperative: bool | None = None
    near: str | None = None
    radius_km: float | None = None
    bbox: str | None = None


class OrganizationOut(Schema):
    slug: str
    url: str
    approval: str
    external_id: str
    name: str
    description: str
    is_cooperative: bool
    organisational_structure: str
    base_membership_type: str
    primary_activity: str
    other_activities: list[str]
    legal_form: str
    registrar: str
    registration_number: str
    founded_on: dt.date | None
    dissolved_on: dt.date | None
    status: str
    number_of_members: int | None
    employees: int | None
    turnover: int | None
    turnover_currency: str
    website: str
    email: str
    phone: str
    street: str
    locality: str
    region: str
    postcode: str
    country: str
    latitude: float | None
    longitude: float | None
    languages: list[str]
    tags: list[str]
    distance_km: float | None = None


class OrganizationPage(Schema):
    count: int
    count_exact: bool
    page: int
    pages: int
    page_size: int
    results: list[OrganizationOut]


class OrganizationIn(Schema):
    name: str
    slug: str | None = None
    external_id: str | None = None
    description: str | None = None
    is_cooperative: bool | None = None
    organisational_structure: str | None = None
    base_membership_type: str | None = None
    primary_activity: str | None = None
    other_activities: list[str] | None = None
    legal_form: str | None = None
    registrar: str | None = None
    registration_number: str | None = None
    founded_on: dt.date | None = None
    dissolved_on: dt.date | None = None
    status: Literal["active", "forming", "dissolved"] | None = None
    number_of_members: int | None = None
    employees: int | None = None
    turnover: int | None = None
    turnover_currency: str | None = None
    website: str | None = None
    website_public: bool | None = None
    email: str | None = None
    email_public: bool | None = None
    phone: str | None = None
    phone_public: bool | None = None
    street: str | None = None
    locality: str | None = None
    region: str | None = None
    postcode: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    languages: list[str] | None = None
    tags: list[str] | None = None


class OrganizationPatch(OrganizationIn):
    name: str | None = None  # type: ignore[assignment]


class Review(Schema):
    approve: bool


class NetworkOut(Schema):
    slug: str
    name: str
    kind: str
    description: str
    member_count: int


def _out(organization: Organization, private_ids: set[int] | None) -> dict[str, Any]:
    values = organization_values(organization, private_ids)
    values["other_activities"] = organization.other_activity_codes
    return values | {
        "slug": organization.slug,
        "url": absolute_url(organization),
        "approval": organization.approval,
        "distance_km": getattr(organization, "distance_km", None),
    }


def _filters(params: FilterParams) -> Any:
    return parse_filters(params.dict(exclude_none=True))


@router.get("/organizations", response=OrganizationPage, summary="Search organisations")
def list_organizations(
    request: HttpRequest,
    filters: Query[FilterParams],
    page: int = 1,
    page_size: int = 20,
) -> dict[str, Any]:
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    paged = paginate(organization_search(filters=_filters(filters)), page=page, page_size=page_size)
    private_ids = permissions.private_field_organization_ids(request.user)
    return {
        "count": paged.count,
        "count_exact": paged.count_exact,
        "page": paged.page.number,
        "pages": paged.pages,
        "page_size": page_size,
        "results": [_out(o, private_ids) for o in paged.page.object_list],
    }


@router.get("/organizations/export", summary="Export organisations as a file")
def export_organizations(
    request: HttpRequest,
    filters: Query[FilterParams],
    format: Literal["csv", "geojson", "jsonld", "murmurations"] = "csv",
) -> HttpResponse:
    writer, content_type, extension = FORMATS[format]
    buffer = io.StringIO()
    writer(
        organization_search(filters=_filters(filters)).iterator(chunk_size=2000),
        buffer,
        permissions.private_field_organization_ids(request.user),
    )
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="organisations.{extension}"'
    return response


@router.get("/organizations/{slug}", response={200: OrganizationOut, 404: Error})
def get_organization(request: HttpRequest, slug: str) -> dict[str, Any]:
    organization = permissions.access_organization(request.user, slug=slug)
    return _out(organization, permissions.private_field_organization_ids(request.user))


@router.post(
    "/organizations",
    auth=WRITE_AUTH,
    response={201: OrganizationOut, 400: Error, 401: Error, 403: Error},
)
def create_organization(request: HttpRequest, payload: OrganizationIn) -> tuple[int, Any]:
    if not permissions.can_create_organization(request.user):
        raise PermissionDenied
    trusted = permissions.is_staff(request.user) or permissions.is_coordinator(request.user)
    organization = services.organization_create(
        actor=permissions.authenticated_user(request),
        values=payload.dict(exclude_none=True),
        approval=Organization.Approval.APPROVED if trusted else Organization.Approval.PENDING,
        make_actor_admin=not trusted,
    )
    return 201, _out(organization, None)


@router.patch(
    "/organizations/{slug}",
    auth=WRITE_AUTH,
    response={200: OrganizationOut, 400: Error, 401: Error, 403: Error, 404: Error},
)
def update_organization(request: HttpRequest, slug: str, payload: OrganizationPatch) -> Any:
    organization = permissions.access_organization(request.user, slug=slug, for_edit=True)
    values = payload.dict(exclude_unset=True)
    organization = services.organization_update(
        actor=permissions.authenticated_user(request), organization=organization, values=values
    )
    return _out(organization, None)


@router.post(
    "/organizations/{slug}/review",
    auth=WRITE_AUTH,
    response={200: OrganizationOut, 400: Error, 401: Error, 403: Error, 404: Error},
)
def review_organization(request: HttpRequest, slug: str, payload: Review) -> Any:
    organization = permissions.access_organization(request.user, slug=slug)
    if not permissions.can_review_organization(request.user, organization):
        raise PermissionDenied(_("Only a coordinator may review organisations"))
    organization = services.organization_review(
        actor=permissions.authenticated_user(request),
        organization=organization,
        approve=payload.approve,
    )
    return _out(organization, None)


@router.get("/map", summary="Map viewport as GeoJSON (clustered when zoomed out)")
def map_viewport(
    request: HttpRequest, filters: Query[FilterParams], zoom: int = 5
) -> dict[str, Any]:
    return organization_map(filters=_filters(filters), zoom=max(0, min(zoom, 20)))


@router.get("/vocabularies", summary="ESSGlobal code lists with labels")
def vocabularies(request: HttpRequest) -> dict[str, list[dict[str, str]]]:
    return {
        scheme: [
            {"code": code, "label": vocab.label(scheme, code), "uri": vocab.uri(scheme, code)}
            for code in vocab.codes(scheme)
        ]
        for scheme in vocab.SCHEMES
    }


@router.get("/networks", response=list[NetworkOut])
def networks(request: HttpRequest) -> Any:
    return list(network_list())
