"""An application's page: its status, its steps as a timeline (each step's state, what it
asks, who must act and by when), what the user may do on each step (attendance, the
course, mentors and their meetings, hours against the probation's rule, the buy-in and
its instalments, vetting, agreements), and the transitions (candidate, admission or its
poll, refusal, pause and resume, withdrawal, leaving).

The page is for the candidate, its mentors, the coordinators and staff (403 for everyone
else); the notes (interview notes, references, step and meeting notes, hours entries)
only for the candidate, its mentors and the coordinators. Every action is a service's to
allow or refuse: a refusal is the 403 page with nothing written, and bad values come
back as the action's form errors."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from intercoop.core.errors import DomainError
from intercoop.core.forms import add_domain_errors, id_param
from intercoop.core.money import format_money
from intercoop.core.notifications import display_name
from intercoop.core.permissions import NotFoundReason, authenticated_user
from intercoop.directory.models import Organization
from intercoop.membership import admission, mentors, pathways, permissions, registers, selectors
from intercoop.membership import selectors_curriculum as curriculum
from intercoop.membership.forms_pathways import (
    AttendanceForm,
    BuyInForm,
    CompleteForm,
    DayForm,
    HoursForm,
    LeaveForm,
    MeetingForm,
    ProposeMentorForm,
    ReasonForm,
    RequiredReasonForm,
    SignForm,
    VettingForm,
    vetting_initial,
)
from intercoop.membership.forms_registers import PaymentForm
from intercoop.membership.models import (
    Application,
    HoursEntry,
    Mentorship,
    ShareClass,
    Step,
    StepRecord,
    Subscription,
)
from intercoop.membership.permissions_registers import can_keep_registers
from intercoop.membership.plans import due_by
from intercoop.membership.steps import applicant_name, today, who_acts
from intercoop.membership.views_pathways import (
    described_steps,
    find_application,
    owner_url,
    surveys_open,
)

Kind = Step.Kind
MAX_LISTED = 100
MAX_SUGGESTIONS = 8


# the timeline ---------------------------------------------------------------------------


class ButtonForm(forms.Form):
    """An action with nothing to fill in: its refusal shows above its button."""


Bound = tuple[str, int, forms.Form] | None


def _pick(bound: Bound, action: str, key: int, make: Callable[[], forms.Form]) -> Any:
    """The form posted for (action, key) with its errors, else a new one."""
    if bound is not None and bound[0] == action and bound[1] == key:
        return bound[2]
    return make()


def _subscriptions(application: Application) -> list[dict[str, Any]]:
    on = today()
    rows = []
    for subscription in Subscription.objects.filter(application=application).select_related(
        "share_class", "member"
    ):
        plan = registers.plan_of(subscription)
        rows.append(
            {
                "subscription": subscription,
                "plan": plan,
                "owed": subscription.amount - subscription.paid,
                "late": max(0, due_by(plan, on) - subscription.paid),
            }
        )
    return rows


def _step_rows(request: HttpRequest, application: Application, bound: Bound) -> dict[str, Any]:
    """The timeline: each step with its state, who must act and by when, what it asks,
    and the forms of what the user may do on it."""
    user = request.user
    views = selectors.application_steps(application)
    records = {r.step_id: r for r in StepRecord.objects.filter(application=application)}
    mentorships = list(
        Mentorship.objects.filter(application=application).select_related("mentor__profile")
    )
    accepted = [m for m in mentorships if m.status == Mentorship.Status.ACCEPTED]
    proposed = any(m.status == Mentorship.Status.PROPOSED for m in mentorships)
    active = application.status in permissions.ACTIVE
    sees_notes = permissions.can_view_notes(user, application)
    notes = selectors.application_notes(user, application) if sees_notes else None
    step_notes = {n.step.pk: n for n in notes.steps} if notes else {}
    described = {
        d["step"].pk: d for d in described_steps(application.pathway, [v.step for v in views])
    }
    coordinator = permissions.can_act_on(user, application)
    keeper = application.pathway.organization is not None and can_keep_registers(
        user, application.pathway.organization
    )
    rows = []
    for view in views:
        step = view.step
        record = records.get(step.pk)
        data = record.data if record is not None else {}
        code = ""
        if active and not view.complete:
            code = who_acts(
                step.kind, mentor=bool(accepted), proposed=proposed, poll=bool(application.poll_id)
            )
        row: dict[str, Any] = {
            "view": view,
            "step": step,
            "asks": described[step.pk]["asks"],
            "who": selectors.who_label(code),
            "notes": step_notes.get(step.pk),
        }
        if (
            not view.complete
            and step.kind != Kind.ADMISSION
            and permissions.can_complete_step(user, application, step.kind)
        ):
            row["complete_form"] = _pick(bound, "complete", step.pk, CompleteForm)
        kind_rows = KIND_ROWS.get(step.kind)
        if kind_rows is not None:
            kind_rows(
                row,
                request=request,
                application=application,
                data=data,
                bound=bound,
                coordinator=coordinator,
                keeper=keeper,
                sees_notes=sees_notes,
                mentorships=mentorships,
                notes=notes,
            )
        rows.append(row)
    return {"rows": rows, "mentorships": mentorships, "sees_notes": sees_notes}


def _orientation_row(row: dict[str, Any], **c: Any) -> None:
    row["sessions"] = list(c["data"].get("sessions", []))
    if c["coordinator"] and not row["view"].complete:
        row["attend_form"] = _pick(
            c["bound"],
            "attend",
            row["step"].pk,
            lambda: AttendanceForm(initial={"on": today()}),
        )


def _course_row(row: dict[str, Any], **c: Any) -> None:
    application = c["application"]
    course = row["step"].course
    row["course"] = course
    if course is not None and application.user is not None:
        row["course_progress"] = curriculum.progress(application.user, course)


def _proposal(suggestion: Any) -> Callable[[], forms.Form]:
    return lambda: ProposeMentorForm(
        initial={"mentor": suggestion.user.pk, "reason": suggestion.reason}
    )


def _mentorship_row(row: dict[str, Any], **c: Any) -> None:
    user, application, bound = c["request"].user, c["application"], c["bound"]
    row["mentorships"] = [
        {"mentorship": m, "name": display_name(m.mentor)} for m in c["mentorships"]
    ]
    notes = c["notes"]
    row["meetings"] = (
        [{"meeting": m, "mentor": display_name(m.mentorship.mentor)} for m in notes.meetings]
        if notes is not None
        else None
    )
    row["suggestions"] = None
    if permissions.can_propose_mentor(user, application) and not row["view"].complete:
        row["suggestions"] = [
            {
                "suggestion": s,
                "name": display_name(s.user),
                "form": _pick(bound, "propose", s.user.pk, _proposal(s)),
            }
            for s in mentors.mentor_suggestions(application, limit=MAX_SUGGESTIONS)
        ]
    row["meeting_forms"] = [
        {
            "mentorship": m,
            "name": display_name(m.mentor),
            "form": _pick(bound, "meeting", m.pk, lambda: MeetingForm(initial={"on": today()})),
        }
        for m in c["mentorships"]
        if permissions.can_log_meeting(user, m)
    ]


def _probation_row(row: dict[str, Any], **c: Any) -> None:
    user, application = c["request"].user, c["application"]
    row["hours"] = selectors.hours_summary(application)
    settings = row["step"].settings
    row["rule"] = {
        "total": settings.get("hours"),
        "recent": settings.get("recent_hours"),
        "months": settings.get("recent_months"),
        "days": settings.get("days"),
    }
    row["candidate_since"] = application.candidate_since
    if c["sees_notes"]:
        row["entries"] = list(
            HoursEntry.objects.filter(application=application)
            .select_related("logged_by")
            .order_by("-on", "-pk")[:MAX_LISTED]
        )
    if permissions.can_log_hours(user, application):
        row["hours_form"] = _pick(
            c["bound"], "hours", row["step"].pk, lambda: HoursForm(initial={"on": today()})
        )


def _equity_row(row: dict[str, Any], **c: Any) -> None:
    application = c["application"]
    organization = application.pathway.organization
    row["subscriptions"] = _subscriptions(application)
    row["keeper"] = c["keeper"]
    if not c["keeper"] or organization is None or not application.is_open:
        return
    classes = list(ShareClass.objects.filter(organization=organization).order_by("name", "pk"))
    wanted = row["step"].settings.get("share_class")
    first = next((k for k in classes if k.pk == wanted), classes[0] if classes else None)
    if classes:
        row["buy_in_form"] = _pick(
            c["bound"],
            "subscribe",
            row["step"].pk,
            lambda: BuyInForm(
                classes=classes,
                initial={
                    "share_class": str(first.pk) if first else "",
                    "shares": first.minimum if first else 1,
                    "instalments": 1,
                    "first_due_on": today(),
                },
            ),
        )
    unpaid = [r["subscription"] for r in row["subscriptions"] if r["owed"] > 0]
    if unpaid:
        row["payment_form"] = _pick(
            c["bound"],
            "payment",
            row["step"].pk,
            lambda: _payment_form(None, organization, unpaid),
        )


def _payment_form(data: Any, organization: Organization, unpaid: list[Subscription]) -> PaymentForm:
    labels = [
        (
            s,
            f"{s.shares} × {s.share_class.name}: "
            + _("%(owed)s to pay")
            % {"owed": format_money(s.amount - s.paid, s.share_class.currency)},
        )
        for s in unpaid
    ]
    return PaymentForm(
        data,
        organization=organization,
        subscriptions=labels,
        currency=unpaid[0].share_class.currency,
        initial={"on": today(), "subscription": str(unpaid[0].pk)},
    )


def _vetting_row(row: dict[str, Any], **c: Any) -> None:
    checklist = list(row["step"].settings.get("checklist", []))
    ticks = dict(c["data"].get("checklist", {}))
    row["checklist"] = [(item, bool(ticks.get(item))) for item in checklist]
    if c["coordinator"] and not row["view"].complete:
        notes = row["notes"]
        references = notes.references if notes is not None else []
        row["vetting_form"] = _pick(
            c["bound"],
            "vetting",
            row["step"].pk,
            lambda: VettingForm(
                checklist=checklist,
                references=len(references),
                initial=vetting_initial(
                    notes.notes if notes is not None else "", references, ticks, checklist
                ),
            ),
        )


def _agreement_row(row: dict[str, Any], **c: Any) -> None:
    documents = list(row["step"].settings.get("documents", []))
    signed = dict(c["data"].get("signed", {}))
    row["documents"] = [(d, signed.get(d)) for d in documents]
    unsigned = [d for d in documents if d not in signed]
    if unsigned and permissions.can_sign_agreement(c["request"].user, c["application"]):
        row["sign_form"] = _pick(
            c["bound"], "sign", row["step"].pk, lambda: SignForm(documents=unsigned)
        )


KIND_ROWS: dict[str, Callable[..., None]] = {
    Kind.ORIENTATION: _orientation_row,
    Kind.COURSE: _course_row,
    Kind.MENTORSHIP: _mentorship_row,
    Kind.PROBATION: _probation_row,
    Kind.EQUITY: _equity_row,
    Kind.VETTING: _vetting_row,
    Kind.AGREEMENT: _agreement_row,
}


def _transitions(request: HttpRequest, application: Application, bound: Bound) -> dict[str, Any]:
    user = request.user
    found: dict[str, Any] = {}
    if permissions.can_make_candidate(user, application):
        found["candidate"] = _pick(bound, "candidate", 0, lambda: DayForm(initial={"on": today()}))
    if permissions.can_admit(user, application):
        if admission.decided_by_poll(application):
            found["to_vote"] = _pick(bound, "to_vote", 0, ButtonForm)
        else:
            found["admit"] = _pick(bound, "admit", 0, lambda: DayForm(initial={"on": today()}))
    if permissions.can_refuse(user, application):
        found["refuse"] = _pick(bound, "refuse", 0, RequiredReasonForm)
    if permissions.can_pause(user, application):
        found["pause"] = _pick(bound, "pause", 0, ButtonForm)
    if permissions.can_resume(user, application):
        found["resume"] = _pick(bound, "resume", 0, ButtonForm)
    if permissions.can_withdraw(user, application):
        found["withdraw"] = _pick(bound, "withdraw", 0, ReasonForm)
    if permissions.can_leave(user, application):
        found["leave"] = _pick(bound, "leave", 0, lambda: LeaveForm(initial={"on": today()}))
    return found


def _poll(application: Application) -> Any:
    if application.poll_id is None:
        return None
    from intercoop.governance.models import Poll

    return Poll.objects.filter(pk=application.poll_id).first()


# the actions ------------------------------------------------------------------------------

Action = tuple[forms.Form, Callable[[Any], str]]  # the posted form, and what to do with it


def _step_of(application: Application, pk: int) -> Step:
    found = Step.objects.filter(pathway_id=application.pathway_id, pk=pk).first()
    if found is None:
        raise NotFoundReason(_("No such step"))
    return found


def _unsigned(application: Application, step: Step) -> list[str]:
    record = StepRecord.objects.filter(application=application, step=step).first()
    signed = record.data.get("signed", {}) if record is not None else {}
    return [d for d in step.settings.get("documents", []) if d not in signed]


def _posted_references(post: Any) -> int:
    n = 0
    while f"ref_{n + 1}_name" in post and n < 50:
        n += 1
    return max(n - 1, 0)


def _step_action(
    actor: Any, application: Application, action: str, step: Step, post: Any
) -> Action:
    """An action on one step: its form and its service call."""
    if action == "complete":

        def complete(form: Any) -> str:
            pathways.step_complete(
                actor=actor, application=application, step=step, notes=form.cleaned_data["notes"]
            )
            return _("“%(step)s” is complete.") % {"step": step.title}

        return CompleteForm(post), complete
    if action == "attend":

        def attend(form: Any) -> str:
            pathways.attendance_record(
                actor=actor, application=application, step=step, **form.cleaned_data
            )
            return _("Attendance recorded.")

        return AttendanceForm(post), attend
    if action == "vetting":

        def vet(form: Any) -> str:
            pathways.vetting_record(
                actor=actor,
                application=application,
                step=step,
                notes=form.cleaned_data["notes"],
                references=form.references(),
                checklist=form.checks(),
            )
            return _("The vetting is recorded.")

        checklist = step.settings.get("checklist", [])
        return VettingForm(post, checklist=checklist, references=_posted_references(post)), vet
    if action == "sign":

        def sign(form: Any) -> str:
            pathways.agreement_sign(
                actor=actor, application=application, step=step, documents=form.chosen()
            )
            return _("Signed.")

        return SignForm(post, documents=_unsigned(application, step)), sign
    if action == "hours":

        def log(form: Any) -> str:
            pathways.hours_log(actor=actor, application=application, **form.cleaned_data)
            return _("Hours logged.")

        return HoursForm(post), log
    return _equity_action(actor, application, action, post)


def _equity_action(actor: Any, application: Application, action: str, post: Any) -> Action:
    organization = application.pathway.organization
    if organization is None:
        raise NotFoundReason(_("No such action"))
    if action == "subscribe":

        def subscribe(form: Any) -> str:
            registers.subscribe(actor=actor, application=application, **form.cleaned_data)
            return _("The buy-in is recorded with its plan.")

        classes = list(ShareClass.objects.filter(organization=organization))
        return BuyInForm(post, classes=classes), subscribe
    if action == "payment":

        def pay(form: Any) -> str:
            registers.payment_record(actor=actor, **form.cleaned_data)
            return _("Payment recorded.")

        unpaid = [r["subscription"] for r in _subscriptions(application) if r["owed"] > 0]
        if not unpaid:
            raise NotFoundReason(_("Nothing is left to pay"))
        return _payment_form(post, organization, unpaid), pay
    raise NotFoundReason(_("No such action"))


def _mentor_action(
    actor: Any, application: Application, action: str, key: int, post: Any
) -> Action:
    if action == "propose":

        def propose(form: Any) -> str:
            mentor = (
                get_user_model()
                .objects.filter(pk=form.cleaned_data["mentor"], is_active=True)
                .first()
            )
            if mentor is None:
                raise DomainError(_("Choose one of the suggested mentors"))
            mentors.mentorship_propose(
                actor=actor, application=application, mentor=mentor,
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
            return _("The mentor is asked.")

        return ProposeMentorForm(post), propose
    mentorship = Mentorship.objects.filter(application=application, pk=key).first()
    if mentorship is None:
        raise NotFoundReason(_("No such mentorship"))

    def meet(form: Any) -> str:
        mentors.meeting_log(actor=actor, mentorship=mentorship, **form.cleaned_data)
        return _("Meeting logged.")

    return MeetingForm(post), meet


def _transition(actor: Any, application: Application, action: str, post: Any) -> Action:
    """A move of the application: its form and its service call."""
    simple = {
        "to_vote": (pathways.admission_to_vote, _("The admission is put to the members' vote.")),
        "pause": (pathways.application_pause, _("The application is paused.")),
        "resume": (pathways.application_resume, _("The application is resumed.")),
    }
    if action in simple:
        service, said = simple[action]

        def press(form: Any) -> str:
            service(actor=actor, application=application)
            return said

        return ButtonForm(post), press
    with_values: dict[str, tuple[type[forms.Form], Callable[..., Any], str]] = {
        "candidate": (
            DayForm,
            pathways.application_make_candidate,
            _("The applicant is a candidate."),
        ),
        "admit": (DayForm, pathways.application_admit, _("Admitted: welcome to the new member.")),
        "refuse": (
            RequiredReasonForm,
            pathways.application_refuse,
            _("The application is refused."),
        ),
        "withdraw": (ReasonForm, pathways.application_withdraw, _("The application is withdrawn.")),
        "leave": (LeaveForm, pathways.application_leave, _("The leaving is recorded.")),
    }
    if action not in with_values:
        raise NotFoundReason(_("No such action"))
    form_class, service, said = with_values[action]

    def move(form: Any) -> str:
        service(actor=actor, application=application, **form.cleaned_data)
        return said

    return form_class(post), move


STEP_ACTIONS = {"complete", "attend", "vetting", "sign", "hours", "subscribe", "payment"}
ANCHORS = {"propose": "mentors", "meeting": "mentors"}


def _act(
    request: HttpRequest, application: Application, action: str, key: int
) -> tuple[forms.Form, str]:
    """Carry out a posted action: its form (with the errors of a refusal) and what to say
    when it is done ("" when not). The services check the rules (PermissionDenied)."""
    actor = authenticated_user(request)
    post = request.POST
    if action in STEP_ACTIONS:
        form, run = _step_action(actor, application, action, _step_of(application, key), post)
    elif action in ("propose", "meeting"):
        form, run = _mentor_action(actor, application, action, key, post)
    else:
        form, run = _transition(actor, application, action, post)
    if not form.is_valid():
        return form, ""
    try:
        return form, run(form)
    except DomainError as error:
        add_domain_errors(form, error)
        return form, ""


@login_required
def application(request: HttpRequest, pk: int) -> HttpResponse:
    found = find_application(request, pk)
    user = request.user
    bound: Bound = None
    if request.method == "POST":
        action = str(request.POST.get("action", ""))[:20]
        key = id_param(request.POST.get("step") or request.POST.get("key"))
        form, done = _act(request, found, action, key)
        if done:
            messages.success(request, done)
            anchor = f"step-{key}" if action in STEP_ACTIONS else ANCHORS.get(action, "status")
            return redirect(reverse("membership:application", args=[found.pk]) + f"#{anchor}")
        bound = (action, key, form)
        found = find_application(request, pk)  # read again: a refused write left it as it was
    pathway_ = found.pathway
    steps = _step_rows(request, found, bound)
    current = next((r for r in steps["rows"] if r["view"].current), None)
    organization = pathway_.organization
    return render(
        request,
        "membership/application.html",
        {
            "application": found,
            "pathway": pathway_,
            "owner": organization or pathway_.network,
            "owner_url": owner_url(pathway_),
            "name": applicant_name(found),
            "current": current if found.status in permissions.ACTIVE else None,
            "transitions": _transitions(request, found, bound),
            "poll": _poll(found),
            "is_candidate": permissions.is_candidate(user, found),
            "board": permissions.can_view_board(user, pathway_),
            "surveys": surveys_open(found),
            "shares_url": reverse("membership:shares", args=[organization.slug])
            if organization is not None and can_keep_registers(user, organization)
            else "",
            **steps,
        },
    )
