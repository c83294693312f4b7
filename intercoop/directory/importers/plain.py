"""The plain CSV layout: one column per field, named as in `fields.FIELDS`. It is what
`export-orgs --format csv` writes, so an export imports back into the same records."""

from collections.abc import Iterator
from typing import TextIO

from django.utils.translation import gettext as _

from intercoop.core.errors import ImportFailed, RowError
from intercoop.directory.fields import FIELDS
from intercoop.directory.importers.base import SourceRecord, csv_rows, width_error

COLUMNS = list(FIELDS)
IGNORED = {"networks", "approval", "url"}  # written by the export, set by the importer


def parse(stream: TextIO) -> Iterator[SourceRecord]:
    for line, row in csv_rows(stream, required={"name"}):
        if bad := width_error(line, row):
            yield bad
            continue
        unknown = sorted(set(row) - set(COLUMNS) - IGNORED)
        if unknown:
            raise ImportFailed(
                [RowError(1, column, _("unknown column in the plain layout")) for column in unknown]
            )
        yield SourceRecord(line, {k: v for k, v in row.items() if k in FIELDS})
