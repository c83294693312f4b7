"""`intercoop import-exchange`: offers, needs and challenges from a spreadsheet. Columns
`organization` (slug, external identifier or exact name), `kind`, `category`, `title`,
`description`, `tags`, and optionally the other fields of the kind (`annual_spend` in major
units with `currency`). All or nothing, every bad row reported."""

from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from intercoop.core.csvfiles import csv_rows
from intercoop.core.errors import ImportFailed, RowError
from intercoop.core.money import MoneyError, minor_units
from intercoop.directory.fields import FieldError
from intercoop.directory.selectors import OrganizationFinder
from intercoop.exchange.fields import clean_exchange_item
from intercoop.exchange.models import ExchangeItem

REQUIRED = {"organization", "kind", "category", "title", "description", "tags"}


def exchange_import(*, stream: TextIO) -> int:
    finder = OrganizationFinder()
    items: list[ExchangeItem] = []
    errors: list[RowError] = []
    now = timezone.now()
    for line, row in csv_rows(stream, required=REQUIRED):
        if "__width__" in row:
            errors.append(RowError(line, "row", row["__width__"]))
            continue
        values: dict[str, Any] = {k: v for k, v in row.items() if k != "organization" and v != ""}
        row_errors: list[RowError] = []
        try:
            organization_id = finder.find(row["organization"])
        except FieldError as error:
            row_errors.append(RowError(line, "organization", str(error)))
        if values.get("annual_spend"):
            try:
                values["annual_spend"] = minor_units(
                    values["annual_spend"], values.get("currency", "").upper()
                )
            except MoneyError as error:
                row_errors.append(RowError(line, "annual_spend", error.message))
                del values["annual_spend"]
        clean, problems = clean_exchange_item(values)
        row_errors += [RowError(line, field, reason) for field, reason in problems.items()]
        if row_errors:
            errors += row_errors
            continue
        items.append(
            ExchangeItem(**clean, organization_id=organization_id, created_at=now, updated_at=now)
        )
    if errors:
        raise ImportFailed(errors)
    with transaction.atomic():
        ExchangeItem.objects.bulk_create(items, batch_size=1000)
    return len(items)
