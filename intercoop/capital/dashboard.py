"""What the funds have waiting for a user (their dashboard): for the loan committee,
applications before it awaiting a recorded decision; for a fund's managers, submitted
applications to review and accepted loans to disburse; for a borrower's admins and
editors, offers to answer and instalments due within 14 days or overdue. Two queries
whatever the numbers (plus the request's cached roles): one row per fund with the
committee's and the managers' counts, and one row per loan of the borrower's."""

import datetime as dt
from typing import Any

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from intercoop.capital.models import Fund, Instalment, Loan, LoanApplication
from intercoop.capital.permissions import committee_funds
from intercoop.capital.writing import today
from intercoop.core.dashboard import Task
from intercoop.core.permissions import is_signed_in
from intercoop.directory.permissions import acting_organizations, coordinated_network_ids

KIND = "capital"
DUE_WITHIN_DAYS = 14
MAX_LISTED = 20


def _count(rows: QuerySet[Any], outer: str) -> Coalesce:
    """How many of `rows` belong to the outer row (their `outer` field is its pk), as a
    correlated subquery."""
    counted = rows.filter(**{outer: OuterRef("pk")}).order_by().values(outer)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")[:1]), 0)


def _only(condition: Q, count: Coalesce) -> Case:
    """`count` for the outer rows that meet `condition`, 0 for the others."""
    return Case(When(condition, then=count), default=0, output_field=IntegerField())


def _fund_tasks(user: Any, coordinated: set[int]) -> list[Task]:
    """The committee's and the managers' tasks, per fund (by name)."""
    Status = LoanApplication.Status
    in_vote = LoanApplication.objects.filter(status=Status.IN_VOTE, poll_id__isnull=True)
    on_committee = Q(pk__in=committee_funds(user).values("pk"))
    counts = {"to_decide": _only(on_committee, _count(in_vote, "fund_id"))}
    mine = on_committee
    if coordinated:  # the managers' counts, for the funds of the networks they coordinate
        managed = Q(network_id__in=coordinated)
        mine |= managed
        to_review = LoanApplication.objects.filter(status__in=[Status.SUBMITTED, Status.IN_REVIEW])
        to_disburse = Loan.objects.filter(status=Loan.Status.ACCEPTED)
        counts["to_review"] = _only(managed, _count(to_review, "fund_id"))
        counts["to_disburse"] = _only(managed, _count(to_disburse, "fund_id"))
    rows = list(
        Fund.objects.filter(mine)
        .annotate(**counts)
        .filter(Q(**{f"{key}__gt": 0 for key in counts}, _connector=Q.OR))
        .values("slug", "name", *counts)
        .order_by("name", "pk")
    )
    kinds = [
        ("to_decide", _("Loan applications awaiting the committee's decision (%(fund)s)"),
         "capital:applications"),
        ("to_review", _("Loan applications to review (%(fund)s)"), "capital:applications"),
        ("to_disburse", _("Accepted loans to disburse (%(fund)s)"), "capital:loans"),
    ]  # fmt: skip
    return [
        Task(
            kind=KIND,
            label=label % {"fund": row["name"]},
            count=row[key],
            link=(link, [row["slug"]]),
        )
        for key, label, link in kinds
        for row in [row for row in rows if row.get(key)][:MAX_LISTED]
    ]


def _borrower_tasks(acting: list[int], on: dt.date) -> list[Task]:
    """The offers to answer (the latest first) and, per active loan (by borrower), the
    instalments not fully paid: from the oldest unpaid one (the loan keeps its due date)
    to DUE_WITHIN_DAYS from now."""
    due = Instalment.objects.filter(
        schedule__current=True,
        due_on__gte=OuterRef("unpaid_since"),
        due_on__lte=on + dt.timedelta(days=DUE_WITHIN_DAYS),
    )
    loans = list(
        Loan.objects.filter(organization_id__in=acting)
        .annotate(due=_count(due, "schedule__loan_id"))
        .filter(
            Q(status=Loan.Status.OFFERED)
            | Q(status=Loan.Status.ACTIVE, unpaid_since__isnull=False, due__gt=0)
        )
        .values("pk", "status", "offered_at", "due", "organization__name", "fund__name")
        .order_by("organization__name", "pk")
    )
    offers = sorted(
        (loan for loan in loans if loan["status"] == Loan.Status.OFFERED),
        key=lambda loan: (loan["offered_at"], loan["pk"]),
        reverse=True,
    )
    tasks = [
        Task(
            kind=KIND,
            label=_("A loan offer from %(fund)s to answer for %(org)s")
            % {"fund": loan["fund__name"], "org": loan["organization__name"]},
            count=1,
            link=("capital:loan", [loan["pk"]]),
        )
        for loan in offers[:MAX_LISTED]
    ]
    dues = [loan for loan in loans if loan["status"] == Loan.Status.ACTIVE]
    tasks += [
        Task(
            kind=KIND,
            label=_("Instalments due or overdue on the loan of %(org)s from %(fund)s")
            % {"org": loan["organization__name"], "fund": loan["fund__name"]},
            count=loan["due"],
            link=("capital:loan", [loan["pk"]]),
        )
        for loan in dues[:MAX_LISTED]
    ]
    return tasks


def dashboard_tasks(user: Any) -> list[Task]:
    if user is None or not is_signed_in(user):
        return []
    tasks = _fund_tasks(user, coordinated_network_ids(user))
    acting = acting_organizations(user)
    if acting:
        tasks += _borrower_tasks(acting, today())
    return tasks
