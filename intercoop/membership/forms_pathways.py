"""The forms of the pathway pages: a pathway and its steps (each kind's own settings),
applying, and what is done on an application (attendance, vetting, agreements, hours,
mentors and their meetings, the buy-in, the transitions) and the feedback survey. They
only parse what was typed; the pathway services check the rules and the bounds (their
refusals come back as the form's field errors)."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT
from intercoop.core.forms import id_param
from intercoop.core.widgets import DateInput
from intercoop.directory.models import Organization
from intercoop.membership import survey
from intercoop.membership.mentors import MAX_CAPACITY
from intercoop.membership.models import Course, Pathway, ShareClass, Step
from intercoop.membership.plans import MAX_INSTALMENTS
from intercoop.membership.steps import (
    MAX_DAYS,
    MAX_HOURS,
    MAX_MEETINGS,
    MAX_POLL_DAYS,
    MAX_SESSIONS,
    MAX_STEPS,
    POLL_DAYS,
)

Kind = Step.Kind
MAX_COURSES = 500  # courses offered in one select
MAX_REFERENCE_ROWS = 5


def _text(label: Any, *, required: bool = False, rows: int = 0, **options: Any) -> Any:
    if rows:
        return forms.CharField(
            label=label,
            required=required,
            max_length=LONG_TEXT,
            widget=forms.Textarea(attrs={"rows": rows}),
            **options,
        )
    return forms.CharField(label=label, required=required, max_length=SHORT_TEXT, **options)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _hours(label: Any, **options: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_HOURS,
        max_digits=9,
        decimal_places=2,
        **options,
    )


# the pathway ------------------------------------------------------------------------------


class PathwayForm(forms.Form):
    name = _text(_("Name"), required=True)
    description = _text(
        _("Description"),
        rows=5,
        help_text=_(
            "The way in, in a few words: what it asks and how long it takes, e.g. “12 "
            "months, 600 hours, four orientation sessions and a $5,000 buy-in payable "
            "monthly over 24 months”"
        ),
    )
    open = forms.BooleanField(label=_("Open to applications"), required=False, initial=True)


def pathway_initial(pathway: Pathway) -> dict[str, Any]:
    return {"name": pathway.name, "description": pathway.description, "open": pathway.open}


class StepKindForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of step"), choices=Kind.choices)


class StepForm(forms.Form):
    """A step of `kind`: its title, details and days to complete, and its kind's own
    settings (named as the settings are, so a service's refusal lands on its field)."""

    title = _text(_("Title"), required=True)
    details = _text(_("What it asks, in words"), rows=3)
    days_to_complete = forms.IntegerField(
        label=_("Days to complete it"),
        required=False,
        min_value=1,
        max_value=MAX_DAYS,
        help_text=_("Counted from the previous step's due date; empty: no due date"),
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        pathway: Pathway,
        adding: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.pathway = pathway
        if adding:
            self.fields["position"] = forms.IntegerField(
                label=_("Place in the pathway"),
                required=False,
                min_value=1,
                max_value=MAX_STEPS + 1,
                help_text=_("1 is the first step; empty: last, before the admission"),
            )
        add = getattr(self, f"_fields_{kind}", None)
        if add is not None:
            add()

    # each kind's settings -----------------------------------------------------------------

    def _fields_orientation(self) -> None:
        self.fields["sessions"] = forms.IntegerField(
            label=_("Sessions to attend"), min_value=1, max_value=MAX_SESSIONS, initial=1
        )

    def _fields_course(self) -> None:
        owner = self.pathway.organization_id
        courses = (
            Course.objects.filter(Q(published=True) | Q(publisher_id=owner or 0))
            .select_related("publisher")
            .order_by("title", "pk")[:MAX_COURSES]
        )
        self.fields["course"] = forms.ChoiceField(
            label=_("Course to complete"),
            choices=[("", "—")]
            + [(str(c.pk), f"{c.title} ({c.publisher.name}, {c.language})") for c in courses],
            help_text=_("A course published in the library, or one of your organisation's"),
        )

    def _fields_mentorship(self) -> None:
        self.fields["meetings"] = forms.IntegerField(
            label=_("Meetings with the mentor needed"),
            min_value=0,
            max_value=MAX_MEETINGS,
            initial=1,
        )

    def _fields_probation(self) -> None:
        self.fields["days"] = forms.IntegerField(
            label=_("Days of probation"),
            min_value=0,
            max_value=MAX_DAYS,
            initial=0,
            help_text=_("From the day the applicant becomes a candidate (365 for a year)"),
        )
        self.fields["hours"] = _hours(_("Hours of work in all"), help_text=_("Empty: none"))
        self.fields["recent_hours"] = _hours(
            _("Of them, hours in the last months"), help_text=_("Empty: none")
        )
        self.fields["recent_months"] = forms.IntegerField(
            label=_("The last how many months"), required=False, min_value=1, max_value=120
        )

    def _fields_equity(self) -> None:
        classes = ShareClass.objects.filter(organization_id=self.pathway.organization_id or 0)
        self.fields["share_class"] = forms.ChoiceField(
            label=_("Share class"),
            required=False,
            choices=[("", _("Any of the organisation's share classes"))]
            + [(str(c.pk), c.name) for c in classes.order_by("name", "pk")],
            help_text=_("The step is complete when the class's minimum is paid in full"),
        )

    def _fields_vetting(self) -> None:
        self.fields["checklist"] = _text(
            _("Checklist"), rows=4, help_text=_("One item a line, e.g. “Interview held”")
        )

    def _fields_agreement(self) -> None:
        self.fields["documents"] = _text(
            _("Documents to sign"),
            rows=4,
            help_text=_("One a line, e.g. “Membership agreement”, “Rules”, “Data policy”"),
        )

    def _fields_admission(self) -> None:
        self.fields["by_poll"] = forms.BooleanField(
            label=_("By a poll of the members"),
            required=False,
            help_text=_("Otherwise a coordinator decides"),
        )
        self.fields["poll_days"] = forms.IntegerField(
            label=_("Days the poll is open"),
            required=False,
            min_value=1,
            max_value=MAX_POLL_DAYS,
            initial=POLL_DAYS,
        )
        from intercoop.governance.models import Body

        owner = {
            "organization_id": self.pathway.organization_id,
            "network_id": self.pathway.network_id,
        }
        committees = Body.objects.filter(kind=Body.Kind.COMMITTEE, **owner).order_by("name", "pk")
        self.fields["committee"] = forms.ChoiceField(
            label=_("Who votes"),
            required=False,
            choices=[("", _("All the members"))] + [(str(b.pk), b.name) for b in committees],
        )

    # the values for the services -----------------------------------------------------------

    def clean_course(self) -> Course | None:
        found = Course.objects.filter(pk=id_param(self.cleaned_data.get("course"))).first()
        if found is None:
            raise forms.ValidationError(_("Choose the course to complete"))
        return found

    def settings(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = self.kind
        if kind == Kind.ORIENTATION:
            return {"sessions": data["sessions"]}
        if kind == Kind.MENTORSHIP:
            return {"meetings": data["meetings"]}
        if kind == Kind.PROBATION:
            values: dict[str, Any] = {"days": data["days"]}
            for key in ("hours", "recent_hours"):
                if data.get(key) is not None:
                    values[key] = str(data[key])
            if data.get("recent_months") is not None:
                values["recent_months"] = data["recent_months"]
            return values
        if kind == Kind.EQUITY:
            share_class = id_param(data.get("share_class"))
            return {"share_class": share_class} if share_class else {}
        if kind == Kind.VETTING:
            return {"checklist": _lines(data.get("checklist", ""))}
        if kind == Kind.AGREEMENT:
            return {"documents": _lines(data.get("documents", ""))}
        if kind == Kind.ADMISSION:
            values = {"by_poll": bool(data.get("by_poll"))}
            if values["by_poll"]:
                values["poll_days"] = data.get("poll_days") or POLL_DAYS
                committee = id_param(data.get("committee"))
                if committee:
                    values["committee"] = committee
            return values
        return {}

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {
            "title": data["title"],
            "details": data["details"],
            "days_to_complete": data.get("days_to_complete"),
            "settings": self.settings(),
        }
        if self.kind == Kind.COURSE:
            values["course"] = data["course"]
        return values


def step_initial(step: Step) -> dict[str, Any]:
    settings = step.settings or {}
    initial: dict[str, Any] = {
        "title": step.title,
        "details": step.details,
        "days_to_complete": step.days_to_complete,
    }
    if step.kind == Kind.COURSE:
        initial["course"] = str(step.course_id or "")
    elif step.kind in (Kind.VETTING, Kind.AGREEMENT):
        key = "checklist" if step.kind == Kind.VETTING else "documents"
        initial[key] = "\n".join(settings.get(key, []))
    elif step.kind == Kind.EQUITY:
        initial["share_class"] = str(settings.get("share_class") or "")
    elif step.kind == Kind.ADMISSION:
        initial |= {
            "by_poll": bool(settings.get("by_poll")),
            "poll_days": settings.get("poll_days") or POLL_DAYS,
            "committee": str(settings.get("committee") or ""),
        }
    else:
        initial |= {k: v for k, v in settings.items() if not isinstance(v, (list, dict))}
    return initial


# applying ---------------------------------------------------------------------------------


class ApplyForm(forms.Form):
    motivation = _text(_("Why you want to join"), rows=5)

    def __init__(
        self, *args: Any, organizations: Sequence[Organization] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"] = forms.ChoiceField(
                label=_("The organisation that applies"),
                choices=[(str(o.pk), o.name) for o in organizations],
            )
            self.organizations = {o.pk: o for o in organizations}
            self.order_fields(["organization", "motivation"])

    def clean_organization(self) -> Organization:
        found = self.organizations.get(id_param(self.cleaned_data.get("organization")))
        if found is None:
            raise forms.ValidationError(_("Choose one of your organisations"))
        return found


# on an application ------------------------------------------------------------------------


class AttendanceForm(forms.Form):
    on = forms.DateField(label=_("Attended on"), widget=DateInput())
    notes = _text(_("Notes"), rows=2)


class CompleteForm(forms.Form):
    notes = _text(_("Notes"), rows=2)


class VettingForm(forms.Form):
    """The interview notes (they replace the last ones), the references (the whole list)
    and the checklist's ticks."""

    notes = _text(_("Interview notes"), rows=5)

    def __init__(
        self, *args: Any, checklist: Sequence[str], references: int = 0, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.checklist = list(checklist)
        for i, item in enumerate(self.checklist):
            self.fields[f"check_{i}"] = forms.BooleanField(label=item, required=False)
        self.rows = min(max(references + 1, 2), MAX_REFERENCE_ROWS + references)
        for i in range(1, self.rows + 1):
            self.fields[f"ref_{i}_name"] = _text(_("Reference %(n)s: name") % {"n": i})
            self.fields[f"ref_{i}_notes"] = _text(_("What they said"), rows=2)

    def checks(self) -> dict[str, bool]:
        return {
            item: bool(self.cleaned_data.get(f"check_{i}")) for i, item in enumerate(self.checklist)
        }

    def references(self) -> list[dict[str, str]]:
        found = []
        for i in range(1, self.rows + 1):
            name = self.cleaned_data.get(f"ref_{i}_name", "").strip()
            said = self.cleaned_data.get(f"ref_{i}_notes", "")
            if name or said.strip():
                found.append({"name": name, "notes": said})
        return found


def vetting_initial(
    notes: str, references: list[dict[str, str]], ticks: dict[str, bool], checklist: list[str]
) -> dict[str, Any]:
    initial: dict[str, Any] = {"notes": notes}
    for i, item in enumerate(checklist):
        initial[f"check_{i}"] = bool(ticks.get(item))
    for i, reference in enumerate(references, start=1):
        initial[f"ref_{i}_name"] = reference.get("name", "")
        initial[f"ref_{i}_notes"] = reference.get("notes", "")
    return initial


class SignForm(forms.Form):
    def __init__(self, *args: Any, documents: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.documents = list(documents)
        for i, document in enumerate(self.documents):
            self.fields[f"doc_{i}"] = forms.BooleanField(
                label=_("I sign “%(document)s”") % {"document": document},
                required=False,
                initial=True,
            )

    def chosen(self) -> list[str]:
        return [d for i, d in enumerate(self.documents) if self.cleaned_data.get(f"doc_{i}")]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.documents and not self.chosen():
            raise forms.ValidationError(_("Tick the documents you sign"))
        return cleaned


class HoursForm(forms.Form):
    on = forms.DateField(label=_("Worked on"), widget=DateInput())
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=7,
        decimal_places=2,
        help_text=_("A correction is negative, e.g. -2"),
    )
    note = _text(_("Note"))


class ProposeMentorForm(forms.Form):
    """A suggested mentor (the page lists them with their reasons)."""

    mentor = forms.IntegerField(widget=forms.HiddenInput)
    reason = _text(_("Why this mentor"))


class MeetingForm(forms.Form):
    on = forms.DateField(label=_("Met on"), widget=DateInput())
    notes = _text(_("Meeting notes"), rows=3)


class BuyInForm(forms.Form):
    """The applicant subscribes for shares of the organisation (the register's keepers
    record it), paid at once or by monthly instalments."""

    share_class = forms.ChoiceField(label=_("Share class"))
    shares = forms.IntegerField(label=_("Shares"), min_value=1, initial=1)
    instalments = forms.IntegerField(
        label=_("Monthly instalments"),
        min_value=1,
        max_value=MAX_INSTALMENTS,
        initial=1,
        help_text=_("1 to pay at once; e.g. 24 for two years of payroll deductions"),
    )
    first_due_on = forms.DateField(label=_("First payment due on"), widget=DateInput())

    def __init__(self, *args: Any, classes: Sequence[ShareClass], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.classes = {c.pk: c for c in classes}
        field = self.fields["share_class"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(c.pk), c.name) for c in classes]

    def clean_share_class(self) -> ShareClass:
        found = self.classes.get(id_param(self.cleaned_data.get("share_class")))
        if found is None:
            raise forms.ValidationError(_("Choose one of the organisation's share classes"))
        return found


class DayForm(forms.Form):
    on = forms.DateField(label=_("From"), widget=DateInput())


class ReasonForm(forms.Form):
    reason = _text(_("Reason"))


class RequiredReasonForm(forms.Form):
    reason = _text(_("Reason"), required=True)


class LeaveForm(forms.Form):
    on = forms.DateField(label=_("Leaves on"), widget=DateInput())
    reason = _text(_("Reason"), required=True)


# mentoring and the survey -----------------------------------------------------------------


class OfferForm(forms.Form):
    capacity = forms.IntegerField(
        label=_("People at once"),
        min_value=0,
        max_value=MAX_CAPACITY,
        help_text=_("0 takes your offer back"),
    )
    note = _text(_("What I can help with"))


RATING_CHOICES = [("", _("No answer"))] + [(str(n), str(n)) for n in range(1, 6)]


class SurveyForm(forms.Form):
    """A 1–5 rating of each kind of step the pathway has (each may be left out), and a
    comment."""

    def __init__(self, *args: Any, kinds: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in survey.RATINGS:
            if key in kinds:
                self.fields[key] = forms.ChoiceField(
                    label=survey.QUESTIONS[key],
                    choices=RATING_CHOICES,
                    required=False,
                    widget=forms.RadioSelect,
                    help_text=_("1: not at all, 5: very"),
                )
        self.fields[survey.COMMENT] = _text(survey.QUESTIONS[survey.COMMENT], rows=4)

    def answers(self) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for key, value in self.cleaned_data.items():
            if key == survey.COMMENT:
                answers[key] = value
            elif value:
                answers[key] = int(value)
        return answers
