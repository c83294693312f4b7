"""Reads of the directory: search with filters, geography and the map's clusters."""

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import ASin, Concat, Cos, Power, Radians, Sin, Sqrt
from django.utils.translation import gettext as _
from django_countries import countries

from intercoop.core.errors import DomainError
from intercoop.core.geo import EARTH_RADIUS_KM
from intercoop.directory.fields import FIELDS, FieldError
from intercoop.directory.models import (
    Network,
    NetworkMembership,
    NetworkRole,
    Organization,
    OrganizationRole,
)
from intercoop.directory.permissions import (
    acting_organizations,
    coordinated_network_ids,
    is_staff,
    organization_roles,
)
from intercoop.directory.places import city_search

MAX_RADIUS_KM = 20000.0
# Above this many organisations in the viewport the map gets clusters, not points.
MAP_MAX_POINTS = 800
MAP_CELLS_PER_TILE = 2  # cluster grid: about 128 screen pixels a cell
MAP_CACHED_MAX_ZOOM = 9  # unfiltered views up to this zoom use the cached world grid
MAP_CACHE_SECONDS = 300


@dataclass(frozen=True)
class OrganizationFilters:
    q: str = ""
    structure: str = ""
    activity: str = ""
    membership_type: str = ""
    country: str = ""
    network: str = ""
    is_cooperative: bool | None = None
    near: tuple[float, float] | None = None
    radius_km: float = 25.0
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north

    def is_empty(self) -> bool:
        return self == OrganizationFilters()


def _floats(text: str, count: int, field: str) -> list[float]:
    try:
        numbers = [float(part) for part in text.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) != count or not all(map(math.isfinite, numbers)):
        raise DomainError(_("expects %(n)d comma-separated numbers") % {"n": count}, field=field)
    return numbers


def parse_filters(params: Mapping[str, Any]) -> OrganizationFilters:
    """Filters from query parameters (page and API share them). Bad values raise a
    DomainError naming the parameter."""

    def text(name: str) -> str:
        value = params.get(name)
        return "" if value is None else str(value).strip()

    def checked(name: str, field: str) -> str:
        """The parameter checked by the rule of the organisation field it filters on."""
        try:
            value: str = FIELDS[field](text(name))
        except FieldError as error:
            raise DomainError(str(error), field=name) from None
        return value

    near = None
    if value := text("near"):
        lat, lon = _floats(value, 2, "near")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise DomainError(_("latitude or longitude out of range"), field="near")
        near = (lat, lon)
    radius = 25.0
    if value := text("radius_km"):
        (radius,) = _floats(value, 1, "radius_km")
        if not 0 < radius <= MAX_RADIUS_KM:
            raise DomainError(
                _("must be between 0 and %(max)g") % {"max": MAX_RADIUS_KM}, field="radius_km"
            )
    bbox = None
    if value := text("bbox"):
        west, south, east, north = _floats(value, 4, "bbox")
        if not (-90 <= south <= north <= 90):
            raise DomainError(_("expects west,south,east,north"), field="bbox")
        bbox = (max(west, -180.0), south, min(east, 180.0), north)
    cooperative = {"": None, "true": True, "1": True, "false": False, "0": False}.get(
        text("is_cooperative").lower()
    )
    return OrganizationFilters(
        q=text("q")[:200],
        structure=checked("structure", "organisational_structure"),
        activity=checked("activity", "primary_activity"),
        membership_type=checked("membership_type", "base_membership_type"),
        country=checked("country", "country"),
        network=text("network"),
        is_cooperative=cooperative,
        near=near,
        radius_km=radius,
        bbox=bbox,
    )


def _full_text(queryset: QuerySet[Organization], q: str) -> QuerySet[Organization]:
    """FTS5 on SQLite, tsvector on PostgreSQL; every word must match (as a prefix)."""
    words = re.findall(r"\w+", q.lower())
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        return queryset.extra(
            where=["search_vector @@ to_tsquery('simple', %s)"],
            params=[" & ".join(f"{word}:*" for word in words)],
        )
    match = " ".join(f'"{word}"*' for word in words)
    return queryset.filter(
        pk__in=RawSQL(
            "SELECT rowid FROM directory_organization_fts"
            " WHERE directory_organization_fts MATCH %s",
            [match],
        )
    )


def _within_km(
    queryset: QuerySet[Organization], lat: float, lon: float, radius_km: float
) -> QuerySet[Organization]:
    """A bounding box the indexes can use, then the exact great-circle distance."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    queryset = queryset.filter(
        latitude__range=(lat - dlat, lat + dlat),
        longitude__range=(lon - dlon, lon + dlon),
    )
    half_chord = Power(Sin((Radians(F("latitude")) - math.radians(lat)) / 2), 2) + Cos(
        math.radians(lat)
    ) * Cos(Radians(F("latitude"))) * Power(
        Sin((Radians(F("longitude")) - math.radians(lon)) / 2), 2
    )
    return queryset.annotate(
        distance_km=2 * EARTH_RADIUS_KM * ASin(Sqrt(half_chord, output_field=FloatField()))
    ).filter(distance_km__lte=radius_km)


def organization_search(*, filters: OrganizationFilters) -> QuerySet[Organization]:
    """Approved organisations matching the filters; nearest first with `near`, else by name."""
    queryset = Organization.objects.filter(approval=Organization.Approval.APPROVED)
    if filters.q:
        queryset = _full_text(queryset, filters.q)
    if filters.structure:
        queryset = queryset.filter(organisational_structure=filters.structure)
    if filters.activity:
        # other_activities holds space-separated codes: pad it so that LIKE (native on both
        # databases, unlike REGEXP on SQLite) matches whole codes only.
        queryset = queryset.alias(
            padded_activities=Concat(Value(" "), F("other_activities"), Value(" "))
        ).filter(
            Q(primary_activity=filters.activity)
            | Q(padded_activities__contains=f" {filters.activity} ")
        )
    if filters.membership_type:
        queryset = queryset.filter(base_membership_type=filters.membership_type)
    if filters.country:
        queryset = queryset.filter(country=filters.country)
    if filters.is_cooperative is not None:
        queryset = queryset.filter(is_cooperative=filters.is_cooperative)
    if filters.network:
        queryset = queryset.filter(
            pk__in=NetworkMembership.objects.filter(
                network__slug=filters.network, status=NetworkMembership.Status.MEMBER
            ).values("organization_id")
        )
    if filters.bbox:
        west, south, east, north = filters.bbox
        queryset = queryset.filter(latitude__range=(south, north), longitude__range=(west, east))
    if filters.near:
        return _within_km(queryset, *filters.near, filters.radius_km).order_by("distance_km")
    return queryset.order_by("name", "pk")


class GridCell(Func):
    """The index of the grid cell (of `cell` degrees) a coordinate falls in, computed by
    the database itself (Django's Floor is a Python function on SQLite: too slow here)."""

    output_field = IntegerField()
    template = "FLOOR(%(expressions)s)"

    def __init__(self, expression: Any, *, offset: float, cell: float) -> None:
        super().__init__((expression + offset) / cell)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # The offset keeps the value positive, where CAST truncates like FLOOR.
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS INTEGER)")


def _grid_cells(queryset: QuerySet[Organization], zoom: int) -> list[dict[str, Any]]:
    """Count and mean position of the organisations in each cell of the zoom's grid."""
    cell = 360.0 / (2 ** max(zoom, 0)) / MAP_CELLS_PER_TILE
    return list(
        queryset.order_by()
        .annotate(
            gx=GridCell(F("longitude"), offset=180.0, cell=cell),
            gy=GridCell(F("latitude"), offset=90.0, cell=cell),
        )
        .values("gx", "gy")
        .annotate(n=Count("pk"), lat=Avg("latitude"), lon=Avg("longitude"))
    )


def _located(filters: OrganizationFilters) -> QuerySet[Organization]:
    return organization_search(filters=filters).filter(
        latitude__isnull=False, longitude__isnull=False
    )


def _world_cells(zoom: int) -> list[dict[str, Any]]:
    """The grid cells of every approved organisation at a low zoom, cached per process
    until an organisation changes (services set updated_at on every write) and for at
    most MAP_CACHE_SECONDS. The unfiltered, zoomed-out map is the most viewed and the most
    costly to count: every organisation is in view."""
    stamp = Organization.objects.aggregate(latest=Max("updated_at"))["latest"]
    key = f"intercoop:map-cells:{zoom}:{stamp.timestamp() if stamp else 0}"
    cells: list[dict[str, Any]] | None = cache.get(key)
    if cells is None:
        cells = _grid_cells(_located(OrganizationFilters()), zoom)
        cache.set(key, cells, MAP_CACHE_SECONDS)
    return cells


def _cells_in(cells: list[dict[str, Any]], bbox: tuple[float, ...], zoom: int) -> list[dict]:
    cell = 360.0 / (2 ** max(zoom, 0)) / MAP_CELLS_PER_TILE
    west, south, east, north = bbox
    gx_range = (math.floor((west + 180) / cell), math.floor((east + 180) / cell))
    gy_range = (math.floor((south + 90) / cell), math.floor((north + 90) / cell))
    return [
        c
        for c in cells
        if gx_range[0] <= c["gx"] <= gx_range[1] and gy_range[0] <= c["gy"] <= gy_range[1]
    ]


def organization_map(*, filters: OrganizationFilters, zoom: int) -> dict[str, Any]:
    """GeoJSON for a map viewport: the organisations themselves when few enough, else
    clusters on a grid of about 128 screen pixels (count and mean position per cell)."""
    if zoom <= MAP_CACHED_MAX_ZOOM and replace(filters, bbox=None).is_empty():
        cells = _world_cells(zoom)
        if filters.bbox:
            cells = _cells_in(cells, filters.bbox, zoom)
    else:
        cells = _grid_cells(_located(filters), zoom)
    total = sum(c["n"] for c in cells)
    if total <= MAP_MAX_POINTS or zoom >= 17:
        rows = (
            _located(filters)
            .order_by("pk")
            .values_list(
                "slug", "name", "latitude", "longitude", "organisational_structure", "locality"
            )[: MAP_MAX_POINTS * 2]
        )
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"slug": slug, "name": name, "structure": os, "locality": locality},
            }
            for slug, name, lat, lon, os, locality in rows
        ]
        return {
            "type": "FeatureCollection",
            "total": len(features),
            "clustered": False,
            "features": features,
        }
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(c["lon"], 5), round(c["lat"], 5)]},
            "properties": {"count": c["n"]},
        }
        for c in cells
    ]
    return {"type": "FeatureCollection", "total": total, "clustered": True, "features": features}


def organization_networks(*, organization: Organization) -> QuerySet[NetworkMembership]:
    return organization.network_memberships.select_related("network").exclude(
        status=NetworkMembership.Status.LEFT
    )


def organization_people(*, organization: Organization) -> QuerySet[OrganizationRole]:
    return organization.roles.select_related("user").order_by("role", "user__username")


def network_members(*, network: Network) -> QuerySet[Organization]:
    """The organisations that are members of `network` today, by name."""
    return Organization.objects.filter(
        network_memberships__network=network,
        network_memberships__status=NetworkMembership.Status.MEMBER,
    ).order_by("name")


def network_members_acting_for(*, user: Any, network: Network) -> QuerySet[Organization]:
    """The network's member organisations that the user speaks for (posts, orders for)."""
    return network_members(network=network).filter(pk__in=acting_organizations(user))


def network_applicants(*, network: Network) -> QuerySet[NetworkMembership]:
    return network.memberships.filter(status=NetworkMembership.Status.APPLICANT).select_related(
        "organization"
    )


def networks_open_to(*, organization: Organization) -> QuerySet[Network]:
    """Networks the organisation is neither a member of nor applying to."""
    return Network.objects.exclude(
        memberships__organization=organization,
        memberships__status__in=[
            NetworkMembership.Status.MEMBER,
            NetworkMembership.Status.APPLICANT,
        ],
    )


def network_list() -> QuerySet[Network]:
    return Network.objects.annotate(
        member_count=Count(
            "memberships", filter=Q(memberships__status=NetworkMembership.Status.MEMBER)
        )
    )


def directory_counts() -> dict[str, int]:
    approved = Organization.objects.filter(approval=Organization.Approval.APPROVED)
    counts = approved.aggregate(
        organizations=Count("pk"),
        cooperatives=Count("pk", filter=Q(is_cooperative=True)),
        countries=Count("country", distinct=True),
    )
    counts["networks"] = Network.objects.count()
    return counts


def organizations_pending_review(*, user: Any) -> QuerySet[Organization]:
    pending = Organization.objects.filter(approval=Organization.Approval.PENDING)
    if is_staff(user):
        return pending
    networks = coordinated_network_ids(user)
    if not networks:
        return pending.none()
    return pending.filter(
        Q(network_memberships__network_id__in=networks) | Q(network_memberships__isnull=True)
    ).distinct()


class OrganizationFinder:
    """Finds an organisation by slug, external identifier or exact name, among all of them
    (loaded once, for imports) or, with `text`, among the few that could match."""

    def __init__(self, *, text: str | None = None) -> None:
        organizations = Organization.objects.all()
        if text is not None:
            text = text.strip()
            organizations = organizations.filter(Q(slug=text) | Q(external_id=text) | Q(name=text))
        rows = organizations.values_list("pk", "slug", "external_id", "name")
        self.by_slug = {slug: pk for pk, slug, _e, _n in rows}
        self.by_external = {ext: pk for pk, _s, ext, _n in rows if ext}
        self.by_name: dict[str, list[int]] = {}
        for pk, _s, _e, name in rows:
            self.by_name.setdefault(name, []).append(pk)

    def find(self, text: str) -> int:
        text = text.strip()
        if not text:
            raise FieldError(_("is required"))
        if pk := self.by_slug.get(text) or self.by_external.get(text):
            return pk
        named = self.by_name.get(text, [])
        if len(named) == 1:
            return named[0]
        if named:
            raise FieldError(
                _("%(value)r names %(n)d organisations: use the slug")
                % {"value": text, "n": len(named)}
            )
        raise FieldError(
            _("no organisation has the slug, identifier or name %(value)r") % {"value": text}
        )


SUGGESTION_LIMIT = 10


def organization_suggestions(
    *, user: Any, q: str, network: str = "", limit: int = SUGGESTION_LIMIT
) -> tuple[list[dict[str, Any]], bool]:
    """Organisations a form may choose, for the autocomplete: those the user may see
    (approved ones, and pending ones the user has a role in) whose name, place, tags or
    slug match `q`; the exact slug first, then names starting with `q`. Returns at most
    `limit` rows (slug, name, locality, country) and whether there are more."""
    q = q.strip()[:100]
    if not re.search(r"\w", q):
        return [], False
    visible = Q(approval=Organization.Approval.APPROVED)
    if own := list(organization_roles(user)):
        visible |= Q(pk__in=own)
    queryset = Organization.objects.filter(visible)
    if network:
        queryset = queryset.filter(
            pk__in=NetworkMembership.objects.filter(
                network__slug=network, status=NetworkMembership.Status.MEMBER
            ).values("organization_id")
        )
    fields = ("slug", "name", "locality", "country")
    rows = list(queryset.filter(slug=q.lower()).values(*fields))
    matching = _full_text(queryset.exclude(slug=q.lower()), q).alias(
        starts=Case(When(name__istartswith=q, then=Value(0)), default=Value(1))
    )
    rows += matching.order_by("starts", "name", "pk").values(*fields)[: limit + 1 - len(rows)]
    return rows[:limit], len(rows) > limit


def place_search(*, q: str, limit: int = SUGGESTION_LIMIT) -> list[dict[str, Any]]:
    """Places for the map's search box, from the directory's own localities (with the mean
    position of their approved organisations) and the offline gazetteer; never a remote
    geocoder. Directory places come first: they are where the organisations are."""
    q = q.strip()[:100]
    if not q:
        return []
    localities = (
        Organization.objects.filter(
            approval=Organization.Approval.APPROVED,
            latitude__isnull=False,
            longitude__isnull=False,
            locality__istartswith=q,
        )
        .values("locality", "region", "country")
        .annotate(n=Count("pk"), lat=Avg("latitude"), lon=Avg("longitude"))
        .order_by("-n", "locality")[:limit]
    )
    found = [
        {
            "name": row["locality"],
            "region": row["region"],
            "country": row["country"],
            "country_name": str(countries.name(row["country"])),
            "latitude": round(row["lat"], 5),
            "longitude": round(row["lon"], 5),
            "population": None,
            "organizations": row["n"],
            "source": "directory",
        }
        for row in localities
    ]
    seen = {(place["name"].casefold(), place["country"]) for place in found}
    for city in city_search(q, limit=limit):
        if (city.name.casefold(), city.country) in seen:
            continue
        found.append(
            {
                "name": city.name,
                "region": "",
                "country": city.country,
                "country_name": str(countries.name(city.country)),
                "latitude": city.latitude,
                "longitude": city.longitude,
                "population": city.population,
                "organizations": 0,
                "source": "geonames",
            }
        )
    return found[:limit]


SPEAKING_ROLES = (OrganizationRole.Role.ADMIN, OrganizationRole.Role.EDITOR)


def speakers_of(organization_ids: Any, *, roles: Iterable[str] = SPEAKING_ROLES) -> QuerySet[Any]:
    """The active people who speak for any of the organisations (their admins and
    editors, or only `roles`): whom notifications about an organisation's business go to."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            organization_roles__organization_id__in=organization_ids,
            organization_roles__role__in=list(roles),
        )
        .distinct()
    )


def coordinators_of(network_ids: Any) -> QuerySet[Any]:
    """The coordinators of any of the networks."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            network_roles__network_id__in=network_ids,
            network_roles__role=NetworkRole.Role.COORDINATOR,
        )
        .distinct()
    )


def member_networks_of(organization_ids: Any) -> QuerySet[Any]:
    """The ids of the networks any of the organisations is a member of today (a subquery:
    `network_id__in=` it)."""
    return NetworkMembership.objects.filter(
        organization_id__in=organization_ids, status=NetworkMembership.Status.MEMBER
    ).values("network_id")


def member_speakers(
    network: Network | int, *, roles: Iterable[str] = SPEAKING_ROLES
) -> QuerySet[Any]:
    """The people who speak for the network's member organisations of today (admins and
    editors, or only `roles`: the urgent call for help goes to their admins)."""
    return speakers_of(
        NetworkMembership.objects.filter(
            network=network, status=NetworkMembership.Status.MEMBER
        ).values("organization_id"),
        roles=roles,
    )
