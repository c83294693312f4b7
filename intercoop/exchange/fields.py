"""The fields of an offer, need or challenge and the one place that checks them, bounds
included (core.bounds). Pure."""

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from intercoop.core.bounds import (
    LONG_TEXT,
    SHORT_TEXT,
    OutOfBounds,
    check_currency,
    check_money,
    check_text,
    parse_whole,
)
from intercoop.core.taxonomy import CATEGORIES, CHALLENGES

KINDS = ("offer", "need", "challenge")
MAX_RADIUS_KM = 20_000  # half the Earth's circumference: anywhere
MAX_TAGS = 20
MAX_TAG = 100
# the column's length of each one-line text
TEXT_LENGTHS = {
    "title": SHORT_TEXT,
    "unit": 50,
    "price_hint": 100,
    "service_regions": 300,
    "contact": SHORT_TEXT,
}
FIELDS = (
    "category", "title", "description", "tags", "unit", "price_hint", "service_radius_km",
    "service_regions", "coop_discount", "annual_spend", "currency", "supplier_is_cooperative",
    "contact",
)  # fmt: skip
_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"0", "false", "no", "n"}


class FieldError(ValueError):
    """A value refused by a field's check; the message says why."""


def _line(field: str) -> Callable[[Any], str]:
    """A one-line text of at most the column's length (newlines folded into commas)."""

    def clean(value: Any) -> str:
        text = check_text(value, field=field, max_length=TEXT_LENGTHS[field]).strip()
        return re.sub(r"\s*[\r\n]+\s*", ", ", text)

    return clean


def _description(value: Any) -> str:
    return check_text(value, field="description", max_length=LONG_TEXT).strip()


def _tags(value: Any) -> list[str]:
    """A list, or text with tags separated by semicolons or new lines (a tag may hold a
    comma)."""
    if value in (None, ""):
        return []
    raw = value if isinstance(value, list | tuple) else re.split(r"[;\r\n]", str(value))
    tags = [check_text(tag, field="tags", max_length=MAX_TAG).strip() for tag in raw]
    tags = list(dict.fromkeys(tag for tag in tags if tag))
    if len(tags) > MAX_TAGS:
        raise FieldError(_("at most %(n)d tags") % {"n": MAX_TAGS})
    return tags


def _whole(value: Any, *, low: int, high: int) -> int | None:
    try:
        number = parse_whole(value)
    except ValueError as error:
        raise FieldError(str(error)) from None
    if number is not None and not low <= number <= high:
        raise FieldError(
            _("must be a whole number from %(low)d to %(high)d") % {"low": low, "high": high}
        )
    return number


def _radius(value: Any) -> int | None:
    return _whole(value, low=0, high=MAX_RADIUS_KM)


def _discount(value: Any) -> int:
    try:
        percent = _whole(value, low=0, high=100)
    except FieldError as error:
        if re.fullmatch(r"\d+", str(value).strip()):
            raise FieldError(_("is a percentage, at most 100")) from error
        raise
    return percent or 0


def _spend(value: Any) -> int | None:
    """Estimated annual spend in minor units."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,30}\s*", value):
        value = int(value)
    return check_money(value, field="annual_spend")


def _currency(value: Any) -> str:
    if value in (None, ""):
        return ""
    return check_currency(value, field="currency")


def _yes_no_unknown(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text == "":
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldError(_("%(value)r is not yes/no (true/false)") % {"value": str(value)[:40]})


def _category(kind: str, value: Any) -> str:
    allowed = CHALLENGES if kind == "challenge" else CATEGORIES
    text = "" if value is None else str(value).strip()
    for code, label in allowed.items():
        if text.lower() in (code, str(label).lower()):
            return code
    raise FieldError(
        _("%(value)r is not one of %(allowed)s")
        % {"value": text[:40], "allowed": ", ".join(allowed)}
    )


def clean_exchange_item(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Returns (clean values, {field: reason}); `annual_spend` is in minor units."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    kind = str(values.get("kind") or "").strip().lower()
    if kind not in KINDS:
        return {}, {
            "kind": _("%(value)r is not one of offer, need, challenge") % {"value": kind[:40]}
        }
    clean["kind"] = kind
    checks: dict[str, Callable[[Any], Any]] = {
        "category": lambda v: _category(kind, v),
        "title": _line("title"),
        "description": _description,
        "tags": _tags,
        "unit": _line("unit"),
        "price_hint": _line("price_hint"),
        "service_radius_km": _radius,
        "service_regions": _line("service_regions"),
        "coop_discount": _discount,
        "annual_spend": _spend,
        "currency": _currency,
        "supplier_is_cooperative": _yes_no_unknown,
        "contact": _line("contact"),
    }
    for field, check in checks.items():
        try:
            clean[field] = check(values.get(field))
        except (FieldError, OutOfBounds) as error:
            errors[field] = error.message if isinstance(error, OutOfBounds) else str(error)
    if not errors:
        if not clean["title"]:
            errors["title"] = _("is required")
        if clean["annual_spend"] is not None and not clean["currency"]:
            errors["currency"] = _("a value needs its currency")
    for field in sorted(set(values) - set(checks) - {"kind"}):
        errors[str(field)[:60]] = _("is not a field of an offer, need or challenge")
    return clean, errors
