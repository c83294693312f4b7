"""Writes to the exchange. Each service takes the acting user, checks one rule of
exchange.permissions itself, checks the values (bounds included), writes, and records an
audit event, all in one transaction. Pages, API, commands and the demo call these and
repeat no rule. The flows' own rules are here too: rate limits and blocks for
introductions, expiry for notices, audience and one use per card code for deals."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.core.audit import audit_record, system_actor
from intercoop.core.bounds import (
    LONG_TEXT,
    SHORT_TEXT,
    OutOfBounds,
    check_date,
    check_text,
)
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.permissions import require
from intercoop.core.services import notify
from intercoop.directory.models import Network, NetworkMembership, Organization, OrganizationRole
from intercoop.directory.permissions import can_act_for
from intercoop.directory.selectors import member_speakers, speakers_of
from intercoop.exchange import cards, lock_objects, permissions, selectors
from intercoop.exchange.fields import FIELDS, clean_exchange_item
from intercoop.exchange.models import Block, Deal, ExchangeItem, Introduction, Notice, Redemption
from intercoop.network import services as network_services
from intercoop.network.models import Relationship

Actor = Any  # a User, or system_actor() for the CLI, the demo and tasks
NOTICE_HORIZON_DAYS = 366  # a notice, its call for help or its event: within a year
NOTICE_TEXTS = {"title": SHORT_TEXT, "body": LONG_TEXT, "place": 200, "contact": 200}
NOTICE_FIELDS = {*NOTICE_TEXTS, "kind", "latitude", "longitude", "needed_by", "starts_at",
                 "expires_on", "urgent"}  # fmt: skip
DEAL_TEXTS = {"title": SHORT_TEXT, "description": LONG_TEXT}
APPROVED = Organization.Approval.APPROVED


def _item_summary(item: ExchangeItem) -> str:
    return f"{item.kind} “{item.title}” of {item.organization.name}"


# Offers, needs and challenges


@transaction.atomic
def exchange_item_create(
    *, actor: Actor, organization: Organization, values: Mapping[str, Any]
) -> ExchangeItem:
    """An offer, a need or a challenge of `organization`."""
    require(
        permissions.can_manage_items(actor, organization),
        _("You may not add offers, needs or challenges for this organisation"),
    )
    clean, errors = clean_exchange_item(values)
    if errors:
        raise InvalidValues(errors)
    now = timezone.now()
    item = ExchangeItem.objects.create(
        **clean, organization=organization, created_at=now, updated_at=now
    )
    audit_record(
        actor=actor,
        action=f"{item.kind}.create",
        target=item,
        summary=_item_summary(item),
        organizations=[organization],
    )
    return item


@transaction.atomic
def exchange_item_update(
    *, actor: Actor, item: ExchangeItem, values: Mapping[str, Any]
) -> ExchangeItem:
    """Change some fields of an offer, need or challenge (its kind stays)."""
    require(
        permissions.can_change_item(actor, item),
        _("You may not change this organisation's offers, needs or challenges"),
    )
    item = ExchangeItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if "kind" in values and str(values["kind"]).strip().lower() != item.kind:
        raise InvalidValues({"kind": _("cannot be changed; withdraw this and add a new one")})
    merged = {field: getattr(item, field) for field in FIELDS} | dict(values)
    clean, errors = clean_exchange_item(merged | {"kind": item.kind})
    if errors:
        raise InvalidValues(errors)
    changed = [field for field in FIELDS if clean[field] != getattr(item, field)]
    for field in changed:
        setattr(item, field, clean[field])
    item.updated_at = timezone.now()
    item.save(update_fields=[*changed, "updated_at"])
    audit_record(
        actor=actor,
        action=f"{item.kind}.update",
        target=item,
        summary=f"{_item_summary(item)}: {', '.join(changed) or 'no change'}",
        organizations=[item.organization_id],
    )
    return item


@transaction.atomic
def exchange_item_withdraw(*, actor: Actor, item: ExchangeItem) -> ExchangeItem:
    """Take an offer, need or challenge off the exchange (kept for the record). Withdrawing
    one that is withdrawn already changes nothing."""
    require(
        permissions.can_change_item(actor, item),
        _("You may not withdraw this organisation's offers, needs or challenges"),
    )
    item = ExchangeItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    if not item.active:
        return item
    item.active = False
    item.updated_at = timezone.now()
    item.save(update_fields=["active", "updated_at"])
    audit_record(
        actor=actor,
        action=f"{item.kind}.withdraw",
        target=item,
        summary=_item_summary(item),
        organizations=[item.organization_id],
    )
    return item


# Introductions


@transaction.atomic
def introduction_request(
    *,
    actor: Actor,
    requester: Organization,
    recipient: Organization,
    message: str,
    item: ExchangeItem | None = None,
) -> Introduction:
    """Ask `recipient` for an introduction. Refused to oneself, between organisations not
    (yet) in the directory, when blocked, while a request between the two waits, and
    beyond the daily limit per organisation."""
    require(
        permissions.can_request_introduction(actor, requester),
        _("You do not speak for an organisation in the directory"),
    )
    message = check_text(message, field="message", max_length=LONG_TEXT).strip()
    if requester.pk == recipient.pk:
        raise DomainError(_("An organisation cannot ask to be introduced to itself"))
    if recipient.approval != APPROVED:
        raise DomainError(_("This organisation is not in the directory"), field="recipient")
    if not message:
        raise DomainError(_("Say why you would like to meet"), field="message")
    if Block.objects.filter(organization=recipient, blocked=requester).exists():
        raise DomainError(_("This organisation does not accept requests from yours"))
    # parallel requests of one sender count each other
    lock_objects.organizations_for_update([requester.pk])
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
        message=message,
        requested_by=actor if getattr(actor, "pk", None) else None,
        created_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="introduction.request",
        target=introduction,
        summary=f"{requester.name} asks to meet {recipient.name}",
        organizations=[requester, recipient],
    )
    notify(
        users=speakers_of([recipient.pk]),
        subject=gettext_lazy("%(name)s would like to meet you"),
        params={"name": requester.name},
        body=message,
        link=("exchange:introduction", [introduction.pk]),
        kind="introductions",
    )
    return introduction


@transaction.atomic
def introduction_answer(*, actor: Actor, introduction: Introduction, accept: bool) -> Introduction:
    """The recipient accepts (contacts are shared and an informal relationship, claimed
    by both sides, is recorded as confirmed) or declines."""
    introduction = lock_objects.introduction_for_update(introduction.pk)
    require(
        permissions.can_answer_introduction(actor, introduction),
        _("Only the organisation asked answers"),
    )
    if introduction.status != Introduction.Status.PENDING:
        raise DomainError(_("This request has been answered already"))
    introduction.status = Introduction.Status.ACCEPTED if accept else Introduction.Status.DECLINED
    introduction.decided_by = actor if getattr(actor, "pk", None) else None
    introduction.decided_at = timezone.now()
    if accept:
        introduction.relationship = _informal_tie(introduction, actor=actor)
    introduction.save(update_fields=["status", "decided_by", "decided_at", "relationship"])
    requester, recipient = introduction.requester, introduction.recipient
    audit_record(
        actor=actor,
        action="introduction.accept" if accept else "introduction.decline",
        target=introduction,
        summary=f"{recipient.name} {'accepted' if accept else 'declined'} {requester.name}",
        organizations=[requester, recipient],
    )
    notify(
        users=speakers_of([requester.pk]),
        subject=(
            gettext_lazy("%(name)s accepted your request: you can now contact each other")
            if accept
            else gettext_lazy("%(name)s declined your request")
        ),
        params={"name": recipient.name},
        link=("exchange:introduction", [introduction.pk]),
        kind="introductions",
    )
    return introduction


def _informal_tie(introduction: Introduction, *, actor: Actor) -> Relationship:
    """The tie between the two sides: an existing one, or a new informal collaboration,
    claimed for the requester (by the person who asked, or by the system when that person
    no longer speaks for it: the request was the claim) and confirmed by the recipient's
    person who accepts."""
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
    asker = introduction.requested_by
    tie = network_services.relationship_claim(
        actor=asker if asker and can_act_for(asker, requester) else system_actor(),
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
    return network_services.relationship_confirm(actor=actor, relationship=tie, by=recipient)


@transaction.atomic
def introduction_block(*, actor: Actor, organization: Organization, blocked: Organization) -> Block:
    """`organization` accepts no more requests from `blocked`; its waiting requests are
    declined."""
    require(
        permissions.can_block_for(actor, organization),
        _("You may not speak for this organisation"),
    )
    if organization.pk == blocked.pk:
        raise DomainError(_("An organisation cannot block itself"))
    now = timezone.now()
    made, _created = Block.objects.get_or_create(
        organization=organization, blocked=blocked, defaults={"created_at": now}
    )
    Introduction.objects.filter(
        requester=blocked, recipient=organization, status=Introduction.Status.PENDING
    ).update(status=Introduction.Status.DECLINED, decided_at=now)
    audit_record(
        actor=actor,
        action="introduction.block",
        target=made,
        summary=f"{organization.name} blocks requests from {blocked.name}",
        organizations=[organization, blocked],
    )
    return made


@transaction.atomic
def introduction_unblock(
    *, actor: Actor, organization: Organization, blocked: Organization
) -> None:
    """`organization` accepts requests from `blocked` again."""
    require(
        permissions.can_block_for(actor, organization),
        _("You may not speak for this organisation"),
    )
    block = Block.objects.filter(organization=organization, blocked=blocked).first()
    if block is None:
        return
    audit_record(
        actor=actor,
        action="introduction.unblock",
        target=block,
        summary=f"{organization.name} accepts requests from {blocked.name} again",
        organizations=[organization, blocked],
    )
    block.delete()


# Notice boards


def _day(value: Any, field: str) -> dt.date:
    """A date (a datetime's day), or its ISO text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        message = _("%(value)r is not a date") % {"value": str(value)[:40]}
        raise OutOfBounds(message, field=field) from None


def _check_notice(
    values: dict[str, Any], *, today: dt.date, stored: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """Check and clean a notice's values in place; {field: reason} of those refused. A
    date left as `stored` (a notice saved again) is not checked again: it may be past."""
    errors: dict[str, str] = {}
    kind = values.get("kind")
    if kind not in Notice.Kind.values:
        errors["kind"] = _("%(value)r is not one of %(allowed)s") % {
            "value": str(kind)[:40],
            "allowed": ", ".join(Notice.Kind.values),
        }
    for field, length in NOTICE_TEXTS.items():
        try:
            values[field] = check_text(values.get(field), field=field, max_length=length).strip()
        except OutOfBounds as error:
            errors[field] = error.message
    for field in ("title", "body"):
        if field not in errors and not values[field]:
            errors[field] = _("is required")
    horizon = today + dt.timedelta(days=NOTICE_HORIZON_DAYS)
    for field in ("needed_by", "starts_at", "expires_on"):
        if values.get(field) in (None, ""):
            values.pop(field, None)
            continue
        try:
            day = _day(values[field], field)
            kept = stored is not None and stored.get(field) in (values[field], day)
            if not kept:
                check_date(day, field=field, not_past=True, today=today)
            if day > horizon and not kept:
                raise OutOfBounds(
                    _("is more than a year ahead (at most %(date)s)")
                    % {"date": horizon.isoformat()},
                    field=field,
                )
            if field != "starts_at":
                values[field] = day
            elif not isinstance(values[field], dt.datetime):
                raise OutOfBounds(_("is a date and a time"), field=field)
        except OutOfBounds as error:
            errors[field] = error.message
    if kind == Notice.Kind.HELP and not values.get("needed_by") and "needed_by" not in errors:
        errors["needed_by"] = _("a call for help says when the help is needed")
    if kind == Notice.Kind.EVENT and not values.get("starts_at") and "starts_at" not in errors:
        errors["starts_at"] = _("an event says when it starts")
    for field, limit in (("latitude", 90), ("longitude", 180)):
        value = values.get(field)
        if value is None:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not -limit <= value <= limit
        ):
            errors[field] = _("must be a number from %(low)d to %(high)d") % {
                "low": -limit,
                "high": limit,
            }
    for name in sorted(set(values) - NOTICE_FIELDS):
        errors[str(name)[:60]] = _("is not a field of a notice")
    return errors


def _expiry(needed_by: dt.date | None, starts_at: dt.datetime | None, today: dt.date) -> dt.date:
    """A notice's expiry when none is given: its needed-by date, else its start, else 30
    days from today."""
    return needed_by or (starts_at.date() if starts_at else today + dt.timedelta(30))


@transaction.atomic
def notice_post(
    *,
    actor: Actor,
    network: Network,
    organization: Organization,
    values: Mapping[str, Any],
) -> Notice:
    """A notice on `network`'s board by one of its member organisations. It is shown until
    its expiry date, from today to a year ahead; a call for help needs its needed-by date
    (which is also its default expiry), an event its start (likewise); otherwise it is
    shown for 30 days."""
    require(
        permissions.can_post_notice(actor, organization),
        _("Only people of the network's members post on its board"),
    )
    if not NetworkMembership.objects.filter(
        network=network, organization=organization, status=NetworkMembership.Status.MEMBER
    ).exists():
        raise DomainError(_("Only the network's member organisations post on its board"))
    values = dict(values)
    today = timezone.localdate()
    errors = _check_notice(values, today=today)
    values["urgent"] = bool(values.get("urgent"))
    if values["urgent"] and values.get("kind") != Notice.Kind.HELP:
        errors["urgent"] = _("only a call for help is urgent")
    if errors:
        raise InvalidValues(errors)
    if not values.get("expires_on"):
        values["expires_on"] = _expiry(values.get("needed_by"), values.get("starts_at"), today)
    if values.get("latitude") is None or values.get("longitude") is None:
        values["latitude"], values["longitude"] = organization.latitude, organization.longitude
    notice = Notice.objects.create(
        **values,
        network=network,
        organization=organization,
        created_by=actor if getattr(actor, "pk", None) else None,
        created_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="notice.post",
        target=notice,
        summary=f"{notice.kind} “{notice.title}” by {organization.name}",
        organizations=[organization],
        network=network,
    )
    if notice.urgent:
        # the bat signal: every member organisation's admins, at once
        notify(
            users=member_speakers(network, roles=[OrganizationRole.Role.ADMIN]),
            subject=gettext_lazy("Urgent call for help from %(org)s: %(title)s"),
            body=notice.body,
            params={"org": organization.name, "title": notice.title},
            link=("exchange:notice", [notice.pk]),
            kind="notices",
            urgent=True,
        )
    return notice


NOTICE_EDITABLE = NOTICE_FIELDS - {"urgent"}


@transaction.atomic
def notice_update(*, actor: Actor, notice: Notice, values: Mapping[str, Any]) -> Notice:
    """Change a notice on the board (the fields given; the others stay), by the people
    who speak for its poster, until it is withdrawn. Whether it is urgent stays as posted:
    the alert went out once."""
    require(
        permissions.can_edit_notice(actor, notice),
        _("Only the people of the organisation that posted a notice change it"),
    )
    fresh = Notice.objects.select_for_update(of=("self",)).get(pk=notice.pk)
    if fresh.withdrawn:
        raise DomainError(_("A withdrawn notice is not changed"))
    stored = {field: getattr(fresh, field) for field in NOTICE_EDITABLE}
    merged = stored | dict(values)
    today = timezone.localdate()
    errors = _check_notice(merged, today=today, stored=stored)
    if "urgent" in values:
        errors["urgent"] = _("stays as posted")
    if fresh.urgent and merged.get("kind") != Notice.Kind.HELP and "kind" not in errors:
        errors["kind"] = _("an urgent notice stays a call for help")
    if errors:
        raise InvalidValues(errors)
    for field in NOTICE_EDITABLE:
        setattr(fresh, field, merged.get(field))
    if not fresh.expires_on:
        fresh.expires_on = _expiry(fresh.needed_by, fresh.starts_at, today)
    fresh.save(update_fields=sorted(NOTICE_EDITABLE))
    audit_record(
        actor=actor,
        action="notice.update",
        target=fresh,
        summary=f"{fresh.kind} “{fresh.title}” ({', '.join(sorted(values)) or '-'})",
        organizations=[fresh.organization_id],
        network=fresh.network_id,
    )
    return fresh


@transaction.atomic
def notice_withdraw(*, actor: Actor, notice: Notice) -> Notice:
    """Take a notice off the board: its poster, or the network's coordinators. Withdrawing
    one that is withdrawn already changes nothing."""
    require(
        permissions.can_withdraw_notice(actor, notice),
        _("Only the poster or the network's coordinators withdraw a notice"),
    )
    notice = Notice.objects.select_for_update(of=("self",)).get(pk=notice.pk)
    if notice.withdrawn:
        return notice
    notice.withdrawn = True
    notice.save(update_fields=["withdrawn"])
    audit_record(
        actor=actor,
        action="notice.withdraw",
        target=notice,
        summary=f"{notice.kind} “{notice.title}”",
        organizations=[notice.organization_id],
        network=notice.network_id,
    )
    return notice


# Member deals


def _check_deal(values: dict[str, Any], *, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    for field, length in DEAL_TEXTS.items():
        try:
            values[field] = check_text(values.get(field), field=field, max_length=length).strip()
        except OutOfBounds as error:
            errors[field] = error.message
    if "title" not in errors and not values["title"]:
        errors["title"] = _("is required")
    percent = values.get("discount_percent")
    if isinstance(percent, bool) or not isinstance(percent, int) or not 1 <= percent <= 100:
        errors["discount_percent"] = _("is a percentage from 1 to 100")
    if values.get("audience") not in Deal.Audience.values:
        errors["audience"] = _("%(value)r is not one of %(allowed)s") % {
            "value": str(values.get("audience"))[:40],
            "allowed": ", ".join(Deal.Audience.values),
        }
    elif values["audience"] == Deal.Audience.NETWORK and values.get("network") is None:
        errors["network"] = _("a deal for a network's members names the network")
    elif values["audience"] != Deal.Audience.NETWORK:
        values["network"] = None
    if values.get("network") is not None and not isinstance(values["network"], Network):
        errors["network"] = _("is not a network")
    if values.get("valid_until") in (None, ""):
        values["valid_until"] = None
    else:
        try:
            day = _day(values["valid_until"], "valid_until")
            values["valid_until"] = check_date(day, field="valid_until", not_past=True, today=today)
        except OutOfBounds as error:
            errors["valid_until"] = error.message
    allowed = {"title", "description", "discount_percent", "audience", "network", "valid_until"}
    for name in sorted(set(values) - allowed):
        errors[str(name)[:60]] = _("is not a field of a member deal")
    return errors


@transaction.atomic
def deal_create(*, actor: Actor, organization: Organization, values: Mapping[str, Any]) -> Deal:
    """A discount for members of other co-ops, of a network, or for volunteers and
    social-sector workers."""
    require(
        permissions.can_manage_deals(actor, organization),
        _("You may not offer deals for this organisation"),
    )
    values = dict(values)
    errors = _check_deal(values, today=timezone.localdate())
    if errors:
        raise InvalidValues(errors)
    deal = Deal.objects.create(**values, organization=organization, created_at=timezone.now())
    audit_record(
        actor=actor,
        action="deal.create",
        target=deal,
        summary=f"“{deal.title}” ({deal.discount_percent}%) by {organization.name}",
        organizations=[organization],
        network=deal.network_id,
    )
    return deal


@transaction.atomic
def deal_withdraw(*, actor: Actor, deal: Deal) -> Deal:
    """End a deal (kept with its redemptions). Withdrawing it again changes nothing."""
    require(
        permissions.can_change_deal(actor, deal),
        _("You may not withdraw this organisation's deals"),
    )
    deal = lock_objects.deal_for_update(deal.pk)
    if not deal.active:
        return deal
    deal.active = False
    deal.save(update_fields=["active"])
    audit_record(
        actor=actor,
        action="deal.withdraw",
        target=deal,
        summary=f"“{deal.title}” of {deal.organization.name}",
        organizations=[deal.organization_id],
        network=deal.network_id,
    )
    return deal


@transaction.atomic
def deal_redeem(*, actor: Actor, deal: Deal, card: cards.Card) -> Redemption:
    """Count one use of `deal` by the holder of `card`, once per card code. The caller has
    read the card (signature and expiry); the holder's eligibility is checked here."""
    require(
        permissions.can_redeem(actor, deal),
        _("Only the offering organisation records the use of its deals"),
    )
    deal = lock_objects.deal_for_update(deal.pk)
    refusal = selectors.deal_eligibility(deal=deal, card=card)
    if refusal:
        raise DomainError(refusal)
    try:
        with transaction.atomic():
            redemption = Redemption.objects.create(
                deal=deal,
                holder_id=card.user_id,
                holder_organization_id=card.organization_id,
                code_id=card.code_id,
                verified_by=actor if getattr(actor, "pk", None) else None,
                redeemed_at=timezone.now(),
            )
    except IntegrityError:
        raise DomainError(_("This card code has been used for this deal already")) from None
    audit_record(
        actor=actor,
        action="deal.redeem",
        target=redemption,
        summary=f"“{deal.title}” of {deal.organization.name} used by a member",
        organizations=[deal.organization_id, card.organization_id],
        network=deal.network_id,
    )
    return redemption
