"""Casting a ballot: for oneself (a person, or an organisation one votes for), or for
another voter whose proxy one holds. Only the latest ballot of a voter counts; earlier
ones are kept, marked not current. A voter's own ballot overrides one cast by proxy, and
a holder cannot override the giver's own.

In an anonymous poll the ballot row carries no voter, caster or time: a `seal` (a keyed
hash of poll and voter) finds the voter's earlier ballot, and the voter's `receipt` (a
keyed hash of the seal and how many ballots they cast) is shown to them and printed in
the ballot list, so they can check their ballot is counted.
"""

import base64
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.audit import audit_record
from intercoop.core.bounds import LONG_TEXT, check_text
from intercoop.core.errors import DomainError
from intercoop.core.permissions import recorded_user, require
from intercoop.governance import permissions
from intercoop.governance.lock_objects import poll_for_update
from intercoop.governance.models import Ballot, Participation, Poll, Proxy, Voter
from intercoop.governance.results import CONSENT_STANCES, PROPOSAL_STANCES
from intercoop.governance.wording import stance_label

Actor = Any


def _keyed(text: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).digest()


def seal_of(poll: Poll, voter: Voter) -> str:
    return _keyed(f"governance-seal:{poll.pk}:{voter.pk}").hex()


def receipt_of(seal: str, round: int, number: int) -> str:
    """The receipt of a voter's `number`-th ballot (from 1) in a round: ten characters."""
    code = base64.b32encode(_keyed(f"governance-receipt:{seal}:{round}:{number}")).decode()
    return f"{code[:5]}-{code[5:10]}"


def _whole(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DomainError(
            _("Give a whole number from %(low)s to %(high)s") % {"low": low, "high": high},
            field=field,
        )
    return value


def check_choice(poll: Poll, choice: Any, reason: str) -> dict[str, Any]:
    """The ballot's choice in its stored form, or a DomainError naming what is wrong."""
    if not isinstance(choice, dict):
        raise DomainError(_("The ballot is not in the expected form"), field="choice")
    names = list(poll.options.values_list("name", flat=True))
    if poll.is_proposal or poll.is_consent:
        stances = PROPOSAL_STANCES if poll.is_proposal else CONSENT_STANCES
        stance = choice.get("stance")
        if stance not in stances:
            labels = ", ".join(stance_label(s) for s in stances)  # in the reader's language
            raise DomainError(_("Choose one of: %(s)s") % {"s": labels}, field="stance")
        needs_reason = stance in ("disagree", "block", "object")
        if needs_reason and not reason and not poll.anonymous:
            raise DomainError(
                _("Give a reason for disagreeing, blocking or objecting"), field="reason"
            )
        return {"stance": stance}
    if poll.is_choice:
        chosen = choice.get("options")
        if not isinstance(chosen, list) or any(o not in names for o in chosen):
            raise DomainError(_("Choose among the poll's options"), field="options")
        if len(set(chosen)) != len(chosen):
            raise DomainError(_("Choose each option once"), field="options")
        if not poll.min_choices <= len(chosen) <= poll.max_choices:
            raise DomainError(
                _("Choose from %(low)s to %(high)s options")
                % {"low": poll.min_choices, "high": poll.max_choices},
                field="options",
            )
        return {"options": [o for o in names if o in chosen]}
    if poll.is_score or poll.is_dot:
        key = "scores" if poll.is_score else "dots"
        given = choice.get(key)
        if not isinstance(given, dict) or any(o not in names for o in given):
            raise DomainError(_("Score the poll's options"), field=key)
        limit = poll.score_max if poll.is_score else poll.dots
        values = {o: _whole(given[o], key, 0, limit) for o in names if o in given}
        if poll.is_dot and sum(values.values()) > poll.dots:
            raise DomainError(_("Place at most %(n)s dots") % {"n": poll.dots}, field="dots")
        if not values:
            raise DomainError(_("Score at least one option"), field=key)
        return {key: values}
    ranking = choice.get("ranking")
    if not isinstance(ranking, list) or not ranking or any(o not in names for o in ranking):
        raise DomainError(_("Rank at least one of the poll's options"), field="ranking")
    if len(set(ranking)) != len(ranking):
        raise DomainError(_("Rank each option once"), field="ranking")
    return {"ranking": ranking}


def proxies_for(actor: Actor, poll: Poll) -> list[Voter]:
    """The voters whose proxy the actor holds in this poll (through a voter it acts for):
    proxies given for this poll or until revoked, not revoked. A giver's proxy for this
    poll takes precedence over its proxy until revoked. In an anonymous poll everyone
    votes for themselves: no proxies."""
    if poll.anonymous:
        return []
    mine = permissions.voters_acting_for(actor, poll)
    if not mine:
        return []
    users = {v.user_id for v in mine if v.user_id}
    organizations = {v.organization_id for v in mine if v.organization_id}
    scoped = Proxy.objects.filter(body_id=poll.body_id, revoked_at__isnull=True).filter(
        Q(poll__isnull=True) | Q(poll=poll)
    )
    held = list(
        scoped.filter(
            Q(holder_user_id__in=users) | Q(holder_organization_id__in=organizations)
        ).values_list("giver_user_id", "giver_organization_id", "poll_id")
    )
    if not held:
        return []
    # a giver who named someone else for this very poll is theirs, not ours
    elsewhere = set(
        scoped.filter(poll=poll)
        .exclude(Q(holder_user_id__in=users) | Q(holder_organization_id__in=organizations))
        .values_list("giver_user_id", "giver_organization_id")
    )
    givers = {(u, o) for u, o, scope in held if scope is not None or (u, o) not in elsewhere}
    if not givers:
        return []
    return list(
        poll.voters.filter(
            Q(user_id__in=[u for u, _o in givers if u])
            | Q(organization_id__in=[o for _u, o in givers if o])
        )
        .exclude(pk__in=[v.pk for v in mine])
        .order_by("name")
    )


@transaction.atomic
def ballot_cast(
    *, actor: Actor, poll: Poll, choice: Any, reason: str = "", voter: Voter | None = None
) -> tuple[Ballot, str]:
    """Cast (or change) the ballot of `voter` (default: the one voter the actor acts
    for). Returns the ballot and, in an anonymous poll, the voter's receipt."""
    poll = poll_for_update(poll.pk)
    own = permissions.voters_acting_for(actor, poll)
    by_proxy = False
    if voter is None:
        require(bool(own), _("Only the poll's electorate may vote"))
        voter = own[0]
    elif voter not in own:
        require(not poll.anonymous, _("In an anonymous poll everyone votes for themselves"))
        require(voter in proxies_for(actor, poll), _("Only the poll's electorate may vote"))
        by_proxy = True
    if not poll.is_open:
        raise DomainError(_("This poll is not open"), field="poll")
    reason = check_text(reason, field="reason", max_length=LONG_TEXT)
    if poll.anonymous and reason:
        raise DomainError(_("An anonymous poll takes no reasons"), field="reason")
    stored = check_choice(poll, choice, reason)
    now = timezone.now()
    participation = Participation.objects.filter(poll=poll, round=poll.round, voter=voter).first()
    if participation is not None:
        if by_proxy and not participation.by_proxy:
            raise DomainError(_("%(name)s has voted itself") % {"name": voter.name}, field="voter")
        acted_by_other_admin = (
            voter.organization_id is not None
            and not participation.by_proxy
            and participation.cast_by_id not in (None, actor.pk)
            and not by_proxy
            and not _is_delegate(actor, poll, voter)
        )
        if acted_by_other_admin:
            raise DomainError(
                _("Another administrator has already voted for %(name)s") % {"name": voter.name},
                field="voter",
            )
        participation.cast_by = recorded_user(actor)
        participation.by_proxy = by_proxy
        participation.voted_at = now
        participation.save(update_fields=["cast_by", "by_proxy", "voted_at"])
    else:
        Participation.objects.create(
            poll=poll,
            round=poll.round,
            voter=voter,
            cast_by=recorded_user(actor),
            by_proxy=by_proxy,
            voted_at=now,
        )
    seal = seal_of(poll, voter) if poll.anonymous else ""
    previous = Ballot.objects.filter(poll=poll, round=poll.round, current=True)
    previous = previous.filter(seal=seal) if poll.anonymous else previous.filter(voter=voter)
    previous.update(current=False)
    receipt = ""
    if poll.anonymous:
        number = Ballot.objects.filter(poll=poll, round=poll.round, seal=seal).count() + 1
        receipt = receipt_of(seal, poll.round, number)
        ballot = Ballot.objects.create(
            poll=poll, round=poll.round, seal=seal, receipt=receipt, choice=stored
        )
    else:
        ballot = Ballot.objects.create(
            poll=poll,
            round=poll.round,
            voter=voter,
            choice=stored,
            reason=reason,
            weight=voter.weight,
            cast_by=recorded_user(actor),
            by_proxy=by_proxy,
            cast_at=now,
        )
    audit_record(
        actor=actor,
        action="ballot.cast",
        target=poll,
        # an anonymous poll's audit says who voted, never how
        summary=f"{poll.title}: {voter.name}{' (proxy)' if by_proxy else ''}",
        network=poll.body.network_id,
        organizations=[poll.body.organization_id] if poll.body.organization_id else [],
        at=now,
    )
    return ballot, receipt


def _is_delegate(actor: Actor, poll: Poll, voter: Voter) -> bool:
    if poll.body.network_id is None:
        return False
    mine, _others = permissions.delegated_organizations(actor, poll.body.network_id)
    return voter.organization_id in mine
