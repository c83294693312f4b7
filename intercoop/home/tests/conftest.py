"""A network with something of every kind waiting: `populate(k)` gives a manager `k`
organisations, each with an introduction to answer, an invoice to confirm and an offer
matching a round that takes bids; the network has an open round, a proposed clearing
run, a new assessment, urgent calls for help, an applicant and an organisation to review."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from intercoop.clearing import services as clearing
from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory
from intercoop.directory.models import Network, NetworkRole, Organization, OrganizationRole
from intercoop.exchange import services as exchange
from intercoop.network import services as network_services
from intercoop.purchasing import services as purchasing


@dataclass
class Busy:
    network: Network
    coordinator: User
    manager: User
    member: User
    mine: list[Organization]


def populate(network: Network, k: int, *, tag: str = "") -> Busy:
    system = system_actor()
    coordinator = make_user(f"coordinator{tag}", email=f"coordinator{tag}@example.org")
    manager = make_user(f"manager{tag}", email=f"manager{tag}@example.org")
    member = make_user(f"member{tag}", email=f"member{tag}@example.org")
    directory.network_role_assign(
        actor=system, network=network, user=coordinator, role=NetworkRole.Role.COORDINATOR
    )
    mine: list[Organization] = []
    for i in range(k):
        org = make_org(name=f"Mine {tag}{i}", slug=f"mine{tag}-{i}")
        mine.append(org)
        other = make_org(name=f"Other {tag}{i}", slug=f"other{tag}-{i}")
        for made in (org, other):
            directory.network_member_join(actor=system, network=network, organization=made)
        directory.organization_role_assign(
            actor=system, organization=org, user=manager, role=OrganizationRole.Role.ADMIN
        )
        directory.organization_role_assign(
            actor=system, organization=org, user=member, role=OrganizationRole.Role.MEMBER
        )
        exchange.introduction_request(
            actor=system, requester=other, recipient=org, message="Shall we meet?"
        )
        for debtor, creditor, confirmed in ((org, other, False), (org, other, True),
                                            (other, org, True)):  # fmt: skip
            clearing.obligation_record(
                actor=system, debtor=debtor, creditor=creditor,
                recorded_for=debtor if confirmed else creditor,
                values={"amount": 1000, "currency": "USD", "reference": f"{i}"},
            )  # fmt: skip
        exchange.exchange_item_create(
            actor=system, organization=org,
            values={"kind": "offer", "category": "waste", "title": "Hauling"},
        )  # fmt: skip
        exchange.notice_post(
            actor=system, network=network, organization=other,
            values={"kind": "help", "title": f"Flood {i}", "body": "Sandbags", "urgent": True,
                    "needed_by": timezone.localdate() + dt.timedelta(days=3)},
        )  # fmt: skip
    service = {"kind": "service", "category": "waste", "currency": "USD",
               "volume_unit": "pickups/year"}  # fmt: skip
    purchasing.round_create(actor=system, network=network, values=service | {"title": "Open"})
    bidding = purchasing.round_create(
        actor=system, network=network, values=service | {"title": "Hauling 2027"}
    )
    purchasing.round_move(actor=system, round=bidding, to="closed")
    purchasing.round_move(actor=system, round=bidding, to="bidding")
    clearing.clearing_run_propose(actor=system, network=network, currency="USD")
    network_services.assessment_create(
        actor=coordinator, network=network, as_of=timezone.localdate(), ratings={}, outcomes={}
    )
    applicant = make_org(name=f"Applicant {tag}", slug=f"applicant{tag}")
    directory.network_member_apply(actor=system, network=network, organization=applicant)
    newcomer = make_user(f"newcomer{tag}")
    directory.organization_create(
        actor=newcomer, values={"name": f"Newcomer {tag}", "country": "GB"}, apply_to=network
    )
    return Busy(network=network, coordinator=coordinator, manager=manager, member=member,
                mine=mine)  # fmt: skip


@pytest.fixture
def busy(network: Network) -> Busy:
    return populate(network, 2)


def days_ago(n: int) -> Any:
    return timezone.now() - dt.timedelta(days=n)
