"""Rounds end to end through the services: the order log, the timeline, bids, award,
allocation and savings."""

import datetime as dt
from decimal import Decimal

import pytest

from intercoop.conftest import make_org
from intercoop.core.audit import system_actor
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.directory import services as directory_services
from intercoop.purchasing import selectors, services
from intercoop.purchasing.models import Bid, OrderRow, Round

D = Decimal


@pytest.fixture
def members(network):
    made = []
    for name in ("Alpha Co-op", "Beta Co-op"):
        org = make_org(name=name)
        directory_services.network_member_join(
            actor=system_actor(), network=network, organization=org
        )
        made.append(org)
    return made


@pytest.fixture
def goods(network):
    return services.round_create(
        actor=system_actor(), network=network,
        values={"title": "Produce by the case", "kind": "goods", "category": "food",
                "currency": "USD"},
        articles=[{"name": "Bread", "case_size": 5, "reference_price": D(300)}],
    )  # fmt: skip


def test_the_worked_example_through_the_order_log(goods, members):
    a, b = members
    bread = goods.articles.get()
    services.order_set(actor=system_actor(), article=bread, member=a, quantity=D(2), tolerance=D(1))
    services.order_set(actor=system_actor(), article=bread, member=b, quantity=D(2), tolerance=D(0))
    services.order_set(actor=system_actor(), article=bread, member=a, quantity=D(4), tolerance=D(1))
    assert list(OrderRow.objects.values_list("member__slug", "quantity", "tolerance")) == [
        (a.slug, 2, 1), (b.slug, 2, 0), (a.slug, 2, 0),
    ]  # fmt: skip
    ((_article, result),) = selectors.article_allocations(round=goods)
    assert {m: s.total for m, s in result.shares.items()} == {a.slug: 3, b.slug: 2}
    # a decrease comes off A's newest row: A keeps its place at the front
    services.order_set(actor=system_actor(), article=bread, member=a, quantity=D(3), tolerance=D(1))
    assert list(OrderRow.objects.values_list("member__slug", "quantity")) == [
        (a.slug, 2), (b.slug, 2), (a.slug, 1),
    ]  # fmt: skip


def test_orders_only_while_open_and_only_from_members(goods, members):
    bread = goods.articles.get()
    outsider = make_org(name="Not A Member")
    with pytest.raises(DomainError, match="members"):
        services.order_set(
            actor=system_actor(), article=bread, member=outsider, quantity=D(1), tolerance=D(0)
        )
    services.round_move(actor=system_actor(), round=goods, to="closed")
    with pytest.raises(DomainError, match="closed"):
        services.order_set(
            actor=system_actor(), article=bread, member=members[0], quantity=D(1), tolerance=D(0)
        )
    assert not OrderRow.objects.exists()


def test_the_timeline(goods):
    with pytest.raises(DomainError):
        services.round_move(actor=system_actor(), round=goods, to="awarded")
    services.round_move(actor=system_actor(), round=goods, to="closed")
    services.round_move(actor=system_actor(), round=goods, to="bidding")
    assert Round.objects.get().status == "bidding"


def test_award_savings_and_transport_split(goods, members):
    a, b = members
    bread = goods.articles.get()
    services.order_set(actor=system_actor(), article=bread, member=a, quantity=D(6), tolerance=D(0))
    services.order_set(actor=system_actor(), article=bread, member=b, quantity=D(4), tolerance=D(0))
    services.round_move(actor=system_actor(), round=goods, to="closed")
    services.round_move(actor=system_actor(), round=goods, to="bidding")
    supplier = make_org(name="Valley Bakery Co-op")
    bid = services.bid_submit(actor=system_actor(), round=goods, supplier=supplier,
                              values={"mode": "all_units", "article_prices": {bread.pk: 240}})  # fmt: skip
    services.round_award(actor=system_actor(), round=goods, bid=bid, starts_on=dt.date(2026, 12, 1),
                         ends_on=dt.date(2027, 12, 1))  # fmt: skip
    goods.refresh_from_db()
    goods.transport_cost = 1_001
    goods.save()
    costs = {c.member: c for c in selectors.member_costs(facts=selectors.round_facts(round=goods))}
    assert (costs[a.slug].baseline, costs[a.slug].cost) == (1_800, 1_440)
    assert costs[a.slug].transport + costs[b.slug].transport == 1_001
    assert costs[a.slug].transport == 601  # by value, 1,440 : 960
    assert sum(c.saving for c in costs.values()) == (3_000 - 2_400) - 1_001


def test_service_round_bids_compared_at_the_rounds_volume(network, members):
    a, b = members
    waste = services.round_create(
        actor=system_actor(), network=network,
        values={"title": "Waste hauling", "kind": "service", "category": "waste",
                "currency": "USD", "volume_unit": "pickups/year"},
    )  # fmt: skip
    services.commitment_set(
        actor=system_actor(), round=waste, member=a, volume=D(104), current_price=D(5_000)
    )
    services.commitment_set(
        actor=system_actor(), round=waste, member=b, volume=D(52), current_price=D(6_000)
    )
    services.round_move(actor=system_actor(), round=waste, to="closed")
    services.round_move(actor=system_actor(), round=waste, to="bidding")
    tiers = [[0, 5_000], [100, 4_000]]
    cheap = services.bid_submit(actor=system_actor(), round=waste, supplier=make_org(name="Big Hauler"),
                                values={"mode": "all_units", "tiers": tiers})  # fmt: skip
    coop = services.bid_submit(actor=system_actor(), round=waste, supplier=make_org(name="Green Co-op"),
                               values={"mode": "incremental", "tiers": tiers})  # fmt: skip
    services.bid_score(
        actor=system_actor(), bid=coop, scores={"cooperative": 5, "local": 5, "environment": 4}
    )
    rows = selectors.bid_comparison(facts=selectors.round_facts(round=waste), bids=waste.bids.all())
    by_bid = {r["bid"].pk: r for r in rows}
    assert by_bid[cheap.pk]["cost"] == 156 * 4_000
    assert by_bid[coop.pk]["cost"] == 100 * 5_000 + 56 * 4_000
    assert rows[0]["bid"] == coop  # social criteria outweigh a 16% higher price
    services.round_award(actor=system_actor(), round=waste, bid=cheap, starts_on=dt.date(2027, 1, 1),
                         ends_on=dt.date(2029, 1, 1))  # fmt: skip
    costs = {c.member: c for c in selectors.member_costs(facts=selectors.round_facts(round=waste))}
    assert costs[a.slug].saving == 104 * (5_000 - 4_000)
    assert costs[b.slug].saving == 52 * (6_000 - 4_000)
    assert waste.contract.renewal_on == dt.date(2028, 11, 2)


def test_scores_are_whole_numbers_from_0_to_5(network, members):
    waste = services.round_create(
        actor=system_actor(), network=network,
        values={"title": "Waste", "kind": "service", "category": "waste", "currency": "USD",
                "volume_unit": "pickups/year"},
    )  # fmt: skip
    services.round_move(actor=system_actor(), round=waste, to="closed")
    services.round_move(actor=system_actor(), round=waste, to="bidding")
    bid = services.bid_submit(actor=system_actor(), round=waste, supplier=make_org(name="Hauler"),
                              values={"mode": "all_units", "tiers": [[0, 10]]})  # fmt: skip
    for bad in ("abc", "6", "-1", "2.5", "²", "٣", "5" * 5000):
        with pytest.raises(InvalidValues, match="local: is scored from 0 to 5"):
            services.bid_score(actor=system_actor(), bid=bid, scores={"local": bad})
    assert Bid.objects.get().scores == {}
