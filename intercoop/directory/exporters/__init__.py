"""One module per export format; each writes organisations as the viewer may see them."""

from collections.abc import Callable, Iterable
from typing import TextIO

from intercoop.directory.exporters import csv, geojson, jsonld, murmurations
from intercoop.directory.models import Organization

Writer = Callable[[Iterable[Organization], TextIO, set[int] | None], None]

# format → (writer, media type, file extension)
FORMATS: dict[str, tuple[Writer, str, str]] = {
    "csv": (csv.write, "text/csv; charset=utf-8", "csv"),
    "geojson": (geojson.write, "application/geo+json", "geojson"),
    "jsonld": (jsonld.write, "application/ld+json", "jsonld"),
    "murmurations": (murmurations.write, "application/json", "json"),
}
