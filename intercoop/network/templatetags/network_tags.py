from typing import Any

from django import template
from django.utils.formats import number_format

from intercoop.core.money import major_units

register = template.Library()


@register.filter
def indicator(value: Any) -> str:
    """An indicator as a reader wants it: shares as percentages, lists joined."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✔" if value else "—"
    if isinstance(value, float):
        return number_format(value, 3)
    if isinstance(value, list):
        return " – ".join(indicator(v) for v in value)
    return str(value)


@register.filter
def is_mapping(value: Any) -> bool:
    return isinstance(value, dict)


@register.filter
def percent(value: Any) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def money(value: Any, currency: str) -> str:
    """Integer minor units as major units with the currency code."""
    if value is None:
        return "—"
    return f"{number_format(major_units(value, currency), 2, force_grouping=True)} {currency}"
