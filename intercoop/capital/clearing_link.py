"""Repaying a loan through clearing: for a loan disbursed with `settle_by_clearing`, each
instalment that falls due becomes a confirmed obligation from the borrower to the fund's
holder, so that the borrower may repay by having invoices set off.

The fund's books and the obligations agree by one rule: the obligations of a loan's
current schedule never ask for more than what is still unpaid of the instalments they
were made for (payments paying the oldest instalment first, as everywhere in the fund).
- A clearing run that settles part of such an obligation records a repayment of that
  amount (`on_settlement`, a clearing settlement listener wired in config): the
  obligation owes less and so does the loan, by the same amount.
- A repayment recorded by the fund (cash) pays the instalments; the obligations then
  ask for more than is unpaid, and the difference is discharged as "paid outside
  clearing", oldest first (`follow_repayment`): nothing is paid twice. A run proposed
  before it no longer commits, since its obligations changed.
- A restructured or written-off loan no longer asks for its old instalments: their
  obligations are cancelled (`release`).

Lock order: the loan's open obligations, then the fund and the loan (as a clearing
run's commit locks its obligations before the listener locks the loan).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from intercoop.capital import arrears
from intercoop.capital import lock_objects as locks
from intercoop.capital.models import Instalment, Loan, LoanSchedule, Repayment
from intercoop.clearing import services as clearing
from intercoop.clearing.models import Obligation, ObligationEntry
from intercoop.core.audit import system_actor
from intercoop.core.permissions import AnyUser


def reference(loan: Loan, number: int) -> str:
    """The obligation's reference: the same words in every language, as an invoice number."""
    return f"Loan #{loan.pk} instalment {number}"


def unpaid(rows: Iterable[Instalment], paid: int) -> dict[int, int]:
    """What is still unpaid of each instalment (by number) when `paid` was paid in all,
    the oldest first (`arrears.unpaid_after`)."""
    ordered = sorted(rows, key=lambda r: r.number)
    return {row.number: left for row, left in arrears.unpaid_after(ordered, paid)}


# instalments falling due -------------------------------------------------------------


def instalment_obligations(
    loan: Loan, rows: Sequence[Instalment], actor: AnyUser
) -> list[Obligation]:
    """A confirmed obligation from the borrower to the fund's holder for what is unpaid of
    each instalment of `rows` (due, of the loan's current schedule, without one yet), in
    the fund's currency; stored on the instalment. Nothing for an instalment already
    paid. Call it in a transaction holding the loan's lock (its paid total is read)."""
    if not loan.settle_by_clearing or not loan.is_active or not rows:
        return []
    fund = loan.fund
    if fund.holder_id == loan.organization_id:
        return []  # an organisation owes itself nothing
    owed = unpaid(rows[0].schedule.rows.all(), loan.paid_total)
    made = []
    for row in rows:
        amount = owed.get(row.number, 0)
        if row.obligation_id is not None or amount <= 0:
            continue
        obligation = clearing.obligation_record(
            actor=actor,
            debtor=loan.organization,
            creditor=fund.holder,
            recorded_for=loan.organization,  # the debtor's statement: confirmed at once
            source=Obligation.Source.CAPITAL,
            notify_other=False,
            values={
                "amount": amount,
                "currency": fund.currency,
                "due_on": row.due_on,
                "reference": reference(loan, row.number),
            },
        )
        Instalment.objects.filter(pk=row.pk).update(obligation=obligation)
        row.obligation = obligation
        made.append(obligation)
    return made


def obligations_fall_due(*, until: dt.date, loan: Loan | None = None) -> int:
    """The obligations of every instalment due by `until` of the active loans settled by
    clearing, not paid in full and without one yet; how many were made. Instalments
    before the loan's oldest unpaid one are paid, so they are never looked at again."""
    rows = Instalment.objects.filter(
        schedule__current=True,
        schedule__loan__status=Loan.Status.ACTIVE,
        schedule__loan__settle_by_clearing=True,
        schedule__loan__unpaid_since__isnull=False,
        due_on__gte=F("schedule__loan__unpaid_since"),
        due_on__lte=until,
        obligation__isnull=True,
    ).exclude(schedule__loan__organization=F("schedule__loan__fund__holder"))
    if loan is not None:
        rows = rows.filter(schedule__loan=loan)
    by_loan: dict[int, list[int]] = {}
    for loan_id, pk in rows.order_by("schedule__loan_id", "number").values_list(
        "schedule__loan_id", "pk"
    ):
        by_loan.setdefault(loan_id, []).append(pk)
    system, made = system_actor(), 0
    for loan_id, pks in by_loan.items():
        with transaction.atomic():
            found = Loan.objects.select_related("fund__holder", "organization").get(pk=loan_id)
            locks.lock_loan(found)
            due = list(
                Instalment.objects.filter(pk__in=pks, schedule__current=True)
                .select_related("schedule")
                .order_by("number")
            )
            made += len(instalment_obligations(found, due, system))
    return made


# repayments ------------------------------------------------------------------------------


def _open_obligations(schedule_filter: Q) -> Any:
    return Obligation.objects.filter(
        pk__in=Instalment.objects.filter(schedule_filter, obligation__isnull=False).values(
            "obligation_id"
        ),
        remaining__gt=0,
    ).exclude(status=Obligation.Status.DISPUTED)


def lock_open_obligations(loan: Loan) -> None:
    """Lock the open obligations of the loan's current schedule (before the loan)."""
    if not loan.settle_by_clearing:
        return
    list(
        _open_obligations(Q(schedule__loan=loan, schedule__current=True))
        .order_by("pk")
        .select_for_update(of=("self",))
        .values_list("pk", flat=True)
    )


def follow_repayment(loan: Loan, stored: LoanSchedule) -> int:
    """After a repayment: discharge, oldest first, what the open obligations ask for
    beyond what is unpaid of their instalments (a payment in cash pays them); what was
    discharged. A repayment settled by clearing leaves them as they are (the run has
    reduced its obligation already)."""
    if not loan.settle_by_clearing:
        return 0
    rows = list(stored.rows.all())
    left = unpaid(rows, loan.paid_total)
    asked_for = sum(left[row.number] for row in rows if row.obligation_id is not None)
    open_ones = list(
        _open_obligations(Q(schedule=stored)).order_by("due_on", "pk").select_related("creditor")
    )
    extra = sum(o.remaining for o in open_ones) - asked_for
    if extra <= 0:
        return 0
    system, discharged = system_actor(), 0
    for obligation in open_ones:
        amount = min(extra - discharged, obligation.remaining)
        if amount <= 0:
            break
        clearing.obligation_discharge(
            actor=system, obligation=obligation, amount=amount, kind=ObligationEntry.Kind.PAID
        )
        discharged += amount
    return discharged


def release(stored: LoanSchedule) -> int:
    """Cancel what the open obligations of a schedule still ask for (the loan was
    restructured or written off); how much."""
    system, cancelled = system_actor(), 0
    for obligation in (
        _open_obligations(Q(schedule=stored)).order_by("pk").select_related("creditor")
    ):
        cancelled += obligation.remaining
        clearing.obligation_discharge(
            actor=system,
            obligation=obligation,
            amount=obligation.remaining,
            kind=ObligationEntry.Kind.CANCELLED,
        )
    return cancelled


# settlement by clearing ------------------------------------------------------------------


def on_settlement(obligation: Any, amount: int, on_date: dt.date, actor: Any) -> None:
    """A clearing run settled `amount` of an instalment's obligation: the loan is repaid
    that amount on the run's day, by the system (in the run's transaction; a loan that
    may not take it refuses the run)."""
    if obligation.source != Obligation.Source.CAPITAL:
        return
    row = (
        Instalment.objects.filter(obligation_id=obligation.pk)
        .select_related("schedule__loan__fund", "schedule__loan__organization")
        .first()
    )
    if row is None:
        return
    from intercoop.capital.lending import repayment_record

    repayment_record(
        actor=system_actor(),
        loan=row.schedule.loan,
        amount=amount,
        paid_on=on_date,
        reference=_("Set off by clearing (obligation #%(pk)s)") % {"pk": obligation.pk},
        source=Repayment.Source.CLEARING,
        obligation=obligation,
    )
