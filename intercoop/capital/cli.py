"""`intercoop loan-schedule`: a loan's repayment schedule as CSV, without a database.

    intercoop loan-schedule --principal 10000.00 --annual-rate 12 --months 12 \\
        --method annuity --start 2027-01-31 --currency USD [--grace-months N] [--output FILE]

Columns `number,due_on,payment,interest,principal,balance`, amounts in major units with
the currency's digits (JPY 0, KWD 3). The conventions are in `schedule.py`."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import sys
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from intercoop.capital.schedule import METHODS, Instalment, schedule
from intercoop.core.currencies import CURRENCY_DIGITS

HELP = "A loan's repayment schedule as CSV (annuity, equal-principal, interest-only, flat)"
MAX_DIGITS = 18  # digits before the point of any amount read
HEADER = ["number", "due_on", "payment", "interest", "principal", "balance"]


def parse_number(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"{text!r} is not a number")
    return value


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def parse_currency(text: str) -> str:
    if text.upper() not in CURRENCY_DIGITS:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 4217 currency code")
    return text.upper()


def to_minor(value: Decimal, currency: str) -> int:
    """`value` in major units as whole minor units of `currency`, refusing more decimals
    than it has (and absurd sizes)."""
    digits = CURRENCY_DIGITS[currency]
    if value.adjusted() > MAX_DIGITS:
        raise argparse.ArgumentTypeError(f"{value} is too large")
    minor = value.scaleb(digits)
    if minor != minor.to_integral_value():
        raise argparse.ArgumentTypeError(f"{value} has more than {digits} decimals for {currency}")
    return int(minor)


def major(minor: int, digits: int) -> str:
    """Minor units as a decimal string in major units: 88849, 2 → "888.49"."""
    return f"{Decimal(minor).scaleb(-digits):.{digits}f}"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="intercoop loan-schedule", description=HELP)
    p.add_argument("--principal", type=parse_number, required=True, help="major units: 10000.00")
    p.add_argument("--annual-rate", type=parse_number, required=True, help="per cent a year: 12")
    p.add_argument("--months", type=int, required=True)
    p.add_argument("--method", choices=METHODS, required=True)
    p.add_argument("--start", type=parse_date, required=True, help="YYYY-MM-DD")
    p.add_argument("--grace-months", type=int, default=0, help="interest-only months first")
    p.add_argument("--currency", type=parse_currency, required=True)
    p.add_argument("--output", help="CSV file to write (default: standard output)")
    return p


def to_csv(rows: Sequence[Instalment], digits: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for row in rows:
        amounts = (row.payment, row.interest, row.principal, row.balance)
        writer.writerow([row.number, row.due_on.isoformat(), *(major(a, digits) for a in amounts)])
    return out.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    digits = CURRENCY_DIGITS[args.currency]
    try:
        principal = to_minor(args.principal, args.currency)
    except argparse.ArgumentTypeError as error:
        print(f"error: --principal: {error}", file=sys.stderr)
        return 2
    try:
        rows = schedule(
            principal=principal,
            annual_rate=args.annual_rate,
            months=args.months,
            method=args.method,
            start=args.start,
            grace_months=args.grace_months,
        )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    text = to_csv(rows, digits)
    if args.output:
        with open(args.output, "w", newline="", encoding="utf-8") as file:
            file.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
