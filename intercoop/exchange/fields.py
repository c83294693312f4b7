"""The fields of an offer, need or challenge and the one place that checks them. Pure."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from intercoop.core.money import CURRENCY
from intercoop.directory.fields import FIELDS as ORGANIZATION_FIELDS
from intercoop.directory.fields import FieldError
from intercoop.exchange.taxonomy import CATEGORIES, CHALLENGES

KINDS = ("offer", "need", "challenge")
_text = ORGANIZATION_FIELDS["legal_form"]  # a one-line text (strip, newlines folded)
_tags = ORGANIZATION_FIELDS["tags"]
_count = ORGANIZATION_FIELDS["employees"]  # a whole number, not negative


def _yes_no_unknown(value: Any) -> bool | None:
    return None if value in (None, "") else bool(ORGANIZATION_FIELDS["is_cooperative"](value))


def _category(kind: str, value: Any) -> str:
    allowed = CHALLENGES if kind == "challenge" else CATEGORIES
    text = "" if value is None else str(value).strip()
    for code, label in allowed.items():
        if text.lower() in (code, str(label).lower()):
            return code
    raise FieldError(
        _("%(value)r is not one of %(allowed)s") % {"value": text, "allowed": ", ".join(allowed)}
    )


def clean_exchange_item(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Returns (clean values, {field: reason}); `annual_spend` is in minor units."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    kind = str(values.get("kind") or "").strip().lower()
    if kind not in KINDS:
        return {}, {"kind": _("%(value)r is not one of offer, need, challenge") % {"value": kind}}
    clean["kind"] = kind
    checks = {
        "category": lambda v: _category(kind, v),
        "title": _text,
        "description": lambda v: "" if v is None else str(v).strip()[:5000],
        "tags": _tags,
        "unit": _text,
        "price_hint": _text,
        "service_radius_km": _count,
        "service_regions": _text,
        "coop_discount": lambda v: _count(v) or 0,
        "annual_spend": _count,
        "currency": lambda v: "" if v is None else str(v).strip().upper(),
        "supplier_is_cooperative": _yes_no_unknown,
        "contact": _text,
    }  # fmt: skip
    for field, check in checks.items():
        try:
            clean[field] = check(values.get(field))
        except FieldError as error:
            errors[field] = str(error)
    if not errors:
        if not clean["title"]:
            errors["title"] = _("is required")
        if clean["coop_discount"] > 100:
            errors["coop_discount"] = _("is a percentage, at most 100")
        if clean["currency"] and not CURRENCY.match(clean["currency"]):
            errors["currency"] = _("%(value)r is not an ISO 4217 currency code") % {
                "value": clean["currency"]
            }
        if clean["annual_spend"] is not None and not clean["currency"]:
            errors["currency"] = _("a value needs its currency")
    for field in sorted(set(values) - set(checks) - {"kind"}):
        errors[field] = _("is not a field of an offer, need or challenge")
    return clean, errors
