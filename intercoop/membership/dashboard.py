"""What pathways have waiting for a user (their dashboard): a candidate's next step on
each open application; a mentor's proposals to answer and the people they mentor; for
coordinators, per pathway, the open applications whose current step waits for them
(attendance, vetting, pairing a mentor, making a candidate, an admission to decide).
Two queries whatever the numbers (plus the request's cached roles): the candidate's
applications, and one row per pathway with the mentor's and the coordinators' counts."""

from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    Expression,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from intercoop.core.dashboard import Task
from intercoop.core.permissions import is_signed_in
from intercoop.directory.models import OrganizationRole
from intercoop.directory.permissions import (
    acting_organizations,
    coordinated_network_ids,
    organization_roles,
)
from intercoop.membership import permissions
from intercoop.membership.links import application_link, board_link, mentoring_link
from intercoop.membership.models import Application, Mentorship, Pathway, Step
from intercoop.membership.selectors import WAITING, with_current_step

KIND = "membership"
MAX_LISTED = 20
Kind = Step.Kind


def _count(rows: QuerySet[Any], outer: str) -> Coalesce:
    """How many of `rows` belong to the outer row (their `outer` field is its pk), as a
    correlated subquery."""
    counted = rows.filter(**{outer: OuterRef("pk")}).order_by().values(outer)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")[:1]), 0)


def _candidate_tasks(user: Any) -> list[Task]:
    """The next step of each open application of the user's or their organisations'
    (the latest first), with the step's title, in one query."""
    mine = Q(user_id=user.pk)
    acting = acting_organizations(user)
    if acting:
        mine |= Q(organization_id__in=acting)
    title = Step.objects.filter(pk=OuterRef("current_step_id")).values("title")[:1]
    rows = (
        with_current_step(Application.objects.filter(mine, status__in=permissions.ACTIVE))
        .filter(current_step_id__isnull=False)
        .annotate(current_title=Subquery(title))
        .values("pk", "pathway__name", "current_title")
        .order_by("-applied_at", "-pk")[:MAX_LISTED]
    )
    return [
        Task(
            kind=KIND,
            label=_("Your next step on %(pathway)s: %(step)s")
            % {"pathway": row["pathway__name"], "step": row["current_title"] or ""},
            count=1,
            link=application_link(row["pk"]),
        )
        for row in rows
    ]


def _waiting_for_coordinators() -> QuerySet[Application]:
    """The open applications whose current step waits for the coordinators."""
    paired = Mentorship.objects.filter(application=OuterRef("pk"), status__in=WAITING)
    return (
        with_current_step(Application.objects.filter(status__in=permissions.ACTIVE))
        .annotate(paired=Exists(paired))
        .filter(
            Q(current_kind__in=[Kind.ORIENTATION, Kind.VETTING])
            | Q(current_kind=Kind.ADMISSION, poll_id__isnull=True)
            | Q(current_kind=Kind.MENTORSHIP, paired=False)
            | Q(current_kind=Kind.PROBATION, status=Application.Status.APPLICANT)
        )
    )


def _mentor_and_coordinator_tasks(user: Any) -> list[Task]:
    """One row per pathway where the user mentors someone or coordinates: the mentor's
    proposals to answer and mentorships under way (summed over the pathways), and for
    coordinators, per pathway (by name), the applications waiting for them. One query."""
    mentoring = Mentorship.objects.filter(
        mentor_id=user.pk, status__in=WAITING, application__status__in=permissions.ACTIVE
    )
    counts: dict[str, Expression] = {
        "proposed": _count(
            mentoring.filter(status=Mentorship.Status.PROPOSED), "application__pathway_id"
        ),
        "accepted": _count(
            mentoring.filter(status=Mentorship.Status.ACCEPTED), "application__pathway_id"
        ),
    }
    mine = Q(pk__in=mentoring.values("application__pathway_id"))
    admin_of = [
        pk for pk, role in organization_roles(user).items() if role == OrganizationRole.Role.ADMIN
    ]
    networks = coordinated_network_ids(user)
    if admin_of or networks:
        coordinated = Q(organization_id__in=admin_of) | Q(network_id__in=list(networks))
        mine |= coordinated
        counts["waiting"] = Case(
            When(coordinated, then=_count(_waiting_for_coordinators(), "pathway_id")),
            default=0,
            output_field=IntegerField(),
        )
    rows = list(
        Pathway.objects.filter(mine)
        .annotate(**counts)
        .filter(Q(**{f"{key}__gt": 0 for key in counts}, _connector=Q.OR))
        .values("pk", "name", *counts)
        .order_by("name", "pk")
    )
    tasks = []
    proposed = sum(row["proposed"] for row in rows)
    if proposed:
        tasks.append(
            Task(
                kind=KIND,
                label=_("Requests to mentor a new member, to answer"),
                count=proposed,
                link=mentoring_link(),
            )
        )
    accepted = sum(row["accepted"] for row in rows)
    if accepted:
        tasks.append(
            Task(
                kind=KIND,
                label=_("People you mentor: meet them and log your meetings"),
                count=accepted,
                link=mentoring_link(),
            )
        )
    waiting = [row for row in rows if row.get("waiting")][:MAX_LISTED]
    return tasks + [
        Task(
            kind=KIND,
            label=_("Applications waiting for the coordinators (%(pathway)s)")
            % {"pathway": row["name"]},
            count=row["waiting"],
            link=board_link(row["pk"]),
        )
        for row in waiting
    ]


def dashboard_tasks(user: Any) -> list[Task]:
    if user is None or not is_signed_in(user):
        return []
    return _candidate_tasks(user) + _mentor_and_coordinator_tasks(user)
