"""Writes to the network: relationships and their trust flow. Callers check permissions
(core.permissions) first; the services check the rules of the flow itself."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.money import CURRENCY
from intercoop.directory.models import Network, Organization
from intercoop.network import assessment, engine, selectors
from intercoop.network.fields import clean_relationship
from intercoop.network.models import (
    Assessment,
    EconomyBaseline,
    MetricSnapshot,
    NodeMetric,
    Relationship,
)


class RelationshipInvalid(InvalidValues):
    """Bad values for a relationship."""


def relationship_record(
    *,
    actor: User | None,
    source: Organization,
    target: Organization,
    values: Mapping[str, Any],
    on_behalf_of: Organization | None = None,
    survey_network: Network | None = None,
) -> Relationship:
    """Record a tie. Claimed `on_behalf_of` one of its two sides, which the other side then
    confirms or disputes; or recorded from a survey for `survey_network` by a coordinator,
    which counts at once."""
    clean, errors = clean_relationship(values)
    if source.pk == target.pk:
        errors["target"] = _("a relationship joins two different organisations")
    if (on_behalf_of is None) == (survey_network is None):
        raise DomainError(_("A tie is claimed by one side or recorded from a survey"))
    if on_behalf_of is not None and on_behalf_of.pk not in (source.pk, target.pk):
        errors["on_behalf_of"] = _("only one of the two organisations can claim a tie")
    if errors:
        raise RelationshipInvalid(errors)
    now = timezone.now()
    return Relationship.objects.create(
        **clean,
        source=source,
        target=target,
        status=Relationship.Status.SURVEY if survey_network else Relationship.Status.CLAIMED,
        claimed_by=on_behalf_of,
        network=survey_network,
        recorded_by=actor,
        created_at=now,
        updated_at=now,
    )


@transaction.atomic
def relationship_confirm(*, relationship: Relationship, by: Organization) -> Relationship:
    """The other side agrees: a claimed (or disputed) tie becomes confirmed."""
    relationship = Relationship.objects.select_for_update().get(pk=relationship.pk)
    if by.pk not in (relationship.source_id, relationship.target_id):
        raise DomainError(_("Only the two organisations can confirm their tie"))
    if relationship.status == Relationship.Status.CONFIRMED:
        return relationship
    if relationship.status == Relationship.Status.CLAIMED and by.pk == relationship.claimed_by_id:
        raise DomainError(_("The other side confirms a claimed tie"))
    relationship.status = Relationship.Status.CONFIRMED
    relationship.dispute_reason = ""
    relationship.updated_at = timezone.now()
    relationship.save(update_fields=["status", "dispute_reason", "updated_at"])
    return relationship


@transaction.atomic
def relationship_dispute(
    *, relationship: Relationship, by: Organization, reason: str
) -> Relationship:
    """Either side says the tie is wrong: it stops counting until confirmed again."""
    relationship = Relationship.objects.select_for_update().get(pk=relationship.pk)
    if by.pk not in (relationship.source_id, relationship.target_id):
        raise DomainError(_("Only the two organisations can dispute their tie"))
    if not reason.strip():
        raise DomainError(_("Say why the tie is wrong"), field="reason")
    relationship.status = Relationship.Status.DISPUTED
    relationship.dispute_reason = reason.strip()[:2000]
    relationship.updated_at = timezone.now()
    relationship.save(update_fields=["status", "dispute_reason", "updated_at"])
    return relationship


@transaction.atomic
def metrics_snapshot(
    *, network: Network | None, as_of: dt.date, resolution: float = 1.0
) -> MetricSnapshot:
    """Compute and keep the metrics of a network's members (or of every approved
    organisation) and the ties that count between them on `as_of`."""
    if not 0 < resolution <= 10:
        raise DomainError(_("The resolution is between 0 and 10"), field="resolution")
    organizations = Organization.objects.filter(approval=Organization.Approval.APPROVED)
    if network is not None:
        organizations = organizations.filter(
            pk__in=selectors.network_member_ids(network=network, as_of=as_of)
        )
    nodes = list(organizations.order_by("pk").values_list("pk", flat=True))
    ties = selectors.relationships_counting(as_of=as_of, organizations=nodes).values_list(
        "source_id", "target_id", "formality"
    )
    result = engine.compute(
        nodes,
        [(s, t, formality != Relationship.Formality.INFORMAL) for s, t, formality in ties],
        resolution=resolution,
    )
    slugs = dict(organizations.values_list("pk", "slug"))
    snapshot = MetricSnapshot.objects.create(
        network=network,
        as_of=as_of,
        resolution=resolution,
        computed_at=timezone.now(),
        figures=result.network,
        bridges=[[slugs[a], slugs[b]] for a, b in result.bridges],
    )
    NodeMetric.objects.bulk_create(
        [
            NodeMetric(snapshot=snapshot, organization_id=pk, **values)
            for pk, values in result.nodes.items()
        ],
        batch_size=2000,
    )
    return snapshot


def assessment_create(
    *,
    actor: User | None,
    network: Network,
    as_of: dt.date,
    ratings: Mapping[str, Mapping[str, Any]],
    outcomes: Mapping[str, str],
) -> Assessment:
    """Keep an assessment: the indicators computed now for `as_of`, with the
    coordinator's scores (1–5) and evidence for each principle and outcome."""
    errors: dict[str, str] = {}
    clean_ratings: dict[str, dict[str, Any]] = {}
    for principle in assessment.PRINCIPLES:
        rating = ratings.get(principle) or {}
        score = rating.get("score")
        if score in (None, ""):
            clean_ratings[principle] = {"score": None, "evidence": str(rating.get("evidence", ""))}
            continue
        try:
            score = int(str(score))
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= 5:
            errors[f"{principle}_score"] = _("a score is from 1 to 5")
        clean_ratings[principle] = {
            "score": score,
            "evidence": str(rating.get("evidence", "")).strip(),
        }
    for name in set(ratings) - set(assessment.PRINCIPLES):
        errors[name] = _("is not one of the five principles")
    for name in set(outcomes) - set(assessment.OUTCOMES):
        errors[name] = _("is not one of the outcomes")
    if errors:
        raise InvalidValues(errors)
    members, inside, outside = selectors.assessment_inputs(network=network, as_of=as_of)
    return Assessment.objects.create(
        network=network,
        as_of=as_of,
        indicators=assessment.indicators(
            members=members, ties=inside, outside_ties=outside, as_of=as_of
        ),
        ratings=clean_ratings,
        outcomes={name: str(outcomes.get(name, "")).strip() for name in assessment.OUTCOMES},
        created_by=actor,
        created_at=timezone.now(),
    )


def baseline_record(*, network: Network, values: Mapping[str, Any]) -> EconomyBaseline:
    """Record (or correct) the region's economy for a year. `turnover` is in minor units."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for field in ("year", "businesses", "employment", "turnover"):
        try:
            number = int(str(values.get(field, "")).strip())
        except ValueError:
            errors[field] = _("is not a whole number")
            continue
        if number < 0 or (field == "year" and not 1800 <= number <= 2200):
            errors[field] = _("is out of range")
        clean[field] = number
    if clean.get("businesses") == 0:
        errors["businesses"] = _("must not be zero")
    currency = str(values.get("currency", "")).strip().upper()
    if not CURRENCY.match(currency):
        errors["currency"] = _("%(value)r is not an ISO 4217 currency code") % {"value": currency}
    if errors:
        raise InvalidValues(errors)
    baseline, _created = EconomyBaseline.objects.update_or_create(
        network=network,
        year=clean.pop("year"),
        defaults=clean
        | {
            "currency": currency,
            "source": str(values.get("source", "")).strip()[:300],
            "recorded_at": timezone.now(),
        },
    )
    return baseline
