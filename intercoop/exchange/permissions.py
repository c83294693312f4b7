"""Who may do what in the exchange. The roles come from directory.permissions; each write
service checks one of these rules itself (`require`), and pages ask them only to decide
what to show.

Speaking for an organisation (its admins and editors, and staff) is what most exchange
writes need: offers, needs and challenges, introductions, member deals, notices and
redemptions are the organisation's own acts, so a network's coordinators do not make them
for it — except that they may take a notice off their network's board, and import a
spreadsheet of offers and needs for their members.
"""

from intercoop.core.permissions import is_signed_in
from intercoop.directory.models import Organization
from intercoop.directory.permissions import (
    AnyUser,
    can_act_for,
    can_edit_organization,
    can_manage_network,
)
from intercoop.exchange.models import Deal, ExchangeItem, Introduction, Notice


def can_manage_items(user: AnyUser, organization: Organization) -> bool:
    """Add, change and withdraw an organisation's offers, needs and challenges."""
    return is_signed_in(user) and can_act_for(user, organization)


def can_change_item(user: AnyUser, item: ExchangeItem) -> bool:
    return can_manage_items(user, item.organization)


def can_import_items(user: AnyUser, organization: Organization) -> bool:
    """Import offers, needs and challenges for an organisation from a spreadsheet: those
    who may edit it (its admins and editors, the coordinators of its networks, staff)."""
    return is_signed_in(user) and can_edit_organization(user, organization)


def can_request_introduction(user: AnyUser, requester: Organization) -> bool:
    """Ask for an introduction on behalf of `requester`, an organisation in the directory
    (approved): one waiting for review does not reach out yet."""
    return (
        is_signed_in(user)
        and requester.approval == Organization.Approval.APPROVED
        and can_act_for(user, requester)
    )


def can_see_introduction(user: AnyUser, introduction: Introduction) -> bool:
    """The two sides' speakers (and staff) see a request and its answer."""
    return is_signed_in(user) and (
        can_act_for(user, introduction.requester) or can_act_for(user, introduction.recipient)
    )


def can_answer_introduction(user: AnyUser, introduction: Introduction) -> bool:
    """Accept or decline: the organisation asked, not the one asking."""
    return is_signed_in(user) and can_act_for(user, introduction.recipient)


def can_block_for(user: AnyUser, organization: Organization) -> bool:
    """Refuse (or accept again) requests to `organization`."""
    return is_signed_in(user) and can_act_for(user, organization)


def can_post_notice(user: AnyUser, organization: Organization) -> bool:
    """Post on a board for `organization` (which must be a member of the board's network:
    the service says so, for staff too)."""
    return is_signed_in(user) and can_act_for(user, organization)


def can_withdraw_notice(user: AnyUser, notice: Notice) -> bool:
    """The poster's speakers, and the network's coordinators who keep the board."""
    return is_signed_in(user) and (
        can_act_for(user, notice.organization) or can_manage_network(user, notice.network)
    )


def can_edit_notice(user: AnyUser, notice: Notice) -> bool:
    """Change a notice: the people who speak for the organisation that posted it (the
    board's coordinators take notices off, they do not rewrite them)."""
    return is_signed_in(user) and can_act_for(user, notice.organization)


def can_manage_deals(user: AnyUser, organization: Organization) -> bool:
    """Offer and withdraw an organisation's member deals."""
    return is_signed_in(user) and can_act_for(user, organization)


def can_change_deal(user: AnyUser, deal: Deal) -> bool:
    return can_manage_deals(user, deal.organization)


def can_redeem(user: AnyUser, deal: Deal) -> bool:
    """Record that a card holder used a deal: the offering organisation's speakers."""
    return is_signed_in(user) and can_act_for(user, deal.organization)
