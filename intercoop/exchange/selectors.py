"""Reads of the exchange: an organisation's business and peer matches."""

from typing import Any

from django.db.models import Count, Max

from intercoop.directory import vocab
from intercoop.directory.models import Organization
from intercoop.exchange import matching
from intercoop.exchange.models import ExchangeItem
from intercoop.exchange.taxonomy import CATEGORIES, CHALLENGES

_index_cache: dict[str, Any] = {}


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
    return matching.business_matches(offer_index(), needs, limit=limit, category_labels=labels)


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
    return matching.peer_matches(me, peers, limit=limit, labels=labels)
