"""The fund's reads on a small fund built through the services: capital in and out, cash
against the books, PAR and the ageing (the fast path checked against the arrears engine
replaying the rows and repayments), repayments due soon, notes maturing, statements and
their CSV files, and the lists of the capital pages."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from intercoop.capital import arrears, schedule, selectors, services
from intercoop.capital.models import InvestorNote, Loan, LoanApplication
from intercoop.capital.tests.conftest import approved_loan

ON = dt.date(2026, 9, 15)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def payments_of(loan: Loan) -> list[int]:
    """The current schedule's payments, in order."""
    stored = services.current_schedule(loan)
    assert stored is not None
    return list(stored.rows.order_by("number").values_list("payment", flat=True))


def pay(people: Any, loan: Loan, *dated: tuple[str, int]) -> None:
    for day, amount in dated:
        services.repayment_record(
            actor=people["coordinator"], loan=loan, amount=amount, paid_on=d(day)
        )
    loan.refresh_from_db()


def engine_status(loan: Loan, on: dt.date) -> arrears.LoanStatus:
    """What `arrears.status` says, from the stored rows and every repayment."""
    stored = services.current_schedule(loan)
    assert stored is not None
    rows = list(stored.rows.order_by("number"))
    payments = [(r.paid_on, r.amount) for r in stored.payments.all()]
    return arrears.status(rows, payments, on)


@pytest.fixture
def book(fund: Any, holder: Any, org: Any, people: Any, committee_people: Any) -> dict[str, Any]:
    """Capital in: contributions, equity bought and partly redeemed, four notes (one on
    notice, one repaid). Capital out: a current loan, one 45 days late on ON, one paid in
    part, one repaid, one accepted and not disbursed."""
    coordinator = people["coordinator"]
    services.contribution_record(actor=coordinator, fund=fund, organization=holder,
                                 amount=20_000_00, received_on=d("2025-03-01"))  # fmt: skip
    services.contribution_record(actor=coordinator, fund=fund, organization=org,
                                 amount=5_000_00, received_on=d("2025-04-01"))  # fmt: skip
    services.equity_record(actor=coordinator, fund=fund, organization=org, amount=1_000_00,
                           on=d("2025-05-01"))  # fmt: skip
    services.equity_record(actor=coordinator, fund=fund, organization=org, amount=-200_00,
                           on=d("2026-05-01"))  # fmt: skip
    maturing = services.note_record(
        actor=coordinator, fund=fund, organization=holder, amount=30_000_00,
        rate=Decimal("2"), term_months=12, issued_on=d("2026-01-15"),
    )  # fmt: skip
    on_notice = services.note_record(
        actor=coordinator, fund=fund, user=people["member"], amount=5_000_00,
        rate=Decimal("1.5"), term_months=60, issued_on=d("2025-06-01"), notice_days=90,
    )  # fmt: skip
    services.note_give_notice(actor=people["member"], note=on_notice, on=d("2026-09-01"))
    services.note_record(
        actor=coordinator, fund=fund, organization=org, amount=10_000_00,
        rate=Decimal("1"), term_months=36, issued_on=d("2025-01-10"),
    )  # fmt: skip
    repaid_note = services.note_record(
        actor=coordinator, fund=fund, organization=org, amount=2_000_00,
        rate=Decimal("2"), term_months=12, issued_on=d("2025-02-01"),
    )  # fmt: skip
    services.note_repay(actor=coordinator, note=repaid_note, on=d("2026-02-01"))

    def loan(on: str, **options: Any) -> Loan:
        made = approved_loan(fund, org, people, committee_people, **options)
        services.loan_disburse(actor=coordinator, loan=made, on=d(on))
        made.refresh_from_db()
        return made

    # 10,000.00 at 12 % over 12 months: 888.49 a month, due on the 15th from June
    current = loan("2026-05-15")
    pay(people, current, *((f"2026-{m:02}-15", 888_49) for m in (6, 7, 8)))
    # due on the 1st from May; May to July paid: late since 1 August, 45 days on ON
    late = loan("2026-04-01")
    pay(people, late, *((f"2026-{m:02}-01", 888_49) for m in (5, 6, 7)))
    # 20,000.00 at 6 % over 24 months, due on the 20th from February; five paid, and
    # 100.00 of the sixth (due 20 July): 57 days late on ON
    partial = loan("2026-01-20", amount=20_000_00, months=24, rate="6")
    due = payments_of(partial)
    pay(people, partial, *((f"2026-{m:02}-20", due[m - 2]) for m in range(2, 7)),
        ("2026-07-25", 100_00))  # fmt: skip
    # 3,000.00 at 0 % over 6 months, paid off at once
    repaid = loan("2026-01-05", amount=3_000_00, months=6, rate="0")
    pay(people, repaid, ("2026-02-01", 3_000_00))
    accepted = approved_loan(fund, org, people, committee_people, amount=5_000_00)
    return {
        "current": current,
        "late": late,
        "partial": partial,
        "repaid": repaid,
        "accepted": accepted,
        "maturing": maturing,
        "on_notice": on_notice,
        "repaid_note": repaid_note,
    }


def test_overview_capital_in_and_out(fund, book):
    view = selectors.fund_overview(fund, on=ON)
    assert view.currency == "USD"
    assert view.contributions == 25_000_00
    assert view.member_equity == 800_00
    assert view.notes_outstanding == 45_000_00
    # 5 % of each loan outstanding (10,000, 10,000, 20,000): the repaid one's is released
    assert view.loss_reserve == 2_000_00
    assert view.disbursed == 43_000_00
    assert view.committed == 5_000_00
    assert view.loans_by_status == {
        "offered": 0, "accepted": 1, "active": 3, "repaid": 1, "written-off": 0, "declined": 0,
    }  # fmt: skip
    balances = selectors.fund_balances(fund)
    assert view.cash == balances["cash"]
    assert view.loss_reserve == balances["loss_reserve"]
    assert view.principal_outstanding == balances["loans_receivable"]
    assert view.available == view.cash - 5_000_00
    # the repaid note's interest: 2,000.00 × 2 % × 365/365
    assert view.cash == (25_000_00 + 800_00 + 47_000_00 - 2_000_00 - 40_00 - 43_000_00
                         + 3 * 888_49 + 3 * 888_49 + book["partial"].paid_total + 3_000_00)  # fmt: skip
    assert ("active", "Disbursed", 3) in view.status_rows


def test_available_is_never_below_zero(fund, book, people, org, committee_people):
    big = approved_loan(fund, org, people, committee_people, amount=50_000_00, months=60)
    assert big.status == Loan.Status.ACCEPTED
    view = selectors.fund_overview(fund, on=ON)
    assert view.committed == 55_000_00
    assert view.cash < view.committed
    assert view.available == 0


def test_fast_ageing_agrees_with_the_engine(fund, book):
    rows = {r.loan_id: r for r in selectors.portfolio_status(fund, on=ON)}
    assert set(rows) == {book["current"].pk, book["late"].pk, book["partial"].pk}
    for name in ("current", "late", "partial"):
        loan = book[name]
        engine = engine_status(loan, ON)
        row = rows[loan.pk]
        assert row.days_past_due == engine.days_past_due, name
        assert row.bucket == engine.bucket, name
        assert row.principal_outstanding == engine.principal_outstanding, name
        assert row.overdue == engine.overdue, name
        assert row.overdue_principal == engine.overdue_principal, name
    assert rows[book["current"].pk].days_past_due == 0
    assert rows[book["late"].pk].days_past_due == 45
    assert rows[book["late"].pk].bucket == "31-60"
    assert rows[book["late"].pk].overdue == 2 * 888_49
    assert rows[book["partial"].pk].days_past_due == 57
    # the repaid loan: nothing outstanding, nothing late, and out of the portfolio
    repaid = engine_status(book["repaid"], ON)
    assert (repaid.days_past_due, repaid.principal_outstanding) == (0, 0)
    assert book["repaid"].status == Loan.Status.REPAID
    # the latest first
    assert [r.loan_id for r in selectors.portfolio_status(fund, on=ON)] == [
        book["partial"].pk, book["late"].pk, book["current"].pk
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("on", "days", "bucket"),
    [("2026-08-01", 0, "current"), ("2026-08-02", 1, "1-30"), ("2026-08-31", 30, "1-30"),
     ("2026-09-01", 31, "31-60"), ("2026-09-30", 60, "31-60"), ("2026-10-01", 61, "61-90")],
)  # fmt: skip
def test_bucket_boundaries(fund, book, on, days, bucket):
    """The late loan, unpaid since 1 August, on either side of each boundary."""
    late = book["late"]
    row = next(r for r in selectors.portfolio_status(fund, on=d(on)) if r.loan_id == late.pk)
    engine = engine_status(late, d(on))
    assert (row.days_past_due, row.bucket) == (days, bucket)
    assert (engine.days_past_due, engine.bucket) == (days, bucket)
    assert row.overdue == engine.overdue
    assert row.overdue_principal == engine.overdue_principal


def test_par_and_arrears_rate(fund, book):
    view = selectors.fund_overview(fund, on=ON)
    statuses = [engine_status(book[n], ON) for n in ("current", "late", "partial")]
    outstanding = sum(s.principal_outstanding for s in statuses)
    assert view.principal_outstanding == outstanding
    late = book["late"].principal_outstanding + book["partial"].principal_outstanding
    assert view.par30 == Fraction(late, outstanding) == arrears.par(statuses, 30)
    assert view.par90 == 0 == arrears.par(statuses, 90)
    assert view.arrears_rate == arrears.arrears_rate(statuses)
    # PAR counts the whole of a late loan, the arrears rate its overdue principal alone
    assert 0 < view.arrears_rate < view.par30
    assert view.par30_percent == round(float(view.par30) * 100, 2)
    # 30 days on: the late loan is past 61 days, the partial one 87; still none over 90
    later = selectors.fund_overview(fund, on=d("2026-10-15"))
    assert later.par90 == 0
    assert selectors.fund_overview(fund, on=d("2026-10-19")).par90 == Fraction(
        book["partial"].principal_outstanding, outstanding
    )


def test_ageing_table(fund, book):
    view = selectors.fund_overview(fund, on=ON)
    assert [r.bucket for r in view.ageing] == ["current", "1-30", "31-60", "61-90", "90+"]
    table = {r.bucket: r for r in view.ageing}
    statuses = [engine_status(book[n], ON) for n in ("current", "late", "partial")]
    expected = arrears.ageing(statuses)
    for name, (loans, outstanding) in expected.items():
        assert (table[name].loans, table[name].principal_outstanding) == (loans, outstanding)
    assert table["31-60"].loans == 2
    assert table["31-60"].overdue == statuses[1].overdue + statuses[2].overdue
    assert table["current"].overdue == 0
    assert sum(r.percent for r in view.ageing) == pytest.approx(100, abs=0.02)
    assert view.late_loans == 2
    assert view.active_loans == 3


def test_due_soon(fund, book):
    view = selectors.fund_overview(fund, on=ON)
    got = [(r.loan_id, r.due_on, r.payment, r.amount) for r in view.due_soon]
    current, late, partial = book["current"], book["late"], book["partial"]
    p = payments_of(partial)
    # from ON to ON + 90 days (13 December): the late loan's overdue ones are not "soon";
    # the one due on ON is
    assert got == [
        (current.pk, d("2026-09-15"), 888_49, 888_49),
        (partial.pk, d("2026-09-20"), p[7], p[7]),
        (late.pk, d("2026-10-01"), 888_49, 888_49),
        (current.pk, d("2026-10-15"), 888_49, 888_49),
        (partial.pk, d("2026-10-20"), p[8], p[8]),
        (late.pk, d("2026-11-01"), 888_49, 888_49),
        (current.pk, d("2026-11-15"), 888_49, 888_49),
        (partial.pk, d("2026-11-20"), p[9], p[9]),
        (late.pk, d("2026-12-01"), 888_49, 888_49),
    ]
    assert view.due_soon_total == sum(r.amount for r in view.due_soon)
    assert not view.due_soon_more
    assert view.due_soon[0].organization_name == current.organization.name


def test_due_soon_counts_what_was_paid_of_an_instalment(fund, book, people):
    """A payment ahead of time: the current loan pays September's instalment and 300.00 of
    October's; both are in the window, September's with nothing left."""
    current = book["current"]
    pay(people, current, ("2026-09-10", 888_49 + 300_00))
    view = selectors.fund_overview(fund, on=ON)
    mine = [(r.due_on, r.amount) for r in view.due_soon if r.loan_id == current.pk]
    assert mine == [(d("2026-10-15"), 588_49), (d("2026-11-15"), 888_49)]
    engine = engine_status(current, ON)
    assert engine.next_due == d("2026-10-15")
    assert engine.next_due_amount == 588_49


def test_due_soon_is_limited(fund, book, monkeypatch):
    monkeypatch.setattr(selectors, "DUE_SOON_ROWS", 4)
    full = selectors.fund_overview(fund, on=ON)
    assert len(full.due_soon) == 4
    assert full.due_soon_more
    assert [r.due_on for r in full.due_soon] == [
        d("2026-09-15"), d("2026-09-20"), d("2026-10-01"), d("2026-10-15")
    ]  # fmt: skip


def test_notes_maturing(fund, book):
    view = selectors.fund_overview(fund, on=ON)
    got = [(n.note_id, n.due_on, n.amount, n.on_notice) for n in view.notes_maturing]
    # on notice from 1 September with 90 days' notice: 30 November; the holder's matures
    # 15 January 2027; the 36-month note (January 2028) and the repaid one are not listed
    assert got == [
        (book["on_notice"].pk, d("2026-11-30"), 5_000_00, True),
        (book["maturing"].pk, d("2027-01-15"), 30_000_00, False),
    ]
    assert view.notes_maturing[0].investor_name == book["on_notice"].investor_name


def test_loan_statement(fund, book):
    partial = book["partial"]
    statement = selectors.loan_statement(partial, on=ON)
    assert statement.schedule is not None and statement.schedule.version == 1
    assert len(statement.rows) == 24
    assert statement.versions == []
    rows = schedule.schedule(principal=20_000_00, annual_rate=Decimal(6), months=24,
                             method="annuity", start=d("2026-01-20"))  # fmt: skip
    assert [(r.number, r.due_on, r.payment, r.balance) for r in statement.rows] == [
        (r.number, r.due_on, r.payment, r.balance) for r in rows
    ]
    first, sixth, seventh = statement.rows[0], statement.rows[5], statement.rows[6]
    assert (first.interest_paid, first.principal_paid, first.settled_on) == (
        100_00, rows[0].principal, d("2026-02-20")
    )  # fmt: skip
    # 100.00 of the sixth: its interest first, the rest to principal
    assert sixth.interest_paid == rows[5].interest
    assert sixth.principal_paid == 100_00 - rows[5].interest
    assert sixth.settled_on is None and sixth.late
    assert seventh.interest_paid == seventh.principal_paid == 0 and seventh.late
    assert not statement.rows[7].late
    engine = engine_status(partial, ON)
    assert statement.days_past_due == 57 and statement.bucket == "31-60"
    assert statement.outstanding == engine.principal_outstanding == partial.principal_outstanding
    assert statement.overdue == engine.overdue
    assert statement.interest_paid == sum(r.interest for r in rows[:5]) + rows[5].interest
    assert statement.paid_total == partial.paid_total
    assert [(r.paid_on, r.amount) for r in statement.repayments][-1] == (d("2026-07-25"), 100_00)
    # a statement as of an earlier date counts only the repayments made by then
    earlier = selectors.loan_statement(partial, on=d("2026-03-01"))
    assert len(earlier.repayments) == 1
    assert earlier.rows[1].interest_paid == 0 and earlier.days_past_due == 0


def test_statement_csv(fund, book):
    text = selectors.statement_csv(book["late"], on=ON)
    lines = text.splitlines()
    assert lines[0] == (
        "number,due_on,payment,interest,principal,balance,interest_paid,principal_paid,settled_on"
    )
    assert lines[1] == "1,2026-05-01,888.49,100.00,788.49,9211.51,100.00,788.49,2026-05-01"
    assert lines[4].startswith("4,2026-08-01,888.49,")
    assert lines[4].endswith(",0.00,0.00,")
    assert lines[12].startswith("12,2027-04-01,888.47,") and ",0.00,0.00,0.00," in lines[12]
    assert len(lines) == 13


def test_statement_csv_in_a_currency_without_decimals(fund, book):
    fund.currency = "JPY"
    fund.save(update_fields=["currency"])
    late = Loan.objects.get(pk=book["late"].pk)
    lines = selectors.statement_csv(late, on=ON).splitlines()
    assert lines[1] == "1,2026-05-01,88849,10000,78849,921151,10000,78849,2026-05-01"


def test_restructured_loan_statement(fund, book, people):
    late = book["late"]
    services.loan_restructure(
        actor=people["coordinator"], loan=late, start=d("2026-09-01"), months=18,
        annual_rate=Decimal(6), method="annuity", reason="Harvest failed",
        capitalise_interest=False,
    )  # fmt: skip
    late.refresh_from_db()
    statement = selectors.loan_statement(late, on=ON)
    assert statement.schedule is not None and statement.schedule.version == 2
    assert statement.restructured
    [old] = statement.versions
    assert (old.version, old.start, old.principal, old.months, old.reason, old.paid) == (
        1, d("2026-04-01"), 10_000_00, 12, "Disbursement", 3 * 888_49,
    )  # fmt: skip
    assert statement.principal == late.principal_outstanding
    assert len(statement.rows) == 18
    assert len(statement.repayments) == 3  # against the old schedule, kept
    assert statement.paid_total == 0
    pay(people, late, ("2026-09-05", 500_00))
    # the cash figure still matches the books with repayments on an old schedule
    view = selectors.fund_overview(fund, on=ON)
    assert view.cash == selectors.fund_balances(fund)["cash"]
    assert view.principal_outstanding == selectors.fund_balances(fund)["loans_receivable"]
    row = next(r for r in selectors.portfolio_status(fund, on=ON) if r.loan_id == late.pk)
    assert row.days_past_due == 0  # the new schedule's first instalment is due 1 October
    assert selectors.loan_statement(late, on=ON).paid_total == 500_00


def test_note_statement(fund, book):
    """2,000.00 at 2 % from 1 February 2025, repaid a year later with 40.00 of interest."""
    note = InvestorNote.objects.get(pk=book["repaid_note"].pk)
    statement = selectors.note_statement(note, on=ON)
    assert statement.interest_accrued == 40_00 == statement.interest_paid
    assert statement.interest_owed == 0
    got = [(y.year, y.principal, y.interest_earned, y.interest_paid, y.closing_principal,
            y.closing_balance) for y in statement.years]  # fmt: skip
    # 334 days of 2025: 2,000.00 × 2 % × 334/365 = 36.60; 31 days of 2026: the rest
    assert got == [
        (2025, 2_000_00, 36_60, 0, 2_000_00, 2_036_60),
        (2026, 2_000_00, 3_40, 40_00, 0, 0),
    ]


def test_note_statement_of_an_open_note(fund, book):
    """5,000.00 at 1.5 % from 1 June 2025: 214 days of 2025, 257 of 2026 to ON."""
    note = InvestorNote.objects.get(pk=book["on_notice"].pk)
    statement = selectors.note_statement(note, on=ON)
    assert statement.interest_accrued == services.note_interest(note, ON) == 96_78
    assert statement.interest_paid == 0
    assert [(y.year, y.interest_earned, y.closing_balance) for y in statement.years] == [
        (2025, 43_97, 5_043_97), (2026, 52_81, 5_096_78)
    ]  # fmt: skip
    assert selectors.note_csv(note, on=ON) == (
        "year,principal,interest_earned,interest_paid\n"
        "2025,5000.00,43.97,0.00\n"
        "2026,5000.00,52.81,0.00\n"
    )


def test_books_view(fund, book, django_assert_max_num_queries):
    balances, transactions = selectors.books_view(fund)
    assert [b.account for b in balances][:3] == ["cash", "loans_receivable", "interest_receivable"]
    assert sum(b.debit for b in balances) == sum(b.credit for b in balances)
    page = transactions[:20]
    with django_assert_max_num_queries(2):
        listed = [(t.on, t.kind, [(e.account, e.amount) for e in t.entries.all()]) for t in page]
    assert [t[0] for t in listed] == sorted((t[0] for t in listed), reverse=True)
    assert all(sum(amount for _a, amount in entries) == 0 for _on, _k, entries in listed)


def test_lists_of_the_capital_pages(fund, book, org, people):
    draft = services.application_create(
        actor=people["admin"], fund=fund, organization=org,
        values={"purpose": "A van", "amount": 1_000_00, "term_months": 12,
                "requested_rate": Decimal(3)},
    )  # fmt: skip
    assert draft.status == LoanApplication.Status.DRAFT
    assert fund_pks(selectors.fund_applications(fund)) == fund_pks(
        LoanApplication.objects.filter(fund=fund).exclude(pk=draft.pk)
    )
    assert selectors.fund_applications(fund).count() == 5
    assert selectors.fund_applications(fund, status="approved").count() == 5
    assert selectors.fund_loans(fund).count() == 5
    assert selectors.fund_loans(fund, status="active").count() == 3
    for name in ("member", "admin", "coordinator", "staff"):
        assert list(selectors.my_funds(people[name])) == [fund], name
    for name in ("anonymous", "outsider", "other_coordinator"):
        assert list(selectors.my_funds(people[name])) == [], name
    assert selectors.organization_loans(people["member"]).count() == 5
    assert selectors.organization_loans(people["coordinator"]).count() == 0
    assert selectors.organization_applications(people["admin"]).count() == 6  # with the draft
    assert selectors.organization_applications(people["anonymous"]).count() == 0
    # the member's own note, and the two of its organisation (one repaid)
    assert selectors.my_notes(people["member"]).count() == 3
    assert selectors.my_notes(people["outsider"]).count() == 0
    assert selectors.my_notes(None).count() == 0


def fund_pks(queryset: Any) -> list[int]:
    return sorted(queryset.values_list("pk", flat=True))


def test_the_overview_reads_no_row_per_instalment(fund, book, django_assert_num_queries):
    with django_assert_num_queries(12):
        selectors.fund_overview(fund, on=ON)


def test_an_empty_fund(fund):
    view = selectors.fund_overview(fund, on=ON)
    assert (view.cash, view.available, view.principal_outstanding) == (0, 0, 0)
    assert view.par30 == view.par90 == view.arrears_rate == 0
    assert [(r.loans, r.principal_outstanding, r.percent) for r in view.ageing] == [(0, 0, 0.0)] * 5
    assert view.due_soon == [] and view.notes_maturing == []
    assert selectors.portfolio_status(fund, on=ON) == []
