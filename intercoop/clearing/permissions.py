"""Who may see or do what in clearing. The roles come from directory.permissions; each
write service checks one of these rules itself (`require`), and pages and the API ask
them only to decide what to show.

An obligation is its two parties' business: those who speak for one side record it, the
debtor confirms it, either side disputes it. A network's coordinators run its clearing
and its mutual credit, over its members of today only (a run takes no obligation of an
organisation that is not a member now, and commits none whose party has left since).
"""

from django.utils.translation import gettext as _

from intercoop.clearing.models import (
    ClearingRun,
    CreditAccount,
    CreditSystem,
    Obligation,
    RunLine,
)
from intercoop.core.permissions import require
from intercoop.directory.models import Network, Organization
from intercoop.directory.permissions import (
    AnyUser,
    access_organization,
    belongs_to,
    can_act_for,
    can_manage_network,
    is_network_insider,
    is_staff,
    members_now,
    organization_roles,
)


def run_parties(run: ClearingRun) -> set[int]:
    """Every organisation with an obligation in the run."""
    pairs = RunLine.objects.filter(run=run).values_list(
        "obligation__debtor_id", "obligation__creditor_id"
    )
    return {pk for pair in pairs for pk in pair}


# obligations ------------------------------------------------------------------------


def can_view_obligation(user: AnyUser, obligation: Obligation) -> bool:
    """Only its parties' people (and staff) see an obligation."""
    return is_staff(user) or bool(
        {obligation.debtor_id, obligation.creditor_id} & set(organization_roles(user))
    )


def access_invoices(user: AnyUser, *, slug: str) -> Organization:
    """The organisation named by `slug` whose invoices the user may read: its people (any
    role) and staff (else 403; 404 if the user may not see the organisation at all)."""
    organization = access_organization(user, slug=slug)
    require(belongs_to(user, organization), _("Invoices are for the organisation's people"))
    return organization


def can_record_obligation(
    user: AnyUser,
    *,
    debtor: Organization,
    creditor: Organization,
    recorded_for: Organization | None,
    network: Network | None = None,
) -> bool:
    """Record an invoice: someone who speaks for the side it is recorded for. Without a
    side (a joint purchase's delivery invoicing its buyers), the coordinators of the
    network whose purchase it was, and staff."""
    if recorded_for is None:
        return is_staff(user) or (network is not None and can_manage_network(user, network))
    return recorded_for.pk in (debtor.pk, creditor.pk) and can_act_for(user, recorded_for)


def can_import_obligations(user: AnyUser, organization: Organization) -> bool:
    """Import a file of an organisation's invoices: those who speak for it."""
    return can_act_for(user, organization)


def can_confirm_obligation(user: AnyUser, obligation: Obligation) -> bool:
    """Only the debtor's admins and editors (and staff) confirm what it owes."""
    return can_act_for(user, obligation.debtor)


def can_dispute_obligation(user: AnyUser, obligation: Obligation) -> bool:
    """Either side's admins and editors (and staff)."""
    return can_act_for(user, obligation.debtor) or can_act_for(user, obligation.creditor)


def can_discharge_obligation(user: AnyUser, obligation: Obligation) -> bool:
    """Say an invoice was paid outside clearing, or cancel it: the creditor's admins and
    editors (and staff); the debtor does not decide it owes less."""
    return can_act_for(user, obligation.creditor)


def speaking_side(
    user: AnyUser, debtor: Organization, creditor: Organization
) -> Organization | None:
    """The side of an invoice the user speaks for (the debtor first), if any."""
    return next((side for side in (debtor, creditor) if can_act_for(user, side)), None)


# clearing runs ----------------------------------------------------------------------


def can_view_run(user: AnyUser, run: ClearingRun) -> bool:
    """A run's totals are for the network's coordinators and its members' people."""
    return is_network_insider(user, run.network)


def can_run_clearing(user: AnyUser, network: Network) -> bool:
    """Propose, commit and discard a network's clearing runs: its coordinators and staff.
    (Which obligations a run may hold is the run's own rule: its members' of today.)"""
    return can_manage_network(user, network)


def can_reverse_run(user: AnyUser, run: ClearingRun) -> bool:
    """Undo a committed run: staff; the network's coordinators while every organisation
    in it is still a member (coordinators act on their members of today only)."""
    if is_staff(user):
        return True
    if not can_manage_network(user, run.network):
        return False
    organizations = run_parties(run)
    return members_now(run.network_id, organizations) == organizations


# mutual credit ----------------------------------------------------------------------


def can_manage_credit(user: AnyUser, network: Network) -> bool:
    """Start a network's mutual credit and open its accounts: its coordinators and staff."""
    return can_manage_network(user, network)


def can_set_limit(user: AnyUser, account: CreditAccount) -> bool:
    """Set an account's credit limit: the network's coordinators (for a member of today)
    and staff."""
    if is_staff(user):
        return True
    system = account.system
    return can_manage_network(user, system.network) and bool(
        members_now(system.network_id, {account.organization_id})
    )


def can_open_account(user: AnyUser, system: CreditSystem, organization: Organization) -> bool:
    """Open a member's account: the network's coordinators, those who speak for it."""
    return can_manage_credit(user, system.network) or can_act_for(user, organization)


def can_pay_from(user: AnyUser, payer: Organization) -> bool:
    """Pay in mutual credit from an organisation's account: those who speak for it (and
    staff). Coordinators do not pay for their members."""
    return can_act_for(user, payer)


def can_view_account(user: AnyUser, account: CreditAccount) -> bool:
    return can_manage_network(user, account.system.network) or (
        account.organization_id in organization_roles(user)
    )
