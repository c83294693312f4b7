from typing import Any

from django import template
from django.utils.formats import number_format

from intercoop.core.money import major_units

register = template.Library()


@register.filter
def money(value: Any, currency: str) -> str:
    """Integer minor units as major units with the currency code: 123456|money:"EUR" is
    "1,234.56 EUR" (grouped and with the decimal sign of the active language)."""
    if value is None:
        return "—"
    amount = major_units(value, currency)
    places = -int(amount.as_tuple().exponent)
    return f"{number_format(amount, places, force_grouping=True)} {currency}"
