"""Who may see which relationships, and who may change the network (the roles come from
directory.permissions). Reads ask here to decide what to show; every write is checked by
its service (`require(rule(actor, ...), ...)`), never by its callers."""

from django.db.models import Q

from intercoop.core.permissions import is_signed_in
from intercoop.directory.models import Network, NetworkMembership, Organization
from intercoop.directory.permissions import (
    AnyUser,
    can_act_for,
    can_manage_network,
    coordinated_network_ids,
    is_member_now,
    is_staff,
    organization_roles,
)
from intercoop.network.models import Relationship


def visible_relationships_condition(user: AnyUser) -> Q:
    """Which relationships a user may see: public ones; those of organisations the user
    belongs to; network-visible ones between members of a network the user's
    organisations belong to or the user coordinates; all of them for staff."""
    if is_staff(user):
        return Q()

    condition = Q(visibility=Relationship.Visibility.PUBLIC)
    mine = list(organization_roles(user))
    if mine:
        condition |= Q(source_id__in=mine) | Q(target_id__in=mine)
    networks = set(coordinated_network_ids(user))
    if mine:
        networks |= set(
            NetworkMembership.objects.filter(
                organization_id__in=mine, status=NetworkMembership.Status.MEMBER
            ).values_list("network_id", flat=True)
        )
    if networks:
        members = NetworkMembership.objects.filter(
            network_id__in=networks, status=NetworkMembership.Status.MEMBER
        ).values("organization_id")
        condition |= Q(
            visibility=Relationship.Visibility.NETWORK,
            source_id__in=members,
            target_id__in=members,
        )
    return condition


# The rules of the writes.


def can_speak_for(user: AnyUser | None, organization: Organization) -> bool:
    """Claim, confirm or dispute a tie on behalf of one of its sides: the organisation's
    admins and editors, and staff."""
    return is_signed_in(user) and can_act_for(user, organization)  # type: ignore[arg-type]


def can_record_survey(user: AnyUser | None, network: Network | None) -> bool:
    """Record ties from a survey for a network (they count in that network only): its
    coordinators and staff. A survey for no network (the whole directory): staff only."""
    if not is_signed_in(user):
        return False
    if network is None:
        return is_staff(user)
    return can_manage_network(user, network)  # type: ignore[arg-type]


def can_record_survey_tie(
    user: AnyUser | None, network: Network | None, source_id: int, target_id: int
) -> bool:
    """Record one survey tie for a network: its coordinators, and only between two
    organisations that are members of the network now; staff, between any two."""
    if not can_record_survey(user, network):
        return False
    if is_staff(user):
        return True
    assert network is not None  # a survey for no network is staff's
    return is_member_now(network, source_id) and is_member_now(network, target_id)


def can_withdraw_relationship(user: AnyUser | None, relationship: Relationship) -> bool:
    """Take back a tie that was never agreed: a claim, by those who speak for the side
    that claimed it; a survey tie, by the coordinators of the network that recorded it.
    Staff may withdraw either. Confirmed and disputed ties are disputed, not withdrawn."""
    if not is_signed_in(user):
        return False
    if is_staff(user):
        return True
    if relationship.status == Relationship.Status.CLAIMED and relationship.claimed_by:
        return can_speak_for(user, relationship.claimed_by)
    if relationship.status == Relationship.Status.SURVEY and relationship.network:
        return can_manage_network(user, relationship.network)  # type: ignore[arg-type]
    return False


def can_assess_network(user: AnyUser | None, network: Network) -> bool:
    """Make a network's assessment: its coordinators and staff."""
    return is_signed_in(user) and can_manage_network(user, network)  # type: ignore[arg-type]


def can_record_economy(user: AnyUser | None, network: Network) -> bool:
    """Record the region's economy (baselines) of a network: its coordinators and staff."""
    return is_signed_in(user) and can_manage_network(user, network)  # type: ignore[arg-type]


def can_snapshot_metrics(user: AnyUser | None, network: Network | None) -> bool:
    """Compute and keep a network's metrics: its coordinators and staff; the whole
    directory's: staff."""
    if not is_signed_in(user):
        return False
    if network is None:
        return is_staff(user)
    return can_manage_network(user, network)  # type: ignore[arg-type]
