"""Money is integer minor units plus an ISO 4217 code; these convert for people, who
read and type major units ("12,000.50")."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from intercoop.core.errors import DomainError

# ISO 4217 currencies without minor units; every other has two (enough for co-op trade).
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "CLP", "ISK", "PYG", "VND", "XAF", "XOF"})
CURRENCY = re.compile(r"^[A-Z]{3}$")


class MoneyError(DomainError):
    pass


def _exponent(currency: str) -> int:
    return 0 if currency in ZERO_DECIMAL_CURRENCIES else 2


def minor_units(amount: Any, currency: str) -> int:
    """A money amount in major units ("12,000.50") as integer minor units for `currency`."""
    try:
        value = Decimal(str(amount).replace(",", "").strip())
    except InvalidOperation:
        raise MoneyError(_("%(value)r is not an amount of money") % {"value": amount}) from None
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
