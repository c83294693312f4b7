"""Demo offers, needs and challenges, notices, member deals and introductions for the
demo region."""

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from intercoop.core.audit import system_actor
from intercoop.directory.models import Network, Organization
from intercoop.exchange import services
from intercoop.exchange.models import Deal, Notice

SEED = 2028
# kind of organisation (the end of its name) → (category, title, what it offers)
OFFERS = {
    "Bakery Workers' Co-op": ("food", "Bread, cakes and pastries",
                              "Sourdough and rye bread, cakes and pastries baked daily"),
    "Bike Works": ("transport", "Bike repairs and cargo-bike deliveries",
                   "Repairs, servicing and cargo-bike deliveries in town"),
    "Print Collective": ("printing", "Printing and design",
                         "Leaflets, posters, reports and signs, printed on recycled paper"),
    "Cleaning Co-operative": ("cleaning", "Office and school cleaning",
                              "Daily cleaning of offices, schools and halls with green products"),
    "Tech Co-op": ("it", "IT support and websites",
                   "IT support, websites and open-source software for small organisations"),
    "Café Collective": ("food", "Catering for meetings and events",
                        "Lunches, coffee and catering for meetings and events"),
    "Builders' Co-op": ("building", "Building repairs and insulation",
                        "Repairs, retrofits and insulation of homes and community buildings"),
    "Design Co-op": ("printing", "Graphic design and branding",
                     "Logos, leaflets and websites designed for community organisations"),
    "Food Co-op": ("food", "Organic groceries and bulk dry goods",
                   "Organic groceries and bulk dry goods, delivered weekly"),
    "Grocery Co-operative": ("food", "Groceries by the case",
                             "Groceries, fruit and vegetables by the case for kitchens"),
    "Energy Co-op": ("energy", "Community solar electricity",
                     "Green electricity from community solar, and energy audits"),
    "Farmers' Co-op": ("food", "Seasonal vegetables and eggs",
                       "Seasonal vegetables, eggs and dairy from valley farms"),
    "Dairy Co-operative": ("food", "Milk, cheese and yoghurt",
                           "Milk, cheese and yoghurt from the valley's dairy farms"),
    "Growers' Co-op": ("food", "Fruit and vegetables for kitchens",
                       "Fruit and vegetables for school and community kitchens"),
    "Woodworkers' Co-op": ("furniture", "Furniture made to order",
                           "Tables, shelves and classroom furniture made to order"),
    "Care Co-operative": ("care", "Home care", "Home care by trained co-op workers"),
    "Childcare Co-op": ("care", "Childcare", "Childcare for staff and volunteers"),
    "Shared Services Co-op": ("professional", "Bookkeeping, payroll and IT",
                              "Shared bookkeeping, payroll and IT support"),
    "Mutual Insurance": ("finance", "Insurance for co-ops and charities",
                         "Building and liability insurance for co-ops and charities"),
    "Housing Co-operative": ("housing", "Affordable flats for members",
                             "Affordable flats and rooms for members"),
    "Employee-Owned Joinery": ("furniture", "Joinery and fitted furniture",
                               "Doors, windows and fitted furniture"),
}  # fmt: skip
NEEDS = [
    ("food", "Organic vegetables and bread for our kitchen", 1_200_000),
    ("professional", "Bookkeeping and payroll support", 900_000),
    ("finance", "Building and liability insurance", 600_000),
    ("care", "Childcare for our staff and volunteers", 1_500_000),
    ("printing", "Printing of leaflets, posters and our annual report", 200_000),
    ("it", "IT support and a new website", 400_000),
    ("cleaning", "Cleaning of our hall and offices", 1_800_000),
    ("energy", "Green electricity for our buildings", 2_500_000),
]
CHALLENGES = ["energy_costs", "succession", "member_engagement", "financing", "hiring", "premises"]


@transaction.atomic
def exchange_build() -> int:
    rng = random.Random(SEED)
    actor = system_actor()
    made = 0
    for organization in Organization.objects.order_by("pk"):
        kind = next((k for k in OFFERS if organization.name.endswith(k)), None)
        if organization.is_cooperative and kind is not None:
            category, title, text = OFFERS[kind]
            services.exchange_item_create(
                actor=actor,
                organization=organization,
                values={
                    "kind": "offer",
                    "category": category,
                    "title": title,
                    "description": f"{text}. {organization.name}, {organization.locality}.",
                    "service_radius_km": rng.choice([25, 50, 100]),
                    "coop_discount": rng.choice([0, 5, 10]),
                    "tags": [organization.locality],
                },
            )
            made += 1
        if not organization.is_cooperative or rng.random() < 0.3:
            category, text, spend = rng.choice(NEEDS)
            services.exchange_item_create(
                actor=actor,
                organization=organization,
                values={
                    "kind": "need",
                    "category": category,
                    "title": text,
                    "annual_spend": spend * 100,
                    "currency": "USD",
                    "supplier_is_cooperative": rng.random() < 0.2,
                },
            )
            made += 1
        if rng.random() < 0.4:
            topic = rng.choice(CHALLENGES)
            services.exchange_item_create(
                actor=actor,
                organization=organization,
                values={
                    "kind": "challenge",
                    "category": topic,
                    "title": topic.replace("_", " ").capitalize(),
                    "contact": "The board's secretary",
                },
            )
            made += 1
    _notices_build(rng, actor)
    _deals_build(rng, actor)
    _introductions_build(actor)
    return made


# (kind, title, text, days to the needed-by date or the event)
NOTICES = [
    (Notice.Kind.HOUSING, "Two-bedroom flat free from next month",
     "A family-sized flat in our housing co-op. Members of network co-ops first.", None),
    (Notice.Kind.JOB, "Bakers wanted for the night shift",
     "Two positions, worker-member track after a year.", None),
    (Notice.Kind.TRANSFER, "Three print workers could move to you",
     "Our press is slowing down for the winter: rather than lay people off, we would "
     "like to second three experienced workers to another co-op.", None),
    (Notice.Kind.HELP, "Volunteers to move the food hub to its new warehouse",
     "Vans and hands needed for a Saturday. Lunch on us.", 9),
    (Notice.Kind.EVENT, "Co-op open day and cider pressing",
     "Tours, a talk on succession planning and cider for all.", 16),
    (Notice.Kind.EQUIPMENT, "Refrigerated van to lend on weekends",
     "Insured for co-op drivers. Book a week ahead.", None),
]  # fmt: skip


def _notices_build(rng: random.Random, actor: Any) -> None:
    network = Network.objects.get(slug="valley-coop-network")
    posters = list(
        Organization.objects.filter(
            network_memberships__network=network, network_memberships__status="member"
        ).order_by("pk")
    )
    today = timezone.localdate()
    for kind, title, text, days in NOTICES:
        poster = rng.choice(posters)
        values: dict[str, object] = {"kind": kind, "title": title, "body": text,
                                     "place": poster.locality}  # fmt: skip
        if kind == Notice.Kind.HELP:
            values["needed_by"] = today + dt.timedelta(days=days or 0)
        if kind == Notice.Kind.EVENT:
            values["starts_at"] = timezone.now().replace(
                hour=14, minute=0, second=0, microsecond=0
            ) + dt.timedelta(days=days or 0)
        services.notice_post(actor=actor, network=network, organization=poster, values=values)


DEALS = [
    ("10% off every loaf and pastry", 10, Deal.Audience.COOPERATORS),
    ("Free bike safety check, 20% off repairs", 20, Deal.Audience.NETWORK),
    ("15% off groceries for volunteers and social-sector workers", 15, Deal.Audience.SOCIAL),
]


def _deals_build(rng: random.Random, actor: Any) -> None:
    network = Network.objects.get(slug="valley-coop-network")
    # the demo manager's bakery offers the first deal, so that its card check shows one
    offering = list(Organization.objects.filter(is_cooperative=True).order_by("pk")[:40])
    for n, (title, percent, audience) in enumerate(DEALS):
        services.deal_create(
            actor=actor,
            organization=offering[0] if n == 0 else rng.choice(offering[1:]),
            values={"title": title, "discount_percent": percent, "audience": audience,
                    "network": network if audience == Deal.Audience.NETWORK else None},
        )  # fmt: skip


def _introductions_build(actor: Any) -> None:
    """An answered introduction, so the graph shows its tie, and one that waits for the
    demo manager's organisation."""
    manager_org = Organization.objects.filter(roles__user__username="manager").first()
    if manager_org is None:
        return
    manager = get_user_model().objects.get(username="manager")
    askers = Organization.objects.filter(exchange_items__kind="need").exclude(pk=manager_org.pk)
    first, second = askers.order_by("pk")[:2]
    accepted = services.introduction_request(
        actor=manager, requester=manager_org, recipient=first,
        message="We are looking for partners on energy costs. Could we meet?",
    )  # fmt: skip
    services.introduction_answer(actor=actor, introduction=accepted, accept=True)
    services.introduction_request(
        actor=actor, requester=second, recipient=manager_org,
        message="We buy printing and IT support every month. Could you quote?",
    )  # fmt: skip
