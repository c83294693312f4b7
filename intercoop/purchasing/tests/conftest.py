"""Rounds the purchasing tests share: a service round open for commitments (and awarded),
and a goods round awarded after two members ordered bread. Set-up acts as the system."""

import datetime as dt
from decimal import Decimal

import pytest

from intercoop.conftest import make_org
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory_services
from intercoop.purchasing import services


def join(network, organization):
    """`organization` applies to `network` and is admitted."""
    directory_services.network_member_join(
        actor=system_actor(), network=network, organization=organization
    )


def to_bidding(round):
    services.round_move(actor=system_actor(), round=round, to="closed")
    services.round_move(actor=system_actor(), round=round, to="bidding")


@pytest.fixture
def waste(people, network):
    return services.round_create(
        actor=people["coordinator"], network=network,
        values={"title": "Waste hauling", "kind": "service", "category": "waste",
                "currency": "USD", "volume_unit": "pickups/year"},
    )  # fmt: skip


@pytest.fixture
def awarded_goods(people, org, network):
    system = system_actor()
    round = services.round_create(
        actor=people["coordinator"], network=network,
        values={"title": "Bread", "kind": "goods", "category": "food", "currency": "USD"},
        articles=[{"name": "Loaf", "case_size": 5, "reference_price": Decimal(400)}],
    )  # fmt: skip
    other = make_org(name="Other Co-op")
    join(network, other)
    loaf = round.articles.get()
    for member, quantity in ((org, 6), (other, 4)):
        services.order_set(actor=system, article=loaf, member=member,
                           quantity=Decimal(quantity), tolerance=Decimal(0))  # fmt: skip
    to_bidding(round)
    bid = services.bid_submit(actor=system, round=round, supplier=make_org(name="Bakers"),
                              values={"mode": "all_units", "article_prices": {loaf.pk: 300}})  # fmt: skip
    services.round_award(actor=system, round=round, bid=bid, starts_on=dt.date(2027, 1, 1),
                         ends_on=dt.date(2027, 6, 1))  # fmt: skip
    return round, other


@pytest.fixture
def awarded_waste(people, org, waste):
    system = system_actor()
    services.commitment_set(
        actor=system, round=waste, member=org, volume=Decimal(104), current_price=Decimal(5_000)
    )
    to_bidding(waste)
    bid = services.bid_submit(actor=system, round=waste, supplier=make_org(name="Green Hauling"),
                              values={"mode": "all_units", "tiers": [[0, 4_000]]})  # fmt: skip
    services.round_award(actor=system, round=waste, bid=bid, starts_on=dt.date(2027, 1, 1),
                         ends_on=dt.date(2029, 1, 1))  # fmt: skip
    return waste
