"""A network's fund: held by one member co-op, lent to another (`org`, whose admin and
member are in `people`), with a loan committee of two named people."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from intercoop.capital import services
from intercoop.capital.models import Fund, Loan
from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory_services
from intercoop.governance.bodies import committee_create

START = dt.date(2026, 1, 31)


@pytest.fixture
def holder(network: Any) -> Any:
    organization = make_org(name="Valley Fund Co-op")
    directory_services.network_member_join(
        actor=system_actor(), network=network, organization=organization
    )
    return organization


@pytest.fixture
def committee_people(db: Any) -> list[Any]:
    return [make_user("lender1"), make_user("lender2")]


@pytest.fixture
def fund(network: Any, holder: Any, people: Any, committee_people: list[Any]) -> Fund:
    system = system_actor()
    committee = committee_create(
        actor=system, name="Loan committee", network=network, users=committee_people
    )
    return services.fund_create(
        actor=system,
        network=network,
        holder=holder,
        currency="USD",
        values={
            "name": "Valley Solidarity Fund",
            "max_loan": 50_000_00,
            "min_term_months": 6,
            "max_term_months": 60,
            "min_rate": Decimal(0),
            "max_rate": Decimal(12),
            "committee": committee,
            "decide_by_poll": False,
        },
    )


CASH = 100_000_00  # what `give_cash` pays in


def give_cash(fund: Fund, amount: int = CASH) -> None:
    """Money for the fund to lend (a loan is paid out of its cash): a contribution of its
    holder, received on 1 January 2025."""
    services.contribution_record(
        actor=system_actor(), fund=fund, organization=fund.holder, amount=amount,
        received_on=dt.date(2025, 1, 1),
    )  # fmt: skip


def approved_loan(fund: Fund, org: Any, people: Any, committee_people: list[Any], *,
                  amount: int = 10_000_00, months: int = 12, rate: str = "12") -> Loan:  # fmt: skip
    """An application by `org` decided by the committee's record and accepted."""
    admin = people["admin"]
    application = services.application_create(
        actor=admin, fund=fund, organization=org,
        values={"purpose": "A new oven", "amount": amount, "term_months": months,
                "requested_rate": Decimal(rate), "method": "annuity"},
    )  # fmt: skip
    services.application_submit(actor=admin, application=application)
    services.application_to_committee(actor=people["coordinator"], application=application)
    services.application_decide(
        actor=committee_people[0], application=application, approved=True, votes=(2, 0, 0)
    )
    loan = Loan.objects.get(application=application)
    services.loan_respond(actor=admin, loan=loan, accept=True)
    return loan
