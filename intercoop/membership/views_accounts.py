"""The internal capital accounts of an organisation's members: the patronage purchasing
networks retained for it, each line allocated among the members by hours worked or
wages paid; every member's account (credited, paid out, balance; page and CSV); and
payouts. Only the organisation's admins and staff open them (permissions_registers);
a member sees their own account with their shares (views_registers.my_shares)."""

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from intercoop.core.csvfiles import csv_lines, csv_response
from intercoop.core.errors import DomainError
from intercoop.core.forms import add_domain_errors
from intercoop.core.money import format_money, major_units
from intercoop.core.permissions import NotFoundReason, authenticated_user
from intercoop.membership import capital_accounts, registers
from intercoop.membership import selectors_accounts as selectors
from intercoop.membership.forms_accounts import AllocateForm, PayoutForm, ReverseForm
from intercoop.membership.permissions_registers import access_registers

ACCOUNT_COLUMNS = ["member", "currency", "credited", "paid_out", "balance"]
MAX_FORM_MEMBERS = 1_000  # more members in a period are allocated through the API


@login_required
def accounts(request: HttpRequest, slug: str) -> HttpResponse:
    """The patronage lines to allocate or allocated, every account, and the payout form."""
    organization = access_registers(request.user, slug=slug)
    rows = selectors.accounts(organization)
    open_rows = [row for row in rows if row.balance > 0]
    form = PayoutForm(
        request.POST if request.method == "POST" else None,
        accounts=open_rows,
        initial={"on": registers.today(), "key": secrets.token_urlsafe(24)},
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        row = values["account"]
        try:
            capital_accounts.capital_account_payout(
                actor=authenticated_user(request),
                member=row.member,
                currency=row.currency,
                amount=values["amount"],
                on=values["on"],
                note=values["note"],
                idempotency_key=values["key"] or None,
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("Payout of %(amount)s recorded for %(name)s.")
                % {"amount": format_money(values["amount"], row.currency), "name": row.member.name},
            )
            return redirect("membership:capital_accounts", slug=organization.slug)
    return render(
        request,
        "membership/capital_accounts.html",
        {
            "organization": organization,
            "lines": selectors.patronage_lines(organization),
            "accounts": rows,
            "form": form if open_rows else None,
        },
    )


@login_required
def accounts_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """Every member's account as CSV: a line per member and currency."""
    organization = access_registers(request.user, slug=slug)
    rows = (
        [
            row.member.name,
            row.currency,
            major_units(row.credited, row.currency),
            major_units(row.paid_out, row.currency),
            major_units(row.balance, row.currency),
        ]
        for row in selectors.accounts(organization)
    )
    return csv_response(
        csv_lines(ACCOUNT_COLUMNS, rows), f"capital-accounts-{organization.slug}.csv"
    )


@login_required
def allocate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A patronage line: once allocated, each member's part and the form that reverses
    it; until then, the form that allocates it among the members of its period (the
    hours they logged on their pathway shown beside them)."""
    organization = access_registers(request.user, slug=slug)
    found = selectors.patronage_line(organization, pk)
    if found is None:
        raise NotFoundReason(_("No such patronage distribution"))
    period = found.line.patronage
    posted = request.POST if request.method == "POST" else None
    actor = authenticated_user(request) if posted is not None else None
    context: dict[str, Any] = {
        "organization": organization,
        "found": found,
        "period": period,
        "reversals": selectors.reversed_allocations(found.line),
    }
    if found.allocation is not None:
        reverse = ReverseForm(posted, initial={"allocation": found.allocation.pk})
        if posted is not None and reverse.is_valid():
            shown = selectors.allocation_of(found.line, reverse.cleaned_data["allocation"])
            if shown is None:
                raise NotFoundReason(_("No such allocation of this patronage distribution"))
            try:
                capital_accounts.patronage_allocation_reverse(
                    actor=actor, allocation=shown, reason=reverse.cleaned_data["reason"]
                )
            except DomainError as error:
                add_domain_errors(reverse, error)
            else:
                messages.success(request, _("The allocation is reversed: allocate it again."))
                return redirect("membership:capital_allocate", slug=organization.slug, pk=pk)
        context.update(parts=selectors.parts_of(found.allocation), reverse=reverse)
        return render(request, "membership/capital_allocate.html", context)
    members = list(
        selectors.members_in_period(organization, period.period_start, period.period_end)
    )
    too_many = len(members) > MAX_FORM_MEMBERS
    hours = selectors.hours_in_period(members, period.period_start, period.period_end)
    form = AllocateForm(
        None if too_many else posted,
        members=[] if too_many else members,
        hours=hours,
        initial={"basis": "hours", "on": max(registers.today(), period.period_end)},
    )
    if posted is not None and found.can_allocate and form.is_valid():
        try:
            capital_accounts.patronage_allocate(
                actor=actor,
                source=found.line,
                basis=form.cleaned_data["basis"],
                weights=form.weights(),
                on=form.cleaned_data["on"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The patronage is allocated among the members."))
            return redirect("membership:capital_allocate", slug=organization.slug, pk=pk)
    context.update(form=form, members=members, too_many=too_many)
    return render(request, "membership/capital_allocate.html", context)
