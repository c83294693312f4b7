"""Writes to joint purchasing. Each service takes the acting user, checks its one rule
(purchasing.permissions) itself, checks the round's timeline, the order log's rules and
the bounds of every value, writes, and records an audit event — in one transaction, with
the rows it touches locked first (lock_objects). A refusal leaves nothing behind."""

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.core.audit import audit_record
from intercoop.core.bounds import (
    LONG_TEXT,
    MAX_MONEY,
    OutOfBounds,
    check_currency,
    check_date,
    check_money,
    check_text,
)
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.money import format_money
from intercoop.core.permissions import recorded_user, require
from intercoop.core.services import notify
from intercoop.directory.models import Network, Organization
from intercoop.directory.permissions import is_member_now
from intercoop.directory.selectors import member_speakers, speakers_of
from intercoop.purchasing import hooks, lock_objects, permissions
from intercoop.purchasing.checks import (
    Errors,
    article_values,
    check_tiers,
    check_unit_price,
    check_units,
    plain,
    refuse_unratified,
    required_text,
    round_values,
)
from intercoop.purchasing.deliveries import delivery_correct, delivery_record
from intercoop.purchasing.models import (
    MAX_ARTICLES,
    Article,
    Bid,
    Bill,
    Commitment,
    Contract,
    FeedToken,
    OrderRow,
    Override,
    Patronage,
    PatronageAllocation,
    Round,
)
from intercoop.purchasing.pricing import CRITERIA, patronage
from intercoop.purchasing.selectors import (
    invited_suppliers,
    member_purchases,
)

Actor = User | AnonymousUser | None
__all__ = ["delivery_correct", "delivery_record"]  # re-exported: the deliveries' services

# the timeline: from each status, the statuses a coordinator may move the round to, and
# the audit action of each move
NEXT = {
    Round.Status.OPEN: [Round.Status.CLOSED],
    Round.Status.CLOSED: [Round.Status.OPEN, Round.Status.BIDDING],
    Round.Status.BIDDING: [],  # awarding moves it on
    Round.Status.AWARDED: [Round.Status.DELIVERED, Round.Status.ACTIVE],
    Round.Status.DELIVERED: [Round.Status.SETTLED],
    Round.Status.ACTIVE: [Round.Status.SETTLED],
    Round.Status.SETTLED: [],
}
MOVE_ACTIONS = {
    Round.Status.OPEN: "round.reopen",
    Round.Status.CLOSED: "round.close",
    Round.Status.BIDDING: "round.invite_bids",
    Round.Status.DELIVERED: "round.mark_delivered",
    Round.Status.ACTIVE: "round.start_contract",
    Round.Status.SETTLED: "round.settle",
}


def _user(actor: Actor) -> Any:
    """The actor as the rules take it (an anonymous user for None)."""
    return AnonymousUser() if actor is None else actor


def _member(round: Round, organization: Organization) -> None:
    if not is_member_now(round.network_id, organization):
        raise DomainError(_("Only the network's members take part in its rounds"), field="member")


def _open(round: Round) -> None:
    if not round.takes_orders:
        raise DomainError(_("The round is closed: orders and commitments can no longer change"))


# Rounds


@transaction.atomic
def round_create(
    *,
    actor: Actor,
    network: Network,
    values: Mapping[str, Any],
    articles: Sequence[Mapping[str, Any]] = (),
    coordinator: User | None = None,
) -> Round:
    """A new round of `network`, open for orders, with its articles (goods rounds). Its
    coordinator is the actor unless another of the network's coordinators is named."""
    user = _user(actor)
    require(
        permissions.can_open_round(user, network),
        _("Only the network's coordinators open rounds"),
    )
    errors = Errors()
    clean = round_values(values, errors)
    if len(articles) > MAX_ARTICLES:
        errors.add("articles", _("at most %(n)s articles a round") % {"n": MAX_ARTICLES})
    rows = [article_values(n, a, errors) for n, a in enumerate(articles[:MAX_ARTICLES], 1)]
    coordinator = coordinator or recorded_user(actor)
    if coordinator is not None and not permissions.can_open_round(coordinator, network):
        errors.add("coordinator", _("is one of the network's coordinators"))
    errors.raise_any()
    made = Round.objects.create(
        **clean, network=network, coordinator=coordinator, created_at=timezone.now()
    )
    Article.objects.bulk_create(Article(round=made, **row) for row in rows)
    audit_record(
        actor=actor, action="round.create", target=made, network=network,
        summary=_("opened the round %(title)s (%(kind)s)")
        % {"title": made.title, "kind": made.get_kind_display()},
    )  # fmt: skip
    notify(
        users=member_speakers(network),
        subject=gettext_lazy("%(network)s opened a purchasing round: %(title)s"),
        params={"network": network.name, "title": made.title},
        link=("purchasing:round", [made.pk]),
        kind="rounds",
    )
    return made


@transaction.atomic
def round_move(*, actor: Actor, round: Round, to: str) -> Round:
    """Move a round along its timeline (open ⇄ closed → bidding; awarded → delivered or
    active → settled)."""
    require(
        permissions.can_coordinate(_user(actor), round),
        _("Only the round's coordinators do this"),
    )
    fresh = lock_objects.round_for_update(round.pk)
    if to not in NEXT[Round.Status(fresh.status)]:
        raise DomainError(
            _("A round that is %(now)s cannot become %(to)s")
            % {"now": fresh.get_status_display(), "to": str(to)[:20]},
            field="to",
        )
    if fresh.is_awarded:
        refuse_unratified(fresh)
    before = fresh.get_status_display()
    fresh.status = round.status = to
    fresh.save(update_fields=["status"])
    audit_record(
        actor=actor, action=MOVE_ACTIONS[Round.Status(to)], target=fresh, network=fresh.network,
        summary=_("%(title)s: %(before)s → %(after)s")
        % {"title": fresh.title, "before": before, "after": fresh.get_status_display()},
    )  # fmt: skip
    if to == Round.Status.BIDDING:
        notify(
            users=speakers_of(invited_suppliers(category=fresh.category).values("pk")),
            subject=gettext_lazy("Bids invited: %(title)s (%(network)s)"),
            params={"title": fresh.title, "network": fresh.network.name},
            link=("purchasing:round", [fresh.pk]),
            kind="bids",
        )
    return fresh


# what a round's coordinator may still change while it takes orders (its kind and
# currency are fixed: orders and prices are in them)
EDITABLE = ("title", "description", "category", "strategy", "transport_split", "volume_unit",
            "closes_on")  # fmt: skip


@transaction.atomic
def round_update(
    *,
    actor: Actor,
    round: Round,
    values: Mapping[str, Any],
    articles: Sequence[Mapping[str, Any]] | None = None,
) -> Round:
    """Change a round until it closes: its title, description, category, allocation,
    transport split, volume unit and closing date; with `articles` (goods rounds), the
    articles as listed: those with an "id" are changed, those without are added, and
    those left out are removed (an article that has orders stays; its sold-by-weight
    flag stays too)."""
    fresh = lock_objects.round_for_update(round.pk)
    require(
        permissions.can_coordinate(_user(actor), fresh),
        _("Only the round's coordinators change it"),
    )
    if not fresh.takes_orders:
        raise DomainError(_("A round is changed only while it takes orders"))
    errors = Errors()
    fixed = sorted(set(values) - set(EDITABLE))
    if fixed:
        errors.add(fixed[0], _("cannot change once the round is open"))
    merged = {f: getattr(fresh, f) for f in EDITABLE} | {"closes_on": None} | dict(values)
    merged |= {"kind": fresh.kind, "currency": fresh.currency}
    clean = round_values({k: v for k, v in merged.items() if k in EDITABLE or k in
                          ("kind", "currency")}, errors)  # fmt: skip
    changes: dict[int, dict[str, Any]] = {}
    added: list[dict[str, Any]] = []
    removed: list[Article] = []
    if articles is not None:
        existing = lock_objects.articles_for_update(fresh.pk)
        ordered = set(
            OrderRow.objects.filter(article__round=fresh).values_list("article_id", flat=True)
        )
        if len(articles) > MAX_ARTICLES:
            errors.add("articles", _("at most %(n)s articles a round") % {"n": MAX_ARTICLES})
        for n, given in enumerate(articles[:MAX_ARTICLES], 1):
            pk = given.get("id")
            row = article_values(n, {k: v for k, v in given.items() if k != "id"}, errors)
            if pk is None:
                added.append(row)
            elif pk not in existing or pk in changes:
                errors.add(f"articles[{n}].id", _("is not an article of this round"))
            elif pk in ordered and row["by_weight"] != existing[pk].by_weight:
                errors.add(f"articles[{n}].by_weight", _("cannot change once it has orders"))
            else:
                changes[pk] = row
        for pk, article in existing.items():
            if pk in changes:
                continue
            if pk in ordered:
                errors.add("articles", _("%(article)s has orders and stays") % {
                    "article": article.name})  # fmt: skip
            removed.append(article)
    errors.raise_any()
    for field in EDITABLE:
        if field in values:
            setattr(fresh, field, clean[field])
            setattr(round, field, clean[field])
    fresh.save(update_fields=list(EDITABLE))
    if articles is not None:
        for pk, row in changes.items():
            Article.objects.filter(pk=pk).update(**row)
        Article.objects.filter(pk__in=[a.pk for a in removed]).delete()
        Article.objects.bulk_create(Article(round=fresh, **row) for row in added)
    audit_record(
        actor=actor, action="round.update", target=fresh, network=fresh.network_id,
        summary=_("changed the round %(title)s (%(fields)s)")
        % {"title": fresh.title,
           "fields": ", ".join([*sorted(values), *(["articles"] if articles is not None else [])])
           or _("nothing")},
    )  # fmt: skip
    return fresh


# Orders and commitments


@transaction.atomic
def order_set(
    *,
    actor: Actor,
    article: Article,
    member: Organization,
    quantity: Decimal,
    tolerance: Decimal,
) -> list[OrderRow]:
    """Set a member's order of an article to `quantity` with `tolerance`. An increase is a
    new row of the log; a decrease comes off the member's newest rows first, so that its
    earlier rows keep their place. Returns the member's rows."""
    round = lock_objects.round_for_update(article.round_id)
    require(
        permissions.can_take_part_for(_user(actor), round, member),
        _("Only the people of the network's members order in its rounds"),
    )
    _open(round)
    _member(round, member)
    errors = Errors()
    wanted = {
        field: errors.check(check_units, value, field=field, whole=not article.by_weight)
        for field, value in (("quantity", quantity), ("tolerance", tolerance))
    }
    errors.raise_any()
    quantity, tolerance = wanted["quantity"] or Decimal(0), wanted["tolerance"] or Decimal(0)
    _apply_order(actor, article, member, quantity, tolerance)
    audit_record(
        actor=actor, action="order.place", target=article, network=round.network_id,
        organizations=[member],
        summary=_("%(member)s orders %(quantity)s (+%(tolerance)s) of %(article)s")
        % {"member": member.name, "quantity": plain(quantity), "tolerance": plain(tolerance),
           "article": article.name},
    )  # fmt: skip
    return list(OrderRow.objects.filter(article=article, member=member))


def _apply_order(
    actor: Actor, article: Article, member: Organization, quantity: Decimal, tolerance: Decimal
) -> bool:
    """Bring the member's rows of `article` to `quantity` and `tolerance` (the log's
    rule: an increase is a new row, a decrease comes off the newest rows). Returns
    whether anything changed."""
    rows = list(OrderRow.objects.filter(article=article, member=member).order_by("placed_at", "pk"))
    had_q = sum((r.quantity for r in rows), Decimal(0))
    had_t = sum((r.tolerance for r in rows), Decimal(0))
    for field, want, had in (("quantity", quantity, had_q), ("tolerance", tolerance, had_t)):
        surplus = had - want
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
            placed_by=recorded_user(actor),
        )
    return (had_q, had_t) != (quantity, tolerance)


@transaction.atomic
def order_set_many(
    *,
    actor: Actor,
    round: Round,
    member: Organization,
    lines: Mapping[int, tuple[Decimal, Decimal]],
) -> list[OrderRow]:
    """A member's whole order of a goods round in one step: for each article (by id) its
    quantity and tolerance, set as `order_set` sets one. All or nothing: every line's
    errors are raised together, each naming its article (`orders[<id>].quantity`).
    Returns the member's rows of the round."""
    fresh = lock_objects.round_for_update(round.pk)
    require(
        permissions.can_take_part_for(_user(actor), fresh, member),
        _("Only the people of the network's members order in its rounds"),
    )
    _open(fresh)
    _member(fresh, member)
    if fresh.kind != Round.Kind.GOODS:
        raise DomainError(_("Service rounds take commitments, not orders"))
    articles = {a.pk: a for a in fresh.articles.all()}
    errors = Errors()
    clean: dict[int, tuple[Decimal, Decimal]] = {}
    for pk, (quantity, tolerance) in lines.items():
        article = articles.get(pk)
        if article is None:
            errors.add(f"orders[{pk}]", _("is not an article of this round"))
            continue
        got = []
        for field, label, value in (
            ("quantity", _("quantity"), quantity), ("tolerance", _("tolerance"), tolerance)
        ):  # fmt: skip
            try:
                got.append(check_units(value, field=field, whole=not article.by_weight))
            except OutOfBounds as error:
                errors.add(f"orders[{pk}].{field}", _("%(article)s: %(field)s %(reason)s") % {
                    "article": article.name, "field": label, "reason": error.message})  # fmt: skip
        if len(got) == 2:
            clean[pk] = (got[0], got[1])
    errors.raise_any()
    changed = [
        articles[pk] for pk, (q, t) in sorted(clean.items())
        if _apply_order(actor, articles[pk], member, q, t)
    ]  # fmt: skip
    audit_record(
        actor=actor, action="order.set", target=fresh, network=fresh.network_id,
        organizations=[member],
        summary=_("%(member)s's order of %(round)s: %(lines)s")
        % {"member": member.name, "round": fresh.title,
           "lines": "; ".join(f"{a.name} {plain(clean[a.pk][0])} (+{plain(clean[a.pk][1])})"
                              for a in changed) or _("unchanged")},
    )  # fmt: skip
    return list(OrderRow.objects.filter(article__round=fresh, member=member))


@transaction.atomic
def commitment_set(
    *, actor: Actor, round: Round, member: Organization, volume: Decimal, current_price: Decimal
) -> Commitment:
    """A member's annual volume in a service round and the price it pays per unit today
    (minor units), which its savings are measured against."""
    fresh = lock_objects.round_for_update(round.pk)
    require(
        permissions.can_take_part_for(_user(actor), fresh, member),
        _("Only the people of the network's members commit to its rounds"),
    )
    _open(fresh)
    _member(fresh, member)
    if fresh.kind != Round.Kind.SERVICE:
        raise DomainError(_("Goods rounds take orders, not commitments"))
    errors = Errors()
    volume = errors.check(check_units, volume, field="volume")  # type: ignore[assignment]
    current_price = errors.check(check_unit_price, current_price, field="current_price")  # type: ignore[assignment]
    errors.raise_any()
    commitment, _created = Commitment.objects.update_or_create(
        round=fresh,
        member=member,
        defaults={"volume": volume, "current_price": current_price, "updated_at": timezone.now()},
    )
    audit_record(
        actor=actor, action="commitment.record", target=commitment, network=fresh.network_id,
        organizations=[member],
        summary=_("%(member)s commits %(volume)s %(unit)s to %(round)s")
        % {"member": member.name, "volume": plain(volume), "unit": fresh.volume_unit,
           "round": fresh.title},
    )  # fmt: skip
    return commitment


# Bids and the award


@transaction.atomic
def bid_submit(
    *, actor: Actor, round: Round, supplier: Organization, values: Mapping[str, Any]
) -> Bid:
    """A supplier's bid while the round takes bids (one per supplier; a new one replaces
    it). Tiers are [[from volume, unit price]] starting at 0; goods bids price every
    article. Prices are minor units per unit, never negative."""
    require(
        permissions.can_bid_for(_user(actor), supplier),
        _("Only the people who speak for a supplier bid for it"),
    )
    fresh = lock_objects.round_for_update(round.pk)
    if not fresh.takes_bids:
        raise DomainError(_("The round is not taking bids"))
    errors = Errors()
    mode = values.get("mode")
    if mode not in Bid.Mode.values:
        errors.add("mode", _("is all_units or incremental"))
    tiers: list[list[str]] = []
    prices: dict[str, str] = {}
    if fresh.kind == Round.Kind.SERVICE:
        tiers = check_tiers(values.get("tiers") or [], errors)
    else:
        given = values.get("article_prices") or {}
        names = {str(a.pk) for a in fresh.articles.all()}
        if not isinstance(given, Mapping) or set(map(str, given)) != names:
            errors.add("article_prices", _("a goods bid prices every article"))
        else:
            for key, value in given.items():
                price = errors.check(check_unit_price, value, field=f"article_prices[{key}]")
                if price is not None:
                    prices[str(key)] = plain(price)
    evidence = errors.check(check_text, values.get("evidence"), field="evidence",
                            max_length=LONG_TEXT)  # fmt: skip
    errors.raise_any()
    bid, created = Bid.objects.update_or_create(
        round=fresh,
        supplier=supplier,
        defaults={
            "mode": mode,
            "tiers": tiers,
            "article_prices": prices,
            "evidence": (evidence or "").strip(),
            "submitted_by": recorded_user(actor),
            "created_at": timezone.now(),
        },
    )
    audit_record(
        actor=actor, action="bid.submit", target=bid, network=fresh.network_id,
        organizations=[supplier],
        summary=(_("%(supplier)s bids for %(round)s") if created
                 else _("%(supplier)s replaces its bid for %(round)s"))
        % {"supplier": supplier.name, "round": fresh.title},
    )  # fmt: skip
    return bid


@transaction.atomic
def bid_score(*, actor: Actor, bid: Bid, scores: Mapping[str, int | str]) -> Bid:
    """The coordinator's 0–5 score of a bid on each social criterion."""
    round = lock_objects.round_for_update(bid.round_id)
    require(
        permissions.can_coordinate(_user(actor), round),
        _("Only the round's coordinators score bids"),
    )
    fresh = lock_objects.bid_for_update(bid.pk)
    clean = {}
    for criterion in CRITERIA:
        raw = str(scores.get(criterion) or 0).strip()
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 1 or not 0 <= int(raw) <= 5:
            raise InvalidValues({criterion: _("is scored from 0 to 5")})
        clean[criterion] = int(raw)
    fresh.scores = bid.scores = clean
    fresh.save(update_fields=["scores"])
    audit_record(
        actor=actor, action="bid.score", target=fresh, network=round.network_id,
        organizations=[fresh.supplier_id],
        summary=_("scored %(supplier)s's bid: %(scores)s")
        % {"supplier": fresh.supplier.name,
           "scores": ", ".join(f"{c} {v}" for c, v in clean.items())},
    )  # fmt: skip
    return fresh


@transaction.atomic
def round_award(
    *, actor: Actor, round: Round, bid: Bid, starts_on: dt.date, ends_on: dt.date,
    renewal_on: dt.date | None = None,
) -> Contract:  # fmt: skip
    """Award the round to `bid`: a contract with its term and renewal date (60 days before
    the end unless given); a goods round's articles take the bid's prices. Where the
    network ratifies awards by a vote of the round's members (an award listener puts it
    to one), the contract awaits that vote (`award_ratification_record`)."""
    given, round = round, lock_objects.round_for_update(round.pk)
    require(
        permissions.can_coordinate(_user(actor), round),
        _("Only the round's coordinators award it"),
    )
    if not round.takes_bids:
        raise DomainError(_("Only a round taking bids is awarded"))
    if bid.round_id != round.pk:
        raise DomainError(_("This bid is for another round"), field="bid")
    errors = Errors()
    for field, day in (("starts_on", starts_on), ("ends_on", ends_on), ("renewal_on", renewal_on)):
        errors.check(check_date, day, field=field)
    errors.raise_any()
    if ends_on <= starts_on:
        errors.add("ends_on", _("is after the start"))
    renewal_on = renewal_on or ends_on - dt.timedelta(days=60)
    if renewal_on > ends_on:
        errors.add("renewal_on", _("is on or before the end"))
    errors.raise_any()
    articles = lock_objects.articles_for_update(round.pk)
    for article in articles.values():
        article.price = Decimal(bid.article_prices.get(str(article.pk), "0"))
        article.save(update_fields=["price"])
    round.status = given.status = Round.Status.AWARDED
    round.save(update_fields=["status"])
    contract = Contract.objects.create(
        round=round, bid=bid, starts_on=starts_on, ends_on=ends_on, renewal_on=renewal_on,
        awarded_by=recorded_user(actor), awarded_at=timezone.now(),
    )  # fmt: skip
    if hooks.award_made(contract):
        contract.ratification = Contract.Ratification.PENDING
        contract.save(update_fields=["ratification"])
    audit_record(
        actor=actor, action="round.award", target=round, network=round.network,
        organizations=[bid.supplier_id],
        summary=_("%(round)s awarded to %(supplier)s, %(start)s to %(end)s")
        % {"round": round.title, "supplier": bid.supplier.name,
           "start": starts_on.isoformat(), "end": ends_on.isoformat()}
        + (_("; awaiting ratification by the round's members")
           if contract.awaits_ratification else ""),
    )  # fmt: skip
    return contract


@transaction.atomic
def award_ratification_record(*, actor: Actor, round: Round, ratified: bool) -> Round:
    """Carry out the members' vote on the round's award: ratified, the contract stands;
    not ratified, it is undone (the articles lose its prices) and the round takes bids
    again, so that its coordinator may award anew. The system does this with the vote's
    result (staff too)."""
    require(
        permissions.can_carry_out_ratification(_user(actor)),
        _("Only the members' vote ratifies an award"),
    )
    fresh = lock_objects.round_for_update(round.pk)
    contract = Contract.objects.filter(round=fresh).select_related("bid__supplier").first()
    if contract is None or not contract.awaits_ratification:
        raise DomainError(_("This round has no award awaiting ratification"))
    supplier = contract.bid.supplier
    if ratified:
        contract.ratification = Contract.Ratification.RATIFIED
        contract.save(update_fields=["ratification"])
        action = "round.award_ratify"
        summary = _("%(round)s: award to %(supplier)s ratified by the members' vote")
    else:
        for article in lock_objects.articles_for_update(fresh.pk).values():
            article.price = None
            article.save(update_fields=["price"])
        contract.delete()
        fresh.status = round.status = Round.Status.BIDDING
        fresh.save(update_fields=["status"])
        action = "round.award_undo"
        summary = _("%(round)s: award to %(supplier)s not ratified: back to bidding")
    audit_record(
        actor=actor, action=action, target=fresh, network=fresh.network,
        organizations=[supplier],
        summary=summary % {"round": fresh.title, "supplier": supplier.name},
    )  # fmt: skip
    return fresh


# After the award: deliveries (recorded, corrected) live in `deliveries`, re-exported
# here as the services of joint purchasing.


@transaction.atomic
def override_record(
    *, actor: Actor, article: Article, member: Organization, total: Decimal, reason: str
) -> Override:
    """A coordinator sets one member's allocation of an article by hand, with a reason;
    the computed share is replaced and the override shown beside it."""
    round = lock_objects.round_for_update(article.round_id)
    require(
        permissions.can_coordinate(_user(actor), round),
        _("Only the round's coordinators change allocations"),
    )
    if round.status == Round.Status.OPEN:
        raise DomainError(_("Close the round before changing an allocation by hand"))
    _member(round, member)
    errors = Errors()
    total = errors.check(check_units, total, field="total", whole=not article.by_weight)  # type: ignore[assignment]
    why = (errors.check(check_text, reason, field="reason", max_length=300) or "").strip()
    if "reason" not in errors.errors and not why:
        errors.add("reason", _("Say why"))
    errors.raise_any()
    made = Override.objects.create(
        article=article, member=member, total=total, reason=why,
        made_by=recorded_user(actor), made_at=timezone.now(),
    )  # fmt: skip
    audit_record(
        actor=actor, action="override.record", target=made, network=round.network_id,
        organizations=[member],
        summary=_("%(member)s gets %(total)s of %(article)s by hand: %(reason)s")
        % {"member": member.name, "total": plain(total), "article": article.name,
           "reason": why},
    )  # fmt: skip
    return made


@transaction.atomic
def bill_record(
    *, actor: Actor, round: Round, member: Organization, period_end: dt.date,
    volume: Decimal, amount: int,
) -> Bill:  # fmt: skip
    """A bill a member received under the round's contract (amount in minor units): its
    realised saving is what the volume would have cost at its old price, less the bill."""
    fresh = lock_objects.round_for_update(round.pk)
    require(
        permissions.can_take_part_for(_user(actor), fresh, member),
        _("Only the people of a member record its bills"),
    )
    _member(fresh, member)
    if fresh.kind != Round.Kind.SERVICE or not Contract.objects.filter(round=fresh).exists():
        raise DomainError(_("Bills are recorded under an awarded service contract"))
    refuse_unratified(fresh)
    if not fresh.commitments.filter(member=member).exists():
        raise DomainError(_("Only a member that committed volume records bills"), field="member")
    errors = Errors()
    volume = errors.check(check_units, volume, field="volume")  # type: ignore[assignment]
    if volume is not None and volume <= 0:
        errors.add("volume", _("is more than 0"))
    errors.check(check_money, amount, field="amount")
    if not isinstance(period_end, dt.date):
        errors.add("period_end", _("is a date"))
    else:
        errors.check(check_date, period_end, field="period_end")
    errors.raise_any()
    bill = Bill.objects.create(
        round=fresh, member=member, period_end=period_end, volume=volume, amount=amount,
        recorded_by=recorded_user(actor), recorded_at=timezone.now(),
    )  # fmt: skip
    audit_record(
        actor=actor, action="bill.record", target=bill, network=fresh.network_id,
        organizations=[member],
        summary=_("%(member)s billed %(amount)s for %(volume)s %(unit)s to %(end)s")
        % {"member": member.name, "amount": format_money(amount, fresh.currency),
           "volume": plain(volume), "unit": fresh.volume_unit, "end": period_end.isoformat()},
    )  # fmt: skip
    return bill


# Patronage


@transaction.atomic
def patronage_distribute(*, actor: Actor, network: Network, values: Mapping[str, Any]) -> Patronage:
    """Share a surplus (minor units) among the network's members in proportion to what
    each bought through its rounds in the period; `cash_percent` of each share (at least
    PATRONAGE_MIN_CASH_PERCENT, 20 by default) is paid in cash, the rest retained in its
    capital account. Each member's line is kept. The network and the rounds counted are
    locked first, so that two distributions (or a bill) never interleave."""
    require(
        permissions.can_distribute_patronage(_user(actor), network),
        _("Only the network's coordinators share a surplus"),
    )
    errors = Errors()
    title = required_text(errors, values, "title")
    currency = errors.check(check_currency, values.get("currency"), field="currency") or ""
    floor = settings.PATRONAGE_MIN_CASH_PERCENT
    surplus = errors.check(check_money, values.get("surplus"), field="surplus")
    if surplus is not None and surplus <= 0:
        errors.add("surplus", _("is more than 0"))
    percent = values.get("cash_percent")
    percent = floor if percent is None else percent
    if isinstance(percent, bool) or not isinstance(percent, int) or not floor <= percent <= 100:
        errors.add("cash_percent", _("is from %(floor)s%% to 100%%") % {"floor": floor})
    start, end = values.get("period_start"), values.get("period_end")
    for field, day in (("period_start", start), ("period_end", end)):
        if not isinstance(day, dt.date):
            errors.add(field, _("is a date"))
        else:
            errors.check(check_date, day, field=field)
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        errors.add("period_end", _("is on or after the start"))
    errors.raise_any()
    assert isinstance(start, dt.date) and isinstance(end, dt.date) and surplus is not None
    lock_objects.network_for_update(network.pk)
    lock_objects.rounds_for_update(
        Round.objects.filter(network=network, currency=currency).values_list("pk", flat=True)
    )
    purchases = member_purchases(network=network, currency=currency, start=start, end=end)
    if not purchases:
        raise DomainError(_("No member bought anything through the network's rounds then"))
    if max(purchases.values()) > MAX_MONEY:
        raise DomainError(_("A member's purchases of the period are too large to share"))
    made = Patronage.objects.create(
        network=network, title=title, currency=currency, surplus=surplus, cash_percent=percent,
        period_start=start, period_end=end, made_by=recorded_user(actor), made_at=timezone.now(),
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
    audit_record(
        actor=actor, action="patronage.distribute", target=made, network=network,
        organizations=list(purchases),
        summary=_("%(title)s: %(surplus)s shared among %(members)s members, %(percent)s%% in cash")
        % {"title": title, "surplus": format_money(surplus, currency),
           "members": len(purchases), "percent": percent},
    )  # fmt: skip
    return made


# Calendar feed addresses


@transaction.atomic
def feed_token_issue(*, actor: Actor, network: Network) -> FeedToken:
    """A new private address of the network's contracts feed for the actor; the address
    it had before (if any) stops working."""
    user = _user(actor)
    require(
        permissions.can_follow_contracts(user, network),
        _("This is for the network's members and coordinators"),
    )
    replaced = FeedToken.objects.filter(user=user, network=network, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    try:
        with transaction.atomic():
            made = FeedToken.objects.create(
                user=user, network=network, nonce=secrets.token_urlsafe(32),
                created_at=timezone.now(),
            )  # fmt: skip
    except IntegrityError:  # another request made one at the same moment
        raise DomainError(_("A new address was just made; reload the page")) from None
    audit_record(
        actor=actor, action="feed_token.renew" if replaced else "feed_token.create",
        target=made, network=network,
        summary=_("a private calendar address of %(network)s's contracts")
        % {"network": network.name},
    )  # fmt: skip
    return made


@transaction.atomic
def feed_token_revoke(*, actor: Actor, token: FeedToken) -> FeedToken:
    """Stop a feed address working; the page offers a new one."""
    require(
        permissions.can_revoke_feed_token(_user(actor), token),
        _("Only the person a calendar address was made for revokes it"),
    )
    fresh = FeedToken.objects.select_for_update().get(pk=token.pk)
    if fresh.revoked_at is None:
        fresh.revoked_at = token.revoked_at = timezone.now()
        fresh.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor, action="feed_token.revoke", target=fresh, network=fresh.network_id,
        summary=_("revoked a private calendar address of %(network)s's contracts")
        % {"network": fresh.network.name},
    )  # fmt: skip
    return fresh
