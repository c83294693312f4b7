"""A solidarity fund at scale: repayment schedules generated per second (goal ≥ 10,000/s),
and the fund page's figures (`capital.selectors.fund_overview`: capital in and out, PAR,
the ageing table, repayments due in 90 days, notes maturing) on a fund of 5,000 active
loans with 5 years of monthly repayments (goal p95 < 200 ms, SQLite).

Schedules: 10,000 of 60 months each, every method, rates 0–12 %, timed alone (best of
three), as `intercoop loan-schedule` and a disbursement compute them.

The fund, in a fresh SQLite database: 5,000 borrower co-ops, one 60-month loan each
(5,000.00–50,000.00, 0–8 %, most annuities) disbursed 24 to 59 months before the as-of
date, so 300,000 instalments; most borrowers pay each instalment on or just before its
due date, one in eight stopped paying 1 to 9 months ago, some paid part of an
instalment, some paid ahead — about 200,000 repayments. Its books as the services post
them (a disbursement, the loss reserve, each instalment's interest falling due, each
repayment: about a million entries), contributions, member equity and investor notes.
The rows are written with bulk_create (the services would take hours), and each loan's
kept figures (paid total, principal outstanding, oldest unpaid due date) computed with
the arrears engine as the services do; the run checks them: the page's cash and
portfolio equal the books', and the fast ageing of a sample of loans equals
`arrears.status` replaying their rows and repayments. Seeded."""

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from intercoop.capital import arrears, books
from intercoop.capital.schedule import METHODS, due_date, schedule

SEED = 2026
SCHEDULES, SCHEDULE_MONTHS, SCHEDULES_GOAL = 10_000, 60, 10_000  # per second
LOANS, MONTHS, PAGE_GOAL_MS, REQUESTS = 5_000, 60, 200.0, 100
ON = dt.date(2026, 6, 30)
CHUNK = 250  # loans written at a time


def best_of(task: Callable[[], object], times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        task()
        best = min(best, time.perf_counter() - started)
    return best


def schedules() -> None:
    rng = random.Random(SEED)
    loans: list[dict[str, Any]] = [
        {
            "principal": rng.randrange(1_000_00, 100_000_00),
            "annual_rate": Decimal(rng.randrange(0, 12_000)) / 1000,
            "months": SCHEDULE_MONTHS,
            "method": METHODS[i % len(METHODS)],
            "start": dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(365)),
            "grace_months": rng.choice((0, 0, 0, 3, 6)),
        }
        for i in range(SCHEDULES)
    ]

    def run() -> None:
        for loan in loans:
            schedule(**loan)

    seconds = best_of(run)
    rate = SCHEDULES / seconds
    print(f"== {SCHEDULES:,} schedules of {SCHEDULE_MONTHS} months (every method, grace)")
    print(f"  {seconds:6.2f} s   {rate:8,.0f} schedules/s   goal ≥ {SCHEDULES_GOAL:,}/s   "
          f"ratio {SCHEDULES_GOAL / rate:.2f}")  # fmt: skip


# the fund ------------------------------------------------------------------------------------


def _payments(rng: random.Random, rows: list[Any], start: dt.date) -> list[tuple[dt.date, int]]:
    """A borrower's repayments up to ON: most pay each instalment on or just before its
    due date; some stopped, some paid part of one, some paid ahead."""
    due = [r for r in rows if r.due_on <= ON]
    draw = rng.random()
    if draw < 0.125:  # stopped 1 to 9 instalments ago
        due = due[: max(0, len(due) - rng.choice((1, 1, 2, 2, 3, 4, 6, 9)))]
    payments = [
        (max(start + dt.timedelta(days=1), r.due_on - dt.timedelta(days=rng.randrange(5))),
         r.payment)
        for r in due
    ]  # fmt: skip
    following = rows[len(due)] if len(due) < len(rows) else None
    if 0.125 <= draw < 0.175 and following is not None and payments:  # part of the next one
        day = min(ON, payments[-1][0] + dt.timedelta(days=20))
        payments.append((day, max(1, following.payment // rng.choice((2, 3, 4)))))
    elif draw >= 0.95 and following is not None and payments:  # ahead, with the last one
        day, amount = payments[-1]
        payments[-1] = (day, amount + following.payment)
    return payments


def _split(rows: list[Any], payments: list[tuple[dt.date, int]]) -> list[tuple[int, int]]:
    """(interest, principal) each payment paid, filling the instalments in order."""
    out, at, taken_i, taken_p = [], 0, 0, 0
    for _day, amount in payments:
        interest = principal = 0
        while amount and at < len(rows):
            take = min(amount, rows[at].interest - taken_i)
            interest, taken_i, amount = interest + take, taken_i + take, amount - take
            take = min(amount, rows[at].principal - taken_p)
            principal, taken_p, amount = principal + take, taken_p + take, amount - take
            if taken_i == rows[at].interest and taken_p == rows[at].principal:
                at, taken_i, taken_p = at + 1, 0, 0
        out.append((interest, principal))
    return out


def _kept(rows: list[Any], paid: int) -> tuple[int, dt.date | None]:
    """The loan's principal outstanding and oldest unpaid due date (`lending._refresh`)."""
    state = arrears.status_of_total(rows, paid, dt.date.max)
    oldest = arrears.first_unpaid(rows, paid)
    return state.principal_outstanding, oldest.due_on if oldest else None


def build_fund() -> Any:
    from django.db import transaction
    from django.utils import timezone

    from intercoop.capital import services
    from intercoop.capital.models import (
        Contribution,
        EquityEntry,
        Instalment,
        InvestorNote,
        LedgerEntry,
        LedgerTransaction,
        Loan,
        LoanApplication,
        LoanSchedule,
        Repayment,
    )
    from intercoop.core.audit import system_actor
    from intercoop.directory import services as directory
    from intercoop.directory.models import NetworkMembership, Organization

    rng, now, system = random.Random(SEED), timezone.now(), system_actor()
    network = directory.network_create(actor=system, slug="big", name="Big Network")
    organizations = Organization.objects.bulk_create(
        Organization(slug=f"coop-{i}", name=f"Co-op {i:04d}", created_at=now, updated_at=now,
                     approval=Organization.Approval.APPROVED)
        for i in range(LOANS + 1)
    )  # fmt: skip
    NetworkMembership.objects.bulk_create(
        NetworkMembership(network=network, organization=o, status=NetworkMembership.Status.MEMBER)
        for o in organizations
    )
    holder, borrowers = organizations[0], organizations[1:]
    fund = services.fund_create(
        actor=system, network=network, holder=holder, currency="USD",
        values={"name": "Big Fund", "max_loan": 50_000_00, "min_term_months": 6,
                "max_term_months": 60, "min_rate": Decimal(0), "max_rate": Decimal(8),
                "decide_by_poll": False},
    )  # fmt: skip
    counts = dict.fromkeys(("instalments", "repayments", "transactions", "entries"), 0)

    def post(kind: str, on: dt.date, entries: list[books.Entry], **links: Any) -> tuple:
        return (LedgerTransaction(fund=fund, kind=kind, on=on, created_at=now, **links), entries)

    def write_books(postings: list[tuple]) -> None:
        made = LedgerTransaction.objects.bulk_create([p[0] for p in postings], batch_size=5000)
        LedgerEntry.objects.bulk_create(
            (LedgerEntry(transaction=t, fund=fund, account=a, amount=n)
             for t, (_t, entries) in zip(made, postings, strict=True) for a, n in entries),
            batch_size=10_000,
        )  # fmt: skip
        counts["transactions"] += len(made)
        counts["entries"] += sum(len(e) for _t, e in postings)

    with transaction.atomic():
        # capital in: five years of contributions, member equity, investor notes
        postings = []
        contributions = Contribution.objects.bulk_create(
            Contribution(fund=fund, organization=o, amount=rng.randrange(4_000_00, 9_000_00),
                         received_on=dt.date(year, 3, 31), surplus_year=year - 1, created_at=now)
            for o in borrowers for year in range(2021, 2027)
        )  # fmt: skip
        postings += [post("contribution", c.received_on, books.contribution(c.amount),
                          organization=c.organization) for c in contributions]  # fmt: skip
        equity = EquityEntry.objects.bulk_create(
            EquityEntry(fund=fund, organization=o, amount=500_00, on=dt.date(2021, 6, 1),
                        created_at=now)
            for o in borrowers[:2000]
        )  # fmt: skip
        postings += [post("equity", e.on, books.equity_purchase(e.amount)) for e in equity]
        notes = InvestorNote.objects.bulk_create(
            InvestorNote(
                fund=fund, organization=o, amount=rng.randrange(10_000_00, 200_000_00),
                rate=Decimal(rng.choice(("0", "1", "1.5", "2"))), term_months=term,
                issued_on=issued, matures_on=due_date(issued, term), created_at=now,
                status="notice" if rng.random() < 0.05 else "active",
                notice_given_on=ON - dt.timedelta(days=30) if rng.random() < 0.05 else None,
            )
            for o in borrowers[:300]
            for term in [rng.choice((36, 60, 84))]
            for issued in [dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(1800))]
        )  # fmt: skip
        postings += [post("note", n.issued_on, books.note_issue(n.amount), note=n) for n in notes]
        write_books(postings)

        # capital out: a loan to each borrower, in chunks
        for first in range(0, LOANS, CHUNK):
            chunk = borrowers[first : first + CHUNK]
            plans = []
            for o in chunk:
                start = ON - dt.timedelta(days=rng.randrange(24 * 30, 59 * 30 + 25))
                principal = rng.randrange(5_000, 50_001) * 100
                rate = Decimal(rng.randrange(0, 33)) / 4
                method = "annuity" if rng.random() < 0.8 else "equal-principal"
                rows = schedule(principal=principal, annual_rate=rate, months=MONTHS,
                                method=method, start=start)  # fmt: skip
                payments = _payments(rng, rows, start)
                paid = sum(a for _d, a in payments)
                outstanding, unpaid_since = _kept(rows, paid)
                plans.append((o, start, principal, rate, method, rows, payments, paid,
                               outstanding, unpaid_since))  # fmt: skip
            applications = LoanApplication.objects.bulk_create(
                LoanApplication(fund=fund, organization=p[0], purpose="Working capital",
                                amount=p[2], term_months=MONTHS, requested_rate=p[3],
                                method=p[4], status="approved", created_at=now)
                for p in plans
            )  # fmt: skip
            loans = Loan.objects.bulk_create(
                Loan(fund=fund, application=a, organization=p[0], principal=p[2],
                     annual_rate=p[3], term_months=MONTHS, method=p[4], status="active",
                     offered_at=now, accepted_at=now, disbursed_on=p[1], paid_total=p[7],
                     principal_outstanding=p[8], unpaid_since=p[9])
                for a, p in zip(applications, plans, strict=True)
            )  # fmt: skip
            stored = LoanSchedule.objects.bulk_create(
                LoanSchedule(loan=loan, version=1, current=True, principal=p[2],
                             annual_rate=p[3], months=MONTHS, method=p[4], start=p[1],
                             reason="Disbursement", created_at=now)
                for loan, p in zip(loans, plans, strict=True)
            )  # fmt: skip
            instalments, repayments, postings = [], [], []
            for loan, s, p in zip(loans, stored, plans, strict=True):
                _o, start, principal, _rate, _m, rows, payments, paid, _out, _since = p
                reached = paid
                for r in rows:
                    accrued = r.due_on <= ON or reached > 0
                    reached -= r.payment
                    instalments.append(
                        Instalment(schedule=s, number=r.number, due_on=r.due_on,
                                   payment=r.payment, interest=r.interest,
                                   principal=r.principal, balance=r.balance,
                                   interest_accrued=accrued)
                    )  # fmt: skip
                    if accrued:
                        postings.append(post("interest-due", r.due_on,
                                             books.interest_due(r.interest), loan=loan))  # fmt: skip
                repayments += [
                    Repayment(loan=loan, schedule=s, paid_on=day, amount=amount, created_at=now)
                    for day, amount in payments
                ]
                postings.append(post("disbursement", start, books.disbursement(principal),
                                     loan=loan))  # fmt: skip
                reserve = int((Decimal(principal) * fund.reserve_percent / 100).quantize(
                    Decimal(1), rounding=ROUND_HALF_EVEN))  # fmt: skip
                postings.append(post("reserve", start, books.reserve_set_aside(reserve),
                                     loan=loan))  # fmt: skip
                for (day, _a), (interest, part) in zip(
                    payments, _split(rows, payments), strict=True
                ):
                    postings.append(post("repayment", day, books.repayment(part, interest),
                                         loan=loan))  # fmt: skip
            Instalment.objects.bulk_create(instalments, batch_size=10_000)
            Repayment.objects.bulk_create(repayments, batch_size=10_000)
            write_books([p for p in postings if p[1]])
            counts["instalments"] += len(instalments)
            counts["repayments"] += len(repayments)
    return fund, counts


def _quantiles(task: Callable[[], Any], times_run: int = REQUESTS) -> tuple[float, float]:
    for _ in range(3):
        task()
    times = []
    for _ in range(times_run):
        started = time.perf_counter()
        task()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.quantiles(times, n=20)[-1], statistics.median(times)


def check(fund: Any, view: Any) -> None:
    """The bulk-written fund is what the services would have made of it."""
    from intercoop.capital import selectors
    from intercoop.capital.models import Loan

    balances = selectors.fund_balances(fund)
    assert view.cash == balances["cash"], (view.cash, balances["cash"])
    assert view.principal_outstanding == balances["loans_receivable"]
    assert view.loss_reserve == balances["loss_reserve"]
    rows = {r.loan_id: r for r in selectors.portfolio_status(fund, on=ON)}
    sample = random.Random(SEED).sample(sorted(rows), 50)
    for loan in Loan.objects.filter(pk__in=sample):
        stored = loan.schedules.get(current=True)
        engine = arrears.status(
            list(stored.rows.all()), stored.payments.values_list("paid_on", "amount"), ON
        )
        row = rows[loan.pk]
        assert (row.days_past_due, row.principal_outstanding, row.overdue) == (
            engine.days_past_due, engine.principal_outstanding, engine.overdue
        ), (loan.pk, row, engine)  # fmt: skip


def fund_page() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intercoop.config.settings")
        import django

        django.setup()
        from django.core.management import call_command

        from intercoop.capital import selectors

        call_command("migrate", verbosity=0)
        print(f"== a fund of {LOANS:,} active loans × {MONTHS} months, as of {ON}")
        started = time.perf_counter()
        fund, counts = build_fund()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"  built in {time.perf_counter() - started:.0f} s: "
              + ", ".join(f"{n:,} {what}" for what, n in counts.items()))  # fmt: skip
        view = selectors.fund_overview(fund, on=ON)
        check(fund, view)
        print(f"  {view.late_loans:,} loans late; PAR30 {view.par30_percent:.2f} %, "
              f"PAR90 {view.par90_percent:.2f} %, arrears rate {view.arrears_percent:.2f} %; "
              f"{len(view.due_soon)} instalments due soon listed, "
              f"{len(view.notes_maturing)} notes maturing")  # fmt: skip
        print("  ageing: " + ", ".join(f"{r.bucket} {r.loans:,}" for r in view.ageing))
        for label, task, goal, runs in (
            ("fund_overview", lambda: selectors.fund_overview(fund, on=ON), PAGE_GOAL_MS, 100),
            ("portfolio_status", lambda: selectors.portfolio_status(fund, on=ON), None, 50),
            ("trial balance", lambda: selectors.fund_balances(fund), None, 20),
        ):
            p95, median = _quantiles(task, runs)
            target = f"goal p95 < {goal:.0f} ms   ratio {p95 / goal:.2f}" if goal else "(no goal)"
            print(f"  {label:<17} p95 {p95:6.1f} ms  median {median:6.1f} ms   {target}")


def main() -> None:
    schedules()
    fund_page()


if __name__ == "__main__":
    main()
