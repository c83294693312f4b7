"""The demo's people as they would set themselves up, and something waiting on each
persona's dashboard: the coordinator an application to the purchasing alliance, the
manager (and Lucía, who prefers Spanish) a round open for orders besides the
introduction and invoice the other apps leave, everyone an urgent call for help."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from intercoop.core.audit import system_actor
from intercoop.core.models import Delivery
from intercoop.core.services import profile_update
from intercoop.directory import services as directory
from intercoop.directory.demo import DEMO_PASSWORD
from intercoop.directory.models import Network, NetworkMembership, Organization, OrganizationRole
from intercoop.exchange import services as exchange
from intercoop.purchasing import services as purchasing

PROFILES = {
    # username: display name, language, default delivery, per-kind choices
    "coordinator": ("Carmen Ortiz", "", Delivery.IMMEDIATELY, {"applications": Delivery.DAILY}),
    "manager": ("Mo Okafor", "", Delivery.IMMEDIATELY, {"assessments": Delivery.WEEKLY}),
    "member": ("Sam Lee", "", Delivery.DAILY, {"notices": Delivery.IMMEDIATELY}),
    "lucia": ("Lucía Fernández", "es", Delivery.DAILY, {}),
}


def home_build() -> int:
    """Returns how many purchasing rounds it opened."""
    system = system_actor()
    users = get_user_model().objects
    bakery = Organization.objects.filter(roles__user__username="manager").first()
    if bakery is None:
        return 0
    lucia = users.create_user(username="lucia", email="lucia@example.org", password=DEMO_PASSWORD)
    directory.organization_role_assign(
        actor=system, organization=bakery, user=lucia, role=OrganizationRole.Role.EDITOR
    )
    for username, (name, language, delivery, kinds) in PROFILES.items():
        user = users.get(username=username)
        profile_update(
            actor=system, user=user, display_name=name, email=user.email, language=language,
            delivery=delivery, deliveries=dict(kinds),
        )  # fmt: skip
    city = Network.objects.get(slug="valley-coop-network")
    alliance = Network.objects.get(slug="valley-purchasing-alliance")
    # a co-op of the city network asks to join the alliance too
    applicant = (
        Organization.objects.filter(network_memberships__network=city)
        .exclude(network_memberships__network=alliance)
        .exclude(pk=bakery.pk)
        .order_by("pk")
        .first()
    )
    if applicant is not None:
        directory.network_member_apply(actor=system, network=alliance, organization=applicant)
    # a round the bakery may order in, open now
    buying = alliance if _member(alliance, bakery) else city
    purchasing.round_create(
        actor=system, network=buying,
        values={"title": "Green electricity 2027", "kind": "service", "category": "energy",
                "currency": "USD", "volume_unit": "kWh/year",
                "closes_on": timezone.localdate() + dt.timedelta(days=21),
                "description": "One supplier of renewable power for every member's meters."},
    )  # fmt: skip
    # the bat signal
    poster = (
        Organization.objects.filter(
            network_memberships__network=city,
            network_memberships__status=NetworkMembership.Status.MEMBER,
        )
        .exclude(pk=bakery.pk)
        .order_by("-pk")
        .first()
    )
    if poster is not None:
        exchange.notice_post(
            actor=system, network=city, organization=poster,
            values={"kind": "help", "title": "Flooded storeroom: hands and pumps needed",
                    "body": "The river came in overnight. Bring boots, pumps and buckets.",
                    "urgent": True, "place": poster.locality,
                    "needed_by": timezone.localdate() + dt.timedelta(days=2)},
        )  # fmt: skip
    return 1


def _member(network: Network, organization: Organization) -> bool:
    return NetworkMembership.objects.filter(
        network=network, organization=organization, status=NetworkMembership.Status.MEMBER
    ).exists()
