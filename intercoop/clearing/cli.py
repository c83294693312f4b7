"""`intercoop clear`: multilateral set-off of the obligations in a CSV file, without a
database (the web application is never started).

The files are those of Informal Systems' `mtcs` tool. Input columns: id (optional),
debtor, creditor, amount (a whole number ≥ 0, in minor units). Output: debtor, creditor,
amount, setoff, remainder, one row per input obligation in input order. A summary (total
debt, cleared, share) goes to stderr; big files show a progress bar while they load."""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
import warnings
from collections.abc import Sequence
from typing import TextIO

import numpy as np

from intercoop.core.errors import RowError, report_row_errors

REQUIRED = ("debtor", "creditor", "amount")
HELP = "Multilateral set-off of the obligations in a CSV file (mtcs format), without a database"
PROGRESS_BYTES = 16 * 1024 * 1024  # show a progress bar from this input size up


class Obligations:
    """The parsed file: the debtor and creditor of each obligation as they were written
    (for the output) and as node numbers 0…n−1 (for the solver), and the amounts."""

    def __init__(self, debtors: Sequence[object], creditors: Sequence[object],
                 amount: np.ndarray, debtor: np.ndarray, creditor: np.ndarray,
                 nodes: int) -> None:  # fmt: skip
        self.debtors, self.creditors = debtors, creditors
        self.amount, self.debtor, self.creditor, self.nodes = amount, debtor, creditor, nodes

    @classmethod
    def of_names(cls, debtors: list[str], creditors: list[str], amount: np.ndarray) -> Obligations:
        index: dict[str, int] = {}
        number = [np.fromiter((index.setdefault(n, len(index)) for n in names), np.int64,
                              len(names)) for names in (debtors, creditors)]  # fmt: skip
        return cls(debtors, creditors, amount, number[0], number[1], len(index))

    @classmethod
    def of_numbers(cls, table: np.ndarray) -> Obligations:
        """Debtors and creditors that are whole numbers (as in `mtcs` files)."""
        debtors, creditors, amount = table[:, 0], table[:, 1], table[:, 2]
        used, number = np.unique(np.concatenate([debtors, creditors]), return_inverse=True)
        return cls(debtors.tolist(), creditors.tolist(), amount,
                   number[: len(debtors)], number[len(debtors) :], len(used))  # fmt: skip


def _header(line: str) -> list[str]:
    return [h.strip().lower() for h in next(csv.reader([line]), [])]


def read_obligations(text: str) -> tuple[Obligations | None, list[RowError]]:
    """The obligations of a CSV text, or every bad row (line, column, reason)."""
    first, _newline, body = text.partition("\n")
    header = _header(first)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return None, [RowError(1, c, "column is missing") for c in missing]
    at = [header.index(c) for c in REQUIRED]
    if body.strip():
        try:  # the fast path: every cell a plain whole number, as `mtcs` writes them
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                table = np.loadtxt(io.StringIO(body), delimiter=",", dtype=np.int64,
                                   usecols=at, ndmin=2)  # fmt: skip
        except ValueError:
            pass
        else:
            errors = _check(table[:, 0], table[:, 1], table[:, 2])
            return (None, errors) if errors else (Obligations.of_numbers(table), [])
    return _read_rows(body, at)


def _check(debtor: np.ndarray, creditor: np.ndarray, amount: np.ndarray) -> list[RowError]:
    errors = [RowError(int(n) + 2, "amount", "is negative") for n in np.nonzero(amount < 0)[0]]
    errors += [RowError(int(n) + 2, "creditor", "is the debtor itself")
               for n in np.nonzero(debtor == creditor)[0]]  # fmt: skip
    return sorted(errors, key=lambda e: e.line)


def _read_rows(body: str, at: list[int]) -> tuple[Obligations | None, list[RowError]]:
    """Any other file, row by row, naming each bad cell."""
    debtors: list[str] = []
    creditors: list[str] = []
    amounts: list[int] = []
    errors: list[RowError] = []
    for line, row in enumerate(csv.reader(io.StringIO(body)), start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        cells = [row[i].strip() if i < len(row) else "" for i in at]
        for column, cell in zip(REQUIRED, cells, strict=True):
            if not cell:
                errors.append(RowError(line, column, "is required"))
        try:
            amount = int(cells[2]) if cells[2] else 0
        except ValueError:
            errors.append(RowError(line, "amount", f"{cells[2]!r} is not a whole number"))
            amount = 0
        debtors.append(cells[0])
        creditors.append(cells[1])
        amounts.append(amount)
        if len(errors) > 1000:
            break
    owed = np.array(amounts, dtype=np.int64)
    errors += _check(np.array(debtors, dtype=object), np.array(creditors, dtype=object), owed)
    if errors:
        return None, sorted(errors, key=lambda e: e.line)
    return Obligations.of_names(debtors, creditors, owed), []


def _read_text(stream: TextIO, size: int) -> str:
    """The whole input, with a progress bar on stderr when it is big."""
    if size < PROGRESS_BYTES:
        return stream.read()
    from rich.progress import Progress

    chunks = []
    with Progress(transient=True) as progress:
        task = progress.add_task("reading obligations", total=size)
        while chunk := stream.read(4 * 1024 * 1024):
            chunks.append(chunk)
            progress.update(task, advance=len(chunk.encode()))
    return "".join(chunks)


def write_setoffs(target: TextIO, obligations: Obligations, setoff: np.ndarray) -> None:
    target.write("debtor,creditor,amount,setoff,remainder\n")
    remainder = obligations.amount - setoff
    columns = (obligations.debtors, obligations.creditors, obligations.amount.tolist(),
               setoff.tolist(), remainder.tolist())  # fmt: skip
    if isinstance(obligations.debtors[0] if len(obligations.debtors) else 0, str):
        csv.writer(target, lineterminator="\n").writerows(zip(*columns, strict=True))
    else:
        target.write(
            "".join(f"{d},{c},{a},{s},{r}\n" for d, c, a, s, r in zip(*columns, strict=True))
        )


def main(argv: list[str] | None = None) -> int:
    from intercoop.clearing.setoff import setoff

    parser = argparse.ArgumentParser(prog="intercoop clear", description=HELP)
    parser.add_argument("--input", required=True, help="obligations CSV ('-' for stdin)")
    parser.add_argument("--output", required=True, help="set-offs CSV ('-' for stdout)")
    options = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        source = sys.stdin if options.input == "-" else open(options.input, newline="")  # noqa: SIM115
        size = 0 if options.input == "-" else os.path.getsize(options.input)
    except OSError as error:
        parser.error(f"--input: {error.strerror}: {options.input}")
    with source:
        obligations, errors = read_obligations(_read_text(source, size))
    if errors or obligations is None:
        report_row_errors(lambda text: print(text, file=sys.stderr), errors)
        print(f"{len(errors)} bad row(s); nothing was written", file=sys.stderr)
        return 1
    cleared = setoff(obligations.debtor, obligations.creditor, obligations.amount,
                     obligations.nodes)  # fmt: skip
    target = sys.stdout if options.output == "-" else open(options.output, "w", newline="")  # noqa: SIM115
    with target:
        write_setoffs(target, obligations, cleared)
    total, done = int(obligations.amount.sum()), int(cleared.sum())
    share = done / total if total else 0.0
    print(f"{len(obligations.amount)} obligations among {obligations.nodes} organisations; "
          f"total debt {total}, cleared {done} ({share:.2%}), remaining {total - done}; "
          f"{time.perf_counter() - started:.2f} s", file=sys.stderr)  # fmt: skip
    return 0
