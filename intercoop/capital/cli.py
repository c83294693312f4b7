"""`intercoop loan-schedule`: a loan's repayment schedule as CSV, without a database.

    intercoop loan-schedule --principal 10000.00 --annual-rate 12 --months 12 \\
        --method annuity --start 2027-01-31 --currency USD [--grace-months N] [--output FILE]

Columns `number,due_on,payment,interest,principal,balance`, amounts in major units with
the currency's digits (JPY 0, KWD 3). The conventions are in `schedule.py`. Bad input is
an error naming its option (`error: --months: …`), with exit status 2."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import sys
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from intercoop.capital.schedule import (
    MAX_MONTHS,
    MAX_RATE,
    METHODS,
    RATE_DECIMALS,
    Instalment,
    due_date,
    schedule,
)
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


def check_rate(value: Decimal) -> Decimal:
    """A rate in per cent a year from 0 to MAX_RATE with at most RATE_DECIMALS decimals."""
    if not 0 <= value <= MAX_RATE:
        raise argparse.ArgumentTypeError(f"{value} is not from 0 to {MAX_RATE} (per cent a year)")
    if value.normalize().as_tuple().exponent < -RATE_DECIMALS:  # type: ignore[operator]
        raise argparse.ArgumentTypeError(
            f"{value} has too many decimals: a rate has at most {RATE_DECIMALS} decimals"
        )
    return value


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


class OptionError(Exception):
    """A value this command cannot use, and the option it came from."""

    def __init__(self, option: str, reason: object) -> None:
        super().__init__(f"{option}: {reason}")


def _checked(args: argparse.Namespace) -> int:
    """The principal in minor units, once every option is checked (naming the option)."""
    try:
        principal = to_minor(args.principal, args.currency)
    except argparse.ArgumentTypeError as error:
        raise OptionError("--principal", error) from None
    if principal <= 0:
        raise OptionError("--principal", "must be more than zero")
    try:
        check_rate(args.annual_rate)
    except argparse.ArgumentTypeError as error:
        raise OptionError("--annual-rate", error) from None
    if not 1 <= args.months <= MAX_MONTHS:
        raise OptionError("--months", f"must be from 1 to {MAX_MONTHS}")
    if not 0 <= args.grace_months < args.months:
        raise OptionError("--grace-months", "must be from 0 to one less than --months")
    try:
        due_date(args.start, args.months)
    except (ValueError, OverflowError):
        raise OptionError("--start/--months", "the last instalment would fall after the "
                                              "year 9999") from None  # fmt: skip
    return principal


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    digits = CURRENCY_DIGITS[args.currency]
    try:
        principal = _checked(args)
        rows = schedule(
            principal=principal,
            annual_rate=args.annual_rate,
            months=args.months,
            method=args.method,
            start=args.start,
            grace_months=args.grace_months,
        )
    except (OptionError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    text = to_csv(rows, digits)
    if not args.output:
        sys.stdout.write(text)
        return 0
    try:
        with open(args.output, "w", newline="", encoding="utf-8") as file:
            file.write(text)
    except OSError as error:
        print(f"error: --output: {args.output}: {error.strerror or error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
