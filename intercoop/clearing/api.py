"""Clearing API: obligations (record, confirm, dispute), clearing runs (propose, read,
commit, discard, reverse) and mutual-credit payments. Amounts are integer minor units.

Handlers find what is asked for (404 for what the caller may not see) and call the
service, which checks who may do it."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Header, Router, Schema

from intercoop.clearing import permissions as rules
from intercoop.clearing import selectors, services
from intercoop.clearing.models import ClearingRun, CreditSystem, Obligation
from intercoop.core.api import WRITE_AUTH
from intercoop.core.bounds import SHORT_TEXT, CurrencyIn, MoneyIn, Text
from intercoop.core.pagination import api_page, page_schema
from intercoop.core.permissions import authenticated_user
from intercoop.directory import permissions
from intercoop.directory.models import Organization

router = Router(tags=["clearing"])


class ObligationOut(Schema):
    id: int
    debtor: str
    creditor: str
    amount: int
    remaining: int
    currency: str
    due_on: dt.date | None
    reference: str
    status: str
    confirmed: bool


class ObligationIn(Schema):
    debtor: Text(SHORT_TEXT)  # type: ignore[valid-type]
    creditor: Text(SHORT_TEXT)  # type: ignore[valid-type]
    amount: MoneyIn
    currency: CurrencyIn
    due_on: dt.date | None = None
    reference: Text(services.REFERENCE_LENGTH) = ""  # type: ignore[valid-type]


class DisputeIn(Schema):
    reason: Text(services.REASON_LENGTH)  # type: ignore[valid-type]


def _out(o: Obligation) -> dict[str, Any]:
    return {
        "id": o.pk, "debtor": o.debtor.slug, "creditor": o.creditor.slug, "amount": o.amount,
        "remaining": o.remaining, "currency": o.currency, "due_on": o.due_on,
        "reference": o.reference, "status": o.status, "confirmed": o.confirmed_at is not None,
    }  # fmt: skip


@router.get("/obligations", auth=WRITE_AUTH, response=page_schema(ObligationOut),
            summary="The obligations of the organisations you belong to, newest first "
                    "(?page=&page_size=, at most 200 a page)")  # fmt: skip
def list_obligations(request: HttpRequest, page: int = 1, page_size: int = 50) -> Any:
    return api_page(selectors.visible_obligations(user=request.user), page=page,
                    page_size=page_size, out=_out)  # fmt: skip


@router.post("/obligations", auth=WRITE_AUTH, response={201: ObligationOut},
             summary="Record an invoice of a side you speak for")  # fmt: skip
def record_obligation(request: HttpRequest, payload: ObligationIn) -> Any:
    user = authenticated_user(request)
    debtor = get_object_or_404(Organization, slug=payload.debtor)
    creditor = get_object_or_404(Organization, slug=payload.creditor)
    made = services.obligation_record(
        actor=user, debtor=debtor, creditor=creditor, source=Obligation.Source.API,
        recorded_for=rules.speaking_side(user, debtor, creditor),
        values=payload.dict(exclude={"debtor", "creditor"}),
    )  # fmt: skip
    return 201, _out(made)


def _visible(request: HttpRequest, pk: int) -> Obligation:
    found = get_object_or_404(Obligation.objects.select_related("debtor", "creditor"), pk=pk)
    if not rules.can_view_obligation(request.user, found):
        raise Http404
    return found


@router.post("/obligations/{pk}/confirm", auth=WRITE_AUTH, response=ObligationOut,
             summary="The debtor confirms what it owes")  # fmt: skip
def confirm_obligation(request: HttpRequest, pk: int) -> Any:
    found = _visible(request, pk)
    services.obligation_confirm(actor=authenticated_user(request), obligation=found)
    return _out(found)


@router.post("/obligations/{pk}/dispute", auth=WRITE_AUTH, response=ObligationOut,
             summary="Either side disputes an obligation: it leaves clearing")  # fmt: skip
def dispute_obligation(request: HttpRequest, pk: int, payload: DisputeIn) -> Any:
    found = _visible(request, pk)
    services.obligation_dispute(actor=authenticated_user(request), obligation=found,
                                reason=payload.reason)  # fmt: skip
    return _out(found)


class StatementOut(Schema):
    organization: str
    payable_before: int
    payable_after: int
    receivable_before: int
    receivable_after: int
    net: int
    cash_saved: int
    credit_paid: int
    credit_received: int


class RunOut(Schema):
    id: int
    network: str
    currency: str
    status: str
    total_debt: int
    setoff: int
    credit: int
    share: float
    statements: list[StatementOut]


class RunIn(Schema):
    currency: CurrencyIn
    use_credit: bool = False


def _run_out(request: HttpRequest, run: ClearingRun) -> dict[str, Any]:
    fields = list(StatementOut.model_fields)[1:]
    return {
        "id": run.pk, "network": run.network.slug, "currency": run.currency,
        "status": run.status, "total_debt": run.total_debt, "setoff": run.setoff_total,
        "credit": run.credit_total, "share": round(run.share, 6),
        "statements": [
            {"organization": s.organization.slug} | {f: getattr(s, f) for f in fields}
            for s in selectors.statements_for(user=request.user, run=run)
        ],
    }  # fmt: skip


@router.post("/networks/{slug}/clearing-runs", auth=WRITE_AUTH, response={201: RunOut},
             summary="Propose a clearing run (coordinators)")  # fmt: skip
def propose_run(request: HttpRequest, slug: str, payload: RunIn) -> Any:
    network = permissions.access_network(request.user, slug=slug)
    run = services.clearing_run_propose(
        actor=authenticated_user(request), network=network,
        currency=payload.currency, use_credit=payload.use_credit,
    )  # fmt: skip
    return 201, _run_out(request, run)


def _visible_run(request: HttpRequest, pk: int) -> ClearingRun:
    run = get_object_or_404(ClearingRun.objects.select_related("network"), pk=pk)
    if not rules.can_view_run(request.user, run):
        raise Http404
    return run


@router.get("/clearing-runs/{pk}", auth=WRITE_AUTH, response=RunOut,
            summary="A run's totals and the statements the caller may see")  # fmt: skip
def read_run(request: HttpRequest, pk: int) -> Any:
    return _run_out(request, _visible_run(request, pk))


@router.post("/clearing-runs/{pk}/commit", auth=WRITE_AUTH, response=RunOut,
             summary="Commit a proposed run, once (coordinators)")  # fmt: skip
def commit_run(request: HttpRequest, pk: int) -> Any:
    run = _visible_run(request, pk)
    services.clearing_run_commit(actor=authenticated_user(request), run=run)
    return _run_out(request, run)


@router.post("/clearing-runs/{pk}/discard", auth=WRITE_AUTH, response=RunOut,
             summary="Discard a proposed run (coordinators)")  # fmt: skip
def discard_run(request: HttpRequest, pk: int) -> Any:
    run = _visible_run(request, pk)
    services.clearing_run_discard(actor=authenticated_user(request), run=run)
    return _run_out(request, run)


@router.post("/clearing-runs/{pk}/reverse", auth=WRITE_AUTH, response=RunOut,
             summary="Reverse a committed run by correcting entries (coordinators)")  # fmt: skip
def reverse_run(request: HttpRequest, pk: int) -> Any:
    run = _visible_run(request, pk)
    services.clearing_run_reverse(actor=authenticated_user(request), run=run)
    return _run_out(request, run)


class PaymentIn(Schema):
    payer: Text(SHORT_TEXT)  # type: ignore[valid-type]
    payee: Text(SHORT_TEXT)  # type: ignore[valid-type]
    amount: MoneyIn
    memo: Text(200) = ""  # type: ignore[valid-type]


class PaymentOut(Schema):
    id: int
    payer: str
    payee: str
    amount: int
    memo: str
    payer_balance: int


@router.post("/networks/{slug}/credit/payments", auth=WRITE_AUTH, response={201: PaymentOut},
             summary="Pay another member in mutual credit; send an Idempotency-Key header "
                     "(≤ 100 characters) so that a retried request never pays twice")  # fmt: skip
def pay(
    request: HttpRequest, slug: str, payload: PaymentIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                         max_length=services.KEY_LENGTH),
) -> Any:  # fmt: skip
    network = permissions.access_network(request.user, slug=slug)
    system = get_object_or_404(CreditSystem, network=network)
    payer = get_object_or_404(Organization, slug=payload.payer)
    payee = get_object_or_404(Organization, slug=payload.payee)
    transfer = services.credit_pay(actor=authenticated_user(request), system=system, payer=payer,
                                   payee=payee, amount=payload.amount, memo=payload.memo,
                                   idempotency_key=idempotency_key)  # fmt: skip
    return 201, {"id": transfer.pk, "payer": payer.slug, "payee": payee.slug,
                 "amount": transfer.amount, "memo": transfer.memo,
                 "payer_balance": system.accounts.get(organization=payer).balance}  # fmt: skip


class AccountOut(Schema):
    organization: str
    balance: int
    limit: int
    available: int


@router.get("/networks/{slug}/credit/accounts", auth=WRITE_AUTH,
            response=page_schema(AccountOut),
            summary="Mutual-credit accounts: all for coordinators, a member its own "
                    "(?page=&page_size=)")  # fmt: skip
def accounts(request: HttpRequest, slug: str, page: int = 1, page_size: int = 50) -> Any:
    network = permissions.access_network(request.user, slug=slug)
    system = get_object_or_404(CreditSystem, network=network)
    return api_page(
        selectors.credit_accounts(user=request.user, system=system),
        page=page, page_size=page_size,
        out=lambda a: {"organization": a.organization.slug, "balance": a.balance,
                       "limit": a.limit, "available": a.available},
    )  # fmt: skip
