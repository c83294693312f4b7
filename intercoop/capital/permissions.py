"""Who may see or do what in a network's fund. Each write service checks one of these
rules itself (`require`); pages and the API ask them only to decide what to show.

- The network's coordinators (and staff) run the fund: its policy, recording money in
  and out, disbursing, restructuring and writing off loans.
- The loan committee decides applications: the people seated on the fund's committee
  (a governance committee; a seat held by an organisation seats its people). A fund
  without a committee is decided by the network's coordinators. Staff do not decide.
- A borrower's people see their own applications and loans, and nobody else's; an
  investor sees its own notes; a member co-op's people see the fund's totals.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from intercoop.capital.models import Fund, InvestorNote, Loan, LoanApplication
from intercoop.core.permissions import AnyUser, is_signed_in, require
from intercoop.directory.models import Network, Organization
from intercoop.directory.permissions import (
    belongs_to,
    can_act_for,
    can_manage_network,
    coordinated_network_ids,
    is_member_now,
    is_network_insider,
    organization_roles,
)
from intercoop.governance.models import Seat


def can_manage_fund(user: AnyUser | None, fund: Fund) -> bool:
    """The network's coordinators and staff."""
    return user is not None and can_manage_network(user, fund.network)


def _seats_of(user: AnyUser) -> Q:
    """The committee seats the user holds: by name, or through an organisation."""
    return Q(user_id=user.pk) | Q(organization_id__in=list(organization_roles(user)))


def is_committee_member(user: AnyUser | None, fund: Fund) -> bool:
    """Seated on the fund's loan committee (by name or through an organisation); with no
    committee, the network's coordinators are it."""
    if user is None or not is_signed_in(user):
        return False
    if fund.committee_id is None:
        return fund.network_id in coordinated_network_ids(user)
    return Seat.objects.filter(_seats_of(user), body_id=fund.committee_id).exists()


def committee_funds(user: AnyUser | None) -> QuerySet[Fund]:
    """The funds whose loan committee the user is on (`is_committee_member`, for every
    fund at once)."""
    if user is None or not is_signed_in(user):
        return Fund.objects.none()
    return Fund.objects.filter(
        Q(committee_id__in=Seat.objects.filter(_seats_of(user)).values("body_id"))
        | Q(committee__isnull=True, network_id__in=coordinated_network_ids(user))
    )


def can_view_fund(user: AnyUser | None, fund: Fund) -> bool:
    """The fund's totals: the network's insiders (its members' people, coordinators),
    the committee and staff."""
    if user is None or not is_signed_in(user):
        return False
    return is_network_insider(user, fund.network) or is_committee_member(user, fund)


def can_view_books(user: AnyUser | None, fund: Fund) -> bool:
    """The books name every investor and borrower: the fund's managers (and staff) only."""
    return can_manage_fund(user, fund)


def can_set_up_fund(user: AnyUser | None, network: Network) -> bool:
    return user is not None and can_manage_network(user, network)


# capital in ----------------------------------------------------------------------------


def can_pledge(user: AnyUser | None, fund: Fund, organization: Organization) -> bool:
    """A member co-op's admins and editors pledge its surplus; coordinators record a
    pledge for a member."""
    if user is None or not is_member_now(fund.network, organization):
        return False
    return can_act_for(user, organization) or can_manage_fund(user, fund)


def can_record_capital(user: AnyUser | None, fund: Fund) -> bool:
    """Record money received or paid: contributions, equity, investor notes."""
    return can_manage_fund(user, fund)


def can_view_note(user: AnyUser | None, note: InvestorNote) -> bool:
    """An investor's note and statement: the investor (the person, or the organisation's
    people), the fund's managers and staff."""
    if user is None or not is_signed_in(user):
        return False
    if can_manage_fund(user, note.fund):
        return True
    if note.user_id is not None:
        return bool(note.user_id == user.pk)
    return note.organization is not None and belongs_to(user, note.organization)


def can_give_notice(user: AnyUser | None, note: InvestorNote) -> bool:
    """Ask to withdraw: the investor (an organisation's admins and editors)."""
    if user is None or not is_signed_in(user) or not note.is_open:
        return False
    if note.user_id is not None:
        return bool(note.user_id == user.pk)
    return note.organization is not None and can_act_for(user, note.organization)


# capital out ---------------------------------------------------------------------------


def can_apply(user: AnyUser | None, fund: Fund, organization: Organization) -> bool:
    """A member co-op's admins and editors apply for a loan."""
    return (
        user is not None
        and can_act_for(user, organization)
        and is_member_now(fund.network, organization)
    )


def can_view_application(user: AnyUser | None, application: LoanApplication) -> bool:
    """The applicant's people, the committee, the fund's managers and staff."""
    if user is None or not is_signed_in(user):
        return False
    return (
        belongs_to(user, application.organization)
        or can_manage_fund(user, application.fund)
        or is_committee_member(user, application.fund)
    )


def can_edit_application(user: AnyUser | None, application: LoanApplication) -> bool:
    """The applicant's admins and editors, while it is a draft (or before review)."""
    return (
        user is not None
        and can_act_for(user, application.organization)
        and (application.is_draft or application.status == LoanApplication.Status.SUBMITTED)
    )


def can_withdraw_application(user: AnyUser | None, application: LoanApplication) -> bool:
    return user is not None and can_act_for(user, application.organization) and application.is_open


def can_review(user: AnyUser | None, application: LoanApplication) -> bool:
    """Work through the checklist, ask questions, put it to the committee: the fund's
    managers and the committee, while it is pending."""
    return application.is_pending and (
        can_manage_fund(user, application.fund) or is_committee_member(user, application.fund)
    )


def can_answer(user: AnyUser | None, application: LoanApplication) -> bool:
    return (
        user is not None and can_act_for(user, application.organization) and application.is_pending
    )


def can_decide(user: AnyUser | None, application: LoanApplication) -> bool:
    """Record the committee's decision: only the committee, once the application is
    before it, and not when a poll of the committee decides it."""
    if not application.is_in_vote or application.poll_id is not None:
        return False
    return is_committee_member(user, application.fund)


def can_view_loan(user: AnyUser | None, loan: Loan) -> bool:
    """The borrower's people, the committee, the fund's managers and staff."""
    if user is None or not is_signed_in(user):
        return False
    return (
        belongs_to(user, loan.organization)
        or can_manage_fund(user, loan.fund)
        or is_committee_member(user, loan.fund)
    )


def can_accept_offer(user: AnyUser | None, loan: Loan) -> bool:
    """The borrower's admins and editors accept or decline an offer."""
    return user is not None and loan.is_offered and can_act_for(user, loan.organization)


def can_service_loan(user: AnyUser | None, loan: Loan) -> bool:
    """Disburse, record repayments, restructure, write off: the fund's managers."""
    return can_manage_fund(user, loan.fund)


# reading -----------------------------------------------------------------------------


def access_fund(user: AnyUser | None, fund: Fund) -> Fund:
    require(can_view_fund(user, fund), _("The fund is for the network's members"))
    return fund


def access_application(user: AnyUser | None, application: LoanApplication) -> LoanApplication:
    require(
        can_view_application(user, application),
        _("An application is for the applicant, the committee and the fund's managers"),
    )
    return application


def access_loan(user: AnyUser | None, loan: Loan) -> Loan:
    require(
        can_view_loan(user, loan),
        _("A loan is for the borrower, the committee and the fund's managers"),
    )
    return loan


def access_note(user: AnyUser | None, note: InvestorNote) -> InvestorNote:
    require(can_view_note(user, note), _("A note is for its investor and the fund's managers"))
    return note
