"""Mentors: members offer to mentor (up to a number of people at once), coordinators pair
a candidate with one of the suggested mentors, the mentor accepts or declines, and mentor
and candidate log their meetings.

Suggestions are the people with an offer and room to spare (their accepted mentorships of
open applications, on every pathway, fewer than their capacity) who may mentor this
application: people of the pathway's organisation, or of the network's member
organisations on a network's pathway. They are ranked by the exchange app's peer
matching, each with its reasons in words:
- a network's pathway (an organisation applies): the applicant and the mentor's
  organisation compared as the exchange compares peers (shared challenges, the same
  structure, similar size, distance), and the same kind of work (ICA activities);
- an organisation's pathway (a person applies): the organisations each of them belongs to
  besides this one compared the same way, the language they speak, and the words of the
  offer ("what I can help with") that the application's motivation uses.
Room to spare breaks ties.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT, check_text
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.geo import distance_km
from intercoop.core.models import Profile
from intercoop.core.permissions import AnyUser, recorded_user, require
from intercoop.core.services import notify
from intercoop.directory import vocab
from intercoop.directory.models import NetworkMembership, Organization, OrganizationRole
from intercoop.exchange import matching
from intercoop.exchange.matching import Reason, gettext_noop
from intercoop.exchange.models import ExchangeItem
from intercoop.membership import pathway_locks as locks
from intercoop.membership import permissions
from intercoop.membership.admission import KIND, audit
from intercoop.membership.links import application_link, mentoring_link
from intercoop.membership.models import Application, MentorMeeting, MentorOffer, Mentorship
from intercoop.membership.pathways import _day
from intercoop.membership.steps import applicant_name, candidates_of, coordinators_of_pathway

MAX_CAPACITY = 20
LANGUAGE_WEIGHT = 0.2
ACTIVITY_WEIGHT = 0.3
WORDS_WEIGHT = 0.3
ROOM_WEIGHT = 0.05


# offering --------------------------------------------------------------------------------


def mentor_offer_set(
    *, actor: AnyUser, organization: Organization, capacity: int, note: str = ""
) -> MentorOffer | None:
    """Offer to mentor up to `capacity` people at once for an organisation one belongs to
    (0 takes the offer back: None)."""
    require(
        permissions.can_offer_mentoring(actor, organization),
        _("Only the organisation's people offer to mentor for it"),
    )
    if (
        isinstance(capacity, bool)
        or not isinstance(capacity, int)
        or not 0 <= capacity <= MAX_CAPACITY
    ):
        raise InvalidValues(
            {"capacity": _("is a whole number from 0 to %(most)s") % {"most": MAX_CAPACITY}}
        )
    note = check_text(note or "", field="note", max_length=SHORT_TEXT).strip()
    with transaction.atomic():
        offer = (
            MentorOffer.objects.select_for_update()
            .filter(organization=organization, user_id=actor.pk or 0)
            .first()
        )
        if capacity == 0:
            if offer is None:
                raise DomainError(_("You have no offer to take back"), field="capacity")
            audit_target: Any = offer
            _audit_offer(
                actor, audit_target, organization, _("%(user)s no longer offers to mentor")
            )
            offer.delete()
            return None
        offer = offer or MentorOffer(organization=organization, user=actor)  # type: ignore[misc]
        offer.capacity, offer.note = capacity, note
        offer.save()
        _audit_offer(actor, offer, organization, _("%(user)s offers to mentor %(n)s at once"))
    return offer


def _audit_offer(actor: Any, offer: MentorOffer, organization: Organization, text: str) -> None:
    from intercoop.core.audit import audit_record

    audit_record(
        actor=actor,
        action="mentor_offer.set",
        target=offer,
        summary=text % {"user": getattr(actor, "username", ""), "n": offer.capacity},
        organizations=[organization],
    )


# who may mentor, and how much room they have -----------------------------------------------


def offers_for(application: Application) -> Any:
    """The offers that serve the application's pathway (one person may offer for several
    member organisations of a network: each is an offer)."""
    pathway = application.pathway
    offers = MentorOffer.objects.filter(user__is_active=True)
    if pathway.organization_id is not None:
        offers = offers.filter(organization_id=pathway.organization_id)
    else:
        members = NetworkMembership.objects.filter(
            network_id=pathway.network_id or 0, status=NetworkMembership.Status.MEMBER
        ).values("organization_id")
        offers = offers.filter(organization_id__in=members).exclude(
            organization_id=application.organization_id or 0
        )
    if application.user_id is not None:
        offers = offers.exclude(user_id=application.user_id)
    # they still belong to the organisation they offer for
    return offers.filter(user__organization_roles__organization_id=F("organization_id")).exclude(
        user_id__in=_candidate_ids(application)
    )


def _candidate_ids(application: Application) -> list[int]:
    if application.organization_id is None:
        return []
    return list(
        OrganizationRole.objects.filter(organization_id=application.organization_id).values_list(
            "user_id", flat=True
        )
    )


def used_capacity(mentor_ids: Iterable[int]) -> dict[int, int]:
    """mentor → accepted mentorships of open applications (every pathway)."""
    rows = (
        Mentorship.objects.filter(
            mentor_id__in=list(mentor_ids),
            status=Mentorship.Status.ACCEPTED,
            application__status__in=permissions.OPEN,
        )
        .values("mentor_id")
        .annotate(n=Count("pk"))
    )
    return {row["mentor_id"]: row["n"] for row in rows}


def _capacity(user_id: int, application: Application) -> tuple[MentorOffer | None, int]:
    """The person's offer serving the application (the one with the most room) and the
    room it has (under the offers' locks)."""
    offers = list(offers_for(application).filter(user_id=user_id).order_by("pk"))
    for offer in offers:
        locks.lock_offer(offer)
    used = used_capacity([user_id]).get(user_id, 0)
    best = max(offers, key=lambda o: o.capacity, default=None)
    return best, (best.capacity - used if best else 0)


# suggestions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What peer matching compares of an organisation."""

    slug: str
    name: str
    activities: frozenset[str]
    challenges: frozenset[str]
    structure: str = ""
    members: int | None = None
    location: tuple[float, float] | None = None


@dataclass(frozen=True)
class Suggestion:
    user: Any
    offer: MentorOffer
    room: int  # people more they may mentor
    score: float
    reason: str  # in the active language
    reasons: tuple[Reason, ...]


def _facts(organization_ids: Iterable[int]) -> dict[int, Facts]:
    ids = list(set(organization_ids))
    challenges: dict[int, set[str]] = {}
    for org_id, topic in ExchangeItem.objects.filter(
        organization_id__in=ids, kind=ExchangeItem.Kind.CHALLENGE, active=True
    ).values_list("organization_id", "category"):
        challenges.setdefault(org_id, set()).add(topic)
    rows = Organization.objects.filter(pk__in=ids).values(
        "pk",
        "slug",
        "name",
        "primary_activity",
        "other_activities",
        "organisational_structure",
        "number_of_members",
        "latitude",
        "longitude",
    )
    return {
        row["pk"]: Facts(
            slug=row["slug"],
            name=row["name"],
            activities=frozenset(
                code for code in [row["primary_activity"], *row["other_activities"].split()] if code
            ),
            challenges=frozenset(challenges.get(row["pk"], set())),
            structure=row["organisational_structure"],
            members=row["number_of_members"],
            location=(row["latitude"], row["longitude"])
            if row["latitude"] is not None and row["longitude"] is not None
            else None,
        )
        for row in rows
    }


def _labels() -> dict[str, str]:
    from intercoop.core.taxonomy import CHALLENGES

    labels = {code: str(label).lower() for code, label in CHALLENGES.items()}
    labels |= dict(vocab.choices("organisational_structure"))
    return labels | dict(vocab.choices("activity"))


def alike(me: Facts, other: Facts, labels: dict[str, str]) -> tuple[float, list[Reason]]:
    """How alike two organisations are: the exchange's peer matching (shared challenges,
    structure, size, distance), and the same kind of work."""
    reasons: list[Reason] = []
    score = 0.0
    shared = sorted(me.activities & other.activities)
    if shared:
        score += ACTIVITY_WEIGHT
        reasons.append(
            Reason(
                gettext_noop("both work in %(activities)s"),
                {"activities": tuple(labels.get(c, c) for c in shared)},
            )
        )
    peer = matching.peer_matches(
        matching.Peer(me.slug, me.challenges, me.structure, me.members, me.location),
        [
            matching.Peer(
                other.slug, other.challenges, other.structure, other.members, other.location
            )
        ],
        labels=labels,
    )
    if peer:  # they share a challenge: the exchange's own score and reasons
        return score + peer[0].score, reasons + list(peer[0].reasons)
    if me.structure and me.structure == other.structure:
        score += 0.2
        reasons.append(
            Reason(
                gettext_noop("both are %(structure)s"),
                {"structure": labels.get(me.structure, me.structure)},
            )
        )
    if me.location and other.location:
        km = distance_km(me.location, other.location)
        score += 0.1 * max(0.0, 1 - km / 200)
        reasons.append(Reason(gettext_noop("%(km)s km apart"), {"km": round(km)}))
    return score, reasons


def _words(text: str) -> set[str]:
    return set(matching.tokens(text))


def mentor_suggestions(application: Application, limit: int = 5) -> list[Suggestion]:
    """The people who may mentor the application with room to spare, best first, each
    with the reason (see the module's docstring). Those proposed before (accepted,
    declined or waiting) are left out."""
    offers = list(
        offers_for(application)
        .exclude(user_id__in=Mentorship.objects.filter(application=application).values("mentor_id"))
        .select_related("user")
        .order_by("pk")
    )
    used = used_capacity({offer.user_id for offer in offers})
    best: dict[int, MentorOffer] = {}
    for offer in offers:  # one offer a person: the one with the most room
        if offer.user_id not in best or offer.capacity > best[offer.user_id].capacity:
            best[offer.user_id] = offer
    room = {pk: offer.capacity - used.get(pk, 0) for pk, offer in best.items()}
    open_offers = [offer for pk, offer in best.items() if room[pk] > 0]
    if not open_offers:
        return []
    labels = _labels()
    mentor_ids = [offer.user_id for offer in open_offers]
    pathway = application.pathway
    if pathway.network_id is not None:
        facts = _facts(
            [application.organization_id or 0, *(o.organization_id for o in open_offers)]
        )
        mine = facts.get(application.organization_id or 0)
        scored = [
            (
                offer,
                *(
                    alike(mine, facts[offer.organization_id], labels)
                    if mine and offer.organization_id in facts
                    else (0.0, [])
                ),
            )
            for offer in open_offers
        ]
    else:
        scored = _score_people(application, open_offers, mentor_ids, labels)
    suggestions = []
    for offer, score, reasons in scored:
        spare = room[offer.user_id]
        reasons = [*reasons, Reason(gettext_noop("room for %(room)s more"), {"room": spare})]
        total = score + ROOM_WEIGHT * spare / max(offer.capacity, 1)
        suggestions.append(
            Suggestion(
                user=offer.user,
                offer=offer,
                room=spare,
                score=round(total, 4),
                reason=matching.explain(reasons, _, number_format),
                reasons=tuple(reasons),
            )
        )
    suggestions.sort(key=lambda s: (-s.score, s.user.username))
    return suggestions[:limit]


def _score_people(
    application: Application,
    offers: list[MentorOffer],
    mentor_ids: list[int],
    labels: dict[str, str],
) -> list[tuple[MentorOffer, float, list[Reason]]]:
    """A person's pathway: their other organisations compared, their language, the words
    of the offer the motivation uses."""
    home = application.pathway.organization_id
    applicant = application.user_id or 0
    belongs: dict[int, list[int]] = {}
    for user_id, org_id in (
        OrganizationRole.objects.filter(user_id__in=[applicant, *mentor_ids])
        .exclude(organization_id=home or 0)
        .values_list("user_id", "organization_id")
    ):
        belongs.setdefault(user_id, []).append(org_id)
    facts = _facts(org for orgs in belongs.values() for org in orgs)
    languages = dict(
        Profile.objects.filter(user_id__in=[applicant, *mentor_ids]).values_list(
            "user_id", "language"
        )
    )
    language_names: dict[str, Any] = dict(Profile._meta.get_field("language").choices or [])
    motivation = _words(application.motivation)
    scored = []
    for offer in offers:
        score, reasons = 0.0, []
        best: tuple[float, list[Reason]] = (0.0, [])
        for mine in belongs.get(applicant, []):
            for theirs in belongs.get(offer.user_id, []):
                if mine not in facts or theirs not in facts:
                    continue
                if mine == theirs:  # both belong to the same other organisation
                    found = (
                        ACTIVITY_WEIGHT + 0.2,
                        [
                            Reason(
                                gettext_noop("both belong to %(organization)s"),
                                {"organization": facts[mine].name},
                            )
                        ],
                    )
                else:
                    found = alike(facts[mine], facts[theirs], labels)
                if found[0] > best[0]:
                    best = found
        score += best[0]
        reasons += best[1]
        language = languages.get(applicant) or ""
        if language and languages.get(offer.user_id) == language:
            score += LANGUAGE_WEIGHT
            reasons.append(
                Reason(
                    gettext_noop("both speak %(language)s"),
                    {"language": str(language_names.get(language, language))},
                )
            )
        shared = sorted(motivation & _words(offer.note))
        if shared:
            score += WORDS_WEIGHT * len(shared) / max(len(_words(offer.note)), 1)
            reasons.append(
                Reason(gettext_noop("can help with %(words)s"), {"words": tuple(shared[:3])})
            )
        scored.append((offer, score, reasons))
    return scored


# pairing -------------------------------------------------------------------------------------


def mentorship_propose(
    *, actor: AnyUser, application: Application, mentor: Any, reason: str = ""
) -> Mentorship:
    """The coordinators ask a person with room to spare to mentor the candidate (saying
    why: a suggestion's reason, or their own)."""
    require(
        permissions.can_propose_mentor(actor, application), _("Only the coordinators pair mentors")
    )
    reason = check_text(reason or "", field="reason", max_length=SHORT_TEXT).strip()
    if not permissions.can_mentor(mentor, application):
        raise DomainError(_("This person may not mentor this application"), field="mentor")
    with transaction.atomic():
        offer, room = _capacity(mentor.pk, application)
        if offer is None:
            raise DomainError(_("This person has not offered to mentor"), field="mentor")
        if room <= 0:
            raise DomainError(_("This mentor has no room for another person"), field="mentor")
        if Mentorship.objects.filter(
            application=application,
            mentor=mentor,
            status__in=[Mentorship.Status.PROPOSED, Mentorship.Status.ACCEPTED],
        ).exists():
            raise DomainError(_("This mentor is proposed already"), field="mentor")
        mentorship = Mentorship.objects.create(
            application=application, mentor=mentor, reason=reason, proposed_at=timezone.now()
        )
        pathway = application.pathway
        name = applicant_name(application)
        audit(
            actor,
            "mentorship.propose",
            mentorship,
            pathway,
            f"{mentor.username} proposed as the mentor of {name}",
        )
        notify(
            users=[mentor],
            subject=gettext_lazy("Would you mentor %(name)s?"),
            body=gettext_lazy("%(name)s is on the pathway “%(pathway)s”. %(reason)s"),
            params={"name": name, "pathway": pathway.name, "reason": reason},
            link=mentoring_link(),
            kind=KIND,
        )
    return mentorship


def mentorship_answer(*, actor: AnyUser, mentorship: Mentorship, accept: bool) -> Mentorship:
    """The proposed mentor accepts (when they have room: their offer's capacity, under its
    lock) or declines."""
    require(
        permissions.can_answer_mentorship(actor, mentorship), _("Only the proposed mentor answers")
    )
    application = mentorship.application
    with transaction.atomic():
        current = (
            Mentorship.objects.select_for_update()
            .values_list("status", flat=True)
            .get(pk=mentorship.pk)
        )
        if current != Mentorship.Status.PROPOSED:
            raise DomainError(_("This proposal is answered already"), field="mentorship")
        if accept:
            offer, room = _capacity(mentorship.mentor_id, application)
            if offer is None or room <= 0:
                raise DomainError(
                    _("You mentor as many people as you offered: raise your capacity first"),
                    field="mentorship",
                )
        mentorship.status = Mentorship.Status.ACCEPTED if accept else Mentorship.Status.DECLINED
        mentorship.answered_at = timezone.now()
        mentorship.save(update_fields=["status", "answered_at"])
        application.__dict__.pop("_mentor_ids", None)
        pathway = application.pathway
        name = applicant_name(application)
        audit(
            actor,
            "mentorship.accept" if accept else "mentorship.decline",
            mentorship,
            pathway,
            f"{mentorship.mentor.username} {'accepted' if accept else 'declined'} to mentor {name}",
        )
        subject = (
            gettext_lazy("%(mentor)s will mentor %(name)s")
            if accept
            else gettext_lazy("%(mentor)s declined to mentor %(name)s")
        )
        told = list(coordinators_of_pathway(pathway)) + (
            candidates_of(application) if accept else []
        )
        notify(
            users=told,
            subject=subject,
            params={"mentor": _mentor_name(mentorship), "name": name},
            link=application_link(application.pk),
            kind=KIND,
        )
    return mentorship


def _mentor_name(mentorship: Mentorship) -> str:
    from intercoop.core.notifications import display_name

    return display_name(mentorship.mentor)


def meeting_log(
    *, actor: AnyUser, mentorship: Mentorship, on: dt.date, notes: str = ""
) -> MentorMeeting:
    """A meeting of the mentor and the candidate on `on` (the notes are the application's:
    its candidate, mentors and coordinators read them)."""
    require(
        permissions.can_log_meeting(actor, mentorship),
        _("Only the mentor and the candidate log meetings"),
    )
    on = _day(on, "on")
    notes = check_text(notes or "", field="notes", max_length=LONG_TEXT)
    application = mentorship.application
    if on < timezone.localtime(application.applied_at).date():
        raise InvalidValues({"on": _("is before the application")})
    with transaction.atomic():
        meeting = MentorMeeting.objects.create(
            mentorship=mentorship, on=on, notes=notes, logged_by=recorded_user(actor)
        )
        audit(
            actor,
            "mentorship.meeting",
            meeting,
            application.pathway,
            f"{applicant_name(application)}: a meeting on {on.isoformat()}",
        )
    return meeting
