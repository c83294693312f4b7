"""Directory API: handlers parse, check access, call a service or selector, shape output."""

import datetime as dt
import io
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field as PydanticField

from intercoop.core.api import WRITE_AUTH
from intercoop.core.api import ErrorOut as Error
from intercoop.core.bounds import CurrencyIn, MoneyIn, Text
from intercoop.core.pagination import COUNT_LIMIT, api_page, page_schema
from intercoop.directory import permissions, services, vocab
from intercoop.directory.exporters import FORMATS
from intercoop.directory.exporters.values import absolute_url, organization_values
from intercoop.directory.fields import (
    MAX_COUNT,
    MAX_LANGUAGES,
    MAX_TAG,
    MAX_TAGS,
    TEXT_LENGTHS,
)
from intercoop.directory.models import Organization
from intercoop.directory.selectors import (
    network_list,
    organization_map,
    organization_search,
    organization_suggestions,
    parse_filters,
    place_search,
)

router = Router(tags=["directory"])


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


# Schema types: strings bounded as their columns (fields.TEXT_LENGTHS), counts, money,
# ISO 4217 codes and coordinates in range. Text(n) is a pydantic type mypy cannot read.
Short = Text(TEXT_LENGTHS["name"])
Slug = Text(TEXT_LENGTHS["slug"])
Long = Text(TEXT_LENGTHS["description"])
Label = Text(TEXT_LENGTHS["legal_form"])  # legal form, registrar, locality, region
Number = Text(TEXT_LENGTHS["registration_number"])  # registration number, phone
Street = Text(TEXT_LENGTHS["street"])
Postcode = Text(TEXT_LENGTHS["postcode"])
Website = Text(TEXT_LENGTHS["website"])
Email = Text(TEXT_LENGTHS["email"])
Country = Text(2)
Code = Text(100)
Count = Annotated[int, PydanticField(ge=0, le=MAX_COUNT)]
Latitude = Annotated[float, PydanticField(ge=-90, le=90)]
Longitude = Annotated[float, PydanticField(ge=-180, le=180)]
Codes = Annotated[list[Code], PydanticField(max_length=100)]  # type: ignore[valid-type]
Language = Text(3)
Tag = Text(MAX_TAG)
Languages = Annotated[list[Language], PydanticField(max_length=MAX_LANGUAGES)]  # type: ignore[valid-type]
Tags = Annotated[list[Tag], PydanticField(max_length=MAX_TAGS)]  # type: ignore[valid-type]


class OrganizationIn(Schema):
    """An organisation's values, each bounded here (422 naming the field) and checked
    again by the one cleaner, fields.clean_organization (400 naming the field)."""

    name: Short  # type: ignore[valid-type]
    slug: Slug | None = None  # type: ignore[valid-type]
    external_id: Short | None = None  # type: ignore[valid-type]
    description: Long | None = None  # type: ignore[valid-type]
    is_cooperative: bool | None = None
    organisational_structure: Code | None = None  # type: ignore[valid-type]
    base_membership_type: Code | None = None  # type: ignore[valid-type]
    primary_activity: Code | None = None  # type: ignore[valid-type]
    other_activities: Codes | None = None
    legal_form: Label | None = None  # type: ignore[valid-type]
    registrar: Label | None = None  # type: ignore[valid-type]
    registration_number: Number | None = None  # type: ignore[valid-type]
    founded_on: dt.date | None = None
    dissolved_on: dt.date | None = None
    status: Literal["active", "forming", "dissolved"] | None = None
    number_of_members: Count | None = None
    employees: Count | None = None
    turnover: MoneyIn | None = None
    turnover_currency: CurrencyIn | None = None
    website: Website | None = None  # type: ignore[valid-type]
    website_public: bool | None = None
    email: Email | None = None  # type: ignore[valid-type]
    email_public: bool | None = None
    phone: Number | None = None  # type: ignore[valid-type]
    phone_public: bool | None = None
    street: Street | None = None  # type: ignore[valid-type]
    locality: Label | None = None  # type: ignore[valid-type]
    region: Label | None = None  # type: ignore[valid-type]
    postcode: Postcode | None = None  # type: ignore[valid-type]
    country: Country | None = None  # type: ignore[valid-type]
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    languages: Languages | None = None
    tags: Tags | None = None


class OrganizationPatch(OrganizationIn):
    name: Short | None = None  # type: ignore[valid-type]


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


@router.get("/organizations", response=page_schema(OrganizationOut), summary="Search organisations")
def list_organizations(
    request: HttpRequest,
    filters: Query[FilterParams],
    page: int = 1,
    page_size: int = 20,
) -> dict[str, Any]:
    private_ids = permissions.private_field_organization_ids(request.user)
    return api_page(
        organization_search(filters=_filters(filters)),
        page=page,
        page_size=page_size,
        out=lambda organization: _out(organization, private_ids),
        count_limit=COUNT_LIMIT,
    )


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
    organization = services.organization_create(
        actor=request.user, values=payload.dict(exclude_none=True)
    )
    return 201, _out(organization, None)


@router.patch(
    "/organizations/{slug}",
    auth=WRITE_AUTH,
    response={200: OrganizationOut, 400: Error, 401: Error, 403: Error, 404: Error},
)
def update_organization(request: HttpRequest, slug: str, payload: OrganizationPatch) -> Any:
    organization = permissions.access_organization(request.user, slug=slug)
    values = payload.dict(exclude_unset=True)
    organization = services.organization_update(
        actor=request.user, organization=organization, values=values
    )
    return _out(organization, None)


@router.post(
    "/organizations/{slug}/review",
    auth=WRITE_AUTH,
    response={200: OrganizationOut, 400: Error, 401: Error, 403: Error, 404: Error},
)
def review_organization(request: HttpRequest, slug: str, payload: Review) -> Any:
    organization = permissions.access_organization(request.user, slug=slug)
    organization = services.organization_review(
        actor=request.user,
        organization=organization,
        approve=payload.approve,
    )
    return _out(organization, None)


@router.get("/map", summary="Map viewport as GeoJSON (clustered when zoomed out)")
def map_viewport(
    request: HttpRequest, filters: Query[FilterParams], zoom: int = 5
) -> dict[str, Any]:
    return organization_map(filters=_filters(filters), zoom=max(0, min(zoom, 20)))


SearchText = Text(100)


class SuggestionOut(Schema):
    slug: str
    name: str
    locality: str
    country: str


class SuggestionsOut(Schema):
    results: list[SuggestionOut]
    more: bool


@router.get(
    "/suggest/organizations",
    response=SuggestionsOut,
    url_name="suggest_organizations",
    summary="Organisations to choose in a form (autocomplete), by name and place",
)
def suggest_organizations(
    request: HttpRequest,
    q: SearchText = "",  # type: ignore[valid-type]
    network: Slug = "",  # type: ignore[valid-type]
) -> dict[str, Any]:
    results, more = organization_suggestions(user=request.user, q=q, network=network)
    return {"results": results, "more": more}


class PlaceOut(Schema):
    name: str
    region: str
    country: str
    country_name: str
    latitude: float
    longitude: float
    population: int | None
    organizations: int
    source: Literal["directory", "geonames"]


@router.get(
    "/places",
    response=list[PlaceOut],
    url_name="places",
    summary="Places for the map: the directory's localities and an offline gazetteer",
)
def places(request: HttpRequest, q: SearchText = "") -> list[dict[str, Any]]:  # type: ignore[valid-type]
    return place_search(q=q)


@router.get("/vocabularies", summary="ESSGlobal code lists with labels")
def vocabularies(request: HttpRequest) -> dict[str, list[dict[str, str]]]:
    return {
        scheme: [
            {"code": code, "label": vocab.label(scheme, code), "uri": vocab.uri(scheme, code)}
            for code in vocab.codes(scheme)
        ]
        for scheme in vocab.SCHEMES
    }


@router.get("/networks", response=page_schema(NetworkOut), summary="Networks, by name")
def networks(request: HttpRequest, page: int = 1, page_size: int = 50) -> dict[str, Any]:
    return api_page(network_list().order_by("name", "pk"), page=page, page_size=page_size)
