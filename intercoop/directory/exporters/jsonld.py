"""JSON-LD with schema.org terms and ESSGlobal codes (as the SEA maps publish them)."""

import json
from collections.abc import Iterable
from typing import Any, TextIO

from intercoop.directory import vocab
from intercoop.directory.exporters.values import (
    absolute_url,
    organization_values,
    write_json_items,
)
from intercoop.directory.models import Organization

CONTEXT = {
    "schema": "https://schema.org/",
    "essglobal": "https://purl.org/essglobal/vocab/v2.1/",
    "name": "schema:name",
    "description": "schema:description",
    "url": {"@id": "schema:url", "@type": "@id"},
    "email": "schema:email",
    "telephone": "schema:telephone",
    "foundingDate": "schema:foundingDate",
    "dissolutionDate": "schema:dissolutionDate",
    "numberOfEmployees": "schema:numberOfEmployees",
    "keywords": "schema:keywords",
    "identifier": "schema:identifier",
    "legalForm": "essglobal:legalForm",
    "address": "schema:address",
    "geo": "schema:geo",
    "latitude": "schema:latitude",
    "longitude": "schema:longitude",
    "organisationalStructure": {"@id": "essglobal:organisationalStructure", "@type": "@id"},
    "baseMembershipType": {"@id": "essglobal:baseMembershipType", "@type": "@id"},
    "economicSector": {"@id": "essglobal:economicSector", "@type": "@id"},
}


def node(organization: Organization, private_ids: set[int] | None) -> dict[str, Any]:
    values = organization_values(organization, private_ids)
    item: dict[str, Any] = {
        "@id": absolute_url(organization),
        "@type": ["schema:Organization", "essglobal:SSEInitiative"],
        "name": values["name"],
        "identifier": values["external_id"] or organization.slug,
    }
    optional = {
        "description": values["description"],
        "url": values["website"],
        "email": values["email"],
        "telephone": values["phone"],
        "foundingDate": values["founded_on"] and values["founded_on"].isoformat(),
        "dissolutionDate": values["dissolved_on"] and values["dissolved_on"].isoformat(),
        "numberOfEmployees": values["employees"],
        "keywords": values["tags"],
        "legalForm": values["legal_form"],
    }
    item.update({key: value for key, value in optional.items() if value not in ("", None, [])})
    if code := values["organisational_structure"]:
        item["organisationalStructure"] = vocab.uri("organisational_structure", code)
    if code := values["base_membership_type"]:
        item["baseMembershipType"] = vocab.uri("base_membership_type", code)
    activities = [values["primary_activity"], *organization.other_activity_codes]
    if sectors := [vocab.uri("activity", code) for code in activities if code]:
        item["economicSector"] = sectors
    item["address"] = {
        "@type": "schema:PostalAddress",
        "schema:streetAddress": values["street"],
        "schema:addressLocality": values["locality"],
        "schema:addressRegion": values["region"],
        "schema:postalCode": values["postcode"],
        "schema:addressCountry": values["country"],
    }
    if organization.has_location:
        item["geo"] = {
            "@type": "schema:GeoCoordinates",
            "latitude": organization.latitude,
            "longitude": organization.longitude,
        }
    return item


def write(
    organizations: Iterable[Organization], stream: TextIO, private_ids: set[int] | None
) -> None:
    write_json_items(
        stream,
        (node(o, private_ids) for o in organizations),
        head='{"@context": ' + json.dumps(CONTEXT) + ', "@graph": [',
        tail="]}\n",
    )
