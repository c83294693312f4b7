"""The delivery of an awarded goods round: recorded once, corrected by new entries of an
append-only log. Each member is invoiced its part (an obligation to the supplier) and
each correction invoices or credits the difference; the people concerned hear of it in
one notification per delivery, not one per invoice. Writes as in `services`: the rule
checked by the service, in one transaction with the round locked first."""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.clearing.models import Obligation
from intercoop.clearing.services import obligation_record
from intercoop.core.audit import audit_record
from intercoop.core.bounds import MAX_MONEY, check_money, check_text
from intercoop.core.errors import DomainError
from intercoop.core.money import format_money
from intercoop.core.permissions import recorded_user, require
from intercoop.core.services import notify
from intercoop.directory.models import Organization
from intercoop.directory.selectors import speakers_of
from intercoop.purchasing import lock_objects, permissions
from intercoop.purchasing.checks import Errors, check_units, plain, refuse_unratified
from intercoop.purchasing.models import Article, Delivery, OrderRow, Round
from intercoop.purchasing.selectors import member_costs, round_facts

Actor = User | AnonymousUser | None


def _user(actor: Actor) -> User | AnonymousUser:
    """The actor as the rules take it (an anonymous user for None)."""
    return AnonymousUser() if actor is None else actor


def _received(
    received: Mapping[int, Decimal], articles: Mapping[int, Article], errors: Errors
) -> dict[int, Decimal | None]:
    """The units received of each article named, checked (whole unless sold by weight)."""
    amounts: dict[int, Decimal | None] = {}
    for pk, amount in received.items():
        if pk not in articles:
            errors.add(f"received[{pk}]", _("is not an article of this round"))
        else:
            amounts[pk] = errors.check(
                check_units, amount, field=f"received[{pk}]", whole=not articles[pk].by_weight
            )
    return amounts


def _entry(
    actor: Actor, round: Round, articles: Mapping[int, Article], **fields: object
) -> Delivery:
    """A new entry of the delivery log: the articles' received units as they now stand."""
    return Delivery.objects.create(
        round=round, received={str(pk): plain(a.received) for pk, a in articles.items()
                               if a.received is not None},
        transport_cost=round.transport_cost, recorded_by=recorded_user(actor),
        recorded_at=timezone.now(), **fields,
    )  # fmt: skip


def _tell_debtors(round: Round, debtors: list[Organization], subject: object) -> None:
    """One notification for every invoice of a delivery (each debtor confirms its own)."""
    if debtors:
        notify(
            users=speakers_of([o.pk for o in debtors]),
            subject=subject,  # type: ignore[arg-type]
            params={"round": round.title, "supplier": round.contract.bid.supplier.name},
            link=("purchasing:round", [round.pk]),
            kind="invoices",
        )


@transaction.atomic
def delivery_record(
    *, actor: Actor, round: Round, received: Mapping[int, Decimal], transport_cost: int = 0
) -> Round:
    """What arrived of each article (missing articles: all that was ordered) and the
    transport cost (minor units); what arrived is then shared by the round's rule, and
    each member is invoiced for its part (an obligation to the supplier)."""
    fresh = lock_objects.round_for_update(round.pk)
    require(
        permissions.can_coordinate(_user(actor), fresh),
        _("Only the round's coordinators record deliveries"),
    )
    if not (fresh.is_awarded and fresh.is_goods):
        raise DomainError(_("Deliveries are recorded for an awarded goods round"))
    refuse_unratified(fresh)
    errors = Errors()
    errors.check(check_money, transport_cost, field="transport_cost")
    articles = lock_objects.articles_for_update(fresh.pk)
    amounts = _received(received, articles, errors)
    errors.raise_any()
    for pk, received_units in amounts.items():
        articles[pk].received = received_units
        articles[pk].save(update_fields=["received"])
    fresh.transport_cost = round.transport_cost = transport_cost
    fresh.status = round.status = Round.Status.DELIVERED
    fresh.save(update_fields=["transport_cost", "status"])
    _entry(actor, fresh, articles)
    invoiced = _invoice_delivery(actor, fresh)
    _tell_debtors(
        fresh, invoiced,
        gettext_lazy("%(supplier)s invoiced your part of %(round)s: confirm the invoice"),
    )  # fmt: skip
    supplier = fresh.contract.bid.supplier
    audit_record(
        actor=actor, action="delivery.record", target=fresh, network=fresh.network,
        organizations=[supplier, *invoiced],
        summary=_("delivery of %(round)s recorded (transport %(transport)s); "
                  "%(members)s members invoiced")
        % {"round": fresh.title, "transport": format_money(transport_cost, fresh.currency),
           "members": len(invoiced)},
    )  # fmt: skip
    return fresh


@transaction.atomic
def delivery_correct(
    *, actor: Actor, round: Round, received: Mapping[int, Decimal], transport_cost: int,
    reason: str,
) -> Delivery:  # fmt: skip
    """Correct a recorded delivery by a new entry of the delivery log that names the one
    it corrects: what arrived of each article (missing articles: as recorded before) and
    the transport cost. Nothing recorded is changed: each member whose part changes is
    invoiced the difference, or credited it (an invoice from the supplier to the member).
    A round marked delivered without an entry (or delivered before the log) first gets
    one of the figures it records, so that the correction names what it corrects."""
    fresh = lock_objects.round_for_update(round.pk)
    require(
        permissions.can_coordinate(_user(actor), fresh),
        _("Only the round's coordinators correct deliveries"),
    )
    if not (fresh.is_delivered and fresh.is_goods):
        raise DomainError(_("Only a delivered goods round's delivery is corrected"))
    errors = Errors()
    errors.check(check_money, transport_cost, field="transport_cost")
    why = (errors.check(check_text, reason, field="reason", max_length=300) or "").strip()
    if "reason" not in errors.errors and not why:
        errors.add("reason", _("Say why"))
    articles = lock_objects.articles_for_update(fresh.pk)
    amounts = _received(received, articles, errors)
    errors.raise_any()
    corrected = fresh.deliveries.order_by("recorded_at", "pk").last() or _entry(
        actor, fresh, articles, reason=_("as recorded before the first correction")
    )
    before = {c.member: c.cost + c.transport for c in member_costs(facts=round_facts(round=fresh))}
    for pk, units in amounts.items():
        articles[pk].received = units
        articles[pk].save(update_fields=["received"])
    fresh.transport_cost = round.transport_cost = transport_cost
    fresh.save(update_fields=["transport_cost"])
    after = {c.member: c.cost + c.transport for c in member_costs(facts=round_facts(round=fresh))}
    entry = _entry(actor, fresh, articles, corrects=corrected, reason=why)
    supplier = fresh.contract.bid.supplier
    members = {o.slug: o for o in Organization.objects.filter(slug__in=set(before) | set(after))}
    due = timezone.localdate() + dt.timedelta(days=30)
    touched, debtors = [], []
    for slug in sorted(set(before) | set(after)):
        member, change = members.get(slug), after.get(slug, 0) - before.get(slug, 0)
        if member is None or member == supplier or change == 0:
            continue
        if abs(change) > MAX_MONEY:
            raise DomainError(_("%(member)s's correction is too large") % {"member": member.name})
        debtor, creditor = (member, supplier) if change > 0 else (supplier, member)
        obligation_record(
            actor=_user(actor), debtor=debtor, creditor=creditor,
            source=Obligation.Source.PURCHASING, notify_other=False,
            values={"amount": abs(change), "currency": fresh.currency, "due_on": due,
                    "reference": (_("Correction: %(round)s") % {"round": fresh.title})[:200],
                    "round": fresh},
        )  # fmt: skip
        touched.append(member)
        if debtor not in debtors:
            debtors.append(debtor)
    _tell_debtors(
        fresh, debtors,
        gettext_lazy("The delivery of %(round)s was corrected: confirm the difference invoiced"),
    )  # fmt: skip
    audit_record(
        actor=actor, action="delivery.correct", target=entry, network=fresh.network,
        organizations=[supplier, *touched],
        summary=_("delivery of %(round)s corrected (%(reason)s); %(members)s members invoiced "
                  "or credited the difference")
        % {"round": fresh.title, "reason": why, "members": len(touched)},
    )  # fmt: skip
    return entry


def _invoice_delivery(actor: Actor, round: Round) -> list[Organization]:
    """Each member owes the supplier what it received and its transport: an obligation
    that member confirms and the network's clearing runs can settle without cash."""
    supplier = round.contract.bid.supplier
    members = {o.slug: o for o in Organization.objects.filter(
        pk__in=OrderRow.objects.filter(article__round=round).values("member_id"))}  # fmt: skip
    due = timezone.localdate() + dt.timedelta(days=30)
    invoiced = []
    for cost in member_costs(facts=round_facts(round=round)):
        member = members.get(cost.member)
        amount = cost.cost + cost.transport
        if member is None or member == supplier or amount <= 0:
            continue
        if amount > MAX_MONEY:
            raise DomainError(
                _("%(member)s would owe more than 10^15 minor units") % {"member": member.name}
            )
        obligation_record(
            actor=_user(actor), debtor=member, creditor=supplier,
            source=Obligation.Source.PURCHASING, notify_other=False,
            values={"amount": amount, "currency": round.currency, "due_on": due,
                    "reference": round.title[:200], "round": round},
        )  # fmt: skip
        invoiced.append(member)
    return invoiced
