"""Import relationships from a spreadsheet in Kumu's layout: `From`, `To`, `Type`, plus
our columns `Formality`, `Start`, `End`, `Value` (major units), `Currency`, `Visibility`
and `Notes` (or Kumu's `Description`); and a region's economy, one year a row. All or
nothing (unless asked to skip bad rows); every bad row is reported. Each import checks
its rule, writes and records one audit event in one transaction."""

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.audit import audit_record
from intercoop.core.bounds import SHORT_TEXT
from intercoop.core.csvfiles import csv_rows, decode_upload
from intercoop.core.errors import ImportFailed, RowError
from intercoop.core.money import MoneyError, minor_units
from intercoop.core.permissions import recorded_user, require
from intercoop.directory.fields import FieldError
from intercoop.directory.models import Network
from intercoop.directory.permissions import coordinated_network_ids, is_staff
from intercoop.directory.selectors import OrganizationFinder
from intercoop.network.fields import clean_relationship
from intercoop.network.models import Relationship
from intercoop.network.permissions import (
    can_record_economy,
    can_record_survey,
    can_record_survey_tie,
)
from intercoop.network.services import Actor, clean_baseline, save_baseline

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
    skipped: list[RowError] = field(default_factory=list)


def read_upload(data: bytes) -> TextIO:
    """An uploaded or read file's bytes as text (UTF-8 only; anything else is an
    ImportFailed naming the line and byte)."""
    return io.StringIO(decode_upload(data), newline="")


def _record(
    line: int,
    row: dict[str, str],
    directory: OrganizationFinder,
    *,
    actor: Actor,
    network: Network | None,
) -> tuple[dict[str, Any], list[RowError]]:
    errors: list[RowError] = []
    ends: dict[str, int] = {}
    for column in ("From", "To"):
        cell = row.get(column, "")
        if len(cell) > SHORT_TEXT:
            errors.append(
                RowError(line, column, _("is longer than %(max)d characters") % {"max": SHORT_TEXT})
            )
            continue
        try:
            ends[column] = directory.find(cell)
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
    source, target = ends.get("From"), ends.get("To")
    if source is not None and source == target:
        errors.append(RowError(line, "To", _("a relationship joins two different organisations")))
    elif (
        source is not None
        and target is not None
        and not can_record_survey_tie(actor, network, source, target)
    ):
        errors.append(
            RowError(line, "From", _("both organisations must be members of the network now"))
        )
    return clean | {"source_id": source, "target_id": target}, errors


def relationships_import(
    *,
    actor: Actor,
    stream: TextIO,
    network: Network | None = None,
    skip_bad_rows: bool = False,
) -> RelationshipImportReport:
    """Ties from a survey or a spreadsheet, recorded as survey ties of `network` (they
    count at once, in that network only; without a network, in the whole directory,
    which only staff may survey). A network's coordinators import ties between its
    members only. A row repeating an imported tie (same ends, type and network) updates
    it. All or nothing unless `skip_bad_rows`."""
    require(
        can_record_survey(actor, network),
        _("Only the network's coordinators (and staff, for the whole directory) import ties"),
    )
    directory = OrganizationFinder()
    good: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for line, row in csv_rows(stream, required={"From", "To", "Type"}):
        if "__width__" in row:
            errors.append(RowError(line, "row", row["__width__"]))
            continue
        clean, row_errors = _record(line, row, directory, actor=actor, network=network)
        errors.extend(row_errors)
        if not row_errors:
            good.append(clean)
    if errors and not skip_bad_rows:
        raise ImportFailed(errors)
    report = _write(good, actor=actor, network=network)
    report.skipped = errors
    return report


@transaction.atomic
def _write(
    rows: Iterable[dict[str, Any]], *, actor: Actor, network: Network | None
) -> RelationshipImportReport:
    now = timezone.now()
    existing = {
        (tie.source_id, tie.target_id, tie.kind): tie
        for tie in Relationship.objects.filter(network=network, status=Relationship.Status.SURVEY)
    }
    created = updated = 0
    touched: set[int] = set()
    last: Relationship | None = None
    for values in rows:
        tie = existing.get((values["source_id"], values["target_id"], values["kind"]))
        if tie is None:
            tie = Relationship(
                status=Relationship.Status.SURVEY,
                network=network,
                recorded_by=recorded_user(actor),
                created_at=now,
            )
            created += 1
        else:
            updated += 1
        for name, value in values.items():
            setattr(tie, name, value)
        tie.updated_at = now
        tie.save()
        existing[(tie.source_id, tie.target_id, tie.kind)] = tie
        touched |= {tie.source_id, tie.target_id}
        last = tie
    target = network or last
    if target is not None:
        audit_record(
            actor=actor,
            action="relationship.import",
            target=target,
            summary=_("%(created)d survey ties created, %(updated)d updated")
            % {"created": created, "updated": updated},
            organizations=touched,
            network=network,
        )
    return RelationshipImportReport(created=created, updated=updated)


BASELINE_COLUMNS = {"year", "businesses", "employment", "turnover", "currency"}


def baselines_import(*, actor: Actor, stream: TextIO, network: Network) -> int:
    """Economy baselines from a CSV: `year,businesses,employment,turnover,currency[,source]`,
    turnover in major units. All or nothing; returns how many years were recorded."""
    require(
        can_record_economy(actor, network),
        _("Only the network's coordinators may record the region's economy"),
    )
    rows: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for line, row in csv_rows(stream, required=BASELINE_COLUMNS):
        if "__width__" in row:
            errors.append(RowError(line, "row", row["__width__"]))
            continue
        values: dict[str, Any] = {k: row.get(k, "") for k in BASELINE_COLUMNS | {"source"}}
        try:
            values["turnover"] = minor_units(row["turnover"], row["currency"].strip().upper())
        except MoneyError as error:
            errors.append(RowError(line, "turnover", error.message))
            continue
        clean, problems = clean_baseline(values)
        if problems:
            errors += [RowError(line, f, reason) for f, reason in problems.items()]
        else:
            rows.append(clean)
    if errors:
        raise ImportFailed(errors)
    if not rows:
        return 0
    with transaction.atomic():
        for clean in rows:
            save_baseline(network=network, clean=clean)
        audit_record(
            actor=actor,
            action="baseline.import",
            target=network,
            summary=_("%(count)d year(s) of %(network)s's economy imported")
            % {"count": len(rows), "network": network.name},
            network=network,
        )
    return len(rows)


# The imports page and API (core.imports): register
#   Importer(format="relationships", label=..., run=relationships_import_job,
#            may_import=may_import_relationships, networks_for=survey_networks)
#   Importer(format="economy", label=..., run=baselines_import_job,
#            may_import=may_import_baselines, needs_network=True, networks_for=survey_networks)


def _network_named(slug: str) -> Network | None:
    network = Network.objects.filter(slug=slug).first() if slug else None
    if slug and network is None:
        raise ImportFailed([RowError(1, "network", _("no network has the slug %r") % slug[:40])])
    return network


def may_import_relationships(user: Any, network_slug: str = "") -> bool:
    """Whether to offer the relationships format: staff, and coordinators (of the network
    named, when one is); each row is checked again when the file is imported."""
    if not network_slug:
        return can_record_survey(user, None) or bool(coordinated_network_ids(user))
    network = Network.objects.filter(slug=network_slug).first()
    return network is not None and can_record_survey(user, network)


def may_import_baselines(user: Any, network_slug: str = "") -> bool:
    if not network_slug:
        return is_staff(user) or bool(coordinated_network_ids(user))
    network = Network.objects.filter(slug=network_slug).first()
    return network is not None and can_record_economy(user, network)


def survey_networks(user: Any) -> list[tuple[str, str]]:
    """The networks a user may import ties or the economy into, as (slug, name)."""
    networks = Network.objects.order_by("name")
    if not is_staff(user):
        networks = networks.filter(pk__in=coordinated_network_ids(user))
    return list(networks.values_list("slug", "name"))


def relationships_import_job(
    *, actor: Any, text: str, network_slug: str = "", skip_bad_rows: bool = False
) -> Any:
    """The imports task's entry point: decoded text in, an ImportOutcome out."""
    from intercoop.core.imports import ImportOutcome

    report = relationships_import(
        actor=actor,
        stream=io.StringIO(text, newline=""),
        network=_network_named(network_slug),
        skip_bad_rows=skip_bad_rows,
    )
    return ImportOutcome(
        counts={"created": report.created, "updated": report.updated}, skipped=report.skipped
    )


def baselines_import_job(
    *, actor: Any, text: str, network_slug: str = "", skip_bad_rows: bool = False
) -> Any:
    from intercoop.core.imports import ImportOutcome

    network = _network_named(network_slug)
    if network is None:
        raise ImportFailed([RowError(1, "network", _("choose the network"))])
    # A few rows a file (one a year): all or nothing, whatever `skip_bad_rows` says.
    years = baselines_import(actor=actor, stream=io.StringIO(text, newline=""), network=network)
    return ImportOutcome(counts={"created": years})
