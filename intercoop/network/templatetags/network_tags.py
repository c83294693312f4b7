from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def indicator(value: Any) -> str:
    """An indicator as a reader wants it: shares as percentages, lists joined."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✔" if value else "—"
    if isinstance(value, float):  # up to 3 decimals, in the language's way: 2.1 is "2,1"
        return number_format(Decimal(str(round(value, 3))).normalize())
    if isinstance(value, list):
        return " – ".join(indicator(v) for v in value)
    return str(value)


@register.filter
def is_mapping(value: Any) -> bool:
    return isinstance(value, dict)


@register.filter
def percent(value: Any) -> str:
    return "—" if value is None else f"{number_format(value * 100, 1)}%"
