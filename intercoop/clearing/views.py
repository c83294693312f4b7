"""Clearing pages: an organisation's invoices (record, import, confirm, dispute); a
network's clearing runs with their statements; its mutual credit.

Pages decide what to show with the rules of clearing.permissions; every write is the
service's to allow or refuse (a refusal is the 403 page)."""

import uuid
from typing import Any, TextIO, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intercoop.clearing import permissions as rules
from intercoop.clearing import selectors, services
from intercoop.clearing.forms import (
    CreditSystemForm,
    ImportForm,
    ObligationForm,
    PaymentForm,
    RunForm,
)
from intercoop.clearing.models import ClearingRun, CreditAccount, CreditSystem, Obligation
from intercoop.core.csvfiles import SafeWriter, upload_bytes
from intercoop.core.errors import DomainError, ImportFailed
from intercoop.core.forms import add_domain_errors, id_param
from intercoop.core.money import MoneyError, major_units, minor_units
from intercoop.core.pagination import paginate
from intercoop.core.permissions import authenticated_user
from intercoop.directory import permissions
from intercoop.directory.models import Organization
from intercoop.directory.selectors import network_members_acting_for

PAGE_SIZE = 50


def _amount(form: Any, field: str, currency: str) -> int | None:
    """A form's amount in major units as minor units, or None with the field's error."""
    try:
        return minor_units(form.cleaned_data[field], currency)
    except MoneyError as error:
        form.add_error(field, error.message)
        return None


@login_required
def obligations(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's payables and receivables (50 a page each, filtered), for its
    people; its admins and editors record and import invoices here."""
    organization = rules.access_invoices(request.user, slug=slug)
    form = ObligationForm(request.POST if "record" in request.POST else None)
    upload = ImportForm(*((request.POST, request.FILES) if "import" in request.POST else ()))
    extra: dict[str, Any] = {}
    if request.method == "POST":
        actor = authenticated_user(request)
        if "record" in request.POST and form.is_valid():
            values = form.cleaned_data
            other = Organization.objects.filter(slug=values["other"].strip()).first()
            currency = values["currency"].strip().upper()
            amount = _amount(form, "amount", currency)
            if other is None:
                form.add_error("other", _("No organisation has this address name"))
            elif amount is not None:
                ours = values["direction"] == "we_owe"
                try:
                    services.obligation_record(
                        actor=actor, debtor=organization if ours else other,
                        creditor=other if ours else organization, recorded_for=organization,
                        values={"amount": amount, "currency": currency,
                                "due_on": values["due_on"], "reference": values["reference"]},
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
                    data=upload_bytes(upload.cleaned_data["file"]),
                )  # fmt: skip
            except ImportFailed as failed:
                messages.error(request, failed.message)
                extra["import_errors"] = failed.errors[:50]
                extra["more_errors"] = max(0, len(failed.errors) - 50)
            else:
                messages.success(request, _("%(count)s invoices imported.") % {"count": count})
                return redirect("clearing:obligations", slug=slug)
    filters = selectors.ObligationFilters.of(request.GET)
    lists = selectors.obligations_of(organization=organization, filters=filters)
    query = filters.query()
    return render(request, "clearing/obligations.html", {
        "organization": organization, "form": form, "upload": upload, "filters": filters,
        "statuses": Obligation.Status.choices,
        "may_act": permissions.can_act_for(request.user, organization),
        "payables": paginate(lists["payables"], page=request.GET.get("payables_page", 1),
                             page_size=PAGE_SIZE),
        "receivables": paginate(lists["receivables"],
                                page=request.GET.get("receivables_page", 1),
                                page_size=PAGE_SIZE),
        "query": urlencode(query),
        "payables_query": urlencode(query | {"receivables_page":
                                             request.GET.get("receivables_page", "1")}),
        "receivables_query": urlencode(query | {"payables_page":
                                                request.GET.get("payables_page", "1")}),
    } | extra)  # fmt: skip


def _obligation(request: HttpRequest, pk: int) -> Obligation:
    obligation = get_object_or_404(Obligation.objects.select_related("debtor", "creditor"), pk=pk)
    if not rules.can_view_obligation(request.user, obligation):
        raise Http404
    return obligation


@login_required
def obligation(request: HttpRequest, pk: int) -> HttpResponse:
    found = _obligation(request, pk)
    return render(request, "clearing/obligation.html", {
        "obligation": found,
        "entries": found.entries.select_related("run").order_by("pk")[:500],
        "may_confirm": rules.can_confirm_obligation(request.user, found),
        "may_dispute": rules.can_dispute_obligation(request.user, found),
    })  # fmt: skip


@require_POST
@login_required
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    found = _obligation(request, pk)
    try:
        services.obligation_confirm(actor=authenticated_user(request), obligation=found)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Confirmed: it can now be cleared."))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(back)  # an address, never a URL name to reverse
    return redirect("clearing:obligation", pk=pk)


@require_POST
@login_required
def dispute(request: HttpRequest, pk: int) -> HttpResponse:
    found = _obligation(request, pk)
    try:
        services.obligation_dispute(
            actor=authenticated_user(request), obligation=found,
            reason=request.POST.get("reason", ""),
        )  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Disputed: it is left out of clearing until it is replaced."))
    return redirect("clearing:obligation", pk=pk)


@login_required
def runs(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's clearing runs and the share each cleared; coordinators propose one."""
    network = permissions.access_network(request.user, slug=slug, for_insiders=True)
    form = RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.clearing_run_request(
                actor=authenticated_user(request), network=network,
                currency=form.cleaned_data["currency"],
                use_credit=form.cleaned_data["use_credit"],
            )  # fmt: skip
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request, _("The run is being computed; it is proposed, not committed.")
            )
            return redirect("task_run", pk=task.pk)
    return render(request, "clearing/runs.html", {
        "network": network, "form": form,
        "runs": paginate(ClearingRun.objects.filter(network=network),
                         page=request.GET.get("page", 1), page_size=PAGE_SIZE),
        "may_manage": rules.can_run_clearing(request.user, network),
        "history": selectors.run_history(network=network),
        "credit": CreditSystem.objects.filter(network=network).first(),
    })  # fmt: skip


def _run(request: HttpRequest, pk: int) -> ClearingRun:
    found = get_object_or_404(ClearingRun.objects.select_related("network"), pk=pk)
    if not rules.can_view_run(request.user, found):
        raise Http404
    return found


@login_required
def run(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's totals and statements: coordinators review every one and commit; members
    read their own."""
    found = _run(request, pk)
    return render(request, "clearing/run.html", {
        "run": found, "statements": selectors.statements_for(user=request.user, run=found),
        "may_manage": rules.can_run_clearing(request.user, found.network),
        "invoices": selectors.invoices_cleared(run=found),
    })  # fmt: skip


def _run_action(request: HttpRequest, pk: int, service: Any, done: str) -> HttpResponse:
    found = _run(request, pk)
    try:
        service(actor=authenticated_user(request), run=found)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("clearing:run", pk=pk)


@require_POST
@login_required
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_action(request, pk, services.clearing_run_commit,
                       _("Committed: the set-offs are in every ledger."))  # fmt: skip


@require_POST
@login_required
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_action(request, pk, services.clearing_run_discard,
                       _("Discarded: the run stays on record and is never committed."))  # fmt: skip


@require_POST
@login_required
def reverse_run(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_action(request, pk, services.clearing_run_reverse,
                       _("Reversed by correcting entries."))  # fmt: skip


STATEMENT_FIELDS = ["payable_before", "payable_after", "receivable_before", "receivable_after",
                    "net", "cash_saved", "credit_paid", "credit_received"]  # fmt: skip


@login_required
def statements_csv(request: HttpRequest, pk: int) -> HttpResponse:
    found = _run(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="clearing-{found.pk}.csv"'
    writer = SafeWriter(cast(TextIO, response))  # a file-like response
    writer.writerow(["organization", *STATEMENT_FIELDS, "currency"])
    for s in selectors.statements_for(user=request.user, run=found):
        writer.writerow([s.organization.name,
                         *(major_units(getattr(s, f), found.currency) for f in STATEMENT_FIELDS),
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
    """The network's mutual credit: coordinators start it and set limits; members'
    people see their accounts and pay other members."""
    network = permissions.access_network(request.user, slug=slug, for_insiders=True)
    system = CreditSystem.objects.filter(network=network).first()
    start = CreditSystemForm(request.POST if "start" in request.POST else None)
    pay = PaymentForm(request.POST if "pay" in request.POST else None,
                      initial={"key": uuid.uuid4().hex})  # fmt: skip
    if request.method == "POST":
        actor = authenticated_user(request)
        form = start if "start" in request.POST else pay
        try:
            if "start" in request.POST and start.is_valid():
                values = dict(start.cleaned_data)
                currency = str(values["currency"]).strip().upper()
                values["default_limit"] = _amount(start, "default_limit", currency)
                if values["default_limit"] is not None:
                    services.credit_system_create(actor=actor, network=network, values=values)
                    messages.success(request, _("Mutual credit is set up."))
                    return redirect("clearing:credit", slug=slug)
            elif system is not None and "limit" in request.POST:
                account = get_object_or_404(
                    system.accounts, pk=id_param(request.POST.get("account"))
                )
                services.credit_limit_set(
                    actor=actor, account=account,
                    limit=minor_units(request.POST["limit"], system.currency),
                )  # fmt: skip
                messages.success(request, _("Limit set."))
                return redirect("clearing:credit", slug=slug)
            elif system is not None and "pay" in request.POST and pay.is_valid():
                payer = get_object_or_404(Organization, slug=pay.cleaned_data["payer"])
                payee = Organization.objects.filter(slug=pay.cleaned_data["payee"].strip()).first()
                if payee is None:
                    raise DomainError(_("No organisation has this address name"), field="payee")
                amount = _amount(pay, "amount", system.currency)
                if amount is not None:
                    services.credit_pay(
                        actor=actor, system=system, payer=payer, payee=payee, amount=amount,
                        memo=pay.cleaned_data["memo"], idempotency_key=pay.cleaned_data["key"],
                    )  # fmt: skip
                    messages.success(request, _("Paid."))
                    return redirect("clearing:credit", slug=slug)
        except DomainError as error:
            if "limit" in request.POST:
                messages.error(request, error.message)
            else:
                add_domain_errors(form, error)
    accounts = selectors.credit_accounts(user=request.user, system=system) if system else None
    return render(request, "clearing/credit.html", {
        "network": network, "system": system, "start": start, "pay": pay,
        "accounts": paginate(accounts, page=request.GET.get("page", 1), page_size=PAGE_SIZE)
        if accounts is not None else None,
        "may_manage": rules.can_manage_credit(request.user, network),
        "mine": list(network_members_acting_for(user=request.user, network=network)[:200]),
    })  # fmt: skip


@login_required
def account(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        CreditAccount.objects.select_related("system__network", "organization"), pk=pk
    )
    if not rules.can_view_account(request.user, found):
        raise Http404
    entries = paginate(selectors.account_ledger(account=found),
                       page=request.GET.get("page", 1), page_size=PAGE_SIZE)  # fmt: skip
    return render(request, "clearing/account.html", {"account": found, "entries": entries})
