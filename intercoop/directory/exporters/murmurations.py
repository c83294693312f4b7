"""Murmurations profiles: organizations_schema-v1.0.0 plus our co-op add-on schema."""

import datetime as dt
from collections.abc import Iterable
from typing import Any, TextIO

from django.conf import settings

from intercoop.directory import vocab
from intercoop.directory.exporters.values import (
    absolute_url,
    organization_values,
    write_json_items,
)
from intercoop.directory.models import Organization

ORGANIZATIONS_SCHEMA = "organizations_schema-v1.0.0"
ADDON_SCHEMA_NAME = "intercoop_coop-v1.0.0"
STATUS_TO_MURMURATIONS = {"active": "active", "forming": "in_planning", "dissolved": "completed"}
STATUS_FROM_MURMURATIONS = {value: key for key, value in STATUS_TO_MURMURATIONS.items()}
ADDON_FIELDS = (
    "is_cooperative",
    "organisational_structure",
    "base_membership_type",
    "primary_activity",
    "other_activities",
    "legal_form",
    "registrar",
    "registration_number",
    "number_of_members",
    "employees",
)


def addon_schema() -> dict[str, Any]:
    """JSON Schema of our co-op fields, served at /schemas/intercoop_coop-v1.0.0.json."""

    def coded(scheme: vocab.Scheme, title: str) -> dict[str, Any]:
        return {"title": title, "type": "string", "enum": vocab.codes(scheme)}

    return {
        "$schema": "https://json-schema.org/draft-07/schema#",
        "$id": f"{settings.SITE_URL}/schemas/{ADDON_SCHEMA_NAME}.json",
        "title": "Intercoop co-operative add-on",
        "description": "ESSGlobal classification and registration of a co-operative or ally, "
        "added to an organizations_schema-v1.0.0 profile.",
        "type": "object",
        "properties": {
            "linked_schemas": {"type": "array", "items": {"type": "string"}},
            "is_cooperative": {"title": "Is a co-operative", "type": "boolean"},
            "organisational_structure": coded(
                "organisational_structure", "ESSGlobal organisational structure (OS code)"
            ),
            "base_membership_type": coded(
                "base_membership_type", "ESSGlobal base membership type (BMT code)"
            ),
            "primary_activity": coded("activity", "ICA activity (ICA code)"),
            "other_activities": {
                "title": "Other ICA activities",
                "type": "array",
                "items": {"type": "string", "enum": vocab.codes("activity")},
                "uniqueItems": True,
            },
            "legal_form": {"title": "Legal form", "type": "string", "maxLength": 100},
            "registrar": {"title": "Registrar", "type": "string", "maxLength": 100},
            "registration_number": {"title": "Registration number", "type": "string"},
            "number_of_members": {"title": "Number of members", "type": "integer", "minimum": 0},
            "employees": {"title": "Employees", "type": "integer", "minimum": 0},
        },
        "required": ["linked_schemas", "is_cooperative"],
        "metadata": {"schema": {"name": ADDON_SCHEMA_NAME, "purpose": "Co-operative fields"}},
    }


def _timestamp(day: dt.date | None) -> int | None:
    if day is None:
        return None
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def profile(organization: Organization, private_ids: set[int] | None) -> dict[str, Any]:
    values = organization_values(organization, private_ids)
    address = ", ".join(
        part
        for part in (values["street"], values["locality"], values["region"], values["postcode"])
        if part
    )
    data: dict[str, Any] = {
        "linked_schemas": [ORGANIZATIONS_SCHEMA, ADDON_SCHEMA_NAME],
        "name": values["name"],
        "unique_id": values["external_id"] or absolute_url(organization),
        "primary_url": values["website"] or absolute_url(organization),
        "description": values["description"],
        "status": STATUS_TO_MURMURATIONS[values["status"]],
        "full_address": address,
        "locality": values["locality"],
        "region": values["region"],
        "postal_code": values["postcode"],
        "country_iso_3166": values["country"],
        "tags": values["tags"],
        "starts_at": _timestamp(values["founded_on"]),
        "ends_at": _timestamp(values["dissolved_on"]),
        "telephone": values["phone"],
        "knows_language": values["languages"],
        "urls": [{"name": "Intercoop profile", "url": absolute_url(organization)}],
    }
    if values["email"]:
        data["contact_details"] = {"email": values["email"]}
    if organization.has_location:
        data["geolocation"] = {"lat": organization.latitude, "lon": organization.longitude}
        data["latitude"], data["longitude"] = organization.latitude, organization.longitude
    for name in ADDON_FIELDS:
        data[name] = values[name]
    data["other_activities"] = organization.other_activity_codes
    # Murmurations rejects empty strings for enums and empty arrays where minItems applies.
    return {key: value for key, value in data.items() if value not in ("", None, [])}


def write(
    organizations: Iterable[Organization], stream: TextIO, private_ids: set[int] | None
) -> None:
    write_json_items(stream, (profile(o, private_ids) for o in organizations), head="[", tail="]\n")
