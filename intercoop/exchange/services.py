"""Writes to the exchange. Callers check permissions (core.permissions) first."""

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from intercoop.core.errors import InvalidValues
from intercoop.directory.models import Organization
from intercoop.exchange.fields import clean_exchange_item
from intercoop.exchange.models import ExchangeItem


def exchange_item_create(*, organization: Organization, values: Mapping[str, Any]) -> ExchangeItem:
    """An offer, a need or a challenge of `organization`."""
    clean, errors = clean_exchange_item(values)
    if errors:
        raise InvalidValues(errors)
    now = timezone.now()
    return ExchangeItem.objects.create(
        **clean, organization=organization, created_at=now, updated_at=now
    )
