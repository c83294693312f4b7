"""`intercoop import-exchange`: offers, needs and challenges from a spreadsheet. Columns
`organization` (slug, external identifier or exact name), `kind`, `category`, `title`,
`description`, `tags`, and optionally the other fields of the kind (`annual_spend` in major
units with `currency`). All or nothing, every bad row reported (or, when asked, the good
rows imported and the bad ones reported).

Files are read as bytes and decoded by core.csvfiles.decode_upload: UTF-8 with or without
a byte-order mark; anything else is refused with the line and byte at fault."""

import io
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.audit import audit_record
from intercoop.core.csvfiles import csv_rows, decode_upload
from intercoop.core.errors import DomainError, ImportFailed, RowError
from intercoop.core.money import minor_units
from intercoop.core.permissions import require
from intercoop.directory.fields import FieldError as OrganizationNotFound
from intercoop.directory.models import Organization
from intercoop.directory.permissions import is_coordinator, is_staff
from intercoop.directory.selectors import OrganizationFinder
from intercoop.exchange import permissions
from intercoop.exchange.fields import clean_exchange_item
from intercoop.exchange.models import ExchangeItem

REQUIRED = {"organization", "kind", "category", "title", "description", "tags"}


@dataclass
class Imported:
    count: int
    skipped: list[RowError] = field(default_factory=list)


def exchange_import_file(*, actor: Any, data: bytes, skip_bad_rows: bool = False) -> Imported:
    """Import an uploaded file's bytes (see `exchange_import`)."""
    text = decode_upload(data)
    return exchange_import(actor=actor, stream=io.StringIO(text), skip_bad_rows=skip_bad_rows)


def _row_values(line: int, row: dict[str, str]) -> tuple[dict[str, Any], list[RowError]]:
    values: dict[str, Any] = {k: v for k, v in row.items() if k != "organization" and v != ""}
    errors: list[RowError] = []
    if values.get("annual_spend"):
        try:
            values["annual_spend"] = minor_units(
                values["annual_spend"], values.get("currency", "").strip().upper()
            )
        except DomainError as error:
            errors.append(RowError(line, "annual_spend", error.message))
            del values["annual_spend"]
    return values, errors


def exchange_import(*, actor: Any, stream: TextIO, skip_bad_rows: bool = False) -> Imported:
    """Import the rows of `stream`. Each row's organisation must be one the actor may
    import for (exchange.permissions.can_import_items); one that is not refuses the whole
    file. Each item created is recorded as `<kind>.import`."""
    finder = OrganizationFinder()
    rows: list[tuple[int, int, dict[str, Any]]] = []  # (line, organization id, clean values)
    errors: list[RowError] = []
    for line, row in csv_rows(stream, required=REQUIRED):
        if "__width__" in row:
            errors.append(RowError(line, "row", row["__width__"]))
            continue
        values, row_errors = _row_values(line, row)
        organization_id = 0
        try:
            organization_id = finder.find(row["organization"])
        except OrganizationNotFound as error:
            row_errors.insert(0, RowError(line, "organization", str(error)))
        clean, problems = clean_exchange_item(values)
        row_errors += [RowError(line, name, reason) for name, reason in problems.items()]
        if row_errors:
            errors += row_errors
            continue
        rows.append((line, organization_id, clean))
    if errors and not skip_bad_rows:
        raise ImportFailed(errors)
    organizations = Organization.objects.in_bulk({pk for _line, pk, _clean in rows})
    denied = sorted(
        (o for o in organizations.values() if not permissions.can_import_items(actor, o)),
        key=lambda o: o.name,
    )
    require(
        not denied,
        _("You may not import offers, needs or challenges for %(names)s")
        % {"names": ", ".join(o.name for o in denied[:5]) + (" …" if len(denied) > 5 else "")},
    )
    now = timezone.now()
    with transaction.atomic():
        items = ExchangeItem.objects.bulk_create(
            [
                ExchangeItem(**clean, organization_id=pk, created_at=now, updated_at=now)
                for _line, pk, clean in rows
            ],
            batch_size=1000,
        )
        for item in items:
            audit_record(
                actor=actor,
                action=f"{item.kind}.import",
                target=item,
                summary=f"{item.kind} “{item.title}” of "
                f"{organizations[item.organization_id].name}, from a file",
                organizations=[item.organization_id],
                at=now,
            )
    return Imported(count=len(items), skipped=errors)


# The imports page and API (core.imports): register
#   Importer(format="exchange", label=..., run=exchange_import_job, may_import=may_import)


def may_import(user: Any, network_slug: str = "") -> bool:
    """Whether to offer this format to a user on the imports page: staff and coordinators
    (each row's organisation is checked when the file is imported)."""
    return is_staff(user) or is_coordinator(user)


def exchange_import_job(
    *, actor: Any, text: str, network_slug: str = "", skip_bad_rows: bool = False
) -> Any:
    """The imports task's entry point: decoded text in, an ImportOutcome out."""
    from intercoop.core.imports import ImportOutcome

    imported = exchange_import(actor=actor, stream=io.StringIO(text), skip_bad_rows=skip_bad_rows)
    return ImportOutcome(counts={"created": imported.count}, skipped=imported.skipped)
