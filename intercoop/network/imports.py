"""Import relationships from a spreadsheet in Kumu's layout: `From`, `To`, `Type`, plus
our columns `Formality`, `Start`, `End`, `Value` (major units), `Currency`, `Visibility`
and `Notes` (or Kumu's `Description`). All or nothing; every bad row is reported."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.csvfiles import csv_rows
from intercoop.core.errors import ImportFailed, InvalidValues, RowError
from intercoop.core.money import MoneyError, minor_units
from intercoop.directory.fields import FieldError
from intercoop.directory.models import Network
from intercoop.directory.selectors import OrganizationFinder
from intercoop.network.fields import clean_relationship
from intercoop.network.models import Relationship

COLUMNS = {  # our field → Kumu/our column
    "kind": "Type",
    "formality": "Formality",
    "started_on": "Start",
    "ended_on": "End",
    "annual_value": "Value",
    "currency": "Currency",
    "visibility": "Visibility",
    "notes": "Notes",
}


@dataclass
class RelationshipImportReport:
    created: int
    updated: int


def _record(
    line: int, row: dict[str, str], directory: OrganizationFinder
) -> tuple[dict[str, Any], list[RowError]]:
    errors: list[RowError] = []
    ends: dict[str, int] = {}
    for column in ("From", "To"):
        try:
            ends[column] = directory.find(row.get(column, ""))
        except FieldError as error:
            errors.append(RowError(line, column, str(error)))
    values: dict[str, Any] = {
        field: row.get(column, "") for field, column in COLUMNS.items() if field != "annual_value"
    }
    if not values["notes"]:
        values["notes"] = row.get("Description", "")
    amount = row.get("Value", "").strip()
    if amount:
        try:
            values["annual_value"] = minor_units(amount, values["currency"].strip().upper())
        except MoneyError as error:
            errors.append(RowError(line, "Value", error.message))
    clean, problems = clean_relationship(values)
    errors += [RowError(line, COLUMNS.get(f, f), reason) for f, reason in problems.items()]
    if ends.get("From") is not None and ends.get("From") == ends.get("To"):
        errors.append(RowError(line, "To", _("a relationship joins two different organisations")))
    return clean | {"source_id": ends.get("From"), "target_id": ends.get("To")}, errors


def relationships_import(
    *, stream: TextIO, network: Network | None = None, user: User | None = None
) -> RelationshipImportReport:
    """Ties from a survey or a spreadsheet, recorded as coordinator ties (they count at
    once). A row repeating an imported tie (same ends, type and network) updates it."""
    directory = OrganizationFinder()
    good: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for line, row in csv_rows(stream, required={"From", "To", "Type"}):
        if "__width__" in row:
            errors.append(RowError(line, "row", row["__width__"]))
            continue
        clean, row_errors = _record(line, row, directory)
        errors.extend(row_errors)
        if not row_errors:
            good.append(clean)
    if errors:
        raise ImportFailed(errors)
    return _write(good, network=network, user=user)


@transaction.atomic
def _write(
    rows: Iterable[dict[str, Any]], *, network: Network | None, user: User | None
) -> RelationshipImportReport:
    now = timezone.now()
    existing = {
        (tie.source_id, tie.target_id, tie.kind): tie
        for tie in Relationship.objects.filter(network=network, status=Relationship.Status.SURVEY)
    }
    created = updated = 0
    for values in rows:
        tie = existing.get((values["source_id"], values["target_id"], values["kind"]))
        if tie is None:
            tie = Relationship(
                status=Relationship.Status.SURVEY, network=network, recorded_by=user, created_at=now
            )
            created += 1
        else:
            updated += 1
        for name, value in values.items():
            setattr(tie, name, value)
        tie.updated_at = now
        tie.save()
        existing[(tie.source_id, tie.target_id, tie.kind)] = tie
    return RelationshipImportReport(created=created, updated=updated)


BASELINE_COLUMNS = {"year", "businesses", "employment", "turnover", "currency"}


def baselines_import(*, stream: TextIO, network: Network) -> int:
    """Economy baselines from a CSV: `year,businesses,employment,turnover,currency[,source]`,
    turnover in major units. All or nothing; returns how many years were recorded."""
    from intercoop.network.services import baseline_record

    rows: list[tuple[int, dict[str, Any]]] = []
    errors: list[RowError] = []
    for line, row in csv_rows(stream, required=BASELINE_COLUMNS):
        if "__width__" in row:
            errors.append(RowError(line, "row", row["__width__"]))
            continue
        values: dict[str, Any] = dict(row)
        try:
            values["turnover"] = minor_units(row["turnover"], row["currency"].strip().upper())
        except MoneyError as error:
            errors.append(RowError(line, "turnover", error.message))
            continue
        rows.append((line, values))
    if errors:
        raise ImportFailed(errors)
    with transaction.atomic():
        for line, values in rows:
            try:
                baseline_record(network=network, values=values)
            except InvalidValues as invalid:
                errors += [RowError(line, f, reason) for f, reason in invalid.errors.items()]
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ImportFailed(errors)
    return len(rows)
