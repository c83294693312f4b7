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
import re
import sys
import time
import warnings
from collections.abc import Sequence
from typing import BinaryIO, TextIO

import numpy as np

from intercoop.core.errors import RowError, report_row_errors

REQUIRED = ("debtor", "creditor", "amount")
HELP = "Multilateral set-off of the obligations in a CSV file (mtcs format), without a database"
PROGRESS_BYTES = 16 * 1024 * 1024  # show a progress bar from this input size up
# The bounds of core.bounds (MAX_MONEY) and core.csvfiles (MAX_CELL), repeated here:
# importing them would start Django, which this command never does.
MAX_AMOUNT = 10**15
MAX_CELL = 100_000
MAX_ERRORS = 1000
csv.field_size_limit(MAX_CELL)


class BadFile(Exception):
    """A file this command cannot read at all; `error` says where and why."""

    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


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


def decode(data: bytes) -> str:
    """The text of a UTF-8 file (with or without a byte-order mark); anything else is a
    BadFile naming what it is and where it went wrong."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadFile(RowError(1, "file", "the file is UTF-16; save it as UTF-8"))
    if b"\x00" in data[:8192]:
        raise BadFile(RowError(1, "file", "the file is not text (binary data)"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = f"0x{data[error.start]:02x}"
        raise BadFile(RowError(line, "file", f"the file is not UTF-8 text (byte {byte}); "
                                             "save it as UTF-8")) from None  # fmt: skip


def _header(line: str) -> list[str]:
    try:
        return [h.strip().lower().lstrip("\ufeff") for h in next(csv.reader([line]), [])]
    except csv.Error as error:
        raise BadFile(RowError(1, "header", f"unreadable CSV: {error}")) from None


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
        except (ValueError, OverflowError, IndexError):
            pass  # the slow path names each bad cell
        else:
            if not _check(table[:, 0], table[:, 1], table[:, 2]):
                return Obligations.of_numbers(table), []
    return _read_rows(body, at)  # names each bad cell on its own line


def _check(debtor: np.ndarray, creditor: np.ndarray, amount: np.ndarray) -> list[RowError]:
    errors = [RowError(int(n) + 2, "amount", "is negative") for n in np.nonzero(amount < 0)[0]]
    errors += [RowError(int(n) + 2, "amount", f"{int(amount[n])} is more than 10^15")
               for n in np.nonzero(amount > MAX_AMOUNT)[0]]  # fmt: skip
    errors += [RowError(int(n) + 2, "creditor", "is the debtor itself")
               for n in np.nonzero(debtor == creditor)[0]]  # fmt: skip
    return sorted(errors, key=lambda e: e.line)


def _read_rows(body: str, at: list[int]) -> tuple[Obligations | None, list[RowError]]:
    """Any other file, row by row, naming each bad cell."""
    debtors: list[str] = []
    creditors: list[str] = []
    amounts: list[int] = []
    errors: list[RowError] = []
    reader = csv.reader(io.StringIO(body))
    line = 2
    try:
        for row in reader:
            if any(cell.strip() for cell in row):  # blank lines are skipped
                cells = [row[i].strip() if i < len(row) else "" for i in at]
                for column, cell in zip(REQUIRED, cells, strict=True):
                    if not cell:
                        errors.append(RowError(line, column, "is required"))
                amount = _amount(line, cells[2], errors)
                debtors.append(cells[0])
                creditors.append(cells[1])
                amounts.append(amount)
                if len(errors) > MAX_ERRORS:
                    break
            line = reader.line_num + 2
    except csv.Error as error:
        errors.append(RowError(line, "file", f"unreadable CSV: {error}"))
    owed = np.array(amounts, dtype=np.int64)
    errors += _check(np.array(debtors, dtype=object), np.array(creditors, dtype=object), owed)
    if errors:
        return None, sorted(errors, key=lambda e: e.line)
    return Obligations.of_names(debtors, creditors, owed), []


def _amount(line: int, cell: str, errors: list[RowError]) -> int:
    """A cell's amount (0 when it is bad, with its error added)."""
    if not cell:
        return 0
    if len(cell) > 40 or not re.fullmatch(r"[+-]?[0-9]+", cell):
        errors.append(RowError(line, "amount", f"{cell[:40]!r} is not a whole number"))
        return 0
    amount = int(cell)
    if amount < 0:
        errors.append(RowError(line, "amount", "is negative"))
        return 0
    if amount > MAX_AMOUNT:
        errors.append(RowError(line, "amount", f"{amount} is more than 10^15"))
        return 0
    return amount


def _read_bytes(stream: BinaryIO, size: int) -> bytes:
    """The whole input, with a progress bar on stderr when it is big."""
    if size < PROGRESS_BYTES:
        return stream.read()
    from rich.progress import Progress

    chunks = []
    with Progress(transient=True) as progress:
        task = progress.add_task("reading obligations", total=size)
        while chunk := stream.read(4 * 1024 * 1024):
            chunks.append(chunk)
            progress.update(task, advance=len(chunk))
    return b"".join(chunks)


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
    from intercoop.clearing.setoff import TooLarge, setoff
    from intercoop.clearing.setoff import total as safe_total

    parser = argparse.ArgumentParser(prog="intercoop clear", description=HELP)
    parser.add_argument("--input", required=True, help="obligations CSV ('-' for stdin)")
    parser.add_argument("--output", required=True, help="set-offs CSV ('-' for stdout)")
    options = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        source = sys.stdin.buffer if options.input == "-" else open(options.input, "rb")  # noqa: SIM115
        size = 0 if options.input == "-" else os.path.getsize(options.input)
        with source:
            data = _read_bytes(source, size)
    except OSError as error:
        parser.error(f"--input: {error.strerror}: {options.input}")
    try:
        obligations, errors = read_obligations(decode(data))
    except BadFile as bad:
        obligations, errors = None, [bad.error]
    if errors or obligations is None:
        report_row_errors(lambda text: print(text, file=sys.stderr), errors)
        print(f"{len(errors)} bad row(s); nothing was written", file=sys.stderr)
        return 1
    try:
        cleared = setoff(obligations.debtor, obligations.creditor, obligations.amount,
                         obligations.nodes)  # fmt: skip
    except TooLarge as error:
        print(f"intercoop clear: {error}; split the file", file=sys.stderr)
        return 1
    try:
        target = sys.stdout if options.output == "-" else open(options.output, "w", newline="")  # noqa: SIM115
        with target:
            write_setoffs(target, obligations, cleared)
    except OSError as error:
        print(f"intercoop clear: --output: {error.strerror}: {options.output}", file=sys.stderr)
        return 1
    total, done = safe_total(obligations.amount), safe_total(cleared)
    share = done / total if total else 0.0
    print(f"{len(obligations.amount)} obligations among {obligations.nodes} organisations; "
          f"total debt {total}, cleared {done} ({share:.2%}), remaining {total - done}; "
          f"{time.perf_counter() - started:.2f} s", file=sys.stderr)  # fmt: skip
    return 0
