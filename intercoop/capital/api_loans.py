"""Capital API, lending: loan applications and their decision by the loan committee, and
loans (offer, disbursement, repayments, restructuring, write-off, statement); mounted on
`api.router`, whose conventions it follows."""

import datetime as dt
from typing import Annotated, Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from intercoop.capital import permissions, selectors, services
from intercoop.capital.api import (
    ApplicationStatus,
    Id,
    Method,
    Rate,
    Slug,
    Whole,
    fund_for,
    organization_named,
    reviews_fund,
)
from intercoop.capital.models import Instalment, Loan, LoanApplication, Repayment
from intercoop.capital.writing import CHECKLIST, MAX_USES, rate_text
from intercoop.core.api import WRITE_AUTH, idempotency_header
from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT, MoneyIn, Text
from intercoop.core.pagination import api_page, page_schema
from intercoop.core.permissions import NotFoundReason, authenticated_user
from intercoop.directory.permissions import organization_roles

router = Router(tags=["capital"])


# loan applications -------------------------------------------------------------------------


class UseIn(Schema):
    use: Text(SHORT_TEXT)  # type: ignore[valid-type]
    amount: MoneyIn


Uses = Annotated[list[UseIn], Field(max_length=MAX_USES)]


class ApplicationChangeIn(Schema):
    """The terms sent change; those left out stay as they are."""

    purpose: Text(LONG_TEXT) | None = None  # type: ignore[valid-type]
    amount: MoneyIn | None = None
    term_months: Whole | None = None
    requested_rate: Rate | None = None
    method: Method | None = None
    grace_months: Whole | None = None
    uses: Uses | None = None


class ApplicationIn(Schema):
    organization: Slug  # type: ignore[valid-type]
    purpose: Text(LONG_TEXT)  # type: ignore[valid-type]
    amount: MoneyIn
    term_months: Whole
    requested_rate: Rate | None = Field(None, description="the fund's lowest rate if left out")
    method: Method = "annuity"
    grace_months: Whole = 0
    uses: Uses = []


class UseOut(Schema):
    use: str
    amount: int


class ApplicationOut(Schema):
    id: int
    fund: str
    organization: str
    purpose: str
    amount: int
    currency: str
    term_months: int
    requested_rate: str
    method: str
    grace_months: int
    uses: list[UseOut]
    status: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    decision_note: str
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    poll: int | None = Field(description="the committee's governance poll, if it decides by one")
    loan: int | None


class MessageOut(Schema):
    id: int
    author: str | None
    from_applicant: bool
    text: str
    created_at: dt.datetime


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: dt.datetime


class ApplicationDetailOut(ApplicationOut):
    checklist: dict[str, bool]
    checklist_items: dict[str, str] = Field(description="each checklist key and what it asks")
    messages: list[MessageOut]
    attachments: list[AttachmentOut]
    can_edit: bool
    can_withdraw: bool
    can_review: bool
    can_answer: bool
    can_decide: bool


class ReviewIn(Schema):
    checklist: Annotated[dict[Text(40), bool], Field(max_length=len(CHECKLIST) + 10)]  # type: ignore[valid-type]


class MessageIn(Schema):
    text: Text(LONG_TEXT)  # type: ignore[valid-type]


class VotesIn(Schema):
    agree: Whole
    disagree: Whole
    abstain: Whole = 0


class TermsIn(Schema):
    """Terms the committee sets instead of the application's (those sent)."""

    amount: MoneyIn | None = None
    term_months: Whole | None = None
    requested_rate: Rate | None = None
    method: Method | None = None
    grace_months: Whole | None = None


class DecisionIn(Schema):
    approved: bool
    note: Text(LONG_TEXT) = ""  # type: ignore[valid-type]
    votes: VotesIn | None = None
    terms: TermsIn | None = None


def _application_out(application: LoanApplication) -> dict[str, Any]:
    fields = (
        "purpose", "amount", "term_months", "method", "grace_months", "uses", "status",
        "created_at", "submitted_at", "decided_at", "decision_note", "votes_for",
        "votes_against", "votes_abstain",
    )  # fmt: skip
    loan: Loan | None = getattr(application, "loan", None)  # select_related: no query
    return {name: getattr(application, name) for name in fields} | {
        "id": application.pk,
        "fund": application.fund.slug,
        "organization": application.organization.slug,
        "currency": application.fund.currency,
        "requested_rate": rate_text(application.requested_rate),
        "poll": application.poll_id,
        "loan": loan.pk if loan else None,
    }


def _application(request: HttpRequest, pk: int) -> LoanApplication:
    """The application if the user may see it (else 404)."""
    found = (
        LoanApplication.objects.select_related("fund__network", "organization", "loan")
        .filter(pk=pk)
        .first()
    )
    if found is None or not permissions.can_view_application(request.user, found):
        raise NotFoundReason(_("No such loan application"))
    return found


def _application_detail(request: HttpRequest, application: LoanApplication) -> dict[str, Any]:
    user = request.user
    return _application_out(application) | {
        "checklist": {key: bool(application.checklist.get(key)) for key in CHECKLIST},
        "checklist_items": {key: str(label) for key, label in CHECKLIST.items()},
        "messages": [
            {
                "id": m.pk,
                "author": m.author.get_username() if m.author else None,
                "from_applicant": m.from_applicant,
                "text": m.text,
                "created_at": m.created_at,
            }
            for m in application.messages.select_related("author")
        ],
        "attachments": [
            {
                "id": a.pk,
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "uploaded_at": a.uploaded_at,
            }
            for a in application.attachments.defer("data")
        ],
        "can_edit": permissions.can_edit_application(user, application),
        "can_withdraw": permissions.can_withdraw_application(user, application),
        "can_review": permissions.can_review(user, application),
        "can_answer": permissions.can_answer(user, application),
        "can_decide": permissions.can_decide(user, application),
    }


def _fresh_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _application_detail(request, _application(request, pk))


@router.post("/funds/{slug}/applications", auth=WRITE_AUTH,
             response={201: ApplicationDetailOut},
             summary="A member co-op's draft application (its admins and editors); submit "
                     "it when ready")  # fmt: skip
def create_application(request: HttpRequest, slug: str, payload: ApplicationIn) -> Any:
    fund = fund_for(request, slug)
    values = payload.dict(exclude={"organization"})
    if values["requested_rate"] is None:
        del values["requested_rate"]
    application = services.application_create(
        actor=authenticated_user(request), fund=fund,
        organization=organization_named(payload.organization, "organization"), values=values,
    )  # fmt: skip
    return 201, _fresh_detail(request, application.pk)


@router.get("/funds/{slug}/applications", auth=WRITE_AUTH, response=page_schema(ApplicationOut),
            summary="The fund's applications: your organisations' (drafts too); every "
                    "submitted one for its managers and committee (?status=, paged)")  # fmt: skip
def list_applications(
    request: HttpRequest, slug: str, status: ApplicationStatus | None = None,
    page: int = 1, page_size: int = 50,
) -> Any:  # fmt: skip
    fund = fund_for(request, slug)
    mine = Q(organization_id__in=list(organization_roles(request.user)))
    if reviews_fund(request, fund):  # and every submitted one
        mine |= ~Q(status=LoanApplication.Status.DRAFT)
    applications = (
        LoanApplication.objects.filter(fund=fund)
        .filter(mine)
        .select_related("fund", "organization", "loan")
        .order_by("-created_at", "-pk")
    )
    if status:
        applications = applications.filter(status=status)
    return api_page(applications, page=page, page_size=page_size, out=_application_out)


@router.get("/loan-applications/{pk}", auth=WRITE_AUTH, response=ApplicationDetailOut,
            summary="An application with its checklist, messages and attachments")  # fmt: skip
def application_detail(request: HttpRequest, pk: Id) -> Any:
    return _fresh_detail(request, pk)


@router.patch("/loan-applications/{pk}", auth=WRITE_AUTH, response=ApplicationDetailOut,
              summary="Change the terms asked for, until the review starts (the "
                      "applicant)")  # fmt: skip
def update_application(request: HttpRequest, pk: Id, payload: ApplicationChangeIn) -> Any:
    values = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    services.application_update(
        actor=authenticated_user(request), application=_application(request, pk), values=values
    )
    return _fresh_detail(request, pk)


@router.post("/loan-applications/{pk}/submit", auth=WRITE_AUTH, response=ApplicationDetailOut,
             summary="Submit a draft to the fund (the applicant)")  # fmt: skip
def submit_application(request: HttpRequest, pk: Id) -> Any:
    services.application_submit(
        actor=authenticated_user(request), application=_application(request, pk)
    )
    return _fresh_detail(request, pk)


@router.post("/loan-applications/{pk}/withdraw", auth=WRITE_AUTH,
             response=ApplicationDetailOut,
             summary="Withdraw an open application (the applicant)")  # fmt: skip
def withdraw_application(request: HttpRequest, pk: Id) -> Any:
    services.application_withdraw(
        actor=authenticated_user(request), application=_application(request, pk)
    )
    return _fresh_detail(request, pk)


@router.post("/loan-applications/{pk}/review", auth=WRITE_AUTH, response=ApplicationDetailOut,
             summary="Tick the reviewers' checklist (the fund's managers and "
                     "committee)")  # fmt: skip
def review_application(request: HttpRequest, pk: Id, payload: ReviewIn) -> Any:
    services.application_review(
        actor=authenticated_user(request), application=_application(request, pk),
        checklist=payload.checklist,
    )  # fmt: skip
    return _fresh_detail(request, pk)


@router.post("/loan-applications/{pk}/messages", auth=WRITE_AUTH,
             response={201: ApplicationDetailOut},
             summary="A reviewer's question or the applicant's answer")  # fmt: skip
def write_message(request: HttpRequest, pk: Id, payload: MessageIn) -> Any:
    services.application_message(
        actor=authenticated_user(request), application=_application(request, pk),
        text=payload.text,
    )  # fmt: skip
    return 201, _fresh_detail(request, pk)


@router.post("/loan-applications/{pk}/to-committee", auth=WRITE_AUTH,
             response=ApplicationDetailOut,
             summary="Put a reviewed application to the loan committee: a poll of the "
                     "committee if the fund decides by poll (the fund's reviewers)")  # fmt: skip
def to_committee(request: HttpRequest, pk: Id) -> Any:
    services.application_to_committee(
        actor=authenticated_user(request), application=_application(request, pk)
    )
    return _fresh_detail(request, pk)


@router.post("/loan-applications/{pk}/decision", auth=WRITE_AUTH,
             response=ApplicationDetailOut,
             summary="The loan committee's recorded decision; approved, the loan is offered "
                     "(on `terms`, if sent)")  # fmt: skip
def decide_application(request: HttpRequest, pk: Id, payload: DecisionIn) -> Any:
    votes = (
        (payload.votes.agree, payload.votes.disagree, payload.votes.abstain)
        if payload.votes
        else None
    )
    terms = payload.terms.dict(exclude_none=True) if payload.terms else None
    services.application_decide(
        actor=authenticated_user(request), application=_application(request, pk),
        approved=payload.approved, note=payload.note, votes=votes, terms=terms,
    )  # fmt: skip
    return _fresh_detail(request, pk)


# loans ---------------------------------------------------------------------------------------


class InstalmentOut(Schema):
    number: int
    due_on: dt.date
    payment: int
    interest: int
    principal: int
    balance: int
    interest_paid: int
    principal_paid: int
    settled_on: dt.date | None
    late: bool
    obligation: int | None = Field(description="its clearing obligation, if it has one")


class ScheduleOut(Schema):
    version: int
    start: dt.date
    principal: int
    annual_rate: str
    months: int
    method: str
    grace_months: int
    reason: str
    rows: list[InstalmentOut]


class LoanOut(Schema):
    id: int
    fund: str
    application: int
    organization: str
    principal: int
    currency: str
    annual_rate: str
    term_months: int
    method: str
    grace_months: int
    status: str
    offered_at: dt.datetime
    accepted_at: dt.datetime | None
    disbursed_on: dt.date | None
    closed_on: dt.date | None
    settle_by_clearing: bool


class LoanDetailOut(LoanOut):
    on: dt.date
    paid_total: int
    principal_outstanding: int
    overdue: int
    overdue_interest: int
    overdue_principal: int
    days_past_due: int
    bucket: str | None = Field(description="the ageing bucket; null once written off")
    written_off: int = Field(description="the principal written off (then none is outstanding)")
    next_due: dt.date | None
    next_due_amount: int
    schedule: ScheduleOut | None
    can_respond: bool
    can_service: bool


class RepaymentOut(Schema):
    id: int
    loan: int
    schedule_version: int
    amount: int
    currency: str
    paid_on: dt.date
    source: str
    obligation: int | None
    reference: str


class VersionOut(Schema):
    version: int
    start: dt.date
    principal: int
    annual_rate: str
    months: int
    method: str
    reason: str
    paid: int


class StatementOut(Schema):
    loan: int
    on: dt.date
    currency: str
    principal: int
    interest_paid: int
    principal_paid: int
    outstanding: int
    overdue: int
    overdue_interest: int
    overdue_principal: int
    days_past_due: int
    bucket: str | None = Field(description="the ageing bucket; null once written off")
    written_off: int
    unapplied: int
    next_due: dt.date | None
    next_due_amount: int
    paid_total: int
    rows: list[InstalmentOut]
    repayments: list[RepaymentOut]
    earlier_schedules: list[VersionOut]


class DisburseIn(Schema):
    on: dt.date
    settle_by_clearing: bool = Field(
        False, description="each instalment due becomes an obligation to the fund's holder"
    )


class RepaymentIn(Schema):
    amount: MoneyIn
    paid_on: dt.date
    reference: Text(SHORT_TEXT) = ""  # type: ignore[valid-type]


class RestructureIn(Schema):
    start: dt.date
    months: Whole
    annual_rate: Rate
    method: Method
    grace_months: Whole = 0
    reason: Text(SHORT_TEXT)  # type: ignore[valid-type]
    capitalise_interest: bool = True


class WriteOffIn(Schema):
    reason: Text(SHORT_TEXT)  # type: ignore[valid-type]


def _loan(request: HttpRequest, pk: int) -> Loan:
    """The loan if the user may see it (else 404)."""
    found = Loan.objects.select_related("fund__network", "organization").filter(pk=pk).first()
    if found is None or not permissions.can_view_loan(request.user, found):
        raise NotFoundReason(_("No such loan"))
    return found


def _loan_out(loan: Loan) -> dict[str, Any]:
    fields = (
        "principal", "term_months", "method", "grace_months", "status", "offered_at",
        "accepted_at", "disbursed_on", "closed_on", "settle_by_clearing",
    )  # fmt: skip
    return {name: getattr(loan, name) for name in fields} | {
        "id": loan.pk,
        "fund": loan.fund.slug,
        "application": loan.application_id,
        "organization": loan.organization.slug,
        "currency": loan.fund.currency,
        "annual_rate": rate_text(loan.annual_rate),
    }


def _rows(statement: selectors.LoanStatement) -> list[dict[str, Any]]:
    obligations = (
        dict(
            Instalment.objects.filter(schedule=statement.schedule).values_list(
                "number", "obligation_id"
            )
        )
        if statement.schedule
        else {}
    )
    fields = (
        "number", "due_on", "payment", "interest", "principal", "balance", "interest_paid",
        "principal_paid", "settled_on", "late",
    )  # fmt: skip
    return [
        {name: getattr(row, name) for name in fields} | {"obligation": obligations.get(row.number)}
        for row in statement.rows
    ]


def _loan_detail(request: HttpRequest, loan: Loan) -> dict[str, Any]:
    statement = selectors.loan_statement(loan, on=services.today())
    stored = statement.schedule
    schedule = None
    if stored is not None:
        schedule = {
            "version": stored.version, "start": stored.start, "principal": stored.principal,
            "annual_rate": rate_text(stored.annual_rate), "months": stored.months,
            "method": stored.method, "grace_months": stored.grace_months,
            "reason": stored.reason, "rows": _rows(statement),
        }  # fmt: skip
    figures = (
        "overdue", "overdue_interest", "overdue_principal", "days_past_due", "bucket",
        "written_off", "next_due", "next_due_amount", "paid_total",
    )  # fmt: skip
    return (
        _loan_out(loan)
        | {name: getattr(statement, name) for name in figures}
        | {
            "on": statement.on,
            "principal_outstanding": loan.principal_outstanding,
            "schedule": schedule,
            "can_respond": permissions.can_accept_offer(request.user, loan),
            "can_service": loan.is_active and permissions.can_service_loan(request.user, loan),
        }
    )


def _repayment_out(repayment: Repayment, currency: str) -> dict[str, Any]:
    return {
        "id": repayment.pk, "loan": repayment.loan_id,
        "schedule_version": repayment.schedule.version, "amount": repayment.amount,
        "currency": currency, "paid_on": repayment.paid_on, "source": repayment.source,
        "obligation": repayment.obligation_id, "reference": repayment.reference,
    }  # fmt: skip


def _fresh_loan(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _loan_detail(request, _loan(request, pk))


@router.get("/loans/{pk}", auth=WRITE_AUTH, response=LoanDetailOut,
            summary="A loan: its terms, status today and current schedule with what was "
                    "paid of each instalment")  # fmt: skip
def loan_detail(request: HttpRequest, pk: Id) -> Any:
    return _fresh_loan(request, pk)


@router.post("/loans/{pk}/accept", auth=WRITE_AUTH, response=LoanDetailOut,
             summary="The borrower accepts the offer (its admins and editors)")  # fmt: skip
def accept_loan(request: HttpRequest, pk: Id) -> Any:
    services.loan_respond(actor=authenticated_user(request), loan=_loan(request, pk), accept=True)
    return _fresh_loan(request, pk)


@router.post("/loans/{pk}/decline", auth=WRITE_AUTH, response=LoanDetailOut,
             summary="The borrower declines the offer (its admins and editors)")  # fmt: skip
def decline_loan(request: HttpRequest, pk: Id) -> Any:
    services.loan_respond(actor=authenticated_user(request), loan=_loan(request, pk),
                          accept=False)  # fmt: skip
    return _fresh_loan(request, pk)


@router.post("/loans/{pk}/disburse", auth=WRITE_AUTH, response=LoanDetailOut,
             summary="Pay out an accepted loan; its schedule starts that day (the fund's "
                     "managers)")  # fmt: skip
def disburse_loan(request: HttpRequest, pk: Id, payload: DisburseIn) -> Any:
    services.loan_disburse(
        actor=authenticated_user(request), loan=_loan(request, pk), on=payload.on,
        settle_by_clearing=payload.settle_by_clearing,
    )  # fmt: skip
    return _fresh_loan(request, pk)


@router.post("/loans/{pk}/repayments", auth=WRITE_AUTH, response={201: RepaymentOut},
             summary="A repayment received: it pays the oldest instalment first, interest "
                     "before principal (the fund's managers); send an Idempotency-Key "
                     "header so that a retried request never records it twice")  # fmt: skip
def record_repayment(
    request: HttpRequest, pk: Id, payload: RepaymentIn,
    idempotency_key: str | None = idempotency_header(),
) -> Any:  # fmt: skip
    loan = _loan(request, pk)
    repayment = services.repayment_record(
        actor=authenticated_user(request), loan=loan, amount=payload.amount,
        paid_on=payload.paid_on, reference=payload.reference, idempotency_key=idempotency_key,
    )  # fmt: skip
    return 201, _repayment_out(repayment, loan.fund.currency)


@router.post("/loans/{pk}/restructure", auth=WRITE_AUTH, response=LoanDetailOut,
             summary="A new schedule for what is left (the old one is kept; the fund's "
                     "managers)")  # fmt: skip
def restructure_loan(request: HttpRequest, pk: Id, payload: RestructureIn) -> Any:
    services.loan_restructure(
        actor=authenticated_user(request), loan=_loan(request, pk), start=payload.start,
        months=payload.months, annual_rate=payload.annual_rate, method=payload.method,
        grace_months=payload.grace_months, reason=payload.reason,
        capitalise_interest=payload.capitalise_interest,
    )  # fmt: skip
    return _fresh_loan(request, pk)


@router.post("/loans/{pk}/write-off", auth=WRITE_AUTH, response=LoanDetailOut,
             summary="Write off what is left, by correcting entries (the fund's "
                     "managers)")  # fmt: skip
def write_off_loan(request: HttpRequest, pk: Id, payload: WriteOffIn) -> Any:
    services.loan_write_off(actor=authenticated_user(request), loan=_loan(request, pk),
                            reason=payload.reason)  # fmt: skip
    return _fresh_loan(request, pk)


@router.get("/loans/{pk}/statement", auth=WRITE_AUTH, response=StatementOut,
            summary="The borrower's statement on a date (?on=, today if left out): each "
                    "instalment with what was paid of it, the repayments, earlier "
                    "schedules")  # fmt: skip
def loan_statement(request: HttpRequest, pk: Id, on: dt.date | None = None) -> Any:
    loan = _loan(request, pk)
    statement = selectors.loan_statement(loan, on=on or services.today())
    figures = (
        "on", "currency", "principal", "interest_paid", "principal_paid", "outstanding",
        "overdue", "overdue_interest", "overdue_principal", "days_past_due", "bucket",
        "written_off", "unapplied", "next_due", "next_due_amount", "paid_total",
    )  # fmt: skip
    return {name: getattr(statement, name) for name in figures} | {
        "loan": loan.pk,
        "rows": _rows(statement),
        "repayments": [_repayment_out(r, statement.currency) for r in statement.repayments],
        "earlier_schedules": [
            {
                "version": v.version,
                "start": v.start,
                "principal": v.principal,
                "annual_rate": rate_text(v.annual_rate),
                "months": v.months,
                "method": v.method,
                "reason": v.reason,
                "paid": v.paid,
            }
            for v in statement.versions
        ],
    }
