"""The transitions of an application (re-exported by `pathways`, whose rules they
follow): applicant → candidate (every step before the probation complete) → member (every
step before the admission complete; by a coordinator's decision or the members' vote, see
`admission`), withdrawn, refused, paused and resumed; a member leaves. And the survey new
members answer."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.core.bounds import LATEST_DATE, SHORT_TEXT, check_text
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.months import add_months
from intercoop.core.permissions import AnyUser, require
from intercoop.core.services import notify
from intercoop.directory.models import Organization, OrganizationRole
from intercoop.governance.lock_objects import poll_for_update
from intercoop.membership import admission, permissions, survey
from intercoop.membership import pathway_locks as locks
from intercoop.membership.admission import KIND, audit
from intercoop.membership.links import application_link, board_link
from intercoop.membership.models import Application, Step, StepRecord, SurveyResponse
from intercoop.membership.pathways import _day, settle
from intercoop.membership.steps import (
    applicant_name,
    candidates_of,
    coordinators_of_pathway,
    owner_name,
    schedule,
    today,
)

Status = Application.Status
Kind = Step.Kind


# becoming a candidate, then a member ----------------------------------------------------


def _open_before(application: Application, kind: str | None) -> list[str]:
    """The titles of the steps not complete before the first step of `kind` (before
    none: all of them but the admission)."""
    steps = list(application.pathway.steps.order_by("position"))
    limit = next((s.position for s in steps if s.kind == kind), None) if kind else None
    if limit is None:
        limit = next((s.position for s in steps if s.kind == Kind.ADMISSION), 10**6)
    done = set(
        StepRecord.objects.filter(application=application, completed_at__isnull=False).values_list(
            "step_id", flat=True
        )
    )
    return [s.title for s in steps if s.position < limit and s.pk not in done]


def _require_complete(titles: list[str]) -> None:
    if titles:
        raise DomainError(
            (_("Complete these steps first: %(steps)s") % {"steps": ", ".join(titles)})[:500],
            field="steps",
        )


def application_make_candidate(
    *, actor: AnyUser, application: Application, on: dt.date | None = None
) -> Application:
    """The applicant becomes a candidate (on `on`, default today), once every step before
    the probation is complete; the probation and the steps after it are scheduled from
    that day."""
    require(
        permissions.can_make_candidate(actor, application),
        _("Only the coordinators make a candidate"),
    )
    on = _day(on or today(), "on")
    with transaction.atomic():
        locks.lock_application(application)
        if application.status != Status.APPLICANT:
            raise DomainError(_("Only an applicant becomes a candidate"), field="application")
        if on < timezone.localtime(application.applied_at).date():
            raise InvalidValues({"on": _("is before the application")})
        settle(application)
        _require_complete(_open_before(application, Kind.PROBATION))
        application.status = Status.CANDIDATE
        application.candidate_since = on
        application.save(update_fields=["status", "candidate_since"])
        steps = list(application.pathway.steps.order_by("position"))
        start = next((i for i, s in enumerate(steps) if s.kind == Kind.PROBATION), None)
        if start is not None:
            due = schedule(steps[start:], on)
            for record in StepRecord.objects.filter(
                application=application, step_id__in=list(due), completed_at__isnull=True
            ):
                record.due_on = due[record.step_id]
                record.save(update_fields=["due_on"])
        pathway = application.pathway
        audit(
            actor,
            "membership_application.candidate",
            application,
            pathway,
            f"{applicant_name(application)} is a candidate from {on.isoformat()}",
        )
        notify(
            users=candidates_of(application),
            subject=gettext_lazy("You are a candidate on %(pathway)s"),
            body=gettext_lazy("Your candidacy with %(owner)s runs from %(on)s."),
            params={"pathway": pathway.name, "owner": owner_name(pathway), "on": on.isoformat()},
            link=application_link(application.pk),
            kind=KIND,
        )
    return application


def _ready_for_admission(application: Application) -> None:
    if application.status != Status.CANDIDATE:
        raise DomainError(_("Only a candidate is admitted"), field="application")
    settle(application)
    _require_complete(_open_before(application, Kind.ADMISSION))


def admission_to_vote(*, actor: AnyUser, application: Application) -> Application:
    """Put a candidate's admission to the members' vote (when it is decided by a poll),
    once every step before the admission is complete."""
    require(
        permissions.can_admit(actor, application), _("Only the coordinators start an admission")
    )
    with transaction.atomic():
        locks.lock_application(application)
        if application.poll_id is not None:
            raise DomainError(_("This admission is put to a vote already"), field="application")
        _ready_for_admission(application)
        if not admission.decided_by_poll(application):
            raise DomainError(
                _("The coordinators decide this admission: admit the candidate"),
                field="application",
            )
        application.poll_id = admission.open_poll(application)
        application.save(update_fields=["poll_id"])
        audit(
            actor,
            "membership_application.to_vote",
            application,
            application.pathway,
            f"{applicant_name(application)}: put to the vote (poll {application.poll_id})",
        )
    return application


def application_admit(
    *, actor: AnyUser, application: Application, on: dt.date | None = None
) -> Application:
    """The coordinators admit a candidate (when no vote decides it), once every step
    before the admission is complete."""
    require(permissions.can_admit(actor, application), _("Only the coordinators admit a candidate"))
    on = _day(on or today(), "on")
    with transaction.atomic():
        locks.lock_application(application)
        if application.poll_id is not None:
            raise DomainError(_("The members' vote decides this admission"), field="application")
        _ready_for_admission(application)
        if admission.decided_by_poll(application):
            raise DomainError(
                _("The members decide this admission by a vote: put it to the vote"),
                field="application",
            )
        admission.admit(actor=actor, application=application, on=on)
    return application


def application_withdraw(
    *, actor: AnyUser, application: Application, reason: str = ""
) -> Application:
    """The candidate withdraws (a vote under way is then carried out by nobody)."""
    require(permissions.can_withdraw(actor, application), _("Only the candidate withdraws"))
    reason = check_text(reason or "", field="reason", max_length=SHORT_TEXT).strip()
    with transaction.atomic():
        if application.poll_id is not None:  # the poll first, as its close does
            poll_for_update(application.poll_id)
        locks.lock_application(application)
        if application.status not in permissions.OPEN:
            raise DomainError(_("This application is not open"), field="application")
        admission.end(
            actor=actor, application=application, status=Status.WITHDRAWN, reason=reason, on=today()
        )
        pathway = application.pathway
        name = applicant_name(application)
        audit(
            actor,
            "membership_application.withdraw",
            application,
            pathway,
            f"{name} withdrew from {pathway.name}",
            (application.organization_id,),
        )
        notify(
            users=coordinators_of_pathway(pathway),
            subject=gettext_lazy("%(name)s withdrew from %(pathway)s"),
            params={"name": name, "pathway": pathway.name},
            link=board_link(pathway.pk),
            kind=KIND,
        )
    return application


def application_refuse(*, actor: AnyUser, application: Application, reason: str) -> Application:
    """The coordinators refuse an application, saying why (the candidate is told)."""
    require(
        permissions.can_refuse(actor, application), _("Only the coordinators refuse an application")
    )
    reason = check_text(reason or "", field="reason", max_length=SHORT_TEXT).strip()
    if not reason:
        raise InvalidValues({"reason": _("Say why the application is refused")})
    with transaction.atomic():
        locks.lock_application(application)
        if application.status not in permissions.OPEN or application.poll_id is not None:
            raise DomainError(_("This application is not open to a decision"), field="application")
        admission.end(
            actor=actor, application=application, status=Status.REFUSED, reason=reason, on=today()
        )
        pathway = application.pathway
        audit(
            actor,
            "membership_application.refuse",
            application,
            pathway,
            f"{applicant_name(application)} refused",
            (application.organization_id,),
        )
        notify(
            users=candidates_of(application),
            subject=gettext_lazy("Your application to %(owner)s was refused"),
            body=gettext_lazy("The reason given: %(reason)s"),
            params={"owner": owner_name(pathway), "reason": reason},
            link=application_link(application.pk),
            kind=KIND,
        )
    return application


def application_pause(*, actor: AnyUser, application: Application) -> Application:
    """Pause an application (the candidate takes a break); it resumes where it was."""
    require(
        permissions.can_pause(actor, application),
        _("Only the candidate and the coordinators pause it"),
    )
    with transaction.atomic():
        locks.lock_application(application)
        if application.status not in (Status.APPLICANT, Status.CANDIDATE) or application.poll_id:
            raise DomainError(_("This application cannot be paused now"), field="application")
        application.paused_from = application.status
        application.status = Status.PAUSED
        application.paused_on = today()
        application.save(update_fields=["status", "paused_from", "paused_on"])
        audit(
            actor,
            "membership_application.pause",
            application,
            application.pathway,
            f"{applicant_name(application)}: paused",
        )
    return application


def application_resume(*, actor: AnyUser, application: Application) -> Application:
    """Resume a paused application where it was: the due dates of the steps not complete
    yet move later by as many days as it was paused, and a probation runs as much
    longer (`days_paused`)."""
    require(
        permissions.can_resume(actor, application),
        _("Only the candidate and the coordinators resume it"),
    )
    with transaction.atomic():
        locks.lock_application(application)
        if application.status != Status.PAUSED:
            raise DomainError(_("This application is not paused"), field="application")
        application.status = application.paused_from or Status.APPLICANT
        application.paused_from = ""
        paused = (today() - application.paused_on).days if application.paused_on else 0
        application.paused_on = None
        application.days_paused += max(paused, 0)
        application.save(update_fields=["status", "paused_from", "paused_on", "days_paused"])
        if paused > 0:
            _postpone(application, paused)
        audit(
            actor,
            "membership_application.resume",
            application,
            application.pathway,
            f"{applicant_name(application)}: resumed as {application.status}",
        )
    return application


def _postpone(application: Application, days: int) -> None:
    records = list(
        StepRecord.objects.filter(
            application=application, completed_at__isnull=True, due_on__isnull=False
        )
    )
    for record in records:
        assert record.due_on is not None
        record.due_on = min(record.due_on + dt.timedelta(days=days), LATEST_DATE)
    StepRecord.objects.bulk_update(records, ["due_on"])


def application_leave(
    *, actor: AnyUser, application: Application, on: dt.date, reason: str
) -> Application:
    """A member leaves on `on`, saying why: the register records when they ceased (and
    the equity to repay), a network's member leaves the network."""
    require(
        permissions.can_leave(actor, application),
        _("Only the member and the coordinators record a leaving"),
    )
    on = _day(on, "on")
    reason = check_text(reason or "", field="reason", max_length=SHORT_TEXT).strip()
    if not reason:
        raise InvalidValues({"reason": _("Say why the member leaves")})
    with transaction.atomic():
        locks.lock_application(application)
        if application.status != Status.MEMBER:
            raise DomainError(_("Only a member leaves"), field="application")
        if application.member_since and on < application.member_since:
            raise InvalidValues({"on": _("is before the member joined")})
        admission.end(
            actor=actor, application=application, status=Status.LEFT, reason=reason, on=on
        )
        pathway = application.pathway
        if pathway.organization is not None and application.user is not None:
            _drop_member_role(actor, pathway.organization, application.user)
        name = applicant_name(application)
        audit(
            actor,
            "membership_application.leave",
            application,
            pathway,
            f"{name} left {owner_name(pathway)} on {on.isoformat()}",
            (application.organization_id,),
        )
        notify(
            users=coordinators_of_pathway(pathway),
            subject=gettext_lazy("%(name)s left %(owner)s"),
            params={"name": name, "owner": owner_name(pathway)},
            link=application_link(application.pk),
            kind=KIND,
        )
    return application


def _drop_member_role(actor: AnyUser, organization: Organization, user: Any) -> None:
    """The member role admission gave (a role of more weight stays, given by hand)."""
    from intercoop.core.audit import system_actor
    from intercoop.directory.permissions import can_manage_people
    from intercoop.directory.services import organization_role_remove

    if OrganizationRole.objects.filter(
        organization=organization, user=user, role=OrganizationRole.Role.MEMBER
    ).exists():
        keeper = actor if can_manage_people(actor, organization) else system_actor()
        organization_role_remove(actor=keeper, organization=organization, user=user)


# the survey -------------------------------------------------------------------------------------


def survey_answer(
    *, actor: AnyUser, application: Application, when: str, answers: Mapping[str, Any]
) -> SurveyResponse:
    """The new member answers the survey: once after admission, once after six months."""
    require(permissions.can_answer_survey(actor, application), _("Only the new member answers"))
    if when not in SurveyResponse.When.values:
        raise InvalidValues({"when": _("is not a choice")})
    clean = survey.clean_answers(answers)
    since = application.member_since or today()
    if when == SurveyResponse.When.SIX_MONTHS and today() < add_months(since, 6):
        raise DomainError(_("This survey opens six months after the admission"), field="when")
    with transaction.atomic():
        if SurveyResponse.objects.filter(application=application, when=when).exists():
            raise DomainError(_("This survey is answered already"), field="when")
        response = SurveyResponse.objects.create(
            application=application, when=when, answers=clean, answered_at=timezone.now()
        )
        audit(
            actor,
            "membership_application.survey",
            response,
            application.pathway,
            f"{application.pathway.name}: survey {when} answered",
        )
    return response
