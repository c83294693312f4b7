"""The writable fields of an organisation and the one place that checks them.

Every write path (form, API, importers) passes its values through `clean_organization`,
so a rule about a field is stated once. Values may arrive typed (API) or as text (CSV).
Pure: no database access.
"""

import datetime as dt
import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from intercoop.core.bounds import (
    CURRENCIES,
    LONG_TEXT,
    MAX_MONEY,
    SHORT_TEXT,
    OutOfBounds,
    check_date,
    parse_whole,
)
from intercoop.directory import vocab

Cleaner = Callable[[Any], Any]

_TRUE = {"1", "true", "yes", "y", "on", "t"}
_FALSE = {"0", "false", "no", "n", "off", "f", ""}
# Scheme, a host with a dot (or localhost), an optional port, then no spaces.
_URL = re.compile(r"^https?://(localhost|[^\s/?#:@]+\.[^\s/?#:@]+)(:\d+)?([/?#]\S*)?$", re.I)
_email = EmailValidator()
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class FieldError(ValueError):
    pass


# Counts (members, employees): the largest co-operatives count members in tens of
# millions; a billion bounds any real one and fits the column.
MAX_COUNT = 10**9
MAX_TAGS = 50
MAX_TAG = 100
MAX_LANGUAGES = 20
MAX_EMAIL = 254
# Column lengths, the one statement of each text field's maximum (forms and API use them).
TEXT_LENGTHS = {
    "external_id": SHORT_TEXT,
    "slug": 120,
    "name": SHORT_TEXT,
    "description": LONG_TEXT,
    "legal_form": 100,
    "registrar": 100,
    "registration_number": 50,
    "phone": 50,
    "street": 255,
    "locality": 100,
    "region": 100,
    "postcode": 20,
    "website": 500,
    "email": MAX_EMAIL,
}


def _has_control(text: str) -> bool:
    return any(ord(c) < 32 and c not in "\t\n\r" for c in text)


def _refuse_control(value: Any) -> None:
    """No field takes NUL or other control characters (tab and newlines excepted)."""
    items = value if isinstance(value, list | tuple) else [value]
    for item in items:
        if isinstance(item, str) and _has_control(item):
            raise FieldError(_("contains a control character"))


SCHEME_NAMES = {
    "organisational_structure": gettext_lazy("organisational structure"),
    "base_membership_type": gettext_lazy("base membership type"),
    "activity": gettext_lazy("activity"),
}


def _text(max_length: int, *, required: bool = False, multiline: bool = False) -> Cleaner:
    def clean(value: Any) -> str:
        text = "" if value is None else str(value).strip()
        if not multiline and "\n" in text:
            text = re.sub(r"\s*\n\s*", ", ", text)
        if required and not text:
            raise FieldError(_("is required"))
        if len(text) > max_length:
            raise FieldError(_("is longer than %(n)d characters") % {"n": max_length})
        return text

    return clean


def _code(scheme: vocab.Scheme) -> Cleaner:
    def clean(value: Any) -> str:
        text = "" if value is None else str(value).strip()
        if not text:
            return ""
        code = vocab.parse_code(scheme, text)
        if code is None:
            raise FieldError(
                _("unknown ESSGlobal %(scheme)s code %(value)r")
                % {"scheme": SCHEME_NAMES[scheme], "value": text}
            )
        return code

    return clean


def _codes(scheme: vocab.Scheme) -> Cleaner:
    one = _code(scheme)

    def clean(value: Any) -> str:
        items = _split(value)
        codes = " ".join(dict.fromkeys(code for code in map(one, items[:100]) if code))
        if len(items) > 100 or len(codes) > 200:
            raise FieldError(_("too many codes"))
        return codes

    return clean


def _split(value: Any, separators: str = r"[;,|\s]+") -> list[str]:
    """A list from a list, or from text (codes: separated by commas, semicolons or spaces;
    tags: by semicolons only, since a tag may hold a comma)."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(item).strip() for item in value if str(item).strip()]
    return [item.strip() for item in re.split(separators, str(value)) if item.strip()]


def _bool(default: bool) -> Cleaner:
    def clean(value: Any) -> bool:
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text == "":
            return default
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise FieldError(_("%(value)r is not yes/no (true/false)") % {"value": value})

    return clean


def _parse_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            return dt.date(int(text), 1, 1)
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise FieldError(_("%(value)r is not a date (YYYY-MM-DD)") % {"value": text[:40]}) from None


def _dated(*, not_future: bool) -> Cleaner:
    """A date within core.bounds' range; with `not_future`, not after today."""

    def clean(value: Any) -> dt.date | None:
        day = _parse_date(value)
        try:
            return check_date(day, field="", not_future=not_future)
        except OutOfBounds as error:
            raise FieldError(error.message) from None

    return clean


def _whole(value: Any) -> int | None:
    try:
        return parse_whole(value)
    except ValueError as error:
        raise FieldError(str(error)) from None


def _bounded(limit: int, message: Any) -> Cleaner:
    def clean(value: Any) -> int | None:
        number = _whole(value)
        if number is None:
            return None
        if number < 0:
            raise FieldError(_("must not be negative"))
        if number > limit:
            raise FieldError(str(message))
        return number

    return clean


_count = _bounded(MAX_COUNT, gettext_lazy("must be at most 10^9"))
_money = _bounded(MAX_MONEY, gettext_lazy("must be between 0 and 10^15 minor units"))


def _coordinate(limit: float) -> Cleaner:
    def clean(value: Any) -> float | None:
        if value in (None, ""):
            return None
        try:
            number = float(str(value).strip())
        except ValueError:
            raise FieldError(_("%(value)r is not a number") % {"value": value}) from None
        if not -limit <= number <= limit:
            raise FieldError(
                _("%(value)s is outside -%(limit)g..%(limit)g") % {"value": number, "limit": limit}
            )
        return round(number, 6)

    return clean


def _website(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    if "://" not in text:
        text = "http://" + text
    if not _URL.match(text):
        raise FieldError(_("%(value)r is not a web address") % {"value": value})
    if len(text) > 500:
        raise FieldError(_("is longer than %(n)d characters") % {"n": 500})
    return text


def _email_address(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    if len(text) > MAX_EMAIL:
        raise FieldError(_("is longer than %(n)d characters") % {"n": MAX_EMAIL})
    try:
        _email(text)
    except ValidationError:
        raise FieldError(_("%(value)r is not an e-mail address") % {"value": text}) from None
    return text


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(code for code, _ in countries)


def _country(value: Any) -> str:
    text = "" if value is None else str(value).strip().upper()
    if not text:
        return ""
    if text == "UK":
        text = "GB"
    if text not in _country_codes():
        raise FieldError(_("%(value)r is not an ISO 3166 country code") % {"value": text})
    return text


def _currency(value: Any) -> str:
    text = "" if value is None else str(value).strip().upper()
    if text and text not in CURRENCIES:
        raise FieldError(_("%(value)r is not an ISO 4217 currency code") % {"value": text[:10]})
    return text


def _status(value: Any) -> str:
    text = "" if value is None else str(value).strip().lower()
    if not text:
        return "active"
    if text not in {"active", "forming", "dissolved"}:
        raise FieldError(_("%(value)r is not one of active, forming, dissolved") % {"value": value})
    return text


def _languages(value: Any) -> list[str]:
    items = [item.lower() for item in _split(value)]
    if len(items) > MAX_LANGUAGES:
        raise FieldError(_("at most %(n)d languages") % {"n": MAX_LANGUAGES})
    for item in items:
        if not _LANGUAGE.match(item):
            raise FieldError(_("%(value)r is not an ISO 639 language code") % {"value": item})
    return list(dict.fromkeys(items))


def _tags(value: Any) -> list[str]:
    items = list(dict.fromkeys(_split(value, r"[;\n]")))
    if len(items) > MAX_TAGS:
        raise FieldError(_("at most %(n)d tags") % {"n": MAX_TAGS})
    for item in items:
        if len(item) > MAX_TAG:
            raise FieldError(_("a tag is longer than %(n)d characters") % {"n": MAX_TAG})
    return items


# field name → cleaner. The order is the column order of the plain CSV layout.
FIELDS: dict[str, Cleaner] = {
    "external_id": _text(TEXT_LENGTHS["external_id"]),
    "slug": _text(TEXT_LENGTHS["slug"]),
    "name": _text(TEXT_LENGTHS["name"], required=True),
    "description": _text(TEXT_LENGTHS["description"], multiline=True),
    "is_cooperative": _bool(True),
    "organisational_structure": _code("organisational_structure"),
    "base_membership_type": _code("base_membership_type"),
    "primary_activity": _code("activity"),
    "other_activities": _codes("activity"),
    "legal_form": _text(TEXT_LENGTHS["legal_form"]),
    "registrar": _text(TEXT_LENGTHS["registrar"]),
    "registration_number": _text(TEXT_LENGTHS["registration_number"]),
    "founded_on": _dated(not_future=True),
    "dissolved_on": _dated(not_future=False),
    "status": _status,
    "number_of_members": _count,
    "employees": _count,
    "turnover": _money,  # a year's turnover, integer minor units of turnover_currency
    "turnover_currency": _currency,
    "website": _website,
    "website_public": _bool(True),
    "email": _email_address,
    "email_public": _bool(False),
    "phone": _text(TEXT_LENGTHS["phone"]),
    "phone_public": _bool(False),
    "street": _text(TEXT_LENGTHS["street"]),
    "locality": _text(TEXT_LENGTHS["locality"]),
    "region": _text(TEXT_LENGTHS["region"]),
    "postcode": _text(TEXT_LENGTHS["postcode"]),
    "country": _country,
    "latitude": _coordinate(90),
    "longitude": _coordinate(180),
    "languages": _languages,
    "tags": _tags,
}
PRIVATE_CONTACTS = {"website": "website_public", "email": "email_public", "phone": "phone_public"}


def clean_organization(
    values: Mapping[str, Any], *, partial: bool = False
) -> tuple[dict[str, Any], dict[str, str]]:
    """Returns (clean values, {field: reason}). With `partial`, only the given fields are
    cleaned (an update); otherwise every field gets a value (a full record)."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field, cleaner in FIELDS.items():
        if partial and field not in values:
            continue
        try:
            _refuse_control(values.get(field))
            clean[field] = cleaner(values.get(field))
        except FieldError as error:
            errors[field] = str(error)
    unknown = set(values) - set(FIELDS)
    for field in sorted(unknown):
        errors[field] = _("is not a field of an organisation")
    if not errors:
        errors.update(_check_record(clean))
    return clean, errors


def _check_record(clean: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if (clean.get("latitude") is None) != (clean.get("longitude") is None) and (
        "latitude" in clean and "longitude" in clean
    ):
        errors["longitude" if clean.get("longitude") is None else "latitude"] = _(
            "latitude and longitude go together"
        )
    if clean.get("turnover") is not None and not clean.get("turnover_currency"):
        errors["turnover_currency"] = _("a turnover needs its currency")
    founded, dissolved = clean.get("founded_on"), clean.get("dissolved_on")
    if founded and dissolved and dissolved < founded:
        errors["dissolved_on"] = _("is before the founding date")
    return errors


def search_text(values: Mapping[str, Any]) -> str:
    """What full-text search indexes: name, description, tags, locality."""
    parts = [
        values.get("name", ""),
        values.get("description", ""),
        " ".join(values.get("tags") or []),
        values.get("locality", ""),
    ]
    return "\n".join(part for part in parts if part)
