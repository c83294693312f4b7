"""Writes to joint purchasing. Callers check who may act (core.permissions) first; the
services check the round's timeline and the order log's rules."""

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.clearing.models import Obligation
from intercoop.clearing.services import obligation_record
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.money import CURRENCY
from intercoop.directory.models import Network, NetworkMembership, Organization
from intercoop.purchasing.models import (
    Article,
    Bid,
    Bill,
    Commitment,
    Contract,
    OrderRow,
    Override,
    Patronage,
    PatronageAllocation,
    Round,
)
from intercoop.purchasing.pricing import CRITERIA, patronage
from intercoop.purchasing.selectors import member_costs, member_purchases, round_facts

# the timeline: from each status, the statuses a coordinator may move the round to
NEXT = {
    Round.Status.OPEN: [Round.Status.CLOSED],
    Round.Status.CLOSED: [Round.Status.OPEN, Round.Status.BIDDING],
    Round.Status.BIDDING: [],  # awarding moves it on
    Round.Status.AWARDED: [Round.Status.DELIVERED, Round.Status.ACTIVE],
    Round.Status.DELIVERED: [Round.Status.SETTLED],
    Round.Status.ACTIVE: [Round.Status.SETTLED],
    Round.Status.SETTLED: [],
}


@transaction.atomic
def round_create(
    *,
    network: Network,
    coordinator: User,
    values: Mapping[str, Any],
    articles: Sequence[Mapping[str, Any]] = (),
) -> Round:
    """A new round, open for orders, with its articles (goods rounds)."""
    values = dict(values)
    errors: dict[str, str] = {}
    if not str(values.get("title") or "").strip():
        errors["title"] = _("is required")
    if values.get("kind") not in Round.Kind.values:
        errors["kind"] = _("is goods or service")
    currency = str(values.get("currency") or "").upper()
    if not CURRENCY.match(currency):
        errors["currency"] = _("%(value)r is not an ISO 4217 currency code") % {"value": currency}
    values["currency"] = currency
    if values.get("kind") == Round.Kind.SERVICE and not values.get("volume_unit"):
        errors["volume_unit"] = _("a service round says what members commit (kWh/year, …)")
    if errors:
        raise InvalidValues(errors)
    made = Round.objects.create(
        **values, network=network, coordinator=coordinator, created_at=timezone.now()
    )
    for n, article in enumerate(articles, start=1):
        if not str(article.get("name") or "").strip():
            raise InvalidValues({f"articles[{n}].name": _("is required")})
        if int(article.get("case_size") or 1) < 1:
            raise InvalidValues({f"articles[{n}].case_size": _("is at least 1")})
        Article.objects.create(round=made, **article)
    return made


def _open(round: Round) -> None:
    if round.status != Round.Status.OPEN:
        raise DomainError(_("The round is closed: orders and commitments can no longer change"))


def _member(round: Round, organization: Organization) -> None:
    if not NetworkMembership.objects.filter(
        network=round.network, organization=organization, status=NetworkMembership.Status.MEMBER
    ).exists():
        raise DomainError(_("Only the network's members take part in its rounds"))


@transaction.atomic
def order_set(
    *,
    actor: User | None,
    article: Article,
    member: Organization,
    quantity: Decimal,
    tolerance: Decimal,
) -> list[OrderRow]:
    """Set a member's order of an article to `quantity` with `tolerance`. An increase is a
    new row of the log; a decrease comes off the member's newest rows first, so that its
    earlier rows keep their place. Returns the member's rows."""
    round = Round.objects.select_for_update().get(pk=article.round_id)
    _open(round)
    _member(round, member)
    errors = {}
    for field, value in (("quantity", quantity), ("tolerance", tolerance)):
        if value < 0:
            errors[field] = _("is not negative")
        elif not article.by_weight and value != value.to_integral_value():
            errors[field] = _("is a whole number of units")
    if errors:
        raise InvalidValues(errors)
    rows = list(OrderRow.objects.filter(article=article, member=member).order_by("placed_at", "pk"))
    had_q = sum((r.quantity for r in rows), Decimal(0))
    had_t = sum((r.tolerance for r in rows), Decimal(0))
    for field, wanted, had in (("quantity", quantity, had_q), ("tolerance", tolerance, had_t)):
        surplus = had - wanted
        for row in reversed(rows):
            if surplus <= 0:
                break
            taken = min(getattr(row, field), surplus)
            setattr(row, field, getattr(row, field) - taken)
            surplus -= taken
    for row in rows:
        if row.quantity == 0 and row.tolerance == 0:
            row.delete()
        else:
            row.save(update_fields=["quantity", "tolerance"])
    if quantity > had_q or tolerance > had_t:
        OrderRow.objects.create(
            article=article,
            member=member,
            quantity=max(quantity - had_q, Decimal(0)),
            tolerance=max(tolerance - had_t, Decimal(0)),
            placed_at=timezone.now(),
            placed_by=actor,
        )
    return list(OrderRow.objects.filter(article=article, member=member))


def commitment_set(
    *, round: Round, member: Organization, volume: Decimal, current_price: Decimal
) -> Commitment:
    """A member's annual volume in a service round and the price it pays per unit today
    (minor units), which its savings are measured against."""
    _open(round)
    _member(round, member)
    if round.kind != Round.Kind.SERVICE:
        raise DomainError(_("Goods rounds take orders, not commitments"))
    errors = {}
    if volume < 0:
        errors["volume"] = _("is not negative")
    if current_price < 0:
        errors["current_price"] = _("is not negative")
    if errors:
        raise InvalidValues(errors)
    commitment, _created = Commitment.objects.update_or_create(
        round=round,
        member=member,
        defaults={"volume": volume, "current_price": current_price, "updated_at": timezone.now()},
    )
    return commitment


@transaction.atomic
def round_move(*, round: Round, to: str) -> Round:
    """Move a round along its timeline (open ⇄ closed → bidding; awarded → delivered or
    active → settled)."""
    fresh = Round.objects.select_for_update().get(pk=round.pk)
    if to not in NEXT[Round.Status(fresh.status)]:
        raise DomainError(
            _("A round that is %(now)s cannot become %(to)s")
            % {"now": fresh.get_status_display(), "to": to}
        )
    fresh.status = round.status = to
    fresh.save(update_fields=["status"])
    return fresh


def _plain(value: Any) -> str:
    """A number as plain decimal text ("4000", not "4.0E+3"), for JSON."""
    return format(Decimal(str(value)).normalize(), "f")


def bid_submit(
    *, actor: User | None, round: Round, supplier: Organization, values: Mapping[str, Any]
) -> Bid:
    """A supplier's bid while the round takes bids (one per supplier; a new one replaces
    it). Tiers are [[from volume, unit price]] starting at 0; goods bids price articles."""
    if round.status != Round.Status.BIDDING:
        raise DomainError(_("The round is not taking bids"))
    mode = values.get("mode")
    if mode not in Bid.Mode.values:
        raise InvalidValues({"mode": _("is all_units or incremental")})
    tiers, prices = values.get("tiers") or [], values.get("article_prices") or {}
    if round.kind == Round.Kind.SERVICE:
        try:
            tiers = sorted([[_plain(a), _plain(p)] for a, p in tiers],
                           key=lambda t: Decimal(t[0]))  # fmt: skip
        except (ArithmeticError, ValueError, TypeError):
            raise InvalidValues({"tiers": _("each tier is [from volume, unit price]")}) from None
        if not tiers or Decimal(tiers[0][0]) != 0:
            raise InvalidValues({"tiers": _("the first tier starts at volume 0")})
    else:
        names = {str(a.pk) for a in round.articles.all()}
        if set(map(str, prices)) != names:
            raise InvalidValues({"article_prices": _("a goods bid prices every article")})
        prices = {str(k): _plain(v) for k, v in prices.items()}
    bid, _created = Bid.objects.update_or_create(
        round=round,
        supplier=supplier,
        defaults={
            "mode": mode,
            "tiers": tiers,
            "article_prices": prices,
            "evidence": str(values.get("evidence") or "")[:5000],
            "submitted_by": actor,
            "created_at": timezone.now(),
        },
    )
    return bid


def bid_score(*, bid: Bid, scores: Mapping[str, int | str]) -> Bid:
    """The coordinator's 0–5 score of a bid on each social criterion."""
    clean = {}
    for criterion in CRITERIA:
        raw = str(scores.get(criterion) or 0).strip()
        if not raw.isdigit() or not 0 <= int(raw) <= 5:
            raise InvalidValues({criterion: _("is scored from 0 to 5")})
        clean[criterion] = int(raw)
    bid.scores = clean
    bid.save(update_fields=["scores"])
    return bid


@transaction.atomic
def round_award(
    *, actor: User | None, round: Round, bid: Bid, starts_on: dt.date, ends_on: dt.date,
    renewal_on: dt.date | None = None,
) -> Contract:  # fmt: skip
    """Award the round to `bid`: a contract with its term and renewal date; a goods round's
    articles take the bid's prices."""
    given, round = round, Round.objects.select_for_update().get(pk=round.pk)
    if round.status != Round.Status.BIDDING:
        raise DomainError(_("Only a round taking bids is awarded"))
    if bid.round_id != round.pk:
        raise DomainError(_("This bid is for another round"))
    if ends_on <= starts_on:
        raise InvalidValues({"ends_on": _("is after the start")})
    renewal_on = renewal_on or ends_on - dt.timedelta(days=60)
    for article in round.articles.all():
        article.price = Decimal(bid.article_prices.get(str(article.pk), "0"))
        article.save(update_fields=["price"])
    round.status = given.status = Round.Status.AWARDED
    round.save(update_fields=["status"])
    return Contract.objects.create(
        round=round, bid=bid, starts_on=starts_on, ends_on=ends_on, renewal_on=renewal_on,
        awarded_by=actor, awarded_at=timezone.now(),
    )  # fmt: skip


@transaction.atomic
def delivery_record(
    *, round: Round, received: Mapping[int, Decimal], transport_cost: int = 0
) -> Round:
    """What arrived of each article (missing articles: all that was ordered) and the
    transport cost (minor units); what arrived is then shared by the round's rule, and
    each member is invoiced for its part (an obligation to the supplier)."""
    fresh = Round.objects.select_for_update().get(pk=round.pk)
    if fresh.status != Round.Status.AWARDED or fresh.kind != Round.Kind.GOODS:
        raise DomainError(_("Deliveries are recorded for an awarded goods round"))
    errors = {}
    if transport_cost < 0:
        errors["transport_cost"] = _("is not negative")
    articles = {a.pk: a for a in fresh.articles.all()}
    for pk, amount in received.items():
        if pk not in articles:
            errors[f"received[{pk}]"] = _("is not an article of this round")
        elif amount < 0:
            errors[f"received[{pk}]"] = _("is not negative")
    if errors:
        raise InvalidValues(errors)
    for pk, amount in received.items():
        articles[pk].received = amount
        articles[pk].save(update_fields=["received"])
    fresh.transport_cost = round.transport_cost = transport_cost
    fresh.status = round.status = Round.Status.DELIVERED
    fresh.save(update_fields=["transport_cost", "status"])
    _invoice_delivery(fresh)
    return fresh


def _invoice_delivery(round: Round) -> None:
    """Each member owes the supplier what it received and its transport: an obligation
    that member confirms and the network's clearing runs can settle without cash."""
    supplier = round.contract.bid.supplier
    members = {o.slug: o for o in Organization.objects.filter(
        pk__in=OrderRow.objects.filter(article__round=round).values("member_id"))}  # fmt: skip
    due = timezone.localdate() + dt.timedelta(days=30)
    for cost in member_costs(facts=round_facts(round=round)):
        member = members.get(cost.member)
        amount = cost.cost + cost.transport
        if member is None or member == supplier or amount <= 0:
            continue
        obligation_record(
            actor=None, debtor=member, creditor=supplier, source=Obligation.Source.PURCHASING,
            values={"amount": amount, "currency": round.currency, "due_on": due,
                    "reference": round.title[:200], "round": round},
        )  # fmt: skip


def override_record(
    *, actor: User | None, article: Article, member: Organization, total: Decimal, reason: str
) -> Override:
    """A coordinator sets one member's allocation of an article by hand, with a reason;
    the computed share is replaced and the override shown beside it."""
    if article.round.status == Round.Status.OPEN:
        raise DomainError(_("Close the round before changing an allocation by hand"))
    errors = {}
    if total < 0:
        errors["total"] = _("is not negative")
    if not reason.strip():
        errors["reason"] = _("Say why")
    if errors:
        raise InvalidValues(errors)
    return Override.objects.create(
        article=article, member=member, total=total, reason=reason.strip()[:300],
        made_by=actor, made_at=timezone.now(),
    )  # fmt: skip


def bill_record(
    *, actor: User | None, round: Round, member: Organization, period_end: dt.date,
    volume: Decimal, amount: int,
) -> Bill:  # fmt: skip
    """A bill a member received under the round's contract (amount in minor units): its
    realised saving is what the volume would have cost at its old price, less the bill."""
    if round.kind != Round.Kind.SERVICE or not Contract.objects.filter(round=round).exists():
        raise DomainError(_("Bills are recorded under an awarded service contract"))
    if not round.commitments.filter(member=member).exists():
        raise DomainError(_("Only a member that committed volume records bills"))
    errors = {}
    if volume <= 0:
        errors["volume"] = _("is more than 0")
    if amount < 0:
        errors["amount"] = _("is not negative")
    if errors:
        raise InvalidValues(errors)
    return Bill.objects.create(
        round=round, member=member, period_end=period_end, volume=volume, amount=amount,
        recorded_by=actor, recorded_at=timezone.now(),
    )  # fmt: skip


@transaction.atomic
def patronage_create(
    *, actor: User | None, network: Network, values: Mapping[str, Any]
) -> Patronage:
    """Share a surplus (minor units) among the network's members in proportion to what
    each bought through its rounds in the period; `cash_percent` of each share (at least
    PATRONAGE_MIN_CASH_PERCENT, 20 by default) is paid in cash, the rest retained in its
    capital account. Each member's line is kept."""
    errors: dict[str, str] = {}
    if not str(values.get("title") or "").strip():
        errors["title"] = _("is required")
    currency = str(values.get("currency") or "").upper()
    if not CURRENCY.match(currency):
        errors["currency"] = _("%(value)r is not an ISO 4217 currency code") % {"value": currency}
    floor = settings.PATRONAGE_MIN_CASH_PERCENT
    surplus, percent = int(values.get("surplus") or 0), int(values.get("cash_percent") or floor)
    if surplus <= 0:
        errors["surplus"] = _("is more than 0")
    if not floor <= percent <= 100:
        errors["cash_percent"] = _("is from %(floor)s%% to 100%%") % {"floor": floor}
    start, end = values.get("period_start"), values.get("period_end")
    if not isinstance(start, dt.date) or not isinstance(end, dt.date) or end < start:
        errors["period_end"] = _("is on or after the start")
    if errors:
        raise InvalidValues(errors)
    assert isinstance(start, dt.date) and isinstance(end, dt.date)
    purchases = member_purchases(network=network, currency=currency, start=start, end=end)
    if not purchases:
        raise DomainError(_("No member bought anything through the network's rounds then"))
    made = Patronage.objects.create(
        network=network, title=str(values["title"]).strip()[:200], currency=currency,
        surplus=surplus, cash_percent=percent, period_start=start, period_end=end,
        made_by=actor, made_at=timezone.now(),
    )  # fmt: skip
    shares = patronage(surplus, {str(m): spent for m, spent in purchases.items()},
                       cash_percent=percent)  # fmt: skip
    PatronageAllocation.objects.bulk_create(
        PatronageAllocation(
            patronage=made,
            member_id=int(line.member),
            purchases=line.purchases,
            share=line.share,
            cash=line.cash,
            retained=line.retained,
        )
        for line in shares
    )
    return made
