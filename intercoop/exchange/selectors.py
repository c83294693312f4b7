"""Reads of the exchange: matches, the catalogue, introductions, notice boards and
member deals."""

import dataclasses
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from intercoop.core.taxonomy import CATEGORIES, CHALLENGES
from intercoop.directory import permissions, vocab
from intercoop.directory.models import NetworkMembership, Organization, OrganizationRole
from intercoop.directory.permissions import AnyUser
from intercoop.exchange import matching
from intercoop.exchange.cards import Card
from intercoop.exchange.models import Deal, ExchangeItem, Introduction, Notice

_index_cache: dict[str, Any] = {}


def _in_words(matches: list[matching.Match]) -> list[matching.Match]:
    """Matches explained in the active language, numbers in its format."""
    return [
        dataclasses.replace(m, explanation=matching.explain(m.reasons, _, number_format))
        for m in matches
    ]


def _location(o: Organization | dict[str, Any]) -> tuple[float, float] | None:
    lat, lon = (o["latitude"], o["longitude"]) if isinstance(o, dict) else (o.latitude, o.longitude)
    return (lat, lon) if lat is not None and lon is not None else None


def offer_index() -> matching.OfferIndex:
    """The index of every active offer of an approved organisation, rebuilt when an offer
    changes (count and latest change as the key)."""
    offers = ExchangeItem.objects.filter(
        kind=ExchangeItem.Kind.OFFER, active=True, organization__approval="approved"
    )
    key = str(offers.aggregate(n=Count("pk"), latest=Max("updated_at")))
    if _index_cache.get("key") != key:
        rows = offers.values(
            "pk", "category", "title", "description", "tags", "service_radius_km", "coop_discount",
            "organization__slug", "organization__is_cooperative",
            "organization__latitude", "organization__longitude",
        )  # fmt: skip
        _index_cache["index"] = matching.OfferIndex(
            [
                matching.Offer(
                    id=r["pk"],
                    organization=r["organization__slug"],
                    category=r["category"],
                    text=" ".join([r["title"], r["description"], *r["tags"]]),
                    location=_location(
                        {
                            "latitude": r["organization__latitude"],
                            "longitude": r["organization__longitude"],
                        }
                    ),
                    radius_km=r["service_radius_km"],
                    cooperative=r["organization__is_cooperative"],
                    coop_discount=r["coop_discount"],
                )
                for r in rows
            ]
        )
        _index_cache["key"] = key
    index: matching.OfferIndex = _index_cache["index"]
    return index


def business_matches_for(*, organization: Organization, limit: int = 10) -> list[matching.Match]:
    needs = [
        matching.Need(
            organization=organization.slug,
            category=item.category,
            text=" ".join([item.title, item.description, *item.tags]),
            location=_location(organization),
        )
        for item in ExchangeItem.objects.filter(
            organization=organization, kind=ExchangeItem.Kind.NEED, active=True
        )
    ]
    labels = {code: str(label) for code, label in CATEGORIES.items()}
    return _in_words(
        matching.business_matches(offer_index(), needs, limit=limit, category_labels=labels)
    )


def peer_matches_for(*, organization: Organization, limit: int = 10) -> list[matching.Match]:
    challenges: dict[int, set[str]] = {}
    for org_id, topic in ExchangeItem.objects.filter(
        kind=ExchangeItem.Kind.CHALLENGE, active=True, organization__approval="approved"
    ).values_list("organization_id", "category"):
        challenges.setdefault(org_id, set()).add(topic)
    mine = frozenset(challenges.get(organization.pk, set()))
    others = Organization.objects.filter(pk__in=challenges).exclude(pk=organization.pk)
    labels = {code: str(label).lower() for code, label in CHALLENGES.items()}
    labels |= dict(vocab.choices("organisational_structure"))
    me = matching.Peer(
        organization.slug, mine, organization.organisational_structure,
        organization.number_of_members, _location(organization),
    )  # fmt: skip
    peers = [
        matching.Peer(
            o.slug,
            frozenset(challenges[o.pk]),
            o.organisational_structure,
            o.number_of_members,
            _location(o),
        )
        for o in others
    ]
    return _in_words(matching.peer_matches(me, peers, limit=limit, labels=labels))


def organization_items(*, organization: Organization) -> dict[str, list[ExchangeItem]]:
    """An organisation's active offers, needs and challenges, by kind."""
    items: dict[str, list[ExchangeItem]] = {kind: [] for kind in ExchangeItem.Kind.values}
    for item in ExchangeItem.objects.filter(organization=organization, active=True):
        items[item.kind].append(item)
    return items


def catalogue(
    *,
    q: str = "",
    category: str = "",
    country: str = "",
    structure: str = "",
    coop_discount: bool = False,
) -> QuerySet[ExchangeItem]:
    """The goods and services that co-operatives offer, across every network."""
    offers = ExchangeItem.objects.filter(
        kind=ExchangeItem.Kind.OFFER,
        active=True,
        organization__approval="approved",
        organization__is_cooperative=True,
    )
    if category:
        offers = offers.filter(category=category)
    if country:
        offers = offers.filter(organization__country=country.upper())
    if structure:
        offers = offers.filter(organization__organisational_structure=structure)
    if coop_discount:
        offers = offers.filter(coop_discount__gt=0)
    for word in q.split()[:8]:
        offers = offers.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(organization__name__icontains=word)
        )
    return offers.select_related("organization").order_by("-updated_at", "pk")


def introductions_for(*, user: AnyUser) -> dict[str, QuerySet[Introduction]]:
    """Requests received by and sent from the organisations the user speaks for."""
    mine = permissions.acting_organizations(user)
    related = Introduction.objects.select_related("requester", "recipient", "item")
    return {
        "received": related.filter(recipient_id__in=mine),
        "sent": related.filter(requester_id__in=mine),
    }


def introduction_contacts(*, introduction: Introduction) -> dict[str, dict[str, Any]]:
    """Once accepted, each side's contact details, private ones included, and the people
    who asked and answered. Empty before."""
    if introduction.status != Introduction.Status.ACCEPTED:
        return {}
    people = {
        introduction.requester_id: introduction.requested_by,
        introduction.recipient_id: introduction.decided_by,
    }
    contacts = {}
    for side in ("requester", "recipient"):
        org: Organization = getattr(introduction, side)
        person = people[org.pk]
        contacts[side] = {
            "organization": org,
            "email": org.email,
            "phone": org.phone,
            "website": org.website,
            "person": person.get_full_name() or person.username if person else "",
            "person_email": person.email if person else "",
        }
    return contacts


def notice_board(
    *, network_id: int, kind: str = "", q: str = "", include_expired: bool = False
) -> QuerySet[Notice]:
    """A network's notices, newest first; only those still shown unless asked."""
    notices = Notice.objects.filter(network_id=network_id, withdrawn=False)
    if not include_expired:
        notices = notices.filter(expires_on__gte=timezone.localdate())
    if kind:
        notices = notices.filter(kind=kind)
    for word in q.split()[:8]:
        notices = notices.filter(
            Q(title__icontains=word) | Q(body__icontains=word) | Q(place__icontains=word)
        )
    return notices.select_related("organization", "network")


def notices_geojson(notices: Iterable[Notice]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [n.longitude, n.latitude]},
                "properties": {
                    "id": n.pk,
                    "kind": n.kind,
                    "kind_label": str(n.get_kind_display()),
                    "title": n.title,
                    "organization": n.organization.name,
                    "expires_on": n.expires_on.isoformat(),
                },
            }
            for n in notices
            if n.latitude is not None and n.longitude is not None
        ],
    }


def active_deals(*, audience: str = "", network_id: int | None = None) -> QuerySet[Deal]:
    """Deals on offer today, with how often each was used."""
    deals = Deal.objects.filter(active=True, organization__approval="approved").filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate())
    )
    if audience:
        deals = deals.filter(audience=audience)
    if network_id:
        deals = deals.filter(network_id=network_id)
    return (
        deals.select_related("organization", "network")
        .annotate(redemption_count=Count("redemptions"))
        .order_by("-created_at", "-pk")
    )


def organization_deals(*, organization: Organization) -> QuerySet[Deal]:
    """All of an organisation's deals, withdrawn ones too, with how often each was used."""
    return (
        Deal.objects.filter(organization=organization)
        .select_related("network")
        .annotate(redemption_count=Count("redemptions"))
        .order_by("-created_at", "-pk")
    )


def card_organizations(*, user: AnyUser) -> list[Organization]:
    """The approved organisations whose member card the user may show: those where the
    user has a role."""
    if not user.is_authenticated:
        return []
    return list(Organization.objects.filter(approval="approved", roles__user=user).order_by("name"))


def card_holder(*, card: Card) -> dict[str, Any]:
    """Whom a card names: the person's name and their organisation."""
    role = (
        OrganizationRole.objects.filter(user_id=card.user_id, organization_id=card.organization_id)
        .select_related("user", "organization")
        .first()
    )
    if role is None:
        return {}
    return {
        "name": role.user.get_full_name() or role.user.username,
        "organization": role.organization,
        "role": role.get_role_display(),
    }


def deal_eligibility(*, deal: Deal, card: Card) -> str:
    """Why the holder of `card` may not use `deal`, or "" when they may."""
    today = timezone.localdate()
    if not deal.active or (deal.valid_until and deal.valid_until < today):
        return _("This deal has ended")
    if not OrganizationRole.objects.filter(
        user_id=card.user_id, organization_id=card.organization_id
    ).exists():
        return _("The card holder no longer belongs to this organisation")
    holder = Organization.objects.filter(pk=card.organization_id, approval="approved").first()
    if holder is None:
        return _("The card's organisation is not in the directory")
    if deal.audience == Deal.Audience.COOPERATORS and (
        not holder.is_cooperative or holder.pk == deal.organization_id
    ):
        return _("This deal is for members of other co-ops")
    in_network = NetworkMembership.objects.filter(
        network=deal.network, organization=holder, status=NetworkMembership.Status.MEMBER
    )
    if deal.audience == Deal.Audience.NETWORK and not in_network.exists():
        return _("This deal is for members of %(network)s") % {"network": deal.network}
    return ""
