import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.utils.translation import gettext as _

from intercoop.core.errors import ImportFailed, RowError


@dataclass
class SourceRecord:
    """One record of an imported file: `values` keyed by our field names, `columns` maps a
    field name back to the file's own column so that errors name what the user sees."""

    line: int
    values: dict[str, Any]
    columns: dict[str, str] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


def csv_rows(stream: TextIO, *, required: set[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number where the row starts, row) for each row of a CSV file. Quoted fields
    may span lines, so the line is counted by the reader, not by the row index."""
    reader = csv.reader(stream)
    try:
        header = [column.strip().lstrip("\ufeff") for column in next(reader)]
    except StopIteration:
        raise ImportFailed([RowError(1, "header", _("the file is empty"))]) from None
    missing = sorted(required - set(header))
    if missing:
        raise ImportFailed(
            [RowError(1, column, _("required column is missing")) for column in missing]
        )
    line = reader.line_num + 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                if len(row) != len(header):
                    problem = _("has %(cells)d cells, the header has %(header)d") % {
                        "cells": len(row),
                        "header": len(header),
                    }
                    yield line, {"__width__": problem}
                else:
                    yield line, dict(zip(header, row, strict=True))
            line = reader.line_num + 1
    except csv.Error as error:
        raise ImportFailed(
            [RowError(line, "file", _("unreadable CSV: %(error)s") % {"error": error})]
        ) from None
    except UnicodeDecodeError:
        raise ImportFailed([RowError(line, "file", _("the file is not UTF-8 text"))]) from None


def width_error(line: int, row: dict[str, str]) -> SourceRecord | None:
    if "__width__" in row:
        return SourceRecord(line, {}, errors=[RowError(line, "row", row["__width__"])])
    return None
