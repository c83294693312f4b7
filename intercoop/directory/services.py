"""Writes to the directory. Callers check permissions (core.permissions) first."""

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from intercoop.core.errors import DomainError, InvalidValues
from intercoop.directory.fields import FIELDS, clean_organization, search_text
from intercoop.directory.models import (
    Network,
    NetworkMembership,
    NetworkRole,
    Organization,
    OrganizationRole,
)

MODEL_FIELDS = [name for name in FIELDS if name != "slug"]


class OrganizationInvalid(InvalidValues):
    """Bad values for an organisation."""


def unique_slug(base: str, taken: Callable[[str], bool]) -> str:
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
        raise OrganizationInvalid({"external_id": _("another organisation has this identifier")})


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
        raise OrganizationInvalid({"slug": _("is already used by another organisation")})
    _check_external_id(clean["external_id"])
    now = timezone.now()
    organization = Organization.objects.create(
        **clean,
        slug=unique_slug(requested_slug or clean["name"], _slug_taken),
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
        _merged, record_errors = clean_organization(merged)
        errors = record_errors
    if errors:
        raise OrganizationInvalid(errors)
    if slug := clean.pop("slug", ""):
        slug = slugify(slug)
        if slug != organization.slug and _slug_taken(slug):
            raise OrganizationInvalid({"slug": _("is already used by another organisation")})
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
        raise DomainError(_("This organisation is not waiting for review"), field="approval")
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
        raise DomainError(_("A network with slug %(slug)r exists") % {"slug": slug}, field="slug")
    return Network.objects.create(
        slug=slug, name=name, kind=kind, description=description, created_at=timezone.now()
    )


def network_member_apply(*, network: Network, organization: Organization) -> NetworkMembership:
    """An organisation asks to join a network (again, if it had left)."""
    membership, created = NetworkMembership.objects.get_or_create(
        network=network,
        organization=organization,
        defaults={
            "status": NetworkMembership.Status.APPLICANT,
            "applied_on": timezone.now().date(),
        },
    )
    if created or membership.status == NetworkMembership.Status.APPLICANT:
        return membership
    if membership.status == NetworkMembership.Status.MEMBER:
        raise DomainError(_("This organisation is already a member"), field="network")
    membership.status = NetworkMembership.Status.APPLICANT
    membership.applied_on = timezone.now().date()
    membership.save(update_fields=["status", "applied_on"])
    return membership


def network_member_admit(
    *, network: Network, organization: Organization, joined_on: Any = None
) -> NetworkMembership:
    """Make an organisation a member (an applicant, one that left, or a new one)."""
    membership, created = NetworkMembership.objects.get_or_create(
        network=network,
        organization=organization,
        defaults={"status": NetworkMembership.Status.MEMBER},
    )
    if not created and membership.status == NetworkMembership.Status.MEMBER:
        return membership
    membership.status = NetworkMembership.Status.MEMBER
    membership.joined_on = joined_on or timezone.now().date()
    membership.left_on = None
    membership.save()
    return membership


def network_member_leave(*, network: Network, organization: Organization) -> NetworkMembership:
    """An organisation leaves a network, or its application is declined. The row stays,
    with its dates, as the record of the membership."""
    membership = NetworkMembership.objects.filter(
        network=network, organization=organization
    ).first()
    if membership is None or membership.status == NetworkMembership.Status.LEFT:
        raise DomainError(_("This organisation is not in the network"), field="network")
    membership.status = NetworkMembership.Status.LEFT
    membership.left_on = timezone.now().date()
    membership.save(update_fields=["status", "left_on"])
    return membership


def network_role_assign(*, network: Network, user: User, role: str) -> NetworkRole:
    assignment, _created = NetworkRole.objects.update_or_create(
        network=network, user=user, defaults={"role": role}
    )
    return assignment


@transaction.atomic
def organization_role_assign(
    *, organization: Organization, user: User, role: str
) -> OrganizationRole:
    """Give a person a role in an organisation (or change it). An organisation that has
    admins keeps at least one."""
    if role not in OrganizationRole.Role.values:
        raise DomainError(_("Unknown role %(role)r") % {"role": role}, field="role")
    _check_not_last_admin(organization=organization, user=user, new_role=role)
    assignment, _created = OrganizationRole.objects.update_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    return assignment


@transaction.atomic
def organization_role_remove(*, organization: Organization, user: User) -> None:
    _check_not_last_admin(organization=organization, user=user, new_role=None)
    OrganizationRole.objects.filter(organization=organization, user=user).delete()


def _check_not_last_admin(*, organization: Organization, user: User, new_role: str | None) -> None:
    admins = list(
        OrganizationRole.objects.select_for_update()
        .filter(organization=organization, role=OrganizationRole.Role.ADMIN)
        .values_list("user_id", flat=True)
    )
    if admins == [user.pk] and new_role != OrganizationRole.Role.ADMIN:
        raise DomainError(_("An organisation keeps at least one administrator"), field="role")
