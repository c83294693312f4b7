"""Writes to the directory. Each service checks its own rule (directory.permissions)
with the acting user, writes, and records an audit event, in one transaction."""

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.core.audit import audit_record
from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT, check_text
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.permissions import recorded_user, require
from intercoop.core.services import notify
from intercoop.directory import hooks, permissions
from intercoop.directory.fields import FIELDS, clean_organization, search_text
from intercoop.directory.models import (
    Network,
    NetworkMembership,
    NetworkRole,
    Organization,
    OrganizationRole,
)
from intercoop.directory.selectors import coordinators_of

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


Actor = User | AnonymousUser


@transaction.atomic
def organization_create(
    *,
    actor: Actor,
    values: Mapping[str, Any],
    apply_to: Network | None = None,
) -> Organization:
    """Create one organisation. One rule, whatever the surface: staff's and coordinators'
    new organisations are approved (they curate the directory), anyone else's wait for
    review and make their creator its admin (the "add your co-op" path). `apply_to`
    records an application to a network."""
    require(
        permissions.can_create_organization(actor),
        _("Sign in to add an organisation"),
    )
    trusted = permissions.creates_approved_organizations(actor)
    clean, errors = clean_organization(values)
    if errors:
        raise OrganizationInvalid(errors)
    requested_slug = clean.pop("slug")
    if requested_slug and _slug_taken(slugify(requested_slug)):
        raise OrganizationInvalid({"slug": _("is already used by another organisation")})
    _check_external_id(clean["external_id"])
    now = timezone.now()
    user = recorded_user(actor)
    organization = Organization.objects.create(
        **clean,
        slug=unique_slug(requested_slug or clean["name"], _slug_taken),
        approval=Organization.Approval.APPROVED if trusted else Organization.Approval.PENDING,
        search_text=search_text(clean),
        created_at=now,
        updated_at=now,
        created_by=user,
        updated_by=user,
    )
    if not trusted and user is not None:
        OrganizationRole.objects.create(
            organization=organization, user=user, role=OrganizationRole.Role.ADMIN
        )
        _forget_roles(user)
    summary = _("added %(name)s (%(approval)s)") % {
        "name": organization.name,
        "approval": organization.get_approval_display(),
    }
    if apply_to is not None:
        NetworkMembership.objects.create(
            network=apply_to,
            organization=organization,
            status=NetworkMembership.Status.APPLICANT,
            applied_on=now.date(),
        )
        summary += "; " + _("applied to %(network)s") % {"network": apply_to.name}
    audit_record(
        actor=actor,
        action="organization.create",
        target=organization,
        summary=summary,
        organizations=[organization],
        network=apply_to,
    )
    if organization.approval == Organization.Approval.PENDING:
        notify(
            users=_reviewers(apply_to),
            subject=gettext_lazy("%(name)s is waiting for review"),
            params={"name": organization.name},
            link=("directory:review", []),
            kind="reviews",
        )
    return organization


def _reviewers(network: Network | None) -> list[User]:
    """Who reviews a new organisation: the coordinators of the network it applied to (of
    every network when it applied to none) and staff."""
    networks = [network.pk] if network is not None else Network.objects.values("pk")
    return [*User.objects.filter(is_active=True, is_staff=True), *coordinators_of(networks)]


@transaction.atomic
def organization_update(
    *, actor: Actor, organization: Organization, values: Mapping[str, Any]
) -> Organization:
    """Change the given fields only; the record's other fields stay as they were."""
    require(
        permissions.can_edit_organization(actor, organization),
        _("You may not edit this organisation"),
    )
    clean, errors = clean_organization(values, partial=True)
    if not errors:
        merged = {name: getattr(organization, name) for name in MODEL_FIELDS} | clean
        merged.pop("slug", None)
        _merged, record_errors = clean_organization(merged)
        errors = record_errors
    if errors:
        raise OrganizationInvalid(errors)
    before = {name: getattr(organization, name) for name in MODEL_FIELDS}
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
    organization.updated_by = recorded_user(actor)
    organization.save()
    changed = [name for name in MODEL_FIELDS if getattr(organization, name) != before[name]]
    audit_record(
        actor=actor,
        action="organization.update",
        target=organization,
        summary=_("changed %(fields)s") % {"fields": ", ".join(changed) or "—"},
        organizations=[organization],
    )
    return organization


@transaction.atomic
def organization_review(*, actor: Actor, organization: Organization, approve: bool) -> Organization:
    """Approve or reject a pending organisation. Approval admits it to the networks it
    applied to that the reviewer coordinates (each admission recorded on its own); other
    networks' coordinators decide on their applications themselves."""
    require(
        permissions.can_review_organization(actor, organization),
        _("Only a coordinator may review organisations"),
    )
    if organization.approval != Organization.Approval.PENDING:
        raise DomainError(_("This organisation is not waiting for review"), field="approval")
    organization.approval = (
        Organization.Approval.APPROVED if approve else Organization.Approval.REJECTED
    )
    organization.updated_at = timezone.now()
    organization.updated_by = recorded_user(actor)
    organization.save(update_fields=["approval", "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action="organization.approve" if approve else "organization.reject",
        target=organization,
        summary=(_("approved %(name)s") if approve else _("rejected %(name)s"))
        % {"name": organization.name},
        organizations=[organization],
    )
    if approve:
        for membership in organization.network_memberships.filter(
            status=NetworkMembership.Status.APPLICANT
        ).select_related("network"):
            if permissions.can_manage_network(actor, membership.network):
                network_member_admit(
                    actor=actor, network=membership.network, organization=organization
                )
    return organization


@transaction.atomic
def organization_delete(*, actor: Actor, organization: Organization) -> None:
    """Remove an organisation (its roles and memberships go with it). Its history stays:
    audit events keep its id and name."""
    require(
        permissions.can_delete_organization(actor, organization),
        _("Only staff may delete organisations"),
    )
    audit_record(
        actor=actor,
        action="organization.delete",
        target=organization,
        summary=_("deleted %(name)s") % {"name": organization.name},
        organizations=[organization],
    )
    organization.delete()


def _network_values(*, name: str, kind: str, description: str, website: str = "") -> dict[str, str]:
    if kind not in Network.Kind.values:
        raise DomainError(_("Unknown kind %(kind)r") % {"kind": str(kind)[:40]}, field="kind")
    values = {
        "name": check_text(name.strip(), field="name", max_length=SHORT_TEXT),
        "kind": kind,
        "description": check_text(description, field="description", max_length=LONG_TEXT),
        "website": check_text(website, field="website", max_length=200),
    }
    if not values["name"]:
        raise DomainError(_("A network needs a name"), field="name")
    return values


@transaction.atomic
def network_create(
    *,
    actor: Actor,
    slug: str,
    name: str,
    kind: str = Network.Kind.OTHER,
    description: str = "",
) -> Network:
    require(permissions.can_create_network(actor), _("Only staff may create networks"))
    values = _network_values(name=name, kind=kind, description=description)
    if not slug or slug != slugify(slug) or len(slug) > 120:
        raise DomainError(_("A slug is lowercase letters, digits and hyphens"), field="slug")
    if Network.objects.filter(slug=slug).exists():
        raise DomainError(_("A network with slug %(slug)r exists") % {"slug": slug}, field="slug")
    network = Network.objects.create(slug=slug, created_at=timezone.now(), **values)
    audit_record(
        actor=actor,
        action="network.create",
        target=network,
        summary=_("created %(name)s") % {"name": network.name},
        network=network,
    )
    return network


@transaction.atomic
def network_update(
    *,
    actor: Actor,
    network: Network,
    name: str,
    kind: str,
    description: str = "",
    website: str = "",
) -> Network:
    """Change a network's name, kind, description or website (not its slug: links use it)."""
    require(
        permissions.can_manage_network(actor, network),
        _("Only the network's coordinators may do this"),
    )
    values = _network_values(name=name, kind=kind, description=description, website=website)
    changed = [field for field, value in values.items() if getattr(network, field) != value]
    for field, value in values.items():
        setattr(network, field, value)
    network.save(update_fields=list(values))
    audit_record(
        actor=actor,
        action="network.update",
        target=network,
        summary=_("changed %(fields)s") % {"fields": ", ".join(changed) or "—"},
        network=network,
    )
    return network


@transaction.atomic
def network_member_apply(
    *, actor: Actor, network: Network, organization: Organization
) -> NetworkMembership:
    """An organisation asks to join a network (again, if it had left)."""
    require(
        permissions.can_apply_to_network(actor, organization),
        _("Only the organisation's administrators and editors may apply for it"),
    )
    membership, created = NetworkMembership.objects.get_or_create(
        network=network,
        organization=organization,
        defaults={
            "status": NetworkMembership.Status.APPLICANT,
            "applied_on": timezone.now().date(),
        },
    )
    if not created:
        if membership.status == NetworkMembership.Status.APPLICANT:
            return membership
        if membership.status == NetworkMembership.Status.MEMBER:
            raise DomainError(_("This organisation is already a member"), field="network")
        membership.status = NetworkMembership.Status.APPLICANT
        membership.applied_on = timezone.now().date()
        membership.save(update_fields=["status", "applied_on"])
    _record_membership(actor, "network_member.apply", membership, _("%(org)s applied to %(net)s"))
    hooks.application_made(membership)
    notify(
        users=coordinators_of([network.pk]),
        subject=gettext_lazy("%(org)s applied to join %(network)s"),
        params={"org": organization.name, "network": network.name},
        link=("directory:network", [network.slug]),
        kind="applications",
    )
    return membership


@transaction.atomic
def network_member_admit(
    *, actor: Actor, network: Network, organization: Organization, joined_on: Any = None
) -> NetworkMembership:
    """Admit an applicant. Only an organisation that applied (and has not been admitted,
    declined or withdrawn since) can be admitted: a network cannot take in an
    organisation that did not ask."""
    require(
        permissions.can_manage_network(actor, network),
        _("Only the network's coordinators may do this"),
    )
    refused = hooks.admission_refused(actor, network)
    if refused:
        raise DomainError(refused, field="organization")
    membership = (
        NetworkMembership.objects.select_for_update()
        .filter(network=network, organization=organization)
        .first()
    )
    if membership is None or membership.status != NetworkMembership.Status.APPLICANT:
        raise DomainError(
            _("This organisation has not applied to join the network"), field="organization"
        )
    membership.status = NetworkMembership.Status.MEMBER
    membership.joined_on = joined_on or timezone.now().date()
    membership.left_on = None
    membership.save(update_fields=["status", "joined_on", "left_on"])
    _record_membership(actor, "network_member.admit", membership, _("%(net)s admitted %(org)s"))
    return membership


def network_member_join(
    *, actor: Actor, network: Network, organization: Organization, joined_on: Any = None
) -> NetworkMembership:
    """Apply and admit at once, each step checked and recorded: for the demo, the CLI and
    tests, whose system actor speaks for the organisation and for the network."""
    with transaction.atomic():
        network_member_apply(actor=actor, network=network, organization=organization)
        return network_member_admit(
            actor=actor, network=network, organization=organization, joined_on=joined_on
        )


@transaction.atomic
def network_member_leave(
    *, actor: Actor, network: Network, organization: Organization
) -> NetworkMembership:
    """An organisation leaves a network, or its application is declined. The row stays,
    with its dates, as the record of the membership."""
    require(
        permissions.can_leave_network(actor, network, organization),
        _("Only the network's coordinators or the organisation's editors may do this"),
    )
    membership = NetworkMembership.objects.filter(
        network=network, organization=organization
    ).first()
    if membership is None or membership.status == NetworkMembership.Status.LEFT:
        raise DomainError(_("This organisation is not in the network"), field="network")
    declined = membership.status == NetworkMembership.Status.APPLICANT
    membership.status = NetworkMembership.Status.LEFT
    membership.left_on = timezone.now().date()
    membership.save(update_fields=["status", "left_on"])
    _record_membership(
        actor,
        "network_member.leave",
        membership,
        _("%(net)s declined %(org)s") if declined else _("%(org)s left %(net)s"),
    )
    return membership


def _record_membership(actor: Actor, action: str, membership: NetworkMembership, text: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=membership,
        summary=text % {"org": membership.organization.name, "net": membership.network.name},
        organizations=[membership.organization_id],
        network=membership.network_id,
    )


@transaction.atomic
def network_role_assign(*, actor: Actor, network: Network, user: User, role: str) -> NetworkRole:
    require(
        permissions.can_assign_network_role(actor, network),
        _("Only the network's coordinators may do this"),
    )
    if role not in NetworkRole.Role.values:
        raise DomainError(_("Unknown role %(role)r") % {"role": role}, field="role")
    assignment, _created = NetworkRole.objects.update_or_create(
        network=network, user=user, defaults={"role": role}
    )
    _forget_roles(user)
    audit_record(
        actor=actor,
        action="network_role.assign",
        target=assignment,
        summary=_("%(user)s is %(role)s of %(network)s")
        % {"user": user.username, "role": assignment.get_role_display(), "network": network.name},
        network=network,
    )
    return assignment


@transaction.atomic
def network_role_remove(*, actor: Actor, network: Network, user: User) -> None:
    require(
        permissions.can_assign_network_role(actor, network),
        _("Only the network's coordinators may do this"),
    )
    assignment = NetworkRole.objects.filter(network=network, user=user).first()
    if assignment is None:
        raise DomainError(_("This person has no role here"), field="person")
    audit_record(
        actor=actor,
        action="network_role.remove",
        target=assignment,
        summary=_("%(user)s no longer has a role in %(network)s")
        % {"user": user.username, "network": network.name},
        network=network,
    )
    assignment.delete()
    _forget_roles(user)


@transaction.atomic
def organization_role_assign(
    *, actor: Actor, organization: Organization, user: User, role: str
) -> OrganizationRole:
    """Give a person a role in an organisation (or change it). An organisation that has
    admins keeps at least one."""
    require(
        permissions.can_manage_people(actor, organization),
        _("Only the organisation's administrators may change its people"),
    )
    if role not in OrganizationRole.Role.values:
        raise DomainError(_("Unknown role %(role)r") % {"role": role}, field="role")
    _check_not_last_admin(organization=organization, user=user, new_role=role)
    assignment, _created = OrganizationRole.objects.update_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    _forget_roles(user)
    audit_record(
        actor=actor,
        action="organization_role.assign",
        target=assignment,
        summary=_("%(user)s is %(role)s of %(organization)s")
        % {
            "user": user.username,
            "role": assignment.get_role_display(),
            "organization": organization.name,
        },
        organizations=[organization],
    )
    return assignment


@transaction.atomic
def organization_role_remove(*, actor: Actor, organization: Organization, user: User) -> None:
    require(
        permissions.can_manage_people(actor, organization),
        _("Only the organisation's administrators may change its people"),
    )
    _check_not_last_admin(organization=organization, user=user, new_role=None)
    assignment = OrganizationRole.objects.filter(organization=organization, user=user).first()
    if assignment is None:
        raise DomainError(_("This person has no role here"), field="person")
    audit_record(
        actor=actor,
        action="organization_role.remove",
        target=assignment,
        summary=_("%(user)s no longer has a role in %(organization)s")
        % {"user": user.username, "organization": organization.name},
        organizations=[organization],
    )
    assignment.delete()
    _forget_roles(user)


def _check_not_last_admin(*, organization: Organization, user: User, new_role: str | None) -> None:
    admins = list(
        OrganizationRole.objects.select_for_update()
        .filter(organization=organization, role=OrganizationRole.Role.ADMIN)
        .values_list("user_id", flat=True)
    )
    if admins == [user.pk] and new_role != OrganizationRole.Role.ADMIN:
        raise DomainError(_("An organisation keeps at least one administrator"), field="role")


def _forget_roles(user: Any) -> None:
    """Drop the per-request role caches (directory.permissions) of a user whose roles
    just changed, so that their next action is judged on the new roles."""
    for cache in ("_org_roles", "_coordinated"):
        if hasattr(user, cache):
            delattr(user, cache)
