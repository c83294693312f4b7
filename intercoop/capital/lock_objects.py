"""Every row lock the fund's services take, in one order: the fund, then an application,
then a loan (or an investor note). On SQLite the locks are no-ops: its single writer
serialises the writes."""

from intercoop.capital.models import Fund, InvestorNote, Loan, LoanApplication


def lock_fund(fund: Fund) -> None:
    Fund.objects.filter(pk=fund.pk).select_for_update().values_list("pk").get()


def lock_application(application: LoanApplication) -> None:
    """Lock it and read its status again (a decision and a withdrawal may race)."""
    row = (
        LoanApplication.objects.select_for_update()
        .values("status", "poll_id")
        .get(pk=application.pk)
    )
    application.status, application.poll_id = row["status"], row["poll_id"]


def lock_loan(loan: Loan) -> None:
    """Lock it and read again what services change (two repayments may race)."""
    row = (
        Loan.objects.select_for_update()
        .values("status", "paid_total", "principal_outstanding", "unpaid_since")
        .get(pk=loan.pk)
    )
    for field, value in row.items():
        setattr(loan, field, value)


def lock_note(note: InvestorNote) -> None:
    """Lock it and read its status again (two repayments, or notices, may race)."""
    row = (
        InvestorNote.objects.select_for_update()
        .values("status", "notice_given_on", "repaid_on", "interest_paid")
        .get(pk=note.pk)
    )
    for field, value in row.items():
        setattr(note, field, value)
