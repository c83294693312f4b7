"""Writes for imports: many organisations at once, all or nothing unless asked otherwise.

Kept apart from services.py because it trades the ORM's per-object path for a bulk one:
rows are checked by the same `fields.clean_organization`, then inserted with one
`executemany` per batch, or one COPY on PostgreSQL (the ORM's bulk_create spends most of
its time preparing values).
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from intercoop.core.audit import audit_record
from intercoop.core.errors import ImportFailed, RowError
from intercoop.core.permissions import require
from intercoop.directory import permissions
from intercoop.directory.fields import clean_organization, search_text
from intercoop.directory.importers.base import SourceRecord
from intercoop.directory.models import ImportRun, Network, NetworkMembership, Organization
from intercoop.directory.services import MODEL_FIELDS, unique_slug

BATCH = 2000


@dataclass
class ImportReport:
    run: ImportRun | None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[RowError] = field(default_factory=list)


def organizations_import(
    *,
    records: Iterable[SourceRecord],
    format: str,
    filename: str,
    network: Network | None = None,
    skip_bad_rows: bool = False,
    actor: User,
    advance: Callable[[int], None] = lambda n: None,
) -> ImportReport:
    """Import organisations, all or nothing unless `skip_bad_rows`. Staff (the CLI's
    system actor included) and the coordinators of the target `network` may import.

    A record is the same organisation as an existing one when its external identifier
    matches, or, without one, when its slug does: re-importing a file updates instead of
    duplicating. Imported organisations are approved; `network` admits them all. A
    coordinator's file may update only organisations they may edit (members of their
    network now); another one matched is a row error.
    """
    require(
        permissions.can_import_organizations(actor, network),
        _("Only staff and the network's coordinators may import organisations"),
    )
    user = actor if actor.pk else None
    good, errors = _clean_records(records, advance)
    if errors and not skip_bad_rows:
        raise ImportFailed(errors)
    now = timezone.now()
    with transaction.atomic():
        run = ImportRun.objects.create(
            format=format, filename=filename, user=user, network=network, started_at=now
        )
        by_external = _existing(
            "external_id", [clean["external_id"] for clean in good if clean["external_id"]]
        )
        by_slug = _existing(
            "slug", [slugify(c["slug"]) for c in good if c["slug"] and not c["external_id"]]
        )
        taken = set(Organization.objects.values_list("slug", flat=True))
        new_rows: list[dict[str, Any]] = []
        changes: dict[int, dict[str, Any]] = {}
        editable = _editable(actor, [*by_external.values(), *by_slug.values()])
        refused: list[RowError] = []
        for clean in good:
            line = clean.pop("_line")
            requested_slug = slugify(clean.pop("slug"))
            key = clean["external_id"]
            match = by_external.get(key) if key else by_slug.get(requested_slug)
            if match is not None and match not in editable:
                refused.append(
                    RowError(
                        line,
                        "external_id" if key else "slug",
                        _("matches an organisation you may not edit"),
                    )
                )
                continue
            if match is not None:
                changes[match] = clean
                continue
            slug = unique_slug(requested_slug or clean["name"], taken.__contains__)
            taken.add(slug)
            new_rows.append(
                clean
                | {
                    "slug": slug,
                    "search_text": search_text(clean),
                    "approval": Organization.Approval.APPROVED,
                    "created_at": now,
                    "updated_at": now,
                    "created_by_id": user.pk if user else None,
                    "updated_by_id": user.pk if user else None,
                    "import_run_id": run.pk,
                }
            )
        if refused and not skip_bad_rows:
            raise ImportFailed(refused)
        errors = sorted([*errors, *refused], key=lambda error: error.line)
        _insert(new_rows)
        updated = _apply_changes(changes, run=run, user=user, now=now)
        created_ids = list(
            Organization.objects.filter(import_run=run, created_at=now).values_list("pk", flat=True)
        )
        if network is not None:
            _admit_all(network, [*created_ids, *changes], now.date())
        run.created_count, run.updated_count = len(new_rows), updated
        run.skipped_count = len({error.line for error in errors})
        run.save(update_fields=["created_count", "updated_count", "skipped_count"])
        audit_record(
            actor=actor,
            action="organization.import",
            target=run,
            summary=_("%(file)s: %(created)d created, %(updated)d updated")
            % {"file": filename, "created": len(new_rows), "updated": updated},
            organizations=[*created_ids, *changes],
            network=network,
        )
    if len(new_rows) > 1000:
        _analyze()
    return ImportReport(
        run=run,
        created=len(new_rows),
        updated=updated,
        unchanged=len(changes) - updated,
        skipped=errors,
    )


def _clean_records(
    records: Iterable[SourceRecord], advance: Callable[[int], None]
) -> tuple[list[dict[str, Any]], list[RowError]]:
    good: list[dict[str, Any]] = []
    errors: list[RowError] = []
    first_line_of: dict[str, int] = {}
    for record in records:
        advance(1)
        if record.errors:
            errors.extend(record.errors)
            continue
        clean, problems = clean_organization(record.values)
        row_errors = [
            RowError(record.line, record.columns.get(name, name), reason)
            for name, reason in problems.items()
        ]
        column = "external_id" if clean.get("external_id") else "slug"
        key = clean.get(column)
        if not row_errors and key:
            if key in first_line_of:
                row_errors.append(
                    RowError(
                        record.line,
                        record.columns.get(column, column),
                        _("%(value)r repeats line %(line)d")
                        % {"value": key, "line": first_line_of[key]},
                    )
                )
            else:
                first_line_of[key] = record.line
        if row_errors:
            errors.extend(row_errors)
        else:
            good.append(clean | {"_line": record.line})
    return good, errors


def _editable(actor: User, ids: list[int]) -> set[int]:
    """Which of the matched organisations the actor may update (as can_edit_organization
    says, for many at once): all for staff; else those they are an admin or editor of, and
    the members (now) of the networks they coordinate."""
    if permissions.is_staff(actor):
        return set(ids)
    own = {
        pk
        for pk, role in permissions.organization_roles(actor).items()
        if role in permissions.EDITING_ROLES
    }
    members = set(
        NetworkMembership.objects.filter(
            network_id__in=permissions.coordinated_network_ids(actor),
            organization_id__in=ids,
            status=NetworkMembership.Status.MEMBER,
        ).values_list("organization_id", flat=True)
    )
    return {pk for pk in ids if pk in own or pk in members}


def _existing(column: str, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(keys), 5000):
        chunk = keys[start : start + 5000]
        rows = Organization.objects.filter(**{f"{column}__in": chunk}).values_list(column, "pk")
        found.update(rows)
    return found


def _converter(model_field: "models.Field[Any, Any]") -> Callable[[Any], Any] | None:
    ops = connection.ops
    if isinstance(model_field, models.JSONField):
        return lambda value: ops.adapt_json_value(value, None)
    if isinstance(model_field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(model_field, models.DateField):
        return ops.adapt_datefield_value
    return None


def _insert(rows: list[dict[str, Any]]) -> None:
    """INSERT the rows (dicts keyed by attribute name): COPY on PostgreSQL, batches of
    `executemany` elsewhere."""
    if not rows:
        return
    by_attname = {f.attname: f for f in Organization._meta.concrete_fields}
    attnames = list(rows[0])
    quote = connection.ops.quote_name
    table = quote(Organization._meta.db_table)
    columns = ", ".join(quote(by_attname[name].column) for name in attnames)
    if connection.vendor == "postgresql":
        json_fields = {n for n in attnames if isinstance(by_attname[n], models.JSONField)}
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(
                    [json.dumps(row[n]) if n in json_fields else row[n] for n in attnames]
                )
        return
    converters = [_converter(by_attname[name]) for name in attnames]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        table, columns, ", ".join(["%s"] * len(attnames))
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                sql,
                [
                    tuple(
                        convert(row[name]) if convert else row[name]
                        for name, convert in zip(attnames, converters, strict=True)
                    )
                    for row in rows[start : start + BATCH]
                ],
            )


def _apply_changes(
    changes: dict[int, dict[str, Any]], *, run: ImportRun, user: User | None, now: Any
) -> int:
    """Update the matched organisations whose values differ; returns how many did."""
    updated = 0
    ids = list(changes)
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for current in Organization.objects.filter(pk__in=chunk).values("pk", *MODEL_FIELDS):
            pk = current.pop("pk")
            new = changes[pk]
            if all(current[name] == new[name] for name in MODEL_FIELDS):
                continue
            Organization.objects.filter(pk=pk).update(
                **new,
                search_text=search_text(new),
                updated_at=now,
                updated_by=user,
                import_run=run,
                approval=Organization.Approval.APPROVED,
            )
            updated += 1
    return updated


def _admit_all(network: Network, organization_ids: list[int], today: Any) -> None:
    already = set(
        NetworkMembership.objects.filter(network=network).values_list("organization_id", flat=True)
    )
    NetworkMembership.objects.bulk_create(
        [
            NetworkMembership(
                network=network,
                organization_id=pk,
                status=NetworkMembership.Status.MEMBER,
                joined_on=today,
            )
            for pk in organization_ids
            if pk not in already
        ],
        batch_size=1000,
    )


def _analyze() -> None:
    """Refresh the planner's statistics after a large import, so that searches pick the
    selective index (coordinates, text) rather than the approval one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE directory_organization" if connection.vendor == "postgresql" else "ANALYZE"
        )
