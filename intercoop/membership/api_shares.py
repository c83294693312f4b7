"""Membership API: the share ledger's writes for payroll and bookkeeping systems — an
organisation's subscriptions (with what their instalment plan asks by today), a new
subscription, and payments on one (a payroll run's deductions, with an Idempotency-Key
so that a retried run records each once). The organisation's admins only; everyone
else gets a 404.

Money is integer minor units with the share class's currency. The service checks the
rules and the values (400 naming the field)."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from intercoop.core.api import WRITE_AUTH, idempotency_header
from intercoop.core.bounds import MAX_MONEY, Text
from intercoop.core.pagination import api_page, page_schema
from intercoop.core.permissions import NotFoundReason, authenticated_user
from intercoop.membership import plans, registers
from intercoop.membership import selectors_registers as selectors
from intercoop.membership.models import Member, ShareClass, Subscription
from intercoop.membership.permissions_registers import registers_kept_by

router = Router(tags=["membership"])

PathId = Annotated[int, Field(ge=1, le=2**63 - 1)]
Id = Annotated[int, Field(ge=1, le=2**63 - 1, strict=True)]  # in a body: a JSON number
Whole = Annotated[int, Field(ge=-(2**31), le=2**31 - 1, strict=True)]


class SubscriptionOut(Schema):
    id: int
    member: int | None
    application: int | None
    holder: str
    share_class: int
    share_class_name: str
    shares: int
    amount: int
    paid: int
    currency: str
    instalments: int
    first_due_on: dt.date
    due_by_today: int
    late: int
    paid_in_full_on: dt.date | None


class SubscribeIn(Schema):
    member: Id
    share_class: Id
    shares: Whole
    instalments: Whole = 1
    first_due_on: dt.date
    on: dt.date | None = None


class PaymentIn(Schema):
    amount: int = Field(ge=-MAX_MONEY, le=MAX_MONEY, strict=True)
    on: dt.date
    method: Text(40) = Field(  # type: ignore[valid-type]
        "", description="bank, cash, payroll, card or other"
    )


class PaymentOut(Schema):
    id: int
    subscription: int
    amount: int
    currency: str
    on: dt.date
    method: str
    paid: int
    paid_in_full_on: dt.date | None


def _holder(subscription: Subscription) -> str:
    if subscription.member is not None:
        return subscription.member.name
    application = subscription.application
    found = application.user or application.organization if application else None
    return str(found or "")


def _subscription_out(subscription: Subscription, today: dt.date) -> dict[str, Any]:
    share_class = subscription.share_class
    due = plans.due_by(registers.plan_of(subscription), today)
    return {
        "id": subscription.pk, "member": subscription.member_id,
        "application": subscription.application_id, "holder": _holder(subscription),
        "share_class": share_class.pk, "share_class_name": share_class.name,
        "shares": subscription.shares, "amount": subscription.amount,
        "paid": subscription.paid, "currency": share_class.currency,
        "instalments": subscription.instalments, "first_due_on": subscription.first_due_on,
        "due_by_today": due, "late": max(0, due - subscription.paid),
        "paid_in_full_on": subscription.paid_in_full_on,
    }  # fmt: skip


@router.get("/organizations/{slug}/subscriptions", auth=WRITE_AUTH,
            response=page_schema(SubscriptionOut),
            summary="The organisation's share subscriptions, first due first, with what "
                    "their instalment plan asks by today and how much of it is late "
                    "(`open=true`: only those still to pay; the organisation's "
                    "admins)")  # fmt: skip
def list_subscriptions(
    request: HttpRequest, slug: str, open: bool = False, page: int = 1, page_size: int = 50
) -> Any:
    organization = registers_kept_by(request.user, slug=slug)
    today = registers.today()
    return api_page(
        selectors.subscriptions(organization, open_only=open), page=page,
        page_size=page_size, out=lambda s: _subscription_out(s, today),
    )  # fmt: skip


@router.post("/organizations/{slug}/subscriptions", auth=WRITE_AUTH,
             response={201: SubscriptionOut},
             summary="A member subscribes for shares, paid at once or in monthly "
                     "instalments (the organisation's admins)")  # fmt: skip
def subscribe(request: HttpRequest, slug: str, payload: SubscribeIn) -> Any:
    organization = registers_kept_by(request.user, slug=slug)
    member = Member.objects.filter(organization=organization, pk=payload.member).first()
    if member is None:
        raise NotFoundReason(_("No such member"))
    share_class = ShareClass.objects.filter(organization=organization, pk=payload.share_class)
    if not share_class.exists():
        raise NotFoundReason(_("No such share class"))
    subscription = registers.subscribe(
        actor=authenticated_user(request), share_class=share_class.get(), shares=payload.shares,
        instalments=payload.instalments, first_due_on=payload.first_due_on, member=member,
        on=payload.on,
    )  # fmt: skip
    return 201, _subscription_out(subscription, registers.today())


@router.post("/organizations/{slug}/subscriptions/{subscription_id}/payments", auth=WRITE_AUTH,
             response={201: PaymentOut},
             summary="A payment on a subscription — a payroll deduction, a transfer, cash — "
                     "never more than is owed (the organisation's admins); send an "
                     "Idempotency-Key header so that a retried payroll run records it "
                     "once")  # fmt: skip
def pay(
    request: HttpRequest, slug: str, subscription_id: PathId, payload: PaymentIn,
    idempotency_key: str | None = idempotency_header(),
) -> Any:  # fmt: skip
    organization = registers_kept_by(request.user, slug=slug)
    subscription = (
        Subscription.objects.filter(share_class__organization=organization, pk=subscription_id)
        .select_related("share_class__organization", "member")
        .first()
    )
    if subscription is None:
        raise NotFoundReason(_("No such subscription"))
    entry = registers.payment_record(
        actor=authenticated_user(request), subscription=subscription, amount=payload.amount,
        on=payload.on, method=payload.method, idempotency_key=idempotency_key,
    )  # fmt: skip
    # as the payment left it (a retried request answers as the first one did)
    paid, paid_in_full_on = selectors.paid_as_of(entry)
    return 201, {
        "id": entry.pk, "subscription": subscription.pk, "amount": entry.amount,
        "currency": subscription.share_class.currency, "on": entry.on, "method": entry.method,
        "paid": paid, "paid_in_full_on": paid_in_full_on,
    }  # fmt: skip
