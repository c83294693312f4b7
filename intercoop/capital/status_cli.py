"""`intercoop loan-status`: a loan's arrears on a date, from its schedule and payments,
without a database.

    intercoop loan-status --schedule schedule.csv --payments payments.csv \\
        --as-of 2027-06-15 --currency USD [--format json|text]

The schedule is the CSV `intercoop loan-schedule` writes
(`number,due_on,payment,interest,principal,balance`); the payments CSV has the columns
`paid_on,amount`; amounts in major units with the currency's digits. Payments dated after
the as-of date are not counted. The JSON object starts with `days_past_due`, `bucket`,
`par30`, `principal_outstanding`, `overdue_interest` and `overdue_principal` (amounts as
decimal strings in major units). The rules are in `arrears.py`. Bad input is an error
naming the option, the file, the line and the column, with exit status 2."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

from intercoop.capital.arrears import LoanStatus, Payment, status
from intercoop.capital.cli import (
    HEADER,
    major,
    parse_currency,
    parse_date,
    parse_number,
    to_minor,
)
from intercoop.capital.schedule import Instalment
from intercoop.core.currencies import CURRENCY_DIGITS

HELP = "A loan's arrears on a date (days past due, bucket, PAR30) from schedule and payments CSV"
PAYMENT_COLUMNS = ("paid_on", "amount")
MAX_BYTES = 64 * 1024 * 1024
MAX_ERRORS = 20
T = TypeVar("T")


class BadInput(Exception):
    """Input this command cannot use; the message says where and why."""


class Table:
    """The rows of one CSV file given as `option`, reading cells by column name and
    collecting every bad cell with its line and column."""

    def __init__(self, option: str, path: str, columns: Sequence[str]) -> None:
        self.option, self.path = option, path
        self.errors: list[str] = []
        self.rows: list[tuple[int, dict[str, str]]] = []
        text = self._read()
        reader = csv.reader(io.StringIO(text))
        try:
            header = [cell.strip().lower() for cell in next(reader, [])]
            missing = [c for c in columns if c not in header]
            if missing:
                what = (
                    f"columns {', '.join(missing)} are"
                    if missing[1:]
                    else f"column {missing[0]} is"
                )
                raise BadInput(self.at(1, f"{what} missing (expected the columns "
                                          f"{','.join(columns)})"))  # fmt: skip
            at = {c: header.index(c) for c in columns}
            for row in reader:
                if any(cell.strip() for cell in row):  # blank lines are skipped
                    cells = {c: row[i].strip() if i < len(row) else "" for c, i in at.items()}
                    self.rows.append((reader.line_num, cells))
        except csv.Error as error:
            raise BadInput(self.at(reader.line_num, f"unreadable CSV: {error}")) from None

    def _read(self) -> str:
        try:
            with open(self.path, "rb") as file:
                data = file.read(MAX_BYTES + 1)
        except OSError as error:
            raise BadInput(f"{self.option} {self.path}: {error.strerror}") from None
        if len(data) > MAX_BYTES:
            raise BadInput(f"{self.option} {self.path}: more than {MAX_BYTES} bytes")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise BadInput(self.at(line, "not UTF-8 text; save it as UTF-8")) from None

    def at(self, line: int, reason: str, column: str | None = None) -> str:
        where = f"{self.option} {self.path}, line {line}"
        return f"{where}, column {column}: {reason}" if column else f"{where}: {reason}"

    def cell(self, line: int, cells: dict[str, str], column: str, parse: Callable[[str], T]
             ) -> T | None:  # fmt: skip
        """The cell parsed, or None with its error noted."""
        text = cells[column]
        try:
            if not text:
                raise argparse.ArgumentTypeError("is empty")
            return parse(text)
        except argparse.ArgumentTypeError as error:
            self.errors.append(self.at(line, str(error), column))
            return None


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def _amount(currency: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = to_minor(parse_number(text), currency)
        if value < 0:
            raise argparse.ArgumentTypeError(f"{text!r} is negative")
        return value

    return parse


def read_schedule(path: str, currency: str) -> list[Instalment]:
    """The instalments of a schedule CSV, checked: numbered 1, 2, … in order, due dates
    never going back, payment = interest + principal, each balance the one before less the
    principal."""
    table = Table("--schedule", path, HEADER)
    amount = _amount(currency)
    rows: list[Instalment] = []
    for line, cells in table.rows:
        number = table.cell(line, cells, "number", _whole)
        due_on = table.cell(line, cells, "due_on", parse_date)
        found = [table.cell(line, cells, c, amount) for c in HEADER[2:]]
        values = [v for v in found if v is not None]
        if number is None or due_on is None or len(values) < len(found):
            continue
        payment, interest, principal, balance = values
        expected = rows[-1].number + 1 if rows else 1
        if number != expected:
            table.errors.append(table.at(line, f"{number} is out of order (expected "
                                               f"{expected})", "number"))  # fmt: skip
        elif rows and due_on < rows[-1].due_on:
            table.errors.append(table.at(line, f"{due_on} is before the row above's "
                                               f"{rows[-1].due_on}", "due_on"))  # fmt: skip
        elif payment != interest + principal:
            table.errors.append(table.at(line, "is not interest + principal", "payment"))
        elif rows and balance != rows[-1].balance - principal:
            table.errors.append(table.at(line, "is not the balance above less the principal",
                                         "balance"))  # fmt: skip
        rows.append(Instalment(number, due_on, payment, interest, principal, balance))
    if table.errors:
        raise BadInput("\n".join(table.errors))
    if not rows:
        raise BadInput(f"--schedule {path}: the schedule has no instalments")
    return rows


def read_payments(path: str, currency: str) -> list[Payment]:
    table = Table("--payments", path, PAYMENT_COLUMNS)
    amount = _amount(currency)
    payments: list[Payment] = []
    for line, cells in table.rows:
        paid_on = table.cell(line, cells, "paid_on", parse_date)
        value = table.cell(line, cells, "amount", amount)
        if value == 0:
            table.errors.append(table.at(line, "a payment must be more than zero", "amount"))
        elif paid_on is not None and value is not None:
            payments.append(Payment(paid_on, value))
    if table.errors:
        raise BadInput("\n".join(table.errors))
    return payments


def to_json(loan: LoanStatus, currency: str) -> dict[str, object]:
    digits = CURRENCY_DIGITS[currency]
    next_due = loan.next_due.isoformat() if loan.next_due else None
    return {
        "days_past_due": loan.days_past_due,
        "bucket": loan.bucket,
        "par30": loan.par30,
        "principal_outstanding": major(loan.principal_outstanding, digits),
        "overdue_interest": major(loan.overdue_interest, digits),
        "overdue_principal": major(loan.overdue_principal, digits),
        "par90": loan.par90,
        "next_due": next_due,
        "next_due_amount": major(loan.next_due_amount, digits),
        "interest_paid": major(loan.interest_paid, digits),
        "principal_paid": major(loan.principal_paid, digits),
        "unapplied": major(loan.unapplied, digits),
        "as_of": loan.as_of.isoformat(),
        "currency": currency,
    }


def to_text(loan: LoanStatus, currency: str) -> str:
    def yes(flag: bool) -> str:
        return "yes" if flag else "no"

    found = to_json(loan, currency)
    money = {key: f"{found[key]} {currency}" for key in found if isinstance(found[key], str)}
    lines = [
        ("as of", loan.as_of.isoformat()),
        ("days past due", str(loan.days_past_due)),
        ("bucket", loan.bucket),
        ("PAR30", yes(loan.par30)),
        ("PAR90", yes(loan.par90)),
        ("principal outstanding", money["principal_outstanding"]),
        ("overdue interest", money["overdue_interest"]),
        ("overdue principal", money["overdue_principal"]),
        ("interest paid", money["interest_paid"]),
        ("principal paid", money["principal_paid"]),
        ("unapplied (credit)", money["unapplied"]),
    ]
    if loan.next_due:
        lines.append(("next due", f"{found['next_due']}, {money['next_due_amount']}"))
    return "".join(f"{label:<23}{value}\n" for label, value in lines)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="intercoop loan-status", description=HELP)
    p.add_argument("--schedule", required=True, help="CSV written by `intercoop loan-schedule`")
    p.add_argument("--payments", required=True, help="CSV with the columns paid_on,amount")
    p.add_argument("--as-of", type=parse_date, required=True, help="YYYY-MM-DD")
    p.add_argument("--currency", type=parse_currency, required=True)
    p.add_argument("--format", choices=("json", "text"), default="json")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        instalments = read_schedule(args.schedule, args.currency)
        payments = read_payments(args.payments, args.currency)
    except BadInput as error:
        lines = str(error).split("\n")
        for line in lines[:MAX_ERRORS]:
            print(f"error: {line}", file=sys.stderr)
        if len(lines) > MAX_ERRORS:
            print(f"error: … and {len(lines) - MAX_ERRORS} more", file=sys.stderr)
        return 2
    loan = status(instalments, payments, args.as_of)
    if args.format == "json":
        print(json.dumps(to_json(loan, args.currency)))
    else:
        sys.stdout.write(to_text(loan, args.currency))
    return 0


if __name__ == "__main__":
    sys.exit(main())
