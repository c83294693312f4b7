from typing import Any

from django import template
from django.utils.formats import number_format

from intercoop.core.money import format_money, major_units, unit_price_major

register = template.Library()


@register.filter
def money(value: Any, currency: str) -> str:
    """Integer minor units as major units with the currency code: 123456|money:"EUR" is
    "1,234.56 EUR" (grouped and with the decimal sign of the active language)."""
    return format_money(value, currency)


@register.filter
def unit_money(value: Any, currency: str) -> str:
    """A price per unit, in minor units that may carry fractions, as major units:
    12.5|unit_money:"USD" is "0.125 USD"."""
    if value is None:
        return "—"
    amount = unit_price_major(value, currency)
    places = max(-int(major_units(1, currency).as_tuple().exponent),
                 -int(amount.as_tuple().exponent))  # fmt: skip
    return f"{number_format(amount, places, force_grouping=True)} {currency}"
