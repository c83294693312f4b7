"""Bounds on every input: money, quantities, currencies, dates and text.

One set of limits, used by models (field types), forms, API schemas and services, so that
no value can overflow a 64-bit column, reach the database malformed or come back as a 500.
"""

import datetime as dt
import re
from typing import Annotated, Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import AfterValidator, Field

from intercoop.core.currencies import CURRENCIES, CURRENCY_DIGITS
from intercoop.core.errors import DomainError

# 10^15 minor units (10 trillion dollars): sums of up to 9,000 such amounts still fit a
# signed 64-bit integer, and sums beyond are computed in Python's unbounded integers.
MAX_MONEY = 10**15
MAX_QUANTITY = 10**12
SHORT_TEXT = 200
LONG_TEXT = 5_000
EARLIEST_DATE = dt.date(1800, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)


class OutOfBounds(DomainError):
    """A value outside its field's bounds; `field` names it."""


def currency_digits(currency: str) -> int:
    return CURRENCY_DIGITS.get(currency, 2)


def check_currency(value: Any, *, field: str = "currency") -> str:
    code = str(value or "").strip().upper()
    if code not in CURRENCIES:
        raise OutOfBounds(
            _("%(value)r is not an ISO 4217 currency code") % {"value": str(value)[:10]},
            field=field,
        )
    return code


def check_money(value: Any, *, field: str, negative: bool = False) -> int:
    """An amount in minor units within ±MAX_MONEY (and not negative unless allowed)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise OutOfBounds(_("must be a whole number of minor units"), field=field)
    low = -MAX_MONEY if negative else 0
    if not low <= value <= MAX_MONEY:
        raise OutOfBounds(money_range_message(negative=negative), field=field)
    return value


def money_range_message(*, negative: bool = False) -> str:
    if negative:
        return _("must be between -10^15 and 10^15 minor units")
    return _("must be between 0 and 10^15 minor units")


def check_quantity(value: Any, *, field: str, negative: bool = False) -> Any:
    """A count or measure (int or Decimal) within ±MAX_QUANTITY."""
    try:
        ok = (-MAX_QUANTITY if negative else 0) <= value <= MAX_QUANTITY
    except TypeError:
        ok = False
    if not ok or isinstance(value, bool):
        raise OutOfBounds(
            _("must be a number between %(low)s and %(high)s")
            % {"low": "-10^12" if negative else "0", "high": "10^12"},
            field=field,
        )
    return value


def check_text(value: Any, *, field: str, max_length: int = SHORT_TEXT) -> str:
    """Text without NUL or other control characters (tab and newlines allowed), at most
    `max_length` characters. Never cut silently."""
    text = "" if value is None else str(value)
    if len(text) > max_length:
        raise OutOfBounds(
            _("is %(length)d characters long; at most %(max)d are allowed")
            % {"length": len(text), "max": max_length},
            field=field,
        )
    if any(ord(c) < 32 and c not in "\t\n\r" for c in text):
        raise OutOfBounds(_("contains a control character"), field=field)
    return text


def check_date(
    value: dt.date | None,
    *,
    field: str,
    not_future: bool = False,
    not_past: bool = False,
    today: dt.date | None = None,
) -> dt.date | None:
    if value is None:
        return None
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise OutOfBounds(
            _("must be between %(low)s and %(high)s")
            % {"low": EARLIEST_DATE.isoformat(), "high": LATEST_DATE.isoformat()},
            field=field,
        )
    today = today or dt.date.today()
    if not_future and day > today:
        raise OutOfBounds(_("cannot be in the future"), field=field)
    if not_past and day < today:
        raise OutOfBounds(_("cannot be in the past"), field=field)
    return value


# Model fields: the column type and validators every app uses for these values.


class MoneyField(models.BigIntegerField):
    """Integer minor units, 0..10^15 (or ±10^15 with `negative=True`)."""

    def __init__(self, *args: Any, negative: bool = False, **kwargs: Any) -> None:
        self.negative = negative
        kwargs.setdefault(
            "validators",
            [MinValueValidator(-MAX_MONEY if negative else 0), MaxValueValidator(MAX_MONEY)],
        )
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        if self.negative:
            kwargs["negative"] = True
        return name, path, args, kwargs


class CurrencyField(models.CharField):
    """An ISO 4217 code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("validators", [_validate_currency])
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        if kwargs.get("max_length") == 3:
            kwargs.pop("max_length")
        return name, path, args, kwargs


def _validate_currency(value: str) -> None:
    from django.core.exceptions import ValidationError

    if value not in CURRENCIES:
        raise ValidationError(gettext_lazy("Not an ISO 4217 currency code"))


# API schema types (pydantic): out-of-bounds input is a 422 naming the field.


def _no_control(value: str) -> str:
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise ValueError("contains a control character")
    return value


def _iso_currency(value: str) -> str:
    if value.upper() not in CURRENCIES:
        raise ValueError("not an ISO 4217 currency code")
    return value.upper()


def Text(max_length: int = SHORT_TEXT) -> Any:
    """A string schema field of at most `max_length` characters, no control characters."""
    return Annotated[str, Field(max_length=max_length), AfterValidator(_no_control)]


MoneyIn = Annotated[int, Field(ge=0, le=MAX_MONEY)]
SignedMoneyIn = Annotated[int, Field(ge=-MAX_MONEY, le=MAX_MONEY)]
QuantityIn = Annotated[int, Field(ge=0, le=MAX_QUANTITY)]
CurrencyIn = Annotated[str, Field(min_length=3, max_length=3), AfterValidator(_iso_currency)]


def parse_whole(value: Any) -> int | None:
    """A whole number typed or sent as text ("1,200"), an int or an integral float; None
    when empty. Anything else, or more than 30 digits, is a ValueError saying so."""
    if value in (None, ""):
        return None
    shown = value[:40] if isinstance(value, str) else value
    problem = _("%(value)r is not a whole number") % {"value": shown}
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(problem)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if abs(value) < 1e30 else MAX_MONEY * 10**15
    text = str(value).strip().replace(",", "")
    if not re.fullmatch(r"[+-]?\d{1,30}", text):
        raise ValueError(problem)
    return int(text)
