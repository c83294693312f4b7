"""`intercoop allocate`: case rounding and allocation of a joint order on files, without
a database (the web application is never started).

Input columns: member,article,case_size,quantity,tolerance,placed_at (minimum and
by_weight optional); output: member,article,quantity,tolerance,total, one row per member
and article in the order they first appear."""

from __future__ import annotations

import argparse
import csv
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
    value = Decimal(raw.strip() or "0")
    if not value.is_finite() or value < 0:
        raise InvalidOperation
    if whole and value != value.to_integral_value():
        raise ValueError
    return value


def read_orders(stream: TextIO) -> tuple[dict[str, Any], _Articles, list[str], list[RowError]]:
    reader = csv.DictReader(stream)
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        return {}, _Articles(), [], [RowError(1, c, "column is missing") for c in missing]
    articles, members, errors = _Articles(), dict[str, int](), list[RowError]()
    columns: dict[str, list[Any]] = {k: [] for k in ("article", "member", "q", "t", "time")}
    for line, row in enumerate(reader, start=2):
        member, article = (row["member"] or "").strip(), (row["article"] or "").strip()
        for column, value in (("member", member), ("article", article)):
            if not value:
                errors.append(RowError(line, column, "is required"))
        by_weight_text = (row.get("by_weight") or "").strip().lower()
        if by_weight_text not in TRUE | FALSE:
            errors.append(RowError(line, "by_weight", f"{by_weight_text!r} is not yes or no"))
        by_weight = by_weight_text in TRUE
        values = {}
        for column, whole in (("case_size", True), ("quantity", not by_weight),
                              ("tolerance", not by_weight), ("minimum", False)):  # fmt: skip
            try:
                values[column] = _number(row.get(column) or "", whole=whole)
            except (InvalidOperation, ValueError):
                kind = "a whole number" if whole else "a number"
                errors.append(RowError(line, column, f"{row.get(column)!r} is not {kind} ≥ 0"))
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
        source = sys.stdin if options.input == "-" else open(options.input, newline="")  # noqa: SIM115
    except OSError as error:
        parser.error(f"--input: {error.strerror}: {options.input}")
    with source:
        columns, articles, members, errors = read_orders(source)
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
            writer.writerow([members[m], names[a], _format(q, weight), _format(t, weight),
                             _format(q + t, weight)])  # fmt: skip
    ordered = result.ordered
    cases = sum(int(o // float(s[0])) for o, s in zip(ordered, specs, strict=True) if not s[2])
    print(f"{len(names)} articles, {len(members)} members, {cases} cases ordered, "
          f"{float(result.quantity.sum() + result.tolerance.sum()):g} units allocated",
          file=sys.stderr)  # fmt: skip
    return 0
