"""Demo rounds: produce by the case for the valley's kitchens and shops (bodega style),
and a waste-hauling contract for the purchasing alliance; both awarded, with savings. The
produce arrived a case of tomatoes short, and the supplier's rebate on it is shared as
patronage."""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from intercoop.core.audit import system_actor
from intercoop.directory.models import Network, Organization
from intercoop.directory.selectors import network_members
from intercoop.purchasing import selectors, services

SEED = 2029
PRODUCE = [  # name, unit, case size, price paid today per unit (cents), award price
    ("Apples", "kg", 18, 260, 190),
    ("Potatoes", "kg", 25, 120, 80),
    ("Onions", "kg", 20, 140, 95),
    ("Tomatoes", "kg", 10, 420, 310),
    ("Eggs", "dozen", 15, 480, 390),
    ("Oat milk", "litre", 12, 230, 175),
]


@transaction.atomic
def purchasing_build() -> int:
    rng = random.Random(SEED)
    system = system_actor()
    coordinator = get_user_model().objects.get(username="coordinator")
    network = Network.objects.get(slug="valley-coop-network")
    alliance = Network.objects.get(slug="valley-purchasing-alliance")
    today = timezone.localdate()

    produce = services.round_create(
        actor=system, network=network, coordinator=coordinator,
        values={"title": "Fresh produce by the case", "kind": "goods", "category": "food",
                "currency": "USD", "strategy": "fifo", "transport_split": "value",
                "description": "Kitchens, cafés and corner shops pool orders to buy by the case."},
        articles=[{"name": n, "unit": u, "case_size": c, "reference_price": Decimal(p)}
                  for n, u, c, p, _award in PRODUCE],
    )  # fmt: skip
    buyers = rng.sample(list(network_members(network=network)), 14)
    # the manager's worker co-op buys too: its share of the rebate is retained for it, to
    # allocate among its worker-owners' capital accounts (the membership demo does)
    bakery = Organization.objects.filter(roles__user__username="manager").order_by("pk").first()
    if bakery is not None and bakery not in buyers and bakery in network_members(network=network):
        buyers[-1] = bakery
    for article in produce.articles.all():
        for buyer in rng.sample(buyers, 8):
            services.order_set(actor=system, article=article, member=buyer,
                               quantity=Decimal(rng.randint(2, 14)),
                               tolerance=Decimal(rng.choice([0, 0, 2, 4])))  # fmt: skip
    services.round_move(actor=system, round=produce, to="closed")
    services.round_move(actor=system, round=produce, to="bidding")
    supplier = (
        Organization.objects.filter(name__contains="Growers").order_by("pk").first() or buyers[0]
    )
    prices = {
        a.pk: Decimal(award)
        for a, (*_rest, award) in zip(produce.articles.all(), PRODUCE, strict=True)
    }
    offer = {"mode": "all_units", "article_prices": prices,
             "evidence": "A valley growers' co-op, 20 km away."}  # fmt: skip
    bid = services.bid_submit(actor=system, round=produce, supplier=supplier, values=offer)
    services.bid_score(
        actor=system, bid=bid, scores={"local": 5, "cooperative": 5, "environment": 4, "labour": 4}
    )
    services.round_award(actor=system, round=produce, bid=bid, starts_on=today,
                         ends_on=today + dt.timedelta(days=90))  # fmt: skip
    # the tomatoes came one case short; the rest arrived as ordered
    tomatoes = produce.articles.get(name="Tomatoes")
    ordered = dict(selectors.article_allocations(round=produce))[tomatoes].ordered
    services.delivery_record(
        actor=system, round=produce, received={tomatoes.pk: Decimal(ordered) - tomatoes.case_size},
        transport_cost=12_000,
    )  # fmt: skip
    services.patronage_distribute(
        actor=system, network=network,
        values={"title": f"Produce rebate {today.year}", "currency": "USD", "surplus": 4_500,
                "cash_percent": 30, "period_start": today - dt.timedelta(days=30),
                "period_end": today},
    )  # fmt: skip

    waste = services.round_create(
        actor=system, network=alliance, coordinator=coordinator,
        values={"title": "Waste hauling 2027–2029", "kind": "service", "category": "waste",
                "currency": "USD", "volume_unit": "pickups/year",
                "description": "One hauler for every member's bins: weekly pickups."},
    )  # fmt: skip
    committed = list(network_members(network=alliance))[:30]
    for member in committed:
        services.commitment_set(actor=system, round=waste, member=member,
                                volume=Decimal(rng.choice([52, 104, 156])),
                                current_price=Decimal(rng.randint(42, 60) * 100))  # fmt: skip
    services.round_move(actor=system, round=waste, to="closed")
    services.round_move(actor=system, round=waste, to="bidding")
    haulers = [("Valley Waste Co-operative", "incremental", [[0, 4600], [1500, 3900], [3000, 3500]],
                {"local": 5, "cooperative": 5, "environment": 4, "labour": 5}),
               ("Regional Hauling Inc.", "all_units", [[0, 4800], [2000, 3600]],
                {"local": 2, "cooperative": 0, "environment": 2, "labour": 3})]  # fmt: skip
    bids = []
    for name, mode, tiers, scores in haulers:
        hauler = (
            Organization.objects.filter(is_cooperative="Co-operative" in name)
            .exclude(pk__in=[m.pk for m in committed])
            .order_by("-pk")
            .first()
        )
        assert hauler is not None
        offer = {"mode": mode, "tiers": tiers, "evidence": name}
        made = services.bid_submit(actor=system, round=waste, supplier=hauler, values=offer)
        bids.append(services.bid_score(actor=system, bid=made, scores=scores))
    services.round_award(actor=system, round=waste, bid=bids[0],
                         starts_on=dt.date(today.year + 1, 1, 1),
                         ends_on=dt.date(today.year + 3, 1, 1))  # fmt: skip
    services.round_move(actor=system, round=waste, to="active")
    return 2
