"""Capital API: a network's fund (its figures and lending policy), capital in (pledges,
contributions, member equity, investor notes), and (`api_loans`) loan applications and
their decision by the loan committee, and loans (offer, disbursement, repayments,
restructuring, write-off, statement).

Money is integer minor units with the fund's currency; rates are decimal strings in per
cent a year ("4.5"). Handlers find what is asked for (404 for what the caller may not
see) and call the service, which checks who may do it (403) and the values (400 naming
the field; a value of the wrong type or shape is a 422)."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, Literal, get_args

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from intercoop.capital import permissions, selectors, services
from intercoop.capital.models import (
    Contribution,
    EquityEntry,
    EquityTier,
    Fund,
    InvestorNote,
    LoanApplication,
    Pledge,
)
from intercoop.capital.schedule import METHODS
from intercoop.capital.writing import rate_text
from intercoop.core.api import WRITE_AUTH, idempotency_header
from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT, MoneyIn, SignedMoneyIn, Text
from intercoop.core.errors import DomainError
from intercoop.core.pagination import api_page, page_schema
from intercoop.core.permissions import NotFoundReason, authenticated_user
from intercoop.directory.models import Organization
from intercoop.governance.models import Body

router = Router(tags=["capital"])

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Whole = Annotated[int, Field(ge=0, le=100_000)]
Year = Annotated[int, Field(ge=1900, le=9999)]
Slug = Text(SHORT_TEXT)
Rate = Annotated[
    str,
    Field(
        max_length=8,
        pattern=r"^\d{1,3}(\.\d{1,3})?$",
        description="per cent a year, a decimal string such as 4.5",
    ),
]
Method = Literal["annuity", "equal-principal", "interest-only", "flat"]
ApplicationStatus = Literal[
    "draft", "submitted", "review", "vote", "approved", "declined", "withdrawn"
]
assert set(get_args(Method)) == set(METHODS)
assert set(get_args(ApplicationStatus)) == set(LoanApplication.Status.values)


def _percent(value: Fraction) -> str:
    """A share (0–1) as a percentage with 2 decimals: "12.50"."""
    return f"{Decimal(value.numerator) / Decimal(value.denominator) * 100:.2f}"


def organization_named(slug: str | None, field: str) -> Organization:
    found = Organization.objects.filter(slug=slug or "").first()
    if found is None:
        raise DomainError(_("No organisation has this slug"), field=field)
    return found


# the fund ----------------------------------------------------------------------------------


class FundOut(Schema):
    slug: str
    name: str
    network: str
    holder: str
    currency: str
    description: str
    eligibility: str
    max_loan: int
    min_term_months: int
    max_term_months: int
    min_rate: str
    max_rate: str
    min_membership_months: int
    investor_min_rate: str
    investor_max_rate: str
    committee: str | None = Field(description="the loan committee's slug (a governance body)")
    decide_by_poll: bool
    decision_days: int
    reserve_percent: str
    can_manage: bool
    can_review: bool = Field(description="a manager of the fund or on its loan committee")


class TierOut(Schema):
    id: int
    name: str
    description: str
    amount: int


class AgeingOut(Schema):
    bucket: str
    loans: int
    principal_outstanding: int
    overdue: int
    percent: float


class DueOut(Schema):
    loan: int
    organization: str
    number: int
    due_on: dt.date
    payment: int
    amount: int = Field(description="what is left to pay of it")


class MaturingOut(Schema):
    note: int
    investor: str
    amount: int
    matures_on: dt.date
    due_on: dt.date
    notice_given_on: dt.date | None
    first_loss: bool


class OverviewOut(Schema):
    on: dt.date
    currency: str
    contributions: int
    member_equity: int
    notes_outstanding: int
    capital_in: int
    loss_reserve: int
    disbursed: int
    principal_outstanding: int
    committed: int
    cash: int
    available: int = Field(description="cash less the loans accepted and not yet disbursed")
    loans_by_status: dict[str, int]
    active_loans: int
    late_loans: int
    overdue: int
    par30: str = Field(description="per cent of the outstanding portfolio, 2 decimals")
    par90: str
    arrears_rate: str
    ageing: list[AgeingOut]
    due_soon_total: int = Field(description="left to pay of the instalments listed in due_soon")
    due_soon: list[DueOut] = Field(description="the fund's managers and committee only")
    due_soon_more: bool
    notes_maturing_count: int
    notes_maturing: list[MaturingOut] = Field(description="the fund's managers only")


class FundDetailOut(FundOut):
    tiers: list[TierOut]
    overview: OverviewOut


class PolicyIn(Schema):
    """The policy fields sent change; those left out stay as they are."""

    name: Text(SHORT_TEXT) | None = None  # type: ignore[valid-type]
    description: Text(LONG_TEXT) | None = None  # type: ignore[valid-type]
    eligibility: Text(LONG_TEXT) | None = None  # type: ignore[valid-type]
    max_loan: MoneyIn | None = None
    min_term_months: Whole | None = None
    max_term_months: Whole | None = None
    min_rate: Rate | None = None
    max_rate: Rate | None = None
    min_membership_months: Whole | None = None
    investor_min_rate: Rate | None = None
    investor_max_rate: Rate | None = None
    committee: Slug | None = Field(  # type: ignore[valid-type]
        None, description="a committee of the fund's network (its slug); null for none"
    )
    decide_by_poll: bool | None = None
    decision_days: Whole | None = None
    reserve_percent: Rate | None = None


def fund_for(request: HttpRequest, slug: str) -> Fund:
    """The fund if the user may see it (else 404)."""
    found = Fund.objects.select_related("network", "holder", "committee").filter(slug=slug).first()
    if found is None or not permissions.can_view_fund(request.user, found):
        raise NotFoundReason(_("No such fund"))
    return found


def reviews_fund(request: HttpRequest, fund: Fund) -> bool:
    return permissions.can_manage_fund(request.user, fund) or permissions.is_committee_member(
        request.user, fund
    )


def _fund_out(request: HttpRequest, fund: Fund) -> dict[str, Any]:
    plain_fields = (
        "slug", "name", "currency", "description", "eligibility", "max_loan",
        "min_term_months", "max_term_months", "min_membership_months", "decide_by_poll",
        "decision_days",
    )  # fmt: skip
    rates = ("min_rate", "max_rate", "investor_min_rate", "investor_max_rate", "reserve_percent")
    return (
        {name: getattr(fund, name) for name in plain_fields}
        | {name: rate_text(getattr(fund, name)) for name in rates}
        | {
            "network": fund.network.slug,
            "holder": fund.holder.slug,
            "committee": fund.committee.slug if fund.committee else None,
            "can_manage": permissions.can_manage_fund(request.user, fund),
            "can_review": reviews_fund(request, fund),
        }
    )


def _overview(request: HttpRequest, fund: Fund) -> dict[str, Any]:
    o = selectors.fund_overview(fund, on=services.today())
    reviews = reviews_fund(request, fund)
    manages = permissions.can_manage_fund(request.user, fund)
    figures = (
        "on", "currency", "contributions", "member_equity", "notes_outstanding", "capital_in",
        "loss_reserve", "disbursed", "principal_outstanding", "committed", "cash", "available",
        "loans_by_status", "active_loans", "late_loans", "overdue", "due_soon_total",
        "due_soon_more",
    )  # fmt: skip
    return {name: getattr(o, name) for name in figures} | {
        "par30": _percent(o.par30),
        "par90": _percent(o.par90),
        "arrears_rate": _percent(o.arrears_rate),
        "ageing": [
            {
                "bucket": r.bucket,
                "loans": r.loans,
                "principal_outstanding": r.principal_outstanding,
                "overdue": r.overdue,
                "percent": r.percent,
            }
            for r in o.ageing
        ],
        "due_soon": [
            {
                "loan": r.loan_id,
                "organization": r.organization_name,
                "number": r.number,
                "due_on": r.due_on,
                "payment": r.payment,
                "amount": r.amount,
            }
            for r in o.due_soon
        ]
        if reviews
        else [],
        "notes_maturing_count": len(o.notes_maturing),
        "notes_maturing": [
            {
                "note": n.note_id,
                "investor": n.investor_name,
                "amount": n.amount,
                "matures_on": n.matures_on,
                "due_on": n.due_on,
                "notice_given_on": n.notice_given_on,
                "first_loss": n.first_loss,
            }
            for n in o.notes_maturing
        ]
        if manages
        else [],
    }


def _fund_detail(request: HttpRequest, fund: Fund) -> dict[str, Any]:
    return _fund_out(request, fund) | {
        "tiers": [
            {"id": t.pk, "name": t.name, "description": t.description, "amount": t.amount}
            for t in EquityTier.objects.filter(fund=fund)
        ],
        "overview": _overview(request, fund),
    }


@router.get("/funds", auth=WRITE_AUTH, response=page_schema(FundOut),
            summary="The funds of the networks you belong to or coordinate, paged")  # fmt: skip
def list_funds(request: HttpRequest, page: int = 1, page_size: int = 50) -> Any:
    funds = selectors.my_funds(request.user).select_related("committee").order_by("name", "pk")
    return api_page(funds, page=page, page_size=page_size,
                    out=lambda fund: _fund_out(request, fund))  # fmt: skip


@router.get("/funds/{slug}", auth=WRITE_AUTH, response=FundDetailOut,
            summary="A fund: its policy and today's figures (capital in and out, PAR, "
                    "ageing, repayments due, notes maturing)")  # fmt: skip
def fund_detail(request: HttpRequest, slug: str) -> Any:
    return _fund_detail(request, fund_for(request, slug))


@router.patch("/funds/{slug}", auth=WRITE_AUTH, response=FundDetailOut,
              summary="Change the lending policy (the network's coordinators)")  # fmt: skip
def update_fund(request: HttpRequest, slug: str, payload: PolicyIn) -> Any:
    fund = fund_for(request, slug)
    values: dict[str, Any] = payload.dict(exclude_unset=True, exclude={"committee"})
    values = {name: value for name, value in values.items() if value is not None}
    if "committee" in payload.model_fields_set:
        committee = None
        if payload.committee:
            committee = Body.objects.filter(
                kind=Body.Kind.COMMITTEE, slug=payload.committee, network=fund.network
            ).first()
            if committee is None:
                raise DomainError(_("is a committee of the fund's network"), field="committee")
        values["committee"] = committee
    services.fund_update(actor=authenticated_user(request), fund=fund, values=values)
    return _fund_detail(request, fund_for(request, slug))


# capital in --------------------------------------------------------------------------------


class PledgeIn(Schema):
    organization: Slug  # type: ignore[valid-type]
    percent_of_surplus: Rate | None = None
    yearly_amount: MoneyIn | None = None
    first_year: Year
    years: Whole
    note: Text(SHORT_TEXT) = ""  # type: ignore[valid-type]


class PledgeOut(Schema):
    id: int
    organization: str
    percent_of_surplus: str | None
    yearly_amount: int | None
    currency: str
    first_year: int
    years: int
    note: str


class ContributionIn(Schema):
    organization: Slug  # type: ignore[valid-type]
    amount: MoneyIn
    received_on: dt.date
    pledge: Id | None = None
    surplus_year: Year | None = None


class ContributionOut(Schema):
    id: int
    organization: str
    amount: int
    currency: str
    received_on: dt.date
    pledge: int | None
    surplus_year: int | None


class EquityIn(Schema):
    organization: Slug  # type: ignore[valid-type]
    amount: SignedMoneyIn = Field(description="bought (> 0) or redeemed (< 0)")
    on: dt.date
    tier: Id | None = None


class EquityOut(Schema):
    id: int
    organization: str
    amount: int
    currency: str
    on: dt.date
    tier: int | None


@router.post("/funds/{slug}/pledges", auth=WRITE_AUTH, response={201: PledgeOut},
             summary="A member co-op pledges a share of its surplus, or an amount a year "
                     "(its admins and editors; the coordinators for a member)")  # fmt: skip
def make_pledge(request: HttpRequest, slug: str, payload: PledgeIn) -> Any:
    fund = fund_for(request, slug)
    pledge = services.pledge_make(
        actor=authenticated_user(request), fund=fund,
        organization=organization_named(payload.organization, "organization"),
        percent_of_surplus=payload.percent_of_surplus, yearly_amount=payload.yearly_amount,
        first_year=payload.first_year, years=payload.years, note=payload.note,
    )  # fmt: skip
    return 201, _pledge_out(pledge, fund)


def _pledge_out(pledge: Pledge, fund: Fund) -> dict[str, Any]:
    return {
        "id": pledge.pk, "organization": pledge.organization.slug,
        "percent_of_surplus": (
            None if pledge.percent_of_surplus is None else rate_text(pledge.percent_of_surplus)
        ),
        "yearly_amount": pledge.yearly_amount, "currency": fund.currency,
        "first_year": pledge.first_year, "years": pledge.years, "note": pledge.note,
    }  # fmt: skip


@router.post("/funds/{slug}/contributions", auth=WRITE_AUTH, response={201: ContributionOut},
             summary="Money a member co-op paid into the fund (the fund's managers); send an "
                     "Idempotency-Key header so that a retried request never records it "
                     "twice")  # fmt: skip
def record_contribution(
    request: HttpRequest, slug: str, payload: ContributionIn,
    idempotency_key: str | None = idempotency_header(),
) -> Any:  # fmt: skip
    fund = fund_for(request, slug)
    pledge = None
    if payload.pledge is not None:
        pledge = Pledge.objects.filter(pk=payload.pledge, fund=fund).first()
        if pledge is None:
            raise DomainError(_("No pledge to this fund has this id"), field="pledge")
    made: Contribution = services.contribution_record(
        actor=authenticated_user(request), fund=fund,
        organization=organization_named(payload.organization, "organization"),
        amount=payload.amount, received_on=payload.received_on, pledge=pledge,
        surplus_year=payload.surplus_year, idempotency_key=idempotency_key,
    )  # fmt: skip
    return 201, {
        "id": made.pk, "organization": made.organization.slug, "amount": made.amount,
        "currency": fund.currency, "received_on": made.received_on, "pledge": made.pledge_id,
        "surplus_year": made.surplus_year,
    }  # fmt: skip


@router.post("/funds/{slug}/equity", auth=WRITE_AUTH, response={201: EquityOut},
             summary="Member equity bought or redeemed (the fund's managers)")  # fmt: skip
def record_equity(request: HttpRequest, slug: str, payload: EquityIn) -> Any:
    fund = fund_for(request, slug)
    tier = None
    if payload.tier is not None:
        tier = EquityTier.objects.filter(pk=payload.tier, fund=fund).first()
        if tier is None:
            raise DomainError(_("is one of the fund's tiers"), field="tier")
    entry: EquityEntry = services.equity_record(
        actor=authenticated_user(request), fund=fund,
        organization=organization_named(payload.organization, "organization"),
        amount=payload.amount, on=payload.on, tier=tier,
    )  # fmt: skip
    return 201, {
        "id": entry.pk, "organization": entry.organization.slug, "amount": entry.amount,
        "currency": fund.currency, "on": entry.on, "tier": entry.tier_id,
    }  # fmt: skip


# investor notes ----------------------------------------------------------------------------


class NoteIn(Schema):
    amount: MoneyIn
    rate: Rate
    term_months: Whole
    issued_on: dt.date
    organization: Slug | None = Field(None, description="an organisation's note, or…")  # type: ignore[valid-type]
    user: Text(150) | None = Field(None, description="…a person's (username)")  # type: ignore[valid-type]
    notice_days: Whole = 90
    first_loss: bool = False


class NoteOut(Schema):
    id: int
    fund: str
    investor: str
    organization: str | None
    user: str | None
    amount: int
    currency: str
    rate: str
    term_months: int
    notice_days: int
    first_loss: bool
    issued_on: dt.date
    matures_on: dt.date
    status: str
    notice_given_on: dt.date | None
    repaid_on: dt.date | None
    interest_paid: int


class NoteYearOut(Schema):
    year: int
    principal: int
    interest_earned: int
    interest_paid: int
    closing_principal: int
    closing_balance: int


class NoteDetailOut(NoteOut):
    on: dt.date
    interest_accrued: int
    interest_owed: int
    years: list[NoteYearOut]
    can_give_notice: bool
    can_repay: bool


class RepayNoteIn(Schema):
    on: dt.date


def _note_out(note: InvestorNote) -> dict[str, Any]:
    fields = (
        "amount", "term_months", "notice_days", "first_loss", "issued_on", "matures_on",
        "status", "notice_given_on", "repaid_on", "interest_paid",
    )  # fmt: skip
    return {name: getattr(note, name) for name in fields} | {
        "id": note.pk,
        "fund": note.fund.slug,
        "investor": note.investor_name,
        "organization": note.organization.slug if note.organization else None,
        "user": note.user.get_username() if note.user else None,
        "currency": note.fund.currency,
        "rate": rate_text(note.rate),
    }


def _note(request: HttpRequest, pk: int) -> InvestorNote:
    """The note if the user may see it (else 404)."""
    found = (
        InvestorNote.objects.select_related("fund__network", "organization", "user")
        .filter(pk=pk)
        .first()
    )
    if found is None or not permissions.can_view_note(request.user, found):
        raise NotFoundReason(_("No such investor note"))
    return found


def _note_detail(request: HttpRequest, note: InvestorNote) -> dict[str, Any]:
    statement = selectors.note_statement(note, on=services.today())
    return _note_out(note) | {
        "on": statement.on,
        "interest_accrued": statement.interest_accrued,
        "interest_owed": statement.interest_owed,
        "years": [
            {
                "year": y.year,
                "principal": y.principal,
                "interest_earned": y.interest_earned,
                "interest_paid": y.interest_paid,
                "closing_principal": y.closing_principal,
                "closing_balance": y.closing_balance,
            }
            for y in statement.years
        ],
        "can_give_notice": permissions.can_give_notice(request.user, note),
        "can_repay": note.is_open and permissions.can_record_capital(request.user, note.fund),
    }


@router.post("/funds/{slug}/notes", auth=WRITE_AUTH, response={201: NoteDetailOut},
             summary="An investor note received, from an organisation or a person, at a "
                     "rate within the fund's investor range (the fund's managers)")  # fmt: skip
def record_note(request: HttpRequest, slug: str, payload: NoteIn) -> Any:
    fund = fund_for(request, slug)
    organization = (
        organization_named(payload.organization, "organization") if payload.organization else None
    )
    user = None
    if payload.user:
        user = get_user_model().objects.filter(username=payload.user).first()
        if user is None:
            raise DomainError(_("No person has this username"), field="user")
    note = services.note_record(
        actor=authenticated_user(request), fund=fund, amount=payload.amount, rate=payload.rate,
        term_months=payload.term_months, issued_on=payload.issued_on,
        organization=organization, user=user, notice_days=payload.notice_days,
        first_loss=payload.first_loss,
    )  # fmt: skip
    return 201, _note_detail(request, _note(request, note.pk))


@router.get("/funds/{slug}/notes", auth=WRITE_AUTH, response=page_schema(NoteOut),
            summary="The fund's investor notes: all for its managers, an investor its own "
                    "(paged)")  # fmt: skip
def list_notes(request: HttpRequest, slug: str, page: int = 1, page_size: int = 50) -> Any:
    fund = fund_for(request, slug)
    notes: QuerySet[InvestorNote] = (
        InvestorNote.objects.filter(fund=fund)
        if permissions.can_manage_fund(request.user, fund)
        else selectors.my_notes(request.user).filter(fund=fund)
    )
    notes = notes.select_related("fund", "organization", "user").order_by("matures_on", "pk")
    return api_page(notes, page=page, page_size=page_size, out=_note_out)


@router.get("/notes/{pk}", auth=WRITE_AUTH, response=NoteDetailOut,
            summary="An investor note and its statement: interest accrued, each year")  # fmt: skip
def note_detail(request: HttpRequest, pk: Id) -> Any:
    return _note_detail(request, _note(request, pk))


@router.post("/notes/{pk}/notice", auth=WRITE_AUTH, response=NoteDetailOut,
             summary="The investor asks to withdraw (today); the fund repays after the "
                     "note's notice period")  # fmt: skip
def give_notice(request: HttpRequest, pk: Id) -> Any:
    note = _note(request, pk)
    services.note_give_notice(actor=authenticated_user(request), note=note)
    return _note_detail(request, _note(request, pk))


@router.post("/notes/{pk}/repay", auth=WRITE_AUTH, response=NoteDetailOut,
             summary="Repay a note with the interest it earned (the fund's managers)")  # fmt: skip
def repay_note(request: HttpRequest, pk: Id, payload: RepayNoteIn) -> Any:
    note = _note(request, pk)
    services.note_repay(actor=authenticated_user(request), note=note, on=payload.on)
    return _note_detail(request, _note(request, pk))


# applications and loans: their own module, one router
from intercoop.capital.api_loans import router as loans_router  # noqa: E402

router.add_router("", loans_router)
