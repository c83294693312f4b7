"""The bounds of joint purchasing's values, checked by its services: every field's
first error is collected and raised together (InvalidValues), so a form or an API client
hears of every bad field at once and nothing is written."""

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from intercoop.core.bounds import (
    LONG_TEXT,
    SHORT_TEXT,
    OutOfBounds,
    check_currency,
    check_date,
    check_text,
)
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.taxonomy import CATEGORIES
from intercoop.purchasing.models import (
    MAX_CASE_SIZE,
    MAX_TIERS,
    MAX_UNIT_PRICE,
    MAX_UNITS,
    Contract,
    Round,
)

T = TypeVar("T")
THOUSANDTH = Decimal("0.001")
ROUND_FIELDS = ("title", "description", "kind", "category", "currency", "volume_unit",
                "strategy", "transport_split", "closes_on")  # fmt: skip


class Errors:
    """Every field's first error, raised together as InvalidValues."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, reason: str) -> None:
        self.errors.setdefault(field, reason)

    def check(self, check: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return check(*args, **kwargs)
        except OutOfBounds as error:
            self.add(error.field or "", error.message)
            return None

    def raise_any(self) -> None:
        if self.errors:
            raise InvalidValues(self.errors)


def check_number(value: Any, *, field: str, high: int, whole: bool = False) -> Decimal:
    """A finite number from 0 to `high` with at most three decimals (whole if `whole`)."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise OutOfBounds(_("is not a number"), field=field) from None
    if isinstance(value, bool) or not number.is_finite():
        raise OutOfBounds(_("is not a number"), field=field)
    if number < 0:
        raise OutOfBounds(_("is not negative"), field=field)
    if number > high:
        raise OutOfBounds(
            _("must be a number between 0 and %(high)s")
            % {"high": number_format(high, force_grouping=True)},
            field=field,
        )
    if whole and number != number.to_integral_value():
        raise OutOfBounds(_("is a whole number of units"), field=field)
    if number != number.quantize(THOUSANDTH):
        raise OutOfBounds(_("has more than three decimals"), field=field)
    return number


def check_units(value: Any, *, field: str, whole: bool = False) -> Decimal:
    """A quantity or volume in units."""
    return check_number(value, field=field, high=MAX_UNITS, whole=whole)


def check_unit_price(value: Any, *, field: str) -> Decimal:
    """A price per unit in minor units (fractions of a minor unit kept)."""
    return check_number(value, field=field, high=MAX_UNIT_PRICE)


def required_text(
    errors: Errors, values: Mapping[str, Any], field: str, max_length: int = SHORT_TEXT
) -> str:
    text = errors.check(check_text, values.get(field), field=field, max_length=max_length)
    if text is not None and not text.strip():
        errors.add(field, _("is required"))
    return (text or "").strip()


def plain(value: Any) -> str:
    """A number as plain decimal text ("4000", not "4.0E+3"), for JSON."""
    return format(Decimal(str(value)).normalize(), "f")


def check_tiers(raw: Any, errors: Errors) -> list[list[str]]:
    if not isinstance(raw, list | tuple) or len(raw) > MAX_TIERS:
        errors.add("tiers", _("at most %(n)s tiers of [from volume, unit price]")
                   % {"n": MAX_TIERS})  # fmt: skip
        return []
    tiers = []
    for n, tier in enumerate(raw, start=1):
        if not isinstance(tier, list | tuple) or len(tier) != 2:
            errors.add("tiers", _("each tier is [from volume, unit price]"))
            return []
        volume = errors.check(check_units, tier[0], field=f"tiers[{n}].volume")
        price = errors.check(check_unit_price, tier[1], field=f"tiers[{n}].price")
        if volume is not None and price is not None:
            tiers.append([plain(volume), plain(price)])
    tiers.sort(key=lambda t: Decimal(t[0]))
    if not errors.errors and (not tiers or Decimal(tiers[0][0]) != 0):
        errors.add("tiers", _("the first tier starts at volume 0"))
    return tiers


def round_values(values: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    unknown = sorted(set(values) - set(ROUND_FIELDS))
    if unknown:
        errors.add(unknown[0], _("is not a field of a round"))
    clean: dict[str, Any] = {
        "title": required_text(errors, values, "title"),
        "description": errors.check(
            check_text, values.get("description"), field="description", max_length=LONG_TEXT
        ) or "",
        "volume_unit": (errors.check(
            check_text, values.get("volume_unit"), field="volume_unit", max_length=40
        ) or "").strip(),
    }  # fmt: skip
    for field, choices, default in (
        ("kind", Round.Kind.values, None),
        ("category", list(CATEGORIES), None),
        ("strategy", Round.Strategy.values, Round.Strategy.FIFO),
        ("transport_split", Round.Split.values, Round.Split.VALUE),
    ):
        value = values.get(field) or default
        if value not in choices:
            errors.add(field, _("is one of %(choices)s") % {"choices": ", ".join(choices)})
        clean[field] = value
    clean["currency"] = errors.check(check_currency, values.get("currency"), field="currency")
    closes_on = values.get("closes_on")
    if closes_on is not None and not isinstance(closes_on, dt.date):
        errors.add("closes_on", _("is a date"))
    else:
        clean["closes_on"] = errors.check(
            check_date, closes_on, field="closes_on", not_past=True, today=timezone.localdate()
        )
    if clean["kind"] == Round.Kind.SERVICE and not clean["volume_unit"]:
        errors.add("volume_unit", _("a service round says what members commit (kWh/year, …)"))
    return clean


def article_values(n: int, article: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    prefix = f"articles[{n}]."
    unknown = sorted(
        set(article) - {"name", "unit", "case_size", "reference_price", "minimum", "by_weight"}
    )
    if unknown:
        errors.add(prefix + unknown[0], _("is not a field of an article"))
    case_size = article.get("case_size", 1)
    case_size = 1 if case_size is None else case_size
    if isinstance(case_size, bool) or not isinstance(case_size, int):
        errors.add(prefix + "case_size", _("is a whole number"))
    elif not 1 <= case_size <= MAX_CASE_SIZE:
        errors.add(
            prefix + "case_size",
            _("is from 1 to %(high)s")
            % {"high": number_format(MAX_CASE_SIZE, force_grouping=True)},
        )
    return {
        "name": article_text(errors, article, prefix + "name", "name", SHORT_TEXT, required=True),
        "unit": article_text(errors, article, prefix + "unit", "unit", 40) or "piece",
        "case_size": case_size,
        "reference_price": errors.check(
            check_unit_price, article.get("reference_price") or 0, field=prefix + "reference_price"
        ),
        "minimum": errors.check(check_units, article.get("minimum") or 0, field=prefix + "minimum"),
        "by_weight": bool(article.get("by_weight")),
    }


def article_text(
    errors: Errors, values: Mapping[str, Any], field: str, key: str, max_length: int,
    *, required: bool = False,
) -> str:  # fmt: skip
    text = errors.check(check_text, values.get(key), field=field, max_length=max_length) or ""
    if required and not text.strip():
        errors.add(field, _("is required"))
    return text.strip()


def refuse_unratified(round: Round) -> None:
    """Nothing is delivered, billed or started under an award that awaits its
    ratification by the round's members."""
    if Contract.objects.filter(round=round, ratification=Contract.Ratification.PENDING).exists():
        raise DomainError(
            _("The award awaits ratification by the round's members: this waits for their vote")
        )
