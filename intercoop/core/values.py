"""Checking a record's values together: each field's clean value or its reason, raised at
once as InvalidValues naming every field at fault (services of every app use it)."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.bounds import OutOfBounds, check_date, check_money, check_text
from intercoop.core.errors import InvalidValues
from intercoop.core.money import format_money


class Values:
    """Collects each field's checked value or its reason, raised together."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.clean: dict[str, Any] = {}

    def check(self, field: str, checker: Any, *args: Any, **options: Any) -> Any:
        try:
            self.clean[field] = checker(*args, field=field, **options)
        except OutOfBounds as error:
            self.errors[field] = error.message
        return self.clean.get(field)

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def done(self) -> dict[str, Any]:
        if self.errors:
            raise InvalidValues(self.errors)
        return self.clean


def check_whole(value: Any, *, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise OutOfBounds(
            _("must be a whole number from %(low)s to %(high)s") % {"low": low, "high": high},
            field=field,
        )
    return value


def check_day(value: Any, *, field: str, not_future: bool = False) -> dt.date:
    """A date (required; a datetime counts as its date), within `check_date`'s bounds."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise OutOfBounds(_("is a date, such as 2027-01-31"), field=field)
    check_date(value, field=field, not_future=not_future, today=timezone.localdate())
    return value


def positive_money(
    values: Values, field: str, value: Any, high: int | None = None, currency: str = ""
) -> int:
    amount = values.check(field, check_money, value)
    if amount is not None and amount <= 0:
        values.fail(field, _("must be more than zero"))
    if amount is not None and high is not None and amount > high:
        most = format_money(high, currency) if currency else high
        values.fail(field, _("is more than %(most)s") % {"most": most})
    return amount or 0


def check_decimal(value: Any, *, field: str, high: int, places: int) -> Decimal:
    """A finite number (or its text, such as "7.5") from 0 to `high`, with at most
    `places` decimals: never rounded silently."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        number = None
    if isinstance(value, bool) or value is None or number is None or not number.is_finite():
        raise OutOfBounds(_("is a number, such as 7.5"), field=field)
    if not 0 <= number <= high:
        raise OutOfBounds(
            _("must be a number from 0 to %(high)s") % {"high": f"{high:,}"}, field=field
        )
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise OutOfBounds(_("has more than %(places)d decimals") % {"places": places}, field=field)
    return number


KEY_LENGTH = 100  # an idempotency key's most characters


def check_key(value: str | None, *, field: str) -> str | None:
    """An idempotency key (a client's name for one request, so that a retried request
    writes nothing new): at most KEY_LENGTH characters; None for none."""
    return check_text((value or "").strip(), field=field, max_length=KEY_LENGTH) or None
