"""Writes of governance: polls and their life (draft → open → closed, reopen, amend),
outcomes and comments. Bodies and delegates (`bodies.py`), proxies (`proxies.py`) and
ballots (`ballots.py`) have their own modules, re-exported here: the app's services are
all reached as `services.<name>`. Each service checks its rule and records an audit event
in its own transaction."""

import logging
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.core.audit import system_actor
from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT, check_text
from intercoop.core.errors import DomainError
from intercoop.core.permissions import recorded_user, require
from intercoop.core.services import notify
from intercoop.directory.models import Network, NetworkMembership, Organization, OrganizationRole
from intercoop.governance import permissions
from intercoop.governance.auditing import governance_audit as _audit
from intercoop.governance.ballots import ballot_cast  # noqa: F401 - re-exported
from intercoop.governance.bodies import (  # noqa: F401 - re-exported
    body_ensure,
    body_saved,
    body_update,
    committee_create,
    committee_seats_set,
    delegate_set,
)
from intercoop.governance.lock_objects import poll_for_update
from intercoop.governance.models import (
    MAX_OPTIONS,
    MAX_SEATS,
    MAX_WEIGHT,
    Body,
    Comment,
    Poll,
    PollRound,
    Voter,
)
from intercoop.governance.proxies import proxy_give, proxy_revoke  # noqa: F401 - re-exported
from intercoop.governance.selectors import (
    body_voter_keys,
    people_of_voters,
    poll_compute_result,
    voters_not_voted,
)

MAX_POLL_DAYS = 366
REMINDER_BEFORE = timedelta(hours=24)
Actor = Any
logger = logging.getLogger(__name__)


# Polls


def _deadline(closes_at: datetime | None, *, field: str = "closes_at") -> datetime:
    now = timezone.now()
    if closes_at is None:
        raise DomainError(_("Give the poll a closing time"), field=field)
    if not isinstance(closes_at, datetime):
        raise DomainError(_("Give a date and time"), field=field)
    if timezone.is_naive(closes_at):  # a time without a zone is the site's local time
        closes_at = timezone.make_aware(closes_at)
    # kept in UTC: messages print it with "UTC"
    closes_at = closes_at.astimezone(UTC)
    if closes_at <= now:
        raise DomainError(_("The closing time must be in the future"), field=field)
    if closes_at > now + timedelta(days=MAX_POLL_DAYS):
        raise DomainError(_("A poll closes within a year"), field=field)
    return closes_at


def _int(value: Any, field: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(_("Give a whole number"), field=field) from None
    if not low <= number <= high:
        raise DomainError(
            _("Give a number from %(low)s to %(high)s") % {"low": low, "high": high}, field=field
        )
    return number


def _choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise DomainError(_("Not one of the choices"), field=field)
    return value


def _options(kind: str, options: Sequence[str]) -> list[str]:
    names = [check_text(o, field="options", max_length=SHORT_TEXT) for o in options]
    names = [n for n in names if n]
    if kind in (Poll.Kind.PROPOSAL, Poll.Kind.CONSENT):
        return []
    if len(names) < 2:
        raise DomainError(_("Give at least two options"), field="options")
    if len(names) > MAX_OPTIONS:
        raise DomainError(_("Give at most %(n)s options") % {"n": MAX_OPTIONS}, field="options")
    if len(set(names)) != len(names):
        raise DomainError(_("Each option must be different"), field="options")
    return names


def _weights(body: Body, weights: Any) -> dict[str, int]:
    """Custom weights: voter key (an organisation's slug, a person's user name) → a whole
    number from 0 (counts towards quorum, not in the tally) to MAX_WEIGHT; every key one
    of the body's voters."""
    if not weights:
        return {}
    if not isinstance(weights, dict) or len(weights) > 100_000:
        raise DomainError(_("Give the weights as voter → whole number"), field="weights")
    checked = {
        check_text(key, field="weights", max_length=SHORT_TEXT): _int(
            value, "weights", 0, MAX_WEIGHT
        )
        for key, value in weights.items()
    }
    unknown = sorted(set(checked) - body_voter_keys(body))
    if unknown:
        named = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
        raise DomainError(_("Not voters of this body: %(keys)s") % {"keys": named}, field="weights")
    return checked


POLL_FIELDS = (
    "title", "details", "rule", "threshold", "method", "seats", "min_choices", "max_choices",
    "score_max", "dots", "quorum", "anonymous", "results_visible", "weighting", "weights",
)  # fmt: skip


def _apply(
    actor: Actor, poll: Poll, values: dict[str, Any], options: Sequence[str] | None
) -> list[str] | None:
    """Check and set a draft's settings; returns the options to store (None: unchanged)."""
    for name, value in values.items():
        if name not in POLL_FIELDS:
            raise DomainError(_("Unknown setting"), field=name)
        setattr(poll, name, value)
    custom = poll.weighting == Poll.Weighting.CUSTOM
    if custom:  # who may, before what: a refused voter learns nothing of the body's keys
        _require_weights_manager(actor, poll)
    poll.title = check_text(poll.title, field="title", max_length=SHORT_TEXT)
    if not poll.title:
        raise DomainError(_("Give the poll a title"), field="title")
    poll.details = check_text(poll.details, field="details", max_length=LONG_TEXT)
    _choice(poll.kind, Poll.Kind, "kind")
    _choice(poll.threshold, Poll.Threshold, "threshold")
    _choice(poll.results_visible, Poll.Visibility, "results_visible")
    _choice(poll.weighting, Poll.Weighting, "weighting")
    poll.rule = _choice(poll.rule or Poll.Rule.MAJORITY, Poll.Rule, "rule")
    poll.quorum = _int(poll.quorum, "quorum", 0, 100)
    poll.score_max = _int(poll.score_max, "score_max", 1, 100)
    poll.dots = _int(poll.dots, "dots", 1, 1000)
    if poll.anonymous:
        # counts shown while ballots come in would tell who voted how, one ballot at a time
        if values.get("results_visible", Poll.Visibility.AFTER_CLOSE) != (
            Poll.Visibility.AFTER_CLOSE
        ):
            raise DomainError(
                _("An anonymous poll shows its results only once it has closed"),
                field="results_visible",
            )
        poll.results_visible = Poll.Visibility.AFTER_CLOSE
    if poll.anonymous and poll.weighting != Poll.Weighting.EQUAL:
        raise DomainError(
            _("An anonymous poll gives every voter one equal vote"), field="weighting"
        )
    poll.weights = _weights(poll.body, poll.weights) if custom else {}
    if poll.is_election:
        poll.method = poll.method or Poll.Method.SCOTTISH_STV
        if poll.method not in (Poll.Method.SCOTTISH_STV, Poll.Method.MEEK_STV):
            raise DomainError(_("An election is counted by STV"), field="method")
    elif poll.kind == Poll.Kind.RANKED:
        poll.method = poll.method or Poll.Method.IRV
        if poll.method not in (Poll.Method.IRV, Poll.Method.BORDA, Poll.Method.SCHULZE):
            raise DomainError(
                _("Ranked choice is counted by instant runoff, Borda or Schulze"), field="method"
            )
    else:
        poll.method = ""
    names = None if options is None else _options(poll.kind, options)
    count = len(names) if names is not None else (poll.options.count() if poll.pk else 0)
    poll.seats = _int(poll.seats, "seats", 1, MAX_SEATS) if poll.is_election else 1
    if poll.is_election and count and poll.seats >= count:
        raise DomainError(_("An election needs more candidates than seats"), field="seats")
    if poll.is_choice:
        poll.min_choices = _int(poll.min_choices, "min_choices", 1, max(count, 1))
        poll.max_choices = _int(poll.max_choices, "max_choices", poll.min_choices, max(count, 1))
    return names


@transaction.atomic
def poll_create(
    *,
    actor: Actor,
    body: Body,
    kind: str,
    title: str,
    options: Sequence[str] = (),
    closes_at: datetime | None = None,
    purpose: str = "",
    subject_id: int | None = None,
    voter_organizations: Sequence[int] = (),
    **settings_: Any,
) -> Poll:
    """A draft poll of the body (settings as in `POLL_FIELDS`). Its proposer, or the
    body's managers, open it."""
    if body.pk is None:
        body = body_ensure(actor=actor, network=body.network, organization=body.organization)
    require(
        permissions.can_propose(actor, body),
        _("Only the body's voters and managers may start a poll"),
    )
    poll = Poll(body=body, kind=kind, created_at=timezone.now(), created_by=recorded_user(actor))
    poll.purpose = _choice(purpose, Poll.Purpose, "purpose")
    if poll.purpose:
        # its result is carried out by the system (uses.py): never a voter's to start
        require(
            permissions.can_manage_body(actor, body),
            _("Only the body's coordinators may start a poll that other apps carry out"),
        )
        _check_purpose(body, kind, poll.purpose, subject_id)
    poll.subject_id = subject_id if poll.purpose else None
    # an award's ratification: only the round's members vote
    award = poll.purpose == Poll.Purpose.AWARD
    poll.voter_organizations = sorted({int(pk) for pk in voter_organizations}) if award else []
    names = _apply(actor, poll, {"title": title} | settings_, options)
    if closes_at is not None:
        poll.closes_at = _deadline(closes_at)
    poll.save()
    _store_options(poll, names or [])
    _audit(actor, "poll.create", poll, f"{poll.get_kind_display()}: {poll.title}")
    return poll


def _require_weights_manager(actor: Actor, poll: Poll) -> None:
    require(
        permissions.can_set_weights(actor, poll.body),
        _("Only the body's coordinators may give a poll custom weights"),
    )


def _check_purpose(body: Body, kind: str, purpose: str, subject_id: int | None) -> None:
    """A poll carried out by another app: allowed by the body's setting, about a subject
    still waiting for the decision, and not already put to a vote."""
    if purpose == Poll.Purpose.AWARD:
        if not body.ratify_awards:
            raise DomainError(_("This body does not ratify purchasing awards"), field="purpose")
        return
    if purpose == Poll.Purpose.LOAN:
        # the capital app opens it for an application before the committee (capital/decisions.py)
        if not body.is_committee or kind != Poll.Kind.PROPOSAL:
            raise DomainError(_("A loan is decided by a proposal of a committee"), field="purpose")
        return
    if purpose == Poll.Purpose.MEMBERSHIP:
        # the membership app opens it for an application to admit (membership/admission.py)
        if kind != Poll.Kind.PROPOSAL:
            raise DomainError(_("An admission is decided by a proposal"), field="kind")
        return
    if not (body.is_network and body.admission_by_poll):
        raise DomainError(_("This network does not admit members by a poll"), field="purpose")
    if kind != Poll.Kind.PROPOSAL:
        raise DomainError(_("An admission is decided by a proposal"), field="kind")
    if not NetworkMembership.objects.filter(
        pk=subject_id or 0,
        network_id=body.network_id or 0,
        status=NetworkMembership.Status.APPLICANT,
    ).exists():
        raise DomainError(
            _("This organisation has not applied to join the network"), field="organization"
        )
    if Poll.objects.filter(
        body=body,
        purpose=purpose,
        subject_id=subject_id,
        status__in=[Poll.Status.DRAFT, Poll.Status.OPEN],
    ).exists():
        raise DomainError(_("This admission is already put to a vote"), field="organization")


@transaction.atomic
def admission_poll_start(
    *, actor: Actor, network: Network, organization: Organization, closes_at: datetime | None
) -> Poll:
    """Put an applicant's admission to a vote of the network's members (when the network
    admits by poll): a proposal, opened now; when it closes, a pass admits the applicant
    and anything else declines it (uses.py). The network's coordinators only."""
    body = Body.objects.filter(kind=Body.Kind.NETWORK, network=network).first() or Body(
        kind=Body.Kind.NETWORK, slug=network.slug, name=network.name, network=network
    )
    require(
        permissions.can_manage_body(actor, body),
        _("Only the network's coordinators may put an admission to a vote"),
    )
    membership = NetworkMembership.objects.filter(
        network=network, organization=organization
    ).first()
    if membership is not None and body.pk is not None:
        # asked again (an application made anew while its poll is open): the same poll
        already = Poll.objects.filter(
            body=body,
            purpose=Poll.Purpose.ADMISSION,
            subject_id=membership.pk,
            status=Poll.Status.OPEN,
        ).first()
        if already is not None and membership.is_applicant:
            return already
    title = _("Admit %(organization)s to %(network)s?") % {
        "organization": organization.name,
        "network": network.name,
    }
    poll = poll_create(
        actor=actor,
        body=body,
        kind=Poll.Kind.PROPOSAL,
        title=title[:SHORT_TEXT],
        closes_at=closes_at,
        purpose=Poll.Purpose.ADMISSION,
        subject_id=membership.pk if membership else None,
    )
    return poll_open(actor=actor, poll=poll, closes_at=closes_at)


def _store_options(poll: Poll, names: list[str]) -> None:
    from intercoop.governance.models import Option

    poll.options.all().delete()
    Option.objects.bulk_create(
        [Option(poll=poll, position=i, name=name) for i, name in enumerate(names, start=1)]
    )


@transaction.atomic
def poll_update(
    *,
    actor: Actor,
    poll: Poll,
    options: Sequence[str] | None = None,
    closes_at: datetime | None = None,
    **settings_: Any,
) -> Poll:
    """Change a draft (an open poll's settings are fixed)."""
    poll = poll_for_update(poll.pk)
    require(
        permissions.can_edit_draft(actor, poll),
        _("Only a draft's proposer or the body's managers may change it"),
    )
    names = _apply(actor, poll, settings_, options)
    if closes_at is not None:
        poll.closes_at = _deadline(closes_at)
    poll.save()
    if names is not None:
        _store_options(poll, names)
    _audit(actor, "poll.update", poll, poll.title)
    return poll


def _electorate(poll: Poll) -> list[Voter]:
    from intercoop.core.notifications import display_name

    body = poll.body
    voters: list[Voter] = []
    if body.is_network:
        members = Organization.objects.filter(
            network_memberships__network_id=body.network_id or 0,
            network_memberships__status=NetworkMembership.Status.MEMBER,
        )
        if poll.voter_organizations:
            members = members.filter(pk__in=poll.voter_organizations)
        for organization in members.order_by("name", "pk"):
            voters.append(
                Voter(poll=poll, organization=organization, name=organization.name, weight=1)
            )
    elif body.kind == Body.Kind.ORGANIZATION:
        roles = OrganizationRole.objects.filter(
            organization_id=body.organization_id or 0, user__is_active=True
        ).select_related("user")
        for role in roles.order_by("user__username"):
            voters.append(
                Voter(poll=poll, user=role.user, name=display_name(role.user)[:200], weight=1)
            )
    else:
        for seat in body.seats.select_related("user", "organization").order_by("pk"):
            if seat.user is not None:
                name = display_name(seat.user)[:200]
            else:
                assert seat.organization is not None
                name = seat.organization.name
            voters.append(
                Voter(poll=poll, user=seat.user, organization=seat.organization, name=name)
            )
    if poll.weighting == Poll.Weighting.CUSTOM:
        for voter in voters:
            key = voter.organization.slug if voter.organization else voter.user.get_username()  # type: ignore[union-attr]
            voter.weight = poll.weights.get(key, 1)
    return voters


@transaction.atomic
def poll_open(*, actor: Actor, poll: Poll, closes_at: datetime | None = None) -> Poll:
    """Open a draft: its electorate and their weights are fixed now, the seed of any lot
    drawn, and the electorate told."""
    poll = poll_for_update(poll.pk)
    require(
        permissions.can_open_poll(actor, poll),
        _("Only a draft's proposer or the body's managers may open it"),
    )
    if poll.weighting == Poll.Weighting.CUSTOM:
        _require_weights_manager(actor, poll)
    poll.closes_at = _deadline(closes_at or poll.closes_at)
    if poll.has_options and poll.options.count() < 2:
        raise DomainError(_("Give at least two options"), field="options")
    voters = Voter.objects.bulk_create(_electorate(poll))
    if not voters:
        raise DomainError(_("This body has no voters yet"), field="body")
    poll.status = Poll.Status.OPEN
    poll.opened_at = timezone.now()
    poll.seed = secrets.randbelow(2**31)
    poll.save()
    _audit(
        actor,
        "poll.open",
        poll,
        f"{poll.title}: {len(voters)} voters, seed {poll.seed}, "
        f"closes {poll.closes_at:%Y-%m-%d %H:%M}",
    )
    notify(
        users=people_of_voters(voters),
        subject=gettext_lazy("New poll: %(title)s"),
        body=gettext_lazy("%(body)s asks for your vote by %(closes)s."),
        params={
            "title": poll.title,
            "body": poll.body.name,
            "closes": f"{poll.closes_at:%Y-%m-%d %H:%M} UTC",
        },
        link=("governance:poll", [poll.pk]),
        kind="polls",
    )
    return poll


def _close(actor: Actor, poll: Poll, action: str, *, carry_out: bool = True) -> Poll:
    """Count and close the poll; the app that carries its result out hears of it unless
    `carry_out` is off (a poll whose subject is gone)."""
    poll.result = poll_compute_result(poll)
    poll.status = Poll.Status.CLOSED
    poll.closed_at = timezone.now()
    poll.save(update_fields=["result", "status", "closed_at", "outcome", "outcome_at",
                             "outcome_by"])  # fmt: skip
    _audit(
        actor,
        action,
        poll,
        f"{poll.title}: {poll.result.get('voters')} of {poll.result.get('electorate')} voted",
    )
    notify(
        users=people_of_voters(poll.voters.all()),
        subject=gettext_lazy("Poll closed: %(title)s"),
        body=gettext_lazy("The results are on the poll's page."),
        params={"title": poll.title},
        link=("governance:poll", [poll.pk]),
        kind="polls",
    )
    if carry_out:
        from intercoop.governance.uses import on_poll_closed

        on_poll_closed(poll)
    return poll


@transaction.atomic
def poll_close(*, actor: Actor, poll: Poll) -> Poll:
    """Close an open poll before its deadline: the body's managers; one that another app
    carries out, staff only (`permissions.can_close_early`)."""
    poll = poll_for_update(poll.pk)
    if not permissions.can_close_early(actor, poll):
        _require_runs_poll_life(
            actor, poll, _("Only the body's coordinators may close a poll early")
        )
        raise DomainError(_("This poll is not open"), field="status")
    return _close(actor, poll, "poll.close")


@transaction.atomic
def poll_withdraw(*, actor: Actor, poll: Poll, outcome: str) -> Poll:
    """Close an open poll whose subject is gone (the applicant withdrew): its count is
    kept, nothing is carried out (the app that would carry it out does not hear of the
    close), and `outcome` says why. A poll closed meanwhile is left as it is. Those who
    may close it early (`permissions.can_close_early`: for a poll another app carries
    out, staff and the system)."""
    poll = poll_for_update(poll.pk)
    if not poll.is_open:
        return poll
    _require_runs_poll_life(actor, poll, _("Only the body's coordinators may close a poll"))
    poll.outcome = check_text(outcome, field="outcome", max_length=LONG_TEXT).strip()
    if not poll.outcome:
        raise DomainError(_("Write the outcome"), field="outcome")
    poll.outcome_at = timezone.now()
    poll.outcome_by = recorded_user(actor)
    return _close(actor, poll, "poll.withdraw", carry_out=False)


def _require_runs_poll_life(actor: Actor, poll: Poll, message: str) -> None:
    """Refuse (403) an early close or a reopening by someone who may never make it; the
    caller then says what in the poll's state stands in the way."""
    if poll.purpose:
        message = _(
            "Only staff may close early or reopen a poll whose result another part of the "
            "platform carries out"
        )
    require(permissions.runs_poll_life(actor, poll), message)


def polls_close_due(*, now: datetime | None = None) -> int:
    """Close every open poll whose deadline has passed (the clock's task); each in its
    own transaction, so one failure leaves the others closed."""
    now = now or timezone.now()
    closed = 0
    due = Poll.objects.filter(status=Poll.Status.OPEN, closes_at__lte=now).order_by(
        "closes_at", "pk"
    )
    for pk in due.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                poll = poll_for_update(pk)
                if poll.is_open and poll.closes_at is not None and poll.closes_at <= now:
                    _close(system_actor(), poll, "poll.close_due")
                    closed += 1
        except Exception:
            # one poll that cannot close must not keep every later one open
            logger.exception("poll %s could not be closed", pk)
    return closed


def polls_remind(*, now: datetime | None = None) -> int:
    """Remind, once, the voters who have not voted in polls closing within 24 hours."""
    now = now or timezone.now()
    reminded = 0
    due = Poll.objects.filter(
        status=Poll.Status.OPEN,
        reminded_at__isnull=True,
        closes_at__lte=now + REMINDER_BEFORE,
        closes_at__gt=now,
    )
    for pk in due.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                if _remind(pk, now):
                    reminded += 1
        except Exception:
            # one poll whose reminder fails must not keep every later one silent
            logger.exception("poll %s: the reminder could not be sent", pk)
    return reminded


def _remind(pk: int, now: datetime) -> bool:
    poll = poll_for_update(pk)
    if poll.reminded_at is not None or not poll.is_open:
        return False
    poll.reminded_at = now
    poll.save(update_fields=["reminded_at"])
    notify(
        users=people_of_voters(voters_not_voted(poll)),
        subject=gettext_lazy("Reminder: %(title)s closes soon"),
        body=gettext_lazy("You have not voted yet. The poll closes at %(closes)s."),
        params={"title": poll.title, "closes": f"{poll.closes_at:%Y-%m-%d %H:%M} UTC"},
        link=("governance:poll", [poll.pk]),
        kind="polls",
    )
    return True


@transaction.atomic
def poll_reopen(*, actor: Actor, poll: Poll, closes_at: datetime | None) -> Poll:
    """Reopen a closed poll with a new deadline (the body's coordinators): its ballots
    stand and may be changed until the new close; its outcome, stated for the close just
    undone, is cleared."""
    poll = poll_for_update(poll.pk)
    if not permissions.can_reopen(actor, poll):
        _require_runs_poll_life(actor, poll, _("Only the body's coordinators may reopen a poll"))
        if not poll.is_closed:
            raise DomainError(_("Only a closed poll can be reopened"), field="status")
        raise DomainError(_("This poll's decision has been carried out"), field="status")
    poll.closes_at = _deadline(closes_at)
    poll.status = Poll.Status.OPEN
    poll.closed_at = None
    poll.result = None
    poll.reminded_at = None
    _clear_outcome(poll)
    poll.save()
    _audit(actor, "poll.reopen", poll, f"{poll.title}: closes {poll.closes_at:%Y-%m-%d %H:%M}")
    return poll


@transaction.atomic
def poll_amend(
    *, actor: Actor, poll: Poll, details: str, closes_at: datetime | None, title: str | None = None
) -> Poll:
    """Amend a consent proposal and put it again: the round just ended is kept with its
    result, and voting starts afresh on the new text."""
    poll = poll_for_update(poll.pk)
    if not permissions.can_amend(actor, poll):
        require(
            poll.is_consent and permissions.writes_outcome(actor, poll),
            _("Only the proposer may amend a consent proposal"),
        )
        raise DomainError(_("Open the proposal first"), field="status")
    result = poll.result if poll.is_closed else poll_compute_result(poll)
    if poll.outcome:  # the round's outcome is kept with its result (a round has no field)
        result = dict(result or {}) | {"outcome": poll.outcome}
    PollRound.objects.create(
        poll=poll,
        number=poll.round,
        title=poll.title,
        details=poll.details,
        result=result,
        closed_at=poll.closed_at or timezone.now(),
    )
    if title is not None:
        poll.title = check_text(title, field="title", max_length=SHORT_TEXT) or poll.title
    poll.details = check_text(details, field="details", max_length=LONG_TEXT)
    poll.closes_at = _deadline(closes_at)
    poll.round += 1
    poll.status = Poll.Status.OPEN
    poll.closed_at = None
    poll.result = None
    poll.reminded_at = None
    _clear_outcome(poll)
    poll.save()
    _audit(actor, "poll.amend", poll, f"{poll.title}: round {poll.round}")
    notify(
        users=people_of_voters(poll.voters.all()),
        subject=gettext_lazy("Amended proposal: %(title)s"),
        body=gettext_lazy("The proposal was amended; please give your consent or object again."),
        params={"title": poll.title},
        link=("governance:poll", [poll.pk]),
        kind="polls",
    )
    return poll


def _clear_outcome(poll: Poll) -> None:
    """A poll open again has no outcome yet (the audit trail keeps the one stated)."""
    poll.outcome = ""
    poll.outcome_at = None
    poll.outcome_by = None


@transaction.atomic
def poll_outcome_set(*, actor: Actor, poll: Poll, outcome: str) -> Poll:
    """The outcome statement of a closed poll, by its proposer or the body's coordinator;
    the electorate hears of it."""
    poll = poll_for_update(poll.pk)
    if not permissions.can_write_outcome(actor, poll):
        require(
            permissions.writes_outcome(actor, poll),
            _("Only the proposer or the body's coordinators may state the outcome"),
        )
        raise DomainError(_("State the outcome once the poll has closed"), field="outcome")
    poll.outcome = check_text(outcome, field="outcome", max_length=LONG_TEXT)
    if not poll.outcome:
        raise DomainError(_("Write the outcome"), field="outcome")
    poll.outcome_at = timezone.now()
    poll.outcome_by = recorded_user(actor)
    poll.save(update_fields=["outcome", "outcome_at", "outcome_by"])
    _audit(actor, "poll.outcome", poll, poll.title)
    notify(
        users=people_of_voters(poll.voters.all()),
        subject=gettext_lazy("Outcome: %(title)s"),
        body=gettext_lazy("%(outcome)s"),
        params={"title": poll.title, "outcome": poll.outcome[:2000]},
        link=("governance:poll", [poll.pk]),
        kind="polls",
    )
    return poll


@transaction.atomic
def comment_add(*, actor: Actor, poll: Poll, text: str) -> Comment:
    require(permissions.can_comment(actor, poll), _("Only the body's people may comment"))
    text = check_text(text, field="text", max_length=LONG_TEXT)
    if not text:
        raise DomainError(_("Write a comment"), field="text")
    comment = Comment.objects.create(
        poll=poll, author=recorded_user(actor), text=text, created_at=timezone.now()
    )
    _audit(actor, "poll.comment", poll, poll.title)
    return comment
