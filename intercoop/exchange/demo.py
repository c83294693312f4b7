"""Demo offers, needs and challenges for the demo region."""

import random

from django.db import transaction

from intercoop.directory.models import Organization
from intercoop.exchange import services

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
    return made
