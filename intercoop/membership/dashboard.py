"""What pathways have waiting for a user (their dashboard): a candidate's next step on
each open application; a mentor's proposals to answer and the people they mentor; for
coordinators, per pathway, the open applications whose current step waits for them
(attendance, vetting, pairing a mentor, making a candidate, an admission to decide).
A few queries whatever the numbers."""

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
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


def _candidate_tasks(user: Any) -> list[Task]:
    mine = Q(user_id=user.pk)
    acting = acting_organizations(user)
    if acting:
        mine |= Q(organization_id__in=acting)
    rows = list(
        with_current_step(Application.objects.filter(mine, status__in=permissions.ACTIVE))
        .filter(current_step_id__isnull=False)
        .values("pk", "pathway__name", "current_step_id")
        .order_by("-applied_at", "-pk")[:MAX_LISTED]
    )
    titles = dict(
        Step.objects.filter(pk__in=[r["current_step_id"] for r in rows]).values_list("pk", "title")
    )
    return [
        Task(
            kind=KIND,
            label=_("Your next step on %(pathway)s: %(step)s")
            % {"pathway": row["pathway__name"], "step": titles.get(row["current_step_id"], "")},
            count=1,
            link=application_link(row["pk"]),
        )
        for row in rows
    ]


def _mentor_tasks(user: Any) -> list[Task]:
    counts = dict(
        Mentorship.objects.filter(
            mentor_id=user.pk, status__in=WAITING, application__status__in=permissions.ACTIVE
        )
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    tasks = []
    if counts.get(Mentorship.Status.PROPOSED):
        tasks.append(
            Task(
                kind=KIND,
                label=_("Requests to mentor a new member, to answer"),
                count=counts[Mentorship.Status.PROPOSED],
                link=mentoring_link(),
            )
        )
    if counts.get(Mentorship.Status.ACCEPTED):
        tasks.append(
            Task(
                kind=KIND,
                label=_("People you mentor: meet them and log your meetings"),
                count=counts[Mentorship.Status.ACCEPTED],
                link=mentoring_link(),
            )
        )
    return tasks


def _coordinator_tasks(user: Any) -> list[Task]:
    admin_of = [
        pk for pk, role in organization_roles(user).items() if role == OrganizationRole.Role.ADMIN
    ]
    networks = coordinated_network_ids(user)
    if not admin_of and not networks:
        return []
    pathways = Pathway.objects.filter(
        Q(organization_id__in=admin_of) | Q(network_id__in=list(networks))
    ).values("pk")
    paired = Mentorship.objects.filter(application=OuterRef("pk"), status__in=WAITING)
    waiting = (
        with_current_step(
            Application.objects.filter(pathway_id__in=pathways, status__in=permissions.ACTIVE)
        )
        .annotate(paired=Exists(paired))
        .filter(
            Q(current_kind__in=[Kind.ORIENTATION, Kind.VETTING])
            | Q(current_kind=Kind.ADMISSION, poll_id__isnull=True)
            | Q(current_kind=Kind.MENTORSHIP, paired=False)
            | Q(current_kind=Kind.PROBATION, status=Application.Status.APPLICANT)
        )
        .values("pathway_id", "pathway__name")
        .annotate(n=Count("pk"))
        .order_by("pathway__name", "pathway_id")[:MAX_LISTED]
    )
    return [
        Task(
            kind=KIND,
            label=_("Applications waiting for the coordinators (%(pathway)s)")
            % {"pathway": row["pathway__name"]},
            count=row["n"],
            link=board_link(row["pathway_id"]),
        )
        for row in waiting
    ]


def dashboard_tasks(user: Any) -> list[Task]:
    if user is None or not is_signed_in(user):
        return []
    return _candidate_tasks(user) + _mentor_tasks(user) + _coordinator_tasks(user)
