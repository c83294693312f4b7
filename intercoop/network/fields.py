"""The writable fields of a relationship and the one place that checks them (forms, the
API and the import all pass their values here). Pure: no database access."""

import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from intercoop.directory.fields import FIELDS as ORGANIZATION_FIELDS
from intercoop.directory.fields import FieldError
from intercoop.network.models import Relationship

# ISO 4217 currencies without minor units; every other has two (enough for co-op trade).
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "CLP", "ISK", "PYG", "VND", "XAF", "XOF"})
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_date = ORGANIZATION_FIELDS["founded_on"]


def _choice(choices: type[models.TextChoices]) -> Callable[..., str]:
    """A cleaner that accepts a choice's value or its English label, in any case."""
    by_text = {}
    for value, label in choices.choices:
        by_text[value] = value
        by_text[str(label).lower()] = value
        by_text[value.replace("_", " ")] = value

    def clean(raw: Any, default: str | None = None) -> str:
        text = "" if raw is None else str(raw).strip().lower()
        if not text and default is not None:
            return default
        value = by_text.get(text) or by_text.get(text.split("/")[0].strip())
        if value is None:
            allowed = ", ".join(v for v, _label in choices.choices)
            raise FieldError(
                _("%(value)r is not one of %(allowed)s") % {"value": raw, "allowed": allowed}
            )
        return value

    return clean


clean_kind = _choice(Relationship.Kind)
clean_formality = _choice(Relationship.Formality)
clean_visibility = _choice(Relationship.Visibility)


def minor_units(amount: Any, currency: str) -> int:
    """A money amount in major units ("12,000.50") as integer minor units for `currency`."""
    try:
        value = Decimal(str(amount).replace(",", "").strip())
    except InvalidOperation:
        raise FieldError(_("%(value)r is not an amount of money") % {"value": amount}) from None
    exponent = 0 if currency in ZERO_DECIMAL_CURRENCIES else 2
    scaled = value.scaleb(exponent)
    if scaled != scaled.to_integral_value():
        raise FieldError(_("%(value)r has too many decimals for %(currency)s") % {
            "value": amount, "currency": currency})  # fmt: skip
    return int(scaled)


def major_units(amount: int, currency: str) -> Decimal:
    """Integer minor units as a decimal amount in major units (the inverse of minor_units)."""
    return Decimal(amount).scaleb(-(0 if currency in ZERO_DECIMAL_CURRENCIES else 2))


def clean_relationship(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Returns (clean values, {field: reason}). `annual_value` is in minor units."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    checks = {
        "kind": lambda v: clean_kind(v),
        "formality": lambda v: clean_formality(v, Relationship.Formality.INFORMAL),
        "visibility": lambda v: clean_visibility(v, Relationship.Visibility.NETWORK),
        "started_on": _date,
        "ended_on": _date,
        "notes": lambda v: "" if v is None else str(v).strip()[:5000],
        "currency": lambda v: "" if v is None else str(v).strip().upper(),
    }
    for field, check in checks.items():
        try:
            clean[field] = check(values.get(field))
        except FieldError as error:
            errors[field] = str(error)
    value = values.get("annual_value")
    clean["annual_value"] = None
    if value not in (None, ""):
        if not isinstance(value, int) or isinstance(value, bool):
            errors["annual_value"] = _("must be a whole number of minor units (cents)")
        elif value < 0:
            errors["annual_value"] = _("must not be negative")
        else:
            clean["annual_value"] = value
    currency = clean.get("currency", "")
    if currency and not _CURRENCY.match(currency):
        errors["currency"] = _("%(value)r is not an ISO 4217 currency code") % {"value": currency}
    if clean["annual_value"] is not None and not currency:
        errors["currency"] = _("a value needs its currency")
    started, ended = clean.get("started_on"), clean.get("ended_on")
    if started and ended and ended < started:
        errors["ended_on"] = _("is before the start")
    unknown = set(values) - set(checks) - {"annual_value"}
    for field in sorted(unknown):
        errors[field] = _("is not a field of a relationship")
    return clean, errors
