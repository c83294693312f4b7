"""Writes to worker-owners' internal capital accounts: the co-op allocates among its
members what a purchasing network retained for it from a patronage distribution, reverses
an allocation made in error, and records what it pays out of the accounts. Each service
takes the acting user, checks its rule (permissions_registers: the organisation's admins
and staff) itself, writes and records an audit event, in one transaction.

Rules:
- a network's patronage line (`purchasing.PatronageAllocation`) retained for the co-op
  is allocated whole among members who were members at some time in the distribution's
  period, in proportion to each one's hours worked or wages paid in it (largest
  remainder to the minor unit, ties in the register's order: the parts sum to the amount
  retained), dated on or after the period's end and the distribution;
- a line has one allocation in force (a database constraint); one made in error is
  reversed by entries that undo each part, while no account has paid out what it would
  take back, and the line may then be allocated again;
- a payout is never more than the member's balance in that currency, and is dated on or
  after the account's last entry; with an idempotency key, a retried request records
  nothing new;
- the accounts are append-only: a mistake is corrected by a new entry.
"""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.core.audit import audit_record
from intercoop.core.bounds import MAX_QUANTITY, SHORT_TEXT, check_currency, check_text
from intercoop.core.errors import DomainError
from intercoop.core.money import format_money
from intercoop.core.permissions import AnyUser, recorded_user
from intercoop.core.values import Values, check_day, check_decimal, check_key, positive_money
from intercoop.membership.models import CapitalAccountEntry, CapitalAllocation, Member
from intercoop.membership.registers import lock_member, require_keeper
from intercoop.membership.selectors_accounts import (
    balances_of,
    last_entry_on,
    members_in_period,
)
from intercoop.purchasing.allocation import split
from intercoop.purchasing.models import PatronageAllocation

Kind = CapitalAccountEntry.Kind
BASES = {choice.value for choice in CapitalAllocation.Basis}
ALLOCATED = gettext_lazy("This patronage has already been allocated among the members")


def check_weight(value: Any, *, field: str) -> Decimal:
    """Hours or wages: a number (or its text) from 0 to 10^12, to the hundredth."""
    return check_decimal(value, field=field, high=MAX_QUANTITY, places=2)


def _clean_weights(
    v: Values, members: Mapping[int, Member], weights: Mapping[int, Any]
) -> dict[int, Decimal]:
    """Member id → weight, in the register's order (which breaks ties)."""
    for pk in weights:
        if pk not in members:
            v.fail(f"weight_{pk}", _("is not someone who was a member in the period"))
    clean: dict[int, Decimal] = {}
    for pk in members:
        if pk in weights:
            checked = v.check(f"weight_{pk}", check_weight, weights[pk])
            if checked is not None:
                clean[pk] = checked
    if not v.errors and sum(clean.values(), Decimal(0)) <= 0:
        v.fail("weights", _("give at least one member hours or wages above zero"))
    return clean


def patronage_allocate(
    *,
    actor: AnyUser | None,
    source: PatronageAllocation,
    basis: str,
    weights: Mapping[int, Any],
    on: dt.date | None = None,
) -> CapitalAllocation:
    """Allocate what the network retained for the co-op (`source.retained`) among its
    members in proportion to `weights` (member id → the member's hours worked or wages
    paid in the distribution's period, by `basis`). Members weighing zero get nothing."""
    organization = source.member
    require_keeper(actor, organization)
    period = source.patronage
    v = Values()
    if basis not in BASES:
        v.fail("basis", _("is hours or wages"))
    day = v.check("on", check_day, on or timezone.localdate(), not_future=True)
    earliest = max(period.period_end, timezone.localtime(period.made_at).date())
    if day is not None and day < earliest:
        v.fail("on", _("is on or after %(day)s") % {"day": earliest.isoformat()})
    members = {
        m.pk: m for m in members_in_period(organization, period.period_start, period.period_end)
    }
    clean = _clean_weights(v, members, weights)
    v.done()
    if source.retained <= 0:
        raise DomainError(_("Nothing was retained for the co-op in this distribution"))
    with transaction.atomic():
        if CapitalAllocation.objects.filter(source=source, reversed_at__isnull=True).exists():
            raise DomainError(str(ALLOCATED))
        now = timezone.now()
        try:
            with transaction.atomic():  # the constraint settles a race with another admin
                allocation = CapitalAllocation.objects.create(
                    organization=organization,
                    source=source,
                    basis=basis,
                    amount=source.retained,
                    currency=period.currency,
                    on=day,
                    created_at=now,
                    created_by=recorded_user(actor),
                )
        except IntegrityError:
            raise DomainError(str(ALLOCATED)) from None
        parts = split(source.retained, {str(pk): weight for pk, weight in clean.items()})
        CapitalAccountEntry.objects.bulk_create(
            CapitalAccountEntry(
                organization=organization,
                member=members[int(key)],
                allocation=allocation,
                kind=Kind.ALLOCATION,
                basis=clean[int(key)],
                amount=part,
                currency=period.currency,
                on=day,
                note=period.title[:SHORT_TEXT],
                created_at=now,
                created_by=recorded_user(actor),
            )
            for key, part in parts.items()
            if part > 0
        )
        audit_record(
            actor=actor,
            action="membership.patronage_allocate",
            target=allocation,
            summary=f"{period.network.name}, {period.title}:"
            f" {format_money(source.retained, period.currency)} by {basis},"
            f" {sum(1 for part in parts.values() if part > 0)} members",
            organizations=[organization],
        )
    return allocation


def patronage_allocation_reverse(
    *, actor: AnyUser | None, allocation: CapitalAllocation, reason: str
) -> CapitalAllocation:
    """Undo an allocation made in error (wrong hours, a member left out): each part is
    taken back by an entry of its own, dated today, and the line may be allocated again.
    Refused when an account has since paid out what it would take back."""
    organization = allocation.organization
    require_keeper(actor, organization)
    v = Values()
    why = v.check("reason", check_text, reason, max_length=SHORT_TEXT)
    if why is not None and not why.strip():
        v.fail("reason", _("Say why the allocation is reversed"))
    v.done()
    with transaction.atomic():
        parts = list(allocation.entries.filter(kind=Kind.ALLOCATION).select_related("member"))
        for entry in sorted(parts, key=lambda e: e.member_id):
            lock_member(entry.member)
        fresh = CapitalAllocation.objects.select_for_update().get(pk=allocation.pk)
        if fresh.reversed_at is not None:
            raise DomainError(_("This allocation has already been reversed"))
        balances = balances_of([e.member_id for e in parts], allocation.currency)
        for entry in parts:
            if balances.get(entry.member_id, 0) < entry.amount:
                raise DomainError(
                    _("%(name)s has been paid out part of it: record the correction by hand")
                    % {"name": entry.member.name}
                )
        now, today = timezone.now(), timezone.localdate()
        CapitalAccountEntry.objects.bulk_create(
            CapitalAccountEntry(
                organization=organization,
                member=entry.member,
                allocation=allocation,
                kind=Kind.REVERSAL,
                basis=entry.basis,
                amount=-entry.amount,
                currency=entry.currency,
                on=today,
                note=why.strip()[:SHORT_TEXT] if why else "",
                created_at=now,
                created_by=recorded_user(actor),
            )
            for entry in parts
        )
        fresh.reversed_at, fresh.reversed_by = now, recorded_user(actor)
        fresh.reversal_reason = why.strip() if why else ""
        fresh.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
        audit_record(
            actor=actor,
            action="membership.patronage_allocation_reverse",
            target=fresh,
            summary=f"{format_money(fresh.amount, fresh.currency)}: {fresh.reversal_reason}",
            organizations=[organization],
        )
    return fresh


def capital_account_payout(
    *,
    actor: AnyUser | None,
    member: Member,
    currency: str,
    amount: int,
    on: dt.date,
    note: str = "",
    idempotency_key: str | None = None,
) -> CapitalAccountEntry:
    """Record a payout from a member's internal capital account (at most its balance in
    `currency`): a revolving redemption, or the account paid out to a member who left.
    With an idempotency key, a retried request returns the first payout."""
    organization = member.organization
    require_keeper(actor, organization)
    v = Values()
    v.check("currency", check_currency, currency)
    positive_money(v, "amount", amount)
    v.check("on", check_day, on, not_future=True)
    v.check("note", check_text, note, max_length=SHORT_TEXT)
    key = v.check("idempotency_key", check_key, idempotency_key)
    clean = v.done()
    with transaction.atomic():
        lock_member(member)
        if key and (done := member.capital_entries.filter(idempotency_key=key).first()):
            asked = (-clean["amount"], clean["currency"], clean["on"], clean["note"].strip())
            if (done.amount, done.currency, done.on, done.note) != asked:
                raise DomainError(
                    _("This idempotency key was used for another payout"), field="idempotency_key"
                )
            return done
        balance = balances_of([member.pk], clean["currency"]).get(member.pk, 0)
        if balance <= 0:
            raise DomainError(
                _("%(name)s has nothing in this currency to pay out") % {"name": member.name},
                field="currency",
            )
        if clean["amount"] > balance:
            raise DomainError(
                _("is more than the account's balance, %(balance)s")
                % {"balance": format_money(balance, clean["currency"])},
                field="amount",
            )
        last = last_entry_on(member, clean["currency"])
        if last is not None and clean["on"] < last:
            raise DomainError(
                _("is on or after the account's last entry, %(day)s") % {"day": last.isoformat()},
                field="on",
            )
        entry = CapitalAccountEntry.objects.create(
            organization=organization,
            member=member,
            kind=Kind.PAYOUT,
            amount=-clean["amount"],
            currency=clean["currency"],
            on=clean["on"],
            note=clean["note"].strip(),
            idempotency_key=key,
            created_at=timezone.now(),
            created_by=recorded_user(actor),
        )
        audit_record(
            actor=actor,
            action="membership.capital_account_payout",
            target=entry,
            summary=f"{member.name}: {format_money(clean['amount'], clean['currency'])}",
            organizations=[organization],
        )
    return entry
