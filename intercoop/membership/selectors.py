"""Reads of pathways and applications: the coordinators' board (every open application,
its current step, who must act and by when), a person's applications, the people they
mentor, an application's steps and (for those who may read them) its notes, and the
survey's summary.

An application's current step is its first step (in the pathway's order) not complete
yet; a list reads it with the applications, in one query (`with_current_step`).
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from intercoop.core.permissions import AnyUser
from intercoop.directory.models import Network, Organization
from intercoop.directory.permissions import acting_organizations
from intercoop.membership import permissions, survey
from intercoop.membership.hours import HoursCheck
from intercoop.membership.models import (
    Application,
    MentorMeeting,
    Mentorship,
    Pathway,
    Step,
    StepRecord,
    SurveyResponse,
)
from intercoop.membership.steps import (
    ACTORS,
    applicant_name,
    condition_met,
    hours_of,
    meetings_logged,
    today,
    who_acts,
)

Status = Application.Status
Kind = Step.Kind
WAITING = [Mentorship.Status.PROPOSED, Mentorship.Status.ACCEPTED]


def with_current_step(applications: QuerySet[Application]) -> Any:
    """Each application with its current step's id, kind and due date (None when every
    step is complete)."""
    current = StepRecord.objects.filter(
        application=OuterRef("pk"), completed_at__isnull=True
    ).order_by("step__position")
    return applications.annotate(
        current_step_id=Subquery(current.values("step_id")[:1]),
        current_kind=Subquery(current.values("step__kind")[:1]),
        current_due=Subquery(current.values("due_on")[:1]),
    )


# the board ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    application_id: int
    name: str
    status: str
    status_label: str
    applied_on: dt.date
    step_id: int | None
    step_title: str
    step_kind: str
    who: str  # candidate, mentor, coordinators, members ("" while paused or done)
    who_label: str
    due_on: dt.date | None
    overdue: bool
    mentors: tuple[str, ...] = field(default=())

    @property
    def is_paused(self) -> bool:
        return self.status == Status.PAUSED


def pathway_board(pathway: Pathway, *, on: dt.date | None = None) -> list[BoardRow]:
    """Every open application of the pathway (applicants, candidates, paused), with its
    current step, who must act and by when; overdue ones first, then by due date and
    application. Four queries, whatever the number of applications."""
    on = on or today()
    steps = {step.pk: step for step in Step.objects.filter(pathway=pathway)}
    current = StepRecord.objects.filter(
        application=OuterRef("pk"), completed_at__isnull=True
    ).order_by("step__position")
    rows = list(
        Application.objects.filter(pathway=pathway, status__in=permissions.OPEN)
        .annotate(current_record=Subquery(current.values("pk")[:1]))
        .values(
            "pk", "status", "applied_at", "poll_id", "user__username",
            "user__profile__display_name", "organization__name", "current_record",
        )
        .order_by("applied_at", "pk")
    )  # fmt: skip
    # the current steps' records in one query (one subquery a row, not one a field)
    records = {
        pk: (step_id, due_on)
        for pk, step_id, due_on in StepRecord.objects.filter(
            pk__in=[row["current_record"] for row in rows if row["current_record"]]
        ).values_list("pk", "step_id", "due_on")
    }
    mentors: dict[int, list[tuple[str, str]]] = {}
    for paired_row in (
        Mentorship.objects.filter(
            application__pathway=pathway,
            application__status__in=permissions.OPEN,
            status__in=WAITING,
        )
        .values_list(
            "application_id", "status", "mentor__username", "mentor__profile__display_name"
        )
        .order_by("proposed_at", "pk")
    ):
        application_id, status, username, display_name = paired_row
        mentors.setdefault(application_id, []).append((status, display_name or username))
    # each label translated once, not once a row
    labels = {key: str(label) for key, label in Status.choices}
    actors = {key: str(label) for key, label in ACTORS.items()}
    board = []
    for row in rows:
        step_id, current_due = records.get(row["current_record"], (0, None))
        step = steps.get(step_id)
        paired = mentors.get(row["pk"], [])
        accepted = tuple(name for status, name in paired if status == Mentorship.Status.ACCEPTED)
        proposed = any(status == Mentorship.Status.PROPOSED for status, _name in paired)
        paused = row["status"] == Status.PAUSED
        who = ""
        if step is not None and not paused:
            who = who_acts(
                step.kind, mentor=bool(accepted), proposed=proposed, poll=bool(row["poll_id"])
            )
        due = current_due if step is not None else None
        board.append(
            BoardRow(
                application_id=row["pk"],
                name=row["organization__name"]
                or row["user__profile__display_name"]
                or row["user__username"]
                or "",
                status=row["status"],
                status_label=labels.get(row["status"], row["status"]),
                applied_on=row["applied_at"].date(),
                step_id=step.pk if step else None,
                step_title=step.title if step else "",
                step_kind=step.kind if step else "",
                who=who,
                who_label=actors[who] if who else "",
                due_on=due,
                overdue=bool(due and due < on and not paused),
                mentors=accepted,
            )
        )
    board.sort(key=lambda r: (not r.overdue, r.due_on or dt.date.max, r.applied_on))
    return board


# a person's -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationView:
    application: Application
    step: Step | None  # the current step
    who: str
    due_on: dt.date | None
    overdue: bool

    @property
    def name(self) -> str:
        return applicant_name(self.application)


def _views(applications: QuerySet[Application], on: dt.date) -> list[ApplicationView]:
    rows = list(
        with_current_step(applications).select_related(
            "pathway__organization", "pathway__network", "organization", "user"
        )
    )
    steps = {s.pk: s for s in Step.objects.filter(pk__in=[a.current_step_id for a in rows])}
    views = []
    for application in rows:
        step = steps.get(application.current_step_id)
        due = application.current_due if step else None
        active = application.status in permissions.ACTIVE
        who = who_acts(step.kind, mentor=True, poll=bool(application.poll_id)) if step else ""
        views.append(
            ApplicationView(
                application=application,
                step=step,
                who=who if active else "",
                due_on=due,
                overdue=bool(active and due and due < on),
            )
        )
    return views


def my_applications(user: AnyUser | None, *, on: dt.date | None = None) -> list[ApplicationView]:
    """The user's own applications and those of the organisations they speak for, the
    newest first, each with its current step."""
    if user is None or not user.is_authenticated:
        return []
    mine = Q(user_id=user.pk)
    acting = acting_organizations(user)
    if acting:
        mine |= Q(organization_id__in=acting)
    return _views(Application.objects.filter(mine).order_by("-applied_at", "-pk"), on or today())


@dataclass(frozen=True)
class MentoringView:
    mentorship: Mentorship
    meetings: int

    @property
    def name(self) -> str:
        return applicant_name(self.mentorship.application)

    @property
    def is_proposed(self) -> bool:
        return self.mentorship.status == Mentorship.Status.PROPOSED


def mentoring(user: AnyUser | None) -> list[MentoringView]:
    """The mentorships proposed to the user or accepted, of open applications, with the
    meetings logged."""
    if user is None or not user.is_authenticated:
        return []
    rows = (
        Mentorship.objects.filter(
            mentor_id=user.pk, status__in=WAITING, application__status__in=permissions.OPEN
        )
        .select_related(
            "application__pathway__organization",
            "application__pathway__network",
            "application__user",
            "application__organization",
        )
        .annotate(n=Count("meetings"))
        .order_by("-proposed_at", "-pk")
    )
    return [MentoringView(mentorship=m, meetings=m.n) for m in rows]


# an application -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepView:
    step: Step
    complete: bool
    completed_at: Any
    due_on: dt.date | None
    overdue: bool
    current: bool
    progress: str  # "2 of 4 sessions", "310.50 of 600 hours"… ("" when nothing counts)
    ready: bool  # its condition holds (it can be completed)


def _progress(application: Application, record: StepRecord, on: dt.date) -> str:
    step, settings = record.step, record.step.settings
    if step.kind == Kind.ORIENTATION:
        return _("%(done)s of %(needed)s sessions") % {
            "done": len(record.data.get("sessions", [])),
            "needed": settings.get("sessions", 1),
        }
    if step.kind == Kind.MENTORSHIP:
        return _("%(done)s of %(needed)s meetings") % {
            "done": meetings_logged(application),
            "needed": settings.get("meetings", 1),
        }
    if step.kind == Kind.AGREEMENT:
        return _("%(done)s of %(needed)s documents signed") % {
            "done": len(record.data.get("signed", {})),
            "needed": len(settings.get("documents", [])),
        }
    if step.kind == Kind.VETTING:
        ticked = record.data.get("checklist", {})
        items = settings.get("checklist", [])
        return _("%(done)s of %(needed)s checks") % {
            "done": sum(1 for item in items if ticked.get(item)),
            "needed": len(items),
        }
    if step.kind == Kind.PROBATION and settings.get("hours"):
        check = hours_of(application, step, on)
        return _("%(done)s of %(needed)s hours") % {
            "done": check.total_logged,
            "needed": settings["hours"],
        }
    return ""


def application_steps(application: Application, *, on: dt.date | None = None) -> list[StepView]:
    """The application's steps in order, with their progress (no notes: see
    `application_notes`)."""
    on = on or today()
    records = list(
        StepRecord.objects.filter(application=application)
        .select_related("step__course")
        .order_by("step__position")
    )
    current = next((r.step_id for r in records if r.completed_at is None), None)
    active = application.status in permissions.ACTIVE
    return [
        StepView(
            step=record.step,
            complete=record.completed_at is not None,
            completed_at=record.completed_at,
            due_on=record.due_on,
            overdue=bool(
                active and record.completed_at is None and record.due_on and record.due_on < on
            ),
            current=record.step_id == current,
            progress=_progress(application, record, on),
            ready=record.completed_at is None
            and record.step.kind != Kind.ADMISSION
            and condition_met(application, record, on),
        )
        for record in records
    ]


@dataclass(frozen=True)
class StepNotes:
    step: Step
    notes: str
    references: list[dict[str, str]]


@dataclass(frozen=True)
class ApplicationNotes:
    steps: list[StepNotes]
    meetings: list[MentorMeeting]


def application_notes(user: AnyUser | None, application: Application) -> ApplicationNotes:
    """The application's notes (steps' notes, the vetting's references, meetings): only
    for its candidate, its mentors and the coordinators (PermissionDenied otherwise)."""
    permissions.access_notes(user, application)
    records = (
        StepRecord.objects.filter(application=application)
        .select_related("step")
        .order_by("step__position")
    )
    return ApplicationNotes(
        steps=[
            StepNotes(step=r.step, notes=r.notes, references=list(r.data.get("references", [])))
            for r in records
            if r.notes or r.data.get("references")
        ],
        meetings=list(
            MentorMeeting.objects.filter(mentorship__application=application).select_related(
                "mentorship__mentor"
            )
        ),
    )


def hours_summary(application: Application, *, on: dt.date | None = None) -> HoursCheck | None:
    """The hours logged against the probation's rule (None without one)."""
    step = application.pathway.steps.filter(kind=Kind.PROBATION).first()
    if step is None:
        return None
    return hours_of(application, step, on or today())


def is_put_to_vote(application: Application) -> bool:
    return application.poll_id is not None and application.status == Status.CANDIDATE


def who_label(code: str) -> str:
    return str(ACTORS[code]) if code else ""


# pathways ----------------------------------------------------------------------------------------


def pathways_of(
    *, organization: Organization | None = None, network: Network | None = None
) -> QuerySet[Pathway]:
    return Pathway.objects.filter(organization=organization, network=network).annotate(
        open_applications=Count("applications", filter=Q(applications__status__in=permissions.OPEN))
    )


def open_pathways() -> QuerySet[Pathway]:
    return Pathway.objects.filter(open=True).select_related("organization", "network")


@dataclass(frozen=True)
class SurveySummary:
    questions: list[survey.QuestionSummary]
    comments: list[str]
    responses: int


def survey_summary(pathway: Pathway, *, when: str | None = None) -> SurveySummary:
    """The mean and count of each question's answers on the pathway (of one `when`, or
    both), and the comments."""
    responses = SurveyResponse.objects.filter(application__pathway=pathway)
    if when:
        responses = responses.filter(when=when)
    answers = list(responses.order_by("answered_at", "pk").values_list("answers", flat=True))
    questions, comments = survey.summarise(answers)
    return SurveySummary(questions=questions, comments=comments, responses=len(answers))
