"""CSV in and out, for every app: uploads decoded with a clear error, rows read with their
line numbers, and text cells kept safe from spreadsheets (no live formulas).

A text cell that begins with `=`, `+`, `-`, `@`, tab or carriage return is written with a
leading apostrophe (OWASP's advice against CSV injection); readers remove it again, so an
export → import round trip gives back the same text. Numbers ("-12.50") are left alone.
"""

import csv
import re
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from intercoop.core.errors import ImportFailed, RowError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
# The largest cell we read (the csv module's default is 128 KiB; no field of ours is longer).
MAX_CELL = 100_000
csv.field_size_limit(MAX_CELL)


def spreadsheet_safe(value: Any) -> Any:
    """A text cell a spreadsheet will not run as a formula. Text that already looks like a
    neutralised cell (an apostrophe, then a formula sign) gets one more apostrophe, so that
    `spreadsheet_unsafe` gives back exactly the original."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) and not NUMBER.match(value):
        return "'" + value
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_unsafe(value: str) -> str:
    """The text `spreadsheet_safe` was given (for imports)."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS):
        return value[1:]
    return value


class SafeWriter:
    """csv.writer whose text cells are spreadsheet-safe."""

    def __init__(self, stream: Any, **options: Any) -> None:
        options.setdefault("lineterminator", "\n")
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([spreadsheet_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):  # type: ignore[type-arg,unused-ignore]
    """csv.DictWriter whose text cells are spreadsheet-safe."""

    def writerow(self, rowdict: Any) -> Any:
        return super().writerow({k: spreadsheet_safe(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts: Any) -> None:
        for rowdict in rowdicts:
            self.writerow(rowdict)


def decode_upload(data: bytes) -> str:
    """An uploaded file's text: UTF-8, with or without a byte-order mark. Anything else is
    refused with an error that says what the file is and where it went wrong."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFailed([RowError(1, "file", _("the file is UTF-16; save it as UTF-8"))])
    if b"\x00" in data[:8192]:
        raise ImportFailed([RowError(1, "file", _("the file is not text (binary data)"))])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFailed(
            [
                RowError(
                    line,
                    "file",
                    _("the file is not UTF-8 text (byte %(byte)s); save it as UTF-8")
                    % {"byte": f"0x{data[error.start]:02x}"},
                )
            ]
        ) from None


def csv_rows(stream: TextIO, *, required: set[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number where the row starts, row) for each row of a CSV file, with cells made
    safe for spreadsheets turned back into their text. Quoted fields may span lines, so
    the line is counted by the reader, not by the row index. A row whose width differs
    from the header's comes as {"__width__": reason}."""
    reader = csv.reader(stream)
    try:
        header = [column.strip().lstrip("\ufeff") for column in next(reader)]
    except StopIteration:
        raise ImportFailed([RowError(1, "header", _("the file is empty"))]) from None
    except (csv.Error, UnicodeDecodeError):
        raise ImportFailed([RowError(1, "file", _("the file is not UTF-8 CSV text"))]) from None
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
                    cells = (spreadsheet_unsafe(cell) for cell in row)
                    yield line, dict(zip(header, cells, strict=True))
            line = reader.line_num + 1
    except csv.Error as error:
        raise ImportFailed(
            [RowError(line, "file", _("unreadable CSV: %(error)s") % {"error": error})]
        ) from None
    except UnicodeDecodeError:
        raise ImportFailed([RowError(line, "file", _("the file is not UTF-8 text"))]) from None


def upload_bytes(upload: Any) -> bytes:
    """An uploaded file's bytes, refused (as a row error naming the file) beyond
    UPLOAD_MAX_BYTES: bigger files go through the command line."""
    from django.conf import settings

    limit = settings.UPLOAD_MAX_BYTES
    if getattr(upload, "size", 0) > limit:
        raise ImportFailed(
            [
                RowError(
                    1,
                    "file",
                    _("the file is larger than %(mb)d MB; use the command line for it")
                    % {"mb": limit // 1_000_000},
                )
            ]
        )
    data: bytes = upload.read(limit + 1)
    return data


# streamed downloads -----------------------------------------------------------------------


class _Echo:
    """A file whose write gives back what it was given: the CSV writer's lines, one by
    one, for a streamed response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """The header and each row as spreadsheet-safe CSV lines."""
    writer = SafeWriter(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def csv_response(lines: Iterator[str], name: str) -> StreamingHttpResponse:
    """A CSV download streamed line by line, saved as `name`."""
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
