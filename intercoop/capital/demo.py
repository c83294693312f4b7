"""The demo network's solidarity fund, written through the services so that its books are
right: a loan committee (the coordinator, the demo manager and the fund's treasurer), the
Valley Solidarity Fund held by a member credit union, two equity tiers, pledges of surplus
with their contributions, member equity, three investor notes (an organisation's at 2 %,
a person's at 0 %, a first-loss note), and three loans disbursed in the past: one
current, one exactly 45 days late on the day the demo is built, one repaid. One more
application is before the committee, decided by its poll (the coordinator and the
manager have voted; the treasurer has not), and one is a draft.

For the capital-flow report: investment ties between members if the demo has none, and
a few invoices of members to organisations outside the co-op economy.

Dates are relative to the day the demo is built. Building it twice adds nothing."""

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from intercoop.capital import services
from intercoop.capital.models import Fund, Loan
from intercoop.capital.schedule import due_date
from intercoop.capital.writing import CHECKLIST, today
from intercoop.clearing import services as clearing
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory
from intercoop.directory.models import Network, NetworkMembership, Organization, OrganizationRole
from intercoop.governance import services as governance
from intercoop.governance.models import Poll
from intercoop.network import services as network_services
from intercoop.network.models import Relationship
from intercoop.network.selectors import counting_in

FUND_NAME = "Valley Solidarity Fund"
DAYS_LATE = 45
# borrowers by what they are called (the first member whose name has the words)
LOANS = [
    # name has, amount, months, rate, purpose, uses
    ("Grocery", 25_000_00, 36, "5", "A second shop on the east side of town",
     [("Shop fit-out", 15_000_00), ("Opening stock", 10_000_00)]),
    ("Print Collective", 15_000_00, 24, "6", "A risograph press and a guillotine",
     [("Press", 11_000_00), ("Guillotine", 4_000_00)]),
    ("Care Co-operative", 8_000_00, 6, "4", "Two electric cars for home visits (lease deposit)",
     [("Lease deposit", 8_000_00)]),
]  # fmt: skip
PLEDGES = [
    # name has, % of surplus, amount a year, contributions (amount, days ago)
    ("Food Co-op", "2", None, [(6_000_00, 600), (7_500_00, 235)]),
    ("Energy Co-op", "3", None, [(9_000_00, 590), (11_000_00, 230)]),
    ("Housing Co-operative", None, 5_000_00, [(5_000_00, 580), (5_000_00, 215)]),
    ("Bike Works", "2", None, [(2_500_00, 220)]),
    ("Dairy Co-operative", "1.5", None, [(4_000_00, 210)]),
]  # fmt: skip


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _member_named(network: Network, words: str, taken: set[int]) -> Organization | None:
    found = (
        Organization.objects.filter(
            network_memberships__network=network,
            network_memberships__status=NetworkMembership.Status.MEMBER,
            name__contains=words,
        )
        .exclude(pk__in=taken)
        .order_by("pk")
        .first()
    )
    if found is not None:
        taken.add(found.pk)
    return found


def _treasurer(holder: Organization) -> Any:
    """The fund's treasurer: a person of the holding credit union (cannot sign in)."""
    user = get_user_model().objects.create_user(username="treasurer-valley-fund")
    user.set_unusable_password()
    user.first_name, user.last_name = "Grace", "Mensah"
    user.save()
    directory.organization_role_assign(
        actor=system_actor(), organization=holder, user=user, role=OrganizationRole.Role.ADMIN
    )
    return user


def late_start(on: dt.date, days_late: int = DAYS_LATE) -> tuple[dt.date, int]:
    """A disbursement date and an instalment number n such that instalment n falls due
    exactly `days_late` days before `on` (n from 3 up, the earlier ones paid)."""
    target = on - dt.timedelta(days=days_late)
    for number in range(3, 9):
        for back in range(number * 28, number * 31 + 1):
            start = target - dt.timedelta(days=back)
            if due_date(start, number) == target:
                return start, number
    raise AssertionError(f"no start date has an instalment due on {target}")  # never


@transaction.atomic
def capital_build() -> int:
    """Returns how many loans it disbursed."""
    network = Network.objects.filter(slug="valley-coop-network").first()
    coordinator, manager = _user("coordinator"), _user("manager")
    bakery = Organization.objects.filter(roles__user__username="manager").first()
    if network is None or coordinator is None or manager is None:
        return 0
    if Fund.objects.filter(network=network).exists():
        return 0
    system = system_actor()
    on = today()
    taken = {bakery.pk} if bakery is not None else set()
    holder = _member_named(network, "Credit Union", taken) or _member_named(network, "Co", taken)
    assert holder is not None
    treasurer = _treasurer(holder)

    committee = governance.committee_create(
        actor=coordinator, network=network, name="Loan committee",
        description="Decides the Valley Solidarity Fund's loans, by a poll of its members.",
        users=[coordinator, manager, treasurer],
    )  # fmt: skip
    fund = services.fund_create(
        actor=coordinator, network=network, holder=holder, currency="USD",
        values={
            "name": FUND_NAME,
            "description": "The valley's co-ops pool part of their surplus and lend it to "
            "each other: for equipment, premises, conversions and hard winters.",
            "max_loan": 100_000_00, "min_term_months": 6, "max_term_months": 84,
            "min_rate": Decimal(0), "max_rate": Decimal(8),
            "investor_min_rate": Decimal(0), "investor_max_rate": Decimal(2),
            "eligibility": "Member co-ops of the Valley Co-operative Network for a year or more.",
            "min_membership_months": 12, "committee": committee,
            # the first loans were decided at committee meetings (recorded); polls since
            "decide_by_poll": False, "decision_days": 7, "reserve_percent": Decimal(5),
        },
    )  # fmt: skip

    # capital in ----------------------------------------------------------------------
    small, large = (
        services.tier_create(actor=coordinator, fund=fund, name=name, description=who,
                             amount=amount)
        for name, who, amount in (
            ("Small co-ops", "Up to 20 workers or members", 500_00),
            ("Larger co-ops", "More than 20 workers or members", 2_500_00),
        )
    )  # fmt: skip
    investors = []
    for words, percent, yearly, paid in PLEDGES:
        member = _member_named(network, words, taken)
        if member is None:
            continue
        investors.append(member)
        pledge = services.pledge_make(
            actor=coordinator, fund=fund, organization=member,
            percent_of_surplus=Decimal(percent) if percent else None, yearly_amount=yearly,
            first_year=(on - dt.timedelta(days=600)).year, years=3,
            note="Agreed at the annual meeting",
        )  # fmt: skip
        for amount, days_ago in paid:
            received = on - dt.timedelta(days=days_ago)
            services.contribution_record(
                actor=coordinator, fund=fund, organization=member, amount=amount,
                received_on=received, pledge=pledge, surplus_year=received.year - 1,
            )  # fmt: skip
    for n, member in enumerate(investors):
        tier = large if n % 2 == 0 else small
        services.equity_record(actor=coordinator, fund=fund, organization=member,
                               amount=tier.amount, on=on - dt.timedelta(days=640 - 10 * n),
                               tier=tier)  # fmt: skip

    insurer = (
        Organization.objects.filter(name__contains="Mutual Insurance").order_by("pk").first()
        or holder
    )
    backer = (
        Organization.objects.filter(is_cooperative=False, name__contains="Community Interest")
        .order_by("pk")
        .first()
        or insurer
    )
    services.note_record(
        actor=coordinator, fund=fund, organization=insurer, amount=40_000_00,
        rate=Decimal(2), term_months=60, notice_days=90, issued_on=on - dt.timedelta(days=700),
    )  # fmt: skip
    person = get_user_model().objects.create_user(username="investor-ruth-abebe")
    person.set_unusable_password()
    person.first_name, person.last_name = "Ruth", "Abebe"
    person.save()
    services.note_record(
        actor=coordinator, fund=fund, user=person, amount=10_000_00, rate=Decimal(0),
        term_months=36, notice_days=60, issued_on=on - dt.timedelta(days=500),
    )  # fmt: skip
    services.note_record(
        actor=coordinator, fund=fund, organization=backer, amount=25_000_00, rate=Decimal(0),
        term_months=84, notice_days=180, first_loss=True, issued_on=on - dt.timedelta(days=650),
    )  # fmt: skip

    # capital out: three loans --------------------------------------------------------
    late_on, late_number = late_start(on)
    starts = [on - dt.timedelta(days=100), late_on, on - dt.timedelta(days=400)]
    loans = []
    for (words, amount, months, rate, purpose, uses), start in zip(LOANS, starts, strict=True):
        borrower = _member_named(network, words, taken)
        if borrower is None:
            continue
        loan = _lend(fund, borrower, coordinator, amount=amount, months=months, rate=rate,
                     purpose=purpose, uses=uses)  # fmt: skip
        services.loan_disburse(actor=coordinator, loan=loan, on=start)
        loans.append(loan)
    current, late, repaid = loans
    _repay(current, coordinator, until=on)  # every instalment due by today
    _repay(late, coordinator, count=late_number - 1)  # then nothing since
    _repay(repaid, coordinator, until=on)  # the whole loan

    # before the committee, by its poll; and a draft ------------------------------------
    services.fund_update(actor=coordinator, fund=fund, values={"decide_by_poll": True})
    applicant = _member_named(network, "Bike Works", taken) or _member_named(network, "Co", taken)
    assert applicant is not None
    application = services.application_create(
        actor=system, fund=fund, organization=applicant,
        values={"purpose": "Ten cargo bikes for a delivery service to the valley's shops",
                "amount": 18_000_00, "term_months": 48, "requested_rate": Decimal(4),
                "method": "annuity", "grace_months": 3,
                "uses": [{"use": "Cargo bikes", "amount": 15_000_00},
                         {"use": "Workshop tools", "amount": 3_000_00}]},
    )  # fmt: skip
    services.application_submit(actor=system, application=application)
    services.application_review(
        actor=coordinator, application=application,
        checklist={key: key != "security" for key in CHECKLIST},
    )  # fmt: skip
    services.application_message(
        actor=coordinator, application=application,
        text="Which shops have signed up for deliveries so far?",
    )  # fmt: skip
    services.application_message(
        actor=system, application=application,
        text="Eleven, with letters of intent attached to our plan; four more are talking to us.",
    )  # fmt: skip
    services.application_to_committee(actor=coordinator, application=application)
    application.refresh_from_db()
    poll = Poll.objects.get(pk=application.poll_id or 0)
    governance.ballot_cast(actor=coordinator, poll=poll, choice={"stance": "agree"})
    governance.ballot_cast(
        actor=manager, poll=poll, choice={"stance": "agree"},
        reason="Our bakery would use the deliveries too.",
    )  # fmt: skip
    drafter = _member_named(network, "Woodworkers", taken) or _member_named(network, "Co", taken)
    assert drafter is not None
    services.application_create(
        actor=system, fund=fund, organization=drafter,
        values={"purpose": "A dust extraction system for the workshop", "amount": 6_500_00,
                "term_months": 24, "requested_rate": Decimal(3), "method": "equal-principal"},
    )  # fmt: skip

    _investment_ties(network, [holder, *investors, *(loan.organization for loan in loans)])
    _invoices_outside(network, investors)
    return len(loans)


def _lend(fund: Fund, borrower: Organization, coordinator: Any, *, amount: int, months: int,
          rate: str, purpose: str, uses: list[tuple[str, int]]) -> Loan:  # fmt: skip
    """An application decided at a committee meeting (recorded) and accepted."""
    system = system_actor()
    application = services.application_create(
        actor=system, fund=fund, organization=borrower,
        values={"purpose": purpose, "amount": amount, "term_months": months,
                "requested_rate": Decimal(rate), "method": "annuity",
                "uses": [{"use": use, "amount": part} for use, part in uses]},
    )  # fmt: skip
    services.application_submit(actor=system, application=application)
    services.application_review(
        actor=coordinator, application=application, checklist=dict.fromkeys(CHECKLIST, True)
    )
    services.application_to_committee(actor=coordinator, application=application)
    services.application_decide(
        actor=coordinator, application=application, approved=True, votes=(3, 0, 0),
        note="Approved at the committee's meeting.",
    )  # fmt: skip
    loan = Loan.objects.get(application=application)
    services.loan_respond(actor=system, loan=loan, accept=True)
    return loan


def _repay(loan: Loan, actor: Any, *, until: dt.date | None = None, count: int = 0) -> None:
    """Pay instalments on their due dates: those due by `until`, or the first `count`."""
    schedule = services.current_schedule(loan)
    assert schedule is not None
    rows = list(schedule.rows.order_by("number"))
    due = [r for r in rows if r.due_on <= until] if until is not None else rows[:count]
    for row in due:
        loan.refresh_from_db()
        services.repayment_record(
            actor=actor, loan=loan, amount=row.payment, paid_on=row.due_on,
            reference=f"Instalment {row.number}",
        )  # fmt: skip


def _investment_ties(network: Network, organizations: list[Organization]) -> None:
    """Two investment ties between members, if the demo's ties have none that count."""
    members = NetworkMembership.objects.filter(
        network=network, status=NetworkMembership.Status.MEMBER
    ).values("organization_id")
    if Relationship.objects.filter(
        counting_in(network), kind=Relationship.Kind.INVESTMENT, currency="USD",
        annual_value__gt=0, source_id__in=members, target_id__in=members,
    ).exists():  # fmt: skip
        return
    on = today()
    for (source, target), value, years in zip(
        itertools.pairwise(organizations), (12_000_00, 4_500_00), (4, 2), strict=False
    ):
        network_services.relationship_survey_record(
            actor=system_actor(), network=network, source=source, target=target,
            values={"kind": "investment", "formality": "contract", "annual_value": value,
                    "currency": "USD", "started_on": dt.date(on.year - years, 1, 1)},
        )  # fmt: skip


def _invoices_outside(network: Network, debtors: list[Organization]) -> None:
    """Members still buy some things outside the co-op economy: confirmed invoices to
    organisations that are not co-operatives (for the flow report's other side)."""
    others = list(
        Organization.objects.filter(is_cooperative=False)
        .exclude(Q(network_memberships__network=network))
        .order_by("pk")[:3]
    )
    if not others:
        return
    system = system_actor()
    on = today()
    for n, debtor in enumerate(debtors[:4]):
        creditor = others[n % len(others)]
        clearing.obligation_record(
            actor=system, debtor=debtor, creditor=creditor, recorded_for=debtor,
            values={"amount": (1_200 + 650 * n) * 100, "currency": "USD",
                    "due_on": on + dt.timedelta(days=30),
                    "reference": f"OUT-{n + 1:03d} catering and training"},
            notify_other=False,
        )  # fmt: skip
