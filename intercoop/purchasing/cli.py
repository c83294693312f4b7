"""`intercoop allocate`: case rounding and allocation of a joint order on files, without
a database (the web application is never started).

Input columns: member,article,case_size,quantity,tolerance,placed_at (minimum and
by_weight optional), UTF-8 with or without a byte-order mark; output:
member,article,quantity,tolerance,total, one row per member and article in the order they
first appear. Names that begin like a spreadsheet formula are written with a leading
apostrophe, as every CSV export of Intercoop does, and read back without it."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

import numpy as np

from intercoop.core.errors import RowError, report_row_errors
from intercoop.purchasing.allocation import STRATEGIES
from intercoop.purchasing.vectorized import Book, allocate_book

REQUIRED = ("member", "article", "case_size", "quantity", "tolerance", "placed_at")
HELP = "Allocate a joint order from a CSV file (case rounding, tolerance), without a database"
TRUE = {"1", "true", "yes", "y"}
FALSE = {"", "0", "false", "no", "n"}
# Bounds of the numbers and names read (as the web application's: units up to 10^9).
MAX_UNITS = Decimal(10**9)
MAX_CASE_SIZE = Decimal(10**6)
MAX_NAME = 200
MAX_CELL = 100_000
# Core's csvfiles (spreadsheet_safe/unsafe) imports Django, which this command never
# starts; the same rule, for names only (numbers are written as numbers).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(name: str) -> str:
    return "'" + name if name.startswith(FORMULA_STARTS) else name


def _unsafe(name: str) -> str:
    return name[1:] if name.startswith("'") and name[1:].startswith(FORMULA_STARTS) else name


def _text(data: bytes) -> str | list[RowError]:
    """The file's text (UTF-8, with or without a byte-order mark), or what it is instead
    and where it went wrong (core.csvfiles.decode_upload's rules, without Django)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [RowError(1, "file", "the file is UTF-16; save it as UTF-8")]
    if b"\x00" in data[:8192]:
        return [RowError(1, "file", "the file is not text (binary data)")]
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = f"0x{data[error.start]:02x}"
        return [RowError(line, "file", f"the file is not UTF-8 text (byte {byte}); "
                                       "save it as UTF-8")]  # fmt: skip


class _Articles:
    """Each article's case size, minimum and by-weight flag, the same on all its rows."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.specs: list[tuple[Decimal, Decimal, bool]] = []

    def add(self, name: str, spec: tuple[Decimal, Decimal, bool], line: int) -> int | RowError:
        if name not in self.index:
            self.index[name] = len(self.specs)
            self.specs.append(spec)
        elif self.specs[self.index[name]] != spec:
            return RowError(line, "case_size", f"{name!r} has another case size, minimum or "
                                               "by_weight on an earlier row")  # fmt: skip
        return self.index[name]


def _number(raw: str, *, whole: bool) -> Decimal:
    if len(raw) > 40:
        raise InvalidOperation
    value = Decimal(raw.strip() or "0")
    if not value.is_finite() or value < 0:
        raise InvalidOperation
    if whole and value != value.to_integral_value():
        raise ValueError
    return value


def read_orders(stream: TextIO) -> tuple[dict[str, Any], _Articles, list[str], list[RowError]]:
    csv.field_size_limit(MAX_CELL)
    reader = csv.DictReader(stream)
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as error:
        return {}, _Articles(), [], [RowError(1, "file", f"unreadable CSV: {error}")]
    missing = [c for c in REQUIRED if c not in fieldnames]
    if missing:
        return {}, _Articles(), [], [RowError(1, c, "column is missing") for c in missing]
    articles, members, errors = _Articles(), dict[str, int](), list[RowError]()
    columns: dict[str, list[Any]] = {k: [] for k in ("article", "member", "q", "t", "time")}
    start = reader.line_num + 1  # where the next row begins (quoted cells span lines)
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(RowError(start, "file", f"unreadable CSV: {error}"))
            break
        line, start = start, reader.line_num + 1
        member, article = (_unsafe((row["member"] or "").strip()),
                           _unsafe((row["article"] or "").strip()))  # fmt: skip
        for column, value in (("member", member), ("article", article)):
            if not value:
                errors.append(RowError(line, column, "is required"))
            elif len(value) > MAX_NAME:
                errors.append(RowError(line, column, f"is longer than {MAX_NAME} characters"))
        by_weight_text = (row.get("by_weight") or "").strip().lower()
        if by_weight_text not in TRUE | FALSE:
            errors.append(RowError(line, "by_weight", f"{by_weight_text!r} is not yes or no"))
        by_weight = by_weight_text in TRUE
        values = {}
        for column, whole in (("case_size", True), ("quantity", not by_weight),
                              ("tolerance", not by_weight), ("minimum", False)):  # fmt: skip
            high = MAX_CASE_SIZE if column == "case_size" else MAX_UNITS
            shown = (row.get(column) or "")[:40]
            try:
                values[column] = _number(row.get(column) or "", whole=whole)
            except (InvalidOperation, ValueError):
                kind = "a whole number" if whole else "a number"
                errors.append(RowError(line, column, f"{shown!r} is not {kind} ≥ 0"))
                continue
            if values[column] > high:
                errors.append(RowError(line, column, f"{shown!r} is more than {high:,}"))
        if (errors and errors[-1].line == line) or not member or not article:
            continue
        if values["case_size"] < 1:
            errors.append(RowError(line, "case_size", "is at least 1"))
            continue
        index = articles.add(article, (values["case_size"], values["minimum"], by_weight), line)
        if isinstance(index, RowError):
            errors.append(index)
            continue
        columns["article"].append(index)
        columns["member"].append(members.setdefault(member, len(members)))
        columns["q"].append(float(values["quantity"]))
        columns["t"].append(float(values["tolerance"]))
        columns["time"].append((row["placed_at"] or "").strip())
    return columns, articles, list(members), errors


def _format(value: float, by_weight: bool) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") if by_weight else str(round(value))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="intercoop allocate", description=HELP)
    parser.add_argument("--input", required=True, help="orders CSV ('-' for stdin)")
    parser.add_argument("--output", required=True, help="result CSV ('-' for stdout)")
    parser.add_argument("--strategy", choices=STRATEGIES, default="fifo")
    options = parser.parse_args(argv)
    try:
        if options.input == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(options.input, "rb") as source:
                data = source.read()
    except OSError as error:
        parser.error(f"--input: {error.strerror}: {options.input}")
    text = _text(data)
    if isinstance(text, list):
        report_row_errors(lambda line: print(line, file=sys.stderr), text)
        print("the file was not read; nothing was written", file=sys.stderr)
        return 1
    columns, articles, members, errors = read_orders(io.StringIO(text, newline=""))
    if errors:
        report_row_errors(lambda text: print(text, file=sys.stderr), errors)
        print(f"{len(errors)} bad row(s); nothing was written", file=sys.stderr)
        return 1
    specs = articles.specs
    times = np.array(columns["time"], dtype=object)
    _, time_rank = np.unique(times.astype(str), return_inverse=True)
    book = Book.from_rows(
        article=np.array(columns["article"], dtype=np.int64),
        member=np.array(columns["member"], dtype=np.int64),
        quantity=np.array(columns["q"], dtype=np.float64),
        tolerance=np.array(columns["t"], dtype=np.float64),
        time_rank=time_rank.astype(np.int64),
        case_size=np.array([float(s[0]) for s in specs]),
        minimum=np.array([float(s[1]) for s in specs]),
        by_weight=np.array([s[2] for s in specs], dtype=bool),
    )
    result = allocate_book(book, strategy=options.strategy)
    names = list(articles.index)
    target = sys.stdout if options.output == "-" else open(options.output, "w", newline="")  # noqa: SIM115
    with target:
        writer = csv.writer(target)
        writer.writerow(["member", "article", "quantity", "tolerance", "total"])
        for a, m, q, t in zip(
            result.article, result.member, result.quantity, result.tolerance, strict=True
        ):
            weight = bool(specs[a][2])
            writer.writerow([_safe(members[m]), _safe(names[a]), _format(q, weight),
                             _format(t, weight), _format(q + t, weight)])  # fmt: skip
    ordered = result.ordered
    cases = sum(int(o // float(s[0])) for o, s in zip(ordered, specs, strict=True) if not s[2])
    print(f"{len(names)} articles, {len(members)} members, {cases} cases ordered, "
          f"{float(result.quantity.sum() + result.tolerance.sum()):g} units allocated",
          file=sys.stderr)  # fmt: skip
    return 0
