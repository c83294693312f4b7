"""Reads of the network: which ties a user sees, and which ties count on a date."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from intercoop.core.permissions import AnyUser, visible_relationships_condition
from intercoop.directory.models import Network, NetworkMembership, Organization
from intercoop.network.models import Relationship

COUNTING = (Relationship.Status.CONFIRMED, Relationship.Status.SURVEY)


def relationships_visible(*, user: AnyUser) -> QuerySet[Relationship]:
    return Relationship.objects.filter(visible_relationships_condition(user)).select_related(
        "source", "target"
    )


def current_on(as_of: dt.date) -> Q:
    return (Q(started_on__isnull=True) | Q(started_on__lte=as_of)) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=as_of)
    )


def relationships_counting(
    *, as_of: dt.date, organizations: Iterable[int] | QuerySet | None = None
) -> QuerySet[Relationship]:
    """The ties that count on `as_of`: confirmed or recorded by a coordinator, not
    disputed, current on the date; between the given organisations when given."""
    ties = Relationship.objects.filter(current_on(as_of), status__in=COUNTING)
    if organizations is not None:
        ties = ties.filter(source_id__in=organizations, target_id__in=organizations)
    return ties


def network_member_ids(*, network: Network, as_of: dt.date) -> QuerySet:
    """Members of the network on `as_of` (joined by then and not left before)."""
    return (
        NetworkMembership.objects.filter(
            Q(joined_on__isnull=True) | Q(joined_on__lte=as_of),
            Q(left_on__isnull=True) | Q(left_on__gt=as_of),
            network=network,
            status__in=[NetworkMembership.Status.MEMBER, NetworkMembership.Status.LEFT],
        )
        .exclude(joined_on__isnull=True, status=NetworkMembership.Status.LEFT)
        .values("organization_id")
    )


def organization_relationships(
    *, organization: Organization, user: AnyUser
) -> QuerySet[Relationship]:
    return (
        relationships_visible(user=user)
        .filter(Q(source=organization) | Q(target=organization))
        .order_by("-updated_at")
    )
