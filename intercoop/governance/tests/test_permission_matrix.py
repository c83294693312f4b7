"""Who may make each governance write, asked of the services themselves (pages and API
repeat no rule). A refusal is PermissionDenied and leaves nothing behind: no row of
governance or of the memberships it decides, no notification, no audit event. An
allowed write records its audit events, naming its actor.

The world: the Valley Network (coordinator) with Co-ops A, B and C, each with its
administrator; `voter` is A's administrator (the proposer of the drafts below and the
giver of the proxy), `other_admin` B's; `other_coordinator` runs another network."""

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.models import AuditEvent, AuditSubject, Notification
from intercoop.directory import services as directory
from intercoop.directory.models import NetworkMembership, NetworkRole
from intercoop.governance import ballots, bodies, proxies, services
from intercoop.governance.models import (
    Ballot,
    Body,
    Comment,
    Delegate,
    Option,
    Participation,
    Poll,
    PollRound,
    Proxy,
    Seat,
    Voter,
)
from intercoop.governance.tests.conftest import soon
from intercoop.governance.tests.helpers import add_person, start

WHO = ["anonymous", "outsider", "voter", "other_admin", "coordinator", "other_coordinator",
       "staff"]  # fmt: skip
MODELS: list[Any] = [Body, Seat, Delegate, Poll, Option, Voter, Participation, Ballot, Proxy,
                     Comment, PollRound, NetworkMembership, Notification, AuditEvent,
                     AuditSubject]  # fmt: skip


def snapshot() -> list[Any]:
    return [list(model.objects.order_by("pk").values()) for model in MODELS]


@pytest.fixture
def world(coop_network: dict[str, Any]) -> dict[str, Any]:
    net = coop_network
    system = system_actor()
    elsewhere = directory.network_create(actor=system, slug="elsewhere", name="Elsewhere")
    other_coordinator = net["other_coordinator"] = make_user("other_coordinator")
    directory.network_role_assign(
        actor=system, network=elsewhere, user=other_coordinator, role=NetworkRole.Role.COORDINATOR
    )
    net["staff"] = make_user("staff", is_staff=True)
    net["voter"], net["other_admin"] = net["admin_a"], net["admin_b"]
    return net


def actor_of(world: dict[str, Any], who: str) -> Any:
    return AnonymousUser() if who == "anonymous" else world[who]


def _draft(w: dict[str, Any], kind: str = "proposal") -> Poll:
    return services.poll_create(actor=w["admin_a"], body=w["body"], kind=kind, title="Van",
                                closes_at=soon())  # fmt: skip


def _open(w: dict[str, Any], kind: str = "proposal") -> Poll:
    return services.poll_open(actor=w["admin_a"], poll=_draft(w, kind))


def _closed(w: dict[str, Any]) -> Poll:
    return services.poll_close(actor=system_actor(), poll=_open(w))


def _committee(w: dict[str, Any]) -> Body:
    return services.committee_create(actor=system_actor(), name="Board", network=w["network"],
                                     users=[w["admin_a"]])  # fmt: skip


def _proxy(w: dict[str, Any]) -> Proxy:
    return services.proxy_give(actor=w["admin_a"], body=w["body"],
                               giver_organization=w["org_a"], holder_organization=w["org_c"])  # fmt: skip


def _applicant(w: dict[str, Any]) -> Any:
    org = make_org(name="Newcomer Co-op")
    directory.network_member_apply(actor=system_actor(), network=w["network"], organization=org)
    services.body_update(actor=system_actor(), body=w["body"], admission_by_poll=True)
    return org


Setup = Callable[[dict[str, Any]], Callable[[Any], Any]]


def body_ensure(w):
    return lambda a: services.body_ensure(actor=a, organization=w["org_a"])


def body_saved(w):
    unsaved = Body(kind=Body.Kind.ORGANIZATION, slug=w["org_a"].slug, name=w["org_a"].name,
                   organization=w["org_a"])  # fmt: skip
    return lambda a: services.body_saved(actor=a, body=unsaved)


def committee_create(w):
    return lambda a: services.committee_create(actor=a, name="Fund", network=w["network"],
                                               users=[w["admin_b"]])  # fmt: skip


def committee_seats_set(w):
    body = _committee(w)
    return lambda a: services.committee_seats_set(actor=a, body=body, users=[w["admin_b"]],
                                                  organizations=[w["org_c"]])  # fmt: skip


def body_update(w):
    return lambda a: services.body_update(actor=a, body=w["body"], description="We decide")


def delegate_set(w):
    person = add_person(w["org_a"], "member_a")
    return lambda a: services.delegate_set(actor=a, network=w["network"],
                                           organization=w["org_a"], user=person)  # fmt: skip


def poll_create(w):
    return lambda a: services.poll_create(actor=a, body=w["body"], kind="proposal",
                                          title="Share a van")  # fmt: skip


def poll_update(w):
    poll = _draft(w)
    return lambda a: services.poll_update(actor=a, poll=poll, title="Share two vans")


def poll_open(w):
    poll = _draft(w)
    return lambda a: services.poll_open(actor=a, poll=poll)


def poll_close(w):
    poll = _open(w)
    return lambda a: services.poll_close(actor=a, poll=poll)


def poll_withdraw(w):
    poll = _open(w)
    return lambda a: services.poll_withdraw(actor=a, poll=poll, outcome="Its subject is gone")


def poll_reopen(w):
    poll = _closed(w)
    return lambda a: services.poll_reopen(actor=a, poll=poll, closes_at=soon(24))


def poll_amend(w):
    poll = _open(w, "consent")
    return lambda a: services.poll_amend(actor=a, poll=poll, details="Amended", closes_at=soon())


def poll_outcome_set(w):
    poll = _closed(w)
    return lambda a: services.poll_outcome_set(actor=a, poll=poll, outcome="Done")


def comment_add(w):
    poll = _open(w)
    return lambda a: services.comment_add(actor=a, poll=poll, text="Good")


def proxy_give(w):
    return lambda a: services.proxy_give(actor=a, body=w["body"], giver_organization=w["org_a"],
                                         holder_organization=w["org_c"])  # fmt: skip


def proxy_revoke(w):
    proxy = _proxy(w)
    return lambda a: services.proxy_revoke(actor=a, proxy=proxy)


def ballot_cast(w):
    poll = _open(w)
    a_voter = poll.voters.get(organization=w["org_a"])
    return lambda a: services.ballot_cast(actor=a, poll=poll, choice={"stance": "agree"},
                                          voter=a_voter)  # fmt: skip


def admission_poll_start(w):
    org = _applicant(w)
    return lambda a: services.admission_poll_start(actor=a, network=w["network"],
                                                   organization=org, closes_at=soon())  # fmt: skip


MANAGERS = {"coordinator", "staff"}
PROPOSER = {"voter"} | MANAGERS
PEOPLE = {"voter", "other_admin"} | MANAGERS

# each write: (set-up returning the call, who may make it, the audit actions it records)
MATRIX: dict[Setup, tuple[set[str], list[str]]] = {
    body_ensure: ({"voter", "staff"}, ["body.create"]),
    body_saved: ({"voter", "staff"}, ["body.create"]),
    committee_create: (MANAGERS, ["body.create"]),
    committee_seats_set: (MANAGERS, ["body.seats"]),
    body_update: (MANAGERS, ["body.update"]),
    # an organisation's administrators name its delegate (not the network's coordinators)
    delegate_set: ({"voter", "staff"}, ["delegate.set"]),
    poll_create: (PEOPLE, ["poll.create"]),
    poll_update: (PROPOSER, ["poll.update"]),
    poll_open: (PROPOSER, ["poll.open"]),
    poll_close: (MANAGERS, ["poll.close"]),
    poll_withdraw: (MANAGERS, ["poll.withdraw"]),
    poll_reopen: (MANAGERS, ["poll.reopen"]),
    poll_amend: (PROPOSER, ["poll.amend"]),
    poll_outcome_set: (PROPOSER, ["poll.outcome"]),
    comment_add: (PEOPLE, ["poll.comment"]),
    # nobody gives or casts another's vote, not even staff
    proxy_give: ({"voter"}, ["proxy.give"]),
    proxy_revoke: (PROPOSER, ["proxy.revoke"]),
    ballot_cast: ({"voter"}, ["ballot.cast"]),
    admission_poll_start: (MANAGERS, ["poll.create", "poll.open"]),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("write", list(MATRIX), ids=lambda f: f.__name__)
def test_who_may_make_each_write(world, write, who):
    allowed, actions = MATRIX[write]
    call = write(world)
    actor = actor_of(world, who)
    before = snapshot()
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if who not in allowed:
        with pytest.raises(PermissionDenied):
            call(actor)
        assert snapshot() == before
        return
    call(actor)
    events = AuditEvent.objects.filter(pk__gt=last).order_by("pk")
    assert list(events.values_list("action", "actor_name")) == [
        (action, actor.username) for action in actions
    ]


def test_a_service_called_without_a_user_refuses(world):
    poll = _open(world)
    before = snapshot()
    for call in (
        lambda: services.poll_create(actor=None, body=world["body"], kind="proposal", title="X"),
        lambda: services.ballot_cast(actor=None, poll=poll, choice={"stance": "agree"}),
        lambda: services.poll_close(actor=None, poll=poll),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert snapshot() == before


def test_only_a_committees_members_and_its_owners_people_vote_and_see(world):
    body = _committee(world)  # admin_a sits on it
    poll = start(system_actor(), body)
    for who in ("admin_b", "outsider", "coordinator", "staff"):
        with pytest.raises(PermissionDenied):
            services.ballot_cast(actor=world[who], poll=poll, choice={"stance": "agree"})
    services.ballot_cast(actor=world["admin_a"], poll=poll, choice={"stance": "agree"})
    with pytest.raises(PermissionDenied):
        services.comment_add(actor=world["outsider"], poll=poll, text="Hi")


def _writes(module: Any) -> set[str]:
    return {
        name
        for name, f in vars(module).items()
        if inspect.isfunction(f)
        and f.__module__ == module.__name__
        and not name.startswith("_")
        and _takes_actor(f)
    }


def _takes_actor(function: Any) -> bool:
    """A write takes its actor as a keyword (reads such as `proxies_for` take a user)."""
    actor = inspect.signature(function).parameters.get("actor")
    return actor is not None and actor.kind is inspect.Parameter.KEYWORD_ONLY


def test_the_matrix_covers_every_write_service():
    """A new write service (one that takes `actor=`) must join the matrix."""
    covered = {f.__name__ for f in MATRIX}
    assert _writes(services) | _writes(ballots) | _writes(bodies) | _writes(proxies) == covered
    jobs = {
        name
        for name, f in vars(services).items()
        if inspect.isfunction(f) and f.__module__ == services.__name__
        and not name.startswith("_") and name not in covered
    }  # fmt: skip
    assert jobs == {"polls_close_due", "polls_remind"}  # the clock's, acting as the system
