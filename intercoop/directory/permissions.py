"""Who may see or change what in the directory, and the roles every other app's rules
build on. Reads ask here to decide what to show; writes are checked by their services.

Roles: per organisation (admin, editor, member) and per network (coordinator, member);
Django staff may do everything. Role look-ups are cached on the user object for the
request, so a list page asks the database once, not once per row.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from intercoop.core.permissions import (
    AnyUser,
    NotFoundReason,
    authenticated_user,
    is_staff,
    require,
)
from intercoop.directory.models import (
    Network,
    NetworkMembership,
    NetworkRole,
    Organization,
    OrganizationRole,
)

__all__ = ["AnyUser", "authenticated_user", "is_staff", "require"]
EDITING_ROLES = {OrganizationRole.Role.ADMIN, OrganizationRole.Role.EDITOR}


def organization_roles(user: AnyUser) -> dict[int, str]:
    """organization id → the user's role there."""
    if not user.is_authenticated:
        return {}
    cached: dict[int, str] | None = getattr(user, "_org_roles", None)
    if cached is None:
        cached = dict(
            OrganizationRole.objects.filter(user=user).values_list("organization_id", "role")
        )
        setattr(user, "_org_roles", cached)  # noqa: B010 - a per-request cache
    return cached


def coordinated_network_ids(user: AnyUser) -> set[int]:
    if not user.is_authenticated:
        return set()
    cached: set[int] | None = getattr(user, "_coordinated", None)
    if cached is None:
        cached = set(
            NetworkRole.objects.filter(user=user, role=NetworkRole.Role.COORDINATOR).values_list(
                "network_id", flat=True
            )
        )
        setattr(user, "_coordinated", cached)  # noqa: B010 - a per-request cache
    return cached


def is_coordinator(user: AnyUser) -> bool:
    return bool(coordinated_network_ids(user))


def _coordinates_organization(
    user: AnyUser, organization: Organization, *, applicants: bool = False
) -> bool:
    """Whether the user coordinates a network the organisation is a member of now (applied
    and admitted; with `applicants`, or has applied to): rights end when it leaves."""
    networks = coordinated_network_ids(user)
    if not networks:
        return False
    statuses = [NetworkMembership.Status.MEMBER]
    if applicants:
        statuses.append(NetworkMembership.Status.APPLICANT)
    return NetworkMembership.objects.filter(
        organization=organization, network_id__in=networks, status__in=statuses
    ).exists()


def members_now(network: Network | int, organization_ids: set[int]) -> set[int]:
    """Those of `organization_ids` that are members of `network` today (applied and
    admitted, not left): the one test of membership every app's rules use."""
    if len(organization_ids) <= 100:
        return set(
            NetworkMembership.objects.filter(
                network=network,
                organization_id__in=organization_ids,
                status=NetworkMembership.Status.MEMBER,
            ).values_list("organization_id", flat=True)
        )
    members = NetworkMembership.objects.filter(
        network=network, status=NetworkMembership.Status.MEMBER
    ).values_list("organization_id", flat=True)
    return set(members) & organization_ids


def is_member_now(network: Network | int, organization: Organization | int) -> bool:
    pk = organization if isinstance(organization, int) else organization.pk
    return bool(members_now(network, {pk}))


def can_view_organization(user: AnyUser, organization: Organization) -> bool:
    if organization.approval == Organization.Approval.APPROVED:
        return True
    return can_review_organization(user, organization) or organization.pk in organization_roles(
        user
    )


def can_edit_organization(user: AnyUser, organization: Organization) -> bool:
    if is_staff(user):
        return True
    if organization_roles(user).get(organization.pk) in EDITING_ROLES:
        return True
    return _coordinates_organization(user, organization)


def can_manage_people(user: AnyUser, organization: Organization) -> bool:
    """Who gives and takes roles in an organisation: its admins, and staff."""
    return is_staff(user) or (
        organization_roles(user).get(organization.pk) == OrganizationRole.Role.ADMIN
    )


def can_see_private_fields(user: AnyUser, organization: Organization) -> bool:
    if is_staff(user) or organization.pk in organization_roles(user):
        return True
    return _coordinates_organization(user, organization)


def can_review_organization(user: AnyUser, organization: Organization) -> bool:
    """Approve or reject a pending organisation: staff, or a coordinator of a network it
    applied to; one that applied to no network may be reviewed by any coordinator."""
    if is_staff(user):
        return True
    if not is_coordinator(user):
        return False
    if not organization.network_memberships.exists():
        return True
    return _coordinates_organization(user, organization, applicants=True)


def can_manage_network(user: AnyUser, network: Network) -> bool:
    return is_staff(user) or network.pk in coordinated_network_ids(user)


def can_leave_network(user: AnyUser, network: Network, organization: Organization) -> bool:
    """The network's coordinators remove a member (or decline an applicant); the
    organisation's own admins and editors may take it out."""
    return can_manage_network(user, network) or (
        organization_roles(user).get(organization.pk) in EDITING_ROLES
    )


def can_act_for(user: AnyUser, organization: Organization) -> bool:
    """Speak for an organisation: claim, confirm or dispute its relationships."""
    return is_staff(user) or organization_roles(user).get(organization.pk) in EDITING_ROLES


def belongs_to(user: AnyUser, organization: Organization) -> bool:
    """The organisation's people (any role) and staff: they see its invoices."""
    return is_staff(user) or organization.pk in organization_roles(user)


def acting_organizations(user: AnyUser) -> list[int]:
    return [pk for pk, role in organization_roles(user).items() if role in EDITING_ROLES]


def introducing_organizations(user: AnyUser) -> list[int]:
    """The organisations the user may ask introductions for: the approved ones it speaks
    for (pages show "Request an introduction" by this rule, the request page refuses by it)."""
    acting = acting_organizations(user)
    if not acting:
        return []
    return list(
        Organization.objects.filter(
            pk__in=acting, approval=Organization.Approval.APPROVED
        ).values_list("pk", flat=True)
    )


def can_request_introduction(user: AnyUser, organization: Organization) -> bool:
    """Ask `organization` for an introduction, for another organisation the user speaks for."""
    return any(pk != organization.pk for pk in introducing_organizations(user))


def can_record_survey(user: AnyUser, network: Network) -> bool:
    """Record ties on behalf of a network (from a survey): its coordinators and staff."""
    return can_manage_network(user, network)


def is_network_insider(user: AnyUser, network: Network) -> bool:
    """Its coordinators and the people of its members: they see the network's assessments,
    purchasing rounds, contracts, patronage and clearing."""
    if can_manage_network(user, network):
        return True
    mine = list(organization_roles(user))
    return (
        bool(mine)
        and NetworkMembership.objects.filter(
            network=network, organization_id__in=mine, status=NetworkMembership.Status.MEMBER
        ).exists()
    )


def can_create_organization(user: AnyUser) -> bool:
    return bool(user.is_authenticated)


def creates_approved_organizations(user: AnyUser) -> bool:
    """Whose new organisations need no review (the one rule for pages, API and admin):
    staff and coordinators; everyone else's wait for a coordinator."""
    return is_staff(user) or is_coordinator(user)


def can_create_network(user: AnyUser) -> bool:
    return is_staff(user)


def can_delete_organization(user: AnyUser, organization: Organization) -> bool:
    """Remove an organisation and everything it holds from the directory: staff only
    (anyone else marks it dissolved)."""
    return is_staff(user)


def can_apply_to_network(user: AnyUser, organization: Organization) -> bool:
    """Ask for an organisation to join a network: those who speak for it (its admins and
    editors) and staff. A network's coordinators cannot apply on its behalf."""
    return can_act_for(user, organization)


def can_assign_network_role(user: AnyUser, network: Network) -> bool:
    """Appoint a network's coordinators: its coordinators and staff."""
    return can_manage_network(user, network)


def can_import_organizations(user: AnyUser, network: Network | None) -> bool:
    """Import a file of organisations: staff, or a coordinator of the target network."""
    return is_staff(user) or (network is not None and can_manage_network(user, network))


def can_view_organization_history(user: AnyUser, organization: Organization) -> bool:
    """An organisation's audit history: its people (any role), coordinators of networks
    it is a member of now, and staff."""
    return belongs_to(user, organization) or _coordinates_organization(user, organization)


def organization_history_visible(user: AnyUser, organization: Organization) -> Q | None:
    """Which of an organisation's history a user sees: all of it (None) for its people and
    staff; for a coordinator of its networks, the changes to its record and what happened
    in those networks (its invoices, private ties and introductions stay its own)."""
    if belongs_to(user, organization):
        return None
    networks = NetworkMembership.objects.filter(
        organization=organization,
        network_id__in=coordinated_network_ids(user),
        status=NetworkMembership.Status.MEMBER,
    ).values_list("network_id", flat=True)
    record = Q(object_type="directory.organization", object_id=str(organization.pk))
    return record | Q(network_id__in=list(networks))


def can_view_network_history(user: AnyUser, network: Network) -> bool:
    """A network's audit history: its coordinators and staff."""
    return can_manage_network(user, network)


def private_field_organization_ids(user: AnyUser) -> set[int] | None:
    """Ids of organisations whose private fields the user may see; None means all."""
    if is_staff(user):
        return None
    ids = set(organization_roles(user))
    if networks := coordinated_network_ids(user):
        ids |= set(
            NetworkMembership.objects.filter(
                network_id__in=networks, status=NetworkMembership.Status.MEMBER
            ).values_list("organization_id", flat=True)
        )
    return ids


def access_organization(
    user: AnyUser, *, slug: str, for_edit: bool = False, for_acting: bool = False
) -> Organization:
    """The organisation named by `slug` if the user may see it (else 404, so that pending
    records do not leak); with `for_edit`, if the user may change it, and with
    `for_acting`, speak for it (claim ties, post offers) (else 403)."""
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None or not can_view_organization(user, organization):
        raise NotFoundReason(_("No such organisation"))
    if for_edit and not can_edit_organization(user, organization):
        raise PermissionDenied(_("You may not edit this organisation"))
    if for_acting and not can_act_for(user, organization):
        raise PermissionDenied(_("You may not speak for this organisation"))
    return organization


def access_network(
    user: AnyUser, *, slug: str, for_manage: bool = False, for_insiders: bool = False
) -> Network:
    """The network named by `slug` (else 404); `for_manage`: only its coordinators,
    `for_insiders`: only its coordinators and its members' people (else 403)."""
    network = Network.objects.filter(slug=slug).first()
    if network is None:
        raise NotFoundReason(_("No such network"))
    if for_manage and not can_manage_network(user, network):
        raise PermissionDenied(_("Only the network's coordinators may do this"))
    if for_insiders and not is_network_insider(user, network):
        raise PermissionDenied(_("This is for the network's members and coordinators"))
    return network


def access_organization_people(user: AnyUser, *, slug: str) -> Organization:
    """The organisation whose people page the user may open (its admins and staff)."""
    organization = access_organization(user, slug=slug)
    if not can_manage_people(user, organization):
        raise PermissionDenied(_("Only the organisation's administrators may change its people"))
    return organization


def access_organization_history(user: AnyUser, *, slug: str) -> Organization:
    """The organisation whose history the user may read (else 404 or 403)."""
    organization = access_organization(user, slug=slug)
    if not can_view_organization_history(user, organization):
        raise PermissionDenied(_("Only the organisation's people and coordinators see this"))
    return organization


def access_network_history(user: AnyUser, *, slug: str) -> Network:
    """The network whose history the user may read: its coordinators and staff."""
    network = access_network(user, slug=slug)
    if not can_view_network_history(user, network):
        raise PermissionDenied(_("Only the network's coordinators may do this"))
    return network


def access_review_queue(user: AnyUser) -> None:
    """The queue of organisations waiting for review: coordinators and staff."""
    if not (is_staff(user) or is_coordinator(user)):
        raise PermissionDenied(_("Only a coordinator may review organisations"))
