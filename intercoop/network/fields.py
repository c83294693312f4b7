"""The writable fields of a relationship and the one place that checks them (forms, the
API and the import all pass their values here). Pure: no database access."""

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from intercoop.core.bounds import (
    LONG_TEXT,
    OutOfBounds,
    check_currency,
    check_date,
    check_money,
    check_text,
)
from intercoop.directory.fields import FieldError
from intercoop.network.models import Relationship


def _date(value: Any) -> dt.date | None:
    """A date (or an ISO text, or a year) between 1800 and 2200."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        text = str(value).strip()
        try:
            if len(text) == 4 and text.isdigit():
                value = dt.date(int(text), 1, 1)
            elif len(text) <= 32:
                value = dt.datetime.fromisoformat(text).date()
            else:
                raise ValueError(text)
        except ValueError:
            raise FieldError(
                _("%(value)r is not a date (YYYY-MM-DD)") % {"value": text[:32]}
            ) from None
    try:
        return check_date(value, field="date")
    except OutOfBounds as error:
        raise FieldError(error.message) from None


def _notes(value: Any) -> str:
    try:
        return check_text(value, field="notes", max_length=LONG_TEXT).strip()
    except OutOfBounds as error:
        raise FieldError(error.message) from None


def _currency(value: Any) -> str:
    if value is None or not str(value).strip():
        return ""
    try:
        return check_currency(value)
    except OutOfBounds as error:
        raise FieldError(error.message) from None


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
                _("%(value)r is not one of %(allowed)s")
                % {"value": str(raw)[:40], "allowed": allowed}
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
        "notes": _notes,
        "currency": _currency,
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
            try:
                clean["annual_value"] = check_money(value, field="annual_value")
            except OutOfBounds as error:
                errors["annual_value"] = error.message
    currency = clean.get("currency", "")
    if clean["annual_value"] is not None and not currency and "currency" not in errors:
        errors["currency"] = _("a value needs its currency")
    started, ended = clean.get("started_on"), clean.get("ended_on")
    if started and ended and ended < started:
        errors["ended_on"] = _("is before the start")
    unknown = set(values) - set(checks) - {"annual_value"}
    for field in sorted(unknown):
        errors[field] = _("is not a field of a relationship")
    return clean, errors
