"""Writes to the directory. Callers check permissions (core.permissions) first."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from intercoop.core.errors import DomainError, ImportFailed, RowError
from intercoop.directory.fields import FIELDS, clean_organization, search_text
from intercoop.directory.importers.base import SourceRecord
from intercoop.directory.models import (
    ImportRun,
    Network,
    NetworkMembership,
    NetworkRole,
    Organization,
    OrganizationRole,
)

MODEL_FIELDS = [name for name in FIELDS if name != "slug"]


class OrganizationInvalid(DomainError):
    def __init__(self, errors: dict[str, str]) -> None:
        field, reason = next(iter(errors.items()))
        super().__init__(f"{field}: {reason}", field=field)
        self.errors = errors


def _unique_slug(base: str, taken: Callable[[str], bool]) -> str:
    root = (slugify(base)[:100].strip("-")) or "organisation"
    slug, n = root, 2
    while taken(slug):
        slug, n = f"{root}-{n}", n + 1
    return slug


def _slug_taken(slug: str) -> bool:
    return Organization.objects.filter(slug=slug).exists()


def _check_external_id(external_id: str, *, exclude_pk: int = 0) -> None:
    if not external_id:
        return
    clash = Organization.objects.filter(external_id=external_id).exclude(pk=exclude_pk)
    if clash.exists():
        raise OrganizationInvalid({"external_id": "another organisation has this identifier"})


@transaction.atomic
def organization_create(
    *,
    actor: User | None,
    values: Mapping[str, Any],
    approval: str = Organization.Approval.APPROVED,
    apply_to: Network | None = None,
    make_actor_admin: bool = False,
) -> Organization:
    """Create one organisation. `make_actor_admin` gives the creator the admin role (the
    "add your co-op" path); `apply_to` records an application to a network."""
    clean, errors = clean_organization(values)
    if errors:
        raise OrganizationInvalid(errors)
    requested_slug = clean.pop("slug")
    if requested_slug and _slug_taken(slugify(requested_slug)):
        raise OrganizationInvalid({"slug": "is already used by another organisation"})
    _check_external_id(clean["external_id"])
    now = timezone.now()
    organization = Organization.objects.create(
        **clean,
        slug=_unique_slug(requested_slug or clean["name"], _slug_taken),
        approval=approval,
        search_text=search_text(clean),
        created_at=now,
        updated_at=now,
        created_by=actor,
        updated_by=actor,
    )
    if make_actor_admin and actor is not None:
        organization_role_assign(
            organization=organization, user=actor, role=OrganizationRole.Role.ADMIN
        )
    if apply_to is not None:
        NetworkMembership.objects.create(
            network=apply_to,
            organization=organization,
            status=NetworkMembership.Status.APPLICANT,
            applied_on=now.date(),
        )
    return organization


@transaction.atomic
def organization_update(
    *, actor: User | None, organization: Organization, values: Mapping[str, Any]
) -> Organization:
    """Change the given fields only; the record's other fields stay as they were."""
    clean, errors = clean_organization(values, partial=True)
    if not errors:
        merged = {name: getattr(organization, name) for name in MODEL_FIELDS} | clean
        merged.pop("slug", None)
        _, record_errors = clean_organization(merged)
        errors = record_errors
    if errors:
        raise OrganizationInvalid(errors)
    if slug := clean.pop("slug", ""):
        slug = slugify(slug)
        if slug != organization.slug and _slug_taken(slug):
            raise OrganizationInvalid({"slug": "is already used by another organisation"})
        organization.slug = slug
    if "external_id" in clean:
        _check_external_id(clean["external_id"], exclude_pk=organization.pk)
    for name, value in clean.items():
        setattr(organization, name, value)
    organization.search_text = search_text({n: getattr(organization, n) for n in MODEL_FIELDS})
    organization.updated_at = timezone.now()
    organization.updated_by = actor
    organization.save()
    return organization


@transaction.atomic
def organization_review(
    *, actor: User | None, organization: Organization, approve: bool
) -> Organization:
    """Approve or reject a pending organisation; approval admits it to the networks it
    applied to."""
    if organization.approval != Organization.Approval.PENDING:
        raise DomainError("This organisation is not waiting for review", field="approval")
    organization.approval = (
        Organization.Approval.APPROVED if approve else Organization.Approval.REJECTED
    )
    organization.updated_at = timezone.now()
    organization.updated_by = actor
    organization.save(update_fields=["approval", "updated_at", "updated_by"])
    if approve:
        for membership in organization.network_memberships.filter(
            status=NetworkMembership.Status.APPLICANT
        ):
            network_member_admit(network=membership.network, organization=organization)
    return organization


def network_create(
    *, slug: str, name: str, kind: str = Network.Kind.OTHER, description: str = ""
) -> Network:
    if Network.objects.filter(slug=slug).exists():
        raise DomainError(f"A network with slug {slug!r} exists", field="slug")
    return Network.objects.create(
        slug=slug, name=name, kind=kind, description=description, created_at=timezone.now()
    )


def network_member_admit(
    *, network: Network, organization: Organization, joined_on: Any = None
) -> NetworkMembership:
    membership, _ = NetworkMembership.objects.get_or_create(
        network=network,
        organization=organization,
        defaults={"status": NetworkMembership.Status.MEMBER},
    )
    membership.status = NetworkMembership.Status.MEMBER
    membership.joined_on = joined_on or membership.joined_on or timezone.now().date()
    membership.left_on = None
    membership.save()
    return membership


def network_member_leave(*, network: Network, organization: Organization) -> NetworkMembership:
    membership = NetworkMembership.objects.get(network=network, organization=organization)
    membership.status = NetworkMembership.Status.LEFT
    membership.left_on = timezone.now().date()
    membership.save(update_fields=["status", "left_on"])
    return membership


def network_role_assign(*, network: Network, user: User, role: str) -> NetworkRole:
    assignment, _ = NetworkRole.objects.update_or_create(
        network=network, user=user, defaults={"role": role}
    )
    return assignment


def organization_role_assign(
    *, organization: Organization, user: User, role: str
) -> OrganizationRole:
    assignment, _ = OrganizationRole.objects.update_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    return assignment


# ---------------------------------------------------------------- imports


@dataclass
class ImportReport:
    run: ImportRun | None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[RowError] = field(default_factory=list)


def _clean_records(
    records: Iterable[SourceRecord], advance: Callable[[int], None]
) -> tuple[list[tuple[SourceRecord, dict[str, Any]]], list[RowError]]:
    good: list[tuple[SourceRecord, dict[str, Any]]] = []
    errors: list[RowError] = []
    first_line_of: dict[str, int] = {}
    for record in records:
        if record.errors:
            errors.extend(record.errors)
            advance(1)
            continue
        clean, problems = clean_organization(record.values)
        row_errors = [
            RowError(record.line, record.columns.get(name, name), reason)
            for name, reason in problems.items()
        ]
        key = clean.get("external_id") or clean.get("slug")
        if not row_errors and key:
            if key in first_line_of:
                column = "external_id" if clean.get("external_id") else "slug"
                row_errors.append(
                    RowError(
                        record.line,
                        record.columns.get(column, column),
                        f"{key!r} repeats line {first_line_of[key]}",
                    )
                )
            else:
                first_line_of[key] = record.line
        if row_errors:
            errors.extend(row_errors)
        else:
            good.append((record, clean))
        advance(1)
    return good, errors


def _existing_ids(column: str, keys: list[str]) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(keys), 5000):
        chunk = keys[start : start + 5000]
        for pk, key, slug in Organization.objects.filter(**{f"{column}__in": chunk}).values_list(
            "pk", column, "slug"
        ):
            found[key] = (pk, slug)
    return found


def organizations_import(
    *,
    records: Iterable[SourceRecord],
    format: str,
    filename: str,
    network: Network | None = None,
    skip_bad_rows: bool = False,
    user: User | None = None,
    advance: Callable[[int], None] = lambda n: None,
) -> ImportReport:
    """Import organisations, all or nothing unless `skip_bad_rows`.

    A record is the same organisation as an existing one when its external identifier
    matches, or, without one, when its slug does: re-importing a file updates instead of
    duplicating. Imported organisations are approved; `network` admits them all.
    """
    good, errors = _clean_records(records, advance)
    if errors and not skip_bad_rows:
        raise ImportFailed(errors)
    now = timezone.now()
    with transaction.atomic():
        run = ImportRun.objects.create(
            format=format, filename=filename, user=user, network=network, started_at=now
        )
        by_external = _existing_ids(
            "external_id", [clean["external_id"] for _, clean in good if clean["external_id"]]
        )
        by_slug = _existing_ids(
            "slug",
            [slugify(c["slug"]) for _, c in good if c["slug"] and not c["external_id"]],
        )
        taken = set(Organization.objects.values_list("slug", flat=True))
        to_create: list[Organization] = []
        changes: dict[int, dict[str, Any]] = {}
        matched: list[int] = []
        for _, clean in good:
            requested_slug = slugify(clean.pop("slug"))
            match = (
                by_external.get(clean["external_id"])
                if clean["external_id"]
                else by_slug.get(requested_slug)
            )
            if match:
                matched.append(match[0])
                changes[match[0]] = clean
                continue
            slug = _unique_slug(requested_slug or clean["name"], taken.__contains__)
            taken.add(slug)
            to_create.append(
                Organization(
                    **clean,
                    slug=slug,
                    search_text=search_text(clean),
                    created_at=now,
                    created_by=user,
                    updated_at=now,
                    updated_by=user,
                    import_run=run,
                    approval=Organization.Approval.APPROVED,
                )
            )
        Organization.objects.bulk_create(to_create, batch_size=1000)
        updated = _apply_changes(changes, run=run, user=user, now=now)
        if network is not None:
            _admit_all(network, [o.pk for o in to_create] + matched, now.date())
        run.created_count, run.updated_count = len(to_create), updated
        run.skipped_count = len({error.line for error in errors})
        run.save(update_fields=["created_count", "updated_count", "skipped_count"])
    return ImportReport(
        run=run,
        created=len(to_create),
        updated=updated,
        unchanged=len(changes) - updated,
        skipped=errors,
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
    already = (
        set(
            NetworkMembership.objects.filter(
                network=network, organization_id__in=organization_ids
            ).values_list("organization_id", flat=True)
        )
        if len(organization_ids) < 5000
        else set(
            NetworkMembership.objects.filter(network=network).values_list(
                "organization_id", flat=True
            )
        )
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
