"""ESSGlobal code lists (organisational structure, base membership type, ICA activities).

Kept as data in `data/essglobal.json`, with English, Spanish and French labels. Pure Python:
no Django model, so importers, exporters and the CLI can use it without a database.
"""

import json
from functools import cache
from pathlib import Path
from typing import Literal

from django.utils.translation import get_language

Scheme = Literal["organisational_structure", "base_membership_type", "activity"]
SCHEMES: tuple[Scheme, ...] = ("organisational_structure", "base_membership_type", "activity")
LANGS = ("en", "es", "fr")


@cache
def _data() -> dict[str, dict]:
    path = Path(__file__).with_name("data") / "essglobal.json"
    data: dict[str, dict] = json.loads(path.read_text(encoding="utf-8"))
    return data


def codes(scheme: Scheme) -> list[str]:
    return list(_data()[scheme]["concepts"])


def uri(scheme: Scheme, code: str) -> str:
    return str(_data()[scheme]["uri_base"]) + code


def label(scheme: Scheme, code: str, lang: str | None = None) -> str:
    """The label of `code` in `lang` (default: the active language); the code if unknown."""
    concept = _data()[scheme]["concepts"].get(code)
    if concept is None:
        return code
    lang = (lang or get_language() or "en")[:2]
    return str(concept.get(lang) or concept["en"])


def choices(scheme: Scheme, lang: str | None = None) -> list[tuple[str, str]]:
    return [(code, label(scheme, code, lang)) for code in codes(scheme)]


@cache
def _lookup(scheme: Scheme) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, labels in _data()[scheme]["concepts"].items():
        table[code.lower()] = code
        for lang in LANGS:
            table[labels[lang].strip().lower()] = code
    return table


def parse_code(scheme: Scheme, value: str) -> str | None:
    """Accept a code (`OS60`), an ESSGlobal URI ending in the code, or a label in any
    shipped language. Returns the code, or None when the value names nothing known."""
    value = value.strip()
    if not value:
        return None
    tail = value.rstrip("/").rsplit("/", 1)[-1]
    return _lookup(scheme).get(tail.lower()) or _lookup(scheme).get(value.lower())


# Structures of allies (community groups, charities, public bodies) rather than co-ops.
ALLY_STRUCTURES = frozenset({"OS10", "OS20", "OS40", "OS220"})
