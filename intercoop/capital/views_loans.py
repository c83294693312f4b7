"""Lending pages: apply for a loan, the reviewers' list and an application's page (edit,
submit, files, questions, checklist, the committee's decision), the portfolio, a loan's
page (offer, disbursement, repayments, restructuring, write-off) and its statement.

Pages decide what to show with capital.permissions (a loan or application is 404 when it
does not exist, 403 to those it is not for); every write is the service's to allow or
refuse (its refusal is the 403 page), and a refused value is shown beside its field."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _

from intercoop.capital import arrears, permissions, selectors, services
from intercoop.capital.forms_loans import (
    ApplicationForm,
    AttachmentForm,
    ChecklistForm,
    DecisionForm,
    DisburseForm,
    MessageForm,
    RepaymentForm,
    RestructureForm,
    WriteOffForm,
)
from intercoop.capital.models import (
    MAX_ATTACHMENT_BYTES,
    Fund,
    Loan,
    LoanApplication,
)
from intercoop.capital.wording import BUCKET_LABELS
from intercoop.capital.writing import CHECKLIST, today
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.forms import add_domain_errors, id_param
from intercoop.core.models import Profile
from intercoop.core.pagination import paginate
from intercoop.core.permissions import NotFoundReason, authenticated_user
from intercoop.directory.selectors import network_members_acting_for
from intercoop.governance.models import Poll

PAGE_SIZE = 50


def _fund(request: HttpRequest, slug: str) -> Fund:
    fund = Fund.objects.select_related("network", "holder").filter(slug=slug).first()
    if fund is None:
        raise NotFoundReason(_("No such fund"))
    return permissions.access_fund(request.user, fund)


def _reviewer(request: HttpRequest, fund: Fund) -> bool:
    return permissions.can_manage_fund(request.user, fund) or permissions.is_committee_member(
        request.user, fund
    )


def _show_errors(form: Any, error: DomainError) -> None:
    """A service's refusal beside the form's fields; the uses of funds (rows, not one
    field) above the form, saying what they are about."""
    if isinstance(error, InvalidValues) and "uses" in error.errors:
        errors = dict(error.errors)
        reason = errors.pop("uses")
        form.add_error(None, _("Uses of funds: %(reason)s") % {"reason": reason})
        if not errors:
            return
        error = InvalidValues(errors)
    add_domain_errors(form, error)


# Applying -------------------------------------------------------------------------------


@login_required
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    """A member co-op's admins and editors apply (a draft, completed and submitted on
    the application's page), with the fund's policy beside the form."""
    fund = _fund(request, slug)
    organizations = [
        o
        for o in network_members_acting_for(user=request.user, network=fund.network)[:200]
        if permissions.can_apply(request.user, fund, o)
    ]
    if not organizations:
        raise PermissionDenied(_("A member co-op's admins and editors apply for a loan"))
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        currency=fund.currency,
        organizations=organizations,
    )
    if request.method == "POST" and form.is_valid():
        organization = next(o for o in organizations if o.pk == form.cleaned_data["organization"])
        try:
            application = services.application_create(
                actor=authenticated_user(request), fund=fund, organization=organization,
                values=form.values(),
            )  # fmt: skip
        except DomainError as error:
            _show_errors(form, error)
        else:
            messages.success(
                request,
                _("Your application is saved as a draft. Add files if you wish, then submit it."),
            )
            return redirect("capital:application", pk=application.pk)
    return render(request, "capital/apply.html", {"fund": fund, "form": form})


@login_required
def applications(request: HttpRequest, slug: str) -> HttpResponse:
    """The fund's applications for its reviewers (managers and committee), by status."""
    fund = _fund(request, slug)
    if not _reviewer(request, fund):
        raise PermissionDenied(_("The applications are for the fund's managers and committee"))
    status = request.GET.get("status", "")
    rows = selectors.fund_applications(fund)
    if status == "open":
        rows = rows.filter(status__in=_PENDING)
    elif status in _LISTED:
        rows = rows.filter(status=status)
    else:
        status = ""
    return render(request, "capital/applications.html", {
        "fund": fund, "status": status,
        "statuses": [(s, label) for s, label in LoanApplication.Status.choices if s in _LISTED],
        "paged": paginate(rows, page=request.GET.get("page", 1), page_size=PAGE_SIZE),
        "query": urlencode({"status": status}) if status else "",
    })  # fmt: skip


_DECIDED = (LoanApplication.Status.APPROVED, LoanApplication.Status.DECLINED)
_PENDING = (
    LoanApplication.Status.SUBMITTED,
    LoanApplication.Status.IN_REVIEW,
    LoanApplication.Status.IN_VOTE,
)
_LISTED = (*_PENDING, *_DECIDED, LoanApplication.Status.WITHDRAWN)  # drafts are the applicant's


# An application -------------------------------------------------------------------------


def _application(request: HttpRequest, pk: int) -> LoanApplication:
    application = (
        LoanApplication.objects.select_related("fund__network", "fund__holder", "organization")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise NotFoundReason(_("No such loan application"))
    return permissions.access_application(request.user, application)


def _thread(application: LoanApplication) -> list[tuple[Any, str]]:
    """The questions and answers, each with its author's name (profiles in one query)."""
    thread = list(application.messages.select_related("author"))
    authors = {m.author_id for m in thread if m.author_id}
    names: dict[int | None, str] = dict(
        Profile.objects.filter(user_id__in=authors)
        .exclude(display_name="")
        .values_list("user_id", "display_name")
    )
    return [
        (m, names.get(m.author_id) or (m.author.get_username() if m.author else "")) for m in thread
    ]


def _application_page(
    request: HttpRequest, application: LoanApplication, **forms: Any
) -> HttpResponse:
    """The application's page; `forms` are forms refused just now, with their errors."""
    user, fund = request.user, application.fund
    reviewer = _reviewer(request, fund)
    context: dict[str, Any] = {
        "application": application,
        "fund": fund,
        "reviewer": reviewer,
        "may_edit": permissions.can_edit_application(user, application),
        "may_withdraw": permissions.can_withdraw_application(user, application),
        "may_attach": permissions.can_answer(user, application)
        or permissions.can_edit_application(user, application),
        "may_write": permissions.can_answer(user, application)
        or permissions.can_review(user, application),
        "may_review": permissions.can_review(user, application),
        "may_decide": permissions.can_decide(user, application),
        "thread": _thread(application),
        "attachments": list(application.attachments.defer("data")),
        "checklist": [(label, bool(application.checklist.get(key))) for key, label in
                      CHECKLIST.items()],
        "checklist_done": sum(bool(application.checklist.get(key)) for key in CHECKLIST),
        "checklist_size": len(CHECKLIST),
        "poll": Poll.objects.filter(pk=application.poll_id).first()
        if application.poll_id else None,
        "loan": Loan.objects.filter(application=application).first(),
        "decided": application.status in _DECIDED,
        "approved": application.status == LoanApplication.Status.APPROVED,
        "has_votes": application.votes_for is not None,
    }  # fmt: skip
    if context["may_edit"]:
        context["edit_form"] = forms.get("update") or ApplicationForm(
            currency=fund.currency, application=application
        )
    if context["may_attach"]:
        context["attach_form"] = forms.get("attach") or AttachmentForm()
    if context["may_write"]:
        context["message_form"] = forms.get("message") or MessageForm()
    if context["may_review"]:
        context["checklist_form"] = forms.get("review") or ChecklistForm(
            checklist=application.checklist
        )
    if context["may_decide"]:
        context["decision_form"] = forms.get("decide") or DecisionForm(currency=fund.currency)
    return render(request, "capital/application.html", context)


def _application_actions(request: HttpRequest, found: LoanApplication) -> dict[str, Any]:
    """Each action of the application's page: (its form, or None for a button; the write,
    which returns the message shown once it is done)."""
    actor, currency = authenticated_user(request), found.fund.currency
    data = request.POST

    def decide(form: DecisionForm) -> str:
        services.application_decide(
            actor=actor, application=found, approved=form.approved,
            note=form.cleaned_data["note"], votes=form.votes(), terms=form.terms(),
        )  # fmt: skip
        if form.approved:
            return _("Approved: the loan is offered to the applicant.")
        return _("Declined: the applicant has been told.")

    def attach(form: AttachmentForm) -> str:
        upload = form.cleaned_data["file"]
        services.attachment_add(
            actor=actor, application=found, name=upload.name,
            content_type=upload.content_type or "", data=upload.read(MAX_ATTACHMENT_BYTES + 1),
        )  # fmt: skip
        return _("The file is attached.")

    def submit(form: None) -> str:
        services.application_submit(actor=actor, application=found)
        return _("Submitted: the fund's reviewers have been told.")

    def withdraw(form: None) -> str:
        services.application_withdraw(actor=actor, application=found)
        return _("The application is withdrawn.")

    def to_committee(form: None) -> str:
        services.application_to_committee(actor=actor, application=found)
        return _("The application is before the loan committee.")

    def update(form: ApplicationForm) -> str:
        services.application_update(actor=actor, application=found, values=form.values())
        return _("The application is saved.")

    def message(form: MessageForm) -> str:
        services.application_message(actor=actor, application=found, text=form.cleaned_data["text"])
        return _("Your message is sent.")

    def review(form: ChecklistForm) -> str:
        services.application_review(actor=actor, application=found, checklist=form.values())
        return _("The checklist is saved.")

    return {
        "submit": (None, submit),
        "withdraw": (None, withdraw),
        "to_committee": (None, to_committee),
        "update": (lambda: ApplicationForm(data, currency=currency), update),
        "attach": (lambda: AttachmentForm(data, request.FILES), attach),
        "message": (lambda: MessageForm(data), message),
        "review": (lambda: ChecklistForm(data, checklist=found.checklist), review),
        "decide": (lambda: DecisionForm(data, currency=currency), decide),
    }


def _post(request: HttpRequest, actions: dict[str, Any], back: Any, page: Any) -> HttpResponse:
    """Carry out the posted action: its form checked, then the service's write; done, back
    to the page with a message; refused, the page again with the form and its errors (a
    button's refusal as a message)."""
    action = request.POST.get("action", "")
    if action not in actions:
        raise NotFoundReason(_("No such action"))
    make_form, write = actions[action]
    form = make_form() if make_form else None
    if form is None or form.is_valid():
        try:
            done = write(form)
        except DomainError as error:
            if form is None:
                messages.error(request, error.message)
                return back()
            _show_errors(form, error)
        else:
            messages.success(request, done)
            return back()
    return page(**{action: form})


@login_required
def application(request: HttpRequest, pk: int) -> HttpResponse:
    found = _application(request, pk)
    if request.method != "POST":
        return _application_page(request, found)

    def page(**forms: Any) -> HttpResponse:
        found.refresh_from_db()
        return _application_page(request, found, **forms)

    return _post(
        request, _application_actions(request, found),
        lambda: redirect("capital:application", pk=found.pk), page,
    )  # fmt: skip


@login_required
def attachment(request: HttpRequest, pk: int, file: int) -> HttpResponse:
    """A file of the application, downloaded (never shown inline)."""
    found = _application(request, pk)
    attached = found.attachments.filter(pk=id_param(file)).first()
    if attached is None:
        raise NotFoundReason(_("No such file"))
    response = HttpResponse(bytes(attached.data), content_type=attached.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attached.name) or ""
    response["X-Content-Type-Options"] = "nosniff"
    return response


# The portfolio ------------------------------------------------------------------------------


@login_required
def loans(request: HttpRequest, slug: str) -> HttpResponse:
    """The fund's loans with where each stands today, for its managers and committee;
    filtered by ageing bucket."""
    fund = _fund(request, slug)
    if not _reviewer(request, fund):
        raise PermissionDenied(_("The portfolio is for the fund's managers and committee"))
    on = today()
    rows = selectors.portfolio_status(fund, on=on)
    bucket = request.GET.get("bucket", "")
    if bucket in arrears.BUCKETS:
        rows = [row for row in rows if row.bucket == bucket]
    else:
        bucket = ""
    others = selectors.fund_loans(fund).exclude(status=Loan.Status.ACTIVE)
    return render(request, "capital/loans.html", {
        "fund": fund, "on": on, "bucket": bucket, "buckets": list(BUCKET_LABELS.items()),
        "rows": [(row, BUCKET_LABELS[row.bucket]) for row in rows],
        "others": paginate(others, page=request.GET.get("page", 1), page_size=PAGE_SIZE),
        "query": urlencode({"bucket": bucket}) if bucket else "",
    })  # fmt: skip


# A loan ---------------------------------------------------------------------------------


def _loan(request: HttpRequest, pk: int) -> Loan:
    loan = (
        Loan.objects.select_related("fund__network", "organization", "application")
        .filter(pk=pk)
        .first()
    )
    if loan is None:
        raise NotFoundReason(_("No such loan"))
    return permissions.access_loan(request.user, loan)


def _loan_page(request: HttpRequest, loan: Loan, **forms: Any) -> HttpResponse:
    user, fund, on = request.user, loan.fund, today()
    statement = selectors.loan_statement(loan, on=on)
    manager = permissions.can_service_loan(user, loan)
    context: dict[str, Any] = {
        "loan": loan,
        "fund": fund,
        "on": on,
        "s": statement,
        "bucket_label": BUCKET_LABELS.get(statement.bucket or "", ""),
        "may_respond": permissions.can_accept_offer(user, loan),
        "may_disburse": manager and loan.is_accepted,
        "may_service": manager and loan.is_active,
    }
    if context["may_disburse"]:
        context["disburse_form"] = forms.get("disburse") or DisburseForm(initial={"on": on})
    if context["may_service"]:
        context["repay_form"] = forms.get("repay") or RepaymentForm(
            currency=fund.currency, initial={"paid_on": on}
        )
        context["restructure_form"] = forms.get("restructure") or RestructureForm(
            initial={
                "start": on,
                "months": loan.term_months,
                "annual_rate": loan.annual_rate,
                "method": loan.method,
                "capitalise_interest": True,
            }
        )
        context["write_off_form"] = forms.get("write_off") or WriteOffForm()
    return render(request, "capital/loan.html", context)


def _loan_actions(request: HttpRequest, found: Loan) -> dict[str, Any]:
    """Each action of the loan's page: (its form, or None for a button; the write)."""
    actor, currency = authenticated_user(request), found.fund.currency
    data = request.POST

    def respond(accept: bool) -> str:
        services.loan_respond(actor=actor, loan=found, accept=accept)
        if accept:
            return _("You accepted the loan: the fund will pay it out.")
        return _("You declined the offer.")

    def disburse(form: DisburseForm) -> str:
        services.loan_disburse(
            actor=actor, loan=found, on=form.cleaned_data["on"],
            settle_by_clearing=form.cleaned_data["settle_by_clearing"],
        )  # fmt: skip
        return _("The loan is paid out; its schedule starts on the day it was paid.")

    def repay(form: RepaymentForm) -> str:
        values = form.cleaned_data
        services.repayment_record(
            actor=actor, loan=found, amount=values["amount"], paid_on=values["paid_on"],
            reference=values["reference"],
        )  # fmt: skip
        return _("The repayment is recorded.")

    def restructure(form: RestructureForm) -> str:
        values = form.cleaned_data
        services.loan_restructure(
            actor=actor, loan=found, start=values["start"], months=values["months"],
            annual_rate=values["annual_rate"], method=values["method"],
            grace_months=values["grace_months"], reason=values["reason"],
            capitalise_interest=values["capitalise_interest"],
        )  # fmt: skip
        return _("The loan is restructured: a new schedule, the old one kept.")

    def write_off(form: WriteOffForm) -> str:
        services.loan_write_off(actor=actor, loan=found, reason=form.cleaned_data["reason"])
        return _("The loan is written off.")

    return {
        "accept": (None, lambda form: respond(True)),
        "decline": (None, lambda form: respond(False)),
        "disburse": (lambda: DisburseForm(data), disburse),
        "repay": (lambda: RepaymentForm(data, currency=currency), repay),
        "restructure": (lambda: RestructureForm(data), restructure),
        "write_off": (lambda: WriteOffForm(data), write_off),
    }


@login_required
def loan(request: HttpRequest, pk: int) -> HttpResponse:
    found = _loan(request, pk)
    if request.method != "POST":
        return _loan_page(request, found)

    def page(**forms: Any) -> HttpResponse:
        found.refresh_from_db()
        return _loan_page(request, found, **forms)

    return _post(
        request, _loan_actions(request, found), lambda: redirect("capital:loan", pk=found.pk), page
    )


# The statement ---------------------------------------------------------------------------


@login_required
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    """The borrower's statement, to read or print."""
    found = _loan(request, pk)
    on = today()
    statement = selectors.loan_statement(found, on=on)
    return render(request, "capital/statement.html", {
        "loan": found, "fund": found.fund, "on": on, "s": statement,
        "bucket_label": BUCKET_LABELS.get(statement.bucket or "", ""),
    })  # fmt: skip


@login_required
def statement_csv(request: HttpRequest, pk: int) -> HttpResponse:
    found = _loan(request, pk)
    on = today()
    response = HttpResponse(
        selectors.statement_csv(found, on=on), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="loan-{found.pk}-statement-{on.isoformat()}.csv"'
    )
    return response
