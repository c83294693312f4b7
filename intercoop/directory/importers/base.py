from dataclasses import dataclass, field
from typing import Any

from intercoop.core.csvfiles import csv_rows
from intercoop.core.errors import RowError

__all__ = ["SourceRecord", "csv_rows", "width_error"]


@dataclass
class SourceRecord:
    """One record of an imported file: `values` keyed by our field names, `columns` maps a
    field name back to the file's own column so that errors name what the user sees."""

    line: int
    values: dict[str, Any]
    columns: dict[str, str] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


def width_error(line: int, row: dict[str, str]) -> SourceRecord | None:
    if "__width__" in row:
        return SourceRecord(line, {}, errors=[RowError(line, "row", row["__width__"])])
    return None
