"""Writes to the network: relationships and their trust flow, assessments, the region's
economy and metric snapshots. Each service checks its one rule (network.permissions) with
the acting user, writes and records an audit event, in one transaction; callers (pages,
API, commands, the demo) repeat no rule."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.core.audit import audit_record
from intercoop.core.bounds import (
    LONG_TEXT,
    OutOfBounds,
    check_currency,
    check_date,
    check_money,
    check_text,
    parse_whole,
)
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.money import format_money
from intercoop.core.permissions import recorded_user, require
from intercoop.core.services import notify
from intercoop.directory.models import Network, Organization
from intercoop.directory.selectors import member_speakers
from intercoop.network import assessment, engine, selectors
from intercoop.network.fields import clean_relationship
from intercoop.network.lock_objects import relationship_lock
from intercoop.network.models import (
    Assessment,
    EconomyBaseline,
    MetricSnapshot,
    NodeMetric,
    Relationship,
)
from intercoop.network.permissions import (
    can_assess_network,
    can_record_economy,
    can_record_survey_tie,
    can_snapshot_metrics,
    can_speak_for,
    can_withdraw_relationship,
)

Actor = User | AnonymousUser | None
# Counts of a region's economy (businesses, people employed) fit a 32-bit column.
MAX_COUNT = 10**9


class RelationshipInvalid(InvalidValues):
    """Bad values for a relationship."""


def _tie_summary(tie: Relationship) -> str:
    text = f"{tie.source.name} → {tie.target.name} ({tie.kind}, {tie.formality})"
    if tie.annual_value is not None:
        text += f", {format_money(tie.annual_value, tie.currency)} a year"
    return text


def _audit_tie(actor: Actor, action: str, tie: Relationship, summary: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=tie,
        summary=summary,
        organizations=[tie.source_id, tie.target_id],
        network=tie.network_id,
    )


def _clean_tie(
    source: Organization, target: Organization, values: Mapping[str, Any]
) -> dict[str, Any]:
    clean, errors = clean_relationship(values)
    if source.pk == target.pk:
        errors["target"] = _("a relationship joins two different organisations")
    if errors:
        raise RelationshipInvalid(errors)
    return clean


def relationship_claim(
    *,
    actor: Actor,
    source: Organization,
    target: Organization,
    values: Mapping[str, Any],
    on_behalf_of: Organization,
) -> Relationship:
    """One side claims a tie, which the other side then confirms or disputes. Counts
    once confirmed."""
    require(
        can_speak_for(actor, on_behalf_of),
        _("Only the organisation's administrators and editors may claim a tie for it"),
    )
    if on_behalf_of.pk not in (source.pk, target.pk):
        raise DomainError(
            _("only one of the two organisations can claim a tie"), field="on_behalf_of"
        )
    clean = _clean_tie(source, target, values)
    now = timezone.now()
    with transaction.atomic():
        tie = Relationship.objects.create(
            **clean,
            source=source,
            target=target,
            status=Relationship.Status.CLAIMED,
            claimed_by=on_behalf_of,
            recorded_by=recorded_user(actor),
            created_at=now,
            updated_at=now,
        )
        _audit_tie(
            actor,
            "relationship.claim",
            tie,
            _("%(org)s claimed %(tie)s") % {"org": on_behalf_of.name, "tie": _tie_summary(tie)},
        )
    return tie


def relationship_survey_record(
    *,
    actor: Actor,
    network: Network,
    source: Organization,
    target: Organization,
    values: Mapping[str, Any],
) -> Relationship:
    """A network's coordinator records a tie from a survey, between two of its members:
    it counts at once, in that network only."""
    require(
        can_record_survey_tie(actor, network, source.pk, target.pk),
        _(
            "Only the network's coordinators record survey ties, and only between "
            "organisations that are members of the network now"
        ),
    )
    clean = _clean_tie(source, target, values)
    now = timezone.now()
    with transaction.atomic():
        tie = Relationship.objects.create(
            **clean,
            source=source,
            target=target,
            status=Relationship.Status.SURVEY,
            network=network,
            recorded_by=recorded_user(actor),
            created_at=now,
            updated_at=now,
        )
        _audit_tie(
            actor,
            "relationship.record",
            tie,
            _("%(tie)s recorded from a survey for %(network)s")
            % {"tie": _tie_summary(tie), "network": network.name},
        )
    return tie


def _side(by: Organization, tie: Relationship, message: str) -> None:
    if by.pk not in (tie.source_id, tie.target_id):
        raise DomainError(message, field="by")


def relationship_confirm(
    *, actor: Actor, relationship: Relationship, by: Organization
) -> Relationship:
    """The other side agrees: a claimed (or disputed) tie becomes confirmed."""
    require(
        can_speak_for(actor, by),
        _("Only the organisation's administrators and editors may confirm its ties"),
    )
    with transaction.atomic():
        tie = relationship_lock(relationship.pk)
        _side(by, tie, _("Only the two organisations can confirm their tie"))
        if tie.status == Relationship.Status.CONFIRMED:
            return tie
        if tie.status == Relationship.Status.SURVEY:
            raise DomainError(_("A survey tie counts already; dispute it if it is wrong"))
        if tie.status == Relationship.Status.CLAIMED and by.pk == tie.claimed_by_id:
            raise DomainError(_("The other side confirms a claimed tie"))
        # A disputed survey tie counts again as the survey tie it was (in its network
        # only); a claim becomes confirmed.
        tie.status = (
            Relationship.Status.SURVEY
            if tie.claimed_by_id is None and tie.network_id is not None
            else Relationship.Status.CONFIRMED
        )
        tie.dispute_reason = ""
        tie.updated_at = timezone.now()
        tie.save(update_fields=["status", "dispute_reason", "updated_at"])
        _audit_tie(
            actor,
            "relationship.confirm",
            tie,
            _("%(org)s confirmed %(tie)s") % {"org": by.name, "tie": _tie_summary(tie)},
        )
    return tie


def relationship_dispute(
    *, actor: Actor, relationship: Relationship, by: Organization, reason: str
) -> Relationship:
    """Either side says the tie is wrong: it stops counting until confirmed again."""
    require(
        can_speak_for(actor, by),
        _("Only the organisation's administrators and editors may dispute its ties"),
    )
    reason = check_text(reason, field="reason", max_length=LONG_TEXT).strip()
    if not reason:
        raise DomainError(_("Say why the tie is wrong"), field="reason")
    with transaction.atomic():
        tie = relationship_lock(relationship.pk)
        _side(by, tie, _("Only the two organisations can dispute their tie"))
        tie.status = Relationship.Status.DISPUTED
        tie.dispute_reason = reason
        tie.updated_at = timezone.now()
        tie.save(update_fields=["status", "dispute_reason", "updated_at"])
        _audit_tie(
            actor,
            "relationship.dispute",
            tie,
            _("%(org)s disputed %(tie)s: %(reason)s")
            % {"org": by.name, "tie": _tie_summary(tie), "reason": reason[:200]},
        )
    return tie


def relationship_withdraw(*, actor: Actor, relationship: Relationship) -> None:
    """Take back a claim the other side has not confirmed, or a survey tie: it is deleted
    (the audit event keeps what it was)."""
    with transaction.atomic():
        tie = relationship_lock(relationship.pk)
        require(
            can_withdraw_relationship(actor, tie),
            _(
                "Only the side that claimed a tie, or the coordinators of the network "
                "that recorded it, may withdraw it"
            ),
        )
        _audit_tie(
            actor,
            "relationship.withdraw",
            tie,
            _("withdrawn: %(tie)s") % {"tie": _tie_summary(tie)},
        )
        tie.delete()


def metrics_snapshot(
    *, actor: Actor, network: Network | None, as_of: dt.date, resolution: float = 1.0
) -> MetricSnapshot:
    """Compute and keep the metrics of a network's members (or of every approved
    organisation) and the ties that count between them on `as_of`."""
    require(
        can_snapshot_metrics(actor, network),
        _("Only the network's coordinators may compute its metrics"),
    )
    check_date(as_of, field="as_of")
    if not 0 < resolution <= 10:
        raise DomainError(_("The resolution is between 0 and 10"), field="resolution")
    organizations = Organization.objects.filter(approval=Organization.Approval.APPROVED)
    if network is not None:
        organizations = organizations.filter(
            pk__in=selectors.network_member_ids(network=network, as_of=as_of)
        )
    nodes = list(organizations.order_by("pk").values_list("pk", flat=True))
    ties = selectors.relationships_counting(
        as_of=as_of, network=network, organizations=nodes
    ).values_list("source_id", "target_id", "formality")
    result = engine.compute(
        nodes,
        [(s, t, formality != Relationship.Formality.INFORMAL) for s, t, formality in ties],
        resolution=resolution,
    )
    slugs = dict(organizations.values_list("pk", "slug"))
    with transaction.atomic():
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
        audit_record(
            actor=actor,
            action="metric_snapshot.create",
            target=snapshot,
            summary=_("metrics of %(count)d organisations on %(date)s")
            % {"count": len(nodes), "date": as_of.isoformat()},
            network=network,
        )
    return snapshot


def _clean_assessment(
    ratings: Mapping[str, Mapping[str, Any]], outcomes: Mapping[str, Any]
) -> tuple[dict[str, dict[str, Any]], dict[str, str], dict[str, str]]:
    """(ratings, outcomes, {field: reason}): scores 1–5, evidence of bounded length."""
    errors: dict[str, str] = {}

    def text(value: Any, field: str) -> str:
        try:
            return check_text(value, field=field, max_length=LONG_TEXT).strip()
        except OutOfBounds as error:
            errors[field] = error.message
            return ""

    clean_ratings: dict[str, dict[str, Any]] = {}
    for principle in assessment.PRINCIPLES:
        rating = ratings.get(principle) or {}
        evidence = text(rating.get("evidence", ""), f"{principle}_evidence")
        score = rating.get("score")
        if score in (None, ""):
            clean_ratings[principle] = {"score": None, "evidence": evidence}
            continue
        try:
            score = int(str(score)[:4])
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= 5:
            errors[f"{principle}_score"] = _("a score is from 1 to 5")
        clean_ratings[principle] = {"score": score, "evidence": evidence}
    for name in sorted(set(ratings) - set(assessment.PRINCIPLES)):
        errors[str(name)[:40]] = _("is not one of the five principles")
    for name in sorted(set(outcomes) - set(assessment.OUTCOMES)):
        errors[str(name)[:40]] = _("is not one of the outcomes")
    clean_outcomes = {
        name: text(outcomes.get(name, ""), f"outcome_{name}") for name in assessment.OUTCOMES
    }
    return clean_ratings, clean_outcomes, errors


def assessment_create(
    *,
    actor: Actor,
    network: Network,
    as_of: dt.date,
    ratings: Mapping[str, Mapping[str, Any]],
    outcomes: Mapping[str, str],
) -> Assessment:
    """Keep an assessment: the indicators computed now for `as_of`, with the
    coordinator's scores (1–5) and evidence for each principle and outcome."""
    require(
        can_assess_network(actor, network),
        _("Only the network's coordinators may assess it"),
    )
    clean_ratings, clean_outcomes, errors = _clean_assessment(ratings, outcomes)
    try:
        check_date(as_of, field="as_of")
    except OutOfBounds as error:
        errors["as_of"] = error.message
    if errors:
        raise InvalidValues(errors)
    members, inside, outside = selectors.assessment_inputs(network=network, as_of=as_of)
    with transaction.atomic():
        created = Assessment.objects.create(
            network=network,
            as_of=as_of,
            indicators=assessment.indicators(
                members=members, ties=inside, outside_ties=outside, as_of=as_of
            ),
            ratings=clean_ratings,
            outcomes=clean_outcomes,
            created_by=recorded_user(actor),
            created_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="assessment.create",
            target=created,
            summary=_("assessment of %(network)s as of %(date)s")
            % {"network": network.name, "date": as_of.isoformat()},
            network=network,
        )
        notify(
            users=member_speakers(network),
            subject=gettext_lazy("A new assessment of %(network)s, as of %(date)s"),
            params={"network": network.name, "date": as_of.isoformat()},
            link=("network:assessment", [network.slug, created.pk]),
            kind="assessments",
        )
    return created


def assessment_update(
    *,
    actor: Actor,
    assessment: Assessment,
    ratings: Mapping[str, Mapping[str, Any]],
    outcomes: Mapping[str, str],
) -> Assessment:
    """Change the coordinator's part of an assessment: the scores (1–5) and evidence of
    each principle and outcome. Its date and the indicators computed then are kept as
    they were, so that the trend between assessments stays true."""
    require(
        can_assess_network(actor, assessment.network),
        _("Only the network's coordinators may assess it"),
    )
    clean_ratings, clean_outcomes, errors = _clean_assessment(ratings, outcomes)
    if errors:
        raise InvalidValues(errors)
    with transaction.atomic():
        fresh = Assessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
        fresh.ratings, fresh.outcomes = clean_ratings, clean_outcomes
        fresh.save(update_fields=["ratings", "outcomes"])
        audit_record(
            actor=actor,
            action="assessment.update",
            target=fresh,
            summary=_("self-assessment of %(network)s as of %(date)s changed")
            % {"network": fresh.network.name, "date": fresh.as_of.isoformat()},
            network=fresh.network_id,
        )
    return fresh


def clean_baseline(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(clean values, {field: reason}) of a year of the region's economy; `turnover` is
    in minor units. Pure."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for field in ("year", "businesses", "employment", "turnover"):
        raw = values.get(field, "")
        try:
            number = parse_whole(raw)
        except ValueError:
            number = None
        if number is None:
            errors[field] = _("is not a whole number")
            continue
        if field == "turnover":
            try:
                clean[field] = check_money(number, field=field)
            except OutOfBounds as error:
                errors[field] = error.message
            continue
        high = 2200 if field == "year" else MAX_COUNT
        low = 1800 if field == "year" else 0
        if not low <= number <= high:
            errors[field] = _("must be between %(low)d and %(high)d") % {"low": low, "high": high}
        clean[field] = number
    if clean.get("businesses") == 0:
        errors["businesses"] = _("must not be zero")
    try:
        clean["currency"] = check_currency(values.get("currency", ""))
    except OutOfBounds as error:
        errors["currency"] = error.message
    try:
        clean["source"] = check_text(values.get("source", ""), field="source", max_length=300)
        clean["source"] = clean["source"].strip()
    except OutOfBounds as error:
        errors["source"] = error.message
    unknown = set(values) - {"year", "businesses", "employment", "turnover", "currency", "source"}
    for field in sorted(unknown):
        errors[str(field)[:40]] = _("is not a field of the economy's baseline")
    return clean, errors


def save_baseline(*, network: Network, clean: Mapping[str, Any]) -> EconomyBaseline:
    """Write checked values (`clean_baseline`); the caller checks the rule and records."""
    values = dict(clean)
    baseline, _created = EconomyBaseline.objects.update_or_create(
        network=network,
        year=values.pop("year"),
        defaults=values | {"recorded_at": timezone.now()},
    )
    return baseline


def baseline_record(
    *, actor: Actor, network: Network, values: Mapping[str, Any]
) -> EconomyBaseline:
    """Record (or correct) the region's economy for a year. `turnover` is in minor units."""
    require(
        can_record_economy(actor, network),
        _("Only the network's coordinators may record the region's economy"),
    )
    clean, errors = clean_baseline(values)
    if errors:
        raise InvalidValues(errors)
    with transaction.atomic():
        baseline = save_baseline(network=network, clean=clean)
        audit_record(
            actor=actor,
            action="baseline.record",
            target=baseline,
            summary=_("%(network)s's economy in %(year)d: %(businesses)d businesses")
            % {"network": network.name, "year": baseline.year, "businesses": baseline.businesses},
            network=network,
        )
    return baseline
