"""Writes to clearing. Each service takes the acting user, checks its one rule
(clearing.permissions) itself, writes, and records an audit event, in one transaction;
pages, the API, the demo and background tasks call them and repeat no rule.

The rules of the ledgers are kept here too: confirmed obligations only, a run commits
once and atomically, balances never pass their limits, a retried payment never pays
twice. Row locks come from `lock_objects`, taken before anything is written.
"""

import datetime as dt
import io
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.clearing import hooks, permissions, selectors
from intercoop.clearing import lock_objects as locks
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
from intercoop.core.audit import audit_record
from intercoop.core.background import JobResult, task_run_submit
from intercoop.core.bounds import (
    MAX_MONEY,
    SHORT_TEXT,
    OutOfBounds,
    check_currency,
    check_date,
    check_money,
    check_text,
)
from intercoop.core.csvfiles import csv_rows, decode_upload
from intercoop.core.errors import DomainError, ImportFailed, InvalidValues, RowError
from intercoop.core.models import TaskRun
from intercoop.core.money import MoneyError, format_money, minor_units
from intercoop.core.notifications import in_their_language
from intercoop.core.permissions import AnyUser, recorded_user, require
from intercoop.core.services import notify
from intercoop.directory.models import Network, Organization
from intercoop.directory.selectors import network_members, speakers_of

BATCH = 1_000  # rows per INSERT/UPDATE of the bulk writes
REFERENCE_LENGTH = 200
REASON_LENGTH = 300
KEY_LENGTH = 100


def _status(obligation: Obligation) -> str:
    if obligation.remaining == 0:
        return Obligation.Status.SETTLED
    if obligation.remaining == obligation.amount:
        return Obligation.Status.OPEN
    return Obligation.Status.PARTLY


# obligations ------------------------------------------------------------------------


def _clean_obligation(
    values: Mapping[str, Any], *, debtor: Organization, creditor: Organization
) -> dict[str, Any]:
    """The bounded values of an obligation, or every field's reason (InvalidValues)."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {"round": values.get("round")}

    def check(field: str, checker: Any, *args: Any, **options: Any) -> None:
        try:
            clean[field] = checker(*args, field=field, **options)
        except OutOfBounds as error:
            errors[field] = error.message

    check("amount", check_money, values.get("amount"))
    if "amount" not in errors and clean["amount"] <= 0:
        errors["amount"] = _("is a whole number of minor units above 0")
    check("currency", check_currency, values.get("currency"))
    check("due_on", check_date, values.get("due_on"))
    check("reference", check_text, values.get("reference") or "", max_length=REFERENCE_LENGTH)
    if debtor.pk == creditor.pk:
        errors["creditor"] = _("is not the debtor itself")
    if errors:
        raise InvalidValues(errors)
    return clean


def _new_obligation(
    *,
    actor: AnyUser,
    debtor: Organization,
    creditor: Organization,
    clean: Mapping[str, Any],
    source: str,
    confirmed: bool,
    now: dt.datetime,
) -> Obligation:
    user = recorded_user(actor)
    return Obligation(
        debtor=debtor, creditor=creditor, amount=clean["amount"], remaining=clean["amount"],
        currency=clean["currency"], due_on=clean["due_on"], reference=clean["reference"],
        source=source, round=clean.get("round"), recorded_by=user, recorded_at=now,
        confirmed_at=now if confirmed else None, confirmed_by=user if confirmed else None,
    )  # fmt: skip


def obligation_record(
    *,
    actor: AnyUser,
    debtor: Organization,
    creditor: Organization,
    values: Mapping[str, Any],
    source: str = Obligation.Source.PAGE,
    recorded_for: Organization | None = None,
    notify_other: bool = True,
) -> Obligation:
    """An invoice from `creditor` to `debtor`, recorded by someone speaking for one side
    (`recorded_for`; None: for a joint purchase's delivery, `values["round"]`). Recorded
    for the debtor, it is confirmed (the debtor states what it owes); otherwise the
    debtor confirms it later. The other side hears of it, unless `notify_other` is False:
    a caller recording many at once (a delivery's invoices) tells them once itself."""
    round = values.get("round")
    require(
        permissions.can_record_obligation(
            actor, debtor=debtor, creditor=creditor, recorded_for=recorded_for,
            network=round.network if round is not None else None,
        ),
        _("Record invoices for an organisation you speak for"),
    )  # fmt: skip
    clean = _clean_obligation(values, debtor=debtor, creditor=creditor)
    confirmed = recorded_for is not None and recorded_for.pk == debtor.pk
    with transaction.atomic():
        obligation = _new_obligation(
            actor=actor, debtor=debtor, creditor=creditor, clean=clean, source=source,
            confirmed=confirmed, now=timezone.now(),
        )  # fmt: skip
        obligation.save()
        audit_record(
            actor=actor, action="obligation.record", target=obligation,
            summary=_("%(debtor)s owes %(creditor)s %(amount)s")
            % {"debtor": debtor.name, "creditor": creditor.name,
               "amount": format_money(obligation.amount, obligation.currency)},
            organizations=[debtor, creditor],
            network=round.network_id if round is not None else None,
        )  # fmt: skip
        # the other side hears of it: the debtor to confirm it, the creditor to know
        other = creditor if confirmed else debtor
        if notify_other:
            notify(
                users=speakers_of([other.pk]),
                subject=(
                    gettext_lazy("%(creditor)s recorded an invoice of %(amount)s to confirm")
                    if not confirmed
                    else gettext_lazy("%(debtor)s recorded that it owes you %(amount)s")
                ),
                params={"debtor": debtor.name, "creditor": creditor.name,
                        "amount": in_their_language(format_money, obligation.amount,
                                                    obligation.currency)},
                link=("clearing:obligation", [obligation.pk]),
                kind="invoices",
            )  # fmt: skip
    return obligation


IMPORT_COLUMNS = ("debtor", "creditor", "amount", "currency", "due_on", "reference")


def _organizations_by_slug(slugs: Iterable[str]) -> dict[str, Organization]:
    wanted = sorted(set(slugs))
    found: dict[str, Organization] = {}
    for start in range(0, len(wanted), 500):  # a query has a bounded number of parameters
        found |= {
            o.slug: o for o in Organization.objects.filter(slug__in=wanted[start : start + 500])
        }
    return found


def _import_rows(
    text: str, organization: Organization
) -> tuple[list[tuple[Organization, Organization, dict[str, Any]]], list[RowError]]:
    rows = list(csv_rows(io.StringIO(text), required=set(IMPORT_COLUMNS[:4])))
    slugs = _organizations_by_slug(
        cell.strip() for _line, row in rows for side in ("debtor", "creditor")
        if (cell := row.get(side)) and len(cell) <= SHORT_TEXT
    )  # fmt: skip
    good: list[tuple[Organization, Organization, dict[str, Any]]] = []
    errors: list[RowError] = []
    for line, row in rows:
        if "__width__" in row:
            errors.append(RowError(line, "row", row["__width__"]))
            continue
        cells = {k: (row.get(k) or "").strip() for k in IMPORT_COLUMNS}
        mine = len(errors)
        parties = {side: slugs.get(cells[side]) for side in ("debtor", "creditor")}
        for side, party in parties.items():
            if party is None:
                errors.append(RowError(line, side, _("%(value)s is not an organisation")
                                       % {"value": repr(cells[side][:40])}))  # fmt: skip
        debtor, creditor = parties["debtor"], parties["creditor"]
        if debtor is not None and creditor is not None and organization not in (debtor, creditor):
            errors.append(RowError(line, "debtor", _("neither side is %(slug)s")
                                   % {"slug": organization.slug}))  # fmt: skip
        values: dict[str, Any] = {"currency": cells["currency"], "reference": cells["reference"]}
        try:
            values["currency"] = check_currency(cells["currency"])
            values["amount"] = minor_units(cells["amount"], values["currency"])
        except OutOfBounds as error:
            errors.append(RowError(line, "currency", error.message))
        except MoneyError as error:
            errors.append(RowError(line, "amount", error.message))
        try:
            values["due_on"] = dt.date.fromisoformat(cells["due_on"]) if cells["due_on"] else None
        except ValueError:
            errors.append(RowError(line, "due_on", _("%(value)s is not YYYY-MM-DD")
                                   % {"value": repr(cells["due_on"][:40])}))  # fmt: skip
        if len(errors) > mine or debtor is None or creditor is None:
            continue
        try:
            good.append((debtor, creditor, _clean_obligation(values, debtor=debtor,
                                                             creditor=creditor)))  # fmt: skip
        except InvalidValues as invalid:
            errors += [RowError(line, field, reason) for field, reason in invalid.errors.items()]
    return good, errors


def obligations_import(*, actor: AnyUser, organization: Organization, data: bytes | str) -> int:
    """Obligations from a CSV file (debtor, creditor: organisation slugs; amount in major
    units; currency; due_on YYYY-MM-DD and reference optional), UTF-8. Every row involves
    `organization`; those it owes are confirmed at once. All or nothing: any bad row and
    nothing is written (ImportFailed names every bad row)."""
    require(
        permissions.can_import_obligations(actor, organization),
        _("Import invoices for an organisation you speak for"),
    )
    text = decode_upload(data) if isinstance(data, bytes) else data
    rows, errors = _import_rows(text, organization)
    if errors:
        raise ImportFailed(errors)
    if not rows:
        raise ImportFailed([RowError(2, "file", _("the file holds no invoices"))])
    now = timezone.now()
    made = [
        _new_obligation(actor=actor, debtor=debtor, creditor=creditor, clean=clean,
                        source=Obligation.Source.IMPORT, confirmed=debtor == organization,
                        now=now)
        for debtor, creditor, clean in rows
    ]  # fmt: skip
    with transaction.atomic():
        Obligation.objects.bulk_create(made, batch_size=BATCH)
        audit_record(
            actor=actor, action="obligation.import", target=organization,
            summary=_("%(count)d invoices imported") % {"count": len(made)},
            organizations={organization.pk} | {o.debtor_id for o in made}
            | {o.creditor_id for o in made},
        )  # fmt: skip
    return len(made)


def obligation_confirm(*, actor: AnyUser, obligation: Obligation) -> Obligation:
    """The debtor agrees it owes this: from now on it can be cleared."""
    require(
        permissions.can_confirm_obligation(actor, obligation),
        _("Only the debtor confirms what it owes"),
    )
    with transaction.atomic():
        fresh = locks.obligation_for_update(obligation.pk)
        if fresh.is_disputed:
            raise DomainError(_("A disputed obligation is not confirmed"))
        if fresh.confirmed_at is None:
            fresh.confirmed_at, fresh.confirmed_by = timezone.now(), recorded_user(actor)
            fresh.save(update_fields=["confirmed_at", "confirmed_by"])
            audit_record(
                actor=actor, action="obligation.confirm", target=fresh,
                summary=_("%(debtor)s confirmed it owes %(amount)s")
                % {"debtor": fresh.debtor.name,
                   "amount": format_money(fresh.amount, fresh.currency)},
                organizations=[fresh.debtor_id, fresh.creditor_id],
            )  # fmt: skip
    obligation.confirmed_at, obligation.confirmed_by = fresh.confirmed_at, fresh.confirmed_by
    return fresh


def obligation_dispute(*, actor: AnyUser, obligation: Obligation, reason: str) -> Obligation:
    """Either side says the obligation is wrong: it leaves clearing until it is replaced."""
    require(
        permissions.can_dispute_obligation(actor, obligation),
        _("Only its parties dispute an invoice"),
    )
    reason = check_text(reason, field="reason", max_length=REASON_LENGTH).strip()
    if not reason:
        raise InvalidValues({"reason": _("Say why")})
    with transaction.atomic():
        fresh = locks.obligation_for_update(obligation.pk)
        if fresh.is_disputed:
            raise DomainError(_("It is disputed already"))
        if fresh.remaining != fresh.amount:
            raise DomainError(_("Part of it was already cleared: record a correction instead"))
        fresh.status = obligation.status = Obligation.Status.DISPUTED
        fresh.dispute_reason = obligation.dispute_reason = reason
        fresh.save(update_fields=["status", "dispute_reason"])
        audit_record(
            actor=actor, action="obligation.dispute", target=fresh,
            summary=_("disputed: %(reason)s") % {"reason": reason},
            organizations=[fresh.debtor_id, fresh.creditor_id],
        )  # fmt: skip
    return fresh


# a discharge's kind → its audit action and summary
DISCHARGES: dict[str, tuple[str, Any]] = {
    ObligationEntry.Kind.PAID: (
        "obligation.paid",
        gettext_lazy("%(amount)s paid outside clearing"),
    ),
    ObligationEntry.Kind.CANCELLED: ("obligation.cancel", gettext_lazy("%(amount)s cancelled")),
}


def obligation_discharge(
    *, actor: AnyUser, obligation: Obligation, amount: int, kind: str
) -> Obligation:
    """The creditor says `amount` of what is still owed was paid by other means (`paid`),
    or that it no longer asks for it (`cancelled`): an entry of the ledger without a run,
    so that nothing is cleared twice. A run proposed before it no longer commits (its
    obligations changed). Nobody else hears of it: the creditor recorded the payment."""
    require(
        permissions.can_discharge_obligation(actor, obligation),
        _("Only the creditor says an invoice was paid or cancels it"),
    )
    if kind not in DISCHARGES:
        raise InvalidValues({"kind": _("is paid or cancelled")})
    check_money(amount, field="amount")
    if amount <= 0:
        raise InvalidValues({"amount": _("is a whole number of minor units above 0")})
    action, summary = DISCHARGES[kind]
    with transaction.atomic():
        fresh = locks.obligation_for_update(obligation.pk)
        if fresh.is_disputed:
            raise DomainError(_("A disputed obligation is replaced, not discharged"))
        if amount > fresh.remaining:
            raise InvalidValues(
                {"amount": _("is at most what is still owed (%(remaining)s)")
                 % {"remaining": format_money(fresh.remaining, fresh.currency)}}
            )  # fmt: skip
        entry = _entry(fresh, amount, kind, None, recorded_user(actor), timezone.now())
        entry.save()
        fresh.save(update_fields=["remaining", "status"])
        audit_record(
            actor=actor, action=action, target=fresh,
            summary=str(summary) % {"amount": format_money(amount, fresh.currency)},
            organizations=[fresh.debtor_id, fresh.creditor_id],
        )  # fmt: skip
    obligation.remaining, obligation.status = fresh.remaining, fresh.status
    return fresh


# clearing runs ----------------------------------------------------------------------
#
# A run is proposed and committed by functions of ids and an actor, each in short
# transactions, so that a background task can call them as a page does: propose reads
# and solves outside any transaction and writes the run in one; commit locks what it
# changes, checks it is unchanged, and applies the run in bulk.


def _network(network: Network | int) -> Network:
    return network if isinstance(network, Network) else Network.objects.get(pk=network)


def _run(run: ClearingRun | int) -> ClearingRun:
    pk = run.pk if isinstance(run, ClearingRun) else run
    return ClearingRun.objects.select_related("network").get(pk=pk)


def _solve(
    rows: list[tuple[int, int, int, int]], *, system: CreditSystem | None
) -> tuple[Any, Any, Any]:
    """(owed, set off, paid in credit) per row (pk, debtor, creditor, remaining)."""
    _ids, debtors, creditors, owed = (
        np.array(col, dtype=np.int64) for col in zip(*rows, strict=True)
    )
    orgs, compact = np.unique(np.concatenate([debtors, creditors]), return_inverse=True)
    d, c = compact[: len(rows)], compact[len(rows) :]
    try:
        cleared = solver.setoff(d, c, owed, len(orgs))
    except solver.TooLarge:
        raise DomainError(
            _("The run's debt is too large to clear at once (more than 4.6 × 10^18 minor "
              "units): clear the largest invoices separately")
        ) from None  # fmt: skip
    credit = np.zeros(len(rows), dtype=np.int64)
    if system is not None:
        accounts = {
            organization: (balance, limit)
            for organization, balance, limit in system.accounts.values_list(
                "organization_id", "balance", "limit"
            )
        }
        state = [accounts.get(int(o)) for o in orgs]
        credit = solver.settle_with_credit(
            d, c, owed - cleared,
            np.array([s[0] if s else 0 for s in state], dtype=np.int64),
            np.array([s[1] if s else 0 for s in state], dtype=np.int64),
            has_account=np.array([s is not None for s in state], dtype=bool),
            ceiling=MAX_MONEY,
        ).paid  # fmt: skip
    return owed, cleared, credit


def clearing_run_propose(
    *, actor: AnyUser, network: Network | int, currency: str, use_credit: bool = False
) -> ClearingRun:
    """Snapshot the clearable obligations (confirmed, still owed, between two members of
    the network today) and compute the optimal set-off; with `use_credit`, then what
    remains paid in the network's mutual credit within each debtor's available credit.
    Nothing is applied until the run is committed."""
    network = _network(network)
    require(
        permissions.can_run_clearing(actor, network),
        _("Only the network's coordinators run a clearing"),
    )
    currency = check_currency(currency)
    system = CreditSystem.objects.filter(network=network).first() if use_credit else None
    if use_credit and (system is None or system.currency != currency):
        raise DomainError(_("The network has no mutual credit worth %(currency)s")
                          % {"currency": currency}, field="use_credit")  # fmt: skip
    rows = list(selectors.clearable(network=network, currency=currency)
                .values_list("pk", "debtor_id", "creditor_id", "remaining"))  # fmt: skip
    if not rows:
        raise DomainError(_("No confirmed open obligations among the network's members"))
    owed, cleared, credit = _solve(rows, system=system)
    totals = {"total_debt": solver.total(owed), "setoff_total": solver.total(cleared),
              "credit_total": solver.total(credit)}  # fmt: skip
    with transaction.atomic():
        run = ClearingRun.objects.create(
            network=network, currency=currency, use_credit=use_credit,
            created_by=recorded_user(actor), created_at=timezone.now(), **totals,
        )  # fmt: skip
        RunLine.objects.bulk_create(
            (RunLine(run=run, obligation_id=row[0], owed=o, setoff=s, credit=k)
             for row, o, s, k in zip(rows, owed.tolist(), cleared.tolist(), credit.tolist(),
                                     strict=True)),
            batch_size=BATCH,
        )  # fmt: skip
        audit_record(
            actor=actor, action="run.propose", target=run,
            summary=_("%(setoff)s set off and %(credit)s in mutual credit of %(debt)s")
            % {"setoff": format_money(run.setoff_total, currency),
               "credit": format_money(run.credit_total, currency),
               "debt": format_money(run.total_debt, currency)},
            organizations={pk for row in rows for pk in row[1:3]}, network=network,
        )  # fmt: skip
        notify(
            users=speakers_of({pk for row in rows for pk in row[1:3]}),
            subject=gettext_lazy("A clearing run of %(network)s is proposed: %(setoff)s set off"),
            params={"network": network.name,
                    "setoff": in_their_language(format_money, run.setoff_total, currency)},
            link=("clearing:run", [run.pk]),
            kind="clearing",
        )  # fmt: skip
    return run


def clearing_run_request(
    *, actor: AnyUser, network: Network | int, currency: str, use_credit: bool = False
) -> TaskRun:
    """Queue a run's proposal for a background worker: on a big network the set-off takes
    seconds, which no request (and no SQLite writer) should wait for. The page follows the
    task and opens the run once it is ready."""
    network = _network(network)
    require(
        permissions.can_run_clearing(actor, network),
        _("Only the network's coordinators run a clearing"),
    )
    currency = check_currency(currency)
    return task_run_submit(
        actor=actor,
        name="clearing.run_propose",
        label=_("Clearing run of %(network)s in %(currency)s")
        % {"network": network.name, "currency": currency},
        params={"network": network.pk, "currency": currency, "use_credit": use_credit},
        network=network,
    )


def clearing_run_propose_job(
    *, actor: AnyUser, network: int, currency: str, use_credit: bool
) -> JobResult:
    """The background task of `clearing_run_request`: propose, and say what it found."""
    run = clearing_run_propose(
        actor=actor, network=network, currency=currency, use_credit=use_credit
    )
    summary = _("%(setoff)s set off and %(credit)s in mutual credit of %(debt)s") % {
        "setoff": format_money(run.setoff_total, currency),
        "credit": format_money(run.credit_total, currency),
        "debt": format_money(run.total_debt, currency),
    }
    return summary, ("clearing:run", [run.pk])


def _entry(obligation: Obligation, amount: int, kind: str, run: ClearingRun | None,
           user: User | None, now: dt.datetime) -> ObligationEntry:  # fmt: skip
    obligation.remaining -= amount
    obligation.status = _status(obligation)
    return ObligationEntry(
        obligation=obligation, run=run, kind=kind, amount=amount,
        remaining_after=obligation.remaining, created_at=now, created_by=user,
    )  # fmt: skip


def _move(
    transfer: CreditTransfer, source: CreditAccount, target: CreditAccount
) -> list[CreditEntry]:
    """The two ledger entries of a transfer, with the accounts' new balances (not saved)."""
    entries = []
    for account, signed in ((source, -transfer.amount), (target, transfer.amount)):
        account.balance += signed
        entries.append(CreditEntry(account=account, transfer=transfer, amount=signed,
                                   balance_after=account.balance,
                                   created_at=transfer.created_at))  # fmt: skip
    return entries


def _save_transfers(
    moves: list[tuple[CreditTransfer, CreditAccount, CreditAccount]],
    accounts: Iterable[CreditAccount],
) -> None:
    """Write transfers, their entries and the accounts' balances, in bulk."""
    CreditTransfer.objects.bulk_create([t for t, _s, _p in moves], batch_size=BATCH)
    entries = [entry for move in moves for entry in _move(*move)]
    CreditEntry.objects.bulk_create(entries, batch_size=BATCH)
    CreditAccount.objects.bulk_update(list(accounts), ["balance"], batch_size=BATCH)


def clearing_run_commit(*, actor: AnyUser, run: ClearingRun | int) -> ClearingRun:
    """Apply a proposed run's set-offs (and mutual-credit payments) as ledger entries, all
    at once or not at all. A run commits once; one whose obligations changed since it was
    proposed, or whose organisations are no longer all members, is refused (propose a
    new one)."""
    found = _run(run)
    require(
        permissions.can_run_clearing(actor, found.network),
        _("Only the network's coordinators commit a clearing"),
    )
    lines = list(RunLine.objects.filter(run=found).order_by("pk"))
    user, now = recorded_user(actor), timezone.now()
    with transaction.atomic():
        # everything this transaction changes is locked first, in the one global order
        fresh = locks.run_for_update(found.pk)
        if fresh.is_committed:
            raise DomainError(_("This run was already committed"))
        if not fresh.is_proposed:
            raise DomainError(_("Only a proposed run is committed"))
        obligations = locks.run_obligations_for_update(fresh.pk)
        system = CreditSystem.objects.filter(network_id=fresh.network_id).first()
        accounts = (locks.run_accounts_for_update(fresh.pk, system_id=system.pk)
                    if system is not None and fresh.use_credit else {})  # fmt: skip
        for line in lines:
            current = obligations[line.obligation_id]
            if current.remaining != line.owed or current.is_disputed:
                raise DomainError(
                    _("Obligations changed since the run was proposed: propose it again")
                )
        parties = {pk for o in obligations.values() for pk in (o.debtor_id, o.creditor_id)}
        if gone := parties - permissions.members_now(fresh.network_id, parties):
            names = Organization.objects.filter(pk__in=sorted(gone)[:3]).values_list(
                "name", flat=True
            )
            raise DomainError(
                _("No longer members of the network: %(names)s. Propose the run again")
                % {"names": ", ".join(names)}
            )
        by_org = {a.organization_id: a for a in accounts.values()}
        entries: list[ObligationEntry] = []
        touched: dict[int, Obligation] = {}
        moves: list[tuple[CreditTransfer, CreditAccount, CreditAccount]] = []
        for line in lines:
            obligation = obligations[line.obligation_id]
            if line.setoff or line.credit:
                touched[obligation.pk] = obligation
            if line.setoff:
                entries.append(_entry(obligation, line.setoff, ObligationEntry.Kind.SETOFF,
                                      fresh, user, now))  # fmt: skip
            if line.credit:
                payer, payee = by_org.get(obligation.debtor_id), by_org.get(obligation.creditor_id)
                if payer is None or payee is None:
                    raise DomainError(
                        _("Balances changed since the run was proposed: propose it again")
                    )
                transfer = CreditTransfer(
                    system=system, payer=payer, payee=payee, amount=line.credit,
                    kind=CreditTransfer.Kind.CLEARING, memo=obligation.reference[:200]
                    or f"#{obligation.pk}", run=fresh, created_by=user, created_at=now,
                )  # fmt: skip
                moves.append((transfer, payer, payee))
                entries.append(_entry(obligation, line.credit, ObligationEntry.Kind.CREDIT,
                                      fresh, user, now))  # fmt: skip
        # the second phase passed over the obligations more than once, so a payment may
        # rely on credit received further down the list: limits hold on the final balances
        balance = {a.pk: a.balance for a in accounts.values()}
        for transfer, payer, payee in moves:
            balance[payer.pk] -= transfer.amount
            balance[payee.pk] += transfer.amount
        if any(not -a.limit <= balance[a.pk] <= MAX_MONEY for a in accounts.values()):
            raise DomainError(_("Balances changed since the run was proposed: propose it again"))
        ObligationEntry.objects.bulk_create(entries, batch_size=BATCH)
        Obligation.objects.bulk_update(
            list(touched.values()), ["remaining", "status"], batch_size=BATCH
        )
        if moves:
            _save_transfers(moves, accounts.values())
        # other apps hear of what the run settled (a fund records its loan repayments);
        # one that refuses undoes the whole commit
        on_date = timezone.localdate(now)
        for entry in entries:
            hooks.settled(entry.obligation, entry.amount, on_date, actor)
        fresh.status = ClearingRun.Status.COMMITTED
        fresh.committed_by, fresh.committed_at = user, now
        fresh.save(update_fields=["status", "committed_by", "committed_at"])
        audit_record(
            actor=actor, action="run.commit", target=fresh,
            summary=_("%(cleared)s cleared of %(debt)s")
            % {"cleared": format_money(fresh.cleared, fresh.currency),
               "debt": format_money(fresh.total_debt, fresh.currency)},
            organizations=parties, network=fresh.network_id,
        )  # fmt: skip
    if isinstance(run, ClearingRun):
        run.status, run.committed_by, run.committed_at = fresh.status, user, now
    return fresh


def clearing_run_discard(*, actor: AnyUser, run: ClearingRun | int) -> ClearingRun:
    """Set a proposed run aside: it will never be committed."""
    found = _run(run)
    require(
        permissions.can_run_clearing(actor, found.network),
        _("Only the network's coordinators discard a clearing run"),
    )
    with transaction.atomic():
        fresh = locks.run_for_update(found.pk)
        if not fresh.is_proposed:
            raise DomainError(_("Only a proposed run is discarded"))
        fresh.status, fresh.discarded_at = ClearingRun.Status.DISCARDED, timezone.now()
        fresh.save(update_fields=["status", "discarded_at"])
        audit_record(
            actor=actor, action="run.discard", target=fresh,
            summary=_("run of %(currency)s discarded") % {"currency": fresh.currency},
            organizations=permissions.run_parties(fresh), network=fresh.network_id,
        )  # fmt: skip
    if isinstance(run, ClearingRun):
        run.status = fresh.status
    return fresh


def clearing_run_reverse(*, actor: AnyUser, run: ClearingRun | int) -> ClearingRun:
    """Undo a committed run by correcting entries: every obligation owes again what the
    run cleared of it, and its mutual-credit payments are paid back. A run that settled
    loan instalments (obligations from capital) is not reversed: their repayments are in
    a fund's append-only books, which owing the instalments again would contradict. The
    run stands; the simplest rule that never leaves a loan and its obligations apart."""
    found = _run(run)
    require(
        permissions.can_reverse_run(actor, found),
        _("Only the network's coordinators reverse a clearing, while all its "
          "organisations are members"),
    )  # fmt: skip
    user, now = recorded_user(actor), timezone.now()
    with transaction.atomic():
        fresh = locks.run_for_update(found.pk)
        if not fresh.is_committed:
            raise DomainError(_("Only a committed run is reversed"))
        obligations = locks.run_obligations_for_update(fresh.pk, cleared_only=True)
        if any(o.source == Obligation.Source.CAPITAL for o in obligations.values()):
            raise DomainError(
                _("This run repaid loan instalments, which are in the fund's books: it "
                  "cannot be reversed")
            )  # fmt: skip
        accounts = locks.run_transfer_accounts_for_update(fresh.pk)
        lines = RunLine.objects.filter(Q(setoff__gt=0) | Q(credit__gt=0), run=fresh)
        entries = [
            _entry(obligations[line.obligation_id], -(line.setoff + line.credit),
                   ObligationEntry.Kind.CORRECTION, fresh, user, now)
            for line in lines.order_by("pk")
        ]  # fmt: skip
        moves = [
            (CreditTransfer(system_id=t.system_id, payer=accounts[t.payee_id],
                            payee=accounts[t.payer_id], amount=t.amount,
                            kind=CreditTransfer.Kind.CORRECTION, run=fresh, created_by=user,
                            created_at=now,
                            memo=(_("Reversal of %(memo)s") % {"memo": t.memo})[:200]),
             accounts[t.payee_id], accounts[t.payer_id])
            for t in fresh.transfers.filter(kind=CreditTransfer.Kind.CLEARING).order_by("pk")
        ]  # fmt: skip
        ObligationEntry.objects.bulk_create(entries, batch_size=BATCH)
        Obligation.objects.bulk_update(list(obligations.values()), ["remaining", "status"],
                                       batch_size=BATCH)  # fmt: skip
        if moves:
            _save_transfers(moves, accounts.values())
        fresh.status, fresh.reversed_at = ClearingRun.Status.REVERSED, now
        fresh.save(update_fields=["status", "reversed_at"])
        audit_record(
            actor=actor, action="run.reverse", target=fresh,
            summary=_("%(cleared)s owed again") % {"cleared": format_money(fresh.cleared,
                                                                      fresh.currency)},
            organizations={pk for o in obligations.values() for pk in (o.debtor_id, o.creditor_id)},
            network=fresh.network_id,
        )  # fmt: skip
    if isinstance(run, ClearingRun):
        run.status = fresh.status
    return fresh


# mutual credit ----------------------------------------------------------------------


def credit_system_create(
    *, actor: AnyUser, network: Network, values: Mapping[str, Any]
) -> CreditSystem:
    """The network's mutual credit, with an account for each of its members (those who
    join later get theirs on their first payment)."""
    require(
        permissions.can_manage_credit(actor, network),
        _("Only the network's coordinators start a mutual credit"),
    )
    errors: dict[str, str] = {}
    code = str(values.get("code") or "").strip().upper()
    if not (code.isascii() and code.isalnum() and 2 <= len(code) <= 8):
        errors["code"] = _("is 2 to 8 letters or digits")
    clean: dict[str, Any] = {}
    for field, check in (
        ("name", lambda v: check_text(str(v or code).strip(), field="name", max_length=100)),
        ("currency", lambda v: check_currency(v, field="currency")),
        ("default_limit", lambda v: check_money(v or 0, field="default_limit")),
    ):
        try:
            clean[field] = check(values.get(field))
        except OutOfBounds as error:
            errors[field] = error.message
    if CreditSystem.objects.filter(network=network).exists():
        errors["code"] = _("The network already runs a mutual credit")
    if errors:
        raise InvalidValues(errors)
    with transaction.atomic():
        system = CreditSystem.objects.create(
            network=network, code=code, name=clean["name"] or code, currency=clean["currency"],
            default_limit=clean["default_limit"], created_at=timezone.now(),
        )  # fmt: skip
        members = list(network_members(network=network).values_list("pk", flat=True))
        CreditAccount.objects.bulk_create(
            (CreditAccount(system=system, organization_id=member, limit=system.default_limit,
                           opened_at=system.created_at) for member in members),
            batch_size=BATCH,
        )  # fmt: skip
        audit_record(
            actor=actor, action="credit.start", target=system,
            summary=_("%(name)s (%(code)s) started, worth %(currency)s, default limit %(limit)s")
            % {"name": system.name, "code": code, "currency": system.currency,
               "limit": format_money(system.default_limit, system.currency)},
            organizations=members, network=network,
        )  # fmt: skip
    return system


def _account(system: CreditSystem, organization: Organization) -> tuple[CreditAccount, bool]:
    """A member's account, at zero with the system's default limit, opened if need be."""
    if not permissions.members_now(system.network_id, {organization.pk}):
        raise DomainError(_("Only the network's members hold accounts"))
    return CreditAccount.objects.get_or_create(
        system=system, organization=organization,
        defaults={"limit": system.default_limit, "opened_at": timezone.now()},
    )  # fmt: skip


def credit_account_open(
    *, actor: AnyUser, system: CreditSystem, organization: Organization
) -> CreditAccount:
    """A member's account, at zero with the system's default limit (idempotent)."""
    require(
        permissions.can_open_account(actor, system, organization),
        _("Only the network's coordinators or the member's admins open an account"),
    )
    with transaction.atomic():
        account, created = _account(system, organization)
        if created:
            audit_record(
                actor=actor, action="account.open", target=account,
                summary=_("account of %(name)s opened") % {"name": organization.name},
                organizations=[organization], network=system.network_id,
            )  # fmt: skip
    return account


def credit_limit_set(*, actor: AnyUser, account: CreditAccount, limit: int) -> CreditAccount:
    """The coordinator sets how far below zero an account may go. A limit lower than what
    the account already owes is refused."""
    require(
        permissions.can_set_limit(actor, account),
        _("Only the network's coordinators set the limits of its members' accounts"),
    )
    check_money(limit, field="limit")
    with transaction.atomic():
        fresh = locks.accounts_for_update([account.pk])[account.pk]
        if fresh.balance + limit < 0:
            owed = format_money(-fresh.balance, account.system.currency)
            raise InvalidValues(
                {"limit": _("is at least what the account owes (%(owed)s)") % {"owed": owed}}
            )
        before, fresh.limit = fresh.limit, limit
        fresh.save(update_fields=["limit"])
        audit_record(
            actor=actor, action="limit.set", target=fresh,
            summary=_("limit of %(name)s from %(before)s to %(after)s")
            % {"name": fresh.organization.name,
               "before": format_money(before, account.system.currency),
               "after": format_money(limit, account.system.currency)},
            organizations=[fresh.organization_id], network=account.system.network_id,
        )  # fmt: skip
    account.limit = limit
    return fresh


def _clean_key(idempotency_key: str | None) -> str | None:
    key = (idempotency_key or "").strip()
    if len(key) > KEY_LENGTH:
        raise OutOfBounds(_("is at most %(max)d characters") % {"max": KEY_LENGTH},
                          field="idempotency_key")  # fmt: skip
    return check_text(key, field="idempotency_key", max_length=KEY_LENGTH) or None


def credit_pay(
    *, actor: AnyUser, system: CreditSystem, payer: Organization, payee: Organization,
    amount: int, memo: str = "", idempotency_key: str | None = None,
) -> CreditTransfer:  # fmt: skip
    """A payment in mutual credit within the payer's limit. With an idempotency key, a
    retried request returns the first payment instead of paying again, also when the
    two arrive at once (the key is looked up again under the accounts' locks)."""
    require(permissions.can_pay_from(actor, payer), _("Pay from an organisation you speak for"))
    check_money(amount, field="amount")
    if amount <= 0:
        raise InvalidValues({"amount": _("is a whole number of minor units above 0")})
    if payer.pk == payee.pk:
        raise InvalidValues({"payee": _("is not the payer itself")})
    memo = check_text(memo, field="memo", max_length=200)
    key = _clean_key(idempotency_key)
    if done := _paid_with(system, key):
        return _same_payment(done, payer, payee, amount)
    source, _new = _account(system, payer)
    target, _new = _account(system, payee)
    try:
        with transaction.atomic():
            locked = locks.accounts_for_update([source.pk, target.pk])
            # again under the locks: a parallel request with this key may have paid
            # while this one waited for them
            if done := _paid_with(system, key):
                return _same_payment(done, payer, payee, amount)
            return _transfer(
                actor=actor, system=system, source=locked[source.pk], target=locked[target.pk],
                amount=amount, memo=memo, key=key,
            )  # fmt: skip
    except IntegrityError:  # the same key, paid meanwhile between two other accounts
        if done := _paid_with(system, key):
            return _same_payment(done, payer, payee, amount)
        raise


def _paid_with(system: CreditSystem, key: str | None) -> CreditTransfer | None:
    if key is None:
        return None
    return (
        CreditTransfer.objects.filter(system=system, idempotency_key=key)
        .select_related("payer", "payee")
        .first()
    )


def _transfer(
    *, actor: AnyUser, system: CreditSystem, source: CreditAccount, target: CreditAccount,
    amount: int, memo: str, key: str | None,
) -> CreditTransfer:  # fmt: skip
    """Move `amount` between two locked accounts, within the payer's limit."""
    if source.balance - amount < -source.limit:
        raise DomainError(
            _("Not enough credit: %(name)s may pay %(available)s more")
            % {"name": source.organization.name,
               "available": format_money(max(source.available, 0), system.currency)},
            field="amount",
        )  # fmt: skip
    if target.balance + amount > MAX_MONEY:
        raise DomainError(_("The payee's balance would pass 10^15 minor units"), field="amount")
    transfer = CreditTransfer.objects.create(
        system=system, payer=source, payee=target, amount=amount,
        kind=CreditTransfer.Kind.PAYMENT, memo=memo, idempotency_key=key,
        created_by=recorded_user(actor), created_at=timezone.now(),
    )  # fmt: skip
    CreditEntry.objects.bulk_create(_move(transfer, source, target))
    CreditAccount.objects.bulk_update([source, target], ["balance"])
    audit_record(
        actor=actor, action="credit.pay", target=transfer,
        summary=_("%(amount)s from %(payer)s to %(payee)s")
        % {"amount": format_money(amount, system.currency), "payer": source.organization.name,
           "payee": target.organization.name},
        organizations=[source.organization_id, target.organization_id],
        network=system.network_id,
    )  # fmt: skip
    return transfer


def _same_payment(
    done: CreditTransfer, payer: Organization, payee: Organization, amount: int
) -> CreditTransfer:
    if (
        done.payer.organization_id != payer.pk
        or done.payee.organization_id != payee.pk
        or done.amount != amount
    ):
        raise DomainError(
            _("This idempotency key was used for another payment"), field="idempotency_key"
        )
    return done
