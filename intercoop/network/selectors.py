"""Reads of the network: which ties a user sees, and which ties count on a date."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Sum

from intercoop.directory.models import Network, NetworkMembership, Organization
from intercoop.directory.permissions import AnyUser
from intercoop.network import assessment, engine
from intercoop.network.models import Relationship
from intercoop.network.permissions import visible_relationships_condition


def relationships_visible(*, user: AnyUser) -> QuerySet[Relationship]:
    return Relationship.objects.filter(visible_relationships_condition(user)).select_related(
        "source", "target"
    )


def current_on(as_of: dt.date) -> Q:
    return (Q(started_on__isnull=True) | Q(started_on__lte=as_of)) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=as_of)
    )


def counting_in(network: Network | None) -> Q:
    """The ties that count in a network's graph, metrics and assessments (or, with None,
    in the whole directory's): those both sides confirmed, and survey ties recorded for
    this network (or by staff for the whole directory). A coordinator's survey ties
    count in the network that recorded them, and nowhere else."""
    survey = Q(status=Relationship.Status.SURVEY) & (
        Q(network__isnull=True) if network is None else Q(network__isnull=True) | Q(network=network)
    )
    return Q(status=Relationship.Status.CONFIRMED) | survey


def relationships_counting(
    *,
    as_of: dt.date,
    network: Network | None,
    organizations: Iterable[int] | QuerySet | None = None,
) -> QuerySet[Relationship]:
    """The ties that count in `network` (None: the whole directory) on `as_of`: confirmed,
    or recorded from a survey for it (`counting_in`); not disputed; current on the date;
    between the given organisations when given."""
    ties = Relationship.objects.filter(current_on(as_of), counting_in(network))
    if organizations is not None:
        ties = ties.filter(source_id__in=organizations, target_id__in=organizations)
    return ties


def relationships_of_network(
    ties: QuerySet[Relationship], *, network: Network, as_of: dt.date
) -> QuerySet[Relationship]:
    """Of `ties`, those between members of `network` on `as_of`, leaving out other
    networks' survey ties (which say nothing about this network)."""
    members = network_member_ids(network=network, as_of=as_of)
    return ties.filter(source_id__in=members, target_id__in=members).exclude(
        Q(status=Relationship.Status.SURVEY) & ~Q(network=network) & Q(network__isnull=False)
    )


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


def network_graph(*, network: Network, as_of: dt.date, user: AnyUser) -> dict[str, Any]:
    """The network as it was on `as_of`: its members, the ties that count between them
    and that the user may see, and every node's metrics (computed on those ties)."""
    members = Organization.objects.filter(pk__in=network_member_ids(network=network, as_of=as_of))
    return _graph(members, as_of=as_of, user=user, network=network)


def organization_graph(
    *, organization: Organization, as_of: dt.date, user: AnyUser, depth: int = 2
) -> dict[str, Any]:
    """The whole directory around one organisation: every organisation within `depth`
    ties of it (ties that count on `as_of` and that the user may see)."""
    ties = relationships_counting(as_of=as_of, network=None).filter(
        visible_relationships_condition(user)
    )
    reached, frontier = {organization.pk}, {organization.pk}
    for _step in range(depth):
        pairs = ties.filter(Q(source_id__in=frontier) | Q(target_id__in=frontier)).values_list(
            "source_id", "target_id"
        )
        frontier = {end for pair in pairs for end in pair} - reached
        reached |= frontier
    organizations = Organization.objects.filter(
        pk__in=reached, approval=Organization.Approval.APPROVED
    )
    return _graph(organizations, as_of=as_of, user=user, network=None)


def _graph(
    organizations: QuerySet[Organization],
    *,
    as_of: dt.date,
    user: AnyUser,
    network: Network | None,
) -> dict[str, Any]:
    nodes = list(
        organizations.order_by("name").values(
            "pk", "slug", "name", "organisational_structure", "primary_activity",
            "is_cooperative", "locality", "founded_on",
        )
    )  # fmt: skip
    ids = [node["pk"] for node in nodes]
    ties = list(
        relationships_counting(as_of=as_of, network=network, organizations=ids)
        .filter(visible_relationships_condition(user))
        .values("pk", "source_id", "target_id", "kind", "formality", "status", "started_on")
    )
    metrics = engine.compute(
        ids,
        [
            (t["source_id"], t["target_id"], t["formality"] != Relationship.Formality.INFORMAL)
            for t in ties
        ],
    )
    slugs = {node["pk"]: node["slug"] for node in nodes}
    first_start = Relationship.objects.filter(
        source_id__in=ids, started_on__isnull=False
    ).aggregate(first=Min("started_on"))["first"]
    return {
        "as_of": as_of.isoformat(),
        "first_date": (first_start or as_of).isoformat(),
        "figures": metrics.network,
        "bridges": [[slugs[a], slugs[b]] for a, b in metrics.bridges],
        "nodes": [
            {
                "id": node["slug"],
                "name": node["name"],
                "structure": node["organisational_structure"],
                "activity": node["primary_activity"],
                "is_cooperative": node["is_cooperative"],
                "locality": node["locality"],
                **metrics.nodes[node["pk"]],
            }
            for node in nodes
        ],
        "edges": [
            {
                "id": f"t{t['pk']}",
                "source": slugs[t["source_id"]],
                "target": slugs[t["target_id"]],
                "kind": t["kind"],
                "formality": t["formality"],
                "status": t["status"],
            }
            for t in ties
        ],
    }


def assessment_inputs(
    *, network: Network, as_of: dt.date
) -> tuple[list[assessment.Member], list[assessment.Tie], list[assessment.Tie]]:
    """The members of the network on `as_of` and the ties that count: between members,
    and between a member and an organisation outside."""
    member_ids = network_member_ids(network=network, as_of=as_of)
    members = [
        assessment.Member(
            id=o["pk"], structure=o["organisational_structure"], activity=o["primary_activity"],
            members=o["number_of_members"], founded_on=o["founded_on"],
            is_cooperative=o["is_cooperative"], locality=o["locality"],
            latitude=o["latitude"], longitude=o["longitude"],
        )
        for o in Organization.objects.filter(pk__in=member_ids).values(
            "pk", "organisational_structure", "primary_activity", "number_of_members",
            "founded_on", "is_cooperative", "locality", "latitude", "longitude",
        )
    ]  # fmt: skip
    ids = {m.id for m in members}
    fields = ("source_id", "target_id", "kind", "formality", "annual_value", "currency")
    touching = relationships_counting(as_of=as_of, network=network).filter(
        Q(source_id__in=ids) | Q(target_id__in=ids)
    )
    inside: list[assessment.Tie] = []
    outside: list[assessment.Tie] = []
    for source, target, kind, formality, value, currency in touching.values_list(*fields):
        tie = assessment.Tie(source, target, kind, formality, value, currency)
        (inside if source in ids and target in ids else outside).append(tie)
    return members, inside, outside


def cooperative_share(*, network: Network) -> dict[str, Any] | None:
    """The share of the region's economy that is the network's co-operatives, against the
    latest baseline: by count, employment and turnover (in the baseline's currency)."""
    baseline = network.baselines.first()
    if baseline is None:
        return None
    cooperatives = Organization.objects.filter(
        pk__in=network_member_ids(network=network, as_of=dt.date(baseline.year, 12, 31)),
        is_cooperative=True,
    )
    figures = cooperatives.aggregate(
        count=Count("pk"),
        employment_total=Sum("employees"),
        turnover_known=Count(
            "pk", filter=Q(turnover__isnull=False, turnover_currency=baseline.currency)
        ),
    )
    # summed in Python: thousands of turnovers near the 10^15 bound overflow SQLite's SUM
    turnovers = cooperatives.filter(turnover_currency=baseline.currency, turnover__isnull=False)
    figures["turnover_total"] = sum(turnovers.values_list("turnover", flat=True))

    def share(part: int | None, whole: int) -> float | None:
        return round((part or 0) / whole, 4) if whole else None

    return {
        "baseline": baseline,
        "count": figures["count"],
        "employment": figures["employment_total"] or 0,
        "turnover": figures["turnover_total"] or 0,
        "turnover_known": figures["turnover_known"],
        "count_share": share(figures["count"], baseline.businesses),
        "employment_share": share(figures["employment_total"], baseline.employment),
        "turnover_share": share(figures["turnover_total"], baseline.turnover),
    }
