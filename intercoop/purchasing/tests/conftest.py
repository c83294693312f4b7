"""Rounds the purchasing tests share: a service round open for commitments, and a goods
round awarded after two members ordered bread."""

import datetime as dt
from decimal import Decimal

import pytest

from intercoop.conftest import make_org
from intercoop.directory import services as directory_services
from intercoop.purchasing import services


@pytest.fixture
def waste(people, network):
    return services.round_create(
        network=network, coordinator=people["coordinator"],
        values={"title": "Waste hauling", "kind": "service", "category": "waste",
                "currency": "USD", "volume_unit": "pickups/year"},
    )  # fmt: skip


@pytest.fixture
def awarded_goods(people, org, network):
    round = services.round_create(
        network=network, coordinator=people["coordinator"],
        values={"title": "Bread", "kind": "goods", "category": "food", "currency": "USD"},
        articles=[{"name": "Loaf", "case_size": 5, "reference_price": Decimal(400)}],
    )  # fmt: skip
    other = make_org(name="Other Co-op")
    directory_services.network_member_admit(network=network, organization=other)
    loaf = round.articles.get()
    services.order_set(
        actor=None, article=loaf, member=org, quantity=Decimal(6), tolerance=Decimal(0)
    )
    services.order_set(
        actor=None, article=loaf, member=other, quantity=Decimal(4), tolerance=Decimal(0)
    )
    services.round_move(round=round, to="closed")
    services.round_move(round=round, to="bidding")
    bid = services.bid_submit(actor=None, round=round, supplier=make_org(name="Bakers"),
                              values={"mode": "all_units", "article_prices": {loaf.pk: 300}})  # fmt: skip
    services.round_award(actor=None, round=round, bid=bid, starts_on=dt.date(2027, 1, 1),
                         ends_on=dt.date(2027, 6, 1))  # fmt: skip
    return round, other
