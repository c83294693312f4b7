"""Who may make each write of joint purchasing, asked of the services themselves (pages,
API and demo repeat no rule). A refusal is PermissionDenied and leaves nothing behind; an
allowed write records exactly one audit event of its own (a delivery's invoices add
clearing's) naming its actor, action and object.

`org` (admin: people["admin"], member: people["member"]) is a member of `network`
(coordinator: people["coordinator"]); other_coordinator runs another network; `supplier`
speaks for a supplier outside the network; staff may do everything."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from intercoop.clearing.models import Obligation
from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.models import AuditEvent, AuditSubject
from intercoop.directory import services as directory_services
from intercoop.directory.models import NetworkRole
from intercoop.purchasing import deliveries, services
from intercoop.purchasing.models import (
    Article,
    Bid,
    Bill,
    Commitment,
    Contract,
    Delivery,
    FeedToken,
    OrderRow,
    Override,
    Patronage,
    PatronageAllocation,
    Round,
)
from intercoop.purchasing.tests.conftest import to_bidding

D = Decimal
PEOPLE = ["anonymous", "outsider", "member", "admin", "coordinator", "other_coordinator",
          "supplier", "staff"]  # fmt: skip
MODELS = [Round, Article, OrderRow, Commitment, Bid, Contract, Override, Bill, Patronage,
          PatronageAllocation, FeedToken, Obligation, Delivery, AuditEvent, AuditSubject]  # fmt: skip


def state() -> dict[str, Any]:
    """Row counts and the fields writes change in place."""
    return {model.__name__: model._default_manager.count() for model in MODELS} | {
        "rounds": list(Round.objects.values_list("pk", "status", "transport_cost", "title")),
        "articles": list(Article.objects.values_list("pk", "price", "received", "name")),
        "orders": list(OrderRow.objects.values_list("pk", "quantity", "tolerance")),
        "scores": list(Bid.objects.values_list("pk", "scores")),
        "contracts": list(Contract.objects.values_list("pk", "ratification")),
        "live tokens": list(FeedToken.objects.filter(revoked_at=None).values_list("pk")),
    }


@pytest.fixture
def supplier(people):
    """An organisation outside the network and the person who speaks for it."""
    organization, person = make_org(name="Valley Growers"), make_user("supplier")
    directory_services.organization_role_assign(
        actor=system_actor(), organization=organization, user=person, role="admin"
    )
    return organization, person


@pytest.fixture
def everyone(people, supplier):
    return people | {"supplier": supplier[1]}


class World:
    """What a write's set-up may ask for, made only when asked."""

    def __init__(self, request: Any) -> None:
        self.request = request
        self.network = request.getfixturevalue("network")
        self.org = request.getfixturevalue("org")
        self.supplier = request.getfixturevalue("supplier")[0]
        self.people = request.getfixturevalue("everyone")

    def fixture(self, name: str) -> Any:
        return self.request.getfixturevalue(name)

    def open_goods(self) -> Round:
        return services.round_create(
            actor=system_actor(), network=self.network,
            values={"title": "Bread", "kind": "goods", "category": "food", "currency": "USD"},
            articles=[{"name": "Loaf", "case_size": 5, "reference_price": D(400)}],
        )  # fmt: skip

    def bidding_waste(self) -> Round:
        waste = self.fixture("waste")
        to_bidding(waste)
        return waste

    def waste_bid(self) -> Bid:
        return services.bid_submit(
            actor=system_actor(), round=self.bidding_waste(), supplier=self.supplier,
            values={"mode": "all_units", "tiers": [[0, 4_000]]},
        )  # fmt: skip


Setup = Callable[[World], Callable[[Any], Any]]


def round_create(w: World) -> Callable[[Any], Any]:
    values = {"title": "Produce", "kind": "goods", "category": "food", "currency": "USD"}
    return lambda actor: services.round_create(actor=actor, network=w.network, values=values)


def round_move(w: World) -> Callable[[Any], Any]:
    waste = w.fixture("waste")
    return lambda actor: services.round_move(actor=actor, round=waste, to="closed")


def order_set(w: World) -> Callable[[Any], Any]:
    loaf = w.open_goods().articles.get()
    return lambda actor: services.order_set(
        actor=actor, article=loaf, member=w.org, quantity=D(6), tolerance=D(2)
    )


def commitment_set(w: World) -> Callable[[Any], Any]:
    waste = w.fixture("waste")
    return lambda actor: services.commitment_set(
        actor=actor, round=waste, member=w.org, volume=D(104), current_price=D(5_000)
    )


def bid_submit(w: World) -> Callable[[Any], Any]:
    waste = w.bidding_waste()
    return lambda actor: services.bid_submit(
        actor=actor, round=waste, supplier=w.supplier,
        values={"mode": "incremental", "tiers": [[0, 4_500], [100, 4_000]]},
    )  # fmt: skip


def bid_score(w: World) -> Callable[[Any], Any]:
    bid = w.waste_bid()
    return lambda actor: services.bid_score(actor=actor, bid=bid, scores={"local": 4})


def round_award(w: World) -> Callable[[Any], Any]:
    bid = w.waste_bid()
    return lambda actor: services.round_award(
        actor=actor, round=bid.round, bid=bid, starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2028, 1, 1),
    )  # fmt: skip


def award_ratification_record(w: World) -> Callable[[Any], Any]:
    round = w.fixture("awarded_waste")
    # as the award listener of a network that ratifies awards by a vote leaves it
    Contract.objects.filter(round=round).update(ratification=Contract.Ratification.PENDING)
    return lambda actor: services.award_ratification_record(actor=actor, round=round, ratified=True)


def delivery_record(w: World) -> Callable[[Any], Any]:
    round, _other = w.fixture("awarded_goods")
    loaf = round.articles.get()
    return lambda actor: services.delivery_record(
        actor=actor, round=round, received={loaf.pk: D(10)}, transport_cost=500
    )


def override_record(w: World) -> Callable[[Any], Any]:
    round, other = w.fixture("awarded_goods")
    loaf = round.articles.get()
    return lambda actor: services.override_record(
        actor=actor, article=loaf, member=other, total=D(5), reason="a broken case"
    )


def bill_record(w: World) -> Callable[[Any], Any]:
    waste = w.fixture("awarded_waste")
    return lambda actor: services.bill_record(
        actor=actor, round=waste, member=w.org, period_end=dt.date(2027, 3, 31), volume=D(26),
        amount=104_000,
    )  # fmt: skip


def patronage_distribute(w: World) -> Callable[[Any], Any]:
    w.fixture("awarded_goods")
    values = {"title": "Bread rebate", "currency": "USD", "surplus": 1_001, "cash_percent": 25,
              "period_start": dt.date(2027, 1, 1), "period_end": dt.date(2027, 12, 31)}  # fmt: skip
    return lambda actor: services.patronage_distribute(
        actor=actor, network=w.network, values=values
    )


def round_update(w: World) -> Callable[[Any], Any]:
    round = w.open_goods()
    loaf = round.articles.get()
    return lambda actor: services.round_update(
        actor=actor, round=round, values={"title": "Bread and rolls"},
        articles=[{"id": loaf.pk, "name": "Loaf", "case_size": 6}, {"name": "Roll"}],
    )  # fmt: skip


def order_set_many(w: World) -> Callable[[Any], Any]:
    round = w.open_goods()
    loaf = round.articles.get()
    return lambda actor: services.order_set_many(
        actor=actor, round=round, member=w.org, lines={loaf.pk: (D(6), D(2))}
    )


def delivery_correct(w: World) -> Callable[[Any], Any]:
    round, _other = w.fixture("awarded_goods")
    loaf = round.articles.get()
    services.delivery_record(actor=system_actor(), round=round, received={loaf.pk: D(10)})
    return lambda actor: services.delivery_correct(
        actor=actor, round=round, received={loaf.pk: D(8)}, transport_cost=0,
        reason="two loaves were stale",
    )  # fmt: skip


def feed_token_issue(w: World) -> Callable[[Any], Any]:
    return lambda actor: services.feed_token_issue(actor=actor, network=w.network)


def feed_token_revoke(w: World) -> Callable[[Any], Any]:
    token = services.feed_token_issue(actor=w.people["admin"], network=w.network)
    return lambda actor: services.feed_token_revoke(actor=actor, token=token)


RUNNERS = {"coordinator", "staff"}
FOR_MEMBER = {"admin", "coordinator", "staff"}
INSIDERS = {"member", "admin", "coordinator", "staff"}
WRITES: dict[str, tuple[Setup, str, set[str]]] = {
    "round_create": (round_create, "round.create", RUNNERS),
    "round_move": (round_move, "round.close", RUNNERS),
    "round_update": (round_update, "round.update", RUNNERS),
    "order_set_many": (order_set_many, "order.set", FOR_MEMBER),
    "delivery_correct": (delivery_correct, "delivery.correct", RUNNERS),
    "order_set": (order_set, "order.place", FOR_MEMBER),
    "commitment_set": (commitment_set, "commitment.record", FOR_MEMBER),
    "bid_submit": (bid_submit, "bid.submit", {"supplier", "staff"}),
    "bid_score": (bid_score, "bid.score", RUNNERS),
    "round_award": (round_award, "round.award", RUNNERS),
    "award_ratification_record": (award_ratification_record, "round.award_ratify", {"staff"}),
    "delivery_record": (delivery_record, "delivery.record", RUNNERS),
    "override_record": (override_record, "override.record", RUNNERS),
    "bill_record": (bill_record, "bill.record", FOR_MEMBER),
    "patronage_distribute": (patronage_distribute, "patronage.distribute", RUNNERS),
    "feed_token_issue": (feed_token_issue, "feed_token.create", INSIDERS),
    "feed_token_revoke": (feed_token_revoke, "feed_token.revoke", {"admin", "staff"}),
}


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("write", list(WRITES))
def test_who_may_make_each_write(request, write, who, everyone):
    setup, action, allowed = WRITES[write]
    call = setup(World(request))
    actor = everyone[who]
    before, events = state(), set(AuditEvent.objects.values_list("pk", flat=True))
    if who not in allowed:
        with pytest.raises(PermissionDenied):
            call(actor)
        assert state() == before
        return
    made = call(actor)
    new = AuditEvent.objects.exclude(pk__in=events).exclude(action__startswith="obligation.")
    assert [(e.action, e.actor_name, e.actor_id) for e in new] == [
        (action, actor.username, actor.pk)
    ]
    target = made[0].article if isinstance(made, list) else made  # order_set: the rows
    target = target.round if write == "order_set_many" else target  # its round
    target = target.round if isinstance(target, Contract) else target
    assert (new.get().object_type, new.get().object_id) == (
        target._meta.label_lower, str(target.pk)
    )  # fmt: skip


def test_anonymous_is_refused_as_none_and_as_an_anonymous_user(request, everyone):
    for actor in (None, AnonymousUser()):
        call = round_create(World(request))
        with pytest.raises(PermissionDenied):
            call(actor)
    assert not Round.objects.exists()


def test_a_coordinator_who_stops_coordinating_stops_running_the_round(people, network, waste):
    role = NetworkRole.objects.get(user=people["coordinator"], network=network)
    role.delete()
    coordinator = type(people["coordinator"]).objects.get(pk=people["coordinator"].pk)
    with pytest.raises(PermissionDenied):
        services.round_move(actor=coordinator, round=waste, to="closed")
    assert Round.objects.get().status == "open"


def test_the_matrix_covers_every_write_service():
    """Every public function of `services` and of the modules it re-exports writes from
    (`deliveries`), found by the module it is defined in."""
    modules = {services.__name__, deliveries.__name__}
    found = {name for module in (services, deliveries) for name in vars(module)
             if not name.startswith("_") and callable(getattr(module, name))
             and getattr(getattr(module, name), "__module__", "") in modules}  # fmt: skip
    assert found == set(WRITES)
    assert {services.delivery_record, services.delivery_correct} == {
        deliveries.delivery_record, deliveries.delivery_correct}  # fmt: skip
