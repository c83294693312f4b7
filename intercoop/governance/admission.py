"""Admission by a poll of the members, as the directory's hooks (wired in config): when a
network's body has `admission_by_poll`, each application opens a proposal poll of the
members (closing in ADMISSION_DAYS), and coordinators cannot admit by hand; the result of
the poll admits or declines the applicant (uses.on_poll_closed). A network with no
members yet has nobody to vote: its applications open no poll, and its coordinators
admit by hand."""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.audit import SYSTEM_USERNAME, system_actor
from intercoop.directory.models import NetworkMembership
from intercoop.governance.models import Body

ADMISSION_DAYS = 14


def _admits_by_poll(network: Any) -> bool:
    """Whether the network's applications go to a vote: it admits by poll and has
    members to vote."""
    return (
        Body.objects.filter(
            kind=Body.Kind.NETWORK, network=network, admission_by_poll=True
        ).exists()
        and NetworkMembership.objects.filter(
            network=network, status=NetworkMembership.Status.MEMBER
        ).exists()
    )


def admission_guard(actor: Any, network: Any) -> str:
    """Only the poll's result (carried out by the system) admits to such a network."""
    if getattr(actor, "username", None) == SYSTEM_USERNAME or not _admits_by_poll(network):
        return ""
    return _("This network admits new members by a poll of its members")


def on_application(membership: Any) -> None:
    from intercoop.governance.services import admission_poll_start

    if _admits_by_poll(membership.network):
        admission_poll_start(
            actor=system_actor(),
            network=membership.network,
            organization=membership.organization,
            closes_at=timezone.now() + timedelta(days=ADMISSION_DAYS),
        )
