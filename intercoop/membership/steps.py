"""What the pathway services, selectors, dashboard and reminders share about steps: each
kind's settings (checked), its condition (whether the step can be complete), who must act
on it, the due dates, and who hears of what.

Due dates: each step with `days_to_complete` is due that many days after the previous
step's due date (the first after the day of applying); a step without one has no due date
and moves nothing. A probation runs `days` from the day its applicant became a candidate
(unless `days_to_complete` says otherwise), and the steps from the probation on are
scheduled again from that day. Days paused count for nothing: resuming moves the due
dates of the steps not complete yet by as many days, and a probation runs as much
longer.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT, OutOfBounds, check_text
from intercoop.core.notifications import display_name
from intercoop.directory.models import OrganizationRole
from intercoop.directory.selectors import coordinators_of, speakers_of
from intercoop.membership.hours import hours_check
from intercoop.membership.models import (
    Application,
    Course,
    HoursEntry,
    Lesson,
    LessonDone,
    MentorMeeting,
    Mentorship,
    Pathway,
    Step,
    StepRecord,
)

Kind = Step.Kind
MAX_STEPS = 30
MAX_ITEMS = 30  # checklist items, documents
MAX_DAYS = 3650
MAX_HOURS = Decimal("100000")
MAX_SESSIONS = 20
MAX_MEETINGS = 100
MAX_POLL_DAYS = 60
POLL_DAYS = 14

# who must act on a step, by kind (the mentorship's depends on its mentor)
CANDIDATE = "candidate"
MENTOR = "mentor"
COORDINATORS = "coordinators"
MEMBERS = "members"
ACTORS = {
    CANDIDATE: gettext_lazy("The candidate"),
    MENTOR: gettext_lazy("The mentor"),
    COORDINATORS: gettext_lazy("The coordinators"),
    MEMBERS: gettext_lazy("The members (a vote)"),
}
ACTOR_OF_KIND = {
    Kind.ORIENTATION: COORDINATORS,  # they hold the session and record attendance
    Kind.COURSE: CANDIDATE,
    Kind.MENTORSHIP: MENTOR,
    Kind.PROBATION: CANDIDATE,
    Kind.EQUITY: CANDIDATE,
    Kind.VETTING: COORDINATORS,
    Kind.AGREEMENT: CANDIDATE,
    Kind.ADMISSION: COORDINATORS,
}


def today() -> dt.date:
    return timezone.localdate()


def who_acts(kind: str, *, mentor: bool = False, proposed: bool = False, poll: bool = False) -> str:
    """Who must act on a current step of `kind`: a mentorship's mentor (or, with no mentor
    accepted nor proposed, the coordinators, who pair one); an admission put to a vote,
    the members."""
    if kind == Kind.MENTORSHIP and not (mentor or proposed):
        return COORDINATORS
    if kind == Kind.ADMISSION and poll:
        return MEMBERS
    return ACTOR_OF_KIND.get(kind, COORDINATORS)  # type: ignore[call-overload]


def owner_of(pathway: Pathway) -> dict[str, Any]:
    """The lookup of what the pathway's owner owns (a body, a share class)."""
    return {"organization_id": pathway.organization_id, "network_id": pathway.network_id}


# settings ---------------------------------------------------------------------------------


def _whole(settings: Mapping[str, Any], key: str, low: int, high: int, default: int) -> int:
    value = settings.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise OutOfBounds(
            _("must be a whole number from %(low)s to %(high)s") % {"low": low, "high": high},
            field=key,
        )
    return value


def parse_hours(value: Any, *, field: str, negative: bool = False) -> Decimal:
    """Hours with at most 2 decimals, up to MAX_HOURS (and not below 0 unless `negative`)."""
    try:
        hours = Decimal(str(value).strip()) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        hours = None
    if hours is None or not hours.is_finite() or hours.as_tuple().exponent < -2:  # type: ignore[operator]
        raise OutOfBounds(_("is a number of hours, such as 7.5"), field=field)
    if not (-MAX_HOURS if negative else Decimal(0)) <= hours <= MAX_HOURS:
        raise OutOfBounds(_("must be at most %(most)s hours") % {"most": MAX_HOURS}, field=field)
    return hours.quantize(Decimal("0.01"))


def _texts(settings: Mapping[str, Any], key: str, *, required: bool) -> list[str]:
    values = settings.get(key) or []
    if isinstance(values, str) or not isinstance(values, Sequence) or len(values) > MAX_ITEMS:
        raise OutOfBounds(_("is a list of at most %(most)s items") % {"most": MAX_ITEMS}, field=key)
    items = [check_text(v, field=key, max_length=SHORT_TEXT).strip() for v in values]
    items = [item for item in items if item]
    if required and not items:
        raise OutOfBounds(_("needs at least one item"), field=key)
    if len(set(items)) != len(items):
        raise OutOfBounds(_("lists an item twice"), field=key)
    return items


def clean_settings(
    kind: str, settings: Mapping[str, Any] | None, pathway: Pathway
) -> dict[str, Any]:
    """The settings of a step of `kind`, checked (OutOfBounds naming the setting)."""
    settings = settings or {}
    if not isinstance(settings, Mapping):
        raise OutOfBounds(_("are a set of values"), field="settings")
    if kind == Kind.ORIENTATION:
        return {"sessions": _whole(settings, "sessions", 1, MAX_SESSIONS, 1)}
    if kind == Kind.MENTORSHIP:
        return {"meetings": _whole(settings, "meetings", 0, MAX_MEETINGS, 1)}
    if kind == Kind.PROBATION:
        clean: dict[str, Any] = {"days": _whole(settings, "days", 0, MAX_DAYS, 0)}
        if settings.get("hours") not in (None, ""):
            clean["hours"] = str(parse_hours(settings["hours"], field="hours"))
        if settings.get("recent_hours") not in (None, ""):
            recent = parse_hours(settings["recent_hours"], field="recent_hours")
            if "hours" in clean and recent > Decimal(clean["hours"]):
                raise OutOfBounds(_("is at most the hours in all"), field="recent_hours")
            clean["recent_hours"] = str(recent)
            clean["recent_months"] = _whole(settings, "recent_months", 1, 120, 6)
        return clean
    if kind == Kind.EQUITY:
        if pathway.organization_id is None:
            raise OutOfBounds(
                _("An equity buy-in is a step of an organisation's pathway"), field="kind"
            )
        share_class = settings.get("share_class")
        if share_class in (None, ""):
            return {}
        from intercoop.membership.models import ShareClass

        if not ShareClass.objects.filter(
            pk=share_class if isinstance(share_class, int) else 0,
            organization_id=pathway.organization_id,
        ).exists():
            raise OutOfBounds(_("is not a share class of the organisation"), field="share_class")
        return {"share_class": share_class}
    if kind == Kind.VETTING:
        return {"checklist": _texts(settings, "checklist", required=False)}
    if kind == Kind.AGREEMENT:
        return {"documents": _texts(settings, "documents", required=True)}
    if kind == Kind.ADMISSION:
        clean = {"by_poll": bool(settings.get("by_poll", False))}
        if clean["by_poll"]:
            clean["poll_days"] = _whole(settings, "poll_days", 1, MAX_POLL_DAYS, POLL_DAYS)
            committee = settings.get("committee")
            if committee not in (None, ""):
                from intercoop.governance.models import Body

                if not Body.objects.filter(
                    pk=committee if isinstance(committee, int) else 0,
                    kind=Body.Kind.COMMITTEE,
                    **owner_of(pathway),
                ).exists():
                    raise OutOfBounds(
                        _("is not a committee of the pathway's owner"), field="committee"
                    )
                clean["committee"] = committee
        return clean
    return {}  # a course: the course itself is the step's `course`


def check_course(kind: str, course: Any, pathway: Pathway) -> Course | None:
    """A course step's course: published in the library, or the organisation's own."""
    if kind != Kind.COURSE:
        if course is not None:
            raise OutOfBounds(_("Only a course step has a course"), field="course")
        return None
    if not isinstance(course, Course):
        raise OutOfBounds(_("Choose the course to complete"), field="course")
    if not course.published and course.publisher_id != pathway.organization_id:
        raise OutOfBounds(_("is not published in the library"), field="course")
    return course


def check_step_text(title: Any, details: Any) -> tuple[str, str]:
    title = check_text(title, field="title", max_length=SHORT_TEXT).strip()
    if not title:
        raise OutOfBounds(_("is required"), field="title")
    return title, check_text(details or "", field="details", max_length=LONG_TEXT)


def check_days(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
        raise OutOfBounds(
            _("must be a whole number from 1 to %(most)s") % {"most": MAX_DAYS},
            field="days_to_complete",
        )
    return value


def check_order(kinds: Sequence[str]) -> None:
    """At most one probation and one admission, the admission last."""
    if kinds.count(Kind.PROBATION) > 1:
        raise OutOfBounds(_("A pathway has at most one probation"), field="kind")
    if kinds.count(Kind.ADMISSION) > 1:
        raise OutOfBounds(_("A pathway has at most one admission"), field="kind")
    if Kind.ADMISSION in kinds and kinds[-1] != Kind.ADMISSION:
        raise OutOfBounds(_("The admission is the pathway's last step"), field="position")
    if len(kinds) > MAX_STEPS:
        raise OutOfBounds(
            _("A pathway has at most %(most)s steps") % {"most": MAX_STEPS}, field="steps"
        )


# due dates -------------------------------------------------------------------------------


def schedule(steps: Sequence[Step], start: dt.date) -> dict[int, dt.date | None]:
    """step id → due date, the steps (in order) scheduled from `start`."""
    due: dict[int, dt.date | None] = {}
    running = start
    for step in steps:
        days = step.days_to_complete
        if days is None and step.kind == Kind.PROBATION:
            days = int(step.settings.get("days") or 0)
        if days is None:
            due[step.pk] = None
            continue
        running = running + dt.timedelta(days=days)
        due[step.pk] = running
    return due


# conditions ------------------------------------------------------------------------------


def applicant_user_ids(application: Application) -> list[int]:
    """Whose progress counts for the application: the person, or the applying
    organisation's admins and editors."""
    if application.user_id is not None:
        return [application.user_id]
    return list(speakers_of([application.organization_id]).values_list("pk", flat=True))


def course_done(course_id: int, user_ids: Iterable[int]) -> bool:
    """Whether one of the people has marked every lesson of the course done (a course
    without lessons never is: the curriculum's rule)."""
    lessons = Lesson.objects.filter(module__course_id=course_id)
    count = lessons.count()
    if count == 0:
        return False
    done = LessonDone.objects.filter(lesson__in=lessons, user_id__in=list(user_ids)).values_list(
        "user_id", flat=True
    )
    per_user: dict[int, int] = {}
    for user_id in done:
        per_user[user_id] = per_user.get(user_id, 0) + 1
    return any(n >= count for n in per_user.values())


def hours_of(application: Application, step: Step, on: dt.date) -> Any:
    settings = step.settings
    entries = HoursEntry.objects.filter(application=application).values_list("on", "hours")
    return hours_check(
        list(entries),
        as_of=on,
        total=Decimal(settings["hours"]) if settings.get("hours") else None,
        recent=Decimal(settings["recent_hours"]) if settings.get("recent_hours") else None,
        recent_months=settings.get("recent_months") if settings.get("recent_hours") else None,
    )


def probation_done(application: Application, step: Step, on: dt.date) -> bool:
    since = application.candidate_since
    if since is None:
        return False
    days = int(step.settings.get("days") or 0) + application.days_paused
    if on < since + dt.timedelta(days=days):
        return False
    return bool(hours_of(application, step, on).met)


def minimum_paid_on(application: Application, step: Step) -> dt.date | None:
    """When the minimum of the step's share class (of any class, when it names none) was
    paid in full: the registers' rule."""
    from intercoop.membership.models import ShareClass

    share_class = ShareClass.objects.filter(pk=step.settings.get("share_class") or 0).first()
    try:
        from intercoop.membership.registers import minimum_paid
    except ImportError:  # the registers are not installed: read the subscriptions
        return _minimum_paid_from_subscriptions(application, share_class)
    return minimum_paid(application, share_class=share_class)


def _minimum_paid_from_subscriptions(application: Application, share_class: Any) -> dt.date | None:
    from intercoop.membership.models import ShareClass, Subscription

    paid = Subscription.objects.filter(
        application=application, paid_in_full_on__isnull=False
    ).order_by("paid_in_full_on", "pk")
    if share_class is not None:
        paid = paid.filter(share_class=share_class)
    minimum = dict(
        ShareClass.objects.filter(pk__in=paid.values("share_class_id")).values_list("pk", "minimum")
    )
    held: dict[int, int] = {}
    for row in paid:
        held[row.share_class_id] = held.get(row.share_class_id, 0) + row.shares
        if held[row.share_class_id] >= minimum.get(row.share_class_id, 1):
            return row.paid_in_full_on
    return None


def meetings_logged(application: Application) -> int:
    return MentorMeeting.objects.filter(
        mentorship__application=application, mentorship__status=Mentorship.Status.ACCEPTED
    ).count()


def condition_met(application: Application, record: StepRecord, on: dt.date) -> bool:
    """Whether the step's own condition holds: what completing it needs (the admission has
    none here: it is decided or voted)."""
    step = record.step
    settings = step.settings
    if step.kind == Kind.ORIENTATION:
        return len(record.data.get("sessions", [])) >= int(settings.get("sessions") or 1)
    if step.kind == Kind.COURSE:
        return step.course_id is not None and course_done(
            step.course_id, applicant_user_ids(application)
        )
    if step.kind == Kind.MENTORSHIP:
        accepted = Mentorship.objects.filter(
            application=application, status=Mentorship.Status.ACCEPTED
        ).exists()
        return accepted and meetings_logged(application) >= int(settings.get("meetings", 1))
    if step.kind == Kind.PROBATION:
        return probation_done(application, step, on)
    if step.kind == Kind.EQUITY:
        paid = minimum_paid_on(application, step)
        return paid is not None and paid <= on
    if step.kind == Kind.VETTING:
        ticked = record.data.get("checklist", {})
        return all(ticked.get(item) for item in settings.get("checklist", []))
    if step.kind == Kind.AGREEMENT:
        signed = record.data.get("signed", {})
        return all(document in signed for document in settings.get("documents", []))
    return False


# names and people --------------------------------------------------------------------------


def applicant_name(application: Application) -> str:
    if application.organization_id is not None:
        return application.organization.name  # type: ignore[union-attr]
    return display_name(application.user)


def owner_name(pathway: Pathway) -> str:
    owner = pathway.organization or pathway.network
    return owner.name if owner is not None else ""


def coordinators_of_pathway(pathway: Pathway) -> QuerySet[Any]:
    """The people who coordinate the pathway (active accounts)."""
    if pathway.organization_id is not None:
        return get_user_model().objects.filter(
            is_active=True,
            organization_roles__organization_id=pathway.organization_id,
            organization_roles__role=OrganizationRole.Role.ADMIN,
        )
    return coordinators_of([pathway.network_id])


def candidates_of(application: Application) -> list[Any]:
    """The people who act as the applicant."""
    if application.user_id is not None:
        return [application.user]
    return list(speakers_of([application.organization_id]))


def mentors_of(application: Application) -> list[Any]:
    return [
        m.mentor
        for m in Mentorship.objects.filter(
            application=application, status=Mentorship.Status.ACCEPTED
        ).select_related("mentor")
    ]
