"""Small builders for governance tests, on top of conftest's `coop_network`: more member
organisations, committees of named people, casting and closing."""

from typing import Any

from django.contrib.auth.models import User

from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory
from intercoop.directory.models import OrganizationRole
from intercoop.governance import services
from intercoop.governance.models import Ballot, Body, Poll, Voter
from intercoop.governance.tests.conftest import soon


def fresh(user: User) -> User:
    """The user again, without the roles cached on the object."""
    return User.objects.get(pk=user.pk)


def add_member(net: dict[str, Any], key: str) -> tuple[Any, User]:
    """A new member organisation `Co-op <KEY>` of the network with its admin `admin_<key>`
    (stored in `net` as org_<key> and admin_<key>)."""
    system = system_actor()
    org = make_org(name=f"Co-op {key.upper()}")
    directory.network_member_join(actor=system, network=net["network"], organization=org)
    admin = make_user(f"admin_{key}")
    directory.organization_role_assign(
        actor=system, organization=org, user=admin, role=OrganizationRole.Role.ADMIN
    )
    net[f"org_{key}"], net[f"admin_{key}"] = org, admin
    return org, admin


def add_person(org: Any, username: str, role: str = OrganizationRole.Role.MEMBER) -> User:
    user = make_user(username)
    directory.organization_role_assign(actor=system_actor(), organization=org, user=user, role=role)
    return user


def committee(net: dict[str, Any], size: int) -> tuple[Body, list[User]]:
    """A committee of the network with `size` named people u1…u<size>."""
    users = [make_user(f"u{i}") for i in range(1, size + 1)]
    body = services.committee_create(
        actor=net["coordinator"], name="Board", network=net["network"], users=users
    )
    return body, users


def start(actor: Any, body: Body, kind: str = "proposal", title: str = "", **values: Any) -> Poll:
    """A poll of `body` created and opened by `actor` (options Ana, Ben, Cai by default
    for the kinds that have options)."""
    if kind not in ("proposal", "consent"):
        values.setdefault("options", ["Ana", "Ben", "Cai"])
    poll = services.poll_create(
        actor=actor, body=body, kind=kind, title=title or f"A {kind}", **values
    )
    return services.poll_open(actor=actor, poll=poll, closes_at=soon())


def vote(user: User, poll: Poll, reason: str = "", **choice: Any) -> Ballot:
    return services.ballot_cast(actor=user, poll=poll, choice=choice, reason=reason)[0]


def stances(poll: Poll, *pairs: tuple[User, str]) -> None:
    """Each (user, stance) cast in order; disagreeing, blocking and objecting with a
    reason."""
    for user, stance in pairs:
        reason = "" if poll.anonymous or stance in ("agree", "abstain", "consent") else "why"
        vote(user, poll, reason=reason, stance=stance)


def close(net: dict[str, Any], poll: Poll) -> Poll:
    return services.poll_close(actor=net["coordinator"], poll=poll)


def voter(poll: Poll, *, org: Any = None, user: Any = None) -> Voter:
    if org is not None:
        return poll.voters.get(organization=org)
    return poll.voters.get(user=user)
