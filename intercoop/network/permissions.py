"""Who may see which relationships (the roles come from directory.permissions)."""

from django.db.models import Q

from intercoop.directory.models import NetworkMembership
from intercoop.directory.permissions import (
    AnyUser,
    coordinated_network_ids,
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
