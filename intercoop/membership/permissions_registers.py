"""Who may see or change an organisation's registers (of members and of shares) and its
share classes. Each write service checks one of these rules itself (`require`); pages
ask them only to decide what to show.

- The registers hold people's addresses and what they paid: only the organisation's
  admins (and staff) see and keep them. A network's coordinators do not, nor do the
  organisation's editors and members.
- A member sees their own holdings (the person on the register, or the admins and
  editors of a member organisation).
"""

from django.utils.translation import gettext as _

from intercoop.core.permissions import AnyUser, NotFoundReason, is_signed_in, require
from intercoop.directory.models import Organization
from intercoop.directory.permissions import can_act_for, can_manage_people, can_view_organization
from intercoop.membership.models import Member


def can_keep_registers(user: AnyUser | None, organization: Organization) -> bool:
    """See and keep the registers, the share classes and the share ledger: the
    organisation's admins and staff."""
    return is_signed_in(user) and user is not None and can_manage_people(user, organization)


def can_view_holdings(user: AnyUser | None, member: Member) -> bool:
    """A member's shares, subscriptions and ledger entries: the member (the person, or
    the member organisation's admins and editors) and those who keep the registers."""
    if user is None or not is_signed_in(user):
        return False
    if member.user_id is not None and member.user_id == user.pk:
        return True
    if member.member_organization is not None and can_act_for(user, member.member_organization):
        return True
    return can_keep_registers(user, member.organization)


# reading ----------------------------------------------------------------------------


def access_registers(user: AnyUser | None, *, slug: str) -> Organization:
    """The organisation named by `slug` whose registers the user keeps (404 when there is
    none or the user may not see it, 403 for everyone but its admins and staff)."""
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None or user is None or not can_view_organization(user, organization):
        raise NotFoundReason(_("No such organisation"))
    require(
        can_keep_registers(user, organization),
        _("The registers are for the organisation's administrators"),
    )
    return organization


def registers_kept_by(user: AnyUser | None, *, slug: str) -> Organization:
    """The organisation named by `slug` whose registers the user keeps, for the API's
    writes (404 for everyone else: which rows a register holds is its keepers' business;
    the service checks the rule again)."""
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None or not can_keep_registers(user, organization):
        raise NotFoundReason(_("No such organisation"))
    return organization


def access_member(user: AnyUser | None, organization: Organization, pk: int) -> Member:
    """A row of `organization`'s register, for those who keep it (404 when it is not one
    of its rows)."""
    require(
        can_keep_registers(user, organization),
        _("The registers are for the organisation's administrators"),
    )
    member = Member.objects.filter(organization=organization, pk=pk).first()
    if member is None:
        raise NotFoundReason(_("No such member"))
    return member
