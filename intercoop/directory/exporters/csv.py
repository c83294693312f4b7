"""The plain CSV layout (column names = field names); `importers.plain` reads it back.
Text cells are spreadsheet-safe (core.csvfiles.SafeWriter); the importer undoes that."""

import datetime as dt
from collections.abc import Iterable
from typing import Any, TextIO

from intercoop.core.csvfiles import SafeWriter
from intercoop.directory.exporters.values import organization_values
from intercoop.directory.fields import FIELDS
from intercoop.directory.models import Organization


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write(
    organizations: Iterable[Organization], stream: TextIO, private_ids: set[int] | None
) -> None:
    writer = SafeWriter(stream)
    writer.writerow(FIELDS)
    for organization in organizations:
        values = organization_values(organization, private_ids)
        writer.writerow([_cell(values[name]) for name in FIELDS])
