"""Demo relationships for the demo region: every type and formality, dated from 2008 on,
mostly confirmed or recorded from a network's survey, with a few still claimed or
disputed. Everything is written through the services, as the system actor."""

import datetime as dt
import random

from django.db import transaction

from intercoop.core.audit import system_actor
from intercoop.directory.models import Network, NetworkMembership, Organization
from intercoop.network import services
from intercoop.network.models import Relationship

SEED = 2027


@transaction.atomic
def relationships_build(*, network: Network, alliance: Network) -> int:
    rng = random.Random(SEED)
    actor = system_actor()
    organizations = list(Organization.objects.order_by("pk"))
    cooperatives = [o for o in organizations if o.is_cooperative]
    kinds = list(Relationship.Kind.values)
    formalities = list(Relationship.Formality.values)
    members = {
        net: set(
            NetworkMembership.objects.filter(
                network=net, status=NetworkMembership.Status.MEMBER
            ).values_list("organization_id", flat=True)
        )
        for net in (network, alliance)
    }
    made = 0
    for n in range(260):
        source, target = rng.sample(cooperatives if n % 3 else organizations, 2)
        kind = kinds[n % len(kinds)]
        formality = formalities[(n // len(kinds)) % len(formalities)]
        start = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randint(0, 6300))
        values = {
            "kind": kind,
            "formality": "informal" if kind == "informal" else formality,
            "started_on": start,
            "ended_on": start + dt.timedelta(days=rng.randint(400, 3000)) if n % 9 == 0 else None,
            "visibility": "public" if n % 2 else "network",
        }
        if kind in {"supplies", "shared_service", "investment"}:
            values |= {"annual_value": rng.randint(5, 400) * 100_000, "currency": "USD"}
        # A coordinator's survey records ties between members of the network (they count
        # there only); other ties are claimed by one side and mostly confirmed.
        surveyed = next(
            (net for net in (network, alliance) if {source.pk, target.pk} <= members[net]), None
        )
        if n % 4 == 0 and surveyed is not None:
            services.relationship_survey_record(
                actor=actor, source=source, target=target, values=values, network=surveyed
            )
        else:
            tie = services.relationship_claim(
                actor=actor, source=source, target=target, values=values, on_behalf_of=source
            )
            if n % 17 == 1:
                services.relationship_dispute(
                    actor=actor, relationship=tie, by=target, reason="Not any more"
                )
            elif n % 13 != 2:
                services.relationship_confirm(actor=actor, relationship=tie, by=target)
        made += 1
    return made


def assessments_build(*, network: Network) -> int:
    """Two assessments of the co-op network, four years apart, showing progress."""
    ratings_then = {"institutionalisation": 2, "diversity": 3, "intergenerational": 2,
                    "self_reliance": 2, "embeddedness": 3}  # fmt: skip
    ratings_now = {"institutionalisation": 3, "diversity": 4, "intergenerational": 3,
                   "self_reliance": 3, "embeddedness": 4}  # fmt: skip
    evidence = "From the members' survey and the board's review."
    for as_of, scores, outcome in [
        (dt.date(2021, 12, 31), ratings_then, "First joint energy contract under discussion."),
        (dt.date(2025, 12, 31), ratings_now, "Joint energy contract saved members 14%."),
    ]:
        services.assessment_create(
            actor=system_actor(),
            network=network,
            as_of=as_of,
            ratings={p: {"score": s, "evidence": evidence} for p, s in scores.items()},
            outcomes={"reduce_costs": outcome, "pool_resources": "Shared training fund."},
        )
    return 2


def economy_build(*, network: Network) -> None:
    """The valley's (fictional) economy, so the network page shows the co-op share."""
    services.baseline_record(
        actor=system_actor(),
        network=network,
        values={
            "year": 2025,
            "businesses": 4200,
            "employment": 61_000,
            "turnover": 9_800_000_000_00,
            "currency": "USD",
            "source": "Valley statistics office (fictional)",
        },
    )
