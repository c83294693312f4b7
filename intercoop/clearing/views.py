"""Clearing pages: an organisation's invoices (record, import, confirm, dispute); a
network's clearing runs with their statements; its mutual credit."""

import csv
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intercoop.clearing import selectors, services
from intercoop.clearing.forms import (
    CreditSystemForm,
    ImportForm,
    ObligationForm,
    PaymentForm,
    RunForm,
)
from intercoop.clearing.models import ClearingRun, CreditAccount, CreditSystem, Obligation
from intercoop.core.errors import DomainError, ImportFailed
from intercoop.core.forms import add_domain_errors
from intercoop.core.money import MoneyError, major_units, minor_units
from intercoop.directory import permissions
from intercoop.directory.models import Organization
from intercoop.directory.selectors import network_members_acting_for


@login_required
def obligations(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's payables and receivables, for its people; its admins and editors
    record and import invoices here."""
    organization = permissions.access_organization(request.user, slug=slug)
    if not permissions.belongs_to(request.user, organization):
        raise PermissionDenied(_("Invoices are for the organisation's people"))
    may_act = permissions.can_act_for(request.user, organization)
    form = ObligationForm(request.POST if "record" in request.POST else None)
    upload = ImportForm(*((request.POST, request.FILES) if "import" in request.POST else ()))
    if request.method == "POST":
        if not may_act:
            raise PermissionDenied(_("Only the organisation's admins and editors record invoices"))
        actor = permissions.authenticated_user(request)
        if "record" in request.POST and form.is_valid():
            values = form.cleaned_data
            other = Organization.objects.filter(slug=values["other"].strip()).first()
            if other is None:
                form.add_error("other", _("No organisation has this address name"))
            else:
                ours = values["direction"] == "we_owe"
                try:
                    services.obligation_record(
                        actor=actor, debtor=organization if ours else other,
                        creditor=other if ours else organization, recorded_for=organization,
                        values={"amount": minor_units(values["amount"], values["currency"]),
                                "currency": values["currency"], "due_on": values["due_on"],
                                "reference": values["reference"]},
                    )  # fmt: skip
                except DomainError as error:
                    add_domain_errors(form, error)
                else:
                    messages.success(request, _("Invoice recorded."))
                    return redirect("clearing:obligations", slug=slug)
        if "import" in request.POST and upload.is_valid():
            try:
                count = services.obligations_import(
                    actor=actor, organization=organization,
                    text=upload.cleaned_data["file"].read().decode("utf-8-sig"),
                )  # fmt: skip
            except ImportFailed as failed:
                messages.error(request, failed.message)
                return render(request, "clearing/obligations.html",
                              _context(request, organization, form, upload, may_act)
                              | {"import_errors": failed.errors[:50]})  # fmt: skip
            except UnicodeDecodeError:
                upload.add_error("file", _("The file is not UTF-8 text"))
            else:
                messages.success(request, _("%(count)s invoices imported.") % {"count": count})
                return redirect("clearing:obligations", slug=slug)
    return render(
        request, "clearing/obligations.html", _context(request, organization, form, upload, may_act)
    )


def _context(request: HttpRequest, organization: Organization, form: Any, upload: Any,
             may_act: bool) -> dict[str, Any]:  # fmt: skip
    return selectors.obligations_of(organization=organization) | {
        "organization": organization, "form": form, "upload": upload, "may_act": may_act,
        "may_confirm": permissions.can_act_for(request.user, organization),
    }  # fmt: skip


def _obligation(request: HttpRequest, pk: int) -> Obligation:
    obligation = get_object_or_404(Obligation.objects.select_related("debtor", "creditor"), pk=pk)
    if not selectors.can_view_obligation(request.user, obligation):
        raise Http404
    return obligation


@login_required
def obligation(request: HttpRequest, pk: int) -> HttpResponse:
    found = _obligation(request, pk)
    return render(request, "clearing/obligation.html", {
        "obligation": found,
        "entries": found.entries.select_related("run").order_by("pk"),
        "may_confirm": selectors.can_confirm(request.user, found),
        "may_dispute": selectors.can_dispute(request.user, found),
    })  # fmt: skip


@require_POST
@login_required
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    found = _obligation(request, pk)
    if not selectors.can_confirm(request.user, found):
        raise PermissionDenied(_("Only the debtor confirms what it owes"))
    try:
        services.obligation_confirm(actor=permissions.authenticated_user(request), obligation=found)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Confirmed: it can now be cleared."))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("clearing:obligation", pk=pk)


@require_POST
@login_required
def dispute(request: HttpRequest, pk: int) -> HttpResponse:
    found = _obligation(request, pk)
    if not selectors.can_dispute(request.user, found):
        raise PermissionDenied(_("Only its parties dispute an invoice"))
    try:
        services.obligation_dispute(
            actor=permissions.authenticated_user(request), obligation=found,
            reason=request.POST.get("reason", ""),
        )  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("clearing:obligation", pk=pk)


@login_required
def runs(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's clearing runs and the share each cleared; coordinators propose one."""
    network = permissions.access_network(request.user, slug=slug, for_insiders=True)
    may_manage = permissions.can_manage_network(request.user, network)
    form = RunForm(request.POST or None)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(_("Only the network's coordinators run a clearing"))
        if form.is_valid():
            try:
                made = services.run_propose(
                    actor=permissions.authenticated_user(request), network=network,
                    currency=form.cleaned_data["currency"],
                    use_credit=form.cleaned_data["use_credit"],
                )  # fmt: skip
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                return redirect("clearing:run", pk=made.pk)
    return render(request, "clearing/runs.html", {
        "network": network, "runs": ClearingRun.objects.filter(network=network), "form": form,
        "may_manage": may_manage, "history": selectors.run_history(network=network),
        "credit": CreditSystem.objects.filter(network=network).first(),
    })  # fmt: skip


def _run(request: HttpRequest, pk: int) -> ClearingRun:
    found = get_object_or_404(ClearingRun.objects.select_related("network"), pk=pk)
    if not selectors.can_view_run(request.user, found):
        raise Http404
    return found


@login_required
def run(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's totals and statements: coordinators review every one and commit; members
    read their own."""
    found = _run(request, pk)
    return render(request, "clearing/run.html", {
        "run": found, "statements": selectors.statements_for(user=request.user, run=found),
        "may_manage": permissions.can_manage_network(request.user, found.network),
    })  # fmt: skip


def _managed_run(request: HttpRequest, pk: int) -> ClearingRun:
    found = _run(request, pk)
    if not permissions.can_manage_network(request.user, found.network):
        raise PermissionDenied(_("Only the network's coordinators commit a clearing"))
    return found


@require_POST
@login_required
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _managed_run(request, pk)
    try:
        services.run_commit(actor=permissions.authenticated_user(request), run=found)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Committed: the set-offs are in every ledger."))
    return redirect("clearing:run", pk=pk)


@require_POST
@login_required
def reverse_run(request: HttpRequest, pk: int) -> HttpResponse:
    found = _managed_run(request, pk)
    try:
        services.run_reverse(actor=permissions.authenticated_user(request), run=found)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Reversed by correcting entries."))
    return redirect("clearing:run", pk=pk)


@login_required
def statements_csv(request: HttpRequest, pk: int) -> HttpResponse:
    found = _run(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="clearing-{found.pk}.csv"'
    writer = csv.writer(response)
    fields = ["payable_before", "payable_after", "receivable_before", "receivable_after",
              "net", "cash_saved", "credit_paid", "credit_received"]  # fmt: skip
    writer.writerow(["organization", *fields, "currency"])
    for s in selectors.statements_for(user=request.user, run=found):
        writer.writerow([s.organization.name,
                         *(major_units(getattr(s, f), found.currency) for f in fields),
                         found.currency])  # fmt: skip
    return response


@login_required
def statement(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """One organisation's statement, to read or print."""
    found = _run(request, pk)
    mine = [s for s in selectors.statements_for(user=request.user, run=found)
            if s.organization.slug == slug]  # fmt: skip
    if not mine:
        raise Http404
    return render(request, "clearing/statement.html", {"run": found, "s": mine[0]})


@login_required
def credit(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's mutual credit: coordinators start it, open accounts and set limits;
    members' people see their accounts and pay other members."""
    network = permissions.access_network(request.user, slug=slug, for_insiders=True)
    may_manage = permissions.can_manage_network(request.user, network)
    system = CreditSystem.objects.filter(network=network).first()
    actor = permissions.authenticated_user(request)
    start = CreditSystemForm(request.POST if "start" in request.POST else None)
    pay = PaymentForm(request.POST if "pay" in request.POST else None,
                      initial={"key": uuid.uuid4().hex})  # fmt: skip
    mine = list(network_members_acting_for(user=request.user, network=network))
    if request.method == "POST":
        try:
            if "start" in request.POST:
                if not may_manage:
                    raise PermissionDenied
                if start.is_valid():
                    values = dict(start.cleaned_data)
                    values["default_limit"] = minor_units(
                        values["default_limit"], values["currency"]
                    )
                    services.credit_system_create(network=network, values=values)
                    return redirect("clearing:credit", slug=slug)
            elif system is not None and "limit" in request.POST:
                if not may_manage:
                    raise PermissionDenied
                account = get_object_or_404(system.accounts, pk=request.POST.get("account") or 0)
                services.credit_limit_set(
                    account=account, limit=minor_units(request.POST["limit"], system.currency)
                )
                messages.success(request, _("Limit set."))
                return redirect("clearing:credit", slug=slug)
            elif system is not None and "pay" in request.POST and pay.is_valid():
                payer = next((o for o in mine if o.slug == pay.cleaned_data["payer"]), None)
                if payer is None:
                    raise PermissionDenied(_("Pay from an organisation you speak for"))
                payee = Organization.objects.filter(slug=pay.cleaned_data["payee"].strip()).first()
                if payee is None:
                    raise DomainError(_("No organisation has this address name"), field="payee")
                services.credit_pay(
                    actor=actor, system=system, payer=payer, payee=payee,
                    amount=minor_units(pay.cleaned_data["amount"], system.currency),
                    memo=pay.cleaned_data["memo"], idempotency_key=pay.cleaned_data["key"],
                )  # fmt: skip
                messages.success(request, _("Paid."))
                return redirect("clearing:credit", slug=slug)
        except (DomainError, MoneyError) as error:
            add_domain_errors(start if "start" in request.POST else pay, error)
    accounts = selectors.credit_accounts(user=request.user, system=system) if system else []
    return render(request, "clearing/credit.html", {
        "network": network, "system": system, "accounts": accounts, "may_manage": may_manage,
        "start": start, "pay": pay, "mine": mine,
    })  # fmt: skip


@login_required
def account(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        CreditAccount.objects.select_related("system__network", "organization"), pk=pk
    )
    if not selectors.can_view_account(request.user, found):
        raise Http404
    entries = selectors.account_ledger(account=found)[:500]
    return render(request, "clearing/account.html", {"account": found, "entries": entries})
