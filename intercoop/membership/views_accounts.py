"""The internal capital accounts of an organisation's members: the patronage purchasing
networks retained for it, each line allocated among the members by hours worked or
wages paid; every member's account (credited, paid out, balance; page and CSV); and
payouts. Only the organisation's admins and staff open them (permissions_registers);
a member sees their own account with their shares (views_registers.my_shares)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from intercoop.core.errors import DomainError
from intercoop.core.forms import add_domain_errors
from intercoop.core.money import format_money, major_units
from intercoop.core.permissions import NotFoundReason, authenticated_user
from intercoop.membership import capital_accounts, registers
from intercoop.membership import selectors_accounts as selectors
from intercoop.membership.forms_accounts import AllocateForm, PayoutForm, weight_field
from intercoop.membership.permissions_registers import access_registers
from intercoop.membership.views_registers import csv_lines, csv_response

ACCOUNT_COLUMNS = ["member", "currency", "credited", "paid_out", "balance"]


@login_required
def accounts(request: HttpRequest, slug: str) -> HttpResponse:
    """The patronage lines to allocate or allocated, every account, and the payout form."""
    organization = access_registers(request.user, slug=slug)
    rows = selectors.accounts(organization)
    open_rows = [row for row in rows if row.balance > 0]
    form = PayoutForm(
        request.POST if request.method == "POST" else None,
        accounts=open_rows,
        initial={"on": registers.today()},
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
    """A patronage line: the form that allocates it among the members of its period
    (hours logged on their pathway filled in), or once allocated, each member's part."""
    organization = access_registers(request.user, slug=slug)
    found = selectors.patronage_line(organization, pk)
    if found is None:
        raise NotFoundReason(_("No such patronage distribution"))
    period = found.line.patronage
    context: dict[str, Any] = {"organization": organization, "found": found, "period": period}
    if found.allocation is not None:
        context["entries"] = selectors.allocation_entries(found.allocation)
        return render(request, "membership/capital_allocate.html", context)
    members = list(
        selectors.members_in_period(organization, period.period_start, period.period_end)
    )
    hours = selectors.hours_in_period(members, period.period_start, period.period_end)
    form = AllocateForm(
        request.POST if request.method == "POST" else None,
        members=members,
        initial={
            "basis": "hours",
            "on": max(registers.today(), period.period_end),
            **{weight_field(m): hours[m.pk] for m in members if m.pk in hours},
        },
    )
    if request.method == "POST" and found.can_allocate and form.is_valid():
        try:
            capital_accounts.patronage_allocate(
                actor=authenticated_user(request),
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
    context.update(form=form, members=members, hours=hours)
    return render(request, "membership/capital_allocate.html", context)
