"""Writes to worker-owners' internal capital accounts: the co-op allocates among its
members what a purchasing network retained for it from a patronage distribution, and
records what it pays out of the accounts. Each service takes the acting user, checks its
rule (permissions_registers: the organisation's admins and staff) itself, writes and
records an audit event, in one transaction.

Rules:
- a network's patronage line (`purchasing.PatronageAllocation`) retained for the co-op
  is allocated once, whole, among members who were members at some time in the
  distribution's period, in proportion to each one's hours worked or wages paid in it
  (largest remainder to the minor unit: the parts sum to the amount retained);
- a payout is never more than the member's balance in that currency;
- the accounts are append-only: a mistake is corrected by a new entry.
"""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.audit import audit_record
from intercoop.core.bounds import SHORT_TEXT, check_currency, check_quantity, check_text
from intercoop.core.errors import DomainError
from intercoop.core.money import format_money
from intercoop.core.permissions import AnyUser, recorded_user, require
from intercoop.core.values import Values, check_day, positive_money
from intercoop.membership.models import CapitalAccountEntry, CapitalAllocation, Member
from intercoop.membership.permissions_registers import can_keep_registers
from intercoop.membership.registers import ONLY_ADMINS
from intercoop.membership.selectors_accounts import capital_balance, members_in_period
from intercoop.purchasing.allocation import split
from intercoop.purchasing.models import PatronageAllocation

BASES = {choice.value for choice in CapitalAllocation.Basis}
TWO_PLACES = Decimal("0.01")


def _check_weight(value: Any, *, field: str) -> Decimal:
    """Hours or wages: a number (or a decimal string) from 0 to 10^12, to the hundredth."""
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except ArithmeticError:
            value = None
    if isinstance(value, Decimal) and not value.is_finite():
        value = None
    return Decimal(check_quantity(value, field=field)).quantize(TWO_PLACES)


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
    paid in the distribution's period, by `basis`; in the register's order, which
    breaks ties). Members weighing zero get nothing."""
    organization = source.member
    require(can_keep_registers(actor, organization), str(ONLY_ADMINS))
    period = source.patronage
    v = Values()
    if basis not in BASES:
        v.fail("basis", _("is hours or wages"))
    day = v.check("on", check_day, on or timezone.localdate(), not_future=True)
    members = {
        m.pk: m for m in members_in_period(organization, period.period_start, period.period_end)
    }
    clean: dict[int, Decimal] = {}
    for pk, weight in weights.items():
        field = f"weight_{pk}"
        if pk not in members:
            v.fail(field, _("is not someone who was a member in the period"))
            continue
        checked = v.check(field, _check_weight, weight)
        if checked is not None:
            clean[pk] = checked
    if not v.errors and sum(clean.values(), Decimal(0)) <= 0:
        v.fail("weights", _("give at least one member hours or wages above zero"))
    if day is not None and day < period.period_end:
        v.fail("on", _("is on or after the end of the distribution's period"))
    v.done()
    with transaction.atomic():
        line = PatronageAllocation.objects.select_for_update().get(pk=source.pk)
        if line.retained <= 0:
            raise DomainError(_("Nothing was retained for the co-op in this distribution"))
        if CapitalAllocation.objects.filter(source=line).exists():
            raise DomainError(_("This patronage has already been allocated among the members"))
        now = timezone.now()
        try:
            with transaction.atomic():
                allocation = CapitalAllocation.objects.create(
                    organization=organization,
                    source=line,
                    basis=basis,
                    amount=line.retained,
                    currency=period.currency,
                    on=day,
                    created_at=now,
                    created_by=recorded_user(actor),
                )
        except IntegrityError:  # allocated at the same moment by someone else
            raise DomainError(
                _("This patronage has already been allocated among the members")
            ) from None
        parts = split(line.retained, {str(pk): weight for pk, weight in clean.items()})
        CapitalAccountEntry.objects.bulk_create(
            CapitalAccountEntry(
                organization=organization,
                member=members[int(key)],
                allocation=allocation,
                kind=CapitalAccountEntry.Kind.ALLOCATION,
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
            f" {format_money(line.retained, period.currency)} by {basis},"
            f" {sum(1 for part in parts.values() if part > 0)} members",
            organizations=[organization],
        )
    return allocation


def capital_account_payout(
    *,
    actor: AnyUser | None,
    member: Member,
    currency: str,
    amount: int,
    on: dt.date,
    note: str = "",
) -> CapitalAccountEntry:
    """Record a payout from a member's internal capital account (at most its balance in
    `currency`): a revolving redemption, or the account paid out to a member who left."""
    organization = member.organization
    require(can_keep_registers(actor, organization), str(ONLY_ADMINS))
    v = Values()
    v.check("currency", check_currency, currency)
    positive_money(v, "amount", amount)
    v.check("on", check_day, on, not_future=True)
    v.check("note", check_text, note, max_length=SHORT_TEXT)
    clean = v.done()
    with transaction.atomic():
        Member.objects.select_for_update().values_list("pk").get(pk=member.pk)
        balance = capital_balance(member, clean["currency"])
        if clean["amount"] > balance:
            raise DomainError(
                _("is more than the account's balance, %(balance)s")
                % {"balance": format_money(balance, clean["currency"])},
                field="amount",
            )
        entry = CapitalAccountEntry.objects.create(
            organization=organization,
            member=member,
            kind=CapitalAccountEntry.Kind.PAYOUT,
            amount=-clean["amount"],
            currency=clean["currency"],
            on=clean["on"],
            note=clean["note"].strip(),
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
