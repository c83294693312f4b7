"""A deterministic fictional region: about 150 organisations of every structure, allies
included, in two networks, with demo accounts. Same seed, same region, every time."""

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from intercoop.core.audit import system_actor
from intercoop.directory import services
from intercoop.directory.models import Network, NetworkRole, Organization, OrganizationRole

SEED = 2026
DEMO_PASSWORD = "intercoop-demo"

# (locality, latitude, longitude, postcode prefix)
TOWNS = [
    ("Riverton", 42.3601, -72.6201, "01060"),
    ("Millbrook", 42.3751, -72.5199, "01002"),
    ("Ashford Falls", 42.2043, -72.6162, "01040"),
    ("Stonebridge", 42.5870, -72.5995, "01301"),
    ("Elmwood", 42.1015, -72.5898, "01103"),
    ("Harbourview", 42.2626, -72.4148, "01007"),
    ("Cedar Hollow", 42.4390, -72.4673, "01054"),
]
STREETS = [
    "Main Street",
    "Mill Road",
    "Elm Avenue",
    "River Street",
    "Orchard Lane",
    "Church Street",
    "Market Square",
    "Union Road",
    "Maple Drive",
    "Station Road",
]
FIRST = [
    "Common",
    "Valley",
    "Red Barn",
    "Green",
    "Lakeside",
    "Union",
    "Sunrise",
    "Pioneer",
    "Northfield",
    "Heartwood",
    "Old Mill",
    "Bright Day",
    "Riverbend",
    "Solidarity",
    "Fairshare",
    "Hilltop",
    "Blue Heron",
    "Commonwealth",
    "Open Door",
    "Good Earth",
]

# (structure, membership type, activity, kinds of organisation, count, is a co-op)
KINDS: list[tuple[str, str, str, list[str], int, bool]] = [
    ("OS60", "BMT30", "ICA120", ["Bakery Workers' Co-op", "Bike Works", "Print Collective",
                                 "Cleaning Co-operative", "Tech Co-op", "Café Collective",
                                 "Builders' Co-op", "Design Co-op"], 29, True),
    ("OS70", "BMT50", "ICA210", ["Housing Co-operative", "Tenants' Co-op", "Homes Co-op"],
     16, True),
    ("OS80", "BMT10", "ICA240", ["Food Co-op", "Grocery Co-operative", "Energy Co-op",
                                "Credit Union"], 16, True),
    ("OS90", "BMT20", "ICA10", ["Farmers' Co-op", "Dairy Co-operative", "Growers' Co-op",
                                "Woodworkers' Co-op"], 15, True),
    ("OS100", "BMT40", "ICA170", ["Care Co-operative", "Community Health Co-op",
                                  "Childcare Co-op"], 8, True),
    ("OS110", "BMT60", "ICA280", ["Shared Services Co-op", "Purchasing Co-op"], 4, True),
    ("OS115", "BMT10", "ICA260", ["Co-operative Store"], 1, True),
    ("OS130", "BMT10", "ICA180", ["Community Pub", "Community Shop", "Village Hall Society"],
     8, True),
    ("OS140", "BMT30", "ICA90", ["Employee-Owned Joinery"], 1, True),
    ("OS150", "BMT30", "ICA110", ["Freelancers' Collective"], 1, True),
    ("OS160", "BMT10", "ICA180", ["Buying Club"], 1, True),
    ("OS170", "BMT10", "ICA150", ["Mutual Insurance", "Building Society"], 3, True),
    ("OS180", "BMT60", "ICA280", ["Co-operative Council"], 1, True),
    ("OS190", "BMT60", "ICA10", ["Agricultural Co-op Union"], 1, True),
    ("OS200", "BMT60", "ICA280", ["Valley Co-op Federation"], 1, True),
    ("OS210", "BMT60", "ICA260", ["Co-operative Group"], 1, True),
    ("OS230", "BMT60", "ICA280", ["International Co-op Alliance Office"], 1, True),
    ("OS240", "BMT60", "ICA280", ["Co-op Federation"], 1, True),
    ("OS50", "BMT30", "ICA110", ["Consulting Co-op Ltd"], 1, True),
    ("OS120", "BMT60", "ICA190", ["Community Interest Company"], 1, False),
    ("OS30", "BMT60", "ICA190", ["Social Enterprise", "Community Kitchen"], 7, False),
    ("OS20", "BMT60", "ICA180", ["Church", "Congregation", "Mosque", "Synagogue"], 12, False),
    ("OS220", "BMT60", "ICA160", ["Public School", "Community College", "Library"], 8, False),
    ("OS10", "BMT60", "ICA180", ["Neighbourhood Association", "Tenants' Union", "Youth Club"],
     8, False),
    ("OS40", "BMT60", "ICA200", ["Food Bank", "Refugee Support Charity"], 4, False),
]  # fmt: skip
TAGS = {
    "ICA120": ["services", "local"],
    "ICA210": ["housing", "affordable"],
    "ICA240": ["groceries", "retail"],
    "ICA10": ["food", "organic", "farming"],
    "ICA170": ["care", "health"],
    "ICA280": ["shared services", "purchasing"],
    "ICA180": ["community"],
    "ICA150": ["insurance", "finance"],
    "ICA190": ["social"],
    "ICA160": ["education"],
    "ICA200": ["social care"],
}


@dataclass
class DemoSummary:
    organizations: int
    networks: int
    users: int


def _organization_values(
    rng: random.Random, n: int, kind: tuple[Any, ...], name: str
) -> dict[str, Any]:
    structure, membership, activity, _, _, cooperative = kind
    town, lat, lon, postcode = TOWNS[n % len(TOWNS)]
    slug_word = name.lower().replace("'", "").replace(" ", "-")
    founded = rng.randint(1936, 2024)
    return {
        "name": name,
        "description": f"{name} serves {town} and the valley. "
        + rng.choice(
            [
                "Owned and run by the people who work here.",
                "Member-owned since the start, one member one vote.",
                "Part of the valley's network of co-operatives and allies.",
                "Buying local and sharing the surplus with members.",
            ]
        ),
        "is_cooperative": cooperative,
        "organisational_structure": structure,
        "base_membership_type": membership,
        "primary_activity": activity,
        "other_activities": rng.sample(
            ["ICA120", "ICA180", "ICA260", "ICA190"], k=rng.randint(0, 2)
        ),
        "legal_form": "Cooperative"
        if cooperative
        else rng.choice(["Non-Profit Organisation", "Public body"]),
        "registrar": "Secretary of the Commonwealth",
        "registration_number": f"{rng.randint(100000, 999999)}",
        "founded_on": f"{founded}-{rng.randint(1, 12):02d}-01",
        "status": "forming" if n % 37 == 5 else "active",
        "number_of_members": rng.randint(5, 4000) if cooperative else None,
        "employees": (employees := rng.randint(0, 120)),
        "turnover": employees * rng.randint(40_000, 90_000) * 100 if cooperative else None,
        "turnover_currency": "USD" if cooperative else "",
        "website": f"https://{slug_word}.example.org",
        "website_public": True,
        "email": f"hello@{slug_word}.example.org",
        "email_public": n % 3 != 0,
        "phone": f"+1 413 555 {rng.randint(1000, 9999)}",
        "phone_public": n % 2 == 0,
        "street": f"{rng.randint(1, 400)} {rng.choice(STREETS)}",
        "locality": town,
        "region": "Massachusetts",
        "postcode": postcode,
        "country": "US",
        "latitude": round(lat + rng.uniform(-0.03, 0.03), 5),
        "longitude": round(lon + rng.uniform(-0.04, 0.04), 5),
        "languages": ["en", "es"] if n % 4 == 0 else ["en"],
        "tags": TAGS.get(activity, []),
    }


@transaction.atomic
def demo_build() -> DemoSummary:
    rng = random.Random(SEED)
    system = system_actor()
    alliance = services.network_create(
        actor=system,
        slug="valley-purchasing-alliance",
        name="Valley Purchasing Alliance",
        kind=Network.Kind.PURCHASING_ALLIANCE,
        description="Churches, schools, community groups and co-ops buying energy, waste "
        "hauling and supplies together.",
    )
    network = services.network_create(
        actor=system,
        slug="valley-coop-network",
        name="Valley Co-operative Network",
        kind=Network.Kind.CITY_NETWORK,
        description="The co-operatives of the valley, helping each other grow.",
    )
    organizations: list[Organization] = []
    n = 0
    for kind in KINDS:
        firsts = rng.sample(FIRST, len(FIRST))
        for i in range(kind[4]):
            label = kind[3][i % len(kind[3])]
            name = f"{firsts[i % len(firsts)]} {label}"
            values = _organization_values(rng, n, kind, name)
            organizations.append(services.organization_create(actor=system, values=values))
            n += 1
    for organization in organizations:
        # Members joined over the years, never before they were founded.
        founded = organization.founded_on or dt.date(2000, 1, 1)
        joined = max(founded, dt.date(2004 + rng.randint(0, 14), rng.randint(1, 12), 1))
        if organization.is_cooperative:
            services.network_member_join(
                actor=system, network=network, organization=organization, joined_on=joined
            )
        if not organization.is_cooperative or rng.random() < 0.35:
            services.network_member_join(
                actor=system, network=alliance, organization=organization, joined_on=joined
            )
    users = _demo_users(organizations, alliance, network, system)
    return DemoSummary(organizations=len(organizations), networks=2, users=users)


def _demo_users(
    organizations: list[Organization], alliance: Network, network: Network, system: Any
) -> int:
    User = get_user_model()
    made = 0
    for username, email in [
        ("coordinator", "coordinator@example.org"),
        ("manager", "manager@example.org"),
        ("member", "member@example.org"),
    ]:
        User.objects.create_user(username=username, email=email, password=DEMO_PASSWORD)
        made += 1
    coordinator = User.objects.get(username="coordinator")
    services.network_role_assign(
        actor=system, network=alliance, user=coordinator, role=NetworkRole.Role.COORDINATOR
    )
    services.network_role_assign(
        actor=system, network=network, user=coordinator, role=NetworkRole.Role.COORDINATOR
    )
    services.organization_role_assign(
        actor=system,
        organization=organizations[0],
        user=User.objects.get(username="manager"),
        role=OrganizationRole.Role.ADMIN,
    )
    services.organization_role_assign(
        actor=system,
        organization=organizations[0],
        user=User.objects.get(username="member"),
        role=OrganizationRole.Role.MEMBER,
    )
    return made
