"""Membership API, pathways: the open pathways and their steps, applying, an application's
steps (their state, who must act, by when; its notes only for its candidate, mentors and
coordinators), its transitions (withdraw, candidate, admit, refuse, pause, resume) and
the hours a candidate logs. An application the caller may not see is a 404."""

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from intercoop.core.api import WRITE_AUTH
from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT, Text
from intercoop.core.errors import DomainError
from intercoop.core.pagination import api_page, page_schema
from intercoop.core.permissions import NotFoundReason, authenticated_user
from intercoop.directory.models import Organization
from intercoop.membership import pathways, permissions, selectors
from intercoop.membership.models import Application, Pathway
from intercoop.membership.steps import applicant_name, who_acts

router = Router(tags=["membership"])

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Slug = Text(SHORT_TEXT)


# pathways -------------------------------------------------------------------------------


class StepOut(Schema):
    id: int
    position: int
    kind: str
    title: str
    details: str
    days_to_complete: int | None
    course: str | None = Field(description="the course's slug (a course step)")


class PathwayOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    organization: str | None = Field(description="the owner: an organisation's slug, or…")
    network: str | None = Field(description="…a network's (its pathway admits organisations)")
    for_organizations: bool
    steps: list[StepOut]


def _pathway_out(pathway: Pathway) -> dict[str, Any]:
    return {
        "id": pathway.pk, "slug": pathway.slug, "name": pathway.name,
        "description": pathway.description,
        "organization": pathway.organization.slug if pathway.organization else None,
        "network": pathway.network.slug if pathway.network else None,
        "for_organizations": pathway.for_organizations,
        "steps": [
            {
                "id": s.pk, "position": s.position, "kind": s.kind, "title": s.title,
                "details": s.details, "days_to_complete": s.days_to_complete,
                "course": s.course.slug if s.course else None,
            }
            for s in pathway.steps.all()
        ],
    }  # fmt: skip


@router.get("/pathways", auth=WRITE_AUTH, response=page_schema(PathwayOut),
            summary="The pathways open to applications (of an organisation, or a network, "
                    "by slug), with their steps, paged")  # fmt: skip
def list_pathways(
    request: HttpRequest,
    organization: Slug | None = None,  # type: ignore[valid-type]
    network: Slug | None = None,  # type: ignore[valid-type]
    page: int = 1,
    page_size: int = 50,
) -> Any:
    found: QuerySet[Pathway] = selectors.open_pathways()
    if organization:
        found = found.filter(organization__slug=organization)
    if network:
        found = found.filter(network__slug=network)
    found = found.prefetch_related("steps__course").order_by("name", "pk")
    return api_page(found, page=page, page_size=page_size, out=_pathway_out)


# applications ------------------------------------------------------------------------------


class ApplicationStepOut(Schema):
    id: int
    position: int
    kind: str
    title: str
    complete: bool
    completed_at: dt.datetime | None
    due_on: dt.date | None
    overdue: bool
    current: bool
    progress: str = Field(description='what counts so far, e.g. "1 of 2 sessions"')
    ready: bool = Field(description="its condition holds: it can be completed")
    who: str = Field(description="on the current step: candidate, mentor, coordinators, members")
    who_label: str


class StepNotesOut(Schema):
    step: int
    notes: str
    references: list[dict[str, str]]


class MeetingOut(Schema):
    on: dt.date
    mentor: str
    notes: str


class NotesOut(Schema):
    steps: list[StepNotesOut]
    meetings: list[MeetingOut]


class ApplicationOut(Schema):
    id: int
    pathway: int
    pathway_name: str
    applicant: str
    user: str | None = Field(description="the applicant's username, or…")
    organization: str | None = Field(description="…the applying organisation's slug")
    status: str
    motivation: str
    applied_at: dt.datetime
    candidate_since: dt.date | None
    member_since: dt.date | None
    ended_on: dt.date | None
    reason: str
    put_to_vote: bool
    steps: list[ApplicationStepOut]
    notes: NotesOut | None = Field(
        description="for its candidate, mentors and coordinators only (else null)"
    )
    actions: list[str] = Field(description="what you may do to it now")


class ApplyIn(Schema):
    motivation: Text(LONG_TEXT) = ""  # type: ignore[valid-type]
    organization: Slug | None = Field(  # type: ignore[valid-type]
        None, description="the organisation applying (a network's pathway)"
    )


class ReasonIn(Schema):
    reason: Text(SHORT_TEXT) = ""  # type: ignore[valid-type]


class RequiredReasonIn(Schema):
    reason: Text(SHORT_TEXT)  # type: ignore[valid-type]


class OnIn(Schema):
    on: dt.date | None = Field(None, description="the day (today when left out)")


class HoursIn(Schema):
    on: dt.date
    hours: Text(20) = Field(  # type: ignore[valid-type]
        description="hours of work, a decimal string such as 7.5 (negative corrects)"
    )
    note: Text(SHORT_TEXT) = ""  # type: ignore[valid-type]


class HoursOut(Schema):
    id: int
    application: int
    on: dt.date
    hours: str
    note: str


ACTIONS = {
    "withdraw": permissions.can_withdraw,
    "candidate": permissions.can_make_candidate,
    "admit": permissions.can_admit,
    "refuse": permissions.can_refuse,
    "pause": permissions.can_pause,
    "resume": permissions.can_resume,
    "hours": permissions.can_log_hours,
}


def _application(request: HttpRequest, pk: int) -> Application:
    """The application if the user may see it (else 404)."""
    found = (
        Application.objects.select_related(
            "pathway__organization", "pathway__network", "user", "organization"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None or not permissions.can_view_application(request.user, found):
        raise NotFoundReason(_("No such application"))
    return found


def _notes(request: HttpRequest, application: Application) -> dict[str, Any] | None:
    if not permissions.can_view_notes(request.user, application):
        return None
    notes = selectors.application_notes(request.user, application)
    return {
        "steps": [
            {
                "step": n.step.pk,
                "notes": n.notes,
                "references": [{str(k): str(v) for k, v in r.items()} for r in n.references],
            }
            for n in notes.steps
        ],
        "meetings": [
            {
                "on": m.on,
                "mentor": m.mentorship.mentor.get_username() if m.mentorship.mentor else "",
                "notes": m.notes,
            }
            for m in notes.meetings
        ],
    }


def _application_out(request: HttpRequest, pk: int) -> dict[str, Any]:
    a = _application(request, pk)
    active = a.status in permissions.ACTIVE
    mentored = bool(permissions.mentor_ids(a))
    steps = []
    for view in selectors.application_steps(a):
        who = (
            who_acts(view.step.kind, mentor=mentored, poll=bool(a.poll_id))
            if view.current and active
            else ""
        )
        steps.append({
            "id": view.step.pk, "position": view.step.position, "kind": view.step.kind,
            "title": view.step.title, "complete": view.complete,
            "completed_at": view.completed_at, "due_on": view.due_on, "overdue": view.overdue,
            "current": view.current, "progress": view.progress, "ready": view.ready,
            "who": who, "who_label": selectors.who_label(who),
        })  # fmt: skip
    return {
        "id": a.pk, "pathway": a.pathway_id, "pathway_name": a.pathway.name,
        "applicant": applicant_name(a),
        "user": a.user.get_username() if a.user else None,
        "organization": a.organization.slug if a.organization else None,
        "status": a.status, "motivation": a.motivation, "applied_at": a.applied_at,
        "candidate_since": a.candidate_since, "member_since": a.member_since,
        "ended_on": a.ended_on, "reason": a.reason,
        "put_to_vote": selectors.is_put_to_vote(a), "steps": steps,
        "notes": _notes(request, a),
        "actions": [name for name, rule in ACTIONS.items() if rule(request.user, a)],
    }  # fmt: skip


@router.post("/pathways/{pathway_id}/applications", auth=WRITE_AUTH,
             response={201: ApplicationOut},
             summary="Apply: for yourself to an organisation's pathway, or for an "
                     "organisation you speak for (its slug) to a network's")  # fmt: skip
def apply(request: HttpRequest, pathway_id: Id, payload: ApplyIn) -> Any:
    pathway = (
        Pathway.objects.select_related("organization", "network").filter(pk=pathway_id).first()
    )
    if pathway is None or not permissions.can_view_pathway(request.user, pathway):
        raise NotFoundReason(_("No such pathway"))
    organization = None
    if payload.organization:
        organization = Organization.objects.filter(slug=payload.organization).first()
        if organization is None:
            raise DomainError(_("No organisation has this slug"), field="organization")
    made = pathways.application_apply(
        actor=authenticated_user(request), pathway=pathway, motivation=payload.motivation,
        organization=organization,
    )  # fmt: skip
    return 201, _application_out(request, made.pk)


@router.get("/membership-applications/{pk}", auth=WRITE_AUTH, response=ApplicationOut,
            summary="An application: its status, its steps (state, who must act, when "
                    "due) and, for its candidate, mentors and coordinators, its notes")  # fmt: skip
def application_detail(request: HttpRequest, pk: Id) -> Any:
    return _application_out(request, pk)


@router.post("/membership-applications/{pk}/withdraw", auth=WRITE_AUTH, response=ApplicationOut,
             summary="The candidate withdraws (a reason is optional)")  # fmt: skip
def withdraw(request: HttpRequest, pk: Id, payload: ReasonIn) -> Any:
    pathways.application_withdraw(
        actor=authenticated_user(request), application=_application(request, pk),
        reason=payload.reason,
    )  # fmt: skip
    return _application_out(request, pk)


@router.post("/membership-applications/{pk}/candidate", auth=WRITE_AUTH,
             response=ApplicationOut,
             summary="The coordinators make the applicant a candidate (every step before "
                     "the probation complete)")  # fmt: skip
def make_candidate(request: HttpRequest, pk: Id, payload: OnIn) -> Any:
    pathways.application_make_candidate(
        actor=authenticated_user(request), application=_application(request, pk), on=payload.on
    )
    return _application_out(request, pk)


@router.post("/membership-applications/{pk}/admit", auth=WRITE_AUTH, response=ApplicationOut,
             summary="The coordinators admit a candidate (when no vote of the members "
                     "decides it)")  # fmt: skip
def admit(request: HttpRequest, pk: Id, payload: OnIn) -> Any:
    pathways.application_admit(
        actor=authenticated_user(request), application=_application(request, pk), on=payload.on
    )
    return _application_out(request, pk)


@router.post("/membership-applications/{pk}/refuse", auth=WRITE_AUTH, response=ApplicationOut,
             summary="The coordinators refuse an application, saying why")  # fmt: skip
def refuse(request: HttpRequest, pk: Id, payload: RequiredReasonIn) -> Any:
    pathways.application_refuse(
        actor=authenticated_user(request), application=_application(request, pk),
        reason=payload.reason,
    )  # fmt: skip
    return _application_out(request, pk)


@router.post("/membership-applications/{pk}/pause", auth=WRITE_AUTH, response=ApplicationOut,
             summary="Pause an application (its due dates stop counting)")  # fmt: skip
def pause(request: HttpRequest, pk: Id) -> Any:
    pathways.application_pause(
        actor=authenticated_user(request), application=_application(request, pk)
    )
    return _application_out(request, pk)


@router.post("/membership-applications/{pk}/resume", auth=WRITE_AUTH, response=ApplicationOut,
             summary="Resume a paused application (the candidate or the coordinators)")  # fmt: skip
def resume(request: HttpRequest, pk: Id) -> Any:
    pathways.application_resume(
        actor=authenticated_user(request), application=_application(request, pk)
    )
    return _application_out(request, pk)


@router.post("/membership-applications/{pk}/hours", auth=WRITE_AUTH, response={201: HoursOut},
             summary="Log hours of work towards the probation (the candidate or the "
                     "coordinators; a negative number corrects)")  # fmt: skip
def log_hours(request: HttpRequest, pk: Id, payload: HoursIn) -> Any:
    entry = pathways.hours_log(
        actor=authenticated_user(request), application=_application(request, pk),
        on=payload.on, hours=payload.hours, note=payload.note,
    )  # fmt: skip
    return 201, {
        "id": entry.pk, "application": entry.application_id, "on": entry.on,
        "hours": str(entry.hours), "note": entry.note,
    }  # fmt: skip
