"""Membership API: worker-owners' internal capital accounts — the patronage purchasing
networks retained for an organisation, its allocation among the members, every
member's account, and payouts (the organisation's admins).

Money is integer minor units with its currency; hours and wages are decimal strings.
Handlers find what is asked for (404 for what the caller may not see) and call the
service, which checks who may do it (403) and the values (400 naming the field)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from intercoop.core.api import WRITE_AUTH, idempotency_header
from intercoop.core.bounds import MAX_MONEY, SHORT_TEXT, Text
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.permissions import NotFoundReason, authenticated_user
from intercoop.membership import capital_accounts
from intercoop.membership import selectors_accounts as selectors
from intercoop.membership.models import Member
from intercoop.membership.permissions_registers import registers_kept_by
from intercoop.membership.selectors_accounts import PatronageLine

router = Router(tags=["membership"])

PathId = Annotated[int, Field(ge=1, le=2**63 - 1)]
Id = Annotated[int, Field(ge=1, le=2**63 - 1, strict=True)]  # in a body: a JSON number
MAX_WEIGHTS = 10_000


class AccountOut(Schema):
    member: int
    name: str
    currency: str
    credited: int
    paid_out: int
    balance: int


class PartOut(Schema):
    member: int
    name: str
    basis: str
    amount: int


class PatronageOut(Schema):
    id: int
    network: str
    title: str
    currency: str
    period_start: dt.date
    period_end: dt.date
    retained: int
    cash: int
    allocation: int | None
    allocated_on: dt.date | None
    basis: str | None
    parts: list[PartOut]


class WeightIn(Schema):
    member: Id
    weight: Decimal | Text(24) = Field(  # type: ignore[valid-type]
        description="the member's hours worked or wages paid in the period, with at most "
        "2 decimals (a number or a decimal string)"
    )


class AllocateIn(Schema):
    basis: Literal["hours", "wages"]
    on: dt.date | None = None
    weights: list[WeightIn] = Field(max_length=MAX_WEIGHTS)


class ReverseIn(Schema):
    allocation: Id = Field(description="the allocation to reverse (its `allocation` id)")
    reason: Text(SHORT_TEXT)  # type: ignore[valid-type]


class PayoutIn(Schema):
    currency: Text(3)  # type: ignore[valid-type]
    amount: int = Field(ge=-MAX_MONEY, le=MAX_MONEY, strict=True)
    on: dt.date
    note: Text(SHORT_TEXT) = ""  # type: ignore[valid-type]


class EntryOut(Schema):
    id: int
    member: int
    kind: str
    amount: int
    currency: str
    on: dt.date
    note: str


def _line_out(found: PatronageLine, parts: list[Any]) -> dict[str, Any]:
    line, period, allocation = found.line, found.line.patronage, found.allocation
    return {
        "id": line.pk, "network": period.network.name, "title": period.title,
        "currency": period.currency, "period_start": period.period_start,
        "period_end": period.period_end, "retained": line.retained, "cash": line.cash,
        "allocation": allocation.pk if allocation else None,
        "allocated_on": allocation.on if allocation else None,
        "basis": allocation.basis if allocation else None,
        "parts": [
            {"member": e.member_id, "name": e.member.name, "basis": str(e.basis),
             "amount": e.amount}
            for e in parts
        ],
    }  # fmt: skip


@router.get("/organizations/{slug}/capital-accounts", auth=WRITE_AUTH, response=list[AccountOut],
            summary="Every member's internal capital account per currency: credited, "
                    "paid out and balance, by name (the organisation's admins)")  # fmt: skip
def list_accounts(request: HttpRequest, slug: str) -> Any:
    organization = registers_kept_by(request.user, slug=slug)
    return [
        {"member": row.member.pk, "name": row.member.name, "currency": row.currency,
         "credited": row.credited, "paid_out": row.paid_out, "balance": row.balance}
        for row in selectors.accounts(organization)
    ]  # fmt: skip


@router.get("/organizations/{slug}/patronage", auth=WRITE_AUTH, response=list[PatronageOut],
            summary="The patronage purchasing networks retained for the organisation, "
                    "newest first, each with its allocation among the members once made "
                    "(the organisation's admins)")  # fmt: skip
def list_patronage(request: HttpRequest, slug: str) -> Any:
    organization = registers_kept_by(request.user, slug=slug)
    return [
        _line_out(found, selectors.parts_of(found.allocation) if found.allocation else [])
        for found in selectors.patronage_lines(organization)
    ]


@router.post("/organizations/{slug}/patronage/{line_id}/allocate", auth=WRITE_AUTH,
             response={201: PatronageOut},
             summary="Allocate what a network retained among the members who were members "
                     "in its period, in proportion to their hours or wages (the "
                     "organisation's admins; once, until the allocation is reversed)")  # fmt: skip
def allocate(request: HttpRequest, slug: str, line_id: PathId, payload: AllocateIn) -> Any:
    organization = registers_kept_by(request.user, slug=slug)
    found = selectors.patronage_line(organization, line_id)
    if found is None:
        raise NotFoundReason(_("No such patronage distribution"))
    weights: dict[int, Any] = {}
    for n, item in enumerate(payload.weights):
        if item.member in weights:
            raise DomainError(_("names a member twice"), field=f"weights[{n}].member")
        weights[item.member] = item.weight
    try:
        capital_accounts.patronage_allocate(
            actor=authenticated_user(request), source=found.line, basis=payload.basis,
            weights=weights, on=payload.on,
        )  # fmt: skip
    except InvalidValues as error:  # named as the request names them
        where = {f"weight_{item.member}": f"weights[{n}].weight"
                 for n, item in enumerate(payload.weights)}  # fmt: skip
        raise InvalidValues({where.get(k, k): v for k, v in error.errors.items()}) from None
    done = selectors.patronage_line(organization, line_id)
    assert done is not None and done.allocation is not None
    return 201, _line_out(done, selectors.parts_of(done.allocation))


@router.post("/organizations/{slug}/patronage/{line_id}/reverse", auth=WRITE_AUTH,
             response=PatronageOut,
             summary="Reverse the allocation in force of a line made in error: each part is "
                     "taken back and the line may be allocated again (the organisation's "
                     "admins)")  # fmt: skip
def reverse(request: HttpRequest, slug: str, line_id: PathId, payload: ReverseIn) -> Any:
    organization = registers_kept_by(request.user, slug=slug)
    found = selectors.patronage_line(organization, line_id)
    allocation = selectors.allocation_of(found.line, payload.allocation) if found else None
    if found is None or allocation is None:
        raise NotFoundReason(_("No such allocation of this patronage distribution"))
    capital_accounts.patronage_allocation_reverse(
        actor=authenticated_user(request), allocation=allocation, reason=payload.reason
    )
    done = selectors.patronage_line(organization, line_id)
    assert done is not None
    return _line_out(done, [])


@router.post("/organizations/{slug}/capital-accounts/{member_id}/payouts", auth=WRITE_AUTH,
             response={201: EntryOut},
             summary="Record a payout from a member's internal capital account, at most "
                     "its balance (the organisation's admins); send an Idempotency-Key "
                     "header so that a retried request never records it twice")  # fmt: skip
def payout(
    request: HttpRequest, slug: str, member_id: PathId, payload: PayoutIn,
    idempotency_key: str | None = idempotency_header(),
) -> Any:  # fmt: skip
    organization = registers_kept_by(request.user, slug=slug)
    member = Member.objects.filter(organization=organization, pk=member_id).first()
    if member is None:
        raise NotFoundReason(_("No such member"))
    entry = capital_accounts.capital_account_payout(
        actor=authenticated_user(request), member=member, currency=payload.currency,
        amount=payload.amount, on=payload.on, note=payload.note,
        idempotency_key=idempotency_key,
    )  # fmt: skip
    return 201, {
        "id": entry.pk, "member": member.pk, "kind": entry.kind, "amount": entry.amount,
        "currency": entry.currency, "on": entry.on, "note": entry.note,
    }  # fmt: skip
