"""The Solidarity Economy Association "standard" CSV layout (ESSGlobal URIs for codes)."""

from collections.abc import Iterator
from typing import Any, TextIO

from intercoop.directory.importers.base import SourceRecord, csv_rows, width_error
from intercoop.directory.vocab import ALLY_STRUCTURES, parse_code

# our field → SEA column
COLUMNS = {
    "external_id": "Identifier",
    "name": "Name",
    "description": "Description",
    "organisational_structure": "Organisational Structure",
    "primary_activity": "Primary Activity",
    "other_activities": "Activities",
    "street": "Street Address",
    "locality": "Locality",
    "region": "Region",
    "postcode": "Postcode",
    "country": "Country ID",
    "website": "Website",
    "phone": "Phone",
    "email": "Email",
    "registration_number": "Companies House Number",
    "base_membership_type": "Membership Type",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "legal_form": "Legal Form",
    "tags": "Sector",
}


def parse(stream: TextIO) -> Iterator[SourceRecord]:
    for line, row in csv_rows(stream, required={"Identifier", "Name"}):
        if bad := width_error(line, row):
            yield bad
            continue
        values: dict[str, Any] = {field: row.get(column, "") for field, column in COLUMNS.items()}
        columns = dict(COLUMNS)
        # Postcode-centre coordinates stand in when the exact ones are blank.
        if not values["latitude"] and not values["longitude"]:
            values["latitude"] = row.get("Geo Container Latitude", "")
            values["longitude"] = row.get("Geo Container Longitude", "")
            columns["latitude"] = "Geo Container Latitude"
            columns["longitude"] = "Geo Container Longitude"
        if values["registration_number"]:
            values["registrar"] = "Companies House"
        # Published contacts in an open-data file are public.
        values["email_public"] = values["phone_public"] = True
        structure = parse_code("organisational_structure", values["organisational_structure"])
        values["is_cooperative"] = structure not in ALLY_STRUCTURES
        values["tags"] = [values["tags"]] if values["tags"] else []
        yield SourceRecord(line, values, columns)
