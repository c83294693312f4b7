"""The pathway pages: an organisation's or a network's membership page
(`/membership/<slug>/pathways/`: its pathways, each step with what it asks, and a new
pathway for its coordinators), a pathway's page with the application form, the
coordinators' board (open applications, their current step, who must act and by when,
filters by status, the survey's summary), "my way in" (a person's applications and next
steps), "mentoring" (offers, proposals to answer, mentees) and the feedback survey. An
application's page is views_pathways_application.py, the editor views_pathways_edit.py.

A slug names an organisation first, else a network (their slugs are unique each in its
own table). Pages decide what to show with `membership.permissions` (a closed pathway is
a 404 to all but its coordinators and staff, the board a 403 to all but them). Every
write is a service's to allow or refuse (a refusal is the 403 page, and nothing is
written), and bad values come back as the form's field errors."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from intercoop.core.errors import DomainError
from intercoop.core.forms import add_domain_errors, id_param
from intercoop.core.money import format_money
from intercoop.core.months import add_months
from intercoop.core.permissions import NotFoundReason, authenticated_user
from intercoop.directory.models import Network, Organization
from intercoop.directory.permissions import (
    access_organization,
    acting_organizations,
    organization_roles,
)
from intercoop.membership import admission, mentors, pathways, permissions, selectors
from intercoop.membership.forms_pathways import (
    ApplyForm,
    OfferForm,
    PathwayForm,
    SurveyForm,
)
from intercoop.membership.models import (
    Application,
    MentorOffer,
    Mentorship,
    Pathway,
    ShareClass,
    Step,
    SurveyResponse,
)
from intercoop.membership.permissions_registers import can_keep_registers
from intercoop.membership.steps import today

Kind = Step.Kind
Status = Application.Status
When = SurveyResponse.When
MAX_LISTED = 100
BOARD_FILTERS = ("applicant", "candidate", "paused", "overdue")


# finding things ---------------------------------------------------------------------------


def owner_of_slug(request: HttpRequest, slug: str) -> tuple[Organization | None, Network | None]:
    """The organisation (if the user may see it) or else the network named by `slug`."""
    if Organization.objects.filter(slug=slug).exists():
        return access_organization(request.user, slug=slug), None
    network = Network.objects.filter(slug=slug).first()
    if network is None:
        raise NotFoundReason(_("No such organisation or network"))
    return None, network


def find_pathway(request: HttpRequest, pk: Any) -> Pathway:
    """The pathway for those who may see it (a closed one: its coordinators; else 404)."""
    found = (
        Pathway.objects.select_related("organization", "network").filter(pk=id_param(pk)).first()
    )
    return permissions.access_pathway(request.user, found)


def owner_slug(pathway: Pathway) -> str:
    owner = pathway.organization or pathway.network
    return owner.slug if owner is not None else ""


def owner_url(pathway: Pathway) -> str:
    if pathway.organization is not None:
        return reverse("directory:detail", args=[pathway.organization.slug])
    assert pathway.network is not None
    return reverse("directory:network", args=[pathway.network.slug])


def find_application(request: HttpRequest, pk: Any) -> Application:
    """The application for its candidate, mentors, coordinators and staff (else 403)."""
    found = (
        Application.objects.select_related(
            "pathway__organization", "pathway__network", "user__profile", "organization"
        )
        .filter(pk=id_param(pk))
        .first()
    )
    if found is None:
        raise NotFoundReason(_("No such application"))
    return permissions.access_application(request.user, found)


# what each step asks, in words ------------------------------------------------------------


def _hours(value: Any) -> str:
    number = Decimal(str(value))
    return str(number.quantize(Decimal(1))) if number == number.to_integral() else str(number)


def _probation_asks(settings: dict[str, Any]) -> list[str]:
    asks = []
    days = int(settings.get("days") or 0)
    if days:
        text = ngettext(
            "A probation of %(n)s day as a candidate",
            "A probation of %(n)s days as a candidate",
            days,
        ) % {"n": days}
        if days >= 60:
            months = round(days / 30.44)
            text += " " + ngettext("(about %(m)s month)", "(about %(m)s months)", months) % {
                "m": months
            }
        asks.append(text)
    if settings.get("hours") and settings.get("recent_hours"):
        asks.append(
            _("%(hours)s hours of work, %(recent)s of them in the last %(months)s months")
            % {
                "hours": _hours(settings["hours"]),
                "recent": _hours(settings["recent_hours"]),
                "months": settings.get("recent_months", 6),
            }
        )
    elif settings.get("hours"):
        asks.append(_("%(hours)s hours of work") % {"hours": _hours(settings["hours"])})
    elif settings.get("recent_hours"):
        asks.append(
            _("%(recent)s hours of work in the last %(months)s months")
            % {"recent": _hours(settings["recent_hours"]), "months": settings.get("recent_months")}
        )
    return asks


def _equity_asks(share_class: ShareClass | None) -> str:
    if share_class is None:
        return _("Buy the minimum of the organisation's shares, paid at once or by instalments")
    return ngettext(
        "Buy %(n)s share of “%(name)s” at %(price)s (%(total)s), "
        "paid at once or by monthly instalments",
        "Buy %(n)s shares of “%(name)s” at %(price)s each (%(total)s), "
        "paid at once or by monthly instalments",
        share_class.minimum,
    ) % {
        "n": share_class.minimum,
        "name": share_class.name,
        "price": format_money(share_class.price, share_class.currency),
        "total": format_money(share_class.price * share_class.minimum, share_class.currency),
    }


def _admission_asks(step: Step, pathway: Pathway, bodies: dict[int, str]) -> str:
    settings = step.settings
    if pathway.network_id is not None and admission.network_admits_by_poll(pathway.network_id):
        return _("Admission by a vote of the network's members")
    if not settings.get("by_poll"):
        return _("Admission decided by the coordinators")
    days = int(settings.get("poll_days") or 14)
    committee = bodies.get(settings.get("committee") or 0)
    if committee:
        return ngettext(
            "Admission by a vote of %(body)s, open for %(n)s day",
            "Admission by a vote of %(body)s, open for %(n)s days",
            days,
        ) % {"body": committee, "n": days}
    return ngettext(
        "Admission by a vote of the members, open for %(n)s day",
        "Admission by a vote of the members, open for %(n)s days",
        days,
    ) % {"n": days}


def step_asks(
    step: Step, pathway: Pathway, classes: dict[int, ShareClass], bodies: dict[int, str]
) -> list[str]:
    """What a step asks, in words (its course is linked by the page)."""
    settings = step.settings or {}
    asks: list[str] = []
    if step.kind == Kind.ORIENTATION:
        n = int(settings.get("sessions") or 1)
        asks.append(
            ngettext("Attend %(n)s orientation session", "Attend %(n)s orientation sessions", n)
            % {"n": n}
        )
    elif step.kind == Kind.COURSE:
        asks.append(_("Complete the course"))
    elif step.kind == Kind.MENTORSHIP:
        n = int(settings.get("meetings", 1))
        asks.append(
            ngettext(
                "Meet your mentor at least %(n)s time", "Meet your mentor at least %(n)s times", n
            )
            % {"n": n}
            if n
            else _("A mentor accompanies you")
        )
    elif step.kind == Kind.PROBATION:
        asks += _probation_asks(settings) or [_("A time as a candidate")]
    elif step.kind == Kind.EQUITY:
        asks.append(_equity_asks(classes.get(settings.get("share_class") or 0)))
    elif step.kind == Kind.VETTING:
        asks.append(_("An interview, and references"))
        if settings.get("checklist"):
            asks.append(_("Checks: %(items)s") % {"items": ", ".join(settings["checklist"])})
    elif step.kind == Kind.AGREEMENT:
        asks.append(_("Sign: %(documents)s") % {"documents": ", ".join(settings["documents"])})
    elif step.kind == Kind.ADMISSION:
        asks.append(_admission_asks(step, pathway, bodies))
    if step.days_to_complete:
        asks.append(
            ngettext("Within %(n)s day", "Within %(n)s days", step.days_to_complete)
            % {"n": step.days_to_complete}
        )
    return asks


def described_steps(pathway: Pathway, steps: list[Step] | None = None) -> list[dict[str, Any]]:
    """The pathway's steps in order, each with what it asks."""
    from intercoop.governance.models import Body

    steps = (
        steps
        if steps is not None
        else list(pathway.steps.select_related("course").order_by("position"))
    )
    class_ids = [s.settings.get("share_class") for s in steps if s.kind == Kind.EQUITY]
    classes = {c.pk: c for c in ShareClass.objects.filter(pk__in=[i for i in class_ids if i])}
    body_ids = [s.settings.get("committee") for s in steps if s.kind == Kind.ADMISSION]
    bodies = dict(Body.objects.filter(pk__in=[i for i in body_ids if i]).values_list("pk", "name"))
    return [
        {"step": s, "asks": step_asks(s, pathway, classes, bodies), "course": s.course}
        for s in steps
    ]


# the membership page of an organisation or a network --------------------------------------


def membership(request: HttpRequest, slug: str) -> HttpResponse:
    """Its pathways (the way in: each step with what it asks), applying, and for its
    coordinators a new pathway."""
    organization, network = owner_of_slug(request, slug)
    user = request.user
    can_create = permissions.can_create_pathway(user, organization=organization, network=network)
    form = PathwayForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            created = pathways.pathway_create(
                actor=authenticated_user(request),
                organization=organization,
                network=network,
                name=values["name"],
                description=values["description"],
                open=values["open"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The pathway is created: add its steps."))
            return redirect("membership:pathway_edit", pk=created.pk)
    shown = [
        p
        for p in selectors.pathways_of(organization=organization, network=network).select_related(
            "organization", "network"
        )
        if permissions.can_view_pathway(user, p)
    ]
    mine = {v.application.pathway_id: v for v in selectors.my_applications(user)}
    return render(
        request,
        "membership/pathways.html",
        {
            "organization": organization,
            "network": network,
            "owner": organization or network,
            "pathways": [
                {
                    "pathway": p,
                    "steps": described_steps(p),
                    "mine": mine.get(p.pk),
                    "manage": permissions.can_manage_pathway(user, p),
                }
                for p in shown
            ],
            "form": form if can_create else None,
            "keeps_registers": organization is not None and can_keep_registers(user, organization),
        },
    )


# a pathway, and applying ------------------------------------------------------------------


def _applying_for(request: HttpRequest, pathway: Pathway) -> list[Organization] | None:
    """A network's pathway: the organisations the user may apply for (None: an
    organisation's pathway, where people apply for themselves)."""
    if pathway.network_id is None:
        return None
    user = request.user
    return [
        o
        for o in Organization.objects.filter(pk__in=acting_organizations(user)).order_by("name")
        if permissions.can_apply(user, pathway, o)
    ]


def pathway(request: HttpRequest, pk: int) -> HttpResponse:
    """A pathway's way in, step by step, and the application form."""
    found = find_pathway(request, pk)
    user = request.user
    if request.method == "POST" and not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organizations = _applying_for(request, found) if user.is_authenticated else None
    form = ApplyForm(
        request.POST if request.method == "POST" else None, organizations=organizations
    )
    if request.method == "POST" and form.is_valid():
        try:
            applied = pathways.application_apply(
                actor=authenticated_user(request),
                pathway=found,
                motivation=form.cleaned_data["motivation"],
                organization=form.cleaned_data.get("organization"),
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Your application is received: here are your next steps."))
            return redirect("membership:application", pk=applied.pk)
    mine = [v for v in selectors.my_applications(user) if v.application.pathway_id == found.pk]
    taken = {
        v.application.organization_id
        for v in mine
        if v.application.is_open or v.application.status == Status.MEMBER
    }
    if organizations is not None:
        may_apply = any(o.pk not in taken for o in organizations)
    else:
        may_apply = user.is_authenticated and permissions.can_apply(user, found) and not taken
    return render(
        request,
        "membership/pathway.html",
        {
            "pathway": found,
            "owner": found.organization or found.network,
            "owner_url": owner_url(found),
            "owner_slug": owner_slug(found),
            "steps": described_steps(found),
            "form": form if may_apply or form.errors else None,
            "mine": mine,
            "manage": permissions.can_manage_pathway(user, found),
        },
    )


# the coordinators' board ------------------------------------------------------------------


def _survey_rows(found: Pathway) -> tuple[list[dict[str, Any]], list[str], dict[str, int]]:
    after = selectors.survey_summary(found, when=When.ADMISSION)
    later = selectors.survey_summary(found, when=When.SIX_MONTHS)
    rows = [
        {"question": a.question, "admission": a, "six_months": b}
        for a, b in zip(after.questions, later.questions, strict=True)
        if a.count or b.count
    ]
    counts = {"admission": after.responses, "six_months": later.responses}
    return rows, (after.comments + later.comments)[-MAX_LISTED:], counts


BOARD_PAGE_SIZE = 100  # rows of the board on a page


@login_required
def board(request: HttpRequest, pk: int) -> HttpResponse:
    found = find_pathway(request, pk)
    permissions.access_board(request.user, found)
    rows = selectors.pathway_board(found)
    shown = str(request.GET.get("status", ""))
    if shown not in BOARD_FILTERS:
        shown = ""
    counts = dict.fromkeys(BOARD_FILTERS, 0)
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
        counts["overdue"] += int(row.overdue)
    if shown == "overdue":
        rows = [r for r in rows if r.overdue]
    elif shown:
        rows = [r for r in rows if r.status == shown]
    survey_rows, comments, responses = _survey_rows(found)
    labels = dict(Status.choices)
    # a page of rows at a time (a big co-op has thousands of open applications)
    paginator = Paginator(rows, BOARD_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "membership/pathway_board.html",
        {
            "pathway": found,
            "owner": found.organization or found.network,
            "owner_slug": owner_slug(found),
            "rows": page.object_list,
            "page": page,
            "shown": shown,
            "filters": [(key, labels.get(key, _("Overdue")), counts[key]) for key in BOARD_FILTERS],
            "total": sum(counts[k] for k in ("applicant", "candidate", "paused")),
            "survey_rows": survey_rows,
            "comments": comments,
            "responses": responses,
        },
    )


# surveys and the survey page -----------------------------------------------------------


def surveys_open(application: Application) -> list[str]:
    """The surveys the new member may answer now (after admission; after six months)."""
    if application.status != Status.MEMBER:
        return []
    answered = set(application.surveys.values_list("when", flat=True))
    found = [] if When.ADMISSION in answered else [When.ADMISSION.value]
    since = application.member_since
    if When.SIX_MONTHS not in answered and since and today() >= add_months(since, 6):
        found.append(When.SIX_MONTHS.value)
    return found


# my way in, and mentoring -----------------------------------------------------------------


@login_required
def way_in(request: HttpRequest) -> HttpResponse:
    """The user's applications (and their organisations'), each with its next step; the
    surveys a new member may answer; the open pathways."""
    user = request.user
    views = selectors.my_applications(user)
    return render(
        request,
        "membership/pathway_way_in.html",
        {
            "applications": [
                {"view": v, "surveys": surveys_open(v.application)} for v in views[:MAX_LISTED]
            ],
            "open_pathways": list(selectors.open_pathways().order_by("name", "pk")[:MAX_LISTED]),
            "mentoring": bool(organization_roles(user)),
        },
    )


@login_required
def mentoring(request: HttpRequest) -> HttpResponse:
    """What the user offers (for each organisation they belong to), the proposals to
    answer, and the people they mentor."""
    user = authenticated_user(request)
    organizations = list(
        Organization.objects.filter(pk__in=organization_roles(user)).order_by("name")
    )
    offers = {o.organization_id: o for o in MentorOffer.objects.filter(user=user)}
    posted_for = id_param(request.POST.get("organization")) if request.method == "POST" else 0
    if posted_for and not any(o.pk == posted_for for o in organizations):
        raise PermissionDenied(_("Only the organisation's people offer to mentor for it"))
    rows: list[dict[str, Any]] = []
    for organization in organizations:
        offer = offers.get(organization.pk)
        if posted_for == organization.pk:
            form = OfferForm(request.POST)
            if form.is_valid():
                try:
                    mentors.mentor_offer_set(
                        actor=user, organization=organization, **form.cleaned_data
                    )
                except DomainError as error:
                    add_domain_errors(form, error)
                else:
                    messages.success(request, _("Your offer is saved."))
                    return redirect("membership:mentoring")
        else:
            form = OfferForm(
                initial={
                    "capacity": offer.capacity if offer else 1,
                    "note": offer.note if offer else "",
                }
            )
        rows.append({"organization": organization, "offer": offer, "form": form})
    views = selectors.mentoring(user)
    return render(
        request,
        "membership/mentoring.html",
        {
            "offers": rows,
            "used": mentors.used_capacity([user.pk]).get(user.pk, 0),
            "proposals": [v for v in views if v.is_proposed],
            "mentees": [v for v in views if not v.is_proposed],
        },
    )


@login_required
@require_POST
def mentorship_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposed mentor accepts or declines (the service allows it or refuses it)."""
    found = Mentorship.objects.select_related("application").filter(pk=id_param(pk)).first()
    if found is None:
        raise NotFoundReason(_("No such proposal"))
    accept = request.POST.get("answer") == "accept"
    try:
        mentors.mentorship_answer(
            actor=authenticated_user(request), mentorship=found, accept=accept
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if accept:
            messages.success(request, _("Thank you: you are the mentor now."))
            return redirect("membership:application", pk=found.application_id)
        messages.success(request, _("You declined; the coordinators are told."))
    return redirect("membership:mentoring")


# the survey -------------------------------------------------------------------------------


@login_required
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    """The new member's feedback, after admission and after six months."""
    found = find_application(request, pk)
    if not permissions.can_answer_survey(request.user, found):
        raise PermissionDenied(_("Only the new member answers"))
    when = str(request.GET.get("when") or request.POST.get("when") or When.ADMISSION)
    if when not in When.values:
        raise NotFoundReason(_("No such survey"))
    answered = found.surveys.filter(when=when).exists()
    kinds = list(found.pathway.steps.values_list("kind", flat=True))
    form = SurveyForm(request.POST if request.method == "POST" else None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        try:
            pathways.survey_answer(
                actor=authenticated_user(request),
                application=found,
                when=when,
                answers=form.answers(),
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Thank you: your answers help the next members."))
            return redirect("membership:way_in")
    return render(
        request,
        "membership/survey.html",
        {
            "application": found,
            "pathway": found.pathway,
            "when": when,
            "when_label": When(when).label,
            "answered": answered,
            "open": when in surveys_open(found),
            "form": form,
        },
    )
