"""Reads of the funds: balances from the books, the fund page's figures (capital in and
out, what is available to lend, PAR, the ageing table, repayments due soon, notes
maturing), the loans list, borrower and investor statements (page and CSV), the books,
and the lists of the capital pages.

The fund page ages thousands of loans a request, so it reads the figures each `Loan`
keeps at hand (`paid_total`, `principal_outstanding`, `unpaid_since`, kept by the
services with the arrears engine's rules) in one query over the loans, and sums the
instalments only of the loans that are late, in the database. Those figures count every
repayment recorded: pages ask for today (a repayment is never dated in the future).
Statements replay one loan's repayments with `arrears.allocate`.
"""

import datetime as dt
import io
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from functools import reduce
from typing import Any, NamedTuple

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum

from intercoop.capital import arrears, books
from intercoop.capital.models import (
    Contribution,
    EquityEntry,
    Fund,
    Instalment,
    InvestorNote,
    LedgerEntry,
    LedgerTransaction,
    Loan,
    LoanApplication,
    LoanSchedule,
    Repayment,
)
from intercoop.capital.writing import note_interest
from intercoop.core.bounds import currency_digits
from intercoop.core.csvfiles import SafeWriter
from intercoop.core.permissions import AnyUser, is_signed_in, is_staff
from intercoop.directory.models import NetworkMembership
from intercoop.directory.permissions import coordinated_network_ids, organization_roles

DUE_SOON_DAYS = 90
DUE_SOON_ROWS = 100
NOTES_MATURING_DAYS = 365
DISBURSED = (Loan.Status.ACTIVE, Loan.Status.REPAID, Loan.Status.WRITTEN_OFF)
STATEMENT_COLUMNS = [
    "number",
    "due_on",
    "payment",
    "interest",
    "principal",
    "balance",
    "interest_paid",
    "principal_paid",
    "settled_on",
]
NOTE_COLUMNS = ["year", "principal", "interest_earned", "interest_paid"]


# the books ----------------------------------------------------------------------------------


def account_sums(fund: Fund) -> dict[str, tuple[int, int]]:
    """Each account's (debits, credits), summed in the database."""
    sums: dict[str, tuple[int, int]] = {}
    for account, debit, credit in (
        LedgerEntry.objects.filter(fund=fund)
        .values("account")
        .annotate(
            debit=Sum("amount", filter=Q(amount__gt=0)),
            credit=Sum("amount", filter=Q(amount__lt=0)),
        )
        .values_list("account", "debit", "credit")
    ):
        sums[account] = (debit or 0, -(credit or 0))
    return sums


def account_balance(fund: Fund, account: str, *, loan: Loan | None = None) -> int:
    """One account's balance on its normal side, of the loan's transactions only if
    given (one aggregate)."""
    entries = LedgerEntry.objects.filter(fund=fund, account=account)
    if loan is not None:
        entries = entries.filter(transaction__loan=loan)
    net = entries.aggregate(net=Sum("amount"))["net"] or 0
    return net if books.ACCOUNTS[account] in books.DEBIT_NORMAL else -net


def fund_balances(fund: Fund) -> dict[str, int]:
    """Every account's balance on its normal side."""
    return {row.account: row.balance for row in books.trial_balance(account_sums(fund))}


def books_view(fund: Fund) -> tuple[list[books.Balance], QuerySet[LedgerTransaction]]:
    """The trial balance (every account, in the books' order) and the fund's transactions,
    newest first, with their entries, loan and organisation at hand (page it)."""
    transactions = (
        LedgerTransaction.objects.filter(fund=fund)
        .select_related("organization", "loan", "note")
        .prefetch_related(Prefetch("entries", queryset=LedgerEntry.objects.order_by("pk")))
        .order_by("-on", "-pk")
    )
    return books.trial_balance(account_sums(fund)), transactions


# the fund page ------------------------------------------------------------------------------


def _percent(value: Fraction) -> float:
    return round(float(value) * 100, 2)


@dataclass(frozen=True)
class LoanRow:
    """An active loan's standing on `on` (the loans list, and each row of the ageing)."""

    loan_id: int
    organization_id: int
    organization_name: str
    organization_slug: str
    principal: int  # as disbursed
    principal_outstanding: int
    paid_total: int  # paid against the current schedule
    unpaid_since: dt.date | None  # the due date of the oldest instalment not fully paid
    days_past_due: int
    overdue: int  # interest and principal of the instalments due before `on`, unpaid
    overdue_principal: int

    @property
    def bucket(self) -> str:
        return arrears.bucket(self.days_past_due)

    @property
    def is_late(self) -> bool:
        return self.days_past_due > 0


@dataclass(frozen=True)
class AgeingRow:
    bucket: str  # arrears.BUCKETS, in order
    loans: int
    principal_outstanding: int
    overdue: int
    percent: float  # of the outstanding portfolio, 0–100 (the chart's bar)


@dataclass(frozen=True)
class DueRow:
    """An instalment of an active loan due soon, and what is left to pay of it."""

    loan_id: int
    organization_id: int
    organization_name: str
    number: int
    due_on: dt.date
    payment: int  # the instalment's whole payment
    amount: int  # what remains unpaid of it


@dataclass(frozen=True)
class MaturingNote:
    """An open investor note the fund repays soon: at maturity, or after notice."""

    note_id: int
    investor_name: str
    amount: int
    matures_on: dt.date
    due_on: dt.date  # the maturity, or the notice date + the notice period
    notice_given_on: dt.date | None
    first_loss: bool

    @property
    def on_notice(self) -> bool:
        return self.notice_given_on is not None


@dataclass(frozen=True)
class FundOverview:
    """The fund page's figures on `on`, amounts in minor units of `currency`."""

    on: dt.date
    currency: str
    # capital in
    contributions: int  # every contribution received
    member_equity: int  # bought less redeemed
    notes_outstanding: int  # principal of the investor notes not repaid
    loss_reserve: int  # the loss reserve account's balance
    # capital out
    disbursed: int  # principal of every loan disbursed
    principal_outstanding: int  # of the active loans
    committed: int  # principal of loans accepted and not yet disbursed
    cash: int  # the cash account's balance
    available: int  # cash − committed, never below 0
    loans_by_status: dict[str, int]  # Loan.Status value → loans (every status, in order)
    par30: Fraction
    par90: Fraction
    arrears_rate: Fraction
    ageing: list[AgeingRow]
    due_soon: list[DueRow]
    notes_maturing: list[MaturingNote]
    active_loans: int = 0
    late_loans: int = 0
    overdue: int = 0
    due_soon_total: int = 0  # what is left to pay of the instalments listed in `due_soon`
    due_soon_more: bool = False  # more instalments are due than `due_soon` lists
    status_labels: dict[str, str] = field(default_factory=dict)

    @property
    def capital_in(self) -> int:
        return self.contributions + self.member_equity + self.notes_outstanding

    @property
    def par30_percent(self) -> float:
        return _percent(self.par30)

    @property
    def par90_percent(self) -> float:
        return _percent(self.par90)

    @property
    def arrears_percent(self) -> float:
        return _percent(self.arrears_rate)

    @property
    def status_rows(self) -> list[tuple[str, str, int]]:
        """(status, its label, loans) for every status, in order."""
        return [(s, self.status_labels.get(s, s), n) for s, n in self.loans_by_status.items()]


def _active(fund: Fund) -> QuerySet[Loan]:
    return Loan.objects.filter(fund=fund, status=Loan.Status.ACTIVE)


def _overdue_sums(fund: Fund, on: dt.date) -> dict[int, tuple[int, int, int]]:
    """Loan id → (payments due before `on`, their principal, the schedule's principal)
    of the current schedule, for the active loans late on `on` only (one aggregate)."""
    return {
        loan_id: (due or 0, due_principal or 0, principal)
        for loan_id, principal, due, due_principal in Instalment.objects.filter(
            schedule__loan__fund=fund,
            schedule__loan__status=Loan.Status.ACTIVE,
            schedule__loan__unpaid_since__lt=on,
            schedule__current=True,
            due_on__lt=on,
        )
        .values("schedule__loan_id", "schedule__principal")
        .annotate(due=Sum("payment"), due_principal=Sum("principal"))
        .values_list("schedule__loan_id", "schedule__principal", "due", "due_principal")
    }


class _Standing(NamedTuple):
    loan_id: int
    principal_outstanding: int
    days_past_due: int
    overdue: int
    overdue_principal: int
    extra: tuple[Any, ...]


def _standings(fund: Fund, on: dt.date, extra: tuple[str, ...] = ()) -> list[_Standing]:
    """Every active loan's standing on `on` (and the loan's `extra` fields): one query over
    the loans, one aggregate over the instalments of the late ones."""
    late = _overdue_sums(fund, on)
    rows = []
    for pk, outstanding, paid, unpaid_since, *more in _active(fund).values_list(
        "pk", "principal_outstanding", "paid_total", "unpaid_since", *extra
    ):
        days = overdue = overdue_principal = 0
        if unpaid_since is not None and unpaid_since < on:
            days = (on - unpaid_since).days
            due, due_principal, scheduled = late.get(pk, (0, 0, outstanding))
            # the payments fill the instalments in order: what is unpaid of those due, and
            # of their principal (the principal paid is the schedule's less what is left)
            overdue = arrears.unpaid_of(due, 0, paid)
            overdue_principal = arrears.unpaid_of(due_principal, 0, scheduled - outstanding)
        rows.append(_Standing(pk, outstanding, days, overdue, overdue_principal, tuple(more)))
    return rows


def portfolio_status(fund: Fund, *, on: dt.date) -> list[LoanRow]:
    """The active loans on `on`, the latest first (then by borrower): days past due,
    bucket, overdue amount (the loans list page)."""
    fields = (
        "organization_id",
        "organization__name",
        "organization__slug",
        "principal",
        "paid_total",
        "unpaid_since",
    )
    rows = []
    for s in _standings(fund, on, fields):
        org_id, org_name, org_slug, principal, paid, unpaid_since = s.extra
        rows.append(
            LoanRow(
                loan_id=s.loan_id,
                organization_id=org_id,
                organization_name=org_name,
                organization_slug=org_slug,
                principal=principal,
                principal_outstanding=s.principal_outstanding,
                paid_total=paid,
                unpaid_since=unpaid_since,
                days_past_due=s.days_past_due,
                overdue=s.overdue,
                overdue_principal=s.overdue_principal,
            )
        )
    rows.sort(key=lambda r: (-r.days_past_due, r.organization_name.casefold(), r.loan_id))
    return rows


def _ageing(rows: Iterable[_Standing]) -> list[AgeingRow]:
    table = {name: [0, 0, 0] for name in arrears.BUCKETS}
    for row in rows:
        cell = table[arrears.bucket(row.days_past_due)]
        cell[0] += 1
        cell[1] += row.principal_outstanding
        cell[2] += row.overdue
    total = sum(cell[1] for cell in table.values())
    return [
        AgeingRow(name, loans, outstanding, overdue, _percent(Fraction(outstanding, total or 1)))
        for name, (loans, outstanding, overdue) in table.items()
    ]


def _ratio(part: int, whole: int) -> Fraction:
    return Fraction(part, whole) if whole else Fraction(0)


def _due_soon(fund: Fund, on: dt.date) -> tuple[list[DueRow], bool]:
    """The instalments of active loans due from `on` to `on` + 90 days, by date (at most
    DUE_SOON_ROWS), with what is left to pay of each; and whether more are due.

    The payments fill the instalments in order, so every instalment due after a loan's
    `unpaid_since` is wholly unpaid, every one before it paid, and only the one due on it
    can be paid in part: for those alone the payments due before it are summed."""
    picked = list(
        Instalment.objects.filter(
            schedule__loan__fund=fund,
            schedule__loan__status=Loan.Status.ACTIVE,
            schedule__current=True,
            due_on__gte=on,
            due_on__lte=on + dt.timedelta(days=DUE_SOON_DAYS),
        )
        .filter(due_on__gte=F("schedule__loan__unpaid_since"))
        .order_by("due_on", "pk")  # the due date index's order: read until enough
        .values_list(
            "schedule_id",
            "schedule__loan_id",
            "schedule__loan__organization_id",
            "schedule__loan__organization__name",
            "schedule__loan__unpaid_since",
            "schedule__loan__paid_total",
            "number",
            "due_on",
            "payment",
        )[: DUE_SOON_ROWS + 1]
    )
    partial = {row[0]: row[6] for row in picked if row[7] == row[4]}
    before: dict[int, int] = {}
    if partial:
        before = dict(
            Instalment.objects.filter(
                reduce(
                    operator.or_,
                    (Q(schedule_id=pk, number__lt=number) for pk, number in partial.items()),
                )
            )
            .values("schedule_id")
            .annotate(due=Sum("payment"))
            .values_list("schedule_id", "due")
        )
    rows = []
    for (
        schedule_id,
        loan_id,
        org_id,
        org_name,
        unpaid_since,
        paid,
        number,
        due_on,
        payment,
    ) in picked[:DUE_SOON_ROWS]:
        left = payment
        if due_on == unpaid_since:
            left = arrears.unpaid_of(payment, before.get(schedule_id, 0), paid)
        rows.append(DueRow(loan_id, org_id, org_name, number, due_on, payment, left))
    return rows, len(picked) > DUE_SOON_ROWS


def _notes_maturing(fund: Fund, on: dt.date) -> list[MaturingNote]:
    """Open notes maturing within NOTES_MATURING_DAYS of `on`, or on notice."""
    horizon = on + dt.timedelta(days=NOTES_MATURING_DAYS)
    notes = (
        InvestorNote.objects.filter(fund=fund)
        .exclude(status=InvestorNote.Status.REPAID)
        .filter(Q(matures_on__lte=horizon) | Q(status=InvestorNote.Status.NOTICE))
        .select_related("organization", "user")
    )
    rows = []
    for note in notes:
        due_on = note.matures_on
        if note.status == InvestorNote.Status.NOTICE and note.notice_given_on:
            due_on = min(due_on, note.notice_given_on + dt.timedelta(days=note.notice_days))
        rows.append(
            MaturingNote(
                note_id=note.pk,
                investor_name=note.investor_name,
                amount=note.amount,
                matures_on=note.matures_on,
                due_on=due_on,
                notice_given_on=note.notice_given_on
                if note.status == InvestorNote.Status.NOTICE
                else None,
                first_loss=note.first_loss,
            )
        )
    rows.sort(key=lambda r: (r.due_on, r.note_id))
    return rows


@dataclass(frozen=True)
class _CapitalIn:
    contributions: int
    equity: int
    notes_issued: int
    notes_outstanding: int
    notes_repaid: int  # principal and interest paid back to investors


def _capital_in(fund: Fund) -> _CapitalIn:
    contributions = Contribution.objects.filter(fund=fund).aggregate(s=Sum("amount"))["s"] or 0
    equity = EquityEntry.objects.filter(fund=fund).aggregate(s=Sum("amount"))["s"] or 0
    notes = InvestorNote.objects.filter(fund=fund).aggregate(
        issued=Sum("amount"),
        repaid=Sum("amount", filter=Q(status=InvestorNote.Status.REPAID)),
        interest=Sum("interest_paid"),
    )
    issued, repaid = notes["issued"] or 0, notes["repaid"] or 0
    return _CapitalIn(
        contributions, equity, issued, issued - repaid, repaid + (notes["interest"] or 0)
    )


def _cash(fund: Fund, capital: _CapitalIn, disbursed: int) -> int:
    """The cash account's balance, from the records that move cash (each posts exactly
    its amount to `cash`, `books.py`): summing the books' cash entries would read one row
    per repayment. Repayments: each loan's `paid_total` (the current schedule's) and those
    against the older schedules of restructured loans."""
    paid = Loan.objects.filter(fund=fund).aggregate(paid=Sum("paid_total"))["paid"] or 0
    earlier = (
        Repayment.objects.filter(
            schedule__in=LoanSchedule.objects.filter(loan__fund=fund, current=False)
        ).aggregate(s=Sum("amount"))["s"]
        or 0
    )
    return (
        capital.contributions
        + capital.equity
        + capital.notes_issued
        - capital.notes_repaid
        - disbursed
        + paid
        + earlier
    )


def fund_overview(fund: Fund, *, on: dt.date) -> FundOverview:
    """The fund page on `on` (today, for pages): capital in and out, cash and what is
    available to lend, loans by status, PAR30/PAR90 and the arrears rate (`arrears`'s
    definitions), the ageing table, the instalments due in the next 90 days and the
    investor notes maturing within a year or on notice. A dozen queries, none of them
    reading one row per instalment or repayment of the whole portfolio."""
    by_status = {
        status: (count, principal or 0)
        for status, count, principal in Loan.objects.filter(fund=fund)
        .values("status")
        .annotate(count=Count("pk"), principal=Sum("principal"))
        .values_list("status", "count", "principal")
    }
    disbursed = sum(by_status.get(s, (0, 0))[1] for s in DISBURSED)
    committed = by_status.get(Loan.Status.ACCEPTED, (0, 0))[1]
    capital = _capital_in(fund)
    cash = _cash(fund, capital, disbursed)
    portfolio = _standings(fund, on)
    outstanding = sum(r.principal_outstanding for r in portfolio)
    at_risk30 = sum(r.principal_outstanding for r in portfolio if r.days_past_due > 30)
    at_risk90 = sum(r.principal_outstanding for r in portfolio if r.days_past_due > 90)
    reserve = account_balance(fund, "loss_reserve")
    due_soon, more = _due_soon(fund, on)
    return FundOverview(
        on=on,
        currency=fund.currency,
        contributions=capital.contributions,
        member_equity=capital.equity,
        notes_outstanding=capital.notes_outstanding,
        loss_reserve=reserve,
        disbursed=disbursed,
        principal_outstanding=outstanding,
        committed=committed,
        cash=cash,
        available=max(0, cash - committed),
        loans_by_status={s: by_status.get(s, (0, 0))[0] for s in Loan.Status.values},
        par30=_ratio(at_risk30, outstanding),
        par90=_ratio(at_risk90, outstanding),
        arrears_rate=_ratio(sum(r.overdue_principal for r in portfolio), outstanding),
        ageing=_ageing(portfolio),
        due_soon=due_soon,
        notes_maturing=_notes_maturing(fund, on),
        active_loans=len(portfolio),
        late_loans=sum(1 for r in portfolio if r.days_past_due),
        overdue=sum(r.overdue for r in portfolio),
        due_soon_total=sum(row.amount for row in due_soon),
        due_soon_more=more,
        status_labels={s: str(label) for s, label in Loan.Status.choices},
    )


# statements --------------------------------------------------------------------------------


def major(amount: int, currency: str) -> str:
    """Minor units as a decimal string in major units with the currency's digits:
    88849 USD → "888.49" (the CSV files')."""
    digits = currency_digits(currency)
    return f"{Decimal(amount).scaleb(-digits):.{digits}f}"


@dataclass(frozen=True)
class StatementRow:
    """An instalment of the current schedule and what the repayments paid of it."""

    number: int
    due_on: dt.date
    payment: int
    interest: int
    principal: int
    balance: int
    interest_paid: int
    principal_paid: int
    settled_on: dt.date | None
    late: bool  # due before the statement's date and not fully paid

    @property
    def unpaid(self) -> int:
        return self.payment - self.interest_paid - self.principal_paid

    @property
    def is_paid(self) -> bool:
        return self.unpaid == 0


@dataclass(frozen=True)
class ScheduleVersion:
    """A schedule that restructuring replaced (or the current one)."""

    version: int
    start: dt.date
    principal: int
    annual_rate: Decimal
    months: int
    method: str
    reason: str
    current: bool
    paid: int  # repayments recorded against it


@dataclass(frozen=True)
class LoanStatement:
    """A borrower's statement on `on`: the current schedule with what each repayment paid,
    the repayments, the older schedules and the totals (minor units of `currency`)."""

    loan: Loan
    on: dt.date
    currency: str
    schedule: LoanSchedule | None  # None before disbursement
    rows: list[StatementRow]
    repayments: list[Repayment]  # up to `on`, every schedule's, oldest first
    versions: list[ScheduleVersion]  # the older schedules, oldest first
    principal: int  # of the current schedule
    interest_paid: int
    principal_paid: int
    outstanding: int  # principal
    overdue: int
    overdue_interest: int
    overdue_principal: int
    days_past_due: int
    unapplied: int
    next_due: dt.date | None
    next_due_amount: int
    paid_total: int  # repaid against the current schedule up to `on`
    written_off: int = 0  # the principal written off by `on` (then nothing is outstanding)

    @property
    def is_written_off(self) -> bool:
        return _written_off_by(self.loan, self.on)

    @property
    def bucket(self) -> str | None:
        """The ageing bucket; None once written off (the loan no longer ages)."""
        return None if self.is_written_off else arrears.bucket(self.days_past_due)

    @property
    def interest_scheduled(self) -> int:
        return sum(row.interest for row in self.rows)

    @property
    def restructured(self) -> bool:
        return bool(self.versions)


def _written_off_by(loan: Loan, on: dt.date) -> bool:
    closed_on = loan.closed_on
    return loan.status == Loan.Status.WRITTEN_OFF and closed_on is not None and closed_on <= on


def loan_statement(loan: Loan, *, on: dt.date) -> LoanStatement:
    """The loan on `on`, counting the repayments dated up to it. Once written off, what
    was left of its principal is `written_off` and nothing is outstanding, overdue or
    late: it no longer ages."""
    stored = LoanSchedule.objects.filter(loan=loan, current=True).first()
    repayments = list(
        Repayment.objects.filter(loan=loan, paid_on__lte=on)
        .select_related("schedule")
        .order_by("paid_on", "pk")
    )
    versions = [
        ScheduleVersion(
            s.version,
            s.start,
            s.principal,
            s.annual_rate,
            s.months,
            s.method,
            s.reason,
            s.current,
            s.paid or 0,
        )
        for s in LoanSchedule.objects.filter(loan=loan, current=False)
        .annotate(paid=Sum("payments__amount"))
        .order_by("version")
    ]
    rows: list[StatementRow] = []
    closed = _written_off_by(loan, on)
    if stored is None:
        state = arrears.status_of_total([], 0, on)
        principal = loan.principal
    else:
        instalments = list(stored.rows.order_by("number"))
        payments = [(r.paid_on, r.amount) for r in repayments if r.schedule_id == stored.pk]
        allocation = arrears.allocate(instalments, payments)
        state = arrears.status(instalments, payments, on)
        principal = stored.principal
        for row, paid in zip(instalments, allocation.instalments, strict=True):
            rows.append(
                StatementRow(
                    number=row.number,
                    due_on=row.due_on,
                    payment=row.payment,
                    interest=row.interest,
                    principal=row.principal,
                    balance=row.balance,
                    interest_paid=paid.interest_paid,
                    principal_paid=paid.principal_paid,
                    settled_on=paid.settled_on,
                    late=row.due_on < on and not paid.paid and not closed,
                )
            )
    written_off = principal - state.principal_paid if closed else 0
    if closed:
        state = replace(state, days_past_due=0, overdue_interest=0, overdue_principal=0,
                        next_due=None, next_due_amount=0)  # fmt: skip
    return LoanStatement(
        loan=loan,
        on=on,
        currency=loan.fund.currency,
        schedule=stored,
        rows=rows,
        repayments=repayments,
        versions=versions,
        principal=principal,
        interest_paid=state.interest_paid,
        principal_paid=state.principal_paid,
        outstanding=principal - state.principal_paid - written_off,
        overdue=state.overdue,
        overdue_interest=state.overdue_interest,
        overdue_principal=state.overdue_principal,
        days_past_due=state.days_past_due,
        unapplied=state.unapplied,
        next_due=state.next_due,
        next_due_amount=state.next_due_amount,
        paid_total=sum(r.amount for r in repayments if stored and r.schedule_id == stored.pk),
        written_off=written_off,
    )


def statement_csv(loan: Loan, *, on: dt.date) -> str:
    """The loan statement's schedule as CSV: STATEMENT_COLUMNS, amounts in major units
    with the currency's digits, dates ISO, `settled_on` empty while unpaid."""
    statement = loan_statement(loan, on=on)
    currency = statement.currency
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(STATEMENT_COLUMNS)
    for row in statement.rows:
        writer.writerow(
            [
                row.number,
                row.due_on.isoformat(),
                *(
                    major(amount, currency)
                    for amount in (
                        row.payment,
                        row.interest,
                        row.principal,
                        row.balance,
                        row.interest_paid,
                        row.principal_paid,
                    )
                ),
                row.settled_on.isoformat() if row.settled_on else "",
            ]
        )
    return out.getvalue()


@dataclass(frozen=True)
class NoteYear:
    """A calendar year of an investor note (to `on` in the last year)."""

    year: int
    principal: int  # at the year's start (at issue, in the year of issue)
    interest_earned: int
    interest_paid: int
    closing_principal: int  # at the year's end (0 once repaid)
    closing_balance: int  # principal and interest earned, less interest paid, owed then


@dataclass(frozen=True)
class NoteStatement:
    note: InvestorNote
    on: dt.date
    currency: str
    interest_accrued: int  # earned from issue to `on` (or repayment)
    interest_paid: int  # up to `on`
    years: list[NoteYear]

    @property
    def interest_owed(self) -> int:
        return self.interest_accrued - self.interest_paid


def note_statement(note: InvestorNote, *, on: dt.date) -> NoteStatement:
    """An investor's statement on `on`: interest earned to date (`writing.note_interest`:
    simple, actual/365) and each calendar year from issue to `on`."""
    repaid_on = note.repaid_on if note.repaid_on and note.repaid_on <= on else None
    years: list[NoteYear] = []
    earned_before = paid_before = 0
    for year in range(note.issued_on.year, max(note.issued_on.year, on.year) + 1):
        end = min(on, dt.date(year + 1, 1, 1))
        earned_to = note_interest(note, end)
        paid_in = note.interest_paid if repaid_on and repaid_on.year == year else 0
        start_principal = 0 if repaid_on and repaid_on < dt.date(year, 1, 1) else note.amount
        closing = 0 if repaid_on and repaid_on <= end else note.amount
        years.append(
            NoteYear(
                year=year,
                principal=start_principal,
                interest_earned=earned_to - earned_before,
                interest_paid=paid_in,
                closing_principal=closing,
                closing_balance=closing + earned_to - paid_before - paid_in
                if closing
                else max(0, earned_to - paid_before - paid_in),
            )
        )
        earned_before, paid_before = earned_to, paid_before + paid_in
    if on < note.issued_on:
        years = []
    return NoteStatement(
        note=note,
        on=on,
        currency=note.fund.currency,
        interest_accrued=note_interest(note, on) if on >= note.issued_on else 0,
        interest_paid=note.interest_paid if repaid_on else 0,
        years=years,
    )


def note_csv(note: InvestorNote, *, on: dt.date) -> str:
    """The note's yearly summary as CSV: NOTE_COLUMNS, amounts in major units."""
    statement = note_statement(note, on=on)
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(NOTE_COLUMNS)
    for row in statement.years:
        writer.writerow(
            [
                row.year,
                *(
                    major(amount, statement.currency)
                    for amount in (row.principal, row.interest_earned, row.interest_paid)
                ),
            ]
        )
    return out.getvalue()


# lists of the capital pages ------------------------------------------------------------------


def fund_applications(fund: Fund, *, status: str | None = None) -> QuerySet[LoanApplication]:
    """The fund's applications (newest first), with the applicant at hand; drafts are the
    applicant's own and are left out."""
    applications = (
        LoanApplication.objects.filter(fund=fund)
        .exclude(status=LoanApplication.Status.DRAFT)
        .select_related("organization", "fund")
    )
    return applications.filter(status=status) if status else applications


def fund_loans(fund: Fund, *, status: str | None = None) -> QuerySet[Loan]:
    """The fund's loans of every status (or `status`), newest first, borrower at hand."""
    loans = Loan.objects.filter(fund=fund).select_related("organization", "fund")
    return loans.filter(status=status) if status else loans


def _my_organization_ids(user: AnyUser | None) -> list[int]:
    if user is None or not is_signed_in(user):
        return []
    return list(organization_roles(user))


def my_funds(user: AnyUser | None) -> QuerySet[Fund]:
    """The funds of the networks the user's organisations are members of, or the user
    coordinates (staff: every fund)."""
    if user is None or not is_signed_in(user):
        return Fund.objects.none()
    funds = Fund.objects.select_related("network", "holder")
    if is_staff(user):
        return funds
    networks = NetworkMembership.objects.filter(
        organization_id__in=_my_organization_ids(user),
        status=NetworkMembership.Status.MEMBER,
    ).values("network_id")
    return funds.filter(
        Q(network_id__in=networks) | Q(network_id__in=coordinated_network_ids(user))
    ).distinct()


def organization_loans(user: AnyUser | None) -> QuerySet[Loan]:
    """The loans of the user's organisations (any role), newest first."""
    return Loan.objects.filter(organization_id__in=_my_organization_ids(user)).select_related(
        "organization", "fund"
    )


def organization_applications(user: AnyUser | None) -> QuerySet[LoanApplication]:
    """The applications of the user's organisations (drafts included), newest first."""
    return LoanApplication.objects.filter(
        organization_id__in=_my_organization_ids(user)
    ).select_related("organization", "fund", "loan")


def my_notes(user: AnyUser | None) -> QuerySet[InvestorNote]:
    """The investor notes of the user, or of the user's organisations."""
    if user is None or not is_signed_in(user):
        return InvestorNote.objects.none()
    return InvestorNote.objects.filter(
        Q(user_id=user.pk) | Q(organization_id__in=_my_organization_ids(user))
    ).select_related("fund", "organization", "user")
