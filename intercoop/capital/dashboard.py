"""What the funds have waiting for a user (their dashboard): for the loan committee,
applications before it awaiting a recorded decision; for a fund's managers, submitted
applications to review and accepted loans to disburse; for a borrower's admins and
editors, offers to answer and instalments due within 14 days or overdue. Each counted
in one query per kind (grouped by fund or loan)."""

import datetime as dt
from typing import Any

from django.db.models import Count, F
from django.utils.translation import gettext as _

from intercoop.capital.models import Instalment, Loan, LoanApplication
from intercoop.capital.permissions import committee_funds
from intercoop.capital.writing import today
from intercoop.core.dashboard import Task
from intercoop.core.permissions import is_signed_in
from intercoop.directory.permissions import acting_organizations, coordinated_network_ids

KIND = "capital"
DUE_WITHIN_DAYS = 14
MAX_LISTED = 20


def _per_fund(queryset: Any, label: str, link: str) -> list[Task]:
    rows = (
        queryset.values("fund__slug", "fund__name")
        .annotate(n=Count("pk"))
        .order_by("fund__name")[:MAX_LISTED]
    )
    return [
        Task(
            kind=KIND,
            label=label % {"fund": row["fund__name"]},
            count=row["n"],
            link=(link, [row["fund__slug"]]),
        )
        for row in rows
    ]


def _committee_tasks(user: Any) -> list[Task]:
    waiting = LoanApplication.objects.filter(
        status=LoanApplication.Status.IN_VOTE,
        poll_id__isnull=True,
        fund_id__in=committee_funds(user).values("pk"),
    )
    return _per_fund(
        waiting,
        _("Loan applications awaiting the committee's decision (%(fund)s)"),
        "capital:applications",
    )


def _manager_tasks(coordinated: set[int]) -> list[Task]:
    to_review = LoanApplication.objects.filter(
        fund__network_id__in=coordinated,
        status__in=[LoanApplication.Status.SUBMITTED, LoanApplication.Status.IN_REVIEW],
    )
    to_disburse = Loan.objects.filter(fund__network_id__in=coordinated, status=Loan.Status.ACCEPTED)
    return _per_fund(
        to_review, _("Loan applications to review (%(fund)s)"), "capital:applications"
    ) + _per_fund(to_disburse, _("Accepted loans to disburse (%(fund)s)"), "capital:loans")


def _borrower_tasks(acting: list[int], on: dt.date) -> list[Task]:
    offers = (
        Loan.objects.filter(organization_id__in=acting, status=Loan.Status.OFFERED)
        .values_list("pk", "organization__name", "fund__name")
        .order_by("-offered_at", "-pk")[:MAX_LISTED]
    )
    tasks = [
        Task(
            kind=KIND,
            label=_("A loan offer from %(fund)s to answer for %(org)s")
            % {"fund": fund, "org": org},
            count=1,
            link=("capital:loan", [pk]),
        )
        for pk, org, fund in offers
    ]
    # the instalments not fully paid: from the oldest unpaid one (the loan keeps its due
    # date) to DUE_WITHIN_DAYS from now
    due = (
        Instalment.objects.filter(
            schedule__current=True,
            schedule__loan__status=Loan.Status.ACTIVE,
            schedule__loan__organization_id__in=acting,
            schedule__loan__unpaid_since__isnull=False,
            due_on__gte=F("schedule__loan__unpaid_since"),
            due_on__lte=on + dt.timedelta(days=DUE_WITHIN_DAYS),
        )
        .values(
            "schedule__loan_id", "schedule__loan__organization__name", "schedule__loan__fund__name"
        )
        .annotate(n=Count("pk"))
        .order_by("schedule__loan__organization__name", "schedule__loan_id")[:MAX_LISTED]
    )
    tasks += [
        Task(
            kind=KIND,
            label=_("Instalments due or overdue on the loan of %(org)s from %(fund)s")
            % {
                "org": row["schedule__loan__organization__name"],
                "fund": row["schedule__loan__fund__name"],
            },
            count=row["n"],
            link=("capital:loan", [row["schedule__loan_id"]]),
        )
        for row in due
    ]
    return tasks


def dashboard_tasks(user: Any) -> list[Task]:
    if user is None or not is_signed_in(user):
        return []
    coordinated = coordinated_network_ids(user)
    tasks = _committee_tasks(user)
    if coordinated:
        tasks += _manager_tasks(coordinated)
    acting = acting_organizations(user)
    if acting:
        tasks += _borrower_tasks(acting, today())
    return tasks
