"""Proxies: a voter gives its vote to another voter of the same body, for one poll or
until revoked (ballots.py casts the holder's vote for the giver)."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.errors import DomainError
from intercoop.core.permissions import recorded_user, require
from intercoop.directory.models import NetworkMembership, Organization, OrganizationRole
from intercoop.governance import permissions
from intercoop.governance.auditing import governance_audit as _audit
from intercoop.governance.lock_objects import body_for_update
from intercoop.governance.models import Body, Poll, Proxy
from intercoop.governance.selectors import max_proxies_per_holder

Actor = Any


def _identity(user: Any | None, organization: Organization | None) -> tuple[int | None, int | None]:
    if (user is None) == (organization is None):
        raise DomainError(_("Name one person or one organisation"), field="holder")
    return (user.pk, None) if user is not None else (None, organization.pk)  # type: ignore[union-attr]


def _body_identities(body: Body) -> set[tuple[int | None, int | None]]:
    if body.is_network:
        return {
            (None, pk)
            for pk in NetworkMembership.objects.filter(
                network_id=body.network_id or 0, status=NetworkMembership.Status.MEMBER
            ).values_list("organization_id", flat=True)
        }
    if body.kind == Body.Kind.ORGANIZATION:
        return {
            (pk, None)
            for pk in OrganizationRole.objects.filter(
                organization_id=body.organization_id or 0
            ).values_list("user_id", flat=True)
        }
    return set(body.seats.values_list("user_id", "organization_id"))


@transaction.atomic
def proxy_give(
    *,
    actor: Actor,
    body: Body,
    giver_user: Any = None,
    giver_organization: Organization | None = None,
    holder_user: Any = None,
    holder_organization: Organization | None = None,
    poll: Poll | None = None,
) -> Proxy:
    """A voter gives its vote to another voter of the same body, for one poll or until
    revoked; a new proxy from the same giver for the same scope replaces the old one. In
    any poll a holder casts for at most `max_proxies_per_holder()` givers (see
    `_check_proxy_limit`)."""
    giver = _identity(giver_user, giver_organization)
    holder = _identity(holder_user, holder_organization)
    require(
        giver in permissions.identities_in(actor, body), _("Only a voter may give its own vote")
    )
    if poll is not None and (poll.body_id != body.pk or poll.is_closed):
        raise DomainError(_("Choose an open poll of this body"), field="poll")
    if giver == holder:
        raise DomainError(_("A proxy goes to another voter"), field="holder")
    if holder not in _body_identities(body):
        raise DomainError(_("The holder must be a voter of the same body"), field="holder")
    if poll is not None and poll.anonymous:
        raise DomainError(_("In an anonymous poll everyone votes for themselves"), field="poll")
    if poll is not None and poll.is_open:
        # the electorate was fixed at opening: a proxy outside it could never be used
        electorate = set(poll.voters.values_list("user_id", "organization_id"))
        if giver not in electorate:
            raise DomainError(_("The giver is not a voter in this poll"), field="poll")
        if holder not in electorate:
            raise DomainError(_("The holder is not a voter in this poll"), field="holder")
    # one proxy given at a time per body: two could each count the other out
    body_for_update(body.pk)
    active = Proxy.objects.filter(body=body, revoked_at__isnull=True)
    now = timezone.now()
    active.filter(giver_user_id=giver[0], giver_organization_id=giver[1], poll=poll).update(
        revoked_at=now
    )
    _check_proxy_limit(body, active, giver, holder, poll)
    proxy = Proxy.objects.create(
        body=body,
        poll=poll,
        giver_user_id=giver[0],
        giver_organization_id=giver[1],
        holder_user_id=holder[0],
        holder_organization_id=holder[1],
        created_at=now,
        created_by=recorded_user(actor),
    )
    _audit(actor, "proxy.give", body, f"{poll.title if poll else body.name}")
    return proxy


Party = tuple[int | None, int | None]


def _givers_in(
    scope: int | None, holder: Party, proxies: list[tuple[Party, Party, Any]]
) -> set[Party]:
    """The givers whose vote `holder` casts in the poll `scope` (None: a poll with no
    proxy of its own), as `ballots.proxies_for` finds them: the proxies for that poll,
    and the standing ones of givers who named nobody for it. A giver counts once."""
    named = {giver: to for giver, to, poll_id in proxies if scope is not None and poll_id == scope}
    givers = {giver for giver, to in named.items() if to == holder}
    return givers | {
        giver for giver, to, poll_id in proxies if poll_id is None and to == holder
        and giver not in named
    }  # fmt: skip


def _check_proxy_limit(
    body: Body, active: Any, giver: Party, holder: Party, poll: Poll | None
) -> None:
    """Refuse the proxy giver → holder if, with it, the holder would cast for more than
    `max_proxies_per_holder()` givers in a poll: the one it is for; for a standing proxy,
    every poll of the body not yet closed and the polls to come."""
    limit = max_proxies_per_holder()
    proxies: list[tuple[Party, Party, Any]] = [
        ((gu, go), (hu, ho), poll_id)
        for gu, go, hu, ho, poll_id in active.exclude(poll__status=Poll.Status.CLOSED).values_list(
            "giver_user_id", "giver_organization_id", "holder_user_id",
            "holder_organization_id", "poll_id",
        )
    ]  # fmt: skip
    proxies.append((giver, holder, poll.pk if poll is not None else None))
    if poll is not None:
        scopes: list[int | None] = [poll.pk]
    else:
        scopes = [None, *body.polls.exclude(status=Poll.Status.CLOSED).values_list("pk", flat=True)]
    if any(len(_givers_in(scope, holder, proxies)) > limit for scope in scopes):
        raise DomainError(
            _("A voter may hold at most %(n)s proxies") % {"n": limit}, field="holder"
        )


@transaction.atomic
def proxy_revoke(*, actor: Actor, proxy: Proxy) -> Proxy:
    giver = (proxy.giver_user_id, proxy.giver_organization_id)
    require(
        giver in permissions.identities_in(actor, proxy.body)
        or permissions.can_manage_body(actor, proxy.body),
        _("Only the voter who gave the proxy may revoke it"),
    )
    if proxy.revoked_at is None:
        proxy.revoked_at = timezone.now()
        proxy.save(update_fields=["revoked_at"])
        _audit(actor, "proxy.revoke", proxy.body, proxy.body.name)
    return proxy
