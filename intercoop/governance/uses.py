"""Governance used by other apps, each a setting of the network's body (off by
default): admitting a new member organisation by a poll of the members. When such a
poll closes, its result is carried out by the system: passed, the applicant is admitted;
not passed (or short of quorum), its application is declined. Other apps that put their
decisions to a poll register a listener here."""

from collections.abc import Callable

from django.utils.translation import gettext as _

from intercoop.core.audit import system_actor
from intercoop.directory.models import NetworkMembership
from intercoop.directory.services import network_member_admit, network_member_leave
from intercoop.governance.models import Poll
from intercoop.governance.ratification import on_poll_closed_award

# Apps that open polls for their own decisions (capital's loan committee) hear of each
# poll that closes, in its transaction; wired by the composition root (config).
PollClosedListener = Callable[[Poll], None]
POLL_CLOSED_LISTENERS: list[PollClosedListener] = []


def register_poll_closed_listener(listener: PollClosedListener) -> None:
    if listener not in POLL_CLOSED_LISTENERS:
        POLL_CLOSED_LISTENERS.append(listener)


def on_poll_closed(poll: Poll) -> None:
    for listener in POLL_CLOSED_LISTENERS:
        listener(poll)
    if poll.purpose == Poll.Purpose.AWARD:
        on_poll_closed_award(poll)
    if poll.purpose != Poll.Purpose.ADMISSION or poll.body.network is None:
        return
    membership = (
        NetworkMembership.objects.filter(pk=poll.subject_id or 0, network=poll.body.network)
        .select_related("organization")
        .first()
    )
    if membership is None or membership.status != NetworkMembership.Status.APPLICANT:
        return
    result = poll.result or {}
    passed = bool(result.get("passed")) and bool(result.get("quorum_met"))
    if passed:
        network_member_admit(
            actor=system_actor(), network=poll.body.network, organization=membership.organization
        )
    else:
        network_member_leave(
            actor=system_actor(), network=poll.body.network, organization=membership.organization
        )
    poll.outcome = (
        _("Admitted by the members' vote") if passed else _("Declined by the members' vote")
    )
    poll.outcome_at = poll.closed_at
    poll.save(update_fields=["outcome", "outcome_at"])
