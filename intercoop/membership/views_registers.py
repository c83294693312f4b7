"""The register pages of an organisation: the register of members (page, CSV, print; a
member's row with its holdings, corrections and ceasing) and the share register (share
classes, holdings with their ledger entries, subscriptions, payments, transfers and
redemptions; page, CSV, print); and a member's own holdings.

Only the organisation's admins and staff open the registers (permissions_registers:
404 for an organisation one may not see, 403 for everyone else, before anything is
read or written). Every write is the service's to allow or refuse, and bad values come
back as the form's field errors."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from intercoop.core.bounds import EARLIEST_DATE, LATEST_DATE
from intercoop.core.csvfiles import csv_lines, csv_response
from intercoop.core.errors import DomainError
from intercoop.core.forms import add_domain_errors
from intercoop.core.money import format_money, major_units
from intercoop.core.pagination import paginate
from intercoop.core.permissions import NotFoundReason, authenticated_user
from intercoop.directory.models import Organization
from intercoop.directory.permissions import access_organization
from intercoop.membership import registers, selectors_accounts
from intercoop.membership import selectors_registers as selectors
from intercoop.membership.forms_registers import (
    CeaseForm,
    MemberForm,
    MemberUpdateForm,
    PaymentForm,
    RedeemForm,
    ShareClassForm,
    SubscribeForm,
    TransferForm,
    member_initial,
    share_class_initial,
)
from intercoop.membership.models import Member, ShareClass, Subscription
from intercoop.membership.permissions_registers import access_member, access_registers
from intercoop.membership.plans import due_by

PAGE_SIZE = 100
MAX_CHOICES = 1_000  # members offered in one select
REGISTER_COLUMNS = [
    "name",
    "address",
    "email",
    "shares_held",
    "shares_paid",
    "loans",
    "entered_on",
    "ceased_on",
]
SHARES_COLUMNS = [
    "member",
    "share_class",
    "shares",
    "amount_paid",
    "amount_unpaid",
    "currency",
    "entered_on",
    "ceased_on",
]


def _today() -> dt.date:
    return registers.today()


def _on(request: HttpRequest) -> dt.date | None:
    """The date the register is shown as of (`?on=2025-12-31`); None (today's register)
    when absent or not a date within bounds."""
    text = str(request.GET.get("on", ""))[:10]
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if EARLIEST_DATE <= day <= LATEST_DATE else None


def _current_members(organization: Organization) -> list[Member]:
    return list(
        Member.objects.filter(organization=organization, ceased_on__isnull=True).order_by(
            "name", "pk"
        )[:MAX_CHOICES]
    )


# the register of members ------------------------------------------------------------------


@login_required
def register(request: HttpRequest, slug: str) -> HttpResponse:
    organization = access_registers(request.user, slug=slug)
    on = _on(request)
    form = MemberForm(
        request.POST if request.method == "POST" else None, initial={"entered_on": _today()}
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            member = registers.member_enter(
                actor=authenticated_user(request),
                organization=organization,
                name=values["name"],
                email=values["email"],
                address=values["address"],
                entered_on=values["entered_on"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s is entered on the register.") % {"name": member.name}
            )
            return redirect("membership:register_member", slug=organization.slug, pk=member.pk)
    paged = paginate(
        selectors.register_members(organization, on=on),
        page=request.GET.get("page"),
        page_size=PAGE_SIZE,
    )
    rows = list(selectors.register_rows(organization, on=on, members=paged.page.object_list))
    return render(
        request,
        "membership/register.html",
        {
            "organization": organization,
            "rows": rows,
            "paged": paged,
            "on": on,
            "currency": selectors.register_currency(organization),
            "form": form,
        },
    )


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


@login_required
def register_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The register of members as CSV, streamed: amounts in major units of the
    register's currency, dates ISO."""
    organization = access_registers(request.user, slug=slug)
    on = _on(request)
    currency = selectors.register_currency(organization) or "USD"
    rows = (
        [
            row.name,
            row.address,
            row.email,
            row.shares_held,
            major_units(row.paid, currency),
            major_units(row.loans, currency),
            _day(row.entered_on),
            _day(row.ceased_on),
        ]
        for row in selectors.register_rows(organization, on=on)
    )
    return csv_response(csv_lines(REGISTER_COLUMNS, rows), f"register-{organization.slug}.csv")


@login_required
def register_member(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = access_registers(request.user, slug=slug)
    member = access_member(request.user, organization, pk)
    currency = selectors.register_currency(organization)
    posted = request.POST if request.method == "POST" else None
    sent = str(posted.get("record", "")) if posted is not None else ""
    update = MemberUpdateForm(
        posted if sent == "update" else None,
        currency=currency or "USD",
        initial=member_initial(member, currency),
    )
    cease = CeaseForm(posted if sent == "cease" else None, initial={"on": _today()})
    if posted is not None:
        actor = authenticated_user(request)
        form: Any = update if sent == "update" else cease
        if form.is_valid():
            values = form.cleaned_data
            try:
                if sent == "update":
                    registers.member_update(actor=actor, member=member, values=values)
                    done = _("The register is corrected.")
                else:
                    registers.member_cease(
                        actor=actor, member=member, on=values["on"], reason=values["reason"]
                    )
                    done = _("The member has ceased; their paid-up shares are to be repaid.")
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, done)
                return redirect("membership:register_member", slug=organization.slug, pk=member.pk)
        member.refresh_from_db()
    return render(
        request,
        "membership/register_member.html",
        {
            "organization": organization,
            "member": member,
            "currency": currency,
            "holdings": selectors.holdings(member),
            "subscriptions": _with_plans(selectors.subscriptions_of(member)),
            "capital": selectors_accounts.account_of(member),
            "update": update,
            "cease": cease if member.ceased_on is None else None,
        },
    )


def _with_plans(subscriptions: list[Subscription]) -> list[dict[str, Any]]:
    today = _today()
    rows = []
    for subscription in subscriptions:
        plan = registers.plan_of(subscription)
        rows.append(
            {
                "subscription": subscription,
                "plan": plan,
                "owed": subscription.amount - subscription.paid,
                "late": max(0, due_by(plan, today) - subscription.paid),
            }
        )
    return rows


# the share register ------------------------------------------------------------------------


def _subscription_label(subscription: Subscription) -> str:
    holder = subscription.member.name if subscription.member else _("applicant")
    if subscription.member is None and subscription.application is not None:
        applicant = subscription.application.user or subscription.application.organization
        holder = _("%(name)s (applicant)") % {"name": applicant}
    owed = format_money(subscription.amount - subscription.paid, subscription.share_class.currency)
    return f"{holder}: {subscription.shares} × {subscription.share_class.name} ({owed})"


SHARE_FORMS = ("share_class", "subscribe", "payment", "transfer", "redeem")


@login_required
def shares(request: HttpRequest, slug: str) -> HttpResponse:
    organization = access_registers(request.user, slug=slug)
    currency = selectors.register_currency(organization)
    classes = selectors.share_classes(organization)
    members = _current_members(organization)
    subscriptions = list(selectors.open_subscriptions(organization)[:MAX_CHOICES])
    posted = request.POST if request.method == "POST" else None
    sent = str(posted.get("record", "")) if posted is not None else ""

    def bound(name: str) -> Any:
        return posted if sent == name else None

    today = _today()
    common = {"organization": organization, "currency": currency or "USD"}
    forms: dict[str, Any] = {
        "share_class": ShareClassForm(
            bound("share_class"),
            currency=currency or "USD",
            initial={"currency": currency or "USD"},
        ),
        "subscribe": SubscribeForm(
            bound("subscribe"),
            members=members,
            classes=classes,
            initial={"first_due_on": today, "instalments": 1},
            **common,
        ),
        "payment": PaymentForm(
            bound("payment"),
            subscriptions=[(s, _subscription_label(s)) for s in subscriptions],
            initial={"on": today},
            **common,
        ),
        "transfer": TransferForm(
            bound("transfer"),
            members=members,
            classes=[c for c in classes if c.transferable],
            initial={"on": today},
            **common,
        ),
        "redeem": RedeemForm(
            bound("redeem"), members=members, classes=classes, initial={"on": today}, **common
        ),
    }
    form = forms.get(sent)
    if form is not None and form.is_valid():
        try:
            done = _record(authenticated_user(request), organization, sent, form.cleaned_data)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("membership:shares", slug=organization.slug)
    paged = paginate(
        selectors.register_members(organization), page=request.GET.get("page"), page_size=PAGE_SIZE
    )
    return render(
        request,
        "membership/shares.html",
        {
            "organization": organization,
            "currency": currency,
            "classes": classes,
            "holdings": selectors.share_register(organization, members=paged.page.object_list),
            "paged": paged,
            "has_members": bool(members),
            "has_subscriptions": bool(subscriptions),
            "has_transferable": any(c.transferable for c in classes),
            **{f"{name}_form": form for name, form in forms.items()},
        },
    )


def _record(actor: Any, organization: Organization, sent: str, values: dict[str, Any]) -> str:
    if sent == "share_class":
        registers.share_class_create(actor=actor, organization=organization, **values)
        return _("Share class added.")
    if sent == "subscribe":
        registers.subscribe(actor=actor, **values)
        return _("Subscription recorded.")
    if sent == "payment":
        registers.payment_record(actor=actor, **values)
        return _("Payment recorded.")
    if sent == "transfer":
        registers.transfer(actor=actor, **values)
        return _("Transfer recorded.")
    entry = registers.redeem(actor=actor, **values)
    return _("Redemption recorded: to be paid out on %(day)s.") % {
        "day": entry.payout_on.isoformat() if entry.payout_on else ""
    }


@login_required
def shares_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The share register as CSV: a line per member and share class."""
    organization = access_registers(request.user, slug=slug)
    holdings = selectors.share_register_rows(organization)
    rows = (
        [
            h.member.name,
            h.share_class.name,
            h.shares,
            major_units(h.paid, h.share_class.currency),
            major_units(h.unpaid, h.share_class.currency),
            h.share_class.currency,
            _day(h.member.entered_on),
            _day(h.member.ceased_on),
        ]
        for h in holdings
    )
    return csv_response(csv_lines(SHARES_COLUMNS, rows), f"shares-{organization.slug}.csv")


@login_required
def share_class(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = access_registers(request.user, slug=slug)
    found = ShareClass.objects.filter(organization=organization, pk=pk).first()
    if found is None:
        raise NotFoundReason(_("No such share class"))
    form = ShareClassForm(
        request.POST if request.method == "POST" else None,
        currency=found.currency,
        initial=share_class_initial(found),
    )
    if request.method == "POST" and form.is_valid():
        try:
            registers.share_class_update(
                actor=authenticated_user(request), share_class=found, values=form.cleaned_data
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Share class saved."))
            return redirect("membership:shares", slug=organization.slug)
        found.refresh_from_db()
    return render(
        request,
        "membership/shares_class.html",
        {"organization": organization, "share_class": found, "form": form},
    )


# a member's own holdings ------------------------------------------------------------------


@login_required
def my_shares(request: HttpRequest, slug: str) -> HttpResponse:
    """The signed-in person's rows on the organisation's register: their shares,
    subscriptions with the instalment plan, and the ledger's entries."""
    organization = access_organization(request.user, slug=slug)
    mine = selectors.own_members(request.user, organization)
    if not mine:
        raise NotFoundReason(_("You are not on this organisation's register of members"))
    return render(
        request,
        "membership/shares_mine.html",
        {
            "organization": organization,
            "currency": selectors.register_currency(organization),
            "members": [
                {
                    "member": m,
                    "holdings": selectors.holdings(m),
                    "subscriptions": _with_plans(selectors.subscriptions_of(m)),
                    "capital": selectors_accounts.account_of(m),
                }
                for m in mine
            ],
        },
    )
