"""Ratification of purchasing awards by a poll of the round's members, as purchasing's
award listener (wired in config): when a network's body has `ratify_awards`, each award
opens a proposal poll of the member organisations that ordered or committed in the
round (closing in RATIFICATION_DAYS), and the contract awaits its result. When the poll
closes, a pass (with quorum) ratifies the award; anything else undoes it and the round
takes bids again (`on_poll_closed_award`, called by uses.on_poll_closed)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.audit import system_actor
from intercoop.core.bounds import SHORT_TEXT
from intercoop.directory.models import NetworkMembership
from intercoop.governance.models import Body, Poll
from intercoop.purchasing.models import Contract
from intercoop.purchasing.selectors import round_member_ids
from intercoop.purchasing.services import award_ratification_record

RATIFICATION_DAYS = 7


def on_award(contract: Contract) -> bool:
    """Put the award to a vote of the round's members when its network ratifies awards;
    whether it did (a round without members has nobody to ratify it)."""
    from intercoop.governance.services import poll_create, poll_open

    round = contract.round
    body = Body.objects.filter(
        kind=Body.Kind.NETWORK, network_id=round.network_id, ratify_awards=True
    ).first()
    if body is None:
        return False
    # the electorate is fixed from the network's members at opening: name only those
    members = list(
        NetworkMembership.objects.filter(
            network_id=round.network_id,
            status=NetworkMembership.Status.MEMBER,
            organization_id__in=round_member_ids(round=round),
        ).values_list("organization_id", flat=True)
    )
    if not members:
        return False
    supplier = contract.bid.supplier.name
    system = system_actor()
    closes_at = timezone.now() + timedelta(days=RATIFICATION_DAYS)
    poll = poll_create(
        actor=system,
        body=body,
        kind=Poll.Kind.PROPOSAL,
        title=(_("Ratify the award of %(round)s to %(supplier)s?") % {
            "round": round.title, "supplier": supplier,
        })[:SHORT_TEXT],
        details=_(
            "The coordinator awarded %(round)s to %(supplier)s, %(start)s to %(end)s. "
            "If the proposal passes, the award stands; otherwise the round takes bids again."
        ) % {
            "round": round.title, "supplier": supplier,
            "start": contract.starts_on.isoformat(), "end": contract.ends_on.isoformat(),
        },
        closes_at=closes_at,
        purpose=Poll.Purpose.AWARD,
        subject_id=round.pk,
        voter_organizations=members,
        rule=Poll.Rule.MAJORITY,
    )  # fmt: skip
    poll_open(actor=system, poll=poll, closes_at=closes_at)
    return True


def on_poll_closed_award(poll: Poll) -> None:
    """Carry out a closed ratification poll: the award it was opened for (when it still
    awaits ratification) is ratified or undone, and the outcome says which."""
    if poll.purpose != Poll.Purpose.AWARD or poll.body.network_id is None:
        return
    contract = (
        Contract.objects.filter(
            round_id=poll.subject_id or 0, round__network_id=poll.body.network_id
        )
        .select_related("round")
        .first()
    )
    if contract is None or not contract.awaits_ratification:
        return
    # an award made after this poll opened (the one it was about undone) is not its subject
    if contract.awarded_at > poll.created_at:
        return
    round = contract.round
    result = poll.result or {}
    passed = bool(result.get("passed")) and bool(result.get("quorum_met"))
    award_ratification_record(actor=system_actor(), round=round, ratified=passed)
    poll.outcome = (
        _("Award ratified by the members' vote")
        if passed
        else _("Award not ratified by the members' vote: the round takes bids again")
    )
    poll.outcome_at = poll.closed_at
    poll.save(update_fields=["outcome", "outcome_at"])
