"""Writes to pathways and their applications. Each service takes the acting user, checks
its one rule (membership.permissions) itself, writes and records an audit event, in one
transaction; pages, the API, the demo and background tasks call them and repeat no rule.

An application moves applicant → candidate → member, or ends withdrawn or refused; it may
be paused and resumed; a member may leave. Its steps are done in any order, but becoming
a candidate needs every step before the probation complete, and the admission every step
before it. Course, probation and equity steps complete by themselves when their
condition holds (`settle`: checked at each transition, when hours are logged, and by the
daily reminders); the others are completed by whoever the permissions name. The
transitions live in `transitions.py`, re-exported here.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT, OutOfBounds, check_date, check_text
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.permissions import AnyUser, recorded_user, require
from intercoop.core.services import notify
from intercoop.directory.models import Network, Organization
from intercoop.directory.services import unique_slug
from intercoop.membership import pathway_locks as locks
from intercoop.membership import permissions
from intercoop.membership.admission import KIND, audit
from intercoop.membership.links import board_link
from intercoop.membership.models import (
    Application,
    HoursEntry,
    Member,
    Pathway,
    Step,
    StepRecord,
)
from intercoop.membership.steps import (
    applicant_name,
    check_course,
    check_days,
    check_order,
    check_step_text,
    clean_settings,
    condition_met,
    coordinators_of_pathway,
    owner_name,
    parse_hours,
    schedule,
    today,
)

Status = Application.Status
Kind = Step.Kind
MAX_HOURS_ENTRY = 1000  # hours in one entry (a quarter's work), either way
MAX_REFERENCES = 10


def _fields(errors: dict[str, str], prefix: str, check: Any) -> Any:
    """Run `check`, its OutOfBounds becoming an error of `prefix`+field."""
    try:
        return check()
    except OutOfBounds as error:
        errors[f"{prefix}{error.field or 'value'}"] = error.message
        return None


# the pathway ------------------------------------------------------------------------------


def _clean_step(
    values: Mapping[str, Any], pathway: Pathway, errors: dict[str, str], prefix: str = ""
) -> dict[str, Any]:
    kind = values.get("kind")
    if kind not in Kind.values:
        errors[f"{prefix}kind"] = _("is not a kind of step")
        return {}
    clean: dict[str, Any] = {"kind": kind}
    text = _fields(
        errors, prefix, lambda: check_step_text(values.get("title"), values.get("details"))
    )
    if text:
        clean["title"], clean["details"] = text
    clean["settings"] = _fields(
        errors, prefix, lambda: clean_settings(kind, values.get("settings"), pathway)
    )
    clean["course"] = _fields(
        errors, prefix, lambda: check_course(kind, values.get("course"), pathway)
    )
    clean["days_to_complete"] = _fields(
        errors, prefix, lambda: check_days(values.get("days_to_complete"))
    )
    return clean


def _check_kinds(kinds: Sequence[str]) -> None:
    try:
        check_order(kinds)
    except OutOfBounds as error:
        raise InvalidValues({error.field or "steps": error.message}) from None


def _clean_pathway(values: Mapping[str, Any], pathway: Pathway) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    name = _fields(
        errors,
        "",
        lambda: check_text(values.get("name", pathway.name), field="name", max_length=SHORT_TEXT),
    )
    if name is not None and not name.strip():
        errors["name"] = _("is required")
    clean["name"] = (name or "").strip()
    clean["description"] = _fields(
        errors,
        "",
        lambda: check_text(
            values.get("description", pathway.description) or "",
            field="description",
            max_length=LONG_TEXT,
        ),
    )
    clean["open"] = bool(values.get("open", pathway.open))
    if errors:
        raise InvalidValues(errors)
    return clean


def _use_courses(actor: AnyUser, pathway: Pathway, courses: Sequence[Any]) -> None:
    """An organisation's pathway adopts its courses in the library (which counts the
    organisations using each course)."""
    from intercoop.membership.curriculum import course_use

    if pathway.organization is None:
        return
    for course in {c.pk: c for c in courses if c is not None}.values():
        course_use(actor=actor, course=course, organization=pathway.organization)


def pathway_create(
    *,
    actor: AnyUser,
    name: str,
    organization: Organization | None = None,
    network: Network | None = None,
    description: str = "",
    steps: Sequence[Mapping[str, Any]] = (),
    open: bool = True,
) -> Pathway:
    """A pathway of an organisation (for people) or of a network (for organisations), with
    its steps in order: each {kind, title, details, settings, course, days_to_complete}."""
    if (organization is None) == (network is None):
        raise DomainError(_("A pathway belongs to one organisation or one network"), field="owner")
    require(
        permissions.can_create_pathway(actor, organization=organization, network=network),
        _(
            "Only the administrators of the organisation (the network's coordinators) define "
            "its pathways"
        ),
    )
    pathway = Pathway(organization=organization, network=network)
    clean = _clean_pathway({"name": name, "description": description, "open": open}, pathway)
    if isinstance(steps, (str, bytes, Mapping)) or len(steps) > 30:
        raise InvalidValues({"steps": _("are a list of at most 30 steps")})
    errors: dict[str, str] = {}
    cleaned = [
        _clean_step(values, pathway, errors, f"steps.{i}.")
        for i, values in enumerate(steps, start=1)
    ]
    if errors:
        raise InvalidValues(errors)
    _check_kinds([step["kind"] for step in cleaned])
    for field, value in clean.items():
        setattr(pathway, field, value)
    with transaction.atomic():
        pathway.slug = unique_slug(
            pathway.name,
            lambda s: Pathway.objects.filter(
                slug=s, organization=organization, network=network
            ).exists(),
        )
        pathway.created_at = timezone.now()
        pathway.created_by = recorded_user(actor)
        pathway.save()
        Step.objects.bulk_create(
            Step(pathway=pathway, position=i, **values) for i, values in enumerate(cleaned, start=1)
        )
        _use_courses(actor, pathway, [values["course"] for values in cleaned])
        audit(
            actor,
            "pathway.create",
            pathway,
            pathway,
            f"{pathway.name}: {len(cleaned)} steps ({owner_name(pathway)})",
        )
    return pathway


def pathway_update(*, actor: AnyUser, pathway: Pathway, values: Mapping[str, Any]) -> Pathway:
    """Its name, description, and whether it takes applications."""
    require(
        permissions.can_manage_pathway(actor, pathway),
        _("Only the pathway's coordinators change it"),
    )
    clean = _clean_pathway(values, pathway)
    with transaction.atomic():
        for field, value in clean.items():
            setattr(pathway, field, value)
        pathway.save(update_fields=list(clean))
        audit(
            actor,
            "pathway.update",
            pathway,
            pathway,
            f"{pathway.name}: {'open' if pathway.open else 'closed'}",
        )
    return pathway


def _renumber(pathway: Pathway, ordered: Sequence[Step]) -> None:
    """Give the steps positions 1…n in this order (through positions out of the way, the
    pair (pathway, position) being unique)."""
    Step.objects.filter(pathway=pathway).update(position=F("position") + 1000)
    for position, step in enumerate(ordered, start=1):
        step.position = position
        Step.objects.filter(pk=step.pk).update(position=position)


def _default_position(steps: list[Step], kind: str) -> int:
    """At the end, but before an admission."""
    if kind != Kind.ADMISSION and steps and steps[-1].kind == Kind.ADMISSION:
        return len(steps)
    return len(steps) + 1


def step_add(
    *,
    actor: AnyUser,
    pathway: Pathway,
    kind: str,
    title: str,
    details: str = "",
    settings: Mapping[str, Any] | None = None,
    course: Any = None,
    days_to_complete: int | None = None,
    position: int | None = None,
) -> Step:
    """A new step at `position` (1 = first; default: last, before the admission). Open
    applications get it too."""
    require(
        permissions.can_manage_pathway(actor, pathway),
        _("Only the pathway's coordinators change it"),
    )
    errors: dict[str, str] = {}
    values = {
        "kind": kind,
        "title": title,
        "details": details,
        "settings": settings,
        "course": course,
        "days_to_complete": days_to_complete,
    }
    clean = _clean_step(values, pathway, errors)
    if errors:
        raise InvalidValues(errors)
    with transaction.atomic():
        steps = list(pathway.steps.select_for_update().order_by("position"))
        at = _default_position(steps, kind) if position is None else position
        if isinstance(at, bool) or not isinstance(at, int) or not 1 <= at <= len(steps) + 1:
            raise InvalidValues({"position": _("is not a place in the pathway")})
        step = Step(pathway=pathway, position=len(steps) + 1001, **clean)
        ordered = [*steps[: at - 1], step, *steps[at - 1 :]]
        _check_kinds([s.kind for s in ordered])
        step.save()
        _renumber(pathway, ordered)
        _use_courses(actor, pathway, [step.course])
        open_ones = Application.objects.filter(pathway=pathway, status__in=permissions.OPEN)
        StepRecord.objects.bulk_create(
            StepRecord(application_id=pk, step=step)
            for pk in open_ones.values_list("pk", flat=True)
        )
        audit(
            actor,
            "pathway.step_add",
            step,
            pathway,
            f"{pathway.name}: {step.get_kind_display()} “{step.title}” at {step.position}",
        )
    return step


def step_update(*, actor: AnyUser, step: Step, values: Mapping[str, Any]) -> Step:
    """A step's title, details, settings, course and days to complete (not its kind)."""
    pathway = step.pathway
    require(
        permissions.can_manage_pathway(actor, pathway),
        _("Only the pathway's coordinators change it"),
    )
    errors: dict[str, str] = {}
    merged = {
        "kind": step.kind,
        "title": values.get("title", step.title),
        "details": values.get("details", step.details),
        "settings": values.get("settings", step.settings),
        "course": values.get("course", step.course),
        "days_to_complete": values.get("days_to_complete", step.days_to_complete),
    }
    clean = _clean_step(merged, pathway, errors)
    if errors:
        raise InvalidValues(errors)
    with transaction.atomic():
        for field, value in clean.items():
            setattr(step, field, value)
        step.save()
        _use_courses(actor, pathway, [step.course])
        audit(actor, "pathway.step_update", step, pathway, f"{pathway.name}: “{step.title}”")
    return step


def step_move(*, actor: AnyUser, step: Step, position: int) -> Step:
    pathway = step.pathway
    require(
        permissions.can_manage_pathway(actor, pathway),
        _("Only the pathway's coordinators change it"),
    )
    with transaction.atomic():
        steps = [
            s for s in pathway.steps.select_for_update().order_by("position") if s.pk != step.pk
        ]
        if (
            isinstance(position, bool)
            or not isinstance(position, int)
            or not 1 <= position <= len(steps) + 1
        ):
            raise InvalidValues({"position": _("is not a place in the pathway")})
        ordered = [*steps[: position - 1], step, *steps[position - 1 :]]
        _check_kinds([s.kind for s in ordered])
        _renumber(pathway, ordered)
        audit(
            actor,
            "pathway.step_move",
            step,
            pathway,
            f"{pathway.name}: “{step.title}” to {position}",
        )
    return step


def step_remove(*, actor: AnyUser, step: Step) -> None:
    """Remove a step nobody has completed yet (its open records go with it)."""
    pathway = step.pathway
    require(
        permissions.can_manage_pathway(actor, pathway),
        _("Only the pathway's coordinators change it"),
    )
    if StepRecord.objects.filter(step=step, completed_at__isnull=False).exists():
        raise DomainError(_("Someone has completed this step: it stays"), field="step")
    with transaction.atomic():
        steps = [
            s for s in pathway.steps.select_for_update().order_by("position") if s.pk != step.pk
        ]
        audit(
            actor, "pathway.step_remove", step, pathway, f"{pathway.name}: “{step.title}” removed"
        )
        step.delete()
        _renumber(pathway, steps)


# applying -----------------------------------------------------------------------------------


def application_apply(
    *,
    actor: AnyUser,
    pathway: Pathway,
    motivation: str = "",
    organization: Organization | None = None,
) -> Application:
    """Apply: the actor for themselves (an organisation's pathway) or for `organization`
    (a network's). Each step gets its record, with its due date."""
    require(
        permissions.can_apply(actor, pathway, organization),
        _(
            "Apply for yourself to an organisation's open pathway, or for an organisation "
            "you speak for to a network it is not a member of"
        ),
    )
    motivation = check_text(motivation or "", field="motivation", max_length=LONG_TEXT)
    applicant: dict[str, Any] = (
        {"organization": organization} if pathway.network_id else {"user": actor}
    )
    with transaction.atomic():
        already = Application.objects.filter(
            pathway=pathway, status__in=[*permissions.OPEN, Status.MEMBER], **applicant
        )
        if already.exists():
            raise DomainError(_("There is an application on this pathway already"), field="pathway")
        if (
            pathway.organization_id is not None
            and Member.objects.filter(
                organization_id=pathway.organization_id,
                user_id=actor.pk or 0,
                ceased_on__isnull=True,
            ).exists()
        ):
            raise DomainError(_("You are a member already"), field="pathway")
        application = Application.objects.create(
            pathway=pathway, motivation=motivation, applied_at=timezone.now(), **applicant
        )
        steps = list(pathway.steps.order_by("position"))
        due = schedule(steps, today())
        StepRecord.objects.bulk_create(
            StepRecord(application=application, step=step, due_on=due[step.pk]) for step in steps
        )
        name = applicant_name(application)
        audit(
            actor,
            "membership_application.apply",
            application,
            pathway,
            f"{name} applied to {pathway.name}",
            (application.organization_id,),
        )
        notify(
            users=coordinators_of_pathway(pathway),
            subject=gettext_lazy("%(name)s applied to %(pathway)s"),
            params={"name": name, "pathway": pathway.name},
            link=board_link(pathway.pk),
            kind=KIND,
        )
    return application


# steps ----------------------------------------------------------------------------------------


def _record(application: Application, step: Step) -> StepRecord:
    if step.pathway_id != application.pathway_id:
        raise DomainError(_("This step is not on the application's pathway"), field="step")
    record = (
        StepRecord.objects.select_for_update()
        .filter(application=application, step=step)
        .select_related("step")
        .first()
    )
    if record is None:  # a step the pathway had not when they applied, added since
        record = StepRecord.objects.create(application=application, step=step)
    return record


def _complete(actor: AnyUser | None, record: StepRecord) -> None:
    record.completed_at = timezone.now()
    record.completed_by = recorded_user(actor) if actor is not None else None
    record.save(update_fields=["completed_at", "completed_by", "data", "notes"])


def _add_notes(record: StepRecord, notes: str) -> None:
    notes = check_text(notes or "", field="notes", max_length=LONG_TEXT).strip()
    if not notes:
        return
    joined = f"{record.notes}\n\n{notes}" if record.notes else notes
    if len(joined) > LONG_TEXT:
        raise InvalidValues({"notes": _("The step's notes are full")})
    record.notes = joined


def settle(application: Application, on: dt.date | None = None) -> list[StepRecord]:
    """Complete the open course, probation and equity steps whose condition holds (by
    nobody: the condition itself); those completed now."""
    if application.status not in (Status.APPLICANT, Status.CANDIDATE):
        return []
    on = on or today()
    done = []
    records = StepRecord.objects.filter(
        application=application,
        completed_at__isnull=True,
        step__kind__in=list(permissions.AUTOMATIC_STEPS),
    ).select_related("step")
    for record in records:
        if condition_met(application, record, on):
            _complete(None, record)
            done.append(record)
    return done


def course_completed(*, user: Any, course: Any, assertion: Any = None) -> None:
    """A person completed a course (the curriculum's listener, in its transaction): the
    course steps of their open applications, and of those of the organisations they speak
    for, complete."""
    from intercoop.directory.permissions import acting_organizations

    mine = Application.objects.filter(
        status__in=[Status.APPLICANT, Status.CANDIDATE],
        steps__step__course=course,
        steps__completed_at__isnull=True,
    )
    ids = {a.pk for a in mine.filter(user=user)}
    acting = acting_organizations(user)
    if acting:
        ids |= {a.pk for a in mine.filter(organization_id__in=acting)}
    for application in Application.objects.filter(pk__in=ids):
        settle(application)


NOT_YET = {
    Kind.ORIENTATION: gettext_lazy("Not enough orientation sessions attended yet"),
    Kind.COURSE: gettext_lazy("The course is not completed yet"),
    Kind.MENTORSHIP: gettext_lazy("Not enough meetings with an accepted mentor yet"),
    Kind.PROBATION: gettext_lazy("The probation's time or hours are not reached yet"),
    Kind.EQUITY: gettext_lazy("The minimum equity is not paid in full yet"),
    Kind.VETTING: gettext_lazy("Tick every item of the vetting checklist first"),
    Kind.AGREEMENT: gettext_lazy("Not every document is signed yet"),
}


def step_complete(
    *, actor: AnyUser, application: Application, step: Step, notes: str = ""
) -> StepRecord:
    """Complete a step whose condition holds (an agreement the coordinators complete is
    one signed on paper). Never the admission: it is decided or voted."""
    require(
        permissions.can_complete_step(actor, application, step.kind),
        _("You may not complete this step"),
    )
    with transaction.atomic():
        locks.lock_application(application)
        if application.status not in (Status.APPLICANT, Status.CANDIDATE):
            raise DomainError(_("This application is not open"), field="application")
        record = _record(application, step)
        if record.completed_at is not None:
            raise DomainError(_("This step is complete already"), field="step")
        on_paper = step.kind == Kind.AGREEMENT and permissions.is_coordinator(
            actor, application.pathway
        )
        if not on_paper and not condition_met(application, record, today()):
            raise DomainError(str(NOT_YET[Kind(step.kind)]), field="step")
        _add_notes(record, notes)
        _complete(actor, record)
        audit(
            actor,
            "membership_step.complete",
            record,
            application.pathway,
            f"{applicant_name(application)}: “{step.title}” complete",
        )
    return record


def _checked_step(application: Application, step: Step, kind: str) -> None:
    if step.kind != kind:
        raise DomainError(_("This is not a step of that kind"), field="step")
    if application.status not in (Status.APPLICANT, Status.CANDIDATE):
        raise DomainError(_("This application is not open"), field="application")


def attendance_record(
    *, actor: AnyUser, application: Application, step: Step, on: dt.date, notes: str = ""
) -> StepRecord:
    """The candidate attended an orientation session on `on`; the step completes when the
    sessions it asks for are attended."""
    require(
        permissions.can_act_on(actor, application), _("Only the coordinators record attendance")
    )
    on = _day(on, "on")
    with transaction.atomic():
        locks.lock_application(application)
        _checked_step(application, step, Kind.ORIENTATION)
        record = _record(application, step)
        sessions = list(record.data.get("sessions", []))
        if on.isoformat() in sessions:
            raise DomainError(_("This attendance is recorded already"), field="on")
        record.data = record.data | {"sessions": sorted([*sessions, on.isoformat()])}
        _add_notes(record, notes)
        if record.completed_at is None and condition_met(application, record, today()):
            _complete(actor, record)
        else:
            record.save(update_fields=["data", "notes"])
        audit(
            actor,
            "membership_step.attendance",
            record,
            application.pathway,
            f"{applicant_name(application)} attended on {on.isoformat()}",
        )
    return record


def _references(references: Any) -> list[dict[str, str]]:
    if isinstance(references, (str, bytes, Mapping)) or not isinstance(references, Sequence):
        raise InvalidValues({"references": _("are a list of references")})
    if len(references) > MAX_REFERENCES:
        raise InvalidValues(
            {"references": _("At most %(most)s references") % {"most": MAX_REFERENCES}}
        )
    clean = []
    for i, reference in enumerate(references, start=1):
        if not isinstance(reference, Mapping):
            raise InvalidValues({f"references.{i}": _("is a name and what they said")})
        try:
            name = check_text(reference.get("name"), field=f"references.{i}.name").strip()
            said = check_text(
                reference.get("notes") or "", field=f"references.{i}.notes", max_length=LONG_TEXT
            )
        except OutOfBounds as error:
            raise InvalidValues({error.field or "references": error.message}) from None
        if not name:
            raise InvalidValues({f"references.{i}.name": _("is required")})
        clean.append({"name": name, "notes": said})
    return clean


def vetting_record(
    *,
    actor: AnyUser,
    application: Application,
    step: Step,
    notes: str | None = None,
    references: Sequence[Mapping[str, str]] | None = None,
    checklist: Mapping[str, bool] | None = None,
) -> StepRecord:
    """The vetting's interview notes (they replace the last ones), its references (the
    whole list) and checklist ticks (those given). The coordinators complete it then."""
    require(
        permissions.can_act_on(actor, application), _("Only the coordinators vet an application")
    )
    clean_notes = None if notes is None else check_text(notes, field="notes", max_length=LONG_TEXT)
    clean_references = None if references is None else _references(references)
    items = list(step.settings.get("checklist", []))
    ticks: dict[str, bool] = {}
    for item, ticked in (checklist or {}).items():
        if item not in items:
            raise InvalidValues(
                {"checklist": _("%(item)r is not on the checklist") % {"item": str(item)[:60]}}
            )
        ticks[item] = bool(ticked)
    with transaction.atomic():
        locks.lock_application(application)
        _checked_step(application, step, Kind.VETTING)
        record = _record(application, step)
        data = dict(record.data)
        if clean_references is not None:
            data["references"] = clean_references
        if ticks:
            data["checklist"] = dict(data.get("checklist", {})) | ticks
        record.data = data
        if clean_notes is not None:
            record.notes = clean_notes
        record.save(update_fields=["data", "notes"])
        # the notes themselves stay out of the audit trail (more people read it)
        audit(
            actor,
            "membership_step.vetting",
            record,
            application.pathway,
            f"{applicant_name(application)}: vetting recorded",
        )
    return record


def agreement_sign(
    *,
    actor: AnyUser,
    application: Application,
    step: Step,
    documents: Sequence[str] | None = None,
) -> StepRecord:
    """The candidate signs the step's documents (all of them unless named); the step
    completes when every document is signed."""
    require(permissions.can_sign_agreement(actor, application), _("Only the candidate signs"))
    with transaction.atomic():
        locks.lock_application(application)
        _checked_step(application, step, Kind.AGREEMENT)
        listed = list(step.settings.get("documents", []))
        wanted = listed if documents is None else list(documents)
        unknown = [d for d in wanted if d not in listed]
        if unknown or not wanted:
            raise InvalidValues({"documents": _("Sign documents of this step")})
        record = _record(application, step)
        signed = dict(record.data.get("signed", {}))
        new = [d for d in wanted if d not in signed]
        if not new:
            raise DomainError(_("These documents are signed already"), field="documents")
        at = timezone.now().isoformat(timespec="seconds")
        for document in new:
            signed[document] = {"at": at, "by": getattr(actor, "username", "")}
        record.data = record.data | {"signed": signed}
        if record.completed_at is None and condition_met(application, record, today()):
            _complete(actor, record)
        else:
            record.save(update_fields=["data"])
        audit(
            actor,
            "membership_step.sign",
            record,
            application.pathway,
            f"{applicant_name(application)} signed {len(new)} document(s)",
        )
    return record


def _day(value: Any, field: str, *, not_future: bool = True) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise InvalidValues({field: _("is a date, such as 2027-01-31")})
    try:
        check_date(value, field=field, not_future=not_future, today=today())
    except OutOfBounds as error:
        raise InvalidValues({field: error.message}) from None
    return value


def hours_log(
    *, actor: AnyUser, application: Application, on: dt.date, hours: Any, note: str = ""
) -> HoursEntry:
    """Hours of work on `on` (a correction is negative). A probation whose hours are
    reached completes."""
    require(
        permissions.can_log_hours(actor, application),
        _("Only the candidate and the coordinators log hours"),
    )
    on = _day(on, "on")
    try:
        amount = parse_hours(hours, field="hours", negative=True)
    except OutOfBounds as error:
        raise InvalidValues({"hours": error.message}) from None
    if amount == 0 or abs(amount) > MAX_HOURS_ENTRY:
        raise InvalidValues({"hours": _("is from -1000 to 1000 hours, not 0")})
    note = check_text(note or "", field="note", max_length=SHORT_TEXT)
    with transaction.atomic():
        locks.lock_application(application)
        if application.status not in (Status.APPLICANT, Status.CANDIDATE):
            raise DomainError(_("This application is not open"), field="application")
        entry = HoursEntry.objects.create(
            application=application,
            on=on,
            hours=amount,
            note=note,
            logged_by=recorded_user(actor),
            logged_at=timezone.now(),
        )
        settle(application)
        audit(
            actor,
            "membership_application.hours",
            entry,
            application.pathway,
            f"{applicant_name(application)}: {amount} h on {on.isoformat()}",
        )
    return entry


from intercoop.membership.transitions import (  # noqa: E402, F401 - re-exported
    admission_to_vote,
    application_admit,
    application_leave,
    application_make_candidate,
    application_pause,
    application_refuse,
    application_resume,
    application_withdraw,
    survey_answer,
)
