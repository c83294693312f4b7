"""Who may see or change what in joint purchasing. The roles come from
`directory.permissions`; reads ask here to decide what to show, writes are checked by
their services (`require(rule(actor, …), message)`), never by their callers.

- A network's coordinators (and staff) open and run its rounds: move them along their
  timeline, score bids, award, record deliveries and overrides, share patronage. Rights
  follow the role: someone who stops coordinating the network stops running its rounds.
- Where the members ratify awards by a vote, the vote's result is carried out by the
  system (staff too), not by the coordinator who awarded.
- The people who speak for a member (its admins and editors) order, commit and record
  bills for it; the round's coordinators may do so for any member.
- The people who speak for an organisation bid for it as a supplier.
- A network's insiders (coordinators and its members' people) follow its contract dates,
  in a calendar app too, with a private feed address of their own.
"""

from intercoop.directory.models import Network, Organization
from intercoop.directory.permissions import (
    AnyUser,
    acting_organizations,
    can_act_for,
    can_manage_network,
    is_network_insider,
    is_staff,
)
from intercoop.purchasing.models import FeedToken, Patronage, Round


def can_open_round(user: AnyUser, network: Network) -> bool:
    """Start a round of the network: its coordinators and staff."""
    return can_manage_network(user, network)


def can_coordinate(user: AnyUser, round: Round) -> bool:
    """Run a round (timeline, scores, award, delivery, overrides): the network's
    coordinators and staff."""
    return can_manage_network(user, round.network)


def can_carry_out_ratification(user: AnyUser) -> bool:
    """Carry out the members' vote on an award (ratified, or back to bidding): the
    system, which acts on the poll's result, and staff; never the coordinator who
    awarded it."""
    return is_staff(user)


def can_take_part_for(user: AnyUser, round: Round, member: Organization) -> bool:
    """Order, commit or record a bill for `member` in `round`: the people who speak for
    it, and the round's coordinators (that it is a member of the network is the round's
    rule, checked by the service)."""
    return can_coordinate(user, round) or can_act_for(user, member)


def can_bid_for(user: AnyUser, supplier: Organization) -> bool:
    """Bid for `supplier`: the people who speak for it, and staff."""
    return can_act_for(user, supplier)


def can_distribute_patronage(user: AnyUser, network: Network) -> bool:
    """Share a rebate or surplus among the network's members: its coordinators, staff."""
    return can_manage_network(user, network)


def can_follow_contracts(user: AnyUser, network: Network) -> bool:
    """See the network's contracts and have a private calendar feed of their dates."""
    return is_network_insider(user, network)


def can_revoke_feed_token(user: AnyUser, token: FeedToken) -> bool:
    """A feed address is revoked by the person it was made for, or staff."""
    return is_staff(user) or (bool(user.is_authenticated) and token.user_id == user.pk)


# Reads: what a user may see.


def can_view_round(user: AnyUser, round: Round) -> bool:
    """A round is for its coordinators and the people of the network's members; once it
    stops taking orders, also for people who speak for any organisation (suppliers)."""
    return (
        can_coordinate(user, round)
        or is_network_insider(user, round.network)
        or (not round.takes_orders and bool(acting_organizations(user)))
    )


def can_view_pick_list(user: AnyUser, round: Round, supplier: Organization) -> bool:
    """A supplier's pick list of a round: the round's coordinators and the people who
    speak for that supplier (each supplier sees its own list only)."""
    return can_coordinate(user, round) or can_act_for(user, supplier)


def can_view_patronage(user: AnyUser, patronage: Patronage) -> bool:
    """The network's coordinators and the people of its members."""
    return is_network_insider(user, patronage.network)


def sees_every_member(user: AnyUser, network: Network) -> bool:
    """Coordinators see every member's lines and figures; others only their own."""
    return can_manage_network(user, network)
