"""The writable fields of a relationship and the one place that checks them (forms, the
API and the import all pass their values here). Pure: no database access."""

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from intercoop.core.money import CURRENCY
from intercoop.directory.fields import FIELDS as ORGANIZATION_FIELDS
from intercoop.directory.fields import FieldError
from intercoop.network.models import Relationship

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
    if currency and not CURRENCY.match(currency):
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
