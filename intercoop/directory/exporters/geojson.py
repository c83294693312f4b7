from collections.abc import Iterable
from typing import Any, TextIO

from intercoop.directory.exporters.values import (
    absolute_url,
    organization_values,
    write_json_items,
)
from intercoop.directory.models import Organization


def feature(organization: Organization, private_ids: set[int] | None) -> dict[str, Any]:
    values = organization_values(organization, private_ids)
    geometry = None
    if organization.has_location:
        geometry = {"type": "Point", "coordinates": [organization.longitude, organization.latitude]}
    properties = {
        key: value
        for key, value in values.items()
        if key not in {"latitude", "longitude"} and value not in ("", None, [])
    }
    properties["url"] = absolute_url(organization)
    for key in ("founded_on", "dissolved_on"):
        if key in properties:
            properties[key] = properties[key].isoformat()
    return {
        "type": "Feature",
        "id": organization.slug,
        "geometry": geometry,
        "properties": properties,
    }


def write(
    organizations: Iterable[Organization], stream: TextIO, private_ids: set[int] | None
) -> None:
    write_json_items(
        stream,
        (feature(o, private_ids) for o in organizations),
        head='{"type": "FeatureCollection", "features": [',
        tail="]}\n",
    )
