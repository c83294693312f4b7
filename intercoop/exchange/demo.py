"""Demo offers, needs and challenges, notices, member deals and introductions for the
demo region."""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from intercoop.directory.models import Network, Organization
from intercoop.exchange import services
from intercoop.exchange.models import Deal, Notice

SEED = 2028
# activity → (category, what such an organisation offers)
OFFERS = {
    "ICA120": ("professional", "Repairs, design and printing for community organisations"),
    "ICA240": ("food", "Organic groceries and bulk dry goods, delivered weekly"),
    "ICA10": ("food", "Seasonal vegetables, eggs and dairy from valley farms"),
    "ICA170": ("care", "Home care and childcare by trained co-op workers"),
    "ICA280": ("professional", "Shared bookkeeping, payroll and IT support"),
    "ICA150": ("finance", "Building and liability insurance for co-ops and charities"),
    "ICA210": ("housing", "Affordable flats and rooms for members"),
}
NEEDS = [
    ("food", "Organic vegetables and bread for our kitchen", 1_200_000),
    ("professional", "Bookkeeping and payroll support", 900_000),
    ("finance", "Building and liability insurance", 600_000),
    ("care", "Childcare for our staff and volunteers", 1_500_000),
    ("professional", "Printing of leaflets and posters, and IT support", 200_000),
]
CHALLENGES = ["energy_costs", "succession", "member_engagement", "financing", "hiring", "premises"]


@transaction.atomic
def exchange_build() -> int:
    rng = random.Random(SEED)
    made = 0
    for organization in Organization.objects.order_by("pk"):
        if organization.is_cooperative and organization.primary_activity in OFFERS:
            category, text = OFFERS[organization.primary_activity]
            services.exchange_item_create(
                organization=organization,
                values={
                    "kind": "offer",
                    "category": category,
                    "title": text.split(",")[0],
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
                organization=organization,
                values={
                    "kind": "challenge",
                    "category": topic,
                    "title": topic.replace("_", " ").capitalize(),
                    "contact": "The board's secretary",
                },
            )
            made += 1
    _notices_build(rng)
    _deals_build(rng)
    _introductions_build()
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


def _notices_build(rng: random.Random) -> None:
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
        services.notice_post(actor=None, network=network, organization=poster, values=values)


DEALS = [
    ("10% off every loaf and pastry", 10, Deal.Audience.COOPERATORS),
    ("Free bike safety check, 20% off repairs", 20, Deal.Audience.NETWORK),
    ("15% off groceries for volunteers and social-sector workers", 15, Deal.Audience.SOCIAL),
]


def _deals_build(rng: random.Random) -> None:
    network = Network.objects.get(slug="valley-coop-network")
    offering = list(Organization.objects.filter(is_cooperative=True).order_by("pk")[1:40])
    for title, percent, audience in DEALS:
        services.deal_create(
            organization=rng.choice(offering),
            values={"title": title, "discount_percent": percent, "audience": audience,
                    "network": network if audience == Deal.Audience.NETWORK else None},
        )  # fmt: skip


def _introductions_build() -> None:
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
    services.introduction_answer(actor=None, introduction=accepted, accept=True)
    services.introduction_request(
        actor=None, requester=second, recipient=manager_org,
        message="We buy printing and IT support every month. Could you quote?",
    )  # fmt: skip
