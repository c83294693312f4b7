"""Each purchasing write records one audit event: who, what, on which object, for which
network and organisations (so their history pages find it), with a short summary."""

import datetime as dt
from decimal import Decimal

import pytest

from intercoop.conftest import make_org
from intercoop.core.audit import system_actor
from intercoop.core.errors import InvalidValues
from intercoop.core.models import AuditEvent
from intercoop.purchasing import services
from intercoop.purchasing.tests.conftest import to_bidding

D = Decimal


class Trail:
    """The events recorded since it was made."""

    def __init__(self) -> None:
        self.seen = set(AuditEvent.objects.values_list("pk", flat=True))

    def events(self, *, clearing: bool = False) -> list[AuditEvent]:
        """Purchasing's own events (and clearing's, if asked)."""
        new = AuditEvent.objects.exclude(pk__in=self.seen).order_by("pk")
        mine = new.filter(object_type__startswith="purchasing.")
        return list(mine | new.filter(action__startswith="obligation.") if clearing else mine)

    def one(self) -> AuditEvent:
        (event,) = self.events()
        return event


def facts(event: AuditEvent) -> tuple:
    orgs = sorted(event.subjects.values_list("organization_id", flat=True))
    return (event.action, event.actor_name, event.object_type, event.object_id,
            event.network_id, orgs)  # fmt: skip


def test_opening_a_round(people, network):
    trail = Trail()
    made = services.round_create(
        actor=people["coordinator"], network=network,
        values={"title": "Produce", "kind": "goods", "category": "food", "currency": "usd"},
        articles=[{"name": "Apples", "case_size": 18, "reference_price": D(260)}],
    )  # fmt: skip
    event = trail.one()
    assert facts(event) == (
        "round.create", "coordinator", "purchasing.round", str(made.pk), network.pk, []
    )  # fmt: skip
    assert event.summary == "opened the round Produce (Goods by the case)"
    assert (made.currency, made.coordinator) == ("USD", people["coordinator"])


def test_each_move_along_the_timeline_is_its_own_action(people, network, waste):
    trail = Trail()
    for to in ("closed", "open", "closed", "bidding"):
        services.round_move(actor=people["coordinator"], round=waste, to=to)
    events = trail.events()
    assert [e.action for e in events] == [
        "round.close", "round.reopen", "round.close", "round.invite_bids"
    ]  # fmt: skip
    assert events[0].summary == "Waste hauling: Open for orders → Closed"
    assert {e.network_id for e in events} == {network.pk}


def test_an_order_names_the_member(people, org, network):
    round = services.round_create(
        actor=people["coordinator"], network=network,
        values={"title": "Bread", "kind": "goods", "category": "food", "currency": "USD"},
        articles=[{"name": "Loaf", "case_size": 5}],
    )  # fmt: skip
    loaf = round.articles.get()
    trail = Trail()
    services.order_set(actor=people["admin"], article=loaf, member=org, quantity=D("6.000"),
                       tolerance=D(2))  # fmt: skip
    event = trail.one()
    assert facts(event) == (
        "order.place", "admin", "purchasing.article", str(loaf.pk), network.pk, [org.pk]
    )  # fmt: skip
    assert event.summary == "Riverside Bakery Co-op orders 6 (+2) of Loaf"


def test_commitments_bids_scores_and_the_award(people, org, network, waste):
    trail = Trail()
    commitment = services.commitment_set(
        actor=people["admin"], round=waste, member=org, volume=D(104), current_price=D(5_000)
    )
    to_bidding(waste)
    hauler = make_org(name="Green Hauling")
    bid = services.bid_submit(actor=system_actor(), round=waste, supplier=hauler,
                              values={"mode": "all_units", "tiers": [[0, 4_000]]})  # fmt: skip
    services.bid_score(actor=people["coordinator"], bid=bid, scores={"local": 5})
    services.round_award(actor=people["coordinator"], round=waste, bid=bid,
                         starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2029, 1, 1))  # fmt: skip
    events = [e for e in trail.events() if not e.action.startswith("round.") or "award" in e.action]
    assert [facts(e) for e in events] == [
        ("commitment.record", "admin", "purchasing.commitment", str(commitment.pk), network.pk,
         [org.pk]),
        ("bid.submit", "intercoop-system", "purchasing.bid", str(bid.pk), network.pk,
         [hauler.pk]),
        ("bid.score", "coordinator", "purchasing.bid", str(bid.pk), network.pk, [hauler.pk]),
        ("round.award", "coordinator", "purchasing.round", str(waste.pk), network.pk,
         [hauler.pk]),
    ]  # fmt: skip
    assert [e.summary for e in events] == [
        "Riverside Bakery Co-op commits 104 pickups/year to Waste hauling",
        "Green Hauling bids for Waste hauling",
        "scored Green Hauling's bid: local 5, cooperative 0, environment 0, labour 0",
        "Waste hauling awarded to Green Hauling, 2027-01-01 to 2029-01-01",
    ]


def test_a_delivery_names_the_supplier_and_every_member_invoiced(
    people, org, network, awarded_goods
):
    round, other = awarded_goods
    loaf = round.articles.get()
    trail = Trail()
    services.delivery_record(actor=people["coordinator"], round=round,
                             received={loaf.pk: D(10)}, transport_cost=500)  # fmt: skip
    event = trail.one()
    supplier = round.contract.bid.supplier
    assert facts(event) == (
        "delivery.record", "coordinator", "purchasing.round", str(round.pk), network.pk,
        sorted([supplier.pk, org.pk, other.pk]),
    )  # fmt: skip
    assert event.summary == "delivery of Bread recorded (transport 5.00 USD); 2 members invoiced"
    # clearing records each invoice in the same transaction, as the same actor
    invoices = [e for e in trail.events(clearing=True) if e.action.startswith("obligation.")]
    assert [(e.action, e.actor_name) for e in invoices] == [
        ("obligation.record", "coordinator")
    ] * 2


def test_an_override_and_a_bill(people, org, network, awarded_goods, awarded_waste):
    round, other = awarded_goods
    loaf = round.articles.get()
    trail = Trail()
    made = services.override_record(actor=people["coordinator"], article=loaf, member=other,
                                    total=D(5), reason="a broken case")  # fmt: skip
    bill = services.bill_record(actor=people["admin"], round=awarded_waste, member=org,
                                period_end=dt.date(2027, 3, 31), volume=D(26), amount=104_000)  # fmt: skip
    assert [facts(e) for e in trail.events()] == [
        ("override.record", "coordinator", "purchasing.override", str(made.pk), network.pk,
         [other.pk]),
        ("bill.record", "admin", "purchasing.bill", str(bill.pk), network.pk, [org.pk]),
    ]  # fmt: skip
    assert [e.summary for e in trail.events()] == [
        "Other Co-op gets 5 of Loaf by hand: a broken case",
        "Riverside Bakery Co-op billed 1,040.00 USD for 26 pickups/year to 2027-03-31",
    ]


def test_a_patronage_distribution_names_every_member_with_a_share(
    people, org, network, awarded_goods
):
    _round, other = awarded_goods
    trail = Trail()
    made = services.patronage_distribute(
        actor=people["coordinator"], network=network,
        values={"title": "Bread rebate", "currency": "USD", "surplus": 1_001, "cash_percent": 25,
                "period_start": dt.date(2027, 1, 1), "period_end": dt.date(2027, 12, 31)},
    )  # fmt: skip
    event = trail.one()
    assert facts(event) == (
        "patronage.distribute", "coordinator", "purchasing.patronage", str(made.pk), network.pk,
        sorted([org.pk, other.pk]),
    )  # fmt: skip
    assert event.summary == "Bread rebate: 10.01 USD shared among 2 members, 25% in cash"


def test_calendar_addresses_made_replaced_and_revoked(people, network):
    trail = Trail()
    first = services.feed_token_issue(actor=people["admin"], network=network)
    second = services.feed_token_issue(actor=people["admin"], network=network)
    services.feed_token_revoke(actor=people["admin"], token=second)
    assert [facts(e) for e in trail.events()] == [
        ("feed_token.create", "admin", "purchasing.feedtoken", str(first.pk), network.pk, []),
        ("feed_token.renew", "admin", "purchasing.feedtoken", str(second.pk), network.pk, []),
        ("feed_token.revoke", "admin", "purchasing.feedtoken", str(second.pk), network.pk, []),
    ]  # fmt: skip


def test_a_refused_write_records_nothing(people, network):
    trail = Trail()
    with pytest.raises(InvalidValues, match="currency"):
        services.round_create(actor=people["coordinator"], network=network,
                              values={"title": "x", "kind": "goods", "category": "food",
                                      "currency": "XXQ"})  # fmt: skip
    assert trail.events(clearing=True) == []
