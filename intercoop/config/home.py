"""What each app contributes to every user's home, registered by the composition root
(core knows no app): the kinds of notification people choose how to receive, and what
each app counts as waiting for them on their dashboard (governance: polls that need a
vote), and governance's part in the directory's admissions."""

from django.utils.translation import gettext_lazy as _

from intercoop.capital.clearing_link import on_settlement as on_instalment_settled
from intercoop.capital.dashboard import dashboard_tasks as capital_tasks
from intercoop.capital.decisions import on_poll_closed as on_loan_poll_closed
from intercoop.clearing.dashboard import dashboard_tasks as clearing_tasks
from intercoop.clearing.hooks import register_settlement_listener
from intercoop.core.dashboard import register_tasks
from intercoop.core.notifications import register_kind
from intercoop.directory.dashboard import dashboard_tasks as directory_tasks
from intercoop.directory.hooks import register_admission_guard, register_application_listener
from intercoop.exchange.dashboard import dashboard_tasks as exchange_tasks
from intercoop.governance.admission import admission_guard, on_application
from intercoop.governance.dashboard import dashboard_tasks as governance_tasks
from intercoop.governance.ratification import on_award
from intercoop.governance.uses import register_poll_closed_listener
from intercoop.membership.admission import on_poll_closed as on_membership_poll_closed
from intercoop.membership.dashboard import dashboard_tasks as membership_tasks
from intercoop.network.dashboard import dashboard_tasks as network_tasks
from intercoop.purchasing.dashboard import dashboard_tasks as purchasing_tasks
from intercoop.purchasing.hooks import register_award_listener

NOTIFICATION_KINDS = {
    "introductions": _("Introductions"),
    "invoices": _("Invoices"),
    "reviews": _("Organisations to review"),
    "applications": _("Applications to your networks"),
    "rounds": _("Purchasing rounds open for orders"),
    "bids": _("Bids invited"),
    "clearing": _("Clearing runs"),
    "assessments": _("Network assessments"),
    "notices": _("Urgent calls for help"),
    "polls": _("Polls and elections"),
    "capital": _("Loans and investments of your network's fund"),
    "membership": _("Membership pathways: applications, steps and mentoring"),
}


def register_home() -> None:
    for key, label in NOTIFICATION_KINDS.items():
        register_kind(key, label)
    register_tasks("exchange", exchange_tasks)
    register_tasks("clearing", clearing_tasks)
    register_tasks("directory", directory_tasks)
    register_tasks("purchasing", purchasing_tasks)
    register_tasks("network", network_tasks)
    register_tasks("governance", governance_tasks)
    register_tasks("capital", capital_tasks)
    register_tasks("membership", membership_tasks)
    # a network that admits members by a poll of its members
    register_admission_guard(admission_guard)
    register_application_listener(on_application)
    # a network whose purchasing awards are ratified by a poll of the round's members
    register_award_listener(on_award)
    # a fund whose loan committee decides by a poll of the committee
    register_poll_closed_listener(on_loan_poll_closed)
    # an admission to an organisation or a network decided by a poll of its members
    register_poll_closed_listener(on_membership_poll_closed)
    # a loan's instalments repaid by having invoices set off in a clearing run
    register_settlement_listener(on_instalment_settled)
