"""Writes to the exchange. Callers check who may act (core.permissions) first; the
services check the rules of each flow: rate limits and blocks for introductions, expiry
for notices, audience and one use per card code for deals."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.services import notify
from intercoop.directory.models import Network, NetworkMembership, Organization, OrganizationRole
from intercoop.exchange import cards, selectors
from intercoop.exchange.fields import clean_exchange_item
from intercoop.exchange.models import Block, Deal, ExchangeItem, Introduction, Notice, Redemption
from intercoop.network import services as network_services
from intercoop.network.models import Relationship


def exchange_item_create(*, organization: Organization, values: Mapping[str, Any]) -> ExchangeItem:
    """An offer, a need or a challenge of `organization`."""
    clean, errors = clean_exchange_item(values)
    if errors:
        raise InvalidValues(errors)
    now = timezone.now()
    return ExchangeItem.objects.create(
        **clean, organization=organization, created_at=now, updated_at=now
    )


def exchange_item_withdraw(*, item: ExchangeItem) -> ExchangeItem:
    """Take an offer, need or challenge off the exchange (kept for the record)."""
    item.active = False
    item.updated_at = timezone.now()
    item.save(update_fields=["active", "updated_at"])
    return item


def _speakers(organization: Organization) -> list[User]:
    """The people who speak for an organisation: its admins and editors."""
    return [
        role.user
        for role in OrganizationRole.objects.filter(
            organization=organization,
            role__in=[OrganizationRole.Role.ADMIN, OrganizationRole.Role.EDITOR],
        ).select_related("user")
    ]


@transaction.atomic
def introduction_request(
    *,
    actor: User | None,
    requester: Organization,
    recipient: Organization,
    message: str,
    item: ExchangeItem | None = None,
) -> Introduction:
    """Ask `recipient` for an introduction. Refused to oneself, when blocked, while a
    request between the two waits, and beyond the daily limit per organisation."""
    message = message.strip()
    if requester.pk == recipient.pk:
        raise DomainError(_("An organisation cannot ask to be introduced to itself"))
    if not message:
        raise DomainError(_("Say why you would like to meet"), field="message")
    if Block.objects.filter(organization=recipient, blocked=requester).exists():
        raise DomainError(_("This organisation does not accept requests from yours"))
    # lock the requester's row so that parallel requests count each other
    Organization.objects.select_for_update().filter(pk=requester.pk).first()
    if Introduction.objects.filter(
        Q(requester=requester, recipient=recipient) | Q(requester=recipient, recipient=requester),
        status=Introduction.Status.PENDING,
    ).exists():
        raise DomainError(_("A request between your organisations is already waiting"))
    since = timezone.now() - dt.timedelta(days=1)
    if (
        Introduction.objects.filter(requester=requester, created_at__gte=since).count()
        >= settings.INTRODUCTIONS_PER_DAY
    ):
        raise DomainError(
            _("Your organisation has sent %(n)d requests today, the daily limit. Try tomorrow.")
            % {"n": settings.INTRODUCTIONS_PER_DAY}
        )
    introduction = Introduction.objects.create(
        requester=requester,
        recipient=recipient,
        item=item,
        message=message[:4000],
        requested_by=actor,
        created_at=timezone.now(),
    )
    notify(
        users=_speakers(recipient),
        subject=_("%(name)s would like to meet you") % {"name": requester.name},
        body=message,
        url=reverse("exchange:introduction", args=[introduction.pk]),
    )
    return introduction


@transaction.atomic
def introduction_answer(
    *, actor: User | None, introduction: Introduction, accept: bool
) -> Introduction:
    """The recipient accepts (contacts are shared and an informal relationship, claimed
    by both sides, is recorded as confirmed) or declines."""
    introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
    if introduction.status != Introduction.Status.PENDING:
        raise DomainError(_("This request has been answered already"))
    introduction.status = Introduction.Status.ACCEPTED if accept else Introduction.Status.DECLINED
    introduction.decided_by = actor
    introduction.decided_at = timezone.now()
    if accept:
        introduction.relationship = _informal_tie(introduction)
    introduction.save(update_fields=["status", "decided_by", "decided_at", "relationship"])
    recipient = introduction.recipient
    notify(
        users=_speakers(introduction.requester),
        subject=(
            _("%(name)s accepted your request: you can now contact each other")
            if accept
            else _("%(name)s declined your request")
        )
        % {"name": recipient.name},
        body="",
        url=reverse("exchange:introduction", args=[introduction.pk]),
    )
    return introduction


def _informal_tie(introduction: Introduction) -> Relationship:
    """The tie between the two sides: an existing one, or a new informal collaboration
    that the requester claims and the recipient confirms in the same step."""
    requester, recipient = introduction.requester, introduction.recipient
    existing = (
        Relationship.objects.filter(
            Q(source=requester, target=recipient) | Q(source=recipient, target=requester)
        )
        .exclude(status=Relationship.Status.DISPUTED)
        .first()
    )
    if existing is not None:
        return existing
    tie = network_services.relationship_record(
        actor=introduction.requested_by,
        source=requester,
        target=recipient,
        values={
            "kind": Relationship.Kind.INFORMAL,
            "formality": Relationship.Formality.INFORMAL,
            "started_on": timezone.localdate(),
            "visibility": Relationship.Visibility.NETWORK,
            "notes": _("Met through an introduction"),
        },
        on_behalf_of=requester,
    )
    return network_services.relationship_confirm(relationship=tie, by=recipient)


def block(*, organization: Organization, blocked: Organization) -> Block:
    """`organization` accepts no more requests from `blocked`; its waiting requests are
    declined."""
    if organization.pk == blocked.pk:
        raise DomainError(_("An organisation cannot block itself"))
    now = timezone.now()
    with transaction.atomic():
        made, _created = Block.objects.get_or_create(
            organization=organization, blocked=blocked, defaults={"created_at": now}
        )
        Introduction.objects.filter(
            requester=blocked, recipient=organization, status=Introduction.Status.PENDING
        ).update(status=Introduction.Status.DECLINED, decided_at=now)
    return made


def unblock(*, organization: Organization, blocked: Organization) -> None:
    Block.objects.filter(organization=organization, blocked=blocked).delete()


def notice_post(
    *,
    actor: User | None,
    network: Network,
    organization: Organization,
    values: Mapping[str, Any],
) -> Notice:
    """A notice on `network`'s board by one of its member organisations. It needs an
    expiry date that has not passed; a call for help its needed-by date (which is also
    its default expiry), an event its start."""
    values = dict(values)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if not NetworkMembership.objects.filter(
        network=network, organization=organization, status=NetworkMembership.Status.MEMBER
    ).exists():
        raise DomainError(_("Only the network's member organisations post on its board"))
    kind = values.get("kind")
    if kind not in Notice.Kind.values:
        errors["kind"] = _("%(value)r is not one of %(allowed)s") % {
            "value": kind,
            "allowed": ", ".join(Notice.Kind.values),
        }
    for field in ("title", "body"):
        values[field] = str(values.get(field) or "").strip()
        if not values[field]:
            errors[field] = _("is required")
    if kind == Notice.Kind.HELP and not values.get("needed_by"):
        errors["needed_by"] = _("a call for help says when the help is needed")
    if kind == Notice.Kind.EVENT and not values.get("starts_at"):
        errors["starts_at"] = _("an event says when it starts")
    if not values.get("expires_on"):
        values["expires_on"] = values.get("needed_by") or (
            values["starts_at"].date() if values.get("starts_at") else today + dt.timedelta(30)
        )
    if values["expires_on"] < today:
        errors["expires_on"] = _("is in the past")
    if errors:
        raise InvalidValues(errors)
    if values.get("latitude") is None or values.get("longitude") is None:
        values["latitude"], values["longitude"] = organization.latitude, organization.longitude
    fields = {f.name for f in Notice._meta.get_fields()} - {"id", "network", "organization"}
    unknown = set(values) - fields
    if unknown:
        raise InvalidValues({name: _("is not a field of a notice") for name in sorted(unknown)})
    return Notice.objects.create(
        **values,
        network=network,
        organization=organization,
        created_by=actor,
        created_at=timezone.now(),
    )


def notice_withdraw(*, notice: Notice) -> Notice:
    notice.withdrawn = True
    notice.save(update_fields=["withdrawn"])
    return notice


def deal_create(*, organization: Organization, values: Mapping[str, Any]) -> Deal:
    """A discount for members of other co-ops, of a network, or for volunteers and
    social-sector workers."""
    values = dict(values)
    errors: dict[str, str] = {}
    if not str(values.get("title") or "").strip():
        errors["title"] = _("is required")
    percent = values.get("discount_percent")
    if not isinstance(percent, int) or not 1 <= percent <= 100:
        errors["discount_percent"] = _("is a percentage from 1 to 100")
    if values.get("audience") not in Deal.Audience.values:
        errors["audience"] = _("%(value)r is not one of %(allowed)s") % {
            "value": values.get("audience"),
            "allowed": ", ".join(Deal.Audience.values),
        }
    elif values["audience"] == Deal.Audience.NETWORK and values.get("network") is None:
        errors["network"] = _("a deal for a network's members names the network")
    elif values["audience"] != Deal.Audience.NETWORK:
        values["network"] = None
    if values.get("valid_until") and values["valid_until"] < timezone.localdate():
        errors["valid_until"] = _("is in the past")
    if errors:
        raise InvalidValues(errors)
    return Deal.objects.create(**values, organization=organization, created_at=timezone.now())


def deal_withdraw(*, deal: Deal) -> Deal:
    deal.active = False
    deal.save(update_fields=["active"])
    return deal


def deal_redeem(*, actor: User, deal: Deal, card: cards.Card) -> Redemption:
    """Count one use of `deal` by the holder of `card`, once per card code. The caller
    has read the card (signature and expiry) and checked the holder's eligibility."""
    refusal = selectors.deal_eligibility(deal=deal, card=card)
    if refusal:
        raise DomainError(refusal)
    try:
        with transaction.atomic():
            return Redemption.objects.create(
                deal=deal,
                holder_id=card.user_id,
                holder_organization_id=card.organization_id,
                code_id=card.code_id,
                verified_by=actor,
                redeemed_at=timezone.now(),
            )
    except IntegrityError:
        raise DomainError(_("This card code has been used for this deal already")) from None
