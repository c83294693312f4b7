"""Money is integer minor units plus an ISO 4217 code; these convert for people, who
read and type major units ("12,000.50")."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from intercoop.core.bounds import MAX_MONEY, currency_digits, money_range_message
from intercoop.core.errors import DomainError

CURRENCY = re.compile(r"^[A-Z]{3}$")


class MoneyError(DomainError):
    pass


def _exponent(currency: str) -> int:
    """Digits of the currency's minor unit (ISO 4217: JPY 0, USD 2, KWD 3)."""
    return currency_digits(currency)


def minor_units(amount: Any, currency: str) -> int:
    """A money amount in major units ("12,000.50") as integer minor units for `currency`,
    within ±10^15 minor units."""
    text = str(amount).replace(",", "").strip()
    try:
        value = Decimal(text) if len(text) <= 40 else Decimal("NaN")
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise MoneyError(
            _("%(value)r is not an amount of money") % {"value": str(amount)[:40]}
        ) from None
    if abs(value.scaleb(_exponent(currency))) > MAX_MONEY:
        raise MoneyError(money_range_message(negative=True))
    scaled = value.scaleb(_exponent(currency))
    if scaled != scaled.to_integral_value():
        raise MoneyError(
            _("%(value)r has too many decimals for %(currency)s")
            % {"value": amount, "currency": currency}
        )
    return int(scaled)


def major_units(amount: int, currency: str) -> Decimal:
    """Integer minor units as a decimal amount in major units (the inverse)."""
    return Decimal(amount).scaleb(-_exponent(currency))


def unit_price(amount: Any, currency: str) -> Decimal:
    """A price per unit in major units as minor units, keeping fractions of a minor unit
    (0.125 USD per kWh is 12.5 cents): totals are rounded, unit prices are not."""
    try:
        value = Decimal(str(amount).replace(",", "").strip()).scaleb(_exponent(currency))
        return Decimal(format(value, "f"))
    except InvalidOperation:
        raise MoneyError(_("%(value)r is not an amount of money") % {"value": amount}) from None


def unit_price_major(amount: Any, currency: str) -> Decimal:
    """A price per unit in minor units as major units, without trailing zeros."""
    return Decimal(amount).scaleb(-_exponent(currency)).normalize()


def format_money(value: Any, currency: str) -> str:
    """Integer minor units for people: 123456, "EUR" is "1,234.56 EUR" (grouped, with the
    decimal sign of the active language); the `money` template filter and summaries of
    audit events and notifications use it."""
    if value is None:
        return "—"
    amount = major_units(value, currency)
    places = -int(amount.as_tuple().exponent)
    return f"{number_format(amount, places, force_grouping=True)} {currency}"
