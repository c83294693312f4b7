"""Reads of governance: bodies a person belongs to, polls, who may still vote, results
(computed from current ballots while open, stored at close), ballot lists and exports."""

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from intercoop.core.csvfiles import SafeWriter
from intercoop.core.permissions import AnyUser, is_signed_in
from intercoop.directory.models import Network, NetworkMembership, Organization, OrganizationRole
from intercoop.directory.permissions import coordinated_network_ids, organization_roles
from intercoop.governance import permissions
from intercoop.governance.blt import Election, write
from intercoop.governance.models import Ballot, Body, Participation, Poll, Proxy, Voter
from intercoop.governance.results import PollRules, poll_result


def people_of_voters(voters: Iterable[Voter]) -> list[Any]:
    """Who is told for each voter: the person, or for an organisation its delegate in the
    network (if it has one) or else its administrators."""
    voters = list(voters)
    users = {v.user_id for v in voters if v.user_id}
    organizations = {v.organization_id for v in voters if v.organization_id}
    if organizations:
        network_ids = {v.poll.body.network_id for v in voters[:1]} - {None}
        delegated = dict(
            permissions.standing_delegates()
            .filter(network_id__in=network_ids, organization_id__in=organizations)
            .values_list("organization_id", "user_id")
        )
        users |= set(delegated.values())
        users |= set(
            OrganizationRole.objects.filter(
                organization_id__in=organizations - set(delegated),
                role=OrganizationRole.Role.ADMIN,
            ).values_list("user_id", flat=True)
        )
    return list(get_user_model().objects.filter(pk__in=users, is_active=True))


def max_proxies_per_holder() -> int:
    """How many givers' votes one voter may cast in a poll (the setting, read now)."""
    return int(settings.MAX_PROXIES_PER_HOLDER)


def body_voter_keys(body: Body) -> set[str]:
    """The keys of the body's voters today, as custom weights name them: organisations by
    slug (a network's members, a committee's organisations), people by user name (an
    organisation's active people, a committee's people)."""
    if body.is_network:
        return set(
            Organization.objects.filter(
                network_memberships__network_id=body.network_id or 0,
                network_memberships__status=NetworkMembership.Status.MEMBER,
            ).values_list("slug", flat=True)
        )
    users = get_user_model().objects
    if body.kind == Body.Kind.ORGANIZATION:
        return set(
            users.filter(
                organization_roles__organization_id=body.organization_id or 0, is_active=True
            ).values_list("username", flat=True)
        )
    if body.pk is None:
        return set()
    seats = body.seats.all()
    return set(
        users.filter(pk__in=seats.values("user_id")).values_list("username", flat=True)
    ) | set(
        Organization.objects.filter(pk__in=seats.values("organization_id")).values_list(
            "slug", flat=True
        )
    )


def poll_rules(poll: Poll) -> PollRules:
    totals = poll.voters.aggregate(voters=Count("pk"), weight=Sum("weight"))
    return PollRules(
        kind=poll.kind,
        options=list(poll.options.values_list("name", flat=True)),
        rule=poll.rule,
        threshold=poll.threshold,
        method=poll.method,
        seats=poll.seats,
        score_max=poll.score_max,
        dots=poll.dots,
        quorum=poll.quorum,
        electorate=totals["voters"],
        electorate_weight=totals["weight"] or 0,
        title=poll.title,
        seed=poll.seed,
    )


def current_ballots(poll: Poll) -> QuerySet[Ballot]:
    return Ballot.objects.filter(poll=poll, round=poll.round, current=True)


def poll_compute_result(poll: Poll) -> dict[str, Any]:
    """The result of the poll's current ballots now (a closed poll's is `poll.result`).
    Identical ballots are merged by the database, their weights summed, so a poll of
    thousands reads a few rows."""
    merged = list(
        current_ballots(poll)
        .values("choice")
        .annotate(weight=Sum("weight"), ballots=Count("pk"))
        .values_list("weight", "choice", "ballots")
        .order_by()
    )
    ballots = [(weight, choice) for weight, choice, _n in merged]
    return poll_result(poll_rules(poll), ballots, voters=sum(n for _w, _c, n in merged))


def poll_result_of(poll: Poll) -> dict[str, Any] | None:
    if poll.is_draft:
        return None
    return poll.result if poll.is_closed and poll.result else poll_compute_result(poll)


def voters_not_voted(poll: Poll) -> QuerySet[Voter]:
    voted = Participation.objects.filter(poll=poll, round=poll.round, voter=OuterRef("pk"))
    return poll.voters.filter(~Exists(voted))


def voted_ids(poll: Poll) -> set[int]:
    return set(
        Participation.objects.filter(poll=poll, round=poll.round).values_list("voter_id", flat=True)
    )


def has_voted(user: AnyUser, poll: Poll) -> bool:
    mine = {v.pk for v in permissions.voters_acting_for(user, poll)}
    return bool(mine & voted_ids(poll))


def results_visible(user: AnyUser, poll: Poll) -> bool:
    """As chosen at creation: always, once the viewer has voted, or once closed."""
    if poll.is_draft or not permissions.can_view_poll(user, poll):
        return False
    if poll.is_closed or poll.results_visible == Poll.Visibility.ALWAYS:
        return True
    if poll.results_visible == Poll.Visibility.AFTER_VOTE:
        return has_voted(user, poll)
    return False


@dataclass
class MyVote:
    voter: Voter
    ballot: Ballot | None
    receipt: str
    by_proxy: bool  # cast for a giver whose proxy the user holds


def my_votes(user: AnyUser, poll: Poll) -> list[MyVote]:
    """The voters the user casts for (their own, then proxies held), each with its current
    ballot (in an anonymous poll found by its seal, with the voter's receipt)."""
    from intercoop.governance.ballots import proxies_for, receipt_of, seal_of

    own = permissions.voters_acting_for(user, poll)
    found: list[MyVote] = []
    for voter, proxied in [(v, False) for v in own] + [(v, True) for v in proxies_for(user, poll)]:
        ballots = Ballot.objects.filter(poll=poll, round=poll.round)
        if poll.anonymous:
            seal = seal_of(poll, voter)
            mine = ballots.filter(seal=seal)
            count = mine.count()
            ballot = mine.filter(current=True).first()
            receipt = receipt_of(seal, poll.round, count) if count else ""
        else:
            ballot = ballots.filter(voter=voter, current=True).first()
            receipt = ""
        found.append(MyVote(voter, ballot, receipt, proxied))
    return found


def ballot_list(poll: Poll) -> list[dict[str, Any]]:
    """The published ballots of the current round: in an anonymous poll by receipt (in
    receipt order, never by voter), otherwise by voter with reasons and weights."""
    ballots = current_ballots(poll)
    if poll.anonymous:
        return [
            {"receipt": receipt, "choice": choice}
            for receipt, choice in ballots.order_by("receipt").values_list("receipt", "choice")
        ]
    return [
        {
            "voter": b.voter.name if b.voter else "",
            "weight": b.weight,
            "choice": b.choice,
            "reason": b.reason,
            "by_proxy": b.by_proxy,
            "cast_at": b.cast_at.isoformat() if b.cast_at else None,
        }
        for b in ballots.select_related("voter").order_by("voter__name", "pk")
    ]


def electorate(poll: Poll) -> QuerySet[Voter]:
    """Every voter in name order, with `voted` (in the current round; never how)."""
    voted = Participation.objects.filter(poll=poll, round=poll.round, voter=OuterRef("pk"))
    return poll.voters.annotate(voted=Exists(voted)).order_by("name", "pk")


def electorate_summary(poll: Poll) -> dict[str, int]:
    """How many voters, their total weight, and how many have voted (two queries)."""
    totals = poll.voters.aggregate(voters=Count("pk"), weight=Sum("weight"))
    voted = Participation.objects.filter(poll=poll, round=poll.round).count()
    return {"voters": totals["voters"], "weight": totals["weight"] or 0, "voted": voted}


def ballots_blt(poll: Poll) -> str:
    """The current ranked ballots as a BLT file (anonymised: no voter, ballots sorted;
    papers of weight 0 left out)."""
    names = list(poll.options.values_list("name", flat=True))
    index = {name: i for i, name in enumerate(names)}
    papers = sorted(
        (weight, tuple(index[n] for n in choice["ranking"]))
        for weight, choice in current_ballots(poll).values_list("weight", "choice")
        # a voter of weight 0 counts towards quorum only; BLT weights start at 1
        if choice.get("ranking") and weight > 0
    )
    return write(Election(names, poll.seats, papers, poll.title))


def ballots_csv(poll: Poll) -> str:
    """The current ballots as CSV, anonymised: one row per ballot in a stable order,
    `weight` then one column per option (stance, chosen 0/1, score, dots or rank)."""
    names = list(poll.options.values_list("name", flat=True))
    out = io.StringIO()
    writer = SafeWriter(out)
    rows = []
    for weight, choice in current_ballots(poll).values_list("weight", "choice"):
        if "stance" in choice:
            rows.append([weight, choice["stance"]])
        elif "options" in choice:
            rows.append([weight] + [int(n in choice["options"]) for n in names])
        elif "ranking" in choice:
            rank = {n: i for i, n in enumerate(choice["ranking"], start=1)}
            rows.append([weight] + [rank.get(n, "") for n in names])
        else:
            values = choice.get("scores") or choice.get("dots") or {}
            rows.append([weight] + [values.get(n, "") for n in names])
    writer.writerow(["weight", "stance"] if not names else ["weight", *names])
    writer.writerows(sorted(rows, key=lambda r: [str(x) for x in r]))
    return out.getvalue()


def results_json(poll: Poll) -> str:
    return json.dumps(
        {
            "poll": poll.pk,
            "title": poll.title,
            "status": poll.status,
            "result": poll_result_of(poll),
        },
        ensure_ascii=False,
        indent=2,
    )


def results_csv(poll: Poll) -> str:
    """One row per option (or stance) with its count; for ranked polls and elections the
    first-stage and last-stage totals and whether elected."""
    result = poll_result_of(poll) or {}
    out = io.StringIO()
    writer = SafeWriter(out)
    if "count" in result:
        stages = result["count"]["stages"]
        writer.writerow(["candidate", "first_preferences", "final", "elected"])
        for name in poll.options.values_list("name", flat=True):
            first = stages[0]["totals"].get(name, 0) if stages else 0
            last = stages[-1]["totals"].get(name, 0) if stages else 0
            writer.writerow([name, first, last, int(name in result["winners"])])
    else:
        means = result.get("means", {})
        writer.writerow(["option", "count"] + (["mean"] if means else []))
        for name, value in result.get("counts", {}).items():
            writer.writerow([name, value] + ([means.get(name, 0)] if means else []))
    writer.writerow([])
    writer.writerow(["voters", result.get("voters", 0)])
    writer.writerow(["electorate", result.get("electorate", 0)])
    writer.writerow(["quorum_met", int(bool(result.get("quorum_met")))])
    if result.get("passed") is not None:
        writer.writerow(["passed", int(bool(result["passed"]))])
    return out.getvalue()


# Bodies and lists


def bodies_of(user: AnyUser) -> list[Body]:
    """The bodies the user belongs to or runs: their networks' and organisations' (unsaved
    until the first poll) and the committees they see."""
    if not is_signed_in(user):
        return []
    roles = organization_roles(user)
    network_ids = set(coordinated_network_ids(user)) | set(
        NetworkMembership.objects.filter(
            organization_id__in=list(roles), status=NetworkMembership.Status.MEMBER
        ).values_list("network_id", flat=True)
    )
    saved = {
        (b.kind, b.network_id or b.organization_id): b
        for b in Body.objects.filter(
            Q(network_id__in=network_ids) | Q(organization_id__in=list(roles))
        )
    }
    bodies: list[Body] = []
    for network in Network.objects.filter(pk__in=network_ids).order_by("name"):
        bodies.append(
            saved.get((Body.Kind.NETWORK, network.pk))
            or Body(kind=Body.Kind.NETWORK, slug=network.slug, name=network.name, network=network)
        )
    for organization in Organization.objects.filter(pk__in=list(roles)).order_by("name"):
        bodies.append(
            saved.get((Body.Kind.ORGANIZATION, organization.pk))
            or Body(
                kind=Body.Kind.ORGANIZATION,
                slug=organization.slug,
                name=organization.name,
                organization=organization,
            )
        )
    bodies += [b for b in saved.values() if b.is_committee and permissions.can_view_body(user, b)]
    return bodies


def body_by_path(kind: str, slug: str) -> Body | None:
    """The body at /decide/<kind>/<slug>/ (a network's or organisation's unsaved until its
    first poll), or None."""
    found = (
        Body.objects.filter(kind=kind, slug=slug).select_related("network", "organization").first()
    )
    if found is not None or kind == Body.Kind.COMMITTEE:
        return found
    if kind == Body.Kind.NETWORK:
        network = Network.objects.filter(slug=slug).first()
        if network is None:
            return None
        return Body(kind=kind, slug=slug, name=network.name, network=network)
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        return None
    return Body(kind=kind, slug=slug, name=organization.name, organization=organization)


def body_polls(user: AnyUser, body: Body) -> QuerySet[Poll]:
    """The body's polls the user sees: drafts only their own (all, for managers)."""
    if body.pk is None:
        return Poll.objects.none()
    polls = body.polls.all()
    if not permissions.can_manage_body(user, body):
        polls = polls.exclude(~Q(created_by_id=getattr(user, "pk", None)), status=Poll.Status.DRAFT)
    return polls.order_by("status", "-closes_at", "-pk")


def polls_needing_vote(user: AnyUser) -> QuerySet[Poll]:
    """Open polls where the user votes for a voter (their own) that has not voted in the
    current round."""
    if not is_signed_in(user):
        return Poll.objects.none()
    admin_of = [pk for pk, role in organization_roles(user).items() if role == "admin"]
    delegation = permissions.standing_delegates().filter(
        organization_id=OuterRef("organization_id"), network_id=OuterRef("poll__body__network_id")
    )
    mine = Voter.objects.filter(
        Q(user=user)
        | Exists(delegation.filter(user=user))
        | (Q(organization_id__in=admin_of) & ~Exists(delegation.exclude(user=user))),
        poll__status=Poll.Status.OPEN,
    )
    voted = Participation.objects.filter(voter=OuterRef("pk"), round=OuterRef("poll__round"))
    return Poll.objects.filter(
        pk__in=mine.filter(~Exists(voted)).values("poll_id"), status=Poll.Status.OPEN
    ).order_by("closes_at")


def proxies_of(body: Body) -> QuerySet[Proxy]:
    if body.pk is None:
        return Proxy.objects.none()
    return (
        body.proxies.filter(revoked_at__isnull=True)
        .select_related(
            "giver_user", "giver_organization", "holder_user", "holder_organization", "poll"
        )
        .order_by("created_at")
    )


# The body pages


def people_names(user_ids: Iterable[int | None]) -> dict[int, str]:
    """user id → the name shown for that person (display name, else user name), at once."""
    rows = (
        get_user_model()
        .objects.filter(pk__in={pk for pk in user_ids if pk})
        .values_list("pk", "username", "profile__display_name")
    )
    return {pk: shown or username for pk, username, shown in rows}


@dataclass(frozen=True)
class BodyVoter:
    """One who votes in a body's polls today: a person or an organisation."""

    user_id: int | None
    organization_id: int | None
    name: str

    @property
    def key(self) -> tuple[int | None, int | None]:
        return (self.user_id, self.organization_id)


def body_voters(body: Body) -> list[BodyVoter]:
    """Who would vote if a poll of the body opened now, by name: a network's member
    organisations, an organisation's (active) people, a committee's members."""
    if body.is_network and body.network_id is not None:
        return [
            BodyVoter(None, pk, name)
            for pk, name in Organization.objects.filter(
                network_memberships__network_id=body.network_id,
                network_memberships__status=NetworkMembership.Status.MEMBER,
            )
            .order_by("name", "pk")
            .values_list("pk", "name")
        ]
    if body.kind == Body.Kind.ORGANIZATION and body.organization_id is not None:
        ids = OrganizationRole.objects.filter(
            organization_id=body.organization_id, user__is_active=True
        ).values_list("user_id", flat=True)
        names = people_names(ids)
        return sorted(
            (BodyVoter(pk, None, name) for pk, name in names.items()),
            key=lambda v: (v.name.lower(), v.user_id),
        )
    if body.pk is None or not body.is_committee:
        return []
    seats = list(body.seats.select_related("organization").order_by("pk"))
    names = people_names(s.user_id for s in seats)
    return sorted(
        (
            BodyVoter(s.user_id, None, names.get(s.user_id, ""))
            if s.user_id
            else BodyVoter(None, s.organization_id, s.organization.name if s.organization else "")
            for s in seats
        ),
        key=lambda v: (v.name.lower(), v.user_id or 0, v.organization_id or 0),
    )


def network_delegates(network_id: int | None) -> dict[int, int]:
    """organisation id → the user id of its delegate in the network (one who has left the
    organisation no longer counts: see `permissions.standing_delegates`)."""
    if network_id is None:
        return {}
    return dict(
        permissions.standing_delegates()
        .filter(network_id=network_id)
        .values_list("organization_id", "user_id")
    )


def organization_people(organization_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """organisation id → its (active) people as (user id, name), by name."""
    roles = list(
        OrganizationRole.objects.filter(
            organization_id__in=set(organization_ids), user__is_active=True
        ).values_list("organization_id", "user_id")
    )
    names = people_names(user_id for _, user_id in roles)
    found: dict[int, list[tuple[int, str]]] = {}
    for organization_id, user_id in roles:
        found.setdefault(organization_id, []).append((user_id, names.get(user_id, "")))
    return {k: sorted(v, key=lambda p: (p[1].lower(), p[0])) for k, v in found.items()}


def open_poll_counts(bodies: Iterable[Body]) -> dict[int, int]:
    """body id → how many of its polls are open (saved bodies only)."""
    ids = [b.pk for b in bodies if b.pk is not None]
    rows = (
        Poll.objects.filter(body_id__in=ids, status=Poll.Status.OPEN)
        .values("body_id")
        .annotate(n=Count("pk"))
        .values_list("body_id", "n")
    )
    return dict(rows)


def my_vote_states(user: AnyUser, body: Body, polls: Iterable[Poll]) -> dict[int, bool]:
    """Of the body's open `polls`, poll id → whether every voter the user casts for
    (themselves, or organisations they vote for: see `permissions.voters_acting_for`) has
    voted in the current round; polls where the user casts for nobody are left out."""
    ids = [p.pk for p in polls if p.is_open]
    if not ids or not is_signed_in(user):
        return {}
    organizations = permissions.organizations_voted_for(user, body.network_id)
    voted = Participation.objects.filter(voter=OuterRef("pk"), round=OuterRef("poll__round"))
    states: dict[int, bool] = {}
    for poll_id, has in (
        Voter.objects.filter(Q(user=user) | Q(organization_id__in=organizations), poll_id__in=ids)
        .annotate(has=Exists(voted))
        .values_list("poll_id", "has")
    ):
        states[poll_id] = states.get(poll_id, True) and has
    return states


def poll_comments(poll: Poll) -> QuerySet[Any]:
    """A poll's discussion, oldest first."""
    return poll.comments.select_related("author").order_by("created_at", "pk")
