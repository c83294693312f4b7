"""The demo network's decisions: a proposal it decided (with its outcome), a past board
election by Scottish STV (its stage sheet on the poll's page), and an open poll that
still needs the demo manager's vote (for the bakery). Member co-ops vote through a
named delegate each; the delegates' accounts cannot sign in."""

import random
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from intercoop.core.audit import system_actor
from intercoop.directory import services as directory
from intercoop.directory.models import Network, Organization, OrganizationRole
from intercoop.governance import services
from intercoop.governance.models import Poll

SEED = 13
CANDIDATES = [
    "Amara Osei (Riverside Housing)",
    "Ben Clarke (Valley Food Co-op)",
    "Chen Wei (Print Collective)",
    "Dolores Ruiz (Care Co-operative)",
    "Emil Novak (Energy Co-op)",
    "Fatima Haddad (Bike Works)",
]
# how the demo's member co-ops lean: candidate index → relative weight of first preference
LEANINGS = [9, 7, 6, 5, 3, 2]


def _delegates(network: Network, organizations: list[Organization]) -> list[Any]:
    """A delegate account (no password) for each organisation, named its delegate."""
    users = get_user_model().objects
    system = system_actor()
    delegates = []
    for organization in organizations:
        user = users.create_user(username=f"delegate-{organization.slug}"[:150])
        user.set_unusable_password()
        user.first_name = "Delegate"
        user.save()
        directory.organization_role_assign(
            actor=system, organization=organization, user=user, role=OrganizationRole.Role.MEMBER
        )
        services.delegate_set(actor=system, network=network, organization=organization, user=user)
        delegates.append(user)
    return delegates


def _ranking(rng: random.Random) -> list[str]:
    pool = list(range(len(CANDIDATES)))
    ranking: list[str] = []
    while pool and len(ranking) < rng.choice([2, 3, 3, 4, 6]):
        pick = rng.choices(pool, weights=[LEANINGS[i] for i in pool])[0]
        pool.remove(pick)
        ranking.append(CANDIDATES[pick])
    return ranking


def governance_build() -> int:
    """Returns how many polls it made."""
    network = Network.objects.filter(slug="valley-coop-network").first()
    coordinator = get_user_model().objects.filter(username="coordinator").first()
    bakery = Organization.objects.filter(roles__user__username="manager").first()
    if network is None or coordinator is None or bakery is None:
        return 0
    rng = random.Random(SEED)
    members = list(
        Organization.objects.filter(
            network_memberships__network=network, network_memberships__status="member"
        )
        .exclude(pk=bakery.pk)
        .order_by("pk")
    )
    voting = rng.sample(members, min(len(members), 30))
    delegates = dict(zip(voting, _delegates(network, voting), strict=True))
    body = services.body_ensure(actor=coordinator, network=network)
    week = timezone.now() + timedelta(days=7)

    proposal = services.poll_create(
        actor=coordinator,
        body=body,
        kind=Poll.Kind.PROPOSAL,
        title="Adopt the shared procurement policy",
        details="Members buy from member co-ops first when price and quality are within "
        "5% of other suppliers, and the alliance reports each year how much was spent "
        "inside the co-op economy.",
        rule=Poll.Rule.SUPERMAJORITY,
        threshold=Poll.Threshold.TWO_THIRDS,
        quorum=25,
        results_visible=Poll.Visibility.AFTER_VOTE,
    )
    services.poll_open(actor=coordinator, poll=proposal, closes_at=week)
    for organization in voting:
        stance = rng.choices(["agree", "abstain", "disagree"], weights=[8, 2, 1])[0]
        reason = (
            "We buy from a regional wholesaler under a three-year contract."
            if stance == "disagree"
            else ""
        )
        services.ballot_cast(
            actor=delegates[organization], poll=proposal, choice={"stance": stance}, reason=reason
        )
    services.poll_close(actor=coordinator, poll=proposal)
    services.poll_outcome_set(
        actor=coordinator,
        poll=proposal,
        outcome="Adopted. The policy applies from the next purchasing round; the first "
        "report comes with the annual meeting.",
    )

    election = services.poll_create(
        actor=coordinator,
        body=body,
        kind=Poll.Kind.ELECTION,
        title="Board of the Valley Co-operative Network",
        details="Three seats on the network's board, for two years. Rank as many "
        "candidates as you like.",
        options=CANDIDATES,
        method=Poll.Method.SCOTTISH_STV,
        seats=3,
        quorum=20,
        results_visible=Poll.Visibility.AFTER_CLOSE,
    )
    services.poll_open(actor=coordinator, poll=election, closes_at=week)
    for organization in voting:
        services.ballot_cast(
            actor=delegates[organization], poll=election, choice={"ranking": _ranking(rng)}
        )
    services.poll_close(actor=coordinator, poll=election)
    election.refresh_from_db()
    elected = ", ".join(election.result["winners"]) if election.result else ""
    services.poll_outcome_set(
        actor=coordinator,
        poll=election,
        outcome=f"The new board ({elected}) takes office at the annual meeting and serves "
        "for two years.",
    )

    fair = services.poll_create(
        actor=coordinator,
        body=body,
        kind=Poll.Kind.CHOICE,
        title="Where should the 2027 co-op fair be held?",
        details="The fair brings the valley's co-ops and their members together for a "
        "weekend in June. Pick one venue.",
        options=["Riverside Community Hall", "Market Square", "Valley Farm Co-op barns"],
        quorum=20,
        results_visible=Poll.Visibility.AFTER_VOTE,
    )
    fair = services.poll_open(
        actor=coordinator, poll=fair, closes_at=timezone.now() + timedelta(days=6)
    )
    for organization in voting[:10]:
        option = rng.choice(
            ["Riverside Community Hall", "Market Square", "Valley Farm Co-op barns"]
        )
        services.ballot_cast(actor=delegates[organization], poll=fair, choice={"options": [option]})
    services.comment_add(
        actor=coordinator,
        poll=fair,
        text="Market Square needs a street-closure permit; the hall and the barns do not.",
    )
    return 3
