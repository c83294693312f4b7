"""Who may see, run and vote in a body's decisions. Reads ask here what to show; writes
are checked by their services.

- A body is run by its **managers**: a network's coordinators, an organisation's
  administrators, a committee's owner's coordinators or administrators; staff too.
- Its **people** see its polls: for a network, everyone with a role in a member
  organisation; for an organisation, its people; for a committee, its owner's people and
  its members.
- A **voter** is a member of the electorate fixed when the poll opened. A person votes
  for a voter that is a person when it is them, and for an organisation when they are its
  delegate in the network, or any of its administrators when it has none.
- A poll's life (close early, reopen, amend, state the outcome) is decided here, state
  and role together (`can_close_early`, `can_reopen`, `can_amend`, `can_write_outcome`),
  so the services, the pages and the API ask the same question. A poll whose result
  another app carries out (an admission, an award's ratification) is closed early only
  by staff or the system, and never reopened.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from intercoop.core.permissions import AnyUser, is_signed_in, is_staff
from intercoop.directory.models import NetworkMembership, OrganizationRole
from intercoop.directory.permissions import coordinated_network_ids, organization_roles
from intercoop.governance.models import Body, Delegate, Poll, Seat, Voter


def can_manage_body(user: AnyUser | None, body: Body) -> bool:
    if user is None or not is_signed_in(user):
        return False
    if is_staff(user):
        return True
    if body.network_id is not None:
        return body.network_id in coordinated_network_ids(user)
    if body.organization_id is not None:
        return organization_roles(user).get(body.organization_id) == OrganizationRole.Role.ADMIN
    return False


def _member_organization_ids(network_id: int) -> Any:
    return NetworkMembership.objects.filter(
        network_id=network_id, status=NetworkMembership.Status.MEMBER
    ).values("organization_id")


def is_body_person(user: AnyUser | None, body: Body) -> bool:
    """Whether the user belongs to the body's people (see the module's rules)."""
    if user is None or not is_signed_in(user):
        return False
    roles = organization_roles(user)
    if body.network_id is not None:
        if body.network_id in coordinated_network_ids(user):
            return True
        if (
            roles
            and NetworkMembership.objects.filter(
                network_id=body.network_id,
                organization_id__in=list(roles),
                status=NetworkMembership.Status.MEMBER,
            ).exists()
        ):
            return True
    elif body.organization_id is not None and body.organization_id in roles:
        return True
    if body.is_committee:
        return Seat.objects.filter(
            Q(user=user) | Q(organization_id__in=list(roles)), body=body
        ).exists()
    return False


def can_view_body(user: AnyUser | None, body: Body) -> bool:
    return can_manage_body(user, body) or is_body_person(user, body)


def can_view_poll(user: AnyUser | None, poll: Poll) -> bool:
    """A draft is seen by its proposer and the body's managers; an open or closed poll by
    the body's people, and by anyone in its electorate."""
    if can_manage_body(user, poll.body):
        return True
    if user is None or not is_signed_in(user):
        return False
    if poll.is_draft:
        return poll.created_by_id == user.pk
    return is_body_person(user, poll.body) or bool(voters_acting_for(user, poll))


def can_propose(user: AnyUser | None, body: Body) -> bool:
    """Start a poll: the body's managers, and whoever may vote in it."""
    return can_manage_body(user, body) or bool(identities_in(user, body))


def can_edit_draft(user: AnyUser | None, poll: Poll) -> bool:
    return poll.is_draft and (
        can_manage_body(user, poll.body) or (is_signed_in(user) and poll.created_by_id == user.pk)  # type: ignore[union-attr]
    )


def can_open_poll(user: AnyUser | None, poll: Poll) -> bool:
    return can_edit_draft(user, poll)


def runs_poll_life(user: AnyUser | None, poll: Poll) -> bool:
    """Who closes a poll early or reopens it (when its state allows): the body's
    managers; for a poll another app carries out (an admission, an award's
    ratification), staff and the system only — its close admits or ratifies."""
    if poll.purpose:
        return is_staff(user)
    return can_manage_body(user, poll.body)


def can_close_early(user: AnyUser | None, poll: Poll) -> bool:
    """Close an open poll before its deadline (see `runs_poll_life`)."""
    return poll.is_open and runs_poll_life(user, poll)


def can_reopen(user: AnyUser | None, poll: Poll) -> bool:
    """Reopen a closed poll with a new deadline (see `runs_poll_life`). A poll another
    app carries out is never reopened, not even by staff: its decision was carried out
    when it closed, and a new count would contradict what was done."""
    return poll.is_closed and not poll.purpose and runs_poll_life(user, poll)


def writes_outcome(user: AnyUser | None, poll: Poll) -> bool:
    """Who states a poll's outcome (once it has closed): the proposer or the body's
    managers."""
    return can_manage_body(user, poll.body) or (
        is_signed_in(user) and poll.created_by_id == user.pk  # type: ignore[union-attr]
    )


def can_write_outcome(user: AnyUser | None, poll: Poll) -> bool:
    """The outcome statement of a closed poll: its proposer or the body's managers."""
    return poll.is_closed and writes_outcome(user, poll)


def can_amend(user: AnyUser | None, poll: Poll) -> bool:
    """Amend an open or closed consent proposal and reopen it for a new round: its
    proposer (or the body's managers)."""
    return poll.is_consent and not poll.is_draft and writes_outcome(user, poll)


def can_set_weights(user: AnyUser | None, body: Body) -> bool:
    """Give a poll custom weights (create, change or open it so weighted): the body's
    managers only, or a voter could give itself the weight of the rest."""
    return can_manage_body(user, body)


def can_comment(user: AnyUser | None, poll: Poll) -> bool:
    return not poll.is_draft and can_view_poll(user, poll)


def standing_delegates() -> Any:
    """Delegates still among their organisation's people: one who has left it no longer
    votes for it (and its administrators vote again)."""
    return Delegate.objects.filter(
        Exists(
            OrganizationRole.objects.filter(
                user_id=OuterRef("user_id"), organization_id=OuterRef("organization_id")
            )
        )
    )


def delegated_organizations(user: AnyUser | None, network_id: int) -> tuple[set[int], set[int]]:
    """(organisations the user is the delegate of in the network, organisations with
    some other delegate there)."""
    if user is None or not is_signed_in(user):
        return set(), set()
    mine: set[int] = set()
    others: set[int] = set()
    for organization_id, user_id in (
        standing_delegates().filter(network_id=network_id).values_list("organization_id", "user_id")
    ):
        (mine if user_id == user.pk else others).add(organization_id)
    return mine, others


def organizations_voted_for(user: AnyUser | None, network_id: int | None) -> set[int]:
    """The organisations a person casts votes for: where they are the delegate (in a
    network's polls), or administrators of one without another delegate."""
    if user is None or not is_signed_in(user):
        return set()
    admin_of = {
        pk for pk, role in organization_roles(user).items() if role == OrganizationRole.Role.ADMIN
    }
    if network_id is None:
        return admin_of
    mine, others = delegated_organizations(user, network_id)
    return mine | (admin_of - others)


def _network_of(body: Body) -> int | None:
    return body.network_id


def identities_in(user: AnyUser | None, body: Body) -> list[tuple[int | None, int | None]]:
    """The (user id, organisation id) voters of the body the user acts for today (before
    a poll opens, from the body's rules; `voters_acting_for` uses the snapshot)."""
    if user is None or not is_signed_in(user):
        return []
    assert user.pk is not None
    organizations = organizations_voted_for(user, _network_of(body))
    if body.is_network:
        members = set(
            _member_organization_ids(body.network_id).values_list(  # type: ignore[arg-type]
                "organization_id", flat=True
            )
        )
        return [(None, pk) for pk in sorted(organizations & members)]
    if body.kind == Body.Kind.ORGANIZATION:
        return [(user.pk, None)] if body.organization_id in organization_roles(user) else []
    found: list[tuple[int | None, int | None]] = []
    for seat_user, seat_org in body.seats.values_list("user_id", "organization_id"):
        if seat_user == user.pk:
            found.append((user.pk, None))
        elif seat_org in organizations:
            found.append((None, seat_org))
    return found


def voters_acting_for(user: AnyUser | None, poll: Poll) -> list[Voter]:
    """The poll's voters the user casts for themselves (not by proxy)."""
    if user is None or not is_signed_in(user) or poll.is_draft:
        return []
    organizations = organizations_voted_for(user, _network_of(poll.body))
    return list(
        poll.voters.filter(Q(user=user) | Q(organization_id__in=organizations)).order_by("pk")
    )


def can_manage_delegate(user: AnyUser | None, organization_id: int) -> bool:
    """Who names an organisation's delegate in a network: its administrators, and staff."""
    return is_staff(user) or (
        is_signed_in(user)
        and organization_roles(user).get(organization_id) == OrganizationRole.Role.ADMIN  # type: ignore[arg-type]
    )


# Reads refused with a reason: views and API handlers call these (they raise no 403
# themselves; see core's test_layering).


def access_results(user: AnyUser | None, poll: Poll) -> None:
    """Refuse (403, saying when they will show) unless the user may see the poll's
    results now (`selectors.results_visible`)."""
    from intercoop.governance.selectors import results_visible

    if user is not None and results_visible(user, poll):
        return
    if not can_view_poll(user, poll):
        raise PermissionDenied(_("You may not see this poll"))
    if poll.is_draft:
        raise PermissionDenied(_("A draft has no results: it has not opened yet"))
    closes = f"{poll.closes_at:%Y-%m-%d %H:%M} UTC" if poll.closes_at else ""
    if poll.results_visible == Poll.Visibility.AFTER_VOTE and voters_acting_for(user, poll):
        raise PermissionDenied(
            _("The results show once you have voted, or when the poll closes (%(closes)s)")
            % {"closes": closes}
        )
    raise PermissionDenied(
        _("The results show when the poll closes (%(closes)s)") % {"closes": closes}
    )


def access_ballots(user: AnyUser | None, poll: Poll) -> None:
    """Refuse (403) unless the user may see the published ballots now: whoever sees the
    results (in an anonymous poll the list names receipts, never voters)."""
    access_results(user, poll)
