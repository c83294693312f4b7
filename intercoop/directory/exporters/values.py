"""What of an organisation a viewer may see: the one place private contacts are removed."""

import json
from collections.abc import Iterable
from typing import Any, TextIO

from django.conf import settings
from django.urls import reverse

from intercoop.directory.fields import FIELDS, PRIVATE_CONTACTS
from intercoop.directory.models import Organization


def shows_private(organization: Organization, private_ids: set[int] | None) -> bool:
    """`private_ids` is None when the viewer sees every private field (staff, the CLI)."""
    return private_ids is None or organization.pk in private_ids


def organization_values(organization: Organization, private_ids: set[int] | None) -> dict[str, Any]:
    values = {name: getattr(organization, name) for name in FIELDS}
    if not shows_private(organization, private_ids):
        for contact, public_flag in PRIVATE_CONTACTS.items():
            if not values[public_flag]:
                values[contact] = ""
    return values


def absolute_url(organization: Organization) -> str:
    return settings.SITE_URL + reverse("directory:detail", args=[organization.slug])


def write_json_items(
    stream: TextIO, items: Iterable[dict[str, Any]], *, head: str, tail: str
) -> None:
    """Stream a JSON document whose body is a list of items, one item at a time."""
    stream.write(head)
    for index, item in enumerate(items):
        if index:
            stream.write(",\n")
        stream.write(json.dumps(item, ensure_ascii=False))
    stream.write(tail)
