"""Writes to clearing. Callers check who may act (clearing.selectors, core.permissions)
first; the services keep the rules: confirmed obligations only, a run commits once and
atomically, balances never pass their limit, a retried payment never pays twice."""

import csv
import datetime as dt
import io
from collections.abc import Mapping
from typing import Any

import numpy as np
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.clearing import setoff as solver
from intercoop.clearing.models import (
    ClearingRun,
    CreditAccount,
    CreditEntry,
    CreditSystem,
    CreditTransfer,
    Obligation,
    ObligationEntry,
    RunLine,
)
from intercoop.core.errors import DomainError, ImportFailed, InvalidValues, RowError
from intercoop.core.money import CURRENCY, MoneyError, minor_units
from intercoop.core.templatetags.money import money
from intercoop.directory.models import Network, NetworkMembership, Organization
from intercoop.directory.selectors import network_members


def _obligation_errors(values: Mapping[str, Any]) -> dict[str, str]:
    errors = {}
    amount = values.get("amount")
    if not isinstance(amount, int) or amount <= 0:
        errors["amount"] = _("is a whole number of minor units above 0")
    if not CURRENCY.match(str(values.get("currency") or "")):
        errors["currency"] = _("%(value)r is not an ISO 4217 currency code") % {
            "value": values.get("currency")
        }
    if values.get("debtor") == values.get("creditor"):
        errors["creditor"] = _("is not the debtor itself")
    return errors


def obligation_record(
    *,
    actor: User | None,
    debtor: Organization,
    creditor: Organization,
    values: Mapping[str, Any],
    source: str = Obligation.Source.PAGE,
    recorded_for: Organization | None = None,
) -> Obligation:
    """An invoice from `creditor` to `debtor`, recorded by someone speaking for one side
    (`recorded_for`; None: the system, e.g. a purchasing delivery). Recorded for the
    debtor, it is confirmed (the debtor states what it owes); otherwise the debtor
    confirms it later."""
    confirmed = recorded_for is not None and recorded_for == debtor
    currency = str(values.get("currency") or "").upper()
    errors = _obligation_errors(
        {**values, "currency": currency, "debtor": debtor.pk, "creditor": creditor.pk}
    )
    if errors:
        raise InvalidValues(errors)
    now = timezone.now()
    return Obligation.objects.create(
        debtor=debtor, creditor=creditor, amount=values["amount"], remaining=values["amount"],
        currency=currency, due_on=values.get("due_on"),
        reference=str(values.get("reference") or "")[:200], source=source,
        round=values.get("round"), recorded_by=actor, recorded_at=now,
        confirmed_at=now if confirmed else None, confirmed_by=actor if confirmed else None,
    )  # fmt: skip


IMPORT_COLUMNS = ("debtor", "creditor", "amount", "currency", "due_on", "reference")


@transaction.atomic
def obligations_import(*, actor: User | None, organization: Organization, text: str) -> int:
    """Obligations from a CSV (debtor, creditor: organisation slugs; amount in major units;
    currency; due_on YYYY-MM-DD and reference optional). Every row involves `organization`;
    those it owes are confirmed at once. All or nothing."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in IMPORT_COLUMNS[:4] if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportFailed([RowError(1, c, "column is missing") for c in missing])
    slugs = {}
    rows, errors = [], []
    for line, row in enumerate(reader, start=2):
        cells = {k: (row.get(k) or "").strip() for k in IMPORT_COLUMNS}
        if not any(cells.values()):
            continue
        parties = {}
        for side in ("debtor", "creditor"):
            if cells[side] not in slugs:
                slugs[cells[side]] = Organization.objects.filter(slug=cells[side]).first()
            parties[side] = slugs[cells[side]]
            if parties[side] is None:
                errors.append(RowError(line, side, f"{cells[side]!r} is not an organisation"))
        if None not in parties.values() and organization not in parties.values():
            errors.append(RowError(line, "debtor", f"neither side is {organization.slug}"))
        currency = cells["currency"].upper()
        values: dict[str, Any] = {"currency": currency, "reference": cells["reference"]}
        try:
            values["amount"] = minor_units(cells["amount"], currency)
        except (MoneyError, ArithmeticError, ValueError):
            errors.append(RowError(line, "amount", f"{cells['amount']!r} is not an amount"))
        try:
            values["due_on"] = dt.date.fromisoformat(cells["due_on"]) if cells["due_on"] else None
        except ValueError:
            errors.append(RowError(line, "due_on", f"{cells['due_on']!r} is not YYYY-MM-DD"))
        if errors and errors[-1].line == line:
            continue
        for field, reason in _obligation_errors(
            values | {k: v.pk for k, v in parties.items() if v is not None}
        ).items():
            errors.append(RowError(line, field, reason))
        rows.append((parties, values))
    if errors:
        raise ImportFailed(errors)
    for parties, values in rows:
        assert parties["debtor"] is not None and parties["creditor"] is not None
        obligation_record(
            actor=actor, debtor=parties["debtor"], creditor=parties["creditor"], values=values,
            source=Obligation.Source.IMPORT, recorded_for=organization,
        )  # fmt: skip
    return len(rows)


def _locked(obligation: Obligation) -> Obligation:
    return Obligation.objects.select_for_update().get(pk=obligation.pk)


@transaction.atomic
def obligation_confirm(*, actor: User | None, obligation: Obligation) -> Obligation:
    """The debtor agrees it owes this: from now on it can be cleared."""
    fresh = _locked(obligation)
    if fresh.status == Obligation.Status.DISPUTED:
        raise DomainError(_("A disputed obligation is not confirmed"))
    if fresh.confirmed_at is None:
        fresh.confirmed_at, fresh.confirmed_by = timezone.now(), actor
        fresh.save(update_fields=["confirmed_at", "confirmed_by"])
    obligation.confirmed_at, obligation.confirmed_by = fresh.confirmed_at, fresh.confirmed_by
    return fresh


@transaction.atomic
def obligation_dispute(*, actor: User | None, obligation: Obligation, reason: str) -> Obligation:
    """Either side says the obligation is wrong: it leaves clearing until it is replaced."""
    fresh = _locked(obligation)
    if fresh.remaining != fresh.amount:
        raise DomainError(_("Part of it was already cleared: record a correction instead"))
    if not reason.strip():
        raise InvalidValues({"reason": _("Say why")})
    fresh.status = obligation.status = Obligation.Status.DISPUTED
    fresh.dispute_reason = reason.strip()[:300]
    fresh.save(update_fields=["status", "dispute_reason"])
    return fresh


def clearable(*, network: Network, currency: str) -> Any:
    """The obligations a run for `network` in `currency` takes: confirmed, not disputed,
    still owed, between two of its members."""
    members = NetworkMembership.objects.filter(
        network=network, status=NetworkMembership.Status.MEMBER
    ).values("organization_id")
    return Obligation.objects.filter(
        Q(status=Obligation.Status.OPEN) | Q(status=Obligation.Status.PARTLY),
        currency=currency, confirmed_at__isnull=False, remaining__gt=0,
        debtor__in=members, creditor__in=members,
    ).order_by("due_on", "pk")  # fmt: skip


@transaction.atomic
def run_propose(
    *, actor: User | None, network: Network, currency: str, use_credit: bool = False
) -> ClearingRun:
    """Snapshot the clearable obligations and compute the optimal set-off; with
    `use_credit`, then what remains paid in the network's mutual credit within each
    debtor's available credit. Nothing is applied until the run is committed."""
    currency = currency.upper()
    system = CreditSystem.objects.filter(network=network).first()
    if use_credit and (system is None or system.currency != currency):
        raise DomainError(_("The network has no mutual credit worth %(currency)s")
                          % {"currency": currency})  # fmt: skip
    rows = list(clearable(network=network, currency=currency)
                .values_list("pk", "debtor_id", "creditor_id", "remaining"))  # fmt: skip
    if not rows:
        raise DomainError(_("No confirmed open obligations among the network's members"))
    ids, debtors, creditors, owed = (
        np.array(col, dtype=np.int64) for col in zip(*rows, strict=True)
    )
    orgs, compact = np.unique(np.concatenate([debtors, creditors]), return_inverse=True)
    d, c = compact[: len(rows)], compact[len(rows) :]
    cleared = solver.setoff(d, c, owed, len(orgs))
    credit = np.zeros(len(rows), dtype=np.int64)
    if use_credit and system is not None:
        accounts = {a.organization_id: a for a in system.accounts.all()}
        has = np.array([int(o) in accounts for o in orgs], dtype=bool)
        balance = np.array([accounts[int(o)].balance if int(o) in accounts else 0 for o in orgs])
        limit = np.array([accounts[int(o)].limit if int(o) in accounts else 0 for o in orgs])
        credit = solver.settle_with_credit(
            d, c, owed - cleared, balance.astype(np.int64), limit.astype(np.int64),
            has_account=has,
        ).paid  # fmt: skip
    run = ClearingRun.objects.create(
        network=network, currency=currency, use_credit=use_credit, created_by=actor,
        created_at=timezone.now(), total_debt=int(owed.sum()), setoff_total=int(cleared.sum()),
        credit_total=int(credit.sum()),
    )  # fmt: skip
    RunLine.objects.bulk_create(
        RunLine(run=run, obligation_id=int(i), owed=int(o), setoff=int(s), credit=int(k))
        for i, o, s, k in zip(ids, owed, cleared, credit, strict=True)
    )
    return run


def _apply(obligation: Obligation, amount: int, kind: str, run: ClearingRun | None,
           actor: User | None) -> None:  # fmt: skip
    obligation.remaining -= amount
    obligation.status = (
        Obligation.Status.SETTLED if obligation.remaining == 0
        else Obligation.Status.OPEN if obligation.remaining == obligation.amount
        else Obligation.Status.PARTLY
    )  # fmt: skip
    ObligationEntry.objects.create(
        obligation=obligation, run=run, kind=kind, amount=amount,
        remaining_after=obligation.remaining, created_at=timezone.now(), created_by=actor,
    )  # fmt: skip


@transaction.atomic
def run_commit(*, actor: User | None, run: ClearingRun) -> ClearingRun:
    """Apply a proposed run's set-offs (and mutual-credit payments) as ledger entries, all
    at once or not at all. A run commits once; one whose obligations changed since it was
    proposed is refused (propose a new one)."""
    fresh = ClearingRun.objects.select_for_update().get(pk=run.pk)
    if fresh.status != ClearingRun.Status.PROPOSED:
        raise DomainError(_("This run was already committed"))
    lines = list(fresh.lines.all())
    obligations = Obligation.objects.select_for_update().in_bulk(
        [line.obligation_id for line in lines]
    )
    for line in lines:
        current = obligations[line.obligation_id]
        if current.remaining != line.owed or current.status == Obligation.Status.DISPUTED:
            raise DomainError(_("Obligations changed since the run was proposed: propose it again"))
    system = CreditSystem.objects.filter(network=fresh.network).first()
    accounts = {a.organization_id: a for a in system.accounts.all()} if system else {}
    for line in lines:
        obligation = obligations[line.obligation_id]
        if line.setoff:
            _apply(obligation, line.setoff, ObligationEntry.Kind.SETOFF, fresh, actor)
        if line.credit and system is not None:
            # the second phase passed over the obligations more than once, so a payment
            # may rely on credit received further down the list: limits are checked on
            # the balances the whole run leaves, below, inside this transaction
            _transfer(
                system=system, payer=accounts[obligation.debtor_id],
                payee=accounts[obligation.creditor_id], amount=line.credit,
                kind=CreditTransfer.Kind.CLEARING, actor=actor, run=fresh,
                memo=obligation.reference or f"#{obligation.pk}", check_limit=False,
            )  # fmt: skip
            _apply(obligation, line.credit, ObligationEntry.Kind.CREDIT, fresh, actor)
        if line.setoff or line.credit:
            obligation.save(update_fields=["remaining", "status"])
    if system and system.accounts.filter(balance__lt=-F("limit")).exists():
        raise DomainError(_("Balances changed since the run was proposed: propose it again"))
    fresh.status = run.status = ClearingRun.Status.COMMITTED
    fresh.committed_by, fresh.committed_at = actor, timezone.now()
    fresh.save(update_fields=["status", "committed_by", "committed_at"])
    return fresh


@transaction.atomic
def run_reverse(*, actor: User | None, run: ClearingRun) -> ClearingRun:
    """Undo a committed run by correcting entries: every obligation owes again what the
    run cleared of it, and its mutual-credit payments are paid back."""
    fresh = ClearingRun.objects.select_for_update().get(pk=run.pk)
    if fresh.status != ClearingRun.Status.COMMITTED:
        raise DomainError(_("Only a committed run is reversed"))
    lines = list(fresh.lines.filter(Q(setoff__gt=0) | Q(credit__gt=0)))
    obligations = Obligation.objects.select_for_update().in_bulk(
        [line.obligation_id for line in lines]
    )
    for line in lines:
        obligation = obligations[line.obligation_id]
        _apply(
            obligation, -(line.setoff + line.credit), ObligationEntry.Kind.CORRECTION, fresh, actor
        )
        obligation.save(update_fields=["remaining", "status"])
    for transfer in fresh.transfers.select_related("payer__organization", "payee__organization"):
        _transfer(system=transfer.system, payer=transfer.payee, payee=transfer.payer,
                  amount=transfer.amount, kind=CreditTransfer.Kind.CORRECTION, run=fresh,
                  actor=actor, memo=_("Reversal of %(memo)s") % {"memo": transfer.memo},
                  check_limit=False)  # fmt: skip
    fresh.status = run.status = ClearingRun.Status.REVERSED
    fresh.reversed_at = timezone.now()
    fresh.save(update_fields=["status", "reversed_at"])
    return fresh


# mutual credit ----------------------------------------------------------------------


@transaction.atomic
def credit_system_create(*, network: Network, values: Mapping[str, Any]) -> CreditSystem:
    """The network's mutual credit, with an account for each of its members (those who
    join later get theirs on their first payment)."""
    errors = {}
    code = str(values.get("code") or "").strip().upper()
    if not code.isalnum() or not 2 <= len(code) <= 8:
        errors["code"] = _("is 2 to 8 letters or digits")
    currency = str(values.get("currency") or "").upper()
    if not CURRENCY.match(currency):
        errors["currency"] = _("%(value)r is not an ISO 4217 currency code") % {"value": currency}
    if int(values.get("default_limit") or 0) < 0:
        errors["default_limit"] = _("is not negative")
    if CreditSystem.objects.filter(network=network).exists():
        errors["code"] = _("The network already runs a mutual credit")
    if errors:
        raise InvalidValues(errors)
    system = CreditSystem.objects.create(
        network=network, code=code, name=str(values.get("name") or code)[:100], currency=currency,
        default_limit=int(values.get("default_limit") or 0), created_at=timezone.now(),
    )  # fmt: skip
    CreditAccount.objects.bulk_create(
        CreditAccount(system=system, organization=member, limit=system.default_limit,
                      opened_at=system.created_at)
        for member in network_members(network=network)
    )  # fmt: skip
    return system


def credit_account_open(*, system: CreditSystem, organization: Organization) -> CreditAccount:
    """A member's account, at zero with the system's default limit (idempotent)."""
    if not NetworkMembership.objects.filter(
        network=system.network, organization=organization, status=NetworkMembership.Status.MEMBER
    ).exists():
        raise DomainError(_("Only the network's members hold accounts"))
    account, _created = CreditAccount.objects.get_or_create(
        system=system, organization=organization,
        defaults={"limit": system.default_limit, "opened_at": timezone.now()},
    )  # fmt: skip
    return account


def credit_limit_set(*, account: CreditAccount, limit: int) -> CreditAccount:
    """The coordinator sets how far below zero an account may go. A limit lower than what
    the account already owes is refused."""
    with transaction.atomic():
        fresh = CreditAccount.objects.select_for_update().get(pk=account.pk)
        if limit < 0:
            raise InvalidValues({"limit": _("is not negative")})
        if fresh.balance + limit < 0:
            raise InvalidValues({"limit": _("is at least what the account owes (%(owed)s)")
                                 % {"owed": -fresh.balance}})  # fmt: skip
        fresh.limit = account.limit = limit
        fresh.save(update_fields=["limit"])
    return fresh


def _transfer(
    *, system: CreditSystem, payer: CreditAccount, payee: CreditAccount, amount: int,
    kind: str, actor: User | None, memo: str = "", key: str | None = None,
    run: ClearingRun | None = None, check_limit: bool = True,
) -> CreditTransfer:  # fmt: skip
    """Move `amount` from payer to payee, locking both accounts (in id order, so two
    payments in opposite directions never deadlock)."""
    locked = CreditAccount.objects.select_for_update().in_bulk(sorted({payer.pk, payee.pk}))
    source, target = locked[payer.pk], locked[payee.pk]
    if check_limit and source.balance - amount < -source.limit:
        available = money(max(source.available, 0), system.currency)
        raise DomainError(
            _("Not enough credit: %(name)s may pay %(available)s more")
            % {"name": source.organization.name, "available": available},
            field="amount",
        )
    now = timezone.now()
    transfer = CreditTransfer.objects.create(
        system=system, payer=source, payee=target, amount=amount, kind=kind, memo=memo[:200],
        idempotency_key=key, run=run, created_by=actor, created_at=now,
    )  # fmt: skip
    for account, signed in ((source, -amount), (target, amount)):
        account.balance += signed
        account.save(update_fields=["balance"])
        CreditEntry.objects.create(account=account, transfer=transfer, amount=signed,
                                   balance_after=account.balance, created_at=now)  # fmt: skip
    return transfer


def credit_pay(
    *, actor: User | None, system: CreditSystem, payer: Organization, payee: Organization,
    amount: int, memo: str = "", idempotency_key: str | None = None,
) -> CreditTransfer:  # fmt: skip
    """A payment in mutual credit within the payer's limit. With an idempotency key, a
    retried request returns the first payment instead of paying again."""
    if amount <= 0:
        raise InvalidValues({"amount": _("is a whole number of minor units above 0")})
    if payer == payee:
        raise InvalidValues({"payee": _("is not the payer itself")})
    key = (idempotency_key or "").strip()[:100] or None
    if key and (done := CreditTransfer.objects.filter(system=system, idempotency_key=key).first()):
        return _same_payment(done, payer, amount)
    accounts = {org.pk: credit_account_open(system=system, organization=org)
                for org in (payer, payee)}  # fmt: skip
    try:
        with transaction.atomic():
            return _transfer(
                system=system, payer=accounts[payer.pk], payee=accounts[payee.pk],
                amount=amount, kind=CreditTransfer.Kind.PAYMENT, actor=actor, memo=memo, key=key,
            )  # fmt: skip
    except IntegrityError:  # the same key, committed by a parallel request meanwhile
        done = CreditTransfer.objects.filter(system=system, idempotency_key=key).first()
        if key is None or done is None:
            raise
        return _same_payment(done, payer, amount)


def _same_payment(done: CreditTransfer, payer: Organization, amount: int) -> CreditTransfer:
    if done.payer.organization_id != payer.pk or done.amount != amount:
        raise DomainError(_("This idempotency key was used for another payment"))
    return done
