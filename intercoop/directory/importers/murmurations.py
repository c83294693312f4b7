"""Murmurations profiles (organizations_schema-v1.0.0 plus our co-op add-on schema): a JSON
list of profiles, an index answer `{"data": [...]}`, or one profile. Records are numbered
from 1 in place of line numbers."""

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any, TextIO

from django.utils.translation import gettext as _

from intercoop.core.errors import ImportFailed, RowError
from intercoop.directory.exporters.murmurations import ADDON_FIELDS, STATUS_FROM_MURMURATIONS
from intercoop.directory.importers.base import SourceRecord


def _date(value: Any) -> Any:
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, tz=dt.UTC).date()
    return value


def _record(number: int, profile: Any) -> SourceRecord:
    if not isinstance(profile, dict):
        return SourceRecord(number, {}, errors=[RowError(number, "profile", _("is not an object"))])
    geo = profile.get("geolocation") or {}
    contact = profile.get("contact_details") or {}
    values: dict[str, Any] = {
        "external_id": profile.get("unique_id") or profile.get("primary_url") or "",
        "name": profile.get("name"),
        "description": profile.get("description") or profile.get("mission") or "",
        "website": profile.get("primary_url") or "",
        "tags": profile.get("tags") or [],
        "latitude": geo.get("lat", profile.get("latitude")),
        "longitude": geo.get("lon", profile.get("longitude")),
        "country": profile.get("country_iso_3166") or "",
        "locality": profile.get("locality") or "",
        "region": profile.get("region") or "",
        "postcode": profile.get("postal_code") or "",
        "street": profile.get("street_address") or "",
        "email": contact.get("email") or "",
        "email_public": True,
        "phone": profile.get("telephone") or "",
        "phone_public": True,
        "founded_on": _date(profile.get("starts_at")),
        "dissolved_on": _date(profile.get("ends_at")),
        "languages": profile.get("knows_language") or [],
    }
    if status := profile.get("status"):
        values["status"] = STATUS_FROM_MURMURATIONS.get(status, status)
    for name in ADDON_FIELDS:
        if name in profile:
            values[name] = profile[name]
    columns = {
        "external_id": "unique_id",
        "website": "primary_url",
        "latitude": "geolocation.lat",
        "longitude": "geolocation.lon",
        "country": "country_iso_3166",
        "postcode": "postal_code",
        "street": "street_address",
        "email": "contact_details.email",
        "phone": "telephone",
        "founded_on": "starts_at",
        "dissolved_on": "ends_at",
        "languages": "knows_language",
    }
    return SourceRecord(number, values, columns)


def parse(stream: TextIO) -> Iterator[SourceRecord]:
    try:
        document = json.load(stream)
    except json.JSONDecodeError as error:
        raise ImportFailed(
            [RowError(error.lineno, "file", _("invalid JSON: %(error)s") % {"error": error.msg})]
        ) from None
    if isinstance(document, dict) and isinstance(document.get("data"), list):
        profiles = document["data"]
    elif isinstance(document, list):
        profiles = document
    else:
        profiles = [document]
    for number, profile in enumerate(profiles, start=1):
        yield _record(number, profile)
